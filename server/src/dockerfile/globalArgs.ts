/**
 * The global ARG scope FROM lines see. `buildGlobalArgs` mirrors dockerfile2llb's buildMetaArgs
 * + defaultArgs: only ARGs declared before the first FROM are visible in FROM; each default is
 * expanded (expand.ts) against the predefined platform ARGs (predefinedArgs.ts) and the global
 * ARGs before it; an ARG redeclared without a value keeps the value it had (so `ARG TARGETARCH`
 * stays per-platform, `ARG TARGETARCH=amd64` fixes it).
 */
import type { Range } from "vscode-languageserver-textdocument";
import { expandWord } from "./expand";
import type { Variable, VariableLookup } from "./expand";
import { platformArgValues, PREDEFINED_ARGS } from "./predefinedArgs";
import type { BuildPlatforms } from "./predefinedArgs";

/** One name (or name=value) of an ARG instruction declared before the first FROM. */
export interface ArgDeclaration {
  readonly name: string;
  /** Range of the name in the document. */
  readonly nameRange: Range;
  /** The default value as written (quotes, escapes, `$` kept; continuations removed). */
  readonly rawValue?: string;
  /** Range of the default value as written. */
  readonly valueRange?: Range;
}

/** A global ARG as FROM lines see it. */
export interface GlobalArg {
  readonly name: string;
  readonly variable: Variable;
  /** The declaration that gave the ARG its current state (absent for predefined ARGs). */
  readonly declaration?: ArgDeclaration;
  /** Other ARGs its default refers to (directly), in order. */
  readonly deps: readonly string[];
}

export interface GlobalArgs {
  /** The lookup FROM lines expand against. */
  readonly lookup: VariableLookup;
  /** The state of one ARG (declared or predefined), if it has one. */
  get(name: string): GlobalArg | undefined;
}

export interface GlobalArgOptions {
  /** The escape token of the document. */
  readonly escapeChar: string;
  /**
   * Explains why a name not declared before the first FROM has no value (e.g. "it is declared
   * inside a stage on line 7"); return undefined for no extra detail.
   */
  readonly explainUndeclared?: (name: string) => string | undefined;
  /**
   * The platforms the build uses: the platform ARGs then have their values. Without it they are
   * `unknown` (every platform is possible).
   */
  readonly platforms?: BuildPlatforms;
}

/** The global ARG scope FROM lines see: predefined platform ARGs, then `declarations` in order. */
export function buildGlobalArgs(
  declarations: readonly ArgDeclaration[],
  options: GlobalArgOptions,
): GlobalArgs {
  const args = new Map<string, GlobalArg>();
  const platformValues = options.platforms === undefined ? undefined : platformArgValues(options.platforms);
  for (const [name, reason] of PREDEFINED_ARGS) {
    const value = platformValues?.get(name);
    const variable: Variable = value === undefined ? { state: "unknown", reason } : { state: "set", value };
    args.set(name, { name, variable, deps: [] });
  }
  const lookup: VariableLookup = (name) => {
    const found = args.get(name);
    if (found !== undefined) return found.variable;
    const detail = options.explainUndeclared?.(name);
    return {
      state: "unset",
      reason: `ARG ${name} is not declared before the first FROM${detail === undefined ? "" : ` (${detail})`}`,
    };
  };
  for (const declaration of declarations) {
    const { name } = declaration;
    const previous = args.get(name);
    if (declaration.rawValue === undefined) {
      // BuildKit only adds ARGs with a value to the global scope: a bare redeclaration keeps
      // whatever the name already had.
      if (previous === undefined) {
        const reason = `ARG ${name} has no default value, so it is empty unless the build passes --build-arg ${name}=…`;
        args.set(name, { name, variable: { state: "unset", reason }, declaration, deps: [] });
      }
      continue;
    }
    const expansion = expandWord(declaration.rawValue, lookup, options.escapeChar);
    const deps = expansion.used.filter((n) => n !== name);
    if (expansion.used.includes(name) && previous !== undefined) {
      for (const dep of previous.deps) if (!deps.includes(dep)) deps.push(dep);
    }
    let variable: Variable;
    if (expansion.tooDeep === true) {
      variable = {
        state: "unknown",
        reason: `the default value of ARG ${name} is not expanded: ${expansion.unknown ?? ""}`,
      };
    } else if (expansion.error !== undefined) {
      variable = {
        state: "unknown",
        reason: `the default value of ARG ${name} is invalid: ${expansion.error}`,
      };
    } else if (expansion.value === undefined) {
      variable = { state: "unknown", reason: expansion.unknown ?? `ARG ${name} has no fixed value` };
    } else {
      variable = { state: "set", value: expansion.value };
    }
    args.set(name, { name, variable, declaration, deps });
  }
  return { lookup, get: (name) => args.get(name) };
}

/**
 * Docker Compose files: `services.<name>.image`, also when the service comes through an anchor
 * or a merge key, with Compose's variable interpolation (`${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?error}`, `${VAR:+alt}`, `$VAR`, `$$`) from the `.env` file beside the
 * compose file. The shell's environment at `docker compose` time is not known to an editor, so a
 * variable set nowhere but there reads as unresolvable, with the reason.
 */
import type { ImageRef } from "../dockerfile";
import { entries, get, imageRef, stringValue, type Substituted, type YamlFile } from "./yaml";

const MAX_DEPTH = 16;

/** Compose interpolation of one value with `env`; never throws. */
export function interpolate(value: string, env: Readonly<Record<string, string>>, depth = 0): Substituted {
  if (depth > MAX_DEPTH) return { unresolvable: "variables are nested too deeply to read" };
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch !== "$") {
      out += ch;
      continue;
    }
    const next = value[i + 1];
    if (next === "$") {
      out += "$";
      i++;
      continue;
    }
    if (next === "{") {
      // Find the matching brace (defaults may hold further ${…}).
      let level = 0;
      let j = i + 1;
      for (; j < value.length; j++) {
        if (value[j] === "{") level++;
        else if (value[j] === "}" && --level === 0) break;
      }
      if (j >= value.length) return { unresolvable: `"${value.slice(i)}" has no closing brace` };
      const body = value.slice(i + 2, j);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
      if (m === null) return { unresolvable: `"\${${body}}" is not a Compose variable` };
      const [, name = "", op, arg = ""] = m;
      const set = Object.prototype.hasOwnProperty.call(env, name);
      const val = set ? (env[name] ?? "") : undefined;
      const empty = val === undefined || (op?.startsWith(":") === true && val === "");
      let piece: Substituted;
      if (op === ":-" || op === "-")
        piece = empty ? interpolate(arg, env, depth + 1) : { resolved: val ?? "" };
      else if (op === ":+" || op === "+") piece = empty ? { resolved: "" } : interpolate(arg, env, depth + 1);
      else if (op === ":?" || op === "?")
        piece = empty
          ? { unresolvable: `${name} must be set (${arg || "the file requires it"})` }
          : { resolved: val ?? "" };
      else piece = val === undefined ? { unresolvable: unset(name) } : { resolved: val };
      if ("unresolvable" in piece) return piece;
      out += piece.resolved;
      i = j;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(value.slice(i + 1));
    if (m === null) {
      out += "$";
      continue;
    }
    const name = m[0];
    if (!Object.prototype.hasOwnProperty.call(env, name)) return { unresolvable: unset(name) };
    out += env[name] ?? "";
    i += name.length;
  }
  return { resolved: out };
}

function unset(name: string): string {
  return `${name} is not set in the .env file beside this file and has no default (write \${${name}:-value} to give one)`;
}

/** Reads a `.env` file: `KEY=value` lines, `export ` prefixes, quotes, comments. */
export function parseDotEnv(text: string): Record<string, string> {
  const env: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m === null) continue;
    let value = m[2] ?? "";
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2)
      value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, "");
    env[m[1] ?? ""] = value;
  }
  return env;
}

export function composeRefs(file: YamlFile, env: Readonly<Record<string, string>> = {}): ImageRef[] {
  const refs: ImageRef[] = [];
  for (const document of file.documents) {
    const services = get(file, document, document.contents, "services");
    for (const [name, service] of entries(file, document, services)) {
      const value = stringValue(get(file, document, service, "image"));
      if (value === undefined) continue;
      const ref = imageRef(file, value, {
        where: `Compose service ${name}`,
        substitute: (v) => interpolate(v, env),
      });
      if (ref) refs.push(ref);
    }
  }
  return refs;
}

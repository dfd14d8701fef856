/**
 * The command line of `from-lens`: commands, options, help texts. Pure: argv and the environment
 * in, a parsed command (or the text to print and the exit code) out. Settings are read in
 * config.ts; this module only says which files and flags were named.
 */
import { DiagnosticSeverity } from "vscode-languageserver-types";
import { version } from "../../package.json";

export const VERSION: string = version;

/** Exit codes, the same for every command (README "Use in CI"). */
export const EXIT = {
  /** Nothing at or above --fail-on; everything pinned; the image was inspected. */
  ok: 0,
  /** check: problems at or above --fail-on (or unresolved images with --require-resolved);
   *  pin --check: something unpinned or stale; pin: nothing could be pinned; inspect: not resolved. */
  findings: 1,
  /** Bad usage, an unreadable or missing file, or an internal error. */
  fatal: 2,
} as const;

export type Format = "text" | "json" | "sarif";

export interface CommonOptions {
  /** --settings FILE; else .from-lens.json at the repository root, when there is one. */
  settingsFile?: string;
  /** --no-config: ignore .from-lens.json (e.g. for pull requests from forks). */
  noConfig: boolean;
  /** Settings given as flags; they win over the files. */
  flagSettings: Record<string, unknown>;
  cacheDir?: string;
  concurrency?: number;
  timeoutMs: number;
  verbose: boolean;
  quiet: boolean;
  color: boolean;
  cwd: string;
}

export interface CheckOptions extends CommonOptions {
  command: "check";
  paths: string[];
  format: Format;
  /** Lowest severity that fails the check; "none": findings never fail it. */
  failOn: DiagnosticSeverity | "none";
  requireResolved: boolean;
  /** Write the report here instead of stdout. */
  output?: string;
  /** GitHub Actions annotations on stdout. */
  annotations: boolean;
}

export interface PinOptions extends CommonOptions {
  command: "pin";
  paths: string[];
  update: boolean;
  dryRun: boolean;
  check: boolean;
}

export interface InspectOptions extends CommonOptions {
  command: "inspect";
  image: string;
  json: boolean;
  platform?: string;
}

export type Options = CheckOptions | PinOptions | InspectOptions;

export type Parsed =
  | { kind: "run"; options: Options }
  /** Help or the version: printed on stdout, exit 0. */
  | { kind: "print"; text: string }
  /** A usage error: printed on stderr, exit 2. */
  | { kind: "usage"; text: string };

const COMMON_HELP = `Common options:
  --settings FILE         fromLens settings as JSON (keys as in VS Code, without "fromLens.");
                          default: the nearest .from-lens.json up to the repository root
  --no-config             ignore .from-lens.json (e.g. in a job that checks pull requests from forks)
  --offline               use only the cache; never contact a registry
  --cache-dir DIR         cache directory (default ~/.cache/from-lens)
  --platform OS/ARCH      the platform builds use (default: this machine's)
  --concurrency N         images resolved at once (default 32)
  --registry-mirror URL   Docker Hub mirror (repeatable)
  --insecure-registry H   registry spoken to over http (repeatable)
  --hub-api-url URL       Docker Hub web API (default https://hub.docker.com)
  --timeout SECONDS       how long to wait for the registries in all (default 60)
  --quiet                 print only results, no summary or progress
  --no-color              no colours (also NO_COLOR=1); colours are used only on a terminal
  --verbose               log registry traffic to stderr
  --version               print the version
  -h, --help              help for the command`;

const EXIT_HELP = `Exit codes: 0 fine; 1 findings (see the command); 2 bad usage, unreadable file or fatal error.`;

export const HELP: Record<"main" | Options["command"], string> = {
  main: `Usage: from-lens <command> [options]

Commands:
  check [paths|globs…]    report problems with every image reference and the standard Dockerfile checks
  pin [paths|globs…]      pin every image to its digest, in place (--update moves stale pins, --check only checks)
  inspect <image>         what FROM Lens knows of one image: digest, platforms, OS, libc, runtime, trust

Run "from-lens <command> --help" for a command's options.
With no path, check and pin find every file FROM Lens reads under the current directory
(Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*, …), honouring .gitignore and .from-lens-ignore.

${EXIT_HELP}`,
  check: `Usage: from-lens check [options] [paths|globs…]

Reports problems with every image reference, and the standard Dockerfile checks, as file:line:col.

Options:
  --format text|json|sarif  output (default text); sarif is SARIF 2.1.0 for code scanning
  -o, --output FILE         write the report to FILE instead of standard output
  --fail-on LEVEL           error|warning|info|hint|none: lowest severity that makes check exit 1 (default error)
  --require-resolved        exit 1 when an image could not be checked (offline and not cached, unreachable, …)
  --annotations             GitHub Actions annotations on standard output (default: when GITHUB_ACTIONS=true
                            and standard output is not taken by a json or sarif report)
  --no-annotations          never print annotations

${COMMON_HELP}

Exit codes: 0 nothing at or above --fail-on; 1 problems at or above it, or (with --require-resolved)
images not checked; 2 bad usage, unreadable file or fatal error.`,
  pin: `Usage: from-lens pin [options] [paths|globs…]

Pins every image to its index digest in place, keeping the tag (python:3.12-slim → python:3.12-slim@sha256:…)
and every other byte of the file.

Options:
  --update                move pins whose tag has moved (leaves unpinned images alone)
  --dry-run               print a unified diff instead of writing the files
  --check                 change nothing; exit 1 when an image is unpinned or its pin is stale
                          (for pre-commit hooks and CI); with --update, only stale pins count

${COMMON_HELP}

Exit codes: 0 done (or, with --check, everything pinned and current); 1 something could not be pinned
or updated (or, with --check, is unpinned or stale); 2 bad usage, unreadable file or fatal error.`,
  inspect: `Usage: from-lens inspect [options] <image>

What FROM Lens knows of one image, each fact with its evidence: digest, platforms with digests and
sizes, base OS, libc, runtime, trust, other tags of the same digest.

Options:
  --json                  the facts as JSON (a stable shape: README "from-lens inspect --json")

${COMMON_HELP}

Exit codes: 0 the image was resolved; 1 it could not be (not found, unauthorized, offline and not
cached, …; the reason is printed); 2 bad usage or fatal error.`,
};

const SEVERITY_NAMES: Record<string, DiagnosticSeverity | "none"> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
  none: "none",
};

const GLOB_CHARS = /[*?[\]{}!]/;

/** True when a path argument is a glob pattern rather than a file or folder name. */
export function isGlob(arg: string): boolean {
  return GLOB_CHARS.test(arg);
}

interface Env {
  [name: string]: string | undefined;
}

/**
 * Parses argv (without node and the script). `env` decides the defaults that depend on where
 * the command runs (NO_COLOR, GITHUB_ACTIONS); `stdoutIsTTY` whether colours are used at all.
 */
export function parseArgs(
  argv: readonly string[],
  env: Env = process.env,
  stdoutIsTTY = false,
  cwd = process.cwd(),
): Parsed {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help")
    return { kind: "print", text: HELP.main };
  if (command === "--version" || command === "-v") return { kind: "print", text: VERSION };
  if (command !== "check" && command !== "pin" && command !== "inspect") {
    return { kind: "usage", text: `from-lens: unknown command "${command}"\n\n${HELP.main}` };
  }
  const usage = (message: string): Parsed => ({
    kind: "usage",
    text: `from-lens ${command}: ${message}\nRun "from-lens ${command} --help" for its options.`,
  });
  const flagSettings: Record<string, unknown> = {};
  const mirrors: string[] = [];
  const insecure: string[] = [];
  const positional: string[] = [];
  const common: CommonOptions = {
    flagSettings,
    noConfig: false,
    timeoutMs: 60_000,
    verbose: false,
    quiet: false,
    color: stdoutIsTTY && !env.NO_COLOR,
    cwd,
  };
  let format: Format = "text";
  let failOn: DiagnosticSeverity | "none" = DiagnosticSeverity.Error;
  let requireResolved = false;
  let output: string | undefined;
  let annotations: boolean | undefined;
  let update = false;
  let dryRun = false;
  let check = false;
  let json = false;
  let platform: string | undefined;
  let endOfOptions = false;

  for (let i = 0; i < rest.length; i++) {
    const full = rest[i] ?? "";
    if (endOfOptions || !full.startsWith("-") || full === "-") {
      positional.push(full);
      continue;
    }
    // --name=value is the same as --name value.
    const eq = full.startsWith("--") ? full.indexOf("=") : -1;
    const arg = eq > 0 ? full.slice(0, eq) : full;
    const inline = eq > 0 ? full.slice(eq + 1) : undefined;
    let missing = false;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = rest[i + 1];
      if (next === undefined) {
        missing = true;
        return "";
      }
      i++;
      return next;
    };
    const only = (...commands: Options["command"][]): boolean => commands.includes(command);
    let known = true;
    switch (arg) {
      case "--":
        endOfOptions = true;
        break;
      case "-h":
      case "--help":
        return { kind: "print", text: HELP[command] };
      case "--version":
        return { kind: "print", text: VERSION };
      case "--settings":
        common.settingsFile = value();
        break;
      case "--no-config":
        common.noConfig = true;
        break;
      case "--offline":
        flagSettings.offline = true;
        break;
      case "--cache-dir":
        common.cacheDir = value();
        break;
      case "--platform": {
        const v = value();
        if (!missing && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(v))
          return usage(`--platform takes os/architecture[/variant], e.g. linux/arm64 (got "${v}")`);
        flagSettings.defaultPlatform = v;
        platform = v;
        break;
      }
      case "--concurrency": {
        const v = value();
        const n = Number(v);
        if (!missing && (!Number.isInteger(n) || n < 1 || n > 64))
          return usage(`--concurrency takes a whole number from 1 to 64 (got "${v}")`);
        common.concurrency = n;
        break;
      }
      case "--registry-mirror":
        mirrors.push(value());
        break;
      case "--insecure-registry":
        insecure.push(value());
        break;
      case "--hub-api-url":
        flagSettings.hubApiUrl = value();
        break;
      case "--timeout": {
        const v = value();
        const seconds = Number(v);
        if (!missing && (!Number.isFinite(seconds) || seconds <= 0))
          return usage(`--timeout takes a number of seconds (got "${v}")`);
        common.timeoutMs = seconds * 1000;
        break;
      }
      case "--quiet":
      case "-q":
        common.quiet = true;
        break;
      case "--no-color":
        common.color = false;
        break;
      case "--color":
        common.color = true;
        break;
      case "--verbose":
        common.verbose = true;
        break;
      default:
        known = false;
    }
    if (!known) {
      known = true;
      if (arg === "--format" && only("check")) {
        const v = value();
        if (!missing && v !== "text" && v !== "json" && v !== "sarif")
          return usage(`--format takes text, json or sarif (got "${v}")`);
        format = v as Format;
      } else if ((arg === "--output" || arg === "-o") && only("check")) {
        output = value();
      } else if (arg === "--fail-on" && only("check")) {
        const v = value();
        const level = SEVERITY_NAMES[v];
        if (!missing && level === undefined)
          return usage(`--fail-on takes error, warning, info, hint or none (got "${v}")`);
        failOn = level ?? DiagnosticSeverity.Error;
      } else if (arg === "--require-resolved" && only("check")) {
        requireResolved = true;
      } else if (arg === "--annotations" && only("check")) {
        annotations = true;
      } else if (arg === "--no-annotations" && only("check")) {
        annotations = false;
      } else if (arg === "--update" && only("pin")) {
        update = true;
      } else if (arg === "--dry-run" && only("pin")) {
        dryRun = true;
      } else if (arg === "--check" && only("pin")) {
        check = true;
      } else if (arg === "--json" && only("inspect")) {
        json = true;
      } else {
        return usage(`unknown option ${arg}`);
      }
    }
    if (missing) return usage(`${arg} needs a value`);
    if (inline !== undefined && !takesValue(arg)) return usage(`${arg} takes no value`);
  }
  if (mirrors.length > 0) flagSettings.registryMirrors = mirrors;
  if (insecure.length > 0) flagSettings.insecureRegistries = insecure;

  if (command === "inspect") {
    if (positional.length !== 1) return usage(positional.length === 0 ? "name an image" : "name one image");
    return {
      kind: "run",
      options: { ...common, command, image: positional[0] ?? "", json, ...(platform ? { platform } : {}) },
    };
  }
  if (command === "check") {
    const reportOnStdout = format !== "text" && output === undefined;
    return {
      kind: "run",
      options: {
        ...common,
        command,
        paths: positional,
        format,
        failOn,
        requireResolved,
        ...(output !== undefined ? { output } : {}),
        annotations: annotations ?? (env.GITHUB_ACTIONS === "true" && !reportOnStdout),
      },
    };
  }
  if (check && dryRun) return usage("--check changes nothing: it does not combine with --dry-run");
  return { kind: "run", options: { ...common, command, paths: positional, update, dryRun, check } };
}

const VALUE_OPTIONS = new Set([
  "--settings",
  "--cache-dir",
  "--platform",
  "--concurrency",
  "--registry-mirror",
  "--insecure-registry",
  "--hub-api-url",
  "--timeout",
  "--format",
  "--output",
  "--fail-on",
]);

function takesValue(option: string): boolean {
  return VALUE_OPTIONS.has(option);
}

/**
 * `from-lens`: FROM Lens without an editor — the same engine, rules and pinning as the language
 * server, for CI jobs and pre-commit hooks.
 *
 *   from-lens check [options] [Dockerfile…]   report problems; exit 1 when any reaches --fail-on
 *   from-lens pin [options] [Dockerfile…]     pin every image to its digest (--update: move pins)
 *
 * Exit codes (also in the README):
 *   check: 0 no problem at --fail-on or above; 1 problems found; 2 bad usage or an unreadable file;
 *          3 (with --require-resolved) no problems, but some images were not checked.
 *   pin:   0 pinned (or nothing to pin); 1 nothing could be pinned; 2 bad usage or an unreadable file.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver-types";
import type { ImageRef } from "../../server/src/dockerfile";
import { TextDocument } from "vscode-languageserver-textdocument";
import { Engine } from "../../server/src/engine";
import { officialCounterpart } from "../../server/src/features/rules/divergesFromOfficial";
import type { FeatureContext } from "../../server/src/features/context";
import { provideDiagnostics } from "../../server/src/features/diagnostics";
import { pinAllEdits } from "../../server/src/features/pin";
import * as standard from "../../server/src/features/standard";
import { createLogger } from "../../server/src/log";
import { normalizeSettings, type FromLensSettings, type LogLevel } from "../../server/src/settings";

const USAGE = `Usage: from-lens <check|pin> [options] [Dockerfile…]   (default file: ./Dockerfile)

Commands:
  check                 report problems with every image reference (and the standard Dockerfile checks)
  pin                   pin every image to its index digest, keeping the tag

Options:
  --format text|json    output of check (default text)
  --fail-on error|warning|info|hint   lowest severity that makes check exit 1 (default error)
  --require-resolved    check: exit 3 when any image could not be looked up (offline, unreachable…)
  --update              pin: move existing pins to where their tags point now
  --dry-run             pin: print the pinned lines instead of writing the files
  --platform os/arch    the platform builds use (default: this machine's)
  --offline             use only the cache
  --registry-mirror URL Docker Hub mirror (repeatable)
  --insecure-registry H registry spoken to over http (repeatable)
  --hub-api-url URL     Docker Hub web API (default https://hub.docker.com)
  --settings FILE       a JSON file of fromLens settings (as in VS Code, without the "fromLens." prefix)
  --cache-dir DIR       cache directory (default ~/.cache/from-lens)
  --timeout SECONDS     how long to wait for the registries (default 60)
  --verbose             log registry traffic to stderr
  -h, --help            this help`;

export interface CliOptions {
  command: "check" | "pin";
  files: string[];
  format: "text" | "json";
  failOn: DiagnosticSeverity;
  update: boolean;
  dryRun: boolean;
  requireResolved: boolean;
  settings: FromLensSettings;
  cacheDir?: string;
  timeoutMs: number;
  logLevel: LogLevel;
}

const SEVERITY_NAMES: Record<string, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};
const SEVERITY_LABEL: Record<number, string> = { 1: "error", 2: "warning", 3: "info", 4: "hint" };

/** Parses argv (without node and script); a string is a usage error to print. */
export function parseArgs(argv: readonly string[]): CliOptions | string {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help") return USAGE;
  if (command !== "check" && command !== "pin") return `from-lens: unknown command "${command}"\n\n${USAGE}`;
  const raw: Record<string, unknown> = {};
  const mirrors: string[] = [];
  const insecure: string[] = [];
  const out: Omit<CliOptions, "settings"> = {
    command,
    files: [],
    format: "text",
    failOn: DiagnosticSeverity.Error,
    update: false,
    dryRun: false,
    requireResolved: false,
    timeoutMs: 60_000,
    logLevel: "warn",
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? "";
    const value = (): string | undefined => rest[++i];
    switch (arg) {
      case "--format": {
        const v = value();
        if (v !== "text" && v !== "json") return `from-lens: --format takes text or json`;
        out.format = v;
        break;
      }
      case "--fail-on": {
        const v = SEVERITY_NAMES[value() ?? ""];
        if (v === undefined) return `from-lens: --fail-on takes error, warning, info or hint`;
        out.failOn = v;
        break;
      }
      case "--update":
        out.update = true;
        break;
      case "--dry-run":
        out.dryRun = true;
        break;
      case "--require-resolved":
        out.requireResolved = true;
        break;
      case "--offline":
        raw.offline = true;
        break;
      case "--verbose":
        out.logLevel = "debug";
        break;
      case "--platform":
        raw.defaultPlatform = value();
        break;
      case "--registry-mirror":
        mirrors.push(value() ?? "");
        break;
      case "--insecure-registry":
        insecure.push(value() ?? "");
        break;
      case "--hub-api-url":
        raw.hubApiUrl = value();
        break;
      case "--cache-dir":
        out.cacheDir = value();
        break;
      case "--timeout": {
        const seconds = Number(value());
        if (!Number.isFinite(seconds) || seconds <= 0)
          return `from-lens: --timeout takes a number of seconds`;
        out.timeoutMs = seconds * 1000;
        break;
      }
      case "--settings": {
        const file = value() ?? "";
        try {
          Object.assign(raw, JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>);
        } catch (error) {
          return `from-lens: cannot read settings from ${file}: ${error instanceof Error ? error.message : String(error)}`;
        }
        break;
      }
      case "-h":
      case "--help":
        return USAGE;
      default:
        if (arg.startsWith("-")) return `from-lens: unknown option ${arg}\n\n${USAGE}`;
        out.files.push(arg);
    }
  }
  if (mirrors.length > 0) raw.registryMirrors = mirrors;
  if (insecure.length > 0) raw.insecureRegistries = insecure;
  if (out.files.length === 0) out.files.push("Dockerfile");
  return { ...out, settings: normalizeSettings({ ...raw, logLevel: out.logLevel }) };
}

interface Loaded {
  path: string;
  doc: TextDocument;
}

async function resolveAll(
  engine: Engine,
  loaded: readonly Loaded[],
  settings: FromLensSettings,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const { doc } of loaded) engine.workspace.update(doc, settings, "visible");
  for (const { doc } of loaded) {
    const refs = engine.workspace.refs(doc);
    const all = [...refs, ...refs.map(officialCounterpart).filter((r) => r !== undefined)];
    for (const ref of all) await engine.workspace.settle(ref, settings, Math.max(0, deadline - Date.now()));
  }
}

function formatText(path: string, doc: TextDocument, d: Diagnostic): string {
  const code = d.code === undefined ? "" : ` ${String(d.code)}`;
  const message = typeof d.message === "string" ? d.message : d.message.value;
  const line = doc.getText().split(/\r?\n/)[d.range.start.line] ?? "";
  return `${path}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${SEVERITY_LABEL[d.severity ?? 1]}${code}: ${message}\n    ${line.trim()}`;
}

export async function run(
  options: CliOptions,
  io: { out: (s: string) => void; err: (s: string) => void },
): Promise<number> {
  const loaded: Loaded[] = [];
  for (const file of options.files) {
    try {
      const path = resolve(file);
      loaded.push({
        path: file,
        doc: TextDocument.create(pathToFileURL(path).toString(), "dockerfile", 1, readFileSync(path, "utf8")),
      });
    } catch (error) {
      io.err(`from-lens: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
      return 2;
    }
  }
  const log = createLogger(
    { error: io.err, warn: io.err, info: io.err, log: io.err },
    () => options.settings.logLevel,
  );
  const engine = new Engine(
    options.settings,
    { ...(options.cacheDir ? { storagePath: options.cacheDir } : {}), workspaceTrusted: true },
    log,
    () => undefined,
  );
  try {
    await resolveAll(engine, loaded, options.settings, options.timeoutMs);
    return options.command === "check"
      ? check(engine, loaded, options, io)
      : pin(engine, loaded, options, io);
  } finally {
    await engine.close();
  }
}

/** An image reference the registry (or the cache) gave no answer for, so no rule could check it. */
export interface Unchecked {
  line: number;
  column: number;
  image: string;
  reason: string;
}

/** Why a lookup gave no answer to check against, or undefined when it did (facts, or a registry's "no"). */
function uncheckedReason(ctx: FeatureContext, ref: ImageRef): string | undefined {
  const lookup = ctx.lookup(ref);
  switch (lookup.state) {
    case "resolved":
      return undefined;
    case "unknown":
    case "resolving":
      return ctx.settings.offline ? "offline and not in the cache" : "no answer within --timeout";
    case "error": {
      if (lookup.previous !== undefined) return undefined; // checked against the cached answer
      const reasons: Partial<Record<string, string>> = {
        offline: "offline and not in the cache",
        network: "registry unreachable",
        timeout: "registry timed out",
        "rate-limited": "rate-limited by the registry",
        unauthorized: "sign-in needed",
        denied: "access denied",
        "bad-response": "unexpected answer from the registry",
        cancelled: "lookup cancelled",
      };
      return reasons[lookup.error.kind];
    }
  }
}

/** The remote images of a document that could not be checked, with why. */
export function uncheckedImages(ctx: FeatureContext): Unchecked[] {
  const out: Unchecked[] = [];
  for (const ref of ctx.refs) {
    if (ref.isStageRef || ref.isScratch || ref.resolved === undefined) continue;
    const reason = uncheckedReason(ctx, ref);
    if (reason === undefined) continue;
    out.push({
      line: ref.range.start.line + 1,
      column: ref.range.start.character + 1,
      image: ref.resolved,
      reason,
    });
  }
  return out;
}

/** "2 of 3 images not checked: offline and not in the cache (2)". */
function uncheckedSummary(unchecked: readonly Unchecked[], total: number): string {
  const counts = new Map<string, number>();
  for (const u of unchecked) counts.set(u.reason, (counts.get(u.reason) ?? 0) + 1);
  const why = [...counts].map(([reason, n]) => `${reason} (${n})`).join(", ");
  return `${unchecked.length} of ${total} image${total === 1 ? "" : "s"} not checked: ${why}`;
}

function check(
  engine: Engine,
  loaded: readonly Loaded[],
  options: CliOptions,
  io: { out: (s: string) => void; err: (s: string) => void },
): number {
  const service = standard.createStandardService({});
  let failing = 0;
  let images = 0;
  const unchecked: Unchecked[] = [];
  const report: { file: string; diagnostics: Diagnostic[]; unchecked: Unchecked[] }[] = [];
  for (const { path, doc } of loaded) {
    const standardDiagnostics = standard.validateStandard(service, doc.getText(), options.settings);
    const ctx = engine.workspace.context(doc, options.settings);
    const diagnostics = [...standardDiagnostics, ...provideDiagnostics(ctx, { standardDiagnostics })].sort(
      (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
    );
    failing += diagnostics.filter((d) => (d.severity ?? DiagnosticSeverity.Error) <= options.failOn).length;
    images += ctx.refs.filter((r) => !r.isStageRef && !r.isScratch && r.resolved !== undefined).length;
    const notChecked = uncheckedImages(ctx);
    unchecked.push(...notChecked);
    report.push({ file: path, diagnostics, unchecked: notChecked });
    if (options.format === "text") {
      for (const d of diagnostics) io.out(formatText(path, doc, d));
      for (const u of notChecked)
        io.out(`${path}:${u.line}:${u.column}: not checked: ${u.image}: ${u.reason}`);
    }
  }
  if (options.format === "json") io.out(JSON.stringify(report, null, 2));
  else {
    const total = report.reduce((n, r) => n + r.diagnostics.length, 0);
    io.out(
      `${total} problem${total === 1 ? "" : "s"} in ${loaded.length} file${loaded.length === 1 ? "" : "s"}`,
    );
  }
  if (unchecked.length > 0) {
    // On stderr in both formats, so JSON output stays one document and the reader still sees it.
    io.err(
      `from-lens: ${uncheckedSummary(unchecked, images)}.` +
        (options.settings.offline ? " Run without --offline to look them up." : "") +
        (options.requireResolved ? "" : " Add --require-resolved to fail on this."),
    );
  }
  if (failing > 0) return 1;
  return options.requireResolved && unchecked.length > 0 ? 3 : 0;
}

function pin(
  engine: Engine,
  loaded: readonly Loaded[],
  options: CliOptions,
  io: { out: (s: string) => void; err: (s: string) => void },
): number {
  let changed = 0;
  let skipped = 0;
  for (const { path, doc } of loaded) {
    const plan = pinAllEdits(
      engine.workspace.context(doc, options.settings),
      options.update ? "update" : "pin",
    );
    if (plan.error) {
      io.err(`${path}: ${plan.error}`);
      return 1;
    }
    for (const s of plan.skipped) {
      io.err(
        `${path}:${s.ref.range.start.line + 1}: not ${options.update ? "updated" : "pinned"}: ${s.reason}`,
      );
      skipped++;
    }
    if (plan.edits.length === 0) continue;
    const text = TextDocument.applyEdits(doc, plan.edits);
    changed += plan.changed;
    if (options.dryRun) {
      const lines = text.split(/\r?\n/);
      for (const line of new Set(plan.edits.map((e) => e.range.start.line)))
        io.out(`${path}:${line + 1}: ${lines[line] ?? ""}`);
    } else {
      writeFileSync(resolve(path), text);
    }
  }
  io.out(
    `${options.dryRun ? "would pin" : options.update ? "updated" : "pinned"} ${changed} image${changed === 1 ? "" : "s"}${skipped ? `, skipped ${skipped}` : ""}`,
  );
  return changed === 0 && skipped > 0 ? 1 : 0;
}

if (require.main === module) {
  const parsed = parseArgs(process.argv.slice(2));
  if (typeof parsed === "string") {
    const help = parsed === USAGE;
    (help ? process.stdout : process.stderr).write(`${parsed}\n`);
    process.exit(help ? 0 : 2);
  }
  run(parsed, {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`from-lens: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}

/**
 * `from-lens`: FROM Lens without an editor — the same engine, rules and pinning as the language
 * server, for CI jobs, pre-commit hooks and terminals.
 *
 *   from-lens check [options] [paths|globs…]   report problems (text, json, sarif; GitHub annotations)
 *   from-lens pin [options] [paths|globs…]     pin images in place (--update, --dry-run, --check)
 *   from-lens inspect [options] <image>        the facts of one image (--json)
 *
 * Exit codes (args.ts EXIT): 0 fine, 1 findings, 2 bad usage, unreadable file or fatal error.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createTwoFilesPatch } from "diff";
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver-types";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { ImageRef } from "../../server/src/dockerfile";
import { Engine } from "../../server/src/engine";
import { provideDiagnostics } from "../../server/src/features/diagnostics";
import { knownResolution, pinAllEdits, pinStatus } from "../../server/src/features/pin";
import { officialCounterpart } from "../../server/src/features/officialCounterpart";
import * as standard from "../../server/src/features/standard";
import { createLogger } from "../../server/src/log";
import { familiarName, parseReference } from "../../server/src/reference";
import type { FeatureContext } from "../../server/src/features/context";
import { whatChanged } from "../../server/src/features/whatChanged";
import type { Lookup } from "../../server/src/resolver/types";
import type { FromLensSettings } from "../../server/src/settings";
import { isDockerfileDocument, sourceKindOf } from "../../server/src/sources";
import { defaultPlatform, requestFor } from "../../server/src/workspace";
import { annotation, workflowCommand } from "./annotations";
import {
  EXIT,
  parseArgs,
  VERSION,
  type CheckOptions,
  type InspectOptions,
  type Options,
  type PinOptions,
} from "./args";
import { describe, loadSettings } from "./config";
import { messageText } from "./diagnostic";
import { discover } from "./discover";
import { ansiStyle, formatInspect, inspectJson, PLAIN } from "./inspect";
import { toSarif, type FileReport } from "./sarif";

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** A progress line that the next one replaces (only on a terminal); undefined: none. */
  progress?: (s: string) => void;
  /** Writes a file (check --output); the default writes to disk. */
  writeFile?: (path: string, text: string) => void;
}

interface Loaded {
  path: string;
  doc: TextDocument;
}

const SEVERITY_LABEL: Record<number, string> = { 1: "error", 2: "warning", 3: "info", 4: "hint" };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Why an image counts as not checked: no definite answer from its registry. */
export function uncheckedReason(lookup: Lookup): string | undefined {
  switch (lookup.state) {
    case "resolved":
      return undefined;
    case "unknown":
    case "resolving":
      return "no answer in time";
    case "error":
      switch (lookup.error.kind) {
        case "not-found":
          return undefined; // a definite answer: the check reports it
        case "offline":
          return "offline, not in the cache";
        case "unauthorized":
        case "denied":
          return "no access to the registry";
        case "auth-misconfigured":
          return "the registry's sign-in is misconfigured";
        case "rate-limited":
          return "rate-limited";
        case "timeout":
          return "the registry timed out";
        case "network":
          return "the registry could not be reached";
        case "bad-response":
          return "the registry gave an unusable answer";
        case "cancelled":
          return "cancelled";
      }
  }
}

function remoteRefs(refs: readonly ImageRef[], settings: FromLensSettings): ImageRef[] {
  return refs.filter((r) => requestFor(r, settings) !== undefined);
}

/** The language a file is read as: a named file is a Dockerfile unless its name or content says otherwise. */
function languageOf(file: string, text: string): string {
  const kind = sourceKindOf(file, undefined, text);
  if (kind === undefined || kind === "dockerfile") return "dockerfile";
  return kind === "devcontainer" || kind === "bake" ? "jsonc" : "yaml";
}

/** Reads the files; an unreadable one is reported and makes the run fatal, the others go on. */
function load(files: readonly string[], cwd: string, io: Io): { loaded: Loaded[]; failed: number } {
  const loaded: Loaded[] = [];
  let failed = 0;
  for (const file of files) {
    const path = resolve(cwd, file);
    try {
      const text = readFileSync(path, "utf8");
      loaded.push({
        path: file,
        doc: TextDocument.create(pathToFileURL(path).toString(), languageOf(file, text), 1, text),
      });
    } catch (error) {
      io.err(`from-lens: cannot read ${file}: ${describe(error)}`);
      failed++;
    }
  }
  return { loaded, failed };
}

/** Queues every reference of every document, then waits for all of them, at most `timeoutMs` in all. */
async function resolveAll(
  engine: Engine,
  docs: readonly TextDocument[],
  settings: FromLensSettings,
  timeoutMs: number,
  io: Io,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const all: ImageRef[] = [];
  for (const doc of docs) {
    const refs = engine.workspace.update(doc, settings, "visible");
    all.push(...refs, ...refs.map(officialCounterpart).filter((r): r is ImageRef => r !== undefined));
  }
  const remote = remoteRefs(all, settings);
  let done = 0;
  const report = (): void => io.progress?.(`resolving images ${done}/${remote.length}…`);
  if (remote.length > 0) report();
  await Promise.all(
    remote.map(async (ref) => {
      await engine.workspace.waitFor(ref, settings, Math.max(0, deadline - Date.now()));
      // unsigned-image needs the signatures looked up (in the editor the server starts that itself).
      if (settings.trust.requireSignature || settings.rules["unsigned-image"] !== "off")
        await engine.workspace.checkSignature(ref, settings, Math.max(0, deadline - Date.now()));
      done++;
      report();
    }),
  );
  io.progress?.("");
}

function formatText(path: string, doc: TextDocument, d: Diagnostic): string {
  const code = d.code === undefined ? "" : ` ${String(d.code)}`;
  const line = doc.getText().split(/\r?\n/)[d.range.start.line] ?? "";
  return `${path}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${SEVERITY_LABEL[d.severity ?? 1]}${code}: ${messageText(d)}\n    ${line.trim()}`;
}

interface Unchecked {
  line: number;
  image: string;
  reason: string;
}

function createEngine(options: Options, settings: FromLensSettings, io: Io): Engine {
  const log = createLogger(
    { error: io.err, warn: io.err, info: io.err, log: io.err },
    () => settings.logLevel,
  );
  return new Engine(
    settings,
    {
      ...(options.cacheDir ? { storagePath: resolve(options.cwd, options.cacheDir) } : {}),
      workspaceTrusted: true,
    },
    log,
    () => undefined,
    options.concurrency,
  );
}

/** Runs one parsed command; resolves to its exit code. Never throws for bad input. */
export async function run(options: Options, io: Io): Promise<number> {
  const loadedSettings = loadSettings(options);
  if (!loadedSettings.ok) {
    io.err(`from-lens: ${loadedSettings.message}`);
    return EXIT.fatal;
  }
  const settings = loadedSettings.settings;
  if (options.verbose && loadedSettings.file) io.err(`from-lens: settings from ${loadedSettings.file}`);
  if (options.command === "inspect") return inspect(options, settings, io);

  const found = discover(options.paths, options.cwd);
  for (const problem of found.problems) io.err(`from-lens: ${problem}`);
  const { loaded, failed } = load(found.files, options.cwd, io);
  const fatal = found.problems.length > 0 || failed > 0;
  if (found.files.length === 0 && !fatal) {
    if (!options.quiet) io.err("from-lens: no Dockerfiles found (see --help for the names it reads)");
  }
  const engine = createEngine(options, settings, io);
  try {
    await resolveAll(
      engine,
      loaded.map((l) => l.doc),
      settings,
      options.timeoutMs,
      io,
    );
    const code =
      options.command === "check"
        ? check(engine, loaded, options, settings, io)
        : pin(engine, loaded, options, settings, io);
    return fatal ? EXIT.fatal : code;
  } finally {
    await engine.close();
  }
}

function check(
  engine: Engine,
  loaded: readonly Loaded[],
  options: CheckOptions,
  settings: FromLensSettings,
  io: Io,
): number {
  const service = standard.createStandardService({});
  let failing = 0;
  const reports: (FileReport & { unchecked: Unchecked[] })[] = [];
  const text: string[] = [];
  const annotations: string[] = [];
  for (const { path, doc } of loaded) {
    const standardDiagnostics = isDockerfileDocument(doc)
      ? standard.validateStandard(service, doc.getText(), settings)
      : [];
    const ctx = engine.workspace.context(doc, settings);
    const diagnostics = [...standardDiagnostics, ...provideDiagnostics(ctx, { standardDiagnostics })].sort(
      (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
    );
    if (options.failOn !== "none") {
      const failOn = options.failOn;
      failing += diagnostics.filter((d) => (d.severity ?? DiagnosticSeverity.Error) <= failOn).length;
    }
    const unchecked: Unchecked[] = [];
    for (const ref of remoteRefs(ctx.refs, settings)) {
      const reason = uncheckedReason(ctx.lookup(ref));
      if (reason !== undefined)
        unchecked.push({ line: ref.range.start.line + 1, image: ref.resolved ?? ref.raw, reason });
    }
    reports.push({ file: path, diagnostics, unchecked });
    for (const d of diagnostics) {
      text.push(formatText(path, doc, d));
      annotations.push(annotation(path, d));
    }
  }
  const total = reports.reduce((n, r) => n + r.diagnostics.length, 0);
  const unchecked = reports.flatMap((r) => r.unchecked.map((u) => ({ ...u, file: r.file })));
  let report: string | undefined;
  if (options.format === "json") report = JSON.stringify(reports, null, 2);
  else if (options.format === "sarif")
    report = JSON.stringify(toSarif(reports, options.cwd, VERSION), null, 2);
  else report = text.join("\n");

  if (options.output !== undefined) {
    (io.writeFile ?? ((p: string, t: string) => writeFileSync(p, t)))(
      resolve(options.cwd, options.output),
      `${report}\n`,
    );
  } else if (report !== "") io.out(report);
  if (options.annotations) for (const a of annotations) io.out(a);
  if (options.annotations) {
    for (const u of unchecked)
      io.out(
        workflowCommand(
          "warning",
          { file: u.file, line: u.line, title: "FROM Lens" },
          `${u.image} was not checked: ${u.reason}`,
        ),
      );
  }

  if (!options.quiet) {
    const summary = `${plural(total, "problem")} in ${plural(loaded.length, "file")}`;
    const notChecked =
      unchecked.length === 0
        ? ""
        : `; ${plural(unchecked.length, "image")} not checked (${[...new Set(unchecked.map((u) => u.reason))].join("; ")})`;
    // In text mode the summary closes the report; with a json/sarif report on stdout it goes to stderr.
    (options.format === "text" && options.output === undefined ? io.out : io.err)(`${summary}${notChecked}`);
    if (unchecked.length > 0 && options.format === "text") {
      for (const u of unchecked) io.err(`  not checked: ${u.file}:${u.line}: ${u.image} (${u.reason})`);
      if (!options.requireResolved) io.err("  (--require-resolved makes this fail the check)");
    }
  }
  if (failing > 0) return EXIT.findings;
  return options.requireResolved && unchecked.length > 0 ? EXIT.findings : EXIT.ok;
}

/** A unified diff of one file (headers a/ and b/ as git writes them). */
export function unifiedDiff(path: string, before: string, after: string): string {
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, { context: 3 })
    .split("\n")
    .filter((line, i) => !(i === 0 && /^=+$/.test(line)))
    .map((line) => (line.startsWith("--- ") || line.startsWith("+++ ") ? line.replace(/\t$/, "") : line))
    .join("\n")
    .replace(/\n$/, "");
}

function pinCheck(
  engine: Engine,
  loaded: readonly Loaded[],
  options: PinOptions,
  settings: FromLensSettings,
  io: Io,
): number {
  let unpinned = 0;
  let stale = 0;
  for (const { path, doc } of loaded) {
    const ctx = engine.workspace.context(doc, settings);
    for (const ref of remoteRefs(ctx.refs, settings)) {
      const parsed = parseReference(ref.resolved ?? "");
      if (!parsed.ok) continue;
      const line = ref.range.start.line + 1;
      if (parsed.value.digest === undefined) {
        if (options.update) continue;
        unpinned++;
        io.out(`${path}:${line}: unpinned: ${ref.resolved ?? ref.raw}`);
        continue;
      }
      const known = knownResolution(ctx.lookup(ref));
      if (known === undefined) {
        const reason = uncheckedReason(ctx.lookup(ref)) ?? "unknown";
        io.err(`${path}:${line}: pin not checked: ${ref.resolved ?? ref.raw} (${reason})`);
        continue;
      }
      const status = pinStatus(parsed.value, known.resolution);
      if (status.kind === "moved") {
        stale++;
        io.out(`${path}:${line}: stale pin: ${ref.resolved ?? ref.raw} (the tag now points to ${status.to})`);
      }
    }
  }
  if (!options.quiet) {
    const parts = [...(options.update ? [] : [`${unpinned} unpinned`]), `${stale} stale`];
    io.out(`${parts.join(", ")} in ${plural(loaded.length, "file")}`);
  }
  return unpinned + stale > 0 ? EXIT.findings : EXIT.ok;
}

/** "3: python:3.12-slim: python 3.12.7 → 3.12.8; Debian 13.1 → 13.2" for each stale pin whose new facts are known. */
function changedLines(ctx: FeatureContext): string[] {
  const lines: string[] = [];
  for (const ref of ctx.refs) {
    const resolution = knownResolution(ctx.lookup(ref))?.resolution;
    const reference = ref.resolved === undefined ? undefined : parseReference(ref.resolved);
    if (resolution?.movedTo === undefined || reference === undefined || !reference.ok) continue;
    if (pinStatus(reference.value, resolution).kind !== "moved") continue;
    const changes = whatChanged(resolution.facts, resolution.movedTo);
    if (changes.length === 0) continue;
    const name =
      reference.value.tag === undefined ? ref.raw : `${familiarName(reference.value)}:${reference.value.tag}`;
    lines.push(
      `${ref.range.start.line + 1}: ${name} — what changes: ${changes.map((c) => c.plain).join("; ")}`,
    );
  }
  return lines;
}

function pin(
  engine: Engine,
  loaded: readonly Loaded[],
  options: PinOptions,
  settings: FromLensSettings,
  io: Io,
): number {
  if (options.check) return pinCheck(engine, loaded, options, settings, io);
  let changed = 0;
  let skipped = 0;
  for (const { path, doc } of loaded) {
    const plan = pinAllEdits(engine.workspace.context(doc, settings), options.update ? "update" : "pin");
    if (plan.error) {
      io.err(`from-lens: ${path}: ${plan.error}`);
      return EXIT.findings;
    }
    for (const s of plan.skipped) {
      io.err(`${path}:${s.line + 1}: not ${options.update ? "updated" : "pinned"}: ${s.reason}`);
      skipped++;
    }
    if (plan.edits.length === 0) continue;
    const before = doc.getText();
    const after = TextDocument.applyEdits(doc, plan.edits);
    changed += plan.changed;
    if (options.dryRun && options.update) {
      for (const line of changedLines(engine.workspace.context(doc, settings))) io.err(`${path}:${line}`);
    }
    if (options.dryRun) io.out(unifiedDiff(path, before, after));
    else writeFileSync(resolve(options.cwd, path), after);
  }
  if (!options.quiet) {
    const verb = options.dryRun
      ? options.update
        ? "would update"
        : "would pin"
      : options.update
        ? "updated"
        : "pinned";
    (options.dryRun ? io.err : io.out)(
      `${verb} ${plural(changed, "image")}${skipped ? `, skipped ${skipped}` : ""}`,
    );
  }
  return skipped > 0 && changed === 0 ? EXIT.findings : EXIT.ok;
}

async function inspect(options: InspectOptions, settings: FromLensSettings, io: Io): Promise<number> {
  const parsed = parseReference(options.image);
  if (!parsed.ok) {
    io.err(`from-lens inspect: "${options.image}" is not an image reference: ${parsed.error.message}`);
    return EXIT.fatal;
  }
  // The image goes through the same path as a FROM line: one document, one reference.
  const platform = options.platform ?? defaultPlatform(settings);
  const text = `FROM --platform=${platform} ${options.image}\n`;
  const doc = TextDocument.create("untitled:inspect.Dockerfile", "dockerfile", 1, text);
  const engine = createEngine(options, settings, io);
  try {
    await resolveAll(engine, [doc], settings, options.timeoutMs, io);
    const ref = engine.workspace.refs(doc).find((r) => r.kind === "from");
    const lookup = ref ? engine.workspace.lookup(ref, settings) : ({ state: "unknown" } as const);
    const result = inspectJson(options.image, parsed.value, platform, lookup, new Date());
    io.out(
      options.json
        ? JSON.stringify(result, null, 2)
        : formatInspect(result, options.color ? ansiStyle() : PLAIN),
    );
    return result.resolved ? EXIT.ok : EXIT.findings;
  } finally {
    await engine.close();
  }
}

/** The process: argv and streams in, an exit code out. */
export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv, process.env, process.stdout.isTTY === true);
  if (parsed.kind === "print") {
    process.stdout.write(`${parsed.text}\n`);
    return EXIT.ok;
  }
  if (parsed.kind === "usage") {
    process.stderr.write(`${parsed.text}\n`);
    return EXIT.fatal;
  }
  const tty = process.stderr.isTTY === true && !parsed.options.quiet;
  const io: Io = {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    ...(tty ? { progress: (s: string) => process.stderr.write(`\r\u001b[2K${s}`) } : {}),
  };
  try {
    return await run(parsed.options, io);
  } catch (error) {
    process.stderr.write(
      `from-lens: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.fatal;
  }
}

if (require.main === module) {
  // Exit at once: stdout and stderr writes are synchronous for files and pipes on Linux and macOS,
  // and a registry connection kept alive must not hold the process open.
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}

/**
 * `from-lens`: FROM Lens without an editor — the same engine, rules and pinning as the language
 * server, for CI jobs, pre-commit hooks and terminals.
 *
 *   from-lens check [options] [paths|globs…]   report problems (text, json, sarif; GitHub annotations)
 *   from-lens pin [options] [paths|globs…]     pin images in place (--update, --dry-run, --check)
 *   from-lens inspect [options] <image>        the facts of one image (--json)
 *
 * One module per command in commands/ (check.ts, pin.ts, inspect.ts; common.ts for what they
 * share); this file reads the settings and the files and runs one.
 *
 * Exit codes (args.ts EXIT): 0 fine, 1 findings, 2 bad usage, unreadable file or fatal error.
 */
import { EXIT, parseArgs, type Options } from "./args";
import { check } from "./commands/check";
import { createEngine, load, resolveAll, type Io } from "./commands/common";
import { inspect } from "./commands/inspect";
import { pin } from "./commands/pin";
import { loadSettings } from "./config";
import { discover } from "./discover";

export { uncheckedReason } from "./commands/common";
export type { Io } from "./commands/common";
export { unifiedDiff } from "./commands/pin";

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

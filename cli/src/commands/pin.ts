/** `from-lens pin`: pin images in place (`--update`, `--dry-run` as a diff, `--check`). */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { createTwoFilesPatch } from "diff";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Engine } from "../../../server/src/engine";
import type { FeatureContext } from "../../../server/src/features/context";
import { knownResolution, pinAllEdits, pinStatus } from "../../../server/src/features/pin";
import { whatChanged } from "../../../server/src/features/whatChanged";
import { familiarName, parseReference } from "../../../server/src/reference";
import type { FromLensSettings } from "../../../server/src/settings";
import { EXIT, type PinOptions } from "../args";
import { plural, remoteRefs, uncheckedReason, type Io, type Loaded } from "./common";

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

export function pin(
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

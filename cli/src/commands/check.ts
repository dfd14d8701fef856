/** `from-lens check`: the editor's diagnostics for every file, as text, JSON or SARIF. */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver-types";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Engine } from "../../../server/src/engine";
import { provideDiagnostics } from "../../../server/src/features/diagnostics";
import * as standard from "../../../server/src/features/standard";
import type { FromLensSettings } from "../../../server/src/settings";
import { isDockerfileDocument } from "../../../server/src/sources";
import { annotation, workflowCommand } from "../annotations";
import { EXIT, VERSION, type CheckOptions } from "../args";
import { messageText } from "../diagnostic";
import { toSarif, type FileReport } from "../sarif";
import { plural, remoteRefs, uncheckedReason, type Io, type Loaded } from "./common";

const SEVERITY_LABEL: Record<number, string> = { 1: "error", 2: "warning", 3: "info", 4: "hint" };

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

export function check(
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

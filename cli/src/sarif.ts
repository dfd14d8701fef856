/**
 * `check --format sarif`: SARIF 2.1.0 (OASIS), the format GitHub code scanning reads. Each FROM
 * Lens rule is a reportingDescriptor with its one-line summary, the README section as help URI and
 * its default level; the standard Dockerfile checks by their code and one-line summary. Locations are
 * relative to %SRCROOT% (the folder the command ran in), so the uploaded results point at files in
 * the repository. Columns are UTF-16 code units, as in LSP (SARIF's default columnKind).
 */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Sarif from "sarif";
import type { Diagnostic } from "vscode-languageserver-types";
import { codeDescriptionHref, DIAGNOSTIC_SOURCE } from "../../server/src/features/diagnostics";
import { RULE_SUMMARIES, STANDARD_CHECK_SUMMARIES } from "../../server/src/features/rules/catalog";
import { isStandardCheck } from "../../server/src/features/standardChecks";
import { levelWord, messageText } from "./diagnostic";
import { RULE_DEFAULTS, type RuleCode, type RuleSeverity } from "../../server/src/settings";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI = "https://github.com/from-lens/from-lens";

export interface FileReport {
  /** As reported: relative to the current directory, with `/`. */
  file: string;
  diagnostics: Diagnostic[];
}

function defaultLevel(severity: RuleSeverity): Sarif.ReportingConfiguration.level {
  if (severity === "error" || severity === "warning") return severity;
  return severity === "off" ? "none" : "note";
}

function isRuleCode(code: string): code is RuleCode {
  return Object.prototype.hasOwnProperty.call(RULE_DEFAULTS, code);
}

function codeOf(d: Diagnostic): string {
  return d.code === undefined ? "dockerfile" : String(d.code);
}

/**
 * SARIF's readable rule name beside the stable id: `latest-tag` → `LatestTag`; none where it
 * would only repeat the id (`unpinned`, a numeric code), as the spec asks.
 */
export function ruleName(code: string): string | undefined {
  if (!/^[a-z][a-z0-9-]*$/.test(code)) return undefined;
  const name = code.replace(/(^|-)([a-z0-9])/g, (_m, _dash: string, c: string) => c.toUpperCase());
  return name.toLowerCase() === code.toLowerCase() ? undefined : name;
}

function descriptor(id: string, d: Diagnostic | undefined): Sarif.ReportingDescriptor {
  const name = ruleName(id);
  if (isRuleCode(id)) {
    const summary = RULE_SUMMARIES[id];
    const help = codeDescriptionHref(id);
    return {
      id,
      ...(name !== undefined ? { name } : {}),
      shortDescription: { text: summary },
      fullDescription: { text: summary },
      help: {
        text: `${summary} See ${help}`,
        markdown: `${summary} [What it means and what to do](${help})`,
      },
      helpUri: help,
      defaultConfiguration: { level: defaultLevel(RULE_DEFAULTS[id]), enabled: RULE_DEFAULTS[id] !== "off" },
      properties: { tags: ["docker", "container-image"] },
    };
  }
  // A standard Dockerfile check: its summary (README "Standard checks"), else its code and source.
  const href = d?.codeDescription?.href ?? `${INFORMATION_URI}#standard-checks`;
  const text = isStandardCheck(id)
    ? STANDARD_CHECK_SUMMARIES[id]
    : `Dockerfile check ${id}${d?.source ? ` (${d.source})` : ""}.`;
  return {
    id,
    ...(name !== undefined ? { name } : {}),
    shortDescription: { text },
    help: { text: `${text} See ${href}` },
    helpUri: href,
    properties: { tags: ["docker", "dockerfile"] },
  };
}

/** Where a reported file is: below %SRCROOT% when relative, else its own file URL. */
function artifactLocation(file: string): Sarif.ArtifactLocation {
  return isAbsolute(file)
    ? { uri: pathToFileURL(file).href }
    : { uri: encodeURI(file), uriBaseId: "%SRCROOT%" };
}

/** One SARIF log with one run for the reports of a `check`. */
export function toSarif(reports: readonly FileReport[], cwd: string, version: string): Sarif.Log {
  const ids: string[] = [];
  const samples = new Map<string, Diagnostic>();
  for (const code of Object.keys(RULE_DEFAULTS)) ids.push(code);
  for (const r of reports) {
    for (const d of r.diagnostics) {
      const id = codeOf(d);
      if (!ids.includes(id)) ids.push(id);
      if (!samples.has(id)) samples.set(id, d);
    }
  }
  const index = new Map(ids.map((id, i) => [id, i]));
  const results: Sarif.Result[] = [];
  for (const r of reports) {
    for (const d of r.diagnostics) {
      const id = codeOf(d);
      results.push({
        ruleId: id,
        ruleIndex: index.get(id) ?? 0,
        level: levelWord(d.severity, "note"),
        message: { text: messageText(d) },
        locations: [
          {
            physicalLocation: {
              artifactLocation: artifactLocation(r.file),
              region: {
                startLine: d.range.start.line + 1,
                startColumn: d.range.start.character + 1,
                endLine: d.range.end.line + 1,
                endColumn: d.range.end.character + 1,
              },
            },
          },
        ],
        ...(d.source !== undefined && d.source !== DIAGNOSTIC_SOURCE
          ? { properties: { source: d.source } }
          : {}),
      });
    }
  }
  const root = pathToFileURL(cwd).href;
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "FROM Lens",
            informationUri: INFORMATION_URI,
            version,
            semanticVersion: version,
            rules: ids.map((id) => descriptor(id, samples.get(id))),
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { uri: root.endsWith("/") ? root : `${root}/` } },
        artifacts: reports.map((r) => ({ location: artifactLocation(r.file) })),
        results,
        columnKind: "utf16CodeUnits",
      },
    ],
  };
}

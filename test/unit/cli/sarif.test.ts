/**
 * SARIF output against the official SARIF 2.1.0 schema (shipped in @microsoft/sarif-multitool-linux),
 * and against the SARIF Multitool's own validator where its binary runs.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver-types";
import { annotation, workflowCommand } from "../../../cli/src/annotations";
import { toSarif } from "../../../cli/src/sarif";
import { RULE_SUMMARIES, STANDARD_CHECK_SUMMARIES } from "../../../server/src/features/rules/catalog";
import { RULE_DEFAULTS, STANDARD_CHECK_DEFAULTS } from "../../../server/src/settings";
import { REPO_ROOT } from "../../support/paths";
import { makeTempDirSync } from "../../support/tmp";

const require = createRequire(__filename);
const multitoolDir = dirname(require.resolve("@microsoft/sarif-multitool-linux/package.json"));
const schema = JSON.parse(readFileSync(join(multitoolDir, "sarif-2.1.0.json"), "utf8")) as object;

function diagnostic(code: string, severity: DiagnosticSeverity, message: string, line = 0): Diagnostic {
  return {
    range: { start: { line, character: 5 }, end: { line, character: 21 } },
    severity,
    code,
    source: code === "unknown-flag" ? "dockerfile-utils" : "FROM Lens",
    message,
  };
}

const reports = [
  {
    file: "Dockerfile",
    diagnostics: [
      diagnostic("latest-tag", DiagnosticSeverity.Warning, 'python uses the tag "latest"\nwhich moves.'),
      diagnostic("unknown-tag", DiagnosticSeverity.Error, "python has no tag 3.12-slimm", 2),
      diagnostic("unknown-flag", DiagnosticSeverity.Warning, "unknown flag: --foo", 3),
    ],
  },
  {
    file: "build dir/api.Dockerfile",
    diagnostics: [diagnostic("floating-tag", DiagnosticSeverity.Hint, "3.12 floats")],
  },
  { file: "clean.Dockerfile", diagnostics: [] },
];

describe("SARIF output", () => {
  const log = toSarif(reports, "/work/repo", "1.2.3");

  it("is valid against the SARIF 2.1.0 schema", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const valid = validate(log);
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
    // The check can fail: a result without a message is rejected.
    const broken = JSON.parse(JSON.stringify(log)) as { runs: { results: Record<string, unknown>[] }[] };
    delete broken.runs[0]?.results[0]?.message;
    assert.equal(validate(broken), false);
  });

  it("passes the SARIF Multitool's validator", (t) => {
    const tool = join(multitoolDir, "Sarif.Multitool");
    const probe = spawnSync(tool, ["--version"], { encoding: "utf8" });
    if (probe.status !== 0) {
      t.skip(`Sarif.Multitool does not run here: ${probe.stderr || probe.error?.message}`);
      return;
    }
    const dir = makeTempDirSync("from-lens-sarif-");
    const file = join(dir, "log.sarif");
    writeFileSync(file, JSON.stringify(log, null, 2));
    const r = spawnSync(tool, ["validate", file, "--output", join(dir, "out.sarif")], {
      encoding: "utf8",
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1" },
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1 files scanned/);
    // Neither errors nor warnings (its warnings are GitHub's display advice, e.g. rule names).
    const findings = r.stdout.split("\n").filter((l) => /: (error|warning) SARIF\d+/.test(l));
    assert.deepEqual(findings, []);
  });

  it("lists every FROM Lens rule with its summary, README link and default level", () => {
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    for (const code of Object.keys(RULE_DEFAULTS) as (keyof typeof RULE_DEFAULTS)[]) {
      const rule = rules.find((r) => r.id === code);
      assert.ok(rule, code);
      assert.equal(rule.shortDescription?.text, RULE_SUMMARIES[code]);
      assert.equal(rule.helpUri, `https://github.com/from-lens/from-lens#${code}`);
      const level = { error: "error", warning: "warning", info: "note", hint: "note", off: "none" }[
        RULE_DEFAULTS[code]
      ];
      assert.equal(rule.defaultConfiguration?.level, level, code);
    }
    const standard = rules.find((r) => r.id === "unknown-flag");
    assert.ok(standard, "a standard check is listed by its code");
    assert.equal(standard.shortDescription?.text, STANDARD_CHECK_SUMMARIES["unknown-flag"]);
    assert.equal(standard.helpUri, "https://github.com/from-lens/from-lens#standard-checks");
  });

  it("maps severities to levels and places results relative to %SRCROOT%", () => {
    const results = log.runs[0]?.results ?? [];
    assert.deepEqual(
      results.map((r) => [r.ruleId, r.level]),
      [
        ["latest-tag", "warning"],
        ["unknown-tag", "error"],
        ["unknown-flag", "warning"],
        ["floating-tag", "note"],
      ],
    );
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    for (const r of results) assert.equal(rules[r.ruleIndex ?? -1]?.id, r.ruleId);
    const where = results[3]?.locations?.[0]?.physicalLocation;
    assert.deepEqual(where?.artifactLocation, { uri: "build%20dir/api.Dockerfile", uriBaseId: "%SRCROOT%" });
    assert.deepEqual(where?.region, { startLine: 1, startColumn: 6, endLine: 1, endColumn: 22 });
    assert.equal(log.runs[0]?.originalUriBaseIds?.["%SRCROOT%"]?.uri, "file:///work/repo/");
  });
});

describe("the rule catalog", () => {
  it("has one summary per rule code and a README section for each", () => {
    assert.deepEqual(Object.keys(RULE_SUMMARIES).sort(), Object.keys(RULE_DEFAULTS).sort());
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    for (const code of Object.keys(RULE_DEFAULTS))
      assert.match(readme, new RegExp(`^### \`${code}\`$`, "m"), code);
  });

  it("has the README's one line for every standard check", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    assert.deepEqual(
      Object.keys(STANDARD_CHECK_SUMMARIES).sort(),
      Object.keys(STANDARD_CHECK_DEFAULTS).sort(),
    );
    for (const [code, summary] of Object.entries(STANDARD_CHECK_SUMMARIES)) {
      const row = new RegExp(`^\\| \`${code}\` +\\| \\w+ +\\| (.+?) +\\|`, "m").exec(readme);
      assert.equal(row?.[1] === undefined ? undefined : `${row[1]}.`, summary, code);
    }
  });
});

describe("GitHub Actions annotations", () => {
  it("escape the message and the properties as the runner reads them", () => {
    const d = diagnostic("latest-tag", DiagnosticSeverity.Warning, "100% sure:\r\nline two");
    assert.equal(
      annotation("a,b:c.Dockerfile", d),
      "::warning file=a%2Cb%3Ac.Dockerfile,line=1,col=6,endLine=1,endColumn=22,title=FROM Lens latest-tag::100% sure:%0D%0Aline two".replace(
        "100%",
        "100%25",
      ),
    );
    assert.match(annotation("D", diagnostic("x", DiagnosticSeverity.Information, "m")), /^::notice /);
    assert.match(annotation("D", diagnostic("x", DiagnosticSeverity.Error, "m")), /^::error /);
    assert.equal(
      workflowCommand("warning", { file: "D", line: 3 }, "not checked"),
      "::warning file=D,line=3::not checked",
    );
  });
});

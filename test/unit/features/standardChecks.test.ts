/**
 * The standard checks speak current BuildKit: dockerfile-utils' findings with its flag checks
 * replaced by a port of BuildKit's (moby/buildkit frontend/dockerfile/instructions), a stable
 * kebab-case code on every finding, one severity vocabulary, and BuildKit's `# check=skip=`
 * besides FROM Lens' own comments. Fixtures: test/fixtures/buildkit (one per BuildKit feature).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { validate } from "dockerfile-utils";
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { parseGoDuration } from "../../../server/src/dockerfile/buildFlags";
import { parseCheckValue, readCheckDirectives } from "../../../server/src/dockerfile/checkDirective";
import * as standard from "../../../server/src/features/standard";
import {
  STANDARD_CHECK_DEFAULTS,
  normalizeSettings,
  type FromLensSettings,
} from "../../../server/src/settings";

const FIXTURES = path.resolve(__dirname, "../../fixtures/buildkit");
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), "utf8");
const service = standard.createStandardService({});

function check(text: string, settings: FromLensSettings = normalizeSettings({})): Diagnostic[] {
  return standard.validateStandard(service, text, settings);
}

function summary(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.range.start.line + 1} ${String(d.code)}`);
}

function bothEols(name: string, fn: (text: string) => void): void {
  for (const eol of ["\n", "\r\n"]) {
    it(`${name} (${eol === "\n" ? "LF" : "CRLF"})`, () => fn(fixture(name).replace(/\r?\n/g, eol)));
  }
}

describe("standard checks: what BuildKit accepts", () => {
  for (const name of [
    "add-flags.Dockerfile",
    "copy-flags.Dockerfile",
    "run-flags.Dockerfile",
    "healthcheck.Dockerfile",
    "end-of-flags.Dockerfile",
    "platform-args.Dockerfile",
  ]) {
    bothEols(name, (text) => assert.deepEqual(summary(check(text)), []));
  }

  it("dockerfile-utils alone gets these wrong (the reason for the corrections)", () => {
    const codes = (name: string): number[] => validate(fixture(name)).map((d) => d.code as number);
    assert.ok(codes("add-flags.Dockerfile").includes(39), "Unknown flag: unpack");
    assert.ok(codes("healthcheck.Dockerfile").includes(16), "zero durations");
    assert.ok(codes("healthcheck.Dockerfile").includes(13), "--retries=0");
    assert.ok(codes("end-of-flags.Dockerfile").includes(40), "Unknown flag: (at --)");
  });
});

describe("standard checks: what BuildKit rejects", () => {
  bothEols("flag-errors.Dockerfile", (text) => {
    const found = check(text);
    assert.deepEqual(summary(found), [
      "3 unknown-flag",
      "4 unknown-flag",
      "5 invalid-flag-value",
      "6 missing-flag-value",
      "7 duplicate-flag",
      "8 invalid-flag-value",
      "8 invalid-flag-value",
      "10 invalid-flag-value",
      "11 invalid-flag-value",
      "12 invalid-flag-value",
      "13 invalid-flag-value",
      "14 invalid-flag-value",
      "15 invalid-flag-value",
      "16 unknown-flag",
    ]);
    const messages = found.map((d) => (typeof d.message === "string" ? d.message : d.message.value));
    assert.match(messages[1] ?? "", /unknown flag: --unpak.*Did you mean --unpack\?$/);
    assert.match(messages[5] ?? "", /time: missing unit in duration "10"/);
    assert.match(messages[6] ?? "", /--retries cannot be negative \(-1\)/);
    assert.match(messages[7] ?? "", /Interval "timeout" cannot be less than 1ms/);
    assert.match(messages[10] ?? "", /unsupported mount type "volume"/);
    for (const d of found) assert.equal(d.severity, DiagnosticSeverity.Error);
    const lines = text.split(/\r?\n/);
    const covered = (d: Diagnostic): string =>
      (lines[d.range.start.line] ?? "").slice(d.range.start.character, d.range.end.character);
    assert.equal(covered(found[1] as Diagnostic), "--unpak");
    assert.equal(covered(found[5] as Diagnostic), "10");
  });

  it("reads Go durations as BuildKit does", () => {
    assert.equal(parseGoDuration("1h2m3.5s"), 3723.5e9);
    assert.equal(parseGoDuration("0"), 0);
    assert.equal(parseGoDuration("500us"), 500e3);
    assert.deepEqual(parseGoDuration("10"), { error: 'time: missing unit in duration "10"' });
    assert.deepEqual(parseGoDuration("5x"), { error: 'time: unknown unit "x" in duration "5x"' });
    assert.deepEqual(parseGoDuration("s"), { error: 'time: invalid duration "s"' });
  });
});

describe("standard checks: one name per check", () => {
  it("codes every finding by a documented kebab-case name with a README link, never a number", () => {
    const text = "from alpine:3.22\nMAINTAINER me\nWORKDIR rel\nEXPOSE abc\nADD --unpak a /b\nCMD a\nCMD b\n";
    const found = check(text);
    assert.ok(found.length >= 6, JSON.stringify(summary(found)));
    for (const d of found) {
      assert.equal(typeof d.code, "string");
      assert.ok(Object.hasOwn(STANDARD_CHECK_DEFAULTS, d.code as string), String(d.code));
      assert.equal(d.codeDescription?.href, "https://github.com/from-lens/from-lens#standard-checks");
      assert.equal(d.source, "dockerfile-utils");
    }
  });

  it("documents every name in the README", () => {
    const readme = readFileSync(path.resolve(__dirname, "../../../README.md"), "utf8");
    for (const code of Object.keys(STANDARD_CHECK_DEFAULTS))
      assert.ok(readme.includes(`| \`${code}\``), code);
  });

  it("keeps the service's quick fixes working (it knows its checks by number)", () => {
    const text = "from alpine:3.22\n";
    const [diagnostic] = check(text);
    assert.equal(diagnostic?.code, "instruction-casing");
    const actions = standard.standardCodeActions(
      service,
      { uri: "file:///Dockerfile", version: 1, text },
      diagnostic.range,
      { diagnostics: [diagnostic] },
      false,
    );
    assert.ok(actions.length > 0, "a fix for the casing");
    assert.equal(actions[0]?.edit?.changes?.["file:///Dockerfile"]?.[0]?.newText, "FROM");
  });
});

describe("standard checks: severities and silencing", () => {
  const text = "from alpine:3.22\nADD --unpak a /b\n";

  it("takes fromLens.rules.<check> in the one vocabulary: error, warning, info, hint, off", () => {
    const s = normalizeSettings({ rules: { "instruction-casing": "hint", "unknown-flag": "off" } });
    assert.deepEqual(
      check(text, s).map((d) => [d.code, d.severity]),
      [["instruction-casing", DiagnosticSeverity.Hint]],
    );
  });

  it("keeps the older fromLens.validate.<rule> values working, ignore included", () => {
    assert.deepEqual(summary(check(text, normalizeSettings({ validate: { instructionCasing: "ignore" } }))), [
      "2 unknown-flag",
    ]);
    const info = check(text, normalizeSettings({ validate: { instructionCasing: "info" } }));
    assert.equal(info[0]?.severity, DiagnosticSeverity.Information);
  });

  it("is silenced by FROM Lens' comments, on the line above or for the file", () => {
    const above =
      "FROM alpine:3.22\n# from-lens-ignore unknown-flag -- our builder patches this\nADD --unpak a /b\n";
    assert.deepEqual(summary(check(above)), []);
    const file = "# from-lens-ignore-file instruction-casing\nfrom alpine:3.22\nrun true\n";
    assert.deepEqual(summary(check(file)), []);
    const theirs = "FROM alpine:3.22\n# dockerfile-utils: ignore\nADD --unpak a /b\nADD --unpak a /b\n";
    assert.deepEqual(
      summary(check(theirs)),
      ["4 unknown-flag"],
      "dockerfile-utils' own comment, line below only",
    );
  });

  it("offers the ignore comments as quick fixes, and they silence the check", () => {
    const text = "FROM alpine:3.22\n  ADD --unpak a /b\n";
    const [diagnostic] = check(text);
    assert.equal(diagnostic?.code, "unknown-flag");
    const actions = standard.standardCodeActions(
      service,
      { uri: "file:///Dockerfile", version: 1, text },
      diagnostic.range,
      { diagnostics: [diagnostic] },
      false,
    );
    assert.deepEqual(
      actions.map((a) => a.title),
      ["Ignore unknown-flag on this line", "Ignore unknown-flag in this file"],
    );
    for (const action of actions) {
      const edits = action.edit?.changes?.["file:///Dockerfile"] ?? [];
      const doc = TextDocument.create("file:///Dockerfile", "dockerfile", 1, text);
      const fixed = TextDocument.applyEdits(doc, edits);
      assert.deepEqual(check(fixed), [], fixed);
    }
    const line = actions[0]?.edit?.changes?.["file:///Dockerfile"]?.[0]?.newText;
    assert.equal(line, "  # from-lens-ignore unknown-flag\n");
  });

  bothEols("check-directive.Dockerfile", (t) => {
    // File-level skips MaintainerDeprecated and WorkdirRelativePath; the comment above the first
    // CMD skips MultipleInstructionsDisallowed for it; the second stage's ENTRYPOINT still counts.
    assert.deepEqual(summary(check(t)), ["12 multiple-instructions"]);
  });

  it("parses the check directive as BuildKit does", () => {
    assert.deepEqual(
      parseCheckValue("skip=JSONArgsRecommended,StageNameCasing"),
      new Set(["JSONArgsRecommended", "StageNameCasing"]),
    );
    assert.equal(parseCheckValue("skip=all;error=true"), "all");
    assert.equal(parseCheckValue("skip"), undefined, "malformed: ignored");
    assert.equal(parseCheckValue("error=maybe"), undefined);
    const skips = readCheckDirectives("# syntax=docker/dockerfile:1\n#check = skip=all\nFROM a\n");
    assert.equal(skips.file, "all");
    const late = readCheckDirectives("FROM a\n# check=skip=all\n\nRUN x\n");
    assert.deepEqual(late.file, new Set(), "after an instruction it is not a directive");
    assert.equal(late.instructionAt(3), "all", "but it is the instruction's comment, across a blank line");
    const reset = readCheckDirectives("FROM a\n# check=skip=all\n#\nRUN x\n");
    assert.equal(reset.instructionAt(3), undefined, "an empty # line starts the comments afresh");
  });

  it("skip names are case-sensitive, as in BuildKit", () => {
    assert.equal(check("# check=skip=maintainerdeprecated\nFROM a:1\nMAINTAINER me\n").length, 1);
    assert.equal(check("# check=skip=MaintainerDeprecated\nFROM a:1\nMAINTAINER me\n").length, 0);
  });
});

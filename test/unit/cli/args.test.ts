import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { DiagnosticSeverity } from "vscode-languageserver-types";
import { HELP, isGlob, parseArgs, VERSION, type Parsed } from "../../../cli/src/args";

function run(parsed: Parsed) {
  assert.equal(parsed.kind, "run", parsed.kind === "run" ? "" : parsed.text);
  if (parsed.kind !== "run") throw new Error("unreachable");
  return parsed.options;
}

describe("from-lens arguments", () => {
  it("prints the version and per-command help on stdout", () => {
    assert.deepEqual(parseArgs(["--version"]), { kind: "print", text: VERSION });
    assert.deepEqual(parseArgs(["pin", "--version"]), { kind: "print", text: VERSION });
    assert.deepEqual(parseArgs(["check", "--help"]), { kind: "print", text: HELP.check });
    assert.deepEqual(parseArgs(["inspect", "-h"]), { kind: "print", text: HELP.inspect });
    assert.deepEqual(parseArgs([]), { kind: "print", text: HELP.main });
    assert.match(VERSION, /^\d+\.\d+\.\d+/);
  });

  it("check takes paths and globs, formats, --fail-on none and an output file", () => {
    const o = run(
      parseArgs([
        "check",
        "Dockerfile",
        "build/**/*.Dockerfile",
        "--format=sarif",
        "-o",
        "r.sarif",
        "--fail-on",
        "none",
      ]),
    );
    assert.equal(o.command, "check");
    if (o.command !== "check") return;
    assert.deepEqual(o.paths, ["Dockerfile", "build/**/*.Dockerfile"]);
    assert.equal(o.format, "sarif");
    assert.equal(o.output, "r.sarif");
    assert.equal(o.failOn, "none");
    const w = run(parseArgs(["check", "--fail-on", "warning"]));
    assert.equal(w.command === "check" && w.failOn, DiagnosticSeverity.Warning);
  });

  it("turns GitHub annotations on under GITHUB_ACTIONS unless a json or sarif report takes stdout", () => {
    const gha = { GITHUB_ACTIONS: "true" };
    const text = run(parseArgs(["check"], gha));
    assert.equal(text.command === "check" && text.annotations, true);
    const sarif = run(parseArgs(["check", "--format", "sarif"], gha));
    assert.equal(sarif.command === "check" && sarif.annotations, false);
    const sarifToFile = run(parseArgs(["check", "--format", "sarif", "--output", "x.sarif"], gha));
    assert.equal(sarifToFile.command === "check" && sarifToFile.annotations, true);
    const off = run(parseArgs(["check", "--no-annotations"], gha));
    assert.equal(off.command === "check" && off.annotations, false);
    const local = run(parseArgs(["check"], {}));
    assert.equal(local.command === "check" && local.annotations, false);
  });

  it("uses colour only on a terminal without NO_COLOR or --no-color", () => {
    assert.equal(run(parseArgs(["inspect", "python"], {}, true)).color, true);
    assert.equal(run(parseArgs(["inspect", "python"], {}, false)).color, false);
    assert.equal(run(parseArgs(["inspect", "python"], { NO_COLOR: "1" }, true)).color, false);
    assert.equal(run(parseArgs(["inspect", "python", "--no-color"], {}, true)).color, false);
  });

  it("maps common flags to settings", () => {
    const o = run(
      parseArgs([
        "pin",
        "--offline",
        "--platform",
        "linux/arm64",
        "--registry-mirror",
        "https://m1",
        "--registry-mirror=https://m2",
        "--concurrency",
        "8",
        "--quiet",
        "--timeout",
        "5",
      ]),
    );
    assert.deepEqual(o.flagSettings, {
      offline: true,
      defaultPlatform: "linux/arm64",
      registryMirrors: ["https://m1", "https://m2"],
    });
    assert.equal(o.concurrency, 8);
    assert.equal(o.quiet, true);
    assert.equal(o.timeoutMs, 5000);
  });

  it("says what is wrong, naming the command, for bad usage", () => {
    const cases: [string[], RegExp][] = [
      [["chek"], /unknown command "chek"/],
      [["check", "--format", "xml"], /--format takes text, json or sarif \(got "xml"\)/],
      [["check", "--fail-on", "loud"], /--fail-on takes error, warning, info, hint or none/],
      [["check", "--update"], /unknown option --update/],
      [["pin", "--format", "json"], /unknown option --format/],
      [["pin", "--check", "--dry-run"], /does not combine/],
      [["inspect"], /name an image/],
      [["inspect", "a", "b"], /name one image/],
      [["check", "--timeout"], /--timeout needs a value/],
      [["check", "--concurrency", "0"], /--concurrency takes a whole number/],
      [["check", "--platform", "arm64"], /--platform takes os\/architecture/],
      [["check", "--quiet=yes"], /--quiet takes no value/],
    ];
    for (const [argv, message] of cases) {
      const parsed = parseArgs(argv);
      assert.equal(parsed.kind, "usage", argv.join(" "));
      assert.match(parsed.kind === "usage" ? parsed.text : "", message, argv.join(" "));
    }
  });

  it("reads arguments after -- as paths", () => {
    const o = run(parseArgs(["check", "--", "--weird-name"]));
    assert.deepEqual(o.command === "check" && o.paths, ["--weird-name"]);
  });

  it("tells globs from paths", () => {
    assert.equal(isGlob("**/*.Dockerfile"), true);
    assert.equal(isGlob("Dockerfile.{dev,prod}"), true);
    assert.equal(isGlob("build/Dockerfile"), false);
  });
});

/** "What changed" between a pinned image and what its tag points at now, from real records (../shared/realdata). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { changeSummary, whatChanged } from "../../../server/src/features/whatChanged";
import { realFacts } from "./fixtures";

describe("whatChanged", () => {
  it("names the runtime, build date and source revision (with a compare link) of elasticsearch 8.19.22 → 9.5.3", () => {
    const changes = whatChanged(realFacts("elasticsearch:8.19.22"), realFacts("elasticsearch:9.5.3"));
    const plain = changes.map((c) => c.plain);
    assert.ok(plain.includes("elasticsearch 8.19.22 → 9.5.3"), plain.join("\n"));
    assert.ok(
      plain.includes(
        "source 3b2a411 → 367ec31 (https://github.com/elastic/elasticsearch/compare/3b2a41103de35e0af4064d647974032fcc1bcde9...367ec317ec5f668dd864d41be06052a567102fec)",
      ),
      plain.join("\n"),
    );
    assert.ok(plain.includes("built 2026-09-18 → 2026-09-01"), plain.join("\n"));
    const source = changes.find((c) => c.what === "source");
    assert.match(
      source?.markdown ?? "",
      /^\[source 3b2a411 → 367ec31\]\(https:\/\/github\.com\/elastic\/elasticsearch\/compare\//,
    );
    assert.doesNotMatch(changeSummary(changes), /https:/, "the summary has no URLs");
  });

  it("says nothing when nothing it can compare changed", () => {
    assert.deepEqual(whatChanged(realFacts("python:3.12-slim"), realFacts("python:3.12-slim")), []);
  });

  it("compares only what both sides know: no 'unknown → x'", () => {
    const before = realFacts("python:3.12-slim");
    const after = {
      ...realFacts("python:3.12-slim"),
      runtimes: [],
      os: { status: "unknown" as const, evidence: "x" },
    };
    assert.deepEqual(whatChanged(before, after), []);
  });

  it("lists platforms added and removed, and the size change of the described platform", () => {
    const before = realFacts("python:3.12-slim");
    const amd64 = before.platforms.find((p) => p.architecture === "amd64");
    assert.ok(amd64);
    const withSize = { ...before, describedPlatform: { ...amd64, size: 40_000_000 } };
    const after = {
      ...before,
      platforms: [
        { ...amd64, size: 41_500_000 },
        { os: "linux", architecture: "loong64", digest: `sha256:${"9".repeat(64)}` },
      ],
    };
    const plain = whatChanged(withSize, after).map((c) => c.plain);
    assert.ok(plain.includes("platforms added: linux/loong64"), plain.join("\n"));
    assert.ok(
      plain.some((p) => /^platforms removed: .*linux\/arm64\/v8/.test(p)),
      plain.join("\n"),
    );
    assert.ok(plain.includes("linux/amd64 size 40.0 MB → 41.5 MB (+1.5 MB)"), plain.join("\n"));
  });
});

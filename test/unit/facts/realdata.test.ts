/**
 * Every record of ../shared/realdata/tags.json (real official-image tags, docker-library/repo-info)
 * run through deriveFacts: base OS, libc and runtime must match the record's expectations, and the
 * evidence must name the same kind of source line the record's evidence names.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deriveFacts } from "../../../server/src/facts/derive";
import { DEBIAN_RELEASES, UBUNTU_RELEASES, findRelease } from "../../../server/src/facts/distroTable";
import type { ImageFacts } from "../../../server/src/facts/types";
import { loadRecords, recordToInput, type RealRecord } from "./realdata";

const NOW = new Date("2026-11-23T00:00:00Z");
const records = loadRecords();

/** Kinds of source line: how the record's evidence names one, and what ours must then contain. */
const EVIDENCE_KINDS: readonly { kind: string; inRecord: RegExp; inOurs: readonly string[] }[] = [
  { kind: "debuerreotype line", inRecord: /debian\.sh/, inOurs: ["debian.sh"] },
  { kind: "alpine minirootfs", inRecord: /alpine-minirootfs/, inOurs: ["alpine-minirootfs"] },
  {
    kind: "OCI version label",
    inRecord: /org\.opencontainers\.image\.version/,
    inOurs: ["org.opencontainers.image.version"],
  },
  {
    kind: "base.name label",
    inRecord: /org\.opencontainers\.image\.base\.name/,
    inOurs: ["org.opencontainers.image.base.name"],
  },
  { kind: "Oracle Linux rootfs", inRecord: /oraclelinux-/, inOurs: ["oraclelinux-"] },
  { kind: "Fedora DISTTAG", inRecord: /DISTTAG/, inOurs: ["DISTTAG"] },
  {
    kind: "Photon rootfs or label",
    inRecord: /photon-rootfs|Photon OS/,
    inOurs: ["photon-rootfs", "Photon OS"],
  },
  {
    kind: "Windows build",
    inRecord: /Apply image|windows version/,
    inOurs: ["Apply image", "Install update", "os.version"],
  },
  { kind: "BusyBox build line", inRecord: /BusyBox/, inOurs: ["BusyBox"] },
  { kind: "tag name", inRecord: /tag name/, inOurs: ["tag name"] },
  { kind: "scratch COPY", inRecord: /COPY hello/, inOurs: ["COPY hello"] },
];

function evidenceOf(facts: ImageFacts): string {
  return `${facts.os.evidence}\n${facts.libc.evidence}`;
}

function check(rec: RealRecord): void {
  const facts = deriveFacts(recordToInput(rec), NOW);
  const exp = rec.expected;

  if (exp.baseOs === null) {
    assert.notEqual(
      facts.os.status,
      "known",
      `${rec.id}: expected no base OS, got ${JSON.stringify(facts.os)}`,
    );
  } else {
    assert.equal(facts.os.status, "known", `${rec.id}: ${facts.os.evidence}`);
    if (facts.os.status === "known") {
      assert.deepEqual(
        { distro: facts.os.distro, version: facts.os.version, codename: facts.os.codename },
        exp.baseOs,
        `${rec.id}: ${facts.os.evidence}`,
      );
    }
  }
  assert.equal(facts.libc.value, exp.libc, `${rec.id}: libc ${facts.libc.evidence}`);

  if (exp.runtime === null) {
    assert.deepEqual(facts.runtimes, [], `${rec.id}: expected no runtime`);
  } else {
    const primary = facts.runtimes[0];
    assert.ok(primary !== undefined, `${rec.id}: expected runtime ${exp.runtime.name}`);
    assert.deepEqual(
      { name: primary.name, version: primary.version },
      { name: exp.runtime.name, version: exp.runtime.version },
    );
    const sourceWord = /BusyBox/.test(exp.runtime.source)
      ? "BusyBox"
      : exp.runtime.source.replace(/^(?:ENV|LABEL) /, "");
    assert.ok(
      primary.evidence.includes(sourceWord),
      `${rec.id}: runtime evidence "${primary.evidence}" should name ${sourceWord}`,
    );
  }

  const kinds = EVIDENCE_KINDS.filter((k) => k.inRecord.test(rec.evidence));
  assert.ok(kinds.length > 0, `${rec.id}: no known source kind in the record's evidence: ${rec.evidence}`);
  const ours = evidenceOf(facts);
  assert.ok(
    kinds.some((k) => k.inOurs.some((word) => ours.includes(word))),
    `${rec.id}: our evidence names none of ${kinds.map((k) => k.kind).join(", ")}:\n${ours}`,
  );

  assert.equal(facts.indexDigest, rec.indexDigest);
  assert.equal(
    facts.platforms.length,
    rec.platforms.filter((p) => !p.isAttestation).length,
    `${rec.id}: platforms`,
  );
  assert.equal(facts.describedPlatform?.digest, rec.amd64.digest);
  assert.equal(facts.trust.level, "official");
}

describe("real data: every record of shared/realdata/tags.json", () => {
  it("has records to check", () => {
    assert.ok(records.length >= 32, `only ${records.length} records`);
  });
  for (const rec of records) {
    it(`derives base OS, libc, runtime and evidence for ${rec.id}`, () => check(rec));
  }
});

describe("real data: the distro tables know every release the records name", () => {
  it("has every Debian and Ubuntu codename of the records in the generated table", () => {
    const codenames = records.flatMap((r) =>
      r.expected.baseOs !== null &&
      r.expected.baseOs.codename !== null &&
      ["debian", "ubuntu"].includes(r.expected.baseOs.distro)
        ? [
            {
              distro: r.expected.baseOs.distro,
              codename: r.expected.baseOs.codename,
              version: r.expected.baseOs.version,
            },
          ]
        : [],
    );
    assert.ok(codenames.length > 0);
    for (const c of codenames) {
      const rows = c.distro === "debian" ? DEBIAN_RELEASES : UBUNTU_RELEASES;
      const row = rows.find((r) => r.series === c.codename);
      assert.ok(row !== undefined, `${c.codename} missing from distros.generated.json`);
      assert.equal(row.version, c.version, `${c.codename} is ${c.distro} ${c.version}`);
    }
  });

  it("has a release line (with an EOL or an explicit unknown) for every base OS of the records", () => {
    for (const r of records) {
      const os = r.expected.baseOs;
      if (os === null) continue;
      const line = findRelease(os.distro, os.version, os.codename ?? null);
      assert.ok(line !== undefined, `${r.id}: no release line for ${os.distro} ${os.version}`);
      assert.ok(line.eol === "unknown" || /^\d{4}-\d{2}-\d{2}$/.test(line.eol), `${r.id}: eol ${line.eol}`);
    }
  });
});

/**
 * Every record of ../shared/realdata/tags.json and tags-2.json (real official-image tags,
 * docker-library/repo-info) run through deriveFacts: base OS, libc and runtime must match the record's expectations, and the
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
  { kind: "Red Hat UBI label", inRecord: /com\.redhat\.component/, inOurs: ["com.redhat.component"] },
  { kind: "AlmaLinux rootfs", inRecord: /almalinux-/, inOurs: ["almalinux-"] },
  { kind: "os-release written by the build", inRecord: /\/etc\/os-release/, inOurs: ["/etc/os-release"] },
  { kind: "scratch COPY", inRecord: /COPY hello/, inOurs: ["COPY hello"] },
];

function evidenceOf(facts: ImageFacts): string {
  return `${facts.os.evidence}\n${facts.libc.evidence}`;
}

/**
 * The keys a record's `runtime.source` names ("ENV PG_VERSION", "LABEL liberty.version / …",
 * "ARG CB_PACKAGE=…", "RUN shell variable `version='3.1.1'`", "history `RUN BusyBox …` line"):
 * our runtime evidence must name one of them.
 */
function runtimeSourceKeys(source: string): string[] {
  if (/BusyBox/.test(source)) return ["BusyBox"];
  const keys = [...source.matchAll(/\b(?:ENV|LABEL|ARG) ([\w.-]+)/g)].map((m) => m[1] ?? "");
  // "LABEL liberty.version / com.ibm.websphere.liberty.version": alternatives after " / ".
  for (const part of source.split(" / ").slice(1)) {
    const key = /^([\w-]+(?:\.[\w-]+)+)/.exec(part.trim())?.[1];
    if (key !== undefined) keys.push(key);
  }
  const shell = /shell variable `(\w+)=/.exec(source)?.[1];
  if (shell !== undefined) keys.push(`${shell}=`);
  return keys.filter((k) => k !== "");
}

/** Every expectation of one record against deriveFacts; one message per miss (empty = pass). */
function misses(rec: RealRecord): string[] {
  const facts = deriveFacts(recordToInput(rec), NOW);
  const exp = rec.expected;
  const out: string[] = [];
  const os = facts.os;

  if (exp.baseOs === null) {
    if (os.status === "known") out.push(`base OS: expected none, got ${os.distro} ${os.version ?? "?"}`);
  } else if (os.status !== "known") {
    out.push(
      `base OS: expected ${exp.baseOs.distro} ${exp.baseOs.version ?? "(no version)"}, got ${os.status}: ${os.evidence}`,
    );
  } else {
    const want = {
      distro: exp.baseOs.distro,
      version: exp.baseOs.version,
      codename: exp.baseOs.codename ?? null,
    };
    const got = { distro: os.distro, version: os.version, codename: os.codename };
    for (const key of ["distro", "version", "codename"] as const) {
      if (want[key] !== got[key]) {
        out.push(`base OS ${key}: expected ${String(want[key])}, got ${String(got[key])} (${os.evidence})`);
      }
    }
  }
  if (facts.libc.value !== exp.libc) {
    out.push(`libc: expected ${exp.libc}, got ${facts.libc.value} (${facts.libc.evidence})`);
  }

  const primary = facts.runtimes[0];
  if (exp.runtime === null) {
    if (facts.runtimes.length > 0) {
      out.push(
        `runtime: expected none, got ${facts.runtimes.map((r) => `${r.name} ${r.version}`).join(", ")}`,
      );
    }
  } else if (exp.runtime.version === null) {
    // The name is known but the metadata states no version: no runtime of that name may claim one.
    const claimed = facts.runtimes.find((r) => r.name === exp.runtime?.name);
    if (claimed !== undefined)
      out.push(`runtime ${claimed.name}: expected no version, got ${claimed.version}`);
  } else if (primary === undefined) {
    out.push(`runtime: expected ${exp.runtime.name} ${exp.runtime.version}, got none`);
  } else {
    if (primary.name !== exp.runtime.name || primary.version !== exp.runtime.version) {
      out.push(
        `runtime: expected ${exp.runtime.name} ${exp.runtime.version}, got ${primary.name} ${primary.version} (${primary.evidence})`,
      );
    }
    const keys = runtimeSourceKeys(exp.runtime.source);
    if (keys.length === 0) out.push(`runtime: no source key in the record's source "${exp.runtime.source}"`);
    else if (!keys.some((k) => primary.evidence.includes(k))) {
      out.push(`runtime evidence "${primary.evidence}" names none of ${keys.join(", ")}`);
    }
  }
  for (const r of facts.runtimes) {
    if (r.evidence.trim() === "") out.push(`runtime ${r.name}: no evidence`);
  }

  const kinds = EVIDENCE_KINDS.filter((k) => k.inRecord.test(rec.evidence));
  if (kinds.length === 0) out.push(`no known source kind in the record's evidence: ${rec.evidence}`);
  const ours = evidenceOf(facts);
  if (kinds.length > 0 && !kinds.some((k) => k.inOurs.some((word) => ours.includes(word)))) {
    out.push(`our evidence names none of ${kinds.map((k) => k.kind).join(", ")}: ${ours}`);
  }

  if (facts.indexDigest !== rec.indexDigest) out.push(`index digest ${facts.indexDigest}`);
  const runnable = rec.platforms.filter((p) => !p.isAttestation).length;
  if (facts.platforms.length !== runnable)
    out.push(`platforms: ${facts.platforms.length}, expected ${runnable}`);
  if (facts.describedPlatform?.digest !== rec.amd64.digest)
    out.push(`described platform ${facts.describedPlatform?.digest}`);
  if (facts.trust.level !== "official") out.push(`trust ${facts.trust.level}`);
  return out;
}

function check(rec: RealRecord): void {
  const found = misses(rec);
  assert.deepEqual(found, [], `${rec.id}:\n  ${found.join("\n  ")}`);
}

describe("real data: every record of shared/realdata/tags.json and tags-2.json", () => {
  it("has the records of both files to check", () => {
    assert.ok(records.length >= 72, `only ${records.length} records`);
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

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findRelease } from "../../../server/src/facts/distroTable";
import { EOL_SOON_DAYS, daysUntil, eolStatus } from "../../../server/src/facts/eol";

function eolOf(distro: string, version: string | null, codename: string | null): string {
  const line = findRelease(distro, version, codename);
  assert.ok(line !== undefined, `${distro} ${version ?? codename ?? ""} not in the tables`);
  return line.eol;
}

const at = (iso: string): Date => new Date(`${iso}T12:00:00Z`);

describe("eolStatus", () => {
  it("marks Debian buster end-of-life in 2026 (its LTS ended 2024-06-30)", () => {
    assert.equal(eolOf("debian", null, "buster"), "2024-06-30");
    assert.equal(eolStatus(eolOf("debian", null, "buster"), at("2026-11-23")), "eol");
  });

  it("keeps Debian bookworm supported in November 2026: regular support ended 2026-07-11 but Debian LTS runs to 2028-06-30", () => {
    const eol = eolOf("debian", null, "bookworm");
    assert.equal(eol, "2028-06-30");
    assert.equal(eolStatus(eol, at("2026-11-15")), "supported");
    assert.equal(eolStatus(eol, at("2028-04-15")), "eol-soon");
    assert.equal(eolStatus(eol, new Date("2028-06-30T00:00:00Z")), "eol");
  });

  it("ends Ubuntu 22.04 jammy's standard support on 2027-06-01 (ESM is paid, not counted)", () => {
    const eol = eolOf("ubuntu", "22.04", null);
    assert.equal(eol, "2027-06-01");
    assert.equal(eolStatus(eol, at("2026-11-23")), "supported");
    assert.equal(eolStatus(eol, at("2027-04-01")), "eol-soon");
    assert.equal(eolStatus(eol, at("2027-06-01")), "eol");
    assert.equal(eolStatus(eol, at("2028-01-01")), "eol");
  });

  it("treats an interim Ubuntu release (25.10 questing) as end-of-life after its nine months", () => {
    assert.equal(eolStatus(eolOf("ubuntu", null, "questing"), at("2026-11-23")), "eol");
  });

  it("uses a 90-day window for eol-soon", () => {
    assert.equal(EOL_SOON_DAYS, 90);
    assert.equal(eolStatus("2027-03-01", new Date("2026-12-01T00:00:00Z")), "eol-soon"); // 90 days
    assert.equal(eolStatus("2027-03-01", new Date("2026-11-30T00:00:00Z")), "supported"); // 91 days
  });

  it("says unknown for an unknown or missing date, never guesses", () => {
    assert.equal(eolStatus("unknown", at("2026-11-23")), "unknown");
    assert.equal(eolStatus(undefined, at("2026-11-23")), "unknown");
    assert.equal(eolStatus("2027-13-45", at("2026-11-23")), "unknown");
    assert.equal(eolOf("photon", "5.0", null), "unknown");
    assert.equal(eolOf("debian", null, "forky"), "unknown");
  });

  it("counts whole days until the EOL", () => {
    assert.equal(daysUntil("2026-12-01", new Date("2026-11-23T00:00:00Z")), 8);
    assert.equal(daysUntil("unknown", new Date()), undefined);
  });

  it("judges Alpine branches by their own EOL (3.20 ended 2026-04-01; 3.21 on 2026-11-01)", () => {
    assert.equal(eolStatus(eolOf("alpine", "3.20.3", null), at("2026-11-23")), "eol");
    assert.equal(eolStatus(eolOf("alpine", "3.21", null), at("2026-10-01")), "eol-soon");
    assert.equal(eolStatus(eolOf("alpine", "3.22.6", null), at("2026-11-23")), "supported");
  });
});

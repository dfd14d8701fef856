import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { explainTagVariants } from "../../../server/src/facts/variants";

const kinds = (tag: string): string[] => explainTagVariants(tag).map((v) => `${v.kind}:${v.token}`);

describe("tag variants", () => {
  it("explains slim and the Debian codename of 3.12-slim-bookworm", () => {
    assert.deepEqual(kinds("3.12-slim-bookworm"), ["slim:slim", "codename:bookworm"]);
    const [slim, bookworm] = explainTagVariants("3.12-slim-bookworm");
    assert.match(slim?.text ?? "", /no compilers/);
    assert.match(bookworm?.text ?? "", /Debian 12 "Bookworm".*Toy Story/);
  });

  it("explains alpine with musl's consequences and the ways out", () => {
    const [alpine] = explainTagVariants("3.13-alpine3.20");
    assert.equal(alpine?.kind, "alpine");
    assert.equal(alpine?.token, "alpine3.20");
    assert.match(alpine?.text ?? "", /Alpine Linux 3\.20/);
    assert.match(alpine?.text ?? "", /musl/);
    assert.match(alpine?.text ?? "", /manylinux/);
    assert.match(alpine?.text ?? "", /slim tag.*musllinux.*gcompat/);
  });

  it("explains Ubuntu codenames as adjective + animal", () => {
    const [noble] = explainTagVariants("21-jdk-noble").filter((v) => v.kind === "codename");
    assert.match(noble?.text ?? "", /Ubuntu 24\.04 LTS "Noble Numbat"/);
    assert.match(noble?.text ?? "", /adjective and an animal/);
  });

  it("explains Windows Server Core, Nano Server and the LTSC release", () => {
    assert.deepEqual(kinds("3.13-windowsservercore-ltsc2022"), [
      "windowsservercore:windowsservercore",
      "windows-ltsc:ltsc2022",
    ]);
    const nano = explainTagVariants("1.25-nanoserver-ltsc2025");
    assert.match(nano[0]?.text ?? "", /no PowerShell/);
    assert.match(nano[1]?.text ?? "", /Windows Server 2025 LTSC/);
  });

  it("warns that latest moves", () => {
    const [latest] = explainTagVariants("latest");
    assert.equal(latest?.kind, "latest");
    assert.match(latest?.text ?? "", /pin a version/);
  });

  it("says nothing about a plain version tag", () => {
    assert.deepEqual(explainTagVariants("3.12.8"), []);
    assert.deepEqual(explainTagVariants(undefined), []);
  });
});

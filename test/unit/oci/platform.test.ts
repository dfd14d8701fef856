import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  defaultPlatformEntry,
  formatPlatform,
  normalisePlatform,
  parsePlatform,
  platformMatches,
  platformMatchesText,
  selectPlatform,
} from "../../../server/src/oci/platform";
import { MediaType, type Descriptor, type Platform } from "../../../server/src/oci/types";

const d = (n: number): string => `sha256:${n.toString(16).padStart(64, "0")}`;
const entry = (n: number, platform: Platform, annotations?: Record<string, string>): Descriptor => ({
  mediaType: MediaType.ociManifest,
  digest: d(n),
  size: 100,
  platform,
  ...(annotations ? { annotations } : {}),
});
const amd64 = entry(1, { os: "linux", architecture: "amd64" });
const arm64 = entry(2, { os: "linux", architecture: "arm64", variant: "v8" });
const attestation = entry(
  3,
  { os: "unknown", architecture: "unknown" },
  { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": d(1) },
);
const armv7 = entry(5, { os: "linux", architecture: "arm", variant: "v7" });
const linux = (architecture: string, variant?: string): Platform =>
  variant === undefined ? { os: "linux", architecture } : { os: "linux", architecture, variant };

describe("platforms", () => {
  it("parses and formats os/arch[/variant]", () => {
    assert.deepEqual(parsePlatform("linux/arm64/v8"), { os: "linux", architecture: "arm64", variant: "v8" });
    assert.deepEqual(parsePlatform("Linux/AMD64"), { os: "linux", architecture: "amd64" });
    assert.deepEqual(parsePlatform(" linux/arm64/ "), { os: "linux", architecture: "arm64" });
    assert.equal(parsePlatform("linux"), undefined);
    assert.equal(parsePlatform("/amd64"), undefined);
    assert.equal(parsePlatform("a/b/c/d"), undefined);
    assert.equal(formatPlatform({ os: "linux", architecture: "arm", variant: "v7" }), "linux/arm/v7");
    assert.equal(formatPlatform({ os: "linux", architecture: "amd64", variant: "" }), "linux/amd64");
  });

  it("normalises like containerd: arm64 = arm64/v8, arm = arm/v7, aliases", () => {
    assert.ok(platformMatches(linux("arm64", "v8"), linux("arm64")));
    assert.ok(platformMatches(linux("arm", "v7"), linux("arm")));
    assert.ok(platformMatches(linux("amd64"), linux("x86_64")));
    assert.ok(platformMatches(linux("arm64"), linux("aarch64")));
    assert.ok(!platformMatches(linux("arm", "v6"), linux("arm")));
    assert.ok(!platformMatches({ os: "windows", architecture: "amd64" }, linux("amd64")));
  });

  it("spells the default variants away and the aliases out, as platforms.Normalize does", () => {
    const n = (architecture: string, variant?: string) => normalisePlatform(linux(architecture, variant));
    assert.deepEqual(n("arm64", "v8"), { os: "linux", architecture: "arm64", variant: "" });
    assert.deepEqual(n("aarch64", "8"), { os: "linux", architecture: "arm64", variant: "" });
    assert.deepEqual(n("arm64", "v8.0"), { os: "linux", architecture: "arm64", variant: "" });
    assert.deepEqual(n("arm64", "9"), { os: "linux", architecture: "arm64", variant: "v9" });
    assert.deepEqual(n("arm"), { os: "linux", architecture: "arm", variant: "v7" });
    assert.deepEqual(n("arm", "6"), { os: "linux", architecture: "arm", variant: "v6" });
    assert.deepEqual(n("armhf"), { os: "linux", architecture: "arm", variant: "v7" });
    assert.deepEqual(n("armel"), { os: "linux", architecture: "arm", variant: "v6" });
    assert.deepEqual(n("x86_64", "v1"), { os: "linux", architecture: "amd64", variant: "" });
    assert.deepEqual(n("amd64", "v3"), { os: "linux", architecture: "amd64", variant: "v3" });
    assert.deepEqual(n("i386"), { os: "linux", architecture: "386", variant: "" });
    assert.deepEqual(normalisePlatform({ os: "MacOS", architecture: "ARM64" }), {
      os: "darwin",
      architecture: "arm64",
      variant: "",
    });
  });

  it("matches exactly, without the looser fallbacks (amd64/v3 ≠ amd64, arm64 ≠ arm/v7)", () => {
    assert.ok(platformMatches(linux("amd64", "v1"), linux("amd64")));
    assert.ok(!platformMatches(linux("amd64"), linux("amd64", "v3")));
    assert.ok(!platformMatches(linux("amd64", "v2"), linux("amd64")));
    assert.ok(!platformMatches(linux("arm", "v7"), linux("arm64")));
    assert.ok(!platformMatches(linux("386"), linux("amd64")));
    assert.ok(platformMatchesText(linux("arm64"), "linux/arm64/v8"));
    assert.ok(platformMatchesText(linux("arm64", "v8"), "linux/arm64"));
    assert.ok(!platformMatchesText(linux("arm64"), "$TARGETPLATFORM"));
  });

  it("picks the platform's entry and never an attestation", () => {
    const list = [attestation, amd64, arm64, armv7];
    assert.equal(selectPlatform(list, linux("arm64"))?.digest, d(2));
    assert.equal(selectPlatform(list, linux("arm", "v7"))?.digest, d(5));
    assert.equal(selectPlatform(list, { os: "unknown", architecture: "unknown" }), undefined);
    assert.equal(selectPlatform(list, linux("s390x")), undefined);
  });

  it("picks an arm64 entry without a variant for --platform=linux/arm64/v8", () => {
    const list = [amd64, entry(6, linux("arm64"))];
    assert.equal(selectPlatform(list, linux("arm64", "v8"))?.digest, d(6));
  });

  it("describes linux/amd64 by default, else windows/amd64, else the first entry", () => {
    const of = (e: Descriptor) => e.platform;
    const windows = entry(7, { os: "windows", architecture: "amd64", "os.version": "10.0.20348.1" });
    const amd64v2 = entry(8, linux("amd64", "v2"));
    assert.equal(defaultPlatformEntry([arm64, windows, amd64], of)?.digest, d(1));
    assert.equal(defaultPlatformEntry([arm64, amd64v2, amd64], of)?.digest, d(8));
    assert.equal(defaultPlatformEntry([arm64, windows], of)?.digest, d(7));
    assert.equal(defaultPlatformEntry([armv7, arm64], of)?.digest, d(5));
    assert.equal(defaultPlatformEntry([], of), undefined);
  });
});

/**
 * The answers the fault server and its relatives (hubApi.ts, hubRegistryReplay.ts) build: JSON and
 * distribution error envelopes, Docker Hub's rate-limit message, a schema 1 manifest, and
 * tampered bytes for wrong-digest faults.
 */
import { MediaType } from "../../server/src/oci/types";
import type { HttpAnswer } from "./faultServer";
import { distributionError } from "./http";

/** The distribution error code and message a plain `status` fault sends by default. */
export const DEFAULT_ERRORS: Record<number, [string, string]> = {
  400: ["UNSUPPORTED", "The operation is unsupported."],
  401: ["UNAUTHORIZED", "authentication required"],
  403: ["DENIED", "requested access to the resource is denied"],
  404: ["MANIFEST_UNKNOWN", "manifest unknown"],
  405: ["UNSUPPORTED", "The operation is unsupported."],
  429: ["TOOMANYREQUESTS", "Too Many Requests"],
  500: ["UNKNOWN", "unknown error"],
  502: ["UNAVAILABLE", "bad gateway"],
  503: ["UNAVAILABLE", "service unavailable"],
  504: ["UNAVAILABLE", "gateway timeout"],
};

export const RATE_LIMIT_MESSAGE =
  "You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit";

export function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return {
    status,
    headers: { "content-type": "application/json", ...headers },
    body: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
  };
}

export function errorAnswer(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  detail?: unknown,
): HttpAnswer {
  return {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "docker-distribution-api-version": "registry/2.0",
      ...headers,
    },
    body: Buffer.from(distributionError(code, message, detail) + "\n"),
  };
}

/** A schema 1 manifest shaped like distribution's docs/spec/manifest-v2-1.md example. */
export function schema1Manifest(
  name: string,
  tag: string,
  signed = true,
): { body: Buffer; mediaType: string } {
  const v1 = (id: string, parent: string | undefined, cmd: string): string =>
    JSON.stringify({
      id,
      ...(parent ? { parent } : {}),
      created: "2014-12-31T22:57:59.178729048Z",
      container_config: { Cmd: ["/bin/sh", "-c", cmd] },
      config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/hello"] },
      architecture: "amd64",
      os: "linux",
      Size: 0,
    });
  const top = "e45a5af57b00862e5ef5782a9925979a02ba2b12dff832fd0991335f4a11e5c5";
  const base = "31cbccb51277105ba3ae35ce33c22b69c9e3f1002e76e4c736a2e8ebff9d7b5d";
  const manifest: Record<string, unknown> = {
    schemaVersion: 1,
    name,
    tag,
    architecture: "amd64",
    fsLayers: [
      { blobSum: "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef" },
      { blobSum: "sha256:cc8567d70002e957612902a8e985ea129d831ebe04057d88fb644857caa45d11" },
    ],
    history: [
      { v1Compatibility: v1(top, base, "#(nop) CMD [/hello]") },
      { v1Compatibility: v1(base, undefined, "#(nop) COPY file:abc in /") },
    ],
  };
  if (signed) {
    manifest.signatures = [
      {
        header: {
          jwk: {
            crv: "P-256",
            kid: "OD6I:6DRK:JXEJ:KBM4:255X:NSAA:MUSF:E4VM:ZI6W:CUN2:L4Z6:LSF4",
            kty: "EC",
            x: "3gAwX48IQ5oaYQAYSxor6rYYc_6yjuLCjtQ9LUakg4A",
            y: "t72ge6kIA1XOjqjVoEOiPPAURltJFBMGDSQvEGVB010",
          },
          alg: "ES256",
        },
        signature: "XREm0L8WNn27Ga_iE_vRnTxVMhhYY0Zst_FfkKopg6gWSoTOZTuW4rK0fg_IqnKkEKlbD83tD46LKEGi5aIVFg",
        protected:
          "eyJmb3JtYXRMZW5ndGgiOjY2MjgsImZvcm1hdFRhaWwiOiJDbjAiLCJ0aW1lIjoiMjAxNS0wNC0wOFQxODo1Mjo1OVoifQ",
      },
    ];
  }
  return {
    body: Buffer.from(JSON.stringify(manifest, null, 3)),
    mediaType: signed ? MediaType.dockerSchema1Signed : MediaType.dockerSchema1,
  };
}

/** Different bytes under the same meaning: re-indented JSON, or the last byte flipped. */
export function tamper(body: Buffer): Buffer {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    const again = Buffer.from(JSON.stringify(parsed, null, 2));
    if (!again.equals(body)) return again;
  } catch {
    // not JSON
  }
  const copy = Buffer.from(body.length > 0 ? body : Buffer.from("x"));
  copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 0xff;
  return copy;
}

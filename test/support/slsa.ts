/**
 * In-toto statements shaped like the ones BuildKit writes (moby/buildkit
 * docs/attestations/slsa-definitions.md: SLSA provenance v0.2 and v1) and an SPDX SBOM statement,
 * for the image manifest `subjectDigest`. Values are given by the test; nothing here is a recording.
 */
export interface SlsaSpec {
  subjectDigest: string;
  builderId?: string;
  /** Git URL of the build context, e.g. https://github.com/docker-library/python.git#refs/heads/master */
  sourceUri: string;
  /** The context's commit (sha1). */
  sourceCommit: string;
  /** The Dockerfile path (v0.2 entryPoint, v1 path). */
  dockerfile: string;
  /** Base images: pkg:docker URIs with their sha256. */
  materials: { uri: string; sha256: string }[];
  startedOn: string;
  finishedOn: string;
}

function subject(digest: string): { name: string; digest: { sha256: string } }[] {
  return [{ name: "pkg:docker/from-lens-test@latest", digest: { sha256: digest.replace(/^sha256:/, "") } }];
}

export function slsaV02Statement(s: SlsaSpec): unknown {
  return {
    _type: "https://in-toto.io/Statement/v0.1",
    predicateType: "https://slsa.dev/provenance/v0.2",
    subject: subject(s.subjectDigest),
    predicate: {
      builder: { id: s.builderId ?? "" },
      buildType: "https://mobyproject.org/buildkit@v1",
      materials: s.materials.map((m) => ({ uri: m.uri, digest: { sha256: m.sha256 } })),
      invocation: {
        configSource: { uri: s.sourceUri, digest: { sha1: s.sourceCommit }, entryPoint: s.dockerfile },
        parameters: { frontend: "dockerfile.v0", args: {}, locals: [] },
        environment: { platform: "linux/amd64" },
      },
      metadata: {
        buildInvocationID: "uw4fgbwjg9rw4cfi1np9k8chb",
        buildStartedOn: s.startedOn,
        buildFinishedOn: s.finishedOn,
        completeness: { parameters: true, environment: true, materials: false },
        reproducible: false,
      },
    },
  };
}

export function slsaV1Statement(s: SlsaSpec): unknown {
  return {
    _type: "https://in-toto.io/Statement/v0.1",
    predicateType: "https://slsa.dev/provenance/v1",
    subject: subject(s.subjectDigest),
    predicate: {
      buildDefinition: {
        buildType: "https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md",
        externalParameters: {
          configSource: { uri: s.sourceUri, digest: { sha1: s.sourceCommit }, path: s.dockerfile },
          request: { frontend: "dockerfile.v0", args: {} },
        },
        internalParameters: { platform: "linux/amd64" },
        resolvedDependencies: s.materials.map((m) => ({ uri: m.uri, digest: { sha256: m.sha256 } })),
      },
      runDetails: {
        builder: { id: s.builderId ?? "" },
        metadata: {
          invocationID: "uw4fgbwjg9rw4cfi1np9k8chb",
          startedOn: s.startedOn,
          finishedOn: s.finishedOn,
        },
      },
    },
  };
}

export function spdxStatement(subjectDigest: string): unknown {
  return {
    _type: "https://in-toto.io/Statement/v0.1",
    predicateType: "https://spdx.dev/Document",
    subject: subject(subjectDigest),
    predicate: { spdxVersion: "SPDX-2.3", SPDXID: "SPDXRef-DOCUMENT", name: "sbom", packages: [] },
  };
}

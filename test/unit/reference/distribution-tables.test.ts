/**
 * parseReference against the test tables of distribution/reference (reference_test.go and
 * normalize_test.go at github.com/distribution/reference @ 0965666), ported case for case.
 *
 * reference_test.go tests the non-normalising Parse; parseReference normalises like
 * ParseNormalizedNamed, so its expectations are written in normalised form (`test_com` is
 * `docker.io/library/test_com`). Go errors map to codes: ErrNameEmpty → empty,
 * ErrNameContainsUppercase → uppercase-repository, ErrNameTooLong → name-too-long,
 * digest.ErrDigestInvalidLength → invalid-digest-length, digest.ErrDigestUnsupported →
 * unsupported-digest-algorithm; ErrReferenceInvalidFormat becomes the code of the part at fault.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  familiar,
  familiarName,
  formatReference,
  isValidTag,
  parseReference,
  withDigest,
  type Reference,
  type ReferenceErrorCode,
} from "../../../server/src/reference";

const F64 = "f".repeat(64);

function parsed(text: string): Reference {
  const result = parseReference(text);
  if (!result.ok)
    assert.fail(`expected ${JSON.stringify(text)} to parse, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function rejected(text: string): ReferenceErrorCode {
  const result = parseReference(text);
  if (result.ok)
    assert.fail(`expected ${JSON.stringify(text)} to be rejected, got ${JSON.stringify(result.value)}`);
  return result.error.code;
}

function label(text: string): string {
  return JSON.stringify(text.length > 70 ? `${text.slice(0, 67)}…` : text);
}

describe("reference_test.go TestReferenceParse, normalised", () => {
  // [input, canonical form or error code]
  const cases: [string, string | { error: ReferenceErrorCode }][] = [
    ["test_com", "docker.io/library/test_com"],
    ["test.com:tag", "docker.io/library/test.com:tag"],
    ["test.com:5000", "docker.io/library/test.com:5000"],
    ["test.com/repo:tag", "test.com/repo:tag"],
    ["test:5000/repo", "test:5000/repo"],
    ["test:5000/repo:tag", "test:5000/repo:tag"],
    [`test:5000/repo@sha256:${F64}`, `test:5000/repo@sha256:${F64}`],
    [`test:5000/repo:tag@sha256:${F64}`, `test:5000/repo:tag@sha256:${F64}`],
    ["", { error: "empty" }],
    [":justtag", { error: "invalid-repository" }],
    [`@sha256:${F64}`, { error: "invalid-repository" }],
    [`repo@sha256:${"f".repeat(34)}`, { error: "invalid-digest-length" }],
    [`validname@invaliddigest:${F64}`, { error: "unsupported-digest-algorithm" }],
    // The Go test expects ErrDigestUnsupported only because it does not import crypto/sha512;
    // go-digest registers sha512 and every real client links it, so it is valid here.
    [`validname@sha512:${"f".repeat(128)}`, `docker.io/library/validname@sha512:${"f".repeat(128)}`],
    ["Uppercase:tag", { error: "uppercase-repository" }],
    ["test:5000/Uppercase/lowercase:tag", { error: "uppercase-repository" }],
    ["lowercase:Uppercase", "docker.io/library/lowercase:Uppercase"],
    [`domain/${"a".repeat(256)}:tag`, { error: "name-too-long" }],
    // 255 characters of path exactly: on Docker Hub the whole text is the repository path.
    [`${"a/".repeat(127)}a:tag-puts-this-over-max`, `docker.io/${"a/".repeat(127)}a:tag-puts-this-over-max`],
    ["aa/asdf$$^/aa", { error: "invalid-repository" }],
    ["sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com/bar/baz/quux"],
    ["sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com/bar/baz/quux:some-long-tag"],
    [
      "b.gcr.io/test.example.com/my-app:test.example.com",
      "b.gcr.io/test.example.com/my-app:test.example.com",
    ],
    ["xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com/myimage:xn--n3h.com"],
    [`xn--7o8h.com/myimage:xn--7o8h.com@sha256:${F64}`, `xn--7o8h.com/myimage:xn--7o8h.com@sha256:${F64}`],
    ["foo_bar.com:8080", "docker.io/library/foo_bar.com:8080"],
    ["foo/foo_bar.com:8080", "docker.io/foo/foo_bar.com:8080"],
    ["192.168.1.1", "docker.io/library/192.168.1.1"],
    ["192.168.1.1:tag", "docker.io/library/192.168.1.1:tag"],
    ["192.168.1.1:5000", "docker.io/library/192.168.1.1:5000"],
    ["192.168.1.1/repo", "192.168.1.1/repo"],
    ["192.168.1.1:5000/repo", "192.168.1.1:5000/repo"],
    ["192.168.1.1:5000/repo:5050", "192.168.1.1:5000/repo:5050"],
    ["[2001:db8::1]", { error: "invalid-repository" }],
    ["[2001:db8::1]:5000", { error: "invalid-repository" }],
    ["[2001:db8::1]:tag", { error: "invalid-repository" }],
    ["[2001:db8::1]/repo", "[2001:db8::1]/repo"],
    ["[2001:db8:1:2:3:4:5:6]/repo:tag", "[2001:db8:1:2:3:4:5:6]/repo:tag"],
    ["[2001:db8::1]:5000/repo", "[2001:db8::1]:5000/repo"],
    ["[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000/repo:tag"],
    [`[2001:db8::1]:5000/repo@sha256:${F64}`, `[2001:db8::1]:5000/repo@sha256:${F64}`],
    [`[2001:db8::1]:5000/repo:tag@sha256:${F64}`, `[2001:db8::1]:5000/repo:tag@sha256:${F64}`],
    ["[2001:db8::]:5000/repo", "[2001:db8::]:5000/repo"],
    ["[::1]:5000/repo", "[::1]:5000/repo"],
    ["[fe80::1%eth0]:5000/repo", { error: "invalid-registry" }],
    ["[fe80::1%@invalidzone]:5000/repo", { error: "invalid-repository" }],
    [`example.com/${"a".repeat(255)}:tag`, `example.com/${"a".repeat(255)}:tag`],
  ];
  for (const [input, expected] of cases) {
    if (typeof expected === "string") {
      it(`reads ${label(input)} as ${label(expected)}`, () => {
        assert.equal(formatReference(parsed(input)), expected);
      });
    } else {
      it(`rejects ${label(input)} with ${expected.error}`, () => {
        assert.equal(rejected(input), expected.error);
      });
    }
  }

  it("splits registry and repository where distribution's Domain and Path do", () => {
    assert.deepEqual(parsed(`[2001:db8::1]:5000/repo:tag@sha256:${F64}`), {
      registry: "[2001:db8::1]:5000",
      repository: "repo",
      tag: "tag",
      digest: `sha256:${F64}`,
    });
    assert.deepEqual(parsed("test:5000/repo"), { registry: "test:5000", repository: "repo" });
    assert.deepEqual(parsed("192.168.1.1:5000/repo:5050"), {
      registry: "192.168.1.1:5000",
      repository: "repo",
      tag: "5050",
    });
  });
});

describe("reference_test.go TestDomainAndPath / TestSerialization names", () => {
  const cases: [string, string, string][] = [
    ["test.com/foo", "test.com", "foo"],
    ["test:8080/foo", "test:8080", "foo"],
    ["test.com:8080/foo", "test.com:8080", "foo"],
    ["test-com:8080/foo", "test-com:8080", "foo"],
    ["xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo"],
    ["example.com:8000/named", "example.com:8000", "named"],
    ["example.com:8000/named:tagged", "example.com:8000", "named"],
    [
      "other.com/named@sha256:1234567890098765432112345667890098765432112345667890098765432112",
      "other.com",
      "named",
    ],
  ];
  for (const [input, registry, repository] of cases) {
    it(`finds registry ${registry} and repository ${repository} in ${label(input)}`, () => {
      const ref = parsed(input);
      assert.equal(ref.registry, registry);
      assert.equal(ref.repository, repository);
    });
  }
});

describe("reference_test.go TestWithDigest, with full digest validation", () => {
  const short = "sha256:1234567890098765432112345667890098765";
  const full = "sha256:1234567890098765432112345667890098765432112345667890098765432112";
  const cases: [string, string | undefined, string][] = [
    ["test.com/foo", undefined, `test.com/foo@${full}`],
    ["foo", undefined, `docker.io/library/foo@${full}`],
    ["test.com:8000/foo", undefined, `test.com:8000/foo@${full}`],
    ["test.com:8000/foo", "latest", `test.com:8000/foo:latest@${full}`],
  ];
  for (const [name, tag, combined] of cases) {
    it(`adds the digest to ${name}${tag === undefined ? "" : `:${tag}`}, keeping the tag`, () => {
      const ref = parsed(tag === undefined ? name : `${name}:${tag}`);
      const result = withDigest(ref, full);
      assert.ok(result.ok);
      assert.equal(formatReference(result.value), combined);
    });
  }
  it("rejects the 39-digit sha256 digest Go's WithDigest lets through, since it would not parse back", () => {
    const result = withDigest(parsed("test.com/foo"), short);
    assert.ok(!result.ok);
    assert.equal(result.error.code, "invalid-digest-length");
  });
});

describe("reference_test.go TestParseNamed: canonical text formats back unchanged", () => {
  const canonical = ["test.com/foo", "test:8080/foo", "docker.io/library/foo"];
  const notCanonical = ["test_com/foo", "test.com", "foo", "library/foo", "docker.io/foo"];
  for (const text of canonical) {
    it(`keeps ${text} as is`, () => assert.equal(formatReference(parsed(text)), text));
  }
  for (const text of notCanonical) {
    it(`expands ${text}`, () => assert.notEqual(formatReference(parsed(text)), text));
  }
});

describe("normalize_test.go TestValidateReferenceName", () => {
  const valid = [
    "docker/docker",
    "library/debian",
    "debian",
    "localhost/library/debian",
    "localhost/debian",
    "LOCALDOMAIN/library/debian",
    "LOCALDOMAIN/debian",
    "docker.io/docker/docker",
    "docker.io/library/debian",
    "docker.io/debian",
    "index.docker.io/docker/docker",
    "index.docker.io/library/debian",
    "index.docker.io/debian",
    "127.0.0.1:5000/docker/docker",
    "127.0.0.1:5000/library/debian",
    "127.0.0.1:5000/debian",
    "192.168.0.1",
    "192.168.0.1:80",
    "192.168.0.1:8/debian",
    "192.168.0.2:25000/debian",
    "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
    "[fc00::1]:5000/docker",
    "[fc00::1]:5000/docker/docker",
    "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
    // With a host in front, 64 hex digits are a repository name, not an image ID.
    "docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
    "Docker/docker",
    "DOCKER/docker",
  ];
  const invalid = [
    "https://github.com/docker/docker",
    "docker/Docker",
    "-docker",
    "-docker/docker",
    "-docker.io/docker/docker",
    "docker///docker",
    "docker.io/docker/Docker",
    "docker.io/docker///docker",
    "[fc00::1]",
    "[fc00::1]:5000",
    "fc00::1:5000/debian",
    "[fe80::1%eth0]:5000/debian",
    "[2001:db8:3:4::192.0.2.33]:5000/debian",
    "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
  ];
  for (const text of valid) it(`accepts ${label(text)}`, () => void parsed(text));
  for (const text of invalid) it(`rejects ${label(text)}`, () => void rejected(text));
});

describe("normalize_test.go TestValidateRemoteName", () => {
  const valid = [
    "docker/docker",
    "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
    "docker-rules/docker",
    "docker---rules/docker",
    "doc/docker",
    "d/docker",
    "jess/t",
    "dock__er/docker",
  ];
  const invalid = [
    "docker/Docker",
    "docker///docker",
    "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
    "-docker/docker",
    "docker-/docker",
    "-docker-/docker",
    "____/____",
    "_docker/_docker",
    "dock..er/docker",
    "dock_.er/docker",
    "dock-.er/docker",
    "docker/",
    `${"this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_".repeat(3)}this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker`,
  ];
  for (const text of valid) it(`accepts ${label(text)}`, () => void parsed(text));
  for (const text of invalid) it(`rejects ${label(text)}`, () => void rejected(text));
});

describe("normalize_test.go TestParseRepositoryInfo", () => {
  const cases: {
    remote: string;
    familiar: string;
    full: string;
    ambiguous?: string;
    domain: string;
  }[] = [
    { remote: "fooo", familiar: "localhost/fooo", full: "localhost/fooo", domain: "localhost" },
    { remote: "fooo/bar", familiar: "localhost/fooo/bar", full: "localhost/fooo/bar", domain: "localhost" },
    { remote: "fooo", familiar: "LOCALDOMAIN/fooo", full: "LOCALDOMAIN/fooo", domain: "LOCALDOMAIN" },
    {
      remote: "fooo/bar",
      familiar: "LOCALDOMAIN/fooo/bar",
      full: "LOCALDOMAIN/fooo/bar",
      domain: "LOCALDOMAIN",
    },
    {
      remote: "fooo/bar",
      familiar: "fooo/bar",
      full: "docker.io/fooo/bar",
      ambiguous: "index.docker.io/fooo/bar",
      domain: "docker.io",
    },
    {
      remote: "library/ubuntu",
      familiar: "ubuntu",
      full: "docker.io/library/ubuntu",
      ambiguous: "library/ubuntu",
      domain: "docker.io",
    },
    {
      remote: "nonlibrary/ubuntu",
      familiar: "nonlibrary/ubuntu",
      full: "docker.io/nonlibrary/ubuntu",
      domain: "docker.io",
    },
    {
      remote: "other/library",
      familiar: "other/library",
      full: "docker.io/other/library",
      domain: "docker.io",
    },
    {
      remote: "private/moonbase",
      familiar: "127.0.0.1:8000/private/moonbase",
      full: "127.0.0.1:8000/private/moonbase",
      domain: "127.0.0.1:8000",
    },
    {
      remote: "privatebase",
      familiar: "127.0.0.1:8000/privatebase",
      full: "127.0.0.1:8000/privatebase",
      domain: "127.0.0.1:8000",
    },
    {
      remote: "private/moonbase",
      familiar: "example.com/private/moonbase",
      full: "example.com/private/moonbase",
      domain: "example.com",
    },
    {
      remote: "privatebase",
      familiar: "example.com/privatebase",
      full: "example.com/privatebase",
      domain: "example.com",
    },
    {
      remote: "private/moonbase",
      familiar: "example.com:8000/private/moonbase",
      full: "example.com:8000/private/moonbase",
      domain: "example.com:8000",
    },
    {
      remote: "privatebasee",
      familiar: "example.com:8000/privatebasee",
      full: "example.com:8000/privatebasee",
      domain: "example.com:8000",
    },
    {
      remote: "library/ubuntu-12.04-base",
      familiar: "ubuntu-12.04-base",
      full: "docker.io/library/ubuntu-12.04-base",
      ambiguous: "index.docker.io/library/ubuntu-12.04-base",
      domain: "docker.io",
    },
    {
      remote: "library/foo",
      familiar: "foo",
      full: "docker.io/library/foo",
      ambiguous: "docker.io/foo",
      domain: "docker.io",
    },
    {
      remote: "library/foo/bar",
      familiar: "library/foo/bar",
      full: "docker.io/library/foo/bar",
      domain: "docker.io",
    },
    {
      remote: "store/foo/bar",
      familiar: "store/foo/bar",
      full: "docker.io/store/foo/bar",
      domain: "docker.io",
    },
    { remote: "bar", familiar: "Foo/bar", full: "Foo/bar", domain: "Foo" },
    { remote: "bar", familiar: "FOO/bar", full: "FOO/bar", domain: "FOO" },
  ];
  for (const tc of cases) {
    const texts = [tc.familiar, tc.full, ...(tc.ambiguous === undefined ? [] : [tc.ambiguous])];
    for (const text of texts) {
      it(`reads ${text} as registry ${tc.domain}, repository ${tc.remote}, familiar ${tc.familiar}`, () => {
        const ref = parsed(text);
        assert.equal(ref.registry, tc.domain);
        assert.equal(ref.repository, tc.remote);
        assert.equal(familiarName(ref), tc.familiar);
        assert.equal(formatReference(ref), tc.full);
      });
    }
  }
});

describe("normalize_test.go TestParseReferenceWithTagAndDigest", () => {
  it("keeps both tag and digest, in full and familiar form", () => {
    const shortRef = "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";
    const ref = parsed(shortRef);
    assert.equal(formatReference(ref), `docker.io/library/${shortRef}`);
    assert.equal(ref.tag, "latest");
    assert.equal(ref.digest, "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa");
    assert.equal(familiar(ref), shortRef);
  });
});

describe("normalize_test.go TestInvalidReferenceComponents", () => {
  it("rejects a name starting with a dash, a tag starting with a dash, and a digest without algorithm", () => {
    assert.equal(rejected("-foo"), "invalid-repository");
    assert.equal(isValidTag("-foo"), false);
    const result = withDigest(parsed("busybox"), "foo");
    assert.ok(!result.ok);
    assert.equal(result.error.code, "invalid-digest");
  });
});

describe("normalize_test.go TestParseAnyReference, the named cases", () => {
  const hex = "dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";
  const cases: [string, string][] = [
    ["redis", "docker.io/library/redis"],
    ["redis:latest", "docker.io/library/redis:latest"],
    ["docker.io/library/redis:latest", "docker.io/library/redis:latest"],
    [`redis@sha256:${hex}`, `docker.io/library/redis@sha256:${hex}`],
    [`docker.io/library/redis@sha256:${hex}`, `docker.io/library/redis@sha256:${hex}`],
    ["dmcgowan/myapp", "docker.io/dmcgowan/myapp"],
    ["dmcgowan/myapp:latest", "docker.io/dmcgowan/myapp:latest"],
    ["docker.io/mcgowan/myapp:latest", "docker.io/mcgowan/myapp:latest"],
    [`dmcgowan/myapp@sha256:${hex}`, `docker.io/dmcgowan/myapp@sha256:${hex}`],
    [`docker.io/dmcgowan/myapp@sha256:${hex}`, `docker.io/dmcgowan/myapp@sha256:${hex}`],
    // 63 hex digits are a name, not an ID.
    [hex.slice(0, 63), `docker.io/library/${hex.slice(0, 63)}`],
    ["dbcc1", "docker.io/library/dbcc1"],
    // ParseNormalizedNamed (unlike ParseAnyReference) reads a bare digest as name "sha256", tag <hex>.
    [`sha256:${hex}`, `docker.io/library/sha256:${hex}`],
  ];
  for (const [input, expected] of cases) {
    it(`reads ${label(input)} as ${label(expected)}`, () => {
      assert.equal(formatReference(parsed(input)), expected);
      assert.deepEqual(parsed(expected), parsed(input));
    });
  }
  it("rejects a bare 64-hex image ID, which ParseNormalizedNamed refuses too", () => {
    assert.equal(rejected(hex), "image-id-not-reference");
  });
});

describe("normalize_test.go TestNormalizedSplitHostname", () => {
  const cases: [string, string, string][] = [
    ["test.com/foo", "test.com", "foo"],
    ["test_com/foo", "docker.io", "test_com/foo"],
    ["docker/migrator", "docker.io", "docker/migrator"],
    ["test.com:8080/foo", "test.com:8080", "foo"],
    ["test-com:8080/foo", "test-com:8080", "foo"],
    ["foo", "docker.io", "library/foo"],
    ["xn--n3h.com/foo", "xn--n3h.com", "foo"],
    ["xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo"],
    ["docker.io/foo", "docker.io", "library/foo"],
    ["docker.io/library/foo", "docker.io", "library/foo"],
    ["docker.io/library/foo/bar", "docker.io", "library/foo/bar"],
  ];
  for (const [input, registry, repository] of cases) {
    it(`reads ${input} as registry ${registry}, repository ${repository}`, () => {
      assert.deepEqual(parsed(input), { registry, repository });
    });
  }
});

describe("normalize_test.go TestParseDockerRef, the normalisation part", () => {
  // ParseDockerRef also adds `:latest` and drops the tag when a digest is present; FROM Lens keeps
  // what the user wrote, so only the name normalisation is compared here.
  const digest = "sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582";
  const cases: [string, string][] = [
    ["busybox", "docker.io/library/busybox"],
    ["busybox:latest", "docker.io/library/busybox:latest"],
    [`busybox@${digest}`, `docker.io/library/busybox@${digest}`],
    ["library/busybox", "docker.io/library/busybox"],
    ["docker.io/busybox", "docker.io/library/busybox"],
    ["docker.io/library/busybox", "docker.io/library/busybox"],
    ["docker.io/busybox:latest", "docker.io/library/busybox:latest"],
    ["library/busybox:latest", "docker.io/library/busybox:latest"],
    ["docker.io/library/busybox:latest", "docker.io/library/busybox:latest"],
    ["gcr.io/library/busybox", "gcr.io/library/busybox"],
    [`gcr.io/library/busybox:latest@${digest}`, `gcr.io/library/busybox:latest@${digest}`],
  ];
  for (const [input, expected] of cases) {
    it(`reads ${label(input)} as ${label(expected)}`, () => {
      assert.equal(formatReference(parsed(input)), expected);
    });
  }
});

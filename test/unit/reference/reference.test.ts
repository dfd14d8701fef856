/**
 * parseReference's own behaviour beyond distribution's tables: Docker Hub spellings, the
 * helpers around `Reference`, and the errors an editor shows (code, message, offset).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  apiHost,
  familiar,
  familiarName,
  formatReference,
  hubRepositoryPath,
  isDockerHub,
  isOfficialImageName,
  isValidDigest,
  isValidTag,
  parseReference,
  withDigest,
  withoutDigest,
  type Reference,
  type ReferenceError as ReferenceParseError,
} from "../../../server/src/reference";

const SHA256 = `sha256:${"0123456789abcdef".repeat(4)}`;
const SHA512 = `sha512:${"0123456789abcdef".repeat(8)}`;

function parsed(text: string): Reference {
  const result = parseReference(text);
  if (!result.ok)
    assert.fail(`expected ${JSON.stringify(text)} to parse, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function failure(text: string): ReferenceParseError {
  const result = parseReference(text);
  if (result.ok)
    assert.fail(`expected ${JSON.stringify(text)} to be rejected, got ${JSON.stringify(result.value)}`);
  return result.error;
}

/** The text the error underlines. */
function blamed(text: string): string {
  const error = failure(text);
  assert.ok(error.offset !== undefined && error.length !== undefined, "error has a range");
  return text.slice(error.offset, error.offset + error.length);
}

describe("normalising Docker Hub references", () => {
  it("puts single names under docker.io/library", () => {
    assert.deepEqual(parsed("python:3.12-slim"), {
      registry: "docker.io",
      repository: "library/python",
      tag: "3.12-slim",
    });
  });

  it("puts user/app under docker.io without library/", () => {
    assert.deepEqual(parsed("user/app"), { registry: "docker.io", repository: "user/app" });
  });

  it("treats index.docker.io as docker.io (distribution's only legacy Hub domain)", () => {
    for (const host of ["index.docker.io", "docker.io"]) {
      assert.deepEqual(parsed(`${host}/python:3`), {
        registry: "docker.io",
        repository: "library/python",
        tag: "3",
      });
      assert.deepEqual(parsed(`${host}/user/app`), { registry: "docker.io", repository: "user/app" });
    }
  });

  it("keeps registry-1.docker.io as written, adding no library/ (docker pull asks that host for `python`)", () => {
    assert.deepEqual(parsed("registry-1.docker.io/python:3"), {
      registry: "registry-1.docker.io",
      repository: "python",
      tag: "3",
    });
    assert.deepEqual(parsed("registry-1.docker.io/library/python"), {
      registry: "registry-1.docker.io",
      repository: "library/python",
    });
    assert.equal(familiar(parsed("registry-1.docker.io/python:3")), "registry-1.docker.io/python:3");
    assert.equal(isOfficialImageName(parsed("registry-1.docker.io/library/python")), false);
  });

  it("keeps library/ for nested paths under library", () => {
    assert.equal(parsed("docker.io/library/a/b").repository, "library/a/b");
    assert.equal(familiar(parsed("docker.io/library/a/b")), "library/a/b");
  });

  it("keeps library/ when an official name would read back as a 64-hex image ID", () => {
    // Found by the property test: `docker.io/<64 hex>` is a valid name (distribution only rejects
    // the bare ID), but its familiar form without `library/` would parse as an image ID.
    const hex = "f".repeat(64);
    const ref = parsed(`docker.io/${hex}`);
    assert.deepEqual(ref, { registry: "docker.io", repository: `library/${hex}` });
    assert.equal(familiar(ref), `library/${hex}`);
    assert.equal(familiarName(ref), `library/${hex}`);
    assert.deepEqual(parsed(familiar(ref)), ref);
    assert.equal(familiar(parsed(`${hex}:1`)), `library/${hex}:1`);
  });

  it("takes the first component as a registry only with a dot, a colon, localhost or uppercase", () => {
    assert.equal(parsed("ghcr.io/o/r").registry, "ghcr.io");
    assert.equal(parsed("myhost:5000/r").registry, "myhost:5000");
    assert.equal(parsed("localhost/r").registry, "localhost");
    assert.equal(parsed("MyHost/r").registry, "MyHost");
    assert.equal(parsed("myhost/r").registry, "docker.io");
    assert.equal(parsed("localhost").registry, "docker.io", "a lone localhost is a Hub image name");
    assert.equal(parsed("localhost:5000").tag, "5000", "without a slash, :5000 is a tag");
  });

  it("keeps the registry's spelling, including uppercase and ports", () => {
    assert.equal(
      formatReference(parsed("Registry.Example.COM:443/team/app:1")),
      "Registry.Example.COM:443/team/app:1",
    );
  });

  it("accepts sha256 and sha512 digests, with and without a tag", () => {
    assert.equal(parsed(`python@${SHA256}`).digest, SHA256);
    assert.deepEqual(parsed(`python:3@${SHA512}`), {
      registry: "docker.io",
      repository: "library/python",
      tag: "3",
      digest: SHA512,
    });
  });

  it("leaves tag and digest out of the object when absent, so references compare with deepEqual", () => {
    assert.deepEqual(Object.keys(parsed("python")), ["registry", "repository"]);
  });
});

describe("formatting", () => {
  const cases: [string, string, string][] = [
    ["python:3.12-slim", "docker.io/library/python:3.12-slim", "python:3.12-slim"],
    [`user/app@${SHA256}`, `docker.io/user/app@${SHA256}`, `user/app@${SHA256}`],
    ["ghcr.io/o/r:1", "ghcr.io/o/r:1", "ghcr.io/o/r:1"],
    [`docker.io/library/python:3@${SHA256}`, `docker.io/library/python:3@${SHA256}`, `python:3@${SHA256}`],
    ["index.docker.io/user/app", "docker.io/user/app", "user/app"],
    ["[::1]:5000/a/b:c", "[::1]:5000/a/b:c", "[::1]:5000/a/b:c"],
    ["localhost/app", "localhost/app", "localhost/app"],
    // Kept in full: `my.org/app` alone would read as registry my.org (FamiliarString drops it).
    ["docker.io/my.org/app", "docker.io/my.org/app", "docker.io/my.org/app"],
    ["docker.io/library/my.app", "docker.io/library/my.app", "my.app"],
  ];
  for (const [input, full, short] of cases) {
    it(`formats ${input} as ${full} in full and ${short} familiarly`, () => {
      const ref = parsed(input);
      assert.equal(formatReference(ref), full);
      assert.equal(familiar(ref), short);
    });
  }

  it("gives the familiar name without tag or digest", () => {
    assert.equal(familiarName(parsed(`python:3@${SHA256}`)), "python");
    assert.equal(familiarName(parsed("ghcr.io/o/r:1")), "ghcr.io/o/r");
  });

  it("adds no default tag", () => {
    assert.equal(formatReference(parsed("python")), "docker.io/library/python");
  });
});

describe("withDigest and withoutDigest", () => {
  it("adds a digest after the tag", () => {
    const result = withDigest(parsed("python:3.12"), SHA256);
    assert.ok(result.ok);
    assert.equal(familiar(result.value), `python:3.12@${SHA256}`);
  });

  it("replaces an existing digest", () => {
    const result = withDigest(parsed(`python@${SHA256}`), SHA512);
    assert.ok(result.ok);
    assert.equal(result.value.digest, SHA512);
  });

  it("does not modify the reference it was given", () => {
    const ref = parsed("python:3.12");
    withDigest(ref, SHA256);
    assert.deepEqual(ref, parsed("python:3.12"));
  });

  it("rejects digests that would not parse back, with the same codes as parseReference", () => {
    const cases: [string, string][] = [
      [`sha256:${"a".repeat(63)}`, "invalid-digest-length"],
      [`sha256:${"A".repeat(64)}`, "invalid-digest"],
      [`md5:${"a".repeat(32)}`, "unsupported-digest-algorithm"],
      [`sha384:${"a".repeat(96)}`, "unsupported-digest-algorithm"],
      ["sha256", "invalid-digest"],
      ["", "invalid-digest"],
    ];
    for (const [digest, code] of cases) {
      const result = withDigest(parsed("python"), digest);
      assert.ok(!result.ok, digest);
      assert.equal(result.error.code, code, digest);
    }
  });

  it("removes the digest and keeps the tag", () => {
    assert.deepEqual(withoutDigest(parsed(`python:3@${SHA256}`)), parsed("python:3"));
    assert.deepEqual(withoutDigest(parsed(`python@${SHA256}`)), parsed("python"));
  });
});

describe("Docker Hub helpers", () => {
  it("recognises Docker Hub references", () => {
    assert.equal(isDockerHub(parsed("python")), true);
    assert.equal(isDockerHub(parsed("index.docker.io/user/app")), true);
    assert.equal(isDockerHub(parsed("registry-1.docker.io/user/app")), false);
    assert.equal(isDockerHub(parsed("ghcr.io/o/r")), false);
    assert.equal(isDockerHub(parsed("docker.io.example.com/o/r")), false);
  });

  it("sends Docker Hub API calls to registry-1.docker.io and others to the registry itself", () => {
    assert.equal(apiHost("docker.io"), "registry-1.docker.io");
    assert.equal(apiHost("index.docker.io"), "registry-1.docker.io");
    assert.equal(apiHost("ghcr.io"), "ghcr.io");
    assert.equal(apiHost("localhost:5000"), "localhost:5000");
    assert.equal(apiHost("[::1]:5000"), "[::1]:5000");
  });

  it("gives the Hub repository path only for Hub references", () => {
    assert.equal(hubRepositoryPath(parsed("python:3")), "library/python");
    assert.equal(hubRepositoryPath(parsed("user/app")), "user/app");
    assert.equal(hubRepositoryPath(parsed("ghcr.io/o/r")), undefined);
  });

  it("calls only single-name docker.io/library images official", () => {
    assert.equal(isOfficialImageName(parsed("python")), true);
    assert.equal(isOfficialImageName(parsed("docker.io/library/python:3")), true);
    assert.equal(isOfficialImageName(parsed("library/a/b")), false);
    assert.equal(isOfficialImageName(parsed("user/python")), false);
    assert.equal(isOfficialImageName(parsed("ghcr.io/library/python")), false);
  });
});

describe("tag and digest validators", () => {
  it("accepts valid tags and rejects invalid ones", () => {
    assert.equal(isValidTag("3.12-slim"), true);
    assert.equal(isValidTag("x".repeat(129)), false);
    assert.equal(isValidTag("a/b"), false);
  });

  it("accepts only supported, correctly sized, lowercase digests", () => {
    assert.equal(isValidDigest(SHA256), true);
    assert.equal(isValidDigest(SHA512), true);
    assert.equal(isValidDigest(SHA256.toUpperCase()), false);
    assert.equal(isValidDigest(`${SHA256}0`), false);
  });
});

describe("errors for the editor", () => {
  it("says repositories must be lowercase and suggests the lowercase name", () => {
    const error = failure("Python:3.12");
    assert.equal(error.code, "uppercase-repository");
    assert.equal(error.message, "Repository names must be lowercase: use `python`, not `Python`.");
    assert.equal(blamed("Python:3.12"), "Python");
    assert.equal(blamed("ghcr.io/owner/MyApp:1"), "MyApp");
    assert.match(failure("ghcr.io/owner/MyApp:1").message, /use `owner\/myapp`, not `owner\/MyApp`/);
  });

  it("rejects a bare image ID and says to use a name", () => {
    const error = failure("a".repeat(64));
    assert.equal(error.code, "image-id-not-reference");
    assert.match(error.message, /image ID/);
  });

  it("says an empty reference is empty", () => {
    assert.equal(failure("").code, "empty");
  });

  it("points at whitespace, including a trailing carriage return or newline", () => {
    for (const text of ["python ", " python", "python\r", "python\n", "py thon:3"]) {
      const error = failure(text);
      assert.equal(error.code, "contains-whitespace", JSON.stringify(text));
      assert.match(text.slice(error.offset), /^\s/);
    }
  });

  it("underlines an invalid tag and explains the tag rules", () => {
    assert.equal(failure("python:3~rc").code, "invalid-tag");
    assert.equal(blamed("python:3~rc"), "3~rc");
    assert.match(failure("python:.x").message, /can't start with `\.` or `-`/);
    assert.match(failure(`python:${"x".repeat(129)}`).message, /129 characters long; tags are at most 128/);
    assert.match(failure("python:").message, /tag after `:` is empty/);
  });

  it("underlines the bad path component", () => {
    assert.equal(blamed("library/-python:3"), "-python");
    assert.equal(blamed("ghcr.io/o/bad..name"), "bad..name");
    assert.equal(failure("docker///docker").code, "invalid-repository");
    assert.match(failure("docker///docker").message, /empty component/);
  });

  it("underlines an invalid registry host, with a hint for IPv6 and ports", () => {
    assert.equal(failure("foo_bar.com/app").code, "invalid-registry");
    assert.equal(blamed("foo_bar.com/app"), "foo_bar.com");
    assert.match(failure("fc00::1:5000/debian").message, /brackets/);
    assert.match(failure("[fe80::1%eth0]:5000/debian").message, /zone/);
    assert.match(failure("example.com:http/app").message, /port is digits only/);
  });

  it("tells the user to drop a URL scheme", () => {
    const error = failure("https://ghcr.io/o/r");
    assert.match(error.message, /no URL scheme/);
    assert.equal(blamed("https://ghcr.io/o/r"), "https://");
  });

  it("says when the repository is missing", () => {
    assert.equal(failure(":3").code, "invalid-repository");
    assert.match(failure(":3").message, /image name is missing/);
    assert.match(failure("ghcr.io/").message, /missing after the registry|empty component/);
    assert.match(failure("[::1]:5000").message, /looks like a registry address/);
  });

  it("explains digest problems: length, algorithm, case, shape", () => {
    const short = `python@sha256:${"a".repeat(40)}`;
    assert.equal(failure(short).code, "invalid-digest-length");
    assert.match(failure(short).message, /64 hex digits .* this one has 40/);
    assert.equal(blamed(short), `sha256:${"a".repeat(40)}`);
    assert.equal(failure(`python@md5:${"a".repeat(32)}`).code, "unsupported-digest-algorithm");
    assert.equal(blamed(`python@md5:${"a".repeat(32)}`), "md5");
    assert.match(failure(`python@sha256:${"A".repeat(64)}`).message, /lowercase/);
    assert.match(failure(`python@SHA256:${"a".repeat(64)}`).message, /write `sha256:`/);
    assert.equal(failure("python@latest").code, "invalid-digest");
    assert.equal(failure("python@").code, "invalid-digest");
  });

  it("says the repository path is too long, counting library/ on Docker Hub", () => {
    assert.equal(parsed("a".repeat(247)).repository.length, 255);
    const error = failure("a".repeat(248));
    assert.equal(error.code, "name-too-long");
    assert.match(error.message, /256 characters long; registries accept at most 255/);
  });

  it("shortens long input quoted in messages", () => {
    const error = failure(`ghcr.io/o/${"x".repeat(500)}!`);
    assert.ok(error.message.length < 300, error.message);
    assert.match(error.message, /…`/);
  });

  it("never throws, and gives a non-empty message and an in-range offset, for odd input", () => {
    const odd = [
      "\u0000",
      "\uD800",
      "😀/x",
      "@@@",
      ":::",
      "///",
      "[",
      "]",
      "[]/a",
      "a@b@c",
      "a:b:c",
      "%",
      "\\",
    ];
    for (const text of odd) {
      const error = failure(text);
      assert.ok(error.message.length > 0);
      assert.ok(error.offset === undefined || (error.offset >= 0 && error.offset <= text.length));
    }
  });
});

describe("parsing the same text again", () => {
  it("answers from memory with a frozen result no caller can change", () => {
    const first = parseReference("python:3.12-slim");
    assert.equal(parseReference("python:3.12-slim"), first, "the same answer, not parsed again");
    assert.ok(Object.isFrozen(first));
    assert.ok(first.ok && Object.isFrozen(first.value));
    const bad = parseReference("Python");
    assert.ok(!bad.ok && Object.isFrozen(bad.error));
    assert.throws(() => {
      (first as { ok: boolean }).ok = false;
    }, TypeError);
  });
});

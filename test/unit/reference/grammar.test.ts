/**
 * The named regex pieces in grammar.ts, checked against the tables of distribution/reference's
 * regexp_test.go (TestDomainRegexp, TestFullNameRegexp, TestReferenceRegexp,
 * TestIdentifierRegexp), ported case for case from github.com/distribution/reference @ 0965666.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  anchoredDomainRegexp,
  anchoredIdentifierRegexp,
  anchoredNameRegexp,
  anchoredPathComponentRegexp,
  anchoredTagRegexp,
  anchoredDigestRegexp,
  referenceRegexp,
} from "../../../server/src/reference/grammar";

/** Go's FindStringSubmatch: whole match first, "" for groups that did not take part. */
function submatches(re: RegExp, input: string): string[] | undefined {
  const m = re.exec(input);
  return m === null ? undefined : Array.from(m, (s) => s ?? "");
}

describe("domain regexp (regexp_test.go TestDomainRegexp)", () => {
  const cases: [string, boolean][] = [
    ["test.com", true],
    ["test.com:10304", true],
    ["test.com:http", false],
    ["localhost", true],
    ["localhost:8080", true],
    ["a", true],
    ["a.b", true],
    ["ab.cd.com", true],
    ["a-b.com", true],
    ["-ab.com", false],
    ["ab-.com", false],
    ["ab.c-om", true],
    ["ab.-com", false],
    ["ab.com-", false],
    ["0101.com", true],
    ["001a.com", true],
    ["b.gbc.io:443", true],
    ["b.gbc.io", true],
    ["xn--n3h.com", true], // ☃.com in punycode
    ["Asdf.com", true], // uppercase is allowed in hosts
    ["192.168.1.1:75050", true],
    ["192.168.1.1:750050", true], // port range is not the grammar's business
    ["[fd00:1:2::3]:75050", true],
    ["[fd00:1:2::3]75050", false],
    ["[fd00:1:2::3]::75050", false],
    ["[fd00:1:2::3%eth0]:75050", false], // zone identifiers are excluded
    ["[fd00123123123]:75050", true],
    ["[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:75050", true],
    ["[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:750505", true],
    ["fd00:1:2::3:75050", false], // IPv6 needs brackets
  ];
  for (const [input, match] of cases) {
    it(`${match ? "accepts" : "rejects"} ${input}`, () => {
      assert.equal(anchoredDomainRegexp.test(input), match);
    });
  }
});

describe("anchored name regexp (regexp_test.go TestFullNameRegexp)", () => {
  // [input, [domain, remote-name]] or [input, undefined] for no match. Rows without subs in the
  // Go table are given `true` (match, captures unchecked).
  const cases: [string, [string, string] | true | undefined][] = [
    ["", undefined],
    ["short", ["", "short"]],
    ["simple/name", ["simple", "name"]],
    ["library/ubuntu", ["library", "ubuntu"]],
    ["docker/stevvooe/app", ["docker", "stevvooe/app"]],
    ["aa/aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb", ["aa", "aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb"]],
    ["aa/aa/bb/bb/bb", ["aa", "aa/bb/bb/bb"]],
    ["a/a/a/a", ["a", "a/a/a"]],
    ["a/a/a/a/", undefined],
    ["a//a/a", undefined],
    ["a", ["", "a"]],
    ["a/aa", ["a", "aa"]],
    ["a/aa/a", ["a", "aa/a"]],
    ["foo.com", ["", "foo.com"]],
    ["foo.com/", undefined],
    ["foo.com:8080/bar", ["foo.com:8080", "bar"]],
    ["foo.com:http/bar", undefined],
    ["foo.com/bar", ["foo.com", "bar"]],
    ["foo.com/bar/baz", ["foo.com", "bar/baz"]],
    ["localhost:8080/bar", ["localhost:8080", "bar"]],
    ["sub-dom1.foo.com/bar/baz/quux", ["sub-dom1.foo.com", "bar/baz/quux"]],
    ["blog.foo.com/bar/baz", ["blog.foo.com", "bar/baz"]],
    ["a^a", undefined],
    ["aa/asdf$$^/aa", undefined],
    ["asdf$$^/aa", undefined],
    ["aa-a/a", ["aa-a", "a"]],
    ["a/".repeat(128) + "a", ["a", "a/".repeat(127) + "a"]],
    ["a-/a/a/a", undefined],
    ["foo.com/a-/a/a", undefined],
    ["-foo/bar", undefined],
    ["foo/bar-", undefined],
    ["foo-/bar", undefined],
    ["foo/-bar", undefined],
    ["_foo/bar", undefined],
    ["foo_bar", ["", "foo_bar"]],
    ["foo_bar.com", ["", "foo_bar.com"]],
    ["foo_bar.com:8080", undefined],
    ["foo_bar.com:8080/app", undefined],
    ["foo.com/foo_bar", ["foo.com", "foo_bar"]],
    ["____/____", undefined],
    ["_docker/_docker", undefined],
    ["docker_/docker_", undefined],
    ["b.gcr.io/test.example.com/my-app", ["b.gcr.io", "test.example.com/my-app"]],
    ["xn--n3h.com/myimage", ["xn--n3h.com", "myimage"]],
    ["xn--7o8h.com/myimage", ["xn--7o8h.com", "myimage"]],
    ["example.com/xn--7o8h.com/myimage", ["example.com", "xn--7o8h.com/myimage"]],
    ["example.com/some_separator__underscore/myimage", ["example.com", "some_separator__underscore/myimage"]],
    ["example.com/__underscore/myimage", undefined],
    ["example.com/..dots/myimage", undefined],
    ["example.com/.dots/myimage", undefined],
    ["example.com/nodouble..dots/myimage", undefined],
    ["docker./docker", undefined],
    [".docker/docker", undefined],
    ["docker-/docker", undefined],
    ["-docker/docker", undefined],
    ["do..cker/docker", undefined],
    ["do__cker:8080/docker", undefined],
    ["do__cker/docker", ["", "do__cker/docker"]],
    [
      "registry.io/foo/project--id.module--name.ver---sion--name",
      ["registry.io", "foo/project--id.module--name.ver---sion--name"],
    ],
    ["Asdf.com/foo/bar", true], // uppercase in the host is allowed
    ["Foo/FarB", undefined], // uppercase in the path is not
  ];
  for (const [input, expected] of cases) {
    it(`${expected === undefined ? "rejects" : "matches"} ${JSON.stringify(input.slice(0, 60))}`, () => {
      const subs = submatches(anchoredNameRegexp, input);
      if (expected === undefined) {
        assert.equal(subs, undefined);
      } else {
        assert.ok(subs !== undefined, `expected a match for ${input}`);
        assert.equal(subs[0], input);
        if (expected !== true) assert.deepEqual(subs.slice(1), expected);
      }
    });
  }
  it("has exactly two capture groups", () => {
    assert.equal(submatches(anchoredNameRegexp, "a/b")?.length, 3);
  });
});

describe("reference regexp (regexp_test.go TestReferenceRegexp)", () => {
  const hex = "be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912";
  const cases: [string, [string, string, string] | undefined][] = [
    ["registry.com:8080/myapp:tag", ["registry.com:8080/myapp", "tag", ""]],
    [`registry.com:8080/myapp@sha256:${hex}`, ["registry.com:8080/myapp", "", `sha256:${hex}`]],
    [`registry.com:8080/myapp:tag2@sha256:${hex}`, ["registry.com:8080/myapp", "tag2", `sha256:${hex}`]],
    ["registry.com:8080/myapp@sha256:badbadbadbad", undefined],
    ["registry.com:8080/myapp:invalid~tag", undefined],
    ["bad_hostname.com:8080/myapp:tag", undefined],
    // localhost without a slash is a name, and 8080 its tag
    [`localhost:8080@sha256:${hex}`, ["localhost", "8080", `sha256:${hex}`]],
    [`localhost:8080/name@sha256:${hex}`, ["localhost:8080/name", "", `sha256:${hex}`]],
    [`localhost:http/name@sha256:${hex}`, undefined],
    [`localhost@sha256:${hex}`, ["localhost", "", `sha256:${hex}`]],
    ["registry.com:8080/myapp@bad", undefined],
    ["registry.com:8080/myapp@2bad", undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${expected === undefined ? "rejects" : "splits"} ${input}`, () => {
      const subs = submatches(referenceRegexp, input);
      if (expected === undefined) {
        assert.equal(subs, undefined);
      } else {
        assert.deepEqual(subs, [input, ...expected]);
      }
    });
  }
});

describe("identifier regexp (regexp_test.go TestIdentifierRegexp)", () => {
  const cases: [string, boolean][] = [
    ["da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821", true],
    ["7EC43B381E5AEFE6E04EFB0B3F0693FF2A4A50652D64AEC573905F2DB5889A1C", false],
    ["da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf", false],
    ["sha256:da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821", false],
    ["da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf98218482", false],
  ];
  for (const [input, match] of cases) {
    it(`${match ? "matches" : "rejects"} ${input}`, () => {
      assert.equal(anchoredIdentifierRegexp.test(input), match);
    });
  }
});

describe("grammar pieces beyond distribution's tables", () => {
  it("accepts tags of 1 to 128 word characters, dots and dashes, not starting with . or -", () => {
    assert.ok(anchoredTagRegexp.test("a"));
    assert.ok(anchoredTagRegexp.test("_"));
    assert.ok(anchoredTagRegexp.test("3.12-slim-bookworm"));
    assert.ok(anchoredTagRegexp.test("A".repeat(128)));
    assert.ok(!anchoredTagRegexp.test("A".repeat(129)));
    assert.ok(!anchoredTagRegexp.test(".hidden"));
    assert.ok(!anchoredTagRegexp.test("-dash"));
    assert.ok(!anchoredTagRegexp.test(""));
    assert.ok(!anchoredTagRegexp.test("é"), "\\w is ASCII-only, as in Go");
  });

  it("accepts path components joined by one dot, one or two underscores, or dashes", () => {
    for (const ok of ["a", "a.b", "a_b", "a__b", "a-b", "a---b", "a1.b2_c3__d4-e5"]) {
      assert.ok(anchoredPathComponentRegexp.test(ok), ok);
    }
    for (const bad of ["a..b", "a___b", "a._b", "a.", "_a", "A", "a/b", ""]) {
      assert.ok(!anchoredPathComponentRegexp.test(bad), bad);
    }
  });

  it("accepts digests with an algorithm grammar and at least 32 hex digits", () => {
    assert.ok(anchoredDigestRegexp.test(`sha256:${"a".repeat(64)}`));
    assert.ok(anchoredDigestRegexp.test(`multihash+base58.v2:${"A".repeat(32)}`));
    assert.ok(!anchoredDigestRegexp.test(`sha256:${"a".repeat(31)}`));
    assert.ok(!anchoredDigestRegexp.test(`2sha:${"a".repeat(32)}`));
    assert.ok(!anchoredDigestRegexp.test(`sha256:${"g".repeat(64)}`));
  });

  it("never lets a trailing newline or carriage return through the anchors", () => {
    assert.ok(!referenceRegexp.test("python\n"));
    assert.ok(!referenceRegexp.test("python\r"));
    assert.ok(!anchoredTagRegexp.test("latest\n"));
    assert.ok(!anchoredDomainRegexp.test("example.com\r\n"));
  });
});

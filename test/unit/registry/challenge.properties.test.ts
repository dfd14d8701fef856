/**
 * Property tests (fast-check) for challenge.ts: WWW-Authenticate challenges.
 * A registry that lies (junk bytes, JSON of the wrong shape, absurd numbers, hostile headers)
 * must never make a parser throw or return a wrong-typed value, and valid documents built by
 * generators must read back as what was put in.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { fuzzParameters } from "../../support/fuzz";
import {
  parseChallenges,
  pickChallenge,
  toBearerChallenge,
  type Challenge,
} from "../../../server/src/registry/auth/challenge";
import { splitScopes } from "../../../server/src/registry/auth/scope";
import {
  LOWER_DIGITS,
  PROTOTYPE_NAMES,
  TCHARS,
  TOKEN68_CHARS,
  assertOptionalString,
  bws,
  casings,
  chars,
  isPlainRecord,
  junkText,
  ows,
  token,
} from "../../support/arbitraries";

function assertChallenges(list: Challenge[]): void {
  assert.ok(Array.isArray(list));
  for (const c of list) {
    assert.ok(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(c.scheme), `scheme ${JSON.stringify(c.scheme)}`);
    assert.ok(isPlainRecord(c.params));
    for (const [k, v] of Object.entries(c.params)) {
      assert.ok(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(k), `parameter name ${JSON.stringify(k)}`);
      assert.equal(typeof v, "string", `parameter ${k}`);
    }
    if (c.token68 !== undefined) {
      assert.ok(/^[A-Za-z0-9\-._~+/]*=*$/.test(c.token68) && c.token68 !== "", `token68 ${c.token68}`);
      assert.deepEqual(Object.keys(c.params), [], "a token68 challenge with parameters");
    }
  }
  const picked = pickChallenge(list);
  assert.equal(picked === undefined, list.length === 0);
  if (picked !== undefined) assert.ok(list.includes(picked));
  for (const c of list) {
    const b = toBearerChallenge(c);
    if (b === undefined) continue;
    assert.equal(c.scheme, "bearer");
    assert.ok(typeof b.realm === "string" && b.realm !== "");
    assertOptionalString(b.service, "service");
    assertOptionalString(b.error, "error");
    for (const s of b.scopes) assert.ok(s !== "" && !/\s/.test(s), `scope ${JSON.stringify(s)}`);
  }
}

/** Text made of the pieces challenges are made of, so that much of it is nearly valid. */
const challengeLike = fc
  .array(
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom("Bearer", "Basic", "Negotiate", "realm", "service", "scope", "a"),
      },
      { weight: 4, arbitrary: fc.constantFrom(" ", "\t", ",", "=", '"', "\\", "==", '="', '",', "\r\n") },
      {
        weight: 2,
        arbitrary: fc.constantFrom("https://auth.example/token", "repository:a/b:pull,push", "x y"),
      },
      { weight: 1, arbitrary: junkText },
    ),
    { maxLength: 25 },
  )
  .map((parts) => parts.join(""));

type GenBody =
  | { kind: "none" }
  | { kind: "token68"; token68: string }
  | { kind: "params"; leadingComma: boolean; params: { name: string; value: string; wire: string }[] };

interface GenChallenge {
  scheme: string;
  body: GenBody;
}

const listSep = fc.tuple(ows, fc.constantFrom(",", ",", ",,", ", ,"), ows).map((p) => p.join(""));

const scheme = fc.oneof(
  fc.constantFrom("Bearer", "Basic", "Negotiate", "NTLM", "Digest", "bearer", "BASIC"),
  token(TCHARS),
);

/**
 * Parameter names that are Object.prototype members have a property of their own ("names that
 * are also Object.prototype members"), so a failure there does not stop this round trip from
 * finding other bugs (fast-check's string bias produces `__proto__` and `constructor` often).
 */
const paramName = fc
  .oneof(fc.constantFrom("realm", "service", "scope", "error", "Realm", "SCOPE"), token(TCHARS))
  .filter((n) => !PROTOTYPE_NAMES.includes(n.toLowerCase()));

const quotedValue = fc
  .oneof(
    fc.string({ unit: "binary", maxLength: 30 }),
    fc.constantFrom("https://auth.docker.io/token", "repository:samalba/my-app:pull,push", 'a "b" \\ c', ""),
  )
  .chain((value) => bws.map((b) => ({ value, wire: `${b}"${value.replace(/[\\"]/g, (m) => `\\${m}`)}"` })));

const bareValue = fc
  .tuple(chars(TCHARS), fc.string({ unit: chars(`${TCHARS}=/:@?`), maxLength: 20 }))
  .map(([first, rest]) => first + rest)
  .chain((value) => bws.map((b) => ({ value, wire: `${b}${value}` })));

const param = (names: fc.Arbitrary<string>): fc.Arbitrary<{ name: string; value: string; wire: string }> =>
  fc
    .tuple(names, bws, fc.oneof(quotedValue, bareValue))
    .map(([name, b, v]) => ({ name, value: v.value, wire: `${name}${b}=${v.wire}` }));

const challengeBody = (names: fc.Arbitrary<string>): fc.Arbitrary<GenBody> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant<GenBody>({ kind: "none" }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(token(TOKEN68_CHARS), fc.constantFrom("", "=", "=="))
        .map(([t, pad]): GenBody => ({ kind: "token68", token68: t + pad })),
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.boolean(), fc.array(param(names), { minLength: 1, maxLength: 5 }))
        .map(([leadingComma, params]): GenBody => ({ kind: "params", leadingComma, params })),
    },
  );

const challenge = (names: fc.Arbitrary<string>): fc.Arbitrary<GenChallenge> =>
  fc.record({ scheme, body: challengeBody(names) });

/** Writes challenges as a header value, with random (valid) whitespace and empty list elements. */
function writeChallenges(list: readonly GenChallenge[]): fc.Arbitrary<string> {
  const seps = fc.array(listSep, { minLength: 40, maxLength: 40 });
  return fc.tuple(seps, fc.constantFrom(" ", "  "), ows, ows).map(([s, sp, lead, trail]) => {
    let k = 0;
    const sep = (): string => s[k++ % s.length] ?? ",";
    const parts = list.map((c) => {
      if (c.body.kind === "none") return c.scheme;
      if (c.body.kind === "token68") return `${c.scheme}${sp}${c.body.token68}`;
      const params = c.body.params.map((p) => p.wire);
      let out = `${c.scheme}${sp}${c.body.leadingComma ? `,${sp}` : ""}${params[0] ?? ""}`;
      for (const p of params.slice(1)) out += sep() + p;
      return out;
    });
    let out = lead;
    parts.forEach((p, i) => {
      out += (i > 0 ? sep() : "") + p;
    });
    return out + trail;
  });
}

function expectChallenges(list: readonly GenChallenge[]): Challenge[] {
  return list.map((c) => {
    const out: Challenge = { scheme: c.scheme.toLowerCase(), params: {} };
    if (c.body.kind === "token68") out.token68 = c.body.token68;
    if (c.body.kind === "params") {
      const seen = new Map<string, string>();
      for (const p of c.body.params) {
        const name = p.name.toLowerCase();
        if (!seen.has(name)) seen.set(name, p.value);
      }
      out.params = Object.fromEntries(seen);
    }
    return out;
  });
}

const challengeLists = (
  names: fc.Arbitrary<string>,
): fc.Arbitrary<{ header: string[]; expected: Challenge[] }> =>
  fc
    .array(fc.array(challenge(names), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 })
    .chain((lines) =>
      fc
        .tuple(...lines.map(writeChallenges))
        .map((header) => ({ header, expected: lines.flatMap(expectChallenges) })),
    );

describe("parseChallenges on what a lying registry sends", () => {
  it("never throws and returns well-typed challenges, for any header value", () => {
    fc.assert(
      fc.property(fc.oneof(junkText, fc.array(junkText, { maxLength: 3 })), (header) => {
        assertChallenges(parseChallenges(header));
      }),
      fuzzParameters(1000),
    );
  });

  it("never throws and returns well-typed challenges, for nearly valid header values", () => {
    fc.assert(
      fc.property(challengeLike, (header) => assertChallenges(parseChallenges(header))),
      fuzzParameters(2000),
    );
  });

  it("stays fast on long adversarial input (no quadratic rescans)", () => {
    const inputs = [
      "a=".repeat(25_000),
      "a,".repeat(25_000),
      "a ".repeat(25_000),
      `Bearer realm="${'\\"'.repeat(25_000)}`,
      `Bearer x=y${", a=".repeat(12_000)}`,
      `Bearer x=y, a${" ".repeat(50_000)}b`,
    ];
    const started = performance.now();
    for (const header of inputs) assertChallenges(parseChallenges(header));
    assert.ok(performance.now() - started < 2000, "parsing 300k characters took over 2 s");
  });
});

describe("generated valid challenges", () => {
  it("read back with the same schemes, parameters (first wins, names in lower case) and token68", () => {
    fc.assert(
      fc.property(challengeLists(paramName), ({ header, expected }) => {
        const got = parseChallenges(header);
        assert.deepEqual(got, expected);
        assertChallenges(got);
        // One value per line or all lines joined by a comma: the same challenges (RFC 9110 §5.3).
        assert.deepEqual(parseChallenges(header.join(", ")), expected);
      }),
      fuzzParameters(1000),
    );
  });

  it("give the Bearer challenge's realm, service and scopes", () => {
    fc.assert(
      fc.property(
        fc.webUrl(),
        fc.option(token(TCHARS), { nil: undefined }),
        fc.array(fc.string({ unit: chars(`${LOWER_DIGITS}:/,*`), minLength: 1, maxLength: 30 }), {
          maxLength: 3,
        }),
        (realm, service, scopes) => {
          let header = `Bearer realm="${realm}"`;
          if (service !== undefined) header += `,service="${service}"`;
          if (scopes.length > 0) header += `,scope="${scopes.join(" ")}"`;
          const c = pickChallenge(parseChallenges(`Basic realm="x", ${header}`));
          assert.ok(c);
          assert.deepEqual(toBearerChallenge(c), {
            realm,
            scopes,
            ...(service !== undefined ? { service } : {}),
          });
          assert.deepEqual(splitScopes(scopes.join("  \t")), scopes);
        },
      ),
      fuzzParameters(300),
    );
  });
});

describe("names that are also Object.prototype members", () => {
  /** Every Object.prototype member name, in three casings; each run tries them all. */
  const protoNames = PROTOTYPE_NAMES.flatMap(casings);

  it("a challenge parameter named like one is read like any other", () => {
    fc.assert(
      fc.property(token(TCHARS), (value) => {
        for (const name of protoNames) {
          const [c] = parseChallenges(`Bearer realm="https://auth.example/token",${name}="${value}"`);
          assert.ok(c);
          assert.deepEqual(
            Object.entries(c.params),
            [
              ["realm", "https://auth.example/token"],
              [name.toLowerCase(), value],
            ],
            `parameter ${name}`,
          );
          assert.equal(typeof c.params[name.toLowerCase()], "string", `parameter ${name}`);
        }
      }),
      fuzzParameters(20),
    );
  });
});

/**
 * eol-base and eol-soon: the base OS's end of life, worked out again on the context's clock
 * (facts may have been cached long before).
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { deriveFacts } from "../../../../server/src/facts/derive";
import { eolBase } from "../../../../server/src/features/rules/eolBase";
import { eolSoon } from "../../../../server/src/features/rules/eolSoon";
import type { Lookup } from "../../../../server/src/resolver/types";
import { input } from "../../facts/helpers";
import { NOW, itBoth, realFactsWithHub, resolved, resolving } from "../fixtures";
import { run } from "./helpers";

/** A python:3.8-slim-buster as the official image was built (debuerreotype's line names the suite). */
const BUSTER = deriveFacts(
  input({
    repository: "library/python",
    tag: "3.8-slim-buster",
    history: ["# debian.sh --arch 'amd64' out/ 'buster' '@1719792000'", 'CMD ["python3"]'],
    env: { PYTHON_VERSION: "3.8.20" },
  }),
  NOW,
);
const JAMMY = realFactsWithHub("ubuntu:jammy");

const LOOKUPS: Record<string, Lookup> = {
  "python:3.8-slim-buster": resolved("python:3.8-slim-buster", BUSTER),
  "ubuntu:jammy": resolved("ubuntu:jammy", JAMMY),
  "ubuntu:noble": resolved("ubuntu:noble", realFactsWithHub("ubuntu:noble")),
  "photon:latest": resolved("photon:latest", realFactsWithHub("photon:latest")),
};

describe("eol-base", () => {
  itBoth(
    "warns about a base OS past its end of life, with the date and the evidence",
    "FROM python:3.8-slim-buster\n",
    { lookups: LOOKUPS },
    (c) => {
      const [found, ...rest] = run(c, eolBase);
      assert.equal(rest.length, 0);
      assert.equal(found?.text, "python:3.8-slim-buster");
      const os = BUSTER.os;
      assert.ok(os.status === "known");
      assert.equal(
        found?.finding.message,
        `python:3.8-slim-buster is built on Debian 10 (buster), which reached its end of life on 2024-06-30: its ` +
          `packages get no more free security fixes. ${os.eolNote} Move to a tag built on a supported release. ` +
          `(Base OS from ${os.evidence}.)`,
      );
      assert.match(os.evidence, /debian\.sh/);
    },
  );

  itBoth(
    "uses the context's clock, not the day the facts were derived",
    "FROM ubuntu:jammy\n",
    { lookups: LOOKUPS, now: new Date("2027-07-01T00:00:00Z") },
    (c) => {
      assert.ok(JAMMY.os.status === "known" && JAMMY.os.eolStatus === "supported");
      assert.match(
        run(c, eolBase)[0]?.finding.message ?? "",
        /^ubuntu:jammy is built on Ubuntu 22\.04 \(jammy\), which reached its end of life on 2027-06-01/,
      );
    },
  );

  itBoth(
    "stays quiet for supported and unknown EOLs, COPY --from images, and while resolving",
    "FROM ubuntu:noble\nFROM photon:latest\nCOPY --from=python:3.8-slim-buster /a /b\nFROM ubuntu:jammy\n",
    { lookups: { ...LOOKUPS, "ubuntu:jammy": resolving() } },
    (c) => assert.deepEqual(run(c, eolBase), []),
  );
});

describe("eol-soon", () => {
  itBoth(
    "hints within 90 days of the end of life",
    "FROM ubuntu:jammy AS base\n",
    { lookups: LOOKUPS, now: new Date("2027-04-01T00:00:00Z") },
    (c) => {
      const os = JAMMY.os;
      assert.ok(os.status === "known");
      assert.equal(
        run(c, eolSoon)[0]?.finding.message,
        `ubuntu:jammy is built on Ubuntu 22.04 (jammy), which reaches its end of life on 2027-06-01 (in 61 days, ` +
          `within 90); after that its packages get no more free security fixes. ${os.eolNote} Plan the move to a tag ` +
          `built on a newer release. (Base OS from ${os.evidence}.)`,
      );
      assert.deepEqual(run(c, eolBase), []);
    },
  );

  itBoth("is quiet further out and once past", "FROM ubuntu:jammy\n", { lookups: LOOKUPS }, (c) => {
    assert.deepEqual(run(c, eolSoon), []);
  });
});

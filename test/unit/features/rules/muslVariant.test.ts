/** musl-variant: what a musl (Alpine) base changes, said once facts land. */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { muslVariant } from "../../../../server/src/features/rules/muslVariant";
import type { Lookup } from "../../../../server/src/resolver/types";
import { itBoth, realFactsWithHub, resolved } from "../fixtures";
import { run } from "./helpers";

const ALPINE_PY = realFactsWithHub("python:3.13-alpine");
const LOOKUPS: Record<string, Lookup> = {
  "python:3.13-alpine": resolved("python:3.13-alpine", ALPINE_PY),
  "busybox:musl": resolved("busybox:musl", realFactsWithHub("busybox:musl")),
  "python:3.12-slim": resolved("python:3.12-slim", realFactsWithHub("python:3.12-slim")),
  "busybox:glibc": resolved("busybox:glibc", realFactsWithHub("busybox:glibc")),
};

describe("musl-variant", () => {
  itBoth(
    "explains the musl consequences of an alpine base",
    "FROM python:3.13-alpine\n",
    { lookups: LOOKUPS },
    (c) => {
      const [found, ...rest] = run(c, muslVariant);
      assert.equal(rest.length, 0);
      assert.equal(
        found?.finding.message,
        `python:3.13-alpine uses musl libc (Alpine Linux 3.24.2), not glibc (${ALPINE_PY.libc.evidence}). Programs ` +
          "and language packages built for glibc (manylinux wheels, many prebuilt binaries) do not run on it, so they " +
          "are compiled from source (slower builds, build tools needed); DNS resolution, locales and thread stack " +
          "sizes also behave differently. If that bites, use a Debian-based variant such as -slim.",
      );
    },
  );

  itBoth("reports a musl image without a distro", "FROM busybox:musl\n", { lookups: LOOKUPS }, (c) => {
    assert.match(run(c, muslVariant)[0]?.finding.message ?? "", /^busybox:musl uses musl libc, not glibc \(/);
  });

  itBoth(
    "stays quiet for glibc images, COPY --from images and before facts land",
    "FROM python:3.12-slim\nFROM busybox:glibc\nCOPY --from=python:3.13-alpine /a /b\nFROM alpine:3.22\n",
    { lookups: LOOKUPS },
    (c) => assert.deepEqual(run(c, muslVariant), []),
  );
});

/**
 * lookalike-image: names that imitate popular Docker Official Images — typos decided from the
 * text at once, namespace confusions once the registry says who publishes them.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deriveFacts } from "../../../../server/src/facts/derive";
import type { HubData } from "../../../../server/src/facts/hubData";
import type { ImageFacts } from "../../../../server/src/facts/types";
import { isOneEditApart } from "../../../../server/src/features/editDistance";
import { lookalikeImage, lookalikeOf } from "../../../../server/src/features/rules/lookalikeImage";
import {
  OFFICIAL_IMAGES,
  POPULAR_OFFICIAL_IMAGES,
  isOfficialImage,
} from "../../../../server/src/features/rules/data/popularImages";
import { parseReference, type Reference } from "../../../../server/src/reference";
import type { Lookup } from "../../../../server/src/resolver/types";
import { NOW, itBoth, realInput, resolved, resolving, settingsFrom } from "../fixtures";
import { applyFix, run } from "./helpers";

function ref(text: string): Reference {
  const parsed = parseReference(text);
  assert.ok(parsed.ok);
  return parsed.value;
}

/**
 * Facts for a Hub repository with the given search badge. Illustrative: the documents are
 * python:3.12-slim's (realdata) under another name; only the trust answer (the badge) matters here.
 */
function factsFor(repository: string, tag: string, badge: HubData["badge"]): ImageFacts {
  const input = realInput("python:3.12-slim");
  input.reference = { registry: "docker.io", repository, tag };
  input.hub = badge === undefined ? {} : { badge };
  return deriveFacts(input, NOW);
}

const LOOKUPS: Record<string, Lookup> = {
  "nodejs/node:22": resolved("nodejs/node:22", factsFor("nodejs/node", "22", "none")),
  "python/python:3.12": resolved("python/python:3.12", factsFor("python/python", "3.12", "none")),
  "libary/python:3.12": resolved("libary/python:3.12", factsFor("libary/python", "3.12", "none")),
  "redis/redis:7": resolved("redis/redis:7", factsFor("redis/redis", "7", "verified_publisher")),
};

describe("lookalike-image", () => {
  itBoth(
    "warns at once about a name one typo from a popular official image",
    "FROM pyhton:3.12-slim\n",
    {},
    (c) => {
      const [found, ...rest] = run(c, lookalikeImage);
      assert.equal(rest.length, 0);
      assert.equal(found?.text, "pyhton");
      assert.equal(
        found?.finding.message,
        "pyhton is one typo away from the Docker Official Image python, and no official image has this name. If it " +
          "is a typo, the pull fails; if a registry mirror or a local image answers to the name, the build uses an " +
          "image nobody vetted. Names that imitate popular images are a known way to slip malware into builds. Did " +
          "you mean python?",
      );
      assert.equal(applyFix(c, lookalikeImage, found.finding), c.lines("FROM python:3.12-slim\n"));
    },
  );

  itBoth(
    "catches swaps, drops and extra letters, keeping the path as written in the fix",
    "FROM ngnix:alpine\nFROM docker.io/library/alpin:3.22 AS x\nFROM postgress:17\nFROM noed:22\n",
    {},
    (c) => {
      const found = run(c, lookalikeImage);
      assert.deepEqual(
        found.map((f) => f.text),
        ["ngnix", "docker.io/library/alpin", "postgress", "noed"],
      );
      assert.equal(
        applyFix(c, lookalikeImage, found[1]!.finding),
        c.lines(
          "FROM ngnix:alpine\nFROM docker.io/library/alpine:3.22 AS x\nFROM postgress:17\nFROM noed:22\n",
        ),
      );
    },
  );

  itBoth(
    "stays quiet for official images (current and retired), short local names, stages, scratch and private namespaces",
    [
      "FROM python:3.12-slim AS pyhton",
      "FROM pyhton",
      "FROM mono:6",
      "FROM base",
      "FROM scratch",
      "FROM myorg/pythn:1",
      "FROM ghcr.io/pyhton/tools:1",
      "# FROM ngnix",
      "",
    ].join("\n"),
    {},
    (c) => assert.deepEqual(run(c, lookalikeImage), []),
  );

  itBoth(
    "namespace confusions wait for the registry, then warn about community publishers",
    "FROM nodejs/node:22\nFROM python/python:3.12\nFROM libary/python:3.12\nFROM redis/redis:7\n",
    { lookups: LOOKUPS },
    (c) => {
      const found = run(c, lookalikeImage);
      assert.deepEqual(
        found.map((f) => f.text),
        ["nodejs/node", "python/python", "libary/python"],
      );
      assert.equal(
        found[0]?.finding.message,
        "nodejs/node looks like the Docker Official Image node, but it is not: official images have no namespace " +
          '(node, or docker.io/library/node), while this one is published by the Docker Hub account "nodejs", ' +
          "which Docker does not vouch for. Names that imitate official images are a known way to slip malware " +
          "into builds. Use node unless you know and trust this publisher.",
      );
      assert.equal(
        applyFix(c, lookalikeImage, found[0].finding),
        c.lines("FROM node:22\nFROM python/python:3.12\nFROM libary/python:3.12\nFROM redis/redis:7\n"),
      );
    },
  );

  itBoth(
    "namespace confusions are silent while resolving",
    "FROM nodejs/node:22\n",
    { lookups: { "nodejs/node:22": resolving() } },
    (c) => {
      assert.deepEqual(run(c, lookalikeImage), []);
    },
  );

  itBoth(
    "namespace confusions are silent for publishers listed in fromLens.trustedRegistries",
    "FROM nodejs/node:22\n",
    { lookups: LOOKUPS, settings: settingsFrom({ trustedRegistries: ["docker.io/nodejs"] }) },
    (c) => assert.deepEqual(run(c, lookalikeImage), []),
  );

  itBoth(
    "a typo the registry reports as official (an image newer than the list) is not reported",
    "FROM pythn:1\n",
    { lookups: { "pythn:1": resolved("pythn:1", factsFor("library/pythn", "1", "official")) } },
    (c) => assert.deepEqual(run(c, lookalikeImage), []),
  );

  it("lookalikeOf: which names imitate which image", () => {
    assert.deepEqual(lookalikeOf(ref("pyhton")), { imitates: "python", kind: "typo" });
    assert.deepEqual(lookalikeOf(ref("ubunut:24.04")), { imitates: "ubuntu", kind: "typo" });
    assert.deepEqual(lookalikeOf(ref("golang/golang")), { imitates: "golang", kind: "namespace" });
    assert.deepEqual(lookalikeOf(ref("mongodb/mongo")), { imitates: "mongo", kind: "namespace" });
    assert.deepEqual(lookalikeOf(ref("postgresql/postgres")), { imitates: "postgres", kind: "namespace" });
    assert.deepEqual(lookalikeOf(ref("official/nginx")), { imitates: "nginx", kind: "namespace" });
    assert.equal(lookalikeOf(ref("bitnami/python")), undefined);
    assert.equal(lookalikeOf(ref("nginxinc/nginx-unprivileged")), undefined);
    assert.equal(lookalikeOf(ref("base")), undefined);
    assert.equal(lookalikeOf(ref("php")), undefined);
    assert.equal(lookalikeOf(ref("quay.io/pyhton/python")), undefined);
  });

  it("no official image is flagged as a lookalike of another", () => {
    for (const name of OFFICIAL_IMAGES) assert.equal(lookalikeOf(ref(name)), undefined, name);
    for (const name of POPULAR_OFFICIAL_IMAGES) assert.ok(isOfficialImage(name), `${name} is official`);
    assert.ok(POPULAR_OFFICIAL_IMAGES.length >= 55 && POPULAR_OFFICIAL_IMAGES.length <= 70);
  });

  it("isOneEditApart: Damerau-Levenshtein distance exactly 1", () => {
    assert.equal(isOneEditApart("pyhton", "python"), true); // swap
    assert.equal(isOneEditApart("pythn", "python"), true); // drop
    assert.equal(isOneEditApart("pythonn", "python"), true); // extra
    assert.equal(isOneEditApart("pithon", "python"), true); // substitution
    assert.equal(isOneEditApart("python", "python"), false);
    assert.equal(isOneEditApart("ptyhno", "python"), false);
    assert.equal(isOneEditApart("pyth", "python"), false);
    assert.equal(isOneEditApart("", "a"), true);
  });
});

/**
 * The card's provenance line: built when, from which source at which revision, on which base,
 * with links — from real annotation values (../shared/realdata), and with hostile registry
 * strings escaped, capped and never linked unless they are http(s) URLs.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { deriveFacts } from "../../../server/src/facts/derive";
import { card } from "./hoverCard";
import { Annotation } from "../../../server/src/oci/types";
import { realdataRecord } from "../../support/realdata";
import { input } from "../facts/helpers";
import { NOW, itBoth, realFacts, resolved, type CaseOptions } from "./fixtures";

process.env.TZ = "UTC";

function ociLabels(id: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(realdataRecord(id).labels).filter(([k]) => k.startsWith("org.opencontainers.image.")),
  );
}

const UBUNTU_NOBLE = realdataRecord("ubuntu:noble").indexDigest;

const KIBANA = deriveFacts(
  input({
    repository: "library/kibana",
    tag: "9.5.3",
    entryAnnotations: {
      ...ociLabels("kibana:9.5.3"),
      [Annotation.baseName]: ociLabels("mariadb:latest")[Annotation.baseName] ?? "",
      [Annotation.baseDigest]: UBUNTU_NOBLE,
    },
  }),
  NOW,
);

const HOSTILE = deriveFacts(
  input({
    repository: "library/evil",
    tag: "1",
    entryAnnotations: {
      [Annotation.source]: "javascript:alert(1)//](https://evil.example)",
      [Annotation.version]: "*1*`x` <img src=x>",
      [Annotation.url]: "command:workbench.action.terminal.new",
      [Annotation.baseName]: "[click](https://evil.example)",
    },
  }),
  NOW,
);

const opts: CaseOptions = {
  lookups: {
    "kibana:9.5.3": resolved("kibana:9.5.3", KIBANA),
    "archlinux:base-devel": resolved("archlinux:base-devel", realFacts("archlinux:base-devel")),
    "evil:1": resolved("evil:1", HOSTILE),
    "python:3.12-slim": resolved("python:3.12-slim", realFacts("python:3.12-slim")),
  },
};

describe("hover: provenance", () => {
  itBoth(
    "says when, from which source and revision, and on which base the image was built, with links",
    "FROM kib|ana:9.5.3\n",
    opts,
    (c) => {
      const text = card(c);
      const rev = "2169f1de4c917fce03905cc3110f3f523e2184d2";
      assert.ok(
        text.includes(
          `**Built** 2026-09-01 from [github.com/elastic/kibana](https://github.com/elastic/kibana/tree/${rev}) @ [2169f1d](https://github.com/elastic/kibana/commit/${rev}), on [ubuntu:noble](https://hub.docker.com/_/ubuntu)@\`${UBUNTU_NOBLE.slice(0, 19)}\``,
        ),
        text,
      );
      assert.match(
        text,
        /\*\*Version\*\* `9\.5\.3` · \[project page\]\(https:\/\/www\.elastic\.co\/products\/kibana\)/,
      );
      assert.match(
        text,
        /\*Provenance: from index entry annotations \(org\.opencontainers\.image\.\\\*\)\.\*/,
      );
    },
  );

  itBoth(
    "marks provenance read from config labels as possibly the base image's",
    "FROM archlinux:base-de|vel\n",
    opts,
    (c) => {
      const text = card(c);
      assert.match(
        text,
        /\*\*Built\*\* 2026-08-23 from \[gitlab\.archlinux\.org\/archlinux\/archlinux-docker\]\(https:\/\/gitlab\.archlinux\.org\/archlinux\/archlinux-docker\/-\/tree\/34b87485162b028c8d957bdcd2674359d883cd21\) @ \[34b8748\]\([^)]*\/-\/commit\/34b87485162b028c8d957bdcd2674359d883cd21\) \*\(from config labels, which a base image can set: may describe the base\)\*/,
      );
      assert.doesNotMatch(text, /\*\*Version\*\*/);
    },
  );

  itBoth(
    "links nothing that is not an http(s) URL, and escapes every registry string",
    "FROM ev|il:1\n",
    opts,
    (c) => {
      const text = card(c);
      const outsideCode = text.replace(/``[^]*?``|`[^`]*`/g, "");
      assert.doesNotMatch(outsideCode, /\]\((?:javascript|command):/);
      assert.doesNotMatch(outsideCode, /evil\.example/);
      assert.match(text, /\*\*Built\*\* from `javascript:alert\(1\)\/\/\]\(https:\/\/evil\.example\)`/);
      assert.match(text, /on `\[click\]\(https:\/\/evil\.example\)`/);
      assert.match(text, /\*\*Version\*\* ``\s?\*1\*`x` <img src=x>\s?``/);
      assert.match(text, /· project page/);
    },
  );

  itBoth("shows no provenance line for an image that carries none", "FROM python:3.12-sl|im\n", opts, (c) => {
    assert.doesNotMatch(card(c), /\*\*Built\*\*|Provenance:/);
  });
});

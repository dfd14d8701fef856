/**
 * The hover card's Base OS and Runtime lines for the wider kinds of official image: a distro known
 * only by the package manager on an opaque base says "release unknown" instead of a number, and a
 * Red Hat UBI base shows the RHEL release from the history, not the image's own version label.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { deriveFacts } from "../../../server/src/facts/derive";
import { card } from "./hoverCard";
import { input } from "../facts/helpers";
import { NOW, itBoth, realFacts, resolved, type CaseOptions } from "./fixtures";

process.env.TZ = "UTC";

const OPAQUE_ALPINE = deriveFacts(
  input({
    repository: "library/eclipse-mosquitto",
    tag: "2.0.15",
    history: [
      "ADD file:ceeb6e8632fafc657116cbf3afbd522185a16963230b57881073dad22eb0e1a3 in / ",
      'CMD ["/bin/sh"]',
      "ENV VERSION=2.0.15",
      "RUN set -x &&     apk --no-cache add --virtual build-deps build-base",
    ],
    env: { VERSION: "2.0.15" },
  }),
  NOW,
);

const opts: CaseOptions = {
  lookups: {
    "eclipse-mosquitto:2.0.15": resolved("eclipse-mosquitto:2.0.15", OPAQUE_ALPINE),
    "kibana:9.5.3": resolved("kibana:9.5.3", realFacts("kibana:9.5.3")),
  },
};

describe("hover: base OS of the wider official images", () => {
  itBoth(
    "says Alpine (release unknown) for an opaque base with apk on top",
    "FROM eclipse-mosq|uitto:2.0.15\n",
    opts,
    (c) => {
      const text = card(c);
      assert.match(text, /\*\*Base OS\*\* Alpine Linux \(release unknown\)/);
      assert.match(text, /\*\*libc\*\* musl/);
      assert.match(text, /\*\*Runtime\*\* eclipse-mosquitto 2\.0\.15/);
      assert.doesNotMatch(text, /Alpine Linux \d/);
    },
  );

  itBoth(
    "shows RHEL 9.8 under kibana 9.5.3, from the UBI line of the history",
    "FROM kib|ana:9.5.3\n",
    opts,
    (c) => {
      const text = card(c);
      assert.match(text, /\*\*Base OS\*\* Red Hat Enterprise Linux 9\.8 — supported until 2032-05-31/);
      assert.match(text, /\*\*Runtime\*\* kibana 9\.5\.3/);
    },
  );
});

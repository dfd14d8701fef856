import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lookupErrorText } from "../../../server/src/features/lookupError";

describe("lookupErrorText", () => {
  it("says offline with nothing cached, naming the image and the setting", () => {
    assert.equal(
      lookupErrorText({
        kind: "offline",
        why: "nothing-cached",
        reference: "docker.io/library/python:3.12-slim",
      }),
      'FROM Lens is offline and has nothing cached for docker.io/library/python:3.12-slim yet. Turn off "fromLens.offline" or reconnect to resolve it.',
    );
  });

  it("says which host could not be reached and what failed", () => {
    assert.equal(
      lookupErrorText({
        kind: "network",
        why: "unreachable",
        host: "registry.corp.example",
        detail: "ENOTFOUND",
      }),
      "registry.corp.example could not be reached: ENOTFOUND",
    );
  });

  it("says an internal failure with what was thrown", () => {
    assert.equal(
      lookupErrorText({ kind: "bad-response", reason: "malformed", why: "internal", detail: "Error: boom" }),
      "FROM Lens could not resolve this image: Error: boom",
    );
  });

  it("passes a registry failure's own message through", () => {
    assert.equal(
      lookupErrorText({ kind: "timeout", phase: "headers", message: "The registry did not answer." }),
      "The registry did not answer.",
    );
  });
});

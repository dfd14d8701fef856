/** The hover shown while the language server starts: "Resolving…" over an image, nothing elsewhere. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { imageAt, startingHoverMarkdown } from "../../../client/src/startingHover";

describe("hover while the server starts", () => {
  it("finds the image after FROM and its flags", () => {
    const line = "FROM --platform=$BUILDPLATFORM golang:1.25-bookworm AS build";
    const start = line.indexOf("golang");
    assert.deepEqual(imageAt(line, start + 3), { text: "golang:1.25-bookworm", start, end: start + 20 });
    assert.equal(imageAt(line, 2), undefined, "not on the FROM keyword");
    assert.equal(imageAt(line, line.indexOf("build")), undefined, "not on the stage name");
  });

  it("finds COPY --from= and RUN --mount=from= images", () => {
    assert.equal(imageAt("COPY --from=nginx:alpine /etc/nginx /x", 15)?.text, "nginx:alpine");
    assert.equal(imageAt("RUN --mount=type=bind,from=alpine:3.22,target=/x true", 30)?.text, "alpine:3.22");
  });

  it("answers nothing on other lines", () => {
    assert.equal(imageAt("RUN apt-get update", 6), undefined);
    assert.equal(imageAt("# FROM python:3.12", 10), undefined);
  });

  it("says it is resolving, with the image's name escaped", () => {
    assert.equal(
      startingHoverMarkdown("python:${PY}-slim"),
      "**python:$\\{PY\\}\\-slim**\n\nResolving… (FROM Lens is starting)",
    );
  });
});

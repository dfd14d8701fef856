/**
 * Heredocs: their bodies are file contents or scripts, never instructions, so they produce no
 * references; the instruction that opens them still does.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import { itBoth } from "./helpers";

describe("heredocs", () => {
  itBoth(
    "produce no references from a RUN heredoc body",
    "# syntax=docker/dockerfile:1\nFROM debian:bookworm-slim\nRUN <<EOF\nset -e\necho FROM ubuntu:noble\nFROM python:3.12\nCOPY --from=nginx /a /b\nEOF\nFROM alpine:3.22\n",
    (c) => {
      assert.deepEqual(
        c.refs.map((r) => [r.kind, r.raw, r.stageIndex]),
        [
          ["syntax", "docker/dockerfile:1", -1],
          ["from", "debian:bookworm-slim", 0],
          ["from", "alpine:3.22", 1],
        ],
      );
    },
  );

  itBoth(
    "keep the mounts of the RUN that opens them",
    "FROM golang:1.25-bookworm AS src\nFROM alpine\nRUN --mount=from=src,target=/src <<-SCRIPT\n\tFROM nowhere\n\tls /src\n\tSCRIPT\n",
    (c) => {
      assert.deepEqual(
        c.refs.map((r) => [r.kind, r.raw]),
        [
          ["from", "golang:1.25-bookworm"],
          ["from", "alpine"],
          ["mount-from", "src"],
        ],
      );
    },
  );

  itBoth(
    "handle quoted delimiters and several heredocs in one RUN",
    "FROM alpine\nRUN <<'ONE' cat - && bash <<\"TWO\"\nFROM one\nONE\nFROM two\nTWO\nFROM node:22-alpine\n",
    (c) => {
      assert.deepEqual(
        c.refs.map((r) => r.raw),
        ["alpine", "node:22-alpine"],
      );
    },
  );

  itBoth(
    "produce no references from a COPY heredoc body",
    "FROM nginx:alpine\nCOPY <<EOF /etc/nginx/conf.d/default.conf\nFROM upstream\nEOF\n",
    (c) => {
      assert.equal(c.refs.length, 1);
    },
  );
});

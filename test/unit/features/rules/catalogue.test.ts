/**
 * The rule catalogue: one rule per code of RULE_DEFAULTS, each in its own file named after its
 * code, with the default severity settings.ts declares; local rules report without any lookup,
 * registry rules say nothing until the resolver has answered.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { RULES } from "../../../../server/src/features/rules";
import { RULE_DEFAULTS, type RuleCode } from "../../../../server/src/settings";
import type { Lookup } from "../../../../server/src/resolver/types";
import { featureCase, resolving, settingsFrom } from "../fixtures";

const RULES_DIR = path.resolve(__dirname, "../../../../server/src/features/rules");

function fileOf(code: string): string {
  return code.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase());
}

/** A Dockerfile with something for every local rule (and realistic noise). */
const EVERYTHING = [
  "# syntax=docker/dockerfile:1",
  "ARG BASE",
  "FROM pyhton:latest AS build",
  "FROM Python:3.12",
  "FROM ubuntu",
  "FROM $BASE",
  "FROM python@sha256:229a2c5bfa27522db7815ea81f9bed70af17ccb9de9fc7ad142b1877b5830d36",
  "FROM ghcr.io/acme/app:1",
  "FROM build",
  "FROM Build",
  "FROM scratch",
  "",
].join("\n");

describe("rule catalogue", () => {
  it("has exactly one rule per code, with the default severity of settings.ts", () => {
    const codes = RULES.map((r) => r.code).sort();
    assert.deepEqual(codes, (Object.keys(RULE_DEFAULTS) as RuleCode[]).sort());
    for (const rule of RULES) assert.equal(rule.defaultSeverity, RULE_DEFAULTS[rule.code], rule.code);
  });

  it("keeps each rule in its own file named after its code", async () => {
    for (const rule of RULES) {
      const file = path.join(RULES_DIR, `${fileOf(rule.code)}.ts`);
      assert.ok(existsSync(file), `${rule.code} lives in ${file}`);
      const module = (await import(file)) as Record<string, unknown>;
      assert.ok(Object.values(module).includes(rule), `${file} exports the ${rule.code} rule`);
    }
  });

  for (const eol of ["\n", "\r\n"] as const) {
    const label = eol === "\n" ? "LF" : "CRLF";

    it(`local rules report without any lookup (${label})`, () => {
      const c = featureCase(EVERYTHING, eol, {
        settings: settingsFrom({ allowedImages: ["docker.io/library/*"] }),
      });
      const ctx = { ...c.ctx, contentTrust: true };
      const reporting = RULES.filter((r) => r.check(ctx).length > 0).map((r) => r.code);
      assert.deepEqual(
        reporting.sort(),
        RULES.filter((r) => r.needs === "local")
          .map((r) => r.code)
          .sort(),
      );
    });

    it(`registry rules say nothing while images are unknown or resolving (${label})`, () => {
      const lookups: Record<string, Lookup> = Object.fromEntries(
        ["pyhton:latest", "ubuntu", "ghcr.io/acme/app:1", "docker/dockerfile:1"].map((t) => [t, resolving()]),
      );
      const c = featureCase(EVERYTHING, eol, { lookups });
      for (const rule of RULES.filter((r) => r.needs === "registry")) {
        assert.deepEqual(rule.check(c.ctx), [], rule.code);
      }
    });
  }
});

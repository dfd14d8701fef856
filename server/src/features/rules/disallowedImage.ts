/**
 * disallowed-image: a reference outside `fromLens.allowedImages`, the glob patterns of images a
 * project may use (as admission policies in Kubernetes enforce them at deploy time). Patterns
 * match the normalised `registry/repository`: `*` within one path segment, `**` across segments.
 * A pattern without a registry is read as Docker Hub, like a reference: `python` →
 * docker.io/library/python, `myorg/*` → docker.io/myorg/*.
 */
import { DOCKER_HUB_REGISTRY, dockerHubHost, formatReference } from "../../reference";
import { RULE_DEFAULTS } from "../../settings";
import { parsedRefs, refLabel } from "./support/refs";
import type { Rule, RuleFinding } from "./rule";

/** The pattern in the normalised form references take. */
export function normalisePattern(pattern: string): string {
  const p = pattern
    .trim()
    .replace(/^[a-z]+:\/\//i, "")
    .replace(/\/+$/, "");
  const slash = p.indexOf("/");
  const first = slash === -1 ? p : p.slice(0, slash);
  const isRegistry =
    first === "localhost" || /[.:]/.test(first) || first.includes("*") || first !== first.toLowerCase();
  if (!isRegistry) {
    if (p === "**") return p;
    return p.includes("/") ? `docker.io/${p}` : `docker.io/library/${p}`;
  }
  const lower = first.toLowerCase();
  const role = dockerHubHost(lower);
  // Any name of Docker Hub's registry (not its web services) reads as docker.io.
  const host = role !== undefined && role !== "service" ? DOCKER_HUB_REGISTRY : lower;
  if (slash === -1) return `${host}/**`; // a registry alone: everything in it
  const rest = p.slice(slash + 1);
  // docker.io/python means the official image, as in a reference.
  return host === DOCKER_HUB_REGISTRY && !rest.includes("/") && !rest.includes("**")
    ? `${host}/library/${rest}`
    : `${host}/${rest}`;
}

/** `*` → one segment's characters, `**` → anything (a trailing `/**` also matches nothing more). */
export function globToRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? "";
    if (ch === "*" && pattern[i + 1] === "*") {
      const slashBefore = out.endsWith("\\/");
      if (slashBefore && i + 2 === pattern.length) out = `${out.slice(0, -2)}(?:\\/.*)?`;
      else out += ".*";
      i++;
    } else if (ch === "*") {
      out += "[^/]*";
    } else {
      out += ch.replace(/[.+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return new RegExp(`^${out}$`);
}

export function isAllowed(name: string, patterns: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return patterns.some((p) => globToRegExp(normalisePattern(p).toLowerCase()).test(lower));
}

export const disallowedImage: Rule = {
  code: "disallowed-image",
  defaultSeverity: RULE_DEFAULTS["disallowed-image"],
  needs: "local",
  check(ctx) {
    const patterns = ctx.settings.allowedImages;
    if (patterns.length === 0) return [];
    const findings: RuleFinding[] = [];
    for (const { ref, reference } of parsedRefs(ctx)) {
      const name = formatReference({ registry: reference.registry, repository: reference.repository });
      if (isAllowed(name, patterns)) continue;
      findings.push({
        ref,
        range: ref.range,
        message:
          `${refLabel(ref)} (${name}) is not an allowed image in this project: it matches none of ` +
          `fromLens.allowedImages (${patterns.join(", ")}). A policy that admits only those images would reject ` +
          `what this builds. Use an allowed image, or have this one added to the list.`,
      });
    }
    return findings;
  },
};

/** The `not-found` error of a reference's lookup, for the unknown-repository/tag/digest rules. */
import type { ImageRef } from "../../../dockerfile";
import type { Reference } from "../../../reference";
import type { NotFoundWhat } from "../../../registry/errors";
import type { FeatureContext } from "../../context";
import { parsedRefs } from "./refs";

export interface NotFound {
  ref: ImageRef;
  reference: Reference;
  /** Tags the registry listed for the repository, when the lookup carried them. */
  tags: readonly string[];
}

export function notFoundRefs(ctx: FeatureContext, what: NotFoundWhat): NotFound[] {
  const out: NotFound[] = [];
  for (const { ref, reference } of parsedRefs(ctx)) {
    const lookup = ctx.lookup(ref);
    if (lookup.state !== "error" || lookup.error.kind !== "not-found" || lookup.error.what !== what) continue;
    out.push({ ref, reference, tags: lookup.tags ?? [] });
  }
  return out;
}

/** "Docker Hub" or the registry host, for messages. */
export function registryName(reference: Reference): string {
  return reference.registry === "docker.io" ? "Docker Hub" : reference.registry;
}

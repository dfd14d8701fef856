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
  /** Who answered "not found", for messages: "Docker Hub", "ghcr.io", "mirror.example (answering for Docker Hub)". */
  answeredBy: string;
}

export function notFoundRefs(ctx: FeatureContext, what: NotFoundWhat): NotFound[] {
  const out: NotFound[] = [];
  for (const { ref, reference } of parsedRefs(ctx)) {
    const lookup = ctx.lookup(ref);
    if (lookup.state !== "error" || lookup.error.kind !== "not-found" || lookup.error.what !== what) continue;
    out.push({
      ref,
      reference,
      tags: lookup.tags ?? [],
      answeredBy: answeringRegistry(reference, lookup.error.host),
    });
  }
  return out;
}

/** "Docker Hub" or the registry host, for messages. */
export function registryName(reference: Reference): string {
  return reference.registry === "docker.io" ? "Docker Hub" : reference.registry;
}

/** Docker Hub's own registry hosts; any other host answering for a docker.io image is a mirror or stand-in. */
const DOCKER_HUB_HOSTS = new Set(["registry-1.docker.io", "index.docker.io", "docker.io"]);

/**
 * The registry that actually gave an answer, for messages: a mirror's (or a stand-in's) 404 says
 * nothing about Docker Hub, so it is never reported as "on Docker Hub". Without a host, the
 * reference's own registry.
 */
export function answeringRegistry(reference: Reference, host: string | undefined): string {
  if (host === undefined || host === "") return registryName(reference);
  const hostName = host.toLowerCase();
  if (reference.registry === "docker.io") {
    return DOCKER_HUB_HOSTS.has(hostName) ? "Docker Hub" : `${hostName} (answering for Docker Hub)`;
  }
  return hostName;
}

/**
 * The Docker Hub image a mirror of a Docker Official Image stands for: `harbor.corp/library/python`,
 * `mirror.gcr.io/library/python:3.12` → `docker.io/library/python:3.12`. The
 * diverges-from-official rule compares the two, so whoever resolves a document's references (the
 * workspace, the CLI) resolves these counterparts too.
 */
import type { ImageRef } from "../dockerfile";
import { isDockerHub, type Reference } from "../reference";
import { isOfficialImage } from "./rules/data/popularImages";
import { parseRef } from "./rules/support/refs";

/** The official image name a mirror path stands for: `…/library/python` → "python". */
export function mirroredOfficialName(reference: Reference): string | undefined {
  if (isDockerHub(reference)) return undefined;
  const parts = reference.repository.split("/");
  const name = parts[parts.length - 1];
  if (parts.length < 2 || parts[parts.length - 2] !== "library" || name === undefined) return undefined;
  return isOfficialImage(name) ? name : undefined;
}

/**
 * The Docker Hub reference a mirrored official image corresponds to, as an ImageRef the resolver
 * can look up (`docker.io/library/python:3.12-slim`, same platform and range); undefined for
 * references that do not mirror an official image or carry no tag to compare.
 */
export function officialCounterpart(ref: ImageRef): ImageRef | undefined {
  const reference = parseRef(ref);
  if (reference === undefined) return undefined;
  const name = mirroredOfficialName(reference);
  if (name === undefined) return undefined;
  const text = `docker.io/library/${name}:${reference.tag ?? "latest"}`;
  return { ...ref, raw: text, resolved: text, argsUsed: [] };
}

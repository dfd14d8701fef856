/**
 * Base OS from `org.opencontainers.image.base.name`, the image-spec annotation naming the image
 * this one was built FROM (BuildKit and docker-library set it on index entries; some images also
 * set it as a label). It names the *parent* image, so it only tells the OS when the parent is a
 * distro image (debian:bookworm-slim) or carries an OS word in its tag (python:3.12-slim-bookworm).
 */
import { Annotation } from "../../oci/types";
import { splitImageName } from "../tagTokens";
import type { OsCandidate } from "./candidate";
import { osFromTag } from "./fromTag";

/** `where` names the source in the evidence: "index annotation", "config label". */
export function osFromBaseName(baseName: string, where: string): OsCandidate | undefined {
  const name = baseName.trim();
  // "scratch" says the parent was empty, which a distro's own image also says (ubuntu is FROM scratch).
  if (name === "" || name === "scratch") return undefined;
  const { repository, tag } = splitImageName(name);
  return osFromTag(repository, tag ?? "latest", `${where} ${Annotation.baseName}=${name}`);
}

export interface AnnotationSet {
  /** "index annotation", "manifest annotation", "index entry annotation". */
  where: string;
  annotations: Readonly<Record<string, string>> | undefined;
}

/** The first annotation set whose base.name tells the OS. */
export function osFromAnnotations(sets: readonly AnnotationSet[]): OsCandidate | undefined {
  for (const set of sets) {
    const baseName = set.annotations?.[Annotation.baseName];
    if (baseName === undefined) continue;
    const found = osFromBaseName(baseName, set.where);
    if (found !== undefined) return found;
  }
  return undefined;
}

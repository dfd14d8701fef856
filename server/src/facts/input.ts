/** What deriveFacts needs: the reference, the documents the registry returned, and optional extras. */
import type { ImageConfig, ImageManifest } from "../oci/types";
import type { HubData } from "./hubData";
import type { PlatformLike } from "../oci/platform";
import type { ResolvedDocument } from "./platforms";
import type { FactsSource } from "./types";

/** The normalised reference, as plain strings (docker.io, library/python, 3.12-slim). */
export interface FactsReference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export interface FactsSettings {
  /** fromLens.trustedRegistries: registry hosts or host/namespace prefixes the user trusts. */
  trustedRegistries?: readonly string[];
}

export interface FactsInput {
  reference: FactsReference;
  /** What the tag or digest resolved to: the index (manifest list) or a single image manifest. */
  resolved: ResolvedDocument;
  /** Per-platform image manifests by digest (for sizes); optional. */
  manifests?: Readonly<Record<string, ImageManifest>>;
  /**
   * Image configs by the digest of the image manifest they belong to; at least the described
   * platform's. For a single-manifest image, key it by `resolved.digest`.
   */
  configs?: Readonly<Record<string, ImageConfig>>;
  /** The platform to describe (a FROM's --platform); default linux/amd64, else windows/amd64, else the first. */
  platform?: PlatformLike;
  /** Docker Hub web API data, for Hub images. */
  hub?: HubData;
  /** The text of the image's /etc/os-release, when the registry layer has read it out of a layer. */
  osRelease?: string;
  settings?: FactsSettings;
  /**
   * The registry mirror (host) that said which digest the tag points at, when a mirror answered
   * instead of the registry itself: trust is then claimed only if Docker Hub's own data names the
   * same digest.
   */
  servedByMirror?: string;
  /** Default "network". */
  source?: FactsSource;
  /** When the documents were fetched (ISO 8601); default: `now`. */
  resolvedAt?: string;
}

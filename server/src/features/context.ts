/**
 * What every FROM Lens feature function receives: the document, its image references, the
 * resolver's synchronous answer for each, the settings, and the clock. Features are pure: they
 * read this and return LSP objects; they never do I/O.
 */
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { ImageRef } from "../dockerfile";
import type { ImageFacts } from "../facts/types";
import type { Reference } from "../reference";
import type { AttestationLookup } from "../resolver/attestations";
import type { SignatureLookup } from "../resolver/signatures";
import type { Lookup } from "../resolver/types";
import type { FromLensSettings } from "../settings";

export interface FeatureContext {
  doc: TextDocument;
  /** `extractImageRefs(doc.getText())`, in document order. */
  refs: readonly ImageRef[];
  /** The resolver's current answer for a (remote, resolvable) reference; `{state:"unknown"}` otherwise. */
  lookup: (ref: ImageRef) => Lookup;
  settings: FromLensSettings;
  now: Date;
  /** The platform a build uses without --platform: the setting, else this machine's ("linux/amd64"). */
  defaultPlatform: string;
  /** DOCKER_CONTENT_TRUST=1 in the environment the editor runs in. */
  contentTrust?: boolean;
  /** What is known (without a request) of the BuildKit attestation of the image the facts describe. */
  attestation?: (facts: ImageFacts) => AttestationLookup;
  /** What is known (without a request) of the signatures of `digest` in `reference`'s repository. */
  signature?: (reference: Reference, digest: string) => SignatureLookup;
}

/** The platform a reference is resolved for: its FROM's resolved --platform, else the default. */
export function wantedPlatform(ref: ImageRef, defaultPlatform: string): string {
  return ref.platform?.resolved ?? defaultPlatform;
}

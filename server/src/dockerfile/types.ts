/** What the extractors produce: an image reference and where and how it is written. */
import type { Range } from "vscode-languageserver-textdocument";

/**
 * Where the reference is written: a Dockerfile's FROM, COPY --from, RUN --mount from= or
 * `# syntax=` directive, or `image`: an image named in another kind of file (Compose,
 * Kubernetes, a workflow, … — see sources/).
 */
export type ImageRefKind = "from" | "copy-from" | "mount-from" | "syntax" | "image";

/** One ARG that went into a reference. */
export interface ArgUse {
  readonly name: string;
  /** Its value in a build without --build-arg, when it has a fixed one. */
  readonly value?: string;
  /** Range of the ARG's name where it was declared (absent for predefined platform ARGs). */
  readonly declaredAt?: Range;
  /** Range of its default value as written there (for "pin through the ARG default"). */
  readonly valueRange?: Range;
  /** Set when this ARG was used through another ARG's default: that ARG's name. */
  readonly via?: string;
}

export interface ImageRef {
  /** The reference text as written in the document (its first to its last character). */
  readonly range: Range;
  /** The text as written, line continuations removed, e.g. `python:${PY}-slim`. */
  readonly raw: string;
  /** After ARG substitution and quote removal, e.g. `python:3.12-slim`; absent when unresolvable. */
  readonly resolved?: string;
  /** Why there is no `resolved`, written for the user. */
  readonly unresolvable?: string;
  /** The ARGs that went into it: those it names first, then those their defaults name (`via`). */
  readonly argsUsed: readonly ArgUse[];
  readonly kind: ImageRefKind;
  /** `--platform` of a FROM; `resolved` is absent when it depends on a platform ARG. */
  readonly platform?: { readonly raw: string; readonly resolved?: string; readonly range: Range };
  /** Dockerfile references: the first line of the instruction they are written in (`# syntax`: none). */
  readonly instructionLine?: number;
  /** The `AS` name of this FROM, as written (BuildKit matches it lower-cased). */
  readonly stage?: string;
  /** Index of the build stage the reference belongs to (its FROM's index); -1 for `# syntax`. */
  readonly stageIndex: number;
  /** Refers to a build stage: never resolved remotely. */
  readonly isStageRef: boolean;
  /** For stage references: index of the stage referred to. */
  readonly targetStage?: number;
  /** `FROM scratch` (or `--from=scratch`): the empty image, nothing to resolve. */
  readonly isScratch: boolean;
  /** Unresolvable only because its `${…}` nest deeper than FROM Lens expands (expand.ts). */
  readonly tooDeep?: true;
  /** kind "image": where in its file, for the user ("Compose service web", "Deployment api, container app"). */
  readonly where?: string;
  /**
   * kind "image" written in parts (Helm `image: {repository, tag, digest}`, Kustomize
   * `images[]`): pinning writes the digest field rather than editing one string.
   */
  readonly split?: SplitImage;
}

/** An image written as separate fields; `range` of the ImageRef covers the repository value. */
export interface SplitImage {
  /** The value of the existing digest field, to replace. */
  readonly digestRange?: Range;
  /** Where a new digest line goes (the start of the line after the last field), and its indentation. */
  readonly insertAt: { readonly line: number; readonly indent: string };
  /** The field name the digest is written under (`digest`). */
  readonly digestKey: string;
}

/**
 * Provenance from the image-spec annotations (annotations.md): where the image was built from
 * (`org.opencontainers.image.source` + `.revision`), when (`.created`), what it calls itself
 * (`.version`, `.url`) and what it was built on (`.base.name` + `.base.digest`). Docker Official
 * Images and BuildKit put these on the index entry of each platform; others put them on the
 * manifest or the index. Annotations belong to this image alone; config labels are inherited
 * from the base image (every child of ubuntu:noble carries `org.opencontainers.image.version=24.04`),
 * so a label counts only for the source, revision, build time and base name, and says that it may
 * describe the base. Pure: no I/O, no clock.
 */
import { Annotation } from "../oci/types";
import type { AnnotationSet } from "./os/fromAnnotations";

/** One provenance value and where it was read. */
export interface ProvenanceValue {
  value: string;
  /** "index entry annotation org.opencontainers.image.source". */
  evidence: string;
  /** A config label may have been inherited from the base image. */
  fromLabel: boolean;
}

/** Where the source lives, when the source URL is a Git host we know the page layout of. */
export interface SourceRepository {
  /** "github.com", "gitlab.com", … (lowercase). */
  host: string;
  /** "docker-library/python" (no ".git"). */
  path: string;
  /** The directory inside the repository (Docker Official Images: `…python.git#<rev>:3.12/slim-trixie`). */
  directory?: string;
  /** The commit named in the URL fragment, if any. */
  ref?: string;
}

export interface ProvenanceFact {
  source?: ProvenanceValue;
  /** Parsed `source`, when it is an http(s) URL of a repository. */
  repository?: SourceRepository;
  revision?: ProvenanceValue;
  /** ISO 8601 as written; only values that parse as a date are kept. */
  created?: ProvenanceValue;
  version?: ProvenanceValue;
  url?: ProvenanceValue;
  baseName?: ProvenanceValue;
  /** Only a well-formed digest is kept. */
  baseDigest?: ProvenanceValue;
}

/** Registry strings are capped before anything else sees them. */
export const MAX_PROVENANCE_VALUE = 300;

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;
// A control character (C0, DEL, C1) or a bidirectional override makes a value misleading: dropped.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

type Field = Exclude<keyof ProvenanceFact, "repository">;

const KEYS: Readonly<Record<Field, string>> = {
  source: Annotation.source,
  revision: Annotation.revision,
  created: Annotation.created,
  version: Annotation.version,
  url: Annotation.url,
  baseName: Annotation.baseName,
  baseDigest: Annotation.baseDigest,
};

/** What a label may say: the rest (version, url, base digest) is too often the base image's. */
const LABEL_FIELDS: ReadonlySet<Field> = new Set(["source", "revision", "created", "baseName"]);

function acceptable(field: Field, raw: string): string | undefined {
  const value = raw.trim();
  if (value === "" || value.length > MAX_PROVENANCE_VALUE || UNSAFE.test(value)) return undefined;
  if (field === "created" && !Number.isFinite(Date.parse(value))) return undefined;
  if (field === "baseDigest" && !DIGEST.test(value)) return undefined;
  return value;
}

/**
 * `https://github.com/docker-library/python.git#3f2a9c1…:3.12/slim-trixie` →
 * host github.com, path docker-library/python, ref 3f2a9c1…, directory 3.12/slim-trixie.
 * Only http(s) URLs with an owner/name path; anything else is shown as text, never linked.
 */
export function parseSourceRepository(source: string): SourceRepository | undefined {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (url.username !== "" || url.password !== "") return undefined;
  const path = url.pathname
    .replace(/\/+$/, "")
    .replace(/\.git$/, "")
    .replace(/^\/+/, "");
  if (!/^[\w.-]+(?:\/[\w.-]+)+$/.test(path)) return undefined;
  const repo: SourceRepository = { host: url.hostname.toLowerCase(), path };
  const fragment = decodeURIComponent(url.hash.replace(/^#/, ""));
  if (fragment !== "") {
    const [ref, directory] = fragment.split(":", 2);
    if (ref !== undefined && /^[\w./-]{1,100}$/.test(ref)) repo.ref = ref;
    if (directory !== undefined && /^[\w./-]{1,200}$/.test(directory) && !directory.includes(".."))
      repo.directory = directory.replace(/^\/+|\/+$/g, "");
  }
  return repo;
}

/**
 * The provenance annotations of the described image: the first set that has each key wins
 * (pass the sets most specific first: index entry, manifest, index), then the config labels
 * for what a label may say. Undefined when nothing is known.
 */
export function deriveProvenance(
  sets: readonly AnnotationSet[],
  labels: Readonly<Record<string, string>>,
): ProvenanceFact | undefined {
  const fact: ProvenanceFact = {};
  for (const field of Object.keys(KEYS) as Field[]) {
    const key = KEYS[field];
    for (const set of sets) {
      const raw = set.annotations?.[key];
      const value = typeof raw === "string" ? acceptable(field, raw) : undefined;
      if (value === undefined) continue;
      fact[field] = { value, evidence: `${set.where} ${key}`, fromLabel: false };
      break;
    }
    if (fact[field] !== undefined || !LABEL_FIELDS.has(field)) continue;
    const raw = labels[key];
    const value = typeof raw === "string" ? acceptable(field, raw) : undefined;
    if (value !== undefined)
      fact[field] = {
        value,
        evidence: `config label ${key} (labels are inherited, so it may describe the base image)`,
        fromLabel: true,
      };
  }
  if (fact.source !== undefined) {
    const repository = parseSourceRepository(fact.source.value);
    if (repository !== undefined) fact.repository = repository;
  }
  return Object.keys(fact).length === 0 ? undefined : fact;
}

/** The revision to name: the annotation, else the commit in the source URL's fragment. */
export function provenanceRevision(p: ProvenanceFact): string | undefined {
  return p.revision?.value ?? p.repository?.ref;
}

/**
 * Shared fixtures for the feature tests (hover, lenses, pinning …): a FeatureContext built from
 * literal Dockerfile text (with a `|` cursor marker where a position is needed), run with `\n` and
 * `\r\n`; realistic ImageFacts derived from ../shared/realdata records (docker-library/repo-info);
 * resolver answers (Lookup) for every state; and a helper that applies edits to the text.
 *
 * Docker Hub extras (push dates, per-platform sizes, sibling tags) are not in the realdata
 * records: where a fixture adds them it says whether they are copied from a repo-info file or
 * illustrative.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { it } from "node:test";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Position, TextEdit } from "vscode-languageserver";
import { extractImageRefs, type ImageRef } from "../../../server/src/dockerfile";
import { deriveFacts } from "../../../server/src/facts/derive";
import type { HubData, HubTag, HubTagImage } from "../../../server/src/facts/hubData";
import type { FactsInput } from "../../../server/src/facts/input";
import type { ImageFacts } from "../../../server/src/facts/types";
import type { FeatureContext } from "../../../server/src/features/context";
import { parseReference } from "../../../server/src/reference";
import type { ResolveError } from "../../../server/src/registry/errors";
import type { Freshness, Lookup, PinState, Resolution, TagSummary } from "../../../server/src/resolver/types";
import { DEFAULT_SETTINGS, type FromLensSettings } from "../../../server/src/settings";
import { recordedHubRepositories, recordedSearchEntry } from "../../support/hubApi";
import { loadRecords, recordToInput, type RealRecord } from "../facts/realdata";

/** The fixed clock of every feature test. */
export const NOW = new Date("2026-11-23T12:00:00Z");
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export type Eol = "\n" | "\r\n";

// ---- documents ---------------------------------------------------------------------------------

export interface CaseOptions {
  /** Resolver answers by the reference's resolved text (`python:3.12-slim`); others are "unknown". */
  lookups?: Readonly<Record<string, Lookup>>;
  settings?: FromLensSettings;
  defaultPlatform?: string;
  now?: Date;
}

export interface FeatureCase {
  /** The document text with this run's line endings (cursor marker removed). */
  readonly text: string;
  readonly eol: Eol;
  readonly ctx: FeatureContext;
  /** Where the `|` marker was (hover cases). */
  readonly cursor: Position;
  /** The only reference whose raw text is `raw`. */
  ref(raw: string): ImageRef;
  /** `s` (written with `\n`) with this run's line endings. */
  lines(s: string): string;
  /** The text after applying `edits`. */
  apply(edits: readonly TextEdit[]): string;
}

/**
 * A FeatureContext for `lfText` with `eol` line endings. A `|` in the text marks the cursor and
 * is removed (texts without one get the cursor at 0:0); write `||` for a literal `|`.
 */
export function featureCase(lfText: string, eol: Eol, options: CaseOptions = {}): FeatureCase {
  const marked = lfText.replace(/\r?\n/g, eol);
  const marker = findMarker(marked);
  const text = (marker === -1 ? marked : marked.slice(0, marker) + marked.slice(marker + 1)).replace(
    /\|\|/g,
    "|",
  );
  const doc = TextDocument.create("file:///work/Dockerfile", "dockerfile", 7, text);
  // Built on a linux/amd64 machine for the default platform, like the ctx below says.
  const refs = extractImageRefs(text, {
    platforms: { target: options.defaultPlatform ?? "linux/amd64", build: "linux/amd64" },
  });
  const lookups = options.lookups ?? {};
  const ctx: FeatureContext = {
    doc,
    refs,
    lookup: (ref) => (ref.resolved === undefined ? undefined : lookups[ref.resolved]) ?? { state: "unknown" },
    settings: options.settings ?? DEFAULT_SETTINGS,
    now: options.now ?? NOW,
    defaultPlatform: options.defaultPlatform ?? "linux/amd64",
  };
  return {
    text,
    eol,
    ctx,
    cursor: doc.positionAt(marker === -1 ? 0 : marker),
    ref(raw) {
      const found = refs.filter((r) => r.raw === raw);
      if (found.length !== 1) {
        throw new Error(
          `expected one ref ${JSON.stringify(raw)}, found ${found.length}: ${refs.map((r) => r.raw).join(", ")}`,
        );
      }
      return found[0] as ImageRef;
    },
    lines: (s) => s.replace(/\r?\n/g, eol),
    apply: (edits) => TextDocument.applyEdits(doc, [...edits]),
  };
}

/** Index of the single `|` that is not part of `||`, or -1. */
function findMarker(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "|") continue;
    if (text[i + 1] === "|") {
      i++;
      continue;
    }
    return i;
  }
  return -1;
}

/** Defines one test per line ending (LF and CRLF). */
export function itBoth(
  name: string,
  lfText: string,
  options: CaseOptions,
  check: (c: FeatureCase) => void,
): void {
  for (const eol of ["\n", "\r\n"] as const) {
    it(`${name} (${eol === "\n" ? "LF" : "CRLF"})`, () => check(featureCase(lfText, eol, options)));
  }
}

/** Settings with some sections changed. */
export function settingsWith(change: {
  pin?: Partial<FromLensSettings["pin"]>;
  codeLens?: Partial<FromLensSettings["codeLens"]>;
}): FromLensSettings {
  return {
    ...DEFAULT_SETTINGS,
    pin: { ...DEFAULT_SETTINGS.pin, ...change.pin },
    codeLens: { ...DEFAULT_SETTINGS.codeLens, ...change.codeLens },
  };
}

// ---- facts from real records ---------------------------------------------------------------------

const RECORDS: readonly RealRecord[] = loadRecords();

export function record(id: string): RealRecord {
  const rec = RECORDS.find((r) => r.id === id);
  if (rec === undefined) throw new Error(`no realdata record ${id}`);
  return rec;
}

/**
 * The FactsInput of a realdata record. Platform digests the record did not copy get a stand-in
 * that is distinct per platform (a hash of the tag and platform; not a real image), so short
 * digests in cards differ as real ones do.
 */
export function realInput(id: string): FactsInput {
  const input = recordToInput(record(id));
  const manifest = input.resolved.manifest;
  if ("manifests" in manifest) {
    for (const d of manifest.manifests) {
      if (!/^sha256:0{40}/.test(d.digest)) continue;
      const platform = [d.platform?.os, d.platform?.architecture, d.platform?.variant, d.digest].join("/");
      d.digest = `sha256:${createHash("sha256").update(`${id} ${platform} (stand-in)`).digest("hex")}`;
    }
  }
  return input;
}

/** ImageFacts of a realdata record, with optional Docker Hub data, as the facts layer derives them. */
export function realFacts(id: string, hub?: HubData, now: Date = NOW): ImageFacts {
  const input = realInput(id);
  if (hub !== undefined) input.hub = hub;
  return deriveFacts(input, now);
}

/** The runnable platforms of a record with the digests realInput gives them. */
function platformDigests(id: string): { p: RealRecord["platforms"][number]; digest: string }[] {
  const input = realInput(id);
  const manifest = input.resolved.manifest;
  const descriptors = "manifests" in manifest ? manifest.manifests : [];
  return record(id)
    .platforms.map((p, i) => ({ p, digest: descriptors[i]?.digest ?? "" }))
    .filter(({ p }) => !p.isAttestation);
}

function hubImages(id: string, sizes: Readonly<Record<string, number>>): HubTagImage[] {
  return platformDigests(id).map(({ p, digest }) => {
    const key = [p.os, p.architecture, p.variant].filter((s) => s !== null).join("/");
    const image: HubTagImage = { os: p.os, architecture: p.architecture, variant: p.variant, digest };
    const size = sizes[key];
    if (size !== undefined) image.size = size;
    return image;
  });
}

export const PYTHON_SLIM = "python:3.12-slim";
export const PYTHON_SLIM_DIGEST = record(PYTHON_SLIM).indexDigest;
export const PYTHON_SLIM_AMD64 = record(PYTHON_SLIM).amd64.digest;
/** Illustrative: a digest python:3.12-slim pointed at before it moved (not a real image). */
export const PYTHON_SLIM_OLD_DIGEST = `sha256:${"5eed".repeat(16)}`;
/** Illustrative: the amd64 manifest of that older index (not a real image). */
export const PYTHON_SLIM_OLD_AMD64 = `sha256:${"0a4d".repeat(16)}`;

/**
 * python:3.12-slim (realdata) with Docker Hub data: pushed 3 days before NOW, its sibling tags
 * 3.12.13-slim, 3.12-slim-trixie and 3.12.13-slim-trixie (the naming scheme of the official
 * image), and compressed sizes. Push date and sizes are illustrative, in the range Hub shows
 * for this tag.
 */
export function pythonSlimFacts(): ImageFacts {
  const tag: HubTag = {
    name: "3.12-slim",
    digest: PYTHON_SLIM_DIGEST,
    lastPushed: new Date(NOW.getTime() - 3 * DAY).toISOString(),
    images: hubImages(PYTHON_SLIM, {
      "linux/amd64": 41_213_446,
      "linux/arm/v5": 36_905_102,
      "linux/arm/v7": 34_817_230,
      "linux/arm64/v8": 40_102_553,
      "linux/386": 42_018_911,
      "linux/ppc64le": 45_337_020,
      "linux/riscv64": 39_871_654,
      "linux/s390x": 40_455_713,
    }),
  };
  const siblings = ["3.12.13-slim", "3.12-slim-trixie", "3.12.13-slim-trixie", "3.12-slim-bookworm"];
  return realFacts(PYTHON_SLIM, {
    tag,
    tags: [
      tag,
      ...siblings.map((name) => ({
        name,
        digest: name.endsWith("bookworm") ? `sha256:${"b0".repeat(32)}` : PYTHON_SLIM_DIGEST,
      })),
    ],
  });
}

/**
 * ubuntu:noble (realdata) with the compressed sizes copied from the repo-info file it came from
 * (raw/ubuntu__noble.md, "Total Size" of each platform) and its Last Modified date.
 */
export function ubuntuNobleFacts(): ImageFacts {
  const tag: HubTag = {
    name: "noble",
    digest: record("ubuntu:noble").indexDigest,
    lastPushed: "2026-07-31T22:22:57Z",
    images: hubImages("ubuntu:noble", {
      "linux/amd64": 29_751_109,
      "linux/arm/v7": 26_872_495,
      "linux/arm64/v8": 28_886_818,
      "linux/ppc64le": 34_310_673,
      "linux/riscv64": 30_982_563,
      "linux/s390x": 29_935_711,
    }),
  };
  return realFacts("ubuntu:noble", { tag, tags: [tag] });
}

// ---- resolver answers -------------------------------------------------------------------------

export function fresh(ageMs: number, now: Date = NOW): Freshness {
  return { kind: "fresh", fetchedAt: now.getTime() - ageMs };
}

export interface ResolutionOptions {
  pin?: PinState;
  /** Default: the facts' index digest. */
  tagDigest?: string;
  wanted?: string;
  offered?: boolean;
  tags?: string[];
  tagSummaries?: Record<string, TagSummary>;
}

export function resolution(text: string, facts: ImageFacts, options: ResolutionOptions = {}): Resolution {
  const parsed = parseReference(text);
  if (!parsed.ok) throw new Error(`fixture reference ${text}: ${parsed.error.message}`);
  const r: Resolution = {
    reference: parsed.value,
    tagDigest: options.tagDigest ?? facts.indexDigest,
    tagFetchedAt: NOW.getTime() - 12 * MINUTE,
    facts,
    platform: { wanted: options.wanted ?? "linux/amd64", offered: options.offered ?? true },
  };
  if (options.pin !== undefined) r.pin = options.pin;
  if (options.tags !== undefined) r.tags = options.tags;
  if (options.tagSummaries !== undefined) r.tagSummaries = options.tagSummaries;
  return r;
}

/** python:3.12-slim pinned each way a pin can stand: what the tests write, by state. */
export const PINNED_PYTHON = {
  /** The tag still points at the pinned index. */
  current: `python:3.12-slim@${PYTHON_SLIM_DIGEST}`,
  /** An older index: the tag moved 5 days ago. */
  moved: `python:3.12-slim@${PYTHON_SLIM_OLD_DIGEST}`,
  /** A deliberate pin of an older amd64 manifest; the tag's amd64 image is now PYTHON_SLIM_AMD64. */
  platform: `python:3.12-slim@${PYTHON_SLIM_OLD_AMD64}`,
  /** A tag gone from the registry, next to a digest that still exists. */
  tagMissing: `python:3.12.9-slim@${PYTHON_SLIM_DIGEST}`,
} as const;

/** Resolved lookups for PINNED_PYTHON, with pythonSlimFacts() unless other facts are given per state. */
export function pinnedPythonLookups(
  facts: Partial<Record<keyof typeof PINNED_PYTHON, ImageFacts>> = {},
): Record<string, Lookup> {
  const python = pythonSlimFacts();
  return {
    [PINNED_PYTHON.current]: resolved(PINNED_PYTHON.current, facts.current ?? python, {
      pin: { kind: "current" },
    }),
    [PINNED_PYTHON.moved]: resolved(PINNED_PYTHON.moved, facts.moved ?? python, {
      pin: {
        kind: "moved",
        currentDigest: PYTHON_SLIM_DIGEST,
        movedAt: new Date(NOW.getTime() - 5 * DAY).toISOString(),
      },
    }),
    [PINNED_PYTHON.platform]: resolved(PINNED_PYTHON.platform, facts.platform ?? python, {
      pin: {
        kind: "platform-manifest",
        platform: "linux/amd64",
        indexDigest: PYTHON_SLIM_DIGEST,
        platformDigestNow: PYTHON_SLIM_AMD64,
      },
    }),
    [PINNED_PYTHON.tagMissing]: resolved(PINNED_PYTHON.tagMissing, facts.tagMissing ?? python, {
      pin: { kind: "tag-missing" },
    }),
  };
}

/** A resolved lookup, cached 12 minutes ago unless told otherwise. */
export function resolved(
  text: string,
  facts: ImageFacts,
  options: ResolutionOptions & { freshness?: Freshness } = {},
): Lookup {
  return {
    state: "resolved",
    resolution: resolution(text, facts, options),
    freshness: options.freshness ?? fresh(12 * MINUTE),
  };
}

export function failed(
  error: ResolveError,
  extra: { tags?: string[]; tagSummaries?: Record<string, TagSummary>; previous?: Lookup | undefined } = {},
): Lookup {
  const lookup: Lookup = { state: "error", error };
  if (extra.tags !== undefined) lookup.tags = extra.tags;
  if (extra.tagSummaries !== undefined) lookup.tagSummaries = extra.tagSummaries;
  if (extra.previous?.state === "resolved") {
    lookup.previous = { resolution: extra.previous.resolution, freshness: extra.previous.freshness };
  }
  return lookup;
}

/** Resolving, optionally with what the cache had (its freshness replaced when given). */
export function resolving(previous?: Lookup, freshness?: Freshness): Lookup {
  if (previous?.state !== "resolved") return { state: "resolving" };
  return {
    state: "resolving",
    previous: { resolution: previous.resolution, freshness: freshness ?? previous.freshness },
  };
}

// ---- rules, diagnostics, code actions and completion ------------------------------------------

/** Settings with any top-level values changed; `rules` is merged into the default severities. */
export function settingsFrom(
  change: Partial<Omit<FromLensSettings, "rules">> & { rules?: Partial<FromLensSettings["rules"]> },
): FromLensSettings {
  const { rules, ...rest } = change;
  return { ...DEFAULT_SETTINGS, ...rest, rules: { ...DEFAULT_SETTINGS.rules, ...rules } };
}

const HUB_FIXTURES = path.resolve(__dirname, "../../fixtures/hub");

/**
 * Docker Hub data for `repository` ("library/python") from test/fixtures/hub (the loopback Hub
 * API's files; their README says which values are real: tag names' digests and images come from
 * realdata, sibling tags such as 3.12-slim-trixie are illustrative), as the facts layer reads it:
 * the search badge, the tag being resolved, and every tag for aliases.
 */
export function hubFixture(repository: string, tagName?: string): HubData {
  const file = path.join(HUB_FIXTURES, `${repository.replace("/", "__")}.json`);
  // Repositories Docker Hub's recorded answers cover (../shared/hub-recordings) come from there.
  const recorded = existsSync(file)
    ? undefined
    : recordedHubRepositories().find((r) => `${r.namespace}/${r.name}` === repository);
  const raw = (
    recorded
      ? { search: recordedSearchEntry(repository), tags: recorded.tags }
      : JSON.parse(readFileSync(file, "utf8"))
  ) as {
    search?: { badge?: string };
    tags: (HubTag & { _source?: string })[];
  };
  const tags: HubTag[] = raw.tags.map(({ _source: _, ...tag }) => tag);
  const badge = raw.search?.badge;
  const hub: HubData = { tags };
  if (badge === "official" || badge === "verified_publisher" || badge === "open_source" || badge === "none")
    hub.badge = badge;
  const tag = tags.find((t) => t.name === tagName);
  if (tag !== undefined) hub.tag = tag;
  return hub;
}

/** Facts of a realdata record ("python:3.12-slim") with its test/fixtures/hub tags and badge. */
export function realFactsWithHub(id: string, now: Date = NOW): ImageFacts {
  const rec = record(id);
  return realFacts(id, hubFixture(`library/${rec.image}`, rec.tag), now);
}

/** The tag names of a test/fixtures/hub repository, as a resolver's bounded tag listing gives them. */
export function hubTagNames(repository: string): string[] {
  return (hubFixture(repository).tags ?? []).map((t) => t.name);
}

/**
 * Facts of a realdata record resolved under another tag of the same image, with that tag's Hub
 * data from test/fixtures/hub: `realFactsAs("ubuntu:noble", "latest")` is ubuntu:latest, whose
 * aliases (noble, 24.04) share the index digest there.
 */
export function realFactsAs(id: string, tag: string, now: Date = NOW): ImageFacts {
  const rec = record(id);
  const input = realInput(id);
  input.reference = { ...input.reference, tag };
  input.hub = hubFixture(`library/${rec.image}`, tag);
  return deriveFacts(input, now);
}

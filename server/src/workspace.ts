/**
 * The glue between open documents and the resolver, free of any connection: for each document
 * it keeps the image references, asks the resolver for the remote ones (the document being
 * edited first), releases what a document no longer uses, and builds the FeatureContext the
 * pure features read. The server wiring calls it and turns its answers into LSP messages.
 */
import * as os from "node:os";
import type { CompletionItem, Position } from "vscode-languageserver-types";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { BuildPlatforms, ImageRef } from "./dockerfile";
import type { FeatureContext } from "./features/context";
import { wantedPlatform } from "./features/context";
import { provideTagCompletions, tagQueryAt } from "./features/completion";
import { officialCounterpart } from "./features/officialCounterpart";
import { PARSED_TEXTS_KEPT, parseRef } from "./features/rules/support/refs";
import { parseReference, type Reference } from "./reference";
import { dotEnvBeside } from "./dotEnvFile";
import { isLargeDocument } from "./largeDocuments";
import type { OffThreadReader } from "./offThreadReader";
import { extractRefs } from "./sources";
import { requestKey, type Priority, type ResolveRequest, type Resolver } from "./resolver/resolver";
import type { AttestationLookup, AttestationStore } from "./resolver/attestations";
import type { SignatureLookup, SignatureStore } from "./resolver/signatures";
import type { Lookup } from "./resolver/types";
import type { FromLensSettings } from "./settings";

const NODE_ARCH_TO_OCI: Readonly<Record<string, string>> = {
  x64: "amd64",
  arm64: "arm64",
  arm: "arm/v7",
  ia32: "386",
  ppc64: "ppc64le",
  s390x: "s390x",
  riscv64: "riscv64",
};

function ociPlatform(arch: string): string {
  return `linux/${NODE_ARCH_TO_OCI[arch] ?? arch}`;
}

/** Asked for every reference on every edit: worked out once. */
const THIS_MACHINE = ociPlatform(os.arch());

/** This machine's platform in OCI terms ("linux/amd64", "linux/arm64"), or `arch`'s. */
export function machinePlatform(arch?: string): string {
  return arch === undefined ? THIS_MACHINE : ociPlatform(arch);
}

export function defaultPlatform(settings: FromLensSettings): string {
  return settings.defaultPlatform || machinePlatform();
}

/**
 * The platforms a build from this machine uses, for the automatic platform ARGs: it targets
 * `fromLens.defaultPlatform` (like `docker build --platform`), else this machine's platform, and
 * runs on this machine.
 */
export function buildPlatforms(settings: FromLensSettings): BuildPlatforms {
  return { target: defaultPlatform(settings), build: machinePlatform() };
}

/** The resolver request for a reference, or undefined for what is never resolved remotely. */
export function requestFor(ref: ImageRef, settings: FromLensSettings): ResolveRequest | undefined {
  if (ref.isStageRef || ref.isScratch || ref.resolved === undefined) return undefined;
  // The rules ask for each reference's lookup many times per edit, and the same image recurs in
  // stages and in each version of a document: one frozen request per text and platform, so its
  // key (requestKey) is worked out once too.
  const platform = wantedPlatform(ref, defaultPlatform(settings));
  let forPlatform = requests.get(platform);
  const known = forPlatform?.get(ref.resolved);
  if (known !== undefined) return known ?? undefined;
  const reference = parseRef(ref);
  const request = reference ? Object.freeze({ reference, platform }) : null;
  if (++requestsKept > PARSED_TEXTS_KEPT) {
    requests.clear();
    requestsKept = 1;
    forPlatform = undefined;
  }
  if (forPlatform === undefined)
    requests.set(platform, (forPlatform = new Map<string, ResolveRequest | null>()));
  forPlatform.set(ref.resolved, request);
  return request ?? undefined;
}

/** Lookups of images no open document uses, kept in memory for documents opened again soon. */
const KEEP_CLOSED_LOOKUPS = 200;

/** Platform → reference text → its request (null: not a valid reference); requestsKept in all. */
const requests = new Map<string, Map<string, ResolveRequest | null>>();
let requestsKept = 0;

interface DocumentState {
  version: number;
  /** The target platform the references were read for (platform ARGs depend on it). */
  target: string;
  refs: ImageRef[];
  keys: Set<string>;
}

export interface ImageWorkspaceOptions {
  /** DOCKER_CONTENT_TRUST=1 where the server runs (the editor's environment). */
  readonly contentTrust?: boolean;
  /** BuildKit attestations fetched on request (absent: the card never offers them). */
  readonly attestations?: AttestationStore;
  /** Signature checks (absent: the card says nothing of signatures). */
  readonly signatures?: SignatureStore;
  /** Where documents above fromLens.largeDocumentKB are read (absent: on this thread). */
  readonly offThread?: OffThreadReader;
  /** A line for the log (a large document that could not be read). */
  readonly log?: (message: string) => void;
}

export class ImageWorkspace {
  private readonly docs = new Map<string, DocumentState>();
  /** References read for a request from a version `update` has not seen yet. */
  private readonly unqueued = new Map<string, { version: number; target: string; refs: ImageRef[] }>();
  /** Reads of large documents under way on the worker, one per document. */
  private readonly reading = new Map<string, { version: number; target: string; done: Promise<void> }>();
  private readonly contentTrust: boolean;
  private readonly attestations: AttestationStore | undefined;
  private readonly signatures: SignatureStore | undefined;

  constructor(
    private readonly resolver: Resolver,
    private readonly options: ImageWorkspaceOptions = {},
  ) {
    this.contentTrust = options.contentTrust ?? process.env.DOCKER_CONTENT_TRUST === "1";
    this.attestations = options.attestations;
    this.signatures = options.signatures;
  }

  /**
   * Makes the references of the document's current version ready without blocking the thread:
   * a document above fromLens.largeDocumentKB is read on the worker (the other requests are
   * answered meanwhile); a smaller one is read when first asked for, as before. Afterwards
   * `update`, `refs` and `context` answer from what was read. Never rejects.
   */
  async ready(doc: TextDocument, settings: FromLensSettings): Promise<void> {
    const reader = this.options.offThread;
    // A version that changes while it is read is read again, a few times at most.
    for (let attempt = 0; attempt < 3; attempt++) {
      const version = doc.version;
      const target = buildPlatforms(settings).target;
      const known = (x: { version: number; target: string } | undefined): boolean =>
        x !== undefined && x.version === version && x.target === target;
      if (known(this.docs.get(doc.uri)) || known(this.unqueued.get(doc.uri))) return;
      if (!reader?.available || !isLargeDocument(doc.getText().length, settings)) return;
      const under = this.reading.get(doc.uri);
      if (under && known(under)) await under.done;
      else await this.readOffThread(reader, doc, settings);
      if (doc.version === version) return;
    }
  }

  private readOffThread(
    reader: OffThreadReader,
    doc: TextDocument,
    settings: FromLensSettings,
  ): Promise<void> {
    const platforms = buildPlatforms(settings);
    const { uri, version, languageId } = doc;
    const done = reader.read({ uri, languageId, version, text: doc.getText(), platforms }).then((read) => {
      // Closed meanwhile, or a newer version is being read: this answer is of no use.
      if (this.reading.get(uri)?.done !== done) return;
      this.reading.delete(uri);
      if (read.ok) {
        this.unqueued.set(uri, { version, target: platforms.target, refs: read.refs });
      } else if (read.reason === "failed") {
        // Nothing is claimed of a document that could not be read: no references, and a log line.
        this.options.log?.(`the image references of ${uri} could not be read: ${read.message}`);
        this.unqueued.set(uri, { version, target: platforms.target, refs: [] });
      }
    });
    this.reading.set(uri, { version, target: platforms.target, done });
    return done;
  }

  /** Every resolver key an open document uses. */
  allKeys(): string[] {
    return [...new Set([...this.docs.values()].flatMap((d) => [...d.keys]))];
  }

  /**
   * Checks the signatures of the image the reference resolved to, waiting at most `ms`.
   * Resolves to what is known then (undefined: nothing to check).
   */
  async checkSignature(
    ref: ImageRef,
    settings: FromLensSettings,
    ms: number,
  ): Promise<SignatureLookup | undefined> {
    const store = this.signatures;
    const request = requestFor(ref, settings);
    if (!store || !request) return undefined;
    const lookup = this.resolver.lookup(request);
    if (lookup.state !== "resolved") return undefined;
    const digest = lookup.resolution.facts.indexDigest;
    const checking = store.check(request.reference, digest, settings.trust.publicKeys);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
    const done = await Promise.race([checking, timeout]);
    clearTimeout(timer);
    return done ?? store.lookup(request.reference, digest, settings.trust.publicKeys);
  }

  /** Starts signature checks for the document's resolved images not checked yet (required signatures). */
  checkSignatures(doc: TextDocument, settings: FromLensSettings): void {
    for (const ref of this.refs(doc)) {
      const request = requestFor(ref, settings);
      const store = this.signatures;
      if (!request || !store) continue;
      const lookup = this.resolver.lookup(request);
      if (lookup.state !== "resolved") continue;
      const digest = lookup.resolution.facts.indexDigest;
      if (store.lookup(request.reference, digest, settings.trust.publicKeys).state === "unchecked")
        void store.check(request.reference, digest, settings.trust.publicKeys);
    }
  }

  /** Reads the document's references and queues what needs resolving. */
  update(
    doc: TextDocument,
    settings: FromLensSettings,
    priority: Priority = "visible",
    force = false,
  ): ImageRef[] {
    const cached = this.docs.get(doc.uri);
    const platforms = buildPlatforms(settings);
    const read = this.unqueued.get(doc.uri);
    this.unqueued.delete(doc.uri);
    const refs =
      cached && cached.version === doc.version && cached.target === platforms.target && !force
        ? cached.refs
        : read && read.version === doc.version && read.target === platforms.target && !force
          ? read.refs
          : extractRefs(doc, dotEnvBeside, { platforms });
    // Mirrors of official images are compared with their Docker Hub original (diverges-from-official).
    const counterparts = refs.map(officialCounterpart).filter((r): r is ImageRef => r !== undefined);
    const requests = [...refs, ...counterparts]
      .map((r) => requestFor(r, settings))
      .filter((r): r is ResolveRequest => r !== undefined);
    const keys = new Set(requests.map(requestKey));
    // slim-final-stage suggests a slim tag of the final stage's image: its tag list is needed.
    const final = refs.filter((r) => r.kind === "from").pop();
    const finalRequest =
      final && settings.rules["slim-final-stage"] !== "off" ? requestFor(final, settings) : undefined;
    if (finalRequest) this.resolver.wantTags(finalRequest.reference);
    this.docs.set(doc.uri, { version: doc.version, target: platforms.target, refs, keys });
    this.resolver.release(doc.uri, keys);
    this.resolver.request(requests, doc.uri, priority, force);
    return refs;
  }

  close(uri: string): void {
    this.docs.delete(uri);
    this.unqueued.delete(uri);
    this.reading.delete(uri);
    this.resolver.release(uri);
    // Images no open document uses stay in memory only up to a bound (the disk cache keeps them).
    this.resolver.prune(new Set(this.allKeys()), KEEP_CLOSED_LOOKUPS);
  }

  /** Documents that use any of these resolver keys. */
  urisUsing(keys: readonly string[]): string[] {
    const wanted = new Set(keys);
    return [...this.docs.entries()]
      .filter(([, s]) => [...s.keys].some((k) => wanted.has(k)))
      .map(([uri]) => uri);
  }

  refs(doc: TextDocument, settings?: FromLensSettings): ImageRef[] {
    const s = this.docs.get(doc.uri);
    const platforms = settings === undefined ? undefined : buildPlatforms(settings);
    const fits = (x: { version: number; target: string } | undefined): boolean =>
      x !== undefined &&
      x.version === doc.version &&
      (platforms === undefined || x.target === platforms.target);
    if (s && fits(s)) return s.refs;
    // A version not worked on yet (its changes wait for the typing to pause): read once, not per request.
    const read = this.unqueued.get(doc.uri);
    if (read && fits(read)) return read.refs;
    const target = platforms ?? { target: s?.target ?? machinePlatform(), build: machinePlatform() };
    const refs = extractRefs(doc, dotEnvBeside, { platforms: target });
    this.unqueued.set(doc.uri, { version: doc.version, target: target.target, refs });
    return refs;
  }

  /**
   * What the features read of one document at one moment. Its lookups are memoized per reference
   * (one context is built per request or diagnostics pass, and used at once): every rule asks for
   * the same references, and each ask used to parse the reference text again.
   */
  context(doc: TextDocument, settings: FromLensSettings, now: Date = new Date()): FeatureContext {
    const lookups = new Map<ImageRef, Lookup>();
    return {
      doc,
      refs: this.refs(doc, settings),
      lookup: (ref) => {
        let lookup = lookups.get(ref);
        if (lookup === undefined) {
          lookup = this.lookup(ref, settings);
          lookups.set(ref, lookup);
        }
        return lookup;
      },
      settings,
      now,
      defaultPlatform: defaultPlatform(settings),
      contentTrust: this.contentTrust,
      ...(this.attestations ? { attestation: this.attestations.lookup.bind(this.attestations) } : {}),
      ...(this.signatures
        ? {
            signature: (reference: Reference, digest: string) =>
              this.signatures?.lookup(reference, digest, settings.trust.publicKeys) ?? { state: "unchecked" },
          }
        : {}),
    };
  }

  /**
   * Fetches the BuildKit attestation of the image the reference resolved to (the platform its
   * facts describe), waiting at most `ms`; the card then shows it. Resolves to what is known.
   */
  async fetchAttestation(
    ref: ImageRef,
    settings: FromLensSettings,
    ms: number,
  ): Promise<AttestationLookup | undefined> {
    const store = this.attestations;
    const request = requestFor(ref, settings);
    if (!store || !request) return undefined;
    const lookup = this.resolver.lookup(request);
    if (lookup.state !== "resolved") return undefined;
    const facts = lookup.resolution.facts;
    const fetching = store.fetch(request.reference, facts);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
    const done = await Promise.race([fetching, timeout]);
    clearTimeout(timer);
    return done ?? store.lookup(facts);
  }

  lookup(ref: ImageRef, settings: FromLensSettings): Lookup {
    const request = requestFor(ref, settings);
    return request ? this.resolver.lookup(request) : { state: "unknown" };
  }

  /**
   * Tag completion: what the resolver already knows, and — when none of it starts with what is
   * being typed — a search of the repository's further tags, waited for at most `waitMs`.
   * Undefined outside an image tag or digest.
   */
  async completeTags(
    doc: TextDocument,
    settings: FromLensSettings,
    position: Position,
    waitMs: number,
  ): Promise<CompletionItem[] | undefined> {
    let ctx = this.context(doc, settings);
    let known = provideTagCompletions(ctx, position);
    const query = tagQueryAt(ctx, position);
    const typed = query === undefined ? undefined : parseReference(query.name);
    if (typed?.ok && query !== undefined && (known === undefined || known.length === 0)) {
      // Tag lists are fetched when needed: now, for the repository being completed.
      await this.resolver.loadTags(typed.value, waitMs);
      ctx = this.context(doc, settings);
      known = provideTagCompletions(ctx, position);
    }
    if (known === undefined || query === undefined || query.prefix === "") return known;
    if (known.some((item) => item.label.startsWith(query.prefix))) return known;
    const name = parseReference(query.name);
    if (!name.ok) return known;
    const more = await this.resolver.searchTags(name.value, query.prefix, waitMs);
    return more.length > 0 ? (provideTagCompletions(ctx, position, more) ?? known) : known;
  }

  /** Makes sure every reference of the document is resolved (or has failed), waiting at most `ms` in all. */
  async waitForAll(doc: TextDocument, settings: FromLensSettings, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    for (const ref of this.update(doc, settings, "visible")) {
      await this.waitFor(ref, settings, Math.max(0, deadline - Date.now()));
    }
  }

  /** Waits up to `ms` for the reference at hand to finish resolving (hover). */
  async waitFor(ref: ImageRef, settings: FromLensSettings, ms: number): Promise<void> {
    const request = requestFor(ref, settings);
    if (request) await this.resolver.waitFor(request, ms);
  }
}

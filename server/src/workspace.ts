/**
 * The glue between open documents and the resolver, free of any connection: for each document
 * it keeps the image references, asks the resolver for the remote ones (the document being
 * edited first), releases what a document no longer uses, and builds the FeatureContext the
 * pure features read. The server wiring calls it and turns its answers into LSP messages.
 */
import * as os from "node:os";
import type { CompletionItem, Position } from "vscode-languageserver-types";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ImageRef } from "./dockerfile";
import type { FeatureContext } from "./features/context";
import { wantedPlatform } from "./features/context";
import { provideTagCompletions, tagQueryAt } from "./features/completion";
import { officialCounterpart } from "./features/rules/divergesFromOfficial";
import { parseReference } from "./reference";
import { parseDotEnv } from "./sources/compose";
import { extractRefs } from "./sources";
import { requestKey, type Priority, type ResolveRequest, type Resolver } from "./resolver/resolver";
import type { Lookup } from "./resolver/types";
import type { FromLensSettings } from "./settings";

/** This machine's platform in OCI terms ("linux/amd64", "linux/arm64"). */
export function machinePlatform(arch: string = os.arch()): string {
  const map: Record<string, string> = {
    x64: "amd64",
    arm64: "arm64",
    arm: "arm/v7",
    ia32: "386",
    ppc64: "ppc64le",
    s390x: "s390x",
    riscv64: "riscv64",
  };
  return `linux/${map[arch] ?? arch}`;
}

export function defaultPlatform(settings: FromLensSettings): string {
  return settings.defaultPlatform || machinePlatform();
}

/** The resolver request for a reference, or undefined for what is never resolved remotely. */
export function requestFor(ref: ImageRef, settings: FromLensSettings): ResolveRequest | undefined {
  if (ref.isStageRef || ref.isScratch || ref.resolved === undefined) return undefined;
  const parsed = parseReference(ref.resolved);
  if (!parsed.ok) return undefined;
  return { reference: parsed.value, platform: wantedPlatform(ref, defaultPlatform(settings)) };
}

interface DocumentState {
  version: number;
  refs: ImageRef[];
  keys: Set<string>;
}

export class ImageWorkspace {
  private readonly docs = new Map<string, DocumentState>();

  constructor(
    private readonly resolver: Resolver,
    /** DOCKER_CONTENT_TRUST=1 where the server runs (the editor's environment). */
    private readonly contentTrust = process.env.DOCKER_CONTENT_TRUST === "1",
  ) {}

  /** Reads the document's references and queues what needs resolving. */
  update(
    doc: TextDocument,
    settings: FromLensSettings,
    priority: Priority = "visible",
    force = false,
  ): ImageRef[] {
    const cached = this.docs.get(doc.uri);
    const refs =
      cached && cached.version === doc.version && !force ? cached.refs : extractRefs(doc, dotEnvBeside);
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
    this.docs.set(doc.uri, { version: doc.version, refs, keys });
    this.resolver.release(doc.uri, keys);
    this.resolver.request(requests, doc.uri, priority, force);
    return refs;
  }

  close(uri: string): void {
    this.docs.delete(uri);
    this.resolver.release(uri);
  }

  /** Documents that use any of these resolver keys. */
  urisUsing(keys: readonly string[]): string[] {
    const wanted = new Set(keys);
    return [...this.docs.entries()]
      .filter(([, s]) => [...s.keys].some((k) => wanted.has(k)))
      .map(([uri]) => uri);
  }

  refs(doc: TextDocument): ImageRef[] {
    const s = this.docs.get(doc.uri);
    return s && s.version === doc.version ? s.refs : extractRefs(doc, dotEnvBeside);
  }

  context(doc: TextDocument, settings: FromLensSettings, now: Date = new Date()): FeatureContext {
    return {
      doc,
      refs: this.refs(doc),
      lookup: (ref) => this.lookup(ref, settings),
      settings,
      now,
      defaultPlatform: defaultPlatform(settings),
      contentTrust: this.contentTrust,
    };
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
  async settleAll(doc: TextDocument, settings: FromLensSettings, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    for (const ref of this.update(doc, settings, "visible")) {
      await this.settle(ref, settings, Math.max(0, deadline - Date.now()));
    }
  }

  /** Waits up to `ms` for the reference at hand to finish resolving (hover). */
  async settle(ref: ImageRef, settings: FromLensSettings, ms: number): Promise<void> {
    const request = requestFor(ref, settings);
    if (request) await this.resolver.waitFor(request, ms);
  }
}

/** The `.env` file beside a Compose file on disk (what `docker compose` reads), or nothing. */
function dotEnvBeside(doc: TextDocument): Record<string, string> {
  if (!doc.uri.startsWith("file:")) return {};
  try {
    return parseDotEnv(readFileSync(join(dirname(fileURLToPath(doc.uri)), ".env"), "utf8"));
  } catch {
    return {};
  }
}

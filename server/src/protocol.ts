/**
 * FROM Lens' own LSP messages beyond the standard protocol, in one place (like rust-analyzer's
 * lsp_ext.ts). Each says its direction. The client imports these definitions too.
 */
import { NotificationType, type TextEdit } from "vscode-languageserver-protocol";

/** The configuration section the server asks for with `workspace/configuration`. */
export const SETTINGS_SECTION = "fromLens";

/** Options the client passes in `initialize` (`initializationOptions`). */
export interface InitializationOptions {
  /** The extension's global storage dir, for the image cache. */
  storagePath?: string;
  /** False in an untrusted workspace: run no credential helper, ignore risky workspace settings. */
  workspaceTrusted?: boolean;
  /** VS Code's `http.proxy`, when set. */
  httpProxy?: string;
  /** VS Code's `http.noProxy`: hosts that bypass the proxy. */
  httpNoProxy?: string[];
  /**
   * Docker Hub's registry API origin instead of https://registry-1.docker.io. Only tests and the
   * offline demo set it (to a loopback registry); credentials stay under Docker Hub's key.
   */
  hubRegistryUrl?: string;
  /**
   * Client-side commands the client can run (the VS Code client: `fromLens.showOutput`). Lenses
   * that run one are offered only to a client that lists it; other editors get server commands.
   */
  clientCommands?: string[];
  /**
   * Settings for editors that pass them at start: `{ fromLens: { offline: true, … } }`, the same
   * shape `workspace/didChangeConfiguration` carries. Lowest layer (see documentSettings.ts).
   */
  settings?: { fromLens?: unknown };
}

/** server → client: what the status bar shows. Sent whenever it changes. */
export interface StatusParams {
  /** "ready" once the server answers requests. */
  state: "starting" | "ready";
  /** A one-line summary for the status bar tooltip. */
  message: string;
  /** References being resolved or waiting. */
  resolving?: number;
  offline?: boolean;
  /** Docker Hub pulls left in the current window, when the Hub said. */
  hubRemaining?: { remaining: number; limit: number; resetAt?: number };
  /** Registry requests since the server started, by kind. */
  requests?: Record<string, number>;
}
export const StatusNotification = new NotificationType<StatusParams>("fromLens/status");

/**
 * Commands the server executes (`workspace/executeCommand`); edits are the server's, so any LSP
 * editor can pin. Arguments are one object each.
 */
export const ServerCommand = {
  /** Apply precomputed edits if the document is still at `version` (lenses and quick fixes). */
  applyEdits: "fromLens.server.applyEdits",
  /** Pin (mode "pin") or update the pins of (mode "update") every image in a document. */
  pinAll: "fromLens.server.pinAll",
  /** Resolve again, bypassing the TTL: one document's references, or all when `uri` is absent. */
  refresh: "fromLens.server.refresh",
  /** Empty the memory and disk caches. */
  clearCache: "fromLens.server.clearCache",
  /**
   * Fetch the BuildKit attestation (SLSA provenance, SBOM) of the image at `position` (else the
   * first image on its line, else in the document) and answer with its card as Markdown.
   */
  showProvenance: "fromLens.server.showProvenance",
} as const;

/**
 * Client-side commands: UI only a client can show. A client lists the ones it has in
 * `initializationOptions.clientCommands`; the server offers them to no other client.
 */
export const ClientCommand = {
  /** Show the "FROM Lens" output channel (the VS Code client). */
  showOutput: "fromLens.showOutput",
} as const;

export interface ApplyEditsArgs {
  uri: string;
  version: number;
  edits: TextEdit[];
  /** Shown as the edit's label (undo menu, preview). */
  label: string;
}

export interface PinAllArgs {
  uri: string;
  mode: "pin" | "update";
  /** Compute and return the edits without applying them (the client previews them first). */
  dryRun?: boolean;
}

/** What `pinAll` reports back to the client. */
export interface PinAllResult {
  /** References pinned or updated (or that would be, in a dry run). */
  applied: number;
  skipped: { line: number; reason: string }[];
  /** The edits, in a dry run, with the document version they were computed for. */
  edits?: TextEdit[];
  version?: number;
}

export interface ShowProvenanceArgs {
  uri: string;
  position?: { line: number; character: number };
}

/** What `showProvenance` answers: the image's card, now with its attestation read. */
export interface ProvenanceResult {
  reference: string;
  markdown: string;
}

/** What every server command answers. */
export type CommandResult =
  { ok: true; result?: PinAllResult; provenance?: ProvenanceResult } | { ok: false; message: string };

export interface RefreshArgs {
  uri?: string;
}

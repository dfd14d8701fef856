/**
 * The commands the server executes (`workspace/executeCommand`): edits are the server's, so any
 * LSP editor can pin. Each checks its arguments and answers with a value, never throws.
 */
import type { TextDocuments, WorkspaceEdit } from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Engine } from "./engine";
import { workspaceEdit } from "./features/standard";
import { pinAllEdits } from "./features/pin";
import {
  ServerCommand,
  type ApplyEditsArgs,
  type CommandResult,
  type PinAllArgs,
  type PinAllResult,
  type RefreshArgs,
  type ShowProvenanceArgs,
} from "./protocol";
import { showProvenance } from "./provenanceCommand";
import type { FromLensSettings } from "./settings";
import { isRecord } from "./json";

/** How long "pin all" waits for a document's images to resolve before pinning what it has. */
const PIN_ALL_WAIT_MS = 20_000;

export interface CommandEnv {
  documents: TextDocuments<TextDocument>;
  engine: Engine;
  settings: (uri: string) => Promise<FromLensSettings>;
  applyEdit: (edit: WorkspaceEdit) => Promise<boolean>;
  documentChanges: boolean;
  refreshAll: () => void;
}

function argsOf<T>(args: unknown[], check: (v: Record<string, unknown>) => boolean): T | undefined {
  const a = args[0];
  return isRecord(a) && check(a) ? (a as T) : undefined;
}

export async function executeCommand(
  command: string,
  args: unknown[],
  env: CommandEnv,
): Promise<CommandResult> {
  switch (command) {
    case ServerCommand.applyEdits: {
      const a = argsOf<ApplyEditsArgs>(
        args,
        (v) => typeof v.uri === "string" && typeof v.version === "number" && Array.isArray(v.edits),
      );
      if (!a) return { ok: false, message: "FROM Lens: the edit's arguments are malformed." };
      const doc = env.documents.get(a.uri);
      if (!doc || doc.version !== a.version) {
        return {
          ok: false,
          message: "The Dockerfile changed since this was computed; FROM Lens did not edit it. Try again.",
        };
      }
      const applied = await env.applyEdit(workspaceEdit(a.uri, a.version, a.edits, env.documentChanges));
      return applied ? { ok: true } : { ok: false, message: "The editor did not apply the edit." };
    }
    case ServerCommand.pinAll: {
      const a = argsOf<PinAllArgs>(
        args,
        (v) => typeof v.uri === "string" && (v.mode === "pin" || v.mode === "update"),
      );
      const doc = a && env.documents.get(a.uri);
      if (!a || !doc) return { ok: false, message: "FROM Lens: open the Dockerfile to pin its images." };
      const settings = await env.settings(doc.uri);
      // An explicit command: resolve what the document needs first (bounded), then pin.
      await env.engine.workspace.waitForAll(doc, settings, PIN_ALL_WAIT_MS);
      const ctx = env.engine.workspace.context(doc, settings);
      const plan = pinAllEdits(ctx, a.mode);
      if (plan.error) return { ok: false, message: plan.error };
      const result: PinAllResult = {
        applied: plan.changed,
        skipped: plan.skipped.map((s) => ({ line: s.ref.range.start.line, reason: s.reason })),
      };
      if (a.dryRun) return { ok: true, result: { ...result, edits: plan.edits, version: doc.version } };
      if (plan.edits.length === 0) return { ok: true, result };
      const applied = await env.applyEdit(
        workspaceEdit(doc.uri, doc.version, plan.edits, env.documentChanges),
      );
      return applied ? { ok: true, result } : { ok: false, message: "The editor did not apply the edit." };
    }
    case ServerCommand.refresh: {
      const a = argsOf<RefreshArgs>(args, () => true) ?? {};
      env.engine.refresh();
      const docs = a.uri
        ? [env.documents.get(a.uri)].filter((d): d is TextDocument => d !== undefined)
        : env.documents.all();
      for (const doc of docs) env.engine.workspace.update(doc, await env.settings(doc.uri), "visible", true);
      return { ok: true };
    }
    case ServerCommand.showProvenance: {
      const a = argsOf<ShowProvenanceArgs>(args, (v) => typeof v.uri === "string");
      const doc = a && env.documents.get(a.uri);
      if (!a || !doc)
        return { ok: false, message: "FROM Lens: open the Dockerfile to show an image's provenance." };
      return showProvenance(a, doc, await env.settings(doc.uri), env.engine);
    }
    case ServerCommand.clearCache: {
      env.engine.attestations.clear();
      env.engine.signatures.clear();
      env.engine.resolver.clear();
      env.refreshAll();
      return { ok: true };
    }
    default:
      return { ok: false, message: `FROM Lens does not know the command ${command}.` };
  }
}

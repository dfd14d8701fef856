/**
 * "Show provenance" (`fromLens.server.showProvenance`): resolves the image at the position (or
 * the first on its line, or in the document), fetches its BuildKit attestation on request (a
 * manifest GET, counted by Docker Hub as a pull: that is why it is a command), and answers with
 * the image's card, which now carries the attestation. Any LSP editor can run it; the hover then
 * shows the same lines.
 */
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { ImageRef } from "./dockerfile";
import { hoverMarkdown } from "./features/hover";
import type { Engine } from "./engine";
import type { CommandResult, ShowProvenanceArgs } from "./protocol";
import { rangeContains } from "./ranges";
import type { FromLensSettings } from "./settings";
import { lookupErrorText } from "./features/lookupError";

const WAIT_MS = 20_000;

function remote(ref: ImageRef): boolean {
  return !ref.isStageRef && !ref.isScratch && ref.resolved !== undefined;
}

function refAt(refs: readonly ImageRef[], position: ShowProvenanceArgs["position"]): ImageRef | undefined {
  const candidates = refs.filter(remote);
  if (position === undefined) return candidates[0];
  return (
    candidates.find((r) => rangeContains(r.range, position)) ??
    candidates.find((r) => r.range.start.line === position.line) ??
    candidates[0]
  );
}

export async function showProvenance(
  args: ShowProvenanceArgs,
  doc: TextDocument,
  settings: FromLensSettings,
  engine: Engine,
): Promise<CommandResult> {
  const p = args.position;
  const position =
    p !== undefined && Number.isInteger(p.line) && Number.isInteger(p.character) ? p : undefined;
  const ref = refAt(engine.workspace.update(doc, settings, "visible"), position);
  if (ref === undefined)
    return { ok: false, message: "FROM Lens: there is no registry image here to show the provenance of." };
  await engine.workspace.waitFor(ref, settings, WAIT_MS);
  const lookup = engine.workspace.lookup(ref, settings);
  if (lookup.state !== "resolved") {
    return {
      ok: false,
      message:
        lookup.state === "error"
          ? `FROM Lens could not resolve ${ref.resolved ?? ref.raw}: ${lookupErrorText(lookup.error)}`
          : `FROM Lens is still resolving ${ref.resolved ?? ref.raw}; try again in a moment.`,
    };
  }
  await Promise.all([
    engine.workspace.fetchAttestation(ref, settings, WAIT_MS),
    engine.workspace.checkSignature(ref, settings, WAIT_MS),
  ]);
  const ctx = engine.workspace.context(doc, settings);
  return { ok: true, provenance: { reference: ref.resolved ?? ref.raw, markdown: hoverMarkdown(ctx, ref) } };
}

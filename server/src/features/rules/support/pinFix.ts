/** Quick fixes that pin or update a pin through pin.ts, the one pinning routine. */
import type { ImageRef } from "../../../dockerfile";
import type { FeatureContext } from "../../context";
import { pinEdits, type PinMode } from "../../pin";
import type { QuickFix } from "../rule";

export function pinFix(ctx: FeatureContext, ref: ImageRef, mode: PinMode): QuickFix[] {
  const plan = pinEdits(ctx, ref, mode);
  if ("error" in plan || plan.edits.length === 0) return [];
  return [{ title: plan.label, edits: plan.edits, isPreferred: true }];
}

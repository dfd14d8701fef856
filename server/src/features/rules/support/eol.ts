/**
 * The base OS end-of-life facts eol-base and eol-soon share. The status is worked out again from
 * the EOL date and the context's clock: facts may have been cached days ago.
 */
import type { ImageRef } from "../../../dockerfile";
import { daysUntil, eolStatus } from "../../../facts/eol";
import type { EolStatus, KnownOs } from "../../../facts/types";
import type { FeatureContext } from "../../context";
import { imageRefs, settledResolution } from "./refs";

export interface EolBase {
  ref: ImageRef;
  os: KnownOs;
  days: number;
}

/** FROM references whose base OS has the given status on `ctx.now`. */
export function basesWithStatus(ctx: FeatureContext, status: EolStatus): EolBase[] {
  const out: EolBase[] = [];
  for (const ref of imageRefs(ctx, ["from"])) {
    const os = settledResolution(ctx, ref)?.facts.os;
    if (os?.status !== "known") continue;
    const days = daysUntil(os.eol, ctx.now);
    if (days === undefined || eolStatus(os.eol, ctx.now) !== status) continue;
    out.push({ ref, os, days });
  }
  return out;
}

/** "Debian 12 (bookworm)", "Alpine Linux 3.18.12". */
export function osLabel(os: KnownOs): string {
  const version = os.version === null ? "" : ` ${os.version}`;
  const codename = os.codename === null || os.codename === os.version ? "" : ` (${os.codename})`;
  return `${os.name}${version}${codename}`;
}

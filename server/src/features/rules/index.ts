/**
 * Every FROM Lens rule, in the order their diagnostics are listed. One per code of
 * RULE_DEFAULTS (a unit test keeps the two in step); diagnostics.ts builds the active list from
 * the settings.
 */
import { authMisconfigured } from "./authMisconfigured";
import { contentTrust } from "./contentTrust";
import { digestOnly } from "./digestOnly";
import { disallowedImage } from "./disallowedImage";
import { divergesFromOfficial } from "./divergesFromOfficial";
import { eolBase } from "./eolBase";
import { eolSoon } from "./eolSoon";
import { floatingTag } from "./floatingTag";
import { implicitLatest } from "./implicitLatest";
import { invalidReference } from "./invalidReference";
import { invalidStageReference } from "./invalidStageReference";
import { latestTag } from "./latestTag";
import { lookalikeImage } from "./lookalikeImage";
import { muslVariant } from "./muslVariant";
import { platformPin } from "./platformPin";
import { platformUnavailable } from "./platformUnavailable";
import { rateLimited } from "./rateLimited";
import { registryUnreachable } from "./registryUnreachable";
import type { Rule } from "./rule";
import { slimFinalStage } from "./slimFinalStage";
import { stalePin } from "./stalePin";
import { unauthorized } from "./unauthorized";
import { unknownDigest } from "./unknownDigest";
import { unknownRepository } from "./unknownRepository";
import { unknownTag } from "./unknownTag";
import { unpinned } from "./unpinned";
import { unresolvableArg } from "./unresolvableArg";
import { unsignedImage } from "./unsignedImage";
import { untrustedSource } from "./untrustedSource";

export const RULES: readonly Rule[] = [
  invalidReference,
  invalidStageReference,
  unresolvableArg,
  disallowedImage,
  lookalikeImage,
  latestTag,
  implicitLatest,
  unpinned,
  digestOnly,
  stalePin,
  platformPin,
  floatingTag,
  unknownRepository,
  unknownTag,
  unknownDigest,
  unauthorized,
  authMisconfigured,
  rateLimited,
  registryUnreachable,
  platformUnavailable,
  untrustedSource,
  unsignedImage,
  eolBase,
  eolSoon,
  slimFinalStage,
  muslVariant,
  divergesFromOfficial,
  contentTrust,
];

export type { QuickFix, Rule, RuleFinding } from "./rule";

/**
 * Dockerfile text → image references. `extractImageRefs` is the entry point; the ARG expander
 * is exported for features that show or edit ARG values.
 */
export { extractImageRefs, platformArgsOf } from "./imageRefs";
export { parseDockerfile } from "./parse";
export type { ArgUse, ExtractOptions, ImageRef, ImageRefKind, SplitImage } from "./imageRefs";
export { buildGlobalArgs, expandWord, PLATFORM_ARGS, platformArgValues, PREDEFINED_ARGS } from "./args";
export type {
  ArgDeclaration,
  BuildPlatforms,
  Expansion,
  GlobalArg,
  GlobalArgs,
  Variable,
  VariableLookup,
} from "./args";

/**
 * Dockerfile text → image references. `extractImageRefs` is the entry point; the ARG expander
 * is exported for features that show or edit ARG values.
 */
export { extractImageRefs } from "./imageRefs";
export type { ArgUse, ImageRef, ImageRefKind, SplitImage } from "./imageRefs";
export { buildGlobalArgs, expandWord, PREDEFINED_ARGS } from "./args";
export type { ArgDeclaration, Expansion, GlobalArg, GlobalArgs, Variable, VariableLookup } from "./args";

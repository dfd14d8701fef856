/**
 * Dockerfile text → image references. `extractImageRefs` is the entry point; the ARG expander
 * is exported for features that show or edit ARG values.
 */
export { extractImageRefs, platformArgsOf } from "./imageRefs";
export { parseDockerfile, parseUncached, shareParsesWithLibraries } from "./parse";
export type { ExtractOptions } from "./imageRefs";
export type { ArgUse, ImageRef, ImageRefKind, SplitImage } from "./types";
export { expandWord } from "./expand";
export { buildGlobalArgs } from "./globalArgs";
export { PLATFORM_ARGS, platformArgValues, PREDEFINED_ARGS } from "./predefinedArgs";
export type { ArgDeclaration, GlobalArg, GlobalArgs } from "./globalArgs";
export type { Expansion, Variable, VariableLookup } from "./expand";
export type { BuildPlatforms } from "./predefinedArgs";

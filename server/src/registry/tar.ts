/** Image-layer tars: the streaming parser (`tarParser.ts`) and the file finder (`tarFinder.ts`). */
export { TarParser, normaliseTarPath, parsePaxRecords } from "./tarParser";
export type { TarEntryType, TarHeader, TarVisitor } from "./tarParser";
export { MAX_LINK_BYTES, MAX_LINK_PATH_BYTES, MAX_RESOLVE_STEPS, TarFileFinder } from "./tarFinder";
export type { FoundFile, TarFileFinderOptions } from "./tarFinder";

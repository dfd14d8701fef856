/**
 * The size limit of `fromLens.largeDocumentKB`: above it, a document keeps FROM Lens' image
 * features but the expensive standard ones (dockerfile-language-service's validation, full
 * semantic tokens, formatting, folding, symbols, links, highlights…) are skipped, because some
 * of them grow faster than the document (a 10 MB Dockerfile took 14.8 s and 477 MB). Each
 * document is logged once when it becomes large, not once per request.
 */
import type { FromLensSettings } from "./settings";

export function isLargeDocument(
  length: number,
  settings: Pick<FromLensSettings, "largeDocumentKB">,
): boolean {
  return length > settings.largeDocumentKB * 1024;
}

export class LargeDocuments {
  private readonly noticed = new Set<string>();
  constructor(private readonly log: (message: string) => void) {}

  /** True if the document is above the limit; logs the first time it is (again). */
  check(uri: string, length: number, settings: Pick<FromLensSettings, "largeDocumentKB">): boolean {
    if (!isLargeDocument(length, settings)) {
      this.noticed.delete(uri);
      return false;
    }
    if (!this.noticed.has(uri)) {
      this.noticed.add(uri);
      const kb = Math.round(length / 1024);
      this.log(
        `${uri} is ${kb} KB, above fromLens.largeDocumentKB (${settings.largeDocumentKB} KB): ` +
          "standard validation, full semantic tokens, formatting, folding, symbols, links and " +
          "highlights are off for it; image hovers, lenses and diagnostics still work",
      );
    }
    return true;
  }

  forget(uri: string): void {
    this.noticed.delete(uri);
  }
}

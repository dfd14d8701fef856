/**
 * Settings per document URI, asked from the client once and cached until the configuration
 * changes (vscode-eslint's pattern): no settings live in module-level state. A document's
 * settings take the protected ones (where FROM Lens connects, what it trusts) from the
 * editor-wide answer (no resource), so a folder's settings cannot change them.
 */
import { normalizeSettings, withProtectedSettings, type FromLensSettings } from "./settings";

export class DocumentSettings {
  private readonly cache = new Map<string, Promise<FromLensSettings>>();

  /** `fetch` asks the client for the raw `fromLens` section of one resource. */
  constructor(private readonly fetch: (uri: string) => Promise<unknown>) {}

  get(uri: string): Promise<FromLensSettings> {
    let settings = this.cache.get(uri);
    if (!settings) {
      const own = this.fetch(uri).then(normalizeSettings, () => normalizeSettings(undefined));
      settings =
        uri === "" ? own : Promise.all([own, this.get("")]).then(([s, g]) => withProtectedSettings(s, g));
      this.cache.set(uri, settings);
    }
    return settings;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
  }
}

/**
 * Settings per document URI, asked from the client once and cached until the configuration
 * changes (vscode-eslint's pattern): no settings live in module-level state.
 */
import { normalizeSettings, type FromLensSettings } from "./settings";

export class DocumentSettings {
  private readonly cache = new Map<string, Promise<FromLensSettings>>();

  /** `fetch` asks the client for the raw `fromLens` section of one resource. */
  constructor(private readonly fetch: (uri: string) => Promise<unknown>) {}

  get(uri: string): Promise<FromLensSettings> {
    let settings = this.cache.get(uri);
    if (!settings) {
      settings = this.fetch(uri).then(normalizeSettings, () => normalizeSettings(undefined));
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

/**
 * Settings per document URI, asked from the client once and cached until the configuration
 * changes (vscode-eslint's pattern): no settings live in module-level state.
 *
 * Editors hand settings over in three ways, and FROM Lens honours all three, layered, each later
 * one winning key by key, the result going through the same `normalizeSettings`:
 *   1. `initializationOptions.settings.fromLens` (Helix' `config`, Zed's `initialization_options`,
 *      eglot's `:initializationOptions`, LSP4IJ…), read once at `initialize`;
 *   2. the `settings.fromLens` of the last `workspace/didChangeConfiguration` (clients that push
 *      settings instead of answering `workspace/configuration`);
 *   3. the client's answer to `workspace/configuration` for section `fromLens`, per document,
 *      when it supports that request (VS Code, Neovim); a `null` answer leaves 1 and 2 in force.
 *
 * A document's settings take the protected ones (where FROM Lens connects, what it trusts) from
 * the editor-wide answer (no resource), so a folder's settings cannot change them.
 */
import { isRecord, setOwn } from "./json";
import { SETTINGS_SECTION } from "./protocol";
import { normalizeSettings, withProtectedSettings, type FromLensSettings } from "./settings";

/**
 * `over` laid on `base`: records merge key by key, anything else in `over` (a value, an array)
 * replaces what `base` had; `undefined` and `null` in `over` leave `base` as it was.
 */
export function layerSettings(base: unknown, over: unknown): unknown {
  if (over === undefined || over === null) return base;
  if (!isRecord(over) || !isRecord(base)) return over;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base)) setOwn(out, key, value);
  for (const [key, value] of Object.entries(over)) setOwn(out, key, layerSettings(base[key], value));
  return out;
}

/** The `fromLens` section of a `{ fromLens: … }` settings object, or undefined. */
export function settingsSection(settings: unknown): unknown {
  return isRecord(settings) ? settings[SETTINGS_SECTION] : undefined;
}

export class DocumentSettings {
  private readonly cache = new Map<string, Promise<FromLensSettings>>();
  private initial: unknown = undefined;
  private pushed: unknown = undefined;

  /** `fetch` asks the client for the raw `fromLens` section of one resource (undefined when it cannot). */
  constructor(private readonly fetch: (uri: string) => Promise<unknown>) {}

  /** The `initializationOptions` of `initialize`: their `settings.fromLens` is the lowest layer. */
  initialize(initializationOptions: unknown): void {
    this.initial = settingsSection(
      isRecord(initializationOptions) ? initializationOptions.settings : undefined,
    );
    this.cache.clear();
  }

  /**
   * The `settings` of a `workspace/didChangeConfiguration`. An object replaces the pushed layer
   * with its `fromLens` section (none: nothing pushed any more); `null` or anything else is the
   * pull model's "settings changed, ask again" and keeps the layer. Either way every document
   * asks again.
   */
  push(settings: unknown): void {
    if (isRecord(settings)) this.pushed = settings[SETTINGS_SECTION];
    this.cache.clear();
  }

  get(uri: string): Promise<FromLensSettings> {
    let settings = this.cache.get(uri);
    if (!settings) {
      const known = layerSettings(this.initial, this.pushed);
      const own = this.fetch(uri).then(
        (pulled) => normalizeSettings(layerSettings(known, pulled)),
        () => normalizeSettings(known),
      );
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

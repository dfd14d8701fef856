/**
 * The engine the Docker Hub integration tests run: the language server's own Engine, with
 * docker.io on the recorded-registry replay, Docker Hub's web API on its stand-in, a temp cache,
 * and no log output.
 */
import type { TestContext } from "node:test";
import { Engine } from "../../../server/src/engine";
import { DEFAULT_SETTINGS, type FromLensSettings } from "../../../server/src/settings";
import { tempDirFor } from "../../support/tmp";

const QUIET = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

export interface HubEngineOptions {
  hubApiUrl: string;
  hubRegistryUrl: string;
  /** Settings beside the defaults (hubApiUrl and defaultPlatform linux/amd64 are set). */
  settings?: Partial<FromLensSettings>;
  onChange?: (keys: string[]) => void;
}

/** An engine closed when the test ends, and the settings it was built with. */
export async function hubEngine(
  t: Pick<TestContext, "after">,
  options: HubEngineOptions,
): Promise<{ engine: Engine; settings: FromLensSettings }> {
  const storagePath = await tempDirFor(t, "from-lens-hub");
  const settings: FromLensSettings = {
    ...DEFAULT_SETTINGS,
    hubApiUrl: options.hubApiUrl,
    defaultPlatform: "linux/amd64",
    ...options.settings,
  };
  const engine = new Engine(
    settings,
    { storagePath, hubRegistryUrl: options.hubRegistryUrl },
    QUIET,
    options.onChange ?? (() => undefined),
  );
  t.after(() => engine.close());
  return { engine, settings };
}

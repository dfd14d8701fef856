/** `from-lens inspect`: one image through the same path as a FROM line, its facts as text or JSON. */
import { TextDocument } from "vscode-languageserver-textdocument";
import { parseReference } from "../../../server/src/reference";
import type { FromLensSettings } from "../../../server/src/settings";
import { defaultPlatform } from "../../../server/src/workspace";
import { EXIT, type InspectOptions } from "../args";
import { ansiStyle, formatInspect, inspectJson, PLAIN } from "../inspect";
import { createEngine, resolveAll, type Io } from "./common";

export async function inspect(options: InspectOptions, settings: FromLensSettings, io: Io): Promise<number> {
  const parsed = parseReference(options.image);
  if (!parsed.ok) {
    io.err(`from-lens inspect: "${options.image}" is not an image reference: ${parsed.error.message}`);
    return EXIT.fatal;
  }
  // The image goes through the same path as a FROM line: one document, one reference.
  const platform = options.platform ?? defaultPlatform(settings);
  const text = `FROM --platform=${platform} ${options.image}\n`;
  const doc = TextDocument.create("untitled:inspect.Dockerfile", "dockerfile", 1, text);
  const engine = createEngine(options, settings, io);
  try {
    await resolveAll(engine, [doc], settings, options.timeoutMs, io);
    const ref = engine.workspace.refs(doc).find((r) => r.kind === "from");
    const lookup = ref ? engine.workspace.lookup(ref, settings) : ({ state: "unknown" } as const);
    const result = inspectJson(options.image, parsed.value, platform, lookup, new Date());
    io.out(
      options.json
        ? JSON.stringify(result, null, 2)
        : formatInspect(result, options.color ? ansiStyle() : PLAIN),
    );
    return result.resolved ? EXIT.ok : EXIT.findings;
  } finally {
    await engine.close();
  }
}

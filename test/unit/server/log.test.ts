import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { createLogger, type LogSink } from "../../../server/src/log";
import type { LogLevel } from "../../../server/src/settings";

function recorder(): { sink: LogSink; lines: string[] } {
  const lines: string[] = [];
  const sink: LogSink = {
    error: (m) => lines.push(`E ${m}`),
    warn: (m) => lines.push(`W ${m}`),
    info: (m) => lines.push(`I ${m}`),
    log: (m) => lines.push(`L ${m}`),
  };
  return { sink, lines };
}

describe("logger", () => {
  it("writes only messages at or above the level, reading the level on every call", () => {
    const { sink, lines } = recorder();
    let level: LogLevel = "warn";
    const log = createLogger(
      sink,
      () => level,
      () => new Date("2026-11-23T10:00:00Z"),
    );
    log.info("hidden");
    log.warn("shown");
    level = "debug";
    log.debug("now shown");
    level = "off";
    log.error("silenced");
    assert.deepEqual(lines, ["W shown", "L 2026-11-23T10:00:00.000Z [debug] now shown"]);
  });
});

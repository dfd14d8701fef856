/**
 * The server's logger: levelled messages written through a sink (the LSP connection's console;
 * the client shows them in the "FROM Lens" log output channel, which stamps time and level on
 * error/warn/info lines itself; debug lines go out as plain log lines, tagged here). The level is
 * read on every call, so a settings change applies at once. Callers never pass secrets: registry
 * code redacts URLs and headers before logging.
 */
import type { LogLevel } from "./settings";

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export interface LogSink {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  log(message: string): void;
}

const RANK: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };

export function createLogger(
  sink: LogSink,
  level: () => LogLevel,
  now: () => Date = () => new Date(),
): Logger {
  const at =
    (wanted: Exclude<LogLevel, "off">, write: (message: string) => void) =>
    (message: string): void => {
      if (RANK[level()] >= RANK[wanted]) write(message);
    };
  return {
    error: at("error", (m) => sink.error(m)),
    warn: at("warn", (m) => sink.warn(m)),
    info: at("info", (m) => sink.info(m)),
    debug: at("debug", (m) => sink.log(`${now().toISOString()} [debug] ${m}`)),
  };
}

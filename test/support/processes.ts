/**
 * Child services (the registry) run in their own process group so stop() can end the whole
 * group, and anything still alive when the test process exits is killed: a failing test must
 * never leave a registry listening.
 */
import { spawn } from "node:child_process";
import type { ChildProcess, SpawnOptions } from "node:child_process";

const exitHooks: (() => void)[] = [];
let exitHandlerInstalled = false;

/** Runs `fn` synchronously when the test process exits (normally, or on SIGINT/SIGTERM). */
export function onProcessExit(fn: () => void): void {
  exitHooks.push(fn);
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  const runHooks = (): void => {
    for (const hook of exitHooks.splice(0)) {
      try {
        hook();
      } catch {
        // best effort: the process is going away
      }
    }
  };
  process.once("exit", runHooks);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      runHooks();
      process.exit(128 + (signal === "SIGINT" ? 2 : 15));
    });
  }
}

const liveGroups = new Set<number>();
onProcessExit(() => {
  for (const pid of liveGroups) killGroup(pid, "SIGKILL");
  liveGroups.clear();
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export interface Service {
  child: ChildProcess;
  pid: number;
  /** The last 64 KiB of the child's stdout + stderr, for error messages. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the child has exited. */
  exited: Promise<string>;
  /** True once the child has exited. */
  hasExited(): boolean;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when the child is gone. */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_CAP = 64 * 1024;

/** Starts `command` in a new process group, capturing its output. */
export function startService(command: string, args: string[], options: SpawnOptions = {}): Service {
  const child = spawn(command, args, { ...options, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const append = (chunk: Buffer): void => {
    output += chunk.toString("utf8");
    if (output.length > OUTPUT_CAP) output = output.slice(-OUTPUT_CAP);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  let exitedFlag = false;
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => {
      exitedFlag = true;
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      resolve(signal ?? String(code));
    });
    child.once("error", (err) => {
      exitedFlag = true;
      append(Buffer.from(`spawn error: ${err.message}\n`));
      resolve("spawn-error");
    });
  });
  const pid = child.pid ?? -1;
  if (pid > 0) liveGroups.add(pid);
  return {
    child,
    pid,
    output: () => output,
    exited,
    hasExited: () => exitedFlag,
    async stop(graceMs = 2000): Promise<void> {
      if (exitedFlag || pid <= 0) return;
      killGroup(pid, "SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      const forced = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          killGroup(pid, "SIGKILL");
          resolve();
        }, graceMs);
      });
      await Promise.race([exited, forced]);
      await exited;
      if (timer) clearTimeout(timer);
      liveGroups.delete(pid);
    },
  };
}

/** Polls `probe` every `intervalMs` until it returns true, the deadline passes, or `abort` says stop. */
export async function pollUntil(
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined; what: string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 20;
  for (;;) {
    const reason = opts.abort?.();
    if (reason !== undefined) throw new Error(`${opts.what}: ${reason}`);
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`${opts.what}: not ready after ${opts.timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

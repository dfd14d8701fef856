import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { BatchProgress, type ProgressReporter } from "../../../server/src/progress";

function recorder(): { events: string[]; create: () => Promise<ProgressReporter> } {
  const events: string[] = [];
  return {
    events,
    create: () =>
      Promise.resolve({
        begin: (title, pct, message) => void events.push(`begin ${title} ${pct} ${message}`),
        report: (pct, message) => void events.push(`report ${pct} ${message}`),
        done: () => void events.push("done"),
      }),
  };
}

describe("batch progress", () => {
  it("shows nothing for a short batch", async () => {
    const r = recorder();
    const p = new BatchProgress(r.create, 5);
    await p.update(2);
    await p.update(1);
    await p.update(0);
    assert.deepEqual(r.events, []);
  });

  it("reports a long batch from its start to its end", async () => {
    const r = recorder();
    const p = new BatchProgress(r.create, 5);
    await p.update(12);
    await p.update(6);
    await p.update(1);
    await p.update(0);
    assert.deepEqual(r.events, [
      "begin FROM Lens 0 Resolving 12 images…",
      "report 50 Resolving 6 images…",
      "report 92 Resolving 1 image…",
      "done",
    ]);
  });

  it("carries on quietly when the client declines progress", async () => {
    const p = new BatchProgress(() => Promise.reject(new Error("no")), 1);
    await p.update(3);
    await p.update(0);
  });
});

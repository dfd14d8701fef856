/**
 * IdleMemory: one full collection once the server has gone quiet after work, when the heap holds
 * enough garbage to be worth it; and fullCollection, on this V8, really gives a burst's heap back.
 */
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { fullCollection, heapNow, IdleMemory, type IdleMemoryOptions } from "../../../server/src/idleMemory";

const MB = 1024 * 1024;

interface State {
  load: number[];
  heap: { total: number; used: number };
  releases: number;
  logs: string[];
}

function harness(over: Partial<IdleMemoryOptions> = {}): { idle: IdleMemory; s: State } {
  const s: State = { load: [], heap: { total: 80 * MB, used: 20 * MB }, releases: 0, logs: [] };
  const idle = new IdleMemory({
    checkMs: 1000,
    quietChecks: 2,
    maxQuietUtilization: 0.02,
    minSlackBytes: 16 * MB,
    maxCollections: 3,
    utilization: () => s.load.shift() ?? 0,
    heap: () => s.heap,
    release: () => {
      s.releases++;
      s.heap = { total: 25 * MB, used: 12 * MB };
      return Promise.resolve();
    },
    log: (m) => s.logs.push(m),
    ...over,
  });
  return { idle, s };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("IdleMemory", () => {
  it("collects once after the quiet checks that follow work, and not again while it stays quiet", async () => {
    const h = harness();
    h.s.load.push(0.6, 0.3, 0, 0, 0, 0, 0);
    for (let i = 0; i < 3; i++) h.idle.check();
    assert.equal(h.s.releases, 0, "busy, busy, one quiet check");
    h.idle.check();
    await settle();
    assert.equal(h.s.releases, 1, "the second quiet check");
    assert.match(h.s.logs[0] ?? "", /heap 80 → 25 MB \(12 MB in use\)/);
    for (let i = 0; i < 3; i++) h.idle.check();
    await settle();
    assert.equal(h.s.releases, 1, "once per quiet spell");
  });

  it("collects again at the next quiet checks while the heap still holds its slack, up to the limit", async () => {
    // V8 frees the objects at the first collection and gives their pages back only at a later one.
    const heaps = [
      { total: 90 * MB, used: 29 * MB },
      { total: 34 * MB, used: 28 * MB },
    ];
    const h = harness({
      release: () => {
        h.s.releases++;
        h.s.heap = heaps.shift() ?? h.s.heap;
        return Promise.resolve();
      },
    });
    h.s.heap = { total: 90 * MB, used: 68 * MB };
    h.s.load.push(0.5, 0, 0);
    for (let i = 0; i < 3; i++) h.idle.check();
    await settle();
    assert.equal(h.s.releases, 1);
    h.idle.check();
    await settle();
    assert.equal(h.s.releases, 2, "61 MB of slack left after the first");
    assert.match(h.s.logs[1] ?? "", /collection 2: heap 90 → 34 MB/);
    for (let i = 0; i < 4; i++) h.idle.check();
    await settle();
    assert.equal(h.s.releases, 2, "6 MB of slack: done for this spell");

    // A heap that never gives its slack back: at most maxCollections per spell, then new work
    // starts a new spell.
    const stuck = harness({
      release: () => {
        stuck.s.releases++;
        return Promise.resolve();
      },
    });
    stuck.s.load.push(0.5);
    stuck.idle.check();
    for (let i = 0; i < 8; i++) {
      stuck.idle.check();
      await settle();
    }
    assert.equal(stuck.s.releases, 3);
    stuck.s.load.push(0.5);
    for (let i = 0; i < 3; i++) {
      stuck.idle.check();
      await settle();
    }
    assert.equal(stuck.s.releases, 4, "work, then a quiet spell of its own");
  });

  it("never collects a server that has not worked, nor while it works", async () => {
    const h = harness();
    for (let i = 0; i < 5; i++) h.idle.check();
    h.s.load.push(0.5, 0, 0.5, 0, 0.5, 0);
    for (let i = 0; i < 6; i++) h.idle.check();
    await settle();
    assert.equal(h.s.releases, 0, "a quiet check between busy ones is not a quiet spell");
  });

  it("leaves a heap with little garbage alone", async () => {
    const h = harness();
    h.s.heap.total = 30 * MB; // 10 MB of slack, below 16
    h.s.load.push(0.5, 0, 0);
    for (let i = 0; i < 3; i++) h.idle.check();
    await settle();
    assert.equal(h.s.releases, 0);
  });

  it("logs a failed collection and goes on", async () => {
    const h = harness({ release: () => Promise.reject(new Error("no context")) });
    h.s.load.push(0.5, 0, 0);
    for (let i = 0; i < 3; i++) h.idle.check();
    await settle();
    await settle();
    assert.match(h.s.logs.join("\n"), /could not collect: Error: no context/);
  });
});

describe("fullCollection", () => {
  it("gives a burst's garbage back on this V8, without an experimental-feature warning", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(String(w));
    process.on("warning", onWarning);
    try {
      let keep: { i: number; s: string }[][] = [];
      for (let round = 0; round < 40; round++) {
        keep.push(Array.from({ length: 20_000 }, (_, i) => ({ i, s: `item ${i} of ${round}` })));
      }
      const grown = heapNow();
      keep = [];
      assert.equal(keep.length, 0);
      await fullCollection();
      const after = heapNow();
      assert.ok(
        after.used < grown.used - 20 * MB,
        `used ${String(grown.used / MB)} → ${String(after.used / MB)} MB`,
      );
      assert.ok(
        after.total < grown.total,
        `total ${String(grown.total / MB)} → ${String(after.total / MB)} MB`,
      );
      await settle();
      assert.deepEqual(
        warnings.filter((w) => w.includes("measureMemory")),
        [],
      );
    } finally {
      process.off("warning", onWarning);
    }
  });
});

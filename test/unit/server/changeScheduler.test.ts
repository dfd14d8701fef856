import { strict as assert } from "node:assert";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { PassThrough } from "node:stream";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import { ChangeScheduler } from "../../../server/src/changeScheduler";

const URI = "file:///w/Dockerfile";
const LEAD = 5;
const QUIET = 150;
const MAX_WAIT = 1000;

/** A scheduler on mocked timers whose work settles when the test says so. */
function harness(workMs?: number): {
  scheduler: ChangeScheduler;
  runs: number[];
  settle: () => Promise<void>;
  tick: (ms: number) => void;
} {
  let now = 0;
  const runs: number[] = [];
  const waiting: (() => void)[] = [];
  const scheduler = new ChangeScheduler(
    {
      leadMs: LEAD,
      quietMs: QUIET,
      maxWaitMs: MAX_WAIT,
      work: () => {
        runs.push(now);
        return new Promise<void>((resolve) =>
          workMs === undefined ? waiting.push(resolve) : setTimeout(resolve, workMs),
        );
      },
      onError: (_uri, error) => {
        throw error;
      },
    },
    () => now,
  );
  return {
    scheduler,
    runs,
    settle: async () => {
      for (const resolve of waiting.splice(0)) resolve();
      await new Promise((resolve) => setImmediate(resolve)); // the scheduler sees it settle
    },
    tick: (ms) => {
      now += ms;
      mock.timers.tick(ms);
    },
  };
}

describe("ChangeScheduler", () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout"] }));
  afterEach(() => mock.timers.reset());

  it("works on an edit of an idle document at once (leading edge), not a quiet period later", async () => {
    const h = harness();
    h.scheduler.changed(URI); // opened
    assert.deepEqual(h.runs, [0]);
    await h.settle();
    h.tick(10);
    h.scheduler.changed(URI); // one edit, the document idle
    h.tick(LEAD);
    assert.deepEqual(h.runs, [0, 15], "worked on after leadMs, not quietMs");
    assert.equal(h.scheduler.isRunning(URI), true);
    await h.settle();
    assert.equal(h.scheduler.isRunning(URI), false);
    // An edit right after the last one's work settled: idle again, so at once again.
    h.tick(1);
    h.scheduler.changed(URI);
    h.tick(LEAD);
    assert.deepEqual(h.runs, [0, 15, 21]);
    await h.settle();
    h.tick(QUIET * 3);
    assert.deepEqual(h.runs, [0, 15, 21], "no trailing run for a version already worked on");
  });

  it("makes edits that queued up behind a long run one burst, not a run each", async () => {
    const h = harness();
    h.scheduler.changed(URI);
    // 100 edits were read while the open's work blocked the process: they arrive back to back.
    await h.settle();
    for (let i = 0; i < 100; i++) h.scheduler.changed(URI);
    h.tick(LEAD);
    assert.deepEqual(h.runs, [0], "the second change within leadMs made it a burst");
    h.tick(QUIET);
    assert.deepEqual(h.runs, [0, LEAD + QUIET], "one run for the 100, once they paused");
  });

  it("coalesces the changes that come while the work runs into one trailing run once typing pauses", async () => {
    const h = harness();
    h.scheduler.changed(URI);
    await h.settle();
    h.scheduler.changed(URI);
    h.tick(LEAD); // leading edge, still running
    for (let i = 0; i < 20; i++) {
      h.tick(5);
      h.scheduler.changed(URI);
    }
    assert.equal(h.runs.length, 2, "the burst waits");
    assert.equal(h.scheduler.isPending(URI), true);
    await h.settle();
    h.tick(QUIET - 1);
    assert.equal(h.runs.length, 2);
    h.tick(1);
    assert.equal(h.runs.length, 3, "one trailing run, a quiet period after the last change");
    assert.equal(h.scheduler.isPending(URI), false);
  });

  it("keeps a storm of 500 edits in 2 s to a few runs, the last version worked on within a quiet period", async () => {
    const h = harness(40); // each run takes 40 ms
    h.scheduler.changed(URI);
    h.tick(40);
    await h.settle();
    const start = h.runs.length;
    for (let i = 0; i < 500; i++) {
      h.scheduler.changed(URI); // one edit every 4 ms
      h.tick(4);
      await h.settle();
    }
    const end = 40 + 500 * 4;
    const during = h.runs.length - start;
    assert.ok(during <= 6, `${during} runs during the storm (one per edit would be 500)`);
    for (let i = 0; i < 10; i++) {
      h.tick(QUIET / 5);
      await h.settle();
    }
    const lastAt = h.runs[h.runs.length - 1] ?? -1;
    assert.ok(
      lastAt > end - 4 && lastAt <= end + QUIET,
      `last run at ${lastAt} ms, the storm ended at ${end} ms`,
    );
    assert.equal(h.scheduler.isPending(URI), false);
    assert.equal(h.scheduler.isRunning(URI), false);
  });

  it("shows progress in a long burst: a run at the latest maxWaitMs after the first waiting change", async () => {
    const h = harness();
    h.scheduler.changed(URI);
    await h.settle();
    h.scheduler.changed(URI);
    h.tick(LEAD); // leading edge, left running
    const first = h.runs.length;
    for (let i = 0; i < 300; i++) {
      h.tick(10);
      h.scheduler.changed(URI);
    }
    // Changes every 10 ms for 3 s never leave a quiet period; maxWaitMs still gets work done.
    assert.ok(h.runs.length - first >= 2, `${h.runs.length - first} runs in 3 s of typing`);
  });

  it("flush works on a waiting change now; close drops it", async () => {
    const h = harness();
    h.scheduler.changed(URI);
    h.scheduler.changed(URI); // while the open's work runs: waits
    assert.equal(h.runs.length, 1);
    h.scheduler.flush(URI);
    assert.equal(h.runs.length, 2);
    await h.settle();
    h.scheduler.changed(URI); // idle: at once
    h.tick(LEAD);
    assert.equal(h.runs.length, 3);
    h.scheduler.changed(URI); // waits
    h.scheduler.closed(URI);
    h.tick(MAX_WAIT * 2);
    assert.equal(h.runs.length, 3, "nothing runs for a closed document");
  });
});

describe("ChangeScheduler, leading edge after the messages already read", () => {
  /**
   * Real vscode-jsonrpc on both ends of an in-memory stream, as the server gets its didChange
   * notifications: the reader queues every message it reads and handles one per turn of the
   * event loop.
   */
  function connected(workMs: number): {
    runs: number[];
    send: (n: number) => void;
    dispose: () => void;
  } {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const server = createMessageConnection(
      new StreamMessageReader(toServer),
      new StreamMessageWriter(toClient),
    );
    const client = createMessageConnection(
      new StreamMessageReader(toClient),
      new StreamMessageWriter(toServer),
    );
    const runs: number[] = [];
    let received = 0;
    const scheduler = new ChangeScheduler({
      leadMs: "after-read-messages",
      quietMs: 30,
      maxWaitMs: 1000,
      work: () => {
        runs.push(received);
        return new Promise((resolve) => setTimeout(resolve, workMs));
      },
      onError: (_uri, error) => {
        throw error;
      },
    });
    server.onNotification("change", () => {
      received++;
      scheduler.changed(URI);
    });
    server.listen();
    client.listen();
    return {
      runs,
      send: (n) => {
        for (let i = 0; i < n; i++) void client.sendNotification("change");
      },
      dispose: () => {
        scheduler.dispose();
        client.dispose();
        server.dispose();
      },
    };
  }

  const until = async (done: () => boolean): Promise<void> => {
    for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 2));
  };

  it("works on a single edit without waiting for a timer", async () => {
    const c = connected(0);
    try {
      c.send(1); // opened: at once
      await until(() => c.runs.length === 1);
      await new Promise((r) => setTimeout(r, 5));
      const sent = performance.now();
      c.send(1);
      await until(() => c.runs.length === 2);
      assert.deepEqual(c.runs, [1, 2]);
      assert.ok(performance.now() - sent < 25, "not a quiet period later");
    } finally {
      c.dispose();
    }
  });

  it("makes the changes read together one burst: one run once they pause, not one at once", async () => {
    const c = connected(20);
    try {
      c.send(1);
      await until(() => c.runs.length === 1);
      await new Promise((r) => setTimeout(r, 30)); // the open's work settled
      c.send(100); // read in one go, as after a long run blocked the process
      await until(() => c.runs.length === 2);
      await new Promise((r) => setTimeout(r, 80));
      // One hop (setImmediate) instead of two would have worked on the first of them alone, at once.
      assert.deepEqual(c.runs, [1, 101], "the 100 worked on once, all of them read");
    } finally {
      c.dispose();
    }
  });
});

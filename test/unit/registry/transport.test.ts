import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { redactText } from "../../../server/src/registry/errors";
import { Coalescer } from "../../../server/src/registry/http/concurrency";
import { DEFAULT_LIMITS, DEFAULT_TIMEOUTS } from "../../../server/src/registry/http/options";
import { HttpTransport } from "../../../server/src/registry/http/transport";
import { RequestCounters } from "../../../server/src/registry/http/counters";
import type { Result } from "../../../server/src/registry/errors";

function transport(insecureRegistries: string[] = []): HttpTransport {
  return new HttpTransport({
    insecureRegistries,
    allowCredentialHelpers: false,
    timeouts: DEFAULT_TIMEOUTS,
    limits: DEFAULT_LIMITS,
    log: () => undefined,
    now: () => 0,
    random: () => 0.5,
    env: {},
    userAgent: "test",
  });
}

describe("coalescing in-flight work", () => {
  it("runs identical work once and gives every caller the result", async () => {
    const c = new Coalescer<number>();
    let runs = 0;
    let release: (v: Result<number>) => void = () => undefined;
    const work = (): Promise<Result<number>> => {
      runs++;
      return new Promise((resolve) => (release = resolve));
    };
    const a = c.run("k", undefined, work);
    const b = c.run("k", undefined, work);
    const other = c.run("other", undefined, () => Promise.resolve({ ok: true, value: 7 }));
    release({ ok: true, value: 42 });
    assert.deepEqual(await a, { ok: true, value: 42 });
    assert.deepEqual(await b, { ok: true, value: 42 });
    assert.deepEqual(await other, { ok: true, value: 7 });
    assert.equal(runs, 1);
    assert.equal(c.size, 0, "finished work is forgotten");
  });

  it("cancels one caller at once, and the shared work only when all have given up", async () => {
    const c = new Coalescer<number>();
    let sharedSignal: AbortSignal | undefined;
    const work = (signal: AbortSignal): Promise<Result<number>> => {
      sharedSignal = signal;
      return new Promise((resolve) =>
        signal.addEventListener("abort", () => resolve({ ok: true, value: -1 })),
      );
    };
    const first = new AbortController();
    const second = new AbortController();
    const a = c.run("k", first.signal, work);
    const b = c.run("k", second.signal, work);
    first.abort();
    const ra = await a;
    assert.equal(!ra.ok && ra.error.kind, "cancelled");
    assert.equal(sharedSignal?.aborted, false);
    second.abort();
    const rb = await b;
    assert.equal(!rb.ok && rb.error.kind, "cancelled");
    assert.equal(sharedSignal?.aborted, true);
  });

  it("turns a throwing task into an error value for every caller", async () => {
    const c = new Coalescer<number>();
    const boom = (): Promise<Result<number>> => Promise.reject(new Error("boom"));
    const [a, b] = await Promise.all([c.run("k", undefined, boom), c.run("k", undefined, boom)]);
    assert.ok(!a.ok && !b.ok);
    assert.match(a.ok ? "" : a.error.message, /boom/);
  });

  it("answers an already-aborted caller without starting work", async () => {
    const c = new Coalescer<number>();
    let runs = 0;
    const r = await c.run("k", AbortSignal.abort(), () => {
      runs++;
      return Promise.resolve({ ok: true, value: 1 });
    });
    assert.equal(!r.ok && r.error.kind, "cancelled");
    assert.equal(runs, 0);
  });
});

describe("request counters", () => {
  it("counts per host and kind", () => {
    const c = new RequestCounters();
    c.increment("registry-1.docker.io", "head-manifest");
    c.increment("registry-1.docker.io", "head-manifest");
    c.increment("auth.docker.io", "token");
    assert.equal(c.snapshot()["registry-1.docker.io"]?.["head-manifest"], 2);
    assert.equal(c.total(), 3);
    assert.equal(c.total("token"), 1);
    c.reset();
    assert.equal(c.total(), 0);
  });
});

describe("where credentials may go", () => {
  it("uses http for loopback and insecureRegistries, https for the rest", () => {
    const t = transport(["registry.lan:5000", "http://other.lan/"]);
    assert.equal(t.schemeFor("127.0.0.1:5000"), "http");
    assert.equal(t.schemeFor("localhost:5000"), "http");
    assert.equal(t.schemeFor("registry.lan:5000"), "http");
    assert.equal(t.schemeFor("other.lan"), "http");
    assert.equal(t.schemeFor("registry.lan:5001"), "https");
    assert.equal(t.schemeFor("ghcr.io"), "https");
    assert.equal(
      t.schemeFor("10.0.0.5:5000"),
      "https",
      "private addresses are not trusted with plain http by default",
    );
  });

  it("lets credentials travel over https, to loopback, and to listed insecure registries only", () => {
    const t = transport(["registry.lan:5000"]);
    assert.equal(t.mayCarryCredentials(new URL("https://ghcr.io/v2/")), true);
    assert.equal(t.mayCarryCredentials(new URL("http://127.0.0.1:5000/v2/")), true);
    assert.equal(t.mayCarryCredentials(new URL("http://registry.lan:5000/v2/")), true);
    assert.equal(t.mayCarryCredentials(new URL("http://registry.lan:5001/v2/")), false);
    assert.equal(t.mayCarryCredentials(new URL("http://mirror.example/v2/")), false);
  });

  it("redacts registered secrets in log lines and leaves prose alone", () => {
    const lines: string[] = [];
    const t = new HttpTransport({ ...transport().options, log: (_l, m) => lines.push(m) });
    t.addSecret("hunter2-secret");
    t.log("debug", "sending hunter2-secret to the realm; credentials: kind=basic, basic from auths");
    assert.deepEqual(lines, ["sending REDACTED to the realm; credentials: kind=basic, basic from auths"]);
    assert.equal(redactText("Basic from auths"), "Basic from auths");
  });
});

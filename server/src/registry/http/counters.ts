/** Requests sent, counted per host and kind. */
import { REQUEST_KINDS } from "./options";
import type { RequestKind } from "./options";

export type RequestCounts = Record<RequestKind, number>;

function zeroCounts(): RequestCounts {
  return {
    ping: 0,
    "head-manifest": 0,
    "get-manifest": 0,
    "get-blob": 0,
    "get-tags": 0,
    token: 0,
    "hub-api": 0,
  };
}

/** Requests sent, per host and kind (retries and redirect hops each count). */
export class RequestCounters {
  private readonly byHost = new Map<string, RequestCounts>();

  increment(host: string, kind: RequestKind): void {
    let c = this.byHost.get(host);
    if (!c) {
      c = zeroCounts();
      this.byHost.set(host, c);
    }
    c[kind]++;
  }

  /** `{ "registry-1.docker.io": { "head-manifest": 3, … }, … }` — a copy. */
  snapshot(): Record<string, RequestCounts> {
    const out: Record<string, RequestCounts> = {};
    for (const [h, c] of this.byHost) out[h] = { ...c };
    return out;
  }

  /** Total over all hosts, for one kind or all kinds. */
  total(kind?: RequestKind): number {
    let n = 0;
    for (const c of this.byHost.values()) n += kind ? c[kind] : REQUEST_KINDS.reduce((s, k) => s + c[k], 0);
    return n;
  }

  reset(): void {
    this.byHost.clear();
  }
}

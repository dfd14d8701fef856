/** The status the client's status bar shows, from the resolver's summary. */
import type { StatusParams } from "./protocol";
import type { ResolverStatus } from "./resolver/types";

function clock(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 16);
}

export function statusParams(status: ResolverStatus): StatusParams {
  const busy = status.resolving + status.queued;
  const parts: string[] = [];
  if (busy > 0) parts.push(`Resolving ${busy} image${busy === 1 ? "" : "s"}…`);
  else parts.push("FROM Lens is ready");
  if (status.offline) parts.push("offline: showing cached facts");
  const hub = status.hubRateLimit;
  if (hub) {
    parts.push(
      `Docker Hub pulls left: ${hub.remaining} of ${hub.limit}` +
        (hub.remaining === 0 && hub.resetAt ? ` (until ${clock(hub.resetAt)} UTC)` : ""),
    );
  }
  return {
    state: "ready",
    message: parts.join(" · "),
    resolving: busy,
    offline: status.offline,
    ...(hub
      ? {
          hubRemaining: {
            remaining: hub.remaining,
            limit: hub.limit,
            ...(hub.resetAt ? { resetAt: hub.resetAt } : {}),
          },
        }
      : {}),
    requests: status.requests,
  };
}

/**
 * Credential lookups for a session, reused for `credentialCacheMs`; a changed credential (a
 * `docker login`, a new helper answer) lifts the rate-limit blocks of the hosts it is used for and
 * drops the tokens issued for the old one.
 */
import { createHash } from "node:crypto";
import { lookupCredentials, secretsOf } from "../credentials";
import type { Credential, CredentialLookup } from "../credentials";
import type { HttpTransport } from "../http/transport";

export class CredentialMemory {
  private readonly cache = new Map<string, { at: number; lookup: Promise<CredentialLookup> }>();
  /** A hash of the credential last looked up per key, to notice `docker login` / a new helper answer. */
  private readonly prints = new Map<string, string>();
  /** The hosts each credential key was used for (whose rate-limit block new credentials lift). */
  private readonly hosts = new Map<string, Set<string>>();

  constructor(
    private readonly http: HttpTransport,
    /** Called when a credential changed: the tokens issued for the old one are void. */
    private readonly onChange: () => void,
  ) {}

  /** Notes that `key`'s credentials are used for `host`. */
  usedFor(key: string, host: string): void {
    const hosts = this.hosts.get(key) ?? new Set<string>();
    this.hosts.set(key, hosts.add(host));
  }

  /** The credential for a registry (cached for `credentialCacheMs`). */
  lookup(key: string): Promise<CredentialLookup> {
    const { options } = this.http;
    const now = options.now();
    const cached = this.cache.get(key);
    if (cached && now - cached.at < options.limits.credentialCacheMs) return cached.lookup;
    const lookup = lookupCredentials(key, {
      dockerConfigDir: options.dockerConfigDir,
      allowCredentialHelpers: options.allowCredentialHelpers,
      helperTimeoutMs: options.timeouts.credentialHelperMs,
      env: options.env,
    }).then((l) => {
      for (const s of secretsOf(l.credential)) this.http.addSecret(s);
      this.noticeChange(key, l.credential);
      if (l.warning) this.http.log("warn", `credentials for ${key}: ${l.warning}`);
      else this.http.log("debug", `credentials for ${key}: kind=${l.credential.kind}, source=${l.source}`);
      return l;
    });
    this.cache.set(key, { at: now, lookup });
    return lookup;
  }

  clear(): void {
    this.cache.clear();
  }

  private noticeChange(key: string, credential: Credential): void {
    const hash = createHash("sha256").update(credential.kind);
    if (credential.kind === "basic") hash.update(`\0${credential.username}`);
    for (const secret of secretsOf(credential)) hash.update(`\0${secret}`);
    const print = hash.digest("hex");
    const before = this.prints.get(key);
    this.prints.set(key, print);
    if (before === undefined || before === print) return;
    this.onChange();
    for (const host of this.hosts.get(key) ?? []) {
      this.http.rateLimits.clear(host);
      this.http.log("info", `credentials for ${key} changed: asking ${host} again`);
    }
  }
}

/** The shapes the auth modules share. */

/** Where a registry request goes: the API origin, and whose credentials apply. */
export interface RegistryEndpoint {
  /** `https://registry-1.docker.io`, `http://127.0.0.1:5000`, a mirror's origin. */
  origin: URL;
  /** The name credentials are stored under: `docker.io`, `ghcr.io`, a mirror's `host:port`. */
  credentialKey: string;
}

/** A Bearer host's token endpoint, from its challenge. */
export interface TokenRealm {
  realm: string;
  service?: string;
}

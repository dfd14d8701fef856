/**
 * What one source (annotations, labels, history, tag, /etc/os-release) says about the base OS,
 * before the release tables fill in the rest. deriveBaseOs (os/deriveOs.ts) picks among them.
 */
export interface DistroCandidate {
  kind: "distro";
  distro: string;
  /** As precise as this source knows it; undefined if it names only the distro. */
  version?: string;
  codename?: string;
  /**
   * Set when the source names a development stream rather than a release (AlmaLinux Kitten): its
   * number is the major it leads to, and no release line (or end of life) of that major applies.
   */
  developmentStream?: string;
  evidence: string;
}

/** The source shows there is no distro at all (a static BusyBox, a scratch image). */
export interface NoDistroCandidate {
  kind: "no-distro";
  evidence: string;
}

export type OsCandidate = DistroCandidate | NoDistroCandidate;

export function distro(
  distro: string,
  evidence: string,
  version?: string,
  codename?: string,
): DistroCandidate {
  const c: DistroCandidate = { kind: "distro", distro, evidence };
  if (version !== undefined) c.version = version;
  if (codename !== undefined) c.codename = codename;
  return c;
}

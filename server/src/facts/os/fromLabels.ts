/**
 * Base OS from image config labels: a base.name label, Ubuntu's own labels
 * (`org.opencontainers.image.ref.name=ubuntu` or rockcraft's `title=ubuntu`, with
 * `org.opencontainers.image.version=24.04`), Photon's `name=Photon OS x86_64/5.0 Base Image`, and
 * Red Hat UBI's `com.redhat.component=ubi9-minimal-container` (osFromRedHatLabels: it ranks below
 * the history, whose UBI LABEL line keeps the minor release the config's labels may have lost).
 * Labels are inherited and overridable (mariadb replaces the version label with its own), so a
 * version label counts only beside a label that names Ubuntu, and only if it is an Ubuntu release.
 */
import { Annotation } from "../../oci/types";
import { UBUNTU_RELEASES } from "../distroTable";
import { distro, type OsCandidate } from "./candidate";
import { osFromBaseName } from "./fromAnnotations";
import { rhelVersion } from "./fromHistory";

const TITLE = "org.opencontainers.image.title";

function ubuntuRelease(version: string | undefined): string | undefined {
  if (version === undefined || !/^\d{2}\.\d{2}$/.test(version)) return undefined;
  return UBUNTU_RELEASES.some((r) => r.version === version) ? version : undefined;
}

function osFromUbuntuLabels(labels: Readonly<Record<string, string>>): OsCandidate | undefined {
  const version = ubuntuRelease(labels[Annotation.version]);
  if (version === undefined) return undefined;
  for (const key of [Annotation.refName, TITLE]) {
    if (labels[key]?.toLowerCase() === "ubuntu") {
      return distro("ubuntu", `labels ${key}=ubuntu and ${Annotation.version}=${version}`, version);
    }
  }
  return undefined;
}

function osFromPhotonLabel(labels: Readonly<Record<string, string>>): OsCandidate | undefined {
  const name = labels["name"];
  const m = name === undefined ? null : /^Photon OS\b.*?\/(\d+\.\d+)\b/.exec(name);
  return m?.[1] === undefined ? undefined : distro("photon", `label name=${name ?? ""}`, m[1]);
}

/**
 * UBI's component label survives in images built on it, but its `name` and `version` are often
 * replaced by the image's own (kibana sets version=9.5.3 on UBI 9.8), so the config's `version`
 * is never read as the RHEL release: the CPE's release counts (enterprise_linux:10.2), else the
 * component's major. The history's UBI LABEL line (fromHistory.ts) gives the minor where kept.
 */
export function osFromRedHatLabels(labels: Readonly<Record<string, string>>): OsCandidate | undefined {
  const component = labels["com.redhat.component"];
  const major = component === undefined ? undefined : /^ubi(\d+)(?:-[a-z]+)?-container$/.exec(component)?.[1];
  if (component === undefined || major === undefined) return undefined;
  const version = rhelVersion(major, undefined, labels["cpe"] ?? "");
  return distro(
    "rhel",
    `label com.redhat.component=${component}: Red Hat UBI ${major} = RHEL ${version}`,
    version,
  );
}

export function osFromLabels(labels: Readonly<Record<string, string>>): OsCandidate | undefined {
  const baseName = labels[Annotation.baseName];
  return (
    (baseName === undefined ? undefined : osFromBaseName(baseName, "config label")) ??
    osFromUbuntuLabels(labels) ??
    osFromPhotonLabel(labels)
  );
}

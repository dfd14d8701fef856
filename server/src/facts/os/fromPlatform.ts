/**
 * Windows from the platform: Windows images carry their OS build in the index entry's
 * `platform["os.version"]` and in the config's `os.version` ("10.0.20348.5622"; build 20348 is
 * Windows Server 2022). Linux platforms say nothing about the distro.
 */
import type { ImageConfig } from "../../oci/types";
import type { PlatformFacts } from "../types";
import { distro, type OsCandidate } from "./candidate";

export function osFromPlatform(
  platform: PlatformFacts | undefined,
  config: ImageConfig | undefined,
): OsCandidate | undefined {
  const isWindows = platform?.os === "windows" || config?.os === "windows";
  if (!isWindows) return undefined;
  if (platform?.osVersion !== undefined) {
    return distro("windows", `platform os.version ${platform.osVersion} in the index`, platform.osVersion);
  }
  const configVersion = config?.["os.version"];
  if (configVersion !== undefined)
    return distro("windows", `config os.version ${configVersion}`, configVersion);
  return distro("windows", "platform os windows (no os.version given)");
}

/**
 * /etc/os-release (os-release(5)): newline-separated KEY=value assignments, values optionally in
 * single or double quotes with shell-style backslash escapes. Reading the file out of a layer is
 * the registry layer's job; this takes its text.
 */
import { distro, type OsCandidate } from "./candidate";

export function parseOsRelease(text: string): Readonly<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m?.[1] === undefined || m[2] === undefined) continue;
    fields[m[1]] = unquote(m[2]);
  }
  return fields;
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"'))
    return v.slice(1, -1).replace(/\\(["\\$`])/g, "$1");
  return v.replace(/\\(.)/g, "$1");
}

/** os-release IDs that differ from the distro ids used here. */
const ID_TO_DISTRO: Readonly<Record<string, string>> = {
  amzn: "amazonlinux",
  ol: "oraclelinux",
  rocky: "rockylinux",
};

export function osFromOsRelease(fields: Readonly<Record<string, string>>): OsCandidate | undefined {
  const id = fields["ID"]?.toLowerCase();
  if (id === undefined || id === "") return undefined;
  const parts = [`ID=${id}`];
  const version = fields["VERSION_ID"];
  const codename = fields["VERSION_CODENAME"];
  if (version !== undefined && version !== "") parts.push(`VERSION_ID=${version}`);
  if (codename !== undefined && codename !== "") parts.push(`VERSION_CODENAME=${codename}`);
  const evidence = `/etc/os-release ${parts.join(" ")}`;
  const d = ID_TO_DISTRO[id] ?? id;
  // Wolfi's VERSION_ID is a fixed placeholder (20230201), not a release: report it as rolling.
  const usableVersion = d === "wolfi" || version === "" ? undefined : version;
  return distro(d, evidence, usableVersion, codename === "" ? undefined : codename?.toLowerCase());
}

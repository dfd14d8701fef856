/**
 * What the words in a tag mean for the person choosing it: slim, alpine (and what musl changes),
 * windowsservercore / nanoserver, distro codenames, latest. One explanation per recognised token.
 */
import { CODENAME_NOTES } from "./data/distros.hand";
import { debianBySeries, ubuntuBySeries } from "./distroTable";
import { osFromTagToken } from "./os/fromTag";
import { tagTokens } from "./tagTokens";
import type { VariantExplanation, VariantKind } from "./types";

const FIXED: Readonly<Record<string, { kind: VariantKind; text: string }>> = {
  slim: {
    kind: "slim",
    text:
      "slim: Debian with only the packages needed to run the main program: no compilers, headers or common tools. " +
      "Smaller and less to patch; install build-essential (or use the full tag) when you must compile native extensions.",
  },
  latest: {
    kind: "latest",
    text:
      "latest: just the default tag, not a version. It moves to each new release (and base OS) without notice; " +
      "pin a version tag, and a digest, for reproducible builds.",
  },
  windowsservercore: {
    kind: "windowsservercore",
    text:
      "windowsservercore: Windows Server Core base, with most Win32 APIs, PowerShell and .NET Framework; several GB. " +
      "Process isolation needs a host with the same Windows build.",
  },
  nanoserver: {
    kind: "nanoserver",
    text:
      "nanoserver: Windows Nano Server base, much smaller than Server Core: no PowerShell, no .NET Framework, " +
      "a reduced Win32 API. Runs only programs built for it; the OS build must match the host for process isolation.",
  },
  musl: {
    kind: "musl",
    text: "musl: built against musl libc (as on Alpine) instead of glibc; glibc-linked binaries will not run in it.",
  },
  glibc: { kind: "glibc", text: "glibc: built against the GNU C library, like Debian and Ubuntu." },
  uclibc: { kind: "musl", text: "uclibc: built against uClibc-ng, a small C library for embedded systems." },
  distroless: {
    kind: "distroless",
    text: "distroless: only the program and its runtime libraries; no shell or package manager to debug or patch with.",
  },
  static: { kind: "static", text: "static: for statically linked programs; no C library in the image." },
  jdk: {
    kind: "jdk",
    text: "jdk: the full Java Development Kit (compiler and tools). Use the jre tag to only run applications.",
  },
  jre: {
    kind: "jre",
    text: "jre: the Java Runtime Environment only; smaller, but cannot compile Java sources.",
  },
  fpm: {
    kind: "fpm",
    text: "fpm: PHP-FPM, a FastCGI server; needs a web server (nginx, Apache) in front of it.",
  },
  cli: { kind: "cli", text: "cli: the PHP command-line interpreter only, no web server." },
  apache: { kind: "apache", text: "apache: PHP as an Apache httpd module (mod_php), serving on port 80." },
};

function alpineText(token: string, version: string | undefined): string {
  const which = version === undefined ? "Alpine Linux" : `Alpine Linux ${version}`;
  return (
    `${token}: ${which}, a small distro built on musl libc and BusyBox instead of glibc and GNU tools. ` +
    "Binaries and wheels built for glibc (manylinux, most prebuilt downloads) do not run, DNS resolution and " +
    "threading behave differently, and Python packages often compile from source. " +
    "Ways out: use the Debian-based slim tag, install musl builds (musllinux wheels), or add gcompat for simple glibc binaries."
  );
}

function codenameText(token: string): string | undefined {
  const debian = debianBySeries(token);
  if (debian !== undefined) {
    const number = debian.version === null ? "" : ` ${debian.version}`;
    return `${token}: Debian${number} "${debian.codename}". ${CODENAME_NOTES.debian}`;
  }
  const ubuntu = ubuntuBySeries(token);
  if (ubuntu !== undefined) {
    return `${token}: Ubuntu ${ubuntu.version ?? ""}${ubuntu.lts ? " LTS" : ""} "${ubuntu.codename}". ${CODENAME_NOTES.ubuntu}`;
  }
  return undefined;
}

function explainToken(token: string): VariantExplanation | undefined {
  const fixed = FIXED[token];
  if (fixed !== undefined) return { kind: fixed.kind, token, text: fixed.text };
  const os = osFromTagToken(token);
  if (os === undefined) return undefined;
  if (os.distro === "alpine") return { kind: "alpine", token, text: alpineText(token, os.version) };
  if (os.distro === "windows" && os.codename !== undefined) {
    return { kind: "windows-ltsc", token, text: `${token}: ${os.meaning}. ${CODENAME_NOTES.windows}` };
  }
  if (os.codename !== undefined) {
    const text = codenameText(token);
    if (text !== undefined) return { kind: "codename", token, text };
  }
  return undefined;
}

/** Explanations for the recognised words of a tag, in tag order. */
export function explainTagVariants(tag: string | undefined): VariantExplanation[] {
  if (tag === undefined) return [];
  const out: VariantExplanation[] = [];
  for (const token of tagTokens(tag)) {
    const e = explainToken(token);
    if (e !== undefined && !out.some((o) => o.token === e.token)) out.push(e);
  }
  return out;
}

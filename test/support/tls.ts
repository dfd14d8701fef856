/**
 * Certificates for loopback TLS servers, made at test time with `openssl` (Debian package
 * `openssl`; node:crypto cannot issue certificates): a self-signed CA, and a server certificate
 * it signs for 127.0.0.1 / localhost. Trust the CA through FROM Lens' `caFile`; a second
 * `makeCertificates` gives a CA that did not sign the server (a wrong `caFile`).
 */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { Agent, fetch as undiciFetch } from "undici";
import type { RequestInit as UndiciRequestInit } from "undici";

const execFileAsync = promisify(execFile);

export interface Certificates {
  /** PEM file of the CA certificate (what `caFile` points at). */
  caFile: string;
  /** The CA certificate (PEM), for clients that take it in memory. */
  ca: Buffer;
  /** PEM files of the server's certificate (signed by the CA) and its private key. */
  certFile: string;
  keyFile: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await execFileAsync("openssl", args, { cwd });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? "";
    throw new Error(
      `openssl ${args[0] ?? ""} failed (is the Debian package openssl installed?): ${e instanceof Error ? e.message : String(e)}\n${stderr}`,
    );
  }
}

/** A CA and a server certificate for 127.0.0.1 (and localhost) in `dir`, valid for a day. */
export async function makeCertificates(dir: string, name = "from-lens-test"): Promise<Certificates> {
  const caKey = join(dir, `${name}-ca.key`);
  const caFile = join(dir, `${name}-ca.crt`);
  const keyFile = join(dir, `${name}-server.key`);
  const csr = join(dir, `${name}-server.csr`);
  const certFile = join(dir, `${name}-server.crt`);
  const ext = join(dir, `${name}-server.ext`);
  // EC P-256 keys: generated in milliseconds (RSA 2048 takes ~100 ms each on this machine).
  const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(
    [
      "req",
      "-x509",
      ...ecKey,
      "-keyout",
      caKey,
      "-out",
      caFile,
      "-days",
      "1",
      "-subj",
      `/CN=${name} CA`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
  await openssl(["req", ...ecKey, "-keyout", keyFile, "-out", csr, "-subj", "/CN=127.0.0.1"], dir);
  await writeFile(
    ext,
    [
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "",
    ].join("\n"),
  );
  await openssl(
    [
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      caFile,
      "-CAkey",
      caKey,
      "-CAcreateserial",
      "-out",
      certFile,
      "-days",
      "1",
      "-extfile",
      ext,
    ],
    dir,
  );
  return { caFile, ca: await readFile(caFile), certFile, keyFile };
}

const agents = new Map<string, Agent>();

/**
 * `fetch` for a loopback TLS server whose certificate `ca` signed (Node's global fetch has no
 * option for extra CAs): undici's fetch with an Agent trusting `ca`; the global fetch without one.
 */
export function fetchTrusting(ca: Buffer | undefined): typeof fetch {
  if (ca === undefined) return fetch;
  const key = ca.toString("utf8");
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ connect: { ca } });
    agents.set(key, agent);
  }
  const dispatcher = agent;
  // undici's Request/Response types are the WHATWG ones the global fetch declares, from another package.
  return ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, { ...(init as unknown as UndiciRequestInit), dispatcher })) as unknown as typeof fetch;
}

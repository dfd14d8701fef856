import assert from "node:assert/strict";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  DOCKER_HUB_CONFIG_KEY,
  configKeyFor,
  decodeAuthField,
  dockerConfigDirectory,
  lookupCredentials,
  runCredentialHelper,
} from "../../../server/src/registry/credentials";
import type { CredentialOptions } from "../../../server/src/registry/credentials";
import { tempDirFor } from "../../support/tmp";

const b64 = (s: string): string => Buffer.from(s).toString("base64");

/**
 * A fake `docker-credential-test`: answers by server URL like a real helper, logs every call
 * (URL received on stdin) to calls.log next to it. `docker-credential-hang` never answers.
 */
const TEST_HELPER = `#!/bin/sh
read -r url || true
echo "$url" >> "$(dirname "$0")/calls.log"
case "$url" in
  "https://index.docker.io/v1/") printf '{"ServerURL":"%s","Username":"hubuser","Secret":"hub-s3cret"}' "$url" ;;
  "ghcr.io") printf '{"ServerURL":"ghcr.io","Username":"<token>","Secret":"ghcr-identity-token"}' ;;
  "broken.example") printf 'not json' ;;
  "failing.example") echo "some failure mentioning hub-s3cret" ; exit 3 ;;
  *) echo "credentials not found in native keychain" ; exit 1 ;;
esac
`;
const HANG_HELPER = `#!/bin/sh
echo started >> "$(dirname "$0")/calls.log"
exec sleep 30
`;

interface Fixture {
  dir: string;
  bin: string;
  env: Record<string, string | undefined>;
  options(extra?: Partial<CredentialOptions>): CredentialOptions;
  writeConfig(config: unknown): Promise<void>;
  calls(): Promise<string[]>;
}

async function fixture(t: { after(fn: () => Promise<void>): void }): Promise<Fixture> {
  const dir = await tempDirFor(t, "from-lens-docker-config");
  const bin = join(dir, "bin");
  await mkdir(bin);
  for (const [name, text] of [
    ["docker-credential-test", TEST_HELPER],
    ["docker-credential-hang", HANG_HELPER],
  ] as const) {
    await writeFile(join(bin, name), text);
    await chmod(join(bin, name), 0o755);
  }
  const env = { PATH: `${bin}:${process.env.PATH ?? ""}`, HOME: join(dir, "home") };
  return {
    dir,
    bin,
    env,
    options: (extra = {}) => ({
      dockerConfigDir: dir,
      allowCredentialHelpers: true,
      helperTimeoutMs: 5000,
      env,
      ...extra,
    }),
    writeConfig: (config) => writeFile(join(dir, "config.json"), JSON.stringify(config)),
    calls: async () =>
      existsSync(join(bin, "calls.log"))
        ? (await readFile(join(bin, "calls.log"), "utf8")).trim().split("\n")
        : [],
  };
}

describe("credential lookup like the docker CLI", () => {
  it("is anonymous without a config file", async (t) => {
    const f = await fixture(t);
    assert.deepEqual(await lookupCredentials("docker.io", f.options()), {
      credential: { kind: "anonymous" },
      source: "none",
    });
  });

  it("reads Docker Hub's base64 auth under https://index.docker.io/v1/", async (t) => {
    const f = await fixture(t);
    await f.writeConfig({ auths: { [DOCKER_HUB_CONFIG_KEY]: { auth: b64("bob:pa:ss") } } });
    for (const name of ["docker.io", "index.docker.io", "registry-1.docker.io"]) {
      const r = await lookupCredentials(name, f.options());
      assert.deepEqual(r.credential, { kind: "basic", username: "bob", password: "pa:ss" }, name);
      assert.equal(r.source, "auths");
    }
  });

  it("matches an auths key written as a URL by its host name", async (t) => {
    const f = await fixture(t);
    await f.writeConfig({ auths: { "https://registry.example.com/v1/": { username: "u", password: "p" } } });
    assert.deepEqual((await lookupCredentials("registry.example.com", f.options())).credential, {
      kind: "basic",
      username: "u",
      password: "p",
    });
    assert.equal((await lookupCredentials("other.example.com", f.options())).credential.kind, "anonymous");
  });

  it("reads identitytoken and registrytoken entries", async (t) => {
    const f = await fixture(t);
    await f.writeConfig({
      auths: { "a.example": { identitytoken: "refresh-xyz" }, "b.example": { registrytoken: "bearer-xyz" } },
    });
    assert.deepEqual((await lookupCredentials("a.example", f.options())).credential, {
      kind: "identity-token",
      token: "refresh-xyz",
    });
    assert.deepEqual((await lookupCredentials("b.example", f.options())).credential, {
      kind: "registry-token",
      token: "bearer-xyz",
    });
  });

  it("finds config.json through DOCKER_CONFIG, else ~/.docker", async (t) => {
    const f = await fixture(t);
    await f.writeConfig({ auths: { "r.example": { auth: b64("x:y") } } });
    const viaEnv = await lookupCredentials("r.example", {
      allowCredentialHelpers: false,
      helperTimeoutMs: 1000,
      env: { ...f.env, DOCKER_CONFIG: f.dir },
    });
    assert.equal(viaEnv.credential.kind, "basic");
    assert.equal(dockerConfigDirectory({ env: { HOME: "/home/u" } }), "/home/u/.docker");
    assert.equal(dockerConfigDirectory({ env: { HOME: "/home/u", DOCKER_CONFIG: "/cfg" } }), "/cfg");
    assert.equal(
      dockerConfigDirectory({ dockerConfigDir: "/explicit", env: { DOCKER_CONFIG: "/cfg" } }),
      "/explicit",
    );
  });

  it("asks credHelpers[host] first, passing the config key on stdin", async (t) => {
    const f = await fixture(t);
    await f.writeConfig({
      credHelpers: { "docker.io": "nope", [DOCKER_HUB_CONFIG_KEY]: "test" },
      credsStore: "nope",
      auths: { [DOCKER_HUB_CONFIG_KEY]: { auth: b64("file:user") } },
    });
    const r = await lookupCredentials("docker.io", f.options());
    assert.deepEqual(r.credential, { kind: "basic", username: "hubuser", password: "hub-s3cret" });
    assert.equal(r.source, "credHelpers (docker-credential-test)");
    assert.deepEqual(await f.calls(), [DOCKER_HUB_CONFIG_KEY]);
  });

  it("uses credsStore when no credHelpers entry matches", async (t) => {
    const f = await fixture(t);
    await f.writeConfig({ credHelpers: { "other.example": "nope" }, credsStore: "test" });
    const r = await lookupCredentials("docker.io", f.options());
    assert.equal(r.credential.kind, "basic");
    assert.equal(r.source, "credsStore (docker-credential-test)");
  });

  it("treats a helper's <token> user as an identity token", async (t) => {
    const f = await fixture(t);
    await f.writeConfig({ credsStore: "test" });
    assert.deepEqual((await lookupCredentials("ghcr.io", f.options())).credential, {
      kind: "identity-token",
      token: "ghcr-identity-token",
    });
  });

  it("is anonymous when the helper has no credentials, without falling back to auths (as the CLI)", async (t) => {
    const f = await fixture(t);
    await f.writeConfig({ credsStore: "test", auths: { "unknown.example": { auth: b64("stale:entry") } } });
    const r = await lookupCredentials("unknown.example", f.options());
    assert.deepEqual(r.credential, { kind: "anonymous" });
    assert.equal(r.warning, undefined);
  });

  it("reports a failing helper without its output (it may echo secrets)", async (t) => {
    const f = await fixture(t);
    await f.writeConfig({ credsStore: "test" });
    const failing = await lookupCredentials("failing.example", f.options());
    assert.equal(failing.credential.kind, "anonymous");
    assert.match(failing.warning ?? "", /exit code 3/);
    assert.ok(!(failing.warning ?? "").includes("hub-s3cret"));
    const broken = await lookupCredentials("broken.example", f.options());
    assert.match(broken.warning ?? "", /not JSON/);
  });

  it("gives up on a helper that hangs, within its timeout", async (t) => {
    const f = await fixture(t);
    await f.writeConfig({ credsStore: "hang" });
    const started = Date.now();
    const r = await lookupCredentials("docker.io", f.options({ helperTimeoutMs: 200 }));
    const elapsed = Date.now() - started;
    assert.equal(r.credential.kind, "anonymous");
    assert.match(r.warning ?? "", /did not answer within 200 ms/);
    assert.ok(elapsed < 3000, `took ${elapsed} ms`);
  });

  it("runs no helper in an untrusted workspace, but still reads plain auths", async (t) => {
    const f = await fixture(t);
    await f.writeConfig({ credsStore: "test", auths: { "r.example": { auth: b64("plain:file") } } });
    const hub = await lookupCredentials("docker.io", f.options({ allowCredentialHelpers: false }));
    assert.equal(hub.credential.kind, "anonymous");
    assert.match(hub.warning ?? "", /not trusted/);
    const r = await lookupCredentials("r.example", f.options({ allowCredentialHelpers: false }));
    assert.deepEqual(r.credential, { kind: "basic", username: "plain", password: "file" });
    assert.deepEqual(await f.calls(), [], "no helper ran");
  });

  it("reports a missing helper program", async (t) => {
    const f = await fixture(t);
    await f.writeConfig({ credsStore: "not-installed-anywhere" });
    const r = await lookupCredentials("docker.io", f.options());
    assert.equal(r.credential.kind, "anonymous");
    assert.match(r.warning ?? "", /docker-credential-not-installed-anywhere is not on PATH/);
  });

  it("refuses helper names that are paths", async () => {
    const r = await runCredentialHelper("../../bin/sh", "docker.io", { timeoutMs: 1000 });
    assert.equal(r.kind, "error");
  });

  it("reports a config file that is not JSON", async (t) => {
    const f = await fixture(t);
    await writeFile(join(f.dir, "config.json"), "{ nope");
    const r = await lookupCredentials("docker.io", f.options());
    assert.equal(r.credential.kind, "anonymous");
    assert.match(r.warning ?? "", /not valid JSON/);
  });

  it("reads DOCKER_AUTH_CONFIG before the file", async (t) => {
    const f = await fixture(t);
    await f.writeConfig({ auths: { "r.example": { auth: b64("file:user") } } });
    const env = {
      ...f.env,
      DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { "r.example": { auth: b64("env:user") } } }),
    };
    const r = await lookupCredentials("r.example", f.options({ env }));
    assert.deepEqual(r.credential, { kind: "basic", username: "env", password: "user" });
    assert.equal(r.source, "DOCKER_AUTH_CONFIG");
  });
});

describe("auth field and config keys", () => {
  it("decodes base64 user:password, trimming NUL padding", () => {
    assert.deepEqual(decodeAuthField(b64("user:pass")), { username: "user", password: "pass" });
    assert.deepEqual(decodeAuthField(b64("user:pa:ss\0\0")), { username: "user", password: "pa:ss" });
    assert.equal(decodeAuthField(b64("nocolon")), undefined);
    assert.equal(decodeAuthField(b64(":nouser")), undefined);
    assert.equal(decodeAuthField("!!!"), undefined);
  });

  it("keys Docker Hub as the CLI does and everything else by host", () => {
    assert.equal(configKeyFor("docker.io"), DOCKER_HUB_CONFIG_KEY);
    assert.equal(configKeyFor("index.docker.io"), DOCKER_HUB_CONFIG_KEY);
    assert.equal(configKeyFor("ghcr.io"), "ghcr.io");
    assert.equal(configKeyFor("127.0.0.1:5000"), "127.0.0.1:5000");
  });
});

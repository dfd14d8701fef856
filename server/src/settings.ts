/**
 * The one typed settings object of FROM Lens: its type, its defaults, and `normalizeSettings`,
 * which turns whatever the client sent (the `fromLens` section, in any of the three ways
 * documentSettings.ts layers: initializationOptions, didChangeConfiguration,
 * workspace/configuration) into a complete, valid object, falling back to the default for every missing or malformed value.
 * The client imports the same type; package.json's `contributes.configuration` mirrors it (a
 * unit test keeps the two in step).
 */
import { isRecord } from "./json";

export const LOG_LEVELS = ["off", "error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const RULE_SEVERITIES = ["error", "warning", "info", "hint", "off"] as const;
export type RuleSeverity = (typeof RULE_SEVERITIES)[number];

/** What `fromLens.validate.<rule>` accepts: the one severity vocabulary, plus the old `ignore` (= off). */
export const VALIDATION_SEVERITIES = [...RULE_SEVERITIES, "ignore"] as const;
export type ValidationSeveritySetting = (typeof VALIDATION_SEVERITIES)[number];

/**
 * The older per-rule settings of the standard checks (`fromLens.validate.<rule>`, dockerfile-utils'
 * names), kept working: one set to anything but its default overrides `fromLens.rules.<check>`.
 */
export const VALIDATE_RULES = {
  deprecatedMaintainer: "warning",
  directiveCasing: "warning",
  emptyContinuationLine: "warning",
  instructionCasing: "warning",
  instructionCmdMultiple: "warning",
  instructionEntrypointMultiple: "warning",
  instructionHealthcheckMultiple: "warning",
  instructionJSONInSingleQuotes: "warning",
  instructionWorkdirRelative: "warning",
} as const satisfies Record<string, RuleSeverity>;
export type ValidateRule = keyof typeof VALIDATE_RULES;

/**
 * The standard Dockerfile checks (dockerfile-utils, with flags checked as BuildKit does), by
 * stable code, with their default severities (`fromLens.rules.<code>`). Build errors default to
 * error; BuildKit's own build checks (warnings in `docker build`) to warning. README.md has a
 * table of them.
 */
export const STANDARD_CHECK_DEFAULTS = {
  "argument-count": "error",
  "blank-base-name": "error",
  "deprecated-maintainer": "warning",
  "destination-not-directory": "error",
  "directive-casing": "warning",
  "duplicate-flag": "error",
  "duplicate-stage-name": "warning",
  "empty-continuation-line": "warning",
  "extra-argument": "error",
  "healthcheck-syntax": "error",
  "instruction-casing": "warning",
  "invalid-as": "error",
  "invalid-escape-directive": "error",
  "invalid-flag-value": "error",
  "invalid-onbuild-trigger": "error",
  "invalid-port": "error",
  "invalid-reference-format": "error",
  "invalid-signal": "error",
  "invalid-stage-name": "error",
  "json-in-single-quotes": "warning",
  "key-value-syntax": "error",
  "missing-argument": "error",
  "missing-flag-value": "error",
  "multiple-instructions": "warning",
  "no-source-image": "error",
  "relative-workdir": "warning",
  "shell-json-form": "error",
  "unknown-flag": "error",
  "unknown-instruction": "error",
  "unsupported-modifier": "error",
} as const satisfies Record<string, RuleSeverity>;
export type StandardCheckCode = keyof typeof STANDARD_CHECK_DEFAULTS;

/**
 * FROM Lens' own diagnostics, by stable code, with their default severities
 * (`fromLens.rules.<code>`). README.md has a section per code.
 */
export const RULE_DEFAULTS = {
  "invalid-reference": "error",
  "invalid-stage-reference": "error",
  "latest-tag": "warning",
  "implicit-latest": "warning",
  unpinned: "off",
  "stale-pin": "warning",
  "digest-only": "hint",
  "platform-pin": "warning",
  "floating-tag": "hint",
  "unknown-repository": "error",
  "unknown-tag": "error",
  "unknown-digest": "error",
  "lookalike-image": "warning",
  "untrusted-source": "off",
  unauthorized: "warning",
  "auth-misconfigured": "warning",
  "rate-limited": "info",
  "registry-unreachable": "info",
  "platform-unavailable": "error",
  "eol-base": "warning",
  "eol-soon": "hint",
  "unresolvable-arg": "warning",
  "slim-final-stage": "hint",
  "musl-variant": "off",
  "disallowed-image": "error",
  "diverges-from-official": "info",
  "content-trust": "info",
  "unsigned-image": "off",
} as const satisfies Record<string, RuleSeverity>;
export type RuleCode = keyof typeof RULE_DEFAULTS;

/**
 * Settings that decide where FROM Lens connects or what it trusts (and rules whose silence would
 * hide a security warning). A repository must not be able to set them: package.json gives them
 * `"scope": "machine"` (VS Code ignores workspace and folder values) and lists them in
 * `restrictedConfigurations`, and the server reads them only from the editor-wide answer, never
 * from a folder's (`withProtectedSettings`). Dotted paths below `fromLens.`.
 */
export const PROTECTED_SETTINGS = [
  "registryMirrors",
  "hubApiUrl",
  "insecureRegistries",
  "caFile",
  "trustedRegistries",
  "allowedImages",
  "facts.inspectLayers",
  "offline",
  "rules.lookalike-image",
  "rules.untrusted-source",
  "rules.disallowed-image",
  "rules.diverges-from-official",
  "rules.content-trust",
  "rules.eol-base",
  "rules.unsigned-image",
  "trust.publicKeys",
  "trust.requireSignature",
] as const;

export interface FromLensSettings {
  /** How much the server writes to the "FROM Lens" output channel. */
  logLevel: LogLevel;
  /** Work from the cache only; never contact a registry. */
  offline: boolean;
  /** The platform builds use where a FROM has no --platform, e.g. "linux/arm64"; "" = this machine's. */
  defaultPlatform: string;
  /** http registries (host[:port]); loopback registries are always spoken to over http. */
  insecureRegistries: string[];
  /** Mirrors for docker.io (URLs), tried before Docker Hub, like the docker daemon's registry-mirrors. */
  registryMirrors: string[];
  /** A PEM bundle of extra certificate authorities (corporate proxies, private registries). */
  caFile: string;
  /** Docker Hub's web API base URL (for tag details, trust badges, tag lists). */
  hubApiUrl: string;
  /** Registries (or registry/namespace prefixes) whose images count as trusted. */
  trustedRegistries: string[];
  /** Glob patterns of allowed images (`docker.io/library/*`, `registry.corp.example/**`); empty = all. */
  allowedImages: string[];
  cache: {
    /** Minutes a tag → digest answer is used before it is checked again. */
    tagTtl: number;
    /** Upper bound of the disk cache, in MB. */
    maxSizeMB: number;
  };
  network: {
    /** Requests sent to one registry host at once (the docker daemon 3, BuildKit 4+1, skopeo 6, Renovate 16). */
    maxRequestsPerHost: number;
    /** Offer HTTP/2 (ALPN) to registries reached over TLS; off: HTTP/1.1 only. */
    http2: boolean;
  };
  hover: {
    /** Milliseconds a hover waits for a resolution in flight before answering with what it has. */
    waitMs: number;
  };
  facts: {
    /** Read /etc/os-release out of the base layer when nothing cheaper tells the base OS. */
    inspectLayers: boolean;
  };
  trust: {
    /**
     * Public keys (PEM) that cosign signatures are verified against. Machine / application scope:
     * a workspace cannot add a key of its own.
     */
    publicKeys: { name: string; pem: string }[];
    /** Check every image's signature and report `unsigned-image` as an error for any not verified. */
    requireSignature: boolean;
  };
  provenance: {
    /**
     * When to fetch BuildKit attestations (a manifest GET, which Docker Hub counts as a pull):
     * on request ("Show provenance"), or for every hovered image.
     */
    fetchAttestations: "onRequest" | "always";
  };
  pin: {
    /** Offer pinning at all (some teams' policy forbids digests). */
    enabled: boolean;
  };
  codeLens: {
    /** "Pin to digest" above unpinned references. */
    pin: boolean;
    /** "Update pin" above pins whose tag moved. */
    updatePin: boolean;
    /** "Pinned ✓ current", "Resolving…" and error lenses. */
    status: boolean;
  };
  /** Severity of each FROM Lens diagnostic and of each standard check. */
  rules: Record<RuleCode | StandardCheckCode, RuleSeverity>;
  /** The older settings of some standard checks (`ignore` read as `off`). */
  validate: Record<ValidateRule, RuleSeverity>;
  format: {
    /** Leave instructions that span several lines as they are when formatting. */
    ignoreMultilineInstructions: boolean;
  };
  /**
   * Documents larger than this (KB) keep FROM Lens' image features but lose the expensive standard
   * ones: standard validation, full semantic tokens, formatting, folding, symbols, links, highlights.
   */
  largeDocumentKB: number;
}

export const DEFAULT_SETTINGS: FromLensSettings = {
  logLevel: "info",
  offline: false,
  defaultPlatform: "",
  insecureRegistries: [],
  registryMirrors: [],
  caFile: "",
  hubApiUrl: "https://hub.docker.com",
  trustedRegistries: [],
  allowedImages: [],
  cache: { tagTtl: 60, maxSizeMB: 200 },
  network: { maxRequestsPerHost: 8, http2: true },
  hover: { waitMs: 1500 },
  facts: { inspectLayers: false },
  trust: { publicKeys: [], requireSignature: false },
  provenance: { fetchAttestations: "onRequest" },
  pin: { enabled: true },
  codeLens: { pin: true, updatePin: true, status: true },
  rules: { ...RULE_DEFAULTS, ...STANDARD_CHECK_DEFAULTS },
  validate: { ...VALIDATE_RULES },
  format: { ignoreMultilineInstructions: false },
  largeDocumentKB: 64,
};

function oneOf<T extends string>(allowed: readonly T[], value: unknown, fallback: T): T {
  return typeof value === "string" && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : fallback;
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === "boolean" ? value : fallback;
}

function str(value: unknown, fallback: string): string {
  return typeof value === "string" ? value.trim() : fallback;
}

function strings(value: unknown, fallback: string[]): string[] {
  if (!Array.isArray(value)) return [...fallback];
  return value.filter((v): v is string => typeof v === "string" && v.trim() !== "").map((v) => v.trim());
}

function num(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === "number" && Number.isFinite(value) && value >= min && value <= max
    ? value
    : fallback;
}

function section(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/**
 * `fromLens.trust.publicKeys`: PEM strings, or `{ "name": …, "key": PEM }` objects. A key without
 * a name is named by its position; what is not PEM text is dropped (facts/signature.ts reports a
 * PEM that does not parse as a key).
 */
function publicKeys(value: unknown): { name: string; pem: string }[] {
  if (!Array.isArray(value)) return [];
  const out: { name: string; pem: string }[] = [];
  value.forEach((v: unknown, i) => {
    const pem = typeof v === "string" ? v : isRecord(v) && typeof v.key === "string" ? v.key : undefined;
    if (pem === undefined || !pem.includes("-----BEGIN PUBLIC KEY-----")) return;
    const name =
      isRecord(v) && typeof v.name === "string" && v.name.trim() !== "" ? v.name.trim() : `key ${i + 1}`;
    out.push({ name: name.slice(0, 80), pem });
  });
  return out;
}

/** A complete settings object from anything; never throws. */
export function normalizeSettings(raw: unknown): FromLensSettings {
  const r = isRecord(raw) ? raw : {};
  const validateRaw = isRecord(r.validate) ? r.validate : {};
  const validate = { ...DEFAULT_SETTINGS.validate };
  for (const rule of Object.keys(VALIDATE_RULES) as ValidateRule[]) {
    const value = oneOf(VALIDATION_SEVERITIES, validateRaw[rule], DEFAULT_SETTINGS.validate[rule]);
    validate[rule] = value === "ignore" ? "off" : value;
  }
  const formatRaw = isRecord(r.format) ? r.format : {};
  const rulesRaw = section(r.rules);
  const rules = { ...DEFAULT_SETTINGS.rules };
  for (const code of [...Object.keys(RULE_DEFAULTS), ...Object.keys(STANDARD_CHECK_DEFAULTS)] as (
    RuleCode | StandardCheckCode
  )[]) {
    rules[code] = oneOf(RULE_SEVERITIES, rulesRaw[code], DEFAULT_SETTINGS.rules[code]);
  }
  const d = DEFAULT_SETTINGS;
  const cache = section(r.cache);
  const codeLens = section(r.codeLens);
  return {
    logLevel: oneOf(LOG_LEVELS, r.logLevel, d.logLevel),
    offline: bool(r.offline, d.offline),
    defaultPlatform: str(r.defaultPlatform, d.defaultPlatform),
    insecureRegistries: strings(r.insecureRegistries, d.insecureRegistries),
    registryMirrors: strings(r.registryMirrors, d.registryMirrors),
    caFile: str(r.caFile, d.caFile),
    hubApiUrl: str(r.hubApiUrl, d.hubApiUrl) || d.hubApiUrl,
    trustedRegistries: strings(r.trustedRegistries, d.trustedRegistries),
    allowedImages: strings(r.allowedImages, d.allowedImages),
    cache: {
      tagTtl: num(cache.tagTtl, d.cache.tagTtl, 0, 60 * 24 * 30),
      maxSizeMB: num(cache.maxSizeMB, d.cache.maxSizeMB, 1, 100_000),
    },
    network: {
      maxRequestsPerHost: Math.round(
        num(section(r.network).maxRequestsPerHost, d.network.maxRequestsPerHost, 1, 64),
      ),
      http2: bool(section(r.network).http2, d.network.http2),
    },
    hover: { waitMs: num(section(r.hover).waitMs, d.hover.waitMs, 0, 30_000) },
    facts: { inspectLayers: bool(section(r.facts).inspectLayers, d.facts.inspectLayers) },
    trust: {
      publicKeys: publicKeys(section(r.trust).publicKeys),
      requireSignature: bool(section(r.trust).requireSignature, d.trust.requireSignature),
    },
    provenance: {
      fetchAttestations: oneOf(
        ["onRequest", "always"] as const,
        section(r.provenance).fetchAttestations,
        d.provenance.fetchAttestations,
      ),
    },
    pin: { enabled: bool(section(r.pin).enabled, d.pin.enabled) },
    codeLens: {
      pin: bool(codeLens.pin, d.codeLens.pin),
      updatePin: bool(codeLens.updatePin, d.codeLens.updatePin),
      status: bool(codeLens.status, d.codeLens.status),
    },
    rules,
    validate,
    format: {
      ignoreMultilineInstructions: bool(
        formatRaw.ignoreMultilineInstructions,
        DEFAULT_SETTINGS.format.ignoreMultilineInstructions,
      ),
    },
    largeDocumentKB: num(r.largeDocumentKB, d.largeDocumentKB, 1, 1_000_000),
  };
}

/**
 * `folder` (one document's settings) with every PROTECTED_SETTINGS value taken from `editor`
 * (the settings asked without a resource): a folder's `.vscode/settings.json` cannot change them.
 */
export function withProtectedSettings(folder: FromLensSettings, editor: FromLensSettings): FromLensSettings {
  const out = structuredClone(folder);
  for (const key of PROTECTED_SETTINGS) {
    const path = key.split(".");
    const last = path.pop() ?? key;
    // Both objects have the shape FromLensSettings; a unit test checks every path exists.
    let to: Record<string, unknown> = out as unknown as Record<string, unknown>;
    let from: Record<string, unknown> = editor as unknown as Record<string, unknown>;
    for (const part of path) {
      to = to[part] as Record<string, unknown>;
      from = from[part] as Record<string, unknown>;
    }
    to[last] = structuredClone(from[last]);
  }
  return out;
}

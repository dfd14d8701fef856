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

export const VALIDATION_SEVERITIES = ["ignore", "warning", "error"] as const;
export type ValidationSeveritySetting = (typeof VALIDATION_SEVERITIES)[number];

/**
 * The rules of dockerfile-utils' validator whose severity the user can set
 * (`fromLens.validate.<rule>`), with the service's own defaults.
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
} as const satisfies Record<string, ValidationSeveritySetting>;
export type ValidateRule = keyof typeof VALIDATE_RULES;

export const RULE_SEVERITIES = ["error", "warning", "info", "hint", "off"] as const;
export type RuleSeverity = (typeof RULE_SEVERITIES)[number];

/**
 * FROM Lens' own diagnostics, by stable code, with their default severities
 * (`fromLens.rules.<code>`). README.md has a section per code.
 */
export const RULE_DEFAULTS = {
  "invalid-reference": "error",
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
} as const satisfies Record<string, RuleSeverity>;
export type RuleCode = keyof typeof RULE_DEFAULTS;

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
  };
  hover: {
    /** Milliseconds a hover waits for a resolution in flight before answering with what it has. */
    waitMs: number;
  };
  facts: {
    /** Read /etc/os-release out of the base layer when nothing cheaper tells the base OS. */
    inspectLayers: boolean;
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
  /** Severity of each FROM Lens diagnostic. */
  rules: Record<RuleCode, RuleSeverity>;
  /** Severity of each of the standard Dockerfile validation rules. */
  validate: Record<ValidateRule, ValidationSeveritySetting>;
  format: {
    /** Leave instructions that span several lines as they are when formatting. */
    ignoreMultilineInstructions: boolean;
  };
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
  network: { maxRequestsPerHost: 8 },
  hover: { waitMs: 1500 },
  facts: { inspectLayers: false },
  pin: { enabled: true },
  codeLens: { pin: true, updatePin: true, status: true },
  rules: { ...RULE_DEFAULTS },
  validate: { ...VALIDATE_RULES },
  format: { ignoreMultilineInstructions: false },
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

/** A complete settings object from anything; never throws. */
export function normalizeSettings(raw: unknown): FromLensSettings {
  const r = isRecord(raw) ? raw : {};
  const validateRaw = isRecord(r.validate) ? r.validate : {};
  const validate = { ...DEFAULT_SETTINGS.validate };
  for (const rule of Object.keys(VALIDATE_RULES) as ValidateRule[]) {
    validate[rule] = oneOf(VALIDATION_SEVERITIES, validateRaw[rule], DEFAULT_SETTINGS.validate[rule]);
  }
  const formatRaw = isRecord(r.format) ? r.format : {};
  const rulesRaw = section(r.rules);
  const rules = { ...DEFAULT_SETTINGS.rules };
  for (const code of Object.keys(RULE_DEFAULTS) as RuleCode[]) {
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
    },
    hover: { waitMs: num(section(r.hover).waitMs, d.hover.waitMs, 0, 30_000) },
    facts: { inspectLayers: bool(section(r.facts).inspectLayers, d.facts.inspectLayers) },
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
  };
}

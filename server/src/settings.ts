/**
 * The one typed settings object of FROM Lens: its type, its defaults, and `normalizeSettings`,
 * which turns whatever the client sent (`workspace/configuration` for section `fromLens`) into a
 * complete, valid object, falling back to the default for every missing or malformed value.
 * The client imports the same type; package.json's `contributes.configuration` mirrors it (a
 * unit test keeps the two in step).
 */

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

export interface FromLensSettings {
  /** How much the server writes to the "FROM Lens" output channel. */
  logLevel: LogLevel;
  /** Severity of each of the standard Dockerfile validation rules. */
  validate: Record<ValidateRule, ValidationSeveritySetting>;
  format: {
    /** Leave instructions that span several lines as they are when formatting. */
    ignoreMultilineInstructions: boolean;
  };
}

export const DEFAULT_SETTINGS: FromLensSettings = {
  logLevel: "info",
  validate: { ...VALIDATE_RULES },
  format: { ignoreMultilineInstructions: false },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown, fallback: T): T {
  return typeof value === "string" && (allowed as readonly string[]).includes(value)
    ? (value as T)
    : fallback;
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === "boolean" ? value : fallback;
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
  return {
    logLevel: oneOf(LOG_LEVELS, r.logLevel, DEFAULT_SETTINGS.logLevel),
    validate,
    format: {
      ignoreMultilineInstructions: bool(
        formatRaw.ignoreMultilineInstructions,
        DEFAULT_SETTINGS.format.ignoreMultilineInstructions,
      ),
    },
  };
}

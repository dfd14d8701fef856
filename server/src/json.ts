/**
 * Reading JSON that other programs wrote (registries, Docker Hub, config files, command
 * arguments): shape checks that never trust the data.
 */

/** A JSON object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * `record[key] = value` as an own, enumerable property, even when the key is "__proto__" (a
 * plain assignment would set the prototype and lose the value). Keys come from the data.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

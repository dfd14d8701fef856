/**
 * The ARGs BuildKit predefines (dockerfile2llb/platform.go defaultArgs): the platform ARGs and
 * TARGETSTAGE, why an editor cannot know them, and their values for a given build platform.
 */

/** The ARGs BuildKit defines for every build (dockerfile2llb/platform.go defaultArgs), with why
 * none of them has a value an editor can know. */
export const PREDEFINED_ARGS: ReadonlyMap<string, string> = (() => {
  const reasons = new Map<string, string>();
  for (const name of ["BUILDPLATFORM", "BUILDOS", "BUILDOSVERSION", "BUILDARCH", "BUILDVARIANT"]) {
    reasons.set(
      name,
      `${name} is set by BuildKit to the platform of the machine running the build, so it has no fixed value`,
    );
  }
  for (const name of ["TARGETPLATFORM", "TARGETOS", "TARGETOSVERSION", "TARGETARCH", "TARGETVARIANT"]) {
    reasons.set(
      name,
      `${name} is set by BuildKit for each target platform (--platform), so it has no fixed value`,
    );
  }
  reasons.set(
    "TARGETSTAGE",
    "TARGETSTAGE is set by BuildKit to the stage being built (--target), so it has no fixed value",
  );
  return reasons;
})();

/** The automatic platform ARGs (all of PREDEFINED_ARGS but TARGETSTAGE). */
export const PLATFORM_ARGS: ReadonlySet<string> = new Set(
  [...PREDEFINED_ARGS.keys()].filter((name) => name !== "TARGETSTAGE"),
);

/**
 * The platforms a build runs with, as "os/arch[/variant]": `target` is what BuildKit builds for
 * (`docker build --platform`, else the builder's own platform), `build` the builder's platform.
 */
export interface BuildPlatforms {
  readonly target: string;
  readonly build: string;
}

/**
 * The values BuildKit gives the platform ARGs (dockerfile2llb/platform.go defaultArgs): the
 * TARGET* ones from the target platform, the BUILD* ones from the builder's. A stage's own
 * `FROM --platform` does not change them.
 */
export function platformArgValues(platforms: BuildPlatforms): ReadonlyMap<string, string> {
  const values = new Map<string, string>();
  for (const [prefix, platform] of [
    ["BUILD", platforms.build],
    ["TARGET", platforms.target],
  ] as const) {
    const [os = "", arch = "", variant = ""] = platform.split("/");
    values.set(`${prefix}PLATFORM`, [os, arch, variant].filter((p) => p !== "").join("/"));
    values.set(`${prefix}OS`, os);
    values.set(`${prefix}OSVERSION`, "");
    values.set(`${prefix}ARCH`, arch);
    values.set(`${prefix}VARIANT`, variant);
  }
  return values;
}

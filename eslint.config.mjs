// ESLint flat config: typescript-eslint's type-aware recommended rules over all TypeScript, and
// the layering of ARCHITECTURE.md ("The layering rule") as import restrictions per folder.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// ---- Layering -------------------------------------------------------------------------------
// Data flows one way: text → refs → (resolver → registry → facts) → features → LSP. Each layer
// lists the server/src folders or files it must not import; `typesFrom` may be imported for
// types only (`import type`). Relative specifiers are matched, so "../registry/errors" and
// "../../registry/errors" are both the registry.

/** The wiring: LSP handlers and the composition of the layers. No layer below imports them. */
const WIRING = [
  "server",
  "engine",
  "workspace",
  "commands",
  "capabilities",
  "clientCapabilities",
  "documentSettings",
  "standardRoutes",
  "status",
  "progress",
  "publishedDiagnostics",
];
/** Modules that do I/O: features, facts and the text layers are pure. */
const IO_MODULES = ["fs", "fs/promises", "http", "https", "net", "tls", "child_process", "dns"].flatMap(
  (m) => [m, `node:${m}`],
);
const RULE_FILE = {
  regex: String.raw`(^|/)features/rules/(?!(index|catalog)$)[^/]+$`,
  message:
    "A rule file is the rule's own: import the rules through features/rules (index) or the module the shared code lives in.",
};

/** A relative import of one of `names` (a folder or a top-level file of server/src). */
function folder(names, { fromTop = false } = {}) {
  // Inside a layer folder the others are "../x"; a top-level file reaches them as "./x".
  const up = fromTop ? String.raw`\./` : String.raw`(\.\./)+`;
  return `^${up}(${names.join("|")})(/.*)?$`;
}

function layer(name, files, { never = [], typesFrom = [], pure = false, fromTop = false }) {
  const patterns = [
    {
      regex: folder([...never, ...WIRING], { fromTop }),
      message: `${name} must not import this layer (see ARCHITECTURE.md, "The layering rule").`,
    },
  ];
  if (typesFrom.length > 0) {
    patterns.push({
      regex: folder(typesFrom, { fromTop }),
      allowTypeImports: true,
      message: `${name} may import only types from this layer (see ARCHITECTURE.md, "The layering rule").`,
    });
  }
  const paths = pure
    ? IO_MODULES.map((m) => ({ name: m, message: `${name} does no I/O: the resolver and the registry do.` }))
    : [];
  return { files, rules: { "@typescript-eslint/no-restricted-imports": ["error", { paths, patterns }] } };
}

const LAYERS = ["oci", "reference", "dockerfile", "sources", "registry", "facts", "resolver", "features"];

const layering = [
  // Everything outside features/ reaches the rules through their index.
  {
    files: ["server/src/*.ts", "cli/src/**/*.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [RULE_FILE] }] },
  },
  // The shared leaves beside server.ts: settings, protocol, log, json, ranges.
  layer(
    "A shared module",
    ["json", "ranges", "log", "protocol", "settings"].map((f) => `server/src/${f}.ts`),
    { never: LAYERS, fromTop: true },
  ),
  layer("oci/", ["server/src/oci/**/*.ts"], {
    never: ["reference", "dockerfile", "sources", "registry", "facts", "resolver", "features"],
    pure: true,
  }),
  layer("reference/", ["server/src/reference/**/*.ts"], {
    never: ["oci", "dockerfile", "sources", "registry", "facts", "resolver", "features"],
    pure: true,
  }),
  layer("dockerfile/", ["server/src/dockerfile/**/*.ts"], {
    never: ["oci", "sources", "registry", "facts", "resolver", "features"],
    pure: true,
  }),
  layer("sources/", ["server/src/sources/**/*.ts"], {
    never: ["oci", "registry", "facts", "resolver", "features"],
    pure: true,
  }),
  layer("registry/", ["server/src/registry/**/*.ts"], {
    never: ["dockerfile", "sources", "facts", "resolver", "features"],
  }),
  layer("facts/", ["server/src/facts/**/*.ts"], {
    never: ["dockerfile", "sources", "registry", "resolver", "features"],
    pure: true,
  }),
  layer("resolver/", ["server/src/resolver/**/*.ts"], { never: ["dockerfile", "sources", "features"] }),
  layer("features/", ["server/src/features/**/*.ts"], { typesFrom: ["registry", "resolver"], pure: true }),
  {
    files: ["client/src/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: String.raw`(^|/)server/src/(?!(protocol|settings)$)`,
              message:
                "The client speaks LSP to the server: it imports only server/src/protocol.ts (and settings types).",
            },
            {
              regex: String.raw`(^|/)server/src/settings$`,
              allowTypeImports: true,
              message: "The client may import only the settings types.",
            },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "out/**", "**/*.js", "**/*.mjs", ".test-output/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-floating-promises": "error",
      eqeqeq: ["error", "smart"],
    },
  },
  ...layering,
  {
    files: ["test/**/*.ts"],
    rules: {
      // node:test's describe/it return promises that the runner awaits itself.
      "@typescript-eslint/no-floating-promises": "off",
    },
  },
);

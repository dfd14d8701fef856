#!/usr/bin/env bash
# `npm test`: build, type-check, lint, then every suite — unit, protocol (the built server over
# stdio), integration (real registries on loopback), and the in-VS-Code and UI suites (real
# VS Code through code-server) — ending with one total line.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== build and package (dist/, dist/from-lens.vsix)"
npm run --silent package
echo "== typecheck"; npx tsc -p tsconfig.json --noEmit
echo "== lint"; npx eslint --max-warnings 0 .
echo "== format"; npx prettier --check --log-level warn .
echo "== tests"
dirs=(test/unit test/protocol)
[ -d test/integration ] && dirs+=(test/integration)
# Tests that measure how long the server keeps others waiting run alone, not beside another file.
serial=(--serial=test/protocol/responsiveness.test.ts)
[ -d test/vscode ] && serial+=(--serial=test/vscode)
[ -d test/e2e ] && serial+=(--serial=test/e2e)
exec node scripts/run-tests.mjs "${dirs[@]}" "${serial[@]}"

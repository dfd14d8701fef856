#!/usr/bin/env bash
# Installs code-server (real VS Code in the browser) into a cache outside the repo, keyed by
# version, following ../shared/TEST-INFRA.md: the npm package's postinstall downloads ripgrep
# from GitHub, which this network refuses, so scripts are skipped and Debian's rg is linked in.
# Prints the path of the code-server launcher on its last line. Idempotent: a finished install
# (marked by .complete) is reused.
set -euo pipefail
VERSION="${CODE_SERVER_VERSION:-4.99.4}"
ROOT="${FROM_LENS_CACHE:-$HOME/.cache/from-lens-test}/code-server-$VERSION"
BIN="$ROOT/node_modules/code-server/out/node/entry.js"
if [ -f "$ROOT/.complete" ]; then echo "$ROOT/node_modules/.bin/code-server"; exit 0; fi
command -v rg >/dev/null || { echo "install-code-server: ripgrep (rg) is missing; run scripts/setup.sh" >&2; exit 1; }
rm -rf "$ROOT"; mkdir -p "$ROOT"; cd "$ROOT"
export npm_config_unsafe_perm=true npm_config_yes=true npm_config_audit=false npm_config_fund=false
{
  npm init -y >/dev/null
  npm install --ignore-scripts "code-server@$VERSION"
  npm rebuild argon2
  cd node_modules/code-server/lib/vscode
  npm install --omit=dev --ignore-scripts
  mkdir -p node_modules/@vscode/ripgrep/bin && ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  npm rebuild
  ln -sfn node_modules node_modules.asar
  (cd bin/remote-cli && ln -sf code-linux.sh code-server)
  (cd bin/helpers && ln -sf browser-linux.sh browser.sh)
  cd extensions && npm install --omit=dev
} >"$ROOT.log" 2>&1 || { echo "install-code-server: failed, see $ROOT.log" >&2; tail -20 "$ROOT.log" >&2; exit 1; }
test -f "$BIN"
touch "$ROOT/.complete"
echo "$ROOT/node_modules/.bin/code-server"

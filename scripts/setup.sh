#!/usr/bin/env bash
# Installs whatever is missing for `npm test` and `npm run demo` on a fresh Debian machine:
# Debian packages (the CNCF registry, skopeo, htpasswd, chromium, ripgrep, neovim, openssl,
# distro-info-data, and the C/C++ tool chain node-gyp needs), the npm dependencies, and
# code-server (real VS Code) in a cache outside the repo. Each step is skipped when already
# done, so running it again is quick; any failed step stops it with a non-zero exit.
#   --npm-only   only the npm dependencies (what `npm run package` needs)
set -euo pipefail
cd "$(dirname "$0")/.."

npm_only=false
case "${1:-}" in
  "") ;;
  --npm-only) npm_only=true ;;
  *) echo "setup: unknown option $1 (known: --npm-only)" >&2; exit 2 ;;
esac

if [ "$npm_only" = false ]; then
  APT_PACKAGES=(docker-registry skopeo apache2-utils chromium ripgrep neovim openssl distro-info-data
    libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config python3)
  missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  # node-gyp compiles code-server's native modules: make, gcc and g++ (any install of them).
  for tool in make gcc g++; do
    command -v "$tool" >/dev/null || { missing+=(build-essential); break; }
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# npm dependencies: install when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
[ "$npm_only" = true ] && exit 0

# Real VS Code for the in-editor tests and the demo.
if ! code_server_output=$(bash scripts/install-code-server.sh); then
  echo "setup: failed: code-server could not be installed (see the messages above)" >&2
  exit 1
fi
echo "setup: ready (code-server at ${code_server_output##*$'\n'})"

#!/usr/bin/env bash
# Installs whatever is missing for `npm test` and `npm run demo` on a fresh Debian machine:
# Debian packages (the CNCF registry, skopeo, htpasswd, chromium, ripgrep, neovim, openssl,
# distro-info-data), the npm dependencies, and code-server (real VS Code) in a cache outside
# the repo. Each step is skipped when already done, so running it again is quick.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(docker-registry skopeo apache2-utils chromium ripgrep neovim openssl distro-info-data
  libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm dependencies: install when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

# Real VS Code for the in-editor tests and the demo.
code_server=$(bash scripts/install-code-server.sh | tail -n 1)
echo "setup: ready (code-server at $code_server)"

#!/usr/bin/env bash
# Installs what the in-VS Code tests need and is missing: Chromium and code-server's build deps (Debian, needs
# root), then code-server itself into .code-server/ (gitignored). Safe to run again: it skips what is there.
# code-server 4.100.3 carries VS Code 1.100.3, the newest that runs on Node 20 (package.json engines.vscode).
set -euo pipefail
cd "$(dirname "$0")/.."

CODE_SERVER_VERSION=4.100.3
CODE_SERVER_DIR="$PWD/.code-server"
DEBIAN_PACKAGES=(chromium ripgrep libkrb5-dev fonts-dejavu-core)

source scripts/debianPackages.sh
install_debian_packages "${DEBIAN_PACKAGES[@]}"

# The version is the first word of the line that starts with one: on its first start code-server prints
# "info Wrote default config file to ~/.config/code-server/config.yaml" before it.
installed_version() {
  "$CODE_SERVER_DIR/node_modules/.bin/code-server" --version 2>/dev/null | grep -Eom1 '^[0-9]+\.[0-9]+\.[0-9]+' || true
}

if [ "$(installed_version)" != "$CODE_SERVER_VERSION" ]; then
  echo "cellbridge setup: installing code-server $CODE_SERVER_VERSION into .code-server/ (about 2 minutes)" >&2
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  # @vscode/ripgrep downloads rg from GitHub at install time, which cannot be reached here; it takes a tarball
  # from its cache directory first, so hand it Debian's rg under the name it looks for.
  cache="$scratch/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$cache" "$scratch/rg"
  cp "$(command -v rg)" "$scratch/rg/rg"
  tar -C "$scratch/rg" -czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
  mkdir -p "$CODE_SERVER_DIR"
  # argon2 (a code-server dependency) is built from source when its prebuilt binary cannot be downloaded, and
  # node-gyp then downloads Node's headers too, unless npm is told where they are. A Node installed from a
  # distribution package has them under its own prefix; use those when npm has no nodedir of its own.
  node_prefix=$(dirname "$(dirname "$(command -v node)")")
  if [ -z "$(npm config get nodedir 2>/dev/null | grep -v '^undefined$' || true)" ] && [ -f "$node_prefix/include/node/node_api.h" ]; then
    export npm_config_nodedir="$node_prefix"
  fi
  TMPDIR="$scratch" npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --prefix "$CODE_SERVER_DIR" --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2
  [ "$(installed_version)" = "$CODE_SERVER_VERSION" ] || { echo "cellbridge setup: code-server did not install" >&2; exit 1; }
fi

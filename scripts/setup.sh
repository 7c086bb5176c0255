#!/usr/bin/env bash
# Installs what CellBridge needs and is missing: Debian's Jupyter packages (needs root), then npm packages,
# then builds. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(python3-ipykernel jupyter-client jupyter-core jupyter-server python3-matplotlib python3-numpy python3-pandas python3-nbclient python3-nbformat python3-requests xpython procps bubblewrap)

source scripts/debianPackages.sh
install_debian_packages "${DEBIAN_PACKAGES[@]}"
if [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import ipykernel' 2>/dev/null; then
  echo "cellbridge setup: /usr/bin/python3 cannot import ipykernel; install python3-ipykernel." >&2
  exit 1
fi

# npm ci when the lock file matches, so every machine gets the same versions.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build

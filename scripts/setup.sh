#!/usr/bin/env bash
# Installs what CellBridge needs and is missing: Debian's Jupyter packages (needs root), then npm packages,
# then builds. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(python3-ipykernel jupyter-client jupyter-core jupyter-server python3-matplotlib python3-numpy python3-pandas python3-nbclient python3-nbformat python3-requests xpython procps)

missing_debian_packages() {
  local missing=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  echo "${missing[@]:-}"
}

install_debian_packages() {
  local missing
  missing=$(missing_debian_packages)
  [ -z "$missing" ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "cellbridge setup: missing Debian packages ($missing) and no apt-get here; install Jupyter (ipykernel, jupyter-server) yourself." >&2
    exit 1
  fi
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=(sudo); else
      echo "cellbridge setup: these Debian packages are missing and installing them needs root: $missing" >&2
      echo "  run: sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing" >&2
      exit 1
    fi
  fi
  echo "cellbridge setup: installing $missing" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

install_debian_packages
if [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import ipykernel' 2>/dev/null; then
  echo "cellbridge setup: /usr/bin/python3 cannot import ipykernel; install python3-ipykernel." >&2
  exit 1
fi

# npm ci when the lock file matches, so every machine gets the same versions.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build

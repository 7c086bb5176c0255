#!/usr/bin/env bash
# A Python with the current Jupyter stack (ipykernel 7, IPython 9, jupyter_server 2, ipywidgets 8, comm), which
# users run and Debian's (ipykernel 6.17, IPython 8, jupyter-server 1.23, no comm) is not. The kernel suite runs
# once on each; the widget and comm tests need this one.
#
# Creates, when missing:
#   .test-venvs/current/                                     a venv of the first `python3` on PATH, with pip's own
#                                                            index settings (about a minute with a reachable index)
#   .test-venvs/jupyter/kernels/python3-current/kernel.json  its kernelspec; tests put .test-venvs/jupyter on JUPYTER_PATH
#   .test-venvs/jupyter-as-python3/kernels/python3/...       the same kernel named python3: with this directory first
#                                                            on JUPYTER_PATH, every test of `python3` runs on this stack
# Safe to run again: once the pinned packages are installed it only checks, in well under a second.
# CELLBRIDGE_CURRENT_STACK_PYTHON picks another base Python.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(ipykernel==7.4.0 ipython==9.17.1 jupyter_client==8.10.0 jupyter_server==2.21.1 ipywidgets==8.1.9 comm==0.2.3 numpy==2.4.6 pandas==3.0.6 matplotlib==3.11.2 plotly==7.1.0 altair==6.3.0 tqdm==4.70.1)
BASE_PYTHON=${CELLBRIDGE_CURRENT_STACK_PYTHON:-python3}
ROOT=$PWD/.test-venvs
VENV=$ROOT/current
# Written only after pip succeeded, so an interrupted install is finished by the next run, not trusted.
STAMP=$VENV/.cellbridge-installed
SPEC_DIRS=("$ROOT/jupyter/kernels/python3-current" "$ROOT/jupyter-as-python3/kernels/python3")

fail() {
  echo "cellbridge setup (current Jupyter stack): $*" >&2
  exit 1
}

venv_works() {
  [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys' 2>/dev/null
}

if ! venv_works; then
  command -v "$BASE_PYTHON" >/dev/null || fail "no '$BASE_PYTHON' on PATH to make a venv with; install Python 3.10+ or set CELLBRIDGE_CURRENT_STACK_PYTHON."
  # Debian's own python3 makes venvs only with python3-venv (ensurepip), which none of the Jupyter packages bring.
  if ! "$BASE_PYTHON" -c 'import ensurepip, venv' 2>/dev/null && [ "$(command -v "$BASE_PYTHON")" = /usr/bin/python3 ]; then
    source scripts/debianPackages.sh
    install_debian_packages python3-venv
  fi
  # A venv left half-made (no working python) cannot be repaired in place.
  rm -rf "$VENV"
  echo "cellbridge setup: creating $VENV with $("$BASE_PYTHON" -c 'import sys; print(sys.executable)')" >&2
  "$BASE_PYTHON" -m venv "$VENV" ||
    fail "'$BASE_PYTHON -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv, or set CELLBRIDGE_CURRENT_STACK_PYTHON to another Python)."
fi

if [ "$(cat "$STAMP" 2>/dev/null)" != "${PACKAGES[*]}" ]; then
  echo "cellbridge setup: installing ${PACKAGES[*]} into $VENV" >&2
  # One retry: an index that cannot be reached (a mirror-only machine) would otherwise cost minutes of back-off.
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --retries 1 "${PACKAGES[@]}" ||
    fail "pip could not install ${PACKAGES[*]} into $VENV; check that pip reaches a package index (pip config list)."
  "$VENV/bin/python" -c 'import ipykernel, ipywidgets, comm, jupyter_server' ||
    fail "$VENV cannot import ipykernel, ipywidgets, comm and jupyter_server after installing them."
  echo "${PACKAGES[*]}" >"$STAMP"
fi

# Rewritten when it differs, so a checkout that moved gets a kernelspec pointing at its own venv.
"$VENV/bin/python" - "${SPEC_DIRS[@]}" <<'PY'
import json, os, sys
spec = {
    "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
    "display_name": "Python 3 (current Jupyter stack)",
    "language": "python",
    "metadata": {"debugger": True},
}
text = json.dumps(spec, indent=1) + "\n"
for spec_dir in sys.argv[1:]:
    path = os.path.join(spec_dir, "kernel.json")
    os.makedirs(spec_dir, exist_ok=True)
    try:
        with open(path) as f:
            unchanged = f.read() == text
    except OSError:
        unchanged = False
    if not unchanged:
        with open(path, "w") as f:
            f.write(text)
PY

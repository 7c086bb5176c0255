#!/usr/bin/env bash
# The whole test suite: type check, unit tests, tests against real kernels and a real Jupyter Server, then the
# extension in a real VS Code (code-server in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setupCurrentStack.sh  # a venv with ipywidgets 8 and comm for the widget tests (~15 s once)
bash scripts/setupIpywidgets6.sh   # Debian's ipywidgets 6, unpacked for one kernelspec: a widget library not drawn
bash scripts/setup-vscode.sh
export PYDEVD_DISABLE_FILE_VALIDATION=1
npm run --silent typecheck
npm run --silent compile-tests
# Unit tests are pure and run in parallel; kernel tests one file at a time (2 cores, real processes), on
# Debian's Jupyter stack (ipykernel 6.17, IPython 8, jupyter-server 1.23) first.
node --test --test-reporter=spec out/test/unit/
node --test --test-concurrency=1 --test-reporter=spec out/test/kernel/
# Again on the current Jupyter stack: `python3` is ipykernel 7.4 / IPython 9 (its kernelspec first on
# JUPYTER_PATH), the Jupyter Server is jupyter_server 2.21; xeus-python, the same on both, is not run twice.
CELLBRIDGE_TEST_STACK=current \
  JUPYTER_PATH="$PWD/.test-venvs/jupyter-as-python3${JUPYTER_PATH:+:$JUPYTER_PATH}" \
  CELLBRIDGE_TEST_JUPYTER_SERVER="$PWD/.test-venvs/current/bin/jupyter-server" \
  node --test --test-concurrency=1 --test-reporter=spec out/test/kernel/
# One code-server at a time (the UI test of Run All installs the .vsix that vsce packages): each takes ~1.7 GiB and most of both cores while the workbench loads.
node --test --test-concurrency=1 --test-reporter=spec out/test/vscode/*.test.js out/test/ui/*.test.js

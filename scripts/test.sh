#!/usr/bin/env bash
# The whole test suite: type check, unit tests, tests against real kernels and a real Jupyter Server, then the
# extension in a real VS Code (code-server in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setupCurrentStack.sh  # a venv with ipywidgets 8 and comm for the widget tests (~15 s once)
bash scripts/setup-vscode.sh
export PYDEVD_DISABLE_FILE_VALIDATION=1
npm run --silent typecheck
npm run --silent compile-tests
# Unit tests are pure and run in parallel; kernel tests one file at a time (2 cores, real processes).
node --test --test-reporter=spec out/test/unit/
node --test --test-concurrency=1 --test-reporter=spec out/test/kernel/
# One code-server at a time (the UI test of Run All installs the .vsix that vsce packages): each takes ~1.7 GiB and most of both cores while the workbench loads.
node --test --test-concurrency=1 --test-reporter=spec out/test/vscode/*.test.js out/test/ui/*.test.js

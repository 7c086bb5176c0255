#!/usr/bin/env bash
# The whole test suite: type check, unit tests, tests against real kernels and a real Jupyter Server, then the
# extension in a real VS Code (code-server in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup-vscode.sh
export PYDEVD_DISABLE_FILE_VALIDATION=1
npm run --silent typecheck
npm run --silent compile-tests
# Unit tests are pure and run in parallel; kernel tests one file at a time (2 cores, real processes).
node --test --test-reporter=spec out/test/unit/
node --test --test-concurrency=1 --test-reporter=spec out/test/kernel/
# The .vsix builds (vsce checks the manifest and what .vscodeignore lets in).
mkdir -p .test-output
npx --no-install vsce package --allow-missing-repository --skip-license --out .test-output/cellbridge.vsix >/dev/null
# One code-server at a time: each takes ~1.7 GiB and most of both cores while the workbench loads.
node --test --test-concurrency=1 --test-reporter=spec out/test/vscode/*.test.js out/test/ui/*.test.js

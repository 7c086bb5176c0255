#!/usr/bin/env bash
# The main job on its embedded default: the example notebook on a local Python kernel, started automatically.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p .test-output
exec node bin/cellbridge.js run examples/demo.ipynb --pretty --output .test-output/demo-executed.ipynb "$@"

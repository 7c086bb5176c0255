#!/usr/bin/env bash
# Debian bookworm's ipywidgets 6.0.0 (python3-ipywidgets and what it needs), unpacked under .test-venvs, not
# installed: the kernelspec `python3-ipywidgets6` runs Debian's python3 with it on PYTHONPATH, so Debian's own
# Python stays as it is. The widget UI test uses it for a widget library CellBridge does not draw (ipywidgets
# 6 speaks jupyter-js-widgets ~2.1.4): it must say so inline and stop nothing. Quick once done.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="$PWD/.test-venvs/ipywidgets6"
SITE="$DIR/root/usr/lib/python3/dist-packages"
SPEC="$DIR/jupyter/kernels/python3-ipywidgets6"
[ -f "$SPEC/kernel.json" ] && [ -d "$SITE/ipywidgets" ] && exit 0
PACKAGES=(python3-ipywidgets python3-widgetsnbextension python3-ipython-genutils)

download() { (cd "$DIR/debs" && apt-get download -qq "${PACKAGES[@]}" 2>/dev/null); }

rm -rf "$DIR" && mkdir -p "$DIR/debs"
if ! download; then
  # No package lists yet (a fresh container): fetch them, as root, then try again.
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  "${sudo[@]}" apt-get update -qq
  download || { echo "setupIpywidgets6: apt-get download ${PACKAGES[*]} failed" >&2; exit 1; }
fi
for deb in "$DIR"/debs/*.deb; do dpkg-deb -x "$deb" "$DIR/root"; done
mkdir -p "$SPEC"
cat >"$SPEC/kernel.json" <<JSON
{
  "argv": ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
  "display_name": "Python 3 (Debian, ipywidgets 6)",
  "language": "python",
  "env": { "PYTHONPATH": "$SITE" }
}
JSON
/usr/bin/python3 -c "import sys; sys.path.insert(0, '$SITE'); import ipywidgets; assert ipywidgets.__version__.startswith('6.'), ipywidgets.__version__"

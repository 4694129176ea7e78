#!/usr/bin/env bash
# Idempotent setup: system packages, a venv with Rasa 3.6.21 on Python 3.11.
# A second run when nothing changed returns in seconds (stamp of the inputs).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-$ROOT/.venv}
PYTHON=${PYTHON:-python3.11}

need_apt=()
for pkg in libfreetype-dev libqhull-dev pkg-config chromium nginx-light; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

stamp_inputs() { cat pyproject.toml constraints.txt scripts/setup.sh | sha256sum | cut -d' ' -f1; }
STAMP=$VENV/.setup-stamp
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(stamp_inputs)" ]; then
    echo "setup: up to date ($VENV)"
    exit 0
fi

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
# matplotlib<3.6 (required by Rasa) has no 3.11 wheel; build it against Debian's
# freetype and qhull instead of downloading them.
cat > "$VENV/mplsetup.cfg" <<'CFG'
[libs]
system_freetype = True
system_qhull = True
CFG
export MPLSETUPCFG=$VENV/mplsetup.cfg
"$VENV/bin/python" -m pip install -q --upgrade "pip<25" wheel "setuptools<70"
# Rasa 3.6.21 declares Python <3.11 but runs on 3.11 with the pins in constraints.txt.
"$VENV/bin/python" -m pip install -q --ignore-requires-python -c constraints.txt -e ".[dev]"
"$VENV/bin/python" -m pip check
stamp_inputs > "$STAMP"
echo "setup: done ($VENV)"

#!/usr/bin/env bash
# Dependency audit: pip-audit over the main venv's frozen requirements.
# pip-audit cannot live in .venv (its CacheControl conflicts with Rasa's pin), so it
# gets its own tools venv (var/tools-venv, created on first use).
# Exit code: 0 no known vulnerabilities, 1 some found (listed), 2 the audit could not run.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-$PWD/.venv}
TOOLS=${TOOLS_VENV:-$PWD/var/tools-venv}
PYTHON=${PYTHON:-python3.11}
if [ ! -x "$TOOLS/bin/pip-audit" ]; then
    "$PYTHON" -m venv "$TOOLS" || exit 2
    "$TOOLS/bin/pip" install -q "pip-audit>=2.7,<3" || exit 2
fi
mkdir -p var
# The project itself is installed editable; audit its dependencies, not it.
"$VENV/bin/python" -m pip freeze --exclude-editable --all > var/requirements.frozen.txt
set +e
"$TOOLS/bin/pip-audit" --requirement var/requirements.frozen.txt --no-deps --disable-pip \
    --progress-spinner off --desc on --format json --output var/audit.json "$@" 2>var/audit.log
rc=$?
set -e
[ -s var/audit.json ] || { cat var/audit.log >&2; exit 2; }
# Summary; an audit that could look up no package is reported as not run, never as clean.
"$VENV/bin/python" - <<'PY'
import json, sys
deps = json.load(open("var/audit.json"))["dependencies"]
skipped = [d for d in deps if d.get("skip_reason")]
vulnerable = [d for d in deps if d.get("vulns")]
for d in vulnerable:
    for v in d["vulns"]:
        fix = ", ".join(v.get("fix_versions") or []) or "no fix yet"
        print(f"{d['name']} {d['version']}: {v['id']} (fixed in {fix}) {v.get('description', '')[:160]}")
print(f"audited {len(deps) - len(skipped)} of {len(deps)} packages; "
      f"{sum(len(d['vulns']) for d in vulnerable)} known vulnerabilities in {len(vulnerable)} packages")
if skipped and len(skipped) == len(deps):
    print(f"error: no package could be looked up ({skipped[0]['skip_reason']}); the vulnerability "
          "service is unreachable from here, so this is NOT a clean result", file=sys.stderr)
    sys.exit(2)
PY
[ $rc -le 1 ] || exit 2
exit $rc

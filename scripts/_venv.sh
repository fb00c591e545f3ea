# Sourced as `source scripts/_venv.sh EXTRAS` ("core" or "test") by the other scripts: make sure
# .venv exists and holds the project installed with those extras. EXTRAS is passed explicitly
# because a sourced file otherwise sees the calling script's own arguments. Re-installs only
# when setup.cfg changed, so repeated runs start in a second.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

python_for_venv() {
  for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "briefing: Python 3.11 or newer is required" >&2
  return 1
}

if [ ! -x .venv/bin/python ]; then
  "$(python_for_venv)" -m venv .venv
fi
extras="${1:?source _venv.sh with core or test}"
[ "$extras" = core ] && extras=""
spec="."
[ -n "$extras" ] && spec=".[$extras]"
stamp=".venv/.briefing-installed-${extras:-core}"
wanted="$(cat setup.cfg pyproject.toml | cksum)"
up_to_date() { [ -f "$1" ] && [ "$(cat "$1")" = "$wanted" ]; }
# The test extras include everything the core needs.
if ! up_to_date "$stamp" && ! { [ -z "$extras" ] && up_to_date .venv/.briefing-installed-test; }; then
  echo "setting up .venv (first run, or setup.cfg changed)..." >&2
  log=.venv/install.log
  if ! { .venv/bin/python -m pip install --upgrade pip &&
         .venv/bin/python -m pip install -e "$spec"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "briefing: installing into .venv failed; the whole log is in $log" >&2
    exit 1
  fi
  echo "$wanted" > "$stamp"
fi
export PATH="$root/.venv/bin:$PATH"

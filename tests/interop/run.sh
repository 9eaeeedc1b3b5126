#!/usr/bin/env bash
# Exports read back by independent programs and libraries (here: Python's icalendar and
# dateutil for the iCalendar export).
#
#   STEWARD_BIN=/path/to/steward bash tests/interop/run.sh [pytest args...]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -z "${STEWARD_BIN:-}" || ! -x "$STEWARD_BIN" ]]; then
  echo "run.sh: set STEWARD_BIN to the built steward binary" >&2
  exit 2
fi
STEWARD_BIN="$(realpath "$STEWARD_BIN")"
export STEWARD_BIN
if [[ ! -x "$here/.venv/bin/pytest" ]]; then
  echo "run.sh: creating $here/.venv" >&2
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install --quiet -r "$here/requirements.txt"
fi
exec "$here/.venv/bin/pytest" -q "$here" "$@"

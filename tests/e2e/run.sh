#!/usr/bin/env bash
# End-to-end tests of the built desktop app: WebKitWebDriver (Debian webkit2gtk-driver) behind
# tauri-driver, selenium + pytest, all under Xvfb.
#
#   STEWARD_APP_BIN=/path/to/steward-app bash tests/e2e/run.sh [pytest args...]
#
# STEWARD_TESTPG_BIN names crates/testpg's testpg-serve (the tests' PostgreSQL 15); unset, it is
# built with cargo.
#
# The binary must be built with tauri's custom-protocol feature (the workspace always enables
# it), so it serves the embedded ui/dist. Screenshots go to $STEWARD_E2E_SHOTS (default: a new
# temporary directory, printed at the end).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ -z "${STEWARD_APP_BIN:-}" ]]; then
  echo "run.sh: set STEWARD_APP_BIN to the built steward-app binary" >&2
  exit 2
fi
if [[ ! -x "$STEWARD_APP_BIN" ]]; then
  echo "run.sh: STEWARD_APP_BIN=$STEWARD_APP_BIN is not an executable file" >&2
  exit 2
fi
STEWARD_APP_BIN="$(realpath "$STEWARD_APP_BIN")"
export STEWARD_APP_BIN

for tool in WebKitWebDriver xvfb-run; do
  if ! command -v "$tool" >/dev/null; then
    echo "run.sh: $tool is missing; install the Debian packages webkit2gtk-driver, xvfb and xauth" >&2
    exit 2
  fi
done

export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null; then
  echo "run.sh: installing tauri-driver (cargo install tauri-driver --locked)" >&2
  cargo install tauri-driver --locked
fi

if [[ ! -x "$here/.venv/bin/pytest" ]]; then
  echo "run.sh: creating $here/.venv" >&2
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install --quiet -r "$here/requirements.txt"
fi

# The tests' PostgreSQL for the team workspace's tests: crates/testpg's testpg-serve, a test tool
# never shipped with the app, built here unless named.
if [[ -z "${STEWARD_TESTPG_BIN:-}" ]]; then
  (cd "$here/../.." && cargo build --quiet -p steward-testpg --bin testpg-serve)
  STEWARD_TESTPG_BIN="${CARGO_TARGET_DIR:-$here/../../target}/debug/testpg-serve"
fi
export STEWARD_TESTPG_BIN

export STEWARD_E2E_SHOTS="${STEWARD_E2E_SHOTS:-$(mktemp -d -t steward-e2e-shots.XXXXXX)}"
mkdir -p "$STEWARD_E2E_SHOTS"
export STEWARD_WEBDRIVER_PORT="${STEWARD_WEBDRIVER_PORT:-4444}"
# WebKitWebDriver listens on the next port, so two runs on distinct ports do not collide.
export STEWARD_NATIVE_PORT="${STEWARD_NATIVE_PORT:-$((STEWARD_WEBDRIVER_PORT + 1))}"

driver_log="$STEWARD_E2E_SHOTS/tauri-driver.log"

# tauri-driver starts WebKitWebDriver, which starts the app: all need the X display, so the
# driver runs in the background inside the same xvfb-run as pytest, and a trap stops it on exit.
status=0
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  set -u
  tauri-driver --port "$STEWARD_WEBDRIVER_PORT" --native-port "$STEWARD_NATIVE_PORT" >"$0" 2>&1 &
  driver=$!
  trap "kill $driver 2>/dev/null; wait $driver 2>/dev/null" EXIT
  for _ in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$STEWARD_WEBDRIVER_PORT") 2>/dev/null; then break; fi
    sleep 0.1
  done
  "$1/.venv/bin/pytest" -c "$1/pytest.ini" "$1" "${@:2}"
' "$driver_log" "$here" "$@" || status=$?

echo "run.sh: screenshots and the tauri-driver log are in $STEWARD_E2E_SHOTS" >&2
exit "$status"

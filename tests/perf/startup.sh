#!/usr/bin/env bash
# Startup benchmark of the desktop app: first paint, home screen ready, and idle memory of the
# app and its WebKit processes, medians of cold starts on the sample workspace, under Xvfb.
# Not part of `./x.sh test`; `./x.sh bench-startup` builds the release app and runs this.
#
#   STEWARD_APP_BIN=.../release/steward-app STEWARD_BIN=.../steward bash tests/perf/startup.sh \
#       [--runs 5] [--idle 5] [--warm] [--env NAME=VALUE ...] [--json FILE]
#
# Cold starts drop the page cache, which needs root; otherwise each run is marked warm.
# tauri-driver listens on $STEWARD_WEBDRIVER_PORT, else on a free port, so the benchmark does
# not collide with end-to-end tests running beside it. Uses the end-to-end tests' Python
# environment (selenium) and tauri-driver; see startup.py.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
e2e="$here/../e2e"

for var in STEWARD_APP_BIN STEWARD_BIN; do
  [[ -x "${!var:-}" ]] || { echo "startup.sh: set $var to an executable" >&2; exit 2; }
done
for tool in WebKitWebDriver xvfb-run; do
  command -v "$tool" >/dev/null || { echo "startup.sh: $tool is missing (webkit2gtk-driver, xvfb)" >&2; exit 2; }
done
export PATH="$HOME/.cargo/bin:$PATH"
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked
if [[ ! -x "$e2e/.venv/bin/python" ]]; then
  python3 -m venv "$e2e/.venv"
  "$e2e/.venv/bin/pip" install --quiet -r "$e2e/requirements.txt"
fi

exec xvfb-run -a -s "-screen 0 1280x800x24" "$e2e/.venv/bin/python" "$here/startup.py" "$@"

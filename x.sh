#!/usr/bin/env bash
# Steward's developer entry point. Two commands do all the set-up on a fresh Debian 12 machine
# with Rust and Node:
#   ./x.sh app    install what is missing, build the UI and the app, open the sample workspace
#   ./x.sh test   install what is missing, then run every check and test, end-to-end included
# Build output goes to $CARGO_TARGET_DIR (default ~/.cache/steward/target), outside the clone,
# so later runs and fresh clones reuse it.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/steward/target}
export PATH="$HOME/.cargo/bin:$PATH"

APP_PACKAGES=(build-essential pkg-config file libssl-dev libwebkit2gtk-4.1-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev)
TEST_PACKAGES=(xvfb xauth webkit2gtk-driver poppler-utils qpdf openssl libreoffice-calc)

step() { printf '\n==> %s\n' "$*"; }

# Installs the Debian packages in "$@" that are not installed yet.
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build_ui() {
  step "building the UI"
  (cd ui && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build)
}

build_app() {
  step "building the desktop app"
  cargo build -p steward-app
}

cmd_app() {
  ensure_packages "${APP_PACKAGES[@]}"
  build_ui
  build_app
  cargo build -p steward-cli
  local demo="${STEWARD_DEMO_DIR:-$HOME/.local/share/steward-demo}"
  if [ ! -f "$demo/steward.db" ]; then
    step "creating the sample workspace in $demo"
    "$CARGO_TARGET_DIR/debug/steward" --data-dir "$demo" demo
  fi
  step "launching Steward on $demo"
  exec "$CARGO_TARGET_DIR/debug/steward-app" --data-dir "$demo"
}

cmd_test() {
  ensure_packages "${APP_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
  step "rustfmt"
  cargo fmt --all --check
  build_ui
  step "TypeScript type check and UI unit tests"
  (cd ui && npm run typecheck && npm test)
  step "clippy (warnings denied)"
  cargo clippy --workspace --all-targets -- -D warnings
  step "core and CLI tests"
  cargo test
  step "exports read back by independent libraries (Python icalendar, dateutil)"
  STEWARD_BIN="$CARGO_TARGET_DIR/debug/steward" bash tests/interop/run.sh
  build_app
  step "desktop shell tests"
  cargo test -p steward-app
  # After `cargo test` (ts-rs bindings) and the app build (client and capability from the
  # #[tauri::command] functions), so a generated file left stale, or new and untracked, fails.
  step "checking the generated files are committed"
  local generated=(ui/src/bindings ui/src/commands.ts src-tauri/capabilities)
  local changed
  changed=$(git status --porcelain -- "${generated[@]}")
  if [ -n "$changed" ]; then
    printf '%s\n' "$changed"
    echo "generated files differ from the commit: build, then commit ${generated[*]}"
    exit 1
  fi
  step "end-to-end tests of the desktop app"
  STEWARD_APP_BIN="$CARGO_TARGET_DIR/debug/steward-app" STEWARD_BIN="$CARGO_TARGET_DIR/debug/steward" \
    bash tests/e2e/run.sh
}

case "${1:-}" in
  app) cmd_app ;;
  test) cmd_test ;;
  *) echo "usage: ./x.sh app | test" >&2; exit 2 ;;
esac

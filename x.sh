#!/usr/bin/env bash
# Steward's developer entry point. Two commands do all the set-up on a fresh Debian 12 machine
# with Rust and Node:
#   ./x.sh app    install what is missing, build the UI and the app, open the sample workspace
#   ./x.sh test   install what is missing, then run every check and test, end-to-end included
#                 (it builds and installs the .deb: run as root, or with sudo at hand)
# and two more:
#   ./x.sh package [--debug]   build the .deb (app, menu entry, steward CLI, completions, man pages)
#   ./x.sh bench-startup       first paint and idle memory of the release app (not part of test)
# Build output goes to $CARGO_TARGET_DIR (default ~/.cache/steward/target), outside the clone,
# so later runs and fresh clones reuse it.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/steward/target}
export PATH="$HOME/.cargo/bin:$PATH"

APP_PACKAGES=(build-essential pkg-config file libssl-dev libwebkit2gtk-4.1-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev)
# postgresql-15: the tests of the team workspace start a throwaway server of their own
# (crates/testpg) from its binaries; the package's own cluster is not used.
TEST_PACKAGES=(xvfb xauth webkit2gtk-driver poppler-utils qpdf openssl libreoffice-calc python3-yaml postgresql-15)

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

# The .deb is built by Tauri's bundler (@tauri-apps/cli, pinned in ui/package.json) from
# src-tauri/tauri.conf.json and tauri.linux.conf.json; the latter maps the steward CLI, its
# completions and man pages, staged here in src-tauri/gen/package, into the package.
# `--debug` bundles the debug build the tests drive; the default is the release build.
cmd_package() {
  local profile=release cargo_flags=(--release) tauri_flags=()
  if [ "${1:-}" = "--debug" ]; then profile=debug cargo_flags=() tauri_flags=(--debug); fi
  ensure_packages "${APP_PACKAGES[@]}"
  build_ui
  step "building the steward CLI ($profile)"
  cargo build "${cargo_flags[@]}" -p steward-cli
  local cli="$CARGO_TARGET_DIR/$profile/steward" stage=src-tauri/gen/package
  rm -rf "$stage"
  mkdir -p "$stage"
  cp "$cli" "$stage/steward"
  "$cli" generate-completions "$stage/completions"
  "$cli" generate-man "$stage/man"
  gzip -9n "$stage"/man/*.1
  step "bundling the .deb ($profile)"
  ui/node_modules/.bin/tauri build "${tauri_flags[@]}" --bundles deb --ci
  local version
  version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' src-tauri/tauri.conf.json)
  DEB="$CARGO_TARGET_DIR/$profile/bundle/deb/Steward_${version}_$(dpkg --print-architecture).deb"
  [ -f "$DEB" ] || { echo "no package at $DEB" >&2; exit 1; }
  echo "package: $DEB"
}

# Installs $DEB (reinstalling the same version, so a rebuilt package replaces the last one).
install_package() {
  step "installing $DEB"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --reinstall --no-install-recommends "$DEB"
}

# Startup benchmark of the release app (tests/perf/startup.sh): not part of `test`.
cmd_bench_startup() {
  ensure_packages "${APP_PACKAGES[@]}" xvfb xauth webkit2gtk-driver
  build_ui
  step "building the release app and CLI"
  cargo build --release -p steward-app
  cargo build --release -p steward-cli
  step "startup benchmark"
  STEWARD_APP_BIN="$CARGO_TARGET_DIR/release/steward-app" STEWARD_BIN="$CARGO_TARGET_DIR/release/steward" \
    bash tests/perf/startup.sh "$@"
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
  # The same suite of core on a team workspace: every test but those about an SQLite file
  # (crates/core/tests/it/sqlite_only.txt) against the PostgreSQL 15 the tests start.
  step "core's tests on PostgreSQL"
  if [ "${STEWARD_PG_TESTS:-1}" = 0 ]; then
    echo "SKIPPED: core's tests on PostgreSQL (STEWARD_PG_TESTS=0)"
  else
    local skip=()
    while read -r t; do skip+=(--skip "$t"); done < <(grep -v '^#' crates/core/tests/it/sqlite_only.txt | grep .)
    STEWARD_TEST_STORE=postgres cargo test -p steward-core --test it -- "${skip[@]}"
  fi
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
    bash tests/e2e/run.sh -m "not installed"
  # The debug build is bundled: a release build would add about ten minutes on two cores, and
  # what is checked here (the package's contents and how it installs) does not depend on it.
  cmd_package --debug
  install_package
  step "the installed steward CLI, completions, man page and menu entry"
  bash tests/package/check-installed.sh
  step "end-to-end test of the installed app"
  STEWARD_APP_BIN=/usr/bin/steward-app STEWARD_BIN=/usr/bin/steward bash tests/e2e/run.sh -m installed
}

case "${1:-}" in
  app) cmd_app ;;
  test) cmd_test ;;
  package) shift; cmd_package "$@" ;;
  bench-startup) shift; cmd_bench_startup "$@" ;;
  *) echo "usage: ./x.sh app | test | package [--debug] | bench-startup" >&2; exit 2 ;;
esac

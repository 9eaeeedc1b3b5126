#!/usr/bin/env bash
# Checks what the installed steward package put on this machine: the CLI on the PATH and
# working, its man page, its bash, zsh and fish completions, the app and its menu entry.
# Run by `./x.sh test` after installing the .deb; the installed app is driven by
# tests/e2e/test_installed.py.
set -euo pipefail

fail() { echo "check-installed: $*" >&2; exit 1; }

owned() { dpkg -S "$1" >/dev/null 2>&1 || fail "$1 is not installed by a package"; }

dpkg-query -W -f='${Status}' steward | grep -q "install ok installed" || fail "the steward package is not installed"

# The CLI: on the PATH, the version the package says, and able to make a workspace.
[ "$(command -v steward)" = /usr/bin/steward ] || fail "steward on the PATH is $(command -v steward), not /usr/bin/steward"
owned /usr/bin/steward
version=$(dpkg-query -W -f='${Version}' steward)
[ "$(/usr/bin/steward --version)" = "steward $version" ] || fail "steward --version says $(/usr/bin/steward --version), the package $version"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/steward --data-dir "$work/data" demo | grep -q "sample systems" || fail "steward demo did not fill the workspace"
systems=$(/usr/bin/steward --data-dir "$work/data" --json info | python3 -c 'import json,sys; print(json.load(sys.stdin)["systems"])')
[ "$systems" -gt 0 ] || fail "the sample workspace holds no systems"

# The man pages: found by man, one per subcommand, and readable.
for page in /usr/share/man/man1/steward.1.gz /usr/share/man/man1/steward-systems-add.1.gz; do
  [ -f "$page" ] || fail "$page is missing"
  owned "$page"
done
if command -v man >/dev/null; then
  [ "$(man -w steward)" = /usr/share/man/man1/steward.1.gz ] || fail "man -w steward finds $(man -w steward)"
  MANWIDTH=80 man -P cat steward 2>/dev/null | grep -q "govern an organisation" || fail "man steward does not render"
fi

# The completions, where each shell looks for them; bash's must load and complete steward.
for file in /usr/share/bash-completion/completions/steward /usr/share/zsh/vendor-completions/_steward \
  /usr/share/fish/vendor_completions.d/steward.fish; do
  [ -s "$file" ] || fail "$file is missing or empty"
  owned "$file"
done
bash -c 'source /usr/share/bash-completion/completions/steward && complete -p steward' >/dev/null \
  || fail "the bash completions do not load"

# The app and its menu entry and icon.
[ -x /usr/bin/steward-app ] || fail "/usr/bin/steward-app is missing"
owned /usr/bin/steward-app
desktop=/usr/share/applications/Steward.desktop
[ -f "$desktop" ] || fail "$desktop is missing"
grep -qx "Exec=steward-app" "$desktop" || fail "$desktop does not start steward-app"
icon=$(sed -n 's/^Icon=//p' "$desktop")
[ -f "/usr/share/icons/hicolor/128x128/apps/$icon.png" ] || fail "the menu entry's icon $icon is not installed"

echo "check-installed: steward $version: CLI, man pages, completions, app and menu entry in place"

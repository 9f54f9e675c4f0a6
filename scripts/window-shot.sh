#!/usr/bin/env bash
# Starts a Tessera binary under Xvfb with its own data folder and keychain,
# waits for its window, saves a screenshot, and stops it.
set -euo pipefail
BIN="$1"; OUT="$2"
HOME_DIR="$(mktemp -d)"
export TESSERA_HOME="$HOME_DIR/tessera" XDG_DATA_HOME="$HOME_DIR/data" XDG_CACHE_HOME="$HOME_DIR/cache"
xvfb-run -a -s '-screen 0 1280x900x24' dbus-run-session -- bash -euo pipefail -c '
  echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  "'"$BIN"'" >"'"$HOME_DIR"'/app.log" 2>&1 & APP=$!
  for i in $(seq 1 150); do xdotool search --name "^Tessera$" >/dev/null 2>&1 && break; sleep 0.1; done
  xdotool search --name "^Tessera$" >/dev/null || { echo "the window did not appear"; cat "'"$HOME_DIR"'/app.log"; exit 1; }
  sleep 3
  import -window root "'"$OUT"'"
  kill $APP; wait $APP || true' 2>&1 | grep -v "fd limit" || true
test -s "$OUT" || { echo "no screenshot taken" >&2; exit 1; }
# A blank (single-colour) screenshot means the page did not render.
colours="$(convert "$OUT" -format '%k' info:)"
if [ "$colours" -lt 8 ]; then echo "the window is blank ($colours colours)" >&2; exit 1; fi
echo "window screenshot: $OUT ($colours colours)"
rm -rf "$HOME_DIR"

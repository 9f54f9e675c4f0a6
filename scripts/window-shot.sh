#!/usr/bin/env bash
# Starts a Tessera binary under Xvfb with its own data folder and keychain,
# waits until its window shows the page (not a blank surface), saves a
# screenshot, and stops it.
set -euo pipefail
BIN="$1"; OUT="$2"
HOME_DIR="$(mktemp -d)"
trap 'rm -rf "$HOME_DIR"' EXIT
# No update check against the real feed from a test run.
export TESSERA_UPDATE_FEED="${TESSERA_UPDATE_FEED:-off}"
export TESSERA_HOME="$HOME_DIR/tessera" XDG_DATA_HOME="$HOME_DIR/data" XDG_CACHE_HOME="$HOME_DIR/cache" OUT BIN HOME_DIR
rm -f "$OUT"
xvfb-run -a -s '-screen 0 1280x900x24' dbus-run-session -- bash -uo pipefail -c '
  echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  "$BIN" >"$HOME_DIR/app.log" 2>&1 & APP=$!
  # Up to 60 s: with six builds on two cores the first map once took over 30 s.
  for i in $(seq 1 600); do xdotool search --name "^Tessera$" >/dev/null 2>&1 && break; sleep 0.1; done
  if ! xdotool search --name "^Tessera$" >/dev/null 2>&1; then echo "the window did not appear"; cat "$HOME_DIR/app.log"; kill $APP; exit 1; fi
  # A loaded machine can take a while to paint: retry until the page shows.
  for i in $(seq 1 60); do
    sleep 0.5
    import -window root "$OUT.tmp.png" 2>/dev/null || continue
    if [ "$(convert "$OUT.tmp.png" -format "%k" info:)" -ge 8 ]; then mv "$OUT.tmp.png" "$OUT"; break; fi
  done
  kill $APP; wait $APP 2>/dev/null
  true' 2>&1 | grep -v "fd limit\|XIO\|after [0-9]* requests" || true
if [ ! -s "$OUT" ]; then
  echo "the window stayed blank (or no screenshot could be taken)" >&2
  exit 1
fi
echo "window screenshot: $OUT ($(convert "$OUT" -format '%k' info:) colours)"

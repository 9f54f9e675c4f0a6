#!/usr/bin/env bash
# Installs what Tessera needs to build, run and test, and nothing that is
# already there. Safe to run again: a second run only checks and is quiet.
set -euo pipefail
cd "$(dirname "$0")/.."

WAILS_VERSION=v2.16.0   # must equal go.mod's github.com/wailsapp/wails/v2
APT_PACKAGES=(
  build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev   # build (cgo, GTK, WebKitGTK 4.1)
  xvfb xauth xdotool imagemagick                                  # headless window and screenshots
  at-spi2-core python3-gi gir1.2-atspi-2.0                        # the walk reads the real window's accessibility tree (e2e/atspi.py)
  dbus-x11 gnome-keyring libsecret-tools                          # a real keychain for tests
  chromium                                                        # end-to-end tests
  python3 python3-matplotlib curl ca-certificates git            # the fake E2B runs Python cells (charts); tools
  python3-dotenv                                                  # the .env Tessera writes is read back by python-dotenv (sandbox tests)
  desktop-file-utils nsis p7zip-full                              # installers: .deb checks, Windows NSIS (no mingw: pure Go), its contents
  lintian                                                         # Debian's own checker of the .deb
)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# --- system packages -------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep "install ok installed" >/dev/null || missing+=("$p")
done
if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null; then
    echo "Tessera's setup needs apt (Debian/Ubuntu). Install these yourself: ${missing[*]}" >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  say "Installing system packages: ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Go and the Wails CLI --------------------------------------------------
if ! command -v go >/dev/null; then
  echo "Go 1.26 or newer is needed (https://go.dev/dl/); install it and run this again." >&2
  exit 1
fi
GOBIN_DIR="$(go env GOPATH)/bin"
export PATH="$GOBIN_DIR:$PATH"
# (Read the whole output first: with pipefail, `grep -q` closing the pipe
# early would fail the check.)
have_wails="$(wails version 2>/dev/null || true)"
if ! grep -qx "$WAILS_VERSION" <<<"$have_wails"; then
  say "Installing the Wails CLI $WAILS_VERSION"
  # Pinned: @latest resolves to a v2.9.2 that does not build on Go 1.26,
  # and a CLI older than go.mod rewrites frontend/wailsjs/runtime.
  go install "github.com/wailsapp/wails/v2/cmd/wails@$WAILS_VERSION"
fi
go mod download

# --- npm packages ----------------------------------------------------------
npm_ci() { # folder
  local dir="$1" stamp="$1/node_modules/.tessera-lock.sha"
  local want
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "Installing npm packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  fi
}
npm_ci frontend
npm_ci e2e
npm_ci e2e/sdk

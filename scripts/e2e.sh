#!/usr/bin/env bash
# End-to-end tests of the real app: the dev-tag binary (serves the page and
# bridges bound calls and events) under Xvfb in its own D-Bus session with an
# unlocked gnome-keyring, driven by headless Chromium (playwright-core), with
# a fake LLM server and a fake E2B on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(go env GOPATH)/bin:$PATH"
export GOCACHE="$(go env GOCACHE)"
mkdir -p build/bin build/artifacts
test -f frontend/dist/index.html || (cd frontend && npm run build >/dev/null)
# The dev binary carries a release feed, as a release build configured with
# TESSERA_RELEASE_FEED does: a loopback address that update.e2e.mjs serves
# (every other spec sets TESSERA_UPDATE_FEED=off, so nothing else asks it).
E2E_RELEASE_FEED="http://127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')/releases"
export E2E_RELEASE_FEED
go build -tags dev,webkit2_41 -ldflags "-X main.releaseFeed=$E2E_RELEASE_FEED" -o build/bin/tessera-dev .
go build -o build/bin/fakellm ./backend/llm/llmtest/cmd/fakellm
go build -o build/bin/fakee2b ./backend/e2b/e2btest/cmd/fakee2b
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CACHE_HOME="$WORK/cache" E2E_WORK="$WORK"
xvfb-run -a -s '-screen 0 1280x900x24' dbus-run-session -- bash -euo pipefail -c '
  echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  cd e2e && node run.mjs "$@"' e2e "$@" 2>&1 | grep -v "fd limit"

#!/usr/bin/env bash
# Benchmarks behind the performance targets in the issues. Go benchmarks
# first, then the page benchmarks of the real app (dev build under Xvfb,
# headless Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(go env GOPATH)/bin:$PATH"
export GOCACHE="$(go env GOCACHE)"
echo "== Go benchmarks"
go test -run='^$' -bench=. -benchmem -count=3 ./backend/... | grep -E '^(Benchmark|ok|pkg)'
echo "== Page benchmarks"
test -f frontend/dist/index.html || (cd frontend && npm run build >/dev/null)
go build -tags dev,webkit2_41 -o build/bin/tessera-dev .
go build -o build/bin/fakellm ./backend/llm/llmtest/cmd/fakellm
go build -o build/bin/fakee2b ./backend/e2b/e2btest/cmd/fakee2b
go build -o build/bin/seed ./scripts/seed
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export XDG_DATA_HOME="$WORK/data" XDG_CACHE_HOME="$WORK/cache" E2E_WORK="$WORK"
xvfb-run -a -s '-screen 0 1280x900x24' dbus-run-session -- bash -euo pipefail -c '
  echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  cd e2e && node bench.mjs && node agent-bench.mjs' 2>&1 | grep -E '^\{'
echo "== Start-up benchmark"
bash scripts/startup-bench.sh "${STARTUP_RUNS:-5}"
echo "== What the large dependencies add to the binary"
bash scripts/binary-size.sh

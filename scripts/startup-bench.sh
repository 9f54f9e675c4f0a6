#!/usr/bin/env bash
# Start-up benchmark (issue 17): builds the empty Wails v2 react-ts app as
# the baseline (once, cached in build/bench), Tessera's production build,
# an empty and a big data folder (1,000 projects, 100k messages, by the seed
# tool), then alternates their start-ups under Xvfb and prints ratios.
#   bash scripts/startup-bench.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(go env GOPATH)/bin:$PATH"
export GOCACHE="$(go env GOCACHE)"
RUNS="${1:-5}"
BENCH="$PWD/build/bench"
mkdir -p "$BENCH"
BASE="$BENCH/emptyapp"
if [ ! -x "$BASE/build/bin/emptyapp" ]; then
  echo "== Building the empty Wails app (wails init -t react-ts)"
  rm -rf "$BASE"
  (cd "$BENCH" && wails init -n emptyapp -t react-ts >/dev/null)
  (cd "$BASE" && wails build -nocolour -tags webkit2_41 >/dev/null)
fi
if [ ! -x build/bin/tessera ] || [ -n "${REBUILD:-}" ]; then
  echo "== Building Tessera"
  wails build -nocolour -m >/dev/null
fi
go build -o build/bin/seed ./scripts/seed
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "== Seeding the big data set"
build/bin/seed -home "$WORK/big" -messages 1000 -projects 999 -per-project 100 >/dev/null
mkdir -p "$WORK/empty"
export XDG_DATA_HOME="$WORK/data" XDG_CACHE_HOME="$WORK/cache" WORK BASE RUNS
xvfb-run -a -s '-screen 0 1280x900x24' dbus-run-session -- bash -euo pipefail -c '
  echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  # One start of each beforehand: creates the empty database, warms the page cache.
  TESSERA_HOME="$WORK/empty" timeout 8 build/bin/tessera >/dev/null 2>&1 || true
  cd e2e && node startup-bench.mjs "$BASE/build/bin/emptyapp" ../build/bin/tessera "$WORK/empty" "$WORK/big" "$RUNS"' 2>&1 \
  | grep -v "fd limit\|dbus-daemon\|SpiRegistry"

#!/usr/bin/env bash
# Runs every fuzz target for a short time (argument: duration, default 10s).
# A failure shows its output. A failure with no failing input (Go's fuzz
# engine losing a worker, as happens on a loaded machine) is run once
# more; a real finding fails at once, its input in testdata/fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
T="${1:-10s}"
mkdir -p build/artifacts
for pkg in $(go list ./backend/...); do
  dir="$(go list -f '{{.Dir}}' "$pkg")"
  for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "fuzz $pkg $f ($T)"
    log="build/artifacts/fuzz-$f.log"
    run() { go test -run='^$' -fuzz="^${f}\$" -fuzztime="$T" "$pkg" >"$log" 2>&1; }
    if ! run; then
      if grep -q "Failing input written to" "$log"; then cat "$log"; exit 1; fi
      echo "  the fuzz engine stopped without a failing input; once more:"
      tail -5 "$log" | sed 's/^/  /'
      run || { cat "$log"; exit 1; }
    fi
  done
done

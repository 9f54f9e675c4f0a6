#!/usr/bin/env bash
# Runs every fuzz target for a short time (argument: duration, default 10s).
set -euo pipefail
cd "$(dirname "$0")/.."
T="${1:-10s}"
for pkg in $(go list ./backend/...); do
  dir="$(go list -f '{{.Dir}}' "$pkg")"
  for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
    echo "fuzz $pkg $f ($T)"
    go test -run='^$' -fuzz="^${f}\$" -fuzztime="$T" "$pkg" >/dev/null
  done
done

#!/usr/bin/env bash
# Prints what a release build is stamped with. wails.json's
# info.productVersion is the one place the version is written.
#   scripts/version.sh            -> 0.1.0
#   scripts/version.sh --ldflags  -> -X main.version=0.1.0 -X main.buildDate=2026-12-02T00:22:37Z
# SOURCE_DATE_EPOCH (reproducible builds) fixes the date when set.
set -euo pipefail
cd "$(dirname "$0")/.."
v="$(python3 -c 'import json; print(json.load(open("wails.json"))["info"]["productVersion"])')"
if [ -z "$v" ]; then echo "wails.json has no info.productVersion" >&2; exit 1; fi
if [ "${1:-}" != "--ldflags" ]; then echo "$v"; exit 0; fi
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then # GNU date, else BSD date (macOS)
  d="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r "$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
else d="$(date -u +%Y-%m-%dT%H:%M:%SZ)"; fi
echo "-X main.version=$v -X main.buildDate=$d"

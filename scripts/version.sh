#!/usr/bin/env bash
# Prints what a release build is stamped with. wails.json's
# info.productVersion is the one place the version is written.
#   scripts/version.sh            -> 0.1.0
#   scripts/version.sh --ldflags  -> -X main.version=0.1.0 -X main.buildDate=2026-12-02T00:22:37Z
# SOURCE_DATE_EPOCH (reproducible builds) fixes the date when set.
# TESSERA_RELEASE_FEED (build time) is the update channel: a GitHub releases
# API address or an Atom feed that really publishes Tessera's releases.
# Unset (the default), the build has no channel and never checks.
set -euo pipefail
cd "$(dirname "$0")/.."
v="$(python3 -c 'import json; print(json.load(open("wails.json"))["info"]["productVersion"])')"
if [ -z "$v" ]; then echo "wails.json has no info.productVersion" >&2; exit 1; fi
if [ "${1:-}" != "--ldflags" ]; then echo "$v"; exit 0; fi
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then # GNU date, else BSD date (macOS)
  d="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r "$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
else d="$(date -u +%Y-%m-%dT%H:%M:%SZ)"; fi
flags="-X main.version=$v -X main.buildDate=$d"
if [ -n "${TESSERA_RELEASE_FEED:-}" ]; then
  case "$TESSERA_RELEASE_FEED" in
    https://?*|http://?*) ;;
    *) echo "TESSERA_RELEASE_FEED must be an http(s) address, not '$TESSERA_RELEASE_FEED'" >&2; exit 1 ;;
  esac
  case "$TESSERA_RELEASE_FEED" in *[[:space:]\'\"]*) echo "TESSERA_RELEASE_FEED may not hold spaces or quotes" >&2; exit 1 ;; esac
  flags="$flags -X main.releaseFeed=$TESSERA_RELEASE_FEED"
fi
echo "$flags"

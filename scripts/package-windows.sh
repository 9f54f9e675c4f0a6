#!/usr/bin/env bash
# Cross-builds Tessera for Windows (amd64) with its NSIS installer, on Linux.
#   scripts/package-windows.sh [--skip-frontend]
# --skip-frontend reuses frontend/dist (make test passes it right after the
# Linux production build). Needs makensis (Debian: nsis; `make
# package-windows` installs it). No C cross-compiler: the Windows build of
# Wails v2 is pure Go (CGO_ENABLED=0).
# Writes build/bin/tessera.exe and build/bin/Tessera-amd64-installer.exe and
# checks both (7z, from p7zip-full, looks inside the installer).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(go env GOPATH)/bin:$PATH"
skip=()
if [ "${1:-}" = "--skip-frontend" ]; then skip=(-s); fi
command -v makensis >/dev/null || { echo "makensis is missing: apt-get install nsis (or: make package-windows)" >&2; exit 1; }
command -v 7z >/dev/null || { echo "7z is missing: apt-get install p7zip-full (or: make package-windows)" >&2; exit 1; }
mkdir -p build/artifacts
LDFLAGS="$(scripts/version.sh --ldflags)"
VERSION="$(scripts/version.sh)"
rm -f build/bin/tessera.exe build/bin/Tessera-amd64-installer.exe
t=$SECONDS
wails build -nocolour -m -skipbindings "${skip[@]}" -platform windows/amd64 -nsis -ldflags "$LDFLAGS" \
  >build/artifacts/wails-windows.log 2>&1 || { cat build/artifacts/wails-windows.log; exit 1; }

fail() { echo "windows build: $*" >&2; exit 1; }
EXE=build/bin/tessera.exe
SETUP=build/bin/Tessera-amd64-installer.exe
[ -s "$EXE" ] || fail "$EXE was not produced"
[ -s "$SETUP" ] || fail "$SETUP was not produced"
# The executable is a Windows amd64 GUI build stamped with this version.
meta="$(go version -m "$EXE")"
grep -q "GOOS=windows" <<<"$meta" || fail "$EXE is not a Windows build"
grep -q "GOARCH=amd64" <<<"$meta" || fail "$EXE is not amd64"
grep -q -- "-X main.version=$VERSION " <<<"$meta" || fail "$EXE does not carry version $VERSION"
grep -q -- "-H windowsgui" <<<"$meta" || fail "$EXE would open a console window"
# The installer is an NSIS self-extractor ("MZ" header, NSIS's first-header
# signature "NullsoftInst").
[ "$(head -c2 "$SETUP")" = "MZ" ] || fail "$SETUP is not a Windows executable"
grep -aq "NullsoftInst" "$SETUP" || fail "$SETUP is not an NSIS installer"
# What it installs: this very executable, the uninstaller, and the
# WebView2 bootstrapper for machines without the runtime (7-Zip reads NSIS).
listing="$(7z l -slt "$SETUP")"
for f in Tessera.exe uninstall.exe '$PLUGINSDIR/webview2bootstrapper/MicrosoftEdgeWebview2Setup.exe'; do
  grep -qxF "Path = $f" <<<"$listing" || fail "$SETUP does not contain $f"
done
inside="$(7z e -so "$SETUP" Tessera.exe | sha256sum | cut -d' ' -f1)"
[ "$inside" = "$(sha256sum "$EXE" | cut -d' ' -f1)" ] || fail "the Tessera.exe in $SETUP is not $EXE"
kib() { echo $(( $(stat -c %s "$1") / 1024 )); }
echo "windows: $EXE $(kib "$EXE") KiB, $SETUP $(kib "$SETUP") KiB, built in $((SECONDS - t)) s"

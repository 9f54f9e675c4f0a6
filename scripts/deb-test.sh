#!/usr/bin/env bash
# Builds the .deb, installs it with apt, checks what it put where, starts the
# installed /usr/bin/tessera under Xvfb until its window shows the page, then
# removes the package and checks nothing of it is left.
#   scripts/deb-test.sh [BINARY]   (default: build/bin/tessera, built if missing)
# Needs root (or sudo): it installs a system package for the duration.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
apt_() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

if dpkg-query -W -f='${Status}' tessera 2>/dev/null | grep "ok installed" >/dev/null; then
  echo "a tessera package is already installed here; remove it first (apt-get remove tessera)" >&2
  exit 1
fi
mkdir -p build/artifacts
t=$(date +%s%N)
DEB="$(scripts/package-deb.sh "${1:-build/bin/tessera}" build/artifacts | tail -1)"
pack_ms=$(ms "$t")
# Whatever happens below, do not leave the package installed.
trap 'dpkg-query -W -f="\${Status}" tessera 2>/dev/null | grep "ok installed" >/dev/null && apt_ remove -y -qq tessera >/dev/null 2>&1 || true' EXIT

dpkg-deb --info "$DEB" | sed -n '/Package:/,/Description:/p'
# Debian's own checker: an error fails the test; warnings and notes are
# printed (build/artifacts/lintian.log has them all).
t=$(date +%s%N)
lintian --fail-on error --display-info "$DEB" >build/artifacts/lintian.log 2>&1 || lint_rc=$?
lint_ms=$(ms "$t")
cat build/artifacts/lintian.log
if [ "${lint_rc:-0}" -ne 0 ]; then echo "deb test: lintian reports errors on $DEB" >&2; exit 1; fi
t=$(date +%s%N)
apt_ install -y -qq --no-install-recommends "./$DEB" >build/artifacts/deb-install.log 2>&1 ||
  { cat build/artifacts/deb-install.log; exit 1; }
install_ms=$(ms "$t")

fail() { echo "deb test: $*" >&2; exit 1; }
files="$(dpkg -L tessera)"
for f in /usr/bin/tessera /usr/share/applications/tessera.desktop /usr/share/icons/hicolor/48x48/apps/tessera.png \
  /usr/share/icons/hicolor/256x256/apps/tessera.png /usr/share/doc/tessera/copyright \
  /usr/share/doc/tessera/changelog.gz /usr/share/man/man1/tessera.1.gz; do
  grep -qx "$f" <<<"$files" || fail "dpkg -L tessera does not list $f"
  [ -e "$f" ] || fail "$f is listed but not on disk"
done
[ -x /usr/bin/tessera ] || fail "/usr/bin/tessera is not executable"
# Every library the installed binary needs resolves (the Depends were enough).
if ldd /usr/bin/tessera | grep "not found" >/dev/null; then ldd /usr/bin/tessera | grep "not found"; fail "unresolved libraries"; fi

t=$(date +%s%N)
bash scripts/window-shot.sh /usr/bin/tessera build/artifacts/deb-window.png
start_ms=$(ms "$t")

t=$(date +%s%N)
apt_ remove -y -qq tessera >build/artifacts/deb-remove.log 2>&1 || { cat build/artifacts/deb-remove.log; exit 1; }
remove_ms=$(ms "$t")
if dpkg-query -W -f='${Status}' tessera 2>/dev/null | grep "ok installed" >/dev/null; then fail "still installed after remove"; fi
left=""
while read -r f; do
  if [ -f "$f" ] || [ -L "$f" ]; then left+=" $f"; fi
done <<<"$files"
[ -z "$left" ] || fail "files left after remove:$left"

echo "deb: $DEB, $(du -k "$DEB" | cut -f1) KiB; package ${pack_ms} ms, lintian ${lint_ms} ms, install ${install_ms} ms, start to painted window ${start_ms} ms, remove ${remove_ms} ms"

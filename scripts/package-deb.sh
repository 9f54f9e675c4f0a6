#!/usr/bin/env bash
# Builds a Debian package of Tessera from the production binary.
#   scripts/package-deb.sh [BINARY] [OUT_DIR]
# BINARY defaults to build/bin/tessera, built here (scripts/build-release.sh:
# stamped, PIE) when it does not exist. The .deb goes to
# OUT_DIR (default build/bin) as tessera_<version>_<arch>.deb; its path is the
# last line printed.
set -euo pipefail
umask 022 # the package's modes must not depend on the caller's umask
cd "$(dirname "$0")/.."
export PATH="$(go env GOPATH)/bin:$PATH"
BIN="${1:-build/bin/tessera}"
OUT_DIR="${2:-build/bin}"
VERSION="$(scripts/version.sh)"
ARCH="$(dpkg --print-architecture)"

if [ ! -x "$BIN" ]; then
  bash scripts/build-release.sh >build/artifacts/wails-build.log 2>&1 ||
    { cat build/artifacts/wails-build.log; exit 1; }
  BIN=build/bin/tessera
fi

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
ROOT="$STAGE/tessera_${VERSION}_$ARCH"
install -D -m 0755 "$BIN" "$ROOT/usr/bin/tessera"

# Icons in the hicolor sizes desktops look for.
for s in 16 24 32 48 64 128 256 512; do
  d="$ROOT/usr/share/icons/hicolor/${s}x${s}/apps"
  mkdir -p "$d"
  convert build/appicon.png -resize "${s}x${s}" "PNG32:$d/tessera.png"
done

# StartupWMClass: main.go sets linux.Options.ProgramName "tessera", which is
# the window's WM_CLASS, so the dock groups the window with this entry.
install -D -m 0644 /dev/stdin "$ROOT/usr/share/applications/tessera.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=Tessera
GenericName=App builder
Comment=$(python3 -c 'import json; print(json.load(open("wails.json"))["info"]["comments"])')
Exec=tessera
Icon=tessera
Terminal=false
Categories=Development;IDE;
Keywords=LLM;AI;sandbox;E2B;
StartupWMClass=tessera
StartupNotify=true
DESKTOP
if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$ROOT/usr/share/applications/tessera.desktop"; fi

install -D -m 0644 LICENSE "$ROOT/usr/share/doc/tessera/copyright"

# The maintainer is written once, in wails.json's author; the changelog and
# the control file take it from there.
MAINT="$(python3 -c 'import json; a=json.load(open("wails.json"))["author"]; print(a["name"]+" <"+a["email"]+">")')"
# The changelog (build/linux/changelog, Debian's format): its newest entry
# must be this version, so a version bump cannot ship without one. gzip -n:
# no name or time in the header, the package stays reproducible.
sed "s|@MAINTAINER@|$MAINT|" build/linux/changelog >"$STAGE/changelog"
top="$(dpkg-parsechangelog -l "$STAGE/changelog" -S Version)"
[ "$top" = "$VERSION" ] || { echo "build/linux/changelog: the newest entry is $top, wails.json says $VERSION; add an entry" >&2; exit 1; }
install -d -m 0755 "$ROOT/usr/share/man/man1"
gzip -9n <"$STAGE/changelog" >"$ROOT/usr/share/doc/tessera/changelog.gz"
sed "s|@VERSION@|$VERSION|" build/linux/tessera.1 | gzip -9n >"$ROOT/usr/share/man/man1/tessera.1.gz"
chmod 0644 "$ROOT/usr/share/doc/tessera/changelog.gz" "$ROOT/usr/share/man/man1/tessera.1.gz"

# Depends: the package of every library the binary links directly (its ELF
# NEEDED entries), at least the version installed here; the two the issue
# names are always listed.
declare -A deps=([libgtk-3-0]=1 [libwebkit2gtk-4.1-0]=1)
# (Every reader below takes its whole input: a reader that stops early
# leaves the writer a SIGPIPE, which pipefail turns into a failed build.)
while read -r soname; do
  path="$(ldconfig -p | awk -v n="$soname" '$1 == n && /x86-64|x86_64/ && !found {print $NF; found = 1}')"
  [ -n "$path" ] || { echo "cannot find $soname (needed by $BIN)" >&2; exit 1; }
  pkg="$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | sed -n '1s/:.*//p')" ||
    pkg="$(dpkg -S "$path" | sed -n '1s/:.*//p')"
  deps[$pkg]=1
done < <(objdump -p "$BIN" | awk '/NEEDED/ {print $2}')
depends=""
for p in $(printf '%s\n' "${!deps[@]}" | sort); do
  v="$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null | sed 's/-[^-]*$//')"
  depends+="${depends:+, }$p${v:+ (>= $v)}"
done

mkdir -p "$ROOT/DEBIAN"
cat >"$ROOT/DEBIAN/control" <<CONTROL
Package: tessera
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINT
Installed-Size: $(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)
Depends: $depends
Recommends: gnome-keyring | kwalletmanager | keepassxc, xdg-utils
Section: devel
Priority: optional
Description: build small apps by chatting with an LLM
 Tessera is a desktop app in which a person builds small apps by chatting
 with an LLM. Each project has one persistent E2B cloud sandbox; projects,
 chats and results are kept in a local SQLite database and keys in the OS
 keychain (a Secret Service provider such as gnome-keyring).
CONTROL
(cd "$ROOT" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$ROOT/DEBIAN/md5sums"
chmod 0644 "$ROOT/DEBIAN/md5sums"
# No maintainer scripts: dpkg's file triggers (desktop-file-utils,
# hicolor-icon-theme) refresh the menu and icon caches, and Tessera's data
# lives in each person's home, which a package must not touch.

mkdir -p "$OUT_DIR"
DEB="$OUT_DIR/tessera_${VERSION}_$ARCH.deb"
# xz: what every dpkg reads (zstd members, which Debian's own dpkg before
# 1.21.18 cannot, are a lintian error). DEB_COMPRESS overrides (for
# example "-Zgzip" for a quick local package).
# shellcheck disable=SC2086
dpkg-deb --root-owner-group --build ${DEB_COMPRESS:--Zxz} "$ROOT" "$DEB" >/dev/null
echo "Depends: $depends"
echo "$DEB"

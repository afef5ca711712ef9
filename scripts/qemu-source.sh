#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Obtain a pristine QEMU source tree for igvt to be laid over.
#
#   qemu-source.sh DEST [PATH]
#
# Without PATH, QEMU comes from Debian's archive: the trixie source package
# `qemu` at the pinned version (QEMU_DEB_VERSION), or the newest 10.0.x when
# the pin is no longer in the archive.  apt runs with a private configuration
# under DEST's parent so the system's apt state is left alone, and Debian's
# patches are applied by dpkg-source.  With PATH, the tree (a directory or a
# tarball) named by the user is used as it is.
#
# The QEMU version used is printed and recorded in DEST/.igvt-qemu-version.
set -euo pipefail

DEST=${1:?usage: qemu-source.sh DEST [PATH]}
SRC=${2:-}
PIN=${QEMU_DEB_VERSION:-1:10.0.13+ds-0+deb13u1}
SERIES=${QEMU_DEB_SERIES:-10.0}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

log() { printf 'qemu-source: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [ -f "$DEST/.igvt-qemu-version" ] && [ -f "$DEST/VERSION" ]; then
    log "using $(cat "$DEST/.igvt-qemu-version") in $DEST"
    exit 0
fi
rm -rf "$DEST"
work=$(dirname "$DEST")/qemu-fetch
mkdir -p "$work"

if [ -n "$SRC" ]; then
    if [ -d "$SRC" ]; then
        [ -f "$SRC/VERSION" ] && [ -f "$SRC/meson.build" ] ||
            die "$SRC does not look like a QEMU source tree"
        mkdir -p "$DEST"
        cp -a "$SRC/." "$DEST/"
    elif [ -f "$SRC" ]; then
        rm -rf "$work/unpack"
        mkdir -p "$work/unpack"
        tar -xf "$SRC" -C "$work/unpack"
        top=$(find "$work/unpack" -mindepth 1 -maxdepth 2 -name VERSION \
              -printf '%h\n' | head -n 1)
        [ -n "$top" ] || die "$SRC does not hold a QEMU source tree"
        mv "$top" "$DEST"
        rm -rf "$work/unpack"
    else
        die "$SRC: no such file or directory"
    fi
    echo "upstream $(cat "$DEST/VERSION") from $SRC" >"$DEST/.igvt-qemu-version"
    log "using QEMU $(cat "$DEST/VERSION") from $SRC"
    exit 0
fi

# A private apt root for trixie sources.
apt=$work/apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" \
         "$apt/sources.d" "$apt/prefs.d"
: >"$apt/status"
cat >"$apt/sources.d/trixie-src.sources" <<EOT
Types: deb-src
URIs: $MIRROR
Suites: trixie trixie-updates
Components: main
Signed-By: $KEYRING
EOT
aptopts=(-o "Dir::State::Lists=$apt/lists" -o "Dir::State::status=$apt/status"
         -o "Dir::Cache=$apt/cache" -o "Dir::Etc::SourceList=/dev/null"
         -o "Dir::Etc::SourceParts=$apt/sources.d"
         -o "Dir::Etc::Preferences=/dev/null"
         -o "Dir::Etc::PreferencesParts=$apt/prefs.d"
         -o "Debug::NoLocking=1")
[ "$(id -u)" = 0 ] && aptopts+=(-o "APT::Sandbox::User=root")

log "updating the private apt index (trixie sources)"
apt-get -q "${aptopts[@]}" update >/dev/null

versions=$(apt-cache "${aptopts[@]}" showsrc qemu 2>/dev/null |
           sed -n 's/^Version: //p' | sort -u)
version=
if printf '%s\n' "$versions" | grep -qxF "$PIN"; then
    version=$PIN
else
    for v in $versions; do
        upstream=${v#*:}
        case $upstream in
        "$SERIES".*)
            if [ -z "$version" ] || dpkg --compare-versions "$v" gt "$version"; then
                version=$v
            fi
            ;;
        esac
    done
    [ -n "$version" ] || die "no qemu $SERIES.x source package in trixie"
    log "pinned version $PIN is gone; falling back to $version"
fi

log "downloading qemu $version source package"
rm -rf "$work/src"
mkdir -p "$work/src"
(cd "$work/src" &&
 apt-get -q "${aptopts[@]}" source --download-only "qemu=$version" >/dev/null)
dsc=$(ls "$work/src"/qemu_*.dsc)
log "unpacking and applying Debian's patches"
dpkg-source --no-check -x "$dsc" "$DEST" >/dev/null
rm -rf "$work/src"
echo "debian qemu $version" >"$DEST/.igvt-qemu-version"
log "using QEMU $(cat "$DEST/VERSION") (Debian package qemu $version)"

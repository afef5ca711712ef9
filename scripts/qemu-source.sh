#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Obtain a pristine QEMU source tree for igvt to be laid over.
#
#   qemu-source.sh [--latest] DEST [PATH]
#   qemu-source.sh --pin | --series
#
# Without PATH, QEMU comes from Debian's archive: the trixie source package
# `qemu` at the pinned version (QEMU_DEB_VERSION), or with --latest the
# newest $SERIES.x there.  When the pinned version has left the archive
# this fails, naming the newest $SERIES.x, unless --latest is given: a
# build never changes QEMU behind the user's back.  apt runs with a
# private configuration under DEST's parent so the system's apt state is
# left alone, and Debian's patches are applied by dpkg-source.  With PATH,
# the tree (a directory or a tarball) named by the user is used as it is.
#
# The QEMU version used is printed and recorded in DEST/.igvt-qemu-version;
# an existing DEST is reused only when it holds the version asked for.
# --pin and --series print the pinned version and the series.
set -euo pipefail

PIN=${QEMU_DEB_VERSION:-1:10.0.13+ds-0+deb13u1}
SERIES=${QEMU_DEB_SERIES:-10.0}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

latest=no
case ${1:-} in
--pin) echo "$PIN"; exit 0 ;;
--series) echo "$SERIES"; exit 0 ;;
--latest) latest=yes; shift ;;
esac
DEST=${1:?usage: qemu-source.sh [--latest] DEST [PATH]}
SRC=${2:-}

log() { printf 'qemu-source: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [ -f "$DEST/.igvt-qemu-version" ] && [ -f "$DEST/VERSION" ]; then
    have=$(cat "$DEST/.igvt-qemu-version")
    case $SRC:$latest:$have in
    ?*:*:*|:no:"debian qemu $PIN"|:yes:"debian qemu "*:"$SERIES".*)
        log "using $have in $DEST"
        exit 0
        ;;
    esac
    log "$DEST holds $have; fetching again"
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
newest=
for v in $versions; do
    upstream=${v#*:}
    case $upstream in
    "$SERIES".*)
        if [ -z "$newest" ] || dpkg --compare-versions "$v" gt "$newest"; then
            newest=$v
        fi
        ;;
    esac
done
if [ "$latest" = yes ]; then
    [ -n "$newest" ] || die "no qemu $SERIES.x source package in trixie"
    version=$newest
elif printf '%s\n' "$versions" | grep -qxF "$PIN"; then
    version=$PIN
else
    die "the pinned qemu $PIN has left Debian's archive (newest" \
        "$SERIES.x there: ${newest:-none}).  Run ./configure --qemu-latest" \
        "to build on the newest $SERIES.x, or --qemu-src=PATH with a QEMU" \
        "tree or tarball of your own; or update the pin in" \
        "scripts/qemu-source.sh."
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

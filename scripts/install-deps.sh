#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install the Debian 12 packages that building igvt and running its tests
# need.  Idempotent: packages already installed are left alone, and the
# bookworm-backports source is added only once.  Needs root (or sudo).
#
#   install-deps.sh [--fuzz]
#
# --fuzz adds what `make fuzz` needs: clang with libFuzzer and its
# sanitizer runtimes, and llvm-symbolizer for readable crash reports.
set -euo pipefail

with_fuzz=no
case ${1:-} in
--fuzz) with_fuzz=yes ;;
"") ;;
*) echo "usage: install-deps.sh [--fuzz]" >&2; exit 1 ;;
esac

SUDO=
if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
fi

# Build tools and libraries for qemu-system-x86_64 (x86_64-softmmu).
BUILD_PKGS="build-essential pkg-config ninja-build python3 python3-venv
    flex bison dpkg-dev ccache git
    libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev libpng-dev
    libslirp-dev libcap-ng-dev libattr1-dev"
# Firmware QEMU loads at run time (SeaBIOS, option ROMs, keymaps).
FIRMWARE_PKGS="seabios qemu-system-data ipxe-qemu"
# Real-guest harness: fetch and unpack Debian kernels, build an initramfs,
# build its guest program igvt-gem-verify against libdrm.
GUEST_PKGS="debian-archive-keyring kmod cpio xz-utils zstd gzip
    python3-pil libdrm-dev"
# The igvt-host module's nested test bed: modules built against Debian's
# 6.12 headers run pahole (BTF), the client is linked statically.
HOST_PKGS="pahole libc6-dev"
# make fuzz: clang 14 ships libFuzzer in libclang-rt-14-dev.
FUZZ_PKGS="clang libclang-rt-dev llvm"
[ "$with_fuzz" = yes ] || FUZZ_PKGS=
# meson >= 1.5 and pycotap are only in bookworm-backports.
BPO_PKGS="meson python3-pycotap"

BPO_LIST=/etc/apt/sources.list.d/igvt-bookworm-backports.sources

missing() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
            grep -q '^install ok installed$' || echo "$p"
    done
}

meson_ok() {
    command -v meson >/dev/null 2>&1 &&
        dpkg --compare-versions "$(meson --version)" ge 1.5.0
}

# shellcheck disable=SC2086 # word lists
need=$(missing $BUILD_PKGS $FIRMWARE_PKGS $GUEST_PKGS $HOST_PKGS $FUZZ_PKGS)
bpo_need=$(missing python3-pycotap)
meson_ok || bpo_need="$bpo_need meson"

if [ -z "$need" ] && [ -z "$bpo_need" ]; then
    echo "install-deps: all build dependencies are installed"
    exit 0
fi

. /etc/os-release
if [ -n "$bpo_need" ] && [ "${VERSION_CODENAME:-}" = bookworm ] &&
   [ ! -e "$BPO_LIST" ] &&
   ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d; then
    echo "install-deps: adding bookworm-backports ($BPO_LIST)"
    $SUDO tee "$BPO_LIST" >/dev/null <<EOT
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -q update
if [ -n "$need" ]; then
    # shellcheck disable=SC2086
    $SUDO apt-get -q install -y --no-install-recommends $need
fi
if [ -n "$bpo_need" ]; then
    target=
    [ "${VERSION_CODENAME:-}" = bookworm ] && target="-t bookworm-backports"
    # shellcheck disable=SC2086
    $SUDO apt-get -q install -y --no-install-recommends $target $bpo_need
fi
meson_ok || { echo "install-deps: meson >= 1.5 is required" >&2; exit 1; }
echo "install-deps: done"

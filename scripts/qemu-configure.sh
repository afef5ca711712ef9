#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Configure one QEMU build directory from the overlaid tree, with the
# options every igvt build shares.
#
#   qemu-configure.sh TREE OBJDIR CC [QEMU-CONFIGURE-ARGS...]
#
# CC is gcc or clang (ccache is put in front when installed); the extra
# arguments add to the shared options (sanitizers, fuzzing, the user's own
# from ./configure -- ARGS).  QEMU's configure output goes to OBJDIR.log;
# on failure its tail is shown.
set -euo pipefail

tree=${1:?usage: qemu-configure.sh TREE OBJDIR CC [ARGS...]}
obj=${2:?usage: qemu-configure.sh TREE OBJDIR CC [ARGS...]}
cc=${3:?usage: qemu-configure.sh TREE OBJDIR CC [ARGS...]}
shift 3

# Debian's python3 carries the meson QEMU needs; a pyenv or venv python3
# earlier in PATH would not see it.
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)

command -v "$cc" >/dev/null 2>&1 || {
    echo "qemu-configure: $cc is not installed" >&2
    exit 1
}
cxx=g++
[ "$cc" = clang ] && cxx=clang++
if command -v ccache >/dev/null 2>&1; then
    cc="ccache $cc"
    cxx="ccache $cxx"
fi

qemu_args=(--python="$python" --cc="$cc" --cxx="$cxx"
           --target-list=x86_64-softmmu
           --disable-install-blobs --disable-docs --disable-werror
           --enable-kvm --enable-tcg --enable-vnc --enable-png
           --enable-pixman --enable-fdt=system --enable-slirp
           --firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu
           "$@")

log=$obj.log
mkdir -p "$obj"
echo "qemu-configure: configuring QEMU in $obj"
(cd "$obj" && CCACHE_BASEDIR=$(dirname "$obj") "$tree/configure" "${qemu_args[@]}") \
    >"$log" 2>&1 || {
    tail -n 30 "$log" >&2
    echo "qemu-configure: QEMU's configure failed (log: $log)" >&2
    exit 1
}
grep -E '^ +(GTK support|SDL support|OpenGL support|VNC support|PNG support|pixman|KVM support|TCG support|asan|ubsan|fuzzing support) ' \
    "$log" || true

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Aperture benchmark: how fast a guest writes through igvt-vga's aperture
# (fb0's mmap and an i915 GTT mmap), how many dispatches that costs QEMU,
# fbcon text redraws, and GGTT binds, with guest RAM anonymous and in a
# memfd; stock VGA's linear framebuffer on the same guest is the baseline,
# measured in the same run.  See tests/bench/README.md.
#
#   aperture.sh --qemu PATH --work DIR --guest-work DIR
#
# Exit status: 0 when every configuration was measured (whatever the
# numbers), non-zero when something did not run.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ------------------------------------------------------------------ knobs --
CONFIGS=${CONFIGS:-"igvt-anon igvt-memfd vga"}  # what to measure, in order
SECS=${SECS:-3}                         # guest seconds of each write phase
GTT_MIB=${GTT_MIB:-8}                   # the GTT-mapped object's size
BIND_MIB=${BIND_MIB:-8}                 # each bound object's size ...
BINDS=${BINDS:-8}                       # ... and how many
SMP=${SMP:-1}
MEM=${MEM:-1G}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-150}       # seconds until the guest must be ready
KERNEL=${KERNEL:-6.12}                  # kit tag in the guest work dir
APPEND_EXTRA=${APPEND_EXTRA:-}          # extra kernel arguments

usage() {
	cat <<-EOF
	usage: $0 --qemu PATH --work DIR --guest-work DIR
	knobs (environment): CONFIGS SECS GTT_MIB BIND_MIB BINDS SMP MEM
	  BOOT_TIMEOUT KERNEL APPEND_EXTRA -- see tests/bench/README.md
	EOF
}

BENCH_NAME=bench-aperture
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
bench_args "qemu work guest-work" "$@"
bench_setup dpkg-deb modinfo cpio xz gcc python3 sha256sum
QEMU_BIN=$(cd "$(dirname "$QEMU_BIN")" && pwd)/$(basename "$QEMU_BIN")

# KIT, MODS: the kernel kit and the igvt and vga driver chains (lib.sh)
bench_modules

# ---------------------------------------------------------------- apwrite --
# The guest program, static: the initramfs has no C library
APWRITE=$WORK/apwrite
if [ ! -x "$APWRITE" ] || [ "$HERE/apwrite.c" -nt "$APWRITE" ]; then
	[ -e /usr/include/libdrm/i915_drm.h ] || die "no libdrm-dev (\`make deps\` installs it)"
	gcc -O2 -Wall -Wextra -Werror -std=gnu11 -static -I/usr/include/libdrm \
		-o "$APWRITE" "$HERE/apwrite.c" || die "cannot compile $HERE/apwrite.c"
fi

# -------------------------------------------------------------- initramfs --
INITRD=$WORK/aperture-initrd.cpio
initrd_fill() {
	cp "$MODS"/lib/*.ko "$1/lib/modules/"
	cp "$MODS"/load-* "$1/etc/"
	cp "$APWRITE" "$1/bin/apwrite"
}
bench_initrd "$INITRD" "$HERE/aperture-init.sh" initrd_fill "$KIT/SOURCE" "$MODS/SOURCE" "$APWRITE"

# FW: where QEMU finds SeaBIOS, when it would not itself
bench_firmware

# shellcheck disable=SC2086 # CONFIGS is a word list
exec python3 "$HERE/aperture.py" --qemu "$QEMU_BIN" --work "$WORK" \
	--kernel "$KIT/vmlinuz" --initrd "$INITRD" --configs $CONFIGS \
	--secs "$SECS" --gtt-mib "$GTT_MIB" --bind-mib "$BIND_MIB" --binds "$BINDS" \
	--smp "$SMP" --mem "$MEM" --boot-timeout "$BOOT_TIMEOUT" \
	--append "$APPEND_EXTRA" "${FW[@]}"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Display benchmark: the CPU cost of QEMU's display refresh for igvt-vga
# next to stock VGA and virtio-gpu, on the same guest workload, in the
# same run.  See tests/bench/README.md.
#
#   display.sh --qemu PATH --work DIR --guest-work DIR
#
# --guest-work is the real-guest harness's work dir: its cached Debian 13
# (6.12) kernel kit and .deb are used, fetched with tests/guest/run.sh
# when missing.  Everything this script builds goes under --work.
#
# Exit status: 0 when every device was measured (whatever the numbers),
# non-zero when something did not run.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ------------------------------------------------------------------ knobs --
DEVICES=${DEVICES:-"igvt vga virtio"}   # what to measure, in this order
IDLE_SECS=${IDLE_SECS:-10}              # idle phase length
BUSY_SECS=${BUSY_SECS:-15}              # busy phase length
WORKLOAD=${WORKLOAD:-fb}                # fb: dd to /dev/fb0; text: fbcon scrolling
XRES=${XRES:-1920}
YRES=${YRES:-1080}
SMP=${SMP:-2}
MEM=${MEM:-1G}
RAM=${RAM:-memfd}                       # guest RAM: memfd (shared) or anon
BOOT_TIMEOUT=${BOOT_TIMEOUT:-150}       # seconds until the guest must be ready
KERNEL=${KERNEL:-6.12}                  # kit tag in the guest work dir
APPEND_EXTRA=${APPEND_EXTRA:-}          # extra kernel arguments
PROBES=${PROBES:-1}                     # 0: no uprobes, whole-thread numbers only

usage() {
	cat <<-EOF
	usage: $0 --qemu PATH --work DIR --guest-work DIR
	knobs (environment): DEVICES IDLE_SECS BUSY_SECS WORKLOAD XRES YRES SMP MEM RAM
	  BOOT_TIMEOUT KERNEL APPEND_EXTRA PROBES -- see tests/bench/README.md
	EOF
}

BENCH_NAME=bench
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
bench_args "qemu work guest-work" "$@"
bench_setup dpkg-deb modinfo cpio xz gcc python3 sha256sum
QEMU_BIN=$(cd "$(dirname "$QEMU_BIN")" && pwd)/$(basename "$QEMU_BIN")

# ------------------------------------------------- kernel kit, modules --
# MODS: the igvt, vga and virtio driver chains (lib.sh)
bench_modules

# -------------------------------------------------------------- initramfs --
INITRD=$WORK/initrd.cpio
# the driver chains and their load lists
initrd_fill() {
	cp "$MODS"/lib/*.ko "$1/lib/modules/"
	cp "$MODS"/load-* "$1/etc/"
}
bench_initrd "$INITRD" "$HERE/init.sh" initrd_fill "$KIT/SOURCE" "$MODS/SOURCE"

# ---------------------------------------------------------------- memcpy --
MEMCPY=$WORK/memcpy
if [ ! -x "$MEMCPY" ] || [ "$HERE/memcpy.c" -nt "$MEMCPY" ]; then
	gcc -O2 -Wall -o "$MEMCPY" "$HERE/memcpy.c" || die "cannot compile $HERE/memcpy.c"
fi

# FW: where QEMU finds SeaBIOS, when it would not itself
bench_firmware

EXTRA=()
[ "$PROBES" != 0 ] || EXTRA+=(--no-probes)

# shellcheck disable=SC2086 # DEVICES is a word list
exec python3 "$HERE/display.py" --qemu "$QEMU_BIN" --work "$WORK" \
	--kernel "$KIT/vmlinuz" --initrd "$INITRD" --memcpy "$MEMCPY" \
	--devices $DEVICES --idle "$IDLE_SECS" --busy "$BUSY_SECS" \
	--workload "$WORKLOAD" --xres "$XRES" --yres "$YRES" --smp "$SMP" --mem "$MEM" --ram "$RAM" \
	--boot-timeout "$BOOT_TIMEOUT" --append "$APPEND_EXTRA" "${FW[@]}" "${EXTRA[@]}"

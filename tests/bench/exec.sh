#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Execution benchmark: the command audit's throughput on the host, the
# GPU time two busy vGPUs of different weights get, and inside a guest on
# igvt-vga the gem_exec_nop submission rate and the device's
# ELSP-to-interrupt latency, each with a baseline measured in the same
# run.  See tests/bench/README.md.
#
#   exec.sh --qemu PATH --audit-bin PATH --sched-bin PATH --work DIR \
#           --guest-work DIR
#
# --guest-work is the real-guest harness's work dir: its cached Debian 13
# (6.12) kernel kit and intel-gpu-tools userland are used, fetched with
# tests/guest/run.sh when missing.  Everything this script builds goes
# under --work.
#
# Exit status: 0 when everything was measured (whatever the numbers),
# non-zero when something did not run.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ------------------------------------------------------------------ knobs --
ROUNDS=${ROUNDS:-3}                     # rounds of each guest program
AUDIT_ROUNDS=${AUDIT_ROUNDS:-60}        # rounds of each audit method (5 ms each)
SMP=${SMP:-1}
MEM=${MEM:-1G}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-150}       # seconds until the guest must be ready
KERNEL=${KERNEL:-6.12}                  # kit tag in the guest work dir
APPEND_EXTRA=${APPEND_EXTRA:-}          # extra kernel arguments
BCS=${BCS:-1}                           # 0: no gem_exec_nop on the blitter
BASELINE_QEMU=${BASELINE_QEMU:-}        # a QEMU to compare with, same run

usage() {
	cat <<-EOF
	usage: $0 --qemu PATH --audit-bin PATH --sched-bin PATH --work DIR --guest-work DIR
	knobs (environment): ROUNDS AUDIT_ROUNDS SMP MEM BOOT_TIMEOUT KERNEL
	  APPEND_EXTRA BCS -- see tests/bench/README.md
	EOF
}

BENCH_NAME=bench-exec
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"
bench_args "qemu audit-bin sched-bin work guest-work" "$@"
bench_setup cpio python3 sha256sum

# ------------------------------------------------- kernel kit, userland --
# The harness's kit: vmlinuz, busybox, the i915 chain (modules/*.ko in
# modules.load order); its IGT userland: intel-gpu-tools and the
# libraries it loads, as a tree to copy into the initramfs.
KIT=$GWORK/kernels/$KERNEL
USERLAND=$GWORK/userland/$KERNEL-igt
kit_ready() {
	[ -s "$KIT/SOURCE" ] && [ -s "$KIT/vmlinuz" ] && [ -s "$KIT/modules.load" ] &&
		[ -s "$USERLAND/SOURCE" ] && [ -x "$USERLAND/root/usr/libexec/igt-gpu-tools/benchmarks/gem_exec_nop" ]
}
if ! kit_ready; then
	bench_fetch_kit "kit with intel-gpu-tools in $GWORK" IGT_TESTS=1
fi
kit_ready || die "no $KERNEL kernel kit and IGT userland in $GWORK"

# -------------------------------------------------------------- initramfs --
INITRD=$WORK/exec-initrd.cpio
# the i915 chain, its load order and the IGT userland
initrd_fill() {
	mkdir -p "$1"/{run,root}
	cp "$KIT"/modules/*.ko "$1/lib/modules/"
	cp "$KIT/modules.load" "$1/etc/modules.load"
	cp -a "$USERLAND/root/." "$1/"
}
bench_initrd "$INITRD" "$HERE/exec-init.sh" initrd_fill "$KIT/SOURCE" "$KIT/modules.load" "$USERLAND/SOURCE"

# FW: where QEMU finds SeaBIOS, when it would not itself
bench_firmware

EXTRA=()
[ "$BCS" != 0 ] || EXTRA+=(--no-bcs)
[ -z "$BASELINE_QEMU" ] || EXTRA+=(--baseline-qemu "$(cd "$(dirname "$BASELINE_QEMU")" && pwd)/$(basename "$BASELINE_QEMU")")

exec python3 "$HERE/exec.py" --qemu "$QEMU_BIN" --work "$WORK" \
	--kernel "$KIT/vmlinuz" --kernel-tag "$KERNEL" --initrd "$INITRD" \
	--audit-bin "$AUDIT_BIN" --audit-rounds "$AUDIT_ROUNDS" \
	--sched-bin "$SCHED_BIN" \
	--rounds "$ROUNDS" --smp "$SMP" --mem "$MEM" \
	--boot-timeout "$BOOT_TIMEOUT" --append "$APPEND_EXTRA" "${FW[@]}" "${EXTRA[@]}"

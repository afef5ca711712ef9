#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Execution benchmark: the command audit's throughput on the host, and
# inside a guest on igvt-vga the gem_exec_nop submission rate and the
# device's ELSP-to-interrupt latency, each with a baseline measured in
# the same run.  See tests/bench/README.md.
#
#   exec.sh --qemu PATH --audit-bin PATH --work DIR --guest-work DIR
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
SRC=$(cd "$HERE/../.." && pwd)

# ------------------------------------------------------------------ knobs --
ROUNDS=${ROUNDS:-3}                     # rounds of each guest program
AUDIT_ROUNDS=${AUDIT_ROUNDS:-60}        # rounds of each audit method (5 ms each)
SMP=${SMP:-1}
MEM=${MEM:-1G}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-150}       # seconds until the guest must be ready
KERNEL=${KERNEL:-6.12}                  # kit tag in the guest work dir
APPEND_EXTRA=${APPEND_EXTRA:-}          # extra kernel arguments
BCS=${BCS:-1}                           # 0: no gem_exec_nop on the blitter

say() { printf 'bench-exec: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 2; }

usage() {
	cat <<-EOF
	usage: $0 --qemu PATH --audit-bin PATH --work DIR --guest-work DIR
	knobs (environment): ROUNDS AUDIT_ROUNDS SMP MEM BOOT_TIMEOUT KERNEL
	  APPEND_EXTRA BCS -- see tests/bench/README.md
	EOF
}

QEMU_BIN=
AUDIT_BIN=
WORK=
GWORK=
while [ $# -gt 0 ]; do
	case $1 in
	--qemu) QEMU_BIN=${2:?}; shift 2 ;;
	--qemu=*) QEMU_BIN=${1#*=}; shift ;;
	--audit-bin) AUDIT_BIN=${2:?}; shift 2 ;;
	--audit-bin=*) AUDIT_BIN=${1#*=}; shift ;;
	--work) WORK=${2:?}; shift 2 ;;
	--work=*) WORK=${1#*=}; shift ;;
	--guest-work) GWORK=${2:?}; shift 2 ;;
	--guest-work=*) GWORK=${1#*=}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
if [ -z "$QEMU_BIN" ] || [ -z "$AUDIT_BIN" ] || [ -z "$WORK" ] || [ -z "$GWORK" ]; then
	usage >&2
	exit 2
fi
[ -x "$QEMU_BIN" ] || die "QEMU binary $QEMU_BIN is not executable"
[ -x "$AUDIT_BIN" ] || die "audit benchmark $AUDIT_BIN is not executable"
for t in cpio python3 sha256sum; do
	command -v "$t" >/dev/null 2>&1 || die "missing host tool: $t (\`make deps\`)"
done
mkdir -p "$WORK" "$GWORK"
WORK=$(cd "$WORK" && pwd)
GWORK=$(cd "$GWORK" && pwd)

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
	say "no $KERNEL kit with intel-gpu-tools in $GWORK: fetching it with tests/guest/run.sh"
	KERNELS=$KERNEL IGT_TESTS=1 "$SRC/tests/guest/run.sh" --work "$GWORK" fetch ||
		die "tests/guest/run.sh fetch failed"
fi
kit_ready || die "no $KERNEL kernel kit and IGT userland in $GWORK"

# -------------------------------------------------------------- initramfs --
INITRD=$WORK/exec-initrd.cpio
key=$( (cat "$KIT/SOURCE" "$KIT/modules.load" "$USERLAND/SOURCE" "$HERE/exec-init.sh"
	sha256sum "$KIT/busybox") | sha256sum | cut -d' ' -f1)
if [ ! -f "$INITRD" ] || [ "$(cat "$INITRD.key" 2>/dev/null)" != "$key" ]; then
	stage=$WORK/tmp/exec-initrd
	rm -rf "$stage"
	mkdir -p "$stage"/{bin,dev,etc,lib/modules,proc,sys,tmp,run,root}
	cp "$KIT/busybox" "$stage/bin/busybox"
	cp "$HERE/exec-init.sh" "$stage/init"
	chmod 755 "$stage/init" "$stage/bin/busybox"
	cp "$KIT"/modules/*.ko "$stage/lib/modules/"
	cp "$KIT/modules.load" "$stage/etc/modules.load"
	cp -a "$USERLAND/root/." "$stage/"
	(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$INITRD.tmp"
	mv "$INITRD.tmp" "$INITRD"
	echo "$key" >"$INITRD.key"
	rm -rf "$stage"
	say "initramfs $INITRD ($(($(stat -c %s "$INITRD") / 1048576)) MiB)"
fi
rmdir "$WORK/tmp" 2>/dev/null || true

# QEMU run from its build tree finds firmware only in its qemu-bundle:
# point -L at the host's SeaBIOS when none of its data dirs has it
FW=()
have_bios=
while IFS= read -r d; do
	if [ -n "$d" ] && [ -f "$d/bios-256k.bin" ]; then have_bios=1; fi
done < <("$QEMU_BIN" -L help 2>/dev/null || true)
if [ -z "$have_bios" ]; then
	for d in /usr/share/seabios /usr/share/qemu; do
		if [ -f "$d/bios-256k.bin" ]; then
			FW=(--firmware "$d")
			break
		fi
	done
fi

EXTRA=()
[ "$BCS" != 0 ] || EXTRA+=(--no-bcs)

exec python3 "$HERE/exec.py" --qemu "$QEMU_BIN" --work "$WORK" \
	--kernel "$KIT/vmlinuz" --kernel-tag "$KERNEL" --initrd "$INITRD" \
	--audit-bin "$AUDIT_BIN" --audit-rounds "$AUDIT_ROUNDS" \
	--rounds "$ROUNDS" --smp "$SMP" --mem "$MEM" \
	--boot-timeout "$BOOT_TIMEOUT" --append "$APPEND_EXTRA" "${FW[@]}" "${EXTRA[@]}"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The nested test bed of the igvt-host kernel module (tests/host/README.md):
# a Debian 12 guest on igvt-vga (software backend) loads its stock i915,
# then igvt-host.ko built here for exactly that kernel, and runs our
# igvt-host-client against /dev/igvt-host: functional checks byte for
# byte, then attacks, each followed by a look at the module's counters,
# gem_exec_nop and the kernel log.
#
#   run.sh --qemu PATH --work DIR --guest-work DIR check
#   run.sh --work DIR --guest-work DIR build    build module and client only
#
# --guest-work is tests/guest/run.sh's work dir: the guest kernel kit and
# intel-gpu-tools userland come from there (fetched with it when missing).  The kernel's headers, kbuild and i915 sources are
# fetched from Debian's archive into --work through a private apt root,
# like everything else this builds.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)

# ------------------------------------------------------------------ knobs --
TIMEOUT=${TIMEOUT:-900}                 # seconds for the guest's whole run
KERNEL=${KERNEL:-6.1}                   # the guest harness's kernel tag
EXTRA_KERNELS=${EXTRA_KERNELS-6.12-amd64}  # also build for these (metapackage linux-headers-X)
ACCEL=${ACCEL:-auto}
MEM=${MEM:-1G}
RAM=${RAM:-memfd}
OFFLINE=${OFFLINE:-0}
VERBOSE=${VERBOSE:-0}
QEMU_DEVICE=${QEMU_DEVICE-igvt-vga,addr=02.0}
QEMU_EXTRA=${QEMU_EXTRA:-}
APPEND_EXTRA=${APPEND_EXTRA:-}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}
KEYRING=${KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
FIRMWARE_DIRS=${FIRMWARE_DIRS:-"/usr/share/seabios /usr/share/qemu /usr/lib/ipxe/qemu"}

MARK='IGVT-HOST:'
SUITE=bookworm                          # every kernel built here is Debian 12's

say() { printf 'host: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 2; }
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh
. "$SRC/tests/guest/lib.sh"

usage() {
	cat <<-EOF
	usage: $0 --qemu PATH --work DIR --guest-work DIR {check|build}
	knobs (environment): TIMEOUT KERNEL EXTRA_KERNELS ACCEL MEM RAM OFFLINE
	  VERBOSE QEMU_DEVICE QEMU_EXTRA APPEND_EXTRA MIRROR SECURITY_MIRROR
	  KEYRING FIRMWARE_DIRS -- see tests/host/README.md
	EOF
}

QEMU_BIN=
WORK=
GWORK=
CMD=
while [ $# -gt 0 ]; do
	case $1 in
	--qemu | --work | --guest-work)
		[ $# -ge 2 ] || { usage >&2; exit 2; }
		case $1 in
		--qemu) QEMU_BIN=$2 ;;
		--work) WORK=$2 ;;
		--guest-work) GWORK=$2 ;;
		esac
		shift 2
		;;
	-h | --help) usage; exit 0 ;;
	check | build) CMD=$1; shift ;;
	*) say "unknown argument: $1"; usage >&2; exit 2 ;;
	esac
done
if [ -z "$CMD" ] || [ -z "$WORK" ] || [ -z "$GWORK" ]; then
	usage >&2
	exit 2
fi
[ "$CMD" = build ] || [ -n "$QEMU_BIN" ] || die "--qemu PATH is required for check"
mkdir -p "$WORK" "$GWORK"
WORK=$(cd "$WORK" && pwd)
GWORK=$(cd "$GWORK" && pwd)

KIT=$GWORK/kernels/$KERNEL
USERLAND=$GWORK/userland/$KERNEL-igt
CLIENT=$WORK/igvt-host-client

# ----------------------------------------------------- kernel build trees --
# $WORK/kernel/KVER: the headers, kbuild and i915 sources of kernel KVER
# (e.g. 6.1.0-57-amd64) at Debian version VERSION, unpacked from the
# archive's .debs.  SOURCE names them; the tree is rebuilt when they change.

# deb_depends PKG=VERSION PATTERN: the package PKG depends on whose name
# matches PATTERN (an awk regular expression)
deb_depends() {
	apt_run "$SUITE" apt-cache show "$1" | awk -v re="$2" '
		/^Depends:/ {
			n = split(substr($0, 10), d, /[,|]/)
			for (i = 1; i <= n; i++) {
				split(d[i], w, " ")
				if (w[1] ~ re) { print w[1]; exit }
			}
		}'
}

# kernel_tree KVER VERSION: make $WORK/kernel/KVER, print its path
kernel_tree() {
	local kver=$1 ver=$2 dir=$WORK/kernel/$1 common kbuild source debs=() p d want
	common=$(deb_depends "linux-headers-$kver=$ver" '^linux-headers-.*-common' || true)
	kbuild=$(deb_depends "linux-headers-$kver=$ver" '^linux-kbuild-' || true)
	if [ -z "$common" ] || [ -z "$kbuild" ]; then
		say "$kver: no linux-headers-$kver $ver in $SUITE"
		return 1
	fi
	source=linux-source-${ver%%-*}
	source=${source%.*}
	for p in "linux-headers-$kver" "$common" "$kbuild" "$source"; do
		d=$(fetch_deb "$SUITE" "$p=$ver" "$WORK/debs") || return 1
		debs+=("$d")
	done
	want=$(printf '%s\n' "${debs[@]##*/}" | tr '\n' ' ')
	if [ "$(cat "$dir/SOURCE" 2>/dev/null)" = "$want" ]; then
		echo "$dir"
		return 0
	fi
	say "$kver: unpacking headers, kbuild and i915 sources ($ver)"
	rm -rf "$dir"
	mkdir -p "$dir/root"
	for d in "${debs[@]::3}"; do dpkg-deb -x "$d" "$dir/root"; done
	# the headers' Makefile includes the -common one by its installed path
	echo "include $dir/root/usr/src/$common/Makefile" >"$dir/root/usr/src/linux-headers-$kver/Makefile"
	dpkg-deb --fsys-tarfile "${debs[3]}" |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		xz -dc | tar -x -C "$dir" --wildcards '*/drivers/gpu/drm/i915/*'
	mv "$dir"/linux-source-*/drivers/gpu/drm/i915 "$dir/i915"
	rm -rf "$dir"/linux-source-*
	echo "$want" >"$dir/SOURCE"
	echo "$dir"
}

# build_module KVER VERSION: igvt-host.ko for that kernel in
# $WORK/module/KVER; the log there says why when it fails
build_module() {
	local kver=$1 ver=$2 tree out=$WORK/module/$1
	mkdir -p "$out"
	tree=$(kernel_tree "$kver" "$ver") || { echo "no build tree for $kver" >"$out/build.log"; return 1; }
	cp -p "$SRC"/linux/igvt-host/*.[ch] "$SRC/linux/igvt-host/Kbuild" "$out/"
	say "$kver: building igvt-host.ko"
	make -C "$tree/root/usr/src/linux-headers-$kver" M="$out" I915_SRC="$tree/i915" \
		IGVT_INCLUDE="$SRC/include/standard-headers" modules >"$out/build.log" 2>&1 &&
		[ -f "$out/igvt-host.ko" ]
}

candidate_of() { # PKG -> the version apt would install
	apt_run "$SUITE" apt-cache policy "$1" | awk '$1 == "Candidate:" && $2 != "(none)" { print $2 }'
}

# The metapackage's kernel: "KVER VERSION"
kernel_of_meta() {
	local meta=linux-headers-$1 pkg ver
	ver=$(candidate_of "$meta") && [ -n "$ver" ] &&
		pkg=$(deb_depends "$meta=$ver" '^linux-headers-[0-9]') && [ -n "$pkg" ] &&
		ver=$(candidate_of "$pkg") && [ -n "$ver" ] || return 1
	echo "${pkg#linux-headers-} $ver"
}

build_client() {
	if [ ! -x "$CLIENT" ] || [ -n "$(find "$HERE/igvt-host-client.c" \
		"$SRC/tests/guest/gpu-cmds.h" "$SRC/tests/guest/verdict.h" \
		"$SRC/include/standard-headers/drm/igvt_host.h" -newer "$CLIENT")" ]; then
		say "building igvt-host-client"
		"${CC:-cc}" -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -std=gnu11 -static \
			-I"$SRC/include/standard-headers" -I"$SRC/tests/guest" \
			-o "$CLIENT" "$HERE/igvt-host-client.c" >"$WORK/client.log" 2>&1 ||
			{ rm -f "$CLIENT"; return 1; }
	fi
}

# ------------------------------------------------------------- the guest --
kit_ready() {
	[ -s "$KIT/SOURCE" ] && [ -s "$KIT/vmlinuz" ] && [ -s "$KIT/modules.load" ] &&
		[ -s "$USERLAND/SOURCE" ] && [ -x "$USERLAND/root/usr/libexec/igt-gpu-tools/benchmarks/gem_exec_nop" ]
}

# The guest harness's kit, fetched with it when there is none.  It keeps
# the kit current itself (make check runs the guest ring first); the
# module is built for whatever kernel the kit holds.
fetch_kit() {
	kit_ready && return 0
	say "no $KERNEL kit with intel-gpu-tools in $GWORK: fetching it with tests/guest/run.sh"
	env KERNELS="$KERNEL" IGT_TESTS=1 DISPLAY_TESTS=0 OFFLINE="$OFFLINE" \
		"$SRC/tests/guest/run.sh" --work "$GWORK" fetch >&2 || true
	kit_ready
}

# The kit's kernel: "KVER VERSION"
kit_kernel() {
	local deb
	deb=$(sed -n 's/^kernel=\([^ ]*\).*/\1/p' "$KIT/SOURCE")
	deb=${deb#*_}
	echo "$(cat "$KIT/KVER") ${deb%_*}"
}

# The initramfs: busybox, init, the i915 chain, intel-gpu-tools, our two
INITRD=$WORK/initrd.cpio
build_initrd() {
	local kver=$1 stage=$WORK/stage key
	key=$( (cat "$KIT/SOURCE" "$USERLAND/SOURCE" "$HERE/init.sh" "$HERE/run.sh" \
		"$SRC/tests/bench/init-lib.sh" "$WORK/module/$kver/igvt-host.ko" "$CLIENT") |
		sha256sum | cut -d' ' -f1)
	[ "$(cat "$INITRD.key" 2>/dev/null)" != "$key" ] || return 0
	rm -rf "$stage"
	mkdir -p "$stage"/{bin,dev,etc,lib/modules,proc,sys,tmp,run,root,usr/bin}
	cp "$KIT/busybox" "$stage/bin/busybox"
	cp "$HERE/init.sh" "$stage/init"
	cp "$SRC/tests/bench/init-lib.sh" "$stage/lib/init-lib.sh"
	cp "$KIT"/modules/*.ko "$WORK/module/$kver/igvt-host.ko" "$stage/lib/modules/"
	cp "$KIT/modules.load" "$stage/etc/modules.load"
	cp -a "$USERLAND/root/." "$stage/"
	cp "$CLIENT" "$stage/usr/bin/"
	chmod 755 "$stage/init" "$stage/bin/busybox"
	(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$INITRD"
	echo "$key" >"$INITRD.key"
	rm -rf "$stage"
}

boot() {
	local out=$WORK/run
	rm -rf "$out"
	mkdir -p "$out"
	firmware_args
	qemu_args "$KIT/vmlinuz" "$INITRD" "$out/trace.log"
	QARGS+=(-d guest_errors -smp 1 -display none -serial stdio -monitor none
		-append "console=ttyS0 panic=-1 loglevel=4 log_buf_len=8M${APPEND_EXTRA:+ $APPEND_EXTRA}")
	say "booting $(cat "$KIT/KVER") with igvt-host (timeout ${TIMEOUT}s, $(pick_accel))"
	run_qemu host "$out"
	tr -d '\r' <"$out/serial.log" >"$out/console.txt"
	dmesg_of "$out" >"$out/dmesg.txt"
}

# ------------------------------------------------------------- analysis --
# output_of NAME: the lines a guest program printed
output_of() {
	sed -n "/^$MARK OUTPUT-BEGIN $1\$/,/^$MARK OUTPUT-END $1 /p" "$WORK/run/console.txt" |
		sed -n 's/^| //p'
}

# client_test NAME DESCRIPTION: its PASS or FAIL line in the output of RUN
client_test() {
	local run=$1 name=$2 desc=$3 line
	line=$(output_of "$run" | grep -E "^(PASS|FAIL) $name: " | tail -1 || true)
	case $line in
	PASS*) tap OK "$desc" ;;
	FAIL*) tap FAIL "$desc" "${line#FAIL }" ;;
	*) tap FAIL "$desc" "${WHY:-no verdict from igvt-host-client (rc $(sed -n "s/^$MARK OUTPUT-END $run rc=//p" "$WORK/run/console.txt"))}" ;;
	esac
}

# result_test KEY WANT DESCRIPTION
result_test() {
	local got
	got=$(result_of "$WORK/run/console.txt" "$1")
	if [ -z "$WHY" ] && [ "$got" = "$2" ]; then
		tap OK "$3"
	else
		tap FAIL "$3" "${WHY:-$1 is ${got:-missing}, want $2}"
	fi
}

# log_test NAME: between the marks of run NAME, only the module's lines
log_test() {
	local extra
	extra=$(sed 's/^<[0-9]*>//; s/^\[ *[0-9.]*\] //' "$WORK/run/dmesg.txt" |
		sed -n "/^igvt-host-test: BEGIN $1\$/,/^igvt-host-test: END $1\$/p" |
		grep -v -e '^igvt-host' -e '^igvt_host_refuse: [0-9]* callbacks suppressed' | head -5 || true)
	if [ -n "$WHY" ]; then
		tap FAIL "$1: the kernel log holds only the module's lines" "$WHY"
	elif ! grep -q "igvt-host-test: END $1\$" "$WORK/run/dmesg.txt"; then
		tap FAIL "$1: the kernel log holds only the module's lines" "no END mark in the log"
	elif [ -n "$extra" ]; then
		tap FAIL "$1: the kernel log holds only the module's lines" "$extra"
	else
		tap OK "$1: the kernel log holds only the module's lines"
	fi
}

WARN_RE='WARNING:|BUG:|Oops|general protection|Call Trace|lockdep|circular locking|KASAN|UBSAN|refcount_t:|list_(add|del) corruption|GPU HANG|wedged|Resetting'

report() {
	local kver=$1 extra=$2 checks attacks c a n hits
	checks=$("$CLIENT" --list 2>/dev/null || true)
	attacks=$("$CLIENT" --attacks 2>/dev/null || true)
	[ -n "$checks" ] || checks=client
	[ -n "$attacks" ] || attacks=client
	n=$((3 + $(wc -w <<<"$EXTRA_KERNELS") + $(wc -w <<<"$checks") + 2 + 4 * $(wc -w <<<"$attacks") + 3))
	echo "1..$n"

	if [ -f "$WORK/module/$kver/igvt-host.ko" ]; then
		tap OK "igvt-host builds for $kver"
	else
		tap FAIL "igvt-host builds for $kver" "$(grep -m3 -E 'error|Error' "$WORK/module/$kver/build.log" 2>/dev/null || echo "see $WORK/module/$kver/build.log")"
	fi
	for c in $EXTRA_KERNELS; do
		a=$(sed -n "s/^$c //p" <<<"$extra")
		if [ -n "$a" ] && [ -f "$WORK/module/$a/igvt-host.ko" ]; then
			tap OK "igvt-host builds for $a (linux-headers-$c)"
		else
			tap FAIL "igvt-host builds for ${a:-linux-headers-$c}" "$(grep -m3 -E 'error|Error' "$WORK/module/${a:-none}/build.log" 2>/dev/null || echo "no kernel for linux-headers-$c")"
		fi
	done

	WHY=${WHY:-}
	if [ -z "$WHY" ] && ! grep -aq "$MARK DMESG-END" "$WORK/run/console.txt"; then
		WHY=$(boot_failure "$WORK/run")
	fi
	result_test insmod 0 "insmod igvt-host.ko into $kver"
	result_test node 600 "/dev/igvt-host is root's only (mode 0600)"
	for c in $checks; do
		client_test functional "$c" "functional: $c"
	done
	result_test idle-functional yes "functional: everything released afterwards"
	result_test nop-functional-rcs 0 "functional: gem_exec_nop passes afterwards"
	for a in $attacks; do
		client_test "$a" "$a" "attack $a: every call refused with its errno"
		result_test "idle-$a" yes "attack $a: everything released afterwards (counters at zero)"
		result_test "nop-$a-rcs" 0 "attack $a: gem_exec_nop passes afterwards"
		log_test "$a"
	done
	result_test rmmod 0 "rmmod igvt_host"
	if [ -z "$WHY" ] && [ "$(grep -c "^$MARK RESULT nop-final-[a-z]*=0\$" "$WORK/run/console.txt")" = 4 ]; then
		tap OK "gem_exec_nop passes on rcs, bcs, vcs and vecs after unloading"
	else
		tap FAIL "gem_exec_nop passes on rcs, bcs, vcs and vecs after unloading" \
			"${WHY:-$(grep "^$MARK RESULT nop-final-" "$WORK/run/console.txt" | tr '\n' ' ')}"
	fi
	hits=$(sed 's/^<[0-9]*>//' "$WORK/run/dmesg.txt" | grep -a -E "$WARN_RE" | head -5 || true)
	if [ -z "$WHY" ] && [ -z "$hits" ] && [ "$(result_of "$WORK/run/console.txt" wedged)" = 0 ]; then
		tap OK "no kernel warning, oops, lockdep report or GPU hang; GT not wedged"
	else
		tap FAIL "no kernel warning, oops, lockdep report or GPU hang; GT not wedged" \
			"${WHY:-i915_wedged $(result_of "$WORK/run/console.txt" wedged)}" "$hits"
	fi
	echo "# guest $(cat "$KIT/KVER"): QEMU status $(cat "$WORK/run/rc" 2>/dev/null), $(($(cat "$WORK/run/ms" 2>/dev/null || echo 0) / 1000)) s;" \
		"$(sed -n "s/^$MARK COUNTERS //p" "$WORK/run/console.txt")"
	echo "# igvt-vga guest errors: $(grep -cv igvt_mmio_untracked "$WORK/run/trace.log" 2>/dev/null || echo 0) lines ($WORK/run/trace.log)"
}

# ------------------------------------------------------------- commands --
T0=$(date +%s)
KVER=
EXTRA=
WHY=
if fetch_kit; then
	read -r KVER KVERSION <<<"$(kit_kernel)"
	suite_refresh "$SUITE"
	build_module "$KVER" "$KVERSION" || say "$KVER: igvt-host does not build (see $WORK/module/$KVER/build.log)"
	for k in $EXTRA_KERNELS; do
		if read -r x y <<<"$(kernel_of_meta "$k")" && [ -n "$x" ]; then
			EXTRA+="$k $x"$'\n'
			build_module "$x" "$y" || say "$x: igvt-host does not build (see $WORK/module/$x/build.log)"
		fi
	done
else
	WHY="no $KERNEL kernel kit with intel-gpu-tools in $GWORK (see the guest: lines above)"
	KVER=$KERNEL
fi
build_client || WHY=${WHY:-"igvt-host-client does not build: $(grep -m1 error "$WORK/client.log")"}
[ -n "$WHY" ] || [ -f "$WORK/module/$KVER/igvt-host.ko" ] || WHY="no igvt-host.ko for $KVER"
[ "$CMD" = check ] || { [ -z "$WHY" ] || die "$WHY"; exit 0; }

if [ -z "$WHY" ]; then
	[ -z "$(check_qemu)" ] || WHY=$(check_qemu)
fi
if [ -z "$WHY" ]; then
	build_initrd "$KVER"
	boot
fi
report "$KVER" "$EXTRA"
say "check-host took $(($(date +%s) - T0)) s"
echo "$T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ]

# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# What the benchmark scripts (display.sh, exec.sh) share.  Sourced after
# they set HERE (this directory) and BENCH_NAME (the prefix of their
# messages), and define usage().

SRC=$(cd "$HERE/../.." && pwd)

say() { printf '%s: %s\n' "$BENCH_NAME" "$*" >&2; }
die() { say "error: $*"; exit 2; }

# bench_args "OPTION..." ARG...: the command line.  Every OPTION (qemu,
# audit-bin, sched-bin, work, guest-work) is required, as --OPTION VALUE
# or --OPTION=VALUE, and sets QEMU_BIN, AUDIT_BIN, SCHED_BIN, WORK or
# GWORK; anything else prints usage and exits 2 (-h and --help print it
# and exit 0).
bench_args() {
	local opts=$1 o var
	shift
	QEMU_BIN='' AUDIT_BIN='' SCHED_BIN='' WORK='' GWORK=''
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help) usage; exit 0 ;;
		--*) o=${1#--}; o=${o%%=*} ;;
		*) usage >&2; exit 2 ;;
		esac
		case " $opts " in
		*" $o "*) var=$(bench_arg_var "$o") ;;
		*) usage >&2; exit 2 ;;
		esac
		case $1 in
		*=*) printf -v "$var" '%s' "${1#*=}"; shift ;;
		*) printf -v "$var" '%s' "${2:?}"; shift 2 ;;
		esac
	done
	for o in $opts; do
		var=$(bench_arg_var "$o")
		if [ -z "${!var}" ]; then
			usage >&2
			exit 2
		fi
	done
}

bench_arg_var() {
	case $1 in
	qemu) echo QEMU_BIN ;;
	audit-bin) echo AUDIT_BIN ;;
	sched-bin) echo SCHED_BIN ;;
	work) echo WORK ;;
	guest-work) echo GWORK ;;
	esac
}

# bench_setup TOOL...: check QEMU_BIN, AUDIT_BIN and SCHED_BIN (if given)
# and the host tools, make WORK and GWORK and make them absolute
bench_setup() {
	local t
	[ -x "$QEMU_BIN" ] || die "QEMU binary $QEMU_BIN is not executable"
	[ -z "$AUDIT_BIN" ] || [ -x "$AUDIT_BIN" ] || die "audit benchmark $AUDIT_BIN is not executable"
	[ -z "$SCHED_BIN" ] || [ -x "$SCHED_BIN" ] || die "scheduler qtest $SCHED_BIN is not executable"
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || die "missing host tool: $t (\`make deps\`)"
	done
	mkdir -p "$WORK" "$GWORK"
	WORK=$(cd "$WORK" && pwd)
	GWORK=$(cd "$GWORK" && pwd)
}

# bench_fetch_kit WHAT [VAR=VALUE...]: have tests/guest/run.sh fetch the
# $KERNEL kit into GWORK (VARs in its environment), saying "no $KERNEL WHAT"
bench_fetch_kit() {
	local what=$1
	shift
	say "no $KERNEL $what: fetching it with tests/guest/run.sh"
	env KERNELS="$KERNEL" "$@" "$SRC/tests/guest/run.sh" --work "$GWORK" fetch ||
		die "tests/guest/run.sh fetch failed"
}

# bench_initrd CPIO INIT FILL KEY-FILE...: the initramfs CPIO with the
# kit's static busybox, INIT as /init and init-lib.sh as /lib/init-lib.sh;
# FILL STAGE adds the rest.  It is packed again only when the key (the
# KEY-FILEs, INIT, init-lib.sh and busybox) changed.  Staged in
# WORK/tmp, which is removed when empty.
bench_initrd() {
	local cpio=$1 init=$2 fill=$3 key
	shift 3
	key=$( (cat "$@" "$init" "$HERE/init-lib.sh"; sha256sum "$KIT/busybox") | sha256sum | cut -d' ' -f1)
	if [ ! -f "$cpio" ] || [ "$(cat "$cpio.key" 2>/dev/null)" != "$key" ]; then
		bench_pack "$cpio" "$key" "$init" "$fill"
	fi
	rmdir "$WORK/tmp" 2>/dev/null || true
}

# bench_pack CPIO KEY INIT FILL: see bench_initrd
bench_pack() {
	local cpio=$1 key=$2 init=$3 fill=$4 stage
	stage=$WORK/tmp/$(basename "$cpio" .cpio)
	rm -rf "$stage"
	mkdir -p "$stage"/{bin,dev,etc,lib/modules,proc,sys,tmp}
	cp "$KIT/busybox" "$stage/bin/busybox"
	cp "$init" "$stage/init"
	cp "$HERE/init-lib.sh" "$stage/lib/init-lib.sh"
	chmod 755 "$stage/init" "$stage/bin/busybox"
	"$fill" "$stage"
	(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$cpio.tmp"
	mv "$cpio.tmp" "$cpio"
	echo "$key" >"$cpio.key"
	rm -rf "$stage"
	say "initramfs $cpio ($(($(stat -c %s "$cpio") / 1048576)) MiB)"
}

# bench_firmware: FW=(--firmware DIR) for the Python side when QEMU
# would not find SeaBIOS itself, else FW=().  QEMU run from its build
# tree finds firmware only in its qemu-bundle: point -L at the host's
# SeaBIOS when none of its data dirs has it
bench_firmware() {
	local d have_bios=
	# shellcheck disable=SC2034 # for the caller
	FW=()
	while IFS= read -r d; do
		if [ -n "$d" ] && [ -f "$d/bios-256k.bin" ]; then have_bios=1; fi
	done < <("$QEMU_BIN" -L help 2>/dev/null || true)
	if [ -z "$have_bios" ]; then
		for d in /usr/share/seabios /usr/share/qemu; do
			if [ -f "$d/bios-256k.bin" ]; then
				# shellcheck disable=SC2034 # for the caller
				FW=(--firmware "$d")
				break
			fi
		done
	fi
}

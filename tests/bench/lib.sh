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

# bench_modules: MODS=$WORK/modules holds the DRM driver chains of the
# $KERNEL kit (fetched when missing): lib/*.ko, decompressed, and
# load-igvt (i915), load-vga (bochs) and load-virtio (virtio_gpu), each
# in dependency order (modinfo depends and pre: softdeps), all from the
# same .deb as the kit's vmlinuz.  Rebuilt when that .deb changes.
bench_modules() {
	local kdeb_name f
	KIT=$GWORK/kernels/$KERNEL
	if [ ! -s "$KIT/SOURCE" ] || [ ! -s "$KIT/vmlinuz" ]; then
		bench_fetch_kit "kit in $KIT"
	fi
	[ -s "$KIT/SOURCE" ] || die "no kernel kit in $KIT"
	kdeb_name=$(sed -n 's/.*kernel=\([^ ]*\).*/\1/p' "$KIT/SOURCE")
	KDEB=
	for f in "$GWORK"/debs/*/"$kdeb_name"; do
		[ -f "$f" ] && KDEB=$f
	done
	[ -n "$KDEB" ] || die "the kernel .deb $kdeb_name named by $KIT/SOURCE is not in $GWORK/debs"
	MODS=$WORK/modules
	if [ "$(cat "$MODS/SOURCE" 2>/dev/null)" != "$kdeb_name" ]; then
		bench_build_modules "$kdeb_name"
	fi
}

# bench_visit MODULE: append MODULE's file to ORDER after what it needs
bench_visit() {
	local n=$1 p d
	[ -z "${MOD_DONE[$n]:-}" ] || return 0
	p=${MOD_PATH[$n]:-}
	[ -n "$p" ] || die "module $n is not in $(basename "$KDEB")"
	MOD_DONE[$n]=1
	for d in $(modinfo -F depends "$p" | tr ',' ' '); do
		bench_visit "${d//-/_}"
	done
	for d in $(modinfo -F softdep "$p" | sed -n 's/.*pre:\(.*\)/\1/p' | sed 's/post:.*//'); do
		d=${d//-/_}
		[ -z "${MOD_PATH[$d]:-}" ] || bench_visit "$d"
	done
	ORDER+=("$p")
}

# bench_build_modules KDEB-NAME: see bench_modules
bench_build_modules() {
	local tmp mdir p b top
	declare -gA MOD_PATH=() MOD_DONE=()
	ORDER=()
	tmp=$WORK/tmp/kernel
	rm -rf "$tmp" "$MODS.new"
	mkdir -p "$tmp" "$MODS.new/lib"
	say "unpacking $1"
	dpkg-deb -x "$KDEB" "$tmp"
	mdir=
	for p in "$tmp"/lib/modules/* "$tmp"/usr/lib/modules/*; do
		[ -d "$p" ] && mdir=$p
	done
	[ -n "$mdir" ] || die "no modules directory in $1"
	while IFS= read -r p; do
		b=${p##*/}
		b=${b%%.ko*}
		MOD_PATH[${b//-/_}]=$p
	done < <(find "$mdir" -name '*.ko' -o -name '*.ko.*')
	for top in igvt:i915 vga:bochs virtio:virtio_gpu; do
		MOD_DONE=()
		ORDER=()
		bench_visit "${top#*:}"
		: >"$MODS.new/load-${top%%:*}"
		for p in "${ORDER[@]}"; do
			b=${p##*/}
			b=${b%%.ko*}.ko
			case $p in
			*.ko.xz) xz -dc "$p" >"$MODS.new/lib/$b" ;;
			*.ko.zst) zstd -qdc "$p" >"$MODS.new/lib/$b" ;;
			*.ko.gz) gzip -dc "$p" >"$MODS.new/lib/$b" ;;
			*) cp "$p" "$MODS.new/lib/$b" ;;
			esac
			echo "$b" >>"$MODS.new/load-${top%%:*}"
		done
	done
	echo "$1" >"$MODS.new/SOURCE"
	rm -rf "$MODS" "$tmp"
	mv "$MODS.new" "$MODS"
	for top in igvt vga virtio; do
		say "$top chain: $(tr '\n' ' ' <"$MODS/load-$top")"
	done
}

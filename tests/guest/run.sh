#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Real-guest harness for igvt-vga: boots stock Debian kernels (bookworm's
# 6.1 and trixie's 6.12) on `-device igvt-vga` under TCG, from a busybox
# initramfs that loads the in-tree i915 driver, and checks that i915 takes
# the device as a GVT-g vGPU (probe boots, display off) and drives its
# display (display boots: fbcon, screendumps, modetest, hotplug; with
# display.py), and that Debian's intel-gpu-tools run on it (IGT boots:
# lsgpu, intel_gpu_top -L, intel_vbt_decode, gem_* benchmarks; igt.py).
# See tests/guest/README.md.
#
#   run.sh --qemu PATH --work DIR check   probe and display tests on every kernel
#   run.sh --qemu PATH --work DIR demo    interactive guest, display on VNC
#   run.sh [--qemu PATH] --work DIR fetch download and unpack only (cached)
#
# Everything downloaded or built lives under --work; the host's apt setup is
# never touched (each Debian suite gets a private apt root there).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ------------------------------------------------------------------ knobs --
TIMEOUT=${TIMEOUT:-300}                 # seconds per boot
KERNELS=${KERNELS:-"6.1 6.12"}          # kernels `check` and `fetch` use
KERNEL=${KERNEL:-6.12}                  # kernel `demo` boots
VNC=${VNC:-:0}                          # demo VNC display
DISPLAY_OFF=${DISPLAY_OFF:-0}           # demo: 1 adds i915.disable_display=1
DISPLAY_TESTS=${DISPLAY_TESTS:-1}       # check: 0 skips the display boots
IGT_TESTS=${IGT_TESTS:-1}               # check: 0 skips the IGT boots
IGT_WAIT=${IGT_WAIT:-60}                # guest seconds each IGT program may take
IGT_DRM_DEBUG=${IGT_DRM_DEBUG:-0x0e}    # drm.debug for the IGT boots
DISPLAY_RES=${DISPLAY_RES:-"1024x768 1280x720"} # display boot resolution per kernel
SETMODE=${SETMODE:-800x600}             # the mode modetest -s sets
FLIP_SECS=${FLIP_SECS:-4}               # guest seconds of modetest's flip loop
HOTPLUG_RES=${HOTPLUG_RES-960x640}      # igvt-set-monitor target (fits in every DISPLAY_RES); empty: none
DRM_DEBUG=${DRM_DEBUG:-0x1e}            # drm.debug for check
ACCEL=${ACCEL:-auto}                    # auto | tcg | kvm
MEM=${MEM:-1G}
RAM=${RAM:-memfd}                       # guest RAM: memfd (shared) or anon
JOBS=${JOBS:-2}                         # check: boots run in parallel
OFFLINE=${OFFLINE:-0}                   # 1: never contact the archive
VERBOSE=${VERBOSE:-0}                   # 1: copy guest consoles to stderr
MAXLINES=${MAXLINES:-200}               # cap on problem lines per kernel
QEMU_DEVICE=${QEMU_DEVICE-igvt-vga,addr=02.0}   # empty: boot without it
QEMU_EXTRA=${QEMU_EXTRA:-}              # extra QEMU arguments (word list)
APPEND_EXTRA=${APPEND_EXTRA:-}          # extra kernel arguments
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}
KEYRING=${KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
FIRMWARE_DIRS=${FIRMWARE_DIRS:-"/usr/share/seabios /usr/share/qemu /usr/lib/ipxe/qemu"}

IGD=0000:00:02.0
MARK='IGVT-GUEST:'

say() { printf 'guest: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 2; }
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$HERE/lib.sh"

usage() {
	cat <<-EOF
	usage: $0 --qemu PATH --work DIR {check|demo|fetch}
	  check  boot every kernel in KERNELS (default "6.1 6.12") on igvt-vga twice:
	         the i915 probe with the display off, then the display (fbcon,
	         screendumps, modetest, hotplug), then intel-gpu-tools (IGT
	         boots); prints test lines and "N passed, N failed"
	  demo   boot KERNEL (default 6.12) with the display on VNC $VNC
	  fetch  download and unpack kernels and programs, build igvt-gem-verify
	knobs (environment): TIMEOUT KERNELS KERNEL VNC DISPLAY_OFF DRM_DEBUG ACCEL
	  MEM JOBS OFFLINE VERBOSE MAXLINES QEMU_DEVICE QEMU_EXTRA APPEND_EXTRA MIRROR
	  SECURITY_MIRROR KEYRING FIRMWARE_DIRS DISPLAY_TESTS DISPLAY_RES SETMODE
	  FLIP_SECS HOTPLUG_RES IGT_TESTS IGT_WAIT IGT_DRM_DEBUG -- see tests/guest/README.md
	EOF
}

QEMU_BIN=
WORK=
CMD=
while [ $# -gt 0 ]; do
	case $1 in
	--qemu) [ $# -ge 2 ] || { usage >&2; exit 2; }; QEMU_BIN=$2; shift 2 ;;
	--qemu=*) QEMU_BIN=${1#*=}; shift ;;
	--work) [ $# -ge 2 ] || { usage >&2; exit 2; }; WORK=$2; shift 2 ;;
	--work=*) WORK=${1#*=}; shift ;;
	-h | --help) usage; exit 0 ;;
	check | demo | fetch) CMD=$1; shift ;;
	*) say "unknown argument: $1"; usage >&2; exit 2 ;;
	esac
done
[ -n "$CMD" ] || { usage >&2; exit 2; }
[ -n "$WORK" ] || die "--work DIR is required"
if [ "$CMD" != fetch ]; then
	[ -n "$QEMU_BIN" ] || die "--qemu PATH is required for $CMD"
fi
case $TIMEOUT in '' | *[!0-9]*) die "TIMEOUT must be a number of seconds" ;; esac
case $JOBS in '' | *[!0-9]* | 0) JOBS=1 ;; esac
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

# Kernel tag -> Debian suite that provides it through linux-image-amd64.
suite_of() {
	case $1 in
	6.1) echo bookworm ;;
	6.12) echo trixie ;;
	*) return 1 ;;
	esac
}

need_tools() {
	local t missing=()
	for t in apt-get apt-cache dpkg-deb modinfo cpio xz zstd gzip timeout \
		awk sed sort sha256sum stat od python3; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t")
	done
	[ ${#missing[@]} -eq 0 ] ||
		die "missing host tools: ${missing[*]} (\`make deps\` installs them)"
	[ -r "$KEYRING" ] || die "no Debian archive keyring at $KEYRING (package debian-archive-keyring)"
}

kernel_pkg_of() { # SUITE -> linux-image-X package the metapackage points at
	local suite=$1 cand
	cand=$(apt_run "$suite" apt-cache policy linux-image-amd64 |
		awk '$1 == "Candidate:" { print $2 }')
	[ -n "$cand" ] && [ "$cand" != "(none)" ] || return 1
	apt_run "$suite" apt-cache show "linux-image-amd64=$cand" | awk '
		/^Depends:/ && pkg == "" {
			sub(/^Depends: */, "")
			n = split($0, alt, /[,|]/)
			for (i = 1; i <= n && pkg == ""; i++) {
				split(alt[i], w, " ")
				if (w[1] ~ /^linux-image-[0-9]/) pkg = w[1]
			}
		}
		END { if (pkg == "") exit 1; print pkg }'
}

# Keep only the current kernel image and busybox .debs of a suite.
prune_debs() {
	local dir=$1 keep1=$2 keep2=$3 f
	for f in "$dir"/linux-image-*.deb "$dir"/busybox-static_*.deb; do
		[ -e "$f" ] || continue
		[ "$f" = "$keep1" ] || [ "$f" = "$keep2" ] || { say "removing superseded ${f##*/}"; rm -f "$f"; }
	done
}

# ----------------------------------------------------------- kernel kit --
# $WORK/kernels/TAG holds what a boot needs from the two .debs: vmlinuz,
# the i915 module chain (decompressed), its load order and busybox.  SOURCE
# names the .debs it came from; the kit is rebuilt when they change.

declare -A MOD_PATH=() MOD_STATE=()
MOD_ORDER=()

mod_name() { # path or name -> canonical module name
	local n=${1##*/}
	n=${n%%.ko*}
	echo "${n//-/_}"
}

mod_visit() { # depth-first: dependencies (and pre-softdeps) before the module
	local n=$1 p deps soft d
	case ${MOD_STATE[$n]:-} in
	done) return 0 ;;
	active) die "module dependency cycle at $n" ;;
	esac
	p=${MOD_PATH[$n]:-}
	[ -n "$p" ] || die "module $n not found in the kernel package"
	MOD_STATE[$n]=active
	deps=$(modinfo -F depends "$p")
	for d in ${deps//,/ }; do
		mod_visit "$(mod_name "$d")"
	done
	soft=$(modinfo -F softdep "$p" | sed -n 's/.*pre:\(.*\)/\1/p' | sed 's/post:.*//')
	for d in $soft; do
		d=$(mod_name "$d")
		if [ -n "${MOD_PATH[$d]:-}" ]; then mod_visit "$d"; fi
	done
	MOD_STATE[$n]="done"
	MOD_ORDER+=("$p")
}

unpack_module() { # SRC DST: store uncompressed
	case $1 in
	*.ko.xz) xz -dc "$1" >"$2" ;;
	*.ko.zst) zstd -qdc "$1" >"$2" ;;
	*.ko.gz) gzip -dc "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

build_kit() { # TAG KERNEL_DEB BUSYBOX_DEB
	local tag=$1 kdeb=$2 bdeb=$3 kit tmp new vmlinuz kver mdir p b bb
	kit=$WORK/kernels/$tag
	tmp=$WORK/tmp/unpack-$tag
	new=$kit.new
	say "$tag: unpacking ${kdeb##*/}"
	rm -rf "$tmp" "$new"
	mkdir -p "$tmp/kernel" "$tmp/busybox" "$new/modules"
	dpkg-deb -x "$kdeb" "$tmp/kernel"
	vmlinuz=$(find "$tmp/kernel/boot" -maxdepth 1 -name 'vmlinuz-*' | head -1)
	[ -n "$vmlinuz" ] || die "$tag: no boot/vmlinuz-* in ${kdeb##*/}"
	kver=${vmlinuz##*/vmlinuz-}
	for mdir in "$tmp/kernel/lib/modules/$kver" "$tmp/kernel/usr/lib/modules/$kver" ""; do
		[ -z "$mdir" ] || [ ! -d "$mdir" ] || break
	done
	[ -n "$mdir" ] || die "$tag: no modules directory for $kver"
	MOD_PATH=() MOD_STATE=() MOD_ORDER=()
	while IFS= read -r p; do
		b=${p##*/}
		b=${b%%.ko*}
		MOD_PATH[${b//-/_}]=$p
	done < <(find "$mdir" -name '*.ko' -o -name '*.ko.*')
	mod_visit i915
	: >"$new/modules.load"
	for p in "${MOD_ORDER[@]}"; do
		b=${p##*/}
		b=${b%%.ko*}.ko
		unpack_module "$p" "$new/modules/$b"
		echo "$b" >>"$new/modules.load"
	done
	# The checks below grep for these i915 messages: make sure this i915 has them.
	for p in 'Virtual GPU for Intel GVT-g detected' 'VGT ballooning configuration' \
		'VGT balloon successfully'; do
		grep -qaF "$p" "$new/modules/i915.ko" ||
			say "$tag: warning: i915.ko lacks the message \"$p\"; the checks may need updating"
	done
	cp "$vmlinuz" "$new/vmlinuz"
	cp "$tmp/kernel/boot/config-$kver" "$new/config" 2>/dev/null || true
	dpkg-deb -x "$bdeb" "$tmp/busybox"
	for bb in "$tmp/busybox/bin/busybox" "$tmp/busybox/usr/bin/busybox" ""; do
		[ -z "$bb" ] || [ ! -f "$bb" ] || break
	done
	[ -n "$bb" ] || die "$tag: no busybox binary in ${bdeb##*/}"
	cp "$bb" "$new/busybox"
	echo "$kver" >"$new/KVER"
	printf 'kernel=%s busybox=%s\n' "${kdeb##*/}" "${bdeb##*/}" >"$new/SOURCE"
	rm -rf "$kit" "$tmp"
	mv "$new" "$kit"
	say "$tag: kernel $kver, i915 chain: $(tr '\n' ' ' <"$kit/modules.load")"
}

kit_ok() { [ -s "$WORK/kernels/$1/SOURCE" ] && [ -s "$WORK/kernels/$1/vmlinuz" ]; }

# prepare_kernel TAG: resolve through the metapackage, download what changed,
# refresh the kit; fall back to the cached kit when the archive is out of
# reach.  Returns non-zero when no usable kernel exists.
prepare_kernel() {
	local tag=$1 suite kit kpkg kdeb bdeb want
	suite=$(suite_of "$tag") || { say "unknown kernel '$tag' (known: 6.1 6.12)"; return 1; }
	kit=$WORK/kernels/$tag
	suite_refresh "$suite"
	if [ "${SUITE_STATE[$suite]}" = fresh ]; then
		if kpkg=$(kernel_pkg_of "$suite") &&
			kdeb=$(fetch_deb "$suite" "$kpkg") &&
			bdeb=$(fetch_deb "$suite" busybox-static); then
			want=$(printf 'kernel=%s busybox=%s' "${kdeb##*/}" "${bdeb##*/}")
			if kit_ok "$tag" && [ "$(cat "$kit/SOURCE")" = "$want" ]; then
				say "$tag: $kpkg unchanged (${kdeb##*/}), using the cached kit"
			else
				build_kit "$tag" "$kdeb" "$bdeb"
			fi
			prune_debs "$WORK/debs/$suite" "$kdeb" "$bdeb"
			return 0
		fi
		say "$tag: could not get the current kernel from $suite"
	fi
	if kit_ok "$tag"; then
		say "$tag: using the cached kernel $(cat "$kit/KVER") ($(cat "$kit/SOURCE"))"
		return 0
	fi
	say "$tag: no kernel available (archive unreachable and nothing cached in $kit)"
	return 1
}

# -------------------------------------------------------------- userland --
# The display boots also run libdrm's modetest (package libdrm-tests), from
# the same suite as the kernel.  $WORK/userland/TAG/root holds modetest, the
# dynamic loader and the shared libraries modetest loads, as the sysroot's
# own ld.so resolves them (no host ldd, nothing from the host).  SOURCE
# names the .debs; the tree is rebuilt when they change.

# The IGT boots run Debian's intel-gpu-tools the same way (its tools and
# benchmarks; Debian ships no IGT tests), each kernel with its own suite's
# build: $WORK/userland/TAG-igt/root.  Variant "display" is modetest,
# variant "igt" is intel-gpu-tools.
USER_PKGS="libdrm-tests"
USER_BINS="usr/bin/modetest"
IGT_PKGS="intel-gpu-tools"
IGT_BENCH=usr/libexec/igt-gpu-tools/benchmarks
IGT_BINS="usr/bin/lsgpu usr/bin/intel_gpu_top usr/bin/intel_vbt_decode
	$IGT_BENCH/gem_exec_nop $IGT_BENCH/gem_exec_ctx $IGT_BENCH/gem_create $IGT_BENCH/gem_blt"

pkgs_of() { if [ "$1" = igt ]; then echo "$IGT_PKGS"; else echo "$USER_PKGS"; fi; }
# shellcheck disable=SC2086 # IGT_BINS is a word list (spans lines)
bins_of() { if [ "$1" = igt ]; then echo $IGT_BINS; else echo "$USER_BINS"; fi; }
userland_dir() { if [ "$2" = igt ]; then echo "$WORK/userland/$1-igt"; else echo "$WORK/userland/$1"; fi; }
userdebs_dir() { if [ "$2" = igt ]; then echo "$WORK/debs/$1/igt"; else echo "$WORK/debs/$1/user"; fi; }

user_closure() { # SUITE VARIANT: its packages and what they depend on, recursively
	# igt: only the libraries (intel-gpu-tools also depends on fonts,
	# python3, debconf...; none of them is loaded), never elogind's
	# alternative to libsystemd0
	# shellcheck disable=SC2046 # a word list
	apt_run "$1" apt-cache depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances $(pkgs_of "$2") |
		awk -v igt="$([ "$2" = igt ] && echo 1)" -v top="$(pkgs_of "$2")" '
		/^[a-z0-9]/ {
			p = $1
			if (igt && p != top && (p !~ /^lib|^zlib1g$/ || p ~ /^libelogind|^libpython/)) next
			print p
		}' | LC_ALL=C sort -u
}

# sys_resolve ROOT PATH: follow symbolic links inside the unpacked tree ROOT
# (absolute link targets are taken relative to ROOT, as in the guest).
sys_resolve() {
	local root=$1 p=$2 t n=0
	while [ -L "$p" ]; do
		[ "$n" -lt 40 ] || return 1
		n=$((n + 1))
		t=$(readlink "$p")
		case $t in
		/*) p=$root$t ;;
		*) p=${p%/*}/$t ;;
		esac
	done
	[ -f "$p" ] || return 1
	echo "$p"
}

build_userland() { # TAG VARIANT DEB...
	local tag=$1 variant=$2 kit tmp new ld p bin line name path src libdirs bins
	shift 2
	kit=$(userland_dir "$tag" "$variant")
	bins=$(bins_of "$variant")
	tmp=$WORK/tmp/user-$tag-$variant
	new=$kit.new
	say "$tag: unpacking $# packages for the $variant boot"
	rm -rf "$tmp" "$new"
	mkdir -p "$tmp" "$new/root/lib64" "$new/root/lib/x86_64-linux-gnu" "$new/root/usr/bin"
	for p in "$@"; do dpkg-deb -x "$p" "$tmp"; done
	ld=
	for p in lib64 usr/lib64 lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu; do
		if [ -z "$ld" ] && [ -e "$tmp/$p/ld-linux-x86-64.so.2" ]; then
			ld=$(sys_resolve "$tmp" "$tmp/$p/ld-linux-x86-64.so.2") || ld=
		fi
	done
	[ -n "$ld" ] || die "$tag: no ld-linux-x86-64.so.2 in the userland packages"
	cp "$ld" "$new/root/lib64/ld-linux-x86-64.so.2"
	libdirs=$tmp/lib/x86_64-linux-gnu:$tmp/usr/lib/x86_64-linux-gnu
	for bin in $bins; do
		src=$(sys_resolve "$tmp" "$tmp/$bin") || die "$tag: no $bin in the userland packages"
		mkdir -p "$new/root/${bin%/*}"
		cp "$src" "$new/root/$bin"
		chmod 755 "$new/root/$bin"
		# the sysroot's loader lists what the binary loads; a library it
		# finds outside the sysroot (or not at all) is an error
		"$ld" --inhibit-cache --library-path "$libdirs" --list "$src" >"$tmp/list" 2>&1 ||
			die "$tag: $ld --list $bin failed: $(head -3 "$tmp/list")"
		while IFS= read -r line; do
			case $line in *'=>'*) ;; *) continue ;; esac
			read -r name _ path _ <<<"$line"
			case $path in
			"$tmp"/*) ;;
			*) die "$tag: $bin needs $name, found ${path:-nowhere} (not in the userland packages)" ;;
			esac
			[ "$name" != ld-linux-x86-64.so.2 ] || continue
			case $name in /*) continue ;; esac
			src=$(sys_resolve "$tmp" "$path") || die "$tag: cannot resolve $path"
			cp "$src" "$new/root/lib/x86_64-linux-gnu/$name"
		done <"$tmp/list"
		if grep -q 'not found' "$tmp/list"; then
			die "$tag: $bin: $(grep 'not found' "$tmp/list" | head -1)"
		fi
	done
	printf '%s\n' "${@##*/}" | LC_ALL=C sort | tr '\n' ' ' >"$new/SOURCE"
	rm -rf "$kit" "$tmp"
	mv "$new" "$kit"
	say "$tag: $variant userland: $(for p in $bins; do printf '%s ' "${p##*/}"; done)with $(find "$kit/root/lib/x86_64-linux-gnu" -type f | wc -l) libraries, $(du -sm "$kit/root" | cut -f1) MiB"
}

userland_ok() { # TAG VARIANT
	local kit
	kit=$(userland_dir "$1" "$2")
	[ -s "$kit/SOURCE" ] && [ -d "$kit/root" ]
}

prepare_userland() { # TAG VARIANT: like prepare_kernel, for the programs of a boot
	local tag=$1 variant=$2 suite kit pkgs pkg d want dir f keep
	local debs=()
	suite=$(suite_of "$tag") || return 1
	kit=$(userland_dir "$tag" "$variant")
	dir=$(userdebs_dir "$suite" "$variant")
	suite_refresh "$suite"
	if [ "${SUITE_STATE[$suite]}" = fresh ]; then
		if pkgs=$(user_closure "$suite" "$variant") && [ -n "$pkgs" ]; then
			for pkg in $pkgs; do
				d=$(fetch_deb "$suite" "$pkg" "$dir") || { debs=(); break; }
				debs+=("$d")
			done
		fi
		if [ ${#debs[@]} -gt 0 ]; then
			want=$(printf '%s\n' "${debs[@]##*/}" | LC_ALL=C sort | tr '\n' ' ')
			if userland_ok "$tag" "$variant" && [ "$(cat "$kit/SOURCE")" = "$want" ]; then
				say "$tag: $variant userland unchanged ($(pkgs_of "$variant")), using the cached tree"
			else
				build_userland "$tag" "$variant" "${debs[@]}"
			fi
			for f in "$dir"/*.deb; do
				[ -e "$f" ] || continue
				keep=
				for d in "${debs[@]}"; do [ "$d" != "$f" ] || keep=1; done
				[ -n "$keep" ] || { say "removing superseded ${f##*/}"; rm -f "$f"; }
			done
			return 0
		fi
		say "$tag: could not get $(pkgs_of "$variant") from $suite"
	fi
	if userland_ok "$tag" "$variant"; then
		say "$tag: using the cached $variant userland ($(wc -w <"$kit/SOURCE") packages)"
		return 0
	fi
	say "$tag: no userland for the $variant tests (archive unreachable and nothing cached in $kit)"
	return 1
}

# ------------------------------------------------------- igvt-gem-verify --
# Our own guest program, igvt-gem-verify.c: stores and blits through the
# i915 uAPI, every byte checked.  Built here with the host's cc against
# Debian's libdrm (libdrm-dev), linked to libdrm.so.2, which the IGT
# userland trees already hold; rebuilt when the source is newer.  The IGT
# initramfs carries it as /usr/bin/igvt-gem-verify.  GEMV_CHECKS: the
# names of its checks (its --list), each one test per IGT boot; GEMV_WHY:
# why there is no binary (then one failing test per IGT boot says so).
GEMV_SRC=$HERE/igvt-gem-verify.c
GEMV_BIN=
GEMV_CHECKS=
GEMV_WHY=

build_gem_verify() {
	local bin=$WORK/tools/igvt-gem-verify log=$WORK/tools/build.log cflags libs err rc
	mkdir -p "$WORK/tools"
	if [ ! -x "$bin" ] || [ "$GEMV_SRC" -nt "$bin" ]; then
		if ! command -v "${CC:-cc}" >/dev/null 2>&1; then
			GEMV_WHY="igvt-gem-verify not built: no C compiler (${CC:-cc})"
		elif ! cflags=$(pkg-config --cflags libdrm 2>/dev/null) ||
			! libs=$(pkg-config --libs libdrm 2>/dev/null) ||
			[ ! -e /usr/include/libdrm/i915_drm.h ]; then
			GEMV_WHY="igvt-gem-verify not built: no libdrm-dev (\`make deps\` installs it)"
		else
			say "building igvt-gem-verify"
			rc=0
			# shellcheck disable=SC2086 # pkg-config's word lists
			"${CC:-cc}" -O2 -g -Wall -Wextra -Werror -std=gnu11 $cflags \
				-o "$bin.tmp" "$GEMV_SRC" $libs >"$log" 2>&1 || rc=$?
			if [ "$rc" -ne 0 ]; then
				err=$(grep -m1 -E 'error|undefined' "$log" || head -1 "$log")
				GEMV_WHY="igvt-gem-verify does not build with ${CC:-cc}: ${err:-exit status $rc} (see $log)"
			else
				mv "$bin.tmp" "$bin"
			fi
		fi
		rm -f "$bin.tmp"
		if [ -n "$GEMV_WHY" ]; then
			say "$GEMV_WHY"
			rm -f "$bin"
			return 1
		fi
	fi
	GEMV_CHECKS=$("$bin" --list | tr '\n' ' ')
	GEMV_CHECKS=${GEMV_CHECKS% }
	if [ -z "$GEMV_CHECKS" ]; then
		GEMV_WHY="igvt-gem-verify --list names no check"
		return 1
	fi
	GEMV_BIN=$bin
}

# gemv_libs_ok ROOT: the userland tree's own loader finds every library
# igvt-gem-verify needs inside ROOT, at the symbol versions it needs
gemv_libs_ok() {
	local root=$1 list
	list=$("$root/lib64/ld-linux-x86-64.so.2" --inhibit-cache \
		--library-path "$root/lib/x86_64-linux-gnu" --list "$GEMV_BIN" 2>&1) || {
		say "warning: igvt-gem-verify cannot run in ${root%/root}: $(head -1 <<<"$list")"
		return 1
	}
	if grep -v -e "=> $root/" -e '^[[:space:]]*linux-vdso' -e '^[[:space:]]*/lib64/ld-linux' \
		<<<"$list" | grep -q .; then
		say "warning: igvt-gem-verify needs libraries the tree ${root%/root} lacks:" \
			"$(grep -v -e "=> $root/" <<<"$list" | tr -s ' \t\n' ' ')"
		return 1
	fi
}

# ------------------------------------------------------------- initramfs --
# TAG.cpio: busybox, the i915 chain and init.sh.  TAG-display.cpio: the
# same plus the userland tree (modetest and its libraries).  TAG-igt.cpio:
# the same plus the intel-gpu-tools tree and igvt-gem-verify.
initrd_of() { echo "$WORK/initrd/$1${2:+-$2}.cpio"; }

build_initrd() { # TAG [display|igt]: uncompressed newc cpio; rebuilt when its inputs change
	local tag=$1 variant=${2:-} kit out key stage
	kit=$WORK/kernels/$tag
	out=$(initrd_of "$tag" "$variant")
	key=$(cat "$kit/SOURCE" "$kit/modules.load" "$HERE/init.sh" | sha256sum | cut -d' ' -f1)
	if [ -n "$variant" ]; then
		key=$key-$( (cat "$(userland_dir "$tag" "$variant")/SOURCE"; cd "$(userland_dir "$tag" "$variant")/root" && find . | LC_ALL=C sort) |
			sha256sum | cut -d' ' -f1)
	fi
	if [ "$variant" = igt ] && [ -n "$GEMV_BIN" ]; then
		key=$key-gemv-$(sha256sum <"$GEMV_BIN" | cut -d' ' -f1)
	fi
	if [ -f "$out" ] && [ "$(cat "$out.key" 2>/dev/null)" = "$key" ]; then
		return 0
	fi
	stage=$WORK/tmp/initrd-$tag${variant:+-$variant}
	rm -rf "$stage"
	mkdir -p "$stage"/{bin,dev,etc,lib/modules,proc,sys,tmp,run,root} "${out%/*}"
	cp "$kit/busybox" "$stage/bin/busybox"
	cp "$HERE/init.sh" "$stage/init"
	chmod 755 "$stage/init" "$stage/bin/busybox"
	cp "$kit"/modules/*.ko "$stage/lib/modules/"
	cp "$kit/modules.load" "$stage/etc/modules.load"
	[ -z "$variant" ] || cp -a "$(userland_dir "$tag" "$variant")/root/." "$stage/"
	if [ "$variant" = igt ] && [ -n "$GEMV_BIN" ]; then
		# in the initramfs even if the check fails: the guest's loader
		# then says what is missing in the test's output
		gemv_libs_ok "$(userland_dir "$tag" "$variant")/root" || true
		mkdir -p "$stage/usr/bin"
		cp "$GEMV_BIN" "$stage/usr/bin/igvt-gem-verify"
		chmod 755 "$stage/usr/bin/igvt-gem-verify"
	fi
	(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out.tmp"
	mv "$out.tmp" "$out"
	echo "$key" >"$out.key"
	rm -rf "$stage"
	say "$tag: initramfs $out ($(($(stat -c %s "$out") / 1048576)) MiB)"
}

# prepare_all TAGS...: prints "TAG" for each kernel whose probe boot is
# ready and "TAG:display" when its display boot is ready too (DISPLAY=1).
prepare_all() {
	local tag rc
	# one preparer at a time per work dir (a demo may run beside a check)
	exec 9>"$WORK/.lock"
	if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
		say "waiting for another run.sh to finish preparing $WORK"
		flock -w 900 9 || die "could not lock $WORK/.lock"
	fi
	for tag in "$@"; do
		# a subshell per kernel, so that a fatal error in one (die) spares
		# the other; errexit stays in force inside (it would not in an `if`)
		set +e
		(
			set -e
			prepare_kernel "$tag"
			build_initrd "$tag"
			echo "$tag"
			# each userland in a subshell of its own: without it the
			# probe boot still runs
			if [ "$DISPLAY_TESTS" = 1 ]; then
				set +e
				(
					set -e
					prepare_userland "$tag" display
					build_initrd "$tag" display
				)
				rc=$?
				set -e
				[ "$rc" -ne 0 ] || echo "$tag:display"
			fi
			[ "$IGT_TESTS" = 1 ] || exit 0
			set +e
			(
				set -e
				prepare_userland "$tag" igt
				build_initrd "$tag" igt
			)
			rc=$?
			set -e
			[ "$rc" -ne 0 ] || echo "$tag:igt"
		)
		set -e
	done
	exec 9>&-
	return 0
}

# qemu_base_args TAG TRACEFILE [INITRD-VARIANT [DEVICE-PROPERTIES]]: fills QARGS
qemu_base_args() {
	qemu_args "$WORK/kernels/$1/vmlinuz" "$(initrd_of "$1" "${3:-}")" "$2" "${4:-}"
}

boot_check() { # TAG OUTDIR: one check boot; leaves serial.log qemu.err trace.log rc secs
	local tag=$1 out=$2 append
	rm -rf "$out"
	mkdir -p "$out"
	qemu_base_args "$tag" "$out/trace.log"
	append="console=ttyS0 panic=-1 i915.disable_display=1 drm.debug=$DRM_DEBUG loglevel=7"
	append+=" log_buf_len=8M igvt.mode=check igvt.wait=$((TIMEOUT > 90 ? TIMEOUT - 60 : TIMEOUT * 2 / 3))"
	[ -z "$APPEND_EXTRA" ] || append+=" $APPEND_EXTRA"
	QARGS+=(-smp 1 -display none -serial stdio -monitor none -append "$append")
	run_qemu "$tag" "$out"
}

# The display boot's resolution: DISPLAY_RES gives one per kernel, in the
# order of KERNELS (cycled).  Prints "WxH HOTPLUG-WxH".
display_res_of() { # TAG
	local i=0 t
	# shellcheck disable=SC2206 # word lists
	local rlist=($DISPLAY_RES) tags=($KERNELS)
	for t in "${tags[@]}"; do
		[ "$t" = "$1" ] && break
		i=$((i + 1))
	done
	echo "${rlist[$((i % ${#rlist[@]}))]} $HOTPLUG_RES"
}

# boot_display TAG OUTDIR WxH HOTPLUG-WxH: one display boot, driven by
# display.py (it answers the guest's requests for screendumps and monitor
# changes over the serial line and QMP).  Leaves serial.log qemu.err
# trace.log shots/ rc ms token.
boot_display() {
	local tag=$1 out=$2 res=$3 hp=$4 append token sock
	rm -rf "$out"
	mkdir -p "$out/shots"
	token=$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
	echo "$token" >"$out/token"
	sock=$out/qmp.sock
	if [ ${#sock} -gt 100 ]; then
		sock=$(mktemp -u /tmp/igvt-qmp.XXXXXX)
	fi
	qemu_base_args "$tag" "$out/trace.log" display "xres=${res%x*},yres=${res#*x}"
	QARGS+=(-d guest_errors)
	append="console=tty0 console=ttyS0 panic=-1 loglevel=4 drm.debug=$DRM_DEBUG log_buf_len=8M"
	append+=" fbcon=font:VGA8x16 vt.global_cursor_default=0 consoleblank=0"
	append+=" igvt.mode=display igvt.wait=$((TIMEOUT > 90 ? TIMEOUT - 60 : TIMEOUT * 2 / 3))"
	append+=" igvt.token=$token igvt.setmode=$SETMODE igvt.flip=$FLIP_SECS"
	[ -z "$hp" ] || append+=" igvt.hotplug=$hp"
	[ -z "$APPEND_EXTRA" ] || append+=" $APPEND_EXTRA"
	drive_boot "$tag display" "$out" "$sock" "$append"
}

# drive_boot LABEL OUTDIR SOCK APPEND: boot QARGS with kernel arguments
# APPEND under display.py's driver (QMP on SOCK, screendumps and QMP
# answers in OUTDIR/shots), within TIMEOUT.  Leaves cmdline serial.log
# qemu.err rc ms in OUTDIR; VERBOSE=1 copies the console, prefixed with
# [LABEL], to stderr.
drive_boot() {
	local label=$1 out=$2 sock=$3 append=$4 t0 t1 rc=0 tpid
	QARGS+=(-smp 1 -display none -serial stdio -monitor none
		-qmp "unix:$sock,server=on,wait=off" -append "$append")
	printf '%q ' "$QEMU_BIN" "${QARGS[@]}" >"$out/cmdline"
	echo >>"$out/cmdline"
	t0=$(date +%s%N)
	timeout -k 10 "$TIMEOUT" python3 "$HERE/display.py" drive --qmp "$sock" \
		--serial-log "$out/serial.log" --shots "$out/shots" --qemu-err "$out/qemu.err" \
		-- "$QEMU_BIN" "${QARGS[@]}" </dev/null &
	tpid=$!
	echo "$tpid" >"$out/timeout.pid"
	if [ "$VERBOSE" = 1 ]; then
		tail -n +1 -F --pid="$tpid" "$out/serial.log" 2>/dev/null | sed -u "s/^/[$label] /" >&2 &
	fi
	wait "$tpid" || rc=$?
	rm -f "$out/timeout.pid" "$sock"
	t1=$(date +%s%N)
	echo "$rc" >"$out/rc"
	echo $(((t1 - t0) / 1000000)) >"$out/ms"
	return 0
}

# boot_igt TAG OUTDIR: one IGT boot (display on, default resolution),
# driven by display.py like a display boot: the guest runs intel-gpu-tools
# and asks for query-igvt-engines.  Leaves serial.log qemu.err trace.log
# shots/ (engines-*.json, qmp.log) rc ms.
boot_igt() {
	local tag=$1 out=$2 append sock
	rm -rf "$out"
	mkdir -p "$out/shots"
	sock=$out/qmp.sock
	if [ ${#sock} -gt 100 ]; then
		sock=$(mktemp -u /tmp/igvt-qmp.XXXXXX)
	fi
	qemu_base_args "$tag" "$out/trace.log" igt
	QARGS+=(-d guest_errors)
	append="console=ttyS0 panic=-1 loglevel=4 drm.debug=$IGT_DRM_DEBUG log_buf_len=8M"
	append+=" igvt.mode=igt igvt.wait=$((TIMEOUT > 90 ? TIMEOUT - 60 : TIMEOUT * 2 / 3)) igvt.igtwait=$IGT_WAIT"
	[ -z "$APPEND_EXTRA" ] || append+=" $APPEND_EXTRA"
	drive_boot "$tag igt" "$out" "$sock" "$append"
}

# ------------------------------------------------------------- analysis --
# Untracked MMIO accesses from the QEMU trace log: offset, reads, writes.
untracked_table() {
	awk '
	/igvt_mmio_untracked_(read|write)/ {
		s = $0; sub(/.*igvt_mmio_untracked_/, "", s)
		n = split(s, f, /[ \t]+/)
		kind = f[1]; off = ""; size = ""; val = ""
		for (i = 2; i < n; i++) {
			if (f[i] == "offset") off = f[i + 1]
			else if (f[i] == "size") size = f[i + 1]
			else if (f[i] == "value") val = f[i + 1]
		}
		if (off == "") next
		off = tolower(off); sub(/^0x/, "", off)
		while (length(off) < 6) off = "0" off
		seen[off] = 1
		if (kind == "read") rd[off]++
		else { wr[off]++; if (val != "") last[off] = val }
		if (size != "" && index(" " sizes[off] " ", " " size " ") == 0)
			sizes[off] = (sizes[off] == "" ? size : sizes[off] " " size)
	}
	END {
		for (o in seen)
			printf "0x%s  reads %6d  writes %6d  size %s%s\n", o, rd[o] + 0, wr[o] + 0,
				sizes[o], (o in last ? "  last-write " last[o] : "")
	}' "$@" | LC_ALL=C sort
}

report_kernel() { # TAG OUTDIR: the four test lines of one kernel
	local tag=$1 out=$2 why bound card0 log pci
	log=$out/console.txt
	if [ -n "${NOT_READY[$tag]:-}" ]; then
		why=${NOT_READY[$tag]}
		tap FAIL "$tag: i915 bound to $IGD" "$why"
		tap FAIL "$tag: guest log has \"Virtual GPU for Intel GVT-g detected\"" "$why"
		tap FAIL "$tag: GGTT ballooning succeeded" "$why"
		tap FAIL "$tag: probe completed (/dev/dri/card0 exists)" "$why"
		wedge_test "$tag" "" "$out" "$why"
		return 0
	fi
	tr -d '\r' <"$out/serial.log" >"$log"
	why=
	if ! grep -aq "$MARK RESULT i915-bound=" "$log"; then
		why=$(boot_failure "$out")
	fi

	bound=$(result_of "$log" i915-bound)
	if [ "$bound" = yes ]; then
		tap OK "$tag: i915 bound to $IGD"
	else
		pci=$({ grep -a -o "$MARK PCI $IGD .*" "$log" || true; } | tail -1 | sed "s/^$MARK //")
		[ -n "$pci" ] || [ -n "$why" ] || pci="the guest sees no PCI device at $IGD"
		tap FAIL "$tag: i915 bound to $IGD" "${why:-/sys/bus/pci/drivers/i915/$IGD does not exist}" "$pci"
	fi

	if grep -aqF 'Virtual GPU for Intel GVT-g detected' "$log"; then
		tap OK "$tag: guest log has \"Virtual GPU for Intel GVT-g detected\""
	else
		tap FAIL "$tag: guest log has \"Virtual GPU for Intel GVT-g detected\"" \
			"${why:-not found: i915 did not see the PVINFO magic at BAR0+0x78000}" \
			"$(grep -a -m1 -F 'VGT interface version mismatch' "$log" || true)"
	fi

	local bal_cfg bal_ok bal_bad
	bal_cfg=$(grep -ac 'VGT ballooning configuration' "$log" || true)
	bal_ok=$(grep -ac 'VGT balloon successfully' "$log" || true)
	bal_bad=$(grep -a -E 'VGT balloon fail|Invalid ballooning configuration' "$log" | head -3 || true)
	if [ "$bal_cfg" -gt 0 ] && [ "$bal_ok" -gt 0 ] && [ -z "$bal_bad" ]; then
		tap OK "$tag: GGTT ballooning succeeded"
	elif [ -n "$bal_bad" ]; then
		tap FAIL "$tag: GGTT ballooning succeeded" "$bal_bad" \
			"$(grep -a -E 'Mappable graphic memory|Unmappable graphic memory' "$log" | head -2)"
	elif [ "$bal_cfg" -gt 0 ]; then
		tap FAIL "$tag: GGTT ballooning succeeded" "\"VGT ballooning configuration\" printed but no \"VGT balloon successfully\""
	else
		tap FAIL "$tag: GGTT ballooning succeeded" "${why:-no \"VGT ballooning configuration\" line: ballooning never ran}"
	fi

	card0=$(result_of "$log" card0)
	if [ "$card0" = yes ]; then
		tap OK "$tag: probe completed (/dev/dri/card0 exists)"
	else
		tap FAIL "$tag: probe completed (/dev/dri/card0 exists)" \
			"${why:-/dev/dri/card0 missing; $({ grep -a -o -E "$MARK MODULE i915.ko (rc=|STUCK).*" "$log" || true; } | tail -1 | sed "s/^$MARK //")}"
	fi

	local info kver up
	kver=$(cat "$WORK/kernels/$tag/KVER" 2>/dev/null || echo '?')
	info="kernel $kver, QEMU status $(cat "$out/rc"), boot $(awk -v ms="$(cat "$out/ms")" 'BEGIN { printf "%.1f", ms / 1000 }') s"
	up=$(result_of "$log" poweroff-uptime)
	info+=", guest uptime at poweroff ${up:-?} s"
	echo "# $tag: $info"
	wedge_test "$tag" "" "$out" "$why"
}

# wedge_test TAG LABEL OUTDIR WHY: the GT is not wedged (debugfs i915_wedged
# reads 0 after the probe and again before the guest powers off) and the
# guest's dmesg has no "wedged", "GPU HANG", "GPU hang" or "Resetting".
WEDGE_RE='wedged|GPU HANG|GPU hang|Resetting'
wedge_test() {
	local tag=$1 label=$2 out=$3 why=$4 desc w0 w1 hits ev
	desc="$tag${label:+ $label}: GT not wedged (i915_wedged 0, no hang or reset in the log)"
	if [ -n "$why" ]; then
		tap FAIL "$desc" "$why"
		return 0
	fi
	w0=$(result_of "$out/console.txt" gt-wedged)
	w1=$(result_of "$out/console.txt" gt-wedged-end)
	if ! grep -aq "$MARK DMESG-END" "$out/console.txt"; then
		tap FAIL "$desc" "the guest never dumped its log (i915_wedged ${w0:-?} after the probe, ${w1:-?} at the end)"
		return 0
	fi
	hits=$(dmesg_of "$out" | sed 's/^<[0-9]*>//' | grep -a -E "$WEDGE_RE" | cut -c1-200 | head -5 || true)
	if [ "$w0" = 0 ] && [ "$w1" = 0 ] && [ -z "$hits" ]; then
		tap OK "$desc"
		return 0
	fi
	ev=$(wedge_evidence "$out")
	tap FAIL "$desc" "i915_wedged ${w0:-not read} after the probe, ${w1:-not read} at the end" \
		"${ev:+how: $ev}" "${hits:+log lines matching $WEDGE_RE:}" "$hits"
}

# The display tests of one kernel: display.py judges, tap numbers.
DISPLAY_NTESTS=6
[ -z "$HOTPLUG_RES" ] || DISPLAY_NTESTS=7
IGT_NTESTS=8
GEMV_NTESTS=0   # igvt-gem-verify's checks (1 when it is missing); set by cmd_check

report_igt() { # TAG OUTDIR: the IGT tests of one kernel; igt.py judges
	local tag=$1 out=$2 why='' line verdict desc n=0 py rc=0
	local diags=()
	py=(python3 "$HERE/igt.py" report --run "$out" --tag "$tag"
		--gem-verify "$GEMV_CHECKS" --gem-verify-why "$GEMV_WHY")
	if [ -n "${NOT_READY_I[$tag]:-}" ]; then
		py+=(--why "${NOT_READY_I[$tag]}")
	else
		tr -d '\r' <"$out/serial.log" >"$out/console.txt"
		dmesg_of "$out" >"$out/dmesg.txt"
		grep -aq "$MARK DMESG-END" "$out/console.txt" || why=$(boot_failure "$out")
		[ -z "$why" ] || py+=(--boot-failure "$why")
	fi
	"${py[@]}" >"$out/report.txt" 2>"$out/report.err" || rc=$?
	verdict=
	while IFS= read -r line; do
		case $line in
		'TEST '*)
			if [ -n "$verdict" ]; then tap "$verdict" "$desc" "${diags[@]}"; n=$((n + 1)); fi
			line=${line#TEST }
			verdict=${line%% *}
			desc=${line#* }
			diags=()
			;;
		'DIAG '*) diags+=("${line#DIAG }") ;;
		esac
	done <"$out/report.txt"
	if [ -n "$verdict" ]; then tap "$verdict" "$desc" "${diags[@]}"; n=$((n + 1)); fi
	while [ "$n" -lt $((IGT_NTESTS + GEMV_NTESTS)) ]; do
		tap FAIL "$tag: igt: test $((n + 1)) (igt.py report failed, status $rc)" \
			"$(tail -1 "$out/report.err" 2>/dev/null)"
		n=$((n + 1))
	done
	wedge_test "$tag" igt "$out" "${NOT_READY_I[$tag]:-$why}"
	if [ -z "${NOT_READY_I[$tag]:-}" ]; then
		echo "# $tag igt boot: kernel $(cat "$WORK/kernels/$tag/KVER" 2>/dev/null)," \
			"QEMU status $(cat "$out/rc"), boot $(awk -v ms="$(cat "$out/ms")" 'BEGIN { printf "%.1f", ms / 1000 }') s," \
			"guest uptime at poweroff $(result_of "$out/console.txt" poweroff-uptime) s"
		# query-igvt-engines after the run, as the host saw it
		{ grep -a -o "$MARK HOST engines final .*" "$out/console.txt" || true; } | tail -1 |
			sed "s/^$MARK HOST /# $tag igt boot: query-igvt-engines: /; s/^\(# $tag igt boot: query-igvt-engines: \)engines final /\1/"
	fi
}

report_display() { # TAG OUTDIR
	local tag=$1 out=$2 res hp why='' line verdict desc n=0 py rc=0
	local diags=()
	read -r res hp <<<"$(display_res_of "$tag")"
	py=(python3 "$HERE/display.py" report --run "$out" --tag "$tag"
		--xres "${res%x*}" --yres "${res#*x}" --setmode "$SETMODE" --hotplug "$hp")
	if [ -n "${NOT_READY_D[$tag]:-}" ]; then
		py+=(--why "${NOT_READY_D[$tag]}")
	else
		tr -d '\r' <"$out/serial.log" >"$out/console.txt"
		dmesg_of "$out" >"$out/dmesg.txt"
		py+=(--token "$(cat "$out/token")")
		grep -aq "$MARK DMESG-END" "$out/console.txt" || why=$(boot_failure "$out")
		[ -z "$why" ] || py+=(--boot-failure "$why")
	fi
	"${py[@]}" >"$out/report.txt" 2>"$out/report.err" || rc=$?
	_flush_test() {
		[ -n "${verdict:-}" ] || return 0
		tap "$verdict" "$desc" "${diags[@]}"
		n=$((n + 1))
		verdict=
		diags=()
	}
	verdict=
	while IFS= read -r line; do
		case $line in
		'TEST OK '*) _flush_test; verdict=OK; desc=${line#TEST OK } ;;
		'TEST FAIL '*) _flush_test; verdict=FAIL; desc=${line#TEST FAIL } ;;
		'DIAG '*) diags+=("${line#DIAG }") ;;
		esac
	done <"$out/report.txt"
	_flush_test
	while [ "$n" -lt "$DISPLAY_NTESTS" ]; do
		tap FAIL "$tag: display: test $((n + 1)) (display.py report failed, status $rc)" \
			"$(tail -1 "$out/report.err" 2>/dev/null)"
		n=$((n + 1))
	done
	wedge_test "$tag" display "$out" "${NOT_READY_D[$tag]:-$why}"
	if [ -z "${NOT_READY_D[$tag]:-}" ]; then
		echo "# $tag display boot: kernel $(cat "$WORK/kernels/$tag/KVER" 2>/dev/null), $res (hotplug to $hp)," \
			"QEMU status $(cat "$out/rc"), boot $(awk -v ms="$(cat "$out/ms")" 'BEGIN { printf "%.1f", ms / 1000 }') s," \
			"guest uptime at poweroff $(result_of "$out/console.txt" poweroff-uptime) s"
	fi
}

# How the GT got wedged, from the log: a message that says so, else the
# caller of intel_gt_set_wedged in a logged call trace.
wedge_evidence() {
	dmesg_of "$1" | sed 's/^<[0-9]*>//' | awk '
		/intel_gt_set_wedged\+0x/ { want = 1; next }
		want && /^\[ *[0-9.]+\]  +[A-Za-z0-9_.]+\+0x/ && !/  \? / {
			s = $0; sub(/^\[ *[0-9.]+\] +/, "", s); sub(/\+0x.*/, "", s)
			if (caller == "") caller = s
			want = 0
		}
		/wedged/ && /i915|drm/ && !/\+0x[0-9a-f]+\/0x/ && msg == "" { msg = $0 }
		END {
			if (msg != "") print substr(msg, 1, 200)
			else if (caller != "") print "intel_gt_set_wedged() called from " caller "()"
		}'
}

details_kernel() { # TAG OUTDIR [LABEL]: problem lines and untracked registers
	local tag=$1 out=$2 label=${3:-} n
	if [ "$label" = igt ]; then
		[ -z "${NOT_READY_I[$tag]:-}" ] || return 0
	elif [ -n "$label" ]; then
		[ -z "${NOT_READY_D[$tag]:-}" ] || return 0
	else
		[ -z "${NOT_READY[$tag]:-}" ] || return 0
	fi
	dmesg_of "$out" >"$out/dmesg.txt"
	tag="$tag${label:+ $label}"
	awk -f "$HERE/problems.awk" "$out/dmesg.txt" >"$out/problems.txt"
	n=$(wc -l <"$out/problems.txt")
	echo "# ---- $tag: i915/drm warnings and errors ($n distinct; full log $out/dmesg.txt) ----"
	head -n "$MAXLINES" "$out/problems.txt" | sed 's/^/#   /'
	[ "$n" -le "$MAXLINES" ] || echo "#   ... $((n - MAXLINES)) more in $out/problems.txt"
	untracked_table "$out/trace.log" >"$out/untracked.txt" 2>/dev/null || true
	local reads writes
	n=$(wc -l <"$out/untracked.txt")
	reads=$(awk '{ s += $3 } END { print s + 0 }' "$out/untracked.txt")
	writes=$(awk '{ s += $5 } END { print s + 0 }' "$out/untracked.txt")
	echo "# ---- $tag: untracked registers ($n offsets, $reads reads, $writes writes) ----"
	sed 's/^/#   /' "$out/untracked.txt"
	if [ -n "$label" ]; then
		# -d guest_errors: what igvt-vga found wrong in the guest's use of it
		{ grep -av 'igvt_mmio_untracked_' "$out/trace.log" 2>/dev/null || true; } |
			sed 's/^[0-9]*@[0-9.]*://; s/0x[0-9a-f]\{5,\}/0x.../g' | LC_ALL=C sort | uniq -c |
			sort -rn >"$out/guest-errors.txt"
		n=$(wc -l <"$out/guest-errors.txt")
		echo "# ---- $tag: -d guest_errors ($n distinct; $out/trace.log) ----"
		head -n "$MAXLINES" "$out/guest-errors.txt" | sed 's/^/#   /'
	fi
}

# --------------------------------------------------------------- commands --
declare -A NOT_READY=() NOT_READY_D=() NOT_READY_I=()

cmd_fetch() {
	local tag ready rc=0
	need_tools
	build_gem_verify || true
	# shellcheck disable=SC2086 # KERNELS is a word list
	ready=$(prepare_all $KERNELS)
	for tag in $KERNELS; do
		if grep -qx -- "$tag" <<<"$ready"; then
			say "$tag: ready ($(cat "$WORK/kernels/$tag/KVER"))$(
				grep -qx -- "$tag:display" <<<"$ready" && echo ", with modetest for the display boot")"
		else
			say "$tag: NOT ready"
			rc=1
		fi
	done
	return "$rc"
}

stop_boots() {
	local f
	say "interrupted: stopping the guests"
	for f in "$WORK"/runs/check-*/timeout.pid "$WORK"/runs/display-*/timeout.pid "$WORK"/runs/igt-*/timeout.pid; do
		[ -e "$f" ] || continue
		kill -TERM "$(cat "$f")" 2>/dev/null || true
	done
	exit 130
}

cmd_check() {
	local tag ready qerr pids=() running=0 t0 job kind dir res hp
	local jobs=()
	t0=$(date +%s)
	need_tools
	# two checks in one work dir would clobber each other's runs/
	exec 8>"$WORK/.check.lock"
	if command -v flock >/dev/null 2>&1 && ! flock -n 8; then
		say "waiting for another check in $WORK to finish"
		flock -w $((TIMEOUT * 4 + 900)) 8 || die "could not lock $WORK/.check.lock"
	fi
	if [ "$IGT_TESTS" = 1 ]; then
		build_gem_verify || true
		GEMV_NTESTS=$(wc -w <<<"$GEMV_CHECKS")
		[ "$GEMV_NTESTS" -gt 0 ] || GEMV_NTESTS=1
	fi
	# shellcheck disable=SC2086 # KERNELS is a word list
	ready=$(prepare_all $KERNELS)
	qerr=$(check_qemu)
	[ -n "$qerr" ] || firmware_args
	for tag in $KERNELS; do
		if [ -n "$qerr" ]; then
			NOT_READY[$tag]=$qerr
		elif ! grep -qx -- "$tag" <<<"$ready"; then
			NOT_READY[$tag]="no kernel $tag available (see the guest: lines above)"
		fi
		if [ -n "${NOT_READY[$tag]:-}" ]; then
			NOT_READY_D[$tag]=${NOT_READY[$tag]}
		elif ! grep -qx -- "$tag:display" <<<"$ready"; then
			NOT_READY_D[$tag]="no display initramfs for $tag: $USER_PKGS unavailable (see the guest: lines above)"
		elif [ -z "$QEMU_DEVICE" ]; then
			NOT_READY_D[$tag]="QEMU_DEVICE is empty: no display to test"
		fi
		if [ -n "${NOT_READY[$tag]:-}" ]; then
			NOT_READY_I[$tag]=${NOT_READY[$tag]}
		elif ! grep -qx -- "$tag:igt" <<<"$ready"; then
			NOT_READY_I[$tag]="no IGT initramfs for $tag: $IGT_PKGS unavailable (see the guest: lines above)"
		fi
	done
	# the display boots take longer: start them first
	if [ "$DISPLAY_TESTS" = 1 ]; then
		for tag in $KERNELS; do
			[ -n "${NOT_READY_D[$tag]:-}" ] || jobs+=("display:$tag")
		done
	fi
	if [ "$IGT_TESTS" = 1 ]; then
		for tag in $KERNELS; do
			[ -n "${NOT_READY_I[$tag]:-}" ] || jobs+=("igt:$tag")
		done
	fi
	for tag in $KERNELS; do
		[ -n "${NOT_READY[$tag]:-}" ] || jobs+=("check:$tag")
	done
	trap stop_boots INT TERM
	for job in "${jobs[@]}"; do
		kind=${job%%:*}
		tag=${job#*:}
		if [ "$running" -ge "$JOBS" ]; then
			wait "${pids[0]}" || true
			pids=("${pids[@]:1}")
			running=$((running - 1))
		fi
		if [ "$kind" = check ]; then
			say "$tag: booting $(cat "$WORK/kernels/$tag/KVER") (timeout ${TIMEOUT}s, $(pick_accel))"
			boot_check "$tag" "$WORK/runs/check-$tag" &
		elif [ "$kind" = igt ]; then
			say "$tag: booting $(cat "$WORK/kernels/$tag/KVER") for intel-gpu-tools (timeout ${TIMEOUT}s, $(pick_accel))"
			boot_igt "$tag" "$WORK/runs/igt-$tag" &
		else
			read -r res hp <<<"$(display_res_of "$tag")"
			say "$tag: booting $(cat "$WORK/kernels/$tag/KVER") with the display at $res (timeout ${TIMEOUT}s, $(pick_accel))"
			boot_display "$tag" "$WORK/runs/display-$tag" "$res" "$hp" &
		fi
		pids+=($!)
		running=$((running + 1))
	done
	for job in "${pids[@]}"; do wait "$job" || true; done
	trap - INT TERM
	for job in "${jobs[@]}"; do
		kind=${job%%:*}
		tag=${job#*:}
		dir=$WORK/runs/$kind-$tag
		say "$tag: $kind boot finished, QEMU status $(cat "$dir/rc"), $(($(cat "$dir/ms") / 1000)) s"
	done

	local ntests
	# probe: 4 + not wedged; display: DISPLAY_NTESTS + not wedged; igt:
	# IGT_NTESTS + igvt-gem-verify's checks + not wedged
	ntests=$(($(wc -w <<<"$KERNELS") * 5))
	[ "$DISPLAY_TESTS" != 1 ] || ntests=$((ntests + $(wc -w <<<"$KERNELS") * (DISPLAY_NTESTS + 1)))
	[ "$IGT_TESTS" != 1 ] ||
		ntests=$((ntests + $(wc -w <<<"$KERNELS") * (IGT_NTESTS + GEMV_NTESTS + 1)))
	echo "1..$ntests"
	for tag in $KERNELS; do
		report_kernel "$tag" "$WORK/runs/check-$tag"
	done
	if [ "$DISPLAY_TESTS" = 1 ]; then
		for tag in $KERNELS; do
			report_display "$tag" "$WORK/runs/display-$tag"
		done
	fi
	if [ "$IGT_TESTS" = 1 ]; then
		for tag in $KERNELS; do
			report_igt "$tag" "$WORK/runs/igt-$tag"
		done
	fi
	for tag in $KERNELS; do
		details_kernel "$tag" "$WORK/runs/check-$tag"
	done
	if [ "$DISPLAY_TESTS" = 1 ]; then
		for tag in $KERNELS; do
			details_kernel "$tag" "$WORK/runs/display-$tag" display
		done
	fi
	if [ "$IGT_TESTS" = 1 ]; then
		for tag in $KERNELS; do
			details_kernel "$tag" "$WORK/runs/igt-$tag" igt
		done
	fi
	say "check took $(($(date +%s) - t0)) s"
	[ "$T_TODO" -eq 0 ] || echo "# $T_TODO TODO (expected failures, not counted)"
	echo "$T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}

cmd_demo() {
	local tag=$KERNEL out append qerr
	need_tools
	local ready variant=
	ready=$(prepare_all "$tag")
	if ! kit_ok "$tag" || [ ! -f "$(initrd_of "$tag")" ]; then
		die "kernel $tag is not available"
	fi
	# the display initramfs adds modetest to the shell's tools
	if grep -qx -- "$tag:display" <<<"$ready"; then variant=display; fi
	qerr=$(check_qemu)
	[ -z "$qerr" ] || die "$qerr"
	firmware_args
	out=$WORK/runs/demo-$tag
	mkdir -p "$out"
	qemu_base_args "$tag" "$out/trace.log" "$variant"
	append="console=tty0 console=ttyS0 panic=-1 loglevel=7 igvt.mode=demo"
	[ "$DISPLAY_OFF" != 1 ] || append+=" i915.disable_display=1"
	[ -z "$APPEND_EXTRA" ] || append+=" $APPEND_EXTRA"
	# Serial and monitor share stdio: Ctrl-C reaches the guest, Ctrl-A x quits.
	# shellcheck disable=SC2054 # the commas belong to QEMU option values
	QARGS+=(-smp "${SMP:-1}" -display none -vnc "$VNC"
		-chardev stdio,id=con,mux=on,signal=off -serial chardev:con
		-mon chardev=con,mode=readline -append "$append")
	say "demo: kernel $(cat "$WORK/kernels/$tag/KVER") on VNC $VNC; shell on this terminal once i915 is loaded"
	say "demo: leave with 'poweroff -f' (or exit) in the guest, or Ctrl-A x; untracked MMIO in $out/trace.log"
	exec "$QEMU_BIN" "${QARGS[@]}"
}

case $CMD in
fetch) cmd_fetch ;;
check) cmd_check ;;
demo) cmd_demo ;;
esac

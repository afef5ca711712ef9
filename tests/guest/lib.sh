# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# What the real-guest harnesses share: tests/guest/run.sh (i915 on
# igvt-vga) and tests/host/run.sh (the igvt-host module inside such a
# guest).  Sourced after the caller defines say() and die() and sets:
#   WORK                 where apt roots and downloads go
#   MIRROR SECURITY_MIRROR KEYRING OFFLINE     the archive (private apt)
#   QEMU_BIN ACCEL MEM RAM QEMU_DEVICE QEMU_EXTRA FIRMWARE_DIRS   QEMU
#   TIMEOUT VERBOSE MARK                       boots and their logs

# ---------------------------------------------------------- private apt --
# One apt root per suite under $WORK/apt: its own sources, lists, cache and
# an empty dpkg status, handed to apt with -c so /etc/apt stays untouched.
apt_dir() { echo "$WORK/apt/$1"; }

apt_setup() {
	local suite=$1 d
	d=$(apt_dir "$suite")
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/state" \
		"$d/sources.list.d" "$d/preferences.d"
	[ -e "$d/status" ] || : >"$d/status"
	{
		echo "deb [signed-by=$KEYRING] $MIRROR $suite main"
		if [ "$suite" = bookworm ]; then
			echo "deb [signed-by=$KEYRING] $MIRROR $suite-updates main"
			echo "deb [signed-by=$KEYRING] $SECURITY_MIRROR $suite-security main"
		fi
	} >"$d/sources.list"
	{
		echo "Dir::State \"$d/state\";"
		echo "Dir::State::Lists \"$d/lists\";"
		echo "Dir::State::status \"$d/status\";"
		echo "Dir::Cache \"$d/cache\";"
		echo "Dir::Etc::SourceList \"$d/sources.list\";"
		echo "Dir::Etc::SourceParts \"$d/sources.list.d\";"
		echo "Dir::Etc::Preferences \"$d/preferences\";"
		echo "Dir::Etc::PreferencesParts \"$d/preferences.d\";"
		echo 'APT::Architecture "amd64";'
		echo 'APT::Architectures { "amd64"; };'
		echo 'Acquire::Languages "none";'
		echo 'Acquire::http::Timeout "30";'
		echo 'Acquire::Retries "1";'
		# root: apt's _apt sandbox user could not write into $WORK
		[ "$(id -u)" != 0 ] || echo 'APT::Sandbox::User "root";'
	} >"$d/apt.conf"
}

apt_run() { # apt_run SUITE TOOL ARGS...
	local suite=$1 tool=$2
	shift 2
	"$tool" -c "$(apt_dir "$suite")/apt.conf" -q "$@"
}

declare -A SUITE_STATE=()   # suite -> fresh | offline

suite_refresh() {
	local suite=$1 d
	[ -z "${SUITE_STATE[$suite]:-}" ] || return 0
	apt_setup "$suite"
	d=$(apt_dir "$suite")
	if [ "$OFFLINE" = 1 ]; then
		SUITE_STATE[$suite]=offline
		say "$suite: OFFLINE=1, not contacting the archive"
		return 0
	fi
	say "$suite: updating package lists"
	if apt_run "$suite" apt-get update --error-on=any >"$d/update.log" 2>&1; then
		SUITE_STATE[$suite]=fresh
	else
		SUITE_STATE[$suite]=offline
		say "$suite: archive unreachable ($(grep -E '^(E:|W:|Err)' "$d/update.log" | head -1)); trying the cache"
	fi
}

# fetch_deb SUITE PKG: print the path of the candidate .deb of PKG under
# $WORK/debs/SUITE (or DIR), downloading it unless a file of that name and
# size is already there.
fetch_deb() { # SUITE PKG [DIR]
	local suite=$1 pkg=$2 dir=${3:-$WORK/debs/$1} uri file size _hash line
	mkdir -p "$dir"
	line=$(apt_run "$suite" apt-get --print-uris download "$pkg" 2>/dev/null |
		awk '/^\047/ && !l { l = $0 } END { if (!l) exit 1; print l }') ||
		{ say "$suite: cannot resolve $pkg"; return 1; }
	read -r uri file size _hash <<<"$line"
	if [ -f "$dir/$file" ] && [ "$(stat -c %s "$dir/$file")" = "$size" ]; then
		echo "$dir/$file"
		return 0
	fi
	say "$suite: downloading $file ($(((size + 1023) / 1024)) KiB)"
	rm -f "$dir/$file"
	if ! (cd "$dir" && apt_run "$suite" apt-get download "$pkg") >"$dir/download.log" 2>&1; then
		say "$suite: download of $pkg failed: $(grep -E '^(E:|W:|Err)' "$dir/download.log" | head -1)"
		return 1
	fi
	if [ ! -f "$dir/$file" ] || [ "$(stat -c %s "$dir/$file")" != "$size" ]; then
		say "$suite: $file is missing or has the wrong size after download (${uri//\'/})"
		return 1
	fi
	echo "$dir/$file"
}

# ------------------------------------------------------------------ boot --
pick_accel() {
	# shellcheck disable=SC2153 # a knob the caller sets
	case $ACCEL in
	tcg | kvm) echo "$ACCEL" ;;
	auto)
		# /dev/kvm backed by kvm_pvm (no vmx/svm in the CPU flags) cannot
		# run stock kernels, so only real hardware virtualisation counts.
		if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo &&
			[ ! -d /sys/module/kvm_pvm ]; then
			echo kvm
		else
			echo tcg
		fi
		;;
	*) die "ACCEL must be auto, tcg or kvm" ;;
	esac
}

# QEMU run from a relocatable build tree looks for firmware only in its
# qemu-bundle; when a file a boot needs is in none of QEMU's data dirs,
# point -L at the host's copy (packages seabios, qemu-system-data).
FWARGS=()
firmware_args() {
	local dirs f d found
	FWARGS=()
	dirs=$("$QEMU_BIN" -L help 2>/dev/null || true)
	for f in bios-256k.bin linuxboot_dma.bin kvmvapic.bin; do
		found=
		while IFS= read -r d; do
			if [ -n "$d" ] && [ -f "$d/$f" ]; then found=$d; fi
		done <<<"$dirs"
		for d in "${FWARGS[@]}"; do
			if [ -f "$d/$f" ]; then found=$d; fi
		done
		[ -z "$found" ] || continue
		for d in $FIRMWARE_DIRS; do
			if [ -f "$d/$f" ]; then
				FWARGS+=(-L "$d")
				say "note: $f is in none of QEMU's data dirs; adding -L $d"
				break
			fi
		done
	done
}

# qemu_args KERNEL INITRD TRACEFILE [DEVICE-PROPERTIES]: fills QARGS
qemu_args() {
	local kernel=$1 initrd=$2 trace=$3 props=${4:-} accel
	accel=$(pick_accel)
	QARGS=("${FWARGS[@]}" -machine q35 -accel "$accel")
	[ "$accel" != kvm ] || QARGS+=(-cpu host)
	QARGS+=(-m "$MEM" -nodefaults -vga none)
	# Shared memfd RAM lets igvt show i915's scattered fbdev pages in place
	[ "$RAM" != memfd ] ||
		QARGS+=(-object "memory-backend-memfd,id=ram0,size=$MEM,share=on"
			-machine memory-backend=ram0)
	[ -z "$QEMU_DEVICE" ] || QARGS+=(-device "$QEMU_DEVICE${props:+,$props}")
	QARGS+=(-nic none -no-reboot -kernel "$kernel" -initrd "$initrd"
		-trace 'enable=igvt_mmio_untracked_*' -D "$trace")
	# shellcheck disable=SC2206 # QEMU_EXTRA is a word list on purpose
	[ -z "$QEMU_EXTRA" ] || QARGS+=($QEMU_EXTRA)
}

check_qemu() { # prints a reason when QEMU cannot run the test at all
	if [ ! -x "$QEMU_BIN" ]; then
		echo "QEMU binary $QEMU_BIN does not exist or is not executable"
	elif [ -n "$QEMU_DEVICE" ] &&
		! grep -qF "\"${QEMU_DEVICE%%,*}\"" <<<"$("$QEMU_BIN" -device help 2>&1 || true)"; then
		say "warning: $QEMU_BIN lists no device \"${QEMU_DEVICE%%,*}\"; the boots will fail"
	fi
}

# run_qemu LABEL OUTDIR: boot QARGS (serial on stdio) within TIMEOUT;
# leaves cmdline serial.log qemu.err rc ms in OUTDIR.  VERBOSE=1 copies
# the console, prefixed with [LABEL], to stderr.
run_qemu() {
	local label=$1 out=$2 t0 t1 rc=0 tpid
	printf '%q ' "$QEMU_BIN" "${QARGS[@]}" >"$out/cmdline"
	echo >>"$out/cmdline"
	t0=$(date +%s%N)
	# timeout runs in a process group of its own, so a Ctrl-C does not reach
	# it: its pid is kept for the caller's trap.
	timeout -k 10 "$TIMEOUT" "$QEMU_BIN" "${QARGS[@]}" </dev/null \
		>"$out/serial.log" 2>"$out/qemu.err" &
	tpid=$!
	echo "$tpid" >"$out/timeout.pid"
	if [ "$VERBOSE" = 1 ]; then
		tail -n +1 -F --pid="$tpid" "$out/serial.log" 2>/dev/null | sed -u "s/^/[$label] /" >&2 &
	fi
	wait "$tpid" || rc=$?
	rm -f "$out/timeout.pid"
	t1=$(date +%s%N)
	echo "$rc" >"$out/rc"
	echo $(((t1 - t0) / 1000000)) >"$out/ms"
	return 0
}

# ------------------------------------------------------------- analysis --
T_NUM=0
T_PASS=0
T_FAIL=0
T_TODO=0

tap() { # tap OK|FAIL|TODO DESCRIPTION [DIAGNOSTIC...]
	local verdict=$1 desc=$2
	shift 2
	T_NUM=$((T_NUM + 1))
	if [ "$verdict" = OK ]; then
		T_PASS=$((T_PASS + 1))
		echo "ok $T_NUM - $desc"
	elif [ "$verdict" = TODO ]; then
		# an expected failure (DESCRIPTION ends in "# TODO why"): neither
		# passed nor failed
		T_TODO=$((T_TODO + 1))
		echo "not ok $T_NUM - $desc"
	else
		T_FAIL=$((T_FAIL + 1))
		echo "not ok $T_NUM - $desc"
	fi
	local d
	for d in "$@"; do [ -z "$d" ] || printf '%s\n' "$d" | sed 's/^/#   /'; done
}

result_of() { # LOG KEY -> value of the guest's "RESULT KEY=value" line
	{ grep -a -o "$MARK RESULT $2=[^ ]*" "$1" || true; } | tail -1 | sed 's/.*=//'
}

# Why did a boot produce no guest result?  One line.
boot_failure() {
	local out=$1 rc err last
	rc=$(cat "$out/rc" 2>/dev/null || echo "?")
	err=$(grep -v '^$' "$out/qemu.err" 2>/dev/null | head -1)
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		last=$(grep -av '^$' "$out/console.txt" | tail -1 | cut -c1-160)
		echo "boot timed out after ${TIMEOUT}s (${last:+last console line: }${last:-no console output at all})"
	elif ! grep -aq "$MARK BEGIN" "$out/console.txt"; then
		if [ -n "$err" ]; then
			echo "QEMU exited with status $rc before the guest started: $err"
		else
			echo "QEMU exited with status $rc before /init ran (see $out/serial.log)"
		fi
	elif grep -aq 'Kernel panic' "$out/console.txt"; then
		echo "guest kernel panicked: $(grep -a -m1 'Kernel panic' "$out/console.txt" | cut -c1-160)"
	else
		echo "guest stopped before reporting (QEMU status $rc${err:+: $err})"
	fi
}

dmesg_of() { # OUTDIR -> guest dmesg (raw), else the whole console
	local out=$1
	if grep -aq "$MARK DMESG-END" "$out/console.txt"; then
		sed -n "/$MARK DMESG-BEGIN/,/$MARK DMESG-END/p" "$out/console.txt" | sed '1d;$d'
	else
		cat "$out/console.txt"
	fi
}

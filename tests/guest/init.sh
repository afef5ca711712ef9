#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# /init of the igvt test guest.  run.sh packs this file, a static busybox
# and the i915 module chain (/lib/modules/*.ko, load order in
# /etc/modules.load, i915 last) into an uncompressed initramfs.
#
# Four modes, picked with igvt.mode= on the kernel command line:
#   check    load the chain, report what i915 did, dump dmesg, power off
#   display  like check, and in between exercise the display: draw a
#            marker on the fbcon console, run modetest, ask for a monitor
#            hotplug (needs the display initramfs and run.sh's display.py
#            on the other end of the serial line)
#   igt      like check with the display on, and in between run Debian's
#            intel-gpu-tools (lsgpu, intel_gpu_top -L, intel_vbt_decode and
#            the gem_* benchmarks; needs the IGT initramfs) and our
#            igvt-gem-verify, and ask the host for QMP query-igvt-engines
#   demo     load the chain, then give the console (and tty1) a shell
#
# Every line meant for the host starts with "IGVT-GUEST: ".  Results are
# single "IGVT-GUEST: RESULT key=value" lines; the raw dmesg (with <level>
# prefixes) sits between DMESG-BEGIN and DMESG-END.  In display mode the
# guest asks the host for things (a screendump, a monitor change) with
# "IGVT-GUEST: REQUEST N VERB ARGS" and waits for "ACK N ..." on ttyS0.

/bin/busybox mkdir -p /proc /sys /dev /tmp /run /root
/bin/busybox --install -s /bin
PATH=/bin:/usr/bin
export PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || echo "IGVT-GUEST: WARNING devtmpfs mount failed"
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

IGD=0000:00:02.0

say() { echo "IGVT-GUEST: $*"; }
now() { cut -d' ' -f1 /proc/uptime; }
nap() { usleep 200000 2>/dev/null || sleep 1; }

mode=check
wait_s=240
token=NOTOKEN
setmode=800x600
hotplug=
flip_s=4
igt_wait=60
for arg in $(cat /proc/cmdline); do
	case $arg in
	igvt.mode=*) mode=${arg#*=} ;;
	igvt.wait=*) wait_s=${arg#*=} ;;
	igvt.token=*) token=${arg#*=} ;;
	igvt.setmode=*) setmode=${arg#*=} ;;
	igvt.hotplug=*) hotplug=${arg#*=} ;;
	igvt.flip=*) flip_s=${arg#*=} ;;
	igvt.igtwait=*) igt_wait=${arg#*=} ;;
	esac
done

say "BEGIN kernel=$(uname -r) mode=$mode uptime=$(now)"

pci_list() {
	for d in /sys/bus/pci/devices/*; do
		[ -e "$d/vendor" ] || continue
		drv=-
		[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
		say "PCI ${d##*/} $(cat "$d/vendor"):$(cat "$d/device") class=$(cat "$d/class") driver=$drv"
	done
}

# The kernel leaves MODULE.PARAM=VALUE arguments for loadable modules to
# modprobe; busybox insmod does not read them, so hand them over here.
params_for() {
	want=$(echo "${1%.ko}" | tr - _)
	for arg in $(cat /proc/cmdline); do
		key=${arg%%=*}
		case $key in
		*.*)
			[ "$(echo "${key%%.*}" | tr - _)" = "$want" ] && printf '%s ' "${arg#*.}"
			;;
		esac
	done
}

# insmod in the background so that a probe that never returns still lets
# us report and dump dmesg (the host's timeout is the last resort).
load_module() {
	m=$1
	params=$(params_for "$m")
	[ -z "$params" ] || say "MODULE $m params: $params"
	rm -f /tmp/insmod.rc
	t0=$(now)
	# shellcheck disable=SC2086 # params is a word list
	( insmod "/lib/modules/$m" $params 2>/tmp/insmod.err; echo $? >/tmp/insmod.rc ) &
	ticks=0
	limit=$((wait_s * 5))
	while [ ! -s /tmp/insmod.rc ]; do
		if [ "$ticks" -ge "$limit" ]; then
			say "MODULE $m STUCK insmod still running after ${wait_s}s"
			return 2
		fi
		nap
		ticks=$((ticks + 1))
	done
	rc=$(cat /tmp/insmod.rc)
	while read -r line; do say "MODULE $m: $line"; done </tmp/insmod.err
	say "MODULE $m rc=$rc start=$t0 end=$(now)"
	# read the parameters back, to show they took
	name=$(echo "${m%.ko}" | tr - _)
	for p in $params; do
		f=/sys/module/$name/parameters/${p%%=*}
		[ -r "$f" ] && say "MODULE $m param ${p%%=*} is now $(cat "$f")"
	done
	return "$rc"
}

# ---------------------------------------------------------------- display --
req_n=0

# request VERB ARGS...: ask the host (run.sh's display.py reads the serial
# line) and wait up to 60 s for its "ACK N ..." on ttyS0.
request() {
	req_n=$((req_n + 1))
	say "REQUEST $req_n $*"
	deadline=$(($(cut -d. -f1 /proc/uptime) + 60))
	while [ "$(cut -d. -f1 /proc/uptime)" -lt "$deadline" ]; do
		line=
		# shellcheck disable=SC3045 # busybox read has -t
		read -t 5 -r line </dev/ttyS0 || true
		case $line in
		"ACK $req_n "*)
			say "ACKED $req_n ${line#ACK "$req_n" } uptime=$(now)"
			return 0
			;;
		esac
	done
	say "REQUEST $req_n unanswered"
	return 1
}

# wait_for SECONDS COMMAND...: poll every 0.2 s until COMMAND succeeds
wait_for() {
	n=$(($1 * 5))
	shift
	while ! "$@"; do
		[ "$n" -gt 0 ] || return 1
		n=$((n - 1))
		nap
	done
}

# show NAME FILE RC: copy a program's output to the host between markers
show() {
	say "OUTPUT-BEGIN $1"
	sed 's/^/| /' "$2"
	say "OUTPUT-END $1 uptime=$(now) rc=$3"
}

has_line() { grep -q "$2" "$1" 2>/dev/null; }

# mt_waiting MODE: the CRTC runs MODE (debugfs atomic state) and modetest
# is blocked reading its stdin
mt_waiting() {
	grep -qF "$1" /sys/kernel/debug/dri/0/state 2>/dev/null &&
		grep -q pipe_read "/proc/$mt_pid/wchan" 2>/dev/null
}
running() { kill -0 "$1" 2>/dev/null; }

# mt_start NAME ARGS...: modetest in the background, its stdin a fifo that
# stays open (so it waits in getchar/select until mt_stop writes a line)
mt_start() {
	mt_name=$1
	shift
	rm -f /tmp/mt.in
	mkfifo /tmp/mt.in
	modetest "$@" </tmp/mt.in >"/tmp/mt-$mt_name.txt" 2>&1 &
	mt_pid=$!
	exec 3>/tmp/mt.in
}

# mt_stop: press Enter, wait up to 20 s for the exit, report
mt_stop() {
	echo >&3 2>/dev/null
	exec 3>&-
	rc=timeout
	# shellcheck disable=SC2016 # eval expands it
	if wait_for 20 eval '! running $mt_pid'; then
		wait "$mt_pid"
		rc=$?
	else
		kill -9 "$mt_pid" 2>/dev/null
	fi
	show "modetest-$mt_name" "/tmp/mt-$mt_name.txt" "$rc"
}

display_tests() {
	tty=/dev/tty1
	stty -F /dev/ttyS0 -echo 2>/dev/null
	for c in /sys/class/drm/card0-*; do
		[ -e "$c/status" ] || continue
		say "CONNECTOR ${c##*/card0-} status=$(cat "$c/status") enabled=$(cat "$c/enabled") modes=$(head -3 "$c/modes" | tr '\n' ' ')"
	done
	for f in /sys/class/graphics/fb*; do
		[ -e "$f/name" ] || continue
		say "FB ${f##*/} name=$(cat "$f/name") virtual_size=$(cat "$f/virtual_size") bpp=$(cat "$f/bits_per_pixel") stride=$(cat "$f/stride")"
	done
	for v in /sys/class/vtconsole/vtcon*; do
		[ -e "$v/name" ] && say "VTCON ${v##*/} bind=$(cat "$v/bind") $(cat "$v/name")"
	done

	# The console screen: a token in two corners and a full block in the
	# other two, a line with every character the tokens use (the host
	# learns the glyphs from it) and the marker line, the token in bright
	# red.  No cursor, no kernel messages (dmesg -n 1 above).
	chvt 1
	size=$(stty size <"$tty" 2>/dev/null)
	rows=${size% *}
	cols=${size#* }
	say "RESULT tty-size=${rows:-0}x${cols:-0}"
	if [ "${rows:-0}" -gt 8 ] && [ "${cols:-0}" -gt 40 ]; then
		printf '\033[0m\033[?25l\033[2J\033[H%s' "$token" >"$tty"
		printf '\033[%d;1HABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-:' $((rows / 2 - 2)) >"$tty"
		printf '\033[%d;1HIGVT-GUEST: DISPLAY-MARK \033[1;31m%s\033[0m' $((rows / 2 + 1)) "$token" >"$tty"
		printf '\033[%d;%dH%s' "$rows" $((cols - ${#token} + 1)) "$token" >"$tty"
		# U+2588 FULL BLOCK in the other two corners: cells lit edge to edge
		printf '\033[%d;1H\342\226\210\033[1;%dH\342\226\210' "$rows" "$cols" >"$tty"
		say "DISPLAY-MARK $token drawn"
		request shot console
	fi

	# modetest: the connector list, a mode set with the SMPTE pattern,
	# then the page flip loop at the preferred mode
	modetest -M i915 -c >/tmp/mt-c.txt 2>&1 </dev/null
	show modetest-c /tmp/mt-c.txt $?
	# the first connected connector, and its preferred mode
	# shellcheck disable=SC2046 # two words on purpose
	set -- $(awk '
		$1 ~ /^[0-9]+$/ && $3 == "connected" && conn == "" { conn = $1; inconn = 1; next }
		$1 ~ /^[0-9]+$/ && NF >= 5 { inconn = 0 }
		inconn && /^ *#[0-9]+ / && /preferred/ && pref == "" { pref = $2 }
		END { print conn, pref }' /tmp/mt-c.txt)
	conn=${1:-}
	pref=${2:-}
	say "RESULT modetest-connector=${conn:-none} preferred=${pref:-none}"
	[ -n "$conn" ] || return 0

	mt_start s -M i915 -s "$conn:$setmode"
	# modetest's stdout is a file, so fully buffered: wait for the new
	# mode in the atomic state and for modetest to sit in getchar()
	if wait_for 30 mt_waiting "\"$setmode\""; then
		sleep 1
		request shot modeset
	else
		say "MODETEST-S not waiting for input after 30 s: wchan=$(cat /proc/$mt_pid/wchan 2>/dev/null)"
	fi
	mt_stop

	if [ -n "$pref" ]; then
		mt_start v -M i915 -v -s "$conn:$pref"
		# stderr is not buffered: the first rate report comes after 60 flips
		if wait_for 30 has_line /tmp/mt-v.txt 'freq:'; then
			sleep "$flip_s"
			running "$mt_pid" && request shot flip
		else
			say "MODETEST-V no rate report after 30 s"
		fi
		mt_stop
	fi

	# hotplug: the host changes the monitor's preferred mode; i915 must
	# notice on its own and re-read the EDID (nothing here forces a probe:
	# the sysfs modes file only shows what the last probe found, and that
	# probe is fbdev's, which drops modes larger than its framebuffer)
	if [ -n "$hotplug" ]; then
		name=
		for c in /sys/class/drm/card0-*; do
			[ "$(cat "$c/status" 2>/dev/null)" = connected ] && name=${c##*/} && break
		done
		# mark the log: the long HPD pulse stands for a replug, so the
		# link retrain that follows is expected (display.py knows)
		echo "igvt-test: monitor hotplug to $hotplug requested" >/dev/kmsg
		if [ -n "$name" ] && request monitor "${hotplug%x*}" "${hotplug#*x}"; then
			t0=$(now)
			# shellcheck disable=SC2016 # eval expands it
			if wait_for 20 eval '[ "$(head -1 /sys/class/drm/$name/modes)" = "$hotplug" ]'; then
				say "RESULT hotplug=$hotplug after $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }') s"
			else
				say "RESULT hotplug=none first-mode=$(head -1 "/sys/class/drm/$name/modes")"
			fi
			say "CONNECTOR ${name#card0-} status=$(cat "/sys/class/drm/$name/status") modes=$(head -3 "/sys/class/drm/$name/modes" | tr '\n' ' ')"
			# fbdev moves the console to the new preferred mode
			wait_for 10 grep -qF "\"$hotplug\"" /sys/kernel/debug/dri/0/state
			sleep 1
			request shot hotplug
		fi
	fi
}

# ------------------------------------------------------------------- igt --

# igt NAME PROG ARGS...: run one intel-gpu-tools program (igt_wait seconds
# at most), copy its output and exit status to the host
igt() {
	name=$1
	shift
	say "IGT-RUN $name: $* uptime=$(now)"
	timeout "$igt_wait" "$@" >"/tmp/igt-$name.txt" 2>&1 </dev/null
	show "igt-$name" "/tmp/igt-$name.txt" $?
}

igt_tests() {
	b=/usr/libexec/igt-gpu-tools/benchmarks
	igt lsgpu lsgpu
	igt details-lsgpu lsgpu -p
	igt gpu-top-list intel_gpu_top -L
	igt vbt-decode intel_vbt_decode --file=/sys/kernel/debug/dri/0/i915_vbt
	# one round each (-r 1): a round is at least 2 s of submissions
	igt gem_exec_nop $b/gem_exec_nop -e rcs -r 1
	igt gem_exec_ctx $b/gem_exec_ctx -e rcs -r 1
	# -s: one size (without it, 12 sizes of -r rounds each)
	igt gem_create $b/gem_create -s 65536 -r 1
	# ours: stores and blits, every byte checked (one PASS/FAIL line each)
	igt gem-verify igvt-gem-verify
	request engines before-blt
	# the blitter last: a hang there must not spoil the others
	igt gem_blt $b/gem_blt -r 1
	request engines final
}

pci_list
chain_ok=yes
while read -r m; do
	[ -n "$m" ] || continue
	load_module "$m" || chain_ok=no
	[ -s /tmp/insmod.rc ] || break	# stuck: do not queue more loads behind it
done </etc/modules.load
say "MODULES-DONE ok=$chain_ok uptime=$(now)"

bound=no
[ -e "/sys/bus/pci/drivers/i915/$IGD" ] && bound=yes
card0=no
if [ "$bound" = yes ]; then
	n=0
	while [ ! -e /dev/dri/card0 ] && [ "$n" -lt 25 ]; do nap; n=$((n + 1)); done
fi
[ -e /dev/dri/card0 ] && card0=yes
# i915_wedged reads 1 when the GT is terminally wedged
wedged=-
for f in /sys/kernel/debug/dri/*/i915_wedged; do
	[ -e "$f" ] || continue
	wedged=$(cat "$f" 2>/dev/null || echo error)
	break
done

if [ "$mode" != demo ]; then
	# keep later kernel messages from splitting the lines below (and, in
	# display mode, off the console the screendumps look at)
	dmesg -n 1
fi

pci_list
say "RESULT i915-bound=$bound"
say "RESULT card0=$card0"
say "RESULT gt-wedged=$wedged"
say "RESULT dri=$(ls /dev/dri 2>/dev/null | tr '\n' ' ')"

if [ "$mode" = demo ]; then
	say "DEMO ready: i915 bound=$bound card0=$card0; 'exit' or 'poweroff -f' ends the guest"
	if [ -c /dev/tty1 ]; then
		(
			while :; do
				setsid -c sh </dev/tty1 >/dev/tty1 2>&1
				sleep 1
			done
		) &
	fi
	setsid cttyhack sh
	say "RESULT poweroff-uptime=$(now)"
	poweroff -f
	sleep 10
fi

if [ "$mode" = display ]; then
	if [ "$card0" = yes ]; then
		display_tests
	else
		say "DISPLAY skipped: no /dev/dri/card0"
	fi
fi

if [ "$mode" = igt ]; then
	if [ "$card0" = yes ]; then
		stty -F /dev/ttyS0 -echo 2>/dev/null
		igt_tests
	else
		say "IGT skipped: no /dev/dri/card0"
	fi
fi

# again at the end: the tests above may have wedged the GT
for f in /sys/kernel/debug/dri/*/i915_wedged; do
	[ -e "$f" ] || continue
	say "RESULT gt-wedged-end=$(cat "$f" 2>/dev/null || echo error)"
	break
done

say "DMESG-BEGIN"
dmesg -r
say "DMESG-END"
say "RESULT poweroff-uptime=$(now)"
poweroff -f
sleep 10

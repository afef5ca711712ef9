#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=dash disable=SC2013
#
# /init of the execution benchmark guest.  tests/bench/exec.sh packs it
# with the real-guest harness's cached kit (static busybox, the i915
# chain in /etc/modules.load order) and its intel-gpu-tools userland.
#
# MODULE.PARAM=VALUE words of the kernel command line are handed to
# insmod (busybox insmod does not read them itself).
#
# Everything for the host goes to ttyS0 as "BENCH: ..." lines.  Once i915
# is up the guest says "BENCH: READY ..." and takes commands from the
# host on ttyS0, one a line:
#   RUN NAME PROG ARGS...  run intel-gpu-tools program PROG (a benchmark
#                          of /usr/libexec/igt-gpu-tools/benchmarks, or
#                          one in PATH) with ARGS; its output comes back
#                          between "BENCH: OUTPUT-BEGIN NAME" and
#                          "BENCH: OUTPUT-END NAME rc=N secs=S"
#   DMESG                  the kernel log between DMESG-BEGIN and -END
#   OFF                    power off

/bin/busybox mkdir -p /proc /sys /dev /tmp /run /root
/bin/busybox --install -s /bin
PATH=/bin:/usr/bin:/usr/libexec/igt-gpu-tools/benchmarks
export PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

exec </dev/ttyS0 >/dev/ttyS0 2>&1
stty -echo 2>/dev/null

say() { echo "BENCH: $*"; }
now() { cut -d' ' -f1 /proc/uptime; }
fail() {
	say "FAIL $*"
	dmesg | tail -40 | sed 's/^/BENCH: DMESG /'
	poweroff -f
	sleep 5
}

say "BEGIN kernel=$(uname -r) uptime=$(now)"

params_for() {
	want=$(echo "$1" | tr - _)
	for arg in $(cat /proc/cmdline); do
		key=${arg%%=*}
		case $key in
		*.*)
			[ "$(echo "${key%%.*}" | tr - _)" = "$want" ] && printf '%s ' "${arg#*.}"
			;;
		esac
	done
}

while read -r m; do
	[ -n "$m" ] || continue
	# shellcheck disable=SC2046 # the parameters are a word list
	insmod "/lib/modules/$m" $(params_for "${m%.ko}") || fail "insmod $m failed"
done </etc/modules.load
say "MODULES loaded uptime=$(now)"

n=0
while [ ! -c /dev/dri/card0 ]; do
	n=$((n + 1))
	[ "$n" -lt 150 ] || fail "no /dev/dri/card0 30 s after loading i915"
	usleep 200000
done
wedged=-
[ -r /sys/kernel/debug/dri/0/i915_wedged ] && wedged=$(cat /sys/kernel/debug/dri/0/i915_wedged)
dmesg -n 1
say "READY card0 driver=$(basename "$(readlink /sys/class/drm/card0/device/driver)") wedged=$wedged uptime=$(now)"

while read -r cmd name prog args; do
	case $cmd in
	RUN)
		say "OUTPUT-BEGIN $name"
		t0=$(now)
		# shellcheck disable=SC2086 # args is a word list
		"$prog" $args </dev/null 2>&1
		rc=$?
		say "OUTPUT-END $name rc=$rc secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')"
		;;
	DMESG)
		say "DMESG-BEGIN"
		dmesg -r
		say "DMESG-END"
		;;
	OFF)
		say "POWEROFF uptime=$(now)"
		poweroff -f
		;;
	esac
done
poweroff -f

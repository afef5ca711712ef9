#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=dash disable=SC2013
#
# /init of the execution benchmark guest.  tests/bench/exec.sh packs it
# and init-lib.sh with the real-guest harness's cached kit (static
# busybox, the i915 chain in /etc/modules.load order) and its
# intel-gpu-tools userland.
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

PATH=/bin:/usr/bin:/usr/libexec/igt-gpu-tools/benchmarks
export PATH
# boot, say, now, off, fail, load_modules
# shellcheck source-path=SCRIPTDIR source=init-lib.sh
. /lib/init-lib.sh
boot /run /root

say "BEGIN kernel=$(uname -r) uptime=$(now)"
load_modules /etc/modules.load

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
	OFF) off ;;
	esac
done
poweroff -f

#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=dash disable=SC2013
#
# /init of the nested test bed's guest.  tests/host/run.sh packs it with
# tests/bench/init-lib.sh, the real-guest harness's kit (static busybox,
# the i915 chain in /etc/modules.load order), its intel-gpu-tools
# userland, igvt-host.ko and igvt-host-client.
#
# It loads i915, then igvt-host, runs the client's functional checks and
# each of its attacks, and after each looks at the module's counters and
# runs gem_exec_nop; then it unloads the module.  Kernel log lines
# "igvt-host-test: BEGIN NAME" and "igvt-host-test: END NAME" bracket
# every run of the client.  Everything for the host goes to ttyS0 as
# "IGVT-HOST: ..." lines:
#   RESULT KEY=VALUE
#   OUTPUT-BEGIN NAME, the output with "| " before each line,
#   OUTPUT-END NAME rc=N
#   DMESG-BEGIN, the kernel log (dmesg -r), DMESG-END

PATH=/bin:/usr/bin:/usr/libexec/igt-gpu-tools/benchmarks
export PATH
# boot, now, off, fail, load_modules
# shellcheck source-path=SCRIPTDIR source=../bench/init-lib.sh
. /lib/init-lib.sh
say() { echo "IGVT-HOST: $*"; }
boot /run /root

IDLE_WAIT=${IDLE_WAIT:-30}      # seconds the module may take to release
COUNTERS=/sys/kernel/debug/igvt-host/counters

# within SECS COMMAND...: poll every 0.2 s until COMMAND succeeds, at
# most SECS seconds; $waited: the seconds it took
within() {
	t=$(($1 * 5))
	shift
	waited=0
	while ! "$@"; do
		[ "$t" -gt 0 ] || return 1
		t=$((t - 1))
		waited=$((waited + 1))
		usleep 200000
	done
	waited=$((waited / 5))
}

say "BEGIN kernel=$(uname -r) uptime=$(now)"
load_modules /etc/modules.load
within 30 test -c /dev/dri/card0 || fail "no /dev/dri/card0 30 s after loading i915"
dmesg -n 1

mark() { echo "igvt-host-test: $*" >/dev/kmsg; }

# show NAME FILE RC: a program's output for the host
show() {
	say "OUTPUT-BEGIN $1"
	sed 's/^/| /' "$2"
	say "OUTPUT-END $1 rc=$3"
}

# run NAME PROG ARGS...: run it between log marks, show its output
run() {
	name=$1
	shift
	mark "BEGIN $name"
	timeout 300 "$@" >/tmp/out 2>&1 </dev/null
	rc=$?
	mark "END $name"
	show "$name" /tmp/out "$rc"
}

# The counters that must come back to zero once nothing is open
busy_counters() {
	awk '$1 ~ /^(files|pins|pinned_pages|ggtt_nodes|fences|contexts|workloads|table_pages)$/ &&
		$2 != 0 { printf "%s=%s ", $1, $2 }' "$COUNTERS"
}

no_counters() { [ -z "$(busy_counters)" ]; }

# idle NAME: wait for the counters, say how it ended
idle() {
	within "$IDLE_WAIT" no_counters
	busy=$(busy_counters)
	say "RESULT idle-$1=${busy:-yes}"
	say "RESULT idle-secs-$1=$waited"
}

# nop NAME ENGINE: i915 still runs work on ENGINE
nop() {
	timeout 60 gem_exec_nop -e "$2" -r 1 >/tmp/nop 2>&1 </dev/null
	rc=$?
	[ "$rc" = 0 ] || show "nop-$1-$2" /tmp/nop "$rc"
	say "RESULT nop-$1-$2=$rc"
}

insmod /lib/modules/igvt-host.ko
say "RESULT insmod=$?"
say "RESULT node=$(stat -c %a /dev/igvt-host 2>/dev/null || echo none)"

run functional igvt-host-client
idle functional
nop functional rcs
for a in $(igvt-host-client --attacks); do
	run "$a" igvt-host-client attack "$a"
	idle "$a"
	nop "$a" rcs
done
say "COUNTERS $(tr '\n' ' ' <"$COUNTERS")"

rmmod igvt_host
say "RESULT rmmod=$?"
for e in rcs bcs vcs vecs; do
	nop final "$e"
done
say "RESULT wedged=$(cat /sys/kernel/debug/dri/0/i915_wedged 2>/dev/null || echo -)"
say "DMESG-BEGIN"
dmesg -r
say "DMESG-END"
off

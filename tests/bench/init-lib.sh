# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=dash disable=SC2013
#
# What the benchmark guests' /init scripts (init.sh, exec-init.sh) share.
# display.sh and exec.sh pack it into their initramfs as /lib/init-lib.sh
# and /init sources it (after setting PATH).
#
# Everything for the host goes to ttyS0 as "BENCH: ..." lines; the host
# sends commands back on ttyS0, one a line.

# boot [DIR...]: busybox's applets in /bin, /proc, /sys, /dev and
# debugfs mounted (DIRs made as well), stdin/stdout on the serial line
# whatever /dev/console is
boot() {
	/bin/busybox mkdir -p /proc /sys /dev /tmp "$@"
	/bin/busybox --install -s /bin
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

	exec </dev/ttyS0 >/dev/ttyS0 2>&1
	stty -echo 2>/dev/null
}

say() { echo "BENCH: $*"; }
now() { cut -d' ' -f1 /proc/uptime; }
off() {
	say "POWEROFF uptime=$(now)"
	poweroff -f
}
fail() {
	say "FAIL $*"
	dmesg | tail -40 | sed 's/^/BENCH: DMESG /'
	poweroff -f
	sleep 5
}

# MODULE.PARAM=VALUE words of the command line for module $1
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

# load_modules LIST: insmod /lib/modules/M for every M.ko named in LIST,
# in order, with its MODULE.PARAM=VALUE words of the kernel command line
# (busybox insmod does not read them from the command line itself)
load_modules() {
	while read -r m; do
		[ -n "$m" ] || continue
		# shellcheck disable=SC2046 # the parameters are a word list
		insmod "/lib/modules/$m" $(params_for "${m%.ko}") || fail "insmod $m failed"
	done <"$1"
	say "MODULES loaded uptime=$(now)"
}

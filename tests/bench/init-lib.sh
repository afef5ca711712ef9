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

# cmdline_arg NAME: the value of NAME=VALUE on the kernel command line
cmdline_arg() {
	for arg in $(cat /proc/cmdline); do
		case $arg in
		"$1"=*) echo "${arg#*=}" ;;
		esac
	done
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

# wait_fb: wait for fb0, the DRM driver's fbdev emulation (fbcon takes
# it over); sets FB (its sysfs directory), STRIDE, XRES, YRES, BPP
# shellcheck disable=SC2034 # for the caller
wait_fb() {
	n=0
	while [ ! -e /sys/class/graphics/fb0/virtual_size ] || [ ! -c /dev/fb0 ]; do
		n=$((n + 1))
		[ "$n" -lt 300 ] || fail "no /dev/fb0 60 s after loading the driver"
		usleep 200000
	done
	FB=/sys/class/graphics/fb0
	STRIDE=$(cat $FB/stride)
	vsize=$(cat $FB/virtual_size)
	XRES=${vsize%,*}
	YRES=${vsize#*,}
	BPP=$(cat $FB/bits_per_pixel)
}

# quiet_console TTY: no kernel messages, no blinking cursor, no blanking
quiet_console() {
	dmesg -n 1
	echo 0 >/sys/class/graphics/fbcon/cursor_blink 2>/dev/null
	printf '\033[?25l\033[?17;0;0c\033[9;0]\033[14;0]\033[0m\033[2J\033[H' >"$1"
	setterm -cursor off -blank 0 -powerdown 0 >"$1" 2>/dev/null
}

# text_screens TTY: /tmp/t0 and /tmp/t1, two screens of text for TTY
# that differ in every character cell.  draw_text N TTY homes the cursor
# and prints screen N % 2 over the other, so fbcon redraws every cell (no
# scrolling: the last line has no newline).
text_screens() {
	size=$(stty size <"$1")
	TEXT_ROWS=${size% *}
	TEXT_COLS=${size#* }
	awk -v r="$TEXT_ROWS" -v c="$TEXT_COLS" 'BEGIN {
		s = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		for (k = 0; k < 2; k++) {
			f = "/tmp/t" k
			for (y = 0; y < r; y++) {
				l = ""
				for (x = 0; x < c; x++)
					l = l substr(s, (x * 7 + y * 13 + k * 31) % 62 + 1, 1)
				printf "%s%s", l, (y < r - 1 ? "\n" : "") > f
			}
			close(f)
		}
	}'
}

draw_text() {
	printf '\033[H' >"$2"
	cat /tmp/t$(($1 % 2)) >"$2"
}

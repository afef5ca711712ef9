#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=dash disable=SC2013
#
# /init of the display benchmark guest (tests/bench/display.sh packs it
# with a static busybox, init-lib.sh and the DRM driver chains into an
# initramfs).
#
# Kernel command line:
#   bench.dev=igvt|vga|virtio   which driver chain to load (/etc/load-DEV)
#   bench.workload=fb|text      what the busy phase draws (default fb)
#   MODULE.PARAM=VALUE          handed to insmod (busybox insmod does not
#                               read them from the command line itself)
#
# Everything for the host goes to ttyS0 as "BENCH: ..." lines; the host
# sends commands back on ttyS0, one a line:
#   BUSY   start redrawing the whole screen continuously ("BENCH: FRAME N"
#          after each frame)
#   STOP   stop it; answers "BENCH: BUSY-OFF frames=N"
#   ONE    draw one frame; answers "BENCH: WROTE N"
#   OFF    power off
# While no BUSY is running nothing is drawn (the idle phase).

PATH=/bin
export PATH
# boot, say, now, off, fail, load_modules
# shellcheck source-path=SCRIPTDIR source=init-lib.sh
. /lib/init-lib.sh
# shellcheck disable=SC2119 # no directories beyond boot's own
boot

dev=
workload=fb
for arg in $(cat /proc/cmdline); do
	case $arg in
	bench.dev=*) dev=${arg#*=} ;;
	bench.workload=*) workload=${arg#*=} ;;
	esac
done
say "BEGIN kernel=$(uname -r) dev=$dev workload=$workload uptime=$(now)"
[ -r "/etc/load-$dev" ] || fail "no module list for bench.dev=$dev"
load_modules "/etc/load-$dev"

# The DRM driver's fbdev emulation registers fb0 (fbcon takes it over)
n=0
while [ ! -e /sys/class/graphics/fb0/virtual_size ] || [ ! -c /dev/fb0 ]; do
	n=$((n + 1))
	[ "$n" -lt 300 ] || fail "no /dev/fb0 60 s after loading the driver"
	usleep 200000
done
fb=/sys/class/graphics/fb0
# the DRM driver's name (for virtio-gpu, card0's device is on the virtio bus)
drv=-
[ -r /sys/kernel/debug/dri/0/name ] && drv=$(cut -d' ' -f1 /sys/kernel/debug/dri/0/name)
stride=$(cat $fb/stride)
vsize=$(cat $fb/virtual_size)
bpp=$(cat $fb/bits_per_pixel)
vcon=
for v in /sys/class/vtconsole/vtcon*; do
	[ "$(cat "$v/bind" 2>/dev/null)" = 1 ] && vcon="$vcon|$(cat "$v/name")"
done
say "FB name=$(cat $fb/name | tr ' ' _) drm=$drv virtual_size=$vsize bpp=$bpp stride=$stride vtcon=$(echo "${vcon#|}" | tr ' ' _)"

# Quiet console: no kernel messages, no blinking cursor, no blanking
dmesg -n 1
echo 0 >/sys/class/graphics/fbcon/cursor_blink 2>/dev/null
tty=/dev/tty1
printf '\033[?25l\033[?17;0;0c\033[9;0]\033[14;0]\033[0m\033[2J\033[H' >$tty
setterm -cursor off -blank 0 -powerdown 0 >$tty 2>/dev/null

# The visible frame: YRES rows of STRIDE bytes from the start of fb0
yres=${vsize#*,}
xres=${vsize%,*}
frame=$((stride * yres))

# Two frames that differ in every pixel, written alternately
if [ "$workload" = fb ]; then
	dd if=/dev/urandom of=/tmp/a bs="$stride" count="$yres" 2>/dev/null
	dd if=/dev/urandom of=/tmp/b bs="$stride" count="$yres" 2>/dev/null
	[ "$(wc -c </tmp/b)" = "$frame" ] || fail "could not make the frame images"
else
	# text: two screens of text that differ in every character cell; a
	# frame homes the cursor and prints one of them over the other, so
	# fbcon redraws every cell (no scrolling: the last line has no
	# newline)
	size=$(stty size <$tty)
	rows=${size% *}
	cols=${size#* }
	awk -v r="$rows" -v c="$cols" 'BEGIN {
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
	say "TEXT rows=$rows cols=$cols"
fi

# draw frame N (even: image a, odd: image b); every frame differs from
# the one before in every pixel (fb) or every character cell (text)
draw() {
	if [ "$workload" = fb ]; then
		img=/tmp/a
		[ $(($1 % 2)) = 1 ] && img=/tmp/b
		dd if=$img of=/dev/fb0 bs="$frame" count=1 2>/dev/null || say "WRITE-ERROR"
	else
		printf '\033[H' >$tty
		cat /tmp/t$(($1 % 2)) >$tty
	fi
}

busy() {
	i=0
	while :; do
		draw $i
		i=$((i + 1))
		echo "$i" >/tmp/frames
		say "FRAME $i"
	done
}

say "READY dev=$dev drm=$drv xres=$xres yres=$yres stride=$stride bpp=$bpp frame=$frame uptime=$(now)"
pid=
one=0
while read -r cmd; do
	case $cmd in
	BUSY)
		echo 0 >/tmp/frames
		busy &
		pid=$!
		say "BUSY-ON"
		;;
	STOP)
		[ -z "$pid" ] || kill "$pid" 2>/dev/null
		[ -z "$pid" ] || wait "$pid" 2>/dev/null
		pid=
		say "BUSY-OFF frames=$(cat /tmp/frames)"
		;;
	ONE)
		draw $one
		one=$((one + 1))
		say "WROTE $one"
		;;
	OFF) off ;;
	esac
done
poweroff -f

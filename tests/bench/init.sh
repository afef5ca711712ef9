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
# boot, say, now, off, fail, cmdline_arg, load_modules, wait_fb,
# quiet_console, text_screens, draw_text
# shellcheck source-path=SCRIPTDIR source=init-lib.sh
. /lib/init-lib.sh
# shellcheck disable=SC2119 # no directories beyond boot's own
boot

dev=$(cmdline_arg bench.dev)
workload=$(cmdline_arg bench.workload)
[ -n "$workload" ] || workload=fb
say "BEGIN kernel=$(uname -r) dev=$dev workload=$workload uptime=$(now)"
[ -r "/etc/load-$dev" ] || fail "no module list for bench.dev=$dev"
load_modules "/etc/load-$dev"

# FB, STRIDE, XRES, YRES, BPP
wait_fb
# the DRM driver's name (for virtio-gpu, card0's device is on the virtio bus)
drv=-
[ -r /sys/kernel/debug/dri/0/name ] && drv=$(cut -d' ' -f1 /sys/kernel/debug/dri/0/name)
vcon=
for v in /sys/class/vtconsole/vtcon*; do
	[ "$(cat "$v/bind" 2>/dev/null)" = 1 ] && vcon="$vcon|$(cat "$v/name")"
done
say "FB name=$(tr ' ' _ <$FB/name) drm=$drv virtual_size=$XRES,$YRES bpp=$BPP stride=$STRIDE vtcon=$(echo "${vcon#|}" | tr ' ' _)"

tty=/dev/tty1
quiet_console $tty

# The visible frame: YRES rows of STRIDE bytes from the start of fb0
frame=$((STRIDE * YRES))

# Two frames that differ in every pixel, written alternately
if [ "$workload" = fb ]; then
	dd if=/dev/urandom of=/tmp/a bs="$STRIDE" count="$YRES" 2>/dev/null
	dd if=/dev/urandom of=/tmp/b bs="$STRIDE" count="$YRES" 2>/dev/null
	[ "$(wc -c </tmp/b)" = "$frame" ] || fail "could not make the frame images"
else
	# text: two screens of text that differ in every character cell
	text_screens $tty
	say "TEXT rows=$TEXT_ROWS cols=$TEXT_COLS"
fi

# draw frame N (even: image a, odd: image b); every frame differs from
# the one before in every pixel (fb) or every character cell (text)
draw() {
	if [ "$workload" = fb ]; then
		img=/tmp/a
		[ $(($1 % 2)) = 1 ] && img=/tmp/b
		dd if=$img of=/dev/fb0 bs="$frame" count=1 2>/dev/null || say "WRITE-ERROR"
	else
		draw_text "$1" $tty
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

say "READY dev=$dev drm=$drv xres=$XRES yres=$YRES stride=$STRIDE bpp=$BPP frame=$frame uptime=$(now)"
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

#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=dash disable=SC2013
#
# /init of the aperture benchmark guest (tests/bench/aperture.sh packs it
# with a static busybox, init-lib.sh, the DRM driver chains and apwrite).
#
# Kernel command line:
#   bench.dev=igvt|vga   which driver chain to load (/etc/load-DEV)
#   MODULE.PARAM=VALUE   handed to insmod
#
# Once fb0 is up the guest says "BENCH: READY ..." and takes commands
# from the host on ttyS0, one a line; each answers "BENCH: RESULT ..."
# (or "BENCH: ERROR ...") and then "BENCH: DONE NAME rc=N":
#   FB SECS         write fb0's visible frame through its mmap (apwrite fb)
#   GTT MIB SECS    write an i915 object through a GTT mmap (apwrite gtt)
#   BIND MIB N      bind N objects into the GGTT (apwrite bind)
#   TEXT SECS       fbcon redraws a whole screen of text, again and again:
#                   "BENCH: RESULT text frames=N secs=S"
#   OFF             power off

PATH=/bin
export PATH
# boot, say, now, off, fail, cmdline_arg, load_modules, wait_fb,
# quiet_console, text_screens, draw_text
# shellcheck source-path=SCRIPTDIR source=init-lib.sh
. /lib/init-lib.sh
# shellcheck disable=SC2119 # no directories beyond boot's own
boot

dev=$(cmdline_arg bench.dev)
say "BEGIN kernel=$(uname -r) dev=$dev uptime=$(now)"
[ -r "/etc/load-$dev" ] || fail "no module list for bench.dev=$dev"
load_modules "/etc/load-$dev"
wait_fb
tty=/dev/tty1
quiet_console $tty
text_screens $tty

# text SECS: redraw the screen for SECS seconds of guest time
text() {
	t0=$(now)
	end=$(awk -v a="$t0" -v s="$1" 'BEGIN { print a + s }')
	i=0
	while awk -v a="$(now)" -v b="$end" 'BEGIN { exit !(a < b) }'; do
		draw_text $i $tty
		i=$((i + 1))
	done
	say "RESULT text frames=$i secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')"
}

say "READY dev=$dev xres=$XRES yres=$YRES stride=$STRIDE bpp=$BPP rows=$TEXT_ROWS cols=$TEXT_COLS uptime=$(now)"
while read -r cmd args; do
	case $cmd in
	FB) set -- fb "$args" ;;
	GTT) set -- gtt "${args% *}" "${args#* }" ;;
	BIND) set -- bind "${args% *}" "${args#* }" ;;
	TEXT)
		text "$args"
		say "DONE TEXT rc=0"
		continue
		;;
	OFF) off ;;
	*) continue ;;
	esac
	/bin/apwrite "$@" >/tmp/out 2>&1
	rc=$?
	sed 's/^/BENCH: /' /tmp/out
	say "DONE $cmd rc=$rc"
done
poweroff -f

#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# /init of the igvt test guest.  run.sh packs this file, a static busybox
# and the i915 module chain (/lib/modules/*.ko, load order in
# /etc/modules.load, i915 last) into an uncompressed initramfs.
#
# Two modes, picked with igvt.mode= on the kernel command line:
#   check  load the chain, report what i915 did, dump dmesg, power off
#   demo   load the chain, then give the console (and tty1) a shell
#
# Every line meant for the host starts with "IGVT-GUEST: ".  Results are
# single "IGVT-GUEST: RESULT key=value" lines; the raw dmesg (with <level>
# prefixes) sits between DMESG-BEGIN and DMESG-END.

/bin/busybox mkdir -p /proc /sys /dev /tmp /run /root
/bin/busybox --install -s /bin
PATH=/bin
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
for arg in $(cat /proc/cmdline); do
	case $arg in
	igvt.mode=*) mode=${arg#*=} ;;
	igvt.wait=*) wait_s=${arg#*=} ;;
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

if [ "$mode" = check ]; then
	# keep later kernel messages from splitting the lines below
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

say "DMESG-BEGIN"
dmesg -r
say "DMESG-END"
say "RESULT poweroff-uptime=$(now)"
poweroff -f
sleep 10

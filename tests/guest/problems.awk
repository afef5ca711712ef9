# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boil a guest kernel log down to its i915/drm trouble, for run.sh.
#
# Input: raw dmesg lines ("<level>[  time] text"), or plain console lines
# when the guest died before it could dump dmesg.
# Output: one line per distinct problem, in order of first appearance and
# with the first timestamp; "(xN)" when it repeated.  Kept:
#   - i915/drm lines at warning level or worse (level <= 4);
#   - i915/drm lines of any level that say *ERROR*, WARN, Call Trace,
#     wedged or timed out (drm.debug output included);
#   - every WARN/BUG block ("cut here" ... "end trace"), folded into one
#     line: message, source site and the innermost call frames;
#   - BUG/Oops/general protection fault/Kernel panic lines.

function remember(key, text) {
	if (!(key in count)) {
		order[++n] = key
		first[key] = text
	}
	count[key]++
}

function tidy(s) {
	sub(/^ +/, "", s)
	gsub(/\+0x[0-9a-f]+\/0x[0-9a-f]+/, "", s)
	sub(/ \[i915\]$/, "", s)
	return s
}

function end_block(    text) {
	text = "WARNING"
	if (site != "") text = text " at " site
	if (msg != "") text = text ": " msg
	if (frames != "") text = text " (via " frames ")"
	remember("W " site " " msg, bts text)
	inblk = 0
}

{
	line = $0
	lvl = -1
	if (line ~ /^<[0-9]+>/) {
		i = index(line, ">")
		lvl = substr(line, 2, i - 2) % 8
		line = substr(line, i + 1)
	}
	ts = ""
	if (match(line, /^\[ *[0-9]+\.[0-9]+\] ?/)) {
		ts = substr(line, 1, RLENGTH)
		line = substr(line, RLENGTH + 1)
	}

	if (inblk) {
		if (line ~ /---\[ end trace/ || ++blen > 150) {
			end_block()
			next
		}
		if (line ~ /^WARNING: CPU: [0-9]+ PID: [0-9]+ at /) {
			site = line
			sub(/^WARNING: CPU: [0-9]+ PID: [0-9]+ at /, "", site)
			site = tidy(site)
			next
		}
		if (line ~ /^(kernel )?BUG: |^Oops/) {
			if (site == "") site = line
			next
		}
		if (line ~ /^(Modules linked in|CPU: |Hardware name|RIP: |Code: |RSP: |R[A-Z0-9]+: |FS: |CS: |CR2: |DR[0-9]: |Call Trace|Workqueue: |Tainted: )/)
			next
		if (line ~ /^ *<\/?(TASK|IRQ)>/ || line ~ /^ +\? /)
			next
		if (line ~ /^ +[A-Za-z0-9_.]+\+0x[0-9a-f]+\/0x/) {
			if (nf < 5) frames = frames (nf++ ? " < " : "") tidy(line)
			next
		}
		if (site == "") msg = (msg == "" ? line : msg " / " line)
		next
	}

	if (line ~ /-+\[ cut here \]-+/) {
		inblk = 1
		blen = 0
		site = ""
		msg = ""
		frames = ""
		nf = 0
		bts = ts
		next
	}
	if (line ~ /BUG:|Oops|general protection fault|Kernel panic/) {
		remember(line, ts line)
		next
	}
	if (line !~ /i915|drm/)
		next
	if ((lvl >= 0 && lvl <= 4) || line ~ /\*ERROR\*|WARN|Call Trace|wedged|timed out/)
		remember(line, ts line)
}

END {
	if (inblk) {
		msg = msg (msg == "" ? "" : " ") "(block cut off)"
		end_block()
	}
	for (i = 1; i <= n; i++) {
		k = order[i]
		print first[k] (count[k] > 1 ? "  (x" count[k] ")" : "")
	}
}

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Display side of the igvt real-guest harness (called by run.sh).

  display.py drive --qmp SOCK --serial-log FILE --shots DIR -- QEMU ARGS...
      Run QEMU with the guest's serial line on a pipe.  The guest's init
      (igvt.mode=display) asks for things with "IGVT-GUEST: REQUEST N VERB
      ARGS": "shot NAME" takes a QMP screendump (DIR/NAME.ppm) and
      query-igvt-display (DIR/NAME.json); "monitor W H" runs
      igvt-set-monitor; "engines NAME" saves query-igvt-engines
      (DIR/engines-NAME.json, and one "HOST engines NAME JSON" line in the
      serial log).  Each request is answered with "ACK N ok|error ..."
      on the serial line.  Exits with QEMU's status.

  display.py report --run DIR --tag TAG --xres W --yres H --setmode WxH
                    [--hotplug WxH] [--why REASON]
      Judge a finished display boot: prints "TEST OK|FAIL description"
      lines, each followed by "DIAG text" lines, for run.sh to number.

  display.py console|smpte PPM ...   (checks of one image, for debugging)

Only the standard library is used.  Screendumps are PPM (P6).
"""

import argparse
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time

MARK = "IGVT-GUEST:"

# --------------------------------------------------------------- images --


class Image:
    def __init__(self, width, height, data):
        self.w = width
        self.h = height
        self.data = data            # RGB, 3 bytes a pixel, rows top down

    def px(self, x, y):
        i = (y * self.w + x) * 3
        return tuple(self.data[i:i + 3])

    def row(self, y):
        return self.data[y * self.w * 3:(y + 1) * self.w * 3]


def read_ppm(path):
    with open(path, "rb") as f:
        raw = f.read()
    fields = []
    pos = 0
    while len(fields) < 4:
        while pos < len(raw) and raw[pos:pos + 1].isspace():
            pos += 1
        if raw[pos:pos + 1] == b"#":
            while pos < len(raw) and raw[pos:pos + 1] != b"\n":
                pos += 1
            continue
        start = pos
        while pos < len(raw) and not raw[pos:pos + 1].isspace():
            pos += 1
        if start == pos:
            raise ValueError(f"{path}: truncated PPM header")
        fields.append(raw[start:pos])
    pos += 1
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"{path}: not an 8-bit P6 PPM")
    w, h = int(fields[1]), int(fields[2])
    data = raw[pos:pos + w * h * 3]
    if len(data) != w * h * 3:
        raise ValueError(f"{path}: {len(data)} bytes of pixels for {w}x{h}")
    return Image(w, h, data)


def rgb(c):
    return "#%02x%02x%02x" % c


# ------------------------------------------------------- console check --
# The guest drew, on a cleared screen without a cursor (init.sh):
#   row 1, column 1:           TOKEN
#   row rows/2-2, column 1:    CALIBRATION (every character the lines use)
#   row rows/2+1, column 1:    "IGVT-GUEST: DISPLAY-MARK " + TOKEN in bright red
#   last row, right aligned:   TOKEN
#   row 1, last column and last row, column 1: U+2588 FULL BLOCK
# The glyphs are learnt from the calibration row, so the check does not
# depend on the font; then the other rows are read back cell by cell and
# must give exactly the expected text, and every other pixel must be
# background.  The full blocks must light their cells edge to edge, which
# pins the text grid to the screen's corners (a shifted or mis-strided
# scanout fails).  A random TOKEN makes a stale or foreign screen fail.

CALIBRATION = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-:"
MARKER = "IGVT-GUEST: DISPLAY-MARK "
BLOCK = "\u2588"


def console_layout(rows, cols, token):
    """[(row, col, text, role)], rows and columns 0-based."""
    return [
        (0, 0, token, "top-left token"),
        (rows // 2 - 3, 0, CALIBRATION, "calibration"),
        (rows // 2, 0, MARKER, "marker"),
        (rows // 2, len(MARKER), token, "marker token"),
        (rows - 1, cols - len(token), token, "bottom-right token"),
        (0, cols - 1, BLOCK, "top-right block"),
        (rows - 1, 0, BLOCK, "bottom-left block"),
    ]


def check_console(img, xres, yres, rows, cols, token):
    """Returns (ok, summary, [diagnostics])."""
    diags = []
    if (img.w, img.h) != (xres, yres):
        return False, f"screendump is {img.w}x{img.h}, not {xres}x{yres}", diags
    if rows <= 8 or cols <= 40:
        return False, f"the guest reported a {rows}x{cols} text console", diags
    cw, ch = xres // cols, yres // rows
    if cw < 4 or ch < 6:
        return False, f"{cols}x{rows} cells on {xres}x{yres} leave {cw}x{ch} pixel cells", diags
    # background: the most common colour of the first and last pixel rows
    counts = {}
    for y in (0 + ch, img.h - 1 - ch):
        line = img.row(y)
        for i in range(0, len(line), 3 * 7):
            c = tuple(line[i:i + 3])
            counts[c] = counts.get(c, 0) + 1
    bg = max(counts, key=counts.get)
    bgb = bytes(bg)

    def cell(r, c):
        x0, y0 = c * cw, r * ch
        mask = []
        colours = {}
        for y in range(y0, y0 + ch):
            line = img.row(y)
            bits = 0
            for x in range(x0, x0 + cw):
                p = line[x * 3:x * 3 + 3]
                if p != bgb:
                    bits |= 1 << (x - x0)
                    t = tuple(p)
                    colours[t] = colours.get(t, 0) + 1
            mask.append(bits)
        return tuple(mask), colours

    layout = console_layout(rows, cols, token)
    cal_row = layout[1][0]
    glyphs = {}
    for i, chr_ in enumerate(CALIBRATION):
        m, _ = cell(cal_row, i)
        glyphs[chr_] = m
    empty = [c for c, m in glyphs.items() if not any(m)]
    if len(empty) == len(CALIBRATION):
        return False, ("the calibration row (text row %d) is blank: the console text is not "
                       "on the screen (background %s)" % (cal_row + 1, rgb(bg))), diags
    if empty:
        diags.append("calibration glyphs without a lit pixel: " + "".join(empty))
    by_mask = {}
    for c, m in glyphs.items():
        by_mask.setdefault(m, []).append(c)
    same = ["".join(v) for v in by_mask.values() if len(v) > 1]
    if same:
        diags.append("calibration glyphs that look alike: " + " ".join(same))
    ok = not empty and not same

    drawn = {}          # (row, col) -> expected char
    colours_of = {}     # role -> {colour: n}
    full = tuple([(1 << cw) - 1] * ch)
    for r, c0, text, role in layout:
        if text == BLOCK:
            drawn[(r, c0)] = BLOCK
            m, _ = cell(r, c0)
            lit = sum(bin(v).count("1") for v in m)
            if m != full:
                ok = False
                diags.append(f"{role} (text row {r + 1}, column {c0 + 1}, pixels "
                             f"x={c0 * cw}..{c0 * cw + cw - 1} y={r * ch}..{r * ch + ch - 1}): "
                             f"{lit} of {cw * ch} pixels lit, expected all")
            continue
        got = []
        cols_seen = {}
        for i, want in enumerate(text):
            drawn[(r, c0 + i)] = want
            m, colours = cell(r, c0 + i)
            for k, v in colours.items():
                cols_seen[k] = cols_seen.get(k, 0) + v
            if not any(m):
                got.append(" ")
            else:
                hit = by_mask.get(m)
                got.append(hit[0] if hit and len(hit) == 1 else "?")
        colours_of[role] = cols_seen
        got = "".join(got)
        if role != "calibration" and got != text:
            ok = False
            diags.append(f"{role} at text row {r + 1}, column {c0 + 1}: read {got!r}, "
                         f"expected {text!r}")
    # every pixel outside the drawn cells is background
    stray = 0
    where = None
    bgrow = bgb * img.w
    for y in range(img.h):
        line = img.row(y)
        if line == bgrow:
            continue
        r = y // ch
        for x in range(img.w):
            if line[x * 3:x * 3 + 3] != bgb and (r, x // cw) not in drawn:
                stray += 1
                if where is None:
                    where = (x, y)
    if stray:
        ok = False
        diags.append(f"{stray} lit pixels outside the text the guest drew "
                     f"(first at x={where[0]} y={where[1]}, colour {rgb(img.px(*where))})")
    # colours: grey text, the token in bright red (catches swapped channels)
    grey = colours_of["marker"]
    red = colours_of["marker token"]
    if grey and red:
        g = max(grey, key=grey.get)
        r_ = max(red, key=red.get)
        if not (abs(g[0] - g[1]) < 16 and abs(g[1] - g[2]) < 16 and g[0] > 96):
            ok = False
            diags.append(f"default text colour is {rgb(g)}, expected a light grey")
        if not (r_[0] > r_[1] + 64 and r_[0] > r_[2] + 64):
            ok = False
            diags.append(f"the bright red token is {rgb(r_)}: red is not red "
                         "(colour channels swapped?)")
        colour_note = f"text {rgb(g)}, token {rgb(r_)}, background {rgb(bg)}"
    else:
        colour_note = f"background {rgb(bg)}"
    summary = (f"{img.w}x{img.h}, {cols}x{rows} text cells of {cw}x{ch} px, {colour_note}")
    return ok, summary, diags


# --------------------------------------------------------- SMPTE check --
# modetest's default pattern for -s in XR24 (libdrm tests/util/pattern.c):
# the top 6/9 of the height: 7 bars (x * 7 / width) of grey, yellow, cyan,
# green, magenta, red, blue at 192; up to 7/9: blue, black, magenta,
# black, cyan, black, grey; the rest: in-phase, super white, quadrature,
# black across the first 5/7 (4 bars), the 3.5 %, 7.5 %, 11.5 % steps
# across the next 1/7, black to the end.  Integer arithmetic as in C.

SMPTE_TOP = [(192, 192, 192), (192, 192, 0), (0, 192, 192), (0, 192, 0),
             (192, 0, 192), (192, 0, 0), (0, 0, 192)]
SMPTE_MIDDLE = [(0, 0, 192), (19, 19, 19), (192, 0, 192), (19, 19, 19),
                (0, 192, 192), (19, 19, 19), (192, 192, 192)]
SMPTE_BOTTOM = [(0, 33, 76), (255, 255, 255), (50, 0, 106), (19, 19, 19),
                (9, 9, 9), (19, 19, 19), (29, 29, 29), (19, 19, 19)]
PLAIN = (0x77, 0x77, 0x77)       # modetest's second buffer in the flip loop


def smpte_rows(w):
    top = b"".join(bytes(SMPTE_TOP[x * 7 // w]) for x in range(w))
    mid = b"".join(bytes(SMPTE_MIDDLE[x * 7 // w]) for x in range(w))
    bot = []
    for x in range(w):
        if x < w * 5 // 7:
            c = SMPTE_BOTTOM[x * 4 // (w * 5 // 7)]
        elif x < w * 6 // 7:
            c = SMPTE_BOTTOM[(x - w * 5 // 7) * 3 // (w // 7) + 4]
        else:
            c = SMPTE_BOTTOM[7]
        bot.append(bytes(c))
    return top, mid, b"".join(bot)


def compare_rows(img, expected_row):
    """expected_row(y) -> bytes.  Returns (bad pixels, first bad (x, y, got, want))."""
    bad = 0
    first = None
    for y in range(img.h):
        want = expected_row(y)
        got = img.row(y)
        if got == want:
            continue
        for x in range(img.w):
            a, b = got[x * 3:x * 3 + 3], want[x * 3:x * 3 + 3]
            if a != b:
                bad += 1
                if first is None:
                    first = (x, y, tuple(a), tuple(b))
    return bad, first


def check_smpte(img, w, h):
    if (img.w, img.h) != (w, h):
        return False, f"screendump is {img.w}x{img.h}, not {w}x{h}", []
    top, mid, bot = smpte_rows(w)

    def exp(y):
        return top if y < h * 6 // 9 else mid if y < h * 7 // 9 else bot
    bad, first = compare_rows(img, exp)
    if bad == 0:
        return True, f"{w}x{h}, every pixel matches the SMPTE pattern", []
    x, y, a, b = first
    diags = [f"{bad} of {w * h} pixels differ; first at x={x} y={y}: {rgb(a)}, expected {rgb(b)}"]
    # what is there instead, at the centre of each top bar
    diags.append("top bar centres: " + " ".join(
        rgb(img.px((2 * i + 1) * w // 14, h // 3)) for i in range(7)) +
        " (expected " + " ".join(rgb(c) for c in SMPTE_TOP) + ")")
    return False, f"{w}x{h}, not the SMPTE pattern", diags


def check_flipshot(img, w, h):
    """A screendump during the flip loop shows one of the two buffers whole."""
    if (img.w, img.h) != (w, h):
        return False, f"screendump is {img.w}x{img.h}, not {w}x{h}"
    ok, _, _ = check_smpte(img, w, h)
    if ok:
        return True, "shows the SMPTE buffer"
    plain = bytes(PLAIN) * w
    bad, first = compare_rows(img, lambda y: plain)
    if bad == 0:
        return True, "shows the plain grey buffer"
    return False, (f"neither buffer: {bad} pixels differ from the plain one, first at "
                   f"x={first[0]} y={first[1]} {rgb(first[2])}")


# -------------------------------------------------------------- driving --


class Qmp:
    def __init__(self, path, log, deadline, alive):
        self.log = log
        self.sock = None
        while time.monotonic() < deadline and alive():
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
                self.sock = s
                break
            except OSError:
                s.close()
                time.sleep(0.05)
        if self.sock is None:
            raise OSError(f"cannot connect to QMP at {path}")
        self.buf = b""
        self.recv()                                 # greeting
        self.cmd("qmp_capabilities")

    def recv(self):
        while b"\n" not in self.buf:
            self.sock.settimeout(60)
            d = self.sock.recv(65536)
            if not d:
                raise OSError("QMP connection closed")
            self.buf += d
        line, self.buf = self.buf.split(b"\n", 1)
        self.log.write(b"<- " + line + b"\n")
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        raw = json.dumps(msg).encode()
        self.log.write(b"-> " + raw + b"\n")
        self.log.flush()
        self.sock.sendall(raw + b"\n")
        while True:
            r = self.recv()
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise RuntimeError(r["error"].get("desc", str(r["error"])))


def drive(args):
    os.makedirs(args.shots, exist_ok=True)
    err = open(args.qemu_err, "wb") if args.qemu_err else None
    proc = subprocess.Popen(args.qemu, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=err)

    def stop(signum, _frame):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
        sys.exit(128 + signum)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    slog = open(args.serial_log, "wb")
    qlog = open(os.path.join(args.shots, "qmp.log"), "wb")
    qmp = None
    try:
        qmp = Qmp(args.qmp, qlog, time.monotonic() + 30, lambda: proc.poll() is None)
    except OSError as e:
        slog.write(f"{MARK} HOST cannot talk QMP: {e}\n".encode())
    fd = proc.stdout.fileno()
    pending = b""
    req = re.compile(MARK + r" REQUEST (\d+) (\S+)(.*)$")
    qom = None
    while True:
        r, _, _ = select.select([fd], [], [], 1.0)
        if not r:
            if proc.poll() is not None:
                break
            continue
        data = os.read(fd, 65536)
        if not data:
            break
        slog.write(data)
        slog.flush()
        pending += data
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            m = req.search(raw.decode("latin-1").rstrip("\r"))
            if not m:
                continue
            n, verb, rest = m.group(1), m.group(2), m.group(3).split()
            answer = "ok"
            try:
                if qmp is None:
                    raise RuntimeError("no QMP connection")
                if verb == "shot" and rest:
                    name = re.sub(r"[^A-Za-z0-9_.-]", "_", rest[0])
                    t0 = time.monotonic()
                    qmp.cmd("screendump", filename=os.path.join(args.shots, name + ".ppm"))
                    disp = qmp.cmd("query-igvt-display")
                    with open(os.path.join(args.shots, name + ".json"), "w") as f:
                        json.dump(disp, f, indent=1)
                    answer = f"ok {time.monotonic() - t0:.2f}s"
                elif verb == "engines" and rest:
                    name = re.sub(r"[^A-Za-z0-9_.-]", "_", rest[0])
                    eng = qmp.cmd("query-igvt-engines")
                    with open(os.path.join(args.shots, "engines-" + name + ".json"), "w") as f:
                        json.dump(eng, f, indent=1)
                    # into the log as well, one line
                    slog.write(f"{MARK} HOST engines {name} {json.dumps(eng)}\n".encode())
                elif verb == "monitor" and len(rest) == 2:
                    if qom is None:
                        qom = qmp.cmd("query-igvt")[0]["qom-path"]
                    qmp.cmd("igvt-set-monitor", **{"qom-path": qom, "xres": int(rest[0]),
                                                   "yres": int(rest[1])})
                else:
                    raise RuntimeError(f"unknown request {verb} {rest}")
            except (RuntimeError, OSError, ValueError, IndexError, KeyError) as e:
                answer = f"error {e}"
            note = f"{MARK} HOST request {n} {verb}: {answer}\n"
            slog.write(note.encode())
            slog.flush()
            try:
                proc.stdin.write(f"ACK {n} {answer}\n".encode())
                proc.stdin.flush()
            except OSError:
                pass
    if pending:
        slog.write(pending)
    slog.close()
    qlog.close()
    return proc.wait()


# ------------------------------------------------------------ reporting --


class Report:
    def __init__(self):
        self.lines = []

    def test(self, ok, desc, *diags):
        self.lines.append(f"TEST {'OK' if ok else 'FAIL'} {desc}")
        for d in diags:
            for part in str(d).splitlines():
                if part.strip():
                    self.lines.append(f"DIAG {part}")


def guest_lines(console):
    """The guest's own lines: MARK stripped, kernel noise dropped."""
    out = []
    for line in console:
        i = line.find(MARK)
        if i >= 0:
            out.append(line[i + len(MARK) + 1:])
    return out


def result(glines, key):
    val = None
    for g in glines:
        if g.startswith(f"RESULT {key}="):
            val = g[len(f"RESULT {key}="):]
    return val


def output_of(console, name):
    """Lines of a program's output the guest copied between markers, and rc."""
    lines, rc, inside = [], None, False
    for line in console:
        if f"{MARK} OUTPUT-BEGIN {name}" in line:
            inside, lines = True, []
        elif f"{MARK} OUTPUT-END {name} " in line:
            inside = False
            rc = line.split("rc=")[-1].strip()
        elif inside and line.startswith("| "):
            lines.append(line[2:])
    return lines, rc


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def pipe_summary(disp):
    """(summary text, [enabled pipes]) from a query-igvt-display answer."""
    if not disp:
        return "no query-igvt-display answer", []
    d = disp[0]
    on = [p for p in d.get("pipes", []) if p.get("enabled")]
    parts = [f"EDID {d.get('edid-xres')}x{d.get('edid-yres')}",
             f"connected={d.get('connected')}", f"vga={d.get('vga')}",
             f"console={d.get('console')}"]
    for p in on:
        planes = [pl for pl in p.get("planes", []) if pl.get("enabled")]
        pl = planes[0] if planes else {}
        parts.append(f"pipe {p['pipe']} {p['width']}x{p['height']} "
                     f"{p.get('refresh-mhz', 0) / 1000:.2f} Hz frame {p.get('frame-count')}"
                     + (f", plane {pl.get('plane')} {pl.get('format')} {pl.get('tiling')} "
                        f"{pl.get('width')}x{pl.get('height')} stride {pl.get('stride')}"
                        + (f" error {pl['error']}" if pl.get("error") else "")
                        if pl else ", no plane enabled"))
    if not on:
        parts.append("no pipe enabled")
    return ", ".join(parts), on


def parse_connectors(lines):
    """modetest -c: [{id, status, name, modes: [(name, refresh, types)]}]"""
    conns = []
    cur = None
    for line in lines:
        f = line.split()
        if len(f) >= 5 and f[0].isdigit() and f[1].isdigit() and \
                f[2] in ("connected", "disconnected", "unknown"):
            cur = {"id": f[0], "status": f[2], "name": f[3], "modes": []}
            conns.append(cur)
            continue
        m = re.match(r"\s*#\d+ (\S+) ([\d.]+) .*type: (.*)$", line)
        if m and cur is not None:
            cur["modes"].append((m.group(1), float(m.group(2)), m.group(3)))
    return conns


# Which log lines are display trouble.  i915's GT is allowed to be wedged
# for now and the DMC firmware is not in Debian's main archive, so the
# lines about those do not count; everything else at error level from
# i915/drm, every timeout, and every WARN does.
DISPLAY_NOISE = [
    re.compile(r"dmc|DMC"),                          # firmware i915/*_dmc_*.bin is non-free
    re.compile(r"firmware"),                         # ditto (Direct firmware load ...)
]
# A trained DP link that the sink later reports as lost (DPCD lane status)
# makes i915 retrain it: on a virtual link that is the device's doing,
# except after the hotplug test's long HPD pulse, which stands for an
# unplug and replug (the guest marks it in the log: HOTPLUG_MARK).
LINK_LOST = re.compile(r"link not ok, retraining|retraining link|[Ll]ink [Tt]raining (failed|Failed)|"
                       r"[Ff]ailed to (train|enable) (DP )?link")
HOTPLUG_MARK = "igvt-test: monitor hotplug"
DISPLAY_WORDS = re.compile(r"pipe|plane|crtc|transcoder|vblank|flip|\bDP\b|DDI|AUX|HPD|hotplug|"
                           r"connector|encoder|fbdev|fbcon|modeset|EDID|DPLL|cdclk|underrun|"
                           r"display|PSR|FBC|DMC|watermark", re.IGNORECASE)
GT_ONLY = re.compile(r"wedged|GT0|\bgt\b|GuC|HuC|engine|rcs|bcs|vcs|vecs|reset|hang|"
                     r"GPU HANG|execlists|intel_gt_|i915_gem_|ggtt|fence")


def log_problems(dmesg_lines):
    """(display problems, other problems) from a raw dmesg (with <level>)."""
    disp, other = [], []
    in_warn = False
    block = []
    last_status = ""
    replugged = False
    for raw in dmesg_lines:
        lvl = None
        line = raw
        m = re.match(r"<(\d+)>", line)
        if m:
            lvl = int(m.group(1)) % 8
            line = line[m.end():]
        text = re.sub(r"^\[ *\d+\.\d+\] ?", "", line)
        if HOTPLUG_MARK in text:
            replugged = True
        if "[ cut here ]" in text:
            in_warn, block = True, []
            continue
        if in_warn:
            block.append(text)
            if "---[ end trace" in text or len(block) > 150:
                in_warn = False
                site = next((b for b in block if b.startswith("WARNING:")), block[0] if block else "")
                body = " / ".join(b.strip() for b in block[:60])
                entry = "WARN: " + re.sub(r"^WARNING: CPU: \d+ PID: \d+ at ", "", site)
                (disp if re.search(r"display|intel_dp|intel_ddi|intel_crtc|intel_atomic|"
                                   r"intel_fb|intel_fbdev|drm_atomic|drm_vblank|drm_fb|"
                                   r"drm_crtc|drm_dp|intel_display|skl_|intel_cdclk|"
                                   r"intel_hotplug|intel_pipe|vblank|flip", body)
                 else other).append(entry)
            continue
        if not re.search(r"i915|drm", text):
            continue
        if "dump_link_status" in text:
            last_status = re.sub(r"^.*\] ", "", text.strip())
        bad = (lvl is not None and lvl <= 3) or re.search(
            r"\*ERROR\*|timed out|timeout|time out|WARN|Call Trace", text, re.IGNORECASE) or \
            LINK_LOST.search(text)
        if not bad:
            continue
        if any(n.search(text) for n in DISPLAY_NOISE):
            continue
        text = re.sub(r"^i915 [0-9a-f:.]+: ", "", text.strip())
        if LINK_LOST.search(text):
            if replugged:
                other.append(text + " (after the hotplug's replug)")
                continue
            disp.append(text)
            if last_status:
                disp.append("  the sink said: " + last_status)
            continue
        gt = GT_ONLY.search(text) and not DISPLAY_WORDS.search(text)
        (other if gt else disp).append(text)
    return disp, other


def fold(lines, limit=12):
    seen = {}
    for ln in lines:
        seen[ln] = seen.get(ln, 0) + 1
    out = [k + (f"  (x{v})" if v > 1 else "") for k, v in seen.items()]
    if len(out) > limit:
        out = out[:limit] + [f"... {len(out) - limit} more"]
    return out


def report(args):
    rep = Report()
    xres, yres = args.xres, args.yres
    res = f"{xres}x{yres}"
    sw, sh = (int(v) for v in args.setmode.split("x"))
    descs = [
        f"display: i915 modesets the DP monitor at its EDID mode {res}",
        f"display: screendump is {res} and shows the console text fbcon drew",
        f"display: modetest -c lists the DP connector, connected, preferred mode {res}",
        f"display: modetest -s {args.setmode} shows its SMPTE pattern in the screendump",
        "display: modetest -v page flips complete on vblank events",
    ]
    if args.hotplug:
        descs.append(f"display: igvt-set-monitor {args.hotplug} hotplug: i915 re-reads the EDID, "
                     f"fbcon moves to {args.hotplug}")
    descs.append("display: guest log has no i915 display errors, timeouts, warnings or link retrains")
    descs = [f"{args.tag}: {d}" for d in descs]

    if args.why:
        for d in descs:
            rep.test(False, d, args.why)
        print("\n".join(rep.lines))
        return 0

    run = args.run
    try:
        with open(os.path.join(run, "console.txt"), errors="replace") as f:
            console = f.read().split("\n")
    except OSError:
        console = []
    glines = guest_lines(console)
    why = args.boot_failure or ""
    skipped = [g for g in glines if g.startswith("DISPLAY skipped")]
    if skipped and not why:
        why = "guest: " + skipped[0]
    shots = os.path.join(run, "shots")

    # 1. modeset: connector connected, fbcon on i915's fb, pipe at WxH
    conns = [g for g in glines if g.startswith("CONNECTOR ")]
    fbs = [g for g in glines if g.startswith("FB ")]
    vtc = [g for g in glines if g.startswith("VTCON ")]
    disp = load_json(os.path.join(shots, "console.json"))
    psum, pipes = pipe_summary(disp)
    dp_conn = [c for c in conns if re.match(r"CONNECTOR DP-\d+ status=connected", c)]
    fb_ok = [f for f in fbs if re.search(r"name=(i915|inteldrm)drmfb", f) and
             f"virtual_size={xres},{yres}" in f]
    fbcon_ok = [v for v in vtc if "bind=1" in v and "frame buffer" in v]
    pipe_ok = [p for p in pipes if (p["width"], p["height"]) == (xres, yres) and
               any(pl.get("enabled") and not pl.get("error") for pl in p.get("planes", []))]
    ok = bool(dp_conn and fb_ok and fbcon_ok and pipe_ok)
    diags = []
    if not ok:
        if why:
            diags.append(why)
        diags += [c for c in conns[:4]] or ["the guest listed no DRM connectors"]
        diags += fbs[:2] or ["the guest has no framebuffer device"]
        diags += vtc[:3]
        diags.append("QMP: " + psum)
    else:
        diags.append(f"{dp_conn[0].split()[1]} connected; fbcon on "
                     f"{fb_ok[0].split()[1]}; QMP: {psum}")
    rep.test(ok, descs[0], *diags)

    # 2. console screendump
    token = args.token
    size = result(glines, "tty-size") or "0x0"
    try:
        rows, cols = (int(v) for v in size.split("x"))
    except ValueError:
        rows, cols = 0, 0
    ppm = os.path.join(shots, "console.ppm")
    if os.path.exists(ppm):
        try:
            img = read_ppm(ppm)
            ok, summary, d = check_console(img, xres, yres, rows, cols, token)
        except ValueError as e:
            ok, summary, d = False, str(e), []
        rep.test(ok, descs[1], f"token {token}: {summary}", *d,
                 *([] if ok else [f"image: {ppm}"]))
    else:
        rep.test(False, descs[1], why or "no console screendump was taken "
                 f"(guest tty size {size}; {'drawn' if any('DISPLAY-MARK' in g for g in glines) else 'nothing drawn'})")

    # 3. modetest -c
    lines, rc = output_of(console, "modetest-c")
    conns_mt = parse_connectors(lines)
    dp = [c for c in conns_mt if c["name"].startswith("DP") and c["status"] == "connected"]
    pref = [m for m in dp[0]["modes"] if "preferred" in m[2]] if dp else []
    ok = bool(dp and rc == "0" and pref and pref[0][0] == res and
              any(m[0] == args.setmode for m in dp[0]["modes"]))
    if dp:
        d = [f"connector {dp[0]['id']} {dp[0]['name']} {dp[0]['status']}, "
             f"{len(dp[0]['modes'])} modes: " +
             " ".join(sorted({m[0] for m in dp[0]['modes']}, key=lambda s: -int(s.split('x')[0]))) +
             f"; preferred {pref[0][0] + ' @ %.2f Hz' % pref[0][1] if pref else 'none'}"]
        if not any(m[0] == args.setmode for m in dp[0]["modes"]):
            d.append(f"{args.setmode} is not among the modes")
    else:
        d = [why or f"no connected DP connector in modetest -c (exit {rc})"] + \
            [f"  {c['id']} {c['name']} {c['status']}" for c in conns_mt] + lines[:5]
    rep.test(ok, descs[2], *d)

    # 4. modetest -s WxH: SMPTE in the screendump
    lines, rc = output_of(console, "modetest-s")
    ppm = os.path.join(shots, "modeset.ppm")
    setline = [ln for ln in lines if "setting mode" in ln]
    psum, pipes = pipe_summary(load_json(os.path.join(shots, "modeset.json")))
    if os.path.exists(ppm):
        try:
            ok, summary, d = check_smpte(read_ppm(ppm), sw, sh)
        except ValueError as e:
            ok, summary, d = False, str(e), []
        ok = ok and rc == "0"
        d = [summary] + d + [f"modetest: {setline[0] if setline else '(no setting mode line)'}; "
                             f"exit {rc}", "QMP: " + psum]
        if not ok:
            d.append(f"image: {ppm}")
        rep.test(ok, descs[3], *d)
    else:
        rep.test(False, descs[3], why or "no screendump: modetest did not get to set the mode",
                 *(lines[-6:] or ["(modetest printed nothing)"]), f"modetest exit {rc}")

    # 5. modetest -v: flips on vblank
    lines, rc = output_of(console, "modetest-v")
    freqs = [float(m.group(1)) for m in (re.search(r"freq: ([\d.]+)Hz", ln) for ln in lines) if m]
    timeouts = [ln for ln in lines if "timed out" in ln or "failed" in ln]
    refresh = pref[0][1] if pref else 0.0
    ppm = os.path.join(shots, "flip.ppm")
    shot_ok, shot_note = None, "no screendump during the loop"
    if os.path.exists(ppm):
        try:
            shot_ok, shot_note = check_flipshot(read_ppm(ppm), xres, yres)
        except ValueError as e:
            shot_ok, shot_note = False, str(e)
    fsum, _ = pipe_summary(load_json(os.path.join(shots, "flip.json")))
    # the loop flips once a frame at most: a rate well above the refresh
    # rate means flips complete without waiting for vblank.  How far below
    # it the rate falls depends on how much CPU the TCG guest gets, not on
    # the device: only a rate of zero (flips never complete) fails.
    rate_ok = bool(freqs) and refresh > 0 and \
        all(0 < f <= refresh * 1.1 for f in freqs)
    ok = rate_ok and not timeouts and rc == "0" and shot_ok is True
    d = [f"{len(freqs)} rate reports: " + " ".join(f"{f:.1f}" for f in freqs) +
         f" Hz (mode refresh {refresh:.2f} Hz); exit {rc}; screendump {shot_note}",
         "QMP during the loop: " + fsum]
    if timeouts:
        d += fold(timeouts, 5)
    if not freqs:
        d += [why] if why else []
        d += lines[-6:] or ["(modetest printed nothing)"]
    rep.test(ok, descs[4], *d)

    try:
        with open(os.path.join(run, "dmesg.txt"), errors="replace") as f:
            dmesg = f.read().split("\n")
    except OSError:
        dmesg = []

    # 6. hotplug: i915 notices by itself (the modes fbdev's probe keeps
    # change) and fbdev moves the pipe to the new preferred mode
    if args.hotplug:
        hw, hh = (int(v) for v in args.hotplug.split("x"))
        hp = result(glines, "hotplug")
        acked = [g for g in glines if re.match(r"ACKED \d+ ", g)]
        conn_after = [c for c in conns if c.startswith("CONNECTOR ") and "enabled=" not in c]
        hsum, hpipes = pipe_summary(load_json(os.path.join(shots, "hotplug.json")))
        size = None
        ppm = os.path.join(shots, "hotplug.ppm")
        if os.path.exists(ppm):
            try:
                img = read_ppm(ppm)
                size = (img.w, img.h)
            except ValueError:
                pass
        pipe_ok = any((p["width"], p["height"]) == (hw, hh) and
                      any(pl.get("enabled") and not pl.get("error") for pl in p.get("planes", []))
                      for p in hpipes)
        ok = hp is not None and hp.startswith(args.hotplug + " ") and pipe_ok and \
            size == (hw, hh)
        hpd = [ln for ln in dmesg if re.search(r"digital hpd on|hotplug event received", ln)]
        d = [f"guest: {hp or 'no hotplug result'}"] + conn_after[-1:] + \
            [f"then QMP: {hsum}; screendump {'%dx%d' % size if size else 'none'}"] + \
            [f"interrupt: {re.sub(r'^<[0-9]>', '', hpd[-1]).replace('i915 0000:00:02.0: ', '')}"
             if hpd else "no HPD interrupt in the log (drm.debug without KMS?)"]
        if not ok:
            d += [why] if why else []
            d += [a for a in acked if "error" in a]
        rep.test(ok, descs[5], *d)

    # 7. the log
    complete = any(f"{MARK} DMESG-END" in ln for ln in console)
    dprob, oprob = log_problems(dmesg)
    ok = complete and not dprob and not skipped
    d = fold(dprob) if dprob else []
    if not complete or skipped:
        d.insert(0, why or "the guest did not dump its log")
    if oprob:
        d.append(f"not counted here ({len(oprob)} lines about the GT, or link retrains after "
                 "the hotplug), e.g.: "
                 + fold(oprob, 1)[0])
    rep.test(ok, descs[-1], *d)
    print("\n".join(rep.lines))
    return 0


# ---------------------------------------------------------------- main --


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("drive")
    d.add_argument("--qmp", required=True)
    d.add_argument("--serial-log", required=True)
    d.add_argument("--shots", required=True)
    d.add_argument("--qemu-err")
    d.add_argument("qemu", nargs=argparse.REMAINDER)
    r = sub.add_parser("report")
    r.add_argument("--run", required=True)
    r.add_argument("--tag", required=True)
    r.add_argument("--xres", type=int, required=True)
    r.add_argument("--yres", type=int, required=True)
    r.add_argument("--setmode", required=True)
    r.add_argument("--hotplug", default="")
    r.add_argument("--token", default="")
    r.add_argument("--why", default="")
    r.add_argument("--boot-failure", default="")
    c = sub.add_parser("console")
    c.add_argument("ppm")
    c.add_argument("--xres", type=int, required=True)
    c.add_argument("--yres", type=int, required=True)
    c.add_argument("--rows", type=int, required=True)
    c.add_argument("--cols", type=int, required=True)
    c.add_argument("--token", required=True)
    s = sub.add_parser("smpte")
    s.add_argument("ppm")
    s.add_argument("--xres", type=int, required=True)
    s.add_argument("--yres", type=int, required=True)
    args = ap.parse_args()
    if args.cmd == "drive":
        if args.qemu and args.qemu[0] == "--":
            args.qemu = args.qemu[1:]
        if not args.qemu:
            ap.error("drive: no QEMU command")
        return drive(args)
    if args.cmd == "report":
        return report(args)
    if args.cmd == "console":
        ok, summary, diags = check_console(read_ppm(args.ppm), args.xres, args.yres,
                                           args.rows, args.cols, args.token)
    else:
        ok, summary, diags = check_smpte(read_ppm(args.ppm), args.xres, args.yres)
    print(("ok: " if ok else "FAIL: ") + summary)
    for x in diags:
        print("  " + x)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

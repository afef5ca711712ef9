# SPDX-License-Identifier: GPL-2.0-or-later
"""Aperture benchmark: guest writes through igvt-vga's aperture (fb0 and a
GTT mmap), fbcon text redraws and GGTT binds, against stock VGA's linear
framebuffer on the same guest, with guest RAM anonymous and in a memfd.

Run by tests/bench/aperture.sh; see tests/bench/README.md.  Speed is never
asserted: the exit status is 1 only when something did not run.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (QemuGuest, Qmp, finish, guest_args, logger,  # noqa: E402
                      num, table)

log = logger("bench-aperture")

# name, -device, driver chain, guest RAM
CONFIGS = {
    "igvt-anon": ("igvt-vga,addr=02.0", "igvt", "anon"),
    "igvt-memfd": ("igvt-vga,addr=02.0", "igvt", "memfd"),
    "vga": ("VGA", "vga", "anon"),
}

MIB = 1 << 20


def counters(qmp):
    """query-igvt's counters of the one vGPU."""
    return qmp.cmd("query-igvt")[0]["counters"]


def delta(a, b):
    return {k: b[k] - a[k] for k in b if isinstance(b[k], int)}


class Run:
    """One boot of one configuration and its phases."""

    def __init__(self, args, name):
        self.args = args
        self.name = name
        device, self.chain, self.ram = CONFIGS[name]
        self.igvt = self.chain == "igvt"
        self.guest = QemuGuest(os.path.join(args.work, "runs", "aperture", name),
                               os.path.join(args.work, f"sock-aperture-{os.getpid()}"))
        pre = []
        if self.ram == "memfd":
            pre = ["-object", f"memory-backend-memfd,id=ram0,size={args.mem},"
                   "share=on", "-machine", "memory-backend=ram0"]
        # no_timer_check: a busy host can make TCG miss the kernel's
        # IO-APIC timer check, which then panics
        append = ["console=ttyS0", "console=tty0", "panic=-1", "loglevel=4",
                  "no_timer_check", "consoleblank=0", "vt.global_cursor_default=0",
                  "fbcon=font:VGA8x16", f"bench.dev={self.chain}"]
        self.cmd = self.guest.qemu_cmd(args, f"bench-{name}", device, append,
                                       pre=pre)
        self.result = {"config": name, "ram": self.ram,
                       "cmdline": " ".join(self.cmd), "phases": {}}

    def phase(self, qmp, key, line, timeout):
        """Send line, wait for its DONE; the RESULT's fields and, on igvt,
        the counters' deltas."""
        cmd = line.split()[0]
        c0 = counters(qmp) if self.igvt else None
        start = len(self.guest.lines)
        self.guest.send(line)
        i, _t, done = self.guest.wait_line(f"DONE {cmd} ", timeout, start)
        c1 = counters(qmp) if self.igvt else None
        fields = {}
        for text in self.guest.text(start, i + 1):
            k = text.find("BENCH: RESULT ")
            if k >= 0:
                for kv in text[k + 14:].split()[1:]:
                    kk, _, v = kv.partition("=")
                    fields[kk] = float(v)
            if "BENCH: ERROR " in text:
                fields["error"] = text[text.find("ERROR"):]
        fields["rc"] = int(done.split("rc=")[1])
        if c0 is not None:
            fields["counters"] = delta(c0, c1)
        self.result["phases"][key] = fields
        return fields

    def go(self):
        a = self.args
        r = self.result
        self.guest.start(self.cmd)
        try:
            deadline = time.monotonic() + a.boot_timeout
            _i, _t, ready = self.guest.wait_line("READY ", a.boot_timeout)
            r["ready"] = ready
            qmp = Qmp(self.guest.qmp_path, deadline)
            if self.igvt:
                r["boot_counters"] = counters(qmp)
            t = a.secs
            self.phase(qmp, "fb", f"FB {t}", t + 120)
            self.phase(qmp, "text", f"TEXT {t}", t + 120)
            if self.igvt:
                self.phase(qmp, "gtt", f"GTT {a.gtt_mib} {t}", t + 120)
                self.phase(qmp, "bind", f"BIND {a.bind_mib} {a.binds}", 300)
                r["query_igvt"] = qmp.cmd("query-igvt")[0]
                r["info_igvt"] = qmp.cmd("human-monitor-command",
                                         **{"command-line": "info igvt"})
            self.guest.send("OFF")
            self.guest.wait_line("POWEROFF", 30)
            r["ok"] = all(p.get("rc") == 0 and "error" not in p
                          for p in r["phases"].values())
        except (RuntimeError, OSError, EOFError) as e:
            r["ok"] = False
            r["error"] = str(e)
            log(f"{self.name}: {e}")
        finally:
            self.guest.stop()
        return r


def derive(r):
    """The report's figures of one configuration, under stable keys."""
    p = r.get("phases", {})
    out = {}

    def mibs(ph):
        return ph["bytes"] / MIB / (ph["ns"] / 1e9) if ph.get("ns") else None

    def per_mib(ph):
        c = ph.get("counters")
        if c is None or not ph.get("bytes"):
            return None
        return (c["aperture-reads"] + c["aperture-writes"]) / (ph["bytes"] / MIB)

    for key in ("fb", "gtt"):
        if p.get(key, {}).get("rc") == 0 and "bytes" in p[key]:
            out[f"{key}_write_mib_s"] = mibs(p[key])
            out[f"{key}_dispatches_per_mib"] = per_mib(p[key])
    t = p.get("text", {})
    if t.get("rc") == 0 and t.get("secs"):
        out["text_redraws_s"] = t["frames"] / t["secs"]
        c = t.get("counters")
        if c is not None and t["frames"]:
            out["text_dispatches_per_redraw"] = \
                (c["aperture-reads"] + c["aperture-writes"]) / t["frames"]
    b = p.get("bind", {})
    c = b.get("counters")
    if b.get("rc") == 0 and c and b.get("ns"):
        out["bind_ggtt_entries"] = c["ggtt-writes"]
        out["bind_entries_per_s"] = c["ggtt-writes"] / (b["ns"] / 1e9)
        if c["ggtt-backend-entries"]:
            out["bind_backend_calls_per_entry"] = \
                c["ggtt-backend-calls"] / c["ggtt-backend-entries"]
    bc = r.get("boot_counters")
    if bc and bc["ggtt-backend-entries"]:
        out["boot_ggtt_entries"] = bc["ggtt-backend-entries"]
        out["boot_backend_calls_per_entry"] = \
            bc["ggtt-backend-calls"] / bc["ggtt-backend-entries"]
    return out


def report(args, results, derived):
    lines = []
    w = lines.append
    w("")
    w("== aperture benchmark: guest writes through BAR2, fbcon, GGTT binds ==")
    w("")
    w(f"guest: Debian 6.12, TCG -smp {args.smp}, {args.mem}; each write "
      f"phase {args.secs} s of guest time")
    w("")
    rows = []
    for name in results:
        d = derived[name]
        rows.append([name,
                     num(d.get("fb_write_mib_s")),
                     num(d.get("fb_dispatches_per_mib"), "{:.0f}"),
                     num(d.get("gtt_write_mib_s")),
                     num(d.get("gtt_dispatches_per_mib"), "{:.0f}"),
                     num(d.get("text_redraws_s"), "{:.2f}"),
                     num(d.get("text_dispatches_per_redraw"), "{:.0f}")])
    w(table(rows, ["config", "fb0 MiB/s", "dispatch/MiB", "GTT mmap MiB/s",
                   "dispatch/MiB", "fbcon redraws/s", "dispatch/redraw"]))
    vga = derived.get("vga", {}).get("fb_write_mib_s")
    if vga:
        w("")
        for name in results:
            v = derived[name].get("fb_write_mib_s")
            if name != "vga" and v:
                w(f"  {name}: fb0 writes at {100 * v / vga:.1f}% of VGA's "
                  "linear framebuffer")
    w("")
    rows = []
    for name in results:
        d = derived[name]
        if "bind_entries_per_s" in d or "boot_ggtt_entries" in d:
            rows.append([name, num(d.get("bind_ggtt_entries"), "{:.0f}"),
                         num(d.get("bind_entries_per_s"), "{:.0f}"),
                         num(d.get("bind_backend_calls_per_entry"), "{:.4f}"),
                         num(d.get("boot_ggtt_entries"), "{:.0f}"),
                         num(d.get("boot_backend_calls_per_entry"), "{:.4f}")])
    if rows:
        w(f"GGTT binds ({args.binds} objects of {args.bind_mib} MiB, GTT "
          "mmap first touch; boot: up to READY, fbdev's framebuffer included):")
        w(table(rows, ["config", "bind entries", "entries/s",
                       "backend calls/entry", "boot entries",
                       "boot calls/entry"]))
    for name, r in results.items():
        if r.get("info_igvt"):
            aper = [ln for ln in r["info_igvt"].splitlines()
                    if "aperture" in ln.lower()]
            if aper:
                w("")
                w(f"{name}, info igvt: " + " / ".join(s.strip() for s in aper))
    w("")
    w(f"JSON: {os.path.join(args.work, 'aperture.json')}")
    print("\n".join(lines), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    guest_args(p, smp=1)
    p.add_argument("--configs", nargs="+", default=list(CONFIGS),
                   choices=list(CONFIGS))
    p.add_argument("--secs", type=int, default=3)
    p.add_argument("--gtt-mib", type=int, default=8)
    p.add_argument("--bind-mib", type=int, default=8)
    p.add_argument("--binds", type=int, default=8)
    args = p.parse_args()
    t0 = time.monotonic()

    results, derived = {}, {}
    for name in args.configs:
        log(f"{name}: booting")
        results[name] = Run(args, name).go()
        derived[name] = derive(results[name])
    report(args, results, derived)
    out = {"configs": results, "derived": derived, "secs": args.secs,
           "smp": args.smp, "elapsed_seconds": round(time.monotonic() - t0, 1)}
    bad = [n for n, r in results.items() if not r.get("ok")]
    return finish(os.path.join(args.work, "aperture.json"), out, t0, bad, log)


if __name__ == "__main__":
    sys.exit(main())

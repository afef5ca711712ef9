#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The display benchmark (called by display.sh; see README.md).

For each device (igvt-vga, VGA, virtio-gpu-pci) it boots the same guest
and measures, on QEMU's main thread (which runs the display refresh):

  idle    a VNC client connected, nothing drawn: QEMU's VNC refresh timer
          runs as it would for a user;
  busy    the same while the guest redraws the whole frame continuously;
  frames  no VNC client; the guest draws one whole new frame at a time and
          one QMP screendump runs one display update for it.

Measured: the main thread's CPU time (/proc/PID/task/PID/schedstat) and,
with uprobes (perf_event_open on the uprobe PMU; no tracefs, no perf
tool), every call of vnc_refresh(), of the device's gfx_update callback
(igvt_gfx_update, vga_update_display; virtio-gpu's is an empty function),
of virtio_gpu_process_cmdq() and of dpy_gfx_update() (with its
arguments: the area the device announced as changed).  The probes form one
perf group led by the main thread's task-clock, so every probe hit
records that thread's CPU time: per-call CPU times, exact call counts.
What the probes cost is calibrated on this host and subtracted.  igvt's
own counters (query-igvt-display, query-igvt) are kept as well.

Only the standard library is used.
"""

import argparse
import ctypes
import mmap
import os
import shlex
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (QemuGuest, Qmp, finish, guest_args, logger,  # noqa: E402
                      num, table, thread_cpu_ns, threads)

# name -> (label, -device argument, the device's GraphicHwOps.gfx_update)
DEVICES = {
    "igvt": ("igvt-vga", "igvt-vga,addr=02.0,xres={x},yres={y}", "igvt_gfx_update"),
    "vga": ("VGA", "VGA,xres={x},yres={y}", "vga_update_display"),
    "virtio": ("virtio-gpu", "virtio-gpu-pci,xres={x},yres={y}",
               "virtio_gpu_update_display"),
}

log = logger("bench")


# ---------------------------------------------------------------- perf --
# perf_event_open(2) on the uprobe PMU.  Layout of struct perf_event_attr
# (include/uapi/linux/perf_event.h), 128 bytes (PERF_ATTR_SIZE_VER7).

PERF_TYPE_SOFTWARE = 1
PERF_COUNT_SW_TASK_CLOCK = 1
SAMPLE_TID, SAMPLE_TIME, SAMPLE_READ = 1 << 1, 1 << 2, 1 << 4
SAMPLE_REGS_USER, SAMPLE_IDENTIFIER = 1 << 12, 1 << 16
FORMAT_ID, FORMAT_GROUP = 1 << 2, 1 << 3
FLAG_DISABLED, FLAG_USE_CLOCKID = 1 << 0, 1 << 25
IOC_ENABLE, IOC_DISABLE, IOC_SET_OUTPUT, IOC_ID = 0x2400, 0x2401, 0x2405, 0x80082407
RECORD_LOST, RECORD_SAMPLE = 2, 9
CLOCK_MONOTONIC = 1
NR_PERF_EVENT_OPEN = 298        # x86_64
# x86 user registers (arch/x86/include/uapi/asm/perf_regs.h): cx dx si r8,
# the 4th, 3rd, 2nd and 5th integer arguments
REG_CX, REG_DX, REG_SI, REG_R8 = 2, 3, 4, 16
ARG_REGS = (1 << REG_CX) | (1 << REG_DX) | (1 << REG_SI) | (1 << REG_R8)

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_libc.ioctl.restype = ctypes.c_int


def perf_open(etype, config, *, pid, group=-1, period=0, sample_type=0,
              read_format=0, flags=0, config1=0, config2=0, regs=0):
    attr = bytearray(128)
    struct.pack_into("<IIQQQQQ", attr, 0, etype, 128, config, period,
                     sample_type, read_format, flags | FLAG_USE_CLOCKID)
    struct.pack_into("<QQ", attr, 56, config1, config2)
    struct.pack_into("<Q", attr, 80, regs)
    struct.pack_into("<i", attr, 92, CLOCK_MONOTONIC)
    buf = (ctypes.c_char * 128).from_buffer(attr)
    fd = _libc.syscall(NR_PERF_EVENT_OPEN, buf, pid, -1, group, 0)
    if fd < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return fd


def ioctl(fd, req, arg=0):
    if _libc.ioctl(fd, req, ctypes.c_ulong(arg)) < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def elf_symbols(path, names):
    """File offsets of the named functions (for the uprobe PMU) and their
    first bytes: {name: (offset, bytes)}."""
    out = subprocess.run(["nm", "--defined-only", path], capture_output=True,
                         text=True, check=True).stdout
    vaddr = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tT" and f[2] in names:
            vaddr.setdefault(f[2], int(f[0], 16))
    with open(path, "rb") as fh:
        ehdr = fh.read(64)
        phoff, = struct.unpack_from("<Q", ehdr, 32)
        phentsize, phnum = struct.unpack_from("<HH", ehdr, 54)
        fh.seek(phoff)
        ph = fh.read(phentsize * phnum)
    loads = []
    for i in range(phnum):
        ptype, _flags, off, va, _pa, filesz = struct.unpack_from(
            "<IIQQQQ", ph, i * phentsize)
        if ptype == 1:
            loads.append((va, off, filesz))
    offs = {}
    with open(path, "rb") as fh:
        for name, va in vaddr.items():
            for lva, loff, lsz in loads:
                if lva <= va < lva + lsz:
                    fh.seek(va - lva + loff)
                    offs[name] = (va - lva + loff, fh.read(4))
    return offs


def probe_kind(code):
    """How an x86 uprobe at an instruction starting with these bytes
    runs: "push" (emulated, cheap), "ret" (the whole function is a
    return) or "step" (single-stepped out of line: costs ~15 us a hit in
    a VM, too much to time anything with)."""
    if 0x50 <= code[0] <= 0x57 or (code[0] == 0x41 and 0x50 <= code[1] <= 0x57):
        return "push"
    if code[0] == 0xc3:
        return "ret"
    return "step"


class Probes:
    """uprobes on QEMU functions, sampled in one thread (QEMU's main
    thread).  All events are one group led by that thread's task-clock,
    and every sample reads the group: its time and the thread's CPU time
    at that instant."""

    PAGES = 256

    def __init__(self, binary, tid, spec):
        """spec: {event name: (function, return probe?, read the
        argument registers?)}"""
        self.fds = []
        self.ids = {}
        self.samples = []
        self.lost = 0
        self.lock = threading.Lock()
        funcs = {f for f, _r, _a in spec.values()}
        offs = elf_symbols(binary, funcs)
        missing = funcs - set(offs)
        if missing:
            raise RuntimeError("no symbol for " + ", ".join(sorted(missing)))
        with open("/sys/bus/event_source/devices/uprobe/type") as f:
            utype = int(f.read())
        self.path = ctypes.create_string_buffer(binary.encode())
        try:
            self._open(tid, spec, utype, offs)
        except OSError:
            for fd in self.fds:
                os.close(fd)
            raise
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._drain_loop, daemon=True)
        self.thread.start()

    def _open(self, tid, spec, utype, offs):
        pathp = ctypes.addressof(self.path)
        fmt = FORMAT_GROUP | FORMAT_ID
        self.leader = perf_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK,
                                pid=tid, read_format=fmt, flags=FLAG_DISABLED)
        self.fds.append(self.leader)
        out = None
        for name, (func, ret, regs) in spec.items():
            st = SAMPLE_IDENTIFIER | SAMPLE_TID | SAMPLE_TIME | SAMPLE_READ
            if regs:
                st |= SAMPLE_REGS_USER
            fd = perf_open(utype, 1 if ret else 0, pid=tid, group=self.leader,
                           period=1, sample_type=st, read_format=fmt,
                           config1=pathp, config2=offs[func][0],
                           regs=ARG_REGS if regs else 0)
            self.fds.append(fd)
            idbuf = ctypes.c_uint64()
            if _libc.ioctl(fd, IOC_ID, ctypes.byref(idbuf)) < 0:
                raise OSError(ctypes.get_errno(), "PERF_EVENT_IOC_ID")
            self.ids[idbuf.value] = (name, regs)
            if out is None:
                out = fd
                self.ring = mmap.mmap(fd, (1 + self.PAGES) * mmap.PAGESIZE)
            else:
                ioctl(fd, IOC_SET_OUTPUT, out)
        self.leader_id = self._read_ids()
        ioctl(self.leader, IOC_ENABLE)

    def _read_ids(self):
        data = os.read(self.leader, 8 + 16 * len(self.fds))
        nr, = struct.unpack_from("<Q", data, 0)
        return [struct.unpack_from("<QQ", data, 8 + 16 * i)[1] for i in range(nr)]

    def read(self):
        """The group now: {name: value} (task-clock in ns, probes in hits)."""
        data = os.read(self.leader, 8 + 16 * len(self.fds))
        nr, = struct.unpack_from("<Q", data, 0)
        vals = {}
        names = {self.leader_id[0]: "task-clock"}
        names.update({i: n for i, (n, _r) in self.ids.items()})
        for i in range(nr):
            v, eid = struct.unpack_from("<QQ", data, 8 + 16 * i)
            vals[names.get(eid, str(eid))] = v
        return vals

    def _drain_loop(self):
        while not self.stop.wait(0.05):
            self.drain()

    def drain(self):
        with self.lock:
            ring = self.ring
            size = self.PAGES * mmap.PAGESIZE
            base = mmap.PAGESIZE
            head, = struct.unpack_from("<Q", ring, 1024)
            tail, = struct.unpack_from("<Q", ring, 1032)
            while tail < head:
                pos = tail % size
                hdr = self._bytes(ring, base, size, pos, 8)
                rtype, _misc, rsize = struct.unpack("<IHH", hdr)
                if rsize < 8:
                    break
                rec = self._bytes(ring, base, size, pos, rsize)
                if rtype == RECORD_SAMPLE:
                    self._sample(rec)
                elif rtype == RECORD_LOST:
                    self.lost += struct.unpack_from("<Q", rec, 16)[0]
                tail += rsize
            struct.pack_into("<Q", ring, 1032, tail)

    @staticmethod
    def _bytes(ring, base, size, pos, n):
        if pos + n <= size:
            return ring[base + pos:base + pos + n]
        first = size - pos
        return ring[base + pos:base + size] + ring[base:base + n - first]

    def _sample(self, rec):
        off = 8
        eid, = struct.unpack_from("<Q", rec, off)
        off += 8 + 8                    # identifier, pid/tid
        t, = struct.unpack_from("<Q", rec, off)
        off += 8
        nr, = struct.unpack_from("<Q", rec, off)
        off += 8
        clock = None
        for _i in range(nr):
            v, vid = struct.unpack_from("<QQ", rec, off)
            off += 16
            if vid == self.leader_id[0]:
                clock = v
        name, regs = self.ids.get(eid, ("?", False))
        args = None
        if regs:
            abi, = struct.unpack_from("<Q", rec, off)
            off += 8
            if abi:
                cx, dx, si, r8 = struct.unpack_from("<QQQQ", rec, off)
                # dpy_gfx_update(con, x, y, w, h): x=si y=dx w=cx h=r8
                args = tuple(ctypes.c_int32(v & 0xffffffff).value
                             for v in (si, dx, cx, r8))
        self.samples.append((t / 1e9, name, clock, args))

    def close(self):
        self.stop.set()
        self.thread.join(1)
        try:
            ioctl(self.leader, IOC_DISABLE)
        except OSError:
            pass
        self.drain()
        self.ring.close()
        for fd in self.fds:
            os.close(fd)
        self.fds = []


def calls(samples, entry, ret):
    """Pair entry and return samples of one function: [(t0, t1, cpu_ns)]."""
    out, stack = [], []
    for t, name, clock, _a in samples:
        if name == entry:
            stack.append((t, clock))
        elif name == ret and stack:
            t0, c0 = stack.pop()
            out.append((t0, t, (clock - c0) if clock is not None and c0 is not None else 0))
    return out


# ----------------------------------------------------------------- VNC --
class VncClient:
    """Minimal RFB 3.8 viewer: no authentication, 32 bpp true colour, raw
    encoding (plus DesktopSize), always one incremental update request
    outstanding.  Pixels are counted, not kept."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(path)
        self.lock = threading.Lock()
        self.updates = []               # (monotonic time, rects, pixels)
        self.error = None
        self.width = self.height = 0
        self.buf = bytearray(1 << 20)
        self._handshake()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _recv(self, n):
        out = bytearray()
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise EOFError("VNC server closed the connection")
            out += chunk
        return bytes(out)

    def _skip(self, n):
        view = memoryview(self.buf)
        while n > 0:
            got = self.sock.recv_into(view[:min(n, len(self.buf))])
            if not got:
                raise EOFError("VNC server closed the connection")
            n -= got

    def _handshake(self):
        ver = self._recv(12)
        if not ver.startswith(b"RFB 003."):
            raise RuntimeError(f"not an RFB server: {ver!r}")
        self.sock.sendall(b"RFB 003.008\n")
        n = self._recv(1)[0]
        if n == 0:
            ln, = struct.unpack(">I", self._recv(4))
            raise RuntimeError("VNC refused: " + self._recv(ln).decode(errors="replace"))
        types = self._recv(n)
        if 1 not in types:
            raise RuntimeError(f"VNC server wants authentication ({list(types)})")
        self.sock.sendall(b"\x01")
        res, = struct.unpack(">I", self._recv(4))
        if res != 0:
            raise RuntimeError("VNC security handshake failed")
        self.sock.sendall(b"\x01")              # ClientInit: shared
        self.width, self.height = struct.unpack(">HH", self._recv(4))
        self._recv(16)
        ln, = struct.unpack(">I", self._recv(4))
        self.name = self._recv(ln).decode(errors="replace")
        # SetPixelFormat: 32 bpp, depth 24, little endian, true colour x8r8g8b8
        self.sock.sendall(struct.pack(">B3xBBBBHHHBBB3x", 0, 32, 24, 0, 1,
                                      255, 255, 255, 16, 8, 0))
        # SetEncodings: raw, DesktopSize
        self.sock.sendall(struct.pack(">BxHii", 2, 2, 0, -223))
        self._request(False)

    def _request(self, incremental):
        self.sock.sendall(struct.pack(">BBHHHH", 3, 1 if incremental else 0,
                                      0, 0, self.width, self.height))

    def _loop(self):
        try:
            self.sock.settimeout(None)
            while True:
                mtype = self._recv(1)[0]
                if mtype == 0:
                    nrects, = struct.unpack(">xH", self._recv(3))
                    # ask for the next one before draining this one
                    self._request(True)
                    pixels = 0
                    for _i in range(nrects):
                        x, y, w, h, enc = struct.unpack(">HHHHi", self._recv(12))
                        if enc == 0:
                            self._skip(w * h * 4)
                            pixels += w * h
                        elif enc == -223:
                            self.width, self.height = w, h
                            self._request(False)
                        else:
                            raise RuntimeError(f"unexpected VNC encoding {enc}")
                    with self.lock:
                        self.updates.append((time.monotonic(), nrects, pixels))
                elif mtype == 1:
                    _pad, _first, n = struct.unpack(">BHH", self._recv(5))
                    self._recv(6 * n)
                elif mtype == 2:
                    pass
                elif mtype == 3:
                    ln, = struct.unpack(">3xI", self._recv(7))
                    self._recv(ln)
                else:
                    raise RuntimeError(f"unknown VNC server message {mtype}")
        except (OSError, EOFError, RuntimeError, struct.error) as e:
            self.error = str(e)

    def window(self, t0, t1):
        with self.lock:
            sel = [u for u in self.updates if t0 <= u[0] < t1]
        return len(sel), sum(u[2] for u in sel)

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


# ---------------------------------------------------------- one device --
def calibrate(target, n=20000, rounds=3):
    """What the probes themselves cost, from a function that starts with a
    push like the probed ones (memcpy --probe-target): CPU per hit of an
    entry probe, of an entry+return pair, and the part of a pair that
    falls between its two readings of the task-clock (which every timed
    call would otherwise include).  Medians of a few rounds, in ns."""
    spec_e = {"e": ("bench_probe_target", False, False)}
    spec_p = dict(spec_e, r=("bench_probe_target", True, False))

    def one(spec):
        p = subprocess.Popen([target, "--probe-target", str(n)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
        pr = None
        try:
            pr = Probes(target, p.pid, spec) if spec else None
            out, _ = p.communicate("go\n", timeout=60)
        finally:
            if p.poll() is None:
                p.kill()
            if pr:
                pr.close()
        inside = None
        if pr and "r" in spec:
            c = sorted(x[2] for x in calls(pr.samples, "e", "r"))
            inside = c[len(c) // 2] if c else None
        return float(out), inside

    res = {"plain": [], "entry": [], "pair": [], "inside": []}
    for _i in range(rounds):
        res["plain"].append(one(None)[0])
        res["entry"].append(one(spec_e)[0])
        pair, inside = one(spec_p)
        res["pair"].append(pair)
        res["inside"].append(inside or 0)
    med = {k: sorted(v)[len(v) // 2] for k, v in res.items()}
    return {"entry_ns": round(med["entry"] - med["plain"], 1),
            "pair_ns": round(med["pair"] - med["plain"], 1),
            "inside_ns": round(med["inside"], 1)}


class Run(QemuGuest):
    """One boot of the guest on one device."""

    def __init__(self, args, dev, cal):
        # unix socket paths must stay short
        super().__init__(os.path.join(args.work, "runs", dev),
                         f"/tmp/igvt-bench-{os.getpid()}-{dev}")
        self.args = args
        self.dev = dev
        self.cal = cal
        self.label, devarg, self.gfx_fn = DEVICES[dev]
        self.P = args.xres * args.yres
        self.gfx_ok = self.dpy_ok = False
        self.vnc_path = os.path.join(self.sockdir, "vnc")
        append = ["console=ttyS0", "console=tty0", "panic=-1", "loglevel=4",
                  "consoleblank=0", "vt.global_cursor_default=0",
                  "fbcon=font:VGA8x16", f"bench.dev={dev}",
                  f"bench.workload={args.workload}"]
        pre = post = []
        if args.ram == "memfd":
            # guest RAM igvt can show in place even when scattered
            pre = ["-object", "memory-backend-memfd,id=ram0,size="
                   f"{args.mem},share=on", "-machine", "memory-backend=ram0"]
        if dev == "igvt":
            # how igvt shows the plane: in place or through its shadow copy
            self.trace = os.path.join(self.dir, "trace.log")
            post = ["-trace", "enable=igvt_console_*", "-D", self.trace]
        self.cmd = self.qemu_cmd(args, f"bench-{dev}",
                                 devarg.format(x=args.xres, y=args.yres), append,
                                 pre=pre, mid=["-vnc", f"unix:{self.vnc_path}"],
                                 post=post)
        self.result = {"device": self.label, "cmdline": shlex.join(self.cmd)}

    # ---- probes
    def probe_spec(self):
        """The uprobes for this device.  A function whose first instruction
        the kernel would single-step is left out (its timing would be
        mostly the probe's); a function that is only a return costs
        nothing and is not probed."""
        funcs = {"refresh": "vnc_refresh", "gfx": self.gfx_fn}
        if self.dev == "virtio":
            funcs["cmdq"] = "virtio_gpu_process_cmdq"
        syms = elf_symbols(self.exe, set(funcs.values()) | {"dpy_gfx_update"})
        spec, notes = {}, {}
        for key, fn in funcs.items():
            if fn not in syms:
                notes[key] = f"{fn}: no such symbol"
                continue
            kind = probe_kind(syms[fn][1])
            notes[key] = f"{fn}: {kind}"
            if kind == "push":
                spec[key] = (fn, False, False)
                spec[key + "_ret"] = (fn, True, False)
        if "dpy_gfx_update" in syms and probe_kind(syms["dpy_gfx_update"][1]) == "push":
            spec["dpy"] = ("dpy_gfx_update", False, True)
        if "refresh" not in spec:
            raise RuntimeError("cannot probe vnc_refresh (" + notes.get("refresh", "?") + ")")
        self.result["probe_points"] = notes
        # the device's update is timed, or known to cost nothing
        self.gfx_ok = "gfx" in spec or notes.get("gfx", "").endswith(": ret")
        self.dpy_ok = "dpy" in spec
        return spec

    # ---- snapshots
    def snap(self, qmp, probes, qmp_first):
        s = {}

        def q():
            if self.dev == "igvt":
                d = qmp.cmd("query-igvt-display")[0]
                c = qmp.cmd("query-igvt")[0].get("counters", {})
                s["igvt"] = {"frames-shown": d["frames-shown"],
                             "updates-skipped": d["updates-skipped"],
                             "aperture-writes": c.get("aperture-writes", 0),
                             "aperture-reads": c.get("aperture-reads", 0)}
        if qmp_first:
            q()
        s["t"] = time.monotonic()
        s["main"] = thread_cpu_ns(self.pid, self.pid)
        s["threads"] = {tid: thread_cpu_ns(self.pid, tid) for tid in self.tids}
        if probes:
            s["group"] = probes.read()
        if not qmp_first:
            q()
        return s

    def timed(self, kind, t0, t1):
        """Calls of one probed function that began in [t0, t1): [(cpu_us
        net of the probes' own cost, share of the frame announced inside
        the call, start, end)]"""
        cal = self.cal
        out = []
        for c0, c1, cpu in self.calls[kind]:
            if not t0 <= c0 < t1:
                continue
            inner = [d for d in self.dpy if c0 <= d[0] <= c1]
            area = sum(w * h for _t, (_x, _y, w, h) in inner)
            ns = cpu - cal["inside_ns"] - len(inner) * cal["entry_ns"]
            out.append([ns / 1e3, area / self.P, c0, c1])
        if kind == "refresh":
            # a refresh contains its gfx_update call: take that pair out too
            gfx = self.calls["gfx"]
            gi = 0
            for r in out:
                while gi < len(gfx) and gfx[gi][0] < r[2]:
                    gi += 1
                if gi < len(gfx) and gfx[gi][1] <= r[3]:
                    r[0] -= cal["pair_ns"] / 1e3
        return out

    def phase(self, name, a, b, probes, vnc):
        P = self.P
        wall = b["t"] - a["t"]
        ph = {"phase": name, "seconds": round(wall, 3)}
        ph["main_cpu_ms"] = round((b["main"] - a["main"]) / 1e6, 3)
        per = {}
        for tid, comm in self.tids.items():
            kind = ("vcpu" if "/TCG" in comm else
                    "vnc_worker" if comm == "vnc_worker" else
                    "main" if tid == self.pid else "other")
            per[kind] = per.get(kind, 0) + (b["threads"].get(tid, 0) - a["threads"].get(tid, 0)) / 1e6
        ph["thread_cpu_ms"] = {k: round(v, 3) for k, v in per.items()}
        n_upd, px = vnc.window(a["t"], b["t"])
        ph["vnc_client_updates"] = n_upd
        ph["vnc_client_frames"] = round(px / P, 3)
        ph["guest_frames"] = sum(1 for t, _text, m in self.lines if m is not None
                                 and a["t"] <= t < b["t"] and m.startswith("FRAME "))
        if "igvt" in a:
            ph["igvt"] = {k: b["igvt"][k] - a["igvt"][k] for k in a["igvt"]}
        if not probes:
            return ph
        cal = self.cal
        ga, gb = a["group"], b["group"]
        hits = {k: gb.get(k, 0) - ga.get(k, 0) for k in gb if k != "task-clock"}
        ph["probe_hits"] = hits
        ph["refreshes"] = hits["refresh"]
        # what the probes cost the main thread in this phase
        over = sum(hits.get(k, 0) for k in ("refresh", "gfx", "cmdq")) * cal["pair_ns"]
        over += hits.get("dpy", 0) * cal["entry_ns"]
        ph["probe_overhead_ms"] = round(over / 1e6, 3)
        ph["main_cpu_ms_net"] = round(ph["main_cpu_ms"] - over / 1e6, 3)
        dpy = [d for d in self.dpy if a["t"] <= d[0] < b["t"]]
        ph["announced_frames"] = (round(sum(w * h for _t, (_x, _y, w, h) in dpy) / P, 3)
                                  if self.dpy_ok else None)
        ph["dpy_gfx_update_calls"] = len(dpy)
        refresh = self.timed("refresh", a["t"], b["t"])
        gfx = self.timed("gfx", a["t"], b["t"])
        cmdq = self.timed("cmdq", a["t"], b["t"])
        ph["refresh_ms"] = round(sum(r[0] for r in refresh) / 1e3, 3)
        ph["gfx_update_ms"] = round(sum(g[0] for g in gfx) / 1e3, 3)
        ph["gfx_update_calls"] = len(gfx)
        ph["virtio_cmd_ms"] = round(sum(c[0] for c in cmdq) / 1e3, 3)
        ph["virtio_cmd_calls"] = len(cmdq)
        # the device's work: its gfx_update in each refresh, and for
        # virtio-gpu the command processing (its copy into the surface)
        ph["device_ms"] = round(ph["gfx_update_ms"] + ph["virtio_cmd_ms"], 3)
        if not self.gfx_ok:
            # not timed (see probe_points): unknown, not zero
            ph["gfx_update_ms"] = ph["device_ms"] = None
        ph["gfx_update_us"] = pct([g[0] for g in gfx])
        ph["refresh_us"] = pct([r[0] for r in refresh])
        # per call: [share of the frame announced, CPU us]
        ph["device_calls"] = [[round(c[1], 4), round(c[0], 1)] for c in gfx + cmdq]
        return ph

    def frames_phase(self, qmp):
        """Exact full-frame updates: with no VNC client (so no refresh of
        its own), the guest draws one whole frame, its driver flushes it,
        and one screendump runs one display update -- the same
        gfx_update a VNC refresh calls.  The first frame after the busy
        phase is dropped (the busy loop may have stopped mid-frame).
        Then as many screendumps with nothing drawn in between."""
        full, still = [], []
        for i in range(self.args.frames + 1):
            t0 = time.monotonic()
            n = len(self.lines)
            self.send("ONE")
            self.wait_line("WROTE", 60, n)
            # bochs and virtio-gpu flush the fbdev shadow from a worker
            time.sleep(self.args.flush_wait)
            qmp.cmd("screendump", filename="/dev/null")
            if i:
                full.append((t0, time.monotonic()))
        for i in range(self.args.frames):
            t0 = time.monotonic()
            time.sleep(0.05)
            qmp.cmd("screendump", filename="/dev/null")
            still.append((t0, time.monotonic()))
        return full, still

    def frames_result(self, full, still):
        out = {}
        for key, wins in (("full", full), ("still", still)):
            cyc = []
            for t0, t1 in (wins if self.gfx_ok else []):
                gfx = self.timed("gfx", t0, t1)
                cmdq = self.timed("cmdq", t0, t1)
                area = sum(w * h for t, (_x, _y, w, h) in self.dpy if t0 <= t < t1)
                cyc.append({"device_us": round(sum(c[0] for c in gfx + cmdq), 1),
                            "gfx_update_us": round(sum(c[0] for c in gfx), 1),
                            "virtio_cmd_us": round(sum(c[0] for c in cmdq), 1),
                            "updates": len(gfx), "virtio_cmds": len(cmdq),
                            "announced_frames": round(area / self.P, 3)})
            out[key] = {"cycles": cyc, "device_us": pct([c["device_us"] for c in cyc])}
        return out

    # ---- the whole boot
    def go(self):
        args = self.args
        log(f"{self.label}: {self.result['cmdline']}")
        t_start = time.monotonic()
        self.start(self.cmd)
        self.pid = self.proc.pid
        # the binary this QEMU runs, even if the file is rebuilt meanwhile
        self.exe = f"/proc/{self.pid}/exe"
        qmp = probes = vnc = None
        try:
            qmp = Qmp(self.qmp_path, time.monotonic() + 20)
            _i, t_ready, ready = self.wait_line("READY", args.boot_timeout)
            fbline = self.wait_line("FB ", 1)[2]
            self.result["guest_fb"] = fbline[3:]
            self.result["boot_seconds"] = round(t_ready - t_start, 1)
            kv = dict(w.split("=", 1) for w in ready.split()[1:] if "=" in w)
            self.result["guest"] = kv
            log(f"{self.label}: guest ready after {t_ready - t_start:.0f} s: {fbline}")
            if (int(kv.get("xres", 0)), int(kv.get("yres", 0))) != (args.xres, args.yres) \
                    or kv.get("bpp") != "32":
                raise RuntimeError(f"guest framebuffer is {kv.get('xres')}x{kv.get('yres')}"
                                   f" at {kv.get('bpp')} bpp, not {args.xres}x{args.yres}x32")
            self.tids = threads(self.pid)
            if not self.tids.get(self.pid, "").startswith("qemu-system"):
                raise RuntimeError(f"thread {self.pid} is '{self.tids.get(self.pid)}', "
                                   "not QEMU's main thread")
            self.result["main_thread"] = f"tid {self.pid} ({self.tids[self.pid]})"
            if self.cal:
                try:
                    probes = Probes(self.exe, self.pid, self.probe_spec())
                except (OSError, RuntimeError, subprocess.SubprocessError) as e:
                    probes = None
                    self.result["probes_error"] = str(e)
            if not probes:
                why = self.result.get("probes_error") or (
                    "turned off" if args.no_probes else "calibration failed")
                log(f"{self.label}: no uprobes ({why}): only whole-thread numbers")
            vnc = VncClient(self.vnc_path)
            self.result["vnc_size"] = f"{vnc.width}x{vnc.height}"
            self.tids = threads(self.pid)       # the VNC worker is there now
            # the first full update, then let the refresh settle
            deadline = time.monotonic() + 30
            while not vnc.updates and time.monotonic() < deadline and not vnc.error:
                time.sleep(0.1)
            if not vnc.updates:
                raise RuntimeError(f"no VNC update received ({vnc.error or 'timeout'})")
            if self.dev == "igvt":
                disp = qmp.cmd("query-igvt-display")[0]
                self.result["igvt_display"] = {k: disp[k] for k in ("vga", "pipes")}
            time.sleep(args.settle)
            s0 = self.snap(qmp, probes, True)
            time.sleep(args.idle)
            s1 = self.snap(qmp, probes, False)
            n = len(self.lines)
            self.send("BUSY")
            self.wait_line("BUSY-ON", 30, n)
            # measure from the end of the first frame on
            self.wait_line("FRAME", 60, n)
            s2 = self.snap(qmp, probes, True)
            time.sleep(args.busy)
            s3 = self.snap(qmp, probes, False)
            n = len(self.lines)
            self.send("STOP")
            off = self.wait_line("BUSY-OFF", 60, n)
            self.result["guest_frames_total"] = off[2].split("=")[-1]
            if vnc.error:
                raise RuntimeError(f"VNC client: {vnc.error}")
            vnc.close()
            full = still = None
            if probes:
                time.sleep(0.5)
                full, still = self.frames_phase(qmp)
            self.calls = {"refresh": [], "gfx": [], "cmdq": []}
            self.dpy = []
            if probes:
                probes.close()
                for k in self.calls:
                    self.calls[k] = calls(probes.samples, k, k + "_ret")
                self.dpy = [(t, a) for t, name, _c, a in probes.samples
                            if name == "dpy" and a is not None]
                self.result["probe_samples"] = len(probes.samples)
                self.result["probe_lost"] = probes.lost
                if probes.lost:
                    raise RuntimeError(f"{probes.lost} probe samples lost")
            self.result["idle"] = self.phase("idle", s0, s1, probes, vnc)
            self.result["busy"] = self.phase("busy", s2, s3, probes, vnc)
            if probes:
                self.result["frames"] = self.frames_result(full, still)
            self.result["threads"] = {str(k): v for k, v in self.tids.items()}
            self.send("OFF")
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                pass
            self.result["ok"] = True
        except (RuntimeError, OSError, EOFError, ValueError, IndexError, KeyError) as e:
            self.result["ok"] = False
            self.result["error"] = str(e)
            log(f"{self.label}: FAILED: {e}")
            tail = self.messages()[-5:]
            if tail:
                log(f"{self.label}: last guest lines: {' | '.join(tail)}")
        finally:
            if probes and probes.fds:
                probes.close()
            if vnc:
                vnc.close()
            if qmp:
                qmp.close()
            self.stop()
        if self.dev == "igvt" and os.path.exists(self.trace):
            with open(self.trace, errors="replace") as f:
                ev = [l.split("igvt_console_", 1)[1].strip() for l in f
                      if "igvt_console_" in l]
            self.result["igvt_console_trace"] = ev[-5:]
            ev = [e for e in ev if e.startswith(("direct", "mode"))]
            last = ev[-1] if ev else ""
            self.result["igvt_path"] = (
                "in place, pages remapped" if last.startswith("direct")
                and last.endswith("(remapped 1)")
                else "in place (direct)" if last.startswith("direct")
                else "shadow copy" if last.startswith("mode") else "unknown")
        with open(os.path.join(self.dir, "qemu.err"), "rb") as f:
            err = f.read().decode(errors="replace").strip()
        if err:
            self.result["qemu_stderr"] = err[-2000:]
        return self.result


def pct(xs):
    """Summary of per-call microseconds."""
    if not xs:
        return {}
    xs = sorted(xs)
    return {"n": len(xs), "mean": round(sum(xs) / len(xs), 1),
            "min": round(xs[0], 1), "median": round(xs[len(xs) // 2], 1),
            "p90": round(xs[int(len(xs) * 0.9)], 1), "max": round(xs[-1], 1)}


# -------------------------------------------------------------- report --
def derive(r):
    """The table's numbers for one device."""
    d = {}
    idle, busy = r.get("idle"), r.get("busy")
    if not idle or not busy:
        return d
    for ph, key in ((idle, "idle"), (busy, "busy")):
        d[key + "_main_ms_s"] = ph.get("main_cpu_ms_net", ph["main_cpu_ms"]) / ph["seconds"]
        d[key + "_worker_ms_s"] = ph["thread_cpu_ms"].get("vnc_worker", 0) / ph["seconds"]
        d[key + "_vcpu_ms_s"] = ph["thread_cpu_ms"].get("vcpu", 0) / ph["seconds"]
        n = ph.get("refreshes")
        if n is None and "igvt" in ph:
            n = ph["igvt"]["frames-shown"] + ph["igvt"]["updates-skipped"]
        d[key + "_refreshes"] = n
        if ph.get("device_ms") is not None:
            d[key + "_dev_ms_s"] = ph["device_ms"] / ph["seconds"]
        if n and "refresh_ms" in ph:
            d[key + "_refresh_us"] = ph["refresh_ms"] * 1e3 / n
            if ph["gfx_update_ms"] is not None:
                d[key + "_dev_us"] = ph["gfx_update_ms"] * 1e3 / n
                d[key + "_vnc_us"] = (ph["refresh_ms"] - ph["gfx_update_ms"]) * 1e3 / n
    d["guest_fps"] = busy["guest_frames"] / busy["seconds"]
    if busy.get("announced_frames") is not None:
        d["shown_fps"] = busy["announced_frames"] / busy["seconds"]
    d["vnc_fps"] = busy["vnc_client_frames"] / busy["seconds"]
    fr = r.get("frames")
    if fr:
        d["full_us"] = fr["full"]["device_us"].get("median")
        d["full_us_min"] = fr["full"]["device_us"].get("min")
        d["still_us"] = fr["still"]["device_us"].get("median")
    return d


def report(args, memcpy, cal, results):
    P = f"{args.xres}x{args.yres}"
    ds = {r["device"]: derive(r) for r in results}
    lines = []
    w = lines.append
    w("")
    w(f"== display benchmark: {P} XRGB8888, TCG -smp {args.smp}, workload "
      f"'{args.workload}' ==")
    w("")
    w(f"memcpy of one {P}x4 frame ({memcpy['bytes']} bytes) on this host: "
      f"best {memcpy['best_us']:.1f} us, median {memcpy['median_us']:.1f} us")
    if cal:
        w(f"uprobe cost (subtracted): {cal['entry_ns'] / 1e3:.2f} us an entry hit, "
          f"{cal['pair_ns'] / 1e3:.2f} us an entry+return pair, "
          f"{cal['inside_ns'] / 1e3:.2f} us of a pair inside the timed call")
    else:
        w("no uprobes: no per-call times; refresh counts only for igvt-vga")
    for r in results:
        if not ds[r["device"]]:
            w(f"{r['device']}: DID NOT RUN: {r.get('error', '?')}")
        if r.get("igvt_path"):
            w(f"{r['device']} showed the guest framebuffer by {r['igvt_path']}")
        gfx = (r.get("probe_points") or {}).get("gfx", "")
        if gfx and not gfx.endswith((": push", ": ret")):
            w(f"{r['device']}: device update not timed ({gfx}: a uprobe there would be"
              " single-stepped)")
    good = [r for r in results if ds[r["device"]]]

    w("")
    w(f"update CPU time (the device's gfx_update, plus virtio-gpu's command processing):")
    rows = []
    for r in good:
        d = ds[r["device"]]
        rows.append([r["device"], num(d.get("full_us")), num(d.get("full_us_min")),
                     num(d.get("still_us")), num(d.get("idle_dev_us")),
                     num(d.get("idle_refreshes"), "{}")])
    w(table(rows, ["device", "full-frame us", "(best)", "unchanged us",
                   "idle refresh us", "(refreshes)"]))
    w(f"  full-frame: median of {args.frames} updates each finding a whole new frame"
      " (guest draws one frame, then one screendump)")
    w(f"  unchanged: the same with nothing drawn; idle refresh: VNC's own refreshes"
      f" over {args.idle:g} s of idle")

    w("")
    w(f"main thread with a VNC client (idle {args.idle:g} s, then busy {args.busy:g} s"
      " of continuous full-frame redraws):")
    rows = []
    for r in good:
        d = ds[r["device"]]
        rows.append([r["device"], num(d["idle_main_ms_s"], "{:.2f}"),
                     num(d.get("idle_refresh_us")),
                     num(d.get("busy_refreshes"), "{}"),
                     num(d["busy_main_ms_s"], "{:.1f}"),
                     num(d.get("busy_dev_ms_s"), "{:.1f}"),
                     num(d.get("busy_refresh_us"), "{:.0f}"),
                     num(d.get("guest_fps"), "{:.1f}"),
                     num(d.get("shown_fps"), "{:.1f}"),
                     num(d.get("vnc_fps"), "{:.1f}"),
                     num(d["busy_worker_ms_s"], "{:.1f}")])
    w(table(rows, ["device", "idle ms/s", "idle us/refresh", "busy refreshes",
                   "busy ms/s", "device ms/s", "us/refresh", "guest fps",
                   "shown fps", "vnc fps", "vnc-worker ms/s"]))
    w("  ms/s: main-thread CPU per second (all of it: refreshes, VNC socket output, timers)")
    w("  us/refresh: one VNC refresh (device update + VNC's dirty scan and copy), mean")
    w("  guest fps: frames the guest wrote; shown fps: area the device announced changed,"
      " in frames; vnc fps: pixels the VNC client received, in frames")

    ig = ds.get("igvt-vga") or {}
    ratios = {}
    if ig:
        if ig.get("full_us") is not None:
            ratios["igvt full-frame / memcpy"] = ig["full_us"] / memcpy["best_us"]
        for other in ("VGA", "virtio-gpu"):
            o = ds.get(other) or {}
            for k, lbl in (("full_us", "full-frame"),
                           ("idle_dev_us", "idle refresh (device)"),
                           ("idle_refresh_us", "idle refresh (with VNC)"),
                           ("busy_main_ms_s", "busy main ms/s")):
                if ig.get(k) is not None and o.get(k) is not None:
                    ratios[f"igvt / {other} {lbl}"] = (ig[k] / o[k] if o[k] >= 1
                                                       else None)
        w("")
        w("ratios (igvt-vga against the baselines of this run; goal: full-frame"
          " within 2x memcpy, idle near zero):")
        for k, v in ratios.items():
            w(f"  {k:45s} {v:8.2f}" if v is not None
              else f"  {k:45s}      n/a (baseline under 1 us)")
    w("")
    w("command lines:")
    for r in results:
        w(f"  {r['device']}: {r['cmdline']}")
    w(f"  memcpy: {args.memcpy} {args.xres} {args.yres} 300")
    w(f"JSON: {os.path.join(args.work, 'display.json')}")
    print("\n".join(lines), flush=True)
    return ds, ratios


def run_memcpy(args):
    out = subprocess.run([args.memcpy, str(args.xres), str(args.yres), "300"],
                         capture_output=True, text=True, check=True).stdout
    kv = dict(w.split("=") for w in out.split())
    return {"bytes": int(kv["bytes"]), "runs": int(kv["runs"]),
            "best_us": float(kv["best_us"]), "median_us": float(kv["median_us"])}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    guest_args(p, smp=2)
    p.add_argument("--memcpy", required=True)
    p.add_argument("--devices", nargs="+", default=["igvt", "vga", "virtio"])
    p.add_argument("--idle", type=float, default=10)
    p.add_argument("--busy", type=float, default=15)
    p.add_argument("--settle", type=float, default=2)
    p.add_argument("--frames", type=int, default=5)
    p.add_argument("--flush-wait", type=float, default=0.5)
    p.add_argument("--workload", default="fb", choices=["fb", "text"])
    p.add_argument("--xres", type=int, default=1920)
    p.add_argument("--yres", type=int, default=1080)
    p.add_argument("--ram", default="memfd", choices=["memfd", "anon"])
    p.add_argument("--no-probes", action="store_true",
                   help="whole-thread numbers only (no uprobes)")
    args = p.parse_args()
    for d in args.devices:
        if d not in DEVICES:
            p.error(f"unknown device {d} (known: {' '.join(DEVICES)})")
    t0 = time.monotonic()
    memcpy = run_memcpy(args)
    log(f"memcpy baseline: best {memcpy['best_us']:.1f} us")
    cal = None
    if not args.no_probes:
        try:
            cal = calibrate(args.memcpy)
            log(f"uprobe cost: {cal}")
        except (OSError, RuntimeError, ValueError, subprocess.SubprocessError) as e:
            log(f"uprobes unavailable ({e}): only whole-thread numbers")
    results = []
    for d in args.devices:
        results.append(Run(args, d, cal).go())
    # memcpy again at the end: the host may have been busier at one time
    m2 = run_memcpy(args)
    if m2["best_us"] < memcpy["best_us"]:
        memcpy.update(best_us=m2["best_us"], median_us=m2["median_us"])
    ds, ratios = report(args, memcpy, cal, results)
    out = {"resolution": [args.xres, args.yres], "format": "XRGB8888",
           "workload": args.workload, "idle_seconds": args.idle,
           "busy_seconds": args.busy, "smp": args.smp, "memcpy": memcpy, "uprobe_cost": cal,
           "devices": results, "derived": ds, "ratios": ratios,
           "elapsed_seconds": round(time.monotonic() - t0, 1)}
    failed = [r["device"] for r in results if not r.get("ok")]
    return finish(os.path.join(args.work, "display.json"), out, t0, failed, log)


if __name__ == "__main__":
    sys.exit(main())

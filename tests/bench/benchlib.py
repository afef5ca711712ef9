# SPDX-License-Identifier: GPL-2.0-or-later
"""What the benchmarks (display.py, exec.py) share: a QEMU process whose
guest talks to the host over the serial line, a QMP client, QEMU's
thread CPU times and the report's table.  Only the standard library is
used.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time

TAG = "BENCH: "                         # what the guests' /init says


def logger(prefix):
    """A function that prints "prefix: msg" to stderr."""
    def log(msg):
        print(f"{prefix}: {msg}", file=sys.stderr, flush=True)
    return log


# ----------------------------------------------------------------- QMP --
class Qmp:
    def __init__(self, path, deadline):
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.sock.settimeout(30)
        self.f = self.sock.makefile("rb")
        self._recv()                    # greeting
        self.cmd("qmp_capabilities")

    def _recv(self):
        while True:
            line = self.f.readline()
            if not line:
                raise EOFError("QMP closed")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def cmd(self, name, **args):
        self.sock.sendall(json.dumps({"execute": name, "arguments": args}).encode() + b"\n")
        r = self._recv()
        if "error" in r:
            raise RuntimeError(f"{name}: {r['error'].get('desc')}")
        return r["return"]

    def close(self):
        self.sock.close()


# ------------------------------------------------------ QEMU's threads --
def thread_cpu_ns(pid, tid):
    """CPU nanoseconds of one thread (schedstat), 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
            return int(f.read().split()[0])
    except OSError:
        return 0


def threads(pid):
    """{tid: comm} of process pid."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                out[int(tid)] = f.read().strip()
        except OSError:
            pass
    return out


def guest_args(p, smp):
    """The arguments every benchmark guest takes (QemuGuest.qemu_cmd
    reads them): argparse parser p, smp the default vCPU count."""
    p.add_argument("--qemu", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--kernel", required=True)
    p.add_argument("--initrd", required=True)
    p.add_argument("--smp", type=int, default=smp)
    p.add_argument("--mem", default="1G")
    p.add_argument("--boot-timeout", type=float, default=150)
    p.add_argument("--append", default="")
    p.add_argument("--firmware", action="append", default=[])


# ---------------------------------------------------------- the guest --
class QemuGuest:
    """One QEMU process booting a benchmark guest.  The guest's serial
    line is QEMU's stdio: the host sends it commands, one a line, and it
    answers with "BENCH: ..." lines (see init-lib.sh).

    rundir (emptied first) gets serial.log and qemu.err; sockdir (removed
    at the end) holds QEMU's unix sockets, "qmp" among them.  self.lines
    holds every serial line as (monotonic time, text, message), message
    being what follows "BENCH: " or None."""

    def __init__(self, rundir, sockdir):
        self.dir = rundir
        os.makedirs(self.dir, exist_ok=True)
        for f in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, f))
        self.sockdir = sockdir
        os.makedirs(self.sockdir, exist_ok=True)
        self.qmp_path = os.path.join(self.sockdir, "qmp")
        self.lines = []
        self.cond = threading.Condition()
        self.proc = None
        self.reader = None

    def qemu_cmd(self, args, name, device, append, pre=(), mid=(), post=()):
        """QEMU's command line: TCG on q35 with args.mem and args.smp, one
        -device, no display, QMP, the serial line on stdio, args.kernel and
        args.initrd with append (and args.append) as the kernel command
        line; pre goes before -machine, mid after -display, post at the
        end."""
        cmd = [args.qemu]
        for d in args.firmware:
            cmd += ["-L", d]
        cmd += list(pre)
        cmd += ["-machine", "q35", "-accel", "tcg", "-m", args.mem,
                "-smp", str(args.smp), "-nodefaults", "-vga", "none",
                "-nic", "none", "-no-reboot",
                "-name", f"{name},debug-threads=on",
                "-device", device, "-display", "none"]
        cmd += list(mid)
        cmd += ["-qmp", f"unix:{self.qmp_path},server=on,wait=off",
                "-serial", "stdio", "-monitor", "none",
                "-kernel", args.kernel, "-initrd", args.initrd,
                "-append", " ".join(list(append) + args.append.split())]
        cmd += list(post)
        return cmd

    def start(self, cmd):
        with open(os.path.join(self.dir, "qemu.err"), "wb") as err:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=err)
        self.reader = threading.Thread(target=self._reader, daemon=True)
        self.reader.start()

    def _reader(self):
        with open(os.path.join(self.dir, "serial.log"), "wb") as logf:
            for raw in self.proc.stdout:
                logf.write(raw)
                logf.flush()
                text = raw.decode(errors="replace").replace("\r", "").rstrip("\n")
                i = text.find(TAG)
                msg = text[i + len(TAG):] if i >= 0 else None
                with self.cond:
                    self.lines.append((time.monotonic(), text, msg))
                    self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait_line(self, prefix, timeout, start=0):
        """(index, time, message) of the first BENCH line from index start
        on whose message starts with prefix.  A FAIL from the guest, QEMU
        exiting or the timeout raise RuntimeError."""
        deadline = time.monotonic() + timeout
        i = start
        with self.cond:
            while True:
                while i < len(self.lines):
                    msg = self.lines[i][2]
                    if msg is not None and msg.startswith(prefix):
                        return i, self.lines[i][0], msg
                    if msg is not None and msg.startswith("FAIL"):
                        raise RuntimeError("guest: " + msg)
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise RuntimeError(
                        f"no '{prefix}' from the guest after {timeout:.0f} s"
                        + (f" (QEMU exited with status {self.proc.poll()})"
                           if self.proc.poll() is not None else ""))
                self.cond.wait(min(left, 0.5))

    def text(self, i0, i1):
        """The serial lines from index i0 up to i1, as text."""
        with self.cond:
            return [text for _t, text, _m in self.lines[i0:i1]]

    def messages(self):
        """The BENCH messages so far."""
        with self.cond:
            return [m for _t, _text, m in self.lines if m is not None]

    def send(self, line):
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def stop(self):
        """Kill QEMU if it still runs, reap it, remove the sockets."""
        if self.proc:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            self.reader.join(5)
        # QEMU may have removed its sockets already
        try:
            for f in os.listdir(self.sockdir):
                os.unlink(os.path.join(self.sockdir, f))
            os.rmdir(self.sockdir)
        except OSError:
            pass


# ------------------------------------------------------------ report --
def num(v, fmt="{:.1f}"):
    return "-" if v is None else fmt.format(v)


def table(rows, header):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    out = ["  ".join(str(h).rjust(w) if i else str(h).ljust(w)
                     for i, (h, w) in enumerate(zip(header, widths)))]
    for r in rows:
        out.append("  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                             for i, (c, w) in enumerate(zip(r, widths))))
    return "\n".join("  " + l for l in out)


def finish(path, out, t0, bad, log):
    """Write out as JSON to path, say how long the run took and what did
    not run (bad); the exit status: 1 when something did not run."""
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
    log(f"took {time.monotonic() - t0:.0f} s")
    if bad:
        log("did not run: " + ", ".join(bad))
        return 1
    return 0

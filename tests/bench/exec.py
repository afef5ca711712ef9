#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The execution benchmark (called by exec.sh; see README.md).

Four measurements, each with a baseline taken in the same run:

  audit     bench-igvt-audit on the host: MB/s of command stream the
            auditor checks on one core, next to memcpy() of the same
            bytes and a decode-only pass over them;
  share     igvt-sched-test's perf case: the GPU time two busy vGPUs of
            weights 8 and 2 get in 3 s, next to the share their weights
            ask for;
  guest     one Debian guest on igvt-vga (TCG) runs intel-gpu-tools:
            gem_create (GEM ioctls that never reach the GPU: the
            baseline), gem_exec_nop on rcs (queued, and synchronous:
            one batch at a time) and on bcs;
  latency   before and after each program, QMP query-igvt-engines: the
            device's own ELSP-to-interrupt latency, GPU busy time and
            workload counts, set against the guest's per-batch time of
            the synchronous gem_exec_nop.

The host CPU time of QEMU's threads (main loop, vCPU, igvt-gpu worker)
is recorded for every phase as well.  Only the standard library is used.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (QemuGuest, Qmp, finish, guest_args, logger,  # noqa: E402
                      num, table, thread_cpu_ns, threads)

BENCH_DIR = "/usr/libexec/igt-gpu-tools/benchmarks"

log = logger("bench-exec")


# ------------------------------------------------------------- audit --
def run_audit(binary, rounds, round_ms):
    proc = subprocess.run([binary, "--rounds", str(rounds),
                           "--round-ms", str(round_ms)],
                          capture_output=True, text=True)
    streams = []
    walk = None
    for line in proc.stdout.splitlines():
        kv = dict(w.split("=", 1) for w in line.split() if "=" in w)
        if "walk" in kv:
            walk = {k: v if k == "walk" else float(v) for k, v in kv.items()}
        if "stream" not in kv:
            continue
        for k, v in kv.items():
            if k not in ("stream", "engine", "level"):
                kv[k] = float(v)
        streams.append(kv)
    return {"cmdline": shlex.join([binary, "--rounds", str(rounds),
                                   "--round-ms", str(round_ms)]),
            "status": proc.returncode, "stderr": proc.stderr.strip(),
            "streams": streams, "walk": walk}


# ------------------------------------------------------------- share --
SHARE_RE = re.compile(r"igvt-sched-share: weights (\d+) (\d+) "
                      r"gpu-time-ns (\d+) (\d+) ")


def run_share(binary, qemu):
    """The qtest's /igvt/sched/share (only with -m perf): two vGPUs on
    one backend each run a spinning batch for 3 s of host time"""
    arch = os.path.basename(qemu).rsplit("-", 1)[-1]
    argv = [binary, "-m", "perf", "-p", f"/{arch}/igvt/sched/share", "--tap"]
    env = dict(os.environ, QTEST_QEMU_BINARY=os.path.abspath(qemu))
    proc = subprocess.run(argv, capture_output=True, text=True, env=env)
    out = {"cmdline": f"QTEST_QEMU_BINARY={shlex.quote(env['QTEST_QEMU_BINARY'])} "
                      + shlex.join(argv),
           "status": proc.returncode, "stderr": proc.stderr.strip()[-2000:]}
    m = SHARE_RE.search(proc.stdout)
    if m:
        wa, wb, ta, tb = (int(x) for x in m.groups())
        out.update(weights=[wa, wb], gpu_time_ns=[ta, tb],
                   ratio=ta / tb if tb else float("inf"), target=wa / wb)
    return out


# ------------------------------------------------------------- guest --
def thread_cpu(pid):
    """CPU nanoseconds of QEMU's threads, by kind: main (the main loop,
    its thread id is the pid), vcpu ("CPU n/TCG"), gpu (igvt's
    "igvt-gpu" worker), other."""
    out = {"main": 0, "vcpu": 0, "gpu": 0, "other": 0}
    try:
        tids = threads(pid)
    except OSError:
        return out
    for tid, comm in tids.items():
        ns = thread_cpu_ns(pid, tid)
        if tid == pid:
            out["main"] += ns
        elif comm.startswith("CPU ") and comm.endswith("/TCG"):
            out["vcpu"] += ns
        elif comm.startswith("igvt-gpu"):
            out["gpu"] += ns
        else:
            out["other"] += ns
    return out


class Guest(QemuGuest):
    """One boot on igvt-vga; the host drives it over the serial line."""

    def __init__(self, args, run="exec"):
        super().__init__(os.path.join(args.work, "runs", run),
                         f"/tmp/igvt-bench-{run}-{os.getpid()}")
        self.args = args
        self.cmd = self.qemu_cmd(
            args, "bench-exec", "igvt-vga,addr=02.0",
            ["console=ttyS0", "panic=-1", "loglevel=4"],
            mid=["-d", "guest_errors", "-D", os.path.join(self.dir, "qemu.log")])

    def snap(self, qmp):
        return {"t": time.monotonic(),
                "engines": qmp.cmd("query-igvt-engines"),
                "cpu_ns": thread_cpu(self.proc.pid)}

    def run_prog(self, qmp, name, argv, timeout):
        before = self.snap(qmp)
        start = len(self.lines)
        self.send(f"RUN {name} {' '.join(argv)}")
        i0, _t, _ = self.wait_line(f"OUTPUT-BEGIN {name}", 30, start)
        i1, _t, end = self.wait_line(f"OUTPUT-END {name}", timeout, i0)
        after = self.snap(qmp)
        out = self.text(i0 + 1, i1)
        m = re.search(r"rc=(\d+) secs=([\d.]+)", end)
        figures = [float(l) for l in (x.strip() for x in out)
                   if re.fullmatch(r"[-+]?\d+(\.\d*)?", l)]
        return {"name": name, "argv": argv, "rc": int(m.group(1)),
                "guest_secs": float(m.group(2)), "output": out,
                "figures": figures, "before": before, "after": after}

    def go(self, workloads):
        res = {"cmdline": shlex.join(self.cmd), "runs": [], "ok": False}
        t0 = time.monotonic()
        self.start(self.cmd)
        qmp = None
        try:
            qmp = Qmp(self.qmp_path, time.monotonic() + 30)
            _i, _t, ready = self.wait_line("READY", self.args.boot_timeout)
            res["ready"] = ready
            res["boot_secs"] = round(time.monotonic() - t0, 1)
            log(f"guest ready after {res['boot_secs']} s: {ready}")
            res["engines_boot"] = qmp.cmd("query-igvt-engines")
            for name, argv in workloads:
                log(f"guest: {name}: {' '.join(argv)}")
                r = self.run_prog(qmp, name, argv, self.args.prog_timeout)
                log(f"guest: {name}: rc={r['rc']} figures={r['figures']}")
                res["runs"].append(r)
            start = len(self.lines)
            self.send("DMESG")
            i0, _t, _ = self.wait_line("DMESG-BEGIN", 30, start)
            i1, _t, _ = self.wait_line("DMESG-END", 60, i0)
            res["dmesg"] = self.text(i0 + 1, i1)
            res["igvt"] = qmp.cmd("query-igvt")
            res["engines_final"] = qmp.cmd("query-igvt-engines")
            self.send("OFF")
            self.proc.wait(timeout=30)
            res["ok"] = True
        except (RuntimeError, OSError, EOFError, subprocess.TimeoutExpired,
                ValueError) as e:
            res["error"] = str(e)
            log(f"guest: {e}")
        finally:
            if qmp:
                qmp.close()
            self.stop()
        res["elapsed_secs"] = round(time.monotonic() - t0, 1)
        return res


# ------------------------------------------------------------ derive --
def engine(snap, name):
    for e in snap["engines"][0]["engines"]:
        if e["name"] == name:
            return e
    return None


def phase(run, eng):
    """What one program did to engine eng: count deltas, GPU busy time,
    the mean ELSP-to-interrupt latency of the phase, host CPU."""
    b, a = engine(run["before"], eng), engine(run["after"], eng)
    if not b or not a:
        return None
    d = {k: a[k] - b[k] for k in ("submitted", "completed", "rejected",
                                  "hung", "busy-ns")}
    n0, n1 = b["completed"], a["completed"]
    if n1 > n0:
        d["busy_per_workload_ns"] = d["busy-ns"] / (n1 - n0)
    # The phase's own samples: the totals' difference over the counts'
    c0, c1 = b["latency-count"], a["latency-count"]
    if c1 > c0:
        d["latency_avg_ns"] = ((a["latency-avg-ns"] * c1 -
                                b["latency-avg-ns"] * c0) / (c1 - c0))
    d["latency_max_ns"] = (a["latency-max-ns"]
                           if a["latency-max-ns"] > b["latency-max-ns"] else None)
    d["latency_max_before_ns"] = b["latency-max-ns"]
    secs = run["after"]["t"] - run["before"]["t"]
    d["host_secs"] = secs
    d["cpu_ms"] = {k: (run["after"]["cpu_ns"][k] - run["before"]["cpu_ns"][k]) / 1e6
                   for k in run["after"]["cpu_ns"]}
    if d["completed"]:
        tot = sum(d["cpu_ms"].values())
        d["host_cpu_per_workload_us"] = tot * 1e3 / d["completed"]
    return d


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else None


def derive(guest):
    runs = {r["name"]: r for r in guest.get("runs", [])}
    out = {}
    i = runs.get("idle")
    if i:
        secs = i["after"]["t"] - i["before"]["t"]
        out["idle_cpu_ms_s"] = {k: (i["after"]["cpu_ns"][k] - i["before"]["cpu_ns"][k])
                                / 1e6 / secs for k in i["after"]["cpu_ns"]}
    c = runs.get("create")
    if c and c["rc"] == 0 and c["figures"]:
        out["create_per_s"] = median(c["figures"])
        # each gem_create iteration is three ioctls: CREATE, SET_DOMAIN, CLOSE
        out["ioctl_per_s"] = 3 * out["create_per_s"]
    for name, eng in (("nop-rcs", "rcs"), ("nop-rcs-sync", "rcs"),
                      ("nop-bcs", "bcs")):
        r = runs.get(name)
        if not r or r["rc"] != 0 or not r["figures"]:
            continue
        us = median(r["figures"])
        d = {"us_per_batch": us, "us_best": min(r["figures"]),
             "per_s": 1e6 / us if us > 0 else None}
        if out.get("ioctl_per_s") and d["per_s"]:
            d["pct_of_ioctl"] = 100 * d["per_s"] / out["ioctl_per_s"]
        d["engine"] = phase(r, eng)
        # each round sleeps 1 s, then submits for about 2 s: batches per
        # workload the device ran (i915 appends queued requests to the
        # running context, so one workload may carry several)
        submit_s = r["guest_secs"] - len(r["figures"])
        if d["per_s"] and d["engine"] and d["engine"]["completed"] and submit_s > 0:
            d["batches_per_workload"] = d["per_s"] * submit_s / d["engine"]["completed"]
        out[name] = d
    s = out.get("nop-rcs-sync")
    if s and s["engine"] and s["engine"].get("latency_avg_ns"):
        lat_us = s["engine"]["latency_avg_ns"] / 1e3
        out["sync_split"] = {
            "batch_us": s["us_per_batch"], "device_latency_us": lat_us,
            "device_pct": 100 * lat_us / s["us_per_batch"],
            "gpu_busy_us": s["engine"].get("busy_per_workload_ns", 0) / 1e3,
            "guest_side_us": s["us_per_batch"] - lat_us}
    return out


# ------------------------------------------------------------ report --
def report(args, audit, share, guest, d):
    lines = []
    w = lines.append
    w("")
    w("== execution benchmark: igvt-vga, software backend ==")
    w("")
    w("command audit on one host core (bench-igvt-audit; best of "
      f"{args.audit_rounds} rounds):")
    rows = []
    for s in audit["streams"]:
        rows.append([s["stream"], f"{s['engine']}/{s['level']}"
                     + ("/ppgtt" if s["ppgtt"] else ""),
                     f"{s['bytes'] / 1024:.0f}", f"{s['cmds']:.0f}",
                     f"{s['memcpy_mbs']:.0f}", f"{s['decode_mbs']:.0f}",
                     f"{s['audit_mbs']:.0f}", f"{s['decode_ns_kib']:.0f}",
                     f"{s['audit_ns_kib']:.0f}", f"{s['check_ns_kib']:.0f}",
                     f"{s['check_pct']:.0f}%", f"{s['audit_us']:.1f}"])
    w(table(rows, ["stream", "engine/level", "KiB", "cmds", "memcpy MB/s",
                   "decode MB/s", "audit MB/s", "decode ns/KiB",
                   "audit ns/KiB", "checks ns/KiB", "over decode",
                   "audit us"]))
    for s in audit["streams"]:
        if s["stream"] == "batch-ppgtt":
            w(f"  PPGTT batch audit costs {s['check_ns_kib']:.0f} ns per KiB"
              f" / {s['check_pct']:.0f}% over decode-only"
              f" ({s['audit_ns_kib']:.0f} ns/KiB in all, "
              f"{s['audit_ns_kib'] / s['memcpy_ns_kib']:.0f}x a memcpy of it)")
    wk = audit.get("walk")
    if wk:
        w(f"  PPGTT walk (4 KiB page, 4 levels, revalidated at every use): "
          f"{wk['walk_ns']:.1f} ns against {wk['flat_ns']:.2f} ns for a flat "
          f"lookup ({wk['walk_x_flat']:.1f}x)")
    if audit["status"] != 0:
        w(f"  bench-igvt-audit exited with status {audit['status']}: {audit['stderr']}")

    w("")
    w("GPU time by weight (igvt-sched-test -m perf: two vGPUs on one backend"
      " each spin on a batch that jumps to itself, 3 s):")
    if "ratio" in share:
        w(f"  weights {share['weights'][0]}:{share['weights'][1]}, GPU time"
          f" {share['gpu_time_ns'][0] / 1e6:.0f} ms : "
          f"{share['gpu_time_ns'][1] / 1e6:.0f} ms, ratio {share['ratio']:.2f}"
          f" (the weights ask for {share['target']:.2f})")
        w("  it depends on the host: workloads are charged host time, and a"
          " vGPU that misses the scheduler's 2 ms anticipation window loses"
          " its turn; the policy itself is tested without a clock by"
          " tests/unit/test-igvt-sched.c")
    else:
        w(f"  DID NOT RUN: status {share['status']}: {share['stderr']}")

    w("")
    w(f"guest (Debian {args.kernel_tag} kernel, i915, TCG -smp {args.smp}; "
      f"intel-gpu-tools, {args.rounds} rounds each, median):")
    if not guest.get("ok"):
        w(f"  DID NOT RUN to the end: {guest.get('error', '?')}")
    rows = []
    if d.get("create_per_s"):
        rows.append(["gem_create -s 4096 (baseline)", "-",
                     f"{d['create_per_s']:.0f} obj/s",
                     f"{d['ioctl_per_s']:.0f} ioctl/s", "100%", "-", "-", "-", "-"])
    for name, label in (("nop-rcs", "gem_exec_nop -e rcs"),
                        ("nop-rcs-sync", "gem_exec_nop -e rcs -s"),
                        ("nop-bcs", "gem_exec_nop -e bcs")):
        x = d.get(name)
        if not x:
            continue
        e = x["engine"] or {}
        rows.append([label, num(x["us_per_batch"], "{:.1f}"),
                     num(x["per_s"], "{:.0f}") + " nop/s", "",
                     num(x.get("pct_of_ioctl"), "{:.1f}%"),
                     num(e.get("completed"), "{}"),
                     num(x.get("batches_per_workload"), "{:.1f}"),
                     num(e["latency_avg_ns"] / 1e3 if e.get("latency_avg_ns") else None,
                         "{:.0f}"),
                     num(e["latency_max_ns"] / 1e3 if e.get("latency_max_ns") else None,
                         "{:.0f}")])
    w(table(rows, ["program", "us/batch", "rate", "", "of ioctl rate",
                   "workloads", "batches/wl", "latency us", "max us"]))
    w("  us/batch: gem_exec_nop's own figure (microseconds per execbuf);"
      " of ioctl rate: nops/s against gem_create's 3 ioctls per object")
    w("  workloads, latency: query-igvt-engines deltas over the program"
      " (mean ELSP write to completion interrupt; max only if it rose);"
      " batches/wl: execbufs per workload run, about")
    sp = d.get("sync_split")
    if sp:
        w("")
        w(f"one synchronous nop batch (rcs): {sp['batch_us']:.0f} us in the guest,"
          f" of which {sp['device_latency_us']:.0f} us ({sp['device_pct']:.0f}%)"
          f" from ELSP write to interrupt in the device"
          f" ({sp['gpu_busy_us']:.1f} us of it running on the software GPU);"
          f" {sp['guest_side_us']:.0f} us guest-side"
          " (ioctl, i915, MMIO traps, interrupt delivery, wakeup)")
    rows = []
    idle = d.get("idle_cpu_ms_s")
    if idle:
        rows.append(["idle (guest sleeps)", f"{idle['vcpu']:.0f}", f"{idle['main']:.0f}",
                     f"{idle['gpu']:.0f}", "-", "-", "-", "-"])
    for name in ("nop-rcs", "nop-rcs-sync", "nop-bcs"):
        x = d.get(name)
        if not x or not x["engine"]:
            continue
        e = x["engine"]
        c = e["cpu_ms"]
        s = e["host_secs"]
        n = e["completed"] or None
        main_net = None
        if n and idle:
            main_net = (c["main"] - idle["main"] * s) * 1e3 / n
        rows.append([name, f"{c['vcpu'] / s:.0f}", f"{c['main'] / s:.0f}",
                     f"{c['gpu'] / s:.0f}",
                     num(e.get("host_cpu_per_workload_us"), "{:.0f}"),
                     num(main_net, "{:.1f}"),
                     num(c["gpu"] * 1e3 / n if n else None, "{:.1f}"),
                     num(e.get("busy_per_workload_ns", 0) / 1e3, "{:.1f}")])
    if rows:
        w("")
        w("host CPU of QEMU's threads (ms per second of wall time; us per workload run):")
        w(table(rows, ["phase", "vCPU ms/s", "main ms/s", "igvt-gpu ms/s",
                       "all us/wl", "main-idle us/wl", "igvt-gpu us/wl",
                       "GPU busy us/wl"]))
        w("  main-idle: main-loop CPU above its idle rate, per workload: preparing"
          " (copy, audit) and completing workloads; igvt-gpu: the GPU worker thread")
    if guest.get("problems"):
        w("")
        w("guest log (i915/drm warnings and errors):")
        for p in guest["problems"][:20]:
            w(f"  {p}")
    w("")
    w("command lines:")
    w(f"  audit: {audit['cmdline']}")
    w(f"  share: {share['cmdline']}")
    w(f"  guest: {guest.get('cmdline', '-')}")
    w(f"JSON: {os.path.join(args.work, 'exec.json')}")
    print("\n".join(lines), flush=True)


def compare(base, d):
    """The baseline QEMU's guest figures next to this build's, one run."""
    def sync_main(x):
        e = (x.get("nop-rcs-sync") or {}).get("engine") or {}
        idle = x.get("idle_cpu_ms_s")
        n = e.get("completed")
        if not (e and idle and n):
            return None
        return (e["cpu_ms"]["main"] - idle["main"] * e["host_secs"]) * 1e3 / n

    def lat(x, name):
        e = (x.get(name) or {}).get("engine") or {}
        return e["latency_avg_ns"] / 1e3 if e.get("latency_avg_ns") else None

    rows = []
    for label, f, fmt in (
            ("gem_create ioctl/s", lambda x: x.get("ioctl_per_s"), "{:.0f}"),
            ("nop-rcs nop/s", lambda x: x.get("nop-rcs", {}).get("per_s"), "{:.0f}"),
            ("nop-rcs % of ioctl rate",
             lambda x: x.get("nop-rcs", {}).get("pct_of_ioctl"), "{:.1f}"),
            ("nop-rcs-sync nop/s",
             lambda x: x.get("nop-rcs-sync", {}).get("per_s"), "{:.0f}"),
            ("nop-rcs-sync % of ioctl rate",
             lambda x: x.get("nop-rcs-sync", {}).get("pct_of_ioctl"), "{:.1f}"),
            ("ELSP-to-irq us, sync", lambda x: lat(x, "nop-rcs-sync"), "{:.0f}"),
            ("ELSP-to-irq us, queued", lambda x: lat(x, "nop-rcs"), "{:.0f}"),
            ("main-idle us/wl, sync", sync_main, "{:.1f}")):
        a, b = f(base), f(d)
        rows.append([label, num(a, fmt), num(b, fmt),
                     num(b / a if a and b else None, "{:.2f}")])
    return rows


def problems(dmesg):
    """i915/drm lines at warning level or worse, and hang reports (not the
    missing DMC firmware: Debian main does not ship it)."""
    out = []
    for l in dmesg:
        if re.search(r"firmware|DMC", l):
            continue
        m = re.match(r"<(\d)>", l)
        lvl = int(m.group(1)) if m else 6
        text = re.sub(r"^<\d>\[\s*[\d.]+\]\s*", "", l)
        if (lvl <= 4 and re.search(r"i915|drm|GPU", text)) or \
                re.search(r"GPU HANG|wedged|Resetting", text):
            out.append(text)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    guest_args(p, smp=1)
    p.add_argument("--kernel-tag", default="6.12")
    p.add_argument("--audit-bin", required=True)
    p.add_argument("--audit-rounds", type=int, default=60)
    p.add_argument("--audit-round-ms", type=int, default=5)
    p.add_argument("--sched-bin", required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--idle", type=int, default=3)
    p.add_argument("--prog-timeout", type=float, default=120)
    p.add_argument("--no-bcs", action="store_true")
    p.add_argument("--baseline-qemu", default="",
                   help="a QEMU to boot the same guest with first, for a "
                   "before/after table from one run")
    args = p.parse_args()
    t0 = time.monotonic()

    log("audit throughput (host, one core)")
    audit = run_audit(args.audit_bin, args.audit_rounds, args.audit_round_ms)
    for s in audit["streams"]:
        log(f"  {s['stream']}: audit {s['audit_mbs']:.0f} MB/s, decode "
            f"{s['decode_mbs']:.0f} MB/s, memcpy {s['memcpy_mbs']:.0f} MB/s")

    log("GPU time by weight (two vGPUs, 3 s)")
    share = run_share(args.sched_bin, args.qemu)
    if "ratio" in share:
        log(f"  ratio {share['ratio']:.2f} for weights "
            f"{share['weights'][0]}:{share['weights'][1]}")

    r = str(args.rounds)
    b = BENCH_DIR
    # idle first: the threads' CPU rate with nothing submitted
    workloads = [("idle", ["sleep", str(args.idle)]),
                 ("create", [f"{b}/gem_create", "-s", "4096", "-r", r]),
                 ("nop-rcs", [f"{b}/gem_exec_nop", "-e", "rcs", "-r", r]),
                 ("nop-rcs-sync", [f"{b}/gem_exec_nop", "-e", "rcs", "-s", "-r", r])]
    if not args.no_bcs:
        workloads.append(("nop-bcs", [f"{b}/gem_exec_nop", "-e", "bcs", "-r", r]))
    base = None
    if args.baseline_qemu:
        log(f"guest on the baseline QEMU {args.baseline_qemu}")
        bargs = argparse.Namespace(**vars(args))
        bargs.qemu = args.baseline_qemu
        bguest = Guest(bargs, "exec-baseline").go(workloads)
        base = {"qemu": args.baseline_qemu, "guest": bguest,
                "derived": derive(bguest)}
    guest = Guest(args).go(workloads)
    guest["problems"] = problems(guest.get("dmesg", []))
    d = derive(guest)
    report(args, audit, share, guest, d)
    if base:
        print(f"\nsame run, the baseline QEMU ({args.baseline_qemu}) against"
              " this build:")
        print(table(compare(base["derived"], d),
                    ["figure", "baseline", "this build", "ratio"]), flush=True)

    out = {"audit": audit, "share": share, "guest": guest, "derived": d,
           "baseline": base, "smp": args.smp, "rounds": args.rounds,
           "elapsed_seconds": round(time.monotonic() - t0, 1)}
    bad = []
    if base and not base["guest"].get("ok"):
        bad.append("baseline guest")
    if audit["status"] != 0 or len(audit["streams"]) < 3:
        bad.append("audit")
    if share["status"] != 0 or "ratio" not in share:
        bad.append("share")
    if not guest.get("ok"):
        bad.append("guest")
    for run in guest.get("runs", []):
        if run["rc"] != 0 or (run["name"] != "idle" and not run["figures"]):
            bad.append(run["name"])
    return finish(os.path.join(args.work, "exec.json"), out, t0, bad, log)


if __name__ == "__main__":
    sys.exit(main())

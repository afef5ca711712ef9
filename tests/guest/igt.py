#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""IGT side of the igvt real-guest harness (called by run.sh).

  igt.py report --run DIR --tag TAG [--why REASON] [--boot-failure REASON]
                [--gem-verify "CHECK..."] [--gem-verify-why REASON]
      Judge a finished IGT boot (igvt.mode=igt): the output of Debian's
      intel-gpu-tools programs, which the guest copied between OUTPUT-BEGIN
      and OUTPUT-END markers, the query-igvt-engines answers display.py
      saved (DIR/shots/engines-*.json), and one test per check of our
      igvt-gem-verify (--gem-verify names them, as its --list does; without
      any, one failing test gives --gem-verify-why).  Prints "TEST
      OK|FAIL|TODO description" lines, each followed by "DIAG text" lines,
      for run.sh to number.  TODO is a failure that is expected for now
      (gem_blt while the software GPU does not execute blitter commands).

An IGT program that exits 77 skipped: that is a failure to explain, never a
pass.  Only the standard library is used.
"""

import argparse
import os
import re
import sys

from display import Report, guest_lines, load_json, output_of, result

IGD = "0000:00:02.0"
SKIP = "77"
BENCH = ["gem_exec_nop", "gem_exec_ctx", "gem_create"]
FIGURE = re.compile(r"^\s*(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\s*$")
BLT_TODO = "blitter not executed yet"


class IgtReport(Report):
    def todo(self, desc, *diags):
        """A failure that is expected for now: TAP TODO."""
        self.test(True, desc, *diags)
        self.lines[self.lines.index(f"TEST OK {desc}")] = f"TEST TODO {desc}"


def why_rc(rc):
    if rc is None:
        return "the guest never finished running it"
    if rc == SKIP:
        return "exit 77: IGT skipped on our device (a failure to explain, not a pass)"
    if rc in ("124", "143"):
        return f"exit {rc}: killed by the guest's timeout"
    return f"exit {rc}"


def tail(lines, n=6):
    return [f"| {x}" for x in lines[-n:]] or ["(no output)"]


def check_lsgpu(console):
    out, rc = output_of(console, "igt-lsgpu")
    det, drc = output_of(console, "igt-details-lsgpu")
    cards = [x for x in out if re.match(r"^card\d+\s", x) and "drm:/dev/dri/card" in x]
    # lsgpu -p: the pci section of the device, with its driver
    slot = driver = pci_id = None
    section = None
    for x in det:
        m = re.match(r"^=+ (\w+):(\S+) =+$", x)
        if m:
            section = (m.group(1), m.group(2))
            continue
        m = re.match(r"^(\w+)\s*: (.*)$", x)
        if m and section and section[0] == "pci":
            k, v = m.group(1), m.group(2).strip()
            if k == "PCI_SLOT_NAME":
                slot = v
            elif k == "DRIVER":
                driver = v
            elif k == "PCI_ID":
                pci_id = v
    diags = []
    if rc != "0":
        diags.append(f"lsgpu: {why_rc(rc)}")
    if not cards:
        diags.append("lsgpu lists no card")
    if drc != "0":
        diags.append(f"lsgpu -p: {why_rc(drc)}")
    if slot != IGD or driver != "i915":
        diags.append(f"lsgpu -p: pci device {slot or 'none'} driver {driver or 'none'}"
                     f" (want {IGD} i915)")
    ok = not diags
    if ok:
        diags.append(f"{cards[0].split()[0]}: {' '.join(cards[0].split()[1:-1])},"
                     f" pci {slot} {pci_id} driver {driver}")
    else:
        diags += tail(out)
    return ok, diags, pci_id


def check_gpu_top(console, pci_id):
    out, rc = output_of(console, "igt-gpu-top-list")
    dev = None
    for x in out:
        m = re.search(r"pci:vendor=([0-9A-Fa-f]+),device=([0-9A-Fa-f]+)", x)
        if m and re.match(r"^card\d+\s", x):
            dev = (m.group(1).lower(), m.group(2).lower())
            line = x
            break
    diags = []
    if rc != "0":
        diags.append(f"intel_gpu_top -L: {why_rc(rc)}")
    if dev is None:
        diags.append("intel_gpu_top -L lists no card with a pci:vendor=,device= filter")
    elif dev[0] != "8086":
        diags.append(f"vendor {dev[0]}, not 8086")
    elif pci_id and ":" in pci_id and pci_id.split(":")[1].lower() != dev[1]:
        diags.append(f"device {dev[1]}, but lsgpu -p says PCI_ID {pci_id}")
    if diags:
        return False, diags + tail(out)
    return True, [" ".join(line.split())]


def check_vbt(console):
    out, rc = output_of(console, "igt-vbt-decode")
    children = []          # [device type line, dp?]
    count = None
    for x in out:
        s = x.strip()
        m = re.match(r"Child device count:\s*(\d+)", s)
        if m:
            count = int(m.group(1))
        if s == "Child device info:":
            children.append(["", False])
        elif children and s.startswith("Device type:"):
            children[-1][0] = s
            if "DisplayPort" in s or "(DP" in s:
                children[-1][1] = True
        elif children and s == "DP compatible? yes":
            children[-1][1] = True
    dp = sum(1 for c in children if c[1])
    errors = [x for x in out if re.search(r"error|invalid|fail|unknown block|checksum mismatch",
                                          x, re.I)]
    diags = []
    if rc != "0":
        diags.append(f"intel_vbt_decode: {why_rc(rc)}")
    if not any(x.startswith("VBT header:") for x in out) or \
            not any('"$VBT' in x for x in out):
        diags.append("no VBT header decoded (no \"$VBT\" signature)")
    if not any(x.startswith("BDB header:") for x in out):
        diags.append("no BDB header decoded")
    if errors:
        diags.append("decoder complains: " + errors[0].strip())
    if dp != 4:
        diags.append(f"{dp} DisplayPort child devices, want 4")
    if count is not None and count != len(children):
        diags.append(f"child device count says {count}, {len(children)} decoded")
    ports = [x.split(":", 1)[1].strip() for x in out if x.strip().startswith("DVO Port:")]
    summary = f"{len(children)} child devices, {dp} DisplayPort ({', '.join(ports)})"
    if diags:
        return False, diags + [summary] + tail(out)
    sig = next((x.split(":", 1)[1].strip() for x in out if "VBT signature" in x), "?")
    return True, [f"VBT {sig}; {summary}"]


def check_bench(console, name):
    """(ok, diags, figures): exit 0, no skip, at least one figure, all > 0."""
    out, rc = output_of(console, f"igt-{name}")
    figs = []
    for x in out:
        m = FIGURE.match(x)
        if m:
            figs.append(float(m.group(1)))
    diags = []
    if rc != "0":
        diags.append(f"{name}: {why_rc(rc)}")
    if any("SKIP" in x or "Test requirement not met" in x for x in out):
        diags.append(f"{name} reports an IGT skip")
    if not figs:
        diags.append(f"{name} printed no figure")
    elif any(f <= 0 for f in figs):
        diags.append(f"{name} printed a figure that is not > 0: {figs}")
    if diags:
        return False, diags + tail(out), figs
    return True, [f"{name} figure(s): {', '.join('%g' % f for f in figs)}"], figs


def engine_lines(answer):
    lines = []
    for dev in answer or []:
        for e in dev.get("engines", []):
            s = (f"{e.get('name')}: submitted {e.get('submitted')} completed"
                 f" {e.get('completed')} rejected {e.get('rejected')} hung {e.get('hung')}")
            if e.get("rejected"):
                s += (f"; last rejection \"{e.get('last-rejection', '?')}\""
                      f" command 0x{e.get('last-rejected-command', 0):08x}"
                      f" address 0x{e.get('last-rejected-address', 0):x}")
            lines.append(s)
    return lines


def check_engines(run):
    final = load_json(os.path.join(run, "shots", "engines-final.json"))
    before = load_json(os.path.join(run, "shots", "engines-before-blt.json"))
    if not final:
        return False, ["no query-igvt-engines answer after the IGT run"
                       " (shots/engines-final.json)"]
    engines = {e.get("name"): e for dev in final for e in dev.get("engines", [])}
    diags = []
    rcs = engines.get("rcs")
    if rcs is None:
        diags.append("no rcs engine in query-igvt-engines")
    elif not rcs.get("completed", 0) > 0:
        diags.append("rcs completed no workload")
    for name, e in engines.items():
        if e.get("rejected", 0):
            diags.append(f"{name}: {e['rejected']} workload(s) rejected by the command audit:"
                         f" \"{e.get('last-rejection', '?')}\" (first dword"
                         f" 0x{e.get('last-rejected-command', 0):08x}, address"
                         f" 0x{e.get('last-rejected-address', 0):x})")
    ok = not diags
    diags += ["after: " + x for x in engine_lines(final)]
    if before:
        diags += ["before gem_blt: " + x for x in engine_lines(before)]
    return ok, diags


GEMV_LINE = re.compile(r"^(PASS|FAIL) ([A-Za-z0-9_.-]+): ?(.*)$")


def gem_verify_tests(console, checks):
    """[(ok, name, diags)] for each check igvt-gem-verify should have run."""
    out, rc = output_of(console, "igt-gem-verify")
    seen = {}
    for x in out:
        m = GEMV_LINE.match(x)
        if m:
            seen[m.group(2)] = (m.group(1) == "PASS", m.group(3))
    tests = []
    for name in checks:
        if name in seen:
            ok, msg = seen[name]
            tests.append((ok, name, [msg]))
        else:
            tests.append((False, name, [f"not run: igvt-gem-verify {why_rc(rc)}"]
                          + tail(out, 3)))
    unknown = [n for n in seen if n not in checks]
    if unknown and tests:
        tests[-1][2].append("igvt-gem-verify also ran checks run.sh does not"
                            f" know: {', '.join(unknown)}")
        tests[-1] = (False,) + tests[-1][1:]
    return tests


def report(args):
    rep = IgtReport()
    t = args.tag
    descs = [
        f"{t}: igt: lsgpu lists an i915 device at {IGD}",
        f"{t}: igt: intel_gpu_top -L lists it",
        f"{t}: igt: intel_vbt_decode decodes our VBT (4 DisplayPort child devices)",
    ] + [f"{t}: igt: benchmark {b} exits 0 with figures > 0" for b in BENCH] + [
        f"{t}: igt: benchmark gem_blt exits 0 with figures > 0",
        f"{t}: igt: query-igvt-engines: rcs completed > 0, nothing rejected",
    ]
    checks = args.gem_verify.split()
    gemv_desc = f"{t}: igt: igvt-gem-verify"
    if args.why:
        for d in descs:
            rep.test(False, d, args.why)
        for name in checks or ["built"]:
            rep.test(False, f"{gemv_desc} {name}", args.gem_verify_why or args.why)
        print("\n".join(rep.lines))
        return 0
    with open(os.path.join(args.run, "console.txt"), errors="replace") as f:
        console = f.read().splitlines()
    g = guest_lines(console)
    why = args.boot_failure
    if not why and result(g, "card0") != "yes":
        why = "the guest has no /dev/dri/card0: i915 did not probe (" + \
            f"i915-bound={result(g, 'i915-bound')})"
    skipped = [x for x in g if x.startswith("IGT skipped")]
    if skipped and not why:
        why = skipped[-1]

    def judge(ok, desc, diags):
        if ok:
            rep.test(True, desc, *diags)
        else:
            rep.test(False, desc, *((([why] if why else []) + diags)))

    ok, d, pci_id = check_lsgpu(console)
    judge(ok, descs[0], d)
    ok, d = check_gpu_top(console, pci_id)
    judge(ok, descs[1], d)
    ok, d = check_vbt(console)
    judge(ok, descs[2], d)
    for i, b in enumerate(BENCH):
        ok, d, _ = check_bench(console, b)
        judge(ok, descs[3 + i], d)
    ok, d, _ = check_bench(console, "gem_blt")
    if ok:
        rep.test(True, descs[6], *d)
    else:
        rep.todo(descs[6] + f" # TODO {BLT_TODO}", *(([why] if why else []) + d))
    ok, d = check_engines(args.run)
    judge(ok, descs[7], d)
    if not checks:
        rep.test(False, f"{gemv_desc} built",
                 args.gem_verify_why or "igvt-gem-verify is not built")
    for ok, name, d in gem_verify_tests(console, checks):
        judge(ok, f"{gemv_desc} {name}", d)
    print("\n".join(rep.lines))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("report")
    r.add_argument("--run", required=True)
    r.add_argument("--tag", required=True)
    r.add_argument("--why", default="")
    r.add_argument("--boot-failure", default="")
    r.add_argument("--gem-verify", default="",
                   help="igvt-gem-verify's checks, as its --list names them")
    r.add_argument("--gem-verify-why", default="",
                   help="why igvt-gem-verify is missing")
    args = ap.parse_args()
    return report(args)


if __name__ == "__main__":
    sys.exit(main())

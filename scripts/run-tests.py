#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run igvt's test rings and tally their TAP results.

Each test program prints TAP (glib's --tap for unit tests and qtests, the
guest harness's own lines).  Output is passed through as it comes; at the
end one line says how many test points passed and failed, and the exit
status is non-zero if any failed, any program failed, or nothing ran.
A skipped test point counts as a failure: a skip is not a pass here.

With --asan-build, the unit and qtest programs run again in that build
(configured with ASan and UBSan, every UBSan finding fatal; Makefile's
check-sanitizers): a sanitizer report ends the program with a non-zero
status, which fails it.  Leak detection is on for the unit tests (pure
igvt code and its tests, which must free what they allocate) and off for
the qtests, as QEMU's own sanitizer CI runs them (tests/docker/test-debug):
QEMU does not free everything at exit.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import time

TAP_OK = re.compile(r"^\s*ok \d+")
TAP_NOT_OK = re.compile(r"^\s*not ok \d+")
TAP_SKIP = re.compile(r"#\s*skip", re.IGNORECASE)
TAP_TODO = re.compile(r"#\s*todo", re.IGNORECASE)


ASAN_OPTIONS = "detect_leaks={leaks}:abort_on_error=1:symbolize=1"
UBSAN_OPTIONS = "print_stacktrace=1:halt_on_error=1"
# ASan and UBSan slow the programs down; their time limits grow by this.
SANITIZER_SLOWDOWN = 3


def sanitizer_env(env, leaks):
    env = dict(env)
    env["ASAN_OPTIONS"] = ASAN_OPTIONS.format(leaks=1 if leaks else 0)
    env["UBSAN_OPTIONS"] = UBSAN_OPTIONS
    return env


def ring_jobs(prefix, build, env, units, qtests, slowdown=1, sanitize=False):
    """(name, argv, env, cwd, timeout) of the unit and qtest programs"""
    unit_env = sanitizer_env(env, True) if sanitize else env
    qtest_env = sanitizer_env(env, False) if sanitize else env
    jobs = [(f"{prefix}unit/{t}", [f"tests/unit/{t}", "--tap", "-k"],
             unit_env, build, 300 * slowdown) for t in units]
    jobs += [(f"{prefix}qtest/{t}", [f"tests/qtest/{t}", "--tap", "-k"],
              qtest_env, build, 900 * slowdown) for t in qtests]
    return jobs


def run(name, argv, env, cwd, timeout):
    """Run one test program; return (passed, failed, skipped, rc)."""
    print(f"=== {name}: {' '.join(argv)}", flush=True)
    passed = failed = skipped = 0
    start = time.monotonic()
    try:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, text=True,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, errors="replace")
    except OSError as e:
        print(f"=== {name}: cannot start: {e}", flush=True)
        return 0, 1, 0, 127
    try:
        for line in proc.stdout:
            sys.stdout.write(line)
            if TAP_NOT_OK.match(line):
                if not TAP_TODO.search(line):
                    failed += 1
            elif TAP_OK.match(line):
                if TAP_SKIP.search(line):
                    skipped += 1
                else:
                    passed += 1
            if time.monotonic() - start > timeout:
                proc.kill()
                print(f"=== {name}: timed out after {timeout} s", flush=True)
                failed += 1
                break
        rc = proc.wait()
    except KeyboardInterrupt:
        proc.kill()
        raise
    secs = time.monotonic() - start
    print(f"=== {name}: {passed} passed, {failed} failed, {skipped} skipped, "
          f"exit {rc}, {secs:.1f} s", flush=True)
    return passed, failed, skipped, rc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", help="QEMU build directory")
    ap.add_argument("--asan-build",
                    help="also run the unit and qtest rings in this "
                         "sanitizer build directory")
    ap.add_argument("--unit", nargs="*", default=[])
    ap.add_argument("--qtest", nargs="*", default=[])
    ap.add_argument("--host", default="",
                    help="nested test bed command line (one string)")
    ap.add_argument("--guest", nargs=argparse.REMAINDER, default=[],
                    help="guest harness command line (last)")
    args = ap.parse_args()
    if not args.build and not args.asan_build:
        ap.error("--build or --asan-build is required")
    if (args.guest or args.host) and not args.build:
        ap.error("--guest and --host need --build")

    env = dict(os.environ)
    env["QTEST_QEMU_BINARY"] = "./qemu-system-x86_64"
    env.setdefault("MALLOC_PERTURB_", "123")

    jobs = []
    for prefix, build, sanitize in (("", args.build, False),
                                    ("asan/", args.asan_build, True)):
        if not build:
            continue
        build = os.path.abspath(build)
        benv = dict(env)
        benv["G_TEST_DBUS_DAEMON"] = os.path.join(
            build, "..", "qemu", "tests/dbus-vmstate-daemon.sh")
        jobs += ring_jobs(prefix, build, benv, args.unit, args.qtest,
                          SANITIZER_SLOWDOWN if sanitize else 1, sanitize)
    if args.guest:
        jobs.append(("guest", args.guest, env, os.path.abspath(args.build),
                     3000))
    # after the guest ring, which refreshes the guest kit it builds on
    if args.host:
        jobs.append(("host", shlex.split(args.host), env,
                     os.path.abspath(args.build), 3000))

    total_p = total_f = total_s = 0
    bad = []
    for name, argv, jenv, cwd, timeout in jobs:
        p, f, s, rc = run(name, argv, jenv, cwd, timeout)
        total_p += p
        total_f += f
        total_s += s
        if rc != 0 or f or s or p == 0:
            bad.append(name)
    failed = total_f + total_s
    if bad:
        print("failing programs: " + ", ".join(bad))
        failed = max(failed, len(bad))
    print(f"{total_p} passed, {failed} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

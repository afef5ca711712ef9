#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run igvt's fuzz targets one after the other (make fuzz;
# docs/igvt/fuzzing.md).
#
#   fuzz.sh --build DIR --work DIR --corpus DIR --minutes N [--merge] TARGET...
#
# TARGET is a parser target NAME (DIR/tests/unit/igvt/fuzz-igvt-NAME) or
# generic-igvt-vga (QEMU's generic-fuzz on the whole device,
# DIR/qemu-fuzz-x86_64 --fuzz-target=generic-fuzz-igvt-vga).  Each runs N
# minutes, nice'd, on one core.  The committed corpus (--corpus DIR/NAME)
# seeds it read-only; what the run finds goes to WORK/corpus/NAME, crash
# inputs to WORK/crashes/NAME.  With --merge, inputs that add coverage
# are merged into the committed corpus afterwards.  One line per target
# gives executions, coverage and crashes; the exit status is non-zero if
# any target crashed.
set -euo pipefail

build= work= corpus= minutes=1 merge=no
targets=()
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift ;;
    --work) work=$2; shift ;;
    --corpus) corpus=$2; shift ;;
    --minutes) minutes=$2; shift ;;
    --merge) merge=yes ;;
    -*) echo "fuzz: unknown option $1" >&2; exit 1 ;;
    *) targets+=("$1") ;;
    esac
    shift
done
[ -n "$build" ] && [ -n "$work" ] && [ -n "$corpus" ] && [ ${#targets[@]} -gt 0 ] || {
    echo "usage: fuzz.sh --build DIR --work DIR --corpus DIR --minutes N [--merge] TARGET..." >&2
    exit 1
}
build=$(realpath "$build")
work=$(realpath -m "$work")
corpus=$(realpath -m "$corpus")

# A broken invariant or sanitizer report is a crash libFuzzer saves.
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
summary=()
crashed=0
for t in "${targets[@]}"; do
    case $t in
    generic-*)
        cmd=("$build/qemu-fuzz-x86_64" "--fuzz-target=generic-fuzz-${t#generic-}")
        # QEMU does not free everything it allocates (QEMU's own fuzzing
        # CI runs without leak detection too)
        asan=detect_leaks=0
        ;;
    *)
        cmd=("$build/tests/unit/igvt/fuzz-igvt-$t")
        asan=detect_leaks=1
        ;;
    esac
    [ -x "${cmd[0]}" ] || { echo "fuzz: ${cmd[0]} is not built" >&2; exit 1; }
    mkdir -p "$work/corpus/$t" "$work/crashes/$t" "$corpus/$t"
    log=$work/$t.log
    before=$(find "$work/crashes/$t" -type f | wc -l)
    echo "fuzz: $t for $minutes min (log: $log)"
    rc=0
    (cd "$build" && ASAN_OPTIONS=$asan nice -n 19 "${cmd[@]}" \
        -max_total_time=$((minutes * 60)) -timeout=30 -print_final_stats=1 \
        -artifact_prefix="$work/crashes/$t/" \
        "$work/corpus/$t" "$corpus/$t") >"$log" 2>&1 || rc=$?
    after=$(find "$work/crashes/$t" -type f | wc -l)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
    line="$t: ${execs:-0} executions, ${cov:-no coverage reported},"
    line+=" corpus $(find "$work/corpus/$t" -type f | wc -l) files,"
    line+=" $((after - before)) new crashes"
    if [ "$rc" != 0 ] || [ "$after" -gt "$before" ]; then
        crashed=1
        line+=" (exit $rc; see $log and $work/crashes/$t/)"
    fi
    summary+=("$line")
    if [ "$merge" = yes ]; then
        (cd "$build" && ASAN_OPTIONS=$asan nice -n 19 "${cmd[@]}" -merge=1 \
            "$corpus/$t" "$work/corpus/$t") >"$work/$t.merge.log" 2>&1 || true
    fi
done
printf 'fuzz: %s\n' "${summary[@]}"
exit $crashed

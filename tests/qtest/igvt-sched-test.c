/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest of igvt's GPU scheduler with two vGPUs on one software backend:
 * a vGPU whose batches never end does not stall the other, and two busy
 * vGPUs both run, each with its weight and charged exactly the GPU time
 * of its own workloads.
 *
 * How busy vGPUs share GPU time by weight is the policy's, tested without
 * a clock by tests/unit/test-igvt-sched.c.  The share this host really
 * gives them depends on its load, so it is measured, never asserted:
 * "-m perf" adds /igvt/sched/share, which make bench-exec runs and
 * reports.
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "libqos/igvt.h"

#define CTX_ID          0x42

/* vGPU A at 00:02.0 with weight @wa, B at 00:03.0 with @wb */
static void start_two(unsigned wa, unsigned wb, QIgvt **a, QIgvt **b)
{
    *a = qigvt_startf(QIGVT_PV, QIGVT_MACHINE
                      "-device igvt-vga,id=gpua,addr=02.0," QIGVT_SLICES
                      ",weight=%u -device igvt-vga,id=gpub,addr=03.0,"
                      QIGVT_SLICES ",weight=%u", wa, wb);
    *b = qigvt_attach((*a)->qts, (*a)->bus, 3, QIGVT_PV);
    g_assert_cmphex((*a)->gm, !=, (*b)->gm);
    qigvt_exec_init(*a, 0x300000);
    qigvt_exec_init(*b, 0x400000);
}

static void stop_two(QIgvt *a, QIgvt *b)
{
    qigvt_free(b);
    qigvt_free(a);
}

/* A batch that jumps to itself: only the watchdog ends it */
static void put_endless(QIgvt *v)
{
    const uint32_t ring[] = {
        QIGVT_BB_START_GGTT, v->gm + QIGVT_BATCH, 0, IGVT_MI_NOOP,
    };
    const uint32_t batch[] = {
        QIGVT_BB_START_GGTT, v->gm + QIGVT_BATCH, 0,
    };

    qtest_memwrite(v->qts, v->ram + QIGVT_BATCH, batch, sizeof(batch));
    qigvt_put_context(v, ring, ARRAY_SIZE(ring));
}

/* Submit the context again, its ring from the start */
static void submit(QIgvt *v)
{
    qigvt_ctx_write(v, IGVT_CTX_RING_HEAD, 0);
    qigvt_submit(v, IGVT_RCS_BASE, CTX_ID);
}

/* Once @v's workload is reported, submit it again; true if it was */
static bool keep_busy(QIgvt *v)
{
    if (qigvt_hwsp(v, IGVT_HWSP_CSB_WRITE) != 1) {
        return false;
    }
    qigvt_csb_reset(v, IGVT_RCS_BASE);
    submit(v);
    return true;
}

static int64_t rcs_stat(QIgvt *v, const char *key)
{
    return qigvt_engine_stat(v, "rcs", key);
}

/*
 * vGPU A keeps the GPU busy with batches that never end; vGPU B's store
 * still runs, and the watchdog reports A's batches as hangs.
 */
static void test_hog(void)
{
    gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    QIgvt *a, *b;
    uint32_t ring[] = { QIGVT_SDI_GGTT, 0, 0, 0x600d };

    start_two(16, 1, &a, &b);
    put_endless(a);
    ring[1] = b->gm + QIGVT_TARGET;
    qigvt_put_context(b, ring, ARRAY_SIZE(ring));

    submit(a);
    submit(b);
    /* B's store completes while A resubmits its endless batch */
    while (qigvt_target(b, 0) != 0x600d &&
           g_get_monotonic_time() < deadline) {
        keep_busy(a);
        g_usleep(100);
    }
    g_assert_cmphex(qigvt_target(b, 0), ==, 0x600d);
    g_assert_cmpuint(qigvt_wait_csb(b, 1), ==, 1);
    g_assert_cmpint(rcs_stat(b, "completed"), ==, 1);
    g_assert_cmpint(rcs_stat(b, "hung"), ==, 0);
    /* A's first batch was stopped by the watchdog, not B's doing */
    while (rcs_stat(a, "hung") < 1 && g_get_monotonic_time() < deadline) {
        g_usleep(1000);
    }
    g_assert_cmpint(rcs_stat(a, "hung"), >=, 1);
    g_assert_cmpint(rcs_stat(a, "completed"), ==, 0);
    stop_two(a, b);
}

/*
 * Both vGPUs submit the same endless batch again and again, each time the
 * last one is reported, until @done says so; returns how many of A's and
 * B's were reported
 */
static void run_busy(QIgvt *a, QIgvt *b,
                     bool (*done)(const unsigned *runs, void *opaque),
                     void *opaque, unsigned *runs)
{
    QIgvt *v[2] = { a, b };
    int i;

    runs[0] = runs[1] = 0;
    put_endless(a);
    put_endless(b);
    submit(a);
    submit(b);
    while (!done(runs, opaque)) {
        for (i = 0; i < 2; i++) {
            runs[i] += keep_busy(v[i]);
        }
        g_usleep(50);
    }
}

#define BUSY_RUNS       3

/* Each has had BUSY_RUNS workloads (a hang guard: 60 s at most) */
static bool both_ran(const unsigned *runs, void *opaque)
{
    const gint64 *deadline = opaque;

    g_assert_cmpint(g_get_monotonic_time(), <, *deadline);
    return runs[0] >= BUSY_RUNS && runs[1] >= BUSY_RUNS;
}

/*
 * Two busy vGPUs (weights 8 and 2) both run, and once the VM stops (which
 * drains the GPU) each has been charged exactly the GPU time its engine
 * reports for its workloads: neither pays for the other's.
 */
static void test_weights(void)
{
    gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
    QIgvt *a, *b, *v[2];
    unsigned runs[2];
    int i;

    start_two(8, 2, &a, &b);
    v[0] = a;
    v[1] = b;
    run_busy(a, b, both_ran, &deadline, runs);
    qtest_qmp_assert_success(a->qts, "{'execute': 'stop'}");

    g_assert_cmpint(qigvt_engines_member(a, "weight"), ==, 8);
    g_assert_cmpint(qigvt_engines_member(b, "weight"), ==, 2);
    for (i = 0; i < 2; i++) {
        /* The one submitted last was reported by the stop, or not run */
        g_assert_cmpint(rcs_stat(v[i], "hung"), >=, runs[i]);
        g_assert_cmpint(rcs_stat(v[i], "hung"), <=, runs[i] + 1);
        g_assert_cmpint(rcs_stat(v[i], "completed"), ==, 0);
        g_assert_cmpint(rcs_stat(v[i], "active"), ==,
                        rcs_stat(v[i], "hung") == runs[i]);
        g_assert_cmpint(qigvt_engines_member(v[i], "gpu-time-ns"), >, 0);
        g_assert_cmpint(qigvt_engines_member(v[i], "gpu-time-ns"), ==,
                        rcs_stat(v[i], "busy-ns"));
    }
    stop_two(a, b);
}

/* Until the monotonic time in @opaque */
static bool time_up(const unsigned *runs, void *opaque)
{
    const gint64 *end = opaque;

    return g_get_monotonic_time() >= *end;
}

/*
 * -m perf: the GPU time two busy vGPUs of weights 8 and 2 get in 3 s of
 * this host's time.  Reported, not asserted: it depends on how quickly
 * this test resubmits, i.e. on the host's load.
 */
static void perf_share(void)
{
    gint64 end = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
    QIgvt *a, *b;
    unsigned runs[2];
    int64_t ta, tb;

    start_two(8, 2, &a, &b);
    run_busy(a, b, time_up, &end, runs);
    qtest_qmp_assert_success(a->qts, "{'execute': 'stop'}");
    ta = qigvt_engines_member(a, "gpu-time-ns");
    tb = qigvt_engines_member(b, "gpu-time-ns");
    /* Something to report: both ran */
    g_assert_cmpint(ta, >, 0);
    g_assert_cmpint(tb, >, 0);
    g_test_message("igvt-sched-share: weights 8 2 runs %u %u "
                   "gpu-time-ns %" PRId64 " %" PRId64 " ratio %.2f",
                   runs[0], runs[1], ta, tb, (double)ta / tb);
    stop_two(a, b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/igvt/sched/hog", test_hog);
    qtest_add_func("/igvt/sched/weights", test_weights);
    if (g_test_perf()) {
        qtest_add_func("/igvt/sched/share", perf_share);
    }
    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest of igvt's GPU scheduler with two vGPUs on one software backend:
 * a vGPU whose batch spins forever does not stall the other, and two
 * spinning vGPUs both run, each with its weight and charged exactly the
 * GPU time of its own workload.
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

/*
 * A batch that jumps to itself: a spinner.  It never ends, but its jump is
 * an arbitration point, so it yields its engine at the end of each turn.
 */
static void put_spinner(QIgvt *v)
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

static int64_t rcs_stat(QIgvt *v, const char *key)
{
    return qigvt_engine_stat(v, "rcs", key);
}

static int64_t gpu_time(QIgvt *v)
{
    return qigvt_engines_member(v, "gpu-time-ns");
}

/* Until both have had GPU time (a hang guard: 60 s at most) */
static void wait_both_ran(QIgvt *a, QIgvt *b)
{
    gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;

    while (gpu_time(a) == 0 || gpu_time(b) == 0) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
}

/*
 * vGPU A (the heavier one) spins forever; vGPU B's store still runs, and A
 * is neither reported hung nor done: it still spins.
 */
static void test_hog(void)
{
    QIgvt *a, *b;
    uint32_t ring[] = { QIGVT_SDI_GGTT, 0, 0, 0x600d };

    start_two(16, 1, &a, &b);
    put_spinner(a);
    ring[1] = b->gm + QIGVT_TARGET;
    qigvt_put_context(b, ring, ARRAY_SIZE(ring));

    qigvt_submit(a, IGVT_RCS_BASE, CTX_ID);
    qigvt_submit(b, IGVT_RCS_BASE, CTX_ID);
    g_assert_cmpuint(qigvt_wait_csb(b, 1), ==, 1);
    g_assert_cmphex(qigvt_target(b, 0), ==, 0x600d);
    g_assert_cmpint(rcs_stat(b, "completed"), ==, 1);
    g_assert_cmpint(rcs_stat(b, "hung"), ==, 0);

    wait_both_ran(a, b);
    g_assert_true(rcs_stat(a, "active"));
    g_assert_cmpint(rcs_stat(a, "hung"), ==, 0);
    g_assert_cmpint(rcs_stat(a, "completed"), ==, 0);
    g_assert_cmpuint(qigvt_hwsp(a, IGVT_HWSP_CSB_WRITE), ==, 0);
    stop_two(a, b);
}

/* Two spinners of weights @wa and @wb, both run, then the VM stops */
static void spin_two(unsigned wa, unsigned wb, QIgvt **a, QIgvt **b)
{
    start_two(wa, wb, a, b);
    put_spinner(*a);
    put_spinner(*b);
    qigvt_submit(*a, IGVT_RCS_BASE, CTX_ID);
    qigvt_submit(*b, IGVT_RCS_BASE, CTX_ID);
}

/*
 * Two spinning vGPUs (weights 8 and 2) both run, and once the VM stops
 * (which interrupts both at their next arbitration point) each has been
 * charged exactly the GPU time its engine reports for its own spinner:
 * neither pays for the other's.
 */
static void test_weights(void)
{
    QIgvt *a, *b, *v[2];
    int i;

    spin_two(8, 2, &a, &b);
    wait_both_ran(a, b);
    qtest_qmp_assert_success(a->qts, "{'execute': 'stop'}");

    g_assert_cmpint(qigvt_engines_member(a, "weight"), ==, 8);
    g_assert_cmpint(qigvt_engines_member(b, "weight"), ==, 2);
    v[0] = a;
    v[1] = b;
    for (i = 0; i < 2; i++) {
        g_assert_true(rcs_stat(v[i], "active"));
        g_assert_cmpint(rcs_stat(v[i], "hung"), ==, 0);
        g_assert_cmpint(rcs_stat(v[i], "completed"), ==, 0);
        g_assert_cmpint(gpu_time(v[i]), >, 0);
        g_assert_cmpint(gpu_time(v[i]), ==, rcs_stat(v[i], "busy-ns"));
    }
    stop_two(a, b);
}

/*
 * -m perf: the GPU time two spinning vGPUs of weights 8 and 2 get in 3 s
 * of this host's time.  Reported, not asserted: it depends on the host's
 * load.
 */
static void perf_share(void)
{
    QIgvt *a, *b;
    int64_t ta, tb;

    spin_two(8, 2, &a, &b);
    wait_both_ran(a, b);
    g_usleep(3 * G_USEC_PER_SEC);
    qtest_qmp_assert_success(a->qts, "{'execute': 'stop'}");
    ta = gpu_time(a);
    tb = gpu_time(b);
    g_test_message("igvt-sched-share: weights 8 2 "
                   "gpu-time-ns %" PRId64 " %" PRId64 " ratio %.2f",
                   ta, tb, (double)ta / tb);
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

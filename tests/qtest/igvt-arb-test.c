/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest of what i915 and its test suites expect of execution on Gen9
 * execlists, beyond running a workload to its end:
 *  - a batch that loops until the CPU ends it (a spinner) runs for as
 *    long as it loops, in turns at its arbitration points, while other
 *    engines run; writing MI_BATCH_BUFFER_END into it ends it;
 *  - a batch that earlier commands of the same workload wrote runs as
 *    written;
 *  - a pair submitted while an element runs preempts it at its next
 *    arbitration point: the context image records where it stopped, and
 *    the context goes on there when it is submitted again (at once for a
 *    lite restore of the same context);
 *  - stopping the VM stops a spinner where it is; it goes on after
 *    'cont', and on the destination of a migration;
 *  - a GT reset stops a spinner, and resetting one engine keeps the
 *    others' work.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "libqtest.h"
#include "libqos/igvt.h"

#define PAGE            QIGVT_PAGE
#define RAM_BASE        0x2ff000
#define RAM(gm)         (RAM_BASE + (gm))

#define RCS             IGVT_RCS_BASE
#define BCS             IGVT_BCS_BASE
#define CTX_A           0x0aaa
#define CTX_B           0x0bbb

/* A second context, its ring and a batch of its own, after the library's */
#define LRCA_B          QIGVT_EXEC_END
#define RING_B          (LRCA_B + 2 * PAGE)
#define BATCH_B         (RING_B + PAGE)
#define EXEC_END_B      (BATCH_B + PAGE)

#define CSB_START       IGVT_CSB_IDLE_TO_ACTIVE
#define CSB_DONE        (IGVT_CSB_COMPLETE | IGVT_CSB_ACTIVE_TO_IDLE)
#define CSB_PREEMPTED   IGVT_CSB_PREEMPTED
#define CSB_LITE        (IGVT_CSB_PREEMPTED | IGVT_CSB_LITE_RESTORE)

#define RCS_IRQS        (IGVT_GT_CONTEXT_SWITCH | IGVT_GT_USER_INTERRUPT)
#define ALU_LOAD(a, r)  QIGVT_ALU(LOAD, a, r)
#define ALU_STORE(r, s) QIGVT_ALU(STORE, r, s)
#define ALU_ADD         QIGVT_ALU(ADD, 0, 0)

/* A batch as large as a workload copies, away from the other pages */
#define BIG             (1 * MiB)
#define BIG_SIZE        (256 * KiB)

#define ARB_CHECK       IGVT_MI_ARB_CHECK
#define BB_END          IGVT_MI_BATCH_BUFFER_END
#define NOOP            IGVT_MI_NOOP

static QIgvt *gpu_start(void)
{
    QIgvt *g = qigvt_startf(QIGVT_PV, "%s", QIGVT_ARGS);

    g_assert_cmphex(g->gm, ==, 0);
    qigvt_exec_init(g, RAM_BASE);
    qigvt_ggtt_map(g, LRCA_B, RAM(LRCA_B), EXEC_END_B - LRCA_B);
    /* The render engine's interrupts reach GT IIR */
    qigvt_writel(g, IGVT_GEN8_GT_IMR(0), ~RCS_IRQS);
    qigvt_writel(g, IGVT_GEN8_GT_IER(0), RCS_IRQS);
    qigvt_writel(g, A_GEN8_MASTER_IRQ, R_GEN8_MASTER_IRQ_CONTROL_MASK);
    return g;
}

static void put_batch(QIgvt *g, uint64_t gm, const uint32_t *dw, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        qtest_writel(g->qts, RAM(gm) + i * 4, dw[i]);
    }
}

/* The spinner: an arbitration point, then a jump back to itself */
static void put_spinner(QIgvt *g, uint64_t gm)
{
    const uint32_t spin[] = { ARB_CHECK, QIGVT_BB_START_GGTT, gm, 0 };

    put_batch(g, gm, spin, ARRAY_SIZE(spin));
}

/* The CPU ends the spinner at @gm */
static void end_spinner(QIgvt *g, uint64_t gm)
{
    qtest_writel(g->qts, RAM(gm), BB_END);
}

/* Poll guest RAM until dword @gm holds @want (a hang guard, not a timing) */
static void wait_dword(QIgvt *g, uint64_t gm, uint32_t want)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    while (qtest_readl(g->qts, RAM(gm)) != want) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(100);
    }
}

static uint32_t csb(QIgvt *g, unsigned n)
{
    return qigvt_hwsp(g, IGVT_HWSP_CSB + 2 * n);
}

static int64_t rcs_stat(QIgvt *g, const char *key)
{
    return qigvt_engine_stat(g, "rcs", key);
}

/*
 * The ring of context A: a store that says it runs, the spinner, a store
 * after it
 */
static uint32_t put_spinning_context(QIgvt *g)
{
    const uint32_t ring[] = {
        QIGVT_SDI_GGTT, QIGVT_TARGET, 0, 0x5911,
        QIGVT_BB_START_GGTT, QIGVT_BATCH, 0, NOOP,
        QIGVT_SDI_GGTT, QIGVT_TARGET + 4, 0, 0xd0e,
    };

    put_spinner(g, QIGVT_BATCH);
    return qigvt_put_context(g, ring, ARRAY_SIZE(ring));
}

/*
 * A spinner spins until the CPU ends it: it is never reported hung, and
 * the commands after it run once it ends
 */
static void test_spinner(void)
{
    QIgvt *g = gpu_start();
    uint32_t tail = put_spinning_context(g);

    qigvt_submit(g, RCS, CTX_A);
    wait_dword(g, QIGVT_TARGET, 0x5911);
    /* Well past any budget of commands: still spinning, nothing after */
    g_usleep(200 * 1000);
    g_assert_true(rcs_stat(g, "active"));
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 0);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 0);
    g_assert_cmphex(qigvt_target(g, 1), ==, 0);

    end_spinner(g, QIGVT_BATCH);
    g_assert_cmpuint(qigvt_wait_csb(g, 1), ==, 1);
    g_assert_cmphex(csb(g, 1), ==, CSB_DONE);
    g_assert_cmphex(qigvt_target(g, 1), ==, 0xd0e);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 0);
    g_assert_cmphex(qigvt_ctx_read(g, IGVT_CTX_RING_HEAD) &
                    IGVT_RING_HEAD_MASK, ==, tail);
    qigvt_free(g);
}

/* The blitter runs execlists too, its status page at @hwsp */
static void bcs_init(QIgvt *g, uint64_t hwsp)
{
    qigvt_writel(g, BCS + IGVT_RING_MODE,
                 IGVT_RING_MODE_RUN_LIST_ENABLE << 16 |
                 IGVT_RING_MODE_RUN_LIST_ENABLE);
    qigvt_writel(g, BCS + IGVT_RING_HWS_PGA, hwsp);
    qigvt_writel(g, BCS + IGVT_RING_CSB_PTR,
                 0xffff0000 | (IGVT_CSB_ENTRIES - 1) << 8 |
                 (IGVT_CSB_ENTRIES - 1));
}

/* While the render engine spins, the blitter's work runs */
static void test_spinner_other_engine(void)
{
    QIgvt *g = gpu_start();
    const uint32_t bcs_ring[] = {
        QIGVT_SDI_GGTT, QIGVT_TARGET + 8, 0, 0xb1,
    };

    put_spinning_context(g);
    qigvt_submit(g, RCS, CTX_A);
    wait_dword(g, QIGVT_TARGET, 0x5911);

    bcs_init(g, EXEC_END_B);
    qigvt_put_context_at(g, LRCA_B, RING_B, bcs_ring, ARRAY_SIZE(bcs_ring));
    qigvt_submit_at(g, BCS, LRCA_B, CTX_B);
    wait_dword(g, QIGVT_TARGET + 8, 0xb1);
    g_assert_cmpint(qigvt_engine_stat(g, "bcs", "completed"), ==, 1);
    g_assert_true(rcs_stat(g, "active"));

    end_spinner(g, QIGVT_BATCH);
    g_assert_cmpuint(qigvt_wait_csb(g, 1), ==, 1);
    g_assert_cmphex(qigvt_target(g, 1), ==, 0xd0e);
    qigvt_free(g);
}

/*
 * A batch the same workload wrote before running it runs as written: the
 * ring stores 40 into the immediate of the batch's own store, and into a
 * second batch the first chains to.
 */
static void test_gpu_written_batch(void)
{
    QIgvt *g = gpu_start();
    const uint32_t batch1[] = {
        QIGVT_SDI_GGTT, QIGVT_TARGET, 0, 39,
        QIGVT_SDI_GGTT, QIGVT_BATCH + PAGE + 12, 0, 41,
        QIGVT_BB_START_GGTT, QIGVT_BATCH + PAGE, 0,
    };
    const uint32_t batch2[] = {
        QIGVT_SDI_GGTT, QIGVT_TARGET + 4, 0, 0,
        BB_END,
    };
    const uint32_t ring[] = {
        QIGVT_SDI_GGTT, QIGVT_BATCH + 12, 0, 40,
        QIGVT_BB_START_GGTT, QIGVT_BATCH, 0, NOOP,
    };

    put_batch(g, QIGVT_BATCH, batch1, ARRAY_SIZE(batch1));
    put_batch(g, QIGVT_BATCH + PAGE, batch2, ARRAY_SIZE(batch2));
    qigvt_put_context(g, ring, ARRAY_SIZE(ring));
    qigvt_submit(g, RCS, CTX_A);
    g_assert_cmpuint(qigvt_wait_csb(g, 1), ==, 1);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_cmpuint(qigvt_target(g, 0), ==, 40);
    g_assert_cmpuint(qigvt_target(g, 1), ==, 41);
    qigvt_free(g);
}

/*
 * i915 appends to a running context and submits it again: a lite
 * restore.  It preempts the spinner at its next arbitration point, which
 * goes on where it stopped, and the appended store runs once the CPU
 * ends the spinner.
 */
static void test_lite_restore_spinner(void)
{
    QIgvt *g = gpu_start();
    const uint32_t more[] = { QIGVT_SDI_GGTT, QIGVT_TARGET + 8, 0, 0xadd };
    uint32_t tail = put_spinning_context(g);
    unsigned i;

    qigvt_submit(g, RCS, CTX_A);
    wait_dword(g, QIGVT_TARGET, 0x5911);
    for (i = 0; i < ARRAY_SIZE(more); i++) {
        qtest_writel(g->qts, RAM(QIGVT_RING) + tail + i * 4, more[i]);
    }
    qigvt_ctx_write(g, IGVT_CTX_RING_TAIL, tail + sizeof(more));
    qigvt_submit(g, RCS, CTX_A);
    g_assert_cmpuint(qigvt_wait_csb(g, 1), ==, 1);
    g_assert_cmphex(csb(g, 1), ==, CSB_LITE);
    g_assert_cmphex(qigvt_hwsp(g, IGVT_HWSP_CSB + 3), ==, CTX_A);
    /* Still spinning: nothing after the spinner ran */
    g_usleep(100 * 1000);
    g_assert_true(rcs_stat(g, "active"));
    g_assert_cmphex(qigvt_target(g, 1), ==, 0);
    g_assert_cmphex(qigvt_target(g, 2), ==, 0);

    end_spinner(g, QIGVT_BATCH);
    g_assert_cmpuint(qigvt_wait_csb(g, 2), ==, 2);
    g_assert_cmphex(csb(g, 2), ==, CSB_DONE);
    g_assert_cmphex(qigvt_target(g, 1), ==, 0xd0e);
    g_assert_cmphex(qigvt_target(g, 2), ==, 0xadd);
    g_assert_cmpuint(qigvt_target(g, 0), ==, 0x5911);
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 0);
    qigvt_free(g);
}

/*
 * Another context preempts the spinner: it runs, the engine goes idle,
 * and the spinner's context, submitted again, goes on inside its batch
 * (the context image records where) until the CPU ends it
 */
static void test_preempt_other_context(void)
{
    QIgvt *g = gpu_start();
    const uint32_t ring_b[] = { QIGVT_SDI_GGTT, QIGVT_TARGET + 12, 0, 0xb };

    put_spinning_context(g);
    qigvt_put_context_at(g, LRCA_B, RING_B, ring_b, ARRAY_SIZE(ring_b));
    qigvt_submit(g, RCS, CTX_A);
    wait_dword(g, QIGVT_TARGET, 0x5911);

    qigvt_submit_at(g, RCS, LRCA_B, CTX_B);
    g_assert_cmpuint(qigvt_wait_csb(g, 2), ==, 2);
    g_assert_cmphex(csb(g, 1), ==, CSB_PREEMPTED);
    g_assert_cmphex(qigvt_hwsp(g, IGVT_HWSP_CSB + 3), ==, CTX_A);
    g_assert_cmphex(csb(g, 2), ==, CSB_DONE);
    g_assert_cmphex(qigvt_hwsp(g, IGVT_HWSP_CSB + 5), ==, CTX_B);
    g_assert_cmphex(qigvt_target(g, 3), ==, 0xb);
    g_assert_false(rcs_stat(g, "active"));
    /* A stopped in its batch: the image says so, and where */
    g_assert_cmphex(qigvt_ctx_read(g, IGVT_CTX_BB_STATE) &
                    IGVT_CTX_BB_STATE_ACTIVE, ==, IGVT_CTX_BB_STATE_ACTIVE);
    g_assert_cmphex(qigvt_ctx_read(g, IGVT_CTX_BB_HEAD_LDW) & ~(PAGE - 1),
                    ==, QIGVT_BATCH);

    /* Submitted again, A goes on spinning, not from its ring's start */
    qtest_writel(g->qts, RAM(QIGVT_TARGET), 0);
    qigvt_submit(g, RCS, CTX_A);
    g_usleep(100 * 1000);
    g_assert_true(rcs_stat(g, "active"));
    g_assert_cmphex(qigvt_target(g, 0), ==, 0);
    end_spinner(g, QIGVT_BATCH);
    g_assert_cmpuint(qigvt_wait_csb(g, 4), ==, 4);
    g_assert_cmphex(csb(g, 4), ==, CSB_DONE);
    g_assert_cmphex(qigvt_target(g, 1), ==, 0xd0e);
    g_assert_cmphex(qigvt_target(g, 0), ==, 0);
    g_assert_cmphex(qigvt_ctx_read(g, IGVT_CTX_BB_STATE) &
                    IGVT_CTX_BB_STATE_ACTIVE, ==, 0);
    qigvt_free(g);
}

/*
 * Stopping the VM stops a spinner where it is (nothing hangs, nothing is
 * reported); it goes on after 'cont', and on a migration's destination
 */
static void test_stop_spinner(const void *opaque)
{
    bool migrate = opaque;
    QIgvt *g = gpu_start();
    QIgvt *d = g;

    put_spinning_context(g);
    qigvt_submit(g, RCS, CTX_A);
    wait_dword(g, QIGVT_TARGET, 0x5911);
    qtest_qmp_assert_success(g->qts, "{'execute': 'stop'}");
    g_assert_true(rcs_stat(g, "active"));
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 0);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 0);
    g_assert_cmpuint(qigvt_hwsp(g, IGVT_HWSP_CSB_WRITE), ==, 0);
    g_assert_cmphex(qigvt_ctx_read(g, IGVT_CTX_BB_STATE) &
                    IGVT_CTX_BB_STATE_ACTIVE, ==, IGVT_CTX_BB_STATE_ACTIVE);
    qtest_writel(g->qts, RAM(QIGVT_TARGET), 0);
    if (migrate) {
        d = qigvt_migrate(g, QIGVT_ARGS);
        g_assert_true(rcs_stat(d, "active"));
    }
    qtest_qmp_assert_success(d->qts, "{'execute': 'cont'}");
    g_usleep(100 * 1000);
    g_assert_true(rcs_stat(d, "active"));
    /* It went on inside the batch, not from its ring's start */
    g_assert_cmphex(qigvt_target(d, 0), ==, 0);

    end_spinner(d, QIGVT_BATCH);
    g_assert_cmpuint(qigvt_wait_csb(d, 1), ==, 1);
    g_assert_cmphex(csb(d, 1), ==, CSB_DONE);
    g_assert_cmphex(qigvt_target(d, 1), ==, 0xd0e);
    g_assert_cmpint(rcs_stat(d, "submitted"), ==, 1);
    g_assert_cmpint(rcs_stat(d, "completed"), ==, 1);
    if (d != g) {
        qigvt_free(d);
    }
    qigvt_free(g);
}

/* A GT reset stops a spinner: the engine is idle, nothing after it ran */
static void test_reset_spinner(void)
{
    QIgvt *g = gpu_start();

    put_spinning_context(g);
    qigvt_submit(g, RCS, CTX_A);
    wait_dword(g, QIGVT_TARGET, 0x5911);
    qigvt_writel(g, A_GDRST, R_GDRST_RENDER_MASK);
    g_assert_cmphex(qigvt_readl(g, A_GDRST), ==, 0);
    g_assert_false(rcs_stat(g, "active"));
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 0);
    end_spinner(g, QIGVT_BATCH);
    g_usleep(50 * 1000);
    g_assert_cmphex(qigvt_target(g, 1), ==, 0);
    qigvt_assert_running(g->qts);
    qigvt_free(g);
}

/*
 * Resetting one engine (i915's per-engine reset) keeps the others' work:
 * the blitter's spinner goes on and ends when the CPU ends it
 */
static void test_engine_reset_keeps_others(void)
{
    QIgvt *g = gpu_start();
    const uint32_t bcs_ring[] = {
        QIGVT_BB_START_GGTT, BATCH_B, 0, NOOP,
        QIGVT_SDI_GGTT, QIGVT_TARGET + 8, 0, 0xb2,
    };

    put_spinning_context(g);
    qigvt_submit(g, RCS, CTX_A);
    wait_dword(g, QIGVT_TARGET, 0x5911);
    bcs_init(g, EXEC_END_B);
    put_spinner(g, BATCH_B);
    qigvt_put_context_at(g, LRCA_B, RING_B, bcs_ring, ARRAY_SIZE(bcs_ring));
    qigvt_submit_at(g, BCS, LRCA_B, CTX_B);

    qigvt_writel(g, A_GDRST, R_GDRST_RENDER_MASK);
    g_assert_cmphex(qigvt_readl(g, A_GDRST), ==, 0);
    g_assert_false(rcs_stat(g, "active"));
    g_assert_true(qigvt_engine_stat(g, "bcs", "active"));

    end_spinner(g, BATCH_B);
    wait_dword(g, QIGVT_TARGET + 8, 0xb2);
    g_assert_cmpint(qigvt_engine_stat(g, "bcs", "completed"), ==, 1);
    g_assert_cmpint(qigvt_engine_stat(g, "bcs", "hung"), ==, 0);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 0);
    qigvt_free(g);
}

/* Poll dword @i of QIGVT_TARGET until it is at least @want; returns it */
static uint32_t wait_target_at_least(QIgvt *g, unsigned i, uint32_t want)
{
    gint64 deadline = g_get_monotonic_time() + (10 * G_USEC_PER_SEC);
    uint32_t v;

    while ((v = qigvt_target(g, i)) < want) {
        if (g_get_monotonic_time() > deadline) {
            g_autofree char *rej = qigvt_engine_stat_str(g, "rcs",
                                                         "last-reject");
            g_autofree char *hang = qigvt_engine_stat_str(g, "rcs",
                                                          "last-hang");
            g_test_message("target %u; rejected: %s; hung: %s", v,
                           rej ? rej : "-", hang ? hang : "-");
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(100);
    }
    return v;
}

/* The longest MI_LOAD_REGISTER_IMM: a cheap way to fill a batch */
#define SPIN_LRI_PAIRS  127

/*
 * A counting spinner of @size bytes at @gm: GPR0 += GPR1, stored to
 * QIGVT_TARGET, an arbitration point, then long LRIs (to GPR2) and NOOPs,
 * and a jump back to itself at its end.  The ring sets GPR1 to 1 and
 * calls it.
 */
static void put_counting_spinner(QIgvt *g, uint64_t gm, size_t size)
{
    const uint32_t head[] = {
        QIGVT_MATH(4), ALU_LOAD(IGVT_ALU_SRCA, 0), ALU_LOAD(IGVT_ALU_SRCB, 1),
        ALU_ADD, ALU_STORE(0, IGVT_ALU_ACCU),
        QIGVT_SRM_GGTT, QIGVT_GPR(RCS, 0), QIGVT_TARGET, 0,
        ARB_CHECK,
    };
    const uint32_t jump[] = { QIGVT_BB_START_GGTT, gm, 0 };
    const uint32_t ring[] = {
        QIGVT_LRI(1), QIGVT_GPR(RCS, 1), 1,
        QIGVT_BB_START_GGTT, gm, 0,
        QIGVT_SDI_GGTT, QIGVT_TARGET + 4, 0, 0xd0e,
    };

    uint64_t at = gm + sizeof(head), end = gm + size - sizeof(jump);
    uint32_t lri[1 + 2 * SPIN_LRI_PAIRS];
    unsigned i;

    g_assert_cmpuint(at, <=, end);
    qtest_memset(g->qts, RAM(at), 0, end - at);
    lri[0] = QIGVT_LRI(SPIN_LRI_PAIRS);
    for (i = 0; i < SPIN_LRI_PAIRS; i++) {
        lri[1 + 2 * i] = QIGVT_GPR(RCS, 2);
        lri[2 + 2 * i] = i;
    }
    for (; at + sizeof(lri) <= end; at += sizeof(lri)) {
        qtest_memwrite(g->qts, RAM(at), lri, sizeof(lri));
    }
    put_batch(g, gm, head, ARRAY_SIZE(head));
    put_batch(g, gm + size - sizeof(jump), jump, ARRAY_SIZE(jump));
    qigvt_put_context(g, ring, ARRAY_SIZE(ring));
}

/* QEMU's resident memory, in KiB */
static uint64_t qemu_rss_kib(QIgvt *g)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status",
                                            (int)qtest_pid(g->qts));
    g_autofree char *status = NULL;
    const char *line;

    g_assert_true(g_file_get_contents(path, &status, NULL, NULL));
    line = strstr(status, "VmRSS:");
    g_assert_nonnull(line);
    return g_ascii_strtoull(line + strlen("VmRSS:"), NULL, 10);
}

/*
 * A spinner re-enters its batch on every round; each entry copies and
 * audits the batch again (backend-soft.c igvt_soft_enter).  Those copies
 * must not pile up for as long as the spinner spins: 1024 rounds of a
 * 256 KiB batch may not cost QEMU 256 MiB.
 */
static void test_spinner_memory(void)
{
    g_autofree char *asan = g_strdup(g_getenv("ASAN_OPTIONS"));
    g_autofree char *no_quarantine =
        g_strconcat(asan ? asan : "", asan ? ":" : "",
                    "quarantine_size_mb=0", NULL);
    uint64_t before, after;
    QIgvt *g;
    uint32_t n;

    /*
     * AddressSanitizer keeps freed memory in a quarantine (256 MiB by
     * default) before it leaves RSS; without one, RSS shows what QEMU
     * really holds.  Builds without ASan ignore the variable.
     */
    g_setenv("ASAN_OPTIONS", no_quarantine, true);
    g = gpu_start();
    if (asan) {
        g_setenv("ASAN_OPTIONS", asan, true);
    } else {
        g_unsetenv("ASAN_OPTIONS");
    }

    qigvt_ggtt_map(g, BIG, RAM(BIG), BIG_SIZE);
    put_counting_spinner(g, BIG, BIG_SIZE);
    qigvt_submit(g, RCS, CTX_A);
    n = wait_target_at_least(g, 0, 16);
    before = qemu_rss_kib(g);
    wait_target_at_least(g, 0, n + 1024);
    after = qemu_rss_kib(g);
    g_test_message("RSS %" PRIu64 " KiB -> %" PRIu64 " KiB over 1024 rounds",
                   before, after);
    g_assert_cmpuint(after - MIN(after, before), <, 64 * KiB);

    qtest_writel(g->qts, RAM(BIG), BB_END);
    g_assert_cmpuint(qigvt_wait_csb(g, 1), ==, 1);
    g_assert_cmphex(qigvt_target(g, 1), ==, 0xd0e);
    qigvt_free(g);
}

/*
 * A breadcrumb and MI_USER_INTERRUPT before a spinner in the same ring
 * segment (i915 does this for a request queued before a spinning one on
 * the same context): the hardware raises the interrupt when the command
 * runs, so the guest's fence signals while the spinner goes on.
 */
static void test_spinner_user_interrupt(void)
{
    QIgvt *g = gpu_start();
    const uint32_t ring[] = {
        QIGVT_SDI_GGTT, QIGVT_TARGET, 0, 0x5911,
        IGVT_MI_USER_INTERRUPT, NOOP,
        QIGVT_BB_START_GGTT, QIGVT_BATCH, 0, NOOP,
        QIGVT_SDI_GGTT, QIGVT_TARGET + 4, 0, 0xd0e,
    };
    gint64 deadline;

    put_spinner(g, QIGVT_BATCH);
    qigvt_put_context(g, ring, ARRAY_SIZE(ring));
    qigvt_submit(g, RCS, CTX_A);
    wait_dword(g, QIGVT_TARGET, 0x5911);
    /* The idle-to-active switch is not what we wait for */
    qigvt_writel(g, IGVT_GEN8_GT_IIR(0), IGVT_GT_CONTEXT_SWITCH);

    /* It arrives while the spinner spins (the poll is a hang guard) */
    deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (!(qigvt_readl(g, IGVT_GEN8_GT_IIR(0)) & IGVT_GT_USER_INTERRUPT)) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }
    g_assert_true(rcs_stat(g, "active"));
    g_assert_cmphex(qigvt_target(g, 1), ==, 0);

    end_spinner(g, QIGVT_BATCH);
    g_assert_cmpuint(qigvt_wait_csb(g, 1), ==, 1);
    qigvt_free(g);
}

/*
 * Stopping the VM interrupts a workload at an arbitration point; it goes
 * on after 'cont' (or on the destination of a migration) where it
 * stopped.  The registers it computed with go on too, as the context
 * image keeps them on hardware: a counter kept in a GPR continues from
 * where it was, it does not start again from 0.
 */
static void test_stop_keeps_gprs(const void *opaque)
{
    bool migrate = opaque;
    QIgvt *g = gpu_start();
    QIgvt *d = g;
    uint32_t stopped, now;
    gint64 deadline;

    put_counting_spinner(g, QIGVT_BATCH, PAGE);
    qigvt_submit(g, RCS, CTX_A);
    wait_target_at_least(g, 0, 100);
    qtest_qmp_assert_success(g->qts, "{'execute': 'stop'}");
    stopped = qigvt_target(g, 0);
    g_assert_true(qigvt_engine_stat(g, "rcs", "active"));
    if (migrate) {
        d = qigvt_migrate(g, QIGVT_ARGS);
    }
    qtest_qmp_assert_success(d->qts, "{'execute': 'cont'}");

    deadline = g_get_monotonic_time() + (10 * G_USEC_PER_SEC);
    while ((now = qigvt_target(d, 0)) == stopped) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(100);
    }
    g_test_message("counter %u at stop, %u after cont", stopped, now);
    g_assert_cmpuint(now, >, stopped);

    qtest_writel(d->qts, RAM(QIGVT_BATCH), BB_END);
    g_assert_cmpuint(qigvt_wait_csb(d, 1), ==, 1);
    if (d != g) {
        qigvt_free(d);
    }
    qigvt_free(g);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/igvt/arb/spinner", test_spinner);
    qtest_add_func("/igvt/arb/spinner-other-engine",
                   test_spinner_other_engine);
    qtest_add_func("/igvt/arb/gpu-written-batch", test_gpu_written_batch);
    qtest_add_func("/igvt/arb/lite-restore-spinner",
                   test_lite_restore_spinner);
    qtest_add_func("/igvt/arb/preempt-other-context",
                   test_preempt_other_context);
    qtest_add_data_func("/igvt/arb/stop-spinner", (void *)false,
                        test_stop_spinner);
    qtest_add_data_func("/igvt/arb/stop-spinner-migrate", (void *)true,
                        test_stop_spinner);
    qtest_add_func("/igvt/arb/reset-spinner", test_reset_spinner);
    qtest_add_func("/igvt/arb/spinner-memory", test_spinner_memory);
    qtest_add_func("/igvt/arb/spinner-user-interrupt",
                   test_spinner_user_interrupt);
    qtest_add_data_func("/igvt/arb/stop-keeps-gprs", (void *)false,
                        test_stop_keeps_gprs);
    qtest_add_data_func("/igvt/arb/stop-keeps-gprs-migrate", (void *)true,
                        test_stop_keeps_gprs);
    qtest_add_func("/igvt/arb/engine-reset-keeps-others",
                   test_engine_reset_keeps_others);
    return g_test_run();
}

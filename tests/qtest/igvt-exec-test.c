/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest of igvt-vga's execution: contexts, rings and batches built in
 * guest memory, submitted through ELSP, executed by the software backend,
 * completed with CSB events in the status page and interrupts.
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "libqos/igvt.h"
#include "hw/display/igvt/ppgtt.h"

/*
 * Graphics memory: the aperture slice from 0, its pages from QIGVT_HWSP
 * to QIGVT_EXEC_END mapped to guest RAM at RAM_BASE + the same offset
 */
#define PAGE            QIGVT_PAGE
#define RAM_BASE        0x2ff000
#define RAM(gm)         (RAM_BASE + (gm))

#define RCS             IGVT_RCS_BASE
#define BCS             IGVT_BCS_BASE
#define CTX_ID          0x1234u

/*
 * The CSB events of a workload: its start, its end, and its being
 * replaced by a lite restore of the same context
 */
#define CSB_START       IGVT_CSB_IDLE_TO_ACTIVE
#define CSB_DONE        (IGVT_CSB_COMPLETE | IGVT_CSB_ACTIVE_TO_IDLE)
#define CSB_PREEMPTED   (IGVT_CSB_LITE_RESTORE | IGVT_CSB_PREEMPTED)
/* Context switch and user interrupts of the render engine */
#define RCS_IRQS        (IGVT_GT_CONTEXT_SWITCH | IGVT_GT_USER_INTERRUPT)

/* The vGPU of QIGVT_ARGS, with @device_args appended to its properties */
static QIgvt *gpu_start_args(const char *device_args)
{
    QIgvt *g = qigvt_startf(QIGVT_PV, "%s%s", QIGVT_ARGS, device_args);

    g_assert_cmphex(g->gm, ==, 0);
    qigvt_exec_init(g, RAM_BASE);
    /* Context switch and user interrupts of RCS, master on */
    qigvt_writel(g, IGVT_GEN8_GT_IMR(0), ~RCS_IRQS);
    qigvt_writel(g, IGVT_GEN8_GT_IER(0), RCS_IRQS);
    qigvt_writel(g, A_GEN8_MASTER_IRQ, R_GEN8_MASTER_IRQ_CONTROL_MASK);
    return g;
}

static QIgvt *gpu_start(void)
{
    return gpu_start_args("");
}

static void submit(QIgvt *g)
{
    qigvt_submit(g, RCS, CTX_ID);
}

/* query-igvt-engines: member @key of the render engine, -1 if absent */
static int64_t rcs_stat(QIgvt *g, const char *key)
{
    return qigvt_engine_stat(g, "rcs", key);
}

static void test_store_and_batch(void)
{
    QIgvt *g = gpu_start();
    const uint32_t ring[] = {
        QIGVT_SDI_GGTT, QIGVT_TARGET, 0, 0xdeadbeef,
        QIGVT_BB_START_GGTT, QIGVT_BATCH, 0, IGVT_MI_NOOP,
        IGVT_MI_USER_INTERRUPT, IGVT_MI_NOOP,
    };
    const uint32_t batch[] = {
        QIGVT_SDI_GGTT, QIGVT_TARGET + 4, 0, 0xcafef00d,
        IGVT_MI_BATCH_BUFFER_END,
    };
    uint32_t tail;
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(batch); i++) {
        qtest_writel(g->qts, RAM(QIGVT_BATCH) + i * 4, batch[i]);
    }
    tail = qigvt_put_context(g, ring, ARRAY_SIZE(ring));
    submit(g);

    /* Two events: idle to active, then complete + active to idle */
    g_assert_cmpuint(qigvt_wait_csb(g, 1), ==, 1);
    g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET)), ==, 0xdeadbeef);
    g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET) + 4), ==, 0xcafef00d);
    g_assert_cmphex(qigvt_hwsp(g, IGVT_HWSP_CSB), ==, CSB_START);
    g_assert_cmphex(qigvt_hwsp(g, IGVT_HWSP_CSB + 1), ==, CTX_ID);
    g_assert_cmphex(qigvt_hwsp(g, IGVT_HWSP_CSB + 2), ==, CSB_DONE);
    g_assert_cmphex(qigvt_hwsp(g, IGVT_HWSP_CSB + 3), ==, CTX_ID);
    /* The MMIO copy of the CSB and its write pointer */
    g_assert_cmphex(qigvt_readl(g, RCS + IGVT_RING_CSB + 8), ==, CSB_DONE);
    g_assert_cmphex(qigvt_readl(g, RCS + IGVT_RING_CSB_PTR) & 0x7, ==, 1);
    /* Context switch and user interrupt, with the master showing RCS */
    g_assert_cmphex(qigvt_readl(g, IGVT_GEN8_GT_IIR(0)) & RCS_IRQS, ==,
                    RCS_IRQS);
    g_assert_cmphex(qigvt_readl(g, A_GEN8_MASTER_IRQ) & 1, ==, 1);
    /* The ring was consumed: head caught up in the image and the engine */
    g_assert_cmphex(qigvt_ctx_read(g, IGVT_CTX_RING_HEAD) &
                    IGVT_RING_HEAD_MASK, ==, tail);
    g_assert_cmphex(qigvt_readl(g, RCS + IGVT_RING_HEAD), ==, tail);
    g_assert_cmphex(qigvt_readl(g, RCS + IGVT_RING_TAIL), ==, tail);
    g_assert_cmpint(rcs_stat(g, "submitted"), ==, 1);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_cmpint(rcs_stat(g, "rejected"), ==, 0);
    g_assert_cmpint(rcs_stat(g, "last-rejected-command"), ==, -1);
    qigvt_free(g);
}

/*
 * A batch that jumps to itself forever is a spinner (the jump is an
 * arbitration point): it is never reported hung, the engine stays busy
 * with it, and a GT reset ends it with nothing after it run
 */
static void test_runaway_batch(void)
{
    QIgvt *g = gpu_start();
    const uint32_t ring[] = {
        QIGVT_SDI_GGTT, QIGVT_TARGET + 4, 0, 0x5911,
        QIGVT_BB_START_GGTT, QIGVT_BATCH, 0, IGVT_MI_NOOP,
        QIGVT_SDI_GGTT, QIGVT_TARGET, 0, 0x600d,
    };
    const uint32_t batch[] = { QIGVT_BB_START_GGTT, QIGVT_BATCH, 0 };
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(batch); i++) {
        qtest_writel(g->qts, RAM(QIGVT_BATCH) + i * 4, batch[i]);
    }
    qigvt_put_context(g, ring, ARRAY_SIZE(ring));
    submit(g);
    while (qigvt_target(g, 1) != 0x5911) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(100);
    }
    g_usleep(200 * 1000);
    g_assert_true(rcs_stat(g, "active"));
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 0);
    qigvt_writel(g, A_GDRST, R_GDRST_FULL_MASK);
    g_assert_false(rcs_stat(g, "active"));
    g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET)), ==, 0);
    qigvt_assert_running(g->qts);
    qigvt_free(g);
}

/*
 * A workload the audit refuses never runs, not even its harmless part:
 * the vGPU enters failsafe, and a device reset clears it.
 */
static void refused(const uint32_t *bad, unsigned n)
{
    QIgvt *g = gpu_start();
    uint32_t ring[16];
    g_autofree char *reason = NULL;

    g_assert_cmpuint(n + 4, <=, ARRAY_SIZE(ring));
    ring[0] = QIGVT_SDI_GGTT;                   /* would run first */
    ring[1] = QIGVT_TARGET;
    ring[2] = 0;
    ring[3] = 0x600d;
    memcpy(ring + 4, bad, n * 4);
    qigvt_put_context(g, ring, n + 4);
    submit(g);
    g_assert_cmpuint(qigvt_wait_csb(g, 1), ==, 1);
    g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET)), ==, 0);
    reason = qigvt_failsafe_reason(g);
    g_assert_cmpstr(reason, ==, "guest-error");
    g_assert_cmpint(rcs_stat(g, "rejected"), ==, 1);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 0);
    g_assert_cmpint(rcs_stat(g, "last-rejected-command"), ==, bad[0]);
    qtest_qmp_assert_success(g->qts, "{'execute': 'query-status'}");

    qtest_system_reset(g->qts);
    g_assert_null(qigvt_failsafe_reason(g));
    qigvt_free(g);
}

/* Memory outside the vGPU's slices is never touched */
static void test_store_outside(void)
{
    const uint32_t bad[] = {
        QIGVT_SDI_GGTT, 0x3fff000, 0, 0xbad,    /* hidden gap: not ours */
    };

    refused(bad, ARRAY_SIZE(bad));
}

/* A privileged command (MI_UPDATE_GTT) */
static void test_forbidden_command(void)
{
    const uint32_t bad[] = { QIGVT_UPDATE_GTT, 0, 0, IGVT_MI_NOOP };

    refused(bad, ARRAY_SIZE(bad));
}

/* A register write outside the whitelist (the master interrupt control) */
static void test_forbidden_register(void)
{
    const uint32_t bad[] = {
        QIGVT_LRI(1), A_GEN8_MASTER_IRQ, 0, IGVT_MI_NOOP,
    };

    refused(bad, ARRAY_SIZE(bad));
}

/* A command running past the end of the ring segment */
static void test_truncated(void)
{
    const uint32_t bad[] = { QIGVT_SDI_GGTT | 0x7f, QIGVT_TARGET };

    refused(bad, ARRAY_SIZE(bad));
}

/*
 * The blitter: a 32 bpp colour fill, then a copy of it, both linear, in
 * a ring on the blitter engine (global addresses).
 */
static void test_blit(void)
{
    QIgvt *g = gpu_start();
    const uint32_t ring[] = {
        /* XY_COLOR_BLT, alpha+RGB, 32 bpp PATCOPY, pitch 64 */
        QIGVT_CMD(IGVT_XY_COLOR_BLT, 7) | QIGVT_BLT_WRITE(3),
        QIGVT_BR13(3, QIGVT_ROP_PATCOPY, 64),
        1 << 16 | 1, 3 << 16 | 5, QIGVT_TARGET, 0, 0x11223344,
        IGVT_MI_NOOP,
        /* XY_SRC_COPY_BLT of that 4x2 block to row 8, same pitch */
        QIGVT_CMD(IGVT_XY_SRC_COPY_BLT, 10) | QIGVT_BLT_WRITE(3),
        QIGVT_BR13(3, QIGVT_ROP_SRCCOPY, 64),
        8 << 16 | 0, 10 << 16 | 4, QIGVT_TARGET, 0, 1 << 16 | 1, 64,
        QIGVT_TARGET, 0,
    };
    unsigned x, y;

    qigvt_engine_init(g, BCS);
    qigvt_put_context(g, ring, ARRAY_SIZE(ring));
    qigvt_submit(g, BCS, CTX_ID);
    g_assert_cmpuint(qigvt_wait_csb(g, 1), ==, 1);
    for (y = 0; y < 4; y++) {
        for (x = 0; x < 6; x++) {
            bool in = y >= 1 && y < 3 && x >= 1 && x < 5;

            g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET) + y * 64 +
                                        x * 4), ==, in ? 0x11223344 : 0);
        }
    }
    for (y = 8; y < 10; y++) {
        for (x = 0; x < 5; x++) {
            g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET) + y * 64 +
                                        x * 4), ==, x < 4 ? 0x11223344 : 0);
        }
    }
    g_assert_null(qigvt_failsafe_reason(g));
    qigvt_free(g);
}

/*
 * A pair written while the engine is busy waits for the running element,
 * then preempts it; starting with the same context it is a lite restore,
 * as i915 does to append requests.  The VM is stopped so that the second
 * pair surely arrives while the first is still queued.
 */
static void test_lite_restore(void)
{
    QIgvt *g = gpu_start();
    const uint32_t ring[] = {
        QIGVT_SDI_GGTT, QIGVT_TARGET, 0, 0x1111,
        QIGVT_SDI_GGTT, QIGVT_TARGET + 4, 0, 0x2222,
    };
    uint32_t tail;

    qtest_qmp_assert_success(g->qts, "{'execute': 'stop'}");
    /* First pair: only the first store is in the ring yet */
    qigvt_put_context(g, ring, 4);
    submit(g);
    g_assert_true(rcs_stat(g, "active"));
    /* The guest appends and resubmits the same context */
    tail = qigvt_put_context(g, ring, ARRAY_SIZE(ring));
    submit(g);
    /* Nothing runs while the VM is stopped */
    g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET)), ==, 0);
    g_assert_cmpint(rcs_stat(g, "submitted"), ==, 0);
    qtest_qmp_assert_success(g->qts, "{'execute': 'cont'}");

    /* idle-to-active, preempted + lite restore, complete + idle */
    g_assert_cmpuint(qigvt_wait_csb(g, 2), ==, 2);
    g_assert_cmphex(qigvt_hwsp(g, IGVT_HWSP_CSB), ==, CSB_START);
    g_assert_cmphex(qigvt_hwsp(g, IGVT_HWSP_CSB + 2), ==,
                    CSB_PREEMPTED);
    g_assert_cmphex(qigvt_hwsp(g, IGVT_HWSP_CSB + 3), ==, CTX_ID);
    g_assert_cmphex(qigvt_hwsp(g, IGVT_HWSP_CSB + 4), ==, CSB_DONE);
    /* Both stores ran once, and the ring is consumed */
    g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET)), ==, 0x1111);
    g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET) + 4), ==, 0x2222);
    g_assert_cmphex(qigvt_readl(g, RCS + IGVT_RING_HEAD), ==, tail);
    g_assert_false(rcs_stat(g, "active"));
    g_assert_cmpint(rcs_stat(g, "submitted"), ==, 2);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 2);
    g_assert_cmpint(rcs_stat(g, "latency-max-ns"), >, 0);
    g_assert_cmpint(rcs_stat(g, "latency-avg-ns"), <=,
                    rcs_stat(g, "latency-max-ns"));
    qigvt_free(g);
}

/*
 * A reset while the GPU still runs a workload (an endless batch) drops it
 * without a late report; the engine takes new work afterwards.
 */
static void test_reset_in_flight(void)
{
    QIgvt *g = gpu_start();
    const uint32_t ring[] = {
        QIGVT_BB_START_GGTT, QIGVT_BATCH, 0, IGVT_MI_NOOP,
    };
    const uint32_t batch[] = { QIGVT_BB_START_GGTT, QIGVT_BATCH, 0 };
    const uint32_t store[] = { QIGVT_SDI_GGTT, QIGVT_TARGET, 0, 0x600d };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(batch); i++) {
        qtest_writel(g->qts, RAM(QIGVT_BATCH) + i * 4, batch[i]);
    }
    qigvt_put_context(g, ring, ARRAY_SIZE(ring));
    submit(g);
    /* Full GT reset (GDRST): the engine is idle at once */
    qigvt_writel(g, A_GDRST, R_GDRST_FULL_MASK);
    g_assert_cmphex(qigvt_readl(g, A_GDRST), ==, 0);
    g_assert_false(rcs_stat(g, "active"));
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 0);

    /* i915 sets the engine up again, and it runs new work */
    qigvt_csb_reset(g, RCS);
    qigvt_put_context(g, store, ARRAY_SIZE(store));
    submit(g);
    g_assert_cmpuint(qigvt_wait_csb(g, 1), ==, 1);
    g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET)), ==, 0x600d);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);

    /* Same with a device reset while the endless batch runs */
    qigvt_put_context(g, ring, ARRAY_SIZE(ring));
    qigvt_ctx_write(g, IGVT_CTX_RING_HEAD, 0);
    submit(g);
    qtest_system_reset(g->qts);
    g_assert_false(rcs_stat(g, "active"));
    qtest_qmp_assert_success(g->qts, "{'execute': 'query-status'}");
    qigvt_free(g);
}

/*
 * Tiled blits.  Two 32 KiB surfaces in graphics memory; the expected
 * result is computed here from the tile layouts (qigvt_tiled_offset()).
 */
#define GM_SURF_SRC         0x10000
#define GM_SURF_DST         0x18000
#define GM_SURF_END         0x20000
#define SURF_SIZE           0x8000
#define GM_SWCTRL_VALUE     (QIGVT_TARGET + 0x100)
#define SWCTRL_Y            (QIGVT_SWCTRL_SRC_Y | QIGVT_SWCTRL_DST_Y)

/* Run @ring (any length) on the blitter engine and wait for it */
static void bcs_start(QIgvt *g, const uint32_t *ring, unsigned n)
{
    uint32_t even[64];

    g_assert_cmpuint(n, <, ARRAY_SIZE(even));
    memcpy(even, ring, n * 4);
    if (n % 2) {
        even[n++] = IGVT_MI_NOOP;
    }
    qigvt_engine_init(g, BCS);
    qigvt_put_context(g, even, n);
    qigvt_submit(g, BCS, CTX_ID);
}

static void bcs_run(QIgvt *g, const uint32_t *ring, unsigned n)
{
    bcs_start(g, ring, n);
    g_assert_cmpuint(qigvt_wait_csb(g, 1), ==, 1);
}

/*
 * The workload on engine @name hung.  As on hardware (and GVT-g), the
 * engine reports nothing: no completion, nothing after it runs, until
 * the guest resets it (GDRST @reset), which ends the stall.
 */
static void assert_hang(QIgvt *g, const char *name, uint32_t reset)
{
    g_assert_true(qigvt_wait_stall(g, name));
    g_assert_cmpint(qigvt_engine_stat(g, name, "hung"), ==, 1);
    g_assert_cmpint(qigvt_engine_stat(g, name, "completed"), ==, 0);
    g_assert_true(qigvt_engine_stat(g, name, "active"));
    /* Only the idle-to-active event */
    g_assert_cmpuint(qigvt_hwsp(g, IGVT_HWSP_CSB_WRITE), ==, 0);

    qigvt_writel(g, A_GDRST, reset);
    g_assert_false(qigvt_engine_stat(g, name, "stalled"));
    g_assert_false(qigvt_engine_stat(g, name, "active"));
}

typedef struct TiledBlt {
    const char *name;
    uint32_t op;                /* IGVT_XY_COLOR_BLT, ... */
    QIgvtTiling dst_t, src_t;   /* 'L', 'X' or 'Y' */
    uint32_t cpp;
    uint32_t dst_pitch, src_pitch;      /* bytes */
    uint32_t x, y, w, h;        /* destination rectangle */
    uint32_t sx, sy;            /* source corner */
    uint32_t write;             /* 32 bpp XY_*: 1 RGB, 2 alpha, 3 both */
    bool lrm;                   /* set BCS_SWCTRL by LRM, not LRI */
} TiledBlt;

static const TiledBlt tiled_blts[] = {
    { "x-fill", IGVT_XY_COLOR_BLT, 'X', 'L', 4, 1024, 0,
      100, 3, 100, 10, 0, 0, 3 },
    { "x-fill-rgb", IGVT_XY_COLOR_BLT, 'X', 'L', 4, 1024, 0,
      100, 3, 100, 10, 0, 0, 1 },
    { "y-fill", IGVT_XY_COLOR_BLT, 'Y', 'L', 2, 256, 0,
      30, 20, 60, 30, 0, 0 },
    { "y-fill-lrm", IGVT_XY_COLOR_BLT, 'Y', 'L', 4, 256, 0,
      5, 9, 50, 40, 0, 0, 3, true },
    { "linear-to-x", IGVT_XY_SRC_COPY_BLT, 'X', 'L', 4, 1024, 1000,
      60, 5, 140, 15, 3, 2, 3 },
    { "y-to-linear", IGVT_XY_SRC_COPY_BLT, 'L', 'Y', 4, 600, 512,
      2, 1, 48, 35, 10, 25, 3 },
    { "y-to-x", IGVT_XY_SRC_COPY_BLT, 'X', 'Y', 1, 1024, 256,
      500, 4, 150, 20, 100, 28 },
    { "fast-linear-to-y", IGVT_XY_FAST_COPY_BLT, 'Y', 'L', 4, 384, 320,
      7, 30, 70, 15, 0, 0 },
    { "fast-x-to-linear", IGVT_XY_FAST_COPY_BLT, 'L', 'X', 2, 512, 1024,
      1, 2, 200, 20, 200, 1 },
    { "fast-y-to-y-64bpp", IGVT_XY_FAST_COPY_BLT, 'Y', 'Y', 8, 256, 384,
      3, 27, 20, 10, 9, 40 },
};

/* Colour depth fields: BR13 bits 25:24, fast copy dword 1 bits 26:24 */
static uint32_t xy_depth(uint32_t cpp)
{
    return cpp == 1 ? 0 : cpp == 2 ? 1 : 3;
}

static uint32_t fast_depth(uint32_t cpp)
{
    switch (cpp) {
    case 1:
        return 0;
    case 2:
        return 1;
    case 4:
        return 3;
    case 8:
        return 4;
    default:
        return 5;
    }
}

/* Fast copy tile type: 0 linear, 1 X, 2 Y */
static uint32_t fast_tile(QIgvtTiling t)
{
    return t == 'X' ? 1 : t == 'Y' ? 2 : 0;
}

/* The pitch field: dwords for a tiled surface, bytes for a linear one */
static uint32_t pitch_field(QIgvtTiling t, uint32_t pitch)
{
    return t == 'L' ? pitch : pitch / 4;
}

/* Build the blit of @c, with its BCS_SWCTRL set-up, in @ring */
static unsigned tiled_blt_ring(QIgvt *g, const TiledBlt *c, uint32_t color,
                               uint32_t *ring)
{
    uint32_t swctrl = 0, tiled = 0;
    unsigned n = 0;

    if (c->op != IGVT_XY_FAST_COPY_BLT) {
        swctrl = (c->dst_t == 'Y' ? QIGVT_SWCTRL_DST_Y : 0) |
                 (c->src_t == 'Y' ? QIGVT_SWCTRL_SRC_Y : 0);
        tiled = (c->dst_t != 'L' ? QIGVT_BLT_DST_TILED : 0) |
                (c->src_t != 'L' && c->op == IGVT_XY_SRC_COPY_BLT ?
                 QIGVT_BLT_SRC_TILED : 0);
    }
    if (swctrl) {
        /* Masked: enable both bits, set the Y ones */
        uint32_t v = SWCTRL_Y << 16 | swctrl;

        if (c->lrm) {
            qtest_writel(g->qts, RAM(GM_SWCTRL_VALUE), v);
            ring[n++] = QIGVT_LRM_GGTT;
            ring[n++] = QIGVT_BCS_SWCTRL;
            ring[n++] = GM_SWCTRL_VALUE;
            ring[n++] = 0;
        } else {
            ring[n++] = QIGVT_LRI(1);
            ring[n++] = QIGVT_BCS_SWCTRL;
            ring[n++] = v;
        }
    }
    switch (c->op) {
    case IGVT_XY_COLOR_BLT:
        ring[n++] = QIGVT_CMD(IGVT_XY_COLOR_BLT, 7) |
                    QIGVT_BLT_WRITE(c->write) | tiled;
        ring[n++] = QIGVT_BR13(xy_depth(c->cpp), QIGVT_ROP_PATCOPY,
                               pitch_field(c->dst_t, c->dst_pitch));
        break;
    case IGVT_XY_SRC_COPY_BLT:
        ring[n++] = QIGVT_CMD(IGVT_XY_SRC_COPY_BLT, 10) |
                    QIGVT_BLT_WRITE(c->write) | tiled;
        ring[n++] = QIGVT_BR13(xy_depth(c->cpp), QIGVT_ROP_SRCCOPY,
                               pitch_field(c->dst_t, c->dst_pitch));
        break;
    default:
        ring[n++] = QIGVT_CMD(IGVT_XY_FAST_COPY_BLT, 10) |
                    QIGVT_FAST_SRC_TILE(fast_tile(c->src_t)) |
                    QIGVT_FAST_DST_TILE(fast_tile(c->dst_t));
        ring[n++] = QIGVT_BR13_DEPTH(fast_depth(c->cpp)) |
                    pitch_field(c->dst_t, c->dst_pitch);
        break;
    }
    ring[n++] = c->y << 16 | c->x;
    ring[n++] = (c->y + c->h) << 16 | (c->x + c->w);
    ring[n++] = GM_SURF_DST;
    ring[n++] = 0;
    if (c->op == IGVT_XY_COLOR_BLT) {
        ring[n++] = color;
    } else {
        ring[n++] = c->sy << 16 | c->sx;
        ring[n++] = pitch_field(c->src_t, c->src_pitch);
        ring[n++] = GM_SURF_SRC;
        ring[n++] = 0;
    }
    if (swctrl) {
        /* Back to X tiling, as i915's users do */
        ring[n++] = QIGVT_LRI(1);
        ring[n++] = QIGVT_BCS_SWCTRL;
        ring[n++] = SWCTRL_Y << 16;
    }
    return n;
}

static uint8_t surf_pattern(uint32_t i, uint32_t seed)
{
    uint32_t v = (i + seed) * 0x9e3779b1u;

    return v >> 24 ^ v >> 11;
}

/*
 * One tiled blit: every byte of the destination surface must be what the
 * tile layouts say, inside the rectangle and (untouched) around it.
 */
static void test_tiled_blit(const void *opaque)
{
    const TiledBlt *c = opaque;
    const uint32_t color = 0x8a3c5be1;
    g_autofree uint8_t *src = g_malloc(SURF_SIZE);
    g_autofree uint8_t *want = g_malloc(SURF_SIZE);
    g_autofree uint8_t *got = g_malloc(SURF_SIZE);
    QIgvt *g = gpu_start();
    uint32_t ring[40], mask = 0xf, i, j, k, d, so;
    unsigned n;

    qigvt_ggtt_map(g, QIGVT_EXEC_END, RAM(QIGVT_EXEC_END),
                   GM_SURF_END - QIGVT_EXEC_END);
    for (i = 0; i < SURF_SIZE; i++) {
        src[i] = surf_pattern(i, 1);
        want[i] = surf_pattern(i, 2);
    }
    qtest_memwrite(g->qts, RAM(GM_SURF_SRC), src, SURF_SIZE);
    qtest_memwrite(g->qts, RAM(GM_SURF_DST), want, SURF_SIZE);

    n = tiled_blt_ring(g, c, color, ring);
    bcs_run(g, ring, n);

    /* The expected destination, pixel byte by pixel byte */
    if (c->cpp == 4 && c->op != IGVT_XY_FAST_COPY_BLT) {
        mask = (c->write & 2 ? 0x8 : 0) | (c->write & 1 ? 0x7 : 0);
    }
    for (j = 0; j < c->h; j++) {
        for (i = 0; i < c->w * c->cpp; i++) {
            k = i % c->cpp;
            if (k < 4 && !(mask & (1u << k))) {
                continue;
            }
            d = qigvt_tiled_offset(c->dst_t, c->dst_pitch,
                                   c->x * c->cpp + i, c->y + j);
            g_assert_cmpuint(d, <, SURF_SIZE);
            if (c->op == IGVT_XY_COLOR_BLT) {
                want[d] = color >> (8 * k);
            } else {
                so = qigvt_tiled_offset(c->src_t, c->src_pitch,
                                        c->sx * c->cpp + i, c->sy + j);
                g_assert_cmpuint(so, <, SURF_SIZE);
                want[d] = src[so];
            }
        }
    }
    qtest_memread(g->qts, RAM(GM_SURF_DST), got, SURF_SIZE);
    for (i = 0; i < SURF_SIZE; i++) {
        if (got[i] != want[i]) {
            g_test_message("%s: destination byte 0x%x", c->name, i);
            g_assert_cmphex(got[i], ==, want[i]);
        }
    }
    g_assert_cmpint(qigvt_engine_stat(g, "bcs", "completed"), ==, 1);
    g_assert_cmpint(qigvt_engine_stat(g, "bcs", "hung"), ==, 0);
    g_assert_null(qigvt_failsafe_reason(g));
    qigvt_free(g);
}

typedef struct HostileBlt {
    const char *name;
    uint32_t swctrl;            /* BCS_SWCTRL Y bits to set first */
    uint32_t cmd[10];
    bool untouched;             /* refused before writing anything */
} HostileBlt;

/* 32 bpp fills, tiled, and copies from a tiled source to a tiled one */
#define TILED_FILL      (QIGVT_CMD(IGVT_XY_COLOR_BLT, 7) | \
                         QIGVT_BLT_WRITE(3) | QIGVT_BLT_DST_TILED)
#define FILL_BR13(p)    QIGVT_BR13(3, QIGVT_ROP_PATCOPY, p)
#define TILED_COPY      (QIGVT_CMD(IGVT_XY_SRC_COPY_BLT, 10) | \
                         QIGVT_BLT_WRITE(3) | QIGVT_BLT_DST_TILED | \
                         QIGVT_BLT_SRC_TILED)
#define COPY_BR13(p)    QIGVT_BR13(3, QIGVT_ROP_SRCCOPY, p)

static const HostileBlt hostile_blts[] = {
    /* X-tiled fill, pitch 400 bytes: not a whole number of tiles */
    { "x-pitch-not-tiles", 0,
      { TILED_FILL, FILL_BR13(100), 0, 4 << 16 | 16, GM_SURF_DST, 0,
        0x12345678 }, true },
    /* Y-tiled fill with pitch 0 */
    { "y-pitch-zero", QIGVT_SWCTRL_DST_Y,
      { TILED_FILL, FILL_BR13(0), 0, 4 << 16 | 16, GM_SURF_DST, 0,
        0x12345678 }, true },
    /* Fast copy to Y tiles, pitch 192 bytes */
    { "fast-y-pitch-not-tiles", 0,
      { QIGVT_CMD(IGVT_XY_FAST_COPY_BLT, 10) | QIGVT_FAST_DST_TILE(2),
        QIGVT_BR13_DEPTH(3) | 48, 0, 4 << 16 | 16, GM_SURF_DST, 0,
        0, 1024, GM_SURF_SRC, 0 }, true },
    /* X-tiled fill 65535 pixels wide: rows far too wide */
    { "x-too-wide", 0,
      { TILED_FILL, FILL_BR13(256), 0, 4u << 16 | 0xffff, GM_SURF_DST, 0,
        0x12345678 }, true },
    /*
     * Y to Y copy of 16384 x 32768 pixels with a 255.5 KiB pitch: runs
     * out of the vGPU's memory (or out of budget), never out of QEMU's.
     */
    { "y-huge", SWCTRL_Y,
      { TILED_COPY, COPY_BR13(0xff80), 0, 0x8000u << 16 | 0x4000,
        0x1ff0000, 0, 0, 0xff80, GM_SURF_SRC, 0 },
      false },
};

/*
 * A hostile tiled blit hangs its workload (nothing after it runs),
 * touches no memory it must not, and QEMU keeps running.
 */
static void test_hostile_blit(const void *opaque)
{
    const HostileBlt *c = opaque;
    g_autofree uint8_t *before = g_malloc(SURF_SIZE);
    g_autofree uint8_t *after = g_malloc(SURF_SIZE);
    QIgvt *g = gpu_start();
    uint32_t ring[40], i;
    unsigned n = 0;

    qigvt_ggtt_map(g, QIGVT_EXEC_END, RAM(QIGVT_EXEC_END),
                   GM_SURF_END - QIGVT_EXEC_END);
    for (i = 0; i < SURF_SIZE; i++) {
        before[i] = surf_pattern(i, 3);
    }
    qtest_memwrite(g->qts, RAM(GM_SURF_DST), before, SURF_SIZE);
    if (c->swctrl) {
        ring[n++] = QIGVT_LRI(1);
        ring[n++] = QIGVT_BCS_SWCTRL;
        ring[n++] = SWCTRL_Y << 16 | c->swctrl;
    }
    memcpy(ring + n, c->cmd, ((c->cmd[0] & 0xff) + 2) * 4);
    n += (c->cmd[0] & 0xff) + 2;
    ring[n++] = QIGVT_SDI_GGTT;                 /* must not run */
    ring[n++] = QIGVT_TARGET;
    ring[n++] = 0;
    ring[n++] = 0xbad;
    bcs_start(g, ring, n);

    assert_hang(g, "bcs", R_GDRST_BLT_MASK);
    g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET)), ==, 0);
    if (c->untouched) {
        qtest_memread(g->qts, RAM(GM_SURF_DST), after, SURF_SIZE);
        g_assert(!memcmp(before, after, SURF_SIZE));
    }
    qtest_qmp_assert_success(g->qts, "{'execute': 'query-status'}");
    qigvt_free(g);
}

/*
 * PPGTT execution.  A 4-level table in guest RAM (Gen8+: 9 bits per
 * level, 4 KiB tables of 8-byte entries, bit 0 present; a PD entry with
 * bit 7 maps a 2 MiB page, with bit 11 its page table maps 64 KiB pages
 * through every 16th entry), rooted at the context image's PDP0.  The
 * ring starts a batch with bit 8 of MI_BATCH_BUFFER_START set (PPGTT);
 * the batch lies in RAM that the GGTT does not map, and stores with bit
 * 22 clear (PPGTT addresses).
 */
#define PG_PML4         0x400000ull     /* guest physical */
#define PG_PDP          0x401000ull
#define PG_PD           0x402000ull
#define PG_PT           0x403000ull
#define PG_PT64K        0x404000ull
#define PG_BATCH_A      0x410000ull     /* first page of the batch */
#define PG_DATA         0x411000ull
#define PG_BATCH_B      0x413000ull     /* second page, not adjacent */
#define PG_SCRATCH      0x420000ull
#define PG_64K          0x600000ull     /* 64 KiB aligned */
#define PG_2M           0x800000ull     /* 2 MiB aligned */
#define PG_NOT_RAM      0x10000000000ull        /* 1 TiB: nothing there */
#define PTE_P           IGVT_PPGTT_PRESENT
#define PDE_PS          IGVT_PPGTT_PS
#define PDE_IPS         IGVT_PPGTT_IPS_64K

/* Graphics virtual addresses: PML4 index 1, PDP index 2 */
#define VA(l2, l1, off) (1ull << 39 | 2ull << 30 | (uint64_t)(l2) << 21 | \
                         (uint64_t)(l1) << 12 | (off))
#define VA_4K(i, off)   VA(3, i, off)           /* PD 3: 4 KiB pages */
#define VA_64K(g, off)  VA(4, (g) * 16, off)    /* PD 4: 64 KiB pages */
#define VA_2M(off)      VA(5, 0, off)           /* PD 5: a 2 MiB page */
#define VA_BATCH        VA_4K(5, 0xff0)         /* 16 bytes before PT 6 */

static void pg_entry(QIgvt *g, uint64_t table, unsigned index, uint64_t v)
{
    qtest_writeq(g->qts, table + index * 8, v);
}

/*
 * PML4 1 -> PDP 2 -> PD; PD 3: 4 KiB pages (PT 5 and 6 the batch, PT 7
 * data, PT 9 not present); PD 4: 64 KiB pages (group 2 at PG_64K, the
 * group's other 15 entries at a scratch page, as a check that they are
 * not used); PD 5: a 2 MiB page.
 */
static void ppgtt_build(QIgvt *g)
{
    unsigned i;

    qtest_memset(g->qts, PG_PML4, 0, 5 * PAGE);
    pg_entry(g, PG_PML4, 1, PG_PDP | PTE_P | 2);
    pg_entry(g, PG_PDP, 2, PG_PD | PTE_P | 2);
    pg_entry(g, PG_PD, 3, PG_PT | PTE_P | 2);
    pg_entry(g, PG_PD, 4, PG_PT64K | PTE_P | 2 | PDE_IPS);
    pg_entry(g, PG_PD, 5, PG_2M | PTE_P | 2 | PDE_PS);
    pg_entry(g, PG_PT, 5, PG_BATCH_A | PTE_P | 2);
    pg_entry(g, PG_PT, 6, PG_BATCH_B | PTE_P | 2);
    pg_entry(g, PG_PT, 7, PG_DATA | PTE_P | 2);
    pg_entry(g, PG_PT, 10, PG_NOT_RAM | PTE_P | 2);
    pg_entry(g, PG_PT64K, 32, PG_64K | PTE_P | 2);
    for (i = 33; i < 48; i++) {
        pg_entry(g, PG_PT64K, i, PG_SCRATCH | PTE_P | 2);
    }
}

/* Write @n dwords at graphics virtual @va, through the test's tables */
static void ppgtt_put(QIgvt *g, uint64_t va, const uint32_t *dw, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++, va += 4) {
        uint64_t pa;

        g_assert_cmphex(va >> 21, ==, VA_4K(0, 0) >> 21);
        switch (va >> 12 & 511) {
        case 5:
            pa = PG_BATCH_A;
            break;
        case 6:
            pa = PG_BATCH_B;
            break;
        default:
            g_assert_not_reached();
        }
        qtest_writel(g->qts, pa + (va & 0xfff), dw[i]);
    }
}

/*
 * Ring: the PPGTT batch at @batch_va, then a GGTT store of 0x600d and a
 * user interrupt; run it with the tables of ppgtt_build() under @root.
 */
static void ppgtt_start(QIgvt *g, uint64_t root, uint64_t batch_va)
{
    const uint32_t ring[] = {
        QIGVT_BB_START_PPGTT, (uint32_t)batch_va, batch_va >> 32, IGVT_MI_NOOP,
        QIGVT_SDI_GGTT, QIGVT_TARGET, 0, 0x600d,
        IGVT_MI_USER_INTERRUPT, IGVT_MI_NOOP,
    };

    qigvt_put_context(g, ring, ARRAY_SIZE(ring));
    qigvt_ctx_write(g, IGVT_CTX_PDP0_UDW, root >> 32);
    qigvt_ctx_write(g, IGVT_CTX_PDP0_LDW, root);
    submit(g);
}

static void ppgtt_run(QIgvt *g, uint64_t root, uint64_t batch_va)
{
    ppgtt_start(g, root, batch_va);
    g_assert_cmpuint(qigvt_wait_csb(g, 1), ==, 1);
}

/* A store through each page size, from a batch crossing a page */
static void test_ppgtt_batch(void)
{
    QIgvt *g = gpu_start();
    const uint64_t va4k = VA_4K(7, 0x10);
    const uint64_t va64k = VA_64K(2, 0x1238);   /* in its 2nd 4 KiB */
    const uint64_t va2m = VA_2M(0x123458);
    const uint32_t batch[] = {
        /* 16 bytes in PT 5's page, the rest in PT 6's */
        QIGVT_SDI_PPGTT, (uint32_t)va4k, va4k >> 32, 0x11111111,
        QIGVT_SDI_PPGTT, (uint32_t)va64k, va64k >> 32, 0x22222222,
        QIGVT_SDI_PPGTT, (uint32_t)va2m, va2m >> 32, 0x33333333,
        QIGVT_SDI_QW_PPGTT, (uint32_t)va4k + 8, va4k >> 32, 0x44444444,
        0x55555555,
        IGVT_MI_BATCH_BUFFER_END,
    };
    g_autofree uint8_t *scratch = g_malloc(PAGE);
    unsigned i;

    ppgtt_build(g);
    ppgtt_put(g, VA_BATCH, batch, ARRAY_SIZE(batch));
    ppgtt_run(g, PG_PML4, VA_BATCH);

    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_cmpint(rcs_stat(g, "rejected"), ==, 0);
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 0);
    g_assert_null(qigvt_failsafe_reason(g));
    g_assert_cmphex(qtest_readl(g->qts, PG_DATA + 0x10), ==, 0x11111111);
    g_assert_cmphex(qtest_readl(g->qts, PG_64K + 0x1238), ==, 0x22222222);
    g_assert_cmphex(qtest_readl(g->qts, PG_2M + 0x123458), ==, 0x33333333);
    g_assert_cmphex(qtest_readl(g->qts, PG_DATA + 0x18), ==, 0x44444444);
    g_assert_cmphex(qtest_readl(g->qts, PG_DATA + 0x1c), ==, 0x55555555);
    /* the ring went on after the batch, and raised its interrupt */
    g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET)), ==, 0x600d);
    g_assert_cmphex(qigvt_hwsp(g, IGVT_HWSP_CSB + 2), ==, CSB_DONE);
    g_assert_cmphex(qigvt_readl(g, IGVT_GEN8_GT_IIR(0)) & RCS_IRQS, ==,
                    RCS_IRQS);
    /* nothing went through the 64 KiB group's surplus entries */
    qtest_memread(g->qts, PG_SCRATCH, scratch, PAGE);
    for (i = 0; i < PAGE; i++) {
        g_assert_cmpuint(scratch[i], ==, 0);
    }
    /* nor to the guest physical addresses equal to the virtual ones */
    g_assert_cmphex(qtest_readl(g->qts, PG_DATA + 0x14), ==, 0);
    qigvt_free(g);
}

/*
 * A batch wholly mapped but followed by an unmapped page: copying it
 * must not need more than the pages it lies in (it starts mid-page and
 * ends in its second page, PT 7 after it is made non-present).
 */
static void test_ppgtt_batch_before_hole(void)
{
    QIgvt *g = gpu_start();
    const uint64_t va = VA_2M(0x40);
    const uint32_t n = (0x800 + 0x900) / 4;
    g_autofree uint32_t *batch = g_new(uint32_t, n + 2);
    uint32_t i;

    for (i = 0; i < n + 2; i++) {
        batch[i] = IGVT_MI_NOOP;
    }
    batch[0] = QIGVT_SDI_PPGTT;
    batch[1] = (uint32_t)va;
    batch[2] = va >> 32;
    batch[3] = 0x5a5a5a5a;
    batch[n] = IGVT_MI_BATCH_BUFFER_END;
    ppgtt_build(g);
    pg_entry(g, PG_PT, 7, 0);
    ppgtt_put(g, VA_4K(5, 0x800), batch, n + 2);
    ppgtt_run(g, PG_PML4, VA_4K(5, 0x800));

    g_assert_cmpint(rcs_stat(g, "rejected"), ==, 0);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_null(qigvt_failsafe_reason(g));
    g_assert_cmphex(qtest_readl(g->qts, PG_2M + 0x40), ==, 0x5a5a5a5a);
    g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET)), ==, 0x600d);
    qigvt_free(g);
}

/*
 * The batch cannot be copied: the workload is refused before anything
 * in it runs (the vGPU enters failsafe), the reason and address show in
 * query-igvt-engines, and QEMU goes on.
 */
typedef struct PpgttUnreachable {
    const char *name;
    uint64_t root, batch_va;
    const char *why;
    uint64_t addr;              /* the address reported */
} PpgttUnreachable;

static const PpgttUnreachable ppgtt_unreachable[] = {
    { "batch-not-present", PG_PML4, VA_4K(9, 0), "address not mapped",
      VA_4K(9, 0) },
    /* the first page is there, the copy fails where the second begins */
    { "batch-second-page-not-present", PG_PML4, VA_4K(5, 0xff0),
      "address not mapped", VA_4K(6, 0) },
    { "batch-pml4e-not-present", PG_PML4, 5ull << 39 | VA_4K(5, 0),
      "address not mapped", 5ull << 39 | VA_4K(5, 0) },
    { "batch-not-ram", PG_PML4, VA_4K(10, 0), "PPGTT page is not guest RAM",
      VA_4K(10, 0) },
    { "root-not-ram", PG_NOT_RAM, VA_4K(5, 0),
      "page table not in guest memory", VA_4K(5, 0) },
    { "root-zero", 0, VA_4K(5, 0), "address not mapped", VA_4K(5, 0) },
};

static void test_ppgtt_unreachable(const void *opaque)
{
    const PpgttUnreachable *c = opaque;
    QIgvt *g = gpu_start();
    const uint32_t batch[] = {
        IGVT_MI_NOOP, IGVT_MI_NOOP, IGVT_MI_NOOP, IGVT_MI_NOOP,
        IGVT_MI_BATCH_BUFFER_END, IGVT_MI_NOOP,
    };
    g_autofree char *reason = NULL;
    g_autofree char *why = NULL;

    ppgtt_build(g);
    /* a batch is there for the cases whose fault is elsewhere */
    ppgtt_put(g, VA_4K(5, 0xff0), batch, ARRAY_SIZE(batch));
    if (!strcmp(c->name, "batch-second-page-not-present")) {
        pg_entry(g, PG_PT, 6, PG_BATCH_B);
    }
    ppgtt_run(g, c->root, c->batch_va);

    /* refused as a whole: the ring's store after the batch never ran */
    g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET)), ==, 0);
    reason = qigvt_failsafe_reason(g);
    g_assert_cmpstr(reason, ==, "guest-error");
    g_assert_cmpint(rcs_stat(g, "rejected"), ==, 1);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 0);
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 0);
    why = qigvt_engine_stat_str(g, "rcs", "last-rejection");
    g_assert_cmpstr(why, ==, c->why);
    g_assert_cmpint(rcs_stat(g, "last-rejected-command"), ==, 0);
    g_assert_cmphex(rcs_stat(g, "last-rejected-address"), ==, c->addr);
    qtest_qmp_assert_success(g->qts, "{'execute': 'query-status'}");
    qigvt_free(g);
}

/*
 * A PPGTT batch is non-privileged: commands a user batch may not issue
 * refuse the whole workload, with the command and where it was.
 */
typedef struct PpgttRefused {
    const char *name;
    uint32_t cmd[4];
    const char *why;
    uint64_t addr;              /* the address reported */
} PpgttRefused;

static const PpgttRefused ppgtt_refused[] = {
    { "privileged", { QIGVT_UPDATE_GTT, 0, 0, IGVT_MI_NOOP },
      "privileged command", VA_BATCH + 16 },
    { "user-interrupt",
      { IGVT_MI_USER_INTERRUPT, IGVT_MI_NOOP, IGVT_MI_NOOP, IGVT_MI_NOOP },
      "not allowed in a non-privileged batch", VA_BATCH + 16 },
    { "ggtt-store", { QIGVT_SDI_GGTT, QIGVT_TARGET + 8, 0, 0xbad },
      "not allowed in a non-privileged batch", QIGVT_TARGET + 8 },
    { "register", { QIGVT_LRI(1), A_GEN8_MASTER_IRQ, 0, IGVT_MI_NOOP },
      "register access not allowed", A_GEN8_MASTER_IRQ },
    { "ggtt-batch", { QIGVT_BB_START_GGTT, QIGVT_BATCH, 0, IGVT_MI_NOOP },
      "nested batch in another address space", QIGVT_BATCH },
};

static void test_ppgtt_refused(const void *opaque)
{
    const PpgttRefused *c = opaque;
    QIgvt *g = gpu_start();
    const uint64_t va = VA_4K(7, 0);
    uint32_t batch[10] = {
        QIGVT_SDI_PPGTT, (uint32_t)va, va >> 32, 0x11111111,   /* harmless */
    };
    g_autofree char *reason = NULL;
    g_autofree char *why = NULL;

    memcpy(batch + 4, c->cmd, sizeof(c->cmd));
    batch[8] = IGVT_MI_BATCH_BUFFER_END;
    batch[9] = IGVT_MI_NOOP;
    ppgtt_build(g);
    ppgtt_put(g, VA_BATCH, batch, ARRAY_SIZE(batch));
    qtest_writel(g->qts, RAM(QIGVT_BATCH), IGVT_MI_BATCH_BUFFER_END);
    ppgtt_run(g, PG_PML4, VA_BATCH);

    g_assert_cmphex(qtest_readl(g->qts, PG_DATA), ==, 0);
    g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET)), ==, 0);
    g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET) + 8), ==, 0);
    reason = qigvt_failsafe_reason(g);
    g_assert_cmpstr(reason, ==, "guest-error");
    g_assert_cmpint(rcs_stat(g, "rejected"), ==, 1);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 0);
    why = qigvt_engine_stat_str(g, "rcs", "last-rejection");
    g_assert_cmpstr(why, ==, c->why);
    g_assert_cmphex(rcs_stat(g, "last-rejected-command"), ==, c->cmd[0]);
    g_assert_cmphex(rcs_stat(g, "last-rejected-address"), ==, c->addr);
    qtest_qmp_assert_success(g->qts, "{'execute': 'query-status'}");
    qigvt_free(g);
}

/*
 * Stores to a PPGTT address that is not mapped, or mapped to something
 * that is not RAM, pass the audit (it cannot know the tables at run
 * time) and fail when they execute: the workload hangs there (what ran
 * before stays, nothing after runs, the engine stalls until reset), the
 * vGPU is not in failsafe and QEMU goes on.
 */
static void ppgtt_bad_store(uint64_t bad_va)
{
    QIgvt *g = gpu_start();
    const uint64_t va = VA_4K(7, 0);
    const uint32_t batch[] = {
        QIGVT_SDI_PPGTT, (uint32_t)va, va >> 32, 0x11111111,
        QIGVT_SDI_PPGTT, (uint32_t)bad_va, bad_va >> 32, 0xbad,
        QIGVT_SDI_PPGTT, (uint32_t)va + 4, va >> 32, 0x22222222,
        IGVT_MI_BATCH_BUFFER_END, IGVT_MI_NOOP,
    };

    ppgtt_build(g);
    ppgtt_put(g, VA_BATCH, batch, ARRAY_SIZE(batch));
    ppgtt_start(g, PG_PML4, VA_BATCH);

    assert_hang(g, "rcs", R_GDRST_RENDER_MASK);
    g_assert_cmpint(rcs_stat(g, "rejected"), ==, 0);
    g_assert_null(qigvt_failsafe_reason(g));
    g_assert_cmphex(qtest_readl(g->qts, PG_DATA), ==, 0x11111111);
    g_assert_cmphex(qtest_readl(g->qts, PG_DATA + 4), ==, 0);
    g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET)), ==, 0);
    qtest_qmp_assert_success(g->qts, "{'execute': 'query-status'}");
    qigvt_free(g);
}

static void test_ppgtt_store_unmapped(void)
{
    ppgtt_bad_store(VA_4K(9, 0x20));
}

static void test_ppgtt_store_not_ram(void)
{
    ppgtt_bad_store(VA_4K(10, 0x20));
}

/* Beyond the 48-bit space: the decoder keeps bits 47:0 of the address */
static void test_ppgtt_store_high_bits(void)
{
    QIgvt *g = gpu_start();
    const uint64_t va = VA_4K(7, 0x40) | 0xffff000000000000ull;
    const uint32_t batch[] = {
        QIGVT_SDI_PPGTT, (uint32_t)va, va >> 32, 0x77777777,
        IGVT_MI_BATCH_BUFFER_END, IGVT_MI_NOOP,
    };

    ppgtt_build(g);
    ppgtt_put(g, VA_BATCH, batch, ARRAY_SIZE(batch));
    ppgtt_run(g, PG_PML4, VA_BATCH);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_cmphex(qtest_readl(g->qts, PG_DATA + 0x40), ==, 0x77777777);
    qigvt_free(g);
}

/*
 * Register and ALU commands on the render engine: the software GPU keeps
 * the workload's registers (CS_GPRs, the predicate registers, others the
 * whitelist allows) and reads the timestamps from a host clock.
 */
#define MI_BB_START_PRED    (QIGVT_BB_START_GGTT | IGVT_BB_PREDICATE)
#define ALU_LOAD(a, r)      QIGVT_ALU(LOAD, a, r)
#define ALU_STORE(r, s)     QIGVT_ALU(STORE, r, s)
#define ALU_ADD             QIGVT_ALU(ADD, 0, 0)
#define ALU_SUB             QIGVT_ALU(SUB, 0, 0)
#define GPR(n)              QIGVT_GPR(RCS, n)

/* Run @ring (padded to an even length) and @batch (at QIGVT_BATCH) on RCS */
static void rcs_start(QIgvt *g, const uint32_t *ring, unsigned n,
                      const uint32_t *batch, unsigned nb)
{
    uint32_t even[128];
    unsigned i;

    g_assert_cmpuint(n, <, ARRAY_SIZE(even));
    memcpy(even, ring, n * 4);
    if (n % 2) {
        even[n++] = IGVT_MI_NOOP;
    }
    for (i = 0; i < nb; i++) {
        qtest_writel(g->qts, RAM(QIGVT_BATCH) + i * 4, batch[i]);
    }
    qigvt_put_context(g, even, n);
    submit(g);
}

static void rcs_run(QIgvt *g, const uint32_t *ring, unsigned n,
                    const uint32_t *batch, unsigned nb)
{
    rcs_start(g, ring, n, batch, nb);
    g_assert_cmpuint(qigvt_wait_csb(g, 1), ==, 1);
}

/* LRI in the ring, SRM in a batch it calls: what was written reads back */
static void test_lri_srm(void)
{
    QIgvt *g = gpu_start();
    const uint32_t ring[] = {
        QIGVT_LRI(3), GPR(0), 0x11111111, GPR(0) + 4, 0x22222222,
        QIGVT_PRED_SRC0, 0x33333333,
        QIGVT_BB_START_GGTT, QIGVT_BATCH, 0,
    };
    const uint32_t batch[] = {
        QIGVT_SRM_GGTT, GPR(0), QIGVT_TARGET, 0,
        QIGVT_SRM_GGTT, GPR(0) + 4, QIGVT_TARGET + 4, 0,
        QIGVT_SRM_GGTT, QIGVT_PRED_SRC0, QIGVT_TARGET + 8, 0,
        /* two never written */
        QIGVT_SRM_GGTT, GPR(5), QIGVT_TARGET + 12, 0,
        QIGVT_SRM_GGTT, QIGVT_PRED_SRC0 + 4, QIGVT_TARGET + 16, 0,
        QIGVT_LRI(1), GPR(15) + 4, 0x44444444,          /* last GPR */
        QIGVT_SRM_GGTT, GPR(15) + 4, QIGVT_TARGET + 20, 0,
        IGVT_MI_BATCH_BUFFER_END,
    };

    qtest_memset(g->qts, RAM(QIGVT_TARGET), 0xee, 0x20);
    rcs_run(g, ring, ARRAY_SIZE(ring), batch, ARRAY_SIZE(batch));
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_cmphex(qigvt_target(g, 0), ==, 0x11111111);
    g_assert_cmphex(qigvt_target(g, 1), ==, 0x22222222);
    g_assert_cmphex(qigvt_target(g, 2), ==, 0x33333333);
    g_assert_cmphex(qigvt_target(g, 3), ==, 0);
    g_assert_cmphex(qigvt_target(g, 4), ==, 0);
    g_assert_cmphex(qigvt_target(g, 5), ==, 0x44444444);
    g_assert_cmphex(qigvt_target(g, 6), ==, 0xeeeeeeee);
    qigvt_free(g);
}

/* GPRs start at 0 in every workload: the last one's do not leak */
static void test_gpr_per_workload(void)
{
    QIgvt *g = gpu_start();
    const uint32_t first[] = {
        QIGVT_LRI(1), GPR(3), 0x5eed,
        QIGVT_SRM_GGTT, GPR(3), QIGVT_TARGET, 0,
    };
    const uint32_t second[] = {
        QIGVT_SRM_GGTT, GPR(3), QIGVT_TARGET + 4, 0,
    };

    qtest_memset(g->qts, RAM(QIGVT_TARGET), 0xee, 8);
    rcs_run(g, first, ARRAY_SIZE(first), NULL, 0);
    g_assert_cmphex(qigvt_target(g, 0), ==, 0x5eed);
    qigvt_csb_reset(g, RCS);
    rcs_run(g, second, ARRAY_SIZE(second), NULL, 0);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 2);
    g_assert_cmphex(qigvt_target(g, 1), ==, 0);
    qigvt_free(g);
}

/* LRM from memory, LRR between registers, SRM back */
static void test_lrm_lrr(void)
{
    QIgvt *g = gpu_start();
    const uint32_t ring[] = {
        QIGVT_LRM_GGTT, GPR(1), QIGVT_TARGET + 0x100, 0,
        QIGVT_LRM_GGTT, GPR(1) + 4, QIGVT_TARGET + 0x104, 0,
        QIGVT_LRR, GPR(1), GPR(2) + 4,
        QIGVT_LRR, GPR(1) + 4, QIGVT_PRED_SRC1,
        QIGVT_SRM_GGTT, GPR(1), QIGVT_TARGET, 0,
        QIGVT_SRM_GGTT, GPR(1) + 4, QIGVT_TARGET + 4, 0,
        QIGVT_SRM_GGTT, GPR(2), QIGVT_TARGET + 8, 0,
        QIGVT_SRM_GGTT, GPR(2) + 4, QIGVT_TARGET + 12, 0,
        QIGVT_SRM_GGTT, QIGVT_PRED_SRC1, QIGVT_TARGET + 16, 0,
    };

    qtest_memset(g->qts, RAM(QIGVT_TARGET), 0xee, 0x20);
    qtest_writel(g->qts, RAM(QIGVT_TARGET) + 0x100, 0xabcd1234);
    qtest_writel(g->qts, RAM(QIGVT_TARGET) + 0x104, 0x0badf00d);
    rcs_run(g, ring, ARRAY_SIZE(ring), NULL, 0);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_cmphex(qigvt_target(g, 0), ==, 0xabcd1234);
    g_assert_cmphex(qigvt_target(g, 1), ==, 0x0badf00d);
    g_assert_cmphex(qigvt_target(g, 2), ==, 0);
    g_assert_cmphex(qigvt_target(g, 3), ==, 0xabcd1234);
    g_assert_cmphex(qigvt_target(g, 4), ==, 0x0badf00d);
    qigvt_free(g);
}

/* MI_MATH: 64-bit add (carry into the upper dword) and sub with borrow */
static void test_math(void)
{
    QIgvt *g = gpu_start();
    const uint32_t ring[] = {
        QIGVT_LRI(4), GPR(0), 0xfffffff0, GPR(0) + 4, 0x00000001,
        GPR(1), 0x00000020, GPR(1) + 4, 0x00000002,
        QIGVT_MATH(8),
        ALU_LOAD(IGVT_ALU_SRCA, 0), ALU_LOAD(IGVT_ALU_SRCB, 1), ALU_ADD,
        ALU_STORE(2, IGVT_ALU_ACCU),
        ALU_SUB, ALU_STORE(3, IGVT_ALU_ACCU), ALU_STORE(4, IGVT_ALU_CF),
        QIGVT_ALU(NOOP, 0, 0),
        QIGVT_SRM_GGTT, GPR(2), QIGVT_TARGET, 0,
        QIGVT_SRM_GGTT, GPR(2) + 4, QIGVT_TARGET + 4, 0,
        QIGVT_SRM_GGTT, GPR(3), QIGVT_TARGET + 8, 0,
        QIGVT_SRM_GGTT, GPR(3) + 4, QIGVT_TARGET + 12, 0,
        QIGVT_SRM_GGTT, GPR(4), QIGVT_TARGET + 16, 0,
        QIGVT_SRM_GGTT, GPR(0) + 4, QIGVT_TARGET + 20, 0,
    };

    rcs_run(g, ring, ARRAY_SIZE(ring), NULL, 0);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    /* 0x1fffffff0 + 0x200000020 */
    g_assert_cmphex(qigvt_target(g, 0), ==, 0x00000010);
    g_assert_cmphex(qigvt_target(g, 1), ==, 0x00000004);
    /* 0x1fffffff0 - 0x200000020 borrows */
    g_assert_cmphex(qigvt_target(g, 2), ==, 0xffffffd0);
    g_assert_cmphex(qigvt_target(g, 3), ==, 0xffffffff);
    g_assert_cmphex(qigvt_target(g, 4), ==, 0xffffffff);
    g_assert_cmphex(qigvt_target(g, 5), ==, 0x00000001);
    qigvt_free(g);
}

/* An ALU opcode the GPU does not have: a fault, the workload hangs */
static void test_math_bad_opcode(void)
{
    QIgvt *g = gpu_start();
    const uint32_t ring[] = {
        QIGVT_SDI_GGTT, QIGVT_TARGET, 0, 0x600d,
        QIGVT_MATH(2), ALU_LOAD(IGVT_ALU_SRCA, 0), IGVT_ALU_INSTR(0x7ff, 0, 0),
        QIGVT_SDI_GGTT, QIGVT_TARGET + 4, 0, 0xbad,
    };

    rcs_start(g, ring, ARRAY_SIZE(ring), NULL, 0);
    assert_hang(g, "rcs", R_GDRST_RENDER_MASK);
    g_assert_cmphex(qigvt_target(g, 0), ==, 0x600d);
    g_assert_cmphex(qigvt_target(g, 1), ==, 0);
    qtest_qmp_assert_success(g->qts, "{'execute': 'query-status'}");
    qigvt_free(g);
}

/* RING_TIMESTAMP runs (12 MHz) and does not go back; so does CTX's */
static void test_timestamp(void)
{
    QIgvt *g = gpu_start();
    uint32_t ring[96];
    unsigned n = 0, i;
    uint64_t t0, t1;

    ring[n++] = QIGVT_SRM_GGTT;
    ring[n++] = QIGVT_TIMESTAMP(RCS);
    ring[n++] = QIGVT_TARGET;
    ring[n++] = 0;
    ring[n++] = QIGVT_SRM_GGTT;
    ring[n++] = QIGVT_TIMESTAMP(RCS) + 4;
    ring[n++] = QIGVT_TARGET + 4;
    ring[n++] = 0;
    for (i = 0; i < 64; i++) {
        ring[n++] = IGVT_MI_NOOP;
    }
    ring[n++] = QIGVT_SRM_GGTT;
    ring[n++] = QIGVT_TIMESTAMP(RCS);
    ring[n++] = QIGVT_TARGET + 8;
    ring[n++] = 0;
    ring[n++] = QIGVT_SRM_GGTT;
    ring[n++] = QIGVT_TIMESTAMP(RCS) + 4;
    ring[n++] = QIGVT_TARGET + 12;
    ring[n++] = 0;
    ring[n++] = QIGVT_SRM_GGTT;
    ring[n++] = QIGVT_CTX_TIMESTAMP(RCS);
    ring[n++] = QIGVT_TARGET + 16;
    ring[n++] = 0;
    qtest_memset(g->qts, RAM(QIGVT_TARGET), 0, 0x20);
    rcs_run(g, ring, n, NULL, 0);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    t0 = qigvt_target(g, 0) | (uint64_t)qigvt_target(g, 1) << 32;
    t1 = qigvt_target(g, 2) | (uint64_t)qigvt_target(g, 3) << 32;
    g_assert_cmphex(t0, !=, 0);
    g_assert_cmphex(t1, >=, t0);
    /* ... at the rate i915 derives from CTC_MODE: 24 MHz >> (3 - 2) */
    g_assert_cmphex(qigvt_readl(g, A_CTC_MODE) & 0x6, ==, 2 << 1);
    /* a workload takes well under a second: 12 M ticks */
    g_assert_cmphex(t1 - t0, <, 12000000);
    g_assert_cmphex(qigvt_target(g, 4), <, 12000000);
    qigvt_free(g);
}

/*
 * MI_PREDICATE compares SRC0 and SRC1 into MI_PREDICATE_RESULT; a
 * predicated MI_BATCH_BUFFER_START runs as MI_PREDICATE_RESULT_1 says
 * (i915's and IGT's way: LRR the result there).
 */
static void predicate_run(uint32_t src1, bool taken)
{
    QIgvt *g = gpu_start();
    const uint32_t ring[] = {
        QIGVT_LRI(4), QIGVT_PRED_SRC0, 5, QIGVT_PRED_SRC0 + 4, 1,
        QIGVT_PRED_SRC1, src1, QIGVT_PRED_SRC1 + 4, 1,
        IGVT_MI_PREDICATE |
        IGVT_PRED_LOADOP_LOAD << IGVT_PRED_LOADOP_SHIFT |
        IGVT_PRED_COMBINE_SET << IGVT_PRED_COMBINE_SHIFT |
        IGVT_PRED_COMPARE_SRCS_EQUAL,
        QIGVT_SRM_GGTT, QIGVT_PRED_RESULT, QIGVT_TARGET + 4, 0,
        QIGVT_LRR, QIGVT_PRED_RESULT, QIGVT_PRED_RESULT_1,
        MI_BB_START_PRED, QIGVT_BATCH, 0,
        QIGVT_SDI_GGTT, QIGVT_TARGET + 8, 0, 0xa11, /* runs either way */
    };
    const uint32_t batch[] = {
        QIGVT_SDI_GGTT, QIGVT_TARGET, 0, 0x600d,
        IGVT_MI_BATCH_BUFFER_END,
    };

    qtest_memset(g->qts, RAM(QIGVT_TARGET), 0xee, 0x10);
    rcs_run(g, ring, ARRAY_SIZE(ring), batch, ARRAY_SIZE(batch));
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_cmphex(qigvt_target(g, 0), ==, taken ? 0x600d : 0xeeeeeeee);
    g_assert_cmphex(qigvt_target(g, 1), ==, taken);
    g_assert_cmphex(qigvt_target(g, 2), ==, 0xa11);
    qigvt_free(g);
}

static void test_predicate_true(void)
{
    predicate_run(5, true);
}

static void test_predicate_false(void)
{
    predicate_run(6, false);
}

/* MI_PREDICATE_RESULT_1 by LRI; a predicated chain inside a batch */
static void test_predicate_chain(void)
{
    QIgvt *g = gpu_start();
    const uint32_t ring[] = {
        QIGVT_LRI(1), QIGVT_PRED_RESULT_1, 0,
        QIGVT_BB_START_GGTT, QIGVT_BATCH, 0,
    };
    const uint32_t batch[] = {
        MI_BB_START_PRED, QIGVT_BATCH + 0x100, 0,  /* off: falls through */
        QIGVT_SDI_GGTT, QIGVT_TARGET, 0, 0x1,
        QIGVT_LRI(1), QIGVT_PRED_RESULT_1, 1,
        MI_BB_START_PRED, QIGVT_BATCH + 0x100, 0,  /* on: jumps */
        QIGVT_SDI_GGTT, QIGVT_TARGET + 4, 0, 0xbad,
        IGVT_MI_BATCH_BUFFER_END,
    };
    const uint32_t chained[] = {
        QIGVT_SDI_GGTT, QIGVT_TARGET + 8, 0, 0x3,
        IGVT_MI_BATCH_BUFFER_END,
    };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(chained); i++) {
        qtest_writel(g->qts, RAM(QIGVT_BATCH) + 0x100 + i * 4, chained[i]);
    }
    rcs_run(g, ring, ARRAY_SIZE(ring), batch, ARRAY_SIZE(batch));
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_cmphex(qigvt_target(g, 0), ==, 0x1);
    g_assert_cmphex(qigvt_target(g, 1), ==, 0);
    g_assert_cmphex(qigvt_target(g, 2), ==, 0x3);
    qigvt_free(g);
}

/*
 * MI_CONDITIONAL_BATCH_BUFFER_END is one of GVT-g's forbidden commands:
 * the auditor refuses it before the software GPU (which would execute
 * it) ever sees it.
 */
static void test_cond_bbe_refused(void)
{
    const uint32_t bad[] = { QIGVT_COND_BBE_GGTT, 0, QIGVT_TARGET, 0 };

    refused(bad, ARRAY_SIZE(bad));
}

/*
 * In a PPGTT batch (where IGT's spinners use it) MI_CONDITIONAL_BATCH_
 * BUFFER_END passes the audit and ends the batch when the dword in
 * memory is at most the inline data
 */
static void test_ppgtt_cond_bbe(void)
{
    const uint64_t sem = VA_4K(7, 0x40), out = VA_4K(7, 0x80);
    unsigned round;

    for (round = 0; round < 2; round++) {
        QIgvt *g = gpu_start();
        /* memory 5: ends when compared with 10, goes on with 3 */
        const uint32_t batch[] = {
            QIGVT_COND_BBE_PPGTT, round ? 3 : 10, (uint32_t)sem,
            sem >> 32,
            QIGVT_SDI_PPGTT, (uint32_t)out, out >> 32, 0xc0ffee,
            IGVT_MI_BATCH_BUFFER_END,
        };

        ppgtt_build(g);
        qtest_writel(g->qts, PG_DATA + 0x40, 5);
        ppgtt_put(g, VA_BATCH, batch, ARRAY_SIZE(batch));
        ppgtt_run(g, PG_PML4, VA_BATCH);
        g_assert_cmpint(rcs_stat(g, "rejected"), ==, 0);
        g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
        g_assert_cmphex(qtest_readl(g->qts, PG_DATA + 0x80), ==,
                        round ? 0xc0ffee : 0);
        /* the ring goes on after the batch either way */
        g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET)), ==, 0x600d);
        qigvt_free(g);
    }
}

/*
 * Stopping the VM quiesces the GPU: a workload already handed to it (an
 * endless batch) is stopped at an arbitration point by the time 'stop'
 * returns, so a migration right after it sees nothing in flight (the
 * context image says where it goes on: igvt-arb-test).
 */
static void test_stop_drains(void)
{
    QIgvt *g = gpu_start();
    const uint32_t ring[] = {
        QIGVT_BB_START_GGTT, QIGVT_BATCH, 0, IGVT_MI_NOOP,
    };
    const uint32_t batch[] = { QIGVT_BB_START_GGTT, QIGVT_BATCH, 0 };
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(batch); i++) {
        qtest_writel(g->qts, RAM(QIGVT_BATCH) + i * 4, batch[i]);
    }
    qigvt_put_context(g, ring, ARRAY_SIZE(ring));
    submit(g);
    /* Wait until the GPU has it (prepared and queued, or running) */
    while (rcs_stat(g, "submitted") < 1) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(100);
    }
    qtest_qmp_assert_success(g->qts, "{'execute': 'stop'}");
    /* Stopped where it was, neither done nor hung, reported nothing */
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 0);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 0);
    g_assert_true(rcs_stat(g, "active"));
    g_assert_cmpuint(qigvt_hwsp(g, IGVT_HWSP_CSB_WRITE), ==, 0);
    qigvt_free(g);
}

/*
 * Work submitted but not yet run when the VM stops migrates with it and
 * runs on the destination, once: the execlist state (active and pending
 * pairs) is in the migration stream, and nothing was in flight.
 */
static void test_migrate_queued(void)
{
    QIgvt *g = gpu_start();
    QIgvt *d;
    const uint32_t ring[] = {
        QIGVT_SDI_GGTT, QIGVT_TARGET, 0, 0x1ee7,
        QIGVT_SDI_GGTT, QIGVT_TARGET + 4, 0, 0x2ee7,
    };
    uint32_t tail;

    qtest_qmp_assert_success(g->qts, "{'execute': 'stop'}");
    qigvt_put_context(g, ring, 4);
    submit(g);
    tail = qigvt_put_context(g, ring, ARRAY_SIZE(ring));
    submit(g);                                  /* pending: lite restore */
    d = qigvt_migrate(g, QIGVT_ARGS);
    /* Nothing ran on the source */
    g_assert_cmphex(qtest_readl(g->qts, RAM(QIGVT_TARGET)), ==, 0);
    g_assert_cmpint(rcs_stat(g, "submitted"), ==, 0);

    g_assert_true(rcs_stat(d, "active"));
    qtest_qmp_assert_success(d->qts, "{'execute': 'cont'}");

    /* idle-to-active (on the source), lite restore, complete + idle */
    g_assert_cmpuint(qigvt_wait_csb(d, 2), ==, 2);
    g_assert_cmphex(qigvt_hwsp(d, IGVT_HWSP_CSB + 2), ==,
                    CSB_PREEMPTED);
    g_assert_cmphex(qigvt_hwsp(d, IGVT_HWSP_CSB + 4), ==, CSB_DONE);
    g_assert_cmphex(qtest_readl(d->qts, RAM(QIGVT_TARGET)), ==, 0x1ee7);
    g_assert_cmphex(qtest_readl(d->qts, RAM(QIGVT_TARGET) + 4), ==, 0x2ee7);
    g_assert_cmphex(qigvt_readl(d, RCS + IGVT_RING_HEAD), ==, tail);
    g_assert_cmpint(rcs_stat(d, "completed"), ==, 2);
    g_assert_false(rcs_stat(d, "active"));
    qigvt_free(d);
    qigvt_free(g);
}

/*
 * Guest memory the GPU must never reach: ROM and MMIO.  The GPU worker
 * reaches memory without the BQL, and only RAM can be reached that way;
 * an access that dispatched to a device would take the BQL, and deadlock
 * against a drain (GDRST, reset, stop) that holds it.
 */
#define ROM_BIOS            0xfffc0000ull       /* the firmware, read-only */
#define VGA_WINDOW          0xa0000ull          /* legacy VGA, or SMRAM */
#define MCH_SMRAM           0x9d                /* q35 SMRAM control */
#define SMRAM_D_OPEN        0x40
#define SMRAM_C_BASE_SEG    0x02

/* A GGTT entry pointing at ROM is invalid: the GPU never writes ROM */
static void test_dma_rom(void)
{
    QIgvt *g = gpu_start();
    const uint32_t ring[] = { QIGVT_SDI_GGTT, QIGVT_TARGET, 0, 0xdeadbeef };

    qigvt_ggtt_write(g, QIGVT_TARGET / PAGE, ROM_BIOS | IGVT_PTE_PRESENT);
    g_assert_cmpint(qigvt_counter(g, "ggtt-invalid-ptes"), ==, 1);
    rcs_start(g, ring, ARRAY_SIZE(ring), NULL, 0);
    assert_hang(g, "rcs", R_GDRST_RENDER_MASK);
    qigvt_free(g);
}

/*
 * The case of a deadlock: a one-row Y-tiled fill 64 KiB wide (4096
 * separate writes of 16 bytes) whose last tile is ROM, a GT reset while
 * the GPU is busy with the rest, then stop and cont.  The reset's drain
 * holds the BQL; when a write to ROM went through the DMA API it took
 * the BQL on the GPU thread and never got it.  Now nothing hangs, the
 * entry pointing at ROM is invalid and the engine is idle.
 */
#define GM_WIDE             0x100000        /* 2 MiB of Y tiles from here */
#define WIDE_PITCH          (64 * KiB)

static void test_dma_rom_drain(void)
{
    QIgvt *g = gpu_start();
    const uint32_t ring[] = {
        QIGVT_LRI(1), QIGVT_BCS_SWCTRL, SWCTRL_Y << 16 |
        QIGVT_SWCTRL_DST_Y,
        QIGVT_SDI_GGTT, QIGVT_TARGET, 0, 0x57a27ed,     /* it runs */
        QIGVT_BB_START_GGTT, QIGVT_BATCH, 0,
    };
    const uint32_t batch[] = {
        TILED_FILL, FILL_BR13(WIDE_PITCH / 4),
        0, 1u << 16 | WIDE_PITCH / 4, GM_WIDE, 0, 0xdeadbeef,
        QIGVT_BB_START_GGTT, QIGVT_BATCH, 0,
    };
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    unsigned i;

    qigvt_ggtt_map(g, GM_WIDE, RAM(GM_WIDE), 2 * MiB - PAGE);
    qigvt_ggtt_write(g, (GM_WIDE + 2 * MiB) / PAGE - 1,
                     ROM_BIOS | IGVT_PTE_PRESENT);
    for (i = 0; i < ARRAY_SIZE(batch); i++) {
        qtest_writel(g->qts, RAM(QIGVT_BATCH) + i * 4, batch[i]);
    }
    qigvt_engine_init(g, BCS);
    qigvt_put_context(g, ring, ARRAY_SIZE(ring));
    qigvt_submit(g, BCS, CTX_ID);
    /* Once the GPU runs it, and is busy with the band's writes */
    while (qigvt_target(g, 0) != 0x57a27ed) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(100);
    }
    g_usleep(5 * 1000);
    qigvt_writel(g, A_GDRST, R_GDRST_FULL_MASK);    /* full GT reset */
    qtest_qmp_assert_success(g->qts, "{'execute': 'stop'}");
    qtest_qmp_assert_success(g->qts, "{'execute': 'cont'}");
    g_assert_cmpint(qigvt_engine_stat(g, "bcs", "completed"), ==, 0);
    qigvt_free(g);
}

/* Open or close q35's SMRAM window, which lays RAM over the VGA window */
static void smram_open(QIgvt *g, bool open)
{
    QPCIDevice *mch = qpci_device_find(g->bus, QPCI_DEVFN(0, 0));

    g_assert_nonnull(mch);
    qpci_config_writeb(mch, MCH_SMRAM,
                       SMRAM_C_BASE_SEG | (open ? SMRAM_D_OPEN : 0));
    g_free(mch);
}

/*
 * An entry validated while it pointed at RAM, which then turned into the
 * VGA window (the guest closed SMRAM): the aperture and the GPU find it
 * is not RAM when they use it, and never dispatch to the VGA device.
 */
static void test_dma_remapped_to_mmio(void)
{
    QIgvt *g = gpu_start();
    const uint32_t ring[] = { QIGVT_SDI_GGTT, QIGVT_TARGET, 0, 0xdeadbeef };
    uint32_t before;

    g->aperture = qpci_iomap(g->dev, IGVT_BAR_GMADR, NULL);
    smram_open(g, true);
    qtest_writel(g->qts, VGA_WINDOW, 0x5a5a5a5a);
    qigvt_ggtt_write(g, QIGVT_TARGET / PAGE, VGA_WINDOW | IGVT_PTE_PRESENT);
    g_assert_cmpint(qigvt_counter(g, "ggtt-invalid-ptes"), ==, 0);
    smram_open(g, false);
    before = qigvt_counter(g, "aperture-faults");

    qigvt_ap_write(g, QIGVT_TARGET, 4, 0x12345678);
    g_assert_cmphex(qigvt_ap_read(g, QIGVT_TARGET, 4), ==, 0);
    g_assert_cmpint(qigvt_counter(g, "aperture-faults"), ==, before + 2);
    rcs_start(g, ring, ARRAY_SIZE(ring), NULL, 0);
    assert_hang(g, "rcs", R_GDRST_RENDER_MASK);

    /* The RAM under the window is untouched */
    smram_open(g, true);
    g_assert_cmphex(qtest_readl(g->qts, VGA_WINDOW), ==, 0x5a5a5a5a);
    qigvt_free(g);
}

/*
 * The watchdog charges what a command really costs, between arbitration
 * points.  One batch (no arbitration point in it) fills a row 64 KiB wide
 * of a Y-tiled surface again and again (2 MiB of tiles for the band, 4096
 * separate 16-byte runs each time), counting the fills in memory with
 * MI_MATH.  With the time bound off, the work budget must stop it after a
 * few tens of fills; when a command cost one unit whatever it did, the
 * whole batch ran.
 */
#define WATCHDOG_FILLS      80

static void test_watchdog_charges_work(void)
{
    QIgvt *g = gpu_start_args(",x-watchdog-ms=0");
    const uint32_t ring[] = {
        QIGVT_LRI(3), QIGVT_BCS_SWCTRL, SWCTRL_Y << 16 |
        QIGVT_SWCTRL_DST_Y, QIGVT_GPR(BCS, 1), 1, QIGVT_GPR(BCS, 0), 0,
        QIGVT_BB_START_GGTT, QIGVT_BATCH, 0,
    };
    const uint32_t fill[] = {
        TILED_FILL, FILL_BR13(WIDE_PITCH / 4),
        0, 1u << 16 | WIDE_PITCH / 4, GM_WIDE, 0, 0x11223344,
        QIGVT_MATH(4), ALU_LOAD(IGVT_ALU_SRCA, 0), ALU_LOAD(IGVT_ALU_SRCB, 1),
        ALU_ADD,
        ALU_STORE(0, IGVT_ALU_ACCU),
        QIGVT_SRM_GGTT, QIGVT_GPR(BCS, 0), QIGVT_TARGET, 0,
    };
    g_autofree char *reason = NULL;
    uint64_t at = RAM(QIGVT_BATCH);
    uint32_t rounds;
    unsigned i, j;

    qigvt_ggtt_map(g, GM_WIDE, RAM(GM_WIDE), 2 * MiB);
    qigvt_ggtt_map(g, QIGVT_EXEC_END, RAM(QIGVT_EXEC_END), 2 * PAGE);
    for (i = 0; i < WATCHDOG_FILLS; i++) {
        for (j = 0; j < ARRAY_SIZE(fill); j++, at += 4) {
            qtest_writel(g->qts, at, fill[j]);
        }
    }
    qtest_writel(g->qts, at, IGVT_MI_BATCH_BUFFER_END);
    bcs_start(g, ring, ARRAY_SIZE(ring));
    assert_hang(g, "bcs", R_GDRST_BLT_MASK);
    reason = qigvt_engine_stat_str(g, "bcs", "last-hang");
    g_assert_cmpstr(reason, ==, "watchdog: the workload does too much work");
    rounds = qigvt_target(g, 0);
    g_test_message("%u of %u fills before the watchdog", rounds,
                   WATCHDOG_FILLS);
    g_assert_cmpuint(rounds, >=, 1);
    g_assert_cmpuint(rounds, <, WATCHDOG_FILLS);
    /* The fill did happen: the first row of the first tile */
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_WIDE)), ==, 0x11223344);
    qigvt_free(g);
}

/* The weight property as QMP shows it (igvt-pci-test checks its range) */
static void test_weight(void)
{
    QTestState *qts;
    QDict *rsp;
    QList *list;

    qts = qtest_init("-machine q35 -nodefaults -vga none "
                     "-device igvt-vga,addr=02.0,weight=9");
    rsp = qtest_qmp(qts, "{'execute': 'query-igvt-engines'}");
    list = qdict_get_qlist(rsp, "return");
    g_assert_cmpint(qdict_get_int(qobject_to(QDict, qlist_peek(list)),
                                  "weight"), ==, 9);
    g_assert_cmpint(qdict_get_int(qobject_to(QDict, qlist_peek(list)),
                                  "gpu-time-ns"), ==, 0);
    qobject_unref(rsp);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    size_t i;

    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/igvt/exec/store-and-batch", test_store_and_batch);
    qtest_add_func("/igvt/exec/runaway-batch", test_runaway_batch);
    qtest_add_func("/igvt/exec/lite-restore", test_lite_restore);
    qtest_add_func("/igvt/exec/reset-in-flight", test_reset_in_flight);
    qtest_add_func("/igvt/exec/weight", test_weight);
    qtest_add_func("/igvt/exec/stop-drains", test_stop_drains);
    qtest_add_func("/igvt/exec/migrate-queued", test_migrate_queued);
    qtest_add_func("/igvt/exec/blit", test_blit);
    for (i = 0; i < ARRAY_SIZE(tiled_blts); i++) {
        g_autofree char *path = g_strdup_printf("/igvt/exec/blit/tiled/%s",
                                                tiled_blts[i].name);

        qtest_add_data_func(path, &tiled_blts[i], test_tiled_blit);
    }
    for (i = 0; i < ARRAY_SIZE(hostile_blts); i++) {
        g_autofree char *path = g_strdup_printf("/igvt/exec/blit/hostile/%s",
                                                hostile_blts[i].name);

        qtest_add_data_func(path, &hostile_blts[i], test_hostile_blit);
    }
    qtest_add_func("/igvt/exec/refused/store-outside", test_store_outside);
    qtest_add_func("/igvt/exec/refused/command", test_forbidden_command);
    qtest_add_func("/igvt/exec/refused/register", test_forbidden_register);
    qtest_add_func("/igvt/exec/refused/truncated", test_truncated);
    qtest_add_func("/igvt/exec/ppgtt/batch", test_ppgtt_batch);
    qtest_add_func("/igvt/exec/ppgtt/batch-before-hole",
                   test_ppgtt_batch_before_hole);
    for (i = 0; i < ARRAY_SIZE(ppgtt_unreachable); i++) {
        g_autofree char *path = g_strdup_printf("/igvt/exec/ppgtt/refused/%s",
                                                ppgtt_unreachable[i].name);

        qtest_add_data_func(path, &ppgtt_unreachable[i],
                            test_ppgtt_unreachable);
    }
    for (i = 0; i < ARRAY_SIZE(ppgtt_refused); i++) {
        g_autofree char *path = g_strdup_printf("/igvt/exec/ppgtt/refused/%s",
                                                ppgtt_refused[i].name);

        qtest_add_data_func(path, &ppgtt_refused[i], test_ppgtt_refused);
    }
    qtest_add_func("/igvt/exec/ppgtt/hung/store-unmapped",
                   test_ppgtt_store_unmapped);
    qtest_add_func("/igvt/exec/ppgtt/hung/store-not-ram",
                   test_ppgtt_store_not_ram);
    qtest_add_func("/igvt/exec/ppgtt/store-high-bits",
                   test_ppgtt_store_high_bits);
    qtest_add_func("/igvt/exec/regs/lri-srm", test_lri_srm);
    qtest_add_func("/igvt/exec/regs/gpr-per-workload", test_gpr_per_workload);
    qtest_add_func("/igvt/exec/regs/lrm-lrr", test_lrm_lrr);
    qtest_add_func("/igvt/exec/regs/timestamp", test_timestamp);
    qtest_add_func("/igvt/exec/math/add-sub", test_math);
    qtest_add_func("/igvt/exec/math/bad-opcode", test_math_bad_opcode);
    qtest_add_func("/igvt/exec/predicate/true", test_predicate_true);
    qtest_add_func("/igvt/exec/predicate/false", test_predicate_false);
    qtest_add_func("/igvt/exec/predicate/chain", test_predicate_chain);
    qtest_add_func("/igvt/exec/refused/cond-bb-end", test_cond_bbe_refused);
    qtest_add_func("/igvt/exec/ppgtt/cond-bb-end", test_ppgtt_cond_bbe);
    qtest_add_func("/igvt/exec/dma/rom", test_dma_rom);
    qtest_add_func("/igvt/exec/dma/rom-drain", test_dma_rom_drain);
    qtest_add_func("/igvt/exec/dma/remapped-to-mmio",
                   test_dma_remapped_to_mmio);
    qtest_add_func("/igvt/exec/watchdog/charges-work",
                   test_watchdog_charges_work);
    return g_test_run();
}

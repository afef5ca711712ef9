/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest of igvt-vga's execution: contexts, rings and batches built in
 * guest memory, submitted through ELSP, executed by the software backend,
 * completed with CSB events in the status page and interrupts.
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "libqos/pci-pc.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "hw/pci/pci_regs.h"
#include "hw/display/igvt.h"
#include "hw/display/igvt/regs.h"

#define ARGS "-machine q35 -nodefaults -vga none -device igvt-vga,addr=02.0," \
             "aperture-size=64M,low-gm-size=32M,high-gm-size=64M"

#define PAGE            0x1000
/* Graphics memory (aperture slice from 0) and the guest RAM behind it */
#define GM_HWSP         0x1000
#define GM_LRCA         0x2000          /* two pages: PPHWSP, state */
#define GM_RING         0x4000
#define GM_TARGET       0x5000
#define GM_BATCH        0x6000
#define RAM_BASE        0x300000        /* GM x is at RAM_BASE + x - 0x1000 */
#define RAM(gm)         (RAM_BASE + (gm) - 0x1000)

#define RCS             IGVT_RCS_BASE
#define CTX_ID          0x1234u

/* Commands */
#define MI_NOOP             0x00000000u
#define MI_USER_INTERRUPT   0x01000000u
#define MI_BB_END           0x05000000u
#define MI_SDI_GGTT         (0x10000000u | (1u << 22) | 2)
#define MI_BB_START_GGTT    (0x18800000u | 1)
#define MI_BB_START_GGTT_2ND (MI_BB_START_GGTT | (1u << 22))

typedef struct Gpu {
    QTestState *qts;
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar mmio;
} Gpu;

static void wr(Gpu *g, uint32_t off, uint32_t v)
{
    qpci_io_writel(g->dev, g->mmio, off, v);
}

static uint32_t rd(Gpu *g, uint32_t off)
{
    return qpci_io_readl(g->dev, g->mmio, off);
}

static Gpu *gpu_start(void)
{
    Gpu *g = g_new0(Gpu, 1);
    uint64_t gm;

    g->qts = qtest_init(ARGS);
    g->bus = qpci_new_pc(g->qts, NULL);
    g->dev = qpci_device_find(g->bus, QPCI_DEVFN(2, 0));
    g_assert_nonnull(g->dev);
    qpci_device_enable(g->dev);
    g->mmio = qpci_iomap(g->dev, IGVT_BAR_GTTMMADR, NULL);

    /* A GVT-g aware driver reads PVINFO first */
    g_assert_cmphex(qpci_io_readq(g->dev, g->mmio, IGVT_PVINFO_MAGIC_OFF),
                    ==, IGVT_PVINFO_MAGIC);
    /* GM 0x1000..0x7fff -> RAM */
    for (gm = 0x1000; gm < 0x8000; gm += PAGE) {
        qpci_io_writeq(g->dev, g->mmio,
                       IGVT_GTT_OFFSET + gm / PAGE * IGVT_GTT_PTE_SIZE,
                       RAM(gm) | IGVT_PTE_PRESENT);
    }
    /* Engine set-up as i915 does it */
    wr(g, RCS + 0x29c, 0x80008000);                 /* execlists on */
    wr(g, RCS + 0x80, GM_HWSP);                     /* HWS_PGA */
    wr(g, RCS + 0x3a0, 0xffff0000 | 5 << 8 | 5);    /* CSB pointers */
    qtest_memset(g->qts, RAM(GM_HWSP), 0xff, PAGE);
    /* Context switch and user interrupts of RCS, master on */
    wr(g, IGVT_GEN8_GT_IMR(0), ~0x101u);
    wr(g, IGVT_GEN8_GT_IER(0), 0x101);
    wr(g, A_GEN8_MASTER_IRQ, 1u << 31);
    return g;
}

static void gpu_stop(Gpu *g)
{
    g_free(g->dev);
    qpci_free_pc(g->bus);
    qtest_quit(g->qts);
    g_free(g);
}

/* A context image whose ring holds @cmds (an even number of dwords) */
static uint32_t put_context(Gpu *g, const uint32_t *cmds, unsigned n)
{
    uint32_t state[0x40] = { 0 };
    unsigned i;

    g_assert_cmpuint(n % 2, ==, 0);
    for (i = 0; i < n; i++) {
        qtest_writel(g->qts, RAM(GM_RING) + i * 4, cmds[i]);
    }
    state[0x05] = 0;                    /* RING_HEAD */
    state[0x07] = n * 4;                /* RING_TAIL */
    state[0x09] = GM_RING;              /* RING_START */
    state[0x0b] = 1;                    /* RING_CTL: 4 KiB, enabled */
    for (i = 0; i < ARRAY_SIZE(state); i++) {
        qtest_writel(g->qts, RAM(GM_LRCA) + PAGE + i * 4, state[i]);
    }
    return n * 4;
}

static void submit_to(Gpu *g, uint32_t engine)
{
    wr(g, engine + IGVT_RING_ELSP, 0);              /* element 1: none */
    wr(g, engine + IGVT_RING_ELSP, 0);
    wr(g, engine + IGVT_RING_ELSP, CTX_ID);         /* element 0 */
    wr(g, engine + IGVT_RING_ELSP, GM_LRCA | 1);
}

static void submit(Gpu *g)
{
    submit_to(g, RCS);
}

/* query-igvt-engines: member @key of the render engine, -1 if absent */
static int64_t rcs_stat(Gpu *g, const char *key)
{
    QDict *rsp = qtest_qmp(g->qts, "{'execute': 'query-igvt-engines'}");
    QList *list = qdict_get_qlist(rsp, "return");
    QDict *vgpu = qobject_to(QDict, qlist_peek(list));
    QList *engines = qdict_get_qlist(vgpu, "engines");
    QDict *rcs = qobject_to(QDict, qlist_peek(engines));
    int64_t v;

    g_assert_cmpstr(qdict_get_str(rcs, "name"), ==, "rcs");
    if (!qdict_haskey(rcs, key)) {
        v = -1;
    } else if (qobject_type(qdict_get(rcs, key)) == QTYPE_QBOOL) {
        v = qdict_get_bool(rcs, key);
    } else {
        v = qdict_get_int(rcs, key);
    }
    qobject_unref(rsp);
    return v;
}

/*
 * The status page's CSB write pointer, once the engine has reported.
 * The GPU runs in its own thread: poll in real time (each qtest command
 * lets the main loop run completions), giving up after 10 s.
 */
static uint32_t wait_csb(Gpu *g, uint32_t want)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    uint32_t wp;

    for (;;) {
        wp = qtest_readl(g->qts, RAM(GM_HWSP) + 0x1f * 4);
        if (wp == want || g_get_monotonic_time() > deadline) {
            return wp;
        }
        g_usleep(100);
    }
}

static void test_store_and_batch(void)
{
    Gpu *g = gpu_start();
    const uint32_t ring[] = {
        MI_SDI_GGTT, GM_TARGET, 0, 0xdeadbeef,
        MI_BB_START_GGTT, GM_BATCH, 0, MI_NOOP,
        MI_USER_INTERRUPT, MI_NOOP,
    };
    const uint32_t batch[] = {
        MI_SDI_GGTT, GM_TARGET + 4, 0, 0xcafef00d,
        MI_BB_END,
    };
    uint32_t tail;
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(batch); i++) {
        qtest_writel(g->qts, RAM(GM_BATCH) + i * 4, batch[i]);
    }
    tail = put_context(g, ring, ARRAY_SIZE(ring));
    submit(g);

    /* Two events: idle to active, then complete + active to idle */
    g_assert_cmpuint(wait_csb(g, 1), ==, 1);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET)), ==, 0xdeadbeef);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET) + 4), ==, 0xcafef00d);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_HWSP) + 0x10 * 4), ==, 0x1);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_HWSP) + 0x11 * 4), ==, CTX_ID);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_HWSP) + 0x12 * 4), ==, 0x18);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_HWSP) + 0x13 * 4), ==, CTX_ID);
    /* The MMIO copy of the CSB and its write pointer */
    g_assert_cmphex(rd(g, RCS + IGVT_RING_CSB + 8), ==, 0x18);
    g_assert_cmphex(rd(g, RCS + IGVT_RING_CSB_PTR) & 0x7, ==, 1);
    /* Context switch and user interrupt, with the master showing RCS */
    g_assert_cmphex(rd(g, IGVT_GEN8_GT_IIR(0)) & 0x101, ==, 0x101);
    g_assert_cmphex(rd(g, A_GEN8_MASTER_IRQ) & 1, ==, 1);
    /* The ring was consumed: head caught up in the image and the engine */
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_LRCA) + PAGE + 5 * 4) &
                    0x1ffffc, ==, tail);
    g_assert_cmphex(rd(g, RCS + IGVT_RING_HEAD), ==, tail);
    g_assert_cmphex(rd(g, RCS + IGVT_RING_TAIL), ==, tail);
    g_assert_cmpint(rcs_stat(g, "submitted"), ==, 1);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_cmpint(rcs_stat(g, "rejected"), ==, 0);
    g_assert_cmpint(rcs_stat(g, "last-rejected-command"), ==, -1);
    gpu_stop(g);
}

/* A batch that jumps to itself forever is stopped by the watchdog */
static void test_runaway_batch(void)
{
    Gpu *g = gpu_start();
    const uint32_t ring[] = {
        MI_BB_START_GGTT, GM_BATCH, 0, MI_NOOP,
        MI_SDI_GGTT, GM_TARGET, 0, 0x600d,
    };
    const uint32_t batch[] = { MI_BB_START_GGTT, GM_BATCH, 0 };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(batch); i++) {
        qtest_writel(g->qts, RAM(GM_BATCH) + i * 4, batch[i]);
    }
    put_context(g, ring, ARRAY_SIZE(ring));
    submit(g);
    g_assert_cmpuint(wait_csb(g, 1), ==, 1);
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 1);
    /* Reported complete (as a reset engine would be), nothing after ran */
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET)), ==, 0);
    qtest_qmp_assert_success(g->qts, "{'execute': 'query-status'}");
    gpu_stop(g);
}

/* query-igvt's failsafe state: NULL when off, else the reason */
static char *failsafe_reason(Gpu *g)
{
    QDict *rsp = qtest_qmp(g->qts, "{'execute': 'query-igvt'}");
    QList *list = qdict_get_qlist(rsp, "return");
    QDict *info = qobject_to(QDict, qlist_peek(list));
    char *reason = NULL;

    if (qdict_get_bool(info, "failsafe")) {
        reason = g_strdup(qdict_get_str(info, "failsafe-reason"));
    }
    qobject_unref(rsp);
    return reason;
}

/*
 * A workload the audit refuses never runs, not even its harmless part:
 * the vGPU enters failsafe, and a device reset clears it.
 */
static void refused(const uint32_t *bad, unsigned n)
{
    Gpu *g = gpu_start();
    uint32_t ring[16];
    g_autofree char *reason = NULL;

    g_assert_cmpuint(n + 4, <=, ARRAY_SIZE(ring));
    ring[0] = MI_SDI_GGTT;                      /* would run first */
    ring[1] = GM_TARGET;
    ring[2] = 0;
    ring[3] = 0x600d;
    memcpy(ring + 4, bad, n * 4);
    put_context(g, ring, n + 4);
    submit(g);
    g_assert_cmpuint(wait_csb(g, 1), ==, 1);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET)), ==, 0);
    reason = failsafe_reason(g);
    g_assert_cmpstr(reason, ==, "guest-error");
    g_assert_cmpint(rcs_stat(g, "rejected"), ==, 1);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 0);
    g_assert_cmpint(rcs_stat(g, "last-rejected-command"), ==, bad[0]);
    qtest_qmp_assert_success(g->qts, "{'execute': 'query-status'}");

    qtest_system_reset(g->qts);
    g_assert_null(failsafe_reason(g));
    gpu_stop(g);
}

/* Memory outside the vGPU's slices is never touched */
static void test_store_outside(void)
{
    const uint32_t bad[] = {
        MI_SDI_GGTT, 0x3fff000, 0, 0xbad,       /* hidden gap: not ours */
    };

    refused(bad, ARRAY_SIZE(bad));
}

/* A privileged command (MI_UPDATE_GTT) */
static void test_forbidden_command(void)
{
    const uint32_t bad[] = { 0x11800001, 0, 0, MI_NOOP };

    refused(bad, ARRAY_SIZE(bad));
}

/* A register write outside the whitelist (the master interrupt control) */
static void test_forbidden_register(void)
{
    const uint32_t bad[] = { 0x11000001, A_GEN8_MASTER_IRQ, 0, MI_NOOP };

    refused(bad, ARRAY_SIZE(bad));
}

/* A command running past the end of the ring segment */
static void test_truncated(void)
{
    const uint32_t bad[] = { MI_SDI_GGTT | 0x7f, GM_TARGET };

    refused(bad, ARRAY_SIZE(bad));
}

/*
 * The blitter: a 32 bpp colour fill, then a copy of it, both linear, in
 * a ring on the blitter engine (global addresses).
 */
static void test_blit(void)
{
    Gpu *g = gpu_start();
    const uint32_t ring[] = {
        /* XY_COLOR_BLT, alpha+RGB, 32 bpp PATCOPY, pitch 64 */
        0x54000000 | 0x50 << 22 | 3u << 20 | 5, 3u << 24 | 0xf0 << 16 | 64,
        1 << 16 | 1, 3 << 16 | 5, GM_TARGET, 0, 0x11223344,
        MI_NOOP,
        /* XY_SRC_COPY_BLT of that 4x2 block to row 8, same pitch */
        0x54000000 | 0x53 << 22 | 3u << 20 | 8, 3u << 24 | 0xcc << 16 | 64,
        8 << 16 | 0, 10 << 16 | 4, GM_TARGET, 0, 1 << 16 | 1, 64,
        GM_TARGET, 0,
    };
    unsigned x, y;

    wr(g, IGVT_BCS_BASE + 0x29c, 0x80008000);
    wr(g, IGVT_BCS_BASE + 0x80, GM_HWSP);
    wr(g, IGVT_BCS_BASE + 0x3a0, 0xffff0000 | 5 << 8 | 5);
    put_context(g, ring, ARRAY_SIZE(ring));
    submit_to(g, IGVT_BCS_BASE);
    g_assert_cmpuint(wait_csb(g, 1), ==, 1);
    for (y = 0; y < 4; y++) {
        for (x = 0; x < 6; x++) {
            bool in = y >= 1 && y < 3 && x >= 1 && x < 5;

            g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET) + y * 64 +
                                        x * 4), ==, in ? 0x11223344 : 0);
        }
    }
    for (y = 8; y < 10; y++) {
        for (x = 0; x < 5; x++) {
            g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET) + y * 64 +
                                        x * 4), ==, x < 4 ? 0x11223344 : 0);
        }
    }
    g_assert_null(failsafe_reason(g));
    gpu_stop(g);
}

/*
 * A pair written while the engine is busy waits for the running element,
 * then preempts it; starting with the same context it is a lite restore,
 * as i915 does to append requests.  The VM is stopped so that the second
 * pair surely arrives while the first is still queued.
 */
static void test_lite_restore(void)
{
    Gpu *g = gpu_start();
    const uint32_t ring[] = {
        MI_SDI_GGTT, GM_TARGET, 0, 0x1111,
        MI_SDI_GGTT, GM_TARGET + 4, 0, 0x2222,
    };
    uint32_t tail;

    qtest_qmp_assert_success(g->qts, "{'execute': 'stop'}");
    /* First pair: only the first store is in the ring yet */
    put_context(g, ring, 4);
    submit(g);
    g_assert_true(rcs_stat(g, "active"));
    /* The guest appends and resubmits the same context */
    tail = put_context(g, ring, ARRAY_SIZE(ring));
    submit(g);
    /* Nothing runs while the VM is stopped */
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET)), ==, 0);
    g_assert_cmpint(rcs_stat(g, "submitted"), ==, 0);
    qtest_qmp_assert_success(g->qts, "{'execute': 'cont'}");

    /* idle-to-active, preempted + lite restore, complete + idle */
    g_assert_cmpuint(wait_csb(g, 2), ==, 2);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_HWSP) + 0x10 * 4), ==, 0x1);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_HWSP) + 0x12 * 4), ==,
                    0x8002);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_HWSP) + 0x13 * 4), ==, CTX_ID);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_HWSP) + 0x14 * 4), ==, 0x18);
    /* Both stores ran once, and the ring is consumed */
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET)), ==, 0x1111);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET) + 4), ==, 0x2222);
    g_assert_cmphex(rd(g, RCS + IGVT_RING_HEAD), ==, tail);
    g_assert_false(rcs_stat(g, "active"));
    g_assert_cmpint(rcs_stat(g, "submitted"), ==, 2);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 2);
    g_assert_cmpint(rcs_stat(g, "latency-max-ns"), >, 0);
    g_assert_cmpint(rcs_stat(g, "latency-avg-ns"), <=,
                    rcs_stat(g, "latency-max-ns"));
    gpu_stop(g);
}

/*
 * A reset while the GPU still runs a workload (an endless batch) drops it
 * without a late report; the engine takes new work afterwards.
 */
static void test_reset_in_flight(void)
{
    Gpu *g = gpu_start();
    const uint32_t ring[] = {
        MI_BB_START_GGTT, GM_BATCH, 0, MI_NOOP,
    };
    const uint32_t batch[] = { MI_BB_START_GGTT, GM_BATCH, 0 };
    const uint32_t store[] = { MI_SDI_GGTT, GM_TARGET, 0, 0x600d };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(batch); i++) {
        qtest_writel(g->qts, RAM(GM_BATCH) + i * 4, batch[i]);
    }
    put_context(g, ring, ARRAY_SIZE(ring));
    submit(g);
    /* Full GT reset (GDRST): the engine is idle at once */
    wr(g, 0x941c, 1);
    g_assert_cmphex(rd(g, 0x941c), ==, 0);
    g_assert_false(rcs_stat(g, "active"));
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 0);

    /* i915 sets the engine up again, and it runs new work */
    wr(g, RCS + 0x3a0, 0xffff0000 | 5 << 8 | 5);
    qtest_memset(g->qts, RAM(GM_HWSP), 0xff, PAGE);
    put_context(g, store, ARRAY_SIZE(store));
    submit(g);
    g_assert_cmpuint(wait_csb(g, 1), ==, 1);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET)), ==, 0x600d);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);

    /* Same with a device reset while the endless batch runs */
    put_context(g, ring, ARRAY_SIZE(ring));
    qtest_writel(g->qts, RAM(GM_LRCA) + PAGE + 5 * 4, 0);
    submit(g);
    qtest_system_reset(g->qts);
    g_assert_false(rcs_stat(g, "active"));
    qtest_qmp_assert_success(g->qts, "{'execute': 'query-status'}");
    gpu_stop(g);
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
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/igvt/exec/store-and-batch", test_store_and_batch);
    qtest_add_func("/igvt/exec/runaway-batch", test_runaway_batch);
    qtest_add_func("/igvt/exec/lite-restore", test_lite_restore);
    qtest_add_func("/igvt/exec/reset-in-flight", test_reset_in_flight);
    qtest_add_func("/igvt/exec/weight", test_weight);
    qtest_add_func("/igvt/exec/blit", test_blit);
    qtest_add_func("/igvt/exec/refused/store-outside", test_store_outside);
    qtest_add_func("/igvt/exec/refused/command", test_forbidden_command);
    qtest_add_func("/igvt/exec/refused/register", test_forbidden_register);
    qtest_add_func("/igvt/exec/refused/truncated", test_truncated);
    return g_test_run();
}

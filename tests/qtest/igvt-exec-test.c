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

static Gpu *gpu_start_args(const char *device_args)
{
    Gpu *g = g_new0(Gpu, 1);
    uint64_t gm;

    g->qts = qtest_initf(ARGS "%s", device_args);
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

static Gpu *gpu_start(void)
{
    return gpu_start_args("");
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

/*
 * Tiled blits.  Two 32 KiB surfaces in graphics memory; the expected
 * result is computed here from the tile layouts (an X tile is 8 rows of
 * 512 bytes; a Y tile is 8 columns of 16 bytes by 32 rows, column after
 * column; the tiles of a row of tiles follow each other in memory).
 */
#define GM_SURF_SRC         0x10000
#define GM_SURF_DST         0x18000
#define GM_SURF_END         0x20000
#define SURF_SIZE           0x8000
#define GM_SWCTRL_VALUE     (GM_TARGET + 0x100)
#define BCS                 IGVT_BCS_BASE
#define BCS_SWCTRL          0x22200
#define SWCTRL_SRC_Y        (1u << 0)
#define SWCTRL_DST_Y        (1u << 1)
#define MI_LRI_1            0x11000001u
#define MI_LRM_GGTT         (0x14800000u | (1u << 22) | 2)
#define BLT_CMD(op, len)    (2u << 29 | (uint32_t)(op) << 22 | ((len) - 2))
#define OP_XY_COLOR         0x50
#define OP_XY_SRC_COPY      0x53
#define OP_XY_FAST_COPY     0x42
#define BLT_DST_TILED       (1u << 11)
#define BLT_SRC_TILED       (1u << 15)

/* Graphics memory beyond what gpu_start() maps, to the same RAM window */
static void map_gm(Gpu *g, uint64_t start, uint64_t end)
{
    uint64_t gm;

    for (gm = start; gm < end; gm += PAGE) {
        qpci_io_writeq(g->dev, g->mmio,
                       IGVT_GTT_OFFSET + gm / PAGE * IGVT_GTT_PTE_SIZE,
                       RAM(gm) | IGVT_PTE_PRESENT);
    }
}

/* Offset of byte @xb of row @y of a surface: 'L'inear, 'X' or 'Y' tiled */
static uint32_t surf_off(char tiling, uint32_t pitch, uint32_t xb,
                         uint32_t y)
{
    uint32_t tile;

    switch (tiling) {
    case 'X':
        tile = y / 8 * (pitch / 512) + xb / 512;
        return tile * 4096 + y % 8 * 512 + xb % 512;
    case 'Y':
        tile = y / 32 * (pitch / 128) + xb / 128;
        return tile * 4096 + xb % 128 / 16 * (16 * 32) + y % 32 * 16 +
               xb % 16;
    default:
        return y * pitch + xb;
    }
}

/* query-igvt-engines: counter @key of engine @name */
static int64_t engine_stat(Gpu *g, const char *name, const char *key)
{
    QDict *rsp = qtest_qmp(g->qts, "{'execute': 'query-igvt-engines'}");
    QList *list = qdict_get_qlist(rsp, "return");
    QDict *vgpu = qobject_to(QDict, qlist_peek(list));
    const QListEntry *e;
    int64_t v = -2;

    for (e = qlist_first(qdict_get_qlist(vgpu, "engines")); e;
         e = qlist_next(e)) {
        QDict *eng = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(eng, "name"), name)) {
            v = qdict_haskey(eng, key) ? qdict_get_int(eng, key) : -1;
        }
    }
    qobject_unref(rsp);
    return v;
}

/* query-igvt-engines: string @key of engine @name (g_free it), or NULL */
static char *engine_str(Gpu *g, const char *name, const char *key)
{
    QDict *rsp = qtest_qmp(g->qts, "{'execute': 'query-igvt-engines'}");
    QList *list = qdict_get_qlist(rsp, "return");
    QDict *vgpu = qobject_to(QDict, qlist_peek(list));
    const QListEntry *e;
    char *v = NULL;

    for (e = qlist_first(qdict_get_qlist(vgpu, "engines")); e;
         e = qlist_next(e)) {
        QDict *eng = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(eng, "name"), name)) {
            v = g_strdup(qdict_get_try_str(eng, key));
        }
    }
    qobject_unref(rsp);
    return v;
}

/* Run @ring (any length) on the blitter engine and wait for it */
static void bcs_run(Gpu *g, const uint32_t *ring, unsigned n)
{
    uint32_t even[64];

    g_assert_cmpuint(n, <, ARRAY_SIZE(even));
    memcpy(even, ring, n * 4);
    if (n % 2) {
        even[n++] = MI_NOOP;
    }
    wr(g, BCS + 0x29c, 0x80008000);
    wr(g, BCS + 0x80, GM_HWSP);
    wr(g, BCS + 0x3a0, 0xffff0000 | 5 << 8 | 5);
    put_context(g, even, n);
    submit_to(g, BCS);
    g_assert_cmpuint(wait_csb(g, 1), ==, 1);
}

typedef struct TiledBlt {
    const char *name;
    uint32_t op;                /* OP_XY_COLOR, _SRC_COPY or _FAST_COPY */
    char dst_t, src_t;          /* 'L', 'X' or 'Y' */
    uint32_t cpp;
    uint32_t dst_pitch, src_pitch;      /* bytes */
    uint32_t x, y, w, h;        /* destination rectangle */
    uint32_t sx, sy;            /* source corner */
    uint32_t write;             /* 32 bpp XY_*: 1 RGB, 2 alpha, 3 both */
    bool lrm;                   /* set BCS_SWCTRL by LRM, not LRI */
} TiledBlt;

static const TiledBlt tiled_blts[] = {
    { "x-fill", OP_XY_COLOR, 'X', 'L', 4, 1024, 0,
      100, 3, 100, 10, 0, 0, 3 },
    { "x-fill-rgb", OP_XY_COLOR, 'X', 'L', 4, 1024, 0,
      100, 3, 100, 10, 0, 0, 1 },
    { "y-fill", OP_XY_COLOR, 'Y', 'L', 2, 256, 0,
      30, 20, 60, 30, 0, 0 },
    { "y-fill-lrm", OP_XY_COLOR, 'Y', 'L', 4, 256, 0,
      5, 9, 50, 40, 0, 0, 3, true },
    { "linear-to-x", OP_XY_SRC_COPY, 'X', 'L', 4, 1024, 1000,
      60, 5, 140, 15, 3, 2, 3 },
    { "y-to-linear", OP_XY_SRC_COPY, 'L', 'Y', 4, 600, 512,
      2, 1, 48, 35, 10, 25, 3 },
    { "y-to-x", OP_XY_SRC_COPY, 'X', 'Y', 1, 1024, 256,
      500, 4, 150, 20, 100, 28 },
    { "fast-linear-to-y", OP_XY_FAST_COPY, 'Y', 'L', 4, 384, 320,
      7, 30, 70, 15, 0, 0 },
    { "fast-x-to-linear", OP_XY_FAST_COPY, 'L', 'X', 2, 512, 1024,
      1, 2, 200, 20, 200, 1 },
    { "fast-y-to-y-64bpp", OP_XY_FAST_COPY, 'Y', 'Y', 8, 256, 384,
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
static uint32_t fast_tile(char t)
{
    return t == 'X' ? 1 : t == 'Y' ? 2 : 0;
}

/* The pitch field: dwords for a tiled surface, bytes for a linear one */
static uint32_t pitch_field(char t, uint32_t pitch)
{
    return t == 'L' ? pitch : pitch / 4;
}

/* Build the blit of @c, with its BCS_SWCTRL set-up, in @ring */
static unsigned tiled_blt_ring(Gpu *g, const TiledBlt *c, uint32_t color,
                               uint32_t *ring)
{
    uint32_t swctrl = 0, tiled = 0;
    unsigned n = 0;

    if (c->op != OP_XY_FAST_COPY) {
        swctrl = (c->dst_t == 'Y' ? SWCTRL_DST_Y : 0) |
                 (c->src_t == 'Y' ? SWCTRL_SRC_Y : 0);
        tiled = (c->dst_t != 'L' ? BLT_DST_TILED : 0) |
                (c->src_t != 'L' && c->op == OP_XY_SRC_COPY ?
                 BLT_SRC_TILED : 0);
    }
    if (swctrl) {
        /* Masked: enable both bits, set the Y ones */
        uint32_t v = (SWCTRL_SRC_Y | SWCTRL_DST_Y) << 16 | swctrl;

        if (c->lrm) {
            qtest_writel(g->qts, RAM(GM_SWCTRL_VALUE), v);
            ring[n++] = MI_LRM_GGTT;
            ring[n++] = BCS_SWCTRL;
            ring[n++] = GM_SWCTRL_VALUE;
            ring[n++] = 0;
        } else {
            ring[n++] = MI_LRI_1;
            ring[n++] = BCS_SWCTRL;
            ring[n++] = v;
        }
    }
    switch (c->op) {
    case OP_XY_COLOR:
        ring[n++] = BLT_CMD(OP_XY_COLOR, 7) | c->write << 20 | tiled;
        ring[n++] = xy_depth(c->cpp) << 24 | 0xf0 << 16 |
                    pitch_field(c->dst_t, c->dst_pitch);
        break;
    case OP_XY_SRC_COPY:
        ring[n++] = BLT_CMD(OP_XY_SRC_COPY, 10) | c->write << 20 | tiled;
        ring[n++] = xy_depth(c->cpp) << 24 | 0xcc << 16 |
                    pitch_field(c->dst_t, c->dst_pitch);
        break;
    default:
        ring[n++] = BLT_CMD(OP_XY_FAST_COPY, 10) |
                    fast_tile(c->src_t) << 20 | fast_tile(c->dst_t) << 13;
        ring[n++] = fast_depth(c->cpp) << 24 |
                    pitch_field(c->dst_t, c->dst_pitch);
        break;
    }
    ring[n++] = c->y << 16 | c->x;
    ring[n++] = (c->y + c->h) << 16 | (c->x + c->w);
    ring[n++] = GM_SURF_DST;
    ring[n++] = 0;
    if (c->op == OP_XY_COLOR) {
        ring[n++] = color;
    } else {
        ring[n++] = c->sy << 16 | c->sx;
        ring[n++] = pitch_field(c->src_t, c->src_pitch);
        ring[n++] = GM_SURF_SRC;
        ring[n++] = 0;
    }
    if (swctrl) {
        /* Back to X tiling, as i915's users do */
        ring[n++] = MI_LRI_1;
        ring[n++] = BCS_SWCTRL;
        ring[n++] = (SWCTRL_SRC_Y | SWCTRL_DST_Y) << 16;
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
    Gpu *g = gpu_start();
    uint32_t ring[40], mask = 0xf, i, j, k, d, so;
    unsigned n;

    map_gm(g, 0x8000, GM_SURF_END);
    for (i = 0; i < SURF_SIZE; i++) {
        src[i] = surf_pattern(i, 1);
        want[i] = surf_pattern(i, 2);
    }
    qtest_memwrite(g->qts, RAM(GM_SURF_SRC), src, SURF_SIZE);
    qtest_memwrite(g->qts, RAM(GM_SURF_DST), want, SURF_SIZE);

    n = tiled_blt_ring(g, c, color, ring);
    bcs_run(g, ring, n);

    /* The expected destination, pixel byte by pixel byte */
    if (c->cpp == 4 && c->op != OP_XY_FAST_COPY) {
        mask = (c->write & 2 ? 0x8 : 0) | (c->write & 1 ? 0x7 : 0);
    }
    for (j = 0; j < c->h; j++) {
        for (i = 0; i < c->w * c->cpp; i++) {
            k = i % c->cpp;
            if (k < 4 && !(mask & (1u << k))) {
                continue;
            }
            d = surf_off(c->dst_t, c->dst_pitch, c->x * c->cpp + i, c->y + j);
            g_assert_cmpuint(d, <, SURF_SIZE);
            if (c->op == OP_XY_COLOR) {
                want[d] = color >> (8 * k);
            } else {
                so = surf_off(c->src_t, c->src_pitch, c->sx * c->cpp + i,
                              c->sy + j);
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
    g_assert_cmpint(engine_stat(g, "bcs", "completed"), ==, 1);
    g_assert_cmpint(engine_stat(g, "bcs", "hung"), ==, 0);
    g_assert_null(failsafe_reason(g));
    gpu_stop(g);
}

typedef struct HostileBlt {
    const char *name;
    uint32_t swctrl;            /* BCS_SWCTRL Y bits to set first */
    uint32_t cmd[10];
    bool untouched;             /* refused before writing anything */
} HostileBlt;

static const HostileBlt hostile_blts[] = {
    /* X-tiled fill, pitch 400 bytes: not a whole number of tiles */
    { "x-pitch-not-tiles", 0,
      { BLT_CMD(OP_XY_COLOR, 7) | 3 << 20 | BLT_DST_TILED,
        3 << 24 | 0xf0 << 16 | 100, 0, 4 << 16 | 16, GM_SURF_DST, 0,
        0x12345678 }, true },
    /* Y-tiled fill with pitch 0 */
    { "y-pitch-zero", SWCTRL_DST_Y,
      { BLT_CMD(OP_XY_COLOR, 7) | 3 << 20 | BLT_DST_TILED,
        3 << 24 | 0xf0 << 16 | 0, 0, 4 << 16 | 16, GM_SURF_DST, 0,
        0x12345678 }, true },
    /* Fast copy to Y tiles, pitch 192 bytes */
    { "fast-y-pitch-not-tiles", 0,
      { BLT_CMD(OP_XY_FAST_COPY, 10) | 2 << 13,
        3 << 24 | 48, 0, 4 << 16 | 16, GM_SURF_DST, 0,
        0, 1024, GM_SURF_SRC, 0 }, true },
    /* X-tiled fill 65535 pixels wide: rows far too wide */
    { "x-too-wide", 0,
      { BLT_CMD(OP_XY_COLOR, 7) | 3 << 20 | BLT_DST_TILED,
        3 << 24 | 0xf0 << 16 | 256, 0, 4u << 16 | 0xffff, GM_SURF_DST, 0,
        0x12345678 }, true },
    /*
     * Y to Y copy of 16384 x 32768 pixels with a 255.5 KiB pitch: runs
     * out of the vGPU's memory (or out of budget), never out of QEMU's.
     */
    { "y-huge", SWCTRL_SRC_Y | SWCTRL_DST_Y,
      { BLT_CMD(OP_XY_SRC_COPY, 10) | 3 << 20 | BLT_DST_TILED |
        BLT_SRC_TILED, 3 << 24 | 0xcc << 16 | 0xff80, 0,
        0x8000u << 16 | 0x4000, 0x1ff0000, 0, 0, 0xff80, GM_SURF_SRC, 0 },
      false },
};

/*
 * A hostile tiled blit stops its workload like a hang (nothing after it
 * runs), touches no memory it must not, and QEMU keeps running.
 */
static void test_hostile_blit(const void *opaque)
{
    const HostileBlt *c = opaque;
    g_autofree uint8_t *before = g_malloc(SURF_SIZE);
    g_autofree uint8_t *after = g_malloc(SURF_SIZE);
    Gpu *g = gpu_start();
    uint32_t ring[40], i;
    unsigned n = 0;

    map_gm(g, 0x8000, GM_SURF_END);
    for (i = 0; i < SURF_SIZE; i++) {
        before[i] = surf_pattern(i, 3);
    }
    qtest_memwrite(g->qts, RAM(GM_SURF_DST), before, SURF_SIZE);
    if (c->swctrl) {
        ring[n++] = MI_LRI_1;
        ring[n++] = BCS_SWCTRL;
        ring[n++] = (SWCTRL_SRC_Y | SWCTRL_DST_Y) << 16 | c->swctrl;
    }
    memcpy(ring + n, c->cmd, ((c->cmd[0] & 0xff) + 2) * 4);
    n += (c->cmd[0] & 0xff) + 2;
    ring[n++] = MI_SDI_GGTT;                    /* must not run */
    ring[n++] = GM_TARGET;
    ring[n++] = 0;
    ring[n++] = 0xbad;
    bcs_run(g, ring, n);

    g_assert_cmpint(engine_stat(g, "bcs", "hung"), ==, 1);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET)), ==, 0);
    if (c->untouched) {
        qtest_memread(g->qts, RAM(GM_SURF_DST), after, SURF_SIZE);
        g_assert(!memcmp(before, after, SURF_SIZE));
    }
    qtest_qmp_assert_success(g->qts, "{'execute': 'query-status'}");
    gpu_stop(g);
}

/*
 * PPGTT execution.  A 4-level table in guest RAM (Gen8+: 9 bits per
 * level, 4 KiB tables of 8-byte entries, bit 0 present; a PD entry with
 * bit 7 maps a 2 MiB page, with bit 11 its page table maps 64 KiB pages
 * through every 16th entry), rooted at the context image's PDP0 (state
 * dwords 0x31 upper, 0x33 lower).  The ring starts a batch with bit 8 of
 * MI_BATCH_BUFFER_START set (PPGTT); the batch lies in RAM that the GGTT
 * does not map, and stores with bit 22 clear (PPGTT addresses).
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
#define PTE_P           1ull
#define PDE_PS          (1ull << 7)
#define PDE_IPS         (1ull << 11)

/* Graphics virtual addresses: PML4 index 1, PDP index 2 */
#define VA(l2, l1, off) (1ull << 39 | 2ull << 30 | (uint64_t)(l2) << 21 | \
                         (uint64_t)(l1) << 12 | (off))
#define VA_4K(i, off)   VA(3, i, off)           /* PD 3: 4 KiB pages */
#define VA_64K(g, off)  VA(4, (g) * 16, off)    /* PD 4: 64 KiB pages */
#define VA_2M(off)      VA(5, 0, off)           /* PD 5: a 2 MiB page */
#define VA_BATCH        VA_4K(5, 0xff0)         /* 16 bytes before PT 6 */

#define MI_SDI_PPGTT    (0x10000000u | 2)
#define MI_SDI_QW_PPGTT (0x10000000u | (1u << 21) | 3)
#define MI_BB_START_PPGTT (0x18800000u | (1u << 8) | 1)
#define MI_UPDATE_GTT   0x11800001u
#define MI_LRI_1        0x11000001u

static void pg_entry(Gpu *g, uint64_t table, unsigned index, uint64_t v)
{
    qtest_writeq(g->qts, table + index * 8, v);
}

/*
 * PML4 1 -> PDP 2 -> PD; PD 3: 4 KiB pages (PT 5 and 6 the batch, PT 7
 * data, PT 9 not present); PD 4: 64 KiB pages (group 2 at PG_64K, the
 * group's other 15 entries at a scratch page, as a check that they are
 * not used); PD 5: a 2 MiB page.
 */
static void ppgtt_build(Gpu *g)
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

/* The context's PDP0: after put_context(), which zeroes it */
static void set_pdp0(Gpu *g, uint64_t root)
{
    qtest_writel(g->qts, RAM(GM_LRCA) + PAGE + 0x31 * 4, root >> 32);
    qtest_writel(g->qts, RAM(GM_LRCA) + PAGE + 0x33 * 4, (uint32_t)root);
}

/* Write @n dwords at graphics virtual @va, through the test's tables */
static void ppgtt_put(Gpu *g, uint64_t va, const uint32_t *dw, unsigned n)
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

/* query-igvt-engines: string member @key of the render engine */
static char *rcs_stat_str(Gpu *g, const char *key)
{
    QDict *rsp = qtest_qmp(g->qts, "{'execute': 'query-igvt-engines'}");
    QList *list = qdict_get_qlist(rsp, "return");
    QDict *vgpu = qobject_to(QDict, qlist_peek(list));
    QDict *rcs = qobject_to(QDict, qlist_peek(qdict_get_qlist(vgpu,
                                                              "engines")));
    char *v;

    g_assert_cmpstr(qdict_get_str(rcs, "name"), ==, "rcs");
    v = g_strdup(qdict_get_try_str(rcs, key));
    qobject_unref(rsp);
    return v;
}

/*
 * Ring: the PPGTT batch at @batch_va, then a GGTT store of 0x600d and a
 * user interrupt; run it with the tables of ppgtt_build() under @root.
 */
static void ppgtt_run(Gpu *g, uint64_t root, uint64_t batch_va)
{
    const uint32_t ring[] = {
        MI_BB_START_PPGTT, (uint32_t)batch_va, batch_va >> 32, MI_NOOP,
        MI_SDI_GGTT, GM_TARGET, 0, 0x600d,
        MI_USER_INTERRUPT, MI_NOOP,
    };

    put_context(g, ring, ARRAY_SIZE(ring));
    set_pdp0(g, root);
    submit(g);
    g_assert_cmpuint(wait_csb(g, 1), ==, 1);
}

/* A store through each page size, from a batch crossing a page */
static void test_ppgtt_batch(void)
{
    Gpu *g = gpu_start();
    const uint64_t va4k = VA_4K(7, 0x10);
    const uint64_t va64k = VA_64K(2, 0x1238);   /* in its 2nd 4 KiB */
    const uint64_t va2m = VA_2M(0x123458);
    const uint32_t batch[] = {
        /* 16 bytes in PT 5's page, the rest in PT 6's */
        MI_SDI_PPGTT, (uint32_t)va4k, va4k >> 32, 0x11111111,
        MI_SDI_PPGTT, (uint32_t)va64k, va64k >> 32, 0x22222222,
        MI_SDI_PPGTT, (uint32_t)va2m, va2m >> 32, 0x33333333,
        MI_SDI_QW_PPGTT, (uint32_t)va4k + 8, va4k >> 32, 0x44444444,
        0x55555555,
        MI_BB_END,
    };
    g_autofree uint8_t *scratch = g_malloc(PAGE);
    unsigned i;

    ppgtt_build(g);
    ppgtt_put(g, VA_BATCH, batch, ARRAY_SIZE(batch));
    ppgtt_run(g, PG_PML4, VA_BATCH);

    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_cmpint(rcs_stat(g, "rejected"), ==, 0);
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 0);
    g_assert_null(failsafe_reason(g));
    g_assert_cmphex(qtest_readl(g->qts, PG_DATA + 0x10), ==, 0x11111111);
    g_assert_cmphex(qtest_readl(g->qts, PG_64K + 0x1238), ==, 0x22222222);
    g_assert_cmphex(qtest_readl(g->qts, PG_2M + 0x123458), ==, 0x33333333);
    g_assert_cmphex(qtest_readl(g->qts, PG_DATA + 0x18), ==, 0x44444444);
    g_assert_cmphex(qtest_readl(g->qts, PG_DATA + 0x1c), ==, 0x55555555);
    /* the ring went on after the batch, and raised its interrupt */
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET)), ==, 0x600d);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_HWSP) + 0x12 * 4), ==, 0x18);
    g_assert_cmphex(rd(g, IGVT_GEN8_GT_IIR(0)) & 0x101, ==, 0x101);
    /* nothing went through the 64 KiB group's surplus entries */
    qtest_memread(g->qts, PG_SCRATCH, scratch, PAGE);
    for (i = 0; i < PAGE; i++) {
        g_assert_cmpuint(scratch[i], ==, 0);
    }
    /* nor to the guest physical addresses equal to the virtual ones */
    g_assert_cmphex(qtest_readl(g->qts, PG_DATA + 0x14), ==, 0);
    gpu_stop(g);
}

/*
 * A batch wholly mapped but followed by an unmapped page: copying it
 * must not need more than the pages it lies in (it starts mid-page and
 * ends in its second page, PT 7 after it is made non-present).
 */
static void test_ppgtt_batch_before_hole(void)
{
    Gpu *g = gpu_start();
    const uint64_t va = VA_2M(0x40);
    const uint32_t n = (0x800 + 0x900) / 4;
    g_autofree uint32_t *batch = g_new(uint32_t, n + 2);
    uint32_t i;

    for (i = 0; i < n + 2; i++) {
        batch[i] = MI_NOOP;
    }
    batch[0] = MI_SDI_PPGTT;
    batch[1] = (uint32_t)va;
    batch[2] = va >> 32;
    batch[3] = 0x5a5a5a5a;
    batch[n] = MI_BB_END;
    ppgtt_build(g);
    pg_entry(g, PG_PT, 7, 0);
    ppgtt_put(g, VA_4K(5, 0x800), batch, n + 2);
    ppgtt_run(g, PG_PML4, VA_4K(5, 0x800));

    g_assert_cmpint(rcs_stat(g, "rejected"), ==, 0);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_null(failsafe_reason(g));
    g_assert_cmphex(qtest_readl(g->qts, PG_2M + 0x40), ==, 0x5a5a5a5a);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET)), ==, 0x600d);
    gpu_stop(g);
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
    Gpu *g = gpu_start();
    const uint32_t batch[] = {
        MI_NOOP, MI_NOOP, MI_NOOP, MI_NOOP, MI_BB_END, MI_NOOP,
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
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET)), ==, 0);
    reason = failsafe_reason(g);
    g_assert_cmpstr(reason, ==, "guest-error");
    g_assert_cmpint(rcs_stat(g, "rejected"), ==, 1);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 0);
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 0);
    why = rcs_stat_str(g, "last-rejection");
    g_assert_cmpstr(why, ==, c->why);
    g_assert_cmpint(rcs_stat(g, "last-rejected-command"), ==, 0);
    g_assert_cmphex(rcs_stat(g, "last-rejected-address"), ==, c->addr);
    qtest_qmp_assert_success(g->qts, "{'execute': 'query-status'}");
    gpu_stop(g);
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
    { "privileged", { MI_UPDATE_GTT, 0, 0, MI_NOOP }, "privileged command",
      VA_BATCH + 16 },
    { "user-interrupt", { MI_USER_INTERRUPT, MI_NOOP, MI_NOOP, MI_NOOP },
      "not allowed in a non-privileged batch", VA_BATCH + 16 },
    { "ggtt-store", { MI_SDI_GGTT, GM_TARGET + 8, 0, 0xbad },
      "not allowed in a non-privileged batch", GM_TARGET + 8 },
    { "register", { MI_LRI_1, A_GEN8_MASTER_IRQ, 0, MI_NOOP },
      "register access not allowed", A_GEN8_MASTER_IRQ },
    { "ggtt-batch", { MI_BB_START_GGTT, GM_BATCH, 0, MI_NOOP },
      "nested batch in another address space", GM_BATCH },
};

static void test_ppgtt_refused(const void *opaque)
{
    const PpgttRefused *c = opaque;
    Gpu *g = gpu_start();
    const uint64_t va = VA_4K(7, 0);
    uint32_t batch[10] = {
        MI_SDI_PPGTT, (uint32_t)va, va >> 32, 0x11111111,   /* harmless */
    };
    g_autofree char *reason = NULL;
    g_autofree char *why = NULL;

    memcpy(batch + 4, c->cmd, sizeof(c->cmd));
    batch[8] = MI_BB_END;
    batch[9] = MI_NOOP;
    ppgtt_build(g);
    ppgtt_put(g, VA_BATCH, batch, ARRAY_SIZE(batch));
    qtest_writel(g->qts, RAM(GM_BATCH), MI_BB_END);
    ppgtt_run(g, PG_PML4, VA_BATCH);

    g_assert_cmphex(qtest_readl(g->qts, PG_DATA), ==, 0);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET)), ==, 0);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET) + 8), ==, 0);
    reason = failsafe_reason(g);
    g_assert_cmpstr(reason, ==, "guest-error");
    g_assert_cmpint(rcs_stat(g, "rejected"), ==, 1);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 0);
    why = rcs_stat_str(g, "last-rejection");
    g_assert_cmpstr(why, ==, c->why);
    g_assert_cmphex(rcs_stat(g, "last-rejected-command"), ==, c->cmd[0]);
    g_assert_cmphex(rcs_stat(g, "last-rejected-address"), ==, c->addr);
    qtest_qmp_assert_success(g->qts, "{'execute': 'query-status'}");
    gpu_stop(g);
}

/*
 * Stores to a PPGTT address that is not mapped, or mapped to something
 * that is not RAM, pass the audit (it cannot know the tables at run
 * time) and fail when they execute: the workload stops there like a
 * hung one (what ran before stays, nothing after runs), the engine
 * reports it done, the vGPU is not in failsafe and QEMU goes on.
 */
static void ppgtt_bad_store(uint64_t bad_va)
{
    Gpu *g = gpu_start();
    const uint64_t va = VA_4K(7, 0);
    const uint32_t batch[] = {
        MI_SDI_PPGTT, (uint32_t)va, va >> 32, 0x11111111,
        MI_SDI_PPGTT, (uint32_t)bad_va, bad_va >> 32, 0xbad,
        MI_SDI_PPGTT, (uint32_t)va + 4, va >> 32, 0x22222222,
        MI_BB_END, MI_NOOP,
    };

    ppgtt_build(g);
    ppgtt_put(g, VA_BATCH, batch, ARRAY_SIZE(batch));
    ppgtt_run(g, PG_PML4, VA_BATCH);

    g_assert_cmpint(rcs_stat(g, "hung"), ==, 1);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 0);
    g_assert_cmpint(rcs_stat(g, "rejected"), ==, 0);
    g_assert_null(failsafe_reason(g));
    g_assert_cmphex(qtest_readl(g->qts, PG_DATA), ==, 0x11111111);
    g_assert_cmphex(qtest_readl(g->qts, PG_DATA + 4), ==, 0);
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET)), ==, 0);
    qtest_qmp_assert_success(g->qts, "{'execute': 'query-status'}");
    gpu_stop(g);
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
    Gpu *g = gpu_start();
    const uint64_t va = VA_4K(7, 0x40) | 0xffff000000000000ull;
    const uint32_t batch[] = {
        MI_SDI_PPGTT, (uint32_t)va, va >> 32, 0x77777777,
        MI_BB_END, MI_NOOP,
    };

    ppgtt_build(g);
    ppgtt_put(g, VA_BATCH, batch, ARRAY_SIZE(batch));
    ppgtt_run(g, PG_PML4, VA_BATCH);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_cmphex(qtest_readl(g->qts, PG_DATA + 0x40), ==, 0x77777777);
    gpu_stop(g);
}

/*
 * Register and ALU commands on the render engine: the software GPU keeps
 * the workload's registers (CS_GPRs, the predicate registers, others the
 * whitelist allows) and reads the timestamps from a host clock.
 */
#define MI_LRI(n)           (0x11000000u | (2 * (n) - 1))
#define MI_SRM_GGTT         (0x12000000u | (1u << 22) | 2)
#define MI_LRR              0x15000001u
#define MI_MATH(n)          (0x0d000000u | ((n) - 1))
#define MI_PREDICATE        0x06000000u
#define MI_BB_START_PRED    (MI_BB_START_GGTT | (1u << 15))
#define MI_COND_BBE_GGTT    (0x1b000000u | (1u << 22) | (1u << 21) | 2)
#define ALU(op, a, b)       ((uint32_t)(op) << 20 | (uint32_t)(a) << 10 | (b))
#define ALU_LOAD(a, r)      ALU(0x080, a, r)
#define ALU_ADD             ALU(0x100, 0, 0)
#define ALU_SUB             ALU(0x101, 0, 0)
#define ALU_STORE(r, s)     ALU(0x180, r, s)
#define ALU_SRCA            0x20
#define ALU_SRCB            0x21
#define ALU_ACCU            0x31
#define ALU_CF              0x33
#define GPR(n)              (RCS + 0x600 + 8 * (n))
#define RCS_TIMESTAMP       (RCS + 0x358)
#define RCS_CTX_TIMESTAMP   (RCS + 0x3a8)
#define PRED_SRC0           0x2400
#define PRED_SRC1           0x2408
#define PRED_RESULT         0x2418
#define PRED_RESULT_1       0x241c

/* Run @ring (padded to an even length) and @batch (at GM_BATCH) on RCS */
static void rcs_run(Gpu *g, const uint32_t *ring, unsigned n,
                    const uint32_t *batch, unsigned nb)
{
    uint32_t even[128];
    unsigned i;

    g_assert_cmpuint(n, <, ARRAY_SIZE(even));
    memcpy(even, ring, n * 4);
    if (n % 2) {
        even[n++] = MI_NOOP;
    }
    for (i = 0; i < nb; i++) {
        qtest_writel(g->qts, RAM(GM_BATCH) + i * 4, batch[i]);
    }
    put_context(g, even, n);
    submit(g);
    g_assert_cmpuint(wait_csb(g, 1), ==, 1);
}

static uint32_t target(Gpu *g, unsigned i)
{
    return qtest_readl(g->qts, RAM(GM_TARGET) + i * 4);
}

/* LRI in the ring, SRM in a batch it calls: what was written reads back */
static void test_lri_srm(void)
{
    Gpu *g = gpu_start();
    const uint32_t ring[] = {
        MI_LRI(3), GPR(0), 0x11111111, GPR(0) + 4, 0x22222222,
        PRED_SRC0, 0x33333333,
        MI_BB_START_GGTT, GM_BATCH, 0,
    };
    const uint32_t batch[] = {
        MI_SRM_GGTT, GPR(0), GM_TARGET, 0,
        MI_SRM_GGTT, GPR(0) + 4, GM_TARGET + 4, 0,
        MI_SRM_GGTT, PRED_SRC0, GM_TARGET + 8, 0,
        MI_SRM_GGTT, GPR(5), GM_TARGET + 12, 0,         /* never written */
        MI_SRM_GGTT, PRED_SRC0 + 4, GM_TARGET + 16, 0,  /* never written */
        MI_LRI(1), GPR(15) + 4, 0x44444444,             /* last GPR */
        MI_SRM_GGTT, GPR(15) + 4, GM_TARGET + 20, 0,
        MI_BB_END,
    };

    qtest_memset(g->qts, RAM(GM_TARGET), 0xee, 0x20);
    rcs_run(g, ring, ARRAY_SIZE(ring), batch, ARRAY_SIZE(batch));
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_cmphex(target(g, 0), ==, 0x11111111);
    g_assert_cmphex(target(g, 1), ==, 0x22222222);
    g_assert_cmphex(target(g, 2), ==, 0x33333333);
    g_assert_cmphex(target(g, 3), ==, 0);
    g_assert_cmphex(target(g, 4), ==, 0);
    g_assert_cmphex(target(g, 5), ==, 0x44444444);
    g_assert_cmphex(target(g, 6), ==, 0xeeeeeeee);
    gpu_stop(g);
}

/* GPRs start at 0 in every workload: the last one's do not leak */
static void test_gpr_per_workload(void)
{
    Gpu *g = gpu_start();
    const uint32_t first[] = {
        MI_LRI(1), GPR(3), 0x5eed,
        MI_SRM_GGTT, GPR(3), GM_TARGET, 0,
    };
    const uint32_t second[] = {
        MI_SRM_GGTT, GPR(3), GM_TARGET + 4, 0,
    };

    qtest_memset(g->qts, RAM(GM_TARGET), 0xee, 8);
    rcs_run(g, first, ARRAY_SIZE(first), NULL, 0);
    g_assert_cmphex(target(g, 0), ==, 0x5eed);
    qtest_memset(g->qts, RAM(GM_HWSP), 0xff, PAGE);
    wr(g, RCS + 0x3a0, 0xffff0000 | 5 << 8 | 5);
    rcs_run(g, second, ARRAY_SIZE(second), NULL, 0);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 2);
    g_assert_cmphex(target(g, 1), ==, 0);
    gpu_stop(g);
}

/* LRM from memory, LRR between registers, SRM back */
static void test_lrm_lrr(void)
{
    Gpu *g = gpu_start();
    const uint32_t ring[] = {
        MI_LRM_GGTT, GPR(1), GM_TARGET + 0x100, 0,
        MI_LRM_GGTT, GPR(1) + 4, GM_TARGET + 0x104, 0,
        MI_LRR, GPR(1), GPR(2) + 4,
        MI_LRR, GPR(1) + 4, PRED_SRC1,
        MI_SRM_GGTT, GPR(1), GM_TARGET, 0,
        MI_SRM_GGTT, GPR(1) + 4, GM_TARGET + 4, 0,
        MI_SRM_GGTT, GPR(2), GM_TARGET + 8, 0,
        MI_SRM_GGTT, GPR(2) + 4, GM_TARGET + 12, 0,
        MI_SRM_GGTT, PRED_SRC1, GM_TARGET + 16, 0,
    };

    qtest_memset(g->qts, RAM(GM_TARGET), 0xee, 0x20);
    qtest_writel(g->qts, RAM(GM_TARGET) + 0x100, 0xabcd1234);
    qtest_writel(g->qts, RAM(GM_TARGET) + 0x104, 0x0badf00d);
    rcs_run(g, ring, ARRAY_SIZE(ring), NULL, 0);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_cmphex(target(g, 0), ==, 0xabcd1234);
    g_assert_cmphex(target(g, 1), ==, 0x0badf00d);
    g_assert_cmphex(target(g, 2), ==, 0);
    g_assert_cmphex(target(g, 3), ==, 0xabcd1234);
    g_assert_cmphex(target(g, 4), ==, 0x0badf00d);
    gpu_stop(g);
}

/* MI_MATH: 64-bit add (carry into the upper dword) and sub with borrow */
static void test_math(void)
{
    Gpu *g = gpu_start();
    const uint32_t ring[] = {
        MI_LRI(4), GPR(0), 0xfffffff0, GPR(0) + 4, 0x00000001,
        GPR(1), 0x00000020, GPR(1) + 4, 0x00000002,
        MI_MATH(8),
        ALU_LOAD(ALU_SRCA, 0), ALU_LOAD(ALU_SRCB, 1), ALU_ADD,
        ALU_STORE(2, ALU_ACCU),
        ALU_SUB, ALU_STORE(3, ALU_ACCU), ALU_STORE(4, ALU_CF),
        ALU(0, 0, 0),
        MI_SRM_GGTT, GPR(2), GM_TARGET, 0,
        MI_SRM_GGTT, GPR(2) + 4, GM_TARGET + 4, 0,
        MI_SRM_GGTT, GPR(3), GM_TARGET + 8, 0,
        MI_SRM_GGTT, GPR(3) + 4, GM_TARGET + 12, 0,
        MI_SRM_GGTT, GPR(4), GM_TARGET + 16, 0,
        MI_SRM_GGTT, GPR(0) + 4, GM_TARGET + 20, 0,
    };

    rcs_run(g, ring, ARRAY_SIZE(ring), NULL, 0);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    /* 0x1fffffff0 + 0x200000020 */
    g_assert_cmphex(target(g, 0), ==, 0x00000010);
    g_assert_cmphex(target(g, 1), ==, 0x00000004);
    /* 0x1fffffff0 - 0x200000020 borrows */
    g_assert_cmphex(target(g, 2), ==, 0xffffffd0);
    g_assert_cmphex(target(g, 3), ==, 0xffffffff);
    g_assert_cmphex(target(g, 4), ==, 0xffffffff);
    g_assert_cmphex(target(g, 5), ==, 0x00000001);
    gpu_stop(g);
}

/* An ALU opcode the GPU does not have: a fault, the workload hangs */
static void test_math_bad_opcode(void)
{
    Gpu *g = gpu_start();
    const uint32_t ring[] = {
        MI_SDI_GGTT, GM_TARGET, 0, 0x600d,
        MI_MATH(2), ALU_LOAD(ALU_SRCA, 0), ALU(0x7ff, 0, 0),
        MI_SDI_GGTT, GM_TARGET + 4, 0, 0xbad,
    };

    rcs_run(g, ring, ARRAY_SIZE(ring), NULL, 0);
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 1);
    g_assert_cmphex(target(g, 0), ==, 0x600d);
    g_assert_cmphex(target(g, 1), ==, 0);
    qtest_qmp_assert_success(g->qts, "{'execute': 'query-status'}");
    gpu_stop(g);
}

/* RING_TIMESTAMP runs (12 MHz) and does not go back; so does CTX's */
static void test_timestamp(void)
{
    Gpu *g = gpu_start();
    uint32_t ring[96];
    unsigned n = 0, i;
    uint64_t t0, t1;

    ring[n++] = MI_SRM_GGTT;
    ring[n++] = RCS_TIMESTAMP;
    ring[n++] = GM_TARGET;
    ring[n++] = 0;
    ring[n++] = MI_SRM_GGTT;
    ring[n++] = RCS_TIMESTAMP + 4;
    ring[n++] = GM_TARGET + 4;
    ring[n++] = 0;
    for (i = 0; i < 64; i++) {
        ring[n++] = MI_NOOP;
    }
    ring[n++] = MI_SRM_GGTT;
    ring[n++] = RCS_TIMESTAMP;
    ring[n++] = GM_TARGET + 8;
    ring[n++] = 0;
    ring[n++] = MI_SRM_GGTT;
    ring[n++] = RCS_TIMESTAMP + 4;
    ring[n++] = GM_TARGET + 12;
    ring[n++] = 0;
    ring[n++] = MI_SRM_GGTT;
    ring[n++] = RCS_CTX_TIMESTAMP;
    ring[n++] = GM_TARGET + 16;
    ring[n++] = 0;
    qtest_memset(g->qts, RAM(GM_TARGET), 0, 0x20);
    rcs_run(g, ring, n, NULL, 0);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    t0 = target(g, 0) | (uint64_t)target(g, 1) << 32;
    t1 = target(g, 2) | (uint64_t)target(g, 3) << 32;
    g_assert_cmphex(t0, !=, 0);
    g_assert_cmphex(t1, >=, t0);
    /* ... at the rate i915 derives from CTC_MODE: 24 MHz >> (3 - 2) */
    g_assert_cmphex(rd(g, 0xa26c) & 0x6, ==, 2 << 1);
    /* a workload takes well under a second: 12 M ticks */
    g_assert_cmphex(t1 - t0, <, 12000000);
    g_assert_cmphex(target(g, 4), <, 12000000);
    gpu_stop(g);
}

/*
 * MI_PREDICATE compares SRC0 and SRC1 into MI_PREDICATE_RESULT; a
 * predicated MI_BATCH_BUFFER_START runs as MI_PREDICATE_RESULT_1 says
 * (i915's and IGT's way: LRR the result there).
 */
static void predicate_run(uint32_t src1, bool taken)
{
    Gpu *g = gpu_start();
    const uint32_t ring[] = {
        MI_LRI(4), PRED_SRC0, 5, PRED_SRC0 + 4, 1, PRED_SRC1, src1,
        PRED_SRC1 + 4, 1,
        MI_PREDICATE | 2 << 6 | 0 << 3 | 2,     /* LOAD, SET, SRCS_EQUAL */
        MI_SRM_GGTT, PRED_RESULT, GM_TARGET + 4, 0,
        MI_LRR, PRED_RESULT, PRED_RESULT_1,
        MI_BB_START_PRED, GM_BATCH, 0,
        MI_SDI_GGTT, GM_TARGET + 8, 0, 0xa11,   /* runs either way */
    };
    const uint32_t batch[] = {
        MI_SDI_GGTT, GM_TARGET, 0, 0x600d,
        MI_BB_END,
    };

    qtest_memset(g->qts, RAM(GM_TARGET), 0xee, 0x10);
    rcs_run(g, ring, ARRAY_SIZE(ring), batch, ARRAY_SIZE(batch));
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_cmphex(target(g, 0), ==, taken ? 0x600d : 0xeeeeeeee);
    g_assert_cmphex(target(g, 1), ==, taken);
    g_assert_cmphex(target(g, 2), ==, 0xa11);
    gpu_stop(g);
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
    Gpu *g = gpu_start();
    const uint32_t ring[] = {
        MI_LRI(1), PRED_RESULT_1, 0,
        MI_BB_START_GGTT, GM_BATCH, 0,
    };
    const uint32_t batch[] = {
        MI_BB_START_PRED, GM_BATCH + 0x100, 0,  /* off: falls through */
        MI_SDI_GGTT, GM_TARGET, 0, 0x1,
        MI_LRI(1), PRED_RESULT_1, 1,
        MI_BB_START_PRED, GM_BATCH + 0x100, 0,  /* on: jumps */
        MI_SDI_GGTT, GM_TARGET + 4, 0, 0xbad,
        MI_BB_END,
    };
    const uint32_t chained[] = {
        MI_SDI_GGTT, GM_TARGET + 8, 0, 0x3,
        MI_BB_END,
    };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(chained); i++) {
        qtest_writel(g->qts, RAM(GM_BATCH) + 0x100 + i * 4, chained[i]);
    }
    rcs_run(g, ring, ARRAY_SIZE(ring), batch, ARRAY_SIZE(batch));
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 1);
    g_assert_cmphex(target(g, 0), ==, 0x1);
    g_assert_cmphex(target(g, 1), ==, 0);
    g_assert_cmphex(target(g, 2), ==, 0x3);
    gpu_stop(g);
}

/*
 * MI_CONDITIONAL_BATCH_BUFFER_END is one of GVT-g's forbidden commands:
 * the auditor refuses it before the software GPU (which would execute
 * it) ever sees it.
 */
static void test_cond_bbe_refused(void)
{
    const uint32_t bad[] = { MI_COND_BBE_GGTT, 0, GM_TARGET, 0 };

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
        Gpu *g = gpu_start();
        /* memory 5: ends when compared with 10, goes on with 3 */
        const uint32_t batch[] = {
            0x36u << 23 | 1u << 21 | 2, round ? 3 : 10, (uint32_t)sem,
            sem >> 32,
            MI_SDI_PPGTT, (uint32_t)out, out >> 32, 0xc0ffee,
            MI_BB_END,
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
        g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET)), ==, 0x600d);
        gpu_stop(g);
    }
}

/*
 * Stopping the VM quiesces the GPU: a workload already handed to it (an
 * endless batch the watchdog ends) is finished and reported by the time
 * 'stop' returns, so a migration right after it sees nothing in flight.
 */
static void test_stop_drains(void)
{
    Gpu *g = gpu_start();
    const uint32_t ring[] = {
        MI_BB_START_GGTT, GM_BATCH, 0, MI_NOOP,
    };
    const uint32_t batch[] = { MI_BB_START_GGTT, GM_BATCH, 0 };
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(batch); i++) {
        qtest_writel(g->qts, RAM(GM_BATCH) + i * 4, batch[i]);
    }
    put_context(g, ring, ARRAY_SIZE(ring));
    submit(g);
    /* Wait until the GPU has it (prepared and queued, or running) */
    while (rcs_stat(g, "submitted") < 1) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(100);
    }
    qtest_qmp_assert_success(g->qts, "{'execute': 'stop'}");
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 1);
    g_assert_false(rcs_stat(g, "active"));
    g_assert_cmpuint(qtest_readl(g->qts, RAM(GM_HWSP) + 0x1f * 4), ==, 1);
    gpu_stop(g);
}

/* Poll query-migrate on @qts until it reports "completed" */
static void migration_done(QTestState *qts)
{
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    bool done = false;

    while (!done) {
        QDict *rsp = qtest_qmp(qts, "{'execute': 'query-migrate'}");
        const char *st = qdict_get_try_str(qdict_get_qdict(rsp, "return"),
                                           "status");

        g_assert_cmpstr(st, !=, "failed");
        done = !g_strcmp0(st, "completed");
        qobject_unref(rsp);
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(done ? 0 : 20 * 1000);
    }
}

/*
 * Work submitted but not yet run when the VM stops migrates with it and
 * runs on the destination, once: the execlist state (active and pending
 * pairs) is in the migration stream, and nothing was in flight.
 */
static void test_migrate_queued(void)
{
    Gpu *g = gpu_start();
    Gpu *d = g_new0(Gpu, 1);
    g_autofree char *dir = g_dir_make_tmp("igvt-exec-mig-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "state", NULL);
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    const uint32_t ring[] = {
        MI_SDI_GGTT, GM_TARGET, 0, 0x1ee7,
        MI_SDI_GGTT, GM_TARGET + 4, 0, 0x2ee7,
    };
    uint32_t tail;

    qtest_qmp_assert_success(g->qts, "{'execute': 'stop'}");
    put_context(g, ring, 4);
    submit(g);
    tail = put_context(g, ring, ARRAY_SIZE(ring));
    submit(g);                                  /* pending: lite restore */
    qtest_qmp_assert_success(g->qts, "{'execute': 'migrate', "
                             "'arguments': {'uri': %s}}", uri);
    migration_done(g->qts);
    /* Nothing ran on the source */
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_TARGET)), ==, 0);
    g_assert_cmpint(rcs_stat(g, "submitted"), ==, 0);

    d->qts = qtest_init(ARGS " -incoming defer");
    d->bus = qpci_new_pc(d->qts, NULL);
    d->dev = qpci_device_find(d->bus, QPCI_DEVFN(2, 0));
    g_assert_nonnull(d->dev);
    d->mmio = g->mmio;                          /* BARs come back in place */
    qtest_qmp_assert_success(d->qts, "{'execute': 'migrate-incoming', "
                             "'arguments': {'uri': %s}}", uri);
    migration_done(d->qts);
    g_assert_true(rcs_stat(d, "active"));
    qtest_qmp_assert_success(d->qts, "{'execute': 'cont'}");

    /* idle-to-active (on the source), lite restore, complete + idle */
    g_assert_cmpuint(wait_csb(d, 2), ==, 2);
    g_assert_cmphex(qtest_readl(d->qts, RAM(GM_HWSP) + 0x12 * 4), ==,
                    0x8002);
    g_assert_cmphex(qtest_readl(d->qts, RAM(GM_HWSP) + 0x14 * 4), ==, 0x18);
    g_assert_cmphex(qtest_readl(d->qts, RAM(GM_TARGET)), ==, 0x1ee7);
    g_assert_cmphex(qtest_readl(d->qts, RAM(GM_TARGET) + 4), ==, 0x2ee7);
    g_assert_cmphex(rd(d, RCS + IGVT_RING_HEAD), ==, tail);
    g_assert_cmpint(rcs_stat(d, "completed"), ==, 2);
    g_assert_false(rcs_stat(d, "active"));

    unlink(file);
    rmdir(dir);
    gpu_stop(d);
    gpu_stop(g);
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

/* query-igvt: counter @key */
static int64_t igvt_counter(Gpu *g, const char *key)
{
    QDict *rsp = qtest_qmp(g->qts, "{'execute': 'query-igvt'}");
    QList *list = qdict_get_qlist(rsp, "return");
    QDict *info = qobject_to(QDict, qlist_peek(list));
    int64_t v = qdict_get_int(qdict_get_qdict(info, "counters"), key);

    qobject_unref(rsp);
    return v;
}

static void ggtt_set(Gpu *g, uint64_t gm, uint64_t pte)
{
    qpci_io_writeq(g->dev, g->mmio,
                   IGVT_GTT_OFFSET + gm / PAGE * IGVT_GTT_PTE_SIZE, pte);
}

/* A GGTT entry pointing at ROM is invalid: the GPU never writes ROM */
static void test_dma_rom(void)
{
    Gpu *g = gpu_start();
    const uint32_t ring[] = { MI_SDI_GGTT, GM_TARGET, 0, 0xdeadbeef };

    ggtt_set(g, GM_TARGET, ROM_BIOS | IGVT_PTE_PRESENT);
    g_assert_cmpint(igvt_counter(g, "ggtt-invalid-ptes"), ==, 1);
    rcs_run(g, ring, ARRAY_SIZE(ring), NULL, 0);
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 1);
    g_assert_cmpint(rcs_stat(g, "completed"), ==, 0);
    gpu_stop(g);
}

/*
 * The case of a deadlock: a one-row Y-tiled fill 64 KiB wide (4096
 * separate writes of 16 bytes) whose last tile is ROM, a GT reset while
 * the GPU is busy with the rest, then stop and cont.  The reset's drain
 * holds the BQL; when a write to ROM went through the DMA API it took
 * the BQL on the GPU thread and never got it.  Now nothing hangs, the
 * entry pointing at ROM is invalid and the engine is idle.
 */
#define BCS_GPR(n)          (BCS + 0x600 + 8 * (n))
#define GM_WIDE             0x100000        /* 2 MiB of Y tiles from here */
#define WIDE_PITCH          (64 * KiB)

static void test_dma_rom_drain(void)
{
    Gpu *g = gpu_start();
    const uint32_t ring[] = {
        MI_LRI(1), BCS_SWCTRL, (SWCTRL_SRC_Y | SWCTRL_DST_Y) << 16 |
        SWCTRL_DST_Y,
        MI_SDI_GGTT, GM_TARGET, 0, 0x57a27ed,       /* it runs */
        MI_BB_START_GGTT, GM_BATCH, 0,
    };
    const uint32_t batch[] = {
        BLT_CMD(OP_XY_COLOR, 7) | 3u << 20 | BLT_DST_TILED,
        3u << 24 | 0xf0u << 16 | WIDE_PITCH / 4,
        0, 1u << 16 | WIDE_PITCH / 4, GM_WIDE, 0, 0xdeadbeef,
        MI_BB_START_GGTT, GM_BATCH, 0,
    };
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    unsigned i;

    map_gm(g, GM_WIDE, GM_WIDE + 2 * MiB - PAGE);
    ggtt_set(g, GM_WIDE + 2 * MiB - PAGE, ROM_BIOS | IGVT_PTE_PRESENT);
    for (i = 0; i < ARRAY_SIZE(batch); i++) {
        qtest_writel(g->qts, RAM(GM_BATCH) + i * 4, batch[i]);
    }
    wr(g, BCS + 0x29c, 0x80008000);
    wr(g, BCS + 0x80, GM_HWSP);
    wr(g, BCS + 0x3a0, 0xffff0000 | 5 << 8 | 5);
    put_context(g, ring, ARRAY_SIZE(ring));
    submit_to(g, BCS);
    /* Once the GPU runs it, and is busy with the band's writes */
    while (target(g, 0) != 0x57a27ed) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(100);
    }
    g_usleep(5 * 1000);
    wr(g, A_GDRST, 1);                              /* full GT reset */
    qtest_qmp_assert_success(g->qts, "{'execute': 'stop'}");
    qtest_qmp_assert_success(g->qts, "{'execute': 'cont'}");
    g_assert_cmpint(engine_stat(g, "bcs", "completed"), ==, 0);
    gpu_stop(g);
}

/* Open or close q35's SMRAM window, which lays RAM over the VGA window */
static void smram_open(Gpu *g, bool open)
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
    Gpu *g = gpu_start();
    const uint32_t ring[] = { MI_SDI_GGTT, GM_TARGET, 0, 0xdeadbeef };
    QPCIBar aperture = qpci_iomap(g->dev, IGVT_BAR_GMADR, NULL);
    uint32_t before;

    smram_open(g, true);
    qtest_writel(g->qts, VGA_WINDOW, 0x5a5a5a5a);
    ggtt_set(g, GM_TARGET, VGA_WINDOW | IGVT_PTE_PRESENT);
    g_assert_cmpint(igvt_counter(g, "ggtt-invalid-ptes"), ==, 0);
    smram_open(g, false);
    before = igvt_counter(g, "aperture-faults");

    qpci_io_writel(g->dev, aperture, GM_TARGET, 0x12345678);
    g_assert_cmphex(qpci_io_readl(g->dev, aperture, GM_TARGET), ==, 0);
    g_assert_cmpint(igvt_counter(g, "aperture-faults"), ==, before + 2);
    rcs_run(g, ring, ARRAY_SIZE(ring), NULL, 0);
    g_assert_cmpint(rcs_stat(g, "hung"), ==, 1);

    /* The RAM under the window is untouched */
    smram_open(g, true);
    g_assert_cmphex(qtest_readl(g->qts, VGA_WINDOW), ==, 0x5a5a5a5a);
    gpu_stop(g);
}

/*
 * The watchdog charges what a command really costs.  A batch chains to
 * itself, each round filling one row 64 KiB wide of a Y-tiled surface
 * (2 MiB of tiles for the band, 4096 separate 16-byte runs) and counting
 * the rounds in memory with MI_MATH.  With the time bound off, the work
 * budget must stop it after some tens of rounds, not after more than ten
 * thousand as when a command cost one unit whatever it did.
 */
static void test_watchdog_charges_work(void)
{
    Gpu *g = gpu_start_args(",x-watchdog-ms=0");
    const uint32_t ring[] = {
        MI_LRI(3), BCS_SWCTRL, (SWCTRL_SRC_Y | SWCTRL_DST_Y) << 16 |
        SWCTRL_DST_Y, BCS_GPR(1), 1, BCS_GPR(0), 0,
        MI_BB_START_GGTT, GM_BATCH, 0,
    };
    const uint32_t batch[] = {
        BLT_CMD(OP_XY_COLOR, 7) | 3u << 20 | BLT_DST_TILED,
        3u << 24 | 0xf0u << 16 | WIDE_PITCH / 4,
        0, 1u << 16 | WIDE_PITCH / 4, GM_WIDE, 0, 0x11223344,
        MI_MATH(4), ALU_LOAD(ALU_SRCA, 0), ALU_LOAD(ALU_SRCB, 1), ALU_ADD,
        ALU_STORE(0, ALU_ACCU),
        MI_SRM_GGTT, BCS_GPR(0), GM_TARGET, 0,
        MI_BB_START_GGTT, GM_BATCH, 0,
    };
    g_autofree char *reason = NULL;
    uint32_t rounds;
    unsigned i;

    map_gm(g, GM_WIDE, GM_WIDE + 2 * MiB);
    for (i = 0; i < ARRAY_SIZE(batch); i++) {
        qtest_writel(g->qts, RAM(GM_BATCH) + i * 4, batch[i]);
    }
    bcs_run(g, ring, ARRAY_SIZE(ring));
    g_assert_cmpint(engine_stat(g, "bcs", "hung"), ==, 1);
    g_assert_cmpstr(reason = engine_str(g, "bcs", "last-hang"), ==,
                    "watchdog: the workload does too much work");
    rounds = target(g, 0);
    g_test_message("%u rounds before the watchdog", rounds);
    g_assert_cmpuint(rounds, >=, 1);
    g_assert_cmpuint(rounds, <, 256);
    /* The fill did happen: the first row of the first tile */
    g_assert_cmphex(qtest_readl(g->qts, RAM(GM_WIDE)), ==, 0x11223344);
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

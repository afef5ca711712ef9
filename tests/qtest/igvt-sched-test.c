/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest of igvt's GPU scheduler with two vGPUs on one software backend:
 * a vGPU whose batches never end does not stall the other, and busy
 * vGPUs share GPU time by their weights.
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "libqos/pci-pc.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "hw/display/igvt.h"
#include "hw/display/igvt/regs.h"

#define PAGE            0x1000
#define SLICE_ARGS      "aperture-size=64M,low-gm-size=32M,high-gm-size=64M"

/* Offsets in each vGPU's aperture slice, and in its own guest RAM */
#define OFF_HWSP        0x1000
#define OFF_LRCA        0x2000          /* two pages: PPHWSP, state */
#define OFF_RING        0x4000
#define OFF_TARGET      0x5000
#define OFF_BATCH       0x6000
#define OFF_END         0x8000

#define RCS             IGVT_RCS_BASE
#define MI_NOOP         0x00000000u
#define MI_SDI_GGTT     (0x10000000u | (1u << 22) | 2)
#define MI_BB_START     (0x18800000u | 1)

typedef struct Vgpu {
    QTestState *qts;
    QPCIDevice *dev;
    QPCIBar mmio;
    uint64_t gm;                /* start of its aperture slice */
    uint64_t ram;               /* guest RAM behind it */
} Vgpu;

static void wr(Vgpu *v, uint32_t off, uint32_t val)
{
    qpci_io_writel(v->dev, v->mmio, off, val);
}

/* Take the vGPU at @slot as a GVT-g aware driver would */
static void vgpu_init(Vgpu *v, QTestState *qts, QPCIBus *bus, int slot,
                      uint64_t ram)
{
    uint64_t off;

    v->qts = qts;
    v->ram = ram;
    v->dev = qpci_device_find(bus, QPCI_DEVFN(slot, 0));
    g_assert_nonnull(v->dev);
    qpci_device_enable(v->dev);
    v->mmio = qpci_iomap(v->dev, IGVT_BAR_GTTMMADR, NULL);
    g_assert_cmphex(qpci_io_readq(v->dev, v->mmio, IGVT_PVINFO_MAGIC_OFF),
                    ==, IGVT_PVINFO_MAGIC);
    v->gm = qpci_io_readl(v->dev, v->mmio, IGVT_PVINFO_APERTURE_BASE);
    for (off = OFF_HWSP; off < OFF_END; off += PAGE) {
        qpci_io_writeq(v->dev, v->mmio, IGVT_GTT_OFFSET +
                       (v->gm + off) / PAGE * IGVT_GTT_PTE_SIZE,
                       (ram + off) | IGVT_PTE_PRESENT);
    }
    wr(v, RCS + 0x29c, 0x80008000);                 /* execlists on */
    wr(v, RCS + 0x80, v->gm + OFF_HWSP);            /* HWS_PGA */
    wr(v, RCS + 0x3a0, 0xffff0000 | 5 << 8 | 5);    /* CSB pointers */
    qtest_memset(qts, ram + OFF_HWSP, 0xff, PAGE);
}

/* A context whose ring holds @cmds (an even number), head at 0 */
static void vgpu_context(Vgpu *v, const uint32_t *cmds, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        qtest_writel(v->qts, v->ram + OFF_RING + i * 4, cmds[i]);
    }
    qtest_memset(v->qts, v->ram + OFF_LRCA + PAGE, 0, 0x100);
    qtest_writel(v->qts, v->ram + OFF_LRCA + PAGE + 0x07 * 4, n * 4);
    qtest_writel(v->qts, v->ram + OFF_LRCA + PAGE + 0x09 * 4,
                 v->gm + OFF_RING);
    qtest_writel(v->qts, v->ram + OFF_LRCA + PAGE + 0x0b * 4, 1);
}

/* A batch that jumps to itself: only the watchdog ends it */
static void vgpu_endless(Vgpu *v)
{
    const uint32_t ring[] = { MI_BB_START, v->gm + OFF_BATCH, 0, MI_NOOP };
    const uint32_t batch[] = { MI_BB_START, v->gm + OFF_BATCH, 0 };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(batch); i++) {
        qtest_writel(v->qts, v->ram + OFF_BATCH + i * 4, batch[i]);
    }
    vgpu_context(v, ring, ARRAY_SIZE(ring));
}

static void vgpu_submit(Vgpu *v)
{
    /* The ring runs again from the start */
    qtest_writel(v->qts, v->ram + OFF_LRCA + PAGE + 0x05 * 4, 0);
    wr(v, RCS + IGVT_RING_ELSP, 0);
    wr(v, RCS + IGVT_RING_ELSP, 0);
    wr(v, RCS + IGVT_RING_ELSP, 0x42);
    wr(v, RCS + IGVT_RING_ELSP, (v->gm + OFF_LRCA) | 1);
}

/* The HWSP's CSB write pointer */
static uint32_t vgpu_csb(Vgpu *v)
{
    return qtest_readl(v->qts, v->ram + OFF_HWSP + 0x1f * 4);
}

/* Member @key of vGPU @idx's query-igvt-engines entry (of rcs if @rcs) */
static int64_t engines_stat(QTestState *qts, const char *id, bool rcs,
                            const char *key)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'query-igvt-engines'}");
    QListEntry *e;
    int64_t v = -1;

    QLIST_FOREACH_ENTRY(qdict_get_qlist(rsp, "return"), e) {
        QDict *vgpu = qobject_to(QDict, qlist_entry_obj(e));
        QDict *d = vgpu;

        if (!g_str_has_suffix(qdict_get_str(vgpu, "qom-path"), id)) {
            continue;
        }
        if (rcs) {
            d = qobject_to(QDict,
                           qlist_peek(qdict_get_qlist(vgpu, "engines")));
        }
        v = qdict_get_int(d, key);
    }
    qobject_unref(rsp);
    return v;
}

static QTestState *start_two(unsigned weight_a, unsigned weight_b,
                             QPCIBus **bus, Vgpu *a, Vgpu *b)
{
    QTestState *qts = qtest_initf("-machine q35 -nodefaults -vga none "
                                  "-device igvt-vga,id=gpua,addr=02.0,"
                                  SLICE_ARGS ",weight=%u "
                                  "-device igvt-vga,id=gpub,addr=03.0,"
                                  SLICE_ARGS ",weight=%u",
                                  weight_a, weight_b);

    *bus = qpci_new_pc(qts, NULL);
    vgpu_init(a, qts, *bus, 2, 0x300000);
    vgpu_init(b, qts, *bus, 3, 0x400000);
    g_assert_cmphex(a->gm, !=, b->gm);
    return qts;
}

static void stop_two(QTestState *qts, QPCIBus *bus, Vgpu *a, Vgpu *b)
{
    g_free(a->dev);
    g_free(b->dev);
    qpci_free_pc(bus);
    qtest_quit(qts);
}

/*
 * vGPU A keeps the GPU busy with batches that never end; vGPU B's store
 * still runs, and the watchdog reports A's batches as hangs.
 */
static void test_hog(void)
{
    const uint32_t store[] = { 0, 0, 0, 0x600d };
    gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    uint32_t ring[4];
    QPCIBus *bus;
    Vgpu a, b;
    QTestState *qts = start_two(16, 1, &bus, &a, &b);
    unsigned a_runs = 0;

    vgpu_endless(&a);
    memcpy(ring, store, sizeof(ring));
    ring[0] = MI_SDI_GGTT;
    ring[1] = b.gm + OFF_TARGET;
    vgpu_context(&b, ring, ARRAY_SIZE(ring));

    vgpu_submit(&a);
    vgpu_submit(&b);
    /* B's store completes while A resubmits its endless batch */
    while (qtest_readl(qts, b.ram + OFF_TARGET) != 0x600d &&
           g_get_monotonic_time() < deadline) {
        if (vgpu_csb(&a) == 1) {
            qtest_memset(qts, a.ram + OFF_HWSP, 0xff, PAGE);
            wr(&a, RCS + 0x3a0, 0xffff0000 | 5 << 8 | 5);
            vgpu_submit(&a);
            a_runs++;
        }
        g_usleep(100);
    }
    g_assert_cmphex(qtest_readl(qts, b.ram + OFF_TARGET), ==, 0x600d);
    while (vgpu_csb(&b) != 1 && g_get_monotonic_time() < deadline) {
        g_usleep(100);
    }
    g_assert_cmpuint(vgpu_csb(&b), ==, 1);
    g_assert_cmpint(engines_stat(qts, "gpub", true, "completed"), ==, 1);
    g_assert_cmpint(engines_stat(qts, "gpub", true, "hung"), ==, 0);
    /* A's first batch was stopped by the watchdog, not B's doing */
    while (engines_stat(qts, "gpua", true, "hung") < 1 &&
           g_get_monotonic_time() < deadline) {
        g_usleep(1000);
    }
    g_assert_cmpint(engines_stat(qts, "gpua", true, "hung"), >=, 1);
    g_assert_cmpint(engines_stat(qts, "gpua", true, "completed"), ==, 0);
    stop_two(qts, bus, &a, &b);
}

/*
 * Two vGPUs submitting the same endless batches again and again get GPU
 * time in proportion to their weights (8 and 2).
 */
static void test_weights(void)
{
    gint64 end = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;
    QPCIBus *bus;
    Vgpu a, b;
    QTestState *qts = start_two(8, 2, &bus, &a, &b);
    Vgpu *v[2] = { &a, &b };
    int64_t ta, tb;
    double ratio;
    int i;

    vgpu_endless(&a);
    vgpu_endless(&b);
    vgpu_submit(&a);
    vgpu_submit(&b);
    while (g_get_monotonic_time() < end) {
        for (i = 0; i < 2; i++) {
            if (vgpu_csb(v[i]) == 1) {
                qtest_memset(qts, v[i]->ram + OFF_HWSP, 0xff, PAGE);
                wr(v[i], RCS + 0x3a0, 0xffff0000 | 5 << 8 | 5);
                vgpu_submit(v[i]);
            }
        }
        g_usleep(50);
    }
    ta = engines_stat(qts, "gpua", false, "gpu-time-ns");
    tb = engines_stat(qts, "gpub", false, "gpu-time-ns");
    g_assert_cmpint(tb, >, 0);
    ratio = (double)ta / tb;
    g_test_message("GPU time: A %" PRId64 " ns, B %" PRId64 " ns, "
                   "ratio %.2f (weights 8:2)", ta, tb, ratio);
    /* Loose bounds: turns are whole workloads */
    g_assert_cmpfloat(ratio, >, 2.5);
    g_assert_cmpfloat(ratio, <, 6.0);
    g_assert_cmpint(engines_stat(qts, "gpua", false, "weight"), ==, 8);
    stop_two(qts, bus, &a, &b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/igvt/sched/hog", test_hog);
    qtest_add_func("/igvt/sched/weights", test_weights);
    return g_test_run();
}

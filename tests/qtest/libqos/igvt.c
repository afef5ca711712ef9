/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos driver for igvt-vga (see igvt.h)
 */

#include "qemu/osdep.h"
#include "../libqtest.h"
#include "pci-pc.h"
#include "igvt.h"
#include "qobject/qbool.h"
#include "qobject/qlist.h"
#include "qobject/qnum.h"
#include "qobject/qstring.h"
#include "hw/pci/pci_regs.h"

/*
 * The fixture
 */

QIgvt *qigvt_attach(QTestState *qts, QPCIBus *bus, int slot, unsigned flags)
{
    QIgvt *g = g_new0(QIgvt, 1);

    g->qts = qts;
    g->bus = bus;
    g->dev = qpci_device_find(bus, QPCI_DEVFN(slot, 0));
    g_assert_nonnull(g->dev);
    g->slot = slot;
    g_snprintf(g->pci_addr, sizeof(g->pci_addr), "00:%02x.0", slot);
    if (flags & QIGVT_FIND_ONLY) {
        return g;
    }
    qpci_device_enable(g->dev);
    g->mmio = qpci_iomap(g->dev, IGVT_BAR_GTTMMADR, NULL);
    if (flags & QIGVT_APERTURE) {
        g->aperture = qpci_iomap(g->dev, IGVT_BAR_GMADR, NULL);
    }
    if (flags & QIGVT_PV) {
        qigvt_pv_init(g);
    }
    return g;
}

QIgvt *qigvt_startf(unsigned flags, const char *fmt, ...)
{
    QTestState *qts;
    QIgvt *g;
    va_list ap;

    va_start(ap, fmt);
    qts = qtest_vinitf(fmt, ap);
    va_end(ap);
    g = qigvt_attach(qts, qpci_new_pc(qts, NULL), 2, flags);
    g->owner = true;
    return g;
}

void qigvt_free(QIgvt *g)
{
    g_free(g->dev);
    g_free(g->qom_path);
    if (g->owner) {
        qpci_free_pc(g->bus);
        qtest_quit(g->qts);
    }
    g_free(g);
}

void qigvt_pv_init(QIgvt *g)
{
    g_assert_cmphex(qigvt_readq(g, IGVT_PVINFO_MAGIC_OFF), ==,
                    IGVT_PVINFO_MAGIC);
    g->gm = qigvt_readl(g, IGVT_PVINFO_APERTURE_BASE);
    g->hidden_gm = qigvt_readl(g, IGVT_PVINFO_HIDDEN_BASE);
}

void qigvt_remap(QIgvt *g)
{
    qpci_config_writel(g->dev, PCI_BASE_ADDRESS_0, g->mmio.addr);
    qpci_config_writel(g->dev, PCI_BASE_ADDRESS_1, g->mmio.addr >> 32);
    qpci_config_writel(g->dev, PCI_BASE_ADDRESS_2, g->aperture.addr);
    qpci_config_writel(g->dev, PCI_BASE_ADDRESS_3, g->aperture.addr >> 32);
    qpci_device_enable(g->dev);
}

void qigvt_reset(QIgvt *g)
{
    qtest_system_reset(g->qts);
    qigvt_remap(g);
}

/*
 * Register and GGTT access
 */

uint8_t qigvt_readb(QIgvt *g, uint64_t off)
{
    return qpci_io_readb(g->dev, g->mmio, off);
}

uint16_t qigvt_readw(QIgvt *g, uint64_t off)
{
    return qpci_io_readw(g->dev, g->mmio, off);
}

uint32_t qigvt_readl(QIgvt *g, uint64_t off)
{
    return qpci_io_readl(g->dev, g->mmio, off);
}

uint64_t qigvt_readq(QIgvt *g, uint64_t off)
{
    return qpci_io_readq(g->dev, g->mmio, off);
}

void qigvt_writeb(QIgvt *g, uint64_t off, uint8_t v)
{
    qpci_io_writeb(g->dev, g->mmio, off, v);
}

void qigvt_writew(QIgvt *g, uint64_t off, uint16_t v)
{
    qpci_io_writew(g->dev, g->mmio, off, v);
}

void qigvt_writel(QIgvt *g, uint64_t off, uint32_t v)
{
    qpci_io_writel(g->dev, g->mmio, off, v);
}

void qigvt_writeq(QIgvt *g, uint64_t off, uint64_t v)
{
    qpci_io_writeq(g->dev, g->mmio, off, v);
}

static uint64_t bar_read(QPCIDevice *dev, QPCIBar bar, uint64_t off,
                         unsigned size)
{
    switch (size) {
    case 1:
        return qpci_io_readb(dev, bar, off);
    case 2:
        return qpci_io_readw(dev, bar, off);
    case 4:
        return qpci_io_readl(dev, bar, off);
    default:
        g_assert_cmpuint(size, ==, 8);
        return qpci_io_readq(dev, bar, off);
    }
}

static void bar_write(QPCIDevice *dev, QPCIBar bar, uint64_t off,
                      unsigned size, uint64_t v)
{
    switch (size) {
    case 1:
        qpci_io_writeb(dev, bar, off, v);
        break;
    case 2:
        qpci_io_writew(dev, bar, off, v);
        break;
    case 4:
        qpci_io_writel(dev, bar, off, v);
        break;
    default:
        g_assert_cmpuint(size, ==, 8);
        qpci_io_writeq(dev, bar, off, v);
        break;
    }
}

uint64_t qigvt_read(QIgvt *g, uint64_t off, unsigned size)
{
    return bar_read(g->dev, g->mmio, off, size);
}

void qigvt_write(QIgvt *g, uint64_t off, unsigned size, uint64_t v)
{
    bar_write(g->dev, g->mmio, off, size, v);
}

uint64_t qigvt_ap_read(QIgvt *g, uint64_t off, unsigned size)
{
    return bar_read(g->dev, g->aperture, off, size);
}

void qigvt_ap_write(QIgvt *g, uint64_t off, unsigned size, uint64_t v)
{
    bar_write(g->dev, g->aperture, off, size, v);
}

uint64_t qigvt_ggtt_off(uint64_t index)
{
    return IGVT_GTT_OFFSET + index * IGVT_GTT_PTE_SIZE;
}

uint64_t qigvt_ggtt_read(QIgvt *g, uint64_t index)
{
    return qigvt_readq(g, qigvt_ggtt_off(index));
}

void qigvt_ggtt_write(QIgvt *g, uint64_t index, uint64_t pte)
{
    qigvt_writeq(g, qigvt_ggtt_off(index), pte);
}

void qigvt_ggtt_map(QIgvt *g, uint64_t gm, uint64_t ram, uint64_t size)
{
    uint64_t off;

    for (off = 0; off < size; off += QIGVT_PAGE) {
        qigvt_ggtt_write(g, (gm + off) / QIGVT_PAGE,
                         (ram + off) | IGVT_PTE_PRESENT);
    }
}

/*
 * QMP
 */

/* The entry of @list (borrowed) whose member @key is @value: exactly one */
static QDict *find_entry(QList *list, const char *key, const char *value)
{
    QDict *found = NULL;
    QListEntry *e;

    g_assert_nonnull(list);
    QLIST_FOREACH_ENTRY(list, e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        g_assert_nonnull(d);
        if (!strcmp(qdict_get_str(d, key), value)) {
            g_assert_null(found);
            found = d;
        }
    }
    g_assert_nonnull(found);
    return found;
}

/* @command's entry whose member @key is @value (a new reference) */
static QDict *query_entry(QTestState *qts, const char *command,
                          const char *key, const char *value)
{
    QDict *resp = qtest_qmp(qts, "{'execute': %s}", command);
    QDict *found;

    g_assert(qdict_haskey(resp, "return"));
    found = find_entry(qdict_get_qlist(resp, "return"), key, value);
    qobject_ref(found);
    qobject_unref(resp);
    return found;
}

QDict *qigvt_query_at(QTestState *qts, const char *pci_addr)
{
    return query_entry(qts, "query-igvt", "pci-address", pci_addr);
}

QDict *qigvt_query(QIgvt *g)
{
    return qigvt_query_at(g->qts, g->pci_addr);
}

static const char *qom_path(QIgvt *g)
{
    if (!g->qom_path) {
        QDict *info = qigvt_query(g);

        g->qom_path = g_strdup(qdict_get_str(info, "qom-path"));
        qobject_unref(info);
    }
    return g->qom_path;
}

int64_t qigvt_counter(QIgvt *g, const char *name)
{
    QDict *info = qigvt_query(g);
    int64_t v = qdict_get_int(qdict_get_qdict(info, "counters"), name);

    qobject_unref(info);
    return v;
}

char *qigvt_failsafe_reason(QIgvt *g)
{
    QDict *info = qigvt_query(g);
    char *reason = NULL;

    if (qdict_get_bool(info, "failsafe")) {
        reason = g_strdup(qdict_get_str(info, "failsafe-reason"));
    }
    qobject_unref(info);
    return reason;
}

static QDict *query_engines(QIgvt *g)
{
    return query_entry(g->qts, "query-igvt-engines", "qom-path",
                       qom_path(g));
}

int64_t qigvt_engines_member(QIgvt *g, const char *key)
{
    QDict *info = query_engines(g);
    int64_t v = qdict_get_int(info, key);

    qobject_unref(info);
    return v;
}

/* Member @key of engine @name's status in @info (borrowed), or NULL */
static QObject *engine_member(QDict *info, const char *name, const char *key)
{
    QDict *engine = find_entry(qdict_get_qlist(info, "engines"), "name",
                               name);

    return qdict_get(engine, key);
}

int64_t qigvt_engine_stat(QIgvt *g, const char *name, const char *key)
{
    QDict *info = query_engines(g);
    QObject *obj = engine_member(info, name, key);
    int64_t v = -1;

    if (obj && qobject_type(obj) == QTYPE_QBOOL) {
        v = qbool_get_bool(qobject_to(QBool, obj));
    } else if (obj) {
        g_assert(qnum_get_try_int(qobject_to(QNum, obj), &v));
    }
    qobject_unref(info);
    return v;
}

char *qigvt_engine_stat_str(QIgvt *g, const char *name, const char *key)
{
    QDict *info = query_engines(g);
    QObject *obj = engine_member(info, name, key);
    char *v = obj ? g_strdup(qstring_get_str(qobject_to(QString, obj))) :
                    NULL;

    qobject_unref(info);
    return v;
}

QDict *qigvt_query_display(QIgvt *g)
{
    return query_entry(g->qts, "query-igvt-display", "qom-path",
                       qom_path(g));
}

void qigvt_assert_running(QTestState *qts)
{
    QDict *ret = qtest_qmp_assert_success_ref(qts,
                                              "{'execute': 'query-status'}");

    g_assert_cmpstr(qdict_get_str(ret, "status"), ==, "running");
    qobject_unref(ret);
}

/*
 * VGA
 */

/* The VBE register ports (Bochs' dispi interface, as QEMU's VGA has it) */
#define VBE_PORT_INDEX      0x1ce
#define VBE_PORT_DATA       0x1cf

void qigvt_vbe_write(QTestState *qts, uint16_t index, uint16_t val)
{
    qtest_outw(qts, VBE_PORT_INDEX, index);
    qtest_outw(qts, VBE_PORT_DATA, val);
}

uint16_t qigvt_vbe_read(QTestState *qts, uint16_t index)
{
    qtest_outw(qts, VBE_PORT_INDEX, index);
    return qtest_inw(qts, VBE_PORT_DATA);
}

uint64_t qigvt_vbe_enable(QTestState *qts)
{
    g_assert_cmphex(qigvt_vbe_read(qts, VBE_DISPI_INDEX_ID), >=,
                    VBE_DISPI_ID0);
    qigvt_vbe_write(qts, VBE_DISPI_INDEX_XRES, 1024);
    qigvt_vbe_write(qts, VBE_DISPI_INDEX_YRES, 768);
    qigvt_vbe_write(qts, VBE_DISPI_INDEX_BPP, 32);
    qigvt_vbe_write(qts, VBE_DISPI_INDEX_ENABLE,
                    VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
    g_assert_cmphex(qigvt_vbe_read(qts, VBE_DISPI_INDEX_ENABLE) &
                    VBE_DISPI_ENABLED, ==, VBE_DISPI_ENABLED);
    return (uint64_t)qigvt_vbe_read(qts, VBE_DISPI_INDEX_VIDEO_MEMORY_64K) *
           64 * KiB;
}

/*
 * Migration
 */

/* Wait until @qts reports migration status "completed" (30 s at most) */
static void wait_migration(QTestState *qts)
{
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

    for (;;) {
        QDict *rsp = qtest_qmp(qts, "{'execute': 'query-migrate'}");
        const char *st = qdict_get_try_str(qdict_get_qdict(rsp, "return"),
                                           "status");
        bool done = !g_strcmp0(st, "completed");

        g_assert_cmpstr(st, !=, "failed");
        qobject_unref(rsp);
        if (done) {
            return;
        }
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(20 * 1000);
    }
}

QIgvt *qigvt_migrate(QIgvt *src, const char *args)
{
    g_autofree char *dir = g_dir_make_tmp("igvt-migration-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "state", NULL);
    g_autofree char *uri = g_strdup_printf("file:%s", file);
    QTestState *qts;
    QIgvt *dst;

    g_assert_nonnull(dir);
    qtest_qmp_assert_success(src->qts, "{'execute': 'stop'}");
    qtest_qmp_assert_success(src->qts, "{'execute': 'migrate', "
                             "'arguments': {'uri': %s}}", uri);
    wait_migration(src->qts);

    qts = qtest_initf("%s -incoming defer", args);
    dst = qigvt_attach(qts, qpci_new_pc(qts, NULL), src->slot,
                       QIGVT_FIND_ONLY);
    dst->owner = true;
    /* The BARs come back where the source had them */
    dst->mmio = src->mmio;
    dst->aperture = src->aperture;
    dst->gm = src->gm;
    dst->hidden_gm = src->hidden_gm;
    dst->ram = src->ram;
    qtest_qmp_assert_success(qts, "{'execute': 'migrate-incoming', "
                             "'arguments': {'uri': %s}}", uri);
    wait_migration(qts);
    unlink(file);
    rmdir(dir);
    return dst;
}

/*
 * Execution
 */

void qigvt_exec_init(QIgvt *g, uint64_t ram)
{
    g->ram = ram;
    qigvt_ggtt_map(g, g->gm + QIGVT_HWSP, ram + QIGVT_HWSP,
                   QIGVT_EXEC_END - QIGVT_HWSP);
    qigvt_engine_init(g, IGVT_RCS_BASE);
}

void qigvt_engine_init(QIgvt *g, uint32_t engine)
{
    qigvt_writel(g, engine + IGVT_RING_MODE,
                 IGVT_RING_MODE_RUN_LIST_ENABLE << 16 |
                 IGVT_RING_MODE_RUN_LIST_ENABLE);
    qigvt_writel(g, engine + IGVT_RING_HWS_PGA, g->gm + QIGVT_HWSP);
    qigvt_csb_reset(g, engine);
}

void qigvt_csb_reset(QIgvt *g, uint32_t engine)
{
    /* Both pointers (masked) at the last entry: nothing written yet */
    qigvt_writel(g, engine + IGVT_RING_CSB_PTR,
                 0xffff0000 | (IGVT_CSB_ENTRIES - 1) << 8 |
                 (IGVT_CSB_ENTRIES - 1));
    qtest_memset(g->qts, g->ram + QIGVT_HWSP, 0xff, QIGVT_PAGE);
}

uint32_t qigvt_put_context_at(QIgvt *g, uint64_t lrca, uint64_t ring,
                              const uint32_t *cmds, unsigned n)
{
    uint32_t state[IGVT_CTX_STATE_DWORDS] = { 0 };
    unsigned i;

    g_assert_cmpuint(n % 2, ==, 0);
    for (i = 0; i < n; i++) {
        qtest_writel(g->qts, g->ram + ring + i * 4, cmds[i]);
    }
    state[IGVT_CTX_RING_HEAD] = 0;
    state[IGVT_CTX_RING_TAIL] = n * 4;
    state[IGVT_CTX_RING_START] = g->gm + ring;
    state[IGVT_CTX_RING_CTL] = IGVT_RING_CTL_ENABLE;      /* one page */
    for (i = 0; i < ARRAY_SIZE(state); i++) {
        qigvt_ctx_write_at(g, lrca, i, state[i]);
    }
    return n * 4;
}

uint32_t qigvt_put_context(QIgvt *g, const uint32_t *cmds, unsigned n)
{
    return qigvt_put_context_at(g, QIGVT_LRCA, QIGVT_RING, cmds, n);
}

static uint64_t ctx_dword(QIgvt *g, uint64_t lrca, unsigned dw)
{
    return g->ram + lrca + IGVT_CTX_STATE_OFFSET + dw * 4;
}

void qigvt_ctx_write_at(QIgvt *g, uint64_t lrca, unsigned dw, uint32_t v)
{
    qtest_writel(g->qts, ctx_dword(g, lrca, dw), v);
}

uint32_t qigvt_ctx_read_at(QIgvt *g, uint64_t lrca, unsigned dw)
{
    return qtest_readl(g->qts, ctx_dword(g, lrca, dw));
}

void qigvt_ctx_write(QIgvt *g, unsigned dw, uint32_t v)
{
    qigvt_ctx_write_at(g, QIGVT_LRCA, dw, v);
}

uint32_t qigvt_ctx_read(QIgvt *g, unsigned dw)
{
    return qigvt_ctx_read_at(g, QIGVT_LRCA, dw);
}

void qigvt_submit_at(QIgvt *g, uint32_t engine, uint64_t lrca, uint32_t id)
{
    /* Element 1 (high, low dword) none, then element 0 */
    qigvt_writel(g, engine + IGVT_RING_ELSP, 0);
    qigvt_writel(g, engine + IGVT_RING_ELSP, 0);
    qigvt_writel(g, engine + IGVT_RING_ELSP, id);
    qigvt_writel(g, engine + IGVT_RING_ELSP,
                 (g->gm + lrca) | IGVT_CTX_VALID);
}

void qigvt_submit(QIgvt *g, uint32_t engine, uint32_t id)
{
    qigvt_submit_at(g, engine, QIGVT_LRCA, id);
}

uint32_t qigvt_hwsp(QIgvt *g, unsigned dw)
{
    return qtest_readl(g->qts, g->ram + QIGVT_HWSP + dw * 4);
}

uint32_t qigvt_wait_csb(QIgvt *g, uint32_t want)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    uint32_t wp;

    for (;;) {
        wp = qigvt_hwsp(g, IGVT_HWSP_CSB_WRITE);
        if (wp == want || g_get_monotonic_time() > deadline) {
            return wp;
        }
        g_usleep(100);
    }
}

bool qigvt_wait_stall(QIgvt *g, const char *name)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    while (!qigvt_engine_stat(g, name, "stalled")) {
        if (g_get_monotonic_time() > deadline) {
            return false;
        }
        g_usleep(1000);
    }
    return true;
}

uint32_t qigvt_target(QIgvt *g, unsigned i)
{
    return qtest_readl(g->qts, g->ram + QIGVT_TARGET + i * 4);
}

/*
 * Surfaces
 */

uint64_t qigvt_tiled_offset(QIgvtTiling t, uint64_t pitch, uint64_t xb,
                            uint64_t y)
{
    uint64_t tile;

    switch (t) {
    case QIGVT_TILE_X:
        tile = y / 8 * (pitch / 512) + xb / 512;
        return tile * 4096 + y % 8 * 512 + xb % 512;
    case QIGVT_TILE_Y:
        tile = y / 32 * (pitch / 128) + xb / 128;
        return tile * 4096 + xb % 128 / 16 * (16 * 32) + y % 32 * 16 +
               xb % 16;
    default:
        return y * pitch + xb;
    }
}

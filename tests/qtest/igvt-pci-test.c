/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QTest for igvt-vga, the mediated Intel Gen9 vGPU, from the guest's
 * side: PCI identity and config space, the OpRegion, the PVINFO page,
 * register semantics, the GGTT, the aperture, the VBE framebuffer,
 * query-igvt and "info igvt", refused configurations, hostile accesses
 * and failsafe mode.
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "libqos/igvt.h"
#include "libqos/pci-pc.h"
#include "libqos/fw_cfg.h"
#include "qobject/qlist.h"
#include "qobject/qstring.h"
#include "hw/pci/pci_regs.h"
#include "hw/display/igvt/opregion.h"

#define PAGE                QIGVT_PAGE

/* Guest RAM pages the tests use (q35 has 128 MiB by default) */
#define RAM_PAGE1           0x100000
#define RAM_PAGE2           (RAM_PAGE1 + PAGE)
#define RAM_PAGE3           (RAM_PAGE2 + PAGE)
#define RAM_OPREGION        0x200000

/* An offset of BAR0 that igvt does not track */
#define UNTRACKED           0x10000

/* The usual vGPU, both BARs mapped; a GVT-g aware driver reads PVINFO */
static QIgvt *igvt_start(void)
{
    return qigvt_startf(QIGVT_APERTURE, "%s", QIGVT_ARGS);
}

static QIgvt *igvt_start_pv(void)
{
    return qigvt_startf(QIGVT_APERTURE | QIGVT_PV, "%s", QIGVT_ARGS);
}

static int64_t query_member(QIgvt *g, const char *dict, const char *key)
{
    QDict *info = qigvt_query(g);
    int64_t v = qdict_get_int(qdict_get_qdict(info, dict), key);

    qobject_unref(info);
    return v;
}

static uint64_t slice(QIgvt *g, const char *name)
{
    return query_member(g, "slices", name);
}

static bool query_bool(QIgvt *g, const char *key)
{
    QDict *info = qigvt_query(g);
    bool v = qdict_get_bool(info, key);

    qobject_unref(info);
    return v;
}

/* Assert the failsafe state: @reason NULL means not in failsafe */
static void assert_failsafe(QIgvt *g, const char *reason)
{
    QDict *info = qigvt_query(g);

    g_assert_cmpint(qdict_get_bool(info, "failsafe"), ==, reason != NULL);
    g_assert_cmpstr(qdict_get_try_str(info, "failsafe-reason"), ==, reason);
    qobject_unref(info);
}

/* Fill a guest RAM page with a pattern derived from @seed */
static void fill_page(QTestState *qts, uint64_t addr, uint8_t seed)
{
    uint8_t buf[PAGE];
    unsigned i;

    for (i = 0; i < PAGE; i++) {
        buf[i] = seed + i * 13 + (i >> 8);
    }
    qtest_memwrite(qts, addr, buf, sizeof(buf));
}

static uint64_t page_pattern(uint8_t seed, unsigned off, unsigned size)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < size; i++) {
        unsigned o = off + i;

        v |= (uint64_t)(uint8_t)(seed + o * 13 + (o >> 8)) << (8 * i);
    }
    return v;
}

static uint64_t rand64(void)
{
    return (uint64_t)g_test_rand_int() << 32 | g_test_rand_int();
}

/*
 * Start QEMU with igvt's usual machine plus @args and check how it ends:
 * with @status, and with @err in its error output when not NULL.  QEMU
 * gets a QMP "quit" on stdin, so a configuration that is wrongly accepted
 * ends with status 0 instead of hanging.
 */
static void assert_launch(const char *args, int status, const char *err)
{
    const char *qemu = g_getenv("QTEST_QEMU_BINARY");
    g_autofree char *quoted = NULL;
    g_autofree char *cmd = NULL;
    g_autofree char *out = NULL;
    g_autofree char *errout = NULL;
    g_autoptr(GError) gerr = NULL;
    const char *argv[] = { "/bin/sh", "-c", NULL, NULL };
    int wstatus;

    g_assert_nonnull(qemu);
    quoted = g_shell_quote(qemu);
    cmd = g_strdup_printf("printf '%%s\\n' '{\"execute\": "
                          "\"qmp_capabilities\"}' '{\"execute\": \"quit\"}' "
                          "| exec %s " QIGVT_MACHINE "-display none "
                          "-accel qtest -qmp stdio %s", quoted, args);
    argv[2] = cmd;
    g_test_message("starting QEMU: %s", cmd);
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT,
                               NULL, NULL, &out, &errout, &wstatus, &gerr));
    g_test_message("QEMU's error output: %s", errout);
    if (status == 0) {
        g_assert_true(g_spawn_check_exit_status(wstatus, &gerr));
    } else {
        g_assert_false(g_spawn_check_exit_status(wstatus, &gerr));
        g_assert_true(g_error_matches(gerr, G_SPAWN_EXIT_ERROR, status));
    }
    if (err) {
        g_assert_nonnull(strstr(errout, err));
    }
}

static void assert_launch_fails(const char *args, const char *err)
{
    assert_launch(args, EXIT_FAILURE, err);
}

/*
 * 1. PCI identity and config space
 */

/* Size a 64-bit memory BAR; returns its size, *flags gets the type bits */
static uint64_t bar64_size(QPCIDevice *dev, int reg, uint32_t *flags)
{
    uint32_t lo, hi;

    qpci_config_writel(dev, reg, 0xffffffff);
    qpci_config_writel(dev, reg + 4, 0xffffffff);
    lo = qpci_config_readl(dev, reg);
    hi = qpci_config_readl(dev, reg + 4);
    qpci_config_writel(dev, reg, 0);
    qpci_config_writel(dev, reg + 4, 0);
    *flags = lo & ~PCI_BASE_ADDRESS_MEM_MASK;
    return ~(((uint64_t)hi << 32) | (lo & PCI_BASE_ADDRESS_MEM_MASK)) + 1;
}

/*
 * Walk the capability list; returns how many there are and stores the
 * offset of each capability ID it finds in @pos (0 if absent).
 */
static int walk_caps(QPCIDevice *dev, uint8_t pos[256])
{
    uint8_t off;
    int n = 0;

    memset(pos, 0, 256);
    g_assert_true(qpci_config_readw(dev, PCI_STATUS) & PCI_STATUS_CAP_LIST);
    for (off = qpci_config_readb(dev, PCI_CAPABILITY_LIST); off;
         off = qpci_config_readb(dev, off + PCI_CAP_LIST_NEXT)) {
        uint8_t id = qpci_config_readb(dev, off + PCI_CAP_LIST_ID);

        g_assert_cmphex(off, >=, 0x40);
        g_assert_cmphex(off & 3, ==, 0);
        g_assert_cmphex(pos[id], ==, 0);
        pos[id] = off;
        n++;
        g_assert_cmpint(n, <, 48);
    }
    return n;
}

static void check_identity(QPCIDevice *dev, uint16_t device_id,
                           uint8_t revision)
{
    uint32_t flags;
    uint16_t mggc;

    g_assert_cmphex(qpci_config_readw(dev, PCI_VENDOR_ID), ==, 0x8086);
    g_assert_cmphex(qpci_config_readw(dev, PCI_DEVICE_ID), ==, device_id);
    g_assert_cmphex(qpci_config_readb(dev, PCI_REVISION_ID), ==, revision);
    g_assert_cmphex(qpci_config_readw(dev, PCI_CLASS_DEVICE), ==, 0x0300);
    g_assert_cmphex(qpci_config_readb(dev, PCI_CLASS_PROG), ==, 0);
    g_assert_cmphex(qpci_config_readb(dev, PCI_HEADER_TYPE), ==,
                    PCI_HEADER_TYPE_NORMAL);
    g_assert_cmphex(qpci_config_readw(dev, PCI_SUBSYSTEM_VENDOR_ID), ==,
                    0x8086);
    g_assert_cmphex(qpci_config_readb(dev, PCI_INTERRUPT_PIN), ==, 1);

    /* BAR0: 16 MiB of 64-bit memory, not prefetchable */
    g_assert_cmphex(bar64_size(dev, PCI_BASE_ADDRESS_0, &flags), ==,
                    IGVT_GTTMMADR_SIZE);
    g_assert_cmphex(flags, ==, PCI_BASE_ADDRESS_SPACE_MEMORY |
                    PCI_BASE_ADDRESS_MEM_TYPE_64);
    /* BAR2: the aperture, 64-bit prefetchable, aperture-size */
    g_assert_cmphex(bar64_size(dev, PCI_BASE_ADDRESS_2, &flags), ==,
                    QIGVT_APERTURE_SIZE);
    g_assert_cmphex(flags, ==, PCI_BASE_ADDRESS_SPACE_MEMORY |
                    PCI_BASE_ADDRESS_MEM_TYPE_64 |
                    PCI_BASE_ADDRESS_MEM_PREFETCH);
    /* No other BAR */
    qpci_config_writel(dev, PCI_BASE_ADDRESS_4, 0xffffffff);
    g_assert_cmphex(qpci_config_readl(dev, PCI_BASE_ADDRESS_4), ==, 0);
    qpci_config_writel(dev, PCI_BASE_ADDRESS_5, 0xffffffff);
    g_assert_cmphex(qpci_config_readl(dev, PCI_BASE_ADDRESS_5), ==, 0);

    /* MGGC: an 8 MiB GGTT (4 GiB of graphics memory), no stolen memory */
    mggc = qpci_config_readw(dev, IGVT_PCI_MGGC);
    g_assert_cmpuint((mggc & IGVT_PCI_MGGC_GGMS_MASK) >>
                     IGVT_PCI_MGGC_GGMS_SHIFT, ==, 3);
    g_assert_cmpuint(mggc >> IGVT_PCI_MGGC_GMS_SHIFT, ==, 0);
    qpci_config_writew(dev, IGVT_PCI_MGGC, 0xffff);
    g_assert_cmphex(qpci_config_readw(dev, IGVT_PCI_MGGC), ==, mggc);
    qpci_config_writew(dev, IGVT_PCI_MGGC, 0);
    g_assert_cmphex(qpci_config_readw(dev, IGVT_PCI_MGGC), ==, mggc);
    /* BDSM: no stolen memory, read-only */
    g_assert_cmphex(qpci_config_readl(dev, IGVT_PCI_BDSM), ==, 0);
    qpci_config_writel(dev, IGVT_PCI_BDSM, 0xfff00000);
    g_assert_cmphex(qpci_config_readl(dev, IGVT_PCI_BDSM), ==, 0);
}

static void test_pci_identity(void)
{
    QIgvt *g = qigvt_startf(QIGVT_FIND_ONLY, "%s", QIGVT_ARGS);
    QPCIDevice *dev = g->dev;
    uint8_t pos[256];
    uint16_t flags;

    check_identity(dev, IGVT_PCI_DEVICE_ID_SKL_GT2, IGVT_PCI_REVISION_SKL);

    /* On q35's root bus: PCIe (integrated endpoint), MSI, PM */
    g_assert_cmpint(walk_caps(dev, pos), ==, 3);
    g_assert_cmphex(pos[PCI_CAP_ID_EXP], ==, IGVT_PCI_CAP_PCIE);
    g_assert_cmphex(pos[PCI_CAP_ID_MSI], ==, IGVT_PCI_CAP_MSI);
    g_assert_cmphex(pos[PCI_CAP_ID_PM], ==, IGVT_PCI_CAP_PM);
    flags = qpci_config_readw(dev, IGVT_PCI_CAP_PCIE + PCI_EXP_FLAGS);
    g_assert_cmphex((flags & PCI_EXP_FLAGS_TYPE) >> 4, ==,
                    PCI_EXP_TYPE_RC_END);
    qigvt_free(g);
}

static void test_pci_identity_kbl(void)
{
    QIgvt *g = qigvt_startf(QIGVT_FIND_ONLY, "%s,model=kbl", QIGVT_ARGS);
    QDict *info;

    check_identity(g->dev, IGVT_PCI_DEVICE_ID_KBL_GT2,
                   IGVT_PCI_REVISION_KBL);
    info = qigvt_query(g);
    g_assert_cmpstr(qdict_get_str(info, "model"), ==, "kbl");
    qobject_unref(info);
    qigvt_free(g);
}

/* On a conventional PCI bus there is no PCIe capability */
static void test_pci_conventional(void)
{
    QIgvt *g = qigvt_startf(QIGVT_FIND_ONLY, "-machine pc -nodefaults "
                            "-vga none %s", QIGVT_DEVICE);
    uint8_t pos[256];

    check_identity(g->dev, IGVT_PCI_DEVICE_ID_SKL_GT2,
                   IGVT_PCI_REVISION_SKL);
    g_assert_cmpint(walk_caps(g->dev, pos), ==, 2);
    g_assert_cmphex(pos[PCI_CAP_ID_EXP], ==, 0);
    g_assert_cmphex(pos[PCI_CAP_ID_MSI], ==, IGVT_PCI_CAP_MSI);
    g_assert_cmphex(pos[PCI_CAP_ID_PM], ==, IGVT_PCI_CAP_PM);
    qigvt_free(g);
}

/* The OpRegion in fw_cfg, ASLS, and SWSCI requests */
static void test_pci_opregion(void)
{
    QIgvt *g = igvt_start();
    QFWCFG *fw_cfg = pc_fw_cfg_init(g->qts);
    g_autofree uint8_t *opregion = g_malloc0(IGVT_OPREGION_SIZE);
    uint8_t ff[24], buf[24], zero[8] = { 0 };
    QTestState *qts;
    size_t size;

    size = qfw_cfg_get_file(fw_cfg, IGVT_FW_CFG_OPREGION, opregion,
                            IGVT_OPREGION_SIZE);
    g_assert_cmpuint(size, ==, IGVT_OPREGION_SIZE);
    g_assert_cmpmem(opregion, 16, IGVT_OPREGION_SIGNATURE, 16);
    pc_fw_cfg_uninit(fw_cfg);

    /* ASLS is the firmware's to write */
    g_assert_cmphex(qpci_config_readl(g->dev, IGVT_PCI_ASLS), ==, 0);
    qpci_config_writel(g->dev, IGVT_PCI_ASLS, RAM_OPREGION);
    g_assert_cmphex(qpci_config_readl(g->dev, IGVT_PCI_ASLS), ==,
                    RAM_OPREGION);

    /* A request through SMI is not for the vGPU: nothing happens */
    memset(ff, 0xff, sizeof(ff));
    qtest_memwrite(g->qts, RAM_OPREGION + IGVT_OPREGION_SWSCI_OFFSET - 8, ff,
                   24);
    qpci_config_writew(g->dev, IGVT_PCI_SWSCI,
                       IGVT_PCI_SWSCI_SMI_SEL | IGVT_PCI_SWSCI_GSSCIE);
    g_assert_cmphex(qpci_config_readw(g->dev, IGVT_PCI_SWSCI), ==,
                    IGVT_PCI_SWSCI_SMI_SEL | IGVT_PCI_SWSCI_GSSCIE);
    qtest_memread(g->qts, RAM_OPREGION + IGVT_OPREGION_SWSCI_OFFSET, buf, 8);
    g_assert_cmpmem(buf, 8, ff, 8);

    /* An SCI request is answered "unsupported" and acknowledged */
    qpci_config_writew(g->dev, IGVT_PCI_SWSCI, 0);
    g_assert_cmphex(qpci_config_readw(g->dev, IGVT_PCI_SWSCI), ==, 0);
    qpci_config_writew(g->dev, IGVT_PCI_SWSCI, IGVT_PCI_SWSCI_GSSCIE);
    g_assert_cmphex(qpci_config_readw(g->dev, IGVT_PCI_SWSCI), ==, 0);
    qtest_memread(g->qts, RAM_OPREGION + IGVT_OPREGION_SWSCI_OFFSET - 8,
                  buf, 24);
    /* SCIC and PARM cleared, nothing around them touched */
    g_assert_cmpmem(buf + 8, 8, zero, 8);
    g_assert_cmpmem(buf, 8, ff, 8);
    g_assert_cmpmem(buf + 16, 8, ff, 8);

    /* Only GSSCIE and SMI_SEL are writable */
    qpci_config_writew(g->dev, IGVT_PCI_SWSCI, 0xffff);
    g_assert_cmphex(qpci_config_readw(g->dev, IGVT_PCI_SWSCI), ==,
                    IGVT_PCI_SWSCI_SMI_SEL | IGVT_PCI_SWSCI_GSSCIE);

    /* An OpRegion that is not RAM: the request is still acknowledged */
    qpci_config_writew(g->dev, IGVT_PCI_SWSCI, 0);
    qpci_config_writel(g->dev, IGVT_PCI_ASLS, g->mmio.addr);
    qpci_config_writew(g->dev, IGVT_PCI_SWSCI, IGVT_PCI_SWSCI_GSSCIE);
    g_assert_cmphex(qpci_config_readw(g->dev, IGVT_PCI_SWSCI), ==, 0);
    qigvt_assert_running(g->qts);

    /* A reset clears SWSCI */
    qpci_config_writew(g->dev, IGVT_PCI_SWSCI, IGVT_PCI_SWSCI_SMI_SEL);
    qigvt_reset(g);
    g_assert_cmphex(qpci_config_readw(g->dev, IGVT_PCI_SWSCI), ==, 0);
    qigvt_free(g);

    /* Only a vGPU at 00:02.0 gets the OpRegion (the firmware's IGD slot) */
    qts = qtest_init(QIGVT_MACHINE "-device igvt-vga,addr=03.0,"
                     QIGVT_SLICES);
    fw_cfg = pc_fw_cfg_init(qts);
    g_assert_cmpuint(qfw_cfg_get_file(fw_cfg, IGVT_FW_CFG_OPREGION, opregion,
                                      IGVT_OPREGION_SIZE), ==, 0);
    pc_fw_cfg_uninit(fw_cfg);
    qtest_quit(qts);
}

/*
 * 2. PVINFO
 */

static void check_pvinfo(QIgvt *g, uint32_t fences)
{
    QDict *info = qigvt_query(g);
    QDict *sl = qdict_get_qdict(info, "slices");
    uint64_t ap_base = qdict_get_int(sl, "aperture-base");
    uint64_t hid_base = qdict_get_int(sl, "hidden-base");
    uint64_t bar2_size;

    bar2_size = qdict_get_int(qdict_get_qdict(info, "gmadr"), "size");
    g_assert_cmphex(qigvt_readq(g, IGVT_PVINFO_MAGIC_OFF), ==,
                    IGVT_PVINFO_MAGIC);
    g_assert_cmpuint(qigvt_readw(g, IGVT_PVINFO_VERSION_MAJOR), ==, 1);
    g_assert_cmpuint(qigvt_readw(g, IGVT_PVINFO_VERSION_MINOR), ==, 0);
    g_assert_cmphex(qigvt_readl(g, IGVT_PVINFO_VGT_CAPS), ==,
                    IGVT_PVINFO_CAP_FULL_PPGTT |
                    IGVT_PVINFO_CAP_HWSP_EMULATION |
                    IGVT_PVINFO_CAP_HUGE_GTT);
    g_assert_cmphex(qigvt_readl(g, IGVT_PVINFO_APERTURE_BASE), ==, ap_base);
    g_assert_cmphex(qigvt_readl(g, IGVT_PVINFO_APERTURE_SIZE), ==,
                    qdict_get_int(sl, "aperture-size"));
    g_assert_cmphex(qigvt_readl(g, IGVT_PVINFO_HIDDEN_BASE), ==, hid_base);
    g_assert_cmphex(qigvt_readl(g, IGVT_PVINFO_HIDDEN_SIZE), ==,
                    qdict_get_int(sl, "hidden-size"));
    g_assert_cmpuint(qigvt_readl(g, IGVT_PVINFO_FENCE_NUM), ==, fences);
    g_assert_cmpuint(qdict_get_int(sl, "fences"), ==, fences);

    /*
     * What the guest's ballooning requires: the aperture slice inside
     * the aperture BAR, the hidden slice above it and inside 4 GiB.
     */
    g_assert_cmphex(ap_base + qdict_get_int(sl, "aperture-size"), <=,
                    bar2_size);
    g_assert_cmphex(hid_base, >=, bar2_size);
    g_assert_cmphex(hid_base + qdict_get_int(sl, "hidden-size"), <=,
                    IGVT_GM_SIZE);
    qobject_unref(info);
}

static void test_pvinfo_contents(void)
{
    QIgvt *g = igvt_start();
    static const uint32_t ro[] = {
        IGVT_PVINFO_MAGIC_OFF, IGVT_PVINFO_MAGIC_OFF + 4,
        IGVT_PVINFO_VERSION_MAJOR, IGVT_PVINFO_VGT_ID,
        IGVT_PVINFO_VGT_CAPS, IGVT_PVINFO_APERTURE_BASE,
        IGVT_PVINFO_APERTURE_SIZE, IGVT_PVINFO_HIDDEN_BASE,
        IGVT_PVINFO_HIDDEN_SIZE, IGVT_PVINFO_FENCE_NUM,
    };
    uint32_t saved[ARRAY_SIZE(ro)];
    unsigned i;

    /* The slices are what the properties asked for */
    g_assert_cmphex(slice(g, "aperture-size"), ==, QIGVT_LOW_GM_SIZE);
    g_assert_cmphex(slice(g, "hidden-size"), ==, QIGVT_HIGH_GM_SIZE);
    /* Nothing read PVINFO yet */
    g_assert_false(query_bool(g, "pv-ready"));

    check_pvinfo(g, 4);
    g_assert_true(query_bool(g, "pv-ready"));
    g_assert_cmpuint(qigvt_readl(g, IGVT_PVINFO_VGT_ID), ==, 1);
    g_assert_cmphex(qigvt_readl(g, IGVT_PVINFO_MAGIC_OFF), ==,
                    (uint32_t)IGVT_PVINFO_MAGIC);
    g_assert_cmphex(qigvt_readl(g, IGVT_PVINFO_MAGIC_OFF + 4), ==,
                    IGVT_PVINFO_MAGIC >> 32);
    g_assert_cmphex(qigvt_readb(g, IGVT_PVINFO_MAGIC_OFF), ==, 'v');
    g_assert_cmphex(qigvt_readb(g, IGVT_PVINFO_MAGIC_OFF + 1), ==, 'G');
    g_assert_cmphex(qigvt_readl(g, IGVT_PVINFO_CURSOR_X_HOT), ==, UINT32_MAX);
    g_assert_cmphex(qigvt_readl(g, IGVT_PVINFO_CURSOR_Y_HOT), ==, UINT32_MAX);

    /* The read-only fields ignore writes of every size */
    for (i = 0; i < ARRAY_SIZE(ro); i++) {
        saved[i] = qigvt_readl(g, ro[i]);
    }
    for (i = 0; i < ARRAY_SIZE(ro); i++) {
        qigvt_writel(g, ro[i], ~saved[i]);
        qigvt_writew(g, ro[i] + 2, 0x5a5a);
        qigvt_writeb(g, ro[i] + 1, 0xa5);
        qigvt_writel(g, ro[i], 0);
    }
    qigvt_writeq(g, IGVT_PVINFO_MAGIC_OFF, 0);
    for (i = 0; i < ARRAY_SIZE(ro); i++) {
        g_assert_cmphex(qigvt_readl(g, ro[i]), ==, saved[i]);
    }
    check_pvinfo(g, 4);

    /* display_ready is the guest's to set, and query-igvt shows it */
    g_assert_false(query_bool(g, "display-ready"));
    qigvt_writel(g, IGVT_PVINFO_DISPLAY_READY, 1);
    g_assert_cmpuint(qigvt_readl(g, IGVT_PVINFO_DISPLAY_READY), ==, 1);
    g_assert_true(query_bool(g, "display-ready"));

    /* So is the cursor hot-spot; a reset restores it */
    qigvt_writel(g, IGVT_PVINFO_CURSOR_X_HOT, 12);
    g_assert_cmpuint(qigvt_readl(g, IGVT_PVINFO_CURSOR_X_HOT), ==, 12);
    qigvt_reset(g);
    g_assert_false(query_bool(g, "pv-ready"));
    g_assert_false(query_bool(g, "display-ready"));
    g_assert_cmphex(qigvt_readl(g, IGVT_PVINFO_CURSOR_X_HOT), ==, UINT32_MAX);
    g_assert_cmpuint(qigvt_readl(g, IGVT_PVINFO_DISPLAY_READY), ==, 0);
    check_pvinfo(g, 4);
    qigvt_free(g);
}

/* The fences property sets fence_num and which fence registers work */
static void test_pvinfo_fences(void)
{
    QIgvt *g = qigvt_startf(QIGVT_APERTURE, "%s,fences=7", QIGVT_ARGS);

    check_pvinfo(g, 7);
    qigvt_writeq(g, IGVT_FENCE_BASE + 6 * 8, 0x12345000abcde001ull);
    g_assert_cmphex(qigvt_readq(g, IGVT_FENCE_BASE + 6 * 8), ==,
                    0x12345000abcde001ull);
    qigvt_writeq(g, IGVT_FENCE_BASE + 7 * 8, 0x12345000abcde001ull);
    g_assert_cmphex(qigvt_readq(g, IGVT_FENCE_BASE + 7 * 8), ==, 0);
    qigvt_free(g);
}

/*
 * 3. Register semantics
 */

static void assert_ro(QIgvt *g, uint32_t off, uint32_t expect)
{
    g_test_message("read-only register 0x%x", off);
    g_assert_cmphex(qigvt_readl(g, off), ==, expect);
    qigvt_writel(g, off, ~expect);
    g_assert_cmphex(qigvt_readl(g, off), ==, expect);
    qigvt_writel(g, off, 0);
    qigvt_writew(g, off + 2, 0xffff);
    qigvt_writeb(g, off, 0x5a);
    g_assert_cmphex(qigvt_readl(g, off), ==, expect);
}

static void test_mmio_read_only(void)
{
    QIgvt *g = igvt_start_pv();

    /* One slice, three subslices, no EUs fused off: a GT2 */
    assert_ro(g, A_GEN8_FUSE2, (1u << R_GEN8_FUSE2_S_ENA_SHIFT) |
              (0x8u << R_GEN8_FUSE2_SS_DIS_SHIFT));
    assert_ro(g, A_GEN9_EU_DISABLE0, 0);
    assert_ro(g, A_GEN9_EU_DISABLE1, 0);
    assert_ro(g, A_GEN9_EU_DISABLE2, 0);
    assert_ro(g, A_HSW_EDRAM_CAP, 0);
    assert_ro(g, A_GUC_STATUS, R_GUC_STATUS_MIA_IN_RESET_MASK);
    assert_ro(g, A_GEN6_RP_STATE_CAP, 22 | 11 << 8 | 6 << 16);
    assert_ro(g, IGVT_GEN8_GT_ISR(0), 0);
    assert_ro(g, A_SDEISR, qigvt_readl(g, A_SDEISR));
    assert_ro(g, A_FORCEWAKE_ACK_RENDER_GEN9, 0);
    assert_ro(g, IGVT_PVINFO_VGT_CAPS, IGVT_PVINFO_CAP_FULL_PPGTT |
              IGVT_PVINFO_CAP_HWSP_EMULATION | IGVT_PVINFO_CAP_HUGE_GTT);

    /* Read-only bits of otherwise writable registers */
    g_assert_cmphex(qigvt_readl(g, A_GTFIFOCTL), ==, 0x7f);
    qigvt_writel(g, A_GTFIFOCTL, 0);
    g_assert_cmphex(qigvt_readl(g, A_GTFIFOCTL), ==, 0x7f);
    qigvt_writel(g, A_GTFIFOCTL, 0xffff0000);
    g_assert_cmphex(qigvt_readl(g, A_GTFIFOCTL), ==, 0xffff007f);
    qigvt_writel(g, A_GEN8_MASTER_IRQ, 0xffffffff);
    g_assert_cmphex(qigvt_readl(g, A_GEN8_MASTER_IRQ), ==,
                    R_GEN8_MASTER_IRQ_CONTROL_MASK);
    qigvt_writel(g, A_GEN8_MASTER_IRQ, 0);
    g_assert_cmphex(qigvt_readl(g, A_GEN8_MASTER_IRQ), ==, 0);
    qigvt_free(g);
}

static void test_mmio_masked(void)
{
    QIgvt *g = igvt_start_pv();
    uint32_t mi_mode = IGVT_RCS_BASE + IGVT_RING_MI_MODE;
    uint32_t instpm = IGVT_BCS_BASE + IGVT_RING_INSTPM;

    g_assert_cmphex(qigvt_readl(g, A_GEN7_GT_MODE), ==, 0);
    /* The upper half enables the bits of the lower half it covers */
    qigvt_writel(g, A_GEN7_GT_MODE, 0xffff1234);
    g_assert_cmphex(qigvt_readl(g, A_GEN7_GT_MODE), ==, 0x1234);
    qigvt_writel(g, A_GEN7_GT_MODE, 0x00ff0000);
    g_assert_cmphex(qigvt_readl(g, A_GEN7_GT_MODE), ==, 0x1200);
    qigvt_writel(g, A_GEN7_GT_MODE, 0x000100ff);
    g_assert_cmphex(qigvt_readl(g, A_GEN7_GT_MODE), ==, 0x1201);
    /* Without enable bits nothing changes */
    qigvt_writel(g, A_GEN7_GT_MODE, 0x0000ffff);
    g_assert_cmphex(qigvt_readl(g, A_GEN7_GT_MODE), ==, 0x1201);
    qigvt_writew(g, A_GEN7_GT_MODE, 0xffff);
    g_assert_cmphex(qigvt_readl(g, A_GEN7_GT_MODE), ==, 0x1201);
    g_assert_cmphex(qigvt_readw(g, A_GEN7_GT_MODE + 2), ==, 0);

    qigvt_writel(g, instpm, 0xffffffff);
    g_assert_cmphex(qigvt_readl(g, instpm), ==, 0xffff);

    /* MI_MODE: STOP_RING is the guest's, the ring is always idle */
    g_assert_cmphex(qigvt_readl(g, mi_mode), ==, IGVT_RING_MI_MODE_IDLE);
    qigvt_writel(g, mi_mode, IGVT_RING_MI_MODE_STOP_RING << 16 |
                 IGVT_RING_MI_MODE_STOP_RING);
    g_assert_cmphex(qigvt_readl(g, mi_mode), ==,
                    IGVT_RING_MI_MODE_IDLE | IGVT_RING_MI_MODE_STOP_RING);
    qigvt_writel(g, mi_mode, IGVT_RING_MI_MODE_IDLE << 16);
    g_assert_cmphex(qigvt_readl(g, mi_mode), ==,
                    IGVT_RING_MI_MODE_IDLE | IGVT_RING_MI_MODE_STOP_RING);
    qigvt_writel(g, mi_mode, IGVT_RING_MI_MODE_STOP_RING);
    g_assert_cmphex(qigvt_readl(g, mi_mode), ==,
                    IGVT_RING_MI_MODE_IDLE | IGVT_RING_MI_MODE_STOP_RING);
    qigvt_writel(g, mi_mode, IGVT_RING_MI_MODE_STOP_RING << 16);
    g_assert_cmphex(qigvt_readl(g, mi_mode), ==, IGVT_RING_MI_MODE_IDLE);

    /* CSB_PTR resets to 7 (no event read yet) */
    g_assert_cmphex(qigvt_readl(g, IGVT_RCS_BASE + IGVT_RING_CSB_PTR), ==, 7);
    qigvt_free(g);
}

static void test_mmio_w1c(void)
{
    QIgvt *g = igvt_start_pv();
    static const uint32_t w1c[] = {
        IGVT_GEN8_GT_IIR(0), IGVT_GEN8_GT_IIR(3), IGVT_GEN8_DE_PIPE_IIR(1),
        A_GEN8_DE_PORT_IIR, A_GEN8_DE_MISC_IIR, A_GEN8_PCU_IIR, A_SDEIIR,
        A_FPGA_DBG, A_GTFIFODBG,
    };
    unsigned i;

    /*
     * Nothing the guest does can set an IIR bit, so writing 1s must leave
     * them clear rather than store them, and writing 0s changes nothing.
     */
    for (i = 0; i < ARRAY_SIZE(w1c); i++) {
        g_assert_cmphex(qigvt_readl(g, w1c[i]), ==, 0);
        qigvt_writel(g, w1c[i], 0xffffffff);
        g_assert_cmphex(qigvt_readl(g, w1c[i]), ==, 0);
        qigvt_writeb(g, w1c[i] + 3, 0xff);
        qigvt_writel(g, w1c[i], 0);
        g_assert_cmphex(qigvt_readl(g, w1c[i]), ==, 0);
    }

    /* The other interrupt registers: IMR resets masked, both writable */
    g_assert_cmphex(qigvt_readl(g, IGVT_GEN8_GT_IMR(0)), ==, UINT32_MAX);
    qigvt_writel(g, IGVT_GEN8_GT_IMR(0), 0x0000ff00);
    g_assert_cmphex(qigvt_readl(g, IGVT_GEN8_GT_IMR(0)), ==, 0x0000ff00);
    g_assert_cmphex(qigvt_readl(g, A_SDEIER), ==, 0);
    qigvt_writel(g, A_SDEIER, 0x12345678);
    g_assert_cmphex(qigvt_readl(g, A_SDEIER), ==, 0x12345678);
    qigvt_free(g);
}

static void test_mmio_untracked(void)
{
    QIgvt *g = igvt_start_pv();
    int64_t untracked = qigvt_counter(g, "mmio-untracked");
    int64_t reads = qigvt_counter(g, "mmio-reads");
    int64_t writes = qigvt_counter(g, "mmio-writes");

    /* Plain storage, merged by byte lanes */
    g_assert_cmphex(qigvt_readl(g, UNTRACKED), ==, 0);
    qigvt_writel(g, UNTRACKED, 0xdeadbeef);
    g_assert_cmphex(qigvt_readl(g, UNTRACKED), ==, 0xdeadbeef);
    qigvt_writeb(g, UNTRACKED + 1, 0x12);
    g_assert_cmphex(qigvt_readl(g, UNTRACKED), ==, 0xdead12ef);
    qigvt_writew(g, UNTRACKED + 2, 0x3456);
    g_assert_cmphex(qigvt_readl(g, UNTRACKED), ==, 0x345612ef);
    g_assert_cmphex(qigvt_readb(g, UNTRACKED + 3), ==, 0x34);
    g_assert_cmphex(qigvt_readw(g, UNTRACKED + 2), ==, 0x3456);
    /* 9 accesses to one untracked dword */
    g_assert_cmpint(qigvt_counter(g, "mmio-untracked"), ==, untracked + 9);
    g_assert_cmpint(qigvt_counter(g, "mmio-reads"), ==, reads + 6);
    g_assert_cmpint(qigvt_counter(g, "mmio-writes"), ==, writes + 3);

    /* A qword access is two dwords */
    qigvt_writeq(g, UNTRACKED + 8, 0x1122334455667788ull);
    g_assert_cmphex(qigvt_readl(g, UNTRACKED + 8), ==, 0x55667788);
    g_assert_cmphex(qigvt_readl(g, UNTRACKED + 12), ==, 0x11223344);
    g_assert_cmphex(qigvt_readq(g, UNTRACKED + 8), ==, 0x1122334455667788ull);
    g_assert_cmpint(qigvt_counter(g, "mmio-untracked"), ==, untracked + 15);

    /* The last dword of the register file, and a reset clears it */
    qigvt_writel(g, IGVT_MMIO_SIZE - 4, 0xa5a5a5a5);
    g_assert_cmphex(qigvt_readl(g, IGVT_MMIO_SIZE - 4), ==, 0xa5a5a5a5);
    qigvt_reset(g);
    g_assert_cmphex(qigvt_readl(g, IGVT_MMIO_SIZE - 4), ==, 0);
    g_assert_cmphex(qigvt_readl(g, UNTRACKED), ==, 0);
    qigvt_free(g);
}

static void test_mmio_resets(void)
{
    QIgvt *g = igvt_start_pv();
    IgvtEngine e;

    /* GDRST: any reset completes at once */
    qigvt_writel(g, A_GDRST, R_GDRST_FULL_MASK);
    g_assert_cmphex(qigvt_readl(g, A_GDRST), ==, 0);
    qigvt_writel(g, A_GDRST, 0xff);
    g_assert_cmphex(qigvt_readl(g, A_GDRST), ==, 0);

    for (e = 0; e < IGVT_NUM_ENGINES; e++) {
        uint32_t ctl = igvt_engine_mmio_base(e) + IGVT_RING_RESET_CTL;

        g_assert_cmphex(qigvt_readl(g, ctl), ==, 0);
        /* READY_TO_RESET is the device's to set, not the guest's */
        qigvt_writel(g, ctl, IGVT_RESET_CTL_READY_TO_RESET << 16 |
                     IGVT_RESET_CTL_READY_TO_RESET);
        g_assert_cmphex(qigvt_readl(g, ctl), ==, 0);
        /* A request is answered at once */
        qigvt_writel(g, ctl, IGVT_RESET_CTL_REQUEST_RESET << 16 |
                     IGVT_RESET_CTL_REQUEST_RESET);
        g_assert_cmphex(qigvt_readl(g, ctl), ==,
                        IGVT_RESET_CTL_REQUEST_RESET |
                        IGVT_RESET_CTL_READY_TO_RESET);
        /* Withdrawing it withdraws the answer */
        qigvt_writel(g, ctl, IGVT_RESET_CTL_REQUEST_RESET << 16);
        g_assert_cmphex(qigvt_readl(g, ctl), ==, 0);
    }
    qigvt_free(g);
}

static void test_mmio_forcewake(void)
{
    QIgvt *g = igvt_start_pv();
    static const uint32_t req[] = {
        A_FORCEWAKE_RENDER_GEN9, A_FORCEWAKE_GT_GEN9, A_FORCEWAKE_MEDIA_GEN9,
    };
    static const uint32_t ack[] = {
        A_FORCEWAKE_ACK_RENDER_GEN9, A_FORCEWAKE_ACK_GT_GEN9,
        A_FORCEWAKE_ACK_MEDIA_GEN9,
    };
    unsigned i, j;

    for (i = 0; i < ARRAY_SIZE(req); i++) {
        g_assert_cmphex(qigvt_readl(g, ack[i]), ==, 0);
        /* FORCEWAKE_KERNEL (bit 0), then the fallback bit (15) */
        qigvt_writel(g, req[i], 0x00010001);
        g_assert_cmphex(qigvt_readl(g, req[i]), ==, 0x0001);
        g_assert_cmphex(qigvt_readl(g, ack[i]), ==, 0x0001);
        qigvt_writel(g, req[i], 0x80008000);
        g_assert_cmphex(qigvt_readl(g, ack[i]), ==, 0x8001);
        /* Only this domain acknowledges */
        for (j = 0; j < ARRAY_SIZE(ack); j++) {
            if (j != i) {
                g_assert_cmphex(qigvt_readl(g, ack[j]), ==, 0);
            }
        }
        /* The ack is read-only */
        qigvt_writel(g, ack[i], 0);
        g_assert_cmphex(qigvt_readl(g, ack[i]), ==, 0x8001);
        qigvt_writel(g, req[i], 0xffff0000);
        g_assert_cmphex(qigvt_readl(g, req[i]), ==, 0);
        g_assert_cmphex(qigvt_readl(g, ack[i]), ==, 0);
    }
    qigvt_free(g);
}

static void test_mmio_pcode(void)
{
    QIgvt *g = igvt_start_pv();
    uint32_t ready = R_GEN6_PCODE_MAILBOX_READY_MASK;

    /* CDCLK change request: READY clears, error 0, DATA says ready */
    qigvt_writel(g, A_GEN6_PCODE_DATA, 0x3);
    qigvt_writel(g, A_GEN6_PCODE_MAILBOX, ready | IGVT_PCODE_CDCLK_CONTROL);
    g_assert_cmphex(qigvt_readl(g, A_GEN6_PCODE_MAILBOX), ==, 0);
    g_assert_cmphex(qigvt_readl(g, A_GEN6_PCODE_DATA), ==,
                    IGVT_PCODE_CDCLK_READY_FOR_CHANGE);

    /* Memory latencies, two reads of four levels each */
    qigvt_writel(g, A_GEN6_PCODE_DATA, 0);
    qigvt_writel(g, A_GEN6_PCODE_DATA1, 0xffffffff);
    qigvt_writel(g, A_GEN6_PCODE_MAILBOX, ready | IGVT_PCODE_READ_MEM_LATENCY);
    g_assert_cmphex(qigvt_readl(g, A_GEN6_PCODE_MAILBOX), ==, 0);
    g_assert_cmphex(qigvt_readl(g, A_GEN6_PCODE_DATA), !=, 0);
    g_assert_cmphex(qigvt_readl(g, A_GEN6_PCODE_DATA1), ==, 0);

    /* RC6 VIDs: a non-zero answer */
    qigvt_writel(g, A_GEN6_PCODE_DATA, 0);
    qigvt_writel(g, A_GEN6_PCODE_MAILBOX, ready | IGVT_PCODE_READ_RC6VIDS);
    g_assert_cmphex(qigvt_readl(g, A_GEN6_PCODE_MAILBOX), ==, 0);
    g_assert_cmphex(qigvt_readl(g, A_GEN6_PCODE_DATA), !=, 0);

    /* Any other command completes successfully, DATA untouched */
    qigvt_writel(g, A_GEN6_PCODE_DATA, 0x5a5a);
    qigvt_writel(g, A_GEN6_PCODE_MAILBOX, ready | 0x7e);
    g_assert_cmphex(qigvt_readl(g, A_GEN6_PCODE_MAILBOX), ==, 0);
    g_assert_cmphex(qigvt_readl(g, A_GEN6_PCODE_DATA), ==, 0x5a5a);

    /* Without READY nothing is sent */
    qigvt_writel(g, A_GEN6_PCODE_MAILBOX, IGVT_PCODE_CDCLK_CONTROL);
    g_assert_cmphex(qigvt_readl(g, A_GEN6_PCODE_MAILBOX), ==,
                    IGVT_PCODE_CDCLK_CONTROL);
    g_assert_cmphex(qigvt_readl(g, A_GEN6_PCODE_DATA), ==, 0x5a5a);
    qigvt_free(g);
}

static void test_mmio_fences(void)
{
    QIgvt *g = igvt_start_pv();
    unsigned i;

    /* The vGPU's four fences, 64 bits each */
    for (i = 0; i < 4; i++) {
        uint64_t v = 0x0123400000001001ull + ((uint64_t)i << 40) + i * 0x1000;

        qigvt_writeq(g, IGVT_FENCE_BASE + i * 8, v);
        g_assert_cmphex(qigvt_readq(g, IGVT_FENCE_BASE + i * 8), ==, v);
        g_assert_cmphex(qigvt_readl(g, IGVT_FENCE_BASE + i * 8 + 4), ==,
                        v >> 32);
    }
    qigvt_writel(g, IGVT_FENCE_BASE + 3 * 8 + 4, 0xfeedf00d);
    g_assert_cmphex(qigvt_readl(g, IGVT_FENCE_BASE + 3 * 8 + 4), ==,
                    0xfeedf00d);

    /* The rest read 0 and drop writes; a PV guest is not failed for it */
    for (i = 4; i < IGVT_FENCE_MAX; i++) {
        qigvt_writeq(g, IGVT_FENCE_BASE + i * 8, 0xffffffffffffffffull);
        qigvt_writel(g, IGVT_FENCE_BASE + i * 8 + 4, 0x1234);
        g_assert_cmphex(qigvt_readq(g, IGVT_FENCE_BASE + i * 8), ==, 0);
    }
    assert_failsafe(g, NULL);
    /* ... and the valid ones kept their values */
    g_assert_cmphex(qigvt_readl(g, IGVT_FENCE_BASE), ==, 0x00001001);
    qigvt_free(g);
}

/*
 * 4. GGTT
 */

static void test_ggtt_entries(void)
{
    QIgvt *g = igvt_start_pv();
    uint64_t low = slice(g, "aperture-base") / PAGE;
    uint64_t high = slice(g, "hidden-base") / PAGE;
    uint64_t low_end = low + QIGVT_LOW_GM_SIZE / PAGE;
    uint64_t high_end = high + QIGVT_HIGH_GM_SIZE / PAGE;
    uint64_t outside[] = {
        low_end, high - 1, high_end, IGVT_GTT_ENTRIES - 1,
    };
    int64_t writes = qigvt_counter(g, "ggtt-writes");
    int64_t invalid = qigvt_counter(g, "ggtt-invalid-ptes");
    int64_t dropped;
    uint64_t idx = low + 3;
    unsigned i;

    g_assert_cmphex(qigvt_ggtt_read(g, idx), ==, 0);

    /* An 8-byte write */
    qigvt_ggtt_write(g, idx, RAM_PAGE1 | IGVT_PTE_PRESENT | 0x6);
    g_assert_cmphex(qigvt_ggtt_read(g, idx), ==,
                    RAM_PAGE1 | IGVT_PTE_PRESENT | 0x6);
    g_assert_cmphex(qigvt_readl(g, qigvt_ggtt_off(idx)), ==,
                    RAM_PAGE1 | IGVT_PTE_PRESENT | 0x6);
    g_assert_cmphex(qigvt_readl(g, qigvt_ggtt_off(idx) + 4), ==, 0);
    /* Two 4-byte halves, low then high */
    qigvt_writel(g, qigvt_ggtt_off(idx + 1), RAM_PAGE2 | IGVT_PTE_PRESENT);
    qigvt_writel(g, qigvt_ggtt_off(idx + 1) + 4, 0xabcd0000);
    g_assert_cmphex(qigvt_ggtt_read(g, idx + 1), ==,
                    0xabcd000000000000ull | RAM_PAGE2 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_readl(g, qigvt_ggtt_off(idx + 1) + 4), ==,
                    0xabcd0000);
    /* Neighbours are untouched */
    g_assert_cmphex(qigvt_ggtt_read(g, idx - 1), ==, 0);
    g_assert_cmphex(qigvt_ggtt_read(g, idx + 2), ==, 0);
    /* The hidden slice too */
    qigvt_ggtt_write(g, high + 5, RAM_PAGE3 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ggtt_read(g, high + 5), ==,
                    RAM_PAGE3 | IGVT_PTE_PRESENT);
    qigvt_ggtt_write(g, high_end - 1, RAM_PAGE3 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ggtt_read(g, high_end - 1), ==,
                    RAM_PAGE3 | IGVT_PTE_PRESENT);
    g_assert_cmpint(qigvt_counter(g, "ggtt-writes"), ==, writes + 5);
    g_assert_cmpint(qigvt_counter(g, "ggtt-invalid-ptes"), ==, invalid);

    /*
     * A present entry pointing outside guest RAM is kept as written in the
     * virtual GGTT, and counted.
     */
    qigvt_ggtt_write(g, idx + 2, QIGVT_PTE_NOT_RAM | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ggtt_read(g, idx + 2), ==,
                    QIGVT_PTE_NOT_RAM | IGVT_PTE_PRESENT);
    g_assert_cmpint(qigvt_counter(g, "ggtt-invalid-ptes"), ==, invalid + 1);
    /* So is one pointing at MMIO: the vGPU's own BARs, the LAPIC */
    qigvt_ggtt_write(g, idx + 3, (g->mmio.addr + IGVT_PVINFO_BASE) | 1);
    qigvt_ggtt_write(g, idx + 4, g->aperture.addr | 1);
    qigvt_ggtt_write(g, idx + 5, 0xfee00000 | 1);
    g_assert_cmphex(qigvt_ggtt_read(g, idx + 4), ==, g->aperture.addr | 1);
    g_assert_cmpint(qigvt_counter(g, "ggtt-invalid-ptes"), ==, invalid + 4);
    /* A non-present entry is not checked */
    qigvt_ggtt_write(g, idx + 6, QIGVT_PTE_NOT_RAM);
    g_assert_cmphex(qigvt_ggtt_read(g, idx + 6), ==, QIGVT_PTE_NOT_RAM);
    g_assert_cmpint(qigvt_counter(g, "ggtt-invalid-ptes"), ==, invalid + 4);

    /* Entries outside the vGPU's slices are not the guest's */
    dropped = qigvt_counter(g, "ggtt-dropped");
    for (i = 0; i < ARRAY_SIZE(outside); i++) {
        qigvt_ggtt_write(g, outside[i], RAM_PAGE1 | IGVT_PTE_PRESENT);
        qigvt_writel(g, qigvt_ggtt_off(outside[i]),
                     RAM_PAGE1 | IGVT_PTE_PRESENT);
        qigvt_writel(g, qigvt_ggtt_off(outside[i]) + 4, 0x1);
        g_assert_cmphex(qigvt_ggtt_read(g, outside[i]), ==, 0);
    }
    g_assert_cmpint(qigvt_counter(g, "ggtt-dropped"), ==,
                    dropped + 3 * ARRAY_SIZE(outside));
    g_assert_cmpint(qigvt_counter(g, "ggtt-writes"), ==,
                    writes + 10 + 3 * ARRAY_SIZE(outside));

    /* A reset clears the GGTT */
    qigvt_reset(g);
    g_assert_cmphex(qigvt_ggtt_read(g, idx), ==, 0);
    g_assert_cmphex(qigvt_ggtt_read(g, high + 5), ==, 0);
    qigvt_free(g);
}

/*
 * A PTE written as two dwords takes effect once both are written, in
 * either order: what the aperture reaches must agree with the virtual
 * GGTT the guest reads back.
 */
static void test_ggtt_split_write(void)
{
    QIgvt *g = igvt_start_pv();
    uint64_t low = slice(g, "aperture-base") / PAGE;
    uint64_t gm = (low + 10) * PAGE;

    fill_page(g->qts, RAM_PAGE1, 0x11);
    fill_page(g->qts, RAM_PAGE2, 0x22);

    /* Low then high (how a 32-bit Linux writes a qword) */
    qigvt_writel(g, qigvt_ggtt_off(low + 10), RAM_PAGE1 | IGVT_PTE_PRESENT);
    qigvt_writel(g, qigvt_ggtt_off(low + 10) + 4, 0);
    g_assert_cmphex(qigvt_ap_read(g, gm, 8), ==, page_pattern(0x11, 0, 8));

    /* High then low */
    qigvt_writel(g, qigvt_ggtt_off(low + 11) + 4, 0);
    qigvt_writel(g, qigvt_ggtt_off(low + 11), RAM_PAGE2 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ggtt_read(g, low + 11), ==,
                    RAM_PAGE2 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ap_read(g, gm + PAGE, 8), ==,
                    page_pattern(0x22, 0, 8));

    /* High then low again, remapping a live entry */
    qigvt_writel(g, qigvt_ggtt_off(low + 10) + 4, 0);
    qigvt_writel(g, qigvt_ggtt_off(low + 10), RAM_PAGE2 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ggtt_read(g, low + 10), ==,
                    RAM_PAGE2 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ap_read(g, gm, 8), ==, page_pattern(0x22, 0, 8));

    /*
     * Half of a live entry written, between two written whole: the run
     * the three make reaches the host, the half-written entry does not
     */
    qigvt_ggtt_write(g, low + 9, RAM_PAGE1 | IGVT_PTE_PRESENT);
    qigvt_writel(g, qigvt_ggtt_off(low + 10), RAM_PAGE1 | IGVT_PTE_PRESENT);
    qigvt_ggtt_write(g, low + 11, RAM_PAGE1 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ap_read(g, gm, 8), ==, page_pattern(0x22, 0, 8));
    g_assert_cmphex(qigvt_ap_read(g, gm + PAGE, 8), ==,
                    page_pattern(0x11, 0, 8));
    qigvt_free(g);
}

/*
 * GGTT writes reach the backend in runs: a bind of consecutive entries
 * is one update, however it is written, once something looks (here the
 * QMP query); entries far apart are separate runs.  The run is validated
 * as a whole: an invalid entry in it is still caught.
 */
static void test_ggtt_batched(void)
{
    QIgvt *g = igvt_start_pv();
    uint64_t low = slice(g, "aperture-base") / PAGE;
    int64_t calls, entries, invalid;
    unsigned i;

    calls = qigvt_counter(g, "ggtt-backend-calls");
    entries = qigvt_counter(g, "ggtt-backend-entries");
    invalid = qigvt_counter(g, "ggtt-invalid-ptes");
    for (i = 0; i < 512; i++) {
        qigvt_ggtt_write(g, low + 16 + i,
                         (RAM_PAGE1 + (i % 3) * PAGE) | IGVT_PTE_PRESENT);
    }
    qigvt_ggtt_write(g, low + 300, QIGVT_PTE_NOT_RAM | IGVT_PTE_PRESENT);
    g_assert_cmpint(qigvt_counter(g, "ggtt-backend-calls"), ==, calls + 1);
    g_assert_cmpint(qigvt_counter(g, "ggtt-backend-entries"), ==,
                    entries + 512);
    g_assert_cmpint(qigvt_counter(g, "ggtt-invalid-ptes"), ==, invalid + 1);

    /* As two dwords, in reverse order: still one run */
    for (i = 512; i-- > 0;) {
        qigvt_writel(g, qigvt_ggtt_off(low + 16 + i) + 4, 0);
        qigvt_writel(g, qigvt_ggtt_off(low + 16 + i),
                     RAM_PAGE2 | IGVT_PTE_PRESENT);
    }
    g_assert_cmpint(qigvt_counter(g, "ggtt-backend-calls"), ==, calls + 2);
    g_assert_cmpint(qigvt_counter(g, "ggtt-backend-entries"), ==,
                    entries + 1024);

    /* Far apart: two runs */
    qigvt_ggtt_write(g, low + 1, RAM_PAGE3 | IGVT_PTE_PRESENT);
    qigvt_ggtt_write(g, low + 4000, RAM_PAGE3 | IGVT_PTE_PRESENT);
    g_assert_cmpint(qigvt_counter(g, "ggtt-backend-calls"), ==, calls + 4);
    g_assert_cmpint(qigvt_counter(g, "ggtt-backend-entries"), ==,
                    entries + 1026);
    qigvt_free(g);
}

/*
 * A register access, such as i915's GFX_FLSH_CNTL after a bind, or an
 * aperture access right after the GGTT write, sees the new entries
 * without any observer's help
 */
static void test_ggtt_flush_points(void)
{
    QIgvt *g = igvt_start_pv();
    uint64_t low = slice(g, "aperture-base") / PAGE;
    int64_t calls = qigvt_counter(g, "ggtt-backend-calls");

    fill_page(g->qts, RAM_PAGE1, 0x31);
    fill_page(g->qts, RAM_PAGE2, 0x32);
    qigvt_ggtt_write(g, low + 20, RAM_PAGE1 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ap_read(g, (low + 20) * PAGE, 8), ==,
                    page_pattern(0x31, 0, 8));
    qigvt_ggtt_write(g, low + 20, RAM_PAGE2 | IGVT_PTE_PRESENT);
    qigvt_writel(g, A_GFX_FLSH_CNTL, 1);
    g_assert_cmpint(qigvt_counter(g, "ggtt-backend-calls"), ==, calls + 2);
    g_assert_cmphex(qigvt_ap_read(g, (low + 20) * PAGE, 8), ==,
                    page_pattern(0x32, 0, 8));
    qigvt_free(g);
}

/*
 * 5. Aperture
 */

static void test_aperture_access(void)
{
    QIgvt *g = igvt_start_pv();
    uint64_t idx = slice(g, "aperture-base") / PAGE + 4;
    uint64_t gm = idx * PAGE;
    int64_t reads, writes, faults;
    uint64_t v;

    fill_page(g->qts, RAM_PAGE1, 0x40);
    fill_page(g->qts, RAM_PAGE2, 0x80);
    fill_page(g->qts, RAM_PAGE3, 0xc0);
    qigvt_ggtt_write(g, idx, RAM_PAGE1 | IGVT_PTE_PRESENT);
    /* idx + 1 stays unmapped */

    reads = qigvt_counter(g, "aperture-reads");
    writes = qigvt_counter(g, "aperture-writes");
    faults = qigvt_counter(g, "aperture-faults");

    g_assert_cmphex(qigvt_ap_read(g, gm + 8, 8), ==, page_pattern(0x40, 8, 8));
    g_assert_cmphex(qigvt_ap_read(g, gm + 0x104, 4), ==,
                    page_pattern(0x40, 0x104, 4));
    g_assert_cmphex(qigvt_ap_read(g, gm + 0x7fe, 2), ==,
                    page_pattern(0x40, 0x7fe, 2));
    g_assert_cmphex(qigvt_ap_read(g, gm + 0xfff, 1), ==,
                    page_pattern(0x40, 0xfff, 1));
    /* Unaligned, inside the page */
    g_assert_cmphex(qigvt_ap_read(g, gm + 0x203, 8), ==,
                    page_pattern(0x40, 0x203, 8));
    g_assert_cmpint(qigvt_counter(g, "aperture-reads"), ==, reads + 5);
    g_assert_cmpint(qigvt_counter(g, "aperture-faults"), ==, faults);

    /* Across into the unmapped page: the mapped half only */
    v = qigvt_ap_read(g, gm + PAGE - 4, 8);
    g_assert_cmphex(v, ==, page_pattern(0x40, PAGE - 4, 4));
    g_assert_cmpint(qigvt_counter(g, "aperture-faults"), >, faults);

    /* Writes reach guest RAM */
    qigvt_ap_write(g, gm + 0x300, 8, 0x0123456789abcdefull);
    g_assert_cmphex(qtest_readq(g->qts, RAM_PAGE1 + 0x300), ==,
                    0x0123456789abcdefull);
    qigvt_ap_write(g, gm + 0x308, 4, 0xfeedface);
    g_assert_cmphex(qtest_readl(g->qts, RAM_PAGE1 + 0x308), ==, 0xfeedface);
    qigvt_ap_write(g, gm + 0x30d, 2, 0xbeef);
    g_assert_cmphex(qtest_readw(g->qts, RAM_PAGE1 + 0x30d), ==, 0xbeef);
    qigvt_ap_write(g, gm + 0x310, 1, 0x5a);
    g_assert_cmphex(qtest_readb(g->qts, RAM_PAGE1 + 0x310), ==, 0x5a);
    g_assert_cmphex(qigvt_ap_read(g, gm + 0x308, 4), ==, 0xfeedface);
    g_assert_cmpint(qigvt_counter(g, "aperture-writes"), ==, writes + 4);

    /* A write across into the unmapped page writes the mapped part only */
    qigvt_ap_write(g, gm + PAGE - 2, 4, 0xa1b2c3d4);
    g_assert_cmphex(qtest_readw(g->qts, RAM_PAGE1 + PAGE - 2), ==, 0xc3d4);
    g_assert_cmphex(qtest_readw(g->qts, RAM_PAGE2), ==,
                    page_pattern(0x80, 0, 2));
    g_assert_cmphex(qtest_readw(g->qts, RAM_PAGE3), ==,
                    page_pattern(0xc0, 0, 2));

    /* Remapping the entry moves the aperture page */
    qigvt_ggtt_write(g, idx, RAM_PAGE3 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ap_read(g, gm + 0x300, 8), ==,
                    page_pattern(0xc0, 0x300, 8));
    qigvt_ap_write(g, gm + 0x400, 4, 0x600dcafe);
    g_assert_cmphex(qtest_readl(g->qts, RAM_PAGE3 + 0x400), ==, 0x600dcafe);
    g_assert_cmphex(qtest_readl(g->qts, RAM_PAGE1 + 0x400), ==,
                    page_pattern(0x40, 0x400, 4));
    qigvt_free(g);
}

/*
 * Fences: the CPU sees a fenced range of the aperture as a linear surface
 * over tiled memory.  Eight pages of guest RAM hold the tiles, with every
 * byte known; reads and writes of every size, aligned or not, through the
 * fence must land where the tiling puts them, and nowhere else.  A fence
 * turned off shows the raw tiles again; a GGTT remap moves a tile.
 */
typedef struct FenceCase {
    const char *name;
    QIgvtTiling tiling;
    uint32_t pitch;             /* bytes */
} FenceCase;

static const FenceCase fence_cases[] = {
    { "x", QIGVT_TILE_X, 1024 },        /* 2 X tiles a row, 4 rows */
    { "y", QIGVT_TILE_Y, 512 },         /* 4 Y tiles a row, 2 rows */
};

#define FENCE_PAGES         8
#define FENCE_RAM           0x200000

static uint8_t fence_byte(uint64_t tiled)
{
    return tiled * 7 + (tiled >> 8) * 13 + 1;
}

static void fence_program(QIgvt *g, unsigned n, uint64_t start, uint64_t size,
                          const FenceCase *c, bool valid)
{
    uint32_t lo = start | (c->tiling == QIGVT_TILE_Y ?
                           R_FENCE_LO_TILING_Y_MASK : 0) |
                  (valid ? R_FENCE_LO_VALID_MASK : 0);
    uint32_t hi = (start + size - PAGE) |
                  (c->pitch / IGVT_FENCE_PITCH_UNIT - 1);

    qigvt_writel(g, IGVT_FENCE_HI(n), hi);
    qigvt_writel(g, IGVT_FENCE_LO(n), lo);
}

static void test_aperture_fence(const void *opaque)
{
    const FenceCase *c = opaque;
    QIgvt *g = igvt_start_pv();
    uint64_t gm = slice(g, "aperture-base") + 16 * PAGE;
    uint64_t size = FENCE_PAGES * PAGE, rows = size / c->pitch;
    static const unsigned sizes[] = { 1, 2, 4, 8 };
    g_autofree uint8_t *ram = g_malloc(size);
    unsigned i, k;
    uint64_t off;

    for (off = 0; off < size; off++) {
        ram[off] = fence_byte(off);
    }
    qtest_memwrite(g->qts, FENCE_RAM, ram, size);
    qigvt_ggtt_map(g, gm, FENCE_RAM, size);
    fence_program(g, 1, gm, size, c, true);

    /* Reads: aligned and not, of every size, all over the surface */
    for (i = 0; i < 400; i++) {
        unsigned sz = sizes[i % ARRAY_SIZE(sizes)];
        uint64_t y = g_test_rand_int_range(0, rows);
        uint64_t xb = g_test_rand_int_range(0, c->pitch - sz + 1);
        uint64_t v = qigvt_ap_read(g, gm + y * c->pitch + xb, sz);

        if (i % 2) {
            xb &= ~(uint64_t)(sz - 1);
            v = qigvt_ap_read(g, gm + y * c->pitch + xb, sz);
        }
        for (k = 0; k < sz; k++) {
            uint64_t t = qigvt_tiled_offset(c->tiling, c->pitch, xb + k, y);

            g_assert_cmphex((v >> (8 * k)) & 0xff, ==, ram[t]);
        }
    }

    /* Writes land in the tiles, and only there */
    for (i = 0; i < 200; i++) {
        unsigned sz = sizes[i % ARRAY_SIZE(sizes)];
        uint64_t y = g_test_rand_int_range(0, rows);
        uint64_t xb = g_test_rand_int_range(0, c->pitch - sz + 1);
        uint64_t v = (uint64_t)g_test_rand_int() << 32 | g_test_rand_int();

        qigvt_ap_write(g, gm + y * c->pitch + xb, sz, v);
        for (k = 0; k < sz; k++) {
            ram[qigvt_tiled_offset(c->tiling, c->pitch, xb + k, y)] =
                v >> (8 * k);
        }
    }
    {
        g_autofree uint8_t *now = g_malloc(size);

        qtest_memread(g->qts, FENCE_RAM, now, size);
        g_assert_cmpmem(now, size, ram, size);
    }

    /* The fence off: the raw tiles */
    fence_program(g, 1, gm, size, c, false);
    g_assert_cmphex(qigvt_ap_read(g, gm + 0x1234, 4), ==,
                    (uint32_t)ldl_le_p(ram + 0x1234));
    /* On again, and a tile's page remapped: its bytes come from there */
    fence_program(g, 1, gm, size, c, true);
    fill_page(g->qts, RAM_PAGE1, 0x40);
    qigvt_ggtt_write(g, (gm + 3 * PAGE) / PAGE, RAM_PAGE1 | IGVT_PTE_PRESENT);
    for (off = 0; off < size; off += 4) {
        uint64_t y = off / c->pitch, xb = off % c->pitch;
        uint64_t t = qigvt_tiled_offset(c->tiling, c->pitch, xb, y);
        uint32_t want = t / PAGE == 3 ?
                        page_pattern(0x40, t % PAGE, 4) : ldl_le_p(ram + t);

        g_assert_cmphex(qigvt_ap_read(g, gm + off, 4), ==, want);
    }
    qigvt_free(g);
}

/* A page of guest RAM is unchanged from fill_page(@seed) */
static void assert_page_intact(QTestState *qts, uint64_t addr, uint8_t seed)
{
    uint8_t buf[PAGE];
    unsigned i;

    qtest_memread(qts, addr, buf, sizeof(buf));
    for (i = 0; i < PAGE; i++) {
        g_assert_cmphex(buf[i], ==, page_pattern(seed, i, 1));
    }
}

static void assert_aperture_fault(QIgvt *g, uint64_t off)
{
    int64_t faults = qigvt_counter(g, "aperture-faults");
    static const unsigned sizes[] = { 1, 2, 4, 8 };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(sizes); i++) {
        qigvt_ap_write(g, off, sizes[i], 0x1111111111111111ull);
        g_assert_cmphex(qigvt_ap_read(g, off, sizes[i]), ==, 0);
    }
    g_assert_cmpint(qigvt_counter(g, "aperture-faults"), >=, faults + 8);
}

static void test_aperture_faults(void)
{
    QIgvt *g = igvt_start_pv();
    uint64_t low = slice(g, "aperture-base");
    uint64_t idx = low / PAGE + 20;
    uint64_t gm = idx * PAGE;

    fill_page(g->qts, RAM_PAGE1, 0x17);
    fill_page(g->qts, RAM_PAGE2, 0x71);
    /* Map the whole first pages of the slice, so a leak would show */
    qigvt_ggtt_write(g, low / PAGE, RAM_PAGE1 | IGVT_PTE_PRESENT);
    qigvt_ggtt_write(g, idx - 1, RAM_PAGE1 | IGVT_PTE_PRESENT);
    qigvt_ggtt_write(g, idx + 1, RAM_PAGE1 | IGVT_PTE_PRESENT);

    /* Outside the slice, inside the BAR */
    assert_aperture_fault(g, low + QIGVT_LOW_GM_SIZE);
    assert_aperture_fault(g, low + QIGVT_LOW_GM_SIZE + 0x10);
    assert_aperture_fault(g, QIGVT_APERTURE_SIZE - 8);
    g_assert_cmphex(qigvt_ap_read(g, QIGVT_APERTURE_SIZE - 1, 1), ==, 0);
    /* A never-written entry */
    assert_aperture_fault(g, gm);
    /* A non-present entry */
    qigvt_ggtt_write(g, idx, RAM_PAGE2);
    assert_aperture_fault(g, gm + 0x100);
    /* An entry outside guest RAM */
    qigvt_ggtt_write(g, idx, QIGVT_PTE_NOT_RAM | IGVT_PTE_PRESENT);
    assert_aperture_fault(g, gm + 0x200);
    /* Entries pointing at MMIO: PVINFO and the aperture itself */
    qigvt_ggtt_write(g, idx,
                     (g->mmio.addr + IGVT_PVINFO_BASE) | IGVT_PTE_PRESENT);
    assert_aperture_fault(g, gm);
    qigvt_ggtt_write(g, idx, (g->aperture.addr + low) | IGVT_PTE_PRESENT);
    assert_aperture_fault(g, gm);
    /* A valid entry unmapped again */
    qigvt_ggtt_write(g, idx, RAM_PAGE2 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ap_read(g, gm, 4), ==, page_pattern(0x71, 0, 4));
    qigvt_ggtt_write(g, idx, RAM_PAGE2);
    assert_aperture_fault(g, gm + 0x300);

    /* None of those writes went anywhere */
    assert_page_intact(g->qts, RAM_PAGE1, 0x17);
    assert_page_intact(g->qts, RAM_PAGE2, 0x71);
    g_assert_cmphex(qigvt_readq(g, IGVT_PVINFO_MAGIC_OFF), ==,
                    IGVT_PVINFO_MAGIC);
    qigvt_assert_running(g->qts);
    qigvt_free(g);
}

/*
 * The aperture shows the aperture slice only: an access running past the
 * end of BAR2 must not reach the hidden slice, even where that starts
 * right at aperture-size.
 */
static void test_aperture_end(void)
{
    QIgvt *g = qigvt_startf(0, QIGVT_MACHINE "-device igvt-vga,addr=02.0,"
                            "aperture-size=512M,low-gm-size=512M,"
                            "high-gm-size=64M");
    QTestState *qts = g->qts;
    uint64_t top = 512 * MiB;
    int64_t faults;
    QDict *info;

    /* 512 MiB does not fit libqos' window: put BAR2 in the PCI hole */
    g->aperture.addr = 0x40000000;
    qpci_config_writel(g->dev, PCI_BASE_ADDRESS_2, g->aperture.addr);
    qpci_config_writel(g->dev, PCI_BASE_ADDRESS_3, 0);
    info = qigvt_query(g);
    g_assert_cmphex(qdict_get_int(qdict_get_qdict(info, "gmadr"), "address"),
                    ==, g->aperture.addr);
    qobject_unref(info);
    g_assert_cmphex(qigvt_readq(g, IGVT_PVINFO_MAGIC_OFF), ==,
                    IGVT_PVINFO_MAGIC);
    g_assert_cmphex(slice(g, "aperture-base") +
                    slice(g, "aperture-size"), ==, top);
    g_assert_cmphex(slice(g, "hidden-base"), ==, top);

    fill_page(qts, RAM_PAGE1, 0x21);
    fill_page(qts, RAM_PAGE2, 0x43);
    qigvt_ggtt_write(g, top / PAGE - 1, RAM_PAGE1 | IGVT_PTE_PRESENT);
    qigvt_ggtt_write(g, top / PAGE, RAM_PAGE2 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ap_read(g, top - 8, 8), ==,
                    page_pattern(0x21, PAGE - 8, 8));
    faults = qigvt_counter(g, "aperture-faults");
    g_assert_cmphex(qigvt_ap_read(g, top - 4, 8), ==,
                    page_pattern(0x21, PAGE - 4, 4));
    qigvt_ap_write(g, top - 4, 8, 0);
    assert_page_intact(qts, RAM_PAGE2, 0x43);
    g_assert_cmphex(qtest_readl(qts, RAM_PAGE1 + PAGE - 4), ==, 0);
    g_assert_cmpint(qigvt_counter(g, "aperture-faults"), >, faults);

    qigvt_free(g);
}

/*
 * 6. query-igvt and "info igvt"
 */

static void test_query(void)
{
    QTestState *qts = qtest_init(QIGVT_ARGS ",id=gpu0");
    QPCIBus *bus = qpci_new_pc(qts, NULL);
    QIgvt *g;
    QDict *info, *bar, *sl, *c, *ret;

    /* Before the firmware maps the BARs */
    info = qigvt_query_at(qts, "00:02.0");
    g_assert_cmpstr(qdict_get_str(info, "qom-path"), ==,
                    "/machine/peripheral/gpu0");
    g_assert_cmpstr(qdict_get_str(info, "id"), ==, "gpu0");
    g_assert_cmpstr(qdict_get_str(info, "model"), ==, "skl");
    g_assert_cmpstr(qdict_get_str(info, "backend"), ==, "soft");
    /* The software GPU says what it does not render */
    g_assert_cmpstr(qstring_get_str(qobject_to(QString, qlist_peek(
        qdict_get_qlist(info, "backend-executes")))), ==, "mi");
    g_assert_cmpint(qlist_size(qdict_get_qlist(info, "backend-executes")),
                    ==, 2);
    g_assert_cmpstr(qstring_get_str(qobject_to(QString, qlist_peek(
        qdict_get_qlist(info, "backend-skips")))), ==, "render-3d");
    g_assert_cmpint(qlist_size(qdict_get_qlist(info, "backend-skips")),
                    ==, 3);
    bar = qdict_get_qdict(info, "gttmmadr");
    g_assert_false(qdict_haskey(bar, "address"));
    g_assert_cmphex(qdict_get_int(bar, "size"), ==, IGVT_GTTMMADR_SIZE);
    bar = qdict_get_qdict(info, "gmadr");
    g_assert_false(qdict_haskey(bar, "address"));
    g_assert_cmphex(qdict_get_int(bar, "size"), ==, QIGVT_APERTURE_SIZE);
    sl = qdict_get_qdict(info, "slices");
    g_assert_cmphex(qdict_get_int(sl, "aperture-size"), ==, QIGVT_LOW_GM_SIZE);
    g_assert_cmphex(qdict_get_int(sl, "hidden-size"), ==, QIGVT_HIGH_GM_SIZE);
    g_assert_cmphex(qdict_get_int(sl, "aperture-base") % (2 * MiB), ==, 0);
    g_assert_cmphex(qdict_get_int(sl, "hidden-base") % (2 * MiB), ==, 0);
    g_assert_cmpuint(qdict_get_int(sl, "fences"), ==, 4);
    g_assert_cmpuint(qdict_get_int(sl, "fence-base"), ==, 0);
    g_assert_false(qdict_get_bool(info, "pv-ready"));
    g_assert_false(qdict_get_bool(info, "display-ready"));
    g_assert_true(qdict_get_bool(info, "vga"));
    g_assert_false(qdict_get_bool(info, "failsafe"));
    g_assert_false(qdict_haskey(info, "failsafe-reason"));
    c = qdict_get_qdict(info, "counters");
    g_assert_cmpint(qdict_get_int(c, "mmio-reads"), ==, 0);
    g_assert_cmpint(qdict_get_int(c, "mmio-writes"), ==, 0);
    g_assert_cmpint(qdict_get_int(c, "mmio-untracked"), ==, 0);
    g_assert_cmpint(qdict_get_int(c, "mmio-invalid"), ==, 0);
    g_assert_cmpint(qdict_get_int(c, "ggtt-writes"), ==, 0);
    g_assert_cmpint(qdict_get_int(c, "ggtt-invalid-ptes"), ==, 0);
    g_assert_cmpint(qdict_get_int(c, "ggtt-dropped"), ==, 0);
    g_assert_cmpint(qdict_get_int(c, "aperture-reads"), ==, 0);
    g_assert_cmpint(qdict_get_int(c, "aperture-writes"), ==, 0);
    g_assert_cmpint(qdict_get_int(c, "aperture-faults"), ==, 0);

    /* The QOM path is the device's */
    ret = qtest_qmp_assert_success_ref(qts, "{'execute': 'qom-list', "
                                       "'arguments': {'path': %s}}",
                                       qdict_get_str(info, "qom-path"));
    qobject_unref(ret);
    qobject_unref(info);

    /* The BAR addresses are what PCI config space says */
    g = qigvt_attach(qts, bus, 2, QIGVT_APERTURE);
    info = qigvt_query(g);
    g_assert_cmphex(qdict_get_int(qdict_get_qdict(info, "gttmmadr"),
                                  "address"), ==,
                    qpci_config_readl(g->dev, PCI_BASE_ADDRESS_0) &
                    PCI_BASE_ADDRESS_MEM_MASK);
    g_assert_cmphex(qdict_get_int(qdict_get_qdict(info, "gttmmadr"),
                                  "address"), ==, g->mmio.addr);
    g_assert_cmphex(qdict_get_int(qdict_get_qdict(info, "gmadr"),
                                  "address"), ==,
                    qpci_config_readl(g->dev, PCI_BASE_ADDRESS_2) &
                    PCI_BASE_ADDRESS_MEM_MASK);
    qobject_unref(info);

    /* Counters follow the accesses */
    qigvt_readq(g, IGVT_PVINFO_MAGIC_OFF);
    qigvt_readl(g, UNTRACKED);
    qigvt_writel(g, UNTRACKED, 1);
    qigvt_writeb(g, UNTRACKED + 1, 1);
    qigvt_readl(g, UNTRACKED + 1);
    qigvt_readl(g, 4 * MiB);
    qigvt_ggtt_write(g, 0, RAM_PAGE1 | IGVT_PTE_PRESENT);
    qigvt_ggtt_write(g, 1, QIGVT_PTE_NOT_RAM | IGVT_PTE_PRESENT);
    qigvt_ggtt_write(g, IGVT_GTT_ENTRIES - 1, 0);
    qigvt_ap_read(g, 0, 4);
    qigvt_ap_read(g, PAGE, 4);
    qigvt_ap_write(g, 0, 4, 0);
    info = qigvt_query(g);
    c = qdict_get_qdict(info, "counters");
    g_assert_true(qdict_get_bool(info, "pv-ready"));
    g_assert_cmpint(qdict_get_int(c, "mmio-reads"), ==, 3);
    g_assert_cmpint(qdict_get_int(c, "mmio-writes"), ==, 2);
    g_assert_cmpint(qdict_get_int(c, "mmio-untracked"), ==, 3);
    g_assert_cmpint(qdict_get_int(c, "mmio-invalid"), ==, 2);
    g_assert_cmpint(qdict_get_int(c, "ggtt-writes"), ==, 3);
    g_assert_cmpint(qdict_get_int(c, "ggtt-invalid-ptes"), ==, 1);
    g_assert_cmpint(qdict_get_int(c, "ggtt-dropped"), ==, 1);
    g_assert_cmpint(qdict_get_int(c, "aperture-reads"), ==, 2);
    g_assert_cmpint(qdict_get_int(c, "aperture-writes"), ==, 1);
    g_assert_cmpint(qdict_get_int(c, "aperture-faults"), ==, 1);
    qobject_unref(info);

    qigvt_free(g);
    qpci_free_pc(bus);
    qtest_quit(qts);
}

static void test_query_no_device(void)
{
    QTestState *qts = qtest_init("-machine q35 -nodefaults");
    QDict *resp = qtest_qmp(qts, "{'execute': 'query-igvt'}");
    g_autofree char *hmp = NULL;

    g_assert(qdict_haskey(resp, "return"));
    g_assert_cmpuint(qlist_size(qdict_get_qlist(resp, "return")), ==, 0);
    qobject_unref(resp);
    hmp = qtest_hmp(qts, "info igvt");
    g_assert_nonnull(strstr(hmp, "No igvt vGPU"));
    qtest_quit(qts);
}

static void test_query_hmp(void)
{
    QIgvt *g = igvt_start();
    QDict *info = qigvt_query(g);
    g_autofree char *hmp = NULL;
    g_autofree char *bar0 = NULL;

    hmp = qtest_hmp(g->qts, "info igvt");
    g_test_message("%s", hmp);
    g_assert_nonnull(strstr(hmp, "igvt vGPU"));
    g_assert_nonnull(strstr(hmp, qdict_get_str(info, "qom-path")));
    g_assert_nonnull(strstr(hmp, "00:02.0"));
    g_assert_nonnull(strstr(hmp, "skl"));
    g_assert_nonnull(strstr(hmp, "soft"));
    bar0 = g_strdup_printf("0x%" PRIx64, g->mmio.addr);
    g_assert_nonnull(strstr(hmp, bar0));
    g_assert_nonnull(strstr(hmp, "failsafe no"));
    g_assert_null(strstr(hmp, "(unmapped)"));
    qobject_unref(info);
    qigvt_free(g);
}

/* Two ranges [a, a + as) and [b, b + bs) are disjoint */
static void assert_disjoint(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
    g_assert_true(a + as <= b || b + bs <= a);
}

static void test_query_two_vgpus(void)
{
    QIgvt *a = qigvt_startf(QIGVT_APERTURE, "%s -device igvt-vga,addr=03.0,"
                            "id=b,aperture-size=64M,low-gm-size=16M,"
                            "high-gm-size=32M,fences=2", QIGVT_ARGS);
    QIgvt *b = qigvt_attach(a->qts, a->bus, 3, QIGVT_APERTURE);
    QDict *ia, *ib, *sa, *sb;
    uint64_t a_low, b_low;

    ia = qigvt_query(a);
    ib = qigvt_query(b);
    g_assert_cmpstr(qdict_get_str(ib, "qom-path"), ==,
                    "/machine/peripheral/b");
    g_assert_false(qdict_haskey(ia, "id"));
    sa = qdict_get_qdict(ia, "slices");
    sb = qdict_get_qdict(ib, "slices");
    g_assert_cmphex(qdict_get_int(sb, "aperture-size"), ==, 16 * MiB);
    g_assert_cmphex(qdict_get_int(sb, "hidden-size"), ==, 32 * MiB);
    g_assert_cmpuint(qdict_get_int(sb, "fences"), ==, 2);

    /* No graphics memory or fence is shared */
    assert_disjoint(qdict_get_int(sa, "aperture-base"), QIGVT_LOW_GM_SIZE,
                    qdict_get_int(sb, "aperture-base"), 16 * MiB);
    assert_disjoint(qdict_get_int(sa, "aperture-base"), QIGVT_LOW_GM_SIZE,
                    qdict_get_int(sb, "hidden-base"), 32 * MiB);
    assert_disjoint(qdict_get_int(sa, "hidden-base"), QIGVT_HIGH_GM_SIZE,
                    qdict_get_int(sb, "aperture-base"), 16 * MiB);
    assert_disjoint(qdict_get_int(sa, "hidden-base"), QIGVT_HIGH_GM_SIZE,
                    qdict_get_int(sb, "hidden-base"), 32 * MiB);
    assert_disjoint(qdict_get_int(sa, "fence-base"), 4,
                    qdict_get_int(sb, "fence-base"), 2);
    a_low = qdict_get_int(sa, "aperture-base");
    b_low = qdict_get_int(sb, "aperture-base");
    qobject_unref(ia);
    qobject_unref(ib);

    /* Each sees its own resources in PVINFO */
    check_pvinfo(a, 4);
    check_pvinfo(b, 2);
    g_assert_cmpuint(qigvt_readl(a, IGVT_PVINFO_VGT_ID), !=,
                     qigvt_readl(b, IGVT_PVINFO_VGT_ID));

    /* ... and cannot reach the other's */
    fill_page(a->qts, RAM_PAGE1, 0x33);
    qigvt_ggtt_write(a, a_low / PAGE, RAM_PAGE1 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ap_read(a, a_low, 8), ==, page_pattern(0x33, 0, 8));
    qigvt_ggtt_write(b, a_low / PAGE, RAM_PAGE2 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ggtt_read(b, a_low / PAGE), ==, 0);
    g_assert_cmpint(qigvt_counter(b, "ggtt-dropped"), ==, 1);
    g_assert_cmphex(qigvt_ggtt_read(a, a_low / PAGE), ==,
                    RAM_PAGE1 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ap_read(a, a_low, 8), ==, page_pattern(0x33, 0, 8));
    g_assert_cmphex(qigvt_ap_read(b, a_low, 8), ==, 0);
    g_assert_cmpint(qigvt_counter(b, "aperture-faults"), ==, 1);
    qigvt_ap_write(b, a_low, 8, 0);
    assert_page_intact(a->qts, RAM_PAGE1, 0x33);
    /* b's own slice works */
    qigvt_ggtt_write(b, b_low / PAGE, RAM_PAGE1 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ap_read(b, b_low + 8, 8), ==,
                    page_pattern(0x33, 8, 8));
    g_assert_cmphex(qigvt_ggtt_read(a, b_low / PAGE), ==, 0);
    g_assert_cmphex(qigvt_ap_read(a, b_low, 8), ==, 0);

    qigvt_free(b);
    qigvt_free(a);
}

/* A vGPU whose slices cannot be found is refused */
static void test_query_no_room(void)
{
    /* The second aperture slice must lie below its 32 MiB BAR: taken */
    assert_launch_fails(QIGVT_DEVICE " -device igvt-vga,addr=03.0,"
                        "aperture-size=32M,low-gm-size=16M,"
                        "high-gm-size=32M", "no room for a 16 MiB aperture");
    /* All of the hidden graphics memory */
    assert_launch_fails(QIGVT_DEVICE ",high-gm-size=4G",
                        "no room for a 4096 MiB hidden slice");
    /* All fences */
    assert_launch_fails(QIGVT_DEVICE ",fences=32 -device igvt-vga,"
                        "addr=03.0,aperture-size=64M,low-gm-size=16M,"
                        "high-gm-size=32M,fences=1", "fence registers");
    /* ... which the same vGPUs fit in with room to spare */
    assert_launch(QIGVT_DEVICE ",fences=31 -device igvt-vga,addr=03.0,"
                  "aperture-size=64M,low-gm-size=16M,high-gm-size=32M,"
                  "fences=1", 0, NULL);
}

/*
 * 7. Bad host input
 */

static void test_bad_properties(void)
{
    static const struct {
        const char *props;
        const char *err;
    } bad[] = {
        { "aperture-size=48M", "aperture-size must be a power of two" },
        { "aperture-size=8M,low-gm-size=4M", "aperture-size must be" },
        { "aperture-size=4G", "aperture-size must be" },
        { "aperture-size=64M,low-gm-size=128M", "does not fit" },
        { "low-gm-size=3M", "multiples of 2 MiB" },
        { "low-gm-size=0", "multiples of 2 MiB" },
        { "high-gm-size=0", "multiples of 2 MiB" },
        { "fences=0", "fences must be between 1 and 32" },
        { "fences=33", "fences must be between 1 and 32" },
        { "weight=0", "weight must be between 1 and 16" },
        { "weight=17", "weight must be between 1 and 16" },
        { "x-watchdog-ms=10001", "x-watchdog-ms must be at most 10000" },
        { "model=foo", "foo" },
        { "backend=foo", "foo" },
        { "backend=host", "igvt" },
        { "aperture-size=junk", "aperture-size" },
    };
    unsigned i;

    /* The mechanism first: a good configuration starts and quits */
    assert_launch(QIGVT_DEVICE, 0, NULL);
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        g_autofree char *args = g_strdup_printf("-device igvt-vga,addr=02.0,"
                                                "aperture-size=64M,"
                                                "low-gm-size=32M,%s",
                                                bad[i].props);

        assert_launch_fails(args, bad[i].err);
    }
    /*
     * Behind an IOMMU the device's DMA would be translated (and faults
     * reported) outside the BQL, where its GPU thread runs: refused
     */
    assert_launch_fails("-device intel-iommu " QIGVT_DEVICE,
                        "does not work behind an IOMMU");
}

static void test_not_hotpluggable(void)
{
    QTestState *qts = qtest_init("-machine q35 -nodefaults");
    QDict *r = qtest_qmp(qts, "{'execute': 'device_add', 'arguments': "
                         "{'driver': 'igvt-vga', 'addr': '02.0', "
                         "'aperture-size': 67108864, "
                         "'low-gm-size': 33554432}}");

    g_assert_true(qdict_haskey(r, "error"));
    qobject_unref(r);
    r = qtest_qmp(qts, "{'execute': 'query-igvt'}");
    g_assert_cmpuint(qlist_size(qdict_get_qlist(r, "return")), ==, 0);
    qobject_unref(r);
    qtest_quit(qts);
}

/*
 * 8. Hostile input
 */

static void test_hostile_mmio(void)
{
    QIgvt *g = igvt_start_pv();
    static const uint32_t offs[] = {
        0x0, IGVT_RCS_BASE + IGVT_RING_MI_MODE,
        IGVT_RCS_BASE + IGVT_RING_RESET_CTL, A_GEN7_GT_MODE, A_GEN8_FUSE2,
        A_GDRST, A_FORCEWAKE_RENDER_GEN9, A_GEN8_MASTER_IRQ,
        IGVT_GEN8_GT_IIR(0), A_VGACNTRL, IGVT_PVINFO_BASE,
        IGVT_FENCE_BASE, IGVT_FENCE_BASE + 0xf8, A_GEN6_PCODE_MAILBOX,
        A_GEN6_RP_STATE_CAP, IGVT_MMIO_SIZE - 16,
    };
    static const unsigned sizes[] = { 1, 2, 4, 8 };
    int64_t invalid, expect = 0;
    unsigned i, j, mis;

    /* Misaligned accesses are refused: no effect, read 0 */
    qigvt_writel(g, UNTRACKED, 0x01020304);
    qigvt_writel(g, UNTRACKED + 4, 0x05060708);
    invalid = qigvt_counter(g, "mmio-invalid");
    for (i = 0; i < ARRAY_SIZE(sizes); i++) {
        for (mis = 1; mis < sizes[i]; mis++) {
            qigvt_write(g, UNTRACKED + mis, sizes[i], 0xffffffffffffffffull);
            g_assert_cmphex(qigvt_read(g, UNTRACKED + mis, sizes[i]), ==, 0);
            expect += 2;
        }
    }
    /* An 8-byte access must be 8-byte aligned */
    qigvt_writeq(g, UNTRACKED + 4, 0xffffffffffffffffull);
    g_assert_cmphex(qigvt_readq(g, UNTRACKED + 4), ==, 0);
    expect += 2;
    g_assert_cmpint(qigvt_counter(g, "mmio-invalid"), ==, invalid + expect);
    g_assert_cmphex(qigvt_readq(g, UNTRACKED), ==, 0x0506070801020304ull);
    /* Misaligned accesses to PVINFO read nothing either */
    g_assert_cmphex(qigvt_readl(g, IGVT_PVINFO_MAGIC_OFF + 1), ==, 0);

    /* Every size at every alignment on interesting registers */
    for (i = 0; i < ARRAY_SIZE(offs); i++) {
        for (j = 0; j < ARRAY_SIZE(sizes); j++) {
            for (mis = 0; mis < 8; mis++) {
                qigvt_write(g, offs[i] + mis, sizes[j], rand64());
                qigvt_read(g, offs[i] + mis, sizes[j]);
            }
        }
    }
    /* Across the end of the register file into the hole */
    g_assert_cmphex(qigvt_readq(g, IGVT_MMIO_SIZE - 4) >> 32, ==, 0);
    qigvt_writeq(g, IGVT_MMIO_SIZE - 4, 0xffffffffffffffffull);
    qigvt_readl(g, IGVT_MMIO_SIZE - 2);
    qigvt_assert_running(g->qts);

    /* Still the same device */
    g_assert_cmphex(qigvt_readq(g, IGVT_PVINFO_MAGIC_OFF), ==,
                    IGVT_PVINFO_MAGIC);
    g_assert_cmphex(qigvt_readl(g, A_GEN8_FUSE2), ==,
                    (1u << R_GEN8_FUSE2_S_ENA_SHIFT) |
                    (0x8u << R_GEN8_FUSE2_SS_DIS_SHIFT));
    qigvt_writel(g, A_GDRST, R_GDRST_FULL_MASK);
    g_assert_cmphex(qigvt_readl(g, A_GDRST), ==, 0);
    qigvt_free(g);
}

static void test_hostile_bar0_hole(void)
{
    QIgvt *g = igvt_start_pv();
    static const uint64_t offs[] = {
        IGVT_MMIO_SIZE, IGVT_MMIO_SIZE + 1, 3 * MiB + 3, 5 * MiB,
        IGVT_GTT_OFFSET - 8,
    };
    static const unsigned sizes[] = { 1, 2, 4, 8 };
    int64_t invalid;
    unsigned i, j;

    qigvt_ggtt_write(g, 0, RAM_PAGE1 | IGVT_PTE_PRESENT);
    qigvt_writel(g, IGVT_MMIO_SIZE - 4, 0x12345678);
    invalid = qigvt_counter(g, "mmio-invalid");
    for (i = 0; i < ARRAY_SIZE(offs); i++) {
        for (j = 0; j < ARRAY_SIZE(sizes); j++) {
            qigvt_write(g, offs[i], sizes[j], 0xffffffffffffffffull);
            g_assert_cmphex(qigvt_read(g, offs[i], sizes[j]), ==, 0);
        }
    }
    g_assert_cmpint(qigvt_counter(g, "mmio-invalid"), ==,
                    invalid + 2 * ARRAY_SIZE(offs) * ARRAY_SIZE(sizes));
    /* Nothing around the hole changed */
    g_assert_cmphex(qigvt_ggtt_read(g, 0), ==, RAM_PAGE1 | IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_readl(g, IGVT_MMIO_SIZE - 4), ==, 0x12345678);
    /* Across into the GGTT */
    qigvt_readq(g, IGVT_GTT_OFFSET - 4);
    qigvt_writeq(g, IGVT_GTT_OFFSET - 4, 0xffffffffffffffffull);
    g_assert_cmphex(qigvt_readl(g, IGVT_MMIO_SIZE - 4), ==, 0x12345678);
    g_assert_cmphex(qigvt_readq(g, IGVT_PVINFO_MAGIC_OFF), ==,
                    IGVT_PVINFO_MAGIC);
    qigvt_assert_running(g->qts);
    qigvt_free(g);
}

static void pvinfo_fill(QIgvt *g, bool random)
{
    static const unsigned sizes[] = { 1, 2, 4, 8 };
    unsigned i, off;

    for (i = 0; i < ARRAY_SIZE(sizes); i++) {
        for (off = 0; off < IGVT_PVINFO_SIZE; off += sizes[i]) {
            qigvt_write(g, IGVT_PVINFO_BASE + off, sizes[i],
                        random ? rand64() : 0xffffffffffffffffull);
        }
    }
}

static void test_hostile_pvinfo(void)
{
    QIgvt *g = igvt_start();

    assert_failsafe(g, NULL);
    pvinfo_fill(g, false);
    pvinfo_fill(g, true);
    qigvt_assert_running(g->qts);

    /* The device's part of PVINFO is intact */
    check_pvinfo(g, 4);
    g_assert_cmpuint(qigvt_readl(g, IGVT_PVINFO_VGT_ID), ==, 1);

    /* Writing rsv5 is the guest saying its resources are too few */
    assert_failsafe(g, "insufficient-resource");
    qigvt_reset(g);
    assert_failsafe(g, NULL);
    check_pvinfo(g, 4);

    /* Any write to any rsv5 dword does it */
    qigvt_writel(g, IGVT_PVINFO_RSV5 + 12, 0);
    assert_failsafe(g, "insufficient-resource");
    qigvt_reset(g);
    qigvt_writeb(g, IGVT_PVINFO_RSV5 + 5, 1);
    assert_failsafe(g, "insufficient-resource");
    qigvt_reset(g);
    /* But not one next to it */
    qigvt_writel(g, IGVT_PVINFO_RSV5 - 4, 0xffffffff);
    qigvt_writel(g, IGVT_PVINFO_RSV5 + 16, 0xffffffff);
    assert_failsafe(g, NULL);
    qigvt_free(g);
}

static void test_hostile_ggtt(void)
{
    QIgvt *g = igvt_start_pv();
    uint64_t low = slice(g, "aperture-base") / PAGE;
    uint64_t high = slice(g, "hidden-base") / PAGE;
    static const unsigned sizes[] = { 1, 2, 4, 8 };
    const uint64_t e0 = RAM_PAGE1 | IGVT_PTE_PRESENT;
    g_autofree uint64_t *shadow = g_new0(uint64_t, IGVT_GTT_ENTRIES);
    g_autofree uint32_t *written = g_new0(uint32_t, 2048);
    int64_t invalid, dropped, expect = 0, outside = 0;
    unsigned i, mis, n = 0;

    /* Only naturally aligned 4- and 8-byte accesses are allowed */
    qigvt_ggtt_write(g, low, e0);
    invalid = qigvt_counter(g, "mmio-invalid");
    for (i = 0; i < ARRAY_SIZE(sizes); i++) {
        for (mis = 0; mis < 8; mis++) {
            if ((sizes[i] == 4 || sizes[i] == 8) && !(mis % sizes[i])) {
                continue;
            }
            qigvt_write(g, qigvt_ggtt_off(low) + mis, sizes[i], rand64());
            g_assert_cmphex(qigvt_read(g, qigvt_ggtt_off(low) + mis,
                                       sizes[i]), ==, 0);
            expect += 2;
        }
    }
    g_assert_cmpint(qigvt_counter(g, "mmio-invalid"), ==, invalid + expect);
    g_assert_cmphex(qigvt_ggtt_read(g, low), ==, e0);

    /* Random values at random entries, half of them in the slices */
    dropped = qigvt_counter(g, "ggtt-dropped");
    for (i = 0; i < 2048; i++) {
        uint64_t pte = rand64();
        uint32_t idx;

        switch (i % 4) {
        case 0:
            idx = low + g_test_rand_int_range(0, QIGVT_LOW_GM_SIZE / PAGE);
            break;
        case 1:
            idx = high + g_test_rand_int_range(0, QIGVT_HIGH_GM_SIZE / PAGE);
            break;
        default:
            idx = g_test_rand_int_range(0, IGVT_GTT_ENTRIES);
            break;
        }
        if (i % 3 == 0) {
            /* A plausible present entry in or near guest RAM */
            pte = (pte & 0x0ffff000) | IGVT_PTE_PRESENT;
        }
        if (i % 5 == 0) {
            qigvt_writel(g, qigvt_ggtt_off(idx), pte);
            qigvt_writel(g, qigvt_ggtt_off(idx) + 4, pte >> 32);
        } else {
            qigvt_ggtt_write(g, idx, pte);
        }
        if ((idx >= low && idx < low + QIGVT_LOW_GM_SIZE / PAGE) ||
            (idx >= high && idx < high + QIGVT_HIGH_GM_SIZE / PAGE)) {
            shadow[idx] = pte;
        } else {
            outside += i % 5 == 0 ? 2 : 1;
        }
        written[n++] = idx;
    }
    qigvt_assert_running(g->qts);
    g_assert_cmpint(qigvt_counter(g, "ggtt-dropped"), ==, dropped + outside);
    for (i = 0; i < n; i++) {
        g_assert_cmphex(qigvt_ggtt_read(g, written[i]), ==, shadow[written[i]]);
    }

    /* Huge values: every bit set, with and without present */
    qigvt_ggtt_write(g, low + 1, UINT64_MAX);
    g_assert_cmphex(qigvt_ggtt_read(g, low + 1), ==, UINT64_MAX);
    qigvt_ggtt_write(g, low + 1, UINT64_MAX & ~IGVT_PTE_PRESENT);
    g_assert_cmphex(qigvt_ggtt_read(g, low + 1), ==,
                    UINT64_MAX & ~IGVT_PTE_PRESENT);
    qigvt_ggtt_write(g, IGVT_GTT_ENTRIES - 1, UINT64_MAX);
    g_assert_cmphex(qigvt_ggtt_read(g, IGVT_GTT_ENTRIES - 1), ==, 0);
    qigvt_assert_running(g->qts);
    qigvt_free(g);
}

static void test_hostile_aperture(void)
{
    QIgvt *g = igvt_start_pv();
    uint64_t low = slice(g, "aperture-base") / PAGE;
    int64_t reads = qigvt_counter(g, "aperture-reads");
    int64_t writes = qigvt_counter(g, "aperture-writes");
    unsigned i, n = 0;
    uint64_t off;

    /* Some entries map RAM, some do not */
    for (i = 0; i < QIGVT_LOW_GM_SIZE / PAGE; i += 97) {
        uint64_t pte = (uint64_t)(0x300 + i % 512) * PAGE;

        qigvt_ggtt_write(g, low + i, i % 2 ? pte | IGVT_PTE_PRESENT :
                         rand64() | IGVT_PTE_PRESENT);
    }
    /* Accesses of every size, everywhere in the BAR */
    for (off = 0; off < QIGVT_APERTURE_SIZE; off += 64 * KiB + 4093) {
        unsigned size = 1 << g_test_rand_int_range(0, 4);

        qigvt_ap_write(g, off, size, rand64());
        qigvt_ap_read(g, off, size);
        n++;
    }
    g_assert_cmpint(qigvt_counter(g, "aperture-reads"), ==, reads + n);
    g_assert_cmpint(qigvt_counter(g, "aperture-writes"), ==, writes + n);
    /* The last bytes, and across the end of the BAR */
    qigvt_ap_write(g, QIGVT_APERTURE_SIZE - 1, 1, 0xff);
    g_assert_cmphex(qigvt_ap_read(g, QIGVT_APERTURE_SIZE - 1, 1), ==, 0);
    qigvt_ap_read(g, QIGVT_APERTURE_SIZE - 4, 8);
    qigvt_ap_write(g, QIGVT_APERTURE_SIZE - 4, 8, UINT64_MAX);
    qigvt_assert_running(g->qts);
    g_assert_cmphex(qigvt_readq(g, IGVT_PVINFO_MAGIC_OFF), ==,
                    IGVT_PVINFO_MAGIC);
    qigvt_free(g);
}

/*
 * 9. Failsafe on a guest that is not GVT-g aware
 */

static void test_failsafe_unsupported_guest(void)
{
    QIgvt *g = igvt_start();
    uint32_t ring_mode = IGVT_RCS_BASE + IGVT_RING_MODE;

    /* Execlists on without having looked at PVINFO: a native driver */
    qigvt_writel(g, ring_mode, 0x80008000);
    assert_failsafe(g, "unsupported-guest");
    g_assert_false(query_bool(g, "pv-ready"));
    /* The first reason stays */
    qigvt_writel(g, IGVT_PVINFO_RSV5, 1);
    assert_failsafe(g, "unsupported-guest");
    qigvt_assert_running(g->qts);

    /* A reset gives the next driver a chance: this one reads PVINFO */
    qigvt_reset(g);
    assert_failsafe(g, NULL);
    g_assert_cmphex(qigvt_readq(g, IGVT_PVINFO_MAGIC_OFF), ==,
                    IGVT_PVINFO_MAGIC);
    qigvt_writel(g, ring_mode, 0x80008000);
    g_assert_cmphex(qigvt_readl(g, ring_mode), ==, 0x8000);
    qigvt_writel(g, IGVT_BCS_BASE + IGVT_RING_MODE, 0x80008000);
    assert_failsafe(g, NULL);

    /* Other engines count too */
    qigvt_reset(g);
    qigvt_writel(g, IGVT_VECS_BASE + IGVT_RING_MODE, 0x80008000);
    assert_failsafe(g, "unsupported-guest");

    /* Execlists left off is fine */
    qigvt_reset(g);
    qigvt_writel(g, ring_mode, 0x80000000);
    qigvt_writel(g, ring_mode, 0x00008000);
    assert_failsafe(g, NULL);

    /* So is a fence beyond the vGPU's, before PVINFO */
    qigvt_reset(g);
    g_assert_cmphex(qigvt_readl(g, IGVT_FENCE_BASE + 4 * 8), ==, 0);
    assert_failsafe(g, "unsupported-guest");
    qigvt_reset(g);
    qigvt_writel(g, IGVT_FENCE_BASE + 31 * 8 + 4, 0);
    assert_failsafe(g, "unsupported-guest");
    qigvt_reset(g);
    qigvt_writel(g, IGVT_FENCE_BASE + 3 * 8, 0);
    assert_failsafe(g, NULL);
    qigvt_free(g);
}

/*
 * Legacy VGA: the VBE linear framebuffer is at BAR0 until a GVT-g aware
 * driver reads PVINFO
 */

static void test_vga_lfb(void)
{
    QIgvt *g = igvt_start();
    int64_t reads;

    g_assert_true(query_bool(g, "vga"));
    g_assert_cmpuint(qigvt_vbe_enable(g->qts), >=, 1024 * 768 * 4);

    /* BAR0 is the framebuffer: VGACNTRL's offset is just memory */
    reads = qigvt_counter(g, "mmio-reads");
    qigvt_writel(g, A_VGACNTRL, 0xcafef00d);
    g_assert_cmphex(qigvt_readl(g, A_VGACNTRL), ==, 0xcafef00d);
    g_assert_cmphex(qigvt_readb(g, A_VGACNTRL + 1), ==, 0xf0);
    qigvt_writel(g, 0, 0x00ff00ff);
    g_assert_cmphex(qigvt_readl(g, 0), ==, 0x00ff00ff);
    g_assert_cmpint(qigvt_counter(g, "mmio-reads"), ==, reads);
    g_assert_true(query_bool(g, "vga"));
    g_assert_false(query_bool(g, "pv-ready"));

    /* PVINFO can still be found, and from then on BAR0 is registers */
    g_assert_cmphex(qigvt_readq(g, IGVT_PVINFO_MAGIC_OFF), ==,
                    IGVT_PVINFO_MAGIC);
    g_assert_true(query_bool(g, "pv-ready"));
    g_assert_cmphex(qigvt_readl(g, A_VGACNTRL), ==, 0);
    g_assert_cmphex(qigvt_readl(g, 0), ==, 0);

    /* The driver turns the VGA plane off, and on again */
    qigvt_writel(g, A_VGACNTRL, R_VGACNTRL_VGA_DISP_DISABLE_MASK);
    g_assert_false(query_bool(g, "vga"));
    qigvt_writel(g, A_VGACNTRL, 0);
    g_assert_true(query_bool(g, "vga"));
    qigvt_writel(g, A_VGACNTRL, R_VGACNTRL_VGA_DISP_DISABLE_MASK);
    g_assert_false(query_bool(g, "vga"));

    /* A reset hands BAR0 back to the VGA BIOS */
    qigvt_reset(g);
    g_assert_true(query_bool(g, "vga"));
    g_assert_cmpuint(qigvt_vbe_read(g->qts, VBE_DISPI_INDEX_ENABLE), ==, 0);
    qigvt_vbe_enable(g->qts);
    qigvt_writel(g, A_VGACNTRL, 0x12345678);
    g_assert_cmphex(qigvt_readl(g, A_VGACNTRL), ==, 0x12345678);
    qigvt_free(g);
}

/*
 * All the video memory VBE advertises is reachable through the linear
 * framebuffer at BAR0, not only the first 2 MiB.
 */
static void test_vga_lfb_size(void)
{
    QIgvt *g = igvt_start();
    uint64_t vram = qigvt_vbe_enable(g->qts);
    uint64_t fb_end = MIN(1024 * 768 * 4, vram);
    uint64_t offs[] = { fb_end - 4, vram / 16 * 5, vram - 8 };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(offs); i++) {
        qigvt_writel(g, offs[i], 0x5a000000 | i);
    }
    for (i = 0; i < ARRAY_SIZE(offs); i++) {
        g_test_message("VBE memory at BAR0 + 0x%" PRIx64, offs[i]);
        g_assert_cmphex(qigvt_readl(g, offs[i]), ==, 0x5a000000 | i);
    }
    qigvt_free(g);
}

/*
 * Live migration carries everything the guest can see: registers (plain,
 * masked, handler-computed), the virtual GGTT (and the host GGTT rebuilt
 * from it, so the aperture still reaches the same guest page), PV and
 * failsafe state, counters.
 */
static void test_migration(void)
{
    QIgvt *src = igvt_start_pv();
    QIgvt *dst;
    uint64_t low = slice(src, "aperture-base") / PAGE;
    uint64_t pte = RAM_PAGE1 | IGVT_PTE_PRESENT;
    uint64_t pattern = page_pattern(0x5a, 0x40, 8);
    int64_t writes;
    QDict *info;

    /* Guest-visible state on the source */
    qigvt_writel(src, UNTRACKED, 0xfeedf00d);
    qigvt_writel(src, A_GEN7_GT_MODE, 0x00050005);
    qigvt_writel(src, IGVT_PVINFO_DISPLAY_READY, 1);
    qigvt_ggtt_write(src, low + 1, pte);
    qigvt_ap_write(src, PAGE + 0x40, 8, pattern);
    writes = qigvt_counter(src, "ggtt-writes");

    dst = qigvt_migrate(src, QIGVT_ARGS);

    g_assert_cmphex(qigvt_readl(dst, UNTRACKED), ==, 0xfeedf00d);
    g_assert_cmphex(qigvt_readl(dst, A_GEN7_GT_MODE), ==, 0x0005);
    g_assert_cmphex(qigvt_readl(dst, IGVT_PVINFO_DISPLAY_READY), ==, 1);
    g_assert_cmphex(qigvt_ggtt_read(dst, low + 1), ==, pte);
    /* Through the rebuilt host GGTT to the same guest page */
    g_assert_cmphex(qigvt_ap_read(dst, PAGE + 0x40, 8), ==, pattern);
    g_assert_cmphex(qtest_readq(dst->qts, RAM_PAGE1 + 0x40), ==, pattern);
    g_assert_cmpint(qigvt_counter(dst, "ggtt-writes"), ==, writes);
    info = qigvt_query(dst);
    g_assert_true(qdict_get_bool(info, "pv-ready"));
    g_assert_false(qdict_get_bool(info, "failsafe"));
    qobject_unref(info);

    qigvt_free(dst);
    qigvt_free(src);
}

int main(int argc, char **argv)
{
    size_t i;

    g_test_init(&argc, &argv, NULL);

    qtest_add_func("/igvt/pci/identity", test_pci_identity);
    qtest_add_func("/igvt/pci/identity-kbl", test_pci_identity_kbl);
    qtest_add_func("/igvt/pci/conventional-bus", test_pci_conventional);
    qtest_add_func("/igvt/pci/opregion", test_pci_opregion);
    qtest_add_func("/igvt/pvinfo/contents", test_pvinfo_contents);
    qtest_add_func("/igvt/pvinfo/fences", test_pvinfo_fences);
    qtest_add_func("/igvt/mmio/read-only", test_mmio_read_only);
    qtest_add_func("/igvt/mmio/masked", test_mmio_masked);
    qtest_add_func("/igvt/mmio/w1c", test_mmio_w1c);
    qtest_add_func("/igvt/mmio/untracked", test_mmio_untracked);
    qtest_add_func("/igvt/mmio/resets", test_mmio_resets);
    qtest_add_func("/igvt/mmio/forcewake", test_mmio_forcewake);
    qtest_add_func("/igvt/mmio/pcode", test_mmio_pcode);
    qtest_add_func("/igvt/mmio/fences", test_mmio_fences);
    qtest_add_func("/igvt/ggtt/entries", test_ggtt_entries);
    qtest_add_func("/igvt/ggtt/split-write", test_ggtt_split_write);
    qtest_add_func("/igvt/ggtt/batched", test_ggtt_batched);
    qtest_add_func("/igvt/ggtt/flush-points", test_ggtt_flush_points);
    qtest_add_func("/igvt/migration", test_migration);
    qtest_add_func("/igvt/aperture/access", test_aperture_access);
    qtest_add_func("/igvt/aperture/faults", test_aperture_faults);
    qtest_add_func("/igvt/aperture/end-of-bar", test_aperture_end);
    for (i = 0; i < ARRAY_SIZE(fence_cases); i++) {
        g_autofree char *path = g_strdup_printf("/igvt/aperture/fence/%s",
                                                fence_cases[i].name);

        qtest_add_data_func(path, &fence_cases[i], test_aperture_fence);
    }
    qtest_add_func("/igvt/qmp/query", test_query);
    qtest_add_func("/igvt/qmp/no-device", test_query_no_device);
    qtest_add_func("/igvt/qmp/hmp", test_query_hmp);
    qtest_add_func("/igvt/qmp/two-vgpus", test_query_two_vgpus);
    qtest_add_func("/igvt/qmp/no-room", test_query_no_room);
    qtest_add_func("/igvt/props/bad", test_bad_properties);
    qtest_add_func("/igvt/props/not-hotpluggable", test_not_hotpluggable);
    qtest_add_func("/igvt/hostile/mmio", test_hostile_mmio);
    qtest_add_func("/igvt/hostile/bar0-hole", test_hostile_bar0_hole);
    qtest_add_func("/igvt/hostile/pvinfo", test_hostile_pvinfo);
    qtest_add_func("/igvt/hostile/ggtt", test_hostile_ggtt);
    qtest_add_func("/igvt/hostile/aperture", test_hostile_aperture);
    qtest_add_func("/igvt/failsafe/unsupported-guest",
                   test_failsafe_unsupported_guest);
    qtest_add_func("/igvt/vga/lfb", test_vga_lfb);
    qtest_add_func("/igvt/vga/lfb-size", test_vga_lfb_size);

    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qtest of igvt-vga against a hostile guest: long runs of random but
 * plausible guest actions (register writes where the device has state,
 * any register at all, GGTT entries pointing anywhere, command streams
 * made of real commands with random operands submitted on every engine,
 * planes on random memory, resets) with screendumps and QMP queries in
 * between.  Whatever the guest does, QEMU must keep running and answer.
 * The runs are reproducible: each uses a fixed seed.
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "libqos/pci-pc.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "hw/pci/pci_regs.h"
#include "hw/display/igvt.h"
#include "hw/display/igvt/regs.h"

#define PAGE            0x1000
#define RAM_SIZE        (256 * MiB)
#define RAM_GM          (16 * MiB)      /* guest RAM behind the slice */
#define GM_MAPPED       (2 * MiB)       /* graphics memory mapped to it */

typedef struct Ctx {
    QTestState *qts;
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar mmio;
    QPCIBar aperture;
    GRand *rand;
    uint64_t gm;                /* start of the aperture slice */
} Ctx;

static const uint32_t engines[] = {
    IGVT_RCS_BASE, IGVT_BCS_BASE, IGVT_VCS0_BASE, IGVT_VECS_BASE,
};

/* Registers ranges the device keeps state for, to hit more often */
static const struct {
    uint32_t start, len;
} hot[] = {
    { 0x2000, 0x400 }, { 0x22000, 0x400 }, { 0x12000, 0x400 },
    { 0x1a000, 0x400 },                         /* engines */
    { 0x4260, 0x20 }, { 0x9400, 0x100 }, { 0xa000, 0x300 },
    { 0x44000, 0x500 }, { 0x45000, 0x1100 },    /* interrupts, DBUF */
    { 0x46000, 0x100 }, { 0x60000, 0x3000 },    /* PLLs, transcoders */
    { 0x64000, 0x400 }, { 0x6c000, 0x100 },     /* AUX, DPLL */
    { 0x70000, 0x3000 },                        /* pipes, planes */
    { 0x78000, 0x1000 },                        /* PVINFO */
    { 0xc4000, 0x1200 },                        /* SDE, GMBUS */
    { 0x100000, 0x200 },                        /* fences */
    { 0x138000, 0x200 },                        /* pcode */
};

static uint32_t rnd(Ctx *c, uint32_t n)
{
    return g_rand_int_range(c->rand, 0, n);
}

static void wr(Ctx *c, uint32_t off, uint32_t v)
{
    qpci_io_writel(c->dev, c->mmio, off, v);
}

/* A graphics address: mostly mapped memory, sometimes anything */
static uint64_t any_gm(Ctx *c)
{
    switch (rnd(c, 8)) {
    case 0:
        return ((uint64_t)g_rand_int(c->rand) << 32 | g_rand_int(c->rand));
    case 1:
        return g_rand_int(c->rand);
    default:
        return c->gm + rnd(c, GM_MAPPED);
    }
}

/* One command with random operands, @n dwords at most; returns its size */
static unsigned any_command(Ctx *c, uint32_t *dw, unsigned n)
{
    uint64_t a = any_gm(c), b = any_gm(c);
    unsigned len, i;

    if (n < 0x102) {
        /* The longest command here: MI_NOOP till the end of the page */
        dw[0] = 0;
        return 1;
    }
    switch (rnd(c, 12) + !rnd(c, 50)) {
    case 0:                                     /* MI_STORE_DATA_IMM */
        dw[0] = 0x10000000 | (rnd(c, 2) << 22) | (1 + rnd(c, 2));
        break;
    case 1:                                     /* MI_BATCH_BUFFER_START */
        dw[0] = 0x18800001 | (rnd(c, 2) << 22) | (rnd(c, 2) << 8);
        break;
    case 2:
        dw[0] = 0x05000000;                     /* MI_BATCH_BUFFER_END */
        return 1;
    case 3:                                     /* MI_LOAD_REGISTER_IMM */
        dw[0] = 0x11000001;
        dw[1] = rnd(c, 0x40000);
        dw[2] = g_rand_int(c->rand);
        return 3;
    case 4:                                     /* PIPE_CONTROL */
        dw[0] = 0x7a000004;
        dw[1] = g_rand_int(c->rand);
        break;
    case 5:                                     /* MI_FLUSH_DW */
        dw[0] = 0x26000002 | (rnd(c, 2) << 1);
        dw[1] = g_rand_int(c->rand) | (1u << 14);
        break;
    case 6:                                     /* XY_COLOR_BLT */
    case 7:                                     /* XY_SRC_COPY_BLT */
    case 8:                                     /* XY_FAST_COPY_BLT */
        dw[0] = (2u << 29) | ((uint32_t[]){ 0x50, 0x53, 0x42 }
                              [rnd(c, 3)] << 22) |
                (g_rand_int(c->rand) & 0x00308800) | 8;
        dw[1] = (rnd(c, 4) << 24) | ((uint32_t[]){ 0xf0, 0xcc }[rnd(c, 2)]
                                     << 16) | rnd(c, 0x10000);
        dw[2] = rnd(c, 64) | rnd(c, 64) << 16;
        dw[3] = rnd(c, 600) | rnd(c, 600) << 16;
        for (i = 4; i < 10; i++) {
            dw[i] = g_rand_int(c->rand);
        }
        dw[4] = a;
        dw[5] = a >> 32;
        dw[7] = rnd(c, 0x10000);
        dw[8] = b;
        dw[9] = b >> 32;
        return 10;
    case 9:
        dw[0] = 0;                              /* MI_NOOP */
        return 1;
    case 10:
    case 11:
        dw[0] = 0x01000000;                     /* MI_USER_INTERRUPT */
        return 1;
    default:
        dw[0] = g_rand_int(c->rand);            /* anything (1 in 50) */
        return 1;
    }
    len = (dw[0] & 0xff) + 2;
    dw[1] = a;
    dw[2] = a >> 32;
    for (i = 3; i < len; i++) {
        dw[i] = g_rand_int(c->rand);
    }
    return len;
}

/* Fill a random page of the mapped memory with commands */
static void write_commands(Ctx *c)
{
    uint64_t ram = RAM_GM + rnd(c, GM_MAPPED / PAGE) * PAGE;
    uint32_t dw[PAGE / 4];
    unsigned n = 0;

    while (n < ARRAY_SIZE(dw)) {
        n += any_command(c, dw + n, ARRAY_SIZE(dw) - n);
    }
    qtest_memwrite(c->qts, ram, dw, sizeof(dw));
}

/* A context image with a random ring in mapped memory, submitted */
static void submit(Ctx *c)
{
    uint32_t e = engines[rnd(c, ARRAY_SIZE(engines))];
    uint64_t lrca = rnd(c, GM_MAPPED / PAGE - 2) * PAGE;
    uint32_t state[0x40];
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(state); i++) {
        state[i] = rnd(c, 4) ? 0 : g_rand_int(c->rand);
    }
    state[0x05] = rnd(c, 4) ? rnd(c, 0x1000) & ~3u : g_rand_int(c->rand);
    state[0x07] = rnd(c, 4) ? rnd(c, 0x1000) & ~7u : g_rand_int(c->rand);
    state[0x09] = rnd(c, 4) ? (uint32_t)(c->gm + rnd(c, GM_MAPPED)) & ~0xfffu
                            : g_rand_int(c->rand);
    state[0x0b] = rnd(c, 4) ? 1 : g_rand_int(c->rand);
    qtest_memwrite(c->qts, RAM_GM + lrca + PAGE, state, sizeof(state));
    wr(c, e + 0x29c, 0x80008000);               /* execlists on */
    if (!rnd(c, 8)) {
        wr(c, e + 0x80, any_gm(c));             /* HWS_PGA anywhere */
    }
    for (i = 0; i < 4; i++) {
        wr(c, e + IGVT_RING_ELSP,
           i == 3 ? (uint32_t)(c->gm + lrca) | 1 : g_rand_int(c->rand));
    }
}

static void write_pte(Ctx *c)
{
    uint64_t index = rnd(c, 4) ? (c->gm + rnd(c, GM_MAPPED)) / PAGE
                               : rnd(c, IGVT_GTT_ENTRIES);
    uint64_t pte;

    switch (rnd(c, 4)) {
    case 0:
        pte = (uint64_t)g_rand_int(c->rand) << 32 | g_rand_int(c->rand);
        break;
    case 1:
        pte = ((uint64_t)rnd(c, 0x100000) << 12) | IGVT_PTE_PRESENT;
        break;
    default:
        pte = (RAM_GM + rnd(c, RAM_SIZE - RAM_GM) / PAGE * PAGE) |
              IGVT_PTE_PRESENT;
        break;
    }
    if (rnd(c, 2)) {
        qpci_io_writeq(c->dev, c->mmio, IGVT_GTT_OFFSET + index * 8, pte);
    } else {
        /* Half an entry now and then */
        qpci_io_writel(c->dev, c->mmio, IGVT_GTT_OFFSET + index * 8 +
                       rnd(c, 2) * 4, pte);
    }
}

/* A primary plane on random memory, in a random format and size */
static void show_plane(Ctx *c)
{
    wr(c, 0x70008, 1u << 31);                   /* PIPECONF_A */
    wr(c, 0x6001c, rnd(c, 4096) << 16 | rnd(c, 4096));  /* PIPESRC_A */
    wr(c, 0x70180, 1u << 31 | (g_rand_int(c->rand) & 0x0f001c00));
    wr(c, 0x70188, rnd(c, 8) ? rnd(c, 64) : g_rand_int(c->rand));
    wr(c, 0x70190, rnd(c, 4096) << 16 | rnd(c, 4096));
    wr(c, 0x7019c, any_gm(c));                  /* PLANE_SURF_1_A */
}

/* What a GVT-g aware driver does first: PVINFO, the GGTT, interrupts */
static void guest_init(Ctx *c)
{
    uint64_t gm;

    g_assert_cmphex(qpci_io_readq(c->dev, c->mmio, IGVT_PVINFO_MAGIC_OFF),
                    ==, IGVT_PVINFO_MAGIC);
    c->gm = qpci_io_readl(c->dev, c->mmio, IGVT_PVINFO_APERTURE_BASE);
    for (gm = 0; gm < GM_MAPPED; gm += PAGE) {
        qpci_io_writeq(c->dev, c->mmio,
                       IGVT_GTT_OFFSET + (c->gm + gm) / PAGE * 8,
                       (RAM_GM + gm) | IGVT_PTE_PRESENT);
    }
    wr(c, A_GEN8_MASTER_IRQ, 1u << 31);
}

/* Is the vGPU in failsafe mode (so nothing more would run)? */
static bool failsafe(Ctx *c)
{
    QDict *r = qtest_qmp(c->qts, "{'execute': 'query-igvt'}");
    bool on = qdict_get_bool(qobject_to(QDict, qlist_peek(
        qdict_get_qlist(r, "return"))), "failsafe");

    qobject_unref(r);
    return on;
}

/* After a reset: the BARs where they were, decoding again */
static void restore_bars(Ctx *c)
{
    qpci_config_writel(c->dev, PCI_BASE_ADDRESS_0, c->mmio.addr);
    qpci_config_writel(c->dev, PCI_BASE_ADDRESS_1, c->mmio.addr >> 32);
    qpci_config_writel(c->dev, PCI_BASE_ADDRESS_2, c->aperture.addr);
    qpci_config_writel(c->dev, PCI_BASE_ADDRESS_3, c->aperture.addr >> 32);
    qpci_device_enable(c->dev);
}

static void check_alive(Ctx *c)
{
    QDict *r = qtest_qmp(c->qts, "{'execute': 'query-status'}");

    g_assert(qdict_haskey(r, "return"));
    qobject_unref(r);
}

/* What the run did, for the log */
static void report(Ctx *c)
{
    QDict *r = qtest_qmp(c->qts, "{'execute': 'query-igvt-engines'}");
    QList *engines = qdict_get_qlist(qobject_to(QDict, qlist_peek(
        qdict_get_qlist(r, "return"))), "engines");
    QListEntry *e;

    QLIST_FOREACH_ENTRY(engines, e) {
        QDict *d = qobject_to(QDict, qlist_entry_obj(e));

        g_test_message("%s: %" PRId64 " submitted, %" PRId64 " completed, %"
                       PRId64 " rejected, %" PRId64 " hung",
                       qdict_get_str(d, "name"),
                       qdict_get_int(d, "submitted"),
                       qdict_get_int(d, "completed"),
                       qdict_get_int(d, "rejected"), qdict_get_int(d, "hung"));
    }
    qobject_unref(r);
}

static void run(gconstpointer data)
{
    uint32_t seed = GPOINTER_TO_UINT(data);
    g_autofree char *dump = g_strdup_printf("%s/igvt-hostile-%d.ppm",
                                            g_get_tmp_dir(), getpid());
    Ctx c = { .rand = g_rand_new_with_seed(seed) };
    unsigned i, j;

    c.qts = qtest_initf("-machine q35 -nodefaults -vga none -m 256M "
                        "-device igvt-vga,addr=02.0,aperture-size=64M,"
                        "low-gm-size=32M,high-gm-size=64M");
    c.bus = qpci_new_pc(c.qts, NULL);
    c.dev = qpci_device_find(c.bus, QPCI_DEVFN(2, 0));
    g_assert_nonnull(c.dev);
    qpci_device_enable(c.dev);
    c.mmio = qpci_iomap(c.dev, IGVT_BAR_GTTMMADR, NULL);
    c.aperture = qpci_iomap(c.dev, IGVT_BAR_GMADR, NULL);
    guest_init(&c);

    for (i = 0; i < 3000; i++) {
        const unsigned r = rnd(&c, 100);

        if (r < 30) {
            j = rnd(&c, ARRAY_SIZE(hot));
            wr(&c, (hot[j].start + rnd(&c, hot[j].len)) & ~3u,
               rnd(&c, 2) ? g_rand_int(c.rand) : 1u << rnd(&c, 32));
        } else if (r < 38) {
            wr(&c, rnd(&c, 2 * MiB) & ~3u, g_rand_int(c.rand));
        } else if (r < 38 + 5) {
            (void)qpci_io_readl(c.dev, c.mmio, rnd(&c, 2 * MiB) & ~3u);
        } else if (r < 55) {
            write_pte(&c);
        } else if (r < 65) {
            write_commands(&c);
        } else if (r < 80) {
            submit(&c);
        } else if (r < 85) {
            show_plane(&c);
        } else if (r < 90) {
            qtest_clock_step(c.qts, rnd(&c, 20 * 1000 * 1000));
        } else if (r < 93) {
            qtest_qmp_assert_success(c.qts, "{'execute': 'screendump', "
                                     "'arguments': {'filename': %s}}",
                                     dump);
        } else if (r < 97) {
            qobject_unref(qtest_qmp(c.qts,
                                    "{'execute': 'query-igvt-display'}"));
            qobject_unref(qtest_qmp(c.qts,
                                    "{'execute': 'query-igvt-engines'}"));
        } else if (r < 99) {
            /* The aperture, through random GGTT entries */
            qpci_io_writel(c.dev, c.aperture, rnd(&c, 64 * MiB) & ~3u,
                           g_rand_int(c.rand));
        } else {
            qtest_system_reset(c.qts);
            restore_bars(&c);
            guest_init(&c);
        }
        /* Out of failsafe now and then, so that work runs again */
        if (i % 50 == 49 && failsafe(&c)) {
            qtest_system_reset(c.qts);
            restore_bars(&c);
            guest_init(&c);
        }
        if (i % 500 == 0) {
            check_alive(&c);
        }
    }
    check_alive(&c);
    report(&c);
    unlink(dump);
    g_rand_free(c.rand);
    g_free(c.dev);
    qpci_free_pc(c.bus);
    qtest_quit(c.qts);
}

/*
 * Seeds 1..4 by default; IGVT_HOSTILE_SEEDS=N runs 1..N (a longer hunt,
 * not for CI)
 */
int main(int argc, char **argv)
{
    const char *env = g_getenv("IGVT_HOSTILE_SEEDS");
    unsigned seeds = env ? MAX(atoi(env), 1) : 4, i;

    g_test_init(&argc, &argv, NULL);
    for (i = 1; i <= seeds; i++) {
        g_autofree char *path = g_strdup_printf("/igvt/hostile/seed-%u", i);

        qtest_add_data_func(path, GUINT_TO_POINTER(i), run);
    }
    return g_test_run();
}

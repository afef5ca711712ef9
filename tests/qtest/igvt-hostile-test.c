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
#include "libqos/igvt.h"
#include "qobject/qlist.h"

#define PAGE            QIGVT_PAGE
#define RAM_SIZE        (256 * MiB)
#define RAM_GM          (16 * MiB)      /* guest RAM behind the slice */
#define GM_MAPPED       (2 * MiB)       /* graphics memory mapped to it */

typedef struct Ctx {
    QIgvt *g;
    GRand *rand;
} Ctx;

/* Registers ranges the device keeps state for, to hit more often */
static const struct {
    uint32_t start, len;
} hot[] = {
    { IGVT_RCS_BASE, 0x400 }, { IGVT_BCS_BASE, 0x400 },
    { IGVT_VCS0_BASE, 0x400 }, { IGVT_VECS_BASE, 0x400 },       /* engines */
    { A_GEN8_RTCR, 0x20 }, { 0x9400, 0x100 }, { 0xa000, 0x300 },
    { 0x44000, 0x500 }, { 0x45000, 0x1100 },    /* interrupts, DBUF */
    { A_CDCLK_CTL, 0x100 },                     /* PLLs */
    { A_HTOTAL_A, 0x3000 },                     /* transcoders */
    { A_DDI_BUF_CTL_A, 0x400 }, { 0x6c000, 0x100 },     /* AUX, DPLL */
    { A_PIPEDSL_A, 0x3000 },                    /* pipes, planes */
    { IGVT_PVINFO_BASE, IGVT_PVINFO_SIZE },
    { A_SDEISR, 0x1200 },                       /* SDE, GMBUS */
    { IGVT_FENCE_BASE, IGVT_FENCE_MAX * 8 },
    { 0x138000, 0x200 },                        /* pcode */
};

static uint32_t rnd(Ctx *c, uint32_t n)
{
    return g_rand_int_range(c->rand, 0, n);
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
        return c->g->gm + rnd(c, GM_MAPPED);
    }
}

/* One command with random operands, @n dwords at most; returns its size */
static unsigned any_command(Ctx *c, uint32_t *dw, unsigned n)
{
    static const uint32_t blits[] = {
        IGVT_XY_COLOR_BLT, IGVT_XY_SRC_COPY_BLT, IGVT_XY_FAST_COPY_BLT,
    };
    static const uint32_t rops[] = { QIGVT_ROP_PATCOPY, QIGVT_ROP_SRCCOPY };
    uint64_t a = any_gm(c), b = any_gm(c);
    unsigned len, i;

    if (n < 0x102) {
        /* The longest command here: MI_NOOP till the end of the page */
        dw[0] = IGVT_MI_NOOP;
        return 1;
    }
    switch (rnd(c, 12) + !rnd(c, 50)) {
    case 0:                         /* 3 or 4 dwords, GGTT or PPGTT */
        dw[0] = QIGVT_CMD(IGVT_MI_STORE_DATA_IMM, 3 + rnd(c, 2)) |
                (rnd(c, 2) ? IGVT_MI_GGTT : 0);
        break;
    case 1:                         /* first or second level, either GTT */
        dw[0] = QIGVT_BB_START_GGTT |
                (rnd(c, 2) ? IGVT_BB_SECOND_LEVEL : 0) |
                (rnd(c, 2) ? IGVT_BB_PPGTT : 0);
        break;
    case 2:
        dw[0] = IGVT_MI_BATCH_BUFFER_END;
        return 1;
    case 3:
        dw[0] = QIGVT_LRI(1);
        dw[1] = rnd(c, 0x40000);
        dw[2] = g_rand_int(c->rand);
        return 3;
    case 4:                         /* any flags, the address after them */
        dw[0] = QIGVT_PIPE_CONTROL;
        dw[1] = g_rand_int(c->rand);
        dw[2] = a;
        dw[3] = a >> 32;
        dw[4] = g_rand_int(c->rand);
        dw[5] = g_rand_int(c->rand);
        return 6;
    case 5:                         /* any post-sync operation */
        dw[0] = QIGVT_FLUSH_DW | rnd(c, 4) << IGVT_FLUSH_DW_OP_SHIFT;
        break;
    case 6:
    case 7:
    case 8:                         /* XY_COLOR, XY_SRC_COPY, XY_FAST_COPY */
        dw[0] = QIGVT_CMD(blits[rnd(c, ARRAY_SIZE(blits))], 10) |
                (g_rand_int(c->rand) & (QIGVT_BLT_WRITE(3) |
                                        QIGVT_BLT_SRC_TILED |
                                        QIGVT_BLT_DST_TILED));
        dw[1] = QIGVT_BR13(rnd(c, 4), rops[rnd(c, ARRAY_SIZE(rops))],
                           rnd(c, 0x10000));
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
        dw[0] = IGVT_MI_NOOP;
        return 1;
    case 10:
    case 11:
        dw[0] = IGVT_MI_USER_INTERRUPT;
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
    qtest_memwrite(c->g->qts, ram, dw, sizeof(dw));
}

/* A context image with a random ring in mapped memory, submitted */
static void submit(Ctx *c)
{
    uint32_t e = igvt_engine_mmio_base(rnd(c, IGVT_NUM_ENGINES));
    uint64_t lrca = rnd(c, GM_MAPPED / PAGE - 2) * PAGE;
    uint32_t state[IGVT_CTX_STATE_DWORDS];
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(state); i++) {
        state[i] = rnd(c, 4) ? 0 : g_rand_int(c->rand);
    }
    state[IGVT_CTX_RING_HEAD] = rnd(c, 4) ? rnd(c, 0x1000) & ~3u
                                          : g_rand_int(c->rand);
    state[IGVT_CTX_RING_TAIL] = rnd(c, 4) ? rnd(c, 0x1000) & ~7u
                                          : g_rand_int(c->rand);
    state[IGVT_CTX_RING_START] = rnd(c, 4) ?
        (uint32_t)(c->g->gm + rnd(c, GM_MAPPED)) & IGVT_RING_START_MASK :
        g_rand_int(c->rand);
    state[IGVT_CTX_RING_CTL] = rnd(c, 4) ? IGVT_RING_CTL_ENABLE
                                         : g_rand_int(c->rand);
    qtest_memwrite(c->g->qts, RAM_GM + lrca + IGVT_CTX_STATE_OFFSET, state,
                   sizeof(state));
    qigvt_writel(c->g, e + IGVT_RING_MODE,
                 IGVT_RING_MODE_RUN_LIST_ENABLE << 16 |
                 IGVT_RING_MODE_RUN_LIST_ENABLE);       /* execlists on */
    if (!rnd(c, 8)) {
        qigvt_writel(c->g, e + IGVT_RING_HWS_PGA, any_gm(c));  /* anywhere */
    }
    for (i = 0; i < 4; i++) {
        qigvt_writel(c->g, e + IGVT_RING_ELSP,
                     i == 3 ? (uint32_t)(c->g->gm + lrca) | IGVT_CTX_VALID
                            : g_rand_int(c->rand));
    }
}

static void write_pte(Ctx *c)
{
    uint64_t index = rnd(c, 4) ? (c->g->gm + rnd(c, GM_MAPPED)) / PAGE
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
        qigvt_ggtt_write(c->g, index, pte);
    } else {
        /* Half an entry now and then */
        qigvt_writel(c->g, qigvt_ggtt_off(index) + rnd(c, 2) * 4, pte);
    }
}

/* A primary plane on random memory, in a random format and size */
static void show_plane(Ctx *c)
{
    qigvt_writel(c->g, A_TRANSCONF_A, R_TRANSCONF_ENABLE_MASK);
    qigvt_writel(c->g, A_PIPESRC_A, rnd(c, 4096) << 16 | rnd(c, 4096));
    /* Enabled, any format, order and tiling */
    qigvt_writel(c->g, A_PLANE_CTL_1_A, R_PLANE_CTL_ENABLE_MASK |
                 (g_rand_int(c->rand) & (R_PLANE_CTL_FORMAT_MASK |
                                         R_PLANE_CTL_TILED_MASK)));
    qigvt_writel(c->g, A_PLANE_STRIDE_1_A,
                 rnd(c, 8) ? rnd(c, 64) : g_rand_int(c->rand));
    qigvt_writel(c->g, A_PLANE_SIZE_1_A, rnd(c, 4096) << 16 | rnd(c, 4096));
    qigvt_writel(c->g, A_PLANE_SURF_1_A, any_gm(c));
}

/*
 * What a GVT-g aware driver does first: PVINFO, the GGTT, interrupts;
 * after a reset, with the BARs where they were
 */
static void guest_init(Ctx *c)
{
    qigvt_pv_init(c->g);
    qigvt_ggtt_map(c->g, c->g->gm, RAM_GM, GM_MAPPED);
    qigvt_writel(c->g, A_GEN8_MASTER_IRQ, R_GEN8_MASTER_IRQ_CONTROL_MASK);
}

static void guest_reset(Ctx *c)
{
    qigvt_reset(c->g);
    guest_init(c);
}

/* Is the vGPU in failsafe mode (so nothing more would run)? */
static bool failsafe(Ctx *c)
{
    g_autofree char *reason = qigvt_failsafe_reason(c->g);

    return reason;
}

static void check_alive(Ctx *c)
{
    qtest_qmp_assert_success(c->g->qts, "{'execute': 'query-status'}");
}

/* What the run did, for the log */
static void report(Ctx *c)
{
    QDict *r = qtest_qmp(c->g->qts, "{'execute': 'query-igvt-engines'}");
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

    c.g = qigvt_startf(QIGVT_APERTURE, "%s -m 256M", QIGVT_ARGS);
    guest_init(&c);

    for (i = 0; i < 3000; i++) {
        const unsigned r = rnd(&c, 100);

        if (r < 30) {
            j = rnd(&c, ARRAY_SIZE(hot));
            qigvt_writel(c.g, (hot[j].start + rnd(&c, hot[j].len)) & ~3u,
                         rnd(&c, 2) ? g_rand_int(c.rand) : 1u << rnd(&c, 32));
        } else if (r < 38) {
            qigvt_writel(c.g, rnd(&c, IGVT_MMIO_SIZE) & ~3u,
                         g_rand_int(c.rand));
        } else if (r < 38 + 5) {
            (void)qigvt_readl(c.g, rnd(&c, IGVT_MMIO_SIZE) & ~3u);
        } else if (r < 55) {
            write_pte(&c);
        } else if (r < 65) {
            write_commands(&c);
        } else if (r < 80) {
            submit(&c);
        } else if (r < 85) {
            show_plane(&c);
        } else if (r < 90) {
            qtest_clock_step(c.g->qts, rnd(&c, 20 * 1000 * 1000));
        } else if (r < 93) {
            qtest_qmp_assert_success(c.g->qts, "{'execute': 'screendump', "
                                     "'arguments': {'filename': %s}}",
                                     dump);
        } else if (r < 97) {
            qobject_unref(qtest_qmp(c.g->qts,
                                    "{'execute': 'query-igvt-display'}"));
            qobject_unref(qtest_qmp(c.g->qts,
                                    "{'execute': 'query-igvt-engines'}"));
        } else if (r < 99) {
            /* The aperture, through random GGTT entries */
            qigvt_ap_write(c.g, rnd(&c, QIGVT_APERTURE_SIZE) & ~3u, 4,
                           g_rand_int(c.rand));
        } else {
            guest_reset(&c);
        }
        /* Out of failsafe now and then, so that work runs again */
        if (i % 50 == 49 && failsafe(&c)) {
            guest_reset(&c);
        }
        if (i % 500 == 0) {
            check_alive(&c);
        }
    }
    check_alive(&c);
    report(&c);
    unlink(dump);
    g_rand_free(c.rand);
    qigvt_free(c.g);
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QTest for igvt-vga's virtual display, programmed from the guest's side
 * as i915 would: planes and the GGTT are written directly, framebuffers
 * are laid out in guest RAM by the test (tiling included) and the
 * console is compared pixel by pixel with what the test computes, through
 * "screendump".  Also flips, the frame counter and vblank interrupts, a
 * mode change, the cursor, planes the display cannot show, the virtual
 * monitor (EDID, hotplug, DP AUX) and the modeset handshakes.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/cutils.h"
#include "libqtest.h"
#include "libqos/igvt.h"
#include "qobject/qlist.h"
#include "hw/pci/pci_regs.h"
#include "hw/display/bochs-vbe.h"
#include "hw/display/vga_regs.h"

#define DPY_ARGS            QIGVT_MACHINE \
                            "-device igvt-vga,id=gpu0,addr=02.0," QIGVT_SLICES

#define PAGE                QIGVT_PAGE

/* Guest RAM the tests use (q35 has 128 MiB by default) */
#define RAM_FB0             0x1000000
#define RAM_FB1             0x2000000
#define RAM_CURSOR          0x3000000
#define RAM_MSI             0x3800000

/* PLANE_CTL (regs.h's fields) */
#define PLANE_CTL_FORMAT(f)     ((uint32_t)(f) << R_PLANE_CTL_FORMAT_SHIFT)
#define PLANE_CTL_TILED(t)      ((uint32_t)(t) << R_PLANE_CTL_TILED_SHIFT)
#define PLANE_CTL_ALPHA(a)      ((uint32_t)(a) << R_PLANE_CTL_ALPHA_SHIFT)
#define PLANE_CTL_ROTATE_90     (1u << R_PLANE_CTL_ROTATE_SHIFT)

/* The DDI ports' registers */
#define PORT_REG(a, port)       ((a) + (port) * IGVT_PORT_STRIDE)

/* DP_AUX_CH_CTL */
#define AUX_SEND_BUSY           R_DP_AUX_CH_CTL_SEND_BUSY_MASK
#define AUX_DONE                R_DP_AUX_CH_CTL_DONE_MASK
#define AUX_TIME_OUT            R_DP_AUX_CH_CTL_TIME_OUT_ERROR_MASK
#define AUX_RECEIVE_ERROR       R_DP_AUX_CH_CTL_RECEIVE_ERROR_MASK
#define AUX_SIZE(n)             FIELD_DP32(0, DP_AUX_CH_CTL, MESSAGE_SIZE, n)
#define AUX_SIZE_OF(ctl)        FIELD_EX32(ctl, DP_AUX_CH_CTL, MESSAGE_SIZE)

/* Port D's long pulse in PCH_PORT_HOTPLUG */
#define HOTPLUG_D_LONG          (2u << 16)
#define HOTPLUG_D_STATUS        (3u << 16)
#define HOTPLUG_D_ENABLE        (1u << 20)

/* DE pipe interrupt bits and the master register's bits */
#define DE_PIPE_VBLANK          IGVT_DE_PIPE_VBLANK
#define DE_PIPE_FLIP_DONE       IGVT_DE_PIPE_PLANE_FLIP_DONE(0)
#define MASTER_ENABLE           R_GEN8_MASTER_IRQ_CONTROL_MASK
#define MASTER_DE_PIPE_A        (1u << 16)
#define MASTER_PCH              (1u << 23)

/* One frame at the default 60 Hz, as the device counts it */
#define PERIOD_60HZ             (1000000000000ll / 60000)

static char *tmpdir;

/* What the test put in pipe A's palette */
static uint32_t palette[256];

/*
 * Pixel formats and tilings
 */

enum {
    FMT_XRGB8888, FMT_ARGB8888, FMT_XBGR8888, FMT_ABGR8888,
    FMT_RGB565, FMT_XRGB2101010, FMT_XBGR2101010, FMT_C8,
    FMT__MAX
};

typedef struct Format {
    const char *name;
    const char *fourcc;         /* as query-igvt-display reports it */
    uint32_t ctl;               /* PLANE_CTL format, order and alpha bits */
    unsigned cpp;
} Format;

/* PLANE_CTL's format of each bit layout; RGBX order, alpha */
#define CTL_8888                PLANE_CTL_FORMAT(IGVT_PLANE_FORMAT_XRGB_8888)
#define CTL_2101010             PLANE_CTL_FORMAT(IGVT_PLANE_FORMAT_XRGB_2101010)
#define CTL_565                 PLANE_CTL_FORMAT(IGVT_PLANE_FORMAT_RGB_565)
#define CTL_C8                  PLANE_CTL_FORMAT(IGVT_PLANE_FORMAT_INDEXED)
#define CTL_RGBX                R_PLANE_CTL_ORDER_RGBX_MASK

static const Format formats[FMT__MAX] = {
    [FMT_XRGB8888] = { "xrgb8888", "XR24", CTL_8888, 4 },
    [FMT_ARGB8888] = { "argb8888", "AR24", CTL_8888 | PLANE_CTL_ALPHA(2), 4 },
    [FMT_XBGR8888] = { "xbgr8888", "XB24", CTL_8888 | CTL_RGBX, 4 },
    [FMT_ABGR8888] = { "abgr8888", "AB24",
                       CTL_8888 | CTL_RGBX | PLANE_CTL_ALPHA(1), 4 },
    [FMT_RGB565] = { "rgb565", "RG16", CTL_565, 2 },
    [FMT_XRGB2101010] = { "xrgb2101010", "XR30", CTL_2101010, 4 },
    [FMT_XBGR2101010] = { "xbgr2101010", "XB30", CTL_2101010 | CTL_RGBX, 4 },
    [FMT_C8] = { "c8", "C8  ", CTL_C8, 1 },
};

enum { TILE_LINEAR, TILE_X, TILE_Y, TILE__MAX };

typedef struct Tiling {
    const char *name;           /* as query-igvt-display reports it */
    uint32_t field;             /* PLANE_CTL bits 12:10 */
    uint32_t unit;              /* PLANE_STRIDE counts these, bytes */
    uint32_t rows;              /* rows of a tile */
    QIgvtTiling layout;
} Tiling;

static const Tiling tilings[TILE__MAX] = {
    [TILE_LINEAR] = { "linear", IGVT_PLANE_TILED_LINEAR, 64, 1, QIGVT_LINEAR },
    [TILE_X] = { "x", IGVT_PLANE_TILED_X, 512, 8, QIGVT_TILE_X },
    [TILE_Y] = { "y", IGVT_PLANE_TILED_Y, 128, 32, QIGVT_TILE_Y },
};

/* A pixel value as the display shows it, 0x00RRGGBB */
static uint32_t pixel_rgb(int fmt, uint32_t v)
{
    uint32_t r, g, b;

    switch (fmt) {
    case FMT_XRGB8888:
    case FMT_ARGB8888:
        return v & 0xffffff;
    case FMT_XBGR8888:
    case FMT_ABGR8888:
        r = v & 0xff;
        g = (v >> 8) & 0xff;
        b = (v >> 16) & 0xff;
        break;
    case FMT_RGB565:
        r = (v >> 11) & 0x1f;
        g = (v >> 5) & 0x3f;
        b = v & 0x1f;
        r = r << 3 | r >> 2;
        g = g << 2 | g >> 4;
        b = b << 3 | b >> 2;
        break;
    case FMT_XRGB2101010:
        r = ((v >> 20) & 0x3ff) * 255;
        g = ((v >> 10) & 0x3ff) * 255;
        b = (v & 0x3ff) * 255;
        r = (r + 511) / 1023;
        g = (g + 511) / 1023;
        b = (b + 511) / 1023;
        break;
    case FMT_XBGR2101010:
        b = ((v >> 20) & 0x3ff) * 255;
        g = ((v >> 10) & 0x3ff) * 255;
        r = (v & 0x3ff) * 255;
        r = (r + 511) / 1023;
        g = (g + 511) / 1023;
        b = (b + 511) / 1023;
        break;
    case FMT_C8:
        return palette[v & 0xff];
    default:
        g_assert_not_reached();
    }
    return r << 16 | g << 8 | b;
}

/*
 * A framebuffer: its bytes as the test laid them out, where they are in
 * guest RAM and which of its pages the GGTT maps.
 */
typedef struct Fb {
    int fmt;
    const Tiling *tiling;
    uint32_t width, height;     /* the whole surface, pixels */
    uint32_t stride;            /* bytes */
    uint64_t size;              /* bytes, whole pages */
    unsigned npages;
    uint8_t *mem;
    uint64_t *ram;              /* guest physical address of each page */
    bool *mapped;               /* the plane can read the page */
    uint64_t gm;                /* graphics memory address */
} Fb;

static Fb *fb_new(int fmt, int tiling, uint32_t width, uint32_t height)
{
    Fb *fb = g_new0(Fb, 1);
    uint32_t row = width * formats[fmt].cpp;
    unsigned i;

    fb->fmt = fmt;
    fb->tiling = &tilings[tiling];
    fb->width = width;
    fb->height = height;
    switch (tiling) {
    case TILE_LINEAR:
        /* A little padding that must never show */
        fb->stride = ROUND_UP(row, 64) + 64;
        break;
    case TILE_X:
        fb->stride = ROUND_UP(row, 512);
        break;
    default:
        fb->stride = ROUND_UP(row, 128) + 128;
        break;
    }
    fb->size = ROUND_UP((uint64_t)fb->stride *
                        ROUND_UP(height, fb->tiling->rows), PAGE);
    fb->npages = fb->size / PAGE;
    fb->mem = g_malloc(fb->size);
    for (i = 0; i < fb->size; i++) {
        fb->mem[i] = g_test_rand_int();
    }
    fb->ram = g_new0(uint64_t, fb->npages);
    fb->mapped = g_new0(bool, fb->npages);
    return fb;
}

static void fb_free(Fb *fb)
{
    g_free(fb->mem);
    g_free(fb->ram);
    g_free(fb->mapped);
    g_free(fb);
}

/* What pixel (@x, @y) of the surface should look like on the console */
static uint32_t fb_expect(const Fb *fb, uint32_t x, uint32_t y)
{
    unsigned cpp = formats[fb->fmt].cpp;
    uint64_t off = qigvt_tiled_offset(fb->tiling->layout, fb->stride,
                                      (uint64_t)x * cpp, y);
    uint32_t v = 0;
    unsigned i;

    g_assert(off + cpp <= fb->size);
    if (!fb->mapped[off / PAGE]) {
        return 0;
    }
    for (i = 0; i < cpp; i++) {
        v |= (uint32_t)fb->mem[off + i] << (8 * i);
    }
    return pixel_rgb(fb->fmt, v);
}

/* Put the surface's bytes in guest RAM, in order or scattered */
static void fb_store(QIgvt *d, Fb *fb, uint64_t ram, bool scattered)
{
    unsigned i;

    for (i = 0; i < fb->npages; i++) {
        /* Scattered: backwards, with a hole after every page */
        fb->ram[i] = scattered ? ram + (uint64_t)(fb->npages - 1 - i) * 2 *
                                 PAGE : ram + (uint64_t)i * PAGE;
        qtest_bufwrite(d->qts, fb->ram[i], fb->mem + i * PAGE, PAGE);
    }
}

/* Rewrite page @i of the surface in guest RAM with new bytes */
static void fb_scribble(QIgvt *d, Fb *fb, unsigned i)
{
    unsigned j;

    for (j = 0; j < PAGE; j++) {
        fb->mem[i * PAGE + j] = g_test_rand_int();
    }
    qtest_bufwrite(d->qts, fb->ram[i], fb->mem + i * PAGE, PAGE);
}

/*
 * Device access
 */

static void fb_map_page(QIgvt *d, Fb *fb, unsigned i)
{
    qigvt_ggtt_write(d, fb->gm / PAGE + i, fb->ram[i] | IGVT_PTE_PRESENT);
    fb->mapped[i] = true;
}

/* Store the surface in guest RAM and map it at @gm */
static void fb_map(QIgvt *d, Fb *fb, uint64_t gm, uint64_t ram, bool scattered)
{
    unsigned i;

    fb->gm = gm;
    fb_store(d, fb, ram, scattered);
    for (i = 0; i < fb->npages; i++) {
        fb_map_page(d, fb, i);
    }
}

/* Pipe A of @info (borrowed) */
static QDict *pipe_a(QDict *info)
{
    QList *pipes = qdict_get_qlist(info, "pipes");
    QDict *pipe;

    g_assert(qlist_size(pipes) == IGVT_NUM_PIPES);
    pipe = qobject_to(QDict, qlist_peek(pipes));
    g_assert_cmpstr(qdict_get_str(pipe, "pipe"), ==, "A");
    return pipe;
}

/* The primary plane of pipe A of @info (borrowed) */
static QDict *plane_1a(QDict *info)
{
    QList *planes = qdict_get_qlist(pipe_a(info), "planes");
    QDict *plane;

    g_assert(qlist_size(planes) == 3);
    plane = qobject_to(QDict, qlist_peek(planes));
    g_assert_cmpint(qdict_get_int(plane, "plane"), ==, 1);
    return plane;
}

/* @command (query-igvt, query-igvt-display) lists the one vGPU, gpu0 */
static void assert_one_vgpu(QIgvt *d, const char *command)
{
    QDict *resp = qtest_qmp(d->qts, "{'execute': %s}", command);
    QList *list = qdict_get_qlist(resp, "return");

    g_assert(list && qlist_size(list) == 1);
    g_assert_cmpstr(qdict_get_str(qobject_to(QDict, qlist_peek(list)),
                                  "qom-path"), ==,
                    "/machine/peripheral/gpu0");
    qobject_unref(resp);
}

/*
 * A GVT-g aware driver starts by finding PVINFO, which says where the
 * vGPU's graphics memory is (QIgvt.gm and .hidden_gm, of QIGVT_LOW_GM_SIZE
 * and QIGVT_HIGH_GM_SIZE)
 */
static QIgvt *G_GNUC_PRINTF(1, 2) dpy_startf(const char *fmt, ...)
{
    g_autofree char *args = NULL;
    QDict *info, *slices;
    va_list ap;
    QIgvt *d;

    va_start(ap, fmt);
    args = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    d = qigvt_startf(QIGVT_PV, DPY_ARGS "%s", args);
    assert_one_vgpu(d, "query-igvt");
    assert_one_vgpu(d, "query-igvt-display");

    info = qigvt_query(d);
    slices = qdict_get_qdict(info, "slices");
    g_assert_cmphex(qdict_get_int(slices, "aperture-base"), ==, d->gm);
    g_assert_cmphex(qdict_get_int(slices, "aperture-size"), ==,
                    QIGVT_LOW_GM_SIZE);
    g_assert_cmphex(qdict_get_int(slices, "hidden-base"), ==, d->hidden_gm);
    g_assert_cmphex(qdict_get_int(slices, "hidden-size"), ==,
                    QIGVT_HIGH_GM_SIZE);
    qobject_unref(info);
    return d;
}

static QIgvt *dpy_start(void)
{
    return dpy_startf("%s", "");
}

/* The driver takes over: VGA plane off, transcoder A on */
static void display_on(QIgvt *d)
{
    qigvt_writel(d, A_VGACNTRL,
                 R_VGACNTRL_VGA_DISP_DISABLE_MASK);
    qigvt_writel(d, A_TRANSCONF_A, R_TRANSCONF_ENABLE_MASK);
    g_assert_cmphex(qigvt_readl(d, A_TRANSCONF_A), ==,
                    R_TRANSCONF_ENABLE_MASK | R_TRANSCONF_STATE_MASK);
}

static void palette_random(QIgvt *d)
{
    unsigned i;

    for (i = 0; i < 256; i++) {
        palette[i] = g_test_rand_int() & 0xffffff;
        qigvt_writel(d, IGVT_LGC_PALETTE(0) + 4 * i, palette[i]);
    }
}

static void pipe_src(QIgvt *d, uint32_t w, uint32_t h)
{
    qigvt_writel(d, A_PIPESRC_A, (w - 1) << 16 | (h - 1));
}

static uint32_t plane_ctl(const Fb *fb)
{
    return R_PLANE_CTL_ENABLE_MASK | formats[fb->fmt].ctl |
           PLANE_CTL_TILED(fb->tiling->field);
}

/*
 * Show @fb's window of @w x @h pixels at (@x, @y) on the primary plane of
 * pipe A, the registers in i915's order: PLANE_SURF last arms the update.
 */
static void plane_show(QIgvt *d, const Fb *fb, uint32_t w, uint32_t h,
                       uint32_t x, uint32_t y)
{
    qigvt_writel(d, A_PLANE_STRIDE_1_A, fb->stride / fb->tiling->unit);
    qigvt_writel(d, A_PLANE_SIZE_1_A, (h - 1) << 16 | (w - 1));
    qigvt_writel(d, A_PLANE_OFFSET_1_A, y << 16 | x);
    qigvt_writel(d, A_PLANE_CTL_1_A, plane_ctl(fb));
    qigvt_writel(d, A_PLANE_SURF_1_A, fb->gm);
}

/*
 * Screendumps
 */

typedef struct Shot {
    int width, height;
    uint8_t *rgb;
} Shot;

static void shot_free(Shot *s)
{
    g_free(s->rgb);
    g_free(s);
}

static Shot *screendump(QIgvt *d)
{
    g_autofree char *path = g_build_filename(tmpdir, "screen.ppm", NULL);
    g_autofree char *data = NULL;
    Shot *s = g_new0(Shot, 1);
    const char *p, *end;
    gsize len;

    qtest_qmp_assert_success(d->qts, "{'execute': 'screendump', "
                             "'arguments': {'filename': %s, "
                             "'format': 'ppm'}}", path);
    g_assert(g_file_get_contents(path, &data, &len, NULL));
    g_assert(unlink(path) == 0);

    /* "P6\n<width> <height>\n255\n", then RGB */
    g_assert(g_str_has_prefix(data, "P6\n"));
    g_assert(qemu_strtoi(data + 3, &end, 10, &s->width) == 0);
    g_assert(*end == ' ');
    g_assert(qemu_strtoi(end + 1, &end, 10, &s->height) == 0);
    g_assert(*end == '\n');
    g_assert(g_str_has_prefix(end + 1, "255\n"));
    p = end + 5;
    g_assert(s->width > 0 && s->height > 0);
    g_assert(len - (p - data) == (gsize)s->width * s->height * 3);
    s->rgb = g_memdup2(p, (gsize)s->width * s->height * 3);
    return s;
}

static uint32_t shot_pixel(const Shot *s, int x, int y)
{
    const uint8_t *p = s->rgb + ((size_t)y * s->width + x) * 3;

    return p[0] << 16 | p[1] << 8 | p[2];
}

/* The console shows exactly @fb's @w x @h window at (@x0, @y0) */
static void check_screen(QIgvt *d, const Fb *fb, uint32_t w, uint32_t h,
                         uint32_t x0, uint32_t y0)
{
    Shot *s = screendump(d);
    uint32_t x, y, expect, got;

    g_assert_cmpint(s->width, ==, w);
    g_assert_cmpint(s->height, ==, h);
    if (s->width != w || s->height != h) {
        goto out;
    }
    for (y = 0; y < h; y++) {
        for (x = 0; x < w; x++) {
            expect = fb_expect(fb, x0 + x, y0 + y);
            got = shot_pixel(s, x, y);
            if (got != expect) {
                g_test_message("pixel (%u, %u) of the screen, (%u, %u) of "
                               "the %s %s surface", x, y, x0 + x, y0 + y,
                               formats[fb->fmt].name, fb->tiling->name);
                g_assert_cmphex(got, ==, expect);
                goto out;       /* one is enough */
            }
        }
    }
out:
    shot_free(s);
}

/* The console shows the 640x480 placeholder of a plane it cannot show */
static void check_blank(QIgvt *d)
{
    Shot *s = screendump(d);

    g_assert_cmpint(s->width, ==, 640);
    g_assert_cmpint(s->height, ==, 480);
    /* Black, with a grey message in the middle */
    g_assert_cmphex(shot_pixel(s, 0, 0), ==, 0);
    g_assert_cmphex(shot_pixel(s, 639, 479), ==, 0);
    shot_free(s);
}

/* query-igvt-display describes the plane showing @fb as @w x @h */
static void check_plane_query(QIgvt *d, const Fb *fb, uint32_t w, uint32_t h)
{
    QDict *info = qigvt_query_display(d);
    QDict *pipe = pipe_a(info);
    QDict *plane = plane_1a(info);

    g_assert_true(qdict_get_bool(pipe, "enabled"));
    g_assert_true(qdict_get_bool(plane, "enabled"));
    g_assert_cmpstr(qdict_get_try_str(plane, "error"), ==, NULL);
    g_assert_cmpstr(qdict_get_try_str(plane, "format"), ==,
                    formats[fb->fmt].fourcc);
    g_assert_cmpstr(qdict_get_try_str(plane, "tiling"), ==,
                    fb->tiling->name);
    g_assert_cmpint(qdict_get_try_int(plane, "width", -1), ==, w);
    g_assert_cmpint(qdict_get_try_int(plane, "height", -1), ==, h);
    g_assert_cmpint(qdict_get_try_int(plane, "stride", -1), ==, fb->stride);
    g_assert_cmphex(qdict_get_int(plane, "ggtt-address"), ==, fb->gm);
    g_assert_false(qdict_get_bool(info, "vga"));
    qobject_unref(info);
}

/* How the console shows the display (query-igvt-display's "console") */
static void check_console_mode(QIgvt *d, const char *mode)
{
    QDict *info = qigvt_query_display(d);

    g_assert_cmpstr(qdict_get_str(info, "console"), ==, mode);
    qobject_unref(info);
}

/*
 * 1. A plane in every format and tiling
 */

typedef struct PlaneCase {
    int fmt;
    int tiling;
    bool contiguous;            /* pages in order: linear ones show in place */
} PlaneCase;

#define PLANE_W     200
#define PLANE_H     40

static void test_plane(const void *opaque)
{
    const PlaneCase *c = opaque;
    QIgvt *d = dpy_start();
    Fb *fb = fb_new(c->fmt, c->tiling, PLANE_W, PLANE_H);

    if (c->fmt == FMT_C8) {
        palette_random(d);
    }
    fb_map(d, fb, d->gm + 1 * MiB, RAM_FB0, !c->contiguous);
    display_on(d);
    pipe_src(d, PLANE_W, PLANE_H);
    plane_show(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_plane_query(d, fb, PLANE_W, PLANE_H);

    /* The guest draws: the next screendump shows it */
    fb_scribble(d, fb, fb->npages / 2);
    fb_scribble(d, fb, fb->npages - 1);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);

    fb_free(fb);
    qigvt_free(d);
}

/* A palette change shows without the framebuffer changing */
static void test_plane_c8_palette(void)
{
    QIgvt *d = dpy_start();
    Fb *fb = fb_new(FMT_C8, TILE_LINEAR, PLANE_W, PLANE_H);
    unsigned i;

    palette_random(d);
    fb_map(d, fb, d->gm + 1 * MiB, RAM_FB0, true);
    display_on(d);
    pipe_src(d, PLANE_W, PLANE_H);
    plane_show(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);

    for (i = 0; i < 256; i++) {
        palette[i] = ~palette[i] & 0xffffff;
        qigvt_writel(d, IGVT_LGC_PALETTE(0) + 4 * i, palette[i]);
    }
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);
    fb_free(fb);
    qigvt_free(d);
}

/* A window into a larger surface, in each tiling */
static void test_plane_panning(void)
{
    static const struct {
        int fmt, tiling;
        uint32_t sw, sh;        /* surface */
        uint32_t w, h, x, y;    /* window */
        bool contiguous;
    } pans[] = {
        { FMT_XRGB8888, TILE_LINEAR, 256, 64, 200, 40, 13, 7, false },
        { FMT_RGB565, TILE_Y, 256, 96, 160, 40, 37, 45, false },
        { FMT_XBGR8888, TILE_X, 256, 48, 200, 40, 40, 5, false },
        { FMT_XRGB2101010, TILE_Y, 96, 80, 48, 40, 33, 35, false },
        /* Shown in place */
        { FMT_XRGB8888, TILE_LINEAR, 256, 64, 200, 40, 29, 11, true },
    };
    QIgvt *d = dpy_start();
    unsigned i;

    display_on(d);
    for (i = 0; i < ARRAY_SIZE(pans); i++) {
        Fb *fb = fb_new(pans[i].fmt, pans[i].tiling, pans[i].sw, pans[i].sh);

        g_test_message("%s %s at (%u, %u)", formats[pans[i].fmt].name,
                       tilings[pans[i].tiling].name, pans[i].x, pans[i].y);
        fb_map(d, fb, d->gm + (i + 1) * MiB, RAM_FB0 + i * 2 * MiB,
               !pans[i].contiguous);
        pipe_src(d, pans[i].w, pans[i].h);
        plane_show(d, fb, pans[i].w, pans[i].h, pans[i].x, pans[i].y);
        check_screen(d, fb, pans[i].w, pans[i].h, pans[i].x, pans[i].y);
        check_plane_query(d, fb, pans[i].w, pans[i].h);
        fb_free(fb);
    }
    qigvt_free(d);
}

/*
 * A linear XRGB framebuffer on contiguous guest pages: the device shows
 * it in place.  The pixels are exact, later writes show, and remapping
 * one of its pages elsewhere shows that page.
 */
static void test_plane_in_place(void)
{
    QIgvt *d = dpy_start();
    Fb *fb = fb_new(FMT_XRGB8888, TILE_LINEAR, PLANE_W, PLANE_H);
    unsigned i;

    check_console_mode(d, "vga");
    fb_map(d, fb, d->hidden_gm + 4 * MiB, RAM_FB0, false);
    display_on(d);
    pipe_src(d, PLANE_W, PLANE_H);
    plane_show(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_console_mode(d, "in-place");

    for (i = 0; i < fb->npages; i += 2) {
        fb_scribble(d, fb, i);
    }
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);

    /*
     * Page 2 moves: no longer contiguous, and it has other contents.
     * Guest RAM is anonymous memory here: the pixels are copied.
     */
    fb->ram[2] = RAM_FB1;
    fb_scribble(d, fb, 2);
    fb_map_page(d, fb, 2);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_console_mode(d, "copied");
    fb_scribble(d, fb, 1);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);
    fb_free(fb);
    qigvt_free(d);
}

/*
 * The same framebuffer on scattered pages, with guest RAM in a shared
 * memfd: its pages are mapped into one window and shown in place.  The
 * pixels are exact, later writes show through the window, a page moved
 * elsewhere shows its new contents, and a plane that can't be shown in
 * place (X-tiled) is copied again.
 */
static void test_plane_remapped(void)
{
    QIgvt *d = dpy_startf(" -object memory-backend-memfd,id=ram0,size=128M,"
                        "share=on -machine memory-backend=ram0");
    Fb *fb = fb_new(FMT_XRGB8888, TILE_LINEAR, PLANE_W, PLANE_H);
    Fb *tiled = fb_new(FMT_XRGB8888, TILE_X, PLANE_W, PLANE_H);
    unsigned i;

    fb_map(d, fb, d->gm + 1 * MiB, RAM_FB0, true);
    display_on(d);
    pipe_src(d, PLANE_W, PLANE_H);
    plane_show(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_console_mode(d, "remapped");

    for (i = 1; i < fb->npages; i += 3) {
        fb_scribble(d, fb, i);
    }
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);

    fb->ram[0] = RAM_FB1;
    fb_scribble(d, fb, 0);
    fb_map_page(d, fb, 0);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_console_mode(d, "remapped");

    fb_map(d, tiled, d->hidden_gm + 2 * MiB, RAM_FB1 + 1 * MiB, true);
    plane_show(d, tiled, PLANE_W, PLANE_H, 0, 0);
    check_screen(d, tiled, PLANE_W, PLANE_H, 0, 0);
    check_console_mode(d, "copied");
    fb_free(tiled);
    fb_free(fb);
    qigvt_free(d);
}

/*
 * The VGA core takes the console back (the guest turns the VGA plane on
 * again) while igvt shows a plane copied, in place or through the
 * remapped window.  The VGA core, in blank mode after a 1024x768 VBE
 * mode, either clears what it thinks is its 1024x768 surface (it went
 * blank while igvt showed the plane) or draws nothing at all (it was
 * blank already): either way the console must show a surface of its own,
 * never igvt's smaller one, the guest's memory or a window that is
 * unmapped.  A system reset hands the console back the same way.
 */
typedef struct TakeoverCase {
    const char *name;
    const char *mode;           /* how the console shows the plane */
    int tiling;
    bool scattered;             /* scattered pages, guest RAM in a memfd */
    bool blank_first;           /* the VGA core was blank before igvt's */
    bool reset;                 /* a system reset instead of VGACNTRL */
} TakeoverCase;

static const TakeoverCase takeover_cases[] = {
    { "copied", "copied", TILE_X, false, false, false },
    { "copied-blank", "copied", TILE_X, false, true, false },
    { "in-place", "in-place", TILE_LINEAR, false, false, false },
    { "in-place-blank", "in-place", TILE_LINEAR, false, true, false },
    { "remapped", "remapped", TILE_LINEAR, true, false, false },
    { "remapped-blank", "remapped", TILE_LINEAR, true, true, false },
    { "remapped-reset", "remapped", TILE_LINEAR, true, false, true },
};

static void test_vga_takeover(const void *opaque)
{
    const TakeoverCase *c = opaque;
    QIgvt *d = c->scattered ?
             dpy_startf(" -object memory-backend-memfd,id=ram0,size=128M,"
                        "share=on -machine memory-backend=ram0") :
             dpy_start();
    Fb *fb = fb_new(FMT_XRGB8888, c->tiling, PLANE_W, PLANE_H);
    g_autofree uint8_t *mem = g_malloc(PAGE);
    Shot *s;
    unsigned i;

    /*
     * VBE 1024x768, shown by the VGA core (the attribute controller's
     * palette address source bit on); then that bit off: blank mode
     */
    qtest_outb(d->qts, VGA_MIS_W, VGA_MIS_COLOR);       /* IS1 at 0x3da */
    qtest_inb(d->qts, VGA_IS1_RC);      /* attribute index, not data, next */
    qtest_outb(d->qts, VGA_ATT_W, VGA_AR_ENABLE_DISPLAY);
    qigvt_vbe_enable(d->qts);
    s = screendump(d);
    g_assert_cmpint(s->width, ==, 1024);
    g_assert_cmpint(s->height, ==, 768);
    shot_free(s);
    qtest_inb(d->qts, VGA_IS1_RC);
    qtest_outb(d->qts, VGA_ATT_W, 0);
    if (c->blank_first) {
        /* ... and shown blank: it has nothing to redraw when it is back */
        s = screendump(d);
        g_assert_cmpint(s->width, ==, 1024);
        shot_free(s);
    }

    fb_map(d, fb, d->gm + 1 * MiB, RAM_FB0, c->scattered);
    display_on(d);
    pipe_src(d, PLANE_W, PLANE_H);
    plane_show(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_console_mode(d, c->mode);

    if (c->reset) {
        qtest_system_reset(d->qts);
    } else {
        qigvt_writel(d, A_VGACNTRL, 0);
    }
    /* A reset also forgets the VGA core's last mode: nothing to clear */
    s = screendump(d);
    g_assert_cmpint(s->width, ==, c->reset ? 640 : 1024);
    g_assert_cmpint(s->height, ==, c->reset ? 480 : 768);
    g_assert_cmphex(shot_pixel(s, 0, 0), ==, 0);
    g_assert_cmphex(shot_pixel(s, s->width - 1, s->height - 1), ==, 0);
    shot_free(s);
    check_console_mode(d, "vga");
    /* The guest's framebuffer is as it wrote it */
    for (i = 0; i < fb->npages; i++) {
        qtest_memread(d->qts, fb->ram[i], mem, PAGE);
        g_assert_cmpmem(mem, PAGE, fb->mem + i * PAGE, PAGE);
    }
    qigvt_assert_running(d->qts);
    fb_free(fb);
    qigvt_free(d);
}

/*
 * 2. Flips
 */
static void test_flip(void)
{
    QIgvt *d = dpy_start();
    Fb *a = fb_new(FMT_XRGB8888, TILE_X, PLANE_W, PLANE_H);
    Fb *b = fb_new(FMT_XRGB8888, TILE_X, PLANE_W, PLANE_H);
    uint32_t flips;
    QDict *info;

    fb_map(d, a, d->gm + 1 * MiB, RAM_FB0, true);
    fb_map(d, b, d->hidden_gm + 2 * MiB, RAM_FB1, true);
    display_on(d);
    pipe_src(d, PLANE_W, PLANE_H);
    plane_show(d, a, PLANE_W, PLANE_H, 0, 0);
    check_screen(d, a, PLANE_W, PLANE_H, 0, 0);
    g_assert_cmphex(qigvt_readl(d, A_PLANE_SURFLIVE_1_A), ==, a->gm);

    /* Listen for flip-done only, not for vblank */
    qigvt_writel(d, IGVT_GEN8_DE_PIPE_IMR(0), ~DE_PIPE_FLIP_DONE);
    qigvt_writel(d, IGVT_GEN8_DE_PIPE_IER(0), DE_PIPE_FLIP_DONE);
    qtest_clock_step(d->qts, 2 * PERIOD_60HZ);
    qigvt_writel(d, IGVT_GEN8_DE_PIPE_IIR(0), UINT32_MAX);
    g_assert_cmphex(qigvt_readl(d, IGVT_GEN8_DE_PIPE_IIR(0)), ==, 0);

    flips = qigvt_readl(d, A_PIPE_FLIPCOUNT_A);
    qigvt_writel(d, A_PLANE_SURF_1_A, b->gm);
    g_assert_cmpuint(qigvt_readl(d, A_PIPE_FLIPCOUNT_A), ==, flips + 1);
    g_assert_cmphex(qigvt_readl(d, A_PLANE_SURFLIVE_1_A), ==, b->gm);
    /* Flip-done comes with the next vblank, not before */
    g_assert_cmphex(qigvt_readl(d, IGVT_GEN8_DE_PIPE_IIR(0)), ==, 0);
    check_screen(d, b, PLANE_W, PLANE_H, 0, 0);
    info = qigvt_query_display(d);
    g_assert_cmphex(qdict_get_int(plane_1a(info), "ggtt-address"), ==, b->gm);
    qobject_unref(info);

    qtest_clock_step(d->qts, PERIOD_60HZ + 1000);
    g_assert_cmphex(qigvt_readl(d, IGVT_GEN8_DE_PIPE_IIR(0)), ==,
                    DE_PIPE_FLIP_DONE);
    qigvt_writel(d, IGVT_GEN8_DE_PIPE_IIR(0), DE_PIPE_FLIP_DONE);
    g_assert_cmphex(qigvt_readl(d, IGVT_GEN8_DE_PIPE_IIR(0)), ==, 0);
    /* Once per flip */
    qtest_clock_step(d->qts, 3 * PERIOD_60HZ);
    g_assert_cmphex(qigvt_readl(d, IGVT_GEN8_DE_PIPE_IIR(0)), ==, 0);

    /* And back */
    qigvt_writel(d, A_PLANE_SURF_1_A, a->gm);
    g_assert_cmpuint(qigvt_readl(d, A_PIPE_FLIPCOUNT_A), ==, flips + 2);
    g_assert_cmphex(qigvt_readl(d, A_PLANE_SURFLIVE_1_A), ==, a->gm);
    check_screen(d, a, PLANE_W, PLANE_H, 0, 0);
    qtest_clock_step(d->qts, PERIOD_60HZ + 1000);
    g_assert_cmphex(qigvt_readl(d, IGVT_GEN8_DE_PIPE_IIR(0)), ==,
                    DE_PIPE_FLIP_DONE);

    fb_free(a);
    fb_free(b);
    qigvt_free(d);
}

/*
 * 3. Frame counter, vblank and the interrupt
 */

static int64_t pipe_a_member(QIgvt *d, const char *key)
{
    QDict *info = qigvt_query_display(d);
    int64_t v = qdict_get_int(pipe_a(info), key);

    qobject_unref(info);
    return v;
}

static void test_frame_counter(void)
{
    QIgvt *d = dpy_start();
    uint32_t start;

    g_assert_cmpuint(qigvt_readl(d, A_PIPE_FRMCOUNT_A), ==, 0);
    qtest_clock_step(d->qts, 5 * PERIOD_60HZ);
    /* Disabled: the counter does not run */
    g_assert_cmpuint(qigvt_readl(d, A_PIPE_FRMCOUNT_A), ==, 0);

    display_on(d);
    g_assert_cmpint(pipe_a_member(d, "refresh-mhz"), ==, 60000);
    start = qigvt_readl(d, A_PIPE_FRMCOUNT_A);
    qtest_clock_step(d->qts, 10 * PERIOD_60HZ + PERIOD_60HZ / 2);
    g_assert_cmpuint(qigvt_readl(d, A_PIPE_FRMCOUNT_A), ==, start + 10);
    g_assert_cmpint(pipe_a_member(d, "frame-count"), ==, start + 10);
    qtest_clock_step(d->qts, 60 * PERIOD_60HZ);
    g_assert_cmpuint(qigvt_readl(d, A_PIPE_FRMCOUNT_A), ==, start + 70);

    /* Stopped where it was */
    qigvt_writel(d, A_TRANSCONF_A, 0);
    g_assert_cmphex(qigvt_readl(d, A_TRANSCONF_A), ==, 0);
    qtest_clock_step(d->qts, 7 * PERIOD_60HZ);
    g_assert_cmpuint(qigvt_readl(d, A_PIPE_FRMCOUNT_A), ==, start + 70);
    g_assert_cmpint(pipe_a_member(d, "frame-count"), ==, start + 70);

    /* And running again from there */
    qigvt_writel(d, A_TRANSCONF_A, R_TRANSCONF_ENABLE_MASK);
    qtest_clock_step(d->qts, 3 * PERIOD_60HZ + PERIOD_60HZ / 2);
    g_assert_cmpuint(qigvt_readl(d, A_PIPE_FRMCOUNT_A), ==, start + 73);
    qigvt_free(d);
}

/*
 * Timings for 50 Hz: DPLL0 at its reset link rate (1.62 GHz, 162 MHz
 * symbol clock) feeding port D, link M/N 5/27 gives a 30 MHz pixel
 * clock, 1000 x 600 pixels a frame.
 */
static void test_frame_counter_timings(void)
{
    const int64_t period = 20000000;
    QIgvt *d = dpy_start();

    qigvt_writel(d, A_TRANS_DDI_FUNC_CTL_A,
                 (1u << 31) | (IGVT_PORT_D << R_TRANS_DDI_FUNC_CTL_PORT_SHIFT));
    qigvt_writel(d, A_HTOTAL_A, (1000 - 1) << 16 | (800 - 1));
    qigvt_writel(d, A_VTOTAL_A, (600 - 1) << 16 | (480 - 1));
    qigvt_writel(d, A_PIPE_LINK_M1_A, 5);
    qigvt_writel(d, A_PIPE_LINK_N1_A, 27);
    display_on(d);
    g_assert_cmpint(pipe_a_member(d, "refresh-mhz"), ==, 50000);
    qtest_clock_step(d->qts, 10 * period + period / 2);
    g_assert_cmpuint(qigvt_readl(d, A_PIPE_FRMCOUNT_A), ==, 10);
    qigvt_free(d);
}

static uint32_t pipe_a_iir(QIgvt *d)
{
    return qigvt_readl(d, IGVT_GEN8_DE_PIPE_IIR(0));
}

static void test_vblank(void)
{
    QIgvt *d = dpy_start();

    display_on(d);
    qigvt_writel(d, A_GEN8_MASTER_IRQ, MASTER_ENABLE);
    g_assert_cmphex(qigvt_readl(d, A_GEN8_MASTER_IRQ), ==, MASTER_ENABLE);

    /* Enabled but masked: nothing */
    qigvt_writel(d, IGVT_GEN8_DE_PIPE_IER(0), DE_PIPE_VBLANK);
    qtest_clock_step(d->qts, 3 * PERIOD_60HZ);
    g_assert_cmphex(pipe_a_iir(d), ==, 0);
    /* Unmasked but not enabled: nothing */
    qigvt_writel(d, IGVT_GEN8_DE_PIPE_IER(0), 0);
    qigvt_writel(d, IGVT_GEN8_DE_PIPE_IMR(0), ~DE_PIPE_VBLANK);
    qtest_clock_step(d->qts, 3 * PERIOD_60HZ);
    g_assert_cmphex(pipe_a_iir(d), ==, 0);
    g_assert_cmphex(qigvt_readl(d, A_GEN8_MASTER_IRQ), ==, MASTER_ENABLE);

    /* Both: at the next frame boundary */
    qigvt_writel(d, IGVT_GEN8_DE_PIPE_IER(0), DE_PIPE_VBLANK);
    g_assert_cmphex(pipe_a_iir(d), ==, 0);
    qtest_clock_step(d->qts, PERIOD_60HZ + 1000);
    g_assert_cmphex(pipe_a_iir(d), ==, DE_PIPE_VBLANK);
    g_assert_cmphex(qigvt_readl(d, A_GEN8_MASTER_IRQ), ==,
                    MASTER_ENABLE | MASTER_DE_PIPE_A);
    /* Pending needs IER too */
    qigvt_writel(d, IGVT_GEN8_DE_PIPE_IER(0), 0);
    g_assert_cmphex(qigvt_readl(d, A_GEN8_MASTER_IRQ), ==, MASTER_ENABLE);
    qigvt_writel(d, IGVT_GEN8_DE_PIPE_IER(0), DE_PIPE_VBLANK);
    g_assert_cmphex(qigvt_readl(d, A_GEN8_MASTER_IRQ), ==,
                    MASTER_ENABLE | MASTER_DE_PIPE_A);

    /* Cleared by writing it back; the next frame sets it again */
    qigvt_writel(d, IGVT_GEN8_DE_PIPE_IIR(0), DE_PIPE_VBLANK);
    g_assert_cmphex(pipe_a_iir(d), ==, 0);
    g_assert_cmphex(qigvt_readl(d, A_GEN8_MASTER_IRQ), ==, MASTER_ENABLE);
    qtest_clock_step(d->qts, PERIOD_60HZ + 1000);
    g_assert_cmphex(pipe_a_iir(d), ==, DE_PIPE_VBLANK);

    /* No frames, no vblank */
    qigvt_writel(d, A_TRANSCONF_A, 0);
    qigvt_writel(d, IGVT_GEN8_DE_PIPE_IIR(0), DE_PIPE_VBLANK);
    qtest_clock_step(d->qts, 3 * PERIOD_60HZ);
    g_assert_cmphex(pipe_a_iir(d), ==, 0);
    g_assert_cmphex(qigvt_readl(d, A_GEN8_MASTER_IRQ), ==, MASTER_ENABLE);
    qigvt_free(d);
}

/* The vblank interrupt as an MSI written to guest RAM */
static void test_vblank_msi(void)
{
    QIgvt *d = dpy_start();
    uint16_t flags;

    qpci_config_writel(d->dev, IGVT_PCI_CAP_MSI + PCI_MSI_ADDRESS_LO,
                       RAM_MSI);
    qpci_config_writew(d->dev, IGVT_PCI_CAP_MSI + PCI_MSI_DATA_32, 0x4321);
    flags = qpci_config_readw(d->dev, IGVT_PCI_CAP_MSI + PCI_MSI_FLAGS);
    g_assert_false(flags & PCI_MSI_FLAGS_64BIT);
    qpci_config_writew(d->dev, IGVT_PCI_CAP_MSI + PCI_MSI_FLAGS,
                       flags | PCI_MSI_FLAGS_ENABLE);
    qtest_writel(d->qts, RAM_MSI, 0);

    display_on(d);
    qigvt_writel(d, IGVT_GEN8_DE_PIPE_IMR(0), ~DE_PIPE_VBLANK);
    qigvt_writel(d, IGVT_GEN8_DE_PIPE_IER(0), DE_PIPE_VBLANK);

    /* Master interrupt off: pending, but no message */
    qtest_clock_step(d->qts, PERIOD_60HZ + 1000);
    g_assert_cmphex(pipe_a_iir(d), ==, DE_PIPE_VBLANK);
    g_assert_cmphex(qigvt_readl(d, A_GEN8_MASTER_IRQ), ==, MASTER_DE_PIPE_A);
    g_assert_cmphex(qtest_readl(d->qts, RAM_MSI), ==, 0);

    /* On: the message */
    qigvt_writel(d, A_GEN8_MASTER_IRQ, MASTER_ENABLE);
    g_assert_cmphex(qtest_readl(d->qts, RAM_MSI), ==, 0x4321);

    /* The handler: master off, IIR cleared, master on; the next vblank */
    qtest_writel(d->qts, RAM_MSI, 0);
    qigvt_writel(d, A_GEN8_MASTER_IRQ, 0);
    qigvt_writel(d, IGVT_GEN8_DE_PIPE_IIR(0), DE_PIPE_VBLANK);
    qigvt_writel(d, A_GEN8_MASTER_IRQ, MASTER_ENABLE);
    g_assert_cmphex(qtest_readl(d->qts, RAM_MSI), ==, 0);
    qtest_clock_step(d->qts, PERIOD_60HZ + 1000);
    g_assert_cmphex(qtest_readl(d->qts, RAM_MSI), ==, 0x4321);
    qigvt_free(d);
}

/*
 * 4. Mode change
 */
static void test_mode_change(void)
{
    static const struct {
        uint32_t src_w, src_h;      /* PIPESRC */
        uint32_t w, h;              /* PLANE_SIZE */
    } modes[] = {
        { 320, 200, 320, 200 },
        { 160, 100, 160, 100 },
        { 240, 120, 320, 200 },     /* the pipe clips the plane */
        { 320, 200, 320, 200 },
    };
    QIgvt *d = dpy_start();
    Fb *fb = fb_new(FMT_XRGB8888, TILE_Y, 320, 200);
    unsigned i;

    fb_map(d, fb, d->gm + 2 * MiB, RAM_FB0, true);
    display_on(d);
    for (i = 0; i < ARRAY_SIZE(modes); i++) {
        uint32_t w = MIN(modes[i].src_w, modes[i].w);
        uint32_t h = MIN(modes[i].src_h, modes[i].h);
        QDict *info;

        g_test_message("mode %ux%u, plane %ux%u", modes[i].src_w,
                       modes[i].src_h, modes[i].w, modes[i].h);
        pipe_src(d, modes[i].src_w, modes[i].src_h);
        plane_show(d, fb, modes[i].w, modes[i].h, 0, 0);
        check_screen(d, fb, w, h, 0, 0);
        check_plane_query(d, fb, w, h);
        info = qigvt_query_display(d);
        g_assert_cmpint(qdict_get_int(pipe_a(info), "width"), ==,
                        modes[i].src_w);
        g_assert_cmpint(qdict_get_int(pipe_a(info), "height"), ==,
                        modes[i].src_h);
        qobject_unref(info);
    }
    fb_free(fb);
    qigvt_free(d);
}

/*
 * 5. The cursor: a QEMU cursor, not pixels of the frame
 */

static void check_cursor(QIgvt *d, bool enabled, int64_t size, int64_t x,
                         int64_t y, uint64_t gm)
{
    QDict *info = qigvt_query_display(d);
    QDict *cur = qdict_get_qdict(pipe_a(info), "cursor");

    g_assert_cmpint(qdict_get_bool(cur, "enabled"), ==, enabled);
    g_assert_cmpint(qdict_get_int(cur, "size"), ==, size);
    g_assert_cmpint(qdict_get_int(cur, "x"), ==, x);
    g_assert_cmpint(qdict_get_int(cur, "y"), ==, y);
    g_assert_cmphex(qdict_get_int(cur, "ggtt-address"), ==, gm);
    qobject_unref(info);
}

static void test_cursor(void)
{
    QIgvt *d = dpy_start();
    Fb *fb = fb_new(FMT_XRGB8888, TILE_LINEAR, PLANE_W, PLANE_H);
    uint64_t cur_gm = d->gm + 8 * MiB;
    g_autofree uint32_t *image = g_new(uint32_t, 64 * 64);
    unsigned i;

    fb_map(d, fb, d->gm + 1 * MiB, RAM_FB0, true);
    /* An opaque white cursor with a red border */
    for (i = 0; i < 64 * 64; i++) {
        image[i] = (i % 64 == 0 || i < 64) ? cpu_to_le32(0xffff0000) :
                   cpu_to_le32(0xffffffff);
    }
    qtest_memwrite(d->qts, RAM_CURSOR, image, 64 * 64 * 4);
    for (i = 0; i < 4; i++) {
        qigvt_ggtt_write(d, cur_gm / PAGE + i,
                         (RAM_CURSOR + i * PAGE) | IGVT_PTE_PRESENT);
    }
    display_on(d);
    pipe_src(d, PLANE_W, PLANE_H);
    plane_show(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_cursor(d, false, 0, 0, 0, 0);

    qigvt_writel(d, A_CUR_CTL_A, IGVT_CUR_CTL_MODE_64_ARGB);
    qigvt_writel(d, A_CUR_POS_A, 5 << 16 | 10);
    qigvt_writel(d, A_CUR_BASE_A, cur_gm);
    g_assert_cmphex(qigvt_readl(d, A_CUR_SURFLIVE_A), ==, cur_gm);
    check_cursor(d, true, 64, 10, 5, cur_gm);
    /* The frame is the plane alone */
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);

    /* Partly off the left edge: sign and magnitude */
    qigvt_writel(d, A_CUR_POS_A, 7 << 16 | 1u << 15 | 3);
    check_cursor(d, true, 64, -3, 7, cur_gm);
    qigvt_writel(d, A_CUR_POS_A, (1u << 15 | 9) << 16 | 20);
    check_cursor(d, true, 64, 20, -9, cur_gm);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);

    qigvt_writel(d, A_CUR_CTL_A, IGVT_CUR_CTL_MODE_128_ARGB);
    check_cursor(d, true, 128, 20, -9, cur_gm);
    qigvt_writel(d, A_CUR_CTL_A, 0);
    check_cursor(d, false, 0, 0, 0, 0);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);
    fb_free(fb);
    qigvt_free(d);
}

/*
 * 6. Planes the display cannot show: a guest error and a blank console
 */

enum { BAD_STRIDE, BAD_SIZE, BAD_YUV, BAD_YF, BAD_ROTATION };

typedef struct BadCase {
    int kind;
    const char *keyword;        /* in query-igvt-display's error */
} BadCase;

static void test_invalid(const void *opaque)
{
    const BadCase *c = opaque;
    QIgvt *d = dpy_start();
    Fb *fb = fb_new(FMT_XRGB8888, TILE_LINEAR, PLANE_W, PLANE_H);
    uint32_t ctl = plane_ctl(fb);
    QDict *info, *plane;
    const char *err;

    /* Some in place, some copied */
    fb_map(d, fb, d->gm + 1 * MiB, RAM_FB0, c->kind % 2);
    display_on(d);
    pipe_src(d, PLANE_W, PLANE_H);
    plane_show(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);

    switch (c->kind) {
    case BAD_STRIDE:
        /* 64 bytes, a row is 800 */
        qigvt_writel(d, A_PLANE_STRIDE_1_A, 1);
        break;
    case BAD_SIZE:
        qigvt_writel(d, A_PLANE_SIZE_1_A, (PLANE_H - 1) << 16 | (9000 - 1));
        break;
    case BAD_YUV:
        qigvt_writel(d, A_PLANE_CTL_1_A, (ctl & ~R_PLANE_CTL_FORMAT_MASK) |
                         PLANE_CTL_FORMAT(IGVT_PLANE_FORMAT_YUV422));
        break;
    case BAD_YF:
        qigvt_writel(d, A_PLANE_CTL_1_A,
                     ctl | PLANE_CTL_TILED(IGVT_PLANE_TILED_YF));
        break;
    case BAD_ROTATION:
        qigvt_writel(d, A_PLANE_CTL_1_A, ctl | PLANE_CTL_ROTATE_90);
        break;
    }
    qigvt_writel(d, A_PLANE_SURF_1_A, fb->gm);
    check_blank(d);
    qigvt_assert_running(d->qts);

    info = qigvt_query_display(d);
    plane = plane_1a(info);
    g_assert_true(qdict_get_bool(plane, "enabled"));
    err = qdict_get_try_str(plane, "error");
    g_test_message("error: %s", err);
    g_assert_nonnull(err);
    g_assert_nonnull(err ? strstr(err, c->keyword) : NULL);
    g_assert_false(qdict_haskey(plane, "format"));
    g_assert_false(qdict_haskey(plane, "width"));
    qobject_unref(info);
    /* Asking again changes nothing */
    check_blank(d);
    qigvt_assert_running(d->qts);

    /* A good plane again shows again */
    pipe_src(d, PLANE_W, PLANE_H);
    plane_show(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_plane_query(d, fb, PLANE_W, PLANE_H);
    fb_free(fb);
    qigvt_free(d);
}

/* Pages the GGTT does not map read as black; the plane still shows */
static void test_invalid_unmapped(void)
{
    QIgvt *d = dpy_start();
    Fb *fb = fb_new(FMT_XRGB8888, TILE_LINEAR, PLANE_W, PLANE_H);
    uint64_t idx;

    fb_map(d, fb, d->gm + 1 * MiB, RAM_FB0, true);
    /* Not present, present but not RAM, and never written (zero) */
    idx = fb->gm / PAGE;
    qigvt_ggtt_write(d, idx + 1, fb->ram[1]);
    fb->mapped[1] = false;
    qigvt_ggtt_write(d, idx + 3, QIGVT_PTE_NOT_RAM | IGVT_PTE_PRESENT);
    fb->mapped[3] = false;
    qigvt_ggtt_write(d, idx + 5, 0);
    fb->mapped[5] = false;

    display_on(d);
    pipe_src(d, PLANE_W, PLANE_H);
    plane_show(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_plane_query(d, fb, PLANE_W, PLANE_H);
    qigvt_assert_running(d->qts);

    /* Mapped now: the GGTT write redraws them */
    fb_map_page(d, fb, 1);
    fb_map_page(d, fb, 3);
    fb_map_page(d, fb, 5);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);
    fb_free(fb);
    qigvt_free(d);
}

static bool in_slices(QIgvt *d, uint64_t gm)
{
    return (gm >= d->gm && gm < d->gm + QIGVT_LOW_GM_SIZE) ||
           (gm >= d->hidden_gm && gm < d->hidden_gm + QIGVT_HIGH_GM_SIZE);
}

/* A surface outside the vGPU's graphics memory reads as black */
static void test_invalid_outside(void)
{
    QIgvt *d = dpy_start();
    Fb *fb = fb_new(FMT_XRGB8888, TILE_LINEAR, PLANE_W, PLANE_H);
    uint64_t last = d->gm + QIGVT_LOW_GM_SIZE - PAGE;
    unsigned i;

    display_on(d);
    pipe_src(d, PLANE_W, PLANE_H);

    /* Wholly outside: after the low slice */
    fb->gm = d->gm + QIGVT_LOW_GM_SIZE;
    if (in_slices(d, fb->gm)) {
        fb->gm = d->hidden_gm + QIGVT_HIGH_GM_SIZE;
    }
    for (i = 0; i < fb->npages; i++) {
        g_assert_false(in_slices(d, fb->gm + i * PAGE));
    }
    fb_store(d, fb, RAM_FB0, true);
    for (i = 0; i < fb->npages; i++) {
        /* Dropped */
        qigvt_ggtt_write(d, fb->gm / PAGE + i, fb->ram[i] | IGVT_PTE_PRESENT);
    }
    plane_show(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_plane_query(d, fb, PLANE_W, PLANE_H);
    qigvt_assert_running(d->qts);

    /* Straddling the end of the low slice: its first page shows */
    g_assert_false(in_slices(d, last + PAGE));
    fb->gm = last;
    fb_map_page(d, fb, 0);
    plane_show(d, fb, PLANE_W, PLANE_H, 0, 0);
    check_screen(d, fb, PLANE_W, PLANE_H, 0, 0);
    qigvt_assert_running(d->qts);
    fb_free(fb);
    qigvt_free(d);
}

/*
 * 7. The virtual monitor
 */

static void check_edid_mode(QIgvt *d, int64_t xres, int64_t yres)
{
    QDict *info = qigvt_query_display(d);

    g_assert_cmpstr(qdict_get_str(info, "port"), ==, "d");
    g_assert_true(qdict_get_bool(info, "connected"));
    g_assert_cmpint(qdict_get_int(info, "edid-xres"), ==, xres);
    g_assert_cmpint(qdict_get_int(info, "edid-yres"), ==, yres);
    qobject_unref(info);
}

static void set_monitor(QIgvt *d, uint32_t xres, uint32_t yres)
{
    qtest_qmp_assert_success(d->qts, "{'execute': 'igvt-set-monitor', "
                             "'arguments': {'qom-path': 'gpu0', "
                             "'xres': %u, 'yres': %u}}", xres, yres);
}

static void test_monitor_hotplug(void)
{
    QIgvt *d = dpy_startf(",xres=1024,yres=768");

    check_edid_mode(d, 1024, 768);
    g_assert_cmphex(qigvt_readl(d, A_SDEISR) & IGVT_SDE_PORTD_HOTPLUG, ==,
                    IGVT_SDE_PORTD_HOTPLUG);
    g_assert_cmphex(qigvt_readl(d, A_PCH_PORT_HOTPLUG) & HOTPLUG_D_STATUS,
                    ==, 0);

    /* Masked: the pulse is latched, but no interrupt */
    set_monitor(d, 1280, 720);
    check_edid_mode(d, 1280, 720);
    g_assert_cmphex(qigvt_readl(d, A_SDEIIR), ==, 0);
    g_assert_cmphex(qigvt_readl(d, A_PCH_PORT_HOTPLUG) &
                    IGVT_PCH_HOTPLUG_STATUS, ==, HOTPLUG_D_LONG);
    qigvt_writel(d, A_PCH_PORT_HOTPLUG, HOTPLUG_D_ENABLE | HOTPLUG_D_LONG);
    g_assert_cmphex(qigvt_readl(d, A_PCH_PORT_HOTPLUG), ==,
                    HOTPLUG_D_ENABLE);

    /* Unmasked and enabled: SDEIIR and the master register */
    qigvt_writel(d, A_SDEIMR, ~IGVT_SDE_PORTD_HOTPLUG);
    qigvt_writel(d, A_SDEIER, IGVT_SDE_PORTD_HOTPLUG);
    qigvt_writel(d, A_GEN8_MASTER_IRQ, MASTER_ENABLE);
    g_assert_cmphex(qigvt_readl(d, A_GEN8_MASTER_IRQ), ==, MASTER_ENABLE);
    set_monitor(d, 1600, 900);
    check_edid_mode(d, 1600, 900);
    g_assert_cmphex(qigvt_readl(d, A_SDEIIR), ==, IGVT_SDE_PORTD_HOTPLUG);
    g_assert_cmphex(qigvt_readl(d, A_SDEISR) & IGVT_SDE_PORTD_HOTPLUG, ==,
                    IGVT_SDE_PORTD_HOTPLUG);
    g_assert_cmphex(qigvt_readl(d, A_GEN8_MASTER_IRQ), ==,
                    MASTER_ENABLE | MASTER_PCH);
    g_assert_cmphex(qigvt_readl(d, A_PCH_PORT_HOTPLUG), ==,
                    HOTPLUG_D_ENABLE | HOTPLUG_D_LONG);
    /* Write 1 to clear, the enable stays */
    qigvt_writel(d, A_PCH_PORT_HOTPLUG, HOTPLUG_D_ENABLE | HOTPLUG_D_LONG);
    g_assert_cmphex(qigvt_readl(d, A_PCH_PORT_HOTPLUG), ==,
                    HOTPLUG_D_ENABLE);
    qigvt_writel(d, A_SDEIIR, IGVT_SDE_PORTD_HOTPLUG);
    g_assert_cmphex(qigvt_readl(d, A_SDEIIR), ==, 0);
    g_assert_cmphex(qigvt_readl(d, A_GEN8_MASTER_IRQ), ==, MASTER_ENABLE);
    g_assert_cmphex(qigvt_readl(d, A_SDEISR) & IGVT_SDE_PORTD_HOTPLUG, ==,
                    IGVT_SDE_PORTD_HOTPLUG);
    qigvt_free(d);
}

static void test_monitor_out_of_range(void)
{
    static const uint32_t bad[][2] = {
        { 100, 100 }, { 5000, 5000 }, { 639, 480 }, { 640, 479 },
        { 4097, 768 }, { 1024, 4097 },
    };
    QIgvt *d = dpy_startf(",xres=1024,yres=768");
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        QDict *resp = qtest_qmp(d->qts, "{'execute': 'igvt-set-monitor', "
                                "'arguments': {'qom-path': 'gpu0', "
                                "'xres': %u, 'yres': %u}}",
                                bad[i][0], bad[i][1]);

        g_test_message("%ux%u", bad[i][0], bad[i][1]);
        g_assert_true(qdict_haskey(resp, "error"));
        qobject_unref(resp);
    }
    check_edid_mode(d, 1024, 768);
    g_assert_cmphex(qigvt_readl(d, A_PCH_PORT_HOTPLUG) & HOTPLUG_D_STATUS,
                    ==, 0);
    /* The limits themselves are fine */
    set_monitor(d, 640, 480);
    check_edid_mode(d, 640, 480);
    set_monitor(d, 4096, 2160);
    check_edid_mode(d, 4096, 2160);
    /* Not an igvt-vga device */
    qobject_unref(qtest_qmp_assert_failure_ref(d->qts,
                  "{'execute': 'igvt-set-monitor', 'arguments': "
                  "{'qom-path': '/machine', 'xres': 800, 'yres': 600}}"));
    qigvt_assert_running(d->qts);
    qigvt_free(d);
}

/*
 * 8. DP AUX
 */

/* One AUX transaction on @port; returns DP_AUX_CH_CTL after it */
static uint32_t aux_xfer(QIgvt *d, unsigned port, const uint8_t *req,
                         unsigned len, uint8_t reply[20])
{
    uint32_t ctl_off = PORT_REG(A_DP_AUX_CH_CTL_A, port);
    uint32_t data_off = PORT_REG(A_DP_AUX_CH_DATA1_A, port);
    uint8_t buf[20] = { 0 };
    uint32_t ctl;
    unsigned i;

    g_assert_cmpuint(len, <=, sizeof(buf));
    memcpy(buf, req, len);
    for (i = 0; i < IGVT_DP_AUX_CH_DATA_REGS; i++) {
        qigvt_writel(d, data_off + 4 * i, ldl_be_p(buf + 4 * i));
    }
    /* As i915 does: clear the previous status along with sending */
    qigvt_writel(d, ctl_off, AUX_SEND_BUSY | AUX_DONE | AUX_TIME_OUT |
                             AUX_RECEIVE_ERROR | AUX_SIZE(len));
    ctl = qigvt_readl(d, ctl_off);
    for (i = 0; i < IGVT_DP_AUX_CH_DATA_REGS; i++) {
        stl_be_p(reply + 4 * i, qigvt_readl(d, data_off + 4 * i));
    }
    return ctl;
}

/* A transaction that must be acknowledged with @rlen reply bytes */
static void aux_ack(QIgvt *d, const uint8_t *req, unsigned len,
                    uint8_t reply[20], unsigned rlen)
{
    uint32_t ctl = aux_xfer(d, IGVT_PORT_D, req, len, reply);

    g_assert_cmphex(ctl & (AUX_SEND_BUSY | AUX_DONE | AUX_TIME_OUT |
                           AUX_RECEIVE_ERROR), ==, AUX_DONE);
    g_assert_cmpuint(AUX_SIZE_OF(ctl), ==, rlen);
    g_assert_cmphex(reply[0], ==, 0x00);
}

static void test_aux_dpcd(void)
{
    static const uint8_t rd_caps[] = { 0x90, 0x00, 0x00, 15 };
    static const uint8_t rd_sink_count[] = { 0x90, 0x02, 0x00, 0 };
    static const uint8_t wr_link_bw[] = { 0x80, 0x01, 0x00, 0, 0x0a };
    static const uint8_t rd_link_bw[] = { 0x90, 0x01, 0x00, 0 };
    QIgvt *d = dpy_start();
    uint32_t ctl_off = PORT_REG(A_DP_AUX_CH_CTL_A, IGVT_PORT_D);
    uint32_t data_off = PORT_REG(A_DP_AUX_CH_DATA1_A, IGVT_PORT_D);
    uint8_t reply[20];
    uint32_t ctl;

    /* Native read of 16 bytes at DPCD 0x000: 0x90 0x00 0x00 15 */
    qigvt_writel(d, data_off, 0x9000000f);
    qigvt_writel(d, ctl_off, AUX_SEND_BUSY | AUX_SIZE(4));
    ctl = qigvt_readl(d, ctl_off);
    g_assert_cmphex(ctl & AUX_SEND_BUSY, ==, 0);
    g_assert_cmphex(ctl & AUX_DONE, ==, AUX_DONE);
    g_assert_cmphex(ctl & AUX_TIME_OUT, ==, 0);
    g_assert_cmpuint(AUX_SIZE_OF(ctl), ==, 17);
    /* ACK, DPCD 1.2, HBR2, 4 lanes */
    g_assert_cmphex(qigvt_readl(d, data_off) >> 8, ==, 0x001214);
    g_assert_cmphex(qigvt_readl(d, data_off) & 0x1f, ==, 4);

    /* The same through the helper, which also clears DONE first */
    aux_ack(d, rd_caps, sizeof(rd_caps), reply, 17);
    g_assert_cmphex(reply[1], ==, 0x12);
    g_assert_cmphex(reply[2], ==, 0x14);
    g_assert_cmphex(reply[3] & 0x1f, ==, 4);
    aux_ack(d, rd_sink_count, sizeof(rd_sink_count), reply, 2);
    g_assert_cmphex(reply[1] & 0x3f, ==, 1);

    /* A native write, read back */
    aux_ack(d, wr_link_bw, sizeof(wr_link_bw), reply, 1);
    aux_ack(d, rd_link_bw, sizeof(rd_link_bw), reply, 2);
    g_assert_cmphex(reply[1], ==, 0x0a);
    qigvt_free(d);
}

/* The EDID's base block over I2C-over-AUX, 16 bytes at a time */
static void aux_read_edid(QIgvt *d, uint8_t edid[128])
{
    static const uint8_t start_write[] = { 0x40, 0x00, 0x50 };
    static const uint8_t offset0[] = { 0x40, 0x00, 0x50, 0, 0x00 };
    static const uint8_t read16[] = { 0x50, 0x00, 0x50, 15 };
    static const uint8_t stop[] = { 0x10, 0x00, 0x50 };
    uint8_t reply[20];
    unsigned off;

    aux_ack(d, start_write, sizeof(start_write), reply, 1);
    aux_ack(d, offset0, sizeof(offset0), reply, 1);
    for (off = 0; off < 128; off += 16) {
        aux_ack(d, read16, sizeof(read16), reply, 17);
        memcpy(edid + off, reply + 1, 16);
    }
    aux_ack(d, stop, sizeof(stop), reply, 1);
}

static void check_edid(const uint8_t *e, unsigned xres, unsigned yres)
{
    static const uint8_t header[8] = {
        0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00,
    };
    uint8_t sum = 0;
    unsigned i;

    g_assert_cmpmem(e, 8, header, 8);
    for (i = 0; i < 128; i++) {
        sum += e[i];
    }
    g_assert_cmpuint(sum, ==, 0);
    /* The first detailed timing is the preferred mode */
    g_assert_cmpuint(e[54] | e[55] << 8, !=, 0);
    g_assert_cmpuint(e[56] | (e[58] & 0xf0) << 4, ==, xres);
    g_assert_cmpuint(e[59] | (e[61] & 0xf0) << 4, ==, yres);
}

static void test_aux_edid(void)
{
    QIgvt *d = dpy_startf(",xres=1024,yres=768");
    uint8_t edid[128];

    aux_read_edid(d, edid);
    check_edid(edid, 1024, 768);
    /* Again, the same */
    aux_read_edid(d, edid);
    check_edid(edid, 1024, 768);

    set_monitor(d, 1600, 900);
    aux_read_edid(d, edid);
    check_edid(edid, 1600, 900);
    qigvt_free(d);
}

static void test_aux_timeout(void)
{
    static const uint8_t rd_caps[] = { 0x90, 0x00, 0x00, 15 };
    QIgvt *d = dpy_start();
    uint8_t reply[20];
    uint32_t ctl;

    ctl = aux_xfer(d, IGVT_PORT_B, rd_caps, sizeof(rd_caps), reply);
    g_assert_cmphex(ctl & (AUX_SEND_BUSY | AUX_DONE | AUX_TIME_OUT), ==,
                    AUX_DONE | AUX_TIME_OUT);
    /* Done and the error are cleared by writing them back */
    qigvt_writel(d, PORT_REG(A_DP_AUX_CH_CTL_A, IGVT_PORT_B),
                 AUX_DONE | AUX_TIME_OUT);
    g_assert_cmphex(qigvt_readl(d, PORT_REG(A_DP_AUX_CH_CTL_A, IGVT_PORT_B)) &
                    (AUX_DONE | AUX_TIME_OUT), ==, 0);
    /* Port D still answers */
    aux_ack(d, rd_caps, sizeof(rd_caps), reply, 17);
    g_assert_cmphex(reply[1], ==, 0x12);
    ctl = aux_xfer(d, IGVT_PORT_B, rd_caps, sizeof(rd_caps), reply);
    g_assert_cmphex(ctl & (AUX_SEND_BUSY | AUX_DONE | AUX_TIME_OUT), ==,
                    AUX_DONE | AUX_TIME_OUT);
    qigvt_free(d);
}

/*
 * 9. What the modeset waits for
 */

static void test_power_wells(void)
{
    QIgvt *d = dpy_start();

    /* PG2, PG1, DDI A/E and misc IO */
    qigvt_writel(d, A_HSW_PWR_WELL_CTL2, 0xa000000a);
    g_assert_cmphex(qigvt_readl(d, A_HSW_PWR_WELL_CTL2), ==, 0xf000000f);
    qigvt_writel(d, A_HSW_PWR_WELL_CTL2, 0xa0000000);
    g_assert_cmphex(qigvt_readl(d, A_HSW_PWR_WELL_CTL2), ==, 0xf0000000);
    qigvt_writel(d, A_HSW_PWR_WELL_CTL2, 0);
    g_assert_cmphex(qigvt_readl(d, A_HSW_PWR_WELL_CTL2), ==, 0);
    /* The state bits are not the driver's to write */
    qigvt_writel(d, A_HSW_PWR_WELL_CTL2, 0x50000005);
    g_assert_cmphex(qigvt_readl(d, A_HSW_PWR_WELL_CTL2), ==, 0);
    qigvt_free(d);
}

static void test_dbuf(void)
{
    QIgvt *d = dpy_start();

    qigvt_writel(d, A_DBUF_CTL, R_DBUF_CTL_POWER_REQUEST_MASK);
    g_assert_cmphex(qigvt_readl(d, A_DBUF_CTL), ==,
                    R_DBUF_CTL_POWER_REQUEST_MASK |
                    R_DBUF_CTL_POWER_STATE_MASK);
    qigvt_writel(d, A_DBUF_CTL, 0);
    g_assert_cmphex(qigvt_readl(d, A_DBUF_CTL), ==, 0);
    qigvt_free(d);
}

static void test_plls(void)
{
    QIgvt *d = dpy_start();

    qigvt_writel(d, A_LCPLL1_CTL, 0);
    g_assert_cmphex(qigvt_readl(d, A_LCPLL1_CTL), ==, 0);
    g_assert_cmphex(qigvt_readl(d, A_DPLL_STATUS) & IGVT_DPLL_LOCK(0), ==, 0);
    qigvt_writel(d, A_LCPLL1_CTL, IGVT_PLL_ENABLE);
    g_assert_cmphex(qigvt_readl(d, A_LCPLL1_CTL), ==,
                    IGVT_PLL_ENABLE | IGVT_PLL_LOCK);
    g_assert_cmphex(qigvt_readl(d, A_DPLL_STATUS) & IGVT_DPLL_LOCK(0), ==,
                    IGVT_DPLL_LOCK(0));

    /* DPLL1 and DPLL2 likewise */
    g_assert_cmphex(qigvt_readl(d, A_DPLL_STATUS) &
                    (IGVT_DPLL_LOCK(1) | IGVT_DPLL_LOCK(2)), ==, 0);
    qigvt_writel(d, A_LCPLL2_CTL, IGVT_PLL_ENABLE);
    qigvt_writel(d, A_WRPLL_CTL1, IGVT_PLL_ENABLE);
    g_assert_cmphex(qigvt_readl(d, A_LCPLL2_CTL), ==,
                    IGVT_PLL_ENABLE | IGVT_PLL_LOCK);
    g_assert_cmphex(qigvt_readl(d, A_DPLL_STATUS) &
                    (IGVT_DPLL_LOCK(1) | IGVT_DPLL_LOCK(2)), ==,
                    IGVT_DPLL_LOCK(1) | IGVT_DPLL_LOCK(2));
    qigvt_writel(d, A_LCPLL2_CTL, 0);
    g_assert_cmphex(qigvt_readl(d, A_DPLL_STATUS) & IGVT_DPLL_LOCK(1), ==, 0);
    qigvt_free(d);
}

static void test_ddi_buf(void)
{
    QIgvt *d = dpy_start();
    uint32_t off = PORT_REG(A_DDI_BUF_CTL_A, IGVT_PORT_D);

    g_assert_cmphex(qigvt_readl(d, off), ==, R_DDI_BUF_CTL_IS_IDLE_MASK);
    qigvt_writel(d, off,
                 R_DDI_BUF_CTL_ENABLE_MASK | R_DDI_BUF_CTL_IS_IDLE_MASK);
    g_assert_cmphex(qigvt_readl(d, off), ==, R_DDI_BUF_CTL_ENABLE_MASK);
    qigvt_writel(d, off, 0);
    g_assert_cmphex(qigvt_readl(d, off), ==, R_DDI_BUF_CTL_IS_IDLE_MASK);
    qigvt_free(d);
}

static void test_dp_tp(void)
{
    QIgvt *d = dpy_start();
    uint32_t ctl = PORT_REG(A_DP_TP_CTL_A, IGVT_PORT_D);
    uint32_t status = PORT_REG(A_DP_TP_STATUS_A, IGVT_PORT_D);
    uint32_t done = R_DP_TP_STATUS_IDLE_DONE_MASK;

    g_assert_cmphex(qigvt_readl(d, status) & done, ==, 0);
    /* Training pattern 1, then idle, then normal */
    qigvt_writel(d, ctl, 1u << 31 | 0 << 8);
    g_assert_cmphex(qigvt_readl(d, status) & done, ==, 0);
    qigvt_writel(d, ctl, 1u << 31 | 2 << 8);
    g_assert_cmphex(qigvt_readl(d, status) & done, ==, done);
    qigvt_writel(d, ctl, 1u << 31 | 3 << 8);
    g_assert_cmphex(qigvt_readl(d, status) & done, ==, 0);
    qigvt_free(d);
}

static void test_panel_power(void)
{
    QIgvt *d = dpy_start();

    g_assert_cmphex(qigvt_readl(d, A_PCH_PP_STATUS), ==, 0);
    qigvt_writel(d, A_PCH_PP_CONTROL, R_PCH_PP_CONTROL_POWER_TARGET_ON_MASK);
    g_assert_cmphex(qigvt_readl(d, A_PCH_PP_STATUS), ==,
                    R_PCH_PP_STATUS_ON_MASK);
    qigvt_writel(d, A_PCH_PP_CONTROL, 0);
    g_assert_cmphex(qigvt_readl(d, A_PCH_PP_STATUS), ==, 0);
    qigvt_free(d);
}

int main(int argc, char **argv)
{
    static PlaneCase planes[FMT__MAX * (TILE__MAX + 1)];
    static const BadCase bad[] = {
        { BAD_STRIDE, "stride" },
        { BAD_SIZE, "8192" },
        { BAD_YUV, "YUV" },
        { BAD_YF, "Yf" },
        { BAD_ROTATION, "rotation" },
    };
    static const char *const bad_names[] = {
        "stride", "size", "yuv", "yf-tiling", "rotation",
    };
    g_autoptr(GError) err = NULL;
    unsigned n = 0, i;
    int f, t, ret;

    g_test_init(&argc, &argv, NULL);
    /* A failing check fails its test case, the others still run */
    g_test_set_nonfatal_assertions();
    tmpdir = g_dir_make_tmp("igvt-display-test-XXXXXX", &err);
    g_assert_no_error(err);

    for (f = 0; f < FMT__MAX; f++) {
        for (t = 0; t < TILE__MAX; t++) {
            g_autofree char *path =
                g_strdup_printf("/igvt-display/plane/%s/%s",
                                formats[f].name, tilings[t].name);

            planes[n] = (PlaneCase) { f, t, false };
            qtest_add_data_func(path, &planes[n++], test_plane);
        }
    }
    for (f = 0; f < FMT__MAX; f++) {
        g_autofree char *path =
            g_strdup_printf("/igvt-display/plane/%s/linear-contiguous",
                            formats[f].name);

        planes[n] = (PlaneCase) { f, TILE_LINEAR, true };
        qtest_add_data_func(path, &planes[n++], test_plane);
    }
    qtest_add_func("/igvt-display/plane/c8-palette", test_plane_c8_palette);
    qtest_add_func("/igvt-display/plane/panning", test_plane_panning);
    qtest_add_func("/igvt-display/plane/in-place", test_plane_in_place);
    qtest_add_func("/igvt-display/plane/remapped", test_plane_remapped);
    for (i = 0; i < ARRAY_SIZE(takeover_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/igvt-display/vga-takeover/%s",
                            takeover_cases[i].name);

        qtest_add_data_func(path, &takeover_cases[i], test_vga_takeover);
    }
    qtest_add_func("/igvt-display/flip", test_flip);
    qtest_add_func("/igvt-display/frame-counter", test_frame_counter);
    qtest_add_func("/igvt-display/frame-counter/timings",
                   test_frame_counter_timings);
    qtest_add_func("/igvt-display/vblank", test_vblank);
    qtest_add_func("/igvt-display/vblank/msi", test_vblank_msi);
    qtest_add_func("/igvt-display/mode-change", test_mode_change);
    qtest_add_func("/igvt-display/cursor", test_cursor);
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        g_autofree char *path =
            g_strdup_printf("/igvt-display/invalid/%s", bad_names[i]);

        qtest_add_data_func(path, &bad[i], test_invalid);
    }
    qtest_add_func("/igvt-display/invalid/unmapped", test_invalid_unmapped);
    qtest_add_func("/igvt-display/invalid/outside-slices",
                   test_invalid_outside);
    qtest_add_func("/igvt-display/monitor/hotplug", test_monitor_hotplug);
    qtest_add_func("/igvt-display/monitor/out-of-range",
                   test_monitor_out_of_range);
    qtest_add_func("/igvt-display/aux/dpcd", test_aux_dpcd);
    qtest_add_func("/igvt-display/aux/edid", test_aux_edid);
    qtest_add_func("/igvt-display/aux/timeout", test_aux_timeout);
    qtest_add_func("/igvt-display/handshake/power-wells", test_power_wells);
    qtest_add_func("/igvt-display/handshake/dbuf", test_dbuf);
    qtest_add_func("/igvt-display/handshake/plls", test_plls);
    qtest_add_func("/igvt-display/handshake/ddi-buf", test_ddi_buf);
    qtest_add_func("/igvt-display/handshake/dp-tp", test_dp_tp);
    qtest_add_func("/igvt-display/handshake/panel-power", test_panel_power);

    ret = g_test_run();
    rmdir(tmpdir);
    g_free(tmpdir);
    return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for igvt's plane decoder, tiling and pixel conversion
 * (hw/display/igvt/fb-format.c).
 *
 * Register values are built here from the field positions of the Gen9
 * registers as i915 programs them (PLANE_CTL format 27:24, RGB order 20,
 * tiling 12:10, alpha 5:4, rotation 1:0; PLANE_SIZE and PLANE_OFFSET with
 * y/height in the high half; PIPESRC with width in the high half).  The
 * reference tiling used to lay out test surfaces does not do arithmetic on
 * addresses: it walks each tile in memory order as the tile layout is
 * defined (X: 8 rows of 512 bytes; Y: 8 columns of 16 bytes by 32 rows,
 * one column after the other) and records where each byte lands.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "hw/display/igvt/fb-format.h"

/* PLANE_CTL fields */
#define CTL_ENABLE      (1u << 31)
#define CTL_RGBX        (1u << 20)
#define CTL_DECOMP      (1u << 15)
#define F_YUV422        0
#define F_NV12          1
#define F_2101010       2
#define F_P010          3
#define F_8888          4
#define F_FP16          6
#define F_XYUV          8
#define F_INDEXED       12
#define F_565           14
#define T_LINEAR        0
#define T_X             1
#define T_Y             4
#define T_YF            5

#define CTL(fmt, rgbx, alpha, tiled, rot) \
    (CTL_ENABLE | (uint32_t)(fmt) << 24 | ((rgbx) ? CTL_RGBX : 0) | \
     (uint32_t)(tiled) << 10 | (uint32_t)(alpha) << 4 | (uint32_t)(rot))
/* PLANE_SIZE: height - 1 high, width - 1 low */
#define SIZE_REG(w, h)      (((uint32_t)(h) - 1) << 16 | ((uint32_t)(w) - 1))
/* PIPESRC: width - 1 high, height - 1 low */
#define PIPESRC_REG(w, h)   (((uint32_t)(w) - 1) << 16 | ((uint32_t)(h) - 1))
/* PLANE_OFFSET: y high, x low */
#define OFFSET_REG(x, y)    ((uint32_t)(y) << 16 | (uint32_t)(x))

/* ---------------------------------------------------------------------- */
/* Reference tiling, from the tile layout definitions */

static uint16_t xmap[8][512];
static uint16_t ymap[32][128];

static void build_tile_maps(void)
{
    unsigned a = 0, row, col, b;

    /* X tile: 8 rows of 512 bytes, one row after the other */
    for (row = 0; row < 8; row++) {
        for (b = 0; b < 512; b++) {
            xmap[row][b] = a++;
        }
    }
    g_assert_cmpuint(a, ==, 4096);

    /* Y tile: 8 OWord columns, each 32 rows of 16 bytes, column by column */
    a = 0;
    for (col = 0; col < 8; col++) {
        for (row = 0; row < 32; row++) {
            for (b = 0; b < 16; b++) {
                ymap[row][col * 16 + b] = a++;
            }
        }
    }
    g_assert_cmpuint(a, ==, 4096);
}

/* Byte @xb of surface row @y; tiles are numbered row-major */
static uint64_t ref_offset(IgvtTiling t, uint32_t stride, uint64_t xb,
                           uint64_t y)
{
    uint64_t tile;

    switch (t) {
    case IGVT_TILING_X:
        tile = (y / 8) * (stride / 512) + xb / 512;
        return tile * 4096 + xmap[y % 8][xb % 512];
    case IGVT_TILING_Y:
        tile = (y / 32) * (stride / 128) + xb / 128;
        return tile * 4096 + ymap[y % 32][xb % 128];
    default:
        return y * stride + xb;
    }
}

/* ---------------------------------------------------------------------- */
/* Decoding */

typedef struct FormatCase {
    uint32_t fmt;
    bool rgbx;
    uint32_t alpha;
    uint32_t drm;
    uint32_t cpp;
} FormatCase;

static const FormatCase format_cases[] = {
    { F_8888, false, 0, DRM_FORMAT_XRGB8888, 4 },
    { F_8888, false, 2, DRM_FORMAT_ARGB8888, 4 },
    { F_8888, false, 3, DRM_FORMAT_ARGB8888, 4 },
    { F_8888, true, 0, DRM_FORMAT_XBGR8888, 4 },
    { F_8888, true, 2, DRM_FORMAT_ABGR8888, 4 },
    { F_8888, true, 3, DRM_FORMAT_ABGR8888, 4 },
    { F_2101010, false, 0, DRM_FORMAT_XRGB2101010, 4 },
    { F_2101010, true, 0, DRM_FORMAT_XBGR2101010, 4 },
    /* Skylake has no alpha for these: the field does not matter */
    { F_2101010, false, 2, DRM_FORMAT_XRGB2101010, 4 },
    { F_2101010, true, 3, DRM_FORMAT_XBGR2101010, 4 },
    { F_565, false, 0, DRM_FORMAT_RGB565, 2 },
    { F_565, true, 2, DRM_FORMAT_RGB565, 2 },
    { F_INDEXED, false, 0, DRM_FORMAT_C8, 1 },
    { F_INDEXED, true, 0, DRM_FORMAT_C8, 1 },
};

typedef struct TilingCase {
    uint32_t field;
    IgvtTiling tiling;
    uint64_t modifier;
    uint32_t unit;              /* bytes per PLANE_STRIDE count */
} TilingCase;

static const TilingCase tiling_cases[] = {
    { T_LINEAR, IGVT_TILING_LINEAR, DRM_FORMAT_MOD_LINEAR, 64 },
    { T_X, IGVT_TILING_X, I915_FORMAT_MOD_X_TILED, 512 },
    { T_Y, IGVT_TILING_Y, I915_FORMAT_MOD_Y_TILED, 128 },
};

static void test_decode_formats(void)
{
    size_t i, j;

    for (i = 0; i < ARRAY_SIZE(format_cases); i++) {
        for (j = 0; j < ARRAY_SIZE(tiling_cases); j++) {
            const FormatCase *f = &format_cases[i];
            const TilingCase *t = &tiling_cases[j];
            /* 1024x768, 4 KiB per row whatever the cpp */
            uint32_t sreg = 4096 / t->unit;
            IgvtPlane p;
            const char *why = NULL;
            bool ok;

            ok = igvt_plane_decode(CTL(f->fmt, f->rgbx, f->alpha, t->field,
                                       0),
                                   sreg, SIZE_REG(1024, 768), 0, 0x200000,
                                   PIPESRC_REG(1024, 768), &p, &why);
            g_assert_true(ok);
            g_assert_true(p.enabled);
            g_assert_cmphex(p.drm_format, ==, f->drm);
            g_assert_cmpuint(p.cpp, ==, f->cpp);
            g_assert_cmpuint(p.tiling, ==, t->tiling);
            g_assert_cmphex(p.modifier, ==, t->modifier);
            g_assert_cmpuint(p.stride, ==, 4096);
            g_assert_cmpuint(p.width, ==, 1024);
            g_assert_cmpuint(p.height, ==, 768);
            g_assert_cmpuint(p.pipe_width, ==, 1024);
            g_assert_cmpuint(p.pipe_height, ==, 768);
            g_assert_cmpuint(p.x, ==, 0);
            g_assert_cmpuint(p.y, ==, 0);
            g_assert_cmphex(p.base, ==, 0x200000);
            g_assert_cmpuint(igvt_fb_format_cpp(p.drm_format), ==, f->cpp);
        }
    }
}

static void test_decode_stride_units(void)
{
    IgvtPlane p;

    /* 7 units of each kind, for a plane narrow enough for all */
    g_assert_true(igvt_plane_decode(CTL(F_8888, false, 0, T_LINEAR, 0), 7,
                                    SIZE_REG(16, 16), 0, 0,
                                    PIPESRC_REG(16, 16), &p, NULL));
    g_assert_cmpuint(p.stride, ==, 7 * 64);
    g_assert_true(igvt_plane_decode(CTL(F_8888, false, 0, T_X, 0), 7,
                                    SIZE_REG(16, 16), 0, 0,
                                    PIPESRC_REG(16, 16), &p, NULL));
    g_assert_cmpuint(p.stride, ==, 7 * 512);
    g_assert_true(igvt_plane_decode(CTL(F_8888, false, 0, T_Y, 0), 7,
                                    SIZE_REG(16, 16), 0, 0,
                                    PIPESRC_REG(16, 16), &p, NULL));
    g_assert_cmpuint(p.stride, ==, 7 * 128);
    /* Bits above the 10-bit field are not part of the stride */
    g_assert_true(igvt_plane_decode(CTL(F_8888, false, 0, T_LINEAR, 0),
                                    0xfc00 | 7, SIZE_REG(16, 16), 0, 0,
                                    PIPESRC_REG(16, 16), &p, NULL));
    g_assert_cmpuint(p.stride, ==, 7 * 64);
}

static void test_decode_geometry(void)
{
    IgvtPlane p;
    /* Bits the decoder must ignore: gamma, CSC, keying, trickle feed */
    uint32_t noise = (1u << 30) | (1u << 23) | (1u << 21) | (1u << 14) |
                     (1u << 13);

    /* Non-square sizes catch a swapped PLANE_SIZE or PIPESRC */
    g_assert_true(igvt_plane_decode(CTL(F_8888, false, 0, T_LINEAR, 0) |
                                    noise, 1920 * 4 / 64,
                                    SIZE_REG(1920, 1080),
                                    OFFSET_REG(8, 2), 0x12345fff,
                                    PIPESRC_REG(1920, 1080), &p, NULL));
    g_assert_cmphex(p.drm_format, ==, DRM_FORMAT_XRGB8888);
    g_assert_cmpuint(p.width, ==, 1920);
    g_assert_cmpuint(p.height, ==, 1080);
    g_assert_cmpuint(p.x, ==, 8);
    g_assert_cmpuint(p.y, ==, 2);
    /* PLANE_SURF bits 11:0 are not address bits */
    g_assert_cmphex(p.base, ==, 0x12345000);
    /* last pixel (8 + 1919, 2 + 1079), plus one pixel */
    g_assert_cmpuint(p.size, ==, 1081ull * 7680 + 1927 * 4 + 4);

    /* A plane larger than the pipe source is clipped to it */
    g_assert_true(igvt_plane_decode(CTL(F_8888, false, 0, T_LINEAR, 0),
                                    1920 * 4 / 64, SIZE_REG(1920, 1080),
                                    0, 0, PIPESRC_REG(1280, 720), &p, NULL));
    g_assert_cmpuint(p.width, ==, 1280);
    g_assert_cmpuint(p.height, ==, 720);
    g_assert_cmpuint(p.pipe_width, ==, 1280);
    g_assert_cmpuint(p.pipe_height, ==, 720);
    /* ... and a smaller plane keeps its own size */
    g_assert_true(igvt_plane_decode(CTL(F_8888, false, 0, T_LINEAR, 0),
                                    1920 * 4 / 64, SIZE_REG(800, 600),
                                    0, 0, PIPESRC_REG(1920, 1080), &p,
                                    NULL));
    g_assert_cmpuint(p.width, ==, 800);
    g_assert_cmpuint(p.height, ==, 600);

    /* Sizes: 1024x768 XRGB8888 with a 4 KiB stride in each tiling */
    g_assert_true(igvt_plane_decode(CTL(F_8888, false, 0, T_LINEAR, 0), 64,
                                    SIZE_REG(1024, 768), 0, 0,
                                    PIPESRC_REG(1024, 768), &p, NULL));
    g_assert_cmpuint(p.size, ==, 768 * 4096);
    g_assert_true(igvt_plane_decode(CTL(F_8888, false, 0, T_X, 0), 8,
                                    SIZE_REG(1024, 768), 0, 0,
                                    PIPESRC_REG(1024, 768), &p, NULL));
    g_assert_cmpuint(p.size, ==, 96 * 8 * 4096);    /* 96 rows of 8 tiles */
    g_assert_true(igvt_plane_decode(CTL(F_8888, false, 0, T_Y, 0), 32,
                                    SIZE_REG(1024, 768), 0, 0,
                                    PIPESRC_REG(1024, 768), &p, NULL));
    g_assert_cmpuint(p.size, ==, 24 * 32 * 4096);   /* 24 rows of 32 */
    /* Starting 3 lines down, X tiling needs a 97th row of tiles */
    g_assert_true(igvt_plane_decode(CTL(F_8888, false, 0, T_X, 0), 8,
                                    SIZE_REG(1024, 768), OFFSET_REG(0, 3),
                                    0, PIPESRC_REG(1024, 768), &p, NULL));
    g_assert_cmpuint(p.size, ==, 97 * 8 * 4096);
    /* Y tiling runs past the stride into the next row of tiles */
    g_assert_true(igvt_plane_decode(CTL(F_8888, false, 0, T_Y, 0), 32,
                                    SIZE_REG(1024, 768), OFFSET_REG(40, 0),
                                    0, PIPESRC_REG(1024, 768), &p, NULL));
    /* last pixel x = 1063: byte 4252, tile 33 of tile row 23 */
    g_assert_cmpuint(p.size, ==, (23 * 32 + 33 + 1) * 4096);

    /* The largest plane */
    g_assert_true(igvt_plane_decode(CTL(F_8888, false, 0, T_LINEAR, 0), 512,
                                    SIZE_REG(8192, 8192), 0, 0,
                                    PIPESRC_REG(8192, 8192), &p, NULL));
    g_assert_cmpuint(p.width, ==, 8192);
    g_assert_cmpuint(p.height, ==, 8192);
    g_assert_cmpuint(p.size, ==, 8192ull * 32768);

    /* The largest offsets, with linear addressing running past the row */
    g_assert_true(igvt_plane_decode(CTL(F_8888, false, 0, T_LINEAR, 0), 64,
                                    SIZE_REG(1024, 768),
                                    OFFSET_REG(8191, 8191), 0,
                                    PIPESRC_REG(1024, 768), &p, NULL));
    g_assert_cmpuint(p.x, ==, 8191);
    g_assert_cmpuint(p.y, ==, 8191);

    /* A surface that ends exactly at 4 GiB */
    g_assert_true(igvt_plane_decode(CTL(F_8888, false, 0, T_LINEAR, 0), 64,
                                    SIZE_REG(1024, 768), 0, 0xffd00000,
                                    PIPESRC_REG(1024, 768), &p, NULL));
    g_assert_cmphex(p.base + p.size, ==, 0x100000000ull);
}

typedef struct RejectCase {
    const char *name;
    uint32_t ctl, stride, size, offset, surf, pipesrc;
    const char *why;            /* a word of the expected reason */
} RejectCase;

#define XRGB_L      CTL(F_8888, false, 0, T_LINEAR, 0)
#define S1024       SIZE_REG(1024, 768)
#define P1024       PIPESRC_REG(1024, 768)

static const RejectCase reject_cases[] = {
    { "disabled", XRGB_L & ~CTL_ENABLE, 64, S1024, 0, 0, P1024,
      "disabled" },
    { "yuv422", CTL(F_YUV422, false, 0, T_LINEAR, 0), 64, S1024, 0, 0,
      P1024, "YUV" },
    { "nv12", CTL(F_NV12, false, 0, T_LINEAR, 0), 64, S1024, 0, 0, P1024,
      "YUV" },
    { "p010", CTL(F_P010, false, 0, T_LINEAR, 0), 64, S1024, 0, 0, P1024,
      "YUV" },
    { "xyuv", CTL(F_XYUV, false, 0, T_LINEAR, 0), 64, S1024, 0, 0, P1024,
      "YUV" },
    { "fp16", CTL(F_FP16, false, 0, T_LINEAR, 0), 64, S1024, 0, 0, P1024,
      "FP16" },
    { "format9", CTL(9, false, 0, T_LINEAR, 0), 64, S1024, 0, 0, P1024,
      "reserved" },
    { "format15", CTL(15, false, 0, T_LINEAR, 0), 64, S1024, 0, 0, P1024,
      "reserved" },
    { "yf", CTL(F_8888, false, 0, T_YF, 0), 32, S1024, 0, 0, P1024,
      "Yf" },
    { "tiling2", CTL(F_8888, false, 0, 2, 0), 32, S1024, 0, 0, P1024,
      "reserved" },
    { "tiling3", CTL(F_8888, false, 0, 3, 0), 32, S1024, 0, 0, P1024,
      "reserved" },
    { "tiling6", CTL(F_8888, false, 0, 6, 0), 32, S1024, 0, 0, P1024,
      "reserved" },
    { "tiling7", CTL(F_8888, false, 0, 7, 0), 32, S1024, 0, 0, P1024,
      "reserved" },
    { "rotate90", CTL(F_8888, false, 0, T_LINEAR, 1), 64, S1024, 0, 0,
      P1024, "rotation" },
    { "rotate180", CTL(F_8888, false, 0, T_LINEAR, 2), 64, S1024, 0, 0,
      P1024, "rotation" },
    { "rotate270", CTL(F_8888, false, 0, T_Y, 3), 32, S1024, 0, 0, P1024,
      "rotation" },
    { "ccs", CTL(F_8888, false, 0, T_Y, 0) | CTL_DECOMP, 32, S1024, 0, 0,
      P1024, "decompression" },
    { "width8193", XRGB_L, 1023, SIZE_REG(8193, 768), 0, 0, P1024,
      "8192" },
    { "height8193", XRGB_L, 64, SIZE_REG(1024, 8193), 0, 0, P1024,
      "8192" },
    { "size-max", XRGB_L, 64, 0xffffffff, 0, 0, P1024, "8192" },
    { "pipe-width8193", XRGB_L, 64, S1024, 0, 0, PIPESRC_REG(8193, 768),
      "pipe" },
    { "pipe-height8193", XRGB_L, 64, S1024, 0, 0, PIPESRC_REG(1024, 8193),
      "pipe" },
    { "stride0", XRGB_L, 0, S1024, 0, 0, P1024, "zero" },
    { "stride-reserved-bits", XRGB_L, 0x400, S1024, 0, 0, P1024, "zero" },
    { "stride-short", XRGB_L, 63, S1024, 0, 0, P1024, "smaller" },
    { "stride-short-x", CTL(F_8888, false, 0, T_X, 0), 7, S1024, 0, 0,
      P1024, "smaller" },
    { "stride-short-y", CTL(F_8888, false, 0, T_Y, 0), 31, S1024, 0, 0,
      P1024, "smaller" },
    { "stride-short-by-1", CTL(F_INDEXED, false, 0, T_LINEAR, 0), 1,
      SIZE_REG(65, 16), 0, 0, PIPESRC_REG(65, 16), "smaller" },
    { "stride-short-565", CTL(F_565, false, 0, T_LINEAR, 0), 31, S1024, 0,
      0, P1024, "smaller" },
    { "offset-x", XRGB_L, 64, S1024, OFFSET_REG(8192, 0), 0, P1024,
      "offset" },
    { "offset-y", XRGB_L, 64, S1024, OFFSET_REG(0, 8192), 0, P1024,
      "offset" },
    { "offset-max", XRGB_L, 64, S1024, 0xffffffff, 0, P1024, "offset" },
    { "x-tiled-past-stride", CTL(F_8888, false, 0, T_X, 0), 8, S1024,
      OFFSET_REG(1, 0), 0, P1024, "X-tiled" },
    { "past-4g", XRGB_L, 64, S1024, 0, 0xffd01000, P1024, "4 GiB" },
    { "past-4g-top", XRGB_L, 64, S1024, 0, 0xfffff000, P1024, "4 GiB" },
    { "past-4g-tiled", CTL(F_8888, false, 0, T_X, 0), 8, S1024,
      OFFSET_REG(0, 8191), 0xfe000000, P1024, "4 GiB" },
};

static void test_decode_reject(const void *opaque)
{
    const RejectCase *c = opaque;
    IgvtPlane p, zero = { 0 };
    const char *why = NULL;

    memset(&p, 0xa5, sizeof(p));
    g_assert_false(igvt_plane_decode(c->ctl, c->stride, c->size, c->offset,
                                     c->surf, c->pipesrc, &p, &why));
    g_assert_nonnull(why);
    if (!strstr(why, c->why)) {
        g_test_message("reason \"%s\" lacks \"%s\"", why, c->why);
        g_assert_not_reached();
    }
    /* Nothing of the rejected plane is left to be used */
    zero.enabled = c->ctl & CTL_ENABLE;
    g_assert_cmpmem(&p, sizeof(p), &zero, sizeof(zero));

    /* And a caller that does not want the reason */
    g_assert_false(igvt_plane_decode(c->ctl, c->stride, c->size, c->offset,
                                     c->surf, c->pipesrc, &p, NULL));
}

/* ---------------------------------------------------------------------- */
/* Pixel offsets */

typedef struct OffsetPoint {
    uint32_t x, y;
    uint64_t offset;
} OffsetPoint;

static IgvtPlane make_plane(uint32_t fmt, uint32_t tiled, uint32_t sreg,
                            uint32_t w, uint32_t h, uint32_t x, uint32_t y)
{
    IgvtPlane p;
    const char *why = NULL;

    if (!igvt_plane_decode(CTL(fmt, false, 0, tiled, 0), sreg,
                           SIZE_REG(w, h), OFFSET_REG(x, y), 0,
                           PIPESRC_REG(w, h), &p, &why)) {
        g_test_message("decode failed: %s", why);
        g_assert_not_reached();
    }
    return p;
}

static void check_points(const IgvtPlane *p, const OffsetPoint *pts,
                         size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        uint64_t got = igvt_plane_pixel_offset(p, pts[i].x, pts[i].y);

        if (got != pts[i].offset) {
            g_test_message("(%u, %u): got %" PRIu64 ", want %" PRIu64,
                           pts[i].x, pts[i].y, got, pts[i].offset);
        }
        g_assert_cmpuint(got, ==, pts[i].offset);
    }
}

static void test_offset_linear(void)
{
    static const OffsetPoint pts[] = {
        { 0, 0, 0 },
        { 5, 3, 3 * 4096 + 20 },
        { 1023, 0, 4092 },
        { 1024, 0, 4096 },              /* past the row: plain arithmetic */
        { 0, 767, 767 * 4096 },
    };
    IgvtPlane p = make_plane(F_8888, T_LINEAR, 64, 1024, 768, 0, 0);

    check_points(&p, pts, ARRAY_SIZE(pts));
}

static void test_offset_x(void)
{
    /* 4 KiB stride: 8 tiles per row, a row of tiles is 32 KiB */
    static const OffsetPoint pts[] = {
        { 0, 0, 0 },
        { 1, 0, 4 },
        { 127, 0, 508 },                /* last pixel of the tile row */
        { 128, 0, 4096 },               /* next tile */
        { 0, 1, 512 },
        { 0, 7, 3584 },                 /* last row of the tile */
        { 127, 7, 4092 },               /* last byte of the tile */
        { 0, 8, 32768 },                /* next row of tiles */
        { 130, 9, 32768 + 4096 + 512 + 8 },
        { 1023, 767, 95 * 32768 + 7 * 4096 + 7 * 512 + 508 },
    };
    IgvtPlane p = make_plane(F_8888, T_X, 8, 1024, 768, 0, 0);
    static const OffsetPoint pts565[] = {
        { 255, 0, 510 },
        { 256, 0, 4096 },
        { 256, 8, 32768 + 4096 },
    };
    IgvtPlane p565 = make_plane(F_565, T_X, 8, 1024, 768, 0, 0);

    check_points(&p, pts, ARRAY_SIZE(pts));
    check_points(&p565, pts565, ARRAY_SIZE(pts565));
}

static void test_offset_y(void)
{
    /* 4 KiB stride: 32 tiles per row, a row of tiles is 128 KiB */
    static const OffsetPoint pts[] = {
        { 0, 0, 0 },
        { 3, 0, 12 },                   /* last pixel of the OWord */
        { 4, 0, 512 },                  /* next OWord column */
        { 0, 1, 16 },                   /* next row: next 16 bytes */
        { 0, 31, 496 },
        { 4, 31, 512 + 496 },
        { 31, 0, 7 * 512 + 12 },        /* last column of the tile */
        { 31, 31, 4092 },               /* last byte of the tile */
        { 32, 0, 4096 },                /* next tile */
        { 0, 32, 131072 },              /* next row of tiles */
        { 37, 33, 131072 + 4096 + 512 + 16 + 4 },
    };
    IgvtPlane p = make_plane(F_8888, T_Y, 32, 1024, 768, 0, 0);
    static const OffsetPoint pts8[] = {
        { 15, 0, 15 },
        { 16, 0, 512 },
        { 17, 2, 512 + 32 + 1 },
        { 128, 0, 4096 },
    };
    IgvtPlane p8 = make_plane(F_INDEXED, T_Y, 32, 1024, 768, 0, 0);

    check_points(&p, pts, ARRAY_SIZE(pts));
    check_points(&p8, pts8, ARRAY_SIZE(pts8));
}

/* The same functions against the enumerated tile layout, everywhere */
static void test_offset_reference(void)
{
    static const struct {
        uint32_t fmt, tiled, sreg;
    } cfg[] = {
        { F_8888, T_X, 3 }, { F_565, T_X, 2 }, { F_INDEXED, T_X, 1 },
        { F_8888, T_Y, 5 }, { F_565, T_Y, 3 }, { F_INDEXED, T_Y, 2 },
        { F_8888, T_LINEAR, 5 },
    };
    size_t i;
    uint32_t x, y;

    for (i = 0; i < ARRAY_SIZE(cfg); i++) {
        IgvtPlane p = make_plane(cfg[i].fmt, cfg[i].tiled, cfg[i].sreg,
                                 64, 64, 0, 0);

        for (y = 0; y < 80; y++) {
            for (x = 0; x < p.stride / p.cpp + 40; x++) {
                g_assert_cmpuint(igvt_plane_pixel_offset(&p, x, y), ==,
                                 ref_offset(p.tiling, p.stride,
                                            (uint64_t)x * p.cpp, y));
            }
        }
    }
}

/*
 * The shared tiling helper the blitter uses: against the reference for
 * pitches of several tiles (and past the pitch), tile sizes, and runs
 * that really are contiguous in memory and end where the layout breaks.
 */
static void test_tile_offset(void)
{
    static const struct {
        IgvtTiling t;
        uint64_t pitch;
    } cfg[] = {
        { IGVT_TILING_X, 512 }, { IGVT_TILING_X, 1536 },
        { IGVT_TILING_Y, 128 }, { IGVT_TILING_Y, 640 },
        { IGVT_TILING_LINEAR, 100 }, { IGVT_TILING_LINEAR, 4096 },
    };
    size_t i;
    uint64_t xb, y, run, k;

    for (i = 0; i < ARRAY_SIZE(cfg); i++) {
        IgvtTiling t = cfg[i].t;
        uint64_t pitch = cfg[i].pitch;

        for (y = 0; y < 70; y++) {
            for (xb = 0; xb < pitch + 700; xb++) {
                g_assert_cmpuint(igvt_tile_offset(t, pitch, xb, y), ==,
                                 ref_offset(t, pitch, xb, y));
            }
        }
        /* A run is contiguous, and the byte after it is not */
        for (y = 0; y < 40; y += 13) {
            for (xb = 0; xb < pitch + 600; xb += 7) {
                uint64_t off = igvt_tile_offset(t, pitch, xb, y);

                run = igvt_tile_run(t, xb);
                if (t == IGVT_TILING_LINEAR) {
                    g_assert_cmpuint(run, ==, UINT64_MAX);
                    continue;
                }
                g_assert_cmpuint(run, >=, 1);
                g_assert_cmpuint(run, <=, igvt_tile_width(t));
                for (k = 1; k < run; k++) {
                    g_assert_cmpuint(ref_offset(t, pitch, xb + k, y), ==,
                                     off + k);
                }
                g_assert_cmpuint(ref_offset(t, pitch, xb + run, y), !=,
                                 off + run);
            }
        }
    }
    g_assert_cmpuint(igvt_tile_width(IGVT_TILING_X), ==, 512);
    g_assert_cmpuint(igvt_tile_height(IGVT_TILING_X), ==, 8);
    g_assert_cmpuint(igvt_tile_width(IGVT_TILING_Y), ==, 128);
    g_assert_cmpuint(igvt_tile_height(IGVT_TILING_Y), ==, 32);
    g_assert_cmpuint(igvt_tile_width(IGVT_TILING_LINEAR), ==, 1);
    g_assert_cmpuint(igvt_tile_height(IGVT_TILING_LINEAR), ==, 1);
    g_assert_cmpuint(igvt_tile_run(IGVT_TILING_X, 500), ==, 12);
    g_assert_cmpuint(igvt_tile_run(IGVT_TILING_Y, 130), ==, 14);

    /* Large coordinates stay exact in 64 bits: no wrap at 4 GiB */
    g_assert_cmpuint(igvt_tile_offset(IGVT_TILING_Y, 0x3fe00, 0x3fe00 - 1,
                                      0xffff), ==,
                     (0xffffull / 32) * 0x3fe00 * 32 +
                     (0x3fe00 / 128 - 1) * 4096ull + 7 * 512 + 31 * 16 + 15);
    g_assert_cmpuint(igvt_tile_offset(IGVT_TILING_X, 0x3fe00, 0, 0xffff), ==,
                     (0xffffull / 8) * 0x3fe00 * 8 + 7 * 512);
}

/* ---------------------------------------------------------------------- */
/* Reading rows */

typedef struct Surface {
    uint8_t *mem;
    uint64_t size;
    uint64_t bad_start, bad_end;        /* unreachable bytes */
    unsigned reads;
    bool crossed_page;
    bool out_of_range;
} Surface;

static bool surface_read(void *opaque, uint64_t offset, void *buf,
                         size_t len)
{
    Surface *s = opaque;

    s->reads++;
    if (len == 0 || offset / 4096 != (offset + len - 1) / 4096) {
        s->crossed_page = true;
    }
    if (offset >= s->size || len > s->size - offset) {
        s->out_of_range = true;
        memset(buf, 0x5a, len);         /* junk the reader must not keep */
        return false;
    }
    if (offset < s->bad_end && offset + len > s->bad_start) {
        memset(buf, 0x5a, len);
        return false;
    }
    memcpy(buf, s->mem + offset, len);
    return true;
}

static uint8_t pattern(uint32_t x, uint32_t y, uint32_t k)
{
    uint32_t v = x * 0x9e3779b1u ^ (y + 1) * 0x85ebca77u;

    return v >> (8 * k);
}

typedef struct RowCase {
    const char *name;
    uint32_t fmt, tiled, sreg, w, h, x, y;
    int64_t bad_page;                   /* page made unreachable, or -1 */
} RowCase;

static const RowCase row_cases[] = {
    { "linear-xrgb", F_8888, T_LINEAR, 20, 300, 5, 7, 3, -1 },
    { "linear-spill", F_8888, T_LINEAR, 20, 300, 5, 100, 0, -1 },
    { "linear-565", F_565, T_LINEAR, 13, 400, 7, 9, 2, -1 },
    { "linear-c8", F_INDEXED, T_LINEAR, 9, 570, 12, 3, 1, -1 },
    { "x-xrgb", F_8888, T_X, 3, 300, 20, 50, 5, -1 },
    { "x-565", F_565, T_X, 2, 400, 10, 100, 3, -1 },
    { "x-c8", F_INDEXED, T_X, 1, 500, 9, 11, 0, -1 },
    { "y-xrgb", F_8888, T_Y, 10, 300, 40, 5, 30, -1 },
    { "y-spill", F_8888, T_Y, 4, 100, 3, 60, 0, -1 },
    { "y-565", F_565, T_Y, 6, 300, 3, 13, 31, -1 },
    { "y-c8", F_INDEXED, T_Y, 2, 200, 33, 3, 1, -1 },
    { "linear-hole", F_8888, T_LINEAR, 20, 300, 5, 7, 3, 1 },
    { "x-hole", F_8888, T_X, 3, 300, 20, 50, 5, 4 },
    { "y-hole", F_8888, T_Y, 10, 300, 40, 5, 30, 11 },
    { "y-c8-hole", F_INDEXED, T_Y, 2, 200, 33, 3, 1, 0 },
};

static void test_read_rows(const void *opaque)
{
    const RowCase *c = opaque;
    IgvtPlane p = make_plane(c->fmt, c->tiled, c->sreg, c->w, c->h, c->x,
                             c->y);
    Surface s = { 0 };
    uint32_t px, row, k;
    uint8_t *dst;
    bool holes = false;

    s.size = p.size;
    s.mem = g_malloc(s.size);
    memset(s.mem, 0xee, s.size);        /* anything unwritten shows */
    if (c->bad_page >= 0) {
        s.bad_start = c->bad_page * 4096;
        s.bad_end = s.bad_start + 4096;
    }

    /* Lay out the visible pixels with the reference tiling */
    for (row = 0; row < p.height; row++) {
        for (px = 0; px < p.width; px++) {
            for (k = 0; k < p.cpp; k++) {
                uint64_t off = ref_offset(p.tiling, p.stride,
                                          (uint64_t)(p.x + px) * p.cpp + k,
                                          p.y + row);

                /* decode's size must cover every byte the plane shows */
                g_assert_cmpuint(off, <, p.size);
                s.mem[off] = pattern(p.x + px, p.y + row, k);
            }
        }
    }

    dst = g_malloc(p.width * p.cpp + 1);
    for (row = 0; row < p.height; row++) {
        bool row_hole = false, ok;

        memset(dst, 0xaa, p.width * p.cpp + 1);
        ok = igvt_plane_read_row(&p, row, surface_read, &s, dst);
        for (px = 0; px < p.width; px++) {
            uint64_t off = ref_offset(p.tiling, p.stride,
                                      (uint64_t)(p.x + px) * p.cpp,
                                      p.y + row);
            bool hole = off >= s.bad_start && off < s.bad_end;

            row_hole |= hole;
            for (k = 0; k < p.cpp; k++) {
                uint8_t want = hole ? 0 : pattern(p.x + px, p.y + row, k);

                if (dst[px * p.cpp + k] != want) {
                    g_test_message("row %u pixel %u byte %u: %02x, want %02x",
                                   row, px, k, dst[px * p.cpp + k], want);
                    g_assert_not_reached();
                }
            }
        }
        g_assert_cmpuint(dst[p.width * p.cpp], ==, 0xaa);   /* no overrun */
        g_assert_cmpint(ok, ==, !row_hole);
        holes |= row_hole;
    }
    /* The hole cases must really have hit their hole */
    g_assert_cmpint(holes, ==, c->bad_page >= 0);
    g_assert_false(s.crossed_page);
    g_assert_false(s.out_of_range);
    g_assert_cmpuint(s.reads, >, 0);

    g_free(dst);
    g_free(s.mem);
}

static bool read_nothing(void *opaque, uint64_t offset, void *buf,
                         size_t len)
{
    unsigned *calls = opaque;

    g_assert_cmpuint(offset, <, 1ull << 32);
    (*calls)++;
    memset(buf, 0x77, len);
    return false;
}

static void test_read_unreachable(void)
{
    /* 3 KiB strides: 643 pixels fit, as X tiling needs */
    static const struct {
        uint32_t tiled, sreg;
    } cfg[] = {
        { T_LINEAR, 48 }, { T_X, 6 }, { T_Y, 24 },
    };
    uint8_t dst[640 * 4 + 1];
    unsigned calls;
    size_t i, j;

    for (i = 0; i < ARRAY_SIZE(cfg); i++) {
        IgvtPlane p = make_plane(F_8888, cfg[i].tiled, cfg[i].sreg, 640, 480,
                                 3, 1);

        calls = 0;
        memset(dst, 0xaa, sizeof(dst));
        g_assert_false(igvt_plane_read_row(&p, 17, read_nothing, &calls,
                                           dst));
        g_assert_cmpuint(calls, >, 0);
        for (j = 0; j < 640 * 4; j++) {
            g_assert_cmpuint(dst[j], ==, 0);
        }
        g_assert_cmpuint(dst[640 * 4], ==, 0xaa);

        /* A row past the end is not read at all */
        calls = 0;
        memset(dst, 0xaa, sizeof(dst));
        g_assert_false(igvt_plane_read_row(&p, 480, read_nothing, &calls,
                                           dst));
        g_assert_cmpuint(calls, ==, 0);
        for (j = 0; j < 640 * 4; j++) {
            g_assert_cmpuint(dst[j], ==, 0);
        }
        g_assert_cmpuint(dst[640 * 4], ==, 0xaa);
    }
}

/* ---------------------------------------------------------------------- */
/* Conversion */

static void check_convert(uint32_t fmt, const uint8_t *src,
                          const uint32_t *want, uint32_t n,
                          const uint32_t *palette)
{
    g_autofree uint32_t *dst = g_new(uint32_t, n + 1);
    uint32_t i;

    for (i = 0; i <= n; i++) {
        dst[i] = 0xdeadbeef;
    }
    igvt_fb_convert(fmt, src, dst, n, palette);
    for (i = 0; i < n; i++) {
        if (dst[i] != want[i]) {
            g_test_message("pixel %u: %08x, want %08x", i, dst[i], want[i]);
        }
        g_assert_cmphex(dst[i], ==, want[i]);
    }
    g_assert_cmphex(dst[n], ==, 0xdeadbeef);
}

static void test_convert_8888(void)
{
    /* Memory order B, G, R, X/A for XRGB; R, G, B, X/A for XBGR */
    static const uint8_t src[] = {
        0x33, 0x22, 0x11, 0xff,
        0x00, 0x00, 0x00, 0x80,
        0xff, 0xff, 0xff, 0x00,
        0x01, 0x80, 0xfe, 0x7f,
    };
    static const uint32_t rgb_order[] = {
        0x112233, 0x000000, 0xffffff, 0xfe8001,
    };
    static const uint32_t bgr_order[] = {
        0x332211, 0x000000, 0xffffff, 0x0180fe,
    };

    check_convert(DRM_FORMAT_XRGB8888, src, rgb_order, 4, NULL);
    check_convert(DRM_FORMAT_ARGB8888, src, rgb_order, 4, NULL);
    check_convert(DRM_FORMAT_XBGR8888, src, bgr_order, 4, NULL);
    check_convert(DRM_FORMAT_ABGR8888, src, bgr_order, 4, NULL);
}

static void test_convert_565(void)
{
    static const uint16_t px[] = {
        0xf800, 0x07e0, 0x001f, 0x0000, 0xffff,
        0x8410,         /* r 16, g 32, b 16: half of each */
        0x0821,         /* r 1, g 1, b 1: the low bit of each */
        0x7bef,         /* r 15, g 31, b 15 */
    };
    static const uint32_t want[] = {
        0xff0000, 0x00ff00, 0x0000ff, 0x000000, 0xffffff,
        0x848284,
        0x080408,
        0x7b7d7b,
    };
    uint8_t src[sizeof(px)];
    size_t i;

    for (i = 0; i < ARRAY_SIZE(px); i++) {
        stw_le_p(src + 2 * i, px[i]);
    }
    check_convert(DRM_FORMAT_RGB565, src, want, ARRAY_SIZE(px), NULL);
}

static uint32_t pack1010(uint32_t hi, uint32_t mid, uint32_t lo)
{
    return 3u << 30 | hi << 20 | mid << 10 | lo;   /* x bits set */
}

static void test_convert_2101010(void)
{
    /*
     * Rounding to nearest, (v * 255 + 511) / 1023: 2 -> 0 (0.50 - a bit),
     * 3 -> 1 (0.75), 7 -> 2 (1.74), 514 -> 128, 1022 -> 255; truncation
     * would give 0, 1, 128, 255 for 3, 7, 514, 1022.
     */
    static const uint32_t chan[][4] = {
        /* r, g, b, want */
        { 1023, 0, 0, 0xff0000 },
        { 0, 1023, 0, 0x00ff00 },
        { 0, 0, 1023, 0x0000ff },
        { 2, 3, 7, 0x000102 },
        { 514, 1022, 1, 0x80ff00 },
        { 512, 511, 256, 0x807f40 },         /* 127.4 -> 127 */
    };
    uint8_t xrgb[sizeof(chan) / 4], xbgr[sizeof(chan) / 4];
    uint32_t want[ARRAY_SIZE(chan)];
    size_t i;

    for (i = 0; i < ARRAY_SIZE(chan); i++) {
        stl_le_p(xrgb + 4 * i, pack1010(chan[i][0], chan[i][1], chan[i][2]));
        stl_le_p(xbgr + 4 * i, pack1010(chan[i][2], chan[i][1], chan[i][0]));
        want[i] = chan[i][3];
    }
    check_convert(DRM_FORMAT_XRGB2101010, xrgb, want, ARRAY_SIZE(chan),
                  NULL);
    check_convert(DRM_FORMAT_XBGR2101010, xbgr, want, ARRAY_SIZE(chan),
                  NULL);
}

static void test_convert_c8(void)
{
    static const uint8_t src[] = { 0, 1, 255, 128, 1 };
    static const uint32_t want_pal[] = {
        0x000000, 0x102030, 0xfedcba, 0x123456, 0x102030,
    };
    static const uint32_t want_grey[] = {
        0x000000, 0x010101, 0xffffff, 0x808080, 0x010101,
    };
    uint32_t palette[256];
    size_t i;

    for (i = 0; i < 256; i++) {
        palette[i] = 0xff000000 | (i * 0x010101);   /* top byte dropped */
    }
    palette[0] = 0;
    palette[1] = 0x102030;
    palette[255] = 0xfedcba;
    palette[128] = 0xab123456;
    check_convert(DRM_FORMAT_C8, src, want_pal, ARRAY_SIZE(src), palette);
    check_convert(DRM_FORMAT_C8, src, want_grey, ARRAY_SIZE(src), NULL);
}

static void test_convert_unsupported(void)
{
    static const uint8_t src[16] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    };
    static const uint32_t want[4] = { 0 };

    check_convert(DRM_FORMAT_YUYV, src, want, 4, NULL);
    check_convert(0, src, want, 4, NULL);
    check_convert(DRM_FORMAT_XRGB8888, src, want, 0, NULL);
}

static void test_pixman_format(void)
{
    g_assert_cmpint(igvt_fb_pixman_format(DRM_FORMAT_XRGB8888), ==,
                    PIXMAN_LE_x8r8g8b8);
    g_assert_cmpint(igvt_fb_pixman_format(DRM_FORMAT_ARGB8888), ==,
                    PIXMAN_LE_x8r8g8b8);
    g_assert_cmpint(igvt_fb_pixman_format(DRM_FORMAT_XBGR8888), ==,
                    PIXMAN_LE_x8b8g8r8);
    g_assert_cmpint(igvt_fb_pixman_format(DRM_FORMAT_ABGR8888), ==,
                    PIXMAN_LE_x8b8g8r8);
#if !HOST_BIG_ENDIAN
    g_assert_cmpint(igvt_fb_pixman_format(DRM_FORMAT_RGB565), ==,
                    PIXMAN_r5g6b5);
    g_assert_cmpint(igvt_fb_pixman_format(DRM_FORMAT_XRGB2101010), ==,
                    PIXMAN_x2r10g10b10);
    g_assert_cmpint(igvt_fb_pixman_format(DRM_FORMAT_XBGR2101010), ==,
                    PIXMAN_x2b10g10r10);
#endif
    g_assert_cmpint(igvt_fb_pixman_format(DRM_FORMAT_C8), ==, 0);
    g_assert_cmpint(igvt_fb_pixman_format(DRM_FORMAT_YUYV), ==, 0);
    g_assert_cmpint(igvt_fb_pixman_format(0), ==, 0);
}

/*
 * What pixman shows from the guest's bytes in the zero-copy format must be
 * what the conversion gives (10-bit formats: pixman truncates, so +-1).
 */
static void test_pixman_agrees(void)
{
    static const uint32_t formats[] = {
        DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_XBGR8888,
        DRM_FORMAT_ABGR8888, DRM_FORMAT_RGB565, DRM_FORMAT_XRGB2101010,
        DRM_FORMAT_XBGR2101010,
    };
    enum { N = 64 };
    uint32_t src[N], conv[N * 4], shown[N * 4];
    size_t i, j;

    for (i = 0; i < ARRAY_SIZE(formats); i++) {
        pixman_format_code_t pf = igvt_fb_pixman_format(formats[i]);
        pixman_image_t *s, *d;
        uint32_t cpp = igvt_fb_format_cpp(formats[i]);
        int tol = (formats[i] == DRM_FORMAT_XRGB2101010 ||
                               formats[i] == DRM_FORMAT_XBGR2101010);

        if (!pf) {
            continue;
        }
        for (j = 0; j < N * 4; j++) {
            ((uint8_t *)src)[j] = pattern(j, 7, 0);
        }
        igvt_fb_convert(formats[i], (uint8_t *)src, conv, N * 4 / cpp, NULL);
        s = pixman_image_create_bits(pf, N * 4 / cpp, 1, src, N * 4);
        d = pixman_image_create_bits(PIXMAN_x8r8g8b8, N * 4 / cpp, 1,
                                     shown, N * 4);
        pixman_image_composite(PIXMAN_OP_SRC, s, NULL, d, 0, 0, 0, 0, 0, 0,
                               N * 4 / cpp, 1);
        pixman_image_unref(s);
        pixman_image_unref(d);
        for (j = 0; j < N * 4 / cpp; j++) {
            int k;

            for (k = 0; k < 24; k += 8) {
                int a = (conv[j] >> k) & 0xff, b = (shown[j] >> k) & 0xff;

                if (abs(a - b) > tol) {
                    g_test_message("format %08x pixel %zu: %06x, pixman %06x",
                                   formats[i], j, conv[j], shown[j]);
                }
                g_assert_cmpint(abs(a - b), <=, tol);
            }
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Cursor */

static void test_cursor(void)
{
    static const struct {
        uint32_t mode, size;
    } modes[] = {
        { 0x27, 64 }, { 0x22, 128 }, { 0x23, 256 },
    };
    IgvtCursor c;
    const char *why = NULL;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(modes); i++) {
        /* pipe gamma (26) and CSC (24) do not change the mode */
        g_assert_true(igvt_cursor_decode(modes[i].mode | 1u << 26 |
                                         1u << 24, 0x12345678,
                                         200u << 16 | 100, &c, &why));
        g_assert_true(c.enabled);
        g_assert_cmphex(c.drm_format, ==, DRM_FORMAT_ARGB8888);
        g_assert_cmpuint(c.cpp, ==, 4);
        g_assert_cmpuint(c.width, ==, modes[i].size);
        g_assert_cmpuint(c.height, ==, modes[i].size);
        g_assert_cmpuint(c.stride, ==, modes[i].size * 4);
        g_assert_cmpuint(c.size, ==, modes[i].size * modes[i].size * 4);
        g_assert_cmphex(c.base, ==, 0x12345000);
        g_assert_cmpint(c.x, ==, 100);
        g_assert_cmpint(c.y, ==, 200);
    }

    /* Sign and magnitude */
    g_assert_true(igvt_cursor_decode(0x27, 0, 1u << 15 | 5, &c, NULL));
    g_assert_cmpint(c.x, ==, -5);
    g_assert_cmpint(c.y, ==, 0);
    g_assert_true(igvt_cursor_decode(0x27, 0, 1u << 31 | 7u << 16 | 9, &c,
                                     NULL));
    g_assert_cmpint(c.x, ==, 9);
    g_assert_cmpint(c.y, ==, -7);
    g_assert_true(igvt_cursor_decode(0x27, 0, 0xffffffff, &c, NULL));
    g_assert_cmpint(c.x, ==, -0x7fff);
    g_assert_cmpint(c.y, ==, -0x7fff);
    g_assert_true(igvt_cursor_decode(0x27, 0, 0x7fff7fff, &c, NULL));
    g_assert_cmpint(c.x, ==, 0x7fff);
    g_assert_cmpint(c.y, ==, 0x7fff);

    /* A 64x64 cursor (16 KiB) ending exactly at 4 GiB */
    g_assert_true(igvt_cursor_decode(0x27, 0xffffc000, 0, &c, NULL));
    g_assert_cmphex(c.base + c.size, ==, 0x100000000ull);
}

static void test_cursor_reject(void)
{
    static const struct {
        uint32_t ctl, base;
        const char *why;
    } cases[] = {
        { 0x00, 0, "disabled" },
        { 0x04000000, 0, "disabled" },      /* gamma alone: still off */
        { 0x07, 0, "mode" },                /* 64x64 32bpp AND/XOR */
        { 0x02, 0, "mode" },                /* 128x128 32bpp AND/XOR */
        { 0x03, 0, "mode" },                /* 256x256 32bpp AND/XOR */
        { 0x04, 0, "mode" },                /* 64x64 2bpp */
        { 0x20, 0, "mode" },
        { 0x27 | 1u << 15, 0, "rotation" },
        { 0x27, 0xffffd000, "4 GiB" },
        { 0x23, 0xfffc1000, "4 GiB" },      /* 256 KiB from here: 4G + 4K */
    };
    IgvtCursor c, zero = { 0 };
    const char *why;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        why = NULL;
        memset(&c, 0xa5, sizeof(c));
        g_assert_false(igvt_cursor_decode(cases[i].ctl, cases[i].base, 0,
                                          &c, &why));
        g_assert_nonnull(why);
        if (!strstr(why, cases[i].why)) {
            g_test_message("case %zu: \"%s\" lacks \"%s\"", i, why,
                           cases[i].why);
            g_assert_not_reached();
        }
        g_assert_cmpmem(&c, sizeof(c), &zero, sizeof(zero));
        g_assert_false(igvt_cursor_decode(cases[i].ctl, cases[i].base, 0,
                                          &c, NULL));
    }
    /* One page lower than the 4 GiB case above fits */
    g_assert_true(igvt_cursor_decode(0x23, 0xfffc0000, 0, &c, NULL));
}

int main(int argc, char **argv)
{
    size_t i;

    g_test_init(&argc, &argv, NULL);
    build_tile_maps();

    g_test_add_func("/igvt/fb-format/decode/formats", test_decode_formats);
    g_test_add_func("/igvt/fb-format/decode/stride-units",
                    test_decode_stride_units);
    g_test_add_func("/igvt/fb-format/decode/geometry", test_decode_geometry);
    for (i = 0; i < ARRAY_SIZE(reject_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/igvt/fb-format/decode/reject/%s",
                            reject_cases[i].name);

        g_test_add_data_func(path, &reject_cases[i], test_decode_reject);
    }
    g_test_add_func("/igvt/fb-format/offset/linear", test_offset_linear);
    g_test_add_func("/igvt/fb-format/offset/x", test_offset_x);
    g_test_add_func("/igvt/fb-format/offset/y", test_offset_y);
    g_test_add_func("/igvt/fb-format/offset/tile", test_tile_offset);
    g_test_add_func("/igvt/fb-format/offset/reference",
                    test_offset_reference);
    for (i = 0; i < ARRAY_SIZE(row_cases); i++) {
        g_autofree char *path =
            g_strdup_printf("/igvt/fb-format/read-row/%s",
                            row_cases[i].name);

        g_test_add_data_func(path, &row_cases[i], test_read_rows);
    }
    g_test_add_func("/igvt/fb-format/read-row/unreachable",
                    test_read_unreachable);
    g_test_add_func("/igvt/fb-format/convert/8888", test_convert_8888);
    g_test_add_func("/igvt/fb-format/convert/565", test_convert_565);
    g_test_add_func("/igvt/fb-format/convert/2101010",
                    test_convert_2101010);
    g_test_add_func("/igvt/fb-format/convert/c8", test_convert_c8);
    g_test_add_func("/igvt/fb-format/convert/unsupported",
                    test_convert_unsupported);
    g_test_add_func("/igvt/fb-format/pixman/format", test_pixman_format);
    g_test_add_func("/igvt/fb-format/pixman/agrees", test_pixman_agrees);
    g_test_add_func("/igvt/fb-format/cursor/decode", test_cursor);
    g_test_add_func("/igvt/fb-format/cursor/reject", test_cursor_reject);

    return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the software GPU's blitter.
 *
 * Facts from the Linux i915 driver (gt/intel_gpu_commands.h,
 * i915_reg.h, i915_cmd_parser.c) and IGT (lib/intel_batchbuffer.c,
 * lib/intel_reg.h, tests/i915/gem_ctx_isolation.c):
 *  - XY_COLOR_BLT and XY_SRC_COPY_BLT: header bit 11 says the destination
 *    is tiled, bit 15 the source (XY_SRC_COPY_BLT); whether a tiled
 *    surface is X or Y tiled is BCS_SWCTRL's (0x22200) business: bit 0
 *    Y-tiled source, bit 1 Y-tiled destination, else X.  Only PATCOPY
 *    fills and SRCCOPY copies are executed; 32 bpp ones write alpha
 *    (header bit 21) and/or RGB (bit 20).
 *  - XY_FAST_COPY_BLT: header bits 21:20 are the source's tile type,
 *    14:13 the destination's (0 linear, 1 X, 2 Y, 3 Ys); with type 2,
 *    dword 1 bit 31 (source) or 30 (destination) selects Yf instead of
 *    legacy Y.  Yf and Ys fast copies are logged as unimplemented.
 *  - A tiled surface's pitch field counts dwords, a linear one's bytes.
 *    A tiled pitch must be a whole number of tiles (512 bytes for X, 128
 *    for Y), or the workload fails like a hung one.  Tile layouts are
 *    fb-format.c's (igvt_tile_offset(), shared with the display); a
 *    surface's tiles are counted from its base address as given.
 * A blit runs a band of rows at a time (the rows inside one row of tiles
 * of every tiled surface): a tiled source is read a band's tiles at once,
 * a tiled destination is assembled in memory and written back as the
 * contiguous runs of bytes the rectangle covers, never rewriting bytes
 * outside it.  The watchdog charges a unit a row, every access to memory
 * for what it moves, and a band's span (and a blit's buffers) for their
 * size: what a guest makes the GPU do, however it shapes the blit.  Overlapping source and destination get no special order.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/log.h"
#include "qemu/bitmap.h"
#include "fb-format.h"
#include "hwinfo.h"
#include "soft-gpu.h"
#include "trace.h"

/* Largest blit row the software GPU copies at once */
#define IGVT_BLT_ROW_MAX        (64 * KiB)

/* XY_COLOR_BLT and XY_SRC_COPY_BLT header: which surfaces are tiled */
#define IGVT_BLT_DST_TILED      (1u << 11)
#define IGVT_BLT_SRC_TILED      (1u << 15)
/* XY_FAST_COPY_BLT: tile types in the header, Yf selects in dword 1 */
#define IGVT_FAST_SRC_TILE_SHIFT 20
#define IGVT_FAST_DST_TILE_SHIFT 13
#define IGVT_FAST_TILE_LINEAR   0
#define IGVT_FAST_TILE_X        1
#define IGVT_FAST_TILE_Y        2       /* legacy TileY, or Yf */
#define IGVT_FAST_TILE_YS       3
#define IGVT_FAST_SRC_YF        (1u << 31)
#define IGVT_FAST_DST_YF        (1u << 30)


/* One surface of a blit: the rectangle's corner in it and its layout */
typedef struct IgvtBltSurf {
    uint64_t base;
    uint64_t pitch;             /* bytes from one row to the next */
    IgvtTiling tiling;
    uint32_t x, y;              /* top left pixel of the rectangle */
} IgvtBltSurf;

typedef struct IgvtBlt {
    IgvtBltSurf dst, src;
    uint32_t width, height;     /* pixels, rows; 0: nothing to do */
    unsigned cpp;
    bool fill;
    uint32_t color;
    uint32_t byte_mask;         /* 32 bpp: which bytes of a pixel change */
} IgvtBlt;

/* Bytes per pixel of XY_* blits (BR13 bits 25:24) */
static const unsigned igvt_blt_cpp[4] = { 1, 2, 2, 4 };
/* ... and of XY_FAST_COPY_BLT (bits 26:24); 0: not supported */
static const unsigned igvt_fast_blt_cpp[8] = { 1, 2, 0, 4, 8, 16, 0, 0 };

/* A surface of an XY_* blit: tiled or not by the command, X or Y by SWCTRL */
static IgvtTiling igvt_blt_xy_tiling(bool tiled, bool y_tiled)
{
    return !tiled ? IGVT_TILING_LINEAR :
           y_tiled ? IGVT_TILING_Y : IGVT_TILING_X;
}

/* A surface of a fast copy; false for the tilings not executed (Yf, Ys) */
static bool igvt_blt_fast_tiling(uint32_t mode, bool yf, IgvtTiling *t)
{
    switch (mode) {
    case IGVT_FAST_TILE_LINEAR:
        *t = IGVT_TILING_LINEAR;
        return true;
    case IGVT_FAST_TILE_X:
        *t = IGVT_TILING_X;
        return true;
    case IGVT_FAST_TILE_Y:
        *t = IGVT_TILING_Y;
        return !yf;
    default:
        return false;
    }
}

/*
 * Decode a blit into @b, with @swctrl the engine's BCS_SWCTRL; false (and
 * *why) if the software GPU can't do it.  Tiled pitches are in dwords.
 */
static bool igvt_blt_decode(const IgvtCmdInfo *ci, uint32_t swctrl,
                            IgvtBlt *b, const char **why)
{
    const uint32_t *d = ci->dw;
    uint32_t rop, x1, y1, x2, y2;

    memset(b, 0, sizeof(*b));
    b->byte_mask = 0xf;
    *why = "blitter command too short";
    switch (ci->opcode) {
    case IGVT_XY_COLOR_BLT:
        if (ci->len < 7) {
            return false;
        }
        b->fill = true;
        b->color = d[6];
        rop = extract32(d[1], 16, 8);
        if (rop != 0xf0) {
            *why = "only PATCOPY colour fills are executed";
            return false;
        }
        b->cpp = igvt_blt_cpp[extract32(d[1], 24, 2)];
        b->dst.tiling = igvt_blt_xy_tiling(d[0] & IGVT_BLT_DST_TILED,
                                           swctrl & IGVT_BCS_SWCTRL_DST_Y);
        break;
    case IGVT_XY_SRC_COPY_BLT:
        if (ci->len < 10) {
            return false;
        }
        rop = extract32(d[1], 16, 8);
        if (rop != 0xcc) {
            *why = "only SRCCOPY copies are executed";
            return false;
        }
        b->cpp = igvt_blt_cpp[extract32(d[1], 24, 2)];
        b->dst.tiling = igvt_blt_xy_tiling(d[0] & IGVT_BLT_DST_TILED,
                                           swctrl & IGVT_BCS_SWCTRL_DST_Y);
        b->src.tiling = igvt_blt_xy_tiling(d[0] & IGVT_BLT_SRC_TILED,
                                           swctrl & IGVT_BCS_SWCTRL_SRC_Y);
        break;
    case IGVT_XY_FAST_COPY_BLT:
        if (ci->len < 10) {
            return false;
        }
        if (!igvt_blt_fast_tiling(extract32(d[0], IGVT_FAST_DST_TILE_SHIFT, 2),
                                  d[1] & IGVT_FAST_DST_YF, &b->dst.tiling) ||
            !igvt_blt_fast_tiling(extract32(d[0], IGVT_FAST_SRC_TILE_SHIFT, 2),
                                  d[1] & IGVT_FAST_SRC_YF, &b->src.tiling)) {
            *why = "Yf and Ys tiled fast copies are not executed";
            return false;
        }
        b->cpp = igvt_fast_blt_cpp[extract32(d[1], 24, 3)];
        break;
    default:
        *why = "blitter command not executed";
        return false;
    }
    if (!b->cpp) {
        *why = "blit colour depth not supported";
        return false;
    }
    if (b->cpp == 4 && ci->opcode != IGVT_XY_FAST_COPY_BLT) {
        /* Write alpha (bit 21) and/or RGB (bit 20) */
        b->byte_mask = (d[0] & (1u << 21) ? 0x8 : 0) |
                       (d[0] & (1u << 20) ? 0x7 : 0);
    }
    x1 = extract32(d[2], 0, 16);
    y1 = extract32(d[2], 16, 16);
    x2 = extract32(d[3], 0, 16);
    y2 = extract32(d[3], 16, 16);
    if (x2 > x1 && y2 > y1) {
        b->width = x2 - x1;
        b->height = y2 - y1;
    }
    b->dst.x = x1;
    b->dst.y = y1;
    b->dst.pitch = extract32(d[1], 0, 16);
    b->dst.base = d[4] | (uint64_t)d[5] << 32;
    if (b->dst.tiling != IGVT_TILING_LINEAR) {
        b->dst.pitch *= 4;
    }
    if (!b->fill) {
        b->src.x = extract32(d[6], 0, 16);
        b->src.y = extract32(d[6], 16, 16);
        b->src.pitch = extract32(d[7], 0, 16);
        b->src.base = d[8] | (uint64_t)d[9] << 32;
        if (b->src.tiling != IGVT_TILING_LINEAR) {
            b->src.pitch *= 4;
        }
    }
    return true;
}

/* A tiled surface's rows are whole tiles apart */
static bool igvt_blt_pitch_ok(const IgvtBltSurf *s)
{
    return s->tiling == IGVT_TILING_LINEAR ||
           (s->pitch && s->pitch % igvt_tile_width(s->tiling) == 0);
}

/* Rows from rectangle row @r on that lie in the same row of tiles of @s */
static uint64_t igvt_blt_rows_left(const IgvtBltSurf *s, uint64_t r)
{
    uint32_t h = igvt_tile_height(s->tiling);

    if (s->tiling == IGVT_TILING_LINEAR) {
        return UINT64_MAX;
    }
    return h - (s->y + r) % h;
}

/*
 * The tiles of a tiled surface that one band of rows of the rectangle
 * (rows inside one row of tiles) touches: consecutive tiles of that row
 * of tiles, contiguous in memory.  *off is their offset from the base.
 */
static uint64_t igvt_blt_span(const IgvtBltSurf *s, unsigned cpp,
                              uint64_t bytes, uint64_t r, uint64_t *off)
{
    uint32_t tw = igvt_tile_width(s->tiling);
    uint32_t th = igvt_tile_height(s->tiling);
    uint64_t xb = (uint64_t)s->x * cpp, y = s->y + r;

    if (off) {
        *off = igvt_tile_offset(s->tiling, s->pitch, xb - xb % tw,
                                y - y % th);
    }
    return ((xb + bytes - 1) / tw - xb / tw + 1) * IGVT_FB_TILE_SIZE;
}

/*
 * Where byte @xb of rectangle row @r of @s lies in its band's span, and
 * how many bytes from there on are contiguous (at most @bytes - @xb).
 */
static uint64_t igvt_blt_span_pos(const IgvtBltSurf *s, unsigned cpp,
                                  uint64_t bytes, uint64_t span_off,
                                  uint64_t r, uint64_t xb, uint64_t *run)
{
    uint64_t sxb = (uint64_t)s->x * cpp + xb;

    *run = MIN(igvt_tile_run(s->tiling, sxb), bytes - xb);
    return igvt_tile_offset(s->tiling, s->pitch, sxb, s->y + r) - span_off;
}

/* Linear surfaces: the address of rectangle row @r */
static uint64_t igvt_blt_row_addr(const IgvtBltSurf *s, unsigned cpp,
                                  uint64_t r)
{
    return s->base + (s->y + r) * s->pitch + (uint64_t)s->x * cpp;
}

/*
 * Read @n rows of the source rectangle from row @r on into @pix (linear,
 * @bytes per row).  A tiled source is read a band's tiles at once into
 * @span.
 */
static bool igvt_blt_gather(IgvtSoftExec *x, const IgvtBlt *b, bool ggtt,
                            uint64_t r, uint64_t n, uint64_t bytes,
                            uint8_t *pix, uint8_t *span)
{
    const IgvtBltSurf *s = &b->src;
    uint64_t i, xb, run, pos, span_off, len, addr;

    if (s->tiling == IGVT_TILING_LINEAR) {
        for (i = 0; i < n; i++) {
            addr = igvt_blt_row_addr(s, b->cpp, r + i);
            if (!igvt_soft_mem(x, ggtt, addr, pix + i * bytes, bytes,
                               false)) {
                return false;
            }
        }
        return true;
    }
    len = igvt_blt_span(s, b->cpp, bytes, r, &span_off);
    if (!igvt_soft_mem(x, ggtt, s->base + span_off, span, len, false)) {
        return false;
    }
    for (i = 0; i < n; i++) {
        for (xb = 0; xb < bytes; xb += run) {
            pos = igvt_blt_span_pos(s, b->cpp, bytes, span_off, r + i, xb,
                                    &run);
            memcpy(pix + i * bytes + xb, span + pos, run);
        }
    }
    return true;
}

/* Copy @len bytes of pixels, only the bytes of each pixel @mask names */
static void igvt_blt_merge(uint8_t *dst, const uint8_t *src, uint64_t len,
                           uint32_t mask)
{
    uint64_t i;

    if (mask == 0xf) {
        memcpy(dst, src, len);
        return;
    }
    for (i = 0; i < len; i++) {
        if (mask & (1u << (i % 4))) {
            dst[i] = src[i];
        }
    }
}

/*
 * Write @n rows of pixels @pix to the destination rectangle from row @r
 * on.  A tiled destination is assembled in @span (read first only when
 * some bytes of each pixel must be kept) and written back as the runs of
 * bytes the rectangle covers (@touched marks them), so bytes around the
 * rectangle are never rewritten.
 */
static bool igvt_blt_scatter(IgvtSoftExec *x, const IgvtBlt *b, bool ggtt,
                             uint64_t r, uint64_t n, uint64_t bytes,
                             uint8_t *pix, uint8_t *span,
                             unsigned long *touched)
{
    const IgvtBltSurf *s = &b->dst;
    uint64_t i, xb, run, pos, span_off, len, addr, start, end;

    if (s->tiling == IGVT_TILING_LINEAR) {
        for (i = 0; i < n; i++) {
            uint8_t *row = pix + i * bytes;

            addr = igvt_blt_row_addr(s, b->cpp, r + i);
            if (b->byte_mask != 0xf) {
                /* Keep the bytes of each pixel the blit does not write */
                if (!igvt_soft_mem(x, ggtt, addr, span, bytes, false)) {
                    return false;
                }
                igvt_blt_merge(span, row, bytes, b->byte_mask);
                row = span;
            }
            if (!igvt_soft_mem(x, ggtt, addr, row, bytes, true)) {
                return false;
            }
        }
        return true;
    }

    len = igvt_blt_span(s, b->cpp, bytes, r, &span_off);
    /* Assembling the band in the span costs what the span holds */
    if (!igvt_soft_charge(x, igvt_soft_bytes(len), s->base + span_off)) {
        return false;
    }
    if (b->byte_mask != 0xf &&
        !igvt_soft_mem(x, ggtt, s->base + span_off, span, len, false)) {
        return false;
    }
    bitmap_zero(touched, len);
    for (i = 0; i < n; i++) {
        for (xb = 0; xb < bytes; xb += run) {
            pos = igvt_blt_span_pos(s, b->cpp, bytes, span_off, r + i, xb,
                                    &run);
            igvt_blt_merge(span + pos, pix + i * bytes + xb, run,
                           b->byte_mask);
            bitmap_set(touched, pos, run);
        }
    }
    for (start = find_first_bit(touched, len); start < len;
         start = find_next_bit(touched, len, end)) {
        end = find_next_zero_bit(touched, len, start);
        addr = s->base + span_off + start;
        if (!igvt_soft_mem(x, ggtt, addr, span + start, end - start, true)) {
            return false;
        }
    }
    return true;
}

/* Fill @len bytes with pixels of @cpp bytes of colour @color */
static void igvt_blt_pattern(uint8_t *pix, uint64_t len, uint32_t color,
                             unsigned cpp)
{
    uint64_t done;

    for (done = 0; done < MIN(cpp, len); done++) {
        pix[done] = color >> (8 * done);
    }
    for (; done < len; done *= 2) {
        memcpy(pix + done, pix, MIN(done, len - done));
    }
}

/*
 * Execute a blit through the engine's view of memory (the buffer's own
 * address space), one band of rows at a time: a band lies in one row of
 * tiles of every tiled surface (one row when neither is tiled).  Each
 * band costs budget for its rows and the bytes they hold, each access to
 * memory for what it moves (igvt_soft_mem).
 */
bool igvt_soft_blt(IgvtSoftExec *x, const IgvtCmdInfo *ci, bool ppgtt)
{
    IgvtWorkload *w = x->w;
    g_autofree uint8_t *pix = NULL;
    g_autofree uint8_t *span = NULL;
    g_autofree unsigned long *touched = NULL;
    const char *why = NULL;
    uint64_t bytes, r, n, span_max = 0, band_max = 1;
    IgvtBlt b;

    if (!igvt_blt_decode(ci, igvt_soft_reg_read(x, IGVT_BCS_SWCTRL), &b,
                         &why)) {
        qemu_log_mask(LOG_UNIMP, "igvt: %s: %s (0x%08x)\n",
                      igvt_engine_name(w->engine), why, ci->dw[0]);
        return true;
    }
    if (!b.width) {
        return true;
    }
    bytes = (uint64_t)b.width * b.cpp;
    if (bytes > IGVT_BLT_ROW_MAX) {
        return igvt_soft_fail(x, "blit rows too wide", b.dst.base);
    }
    if (!igvt_blt_pitch_ok(&b.dst)) {
        return igvt_soft_fail(x, "tiled blit pitch not a whole number of "
                              "tiles", b.dst.base);
    }
    if (!b.fill && !igvt_blt_pitch_ok(&b.src)) {
        return igvt_soft_fail(x, "tiled blit pitch not a whole number of "
                              "tiles", b.src.base);
    }
    trace_igvt_soft_blt(b.fill, b.dst.tiling, b.dst.base, b.dst.pitch,
                        b.src.tiling, b.src.base, b.src.pitch, b.width,
                        b.height, b.cpp);

    /* Buffers: a band of linear pixels, a band's tiles (or one row) */
    if (b.dst.tiling != IGVT_TILING_LINEAR) {
        band_max = igvt_tile_height(b.dst.tiling);
        span_max = igvt_blt_span(&b.dst, b.cpp, bytes, 0, NULL);
        touched = bitmap_new(span_max);
    } else if (b.byte_mask != 0xf) {
        span_max = bytes;
    }
    if (!b.fill && b.src.tiling != IGVT_TILING_LINEAR) {
        band_max = MAX(band_max, igvt_tile_height(b.src.tiling));
        span_max = MAX(span_max, igvt_blt_span(&b.src, b.cpp, bytes, 0,
                                               NULL));
    }
    /* Setting up costs what the buffers hold */
    if (!igvt_soft_charge(x, igvt_soft_bytes(band_max * bytes + span_max),
                          b.dst.base)) {
        return false;
    }
    pix = g_malloc(band_max * bytes);
    span = span_max ? g_malloc(span_max) : NULL;
    if (b.fill) {
        igvt_blt_pattern(pix, band_max * bytes, b.color, b.cpp);
    }

    for (r = 0; r < b.height; r += n) {
        n = MIN(b.height - r, band_max);
        n = MIN(n, igvt_blt_rows_left(&b.dst, r));
        if (!b.fill) {
            n = MIN(n, igvt_blt_rows_left(&b.src, r));
        }
        /* A unit a row; the bytes are charged as they move */
        if (!igvt_soft_charge(x, n, b.dst.base)) {
            return false;
        }
        if (!b.fill &&
            !igvt_blt_gather(x, &b, !ppgtt, r, n, bytes, pix, span)) {
            return false;
        }
        if (!igvt_blt_scatter(x, &b, !ppgtt, r, n, bytes, pix, span,
                              touched)) {
            return false;
        }
    }
    return true;
}

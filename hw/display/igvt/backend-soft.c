/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the software backend, a model of the host GPU.
 *
 * It keeps the host GGTT that every vGPU's slices are programmed into, and
 * executes what a CPU can execute exactly: the MI commands that move
 * control and data (batch buffers, stores, flushes and pipe controls with
 * post-sync writes, user interrupts) and blitter fills and copies
 * (XY_COLOR_BLT, XY_SRC_COPY_BLT, XY_FAST_COPY_BLT) on linear, X-tiled
 * and (legacy) Y-tiled surfaces.  3D and media state commands are decoded
 * and accepted without rendering.  The ring segment and every
 * batch buffer are copied before they are decoded, so the guest cannot
 * change them afterwards; a workload that runs too many commands (an
 * endless loop) is stopped.  Memory is reached the way the GPU reaches
 * it: through the host GGTT for global addresses, through the guest's own
 * PPGTT (walked and checked entry by entry) for per-process ones, and
 * only ever guest RAM.
 *
 * Blits.  Facts from the Linux i915 driver (gt/intel_gpu_commands.h,
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
 * outside it.  Overlapping source and destination get no special order.
 *
 * BCS_SWCTRL.  The hardware keeps it per blitter context (IGT's
 * gem_ctx_isolation expects that), and the auditor lets a workload write
 * it by MI_LOAD_REGISTER_IMM/MEM/REG.  The software GPU tracks it per
 * workload: it starts at its reset value 0 (X tiling) and follows the
 * workload's LRI and LRM writes in order (a masked register: bits 31:16
 * enable bits 15:0); an LRR into it from another register, whose value
 * the software GPU does not model, leaves it unchanged (logged as
 * unimplemented).  The vGPU's MMIO register file is not consulted: an
 * MMIO write would reach whichever context the hardware has loaded, and
 * no guest relies on that.  A context that sets the register in one
 * submission and expects it in the next sees 0 instead; i915's users
 * (IGT, the kernel's selftests) set it in every batch that needs it and
 * restore it afterwards.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "igvt.h"
#include "backend.h"
#include "qemu/log.h"
#include "hw/pci/pci_device.h"
#include "regs.h"
#include "cmd-parser.h"
#include "workload.h"
#include "fb-format.h"
#include "qemu/bitmap.h"
#include "trace.h"

typedef struct IgvtSoftGpu {
    uint64_t *ggtt;             /* IGVT_HOST_PTE_VALID | DMA address */
} IgvtSoftGpu;

static bool igvt_soft_open(IgvtBackend *b, Error **errp)
{
    IgvtSoftGpu *gpu = g_new0(IgvtSoftGpu, 1);

    gpu->ggtt = g_try_new0(uint64_t, igvt_backend_soft_ops.gm_size /
                                     IGVT_GTT_PAGE_SIZE);
    if (!gpu->ggtt) {
        g_free(gpu);
        error_setg(errp, "igvt: cannot allocate the software GPU's GGTT");
        return false;
    }
    b->opaque = gpu;
    return true;
}

static void igvt_soft_close(IgvtBackend *b)
{
    IgvtSoftGpu *gpu = b->opaque;

    g_free(gpu->ggtt);
    g_free(gpu);
}

static void igvt_soft_ggtt_set(IgvtBackend *b, uint64_t index, uint64_t addr,
                               bool valid)
{
    IgvtSoftGpu *gpu = b->opaque;

    /* The worker thread reads entries while vCPUs write them */
    qatomic_set(&gpu->ggtt[index], valid ? (addr | IGVT_HOST_PTE_VALID) : 0);
}

static bool igvt_soft_ggtt_get(IgvtBackend *b, uint64_t index, uint64_t *addr)
{
    IgvtSoftGpu *gpu = b->opaque;
    uint64_t pte = qatomic_read(&gpu->ggtt[index]);

    *addr = pte & IGVT_PTE_ADDR_MASK;
    return pte & IGVT_HOST_PTE_VALID;
}

/*
 * Work one workload may do before the watchdog stops it, in units of one
 * command or 4 KiB of blitted data (at most 256 MiB of blits).  It also
 * bounds how long one workload can hold the GPU from other vGPUs.
 */
#define IGVT_SOFT_BUDGET        (64 * 1024)

typedef struct IgvtSoftExec {
    IgvtWorkload *w;
    bool user_irq;
    unsigned budget;
    uint32_t bcs_swctrl;        /* the engine's BCS_SWCTRL, bits 1:0 */
    const char *why;
    uint64_t why_addr;
} IgvtSoftExec;

static bool igvt_soft_fail(IgvtSoftExec *x, const char *why, uint64_t addr)
{
    x->why = why;
    x->why_addr = addr;
    return false;
}

/* Immediate data of a store: where it starts in the command */
static unsigned igvt_soft_store_data(uint32_t opcode)
{
    switch (opcode) {
    case IGVT_MI_STORE_DATA_IMM:
    case IGVT_MI_FLUSH_DW:
        return 3;
    case IGVT_PIPE_CONTROL:
        return 4;
    default:
        return 0;
    }
}

/* A post-sync or immediate store: a dword or a qword the command carries */
static bool igvt_soft_store(IgvtSoftExec *x, const IgvtCmdInfo *ci,
                            unsigned data)
{
    IgvtWorkload *w = x->w;
    unsigned dwords = MIN(MIN(DIV_ROUND_UP(ci->size, 4), 2), ci->len - data);
    uint32_t le[2] = { cpu_to_le32(ci->dw[data]),
                       dwords > 1 ? cpu_to_le32(ci->dw[data + 1]) : 0 };
    bool ggtt = ci->flags & IGVT_CMDF_GGTT;
    uint64_t addr = ci->addr;
    const char *why;

    if (ci->flags & IGVT_CMDF_HWSP_INDEX) {
        /* Store-index commands write the context's own status page */
        addr += w->lrca;
        ggtt = true;
    }
    trace_igvt_soft_store(ggtt, addr, dwords, ci->dw[data]);
    return igvt_engine_mem(w->s, w->pml4, ggtt, addr, le, dwords * 4, true,
                           &why) ||
           igvt_soft_fail(x, why, addr);
}

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

/* BCS_SWCTRL: Y (not X) tiling of the XY_* blits' tiled surfaces */
#define IGVT_BCS_SWCTRL         0x22200
#define IGVT_BCS_SWCTRL_SRC_Y   (1u << 0)
#define IGVT_BCS_SWCTRL_DST_Y   (1u << 1)
#define IGVT_BCS_SWCTRL_BITS    (IGVT_BCS_SWCTRL_SRC_Y | IGVT_BCS_SWCTRL_DST_Y)
/* Register offsets in register commands: bits 22:2 */
#define IGVT_SOFT_REG_MASK      0x007ffffcu

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
    IgvtWorkload *w = x->w;
    const IgvtBltSurf *s = &b->src;
    uint64_t i, xb, run, pos, span_off, len, addr;
    const char *why = NULL;

    if (s->tiling == IGVT_TILING_LINEAR) {
        for (i = 0; i < n; i++) {
            addr = igvt_blt_row_addr(s, b->cpp, r + i);
            if (!igvt_engine_mem(w->s, w->pml4, ggtt, addr, pix + i * bytes,
                                 bytes, false, &why)) {
                return igvt_soft_fail(x, why, addr);
            }
        }
        return true;
    }
    len = igvt_blt_span(s, b->cpp, bytes, r, &span_off);
    if (!igvt_engine_mem(w->s, w->pml4, ggtt, s->base + span_off, span, len,
                         false, &why)) {
        return igvt_soft_fail(x, why, s->base + span_off);
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
    IgvtWorkload *w = x->w;
    const IgvtBltSurf *s = &b->dst;
    uint64_t i, xb, run, pos, span_off, len, addr, start, end;
    const char *why = NULL;

    if (s->tiling == IGVT_TILING_LINEAR) {
        for (i = 0; i < n; i++) {
            uint8_t *row = pix + i * bytes;

            addr = igvt_blt_row_addr(s, b->cpp, r + i);
            if (b->byte_mask != 0xf) {
                /* Keep the bytes of each pixel the blit does not write */
                if (!igvt_engine_mem(w->s, w->pml4, ggtt, addr, span, bytes,
                                     false, &why)) {
                    return igvt_soft_fail(x, why, addr);
                }
                igvt_blt_merge(span, row, bytes, b->byte_mask);
                row = span;
            }
            if (!igvt_engine_mem(w->s, w->pml4, ggtt, addr, row, bytes,
                                 true, &why)) {
                return igvt_soft_fail(x, why, addr);
            }
        }
        return true;
    }

    len = igvt_blt_span(s, b->cpp, bytes, r, &span_off);
    if (b->byte_mask != 0xf &&
        !igvt_engine_mem(w->s, w->pml4, ggtt, s->base + span_off, span, len,
                         false, &why)) {
        return igvt_soft_fail(x, why, s->base + span_off);
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
        if (!igvt_engine_mem(w->s, w->pml4, ggtt, addr, span + start,
                             end - start, true, &why)) {
            return igvt_soft_fail(x, why, addr);
        }
    }
    return true;
}

/*
 * Execute a blit through the engine's view of memory (the buffer's own
 * address space), one band of rows at a time: a band lies in one row of
 * tiles of every tiled surface (one row when neither is tiled).  Rows
 * cost budget like commands do.
 */
static bool igvt_soft_blt(IgvtSoftExec *x, const IgvtCmdInfo *ci, bool ppgtt)
{
    IgvtWorkload *w = x->w;
    g_autofree uint8_t *pix = NULL;
    g_autofree uint8_t *span = NULL;
    g_autofree unsigned long *touched = NULL;
    const char *why = NULL;
    uint64_t bytes, r, n, i, cost, span_max = 0, band_max = 1;
    IgvtBlt b;

    if (!igvt_blt_decode(ci, x->bcs_swctrl, &b, &why)) {
        qemu_log_mask(LOG_UNIMP, "igvt: %s: %s (0x%08x)\n",
                      igvt_engines[w->engine].name, why, ci->dw[0]);
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
    pix = g_malloc(band_max * bytes);
    span = span_max ? g_malloc(span_max) : NULL;
    if (b.fill) {
        for (i = 0; i < band_max * bytes; i++) {
            pix[i] = b.color >> (8 * (i % b.cpp));
        }
    }

    for (r = 0; r < b.height; r += n) {
        n = MIN(b.height - r, band_max);
        n = MIN(n, igvt_blt_rows_left(&b.dst, r));
        if (!b.fill) {
            n = MIN(n, igvt_blt_rows_left(&b.src, r));
        }
        cost = n * (1 + bytes / 4096);
        if (x->budget < cost) {
            x->budget = 0;
            return igvt_soft_fail(x, "watchdog: blit too large", b.dst.base);
        }
        x->budget -= cost;
        if (qatomic_read(&x->w->cancel)) {
            return igvt_soft_fail(x, "engine reset", b.dst.base);
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

/* BCS_SWCTRL is a masked register: bits 31:16 say which bits 15:0 change */
static void igvt_soft_swctrl_write(IgvtSoftExec *x, uint32_t v)
{
    uint32_t mask = (v >> 16) & IGVT_BCS_SWCTRL_BITS;

    x->bcs_swctrl = (x->bcs_swctrl & ~mask) | (v & mask);
    trace_igvt_soft_bcs_swctrl(v, x->bcs_swctrl);
}

/*
 * Register writes the software GPU models: BCS_SWCTRL on the blitter,
 * by MI_LOAD_REGISTER_IMM, _MEM or _REG (the audit's whitelist allows
 * the three there).  Other registers have no effect.
 */
static bool igvt_soft_reg_write(IgvtSoftExec *x, const IgvtCmdInfo *ci)
{
    IgvtWorkload *w = x->w;
    const char *why = NULL;
    uint32_t i, le;

    if (w->engine != IGVT_ENGINE_BCS) {
        return true;
    }
    switch (ci->opcode) {
    case IGVT_MI_LOAD_REGISTER_IMM:
        for (i = 1; i + 1 < ci->len; i += 2) {
            if ((ci->dw[i] & IGVT_SOFT_REG_MASK) == IGVT_BCS_SWCTRL) {
                igvt_soft_swctrl_write(x, ci->dw[i + 1]);
            }
        }
        return true;
    case IGVT_MI_LOAD_REGISTER_MEM:
        if (ci->len < 2 ||
            (ci->dw[1] & IGVT_SOFT_REG_MASK) != IGVT_BCS_SWCTRL) {
            return true;
        }
        if (!igvt_engine_mem(w->s, w->pml4, ci->flags & IGVT_CMDF_GGTT,
                             ci->addr, &le, 4, false, &why)) {
            return igvt_soft_fail(x, why, ci->addr);
        }
        igvt_soft_swctrl_write(x, le32_to_cpu(le));
        return true;
    case IGVT_MI_LOAD_REGISTER_REG:
        if (ci->len >= 3 &&
            (ci->dw[2] & IGVT_SOFT_REG_MASK) == IGVT_BCS_SWCTRL &&
            (ci->dw[1] & IGVT_SOFT_REG_MASK) != IGVT_BCS_SWCTRL) {
            qemu_log_mask(LOG_UNIMP, "igvt: %s: BCS_SWCTRL loaded from "
                          "register 0x%x is left unchanged\n",
                          igvt_engines[w->engine].name,
                          ci->dw[1] & IGVT_SOFT_REG_MASK);
        }
        return true;
    default:
        return true;
    }
}

/*
 * Run an audited buffer.  From the ring a batch is a call; inside a
 * batch, a second-level start is a call and a first-level one a jump
 * that replaces the current batch (iteratively: a batch that jumps to
 * itself runs until the budget is spent).
 */
static bool igvt_soft_run(IgvtSoftExec *x, const IgvtCmdBuf *b)
{
    const char *engine = igvt_engines[x->w->engine].name;
    IgvtCmdError err;
    IgvtCmdInfo ci;
    uint32_t i = 0;
    unsigned data;

    while (i < b->len) {
        if (!x->budget--) {
            return igvt_soft_fail(x, "watchdog: the workload does not end",
                                  b->addr + i * 4);
        }
        if (qatomic_read(&x->w->cancel)) {
            return igvt_soft_fail(x, "engine reset", b->addr + i * 4);
        }
        if (!igvt_cmd_decode(x->w->engine, b->dw + i, b->len - i, &ci,
                             &err)) {
            return igvt_soft_fail(x, igvt_cmd_strerror(err), b->addr + i * 4);
        }
        trace_igvt_soft_cmd(engine, ci.name, ci.dw[0], ci.flags, ci.addr,
                            ci.size, ci.len);
        i += ci.len;
        x->user_irq |= !!(ci.flags & IGVT_CMDF_NOTIFY);

        if (ci.flags & IGVT_CMDF_BB_END) {
            return true;
        }
        if (ci.flags & IGVT_CMDF_BB_START) {
            bool call = b->level == IGVT_LEVEL_RING ||
                        (ci.flags & IGVT_CMDF_BB_2ND);
            uint8_t level = b->level == IGVT_LEVEL_RING ? IGVT_LEVEL_BATCH :
                            call ? IGVT_LEVEL_BATCH_2ND : b->level;
            bool ppgtt = b->level == IGVT_LEVEL_RING ?
                         !(ci.flags & IGVT_CMDF_GGTT) : b->ppgtt;
            const IgvtCmdBuf *next = igvt_workload_batch(x->w, ci.addr, ppgtt,
                                                         level);

            if (!next) {
                return igvt_soft_fail(x, "batch buffer was not audited",
                                      ci.addr);
            }
            if (call) {
                if (!igvt_soft_run(x, next)) {
                    return false;
                }
                continue;
            }
            b = next;
            i = 0;
            continue;
        }
        if ((ci.dw[0] >> 29) == 2) {
            /* Blitter: in the buffer's own address space */
            if (!igvt_soft_blt(x, &ci, b->ppgtt)) {
                return false;
            }
            continue;
        }
        if ((ci.flags & IGVT_CMDF_REG_WRITE) &&
            !igvt_soft_reg_write(x, &ci)) {
            return false;
        }
        data = igvt_soft_store_data(ci.opcode);
        if ((ci.flags & IGVT_CMDF_MEM_WRITE) && data && ci.size &&
            data < ci.len && !igvt_soft_store(x, &ci, data)) {
            return false;
        }
        /* Everything else (state, arbitration, registers): no effect */
    }
    return true;
}

static bool igvt_soft_execute(IgvtBackend *b, IgvtWorkload *w,
                              bool *user_irq)
{
    IgvtSoftExec x = { .w = w, .budget = IGVT_SOFT_BUDGET };
    bool ok;

    trace_igvt_soft_exec(igvt_engines[w->engine].name, w->lrca,
                         w->ring.len, w->batches->len);
    ok = igvt_soft_run(&x, &w->ring);
    if (!ok) {
        w->why = x.why;
        w->addr = x.why_addr;
    }
    *user_irq |= x.user_irq;
    return ok;
}

const IgvtBackendOps igvt_backend_soft_ops = {
    .kind = IGVT_BACKEND_KIND_SOFT,
    .gm_size = IGVT_GM_SIZE,
    .aperture_size = 512 * MiB,
    .num_fences = 32,
    .executes = BIT(IGVT_WORK_CLASS_MI) | BIT(IGVT_WORK_CLASS_BLITTER),
    .open = igvt_soft_open,
    .close = igvt_soft_close,
    .ggtt_set = igvt_soft_ggtt_set,
    .ggtt_get = igvt_soft_ggtt_get,
    .execute = igvt_soft_execute,
};

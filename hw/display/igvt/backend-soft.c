/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the software backend, a model of the host GPU.
 *
 * It keeps the host GGTT that every vGPU's slices are programmed into, and
 * executes what a CPU can execute exactly: the MI commands that move
 * control and data (batch buffers, stores, flushes and pipe controls with
 * post-sync writes, user interrupts) and linear blitter fills and copies
 * (XY_COLOR_BLT, XY_SRC_COPY_BLT, XY_FAST_COPY_BLT).  3D and media state
 * commands are decoded and accepted without rendering; tiled blits are
 * logged as unimplemented.  The ring segment and every
 * batch buffer are copied before they are decoded, so the guest cannot
 * change them afterwards; a workload that runs too many commands (an
 * endless loop) is stopped.  Memory is reached the way the GPU reaches
 * it: through the host GGTT for global addresses, through the guest's own
 * PPGTT (walked and checked entry by entry) for per-process ones, and
 * only ever guest RAM.
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

typedef struct IgvtBlt {
    uint64_t dst, src;
    uint32_t dst_pitch, src_pitch;
    uint32_t x1, y1, x2, y2, src_x, src_y;
    unsigned cpp;
    bool fill;
    uint32_t color;
    uint32_t byte_mask;         /* 32 bpp: which bytes of a pixel change */
} IgvtBlt;

/* Bytes per pixel of XY_* blits (BR13 bits 25:24) */
static const unsigned igvt_blt_cpp[4] = { 1, 2, 2, 4 };
/* ... and of XY_FAST_COPY_BLT (bits 26:24); 0: not supported */
static const unsigned igvt_fast_blt_cpp[8] = { 1, 2, 0, 4, 8, 16, 0, 0 };

/* Decode a blit into @b; false (and *why) if the software GPU can't do it */
static bool igvt_blt_decode(const IgvtCmdInfo *ci, IgvtBlt *b,
                            const char **why)
{
    const uint32_t *d = ci->dw;
    uint32_t rop;

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
        if (rop != 0xf0 || (d[0] & (1u << 11))) {
            *why = "only linear PATCOPY colour fills are executed";
            return false;
        }
        b->cpp = igvt_blt_cpp[extract32(d[1], 24, 2)];
        break;
    case IGVT_XY_SRC_COPY_BLT:
        if (ci->len < 10) {
            return false;
        }
        rop = extract32(d[1], 16, 8);
        if (rop != 0xcc || (d[0] & ((1u << 11) | (1u << 15)))) {
            *why = "only linear SRCCOPY copies are executed";
            return false;
        }
        b->cpp = igvt_blt_cpp[extract32(d[1], 24, 2)];
        break;
    case IGVT_XY_FAST_COPY_BLT:
        if (ci->len < 10) {
            return false;
        }
        if (extract32(d[0], 20, 2) || extract32(d[0], 13, 2)) {
            *why = "only linear fast copies are executed";
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
    b->dst_pitch = extract32(d[1], 0, 16);
    b->x1 = extract32(d[2], 0, 16);
    b->y1 = extract32(d[2], 16, 16);
    b->x2 = extract32(d[3], 0, 16);
    b->y2 = extract32(d[3], 16, 16);
    b->dst = d[4] | (uint64_t)d[5] << 32;
    if (!b->fill) {
        b->src_x = extract32(d[6], 0, 16);
        b->src_y = extract32(d[6], 16, 16);
        b->src_pitch = extract32(d[7], 0, 16);
        b->src = d[8] | (uint64_t)d[9] << 32;
    }
    return true;
}

/*
 * Execute a blit row by row through the engine's view of memory (the
 * buffer's own address space).  Rows cost budget like commands do.
 */
static bool igvt_soft_blt(IgvtSoftExec *x, const IgvtCmdInfo *ci, bool ppgtt)
{
    IgvtWorkload *w = x->w;
    g_autofree uint8_t *row = NULL;
    g_autofree uint8_t *old = NULL;
    const char *why = NULL;
    uint64_t bytes, y, i;
    IgvtBlt b;

    if (!igvt_blt_decode(ci, &b, &why)) {
        qemu_log_mask(LOG_UNIMP, "igvt: %s: %s (0x%08x)\n",
                      igvt_engines[w->engine].name, why, ci->dw[0]);
        return true;
    }
    if (b.x2 <= b.x1 || b.y2 <= b.y1) {
        return true;
    }
    bytes = (uint64_t)(b.x2 - b.x1) * b.cpp;
    if (bytes > IGVT_BLT_ROW_MAX) {
        return igvt_soft_fail(x, "blit rows too wide", b.dst);
    }
    row = g_malloc(bytes);
    if (b.byte_mask != 0xf) {
        old = g_malloc(bytes);
    }
    for (y = 0; y < b.y2 - b.y1; y++) {
        uint64_t dst = b.dst + (b.y1 + y) * b.dst_pitch + b.x1 * b.cpp;

        if (x->budget < 1 + bytes / 4096) {
            x->budget = 0;
            return igvt_soft_fail(x, "watchdog: blit too large", b.dst);
        }
        x->budget -= 1 + bytes / 4096;
        if (b.fill) {
            for (i = 0; i < bytes; i++) {
                row[i] = b.color >> (8 * (i % b.cpp));
            }
        } else if (!igvt_engine_mem(w->s, w->pml4, !ppgtt,
                                    b.src + (b.src_y + y) * b.src_pitch +
                                    b.src_x * b.cpp, row, bytes, false,
                                    &why)) {
            return igvt_soft_fail(x, why, b.src);
        }
        if (old) {
            /* Keep the bytes of each pixel the blit does not write */
            if (!igvt_engine_mem(w->s, w->pml4, !ppgtt, dst, old, bytes,
                                 false, &why)) {
                return igvt_soft_fail(x, why, dst);
            }
            for (i = 0; i < bytes; i++) {
                if (!(b.byte_mask & (1u << (i % 4)))) {
                    row[i] = old[i];
                }
            }
        }
        if (!igvt_engine_mem(w->s, w->pml4, !ppgtt, dst, row, bytes, true,
                             &why)) {
            return igvt_soft_fail(x, why, dst);
        }
    }
    return true;
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
    .open = igvt_soft_open,
    .close = igvt_soft_close,
    .ggtt_set = igvt_soft_ggtt_set,
    .ggtt_get = igvt_soft_ggtt_get,
    .execute = igvt_soft_execute,
};

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the software backend, a model of the host GPU.
 *
 * It keeps the host GGTT that every vGPU's slices are programmed into, and
 * executes what a CPU can execute exactly: the MI commands that move
 * control and data (batch buffers, stores, flushes and pipe controls with
 * post-sync writes, user interrupts).  3D and media state commands are
 * decoded and accepted without rendering.  The ring segment and every
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
#include "ppgtt.h"
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

    gpu->ggtt[index] = valid ? (addr | IGVT_HOST_PTE_VALID) : 0;
}

static bool igvt_soft_ggtt_get(IgvtBackend *b, uint64_t index, uint64_t *addr)
{
    IgvtSoftGpu *gpu = b->opaque;
    uint64_t pte = gpu->ggtt[index];

    *addr = pte & IGVT_PTE_ADDR_MASK;
    return pte & IGVT_HOST_PTE_VALID;
}

/* Commands one workload may run before the watchdog stops it */
#define IGVT_SOFT_BUDGET        (256 * 1024)
/* Largest batch buffer copied in */
#define IGVT_SOFT_BATCH_MAX     (256 * KiB)
/* Ring context registers in the context image's state page (dwords) */
#define IGVT_CTX_RING_HEAD      0x05
#define IGVT_CTX_RING_TAIL      0x07
#define IGVT_CTX_RING_START     0x09
#define IGVT_CTX_RING_CTL       0x0b
#define IGVT_CTX_PDP0_UDW       0x31
#define IGVT_CTX_PDP0_LDW       0x33
#define IGVT_CTX_STATE_DWORDS   0x40
#define IGVT_RING_HEAD_MASK     0x001ffffc
#define IGVT_RING_TAIL_MASK     0x001ffff8

typedef struct IgvtSoftExec {
    IgvtState *s;
    int engine;
    uint64_t lrca;              /* the context: page 0 is its status page */
    uint64_t pml4;
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

static bool igvt_soft_pte_read(void *opaque, uint64_t addr, uint64_t *entry)
{
    IgvtSoftExec *x = opaque;
    uint64_t le;

    if (!igvt_dma_is_ram(x->s, addr, 8) ||
        pci_dma_read(PCI_DEVICE(x->s), addr, &le, 8) != MEMTX_OK) {
        return false;
    }
    *entry = le64_to_cpu(le);
    return true;
}

/* Access memory as the engine does: through the GGTT or the PPGTT */
static bool igvt_soft_mem(IgvtSoftExec *x, bool ggtt, uint64_t addr,
                          void *buf, size_t len, bool is_write)
{
    uint8_t *p = buf;
    uint64_t pa, plen;
    size_t done, chunk;
    const char *why;

    if (ggtt) {
        return igvt_gm_rw(x->s, addr, buf, len, is_write) ||
               igvt_soft_fail(x, "global address outside the vGPU's memory",
                              addr);
    }
    for (done = 0; done < len; done += chunk) {
        if (!igvt_ppgtt_translate(x->pml4, addr + done, igvt_soft_pte_read, x,
                                  &pa, &plen, &why)) {
            return igvt_soft_fail(x, why, addr + done);
        }
        chunk = MIN(len - done, plen);
        if (!igvt_dma_is_ram(x->s, pa, chunk) ||
            (is_write ? pci_dma_write(PCI_DEVICE(x->s), pa, p + done, chunk) :
                        pci_dma_read(PCI_DEVICE(x->s), pa, p + done, chunk))
            != MEMTX_OK) {
            return igvt_soft_fail(x, "PPGTT page is not guest RAM",
                                  addr + done);
        }
    }
    return true;
}

static bool igvt_soft_store(IgvtSoftExec *x, bool ggtt, uint64_t addr,
                            const uint32_t *data, unsigned dwords)
{
    uint32_t le[2] = { cpu_to_le32(data[0]),
                       dwords > 1 ? cpu_to_le32(data[1]) : 0 };

    trace_igvt_soft_store(ggtt, addr, dwords, data[0]);
    return igvt_soft_mem(x, ggtt, addr, le, dwords * 4, true);
}

static bool igvt_soft_run(IgvtSoftExec *x, const uint32_t *buf, uint32_t len,
                          unsigned depth, bool ppgtt);

/*
 * MI_BATCH_BUFFER_START: copy the batch in (up to the first unreachable
 * page or IGVT_SOFT_BATCH_MAX) and run it.
 */
static bool igvt_soft_batch(IgvtSoftExec *x, bool ppgtt, uint64_t addr,
                            unsigned depth)
{
    g_autofree uint32_t *copy = NULL;
    size_t size = 0, chunk;

    if (depth >= 2) {
        return igvt_soft_fail(x, "batch buffers nested too deep", addr);
    }
    copy = g_malloc(IGVT_SOFT_BATCH_MAX);
    while (size < IGVT_SOFT_BATCH_MAX) {
        chunk = MIN(IGVT_SOFT_BATCH_MAX - size,
                    IGVT_GTT_PAGE_SIZE - ((addr + size) % IGVT_GTT_PAGE_SIZE));
        if (!igvt_soft_mem(x, !ppgtt, addr + size, (uint8_t *)copy + size,
                           chunk, false)) {
            break;
        }
        size += chunk;
    }
    if (!size) {
        return false;
    }
    x->why = NULL;
    return igvt_soft_run(x, copy, size / 4, depth + 1, ppgtt);
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

/*
 * Run the commands in @buf (a copy): a ring segment (depth 0) or a batch
 * in the address space @ppgtt says.
 */
static bool igvt_soft_run(IgvtSoftExec *x, const uint32_t *buf, uint32_t len,
                          unsigned depth, bool ppgtt)
{
    const char *engine = igvt_engines[x->engine].name;
    IgvtCmdError err;
    IgvtCmdInfo ci;
    uint32_t i;
    unsigned data;

    for (i = 0; i < len; i += ci.len) {
        if (!x->budget--) {
            return igvt_soft_fail(x, "watchdog: the workload does not end",
                                  i * 4);
        }
        if (!igvt_cmd_decode((IgvtEngine)x->engine, buf + i, len - i, &ci,
                             &err)) {
            return igvt_soft_fail(x, igvt_cmd_strerror(err), buf[i]);
        }
        trace_igvt_soft_cmd(engine, ci.name, ci.dw[0], ci.flags, ci.addr,
                            ci.size, ci.len);
        x->user_irq |= !!(ci.flags & IGVT_CMDF_NOTIFY);

        if (ci.flags & IGVT_CMDF_BB_END) {
            if (depth) {
                return true;
            }
            continue;
        }
        if (ci.flags & IGVT_CMDF_BB_START) {
            /* Inside a batch, the batch's own address space applies */
            if (!igvt_soft_batch(x, depth ? ppgtt :
                                 !(ci.flags & IGVT_CMDF_GGTT),
                                 ci.addr, depth)) {
                return false;
            }
            /*
             * From the ring a batch is a call; inside a batch, only a
             * second-level start returns, a first-level one is a jump
             * that ends the current batch.
             */
            if (depth && !(ci.flags & IGVT_CMDF_BB_2ND)) {
                return true;
            }
            continue;
        }
        data = igvt_soft_store_data(ci.opcode);
        if ((ci.flags & IGVT_CMDF_MEM_WRITE) && data && ci.size &&
            data < ci.len) {
            /* The immediate data the command carries: a dword or a qword */
            unsigned dwords = MIN(MIN(DIV_ROUND_UP(ci.size, 4), 2),
                                  ci.len - data);
            uint64_t addr = ci.addr;
            bool ggtt = ci.flags & IGVT_CMDF_GGTT;

            if (ci.flags & IGVT_CMDF_HWSP_INDEX) {
                /* Store-index commands write the context's own status page */
                addr += x->lrca;
                ggtt = true;
            }
            if (!igvt_soft_store(x, ggtt, addr, ci.dw + data, dwords)) {
                return false;
            }
        }
        /* Everything else (state, arbitration, registers): no effect */
    }
    return depth == 0 ||
           igvt_soft_fail(x, "batch buffer runs past its end", len * 4);
}

static void igvt_soft_report(int engine, const char *why, uint64_t addr)
{
    IGVT_GUEST_ERR(igvt_err_soft_exec, "%s: %s (0x%" PRIx64 ")",
                   igvt_engines[engine].name, why, addr);
}

static bool igvt_soft_execute(IgvtBackend *b, IgvtState *s, int engine,
                              uint64_t desc, bool *user_irq)
{
    IgvtSoftExec x = {
        .s = s, .engine = engine, .budget = IGVT_SOFT_BUDGET,
    };
    uint64_t lrca = desc & 0xfffff000ull;
    uint64_t state_gm = lrca + IGVT_GTT_PAGE_SIZE;
    uint32_t state[IGVT_CTX_STATE_DWORDS];
    g_autofree uint32_t *ring = NULL;
    uint32_t head, tail, start, size, len, first;
    uint32_t base = igvt_engines[engine].base;
    bool ok;
    int i;

    if (!igvt_gm_rw(s, state_gm, state, sizeof(state), false)) {
        igvt_soft_report(engine, "context image not in the vGPU's memory",
                         lrca);
        return false;
    }
    for (i = 0; i < IGVT_CTX_STATE_DWORDS; i++) {
        state[i] = le32_to_cpu(state[i]);
    }
    head = state[IGVT_CTX_RING_HEAD] & IGVT_RING_HEAD_MASK;
    tail = state[IGVT_CTX_RING_TAIL] & IGVT_RING_TAIL_MASK;
    start = state[IGVT_CTX_RING_START] & ~0xfffu;
    size = (extract32(state[IGVT_CTX_RING_CTL], 12, 9) + 1) *
           IGVT_GTT_PAGE_SIZE;
    x.lrca = lrca;
    x.pml4 = state[IGVT_CTX_PDP0_LDW] |
             (uint64_t)state[IGVT_CTX_PDP0_UDW] << 32;
    trace_igvt_soft_exec(igvt_engines[engine].name, lrca, head, tail);
    if (head >= size || tail >= size) {
        igvt_soft_report(engine, "ring head or tail beyond the ring",
                         lrca);
        return false;
    }

    /* Copy the ring segment [head, tail), wrapping, then run the copy */
    len = (tail - head + size) % size;
    ring = g_malloc(len + 4);
    first = MIN(len, size - head);
    ok = igvt_gm_rw(s, start + head, ring, first, false) &&
         igvt_gm_rw(s, start, (uint8_t *)ring + first, len - first, false);
    if (!ok) {
        igvt_soft_report(engine, "ring not in the vGPU's memory", start);
        return false;
    }
    for (i = 0; i < len / 4; i++) {
        ring[i] = le32_to_cpu(ring[i]);
    }
    ok = igvt_soft_run(&x, ring, len / 4, 0, false);
    if (!ok) {
        igvt_soft_report(engine, x.why ? x.why : "workload failed",
                         x.why_addr);
    }

    /* The engine consumed the ring: head catches up with the tail */
    state[IGVT_CTX_RING_HEAD] = (state[IGVT_CTX_RING_HEAD] &
                                 ~IGVT_RING_HEAD_MASK) | tail;
    head = cpu_to_le32(state[IGVT_CTX_RING_HEAD]);
    igvt_gm_rw(s, state_gm + IGVT_CTX_RING_HEAD * 4, &head, 4, true);
    igvt_reg_set(s, base + IGVT_RING_HEAD, tail);
    igvt_reg_set(s, base + IGVT_RING_TAIL, tail);
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

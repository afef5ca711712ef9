/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: graphics memory as an engine reaches it (gpu-mem.h).
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/bswap.h"
#include "hw/display/igvt.h"
#include "gpu-mem.h"
#include "ppgtt.h"

static const char *const igvt_mem_errors[] = {
    [IGVT_MEM_OK] = "no error",
    [IGVT_MEM_UNMAPPED] = "address outside the vGPU's graphics memory",
    [IGVT_MEM_NOT_RAM] = "address is not guest RAM",
    [IGVT_MEM_READ_ONLY] = "address is read-only memory",
    [IGVT_MEM_STOPPED] = "engine reset",
};

const char *igvt_mem_strerror(IgvtMemStatus st)
{
    return st < ARRAY_SIZE(igvt_mem_errors) ? igvt_mem_errors[st] : "?";
}

typedef struct IgvtPteRead {
    const IgvtDma *dma;
    const bool *stop;
} IgvtPteRead;

static bool igvt_pte_read(void *opaque, uint64_t addr, uint64_t *entry)
{
    IgvtPteRead *r = opaque;
    uint64_t le;

    if (r->dma->rw(r->dma->opaque, addr, &le, sizeof(le), false, r->stop) !=
        IGVT_MEM_OK) {
        return false;
    }
    *entry = le64_to_cpu(le);
    return true;
}

/* The DMA address of @len bytes at @addr (within one page), and how many */
static IgvtMemStatus igvt_gpu_translate(const IgvtGpuMem *m, uint64_t pml4,
                                        bool ggtt, uint64_t addr,
                                        uint64_t len, const bool *stop,
                                        uint64_t *dma, uint64_t *chunk,
                                        const char **why)
{
    IgvtPteRead r = { .dma = &m->dma, .stop = stop };
    uint64_t page, plen;

    if (ggtt) {
        *chunk = MIN(len, IGVT_GTT_PAGE_SIZE - addr % IGVT_GTT_PAGE_SIZE);
        if (!m->ggtt(m->ggtt_opaque, addr / IGVT_GTT_PAGE_SIZE, &page)) {
            *why = "global address outside the vGPU's memory";
            return IGVT_MEM_UNMAPPED;
        }
        *dma = page | addr % IGVT_GTT_PAGE_SIZE;
        return IGVT_MEM_OK;
    }
    if (!igvt_ppgtt_translate(pml4, addr, igvt_pte_read, &r, dma, &plen,
                              why)) {
        if (stop && qatomic_read(stop)) {
            *why = igvt_mem_strerror(IGVT_MEM_STOPPED);
            return IGVT_MEM_STOPPED;
        }
        return IGVT_MEM_UNMAPPED;
    }
    *chunk = MIN(len, plen);
    return IGVT_MEM_OK;
}

bool igvt_gpu_mem_dma_addr(const IgvtGpuMem *m, uint64_t pml4, bool ggtt,
                           uint64_t addr, uint64_t *dma, const char **why)
{
    uint64_t chunk;

    return igvt_gpu_translate(m, pml4, ggtt, addr, 1, NULL, dma, &chunk,
                              why) == IGVT_MEM_OK;
}

IgvtMemStatus igvt_gpu_mem_rw(const IgvtGpuMem *m, uint64_t pml4, bool ggtt,
                              uint64_t addr, void *buf, size_t len,
                              bool is_write, const bool *stop,
                              const char **why)
{
    IgvtMemStatus st = IGVT_MEM_OK;
    uint8_t *p = buf;
    uint64_t dma, chunk;
    size_t done;

    for (done = 0; done < len; done += chunk) {
        st = igvt_gpu_translate(m, pml4, ggtt, addr + done, len - done, stop,
                                &dma, &chunk, why);
        if (st != IGVT_MEM_OK) {
            break;
        }
        st = m->dma.rw(m->dma.opaque, dma, p + done, chunk, is_write, stop);
        if (st != IGVT_MEM_OK) {
            *why = st == IGVT_MEM_STOPPED || ggtt ? igvt_mem_strerror(st) :
                   "PPGTT page is not guest RAM";
            break;
        }
    }
    if (st != IGVT_MEM_OK && !is_write) {
        memset(p + done, 0, len - done);
    }
    return st;
}

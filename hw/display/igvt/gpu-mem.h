/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: graphics memory as an engine reaches it, on top of two callbacks.
 *
 * Pure logic: a global (GGTT) address goes through a lookup of its GGTT
 * entry, a per-process (PPGTT) address through the guest's own 4-level
 * tables (ppgtt.c), and every byte is then copied by a DMA callback that
 * only reaches guest RAM.  The mediation uses it with its record of the
 * vGPU's GGTT (mem.c); the software GPU with its own host GGTT, so each
 * reaches guest memory only through what it is handed.
 */

#ifndef HW_DISPLAY_IGVT_GPU_MEM_H
#define HW_DISPLAY_IGVT_GPU_MEM_H

typedef enum IgvtMemStatus {
    IGVT_MEM_OK,
    IGVT_MEM_UNMAPPED,          /* no valid GGTT or PPGTT entry */
    IGVT_MEM_NOT_RAM,           /* MMIO, unassigned, ... */
    IGVT_MEM_READ_ONLY,         /* a write to ROM */
    IGVT_MEM_STOPPED,           /* the caller's stop flag was raised */
} IgvtMemStatus;

const char *igvt_mem_strerror(IgvtMemStatus st);

/*
 * Copy @len bytes between @buf and guest DMA address @addr, only RAM;
 * stop before the next page once *@stop (if given) is true.  A failure
 * may leave part of the access done.
 */
typedef IgvtMemStatus IgvtDmaFn(void *opaque, uint64_t addr, void *buf,
                                uint64_t len, bool is_write,
                                const bool *stop);

typedef struct IgvtDma {
    IgvtDmaFn *rw;
    void *opaque;
} IgvtDma;

/* The DMA address of GGTT page @index, if its entry is valid and usable */
typedef bool IgvtGgttLookupFn(void *opaque, uint64_t index, uint64_t *dma);

typedef struct IgvtGpuMem {
    IgvtGgttLookupFn *ggtt;
    void *ggtt_opaque;
    IgvtDma dma;
} IgvtGpuMem;

/* The guest DMA address of graphics address @addr; false and *@why if none */
bool igvt_gpu_mem_dma_addr(const IgvtGpuMem *m, uint64_t pml4, bool ggtt,
                           uint64_t addr, uint64_t *dma, const char **why);

/*
 * Read or write @len bytes at graphics address @addr: GGTT if @ggtt, else
 * through the PPGTT rooted at @pml4.  On failure *@why says why (the
 * status, or what was wrong with a PPGTT entry) and a read fills what it
 * could not reach with 0.
 */
IgvtMemStatus igvt_gpu_mem_rw(const IgvtGpuMem *m, uint64_t pml4, bool ggtt,
                              uint64_t addr, void *buf, size_t len,
                              bool is_write, const bool *stop,
                              const char **why);

#endif /* HW_DISPLAY_IGVT_GPU_MEM_H */

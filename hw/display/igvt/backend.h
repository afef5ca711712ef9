/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the backend contract, i.e. what the mediation needs from "the host
 * GPU".  One backend instance per QEMU process serves every vGPU in it.
 *
 * The mediation calls a backend only through the operations below, and a
 * backend reaches guest memory only through the interface a workload
 * hands it (IgvtDma): it knows no vGPU, no register file, no GGTT
 * validation.  The software backend (backend-soft.c) models the host GPU;
 * a host backend (the thin i915 kernel shim, docs/igvt/host-backend.md)
 * implements the same operations.
 *
 * Threads: open, close, alloc_slice, free_slice, ggtt_set_range and
 * map_aperture are called with the BQL; submit and cancel from the GPU
 * scheduler's worker thread (sched.c), which never holds the BQL.
 */

#ifndef HW_DISPLAY_IGVT_BACKEND_H
#define HW_DISPLAY_IGVT_BACKEND_H

#include "qapi/qapi-types-igvt.h"

typedef struct IgvtBackend IgvtBackend;
typedef struct IgvtWorkload IgvtWorkload;

/* Host resources this vGPU owns, handed out by the backend */
typedef struct IgvtSlice {
    uint64_t low_base;
    uint64_t low_size;
    uint64_t high_base;
    uint64_t high_size;
    uint32_t fence_base;
    uint32_t fence_count;
} IgvtSlice;

/* A host GGTT entry as the mediation programs it: a DMA address, valid */
#define IGVT_HOST_PTE_VALID     (1ull << 0)

/* What the host GPU offers; open fills it in */
typedef struct IgvtBackendInfo {
    uint64_t gm_size;           /* graphics memory: the GGTT's span */
    uint64_t aperture_size;     /* its CPU-visible part */
    uint32_t num_fences;
    uint32_t executes;          /* BIT(IgvtWorkClass) really executed */
    uint32_t pci_device_id;     /* the host GPU's, 0 without one */
    uint32_t api_version;       /* the host shim's, 0 without one */
    /*
     * Workloads the GPU runs at once; the scheduler never submits more.
     * The software backend runs one at a time on the worker thread.
     */
    unsigned max_inflight;
} IgvtBackendInfo;

typedef struct IgvtBackendOps {
    IgvtBackendKind kind;

    bool (*open)(IgvtBackend *b, IgvtBackendInfo *info, Error **errp);
    void (*close)(IgvtBackend *b);
    /*
     * Reserve graphics memory and fences for a vGPU (see
     * igvt_backend_alloc_slice); NULL: the mediation partitions the
     * geometry open reported itself.
     */
    bool (*alloc_slice)(IgvtBackend *b, uint64_t low_size,
                        uint64_t high_size, uint32_t fences,
                        uint64_t aperture_limit, IgvtSlice *slice,
                        Error **errp);
    void (*free_slice)(IgvtBackend *b, const IgvtSlice *slice);
    /*
     * Program host GGTT entries [@first, @first + @count): ptes[i] is
     * IGVT_HOST_PTE_VALID | the guest DMA address of a page the mediation
     * validated, or 0 for the scratch page.  Only entries inside a slice
     * the caller owns are passed.  False (and @errp) if the host could
     * not take them; the entries then point at the scratch page.
     */
    bool (*ggtt_set_range)(IgvtBackend *b, uint64_t first, uint64_t count,
                           const uint64_t *ptes, Error **errp);
    /*
     * Host memory behind aperture slice @sl that the CPU may map directly
     * (*size bytes), or NULL if the aperture must trap.  NULL op: traps.
     */
    void *(*map_aperture)(IgvtBackend *b, const IgvtSlice *sl,
                          uint64_t *size, Error **errp);
    /*
     * Start audited workload @w (workload.h): its ring segment and batch
     * buffers, copied and audited by the mediation.  The backend reports
     * its end exactly once with igvt_backend_done() -- from any thread,
     * possibly before submit returns -- with w->ok false, w->why and
     * w->addr saying why if it did not complete (a fault, the watchdog,
     * or a cancellation): the engine is then reset as after a hang.
     */
    void (*submit)(IgvtBackend *b, IgvtWorkload *w);
    /*
     * Stop @w (submitted, not yet reported done) as soon as possible: an
     * engine reset.  w->cancel is already set.  NULL: the backend looks
     * at w->cancel itself, at every command and access to memory.
     */
    void (*cancel)(IgvtBackend *b, IgvtWorkload *w);
} IgvtBackendOps;

struct IgvtBackend {
    const IgvtBackendOps *ops;
    IgvtBackendInfo info;
    unsigned users;
    GList *gm_allocs;           /* IgvtRange, sorted by start */
    GList *fence_allocs;
    void *opaque;               /* the implementation's state */
};

extern const IgvtBackendOps igvt_backend_soft_ops;

/* Take a reference to the process-wide backend of @kind, opening it. */
IgvtBackend *igvt_backend_get(IgvtBackendKind kind, Error **errp);
void igvt_backend_put(IgvtBackend *b);

/*
 * Partition the host's graphics memory and fences: an aperture slice that
 * ends at or below @aperture_limit (the vGPU's BAR2 size), a hidden slice
 * above both the host aperture and @aperture_limit, and a run of fences.
 */
bool igvt_backend_alloc_slice(IgvtBackend *b, uint64_t low_size,
                              uint64_t high_size, uint32_t fences,
                              uint64_t aperture_limit, IgvtSlice *slice,
                              Error **errp);
void igvt_backend_free_slice(IgvtBackend *b, const IgvtSlice *slice);

static inline bool igvt_backend_ggtt_set_range(IgvtBackend *b,
                                               uint64_t first, uint64_t count,
                                               const uint64_t *ptes,
                                               Error **errp)
{
    return b->ops->ggtt_set_range(b, first, count, ptes, errp);
}

/* A workload's end, from the backend (sched.c) */
void igvt_backend_done(IgvtWorkload *w);

#endif /* HW_DISPLAY_IGVT_BACKEND_H */

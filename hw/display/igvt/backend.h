/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the backend contract, i.e. what the mediation needs from "the host
 * GPU".  One backend instance per QEMU process serves every vGPU in it; it
 * owns the host GGTT and its partition between vGPUs.
 *
 * The mediation calls a backend only through the functions below.  The
 * software backend (backend-soft.c) models the host GPU; a host backend
 * (a thin i915 kernel shim) implements the same operations.
 */

#ifndef HW_DISPLAY_IGVT_BACKEND_H
#define HW_DISPLAY_IGVT_BACKEND_H

#include "qapi/qapi-types-igvt.h"

typedef struct IgvtBackend IgvtBackend;
typedef struct IgvtSlice IgvtSlice;
typedef struct IgvtState IgvtState;
typedef struct IgvtWorkload IgvtWorkload;

/* A host GGTT entry as the backend keeps it */
#define IGVT_HOST_PTE_VALID     (1ull << 0)

typedef struct IgvtBackendOps {
    IgvtBackendKind kind;
    /* Geometry of the host GPU's graphics memory */
    uint64_t gm_size;
    uint64_t aperture_size;
    uint32_t num_fences;
    /* What it really executes: BIT(IgvtWorkClass); the rest is skipped */
    uint32_t executes;

    bool (*open)(IgvtBackend *b, Error **errp);
    void (*close)(IgvtBackend *b);
    /*
     * Point host GGTT entry @index at guest DMA address @addr, or at the
     * scratch page when @valid is false.  Only entries inside a slice the
     * caller owns are ever passed.
     */
    void (*ggtt_set)(IgvtBackend *b, uint64_t index, uint64_t addr,
                     bool valid);
    /* The host GGTT entry @index: true and its address if valid */
    bool (*ggtt_get)(IgvtBackend *b, uint64_t index, uint64_t *addr);
    /*
     * Run workload @w: its ring segment and batch buffers, copied and
     * audited by the mediation (workload.h).  Called from the scheduler's
     * worker thread, without the BQL: it may touch only @w, the backend's
     * own state and guest RAM through the DMA API.  Sets *user_irq if the
     * work raised a user interrupt.  False if it did not complete (a
     * fault, the watchdog, or w->cancel was set), with w->why and w->addr
     * saying why: the engine is then reset as after a hang.
     */
    bool (*execute)(IgvtBackend *b, IgvtWorkload *w, bool *user_irq);
} IgvtBackendOps;

struct IgvtBackend {
    const IgvtBackendOps *ops;
    struct IgvtSched *sched;    /* feeds it work from every vGPU */
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

static inline struct IgvtSched *igvt_backend_sched(IgvtBackend *b)
{
    return b->sched;
}

static inline void igvt_backend_ggtt_set(IgvtBackend *b, uint64_t index,
                                         uint64_t addr, bool valid)
{
    b->ops->ggtt_set(b, index, addr, valid);
}

static inline bool igvt_backend_execute(IgvtBackend *b, IgvtWorkload *w,
                                        bool *user_irq)
{
    return b->ops->execute(b, w, user_irq);
}

static inline bool igvt_backend_ggtt_get(IgvtBackend *b, uint64_t index,
                                         uint64_t *addr)
{
    return b->ops->ggtt_get(b, index, addr);
}

#endif /* HW_DISPLAY_IGVT_BACKEND_H */

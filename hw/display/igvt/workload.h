/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: a workload, i.e. one context submission made ready for a backend.
 *
 * The mediation reads the guest's context image, copies the ring segment
 * to run and every batch buffer it reaches, and audits each copy before
 * anything runs; the backend only ever sees the audited copies.  The
 * vGPU makes a workload of a descriptor under the BQL (igvt_workload_init);
 * the GPU worker prepares it (copies and audits) when its turn comes,
 * reaching guest memory only through the vGPU's IgvtGpuMem.
 */

#ifndef HW_DISPLAY_IGVT_WORKLOAD_H
#define HW_DISPLAY_IGVT_WORKLOAD_H

#include "qemu/queue.h"
#include "cmd-parser.h"
#include "gpu-mem.h"
#include "backend.h"
#include "context.h"

typedef struct IgvtState IgvtState;
typedef struct IgvtSchedEntity IgvtSchedEntity;

/*
 * The watchdog's time bound, in CPU time of the GPU thread: see
 * backend-soft.c for why 100 ms
 */
#define IGVT_WATCHDOG_MS_DEFAULT    100
#define IGVT_WATCHDOG_MS_MAX        10000

/* Largest batch buffer a workload copies, and all of them together */
#define IGVT_WORKLOAD_BATCH_MAX     (256 * KiB)
#define IGVT_WORKLOAD_BYTES_MAX     (4 * MiB)

typedef struct IgvtCmdBuf {
    uint64_t addr;              /* graphics address of the first dword */
    bool ppgtt;                 /* reached through the PPGTT */
    uint8_t level;              /* IGVT_LEVEL_* */
    uint32_t *dw;               /* the audited copy, host endian */
    uint32_t len;               /* dwords that execute */
} IgvtCmdBuf;

/* Where a workload stopped inside its context: the next command */
typedef struct IgvtStopPoint {
    uint32_t ring_head;         /* bytes into the ring buffer */
    unsigned depth;             /* batches it was in (0 to 2) ... */
    struct {
        uint64_t addr;          /* ... the next command of each */
        bool ppgtt;
    } bb[2];                    /* first level, second level */
} IgvtStopPoint;

/* Why a batch could not be fetched or was refused, and where */
typedef struct IgvtRefusal {
    bool audit;                 /* the audit refused it (else unreachable) */
    const char *why;
    const char *cmd_name;
    uint32_t header;
    uint64_t addr;
} IgvtRefusal;

/* How batches are copied and audited: through what, for which engine */
typedef struct IgvtBatchFetch {
    const IgvtGpuMem *mem;
    uint64_t pml4;
    IgvtEngine engine;
    const IgvtSlice *slice;     /* global operands must lie in it */
    const bool *stop;           /* atomic: give up between pages */
} IgvtBatchFetch;

/*
 * What a backend gets: everything it may run and reach.  It knows no
 * vGPU: guest memory only through @dma, graphics memory only inside
 * @slice (and through the PPGTT at @pml4).
 */
typedef struct IgvtWorkload {
    IgvtEngine engine;
    IgvtSlice slice;            /* the vGPU's graphics memory */
    IgvtDma dma;                /* the vGPU's DMA: guest RAM only */
    const IgvtGpuMem *mem;      /* the vGPU's view, to prepare and retire */
    bool prepared;              /* copied and audited */
    uint64_t lrca;              /* context image; page 0 is its status page */
    uint64_t pml4;              /* PPGTT root from the image */
    uint32_t tail;              /* ring tail the image holds */
    IgvtCmdBuf ring;
    uint32_t ring_head;         /* where the ring copy starts, in bytes */
    uint32_t ring_size;         /* of the ring buffer */
    GArray *batches;            /* IgvtCmdBuf */
    /* A context stopped inside batches goes on there (w->batches[]) */
    int resume[2];
    unsigned nr_resume;
    size_t bytes;
    /* why it was refused, or why it did not complete */
    const char *why;
    const char *cmd_name;
    uint32_t header;
    uint64_t addr;

    /* scheduling (sched.c) */
    IgvtSchedEntity *ent;       /* the vGPU it belongs to */
    QSIMPLEQ_ENTRY(IgvtWorkload) next;
    bool cancel;                /* atomic: stop at the next command */
    bool cancelled;             /* it was stopped or never ran */
    bool ok;                    /* it ran to completion */
    bool refused;               /* a batch reached at run time was refused */
    /*
     * Arbitration points (MI_ARB_CHECK, batch starts and ends).  At one,
     * a backend that runs the workload in turns (the software GPU) may
     * yield: it wants the GPU again, and goes on from where it stopped.
     * With stop_req set (atomic: a new ELSP pair preempts the context,
     * the VM stops) it stops for good: interrupted, at @stop_at, which
     * the context image records so a later submission goes on there.
     */
    bool stop_req;
    bool yielded;
    bool interrupted;
    IgvtStopPoint stop_at;
    void *exec;                 /* the backend's state between turns ... */
    void (*exec_free)(void *exec);      /* ... and how to free it */
    bool user_irq;              /* it raised a user interrupt */
    /*
     * The registers its context image saves (context.h), as prepare read
     * them; a backend that changed them sets regs_dirty, and retiring the
     * workload saves them back
     */
    uint64_t gpr[IGVT_CTX_GPRS];
    uint32_t predicate_result_1;        /* render engine */
    bool regs_dirty;
    int64_t submit_ns;          /* when the guest submitted it */
    uint64_t time_limit_ns;     /* CPU time it may take, 0: any */
    int64_t start_ns;           /* when the backend got it (this turn) */
    int64_t exec_ns;            /* how long the backend ran it (this turn) */
    int64_t run_ns;             /* ... all turns together */
} IgvtWorkload;

/*
 * Make @w (zeroed first) the workload of descriptor @desc on engine @e of
 * vGPU @s.  Under the BQL; it holds nothing but what it takes from @s.
 */
void igvt_workload_init(IgvtState *s, IgvtEngine e, uint64_t desc,
                        IgvtWorkload *w);
/*
 * Prepare @w: copy and audit what it runs.  On any thread: guest memory
 * only through w->mem.  False (w->why) if refused or unreachable, or
 * once w->cancel is set.  Its buffers are released by igvt_workload_free.
 */
bool igvt_workload_prepare(IgvtWorkload *w);
/* The audited copy of a batch the workload starts, or NULL */
const IgvtCmdBuf *igvt_workload_batch(IgvtWorkload *w, uint64_t addr,
                                      bool ppgtt, uint8_t level);
/*
 * The engine is done with @w: write the ring head back to the image and
 * the engine (all of the ring consumed, or where it was interrupted, and
 * then also the batches it stopped in)
 */
void igvt_workload_retire(IgvtState *s, IgvtWorkload *w);
/*
 * Copy the batch buffer at @addr (PPGTT if @ppgtt, else GGTT) through
 * @f and audit it as a buffer of @level, copying at most @max_bytes
 * (*copied says how much it did): the audited copy in @out, the batches
 * it starts in @r (room for @max in @refs).  False and @rf if it cannot
 * be reached or is refused.
 */
bool igvt_batch_fetch(const IgvtBatchFetch *f, uint64_t addr, bool ppgtt,
                      uint8_t level, size_t max_bytes, size_t *copied,
                      IgvtCmdBuf *out, IgvtBatchRef *refs, unsigned max,
                      IgvtAuditResult *r, IgvtRefusal *rf);
/* Release @w's buffers and @w itself, which came from g_new */
void igvt_workload_free(IgvtWorkload *w);

#endif /* HW_DISPLAY_IGVT_WORKLOAD_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: a workload, i.e. one context submission made ready for a backend.
 *
 * The mediation reads the guest's context image, copies the ring segment
 * to run and every batch buffer it reaches, and audits each copy before
 * anything runs; the backend only ever sees the audited copies.
 */

#ifndef HW_DISPLAY_IGVT_WORKLOAD_H
#define HW_DISPLAY_IGVT_WORKLOAD_H

#include "qemu/queue.h"
#include "cmd-parser.h"
#include "gpu-mem.h"
#include "backend.h"

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

/*
 * What a backend gets: everything it may run and reach.  It knows no
 * vGPU: guest memory only through @dma, graphics memory only inside
 * @slice (and through the PPGTT at @pml4).
 */
typedef struct IgvtWorkload {
    IgvtEngine engine;
    IgvtSlice slice;            /* the vGPU's graphics memory */
    IgvtDma dma;                /* the vGPU's DMA: guest RAM only */
    uint64_t lrca;              /* context image; page 0 is its status page */
    uint64_t pml4;              /* PPGTT root from the image */
    uint32_t tail;              /* ring tail the image holds */
    IgvtCmdBuf ring;
    GArray *batches;            /* IgvtCmdBuf */
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
    bool user_irq;              /* it raised a user interrupt */
    int64_t submit_ns;          /* when the guest submitted it */
    uint64_t time_limit_ns;     /* CPU time it may take, 0: any */
    int64_t start_ns;           /* when the backend got it */
    int64_t exec_ns;            /* how long the backend ran it */
} IgvtWorkload;

/*
 * Prepare the workload of descriptor @desc in @w (zeroed first); false
 * (w->why) if refused.  Its buffers are released by igvt_workload_free.
 */
bool igvt_workload_prepare(IgvtState *s, IgvtEngine e, uint64_t desc,
                           IgvtWorkload *w);
/* The audited copy of a batch the workload starts, or NULL */
const IgvtCmdBuf *igvt_workload_batch(IgvtWorkload *w, uint64_t addr,
                                      bool ppgtt, uint8_t level);
/* The engine consumed the ring: write its head back to image and engine */
void igvt_workload_retire(IgvtState *s, IgvtWorkload *w);
/* Release @w's buffers and @w itself, which came from g_new */
void igvt_workload_free(IgvtWorkload *w);

#endif /* HW_DISPLAY_IGVT_WORKLOAD_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the GPU scheduler.  One per backend: a worker thread that plays
 * the GPU's front end, taking audited workloads from every vGPU of the
 * process and running them on the backend in weighted fair order
 * (sched-policy.h), outside the BQL.  Finished workloads go back to their
 * vGPU through a bottom half, where CSB events and interrupts happen.
 */

#ifndef HW_DISPLAY_IGVT_SCHED_H
#define HW_DISPLAY_IGVT_SCHED_H

#include "qemu/queue.h"
#include "qemu/thread.h"

typedef struct IgvtBackend IgvtBackend;
typedef struct IgvtSched IgvtSched;
typedef struct IgvtWorkload IgvtWorkload;

/* More vGPUs than this in one process is refused at realize */
#define IGVT_SCHED_MAX_VGPUS    32
/* Workloads with the backend at once, at most */
#define IGVT_SCHED_MAX_INFLIGHT 8

/* One vGPU as the scheduler sees it; lives in IgvtState */
typedef struct IgvtSchedEntity {
    IgvtSched *sched;
    unsigned weight;
    QEMUBH *done_bh;            /* runs the vGPU's completions */
    /* the rest is under the scheduler's lock */
    uint64_t vtime;
    uint64_t idle_since;        /* when it last ran out of work */
    uint64_t busy_ns;
    bool draining;              /* a drain waits for it: it runs first */
    bool stopping;              /* ... for the VM to stop: no more turns */
    uint32_t user_irqs;         /* engines whose workloads, still running,
                                   raised a user interrupt */
    QSIMPLEQ_HEAD(, IgvtWorkload) ready;
    QSIMPLEQ_HEAD(, IgvtWorkload) done;
} IgvtSchedEntity;

/* The scheduler of backend @b (a reference; created with the first) */
IgvtSched *igvt_sched_get(IgvtBackend *b);
void igvt_sched_put(IgvtSched *sc);

/* Add a vGPU of @weight whose completions are handled by @done_bh */
bool igvt_sched_attach(IgvtSched *sc, IgvtSchedEntity *ent, unsigned weight,
                       QEMUBH *done_bh, Error **errp);
/* Remove it (drains its work, cancelled), and drop the reference */
void igvt_sched_detach(IgvtSchedEntity *ent);

/* Queue audited workload @w; it comes back through igvt_sched_take_done */
void igvt_sched_submit(IgvtSchedEntity *ent, IgvtWorkload *w);
/* A finished (or cancelled) workload of @ent, or NULL */
IgvtWorkload *igvt_sched_take_done(IgvtSchedEntity *ent);
/*
 * The engines (a bit each) on which a workload of @ent that goes on
 * running raised a user interrupt since the last call: the hardware
 * raises it when the command runs, not when the context ends
 */
uint32_t igvt_sched_take_user_irqs(IgvtSchedEntity *ent);

/*
 * Wait until no workload of @ent on an engine in @engines is queued or
 * running.  With @cancel, queued ones are not run and a running one is
 * asked to stop at its next command or page of memory; both come back
 * with w->cancelled.  Without (the VM stops), @ent's workloads run before
 * any other vGPU's, and each stops at its next arbitration point: it
 * comes back done, or interrupted with where it stopped.  Called with the
 * BQL held; the worker never takes it, so the wait is bounded by the
 * backend's watchdog: one turn of another vGPU's workload plus one of
 * each of @ent's, one per engine.
 */
void igvt_sched_drain(IgvtSchedEntity *ent, uint32_t engines, bool cancel);

/* GPU time used by @ent so far */
uint64_t igvt_sched_busy_ns(IgvtSchedEntity *ent);

#endif /* HW_DISPLAY_IGVT_SCHED_H */

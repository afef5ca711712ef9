/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the GPU scheduler (see sched.h).
 *
 * Locking: IgvtSched.lock protects the vGPU table, every entity's queues,
 * virtual time and busy time, and the running workload.  The worker
 * drops it while a workload executes.  The worker never takes the BQL:
 * it reaches guest memory through the DMA API (RAM only) and hands
 * results back through each vGPU's bottom half, so a vCPU or the main
 * loop may wait for it with the BQL held.
 */

#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/rcu.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "igvt.h"
#include "backend.h"
#include "sched.h"
#include "sched-policy.h"
#include "workload.h"
#include "trace.h"

struct IgvtSched {
    IgvtBackend *backend;
    unsigned users;
    QLIST_ENTRY(IgvtSched) next;
    QemuThread thread;
    QemuMutex lock;
    QemuCond work;              /* the worker waits for work or room */
    QemuCond idle;              /* drains wait for a workload to finish */
    IgvtSchedEntity *ents[IGVT_SCHED_MAX_VGPUS];
    int nr_ents;
    /* submitted to the backend and not yet done */
    IgvtWorkload *running[IGVT_SCHED_MAX_INFLIGHT];
    unsigned nr_running;
    uint64_t vtime;             /* virtual time of the last pick */
    bool stop;
};

/* One scheduler per backend instance (under the BQL) */
static QLIST_HEAD(, IgvtSched) igvt_scheds = QLIST_HEAD_INITIALIZER(igvt_scheds);

/*
 * The next entity to run, or NULL (then *wait_ns says for how long to
 * wait for a busy vGPU's next submission, 0 for as long as it takes);
 * with the lock held.  A vGPU being drained goes first.
 */
static IgvtSchedEntity *igvt_sched_next(IgvtSched *sc, uint64_t *wait_ns)
{
    IgvtSchedVgpu v[IGVT_SCHED_MAX_VGPUS];
    int i;

    *wait_ns = 0;
    for (i = 0; i < sc->nr_ents; i++) {
        if (sc->ents[i]->draining && !QSIMPLEQ_EMPTY(&sc->ents[i]->ready)) {
            return sc->ents[i];
        }
    }
    for (i = 0; i < sc->nr_ents; i++) {
        v[i].vtime = sc->ents[i]->vtime;
        v[i].runnable = !QSIMPLEQ_EMPTY(&sc->ents[i]->ready);
        v[i].idle_since = sc->ents[i]->idle_since;
    }
    i = igvt_sched_pick(v, sc->nr_ents, get_clock(), wait_ns);
    return i < 0 ? NULL : sc->ents[i];
}

static void igvt_sched_running_del(IgvtSched *sc, IgvtWorkload *w)
{
    unsigned i;

    for (i = 0; i < sc->nr_running; i++) {
        if (sc->running[i] == w) {
            sc->running[i] = sc->running[--sc->nr_running];
            return;
        }
    }
    g_assert_not_reached();
}

/*
 * The worker: the GPU's front end.  It hands the backend one workload at
 * a time while the backend has room (info.max_inflight), in weighted
 * fair order, outside the BQL; backends that execute on the calling
 * thread (the software GPU) report it done before submit returns.
 */
static void *igvt_sched_thread(void *opaque)
{
    IgvtSched *sc = opaque;
    unsigned max = MIN(sc->backend->info.max_inflight,
                       IGVT_SCHED_MAX_INFLIGHT);

    rcu_register_thread();
    qemu_mutex_lock(&sc->lock);
    while (!sc->stop) {
        uint64_t wait_ns;
        IgvtSchedEntity *ent = NULL;
        IgvtWorkload *w;

        if (sc->nr_running < max) {
            ent = igvt_sched_next(sc, &wait_ns);
        }
        if (!ent) {
            if (sc->nr_running < max && wait_ns) {
                qemu_cond_timedwait(&sc->work, &sc->lock,
                                    DIV_ROUND_UP(wait_ns, SCALE_MS));
            } else {
                qemu_cond_wait(&sc->work, &sc->lock);
            }
            continue;
        }
        w = QSIMPLEQ_FIRST(&ent->ready);
        QSIMPLEQ_REMOVE_HEAD(&ent->ready, next);
        sc->running[sc->nr_running++] = w;
        sc->vtime = ent->vtime;
        w->start_ns = get_clock();
        trace_igvt_sched_run(igvt_engine_name(w->engine), w->lrca,
                             ent->weight, ent->vtime);
        qemu_mutex_unlock(&sc->lock);
        if (w->prepared || igvt_workload_prepare(w)) {
            sc->backend->ops->submit(sc->backend, w);
        } else {
            /* Refused: only audited copies reach the backend */
            w->refused = true;
            igvt_backend_done(w);
        }
        qemu_mutex_lock(&sc->lock);
    }
    qemu_mutex_unlock(&sc->lock);
    rcu_unregister_thread();
    return NULL;
}

void igvt_backend_done(IgvtWorkload *w)
{
    IgvtSchedEntity *ent = w->ent;
    IgvtSched *sc = ent->sched;

    w->exec_ns = get_clock() - w->start_ns;
    w->cancelled = qatomic_read(&w->cancel);
    trace_igvt_sched_done(igvt_engine_name(w->engine), w->lrca, w->ok,
                          w->exec_ns);

    QEMU_LOCK_GUARD(&sc->lock);
    igvt_sched_running_del(sc, w);
    ent->vtime = igvt_sched_charge(ent->vtime, w->exec_ns, ent->weight);
    ent->busy_ns += w->exec_ns;
    w->run_ns += w->exec_ns;
    if (w->yielded && !w->cancelled) {
        if (!qatomic_read(&w->stop_req) && !ent->stopping) {
            /* Its turn is over: it waits for the next one */
            if (w->user_irq) {
                /* ... and what it raised meanwhile reaches the guest now */
                ent->user_irqs |= 1u << w->engine;
                w->user_irq = false;
                qemu_bh_schedule(ent->done_bh);
            }
            QSIMPLEQ_INSERT_TAIL(&ent->ready, w, next);
            qemu_cond_broadcast(&sc->idle);
            qemu_cond_signal(&sc->work);
            return;
        }
        /* Asked to stop meanwhile: it stops where it yielded */
        w->yielded = false;
        w->interrupted = true;
    }
    if (QSIMPLEQ_EMPTY(&ent->ready)) {
        ent->idle_since = get_clock();
    }
    QSIMPLEQ_INSERT_TAIL(&ent->done, w, next);
    qemu_bh_schedule(ent->done_bh);
    qemu_cond_broadcast(&sc->idle);
    qemu_cond_signal(&sc->work);
}

IgvtSched *igvt_sched_get(IgvtBackend *b)
{
    IgvtSched *sc;

    QLIST_FOREACH(sc, &igvt_scheds, next) {
        if (sc->backend == b) {
            sc->users++;
            return sc;
        }
    }
    sc = g_new0(IgvtSched, 1);
    sc->backend = b;
    sc->users = 1;
    qemu_mutex_init(&sc->lock);
    qemu_cond_init(&sc->work);
    qemu_cond_init(&sc->idle);
    qemu_thread_create(&sc->thread, "igvt-gpu", igvt_sched_thread, sc,
                       QEMU_THREAD_JOINABLE);
    QLIST_INSERT_HEAD(&igvt_scheds, sc, next);
    return sc;
}

void igvt_sched_put(IgvtSched *sc)
{
    if (--sc->users) {
        return;
    }
    QLIST_REMOVE(sc, next);
    qemu_mutex_lock(&sc->lock);
    sc->stop = true;
    qemu_cond_signal(&sc->work);
    qemu_mutex_unlock(&sc->lock);
    qemu_thread_join(&sc->thread);
    qemu_cond_destroy(&sc->idle);
    qemu_cond_destroy(&sc->work);
    qemu_mutex_destroy(&sc->lock);
    g_free(sc);
}

/* Does @ent have a workload on @engines with the backend? */
static bool igvt_sched_running_for(IgvtSched *sc, IgvtSchedEntity *ent,
                                   uint32_t engines)
{
    unsigned i;

    for (i = 0; i < sc->nr_running; i++) {
        if (sc->running[i]->ent == ent &&
            (engines & BIT(sc->running[i]->engine))) {
            return true;
        }
    }
    return false;
}

bool igvt_sched_attach(IgvtSched *sc, IgvtSchedEntity *ent, unsigned weight,
                       QEMUBH *done_bh, Error **errp)
{
    QEMU_LOCK_GUARD(&sc->lock);
    if (sc->nr_ents == IGVT_SCHED_MAX_VGPUS) {
        error_setg(errp, "igvt: at most %d vGPUs can share one backend",
                   IGVT_SCHED_MAX_VGPUS);
        return false;
    }
    ent->sched = sc;
    ent->weight = weight;
    ent->done_bh = done_bh;
    ent->vtime = sc->vtime;
    ent->idle_since = 0;
    ent->busy_ns = 0;
    ent->draining = false;
    QSIMPLEQ_INIT(&ent->ready);
    QSIMPLEQ_INIT(&ent->done);
    sc->ents[sc->nr_ents++] = ent;
    return true;
}

void igvt_sched_detach(IgvtSchedEntity *ent)
{
    IgvtSched *sc = ent->sched;
    IgvtWorkload *w;
    int i;

    if (!sc) {
        return;
    }
    igvt_sched_drain(ent, ~0u, true);
    qemu_mutex_lock(&sc->lock);
    for (i = 0; i < sc->nr_ents; i++) {
        if (sc->ents[i] == ent) {
            sc->ents[i] = sc->ents[--sc->nr_ents];
            break;
        }
    }
    qemu_mutex_unlock(&sc->lock);
    while ((w = igvt_sched_take_done(ent))) {
        igvt_workload_free(w);
    }
    ent->sched = NULL;
    igvt_sched_put(sc);
}

void igvt_sched_submit(IgvtSchedEntity *ent, IgvtWorkload *w)
{
    IgvtSched *sc = ent->sched;

    w->ent = ent;
    QEMU_LOCK_GUARD(&sc->lock);
    if (QSIMPLEQ_EMPTY(&ent->ready) && !igvt_sched_running_for(sc, ent, ~0u)) {
        ent->vtime = igvt_sched_wake(ent->vtime, ent->idle_since,
                                     get_clock(), sc->vtime);
    }
    QSIMPLEQ_INSERT_TAIL(&ent->ready, w, next);
    qemu_cond_signal(&sc->work);
}

uint32_t igvt_sched_take_user_irqs(IgvtSchedEntity *ent)
{
    uint32_t irqs;

    QEMU_LOCK_GUARD(&ent->sched->lock);
    irqs = ent->user_irqs;
    ent->user_irqs = 0;
    return irqs;
}

IgvtWorkload *igvt_sched_take_done(IgvtSchedEntity *ent)
{
    IgvtWorkload *w;

    QEMU_LOCK_GUARD(&ent->sched->lock);
    w = QSIMPLEQ_FIRST(&ent->done);
    if (w) {
        QSIMPLEQ_REMOVE_HEAD(&ent->done, next);
    }
    return w;
}

/* Is a workload of @ent on @engines still queued or running? */
static bool igvt_sched_busy(IgvtSched *sc, IgvtSchedEntity *ent,
                            uint32_t engines)
{
    IgvtWorkload *w;

    if (igvt_sched_running_for(sc, ent, engines)) {
        return true;
    }
    QSIMPLEQ_FOREACH(w, &ent->ready, next) {
        if (engines & BIT(w->engine)) {
            return true;
        }
    }
    return false;
}

void igvt_sched_drain(IgvtSchedEntity *ent, uint32_t engines, bool cancel)
{
    IgvtSched *sc = ent->sched;
    IgvtBackend *b;
    IgvtWorkload *w, *tmp;
    IgvtWorkload *stop[IGVT_SCHED_MAX_INFLIGHT];
    unsigned i, nr_stop = 0;

    if (!sc) {
        return;
    }
    b = sc->backend;
    qemu_mutex_lock(&sc->lock);
    if (cancel) {
        QSIMPLEQ_FOREACH_SAFE(w, &ent->ready, next, tmp) {
            if (engines & BIT(w->engine)) {
                QSIMPLEQ_REMOVE(&ent->ready, w, IgvtWorkload, next);
                w->cancelled = true;
                QSIMPLEQ_INSERT_TAIL(&ent->done, w, next);
            }
        }
        for (i = 0; i < sc->nr_running; i++) {
            w = sc->running[i];
            if (w->ent == ent && (engines & BIT(w->engine))) {
                qatomic_set(&w->cancel, true);
                stop[nr_stop++] = w;
            }
        }
    }
    /*
     * A backend that cannot see w->cancel is told; @w stays valid until
     * its completion runs, in the main loop, after this drain
     */
    if (nr_stop && b->ops->cancel) {
        qemu_mutex_unlock(&sc->lock);
        for (i = 0; i < nr_stop; i++) {
            b->ops->cancel(b, stop[i]);
        }
        qemu_mutex_lock(&sc->lock);
    }
    if (!cancel) {
        /*
         * The VM stops: what runs stops at its next arbitration point
         * and is reported interrupted, to go on when the VM runs again
         */
        ent->stopping = true;
        for (i = 0; i < sc->nr_running; i++) {
            if (sc->running[i]->ent == ent) {
                qatomic_set(&sc->running[i]->stop_req, true);
            }
        }
        QSIMPLEQ_FOREACH(w, &ent->ready, next) {
            qatomic_set(&w->stop_req, true);
        }
    }
    ent->draining = true;
    qemu_cond_signal(&sc->work);
    while (igvt_sched_busy(sc, ent, engines)) {
        qemu_cond_wait(&sc->idle, &sc->lock);
    }
    ent->draining = false;
    ent->stopping = false;
    if (cancel) {
        /* Finished before the reset, but not reported yet: drop it too */
        QSIMPLEQ_FOREACH(w, &ent->done, next) {
            if (engines & BIT(w->engine)) {
                w->cancelled = true;
            }
        }
    }
    qemu_mutex_unlock(&sc->lock);
    trace_igvt_sched_drain(engines, cancel);
}

uint64_t igvt_sched_busy_ns(IgvtSchedEntity *ent)
{
    if (!ent->sched) {
        return 0;
    }
    QEMU_LOCK_GUARD(&ent->sched->lock);
    return ent->busy_ns;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: execlist submission.
 *
 * The guest writes two context descriptors to an engine's ELSP (four
 * dwords: element 1 high, low, then element 0 high, low).  The engine
 * then runs element 0 and element 1 in turn; each context switch is
 * reported as a context status buffer (CSB) event, both in the MMIO CSB
 * and in the engine's hardware status page (HWSP emulation: the guest
 * reads the page), followed by a context-switch interrupt.
 *
 * The engine takes a pair at once when idle (idle-to-active); a pair
 * written while it is busy waits until the running element is done and
 * then preempts the rest (i915 does this to append requests to the
 * running context: a lite restore).  Each element becomes a workload,
 * prepared in a bottom half (never in the MMIO handler) once the one
 * before it on the engine has retired, and run by the GPU scheduler's
 * worker thread (sched.c).  Its completion comes back in another bottom
 * half, which writes the ring head back and reports the switch.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/cutils.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "migration/vmstate.h"
#include "igvt.h"
#include "backend.h"
#include "workload.h"
#include "context.h"
#include "regs.h"
#include "trace.h"

/* The engine of ELSP register @offset, or -1 */
static int igvt_engine_of(uint32_t offset)
{
    int e = igvt_engine_of_offset(offset);

    return e < IGVT_NUM_ENGINES ? e : -1;
}

/* Raise GT interrupt @events (relative to the engine's bits) of engine @e */
static void igvt_engine_irq(IgvtState *s, int e, uint32_t events)
{
    const IgvtEngineInfo *ei = &igvt_engine_info[e];

    igvt_irq_raise(s, IGVT_IRQ_GT0 + ei->gt_bank, events << ei->irq_shift);
}

/* Append one event to the engine's CSB (MMIO copy and HWSP) */
static void igvt_csb_event(IgvtState *s, int e, uint32_t status,
                           uint32_t ctx_id)
{
    uint32_t base = igvt_engine_mmio_base(e);
    uint32_t ptr = igvt_reg(s, base + IGVT_RING_CSB_PTR);
    uint32_t wp = ((ptr & 0x7) + 1) % IGVT_CSB_ENTRIES;
    uint32_t hwsp = igvt_reg(s, base + IGVT_RING_HWS_PGA) & ~0xfffu;
    uint32_t entry[2] = { cpu_to_le32(status), cpu_to_le32(ctx_id) };
    uint32_t wp_le = cpu_to_le32(wp);

    igvt_reg_set(s, base + IGVT_RING_CSB + wp * 8, status);
    igvt_reg_set(s, base + IGVT_RING_CSB + wp * 8 + 4, ctx_id);
    igvt_reg_set(s, base + IGVT_RING_CSB_PTR, (ptr & ~0x7u) | wp);
    if (!igvt_gm_rw(s, hwsp + (IGVT_HWSP_CSB + wp * 2) * 4, entry,
                    sizeof(entry), true) ||
        !igvt_gm_rw(s, hwsp + IGVT_HWSP_CSB_WRITE * 4, &wp_le,
                    sizeof(wp_le), true)) {
        IGVT_GUEST_ERR(igvt_err_hwsp, "%s HWSP at 0x%x is not mapped",
                       igvt_engine_name(e), hwsp);
    }
    trace_igvt_csb(igvt_engine_name(e), wp, status, ctx_id);
}

/*
 * Latency of a pair: from its ELSP write to the interrupt that reports it
 * done (gone idle, or preempted by the next pair)
 */
static void igvt_execlist_latency(IgvtState *s, int e)
{
    IgvtEngineStats *st = &s->engine_stats[e];
    int64_t ns = get_clock() - s->execlists[e].submit_ns;

    if (ns < 0) {
        return;
    }
    st->latency_count++;
    st->latency_total_ns += ns;
    st->latency_max_ns = MAX(st->latency_max_ns, ns);
}

/*
 * The current element is done: report it and move on.  A pair written
 * while the engine was busy preempts what is left (a lite restore when
 * it starts with the context that just ran); otherwise the engine
 * switches to element 1 or goes idle.
 */
static void igvt_execlist_advance(IgvtState *s, int e, bool user_irq)
{
    IgvtExeclist *el = &s->execlists[e];
    uint64_t desc = el->active[el->current];
    uint32_t status;

    if (el->pending[0] & IGVT_CTX_VALID) {
        status = IGVT_CSB_PREEMPTED;
        if ((el->pending[0] & IGVT_CTX_LRCA_MASK) ==
            (desc & IGVT_CTX_LRCA_MASK)) {
            status |= IGVT_CSB_LITE_RESTORE;
        }
        igvt_execlist_latency(s, e);
        el->submit_ns = el->pending_ns;
        el->active[0] = el->pending[0];
        el->active[1] = el->pending[1];
        el->pending[0] = el->pending[1] = 0;
        el->current = 0;
    } else if (el->current == 0 && (el->active[1] & IGVT_CTX_VALID)) {
        status = IGVT_CSB_COMPLETE | IGVT_CSB_ELEMENT_SWITCH;
        el->current = 1;
    } else {
        status = IGVT_CSB_COMPLETE | IGVT_CSB_ACTIVE_TO_IDLE;
        el->active[0] = el->active[1] = 0;
        el->current = 0;
        igvt_execlist_latency(s, e);
    }
    igvt_csb_event(s, e, status, desc >> 32);
    igvt_engine_irq(s, e, IGVT_GT_CONTEXT_SWITCH |
                          (user_irq ? IGVT_GT_USER_INTERRUPT : 0));
}

/* May the engines take new work?  Not while the VM is stopped */
static bool igvt_execlist_may_run(IgvtState *s)
{
    return runstate_is_running();
}

/*
 * The audit refused @w, before it ran or at a batch it reached: it never
 * runs (on), and the vGPU enters failsafe
 */
static void igvt_execlist_refuse(IgvtState *s, int e, IgvtWorkload *w)
{
    IgvtEngineStats *st = &s->engine_stats[e];

    st->rejected++;
    pstrcpy((char *)st->last_reject, sizeof(st->last_reject), w->why);
    st->last_reject_header = w->header;
    st->last_reject_addr = w->addr;
    IGVT_GUEST_ERR(igvt_err_workload, "%s: workload refused: %s (command "
                   "%s 0x%08x, address 0x%" PRIx64 ")", igvt_engine_name(e),
                   w->why, w->cmd_name ? w->cmd_name : "-", w->header,
                   w->addr);
    w->interrupted = false;
    igvt_workload_retire(s, w);
    igvt_enter_failsafe(s, IGVT_FAILSAFE_REASON_GUEST_ERROR);
}

/*
 * @w hung: it faulted, or the watchdog stopped it.  The hardware would
 * still be running it, so, as GVT-g does, the engine reports nothing: no
 * context switch, nothing after it, no pending pair taken.  The guest's
 * own hang detection (i915's heartbeat and preemption timeout) finds the
 * engine stuck and resets it, which ends the stall.
 */
static void igvt_execlist_stall(IgvtState *s, int e, IgvtWorkload *w)
{
    IgvtEngineStats *st = &s->engine_stats[e];

    st->hung++;
    pstrcpy((char *)st->last_hang, sizeof(st->last_hang), w->why);
    IGVT_GUEST_ERR(igvt_err_soft_exec, "%s: %s (0x%" PRIx64 "); the engine "
                   "stalls until it is reset", igvt_engine_name(e), w->why,
                   w->addr);
    trace_igvt_execlist_stall(igvt_engine_name(e), w->lrca);
    s->execlists[e].stalled = true;
    if (w->user_irq) {
        /* What it ran before it hung did raise its interrupts */
        igvt_engine_irq(s, e, IGVT_GT_USER_INTERRUPT);
    }
}

/*
 * Hand the current element of engine @e to the GPU worker, which copies
 * and audits it when its turn comes (a refused workload never reaches the
 * backend and puts the vGPU into failsafe mode).  In failsafe mode,
 * elements complete at once without running.
 */
static void igvt_execlist_start(IgvtState *s, int e)
{
    IgvtExeclist *el = &s->execlists[e];
    IgvtEngineStats *st = &s->engine_stats[e];

    while ((el->active[el->current] & IGVT_CTX_VALID) && !el->running &&
           !el->stalled && igvt_execlist_may_run(s)) {
        /* An element the VM stopped goes on: it was counted */
        st->submitted += !el->interrupted;
        el->interrupted = false;
        if (!s->failsafe) {
            IgvtWorkload *w = g_new(IgvtWorkload, 1);

            igvt_workload_init(s, e, el->active[el->current], w);
            w->submit_ns = el->submit_ns;
            w->time_limit_ns = (uint64_t)s->params.watchdog_ms * SCALE_MS;
            /* A pair written meanwhile preempts it at once */
            w->stop_req = el->pending[0] & IGVT_CTX_VALID;
            el->running = w;
            igvt_sched_submit(&s->sched, w);
            return;
        }
        igvt_execlist_advance(s, e, false);
    }
}

static void igvt_execlist_bh(void *opaque)
{
    IgvtState *s = opaque;
    int e;

    for (e = 0; e < IGVT_NUM_ENGINES; e++) {
        igvt_execlist_start(s, e);
    }
}

/* The GPU finished workloads: write back, report, start what is next */
static void igvt_execlist_complete_bh(void *opaque)
{
    IgvtState *s = opaque;
    uint32_t irqs = igvt_sched_take_user_irqs(&s->sched);
    IgvtWorkload *w;
    int e;

    for (e = 0; e < IGVT_NUM_ENGINES; e++) {
        if (irqs & (1u << e)) {
            igvt_engine_irq(s, e, IGVT_GT_USER_INTERRUPT);
        }
    }
    while ((w = igvt_sched_take_done(&s->sched))) {
        IgvtExeclist *el;
        IgvtEngineStats *st;
        bool user_irq = w->user_irq;

        e = w->engine;
        el = &s->execlists[e];
        st = &s->engine_stats[e];
        if (el->running == w) {
            el->running = NULL;
        }
        if (w->cancelled) {
            /* Its engine was reset meanwhile: nothing to report */
            igvt_workload_free(w);
            continue;
        }
        st->busy_ns += w->run_ns;
        if (!w->ok && !w->interrupted && !w->refused) {
            igvt_execlist_stall(s, e, w);
            igvt_workload_free(w);
            continue;
        }
        if (w->refused) {
            igvt_execlist_refuse(s, e, w);
        } else {
            st->completed += w->ok;
            /* Interrupted: the image says where it stopped, to go on */
            igvt_workload_retire(s, w);
        }
        if (w->interrupted && !(el->pending[0] & IGVT_CTX_VALID)) {
            /* Stopped with the VM: the element goes on when it runs */
            el->interrupted = true;
            if (user_irq) {
                igvt_engine_irq(s, e, IGVT_GT_USER_INTERRUPT);
            }
        } else {
            /* Done, or preempted by the pending pair */
            igvt_execlist_advance(s, e, user_irq);
        }
        igvt_workload_free(w);
        igvt_execlist_start(s, e);
    }
}

/*
 * ELSP: collect four dwords (element 1 high, low, element 0 high, low),
 * then run the pair, or keep it until the running element is done.
 */
void igvt_elsp_write(IgvtState *s, uint32_t offset, uint32_t old,
                     uint32_t val)
{
    int e = igvt_engine_of(offset);
    IgvtExeclist *el;
    uint64_t pair[2];

    if (e < 0) {
        return;
    }
    el = &s->execlists[e];
    /* The register reads back nothing; the dwords queue up instead */
    igvt_reg_set(s, offset, 0);
    el->elsp[el->elsp_count++ % 4] = val;
    if (el->elsp_count < 4) {
        return;
    }
    el->elsp_count = 0;
    pair[1] = (uint64_t)el->elsp[0] << 32 | el->elsp[1];
    pair[0] = (uint64_t)el->elsp[2] << 32 | el->elsp[3];
    trace_igvt_elsp(igvt_engine_name(e), pair[0], pair[1]);
    if (!(pair[0] & IGVT_CTX_VALID)) {
        IGVT_GUEST_ERR(igvt_err_elsp, "%s: element 0 is not valid",
                       igvt_engine_name(e));
        return;
    }
    if (!s->pv_ready) {
        igvt_enter_failsafe(s, IGVT_FAILSAFE_REASON_UNSUPPORTED_GUEST);
    }
    if (el->active[el->current] & IGVT_CTX_VALID) {
        /*
         * Busy: the pair preempts the running element at its next
         * arbitration point (or takes over when it ends first)
         */
        if (el->pending[0] & IGVT_CTX_VALID) {
            IGVT_GUEST_ERR(igvt_err_elsp, "%s: a pair is already pending",
                           igvt_engine_name(e));
        }
        el->pending[0] = pair[0];
        el->pending[1] = pair[1];
        el->pending_ns = get_clock();
        if (el->running) {
            qatomic_set(&el->running->stop_req, true);
        }
        return;
    }
    el->active[0] = pair[0];
    el->active[1] = pair[1];
    el->current = 0;
    el->submit_ns = get_clock();
    igvt_csb_event(s, e, IGVT_CSB_IDLE_TO_ACTIVE, pair[0] >> 32);
    igvt_engine_irq(s, e, IGVT_GT_CONTEXT_SWITCH);
    igvt_execlist_start(s, e);
}

/*
 * Stopping the VM (and so before migration) quiesces the GPU: what the
 * engines have started finishes and is reported; nothing new starts until
 * the VM runs again.
 */
static void igvt_execlist_vm_change(void *opaque, bool running,
                                    RunState state)
{
    IgvtState *s = opaque;

    if (running) {
        qemu_bh_schedule(s->execlist_bh);
        return;
    }
    igvt_sched_drain(&s->sched, ~0u, false);
    igvt_execlist_complete_bh(s);
}

bool igvt_execlist_init(IgvtState *s, Error **errp)
{
    DeviceState *dev = DEVICE(s);
    IgvtSched *sc;

    s->execlist_bh = qemu_bh_new_guarded(igvt_execlist_bh, s,
                                         &dev->mem_reentrancy_guard);
    s->complete_bh = qemu_bh_new_guarded(igvt_execlist_complete_bh, s,
                                         &dev->mem_reentrancy_guard);
    sc = igvt_sched_get(s->backend);
    if (!igvt_sched_attach(sc, &s->sched, s->params.weight, s->complete_bh,
                           errp)) {
        igvt_sched_put(sc);
        igvt_execlist_fini(s);
        return false;
    }
    s->vmstate_change = qdev_add_vm_change_state_handler(
        dev, igvt_execlist_vm_change, s);
    return true;
}

void igvt_execlist_fini(IgvtState *s)
{
    if (s->vmstate_change) {
        qemu_del_vm_change_state_handler(s->vmstate_change);
        s->vmstate_change = NULL;
    }
    igvt_sched_detach(&s->sched);
    qemu_bh_delete(s->complete_bh);
    s->complete_bh = NULL;
    qemu_bh_delete(s->execlist_bh);
    s->execlist_bh = NULL;
}

/* Engine reset (GDRST): what the engines run is dropped unreported */
void igvt_execlist_engine_reset(IgvtState *s, uint32_t engines)
{
    int e;

    igvt_sched_drain(&s->sched, engines, true);
    for (e = 0; e < IGVT_NUM_ENGINES; e++) {
        if (engines & BIT(e)) {
            memset(&s->execlists[e], 0, sizeof(s->execlists[e]));
        }
    }
    /* Cancelled workloads come back through the completion BH */
    qemu_bh_schedule(s->complete_bh);
}

void igvt_execlist_reset(IgvtState *s)
{
    igvt_execlist_engine_reset(s, BIT(IGVT_NUM_ENGINES) - 1);
}

/*
 * Work submitted before migration runs on the destination.  A stream no
 * source can have produced is refused; the diagnostic strings are only
 * terminated, since nothing but QMP reads them.
 */
int igvt_execlist_post_load(IgvtState *s)
{
    int e;

    for (e = 0; e < IGVT_NUM_ENGINES; e++) {
        IgvtExeclist *el = &s->execlists[e];
        IgvtEngineStats *st = &s->engine_stats[e];

        if (el->elsp_count >= 4 || el->current > 1) {
            return -EINVAL;
        }
        if ((el->interrupted || el->stalled) &&
            !(el->active[el->current] & IGVT_CTX_VALID)) {
            return -EINVAL;
        }
        el->running = NULL;
        el->submit_ns = el->pending_ns = get_clock();
        st->last_reject[sizeof(st->last_reject) - 1] = 0;
        st->last_hang[sizeof(st->last_hang) - 1] = 0;
    }
    qemu_bh_schedule(s->execlist_bh);
    return 0;
}

const VMStateDescription vmstate_igvt_engine_stats = {
    .name = "igvt/engine-stats",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT64(submitted, IgvtEngineStats),
        VMSTATE_UINT64(completed, IgvtEngineStats),
        VMSTATE_UINT64(rejected, IgvtEngineStats),
        VMSTATE_UINT64(hung, IgvtEngineStats),
        VMSTATE_BUFFER(last_reject, IgvtEngineStats),
        VMSTATE_UINT32(last_reject_header, IgvtEngineStats),
        VMSTATE_UINT64(last_reject_addr, IgvtEngineStats),
        VMSTATE_UINT64(busy_ns, IgvtEngineStats),
        VMSTATE_UINT64(latency_count, IgvtEngineStats),
        VMSTATE_UINT64(latency_total_ns, IgvtEngineStats),
        VMSTATE_UINT64(latency_max_ns, IgvtEngineStats),
        VMSTATE_BUFFER(last_hang, IgvtEngineStats),
        VMSTATE_END_OF_LIST()
    },
};

/* Saved quiesced (the VM is stopped): nothing is in flight */
const VMStateDescription vmstate_igvt_execlist = {
    .name = "igvt/execlist",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32_ARRAY(elsp, IgvtExeclist, 4),
        VMSTATE_UINT32(elsp_count, IgvtExeclist),
        VMSTATE_UINT64_ARRAY(active, IgvtExeclist, 2),
        VMSTATE_UINT32(current, IgvtExeclist),
        VMSTATE_UINT64_ARRAY(pending, IgvtExeclist, 2),
        VMSTATE_BOOL(interrupted, IgvtExeclist),
        VMSTATE_BOOL(stalled, IgvtExeclist),
        VMSTATE_END_OF_LIST()
    },
};

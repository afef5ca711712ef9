/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: execlist submission.
 *
 * The guest writes two context descriptors to an engine's ELSP (four
 * dwords: element 1 high, low, then element 0 high, low).  The engine
 * then runs element 0 and element 1 in turn; each context switch is
 * reported as a context status buffer (CSB) event, both in the MMIO CSB
 * and in the engine's hardware status page (HWSP emulation: the guest
 * reads the page), followed by a context-switch interrupt.  The work
 * itself goes to the backend from a bottom half, never from the MMIO
 * handler.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/cutils.h"
#include "qemu/main-loop.h"
#include "migration/vmstate.h"
#include "igvt.h"
#include "backend.h"
#include "workload.h"
#include "regs.h"
#include "trace.h"

/* CSB event bits (Gen8/9) */
#define IGVT_CSB_IDLE_TO_ACTIVE     (1u << 0)
#define IGVT_CSB_ELEMENT_SWITCH     (1u << 2)
#define IGVT_CSB_ACTIVE_TO_IDLE     (1u << 3)
#define IGVT_CSB_COMPLETE           (1u << 4)
#define IGVT_CSB_ENTRIES            6
/* Where the CSB lives in the HWSP, in dwords */
#define IGVT_HWSP_CSB               0x10
#define IGVT_HWSP_CSB_WRITE         0x1f

/* GT interrupt bits, relative to the engine's shift */
#define IGVT_GT_USER_INTERRUPT      (1u << 0)
#define IGVT_GT_CONTEXT_SWITCH      (1u << 8)

#define IGVT_CTX_VALID              (1ull << 0)

const IgvtEngineInfo igvt_engines[IGVT_NUM_ENGINES] = {
    [IGVT_ENGINE_RCS] = { "rcs", IGVT_RCS_BASE, IGVT_IRQ_GT0, 0 },
    [IGVT_ENGINE_BCS] = { "bcs", IGVT_BCS_BASE, IGVT_IRQ_GT0, 16 },
    [IGVT_ENGINE_VCS] = { "vcs0", IGVT_VCS0_BASE, IGVT_IRQ_GT1, 0 },
    [IGVT_ENGINE_VECS] = { "vecs", IGVT_VECS_BASE, IGVT_IRQ_GT3, 0 },
};

static int igvt_engine_of(uint32_t offset)
{
    int i;

    for (i = 0; i < IGVT_NUM_ENGINES; i++) {
        if (offset - igvt_engines[i].base < 0x1000) {
            return i;
        }
    }
    return -1;
}

/* Append one event to the engine's CSB (MMIO copy and HWSP) */
static void igvt_csb_event(IgvtState *s, int e, uint32_t status,
                           uint32_t ctx_id)
{
    uint32_t base = igvt_engines[e].base;
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
                       igvt_engines[e].name, hwsp);
    }
    trace_igvt_csb(igvt_engines[e].name, wp, status, ctx_id);
}

/*
 * Prepare (copy and audit) one context's work and hand it to the backend.
 * A refused workload never reaches the backend and puts the vGPU into
 * failsafe mode.
 */
static void igvt_execlist_workload(IgvtState *s, int e, uint64_t desc,
                                   bool *user_irq)
{
    IgvtEngineStats *st = &s->engine_stats[e];
    IgvtWorkload w;

    st->submitted++;
    if (!igvt_workload_prepare(s, e, desc, &w)) {
        st->rejected++;
        pstrcpy((char *)st->last_reject, sizeof(st->last_reject), w.why);
        st->last_reject_header = w.header;
        st->last_reject_addr = w.addr;
        IGVT_GUEST_ERR(igvt_err_workload, "%s: workload refused: %s "
                       "(command %s 0x%08x, address 0x%" PRIx64 ")",
                       igvt_engines[e].name, w.why,
                       w.cmd_name ? w.cmd_name : "-", w.header, w.addr);
        igvt_enter_failsafe(s, IGVT_FAILSAFE_REASON_GUEST_ERROR);
    } else if (igvt_backend_execute(s->backend, &w, user_irq)) {
        st->completed++;
    } else {
        st->hung++;
    }
    igvt_workload_retire(&w);
    igvt_workload_free(&w);
}

static void igvt_execlist_run(IgvtState *s, int e)
{
    IgvtExeclist *el = &s->execlists[e];
    uint64_t desc[2] = { el->port[0], el->port[1] };
    bool user_irq = false;
    int i, n = (desc[1] & IGVT_CTX_VALID) ? 2 : 1;

    el->port[0] = el->port[1] = 0;
    if (!(desc[0] & IGVT_CTX_VALID)) {
        IGVT_GUEST_ERR(igvt_err_elsp, "%s: element 0 is not valid",
                       igvt_engines[e].name);
        return;
    }
    igvt_csb_event(s, e, IGVT_CSB_IDLE_TO_ACTIVE, desc[0] >> 32);
    for (i = 0; i < n; i++) {
        if (!s->failsafe) {
            igvt_execlist_workload(s, e, desc[i], &user_irq);
        }
        igvt_csb_event(s, e, IGVT_CSB_COMPLETE |
                       (i + 1 < n ? IGVT_CSB_ELEMENT_SWITCH :
                                    IGVT_CSB_ACTIVE_TO_IDLE),
                       desc[i] >> 32);
    }
    igvt_irq_raise(s, igvt_engines[e].irq_bank,
                   (IGVT_GT_CONTEXT_SWITCH |
                    (user_irq ? IGVT_GT_USER_INTERRUPT : 0)) <<
                   igvt_engines[e].irq_shift);
}

static void igvt_execlist_bh(void *opaque)
{
    IgvtState *s = opaque;
    int e;

    for (e = 0; e < IGVT_NUM_ENGINES; e++) {
        if (s->execlists[e].port[0]) {
            igvt_execlist_run(s, e);
        }
    }
}

/* ELSP: collect four dwords, then submit both elements */
void igvt_elsp_write(IgvtState *s, uint32_t offset, uint32_t old,
                     uint32_t val)
{
    int e = igvt_engine_of(offset);
    IgvtExeclist *el;

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
    el->port[1] = (uint64_t)el->elsp[0] << 32 | el->elsp[1];
    el->port[0] = (uint64_t)el->elsp[2] << 32 | el->elsp[3];
    trace_igvt_elsp(igvt_engines[e].name, el->port[0], el->port[1]);
    if (!s->pv_ready) {
        igvt_enter_failsafe(s, IGVT_FAILSAFE_REASON_UNSUPPORTED_GUEST);
    }
    qemu_bh_schedule(s->execlist_bh);
}

void igvt_execlist_init(IgvtState *s)
{
    s->execlist_bh = qemu_bh_new_guarded(igvt_execlist_bh, s,
                                         &DEVICE(s)->mem_reentrancy_guard);
}

void igvt_execlist_fini(IgvtState *s)
{
    qemu_bh_delete(s->execlist_bh);
    s->execlist_bh = NULL;
}

void igvt_execlist_reset(IgvtState *s)
{
    memset(s->execlists, 0, sizeof(s->execlists));
}

/* Work submitted before migration runs on the destination */
void igvt_execlist_post_load(IgvtState *s)
{
    int e;

    for (e = 0; e < IGVT_NUM_ENGINES; e++) {
        s->execlists[e].elsp_count %= 4;
        s->engine_stats[e].last_reject[sizeof(s->engine_stats[e].last_reject)
                                       - 1] = 0;
        if (s->execlists[e].port[0]) {
            qemu_bh_schedule(s->execlist_bh);
        }
    }
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
        VMSTATE_END_OF_LIST()
    },
};

const VMStateDescription vmstate_igvt_execlist = {
    .name = "igvt/execlist",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32_ARRAY(elsp, IgvtExeclist, 4),
        VMSTATE_UINT32(elsp_count, IgvtExeclist),
        VMSTATE_UINT64_ARRAY(port, IgvtExeclist, 2),
        VMSTATE_END_OF_LIST()
    },
};

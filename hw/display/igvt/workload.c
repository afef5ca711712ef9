/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: preparing a workload (see workload.h).
 *
 * Ring segment first: read [head, tail) of the ring the context image
 * describes, audit it.  Then, breadth first, every batch buffer the audits
 * report: copy it through the GGTT or the PPGTT (a page at first, more
 * while the audit says the copy ends too early), audit the copy at its
 * level.  Each (address, address space, level) is copied once, so a batch
 * that chains to itself is one buffer; the number of batches and the
 * bytes copied are bounded.  Anything refused refuses the whole workload
 * before any of it runs.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "igvt.h"
#include "regs.h"
#include "context.h"
#include "workload.h"

static bool igvt_workload_refuse(IgvtWorkload *w, const char *why,
                                 const char *cmd, uint32_t header,
                                 uint64_t addr)
{
    w->why = why;
    w->cmd_name = cmd;
    w->header = header;
    w->addr = addr;
    return false;
}

static void igvt_le_to_cpu(uint32_t *dw, uint32_t n)
{
    uint32_t i;

    for (i = 0; i < n; i++) {
        dw[i] = le32_to_cpu(dw[i]);
    }
}

/* Audit @b; queue the batches it starts in @refs (room for @max) */
static bool igvt_workload_audit(IgvtWorkload *w, IgvtCmdBuf *b,
                                IgvtBatchRef *refs, unsigned max,
                                IgvtAuditResult *r)
{
    IgvtAuditPolicy policy;
    const IgvtSlice *sl = &w->slice;

    igvt_audit_policy_init(&policy, sl->low_base, sl->low_size,
                           sl->high_base, sl->high_size);
    igvt_audit_result_init(r, refs, max);
    return igvt_cmd_audit(w->engine, b->dw, b->len, b->level, b->ppgtt,
                          &policy, r);
}

/*
 * Copy the batch at @ref and audit it: start with what is left of its
 * first page and grow while the audit runs out of commands.
 */
static bool igvt_workload_fetch(IgvtState *s, IgvtWorkload *w,
                                const IgvtBatchRef *ref,
                                IgvtBatchRef *refs, unsigned max,
                                IgvtAuditResult *r)
{
    IgvtCmdBuf b = {
        .addr = ref->addr, .ppgtt = ref->ppgtt, .level = ref->level,
    };
    size_t size = 0, want = IGVT_GTT_PAGE_SIZE -
                            (ref->addr % IGVT_GTT_PAGE_SIZE);
    const char *why = NULL;

    for (;;) {
        want = MIN(want, IGVT_WORKLOAD_BATCH_MAX);
        if (w->bytes + want - size > IGVT_WORKLOAD_BYTES_MAX) {
            g_free(b.dw);
            return igvt_workload_refuse(w, "workload copies too much", NULL,
                                        0, ref->addr);
        }
        b.dw = g_realloc(b.dw, want);
        if (!igvt_engine_mem(s, w->pml4, !b.ppgtt, b.addr + size,
                             (uint8_t *)b.dw + size, want - size, false,
                             NULL, &why)) {
            /*
             * Doubling can reach past the batch's end into memory that
             * is not mapped: then grow to the next page boundary only,
             * so that only pages the batch really continues into must
             * be reachable.
             */
            size_t page_end = size + IGVT_GTT_PAGE_SIZE -
                              (b.addr + size) % IGVT_GTT_PAGE_SIZE;

            if (size && want > page_end) {
                want = page_end;
                continue;
            }
            g_free(b.dw);
            return igvt_workload_refuse(w, why, NULL, 0, b.addr + size);
        }
        igvt_le_to_cpu((uint32_t *)((uint8_t *)b.dw + size),
                       (want - size) / 4);
        w->bytes += want - size;
        size = want;
        b.len = size / 4;
        if (igvt_workload_audit(w, &b, refs, max, r)) {
            break;
        }
        if ((r->error != IGVT_CMD_ERR_NO_BB_END &&
             r->error != IGVT_CMD_ERR_OVERRUN) ||
            size >= IGVT_WORKLOAD_BATCH_MAX) {
            g_free(b.dw);
            return igvt_workload_refuse(w, r->reason, r->cmd_name, r->header,
                                        r->address ? r->address :
                                        b.addr + r->offset * 4);
        }
        want = size * 2;
    }
    b.len = r->consumed;
    g_array_append_val(w->batches, b);
    return true;
}

const IgvtCmdBuf *igvt_workload_batch(IgvtWorkload *w, uint64_t addr,
                                      bool ppgtt, uint8_t level)
{
    guint i;

    for (i = 0; i < w->batches->len; i++) {
        IgvtCmdBuf *b = &g_array_index(w->batches, IgvtCmdBuf, i);

        if (b->addr == addr && b->ppgtt == ppgtt && b->level == level) {
            return b;
        }
    }
    return NULL;
}

bool igvt_workload_prepare(IgvtState *s, IgvtEngine e, uint64_t desc,
                           IgvtWorkload *w)
{
    uint32_t state[IGVT_CTX_STATE_DWORDS];
    g_autofree IgvtBatchRef *refs = NULL;
    g_autofree IgvtBatchRef *queue = NULL;
    unsigned nr_queue = 0, next = 0, max = IGVT_CMD_MAX_BATCHES_PER_WORKLOAD;
    uint32_t head, start, size, len, first;
    IgvtAuditResult r;
    unsigned i;

    memset(w, 0, sizeof(*w));
    w->engine = e;
    w->slice = s->slice;
    w->dma = s->gpu_mem.dma;
    w->lrca = desc & IGVT_CTX_LRCA_MASK;
    w->batches = g_array_new(false, false, sizeof(IgvtCmdBuf));

    if (!igvt_gm_rw(s, w->lrca + IGVT_CTX_STATE_OFFSET, state, sizeof(state),
                    false)) {
        return igvt_workload_refuse(w, "context image outside the vGPU's "
                                    "memory", NULL, 0, w->lrca);
    }
    igvt_le_to_cpu(state, ARRAY_SIZE(state));
    head = state[IGVT_CTX_RING_HEAD] & IGVT_RING_HEAD_MASK;
    w->tail = state[IGVT_CTX_RING_TAIL] & IGVT_RING_TAIL_MASK;
    start = state[IGVT_CTX_RING_START] & IGVT_RING_START_MASK;
    size = (extract32(state[IGVT_CTX_RING_CTL], IGVT_RING_CTL_PAGES_SHIFT,
                      IGVT_RING_CTL_PAGES_BITS) + 1) * IGVT_GTT_PAGE_SIZE;
    w->pml4 = state[IGVT_CTX_PDP0_LDW] |
              (uint64_t)state[IGVT_CTX_PDP0_UDW] << 32;
    if (head >= size || w->tail >= size) {
        return igvt_workload_refuse(w, "ring head or tail beyond the ring",
                                    NULL, 0, start);
    }

    /* The ring segment [head, tail), wrapping */
    len = (w->tail - head + size) % size;
    first = MIN(len, size - head);
    w->ring.addr = start + head;
    w->ring.level = IGVT_LEVEL_RING;
    w->ring.dw = g_malloc(len + 4);
    w->ring.len = len / 4;
    if (!igvt_gm_rw(s, start + head, w->ring.dw, first, false) ||
        !igvt_gm_rw(s, start, (uint8_t *)w->ring.dw + first, len - first,
                    false)) {
        return igvt_workload_refuse(w, "ring outside the vGPU's memory",
                                    NULL, 0, start);
    }
    igvt_le_to_cpu(w->ring.dw, w->ring.len);
    w->bytes = len;

    refs = g_new(IgvtBatchRef, max);
    queue = g_new(IgvtBatchRef, max);
    if (!igvt_workload_audit(w, &w->ring, refs, max, &r)) {
        return igvt_workload_refuse(w, r.reason, r.cmd_name, r.header,
                                    r.address ? r.address :
                                    w->ring.addr + r.offset * 4);
    }
    w->ring.len = r.consumed;

    /* Breadth first through every batch reached, each copied once */
    for (;;) {
        for (i = 0; i < r.nr_batches; i++) {
            const IgvtBatchRef *ref = &refs[i];
            unsigned j;
            bool seen = igvt_workload_batch(w, ref->addr, ref->ppgtt,
                                            ref->level);

            for (j = 0; j < nr_queue && !seen; j++) {
                seen = queue[j].addr == ref->addr &&
                       queue[j].ppgtt == ref->ppgtt &&
                       queue[j].level == ref->level;
            }
            if (seen) {
                continue;
            }
            if (nr_queue == max) {
                return igvt_workload_refuse(w, "too many batch buffers",
                                            NULL, 0, ref->addr);
            }
            queue[nr_queue++] = *ref;
        }
        if (next == nr_queue) {
            break;
        }
        if (!igvt_workload_fetch(s, w, &queue[next++], refs, max, &r)) {
            return false;
        }
    }
    return true;
}

void igvt_workload_retire(IgvtState *s, IgvtWorkload *w)
{
    uint32_t base = igvt_engine_mmio_base(w->engine);
    uint64_t gm = w->lrca + IGVT_CTX_STATE_OFFSET + IGVT_CTX_RING_HEAD * 4;
    uint32_t head;

    if (igvt_gm_rw(s, gm, &head, 4, false)) {
        head = (le32_to_cpu(head) & ~IGVT_RING_HEAD_MASK) | w->tail;
        head = cpu_to_le32(head);
        igvt_gm_rw(s, gm, &head, 4, true);
    }
    igvt_reg_set(s, base + IGVT_RING_HEAD, w->tail);
    igvt_reg_set(s, base + IGVT_RING_TAIL, w->tail);
}

void igvt_workload_free(IgvtWorkload *w)
{
    guint i;

    g_free(w->ring.dw);
    if (w->batches) {
        for (i = 0; i < w->batches->len; i++) {
            g_free(g_array_index(w->batches, IgvtCmdBuf, i).dw);
        }
        g_array_free(w->batches, true);
    }
    g_free(w);
}

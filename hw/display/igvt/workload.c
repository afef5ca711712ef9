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

/* Audit @b for @f's engine and slices; its batch starts go to @r */
static bool igvt_batch_audit(const IgvtBatchFetch *f, IgvtCmdBuf *b,
                             IgvtBatchRef *refs, unsigned max,
                             IgvtAuditResult *r)
{
    IgvtAuditPolicy policy;
    const IgvtSlice *sl = f->slice;

    igvt_audit_policy_init(&policy, sl->low_base, sl->low_size,
                           sl->high_base, sl->high_size);
    igvt_audit_result_init(r, refs, max);
    return igvt_cmd_audit(f->engine, b->dw, b->len, b->level, b->ppgtt,
                          &policy, r);
}

static bool igvt_batch_refuse(IgvtRefusal *rf, bool audit, const char *why,
                              const char *cmd, uint32_t header,
                              uint64_t addr)
{
    rf->audit = audit;
    rf->why = why;
    rf->cmd_name = cmd;
    rf->header = header;
    rf->addr = addr;
    return false;
}

/*
 * Copy the batch and audit it: start with what is left of its first page
 * and grow while the audit runs out of commands.
 */
bool igvt_batch_fetch(const IgvtBatchFetch *f, uint64_t addr, bool ppgtt,
                      uint8_t level, size_t max_bytes, size_t *copied,
                      IgvtCmdBuf *out, IgvtBatchRef *refs, unsigned max,
                      IgvtAuditResult *r, IgvtRefusal *rf)
{
    IgvtCmdBuf b = { .addr = addr, .ppgtt = ppgtt, .level = level };
    size_t size = 0, want = IGVT_GTT_PAGE_SIZE - addr % IGVT_GTT_PAGE_SIZE;
    const char *why = NULL;

    *copied = 0;
    for (;;) {
        want = MIN(want, IGVT_WORKLOAD_BATCH_MAX);
        if (want > max_bytes) {
            g_free(b.dw);
            return igvt_batch_refuse(rf, true, "workload copies too much",
                                     NULL, 0, addr);
        }
        b.dw = g_realloc(b.dw, want);
        if (igvt_gpu_mem_rw(f->mem, f->pml4, !b.ppgtt, b.addr + size,
                            (uint8_t *)b.dw + size, want - size, false,
                            f->stop, &why) != IGVT_MEM_OK) {
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
            return igvt_batch_refuse(rf, false, why, NULL, 0, b.addr + size);
        }
        igvt_le_to_cpu((uint32_t *)((uint8_t *)b.dw + size),
                       (want - size) / 4);
        *copied += want - size;
        size = want;
        b.len = size / 4;
        if (igvt_batch_audit(f, &b, refs, max, r)) {
            break;
        }
        if ((r->error != IGVT_CMD_ERR_NO_BB_END &&
             r->error != IGVT_CMD_ERR_OVERRUN) ||
            size >= IGVT_WORKLOAD_BATCH_MAX) {
            g_free(b.dw);
            return igvt_batch_refuse(rf, true, r->reason, r->cmd_name,
                                     r->header, r->address ? r->address :
                                     b.addr + r->offset * 4);
        }
        want = size * 2;
    }
    b.len = r->consumed;
    *out = b;
    return true;
}

/* Fetch the batch at @ref for @w: copied once, within the byte bound */
static bool igvt_workload_fetch(const IgvtBatchFetch *f, IgvtWorkload *w,
                                const IgvtBatchRef *ref, IgvtBatchRef *refs,
                                unsigned max, IgvtAuditResult *r)
{
    IgvtRefusal rf;
    IgvtCmdBuf b;
    size_t copied;
    bool ok;

    ok = igvt_batch_fetch(f, ref->addr, ref->ppgtt, ref->level,
                          IGVT_WORKLOAD_BYTES_MAX - w->bytes, &copied, &b,
                          refs, max, r, &rf);
    w->bytes += copied;
    if (!ok) {
        return igvt_workload_refuse(w, rf.why, rf.cmd_name, rf.header,
                                    rf.addr);
    }
    g_array_append_val(w->batches, b);
    return true;
}

/* The index in w->batches of a batch the workload copied, or -1 */
static int igvt_workload_batch_index(IgvtWorkload *w, uint64_t addr,
                                     bool ppgtt, uint8_t level)
{
    guint i;

    for (i = 0; i < w->batches->len; i++) {
        IgvtCmdBuf *b = &g_array_index(w->batches, IgvtCmdBuf, i);

        if (b->addr == addr && b->ppgtt == ppgtt && b->level == level) {
            return i;
        }
    }
    return -1;
}

const IgvtCmdBuf *igvt_workload_batch(IgvtWorkload *w, uint64_t addr,
                                      bool ppgtt, uint8_t level)
{
    int i = igvt_workload_batch_index(w, addr, ppgtt, level);

    return i < 0 ? NULL : &g_array_index(w->batches, IgvtCmdBuf, i);
}

/* Read or write graphics memory through the GGTT, as the engine does */
static bool igvt_workload_gm(IgvtWorkload *w, uint64_t gm, void *buf,
                             size_t len, bool is_write)
{
    const char *why;

    return igvt_gpu_mem_rw(w->mem, 0, true, gm, buf, len, is_write,
                           &w->cancel, &why) == IGVT_MEM_OK;
}

/* Write dword @idx of the context's register state page */
static void igvt_workload_put_state(IgvtWorkload *w, unsigned idx,
                                    uint32_t val)
{
    uint32_t le = cpu_to_le32(val);

    igvt_workload_gm(w, w->lrca + IGVT_CTX_STATE_OFFSET + idx * 4, &le, 4,
                     true);
}

/* The registers the image saves (context.h), from its state page */
static void igvt_workload_load_regs(IgvtWorkload *w, const uint32_t *state)
{
    unsigned i, dw;

    for (i = 0; i < IGVT_CTX_GPRS; i++) {
        dw = IGVT_CTX_GPR0_LDW + i * IGVT_CTX_GPR_DWORDS;
        w->gpr[i] = state[dw] | (uint64_t)state[dw + IGVT_CTX_GPR_UDW] << 32;
    }
    if (w->engine == IGVT_ENGINE_RCS) {
        w->predicate_result_1 = state[IGVT_CTX_PREDICATE_RESULT_1];
    }
}

/* ... and back, as a context switch saves them */
static void igvt_workload_save_regs(IgvtWorkload *w)
{
    unsigned i, dw;

    for (i = 0; i < IGVT_CTX_GPRS; i++) {
        dw = IGVT_CTX_GPR0_LDW + i * IGVT_CTX_GPR_DWORDS;
        igvt_workload_put_state(w, dw, w->gpr[i]);
        igvt_workload_put_state(w, dw + IGVT_CTX_GPR_UDW, w->gpr[i] >> 32);
    }
    if (w->engine == IGVT_ENGINE_RCS) {
        igvt_workload_put_state(w, IGVT_CTX_PREDICATE_RESULT_1,
                                w->predicate_result_1);
    }
}

/*
 * The batches a context stopped in (the image's batch states with the
 * ACTIVE bit), outermost first, as references to fetch into @queue;
 * returns how many
 */
static unsigned igvt_workload_resume_refs(IgvtWorkload *w,
                                          const uint32_t *state,
                                          IgvtBatchRef *queue)
{
    static const unsigned reg[2][3] = {
        { IGVT_CTX_BB_STATE, IGVT_CTX_BB_HEAD_LDW, IGVT_CTX_BB_HEAD_UDW },
        { IGVT_CTX_BB2_STATE, IGVT_CTX_BB2_HEAD_LDW, IGVT_CTX_BB2_HEAD_UDW },
    };
    unsigned lvl;

    for (lvl = 0; lvl < 2; lvl++) {
        uint32_t st = state[reg[lvl][0]];

        if (!(st & IGVT_CTX_BB_STATE_ACTIVE)) {
            break;
        }
        queue[lvl] = (IgvtBatchRef) {
            .addr = state[reg[lvl][1]] |
                    (uint64_t)state[reg[lvl][2]] << 32,
            .level = lvl ? IGVT_LEVEL_BATCH_2ND : IGVT_LEVEL_BATCH,
            .ppgtt = st & IGVT_CTX_BB_STATE_PPGTT,
        };
    }
    w->nr_resume = lvl;
    return lvl;
}

void igvt_workload_init(IgvtState *s, IgvtEngine e, uint64_t desc,
                        IgvtWorkload *w)
{
    memset(w, 0, sizeof(*w));
    w->engine = e;
    w->slice = s->slice;
    w->mem = &s->gpu_mem;
    w->dma = s->gpu_mem.dma;
    w->lrca = desc & IGVT_CTX_LRCA_MASK;
}

bool igvt_workload_prepare(IgvtWorkload *w)
{
    uint32_t state[IGVT_CTX_STATE_DWORDS];
    g_autofree IgvtBatchRef *refs = NULL;
    g_autofree IgvtBatchRef *queue = NULL;
    unsigned nr_queue = 0, next = 0, max = IGVT_CMD_MAX_BATCHES_PER_WORKLOAD;
    uint32_t head, start, size, len, first;
    IgvtAuditResult r;
    IgvtBatchFetch f = {
        .mem = w->mem,
        .engine = w->engine,
        .slice = &w->slice,
        .stop = &w->cancel,
    };
    unsigned i;

    w->batches = g_array_new(false, false, sizeof(IgvtCmdBuf));
    if (!igvt_workload_gm(w, w->lrca + IGVT_CTX_STATE_OFFSET, state,
                          sizeof(state), false)) {
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
    f.pml4 = w->pml4;
    igvt_workload_load_regs(w, state);
    w->ring_head = head;
    w->ring_size = size;
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
    if (!igvt_workload_gm(w, start + head, w->ring.dw, first, false) ||
        !igvt_workload_gm(w, start, (uint8_t *)w->ring.dw + first,
                          len - first, false)) {
        return igvt_workload_refuse(w, "ring outside the vGPU's memory",
                                    NULL, 0, start);
    }
    igvt_le_to_cpu(w->ring.dw, w->ring.len);
    w->bytes = len;

    refs = g_new(IgvtBatchRef, max);
    queue = g_new(IgvtBatchRef, max);
    /* The batches it stopped in come first (see context.h) */
    nr_queue = igvt_workload_resume_refs(w, state, queue);
    if (!igvt_batch_audit(&f, &w->ring, refs, max, &r)) {
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
        if (!igvt_workload_fetch(&f, w, &queue[next++], refs, max, &r)) {
            return false;
        }
    }
    for (i = 0; i < w->nr_resume; i++) {
        w->resume[i] = igvt_workload_batch_index(w, queue[i].addr,
                                                 queue[i].ppgtt,
                                                 queue[i].level);
    }
    if (w->nr_resume) {
        /* Consumed: the image holds it again only if stopped again */
        igvt_workload_put_state(w, IGVT_CTX_BB_STATE,
                                state[IGVT_CTX_BB_STATE] &
                                ~IGVT_CTX_BB_STATE_ACTIVE);
        igvt_workload_put_state(w, IGVT_CTX_BB2_STATE,
                                state[IGVT_CTX_BB2_STATE] &
                                ~IGVT_CTX_BB_STATE_ACTIVE);
    }
    w->prepared = true;
    return true;
}

void igvt_workload_retire(IgvtState *s, IgvtWorkload *w)
{
    uint32_t base = igvt_engine_mmio_base(w->engine);
    uint64_t gm = w->lrca + IGVT_CTX_STATE_OFFSET + IGVT_CTX_RING_HEAD * 4;
    uint32_t head = w->interrupted ? w->stop_at.ring_head : w->tail;
    const IgvtStopPoint *sp = &w->stop_at;
    uint32_t le;
    unsigned i;

    if (igvt_workload_gm(w, gm, &le, 4, false)) {
        le = cpu_to_le32((le32_to_cpu(le) & ~IGVT_RING_HEAD_MASK) | head);
        igvt_workload_gm(w, gm, &le, 4, true);
    }
    for (i = 0; w->interrupted && i < sp->depth; i++) {
        igvt_workload_put_state(w, i ? IGVT_CTX_BB2_HEAD_LDW :
                                IGVT_CTX_BB_HEAD_LDW, sp->bb[i].addr);
        igvt_workload_put_state(w, i ? IGVT_CTX_BB2_HEAD_UDW :
                                IGVT_CTX_BB_HEAD_UDW, sp->bb[i].addr >> 32);
        igvt_workload_put_state(w, i ? IGVT_CTX_BB2_STATE :
                                IGVT_CTX_BB_STATE,
                                IGVT_CTX_BB_STATE_ACTIVE |
                                (sp->bb[i].ppgtt ?
                                 IGVT_CTX_BB_STATE_PPGTT : 0));
    }
    if (w->regs_dirty) {
        igvt_workload_save_regs(w);
    }
    igvt_reg_set(s, base + IGVT_RING_HEAD, head);
    igvt_reg_set(s, base + IGVT_RING_TAIL, w->tail);
}

void igvt_workload_free(IgvtWorkload *w)
{
    guint i;

    if (w->exec) {
        w->exec_free(w->exec);
    }
    g_free(w->ring.dw);
    if (w->batches) {
        for (i = 0; i < w->batches->len; i++) {
            g_free(g_array_index(w->batches, IgvtCmdBuf, i).dw);
        }
        g_array_free(w->batches, true);
    }
    g_free(w);
}

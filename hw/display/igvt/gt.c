/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: GT-level registers the guest handshakes with before any work is
 * submitted: resets (GDRST, per-engine RESET_CTL), ring stop, forcewake
 * acks, the pcode mailbox and the fence registers.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "igvt.h"
#include "regs.h"
#include "trace.h"

/* GDRST domains (Gen6..9) */

/*
 * A reset completes at once: the engines in the domains drop what they
 * run, and the domain bits read back clear
 */
void igvt_gdrst_write(IgvtState *s, uint32_t offset, uint32_t old,
                      uint32_t val)
{
    uint32_t engines = 0;
    int e;

    trace_igvt_gdrst(val);
    for (e = 0; e < IGVT_NUM_ENGINES; e++) {
        if (val & (R_GDRST_FULL_MASK | igvt_engine_info[e].gdrst_domain)) {
            engines |= BIT(e);
        }
    }
    if (engines) {
        igvt_execlist_engine_reset(s, engines);
    }
    igvt_reg_set(s, offset, 0);
}

/* An engine asked to prepare for reset is ready at once */
uint32_t igvt_reset_ctl_pre_write(IgvtState *s, uint32_t offset,
                                  uint32_t old, uint32_t val)
{
    return val & IGVT_RESET_CTL_REQUEST_RESET ?
           val | IGVT_RESET_CTL_READY_TO_RESET :
           val & ~IGVT_RESET_CTL_READY_TO_RESET;
}

/*
 * Rings are reported idle: the guest stops rings before a reset, which
 * then drops whatever is still running
 */
uint32_t igvt_mi_mode_pre_write(IgvtState *s, uint32_t offset, uint32_t old,
                                uint32_t val)
{
    return val | IGVT_RING_MI_MODE_IDLE;
}

/* Turning on execlists without having read PVINFO: not a GVT-g guest */
void igvt_ring_mode_write(IgvtState *s, uint32_t offset, uint32_t old,
                          uint32_t val)
{
    if ((val & IGVT_RING_MODE_RUN_LIST_ENABLE) && !s->pv_ready) {
        IGVT_GUEST_ERR(igvt_err_not_pv_aware,
                       "execlists enabled (0x%x) before PVINFO was read",
                       offset);
        igvt_enter_failsafe(s, IGVT_FAILSAFE_REASON_UNSUPPORTED_GUEST);
    }
}

/* Forcewake: each domain's ack mirrors its request */
void igvt_forcewake_write(IgvtState *s, uint32_t offset, uint32_t old,
                          uint32_t val)
{
    uint32_t ack;

    switch (offset) {
    case A_FORCEWAKE_RENDER_GEN9:
        ack = A_FORCEWAKE_ACK_RENDER_GEN9;
        break;
    case A_FORCEWAKE_GT_GEN9:
        ack = A_FORCEWAKE_ACK_GT_GEN9;
        break;
    case A_FORCEWAKE_MEDIA_GEN9:
        ack = A_FORCEWAKE_ACK_MEDIA_GEN9;
        break;
    default:
        g_assert_not_reached();
    }
    igvt_reg_set(s, ack, val);
}

/*
 * The pcode mailbox answers at once and successfully.  The few commands
 * whose replies the guest uses get plausible Gen9 answers.
 */
void igvt_pcode_mailbox_write(IgvtState *s, uint32_t offset, uint32_t old,
                              uint32_t val)
{
    uint32_t cmd = FIELD_EX32(val, GEN6_PCODE_MAILBOX, COMMAND);
    uint32_t data = igvt_reg(s, A_GEN6_PCODE_DATA);

    if (!FIELD_EX32(val, GEN6_PCODE_MAILBOX, READY)) {
        return;
    }
    switch (cmd) {
    case IGVT_PCODE_READ_MEM_LATENCY:
        /* Memory latencies in us, four levels per read */
        data = data ? 0x61514b3d : 0x1e1a1100;
        igvt_reg_set(s, A_GEN6_PCODE_DATA1, 0);
        break;
    case IGVT_PCODE_CDCLK_CONTROL:
        data = IGVT_PCODE_CDCLK_READY_FOR_CHANGE;
        break;
    case IGVT_PCODE_READ_RC6VIDS:
        data |= 1;
        break;
    case IGVT_PCODE_SAGV_CONTROL:
        /* There is no SAGV to turn off: report it off when asked */
        if (data == IGVT_PCODE_SAGV_DISABLE) {
            data = IGVT_PCODE_SAGV_IS_DISABLED;
        }
        break;
    default:
        break;
    }
    trace_igvt_pcode(cmd, igvt_reg(s, A_GEN6_PCODE_DATA), data);
    igvt_reg_set(s, A_GEN6_PCODE_DATA, data);
    /* Done, and error code 0: success */
    igvt_reg_set(s, offset, 0);
}

static bool igvt_fence_ok(IgvtState *s, uint32_t offset, bool is_write)
{
    uint32_t index = (offset - IGVT_FENCE_BASE) / 8;

    if (index < s->slice.fence_count) {
        return true;
    }
    IGVT_GUEST_ERR(igvt_err_fence, "%s of fence %u, the vGPU has %u",
                   is_write ? "write" : "read", index, s->slice.fence_count);
    if (!s->pv_ready) {
        igvt_enter_failsafe(s, IGVT_FAILSAFE_REASON_UNSUPPORTED_GUEST);
    }
    return false;
}

bool igvt_fence_find(IgvtState *s, uint64_t gm, IgvtFence *f)
{
    uint32_t i, lo, hi;

    for (i = 0; i < s->slice.fence_count; i++) {
        lo = igvt_reg(s, IGVT_FENCE_LO(i));
        hi = igvt_reg(s, IGVT_FENCE_HI(i));
        f->start = lo & R_FENCE_LO_START_MASK;
        f->end = (uint64_t)(hi & R_FENCE_HI_END_MASK) + IGVT_GTT_PAGE_SIZE;
        if (FIELD_EX32(lo, FENCE_LO, VALID) && gm >= f->start &&
            gm < f->end) {
            f->pitch = (FIELD_EX32(hi, FENCE_HI, PITCH) + 1) *
                       IGVT_FENCE_PITCH_UNIT;
            f->tiling = FIELD_EX32(lo, FENCE_LO, TILING_Y) ? IGVT_TILING_Y :
                        IGVT_TILING_X;
            return true;
        }
    }
    return false;
}

uint64_t igvt_fence_detile(const IgvtFence *f, uint64_t gm, uint64_t *len)
{
    uint64_t off = gm - f->start;
    uint64_t xb = off % f->pitch, y = off / f->pitch;

    /* Bytes contiguous in the tile, and not past the row's end */
    *len = MIN(*len, MIN(igvt_tile_run(f->tiling, xb), f->pitch - xb));
    return f->start + igvt_tile_offset(f->tiling, f->pitch, xb, y);
}

uint32_t igvt_fence_read(IgvtState *s, uint32_t offset)
{
    return igvt_fence_ok(s, offset, false) ? igvt_reg(s, offset) : 0;
}

void igvt_fence_write(IgvtState *s, uint32_t offset, uint32_t old,
                      uint32_t val)
{
    if (!igvt_fence_ok(s, offset, true)) {
        igvt_reg_set(s, offset, old);
        return;
    }
    trace_igvt_fence_write((offset - IGVT_FENCE_BASE) / 8, offset & 4, val);
}

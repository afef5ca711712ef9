/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the PVINFO page (BAR0 + 0x78000), through which the guest's i915
 * recognises a GVT-g vGPU, learns the graphics memory and fences it owns
 * (and balloons the rest away), and sends its notifications.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "igvt.h"
#include "trace.h"

#define IGVT_PVINFO_VERSION     1       /* major 1, minor 0 */
#define IGVT_PVINFO_CAPS        (IGVT_PVINFO_CAP_FULL_PPGTT | \
                                 IGVT_PVINFO_CAP_HWSP_EMULATION | \
                                 IGVT_PVINFO_CAP_HUGE_GTT)

void igvt_pvinfo_reset(IgvtState *s)
{
    igvt_reg_set(s, IGVT_PVINFO_MAGIC_OFF, (uint32_t)IGVT_PVINFO_MAGIC);
    igvt_reg_set(s, IGVT_PVINFO_MAGIC_OFF + 4, IGVT_PVINFO_MAGIC >> 32);
    igvt_reg_set(s, IGVT_PVINFO_VERSION_MAJOR, IGVT_PVINFO_VERSION);
    igvt_reg_set(s, IGVT_PVINFO_VGT_ID, s->id);
    igvt_reg_set(s, IGVT_PVINFO_VGT_CAPS, IGVT_PVINFO_CAPS);
    igvt_reg_set(s, IGVT_PVINFO_APERTURE_BASE, s->slice.low_base);
    igvt_reg_set(s, IGVT_PVINFO_APERTURE_SIZE, s->slice.low_size);
    igvt_reg_set(s, IGVT_PVINFO_HIDDEN_BASE, s->slice.high_base);
    igvt_reg_set(s, IGVT_PVINFO_HIDDEN_SIZE, s->slice.high_size);
    igvt_reg_set(s, IGVT_PVINFO_FENCE_NUM, s->slice.fence_count);
    s->pv_ready = false;
}

/* Any read of PVINFO tells that the guest driver knows it runs on a vGPU */
uint32_t igvt_pvinfo_read(IgvtState *s, uint32_t offset)
{
    if (!s->pv_ready) {
        s->pv_ready = true;
        trace_igvt_pvinfo_ready();
    }
    return igvt_reg(s, offset);
}

void igvt_pvinfo_display_ready_write(IgvtState *s, uint32_t offset,
                                     uint32_t old, uint32_t val)
{
    trace_igvt_pvinfo_display_ready(val);
}

/* The guest writes here when the resources it was given are not enough */
void igvt_pvinfo_rsv5_write(IgvtState *s, uint32_t offset, uint32_t old,
                            uint32_t val)
{
    IGVT_GUEST_ERR(igvt_err_pvinfo_insufficient,
                   "guest reports insufficient resources (0x%x at 0x%x)",
                   val, offset);
    igvt_enter_failsafe(s, IGVT_FAILSAFE_REASON_INSUFFICIENT_RESOURCE);
}

void igvt_pvinfo_g2v_write(IgvtState *s, uint32_t offset, uint32_t old,
                           uint32_t val)
{
    uint64_t pdp0 = igvt_reg(s, IGVT_PVINFO_PDP) |
                    (uint64_t)igvt_reg(s, IGVT_PVINFO_PDP + 4) << 32;

    switch (val) {
    case IGVT_G2V_PPGTT_L3_CREATE:
    case IGVT_G2V_PPGTT_L3_DESTROY:
    case IGVT_G2V_PPGTT_L4_CREATE:
    case IGVT_G2V_PPGTT_L4_DESTROY:
    case IGVT_G2V_EXECLIST_CREATE:
    case IGVT_G2V_EXECLIST_DESTROY:
        /* PPGTT shadowing consumes these; recorded for now */
        trace_igvt_pvinfo_g2v(val, pdp0);
        break;
    default:
        IGVT_GUEST_ERR(igvt_err_pvinfo_g2v, "unknown g2v notification %u",
                       val);
        break;
    }
}

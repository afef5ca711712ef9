/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the engines and display ports of a Gen9 GT2 part (hwinfo.h).
 *
 * Facts from the Linux i915 driver (gt/intel_engine_cs.c, i915_reg.h,
 * display/intel_dp_aux.c, display/intel_hotplug_irq.c,
 * display/intel_bios.c and intel_vbt_defs.h).
 */

#include "qemu/osdep.h"
#include "hwinfo.h"
#include "regs.h"

const IgvtEngineInfo igvt_engine_info[IGVT_ENGINE__MAX] = {
    [IGVT_ENGINE_RCS] = { "rcs", IGVT_RCS_BASE, 0, 0,
                          R_GDRST_RENDER_MASK },
    [IGVT_ENGINE_BCS] = { "bcs", IGVT_BCS_BASE, 0, 16,
                          R_GDRST_BLT_MASK },
    [IGVT_ENGINE_VCS] = { "vcs0", IGVT_VCS0_BASE, 1, 0,
                          R_GDRST_MEDIA_MASK },
    [IGVT_ENGINE_VECS] = { "vecs", IGVT_VECS_BASE, 3, 0,
                           R_GDRST_VECS_MASK },
    [IGVT_ENGINE_VCS2] = { "vcs1", IGVT_VCS1_BASE, 1, 16,
                           R_GDRST_MEDIA2_MASK },
};

int igvt_engine_of_offset(uint32_t offset)
{
    int e;

    for (e = 0; e < IGVT_ENGINE__MAX; e++) {
        if (offset - igvt_engine_info[e].mmio_base < IGVT_ENGINE_MMIO_SIZE) {
            return e;
        }
    }
    return -1;
}

/*
 * DDI E has no AUX channel and no DDC pins on Skylake and Kaby Lake: it
 * shares DDI A's lanes, so the VBT gives it DDI A's handle and AUX A.
 * Handles follow GVT-g: DDI A-D are external flat panels 1-4.  The DDC
 * pin is the GMBUS pin pair (SPT: i915 uses the VBT value as it is,
 * map_ddc_pin()); i915 reads it only for HDMI/DVI children, so for the
 * VBT's DP children it documents the wiring, and igvt's GMBUS answers the
 * monitor's EDID on it.
 */
const IgvtPortInfo igvt_port_info[IGVT_PORT__MAX] = {
    [IGVT_PORT_A] = {
        .name = 'A', .sde_hotplug = IGVT_SDE_PORTA_HOTPLUG,
        .hotplug_reg = A_PCH_PORT_HOTPLUG, .hotplug_long = 2u << 24,
        .aux_port = IGVT_PORT_A, .aux_irq = 1u << 0, .ddc_pin = 0,
        .vbt_handle = 0x0004, .vbt_dvo_port = 10, .vbt_aux_channel = 0x40,
    },
    [IGVT_PORT_B] = {
        .name = 'B', .sde_hotplug = IGVT_SDE_PORTB_HOTPLUG,
        .hotplug_reg = A_PCH_PORT_HOTPLUG, .hotplug_long = 2u << 0,
        .aux_port = IGVT_PORT_B, .aux_irq = 1u << 25, .ddc_pin = 5,
        .vbt_handle = 0x0040, .vbt_dvo_port = 7, .vbt_aux_channel = 0x10,
    },
    [IGVT_PORT_C] = {
        .name = 'C', .sde_hotplug = IGVT_SDE_PORTC_HOTPLUG,
        .hotplug_reg = A_PCH_PORT_HOTPLUG, .hotplug_long = 2u << 8,
        .aux_port = IGVT_PORT_C, .aux_irq = 1u << 26, .ddc_pin = 4,
        .vbt_handle = 0x0020, .vbt_dvo_port = 8, .vbt_aux_channel = 0x20,
    },
    [IGVT_PORT_D] = {
        .name = 'D', .sde_hotplug = IGVT_SDE_PORTD_HOTPLUG,
        .hotplug_reg = A_PCH_PORT_HOTPLUG, .hotplug_long = 2u << 16,
        .aux_port = IGVT_PORT_D, .aux_irq = 1u << 27, .ddc_pin = 6,
        .vbt_handle = 0x0010, .vbt_dvo_port = 9, .vbt_aux_channel = 0x30,
    },
    [IGVT_PORT_E] = {
        .name = 'E', .sde_hotplug = IGVT_SDE_PORTE_HOTPLUG,
        .hotplug_reg = A_PCH_PORT_HOTPLUG2, .hotplug_long = 2u << 0,
        .aux_port = IGVT_PORT_A, .aux_irq = 0, .ddc_pin = 0,
        .vbt_handle = 0x0004, .vbt_dvo_port = 11, .vbt_aux_channel = 0x40,
    },
};

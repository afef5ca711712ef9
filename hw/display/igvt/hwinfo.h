/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the engines and display ports of a Gen9 GT2 part, one table each.
 *
 * Everything igvt knows about an engine (its name, MMIO base, interrupt
 * bits, reset domain) or a DDI port (hotplug, AUX and GMBUS wiring, how
 * the VBT describes it) is written here once; the device, the pure
 * logic and the tests read it from these tables.  No state.
 */

#ifndef HW_DISPLAY_IGVT_HWINFO_H
#define HW_DISPLAY_IGVT_HWINFO_H

/* Command streamers of a Gen9 GT (VCS2 only with a second VDBOX) */
typedef enum IgvtEngine {
    IGVT_ENGINE_RCS,            /* render */
    IGVT_ENGINE_BCS,            /* blitter */
    IGVT_ENGINE_VCS,            /* video */
    IGVT_ENGINE_VECS,           /* video enhancement */
    IGVT_ENGINE_VCS2,           /* second video: VCS commands */
    IGVT_ENGINE__MAX,
} IgvtEngine;

#define IGVT_ENGINE_BIT(e)      (1u << (e))
#define IGVT_ENGINES_ALL        ((1u << IGVT_ENGINE__MAX) - 1)
/* The engines a GT2 part has, and so the vGPU: the first four */
#define IGVT_NUM_ENGINES        IGVT_ENGINE_VCS2

typedef struct IgvtEngineInfo {
    const char *name;           /* as QMP and traces show it */
    uint32_t mmio_base;
    uint8_t gt_bank;            /* GT interrupt bank (GEN8_GT_IIR n) ... */
    uint8_t irq_shift;          /* ... and the engine's bits in it */
    uint32_t gdrst_domain;      /* its GDRST reset domain bit */
} IgvtEngineInfo;

extern const IgvtEngineInfo igvt_engine_info[IGVT_ENGINE__MAX];

/* Engine name and MMIO base; NULL and 0 when out of range */
static inline const char *igvt_engine_name(IgvtEngine e)
{
    return (unsigned)e < IGVT_ENGINE__MAX ? igvt_engine_info[e].name : NULL;
}

static inline uint32_t igvt_engine_mmio_base(IgvtEngine e)
{
    return (unsigned)e < IGVT_ENGINE__MAX ? igvt_engine_info[e].mmio_base : 0;
}

/* The engine whose register block holds MMIO offset @offset, or -1 */
int igvt_engine_of_offset(uint32_t offset);

/* DDI ports A-E */
typedef enum IgvtPort {
    IGVT_PORT_A,
    IGVT_PORT_B,
    IGVT_PORT_C,
    IGVT_PORT_D,
    IGVT_PORT_E,
    IGVT_PORT__MAX
} IgvtPort;

typedef struct IgvtPortInfo {
    char name;                  /* 'A'.. */
    uint32_t sde_hotplug;       /* south display interrupt of its hotplug */
    uint32_t hotplug_reg;       /* PCH_PORT_HOTPLUG(2) and its long pulse */
    uint32_t hotplug_long;
    IgvtPort aux_port;          /* the AUX channel that serves it */
    uint32_t aux_irq;           /* DE port interrupt of that channel */
    uint8_t ddc_pin;            /* GMBUS pin pair of its DDC, 0: none */
    /* How the VBT describes it */
    uint16_t vbt_handle;        /* child device handle */
    uint8_t vbt_dvo_port;       /* DVO_PORT_DPx */
    uint8_t vbt_aux_channel;    /* DP_AUX_x */
} IgvtPortInfo;

extern const IgvtPortInfo igvt_port_info[IGVT_PORT__MAX];

#endif /* HW_DISPLAY_IGVT_HWINFO_H */

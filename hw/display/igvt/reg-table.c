/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the table of tracked registers.
 *
 * This is the one place that says which MMIO offsets igvt knows, their
 * reset values, how writes behave, and which handler (defined with its
 * concern) runs.  Offsets not listed here are plain virtual registers.
 * Reset values describe a Gen9 GT2 part that has just come out of reset
 * with its firmware-set fuses; there is no hardware snapshot behind them.
 */

#include "qemu/osdep.h"
#include "igvt.h"
#include "regs.h"

#define REG(_name, _off, ...) \
    { .name = (_name), .offset = (_off), .size = 4, __VA_ARGS__ }
#define BLOCK(_name, _off, _size, ...) \
    { .name = (_name), .offset = (_off), .size = (_size), __VA_ARGS__ }
#define RO(_name, _off, _reset) \
    REG(_name, _off, .reset = (_reset), .flags = IGVT_REG_RO)
#define MASKED(_name, _off, ...) \
    REG(_name, _off, .flags = IGVT_REG_MASKED, __VA_ARGS__)
#define W1C(_name, _off, ...) \
    REG(_name, _off, .w1c_mask = UINT32_MAX, __VA_ARGS__)

/* The registers every command streamer has, at its MMIO base */
#define ENGINE_REGS(_e, _base) \
    MASKED(_e "_MI_MODE", (_base) + IGVT_RING_MI_MODE, \
           .reset = IGVT_RING_MI_MODE_IDLE, \
           .ro_mask = IGVT_RING_MI_MODE_IDLE, \
           .pre_write = igvt_mi_mode_pre_write), \
    MASKED(_e "_RESET_CTL", (_base) + IGVT_RING_RESET_CTL, \
           .ro_mask = IGVT_RESET_CTL_READY_TO_RESET, \
           .pre_write = igvt_reset_ctl_pre_write), \
    MASKED(_e "_MODE", (_base) + IGVT_RING_MODE, \
           .write = igvt_ring_mode_write), \
    MASKED(_e "_INSTPM", (_base) + IGVT_RING_INSTPM), \
    MASKED(_e "_PSMI_CTL", (_base) + IGVT_RING_PSMI_CTL), \
    MASKED(_e "_CSB_PTR", (_base) + IGVT_RING_CSB_PTR, .reset = 0x7), \
    REG(_e "_ELSP", (_base) + IGVT_RING_ELSP, .write = igvt_elsp_write), \
    REG(_e "_RING_TAIL", (_base) + IGVT_RING_TAIL), \
    REG(_e "_RING_HEAD", (_base) + IGVT_RING_HEAD), \
    REG(_e "_RING_START", (_base) + IGVT_RING_START), \
    REG(_e "_RING_CTL", (_base) + IGVT_RING_CTL), \
    REG(_e "_HWS_PGA", (_base) + IGVT_RING_HWS_PGA), \
    BLOCK(_e "_CSB", (_base) + IGVT_RING_CSB, 12 * 4, .flags = IGVT_REG_RO)

/* An interrupt register set: ISR read-only, IIR write-1-to-clear */
#define IRQ_REGS(_n, _isr, _imr, _iir, _ier) \
    RO(_n "_ISR", _isr, 0), \
    REG(_n "_IMR", _imr, .reset = UINT32_MAX, .write = igvt_irq_reg_write), \
    W1C(_n "_IIR", _iir, .write = igvt_irq_reg_write), \
    REG(_n "_IER", _ier, .write = igvt_irq_reg_write)

#define PVINFO_RO(_name, _off) \
    REG("PVINFO_" _name, _off, .flags = IGVT_REG_RO, .read = igvt_pvinfo_read)

/* A pipe: timings, transcoder, frame counter, cursor and planes */
#define PLANE_REG(_name, _p, _n, _base, ...) \
    REG("PLANE_" #_name "_" #_n "_" _p, (_base) + A_PLANE_##_name##_1_A + \
        ((_n) - 1) * IGVT_PLANE_STRIDE, __VA_ARGS__)
#define PLANE_REGS(_p, _n, _base) \
    PLANE_REG(CTL, _p, _n, _base), \
    PLANE_REG(STRIDE, _p, _n, _base), \
    PLANE_REG(POS, _p, _n, _base), \
    PLANE_REG(SIZE, _p, _n, _base), \
    PLANE_REG(OFFSET, _p, _n, _base), \
    PLANE_REG(SURF, _p, _n, _base, .write = igvt_plane_surf_write), \
    PLANE_REG(SURFLIVE, _p, _n, _base, .flags = IGVT_REG_RO)
#define PIPE_REG(_name, _p, _i, ...) \
    REG(#_name "_" _p, A_##_name##_A + (_i) * IGVT_PIPE_STRIDE, __VA_ARGS__)
#define PIPE_REGS(_p, _i) \
    PIPE_REG(HTOTAL, _p, _i), \
    PIPE_REG(VTOTAL, _p, _i), \
    PIPE_REG(PIPESRC, _p, _i), \
    PIPE_REG(PIPE_LINK_M1, _p, _i), \
    PIPE_REG(PIPE_LINK_N1, _p, _i), \
    PIPE_REG(TRANS_DDI_FUNC_CTL, _p, _i), \
    REG("TRANSCONF_" _p, A_TRANSCONF_A + (_i) * IGVT_PIPE_STRIDE, \
        .pre_write = igvt_transconf_pre_write, \
        .write = igvt_transconf_write), \
    REG("PIPE_FRMCOUNT_" _p, A_PIPE_FRMCOUNT_A + (_i) * IGVT_PIPE_STRIDE, \
        .flags = IGVT_REG_RO, .read = igvt_frmcount_read), \
    RO("PIPE_FLIPCOUNT_" _p, A_PIPE_FLIPCOUNT_A + (_i) * IGVT_PIPE_STRIDE, \
       0), \
    REG("PIPEDSL_" _p, A_PIPEDSL_A + (_i) * IGVT_PIPE_STRIDE, \
        .flags = IGVT_REG_RO, .read = igvt_pipedsl_read), \
    BLOCK("LGC_PALETTE_" _p, IGVT_LGC_PALETTE(_i), IGVT_LGC_PALETTE_SIZE, \
          .write = igvt_palette_write), \
    PIPE_REG(CUR_CTL, _p, _i), \
    REG("CUR_BASE_" _p, A_CUR_BASE_A + (_i) * IGVT_PIPE_STRIDE, \
        .write = igvt_cur_base_write), \
    PIPE_REG(CUR_POS, _p, _i), \
    RO("CUR_SURFLIVE_" _p, A_CUR_SURFLIVE_A + (_i) * IGVT_PIPE_STRIDE, 0), \
    PLANE_REGS(_p, 1, (_i) * IGVT_PIPE_STRIDE), \
    PLANE_REGS(_p, 2, (_i) * IGVT_PIPE_STRIDE), \
    PLANE_REGS(_p, 3, (_i) * IGVT_PIPE_STRIDE)

/* A DDI port: buffer, AUX channel, DP transport; idle until enabled */
#define PORT_REGS(_p, _i) \
    REG("DP_AUX_CH_CTL_" _p, A_DP_AUX_CH_CTL_A + (_i) * IGVT_PORT_STRIDE, \
        .w1c_mask = R_DP_AUX_CH_CTL_DONE_MASK | \
                    R_DP_AUX_CH_CTL_TIME_OUT_ERROR_MASK | \
                    R_DP_AUX_CH_CTL_RECEIVE_ERROR_MASK, \
        .write = igvt_aux_ctl_write), \
    BLOCK("DP_AUX_CH_DATA_" _p, \
          A_DP_AUX_CH_DATA1_A + (_i) * IGVT_PORT_STRIDE, \
          IGVT_DP_AUX_CH_DATA_REGS * 4), \
    REG("DDI_BUF_CTL_" _p, A_DDI_BUF_CTL_A + (_i) * IGVT_PORT_STRIDE, \
        .reset = R_DDI_BUF_CTL_IS_IDLE_MASK, \
        .ro_mask = R_DDI_BUF_CTL_IS_IDLE_MASK, \
        .pre_write = igvt_ddi_buf_pre_write), \
    REG("DP_TP_CTL_" _p, A_DP_TP_CTL_A + (_i) * IGVT_PORT_STRIDE, \
        .write = igvt_dp_tp_ctl_write), \
    W1C("DP_TP_STATUS_" _p, A_DP_TP_STATUS_A + (_i) * IGVT_PORT_STRIDE, \
        .ro_mask = R_DP_TP_STATUS_IDLE_DONE_MASK)

const IgvtRegInfo igvt_reg_table[] = {
    /* PVINFO: the page the guest's vGPU detection and ballooning read */
    PVINFO_RO("MAGIC_LO", IGVT_PVINFO_MAGIC_OFF),
    PVINFO_RO("MAGIC_HI", IGVT_PVINFO_MAGIC_OFF + 4),
    PVINFO_RO("VERSION", IGVT_PVINFO_VERSION_MAJOR),
    PVINFO_RO("VGT_ID", IGVT_PVINFO_VGT_ID),
    PVINFO_RO("VGT_CAPS", IGVT_PVINFO_VGT_CAPS),
    PVINFO_RO("APERTURE_BASE", IGVT_PVINFO_APERTURE_BASE),
    PVINFO_RO("APERTURE_SIZE", IGVT_PVINFO_APERTURE_SIZE),
    PVINFO_RO("HIDDEN_BASE", IGVT_PVINFO_HIDDEN_BASE),
    PVINFO_RO("HIDDEN_SIZE", IGVT_PVINFO_HIDDEN_SIZE),
    PVINFO_RO("FENCE_NUM", IGVT_PVINFO_FENCE_NUM),
    REG("PVINFO_DISPLAY_READY", IGVT_PVINFO_DISPLAY_READY,
        .write = igvt_pvinfo_display_ready_write),
    BLOCK("PVINFO_RSV5", IGVT_PVINFO_RSV5, 16,
          .write = igvt_pvinfo_rsv5_write),
    REG("PVINFO_G2V_NOTIFY", IGVT_PVINFO_G2V_NOTIFY,
        .write = igvt_pvinfo_g2v_write),
    REG("PVINFO_CURSOR_X_HOT", IGVT_PVINFO_CURSOR_X_HOT, .reset = UINT32_MAX),
    REG("PVINFO_CURSOR_Y_HOT", IGVT_PVINFO_CURSOR_Y_HOT, .reset = UINT32_MAX),
    BLOCK("PVINFO_PDP", IGVT_PVINFO_PDP, 32),
    REG("PVINFO_EXECLIST_DESC_LO", IGVT_PVINFO_EXECLIST_DESC_LO),
    REG("PVINFO_EXECLIST_DESC_HI", IGVT_PVINFO_EXECLIST_DESC_HI),

    /* Command streamers */
    ENGINE_REGS("RCS", IGVT_RCS_BASE),
    ENGINE_REGS("BCS", IGVT_BCS_BASE),
    ENGINE_REGS("VCS0", IGVT_VCS0_BASE),
    ENGINE_REGS("VECS", IGVT_VECS_BASE),

    /* Reset, flush, forcewake */
    REG("GDRST", A_GDRST, .write = igvt_gdrst_write),
    /*
     * TLB invalidation completes at once: the backend's translations are
     * looked up at use, so there is nothing cached to drop
     */
    BLOCK("TLB_INVALIDATE", A_GEN8_RTCR, 0x14,
          .pre_write = igvt_reg_self_clear),
    REG("GFX_FLSH_CNTL", A_GFX_FLSH_CNTL),
    MASKED("FORCEWAKE_RENDER_GEN9", A_FORCEWAKE_RENDER_GEN9,
           .write = igvt_forcewake_write),
    MASKED("FORCEWAKE_GT_GEN9", A_FORCEWAKE_GT_GEN9,
           .write = igvt_forcewake_write),
    MASKED("FORCEWAKE_MEDIA_GEN9", A_FORCEWAKE_MEDIA_GEN9,
           .write = igvt_forcewake_write),
    RO("FORCEWAKE_ACK_RENDER_GEN9", A_FORCEWAKE_ACK_RENDER_GEN9, 0),
    RO("FORCEWAKE_ACK_GT_GEN9", A_FORCEWAKE_ACK_GT_GEN9, 0),
    RO("FORCEWAKE_ACK_MEDIA_GEN9", A_FORCEWAKE_ACK_MEDIA_GEN9, 0),
    W1C("GTFIFODBG", A_GTFIFODBG),
    REG("GTFIFOCTL", A_GTFIFOCTL, .reset = 0x7f,
        .ro_mask = R_GTFIFOCTL_FREE_ENTRIES_MASK),
    W1C("FPGA_DBG", A_FPGA_DBG),
    RO("GUC_STATUS", A_GUC_STATUS, R_GUC_STATUS_MIA_IN_RESET_MASK),

    /* Fuses and capabilities: 1 slice, 3 subslices x 8 EUs, no eDRAM */
    RO("GEN8_FUSE2", A_GEN8_FUSE2,
       (1u << R_GEN8_FUSE2_S_ENA_SHIFT) | (0x8u << R_GEN8_FUSE2_SS_DIS_SHIFT)),
    RO("GEN9_EU_DISABLE0", A_GEN9_EU_DISABLE0, 0),
    RO("GEN9_EU_DISABLE1", A_GEN9_EU_DISABLE1, 0),
    RO("GEN9_EU_DISABLE2", A_GEN9_EU_DISABLE2, 0),
    RO("HSW_EDRAM_CAP", A_HSW_EDRAM_CAP, 0),

    /* Clocks, frequencies (units of 50 MHz: 300..1100 MHz), pcode */
    REG("RPM_CONFIG0", A_RPM_CONFIG0),
    /*
     * Timestamps count the 24 MHz crystal >> (3 - shift): shift 2 gives
     * Skylake's 12 MHz, the rate the software GPU's RING_TIMESTAMP runs at
     */
    REG("CTC_MODE", A_CTC_MODE, .reset = 2 << 1),
    RO("GEN6_RP_STATE_CAP", A_GEN6_RP_STATE_CAP,
       (22u << R_GEN6_RP_STATE_CAP_RP0_SHIFT) |
       (11u << R_GEN6_RP_STATE_CAP_RP1_SHIFT) |
       (6u << R_GEN6_RP_STATE_CAP_RPN_SHIFT)),
    REG("GEN6_PCODE_MAILBOX", A_GEN6_PCODE_MAILBOX,
        .write = igvt_pcode_mailbox_write),
    REG("GEN6_PCODE_DATA", A_GEN6_PCODE_DATA),
    REG("GEN6_PCODE_DATA1", A_GEN6_PCODE_DATA1),

    /* Interrupts */
    REG("GEN8_MASTER_IRQ", A_GEN8_MASTER_IRQ,
        .ro_mask = ~R_GEN8_MASTER_IRQ_CONTROL_MASK,
        .write = igvt_irq_reg_write),
    IRQ_REGS("GT0", IGVT_GEN8_GT_ISR(0), IGVT_GEN8_GT_IMR(0),
             IGVT_GEN8_GT_IIR(0), IGVT_GEN8_GT_IER(0)),
    IRQ_REGS("GT1", IGVT_GEN8_GT_ISR(1), IGVT_GEN8_GT_IMR(1),
             IGVT_GEN8_GT_IIR(1), IGVT_GEN8_GT_IER(1)),
    IRQ_REGS("GT2", IGVT_GEN8_GT_ISR(2), IGVT_GEN8_GT_IMR(2),
             IGVT_GEN8_GT_IIR(2), IGVT_GEN8_GT_IER(2)),
    IRQ_REGS("GT3", IGVT_GEN8_GT_ISR(3), IGVT_GEN8_GT_IMR(3),
             IGVT_GEN8_GT_IIR(3), IGVT_GEN8_GT_IER(3)),
    IRQ_REGS("DE_PIPE_A", IGVT_GEN8_DE_PIPE_ISR(0), IGVT_GEN8_DE_PIPE_IMR(0),
             IGVT_GEN8_DE_PIPE_IIR(0), IGVT_GEN8_DE_PIPE_IER(0)),
    IRQ_REGS("DE_PIPE_B", IGVT_GEN8_DE_PIPE_ISR(1), IGVT_GEN8_DE_PIPE_IMR(1),
             IGVT_GEN8_DE_PIPE_IIR(1), IGVT_GEN8_DE_PIPE_IER(1)),
    IRQ_REGS("DE_PIPE_C", IGVT_GEN8_DE_PIPE_ISR(2), IGVT_GEN8_DE_PIPE_IMR(2),
             IGVT_GEN8_DE_PIPE_IIR(2), IGVT_GEN8_DE_PIPE_IER(2)),
    IRQ_REGS("DE_PORT", A_GEN8_DE_PORT_ISR, A_GEN8_DE_PORT_IMR,
             A_GEN8_DE_PORT_IIR, A_GEN8_DE_PORT_IER),
    IRQ_REGS("DE_MISC", A_GEN8_DE_MISC_ISR, A_GEN8_DE_MISC_IMR,
             A_GEN8_DE_MISC_IIR, A_GEN8_DE_MISC_IER),
    IRQ_REGS("PCU", A_GEN8_PCU_ISR, A_GEN8_PCU_IMR, A_GEN8_PCU_IIR,
             A_GEN8_PCU_IER),
    IRQ_REGS("SDE", A_SDEISR, A_SDEIMR, A_SDEIIR, A_SDEIER),

    /* Display: fuses, power wells, DBUF, clocks */
    RO("SKL_FUSE_STATUS", A_SKL_FUSE_STATUS,
       R_SKL_FUSE_STATUS_DOWNLOAD_MASK | R_SKL_FUSE_STATUS_PG0_DIST_MASK |
       R_SKL_FUSE_STATUS_PG1_DIST_MASK | R_SKL_FUSE_STATUS_PG2_DIST_MASK),
    REG("HSW_PWR_WELL_CTL1", A_HSW_PWR_WELL_CTL1,
        .ro_mask = IGVT_PWR_WELL_STATES, .write = igvt_pwr_well_write),
    REG("HSW_PWR_WELL_CTL2", A_HSW_PWR_WELL_CTL2,
        .ro_mask = IGVT_PWR_WELL_STATES, .write = igvt_pwr_well_write),
    REG("HSW_PWR_WELL_CTL3", A_HSW_PWR_WELL_CTL3,
        .ro_mask = IGVT_PWR_WELL_STATES, .write = igvt_pwr_well_write),
    REG("HSW_PWR_WELL_CTL4", A_HSW_PWR_WELL_CTL4,
        .ro_mask = IGVT_PWR_WELL_STATES, .write = igvt_pwr_well_write),
    REG("DBUF_CTL", A_DBUF_CTL, .pre_write = igvt_dbuf_pre_write),
    REG("CDCLK_CTL", A_CDCLK_CTL),
    /* The CDCLK PLL locked on DPLL0 (VCO 8100), as the firmware leaves it */
    REG("LCPLL1_CTL", A_LCPLL1_CTL, .reset = IGVT_PLL_ENABLE | IGVT_PLL_LOCK,
        .pre_write = igvt_pll_pre_write),
    REG("LCPLL2_CTL", A_LCPLL2_CTL, .pre_write = igvt_pll_pre_write),
    REG("WRPLL_CTL1", A_WRPLL_CTL1, .pre_write = igvt_pll_pre_write),
    REG("WRPLL_CTL2", A_WRPLL_CTL2, .pre_write = igvt_pll_pre_write),
    /* DPLL0 programmed (override) for an 810 MHz link rate: VCO 8100 */
    REG("DPLL_CTRL1", A_DPLL_CTRL1,
        .reset = IGVT_DPLL_CTRL1_OVERRIDE(0) |
                 IGVT_DPLL_LINK_RATE_810 << IGVT_DPLL_CTRL1_LINK_RATE_SHIFT(0)),
    REG("DPLL_CTRL2", A_DPLL_CTRL2),
    REG("DPLL_STATUS", A_DPLL_STATUS, .flags = IGVT_REG_RO,
        .read = igvt_dpll_status_read),

    /* Pipes and transcoders */
    PIPE_REGS("A", 0),
    PIPE_REGS("B", 1),
    PIPE_REGS("C", 2),
    REG("TRANSCONF_EDP", A_TRANSCONF_EDP,
        .pre_write = igvt_transconf_pre_write),

    /* DDI ports */
    PORT_REGS("A", 0),
    PORT_REGS("B", 1),
    PORT_REGS("C", 2),
    PORT_REGS("D", 3),
    PORT_REGS("E", 4),
    REG("EDP_PSR_IMR", A_EDP_PSR_IMR, .reset = UINT32_MAX),
    W1C("EDP_PSR_IIR", A_EDP_PSR_IIR),

    /* South display: hotplug, sideband, panel power; DRAM for bandwidth */
    REG("SFUSE_STRAP", A_SFUSE_STRAP),
    /* Hotplug pulse status bits clear when the guest writes them back */
    REG("PCH_PORT_HOTPLUG", A_PCH_PORT_HOTPLUG,
        .w1c_mask = IGVT_PCH_HOTPLUG_STATUS),
    REG("PCH_PORT_HOTPLUG2", A_PCH_PORT_HOTPLUG2,
        .w1c_mask = IGVT_PCH_HOTPLUG2_STATUS),
    REG("SBI_CTL_STAT", A_SBI_CTL_STAT, .pre_write = igvt_sbi_pre_write),
    BLOCK("GMBUS0-4", A_GMBUS0, 0x14, .read = igvt_gmbus_reg_read,
          .write = igvt_gmbus_reg_write),
    REG("GMBUS5", A_GMBUS0 + 0x20, .read = igvt_gmbus_reg_read,
        .write = igvt_gmbus_reg_write),
    RO("PCH_PP_STATUS", A_PCH_PP_STATUS, 0),
    REG("PCH_PP_CONTROL", A_PCH_PP_CONTROL, .write = igvt_pp_control_write),
    RO("SKL_MAD_INTER_CHANNEL", A_SKL_MAD_INTER_CHANNEL, 0),
    RO("SKL_MAD_DIMM_CH0", A_SKL_MAD_DIMM_CH0, 8),
    RO("SKL_MAD_DIMM_CH1", A_SKL_MAD_DIMM_CH1, 8),

    /* Legacy VGA */
    REG("VGACNTRL", A_VGACNTRL, .write = igvt_vgacntrl_write),

    /* Fences: the guest sees its own fences from index 0 */
    BLOCK("FENCE", IGVT_FENCE_BASE, IGVT_FENCE_MAX * 8,
          .read = igvt_fence_read, .write = igvt_fence_write),

    /* Chicken and mode registers written with a write-enable mask */
    MASKED("GEN7_FF_SLICE_CS_CHICKEN1", A_GEN7_FF_SLICE_CS_CHICKEN1),
    MASKED("GEN9_CS_DEBUG_MODE1", A_GEN9_CS_DEBUG_MODE1),
    MASKED("GEN9_CSFE_CHICKEN1_RCS", A_GEN9_CSFE_CHICKEN1_RCS),
    MASKED("GEN8_CS_CHICKEN1", A_GEN8_CS_CHICKEN1),
    MASKED("CACHE_MODE_0_GEN7", A_CACHE_MODE_0_GEN7),
    MASKED("CACHE_MODE_1", A_CACHE_MODE_1),
    MASKED("GEN7_GT_MODE", A_GEN7_GT_MODE),
    MASKED("COMMON_SLICE_CHICKEN2", A_COMMON_SLICE_CHICKEN2),
    MASKED("HDC_CHICKEN0", A_HDC_CHICKEN0),
    MASKED("GEN8_HALF_SLICE_CHICKEN1", A_GEN8_HALF_SLICE_CHICKEN1),
    MASKED("HALF_SLICE_CHICKEN3", A_HALF_SLICE_CHICKEN3),
    MASKED("GEN9_HALF_SLICE_CHICKEN5", A_GEN9_HALF_SLICE_CHICKEN5),
    MASKED("GEN9_HALF_SLICE_CHICKEN7", A_GEN9_HALF_SLICE_CHICKEN7),
    MASKED("GEN8_ROW_CHICKEN", A_GEN8_ROW_CHICKEN),
    MASKED("GEN7_ROW_CHICKEN2", A_GEN7_ROW_CHICKEN2),
    MASKED("GEN9_SLICE_COMMON_ECO_CHICKEN0", A_GEN9_SLICE_COMMON_ECO_CHICKEN0),
    MASKED("GEN9_SLICE_COMMON_ECO_CHICKEN1", A_GEN9_SLICE_COMMON_ECO_CHICKEN1),
};

const size_t igvt_reg_table_size = ARRAY_SIZE(igvt_reg_table);

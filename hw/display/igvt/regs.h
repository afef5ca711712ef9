/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: Gen9 MMIO register offsets and fields.
 *
 * Definitions only, no state: the register table (reg-table.c) and the
 * handlers of each concern use these, and so may tests.  Offsets and bit
 * meanings are facts of the Gen9 (Skylake/Kaby Lake) hardware as the Linux
 * i915 driver uses it.
 */

#ifndef HW_DISPLAY_IGVT_REGS_H
#define HW_DISPLAY_IGVT_REGS_H

#include "hw/registerfields.h"

/* Engine MMIO bases (hwinfo.c's engine table), each a 4 KiB block */
#define IGVT_RCS_BASE       0x02000
#define IGVT_BCS_BASE       0x22000
#define IGVT_VCS0_BASE      0x12000
#define IGVT_VCS1_BASE      0x1c000
#define IGVT_VECS_BASE      0x1a000
#define IGVT_ENGINE_MMIO_SIZE   0x1000

/* Per-engine registers, relative to the engine base */
#define IGVT_RING_TAIL          0x030
#define IGVT_RING_HEAD          0x034
#define IGVT_RING_START         0x038
#define IGVT_RING_CTL           0x03c
#define IGVT_RING_PSMI_CTL      0x050
#define IGVT_RING_HWS_PGA       0x080
#define IGVT_RING_MI_MODE       0x09c
#define IGVT_RING_MI_MODE_STOP_RING     (1u << 8)
#define IGVT_RING_MI_MODE_IDLE          (1u << 9)
#define IGVT_RING_IMR           0x0a8
#define IGVT_RING_RESET_CTL     0x0d0
#define IGVT_RESET_CTL_REQUEST_RESET    (1u << 0)
#define IGVT_RESET_CTL_READY_TO_RESET   (1u << 1)
#define IGVT_RING_INSTPM        0x0c0
#define IGVT_RING_ELSP          0x230
#define IGVT_RING_EXECLIST_STATUS 0x234
#define IGVT_RING_CSB           0x370
#define IGVT_RING_CSB_PTR       0x3a0
#define IGVT_RING_MODE          0x29c
#define IGVT_RING_MODE_RUN_LIST_ENABLE  (1u << 15)
#define IGVT_RING_TIMESTAMP     0x358   /* 64 bits: upper dword at + 4 */
#define IGVT_RING_CTX_TIMESTAMP 0x3a8
#define IGVT_RING_GPR_BASE      0x600   /* CS_GPR0-15, 64 bits each */
#define IGVT_RING_GPR(n)        (IGVT_RING_GPR_BASE + 8 * (n))

/* The render engine's predicate registers, at absolute offsets */
#define IGVT_MI_PREDICATE_SRC0      0x2400  /* 64 bits */
#define IGVT_MI_PREDICATE_SRC1      0x2408  /* 64 bits */
#define IGVT_MI_PREDICATE_RESULT    0x2418
#define IGVT_MI_PREDICATE_RESULT_1  0x241c

/* The blitter's tiling of XY_* blits' tiled surfaces: Y (not X) */
#define IGVT_BCS_SWCTRL         0x22200
#define IGVT_BCS_SWCTRL_SRC_Y   (1u << 0)
#define IGVT_BCS_SWCTRL_DST_Y   (1u << 1)
#define IGVT_BCS_SWCTRL_BITS    (IGVT_BCS_SWCTRL_SRC_Y | IGVT_BCS_SWCTRL_DST_Y)

/*
 * Fence registers (FENCE_REG_GEN6_LO/HI, at IGVT_FENCE_BASE + 8 n): the
 * CPU sees graphics memory [START, END + 4 KiB) through the aperture as
 * a linear surface of PITCH rows over X (or Y) tiles.  Gen9 does not
 * swizzle address bit 6.
 */
#define IGVT_FENCE_LO(n)        (IGVT_FENCE_BASE + (n) * 8)
#define IGVT_FENCE_HI(n)        (IGVT_FENCE_LO(n) + 4)
    FIELD(FENCE_LO, VALID, 0, 1)
    FIELD(FENCE_LO, TILING_Y, 1, 1)
    FIELD(FENCE_LO, START, 12, 20)
    FIELD(FENCE_HI, PITCH, 0, 12)       /* 128-byte units, minus 1 */
    FIELD(FENCE_HI, END, 12, 20)        /* the last page */
#define IGVT_FENCE_PITCH_UNIT   128

/* GT reset (domains self-clear) and flush */
REG32(GDRST, 0x941c)
    FIELD(GDRST, FULL, 0, 1)
    FIELD(GDRST, RENDER, 1, 1)
    FIELD(GDRST, MEDIA, 2, 1)
    FIELD(GDRST, BLT, 3, 1)
    FIELD(GDRST, VECS, 4, 1)
    FIELD(GDRST, MEDIA2, 7, 1)
REG32(GFX_FLSH_CNTL, 0x101008)

/* TLB invalidation, one register per engine: self-clearing */
REG32(GEN8_RTCR, 0x4260)
REG32(GEN8_M1TCR, 0x4264)
REG32(GEN8_M2TCR, 0x4268)
REG32(GEN8_BTCR, 0x426c)
REG32(GEN8_VTCR, 0x4270)

/* Forcewake requests (masked) and their acks */
REG32(FORCEWAKE_MEDIA_GEN9, 0xa270)
REG32(FORCEWAKE_RENDER_GEN9, 0xa278)
REG32(FORCEWAKE_GT_GEN9, 0xa188)
REG32(FORCEWAKE_ACK_MEDIA_GEN9, 0x0d88)
REG32(FORCEWAKE_ACK_RENDER_GEN9, 0x0d84)
REG32(FORCEWAKE_ACK_GT_GEN9, 0x130044)

/* GT FIFO (unused by a vGPU guest, present for others) */
REG32(GTFIFODBG, 0x120000)
REG32(GTFIFOCTL, 0x120008)
    FIELD(GTFIFOCTL, FREE_ENTRIES, 0, 7)

/* GuC: never started, so its microcontroller stays in reset */
REG32(GUC_STATUS, 0xc000)
    FIELD(GUC_STATUS, MIA_IN_RESET, 0, 1)

/* Unclaimed-access detector: nothing is ever unclaimed here */
REG32(FPGA_DBG, 0x42300)

/* Fuses: one slice, three subslices of eight EUs (a GT2 part) */
REG32(GEN8_FUSE2, 0x9120)
    FIELD(GEN8_FUSE2, SS_DIS, 20, 4)
    FIELD(GEN8_FUSE2, S_ENA, 25, 3)
REG32(GEN9_EU_DISABLE0, 0x9134)
REG32(GEN9_EU_DISABLE1, 0x9138)
REG32(GEN9_EU_DISABLE2, 0x913c)
REG32(HSW_EDRAM_CAP, 0x120010)

/* Clocks and power */
REG32(RPM_CONFIG0, 0x0d00)
REG32(CTC_MODE, 0xa26c)
REG32(GEN6_RP_STATE_CAP, 0x145998)      /* MCHBAR mirror + 0x5998 */
    FIELD(GEN6_RP_STATE_CAP, RP0, 0, 8)
    FIELD(GEN6_RP_STATE_CAP, RP1, 8, 8)
    FIELD(GEN6_RP_STATE_CAP, RPN, 16, 8)

/* The pcode mailbox */
REG32(GEN6_PCODE_MAILBOX, 0x138124)
    FIELD(GEN6_PCODE_MAILBOX, COMMAND, 0, 8)   /* error code on completion */
    FIELD(GEN6_PCODE_MAILBOX, READY, 31, 1)
REG32(GEN6_PCODE_DATA, 0x138128)
REG32(GEN6_PCODE_DATA1, 0x13812c)
#define IGVT_PCODE_READ_RC6VIDS         0x05
#define IGVT_PCODE_READ_MEM_LATENCY     0x06
#define IGVT_PCODE_CDCLK_CONTROL        0x07
#define IGVT_PCODE_CDCLK_READY_FOR_CHANGE 0x01

/* Interrupts */
REG32(GEN8_MASTER_IRQ, 0x44200)
    FIELD(GEN8_MASTER_IRQ, CONTROL, 31, 1)
#define IGVT_GEN8_GT_ISR(n)     (0x44300 + 0x10 * (n))
#define IGVT_GEN8_GT_IMR(n)     (0x44304 + 0x10 * (n))
#define IGVT_GEN8_GT_IIR(n)     (0x44308 + 0x10 * (n))
#define IGVT_GEN8_GT_IER(n)     (0x4430c + 0x10 * (n))
#define IGVT_GEN8_DE_PIPE_ISR(p) (0x44400 + 0x10 * (p))
#define IGVT_GEN8_DE_PIPE_IMR(p) (0x44404 + 0x10 * (p))
#define IGVT_GEN8_DE_PIPE_IIR(p) (0x44408 + 0x10 * (p))
#define IGVT_GEN8_DE_PIPE_IER(p) (0x4440c + 0x10 * (p))
REG32(GEN8_DE_PORT_ISR, 0x44440)
REG32(GEN8_DE_PORT_IMR, 0x44444)
REG32(GEN8_DE_PORT_IIR, 0x44448)
REG32(GEN8_DE_PORT_IER, 0x4444c)
REG32(GEN8_DE_MISC_ISR, 0x44460)
REG32(GEN8_DE_MISC_IMR, 0x44464)
REG32(GEN8_DE_MISC_IIR, 0x44468)
REG32(GEN8_DE_MISC_IER, 0x4446c)
REG32(GEN8_PCU_ISR, 0x444e0)
REG32(GEN8_PCU_IMR, 0x444e4)
REG32(GEN8_PCU_IIR, 0x444e8)
REG32(GEN8_PCU_IER, 0x444ec)
REG32(SDEISR, 0xc4000)
REG32(SDEIMR, 0xc4004)
REG32(SDEIIR, 0xc4008)
REG32(SDEIER, 0xc400c)

/* Legacy VGA plane control */
REG32(VGACNTRL, 0x41000)
    FIELD(VGACNTRL, VGA_DISP_DISABLE, 31, 1)

/* Render chicken and mode registers written with a write-enable mask */
REG32(GEN7_FF_SLICE_CS_CHICKEN1, 0x20e0)
REG32(GEN9_CS_DEBUG_MODE1, 0x20ec)
REG32(GEN9_CSFE_CHICKEN1_RCS, 0x20d4)
REG32(GEN8_CS_CHICKEN1, 0x2580)
REG32(CACHE_MODE_0_GEN7, 0x7000)
REG32(CACHE_MODE_1, 0x7004)
REG32(GEN7_GT_MODE, 0x7008)
REG32(COMMON_SLICE_CHICKEN2, 0x7014)
REG32(HDC_CHICKEN0, 0x7300)
REG32(GEN8_HALF_SLICE_CHICKEN1, 0xe100)
REG32(HALF_SLICE_CHICKEN3, 0xe184)
REG32(GEN9_HALF_SLICE_CHICKEN5, 0xe188)
REG32(GEN9_HALF_SLICE_CHICKEN7, 0xe194)
REG32(GEN8_ROW_CHICKEN, 0xe4f0)
REG32(GEN7_ROW_CHICKEN2, 0xe4f4)
REG32(GEN9_SLICE_COMMON_ECO_CHICKEN0, 0x7308)
REG32(GEN9_SLICE_COMMON_ECO_CHICKEN1, 0x731c)

/*
 * Display engine (Gen9, SPT PCH).  Per-pipe/transcoder registers repeat
 * every 0x1000 for pipes A-C; per-DDI registers every 0x100 for A-E.
 */
#define IGVT_NUM_PIPES          3
#define IGVT_PIPE_STRIDE        0x1000
#define IGVT_PORT_STRIDE        0x100

REG32(SKL_FUSE_STATUS, 0x42000)
    FIELD(SKL_FUSE_STATUS, PG2_DIST, 25, 1)
    FIELD(SKL_FUSE_STATUS, PG1_DIST, 26, 1)
    FIELD(SKL_FUSE_STATUS, PG0_DIST, 27, 1)
    FIELD(SKL_FUSE_STATUS, DOWNLOAD, 31, 1)
REG32(HSW_PWR_WELL_CTL1, 0x45400)       /* BIOS requests */
REG32(HSW_PWR_WELL_CTL2, 0x45404)       /* driver requests */
REG32(HSW_PWR_WELL_CTL3, 0x45408)       /* KVMr requests */
REG32(HSW_PWR_WELL_CTL4, 0x4540c)       /* debug requests */
#define IGVT_PWR_WELL_REQUESTS  0xaaaaaaaau    /* odd bits request ... */
#define IGVT_PWR_WELL_STATES    0x55555555u    /* ... even bits report */
REG32(DBUF_CTL, 0x45008)
    FIELD(DBUF_CTL, POWER_STATE, 30, 1)
    FIELD(DBUF_CTL, POWER_REQUEST, 31, 1)
REG32(CDCLK_CTL, 0x46000)
REG32(LCPLL1_CTL, 0x46010)
REG32(LCPLL2_CTL, 0x46014)
REG32(WRPLL_CTL1, 0x46040)
REG32(WRPLL_CTL2, 0x46060)
#define IGVT_PLL_ENABLE         (1u << 31)
#define IGVT_PLL_LOCK           (1u << 30)
REG32(DPLL_CTRL1, 0x6c058)
/* DPLL @id: programmed by this register, and its DP link rate code */
#define IGVT_DPLL_CTRL1_OVERRIDE(id)            (1u << ((id) * 6))
#define IGVT_DPLL_CTRL1_LINK_RATE_SHIFT(id)     ((id) * 6 + 1)
#define IGVT_DPLL_LINK_RATE_810                 2   /* display.c: table */
REG32(DPLL_CTRL2, 0x6c05c)
/* The DPLL that clocks DDI @port, 2 bits */
#define IGVT_DPLL_CTRL2_DDI_CLK_SEL_SHIFT(port) ((port) * 3 + 1)
REG32(DPLL_STATUS, 0x6c060)
#define IGVT_DPLL_LOCK(id)      (1u << ((id) * 8))

/* Transcoders / pipes (A at these offsets); sizes are minus one */
REG32(HTOTAL_A, 0x60000)
    FIELD(HTOTAL, ACTIVE, 0, 13)
    FIELD(HTOTAL, TOTAL, 16, 13)
REG32(VTOTAL_A, 0x6000c)
    FIELD(VTOTAL, ACTIVE, 0, 13)
    FIELD(VTOTAL, TOTAL, 16, 13)
REG32(PIPESRC_A, 0x6001c)
    FIELD(PIPESRC, HEIGHT, 0, 16)       /* the other order than planes */
    FIELD(PIPESRC, WIDTH, 16, 16)
REG32(PIPE_LINK_M1_A, 0x60040)
    FIELD(PIPE_LINK_M1, M, 0, 24)
REG32(PIPE_LINK_N1_A, 0x60044)
    FIELD(PIPE_LINK_N1, N, 0, 24)
REG32(TRANS_DDI_FUNC_CTL_A, 0x60400)
    FIELD(TRANS_DDI_FUNC_CTL, PORT, 28, 3)
REG32(PIPEDSL_A, 0x70000)
REG32(TRANSCONF_A, 0x70008)
    FIELD(TRANSCONF, STATE, 30, 1)
    FIELD(TRANSCONF, ENABLE, 31, 1)
REG32(PIPE_FRMCOUNT_A, 0x70040)
REG32(PIPE_FLIPCOUNT_A, 0x70044)
REG32(TRANSCONF_EDP, 0x7f008)

/*
 * Cursor and universal planes of pipe A (plane n at + 0x100 * (n - 1)),
 * as i915 programs them (skl_universal_plane_regs.h, intel_cursor_regs.h)
 * and GVT-g decodes them (gvt/fb_decoder.c)
 */
REG32(CUR_CTL_A, 0x70080)
    FIELD(CUR_CTL, ROTATE_180, 15, 1)
/* The cursor mode is bits 5 and 2:0 */
#define IGVT_CUR_CTL_MODE_MASK      0x27u
#define IGVT_CUR_CTL_MODE_DISABLE   0x00u
#define IGVT_CUR_CTL_MODE_128_ARGB  0x22u
#define IGVT_CUR_CTL_MODE_256_ARGB  0x23u
#define IGVT_CUR_CTL_MODE_64_ARGB   0x27u
REG32(CUR_BASE_A, 0x70084)
    FIELD(CUR_BASE, ADDR, 12, 20)
REG32(CUR_POS_A, 0x70088)
    FIELD(CUR_POS, X, 0, 15)
    FIELD(CUR_POS, X_SIGN, 15, 1)
    FIELD(CUR_POS, Y, 16, 15)
    FIELD(CUR_POS, Y_SIGN, 31, 1)
REG32(CUR_SURFLIVE_A, 0x700ac)
REG32(PLANE_CTL_1_A, 0x70180)
    FIELD(PLANE_CTL, ROTATE, 0, 2)
    FIELD(PLANE_CTL, ALPHA, 4, 2)
    FIELD(PLANE_CTL, TILED, 10, 3)
    FIELD(PLANE_CTL, DECOMPRESSION, 15, 1)
    FIELD(PLANE_CTL, ORDER_RGBX, 20, 1)
    FIELD(PLANE_CTL, FORMAT, 24, 4)
    FIELD(PLANE_CTL, ENABLE, 31, 1)
/* PLANE_CTL FORMAT values */
#define IGVT_PLANE_FORMAT_YUV422            0
#define IGVT_PLANE_FORMAT_NV12              1
#define IGVT_PLANE_FORMAT_XRGB_2101010      2
#define IGVT_PLANE_FORMAT_P010              3
#define IGVT_PLANE_FORMAT_XRGB_8888         4
#define IGVT_PLANE_FORMAT_P012              5
#define IGVT_PLANE_FORMAT_XRGB_16161616F    6
#define IGVT_PLANE_FORMAT_P016              7
#define IGVT_PLANE_FORMAT_XYUV              8
#define IGVT_PLANE_FORMAT_INDEXED           12
#define IGVT_PLANE_FORMAT_RGB_565           14
/* PLANE_CTL TILED values */
#define IGVT_PLANE_TILED_LINEAR             0
#define IGVT_PLANE_TILED_X                  1
#define IGVT_PLANE_TILED_Y                  4
#define IGVT_PLANE_TILED_YF                 5
REG32(PLANE_STRIDE_1_A, 0x70188)
    FIELD(PLANE_STRIDE, STRIDE, 0, 10)  /* 64 bytes, or one tile's width */
REG32(PLANE_POS_1_A, 0x7018c)
    FIELD(PLANE_POS, X, 0, 16)
    FIELD(PLANE_POS, Y, 16, 16)
REG32(PLANE_SIZE_1_A, 0x70190)
    FIELD(PLANE_SIZE, WIDTH, 0, 16)
    FIELD(PLANE_SIZE, HEIGHT, 16, 16)
REG32(PLANE_SURF_1_A, 0x7019c)
    FIELD(PLANE_SURF, ADDR, 12, 20)
REG32(PLANE_OFFSET_1_A, 0x701a4)
    FIELD(PLANE_OFFSET, X, 0, 16)
    FIELD(PLANE_OFFSET, Y, 16, 16)
REG32(PLANE_SURFLIVE_1_A, 0x701ac)
#define IGVT_NUM_PLANES         3       /* universal planes per pipe */
#define IGVT_PLANE_STRIDE       0x100

/* Legacy 8-bit palette of each pipe: 256 entries of 0x00RRGGBB */
#define IGVT_LGC_PALETTE(pipe)  (0x4a000 + (pipe) * 0x800)
#define IGVT_LGC_PALETTE_SIZE   (256 * 4)

/* Display engine pipe interrupt bits */
#define IGVT_DE_PIPE_VBLANK             (1u << 0)
#define IGVT_DE_PIPE_PLANE_FLIP_DONE(n) (1u << (3 + (n)))   /* plane 0.. */

/* DDI ports (A at these offsets) */
REG32(DDI_BUF_CTL_A, 0x64000)
    FIELD(DDI_BUF_CTL, IS_IDLE, 7, 1)
    FIELD(DDI_BUF_CTL, ENABLE, 31, 1)
REG32(DP_AUX_CH_CTL_A, 0x64010)
    FIELD(DP_AUX_CH_CTL, MESSAGE_SIZE, 20, 5)
    FIELD(DP_AUX_CH_CTL, RECEIVE_ERROR, 25, 1)
    FIELD(DP_AUX_CH_CTL, TIME_OUT_ERROR, 28, 1)
    FIELD(DP_AUX_CH_CTL, INTERRUPT, 29, 1)
    FIELD(DP_AUX_CH_CTL, DONE, 30, 1)
    FIELD(DP_AUX_CH_CTL, SEND_BUSY, 31, 1)
REG32(DP_AUX_CH_DATA1_A, 0x64014)
#define IGVT_DP_AUX_CH_DATA_REGS    5   /* DATA1-5: 20 bytes, big-endian */
REG32(DP_TP_CTL_A, 0x64040)
    FIELD(DP_TP_CTL, LINK_TRAIN, 8, 3)
#define IGVT_DP_TP_CTL_LINK_TRAIN_IDLE  2
REG32(DP_TP_STATUS_A, 0x64044)
    FIELD(DP_TP_STATUS, IDLE_DONE, 25, 1)
REG32(EDP_PSR_IMR, 0x64834)
REG32(EDP_PSR_IIR, 0x64838)

/* South display engine (SPT) */
REG32(SFUSE_STRAP, 0xc2014)
REG32(PCH_PORT_HOTPLUG, 0xc4030)
REG32(PCH_PORT_HOTPLUG2, 0xc403c)
/* Short/long pulse status of each port: write 1 to clear */
#define IGVT_PCH_HOTPLUG_STATUS     0x03030303u
#define IGVT_PCH_HOTPLUG2_STATUS    0x00000003u
#define IGVT_SDE_PORTB_HOTPLUG  (1u << 21)
#define IGVT_SDE_PORTC_HOTPLUG  (1u << 22)
#define IGVT_SDE_PORTD_HOTPLUG  (1u << 23)
#define IGVT_SDE_PORTA_HOTPLUG  (1u << 24)
#define IGVT_SDE_PORTE_HOTPLUG  (1u << 25)
#define IGVT_SDE_GMBUS          (1u << 17)
REG32(GMBUS0, 0xc5100)
#define IGVT_GMBUS_REGS         6
REG32(SBI_ADDR, 0xc6000)
REG32(SBI_DATA, 0xc6004)
REG32(SBI_CTL_STAT, 0xc6008)
    FIELD(SBI_CTL_STAT, BUSY, 0, 1)
    FIELD(SBI_CTL_STAT, RESPONSE_FAIL, 1, 1)
REG32(PCH_PP_STATUS, 0xc7200)
    FIELD(PCH_PP_STATUS, ON, 31, 1)
REG32(PCH_PP_CONTROL, 0xc7204)
    FIELD(PCH_PP_CONTROL, POWER_TARGET_ON, 0, 1)

/* Memory controller (MCHBAR mirror): one DIMM of 8 GiB per channel */
REG32(SKL_MAD_INTER_CHANNEL, 0x145000)
REG32(SKL_MAD_DIMM_CH0, 0x14500c)
REG32(SKL_MAD_DIMM_CH1, 0x145010)

/* pcode commands the display uses */
#define IGVT_PCODE_SAGV_CONTROL         0x21
#define IGVT_PCODE_SAGV_DISABLE         0x0
#define IGVT_PCODE_SAGV_IS_DISABLED     0x1

#endif /* HW_DISPLAY_IGVT_REGS_H */

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

/* Engine MMIO bases */
#define IGVT_RCS_BASE       0x02000
#define IGVT_BCS_BASE       0x22000
#define IGVT_VCS0_BASE      0x12000
#define IGVT_VECS_BASE      0x1a000

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

/* GT reset and flush */
REG32(GDRST, 0x941c)
REG32(GFX_FLSH_CNTL, 0x101008)

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

#endif /* HW_DISPLAY_IGVT_REGS_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: a mediated Intel Gen9 vGPU (GVT-g style) in QEMU.
 *
 * Public facts about the igvt-vga device: its type name, PCI identity and
 * BAR layout, and the PVINFO page the guest i915 driver reads.  Device
 * state is private to hw/display/igvt/; qtests include this header.
 */

#ifndef HW_DISPLAY_IGVT_H
#define HW_DISPLAY_IGVT_H

#include "qemu/units.h"

#define TYPE_IGVT_VGA "igvt-vga"

/* PCI identity (Gen9 GT2 desktop parts) */
#define IGVT_PCI_DEVICE_ID_SKL_GT2  0x1912
#define IGVT_PCI_DEVICE_ID_KBL_GT2  0x5912
#define IGVT_PCI_REVISION_SKL       0x06
#define IGVT_PCI_REVISION_KBL       0x04

/* PCI config space */
#define IGVT_PCI_CAP_PCIE           0x70
#define IGVT_PCI_CAP_MSI            0xac
#define IGVT_PCI_CAP_PM             0xd0
#define IGVT_PCI_MGGC               0x50    /* GMCH graphics control, 16 bit */
#define IGVT_PCI_MGGC_GGMS_SHIFT    6
#define IGVT_PCI_MGGC_GGMS_MASK     (3 << IGVT_PCI_MGGC_GGMS_SHIFT)
#define IGVT_PCI_MGGC_GMS_SHIFT     8
#define IGVT_PCI_BDSM               0x5c
#define IGVT_PCI_SWSCI              0xe8
#define IGVT_PCI_SWSCI_SMI_SEL      (1u << 15)
#define IGVT_PCI_SWSCI_GSSCIE       (1u << 0)
#define IGVT_PCI_ASLS               0xfc

/* BAR0: GTTMMADR */
#define IGVT_BAR_GTTMMADR           0
#define IGVT_GTTMMADR_SIZE          (16 * MiB)
#define IGVT_MMIO_SIZE              (2 * MiB)
#define IGVT_GTT_OFFSET             (8 * MiB)
#define IGVT_GTT_SIZE               (8 * MiB)
#define IGVT_GTT_PTE_SIZE           8
#define IGVT_GTT_ENTRIES            (IGVT_GTT_SIZE / IGVT_GTT_PTE_SIZE)
/* Graphics memory the GGTT maps */
#define IGVT_GM_SIZE                (4 * GiB)
#define IGVT_GTT_PAGE_SIZE          (4 * KiB)

/* Gen8+ GGTT PTE */
#define IGVT_PTE_PRESENT            (1ull << 0)
#define IGVT_PTE_ADDR_MASK          0x0000007ffffff000ull   /* bits 38:12 */

/* BAR2: GMADR, the aperture */
#define IGVT_BAR_GMADR              2
#define IGVT_DEFAULT_APERTURE_SIZE  (256 * MiB)

/* The OpRegion handed to the firmware through fw_cfg */
#define IGVT_FW_CFG_OPREGION        "etc/igd-opregion"

/* PVINFO (struct vgt_if), BAR0 + 0x78000 */
#define IGVT_PVINFO_BASE            0x78000
#define IGVT_PVINFO_SIZE            0x1000
#define IGVT_PVINFO_MAGIC           0x4776544776544776ull   /* "vGTvGTvG" */
#define IGVT_PVINFO_MAGIC_OFF       0x78000     /* u64 */
#define IGVT_PVINFO_VERSION_MAJOR   0x78008     /* u16 */
#define IGVT_PVINFO_VERSION_MINOR   0x7800a     /* u16 */
#define IGVT_PVINFO_VGT_ID          0x7800c
#define IGVT_PVINFO_VGT_CAPS        0x78010
#define IGVT_PVINFO_CAP_FULL_PPGTT      (1u << 2)
#define IGVT_PVINFO_CAP_HWSP_EMULATION  (1u << 3)
#define IGVT_PVINFO_CAP_HUGE_GTT        (1u << 4)
#define IGVT_PVINFO_APERTURE_BASE   0x78040
#define IGVT_PVINFO_APERTURE_SIZE   0x78044
#define IGVT_PVINFO_HIDDEN_BASE     0x78048
#define IGVT_PVINFO_HIDDEN_SIZE     0x7804c
#define IGVT_PVINFO_FENCE_NUM       0x78050
#define IGVT_PVINFO_DISPLAY_READY   0x78804
#define IGVT_PVINFO_RSV5            0x78808     /* 4 x u32 */
#define IGVT_PVINFO_G2V_NOTIFY      0x78818
#define IGVT_PVINFO_CURSOR_X_HOT    0x78830
#define IGVT_PVINFO_CURSOR_Y_HOT    0x78834
#define IGVT_PVINFO_PDP             0x78838     /* 4 x (lo, hi) */
#define IGVT_PVINFO_EXECLIST_DESC_LO 0x78858
#define IGVT_PVINFO_EXECLIST_DESC_HI 0x7885c

/* g2v_notify values */
#define IGVT_G2V_PPGTT_L3_CREATE    2
#define IGVT_G2V_PPGTT_L3_DESTROY   3
#define IGVT_G2V_PPGTT_L4_CREATE    4
#define IGVT_G2V_PPGTT_L4_DESTROY   5
#define IGVT_G2V_EXECLIST_CREATE    6
#define IGVT_G2V_EXECLIST_DESTROY   7

/* Fence registers (FENCE_REG_GEN6_LO/HI) */
#define IGVT_FENCE_BASE             0x100000
#define IGVT_FENCE_MAX              32

#endif /* HW_DISPLAY_IGVT_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the ACPI IGD OpRegion and the virtual VBT inside it.
 *
 * Pure logic: igvt_opregion_build() fills a buffer with the bytes the
 * firmware copies to guest RAM (fw_cfg "etc/igd-opregion", address in PCI
 * config ASLS).  The layout follows the ACPI IGD OpRegion specification
 * 2.0 as the Linux i915 driver reads it: a 256 byte header, four 256 byte
 * mailboxes and the VBT (Video BIOS Table) in mailbox 4 at 0x400.  Only the
 * VBT mailbox is advertised, as GVT-g does for its vGPUs.
 */

#ifndef HW_DISPLAY_IGVT_OPREGION_H
#define HW_DISPLAY_IGVT_OPREGION_H

#include "hwinfo.h"

#include "qemu/units.h"

#define IGVT_OPREGION_SIZE          (8 * KiB)

/* Header (offset 0): the fields igvt sets */
#define IGVT_OPREGION_SIGNATURE     "IntelGraphicsMem"  /* 16 bytes, no NUL */
#define IGVT_OPREGION_HDR_SIGNATURE 0x00
#define IGVT_OPREGION_HDR_SIZE      0x10    /* u32: OpRegion size in KiB */
#define IGVT_OPREGION_HDR_OVER      0x14    /* u32: version */
#define IGVT_OPREGION_HDR_MBOX      0x58    /* u32: supported mailboxes */

/* OVER: byte 3 is the major, byte 2 the minor version (2.0) */
#define IGVT_OPREGION_VERSION       0x02000000u

/* MBOX bits; igvt sets IGVT_OPREGION_MBOX_VBT only */
#define IGVT_OPREGION_MBOX_ACPI     (1u << 0)   /* mailbox 1 */
#define IGVT_OPREGION_MBOX_SWSCI    (1u << 1)   /* mailbox 2 */
#define IGVT_OPREGION_MBOX_ASLE     (1u << 2)   /* mailbox 3 */
#define IGVT_OPREGION_MBOX_VBT      (1u << 3)   /* mailbox 4 */
#define IGVT_OPREGION_MBOX_ASLE_EXT (1u << 4)   /* mailbox 5 */

/* Mailbox 1: public ACPI methods */
#define IGVT_OPREGION_ACPI_OFFSET   0x100
#define IGVT_OPREGION_CLID_OFFSET   0x1ac   /* u32: current lid state */
#define IGVT_OPREGION_CLID_OPEN     0x3     /* what GVT-g reports */

/* Mailbox 2: SWSCI (software SCI) */
#define IGVT_OPREGION_SWSCI_OFFSET  0x200
#define IGVT_OPREGION_SCIC_OFFSET   (IGVT_OPREGION_SWSCI_OFFSET + 0x0)
#define IGVT_OPREGION_PARM_OFFSET   (IGVT_OPREGION_SWSCI_OFFSET + 0x4)

/* Mailbox 3: ASLE */
#define IGVT_OPREGION_ASLE_OFFSET   0x300

/* Mailbox 4: the VBT; without mailbox 5 it may run to the region's end */
#define IGVT_OPREGION_VBT_OFFSET    0x400
#define IGVT_OPREGION_VBT_MAX_SIZE  \
    (IGVT_OPREGION_SIZE - IGVT_OPREGION_VBT_OFFSET)

/* The BDB version of the virtual VBT (see opregion.c) */
#define IGVT_VBT_BDB_VERSION        194

typedef struct IgvtOpRegionConfig {
    uint16_t device_id;      /* PCI device id of the vGPU, e.g. 0x1912 */
    IgvtPort monitor_port;   /* the virtual monitor's port (default D) */
} IgvtOpRegionConfig;

/*
 * Fill @buf (IGVT_OPREGION_SIZE bytes) with the OpRegion and its VBT.
 *
 * The VBT describes DisplayPort connectors on DDI A, B, C and D with AUX
 * channels A, B, C and D.  Skylake and Kaby Lake have no AUX channel for
 * DDI E, so a monitor on port E is described, as real boards do, by a DDI E
 * connector using AUX A in place of the DDI A one.
 */
void igvt_opregion_build(uint8_t *buf, const IgvtOpRegionConfig *cfg);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the ACPI IGD OpRegion and its virtual VBT.
 *
 * The guest i915 driver maps 8 KiB at ASLS, checks the "IntelGraphicsMem"
 * signature and, since the header advertises mailbox 4, validates the VBT
 * at 0x400 (intel_bios_is_valid_vbt(): "$VBT" prefix, vbt_size within the
 * mailbox, BDB header and BDB inside vbt_size) and parses its blocks
 * (intel_bios.c).  i915 checks neither the VBT checksum nor the BDB
 * signature; both are filled in as real VBTs have them, for
 * intel_vbt_decode and other VBT readers.
 *
 * VBT layout (all fields little-endian):
 *   VBT header, 48 bytes
 *   BDB header, 22 bytes
 *   BDB blocks, each: u8 id, u16 size of the data, then the data
 *     block 1  General Features
 *     block 2  General Definitions, with four child devices
 *     block 12 Driver Features
 *
 * Nothing describes LVDS, eDP, TV or CRT: the vGPU has no panel, so there
 * are no panel blocks (27, 40-44).  i915 reads panel data only for the
 * eDP, LVDS and DSI connectors, which this VBT does not create.
 *
 * BDB version 194.  Both i915 6.1 and 6.12 expect 33 byte child devices
 * for versions 111-194 (6.1 parse_general_definitions(), 6.12
 * child_device_expected_size()), so 194 is read without "Unexpected child
 * device config size" errors; GVT-g uses 186 with the same child size.
 * Between 186 and 194 i915 only gates panel fields (188, 191), while
 * DVO_PORT_DPE, needed for a monitor on DDI E, is defined from 193 on.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "opregion.h"

/* VBT header */
#define IGVT_VBT_SIGNATURE_LEN      20  /* "$VBT <platform>", space padded */
#define IGVT_VBT_HDR_VERSION        0x14    /* u16 */
#define IGVT_VBT_HDR_HEADER_SIZE    0x16    /* u16 */
#define IGVT_VBT_HDR_VBT_SIZE       0x18    /* u16: header and BDB */
#define IGVT_VBT_HDR_CHECKSUM       0x1a    /* u8: VBT bytes sum to 0 */
#define IGVT_VBT_HDR_BDB_OFFSET     0x1c    /* u32: from the VBT start */
#define IGVT_VBT_HDR_LEN            0x30    /* then 4 unused AIM offsets */
#define IGVT_VBT_VERSION            100     /* "1.00", as real VBTs */

/* BDB header */
#define IGVT_BDB_SIGNATURE          "BIOS_DATA_BLOCK "  /* 16, no NUL */
#define IGVT_BDB_HDR_VERSION        0x10    /* u16 */
#define IGVT_BDB_HDR_HEADER_SIZE    0x12    /* u16 */
#define IGVT_BDB_HDR_BDB_SIZE       0x14    /* u16: header and blocks */
#define IGVT_BDB_HDR_LEN            0x16

/* Block header */
#define IGVT_BDB_BLOCK_HDR_LEN      3       /* u8 id, u16 data size */

#define IGVT_BDB_GENERAL_FEATURES   1
#define IGVT_BDB_GENERAL_DEFS       2
#define IGVT_BDB_DRIVER_FEATURES    12

/*
 * Block 1, General Features: the five bytes defined before version 194
 * (panel fitting, SSC, rotation, legacy monitor detect, integrated
 * CRT/TV/EFP).  Bytes 6-7 only exist from version 242; i915 zero-fills a
 * shorter block and intel_vbt_decode only objects to longer ones.
 */
#define IGVT_GF_LEN                 5
#define IGVT_GF_INT_SUPPORT         4       /* bit 0 CRT, 1 TV, 2 EFP */

/* Block 2, General Definitions: a 5 byte header, then the child devices */
#define IGVT_GD_CRT_DDC_PIN         0
#define IGVT_GD_BOOT_DISPLAY        2       /* u16: device handle mask */
#define IGVT_GD_CHILD_DEV_SIZE      4
#define IGVT_GD_HDR_LEN             5

/* Child device config, legacy (version 111-194) size */
#define IGVT_CHILD_LEN              33
#define IGVT_CHILD_HANDLE           0       /* u16 */
#define IGVT_CHILD_DEVICE_TYPE      2       /* u16 */
#define IGVT_CHILD_DVO_PORT         16
#define IGVT_CHILD_DDC_PIN          19
#define IGVT_CHILD_COMPAT           24      /* 158+: HDMI/DP/TMDS bits */
#define IGVT_CHILD_COMPAT_DP        (1u << 1)
#define IGVT_CHILD_AUX_CHANNEL      25
#define IGVT_CHILD_CAPS             27
#define IGVT_CHILD_CAPS_INTEGRATED  (1u << 5)   /* not an SDVO encoder */

/*
 * Device type 0x68c6, "DisplayPort": DisplayPort and digital output, high
 * speed link, content protection, not HDMI, hotplug signalling, power
 * management.  No TMDS bit, so i915 creates no HDMI/DVI connector and never
 * touches GMBUS for these ports; no internal-connector bit, so it is DP,
 * not eDP.
 */
#define IGVT_CHILD_TYPE_DP          0x68c6

/* Block 12, Driver Features: the 19 bytes i915 and intel_vbt_decode know */
#define IGVT_DF_LEN                 19

#define IGVT_VBT_NUM_CHILDREN       4
#define IGVT_VBT_LEN \
    (IGVT_VBT_HDR_LEN + IGVT_BDB_HDR_LEN + \
     IGVT_BDB_BLOCK_HDR_LEN + IGVT_GF_LEN + \
     IGVT_BDB_BLOCK_HDR_LEN + IGVT_GD_HDR_LEN + \
     IGVT_VBT_NUM_CHILDREN * IGVT_CHILD_LEN + \
     IGVT_BDB_BLOCK_HDR_LEN + IGVT_DF_LEN)

QEMU_BUILD_BUG_ON(IGVT_VBT_LEN > IGVT_OPREGION_VBT_MAX_SIZE);

/* Write a block header at @p; return where the block's data starts. */
static uint8_t *igvt_bdb_block(uint8_t *p, uint8_t id, uint16_t len)
{
    p[0] = id;
    stw_le_p(p + 1, len);
    return p + IGVT_BDB_BLOCK_HDR_LEN;
}

/*
 * Block 1: no integrated CRT or TV (i915 reads both; int_crt_support is
 * trusted from version 155 on DDI platforms), no LVDS SSC, no panel
 * fitting or rotation.  Everything is zero, but the block is what tells
 * i915 so instead of its defaults (CRT and TV present).
 */
static uint8_t *igvt_vbt_general_features(uint8_t *p)
{
    uint8_t *d = igvt_bdb_block(p, IGVT_BDB_GENERAL_FEATURES, IGVT_GF_LEN);

    d[IGVT_GF_INT_SUPPORT] = 0;     /* no integrated CRT, TV or EFP */
    return d + IGVT_GF_LEN;
}

static void igvt_vbt_child(uint8_t *c, const IgvtPortInfo *port)
{
    stw_le_p(c + IGVT_CHILD_HANDLE, port->vbt_handle);
    stw_le_p(c + IGVT_CHILD_DEVICE_TYPE, IGVT_CHILD_TYPE_DP);
    c[IGVT_CHILD_DVO_PORT] = port->vbt_dvo_port;
    c[IGVT_CHILD_DDC_PIN] = port->ddc_pin;
    c[IGVT_CHILD_COMPAT] = IGVT_CHILD_COMPAT_DP;
    c[IGVT_CHILD_AUX_CHANNEL] = port->vbt_aux_channel;
    c[IGVT_CHILD_CAPS] = IGVT_CHILD_CAPS_INTEGRATED;
}

/*
 * Block 2: no CRT DDC pin (SKL has no VGA GMBUS pin; i915 then keeps its
 * default and never uses it without a CRT), the monitor's handle as boot
 * display (for firmware; i915 ignores it), and one DP child per DDI port
 * A-D, in port order.  i915 6.1 and 6.12 build one encoder per child
 * (intel_ddi_init()); each AUX channel is used once, so none is dropped as
 * shared (sanitize_aux_ch()).
 */
static uint8_t *igvt_vbt_general_definitions(uint8_t *p,
                                             const IgvtOpRegionConfig *cfg)
{
    uint8_t *d = igvt_bdb_block(p, IGVT_BDB_GENERAL_DEFS,
                                IGVT_GD_HDR_LEN +
                                IGVT_VBT_NUM_CHILDREN * IGVT_CHILD_LEN);
    uint8_t *c = d + IGVT_GD_HDR_LEN;
    IgvtPort port;

    d[IGVT_GD_CRT_DDC_PIN] = 0;
    stw_le_p(d + IGVT_GD_BOOT_DISPLAY,
             igvt_port_info[cfg->monitor_port].vbt_handle);
    d[IGVT_GD_CHILD_DEV_SIZE] = IGVT_CHILD_LEN;

    for (port = IGVT_PORT_A; port <= IGVT_PORT_D; port++) {
        IgvtPort child = port;

        if (port == IGVT_PORT_A && cfg->monitor_port == IGVT_PORT_E) {
            child = IGVT_PORT_E;
        }
        igvt_vbt_child(c, &igvt_port_info[child]);
        c += IGVT_CHILD_LEN;
    }
    return c;
}

/*
 * Block 12: LVDS config "no LVDS" (0), which makes i915 clear
 * int_lvds_support; no boot mode, and DRRS, PSR and the other power
 * features off (their flags are zero and pc_feature_valid is clear).
 */
static uint8_t *igvt_vbt_driver_features(uint8_t *p)
{
    uint8_t *d = igvt_bdb_block(p, IGVT_BDB_DRIVER_FEATURES, IGVT_DF_LEN);

    return d + IGVT_DF_LEN;
}

/* "$VBT SKYLAKE" or "$VBT KABYLAKE", padded with spaces to 20 bytes */
static void igvt_vbt_signature(uint8_t *p, uint16_t device_id)
{
    const char *sig = (device_id & 0xff00) == 0x5900 ? "$VBT KABYLAKE"
                                                      : "$VBT SKYLAKE";

    memset(p, ' ', IGVT_VBT_SIGNATURE_LEN);
    memcpy(p, sig, strlen(sig));
}

static void igvt_vbt_build(uint8_t *vbt, const IgvtOpRegionConfig *cfg)
{
    uint8_t *bdb = vbt + IGVT_VBT_HDR_LEN;
    uint8_t *end = bdb + IGVT_BDB_HDR_LEN;
    size_t vbt_size, i;
    uint8_t sum = 0;

    end = igvt_vbt_general_features(end);
    end = igvt_vbt_general_definitions(end, cfg);
    end = igvt_vbt_driver_features(end);
    vbt_size = end - vbt;
    assert(vbt_size == IGVT_VBT_LEN);

    memcpy(bdb, IGVT_BDB_SIGNATURE, strlen(IGVT_BDB_SIGNATURE));
    stw_le_p(bdb + IGVT_BDB_HDR_VERSION, IGVT_VBT_BDB_VERSION);
    stw_le_p(bdb + IGVT_BDB_HDR_HEADER_SIZE, IGVT_BDB_HDR_LEN);
    stw_le_p(bdb + IGVT_BDB_HDR_BDB_SIZE, end - bdb);

    igvt_vbt_signature(vbt, cfg->device_id);
    stw_le_p(vbt + IGVT_VBT_HDR_VERSION, IGVT_VBT_VERSION);
    stw_le_p(vbt + IGVT_VBT_HDR_HEADER_SIZE, IGVT_VBT_HDR_LEN);
    stw_le_p(vbt + IGVT_VBT_HDR_VBT_SIZE, vbt_size);
    stl_le_p(vbt + IGVT_VBT_HDR_BDB_OFFSET, IGVT_VBT_HDR_LEN);

    for (i = 0; i < vbt_size; i++) {
        sum += vbt[i];
    }
    vbt[IGVT_VBT_HDR_CHECKSUM] = -sum;
}

void igvt_opregion_build(uint8_t *buf, const IgvtOpRegionConfig *cfg)
{
    assert(cfg->monitor_port < IGVT_PORT__MAX);

    memset(buf, 0, IGVT_OPREGION_SIZE);

    memcpy(buf + IGVT_OPREGION_HDR_SIGNATURE, IGVT_OPREGION_SIGNATURE,
           strlen(IGVT_OPREGION_SIGNATURE));
    stl_le_p(buf + IGVT_OPREGION_HDR_SIZE, IGVT_OPREGION_SIZE / KiB);
    stl_le_p(buf + IGVT_OPREGION_HDR_OVER, IGVT_OPREGION_VERSION);
    /*
     * VBT only.  Without MBOX_ACPI i915 leaves the ACPI display lists in
     * mailbox 1 alone, without MBOX_SWSCI it never raises an SWSCI, and
     * without MBOX_ASLE there are no ASLE requests or RVDA pointer.
     */
    stl_le_p(buf + IGVT_OPREGION_HDR_MBOX, IGVT_OPREGION_MBOX_VBT);

    /*
     * Lid open: i915 reads CLID through its lid_state pointer whatever the
     * mailboxes say, and Windows drivers stall on a closed lid (GVT-g).
     */
    stl_le_p(buf + IGVT_OPREGION_CLID_OFFSET, IGVT_OPREGION_CLID_OPEN);

    igvt_vbt_build(buf + IGVT_OPREGION_VBT_OFFSET, cfg);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the virtual monitor as its DisplayPort AUX channel and its DDC
 * (I2C) bus see it.
 *
 * Pure protocol logic: no QOM, no memory API, no migration code.  Every
 * structure is plain fixed-size fields so the device can migrate it with
 * VMState; every index computed from guest input is bounds-checked here,
 * so even a corrupted migration stream cannot make these functions reach
 * outside their arrays.
 *
 * The DDC part (IgvtDdc) is the monitor's I2C side: the EDID EEPROM at
 * 0x50 and the E-DDC segment pointer at 0x30.  The DP sink reaches it
 * through I2C-over-AUX, GMBUS (gmbus.h) through its own state machine.
 */

#ifndef HW_DISPLAY_IGVT_AUX_H
#define HW_DISPLAY_IGVT_AUX_H

#define IGVT_DPCD_SIZE          0x800
#define IGVT_EDID_BLOCK         128
#define IGVT_EDID_MAX           512     /* base block + up to 3 extensions */

/* AUX request commands: bits 7:4 of the first request byte */
#define IGVT_AUX_I2C_WRITE      0x0
#define IGVT_AUX_I2C_READ       0x1
#define IGVT_AUX_I2C_WSU        0x2     /* I2C write status update */
#define IGVT_AUX_I2C_MOT        0x4     /* middle of transaction: no STOP */
#define IGVT_AUX_NATIVE_WRITE   0x8
#define IGVT_AUX_NATIVE_READ    0x9

/* Reply codes as the first reply byte carries them (bits 7:4) */
#define IGVT_AUX_REPLY_ACK      0x00
#define IGVT_AUX_REPLY_NACK     0x10
#define IGVT_AUX_REPLY_DEFER    0x20
#define IGVT_AUX_REPLY_I2C_NACK  0x40
#define IGVT_AUX_REPLY_I2C_DEFER 0x80

#define IGVT_AUX_MAX_PAYLOAD    16
#define IGVT_AUX_REQ_MAX        (4 + IGVT_AUX_MAX_PAYLOAD)
#define IGVT_AUX_REPLY_MAX      (1 + IGVT_AUX_MAX_PAYLOAD)

/* DDC slave addresses (7-bit) */
#define IGVT_DDC_ADDR_SEGMENT   0x30
#define IGVT_DDC_ADDR_EDID      0x50

/* DPCD addresses and fields (DisplayPort 1.2) */
#define IGVT_DPCD_REV                   0x000
#define IGVT_DPCD_MAX_LINK_RATE         0x001
#define IGVT_DPCD_MAX_LANE_COUNT        0x002
#define   IGVT_DPCD_LANE_COUNT_MASK     0x1f
#define   IGVT_DPCD_TPS3_SUPPORTED      (1u << 6)
#define   IGVT_DPCD_ENHANCED_FRAME_CAP  (1u << 7)
#define IGVT_DPCD_MAX_DOWNSPREAD        0x003
#define IGVT_DPCD_MAIN_LINK_CODING      0x006
#define IGVT_DPCD_RECEIVE_PORT0_CAP0    0x008
#define   IGVT_DPCD_LOCAL_EDID_PRESENT  (1u << 1)
#define IGVT_DPCD_TRAINING_AUX_RD_INTERVAL 0x00e
#define IGVT_DPCD_MSTM_CAP              0x021
#define IGVT_DPCD_LINK_BW_SET           0x100
#define IGVT_DPCD_LANE_COUNT_SET        0x101
#define IGVT_DPCD_TRAINING_PATTERN_SET  0x102
#define   IGVT_DPCD_TRAINING_PATTERN_MASK 0x03
#define IGVT_DPCD_TRAINING_LANE0_SET    0x103
#define IGVT_DPCD_SINK_COUNT            0x200
#define IGVT_DPCD_DEVICE_SERVICE_IRQ    0x201
#define IGVT_DPCD_LANE0_1_STATUS        0x202
#define IGVT_DPCD_LANE2_3_STATUS        0x203
#define   IGVT_DPCD_LANE_CR_DONE        (1u << 0)
#define   IGVT_DPCD_LANE_CHANNEL_EQ_DONE (1u << 1)
#define   IGVT_DPCD_LANE_SYMBOL_LOCKED  (1u << 2)
#define IGVT_DPCD_LANE_ALIGN_STATUS     0x204
#define   IGVT_DPCD_INTERLANE_ALIGN_DONE (1u << 0)
#define IGVT_DPCD_SINK_STATUS           0x205
#define   IGVT_DPCD_RECEIVE_PORT0_STATUS (1u << 0)
#define IGVT_DPCD_ADJUST_REQUEST_LANE0_1 0x206
#define IGVT_DPCD_ADJUST_REQUEST_LANE2_3 0x207
#define IGVT_DPCD_SET_POWER             0x600
#define   IGVT_DPCD_SET_POWER_D0        0x1
#define   IGVT_DPCD_SET_POWER_D3        0x2
#define   IGVT_DPCD_SET_POWER_D3_AUX_ON 0x5

/*
 * The monitor's DDC slaves as seen from the bus: which slave the open
 * transaction (START seen, STOP not yet) addresses, in which direction,
 * and the two pointers.  The EDID word offset lives as long as the
 * monitor (an EEPROM's address counter); the E-DDC segment pointer goes
 * back to 0 at every STOP, as VESA E-DDC specifies.
 */
typedef struct IgvtDdc {
    uint8_t offset;             /* EDID word offset at I2C 0x50 */
    uint8_t segment;            /* E-DDC segment pointer at I2C 0x30 */
    uint8_t addr;               /* slave of the open transaction */
    bool open;                  /* START seen, no STOP yet */
    bool reading;               /* direction of the open transaction */
    bool index_next;            /* next byte written is the pointer */
} IgvtDdc;

/* Forget everything: power-on state of the monitor's DDC side */
void igvt_ddc_reset(IgvtDdc *ddc);
/*
 * A START (or repeated START) to @addr in the given direction.  Returns
 * whether a slave acknowledges: 0x50 in both directions and 0x30 for
 * writes, both only when the monitor has an EDID (@edid_size > 0).  On a
 * NACK the caller ends the transaction with igvt_ddc_stop().
 */
bool igvt_ddc_start(IgvtDdc *ddc, uint8_t addr, bool read, size_t edid_size);
/* One byte written to the addressed slave (the first one sets its pointer) */
void igvt_ddc_write(IgvtDdc *ddc, uint8_t byte);
/*
 * One byte read from the addressed slave: EDID byte segment * 256 + offset
 * (0 past @edid_size), then the offset advances, wrapping inside the
 * 256-byte segment.
 */
uint8_t igvt_ddc_read(IgvtDdc *ddc, const uint8_t *edid, size_t edid_size);
/* A STOP: the transaction ends and the segment pointer returns to 0 */
void igvt_ddc_stop(IgvtDdc *ddc);

typedef struct IgvtDpSink {
    bool connected;
    uint8_t dpcd[IGVT_DPCD_SIZE];
    uint8_t edid[IGVT_EDID_MAX];
    uint32_t edid_size;         /* bytes, multiple of 128, <= IGVT_EDID_MAX */
    IgvtDdc i2c;                /* I2C-over-AUX side: i2c.offset, .segment */
    uint32_t defer_next;        /* answer that many requests AUX_DEFER */
} IgvtDpSink;

/*
 * Power-on state: DPCD 1.2, HBR2 (0x14), 4 lanes, enhanced framing and
 * TPS3, 0.5% down-spread, 8b/10b, sink count 1, D0, link not trained;
 * no EDID (set one with igvt_dp_sink_set_edid()).
 */
void igvt_dp_sink_init(IgvtDpSink *sink, bool connected);
/*
 * Plug or unplug the monitor.  A monitor plugged in comes up in its
 * power-on state (DPCD, DDC) and keeps its EDID; an unplugged one
 * answers nothing.
 */
void igvt_dp_sink_set_connected(IgvtDpSink *sink, bool connected);
/*
 * Install the EDID: @size is rounded down to whole 128-byte blocks and
 * capped at IGVT_EDID_MAX; NULL or less than one block removes it (the
 * DDC slaves then NACK).
 */
void igvt_dp_sink_set_edid(IgvtDpSink *sink, const uint8_t *edid,
                           size_t size);
/*
 * One AUX transaction as the source sends it: @req is the request header
 * and payload exactly as i915 packs it into DP_AUX_CH_DATA1..5 (big-endian
 * bytes: cmd << 4 | addr[19:16], addr[15:8], addr[7:0], len - 1, then the
 * write data; 3 bytes for an I2C address-only request), @req_len its byte
 * count (the message size field).  Fills @reply (reply code byte first,
 * then read data) and returns its length, or -1 when nothing answers (no
 * sink: the hardware times out).  @reply_max should be at least
 * IGVT_AUX_REPLY_MAX; a smaller buffer gets a short read, 0 gets -1.
 * Malformed requests are answered AUX_NACK and change nothing.
 */
int igvt_dp_aux_transfer(IgvtDpSink *sink, const uint8_t *req,
                         unsigned req_len, uint8_t *reply,
                         unsigned reply_max);
/* Check a migrated sink; false when the stream holds an impossible state */
bool igvt_dp_sink_post_load(IgvtDpSink *sink);

#endif /* HW_DISPLAY_IGVT_AUX_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the virtual monitor's DisplayPort AUX channel and DDC slaves.
 *
 * AUX transactions (DisplayPort 1.2, as Linux's drm_dp_helper.c and
 * i915's intel_dp_aux.c drive them):
 *
 *   request  byte 0   command (bits 7:4) | address bits 19:16
 *            byte 1-2 address bits 15:0
 *            byte 3   length - 1 (absent in an I2C address-only request)
 *            byte 4-  write data, exactly length bytes
 *   reply    byte 0   reply code (bits 7:4: native 5:4, I2C 7:6)
 *            byte 1-  read data
 *
 * Native requests (command 8 write, 9 read) address the DPCD.  Reads of
 * addresses the table does not hold return 0; writes of read-only or
 * unknown fields are acknowledged and dropped, as sinks do.  A write to
 * TRAINING_PATTERN_SET runs link training at once: pattern 1 gives clock
 * recovery on every configured lane, patterns 2 and 3 add channel
 * equalisation, symbol lock and inter-lane alignment, provided
 * LINK_BW_SET and LANE_COUNT_SET hold a rate and lane count the sink
 * supports.  Voltage swing and pre-emphasis are never asked to change.
 *
 * I2C-over-AUX requests (commands 0-7) carry a 7-bit I2C address.  MOT
 * ("middle of transaction") keeps the I2C transaction open; a request
 * without it ends with a STOP.  An address-only request with MOT is a
 * (repeated) START; a data request continues the open transaction when
 * it has the same slave and direction and starts a new one otherwise.
 * drm_dp_i2c_xfer() sends START, data in 16-byte chunks, then an
 * address-only request without MOT as the STOP, for each i2c_msg of
 * drm_do_probe_ddc_edid() (segment write to 0x30, offset write to 0x50,
 * EDID read from 0x50).  A write status update (command 2) asks whether
 * the previous write finished; the writes here always have, so it is
 * acknowledged and its payload (a repeat of the write) is not applied.
 *
 * Malformed requests (fewer than 3 bytes, a native request without its
 * length byte, a length above 16, a write whose payload is not exactly
 * the length, a read with payload, reserved commands, an I2C address
 * beyond 7 bits) are answered AUX_NACK without any side effect.
 */

#include "qemu/osdep.h"
#include "hw/display/igvt/aux.h"

/* DDC ------------------------------------------------------------------ */

void igvt_ddc_reset(IgvtDdc *ddc)
{
    memset(ddc, 0, sizeof(*ddc));
}

static bool igvt_ddc_present(uint8_t addr, bool read, size_t edid_size)
{
    if (!edid_size) {
        return false;
    }
    switch (addr) {
    case IGVT_DDC_ADDR_EDID:
        return true;
    case IGVT_DDC_ADDR_SEGMENT:
        return !read;               /* the segment pointer is write-only */
    default:
        return false;
    }
}

bool igvt_ddc_start(IgvtDdc *ddc, uint8_t addr, bool read, size_t edid_size)
{
    if (!igvt_ddc_present(addr, read, edid_size)) {
        return false;
    }
    ddc->open = true;
    ddc->addr = addr;
    ddc->reading = read;
    ddc->index_next = !read;
    return true;
}

void igvt_ddc_write(IgvtDdc *ddc, uint8_t byte)
{
    if (!ddc->open || ddc->reading || !ddc->index_next) {
        /* Data bytes after the pointer: the EDID is read-only */
        return;
    }
    ddc->index_next = false;
    if (ddc->addr == IGVT_DDC_ADDR_EDID) {
        ddc->offset = byte;
    } else if (ddc->addr == IGVT_DDC_ADDR_SEGMENT) {
        ddc->segment = byte;
    }
}

uint8_t igvt_ddc_read(IgvtDdc *ddc, const uint8_t *edid, size_t edid_size)
{
    size_t pos;

    if (!ddc->open || !ddc->reading || ddc->addr != IGVT_DDC_ADDR_EDID) {
        return 0xff;                /* nobody drives the bus: pulled high */
    }
    pos = (size_t)ddc->segment * 256 + ddc->offset;
    ddc->offset++;                  /* wraps inside the segment */
    return edid && pos < edid_size ? edid[pos] : 0;
}

void igvt_ddc_stop(IgvtDdc *ddc)
{
    ddc->open = false;
    ddc->reading = false;
    ddc->index_next = false;
    ddc->segment = 0;
}

/* DPCD ----------------------------------------------------------------- */

static unsigned igvt_dp_edid_size(const IgvtDpSink *sink)
{
    return MIN(sink->edid_size, IGVT_EDID_MAX);
}

static uint8_t igvt_dpcd_get(const IgvtDpSink *sink, uint32_t addr)
{
    return addr < IGVT_DPCD_SIZE ? sink->dpcd[addr] : 0;
}

static bool igvt_dp_rate_ok(const IgvtDpSink *sink, uint8_t bw)
{
    switch (bw) {
    case 0x06:                      /* RBR, 1.62 Gbps */
    case 0x0a:                      /* HBR, 2.7 Gbps */
    case 0x14:                      /* HBR2, 5.4 Gbps */
        return bw <= sink->dpcd[IGVT_DPCD_MAX_LINK_RATE];
    default:
        return false;
    }
}

static void igvt_dp_link_lost(IgvtDpSink *sink)
{
    sink->dpcd[IGVT_DPCD_LANE0_1_STATUS] = 0;
    sink->dpcd[IGVT_DPCD_LANE2_3_STATUS] = 0;
    sink->dpcd[IGVT_DPCD_LANE_ALIGN_STATUS] = 0;
    sink->dpcd[IGVT_DPCD_SINK_STATUS] = 0;
    sink->dpcd[IGVT_DPCD_ADJUST_REQUEST_LANE0_1] = 0;
    sink->dpcd[IGVT_DPCD_ADJUST_REQUEST_LANE2_3] = 0;
}

/* The source wrote TRAINING_PATTERN_SET: the sink locks at once */
static void igvt_dp_train(IgvtDpSink *sink)
{
    uint8_t pattern = sink->dpcd[IGVT_DPCD_TRAINING_PATTERN_SET] &
                      IGVT_DPCD_TRAINING_PATTERN_MASK;
    unsigned lanes = sink->dpcd[IGVT_DPCD_LANE_COUNT_SET] & 0x0f;
    unsigned max_lanes = sink->dpcd[IGVT_DPCD_MAX_LANE_COUNT] &
                         IGVT_DPCD_LANE_COUNT_MASK;
    uint8_t bits;
    unsigned i;

    if (!pattern) {
        return;                     /* training done: the link stays up */
    }
    igvt_dp_link_lost(sink);
    if ((lanes != 1 && lanes != 2 && lanes != 4) || lanes > max_lanes ||
        !igvt_dp_rate_ok(sink, sink->dpcd[IGVT_DPCD_LINK_BW_SET])) {
        return;                     /* nothing to lock to */
    }
    bits = IGVT_DPCD_LANE_CR_DONE;
    if (pattern != 1) {
        bits |= IGVT_DPCD_LANE_CHANNEL_EQ_DONE | IGVT_DPCD_LANE_SYMBOL_LOCKED;
    }
    for (i = 0; i < lanes; i++) {
        sink->dpcd[IGVT_DPCD_LANE0_1_STATUS + i / 2] |= bits << (4 * (i & 1));
    }
    if (pattern != 1) {
        sink->dpcd[IGVT_DPCD_LANE_ALIGN_STATUS] =
            IGVT_DPCD_INTERLANE_ALIGN_DONE;
        sink->dpcd[IGVT_DPCD_SINK_STATUS] = IGVT_DPCD_RECEIVE_PORT0_STATUS;
    }
}

static void igvt_dpcd_put(IgvtDpSink *sink, uint32_t addr, uint8_t val)
{
    if (addr >= IGVT_DPCD_SIZE) {
        return;
    }
    switch (addr) {
    case IGVT_DPCD_LINK_BW_SET:
    case IGVT_DPCD_LANE_COUNT_SET:
        /* A new link configuration: the link must be trained again */
        sink->dpcd[addr] = val;
        igvt_dp_link_lost(sink);
        break;
    case IGVT_DPCD_TRAINING_PATTERN_SET:
        sink->dpcd[addr] = val;
        igvt_dp_train(sink);
        break;
    case 0x103 ... 0x1ff:           /* link and sink configuration */
    case 0x260 ... 0x261:           /* TEST_RESPONSE, TEST_EDID_CHECKSUM */
    case 0x270:                     /* TEST_SINK */
    case 0x300 ... 0x3ff:           /* source device specific */
        sink->dpcd[addr] = val;
        break;
    case IGVT_DPCD_DEVICE_SERVICE_IRQ:
        sink->dpcd[addr] &= ~val;   /* write 1 to clear */
        break;
    case IGVT_DPCD_SET_POWER:
        sink->dpcd[addr] = val & 0x07;
        if ((val & 0x07) != IGVT_DPCD_SET_POWER_D0) {
            igvt_dp_link_lost(sink);    /* the receiver powers down */
        }
        break;
    default:
        break;                      /* capabilities and status: read-only */
    }
}

/* Sink ----------------------------------------------------------------- */

static void igvt_dp_sink_power_on(IgvtDpSink *sink)
{
    uint8_t *d = sink->dpcd;

    memset(d, 0, IGVT_DPCD_SIZE);
    d[IGVT_DPCD_REV] = 0x12;
    d[IGVT_DPCD_MAX_LINK_RATE] = 0x14;
    d[IGVT_DPCD_MAX_LANE_COUNT] = 4 | IGVT_DPCD_TPS3_SUPPORTED |
                                  IGVT_DPCD_ENHANCED_FRAME_CAP;
    d[IGVT_DPCD_MAX_DOWNSPREAD] = 0x01;         /* up to 0.5% */
    d[IGVT_DPCD_MAIN_LINK_CODING] = 0x01;       /* ANSI 8b/10b */
    d[IGVT_DPCD_RECEIVE_PORT0_CAP0] =
        igvt_dp_edid_size(sink) ? IGVT_DPCD_LOCAL_EDID_PRESENT : 0;
    d[IGVT_DPCD_TRAINING_AUX_RD_INTERVAL] = 0;  /* 100 us / 400 us */
    d[IGVT_DPCD_SINK_COUNT] = 1;
    d[IGVT_DPCD_SET_POWER] = IGVT_DPCD_SET_POWER_D0;
    igvt_ddc_reset(&sink->i2c);
    sink->defer_next = 0;
}

void igvt_dp_sink_init(IgvtDpSink *sink, bool connected)
{
    memset(sink, 0, sizeof(*sink));
    sink->connected = connected;
    igvt_dp_sink_power_on(sink);
}

void igvt_dp_sink_set_connected(IgvtDpSink *sink, bool connected)
{
    if (connected && !sink->connected) {
        igvt_dp_sink_power_on(sink);
    }
    if (!connected) {
        igvt_ddc_reset(&sink->i2c);
    }
    sink->connected = connected;
}

void igvt_dp_sink_set_edid(IgvtDpSink *sink, const uint8_t *edid,
                           size_t size)
{
    size_t n = edid ? MIN(size, IGVT_EDID_MAX) : 0;

    n -= n % IGVT_EDID_BLOCK;
    memset(sink->edid, 0, sizeof(sink->edid));
    if (n) {
        memcpy(sink->edid, edid, n);
    }
    sink->edid_size = n;
    if (n) {
        sink->dpcd[IGVT_DPCD_RECEIVE_PORT0_CAP0] |=
            IGVT_DPCD_LOCAL_EDID_PRESENT;
    } else {
        sink->dpcd[IGVT_DPCD_RECEIVE_PORT0_CAP0] &=
            ~IGVT_DPCD_LOCAL_EDID_PRESENT;
    }
}

bool igvt_dp_sink_post_load(IgvtDpSink *sink)
{
    return sink->edid_size <= IGVT_EDID_MAX &&
           sink->edid_size % IGVT_EDID_BLOCK == 0;
}

/* AUX ------------------------------------------------------------------ */

static int igvt_aux_reply_code(uint8_t *reply, uint8_t code)
{
    reply[0] = code;
    return 1;
}

static int igvt_aux_native(IgvtDpSink *sink, uint8_t cmd, uint32_t addr,
                           const uint8_t *req, unsigned req_len,
                           uint8_t *reply, unsigned reply_max)
{
    unsigned len, i;

    if (req_len < 4) {
        return igvt_aux_reply_code(reply, IGVT_AUX_REPLY_NACK);
    }
    len = req[3] + 1;
    if (len > IGVT_AUX_MAX_PAYLOAD) {
        return igvt_aux_reply_code(reply, IGVT_AUX_REPLY_NACK);
    }
    if (cmd == IGVT_AUX_NATIVE_READ) {
        if (req_len != 4) {
            return igvt_aux_reply_code(reply, IGVT_AUX_REPLY_NACK);
        }
        len = MIN(len, reply_max - 1);
        reply[0] = IGVT_AUX_REPLY_ACK;
        for (i = 0; i < len; i++) {
            reply[1 + i] = igvt_dpcd_get(sink, addr + i);
        }
        return 1 + len;
    }
    if (req_len != 4 + len) {
        return igvt_aux_reply_code(reply, IGVT_AUX_REPLY_NACK);
    }
    for (i = 0; i < len; i++) {
        igvt_dpcd_put(sink, addr + i, req[4 + i]);
    }
    return igvt_aux_reply_code(reply, IGVT_AUX_REPLY_ACK);
}

static int igvt_aux_i2c(IgvtDpSink *sink, uint8_t cmd, uint32_t addr,
                        const uint8_t *req, unsigned req_len,
                        uint8_t *reply, unsigned reply_max)
{
    IgvtDdc *ddc = &sink->i2c;
    unsigned type = cmd & 3;
    bool mot = cmd & IGVT_AUX_I2C_MOT;
    bool read = type == IGVT_AUX_I2C_READ;
    unsigned esize = igvt_dp_edid_size(sink);
    unsigned len = 0, i;
    uint8_t code = IGVT_AUX_REPLY_ACK;

    /* Validate everything before touching the bus */
    if (type == 3 || addr > 0x7f) {
        return igvt_aux_reply_code(reply, IGVT_AUX_REPLY_NACK);
    }
    if (req_len > 3) {
        len = req[3] + 1;
        if (len > IGVT_AUX_MAX_PAYLOAD ||
            req_len != (read ? 4 : 4 + len)) {
            return igvt_aux_reply_code(reply, IGVT_AUX_REPLY_NACK);
        }
    }

    if (type == IGVT_AUX_I2C_WSU) {
        /* The previous write completed; tell so, and change nothing */
        if (!(ddc->open && ddc->addr == addr) &&
            !igvt_ddc_present(addr, false, esize)) {
            code = IGVT_AUX_REPLY_I2C_NACK;
        }
    } else if (!len) {
        /* Address only: START with MOT, STOP without */
        if (!igvt_ddc_start(ddc, addr, read, esize)) {
            code = IGVT_AUX_REPLY_I2C_NACK;
            mot = false;
        }
    } else {
        if (!(ddc->open && ddc->addr == addr && ddc->reading == read) &&
            !igvt_ddc_start(ddc, addr, read, esize)) {
            code = IGVT_AUX_REPLY_I2C_NACK;
            mot = false;
        } else if (read) {
            len = MIN(len, reply_max - 1);
            for (i = 0; i < len; i++) {
                reply[1 + i] = igvt_ddc_read(ddc, sink->edid, esize);
            }
        } else {
            for (i = 0; i < len; i++) {
                igvt_ddc_write(ddc, req[4 + i]);
            }
        }
    }
    if (!mot) {
        igvt_ddc_stop(ddc);
    }
    reply[0] = code;
    return code == IGVT_AUX_REPLY_ACK && read ? 1 + len : 1;
}

int igvt_dp_aux_transfer(IgvtDpSink *sink, const uint8_t *req,
                         unsigned req_len, uint8_t *reply,
                         unsigned reply_max)
{
    uint8_t cmd;
    uint32_t addr;

    if (!sink->connected || !reply_max) {
        return -1;
    }
    if (sink->defer_next) {
        sink->defer_next--;
        return igvt_aux_reply_code(reply, IGVT_AUX_REPLY_DEFER);
    }
    if (!req || req_len < 3 || req_len > IGVT_AUX_REQ_MAX) {
        return igvt_aux_reply_code(reply, IGVT_AUX_REPLY_NACK);
    }
    cmd = req[0] >> 4;
    addr = (req[0] & 0x0f) << 16 | req[1] << 8 | req[2];
    switch (cmd) {
    case IGVT_AUX_NATIVE_WRITE:
    case IGVT_AUX_NATIVE_READ:
        return igvt_aux_native(sink, cmd, addr, req, req_len, reply,
                               reply_max);
    case 0x0 ... 0x7:
        return igvt_aux_i2c(sink, cmd, addr, req, req_len, reply, reply_max);
    default:
        return igvt_aux_reply_code(reply, IGVT_AUX_REPLY_NACK);
    }
}

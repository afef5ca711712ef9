/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for igvt's virtual monitor: the DisplayPort sink behind the
 * AUX channel (hw/display/igvt/aux.c) and the GMBUS controller
 * (hw/display/igvt/gmbus.c).
 *
 * The guest side is played the way Linux drives the hardware: AUX
 * requests are packed as i915's intel_dp_aux_xfer() packs them, EDID
 * reads over AUX follow drm_dp_i2c_xfer() and drm_do_probe_ddc_edid(),
 * and GMBUS transfers follow i915's do_gmbus_xfer() register by register,
 * including its NAK clean-up and Kaby Lake burst reads.  DPCD offsets and
 * bits are spelled out here from the DisplayPort spec, not taken from the
 * code under test.  Reply buffers carry a canary past the size handed to
 * the code, so any write out of bounds fails a test.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "hw/display/igvt/aux.h"
#include "hw/display/igvt/gmbus.h"

#define CANARY          0xa5
#define BUF_LEN         64

#define ACK             0x00
#define AUX_NACK        0x10
#define AUX_DEFER       0x20
#define I2C_NACK        0x40

#define CMD_I2C_WRITE   0x0
#define CMD_I2C_READ    0x1
#define CMD_I2C_WSU     0x2
#define CMD_MOT         0x4
#define CMD_WRITE       0x8
#define CMD_READ        0x9

/*
 * A test EDID of @blocks blocks: real header and checksums, and bytes
 * that differ from block to block
 */
static void make_edid(uint8_t *edid, unsigned blocks)
{
    static const uint8_t header[8] = {
        0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00
    };
    unsigned b, i;

    for (b = 0; b < blocks; b++) {
        uint8_t *blk = edid + 128 * b;
        uint8_t sum = 0;

        for (i = 0; i < 127; i++) {
            blk[i] = (uint8_t)(b * 61 + i * 7 + 3);
        }
        if (b == 0) {
            memcpy(blk, header, sizeof(header));
            blk[0x12] = 1;                      /* EDID 1.4 */
            blk[0x13] = 4;
            blk[126] = blocks - 1;              /* extension count */
        } else {
            blk[0] = 0x02;                      /* CTA extension */
            blk[1] = 0x03;
        }
        for (i = 0; i < 127; i++) {
            sum += blk[i];
        }
        blk[127] = -sum;
    }
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)ldl_le_p(p);
}

static bool edid_block_ok(const uint8_t *blk)
{
    uint8_t sum = 0;
    unsigned i;

    for (i = 0; i < 128; i++) {
        sum += blk[i];
    }
    return sum == 0;
}

/* ---- AUX helpers -------------------------------------------------- */

/* Run one request; check that nothing past @reply_max was written */
static int aux(IgvtDpSink *s, const uint8_t *req, unsigned req_len,
               uint8_t *reply, unsigned reply_max)
{
    uint8_t buf[BUF_LEN];
    unsigned i;
    int ret;

    g_assert_cmpuint(reply_max, <=, BUF_LEN);
    memset(buf, CANARY, sizeof(buf));
    ret = igvt_dp_aux_transfer(s, req, req_len, buf, reply_max);
    for (i = ret < 0 ? 0 : ret; i < BUF_LEN; i++) {
        g_assert_cmphex(buf[i], ==, CANARY);
    }
    g_assert_cmpint(ret, <=, (int)reply_max);
    if (reply) {
        memcpy(reply, buf, sizeof(buf));
    }
    return ret;
}

static void pack_header(uint8_t *req, uint8_t cmd, uint32_t addr)
{
    req[0] = cmd << 4 | ((addr >> 16) & 0xf);
    req[1] = addr >> 8;
    req[2] = addr;
}

/* A native read as i915 sends it; returns the reply code */
static uint8_t dpcd_read(IgvtDpSink *s, uint32_t addr, uint8_t *data,
                         unsigned len)
{
    uint8_t req[4], reply[BUF_LEN];
    int ret;

    pack_header(req, CMD_READ, addr);
    req[3] = len - 1;
    ret = aux(s, req, 4, reply, 20);
    g_assert_cmpint(ret, >=, 1);
    if (reply[0] == ACK) {
        g_assert_cmpint(ret, ==, 1 + len);
        if (len) {
            memcpy(data, reply + 1, len);
        }
    } else {
        g_assert_cmpint(ret, ==, 1);
    }
    return reply[0];
}

static uint8_t dpcd_readb(IgvtDpSink *s, uint32_t addr)
{
    uint8_t v;

    g_assert_cmphex(dpcd_read(s, addr, &v, 1), ==, ACK);
    return v;
}

static uint8_t dpcd_write(IgvtDpSink *s, uint32_t addr, const uint8_t *data,
                          unsigned len)
{
    uint8_t req[IGVT_AUX_REQ_MAX], reply[BUF_LEN];
    int ret;

    pack_header(req, CMD_WRITE, addr);
    req[3] = len - 1;
    memcpy(req + 4, data, len);
    ret = aux(s, req, 4 + len, reply, 20);
    g_assert_cmpint(ret, ==, 1);
    return reply[0];
}

static void dpcd_writeb(IgvtDpSink *s, uint32_t addr, uint8_t v)
{
    g_assert_cmphex(dpcd_write(s, addr, &v, 1), ==, ACK);
}

/* An I2C-over-AUX request: address only when @len is 0 */
static uint8_t i2c_req(IgvtDpSink *s, uint8_t cmd, uint8_t addr,
                       uint8_t *data, unsigned len)
{
    uint8_t req[IGVT_AUX_REQ_MAX], reply[BUF_LEN];
    bool read = (cmd & 3) == CMD_I2C_READ;
    unsigned req_len = 3;
    int ret;

    pack_header(req, cmd, addr);
    if (len) {
        req[3] = len - 1;
        req_len = 4;
        if (!read) {
            memcpy(req + 4, data, len);
            req_len += len;
        }
    }
    ret = aux(s, req, req_len, reply, 20);
    g_assert_cmpint(ret, >=, 1);
    if (reply[0] == ACK && read) {
        g_assert_cmpint(ret, ==, 1 + len);
        if (len) {
            memcpy(data, reply + 1, len);
        }
    } else {
        g_assert_cmpint(ret, ==, 1);
    }
    return reply[0];
}

typedef struct I2cMsg {
    uint8_t addr;
    bool read;
    unsigned len;
    uint8_t *buf;
} I2cMsg;

/*
 * drm_dp_i2c_xfer(): per message an address-only START, the data in
 * 16-byte requests, all with MOT; then an address-only request without
 * MOT as the STOP.  Returns 0, or -1 when something was not ACKed.
 */
static int dp_i2c_xfer(IgvtDpSink *s, I2cMsg *msgs, unsigned num)
{
    uint8_t cmd = 0;
    int err = 0;
    unsigned i, j;

    for (i = 0; i < num && !err; i++) {
        cmd = (msgs[i].read ? CMD_I2C_READ : CMD_I2C_WRITE) | CMD_MOT;
        if (i2c_req(s, cmd, msgs[i].addr, NULL, 0) != ACK) {
            err = -1;
            break;
        }
        for (j = 0; j < msgs[i].len; j += 16) {
            unsigned n = MIN(16, msgs[i].len - j);

            if (i2c_req(s, cmd, msgs[i].addr, msgs[i].buf + j, n) != ACK) {
                err = -1;
                break;
            }
        }
    }
    i2c_req(s, cmd & ~CMD_MOT, msgs[MIN(i, num - 1)].addr, NULL, 0);
    return err;
}

/* drm_do_probe_ddc_edid() for one 128-byte block */
static int dp_read_edid_block(IgvtDpSink *s, unsigned block, uint8_t *buf)
{
    uint8_t segment = block >> 1;
    uint8_t start = block * 128;
    I2cMsg msgs[3] = {
        { IGVT_DDC_ADDR_SEGMENT, false, 1, &segment },
        { IGVT_DDC_ADDR_EDID, false, 1, &start },
        { IGVT_DDC_ADDR_EDID, true, 128, buf },
    };

    return segment ? dp_i2c_xfer(s, msgs, 3) : dp_i2c_xfer(s, msgs + 1, 2);
}

static void sink_with_edid(IgvtDpSink *s, uint8_t *edid, unsigned blocks)
{
    igvt_dp_sink_init(s, true);
    make_edid(edid, blocks);
    igvt_dp_sink_set_edid(s, edid, blocks * 128);
}

/* ---- AUX tests ---------------------------------------------------- */

static void test_dpcd_caps(void)
{
    IgvtDpSink s;
    uint8_t caps[16], buf[16];
    unsigned i;

    igvt_dp_sink_init(&s, true);
    /* drm_dp_read_dpcd_caps(): DP_RECEIVER_CAP_SIZE (15) bytes at 0 */
    g_assert_cmphex(dpcd_read(&s, 0x000, caps, 15), ==, ACK);
    g_assert_cmphex(caps[0x0], ==, 0x12);       /* DPCD 1.2 */
    g_assert_cmphex(caps[0x1], ==, 0x14);       /* HBR2 */
    g_assert_cmphex(caps[0x2] & 0x1f, ==, 4);   /* 4 lanes */
    g_assert_true(caps[0x2] & 0x80);            /* enhanced framing */
    g_assert_true(caps[0x2] & 0x40);            /* TPS3 (HBR2 needs it) */
    g_assert_cmphex(caps[0x3] & 0x01, ==, 0x01);    /* 0.5% downspread */
    g_assert_cmphex(caps[0x3] & 0x40, ==, 0);   /* no AUX-less training */
    g_assert_cmphex(caps[0x5] & 0x01, ==, 0);   /* no downstream port */
    g_assert_cmphex(caps[0x6], ==, 0x01);       /* 8b/10b */
    g_assert_cmphex(caps[0x7], ==, 0);          /* no OUI, no ports */
    g_assert_cmphex(caps[0x8] & 0x02, ==, 0);   /* no EDID yet */
    g_assert_cmphex(caps[0xe], ==, 0);          /* TRAINING_AUX_RD 0 */
    g_assert_cmphex(dpcd_readb(&s, 0x00f), ==, 0);
    g_assert_cmphex(dpcd_readb(&s, 0x021), ==, 0);  /* no MST */
    g_assert_cmphex(dpcd_readb(&s, 0x060), ==, 0);  /* no DSC */
    g_assert_cmphex(dpcd_readb(&s, 0x070), ==, 0);  /* no PSR */
    g_assert_cmphex(dpcd_readb(&s, 0x200), ==, 1);  /* sink count */
    g_assert_cmphex(dpcd_readb(&s, 0x201), ==, 0);
    g_assert_cmphex(dpcd_readb(&s, 0x202), ==, 0);  /* not trained */
    g_assert_cmphex(dpcd_readb(&s, 0x600), ==, 1);  /* D0 */

    /* The same bytes in any read size */
    for (i = 0; i < 15; i++) {
        g_assert_cmphex(dpcd_readb(&s, i), ==, caps[i]);
    }

    /* Straddling the end of the table: table bytes, then zeros */
    memset(s.dpcd + IGVT_DPCD_SIZE - 8, 0x5a, 8);
    g_assert_cmphex(dpcd_read(&s, IGVT_DPCD_SIZE - 8, buf, 16), ==, ACK);
    for (i = 0; i < 16; i++) {
        g_assert_cmphex(buf[i], ==, i < 8 ? 0x5a : 0);
    }
    /* LTTPR caps (0xF0000) and the top of the address space read 0 */
    memset(buf, 0xff, sizeof(buf));
    g_assert_cmphex(dpcd_read(&s, 0xf0000, buf, 8), ==, ACK);
    for (i = 0; i < 8; i++) {
        g_assert_cmphex(buf[i], ==, 0);
    }
    memset(buf, 0xff, sizeof(buf));
    g_assert_cmphex(dpcd_read(&s, 0xffff8, buf, 16), ==, ACK);
    for (i = 0; i < 16; i++) {
        g_assert_cmphex(buf[i], ==, 0);
    }

    /* An EDID makes RECEIVE_PORT0_CAP_0 report it */
    {
        uint8_t edid[128];

        make_edid(edid, 1);
        igvt_dp_sink_set_edid(&s, edid, sizeof(edid));
        g_assert_cmphex(dpcd_readb(&s, 0x008) & 0x02, ==, 0x02);
    }
}

static void test_dpcd_write(void)
{
    IgvtDpSink s;
    uint8_t cfg[2] = { 0x0a, 0x82 }, buf[4];
    uint8_t oui[3] = { 0x00, 0xaa, 0x01 };

    igvt_dp_sink_init(&s, true);

    /* Capabilities and status are read-only: ACKed, dropped */
    dpcd_writeb(&s, 0x000, 0x14);
    dpcd_writeb(&s, 0x001, 0x1e);
    dpcd_writeb(&s, 0x00e, 0x04);
    dpcd_writeb(&s, 0x200, 0x00);
    dpcd_writeb(&s, 0x202, 0x77);
    g_assert_cmphex(dpcd_readb(&s, 0x000), ==, 0x12);
    g_assert_cmphex(dpcd_readb(&s, 0x001), ==, 0x14);
    g_assert_cmphex(dpcd_readb(&s, 0x00e), ==, 0);
    g_assert_cmphex(dpcd_readb(&s, 0x200), ==, 1);
    g_assert_cmphex(dpcd_readb(&s, 0x202), ==, 0);

    /* Link configuration reads back */
    g_assert_cmphex(dpcd_write(&s, 0x100, cfg, 2), ==, ACK);
    g_assert_cmphex(dpcd_read(&s, 0x100, buf, 2), ==, ACK);
    g_assert_cmphex(buf[0], ==, 0x0a);
    g_assert_cmphex(buf[1], ==, 0x82);
    dpcd_writeb(&s, 0x107, 0x10);               /* DOWNSPREAD_CTRL */
    dpcd_writeb(&s, 0x108, 0x01);               /* 8b/10b */
    g_assert_cmphex(dpcd_readb(&s, 0x107), ==, 0x10);
    g_assert_cmphex(dpcd_readb(&s, 0x108), ==, 0x01);

    /* Source OUI is writable, sink OUI is not */
    g_assert_cmphex(dpcd_write(&s, 0x300, oui, 3), ==, ACK);
    g_assert_cmphex(dpcd_read(&s, 0x300, buf, 3), ==, ACK);
    g_assert_cmpmem(buf, 3, oui, 3);
    g_assert_cmphex(dpcd_write(&s, 0x400, oui, 3), ==, ACK);
    g_assert_cmphex(dpcd_read(&s, 0x400, buf, 3), ==, ACK);
    g_assert_cmphex(buf[0] | buf[1] | buf[2], ==, 0);

    /* SET_POWER */
    dpcd_writeb(&s, 0x600, 0x02);
    g_assert_cmphex(dpcd_readb(&s, 0x600), ==, 0x02);
    dpcd_writeb(&s, 0x600, 0x01);
    g_assert_cmphex(dpcd_readb(&s, 0x600), ==, 0x01);

    /* DEVICE_SERVICE_IRQ_VECTOR: write 1 to clear */
    s.dpcd[0x201] = 0x06;
    dpcd_writeb(&s, 0x201, 0x02);
    g_assert_cmphex(dpcd_readb(&s, 0x201), ==, 0x04);

    /* Outside the table: ACKed, nothing anywhere changes */
    {
        IgvtDpSink before = s;

        dpcd_writeb(&s, IGVT_DPCD_SIZE, 0xff);
        dpcd_writeb(&s, 0xf0003, 0x55);         /* LTTPR mode */
        dpcd_writeb(&s, 0xfffff, 0xff);
        g_assert_cmpmem(&before, sizeof(before), &s, sizeof(s));
    }

    /* A write straddling the end stores the part inside */
    {
        uint8_t d[4] = { 1, 2, 3, 4 };

        g_assert_cmphex(dpcd_write(&s, 0x3fe, d, 4), ==, ACK);
        g_assert_cmphex(dpcd_readb(&s, 0x3fe), ==, 1);
        g_assert_cmphex(dpcd_readb(&s, 0x3ff), ==, 2);
        g_assert_cmphex(dpcd_readb(&s, 0x400), ==, 0);  /* read-only */
    }
}

static void read_link_status(IgvtDpSink *s, uint8_t *st)
{
    /* drm_dp_dpcd_read_link_status(): DP_LINK_STATUS_SIZE bytes at 0x202 */
    g_assert_cmphex(dpcd_read(s, 0x202, st, 6), ==, ACK);
}

/* intel_dp_set_link_train(): pattern and the per-lane drive in one write */
static void set_link_train(IgvtDpSink *s, uint8_t pattern, unsigned lanes)
{
    uint8_t buf[5] = { pattern, 0, 0, 0, 0 };

    g_assert_cmphex(dpcd_write(s, 0x102, buf, 1 + lanes), ==, ACK);
}

static void test_link_training(void)
{
    static const struct {
        uint8_t lane_count_set;
        unsigned lanes;
        uint8_t st01, st23;
    } cases[] = {
        { 0x84, 4, 0x77, 0x77 },
        { 0x82, 2, 0x77, 0x00 },
        { 0x81, 1, 0x07, 0x00 },
        { 0x04, 4, 0x77, 0x77 },                /* no enhanced framing */
    };
    static const uint8_t rates[] = { 0x06, 0x0a, 0x14 };
    IgvtDpSink s;
    uint8_t st[6];
    unsigned i, r;

    for (r = 0; r < ARRAY_SIZE(rates); r++) {
        for (i = 0; i < ARRAY_SIZE(cases); i++) {
            uint8_t cfg[2] = { rates[r], cases[i].lane_count_set };

            igvt_dp_sink_init(&s, true);
            /* intel_dp_prepare_link_train() */
            g_assert_cmphex(dpcd_write(&s, 0x100, cfg, 2), ==, ACK);
            dpcd_writeb(&s, 0x107, 0x10);
            dpcd_writeb(&s, 0x108, 0x01);
            read_link_status(&s, st);
            g_assert_cmphex(st[0] | st[1] | st[2], ==, 0);

            /* Clock recovery, TPS1 with scrambling disabled */
            set_link_train(&s, 0x21, cases[i].lanes);
            read_link_status(&s, st);
            g_assert_cmphex(st[0], ==, cases[i].st01 & 0x11);
            g_assert_cmphex(st[1], ==, cases[i].st23 & 0x11);
            g_assert_cmphex(st[2] & 0x01, ==, 0);   /* not aligned yet */
            g_assert_cmphex(st[4], ==, 0);          /* no adjust request */
            g_assert_cmphex(st[5], ==, 0);

            /* Channel equalisation with TPS3 (sink supports it) */
            set_link_train(&s, 0x23, cases[i].lanes);
            read_link_status(&s, st);
            g_assert_cmphex(st[0], ==, cases[i].st01);
            g_assert_cmphex(st[1], ==, cases[i].st23);
            g_assert_cmphex(st[2], ==, 0x01);       /* INTERLANE_ALIGN */
            g_assert_cmphex(st[3] & 0x01, ==, 0x01);    /* port 0 in sync */
            g_assert_cmphex(st[4], ==, 0);
            g_assert_cmphex(st[5], ==, 0);

            /* intel_dp_stop_link_train(): pattern off, link stays up */
            dpcd_writeb(&s, 0x102, 0x00);
            read_link_status(&s, st);
            g_assert_cmphex(st[0], ==, cases[i].st01);
            g_assert_cmphex(st[1], ==, cases[i].st23);
            g_assert_cmphex(st[2], ==, 0x01);
            g_assert_cmphex(dpcd_readb(&s, 0x102), ==, 0);
        }
    }

    /* TPS2 equalises too */
    igvt_dp_sink_init(&s, true);
    dpcd_writeb(&s, 0x100, 0x14);
    dpcd_writeb(&s, 0x101, 0x84);
    set_link_train(&s, 0x21, 4);
    set_link_train(&s, 0x22, 4);
    read_link_status(&s, st);
    g_assert_cmphex(st[0], ==, 0x77);
    g_assert_cmphex(st[1], ==, 0x77);
    g_assert_cmphex(st[2], ==, 0x01);

    /* Retraining from TPS1 starts over */
    set_link_train(&s, 0x21, 4);
    read_link_status(&s, st);
    g_assert_cmphex(st[0], ==, 0x11);
    g_assert_cmphex(st[2], ==, 0x00);
    set_link_train(&s, 0x23, 4);

    /* A new link configuration or D3 loses the link */
    dpcd_writeb(&s, 0x102, 0x00);
    dpcd_writeb(&s, 0x101, 0x84);
    read_link_status(&s, st);
    g_assert_cmphex(st[0] | st[1] | st[2] | st[3], ==, 0);
    set_link_train(&s, 0x21, 4);
    set_link_train(&s, 0x23, 4);
    dpcd_writeb(&s, 0x102, 0x00);
    dpcd_writeb(&s, 0x600, 0x02);
    read_link_status(&s, st);
    g_assert_cmphex(st[0] | st[1] | st[2] | st[3], ==, 0);
    dpcd_writeb(&s, 0x600, 0x01);
    read_link_status(&s, st);
    g_assert_cmphex(st[0] | st[1] | st[2] | st[3], ==, 0);
}

static void test_link_training_invalid(void)
{
    static const uint8_t bad[][2] = {
        { 0x14, 0x83 },                         /* 3 lanes */
        { 0x14, 0x80 },                         /* 0 lanes */
        { 0x14, 0x88 },                         /* 8 lanes */
        { 0x1e, 0x84 },                         /* HBR3 > max */
        { 0x00, 0x84 },                         /* no rate */
        { 0x0c, 0x84 },                         /* not a DP rate */
    };
    IgvtDpSink s;
    uint8_t st[6];
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        igvt_dp_sink_init(&s, true);
        g_assert_cmphex(dpcd_write(&s, 0x100, bad[i], 2), ==, ACK);
        set_link_train(&s, 0x21, 4);
        read_link_status(&s, st);
        g_assert_cmphex(st[0] | st[1] | st[2] | st[3], ==, 0);
        set_link_train(&s, 0x23, 4);
        read_link_status(&s, st);
        g_assert_cmphex(st[0] | st[1] | st[2] | st[3], ==, 0);
    }

    /* Pattern bits above 1:0 do not count on a DPCD 1.2 sink */
    igvt_dp_sink_init(&s, true);
    dpcd_writeb(&s, 0x100, 0x14);
    dpcd_writeb(&s, 0x101, 0x84);
    dpcd_writeb(&s, 0x102, 0x20);
    read_link_status(&s, st);
    g_assert_cmphex(st[0] | st[1], ==, 0);
}

static void test_aux_edid(void)
{
    IgvtDpSink s;
    uint8_t edid[256], buf[128];

    sink_with_edid(&s, edid, 2);
    g_assert_cmpuint(s.edid_size, ==, 256);

    /* Block 0, then block 1 at offset 128, as drm_do_get_edid() does */
    memset(buf, 0, sizeof(buf));
    g_assert_cmpint(dp_read_edid_block(&s, 0, buf), ==, 0);
    g_assert_cmpmem(buf, 128, edid, 128);
    g_assert_true(edid_block_ok(buf));
    g_assert_cmpuint(buf[126], ==, 1);
    memset(buf, 0, sizeof(buf));
    g_assert_cmpint(dp_read_edid_block(&s, 1, buf), ==, 0);
    g_assert_cmpmem(buf, 128, edid + 128, 128);
    g_assert_false(s.i2c.open);                 /* STOP was sent */

    /* Block 0 again after block 1: the offset write moves the pointer */
    g_assert_cmpint(dp_read_edid_block(&s, 0, buf), ==, 0);
    g_assert_cmpmem(buf, 128, edid, 128);

    /* Odd chunk sizes still line up */
    {
        uint8_t off = 5, out[7];

        g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, 0x50, &off, 1),
                        ==, ACK);
        g_assert_cmphex(i2c_req(&s, CMD_I2C_READ | CMD_MOT, 0x50, out, 7),
                        ==, ACK);
        g_assert_cmpmem(out, 7, edid + 5, 7);
        g_assert_cmphex(i2c_req(&s, CMD_I2C_READ | CMD_MOT, 0x50, out, 3),
                        ==, ACK);
        g_assert_cmpmem(out, 3, edid + 12, 3);
        g_assert_cmphex(i2c_req(&s, CMD_I2C_READ, 0x50, NULL, 0), ==, ACK);
    }

    /* Reading across 255 wraps inside the segment, like a DDC EEPROM */
    {
        uint8_t off = 250, out[12];
        unsigned i;

        g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, 0x50, &off, 1),
                        ==, ACK);
        g_assert_cmphex(i2c_req(&s, CMD_I2C_READ | CMD_MOT, 0x50, out, 12),
                        ==, ACK);
        for (i = 0; i < 12; i++) {
            g_assert_cmphex(out[i], ==, edid[(250 + i) & 0xff]);
        }
        g_assert_cmphex(i2c_req(&s, CMD_I2C_READ, 0x50, NULL, 0), ==, ACK);
    }
}

static void test_aux_edid_segment(void)
{
    IgvtDpSink s;
    uint8_t edid[512], buf[128];
    unsigned b;

    sink_with_edid(&s, edid, 4);
    for (b = 0; b < 4; b++) {
        memset(buf, 0, sizeof(buf));
        g_assert_cmpint(dp_read_edid_block(&s, b, buf), ==, 0);
        g_assert_cmpmem(buf, 128, edid + 128 * b, 128);
        g_assert_true(edid_block_ok(buf));
        g_assert_cmpuint(s.i2c.segment, ==, 0);     /* STOP reset it */
    }

    /* The segment holds only until the STOP: offset 0 is block 0 again */
    g_assert_cmpint(dp_read_edid_block(&s, 2, buf), ==, 0);
    {
        uint8_t start = 0;
        I2cMsg msgs[2] = {
            { 0x50, false, 1, &start },
            { 0x50, true, 128, buf },
        };

        g_assert_cmpint(dp_i2c_xfer(&s, msgs, 2), ==, 0);
        g_assert_cmpmem(buf, 128, edid, 128);
    }

    /* A segment write ended by its own STOP is forgotten */
    {
        uint8_t seg = 1, out[4];

        g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE, 0x30, &seg, 1), ==, ACK);
        g_assert_cmpuint(s.i2c.segment, ==, 0);
        seg = 0;
        g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, 0x50, &seg, 1),
                        ==, ACK);
        g_assert_cmphex(i2c_req(&s, CMD_I2C_READ, 0x50, out, 4), ==, ACK);
        g_assert_cmpmem(out, 4, edid, 4);
    }
}

static void test_aux_edid_past_end(void)
{
    IgvtDpSink s;
    uint8_t edid[128], buf[128];
    unsigned i;

    sink_with_edid(&s, edid, 1);
    /*
     * Past the EDID the monitor returns zeros, as an I2C slave cannot
     * refuse data bytes once it acknowledged its address
     */
    memset(buf, 0xff, sizeof(buf));
    g_assert_cmpint(dp_read_edid_block(&s, 1, buf), ==, 0);
    for (i = 0; i < 128; i++) {
        g_assert_cmphex(buf[i], ==, 0);
    }
    memset(buf, 0xff, sizeof(buf));
    g_assert_cmpint(dp_read_edid_block(&s, 3, buf), ==, 0);
    for (i = 0; i < 128; i++) {
        g_assert_cmphex(buf[i], ==, 0);
    }
    /* Segment 127, offset 255: far outside, still in bounds */
    {
        uint8_t seg = 127, off = 255, out[16];
        I2cMsg msgs[3] = {
            { 0x30, false, 1, &seg },
            { 0x50, false, 1, &off },
            { 0x50, true, 16, out },
        };

        memset(out, 0xff, sizeof(out));
        g_assert_cmpint(dp_i2c_xfer(&s, msgs, 3), ==, 0);
        for (i = 0; i < 16; i++) {
            g_assert_cmphex(out[i], ==, 0);
        }
    }
}

static void test_aux_i2c_nack(void)
{
    IgvtDpSink s;
    uint8_t edid[128], buf[16], off = 0;
    static const uint8_t absent[] = { 0x00, 0x37, 0x3a, 0x40, 0x51, 0x7f };
    unsigned i;

    sink_with_edid(&s, edid, 1);
    for (i = 0; i < ARRAY_SIZE(absent); i++) {
        uint8_t a = absent[i];

        g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, a, NULL, 0), ==,
                        I2C_NACK);
        g_assert_false(s.i2c.open);
        g_assert_cmphex(i2c_req(&s, CMD_I2C_READ | CMD_MOT, a, buf, 16), ==,
                        I2C_NACK);
        g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, a, &off, 1), ==,
                        I2C_NACK);
        g_assert_cmphex(i2c_req(&s, CMD_I2C_READ, a, NULL, 0), ==, I2C_NACK);
    }

    /* DDC/CI at 0x37 as drm_dp_i2c_xfer sees it */
    {
        uint8_t cmd[2] = { 0x51, 0x82 };
        I2cMsg msgs[1] = { { 0x37, false, 2, cmd } };

        g_assert_cmpint(dp_i2c_xfer(&s, msgs, 1), ==, -1);
    }

    /* The segment pointer cannot be read */
    g_assert_cmphex(i2c_req(&s, CMD_I2C_READ | CMD_MOT, 0x30, NULL, 0), ==,
                    I2C_NACK);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_READ | CMD_MOT, 0x30, buf, 1), ==,
                    I2C_NACK);

    /* A NACK in the middle of a transaction ends it (segment back to 0) */
    {
        uint8_t seg = 1;

        g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, 0x30, &seg, 1),
                        ==, ACK);
        g_assert_cmpuint(s.i2c.segment, ==, 1);
        g_assert_cmphex(i2c_req(&s, CMD_I2C_READ | CMD_MOT, 0x37, NULL, 0),
                        ==, I2C_NACK);
        g_assert_cmpuint(s.i2c.segment, ==, 0);
        g_assert_false(s.i2c.open);
    }

    /* Without an EDID nothing answers on the DDC bus */
    igvt_dp_sink_init(&s, true);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, 0x50, NULL, 0), ==,
                    I2C_NACK);
    g_assert_cmpint(dp_read_edid_block(&s, 0, buf), ==, -1);
    g_assert_cmpint(dp_read_edid_block(&s, 2, buf), ==, -1);
}

static void test_aux_i2c_mot(void)
{
    IgvtDpSink s;
    uint8_t edid[256], out[16], off = 0x10;

    sink_with_edid(&s, edid, 2);

    /*
     * Every request without MOT: each is its own START..STOP, the
     * EEPROM's pointer carries on from one to the next
     */
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE, 0x50, &off, 1), ==, ACK);
    g_assert_false(s.i2c.open);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_READ, 0x50, out, 16), ==, ACK);
    g_assert_cmpmem(out, 16, edid + 0x10, 16);
    g_assert_false(s.i2c.open);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_READ, 0x50, out, 16), ==, ACK);
    g_assert_cmpmem(out, 16, edid + 0x20, 16);

    /* With MOT the transaction stays open */
    g_assert_cmphex(i2c_req(&s, CMD_I2C_READ | CMD_MOT, 0x50, out, 16), ==,
                    ACK);
    g_assert_true(s.i2c.open);
    g_assert_cmpmem(out, 16, edid + 0x30, 16);

    /* A second byte written after the offset is data, not a new offset */
    {
        uint8_t two[2] = { 0x40, 0x99 };

        g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, 0x50, two, 2),
                        ==, ACK);
        g_assert_cmpuint(s.i2c.offset, ==, 0x40);
        g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, 0x50, two + 1,
                                1), ==, ACK);
        g_assert_cmpuint(s.i2c.offset, ==, 0x40);
        g_assert_cmphex(i2c_req(&s, CMD_I2C_READ, 0x50, out, 4), ==, ACK);
        g_assert_cmpmem(out, 4, edid + 0x40, 4);
    }

    /* An address-only START makes the next written byte the offset again */
    off = 0x80;
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, 0x50, NULL, 0), ==,
                    ACK);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, 0x50, &off, 1), ==,
                    ACK);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_READ | CMD_MOT, 0x50, NULL, 0), ==,
                    ACK);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_READ | CMD_MOT, 0x50, out, 16), ==,
                    ACK);
    g_assert_cmpmem(out, 16, edid + 0x80, 16);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_READ, 0x50, NULL, 0), ==, ACK);
    g_assert_false(s.i2c.open);
}

static void test_aux_i2c_wsu(void)
{
    IgvtDpSink s;
    uint8_t edid[256], out[4], off = 0x20, other = 0x60;

    sink_with_edid(&s, edid, 2);

    /* drm_dp_i2c_msg_write_status_update(): same address, same payload */
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, 0x50, NULL, 0), ==,
                    ACK);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, 0x50, &off, 1), ==,
                    ACK);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WSU | CMD_MOT, 0x50, &off, 1), ==,
                    ACK);
    /* ... and it is a question only: its payload is not written again */
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WSU | CMD_MOT, 0x50, &other, 1), ==,
                    ACK);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WSU | CMD_MOT, 0x50, NULL, 0), ==,
                    ACK);
    g_assert_cmpuint(s.i2c.offset, ==, 0x20);
    /* Not even right after a START, where a write would set the offset */
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, 0x50, NULL, 0), ==,
                    ACK);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WSU | CMD_MOT, 0x50, &other, 1), ==,
                    ACK);
    g_assert_cmpuint(s.i2c.offset, ==, 0x20);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_READ | CMD_MOT, 0x50, out, 4), ==,
                    ACK);
    g_assert_cmpmem(out, 4, edid + 0x20, 4);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_READ, 0x50, NULL, 0), ==, ACK);

    /* Without MOT it ends the transaction */
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, 0x30, NULL, 0), ==,
                    ACK);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WSU, 0x30, NULL, 0), ==, ACK);
    g_assert_false(s.i2c.open);

    /* Nobody at the address: NACK */
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WSU, 0x37, NULL, 0), ==, I2C_NACK);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WSU, 0x37, &off, 1), ==, I2C_NACK);
}

static void test_aux_disconnected(void)
{
    IgvtDpSink s;
    uint8_t edid[128], req[4] = { 0x90, 0x00, 0x00, 0x00 };
    uint8_t reply[BUF_LEN];

    igvt_dp_sink_init(&s, false);
    make_edid(edid, 1);
    igvt_dp_sink_set_edid(&s, edid, 128);
    g_assert_cmpint(aux(&s, req, 4, reply, 20), ==, -1);
    g_assert_cmphex(reply[0], ==, CANARY);  /* not even the code byte */
    req[0] = 0x15;                          /* I2C read, MOT */
    req[2] = 0x50;
    g_assert_cmpint(aux(&s, req, 3, reply, 20), ==, -1);
    g_assert_cmpint(aux(&s, req, 4, reply, 20), ==, -1);
    g_assert_cmpint(aux(&s, req, 0, reply, 20), ==, -1);
    g_assert_cmpint(aux(&s, req, 2, reply, 20), ==, -1);
    s.defer_next = 1;
    g_assert_cmpint(aux(&s, req, 4, reply, 20), ==, -1);
    s.defer_next = 0;

    /* Plugged in: power-on state, EDID kept */
    igvt_dp_sink_set_connected(&s, true);
    g_assert_cmphex(dpcd_readb(&s, 0x000), ==, 0x12);
    g_assert_cmphex(dpcd_readb(&s, 0x008) & 0x02, ==, 0x02);
    {
        uint8_t buf[128];

        g_assert_cmpint(dp_read_edid_block(&s, 0, buf), ==, 0);
        g_assert_cmpmem(buf, 128, edid, 128);
    }

    /* Trained, unplugged, plugged again: the link is down */
    dpcd_writeb(&s, 0x100, 0x14);
    dpcd_writeb(&s, 0x101, 0x84);
    set_link_train(&s, 0x23, 4);
    g_assert_cmphex(dpcd_readb(&s, 0x202), ==, 0x77);
    igvt_dp_sink_set_connected(&s, false);
    req[0] = 0x90;
    req[2] = 0x00;
    g_assert_cmpint(aux(&s, req, 4, reply, 20), ==, -1);
    igvt_dp_sink_set_connected(&s, true);
    g_assert_cmphex(dpcd_readb(&s, 0x202), ==, 0);
    g_assert_cmphex(dpcd_readb(&s, 0x100), ==, 0);
}

/* Every kind of malformed request: AUX_NACK, one byte, no state change */
static void test_aux_malformed(void)
{
    static const struct {
        const char *what;
        uint8_t req[24];
        unsigned len;
    } bad[] = {
        { "empty", { 0x90 }, 0 },
        { "1 byte", { 0x90 }, 1 },
        { "2 bytes", { 0x90, 0x00 }, 2 },
        { "native read, no length", { 0x90, 0x00, 0x00 }, 3 },
        { "native write, no length", { 0x80, 0x01, 0x02 }, 3 },
        { "native read of 17", { 0x90, 0x00, 0x00, 16 }, 4 },
        { "native read of 256", { 0x90, 0x00, 0x00, 255 }, 4 },
        { "native read with payload", { 0x90, 0x00, 0x00, 0, 0xaa }, 5 },
        { "native write, short payload",
          { 0x80, 0x01, 0x00, 3, 0x14, 0x84 }, 6 },
        { "native write, no payload", { 0x80, 0x01, 0x02, 0 }, 4 },
        { "native write, long payload",
          { 0x80, 0x01, 0x00, 0, 0x14, 0x84 }, 6 },
        { "native write of 17",
          { 0x80, 0x03, 0x00, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
            13, 14, 15, 16 }, 20 },
        { "too long", { 0x80, 0x03, 0x00, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                        11, 12, 13, 14, 15, 16, 17 }, 21 },
        { "command 0xa", { 0xa0, 0x00, 0x00, 0 }, 4 },
        { "command 0xb", { 0xb0, 0x00, 0x00, 0 }, 4 },
        { "command 0xc", { 0xc0, 0x01, 0x00, 0, 0x14 }, 5 },
        { "command 0xd", { 0xd0, 0x00, 0x00, 0 }, 4 },
        { "command 0xe", { 0xe0, 0x00, 0x00 }, 3 },
        { "command 0xf", { 0xf0, 0x00, 0x00, 0 }, 4 },
        { "I2C type 3", { 0x30, 0x00, 0x50 }, 3 },
        { "I2C type 3 + MOT", { 0x70, 0x00, 0x50, 0 }, 4 },
        { "I2C address 0x80", { 0x10, 0x00, 0x80, 0 }, 4 },
        { "I2C address 0x150", { 0x50, 0x01, 0x50 }, 3 },
        { "I2C address 0x10050", { 0x51, 0x00, 0x50, 0 }, 4 },
        { "I2C read of 17", { 0x50, 0x00, 0x50, 16 }, 4 },
        { "I2C read with payload", { 0x50, 0x00, 0x50, 0, 0x00 }, 5 },
        { "I2C write, short payload", { 0x40, 0x00, 0x50, 1, 0x00 }, 5 },
        { "I2C write, no payload", { 0x40, 0x00, 0x50, 0 }, 4 },
        { "I2C write, long payload", { 0x40, 0x00, 0x50, 0, 0x00, 0x00 }, 6 },
        { "I2C WSU, short payload", { 0x60, 0x00, 0x50, 1, 0x00 }, 5 },
        { "I2C WSU of 17", { 0x20, 0x00, 0x50, 16 }, 4 },
    };
    IgvtDpSink s, before;
    uint8_t edid[256], reply[BUF_LEN], off = 0x20, out[4];
    unsigned i;

    sink_with_edid(&s, edid, 2);
    /* Make state that could be disturbed: trained link, open I2C read */
    dpcd_writeb(&s, 0x100, 0x14);
    dpcd_writeb(&s, 0x101, 0x84);
    set_link_train(&s, 0x23, 4);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, 0x50, &off, 1), ==,
                    ACK);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_READ | CMD_MOT, 0x50, NULL, 0), ==,
                    ACK);
    before = s;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        int ret = aux(&s, bad[i].req, bad[i].len, reply, 20);

        if (ret != 1 || reply[0] != AUX_NACK) {
            g_test_message("%s: ret %d reply 0x%02x", bad[i].what, ret,
                           reply[0]);
        }
        g_assert_cmpint(ret, ==, 1);
        g_assert_cmphex(reply[0], ==, AUX_NACK);
        g_assert_cmpmem(&before, sizeof(before), &s, sizeof(s));
    }
    /* NULL request */
    g_assert_cmpint(aux(&s, NULL, 4, reply, 20), ==, 1);
    g_assert_cmphex(reply[0], ==, AUX_NACK);
    g_assert_cmpmem(&before, sizeof(before), &s, sizeof(s));

    /* The open read still continues where it was */
    g_assert_cmphex(i2c_req(&s, CMD_I2C_READ, 0x50, out, 4), ==, ACK);
    g_assert_cmpmem(out, 4, edid + 0x20, 4);
    g_assert_cmphex(dpcd_readb(&s, 0x202), ==, 0x77);
}

static void test_aux_short_reply(void)
{
    IgvtDpSink s;
    uint8_t edid[128], reply[BUF_LEN], off = 0;
    uint8_t rd16[4] = { 0x90, 0x00, 0x00, 15 };
    uint8_t i2c16[4] = { 0x50, 0x00, 0x50, 15 };
    uint8_t wr[5] = { 0x80, 0x01, 0x07, 0, 0x10 };

    sink_with_edid(&s, edid, 1);
    /* A 5-byte reply buffer: ACK and 4 bytes, nothing beyond */
    g_assert_cmpint(aux(&s, rd16, 4, reply, 5), ==, 5);
    g_assert_cmphex(reply[0], ==, ACK);
    g_assert_cmphex(reply[1], ==, 0x12);
    g_assert_cmphex(i2c_req(&s, CMD_I2C_WRITE | CMD_MOT, 0x50, &off, 1), ==,
                    ACK);
    g_assert_cmpint(aux(&s, i2c16, 4, reply, 5), ==, 5);
    g_assert_cmpmem(reply + 1, 4, edid, 4);
    g_assert_cmpuint(s.i2c.offset, ==, 4);  /* only what was returned */
    g_assert_cmpint(aux(&s, i2c16, 4, reply, 1), ==, 1);
    g_assert_cmphex(reply[0], ==, ACK);
    g_assert_cmpuint(s.i2c.offset, ==, 4);
    g_assert_cmpint(aux(&s, wr, 5, reply, 1), ==, 1);
    g_assert_cmphex(dpcd_readb(&s, 0x107), ==, 0x10);
    /* No room even for the code: nothing answers */
    g_assert_cmpint(aux(&s, rd16, 4, reply, 0), ==, -1);
    g_assert_cmphex(reply[0], ==, CANARY);
}

static void test_aux_defer(void)
{
    IgvtDpSink s;
    uint8_t reply[BUF_LEN], wr[5] = { 0x80, 0x01, 0x07, 0, 0x10 };

    igvt_dp_sink_init(&s, true);
    s.defer_next = 2;
    g_assert_cmpint(aux(&s, wr, 5, reply, 20), ==, 1);
    g_assert_cmphex(reply[0], ==, AUX_DEFER);
    g_assert_cmpint(aux(&s, wr, 5, reply, 20), ==, 1);
    g_assert_cmphex(reply[0], ==, AUX_DEFER);
    g_assert_cmphex(s.dpcd[0x107], ==, 0);      /* deferred: not done */
    g_assert_cmpint(aux(&s, wr, 5, reply, 20), ==, 1);
    g_assert_cmphex(reply[0], ==, ACK);
    g_assert_cmphex(s.dpcd[0x107], ==, 0x10);
}

static void test_aux_set_edid(void)
{
    IgvtDpSink s;
    uint8_t edid[1024], buf[128];
    unsigned i;

    igvt_dp_sink_init(&s, true);
    for (i = 0; i < sizeof(edid); i++) {
        edid[i] = i * 3 + 1;
    }
    igvt_dp_sink_set_edid(&s, edid, 130);
    g_assert_cmpuint(s.edid_size, ==, 128);
    g_assert_cmphex(s.edid[128], ==, 0);
    igvt_dp_sink_set_edid(&s, edid, sizeof(edid));
    g_assert_cmpuint(s.edid_size, ==, IGVT_EDID_MAX);
    g_assert_cmpmem(s.edid, IGVT_EDID_MAX, edid, IGVT_EDID_MAX);
    g_assert_cmpint(dp_read_edid_block(&s, 3, buf), ==, 0);
    g_assert_cmpmem(buf, 128, edid + 384, 128);
    igvt_dp_sink_set_edid(&s, edid, 127);
    g_assert_cmpuint(s.edid_size, ==, 0);
    g_assert_cmphex(dpcd_readb(&s, 0x008) & 0x02, ==, 0);
    igvt_dp_sink_set_edid(&s, edid, 256);
    g_assert_cmpuint(s.edid_size, ==, 256);
    g_assert_cmphex(s.edid[256], ==, 0);        /* old tail cleared */
    igvt_dp_sink_set_edid(&s, NULL, 256);
    g_assert_cmpuint(s.edid_size, ==, 0);
    g_assert_cmpint(dp_read_edid_block(&s, 0, buf), ==, -1);
}

static void test_aux_post_load(void)
{
    IgvtDpSink s;
    uint8_t buf[128];
    unsigned i;

    igvt_dp_sink_init(&s, true);
    g_assert_true(igvt_dp_sink_post_load(&s));
    s.edid_size = 384;
    g_assert_true(igvt_dp_sink_post_load(&s));
    s.edid_size = 100;
    g_assert_false(igvt_dp_sink_post_load(&s));
    s.edid_size = 0x10000;
    g_assert_false(igvt_dp_sink_post_load(&s));

    /* Even so, a corrupt size cannot take reads outside the array */
    memset(s.edid, 0x11, sizeof(s.edid));
    g_assert_cmpint(dp_read_edid_block(&s, 3, buf), ==, 0);
    g_assert_cmphex(buf[127], ==, 0x11);
    g_assert_cmpint(dp_read_edid_block(&s, 4, buf), ==, 0);
    for (i = 0; i < 128; i++) {
        g_assert_cmphex(buf[i], ==, 0);
    }
}

/* ---- GMBUS helpers ------------------------------------------------ */

#define PIN_DPB         5
#define PIN_DPC         4
#define PIN_DPD         6

typedef struct TestMonitor {
    const uint8_t *edid;
    size_t size;
    unsigned pin;
    unsigned calls;
} TestMonitor;

static const uint8_t *test_edid_fn(void *opaque, unsigned pin, size_t *size)
{
    TestMonitor *m = opaque;

    m->calls++;
    if (pin != m->pin || !m->edid) {
        *size = 0;
        return NULL;
    }
    *size = m->size;
    return m->edid;
}

typedef struct TestGmbus {
    IgvtGmbus g;
    TestMonitor mon;
    bool burst;                 /* HAS_GMBUS_BURST_READ (Kaby Lake) */
    unsigned gmbus1_writes;
} TestGmbus;

static uint32_t rd(TestGmbus *t, unsigned reg)
{
    return igvt_gmbus_read(&t->g, reg, test_edid_fn, &t->mon);
}

static void wr(TestGmbus *t, unsigned reg, uint32_t val)
{
    if (reg == IGVT_GMBUS1) {
        t->gmbus1_writes++;
    }
    igvt_gmbus_write(&t->g, reg, val, test_edid_fn, &t->mon);
}

static void test_gmbus_init(TestGmbus *t, const uint8_t *edid, size_t size,
                            unsigned pin)
{
    memset(t, 0, sizeof(*t));
    igvt_gmbus_reset(&t->g);
    t->mon.edid = edid;
    t->mon.size = size;
    t->mon.pin = pin;
    /* intel_gmbus_reset() */
    wr(t, IGVT_GMBUS0, 0);
    wr(t, IGVT_GMBUS4, 0);
}

/*
 * gmbus_wait(): everything here is instantaneous, so the first look at
 * GMBUS2 must already show the event (or SATOER); otherwise a real i915
 * would poll on and time out.
 */
static int gmbus_wait(TestGmbus *t, uint32_t status, uint32_t irq_en)
{
    uint32_t v;

    wr(t, IGVT_GMBUS4, irq_en);
    v = rd(t, IGVT_GMBUS2);
    wr(t, IGVT_GMBUS4, 0);
    if (v & IGVT_GMBUS2_SATOER) {
        return -ENXIO;
    }
    return v & status ? 0 : -ETIMEDOUT;
}

static int gmbus_wait_idle(TestGmbus *t)
{
    int ret;

    wr(t, IGVT_GMBUS4, IGVT_GMBUS4_IDLE_EN);
    ret = rd(t, IGVT_GMBUS2) & IGVT_GMBUS2_ACTIVE ? -ETIMEDOUT : 0;
    wr(t, IGVT_GMBUS4, 0);
    return ret;
}

static uint32_t gmbus1_cmd(uint32_t index1, unsigned count, uint8_t addr,
                           bool read)
{
    return index1 | IGVT_GMBUS1_CYCLE_WAIT |
           count << IGVT_GMBUS1_BYTE_COUNT_SHIFT |
           addr << IGVT_GMBUS1_SLAVE_ADDR_SHIFT |
           (read ? IGVT_GMBUS1_SLAVE_READ : 0) | IGVT_GMBUS1_SW_RDY;
}

/* gmbus_xfer_read_chunk(), burst reads included */
static int xfer_read_chunk(TestGmbus *t, uint8_t addr, uint8_t *buf,
                           unsigned len, uint32_t gmbus0, uint32_t index1)
{
    bool burst = len > IGVT_GMBUS_BYTE_COUNT_MAX;
    bool extra = false;
    unsigned size = len;

    if (burst) {
        /*
         * 512 bytes need one more, thrown away (i915's reading of the
         * hardware spec)
         */
        if (len == 512) {
            extra = true;
            len++;
        }
        size = len % 256 + 256;
        wr(t, IGVT_GMBUS0, gmbus0 | IGVT_GMBUS0_BYTE_CNT_OVERRIDE);
    }
    wr(t, IGVT_GMBUS1, gmbus1_cmd(index1, size, addr, true));
    while (len) {
        unsigned k = 0;
        uint32_t v;
        int ret = gmbus_wait(t, IGVT_GMBUS2_HW_RDY, IGVT_GMBUS4_HW_RDY_EN);

        if (ret) {
            return ret;
        }
        v = rd(t, IGVT_GMBUS3);
        while (len && k < 4) {
            if (!(extra && len == 1)) {
                *buf++ = v;
            }
            v >>= 8;
            len--;
            k++;
        }
        if (burst && len == size - 4) {
            wr(t, IGVT_GMBUS0, gmbus0);
        }
    }
    return 0;
}

static int xfer_read(TestGmbus *t, I2cMsg *msg, uint32_t gmbus0,
                     uint32_t index1)
{
    unsigned left = msg->len, done = 0;

    do {
        unsigned n = MIN(left, t->burst ? IGVT_GMBUS_BURST_MAX
                                        : IGVT_GMBUS_BYTE_COUNT_MAX);
        int ret = xfer_read_chunk(t, msg->addr, msg->buf + done, n, gmbus0,
                                  index1);

        if (ret) {
            return ret;
        }
        left -= n;
        done += n;
    } while (left);
    return 0;
}

/* gmbus_xfer_write_chunk(): the first 4 bytes go in before the command */
static int xfer_write_chunk(TestGmbus *t, uint8_t addr, const uint8_t *buf,
                            unsigned len, uint32_t index1)
{
    unsigned count = len, k;
    uint32_t v = 0;

    for (k = 0; k < 4 && len; k++, len--) {
        v |= (uint32_t)*buf++ << (8 * k);
    }
    wr(t, IGVT_GMBUS3, v);
    wr(t, IGVT_GMBUS1, gmbus1_cmd(index1, count, addr, false));
    while (len) {
        int ret;

        v = 0;
        for (k = 0; k < 4 && len; k++, len--) {
            v |= (uint32_t)*buf++ << (8 * k);
        }
        wr(t, IGVT_GMBUS3, v);
        ret = gmbus_wait(t, IGVT_GMBUS2_HW_RDY, IGVT_GMBUS4_HW_RDY_EN);
        if (ret) {
            return ret;
        }
    }
    return 0;
}

static int xfer_write(TestGmbus *t, I2cMsg *msg, uint32_t index1)
{
    unsigned left = msg->len, done = 0;

    do {
        unsigned n = MIN(left, IGVT_GMBUS_BYTE_COUNT_MAX);
        int ret = xfer_write_chunk(t, msg->addr, msg->buf + done, n, index1);

        if (ret) {
            return ret;
        }
        left -= n;
        done += n;
    } while (left);
    return 0;
}

static bool is_index_xfer(I2cMsg *msgs, unsigned i, unsigned num)
{
    return i + 1 < num && msgs[i].addr == msgs[i + 1].addr &&
           !msgs[i].read && (msgs[i].len == 1 || msgs[i].len == 2) &&
           msgs[i + 1].len > 0;
}

static int index_xfer(TestGmbus *t, I2cMsg *msgs, uint32_t gmbus0)
{
    uint32_t index1 = 0, gmbus5 = 0;
    int ret;

    if (msgs[0].len == 2) {
        gmbus5 = IGVT_GMBUS5_2BYTE_INDEX_EN | msgs[0].buf[0] << 8 |
                 msgs[0].buf[1];
    } else {
        index1 = IGVT_GMBUS1_CYCLE_INDEX |
                 msgs[0].buf[0] << IGVT_GMBUS1_INDEX_SHIFT;
    }
    if (gmbus5) {
        wr(t, IGVT_GMBUS5, gmbus5);
    }
    ret = msgs[1].read ? xfer_read(t, &msgs[1], gmbus0, index1)
                       : xfer_write(t, &msgs[1], index1);
    if (gmbus5) {
        wr(t, IGVT_GMBUS5, 0);
    }
    return ret;
}

/*
 * do_gmbus_xfer(): returns the number of messages, -ENXIO after a NAK
 * (with its clean-up and the one retry of a NAKed first message), or
 * -EAGAIN on a timeout (i915 would fall back to bit-banging).
 */
static int gmbus_xfer(TestGmbus *t, unsigned pin, I2cMsg *msgs,
                      unsigned num)
{
    uint32_t gmbus0 = pin;                      /* | GMBUS_RATE_100KHZ */
    unsigned i = 0, inc;
    bool retried = false;
    int ret = 0;

retry:
    wr(t, IGVT_GMBUS0, gmbus0);
    for (; i < num; i += inc) {
        inc = 1;
        if (is_index_xfer(msgs, i, num)) {
            ret = index_xfer(t, &msgs[i], gmbus0);
            inc = 2;
        } else if (msgs[i].read) {
            ret = xfer_read(t, &msgs[i], gmbus0, 0);
        } else {
            ret = xfer_write(t, &msgs[i], 0);
        }
        if (!ret) {
            ret = gmbus_wait(t, IGVT_GMBUS2_HW_WAIT_PHASE,
                             IGVT_GMBUS4_HW_WAIT_EN);
        }
        if (ret == -ETIMEDOUT) {
            wr(t, IGVT_GMBUS0, 0);
            return -EAGAIN;
        } else if (ret) {
            goto nak;
        }
    }
    wr(t, IGVT_GMBUS1, IGVT_GMBUS1_CYCLE_STOP | IGVT_GMBUS1_SW_RDY);
    if (gmbus_wait_idle(t)) {
        ret = -ETIMEDOUT;
    }
    wr(t, IGVT_GMBUS0, 0);
    return ret ? ret : (int)i;

nak:
    ret = -ENXIO;
    if (gmbus_wait_idle(t)) {
        ret = -ETIMEDOUT;
    }
    wr(t, IGVT_GMBUS1, IGVT_GMBUS1_SW_CLR_INT);
    wr(t, IGVT_GMBUS1, 0);
    wr(t, IGVT_GMBUS0, 0);
    if (ret == -ENXIO && i == 0 && !retried) {
        retried = true;
        goto retry;
    }
    return ret;
}

static int gmbus_read_edid_block(TestGmbus *t, unsigned pin, unsigned block,
                                 uint8_t *buf)
{
    uint8_t segment = block >> 1;
    uint8_t start = block * 128;
    I2cMsg msgs[3] = {
        { IGVT_DDC_ADDR_SEGMENT, false, 1, &segment },
        { IGVT_DDC_ADDR_EDID, false, 1, &start },
        { IGVT_DDC_ADDR_EDID, true, 128, buf },
    };
    int ret;

    if (segment) {
        ret = gmbus_xfer(t, pin, msgs, 3);
        return ret == 3 ? 0 : ret;
    }
    ret = gmbus_xfer(t, pin, msgs + 1, 2);
    return ret == 2 ? 0 : ret;
}

/* GMBUS2 without the INUSE semaphore (which every read claims) */
static uint32_t status(TestGmbus *t)
{
    return rd(t, IGVT_GMBUS2) & ~IGVT_GMBUS2_INUSE;
}

/* ---- GMBUS tests -------------------------------------------------- */

static void test_gmbus_edid(void)
{
    TestGmbus t;
    uint8_t edid[256], buf[128];

    make_edid(edid, 2);
    test_gmbus_init(&t, edid, sizeof(edid), PIN_DPD);
    memset(buf, 0, sizeof(buf));
    g_assert_cmpint(gmbus_read_edid_block(&t, PIN_DPD, 0, buf), ==, 0);
    g_assert_cmpmem(buf, 128, edid, 128);
    g_assert_true(edid_block_ok(buf));
    memset(buf, 0, sizeof(buf));
    g_assert_cmpint(gmbus_read_edid_block(&t, PIN_DPD, 1, buf), ==, 0);
    g_assert_cmpmem(buf, 128, edid + 128, 128);

    /* Left idle, as i915 expects between transfers */
    g_assert_cmphex(status(&t), ==, IGVT_GMBUS2_HW_RDY | 128);
    g_assert_cmpuint(t.g.phase, ==, IGVT_GMBUS_IDLE);
    g_assert_false(t.g.ddc.open);

    /* drm_probe_ddc(): a 1-byte read at offset 0 */
    {
        uint8_t start = 0, out = 0xee;
        I2cMsg msgs[2] = {
            { 0x50, false, 1, &start },
            { 0x50, true, 1, &out },
        };

        g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, msgs, 2), ==, 2);
        g_assert_cmphex(out, ==, 0x00);
    }
}

/* The register sequence of one EDID block read, checked step by step */
static void test_gmbus_sequence(void)
{
    TestGmbus t;
    uint8_t edid[256];
    unsigned i;

    make_edid(edid, 2);
    test_gmbus_init(&t, edid, sizeof(edid), PIN_DPD);
    g_assert_cmphex(status(&t), ==, IGVT_GMBUS2_HW_RDY);

    wr(&t, IGVT_GMBUS0, PIN_DPD);
    g_assert_cmphex(rd(&t, IGVT_GMBUS0), ==, PIN_DPD);
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(IGVT_GMBUS1_CYCLE_INDEX | 0x80 << 8, 128,
                                   0x50, true));
    g_assert_cmphex(rd(&t, IGVT_GMBUS1) & IGVT_GMBUS1_SW_RDY, ==, 0);
    g_assert_cmphex(status(&t), ==,
                    IGVT_GMBUS2_ACTIVE | IGVT_GMBUS2_HW_RDY | 4);
    for (i = 0; i < 128; i += 4) {
        g_assert_cmphex(status(&t) & (IGVT_GMBUS2_HW_RDY |
                                      IGVT_GMBUS2_HW_WAIT_PHASE), ==,
                        IGVT_GMBUS2_HW_RDY);
        g_assert_cmphex(rd(&t, IGVT_GMBUS3), ==, le32(edid + 128 + i));
    }
    g_assert_cmphex(status(&t), ==, IGVT_GMBUS2_ACTIVE | IGVT_GMBUS2_HW_RDY |
                    IGVT_GMBUS2_HW_WAIT_PHASE | 128);

    /* Bus held: a plain read continues the EEPROM's pointer (wraps) */
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(0, 8, 0x50, true));
    g_assert_cmphex(status(&t) & IGVT_GMBUS2_HW_WAIT_PHASE, ==, 0);
    g_assert_cmphex(rd(&t, IGVT_GMBUS3), ==, le32(edid));
    g_assert_cmphex(rd(&t, IGVT_GMBUS3), ==, le32(edid + 4));
    g_assert_cmphex(status(&t), ==, IGVT_GMBUS2_ACTIVE | IGVT_GMBUS2_HW_RDY |
                    IGVT_GMBUS2_HW_WAIT_PHASE | 8);

    wr(&t, IGVT_GMBUS1, IGVT_GMBUS1_CYCLE_STOP | IGVT_GMBUS1_SW_RDY);
    g_assert_cmphex(status(&t), ==, IGVT_GMBUS2_HW_RDY | 8);
    wr(&t, IGVT_GMBUS0, 0);

    /* A cycle with STOP (101) ends idle without a wait phase */
    wr(&t, IGVT_GMBUS0, PIN_DPD);
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(IGVT_GMBUS1_CYCLE_STOP |
                                   IGVT_GMBUS1_CYCLE_INDEX, 4, 0x50, true));
    g_assert_cmphex(rd(&t, IGVT_GMBUS3), ==, le32(edid));
    g_assert_cmphex(status(&t), ==, IGVT_GMBUS2_HW_RDY | 4);
    g_assert_false(t.g.ddc.open);
}

static void test_gmbus_edid_segment(void)
{
    TestGmbus t;
    uint8_t edid[512], buf[128];
    unsigned b;

    make_edid(edid, 4);
    test_gmbus_init(&t, edid, sizeof(edid), PIN_DPB);
    for (b = 0; b < 4; b++) {
        memset(buf, 0, sizeof(buf));
        g_assert_cmpint(gmbus_read_edid_block(&t, PIN_DPB, b, buf), ==, 0);
        g_assert_cmpmem(buf, 128, edid + 128 * b, 128);
        g_assert_true(edid_block_ok(buf));
        g_assert_cmpuint(t.g.ddc.segment, ==, 0);
    }
    /* Past the EDID: zeros */
    memset(buf, 0xff, sizeof(buf));
    g_assert_cmpint(gmbus_read_edid_block(&t, PIN_DPB, 5, buf), ==, 0);
    for (b = 0; b < 128; b++) {
        g_assert_cmphex(buf[b], ==, 0);
    }
}

static void test_gmbus_nak_empty_pin(void)
{
    TestGmbus t;
    uint8_t edid[128], buf[128];
    unsigned writes;

    make_edid(edid, 1);
    test_gmbus_init(&t, edid, sizeof(edid), PIN_DPD);

    /* Nothing on DPB: -ENXIO after one retry, never a timeout */
    writes = t.gmbus1_writes;
    g_assert_cmpint(gmbus_read_edid_block(&t, PIN_DPB, 0, buf), ==, -ENXIO);
    /* index read, SW_CLR_INT, 0; retry: the same three */
    g_assert_cmpuint(t.gmbus1_writes - writes, ==, 6);
    g_assert_cmphex(status(&t), ==, IGVT_GMBUS2_HW_RDY);
    g_assert_cmpuint(t.g.phase, ==, IGVT_GMBUS_IDLE);
    g_assert_cmpuint(rd(&t, IGVT_GMBUS0), ==, 0);

    /* Pin 0 (disabled) and a pin beyond the SKL ones likewise */
    g_assert_cmpint(gmbus_read_edid_block(&t, 0, 0, buf), ==, -ENXIO);
    g_assert_cmpint(gmbus_read_edid_block(&t, 7, 0, buf), ==, -ENXIO);

    /* What the hardware shows right after the NAK */
    wr(&t, IGVT_GMBUS0, PIN_DPC);
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(IGVT_GMBUS1_CYCLE_INDEX, 128, 0x50, true));
    g_assert_cmphex(status(&t), ==, IGVT_GMBUS2_SATOER);
    /* Until SW_CLR_INT nothing starts */
    t.mon.pin = PIN_DPC;
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(IGVT_GMBUS1_CYCLE_INDEX, 128, 0x50, true));
    g_assert_cmphex(status(&t), ==, IGVT_GMBUS2_SATOER);
    wr(&t, IGVT_GMBUS1, IGVT_GMBUS1_SW_CLR_INT);
    g_assert_cmphex(status(&t), ==, IGVT_GMBUS2_HW_RDY);
    wr(&t, IGVT_GMBUS1, 0);
    g_assert_cmphex(status(&t), ==, IGVT_GMBUS2_HW_RDY);
    wr(&t, IGVT_GMBUS0, 0);

    /* The right pin works straight after */
    g_assert_cmpint(gmbus_read_edid_block(&t, PIN_DPC, 0, buf), ==, 0);
    g_assert_cmpmem(buf, 128, edid, 128);

    /* A monitor without EDID answers nothing either */
    test_gmbus_init(&t, NULL, 0, PIN_DPD);
    g_assert_cmpint(gmbus_read_edid_block(&t, PIN_DPD, 0, buf), ==, -ENXIO);
    test_gmbus_init(&t, edid, 0, PIN_DPD);
    g_assert_cmpint(gmbus_read_edid_block(&t, PIN_DPD, 0, buf), ==, -ENXIO);

    /* A NULL callback: nothing on any pin */
    igvt_gmbus_reset(&t.g);
    igvt_gmbus_write(&t.g, IGVT_GMBUS0, PIN_DPD, NULL, NULL);
    igvt_gmbus_write(&t.g, IGVT_GMBUS1, gmbus1_cmd(0, 4, 0x50, true), NULL,
                     NULL);
    g_assert_cmphex(igvt_gmbus_read(&t.g, IGVT_GMBUS2, NULL, NULL) &
                    IGVT_GMBUS2_SATOER, ==, IGVT_GMBUS2_SATOER);
}

static void test_gmbus_nak_address(void)
{
    TestGmbus t;
    uint8_t edid[256], buf[16], seg = 1, start = 0;

    make_edid(edid, 2);
    test_gmbus_init(&t, edid, sizeof(edid), PIN_DPD);

    /* DDC/CI (0x37), HDCP (0x3a), dual mode adaptor (0x40): NAK */
    {
        static const uint8_t absent[] = { 0x37, 0x3a, 0x40, 0x00 };
        unsigned i;

        for (i = 0; i < ARRAY_SIZE(absent); i++) {
            I2cMsg msgs[2] = {
                { absent[i], false, 1, &start },
                { absent[i], true, 16, buf },
            };

            g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, msgs, 2), ==, -ENXIO);
            g_assert_cmphex(status(&t), ==, IGVT_GMBUS2_HW_RDY);
        }
    }
    /* Reading the segment pointer */
    {
        I2cMsg msgs[1] = { { 0x30, true, 1, buf } };

        g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, msgs, 1), ==, -ENXIO);
    }
    /* A NAK on the second message: no retry, segment forgotten */
    {
        I2cMsg msgs[2] = {
            { 0x30, false, 1, &seg },
            { 0x37, true, 4, buf },
        };
        unsigned writes = t.gmbus1_writes;

        g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, msgs, 2), ==, -ENXIO);
        g_assert_cmpuint(t.gmbus1_writes - writes, ==, 4);
        g_assert_cmpuint(t.g.ddc.segment, ==, 0);
        g_assert_false(t.g.ddc.open);
    }
}

static void test_gmbus_write(void)
{
    TestGmbus t;
    uint8_t edid[256], buf[16];

    make_edid(edid, 2);
    test_gmbus_init(&t, edid, sizeof(edid), PIN_DPD);

    /*
     * A 9-byte write: offset then 8 data bytes the EEPROM ignores, fed
     * through GMBUS3 in 4-byte steps after the first
     */
    {
        uint8_t data[9] = { 0x30, 1, 2, 3, 4, 5, 6, 7, 8 };
        I2cMsg msgs[1] = { { 0x50, false, 9, data } };

        g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, msgs, 1), ==, 1);
        g_assert_cmpuint(t.g.ddc.offset, ==, 0x30);
        g_assert_cmphex(status(&t) & IGVT_GMBUS2_BYTE_COUNT_MASK, ==, 9);
    }
    /* The EEPROM's pointer stays: a plain read continues there */
    {
        I2cMsg msgs[1] = { { 0x50, true, 16, buf } };

        g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, msgs, 1), ==, 1);
        g_assert_cmpmem(buf, 16, edid + 0x30, 16);
        g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, msgs, 1), ==, 1);
        g_assert_cmpmem(buf, 16, edid + 0x40, 16);
    }
    /* An index write (write + write at one address) */
    {
        uint8_t idx = 0x70, data[5] = { 9, 9, 9, 9, 9 };
        I2cMsg msgs[2] = {
            { 0x50, false, 1, &idx },
            { 0x50, false, 5, data },
        };

        g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, msgs, 2), ==, 2);
        g_assert_cmpuint(t.g.ddc.offset, ==, 0x70);
    }
    /* A segment write on its own is forgotten at its STOP */
    {
        uint8_t seg = 1;
        I2cMsg msgs[1] = { { 0x30, false, 1, &seg } };

        g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, msgs, 1), ==, 1);
        g_assert_cmpuint(t.g.ddc.segment, ==, 0);
    }
}

static void test_gmbus_2byte_index(void)
{
    TestGmbus t;
    uint8_t edid[256], buf[16];
    uint8_t idx[2] = { 0x20, 0xab };
    I2cMsg msgs[2] = {
        { 0x50, false, 2, idx },
        { 0x50, true, 16, buf },
    };

    make_edid(edid, 2);
    test_gmbus_init(&t, edid, sizeof(edid), PIN_DPD);
    /*
     * GMBUS5 carries both bytes, high first: the EEPROM takes the first as
     * its pointer, the second as a (read-only) data byte
     */
    g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, msgs, 2), ==, 2);
    g_assert_cmpmem(buf, 16, edid + 0x20, 16);
    g_assert_cmphex(rd(&t, IGVT_GMBUS5), ==, 0);    /* i915 cleared it */

    /* GMBUS5 holds what was written, nothing more */
    wr(&t, IGVT_GMBUS5, 0xffffffff);
    g_assert_cmphex(rd(&t, IGVT_GMBUS5), ==, 0x8000ffff);
    wr(&t, IGVT_GMBUS5, 0);
}

static void test_gmbus_quick(void)
{
    TestGmbus t;
    uint8_t edid[128];
    I2cMsg probe50[1] = { { 0x50, false, 0, NULL } };
    I2cMsg probe30[1] = { { 0x30, false, 0, NULL } };
    I2cMsg read50[1] = { { 0x50, true, 0, NULL } };
    I2cMsg probe37[1] = { { 0x37, false, 0, NULL } };

    make_edid(edid, 1);
    test_gmbus_init(&t, edid, sizeof(edid), PIN_DPD);
    /* Byte count 0: address only (i2cdetect's quick write) */
    g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, probe50, 1), ==, 1);
    g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, probe30, 1), ==, 1);
    g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, read50, 1), ==, 1);
    g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, probe37, 1), ==, -ENXIO);
    g_assert_cmpint(gmbus_xfer(&t, PIN_DPB, probe50, 1), ==, -ENXIO);
    g_assert_cmpuint(t.g.ddc.offset, ==, 0);
}

static void test_gmbus_burst(void)
{
    static const unsigned lens[] = { 511, 512, 600, 767, 1000 };
    /* bytes the last GMBUS1 cycle asked for (512 reads one more) */
    static const unsigned last[] = { 511, 513, 600, 767, 233 };
    TestGmbus t;
    uint8_t edid[256], start = 0x10;
    g_autofree uint8_t *buf = g_malloc(1024);
    unsigned i, j;

    make_edid(edid, 2);
    for (i = 0; i < ARRAY_SIZE(lens); i++) {
        I2cMsg msgs[2] = {
            { 0x50, false, 1, &start },
            { 0x50, true, lens[i], buf },
        };

        test_gmbus_init(&t, edid, sizeof(edid), PIN_DPD);
        t.burst = true;
        memset(buf, 0xee, 1024);
        g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, msgs, 2), ==, 2);
        /*
         * One segment of 256 bytes: the word offset wraps; i915 sends the
         * index again with every chunk of at most 767 bytes
         */
        for (j = 0; j < lens[i]; j++) {
            g_assert_cmphex(buf[j], ==, edid[(start + j % 767) & 0xff]);
        }
        g_assert_cmphex(buf[lens[i]], ==, 0xee);
        g_assert_cmphex(status(&t), ==, IGVT_GMBUS2_HW_RDY |
                        (last[i] & IGVT_GMBUS2_BYTE_COUNT_MASK));
    }
    /* Without burst reads the same lengths take 511-byte chunks */
    test_gmbus_init(&t, edid, sizeof(edid), PIN_DPD);
    {
        I2cMsg msgs[2] = {
            { 0x50, false, 1, &start },
            { 0x50, true, 1000, buf },
        };

        g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, msgs, 2), ==, 2);
        for (j = 0; j < 1000; j++) {
            g_assert_cmphex(buf[j], ==, edid[(start + j % 511) & 0xff]);
        }
    }
}

static void test_gmbus_malformed(void)
{
    TestGmbus t;
    IgvtGmbus before;
    uint8_t edid[256], buf[128];
    uint32_t v;

    make_edid(edid, 2);
    test_gmbus_init(&t, edid, sizeof(edid), PIN_DPD);

    /* GMBUS3 read with no transfer: the register, nothing else */
    wr(&t, IGVT_GMBUS3, 0x12345678);
    before = t.g;
    g_assert_cmphex(rd(&t, IGVT_GMBUS3), ==, 0x12345678);
    g_assert_cmpmem(&before, sizeof(before), &t.g, sizeof(t.g));
    /* GMBUS3 write with no transfer: loads the register only */
    wr(&t, IGVT_GMBUS3, 0x00000042);
    g_assert_cmpuint(t.g.phase, ==, IGVT_GMBUS_IDLE);
    g_assert_cmpuint(t.g.ddc.offset, ==, 0);
    g_assert_false(t.g.ddc.open);

    /*
     * Commands without SW_RDY, no cycle, reserved cycles, a STOP while
     * idle, unknown registers: nothing happens
     */
    wr(&t, IGVT_GMBUS0, PIN_DPD);
    before = t.g;
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(0, 4, 0x50, true) & ~IGVT_GMBUS1_SW_RDY);
    wr(&t, IGVT_GMBUS1, IGVT_GMBUS1_SW_RDY | 4 << 16 | 0x50 << 1 | 1);
    wr(&t, IGVT_GMBUS1, IGVT_GMBUS1_SW_RDY | IGVT_GMBUS1_CYCLE_INDEX |
       4 << 16 | 0x50 << 1 | 1);
    wr(&t, IGVT_GMBUS1, IGVT_GMBUS1_SW_RDY | IGVT_GMBUS1_CYCLE_INDEX |
       IGVT_GMBUS1_CYCLE_STOP | 4 << 16 | 0x50 << 1 | 1);
    wr(&t, IGVT_GMBUS1, IGVT_GMBUS1_SW_RDY | IGVT_GMBUS1_CYCLE_STOP);
    g_assert_cmpuint(t.g.phase, ==, IGVT_GMBUS_IDLE);
    g_assert_cmpuint(t.g.ddc.offset, ==, 0);
    g_assert_cmphex(status(&t), ==, IGVT_GMBUS2_HW_RDY);
    wr(&t, IGVT_GMBUS1, 0);
    before = t.g;
    wr(&t, 6, 0xffffffff);
    wr(&t, 7, 0xffffffff);
    wr(&t, 0x1000, 0xffffffff);
    g_assert_cmpuint(rd(&t, 6), ==, 0);
    g_assert_cmpuint(rd(&t, 0xffffffff), ==, 0);
    g_assert_cmpmem(&before, sizeof(before), &t.g, sizeof(t.g));

    /* Registers keep only their defined bits */
    wr(&t, IGVT_GMBUS0, 0xffffffff);
    g_assert_cmphex(rd(&t, IGVT_GMBUS0), ==, IGVT_GMBUS0_MASK);
    wr(&t, IGVT_GMBUS4, 0xffffffff);
    g_assert_cmphex(rd(&t, IGVT_GMBUS4), ==, IGVT_GMBUS4_MASK);
    wr(&t, IGVT_GMBUS4, 0);
    wr(&t, IGVT_GMBUS2, 0xffff7fff);            /* INUSE not written */
    g_assert_cmphex(status(&t), ==, IGVT_GMBUS2_HW_RDY);

    /* A read abandoned halfway, then a new cycle: starts afresh */
    wr(&t, IGVT_GMBUS0, PIN_DPD);
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(IGVT_GMBUS1_CYCLE_INDEX | 0x40 << 8, 128,
                                   0x50, true));
    rd(&t, IGVT_GMBUS3);
    rd(&t, IGVT_GMBUS3);
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(IGVT_GMBUS1_CYCLE_INDEX, 8, 0x50, true));
    g_assert_cmphex(rd(&t, IGVT_GMBUS3), ==, le32(edid));
    g_assert_cmphex(rd(&t, IGVT_GMBUS3), ==, le32(edid + 4));
    /* Reads past the byte count: last value, still in the wait phase */
    v = rd(&t, IGVT_GMBUS3);
    g_assert_cmphex(rd(&t, IGVT_GMBUS3), ==, v);
    g_assert_cmpuint(t.g.phase, ==, IGVT_GMBUS_WAIT);
    g_assert_cmphex(status(&t) & IGVT_GMBUS2_BYTE_COUNT_MASK, ==, 8);
    /* Writes when no write is running go nowhere */
    wr(&t, IGVT_GMBUS3, 0x77);
    g_assert_cmpuint(t.g.ddc.offset, ==, 8);
    g_assert_cmpuint(t.g.phase, ==, IGVT_GMBUS_WAIT);

    /* SW_CLR_INT in the middle of a read: idle, bus released */
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(0, 64, 0x50, true));
    rd(&t, IGVT_GMBUS3);
    wr(&t, IGVT_GMBUS1, IGVT_GMBUS1_SW_CLR_INT);
    g_assert_cmphex(status(&t), ==, IGVT_GMBUS2_HW_RDY);
    g_assert_cmpuint(t.g.phase, ==, IGVT_GMBUS_IDLE);
    g_assert_false(t.g.ddc.open);
    g_assert_cmphex(rd(&t, IGVT_GMBUS1), ==, IGVT_GMBUS1_SW_CLR_INT);
    /* ... and SW_RDY together with SW_CLR_INT starts nothing */
    wr(&t, IGVT_GMBUS1, IGVT_GMBUS1_SW_CLR_INT |
       gmbus1_cmd(0, 4, 0x50, true));
    g_assert_cmpuint(t.g.phase, ==, IGVT_GMBUS_IDLE);
    wr(&t, IGVT_GMBUS1, 0);

    /* BYTE_CNT_OVERRIDE extends reads only */
    wr(&t, IGVT_GMBUS0, PIN_DPD | IGVT_GMBUS0_BYTE_CNT_OVERRIDE);
    wr(&t, IGVT_GMBUS3, 0x10);
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(0, 1, 0x50, false));
    g_assert_cmpuint(t.g.phase, ==, IGVT_GMBUS_WAIT);
    g_assert_cmpuint(t.g.ddc.offset, ==, 0x10);
    wr(&t, IGVT_GMBUS0, PIN_DPD);

    /* The largest byte count */
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(IGVT_GMBUS1_CYCLE_INDEX, 511, 0x50, true));
    for (v = 0; v < 128; v++) {
        rd(&t, IGVT_GMBUS3);
    }
    g_assert_cmpuint(t.g.phase, ==, IGVT_GMBUS_WAIT);
    g_assert_cmphex(status(&t) & IGVT_GMBUS2_BYTE_COUNT_MASK, ==, 511);
    wr(&t, IGVT_GMBUS1, IGVT_GMBUS1_CYCLE_STOP | IGVT_GMBUS1_SW_RDY);

    /* A pin change between cycles: the other bus, nothing carried over */
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(IGVT_GMBUS1_CYCLE_INDEX | 0x40 << 8, 4,
                                   0x50, true));
    wr(&t, IGVT_GMBUS0, PIN_DPB);
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(0, 4, 0x50, true));
    g_assert_cmphex(status(&t) & IGVT_GMBUS2_SATOER, ==, IGVT_GMBUS2_SATOER);
    g_assert_false(t.g.ddc.open);
    wr(&t, IGVT_GMBUS1, IGVT_GMBUS1_SW_CLR_INT);
    wr(&t, IGVT_GMBUS1, 0);
    wr(&t, IGVT_GMBUS0, 0);

    /* Another pin is another monitor: its EEPROM pointer is its own */
    {
        uint8_t off = 0x40, out[8];
        I2cMsg set[1] = { { 0x50, false, 1, &off } };
        I2cMsg get[1] = { { 0x50, true, 8, out } };

        g_assert_cmpint(gmbus_xfer(&t, PIN_DPD, set, 1), ==, 1);
        t.mon.pin = PIN_DPB;
        g_assert_cmpint(gmbus_xfer(&t, PIN_DPB, get, 1), ==, 1);
        g_assert_cmpmem(out, 8, edid, 8);
        t.mon.pin = PIN_DPD;
    }

    /* And i915 works normally after all this */
    g_assert_cmpint(gmbus_read_edid_block(&t, PIN_DPD, 1, buf), ==, 0);
    g_assert_cmpmem(buf, 128, edid + 128, 128);
}

static void test_gmbus_irq(void)
{
    TestGmbus t;
    uint8_t edid[128];

    make_edid(edid, 1);
    test_gmbus_init(&t, edid, sizeof(edid), PIN_DPD);
    g_assert_false(igvt_gmbus_irq_pending(&t.g));

    wr(&t, IGVT_GMBUS4, IGVT_GMBUS4_IDLE_EN);
    g_assert_true(igvt_gmbus_irq_pending(&t.g));
    g_assert_cmphex(rd(&t, IGVT_GMBUS2) & IGVT_GMBUS2_INT, ==,
                    IGVT_GMBUS2_INT);
    wr(&t, IGVT_GMBUS4, 0);
    g_assert_false(igvt_gmbus_irq_pending(&t.g));
    g_assert_cmphex(rd(&t, IGVT_GMBUS2) & IGVT_GMBUS2_INT, ==, 0);

    wr(&t, IGVT_GMBUS0, PIN_DPD);
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(0, 4, 0x50, true));
    wr(&t, IGVT_GMBUS4, IGVT_GMBUS4_HW_WAIT_EN);
    g_assert_false(igvt_gmbus_irq_pending(&t.g));   /* data not read yet */
    wr(&t, IGVT_GMBUS4, IGVT_GMBUS4_HW_RDY_EN);
    g_assert_true(igvt_gmbus_irq_pending(&t.g));
    rd(&t, IGVT_GMBUS3);
    wr(&t, IGVT_GMBUS4, IGVT_GMBUS4_HW_WAIT_EN);
    g_assert_true(igvt_gmbus_irq_pending(&t.g));
    wr(&t, IGVT_GMBUS4, IGVT_GMBUS4_IDLE_EN);
    g_assert_false(igvt_gmbus_irq_pending(&t.g));   /* bus held */
    wr(&t, IGVT_GMBUS1, IGVT_GMBUS1_CYCLE_STOP | IGVT_GMBUS1_SW_RDY);
    g_assert_true(igvt_gmbus_irq_pending(&t.g));

    wr(&t, IGVT_GMBUS4, IGVT_GMBUS4_NAK_EN);
    g_assert_false(igvt_gmbus_irq_pending(&t.g));
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(0, 4, 0x37, true));
    g_assert_true(igvt_gmbus_irq_pending(&t.g));
    wr(&t, IGVT_GMBUS1, IGVT_GMBUS1_SW_CLR_INT);
    g_assert_false(igvt_gmbus_irq_pending(&t.g));
    wr(&t, IGVT_GMBUS4, IGVT_GMBUS4_SLAVE_TIMEOUT_EN);
    g_assert_false(igvt_gmbus_irq_pending(&t.g));
}

static void test_gmbus_inuse(void)
{
    TestGmbus t;

    test_gmbus_init(&t, NULL, 0, PIN_DPD);
    g_assert_cmphex(rd(&t, IGVT_GMBUS2) & IGVT_GMBUS2_INUSE, ==, 0);
    g_assert_cmphex(rd(&t, IGVT_GMBUS2) & IGVT_GMBUS2_INUSE, ==,
                    IGVT_GMBUS2_INUSE);
    wr(&t, IGVT_GMBUS2, 0);
    g_assert_cmphex(rd(&t, IGVT_GMBUS2) & IGVT_GMBUS2_INUSE, ==,
                    IGVT_GMBUS2_INUSE);
    wr(&t, IGVT_GMBUS2, IGVT_GMBUS2_INUSE);
    g_assert_cmphex(rd(&t, IGVT_GMBUS2) & IGVT_GMBUS2_INUSE, ==, 0);
}

/*
 * Bytes moved and bytes to move of one cycle add up to at most the
 * largest byte count (found by fuzzing: a stream with a count near the
 * maximum and a full burst left let the count run past it).
 */
static void test_gmbus_post_load_cycle_total(void)
{
    TestGmbus t;
    uint8_t edid[128];

    make_edid(edid, 1);
    test_gmbus_init(&t, edid, sizeof(edid), PIN_DPD);
    wr(&t, IGVT_GMBUS0, PIN_DPD);
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(0, 64, 0x50, true));
    rd(&t, IGVT_GMBUS3);
    g_assert_cmpuint(t.g.count + t.g.remaining, ==, 64);
    g_assert_true(igvt_gmbus_post_load(&t.g));

    t.g.remaining = 256;
    t.g.count = IGVT_GMBUS_BURST_MAX - 256;
    g_assert_true(igvt_gmbus_post_load(&t.g));
    t.g.count++;
    g_assert_false(igvt_gmbus_post_load(&t.g));
}

static void test_gmbus_reset_post_load(void)
{
    TestGmbus t;
    uint8_t edid[128];

    make_edid(edid, 1);
    test_gmbus_init(&t, edid, sizeof(edid), PIN_DPD);
    g_assert_true(igvt_gmbus_post_load(&t.g));
    wr(&t, IGVT_GMBUS0, PIN_DPD);
    wr(&t, IGVT_GMBUS4, IGVT_GMBUS4_NAK_EN);
    wr(&t, IGVT_GMBUS1, gmbus1_cmd(0, 64, 0x50, true));
    g_assert_true(igvt_gmbus_post_load(&t.g));

    igvt_gmbus_reset(&t.g);
    g_assert_cmphex(rd(&t, IGVT_GMBUS0), ==, 0);
    g_assert_cmphex(rd(&t, IGVT_GMBUS4), ==, 0);
    g_assert_cmphex(rd(&t, IGVT_GMBUS2), ==, IGVT_GMBUS2_HW_RDY);
    g_assert_cmpuint(t.g.phase, ==, IGVT_GMBUS_IDLE);
    g_assert_true(igvt_gmbus_post_load(&t.g));

    t.g.phase = IGVT_GMBUS_PHASE__MAX;
    g_assert_false(igvt_gmbus_post_load(&t.g));
    t.g.phase = IGVT_GMBUS_IDLE;
    t.g.remaining = 4;
    g_assert_false(igvt_gmbus_post_load(&t.g));
    t.g.phase = IGVT_GMBUS_READ;
    t.g.remaining = 100000;
    g_assert_false(igvt_gmbus_post_load(&t.g));
    t.g.remaining = 4;
    t.g.status = 0xffffffff;
    g_assert_false(igvt_gmbus_post_load(&t.g));

    /* A corrupt state still stays in bounds */
    t.g.status = IGVT_GMBUS2_ACTIVE;
    t.g.remaining = 100000;
    t.g.ddc.open = true;
    t.g.ddc.reading = true;
    t.g.ddc.addr = 0x50;
    t.g.ddc.segment = 255;
    t.g.pin = PIN_DPD;
    g_assert_cmphex(rd(&t, IGVT_GMBUS3), ==, 0);
    g_assert_cmphex(rd(&t, IGVT_GMBUS3), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/igvt/aux/dpcd-caps", test_dpcd_caps);
    g_test_add_func("/igvt/aux/dpcd-write", test_dpcd_write);
    g_test_add_func("/igvt/aux/link-training", test_link_training);
    g_test_add_func("/igvt/aux/link-training-invalid",
                    test_link_training_invalid);
    g_test_add_func("/igvt/aux/edid", test_aux_edid);
    g_test_add_func("/igvt/aux/edid-segment", test_aux_edid_segment);
    g_test_add_func("/igvt/aux/edid-past-end", test_aux_edid_past_end);
    g_test_add_func("/igvt/aux/i2c-nack", test_aux_i2c_nack);
    g_test_add_func("/igvt/aux/i2c-mot", test_aux_i2c_mot);
    g_test_add_func("/igvt/aux/i2c-write-status-update", test_aux_i2c_wsu);
    g_test_add_func("/igvt/aux/disconnected", test_aux_disconnected);
    g_test_add_func("/igvt/aux/malformed", test_aux_malformed);
    g_test_add_func("/igvt/aux/short-reply", test_aux_short_reply);
    g_test_add_func("/igvt/aux/defer", test_aux_defer);
    g_test_add_func("/igvt/aux/set-edid", test_aux_set_edid);
    g_test_add_func("/igvt/aux/post-load", test_aux_post_load);

    g_test_add_func("/igvt/gmbus/edid", test_gmbus_edid);
    g_test_add_func("/igvt/gmbus/sequence", test_gmbus_sequence);
    g_test_add_func("/igvt/gmbus/edid-segment", test_gmbus_edid_segment);
    g_test_add_func("/igvt/gmbus/nak-empty-pin", test_gmbus_nak_empty_pin);
    g_test_add_func("/igvt/gmbus/nak-address", test_gmbus_nak_address);
    g_test_add_func("/igvt/gmbus/write", test_gmbus_write);
    g_test_add_func("/igvt/gmbus/2byte-index", test_gmbus_2byte_index);
    g_test_add_func("/igvt/gmbus/quick", test_gmbus_quick);
    g_test_add_func("/igvt/gmbus/burst", test_gmbus_burst);
    g_test_add_func("/igvt/gmbus/malformed", test_gmbus_malformed);
    g_test_add_func("/igvt/gmbus/irq", test_gmbus_irq);
    g_test_add_func("/igvt/gmbus/inuse", test_gmbus_inuse);
    g_test_add_func("/igvt/gmbus/reset-post-load",
                    test_gmbus_reset_post_load);
    g_test_add_func("/igvt/gmbus/post-load-cycle-total",
                    test_gmbus_post_load_cycle_total);

    return g_test_run();
}

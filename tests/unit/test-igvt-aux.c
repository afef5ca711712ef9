/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for igvt's virtual monitor as the DisplayPort sink behind
 * the AUX channel (hw/display/igvt/aux.c).
 *
 * The guest side is played the way Linux drives the hardware: AUX
 * requests are packed as i915's intel_dp_aux_xfer() packs them, EDID
 * reads over AUX follow drm_dp_i2c_xfer() and drm_do_probe_ddc_edid().
 * DPCD offsets and bits are spelled out here from the DisplayPort spec,
 * not taken from the code under test.  Reply buffers carry a canary past
 * the size handed to the code, so any write out of bounds fails a test.
 */

#include "qemu/osdep.h"
#include "hw/display/igvt/aux.h"
#include "igvt-edid.h"

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
    EdidRead r;

    edid_read_init(&r, block, buf);
    return dp_i2c_xfer(s, r.msgs, r.num);
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

    return g_test_run();
}

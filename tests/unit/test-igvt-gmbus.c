/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for igvt's GMBUS controller (hw/display/igvt/gmbus.c) and
 * the monitor's DDC slaves it reaches.
 *
 * The guest side is played the way Linux drives the hardware: transfers
 * follow i915's do_gmbus_xfer() register by register, including its NAK
 * clean-up and Kaby Lake burst reads, and EDID reads follow
 * drm_do_probe_ddc_edid().
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "hw/display/igvt/gmbus.h"
#include "igvt-edid.h"

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)ldl_le_p(p);
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

/* @t with a monitor of a one-block EDID (in @edid) on port D's pins */
static void gmbus_with_monitor(TestGmbus *t, uint8_t edid[128])
{
    make_edid(edid, 1);
    test_gmbus_init(t, edid, 128, PIN_DPD);
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
    EdidRead r;
    int ret;

    edid_read_init(&r, block, buf);
    ret = gmbus_xfer(t, pin, r.msgs, r.num);
    return ret == (int)r.num ? 0 : ret;
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

    gmbus_with_monitor(&t, edid);

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

    gmbus_with_monitor(&t, edid);
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

    gmbus_with_monitor(&t, edid);
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

    gmbus_with_monitor(&t, edid);
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

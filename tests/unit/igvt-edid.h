/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What igvt's AUX and GMBUS unit tests share: the I2C messages a driver
 * sends the monitor's DDC slaves, and test EDIDs.
 */

#ifndef TESTS_UNIT_IGVT_EDID_H
#define TESTS_UNIT_IGVT_EDID_H

/* One message of an I2C transfer, as Linux's struct i2c_msg */
typedef struct I2cMsg {
    uint8_t addr;
    bool read;
    unsigned len;
    uint8_t *buf;
} I2cMsg;

/*
 * A test EDID of @blocks blocks: real header and checksums, and bytes
 * that differ from block to block
 */
void make_edid(uint8_t *edid, unsigned blocks);

/* Whether the 128-byte EDID block @blk sums to 0 */
bool edid_block_ok(const uint8_t *blk);

/*
 * How drm_do_probe_ddc_edid() reads EDID block @block into @buf (128
 * bytes): the segment pointer (past the first two blocks only), the
 * offset, the read.  The transfer is r->num messages from r->msgs; @r
 * holds what they point to, so it must stay where edid_read_init() put
 * it.
 */
typedef struct EdidRead {
    uint8_t segment;
    uint8_t start;
    I2cMsg all[3];
    I2cMsg *msgs;
    unsigned num;
} EdidRead;

void edid_read_init(EdidRead *r, unsigned block, uint8_t *buf);

#endif /* TESTS_UNIT_IGVT_EDID_H */

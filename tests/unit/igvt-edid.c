/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test EDIDs for igvt's AUX and GMBUS unit tests (see igvt-edid.h)
 */

#include "qemu/osdep.h"
#include "hw/display/igvt/aux.h"
#include "igvt-edid.h"

void make_edid(uint8_t *edid, unsigned blocks)
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

void edid_read_init(EdidRead *r, unsigned block, uint8_t *buf)
{
    r->segment = block >> 1;
    r->start = block * 128;
    r->all[0] = (I2cMsg) { IGVT_DDC_ADDR_SEGMENT, false, 1, &r->segment };
    r->all[1] = (I2cMsg) { IGVT_DDC_ADDR_EDID, false, 1, &r->start };
    r->all[2] = (I2cMsg) { IGVT_DDC_ADDR_EDID, true, 128, buf };
    r->msgs = r->segment ? r->all : r->all + 1;
    r->num = r->segment ? 3 : 2;
}

bool edid_block_ok(const uint8_t *blk)
{
    uint8_t sum = 0;
    unsigned i;

    for (i = 0; i < 128; i++) {
        sum += blk[i];
    }
    return sum == 0;
}

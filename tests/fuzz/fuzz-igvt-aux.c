/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the DP sink behind an AUX channel (aux.c): native DPCD
 * accesses and I2C-over-AUX to the EDID and E-DDC segment slaves.
 *
 * Input: a mode byte, then either a sink state as a migration stream
 * would carry it (checked by igvt_dp_sink_post_load() and only used if
 * accepted) or an EDID length and contents, then AUX transactions:
 * request length, reply room, request bytes.  Requests and replies live
 * in buffers of exactly their size.
 */

#include "qemu/osdep.h"
#include "hw/display/igvt/aux.h"
#include "fuzz-input.h"

#define MAX_TRANSFERS   64

static void fuzz_transfer(IgvtDpSink *sink, IgvtFuzzInput *in)
{
    /* up to 3 bytes more than the hardware's longest request */
    unsigned req_len = igvt_fuzz_u8(in) % (IGVT_AUX_REQ_MAX + 4);
    unsigned reply_max = igvt_fuzz_u8(in) % (IGVT_AUX_REPLY_MAX + 4);
    g_autofree uint8_t *req = g_malloc(req_len + 1);
    g_autofree uint8_t *reply = g_malloc(reply_max + 1);
    int n;

    igvt_fuzz_bytes(in, req, req_len);
    n = igvt_dp_aux_transfer(sink, req, req_len, reply, reply_max);
    if (!sink->connected || !reply_max) {
        igvt_fuzz_check(n == -1);
    } else {
        igvt_fuzz_check(n >= 1 && (unsigned)n <= reply_max);
    }
    igvt_fuzz_check(igvt_dp_sink_post_load(sink));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    IgvtFuzzInput in = { data, size };
    g_autofree IgvtDpSink *sink = g_new0(IgvtDpSink, 1);
    uint8_t mode = igvt_fuzz_u8(&in);

    if (mode & 1) {
        IGVT_FUZZ_LOAD(&in, sink, &sink->connected, &sink->i2c.open,
                       &sink->i2c.reading, &sink->i2c.index_next);
        if (!igvt_dp_sink_post_load(sink)) {
            return 0;
        }
    } else {
        size_t edid_size = igvt_fuzz_u8(&in) * 4;
        g_autofree uint8_t *edid = g_malloc0(edid_size + 1);

        igvt_dp_sink_init(sink, mode & 2);
        igvt_fuzz_bytes(&in, edid, edid_size);
        igvt_dp_sink_set_edid(sink, edid_size ? edid : NULL, edid_size);
        sink->defer_next = (mode >> 2) & 3;
    }
    for (int i = 0; i < MAX_TRANSFERS && in.size; i++) {
        if (igvt_fuzz_u8(&in) == 0xff) {
            igvt_dp_sink_set_connected(sink, !sink->connected);
        }
        fuzz_transfer(sink, &in);
    }
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the GMBUS controller (gmbus.c) and the DDC slaves behind
 * it (aux.c).
 *
 * Input: a mode byte, then either a controller state as a migration
 * stream would carry it (checked by igvt_gmbus_post_load() and only used
 * if accepted) or nothing, then the pin that has a monitor and the
 * EDID's length, the EDID, then register accesses: register number (one
 * past the valid ones too), read or write, value.  The EDID lives in a
 * buffer of exactly its size.
 */

#include "qemu/osdep.h"
#include "hw/display/igvt/gmbus.h"
#include "fuzz-input.h"

#define MAX_ACCESSES    256

typedef struct Monitor {
    unsigned pin;
    const uint8_t *edid;
    size_t edid_size;
} Monitor;

static const uint8_t *monitor_edid(void *opaque, unsigned pin, size_t *size)
{
    Monitor *mon = opaque;

    if (pin != mon->pin || !mon->edid) {
        return NULL;
    }
    *size = mon->edid_size;
    return mon->edid;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    IgvtFuzzInput in = { data, size };
    g_autofree IgvtGmbus *g = g_new0(IgvtGmbus, 1);
    g_autofree uint8_t *edid = NULL;
    uint8_t mode = igvt_fuzz_u8(&in);
    Monitor mon;

    if (!(mode & 1)) {
        igvt_gmbus_reset(g);
    } else {
        IGVT_FUZZ_LOAD(&in, g, &g->stop_after, &g->ddc.open,
                       &g->ddc.reading, &g->ddc.index_next);
        if (!igvt_gmbus_post_load(g)) {
            return 0;
        }
    }
    mon.pin = igvt_fuzz_u8(&in) & 7;
    mon.edid_size = igvt_fuzz_u8(&in) * 4;
    edid = g_malloc(mon.edid_size + 1);
    igvt_fuzz_bytes(&in, edid, mon.edid_size);
    mon.edid = mode & 2 ? NULL : edid;

    for (int i = 0; i < MAX_ACCESSES && in.size; i++) {
        uint8_t op = igvt_fuzz_u8(&in);
        unsigned reg = (op & 0x7f) % (IGVT_GMBUS_NUM_REGS + 1);

        if (op & 0x80) {
            igvt_gmbus_write(g, reg, igvt_fuzz_u32(&in), monitor_edid, &mon);
        } else {
            igvt_gmbus_read(g, reg, monitor_edid, &mon);
        }
        igvt_gmbus_irq_pending(g);
        /* what the controller does must stay a state it would migrate */
        igvt_fuzz_check(igvt_gmbus_post_load(g));
    }
    return 0;
}

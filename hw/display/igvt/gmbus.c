/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the GMBUS I2C controller.
 *
 * What i915 (intel_gmbus.c) does against the hardware, and what this
 * model answers:
 *
 *   GMBUS0 = pin pair | rate                 select the bus
 *   [GMBUS5 = 2BYTE_INDEX_EN | index]        only for a 2-byte index
 *   [GMBUS3 = first 4 bytes]                 writes: data goes first
 *   GMBUS1 = SW_RDY | cycle | count << 16 | index << 8 | addr << 1 | dir
 *   per 4 bytes: wait GMBUS2 HW_RDY, then read (or write) GMBUS3
 *   wait GMBUS2 HW_WAIT_PHASE                cycle over, bus still held
 *   ... more cycles: a repeated START each ...
 *   GMBUS1 = SW_RDY | CYCLE_STOP             STOP
 *   wait GMBUS2 ACTIVE clear, GMBUS0 = 0
 *
 * Each wait also stops on SATOER: the slave did not acknowledge its
 * address.  i915 then waits for ACTIVE to clear, toggles GMBUS1 SW_CLR_INT
 * (which resets the controller and clears SATOER), writes GMBUS0 = 0,
 * retries a failed first message once and returns -ENXIO; only a timeout
 * makes it fall back to bit-banging the GPIO pins.
 *
 * The cycle field of GMBUS1 (bits 27:25): bit 25 starts a data cycle
 * (START, address, data), bit 26 puts an index before the data (START,
 * address, index, repeated START for a read), bit 27 ends the data cycle
 * with a STOP instead of entering the wait phase; bit 27 alone is a STOP
 * from the wait phase; 000 and the reserved 010 and 110 do nothing.  With
 * GMBUS5 2BYTE_INDEX_EN the index is GMBUS5's two bytes, high byte first,
 * with or without bit 26 (i915 sets only GMBUS5 then).  A byte count of 0
 * is an address-only cycle (the I2C quick command).  With GMBUS0
 * BYTE_CNT_OVERRIDE at the start of a read the count is 256 more, which
 * is how i915 reads up to 767 bytes at once (burst reads, Kaby Lake).
 *
 * Transfers are instantaneous: HW_RDY is set whenever no NAK is pending
 * (read data is always there, written data always taken), every wait is
 * over before i915 first looks, so the interrupt is never needed; it is
 * still modelled as a level of the GMBUS4-enabled events.  A cycle started
 * while SATOER is pending does nothing until SW_CLR_INT, reads of GMBUS3
 * outside a read phase return the last value, writes outside a write
 * phase just load the register (i915 loads it before every write cycle).
 * AKSV_SELECT (HDCP) is not modelled: the HDCP port 0x3A NACKs anyway.
 */

#include "qemu/osdep.h"
#include "hw/display/igvt/gmbus.h"

static const uint8_t *igvt_gmbus_edid(IgvtGmbus *g, IgvtGmbusEdidFn *fn,
                                      void *opaque, size_t *size)
{
    const uint8_t *edid = NULL;

    *size = 0;
    if (fn) {
        edid = fn(opaque, g->pin, size);
    }
    if (!edid) {
        *size = 0;
    }
    return edid;
}

/* The bus is released: STOP after the cycle, a NAK, or a controller reset */
static void igvt_gmbus_release(IgvtGmbus *g)
{
    igvt_ddc_stop(&g->ddc);
    g->phase = IGVT_GMBUS_IDLE;
    g->remaining = 0;
    g->status &= ~(IGVT_GMBUS2_ACTIVE | IGVT_GMBUS2_HW_WAIT_PHASE);
}

static void igvt_gmbus_nak(IgvtGmbus *g)
{
    igvt_gmbus_release(g);
    g->status &= ~IGVT_GMBUS2_HW_RDY;
    g->status |= IGVT_GMBUS2_SATOER;
}

static void igvt_gmbus_data_done(IgvtGmbus *g)
{
    if (g->stop_after) {
        igvt_gmbus_release(g);
    } else {
        g->phase = IGVT_GMBUS_WAIT;
        g->status |= IGVT_GMBUS2_HW_WAIT_PHASE;
    }
}

/* Hand up to 4 bytes of GMBUS3 to the slave */
static void igvt_gmbus_put(IgvtGmbus *g)
{
    unsigned n = MIN(g->remaining, 4), i;

    for (i = 0; i < n; i++) {
        igvt_ddc_write(&g->ddc, g->gmbus3 >> (8 * i));
    }
    g->remaining -= n;
    g->count += n;
    if (!g->remaining) {
        igvt_gmbus_data_done(g);
    }
}

/* Fetch up to 4 bytes from the slave into GMBUS3 */
static void igvt_gmbus_get(IgvtGmbus *g, IgvtGmbusEdidFn *fn, void *opaque)
{
    unsigned n = MIN(g->remaining, 4), i;
    const uint8_t *edid;
    size_t size;
    uint32_t v = 0;

    edid = igvt_gmbus_edid(g, fn, opaque, &size);
    for (i = 0; i < n; i++) {
        v |= (uint32_t)igvt_ddc_read(&g->ddc, edid, size) << (8 * i);
    }
    g->gmbus3 = v;
    g->remaining -= n;
    g->count += n;
}

static void igvt_gmbus_data_cycle(IgvtGmbus *g, uint32_t cmd,
                                  IgvtGmbusEdidFn *fn, void *opaque)
{
    uint8_t addr = (cmd >> IGVT_GMBUS1_SLAVE_ADDR_SHIFT) & 0x7f;
    bool read = cmd & IGVT_GMBUS1_SLAVE_READ;
    uint8_t pin = g->gmbus0 & IGVT_GMBUS0_PIN_MASK;
    uint32_t count = (cmd & IGVT_GMBUS1_BYTE_COUNT_MASK) >>
                     IGVT_GMBUS1_BYTE_COUNT_SHIFT;
    uint8_t index[2];
    unsigned nindex = 0, i;
    size_t size;

    if (pin != g->pin) {
        /* Another bus, another monitor: nothing carries over */
        igvt_ddc_reset(&g->ddc);
        g->pin = pin;
    }
    igvt_gmbus_edid(g, fn, opaque, &size);

    if (g->gmbus5 & IGVT_GMBUS5_2BYTE_INDEX_EN) {
        index[0] = g->gmbus5 >> 8;
        index[1] = g->gmbus5;
        nindex = 2;
    } else if (cmd & IGVT_GMBUS1_CYCLE_INDEX) {
        index[0] = (cmd & IGVT_GMBUS1_INDEX_MASK) >> IGVT_GMBUS1_INDEX_SHIFT;
        nindex = 1;
    }
    if (read && (g->gmbus0 & IGVT_GMBUS0_BYTE_CNT_OVERRIDE)) {
        count += 256;
    }

    g->phase = read ? IGVT_GMBUS_READ : IGVT_GMBUS_WRITE;
    g->stop_after = cmd & IGVT_GMBUS1_CYCLE_STOP;
    g->remaining = count;
    g->count = 0;
    g->status &= ~IGVT_GMBUS2_HW_WAIT_PHASE;
    g->status |= IGVT_GMBUS2_ACTIVE | IGVT_GMBUS2_HW_RDY;

    /* (Repeated) START, address, the index if any */
    if (nindex) {
        if (!igvt_ddc_start(&g->ddc, addr, false, size)) {
            igvt_gmbus_nak(g);
            return;
        }
        for (i = 0; i < nindex; i++) {
            igvt_ddc_write(&g->ddc, index[i]);
        }
    }
    if ((!nindex || read) && !igvt_ddc_start(&g->ddc, addr, read, size)) {
        igvt_gmbus_nak(g);
        return;
    }

    if (!count) {
        igvt_gmbus_data_done(g);
    } else if (read) {
        igvt_gmbus_get(g, fn, opaque);
    } else {
        igvt_gmbus_put(g);
    }
}

static void igvt_gmbus_command(IgvtGmbus *g, uint32_t val,
                               IgvtGmbusEdidFn *fn, void *opaque)
{
    uint32_t cycle = val & IGVT_GMBUS1_CYCLE_MASK;

    g->gmbus1 = val & ~IGVT_GMBUS1_SW_RDY;
    if (val & IGVT_GMBUS1_SW_CLR_INT) {
        /* Controller reset: clears SATOER and abandons the transaction */
        igvt_gmbus_release(g);
        g->status &= ~IGVT_GMBUS2_SATOER;
        g->status |= IGVT_GMBUS2_HW_RDY;
        g->count = 0;
        return;
    }
    if (!(val & IGVT_GMBUS1_SW_RDY) || (g->status & IGVT_GMBUS2_SATOER)) {
        return;
    }
    if (cycle & IGVT_GMBUS1_CYCLE_WAIT) {
        igvt_gmbus_data_cycle(g, val, fn, opaque);
    } else if (cycle == IGVT_GMBUS1_CYCLE_STOP) {
        if (g->phase != IGVT_GMBUS_IDLE) {
            igvt_gmbus_release(g);
        }
    }
}

void igvt_gmbus_reset(IgvtGmbus *g)
{
    memset(g, 0, sizeof(*g));
    g->phase = IGVT_GMBUS_IDLE;
    g->status = IGVT_GMBUS2_HW_RDY;
    igvt_ddc_reset(&g->ddc);
}

bool igvt_gmbus_irq_pending(const IgvtGmbus *g)
{
    uint32_t en = g->gmbus4, st = g->status;

    return ((en & IGVT_GMBUS4_HW_RDY_EN) && (st & IGVT_GMBUS2_HW_RDY)) ||
           ((en & IGVT_GMBUS4_HW_WAIT_EN) &&
            (st & IGVT_GMBUS2_HW_WAIT_PHASE)) ||
           ((en & IGVT_GMBUS4_IDLE_EN) && !(st & IGVT_GMBUS2_ACTIVE)) ||
           ((en & IGVT_GMBUS4_NAK_EN) && (st & IGVT_GMBUS2_SATOER));
}

uint32_t igvt_gmbus_read(IgvtGmbus *g, unsigned reg, IgvtGmbusEdidFn *edid,
                         void *opaque)
{
    uint32_t v;

    switch (reg) {
    case IGVT_GMBUS0:
        return g->gmbus0;
    case IGVT_GMBUS1:
        return g->gmbus1;
    case IGVT_GMBUS2:
        v = g->status | (g->count & IGVT_GMBUS2_BYTE_COUNT_MASK);
        if (igvt_gmbus_irq_pending(g)) {
            v |= IGVT_GMBUS2_INT;
        }
        /* INUSE is a semaphore: reading it claims it */
        g->status |= IGVT_GMBUS2_INUSE;
        return v;
    case IGVT_GMBUS3:
        v = g->gmbus3;
        if (g->phase == IGVT_GMBUS_READ) {
            if (g->remaining) {
                igvt_gmbus_get(g, edid, opaque);
            } else {
                igvt_gmbus_data_done(g);
            }
        }
        return v;
    case IGVT_GMBUS4:
        return g->gmbus4;
    case IGVT_GMBUS5:
        return g->gmbus5;
    default:
        return 0;
    }
}

void igvt_gmbus_write(IgvtGmbus *g, unsigned reg, uint32_t val,
                      IgvtGmbusEdidFn *edid, void *opaque)
{
    switch (reg) {
    case IGVT_GMBUS0:
        g->gmbus0 = val & IGVT_GMBUS0_MASK;
        break;
    case IGVT_GMBUS1:
        igvt_gmbus_command(g, val, edid, opaque);
        break;
    case IGVT_GMBUS2:
        if (val & IGVT_GMBUS2_INUSE) {
            g->status &= ~IGVT_GMBUS2_INUSE;    /* release the semaphore */
        }
        break;
    case IGVT_GMBUS3:
        g->gmbus3 = val;
        if (g->phase == IGVT_GMBUS_WRITE) {
            igvt_gmbus_put(g);
        }
        break;
    case IGVT_GMBUS4:
        g->gmbus4 = val & IGVT_GMBUS4_MASK;
        break;
    case IGVT_GMBUS5:
        g->gmbus5 = val & (IGVT_GMBUS5_2BYTE_INDEX_EN |
                           IGVT_GMBUS5_INDEX_MASK);
        break;
    default:
        break;
    }
}

bool igvt_gmbus_post_load(IgvtGmbus *g)
{
    const uint32_t status_bits = IGVT_GMBUS2_INUSE |
                                 IGVT_GMBUS2_HW_WAIT_PHASE |
                                 IGVT_GMBUS2_HW_RDY | IGVT_GMBUS2_SATOER |
                                 IGVT_GMBUS2_ACTIVE;

    /*
     * A cycle's bytes moved and bytes still to move add up to its byte
     * count: a stream claiming more would let the count run past any
     * the hardware has, and fail the next migration's check.
     */
    if (g->phase >= IGVT_GMBUS_PHASE__MAX ||
        g->remaining > IGVT_GMBUS_BURST_MAX ||
        g->count > IGVT_GMBUS_BURST_MAX - g->remaining ||
        (g->status & ~status_bits)) {
        return false;
    }
    if (g->phase == IGVT_GMBUS_IDLE && g->remaining) {
        return false;
    }
    return true;
}

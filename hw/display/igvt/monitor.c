/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the virtual monitor.
 *
 * A DisplayPort sink on one port (D by default) with an EDID from QEMU's
 * generator for the configured resolution, reached over that port's AUX
 * channel (native AUX to the DPCD, I2C-over-AUX to the EDID); AUX on the
 * other channels times out as on hardware with nothing plugged in.  GMBUS
 * finds the EDID on the monitor port's DDC pin only.  Changing the
 * resolution (QMP, or the console window asking for another size)
 * regenerates the EDID and signals a hotplug so the guest re-reads it.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "migration/vmstate.h"
#include "qapi/error.h"
#include "hw/display/edid.h"
#include "ui/console.h"
#include "igvt.h"
#include "aux.h"
#include "gmbus.h"
#include "opregion.h"
#include "regs.h"
#include "trace.h"

void igvt_monitor_update_edid(IgvtState *s)
{
    IgvtDisplay *d = &s->display;
    qemu_edid_info info = d->edid_info;     /* the generator edits it */
    uint8_t edid[256];

    memset(edid, 0, sizeof(edid));
    qemu_edid_generate(edid, sizeof(edid), &info);
    igvt_dp_sink_set_edid(&d->sink, edid, qemu_edid_size(edid));
    d->edid_xres = info.prefx;
    d->edid_yres = info.prefy;
    trace_igvt_monitor_edid(info.prefx, info.prefy, qemu_edid_size(edid));
}

/*
 * The guest sent an AUX message: DP_AUX_CH_DATA1-5 hold it big-endian,
 * MESSAGE_SIZE its length.  Answer at once, or time out if no sink is on
 * this channel.
 */
static void igvt_aux_transfer(IgvtState *s, unsigned ch, uint32_t ctl_off,
                              uint32_t ctl)
{
    IgvtDisplay *d = &s->display;
    uint32_t data_off = ctl_off - A_DP_AUX_CH_CTL_A + A_DP_AUX_CH_DATA1_A;
    unsigned len = FIELD_EX32(ctl, DP_AUX_CH_CTL, MESSAGE_SIZE);
    uint8_t msg[IGVT_DP_AUX_CH_DATA_REGS * 4];
    uint8_t reply[IGVT_DP_AUX_CH_DATA_REGS * 4];
    int rlen = -1;
    unsigned i;

    for (i = 0; i < IGVT_DP_AUX_CH_DATA_REGS; i++) {
        stl_be_p(msg + 4 * i, igvt_reg(s, data_off + 4 * i));
    }
    if (len > sizeof(msg)) {
        IGVT_GUEST_ERR(igvt_err_aux, "AUX %c message of %u bytes", 'A' + ch,
                       len);
    } else if (d->connected &&
               igvt_port_info[d->port % IGVT_PORT__MAX].aux_port == ch) {
        rlen = igvt_dp_aux_transfer(&d->sink, msg, len, reply,
                                    sizeof(reply));
    }
    ctl = FIELD_DP32(ctl, DP_AUX_CH_CTL, SEND_BUSY, 0);
    ctl = FIELD_DP32(ctl, DP_AUX_CH_CTL, DONE, 1);
    if (rlen < 0) {
        ctl = FIELD_DP32(ctl, DP_AUX_CH_CTL, TIME_OUT_ERROR, 1);
        ctl = FIELD_DP32(ctl, DP_AUX_CH_CTL, MESSAGE_SIZE, 0);
    } else {
        memset(msg, 0, sizeof(msg));
        memcpy(msg, reply, MIN(rlen, (int)sizeof(msg)));
        for (i = 0; i < IGVT_DP_AUX_CH_DATA_REGS; i++) {
            igvt_reg_set(s, data_off + 4 * i, ldl_be_p(msg + 4 * i));
        }
        ctl = FIELD_DP32(ctl, DP_AUX_CH_CTL, MESSAGE_SIZE, rlen);
    }
    trace_igvt_aux(ch, len, rlen);
    igvt_reg_set(s, ctl_off, ctl);
    if (FIELD_EX32(ctl, DP_AUX_CH_CTL, INTERRUPT) &&
        igvt_port_info[ch].aux_irq) {
        igvt_irq_raise(s, IGVT_IRQ_DE_PORT, igvt_port_info[ch].aux_irq);
    }
}

void igvt_aux_ctl_write(IgvtState *s, uint32_t offset, uint32_t old,
                        uint32_t val)
{
    unsigned ch = ((offset - A_DP_AUX_CH_CTL_A) / IGVT_PORT_STRIDE) %
                  IGVT_PORT__MAX;

    if (FIELD_EX32(val, DP_AUX_CH_CTL, SEND_BUSY) &&
        !FIELD_EX32(old, DP_AUX_CH_CTL, SEND_BUSY)) {
        igvt_aux_transfer(s, ch, offset, val);
    }
}

/*
 * GMBUS: the monitor's EDID answers on its port's DDC pin (as on a DP++
 * connector); nothing answers on the other pins.
 */
static const uint8_t *igvt_gmbus_edid(void *opaque, unsigned pin,
                                      size_t *size)
{
    IgvtState *s = opaque;
    IgvtDisplay *d = &s->display;
    uint8_t ddc_pin = igvt_port_info[d->port % IGVT_PORT__MAX].ddc_pin;

    if (!d->connected || !d->sink.edid_size || !ddc_pin || pin != ddc_pin) {
        *size = 0;
        return NULL;
    }
    *size = d->sink.edid_size;
    return d->sink.edid;
}

uint32_t igvt_gmbus_reg_read(IgvtState *s, uint32_t offset)
{
    return igvt_gmbus_read(&s->display.gmbus, igvt_gmbus_reg_index(offset),
                           igvt_gmbus_edid, s);
}

void igvt_gmbus_reg_write(IgvtState *s, uint32_t offset, uint32_t old,
                          uint32_t val)
{
    igvt_gmbus_write(&s->display.gmbus, igvt_gmbus_reg_index(offset), val,
                     igvt_gmbus_edid, s);
    if (igvt_gmbus_irq_pending(&s->display.gmbus)) {
        igvt_irq_raise(s, IGVT_IRQ_PCH, IGVT_SDE_GMBUS);
    }
}

/*
 * Tell the guest the monitor changed: a long hotplug pulse on its port,
 * with live status showing whether it is connected.
 */
void igvt_monitor_hotplug(IgvtState *s)
{
    IgvtDisplay *d = &s->display;
    unsigned port = d->port % IGVT_PORT__MAX;
    const IgvtPortInfo *pi = &igvt_port_info[port];

    /* A new EDID on a monitor that stays plugged in: the link stays up */
    igvt_monitor_update_edid(s);
    igvt_reg_set(s, A_SDEISR, (igvt_reg(s, A_SDEISR) & ~pi->sde_hotplug) |
                              igvt_display_hotplug_bit(s));
    igvt_reg_set(s, pi->hotplug_reg,
                 igvt_reg(s, pi->hotplug_reg) | pi->hotplug_long);
    trace_igvt_monitor_hotplug(port, d->connected);
    igvt_irq_raise(s, IGVT_IRQ_PCH, pi->sde_hotplug);
}

bool igvt_monitor_set_mode(IgvtState *s, uint32_t xres, uint32_t yres,
                           Error **errp)
{
    IgvtDisplay *d = &s->display;

    if (xres < 640 || yres < 480 || xres > 4096 || yres > 4096) {
        error_setg(errp, "igvt: %ux%u is outside 640x480 .. 4096x4096",
                   xres, yres);
        return false;
    }
    if (d->edid_info.maxx && xres > d->edid_info.maxx) {
        error_setg(errp, "igvt: %u is wider than xmax (%u)", xres,
                   d->edid_info.maxx);
        return false;
    }
    if (d->edid_info.maxy && yres > d->edid_info.maxy) {
        error_setg(errp, "igvt: %u is taller than ymax (%u)", yres,
                   d->edid_info.maxy);
        return false;
    }
    if (d->edid_info.prefx == xres && d->edid_info.prefy == yres) {
        return true;
    }
    d->edid_info.prefx = xres;
    d->edid_info.prefy = yres;
    igvt_monitor_hotplug(s);
    return true;
}

/* The console window was resized: offer that size as the preferred mode */
void igvt_monitor_ui_info(IgvtState *s, QemuUIInfo *info)
{
    if (!info->width || !info->height) {
        return;
    }
    igvt_monitor_set_mode(s, info->width, info->height, NULL);
}

void igvt_monitor_reset(IgvtState *s)
{
    IgvtDisplay *d = &s->display;

    igvt_dp_sink_init(&d->sink, d->connected);
    igvt_monitor_update_edid(s);
    igvt_gmbus_reset(&d->gmbus);
}

static const VMStateDescription vmstate_igvt_ddc = {
    .name = "igvt/ddc",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(offset, IgvtDdc),
        VMSTATE_UINT8(segment, IgvtDdc),
        VMSTATE_UINT8(addr, IgvtDdc),
        VMSTATE_BOOL(open, IgvtDdc),
        VMSTATE_BOOL(reading, IgvtDdc),
        VMSTATE_BOOL(index_next, IgvtDdc),
        VMSTATE_END_OF_LIST()
    },
};

static int igvt_dp_sink_vmstate_post_load(void *opaque, int version_id)
{
    return igvt_dp_sink_post_load(opaque) ? 0 : -EINVAL;
}

const VMStateDescription vmstate_igvt_dp_sink = {
    .name = "igvt/dp-sink",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = igvt_dp_sink_vmstate_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_BOOL(connected, IgvtDpSink),
        VMSTATE_UINT8_ARRAY(dpcd, IgvtDpSink, IGVT_DPCD_SIZE),
        VMSTATE_UINT8_ARRAY(edid, IgvtDpSink, IGVT_EDID_MAX),
        VMSTATE_UINT32(edid_size, IgvtDpSink),
        VMSTATE_STRUCT(i2c, IgvtDpSink, 1, vmstate_igvt_ddc, IgvtDdc),
        VMSTATE_UINT32(defer_next, IgvtDpSink),
        VMSTATE_END_OF_LIST()
    },
};

static int igvt_gmbus_vmstate_post_load(void *opaque, int version_id)
{
    return igvt_gmbus_post_load(opaque) ? 0 : -EINVAL;
}

const VMStateDescription vmstate_igvt_gmbus = {
    .name = "igvt/gmbus",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = igvt_gmbus_vmstate_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32(gmbus0, IgvtGmbus),
        VMSTATE_UINT32(gmbus1, IgvtGmbus),
        VMSTATE_UINT32(status, IgvtGmbus),
        VMSTATE_UINT32(gmbus3, IgvtGmbus),
        VMSTATE_UINT32(gmbus4, IgvtGmbus),
        VMSTATE_UINT32(gmbus5, IgvtGmbus),
        VMSTATE_UINT32(phase, IgvtGmbus),
        VMSTATE_UINT32(remaining, IgvtGmbus),
        VMSTATE_UINT32(count, IgvtGmbus),
        VMSTATE_BOOL(stop_after, IgvtGmbus),
        VMSTATE_UINT8(pin, IgvtGmbus),
        VMSTATE_STRUCT(ddc, IgvtGmbus, 1, vmstate_igvt_ddc, IgvtDdc),
        VMSTATE_END_OF_LIST()
    },
};

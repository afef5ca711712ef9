/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the virtual display engine.
 *
 * One virtual monitor on a DP port (D by default).  Everything the guest's
 * modeset waits on completes at once and as real hardware reports it:
 * fuses and power wells, DBUF, the CDCLK and DPLLs, DDI buffers, DP link
 * training idle patterns, transcoders, panel power.  Each enabled pipe
 * has a frame counter and scanline that run on the guest-virtual clock at
 * the refresh rate the guest programmed; a timer delivers vblank and
 * flip-done interrupts only while the guest listens for them.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/timer.h"
#include "migration/vmstate.h"
#include "igvt.h"
#include "regs.h"
#include "trace.h"

/* Refresh rates in mHz: what inconsistent timings give, and the range */
#define IGVT_DEFAULT_REFRESH_MHZ    60000
#define IGVT_MIN_REFRESH_MHZ        20000
#define IGVT_MAX_REFRESH_MHZ        250000

static unsigned igvt_pipe_of(uint32_t offset)
{
    return ((offset >> 12) & 0xf) % IGVT_NUM_PIPES;
}

/* Power wells: every well is on once anybody requests it */
void igvt_pwr_well_write(IgvtState *s, uint32_t offset, uint32_t old,
                         uint32_t val)
{
    uint32_t req = 0, state, off;

    for (off = A_HSW_PWR_WELL_CTL1; off <= A_HSW_PWR_WELL_CTL4; off += 4) {
        req |= igvt_reg(s, off) & IGVT_PWR_WELL_REQUESTS;
    }
    state = req >> 1;
    for (off = A_HSW_PWR_WELL_CTL1; off <= A_HSW_PWR_WELL_CTL4; off += 4) {
        igvt_reg_set(s, off, (igvt_reg(s, off) & IGVT_PWR_WELL_REQUESTS) |
                             state);
    }
    trace_igvt_display_power_wells(req);
}

/* DBUF and the PLLs report the state they were asked for */
uint32_t igvt_dbuf_pre_write(IgvtState *s, uint32_t offset, uint32_t old,
                             uint32_t val)
{
    return FIELD_DP32(val, DBUF_CTL, POWER_STATE,
                      FIELD_EX32(val, DBUF_CTL, POWER_REQUEST));
}

uint32_t igvt_pll_pre_write(IgvtState *s, uint32_t offset, uint32_t old,
                            uint32_t val)
{
    return val & IGVT_PLL_ENABLE ? val | IGVT_PLL_LOCK : val & ~IGVT_PLL_LOCK;
}

/* DPLL0-3 run off LCPLL1, LCPLL2, WRPLL1 and WRPLL2 */
uint32_t igvt_dpll_status_read(IgvtState *s, uint32_t offset)
{
    static const uint32_t ctl[] = {
        A_LCPLL1_CTL, A_LCPLL2_CTL, A_WRPLL_CTL1, A_WRPLL_CTL2,
    };
    uint32_t val = 0;
    int i;

    for (i = 0; i < ARRAY_SIZE(ctl); i++) {
        if (igvt_reg(s, ctl[i]) & IGVT_PLL_ENABLE) {
            val |= IGVT_DPLL_LOCK(i);
        }
    }
    return val;
}

/* A DDI buffer is idle exactly while it is disabled */
uint32_t igvt_ddi_buf_pre_write(IgvtState *s, uint32_t offset, uint32_t old,
                                uint32_t val)
{
    return FIELD_DP32(val, DDI_BUF_CTL, IS_IDLE,
                      !FIELD_EX32(val, DDI_BUF_CTL, ENABLE));
}

/* Sending the idle pattern is done as soon as it is asked for */
void igvt_dp_tp_ctl_write(IgvtState *s, uint32_t offset, uint32_t old,
                          uint32_t val)
{
    uint32_t status = offset - A_DP_TP_CTL_A + A_DP_TP_STATUS_A;
    bool idle = FIELD_EX32(val, DP_TP_CTL, LINK_TRAIN) ==
                IGVT_DP_TP_CTL_LINK_TRAIN_IDLE;

    igvt_reg_set(s, status, FIELD_DP32(igvt_reg(s, status), DP_TP_STATUS,
                                       IDLE_DONE, idle));
}

void igvt_pp_control_write(IgvtState *s, uint32_t offset, uint32_t old,
                           uint32_t val)
{
    igvt_reg_set(s, A_PCH_PP_STATUS,
                 FIELD_DP32(0, PCH_PP_STATUS, ON,
                            FIELD_EX32(val, PCH_PP_CONTROL, POWER_TARGET_ON)));
}

/* The sideband interface completes every request successfully */
uint32_t igvt_sbi_pre_write(IgvtState *s, uint32_t offset, uint32_t old,
                            uint32_t val)
{
    val = FIELD_DP32(val, SBI_CTL_STAT, BUSY, 0);
    return FIELD_DP32(val, SBI_CTL_STAT, RESPONSE_FAIL, 0);
}

/*
 * Refresh rate of @pipe in mHz from what the guest programmed: the pixel
 * clock is the DP link clock (DPLL_CTRL1 link rate of the DPLL feeding the
 * transcoder's DDI) times LINK_M/LINK_N; the frame is HTOTAL x VTOTAL.
 * Anything inconsistent gives 60 Hz.
 */
static uint32_t igvt_pipe_refresh_mhz(IgvtState *s, unsigned pipe)
{
    /* link symbol clock in kHz per DPLL_CTRL1 link rate code */
    static const uint32_t link_khz[8] = {
        540000, 270000, 162000, 324000, 216000, 432000, 0, 0,
    };
    uint32_t base = pipe * IGVT_PIPE_STRIDE;
    unsigned port = FIELD_EX32(igvt_reg(s, A_TRANS_DDI_FUNC_CTL_A + base),
                               TRANS_DDI_FUNC_CTL, PORT) % IGVT_PORT__MAX;
    unsigned dpll = extract32(igvt_reg(s, A_DPLL_CTRL2),
                              IGVT_DPLL_CTRL2_DDI_CLK_SEL_SHIFT(port), 2);
    unsigned rate = extract32(igvt_reg(s, A_DPLL_CTRL1),
                              IGVT_DPLL_CTRL1_LINK_RATE_SHIFT(dpll), 3);
    uint64_t m = FIELD_EX32(igvt_reg(s, A_PIPE_LINK_M1_A + base),
                            PIPE_LINK_M1, M);
    uint64_t n = FIELD_EX32(igvt_reg(s, A_PIPE_LINK_N1_A + base),
                            PIPE_LINK_N1, N);
    uint64_t htotal = FIELD_EX32(igvt_reg(s, A_HTOTAL_A + base), HTOTAL,
                                 TOTAL) + 1;
    uint64_t vtotal = FIELD_EX32(igvt_reg(s, A_VTOTAL_A + base), VTOTAL,
                                 TOTAL) + 1;
    uint64_t pixel_khz, mhz;

    if (!n || !m || !link_khz[rate]) {
        return IGVT_DEFAULT_REFRESH_MHZ;
    }
    pixel_khz = link_khz[rate] * m / n;
    mhz = pixel_khz * 1000000 / (htotal * vtotal);
    if (mhz < IGVT_MIN_REFRESH_MHZ || mhz > IGVT_MAX_REFRESH_MHZ) {
        return IGVT_DEFAULT_REFRESH_MHZ;
    }
    return mhz;
}

static bool igvt_pipe_enabled(IgvtState *s, unsigned pipe)
{
    return FIELD_EX32(igvt_reg(s, A_TRANSCONF_A + pipe * IGVT_PIPE_STRIDE),
                      TRANSCONF, ENABLE);
}

static uint64_t igvt_pipe_period_ns(IgvtState *s, unsigned pipe)
{
    return 1000000000000ull / s->display.pipes[pipe].refresh_mhz;
}

/* Frames since the pipe's counter base */
static uint64_t igvt_pipe_elapsed(IgvtState *s, unsigned pipe, int64_t now)
{
    IgvtPipe *p = &s->display.pipes[pipe];

    if (now < p->base_ns) {
        return 0;
    }
    return (now - p->base_ns) / igvt_pipe_period_ns(s, pipe);
}

static uint64_t igvt_pipe_frames(IgvtState *s, unsigned pipe, int64_t now)
{
    return igvt_pipe_enabled(s, pipe) ? igvt_pipe_elapsed(s, pipe, now) : 0;
}

uint32_t igvt_frmcount_read(IgvtState *s, uint32_t offset)
{
    unsigned pipe = igvt_pipe_of(offset);
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    return s->display.pipes[pipe].base_count + igvt_pipe_frames(s, pipe, now);
}

/* The scanline the pipe is on, from the position within the frame */
uint32_t igvt_pipedsl_read(IgvtState *s, uint32_t offset)
{
    unsigned pipe = igvt_pipe_of(offset);
    IgvtPipe *p = &s->display.pipes[pipe];
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    uint64_t period, in_frame;
    uint32_t vtotal;

    if (!igvt_pipe_enabled(s, pipe) || now < p->base_ns) {
        return 0;
    }
    period = igvt_pipe_period_ns(s, pipe);
    in_frame = (now - p->base_ns) % period;
    vtotal = FIELD_EX32(igvt_reg(s, A_VTOTAL_A + pipe * IGVT_PIPE_STRIDE),
                        VTOTAL, TOTAL) + 1;
    return in_frame * vtotal / period;
}

/* Does anybody wait for this pipe's vblank: interrupt enabled or a flip? */
static bool igvt_pipe_wants_vblank(IgvtState *s, unsigned pipe)
{
    uint32_t imr = igvt_reg(s, IGVT_GEN8_DE_PIPE_IMR(pipe));
    uint32_t ier = igvt_reg(s, IGVT_GEN8_DE_PIPE_IER(pipe));

    return igvt_pipe_enabled(s, pipe) &&
           (s->display.pipes[pipe].flips_pending ||
            (ier & ~imr & IGVT_DE_PIPE_VBLANK));
}

/* Arm the vblank timer for the next frame boundary, or stop it */
void igvt_display_update_timers(IgvtState *s)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    unsigned pipe;

    for (pipe = 0; pipe < IGVT_NUM_PIPES; pipe++) {
        IgvtPipe *p = &s->display.pipes[pipe];

        if (!p->vblank_timer) {
            continue;
        }
        if (igvt_pipe_wants_vblank(s, pipe)) {
            uint64_t next = igvt_pipe_frames(s, pipe, now) + 1;

            timer_mod(p->vblank_timer,
                      p->base_ns + next * igvt_pipe_period_ns(s, pipe));
        } else {
            timer_del(p->vblank_timer);
        }
    }
}

static void igvt_vblank(void *opaque)
{
    IgvtPipe *p = opaque;
    IgvtState *s = p->owner;
    unsigned pipe = p - s->display.pipes;
    uint32_t events = IGVT_DE_PIPE_VBLANK;
    unsigned plane;

    for (plane = 0; plane < IGVT_NUM_PLANES; plane++) {
        if (p->flips_pending & (1u << plane)) {
            events |= IGVT_DE_PIPE_PLANE_FLIP_DONE(plane);
        }
    }
    p->flips_pending = 0;
    trace_igvt_display_vblank(pipe, events);
    igvt_irq_raise(s, IGVT_IRQ_DE_PIPE_A + pipe, events);
    igvt_display_update_timers(s);
}

/* A transcoder's state follows its enable bit ... */
uint32_t igvt_transconf_pre_write(IgvtState *s, uint32_t offset, uint32_t old,
                                  uint32_t val)
{
    return FIELD_DP32(val, TRANSCONF, STATE,
                      FIELD_EX32(val, TRANSCONF, ENABLE));
}

/* ... and the pipe's frame counter starts or stops there */
void igvt_transconf_write(IgvtState *s, uint32_t offset, uint32_t old,
                          uint32_t val)
{
    bool on = FIELD_EX32(val, TRANSCONF, ENABLE);
    bool was = FIELD_EX32(old, TRANSCONF, ENABLE);
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    unsigned pipe = igvt_pipe_of(offset);
    IgvtPipe *p = &s->display.pipes[pipe];

    if (offset == A_TRANSCONF_EDP || on == was) {
        return;
    }
    if (was) {
        /* Freeze the frame counter where it is */
        p->base_count += igvt_pipe_elapsed(s, pipe, now);
        p->flips_pending = 0;
    }
    if (on) {
        p->base_ns = now;
        p->refresh_mhz = igvt_pipe_refresh_mhz(s, pipe);
    }
    trace_igvt_display_pipe(pipe, on, p->refresh_mhz);
    igvt_display_update_timers(s);
}

/*
 * A write to PLANE_SURF is a flip: the new surface is live at once and
 * flip-done arrives with the next vblank.
 */
void igvt_plane_surf_write(IgvtState *s, uint32_t offset, uint32_t old,
                           uint32_t val)
{
    unsigned pipe = igvt_pipe_of(offset);
    unsigned plane = ((offset - A_PLANE_SURF_1_A) & 0xfff) / IGVT_PLANE_STRIDE;
    uint32_t flipcount = A_PIPE_FLIPCOUNT_A + pipe * IGVT_PIPE_STRIDE;

    igvt_reg_set(s, offset - A_PLANE_SURF_1_A + A_PLANE_SURFLIVE_1_A, val);
    if (plane == 0) {
        igvt_reg_set(s, flipcount, igvt_reg(s, flipcount) + 1);
    }
    if (plane < IGVT_NUM_PLANES && igvt_pipe_enabled(s, pipe)) {
        s->display.pipes[pipe].flips_pending |= 1u << plane;
    }
    igvt_console_invalidate(s);
    trace_igvt_display_flip(pipe, plane, val);
    igvt_display_update_timers(s);
}

/* A new palette changes every pixel of a C8 plane */
void igvt_palette_write(IgvtState *s, uint32_t offset, uint32_t old,
                        uint32_t val)
{
    if (old != val) {
        igvt_console_invalidate(s);
    }
}

void igvt_cur_base_write(IgvtState *s, uint32_t offset, uint32_t old,
                         uint32_t val)
{
    igvt_reg_set(s, offset - A_CUR_BASE_A + A_CUR_SURFLIVE_A, val);
}

/* What the display looks like after power-on, before any driver ran */
void igvt_display_reset(IgvtState *s)
{
    unsigned i;

    for (i = 0; i < IGVT_NUM_PIPES; i++) {
        IgvtPipe *p = &s->display.pipes[i];

        if (p->vblank_timer) {
            timer_del(p->vblank_timer);
        }
        p->base_ns = 0;
        p->base_count = 0;
        p->flips_pending = 0;
        p->refresh_mhz = IGVT_DEFAULT_REFRESH_MHZ;
    }
    /* The monitor's port shows live hotplug status */
    igvt_reg_set(s, A_SDEISR, igvt_display_hotplug_bit(s));
    igvt_monitor_reset(s);
    igvt_console_invalidate(s);
}

uint32_t igvt_display_hotplug_bit(IgvtState *s)
{
    return s->display.connected ?
           igvt_port_info[s->display.port % IGVT_PORT__MAX].sde_hotplug : 0;
}

void igvt_display_init(IgvtState *s)
{
    unsigned i;

    for (i = 0; i < IGVT_NUM_PIPES; i++) {
        s->display.pipes[i].owner = s;
        s->display.pipes[i].vblank_timer =
            timer_new_ns(QEMU_CLOCK_VIRTUAL, igvt_vblank, &s->display.pipes[i]);
    }
    s->display.connected = true;
    s->display.port = s->params.port;
}

void igvt_display_fini(IgvtState *s)
{
    unsigned i;

    for (i = 0; i < IGVT_NUM_PIPES; i++) {
        timer_free(s->display.pipes[i].vblank_timer);
        s->display.pipes[i].vblank_timer = NULL;
    }
}

/* A stream whose values no source can have produced is refused */
int igvt_display_post_load(IgvtState *s)
{
    unsigned i;

    for (i = 0; i < IGVT_NUM_PIPES; i++) {
        IgvtPipe *p = &s->display.pipes[i];

        if (p->refresh_mhz < IGVT_MIN_REFRESH_MHZ ||
            p->refresh_mhz > IGVT_MAX_REFRESH_MHZ ||
            p->flips_pending >= BIT(IGVT_NUM_PLANES)) {
            return -EINVAL;
        }
    }
    if (s->display.port >= IGVT_PORT__MAX) {
        return -EINVAL;
    }
    igvt_console_invalidate(s);
    igvt_display_update_timers(s);
    return 0;
}

static const VMStateDescription vmstate_igvt_pipe = {
    .name = "igvt/pipe",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_INT64(base_ns, IgvtPipe),
        VMSTATE_UINT32(base_count, IgvtPipe),
        VMSTATE_UINT32(refresh_mhz, IgvtPipe),
        VMSTATE_UINT32(flips_pending, IgvtPipe),
        VMSTATE_END_OF_LIST()
    },
};

const VMStateDescription vmstate_igvt_display = {
    .name = "igvt/display",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT_ARRAY(pipes, IgvtDisplay, IGVT_NUM_PIPES, 1,
                             vmstate_igvt_pipe, IgvtPipe),
        VMSTATE_UINT32(port, IgvtDisplay),
        VMSTATE_BOOL(connected, IgvtDisplay),
        VMSTATE_UINT32(edid_info.prefx, IgvtDisplay),
        VMSTATE_UINT32(edid_info.prefy, IgvtDisplay),
        VMSTATE_UINT32(edid_xres, IgvtDisplay),
        VMSTATE_UINT32(edid_yres, IgvtDisplay),
        VMSTATE_STRUCT(sink, IgvtDisplay, 1, vmstate_igvt_dp_sink,
                       IgvtDpSink),
        VMSTATE_STRUCT(gmbus, IgvtDisplay, 1, vmstate_igvt_gmbus, IgvtGmbus),
        VMSTATE_END_OF_LIST()
    },
};

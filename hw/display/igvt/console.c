/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the guest's framebuffer on QEMU's console.
 *
 * Once the guest driver has turned the VGA plane off, each refresh finds
 * the first enabled pipe with an enabled primary plane, decodes it
 * (fb-format.c) and reads its pixels through the host GGTT from guest
 * memory into a console surface, row by row.  Only rows whose pixels
 * changed are sent to the display.  A plane that cannot be shown (bad
 * format, absurd geometry, unmapped memory) is a guest error and a blank
 * console, never a crash.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "system/dma.h"
#include "ui/console.h"
#include "igvt.h"
#include "backend.h"
#include "fb-format.h"
#include "regs.h"
#include "trace.h"

#define IGVT_LGC_PALETTE(pipe)  (0x4a000 + (pipe) * 0x800)

typedef struct IgvtFbRead {
    IgvtState *s;
    uint64_t base;
} IgvtFbRead;

/* Read graphics memory of the plane through the host GGTT */
static bool igvt_console_read(void *opaque, uint64_t offset, void *buf,
                              size_t len)
{
    IgvtFbRead *r = opaque;
    IgvtState *s = r->s;
    uint64_t gm = r->base + offset;
    uint64_t page;

    if (!igvt_gm_in_slice(s, gm, len) ||
        !igvt_backend_ggtt_get(s->backend, gm / IGVT_GTT_PAGE_SIZE, &page)) {
        return false;
    }
    return dma_memory_read(pci_get_address_space(PCI_DEVICE(s)),
                           page | (gm & (IGVT_GTT_PAGE_SIZE - 1)), buf, len,
                           MEMTXATTRS_UNSPECIFIED) == MEMTX_OK;
}

/* The pipe whose primary plane the console shows, or -1 */
static int igvt_console_pipe(IgvtState *s)
{
    unsigned pipe;

    for (pipe = 0; pipe < IGVT_NUM_PIPES; pipe++) {
        uint32_t base = pipe * IGVT_PIPE_STRIDE;

        if (FIELD_EX32(igvt_reg(s, A_TRANSCONF_A + base), TRANSCONF, ENABLE) &&
            (igvt_reg(s, A_PLANE_CTL_1_A + base) & (1u << 31))) {
            return pipe;
        }
    }
    return -1;
}

static void igvt_console_blank(IgvtState *s, const char *why)
{
    DisplaySurface *ds = qemu_console_surface(s->con);
    g_autofree char *msg = NULL;

    if (ds && surface_is_placeholder(ds) && s->display.blank_reason == why) {
        return;
    }
    s->display.blank_reason = why;
    msg = g_strdup_printf("igvt: %s", why);
    dpy_gfx_replace_surface(s->con,
                            qemu_create_placeholder_surface(640, 480, msg));
}

void igvt_console_update(IgvtState *s)
{
    IgvtDisplay *d = &s->display;
    IgvtFbRead r = { .s = s };
    DisplaySurface *ds;
    IgvtPlane plane;
    const char *why;
    uint32_t palette[256];
    uint32_t base, row, i, first = UINT32_MAX, last = 0;
    uint32_t *line;
    int pipe = igvt_console_pipe(s);

    if (pipe < 0) {
        igvt_console_blank(s, "no active display plane");
        return;
    }
    base = pipe * IGVT_PIPE_STRIDE;
    if (!igvt_plane_decode(igvt_reg(s, A_PLANE_CTL_1_A + base),
                           igvt_reg(s, A_PLANE_STRIDE_1_A + base),
                           igvt_reg(s, A_PLANE_SIZE_1_A + base),
                           igvt_reg(s, A_PLANE_OFFSET_1_A + base),
                           igvt_reg(s, A_PLANE_SURFLIVE_1_A + base),
                           igvt_reg(s, A_PIPESRC_A + base), &plane, &why)) {
        if (d->blank_reason != why) {
            IGVT_GUEST_ERR(igvt_err_plane, "pipe %d primary plane cannot be "
                           "shown: %s", pipe, why);
        }
        igvt_console_blank(s, why);
        return;
    }

    ds = qemu_console_surface(s->con);
    if (!ds || surface_is_placeholder(ds) ||
        surface_width(ds) != plane.width ||
        surface_height(ds) != plane.height ||
        surface_format(ds) != PIXMAN_x8r8g8b8) {
        ds = qemu_create_displaysurface(plane.width, plane.height);
        dpy_gfx_replace_surface(s->con, ds);
        d->blank_reason = NULL;
        d->dirty = true;
        trace_igvt_console_mode(pipe, plane.width, plane.height,
                                plane.drm_format, plane.tiling);
    }
    if (plane.drm_format == DRM_FORMAT_C8) {
        for (i = 0; i < ARRAY_SIZE(palette); i++) {
            palette[i] = igvt_reg(s, IGVT_LGC_PALETTE(pipe) + i * 4) &
                         0xffffff;
        }
    }

    r.base = plane.base;
    d->rowbuf = g_realloc(d->rowbuf, (size_t)plane.width * plane.cpp);
    d->linebuf = g_realloc(d->linebuf, (size_t)plane.width * 4);
    for (row = 0; row < plane.height; row++) {
        line = (uint32_t *)((uint8_t *)surface_data(ds) +
                            (size_t)row * surface_stride(ds));
        igvt_plane_read_row(&plane, row, igvt_console_read, &r, d->rowbuf);
        igvt_fb_convert(plane.drm_format, d->rowbuf, d->linebuf, plane.width,
                        palette);
        if (d->dirty || memcmp(line, d->linebuf, plane.width * 4)) {
            memcpy(line, d->linebuf, plane.width * 4);
            first = MIN(first, row);
            last = row;
        }
    }
    d->dirty = false;
    if (first == UINT32_MAX) {
        d->updates_skipped++;
        return;
    }
    d->frames_shown++;
    dpy_gfx_update(s->con, 0, first, plane.width, last - first + 1);
}

void igvt_console_fini(IgvtState *s)
{
    g_free(s->display.rowbuf);
    s->display.rowbuf = NULL;
    g_free(s->display.linebuf);
    s->display.linebuf = NULL;
}

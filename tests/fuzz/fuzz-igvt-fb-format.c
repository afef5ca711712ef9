/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: plane and cursor decoding, tiling and pixel conversion
 * (fb-format.c).
 *
 * Input: PLANE_CTL, PLANE_STRIDE, PLANE_SIZE, PLANE_OFFSET, PLANE_SURF,
 * PIPESRC, a row to fetch, which graphics pages cannot be read, then
 * CUR_CTL, CUR_BASE and CUR_POS.  A decoded plane has its first, last and
 * chosen visible rows fetched and converted into buffers of exactly one
 * row; every read the fetch makes must lie inside the scanout the decoder
 * sized (IgvtPlane.size) and inside one 4 KiB page, and so must the last
 * visible pixel.
 */

#include "qemu/osdep.h"
#include "hw/display/igvt/fb-format.h"
#include "fuzz-input.h"

typedef struct Surface {
    const IgvtPlane *plane;
    uint32_t unreadable;        /* page n is unreadable if bit n % 32 */
} Surface;

static bool surface_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
    Surface *s = opaque;

    igvt_fuzz_check(len > 0);
    igvt_fuzz_check(offset < s->plane->size && len <= s->plane->size - offset);
    igvt_fuzz_check(offset / IGVT_FB_TILE_SIZE ==
                    (offset + len - 1) / IGVT_FB_TILE_SIZE);
    if (s->unreadable & (1u << (offset / IGVT_FB_TILE_SIZE % 32))) {
        return false;
    }
    memset(buf, (uint8_t)(offset >> 4), len);
    return true;
}

static void fuzz_row(const IgvtPlane *p, Surface *s, uint32_t row,
                     const uint32_t *palette)
{
    g_autofree uint8_t *dst = g_malloc((size_t)p->width * p->cpp);
    g_autofree uint32_t *pixels = g_new(uint32_t, p->width);

    igvt_plane_read_row(p, row, surface_read, s, dst);
    igvt_fb_convert(p->drm_format, dst, pixels, p->width, palette);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    IgvtFuzzInput in = { data, size };
    uint32_t ctl = igvt_fuzz_u32(&in);
    uint32_t stride = igvt_fuzz_u32(&in);
    uint32_t psize = igvt_fuzz_u32(&in);
    uint32_t offset = igvt_fuzz_u32(&in);
    uint32_t surf = igvt_fuzz_u32(&in);
    uint32_t pipesrc = igvt_fuzz_u32(&in);
    uint32_t row = igvt_fuzz_u32(&in);
    uint32_t unreadable = igvt_fuzz_u32(&in);
    uint32_t cur_ctl = igvt_fuzz_u32(&in);
    uint32_t cur_base = igvt_fuzz_u32(&in);
    uint32_t cur_pos = igvt_fuzz_u32(&in);
    g_autofree uint32_t *palette = g_new(uint32_t, 256);
    const char *why = NULL;
    IgvtCursor cursor;
    IgvtPlane p;

    for (int i = 0; i < 256; i++) {
        palette[i] = i * 0x010101;
    }
    if (igvt_plane_decode(ctl, stride, psize, offset, surf, pipesrc,
                          &p, &why)) {
        Surface s = { &p, unreadable };

        igvt_fuzz_check(p.enabled && p.cpp == igvt_fb_format_cpp(p.drm_format));
        igvt_fuzz_check(p.width >= 1 && p.width <= IGVT_FB_MAX_DIM);
        igvt_fuzz_check(p.height >= 1 && p.height <= IGVT_FB_MAX_DIM);
        igvt_fuzz_check(p.base + p.size <= IGVT_FB_GM_SIZE);
        /* the last visible pixel lies inside what the scanout touches */
        igvt_fuzz_check(igvt_plane_pixel_offset(&p, p.x + p.width - 1,
                                                p.y + p.height - 1) + p.cpp
                        <= p.size);
        igvt_fuzz_check(igvt_tile_run(p.tiling, row) >= 1);
        igvt_fuzz_check(igvt_tile_width(p.tiling) * igvt_tile_height(p.tiling)
                        <= IGVT_FB_TILE_SIZE);
        igvt_fb_pixman_format(p.drm_format);
        fuzz_row(&p, &s, 0, row & 1 ? palette : NULL);
        fuzz_row(&p, &s, p.height - 1, palette);
        fuzz_row(&p, &s, row, palette);
    } else {
        igvt_fuzz_check(why != NULL);
    }
    if (igvt_cursor_decode(cur_ctl, cur_base, cur_pos, &cursor, &why)) {
        igvt_fuzz_check(cursor.size == (uint64_t)cursor.stride * cursor.height);
        igvt_fuzz_check(cursor.base + cursor.size <= IGVT_FB_GM_SIZE);
    }
    return 0;
}

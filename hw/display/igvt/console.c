/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the guest's framebuffer on QEMU's console.
 *
 * Once the guest driver has turned the VGA plane off, each refresh finds
 * the first enabled pipe with an enabled primary plane, decodes it
 * (fb-format.c) and reads its pixels through the host GGTT from guest
 * memory into a console surface, row by row.  QEMU's dirty memory
 * tracking (the VGA client, on the guest RAM region behind the
 * framebuffer) tells which framebuffer pages were written since the last
 * refresh; only rows on those pages are read, and only rows whose pixels
 * changed are sent to the display.  A flip, a mode change or a GGTT write
 * into the scanout redraws everything.  A linear framebuffer in a format
 * the display can show as it is, whose pages are all in one guest RAM
 * block, is shown in place (no copy at all): the console surface points
 * into guest memory and dirty rows are only announced.  Pages contiguous
 * in the block are used as they are; scattered ones (a framebuffer of
 * shmem pages, as i915's fbdev has) are made contiguous by mapping each
 * page of the block's file in turn into one window, when guest RAM is a
 * shared file or memfd (-object memory-backend-memfd,share=on).  A plane
 * that cannot be shown (bad format, absurd geometry, unmapped memory) is
 * a guest error and a blank console, never a crash.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/units.h"
#include "qemu/bitmap.h"
#include "exec/memory.h"
#include "exec/ramblock.h"
#include "qemu/crc32c.h"
#include "ui/console.h"
#include "igvt.h"
#include "backend.h"
#include "fb-format.h"
#include "regs.h"
#include "trace.h"

/*
 * Bounds on what one refresh may cost, whatever the guest programs: the
 * graphics memory a scanout may span (an 8192 x 8192 XRGB8888 plane; the
 * scanout map is one entry per page) and the pages the remapped window
 * may map one by one (each is a mapping of its own, and the kernel allows
 * a process vm.max_map_count of them, 65530 by default; larger scattered
 * framebuffers are copied).
 */
#define IGVT_CONSOLE_MAX_EXTENT     (256 * MiB)
#define IGVT_CONSOLE_VIEW_PAGES     16384

typedef struct IgvtFbRead {
    IgvtState *s;
    uint64_t base;
    const IgvtScanPage *map;    /* host pointers of the scanout, or NULL */
    uint64_t map_pages;
} IgvtFbRead;

/*
 * Read graphics memory of the plane: straight from guest RAM for pages in
 * the scanout map, else through the host GGTT.  Never across a page.
 */
static bool igvt_console_read(void *opaque, uint64_t offset, void *buf,
                              size_t len)
{
    IgvtFbRead *r = opaque;
    IgvtState *s = r->s;
    uint64_t gm = r->base + offset;

    if (gm % IGVT_GTT_PAGE_SIZE + len > IGVT_GTT_PAGE_SIZE) {
        return false;
    }
    if (r->map) {
        uint64_t i = offset / IGVT_GTT_PAGE_SIZE;

        if (i >= r->map_pages || r->map[i].kind == IGVT_SCAN_ZERO) {
            return false;
        }
        if (r->map[i].kind == IGVT_SCAN_RAM) {
            memcpy(buf, r->map[i].ptr + offset % IGVT_GTT_PAGE_SIZE, len);
            return true;
        }
    }

    return igvt_gm_rw(s, gm, buf, len, false);
}

/* Stop dirty logging on the RAM region behind the last scanout */
static void igvt_console_unmap(IgvtDisplay *d)
{
    g_free(d->map);
    d->map = NULL;
    d->map_pages = 0;
}

static void igvt_console_unlog(IgvtDisplay *d)
{
    if (d->log_mr) {
        memory_region_set_log(d->log_mr, false, DIRTY_MEMORY_VGA);
        memory_region_unref(d->log_mr);
        d->log_mr = NULL;
    }
}

/*
 * Map the scanout's pages to guest RAM once per mode, flip or GGTT change:
 * the host address of each page in the RAM block whose writes are logged,
 * "other" for RAM elsewhere (read through the GGTT, always redrawn) and
 * "zero" for what is not RAM or not mapped (reads as black, never
 * changes).  The RAM block is held while mapped.
 */
static void igvt_console_map(IgvtState *s, const IgvtPlane *p,
                             uint64_t npages)
{
    IgvtDisplay *d = &s->display;
    AddressSpace *as = pci_get_address_space(PCI_DEVICE(s));
    MemoryRegion *mr, *want = NULL;
    uint64_t i, page;
    hwaddr len;

    d->map = g_renew(IgvtScanPage, d->map, npages);
    d->map_pages = npages;
    RCU_READ_LOCK_GUARD();
    for (i = 0; i < npages; i++) {
        uint64_t gm = p->base + i * IGVT_GTT_PAGE_SIZE;
        IgvtScanPage *m = &d->map[i];

        m->kind = IGVT_SCAN_ZERO;
        m->ptr = NULL;
        if (!igvt_gm_in_slice(s, gm, IGVT_GTT_PAGE_SIZE) ||
            !igvt_backend_ggtt_get(s->backend, gm / IGVT_GTT_PAGE_SIZE,
                                   &page)) {
            continue;
        }
        len = IGVT_GTT_PAGE_SIZE;
        mr = address_space_translate(as, page, &m->off, &len, false,
                                     MEMTXATTRS_UNSPECIFIED);
        if (!memory_region_supports_direct_access(mr) ||
            len < IGVT_GTT_PAGE_SIZE ||
            m->off + IGVT_GTT_PAGE_SIZE > memory_region_size(mr)) {
            continue;
        }
        if (!want) {
            want = mr;
        }
        if (mr == want) {
            m->kind = IGVT_SCAN_RAM;
            m->ptr = (uint8_t *)memory_region_get_ram_ptr(mr) + m->off;
        } else {
            m->kind = IGVT_SCAN_OTHER;
        }
    }
    if (want != d->log_mr) {
        igvt_console_unlog(d);
        if (want) {
            d->log_mr = want;
            memory_region_ref(want);
            memory_region_set_log(want, true, DIRTY_MEMORY_VGA);
        }
    }
}

/*
 * Mark in @dirty the pages of the plane written since the last refresh
 * (all of them when @all).
 */
static void igvt_console_dirty_pages(IgvtState *s, unsigned long *dirty,
                                     bool all)
{
    IgvtDisplay *d = &s->display;
    hwaddr lo = HWADDR_MAX, hi = 0;
    DirtyBitmapSnapshot *snap = NULL;
    uint64_t i;

    for (i = 0; i < d->map_pages; i++) {
        if (d->map[i].kind == IGVT_SCAN_RAM) {
            lo = MIN(lo, d->map[i].off);
            hi = MAX(hi, d->map[i].off + IGVT_GTT_PAGE_SIZE);
        }
    }
    if (lo < hi) {
        snap = memory_region_snapshot_and_clear_dirty(d->log_mr, lo, hi - lo,
                                                      DIRTY_MEMORY_VGA);
    }
    for (i = 0; i < d->map_pages; i++) {
        const IgvtScanPage *m = &d->map[i];

        if (all || m->kind == IGVT_SCAN_OTHER ||
            (m->kind == IGVT_SCAN_RAM &&
             memory_region_snapshot_get_dirty(d->log_mr, snap, m->off,
                                              IGVT_GTT_PAGE_SIZE))) {
            set_bit(i, dirty);
        }
    }
    g_free(snap);
}

/* The range of pages (relative to the plane's base) row @row reads */
static void igvt_console_row_pages(const IgvtPlane *p, uint32_t row,
                                   uint64_t *first, uint64_t *last)
{
    uint64_t lo, hi, th;

    if (p->tiling == IGVT_TILING_LINEAR) {
        lo = igvt_plane_pixel_offset(p, p->x, p->y + row);
        hi = igvt_plane_pixel_offset(p, p->x + p->width - 1, p->y + row) +
             p->cpp;
    } else {
        /* The whole row of tiles */
        th = p->tiling == IGVT_TILING_X ? 8 : 32;
        lo = (uint64_t)((p->y + row) / th) * p->stride * th;
        hi = lo + (uint64_t)p->stride * th;
    }
    *first = lo / IGVT_GTT_PAGE_SIZE;
    *last = (hi - 1) / IGVT_GTT_PAGE_SIZE;
}

/*
 * Put @ds on the console.  An in-place surface (@direct_mr, with @view
 * the window it may point into) holds guest RAM; what the previous
 * surface held is let go only once the console no longer shows it, so no
 * listener (VNC, screendump, the VGA core) ever sees a surface whose
 * memory is gone.
 */
static void igvt_console_show(IgvtState *s, DisplaySurface *ds,
                              MemoryRegion *direct_mr, uint8_t *direct_ptr,
                              uint8_t *view, size_t view_size)
{
    IgvtDisplay *d = &s->display;
    MemoryRegion *old_mr = d->direct_mr;
    uint8_t *old_view = d->view;
    size_t old_view_size = d->view_size;

    if (direct_mr) {
        memory_region_ref(direct_mr);
    }
    d->direct_mr = direct_mr;
    d->direct_ptr = direct_ptr;
    d->view = view;
    d->view_size = view_size;
    d->shadow = NULL;
    d->blank_reason = NULL;
    d->owns_surface = true;
    dpy_gfx_replace_surface(s->con, ds);

    if (old_view) {
        munmap(old_view, old_view_size);
    }
    if (old_mr) {
        memory_region_unref(old_mr);
    }
}

/*
 * A contiguous, read-only view of the scanout's pages (all in d->log_mr,
 * in any order): a window with each page of the RAM block's file mapped
 * in turn.  Only for RAM that is a shared file mapping, so the view sees
 * what the guest writes.  NULL if that cannot be done.
 */
static uint8_t *igvt_console_view(IgvtDisplay *d, size_t *size)
{
    RAMBlock *rb = d->log_mr ? d->log_mr->ram_block : NULL;
    uint8_t *view;
    uint64_t i;
    int fd;

    *size = d->map_pages * IGVT_GTT_PAGE_SIZE;
    if (d->map_pages > IGVT_CONSOLE_VIEW_PAGES ||
        !rb || !qemu_ram_is_shared(rb) || (fd = qemu_ram_get_fd(rb)) < 0 ||
        qemu_ram_pagesize(rb) != qemu_real_host_page_size() ||
        qemu_real_host_page_size() != IGVT_GTT_PAGE_SIZE) {
        return NULL;
    }
    view = mmap(NULL, *size, PROT_NONE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (view == MAP_FAILED) {
        return NULL;
    }
    for (i = 0; i < d->map_pages; i++) {
        off_t off = rb->fd_offset + qemu_ram_block_host_offset(rb,
                                                               d->map[i].ptr);

        if (mmap(view + i * IGVT_GTT_PAGE_SIZE, IGVT_GTT_PAGE_SIZE, PROT_READ,
                 MAP_SHARED | MAP_FIXED, fd, off) == MAP_FAILED) {
            trace_igvt_console_view_failed(i, errno);
            munmap(view, *size);
            return NULL;
        }
    }
    return view;
}

/*
 * Can @p be shown in place?  Returns the host address of its first
 * visible pixel: in d->log_mr if its pages are contiguous there, else in
 * a new view of them (*view, *view_size; the caller owns it).  NULL if
 * it must be copied.
 */
static uint8_t *igvt_console_direct_ptr(IgvtState *s, const IgvtPlane *p,
                                        pixman_format_code_t fmt,
                                        uint8_t **view, size_t *view_size)
{
    IgvtDisplay *d = &s->display;
    bool contiguous = true;
    uint64_t i;

    *view = NULL;
    /*
     * In place only where the display shows exactly what the copying
     * path would: pixman's own 10-to-8-bit rule differs from ours, so
     * 2101010 formats are always converted.
     */
    if (p->tiling != IGVT_TILING_LINEAR || !fmt || !d->map_pages ||
        p->drm_format == DRM_FORMAT_XRGB2101010 ||
        p->drm_format == DRM_FORMAT_XBGR2101010 ||
        !dpy_gfx_check_format(s->con, fmt)) {
        return NULL;
    }
    /* Every page in the logged RAM block */
    for (i = 0; i < d->map_pages; i++) {
        if (d->map[i].kind != IGVT_SCAN_RAM) {
            return NULL;
        }
        contiguous &= d->map[i].off == d->map[0].off + i * IGVT_GTT_PAGE_SIZE;
    }
    if (contiguous) {
        return d->map[0].ptr + igvt_plane_pixel_offset(p, p->x, p->y);
    }
    *view = igvt_console_view(d, view_size);
    return *view ? *view + igvt_plane_pixel_offset(p, p->x, p->y) : NULL;
}

/* The pipe whose primary plane the console shows, or -1 */
static int igvt_console_pipe(IgvtState *s)
{
    unsigned pipe;

    for (pipe = 0; pipe < IGVT_NUM_PIPES; pipe++) {
        uint32_t base = pipe * IGVT_PIPE_STRIDE;

        if (FIELD_EX32(igvt_reg(s, A_TRANSCONF_A + base), TRANSCONF, ENABLE) &&
            FIELD_EX32(igvt_reg(s, A_PLANE_CTL_1_A + base), PLANE_CTL,
                       ENABLE)) {
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
    msg = g_strdup_printf("igvt: %s", why);
    igvt_console_show(s, qemu_create_placeholder_surface(640, 480, msg),
                      NULL, NULL, NULL, 0);
    s->display.blank_reason = why;
    s->display.dirty = true;
}

/*
 * Nothing to show (@why; a guest error when it is about the plane of
 * @pipe): stop tracking the last scanout, blank the console
 */
static void igvt_console_off(IgvtState *s, int pipe, const char *why)
{
    IgvtDisplay *d = &s->display;

    if (pipe >= 0 && d->blank_reason != why) {
        IGVT_GUEST_ERR(igvt_err_plane, "pipe %d primary plane cannot be "
                       "shown: %s", pipe, why);
    }
    igvt_console_unlog(d);
    igvt_console_unmap(d);
    igvt_console_blank(s, why);
}

/*
 * The cursor plane becomes a QEMU cursor (the UI draws it) rather than
 * pixels in the frame.  The image is re-read every refresh and defined
 * again only when it or its hot spot changed.
 */
static void igvt_console_cursor(IgvtState *s, int pipe)
{
    IgvtDisplay *d = &s->display;
    uint32_t base = pipe * IGVT_PIPE_STRIDE;
    uint32_t hot_x = igvt_reg(s, IGVT_PVINFO_CURSOR_X_HOT);
    uint32_t hot_y = igvt_reg(s, IGVT_PVINFO_CURSOR_Y_HOT);
    IgvtFbRead r = { .s = s };
    g_autofree uint32_t *image = NULL;
    QEMUCursor *c;
    IgvtCursor cur;
    uint32_t row, hash;

    if (!igvt_cursor_decode(igvt_reg(s, A_CUR_CTL_A + base),
                            igvt_reg(s, A_CUR_SURFLIVE_A + base),
                            igvt_reg(s, A_CUR_POS_A + base), &cur, NULL)) {
        if (d->cursor_visible) {
            d->cursor_visible = false;
            dpy_mouse_set(s->con, 0, 0, false);
        }
        return;
    }
    /* No hot spot from the guest (all ones): the corner */
    hot_x = hot_x < cur.width ? hot_x : 0;
    hot_y = hot_y < cur.height ? hot_y : 0;

    image = g_new0(uint32_t, cur.width * cur.height);
    r.base = cur.base;
    for (row = 0; row < cur.height; row++) {
        uint64_t off = (uint64_t)row * cur.stride;
        uint32_t done = 0;

        /* A cursor row never crosses a page: 1 KiB at most, aligned */
        if (!igvt_console_read(&r, off, image + row * cur.width,
                               cur.width * 4)) {
            memset(image + row * cur.width, 0, cur.width * 4);
        }
        for (done = 0; done < cur.width; done++) {
            image[row * cur.width + done] =
                le32_to_cpu(image[row * cur.width + done]);
        }
    }
    hash = crc32c(hot_x ^ (hot_y << 16), (uint8_t *)image,
                  cur.width * cur.height * 4);
    if (!d->cursor_visible || hash != d->cursor_hash ||
        cur.width != d->cursor_size) {
        c = cursor_alloc(cur.width, cur.height);
        memcpy(c->data, image, cur.width * cur.height * 4);
        c->hot_x = hot_x;
        c->hot_y = hot_y;
        dpy_cursor_define(s->con, c);
        cursor_unref(c);
        d->cursor_hash = hash;
        d->cursor_size = cur.width;
    }
    if (!d->cursor_visible || cur.x != d->cursor_x || cur.y != d->cursor_y) {
        dpy_mouse_set(s->con, cur.x + hot_x, cur.y + hot_y, true);
        d->cursor_x = cur.x;
        d->cursor_y = cur.y;
    }
    d->cursor_visible = true;
}

/* The surface is guest memory: only say which rows were written */
static void igvt_console_direct_update(IgvtState *s, const IgvtPlane *plane,
                                       int pipe)
{
    IgvtDisplay *d = &s->display;
    uint64_t npages = DIV_ROUND_UP(plane->size, IGVT_GTT_PAGE_SIZE);
    g_autofree unsigned long *dirty = bitmap_new(npages);
    uint32_t row, first = UINT32_MAX, last = 0;
    uint64_t pg, pg_first, pg_last;

    igvt_console_dirty_pages(s, dirty, d->dirty);
    d->dirty = false;
    for (row = 0; row < plane->height; row++) {
        igvt_console_row_pages(plane, row, &pg_first, &pg_last);
        pg = find_next_bit(dirty, npages, pg_first);
        if (pg <= pg_last && pg < npages) {
            first = MIN(first, row);
            last = row;
        }
    }
    igvt_console_cursor(s, pipe);
    if (first == UINT32_MAX) {
        d->updates_skipped++;
        return;
    }
    d->frames_shown++;
    trace_igvt_console_update(first, last, true);
    dpy_gfx_update(s->con, 0, first, plane->width, last - first + 1);
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
    g_autofree unsigned long *dirty = NULL;
    uint64_t npages, pg, pg_first, pg_last;
    uint32_t *line;
    bool changed, direct_rgb;
    int pipe = igvt_console_pipe(s);

    if (pipe < 0) {
        igvt_console_off(s, -1, "no active display plane");
        return;
    }
    base = pipe * IGVT_PIPE_STRIDE;
    if (!igvt_plane_decode(igvt_reg(s, A_PLANE_CTL_1_A + base),
                           igvt_reg(s, A_PLANE_STRIDE_1_A + base),
                           igvt_reg(s, A_PLANE_SIZE_1_A + base),
                           igvt_reg(s, A_PLANE_OFFSET_1_A + base),
                           igvt_reg(s, A_PLANE_SURFLIVE_1_A + base),
                           igvt_reg(s, A_PIPESRC_A + base), &plane, &why)) {
        igvt_console_off(s, pipe, why);
        return;
    }
    if (plane.size > IGVT_CONSOLE_MAX_EXTENT) {
        igvt_console_off(s, pipe, "framebuffer spans more than 256 MiB");
        return;
    }
    if (plane.base != d->scan_base || plane.size != d->scan_size) {
        d->scan_base = plane.base;
        d->scan_size = plane.size;
        d->dirty = true;
    }

    npages = DIV_ROUND_UP(plane.size, IGVT_GTT_PAGE_SIZE);
    if (d->dirty || d->map_pages != npages) {
        igvt_console_map(s, &plane, npages);
        d->dirty = true;
    }
    if (d->dirty) {
        MemoryRegion *mr = d->log_mr;
        pixman_format_code_t fmt = igvt_fb_pixman_format(plane.drm_format);
        uint8_t *view;
        size_t view_size = 0;
        uint8_t *ptr = igvt_console_direct_ptr(s, &plane, fmt, &view,
                                               &view_size);

        if (ptr && (ptr != d->direct_ptr || d->direct_fmt != fmt ||
            d->direct_stride != plane.stride ||
            d->direct_width != plane.width ||
            d->direct_height != plane.height)) {
            igvt_console_show(s,
                qemu_create_displaysurface_from(plane.width, plane.height,
                                                fmt, plane.stride, ptr),
                mr, ptr, view, view_size);
            d->direct_fmt = fmt;
            d->direct_stride = plane.stride;
            d->direct_width = plane.width;
            d->direct_height = plane.height;
            trace_igvt_console_direct(pipe, plane.width, plane.height,
                                      plane.drm_format, !!view);
        } else if (!ptr && d->direct_ptr) {
            /* Copied from now on: the shadow surface below replaces it */
            d->direct_ptr = NULL;
        } else if (view) {
            munmap(view, view_size);
        }
    }
    if (d->direct_ptr) {
        igvt_console_direct_update(s, &plane, pipe);
        return;
    }

    ds = qemu_console_surface(s->con);
    if (!ds || ds != d->shadow ||
        surface_width(ds) != plane.width ||
        surface_height(ds) != plane.height ||
        surface_format(ds) != PIXMAN_x8r8g8b8) {
        ds = qemu_create_displaysurface(plane.width, plane.height);
        igvt_console_show(s, ds, NULL, NULL, NULL, 0);
        d->shadow = ds;
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

    dirty = bitmap_new(npages);
    igvt_console_dirty_pages(s, dirty, d->dirty);

    direct_rgb = !HOST_BIG_ENDIAN &&
                 (plane.drm_format == DRM_FORMAT_XRGB8888 ||
                  plane.drm_format == DRM_FORMAT_ARGB8888);
    r.base = plane.base;
    r.map = d->map;
    r.map_pages = d->map_pages;
    d->rowbuf = g_realloc(d->rowbuf, (size_t)plane.width * plane.cpp);
    d->linebuf = g_realloc(d->linebuf, (size_t)plane.width * 4);
    for (row = 0; row < plane.height; row++) {
        igvt_console_row_pages(&plane, row, &pg_first, &pg_last);
        changed = false;
        for (pg = pg_first; pg <= pg_last && pg < npages; pg++) {
            if (test_bit(pg, dirty)) {
                changed = true;
                break;
            }
        }
        if (!changed) {
            continue;
        }
        line = (uint32_t *)((uint8_t *)surface_data(ds) +
                            (size_t)row * surface_stride(ds));
        if (direct_rgb) {
            /*
             * Already x8r8g8b8 in memory (the top byte is never shown):
             * one copy into the surface; the row is on a written page.
             */
            igvt_plane_read_row(&plane, row, igvt_console_read, &r,
                                (uint8_t *)line);
            first = MIN(first, row);
            last = row;
            continue;
        }
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
    igvt_console_cursor(s, pipe);
    if (first == UINT32_MAX) {
        d->updates_skipped++;
        return;
    }
    d->frames_shown++;
    trace_igvt_console_update(first, last, false);
    dpy_gfx_update(s->con, 0, first, plane.width, last - first + 1);
}

IgvtConsoleMode igvt_console_mode(IgvtState *s)
{
    IgvtDisplay *d = &s->display;

    if (igvt_vga_enabled(s)) {
        return IGVT_CONSOLE_MODE_VGA;
    }
    if (d->direct_ptr) {
        return d->view ? IGVT_CONSOLE_MODE_REMAPPED : IGVT_CONSOLE_MODE_IN_PLACE;
    }
    return d->shadow ? IGVT_CONSOLE_MODE_COPIED : IGVT_CONSOLE_MODE_BLANK;
}

/*
 * The VGA core takes the console back.  It draws into whatever surface
 * the console has as if it were its own (blank mode clears its last
 * screen size in it), so it gets one of its own kind and size before the
 * guest memory igvt's surface showed is let go, and it is told to
 * recreate it for its current mode.
 */
void igvt_console_release(IgvtState *s)
{
    IgvtDisplay *d = &s->display;
    int w = s->vga.last_scr_width, h = s->vga.last_scr_height;

    if (!d->owns_surface) {
        return;
    }
    igvt_console_show(s, w > 0 && h > 0 ? qemu_create_displaysurface(w, h) :
                      qemu_create_placeholder_surface(640, 480, "igvt: VGA"),
                      NULL, NULL, NULL, 0);
    d->owns_surface = false;
    d->dirty = true;
    s->vga.hw_ops->invalidate(&s->vga);
}

/* After graphic_console_close(): nobody shows igvt's surface any more */
void igvt_console_fini(IgvtState *s)
{
    IgvtDisplay *d = &s->display;

    igvt_console_unlog(d);
    igvt_console_unmap(d);
    if (d->view) {
        munmap(d->view, d->view_size);
        d->view = NULL;
    }
    if (d->direct_mr) {
        memory_region_unref(d->direct_mr);
        d->direct_mr = NULL;
    }
    d->direct_ptr = NULL;
    g_free(d->rowbuf);
    d->rowbuf = NULL;
    g_free(d->linebuf);
    d->linebuf = NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the guest's framebuffer on QEMU's console.
 *
 * The console is igvt's: its GraphicHwOps are here.  While the guest's VGA
 * plane is on, the VGA core draws it (vga.c); once the guest driver has
 * turned the VGA plane off, each refresh finds the first enabled pipe
 * with an enabled primary plane, decodes it (fb-format.c) and shows it.
 *
 * QEMU's dirty memory tracking (the VGA client, on the guest RAM region
 * behind the framebuffer) tells which framebuffer pages were written
 * since the last refresh; only rows on those pages are looked at, and
 * each run of changed rows is sent to the display as one rectangle.  A
 * flip, a mode change, a GGTT write into the scanout or a change of the
 * guest's memory map redraws everything.
 *
 * Three ways to show a plane:
 *  - in place: a linear framebuffer in a format the display can show as
 *    it is, whose pages are all in one guest RAM block in order: the
 *    console surface points into guest memory, nothing is copied;
 *  - remapped: the same with pages scattered in the block (a framebuffer
 *    of shmem pages, as i915's fbdev has) when guest RAM is a shared file
 *    or memfd (-object memory-backend-memfd,share=on): each page of the
 *    block's file is mapped in turn into one window, shown in place;
 *  - copied: anything else is read through the GGTT, converted and copied
 *    into a surface of igvt's own, only rows whose pixels changed.
 * A plane that cannot be shown (bad format, absurd geometry, unmapped
 * memory) is a guest error and a blank console, never a crash.
 *
 * Whatever the surface on the console holds (guest RAM, a window) is let
 * go only once the console shows another surface (igvt_console_show), so
 * no display listener ever sees memory that is gone.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/units.h"
#include "qemu/bitmap.h"
#include "exec/memory.h"
#include "exec/ramblock.h"
#include "qemu/crc32c.h"
#include "qapi/error.h"
#include "ui/console.h"
#include "igvt.h"
#include "fb-format.h"
#include "regs.h"
#include "trace.h"

/*
 * Bounds on what one refresh may cost, whatever the guest programs: the
 * graphics memory a scanout may span (an 8192 x 8192 XRGB8888 plane; the
 * scanout map is one entry per page), and the pages all remapped windows
 * of the process may map one by one (each page is a mapping of its own,
 * and the kernel allows a process vm.max_map_count of them, 65530 by
 * default; larger scattered framebuffers are copied).
 */
#define IGVT_CONSOLE_MAX_EXTENT     (256 * MiB)
#define IGVT_CONSOLE_VIEW_PAGES     16384

/* Pages mapped by the remapped windows of every vGPU of the process */
static uint64_t igvt_console_view_pages;

/* Where a scanout page lives */
typedef enum IgvtScanKind {
    IGVT_SCAN_ZERO,             /* not mapped or not RAM: reads as black */
    IGVT_SCAN_RAM,              /* in the RAM block whose writes are logged */
    IGVT_SCAN_OTHER,            /* RAM elsewhere: read through the GGTT */
} IgvtScanKind;

typedef struct IgvtScanPage {
    IgvtScanKind kind;
    hwaddr off;                 /* in the logged RAM block */
    uint8_t *ptr;               /* host address, IGVT_SCAN_RAM only */
} IgvtScanPage;

/* The console's own state, all derived from the device's: not migrated */
struct IgvtConsole {
    IgvtState *s;
    MemoryListener listener;    /* the guest's memory map changed */
    bool dirty;                 /* redraw everything at the next refresh */
    bool owns_surface;          /* the console shows igvt's surface */
    const char *blank_reason;   /* why it shows a placeholder */
    uint64_t frames_shown;
    uint64_t updates_skipped;
    /* the scanout: graphics memory, and where each page is */
    uint64_t scan_base;
    uint64_t scan_size;
    MemoryRegion *log_mr;       /* guest RAM we track writes to */
    IgvtScanPage *map;
    uint64_t map_pages;
    /* the surface shown */
    DisplaySurface *shadow;     /* our own, when copying */
    MemoryRegion *direct_mr;    /* guest RAM it shows in place ... */
    uint8_t *direct_ptr;
    uint8_t *view;              /* ... maybe through this window */
    size_t view_size;
    uint32_t direct_fmt;        /* pixman_format_code_t */
    uint32_t direct_stride, direct_width, direct_height;
    /* copying */
    uint8_t *rowbuf;
    uint32_t *linebuf;
    /* the cursor plane, as a QEMU cursor */
    bool cursor_visible;
    uint32_t cursor_hash;
    uint32_t cursor_size;
    int32_t cursor_x, cursor_y;
};

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
    return igvt_gm_rw(r->s, gm, buf, len, false);
}

static void igvt_console_unmap(IgvtConsole *c)
{
    g_free(c->map);
    c->map = NULL;
    c->map_pages = 0;
}

/* Stop dirty logging on the RAM region behind the last scanout */
static void igvt_console_unlog(IgvtConsole *c)
{
    if (c->log_mr) {
        memory_region_set_log(c->log_mr, false, DIRTY_MEMORY_VGA);
        memory_region_unref(c->log_mr);
        c->log_mr = NULL;
    }
}

/*
 * Map the scanout's pages to guest RAM once per mode, flip or GGTT change:
 * the host address of each page in the RAM block whose writes are logged,
 * "other" for RAM elsewhere (read through the GGTT, always redrawn) and
 * "zero" for what is not RAM or not mapped (reads as black, never
 * changes).  The RAM block is held while mapped.
 */
static void igvt_console_map(IgvtConsole *c, const IgvtPlane *p,
                             uint64_t npages)
{
    IgvtState *s = c->s;
    AddressSpace *as = pci_get_address_space(PCI_DEVICE(s));
    MemoryRegion *mr, *want = NULL;
    uint64_t i, page;
    hwaddr len;

    c->map = g_renew(IgvtScanPage, c->map, npages);
    c->map_pages = npages;
    RCU_READ_LOCK_GUARD();
    for (i = 0; i < npages; i++) {
        uint64_t gm = p->base + i * IGVT_GTT_PAGE_SIZE;
        IgvtScanPage *m = &c->map[i];

        m->kind = IGVT_SCAN_ZERO;
        m->ptr = NULL;
        if (!igvt_ggtt_lookup(s, gm / IGVT_GTT_PAGE_SIZE, &page)) {
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
    if (want != c->log_mr) {
        igvt_console_unlog(c);
        if (want) {
            c->log_mr = want;
            memory_region_ref(want);
            memory_region_set_log(want, true, DIRTY_MEMORY_VGA);
        }
    }
}

/*
 * Mark in @dirty the pages of the plane written since the last refresh
 * (all of them when @all).
 */
static void igvt_console_dirty_pages(IgvtConsole *c, unsigned long *dirty,
                                     bool all)
{
    hwaddr lo = HWADDR_MAX, hi = 0;
    DirtyBitmapSnapshot *snap = NULL;
    uint64_t i;

    for (i = 0; i < c->map_pages; i++) {
        if (c->map[i].kind == IGVT_SCAN_RAM) {
            lo = MIN(lo, c->map[i].off);
            hi = MAX(hi, c->map[i].off + IGVT_GTT_PAGE_SIZE);
        }
    }
    if (lo < hi) {
        snap = memory_region_snapshot_and_clear_dirty(c->log_mr, lo, hi - lo,
                                                      DIRTY_MEMORY_VGA);
    }
    for (i = 0; i < c->map_pages; i++) {
        const IgvtScanPage *m = &c->map[i];

        if (all || m->kind == IGVT_SCAN_OTHER ||
            (m->kind == IGVT_SCAN_RAM &&
             memory_region_snapshot_get_dirty(c->log_mr, snap, m->off,
                                              IGVT_GTT_PAGE_SIZE))) {
            set_bit(i, dirty);
        }
    }
    g_free(snap);
}

/* Does row @row of @p read a page marked in @dirty (@npages of them)? */
static bool igvt_console_row_dirty(const IgvtPlane *p, uint32_t row,
                                   const unsigned long *dirty,
                                   uint64_t npages)
{
    uint64_t lo, hi, th, pg;

    if (p->tiling == IGVT_TILING_LINEAR) {
        lo = igvt_plane_pixel_offset(p, p->x, p->y + row);
        hi = igvt_plane_pixel_offset(p, p->x + p->width - 1, p->y + row) +
             p->cpp;
    } else {
        /* The whole row of tiles */
        th = igvt_tile_height(p->tiling);
        lo = (uint64_t)((p->y + row) / th) * p->stride * th;
        hi = lo + (uint64_t)p->stride * th;
    }
    pg = find_next_bit(dirty, npages, lo / IGVT_GTT_PAGE_SIZE);
    return pg < npages && pg <= (hi - 1) / IGVT_GTT_PAGE_SIZE;
}

/*
 * Rows that changed, sent to the display as one rectangle per run of
 * consecutive rows (as bochs-display does)
 */
typedef struct IgvtDamage {
    IgvtState *s;
    uint32_t width;
    uint32_t first;             /* of the run being collected, or none */
    uint32_t rows;              /* in it */
    bool any;
    bool in_place;              /* for the trace */
} IgvtDamage;

static void igvt_damage_flush(IgvtDamage *dmg)
{
    if (dmg->rows) {
        trace_igvt_console_update(dmg->first, dmg->first + dmg->rows - 1,
                                  dmg->in_place);
        dpy_gfx_update(dmg->s->con, 0, dmg->first, dmg->width, dmg->rows);
        dmg->any = true;
        dmg->rows = 0;
    }
}

static void igvt_damage_row(IgvtDamage *dmg, uint32_t row)
{
    if (dmg->rows && dmg->first + dmg->rows == row) {
        dmg->rows++;
        return;
    }
    igvt_damage_flush(dmg);
    dmg->first = row;
    dmg->rows = 1;
}

/* The refresh is done: count it */
static void igvt_damage_done(IgvtConsole *c, IgvtDamage *dmg)
{
    igvt_damage_flush(dmg);
    if (dmg->any) {
        c->frames_shown++;
    } else {
        c->updates_skipped++;
    }
}

/* Release the remapped window @view of @size bytes */
static void igvt_console_unview(uint8_t *view, size_t size)
{
    munmap(view, size);
    igvt_console_view_pages -= size / IGVT_GTT_PAGE_SIZE;
}

/*
 * Put @ds on the console.  An in-place surface (@direct_mr, with @view
 * the window it may point into) holds guest RAM; what the previous
 * surface held is let go only once the console no longer shows it, so no
 * listener (VNC, screendump, the VGA core) ever sees a surface whose
 * memory is gone.
 */
static void igvt_console_show(IgvtConsole *c, DisplaySurface *ds,
                              MemoryRegion *direct_mr, uint8_t *direct_ptr,
                              uint8_t *view, size_t view_size)
{
    MemoryRegion *old_mr = c->direct_mr;
    uint8_t *old_view = c->view;
    size_t old_view_size = c->view_size;

    if (direct_mr) {
        memory_region_ref(direct_mr);
    }
    c->direct_mr = direct_mr;
    c->direct_ptr = direct_ptr;
    c->view = view;
    c->view_size = view_size;
    c->shadow = NULL;
    c->blank_reason = NULL;
    c->owns_surface = true;
    dpy_gfx_replace_surface(c->s->con, ds);

    if (old_view) {
        igvt_console_unview(old_view, old_view_size);
    }
    if (old_mr) {
        memory_region_unref(old_mr);
    }
}

/*
 * A contiguous, read-only view of the scanout's pages (all in c->log_mr,
 * in any order): a window with each page of the RAM block's file mapped
 * in turn.  Only for RAM that is a shared file mapping, so the view sees
 * what the guest writes.  NULL if that cannot be done.
 */
static uint8_t *igvt_console_view(IgvtConsole *c, size_t *size)
{
    RAMBlock *rb = c->log_mr ? c->log_mr->ram_block : NULL;
    uint8_t *view;
    uint64_t i;
    int fd;

    *size = c->map_pages * IGVT_GTT_PAGE_SIZE;
    if (igvt_console_view_pages + c->map_pages > IGVT_CONSOLE_VIEW_PAGES ||
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
    for (i = 0; i < c->map_pages; i++) {
        off_t off = rb->fd_offset + qemu_ram_block_host_offset(rb,
                                                               c->map[i].ptr);

        if (mmap(view + i * IGVT_GTT_PAGE_SIZE, IGVT_GTT_PAGE_SIZE, PROT_READ,
                 MAP_SHARED | MAP_FIXED, fd, off) == MAP_FAILED) {
            trace_igvt_console_view_failed(i, errno);
            munmap(view, *size);
            return NULL;
        }
    }
    igvt_console_view_pages += c->map_pages;
    return view;
}

/*
 * Can @p be shown in place?  Returns the host address of its first
 * visible pixel: in c->log_mr if its pages are contiguous there, else in
 * a new view of them (*view, *view_size; the caller owns it).  NULL if
 * it must be copied.
 */
static uint8_t *igvt_console_direct_ptr(IgvtConsole *c, const IgvtPlane *p,
                                        pixman_format_code_t fmt,
                                        uint8_t **view, size_t *view_size)
{
    bool contiguous = true;
    uint64_t i;

    *view = NULL;
    /*
     * In place only where the display shows exactly what the copying
     * path would: pixman's own 10-to-8-bit rule differs from ours, so
     * 2101010 formats are always converted.
     */
    if (p->tiling != IGVT_TILING_LINEAR || !fmt || !c->map_pages ||
        p->drm_format == DRM_FORMAT_XRGB2101010 ||
        p->drm_format == DRM_FORMAT_XBGR2101010 ||
        !dpy_gfx_check_format(c->s->con, fmt)) {
        return NULL;
    }
    /* Every page in the logged RAM block */
    for (i = 0; i < c->map_pages; i++) {
        if (c->map[i].kind != IGVT_SCAN_RAM) {
            return NULL;
        }
        contiguous &= c->map[i].off == c->map[0].off + i * IGVT_GTT_PAGE_SIZE;
    }
    if (contiguous) {
        return c->map[0].ptr + igvt_plane_pixel_offset(p, p->x, p->y);
    }
    *view = igvt_console_view(c, view_size);
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

/*
 * Nothing to show (@why; a guest error when it is about the plane of
 * @pipe): stop tracking the last scanout, show a placeholder saying why
 */
static void igvt_console_off(IgvtConsole *c, int pipe, const char *why)
{
    DisplaySurface *ds = qemu_console_surface(c->s->con);
    g_autofree char *msg = NULL;

    if (pipe >= 0 && c->blank_reason != why) {
        IGVT_GUEST_ERR(igvt_err_plane, "pipe %d primary plane cannot be "
                       "shown: %s", pipe, why);
    }
    igvt_console_unlog(c);
    igvt_console_unmap(c);
    if (ds && surface_is_placeholder(ds) && c->blank_reason == why) {
        return;
    }
    msg = g_strdup_printf("igvt: %s", why);
    igvt_console_show(c, qemu_create_placeholder_surface(640, 480, msg),
                      NULL, NULL, NULL, 0);
    c->blank_reason = why;
    c->dirty = true;
}

/*
 * The cursor plane becomes a QEMU cursor (the UI draws it) rather than
 * pixels in the frame.  The image is re-read every refresh and defined
 * again only when it or its hot spot changed.
 */
static void igvt_console_cursor(IgvtConsole *c, int pipe)
{
    IgvtState *s = c->s;
    uint32_t base = pipe * IGVT_PIPE_STRIDE;
    uint32_t hot_x = igvt_reg(s, IGVT_PVINFO_CURSOR_X_HOT);
    uint32_t hot_y = igvt_reg(s, IGVT_PVINFO_CURSOR_Y_HOT);
    IgvtFbRead r = { .s = s };
    g_autofree uint32_t *image = NULL;
    QEMUCursor *qc;
    IgvtCursor cur;
    uint32_t row, i, hash;

    if (!igvt_cursor_decode(igvt_reg(s, A_CUR_CTL_A + base),
                            igvt_reg(s, A_CUR_SURFLIVE_A + base),
                            igvt_reg(s, A_CUR_POS_A + base), &cur, NULL)) {
        if (c->cursor_visible) {
            c->cursor_visible = false;
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
        uint32_t *line = image + row * cur.width;

        /* A cursor row never crosses a page: 1 KiB at most, aligned */
        if (!igvt_console_read(&r, (uint64_t)row * cur.stride, line,
                               cur.width * 4)) {
            memset(line, 0, cur.width * 4);
        }
        for (i = 0; i < cur.width; i++) {
            line[i] = le32_to_cpu(line[i]);
        }
    }
    hash = crc32c(hot_x ^ (hot_y << 16), (uint8_t *)image,
                  cur.width * cur.height * 4);
    if (!c->cursor_visible || hash != c->cursor_hash ||
        cur.width != c->cursor_size) {
        qc = cursor_alloc(cur.width, cur.height);
        memcpy(qc->data, image, cur.width * cur.height * 4);
        qc->hot_x = hot_x;
        qc->hot_y = hot_y;
        dpy_cursor_define(s->con, qc);
        cursor_unref(qc);
        c->cursor_hash = hash;
        c->cursor_size = cur.width;
    }
    if (!c->cursor_visible || cur.x != c->cursor_x || cur.y != c->cursor_y) {
        dpy_mouse_set(s->con, cur.x + hot_x, cur.y + hot_y, true);
        c->cursor_x = cur.x;
        c->cursor_y = cur.y;
    }
    c->cursor_visible = true;
}

/*
 * The plane the console should show, decoded; false (and the console
 * blanked) if there is none or it cannot be shown.
 */
static bool igvt_console_plane(IgvtConsole *c, IgvtPlane *plane, int *pipe)
{
    IgvtState *s = c->s;
    const char *why;
    uint32_t base;

    *pipe = igvt_console_pipe(s);
    if (*pipe < 0) {
        igvt_console_off(c, -1, "no active display plane");
        return false;
    }
    base = *pipe * IGVT_PIPE_STRIDE;
    if (!igvt_plane_decode(igvt_reg(s, A_PLANE_CTL_1_A + base),
                           igvt_reg(s, A_PLANE_STRIDE_1_A + base),
                           igvt_reg(s, A_PLANE_SIZE_1_A + base),
                           igvt_reg(s, A_PLANE_OFFSET_1_A + base),
                           igvt_reg(s, A_PLANE_SURFLIVE_1_A + base),
                           igvt_reg(s, A_PIPESRC_A + base), plane, &why)) {
        igvt_console_off(c, *pipe, why);
        return false;
    }
    if (plane->size > IGVT_CONSOLE_MAX_EXTENT) {
        igvt_console_off(c, *pipe, "framebuffer spans more than 256 MiB");
        return false;
    }
    return true;
}

/*
 * After a flip, a mode change, a GGTT or memory map change: map the
 * scanout again and decide whether it can be shown in place, switching
 * surfaces if that changed.
 */
static void igvt_console_setup(IgvtConsole *c, const IgvtPlane *plane,
                               int pipe)
{
    pixman_format_code_t fmt = igvt_fb_pixman_format(plane->drm_format);
    uint8_t *view, *ptr;
    size_t view_size = 0;

    igvt_console_map(c, plane, DIV_ROUND_UP(plane->size, IGVT_GTT_PAGE_SIZE));
    ptr = igvt_console_direct_ptr(c, plane, fmt, &view, &view_size);
    if (ptr && (ptr != c->direct_ptr || c->direct_fmt != fmt ||
                c->direct_stride != plane->stride ||
                c->direct_width != plane->width ||
                c->direct_height != plane->height)) {
        igvt_console_show(c,
            qemu_create_displaysurface_from(plane->width, plane->height, fmt,
                                            plane->stride, ptr),
            c->log_mr, ptr, view, view_size);
        c->direct_fmt = fmt;
        c->direct_stride = plane->stride;
        c->direct_width = plane->width;
        c->direct_height = plane->height;
        trace_igvt_console_direct(pipe, plane->width, plane->height,
                                  plane->drm_format, !!view);
    } else if (!ptr && c->direct_ptr) {
        /* Copied from now on: the shadow surface replaces it */
        c->direct_ptr = NULL;
    } else if (view) {
        igvt_console_unview(view, view_size);
    }
}

/* The surface is guest memory: only say which rows were written */
static void igvt_console_direct_update(IgvtConsole *c, const IgvtPlane *plane,
                                       bool all)
{
    uint64_t npages = c->map_pages;
    g_autofree unsigned long *dirty = bitmap_new(npages);
    IgvtDamage dmg = {
        .s = c->s, .width = plane->width, .in_place = true,
    };
    uint32_t row;

    igvt_console_dirty_pages(c, dirty, all);
    for (row = 0; row < plane->height; row++) {
        if (igvt_console_row_dirty(plane, row, dirty, npages)) {
            igvt_damage_row(&dmg, row);
        }
    }
    igvt_damage_done(c, &dmg);
}

/*
 * Copy the plane's changed rows into igvt's own surface, converting the
 * pixels; only rows whose pixels changed are sent.
 */
static void igvt_console_copy_update(IgvtConsole *c, const IgvtPlane *plane,
                                     int pipe, bool all)
{
    IgvtState *s = c->s;
    DisplaySurface *ds = qemu_console_surface(s->con);
    uint64_t npages = c->map_pages;
    g_autofree unsigned long *dirty = NULL;
    IgvtFbRead r = {
        .s = s, .base = plane->base, .map = c->map, .map_pages = npages,
    };
    IgvtDamage dmg = { .s = s, .width = plane->width };
    uint32_t palette[256];
    uint32_t row, i, *line;
    bool direct_rgb;

    if (!ds || ds != c->shadow || surface_width(ds) != plane->width ||
        surface_height(ds) != plane->height ||
        surface_format(ds) != PIXMAN_x8r8g8b8) {
        ds = qemu_create_displaysurface(plane->width, plane->height);
        igvt_console_show(c, ds, NULL, NULL, NULL, 0);
        c->shadow = ds;
        all = true;
        trace_igvt_console_mode(pipe, plane->width, plane->height,
                                plane->drm_format, plane->tiling);
    }
    if (plane->drm_format == DRM_FORMAT_C8) {
        for (i = 0; i < ARRAY_SIZE(palette); i++) {
            palette[i] = igvt_reg(s, IGVT_LGC_PALETTE(pipe) + i * 4) &
                         0xffffff;
        }
    }
    dirty = bitmap_new(npages);
    igvt_console_dirty_pages(c, dirty, all);
    /* Already x8r8g8b8 in memory (the top byte is never shown) */
    direct_rgb = !HOST_BIG_ENDIAN &&
                 (plane->drm_format == DRM_FORMAT_XRGB8888 ||
                  plane->drm_format == DRM_FORMAT_ARGB8888);
    c->rowbuf = g_realloc(c->rowbuf, (size_t)plane->width * plane->cpp);
    c->linebuf = g_realloc(c->linebuf, (size_t)plane->width * 4);

    for (row = 0; row < plane->height; row++) {
        if (!igvt_console_row_dirty(plane, row, dirty, npages)) {
            continue;
        }
        line = (uint32_t *)((uint8_t *)surface_data(ds) +
                            (size_t)row * surface_stride(ds));
        if (direct_rgb) {
            /* One copy into the surface; the row is on a written page */
            igvt_plane_read_row(plane, row, igvt_console_read, &r,
                                (uint8_t *)line);
            igvt_damage_row(&dmg, row);
            continue;
        }
        igvt_plane_read_row(plane, row, igvt_console_read, &r, c->rowbuf);
        igvt_fb_convert(plane->drm_format, c->rowbuf, c->linebuf,
                        plane->width, palette);
        if (all || memcmp(line, c->linebuf, plane->width * 4)) {
            memcpy(line, c->linebuf, plane->width * 4);
            igvt_damage_row(&dmg, row);
        }
    }
    igvt_damage_done(c, &dmg);
}

/* A refresh with the VGA plane off: show the guest driver's plane */
static void igvt_console_refresh(IgvtConsole *c)
{
    IgvtPlane plane;
    bool all;
    int pipe;

    if (!igvt_console_plane(c, &plane, &pipe)) {
        return;
    }
    if (plane.base != c->scan_base || plane.size != c->scan_size ||
        DIV_ROUND_UP(plane.size, IGVT_GTT_PAGE_SIZE) != c->map_pages) {
        c->scan_base = plane.base;
        c->scan_size = plane.size;
        c->dirty = true;
    }
    all = c->dirty;
    c->dirty = false;
    if (all) {
        igvt_console_setup(c, &plane, pipe);
    }
    if (c->direct_ptr) {
        igvt_console_direct_update(c, &plane, all);
    } else {
        igvt_console_copy_update(c, &plane, pipe, all);
    }
    igvt_console_cursor(c, pipe);
}

/*
 * The VGA core takes the console back.  It draws into whatever surface
 * the console has as if it were its own (blank mode clears its last
 * screen size in it), so it gets one of its own kind and size before the
 * guest memory igvt's surface showed is let go, and it is told to
 * recreate it for its current mode.
 */
static void igvt_console_release(IgvtConsole *c)
{
    IgvtState *s = c->s;
    int w = s->vga.last_scr_width, h = s->vga.last_scr_height;

    if (!c->owns_surface) {
        return;
    }
    igvt_console_show(c, w > 0 && h > 0 ? qemu_create_displaysurface(w, h) :
                      qemu_create_placeholder_surface(640, 480, "igvt: VGA"),
                      NULL, NULL, NULL, 0);
    c->owns_surface = false;
    c->dirty = true;
    s->vga.hw_ops->invalidate(&s->vga);
}

static void igvt_gfx_update(void *opaque)
{
    IgvtState *s = opaque;

    /* What the GGTT says now, written or not (see gtt.c) */
    igvt_gtt_flush(s);

    if (igvt_vga_enabled(s)) {
        igvt_console_release(s->console);
        s->vga.hw_ops->gfx_update(&s->vga);
        return;
    }
    igvt_console_refresh(s->console);
}

static void igvt_gfx_invalidate(void *opaque)
{
    IgvtState *s = opaque;

    igvt_console_invalidate(s);
    s->vga.hw_ops->invalidate(&s->vga);
}

static void igvt_gfx_text_update(void *opaque, console_ch_t *chardata)
{
    IgvtState *s = opaque;

    if (igvt_vga_enabled(s) && s->vga.hw_ops->text_update) {
        s->vga.hw_ops->text_update(&s->vga, chardata);
    }
}

static void igvt_gfx_ui_info(void *opaque, uint32_t head, QemuUIInfo *info)
{
    igvt_monitor_ui_info(opaque, info);
}

static const GraphicHwOps igvt_gfx_ops = {
    .ui_info = igvt_gfx_ui_info,
    .invalidate = igvt_gfx_invalidate,
    .gfx_update = igvt_gfx_update,
    .text_update = igvt_gfx_text_update,
};

/*
 * The guest's memory map changed (a BAR, SMRAM, PAM, a DIMM): the scanout
 * may now be other memory than the console maps, so map it again
 */
static void igvt_console_mem_commit(MemoryListener *listener)
{
    IgvtConsole *c = container_of(listener, IgvtConsole, listener);

    c->dirty = true;
}

void igvt_console_init(IgvtState *s)
{
    IgvtConsole *c = g_new0(IgvtConsole, 1);

    c->s = s;
    c->dirty = true;
    c->listener = (MemoryListener) {
        .name = "igvt-console",
        .commit = igvt_console_mem_commit,
    };
    memory_listener_register(&c->listener,
                             pci_get_address_space(PCI_DEVICE(s)));
    s->console = c;
    s->con = graphic_console_init(DEVICE(s), 0, &igvt_gfx_ops, s);
    s->vga.con = s->con;
}

/* Unplug: the console goes, then what its surfaces held */
void igvt_console_fini(IgvtState *s)
{
    IgvtConsole *c = s->console;

    graphic_console_close(s->con);
    memory_listener_unregister(&c->listener);
    igvt_console_unlog(c);
    igvt_console_unmap(c);
    if (c->view) {
        igvt_console_unview(c->view, c->view_size);
    }
    if (c->direct_mr) {
        memory_region_unref(c->direct_mr);
    }
    g_free(c->rowbuf);
    g_free(c->linebuf);
    g_free(c);
    s->console = NULL;
}

void igvt_console_invalidate(IgvtState *s)
{
    s->console->dirty = true;
}

void igvt_console_gm_changed(IgvtState *s, uint64_t gm, uint64_t size)
{
    IgvtConsole *c = s->console;

    if (gm < c->scan_base + c->scan_size && c->scan_base < gm + size) {
        c->dirty = true;
    }
}

IgvtConsoleMode igvt_console_mode(IgvtState *s)
{
    IgvtConsole *c = s->console;

    if (igvt_vga_enabled(s)) {
        return IGVT_CONSOLE_MODE_VGA;
    }
    if (c->direct_ptr) {
        return c->view ? IGVT_CONSOLE_MODE_REMAPPED : IGVT_CONSOLE_MODE_IN_PLACE;
    }
    return c->shadow ? IGVT_CONSOLE_MODE_COPIED : IGVT_CONSOLE_MODE_BLANK;
}

void igvt_console_stats(IgvtState *s, uint64_t *shown, uint64_t *skipped)
{
    *shown = s->console->frames_shown;
    *skipped = s->console->updates_skipped;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: decoding of the Gen9 display plane registers, surface tiling and
 * pixel conversion.
 *
 * The plane and cursor registers' fields are regs.h's, facts of
 * Skylake/Kaby Lake as the Linux i915 driver programs them and GVT-g
 * decodes them.
 *
 * Tiles are 4 KiB and laid out row-major: tile row r starts at
 * r * stride * tile_height.  An X tile is 8 rows of 512 bytes, row after
 * row.  A Y tile is 128 bytes by 32 rows, stored as 8 columns of 16 bytes
 * (one OWord) by 32 rows, column after column.  Gen9 does not swizzle
 * address bit 6.
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "hw/display/igvt/fb-format.h"
#include "hw/display/igvt/regs.h"

#define X_TILE_WIDTH                512     /* bytes */
#define X_TILE_HEIGHT               8       /* rows */
#define Y_TILE_WIDTH                128
#define Y_TILE_HEIGHT               32
#define Y_TILE_SPAN                 16      /* bytes in one column row */

static bool fail(const char **why, const char *msg)
{
    if (why) {
        *why = msg;
    }
    return false;
}

uint32_t igvt_fb_format_cpp(uint32_t drm_format)
{
    switch (drm_format) {
    case DRM_FORMAT_C8:
        return 1;
    case DRM_FORMAT_RGB565:
        return 2;
    case DRM_FORMAT_XRGB8888:
    case DRM_FORMAT_ARGB8888:
    case DRM_FORMAT_XBGR8888:
    case DRM_FORMAT_ABGR8888:
    case DRM_FORMAT_XRGB2101010:
    case DRM_FORMAT_XBGR2101010:
        return 4;
    default:
        return 0;
    }
}

/*
 * The DRM format of a PLANE_CTL format field, or 0 with *why set.  Alpha
 * only exists for 8:8:8:8 on Skylake; the alpha mode of other formats is
 * ignored, as the hardware does.
 */
static uint32_t plane_format(uint32_t ctl, const char **why)
{
    uint32_t fmt = FIELD_EX32(ctl, PLANE_CTL, FORMAT);
    bool rgb_order = FIELD_EX32(ctl, PLANE_CTL, ORDER_RGBX);
    bool alpha = FIELD_EX32(ctl, PLANE_CTL, ALPHA);

    switch (fmt) {
    case IGVT_PLANE_FORMAT_XRGB_8888:
        if (rgb_order) {
            return alpha ? DRM_FORMAT_ABGR8888 : DRM_FORMAT_XBGR8888;
        }
        return alpha ? DRM_FORMAT_ARGB8888 : DRM_FORMAT_XRGB8888;
    case IGVT_PLANE_FORMAT_XRGB_2101010:
        return rgb_order ? DRM_FORMAT_XBGR2101010 : DRM_FORMAT_XRGB2101010;
    case IGVT_PLANE_FORMAT_RGB_565:
        return DRM_FORMAT_RGB565;
    case IGVT_PLANE_FORMAT_INDEXED:
        return DRM_FORMAT_C8;
    case IGVT_PLANE_FORMAT_YUV422:
    case IGVT_PLANE_FORMAT_NV12:
    case IGVT_PLANE_FORMAT_P010:
    case IGVT_PLANE_FORMAT_P012:
    case IGVT_PLANE_FORMAT_P016:
    case IGVT_PLANE_FORMAT_XYUV:
        fail(why, "YUV pixel formats are not supported");
        return 0;
    case IGVT_PLANE_FORMAT_XRGB_16161616F:
        fail(why, "FP16 pixel format is not supported");
        return 0;
    default:
        fail(why, "reserved pixel format");
        return 0;
    }
}

/* Offset of byte @xb of surface row @y: the tiling arithmetic itself */
uint64_t igvt_tile_offset(IgvtTiling t, uint64_t pitch, uint64_t xb,
                          uint64_t y)
{
    uint64_t tile_row, in_x, in_y;

    switch (t) {
    case IGVT_TILING_X:
        tile_row = y / X_TILE_HEIGHT;
        in_y = y % X_TILE_HEIGHT;
        in_x = xb % X_TILE_WIDTH;
        return tile_row * pitch * X_TILE_HEIGHT +
               (xb / X_TILE_WIDTH) * IGVT_FB_TILE_SIZE +
               in_y * X_TILE_WIDTH + in_x;
    case IGVT_TILING_Y:
        tile_row = y / Y_TILE_HEIGHT;
        in_y = y % Y_TILE_HEIGHT;
        in_x = xb % Y_TILE_WIDTH;
        return tile_row * pitch * Y_TILE_HEIGHT +
               (xb / Y_TILE_WIDTH) * IGVT_FB_TILE_SIZE +
               (in_x / Y_TILE_SPAN) * (Y_TILE_SPAN * Y_TILE_HEIGHT) +
               in_y * Y_TILE_SPAN + in_x % Y_TILE_SPAN;
    case IGVT_TILING_LINEAR:
    default:
        return y * pitch + xb;
    }
}

uint32_t igvt_tile_width(IgvtTiling t)
{
    switch (t) {
    case IGVT_TILING_X:
        return X_TILE_WIDTH;
    case IGVT_TILING_Y:
        return Y_TILE_WIDTH;
    case IGVT_TILING_LINEAR:
    default:
        return 1;
    }
}

uint32_t igvt_tile_height(IgvtTiling t)
{
    switch (t) {
    case IGVT_TILING_X:
        return X_TILE_HEIGHT;
    case IGVT_TILING_Y:
        return Y_TILE_HEIGHT;
    case IGVT_TILING_LINEAR:
    default:
        return 1;
    }
}

uint64_t igvt_tile_run(IgvtTiling t, uint64_t xb)
{
    switch (t) {
    case IGVT_TILING_X:
        return X_TILE_WIDTH - xb % X_TILE_WIDTH;
    case IGVT_TILING_Y:
        return Y_TILE_SPAN - xb % Y_TILE_SPAN;
    case IGVT_TILING_LINEAR:
    default:
        return UINT64_MAX;
    }
}

uint64_t igvt_plane_pixel_offset(const IgvtPlane *p, uint32_t x, uint32_t y)
{
    return igvt_tile_offset(p->tiling, p->stride, (uint64_t)x * p->cpp, y);
}

bool igvt_plane_decode(uint32_t plane_ctl, uint32_t plane_stride,
                       uint32_t plane_size, uint32_t plane_offset,
                       uint32_t plane_surf, uint32_t pipesrc,
                       IgvtPlane *p, const char **why)
{
    uint32_t tiled, unit, plane_w, plane_h, last_x, last_y;
    uint64_t row_bytes, last, size;

    memset(p, 0, sizeof(*p));
    p->enabled = FIELD_EX32(plane_ctl, PLANE_CTL, ENABLE);
    if (!p->enabled) {
        return fail(why, "plane is disabled");
    }

    /* Format */
    p->drm_format = plane_format(plane_ctl, why);
    if (!p->drm_format) {
        goto bad;
    }
    p->cpp = igvt_fb_format_cpp(p->drm_format);

    /* Tiling, and the unit PLANE_STRIDE counts in */
    tiled = FIELD_EX32(plane_ctl, PLANE_CTL, TILED);
    switch (tiled) {
    case IGVT_PLANE_TILED_LINEAR:
        p->tiling = IGVT_TILING_LINEAR;
        p->modifier = DRM_FORMAT_MOD_LINEAR;
        unit = 64;
        break;
    case IGVT_PLANE_TILED_X:
        p->tiling = IGVT_TILING_X;
        p->modifier = I915_FORMAT_MOD_X_TILED;
        unit = X_TILE_WIDTH;
        break;
    case IGVT_PLANE_TILED_Y:
        p->tiling = IGVT_TILING_Y;
        p->modifier = I915_FORMAT_MOD_Y_TILED;
        unit = Y_TILE_WIDTH;
        break;
    case IGVT_PLANE_TILED_YF:
        fail(why, "Yf tiling is not supported");
        goto bad;
    default:
        fail(why, "reserved tiling mode");
        goto bad;
    }
    if (FIELD_EX32(plane_ctl, PLANE_CTL, DECOMPRESSION)) {
        fail(why, "render decompression (CCS) is not supported");
        goto bad;
    }
    if (FIELD_EX32(plane_ctl, PLANE_CTL, ROTATE)) {
        fail(why, "plane rotation other than 0 is not supported");
        goto bad;
    }

    /* Size: the plane, clipped to what the pipe shows */
    plane_w = FIELD_EX32(plane_size, PLANE_SIZE, WIDTH) + 1;
    plane_h = FIELD_EX32(plane_size, PLANE_SIZE, HEIGHT) + 1;
    p->pipe_width = FIELD_EX32(pipesrc, PIPESRC, WIDTH) + 1;
    p->pipe_height = FIELD_EX32(pipesrc, PIPESRC, HEIGHT) + 1;
    if (plane_w > IGVT_FB_MAX_DIM || plane_h > IGVT_FB_MAX_DIM) {
        fail(why, "plane size larger than 8192");
        goto bad;
    }
    if (p->pipe_width > IGVT_FB_MAX_DIM ||
        p->pipe_height > IGVT_FB_MAX_DIM) {
        fail(why, "pipe source size larger than 8192");
        goto bad;
    }
    p->width = MIN(plane_w, p->pipe_width);
    p->height = MIN(plane_h, p->pipe_height);
    /* Cannot happen with the "minus one" encoding; kept as a guard */
    if (p->width == 0 || p->height == 0) {
        fail(why, "plane size is zero");
        goto bad;
    }

    /*
     * Stride: a whole number of units by construction (so a multiple of
     * the tile width when tiled), at least one visible row.
     */
    p->stride = FIELD_EX32(plane_stride, PLANE_STRIDE, STRIDE) * unit;
    row_bytes = (uint64_t)p->width * p->cpp;
    if (p->stride == 0) {
        fail(why, "stride is zero");
        goto bad;
    }
    if (p->stride < row_bytes) {
        fail(why, "stride smaller than a row of the plane");
        goto bad;
    }

    /* Offset of the first visible pixel */
    p->x = FIELD_EX32(plane_offset, PLANE_OFFSET, X);
    p->y = FIELD_EX32(plane_offset, PLANE_OFFSET, Y);
    if (p->x >= IGVT_FB_MAX_DIM || p->y >= IGVT_FB_MAX_DIM) {
        fail(why, "plane offset out of range");
        goto bad;
    }
    /*
     * The hardware fails when an X-tiled window runs past the stride
     * (i915 avoids it, see skl_check_main_surface()); linear and Y-tiled
     * addressing simply continues into the next row of tiles.
     */
    if (p->tiling == IGVT_TILING_X &&
        ((uint64_t)p->x + p->width) * p->cpp > p->stride) {
        fail(why, "X-tiled plane offset + width past the stride");
        goto bad;
    }

    /* Extent: the offsets grow with x and y, the last pixel is the end */
    p->base = plane_surf & R_PLANE_SURF_ADDR_MASK;
    last_x = p->x + p->width - 1;
    last_y = p->y + p->height - 1;
    last = igvt_plane_pixel_offset(p, last_x, last_y);
    if (p->tiling == IGVT_TILING_LINEAR) {
        size = last + p->cpp;
    } else {
        size = (last / IGVT_FB_TILE_SIZE + 1) * IGVT_FB_TILE_SIZE;
    }
    if (size > IGVT_FB_GM_SIZE || p->base > IGVT_FB_GM_SIZE - size) {
        fail(why, "surface extends past the 4 GiB graphics memory");
        goto bad;
    }
    p->size = size;
    return true;

bad:
    memset(p, 0, sizeof(*p));
    p->enabled = true;
    return false;
}

bool igvt_plane_read_row(const IgvtPlane *p, uint32_t row,
                         IgvtFbReadFn *read, void *opaque, uint8_t *dst)
{
    uint64_t xb, start, end, y, off, seg;
    size_t row_bytes = (size_t)p->width * p->cpp;
    bool ok = true;

    if (row >= p->height) {
        memset(dst, 0, row_bytes);
        return false;
    }

    y = (uint64_t)p->y + row;
    start = (uint64_t)p->x * p->cpp;
    end = start + row_bytes;
    for (xb = start; xb < end; xb += seg) {
        off = igvt_tile_offset(p->tiling, p->stride, xb, y);
        /* The longest run contiguous in memory and within one page */
        seg = igvt_tile_run(p->tiling, xb);
        if (p->tiling == IGVT_TILING_LINEAR) {
            seg = IGVT_FB_TILE_SIZE - off % IGVT_FB_TILE_SIZE;
        }
        seg = MIN(seg, end - xb);
        if (!read(opaque, off, dst + (xb - start), seg)) {
            memset(dst + (xb - start), 0, seg);
            ok = false;
        }
    }
    return ok;
}

/* 10-bit to 8-bit, rounded to nearest */
static inline uint32_t c10to8(uint32_t v)
{
    return ((v & 0x3ff) * 255 + 511) / 1023;
}

static inline uint32_t rgb(uint32_t r, uint32_t g, uint32_t b)
{
    return (r << 16) | (g << 8) | b;
}

void igvt_fb_convert(uint32_t drm_format, const uint8_t *src, uint32_t *dst,
                     uint32_t width, const uint32_t *palette)
{
    uint32_t i, v, r, g, b;

    switch (drm_format) {
    case DRM_FORMAT_XRGB8888:
    case DRM_FORMAT_ARGB8888:
        for (i = 0; i < width; i++) {
            dst[i] = ldl_le_p(src + 4 * i) & 0xffffff;
        }
        break;
    case DRM_FORMAT_XBGR8888:
    case DRM_FORMAT_ABGR8888:
        for (i = 0; i < width; i++) {
            v = ldl_le_p(src + 4 * i);
            dst[i] = rgb(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff);
        }
        break;
    case DRM_FORMAT_XRGB2101010:
        for (i = 0; i < width; i++) {
            v = ldl_le_p(src + 4 * i);
            dst[i] = rgb(c10to8(v >> 20), c10to8(v >> 10), c10to8(v));
        }
        break;
    case DRM_FORMAT_XBGR2101010:
        for (i = 0; i < width; i++) {
            v = ldl_le_p(src + 4 * i);
            dst[i] = rgb(c10to8(v), c10to8(v >> 10), c10to8(v >> 20));
        }
        break;
    case DRM_FORMAT_RGB565:
        for (i = 0; i < width; i++) {
            v = lduw_le_p(src + 2 * i);
            r = (v >> 11) & 0x1f;
            g = (v >> 5) & 0x3f;
            b = v & 0x1f;
            dst[i] = rgb((r << 3) | (r >> 2), (g << 2) | (g >> 4),
                         (b << 3) | (b >> 2));
        }
        break;
    case DRM_FORMAT_C8:
        for (i = 0; i < width; i++) {
            v = src[i];
            dst[i] = palette ? palette[v] & 0xffffff : rgb(v, v, v);
        }
        break;
    default:
        memset(dst, 0, (size_t)width * sizeof(*dst));
        break;
    }
}

pixman_format_code_t igvt_fb_pixman_format(uint32_t drm_format)
{
    switch (drm_format) {
    case DRM_FORMAT_XRGB8888:
    case DRM_FORMAT_ARGB8888:
        return PIXMAN_LE_x8r8g8b8;
    case DRM_FORMAT_XBGR8888:
    case DRM_FORMAT_ABGR8888:
        return PIXMAN_LE_x8b8g8r8;
#if !HOST_BIG_ENDIAN
    /* pixman has no byte-swapped variants of these */
    case DRM_FORMAT_RGB565:
        return PIXMAN_r5g6b5;
    case DRM_FORMAT_XRGB2101010:
        return PIXMAN_x2r10g10b10;
    case DRM_FORMAT_XBGR2101010:
        return PIXMAN_x2b10g10r10;
#endif
    default:
        return 0;
    }
}

bool igvt_cursor_decode(uint32_t cur_ctl, uint32_t cur_base,
                        uint32_t cur_pos, IgvtCursor *c, const char **why)
{
    uint32_t mode = cur_ctl & IGVT_CUR_CTL_MODE_MASK;
    uint32_t mx = FIELD_EX32(cur_pos, CUR_POS, X);
    uint32_t my = FIELD_EX32(cur_pos, CUR_POS, Y);

    memset(c, 0, sizeof(*c));
    if (mode == IGVT_CUR_CTL_MODE_DISABLE) {
        return fail(why, "cursor is disabled");
    }
    if (FIELD_EX32(cur_ctl, CUR_CTL, ROTATE_180)) {
        return fail(why, "cursor rotation is not supported");
    }
    switch (mode) {
    case IGVT_CUR_CTL_MODE_64_ARGB:
        c->width = 64;
        break;
    case IGVT_CUR_CTL_MODE_128_ARGB:
        c->width = 128;
        break;
    case IGVT_CUR_CTL_MODE_256_ARGB:
        c->width = 256;
        break;
    default:
        return fail(why, "cursor mode is not supported");
    }

    c->height = c->width;
    c->drm_format = DRM_FORMAT_ARGB8888;
    c->cpp = 4;
    c->stride = c->width * c->cpp;
    c->size = (uint64_t)c->stride * c->height;
    c->base = cur_base & R_CUR_BASE_ADDR_MASK;
    if (c->base > IGVT_FB_GM_SIZE - c->size) {
        memset(c, 0, sizeof(*c));
        return fail(why, "cursor extends past the 4 GiB graphics memory");
    }
    c->x = FIELD_EX32(cur_pos, CUR_POS, X_SIGN) ? -(int32_t)mx : (int32_t)mx;
    c->y = FIELD_EX32(cur_pos, CUR_POS, Y_SIGN) ? -(int32_t)my : (int32_t)my;
    c->enabled = true;
    return true;
}

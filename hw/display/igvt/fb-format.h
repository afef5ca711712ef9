/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: decoding of the Gen9 display plane registers, surface tiling and
 * pixel conversion.
 *
 * Pure logic, no device state: the display code hands in register values
 * and a callback that reads graphics memory (through the virtual GGTT), and
 * gets back a plane description, linear rows of pixels and x8r8g8b8
 * conversions.  Every input is guest controlled; the functions here check
 * it and never touch memory other than through the callback and the
 * buffers the caller passes with their sizes.
 */

#ifndef HW_DISPLAY_IGVT_FB_FORMAT_H
#define HW_DISPLAY_IGVT_FB_FORMAT_H

#include "ui/qemu-pixman.h"
#include "standard-headers/drm/drm_fourcc.h"

/* Largest plane or pipe source width and height the decoder accepts */
#define IGVT_FB_MAX_DIM         8192
/* Graphics memory addresses are 32 bits wide */
#define IGVT_FB_GM_SIZE         (1ull << 32)
/* One X or Y tile, and one GGTT page */
#define IGVT_FB_TILE_SIZE       4096

typedef enum IgvtTiling {
    IGVT_TILING_LINEAR,
    IGVT_TILING_X,              /* 512 bytes x 8 rows */
    IGVT_TILING_Y,              /* 128 bytes x 32 rows, 16-byte columns */
} IgvtTiling;

typedef struct IgvtPlane {
    bool enabled;
    uint32_t drm_format;        /* DRM_FORMAT_* */
    uint64_t modifier;          /* DRM_FORMAT_MOD_LINEAR / I915_FORMAT_MOD_* */
    IgvtTiling tiling;
    uint32_t cpp;               /* bytes per pixel */
    uint32_t width, height;     /* visible size, pixels */
    uint32_t stride;            /* bytes */
    uint32_t x, y;              /* PLANE_OFFSET: first visible pixel */
    uint64_t base;              /* PLANE_SURF graphics memory address */
    uint64_t size;              /* bytes the scanout can touch, from base */
    uint32_t pipe_width;        /* PIPESRC */
    uint32_t pipe_height;
} IgvtPlane;

typedef struct IgvtCursor {
    bool enabled;
    uint32_t drm_format;        /* DRM_FORMAT_ARGB8888 */
    uint32_t cpp;               /* 4 */
    uint32_t width, height;     /* 64, 128 or 256 square */
    uint32_t stride;            /* bytes: width * cpp */
    uint64_t base;              /* CUR_BASE graphics memory address */
    uint64_t size;              /* bytes: stride * height */
    int32_t x, y;               /* top left corner on the pipe, can be < 0 */
} IgvtCursor;

/*
 * Decode Gen9 universal-plane registers (PLANE_CTL, PLANE_STRIDE,
 * PLANE_SIZE, PLANE_OFFSET, PLANE_SURF) plus PIPESRC of the pipe.
 *
 * The visible size is PLANE_SIZE clipped to PIPESRC.  Returns false and
 * sets *why (if @why is not NULL) to a static message for a plane that is
 * disabled, or uses a format / tiling / rotation not supported, or whose
 * geometry is absurd.  On failure *p is zeroed except p->enabled.
 */
bool igvt_plane_decode(uint32_t plane_ctl, uint32_t plane_stride,
                       uint32_t plane_size, uint32_t plane_offset,
                       uint32_t plane_surf, uint32_t pipesrc,
                       IgvtPlane *p, const char **why);

/*
 * Byte offset from p->base of pixel (x, y) of the surface (not of the
 * visible window: add p->x and p->y for that), honouring tiling.
 */
uint64_t igvt_plane_pixel_offset(const IgvtPlane *p, uint32_t x, uint32_t y);

/*
 * The tiling arithmetic shared by the display and the blitter.
 *
 * igvt_tile_offset: offset from the surface's base of byte @xb of row @y
 * of a surface of tiling @t whose rows are @pitch bytes apart (for a
 * tiled surface a whole number of tile widths: a row of tiles is then
 * @pitch * tile height bytes).  Plain arithmetic without bounds: a byte
 * past the pitch lands where the formula puts it, as on the hardware.
 *
 * igvt_tile_width, igvt_tile_height: one tile's width in bytes and
 * height in rows (512 x 8 for X, 128 x 32 for Y; 1 x 1 for linear).
 *
 * igvt_tile_run: how many bytes from byte @xb of a row on are contiguous
 * in memory: to the end of the X tile's row, or of the Y tile's 16-byte
 * column; UINT64_MAX for linear (the whole row is).
 */
uint64_t igvt_tile_offset(IgvtTiling t, uint64_t pitch, uint64_t xb,
                          uint64_t y);
uint32_t igvt_tile_width(IgvtTiling t);
uint32_t igvt_tile_height(IgvtTiling t);
uint64_t igvt_tile_run(IgvtTiling t, uint64_t xb);

/*
 * Read @len bytes at graphics memory offset @offset from the plane's base.
 * Returns false if any of them cannot be reached.  The callers here never
 * ask for a range that crosses a 4 KiB page boundary.
 */
typedef bool IgvtFbReadFn(void *opaque, uint64_t offset, void *buf,
                          size_t len);

/*
 * Fetch visible row @row (0 = first visible line) into @dst as linear
 * pixels in the plane's own format (p->width * p->cpp bytes), reading the
 * surface through @read.  Pixels @read cannot reach become 0.  Returns
 * true if the whole row was read; false if any part was unreachable or
 * @row is out of range (all of @dst is then 0).
 */
bool igvt_plane_read_row(const IgvtPlane *p, uint32_t row,
                         IgvtFbReadFn *read, void *opaque, uint8_t *dst);

/*
 * Convert @width pixels of @drm_format at @src (little endian, as the
 * GPU stores them) to x8r8g8b8 (PIXMAN_x8r8g8b8, host-endian uint32,
 * unused top byte 0) at @dst.  Alpha is ignored.  10-bit channels are
 * rounded to the nearest 8-bit value, (v * 255 + 511) / 1023; 5- and
 * 6-bit channels are expanded by bit replication.  C8 uses @palette
 * (256 entries of 0x00RRGGBB), or a grey ramp if @palette is NULL.
 * An unsupported format gives black pixels.
 */
void igvt_fb_convert(uint32_t drm_format, const uint8_t *src, uint32_t *dst,
                     uint32_t width, const uint32_t *palette);

/*
 * The pixman format that shows @drm_format as the GPU stores it in memory,
 * without conversion (zero-copy), or 0.  Alpha is not shown: ARGB formats
 * map to their x formats, like the primary plane over the black pipe
 * background.
 */
pixman_format_code_t igvt_fb_pixman_format(uint32_t drm_format);

/* Bytes per pixel of a format igvt_plane_decode() can return, or 0 */
uint32_t igvt_fb_format_cpp(uint32_t drm_format);

/*
 * Decode CUR_CTL/CUR_BASE/CUR_POS: mode (64x64, 128x128 or 256x256 ARGB),
 * base and position (sign and magnitude).  Returns false and sets *why
 * for a disabled cursor, an unsupported mode or rotation, or a surface
 * beyond graphics memory; *c is then zeroed.
 */
bool igvt_cursor_decode(uint32_t cur_ctl, uint32_t cur_base,
                        uint32_t cur_pos, IgvtCursor *c, const char **why);

#endif /* HW_DISPLAY_IGVT_FB_FORMAT_H */

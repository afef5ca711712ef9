/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * apwrite: the aperture benchmark's guest program (tests/bench/aperture.sh
 * builds it static, so it runs in a busybox initramfs without libdrm).
 *
 *   apwrite fb SECS         write the visible frame of /dev/fb0 through
 *                           its mmap, again and again, for SECS seconds
 *   apwrite gtt MIB SECS    the same through a GTT mmap (the aperture) of
 *                           an i915 object of MIB MiB on /dev/dri/card0
 *   apwrite bind MIB N      N times: an object of MIB MiB with its pages
 *                           allocated, mapped through the GTT and touched
 *                           once; the touch binds it into the GGTT
 *
 * Each prints one line for the host:
 *   RESULT fb bytes=B ns=T
 *   RESULT gtt bytes=B ns=T bind_ns=T0
 *   RESULT bind objects=N bytes=B ns=T
 * ns is guest CLOCK_MONOTONIC time spent writing (or binding).  Exit
 * status 1 and an "ERROR ..." line when something fails.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/fb.h>
#include <i915_drm.h>

#define MIB     (1024 * 1024)

static int die(const char *what)
{
    printf("ERROR %s: %s\n", what, strerror(errno));
    return 1;
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Fill @p (@size bytes) again and again for @secs; bytes written in *ns */
static uint64_t write_loop(volatile uint8_t *p, size_t size, unsigned secs,
                           uint64_t *ns)
{
    uint64_t t0 = now_ns(), end = t0 + secs * 1000000000ull, bytes = 0;
    unsigned pass = 0;

    do {
        memset((void *)p, 0x11 * (++pass & 0xf), size);
        bytes += size;
    } while (now_ns() < end);
    *ns = now_ns() - t0;
    return bytes;
}

static int cmd_fb(unsigned secs)
{
    struct fb_fix_screeninfo fix;
    struct fb_var_screeninfo var;
    uint64_t bytes, ns;
    size_t size;
    void *p;
    int fd;

    fd = open("/dev/fb0", O_RDWR);
    if (fd < 0) {
        return die("open /dev/fb0");
    }
    if (ioctl(fd, FBIOGET_FSCREENINFO, &fix) ||
        ioctl(fd, FBIOGET_VSCREENINFO, &var)) {
        return die("fb0 screen info");
    }
    size = (size_t)fix.line_length * var.yres;
    p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        return die("mmap /dev/fb0");
    }
    bytes = write_loop(p, size, secs, &ns);
    printf("RESULT fb bytes=%" PRIu64 " ns=%" PRIu64 "\n", bytes, ns);
    munmap(p, size);
    close(fd);
    return 0;
}

/* A new object of @size bytes with its pages allocated, GTT-mapped */
static void *gtt_object(int fd, uint64_t size, uint32_t *handle)
{
    struct drm_i915_gem_create create = { .size = size };
    struct drm_i915_gem_set_domain dom = {
        .read_domains = I915_GEM_DOMAIN_CPU,
        .write_domain = I915_GEM_DOMAIN_CPU,
    };
    struct drm_i915_gem_mmap_offset map = { .flags = I915_MMAP_OFFSET_GTT };
    void *p;

    if (ioctl(fd, DRM_IOCTL_I915_GEM_CREATE, &create)) {
        return NULL;
    }
    *handle = dom.handle = map.handle = create.handle;
    /* the pages now, so that the first touch costs the bind alone */
    if (ioctl(fd, DRM_IOCTL_I915_GEM_SET_DOMAIN, &dom) ||
        ioctl(fd, DRM_IOCTL_I915_GEM_MMAP_OFFSET, &map)) {
        return NULL;
    }
    p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, map.offset);
    return p == MAP_FAILED ? NULL : p;
}

static void gtt_close(int fd, void *p, uint64_t size, uint32_t handle)
{
    struct drm_gem_close c = { .handle = handle };

    munmap(p, size);
    ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

/* The first touch of a GTT mapping faults, and i915 binds the object */
static uint64_t touch_ns(volatile uint8_t *p)
{
    uint64_t t0 = now_ns();

    p[0] = 1;
    return now_ns() - t0;
}

static int cmd_gtt(int fd, unsigned mib, unsigned secs)
{
    uint64_t size = (uint64_t)mib * MIB, bytes, ns, bind;
    uint32_t handle;
    void *p;

    p = gtt_object(fd, size, &handle);
    if (!p) {
        return die("GTT-mapped object");
    }
    bind = touch_ns(p);
    bytes = write_loop(p, size, secs, &ns);
    printf("RESULT gtt bytes=%" PRIu64 " ns=%" PRIu64 " bind_ns=%" PRIu64
           "\n", bytes, ns, bind);
    gtt_close(fd, p, size, handle);
    return 0;
}

static int cmd_bind(int fd, unsigned mib, unsigned n)
{
    uint64_t size = (uint64_t)mib * MIB, ns = 0;
    uint32_t handle;
    unsigned i;
    void *p;

    for (i = 0; i < n; i++) {
        p = gtt_object(fd, size, &handle);
        if (!p) {
            return die("GTT-mapped object");
        }
        ns += touch_ns(p);
        gtt_close(fd, p, size, handle);
    }
    printf("RESULT bind objects=%u bytes=%" PRIu64 " ns=%" PRIu64 "\n",
           n, size * n, ns);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned a = argc > 2 ? strtoul(argv[2], NULL, 0) : 0;
    unsigned b = argc > 3 ? strtoul(argv[3], NULL, 0) : 0;
    bool gtt = argc == 4 && !strcmp(argv[1], "gtt") && a && b;
    bool bind = argc == 4 && !strcmp(argv[1], "bind") && a && b;
    int fd;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 3 && !strcmp(argv[1], "fb") && a) {
        return cmd_fb(a);
    }
    if (gtt || bind) {
        fd = open("/dev/dri/card0", O_RDWR);
        if (fd < 0) {
            return die("open /dev/dri/card0");
        }
        return gtt ? cmd_gtt(fd, a, b) : cmd_bind(fd, a, b);
    }
    fprintf(stderr, "usage: %s fb SECS | gtt MIB SECS | bind MIB N\n",
            argv[0]);
    return 2;
}

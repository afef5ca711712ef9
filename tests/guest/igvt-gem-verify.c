/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt-gem-verify: submit stores and blits through the i915 uAPI and check
 * every byte they were meant to write, and every byte they were not.
 *
 * Runs in the real-guest harness's IGT boots (tests/guest/README.md) on
 * /dev/dri/card0, a stock i915 driving igvt-vga.  Each buffer object is
 * filled with a known pattern first, so a GPU that does nothing fails:
 * every check also makes sure that what it expects differs from the
 * pattern.  Batches are submitted with DRM_IOCTL_I915_GEM_EXECBUFFER2 and
 * relocations (addresses in the PPGTT, as any user batch; one check also
 * pins its objects high), buffers filled and read back with pwrite/pread,
 * surfaces at 32 bits per pixel.
 *
 * Beyond running a batch to its end, the checks do what i915's and IGT's
 * own tests do with a GPU:
 *  - spinners: a batch that loops on its arbitration point until the CPU
 *    writes MI_BATCH_BUFFER_END into it, through a write-back mmap, on
 *    rcs, vcs and vecs (not bcs: on Gen9 i915 runs bcs batches through its
 *    command parser, from a copy the CPU cannot end); waits with a timeout
 *    and out-fences behind one; a second context beside and behind one
 *    (i915 neither preempts nor timeslices on a vGPU, so its work on the
 *    same engine waits);
 *  - a value passed along a chain of batches the GPU itself writes;
 *  - X- and Y-tiled objects the CPU fills and reads back through a GTT
 *    mmap, i.e. through a fence that detiles the aperture.
 *
 * Output: one "PASS name: ..." or "FAIL name: ..." line per check, then a
 * summary line; the exit status is 1 if any check failed.
 *
 *   igvt-gem-verify [DEVICE]   run every check (DEVICE: /dev/dri/card0)
 *   igvt-gem-verify --list     print the names of the checks
 *
 * Command layouts: gpu-cmds.h.  One check also runs MI_LOAD_REGISTER_IMM,
 * MI_STORE_REGISTER_MEM and MI_MATH on rcs.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>
#include <i915_drm.h>

#include "gpu-cmds.h"
#include "verdict.h"

#define BATCH_DWORDS            1024
#define MAX_RELOCS              64
#define MAX_OBJECTS             8
#define WAIT_NS                 (10ll * 1000 * 1000 * 1000)
/* softpin-high: where its objects go, 1 MiB apart (below 1 << 47) */
#define HIGH_BASE               0x7ffe00000000ull
#define PIN_STEP                0x100000ull

typedef struct Batch {
    uint32_t handle;
    uint32_t dw[BATCH_DWORDS];
    unsigned len;
    struct drm_i915_gem_relocation_entry reloc[MAX_RELOCS];
    unsigned nreloc;
} Batch;

/*
 * A buffer object, what it was filled with and what it should hold after
 * the check's commands; @pitch: bytes per row if it holds a surface
 */
typedef struct Surface {
    const char *what;
    uint32_t handle;
    size_t size;
    unsigned pitch;
    uint8_t *before;            /* the pattern it was filled with */
    uint8_t *want;              /* what it should hold afterwards */
} Surface;

static int fd = -1;
static char setup_error[256];
static unsigned lost_before;    /* lost_batches() when the check began */
static uint64_t pin_base;       /* if not 0, submit() pins objects here */
static uint32_t submit_ctx;     /* the context submit() uses (0: default) */
static bool submit_fence;       /* submit() asks for an out-fence ... */
static int out_fence = -1;      /* ... and leaves it here */

/* Where the last execbufs placed objects in the PPGTT, for the messages */
#define MAX_PLACED              16
static struct {
    uint32_t handle;
    uint64_t offset;
} placed[MAX_PLACED];

/* ------------------------------------------------------------ helpers -- */

static bool bo_create(uint32_t *handle, size_t size)
{
    struct drm_i915_gem_create c = { .size = size };

    if (drmIoctl(fd, DRM_IOCTL_I915_GEM_CREATE, &c)) {
        return false;
    }
    *handle = c.handle;
    return true;
}

static void bo_close(uint32_t handle)
{
    struct drm_gem_close c = { .handle = handle };

    if (handle) {
        drmIoctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
    }
}

static bool bo_write(uint32_t handle, const void *data, size_t len)
{
    struct drm_i915_gem_pwrite w = {
        .handle = handle,
        .size = len,
        .data_ptr = (uintptr_t)data,
    };

    return drmIoctl(fd, DRM_IOCTL_I915_GEM_PWRITE, &w) == 0;
}

static bool bo_read(uint32_t handle, void *data, size_t len)
{
    struct drm_i915_gem_pread r = {
        .handle = handle,
        .size = len,
        .data_ptr = (uintptr_t)data,
    };

    return drmIoctl(fd, DRM_IOCTL_I915_GEM_PREAD, &r) == 0;
}

/* Wait for every use of @handle; false and errno ETIME if it takes long */
static bool bo_wait(uint32_t handle)
{
    struct drm_i915_gem_wait w = {
        .bo_handle = handle,
        .timeout_ns = WAIT_NS,
    };

    return drmIoctl(fd, DRM_IOCTL_I915_GEM_WAIT, &w) == 0;
}

/* Batches lost to a GPU reset in our (the default) context */
static unsigned lost_batches(void)
{
    struct drm_i915_reset_stats s = { .ctx_id = 0 };

    if (drmIoctl(fd, DRM_IOCTL_I915_GET_RESET_STATS, &s)) {
        return 0;
    }
    return s.batch_active + s.batch_pending;
}

static void note_offset(uint32_t handle, uint64_t offset)
{
    unsigned i, slot = handle % MAX_PLACED;

    for (i = 0; i < MAX_PLACED; i++) {
        if (placed[i].handle == handle) {
            slot = i;
            break;
        }
    }
    placed[slot].handle = handle;
    placed[slot].offset = offset;
}

/* The PPGTT address of @handle in its last execbuf, or ~0 if unknown */
static uint64_t offset_of(uint32_t handle)
{
    unsigned i;

    for (i = 0; i < MAX_PLACED; i++) {
        if (placed[i].handle == handle) {
            return placed[i].offset;
        }
    }
    return ~0ull;
}

/* How i915 names the engine an execbuf's @ring flag selects */
static const char *ring_name(unsigned ring)
{
    switch (ring) {
    case I915_EXEC_RENDER:
        return "rcs";
    case I915_EXEC_BLT:
        return "bcs";
    case I915_EXEC_BSD:
        return "vcs";
    case I915_EXEC_VEBOX:
        return "vecs";
    }
    return "?";
}

/* ------------------------------------------------------------ batches -- */

static void emit(Batch *b, uint32_t v)
{
    if (b->len < BATCH_DWORDS) {
        b->dw[b->len] = v;
    }
    b->len++;
}

/*
 * A 48-bit address, lo and hi dword, of byte @delta of @target: the kernel
 * patches it through a relocation.  The batch holds the address for a
 * presumed offset of 0, which is right as it stands should the kernel find
 * the object there and skip the patch.
 */
static void emit_addr(Batch *b, uint32_t target, uint32_t delta,
                      uint32_t read_domains, uint32_t write_domain)
{
    if (b->nreloc < MAX_RELOCS) {
        b->reloc[b->nreloc++] = (struct drm_i915_gem_relocation_entry) {
            .target_handle = target,
            .delta = delta,
            .offset = b->len * 4,
            .presumed_offset = 0,
            .read_domains = read_domains,
            .write_domain = write_domain,
        };
    } else {
        b->nreloc++;
    }
    emit(b, delta);
    emit(b, 0);
}

static void emit_store(Batch *b, uint32_t target, uint32_t off, uint32_t v)
{
    emit(b, MI_STORE_DATA_IMM | SDI_DWORD_LEN);
    emit_addr(b, target, off, I915_GEM_DOMAIN_RENDER, I915_GEM_DOMAIN_RENDER);
    emit(b, v);
}

static void emit_store64(Batch *b, uint32_t target, uint32_t off, uint64_t v)
{
    emit(b, MI_STORE_DATA_IMM | SDI_QWORD | SDI_QWORD_LEN);
    emit_addr(b, target, off, I915_GEM_DOMAIN_RENDER, I915_GEM_DOMAIN_RENDER);
    emit(b, (uint32_t)v);
    emit(b, (uint32_t)(v >> 32));
}

static void emit_bb_start(Batch *b, const Batch *target, bool second)
{
    emit(b, MI_BATCH_BUFFER_START | BBS_PPGTT |
         (second ? BBS_SECOND_LEVEL : 0));
    emit_addr(b, target->handle, 0, I915_GEM_DOMAIN_COMMAND, 0);
}

/* MI_BATCH_BUFFER_END, and a MI_NOOP to make the length whole qwords */
static void emit_end(Batch *b)
{
    emit(b, MI_BATCH_BUFFER_END);
    if (b->len & 1) {
        emit(b, MI_NOOP);
    }
}

static bool batch_init(Batch *b)
{
    memset(b, 0, sizeof(*b));
    return bo_create(&b->handle, BATCH_DWORDS * 4);
}

static void batch_fini(Batch *b)
{
    bo_close(b->handle);
    b->handle = 0;
}

/* Does a relocation of @b write @handle? */
static bool batch_writes(const Batch *b, uint32_t handle)
{
    unsigned i;

    for (i = 0; i < b->nreloc; i++) {
        if (b->reloc[i].target_handle == handle && b->reloc[i].write_domain) {
            return true;
        }
    }
    return false;
}

/*
 * Submit @batch on @ring: @nbufs buffers (@bufs) and @nextra further
 * batches it starts (@extra) are in its execbuf, @batch last.  With
 * pin_base set, the objects are pinned at pin_base, PIN_STEP apart, in
 * that order.  On failure the reason is in @why.
 */
static bool submit(Batch *batch, Batch **extra, unsigned nextra,
                   const uint32_t *bufs, unsigned nbufs, unsigned ring,
                   char *why, size_t whylen)
{
    struct drm_i915_gem_exec_object2 obj[MAX_OBJECTS];
    struct drm_i915_gem_execbuffer2 eb;
    Batch *batches[MAX_OBJECTS];
    unsigned nbatches = 0, n = 0, i, j;

    if (nbufs + nextra + 1 > MAX_OBJECTS) {
        snprintf(why, whylen, "too many objects for one execbuf");
        return false;
    }
    for (i = 0; i < nextra; i++) {
        batches[nbatches++] = extra[i];
    }
    batches[nbatches++] = batch;
    for (i = 0; i < nbatches; i++) {
        Batch *b = batches[i];

        if (b->len > BATCH_DWORDS || b->nreloc > MAX_RELOCS) {
            snprintf(why, whylen, "batch too long (test bug)");
            return false;
        }
        if (!bo_write(b->handle, b->dw, b->len * 4)) {
            snprintf(why, whylen, "pwrite of the batch: %s", strerror(errno));
            return false;
        }
    }

    memset(obj, 0, sizeof(obj));
    for (i = 0; i < nbufs; i++, n++) {
        obj[n].handle = bufs[i];
        obj[n].flags = EXEC_OBJECT_SUPPORTS_48B_ADDRESS;
        for (j = 0; j < nbatches; j++) {
            if (batch_writes(batches[j], bufs[i])) {
                obj[n].flags |= EXEC_OBJECT_WRITE;
            }
        }
    }
    for (i = 0; i < nbatches; i++, n++) {
        obj[n].handle = batches[i]->handle;
        obj[n].relocation_count = batches[i]->nreloc;
        obj[n].relocs_ptr = (uintptr_t)batches[i]->reloc;
        obj[n].flags = EXEC_OBJECT_SUPPORTS_48B_ADDRESS;
    }
    for (i = 0; pin_base && i < n; i++) {
        obj[i].flags |= EXEC_OBJECT_PINNED;
        obj[i].offset = pin_base + i * PIN_STEP;
    }

    memset(&eb, 0, sizeof(eb));
    eb.buffers_ptr = (uintptr_t)obj;
    eb.buffer_count = n;
    eb.batch_len = batch->len * 4;
    eb.flags = ring | (submit_fence ? I915_EXEC_FENCE_OUT : 0);
    eb.rsvd1 = submit_ctx;
    if (drmIoctl(fd, submit_fence ? DRM_IOCTL_I915_GEM_EXECBUFFER2_WR
                                  : DRM_IOCTL_I915_GEM_EXECBUFFER2, &eb)) {
        snprintf(why, whylen, "execbuf on %s refused: %s", ring_name(ring),
                 strerror(errno));
        return false;
    }
    if (submit_fence) {
        out_fence = eb.rsvd2 >> 32;
    }
    for (i = 0; i < n; i++) {
        note_offset(obj[i].handle, obj[i].offset);
    }
    return true;
}

/* ----------------------------------------------------------- surfaces -- */

/*
 * A buffer object of @size bytes (a whole number of pages) holding a
 * pattern made from @seed; @pitch, if not 0, is the bytes per row of the
 * surface it holds.  @what names it in messages.
 */
static bool surface_init(Surface *s, const char *what, size_t size,
                         unsigned pitch, uint32_t seed)
{
    memset(s, 0, sizeof(*s));
    s->what = what;
    s->pitch = pitch;
    s->size = (size + 4095) & ~(size_t)4095;
    s->before = malloc(s->size);
    s->want = malloc(s->size);
    if (!s->before || !s->want || !bo_create(&s->handle, s->size)) {
        return false;
    }
    fill_pattern(s->before, s->size, seed);
    memcpy(s->want, s->before, s->size);
    return bo_write(s->handle, s->before, s->size);
}

static void surface_fini(Surface *s)
{
    bo_close(s->handle);
    free(s->before);
    free(s->want);
    memset(s, 0, sizeof(*s));
}

/* The byte offset of 32-bit pixel (@x, @y) of @s */
static size_t px_off(const Surface *s, unsigned x, unsigned y)
{
    return (size_t)y * s->pitch + (size_t)x * 4;
}

/* Set pixel (@x, @y) of what @s should hold afterwards */
static void want_px(Surface *s, unsigned x, unsigned y, uint32_t v)
{
    put32(s->want, px_off(s, x, y), v);
}

/*
 * Make a @w x @h rectangle at (@dx, @dy) of what @dst should hold a copy
 * of the one at (@sx, @sy) of what @src should hold so far
 */
static void want_copy(Surface *dst, unsigned dx, unsigned dy,
                      const Surface *src, unsigned sx, unsigned sy,
                      unsigned w, unsigned h)
{
    unsigned y;

    for (y = 0; y < h; y++) {
        memcpy(dst->want + px_off(dst, dx, dy + y),
               src->want + px_off(src, sx, sy + y), (size_t)w * 4);
    }
}

/*
 * Read @s back and compare every byte with s->want.  A mismatch fails
 * @name, naming the first wrong byte (and its pixel, for a surface with a
 * pitch), whether it should have been written or left alone, how many
 * bytes are wrong and how many of those to be written still hold the
 * pattern.  *@changed counts the bytes the check expects to change.
 */
static bool surface_check(const char *name, const Surface *s,
                          size_t *changed)
{
    uint8_t *got = malloc(s->size);
    size_t i, bad = 0, first = 0, nchanged = 0, stale = 0;
    char where[64] = "";
    unsigned lost;

    if (!got) {
        fail(name, "out of memory");
        return false;
    }
    if (!bo_read(s->handle, got, s->size)) {
        fail(name, "pread of the %s: %s", s->what, strerror(errno));
        free(got);
        return false;
    }
    for (i = 0; i < s->size; i++) {
        bool change = s->want[i] != s->before[i];

        nchanged += change;
        if (got[i] != s->want[i]) {
            if (!bad) {
                first = i;
            }
            bad++;
            stale += change && got[i] == s->before[i];
        }
    }
    *changed += nchanged;
    if (!bad) {
        free(got);
        return true;
    }
    if (s->pitch) {
        snprintf(where, sizeof(where), " (pixel %zu,%zu byte %zu)",
                 (first % s->pitch) / 4, first / s->pitch, first % 4);
    }
    lost = lost_batches() - lost_before;
    fail(name, "%s byte 0x%zx%s is 0x%02x, want 0x%02x (%s); %zu of %zu "
         "bytes wrong, %zu of the %zu bytes to write still hold the old "
         "pattern; the %s is at PPGTT address 0x%" PRIx64 "%s",
         s->what, first, where, got[first], s->want[first],
         s->want[first] != s->before[first] ? "should have been written"
                                              : "should be untouched",
         bad, s->size, stale, nchanged, s->what, offset_of(s->handle),
         lost ? "; a batch was lost to a GPU reset" : "");
    free(got);
    return false;
}

/*
 * The end of a check: wait for the GPU to finish with @n surfaces,
 * compare each with what it should hold and say PASS or FAIL.  A check
 * that expects no byte to change could not tell a GPU that did nothing:
 * it fails too.
 */
static void finish(const char *name, Surface **s, unsigned n,
                   const char *summary)
{
    size_t changed = 0, total = 0;
    unsigned i;
    bool ok = true;

    for (i = 0; i < n; i++) {
        if (!bo_wait(s[i]->handle)) {
            fail(name, "waiting for the %s: %s", s[i]->what,
                 errno == ETIME ? "the GPU did not finish within 10 s"
                                : strerror(errno));
            return;
        }
    }
    for (i = 0; i < n && ok; i++) {
        ok = surface_check(name, s[i], &changed);
        total += s[i]->size;
    }
    if (!ok) {
        return;
    }
    if (!changed) {
        fail(name, "expects no byte to change (test bug)");
        return;
    }
    pass(name, "%s; %zu bytes checked, %zu changed", summary, total, changed);
}

/* ------------------------------------------------------------- checks -- */

/*
 * Each check makes its buffers and batches, submits, and finishes with
 * finish(), or fails on the way.  CHECK_SETUP fails the check when a
 * setup step does not succeed.
 */
#define CHECK_SETUP(name, cond)                                         \
    do {                                                                \
        if (!(cond)) {                                                  \
            fail(name, "setup: %s: %s", #cond, strerror(errno));        \
            goto out;                                                   \
        }                                                               \
    } while (0)

/* submit(...), failing the check with the reason if it is refused */
#define SUBMIT(name, ...)                                               \
    do {                                                                \
        char why_[160];                                                 \
        if (!submit(__VA_ARGS__, why_, sizeof(why_))) {                 \
            fail(name, "%s", why_);                                     \
            goto out;                                                   \
        }                                                               \
    } while (0)

/* Dword stores at scattered offsets of four pages, on @ring */
static void stores(const char *name, unsigned ring, const uint32_t *offs,
                   unsigned n)
{
    Surface t, *s[] = { &t };
    Batch b;
    char summary[80];
    unsigned i;

    memset(&b, 0, sizeof(b));
    CHECK_SETUP(name, surface_init(&t, "target", 16384, 0, 0x5d0 + ring));
    CHECK_SETUP(name, batch_init(&b));
    for (i = 0; i < n; i++) {
        uint32_t v = 0x5d000000u | (ring << 20) | (i << 16) | offs[i] >> 2;

        emit_store(&b, t.handle, offs[i], v);
        put32(t.want, offs[i], v);
    }
    emit_end(&b);
    SUBMIT(name, &b, NULL, 0, &t.handle, 1, ring);
    snprintf(summary, sizeof(summary), "%u MI_STORE_DATA_IMM dwords", n);
    finish(name, s, 1, summary);
out:
    batch_fini(&b);
    surface_fini(&t);
}

static void check_store_dword(const char *name)
{
    static const uint32_t offs[] = {
        0x0, 0x4, 0x3c, 0x800, 0xffc, 0x1000, 0x2468, 0x3ffc,
    };

    stores(name, I915_EXEC_RENDER, offs, sizeof(offs) / sizeof(offs[0]));
}

static void check_store_dword_bcs(const char *name)
{
    static const uint32_t offs[] = { 0x10, 0x1ffc, 0x3000 };

    stores(name, I915_EXEC_BLT, offs, sizeof(offs) / sizeof(offs[0]));
}

static void check_store_qword(const char *name)
{
    static const uint32_t offs[] = { 0x8, 0xff8, 0x1000, 0x2ab0, 0x3ff8 };
    Surface t, *s[] = { &t };
    Batch b;
    unsigned i;

    memset(&b, 0, sizeof(b));
    CHECK_SETUP(name, surface_init(&t, "target", 16384, 0, 0x5e0));
    CHECK_SETUP(name, batch_init(&b));
    for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
        /* different halves: a swapped or half-done store shows */
        uint64_t v = (uint64_t)(0xa0000000u | i) << 32 |
                     (0x0b000000u | offs[i]);

        emit_store64(&b, t.handle, offs[i], v);
        put32(t.want, offs[i], (uint32_t)v);
        put32(t.want, offs[i] + 4, (uint32_t)(v >> 32));
    }
    emit_end(&b);
    SUBMIT(name, &b, NULL, 0, &t.handle, 1, I915_EXEC_RENDER);
    finish(name, s, 1, "5 MI_STORE_DATA_IMM qwords");
out:
    batch_fini(&b);
    surface_fini(&t);
}

/* MI_STORE_REGISTER_MEM of register @reg to byte @off of @target */
static void emit_srm(Batch *b, uint32_t reg, uint32_t target, uint32_t off)
{
    emit(b, MI_STORE_REGISTER_MEM);
    emit(b, reg);
    emit_addr(b, target, off, I915_GEM_DOMAIN_RENDER, I915_GEM_DOMAIN_RENDER);
}

/*
 * The command streamer's registers and ALU, as Mesa's queries use them:
 * a user batch on rcs loads CS_GPR0-1 with MI_LOAD_REGISTER_IMM, stores
 * them with MI_STORE_REGISTER_MEM, adds them with MI_MATH (a 64-bit add
 * whose low dwords carry into the upper one) and stores the sum and the
 * carry flag.  i915 does not parse rcs user batches on Gen9: they run as
 * written.
 */
static void check_gpr_alu(const char *name)
{
    static const uint32_t regs[][2] = {
        { RCS_GPR(0), 0xfffffff0 }, { RCS_GPR(0) + 4, 0x00000001 },
        { RCS_GPR(1), 0x00000020 }, { RCS_GPR(1) + 4, 0x00000002 },
        { RCS_GPR(3), 0x7a7a7a7a }, { RCS_GPR(3) + 4, 0x7b7b7b7b },
    };
    Surface t, *s[] = { &t };
    Batch b;
    unsigned i;

    memset(&b, 0, sizeof(b));
    CHECK_SETUP(name, surface_init(&t, "target", 4096, 0, 0x6a1));
    CHECK_SETUP(name, batch_init(&b));
    emit(&b, MI_LOAD_REGISTER_IMM(6));
    for (i = 0; i < 6; i++) {
        emit(&b, regs[i][0]);
        emit(&b, regs[i][1]);
    }
    /* what LRI wrote, back through SRM */
    for (i = 0; i < 4; i++) {
        emit_srm(&b, regs[i][0], t.handle, 0x100 + 4 * i);
        put32(t.want, 0x100 + 4 * i, regs[i][1]);
    }
    /* R2 = R0 + R1 = 0x1fffffff0 + 0x200000020; R3 = CF (none: 0) */
    emit(&b, MI_MATH(5));
    emit(&b, ALU_LOAD(ALU_SRCA, 0));
    emit(&b, ALU_LOAD(ALU_SRCB, 1));
    emit(&b, ALU_ADD);
    emit(&b, ALU_STORE(2, ALU_ACCU));
    emit(&b, ALU_STORE(3, ALU_CF));
    emit_srm(&b, RCS_GPR(2), t.handle, 0x200);
    emit_srm(&b, RCS_GPR(2) + 4, t.handle, 0x204);
    emit_srm(&b, RCS_GPR(3), t.handle, 0xff8);
    emit_srm(&b, RCS_GPR(3) + 4, t.handle, 0xffc);
    put32(t.want, 0x200, 0x00000010);
    put32(t.want, 0x204, 0x00000004);
    put32(t.want, 0xff8, 0);
    put32(t.want, 0xffc, 0);
    emit_end(&b);
    SUBMIT(name, &b, NULL, 0, &t.handle, 1, I915_EXEC_RENDER);
    finish(name, s, 1, "LRI to CS_GPR0-3, SRM, MI_MATH add with carry, SRM");
out:
    batch_fini(&b);
    surface_fini(&t);
}

/* XY_COLOR_BLT of @color into (@x1, @y1)-(@x2, @y2) of @d (exclusive) */
static void emit_fill(Batch *b, const Surface *d, uint32_t write,
                      unsigned x1, unsigned y1, unsigned x2, unsigned y2,
                      uint32_t color)
{
    emit(b, XY_COLOR_BLT | write);
    emit(b, BR13_32BPP | BR13_ROP_PATCOPY | d->pitch);
    emit(b, y1 << 16 | x1);
    emit(b, y2 << 16 | x2);
    emit_addr(b, d->handle, 0, I915_GEM_DOMAIN_RENDER, I915_GEM_DOMAIN_RENDER);
    emit(b, color);
}

/* XY_SRC_COPY_BLT or XY_FAST_COPY_BLT (@fast) of a @w x @h rectangle */
static void emit_copy(Batch *b, bool fast, const Surface *d, unsigned dx,
                      unsigned dy, const Surface *s, unsigned sx,
                      unsigned sy, unsigned w, unsigned h)
{
    if (fast) {
        emit(b, XY_FAST_COPY_BLT);
        emit(b, FAST_32BPP | d->pitch);
    } else {
        emit(b, XY_SRC_COPY_BLT | BLT_WRITE_ALPHA | BLT_WRITE_RGB);
        emit(b, BR13_32BPP | BR13_ROP_SRCCOPY | d->pitch);
    }
    emit(b, dy << 16 | dx);
    emit(b, (dy + h) << 16 | (dx + w));
    emit_addr(b, d->handle, 0, I915_GEM_DOMAIN_RENDER, I915_GEM_DOMAIN_RENDER);
    emit(b, sy << 16 | sx);
    emit(b, s->pitch);
    emit_addr(b, s->handle, 0, I915_GEM_DOMAIN_RENDER, 0);
}

/*
 * A colour fill of a rectangle inside a larger surface; @rgb_only writes
 * the colour channels and leaves each pixel's alpha byte alone.
 */
static void fill(const char *name, bool rgb_only, unsigned x1, unsigned y1,
                 unsigned x2, unsigned y2, uint32_t color)
{
    Surface d, *s[] = { &d };
    Batch b;
    char summary[96];
    unsigned x, y;

    memset(&b, 0, sizeof(b));
    CHECK_SETUP(name, surface_init(&d, "destination", 1024 * 32, 1024,
                                   0xf111 + rgb_only));
    CHECK_SETUP(name, batch_init(&b));
    emit_fill(&b, &d, rgb_only ? BLT_WRITE_RGB
                               : BLT_WRITE_ALPHA | BLT_WRITE_RGB,
              x1, y1, x2, y2, color);
    emit_end(&b);
    for (y = y1; y < y2; y++) {
        for (x = x1; x < x2; x++) {
            size_t off = px_off(&d, x, y);

            put32(d.want, off, color);
            if (rgb_only) {
                d.want[off + 3] = d.before[off + 3];
            }
        }
    }
    SUBMIT(name, &b, NULL, 0, &d.handle, 1, I915_EXEC_BLT);
    snprintf(summary, sizeof(summary),
             "XY_COLOR_BLT%s (%u,%u)-(%u,%u) of 256x32, pitch 1024",
             rgb_only ? " RGB only" : "", x1, y1, x2, y2);
    finish(name, s, 1, summary);
out:
    batch_fini(&b);
    surface_fini(&d);
}

static void check_blt_fill(const char *name)
{
    fill(name, false, 13, 5, 77, 23, 0x8c3a5fe1);
}

static void check_blt_fill_rgb(const char *name)
{
    /* whole rows: the first and last pixel of a row too */
    fill(name, true, 0, 2, 256, 6, 0x1e2d3c4b);
}

/*
 * A copy of a @w x @h rectangle from (@sx, @sy) of a source (pitch @sp)
 * to (@dx, @dy) of a destination (pitch @dp); the source must not change.
 */
static void copy(const char *name, bool fast, unsigned sp, unsigned sx,
                 unsigned sy, unsigned dp, unsigned dx, unsigned dy,
                 unsigned w, unsigned h)
{
    Surface src, dst, *s[] = { &dst, &src };
    uint32_t bufs[2];
    Batch b;
    char summary[128];

    memset(&b, 0, sizeof(b));
    memset(&dst, 0, sizeof(dst));
    CHECK_SETUP(name, surface_init(&src, "source", sp * (sy + h + 8), sp,
                                   0xc0b1 + fast));
    CHECK_SETUP(name, surface_init(&dst, "destination", dp * (dy + h + 8), dp,
                                   0xc0b3 + fast));
    CHECK_SETUP(name, batch_init(&b));
    emit_copy(&b, fast, &dst, dx, dy, &src, sx, sy, w, h);
    emit_end(&b);
    want_copy(&dst, dx, dy, &src, sx, sy, w, h);
    bufs[0] = src.handle;
    bufs[1] = dst.handle;
    SUBMIT(name, &b, NULL, 0, bufs, 2, I915_EXEC_BLT);
    snprintf(summary, sizeof(summary),
             "%s %ux%u from (%u,%u) pitch %u to (%u,%u) pitch %u",
             fast ? "XY_FAST_COPY_BLT" : "XY_SRC_COPY_BLT", w, h, sx, sy, sp,
             dx, dy, dp);
    finish(name, s, 2, summary);
out:
    batch_fini(&b);
    surface_fini(&dst);
    surface_fini(&src);
}

static void check_blt_copy(const char *name)
{
    copy(name, false, 768, 7, 3, 1024, 21, 9, 61, 19);
}

static void check_blt_fast_copy(const char *name)
{
    /* linear fast copies: 64-byte aligned pitches and rows */
    copy(name, true, 1024, 16, 2, 2048, 48, 7, 96, 20);
}

/*
 * A batch that starts another: chained (@second false: the rest of the
 * first batch must not run) or second-level (the first batch goes on
 * after the second one ends).
 */
static void nested(const char *name, bool second)
{
    Surface t, *s[] = { &t };
    Batch a, c;
    Batch *extra[] = { &c };

    memset(&a, 0, sizeof(a));
    memset(&c, 0, sizeof(c));
    CHECK_SETUP(name, surface_init(&t, "target", 4096, 0, 0xbb5 + second));
    CHECK_SETUP(name, batch_init(&a));
    CHECK_SETUP(name, batch_init(&c));
    emit_store(&a, t.handle, 0, 0xbb000001);
    emit_bb_start(&a, &c, second);
    emit_store(&a, t.handle, 12, 0xbb00000c);
    emit_end(&a);
    emit_store(&c, t.handle, 4, 0xbb000004);
    emit_end(&c);
    put32(t.want, 0, 0xbb000001);
    put32(t.want, 4, 0xbb000004);
    if (second) {
        put32(t.want, 12, 0xbb00000c);
    }
    SUBMIT(name, &a, extra, 1, &t.handle, 1, I915_EXEC_RENDER);
    finish(name, s, 1,
           second ? "second-level MI_BATCH_BUFFER_START: called and returned"
                  : "chained MI_BATCH_BUFFER_START: the rest of the first "
                    "batch did not run");
out:
    batch_fini(&c);
    batch_fini(&a);
    surface_fini(&t);
}

static void check_batch_chain(const char *name)
{
    nested(name, false);
}

static void check_batch_second_level(const char *name)
{
    nested(name, true);
}

/*
 * Four execbufs in a row, nothing waited for in between, alternating
 * between rcs and bcs: stores into x; a copy from x to y that must see
 * them; stores into y inside the copied rectangle that must land after
 * it; a fill of x.  The kernel orders them by the buffers they share.
 */
static void check_multi_batch(const char *name)
{
    Surface x, y, *s[] = { &x, &y };
    uint32_t bufs[2];
    Batch b[4];
    unsigned i;

    memset(b, 0, sizeof(b));
    memset(&y, 0, sizeof(y));
    CHECK_SETUP(name, surface_init(&x, "first surface", 1024 * 16, 1024,
                                   0x3b1));
    CHECK_SETUP(name, surface_init(&y, "second surface", 1024 * 16, 1024,
                                   0x3b2));
    for (i = 0; i < 4; i++) {
        CHECK_SETUP(name, batch_init(&b[i]));
    }

    for (i = 0; i < 8; i++) {
        emit_store(&b[0], x.handle, px_off(&x, 4 + i, 2), 0x3b000000 | i);
        want_px(&x, 4 + i, 2, 0x3b000000 | i);
    }
    emit_end(&b[0]);
    SUBMIT(name, &b[0], NULL, 0, &x.handle, 1, I915_EXEC_RENDER);

    emit_copy(&b[1], false, &y, 100, 8, &x, 0, 0, 32, 4);
    emit_end(&b[1]);
    want_copy(&y, 100, 8, &x, 0, 0, 32, 4);
    bufs[0] = x.handle;
    bufs[1] = y.handle;
    SUBMIT(name, &b[1], NULL, 0, bufs, 2, I915_EXEC_BLT);

    for (i = 0; i < 4; i++) {
        emit_store(&b[2], y.handle, px_off(&y, 100 + i, 9), 0x3c000000 | i);
        want_px(&y, 100 + i, 9, 0x3c000000 | i);
    }
    emit_end(&b[2]);
    SUBMIT(name, &b[2], NULL, 0, &y.handle, 1, I915_EXEC_RENDER);

    emit_fill(&b[3], &x, BLT_WRITE_ALPHA | BLT_WRITE_RGB, 0, 10, 16, 12,
              0x3d3d3d3d);
    emit_end(&b[3]);
    for (i = 0; i < 16; i++) {
        want_px(&x, i, 10, 0x3d3d3d3d);
        want_px(&x, i, 11, 0x3d3d3d3d);
    }
    SUBMIT(name, &b[3], NULL, 0, &x.handle, 1, I915_EXEC_BLT);

    finish(name, s, 2, "rcs stores, bcs copy, rcs stores, bcs fill");
out:
    for (i = 0; i < 4; i++) {
        batch_fini(&b[i]);
    }
    surface_fini(&y);
    surface_fini(&x);
}

/*
 * Relocations leave every object low in the PPGTT, upper address dwords
 * 0: here stores on rcs and a fill on bcs reach objects pinned
 * (EXEC_OBJECT_PINNED) near the top of the 48-bit address space.
 */
static void check_softpin_high(const char *name)
{
    Surface t, d, *s[] = { &t, &d };
    Batch a, b;
    char summary[160];
    int softpin = 0;
    struct drm_i915_getparam gp = {
        .param = I915_PARAM_HAS_EXEC_SOFTPIN,
        .value = &softpin,
    };
    unsigned x, y;

    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    memset(&d, 0, sizeof(d));
    CHECK_SETUP(name, surface_init(&t, "target", 4096, 0, 0x4191));
    CHECK_SETUP(name, surface_init(&d, "destination", 1024 * 16, 1024,
                                   0x4192));
    CHECK_SETUP(name, batch_init(&a));
    CHECK_SETUP(name, batch_init(&b));
    if (drmIoctl(fd, DRM_IOCTL_I915_GETPARAM, &gp) || !softpin) {
        fail(name, "i915 offers no softpin (I915_PARAM_HAS_EXEC_SOFTPIN)");
        goto out;
    }

    emit_store(&a, t.handle, 0x40, 0x41000040);
    emit_store64(&a, t.handle, 0xff8, 0x42000ff8410000f8ull);
    emit_end(&a);
    put32(t.want, 0x40, 0x41000040);
    put32(t.want, 0xff8, 0x410000f8);
    put32(t.want, 0xffc, 0x42000ff8);
    pin_base = HIGH_BASE;
    SUBMIT(name, &a, NULL, 0, &t.handle, 1, I915_EXEC_RENDER);

    emit_fill(&b, &d, BLT_WRITE_ALPHA | BLT_WRITE_RGB, 3, 2, 40, 9,
              0x4e4d4c4b);
    emit_end(&b);
    for (y = 2; y < 9; y++) {
        for (x = 3; x < 40; x++) {
            want_px(&d, x, y, 0x4e4d4c4b);
        }
    }
    pin_base = HIGH_BASE + 16 * PIN_STEP;
    SUBMIT(name, &b, NULL, 0, &d.handle, 1, I915_EXEC_BLT);

    snprintf(summary, sizeof(summary),
             "rcs stores at 0x%" PRIx64 ", a bcs fill at 0x%" PRIx64,
             offset_of(t.handle), offset_of(d.handle));
    finish(name, s, 2, summary);
out:
    pin_base = 0;
    batch_fini(&b);
    batch_fini(&a);
    surface_fini(&d);
    surface_fini(&t);
}

/* ------------------------------------------- the CPU and a running GPU -- */

/*
 * A CPU mapping of @size bytes of @handle: write-back (@how
 * I915_MMAP_OFFSET_WB; Gen9's GPU shares the LLC, so no flush is needed)
 * or through the aperture and the object's fence (I915_MMAP_OFFSET_GTT).
 * NULL with errno set if i915 refuses.
 */
static void *bo_map(uint32_t handle, size_t size, unsigned how)
{
    struct drm_i915_gem_mmap_offset m = { .handle = handle, .flags = how };
    void *p;

    if (drmIoctl(fd, DRM_IOCTL_I915_GEM_MMAP_OFFSET, &m)) {
        return NULL;
    }
    p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.offset);
    return p == MAP_FAILED ? NULL : p;
}

static void bo_unmap(void *p, size_t size)
{
    if (p) {
        munmap(p, size);
    }
}

/* Is @handle still in use by the GPU? */
static bool bo_busy(uint32_t handle)
{
    struct drm_i915_gem_busy b = { .handle = handle };

    return !drmIoctl(fd, DRM_IOCTL_I915_GEM_BUSY, &b) && b.busy;
}

/* A GEM_WAIT on @handle of at most @ns; 0 or the errno it fails with */
static int bo_wait_ns(uint32_t handle, int64_t ns)
{
    struct drm_i915_gem_wait w = { .bo_handle = handle, .timeout_ns = ns };

    return drmIoctl(fd, DRM_IOCTL_I915_GEM_WAIT, &w) ? errno : 0;
}

/* Poll the dword at @p until it holds @want; false after 10 s */
static bool wait_dword(const volatile uint32_t *p, uint32_t want)
{
    unsigned ms;

    for (ms = 0; ms < WAIT_NS / 1000000; ms++) {
        if (*p == want) {
            return true;
        }
        usleep(1000);
    }
    return *p == want;
}

/*
 * A spinner, as i915's and IGT's: a store of a marker to say it runs,
 * then MI_ARB_CHECK and a jump back to it, looping until the CPU writes
 * MI_BATCH_BUFFER_END over the MI_ARB_CHECK.
 */
typedef struct Spin {
    Batch b;
    uint32_t *map;              /* the batch, mapped write-back */
    unsigned loop;              /* where its MI_ARB_CHECK is, in dwords */
} Spin;

static bool spin_init(Spin *sp, const Surface *t, uint32_t off,
                      uint32_t marker)
{
    memset(sp, 0, sizeof(*sp));
    if (!batch_init(&sp->b)) {
        return false;
    }
    emit_store(&sp->b, t->handle, off, marker);
    sp->loop = sp->b.len;
    emit(&sp->b, MI_ARB_CHECK);
    emit(&sp->b, MI_BATCH_BUFFER_START | BBS_PPGTT);
    emit_addr(&sp->b, sp->b.handle, sp->loop * 4, I915_GEM_DOMAIN_COMMAND, 0);
    emit_end(&sp->b);
    sp->map = bo_map(sp->b.handle, BATCH_DWORDS * 4, I915_MMAP_OFFSET_WB);
    return sp->map != NULL;
}

/* The CPU ends the spinner */
static void spin_end(Spin *sp)
{
    if (sp->map) {
        __atomic_store_n(&sp->map[sp->loop], MI_BATCH_BUFFER_END,
                         __ATOMIC_SEQ_CST);
    }
}

static void spin_fini(Spin *sp)
{
    spin_end(sp);
    if (sp->b.handle) {
        bo_wait(sp->b.handle);
    }
    bo_unmap(sp->map, BATCH_DWORDS * 4);
    batch_fini(&sp->b);
}

/*
 * Start a spinner on @ring that stores @marker at @off of @t (mapped at
 * @tmap) and wait until it does; fails @name and returns false if it
 * never starts
 */
static bool spin_start(const char *name, Spin *sp, unsigned ring,
                       Surface *t, const uint32_t *tmap, uint32_t off,
                       uint32_t marker)
{
    char why[160];

    if (!submit(&sp->b, NULL, 0, &t->handle, 1, ring, why, sizeof(why))) {
        fail(name, "%s", why);
        return false;
    }
    put32(t->want, off, marker);
    if (!wait_dword(tmap + off / 4, marker)) {
        fail(name, "the spinner on %s never ran its first store",
             ring_name(ring));
        return false;
    }
    return true;
}

/*
 * A batch that loops until the CPU ends it, on @ring: it spins (a wait
 * with a timeout says ETIME, the batch is busy, the GPU is not reset),
 * and ends when the CPU writes MI_BATCH_BUFFER_END into it.
 */
static void spin_on(const char *name, unsigned ring, int has_param)
{
    Surface t, *s[] = { &t };
    uint32_t *tmap = NULL;
    Spin sp;
    int has = 1, err;
    struct drm_i915_getparam gp = { .param = has_param, .value = &has };

    memset(&sp, 0, sizeof(sp));
    CHECK_SETUP(name, surface_init(&t, "target", 4096, 0, 0x5b1 + ring));
    CHECK_SETUP(name, tmap = bo_map(t.handle, t.size, I915_MMAP_OFFSET_WB));
    if (has_param && (drmIoctl(fd, DRM_IOCTL_I915_GETPARAM, &gp) || !has)) {
        fail(name, "i915 offers no %s engine", ring_name(ring));
        goto out;
    }
    CHECK_SETUP(name, spin_init(&sp, &t, 0x80, 0x5b1 + ring));
    if (!spin_start(name, &sp, ring, &t, tmap, 0x80, 0x5b1 + ring)) {
        goto out;
    }
    err = bo_wait_ns(sp.b.handle, 1000000);
    if (err != ETIME) {
        fail(name, "GEM_WAIT of 1 ms on the spinning batch: %s, want ETIME",
             err ? strerror(err) : "done");
        goto out;
    }
    if (!bo_busy(sp.b.handle)) {
        fail(name, "the spinning batch is not busy");
        goto out;
    }
    spin_end(&sp);
    err = bo_wait_ns(sp.b.handle, WAIT_NS);
    if (err) {
        fail(name, "the spinner did not end within 10 s of the CPU ending "
             "it: %s", strerror(err));
        goto out;
    }
    finish(name, s, 1, "spun on its arbitration point until the CPU ended "
           "it; a 1 ms wait said ETIME meanwhile");
out:
    spin_fini(&sp);
    bo_unmap(tmap, t.size);
    surface_fini(&t);
}

static void check_spin_rcs(const char *name)
{
    spin_on(name, I915_EXEC_RENDER, 0);
}

static void check_spin_vcs(const char *name)
{
    spin_on(name, I915_EXEC_BSD, I915_PARAM_HAS_BSD);
}

static void check_spin_vecs(const char *name)
{
    spin_on(name, I915_EXEC_VEBOX, I915_PARAM_HAS_VEBOX);
}

/*
 * Behind a spinner on rcs, with its out-fence: a second context's store
 * on bcs runs meanwhile; its store on rcs waits (i915 does not preempt on
 * a vGPU), and so does the spinner's fence; once the CPU ends the
 * spinner, the fence signals and the store runs.
 */
static void check_spin_queue(const char *name)
{
    struct drm_i915_gem_context_create cc = { 0 };
    struct drm_i915_gem_context_destroy cd = { 0 };
    Surface t, u, *s[] = { &t, &u };
    struct pollfd pfd = { .events = POLLIN };
    uint32_t *tmap = NULL;
    Batch bb, br;
    Spin sp;
    int err;

    memset(&sp, 0, sizeof(sp));
    memset(&bb, 0, sizeof(bb));
    memset(&br, 0, sizeof(br));
    memset(&u, 0, sizeof(u));
    CHECK_SETUP(name, surface_init(&t, "spinner's target", 4096, 0, 0x9e1));
    CHECK_SETUP(name, surface_init(&u, "second context's target", 4096, 0,
                                   0x9e2));
    CHECK_SETUP(name, tmap = bo_map(t.handle, t.size, I915_MMAP_OFFSET_WB));
    CHECK_SETUP(name, !drmIoctl(fd, DRM_IOCTL_I915_GEM_CONTEXT_CREATE, &cc));
    CHECK_SETUP(name, spin_init(&sp, &t, 0, 0x9e000001));
    CHECK_SETUP(name, batch_init(&bb));
    CHECK_SETUP(name, batch_init(&br));

    submit_fence = true;
    if (!spin_start(name, &sp, I915_EXEC_RENDER, &t, tmap, 0, 0x9e000001)) {
        goto out;
    }
    submit_fence = false;
    pfd.fd = out_fence;
    if (poll(&pfd, 1, 0) != 0) {
        fail(name, "the spinner's out-fence signalled while it spins");
        goto out;
    }

    submit_ctx = cc.ctx_id;
    emit_store(&bb, u.handle, 0x10, 0x9e0000b1);
    emit_end(&bb);
    put32(u.want, 0x10, 0x9e0000b1);
    SUBMIT(name, &bb, NULL, 0, &u.handle, 1, I915_EXEC_BLT);
    err = bo_wait_ns(bb.handle, WAIT_NS);
    if (err) {
        fail(name, "the second context's store on bcs did not run while rcs "
             "spins: %s", strerror(err));
        goto out;
    }
    emit_store(&br, u.handle, 0x20, 0x9e0000c1);
    emit_end(&br);
    put32(u.want, 0x20, 0x9e0000c1);
    SUBMIT(name, &br, NULL, 0, &u.handle, 1, I915_EXEC_RENDER);
    submit_ctx = 0;
    err = bo_wait_ns(br.handle, 50 * 1000 * 1000);
    if (err != ETIME) {
        fail(name, "the second context's store on rcs %s while rcs spins",
             err ? strerror(err) : "completed");
        goto out;
    }
    if (!bo_busy(sp.b.handle) || poll(&pfd, 1, 0) != 0) {
        fail(name, "the spinner stopped before the CPU ended it");
        goto out;
    }
    spin_end(&sp);
    if (poll(&pfd, 1, WAIT_NS / 1000000) != 1) {
        fail(name, "the spinner's out-fence did not signal within 10 s of "
             "the CPU ending it");
        goto out;
    }
    finish(name, s, 2, "a second context's bcs store ran beside the rcs "
           "spinner, its rcs store and the spinner's fence waited for it");
out:
    submit_fence = false;
    submit_ctx = 0;
    spin_fini(&sp);
    if (out_fence >= 0) {
        close(out_fence);
    }
    out_fence = -1;
    batch_fini(&br);
    batch_fini(&bb);
    if (cc.ctx_id) {
        cd.ctx_id = cc.ctx_id;
        drmIoctl(fd, DRM_IOCTL_I915_GEM_CONTEXT_DESTROY, &cd);
    }
    bo_unmap(tmap, t.size);
    surface_fini(&u);
    surface_fini(&t);
}

/* ------------------------------------------------ GPU-written batches -- */

#define CHAIN_BATCHES           6
#define CHAIN_VALUE             40

/*
 * A value passed along a chain of batches by the GPU itself: each batch
 * stores the immediate of its own MI_STORE_DATA_IMM into the immediate of
 * the next batch's, then jumps to it; the last one stores its immediate
 * into the target.  Only the first batch holds the value when submitted:
 * the others run as the GPU wrote them, or the target ends up with the
 * stale 39 they were written with.
 */
static void check_batch_value_chain(const char *name)
{
    Surface t, *s[] = { &t };
    Batch b[CHAIN_BATCHES], *extra[CHAIN_BATCHES - 1];
    unsigned i;

    memset(b, 0, sizeof(b));
    CHECK_SETUP(name, surface_init(&t, "target", 4096, 0, 0xc4a1));
    for (i = 0; i < CHAIN_BATCHES; i++) {
        CHECK_SETUP(name, batch_init(&b[i]));
    }
    for (i = 0; i < CHAIN_BATCHES; i++) {
        uint32_t v = i ? CHAIN_VALUE - 1 : CHAIN_VALUE;

        if (i + 1 < CHAIN_BATCHES) {
            /* The immediate is dword 3 of the next batch's store */
            emit(&b[i], MI_STORE_DATA_IMM | SDI_DWORD_LEN);
            emit_addr(&b[i], b[i + 1].handle, 12, I915_GEM_DOMAIN_RENDER,
                      I915_GEM_DOMAIN_RENDER);
            emit(&b[i], v);
            emit_bb_start(&b[i], &b[i + 1], false);
            /* i915 wants whole qwords */
            emit(&b[i], MI_NOOP);
            extra[i] = &b[i + 1];
        } else {
            emit_store(&b[i], t.handle, 0x100, v);
            emit_end(&b[i]);
        }
    }
    put32(t.want, 0x100, CHAIN_VALUE);
    SUBMIT(name, &b[0], extra, CHAIN_BATCHES - 1, &t.handle, 1,
           I915_EXEC_RENDER);
    finish(name, s, 1, "a value passed through 6 chained batches, each "
           "written by the one before it");
out:
    for (i = 0; i < CHAIN_BATCHES; i++) {
        batch_fini(&b[i]);
    }
    surface_fini(&t);
}

/* ------------------------------------------------------ fenced access -- */

#define TILED_PITCH             1024
#define TILED_ROWS              64
#define TILED_SIZE              (TILED_PITCH * TILED_ROWS)

/*
 * Where byte @xb of row @y of a surface of @pitch bytes lies in memory
 * when tiled @tiling: X tiles are 512 bytes by 8 rows, Y tiles 128 bytes
 * by 32 rows in columns of 16 bytes; 4 KiB each, row-major
 */
static size_t tiled_off(unsigned tiling, unsigned pitch, unsigned xb,
                        unsigned y)
{
    if (tiling == I915_TILING_X) {
        return ((size_t)(y / 8) * (pitch / 512) + xb / 512) * 4096 +
               (y % 8) * 512 + xb % 512;
    }
    return ((size_t)(y / 32) * (pitch / 128) + xb / 128) * 4096 +
           (xb % 128) / 16 * 512 + (y % 32) * 16 + xb % 16;
}

/*
 * A linear-to-tiled XY_SRC_COPY_BLT into an X- or Y-tiled object, which
 * the CPU filled and reads back through a GTT mmap (the aperture, through
 * the object's fence): the CPU sees the surface linearly, both ways, and
 * what is in memory is the tiled layout.
 */
static void gtt_tiled(const char *name, unsigned tiling)
{
    struct drm_i915_gem_set_tiling st = {
        .tiling_mode = tiling,
        .stride = TILED_PITCH,
    };
    Surface src, dst;
    uint8_t *gtt = NULL, *raw = NULL;
    uint32_t bufs[2];
    Batch b;
    size_t i, bad = 0, first = 0;
    unsigned x, y;

    memset(&b, 0, sizeof(b));
    memset(&dst, 0, sizeof(dst));
    CHECK_SETUP(name, surface_init(&src, "source", 768 * 32, 768,
                                   0x7a1 + tiling));
    CHECK_SETUP(name, surface_init(&dst, "destination", TILED_SIZE,
                                   TILED_PITCH, 0x7a3 + tiling));
    CHECK_SETUP(name, raw = malloc(TILED_SIZE));
    st.handle = dst.handle;
    CHECK_SETUP(name, !drmIoctl(fd, DRM_IOCTL_I915_GEM_SET_TILING, &st));
    if (st.tiling_mode != tiling ||
        st.swizzle_mode != I915_BIT_6_SWIZZLE_NONE) {
        fail(name, "i915 set tiling %u swizzle %u, want %u and none",
             st.tiling_mode, st.swizzle_mode, tiling);
        goto out;
    }
    CHECK_SETUP(name, gtt = bo_map(dst.handle, TILED_SIZE,
                                   I915_MMAP_OFFSET_GTT));
    /* The CPU writes the pattern linearly, through the fence */
    memcpy(gtt, dst.before, TILED_SIZE);

    CHECK_SETUP(name, batch_init(&b));
    if (tiling == I915_TILING_Y) {
        emit(&b, MI_LOAD_REGISTER_IMM(1));
        emit(&b, BCS_SWCTRL);
        emit(&b, BCS_SWCTRL_DST_Y << 16 | BCS_SWCTRL_DST_Y);
    }
    emit(&b, XY_SRC_COPY_BLT | BLT_WRITE_ALPHA | BLT_WRITE_RGB |
         BLT_DST_TILED);
    emit(&b, BR13_32BPP | BR13_ROP_SRCCOPY | TILED_PITCH / 4);
    emit(&b, 9 << 16 | 21);
    emit(&b, (9 + 19) << 16 | (21 + 61));
    emit_addr(&b, dst.handle, 0, I915_GEM_DOMAIN_RENDER,
              I915_GEM_DOMAIN_RENDER);
    emit(&b, 3 << 16 | 7);
    emit(&b, src.pitch);
    emit_addr(&b, src.handle, 0, I915_GEM_DOMAIN_RENDER, 0);
    if (tiling == I915_TILING_Y) {
        emit(&b, MI_LOAD_REGISTER_IMM(1));
        emit(&b, BCS_SWCTRL);
        emit(&b, BCS_SWCTRL_DST_Y << 16);
    }
    emit_end(&b);
    want_copy(&dst, 21, 9, &src, 7, 3, 61, 19);
    bufs[0] = src.handle;
    bufs[1] = dst.handle;
    SUBMIT(name, &b, NULL, 0, bufs, 2, I915_EXEC_BLT);
    if (!bo_wait(dst.handle)) {
        fail(name, "waiting for the blit: %s", strerror(errno));
        goto out;
    }

    /* Through the fence: linear */
    for (i = 0; i < TILED_SIZE; i++) {
        if (gtt[i] != dst.want[i] && !bad++) {
            first = i;
        }
    }
    if (bad) {
        fail(name, "through the GTT mmap, pixel %zu,%zu byte %zu is 0x%02x, "
             "want 0x%02x; %zu of %u bytes wrong",
             (first % TILED_PITCH) / 4, first / TILED_PITCH, first % 4,
             gtt[first], dst.want[first], bad, TILED_SIZE);
        goto out;
    }
    /* In memory: tiled */
    if (!bo_read(dst.handle, raw, TILED_SIZE)) {
        fail(name, "pread of the destination: %s", strerror(errno));
        goto out;
    }
    for (y = 0; y < TILED_ROWS; y++) {
        for (x = 0; x < TILED_PITCH; x++) {
            size_t lin = (size_t)y * TILED_PITCH + x;

            if (raw[tiled_off(tiling, TILED_PITCH, x, y)] != dst.want[lin] &&
                !bad++) {
                first = lin;
            }
        }
    }
    if (bad) {
        fail(name, "in memory, pixel %zu,%zu byte %zu is not where %s "
             "tiling puts it; %zu of %u bytes misplaced",
             (first % TILED_PITCH) / 4, first / TILED_PITCH, first % 4,
             tiling == I915_TILING_X ? "X" : "Y", bad, TILED_SIZE);
        goto out;
    }
    pass(name, "XY_SRC_COPY_BLT 61x19 into a %s-tiled 256x64 surface the "
         "CPU filled and read through a GTT mmap; %u bytes checked both "
         "linearly and in tiled memory", tiling == I915_TILING_X ? "X" : "Y",
         TILED_SIZE);
out:
    bo_unmap(gtt, TILED_SIZE);
    free(raw);
    batch_fini(&b);
    surface_fini(&dst);
    surface_fini(&src);
}

static void check_gtt_tiled_x(const char *name)
{
    gtt_tiled(name, I915_TILING_X);
}

static void check_gtt_tiled_y(const char *name)
{
    gtt_tiled(name, I915_TILING_Y);
}

static const struct {
    const char *name;
    void (*run)(const char *name);
} checks[] = {
    { "store-dword", check_store_dword },
    { "store-qword", check_store_qword },
    { "store-dword-bcs", check_store_dword_bcs },
    { "blt-fill", check_blt_fill },
    { "blt-fill-rgb", check_blt_fill_rgb },
    { "blt-copy", check_blt_copy },
    { "blt-fast-copy", check_blt_fast_copy },
    { "batch-chain", check_batch_chain },
    { "batch-second-level", check_batch_second_level },
    { "multi-batch", check_multi_batch },
    { "softpin-high", check_softpin_high },
    { "gpr-alu", check_gpr_alu },
    { "spin-rcs", check_spin_rcs },
    { "spin-vcs", check_spin_vcs },
    { "spin-vecs", check_spin_vecs },
    { "spin-queue", check_spin_queue },
    { "batch-value-chain", check_batch_value_chain },
    { "gtt-tiled-x", check_gtt_tiled_x },
    { "gtt-tiled-y", check_gtt_tiled_y },
};

#define NCHECKS (sizeof(checks) / sizeof(checks[0]))

/* Open @dev and make sure i915 drives it; else say why in setup_error */
static void setup(const char *dev)
{
    drmVersionPtr v;
    int id = 0;
    struct drm_i915_getparam gp = {
        .param = I915_PARAM_CHIPSET_ID,
        .value = &id,
    };

    fd = open(dev, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        snprintf(setup_error, sizeof(setup_error), "cannot open %s: %s", dev,
                 strerror(errno));
        return;
    }
    v = drmGetVersion(fd);
    if (!v) {
        snprintf(setup_error, sizeof(setup_error),
                 "%s: DRM_IOCTL_VERSION failed: %s", dev, strerror(errno));
        return;
    }
    if (strcmp(v->name, "i915")) {
        snprintf(setup_error, sizeof(setup_error),
                 "%s is driven by %s, not i915", dev, v->name);
    } else {
        drmIoctl(fd, DRM_IOCTL_I915_GETPARAM, &gp);
        printf("INFO %s: %s %d.%d.%d, PCI device 0x%04x\n", dev, v->name,
               v->version_major, v->version_minor, v->version_patchlevel, id);
    }
    drmFreeVersion(v);
}

int main(int argc, char **argv)
{
    const char *dev = "/dev/dri/card0";
    unsigned i;

    if (argc > 2 || (argc == 2 && argv[1][0] == '-' &&
                     strcmp(argv[1], "--list"))) {
        fprintf(stderr, "usage: %s [--list | DEVICE]\n", argv[0]);
        return 2;
    }
    if (argc == 2 && !strcmp(argv[1], "--list")) {
        for (i = 0; i < NCHECKS; i++) {
            printf("%s\n", checks[i].name);
        }
        return 0;
    }
    if (argc == 2) {
        dev = argv[1];
    }
    setup(dev);
    for (i = 0; i < NCHECKS; i++) {
        if (setup_error[0]) {
            fail(checks[i].name, "%s", setup_error);
            continue;
        }
        lost_before = lost_batches();
        checks[i].run(checks[i].name);
    }
    printf("SUMMARY %u passed, %u failed\n", passed, failed);
    if (fd >= 0) {
        close(fd);
    }
    return failed ? 1 : 0;
}

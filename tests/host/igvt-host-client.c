/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt-host-client: exercise /dev/igvt-host (the igvt-host module, UAPI
 * include/standard-headers/drm/igvt_host.h) end to end and attack it.
 *
 * Runs inside the nested test bed (tests/host/README.md): a Debian guest
 * whose stock i915 drives igvt-vga, with igvt-host.ko loaded.
 *
 *   igvt-host-client             the functional checks: a slice, pins, GGTT
 *                                entries read and written through the
 *                                aperture, workloads on every engine
 *                                checked byte for byte, events, a reset
 *   igvt-host-client attack NAME one attack: every bad call must fail with
 *                                the errno the UAPI names
 *   igvt-host-client --list      the names of the functional checks
 *   igvt-host-client --attacks   the names of the attacks
 *
 * Output: one "PASS name: ..." or "FAIL name: ..." line per check or
 * attack, then a summary line; the exit status is 1 if any failed.
 *
 * Every buffer is filled with a pattern first and compared whole
 * afterwards, so a write that did not happen and a write that should not
 * have happened both fail.  A batch's own memory holds a decoy (other
 * commands) while its audited copy is submitted: the checks see which one
 * the GPU ran.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "drm/igvt_host.h"
#include "gpu-cmds.h"
#include "verdict.h"

#define DEVICE          "/dev/igvt-host"
#define PAGE            4096u
#define MEM_PAGES       256             /* the pinned buffer */
#define SLICE_SIZE      (1u << 20)      /* low and high slice */
#define GGTT_PAGES      64              /* low slice pages mapped to mem */
#define VA_BASE         0x10000000ull   /* mem page i at VA_BASE + i pages */
#define VA_PAGES        128
#define EVENT_WAIT_MS   30000
#define NENGINES        4               /* rcs, bcs, vcs, vecs */

/* Pages of mem each engine's workload uses: page(PG_x, engine) */
#define PG_GGTT_STORE   4       /* +e: the ring's GGTT store */
#define PG_PPGTT_STORE  16      /* +e: the ring's PPGTT store */
#define PG_BATCH        32      /* +2e: batch 1, +2e+1: batch 2 (decoys) */
#define PG_GGTT_BATCH   8       /* the GGTT batch's low slice page (decoy) */
#define PG_GGTT_BATCH_OUT 40    /* what the GGTT batch writes */
#define PG_STORES       48      /* +e: the batches' stores */
#define PG_SOURCE       52      /* a pattern copies read */
#define PG_FILL         56      /* +e: fills */
#define PG_COPY         60      /* +e: copies */
#define PG_LOOP         100     /* the reset check's loop */
#define PG_LOOP_OUT     101

static const struct {
    const char *name;
    uint32_t base;
} engines[NENGINES] = {
    [IGVT_HOST_ENGINE_RCS] = { "rcs", RCS_BASE },
    [IGVT_HOST_ENGINE_BCS] = { "bcs", BCS_BASE },
    [IGVT_HOST_ENGINE_VCS] = { "vcs", VCS_BASE },
    [IGVT_HOST_ENGINE_VECS] = { "vecs", VECS_BASE },
};

/* One descriptor with a slice, a pinned buffer and its GGTT entries */
typedef struct Dev {
    int fd;
    struct igvt_host_info info;
    struct igvt_host_slice slice;
    uint8_t *mem;               /* MEM_PAGES pages, pinned */
    uint8_t *want;              /* what mem should hold */
    uint64_t handle;            /* of mem's first page */
} Dev;

/* What went wrong in the current check (the first thing), if anything */
static char why[512];

static void PRINTF_FORMAT(1, 2) problem(const char *fmt, ...)
{
    va_list ap;

    if (why[0]) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
}

/* The check's verdict: @what if nothing went wrong */
static void conclude(const char *name, const char *what)
{
    if (why[0]) {
        fail(name, "%s", why);
    } else {
        pass(name, "%s", what);
    }
    why[0] = 0;
}

/* ioctl: 0 or -errno */
static int call(int fd, unsigned long req, void *arg)
{
    int r;

    do {
        r = ioctl(fd, req, arg);
    } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : 0;
}

/* A call that must fail with @want */
static void refused(const char *what, int got, int want)
{
    if (got != want) {
        problem("%s: got %s, want %s", what, got ? strerror(-got) : "success",
                strerror(-want));
    }
}

static void ok(const char *what, int got)
{
    if (got) {
        problem("%s: %s", what, strerror(-got));
    }
}

static uint8_t *map_anon(size_t pages)
{
    void *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    return p == MAP_FAILED ? NULL : p;
}

static int dev_pin(Dev *d, uint8_t *addr, uint64_t npages, uint64_t *handle)
{
    struct igvt_host_pin p = { .uaddr = (uintptr_t)addr, .npages = npages };
    int err = call(d->fd, IGVT_HOST_PIN, &p);

    *handle = p.handle;
    return err;
}

static int set_ggtt(Dev *d, uint64_t gm, uint64_t handle)
{
    struct igvt_host_ggtt_entry e = { .gm = gm, .handle = handle };
    struct igvt_host_set_ggtt s = { .entries = (uintptr_t)&e, .count = 1 };

    return call(d->fd, IGVT_HOST_SET_GGTT, &s);
}

static uint64_t low_gm(const Dev *d, unsigned page)
{
    return d->slice.low_base + (uint64_t)page * PAGE;
}

static uint64_t va_of(unsigned page)
{
    return VA_BASE + (uint64_t)page * PAGE;
}

static void dev_close(Dev *d)
{
    if (d->fd >= 0) {
        close(d->fd);
    }
    if (d->mem) {
        munmap(d->mem, MEM_PAGES * PAGE);
    }
    free(d->want);
    memset(d, 0, sizeof(*d));
    d->fd = -1;
}

/*
 * Open a descriptor, allocate the slice (one fence), pin mem and point
 * the first GGTT_PAGES pages of the low slice at it; false (and a
 * problem) if any of it fails
 */
static bool dev_open(Dev *d, uint32_t seed)
{
    struct igvt_host_ggtt_entry e[GGTT_PAGES];
    struct igvt_host_set_ggtt s = { .entries = (uintptr_t)e,
                                    .count = GGTT_PAGES };
    unsigned i;

    memset(d, 0, sizeof(*d));
    d->fd = open(DEVICE, O_RDWR | O_CLOEXEC);
    if (d->fd < 0) {
        problem("cannot open %s: %s", DEVICE, strerror(errno));
        return false;
    }
    d->slice.low_size = SLICE_SIZE;
    d->slice.high_size = SLICE_SIZE;
    d->slice.fences = 1;
    d->mem = map_anon(MEM_PAGES);
    d->want = malloc(MEM_PAGES * PAGE);
    if (!d->mem || !d->want) {
        problem("out of memory");
        return false;
    }
    fill_pattern(d->mem, MEM_PAGES * PAGE, seed);
    memcpy(d->want, d->mem, MEM_PAGES * PAGE);
    ok("GET_INFO", call(d->fd, IGVT_HOST_GET_INFO, &d->info));
    ok("ALLOC_SLICE", call(d->fd, IGVT_HOST_ALLOC_SLICE, &d->slice));
    ok("PIN", dev_pin(d, d->mem, MEM_PAGES, &d->handle));
    for (i = 0; i < GGTT_PAGES; i++) {
        e[i].gm = low_gm(d, i);
        e[i].handle = d->handle + i;
    }
    ok("SET_GGTT", call(d->fd, IGVT_HOST_SET_GGTT, &s));
    return !why[0];
}

/* mem against want, whole: the first difference */
static void mem_check(const Dev *d, const char *what)
{
    size_t i;

    for (i = 0; i < MEM_PAGES * PAGE; i += 4) {
        uint32_t got, want;

        memcpy(&got, d->mem + i, 4);
        memcpy(&want, d->want + i, 4);
        if (got != want) {
            problem("%s: page %zu offset 0x%03zx holds 0x%08x, want 0x%08x",
                    what, i / PAGE, i % PAGE, got, want);
            return;
        }
    }
}

/* ----------------------------------------------------------- workloads -- */

#define MAX_DW          256
#define MAX_BATCHES     4

/* A workload being built: the ring copy and the batches' copies */
typedef struct Work {
    uint32_t ring[MAX_DW];
    unsigned nring;
    uint32_t bb[MAX_BATCHES][MAX_DW];
    unsigned nbb[MAX_BATCHES];
    struct igvt_host_batch batch[MAX_BATCHES];
    unsigned nbatch;
    struct igvt_host_map map;
    struct igvt_host_reg reg[4];
    unsigned nreg;
} Work;

static void work_init(Work *w, const Dev *d)
{
    memset(w, 0, sizeof(*w));
    w->map.va = VA_BASE;
    w->map.handle = d->handle;
    w->map.npages = VA_PAGES;
}

static void emit(uint32_t *buf, unsigned *n, uint32_t v)
{
    if (*n < MAX_DW) {
        buf[(*n)++] = v;
    }
}

/* MI_STORE_DATA_IMM of @v at @addr (GGTT when @ggtt) */
static void emit_sdi(uint32_t *buf, unsigned *n, uint64_t addr, bool ggtt,
                     uint32_t v)
{
    emit(buf, n, MI_STORE_DATA_IMM | SDI_DWORD_LEN | (ggtt ? MI_USE_GGTT : 0));
    emit(buf, n, (uint32_t)addr);
    emit(buf, n, (uint32_t)(addr >> 32));
    emit(buf, n, v);
}

static void emit_bbs(uint32_t *buf, unsigned *n, uint64_t addr, bool ppgtt)
{
    emit(buf, n, MI_BATCH_BUFFER_START | (ppgtt ? BBS_PPGTT : 0));
    emit(buf, n, (uint32_t)addr);
    emit(buf, n, (uint32_t)(addr >> 32));
}

/* Reg commands with a PPGTT address: LRM and SRM */
static void emit_reg_mem(uint32_t *buf, unsigned *n, uint32_t cmd,
                         uint32_t reg, uint64_t addr)
{
    emit(buf, n, cmd);
    emit(buf, n, reg);
    emit(buf, n, (uint32_t)addr);
    emit(buf, n, (uint32_t)(addr >> 32));
}

/* A batch of the workload: @gm in the PPGTT or the GGTT; its index */
static unsigned add_batch(Work *w, uint64_t gm, bool ppgtt)
{
    unsigned i = w->nbatch++;

    w->batch[i].gm = gm;
    w->batch[i].flags = ppgtt ? IGVT_HOST_BATCH_PPGTT : 0;
    return i;
}

static int work_submit(Dev *d, Work *w, unsigned engine, uint64_t cookie,
                       uint64_t *seqno)
{
    struct igvt_host_submit s = {
        .engine = engine,
        .ring = (uintptr_t)w->ring,
        .ring_dwords = w->nring,
        .batches = (uintptr_t)w->batch,
        .nr_batches = w->nbatch,
        .maps = (uintptr_t)&w->map,
        .nr_maps = w->map.npages ? 1 : 0,
        .regs = (uintptr_t)w->reg,
        .nr_regs = w->nreg,
        .cookie = cookie,
    };
    unsigned i;
    int err;

    for (i = 0; i < w->nbatch; i++) {
        w->batch[i].cmds = (uintptr_t)w->bb[i];
        w->batch[i].dwords = w->nbb[i];
    }
    err = call(d->fd, IGVT_HOST_SUBMIT, &s);
    if (seqno) {
        *seqno = s.seqno;
    }
    return err;
}

/* SUBMIT, retried while EBUSY for at most 2 s (the UAPI allows a moment) */
static int submit_retry(Dev *d, Work *w, unsigned engine, uint64_t cookie,
                        uint64_t *seqno)
{
    int err = -EBUSY;

    for (int tries = 0; tries < 100 && err == -EBUSY; tries++) {
        if (tries) {
            usleep(20 * 1000);
        }
        err = work_submit(d, w, engine, cookie, seqno);
    }
    return err;
}

/* Wait for the next event (poll, then read); false and a problem if none */
static bool wait_event(Dev *d, struct igvt_host_event *ev)
{
    struct pollfd p = { .fd = d->fd, .events = POLLIN };
    ssize_t n;

    if (poll(&p, 1, EVENT_WAIT_MS) != 1) {
        problem("no event within %u ms", EVENT_WAIT_MS);
        return false;
    }
    n = read(d->fd, ev, sizeof(*ev));
    if (n != sizeof(*ev)) {
        problem("read of an event: %zd (%s)", n, strerror(errno));
        return false;
    }
    return true;
}

/* Submit @w and wait for its event, which must say @status */
static void run_work(Dev *d, Work *w, unsigned engine, uint32_t status)
{
    struct igvt_host_event ev;
    uint64_t seqno, cookie = 0xc0de0000u + engine;
    int err;

    err = submit_retry(d, w, engine, cookie, &seqno);
    if (err) {
        problem("SUBMIT on %s: %s", engines[engine].name, strerror(-err));
        return;
    }
    if (!wait_event(d, &ev)) {
        return;
    }
    if (ev.type != IGVT_HOST_EVENT_DONE || ev.engine != engine ||
        ev.seqno != seqno || ev.cookie != cookie || ev.status != status) {
        problem("event type %u engine %u seqno %" PRIu64 " cookie 0x%" PRIx64
                " status %u error %d; want engine %u seqno %" PRIu64
                " cookie 0x%" PRIx64 " status %u", ev.type, ev.engine,
                (uint64_t)ev.seqno, (uint64_t)ev.cookie, ev.status, ev.error,
                engine, seqno, cookie, status);
    }
}

static void want32(Dev *d, unsigned page, unsigned off, uint32_t v)
{
    memcpy(d->want + page * PAGE + off, &v, 4);
}

static uint32_t mem32(const Dev *d, unsigned page, unsigned off)
{
    uint32_t v;

    memcpy(&v, d->mem + page * PAGE + off, 4);
    return v;
}

/* A decoy batch in mem at @page: stores 0xbad to PG_STORES + @e */
static void put_decoy(Dev *d, unsigned page, unsigned e)
{
    uint32_t dw[8];
    unsigned n = 0, i;

    emit_sdi(dw, &n, va_of(PG_STORES + e), false, 0xbadbad00u + e);
    emit(dw, &n, MI_BATCH_BUFFER_END);
    for (i = 0; i < n; i++) {
        put32(d->mem, page * PAGE + 4 * i, dw[i]);
    }
    memcpy(d->want + page * PAGE, d->mem + page * PAGE, PAGE);
}

/* Blits on the blitter: a fill of 16x4 pixels and a copy of 16x4 */
static void emit_blits(Dev *d, uint32_t *b, unsigned *n, unsigned e)
{
    unsigned x, y;

    emit(b, n, XY_COLOR_BLT | BLT_WRITE_ALPHA | BLT_WRITE_RGB);
    emit(b, n, BR13_32BPP | BR13_ROP_PATCOPY | 64);
    emit(b, n, 0);                      /* top left */
    emit(b, n, 4 << 16 | 16);           /* bottom right */
    emit(b, n, (uint32_t)va_of(PG_FILL + e));
    emit(b, n, (uint32_t)(va_of(PG_FILL + e) >> 32));
    emit(b, n, 0xf111f111u);
    emit(b, n, XY_SRC_COPY_BLT | BLT_WRITE_ALPHA | BLT_WRITE_RGB);
    emit(b, n, BR13_32BPP | BR13_ROP_SRCCOPY | 64);
    emit(b, n, 0);
    emit(b, n, 4 << 16 | 16);
    emit(b, n, (uint32_t)va_of(PG_COPY + e));
    emit(b, n, (uint32_t)(va_of(PG_COPY + e) >> 32));
    emit(b, n, 0);                      /* source top left */
    emit(b, n, 64);                     /* source pitch */
    emit(b, n, (uint32_t)va_of(PG_SOURCE));
    emit(b, n, (uint32_t)(va_of(PG_SOURCE) >> 32));
    for (y = 0; y < 4; y++) {
        for (x = 0; x < 16; x++) {
            want32(d, PG_FILL + e, y * 64 + x * 4, 0xf111f111u);
            want32(d, PG_COPY + e, y * 64 + x * 4,
                   mem32(d, PG_SOURCE, y * 64 + x * 4));
        }
    }
}

/* Elsewhere: a fill of 16 dwords by stores, a copy of 4 through a GPR */
static void emit_mi_fill_copy(Dev *d, uint32_t *b, unsigned *n, unsigned e)
{
    unsigned i;

    for (i = 0; i < 16; i++) {
        emit_sdi(b, n, va_of(PG_FILL + e) + 4 * i, false, 0xf111f100u + i);
        want32(d, PG_FILL + e, 4 * i, 0xf111f100u + i);
    }
    for (i = 0; i < 4; i++) {
        emit_reg_mem(b, n, MI_LOAD_REGISTER_MEM, CS_GPR(engines[e].base, 0),
                     va_of(PG_SOURCE) + 4 * i);
        emit_reg_mem(b, n, MI_STORE_REGISTER_MEM, CS_GPR(engines[e].base, 0),
                     va_of(PG_COPY + e) + 4 * i);
        want32(d, PG_COPY + e, 4 * i, mem32(d, PG_SOURCE, 4 * i));
    }
}

/*
 * On engine @e: the ring stores through the GGTT and the PPGTT, then
 * starts batch 1, which stores, fills and copies and chains to batch 2,
 * which stores.  Both batches' pages in mem hold decoys.
 */
static void exec_engine(Dev *d, unsigned e)
{
    Work w;
    unsigned b1, b2;

    work_init(&w, d);
    put_decoy(d, PG_BATCH + 2 * e, e);
    put_decoy(d, PG_BATCH + 2 * e + 1, e);
    emit_sdi(w.ring, &w.nring, low_gm(d, PG_GGTT_STORE + e) + 0x10, true,
             0x66770000u + e);
    want32(d, PG_GGTT_STORE + e, 0x10, 0x66770000u + e);
    emit_sdi(w.ring, &w.nring, va_of(PG_PPGTT_STORE + e) + 0x20, false,
             0x99880000u + e);
    want32(d, PG_PPGTT_STORE + e, 0x20, 0x99880000u + e);
    emit_bbs(w.ring, &w.nring, va_of(PG_BATCH + 2 * e), true);

    b1 = add_batch(&w, va_of(PG_BATCH + 2 * e), true);
    b2 = add_batch(&w, va_of(PG_BATCH + 2 * e + 1), true);
    emit_sdi(w.bb[b1], &w.nbb[b1], va_of(PG_STORES + e), false, 0x600d0000u + e);
    want32(d, PG_STORES + e, 0, 0x600d0000u + e);
    if (e == IGVT_HOST_ENGINE_BCS) {
        emit_blits(d, w.bb[b1], &w.nbb[b1], e);
    } else {
        emit_mi_fill_copy(d, w.bb[b1], &w.nbb[b1], e);
    }
    emit_bbs(w.bb[b1], &w.nbb[b1], va_of(PG_BATCH + 2 * e + 1), true);
    emit_sdi(w.bb[b2], &w.nbb[b2], va_of(PG_STORES + e) + 8, false,
             0xc4a10000u + e);
    want32(d, PG_STORES + e, 8, 0xc4a10000u + e);
    emit(w.bb[b2], &w.nbb[b2], MI_BATCH_BUFFER_END);
    run_work(d, &w, e, IGVT_HOST_DONE_OK);
}

/* ---------------------------------------------------- functional checks -- */

static void check_info(const char *name, unsigned arg)
{
    Dev d;

    if (dev_open(&d, 1)) {
        if (d.info.api_version != IGVT_HOST_API_VERSION) {
            problem("api_version %u", d.info.api_version);
        }
        if ((d.info.engine_mask & 0xf) != 0xf) {
            problem("engine_mask 0x%x lacks one of rcs, bcs, vcs, vecs",
                    d.info.engine_mask);
        }
        if (!(d.info.flags & IGVT_HOST_INFO_VGPU)) {
            problem("flags 0x%x: i915 here is a vGPU guest", d.info.flags);
        }
        if (!d.info.aperture_size || d.info.gm_size <= d.info.aperture_size) {
            problem("aperture 0x%" PRIx64 " of 0x%" PRIx64,
                    (uint64_t)d.info.aperture_size, (uint64_t)d.info.gm_size);
        }
        if (d.slice.low_base + SLICE_SIZE > d.info.aperture_size ||
            d.slice.high_base < d.info.aperture_size ||
            d.slice.high_base + SLICE_SIZE > d.info.gm_size ||
            (d.slice.low_base | d.slice.high_base) % PAGE) {
            problem("slice at 0x%" PRIx64 "/0x%" PRIx64,
                    (uint64_t)d.slice.low_base, (uint64_t)d.slice.high_base);
        }
        refused("second ALLOC_SLICE", call(d.fd, IGVT_HOST_ALLOC_SLICE, &d.slice),
                -EBUSY);
    }
    printf("INFO device 0x%04x rev %u, GM 0x%" PRIx64 ", aperture 0x%" PRIx64
           ", %u fences, engines 0x%x, slice 0x%" PRIx64 "/0x%" PRIx64 "\n",
           d.info.pci_device_id, d.info.pci_revision, (uint64_t)d.info.gm_size,
           (uint64_t)d.info.aperture_size, d.info.num_fences,
           d.info.engine_mask, (uint64_t)d.slice.low_base,
           (uint64_t)d.slice.high_base);
    dev_close(&d);
    conclude(name, "version 1, four engines, a slice in each part of the GGTT");
}

/* Write through the aperture, read mem; write mem, read the aperture */
static void check_aperture(const char *name, unsigned arg)
{
    struct igvt_host_fence fence = {
        .flags = IGVT_HOST_FENCE_VALID, .stride = 512, .size = 16 * PAGE,
    };
    uint8_t *ap = MAP_FAILED;
    Dev d;

    if (dev_open(&d, 2)) {
        ap = mmap(NULL, GGTT_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
                  d.fd, 0);
        if (ap == MAP_FAILED) {
            problem("mmap of the aperture: %s", strerror(errno));
        }
    }
    if (!why[0]) {
        fill_pattern(ap + 3 * PAGE, PAGE, 0xa9e7);
        fill_pattern(d.want + 3 * PAGE, PAGE, 0xa9e7);
        mem_check(&d, "aperture write, read from the pinned page");
        fill_pattern(d.mem + 5 * PAGE, PAGE, 0x5a5a);
        fill_pattern(d.want + 5 * PAGE, PAGE, 0x5a5a);
        if (memcmp(ap + 5 * PAGE, d.want + 5 * PAGE, PAGE)) {
            problem("pinned page 5 does not read back through the aperture");
        }
        /* an entry at scratch: the page behind it no longer changes */
        ok("SET_GGTT to scratch", set_ggtt(&d, low_gm(&d, 7), 0));
        memset(ap + 7 * PAGE, 0x77, PAGE);
        mem_check(&d, "aperture write to a scratch entry");
        fence.start = low_gm(&d, 16);
        ok("SET_FENCE", call(d.fd, IGVT_HOST_SET_FENCE, &fence));
        fence = (struct igvt_host_fence){ 0 };
        ok("SET_FENCE off", call(d.fd, IGVT_HOST_SET_FENCE, &fence));
    }
    if (ap != MAP_FAILED) {
        munmap(ap, GGTT_PAGES * PAGE);
    }
    dev_close(&d);
    conclude(name, "a page written through the aperture reads back pinned, "
             "and the other way round");
}

/* @e: the engine */
static void check_exec(const char *name, unsigned e)
{
    Dev d;

    if (dev_open(&d, 10 + e)) {
        exec_engine(&d, e);
        mem_check(&d, engines[e].name);
    }
    dev_close(&d);
    conclude(name, e == IGVT_HOST_ENGINE_BCS ?
             "ring stores (GGTT, PPGTT), batch stores, fill and copy blits, "
             "a chained batch: every byte as expected" :
             "ring stores (GGTT, PPGTT), batch stores, a fill, a copy "
             "through a GPR, a chained batch: every byte as expected");
}

/* Every engine at once: four workloads in flight on one descriptor */
static void check_exec_all(const char *name, unsigned arg)
{
    struct igvt_host_event ev;
    unsigned e, seen = 0;
    Dev d;
    Work w;

    if (dev_open(&d, 20)) {
        for (e = 0; e < NENGINES; e++) {
            work_init(&w, &d);
            emit_sdi(w.ring, &w.nring, va_of(PG_STORES + e) + 0x40, false,
                     0xa11e0000u + e);
            want32(&d, PG_STORES + e, 0x40, 0xa11e0000u + e);
            ok("SUBMIT", work_submit(&d, &w, e, e, NULL));
        }
        for (e = 0; e < NENGINES && !why[0]; e++) {
            if (wait_event(&d, &ev) && ev.status == IGVT_HOST_DONE_OK &&
                ev.engine < NENGINES) {
                seen |= 1u << ev.engine;
            }
        }
        if (!why[0] && seen != 0xf) {
            problem("events came from engines 0x%x", seen);
        }
        mem_check(&d, "four engines");
    }
    dev_close(&d);
    conclude(name, "one workload on each engine in flight together");
}

/* The GGTT batch on the blitter: placed in the PPGTT, its start rewritten */
static void check_ggtt_batch(const char *name, unsigned arg)
{
    Dev d;
    Work w;
    unsigned b;

    if (dev_open(&d, 30)) {
        work_init(&w, &d);
        put_decoy(&d, PG_GGTT_BATCH, 0);
        emit_bbs(w.ring, &w.nring, low_gm(&d, PG_GGTT_BATCH) + 0x100, false);
        b = add_batch(&w, low_gm(&d, PG_GGTT_BATCH) + 0x100, false);
        emit_sdi(w.bb[b], &w.nbb[b], va_of(PG_GGTT_BATCH_OUT), false,
                 0x9977aa00u);
        want32(&d, PG_GGTT_BATCH_OUT, 0, 0x9977aa00u);
        emit(w.bb[b], &w.nbb[b], MI_BATCH_BUFFER_END);
        run_work(&d, &w, IGVT_HOST_ENGINE_BCS, IGVT_HOST_DONE_OK);
        mem_check(&d, "GGTT batch");
    }
    dev_close(&d);
    conclude(name, "a GGTT batch's copy ran (not the decoy at its address)");
}

/* Registers carried over: a GPR loaded before the ring, stored by it */
static void check_regs(const char *name, unsigned arg)
{
    Dev d;
    Work w;

    if (dev_open(&d, 40)) {
        work_init(&w, &d);
        w.reg[0].offset = CS_GPR(RCS_BASE, 3);
        w.reg[0].value = 0x4e6a1234u;
        w.nreg = 1;
        emit_reg_mem(w.ring, &w.nring, MI_STORE_REGISTER_MEM, CS_GPR(RCS_BASE, 3),
                     va_of(PG_STORES) + 0x80);
        want32(&d, PG_STORES, 0x80, 0x4e6a1234u);
        run_work(&d, &w, IGVT_HOST_ENGINE_RCS, IGVT_HOST_DONE_OK);
        mem_check(&d, "register state");
    }
    dev_close(&d);
    conclude(name, "a GPR from the workload's register state reached memory");
}

/* One workload per engine until its event is read */
static void check_busy(const char *name, unsigned arg)
{
    struct igvt_host_event ev;
    Dev d;
    Work w;

    if (dev_open(&d, 50)) {
        work_init(&w, &d);
        emit_sdi(w.ring, &w.nring, va_of(PG_STORES) + 0xc0, false, 1);
        want32(&d, PG_STORES, 0xc0, 1);
        ok("SUBMIT", work_submit(&d, &w, IGVT_HOST_ENGINE_RCS, 1, NULL));
        refused("second SUBMIT before the event", work_submit(&d, &w,
                IGVT_HOST_ENGINE_RCS, 2, NULL), -EBUSY);
        if (wait_event(&d, &ev) && ev.cookie != 1) {
            problem("event of cookie %" PRIu64, (uint64_t)ev.cookie);
        }
        ok("SUBMIT after the event", submit_retry(&d, &w, IGVT_HOST_ENGINE_RCS,
                                                   3, NULL));
        wait_event(&d, &ev);
        fcntl(d.fd, F_SETFL, O_NONBLOCK);
        if (read(d.fd, &ev, sizeof(ev)) >= 0 || errno != EAGAIN) {
            problem("read without an event did not say EAGAIN");
        }
        mem_check(&d, "busy");
    }
    dev_close(&d);
    conclude(name, "EBUSY until the event was read, then accepted");
}

/*
 * A batch that starts itself forever, stopped by IGVT_HOST_RESET_ENGINE;
 * the engine then runs the next workload
 */
static void check_reset(const char *name, unsigned e)
{
    struct igvt_host_reset r = { .engine = e };
    struct igvt_host_event ev;
    Dev d;
    Work w;
    unsigned b;

    if (dev_open(&d, 60 + e)) {
        work_init(&w, &d);
        emit_sdi(w.ring, &w.nring, va_of(PG_LOOP_OUT), false, 0x100b0000u);
        want32(&d, PG_LOOP_OUT, 0, 0x100b0000u);
        emit_bbs(w.ring, &w.nring, va_of(PG_LOOP), true);
        b = add_batch(&w, va_of(PG_LOOP), true);
        emit_bbs(w.bb[b], &w.nbb[b], va_of(PG_LOOP), true);
        ok("SUBMIT of the loop", work_submit(&d, &w, e, 7, NULL));
        usleep(200 * 1000);
        ok("RESET_ENGINE", call(d.fd, IGVT_HOST_RESET_ENGINE, &r));
        if (wait_event(&d, &ev) && ev.status != IGVT_HOST_DONE_RESET) {
            problem("the loop ended with status %u error %d", ev.status,
                    ev.error);
        }
        mem_check(&d, "before the loop");
        if (!why[0]) {
            exec_engine(&d, e);
            mem_check(&d, "after the reset");
        }
        ok("RESET_ENGINE when idle", call(d.fd, IGVT_HOST_RESET_ENGINE, &r));
    }
    dev_close(&d);
    conclude(name, "a looping batch stopped, reported as reset; the engine "
             "then ran a full workload");
}

/* -------------------------------------------------------------- attacks -- */

/* GGTT, fences, mmap and commands outside the descriptor's slices */
static void attack_out_of_slice(const char *name, unsigned arg)
{
    struct igvt_host_fence fence = {
        .flags = IGVT_HOST_FENCE_VALID, .stride = 512, .size = PAGE,
    };
    struct igvt_host_map m = { .handle = 0, .npages = 1 };
    void *p;
    Dev d;
    Work w;

    if (dev_open(&d, 100)) {
        refused("GGTT entry below the low slice",
                set_ggtt(&d, d.slice.low_base - PAGE, d.handle), -EINVAL);
        refused("GGTT entry after the low slice",
                set_ggtt(&d, d.slice.low_base + SLICE_SIZE, d.handle), -EINVAL);
        refused("GGTT entry after the high slice",
                set_ggtt(&d, d.slice.high_base + SLICE_SIZE, d.handle), -EINVAL);
        refused("GGTT entry beyond the GGTT", set_ggtt(&d, d.info.gm_size, 0),
                -EINVAL);
        fence.start = d.slice.low_base + SLICE_SIZE;
        refused("fence after the low slice",
                call(d.fd, IGVT_HOST_SET_FENCE, &fence), -EINVAL);
        fence.start = d.slice.high_base;
        refused("fence in the high slice",
                call(d.fd, IGVT_HOST_SET_FENCE, &fence), -EINVAL);
        p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, d.fd, SLICE_SIZE);
        refused("mmap after the low slice", p == MAP_FAILED ? -errno : 0,
                -EINVAL);
        p = mmap(NULL, 2 * SLICE_SIZE, PROT_READ, MAP_SHARED, d.fd, 0);
        refused("mmap larger than the low slice", p == MAP_FAILED ? -errno : 0,
                -EINVAL);
        work_init(&w, &d);
        emit_sdi(w.ring, &w.nring, d.slice.low_base - 8, true, 1);
        refused("ring GGTT store below the slice",
                work_submit(&d, &w, IGVT_HOST_ENGINE_RCS, 0, NULL), -EINVAL);
        work_init(&w, &d);
        emit(w.ring, &w.nring, MI_STORE_DATA_IMM | SDI_QWORD_LEN | SDI_QWORD |
             MI_USE_GGTT);
        emit(w.ring, &w.nring, (uint32_t)d.slice.high_base + SLICE_SIZE - 4);
        emit(w.ring, &w.nring, 0);
        emit(w.ring, &w.nring, 1);
        emit(w.ring, &w.nring, 2);
        refused("ring GGTT store across the slice's end",
                work_submit(&d, &w, IGVT_HOST_ENGINE_VCS, 0, NULL), -EINVAL);
        work_init(&w, &d);
        emit_sdi(w.ring, &w.nring, va_of(0), false, 1);
        m.handle = d.handle;
        m.va = d.info.ggtt_batch_va;
        w.map = m;
        refused("map in the GGTT batch range",
                work_submit(&d, &w, IGVT_HOST_ENGINE_RCS, 0, NULL), -EINVAL);
    }
    dev_close(&d);
    conclude(name, "GGTT entries, fences, mmap, GGTT stores and maps outside "
             "the slices refused");
}

/* Handles of another descriptor do not exist in this one */
static void attack_foreign_handle(const char *name, unsigned arg)
{
    Dev a, b;
    Work w;
    struct igvt_host_unpin u;

    if (dev_open(&a, 110) && dev_open(&b, 111)) {
        refused("GGTT entry to another descriptor's page",
                set_ggtt(&a, low_gm(&a, 1), b.handle + 1), -ENOENT);
        u.handle = b.handle;
        refused("UNPIN of another descriptor's pin",
                call(a.fd, IGVT_HOST_UNPIN, &u), -ENOENT);
        work_init(&w, &a);
        w.map.handle = b.handle;
        emit_sdi(w.ring, &w.nring, va_of(0), false, 1);
        refused("map of another descriptor's pages",
                work_submit(&a, &w, IGVT_HOST_ENGINE_RCS, 0, NULL), -ENOENT);
        mem_check(&b, "the other descriptor's memory");
    }
    dev_close(&a);
    dev_close(&b);
    conclude(name, "another descriptor's handles are unknown here");
}

/* Handles of a released pin, and past a pin's end */
static void attack_stale_handle(const char *name, unsigned arg)
{
    struct igvt_host_unpin u;
    uint64_t h = 0;
    Dev d;
    Work w;

    if (dev_open(&d, 120)) {
        ok("PIN", dev_pin(&d, d.mem + 200 * PAGE, 4, &h));
        u.handle = h;
        ok("UNPIN", call(d.fd, IGVT_HOST_UNPIN, &u));
        refused("GGTT entry to an unpinned page", set_ggtt(&d, low_gm(&d, 1), h),
                -ENOENT);
        refused("UNPIN again", call(d.fd, IGVT_HOST_UNPIN, &u), -ENOENT);
        refused("GGTT entry past a pin's end",
                set_ggtt(&d, low_gm(&d, 1), d.handle + MEM_PAGES), -ENOENT);
        work_init(&w, &d);
        w.map.handle = h;
        w.map.npages = 1;
        emit_sdi(w.ring, &w.nring, va_of(0), false, 1);
        refused("map of an unpinned page",
                work_submit(&d, &w, IGVT_HOST_ENGINE_RCS, 0, NULL), -ENOENT);
        work_init(&w, &d);
        w.map.npages = MEM_PAGES + 1;
        emit_sdi(w.ring, &w.nring, va_of(0), false, 1);
        refused("map past a pin's end",
                work_submit(&d, &w, IGVT_HOST_ENGINE_RCS, 0, NULL), -ENOENT);
        mem_check(&d, "memory");
    }
    dev_close(&d);
    conclude(name, "stale handles and handles past a pin refused");
}

static void attack_double_unpin(const char *name, unsigned arg)
{
    struct igvt_host_unpin u;
    Dev d;

    if (dev_open(&d, 130)) {
        u.handle = d.handle;
        refused("UNPIN while GGTT entries use it",
                call(d.fd, IGVT_HOST_UNPIN, &u), -EBUSY);
        u.handle = d.handle + 1;
        refused("UNPIN of a pin's second page", call(d.fd, IGVT_HOST_UNPIN, &u),
                -ENOENT);
        for (unsigned i = 0; i < GGTT_PAGES; i++) {
            ok("GGTT entry to scratch", set_ggtt(&d, low_gm(&d, i), 0));
        }
        u.handle = d.handle;
        ok("UNPIN", call(d.fd, IGVT_HOST_UNPIN, &u));
        refused("second UNPIN", call(d.fd, IGVT_HOST_UNPIN, &u), -ENOENT);
        u.handle = 0;
        refused("UNPIN of handle 0", call(d.fd, IGVT_HOST_UNPIN, &u), -ENOENT);
    }
    dev_close(&d);
    conclude(name, "busy, double and bogus unpins refused");
}

static void attack_huge_counts(const char *name, unsigned arg)
{
    struct igvt_host_slice s = { .low_size = 1ull << 40 };
    struct igvt_host_set_ggtt g = { .count = 1u << 31 };
    struct igvt_host_submit sub = { .engine = IGVT_HOST_ENGINE_RCS };
    struct igvt_host_pin p = { .npages = 1ull << 40 };
    char byte;
    uint64_t h;
    Dev d;
    Work w;

    if (dev_open(&d, 140)) {
        p.uaddr = (uintptr_t)d.mem;
        refused("PIN of 2^40 pages", call(d.fd, IGVT_HOST_PIN, &p), -E2BIG);
        refused("PIN of 2^20 pages", dev_pin(&d, d.mem, 1u << 20, &h), -E2BIG);
        g.entries = (uintptr_t)d.mem;
        refused("SET_GGTT of 2^31 entries", call(d.fd, IGVT_HOST_SET_GGTT, &g),
                -E2BIG);
        refused("SUBMIT of 2^30 ring dwords", (sub.ring_dwords = 1u << 30,
                call(d.fd, IGVT_HOST_SUBMIT, &sub)), -E2BIG);
        sub.ring_dwords = 4;
        refused("SUBMIT of 2^20 batches", (sub.nr_batches = 1u << 20,
                call(d.fd, IGVT_HOST_SUBMIT, &sub)), -E2BIG);
        sub.nr_batches = 0;
        refused("SUBMIT of 2^30 maps", (sub.nr_maps = 1u << 30,
                call(d.fd, IGVT_HOST_SUBMIT, &sub)), -E2BIG);
        sub.nr_maps = 0;
        refused("SUBMIT of 1000 registers", (sub.nr_regs = 1000,
                call(d.fd, IGVT_HOST_SUBMIT, &sub)), -E2BIG);
        work_init(&w, &d);
        emit_sdi(w.ring, &w.nring, va_of(0), false, 1);
        w.map.npages = 1u << 31;
        refused("map of 2^31 pages",
                work_submit(&d, &w, IGVT_HOST_ENGINE_RCS, 0, NULL), -E2BIG);
        work_init(&w, &d);
        emit_bbs(w.ring, &w.nring, va_of(8), true);
        add_batch(&w, va_of(8), true);
        w.nbb[0] = 1u << 30;
        refused("batch of 2^30 dwords",
                work_submit(&d, &w, IGVT_HOST_ENGINE_RCS, 0, NULL), -E2BIG);
        close(d.fd);
        d.fd = open(DEVICE, O_RDWR | O_CLOEXEC);
        refused("slice of 2^40 bytes", call(d.fd, IGVT_HOST_ALLOC_SLICE, &s),
                -E2BIG);
        s = (struct igvt_host_slice){ .fences = 1000 };
        refused("slice with 1000 fences", call(d.fd, IGVT_HOST_ALLOC_SLICE, &s),
                -E2BIG);
        refused("read of one byte", read(d.fd, &byte, 1) < 0 ? -errno : 0,
                -EINVAL);
    }
    dev_close(&d);
    conclude(name, "sizes and counts beyond the limits refused");
}

static void attack_unaligned(const char *name, unsigned arg)
{
    struct igvt_host_slice s = { .low_size = PAGE + 1 };
    struct igvt_host_fence fence = {
        .flags = IGVT_HOST_FENCE_VALID, .stride = 512, .size = PAGE,
    };
    uint64_t h;
    Dev d;
    Work w;

    if (dev_open(&d, 150)) {
        refused("PIN at an unaligned address", dev_pin(&d, d.mem + 1, 1, &h),
                -EINVAL);
        refused("GGTT entry at an unaligned address",
                set_ggtt(&d, low_gm(&d, 1) + 8, d.handle), -EINVAL);
        fence.start = low_gm(&d, 1) + 64;
        refused("fence at an unaligned address",
                call(d.fd, IGVT_HOST_SET_FENCE, &fence), -EINVAL);
        fence.start = low_gm(&d, 1);
        fence.stride = 100;
        refused("fence of stride 100", call(d.fd, IGVT_HOST_SET_FENCE, &fence),
                -EINVAL);
        work_init(&w, &d);
        w.map.va += 4;
        emit_sdi(w.ring, &w.nring, va_of(0), false, 1);
        refused("map at an unaligned address",
                work_submit(&d, &w, IGVT_HOST_ENGINE_RCS, 0, NULL), -EINVAL);
        work_init(&w, &d);
        emit_bbs(w.ring, &w.nring, va_of(8) + 2, true);
        add_batch(&w, va_of(8) + 2, true);
        emit(w.bb[0], &w.nbb[0], MI_BATCH_BUFFER_END);
        refused("batch at an unaligned address",
                work_submit(&d, &w, IGVT_HOST_ENGINE_RCS, 0, NULL), -EINVAL);
        close(d.fd);
        d.fd = open(DEVICE, O_RDWR | O_CLOEXEC);
        refused("slice of 4097 bytes", call(d.fd, IGVT_HOST_ALLOC_SLICE, &s),
                -EINVAL);
    }
    dev_close(&d);
    conclude(name, "unaligned addresses and sizes refused");
}

/* Flags and padding must be zero; unknown calls are not calls */
static void attack_flags(const char *name, unsigned arg)
{
    struct igvt_host_pin p = { .npages = 1, .flags = 1 };
    struct igvt_host_reset r = { .engine = IGVT_HOST_ENGINE_RCS, .flags = 1 };
    struct igvt_host_set_ggtt g = { .count = 0, .flags = 1 };
    struct igvt_host_fence fence = { .index = 0, .flags = 0x80 };
    Dev d;
    Work w;

    if (dev_open(&d, 160)) {
        p.uaddr = (uintptr_t)d.mem;
        refused("PIN with flags", call(d.fd, IGVT_HOST_PIN, &p), -EINVAL);
        p.flags = 0;
        p.pad = 1;
        refused("PIN with padding", call(d.fd, IGVT_HOST_PIN, &p), -EINVAL);
        refused("SET_GGTT with flags", call(d.fd, IGVT_HOST_SET_GGTT, &g),
                -EINVAL);
        refused("SET_FENCE with unknown flags",
                call(d.fd, IGVT_HOST_SET_FENCE, &fence), -EINVAL);
        fence.flags = 0;
        fence.index = 5;
        refused("SET_FENCE of fence 5 of 1",
                call(d.fd, IGVT_HOST_SET_FENCE, &fence), -EINVAL);
        refused("RESET_ENGINE with flags", call(d.fd, IGVT_HOST_RESET_ENGINE, &r),
                -EINVAL);
        r.flags = 0;
        r.engine = 9;
        refused("RESET_ENGINE of engine 9",
                call(d.fd, IGVT_HOST_RESET_ENGINE, &r), -EINVAL);
        work_init(&w, &d);
        emit_sdi(w.ring, &w.nring, va_of(0), false, 1);
        w.map.flags = 0x10000;
        refused("map with unknown flags",
                work_submit(&d, &w, IGVT_HOST_ENGINE_RCS, 0, NULL), -EINVAL);
        work_init(&w, &d);
        emit_sdi(w.ring, &w.nring, va_of(0), false, 1);
        refused("SUBMIT on engine 7", work_submit(&d, &w, 7, 0, NULL), -EINVAL);
        refused("unknown ioctl", call(d.fd, _IO(IGVT_HOST_IOC_MAGIC, 0x7f), NULL),
                -ENOTTY);
        refused("ioctl of the wrong size",
                call(d.fd, _IOW(IGVT_HOST_IOC_MAGIC, 0x43, uint32_t), &p),
                -ENOTTY);
    }
    dev_close(&d);
    conclude(name, "non-zero flags and padding, unknown indices and ioctls "
             "refused");
}

/* A ring with @cmds (@n dwords) must be refused on @engine */
static void bad_ring(Dev *d, const char *what, unsigned engine,
                     const uint32_t *cmds, unsigned n)
{
    Work w;

    work_init(&w, d);
    memcpy(w.ring, cmds, n * 4);
    w.nring = n;
    refused(what, work_submit(d, &w, engine, 0, NULL), -EINVAL);
}

/* A blitter batch with @cmds (@n dwords) started from the ring */
static void bad_blt_batch(Dev *d, const char *what, const uint32_t *cmds,
                          unsigned n)
{
    Work w;

    work_init(&w, d);
    emit_bbs(w.ring, &w.nring, va_of(8), true);
    add_batch(&w, va_of(8), true);
    memcpy(w.bb[0], cmds, n * 4);
    w.nbb[0] = n;
    refused(what, work_submit(d, &w, IGVT_HOST_ENGINE_BCS, 0, NULL), -EINVAL);
}

/* Commands the module must not let run with privilege */
static void attack_commands(const char *name, unsigned arg)
{
    const uint32_t update_gtt[] = { MI_UPDATE_GTT, 0, 0 };
    const uint32_t lri_ring_mode[] = { MI_LOAD_REGISTER_IMM(1), 0x229c, 0 };
    const uint32_t lri_fence[] = { MI_LOAD_REGISTER_IMM(1), 0x100000, 1 };
    const uint32_t srm_gtt[] = { MI_STORE_REGISTER_MEM, 0x101008, 0, 0 };
    const uint32_t bb_end[] = { MI_BATCH_BUFFER_END, 0 };
    const uint32_t truncated[] = { MI_STORE_DATA_IMM | SDI_DWORD_LEN, 0 };
    const uint32_t pipe_control[] = { PIPE_CONTROL, 0, 0, 0, 0, 0 };
    const uint32_t unknown_bbs[] = { MI_BATCH_BUFFER_START | BBS_PPGTT,
                                     0x7000, 0 };
    const uint32_t blt_lri[] = { MI_LOAD_REGISTER_IMM(1), 0x22200 + 0x9c, 0,
                                 MI_BATCH_BUFFER_END };
    const uint32_t blt_ggtt[] = { MI_STORE_DATA_IMM | SDI_DWORD_LEN |
                                  MI_USE_GGTT, 0, 0, 0, MI_BATCH_BUFFER_END };
    const uint32_t blt_no_end[] = { MI_NOOP, MI_NOOP };
    uint32_t ggtt_pc[6] = { PIPE_CONTROL, 1u << 24 | 1u << 14, 0, 0, 0, 0 };
    Dev d;
    Work w;

    if (dev_open(&d, 170)) {
        bad_ring(&d, "MI_UPDATE_GTT", IGVT_HOST_ENGINE_RCS, update_gtt, 3);
        bad_ring(&d, "register load of RING_MODE", IGVT_HOST_ENGINE_BCS,
                 lri_ring_mode, 3);
        bad_ring(&d, "register load of a fence", IGVT_HOST_ENGINE_RCS,
                 lri_fence, 3);
        bad_ring(&d, "register store of GFX_FLSH_CNTL", IGVT_HOST_ENGINE_VCS,
                 srm_gtt, 4);
        bad_ring(&d, "batch end in the ring", IGVT_HOST_ENGINE_RCS, bb_end, 2);
        bad_ring(&d, "a command cut short", IGVT_HOST_ENGINE_RCS, truncated, 2);
        bad_ring(&d, "PIPE_CONTROL on the blitter", IGVT_HOST_ENGINE_BCS,
                 pipe_control, 6);
        ggtt_pc[2] = (uint32_t)d.slice.low_base - 64;
        bad_ring(&d, "PIPE_CONTROL writing the GGTT outside the slice",
                 IGVT_HOST_ENGINE_RCS, ggtt_pc, 6);
        bad_ring(&d, "batch start to a batch not submitted",
                 IGVT_HOST_ENGINE_RCS, unknown_bbs, 3);
        bad_blt_batch(&d, "blitter batch loading a register", blt_lri, 4);
        bad_blt_batch(&d, "blitter batch storing to the GGTT", blt_ggtt, 5);
        bad_blt_batch(&d, "blitter batch without an end", blt_no_end, 2);
        work_init(&w, &d);
        emit_sdi(w.ring, &w.nring, va_of(0), false, 1);
        w.reg[0].offset = 0x2244;
        w.nreg = 1;
        refused("register state with a register not carried over",
                work_submit(&d, &w, IGVT_HOST_ENGINE_RCS, 0, NULL), -EINVAL);
        /* and the descriptor still works */
        exec_engine(&d, IGVT_HOST_ENGINE_BCS);
        mem_check(&d, "after the refusals");
    }
    dev_close(&d);
    conclude(name, "privileged commands, registers, GGTT operands and batch "
             "starts the module does not allow refused");
}

/* A closed descriptor is gone; its aperture mapping lives until unmapped */
static void attack_use_after_close(const char *name, unsigned arg)
{
    struct igvt_host_info info;
    uint8_t *ap = MAP_FAILED;
    int fd;
    Dev d;

    if (dev_open(&d, 180)) {
        ap = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, 0);
        if (ap == MAP_FAILED) {
            problem("mmap: %s", strerror(errno));
        }
    }
    if (!why[0]) {
        fd = d.fd;
        close(d.fd);
        d.fd = -1;
        refused("GET_INFO after close", call(fd, IGVT_HOST_GET_INFO, &info),
                -EBADF);
        memset(ap, 0x3c, 64);
        memset(d.want, 0x3c, 64);
        mem_check(&d, "aperture write after close");
    }
    if (ap != MAP_FAILED) {
        munmap(ap, PAGE);
    }
    dev_close(&d);
    conclude(name, "calls on a closed descriptor fail with EBADF; its "
             "aperture mapping worked until unmapped");
}

/* Results of a child process: one line through a pipe, empty if fine */
static void child_report(int wfd)
{
    ssize_t n = write(wfd, why, strlen(why));

    (void)n;
    _exit(0);
}

static void child_collect(int rfd, pid_t pid, const char *what)
{
    char buf[sizeof(why)];
    ssize_t n = read(rfd, buf, sizeof(buf) - 1);
    int status;

    waitpid(pid, &status, 0);
    if (n > 0) {
        buf[n] = 0;
        problem("%s: %s", what, buf);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        problem("%s: the child process died (status 0x%x)", what, status);
    }
}

/*
 * Another process: on the inherited descriptor every call is EPERM; on
 * its own descriptor the first one's handles are unknown
 */
static void attack_second_process(const char *name, unsigned arg)
{
    struct igvt_host_info info;
    struct igvt_host_event ev;
    int pfd[2];
    pid_t pid;
    void *p;
    Dev d, c;

    if (dev_open(&d, 190) && pipe(pfd) == 0) {
        fflush(stdout);
        pid = fork();
        if (pid == 0) {
            close(pfd[0]);
            refused("GET_INFO on the parent's descriptor",
                    call(d.fd, IGVT_HOST_GET_INFO, &info), -EPERM);
            refused("GGTT entry on the parent's descriptor",
                    set_ggtt(&d, low_gm(&d, 1), d.handle), -EPERM);
            p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, d.fd, 0);
            refused("mmap of the parent's descriptor",
                    p == MAP_FAILED ? -errno : 0, -EPERM);
            refused("read of the parent's descriptor",
                    read(d.fd, &ev, sizeof(ev)) < 0 ? -errno : 0, -EPERM);
            if (dev_open(&c, 191)) {
                refused("GGTT entry to the parent's handle",
                        set_ggtt(&c, low_gm(&c, 1), d.handle + 1), -ENOENT);
                mem_check(&c, "own memory");
            }
            child_report(pfd[1]);
        }
        close(pfd[1]);
        child_collect(pfd[0], pid, "second process");
        close(pfd[0]);
        mem_check(&d, "the first process's memory");
    }
    dev_close(&d);
    conclude(name, "an inherited descriptor refuses the other process, "
             "whose own descriptor knows none of the first one's handles");
}

/*
 * The child of attack_killed round @round: open and set up, say ready
 * (or not) on @wfd, then do what it is killed in, forever
 */
static void killed_child(int round, int wfd)
{
    struct igvt_host_unpin u;
    struct igvt_host_event ev;
    uint64_t h;
    unsigned b, e;
    char c;
    Dev d;
    Work w;

    if (dev_open(&d, 200 + round) && round == 0) {
        /* a batch that starts itself, on rcs and on bcs */
        for (e = 0; e < 2; e++) {
            work_init(&w, &d);
            emit_bbs(w.ring, &w.nring, va_of(PG_LOOP + e), true);
            b = add_batch(&w, va_of(PG_LOOP + e), true);
            emit_bbs(w.bb[b], &w.nbb[b], va_of(PG_LOOP + e), true);
            ok("SUBMIT of a loop", work_submit(&d, &w, e, 0, NULL));
        }
    }
    c = why[0] ? 'x' : 'r';
    if (write(wfd, &c, 1) != 1 || c == 'x') {
        _exit(1);
    }
    for (;;) {
        switch (round) {
        case 0:
            pause();
            break;
        case 1:
            if (dev_pin(&d, d.mem, MEM_PAGES, &h) == 0) {
                u.handle = h;
                call(d.fd, IGVT_HOST_UNPIN, &u);
            }
            break;
        default:
            /* workloads back to back: mostly inside SUBMIT or on the GPU */
            work_init(&w, &d);
            emit_sdi(w.ring, &w.nring, va_of(PG_STORES), false, 1);
            if (submit_retry(&d, &w, IGVT_HOST_ENGINE_BCS, 0, NULL) == 0) {
                wait_event(&d, &ev);
            }
        }
    }
}

/*
 * Processes killed with work on the GPU, and in the middle of calls: a
 * child puts a loop on two engines, another pins and unpins without end,
 * a third submits without end; each gets SIGKILL.  The module must
 * release everything (the test bed then looks at its counters).
 */
static void attack_killed(const char *name, unsigned arg)
{
    int pfd[2];
    pid_t pid;
    char c;

    for (int round = 0; round < 3 && !why[0]; round++) {
        if (pipe(pfd)) {
            problem("pipe: %s", strerror(errno));
            break;
        }
        fflush(stdout);
        pid = fork();
        if (pid == 0) {
            close(pfd[0]);
            killed_child(round, pfd[1]);
        }
        close(pfd[1]);
        if (read(pfd[0], &c, 1) != 1 || c != 'r') {
            problem("round %d: the child did not get ready", round);
        }
        usleep(round ? 300 * 1000 : 100 * 1000);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        close(pfd[0]);
    }
    conclude(name, "processes killed with loops on rcs and bcs, inside "
             "PIN/UNPIN calls and inside back-to-back SUBMITs");
}

/* A check or attack: its name, and an argument (an engine, or unused) */
typedef void CheckFn(const char *name, unsigned arg);

static const struct {
    const char *name;
    CheckFn *run;
    unsigned arg;
} checks[] = {
    { .name = "info", .run = check_info },
    { .name = "aperture", .run = check_aperture },
    { .name = "exec-rcs", .run = check_exec, .arg = IGVT_HOST_ENGINE_RCS },
    { .name = "exec-bcs", .run = check_exec, .arg = IGVT_HOST_ENGINE_BCS },
    { .name = "exec-vcs", .run = check_exec, .arg = IGVT_HOST_ENGINE_VCS },
    { .name = "exec-vecs", .run = check_exec, .arg = IGVT_HOST_ENGINE_VECS },
    { .name = "exec-all-engines", .run = check_exec_all },
    { .name = "ggtt-batch-bcs", .run = check_ggtt_batch },
    { .name = "register-state", .run = check_regs },
    { .name = "busy", .run = check_busy },
    { .name = "reset-rcs", .run = check_reset, .arg = IGVT_HOST_ENGINE_RCS },
    { .name = "reset-bcs", .run = check_reset, .arg = IGVT_HOST_ENGINE_BCS },
}, attacks[] = {
    { .name = "out-of-slice", .run = attack_out_of_slice },
    { .name = "foreign-handle", .run = attack_foreign_handle },
    { .name = "stale-handle", .run = attack_stale_handle },
    { .name = "double-unpin", .run = attack_double_unpin },
    { .name = "huge-counts", .run = attack_huge_counts },
    { .name = "unaligned", .run = attack_unaligned },
    { .name = "flags", .run = attack_flags },
    { .name = "commands", .run = attack_commands },
    { .name = "use-after-close", .run = attack_use_after_close },
    { .name = "second-process", .run = attack_second_process },
    { .name = "killed", .run = attack_killed },
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

int main(int argc, char **argv)
{
    unsigned i;

    if (argc == 2 && !strcmp(argv[1], "--list")) {
        for (i = 0; i < ARRAY_LEN(checks); i++) {
            printf("%s\n", checks[i].name);
        }
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "--attacks")) {
        for (i = 0; i < ARRAY_LEN(attacks); i++) {
            printf("%s\n", attacks[i].name);
        }
        return 0;
    }
    if (argc == 3 && !strcmp(argv[1], "attack")) {
        for (i = 0; i < ARRAY_LEN(attacks); i++) {
            if (!strcmp(argv[2], attacks[i].name)) {
                attacks[i].run(attacks[i].name, attacks[i].arg);
                return failed ? 1 : 0;
            }
        }
        fprintf(stderr, "no attack %s\n", argv[2]);
        return 2;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: %s [--list | --attacks | attack NAME]\n",
                argv[0]);
        return 2;
    }
    for (i = 0; i < ARRAY_LEN(checks); i++) {
        checks[i].run(checks[i].name, checks[i].arg);
    }
    printf("SUMMARY %u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}

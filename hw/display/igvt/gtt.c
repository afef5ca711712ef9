/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the global GTT (BAR0 + 8 MiB) and the aperture (BAR2).
 *
 * The guest's GGTT is kept as written (the virtual GGTT).  Graphics memory
 * is partitioned between vGPUs, so a PTE index is a host GGTT index too;
 * every write inside the vGPU's slices is validated and programmed into
 * the backend's host GGTT: a present entry must point at guest RAM, and
 * anything else points at the scratch page.  Writes outside the slices are
 * dropped.  CPU accesses to the aperture go through the host GGTT to guest
 * memory; nothing outside the guest is reachable either way.
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "migration/vmstate.h"
#include "igvt.h"
#include "backend.h"
#include "trace.h"

/*
 * Guest GGTT writes take effect in the record at once, but reach the host
 * GGTT in runs: the entries written since it was last programmed
 * accumulate in [pend_lo, pend_hi), and igvt_gtt_flush() validates them
 * in one pass and programs them in one backend call when something may
 * use them: any register access (i915 writes GFX_FLSH_CNTL after a bind,
 * and ELSP to submit work), an aperture access, a console refresh; or
 * when a write lands more than IGVT_GTT_PENDING_GAP entries away from the
 * run.  Hardware, too, only promises the GPU a GGTT update after the
 * invalidation.  Under KVM the GGTT is also coalesced MMIO (igvt.c):
 * writes queue in the kernel and arrive in a batch, flushed before any
 * other access to the device.
 */
#define IGVT_GTT_PENDING_GAP    64

/* A run of guest RAM the validation of consecutive entries reuses */
typedef struct IgvtRamRun {
    uint64_t lo, hi;
} IgvtRamRun;

/*
 * What the host GGTT entry @index should hold for the guest's entry: its
 * page if present and guest RAM, else the scratch page (0)
 */
static uint64_t igvt_gtt_host_pte(IgvtState *s, uint64_t index,
                                  IgvtRamRun *run)
{
    uint64_t pte = s->gtt.entries[index];
    uint64_t addr = pte & IGVT_PTE_ADDR_MASK;

    if (!(pte & IGVT_PTE_PRESENT)) {
        return 0;
    }
    if (addr < run->lo || addr + IGVT_GTT_PAGE_SIZE > run->hi) {
        run->lo = addr;
        run->hi = addr + igvt_dma_ram_extent(s, addr);
    }
    if (run->hi - addr < IGVT_GTT_PAGE_SIZE) {
        s->counters.ggtt_invalid_ptes++;
        IGVT_GUEST_ERR(igvt_err_ggtt_pte, "GGTT entry %" PRIu64 " = 0x%"
                       PRIx64 " is not guest RAM; using the scratch page",
                       index, pte);
        return 0;
    }
    return addr | IGVT_HOST_PTE_VALID;
}

/*
 * The record of host entries is read by the GPU worker (workload
 * preparation) without the BQL: each entry changes atomically.  An entry
 * of which one half was written keeps its host entry, even in a run of
 * entries written around it (igvt_gtt_write_half).
 */
static void igvt_gtt_set_host(IgvtState *s, uint64_t first, uint64_t count,
                              bool validate)
{
    IgvtRamRun run = { 0, 0 };
    uint64_t i;

    for (i = first; i < first + count; i++) {
        if (validate && s->gtt.partial_halves && i == s->gtt.partial_index) {
            continue;
        }
        qatomic_set(&s->gtt.host[i],
                    validate ? igvt_gtt_host_pte(s, i, &run) : 0);
    }
}

/* Program host entries [@first, @first + @count) from the record */
static void igvt_gtt_program(IgvtState *s, uint64_t first, uint64_t count)
{
    static bool reported;
    Error *err = NULL;

    trace_igvt_ggtt_program(first, count);
    s->counters.ggtt_backend_calls++;
    s->counters.ggtt_backend_entries += count;
    if (!igvt_backend_ggtt_set_range(s->backend, first, count,
                                     &s->gtt.host[first], &err)) {
        /* The host could not take them: they point at the scratch page */
        igvt_gtt_set_host(s, first, count, false);
        warn_report_once_cond(&reported, "igvt: the backend refused GGTT "
                              "entries (%s); they point at the scratch page",
                              error_get_pretty(err));
        error_free(err);
    }
}

void igvt_gtt_flush(IgvtState *s)
{
    IgvtGtt *g = &s->gtt;
    uint32_t first = g->pend_lo, count = g->pend_hi - g->pend_lo;

    if (!count) {
        return;
    }
    g->pend_lo = g->pend_hi = 0;
    if (s->failsafe) {
        /* Nothing reaches the backend in failsafe mode */
        return;
    }
    igvt_gtt_set_host(s, first, count, true);
    igvt_gtt_program(s, first, count);
    igvt_console_gm_changed(s, (uint64_t)first * IGVT_GTT_PAGE_SIZE,
                            (uint64_t)count * IGVT_GTT_PAGE_SIZE);
}

/* Entry @index was written: it joins the run the host GGTT is owed */
static void igvt_gtt_update_host(IgvtState *s, uint32_t index)
{
    IgvtGtt *g = &s->gtt;

    if (g->pend_lo != g->pend_hi &&
        (index + IGVT_GTT_PENDING_GAP < g->pend_lo ||
         index > g->pend_hi + IGVT_GTT_PENDING_GAP)) {
        igvt_gtt_flush(s);
    }
    if (g->pend_lo == g->pend_hi) {
        g->pend_lo = index;
        g->pend_hi = index + 1;
    } else {
        g->pend_lo = MIN(g->pend_lo, index);
        g->pend_hi = MAX(g->pend_hi, index + 1);
    }
}

bool igvt_ggtt_lookup(IgvtState *s, uint64_t index, uint64_t *dma)
{
    uint64_t host;

    if (!igvt_gm_in_slice(s, index * IGVT_GTT_PAGE_SIZE,
                          IGVT_GTT_PAGE_SIZE)) {
        return false;
    }
    host = qatomic_read(&s->gtt.host[index]);
    *dma = host & IGVT_PTE_ADDR_MASK;
    return host & IGVT_HOST_PTE_VALID;
}

/*
 * A PTE written as two dwords takes effect once both halves have arrived,
 * in either order; until then the host keeps the old entry.  One entry at
 * a time can be half written (guests write the halves back to back); a
 * half of another entry starts over with that one.
 */
static void igvt_gtt_write_half(IgvtState *s, uint32_t index, bool high,
                                uint32_t val)
{
    IgvtGtt *g = &s->gtt;
    uint32_t half = high ? IGVT_GTT_HALF_HIGH : IGVT_GTT_HALF_LOW;

    g->entries[index] = deposit64(g->entries[index], high ? 32 : 0, 32, val);
    if (g->partial_index != index) {
        g->partial_index = index;
        g->partial_halves = 0;
    }
    g->partial_halves |= half;
    if (g->partial_halves == (IGVT_GTT_HALF_LOW | IGVT_GTT_HALF_HIGH)) {
        g->partial_halves = 0;
        igvt_gtt_update_host(s, index);
    }
}

static uint64_t igvt_gtt_read(void *opaque, hwaddr addr, unsigned size)
{
    IgvtState *s = opaque;
    uint64_t pte;

    if (igvt_vga_lfb_access(s, IGVT_GTT_OFFSET + addr, &pte, size, false)) {
        return pte;
    }
    if ((size != 4 && size != 8) || (addr & (size - 1))) {
        s->counters.mmio_invalid++;
        IGVT_GUEST_ERR(igvt_err_ggtt_access, "%u-byte read at GGTT offset "
                       "0x%" HWADDR_PRIx, size, addr);
        return 0;
    }
    pte = s->gtt.entries[addr / IGVT_GTT_PTE_SIZE];
    return size == 8 ? pte : extract64(pte, (addr & 4) * 8, 32);
}

static void igvt_gtt_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    IgvtState *s = opaque;
    uint32_t index = addr / IGVT_GTT_PTE_SIZE;
    uint64_t gm = (uint64_t)index * IGVT_GTT_PAGE_SIZE;

    if (igvt_vga_lfb_access(s, IGVT_GTT_OFFSET + addr, &val, size, true)) {
        return;
    }
    if ((size != 4 && size != 8) || (addr & (size - 1))) {
        s->counters.mmio_invalid++;
        IGVT_GUEST_ERR(igvt_err_ggtt_access, "%u-byte write at GGTT offset "
                       "0x%" HWADDR_PRIx, size, addr);
        return;
    }
    s->counters.ggtt_writes++;
    trace_igvt_ggtt_write(index, addr & 4, size, val);
    if (!igvt_gm_in_slice(s, gm, IGVT_GTT_PAGE_SIZE)) {
        s->counters.ggtt_dropped++;
        IGVT_GUEST_ERR(igvt_err_ggtt_outside, "GGTT entry %u (GM 0x%" PRIx64
                       ") is outside the vGPU's slices; write dropped",
                       index, gm);
        return;
    }
    if (size == 8) {
        s->gtt.entries[index] = val;
        if (s->gtt.partial_index == index) {
            s->gtt.partial_halves = 0;
        }
        igvt_gtt_update_host(s, index);
    } else {
        igvt_gtt_write_half(s, index, addr & 4, val);
    }
}

const MemoryRegionOps igvt_gtt_ops = {
    .read = igvt_gtt_read,
    .write = igvt_gtt_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    IGVT_MMIO_ANY_ACCESS,
};

/*
 * Serve @size bytes of an aperture access at @addr (a graphics memory
 * address) through the fences and the host GGTT, as the CPU sees it: a
 * fenced range is a linear view of tiled memory; only the aperture slice
 * is CPU-visible, even past the BAR's end; each piece reaches guest RAM
 * or nowhere (reads zero, writes dropped).
 */
static void igvt_aperture_access(IgvtState *s, hwaddr addr, uint8_t *buf,
                                 unsigned size, bool is_write)
{
    AddressSpace *as = pci_get_address_space(PCI_DEVICE(s));
    const IgvtSlice *sl = &s->slice;
    uint64_t gm, chunk, page;
    unsigned done;
    IgvtFence f;

    igvt_gtt_flush(s);
    for (done = 0; done < size; done += chunk) {
        chunk = size - done;
        gm = addr + done;
        if (igvt_fence_find(s, gm, &f)) {
            gm = igvt_fence_detile(&f, gm, &chunk);
        }
        chunk = MIN(chunk, IGVT_GTT_PAGE_SIZE - gm % IGVT_GTT_PAGE_SIZE);
        if (addr + done < sl->low_base ||
            addr + done + chunk > sl->low_base + sl->low_size ||
            gm < sl->low_base || gm + chunk > sl->low_base + sl->low_size ||
            !igvt_ggtt_lookup(s, gm / IGVT_GTT_PAGE_SIZE, &page)) {
            s->counters.aperture_faults++;
            IGVT_GUEST_ERR(igvt_err_aperture, "%u-byte %s at aperture offset "
                           "0x%" HWADDR_PRIx " outside the vGPU's slice or "
                           "unmapped", size, is_write ? "write" : "read",
                           addr);
            continue;
        }
        page |= gm % IGVT_GTT_PAGE_SIZE;
        if (igvt_dma_rw(as, page, buf + done, chunk, is_write, NULL) !=
            IGVT_MEM_OK) {
            s->counters.aperture_faults++;
            IGVT_GUEST_ERR(igvt_err_aperture_target, "%u-byte %s at aperture "
                           "offset 0x%" HWADDR_PRIx " reaches 0x%" PRIx64
                           ", which is not guest RAM", (unsigned)chunk,
                           is_write ? "write" : "read", addr + done, page);
        }
    }
}

static MemTxResult igvt_aperture_read(void *opaque, hwaddr addr,
                                      uint64_t *data, unsigned size,
                                      MemTxAttrs attrs)
{
    IgvtState *s = opaque;
    uint8_t buf[8] = { 0 };

    s->counters.aperture_reads++;
    igvt_aperture_access(s, addr, buf, size, false);
    *data = ldn_le_p(buf, size);
    trace_igvt_aperture_read(addr, size, *data);
    return MEMTX_OK;
}

static MemTxResult igvt_aperture_write(void *opaque, hwaddr addr,
                                       uint64_t data, unsigned size,
                                       MemTxAttrs attrs)
{
    IgvtState *s = opaque;
    uint8_t buf[8];

    s->counters.aperture_writes++;
    trace_igvt_aperture_write(addr, size, data);
    stn_le_p(buf, size, data);
    igvt_aperture_access(s, addr, buf, size, true);
    return MEMTX_OK;
}

const MemoryRegionOps igvt_aperture_ops = {
    .read_with_attrs = igvt_aperture_read,
    .write_with_attrs = igvt_aperture_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    IGVT_MMIO_ANY_ACCESS,
};

bool igvt_gtt_init(IgvtState *s, Error **errp)
{
    s->gtt.num_entries = IGVT_GTT_ENTRIES;
    s->gtt.entries = g_try_new0(uint64_t, s->gtt.num_entries);
    s->gtt.host = g_try_new0(uint64_t, s->gtt.num_entries);
    if (!s->gtt.entries || !s->gtt.host) {
        igvt_gtt_fini(s);
        error_setg(errp, "igvt: cannot allocate the virtual GGTT");
        return false;
    }
    return true;
}

void igvt_gtt_fini(IgvtState *s)
{
    g_free(s->gtt.entries);
    s->gtt.entries = NULL;
    g_free(s->gtt.host);
    s->gtt.host = NULL;
}

/* Point every entry of a slice at the scratch page, in one update */
static void igvt_gtt_clear_host(IgvtState *s, uint64_t base, uint64_t size)
{
    uint64_t first = base / IGVT_GTT_PAGE_SIZE;
    uint64_t count = size / IGVT_GTT_PAGE_SIZE;

    igvt_gtt_set_host(s, first, count, false);
    igvt_gtt_program(s, first, count);
}

/* Validate every entry of a slice, and program them in one update */
static void igvt_gtt_load_host(IgvtState *s, uint64_t base, uint64_t size)
{
    uint64_t first = base / IGVT_GTT_PAGE_SIZE;
    uint64_t count = size / IGVT_GTT_PAGE_SIZE;
    igvt_gtt_set_host(s, first, count, true);
    igvt_gtt_program(s, first, count);
}

void igvt_gtt_reset(IgvtState *s)
{
    memset(s->gtt.entries, 0, s->gtt.num_entries * sizeof(uint64_t));
    s->gtt.partial_halves = 0;
    s->gtt.pend_lo = s->gtt.pend_hi = 0;
    igvt_gtt_clear_host(s, s->slice.low_base, s->slice.low_size);
    igvt_gtt_clear_host(s, s->slice.high_base, s->slice.high_size);
}

/*
 * Reprogram the host GGTT from the migrated virtual GGTT.  Entries are
 * validated against the destination's memory map as loaded so far: state
 * loads in the order devices were created, and the machine's own (the
 * MCH's PAM and SMRAM windows on q35) precedes any igvt-vga, so entries
 * below 1 MiB see the guest's map, not the reset one.
 */
int igvt_gtt_post_load(IgvtState *s)
{
    if (s->gtt.partial_halves & ~(IGVT_GTT_HALF_LOW | IGVT_GTT_HALF_HIGH)) {
        return -EINVAL;
    }
    s->gtt.pend_lo = s->gtt.pend_hi = 0;
    if (s->failsafe) {
        /* Nothing reaches the backend in failsafe mode */
        igvt_gtt_clear_host(s, s->slice.low_base, s->slice.low_size);
        igvt_gtt_clear_host(s, s->slice.high_base, s->slice.high_size);
    } else {
        igvt_gtt_load_host(s, s->slice.low_base, s->slice.low_size);
        igvt_gtt_load_host(s, s->slice.high_base, s->slice.high_size);
    }
    igvt_console_invalidate(s);
    return 0;
}

const VMStateDescription vmstate_igvt_gtt = {
    .name = "igvt/ggtt",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32_EQUAL(num_entries, IgvtGtt, NULL),
        VMSTATE_VARRAY_UINT32(entries, IgvtGtt, num_entries, 1,
                              vmstate_info_uint64, uint64_t),
        VMSTATE_UINT32(partial_index, IgvtGtt),
        VMSTATE_UINT32(partial_halves, IgvtGtt),
        VMSTATE_END_OF_LIST()
    },
};

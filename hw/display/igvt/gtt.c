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
#include "qapi/error.h"
#include "system/dma.h"
#include "exec/memory.h"
#include "igvt.h"
#include "backend.h"
#include "trace.h"

bool igvt_gm_in_slice(IgvtState *s, uint64_t addr, uint64_t size)
{
    const IgvtSlice *sl = &s->slice;

    if (size == 0 || addr + size < addr) {
        return false;
    }
    return (addr >= sl->low_base && addr + size <= sl->low_base + sl->low_size)
        || (addr >= sl->high_base &&
            addr + size <= sl->high_base + sl->high_size);
}

/* Is [addr, addr + size) guest RAM, as the device sees memory? */
bool igvt_dma_is_ram(IgvtState *s, uint64_t addr, uint64_t size)
{
    AddressSpace *as = pci_get_address_space(&s->parent_obj);
    MemoryRegion *mr;
    hwaddr xlat, len = size;

    RCU_READ_LOCK_GUARD();
    mr = address_space_translate(as, addr, &xlat, &len, true,
                                 MEMTXATTRS_UNSPECIFIED);
    return memory_region_is_ram(mr) && !memory_region_is_ram_device(mr) &&
           !memory_region_is_romd(mr) && len >= size;
}

/*
 * Read or write @len bytes of graphics memory at @gm through the host
 * GGTT, as the GPU does: only inside the vGPU's slices, only through
 * valid entries.  False if any byte could not be reached (nothing is
 * written then for a write; a read fills what it could not reach with 0).
 */
bool igvt_gm_rw(IgvtState *s, uint64_t gm, void *buf, size_t len,
                bool is_write)
{
    PCIDevice *dev = PCI_DEVICE(s);
    uint8_t *p = buf;
    uint64_t page, chunk;
    size_t done;

    if (!len) {
        return true;
    }
    if (!igvt_gm_in_slice(s, gm, len)) {
        if (!is_write) {
            memset(buf, 0, len);
        }
        return false;
    }
    for (done = 0; done < len; done += chunk) {
        uint64_t a = gm + done;

        chunk = MIN(len - done, IGVT_GTT_PAGE_SIZE - (a % IGVT_GTT_PAGE_SIZE));
        if (!igvt_backend_ggtt_get(s->backend, a / IGVT_GTT_PAGE_SIZE,
                                   &page)) {
            if (!is_write) {
                memset(p + done, 0, len - done);
            }
            return false;
        }
        page |= a % IGVT_GTT_PAGE_SIZE;
        /*
         * Entries were checked when written, but guest memory can change
         * since; the GPU worker must never reach an MMIO region.
         */
        if (!igvt_dma_is_ram(s, page, chunk)) {
            if (!is_write) {
                memset(p + done, 0, len - done);
            }
            return false;
        }
        if ((is_write ? pci_dma_write(dev, page, p + done, chunk) :
                        pci_dma_read(dev, page, p + done, chunk)) != MEMTX_OK) {
            return false;
        }
    }
    return true;
}

/* Validate entry @index and program the host GGTT accordingly */
static void igvt_gtt_update_host(IgvtState *s, uint32_t index)
{
    uint64_t pte = s->gtt.entries[index];
    uint64_t addr = pte & IGVT_PTE_ADDR_MASK;
    bool valid = false;

    if (s->failsafe) {
        return;
    }
    if (pte & IGVT_PTE_PRESENT) {
        valid = igvt_dma_is_ram(s, addr, IGVT_GTT_PAGE_SIZE);
        if (!valid) {
            s->counters.ggtt_invalid_ptes++;
            IGVT_GUEST_ERR(igvt_err_ggtt_pte, "GGTT entry %u = 0x%" PRIx64
                           " is not guest RAM; using the scratch page",
                           index, pte);
        }
    }
    igvt_backend_ggtt_set(s->backend, index, addr, valid);
    /* Remapping the scanout: the console must read it all again */
    if ((uint64_t)index * IGVT_GTT_PAGE_SIZE - s->display.scan_base <
        s->display.scan_size) {
        s->display.dirty = true;
    }
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
 * Translate aperture offset @addr (a graphics memory address) of an access
 * of @size bytes that stays within one page.  False if it cannot be served.
 */
static bool igvt_aperture_translate(IgvtState *s, hwaddr addr, unsigned size,
                                    bool is_write, dma_addr_t *dma)
{
    const IgvtSlice *sl = &s->slice;
    uint64_t page;

    /* Only the aperture slice is CPU-visible, even past the BAR's end */
    if (addr < sl->low_base || addr + size > sl->low_base + sl->low_size ||
        !igvt_backend_ggtt_get(s->backend, addr / IGVT_GTT_PAGE_SIZE,
                               &page)) {
        s->counters.aperture_faults++;
        IGVT_GUEST_ERR(igvt_err_aperture, "%u-byte %s at aperture offset 0x%"
                       HWADDR_PRIx " outside the vGPU's slice or unmapped",
                       size, is_write ? "write" : "read", addr);
        return false;
    }
    *dma = page | (addr & (IGVT_GTT_PAGE_SIZE - 1));
    return true;
}

static MemTxResult igvt_aperture_read(void *opaque, hwaddr addr,
                                      uint64_t *data, unsigned size,
                                      MemTxAttrs attrs)
{
    IgvtState *s = opaque;
    uint8_t buf[8] = { 0 };
    dma_addr_t dma;
    unsigned i;

    s->counters.aperture_reads++;
    if (addr / IGVT_GTT_PAGE_SIZE == (addr + size - 1) / IGVT_GTT_PAGE_SIZE) {
        if (igvt_aperture_translate(s, addr, size, false, &dma)) {
            pci_dma_read(&s->parent_obj, dma, buf, size);
        }
    } else {
        for (i = 0; i < size; i++) {
            if (igvt_aperture_translate(s, addr + i, 1, false, &dma)) {
                pci_dma_read(&s->parent_obj, dma, &buf[i], 1);
            }
        }
    }
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
    dma_addr_t dma;
    unsigned i;

    s->counters.aperture_writes++;
    trace_igvt_aperture_write(addr, size, data);
    stn_le_p(buf, size, data);
    if (addr / IGVT_GTT_PAGE_SIZE == (addr + size - 1) / IGVT_GTT_PAGE_SIZE) {
        if (igvt_aperture_translate(s, addr, size, true, &dma)) {
            pci_dma_write(&s->parent_obj, dma, buf, size);
        }
    } else {
        for (i = 0; i < size; i++) {
            if (igvt_aperture_translate(s, addr + i, 1, true, &dma)) {
                pci_dma_write(&s->parent_obj, dma, &buf[i], 1);
            }
        }
    }
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
    if (!s->gtt.entries) {
        error_setg(errp, "igvt: cannot allocate the virtual GGTT");
        return false;
    }
    return true;
}

void igvt_gtt_fini(IgvtState *s)
{
    g_free(s->gtt.entries);
    s->gtt.entries = NULL;
}

/* Point every entry of the vGPU's slices at the scratch page */
static void igvt_gtt_clear_host(IgvtState *s, uint64_t base, uint64_t size)
{
    uint64_t i;

    for (i = base / IGVT_GTT_PAGE_SIZE;
         i < (base + size) / IGVT_GTT_PAGE_SIZE; i++) {
        igvt_backend_ggtt_set(s->backend, i, 0, false);
    }
}

void igvt_gtt_reset(IgvtState *s)
{
    memset(s->gtt.entries, 0, s->gtt.num_entries * sizeof(uint64_t));
    s->gtt.partial_halves = 0;
    igvt_gtt_clear_host(s, s->slice.low_base, s->slice.low_size);
    igvt_gtt_clear_host(s, s->slice.high_base, s->slice.high_size);
}

/* Reprogram the host GGTT from the migrated virtual GGTT */
int igvt_gtt_post_load(IgvtState *s)
{
    uint64_t i;

    igvt_gtt_clear_host(s, s->slice.low_base, s->slice.low_size);
    igvt_gtt_clear_host(s, s->slice.high_base, s->slice.high_size);
    for (i = 0; i < s->gtt.num_entries; i++) {
        if (igvt_gm_in_slice(s, i * IGVT_GTT_PAGE_SIZE, IGVT_GTT_PAGE_SIZE)) {
            igvt_gtt_update_host(s, i);
        }
    }
    return 0;
}

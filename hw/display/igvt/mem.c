/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: guest memory as the GPU reaches it.
 *
 * Every access the device makes on the GPU's behalf goes through
 * igvt_dma_rw(): the workload copier, the software GPU on its worker
 * thread, CSB and status page writes, the aperture and the console's
 * fallback reads.  The rules:
 *
 *  - Only memory QEMU can copy directly: RAM, and ROM (or a ROM device
 *    in ROMD mode) for reads; only writable RAM for writes.  Never a RAM
 *    device (another device's BAR backed by host memory) or MMIO.  An
 *    access that would dispatch to a device fails instead, so the GPU
 *    worker never takes the BQL (which a drain holding the BQL would wait
 *    on for ever) and no device is re-entered from the GPU's accesses.
 *  - The check and the access use one translation:
 *    address_space_cache_init() translates once, takes a reference to the
 *    RAM it found and gives the host pointer the copy goes through.  If
 *    the guest changes its memory map meanwhile, the access completes on
 *    the RAM it started on, as a DMA in flight on hardware would; it never
 *    lands on whatever the address means now.  (A quick look under RCU
 *    first refuses what is not RAM without taking a reference, so the
 *    worker never holds the last reference to a device.)
 *  - No IOMMU may sit between the device and guest memory: an IOMMU
 *    model translates and reports faults under the BQL, so realize
 *    refuses one (igvt_mem_check_iommu).
 *  - Writes are reported to QEMU's dirty tracking (migration, the console
 *    and TCG's translated code) like any DMA.
 *  - A caller that must be stoppable (the worker, for engine resets and
 *    drains) passes a stop flag, checked before every page.
 *
 * On top of that, graphics memory: through the host GGTT inside the vGPU's
 * slices (igvt_gm_access), and through the guest's PPGTT (igvt_engine_mem).
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/rcu.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "hw/pci/pci_device.h"
#include "igvt.h"
#include "backend.h"
#include "ppgtt.h"
#include "trace.h"

static const char *const igvt_mem_errors[] = {
    [IGVT_MEM_OK] = "no error",
    [IGVT_MEM_UNMAPPED] = "address outside the vGPU's graphics memory",
    [IGVT_MEM_NOT_RAM] = "address is not guest RAM",
    [IGVT_MEM_READ_ONLY] = "address is read-only memory",
    [IGVT_MEM_STOPPED] = "engine reset",
};

const char *igvt_mem_strerror(IgvtMemStatus st)
{
    return st < ARRAY_SIZE(igvt_mem_errors) ? igvt_mem_errors[st] : "?";
}

/* May @mr be copied directly, for a write if @is_write? */
static bool igvt_mem_direct(MemoryRegion *mr, bool is_write)
{
    return memory_access_is_direct(mr, is_write, MEMTXATTRS_UNSPECIFIED);
}

/*
 * One piece of an access: copy it through a single translation, or say
 * why not.  *done is how many bytes were copied.
 */
static IgvtMemStatus igvt_dma_piece(AddressSpace *as, uint64_t addr,
                                    uint8_t *buf, uint64_t len,
                                    bool is_write, uint64_t *done)
{
    MemoryRegionCache cache;
    IgvtMemStatus st = IGVT_MEM_OK;
    MemoryRegion *mr;
    hwaddr xlat, plen = len;
    int64_t got;

    WITH_RCU_READ_LOCK_GUARD() {
        mr = address_space_translate(as, addr, &xlat, &plen, is_write,
                                     MEMTXATTRS_UNSPECIFIED);
        if (!igvt_mem_direct(mr, is_write)) {
            /* Tell a read-only RAM page from something that is not RAM */
            return is_write && igvt_mem_direct(mr, false) ?
                   IGVT_MEM_READ_ONLY : IGVT_MEM_NOT_RAM;
        }
    }
    got = address_space_cache_init(&cache, as, addr, MIN(len, plen),
                                   is_write);
    if (got <= 0 || !cache.ptr) {
        /* The memory map changed since the look above */
        st = IGVT_MEM_NOT_RAM;
    } else {
        len = MIN(len, got);
        if (is_write) {
            address_space_write_cached(&cache, 0, buf, len);
            address_space_cache_invalidate(&cache, 0, len);
        } else {
            address_space_read_cached(&cache, 0, buf, len);
        }
        *done = len;
    }
    address_space_cache_destroy(&cache);
    return st;
}

IgvtMemStatus igvt_dma_rw(AddressSpace *as, uint64_t addr, void *buf,
                          uint64_t len, bool is_write, const bool *stop)
{
    uint8_t *p = buf;
    uint64_t done;
    IgvtMemStatus st;

    if (addr + len < addr) {
        return IGVT_MEM_NOT_RAM;
    }
    while (len) {
        if (stop && qatomic_read(stop)) {
            return IGVT_MEM_STOPPED;
        }
        done = 0;
        st = igvt_dma_piece(as, addr, p, len, is_write, &done);
        if (st != IGVT_MEM_OK) {
            trace_igvt_dma_refused(addr, len, is_write, st);
            return st;
        }
        addr += done;
        p += done;
        len -= done;
    }
    return IGVT_MEM_OK;
}

bool igvt_mem_check_iommu(IgvtState *s, Error **errp)
{
    PCIDevice *dev = PCI_DEVICE(s);

    if (pci_device_iommu_address_space(dev) != &address_space_memory) {
        error_setg(errp, "igvt: igvt-vga does not work behind an IOMMU "
                   "(the device's DMA would be translated outside the BQL); "
                   "remove the IOMMU or put the device on a bus it does not "
                   "translate");
        return false;
    }
    return true;
}

bool igvt_dma_is_ram(IgvtState *s, uint64_t addr, uint64_t size)
{
    AddressSpace *as = pci_get_address_space(PCI_DEVICE(s));
    MemoryRegion *mr;
    hwaddr xlat, len = size;

    RCU_READ_LOCK_GUARD();
    mr = address_space_translate(as, addr, &xlat, &len, true,
                                 MEMTXATTRS_UNSPECIFIED);
    return igvt_mem_direct(mr, true) && len >= size;
}

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

IgvtMemStatus igvt_gm_access(IgvtState *s, uint64_t gm, void *buf,
                             size_t len, bool is_write, const bool *stop)
{
    AddressSpace *as = pci_get_address_space(PCI_DEVICE(s));
    IgvtMemStatus st = IGVT_MEM_OK;
    uint8_t *p = buf;
    uint64_t page, chunk;
    size_t done;

    if (!len) {
        return IGVT_MEM_OK;
    }
    if (!igvt_gm_in_slice(s, gm, len)) {
        st = IGVT_MEM_UNMAPPED;
        done = 0;
    } else {
        for (done = 0; done < len; done += chunk) {
            uint64_t a = gm + done;

            chunk = MIN(len - done,
                        IGVT_GTT_PAGE_SIZE - (a % IGVT_GTT_PAGE_SIZE));
            if (!igvt_backend_ggtt_get(s->backend, a / IGVT_GTT_PAGE_SIZE,
                                       &page)) {
                st = IGVT_MEM_UNMAPPED;
                break;
            }
            st = igvt_dma_rw(as, page | (a % IGVT_GTT_PAGE_SIZE), p + done,
                             chunk, is_write, stop);
            if (st != IGVT_MEM_OK) {
                break;
            }
        }
    }
    if (st != IGVT_MEM_OK && !is_write) {
        memset(p + done, 0, len - done);
    }
    return st;
}

typedef struct IgvtPteRead {
    AddressSpace *as;
    const bool *stop;
} IgvtPteRead;

static bool igvt_pte_read(void *opaque, uint64_t addr, uint64_t *entry)
{
    IgvtPteRead *r = opaque;
    uint64_t le;

    if (igvt_dma_rw(r->as, addr, &le, sizeof(le), false, r->stop) !=
        IGVT_MEM_OK) {
        return false;
    }
    *entry = le64_to_cpu(le);
    return true;
}

bool igvt_engine_mem(IgvtState *s, uint64_t pml4, bool ggtt, uint64_t addr,
                     void *buf, size_t len, bool is_write, const bool *stop,
                     const char **why)
{
    IgvtPteRead r = {
        .as = pci_get_address_space(PCI_DEVICE(s)),
        .stop = stop,
    };
    IgvtMemStatus st;
    uint8_t *p = buf;
    uint64_t pa, plen;
    size_t done, chunk;

    if (ggtt) {
        st = igvt_gm_access(s, addr, buf, len, is_write, stop);
        if (st != IGVT_MEM_OK) {
            *why = st == IGVT_MEM_UNMAPPED ?
                   "global address outside the vGPU's memory" :
                   igvt_mem_strerror(st);
            return false;
        }
        return true;
    }
    for (done = 0; done < len; done += chunk) {
        if (!igvt_ppgtt_translate(pml4, addr + done, igvt_pte_read, &r, &pa,
                                  &plen, why)) {
            if (stop && qatomic_read(stop)) {
                *why = igvt_mem_strerror(IGVT_MEM_STOPPED);
            }
            return false;
        }
        chunk = MIN(len - done, plen);
        st = igvt_dma_rw(r.as, pa, p + done, chunk, is_write, stop);
        if (st != IGVT_MEM_OK) {
            *why = st == IGVT_MEM_STOPPED ? igvt_mem_strerror(st) :
                   "PPGTT page is not guest RAM";
            return false;
        }
    }
    return true;
}

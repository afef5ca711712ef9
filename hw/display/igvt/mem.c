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
 * On top of that, graphics memory as the vGPU reaches it (gpu-mem.c):
 * through the host GGTT the mediation programmed, inside the vGPU's
 * slices (igvt_gm_access), and through the guest's PPGTT
 * (igvt_engine_mem).  The software GPU does the same with its own GGTT,
 * handed only the vGPU's DMA (IgvtDma).
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/rcu.h"
#include "qapi/error.h"
#include "exec/memory.h"
#include "hw/pci/pci_device.h"
#include "igvt.h"
#include "backend.h"
#include "trace.h"

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

uint64_t igvt_dma_ram_extent(IgvtState *s, uint64_t addr)
{
    AddressSpace *as = pci_get_address_space(PCI_DEVICE(s));
    MemoryRegion *mr;
    hwaddr xlat, len = UINT64_MAX - addr;

    RCU_READ_LOCK_GUARD();
    mr = address_space_translate(as, addr, &xlat, &len, true,
                                 MEMTXATTRS_UNSPECIFIED);
    return igvt_mem_direct(mr, true) ? len : 0;
}

bool igvt_dma_is_ram(IgvtState *s, uint64_t addr, uint64_t size)
{
    return igvt_dma_ram_extent(s, addr) >= size;
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

/* The vGPU's own DMA: its device address space, RAM only */
static IgvtMemStatus igvt_vgpu_dma(void *opaque, uint64_t addr, void *buf,
                                   uint64_t len, bool is_write,
                                   const bool *stop)
{
    IgvtState *s = opaque;

    return igvt_dma_rw(pci_get_address_space(PCI_DEVICE(s)), addr, buf, len,
                       is_write, stop);
}

static bool igvt_vgpu_ggtt(void *opaque, uint64_t index, uint64_t *dma)
{
    return igvt_ggtt_lookup(opaque, index, dma);
}

void igvt_mem_init(IgvtState *s)
{
    s->gpu_mem = (IgvtGpuMem) {
        .ggtt = igvt_vgpu_ggtt,
        .ggtt_opaque = s,
        .dma = { .rw = igvt_vgpu_dma, .opaque = s },
    };
}

IgvtMemStatus igvt_gm_access(IgvtState *s, uint64_t gm, void *buf,
                             size_t len, bool is_write, const bool *stop)
{
    const char *why;

    return igvt_gpu_mem_rw(&s->gpu_mem, 0, true, gm, buf, len, is_write,
                           stop, &why);
}

bool igvt_engine_mem(IgvtState *s, uint64_t pml4, bool ggtt, uint64_t addr,
                     void *buf, size_t len, bool is_write, const bool *stop,
                     const char **why)
{
    return igvt_gpu_mem_rw(&s->gpu_mem, pml4, ggtt, addr, buf, len, is_write,
                           stop, why) == IGVT_MEM_OK;
}

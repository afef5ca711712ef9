/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: walking a guest's Gen8+ 4-level PPGTT (see ppgtt.h).
 *
 * Levels: PML4 (VA bits 47:39), PDP (38:30), PD (29:21), PT (20:12).  A
 * PD entry with PS set maps a 2 MiB page; with IPS set, its page table
 * holds 64 KiB pages, one entry per 16 slots (the first of each group).
 * 1 GiB pages are not used by i915 on Gen9 and are refused.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/bitops.h"
#include "ppgtt.h"

static bool igvt_ppgtt_entry(uint64_t table, unsigned index,
                             IgvtPpgttReadFn *read, void *opaque,
                             uint64_t *entry, const char **why)
{
    if (!read(opaque, (table & IGVT_PPGTT_ADDR_MASK) + index * 8, entry)) {
        *why = "page table not in guest memory";
        return false;
    }
    if (!(*entry & IGVT_PPGTT_PRESENT)) {
        *why = "address not mapped";
        return false;
    }
    return true;
}

bool igvt_ppgtt_translate(uint64_t pml4, uint64_t va, IgvtPpgttReadFn *read,
                          void *opaque, uint64_t *pa, uint64_t *len,
                          const char **why)
{
    uint64_t e;
    unsigned pt_index;

    if (va >> IGVT_PPGTT_VA_BITS) {
        *why = "address beyond 48 bits";
        return false;
    }
    if (!igvt_ppgtt_entry(pml4, extract64(va, 39, 9), read, opaque, &e, why) ||
        !igvt_ppgtt_entry(e, extract64(va, 30, 9), read, opaque, &e, why)) {
        return false;
    }
    if (e & IGVT_PPGTT_PS) {
        *why = "1 GiB pages are not supported";
        return false;
    }
    if (!igvt_ppgtt_entry(e, extract64(va, 21, 9), read, opaque, &e, why)) {
        return false;
    }
    if (e & IGVT_PPGTT_PS) {
        *pa = (e & IGVT_PPGTT_ADDR_MASK & ~(2 * MiB - 1)) +
              extract64(va, 0, 21);
        *len = 2 * MiB - extract64(va, 0, 21);
        return true;
    }
    if (e & IGVT_PPGTT_IPS_64K) {
        /* 64 KiB pages: the entry of the group's first 4 KiB slot */
        pt_index = extract64(va, 16, 5) * 16;
        if (!igvt_ppgtt_entry(e, pt_index, read, opaque, &e, why)) {
            return false;
        }
        *pa = (e & IGVT_PPGTT_ADDR_MASK & ~(64 * KiB - 1)) +
              extract64(va, 0, 16);
        *len = 64 * KiB - extract64(va, 0, 16);
        return true;
    }
    if (!igvt_ppgtt_entry(e, extract64(va, 12, 9), read, opaque, &e, why)) {
        return false;
    }
    *pa = (e & IGVT_PPGTT_ADDR_MASK) + extract64(va, 0, 12);
    *len = 4 * KiB - extract64(va, 0, 12);
    return true;
}

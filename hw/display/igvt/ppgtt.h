/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: walking a guest's Gen8+ 4-level (48-bit) PPGTT.
 *
 * Pure logic: the caller reads page-table entries through a callback
 * (guest physical memory), so unit tests can feed any table, hostile ones
 * included.  Every entry is checked before it is followed.
 */

#ifndef HW_DISPLAY_IGVT_PPGTT_H
#define HW_DISPLAY_IGVT_PPGTT_H

#define IGVT_PPGTT_PRESENT      (1ull << 0)
#define IGVT_PPGTT_PS           (1ull << 7)     /* PDE: 2 MiB page */
#define IGVT_PPGTT_IPS_64K      (1ull << 11)    /* PDE: table of 64 KiB pages */
#define IGVT_PPGTT_ADDR_MASK    0x0000fffffffff000ull
#define IGVT_PPGTT_VA_BITS      48

/* Read the 8-byte entry at guest physical @addr; false if unreachable */
typedef bool IgvtPpgttReadFn(void *opaque, uint64_t addr, uint64_t *entry);

/*
 * Translate graphics virtual address @va through the tables rooted at
 * @pml4 (the context's PDP0).  On success, *pa is the guest physical
 * address of @va and *len how many bytes from there are contiguous in the
 * same page (4 KiB, 64 KiB or 2 MiB).  False and *why for a non-present
 * or malformed entry, a 1 GiB page, or an address beyond 48 bits.
 */
bool igvt_ppgtt_translate(uint64_t pml4, uint64_t va, IgvtPpgttReadFn *read,
                          void *opaque, uint64_t *pa, uint64_t *len,
                          const char **why);

#endif /* HW_DISPLAY_IGVT_PPGTT_H */

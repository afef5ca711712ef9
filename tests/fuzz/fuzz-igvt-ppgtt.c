/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the 4-level PPGTT walker (ppgtt.c).
 *
 * Input: the root, the address to translate, then a pool of 8-byte page
 * table entries.  Every guest physical address the walker reads maps to
 * one entry of the pool (a hash of the address), so the fuzzer controls
 * each level of the walk with a small input; addresses above 1 TiB are
 * unreachable, as guest memory that does not exist.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/display/igvt/ppgtt.h"
#include "fuzz-input.h"

#define REACHABLE       (1ull << 40)

typedef struct Pool {
    const uint64_t *entries;
    size_t nr;
    unsigned reads;
} Pool;

static bool pool_read(void *opaque, uint64_t addr, uint64_t *entry)
{
    Pool *pool = opaque;

    pool->reads++;
    igvt_fuzz_check(!(addr & 7));
    if (!pool->nr || addr >= REACHABLE) {
        return false;
    }
    *entry = le64_to_cpu(pool->entries[(addr >> 3 ^ addr >> 12) % pool->nr]);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    IgvtFuzzInput in = { data, size };
    uint64_t pml4 = igvt_fuzz_u64(&in);
    uint64_t va = igvt_fuzz_u64(&in);
    uint64_t pa = 0, len = 0;
    const char *why = NULL;
    size_t bytes;
    Pool pool;

    pool.entries = igvt_fuzz_rest(&in, &bytes);
    pool.nr = bytes / sizeof(uint64_t);
    pool.reads = 0;

    if (igvt_ppgtt_translate(pml4, va, pool_read, &pool, &pa, &len, &why)) {
        /* the rest of a 4 KiB, 64 KiB or 2 MiB page, ending on its end */
        igvt_fuzz_check(len >= 1 && len <= 2 * MiB);
        igvt_fuzz_check(!((pa + len) & (4 * KiB - 1)));
        igvt_fuzz_check(!((va + len) & (4 * KiB - 1)));
        igvt_fuzz_check(va < (1ull << IGVT_PPGTT_VA_BITS));
    } else {
        igvt_fuzz_check(why != NULL);
    }
    /* one entry per level at most */
    igvt_fuzz_check(pool.reads <= 4);
    g_free((void *)pool.entries);
    return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for igvt's Gen8+ 4-level PPGTT walker
 * (hw/display/igvt/ppgtt.c), fed well-formed and hostile tables.
 *
 * The Gen8+ facts the expected values are computed from (as Linux i915
 * uses them, gt/gen8_ppgtt.c, and GVT-g shadows them, gvt/gtt.c): a
 * 48-bit graphics virtual address is split 9/9/9/9/12 into PML4, PDP,
 * PD and PT indices and a page offset; every table is one 4 KiB page of
 * 512 little-endian 8-byte entries; bit 0 of an entry is "present" and
 * bits 47:12 the address of the next table or page.  A PD entry with
 * bit 7 (PS) set maps a 2 MiB page; with bit 11 (IPS) set on Gen9 its
 * page table maps 64 KiB pages, and only every 16th entry (the first
 * of each group of 16) is used, the hardware ignoring the other 15
 * (i915 writes them all, and its selftests scrub them to catch a GPU
 * that reads them).  A PDP entry with PS would be a 1 GiB page, which
 * i915 never uses on Gen9 and the walker refuses.
 *
 * Guest memory is a sparse table of 8-byte words (address -> value);
 * every read the walker makes is logged, so tests also check which
 * entries it read, and that no walk reads more than four of them.
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "hw/display/igvt/ppgtt.h"

#define PRESENT         (1ull << 0)
#define PS              (1ull << 7)
#define IPS             (1ull << 11)
#define ADDR_BITS       0x0000fffffffff000ull   /* bits 47:12 */
#define MAX_READS       16

#define WHY_UNMAPPED    "address not mapped"
#define WHY_UNREACHABLE "page table not in guest memory"
#define WHY_1G          "1 GiB pages are not supported"
#define WHY_VA          "address beyond 48 bits"

typedef struct Mem {
    GHashTable *words;          /* guint64 address -> guint64 value */
    uint64_t fail_lo, fail_hi;  /* reads in [lo, hi) fail */
    unsigned nr_reads;
    uint64_t reads[MAX_READS];  /* the addresses read, in order */
} Mem;

static Mem *mem_new(void)
{
    Mem *m = g_new0(Mem, 1);

    m->words = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                     g_free);
    return m;
}

static void mem_free(Mem *m)
{
    g_hash_table_destroy(m->words);
    g_free(m);
}

static void mem_put(Mem *m, uint64_t addr, uint64_t v)
{
    g_hash_table_replace(m->words, g_memdup2(&addr, sizeof(addr)),
                         g_memdup2(&v, sizeof(v)));
}

/* Entry @index of the table at @table */
static void put_entry(Mem *m, uint64_t table, unsigned index, uint64_t v)
{
    g_assert_cmpuint(table % 4096, ==, 0);
    g_assert_cmpuint(index, <, 512);
    mem_put(m, table + index * 8ull, v);
}

/*
 * The callback: memory that was never written reads as zero (a
 * non-present entry), except inside the failing window; unaligned reads
 * are a walker bug.
 */
static bool mem_read(void *opaque, uint64_t addr, uint64_t *entry)
{
    Mem *m = opaque;
    uint64_t *v;

    g_assert_cmpuint(addr % 8, ==, 0);
    g_assert_cmpuint(m->nr_reads, <, MAX_READS);
    m->reads[m->nr_reads++] = addr;
    if (addr >= m->fail_lo && addr < m->fail_hi) {
        return false;
    }
    v = g_hash_table_lookup(m->words, &addr);
    *entry = v ? *v : 0;
    return true;
}

/* A graphics virtual address from its four indices and page offset */
static uint64_t va_of(unsigned l4, unsigned l3, unsigned l2, unsigned l1,
                      uint64_t off)
{
    return (uint64_t)l4 << 39 | (uint64_t)l3 << 30 | (uint64_t)l2 << 21 |
           (uint64_t)l1 << 12 | off;
}

typedef struct Result {
    bool ok;
    uint64_t pa, len;
    const char *why;
    unsigned reads;
} Result;

static Result walk(Mem *m, uint64_t pml4, uint64_t va)
{
    Result r = { .pa = 0xdeadull, .len = 0xdeadull, .why = NULL };

    m->nr_reads = 0;
    r.ok = igvt_ppgtt_translate(pml4, va, mem_read, m, &r.pa, &r.len, &r.why);
    r.reads = m->nr_reads;
    if (r.ok) {
        /* the contiguous run never ends beyond the 48-bit space */
        g_assert_cmpuint(r.len, >=, 1);
    } else {
        g_assert_nonnull(r.why);
    }
    return r;
}

static void assert_maps(Mem *m, uint64_t pml4, uint64_t va, uint64_t pa,
                        uint64_t len)
{
    Result r = walk(m, pml4, va);

    if (!r.ok) {
        g_test_message("va 0x%" PRIx64 ": %s", va, r.why);
    }
    g_assert_true(r.ok);
    g_assert_cmphex(r.pa, ==, pa);
    g_assert_cmphex(r.len, ==, len);
}

static void assert_refused(Mem *m, uint64_t pml4, uint64_t va,
                           const char *why, unsigned reads)
{
    Result r = walk(m, pml4, va);

    g_assert_false(r.ok);
    g_assert_cmpstr(r.why, ==, why);
    g_assert_cmpuint(r.reads, ==, reads);
}

/*
 * Tables used by most tests: PML4 at 0x10000, and for (l4, l3, l2) =
 * (1, 2, 3) a PDP at 0x11000, a PD at 0x12000 and a PT at 0x13000.
 * Physical pages of the 4 KiB mappings: PT index i -> 0x100000 + i * 8K
 * (every other page, so that contiguity must come from the walker, not
 * from the layout).
 */
#define PML4        0x10000ull
#define PDP         0x11000ull
#define PD          0x12000ull
#define PT          0x13000ull
#define PT64K       0x14000ull
#define L4          1
#define L3          2
#define L2          3
#define PAGE_PA(i)  (0x100000ull + (uint64_t)(i) * 0x2000)

static Mem *mem_4level(void)
{
    Mem *m = mem_new();
    unsigned i;

    put_entry(m, PML4, L4, PDP | PRESENT);
    put_entry(m, PDP, L3, PD | PRESENT);
    put_entry(m, PD, L2, PT | PRESENT);
    for (i = 0; i < 512; i += 3) {
        put_entry(m, PT, i, PAGE_PA(i) | PRESENT | 2);     /* RW as i915 */
    }
    return m;
}

static void test_4k(void)
{
    Mem *m = mem_4level();
    const uint64_t offs[] = { 0, 1, 4, 0x7ff, 0x800, 0xff8, 0xfff };
    unsigned i, k;

    for (i = 0; i < 512; i += 3) {
        for (k = 0; k < G_N_ELEMENTS(offs); k++) {
            assert_maps(m, PML4, va_of(L4, L3, L2, i, offs[k]),
                        PAGE_PA(i) + offs[k], 4096 - offs[k]);
        }
    }
    /* exactly the four entries of the path, top down */
    assert_maps(m, PML4, va_of(L4, L3, L2, 9, 0x123), PAGE_PA(9) + 0x123,
                4096 - 0x123);
    g_assert_cmpuint(m->nr_reads, ==, 4);
    g_assert_cmphex(m->reads[0], ==, PML4 + L4 * 8);
    g_assert_cmphex(m->reads[1], ==, PDP + L3 * 8);
    g_assert_cmphex(m->reads[2], ==, PD + L2 * 8);
    g_assert_cmphex(m->reads[3], ==, PT + 9 * 8);
    /* the pages in between are not mapped */
    assert_refused(m, PML4, va_of(L4, L3, L2, 1, 0), WHY_UNMAPPED, 4);
    assert_refused(m, PML4, va_of(L4, L3, L2, 511, 0xfff), WHY_UNMAPPED, 4);
    mem_free(m);
}

/* The highest indices at every level, and the last byte of the space */
static void test_4k_top(void)
{
    Mem *m = mem_new();
    uint64_t va = va_of(511, 511, 511, 511, 0xfff);

    g_assert_cmphex(va, ==, (1ull << 48) - 1);
    put_entry(m, PML4, 511, PDP | PRESENT);
    put_entry(m, PDP, 511, PD | PRESENT);
    put_entry(m, PD, 511, PT | PRESENT);
    put_entry(m, PT, 511, 0x7654321000ull | PRESENT);
    assert_maps(m, PML4, va, 0x7654321fffull, 1);
    assert_maps(m, PML4, va - 0xfff, 0x7654321000ull, 4096);
    g_assert_cmphex(m->reads[0], ==, PML4 + 511 * 8);
    g_assert_cmphex(m->reads[3], ==, PT + 511 * 8);
    mem_free(m);
}

/* 64 KiB pages: PDE with IPS, one PTE in 16 used */
static void test_64k(void)
{
    Mem *m = mem_4level();
    const uint64_t offs[] = { 0, 1, 0xfff, 0x1000, 0x3abc, 0xfffc, 0xffff };
    const uint64_t scratch = 0x7000ull;
    uint64_t base;
    unsigned g, s, k;

    put_entry(m, PD, L2 + 1, PT64K | PRESENT | IPS);
    /*
     * Group g at 0x4000000 + g * 128 KiB (64 KiB aligned, not adjacent);
     * the 15 surplus entries of each group point at a scratch page, so
     * a walker that used them would be caught.
     */
    for (g = 0; g < 32; g++) {
        if (g == 5) {
            continue;                   /* one group left unmapped */
        }
        put_entry(m, PT64K, g * 16, (0x4000000ull + g * 0x20000) | PRESENT);
        for (s = 1; s < 16; s++) {
            put_entry(m, PT64K, g * 16 + s, scratch | PRESENT);
        }
    }
    for (g = 0; g < 32; g++) {
        if (g == 5) {
            continue;
        }
        base = 0x4000000ull + g * 0x20000;
        for (k = 0; k < G_N_ELEMENTS(offs); k++) {
            uint64_t va = va_of(L4, L3, L2 + 1, 0, (uint64_t)g << 16 |
                                offs[k]);

            assert_maps(m, PML4, va, base + offs[k], 64 * KiB - offs[k]);
            g_assert_cmpuint(m->nr_reads, ==, 4);
            g_assert_cmphex(m->reads[3], ==, PT64K + g * 16 * 8);
        }
    }
    /* group 5: its first entry is not present, the surplus ones are */
    put_entry(m, PT64K, 5 * 16 + 1, scratch | PRESENT);
    assert_refused(m, PML4, va_of(L4, L3, L2 + 1, 0, 5 << 16 | 0x1000),
                   WHY_UNMAPPED, 4);
    g_assert_cmphex(m->reads[3], ==, PT64K + 5 * 16 * 8);

    /*
     * A 64 KiB PTE whose address is not 64 KiB aligned: bits 15:12 are
     * not part of a 64 KiB page's address and are ignored.
     */
    put_entry(m, PT64K, 6 * 16, 0x4567000ull | PRESENT);
    assert_maps(m, PML4, va_of(L4, L3, L2 + 1, 0, 6 << 16 | 0x1234),
                0x4561234ull, 64 * KiB - 0x1234);
    mem_free(m);
}

/* 2 MiB pages: PDE with PS, no PT read */
static void test_2m(void)
{
    Mem *m = mem_4level();
    const uint64_t offs[] = { 0, 1, 0xfff, 0x1000, 0x10000, 0x12345,
                              0x1ffff8, 0x1fffff };
    unsigned k;

    put_entry(m, PD, 10, 0x40000000ull | PRESENT | PS);
    for (k = 0; k < G_N_ELEMENTS(offs); k++) {
        assert_maps(m, PML4, va_of(L4, L3, 10, 0, offs[k]),
                    0x40000000ull + offs[k], 2 * MiB - offs[k]);
        g_assert_cmpuint(m->nr_reads, ==, 3);
    }
    /* address bits 20:12 of a 2 MiB PDE are ignored */
    put_entry(m, PD, 11, 0x401ff000ull | PRESENT | PS);
    assert_maps(m, PML4, va_of(L4, L3, 11, 0x1ff, 0xabc), 0x401ffabcull,
                2 * MiB - 0x1ffabc);
    /* PS wins over IPS */
    put_entry(m, PD, 12, 0x80000000ull | PRESENT | PS | IPS);
    assert_maps(m, PML4, va_of(L4, L3, 12, 3, 0x10), 0x80003010ull,
                2 * MiB - 0x3010);
    /* a non-present PDE is not a page, PS or not */
    put_entry(m, PD, 13, 0x40000000ull | PS);
    assert_refused(m, PML4, va_of(L4, L3, 13, 0, 0), WHY_UNMAPPED, 3);
    mem_free(m);
}

/* Each level's entry missing in turn: refused after that many reads */
static void test_not_present(void)
{
    const uint64_t va = va_of(L4, L3, L2, 6, 0x10);
    const uint64_t tables[] = { PML4, PDP, PD, PT };
    const unsigned idx[] = { L4, L3, L2, 6 };
    unsigned level;

    for (level = 0; level < 4; level++) {
        Mem *m = mem_4level();

        assert_maps(m, PML4, va, PAGE_PA(6) + 0x10, 4096 - 0x10);
        /* the address still there, only the present bit cleared */
        put_entry(m, tables[level], idx[level],
                  (level < 3 ? tables[level + 1] : PAGE_PA(6)) | 2);
        assert_refused(m, PML4, va, WHY_UNMAPPED, level + 1);
        /* and an all-zero entry */
        put_entry(m, tables[level], idx[level], 0);
        assert_refused(m, PML4, va, WHY_UNMAPPED, level + 1);
        mem_free(m);
    }
}

/* A PDPE with PS (a 1 GiB page) is refused, present or pointing anywhere */
static void test_1g(void)
{
    Mem *m = mem_4level();

    put_entry(m, PDP, 7, 0x40000000ull | PRESENT | PS);
    assert_refused(m, PML4, va_of(L4, 7, 0, 0, 0), WHY_1G, 2);
    assert_refused(m, PML4, va_of(L4, 7, 511, 511, 0xfff), WHY_1G, 2);
    /* with IPS as well, or a zero address: still a 1 GiB page */
    put_entry(m, PDP, 8, PRESENT | PS | IPS);
    assert_refused(m, PML4, va_of(L4, 8, 1, 2, 3), WHY_1G, 2);
    /* without present it is simply not mapped */
    put_entry(m, PDP, 9, 0x40000000ull | PS);
    assert_refused(m, PML4, va_of(L4, 9, 0, 0, 0), WHY_UNMAPPED, 2);
    mem_free(m);
}

/*
 * Addresses beyond 48 bits are refused before any read, canonical
 * (sign-extended) upper-half forms included: the command decoder keeps
 * only bits 47:0 of an address, so a walk never sees them from a guest.
 */
static void test_va_range(void)
{
    Mem *m = mem_new();
    const uint64_t bad[] = {
        1ull << 48, (1ull << 48) | 0x1000, 0xffff800000000000ull,
        0xffffffffffffffffull, 1ull << 63, 0x0001000000000fffull,
    };
    unsigned i;

    /* every table maps everything to one page: any walk would succeed */
    for (i = 0; i < 512; i++) {
        put_entry(m, PML4, i, PML4 | PRESENT);
    }
    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        assert_refused(m, PML4, bad[i], WHY_VA, 0);
    }
    /* the highest valid address is walked */
    assert_maps(m, PML4, (1ull << 48) - 1, PML4 + 0xfff, 1);
    mem_free(m);
}

/* The read callback fails (not guest RAM) at each level in turn */
static void test_read_fails(void)
{
    const uint64_t va = va_of(L4, L3, L2, 6, 0);
    const uint64_t entry_addr[] = {
        PML4 + L4 * 8, PDP + L3 * 8, PD + L2 * 8, PT + 6 * 8,
    };
    unsigned level;

    for (level = 0; level < 4; level++) {
        Mem *m = mem_4level();

        m->fail_lo = entry_addr[level];
        m->fail_hi = entry_addr[level] + 8;
        assert_refused(m, PML4, va, WHY_UNREACHABLE, level + 1);
        g_assert_cmphex(m->reads[level], ==, entry_addr[level]);
        if (level == 3) {
            /* only that PTE is unreadable: its neighbour's path is fine */
            assert_maps(m, PML4, va + 0x3000, PAGE_PA(9), 4096);
        }
        mem_free(m);
    }
    /* the 64 KiB table read failing */
    {
        Mem *m = mem_4level();

        put_entry(m, PD, 20, PT64K | PRESENT | IPS);
        put_entry(m, PT64K, 32, 0x4000000ull | PRESENT);
        m->fail_lo = PT64K;
        m->fail_hi = PT64K + 4096;
        assert_refused(m, PML4, va_of(L4, L3, 20, 0, 2 << 16), WHY_UNREACHABLE,
                       4);
        mem_free(m);
    }
}

/*
 * Entries pointing back at the PML4: the walk is four reads, whatever
 * the tables say, so a loop cannot make it spin.  A PML4 entry pointing
 * at the PML4 itself maps, through all four levels, the PML4 page as
 * data (a "recursive" mapping): that is guest RAM like any other.
 */
static void test_self_map(void)
{
    Mem *m = mem_new();
    const uint64_t root = 0x123000ull;          /* not 64 KiB aligned */
    GRand *rnd = g_rand_new_with_seed(0x9e3779b9);
    unsigned i;

    put_entry(m, root, 0x20, root | PRESENT);
    assert_maps(m, root, va_of(0x20, 0x20, 0x20, 0x20, 0x5a8),
                root + 0x5a8, 4096 - 0x5a8);
    g_assert_cmpuint(m->nr_reads, ==, 4);
    for (i = 0; i < 4; i++) {
        g_assert_cmphex(m->reads[i], ==, root + 0x20 * 8);
    }
    /* a different index at any level finds a zero entry */
    assert_refused(m, root, va_of(0x20, 0x20, 0x21, 0x20, 0), WHY_UNMAPPED,
                   3);

    /* with PS: at the PDP level it is a 1 GiB page */
    put_entry(m, root, 0x20, root | PRESENT | PS);
    assert_refused(m, root, va_of(0x20, 0x20, 0x20, 0x20, 0), WHY_1G, 2);

    /*
     * With IPS (ignored at PML4 and PDP): at the PD level the entry says
     * "64 KiB pages", so the PT read is slot (va >> 16 & 31) * 16, which
     * is 0x20 for va bits 20:16 = 2, and the 64 KiB page's address drops
     * bits 15:12 of the root.
     */
    put_entry(m, root, 0x20, root | PRESENT | IPS);
    assert_maps(m, root, va_of(0x20, 0x20, 0x20, 0x20, 0x5a8),
                0x120000ull + 0x5a8, 64 * KiB - 0x5a8);
    assert_maps(m, root, va_of(0x20, 0x20, 0x20, 0x2f, 0xfff),
                0x120000ull + 0xffff, 1);

    /* every entry of the root pointing at the root: any va, 4 reads */
    for (i = 0; i < 512; i++) {
        put_entry(m, root, i, root | PRESENT);
    }
    for (i = 0; i < 2000; i++) {
        uint64_t va = ((uint64_t)g_rand_int(rnd) << 32 | g_rand_int(rnd)) &
                      ((1ull << 48) - 1);

        assert_maps(m, root, va, root + (va & 0xfff), 4096 - (va & 0xfff));
        g_assert_cmpuint(m->nr_reads, ==, 4);
    }
    /* and a loop between two tables: root, other, root, other -> root */
    put_entry(m, 0x200000, 7, root | PRESENT);
    put_entry(m, root, 7, 0x200000 | PRESENT);
    assert_maps(m, root, va_of(7, 7, 7, 7, 8), root + 8, 4096 - 8);
    g_assert_cmphex(m->reads[1], ==, 0x200000 + 7 * 8);
    g_assert_cmphex(m->reads[3], ==, 0x200000 + 7 * 8);
    g_rand_free(rnd);
    mem_free(m);
}

/*
 * Bits outside an entry's address field: the walker uses bits 47:12
 * (47:16 for a 64 KiB page, 47:21 for a 2 MiB one) and the flag bits it
 * knows (present; PS and IPS in a PDE) and ignores the rest, so a guest
 * cannot reach beyond 48-bit physical addresses through bits 63:48
 * (i915 leaves them zero; GVT-g keeps its own flags in 62:52).  Address
 * bits 47:46, beyond GVT-g's 46-bit host address width, are kept: such
 * a page is not guest RAM and the caller's RAM check refuses it.
 */
static void test_high_bits(void)
{
    Mem *m = mem_new();
    const uint64_t junk = 0xffff000000000000ull | 0x7feull; /* 63:48, 10:1 */
    const uint64_t va = va_of(1, 2, 3, 4, 0x321);

    put_entry(m, PML4, 1, PDP | PRESENT | junk | PS);       /* PS: ignored */
    put_entry(m, PDP, 2, PD | PRESENT | (junk & ~PS) | IPS); /* IPS: ignored */
    put_entry(m, PD, 3, PT | PRESENT | (junk & ~PS));
    put_entry(m, PT, 4, 0xc00012345000ull | PRESENT | junk | IPS);
    assert_maps(m, PML4, va, 0xc00012345321ull, 4096 - 0x321);
    g_assert_cmphex(m->reads[1], ==, PDP + 2 * 8);
    g_assert_cmphex(m->reads[2], ==, PD + 3 * 8);
    g_assert_cmphex(m->reads[3], ==, PT + 4 * 8);

    /* the same junk on 2 MiB and 64 KiB mappings */
    put_entry(m, PD, 5, 0xffff000040000000ull | PRESENT | PS | 0x17e);
    assert_maps(m, PML4, va_of(1, 2, 5, 0, 0x777), 0x40000777ull,
                2 * MiB - 0x777);
    put_entry(m, PD, 6, 0xfff0000000000000ull | PT64K | PRESENT | IPS);
    put_entry(m, PT64K, 16, 0x8000000000050000ull | PRESENT | 0xffe);
    assert_maps(m, PML4, va_of(1, 2, 6, 0, 1 << 16 | 0x42), 0x50042ull,
                64 * KiB - 0x42);
    g_assert_cmphex(m->reads[3], ==, PT64K + 16 * 8);
    mem_free(m);
}

/*
 * The root (the context's PDP0 as the guest wrote it) is used like an
 * entry: bits 11:0 and 63:48 ignored.  Zero is a valid root (a table at
 * guest physical 0).
 */
static void test_root(void)
{
    Mem *m = mem_new();
    const uint64_t roots[] = {
        0x5000, 0x5123, 0x5fff, 0xffff000000005000ull, 0x8000000000005007ull,
    };
    unsigned i;

    put_entry(m, 0x5000, 0, 0x6000 | PRESENT);
    put_entry(m, 0x6000, 0, 0x7000 | PRESENT);
    put_entry(m, 0x7000, 0, 0x8000 | PRESENT);
    put_entry(m, 0x8000, 1, 0x9000 | PRESENT);
    for (i = 0; i < G_N_ELEMENTS(roots); i++) {
        assert_maps(m, roots[i], 0x1008, 0x9008, 4096 - 8);
        g_assert_cmphex(m->reads[0], ==, 0x5000);
    }
    /* root 0: the PML4 at guest physical 0 */
    put_entry(m, 0, 0, 0x6000 | PRESENT);
    assert_maps(m, 0, 0x1010, 0x9010, 4096 - 0x10);
    g_assert_cmphex(m->reads[0], ==, 0);
    /* root 0 with nothing there */
    mem_free(m);
    m = mem_new();
    assert_refused(m, 0, 0x1010, WHY_UNMAPPED, 1);
    g_assert_cmphex(m->reads[0], ==, 0);
    mem_free(m);
}

/*
 * A reference walk, written as a loop over levels, to compare with on
 * random tables: same result, or the same refusal.
 */
static Result ref_walk(Mem *m, uint64_t root, uint64_t va)
{
    static const unsigned shift[] = { 39, 30, 21, 12 };
    Result r = { .ok = false };
    uint64_t table = root & ADDR_BITS, e = 0, *v, size = 4096;
    unsigned level, index;

    if (va >= 1ull << 48) {
        r.why = WHY_VA;
        return r;
    }
    for (level = 0; level < 4; level++) {
        index = (va >> shift[level]) & 511;
        if (level == 3 && size == 64 * KiB) {
            index &= ~15u;
        }
        if (m->fail_hi && table + index * 8 >= m->fail_lo &&
            table + index * 8 < m->fail_hi) {
            r.why = WHY_UNREACHABLE;
            return r;
        }
        v = g_hash_table_lookup(m->words, &(uint64_t){ table + index * 8 });
        e = v ? *v : 0;
        if (!(e & PRESENT)) {
            r.why = WHY_UNMAPPED;
            return r;
        }
        if (level == 1 && (e & PS)) {
            r.why = WHY_1G;
            return r;
        }
        if (level == 2 && (e & PS)) {
            size = 2 * MiB;
            break;
        }
        if (level == 2 && (e & IPS)) {
            size = 64 * KiB;
        }
        table = e & ADDR_BITS;
    }
    r.ok = true;
    r.pa = (e & ADDR_BITS & ~(size - 1)) | (va & (size - 1));
    r.len = size - (va & (size - 1));
    return r;
}

/*
 * Random tables: a few pages full of random entries that point into
 * each other (present or not, PS and IPS anywhere, junk in every bit),
 * walked at random addresses, some of them failing to read.
 */
static void test_fuzz(void)
{
    GRand *rnd = g_rand_new_with_seed(20250101);
    unsigned round, i, ok = 0;

    for (round = 0; round < 40; round++) {
        Mem *m = mem_new();
        uint64_t root = 0x1000ull * g_rand_int_range(rnd, 0, 8);

        if (round % 4 == 3) {
            m->fail_lo = 0x1000ull * g_rand_int_range(rnd, 0, 8);
            m->fail_hi = m->fail_lo + 0x1000;
        }
        for (i = 0; i < 8 * 512; i++) {
            uint64_t e = 0x1000ull * g_rand_int_range(rnd, 0, 8);

            if (g_rand_int_range(rnd, 0, 4)) {
                e |= PRESENT;
            }
            if (!g_rand_int_range(rnd, 0, 6)) {
                e |= PS;
            }
            if (!g_rand_int_range(rnd, 0, 4)) {
                e |= IPS;
            }
            if (!g_rand_int_range(rnd, 0, 8)) {
                e |= (uint64_t)g_rand_int(rnd) << 32 | g_rand_int(rnd);
            }
            mem_put(m, i * 8ull, e);
        }
        for (i = 0; i < 500; i++) {
            uint64_t va = (uint64_t)g_rand_int(rnd) << 32 | g_rand_int(rnd);
            Result got, want;

            /* mostly small indices, so walks hit the populated tables */
            if (g_rand_int_range(rnd, 0, 16)) {
                va &= 0x0000007fffffffffull & ~(0x1f8ull << 30) &
                      ~(0x1f8ull << 21) & ~(0x1f8ull << 12);
                va |= (uint64_t)g_rand_int_range(rnd, 0, 8) << 39;
            }
            got = walk(m, root, va);
            want = ref_walk(m, root, va);
            g_assert_cmpuint(got.reads, <=, 4);
            g_assert_cmpint(got.ok, ==, want.ok);
            if (got.ok) {
                g_assert_cmphex(got.pa, ==, want.pa);
                g_assert_cmphex(got.len, ==, want.len);
                ok++;
            } else {
                g_assert_cmpstr(got.why, ==, want.why);
            }
        }
        mem_free(m);
    }
    /* the tables must have produced successful walks too */
    g_assert_cmpuint(ok, >, 100);
    g_test_message("fuzz: %u of 20000 walks translated", ok);
    g_rand_free(rnd);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/igvt/ppgtt/4k", test_4k);
    g_test_add_func("/igvt/ppgtt/4k-top", test_4k_top);
    g_test_add_func("/igvt/ppgtt/64k", test_64k);
    g_test_add_func("/igvt/ppgtt/2m", test_2m);
    g_test_add_func("/igvt/ppgtt/not-present", test_not_present);
    g_test_add_func("/igvt/ppgtt/1g-refused", test_1g);
    g_test_add_func("/igvt/ppgtt/va-range", test_va_range);
    g_test_add_func("/igvt/ppgtt/read-fails", test_read_fails);
    g_test_add_func("/igvt/ppgtt/hostile/self-map", test_self_map);
    g_test_add_func("/igvt/ppgtt/hostile/high-bits", test_high_bits);
    g_test_add_func("/igvt/ppgtt/hostile/root", test_root);
    g_test_add_func("/igvt/ppgtt/hostile/fuzz", test_fuzz);
    return g_test_run();
}

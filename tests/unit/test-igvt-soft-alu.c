/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the software GPU's command streamer arithmetic
 * (hw/display/igvt/soft-alu.c): every MI_MATH operation with its carry
 * and zero flags, the inverting loads and stores, refused encodings,
 * MI_PREDICATE and MI_CONDITIONAL_BATCH_BUFFER_END.
 */

#include "qemu/osdep.h"
#include "hw/display/igvt/soft-alu.h"

#define I(op, a, b)     IGVT_ALU_INSTR(IGVT_ALU_##op, a, b)
#define LOAD(a, b)      I(LOAD, IGVT_ALU_##a, b)
#define LOADINV(a, b)   I(LOADINV, IGVT_ALU_##a, b)
#define STORE(r, b)     I(STORE, r, IGVT_ALU_##b)
#define STOREINV(r, b)  I(STOREINV, r, IGVT_ALU_##b)
#define OP(op)          I(op, 0, 0)

/* R2 = R0 op R1, R3 = ZF, R4 = CF; the GPRs afterwards in @gpr */
static void binop(uint32_t op, uint64_t a, uint64_t b, uint64_t *gpr)
{
    const uint32_t prog[] = {
        LOAD(SRCA, 0), LOAD(SRCB, 1), I(NOOP, 0, 0) | op << 20,
        STORE(2, ACCU), STORE(3, ZF), STORE(4, CF),
    };
    uint32_t bad = ~0u;

    memset(gpr, 0x5a, IGVT_ALU_GPRS * 8);
    gpr[0] = a;
    gpr[1] = b;
    g_assert_cmpint(igvt_alu_run(gpr, prog, ARRAY_SIZE(prog), &bad), ==,
                    IGVT_ALU_OK);
    g_assert_cmpuint(bad, ==, ~0u);
}

static void check(uint32_t op, uint64_t a, uint64_t b, uint64_t accu,
                  bool zf, bool cf)
{
    uint64_t gpr[IGVT_ALU_GPRS];

    binop(op, a, b, gpr);
    g_assert_cmphex(gpr[2], ==, accu);
    g_assert_cmphex(gpr[3], ==, zf ? UINT64_MAX : 0);
    g_assert_cmphex(gpr[4], ==, cf ? UINT64_MAX : 0);
    /* the sources and the GPRs not stored to are untouched */
    g_assert_cmphex(gpr[0], ==, a);
    g_assert_cmphex(gpr[1], ==, b);
    g_assert_cmphex(gpr[5], ==, 0x5a5a5a5a5a5a5a5aull);
    g_assert_cmphex(gpr[15], ==, 0x5a5a5a5a5a5a5a5aull);
}

static void test_add(void)
{
    check(IGVT_ALU_ADD, 2, 3, 5, false, false);
    /* a carry out of the low dword into the upper one */
    check(IGVT_ALU_ADD, 0xffffffffull, 1, 0x100000000ull, false, false);
    check(IGVT_ALU_ADD, 0x00000001fffffff0ull, 0x0000000200000020ull,
          0x0000000400000010ull, false, false);
    /* out of bit 63: carry, and zero */
    check(IGVT_ALU_ADD, UINT64_MAX, 1, 0, true, true);
    check(IGVT_ALU_ADD, 0x8000000000000000ull, 0x8000000000000001ull, 1,
          false, true);
    check(IGVT_ALU_ADD, 0, 0, 0, true, false);
}

static void test_sub(void)
{
    check(IGVT_ALU_SUB, 10, 3, 7, false, false);
    check(IGVT_ALU_SUB, 7, 7, 0, true, false);
    /* a borrow: SRCA < SRCB sets CF (Mesa's "less than") */
    check(IGVT_ALU_SUB, 3, 10, (uint64_t)-7, false, true);
    check(IGVT_ALU_SUB, 0x100000000ull, 1, 0xffffffffull, false, false);
    check(IGVT_ALU_SUB, 0, UINT64_MAX, 1, false, true);
}

static void test_logic(void)
{
    check(IGVT_ALU_AND, 0xff00ff00ff00ff00ull, 0x0ff00ff00ff00ff0ull,
          0x0f000f000f000f00ull, false, false);
    check(IGVT_ALU_AND, 0xf0, 0x0f, 0, true, false);
    check(IGVT_ALU_OR, 0xf000000000000000ull, 0x0f, 0xf00000000000000full,
          false, false);
    check(IGVT_ALU_OR, 0, 0, 0, true, false);
    check(IGVT_ALU_XOR, 0x1234, 0x1234, 0, true, false);
    check(IGVT_ALU_XOR, 0xffff0000ffff0000ull, UINT64_MAX,
          0x0000ffff0000ffffull, false, false);
}

/* Logic operations clear a carry left by an earlier add */
static void test_logic_clears_carry(void)
{
    uint64_t gpr[IGVT_ALU_GPRS] = { UINT64_MAX, 1 };
    const uint32_t prog[] = {
        LOAD(SRCA, 0), LOAD(SRCB, 1), OP(ADD), STORE(2, CF),
        OP(OR), STORE(3, CF), STORE(4, ZF),
    };
    uint32_t bad;

    g_assert_cmpint(igvt_alu_run(gpr, prog, ARRAY_SIZE(prog), &bad), ==,
                    IGVT_ALU_OK);
    g_assert_cmphex(gpr[2], ==, UINT64_MAX);
    g_assert_cmphex(gpr[3], ==, 0);
    g_assert_cmphex(gpr[4], ==, 0);
}

static void test_inverted(void)
{
    uint64_t gpr[IGVT_ALU_GPRS] = { 0x0123456789abcdefull, 5 };
    const uint32_t prog[] = {
        /* R2 = ~R0 + 0 */
        LOADINV(SRCA, 0), I(LOAD0, IGVT_ALU_SRCB, 0), OP(ADD),
        STORE(2, ACCU),
        /* R3 = ~(R1 - ~0) = ~(R1 + 1), R4 = ~CF (borrow: ~0 > 5) */
        LOAD(SRCA, 1), I(LOAD1, IGVT_ALU_SRCB, 0), OP(SUB),
        STOREINV(3, ACCU), STOREINV(4, CF), STOREINV(5, ZF),
        /* R6 = ACCU reloaded through SRCB, R7 = ~CF through SRCA */
        LOAD(SRCB, IGVT_ALU_ACCU), LOADINV(SRCA, IGVT_ALU_CF), OP(OR),
        STORE(6, ACCU),
        /* loads from ZF; ~0 + ~0 */
        LOAD(SRCA, IGVT_ALU_ZF), LOADINV(SRCB, IGVT_ALU_ZF), OP(XOR),
        STORE(7, ACCU),
    };
    uint32_t bad;

    g_assert_cmpint(igvt_alu_run(gpr, prog, ARRAY_SIZE(prog), &bad), ==,
                    IGVT_ALU_OK);
    g_assert_cmphex(gpr[2], ==, 0xfedcba9876543210ull);
    g_assert_cmphex(gpr[3], ==, ~6ull + 0);
    g_assert_cmphex(gpr[4], ==, 0);
    g_assert_cmphex(gpr[5], ==, UINT64_MAX);
    /* ACCU = 6; SRCA = ~CF = 0: OR gives 6, ZF clear */
    g_assert_cmphex(gpr[6], ==, 6);
    /* ZF clear: SRCA = 0, SRCB = ~0 */
    g_assert_cmphex(gpr[7], ==, UINT64_MAX);
}

/* Every GPR can be a source and a destination; NOOPs do nothing */
static void test_all_gprs(void)
{
    uint64_t gpr[IGVT_ALU_GPRS];
    uint32_t prog[IGVT_ALU_GPRS * 5];
    unsigned i, n = 0;
    uint32_t bad;

    for (i = 0; i < IGVT_ALU_GPRS; i++) {
        gpr[i] = (uint64_t)i << 32 | i;
        /* R[i] = R[i] + R[(i + 1) % 16] */
        prog[n++] = LOAD(SRCA, i);
        prog[n++] = LOAD(SRCB, (i + 1) % IGVT_ALU_GPRS);
        prog[n++] = OP(ADD);
        prog[n++] = STORE(i, ACCU);
        prog[n++] = OP(NOOP);
    }
    g_assert_cmpint(igvt_alu_run(gpr, prog, n, &bad), ==, IGVT_ALU_OK);
    for (i = 0; i < IGVT_ALU_GPRS - 1; i++) {
        g_assert_cmphex(gpr[i], ==, (uint64_t)(2 * i + 1) << 32 | (2 * i + 1));
    }
    /* R15 + the new R0 (1 << 32 | 1) */
    g_assert_cmphex(gpr[15], ==, 16ull << 32 | 16);
}

/* The ALU starts cleared for each MI_MATH */
static void test_fresh_alu(void)
{
    uint64_t gpr[IGVT_ALU_GPRS] = { 7, 9 };
    const uint32_t first[] = { LOAD(SRCA, 0), LOAD(SRCB, 1), OP(SUB) };
    const uint32_t second[] = {
        STORE(2, ACCU), STORE(3, CF), STORE(4, ZF), OP(ADD), STORE(5, ZF),
    };
    uint32_t bad;

    g_assert_cmpint(igvt_alu_run(gpr, first, ARRAY_SIZE(first), &bad), ==,
                    IGVT_ALU_OK);
    g_assert_cmpint(igvt_alu_run(gpr, second, ARRAY_SIZE(second), &bad), ==,
                    IGVT_ALU_OK);
    g_assert_cmphex(gpr[2], ==, 0);
    g_assert_cmphex(gpr[3], ==, 0);
    g_assert_cmphex(gpr[4], ==, 0);
    g_assert_cmphex(gpr[5], ==, UINT64_MAX);
}

typedef struct Hostile {
    uint32_t ins;
    IgvtAluStatus st;
} Hostile;

static void test_hostile(void)
{
    static const Hostile cases[] = {
        /* opcodes Gen9 does not have (Gen12 shifts among them) */
        { IGVT_ALU_INSTR(0x105, 0, 0), IGVT_ALU_BAD_OPCODE },
        { IGVT_ALU_INSTR(0x106, 0, 0), IGVT_ALU_BAD_OPCODE },
        { IGVT_ALU_INSTR(0x200, 0, 0), IGVT_ALU_BAD_OPCODE },
        { IGVT_ALU_INSTR(0x082, IGVT_ALU_SRCA, 0), IGVT_ALU_BAD_OPCODE },
        { IGVT_ALU_INSTR(0x500, 0, 0), IGVT_ALU_BAD_OPCODE },
        { IGVT_ALU_INSTR(0x581, 0, IGVT_ALU_ACCU), IGVT_ALU_BAD_OPCODE },
        { 0xfff00000u, IGVT_ALU_BAD_OPCODE },
        { 0xffffffffu, IGVT_ALU_BAD_OPCODE },
        /* loads into something other than SRCA/SRCB */
        { I(LOAD, 0, 1), IGVT_ALU_BAD_OPERAND },
        { I(LOAD, IGVT_ALU_ACCU, 1), IGVT_ALU_BAD_OPERAND },
        { I(LOADINV, 0x3ff, 1), IGVT_ALU_BAD_OPERAND },
        { I(LOAD0, IGVT_ALU_CF, 0), IGVT_ALU_BAD_OPERAND },
        { I(LOAD1, 16, 0), IGVT_ALU_BAD_OPERAND },
        /* loads from registers that do not exist */
        { I(LOAD, IGVT_ALU_SRCA, 16), IGVT_ALU_BAD_OPERAND },
        { I(LOAD, IGVT_ALU_SRCA, IGVT_ALU_SRCB), IGVT_ALU_BAD_OPERAND },
        { I(LOAD, IGVT_ALU_SRCB, 0x30), IGVT_ALU_BAD_OPERAND },
        { I(LOADINV, IGVT_ALU_SRCB, 0x3ff), IGVT_ALU_BAD_OPERAND },
        /* stores outside R0-R15, or of something but ACCU/ZF/CF */
        { I(STORE, 16, IGVT_ALU_ACCU), IGVT_ALU_BAD_OPERAND },
        { I(STORE, IGVT_ALU_SRCA, IGVT_ALU_ACCU), IGVT_ALU_BAD_OPERAND },
        { I(STORE, 0x3ff, IGVT_ALU_ACCU), IGVT_ALU_BAD_OPERAND },
        { I(STORE, 0, 1), IGVT_ALU_BAD_OPERAND },
        { I(STOREINV, 0, IGVT_ALU_SRCA), IGVT_ALU_BAD_OPERAND },
        { I(STOREINV, 0, 0x34), IGVT_ALU_BAD_OPERAND },
    };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        uint64_t gpr[IGVT_ALU_GPRS] = { 0 };
        /* a store that runs, the hostile one, one that must not run */
        const uint32_t prog[] = {
            I(LOAD1, IGVT_ALU_SRCA, 0), OP(OR), STORE(0, ACCU),
            cases[i].ins, STORE(1, ACCU),
        };
        uint32_t bad = ~0u;
        IgvtAluStatus st = igvt_alu_run(gpr, prog, ARRAY_SIZE(prog), &bad);

        g_assert_cmpint(st, ==, cases[i].st);
        g_assert_cmpuint(bad, ==, 3);
        g_assert_nonnull(igvt_alu_strerror(st));
        g_assert_cmphex(gpr[0], ==, UINT64_MAX);
        g_assert_cmphex(gpr[1], ==, 0);
        g_assert_cmphex(gpr[16 - 1], ==, 0);
    }
    /* an empty program is fine */
    {
        uint64_t gpr[IGVT_ALU_GPRS] = { 1 };
        uint32_t bad = 7;

        g_assert_cmpint(igvt_alu_run(gpr, NULL, 0, &bad), ==, IGVT_ALU_OK);
        g_assert_cmpuint(bad, ==, 7);
        g_assert_cmphex(gpr[0], ==, 1);
    }
}

#define PRED(load, combine, compare) \
    ((uint32_t)(load) << IGVT_PRED_LOADOP_SHIFT | \
     (uint32_t)(combine) << IGVT_PRED_COMBINE_SHIFT | (compare))

static bool pred(uint32_t hdr, uint64_t s0, uint64_t s1, bool cur)
{
    bool r = !cur;

    g_assert_true(igvt_predicate_eval(0x06000000u | hdr, s0, s1, cur, &r));
    return r;
}

static void test_predicate(void)
{
    const uint32_t eq = IGVT_PRED_COMPARE_SRCS_EQUAL;
    const uint32_t load = IGVT_PRED_LOADOP_LOAD;
    const uint32_t inv = IGVT_PRED_LOADOP_LOADINV;
    bool r;

    /* SET of SRCS_EQUAL and its inverse (Mesa's conditional rendering) */
    g_assert_true(pred(PRED(load, 0, eq), 5, 5, false));
    g_assert_false(pred(PRED(load, 0, eq), 5, 6, true));
    g_assert_false(pred(PRED(inv, 0, eq), 5, 5, true));
    g_assert_true(pred(PRED(inv, 0, eq), 5, 6, false));
    /* the upper dwords count */
    g_assert_false(pred(PRED(load, 0, eq), 1ull << 32, 0, true));
    /* TRUE and FALSE */
    g_assert_true(pred(PRED(load, 0, IGVT_PRED_COMPARE_TRUE), 1, 2, false));
    g_assert_false(pred(PRED(load, 0, IGVT_PRED_COMPARE_FALSE), 1, 1, true));
    g_assert_false(pred(PRED(inv, 0, IGVT_PRED_COMPARE_TRUE), 1, 1, true));
    /* combining with the current result */
    g_assert_true(pred(PRED(load, IGVT_PRED_COMBINE_AND, eq), 1, 1, true));
    g_assert_false(pred(PRED(load, IGVT_PRED_COMBINE_AND, eq), 1, 1, false));
    g_assert_false(pred(PRED(load, IGVT_PRED_COMBINE_AND, eq), 1, 2, true));
    g_assert_true(pred(PRED(load, IGVT_PRED_COMBINE_OR, eq), 1, 2, true));
    g_assert_false(pred(PRED(load, IGVT_PRED_COMBINE_OR, eq), 1, 2, false));
    g_assert_true(pred(PRED(load, IGVT_PRED_COMBINE_OR, eq), 1, 1, false));
    g_assert_true(pred(PRED(load, IGVT_PRED_COMBINE_XOR, eq), 1, 1, false));
    g_assert_false(pred(PRED(load, IGVT_PRED_COMBINE_XOR, eq), 1, 1, true));
    g_assert_true(pred(PRED(load, IGVT_PRED_COMBINE_XOR, eq), 1, 2, true));
    /* KEEP: the result stays */
    g_assert_true(pred(PRED(IGVT_PRED_LOADOP_KEEP, 0, eq), 1, 2, true));
    g_assert_false(pred(PRED(IGVT_PRED_LOADOP_KEEP, 3, eq), 1, 1, false));
    /* refused: DELTAS_EQUAL and the reserved load operation */
    g_assert_false(igvt_predicate_eval(PRED(load, 0, 3), 1, 1, false, &r));
    g_assert_false(igvt_predicate_eval(PRED(1, 0, eq), 1, 1, false, &r));
}

static void test_cond_bbe(void)
{
    const uint32_t cmp = 0x1b000002u | IGVT_COND_BBE_COMPARE;
    bool refused;

    /* ends while memory <= data, unsigned */
    g_assert_true(igvt_cond_bbe_ends(cmp, 5, 5, &refused));
    g_assert_false(refused);
    g_assert_true(igvt_cond_bbe_ends(cmp, 5, 4, &refused));
    g_assert_true(igvt_cond_bbe_ends(cmp, 0, 0, &refused));
    g_assert_false(igvt_cond_bbe_ends(cmp, 5, 6, &refused));
    g_assert_false(igvt_cond_bbe_ends(cmp, 0x7fffffff, 0x80000000u,
                                      &refused));
    g_assert_true(igvt_cond_bbe_ends(cmp, 0xffffffffu, 0x80000000u,
                                     &refused));
    /* IGT's spinner: ~elapsed <= ~target, i.e. elapsed >= target */
    g_assert_true(igvt_cond_bbe_ends(cmp, ~100u, ~150u, &refused));
    g_assert_false(igvt_cond_bbe_ends(cmp, ~100u, ~50u, &refused));
    /* without the compare bit: nothing */
    g_assert_false(igvt_cond_bbe_ends(0x1b000002u, 5, 0, &refused));
    g_assert_false(refused);
    /* compare mask mode: refused */
    igvt_cond_bbe_ends(cmp | IGVT_COND_BBE_MASK_MODE, 5, 0, &refused);
    g_assert_true(refused);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/igvt/soft-alu/add", test_add);
    g_test_add_func("/igvt/soft-alu/sub", test_sub);
    g_test_add_func("/igvt/soft-alu/logic", test_logic);
    g_test_add_func("/igvt/soft-alu/logic-clears-carry",
                    test_logic_clears_carry);
    g_test_add_func("/igvt/soft-alu/inverted", test_inverted);
    g_test_add_func("/igvt/soft-alu/all-gprs", test_all_gprs);
    g_test_add_func("/igvt/soft-alu/fresh-alu", test_fresh_alu);
    g_test_add_func("/igvt/soft-alu/hostile", test_hostile);
    g_test_add_func("/igvt/soft-alu/predicate", test_predicate);
    g_test_add_func("/igvt/soft-alu/cond-bbe", test_cond_bbe);
    return g_test_run();
}

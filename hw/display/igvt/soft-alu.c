/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the command streamer's arithmetic of the software GPU (MI_MATH,
 * MI_PREDICATE, MI_CONDITIONAL_BATCH_BUFFER_END).  soft-alu.h says what
 * each operation does and where the facts come from.
 */

#include "qemu/osdep.h"
#include "qemu/bitops.h"
#include "soft-alu.h"

/* A flag as the ALU reads it: all ones when set */
static uint64_t flag(bool f)
{
    return f ? UINT64_MAX : 0;
}

/* A register an instruction reads: R0-R15, ACCU, ZF or CF */
static bool alu_source(const IgvtAlu *alu, const uint64_t *gpr,
                       uint32_t reg, uint64_t *v)
{
    if (reg < IGVT_ALU_GPRS) {
        *v = gpr[reg];
        return true;
    }
    switch (reg) {
    case IGVT_ALU_ACCU:
        *v = alu->accu;
        return true;
    case IGVT_ALU_ZF:
        *v = flag(alu->zf);
        return true;
    case IGVT_ALU_CF:
        *v = flag(alu->cf);
        return true;
    default:
        return false;
    }
}

/* The ALU operand a load writes: SRCA or SRCB */
static uint64_t *alu_operand(IgvtAlu *alu, uint32_t reg)
{
    switch (reg) {
    case IGVT_ALU_SRCA:
        return &alu->srca;
    case IGVT_ALU_SRCB:
        return &alu->srcb;
    default:
        return NULL;
    }
}

IgvtAluStatus igvt_alu_exec(IgvtAlu *alu, uint64_t gpr[IGVT_ALU_GPRS],
                            uint32_t ins)
{
    uint32_t op = extract32(ins, 20, 12);
    uint32_t a = extract32(ins, 10, 10);
    uint32_t b = extract32(ins, 0, 10);
    uint64_t *dst, v;

    switch (op) {
    case IGVT_ALU_NOOP:
        return IGVT_ALU_OK;
    case IGVT_ALU_LOAD:
    case IGVT_ALU_LOADINV:
        dst = alu_operand(alu, a);
        if (!dst || !alu_source(alu, gpr, b, &v)) {
            return IGVT_ALU_BAD_OPERAND;
        }
        *dst = op == IGVT_ALU_LOADINV ? ~v : v;
        return IGVT_ALU_OK;
    case IGVT_ALU_LOAD0:
    case IGVT_ALU_LOAD1:
        dst = alu_operand(alu, a);
        if (!dst) {
            return IGVT_ALU_BAD_OPERAND;
        }
        *dst = op == IGVT_ALU_LOAD1 ? UINT64_MAX : 0;
        return IGVT_ALU_OK;
    case IGVT_ALU_ADD:
        alu->accu = alu->srca + alu->srcb;
        alu->cf = alu->accu < alu->srca;
        break;
    case IGVT_ALU_SUB:
        alu->accu = alu->srca - alu->srcb;
        alu->cf = alu->srca < alu->srcb;
        break;
    case IGVT_ALU_AND:
        alu->accu = alu->srca & alu->srcb;
        alu->cf = false;
        break;
    case IGVT_ALU_OR:
        alu->accu = alu->srca | alu->srcb;
        alu->cf = false;
        break;
    case IGVT_ALU_XOR:
        alu->accu = alu->srca ^ alu->srcb;
        alu->cf = false;
        break;
    case IGVT_ALU_STORE:
    case IGVT_ALU_STOREINV:
        if (a >= IGVT_ALU_GPRS ||
            (b != IGVT_ALU_ACCU && b != IGVT_ALU_ZF && b != IGVT_ALU_CF) ||
            !alu_source(alu, gpr, b, &v)) {
            return IGVT_ALU_BAD_OPERAND;
        }
        gpr[a] = op == IGVT_ALU_STOREINV ? ~v : v;
        return IGVT_ALU_OK;
    default:
        return IGVT_ALU_BAD_OPCODE;
    }
    /* The arithmetic and logic operations */
    alu->zf = alu->accu == 0;
    return IGVT_ALU_OK;
}

IgvtAluStatus igvt_alu_run(uint64_t gpr[IGVT_ALU_GPRS], const uint32_t *ins,
                           uint32_t n, uint32_t *bad)
{
    IgvtAlu alu = { 0 };
    IgvtAluStatus st;
    uint32_t i;

    for (i = 0; i < n; i++) {
        st = igvt_alu_exec(&alu, gpr, ins[i]);
        if (st != IGVT_ALU_OK) {
            *bad = i;
            return st;
        }
    }
    return IGVT_ALU_OK;
}

const char *igvt_alu_strerror(IgvtAluStatus st)
{
    switch (st) {
    case IGVT_ALU_OK:
        return "no error";
    case IGVT_ALU_BAD_OPCODE:
        return "MI_MATH: unknown ALU opcode";
    case IGVT_ALU_BAD_OPERAND:
        return "MI_MATH: invalid ALU operand";
    default:
        return "MI_MATH: unknown error";
    }
}

bool igvt_predicate_eval(uint32_t hdr, uint64_t src0, uint64_t src1,
                         bool cur, bool *result)
{
    uint32_t load = extract32(hdr, IGVT_PRED_LOADOP_SHIFT, 2);
    uint32_t combine = extract32(hdr, IGVT_PRED_COMBINE_SHIFT, 2);
    bool cond;

    switch (extract32(hdr, 0, 2)) {
    case IGVT_PRED_COMPARE_TRUE:
        cond = true;
        break;
    case IGVT_PRED_COMPARE_FALSE:
        cond = false;
        break;
    case IGVT_PRED_COMPARE_SRCS_EQUAL:
        cond = src0 == src1;
        break;
    default:
        return false;           /* DELTAS_EQUAL */
    }
    switch (load) {
    case IGVT_PRED_LOADOP_KEEP:
        *result = cur;
        return true;
    case IGVT_PRED_LOADOP_LOAD:
        break;
    case IGVT_PRED_LOADOP_LOADINV:
        cond = !cond;
        break;
    default:
        return false;           /* reserved */
    }
    switch (combine) {
    case IGVT_PRED_COMBINE_SET:
        *result = cond;
        break;
    case IGVT_PRED_COMBINE_AND:
        *result = cur && cond;
        break;
    case IGVT_PRED_COMBINE_OR:
        *result = cur || cond;
        break;
    default:
        *result = cur != cond;
        break;
    }
    return true;
}

bool igvt_cond_bbe_ends(uint32_t hdr, uint32_t data, uint32_t mem,
                        bool *refused)
{
    *refused = hdr & IGVT_COND_BBE_MASK_MODE;
    if (*refused || !(hdr & IGVT_COND_BBE_COMPARE)) {
        return false;
    }
    return mem <= data;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the command streamer's arithmetic of the software GPU.
 *
 * Pure logic, no device state, separately unit-tested
 * (tests/unit/test-igvt-soft-alu.c): the Gen8+ MI_MATH ALU on the 16
 * 64-bit general purpose registers (CS_GPR0-15), the MI_PREDICATE
 * evaluation and the MI_CONDITIONAL_BATCH_BUFFER_END comparison.
 *
 * MI_MATH (facts from i915 gt/intel_gpu_commands.h and Mesa's
 * mi_builder.h, which emit it): each dword after the header is one ALU
 * instruction, opcode in bits 31:20, first operand in bits 19:10, second
 * in bits 9:0.  Operands name R0-R15 (0x00-0x0f, the GPRs), SRCA (0x20),
 * SRCB (0x21), ACCU (0x31), ZF (0x32) and CF (0x33).  Opcodes:
 *   0x000 NOOP
 *   0x080 LOAD      op1 (SRCA/SRCB) = op2
 *   0x480 LOADINV   op1 = ~op2
 *   0x081 LOAD0     op1 = 0
 *   0x481 LOAD1     op1 = ~0 (LOAD0 with the invert bit)
 *   0x100 ADD       ACCU = SRCA + SRCB, CF = carry out of bit 63
 *   0x101 SUB       ACCU = SRCA - SRCB, CF = borrow (SRCA < SRCB)
 *   0x102 AND, 0x103 OR, 0x104 XOR: ACCU = SRCA op SRCB, CF = 0
 *   0x180 STORE     op1 (R0-R15) = op2 (ACCU, ZF, CF)
 *   0x580 STOREINV  op1 = ~op2
 * The arithmetic and logic operations set ZF when ACCU is 0.  A flag
 * reads as all ones when set and 0 when clear (so STORE of CF gives
 * ~0 or 0, and STOREINV the complement: Mesa's "less than" is SUB and
 * STORE CF, i915's delay loops use STOREINV CF).  Loads may read R0-R15,
 * ACCU, ZF and CF.  The ALU's own registers start at 0 for each MI_MATH
 * command (no user relies on them surviving one).  Anything else (other
 * opcodes such as Gen12's shifts, operands naming other registers) is
 * refused: the caller treats the command as a GPU fault.
 */

#ifndef HW_DISPLAY_IGVT_SOFT_ALU_H
#define HW_DISPLAY_IGVT_SOFT_ALU_H

#define IGVT_ALU_GPRS           16

/* Instruction encoding */
#define IGVT_ALU_INSTR(op, a, b) ((uint32_t)(op) << 20 | (uint32_t)(a) << 10 | \
                                  (uint32_t)(b))
#define IGVT_ALU_NOOP           0x000
#define IGVT_ALU_LOAD           0x080
#define IGVT_ALU_LOADINV        0x480
#define IGVT_ALU_LOAD0          0x081
#define IGVT_ALU_LOAD1          0x481
#define IGVT_ALU_ADD            0x100
#define IGVT_ALU_SUB            0x101
#define IGVT_ALU_AND            0x102
#define IGVT_ALU_OR             0x103
#define IGVT_ALU_XOR            0x104
#define IGVT_ALU_STORE          0x180
#define IGVT_ALU_STOREINV       0x580

/* Operands */
#define IGVT_ALU_R(n)           (n)
#define IGVT_ALU_SRCA           0x20
#define IGVT_ALU_SRCB           0x21
#define IGVT_ALU_ACCU           0x31
#define IGVT_ALU_ZF             0x32
#define IGVT_ALU_CF             0x33

typedef enum IgvtAluStatus {
    IGVT_ALU_OK,
    IGVT_ALU_BAD_OPCODE,        /* an opcode the ALU does not have */
    IGVT_ALU_BAD_OPERAND,       /* an operand not valid for the opcode */
} IgvtAluStatus;

/* The ALU's own registers */
typedef struct IgvtAlu {
    uint64_t srca, srcb, accu;
    bool zf, cf;
} IgvtAlu;

/* Execute one instruction @ins on @alu and the GPRs @gpr */
IgvtAluStatus igvt_alu_exec(IgvtAlu *alu, uint64_t gpr[IGVT_ALU_GPRS],
                            uint32_t ins);

/*
 * Execute the @n instructions of one MI_MATH command (its dwords after
 * the header) on @gpr, with the ALU starting cleared.  Stops at the first
 * instruction refused, returning why and its index in *bad; the GPRs
 * then hold what the instructions before it stored.
 */
IgvtAluStatus igvt_alu_run(uint64_t gpr[IGVT_ALU_GPRS], const uint32_t *ins,
                           uint32_t n, uint32_t *bad);

/* A static description of @st */
const char *igvt_alu_strerror(IgvtAluStatus st);

/*
 * MI_PREDICATE (RCS; facts from Mesa's brw/iris/crocus defines, which
 * emit it): header bits 7:6 the load operation (0 KEEP, 2 LOAD,
 * 3 LOADINV; 1 is reserved), bits 4:3 how the loaded value combines with
 * the current result (0 SET, 1 AND, 2 OR, 3 XOR), bits 1:0 the compare
 * operation (0 TRUE, 1 FALSE, 2 SRCS_EQUAL: MI_PREDICATE_SRC0 ==
 * MI_PREDICATE_SRC1, 3 DELTAS_EQUAL).  KEEP leaves the result as it is.
 * DELTAS_EQUAL, which none of i915, Mesa or IGT emit, and the reserved
 * load operation are refused (false).  On success *result is the new
 * predicate (0 or 1) given the current one @cur.
 */
#define IGVT_PRED_LOADOP_SHIFT  6
#define IGVT_PRED_LOADOP_KEEP   0
#define IGVT_PRED_LOADOP_LOAD   2
#define IGVT_PRED_LOADOP_LOADINV 3
#define IGVT_PRED_COMBINE_SHIFT 3
#define IGVT_PRED_COMBINE_SET   0
#define IGVT_PRED_COMBINE_AND   1
#define IGVT_PRED_COMBINE_OR    2
#define IGVT_PRED_COMBINE_XOR   3
#define IGVT_PRED_COMPARE_TRUE  0
#define IGVT_PRED_COMPARE_FALSE 1
#define IGVT_PRED_COMPARE_SRCS_EQUAL 2
#define IGVT_PRED_COMPARE_DELTAS_EQUAL 3

bool igvt_predicate_eval(uint32_t hdr, uint64_t src0, uint64_t src1,
                         bool cur, bool *result);

/*
 * MI_CONDITIONAL_BATCH_BUFFER_END (the PRM as i915's and IGT's spinners
 * use it): with "compare semaphore" (header bit 21) set, the batch ends
 * when the dword in memory is less than or equal to the inline data
 * (unsigned: it continues only while memory > data); with the bit clear
 * the command does nothing.  "Compare mask mode" (bit 19) is refused:
 * *refused is set and the result is meaningless.
 */
#define IGVT_COND_BBE_COMPARE   (1u << 21)
#define IGVT_COND_BBE_MASK_MODE (1u << 19)

bool igvt_cond_bbe_ends(uint32_t hdr, uint32_t data, uint32_t mem,
                        bool *refused);

#endif /* HW_DISPLAY_IGVT_SOFT_ALU_H */

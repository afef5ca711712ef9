/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the software GPU's MI_MATH ALU, MI_PREDICATE and
 * MI_CONDITIONAL_BATCH_BUFFER_END (soft-alu.c).
 *
 * Input: the 16 GPRs, an MI_PREDICATE header, its two sources and the
 * current predicate, an MI_CONDITIONAL_BATCH_BUFFER_END header, data and
 * memory dword, then the ALU instructions of one MI_MATH, in a buffer of
 * exactly their size.
 */

#include "qemu/osdep.h"
#include "hw/display/igvt/soft-alu.h"
#include "fuzz-input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    IgvtFuzzInput in = { data, size };
    uint64_t gpr[IGVT_ALU_GPRS];
    uint32_t pred_hdr, bbe_hdr, bbe_data, bbe_mem;
    uint64_t src0, src1;
    bool cur, result = false, refused = false;
    uint32_t *ins, bad = 0;
    IgvtAluStatus st;
    size_t bytes;
    uint32_t n;

    for (int i = 0; i < IGVT_ALU_GPRS; i++) {
        gpr[i] = igvt_fuzz_u64(&in);
    }
    pred_hdr = igvt_fuzz_u32(&in);
    src0 = igvt_fuzz_u64(&in);
    src1 = igvt_fuzz_u64(&in);
    cur = igvt_fuzz_u8(&in) & 1;
    bbe_hdr = igvt_fuzz_u32(&in);
    bbe_data = igvt_fuzz_u32(&in);
    bbe_mem = igvt_fuzz_u32(&in);

    igvt_predicate_eval(pred_hdr, src0, src1, cur, &result);
    igvt_cond_bbe_ends(bbe_hdr, bbe_data, bbe_mem, &refused);

    ins = igvt_fuzz_rest(&in, &bytes);
    n = bytes / sizeof(uint32_t);
    st = igvt_alu_run(gpr, ins, n, &bad);
    if (st != IGVT_ALU_OK) {
        igvt_fuzz_check(bad < n);
        igvt_fuzz_check(igvt_alu_strerror(st) != NULL);
    }
    g_free(ins);
    return 0;
}

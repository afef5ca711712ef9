/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the command decoder and auditor (cmd-parser.c).
 *
 * Input: engine, buffer level and flags, the size of the batch list, the
 * vGPU's two graphics memory slices, then the command dwords.  The
 * auditor must neither read outside the dwords it is given nor break
 * what its header promises about the result.
 */

#include "qemu/osdep.h"
#include "hw/display/igvt/cmd-parser.h"
#include "fuzz-input.h"

#define MAX_BATCHES     16

static void fuzz_decode_all(IgvtEngine e, const uint32_t *buf, uint32_t len)
{
    uint32_t i = 0;

    while (i < len) {
        IgvtCmdInfo info;
        IgvtCmdError err = IGVT_CMD_OK;

        if (igvt_cmd_decode(e, buf + i, len - i, &info, &err)) {
            igvt_fuzz_check(info.len >= 1 && info.len <= len - i);
            igvt_fuzz_check(info.dw == buf + i);
            i += info.len;
        } else {
            igvt_fuzz_check(err != IGVT_CMD_OK && err < IGVT_CMD_ERR__MAX);
            igvt_fuzz_check(igvt_cmd_strerror(err) != NULL);
            i++;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    IgvtFuzzInput in = { data, size };
    IgvtBatchRef batches[MAX_BATCHES];
    IgvtAuditPolicy pol;
    IgvtAuditResult r;
    /* one past the valid values, to exercise the argument checks too */
    IgvtEngine e = igvt_fuzz_u8(&in) % (IGVT_ENGINE__MAX + 1);
    uint8_t mode = igvt_fuzz_u8(&in);
    unsigned level = mode % (IGVT_LEVEL_MAX + 2);
    bool ppgtt = mode & 0x10;
    unsigned max_batches = igvt_fuzz_u8(&in) % (MAX_BATCHES + 1);
    uint64_t ap_base = (uint64_t)igvt_fuzz_u8(&in) << 24;
    uint64_t ap_size = (uint64_t)igvt_fuzz_u8(&in) << 20;
    uint64_t hid_base = (uint64_t)igvt_fuzz_u8(&in) << 28;
    uint64_t hid_size = (uint64_t)igvt_fuzz_u8(&in) << 24;
    uint32_t *buf;
    size_t bytes;
    uint32_t len;

    igvt_audit_policy_init(&pol, ap_base, ap_size, hid_base, hid_size);
    if (mode & 0x20) {
        pol.flags &= ~IGVT_AUDIT_SCAN_PPGTT;
    }
    buf = igvt_fuzz_rest(&in, &bytes);
    len = bytes / sizeof(uint32_t);

    fuzz_decode_all(e, buf, len);

    igvt_audit_result_init(&r, batches, max_batches);
    if (igvt_cmd_audit(e, buf, len, level, ppgtt, &pol, &r)) {
        igvt_fuzz_check(r.ok && r.error == IGVT_CMD_OK);
        igvt_fuzz_check(r.consumed <= len);
        igvt_fuzz_check(r.nr_batches <= max_batches);
        for (unsigned i = 0; i < r.nr_batches; i++) {
            igvt_fuzz_check(batches[i].offset < r.consumed);
            igvt_fuzz_check(batches[i].level >= MAX(level, IGVT_LEVEL_BATCH)
                            && batches[i].level <= IGVT_LEVEL_MAX);
        }
    } else {
        igvt_fuzz_check(!r.ok && r.error != IGVT_CMD_OK &&
                        r.error < IGVT_CMD_ERR__MAX);
        igvt_fuzz_check(r.reason != NULL);
        igvt_fuzz_check(r.offset <= len);
    }
    g_free(buf);
    return 0;
}

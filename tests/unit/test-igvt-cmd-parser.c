/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for igvt's Gen9 command decoder and auditor
 * (hw/display/igvt/cmd-parser.c).
 *
 * Command streams are built here from the encodings in the Intel PRMs as
 * Linux i915 uses them (gt/intel_gpu_commands.h): MI header = opcode << 23
 * | flags, length fields hold the length minus 2, PIPE_CONTROL is
 * 3 << 29 | 3 << 27 | 2 << 24, blits 2 << 29 | opcode << 22.  The ring
 * segments imitate what a Gen9 i915 guest emits for one request
 * (gt/gen8_engine_cs.c: initial breadcrumb, flush, batch start, final
 * breadcrumb).  Every buffer handed to the auditor is a heap copy of
 * exactly the audited size, so valgrind or ASan see any read past it.
 */

#include "qemu/osdep.h"
#include "hw/display/igvt/cmd-parser.h"

#define MI(op, flags)       ((uint32_t)(op) << 23 | (uint32_t)(flags))
#define MI_LRI(n)           MI(0x22, 2 * (n) - 1)
#define MI_SDI              MI(0x20, 2)             /* 4 dwords */
#define MI_SDI_QW           (MI(0x20, 3) | IGVT_MI_SDI_QWORD)
#define MI_SRM              MI(0x24, 2)
#define MI_LRM              MI(0x29, 2)
#define MI_LRR              MI(0x2a, 1)
#define MI_BB_START         MI(0x31, 1)
#define MI_FLUSH_DW(len)    MI(0x26, (len) - 2)
#define MI_ATOMIC(len)      MI(0x2f, (len) - 2)
#define OP_STOREDW          (1u << IGVT_FLUSH_DW_OP_SHIFT)
#define GFX_PIPE_CONTROL(n) (3u << 29 | 3u << 27 | 2u << 24 | ((n) - 2))
#define GFX3D(p, o, s, n)   (3u << 29 | (p) << 27 | (o) << 24 | (s) << 16 | \
                             ((n) - 2))
#define BLT2D(op, n)        (2u << 29 | (uint32_t)(op) << 22 | ((n) - 2))
#define PC_POST_TIMESTAMP   (3u << IGVT_PC_POST_SYNC_SHIFT)

#define MI_NOOP             IGVT_MI_NOOP
#define MI_ARB_CHECK        IGVT_MI_ARB_CHECK
#define MI_USER_INTERRUPT   IGVT_MI_USER_INTERRUPT
#define MI_BB_END           IGVT_MI_BATCH_BUFFER_END
#define MI_ARB_ON           (IGVT_MI_ARB_ON_OFF | IGVT_MI_ARB_ENABLE)
#define MI_ARB_OFF          IGVT_MI_ARB_ON_OFF

/* The vGPU's slices: 64 MiB of aperture, 128 MiB hidden (GVTg_V5_8 size) */
#define AP_BASE             0x08000000ull
#define AP_SIZE             0x04000000ull
#define HID_BASE            0x40000000ull
#define HID_SIZE            0x08000000ull
#define AP_END              (AP_BASE + AP_SIZE)
#define HID_END             (HID_BASE + HID_SIZE)
/* A timeline page in the aperture slice, a user batch in the PPGTT */
#define HWSP                (AP_BASE + 0x3000)
#define USER_BB             0x00007f1234567000ull
#define SCRATCH             0xd0        /* i915 LRC_PPHWSP_SCRATCH_ADDR */

static IgvtAuditPolicy pol;

typedef struct Buf {
    uint32_t dw[512];
    uint32_t n;
} Buf;

static void emitv(Buf *b, const uint32_t *v, size_t n)
{
    g_assert_cmpuint(b->n + n, <=, G_N_ELEMENTS(b->dw));
    memcpy(b->dw + b->n, v, n * sizeof(*v));
    b->n += n;
}

#define EMIT(b, ...) do { \
        const uint32_t v_[] = { __VA_ARGS__ }; \
        emitv((b), v_, G_N_ELEMENTS(v_)); \
    } while (0)

/* Audit an exact-size heap copy of the first @n dwords of @b */
static bool audit_n(IgvtEngine e, const Buf *b, uint32_t n, unsigned level,
                    bool ppgtt, IgvtAuditResult *r, IgvtBatchRef *refs,
                    unsigned max_refs)
{
    uint32_t *copy = n ? g_memdup2(b->dw, n * sizeof(uint32_t)) : NULL;
    bool ok;

    igvt_audit_result_init(r, refs, max_refs);
    ok = igvt_cmd_audit(e, copy, n, level, ppgtt, &pol, r);
    g_assert(ok == r->ok);
    if (ok) {
        g_assert_cmpint(r->error, ==, IGVT_CMD_OK);
        g_assert_cmpuint(r->consumed, <=, n);
    } else {
        g_assert_nonnull(r->reason);
        g_assert_cmpstr(r->reason, ==, igvt_cmd_strerror(r->error));
        g_assert_cmpuint(r->offset, <=, n);
    }
    g_free(copy);
    return ok;
}

static IgvtBatchRef refs[16];

static bool audit(IgvtEngine e, const Buf *b, unsigned level, bool ppgtt,
                  IgvtAuditResult *r)
{
    return audit_n(e, b, b->n, level, ppgtt, r, refs, G_N_ELEMENTS(refs));
}

/* Expect a refusal of the command at @offset for @err */
static void expect_fail(IgvtEngine e, const Buf *b, unsigned level,
                        bool ppgtt, IgvtCmdError err, uint32_t offset)
{
    IgvtAuditResult r;

    g_assert_false(audit(e, b, level, ppgtt, &r));
    if (r.error != err) {
        g_test_message("got \"%s\" at %u, expected \"%s\"", r.reason,
                       r.offset, igvt_cmd_strerror(err));
    }
    g_assert_cmpint(r.error, ==, err);
    g_assert_cmpuint(r.offset, ==, offset);
    g_assert_cmphex(r.header, ==, offset < b->n ? b->dw[offset] : 0);
}

/* Decode one command that must be valid */
static void decode_ok(IgvtEngine e, const uint32_t *c, uint32_t avail,
                      IgvtCmdInfo *in)
{
    IgvtCmdError err = IGVT_CMD_ERR__MAX;

    g_assert_true(igvt_cmd_decode(e, c, avail, in, &err));
    g_assert_cmpint(err, ==, IGVT_CMD_OK);
    g_assert_nonnull(in->name);
    g_assert(in->dw == c);
    g_assert_cmpuint(in->len, >=, 1);
    g_assert_cmpuint(in->len, <=, avail);
}

static IgvtCmdError decode_err(IgvtEngine e, const uint32_t *c,
                               uint32_t avail)
{
    IgvtCmdInfo in;
    IgvtCmdError err = IGVT_CMD_OK;

    g_assert_false(igvt_cmd_decode(e, c, avail, &in, &err));
    g_assert_cmpint(err, !=, IGVT_CMD_OK);
    g_assert_cmpuint(in.len, ==, 0);
    g_assert_cmpuint(in.flags, ==, 0);
    return err;
}

/* ---------------------------------------------------------------------- */

static void test_tables(void)
{
    const char *why = "unset";
    const IgvtRegRange *regs;
    size_t nr, i;

    g_assert_true(igvt_cmd_self_check(&why));
    g_assert_null(why);
    g_assert_cmpstr(igvt_engine_name(IGVT_ENGINE_RCS), ==, "rcs");
    g_assert_cmphex(igvt_engine_mmio_base(IGVT_ENGINE_BCS), ==, 0x22000);
    g_assert_cmphex(igvt_engine_mmio_base(IGVT_ENGINE_VCS2), ==, 0x1c000);
    g_assert_null(igvt_engine_name(IGVT_ENGINE__MAX));
    g_assert_cmpuint(igvt_engine_mmio_base(IGVT_ENGINE__MAX), ==, 0);
    for (i = 0; i <= IGVT_CMD_ERR__MAX; i++) {
        g_assert_nonnull(igvt_cmd_strerror(i));
    }

    regs = igvt_cmd_default_regs(&nr);
    g_assert_cmpuint(nr, >, 0);
    for (i = 0; i < nr; i++) {
        g_assert_cmpuint(regs[i].size, >, 0);
        g_assert_cmpuint(regs[i].size % 4, ==, 0);
        g_assert_cmpuint(regs[i].start % 4, ==, 0);
        g_assert_cmpuint(regs[i].engines, !=, 0);
        g_assert_cmpuint(regs[i].access & (IGVT_REG_LRI | IGVT_REG_LRM |
                                           IGVT_REG_SRM), !=, 0);
    }
}

static void test_decode_mi_fixed(void)
{
    static const struct {
        uint32_t hdr;
        const char *name;
        uint32_t flags;
    } cases[] = {
        { MI_NOOP, "MI_NOOP", 0 },
        { MI_NOOP | 1u << 22 | 0x1234, "MI_NOOP", 0 },
        { MI(0x01, 0), "MI_SET_PREDICATE", 0 },
        { MI_USER_INTERRUPT, "MI_USER_INTERRUPT", IGVT_CMDF_NOTIFY },
        { MI_ARB_CHECK, "MI_ARB_CHECK", 0 },
        { MI_ARB_ON, "MI_ARB_ON_OFF", IGVT_CMDF_PRIV_ONLY },
        { MI_BB_END, "MI_BATCH_BUFFER_END", IGVT_CMDF_BB_END },
        { MI(0x0b, 1), "MI_SUSPEND_FLUSH", 0 },
        { MI(0x0c, 0), "MI_PREDICATE", 0 },
        { MI(0x03, 0), "MI_WAIT_FOR_EVENT",
          IGVT_CMDF_PRIV_ONLY | IGVT_CMDF_EMULATE },
    };
    IgvtCmdInfo in;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        /* two dwords available: the decoder must take only one */
        uint32_t c[2] = { cases[i].hdr, MI_NOOP };

        decode_ok(IGVT_ENGINE_RCS, c, 2, &in);
        g_assert_cmpstr(in.name, ==, cases[i].name);
        g_assert_cmpuint(in.len, ==, 1);
        g_assert_cmphex(in.opcode, ==, cases[i].hdr & 0xff800000u);
        g_assert_cmphex(in.flags, ==, cases[i].flags | IGVT_CMDF_FIXED_LEN);
    }
    /* per engine: MI_PREDICATE and MI_RS_CONTROL are render only */
    g_assert_cmpint(decode_err(IGVT_ENGINE_BCS, (uint32_t[]){ MI(0x0c, 0) },
                               1), ==, IGVT_CMD_ERR_UNKNOWN);
    g_assert_cmpint(decode_err(IGVT_ENGINE_VCS, (uint32_t[]){ MI(0x06, 0) },
                               1), ==, IGVT_CMD_ERR_UNKNOWN);
    g_assert_cmpint(decode_err(IGVT_ENGINE_VECS, (uint32_t[]){ MI(0x03, 0) },
                               1), ==, IGVT_CMD_ERR_UNKNOWN);
}

static void test_decode_mi_var(void)
{
    IgvtCmdInfo in;

    {
        uint32_t c[] = { MI_LRI(3), 0x2580, 1, 0x7004, 2, 0xe4f0, 3, 0 };

        decode_ok(IGVT_ENGINE_RCS, c, G_N_ELEMENTS(c), &in);
        g_assert_cmpstr(in.name, ==, "MI_LOAD_REGISTER_IMM");
        g_assert_cmphex(in.opcode, ==, IGVT_MI_LOAD_REGISTER_IMM);
        g_assert_cmpuint(in.len, ==, 7);
        g_assert_cmphex(in.flags, ==, IGVT_CMDF_REG_WRITE);
    }
    {
        uint32_t c[] = { MI_SDI | IGVT_MI_GGTT, HWSP + 0x40, 0, 7 };

        decode_ok(IGVT_ENGINE_BCS, c, 4, &in);
        g_assert_cmpstr(in.name, ==, "MI_STORE_DATA_IMM");
        g_assert_cmpuint(in.len, ==, 4);
        g_assert_cmphex(in.flags, ==, IGVT_CMDF_MEM_WRITE | IGVT_CMDF_GGTT);
        g_assert_cmphex(in.addr, ==, HWSP + 0x40);
        g_assert_cmpuint(in.size, ==, 4);
    }
    {
        uint32_t c[] = { MI_SDI_QW | IGVT_MI_GGTT, 0x1000, 0x12, 7, 8 };

        decode_ok(IGVT_ENGINE_VCS, c, 5, &in);
        g_assert_cmpuint(in.len, ==, 5);
        g_assert_cmphex(in.addr, ==, 0x1200001000ull);
        g_assert_cmpuint(in.size, ==, 8);
    }
    {
        /* PPGTT store of three dwords */
        uint32_t c[] = { MI(0x20, 4), 0x5000, 0, 1, 2, 3 };

        decode_ok(IGVT_ENGINE_RCS, c, 6, &in);
        g_assert_cmpuint(in.len, ==, 6);
        g_assert_cmphex(in.flags, ==, IGVT_CMDF_MEM_WRITE);
        g_assert_cmpuint(in.size, ==, 12);
    }
    {
        uint32_t c[] = { MI_SRM | IGVT_MI_GGTT, 0x2358, HWSP + 3, 0 };

        decode_ok(IGVT_ENGINE_RCS, c, 4, &in);
        g_assert_cmpstr(in.name, ==, "MI_STORE_REGISTER_MEM");
        g_assert_cmphex(in.flags, ==, IGVT_CMDF_REG_READ |
                        IGVT_CMDF_MEM_WRITE | IGVT_CMDF_GGTT);
        g_assert_cmphex(in.addr, ==, HWSP);     /* bits 1:0 dropped */
        g_assert_cmpuint(in.size, ==, 4);
    }
    {
        uint32_t c[] = { MI_LRM, 0x2600, 0x1000, 0x1 };

        decode_ok(IGVT_ENGINE_RCS, c, 4, &in);
        g_assert_cmpstr(in.name, ==, "MI_LOAD_REGISTER_MEM");
        g_assert_cmphex(in.flags, ==, IGVT_CMDF_REG_WRITE |
                        IGVT_CMDF_MEM_READ);
        g_assert_cmphex(in.addr, ==, 0x100001000ull);
    }
    {
        uint32_t c[] = { MI_LRR, 0x2600, 0x2608 };

        decode_ok(IGVT_ENGINE_RCS, c, 3, &in);
        g_assert_cmpstr(in.name, ==, "MI_LOAD_REGISTER_REG");
        g_assert_cmpuint(in.len, ==, 3);
    }
    {
        uint32_t c[] = { MI_FLUSH_DW(4) | OP_STOREDW | IGVT_FLUSH_DW_NOTIFY,
                         (uint32_t)HWSP | IGVT_FLUSH_DW_USE_GTT, 0, 5 };

        decode_ok(IGVT_ENGINE_BCS, c, 4, &in);
        g_assert_cmpstr(in.name, ==, "MI_FLUSH_DW");
        g_assert_cmpuint(in.len, ==, 4);
        g_assert_cmphex(in.flags, ==, IGVT_CMDF_MEM_WRITE | IGVT_CMDF_GGTT |
                        IGVT_CMDF_NOTIFY);
        g_assert_cmphex(in.addr, ==, HWSP);
        g_assert_cmpuint(in.size, ==, 8);
    }
    {
        /* no post-sync operation: no memory access whatever dword 1 says */
        uint32_t c[] = { MI_FLUSH_DW(5), 0xdead0004, 0xffff, 0, 0 };

        decode_ok(IGVT_ENGINE_VECS, c, 5, &in);
        g_assert_cmpuint(in.len, ==, 5);
        g_assert_cmphex(in.flags, ==, 0);
    }
    {
        uint32_t c[] = { MI(0x1a, 3), 0, 0, 0, 0 };

        decode_ok(IGVT_ENGINE_RCS, c, 5, &in);
        g_assert_cmpstr(in.name, ==, "MI_MATH");
        g_assert_cmpuint(in.len, ==, 5);
    }
    {
        uint32_t c[] = { MI_BB_START | IGVT_BB_PPGTT, 0x34567001, 0x7f12 };

        decode_ok(IGVT_ENGINE_RCS, c, 3, &in);
        g_assert_cmpstr(in.name, ==, "MI_BATCH_BUFFER_START");
        g_assert_cmpuint(in.len, ==, 3);
        g_assert_cmphex(in.flags, ==, IGVT_CMDF_BB_START);
        g_assert_cmphex(in.addr, ==, 0x7f1234567000ull);
    }
    {
        uint32_t c[] = { MI_BB_START | IGVT_BB_SECOND_LEVEL |
                         IGVT_BB_PREDICATE, 0x1000, 0 };

        decode_ok(IGVT_ENGINE_RCS, c, 3, &in);
        g_assert_cmphex(in.flags, ==, IGVT_CMDF_BB_START | IGVT_CMDF_BB_2ND |
                        IGVT_CMDF_BB_PREDICATED | IGVT_CMDF_GGTT);
    }
    {
        /* MI_ATOMIC, qword operand (bits 20:19 = 1), inline data */
        uint32_t c[11] = { MI_ATOMIC(11) | IGVT_ATOMIC_INLINE_DATA |
                           1u << 19 | IGVT_MI_GGTT, (uint32_t)HWSP, 0 };

        decode_ok(IGVT_ENGINE_RCS, c, 11, &in);
        g_assert_cmpstr(in.name, ==, "MI_ATOMIC");
        g_assert_cmpuint(in.len, ==, 11);
        g_assert_cmpuint(in.size, ==, 8);
        g_assert_cmphex(in.flags, ==, IGVT_CMDF_MEM_READ |
                        IGVT_CMDF_MEM_WRITE | IGVT_CMDF_GGTT);
    }
    {
        uint32_t c[] = { MI(0x12, 0), 0x100 };

        decode_ok(IGVT_ENGINE_BCS, c, 2, &in);
        g_assert_cmpstr(in.name, ==, "MI_LOAD_SCAN_LINES_INCL");
        g_assert_cmpuint(in.len, ==, 2);
        g_assert_true(in.flags & IGVT_CMDF_EMULATE);
    }
    {
        /* privileged commands decode; refusing them is the audit's job */
        uint32_t c[] = { MI(0x1c, 2) | IGVT_MI_GGTT, 0, (uint32_t)HWSP, 0 };

        decode_ok(IGVT_ENGINE_RCS, c, 4, &in);
        g_assert_cmpstr(in.name, ==, "MI_SEMAPHORE_WAIT");
        g_assert_true(in.flags & IGVT_CMDF_PRIVILEGED);
    }
}

static void test_decode_blt(void)
{
    static const struct {
        uint32_t op, len;
        const char *name;
    } cases[] = {
        { 0x53, 10, "XY_SRC_COPY_BLT" },
        { 0x50, 7, "XY_COLOR_BLT" },
        { 0x42, 10, "XY_FAST_COPY_BLT" },
        { 0x01, 10, "XY_SETUP_BLT" },
        { 0x43, 6, "SRC_COPY_BLT" },
        { 0x77, 3, "XY_PAT_CHROMA_BLT_IMMEDIATE" },
    };
    uint32_t c[16] = { 0 };
    IgvtCmdInfo in;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        /* blit flags (ROP, depth, write enables) do not change the length */
        c[0] = BLT2D(cases[i].op, cases[i].len) | 3u << 20;
        decode_ok(IGVT_ENGINE_BCS, c, G_N_ELEMENTS(c), &in);
        g_assert_cmpstr(in.name, ==, cases[i].name);
        g_assert_cmpuint(in.len, ==, cases[i].len);
        g_assert_cmphex(in.opcode, ==, IGVT_CMD_2D(cases[i].op));
        g_assert_cmphex(in.flags, ==, 0);
        /* blits exist on the blitter only */
        g_assert_cmpint(decode_err(IGVT_ENGINE_RCS, c, 16), ==,
                        IGVT_CMD_ERR_UNKNOWN);
        g_assert_cmpint(decode_err(IGVT_ENGINE_VCS, c, 16), ==,
                        IGVT_CMD_ERR_UNKNOWN);
    }
    /* an opcode GVT does not know */
    c[0] = BLT2D(0x7f, 3);
    g_assert_cmpint(decode_err(IGVT_ENGINE_BCS, c, 16), ==,
                    IGVT_CMD_ERR_UNKNOWN);
}

static void test_decode_3d(void)
{
    static const struct {
        IgvtEngine e;
        uint32_t hdr, len;
        const char *name;
    } cases[] = {
        { IGVT_ENGINE_RCS, GFX_PIPE_CONTROL(6), 6, "PIPE_CONTROL" },
        { IGVT_ENGINE_RCS, GFX3D(3, 0, 0x08, 5), 5, "3DSTATE_VERTEX_BUFFERS" },
        { IGVT_ENGINE_RCS, GFX3D(3, 3, 0x00, 7), 7, "3DPRIMITIVE" },
        { IGVT_ENGINE_RCS, GFX3D(0, 1, 0x01, 19), 19, "STATE_BASE_ADDRESS" },
        { IGVT_ENGINE_RCS, GFX3D(3, 1, 0x00, 4), 4,
          "3DSTATE_DRAWING_RECTANGLE" },
        { IGVT_ENGINE_RCS, GFX3D(3, 0, 0x55, 5), 5,
          "3DSTATE_COMPONENT_PACKING" },
        /* PIPELINE_SELECT is one dword; its low bits are data */
        { IGVT_ENGINE_RCS, GFX3D(1, 1, 0x04, 2) | 0x303, 1,
          "PIPELINE_SELECT" },
        /* 16-bit length field of media commands */
        { IGVT_ENGINE_RCS, GFX3D(2, 0, 0x00, 9), 9, "MEDIA_VFE_STATE" },
        { IGVT_ENGINE_RCS, GFX3D(2, 1, 0x00, 0x1002), 0x1002,
          "MEDIA_OBJECT" },
        /* 11- and 9-bit fields */
        { IGVT_ENGINE_RCS, GFX3D(3, 0, 0x39, 0x402), 0x402,
          "3DSTATE_DX9_CONSTANTF_VS" },
        { IGVT_ENGINE_RCS, GFX3D(3, 1, 0x17, 0x201), 0x201,
          "3DSTATE_SO_DECL_LIST" },
        /* the same header means MFX on the video engines */
        { IGVT_ENGINE_VCS, GFX3D(2, 0, 0x00, 5), 5, "MFX_PIPE_MODE_SELECT" },
        { IGVT_ENGINE_VCS2, GFX3D(2, 0, 0x00, 5), 5, "MFX_PIPE_MODE_SELECT" },
        { IGVT_ENGINE_VCS, GFX3D(2, 1, 0x28, 0x805), 0x805,
          "MFD_AVC_BSD_OBJECT" },
        { IGVT_ENGINE_VCS, GFX3D(1, 0, 0x00, 2), 1, "MFX_WAIT" },
        { IGVT_ENGINE_VECS, GFX3D(2, 4, 0x02, 0x12), 0x12, "VEBOX_STATE" },
    };
    static uint32_t c[0x1100];
    IgvtCmdInfo in;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        c[0] = cases[i].hdr;
        decode_ok(cases[i].e, c, G_N_ELEMENTS(c), &in);
        g_assert_cmpstr(in.name, ==, cases[i].name);
        g_assert_cmpuint(in.len, ==, cases[i].len);
        g_assert_cmphex(in.opcode, ==, cases[i].hdr & 0xffff0000u);
        /* one dword short of the length */
        if (in.len > 1) {
            g_assert_cmpint(decode_err(cases[i].e, c, in.len - 1), ==,
                            IGVT_CMD_ERR_OVERRUN);
        }
    }
    c[0] = GFX3D(2, 0, 0x00, 9);
    decode_ok(IGVT_ENGINE_RCS, c, 9, &in);
    g_assert_cmphex(in.opcode, ==, IGVT_CMD_3D(2, 0, 0));

    /* engines without these commands */
    c[0] = GFX_PIPE_CONTROL(6);
    g_assert_cmpint(decode_err(IGVT_ENGINE_BCS, c, 6), ==,
                    IGVT_CMD_ERR_UNKNOWN);
    g_assert_cmpint(decode_err(IGVT_ENGINE_VCS, c, 6), ==,
                    IGVT_CMD_ERR_UNKNOWN);
    c[0] = GFX3D(2, 4, 0x02, 0x12);
    g_assert_cmpint(decode_err(IGVT_ENGINE_VCS, c, 0x12), ==,
                    IGVT_CMD_ERR_UNKNOWN);
    c[0] = GFX3D(3, 0, 0x7f, 3);
    g_assert_cmpint(decode_err(IGVT_ENGINE_RCS, c, 3), ==,
                    IGVT_CMD_ERR_UNKNOWN);

    /* PIPE_CONTROL operands */
    {
        uint32_t pc[6] = { GFX_PIPE_CONTROL(6), IGVT_PC_QW_WRITE |
                           IGVT_PC_GLOBAL_GTT | IGVT_PC_CS_STALL |
                           IGVT_PC_NOTIFY, (uint32_t)HWSP | 4, 0, 1, 0 };

        decode_ok(IGVT_ENGINE_RCS, pc, 6, &in);
        g_assert_cmphex(in.flags, ==, IGVT_CMDF_MEM_WRITE | IGVT_CMDF_GGTT |
                        IGVT_CMDF_NOTIFY);
        g_assert_cmphex(in.addr, ==, HWSP);
        g_assert_cmpuint(in.size, ==, 8);
        pc[1] = IGVT_PC_MMIO_WRITE;
        decode_ok(IGVT_ENGINE_RCS, pc, 6, &in);
        g_assert_cmphex(in.flags, ==, IGVT_CMDF_REG_WRITE);
        pc[1] = IGVT_PC_QW_WRITE | IGVT_PC_STORE_DATA_INDEX;
        pc[2] = SCRATCH;
        decode_ok(IGVT_ENGINE_RCS, pc, 6, &in);
        g_assert_cmphex(in.flags, ==, IGVT_CMDF_MEM_WRITE |
                        IGVT_CMDF_HWSP_INDEX);
        g_assert_cmphex(in.addr, ==, SCRATCH);
    }
}

static void test_decode_malformed(void)
{
    static const struct {
        IgvtEngine e;
        uint32_t c[6];
        IgvtCmdError err;
        const char *name;
    } cases[] = {
        /* LRI: an odd number of dwords */
        { IGVT_ENGINE_RCS, { MI(0x22, 2), 0x2580, 0, 0 },
          IGVT_CMD_ERR_LENGTH, "MI_LOAD_REGISTER_IMM" },
        { IGVT_ENGINE_RCS, { MI(0x22, 0), 0x2580 },
          IGVT_CMD_ERR_LENGTH, "MI_LOAD_REGISTER_IMM" },
        /* Gen8+ batch start is 3 dwords */
        { IGVT_ENGINE_RCS, { MI(0x31, 2), 0, 0, 0 },
          IGVT_CMD_ERR_LENGTH, "MI_BATCH_BUFFER_START" },
        { IGVT_ENGINE_RCS, { MI(0x31, 0), 0, 0, 0 },
          IGVT_CMD_ERR_LENGTH, "MI_BATCH_BUFFER_START" },
        { IGVT_ENGINE_RCS, { MI_BB_START | IGVT_BB_RESOURCE_STREAMER, 0, 0 },
          IGVT_CMD_ERR_FIELD, "MI_BATCH_BUFFER_START" },
        /* GGTT dword store of 4, qword store of 5 */
        { IGVT_ENGINE_RCS, { MI(0x20, 3) | IGVT_MI_GGTT, 0, 0, 0 },
          IGVT_CMD_ERR_LENGTH, "MI_STORE_DATA_IMM" },
        { IGVT_ENGINE_RCS, { MI(0x20, 2) | IGVT_MI_SDI_QWORD, 0, 0, 0 },
          IGVT_CMD_ERR_LENGTH, "MI_STORE_DATA_IMM" },
        { IGVT_ENGINE_RCS, { MI(0x20, 1), 0, 0 },
          IGVT_CMD_ERR_LENGTH, "MI_STORE_DATA_IMM" },
        { IGVT_ENGINE_RCS, { GFX_PIPE_CONTROL(5), 0, 0, 0 },
          IGVT_CMD_ERR_LENGTH, "PIPE_CONTROL" },
        { IGVT_ENGINE_BCS, { MI_FLUSH_DW(3), 0, 0 },
          IGVT_CMD_ERR_LENGTH, "MI_FLUSH_DW" },
        { IGVT_ENGINE_BCS, { MI_FLUSH_DW(6), 0, 0, 0 },
          IGVT_CMD_ERR_LENGTH, "MI_FLUSH_DW" },
        { IGVT_ENGINE_RCS, { MI_SRM | 1, 0, 0, 0 },
          IGVT_CMD_ERR_LENGTH, "MI_STORE_REGISTER_MEM" },
        { IGVT_ENGINE_RCS, { MI_ATOMIC(4), 0, 0, 0 },
          IGVT_CMD_ERR_LENGTH, "MI_ATOMIC" },
        { IGVT_ENGINE_RCS, { MI(0x12, 1), 0, 0 },
          IGVT_CMD_ERR_LENGTH, "MI_LOAD_SCAN_LINES_INCL" },
        /* display flip: plane code 3 is not a SKL plane; stereo is 4 */
        { IGVT_ENGINE_RCS, { MI(0x14, 1) | 3u << 8, 0, 0 },
          IGVT_CMD_ERR_FIELD, "MI_DISPLAY_FLIP" },
        { IGVT_ENGINE_RCS, { MI(0x14, 1), 0, 2 },
          IGVT_CMD_ERR_LENGTH, "MI_DISPLAY_FLIP" },
        /* no such commands */
        { IGVT_ENGINE_RCS, { MI(0x3f, 0) }, IGVT_CMD_ERR_UNKNOWN, NULL },
        { IGVT_ENGINE_RCS, { MI(0x18, 0) }, IGVT_CMD_ERR_UNKNOWN, NULL },
        { IGVT_ENGINE_RCS, { 1u << 29 }, IGVT_CMD_ERR_UNKNOWN, NULL },
        { IGVT_ENGINE_BCS, { 4u << 29 }, IGVT_CMD_ERR_UNKNOWN, NULL },
        { IGVT_ENGINE_VCS, { 7u << 29 | 0x1234 }, IGVT_CMD_ERR_UNKNOWN, NULL },
        { IGVT_ENGINE_VCS, { MI(0x14, 1), 0, 0 }, IGVT_CMD_ERR_UNKNOWN, NULL },
        { IGVT_ENGINE__MAX, { MI_NOOP }, IGVT_CMD_ERR_ENGINE, NULL },
    };
    IgvtCmdInfo in;
    IgvtCmdError err;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        err = IGVT_CMD_OK;
        g_assert_false(igvt_cmd_decode(cases[i].e, cases[i].c, 6, &in,
                                       &err));
        g_assert_cmpint(err, ==, cases[i].err);
        g_assert_cmpstr(in.name, ==, cases[i].name);
        g_assert_cmpuint(in.len, ==, 0);
    }
    /* nothing to decode; and @err may be NULL */
    g_assert_cmpint(decode_err(IGVT_ENGINE_RCS, cases[0].c, 0), ==,
                    IGVT_CMD_ERR_OVERRUN);
    g_assert_false(igvt_cmd_decode(IGVT_ENGINE_RCS, cases[0].c, 4, &in,
                                   NULL));
}

/* ---------------------------------------------------------------------- */
/* Ring segments as a Gen9 i915 guest writes them */

/* First request of a context: the context workarounds, by LRI */
static void emit_ctx_wa(Buf *b)
{
    EMIT(b, MI_LRI(8),
         0x2580, 0x00010001,        /* CS_CHICKEN1 */
         0xe4f0, 0x01000100,        /* ROW_CHICKEN */
         0xe184, 0x00200020,        /* HALF_SLICE_CHICKEN3 */
         0xe188, 0x00040000,        /* HALF_SLICE_CHICKEN5 */
         0x7300, 0x00200020,        /* HDC_CHICKEN0 */
         0x7004, 0x00400040,        /* CACHE_MODE_1 */
         0x7014, 0x00200020,        /* COMMON_SLICE_CHICKEN2 */
         0x5588, 0x00080008,        /* WM_CHICKEN3 */
         MI_NOOP);
}

static void emit_request_rcs(Buf *b, uint32_t seqno, uint64_t batch)
{
    /* initial breadcrumb */
    EMIT(b, MI_SDI | IGVT_MI_GGTT, (uint32_t)HWSP + 8, 0, seqno - 1,
         MI_NOOP, MI_ARB_CHECK);
    /* invalidate: a null PIPE_CONTROL (Gen9 VF w/a), then one writing */
    /* the scratch qword of the per-context status page by index */
    EMIT(b, GFX_PIPE_CONTROL(6), 0, 0, 0, 0, 0);
    EMIT(b, GFX_PIPE_CONTROL(6), IGVT_PC_CS_STALL | 1u << 18 | 1u << 11 |
         1u << 10 | 1u << 4 | 1u << 3 | 1u << 2 | IGVT_PC_QW_WRITE |
         IGVT_PC_STORE_DATA_INDEX, SCRATCH, 0, 0, 0);
    /* the user batch */
    EMIT(b, MI_ARB_ON, MI_BB_START | IGVT_BB_PPGTT, (uint32_t)batch,
         (uint32_t)(batch >> 32), MI_ARB_OFF, MI_NOOP);
    /* flush */
    EMIT(b, GFX_PIPE_CONTROL(6), IGVT_PC_CS_STALL | 1u << 12 | 1u << 0 |
         1u << 5 | 1u << 7, SCRATCH, 0, 0, 0);
    /* final breadcrumb: flush, qword write to the timeline, interrupt */
    EMIT(b, GFX_PIPE_CONTROL(6), 1u << 12 | 1u << 0 | 1u << 5, 0, 0, 0, 0);
    EMIT(b, GFX_PIPE_CONTROL(6), IGVT_PC_QW_WRITE | IGVT_PC_GLOBAL_GTT |
         1u << 7 | IGVT_PC_CS_STALL, (uint32_t)HWSP + 8, 0, seqno, 0);
    EMIT(b, MI_USER_INTERRUPT, MI_ARB_ON, MI_ARB_CHECK, MI_NOOP);
}

static void emit_request_xcs(Buf *b, uint32_t seqno, uint64_t batch)
{
    EMIT(b, MI_SDI | IGVT_MI_GGTT, (uint32_t)HWSP + 16, 0, seqno - 1,
         MI_NOOP, MI_ARB_CHECK);
    /* flush: store-index write to the scratch slot, TLB invalidate */
    EMIT(b, MI_FLUSH_DW(4) | IGVT_FLUSH_DW_STORE_INDEX | OP_STOREDW |
         1u << 18, SCRATCH | IGVT_FLUSH_DW_USE_GTT, 0, 0);
    EMIT(b, MI_ARB_ON, MI_BB_START | IGVT_BB_PPGTT, (uint32_t)batch,
         (uint32_t)(batch >> 32), MI_ARB_OFF, MI_NOOP);
    EMIT(b, MI_FLUSH_DW(4) | IGVT_FLUSH_DW_STORE_INDEX | OP_STOREDW,
         SCRATCH | IGVT_FLUSH_DW_USE_GTT, 0, 0);
    EMIT(b, MI_FLUSH_DW(4) | OP_STOREDW,
         ((uint32_t)HWSP + 16) | IGVT_FLUSH_DW_USE_GTT, 0, seqno);
    EMIT(b, MI_USER_INTERRUPT, MI_ARB_ON, MI_ARB_CHECK, MI_NOOP);
}

static void test_audit_ring_rcs(void)
{
    IgvtAuditResult r;
    Buf b = { .n = 0 };

    emit_ctx_wa(&b);
    emit_request_rcs(&b, 2, USER_BB);
    emit_request_rcs(&b, 3, USER_BB + 0x1000);
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false, &r));
    g_assert_null(r.reason);
    g_assert_cmpuint(r.consumed, ==, b.n);
    g_assert_cmpuint(r.nr_cmds, ==, 2 + 2 * 16);
    g_assert_true(r.cmd_flags & IGVT_CMDF_NOTIFY);
    g_assert_true(r.cmd_flags & IGVT_CMDF_HWSP_INDEX);
    g_assert_cmpuint(r.nr_batches, ==, 2);
    g_assert_cmphex(r.batches[0].addr, ==, USER_BB);
    g_assert_cmphex(r.batches[1].addr, ==, USER_BB + 0x1000);
    g_assert_true(r.batches[0].ppgtt);
    g_assert_false(r.batches[0].chained);
    g_assert_cmpuint(r.batches[0].level, ==, IGVT_LEVEL_BATCH);
    g_assert_cmphex(b.dw[r.batches[0].offset], ==,
                    MI_BB_START | IGVT_BB_PPGTT);

    /* as GVT-g by default: PPGTT batches are not reported */
    pol.flags &= ~IGVT_AUDIT_SCAN_PPGTT;
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false, &r));
    g_assert_cmpuint(r.nr_batches, ==, 0);
    pol.flags |= IGVT_AUDIT_SCAN_PPGTT;

    /* the ring's own ppgtt argument is ignored */
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, true, &r));

    /* an empty segment is fine */
    g_assert_true(audit_n(IGVT_ENGINE_RCS, &b, 0, IGVT_LEVEL_RING, false,
                          &r, refs, 16));
    g_assert_cmpuint(r.consumed, ==, 0);
}

static void test_audit_ring_xcs(void)
{
    static const IgvtEngine xcs[] = {
        IGVT_ENGINE_BCS, IGVT_ENGINE_VCS, IGVT_ENGINE_VECS, IGVT_ENGINE_VCS2,
    };
    IgvtAuditResult r;
    Buf b = { .n = 0 };
    size_t i;

    emit_request_xcs(&b, 10, USER_BB);
    /* a kernel batch in the GGTT */
    EMIT(&b, MI_BB_START, (uint32_t)HID_BASE + 0x2000, 0);
    for (i = 0; i < G_N_ELEMENTS(xcs); i++) {
        g_assert_true(audit(xcs[i], &b, IGVT_LEVEL_RING, false, &r));
        g_assert_cmpuint(r.consumed, ==, b.n);
        g_assert_cmpuint(r.nr_batches, ==, 2);
        g_assert_true(r.batches[0].ppgtt);
        g_assert_false(r.batches[1].ppgtt);
        g_assert_cmphex(r.batches[1].addr, ==, HID_BASE + 0x2000);
    }
    /* the render engine has no MI_FLUSH_DW users but GVT allows it */
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false, &r));
}

/* A user batch, as Mesa would write on Gen9, in the PPGTT */
static void emit_user_batch(Buf *b)
{
    EMIT(b, MI_LRI(2), 0x2600, 1, 0x2604, 0,          /* GPR0 */
         MI_LRM, 0x2434, 0x10000, 0,                  /* 3DPRIM count */
         MI_SRM, 0x2358, 0x10008, 0,                  /* timestamp */
         MI_SRM, 0x2348, 0x10010, 0,                  /* PS_INVOCATION */
         MI_LRR, 0x2600, 0x2608,                      /* GPR0 -> GPR1 */
         MI(0x1a, 1), 0x00801000, 0x00801000 | 1,     /* MI_MATH */
         MI_LRI(1), 0x7004, 0x00400040,               /* CACHE_MODE_1 */
         MI_LRI(1), 0x7034, 0x60000321,               /* L3CNTLREG */
         GFX3D(1, 1, 0x04, 2) | 0x300,                /* PIPELINE_SELECT */
         GFX3D(3, 0, 0x08, 5), 0, 0, 0, 0,            /* VERTEX_BUFFERS */
         GFX3D(3, 1, 0x00, 4), 0, 0, 0,               /* DRAWING_RECT. */
         GFX_PIPE_CONTROL(6), IGVT_PC_QW_WRITE | IGVT_PC_CS_STALL,
         0x20000, 0, 1, 0,                            /* PPGTT write */
         GFX_PIPE_CONTROL(6), PC_POST_TIMESTAMP, 0x20008, 0, 0, 0,
         GFX3D(3, 3, 0x00, 7), 0, 3, 0, 1, 0, 0,      /* 3DPRIMITIVE */
         MI_SDI, 0x20010, 0, 5);                      /* PPGTT store */
}

static void test_audit_batches(void)
{
    IgvtAuditResult r;
    Buf b = { .n = 0 };
    uint32_t end;

    /* a user batch calling a second-level batch, then ending */
    emit_user_batch(&b);
    EMIT(&b, MI_BB_START | IGVT_BB_PPGTT | IGVT_BB_SECOND_LEVEL,
         0x40000, 0, MI_NOOP, MI_BB_END);
    end = b.n;
    EMIT(&b, 0xffffffff, 0xdeadbeef);       /* never executed */
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH, true, &r));
    g_assert_cmpuint(r.consumed, ==, end);
    g_assert_cmpuint(r.nr_batches, ==, 1);
    g_assert_cmphex(r.batches[0].addr, ==, 0x40000);
    g_assert_cmpuint(r.batches[0].level, ==, IGVT_LEVEL_BATCH_2ND);
    g_assert_true(r.batches[0].ppgtt);
    g_assert_false(r.batches[0].chained);
    g_assert_cmpuint(r.batches[0].offset, ==, end - 5);

    /* a chained batch start ends the batch too */
    b.n = 0;
    emit_user_batch(&b);
    EMIT(&b, MI_BB_START | IGVT_BB_PPGTT, 0x50000, 0);
    end = b.n;
    EMIT(&b, MI(0x1c, 2), 0, 0, 0);         /* never executed */
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH, true, &r));
    g_assert_cmpuint(r.consumed, ==, end);
    g_assert_cmpuint(r.nr_batches, ==, 1);
    g_assert_true(r.batches[0].chained);
    g_assert_cmpuint(r.batches[0].level, ==, IGVT_LEVEL_BATCH);

    /* ... unless predicated: what follows may run, so it is audited */
    b.dw[end - 3] |= IGVT_BB_PREDICATE;
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH, true,
                IGVT_CMD_ERR_FORBIDDEN, end);
    b.n = end;
    EMIT(&b, MI_BB_END);
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH, true, &r));
    g_assert_cmpuint(r.consumed, ==, b.n);

    /* a privileged (GGTT) batch chaining inside the slices */
    b.n = 0;
    EMIT(&b, MI_SDI | IGVT_MI_GGTT, (uint32_t)HID_BASE, 0, 1,
         MI_BB_START, (uint32_t)AP_BASE + 0x8000, 0);
    g_assert_true(audit(IGVT_ENGINE_BCS, &b, IGVT_LEVEL_BATCH, false, &r));
    g_assert_cmpuint(r.nr_batches, ==, 1);
    g_assert_false(r.batches[0].ppgtt);
    g_assert_true(r.batches[0].chained);

    /* a second-level batch */
    b.n = 0;
    emit_user_batch(&b);
    EMIT(&b, MI_BB_END);
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH_2ND, true,
                        &r));
    g_assert_cmpuint(r.consumed, ==, b.n);
}

/* ---------------------------------------------------------------------- */
/* Refusals */

static void test_audit_forbidden(void)
{
    static const uint32_t cmds[][6] = {
        { 4, MI(0x1c, 2) | IGVT_MI_GGTT | 1u << 15, 1, (uint32_t)HWSP, 0 },
        { 3, MI(0x21, 1), 0x40, 1 },                /* MI_STORE_DATA_INDEX */
        { 3, MI(0x27, 1), (uint32_t)HWSP, 0 },      /* MI_CLFLUSH */
        { 4, MI(0x28, 2), (uint32_t)HWSP | 1, 0, 0 },   /* REPORT_PERF */
        { 5, MI(0x2e, 3), (uint32_t)HWSP, 0, (uint32_t)HWSP + 64, 0 },
        { 3, MI(0x23, 1), 0, 0 },                   /* MI_UPDATE_GTT */
    };
    static const char *const names[] = {
        "MI_SEMAPHORE_WAIT", "MI_STORE_DATA_INDEX", "MI_CLFLUSH",
        "MI_REPORT_PERF_COUNT", "MI_COPY_MEM_MEM", "MI_UPDATE_GTT",
    };
    IgvtAuditResult r;
    size_t i;
    unsigned level;

    for (i = 0; i < G_N_ELEMENTS(cmds); i++) {
        for (level = 0; level <= IGVT_LEVEL_MAX; level++) {
            Buf b = { .n = 0 };

            EMIT(&b, MI_NOOP);
            emitv(&b, cmds[i] + 1, cmds[i][0]);
            EMIT(&b, MI_NOOP, MI_BB_END);
            if (level == IGVT_LEVEL_RING) {
                b.n--;
            }
            expect_fail(IGVT_ENGINE_RCS, &b, level, level > 0,
                        IGVT_CMD_ERR_FORBIDDEN, 1);
            g_assert_false(audit(IGVT_ENGINE_BCS, &b, level, false, &r));
            g_assert_cmpstr(r.cmd_name, ==, names[i]);
            g_assert_cmpint(r.error, ==, IGVT_CMD_ERR_FORBIDDEN);
        }
    }
}

/*
 * MI_CONDITIONAL_BATCH_BUFFER_END: forbidden where GVT-g scans (rings,
 * GGTT batches), allowed in PPGTT batches with a PPGTT operand
 */
static void test_audit_cond_bbe(void)
{
    const uint32_t cmd[] = { MI(0x36, 2) | 1u << 21, 0x1000, 0x1000, 0 };
    IgvtAuditResult r;
    unsigned level;
    Buf b;

    for (level = 0; level <= IGVT_LEVEL_MAX; level++) {
        b.n = 0;
        EMIT(&b, MI_NOOP);
        emitv(&b, cmd, ARRAY_SIZE(cmd));
        EMIT(&b, MI_NOOP, MI_BB_END);
        if (level == IGVT_LEVEL_RING) {
            b.n--;
        }
        expect_fail(IGVT_ENGINE_RCS, &b, level, false,
                    IGVT_CMD_ERR_FORBIDDEN, 1);
        g_assert_false(audit(IGVT_ENGINE_RCS, &b, level, false, &r));
        g_assert_cmpstr(r.cmd_name, ==, "MI_CONDITIONAL_BATCH_BUFFER_END");
        if (level != IGVT_LEVEL_RING) {
            g_assert_true(audit(IGVT_ENGINE_RCS, &b, level, true, &r));
            g_assert_true(audit(IGVT_ENGINE_BCS, &b, level, true, &r));
        }
    }
}

static void test_audit_registers(void)
{
    /* display, PVINFO, fences, ring and execlist, interrupts, GT control */
    static const uint32_t bad[] = {
        0x70008, 0x7019c, 0x78000, 0x78818, 0x100000, 0x100004, 0x1000f8,
        0x2030, 0x2034, 0x2038, 0x203c, 0x2080, 0x2230, 0x229c, 0x209c,
        0x2270, 0x2274, 0x2140, 0x24d0, 0x20d4, 0x20c0, 0x44200, 0x44304,
        0x941c, 0xa188, 0xa278, 0x138124, 0x145000, 0x7ffffc, 0x0,
        0x22030, 0x22080, 0x12230,
    };
    IgvtAuditResult r;
    Buf b;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        /* the second pair of a two-register LRI */
        b.n = 0;
        EMIT(&b, MI_NOOP, MI_NOOP, MI_LRI(2), 0x2580, 0, bad[i], 0, MI_NOOP);
        expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                    IGVT_CMD_ERR_REG, 2);
        g_assert_false(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                             &r));
        g_assert_cmphex(r.address, ==, bad[i]);
        g_assert_cmpstr(r.cmd_name, ==, "MI_LOAD_REGISTER_IMM");
        /* and the same register through the other register commands */
        b.n = 0;
        EMIT(&b, MI_LRM, bad[i], (uint32_t)HWSP, 0);
        expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                    IGVT_CMD_ERR_REG, 0);
        b.n = 0;
        EMIT(&b, MI_SRM, bad[i], (uint32_t)HWSP, 0);
        expect_fail(IGVT_ENGINE_BCS, &b, IGVT_LEVEL_RING, false,
                    IGVT_CMD_ERR_REG, 0);
        b.n = 0;
        EMIT(&b, MI_LRR, 0x2600, bad[i]);
        expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                    IGVT_CMD_ERR_REG, 0);
        b.n = 0;
        EMIT(&b, GFX_PIPE_CONTROL(6), IGVT_PC_MMIO_WRITE, bad[i], 0, 1, 0);
        expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                    IGVT_CMD_ERR_REG, 0);
    }

    /* the GGTT (BAR0 + 8 MiB) is out of reach: offsets are bits 22:2 */
    b.n = 0;
    EMIT(&b, MI_LRI(1), 0x800000 | 0x2580, 0);
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false, &r));
    b.dw[1] = 0x800000;
    g_assert_false(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false, &r));
    g_assert_cmphex(r.address, ==, 0);

    /* engine-relative rows: each engine its own GPRs */
    b.n = 0;
    EMIT(&b, MI_LRI(1), 0x22600, 0);
    g_assert_true(audit(IGVT_ENGINE_BCS, &b, IGVT_LEVEL_RING, false, &r));
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_REG, 0);
    b.dw[1] = 0x1c678;
    g_assert_true(audit(IGVT_ENGINE_VCS2, &b, IGVT_LEVEL_RING, false, &r));
    expect_fail(IGVT_ENGINE_VCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_REG, 0);
    /* BCS_SWCTRL on the blitter only */
    b.dw[1] = 0x22200;
    g_assert_true(audit(IGVT_ENGINE_BCS, &b, IGVT_LEVEL_RING, false, &r));
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_REG, 0);

    /* kinds of access: LRI-only registers cannot be loaded from memory */
    b.n = 0;
    EMIT(&b, MI_LRM, 0x7004, (uint32_t)HWSP, 0);
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_REG, 0);
    /* GVT's two LRM/SRM registers */
    b.n = 0;
    EMIT(&b, MI_LRM | IGVT_MI_GGTT, 0xb118, (uint32_t)HWSP, 0,
         MI_SRM | IGVT_MI_GGTT, 0x21f0, (uint32_t)HWSP + 4, 0);
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false, &r));
    /* a read-only register */
    b.n = 0;
    EMIT(&b, MI_LRI(1), 0x2358, 0);
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_REG, 0);
    /* MOCS: from the ring, not from a user batch */
    b.n = 0;
    EMIT(&b, MI_LRI(2), 0xc800, 0x3b, 0xcc04, 0x3b, MI_BB_END);
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH, false, &r));
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH, true,
                IGVT_CMD_ERR_REG, 0);

    /* the caller's table is what counts */
    {
        static const IgvtRegRange only_gpr[] = {
            { 0x600, 0x80, IGVT_ENGINES_ALL,
              IGVT_REG_LRI | IGVT_REG_RELATIVE },
        };
        IgvtAuditPolicy saved = pol;

        pol.regs = only_gpr;
        pol.nr_regs = 1;
        b.n = 0;
        EMIT(&b, MI_LRI(1), 0x2600, 0);
        g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false, &r));
        b.dw[1] = 0x2580;
        expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                    IGVT_CMD_ERR_REG, 0);
        pol.nr_regs = 0;
        b.dw[1] = 0x2600;
        expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                    IGVT_CMD_ERR_REG, 0);
        pol = saved;
    }
}

static void test_audit_ggtt(void)
{
    static const uint64_t outside[] = {
        0, AP_BASE - 8, AP_END, HID_BASE - 8, HID_END, HID_END + 0x1000,
        0xfffffff8ull, 0x100000000ull + AP_BASE, 0xfffffffffff8ull,
    };
    IgvtAuditResult r;
    Buf b;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(outside); i++) {
        uint32_t lo = (uint32_t)outside[i], hi = outside[i] >> 32;
        struct {
            IgvtEngine e;
            uint32_t c[6];
            unsigned n;
        } cmds[] = {
            { IGVT_ENGINE_RCS, { MI_SDI | IGVT_MI_GGTT, lo, hi, 0 }, 4 },
            { IGVT_ENGINE_BCS, { MI_SDI_QW | IGVT_MI_GGTT, lo, hi, 0, 0 }, 5 },
            { IGVT_ENGINE_RCS, { GFX_PIPE_CONTROL(6), IGVT_PC_QW_WRITE |
                                 IGVT_PC_GLOBAL_GTT, lo, hi, 0, 0 }, 6 },
            { IGVT_ENGINE_RCS, { GFX_PIPE_CONTROL(6), PC_POST_TIMESTAMP |
                                 IGVT_PC_GLOBAL_GTT, lo, hi, 0, 0 }, 6 },
            { IGVT_ENGINE_VCS, { MI_FLUSH_DW(4) | OP_STOREDW,
                                 lo | IGVT_FLUSH_DW_USE_GTT, hi, 0 }, 4 },
            { IGVT_ENGINE_RCS, { MI_SRM | IGVT_MI_GGTT, 0x2600, lo, hi }, 4 },
            { IGVT_ENGINE_RCS, { MI_LRM | IGVT_MI_GGTT, 0x2600, lo, hi }, 4 },
            { IGVT_ENGINE_RCS, { MI_ATOMIC(3) | IGVT_MI_GGTT, lo, hi }, 3 },
            { IGVT_ENGINE_BCS, { MI_BB_START, lo, hi }, 3 },
        };
        size_t k;

        for (k = 0; k < G_N_ELEMENTS(cmds); k++) {
            b.n = 0;
            EMIT(&b, MI_NOOP, MI_ARB_CHECK);
            emitv(&b, cmds[k].c, cmds[k].n);
            expect_fail(cmds[k].e, &b, IGVT_LEVEL_RING, false,
                        IGVT_CMD_ERR_GGTT, 2);
            g_assert_false(audit(cmds[k].e, &b, IGVT_LEVEL_RING, false, &r));
            g_assert_cmphex(r.address, ==, outside[i]);
        }
    }

    /* straddling the end of a slice: the whole access must be inside */
    b.n = 0;
    EMIT(&b, MI_SDI_QW | IGVT_MI_GGTT, (uint32_t)AP_END - 8, 0, 1, 2);
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false, &r));
    b.dw[1] = (uint32_t)AP_END - 4;
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_GGTT, 0);
    b.n = 0;
    EMIT(&b, MI_SDI | IGVT_MI_GGTT, (uint32_t)HID_END - 4, 0, 1);
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false, &r));
    /* "core mode" doubles the reach of the store */
    b.dw[1] |= 1;
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_GGTT, 0);
    b.n = 0;
    EMIT(&b, MI_ATOMIC(3) | IGVT_MI_GGTT | 2u << 19, (uint32_t)AP_END - 8,
         0);
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_GGTT, 0);

    /* the range check itself, wrap-around included */
    g_assert_true(igvt_audit_gm_ok(&pol, AP_BASE, AP_SIZE));
    g_assert_true(igvt_audit_gm_ok(&pol, HID_BASE, 1));
    g_assert_false(igvt_audit_gm_ok(&pol, AP_BASE, AP_SIZE + 1));
    g_assert_false(igvt_audit_gm_ok(&pol, AP_BASE, 0));
    g_assert_false(igvt_audit_gm_ok(&pol, AP_END - 4, UINT64_MAX));
    g_assert_false(igvt_audit_gm_ok(&pol, UINT64_MAX - 3, 8));
    g_assert_false(igvt_audit_gm_ok(&pol, AP_END - 1, 2));
    /* two adjacent slices are still two ranges */
    {
        IgvtAuditPolicy p;

        igvt_audit_policy_init(&p, 0x1000, 0x1000, 0x2000, 0x1000);
        g_assert_true(igvt_audit_gm_ok(&p, 0x1ffc, 4));
        g_assert_false(igvt_audit_gm_ok(&p, 0x1ffc, 8));
    }

    /* status page index writes stay in the 4 KiB page */
    b.n = 0;
    EMIT(&b, GFX_PIPE_CONTROL(6), IGVT_PC_QW_WRITE |
         IGVT_PC_STORE_DATA_INDEX, 0xff8, 0, 0, 0);
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false, &r));
    b.dw[2] = 0x1000;
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_HWSP, 0);
    g_assert_false(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false, &r));
    g_assert_cmphex(r.address, ==, 0x1000);
    b.n = 0;
    EMIT(&b, MI_FLUSH_DW(4) | OP_STOREDW | IGVT_FLUSH_DW_STORE_INDEX,
         0x3000 | IGVT_FLUSH_DW_USE_GTT, 0, 0);
    expect_fail(IGVT_ENGINE_BCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_HWSP, 0);
    b.dw[2] = 1;            /* high address bits count too */
    b.dw[1] = 0x8 | IGVT_FLUSH_DW_USE_GTT;
    expect_fail(IGVT_ENGINE_BCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_HWSP, 0);

    /* GGTT operands the auditor cannot size */
    b.n = 0;
    EMIT(&b, MI(0x2c, 2) | IGVT_MI_GGTT, 0, (uint32_t)HWSP, 0);
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_GGTT_OPERAND, 0);
    b.dw[0] &= ~IGVT_MI_GGTT;
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false, &r));
}

static void test_audit_lengths(void)
{
    Buf b = { .n = 0 };
    uint32_t n;

    /* a length field running far past the buffer */
    EMIT(&b, MI_NOOP, MI_LRI(1) | 0xff, 0x2580, 0, MI_NOOP, MI_NOOP);
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_OVERRUN, 1);
    b.n = 0;
    EMIT(&b, MI_NOOP, GFX3D(2, 1, 0x00, 0xffff + 2), 0, 0);
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_OVERRUN, 1);

    /* a ring segment whose tail cuts a command: every cut point */
    b.n = 0;
    emit_request_rcs(&b, 5, USER_BB);
    for (n = 0; n < b.n; n++) {
        IgvtAuditResult r;

        if (audit_n(IGVT_ENGINE_RCS, &b, n, IGVT_LEVEL_RING, false, &r,
                    refs, 16)) {
            g_assert_cmpuint(r.consumed, ==, n);
            continue;
        }
        g_assert_cmpint(r.error, ==, IGVT_CMD_ERR_OVERRUN);
        g_assert_cmpuint(r.offset, <, n);
    }
    /* e.g. a PIPE_CONTROL cut after 4 of its 6 dwords */
    b.n = 6 + 6 + 4;
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_OVERRUN, 12);
    /* a fixed-length command cut short */
    b.n = 0;
    EMIT(&b, MI_NOOP, MI(0x12, 0));
    expect_fail(IGVT_ENGINE_BCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_OVERRUN, 1);
    /* a bad length inside an otherwise good ring */
    b.n = 0;
    EMIT(&b, MI_NOOP, MI(0x31, 2) | IGVT_BB_PPGTT, 0, 0, 0);
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_LENGTH, 1);
}

static void test_audit_nesting(void)
{
    IgvtAuditResult r;
    Buf b = { .n = 0 };

    EMIT(&b, MI_NOOP, MI_BB_END);
    /* hardware stops at the second level */
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH_2ND, true, &r));
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH_2ND + 1, true,
                IGVT_CMD_ERR_NESTING, 0);
    expect_fail(IGVT_ENGINE_RCS, &b, 1000, false, IGVT_CMD_ERR_NESTING, 0);
    /* no batch start at all in a second-level batch */
    b.n = 0;
    EMIT(&b, MI_NOOP, MI_BB_START | IGVT_BB_PPGTT | IGVT_BB_SECOND_LEVEL,
         0x1000, 0, MI_BB_END);
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH_2ND, true,
                IGVT_CMD_ERR_BB_LEVEL, 1);
    b.dw[1] &= ~IGVT_BB_SECOND_LEVEL;
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH_2ND, true,
                IGVT_CMD_ERR_BB_LEVEL, 1);
    /* a ring cannot start a second-level batch */
    b.dw[1] |= IGVT_BB_SECOND_LEVEL;
    b.n = 4;
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_BB_LEVEL, 1);
    /* a nested batch in the other address space */
    b.n = 5;
    b.dw[1] &= ~IGVT_BB_PPGTT;
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH, true,
                IGVT_CMD_ERR_BB_SPACE, 1);
    b.dw[1] |= IGVT_BB_PPGTT;
    b.dw[2] = (uint32_t)AP_BASE;
    expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH, false,
                IGVT_CMD_ERR_BB_SPACE, 1);
    b.dw[1] &= ~IGVT_BB_PPGTT;
    g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH, false, &r));
    g_assert_false(r.batches[0].ppgtt);

    /* batch buffer end belongs to batches */
    b.n = 0;
    EMIT(&b, MI_NOOP, MI_ARB_CHECK, MI_BB_END);
    expect_fail(IGVT_ENGINE_VECS, &b, IGVT_LEVEL_RING, false,
                IGVT_CMD_ERR_BB_END_RING, 2);
    /* and a batch must have one */
    b.n = 2;
    expect_fail(IGVT_ENGINE_VECS, &b, IGVT_LEVEL_BATCH, false,
                IGVT_CMD_ERR_NO_BB_END, 2);
    b.n = 0;
    expect_fail(IGVT_ENGINE_VECS, &b, IGVT_LEVEL_BATCH, false,
                IGVT_CMD_ERR_NO_BB_END, 0);

    /* more batch starts than the caller has room for */
    b.n = 0;
    EMIT(&b, MI_BB_START | IGVT_BB_PPGTT, 0x1000, 0,
         MI_BB_START | IGVT_BB_PPGTT, 0x2000, 0,
         MI_BB_START | IGVT_BB_PPGTT, 0x3000, 0);
    g_assert_false(audit_n(IGVT_ENGINE_RCS, &b, b.n, IGVT_LEVEL_RING, false,
                           &r, refs, 2));
    g_assert_cmpint(r.error, ==, IGVT_CMD_ERR_TOO_MANY_BB);
    g_assert_cmpuint(r.offset, ==, 6);
    g_assert_false(audit_n(IGVT_ENGINE_RCS, &b, b.n, IGVT_LEVEL_RING, false,
                           &r, NULL, 16));
    g_assert_cmpuint(r.offset, ==, 0);
    pol.flags &= ~IGVT_AUDIT_SCAN_PPGTT;
    g_assert_true(audit_n(IGVT_ENGINE_RCS, &b, b.n, IGVT_LEVEL_RING, false,
                          &r, NULL, 0));
    pol.flags |= IGVT_AUDIT_SCAN_PPGTT;
}

static void test_audit_unknown(void)
{
    static const struct {
        IgvtEngine e;
        uint32_t hdr;
    } cases[] = {
        { IGVT_ENGINE_RCS, MI(0x3f, 0) },
        { IGVT_ENGINE_RCS, MI(0x18, 0) },               /* MI_SET_CONTEXT */
        { IGVT_ENGINE_RCS, 1u << 29 },
        { IGVT_ENGINE_RCS, BLT2D(0x53, 10) },
        { IGVT_ENGINE_RCS, GFX3D(3, 0, 0x7f, 3) },
        { IGVT_ENGINE_BCS, GFX_PIPE_CONTROL(6) },
        { IGVT_ENGINE_VCS, MI(0x14, 1) },
        { IGVT_ENGINE_VECS, GFX3D(2, 0, 0, 5) },
        { IGVT_ENGINE_VCS2, 0xffffffff },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        Buf b = { .n = 0 };

        EMIT(&b, MI_NOOP, MI_NOOP, MI_NOOP, cases[i].hdr, 0, 0, 0, 0, 0, 0,
             0, 0);
        expect_fail(cases[i].e, &b, IGVT_LEVEL_RING, false,
                    IGVT_CMD_ERR_UNKNOWN, 3);
    }
    {
        Buf b = { .n = 1, .dw = { MI_NOOP } };

        expect_fail(IGVT_ENGINE__MAX, &b, IGVT_LEVEL_RING, false,
                    IGVT_CMD_ERR_ENGINE, 0);
    }
}

static void test_audit_nonpriv(void)
{
    static const struct {
        uint32_t c[6];
        unsigned n;
        IgvtCmdError err;
    } cases[] = {
        { { MI_SDI | IGVT_MI_GGTT, (uint32_t)HWSP, 0, 0 }, 4,
          IGVT_CMD_ERR_NONPRIV },
        { { MI_SRM | IGVT_MI_GGTT, 0x2600, (uint32_t)HWSP, 0 }, 4,
          IGVT_CMD_ERR_NONPRIV },
        { { MI_USER_INTERRUPT }, 1, IGVT_CMD_ERR_NONPRIV },
        { { MI_ARB_ON }, 1, IGVT_CMD_ERR_NONPRIV },
        { { MI(0x03, 0) }, 1, IGVT_CMD_ERR_NONPRIV },
        { { MI(0x12, 0), 0 }, 2, IGVT_CMD_ERR_NONPRIV },
        { { MI(0x14, 1), 0, 0 }, 3, IGVT_CMD_ERR_NONPRIV },
        { { MI(0x16, 1), 0, 0 }, 3, IGVT_CMD_ERR_NONPRIV },
        { { GFX_PIPE_CONTROL(6), IGVT_PC_NOTIFY, 0, 0, 0, 0 }, 6,
          IGVT_CMD_ERR_NONPRIV },
        { { GFX_PIPE_CONTROL(6), IGVT_PC_QW_WRITE | IGVT_PC_GLOBAL_GTT,
            (uint32_t)HWSP, 0, 0, 0 }, 6, IGVT_CMD_ERR_NONPRIV },
        { { GFX_PIPE_CONTROL(6), IGVT_PC_QW_WRITE |
            IGVT_PC_STORE_DATA_INDEX, 0x10, 0, 0, 0 }, 6,
          IGVT_CMD_ERR_NONPRIV },
        { { GFX_PIPE_CONTROL(6), IGVT_PC_MMIO_WRITE, 0xc800, 0, 0, 0 }, 6,
          IGVT_CMD_ERR_REG },
        { { GFX3D(2, 0, 0, 4), 0, 0x18, 0 }, 4, IGVT_CMD_ERR_NONPRIV },
        { { MI_LRI(1), 0x2580 | 0, 0, 0 }, 3, IGVT_CMD_OK },
        { { MI_LRI(1), 0x7300, 0 }, 3, IGVT_CMD_ERR_REG },
        { { MI_SRM, 0x2348, 0x1000, 0 }, 4, IGVT_CMD_OK },
        { { GFX3D(2, 0, 0, 4), 0, 0x07, 0 }, 4, IGVT_CMD_OK },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        IgvtAuditResult r;
        Buf b = { .n = 0 };

        EMIT(&b, MI_NOOP);
        emitv(&b, cases[i].c, cases[i].n);
        EMIT(&b, MI_BB_END);
        /* fine from a privileged batch ... */
        g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH, false, &r));
        /* ... not from a user batch */
        if (cases[i].err == IGVT_CMD_OK) {
            g_assert_true(audit(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH, true,
                                &r));
        } else {
            expect_fail(IGVT_ENGINE_RCS, &b, IGVT_LEVEL_BATCH, true,
                        cases[i].err, 1);
        }
    }
    /* a blitter user batch may not notify either */
    {
        Buf b = { .n = 0 };

        EMIT(&b, MI_FLUSH_DW(4) | IGVT_FLUSH_DW_NOTIFY, 0, 0, 0, MI_BB_END);
        expect_fail(IGVT_ENGINE_BCS, &b, IGVT_LEVEL_BATCH, true,
                    IGVT_CMD_ERR_NONPRIV, 0);
    }
}

/* ---------------------------------------------------------------------- */
/* Hostile input: random and mutated buffers must never crash or overread */

static const uint32_t fuzz_headers[] = {
    MI_NOOP, MI_ARB_CHECK, MI_USER_INTERRUPT, MI_BB_END, MI_ARB_ON,
    MI_LRI(1), MI_LRI(3), MI_SDI, MI_SDI | IGVT_MI_GGTT,
    MI_SDI_QW | IGVT_MI_GGTT, MI_SRM, MI_SRM | IGVT_MI_GGTT, MI_LRM,
    MI_LRM | IGVT_MI_GGTT, MI_LRR, MI_BB_START, MI_BB_START | IGVT_BB_PPGTT,
    MI_BB_START | IGVT_BB_PPGTT | IGVT_BB_SECOND_LEVEL,
    MI_BB_START | IGVT_BB_SECOND_LEVEL | IGVT_BB_PREDICATE,
    MI_FLUSH_DW(4) | OP_STOREDW, MI_FLUSH_DW(5) | OP_STOREDW,
    MI_FLUSH_DW(4) | OP_STOREDW | IGVT_FLUSH_DW_STORE_INDEX,
    MI_ATOMIC(3) | IGVT_MI_GGTT, MI_ATOMIC(11) | IGVT_ATOMIC_INLINE_DATA,
    MI(0x1a, 2), MI(0x14, 1), MI(0x12, 0), MI(0x2c, 2), MI(0x2d, 3),
    MI(0x1c, 2), MI(0x21, 1), GFX_PIPE_CONTROL(6), GFX3D(2, 0, 0, 9),
    GFX3D(3, 3, 0, 7), GFX3D(1, 1, 4, 2), BLT2D(0x53, 10), BLT2D(0x50, 7),
    BLT2D(0x42, 10), GFX3D(2, 4, 2, 0x12), GFX3D(2, 0, 0, 5),
};

static uint32_t fuzz_operand(GRand *rnd)
{
    static const uint32_t vals[] = {
        0x2580, 0x2600, 0x7004, 0x22200, 0x2358, 0xb118, 0xc800, 0x70008,
        0x2080, 0x1c600, IGVT_PC_QW_WRITE | IGVT_PC_GLOBAL_GTT,
        IGVT_PC_QW_WRITE | IGVT_PC_STORE_DATA_INDEX, IGVT_PC_MMIO_WRITE,
        PC_POST_TIMESTAMP | IGVT_PC_GLOBAL_GTT | IGVT_PC_NOTIFY,
        (uint32_t)AP_END - 8, (uint32_t)HID_END - 4, 0xff8, 0x1000,
    };
    uint32_t v = g_rand_int(rnd);

    switch (g_rand_int_range(rnd, 0, 6)) {
    case 0:
    case 4:
        return vals[v % G_N_ELEMENTS(vals)];
    case 1:
        return (uint32_t)AP_BASE + (v & 0xfff8);
    case 2:
        return v & 0xff;
    default:
        return v;
    }
}

/* Commands from the list above with plausible operands, some corrupted */
static void fuzz_fill(GRand *rnd, uint32_t *dst, uint32_t n)
{
    uint32_t i = 0, k, len, h;

    while (i < n) {
        h = fuzz_headers[g_rand_int_range(rnd, 0, G_N_ELEMENTS(fuzz_headers))];
        if (g_rand_int_range(rnd, 0, 16) == 0) {
            h ^= 1u << g_rand_int_range(rnd, 0, 32);
        }
        len = (h >> 29 == 0 && ((h >> 23) & 0x3f) < 0x10) ? 1 : (h & 0xff) + 2;
        dst[i++] = h;
        for (k = 1; k < len && i < n; k++) {
            dst[i++] = fuzz_operand(rnd);
        }
    }
    if (n && g_rand_boolean(rnd)) {
        dst[n - 1] = MI_BB_END;
    }
}

static unsigned fuzz_audits, fuzz_passed, fuzz_cmds;

static void fuzz_one(GRand *rnd, const uint32_t *src, uint32_t n)
{
    IgvtBatchRef fr[4];
    uint32_t *buf = n ? g_memdup2(src, n * sizeof(uint32_t)) : NULL;
    IgvtAuditResult r;
    IgvtCmdInfo in;
    IgvtEngine e;
    uint32_t i;
    bool ok;

    for (e = 0; e < IGVT_ENGINE__MAX; e++) {
        /* now and then a level deeper than hardware allows */
        unsigned level = g_rand_int_range(rnd, 0, 16) ?
            g_rand_int_range(rnd, 0, IGVT_LEVEL_MAX + 1) : IGVT_LEVEL_MAX + 1;
        bool ppgtt = g_rand_boolean(rnd);

        igvt_audit_result_init(&r, fr, G_N_ELEMENTS(fr));
        ok = igvt_cmd_audit(e, buf, n, level, ppgtt, &pol, &r);
        fuzz_audits++;
        fuzz_passed += ok;
        fuzz_cmds += r.nr_cmds;
        if (ok) {
            g_assert_cmpuint(r.consumed, <=, n);
            g_assert_cmpuint(r.nr_batches, <=, G_N_ELEMENTS(fr));
            g_assert_cmpuint(r.nr_cmds, <=, n);
        } else {
            g_assert_nonnull(r.reason);
            g_assert_cmpuint(r.offset, <=, n);
        }
        for (i = 0; i < n; i++) {
            if (igvt_cmd_decode(e, buf + i, n - i, &in, NULL)) {
                g_assert_cmpuint(in.len, >=, 1);
                g_assert_cmpuint(in.len, <=, n - i);
            }
        }
    }
    g_free(buf);
}

static void test_fuzz(void)
{
    GRand *rnd = g_rand_new_with_seed(0x5912);
    uint32_t src[96];
    Buf ring = { .n = 0 };
    unsigned it, i, iterations = g_test_slow() ? 200000 : 20000;

    for (it = 0; it < iterations; it++) {
        uint32_t n = g_rand_int_range(rnd, 0, G_N_ELEMENTS(src) + 1);

        if (it & 1) {
            fuzz_fill(rnd, src, n);
            fuzz_one(rnd, src, n);
            continue;
        }
        for (i = 0; i < n; i++) {
            uint32_t v = g_rand_int(rnd);

            switch (g_rand_int_range(rnd, 0, 4)) {
            case 0:
                /* a plausible header with a random length field */
                v = fuzz_headers[v % G_N_ELEMENTS(fuzz_headers)] ^
                    (g_rand_int(rnd) & 0x1ff);
                break;
            case 1:
                v &= 0x0fff;    /* small values: lengths, offsets */
                break;
            case 2:
                v = (uint32_t)(AP_BASE + (v & 0xffffff)) |
                    (v >> 31 ? IGVT_FLUSH_DW_USE_GTT : 0);
                break;
            default:
                break;
            }
            src[i] = v;
        }
        fuzz_one(rnd, src, n);
    }

    /* bit flips in a valid ring */
    emit_ctx_wa(&ring);
    emit_request_rcs(&ring, 7, USER_BB);
    emit_request_xcs(&ring, 8, USER_BB);
    for (it = 0; it < iterations / 4; it++) {
        uint32_t m[G_N_ELEMENTS(ring.dw)];
        unsigned flips = g_rand_int_range(rnd, 1, 4);

        memcpy(m, ring.dw, ring.n * sizeof(uint32_t));
        for (i = 0; i < flips; i++) {
            m[g_rand_int_range(rnd, 0, ring.n)] ^=
                1u << g_rand_int_range(rnd, 0, 32);
        }
        fuzz_one(rnd, m, g_rand_int_range(rnd, ring.n / 2, ring.n + 1));
    }
    g_rand_free(rnd);
    g_test_message("fuzz: %u audits, %u passed, %u commands audited",
                   fuzz_audits, fuzz_passed, fuzz_cmds);
}

static void test_rate(void)
{
    Buf b = { .n = 0 };
    double rate;

    emit_ctx_wa(&b);
    while (b.n + 64 < G_N_ELEMENTS(b.dw)) {
        emit_request_rcs(&b, b.n, USER_BB);
    }
    rate = igvt_cmd_audit_rate(IGVT_ENGINE_RCS, b.dw, b.n, IGVT_LEVEL_RING,
                               false, &pol, 200);
    g_assert_cmpfloat(rate, >, 0);
    g_test_message("audit: %.0f Mdword/s on a ring of %u dwords",
                   rate / 1e6, b.n);
    /* a failing audit reports it */
    b.dw[0] = MI(0x3f, 0);
    g_assert_cmpfloat(igvt_cmd_audit_rate(IGVT_ENGINE_RCS, b.dw, b.n,
                                          IGVT_LEVEL_RING, false, &pol, 2),
                      <, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    igvt_audit_policy_init(&pol, AP_BASE, AP_SIZE, HID_BASE, HID_SIZE);

    g_test_add_func("/igvt/cmd-parser/tables", test_tables);
    g_test_add_func("/igvt/cmd-parser/decode/mi-fixed", test_decode_mi_fixed);
    g_test_add_func("/igvt/cmd-parser/decode/mi-var", test_decode_mi_var);
    g_test_add_func("/igvt/cmd-parser/decode/blt", test_decode_blt);
    g_test_add_func("/igvt/cmd-parser/decode/3d-media", test_decode_3d);
    g_test_add_func("/igvt/cmd-parser/decode/malformed",
                    test_decode_malformed);
    g_test_add_func("/igvt/cmd-parser/audit/ring-rcs", test_audit_ring_rcs);
    g_test_add_func("/igvt/cmd-parser/audit/ring-xcs", test_audit_ring_xcs);
    g_test_add_func("/igvt/cmd-parser/audit/batches", test_audit_batches);
    g_test_add_func("/igvt/cmd-parser/audit/forbidden",
                    test_audit_forbidden);
    g_test_add_func("/igvt/cmd-parser/audit/cond-bbe", test_audit_cond_bbe);
    g_test_add_func("/igvt/cmd-parser/audit/registers",
                    test_audit_registers);
    g_test_add_func("/igvt/cmd-parser/audit/ggtt", test_audit_ggtt);
    g_test_add_func("/igvt/cmd-parser/audit/lengths", test_audit_lengths);
    g_test_add_func("/igvt/cmd-parser/audit/nesting", test_audit_nesting);
    g_test_add_func("/igvt/cmd-parser/audit/unknown", test_audit_unknown);
    g_test_add_func("/igvt/cmd-parser/audit/nonpriv", test_audit_nonpriv);
    g_test_add_func("/igvt/cmd-parser/fuzz", test_fuzz);
    g_test_add_func("/igvt/cmd-parser/rate", test_rate);
    return g_test_run();
}

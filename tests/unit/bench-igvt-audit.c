/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Throughput of igvt's command auditor (hw/display/igvt/cmd-parser.c) on
 * one core, next to two baselines measured in the same run on the same
 * bytes: a memcpy() of the stream, and a decode-only pass
 * (igvt_cmd_decode() from command to command, no policy).  The audit
 * minus the decode is what the checks themselves cost.
 *
 *   bench-igvt-audit [--rounds N] [--round-ms MS]
 *
 * Not a test: it asserts nothing about speed.  It prints one line per
 * stream, "key=value" words, for tests/bench/exec.py (and for people):
 *   stream=NAME engine=E level=L ppgtt=0|1 bytes=N cmds=N batches=N
 *   memcpy_mbs=F decode_mbs=F audit_mbs=F
 *   memcpy_ns_kib=F decode_ns_kib=F audit_ns_kib=F
 *   check_ns_kib=F check_pct=F audit_us=F
 * MB/s is 10^6 bytes of command stream per second; ns_kib is nanoseconds
 * per KiB; check_* is audit minus decode-only (absolute, and as a share
 * of decode-only); audit_us is one audit of the whole stream.  Each
 * figure is the best of N rounds of about MS milliseconds, the three
 * methods taking turns inside each round.  Exit status 1 if a stream is
 * refused by the auditor or does not decode (the streams are built to
 * pass).
 *
 * Then one line (no stream= word, so exec.py's stream parser skips it)
 * on what revalidating the PPGTT at every use costs, the software
 * backend's choice instead of write-protecting the guest's tables:
 *   walk=ppgtt-4k pages=N lookups=N reads_per_walk=4 flat_ns=F
 *   walk_ns=F extra_ns=F walk_x_flat=F
 * walk_ns is one igvt_ppgtt_translate() of a 4 KiB page through a
 * 4-level table held in memory, entries read by a callback (bounds
 * check and little-endian load, like igvt_pte_read() minus its RAM
 * check and DMA read); flat_ns is the baseline, one lookup in a flat
 * array of page addresses (a GGTT-like single level); extra_ns is the
 * difference.  Both translate the same random addresses over N pages,
 * best of the same rounds, taking turns; exit status 1 if they disagree.
 *
 * The streams imitate a Gen9 guest (facts from Linux i915
 * gt/gen8_engine_cs.c and intel_workarounds.c, and Mesa's Gen9 state
 * packets and their lengths from genxml/gen9.xml):
 *   ring-rcs      a 16 KiB render ring: the context workarounds by LRI,
 *                 then requests as i915 writes them (breadcrumb store to
 *                 the GGTT timeline, invalidating and flushing
 *                 PIPE_CONTROLs, arbitration, a PPGTT batch start, the
 *                 final breadcrumb's post-sync write, user interrupt)
 *   ring-bcs      the same for the blitter ring (MI_FLUSH_DW flushes)
 *   batch-ppgtt   a 32 KiB user batch as Mesa builds one for 3D draws on
 *                 Gen9, audited as a non-privileged (PPGTT) batch: state
 *                 base address, L3 and cache-mode LRIs to whitelisted
 *                 registers, the 3DSTATE_* pipeline setup, then draws
 *                 with their state changes, occlusion-query depth-count
 *                 and timestamp post-sync PIPE_CONTROLs, register stores
 *                 and MI_STORE_DATA_IMM availability writes, and
 *                 MI_BATCH_BUFFER_END.  GVT-g does not scan PPGTT
 *                 batches by default; igvt does, and this is its price.
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/bswap.h"
#include "hw/display/igvt/cmd-parser.h"
#include "hw/display/igvt/ppgtt.h"

/* MI header: opcode in bits 28:23, length minus 2 in the low bits */
#define MI(op, low)         ((uint32_t)(op) << 23 | (uint32_t)(low))
/* Type-3 header: pipeline, opcode, sub-opcode, length minus 2 */
#define GFX(p, o, s, n)     (3u << 29 | (uint32_t)(p) << 27 | \
                             (uint32_t)(o) << 24 | (uint32_t)(s) << 16 | \
                             ((uint32_t)(n) - 2))
#define S3D(s, n)           GFX(3, 0, (s), (n))
#define S3D1(s, n)          GFX(3, 1, (s), (n))

#define LRI(pairs)          MI(0x22, 2 * (pairs) - 1)
#define SDI_DW              MI(0x20, 2)
#define SDI_QW              (MI(0x20, 3) | IGVT_MI_SDI_QWORD)
#define SRM                 MI(0x24, 2)
#define LRM                 MI(0x29, 2)
#define BB_START            MI(0x31, 1)
#define FLUSH_DW            MI(0x26, 2)
#define MI_MATH(n)          MI(0x1a, (n) - 1)
#define PIPE_CONTROL        GFX(3, 2, 0x00, 6)
#define PRIMITIVE           GFX(3, 3, 0x00, 7)
#define ARB_ON              (IGVT_MI_ARB_ON_OFF | IGVT_MI_ARB_ENABLE)
#define ARB_OFF             IGVT_MI_ARB_ON_OFF
#define FLUSH_DW_STOREDW    (1u << IGVT_FLUSH_DW_OP_SHIFT)
#define FLUSH_DW_INV_TLB    (1u << 18)

/* PIPE_CONTROL dword 1 bits (i915 gt/intel_gpu_commands.h) */
#define PC_RT_FLUSH         (1u << 12)
#define PC_INSTR_INV        (1u << 11)
#define PC_TEX_INV          (1u << 10)
#define PC_DC_FLUSH         (1u << 5)
#define PC_VF_INV           (1u << 4)
#define PC_CONST_INV        (1u << 3)
#define PC_STATE_INV        (1u << 2)
#define PC_DEPTH_STALL      (1u << 13)
#define PC_DEPTH_FLUSH      (1u << 0)
#define PC_STALL_AT_SCB     (1u << 1)
#define PC_TLB_INV          (1u << 18)
#define PC_DEPTH_COUNT      (2u << IGVT_PC_POST_SYNC_SHIFT)
#define PC_TIMESTAMP        (3u << IGVT_PC_POST_SYNC_SHIFT)

/* The vGPU's slices (igvt-vga's defaults: 128 MiB low, 512 MiB high) */
#define AP_BASE             0x00000000ull
#define AP_SIZE             0x08000000ull
#define HID_BASE            0x80000000ull
#define HID_SIZE            0x20000000ull
/* A timeline page in the low slice; user memory in the PPGTT */
#define TIMELINE            (AP_BASE + 0x7ff000)
#define USER_BB             0x00007fff00000000ull
#define QUERY_BO            0x0000000100200000ull
#define HWSP_SCRATCH        0xd0    /* i915 LRC_PPHWSP_SCRATCH_ADDR */

#define RING_BYTES          (16 * 1024)
#define BATCH_BYTES         (32 * 1024)

typedef struct Stream {
    const char *name;
    IgvtEngine engine;
    unsigned level;
    bool ppgtt;
    uint32_t *dw;
    uint32_t n;
    uint32_t max;
} Stream;

static void emitv(Stream *s, const uint32_t *v, size_t n)
{
    g_assert(s->n + n <= s->max);
    memcpy(s->dw + s->n, v, n * sizeof(*v));
    s->n += n;
}

#define EMIT(s, ...) do { \
        const uint32_t v_[] = { __VA_ARGS__ }; \
        emitv((s), v_, G_N_ELEMENTS(v_)); \
    } while (0)

static void stream_init(Stream *s, const char *name, IgvtEngine e,
                        unsigned level, bool ppgtt, uint32_t bytes)
{
    s->name = name;
    s->engine = e;
    s->level = level;
    s->ppgtt = ppgtt;
    s->max = bytes / 4;
    s->dw = g_new0(uint32_t, s->max);
    s->n = 0;
}

/* ------------------------------------------------------------ rings -- */

/* The first request of a render context loads the context workarounds */
static void ring_ctx_workarounds(Stream *s)
{
    EMIT(s, LRI(9),
         0x2580, 0x00010001,        /* CS_CHICKEN1 */
         0x20e4, 0x00020002,        /* FF_SLICE_CS_CHICKEN2 */
         0x7004, 0x00400040,        /* CACHE_MODE_1 */
         0x7014, 0x00200020,        /* COMMON_SLICE_CHICKEN2 */
         0x7300, 0x00200020,        /* HDC_CHICKEN0 */
         0xe184, 0x00200020,        /* HALF_SLICE_CHICKEN3 */
         0xe188, 0x00040000,        /* HALF_SLICE_CHICKEN5 */
         0xe4f0, 0x01000100,        /* ROW_CHICKEN */
         0x5588, 0x00080008,        /* WM_CHICKEN3 */
         IGVT_MI_NOOP);
}

/* One request on the render ring, as i915's gen8 execlists emit it */
static bool ring_request_rcs(Stream *s, uint32_t seqno, uint64_t batch)
{
    if (s->n + 48 > s->max) {
        return false;
    }
    /* initial breadcrumb: the seqno before ours to the timeline */
    EMIT(s, SDI_DW | IGVT_MI_GGTT, (uint32_t)TIMELINE, 0, seqno - 1,
         IGVT_MI_NOOP, IGVT_MI_ARB_CHECK);
    /* invalidate caches; the qword goes to the context's scratch slot */
    EMIT(s, PIPE_CONTROL, 0, 0, 0, 0, 0);
    EMIT(s, PIPE_CONTROL, IGVT_PC_CS_STALL | PC_TLB_INV | PC_INSTR_INV |
         PC_TEX_INV | PC_VF_INV | PC_CONST_INV | PC_STATE_INV |
         IGVT_PC_QW_WRITE | IGVT_PC_STORE_DATA_INDEX, HWSP_SCRATCH, 0, 0, 0);
    /* the user's batch, preemptible */
    EMIT(s, ARB_ON, BB_START | IGVT_BB_PPGTT, (uint32_t)batch,
         (uint32_t)(batch >> 32), ARB_OFF, IGVT_MI_NOOP);
    /* flush render and depth caches */
    EMIT(s, PIPE_CONTROL, IGVT_PC_CS_STALL | PC_RT_FLUSH | PC_DEPTH_FLUSH |
         PC_DC_FLUSH | IGVT_PC_QW_WRITE | IGVT_PC_STORE_DATA_INDEX,
         HWSP_SCRATCH, 0, 0, 0);
    /* final breadcrumb: our seqno to the timeline, then the interrupt */
    EMIT(s, PIPE_CONTROL, IGVT_PC_CS_STALL | PC_RT_FLUSH | PC_DEPTH_FLUSH |
         PC_DC_FLUSH | IGVT_PC_QW_WRITE | IGVT_PC_GLOBAL_GTT,
         (uint32_t)TIMELINE, 0, seqno, 0);
    EMIT(s, IGVT_MI_USER_INTERRUPT, ARB_ON, IGVT_MI_ARB_CHECK, IGVT_MI_NOOP);
    return true;
}

/* One request on a ring without a 3D pipe: MI_FLUSH_DW does the flushes */
static bool ring_request_xcs(Stream *s, uint32_t seqno, uint64_t batch)
{
    if (s->n + 32 > s->max) {
        return false;
    }
    EMIT(s, SDI_DW | IGVT_MI_GGTT, (uint32_t)TIMELINE + 64, 0, seqno - 1,
         IGVT_MI_NOOP, IGVT_MI_ARB_CHECK);
    EMIT(s, FLUSH_DW | IGVT_FLUSH_DW_STORE_INDEX | FLUSH_DW_STOREDW |
         FLUSH_DW_INV_TLB, HWSP_SCRATCH | IGVT_FLUSH_DW_USE_GTT, 0, 0);
    EMIT(s, ARB_ON, BB_START | IGVT_BB_PPGTT, (uint32_t)batch,
         (uint32_t)(batch >> 32), ARB_OFF, IGVT_MI_NOOP);
    EMIT(s, FLUSH_DW | IGVT_FLUSH_DW_STORE_INDEX | FLUSH_DW_STOREDW,
         HWSP_SCRATCH | IGVT_FLUSH_DW_USE_GTT, 0, 0);
    EMIT(s, FLUSH_DW | FLUSH_DW_STOREDW,
         ((uint32_t)TIMELINE + 64) | IGVT_FLUSH_DW_USE_GTT, 0, seqno);
    EMIT(s, IGVT_MI_USER_INTERRUPT, ARB_ON, IGVT_MI_ARB_CHECK, IGVT_MI_NOOP);
    return true;
}

static void build_ring(Stream *s, bool render)
{
    uint32_t seqno = 2;

    if (render) {
        ring_ctx_workarounds(s);
    }
    while (render ? ring_request_rcs(s, seqno, USER_BB + seqno * 0x1000) :
                    ring_request_xcs(s, seqno, USER_BB + seqno * 0x1000)) {
        seqno++;
    }
    /* the rest of the ring: padding, as a wrapped tail leaves it */
    while (s->n < s->max) {
        EMIT(s, IGVT_MI_NOOP);
    }
}

/* ------------------------------------------------------ a user batch -- */

/* Gen9 L3 partitioning and cache mode, as Mesa sets them per batch */
static void batch_l3_config(Stream *s)
{
    EMIT(s, PIPE_CONTROL, IGVT_PC_CS_STALL | PC_DC_FLUSH, 0, 0, 0, 0);
    EMIT(s, LRI(1), 0x7034, 0x60000121);            /* L3CNTLREG */
    EMIT(s, LRI(1), 0x7004, 0x00100010);            /* CACHE_MODE_1 */
}

/* What a 3D batch starts with: pipeline, base addresses, fixed state */
static void batch_preamble(Stream *s)
{
    int i;

    EMIT(s, GFX(1, 1, 0x04, 2) | 0x300);             /* PIPELINE_SELECT 3D */
    batch_l3_config(s);
    EMIT(s, PIPE_CONTROL, IGVT_PC_CS_STALL | PC_RT_FLUSH | PC_DEPTH_FLUSH |
         PC_DC_FLUSH, 0, 0, 0, 0);
    /* STATE_BASE_ADDRESS: 19 dwords on Gen9 */
    EMIT(s, GFX(0, 1, 0x01, 19),
         0x00000001, 0, 0,                          /* general, MOCS */
         0x00100000 | 1, 0x1,                       /* surface */
         0x00200000 | 1, 0x1, 0x00300000 | 1, 0x1,  /* dynamic, indirect */
         0x00400000 | 1, 0x1,                       /* instruction */
         0xfffff001, 0xfffff001, 0xfffff001, 0xfffff001, /* sizes */
         0x00500000 | 1, 0x1, 0xfffff001);          /* bindless */
    EMIT(s, PIPE_CONTROL, IGVT_PC_CS_STALL | PC_TEX_INV | PC_CONST_INV |
         PC_STATE_INV | PC_INSTR_INV, 0, 0, 0, 0);
    EMIT(s, S3D1(0x1c, 9), 0, 0, 0, 0, 0, 0, 0, 0); /* SAMPLE_PATTERN */
    EMIT(s, S3D(0x0b, 2) | 1);                      /* VF_STATISTICS on */
    EMIT(s, S3D(0x0d, 2), 0);                       /* MULTISAMPLE */
    EMIT(s, S3D(0x18, 2), 1);                       /* SAMPLE_MASK */
    EMIT(s, S3D1(0x19, 4), 0x00600001, 0x1, 0x1000); /* BT_POOL_ALLOC */
    for (i = 0; i < 5; i++) {
        EMIT(s, S3D1(0x12 + i, 2), i << 16 | 4);    /* PUSH_CONSTANT_ALLOC */
    }
    for (i = 0; i < 4; i++) {
        EMIT(s, S3D(0x30 + i, 2), 0x0c000040 + i * 0x40); /* URB_VS.. */
    }
    EMIT(s, S3D(0x1b, 9), 0, 0, 0, 0, 0, 0, 0, 0);  /* HS off */
    EMIT(s, S3D(0x1c, 4), 0, 0, 0);                 /* TE off */
    EMIT(s, S3D(0x1d, 11), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0); /* DS off */
    EMIT(s, S3D(0x11, 10), 0, 0, 0, 0, 0, 0, 0, 0, 0); /* GS off */
    EMIT(s, S3D(0x1e, 5), 0, 0, 0, 0);              /* STREAMOUT off */
    EMIT(s, S3D(0x4a, 2), 0);                       /* VF_SGVS */
    EMIT(s, S3D(0x0c, 2), 0);                       /* VF */
    EMIT(s, S3D1(0x00, 4), 0, 0x04ff077f, 0);       /* DRAWING_RECTANGLE */
    EMIT(s, S3D(0x04, 3), 0, 1);                    /* CLEAR_PARAMS */
    EMIT(s, S3D(0x05, 8), 0xa8000000, 0, 0, 0, 0, 0, 0); /* DEPTH_BUFFER */
    EMIT(s, S3D(0x07, 5), 0, 0, 0, 0);              /* HIER_DEPTH_BUFFER */
    EMIT(s, S3D(0x06, 5), 0, 0, 0, 0);              /* STENCIL_BUFFER */
    EMIT(s, S3D(0x52, 5), 0, 0, 0, 0);              /* WM_HZ_OP */
}

/* One draw, with the state a typical draw call changes */
static void batch_draw(Stream *s, unsigned k)
{
    uint32_t va = 0x00100000u + k * 0x400;
    int i;

    EMIT(s, S3D(0x10, 9), 0x80 + k, 0, 0, 0, 0, 0x00300000, 0x00100400,
         0x10000000);                               /* VS */
    EMIT(s, S3D(0x12, 4), 0, 0x80040000, 0x0003ffe0); /* CLIP */
    EMIT(s, S3D(0x13, 4), 0x00000002, 0, 0x00000400); /* SF */
    EMIT(s, S3D(0x50, 5), 0, 0, 0, 0);              /* RASTER */
    EMIT(s, S3D(0x1f, 6), 0x00240000, 0, 0, 0, 0);  /* SBE */
    EMIT(s, S3D(0x51, 11), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0); /* SBE_SWIZ */
    EMIT(s, S3D(0x14, 2), 0x00000040);              /* WM */
    EMIT(s, S3D(0x20, 12), 0x140 + k, 0, 0, 0, 0x1e000000, 0x00000102,
         0x00100000, 0, 0, 0, 0);                   /* PS */
    EMIT(s, S3D(0x4f, 2), 0x80000000);              /* PS_EXTRA */
    EMIT(s, S3D(0x4d, 2), 0x40000000);              /* PS_BLEND */
    EMIT(s, S3D(0x4e, 4), 0x00000000, 0, 0);        /* WM_DEPTH_STENCIL */
    EMIT(s, S3D(0x21, 2), 0x0340 + k * 0x40);       /* VIEWPORT_SF_CLIP */
    EMIT(s, S3D(0x23, 2), 0x0380 + k * 0x40);       /* VIEWPORT_CC */
    EMIT(s, S3D(0x0e, 2), 0x0401 + k * 0x40);       /* CC_STATE_POINTERS */
    EMIT(s, S3D(0x24, 2), 0x0441 + k * 0x40);       /* BLEND_STATE_POINTERS */
    EMIT(s, S3D(0x0f, 2), 0x0480 + k * 0x40);       /* SCISSOR_STATE_PTRS */
    /* push constants of VS and PS: 11 dwords each on Gen9 */
    EMIT(s, S3D(0x15, 11), 2, 0, 0, va + 0x10000, 0, 0, 0, 0, 0, 0);
    EMIT(s, S3D(0x17, 11), 4, 0, 0, va + 0x18000, 0, 0, 0, 0, 0, 0);
    for (i = 0; i < 5; i++) {
        EMIT(s, S3D(0x26 + i, 2), 0x0100 + i * 0x20 + k * 0x100);
    }                                               /* BINDING_TABLE_PTRS */
    EMIT(s, S3D(0x2b, 2), 0x0800 + k * 0x40);       /* SAMPLER_STATE_VS */
    EMIT(s, S3D(0x2f, 2), 0x0840 + k * 0x40);       /* SAMPLER_STATE_PS */
    /* two vertex buffers, three elements */
    EMIT(s, S3D(0x08, 9), 0x00004020, va, 0x1, 0x1000,
         0x04004010, va + 0x1000, 0x1, 0x1000);
    EMIT(s, S3D(0x09, 7), 0x02000000 | 0x1e0 << 16, 0x11130000,
         0x02000000 | 0x0c4 << 16 | 12, 0x11220000,
         0x04000000 | 0x0c4 << 16, 0x11220000);
    EMIT(s, S3D(0x49, 3), 0, 0);                    /* VF_INSTANCING */
    EMIT(s, S3D(0x4b, 2), 4);                       /* VF_TOPOLOGY TRILIST */
    EMIT(s, S3D(0x0a, 5), 0x00000200, va + 0x2000, 0x1, 0x600); /* IB */
    /* occlusion query begin: depth count to the query buffer */
    EMIT(s, PIPE_CONTROL, PC_DEPTH_STALL | PC_DEPTH_COUNT,
         (uint32_t)QUERY_BO + k * 32, (uint32_t)(QUERY_BO >> 32), 0, 0);
    EMIT(s, PRIMITIVE, 0x00000104, 0x300, 0, 1, 0, 0);  /* 3DPRIMITIVE */
    EMIT(s, PIPE_CONTROL, PC_DEPTH_STALL | PC_DEPTH_COUNT,
         (uint32_t)QUERY_BO + k * 32 + 8, (uint32_t)(QUERY_BO >> 32), 0, 0);
    /* query availability */
    EMIT(s, SDI_QW, (uint32_t)QUERY_BO + k * 32 + 16,
         (uint32_t)(QUERY_BO >> 32), 1, 0);
}

/* A timer query and pipeline statistics, through whitelisted registers */
static void batch_queries(Stream *s, unsigned k)
{
    uint32_t q = (uint32_t)QUERY_BO + 0x10000 + k * 64;
    uint32_t hi = (uint32_t)(QUERY_BO >> 32);

    EMIT(s, PIPE_CONTROL, IGVT_PC_CS_STALL | PC_TIMESTAMP, q, hi, 0, 0);
    EMIT(s, SRM, 0x2318, q + 8, hi);                /* VS_INVOCATION_COUNT */
    EMIT(s, SRM, 0x231c, q + 12, hi);
    EMIT(s, SRM, 0x2348, q + 16, hi);               /* PS_INVOCATION_COUNT */
    EMIT(s, SRM, 0x234c, q + 20, hi);
    EMIT(s, SRM, 0x2358, q + 24, hi);               /* RING_TIMESTAMP */
    /* conditional rendering setup: GPRs and MI_MATH */
    EMIT(s, LRI(2), 0x2600, k, 0x2604, 0);          /* CS_GPR0 */
    EMIT(s, LRM, 0x2608, q + 32, hi);               /* CS_GPR1 */
    EMIT(s, MI_MATH(4), 0x00800000, 0x00800101, 0x04000000, 0x01000000);
    EMIT(s, SRM, 0x2610, q + 40, hi);               /* CS_GPR2 */
    /* an indirect draw's parameters into the 3DPRIM registers */
    EMIT(s, LRM, 0x2430, q + 48, hi);               /* 3DPRIM_END_OFFSET */
    EMIT(s, LRM, 0x2434, q + 52, hi);               /* 3DPRIM_START_VERTEX */
    EMIT(s, LRI(2), 0x2438, 1, 0x243c, 0);          /* VERTEX_COUNT.. */
    EMIT(s, SDI_DW, q + 56, hi, 1);
}

static void build_batch(Stream *s)
{
    unsigned k = 0;

    batch_preamble(s);
    /* draws until the batch is full, as Mesa flushes a full batch */
    while (s->n + 320 + 16 < s->max) {
        batch_draw(s, k);
        if (k % 4 == 3) {
            batch_queries(s, k);
        }
        if (k % 16 == 15) {
            batch_l3_config(s);
        }
        k++;
    }
    /* end of batch: flush, then the terminator */
    EMIT(s, PIPE_CONTROL, IGVT_PC_CS_STALL | PC_RT_FLUSH | PC_DEPTH_FLUSH |
         PC_DC_FLUSH, 0, 0, 0, 0);
    EMIT(s, IGVT_MI_BATCH_BUFFER_END);
}

/* ---------------------------------------------------------- measure -- */

static IgvtAuditPolicy policy;
static IgvtBatchRef refs[IGVT_CMD_MAX_BATCHES_PER_WORKLOAD];

/* The decode-only pass: what walking the stream costs without checks */
static uint32_t decode_pass(const Stream *s)
{
    IgvtCmdInfo in;
    uint32_t i;

    for (i = 0; i < s->n; i += in.len) {
        if (!igvt_cmd_decode(s->engine, s->dw + i, s->n - i, &in, NULL)) {
            return 0;
        }
        if (in.flags & IGVT_CMDF_BB_END) {
            return i + in.len;
        }
    }
    return i;
}

typedef enum Method { M_MEMCPY, M_DECODE, M_AUDIT, M__MAX } Method;
static const char *const method_names[M__MAX] = { "memcpy", "decode", "audit" };

/* Seconds that @iters passes of method @m over @s take; < 0 on failure */
static double run_method(Method m, const Stream *s, uint32_t *dst,
                         unsigned iters)
{
    int64_t t0, t1;
    unsigned k;
    double rate;

    switch (m) {
    case M_MEMCPY:
        t0 = g_get_monotonic_time();
        for (k = 0; k < iters; k++) {
            memcpy(dst, s->dw, s->n * 4);
            barrier();      /* the copy must happen every time */
        }
        t1 = g_get_monotonic_time();
        break;
    case M_DECODE:
        t0 = g_get_monotonic_time();
        for (k = 0; k < iters; k++) {
            if (decode_pass(s) != s->n) {
                return -1;
            }
        }
        t1 = g_get_monotonic_time();
        break;
    default:
        rate = igvt_cmd_audit_rate(s->engine, s->dw, s->n, s->level,
                                   s->ppgtt, &policy, iters);
        if (rate <= 0) {
            return -1;
        }
        return (double)s->n * iters / rate;
    }
    return MAX(t1 - t0, 1) / 1e6;
}

static int bench_stream(const Stream *s, unsigned rounds, double round_s)
{
    uint32_t *dst = g_new0(uint32_t, s->n);
    double best[M__MAX];
    unsigned iters[M__MAX];
    IgvtAuditResult r;
    double bytes = s->n * 4.0, ns[M__MAX];
    unsigned m, k;

    /* check the stream once, and report what it holds */
    igvt_audit_result_init(&r, refs, G_N_ELEMENTS(refs));
    if (!igvt_cmd_audit(s->engine, s->dw, s->n, s->level, s->ppgtt,
                        &policy, &r) || r.consumed != s->n) {
        fprintf(stderr, "bench-igvt-audit: %s refused at dword %u (%s): %s\n",
                s->name, r.offset, r.cmd_name ? r.cmd_name : "?",
                r.reason ? r.reason : "not consumed whole");
        g_free(dst);
        return 1;
    }

    /* iterations that make one round about round_s long */
    for (m = 0; m < M__MAX; m++) {
        unsigned n = 1;
        double t;

        while ((t = run_method(m, s, dst, n)) < round_s / 8) {
            if (t < 0) {
                fprintf(stderr, "bench-igvt-audit: %s: %s pass failed\n",
                        s->name, method_names[m]);
                g_free(dst);
                return 1;
            }
            n *= 2;
        }
        iters[m] = MAX(1, (unsigned)(n * round_s / t));
        best[m] = G_MAXDOUBLE;
    }
    /* the methods take turns, so that a busy moment hits all of them */
    for (k = 0; k < rounds; k++) {
        for (m = 0; m < M__MAX; m++) {
            double t = run_method(m, s, dst, iters[m]);

            if (t < 0) {
                g_free(dst);
                return 1;
            }
            best[m] = MIN(best[m], t / iters[m]);
        }
    }
    for (m = 0; m < M__MAX; m++) {
        ns[m] = best[m] * 1e9 / (bytes / 1024);
    }
    printf("stream=%s engine=%s level=%s ppgtt=%d bytes=%.0f cmds=%u "
           "batches=%u memcpy_mbs=%.1f decode_mbs=%.1f audit_mbs=%.1f "
           "memcpy_ns_kib=%.1f decode_ns_kib=%.1f audit_ns_kib=%.1f "
           "check_ns_kib=%.1f check_pct=%.1f audit_us=%.2f\n",
           s->name, igvt_engine_name(s->engine),
           s->level == IGVT_LEVEL_RING ? "ring" : "batch", s->ppgtt,
           bytes, r.nr_cmds, r.nr_batches,
           bytes / best[M_MEMCPY] / 1e6, bytes / best[M_DECODE] / 1e6,
           bytes / best[M_AUDIT] / 1e6,
           ns[M_MEMCPY], ns[M_DECODE], ns[M_AUDIT],
           ns[M_AUDIT] - ns[M_DECODE],
           (ns[M_AUDIT] - ns[M_DECODE]) * 100 / ns[M_DECODE],
           best[M_AUDIT] * 1e6);
    fflush(stdout);
    g_free(dst);
    return 0;
}


/* ------------------------------------------------------- PPGTT walk -- */

/*
 * Guest memory for the walk: a PML4, a PDP, a PD and WALK_PTS page
 * tables at guest physical WALK_TABLES, mapping WALK_PAGES 4 KiB pages
 * from WALK_VA to scattered guest physical pages.
 */
#define WALK_PTS            32
#define WALK_PAGES          (WALK_PTS * 512)
#define WALK_TABLES         0x100000ull
#define WALK_VA             0x00007f0000000000ull
#define WALK_LOOKUPS        4096

typedef struct WalkMem {
    uint64_t *le;               /* 3 + WALK_PTS tables, little-endian */
    size_t words;
} WalkMem;

static bool walk_read(void *opaque, uint64_t addr, uint64_t *entry)
{
    WalkMem *m = opaque;
    uint64_t i = (addr - WALK_TABLES) / 8;

    if (addr < WALK_TABLES || i >= m->words) {
        return false;
    }
    *entry = le64_to_cpu(m->le[i]);
    return true;
}

typedef struct WalkBench {
    WalkMem mem;
    uint64_t *flat;             /* page index -> guest physical address */
    uint64_t *va;               /* the addresses translated */
} WalkBench;

static void walk_build(WalkBench *b)
{
    uint64_t pdp = WALK_TABLES + 0x1000, pd = WALK_TABLES + 0x2000;
    uint64_t pt0 = WALK_TABLES + 0x3000;
    uint32_t x = 1;
    unsigned i;

    b->mem.words = (3 + WALK_PTS) * 512;
    b->mem.le = g_new0(uint64_t, b->mem.words);
    b->flat = g_new(uint64_t, WALK_PAGES);
    b->va = g_new(uint64_t, WALK_LOOKUPS);

    b->mem.le[(WALK_VA >> 39 & 511)] = cpu_to_le64(pdp | 3);
    b->mem.le[512 + (WALK_VA >> 30 & 511)] = cpu_to_le64(pd | 3);
    for (i = 0; i < WALK_PTS; i++) {
        b->mem.le[1024 + (WALK_VA >> 21 & 511) + i] =
            cpu_to_le64((pt0 + i * 0x1000ull) | 3);
    }
    for (i = 0; i < WALK_PAGES; i++) {
        /* scattered pages, as a guest's allocator hands them out */
        uint64_t pa = 0x40000000ull + ((i * 2654435761u) % WALK_PAGES) *
                      0x1000ull;

        b->flat[i] = pa;
        b->mem.le[1536 + i] = cpu_to_le64(pa | 3);
    }
    for (i = 0; i < WALK_LOOKUPS; i++) {
        x = x * 1103515245u + 12345u;
        b->va[i] = WALK_VA + (uint64_t)(x >> 8) % (WALK_PAGES * 4096ull);
    }
}

/* Seconds for @iters passes over the addresses; the sum of what they gave */
static double walk_method(WalkBench *b, bool walk, unsigned iters,
                          uint64_t *sum)
{
    int64_t t0 = g_get_monotonic_time();
    uint64_t acc = 0, pa, len;
    const char *why;
    unsigned k, i;

    for (k = 0; k < iters; k++) {
        for (i = 0; i < WALK_LOOKUPS; i++) {
            uint64_t va = b->va[i];

            if (walk) {
                if (!igvt_ppgtt_translate(WALK_TABLES, va, walk_read,
                                          &b->mem, &pa, &len, &why)) {
                    return -1;
                }
            } else {
                uint64_t page = (va - WALK_VA) >> 12;

                if (page >= WALK_PAGES) {
                    return -1;
                }
                pa = b->flat[page] + (va & 0xfff);
            }
            acc += pa;
        }
        barrier();
    }
    *sum = acc;
    return MAX(g_get_monotonic_time() - t0, 1) / 1e6;
}

static int bench_walk(unsigned rounds, double round_s)
{
    WalkBench b;
    double best[2] = { G_MAXDOUBLE, G_MAXDOUBLE }, ns[2];
    unsigned iters[2], m, k;
    uint64_t sum[2];
    int ret = 0;

    walk_build(&b);
    /* one pass each: both must give the same addresses */
    if (walk_method(&b, false, 1, &sum[0]) < 0 ||
        walk_method(&b, true, 1, &sum[1]) < 0) {
        ret = 1;
        goto out;
    }
    if (sum[0] != sum[1]) {
        fprintf(stderr, "bench-igvt-audit: the PPGTT walk and the flat "
                "lookup disagree\n");
        ret = 1;
        goto out;
    }
    for (m = 0; m < 2; m++) {
        unsigned n = 1;
        double t;

        while ((t = walk_method(&b, m, n, &sum[m])) < round_s / 8) {
            if (t < 0) {
                break;
            }
            n *= 2;
        }
        if (t < 0) {
            ret = 1;
            goto out;
        }
        iters[m] = MAX(1, (unsigned)(n * round_s / t));
    }
    for (k = 0; k < rounds; k++) {
        for (m = 0; m < 2; m++) {
            double t = walk_method(&b, m, iters[m], &sum[m]);

            if (t < 0) {
                ret = 1;
                goto out;
            }
            best[m] = MIN(best[m], t / iters[m]);
        }
    }
    for (m = 0; m < 2; m++) {
        ns[m] = best[m] * 1e9 / WALK_LOOKUPS;
    }
    printf("walk=ppgtt-4k pages=%u lookups=%u reads_per_walk=4 "
           "flat_ns=%.2f walk_ns=%.2f extra_ns=%.2f walk_x_flat=%.1f\n",
           WALK_PAGES, WALK_LOOKUPS, ns[0], ns[1], ns[1] - ns[0],
           ns[1] / ns[0]);
    fflush(stdout);
out:
    if (ret) {
        fprintf(stderr, "bench-igvt-audit: PPGTT walk failed\n");
    }
    g_free(b.mem.le);
    g_free(b.flat);
    g_free(b.va);
    return ret;
}

int main(int argc, char **argv)
{
    int rounds = 60, round_ms = 5;
    GOptionEntry entries[] = {
        { "rounds", 'r', 0, G_OPTION_ARG_INT, &rounds,
          "rounds per method, the best one counts (60)", "N" },
        { "round-ms", 'm', 0, G_OPTION_ARG_INT, &round_ms,
          "length of one round in milliseconds (5)", "MS" },
        { NULL }
    };
    g_autoptr(GOptionContext) ctx =
        g_option_context_new("- throughput of igvt's command audit");
    g_autoptr(GError) err = NULL;
    Stream streams[3];
    int ret = 0;
    size_t i;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        fprintf(stderr, "bench-igvt-audit: %s\n", err->message);
        return 2;
    }
    rounds = MAX(rounds, 1);
    round_ms = MAX(round_ms, 1);

    igvt_audit_policy_init(&policy, AP_BASE, AP_SIZE, HID_BASE, HID_SIZE);

    stream_init(&streams[0], "ring-rcs", IGVT_ENGINE_RCS, IGVT_LEVEL_RING,
                false, RING_BYTES);
    build_ring(&streams[0], true);
    stream_init(&streams[1], "ring-bcs", IGVT_ENGINE_BCS, IGVT_LEVEL_RING,
                false, RING_BYTES);
    build_ring(&streams[1], false);
    stream_init(&streams[2], "batch-ppgtt", IGVT_ENGINE_RCS,
                IGVT_LEVEL_BATCH, true, BATCH_BYTES);
    build_batch(&streams[2]);

    for (i = 0; i < G_N_ELEMENTS(streams); i++) {
        ret |= bench_stream(&streams[i], rounds, round_ms / 1e3);
        g_free(streams[i].dw);
    }
    ret |= bench_walk(rounds, round_ms / 1e3);
    return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: decoder and auditor for Gen9 command streams.
 *
 * Sources of the facts used here (facts only, no code): the Linux i915
 * driver, gt/intel_gpu_commands.h (field positions), i915_cmd_parser.c
 * (length fields, the checks it applies to non-privileged batches, the
 * Gen9 blitter register whitelist) and gvt/cmd_parser.c (the per-engine
 * command tables of GVT-g and its audit), plus gt/gen8_engine_cs.c and
 * gt/intel_workarounds.c for what a Gen9 guest actually emits.
 *
 * Decoding.  Which commands exist on which engine, and how wide their
 * length field is, follows GVT-g's tables (MI commands on every engine
 * or on the ones GVT lists; 2D only on BCS; 3D and media on RCS; MFX on
 * VCS; VEBOX on VECS).  Additions: COLOR_BLT, SRC_COPY_BLT and
 * XY_FAST_COPY_BLT (i915), MI_LOAD_SCAN_LINES_EXCL (i915).  MFX_WAIT is
 * one dword as in i915 (GVT reads a length field there).  Lengths are
 * checked where the hardware fixes them: MI_BATCH_BUFFER_START 3 (Gen8+),
 * PIPE_CONTROL 6, MI_STORE/LOAD_REGISTER_MEM 4, MI_LOAD_REGISTER_REG 3,
 * MI_FLUSH_DW 4 or 5, MI_STORE_DATA_IMM 4 (5 with the qword bit, GVT),
 * MI_ATOMIC 3 or 11 with inline data (GVT), MI_LOAD_REGISTER_IMM an odd
 * number of dwords, MI_DISPLAY_FLIP 3 (4 for a stereo flip, GVT), and
 * the other fixed lengths of GVT's table.
 *
 * Audit of a ring segment, a batch (GGTT) or a second-level batch:
 *  - unknown commands, bad lengths, commands running past the buffer: out;
 *  - GVT-g's forbidden commands: MI_SEMAPHORE_WAIT, MI_STORE_DATA_INDEX,
 *    MI_CLFLUSH, MI_REPORT_PERF_COUNT, MI_COPY_MEM_MEM (GVT's MI_OP_2E),
 *    MI_UPDATE_GTT, MI_CONDITIONAL_BATCH_BUFFER_END.  GVT-g does not scan
 *    PPGTT batches at all; igvt does, and lets MI_CONDITIONAL_BATCH_
 *    BUFFER_END through there (IGT's spinners use it from user space,
 *    its memory operand is audited like any other), never in a ring or
 *    a GGTT batch;
 *  - register commands: LRI and PIPE_CONTROL MMIO-write targets need
 *    IGVT_REG_LRI, MI_LOAD_REGISTER_MEM targets IGVT_REG_LRM,
 *    MI_STORE_REGISTER_MEM sources IGVT_REG_SRM, MI_LOAD_REGISTER_REG
 *    both (GVT allows no LRR on Gen9 and LRM/SRM on two registers only,
 *    but it does not scan PPGTT batches, where Mesa uses them: see the
 *    whitelist below);
 *  - GGTT memory operands (MI_STORE_DATA_IMM, MI_STORE/LOAD_REGISTER_MEM,
 *    MI_ATOMIC with bit 22; MI_FLUSH_DW with a post-sync operation and
 *    bit 2 of its address; PIPE_CONTROL with a post-sync operation and
 *    bit 24 of dword 1; MI_BATCH_BUFFER_START without bit 8 in a ring)
 *    must lie wholly inside one of the vGPU's graphics memory slices
 *    (GVT; we also check PIPE_CONTROL's depth-count and timestamp writes,
 *    which GVT does not); store-data-index writes must stay inside the
 *    4 KiB status page (GVT);
 *  - GGTT operands whose size the auditor does not know (the resource
 *    streamer and URB memory commands with bit 22) are refused (ours);
 *  - batches: MI_BATCH_BUFFER_END ends a batch and is refused in a ring;
 *    MI_BATCH_BUFFER_START is refused in a second-level batch and, with
 *    the second-level bit, in a ring (GVT); a batch started from a ring
 *    is addressed through the PPGTT if bit 8 is set, a nested one through
 *    its parent's address space, and a nested one asking for the other
 *    space is refused (ours); a chained (not second-level, not predicated)
 *    start ends the batch; the resource streamer bit is refused (ours);
 *    a batch without a terminator is refused; levels go ring, batch,
 *    second-level batch and no deeper.
 * In a PPGTT batch (non-privileged) we also apply i915_cmd_parser.c's
 * checks for non-privileged batches: no MI_USER_INTERRUPT,
 * MI_WAIT_FOR_EVENT, MI_ARB_ON_OFF, MI_DISPLAY_FLIP, MI_LOAD_SCAN_LINES,
 * MI_SEMAPHORE_MBOX, no notify bits, no GGTT or store-index post-sync
 * writes, no MEDIA_VFE_STATE MMIO access, and registers only from the
 * whitelist rows marked IGVT_REG_NONPRIV.
 */

#include "qemu/osdep.h"
#include "hw/display/igvt/cmd-parser.h"

/* Bytes of the hardware status page an index-mode store may reach */
#define HWSP_SIZE               4096

/* Register offsets in register commands: bits 22:2 */
#define REG_OFFSET_MASK         0x007ffffcu

/* Decoder behaviour beyond the length: what to look at in the command */
typedef enum CmdKind {
    K_PLAIN,
    K_BB_START,
    K_SDI,
    K_LRI,
    K_SRM,
    K_LRM,
    K_LRR,
    K_FLUSH_DW,
    K_PIPE_CONTROL,
    K_ATOMIC,
    K_MEM_PRIV,         /* MI_SEMAPHORE_WAIT, MI_CONDITIONAL_BB_END */
    K_DISPLAY_FLIP,
    K_URB_MEM,          /* RS store, URB memory loads/stores */
    K_MEDIA_VFE,
} CmdKind;

typedef struct CmdDesc {
    const char *name;
    uint16_t key;       /* type-3 tables: header bits 28:16 */
    uint8_t engines;    /* IGVT_ENGINE_BIT()s */
    uint8_t len_bits;   /* width of the length field, 0: fixed length */
    uint16_t min_len;   /* dwords */
    uint16_t max_len;   /* dwords, 0: as far as the field goes */
    uint8_t kind;       /* CmdKind */
    uint32_t flags;     /* IGVT_CMDF_* every instance has */
} CmdDesc;

#define E_RCS   IGVT_ENGINE_BIT(IGVT_ENGINE_RCS)
#define E_BCS   IGVT_ENGINE_BIT(IGVT_ENGINE_BCS)
#define E_VCS   (IGVT_ENGINE_BIT(IGVT_ENGINE_VCS) | \
                 IGVT_ENGINE_BIT(IGVT_ENGINE_VCS2))
#define E_VECS  IGVT_ENGINE_BIT(IGVT_ENGINE_VECS)
#define E_ALL   IGVT_ENGINES_ALL

#define FIX(n)          .len_bits = 0, .min_len = (n), .max_len = (n)
#define VAR(b)          .len_bits = (b), .min_len = 2, .max_len = 0
#define VARMIN(b, n)    .len_bits = (b), .min_len = (n), .max_len = 0
#define VARLEN(b, n)    .len_bits = (b), .min_len = (n), .max_len = (n)

#define PRIV        IGVT_CMDF_PRIVILEGED
#define PRIV_ONLY   IGVT_CMDF_PRIV_ONLY

/* MI commands, indexed by opcode (header bits 28:23) */
static const CmdDesc mi_cmds[64] = {
    [0x00] = { "MI_NOOP", 0, E_ALL, FIX(1) },
    [0x01] = { "MI_SET_PREDICATE", 0, E_ALL, FIX(1) },
    [0x02] = { "MI_USER_INTERRUPT", 0, E_ALL, FIX(1),
               .flags = IGVT_CMDF_NOTIFY },
    [0x03] = { "MI_WAIT_FOR_EVENT", 0, E_RCS | E_BCS, FIX(1),
               .flags = PRIV_ONLY | IGVT_CMDF_EMULATE },
    [0x04] = { "MI_FLUSH", 0, E_ALL, FIX(1) },
    [0x05] = { "MI_ARB_CHECK", 0, E_ALL, FIX(1) },
    [0x06] = { "MI_RS_CONTROL", 0, E_RCS, FIX(1) },
    [0x07] = { "MI_REPORT_HEAD", 0, E_ALL, FIX(1) },
    [0x08] = { "MI_ARB_ON_OFF", 0, E_ALL, FIX(1), .flags = PRIV_ONLY },
    [0x09] = { "MI_URB_ATOMIC_ALLOC", 0, E_RCS, FIX(1) },
    [0x0a] = { "MI_BATCH_BUFFER_END", 0, E_ALL, FIX(1),
               .flags = IGVT_CMDF_BB_END },
    [0x0b] = { "MI_SUSPEND_FLUSH", 0, E_ALL, FIX(1) },
    [0x0c] = { "MI_PREDICATE", 0, E_RCS, FIX(1) },
    [0x0d] = { "MI_TOPOLOGY_FILTER", 0, E_ALL, FIX(1) },
    [0x0e] = { "MI_SET_APPID", 0, E_ALL, FIX(1) },
    [0x0f] = { "MI_RS_CONTEXT", 0, E_RCS, FIX(1) },
    [0x12] = { "MI_LOAD_SCAN_LINES_INCL", 0, E_RCS | E_BCS, VARLEN(6, 2),
               .flags = PRIV_ONLY | IGVT_CMDF_EMULATE },
    [0x13] = { "MI_LOAD_SCAN_LINES_EXCL", 0, E_RCS | E_BCS, VARLEN(6, 2),
               .flags = PRIV_ONLY | IGVT_CMDF_EMULATE },
    [0x14] = { "MI_DISPLAY_FLIP", 0, E_RCS | E_BCS, VARMIN(8, 3),
               .kind = K_DISPLAY_FLIP,
               .flags = PRIV_ONLY | IGVT_CMDF_EMULATE },
    [0x16] = { "MI_SEMAPHORE_MBOX", 0, E_ALL, VARLEN(8, 3),
               .flags = PRIV_ONLY },
    [0x19] = { "MI_URB_CLEAR", 0, E_RCS, VARLEN(8, 2) },
    [0x1a] = { "MI_MATH", 0, E_ALL, VAR(8) },
    [0x1b] = { "MI_SEMAPHORE_SIGNAL", 0, E_ALL, VARLEN(8, 2) },
    [0x1c] = { "MI_SEMAPHORE_WAIT", 0, E_ALL, VARLEN(8, 4),
               .kind = K_MEM_PRIV, .flags = PRIV },
    [0x20] = { "MI_STORE_DATA_IMM", 0, E_ALL, VARMIN(10, 4),
               .kind = K_SDI },
    [0x21] = { "MI_STORE_DATA_INDEX", 0, E_ALL, VAR(8), .flags = PRIV },
    [0x22] = { "MI_LOAD_REGISTER_IMM", 0, E_ALL, VARMIN(8, 3),
               .kind = K_LRI },
    [0x23] = { "MI_UPDATE_GTT", 0, E_ALL, VAR(10), .flags = PRIV },
    [0x24] = { "MI_STORE_REGISTER_MEM", 0, E_ALL, VARLEN(8, 4),
               .kind = K_SRM },
    [0x26] = { "MI_FLUSH_DW", 0, E_ALL, .len_bits = 6, .min_len = 4,
               .max_len = 5, .kind = K_FLUSH_DW },
    [0x27] = { "MI_CLFLUSH", 0, E_ALL, VAR(10), .flags = PRIV },
    [0x28] = { "MI_REPORT_PERF_COUNT", 0, E_ALL, VARLEN(6, 4),
               .flags = PRIV },
    [0x29] = { "MI_LOAD_REGISTER_MEM", 0, E_ALL, VARLEN(8, 4),
               .kind = K_LRM },
    [0x2a] = { "MI_LOAD_REGISTER_REG", 0, E_ALL, VARLEN(8, 3),
               .kind = K_LRR },
    [0x2b] = { "MI_RS_STORE_DATA_IMM", 0, E_RCS, VARLEN(8, 4),
               .kind = K_URB_MEM },
    [0x2c] = { "MI_LOAD_URB_MEM", 0, E_RCS, VARLEN(8, 4),
               .kind = K_URB_MEM },
    [0x2d] = { "MI_STORE_URB_MEM", 0, E_RCS, VAR(8), .kind = K_URB_MEM },
    [0x2e] = { "MI_COPY_MEM_MEM", 0, E_ALL, VARLEN(8, 5), .flags = PRIV },
    [0x2f] = { "MI_ATOMIC", 0, E_ALL, VARMIN(8, 3), .kind = K_ATOMIC },
    [0x31] = { "MI_BATCH_BUFFER_START", 0, E_ALL, VARLEN(8, 3),
               .kind = K_BB_START, .flags = IGVT_CMDF_BB_START },
    [0x36] = { "MI_CONDITIONAL_BATCH_BUFFER_END", 0, E_ALL, VARLEN(8, 4),
               .kind = K_MEM_PRIV, .flags = IGVT_CMDF_PPGTT_ONLY },
};

/* 2D (blitter) commands, BCS only, indexed by opcode (bits 28:22) */
#define BLT(op, n)  [op] = { n, 0, E_BCS, VAR(8) }
static const CmdDesc blt_cmds[128] = {
    BLT(0x01, "XY_SETUP_BLT"),
    BLT(0x03, "XY_SETUP_CLIP_BLT"),
    BLT(0x11, "XY_SETUP_MONO_PATTERN_SL_BLT"),
    BLT(0x24, "XY_PIXEL_BLT"),
    BLT(0x25, "XY_SCANLINES_BLT"),
    BLT(0x26, "XY_TEXT_BLT"),
    BLT(0x31, "XY_TEXT_IMMEDIATE_BLT"),
    BLT(0x40, "COLOR_BLT"),
    BLT(0x42, "XY_FAST_COPY_BLT"),
    BLT(0x43, "SRC_COPY_BLT"),
    BLT(0x50, "XY_COLOR_BLT"),
    BLT(0x51, "XY_PAT_BLT"),
    BLT(0x52, "XY_MONO_PAT_BLT"),
    BLT(0x53, "XY_SRC_COPY_BLT"),
    BLT(0x54, "XY_MONO_SRC_COPY_BLT"),
    BLT(0x55, "XY_FULL_BLT"),
    BLT(0x56, "XY_FULL_MONO_SRC_BLT"),
    BLT(0x57, "XY_FULL_MONO_PATTERN_BLT"),
    BLT(0x58, "XY_FULL_MONO_PATTERN_MONO_SRC_BLT"),
    BLT(0x59, "XY_MONO_PAT_FIXED_BLT"),
    BLT(0x71, "XY_MONO_SRC_COPY_IMMEDIATE_BLT"),
    BLT(0x72, "XY_PAT_BLT_IMMEDIATE"),
    BLT(0x73, "XY_SRC_COPY_CHROMA_BLT"),
    BLT(0x74, "XY_FULL_IMMEDIATE_PATTERN_BLT"),
    BLT(0x75, "XY_FULL_MONO_SRC_IMMEDIATE_PATTERN_BLT"),
    BLT(0x76, "XY_PAT_CHROMA_BLT"),
    BLT(0x77, "XY_PAT_CHROMA_BLT_IMMEDIATE"),
};

/*
 * Type-3 commands, sorted by key: header bits 28:16, that is pipeline
 * (2 bits), opcode (3) and sub-opcode (8; MFX splits it 3 + 5).
 */
#define K3(p, o, s)     ((p) << 11 | (o) << 8 | (s))
#define KMFX(p, o, a, b) K3(p, o, (a) << 5 | (b))
#define R3(p, o, s, n, b)   { n, K3(p, o, s), E_RCS, VAR(b) }
#define S3D(s, n)           R3(3, 0, s, "3DSTATE_" n, 8)
#define S3D1(s, n)          R3(3, 1, s, "3DSTATE_" n, 8)

static const CmdDesc rcs_cmds[] = {
    R3(0, 0, 0x03, "STATE_PREFETCH", 8),
    R3(0, 1, 0x01, "STATE_BASE_ADDRESS", 8),
    R3(0, 1, 0x02, "STATE_SIP", 8),
    R3(0, 1, 0x03, "SWTESS_BASE_ADDRESS", 3),
    R3(0, 1, 0x04, "OP_3D_MEDIA_0_1_4", 8),
    { "3DSTATE_VF_STATISTICS_GM45", K3(1, 0, 0x0b), E_RCS, FIX(1) },
    { "PIPELINE_SELECT", K3(1, 1, 0x04), E_RCS, FIX(1) },
    { "MEDIA_VFE_STATE", K3(2, 0, 0x00), E_RCS, VARMIN(16, 3),
      .kind = K_MEDIA_VFE },
    R3(2, 0, 0x01, "MEDIA_CURBE_LOAD", 16),
    R3(2, 0, 0x02, "MEDIA_INTERFACE_DESCRIPTOR_LOAD", 16),
    R3(2, 0, 0x03, "MEDIA_GATEWAY_STATE", 16),
    R3(2, 0, 0x04, "MEDIA_STATE_FLUSH", 16),
    R3(2, 0, 0x05, "MEDIA_POOL_STATE", 16),
    R3(2, 1, 0x00, "MEDIA_OBJECT", 16),
    R3(2, 1, 0x02, "MEDIA_OBJECT_PRT", 16),
    R3(2, 1, 0x03, "MEDIA_OBJECT_WALKER", 16),
    R3(2, 1, 0x05, "GPGPU_WALKER", 8),
    S3D(0x04, "CLEAR_PARAMS"),
    S3D(0x05, "DEPTH_BUFFER"),
    S3D(0x06, "STENCIL_BUFFER"),
    S3D(0x07, "HIER_DEPTH_BUFFER"),
    S3D(0x08, "VERTEX_BUFFERS"),
    S3D(0x09, "VERTEX_ELEMENTS"),
    S3D(0x0a, "INDEX_BUFFER"),
    { "3DSTATE_VF_STATISTICS", K3(3, 0, 0x0b), E_RCS, FIX(1) },
    S3D(0x0c, "VF"),
    S3D(0x0d, "MULTISAMPLE"),
    S3D(0x0e, "CC_STATE_POINTERS"),
    S3D(0x0f, "SCISSOR_STATE_POINTERS"),
    S3D(0x10, "VS"),
    S3D(0x11, "GS"),
    S3D(0x12, "CLIP"),
    S3D(0x13, "SF"),
    S3D(0x14, "WM"),
    S3D(0x15, "CONSTANT_VS"),
    S3D(0x16, "CONSTANT_GS"),
    S3D(0x17, "CONSTANT_PS"),
    S3D(0x18, "SAMPLE_MASK"),
    S3D(0x19, "CONSTANT_HS"),
    S3D(0x1a, "CONSTANT_DS"),
    S3D(0x1b, "HS"),
    S3D(0x1c, "TE"),
    S3D(0x1d, "DS"),
    S3D(0x1e, "STREAMOUT"),
    S3D(0x1f, "SBE"),
    S3D(0x20, "PS"),
    S3D(0x21, "VIEWPORT_STATE_POINTERS_SF_CLIP"),
    S3D(0x23, "VIEWPORT_STATE_POINTERS_CC"),
    S3D(0x24, "BLEND_STATE_POINTERS"),
    S3D(0x25, "DEPTH_STENCIL_STATE_POINTERS"),
    S3D(0x26, "BINDING_TABLE_POINTERS_VS"),
    S3D(0x27, "BINDING_TABLE_POINTERS_HS"),
    S3D(0x28, "BINDING_TABLE_POINTERS_DS"),
    S3D(0x29, "BINDING_TABLE_POINTERS_GS"),
    S3D(0x2a, "BINDING_TABLE_POINTERS_PS"),
    S3D(0x2b, "SAMPLER_STATE_POINTERS_VS"),
    S3D(0x2c, "SAMPLER_STATE_POINTERS_HS"),
    S3D(0x2d, "SAMPLER_STATE_POINTERS_DS"),
    S3D(0x2e, "SAMPLER_STATE_POINTERS_GS"),
    S3D(0x2f, "SAMPLER_STATE_POINTERS_PS"),
    S3D(0x30, "URB_VS"),
    S3D(0x31, "URB_HS"),
    S3D(0x32, "URB_DS"),
    S3D(0x33, "URB_GS"),
    S3D(0x34, "GATHER_CONSTANT_VS"),
    S3D(0x35, "GATHER_CONSTANT_GS"),
    S3D(0x36, "GATHER_CONSTANT_HS"),
    S3D(0x37, "GATHER_CONSTANT_DS"),
    S3D(0x38, "GATHER_CONSTANT_PS"),
    R3(3, 0, 0x39, "3DSTATE_DX9_CONSTANTF_VS", 11),
    R3(3, 0, 0x3a, "3DSTATE_DX9_CONSTANTF_PS", 11),
    S3D(0x3b, "DX9_CONSTANTI_VS"),
    S3D(0x3c, "DX9_CONSTANTI_PS"),
    S3D(0x3d, "DX9_CONSTANTB_VS"),
    S3D(0x3e, "DX9_CONSTANTB_PS"),
    S3D(0x3f, "DX9_LOCAL_VALID_VS"),
    S3D(0x40, "DX9_LOCAL_VALID_PS"),
    S3D(0x41, "DX9_GENERATE_ACTIVE_VS"),
    S3D(0x42, "DX9_GENERATE_ACTIVE_PS"),
    R3(3, 0, 0x43, "3DSTATE_BINDING_TABLE_EDIT_VS", 9),
    R3(3, 0, 0x44, "3DSTATE_BINDING_TABLE_EDIT_GS", 9),
    R3(3, 0, 0x45, "3DSTATE_BINDING_TABLE_EDIT_HS", 9),
    R3(3, 0, 0x46, "3DSTATE_BINDING_TABLE_EDIT_DS", 9),
    R3(3, 0, 0x47, "3DSTATE_BINDING_TABLE_EDIT_PS", 9),
    S3D(0x49, "VF_INSTANCING"),
    S3D(0x4a, "VF_SGVS"),
    S3D(0x4b, "VF_TOPOLOGY"),
    S3D(0x4c, "WM_CHROMAKEY"),
    S3D(0x4d, "PS_BLEND"),
    S3D(0x4e, "WM_DEPTH_STENCIL"),
    S3D(0x4f, "PS_EXTRA"),
    S3D(0x50, "RASTER"),
    S3D(0x51, "SBE_SWIZ"),
    S3D(0x52, "WM_HZ_OP"),
    S3D(0x55, "COMPONENT_PACKING"),
    S3D1(0x00, "DRAWING_RECTANGLE"),
    S3D1(0x02, "SAMPLER_PALETTE_LOAD0"),
    S3D1(0x04, "CHROMA_KEY"),
    S3D1(0x06, "POLY_STIPPLE_OFFSET"),
    S3D1(0x07, "POLY_STIPPLE_PATTERN"),
    S3D1(0x08, "LINE_STIPPLE"),
    S3D1(0x0a, "AA_LINE_PARAMS"),
    S3D1(0x0b, "GS_SVB_INDEX"),
    S3D1(0x0c, "SAMPLER_PALETTE_LOAD1"),
    S3D1(0x11, "MONOFILTER_SIZE"),
    S3D1(0x12, "PUSH_CONSTANT_ALLOC_VS"),
    S3D1(0x13, "PUSH_CONSTANT_ALLOC_HS"),
    S3D1(0x14, "PUSH_CONSTANT_ALLOC_DS"),
    S3D1(0x15, "PUSH_CONSTANT_ALLOC_GS"),
    S3D1(0x16, "PUSH_CONSTANT_ALLOC_PS"),
    R3(3, 1, 0x17, "3DSTATE_SO_DECL_LIST", 9),
    S3D1(0x18, "SO_BUFFER"),
    S3D1(0x19, "BINDING_TABLE_POOL_ALLOC"),
    S3D1(0x1a, "GATHER_POOL_ALLOC"),
    S3D1(0x1b, "DX9_CONSTANT_BUFFER_POOL_ALLOC"),
    S3D1(0x1c, "SAMPLE_PATTERN"),
    { "PIPE_CONTROL", K3(3, 2, 0x00), E_RCS, VARLEN(8, 6),
      .kind = K_PIPE_CONTROL },
    R3(3, 3, 0x00, "3DPRIMITIVE", 8),
};

#define MFX(p, o, a, b, n, bits)    { n, KMFX(p, o, a, b), E_VCS, VAR(bits) }

static const CmdDesc vcs_cmds[] = {
    { "MFX_WAIT", KMFX(1, 0, 0, 0), E_VCS, FIX(1) },
    { "3DSTATE_VF_STATISTICS_GM45", K3(1, 0, 0x0b), E_VCS, FIX(1) },
    MFX(2, 0, 0, 0, "MFX_PIPE_MODE_SELECT", 12),
    MFX(2, 0, 0, 1, "MFX_SURFACE_STATE", 12),
    MFX(2, 0, 0, 2, "MFX_PIPE_BUF_ADDR_STATE", 12),
    MFX(2, 0, 0, 3, "MFX_IND_OBJ_BASE_ADDR_STATE", 12),
    MFX(2, 0, 0, 4, "MFX_BSP_BUF_BASE_ADDR_STATE", 12),
    MFX(2, 0, 0, 5, "OP_2_0_0_5", 12),
    MFX(2, 0, 0, 6, "MFX_STATE_POINTER", 12),
    MFX(2, 0, 0, 7, "MFX_QM_STATE", 12),
    MFX(2, 0, 0, 8, "MFX_FQM_STATE", 12),
    MFX(2, 0, 1, 9, "MFD_IT_OBJECT", 12),
    MFX(2, 0, 2, 8, "MFX_PAK_INSERT_OBJECT", 12),
    MFX(2, 0, 2, 10, "MFX_STITCH_OBJECT", 12),
    MFX(2, 1, 0, 0, "MFX_AVC_IMG_STATE", 12),
    MFX(2, 1, 0, 1, "MFX_AVC_QM_STATE", 12),
    MFX(2, 1, 0, 2, "MFX_AVC_DIRECTMODE_STATE", 12),
    MFX(2, 1, 0, 3, "MFX_AVC_SLICE_STATE", 12),
    MFX(2, 1, 0, 4, "MFX_AVC_REF_IDX_STATE", 12),
    MFX(2, 1, 0, 5, "MFX_AVC_WEIGHTOFFSET_STATE", 12),
    MFX(2, 1, 1, 5, "MFD_AVC_PICID_STATE", 12),
    MFX(2, 1, 1, 6, "MFD_AVC_DPB_STATE", 12),
    MFX(2, 1, 1, 7, "MFD_AVC_SLICEADDR", 12),
    MFX(2, 1, 1, 8, "MFD_AVC_BSD_OBJECT", 12),
    MFX(2, 1, 2, 9, "MFC_AVC_PAK_OBJECT", 12),
    MFX(2, 2, 0, 1, "MFX_VC1_PRED_PIPE_STATE", 12),
    MFX(2, 2, 0, 2, "MFX_VC1_DIRECTMODE_STATE", 12),
    MFX(2, 2, 1, 0, "MFD_VC1_SHORT_PIC_STATE", 12),
    MFX(2, 2, 1, 1, "MFD_VC1_LONG_PIC_STATE", 12),
    MFX(2, 2, 1, 8, "MFD_VC1_BSD_OBJECT", 12),
    MFX(2, 3, 0, 0, "MFX_MPEG2_PIC_STATE", 12),
    MFX(2, 3, 0, 1, "MFX_MPEG2_QM_STATE", 12),
    MFX(2, 3, 1, 8, "MFD_MPEG2_BSD_OBJECT", 12),
    MFX(2, 3, 2, 3, "MFC_MPEG2_SLICEGROUP_STATE", 12),
    MFX(2, 3, 2, 9, "MFC_MPEG2_PAK_OBJECT", 12),
    MFX(2, 6, 0, 0, "MFX_2_6_0_0", 16),
    MFX(2, 6, 0, 8, "MFX_2_6_0_8", 16),
    MFX(2, 6, 0, 9, "MFX_2_6_0_9", 16),
    MFX(2, 7, 0, 0, "MFX_JPEG_PIC_STATE", 12),
    MFX(2, 7, 0, 2, "MFX_JPEG_HUFF_TABLE_STATE", 12),
    MFX(2, 7, 1, 8, "MFD_JPEG_BSD_OBJECT", 12),
};

static const CmdDesc vecs_cmds[] = {
    { "3DSTATE_VF_STATISTICS_GM45", K3(1, 0, 0x0b), E_VECS, FIX(1) },
    { "VEBOX_SURFACE_STATE", KMFX(2, 4, 0, 0), E_VECS, VAR(12) },
    { "VEBOX_STATE", KMFX(2, 4, 0, 2), E_VECS, VAR(12) },
    { "VEB_DI_IECP", KMFX(2, 4, 0, 3), E_VECS, VAR(12) },
};

typedef struct CmdTable {
    const CmdDesc *cmds;
    size_t nr;
} CmdTable;

static const CmdTable type3_tables[IGVT_ENGINE__MAX] = {
    [IGVT_ENGINE_RCS] = { rcs_cmds, ARRAY_SIZE(rcs_cmds) },
    [IGVT_ENGINE_BCS] = { NULL, 0 },
    [IGVT_ENGINE_VCS] = { vcs_cmds, ARRAY_SIZE(vcs_cmds) },
    [IGVT_ENGINE_VECS] = { vecs_cmds, ARRAY_SIZE(vecs_cmds) },
    [IGVT_ENGINE_VCS2] = { vcs_cmds, ARRAY_SIZE(vcs_cmds) },
};

static const char *const cmd_errors[IGVT_CMD_ERR__MAX] = {
    [IGVT_CMD_OK] = "ok",
    [IGVT_CMD_ERR_ENGINE] = "invalid engine or buffer level",
    [IGVT_CMD_ERR_UNKNOWN] = "unknown command",
    [IGVT_CMD_ERR_OVERRUN] = "command runs past the end of the buffer",
    [IGVT_CMD_ERR_LENGTH] = "invalid command length",
    [IGVT_CMD_ERR_FIELD] = "invalid or unsupported command field",
    [IGVT_CMD_ERR_FORBIDDEN] = "privileged command",
    [IGVT_CMD_ERR_NONPRIV] = "not allowed in a non-privileged batch",
    [IGVT_CMD_ERR_REG] = "register access not allowed",
    [IGVT_CMD_ERR_GGTT] = "GGTT access outside the vGPU's graphics memory",
    [IGVT_CMD_ERR_GGTT_OPERAND] = "GGTT operand not supported",
    [IGVT_CMD_ERR_HWSP] = "status page index out of range",
    [IGVT_CMD_ERR_BB_END_RING] = "batch buffer end in a ring buffer",
    [IGVT_CMD_ERR_BB_LEVEL] = "batch buffer start not allowed here",
    [IGVT_CMD_ERR_BB_SPACE] = "nested batch in another address space",
    [IGVT_CMD_ERR_NESTING] = "batch buffers nested too deep",
    [IGVT_CMD_ERR_TOO_MANY_BB] = "too many batch buffers",
    [IGVT_CMD_ERR_NO_BB_END] = "batch buffer without an end",
};

const char *igvt_cmd_strerror(IgvtCmdError err)
{
    if ((unsigned)err >= IGVT_CMD_ERR__MAX) {
        return "unknown error";
    }
    return cmd_errors[err];
}

static const CmdDesc *find_type3(const CmdTable *t, uint32_t key)
{
    size_t lo = 0, hi = t->nr;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (t->cmds[mid].key == key) {
            return &t->cmds[mid];
        }
        if (t->cmds[mid].key < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

/* The descriptor of @hdr on engine @e, and its canonical id */
static const CmdDesc *lookup(IgvtEngine e, uint32_t hdr, uint32_t *opcode)
{
    const CmdDesc *d;

    switch (hdr >> 29) {
    case 0:
        d = &mi_cmds[(hdr >> 23) & 0x3f];
        *opcode = hdr & 0xff800000u;
        break;
    case 2:
        d = &blt_cmds[(hdr >> 22) & 0x7f];
        *opcode = hdr & 0xffc00000u;
        break;
    case 3:
        d = find_type3(&type3_tables[e], (hdr >> 16) & 0x1fff);
        *opcode = hdr & 0xffff0000u;
        break;
    default:
        return NULL;
    }
    if (!d || !d->name || !(d->engines & IGVT_ENGINE_BIT(e))) {
        return NULL;
    }
    return d;
}

/* A 48-bit graphics address from a low dword (bits masked) and a high one */
static uint64_t gaddr(uint32_t lo, uint32_t hi, uint32_t lo_mask)
{
    return (uint64_t)(hi & 0xffff) << 32 | (lo & lo_mask);
}

/* Per-kind decoding; @in->len dwords of @c are readable */
static IgvtCmdError decode_operands(const CmdDesc *d, const uint32_t *c,
                                    IgvtCmdInfo *in)
{
    uint32_t hdr = c[0], op;

    switch (d->kind) {
    case K_BB_START:
        if (hdr & IGVT_BB_RESOURCE_STREAMER) {
            return IGVT_CMD_ERR_FIELD;
        }
        in->flags |= hdr & IGVT_BB_SECOND_LEVEL ? IGVT_CMDF_BB_2ND : 0;
        in->flags |= hdr & IGVT_BB_PREDICATE ? IGVT_CMDF_BB_PREDICATED : 0;
        in->flags |= hdr & IGVT_BB_PPGTT ? 0 : IGVT_CMDF_GGTT;
        in->addr = gaddr(c[1], c[2], ~3u);
        in->size = 4;
        break;
    case K_SDI:
        if ((hdr & IGVT_MI_SDI_QWORD) && in->len != 5) {
            return IGVT_CMD_ERR_LENGTH;
        }
        if (!(hdr & IGVT_MI_SDI_QWORD) && (hdr & IGVT_MI_GGTT) &&
            in->len != 4) {
            return IGVT_CMD_ERR_LENGTH;
        }
        in->flags |= IGVT_CMDF_MEM_WRITE;
        in->flags |= hdr & IGVT_MI_GGTT ? IGVT_CMDF_GGTT : 0;
        in->addr = gaddr(c[1], c[2], ~3u);
        /* "core mode" (address bit 0) offsets the store by its size */
        in->size = (in->len - 3) * 4 * (c[1] & 1 ? 2 : 1);
        break;
    case K_LRI:
        if (!(in->len & 1)) {
            return IGVT_CMD_ERR_LENGTH;
        }
        in->flags |= IGVT_CMDF_REG_WRITE;
        break;
    case K_SRM:
    case K_LRM:
        in->flags |= d->kind == K_SRM ?
            IGVT_CMDF_REG_READ | IGVT_CMDF_MEM_WRITE :
            IGVT_CMDF_REG_WRITE | IGVT_CMDF_MEM_READ;
        in->flags |= hdr & IGVT_MI_GGTT ? IGVT_CMDF_GGTT : 0;
        in->addr = gaddr(c[2], c[3], ~3u);
        in->size = 4;
        break;
    case K_LRR:
        in->flags |= IGVT_CMDF_REG_READ | IGVT_CMDF_REG_WRITE;
        break;
    case K_FLUSH_DW:
        op = (hdr >> IGVT_FLUSH_DW_OP_SHIFT) & 3;
        in->flags |= hdr & IGVT_FLUSH_DW_NOTIFY ? IGVT_CMDF_NOTIFY : 0;
        if (op) {
            in->flags |= IGVT_CMDF_MEM_WRITE;
            in->flags |= c[1] & IGVT_FLUSH_DW_USE_GTT ? IGVT_CMDF_GGTT : 0;
            in->flags |= hdr & IGVT_FLUSH_DW_STORE_INDEX ?
                IGVT_CMDF_HWSP_INDEX : 0;
            in->addr = gaddr(c[1], c[2], ~7u);
            in->size = 8;
        }
        break;
    case K_PIPE_CONTROL:
        op = (c[1] >> IGVT_PC_POST_SYNC_SHIFT) & 3;
        in->flags |= c[1] & IGVT_PC_NOTIFY ? IGVT_CMDF_NOTIFY : 0;
        in->flags |= c[1] & IGVT_PC_MMIO_WRITE ? IGVT_CMDF_REG_WRITE : 0;
        if (op) {
            /* immediate qword, depth count or timestamp: 8 bytes each */
            in->flags |= IGVT_CMDF_MEM_WRITE;
            in->flags |= c[1] & IGVT_PC_GLOBAL_GTT ? IGVT_CMDF_GGTT : 0;
            in->flags |= c[1] & IGVT_PC_STORE_DATA_INDEX ?
                IGVT_CMDF_HWSP_INDEX : 0;
            in->addr = gaddr(c[2], c[3], ~7u);
            in->size = 8;
        }
        break;
    case K_ATOMIC:
        if (in->len != (hdr & IGVT_ATOMIC_INLINE_DATA ? 11 : 3)) {
            return IGVT_CMD_ERR_LENGTH;
        }
        in->flags |= IGVT_CMDF_MEM_READ | IGVT_CMDF_MEM_WRITE;
        in->flags |= hdr & IGVT_MI_GGTT ? IGVT_CMDF_GGTT : 0;
        in->addr = gaddr(c[1], c[2], ~3u);
        in->size = 4u << ((hdr >> 19) & 3);
        break;
    case K_MEM_PRIV:
        in->flags |= IGVT_CMDF_MEM_READ;
        in->flags |= hdr & IGVT_MI_GGTT ? IGVT_CMDF_GGTT : 0;
        in->addr = gaddr(c[2], c[3], ~3u);
        in->size = 4;
        break;
    case K_DISPLAY_FLIP:
        op = (hdr >> 8) & 0x1f;         /* SKL plane code */
        if (op == 3 || op > 6) {
            return IGVT_CMD_ERR_FIELD;
        }
        if (in->len != ((c[2] & 3) == 2 ? 4 : 3)) {
            return IGVT_CMD_ERR_LENGTH;
        }
        break;
    case K_URB_MEM:
        if (hdr & IGVT_MI_GGTT) {
            /* a GGTT operand we cannot size: size 0 */
            in->flags |= IGVT_CMDF_MEM_READ | IGVT_CMDF_MEM_WRITE |
                IGVT_CMDF_GGTT;
        }
        break;
    case K_MEDIA_VFE:
        /* MMIO access control: not from a non-privileged batch */
        in->flags |= c[2] & 0x18 ? IGVT_CMDF_PRIV_ONLY : 0;
        break;
    default:
        break;
    }
    return IGVT_CMD_OK;
}

bool igvt_cmd_decode(IgvtEngine e, const uint32_t *cmd, uint32_t avail,
                     IgvtCmdInfo *out, IgvtCmdError *err)
{
    IgvtCmdError ret = IGVT_CMD_OK;
    const CmdDesc *d;
    uint32_t hdr, len, opcode = 0;

    memset(out, 0, sizeof(*out));
    out->dw = cmd;
    if ((unsigned)e >= IGVT_ENGINE__MAX) {
        ret = IGVT_CMD_ERR_ENGINE;
        goto fail;
    }
    if (avail == 0) {
        ret = IGVT_CMD_ERR_OVERRUN;
        goto fail;
    }
    hdr = cmd[0];
    d = lookup(e, hdr, &opcode);
    if (!d) {
        ret = IGVT_CMD_ERR_UNKNOWN;
        goto fail;
    }
    out->name = d->name;
    out->opcode = opcode;
    if (d->len_bits) {
        len = (hdr & ((1u << d->len_bits) - 1)) + 2;
    } else {
        len = d->min_len;
    }
    if (len < d->min_len || (d->max_len && len > d->max_len)) {
        ret = IGVT_CMD_ERR_LENGTH;
        goto fail;
    }
    if (len > avail) {
        ret = IGVT_CMD_ERR_OVERRUN;
        goto fail;
    }
    out->len = len;
    out->flags = d->flags | (d->len_bits ? 0 : IGVT_CMDF_FIXED_LEN);
    ret = decode_operands(d, cmd, out);
    if (ret == IGVT_CMD_OK) {
        if (err) {
            *err = IGVT_CMD_OK;
        }
        return true;
    }

fail:
    /* keep the name of a known command for the error report */
    {
        const char *name = out->name;

        memset(out, 0, sizeof(*out));
        out->dw = cmd;
        out->name = name;
        out->opcode = name ? opcode : 0;
    }
    if (err) {
        *err = ret;
    }
    return false;
}

/*
 * The default register whitelist.  Rows: the registers i915's command
 * parser lets Gen7/Gen9 user batches touch (statistics, predicate, 3DPRIM,
 * GPGPU dispatch, stream-out, CS GPRs, timestamps, BCS_SWCTRL), the
 * registers a Gen9 guest writes with LRI when it creates a context (the
 * context workarounds of intel_workarounds.c, and the MOCS and L3CC tables
 * older guests load by LRI: GVT allows both), and GVT's two LRM/SRM
 * registers.  Rows marked NONPRIV are those user-space drivers reach from
 * non-privileged batches on Gen9 (the hardware's and i915's
 * FORCE_TO_NONPRIV whitelists).  Deliberately absent: ring and execlist
 * registers (ring buffer, HWSP, ELSP, mode, PDPs, batch state,
 * FORCE_TO_NONPRIV), CSFE_CHICKEN1 (GVT's failsafe trigger), INSTPM,
 * interrupts, display, PVINFO, fences, forcewake, GDRST, MCHBAR.
 */
#define LRI     IGVT_REG_LRI
#define LRM     IGVT_REG_LRM
#define SRM     IGVT_REG_SRM
#define NONPRIV IGVT_REG_NONPRIV
#define REL     IGVT_REG_RELATIVE
#define RW      (LRI | LRM | SRM)

static const IgvtRegRange default_regs[] = {
    { 0x600, 0x80, E_ALL, RW | NONPRIV | REL },   /* CS_GPR 0-15 */
    { 0x358, 0x8, E_ALL, SRM | NONPRIV | REL },   /* RING_TIMESTAMP */
    { 0x3a8, 0x4, E_ALL, SRM | NONPRIV | REL },   /* RING_CTX_TIMESTAMP */
    { 0x2290, 0x8, E_RCS, SRM | NONPRIV },        /* GPGPU_THREADS_DISP. */
    { 0x2300, 0x58, E_RCS, SRM | NONPRIV },       /* HS_INVOCATION..PS_DEPTH */
    { 0x2214, 0x4, E_RCS, RW | NONPRIV },         /* MI_PREDICATE_RESULT_2 */
    { 0x2400, 0x48, E_RCS, RW | NONPRIV },        /* MI_PREDICATE_*, 3DPRIM */
    { 0x2500, 0xc, E_RCS, RW | NONPRIV },         /* GPGPU_DISPATCHDIM */
    { 0x5200, 0x20, E_RCS, RW | NONPRIV },        /* SO_NUM_PRIMS_WRITTEN */
    { 0x5240, 0x20, E_RCS, RW | NONPRIV },        /* SO_PRIM_STORAGE_NEEDED */
    { 0x5280, 0x10, E_RCS, RW | NONPRIV },        /* SO_WRITE_OFFSET */
    { 0x20e0, 0x10, E_RCS, LRI },                 /* FF_SLICE_CS_CHICKEN1/2, */
                                                  /* CS_DEBUG_MODE1 */
    { 0x2248, 0x4, E_RCS, LRI | NONPRIV },        /* CTX_PREEMPT_REG */
    { 0x2580, 0x4, E_RCS, LRI | NONPRIV },        /* CS_CHICKEN1 */
    { 0x5588, 0x4, E_RCS, LRI },                  /* WM_CHICKEN3 */
    { 0x7000, 0x8, E_RCS, LRI | NONPRIV },        /* CACHE_MODE_0/1 */
    { 0x7008, 0x4, E_RCS, LRI },                  /* GT_MODE */
    { 0x7010, 0x4, E_RCS, LRI },                  /* COMMON_SLICE_CHICKEN1 */
    { 0x7014, 0x4, E_RCS, LRI | NONPRIV },        /* COMMON_SLICE_CHICKEN2 */
    { 0x7034, 0x4, E_RCS, LRI | NONPRIV },        /* L3CNTLREG */
    { 0x7300, 0x4, E_RCS, LRI },                  /* HDC_CHICKEN0 */
    { 0x7304, 0x4, E_RCS, LRI | NONPRIV },        /* HDC_CHICKEN1 */
    { 0x7308, 0x4, E_RCS, LRI },                  /* SLICE_COMMON_ECO_CH.0 */
    { 0x731c, 0x4, E_RCS, LRI | NONPRIV },        /* SLICE_COMMON_ECO_CH.1 */
    { 0xb118, 0x4, E_RCS, RW | NONPRIV },         /* L3SQCREG4 (GVT LRM/SRM) */
    { 0x21f0, 0x4, E_RCS, LRM | SRM },            /* GVT's LRM/SRM register */
    { 0xe100, 0x4, E_RCS, LRI },                  /* HALF_SLICE_CHICKEN1 */
    { 0xe180, 0xc, E_RCS, LRI },                  /* HALF_SLICE_CHICKEN2/3/5 */
    { 0xe194, 0x4, E_RCS, LRI | NONPRIV },        /* HALF_SLICE_CHICKEN7 */
    { 0xe4f0, 0x8, E_RCS, LRI },                  /* ROW_CHICKEN, _CHICKEN2 */
    { 0xb020, 0x80, E_ALL, LRI },                 /* L3CC (LNCFCMOCS) */
    { 0xc800, 0x500, E_ALL, LRI },                /* MOCS of all engines */
    { 0x22200, 0x4, E_BCS, RW | NONPRIV },        /* BCS_SWCTRL */
};

const IgvtRegRange *igvt_cmd_default_regs(size_t *nr)
{
    *nr = ARRAY_SIZE(default_regs);
    return default_regs;
}

void igvt_audit_policy_init(IgvtAuditPolicy *p,
                            uint64_t aperture_base, uint64_t aperture_size,
                            uint64_t hidden_base, uint64_t hidden_size)
{
    memset(p, 0, sizeof(*p));
    p->gm_base[0] = aperture_base;
    p->gm_size[0] = aperture_size;
    p->gm_base[1] = hidden_base;
    p->gm_size[1] = hidden_size;
    p->regs = igvt_cmd_default_regs(&p->nr_regs);
    p->flags = IGVT_AUDIT_SCAN_PPGTT;
}

bool igvt_audit_gm_ok(const IgvtAuditPolicy *p, uint64_t addr, uint64_t size)
{
    unsigned i;

    if (size == 0) {
        return false;
    }
    for (i = 0; i < IGVT_GM_RANGES; i++) {
        uint64_t base = p->gm_base[i], gsize = p->gm_size[i];

        /* written so that nothing can wrap around */
        if (addr >= base && addr - base < gsize &&
            size <= gsize - (addr - base)) {
            return true;
        }
    }
    return false;
}

bool igvt_audit_reg_ok(const IgvtAuditPolicy *p, IgvtEngine e,
                       uint32_t offset, unsigned access, bool nonpriv)
{
    uint64_t base;
    size_t i;

    if ((unsigned)e >= IGVT_ENGINE__MAX) {
        return false;
    }
    base = igvt_engine_mmio_base(e);
    for (i = 0; i < p->nr_regs; i++) {
        const IgvtRegRange *r = &p->regs[i];
        uint64_t start = r->start + (r->access & IGVT_REG_RELATIVE ? base : 0);

        if (!(r->engines & IGVT_ENGINE_BIT(e)) || !(r->access & access) ||
            (nonpriv && !(r->access & IGVT_REG_NONPRIV))) {
            continue;
        }
        if (offset >= start && offset - start < r->size) {
            return true;
        }
    }
    return false;
}

void igvt_audit_result_init(IgvtAuditResult *r, IgvtBatchRef *batches,
                            unsigned max_batches)
{
    memset(r, 0, sizeof(*r));
    r->batches = batches;
    r->max_batches = batches ? max_batches : 0;
}

static bool audit_fail(IgvtAuditResult *r, IgvtCmdError err,
                       const uint32_t *buf, uint32_t len, uint32_t off,
                       const char *name, uint64_t address)
{
    r->ok = false;
    r->error = err;
    r->reason = igvt_cmd_strerror(err);
    r->cmd_name = name;
    r->offset = off;
    r->header = off < len ? buf[off] : 0;
    r->address = address;
    return false;
}

/* Register operands; on refusal *bad is the register */
static bool audit_regs(const IgvtAuditPolicy *p, IgvtEngine e,
                       const IgvtCmdInfo *in, bool nonpriv, uint32_t *bad)
{
    const uint32_t *c = in->dw;
    uint32_t i;

    switch (in->opcode) {
    case IGVT_MI_LOAD_REGISTER_IMM:
        for (i = 1; i + 1 < in->len; i += 2) {
            *bad = c[i] & REG_OFFSET_MASK;
            if (!igvt_audit_reg_ok(p, e, *bad, IGVT_REG_LRI, nonpriv)) {
                return false;
            }
        }
        return true;
    case IGVT_MI_LOAD_REGISTER_MEM:
        *bad = c[1] & REG_OFFSET_MASK;
        return igvt_audit_reg_ok(p, e, *bad, IGVT_REG_LRM, nonpriv);
    case IGVT_MI_STORE_REGISTER_MEM:
        *bad = c[1] & REG_OFFSET_MASK;
        return igvt_audit_reg_ok(p, e, *bad, IGVT_REG_SRM, nonpriv);
    case IGVT_MI_LOAD_REGISTER_REG:
        *bad = c[1] & REG_OFFSET_MASK;
        if (!igvt_audit_reg_ok(p, e, *bad, IGVT_REG_SRM, nonpriv)) {
            return false;
        }
        *bad = c[2] & REG_OFFSET_MASK;
        return igvt_audit_reg_ok(p, e, *bad, IGVT_REG_LRI, nonpriv);
    case IGVT_PIPE_CONTROL:
        *bad = c[2] & REG_OFFSET_MASK;
        return igvt_audit_reg_ok(p, e, *bad, IGVT_REG_LRI, nonpriv);
    default:
        /* a register command the table does not describe: refuse */
        *bad = 0;
        return false;
    }
}

bool igvt_cmd_audit(IgvtEngine e, const uint32_t *buf, uint32_t len,
                    unsigned level, bool ppgtt, const IgvtAuditPolicy *p,
                    IgvtAuditResult *r)
{
    IgvtBatchRef *batches = r->batches;
    unsigned max_batches = r->max_batches;
    bool nonpriv;
    IgvtCmdInfo in;
    IgvtCmdError err;
    uint32_t i, reg;

    igvt_audit_result_init(r, batches, max_batches);
    if ((unsigned)e >= IGVT_ENGINE__MAX) {
        return audit_fail(r, IGVT_CMD_ERR_ENGINE, buf, 0, 0, NULL, 0);
    }
    if (level > IGVT_LEVEL_MAX) {
        return audit_fail(r, IGVT_CMD_ERR_NESTING, buf, 0, 0, NULL, level);
    }
    if (level == IGVT_LEVEL_RING) {
        ppgtt = false;
    }
    nonpriv = ppgtt;

    for (i = 0; i < len; i += in.len) {
        uint32_t f;

        if (!igvt_cmd_decode(e, buf + i, len - i, &in, &err)) {
            return audit_fail(r, err, buf, len, i, in.name, 0);
        }
        f = in.flags;
        r->nr_cmds++;
        r->cmd_flags |= f;

        if (f & IGVT_CMDF_PRIVILEGED) {
            return audit_fail(r, IGVT_CMD_ERR_FORBIDDEN, buf, len, i,
                              in.name, 0);
        }
        if (nonpriv && (f & (IGVT_CMDF_PRIV_ONLY | IGVT_CMDF_NOTIFY))) {
            return audit_fail(r, IGVT_CMD_ERR_NONPRIV, buf, len, i,
                              in.name, 0);
        }
        if (!nonpriv && (f & IGVT_CMDF_PPGTT_ONLY)) {
            return audit_fail(r, IGVT_CMD_ERR_FORBIDDEN, buf, len, i,
                              in.name, 0);
        }
        if ((f & (IGVT_CMDF_REG_READ | IGVT_CMDF_REG_WRITE)) &&
            !audit_regs(p, e, &in, nonpriv, &reg)) {
            return audit_fail(r, IGVT_CMD_ERR_REG, buf, len, i, in.name, reg);
        }
        if (f & (IGVT_CMDF_MEM_READ | IGVT_CMDF_MEM_WRITE)) {
            if (f & IGVT_CMDF_HWSP_INDEX) {
                if (nonpriv) {
                    return audit_fail(r, IGVT_CMD_ERR_NONPRIV, buf, len, i,
                                      in.name, in.addr);
                }
                if (in.addr >= HWSP_SIZE || in.size > HWSP_SIZE - in.addr) {
                    return audit_fail(r, IGVT_CMD_ERR_HWSP, buf, len, i,
                                      in.name, in.addr);
                }
            } else if (f & IGVT_CMDF_GGTT) {
                if (nonpriv) {
                    return audit_fail(r, IGVT_CMD_ERR_NONPRIV, buf, len, i,
                                      in.name, in.addr);
                }
                if (!in.size) {
                    return audit_fail(r, IGVT_CMD_ERR_GGTT_OPERAND, buf, len,
                                      i, in.name, in.addr);
                }
                if (!igvt_audit_gm_ok(p, in.addr, in.size)) {
                    return audit_fail(r, IGVT_CMD_ERR_GGTT, buf, len, i,
                                      in.name, in.addr);
                }
            }
        }
        if (f & IGVT_CMDF_BB_END) {
            if (level == IGVT_LEVEL_RING) {
                return audit_fail(r, IGVT_CMD_ERR_BB_END_RING, buf, len, i,
                                  in.name, 0);
            }
            r->consumed = i + in.len;
            r->ok = true;
            return true;
        }
        if (f & IGVT_CMDF_BB_START) {
            bool second = f & IGVT_CMDF_BB_2ND;
            bool target_ppgtt, chained;

            if (level == IGVT_LEVEL_BATCH_2ND ||
                (second && level == IGVT_LEVEL_RING)) {
                return audit_fail(r, IGVT_CMD_ERR_BB_LEVEL, buf, len, i,
                                  in.name, in.addr);
            }
            if (level == IGVT_LEVEL_RING) {
                target_ppgtt = !(f & IGVT_CMDF_GGTT);
            } else if (!(f & IGVT_CMDF_GGTT) != ppgtt) {
                /* the hardware inherits the parent's space: refuse others */
                return audit_fail(r, IGVT_CMD_ERR_BB_SPACE, buf, len, i,
                                  in.name, in.addr);
            } else {
                target_ppgtt = ppgtt;
            }
            if (!target_ppgtt && !igvt_audit_gm_ok(p, in.addr, in.size)) {
                return audit_fail(r, IGVT_CMD_ERR_GGTT, buf, len, i,
                                  in.name, in.addr);
            }
            chained = level != IGVT_LEVEL_RING && !second;
            if (!target_ppgtt || (p->flags & IGVT_AUDIT_SCAN_PPGTT)) {
                IgvtBatchRef *b;

                if (r->nr_batches >= r->max_batches) {
                    return audit_fail(r, IGVT_CMD_ERR_TOO_MANY_BB, buf, len,
                                      i, in.name, in.addr);
                }
                b = &r->batches[r->nr_batches++];
                b->addr = in.addr;
                b->offset = i;
                b->level = second ? IGVT_LEVEL_BATCH_2ND : IGVT_LEVEL_BATCH;
                b->ppgtt = target_ppgtt;
                b->chained = chained;
            }
            if (chained && !(f & IGVT_CMDF_BB_PREDICATED)) {
                r->consumed = i + in.len;
                r->ok = true;
                return true;
            }
        }
    }
    if (level != IGVT_LEVEL_RING) {
        return audit_fail(r, IGVT_CMD_ERR_NO_BB_END, buf, len, len, NULL, 0);
    }
    r->consumed = len;
    r->ok = true;
    return true;
}

static bool check_desc(const CmdDesc *d, const char **why)
{
    if (!d->engines || (d->engines & ~IGVT_ENGINES_ALL)) {
        *why = "bad engine mask";
        return false;
    }
    if (d->len_bits == 0) {
        if (d->min_len == 0 || d->min_len != d->max_len) {
            *why = "bad fixed length";
            return false;
        }
    } else if (d->len_bits > 16 || d->min_len < 2 ||
               d->min_len > (1u << d->len_bits) + 1 ||
               (d->max_len && d->max_len < d->min_len)) {
        *why = "bad variable length";
        return false;
    }
    return true;
}

bool igvt_cmd_self_check(const char **why)
{
    const char *dummy;
    size_t i, t;

    why = why ? why : &dummy;
    for (i = 0; i < ARRAY_SIZE(mi_cmds); i++) {
        if (mi_cmds[i].name && !check_desc(&mi_cmds[i], why)) {
            return false;
        }
    }
    for (i = 0; i < ARRAY_SIZE(blt_cmds); i++) {
        if (blt_cmds[i].name && !check_desc(&blt_cmds[i], why)) {
            return false;
        }
    }
    for (t = 0; t < IGVT_ENGINE__MAX; t++) {
        const CmdTable *tab = &type3_tables[t];

        for (i = 0; i < tab->nr; i++) {
            const CmdDesc *d = &tab->cmds[i];

            if (!d->name || !check_desc(d, why)) {
                *why = d->name ? *why : "unnamed command";
                return false;
            }
            if (!(d->engines & IGVT_ENGINE_BIT(t))) {
                *why = "type-3 command not on its table's engine";
                return false;
            }
            if (d->key > 0x1fff || (i && d->key <= tab->cmds[i - 1].key)) {
                *why = "type-3 table not sorted or key repeated";
                return false;
            }
        }
    }
    *why = NULL;
    return true;
}

double igvt_cmd_audit_rate(IgvtEngine e, const uint32_t *buf, uint32_t len,
                           unsigned level, bool ppgtt,
                           const IgvtAuditPolicy *p, unsigned iterations)
{
    IgvtBatchRef refs[IGVT_CMD_MAX_BATCHES_PER_WORKLOAD];
    IgvtAuditResult r;
    uint64_t dwords = 0;
    int64_t t0, t1;
    unsigned k;

    t0 = g_get_monotonic_time();
    for (k = 0; k < iterations; k++) {
        igvt_audit_result_init(&r, refs, ARRAY_SIZE(refs));
        if (!igvt_cmd_audit(e, buf, len, level, ppgtt, p, &r)) {
            return -1;
        }
        dwords += r.consumed;
    }
    t1 = g_get_monotonic_time();
    return (double)dwords * G_USEC_PER_SEC / MAX(t1 - t0, 1);
}

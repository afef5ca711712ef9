/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: decoder and auditor for Gen9 (Skylake/Kaby Lake) command streams.
 *
 * Pure logic, no device state.  The device copies a guest ring segment (or
 * a batch buffer, or a context workaround buffer) into host memory first and
 * audits the copy, so the guest cannot change what was checked; the
 * software backend executes the same copy with the same decoder.
 *
 * Everything handed in is hostile: nothing here reads outside the dwords
 * the caller passes, allocates, or recurses.  Nested batch buffers are not
 * followed: the audit reports them, and the caller fetches, copies and
 * audits each one in turn with depth + 1.  The caller must also bound the
 * total work of one workload (IGVT_CMD_MAX_BATCHES_PER_WORKLOAD): a guest
 * can chain a batch to itself forever.
 *
 * Encoding (Intel PRMs; Linux i915 gt/intel_gpu_commands.h, GVT-g
 * gvt/cmd_parser.c): the command type is in header bits 31:29 (0 MI,
 * 2 2D/blitter, 3 3D/media/video); the opcode is bits 28:23 for MI,
 * 28:22 for 2D and 28:16 for type 3 (pipeline 28:27, opcode 26:24,
 * sub-opcode 23:16).  A variable-length command holds its length minus 2
 * in its low header bits (6 to 16 bits wide depending on the command);
 * fixed-length commands have none.
 *
 * The rules the audit applies, and their sources, are listed at the top of
 * cmd-parser.c.
 */

#ifndef HW_DISPLAY_IGVT_CMD_PARSER_H
#define HW_DISPLAY_IGVT_CMD_PARSER_H

#include "hwinfo.h"

/*
 * Canonical command ids: the header with every bit but the type and
 * opcode fields cleared.  IgvtCmdInfo.opcode holds one of these.
 */
#define IGVT_CMD_MI(op)         ((uint32_t)(op) << 23)
#define IGVT_CMD_2D(op)         (2u << 29 | (uint32_t)(op) << 22)
#define IGVT_CMD_3D(pipe, op, sub) \
    (3u << 29 | (uint32_t)(pipe) << 27 | (uint32_t)(op) << 24 | \
     (uint32_t)(sub) << 16)

#define IGVT_MI_NOOP                    IGVT_CMD_MI(0x00)
#define IGVT_MI_SET_PREDICATE           IGVT_CMD_MI(0x01)
#define IGVT_MI_USER_INTERRUPT          IGVT_CMD_MI(0x02)
#define IGVT_MI_WAIT_FOR_EVENT          IGVT_CMD_MI(0x03)
#define IGVT_MI_FLUSH                   IGVT_CMD_MI(0x04)
#define IGVT_MI_ARB_CHECK               IGVT_CMD_MI(0x05)
#define IGVT_MI_REPORT_HEAD             IGVT_CMD_MI(0x07)
#define IGVT_MI_ARB_ON_OFF              IGVT_CMD_MI(0x08)
#define IGVT_MI_BATCH_BUFFER_END        IGVT_CMD_MI(0x0a)
#define IGVT_MI_SUSPEND_FLUSH           IGVT_CMD_MI(0x0b)
#define IGVT_MI_PREDICATE               IGVT_CMD_MI(0x0c)
#define IGVT_MI_LOAD_SCAN_LINES_INCL    IGVT_CMD_MI(0x12)
#define IGVT_MI_LOAD_SCAN_LINES_EXCL    IGVT_CMD_MI(0x13)
#define IGVT_MI_DISPLAY_FLIP            IGVT_CMD_MI(0x14)
#define IGVT_MI_SEMAPHORE_MBOX          IGVT_CMD_MI(0x16)
#define IGVT_MI_MATH                    IGVT_CMD_MI(0x1a)
#define IGVT_MI_SEMAPHORE_SIGNAL        IGVT_CMD_MI(0x1b)
#define IGVT_MI_SEMAPHORE_WAIT          IGVT_CMD_MI(0x1c)
#define IGVT_MI_STORE_DATA_IMM          IGVT_CMD_MI(0x20)
#define IGVT_MI_STORE_DATA_INDEX        IGVT_CMD_MI(0x21)
#define IGVT_MI_LOAD_REGISTER_IMM       IGVT_CMD_MI(0x22)
#define IGVT_MI_UPDATE_GTT              IGVT_CMD_MI(0x23)
#define IGVT_MI_STORE_REGISTER_MEM      IGVT_CMD_MI(0x24)
#define IGVT_MI_FLUSH_DW                IGVT_CMD_MI(0x26)
#define IGVT_MI_CLFLUSH                 IGVT_CMD_MI(0x27)
#define IGVT_MI_REPORT_PERF_COUNT       IGVT_CMD_MI(0x28)
#define IGVT_MI_LOAD_REGISTER_MEM       IGVT_CMD_MI(0x29)
#define IGVT_MI_LOAD_REGISTER_REG       IGVT_CMD_MI(0x2a)
#define IGVT_MI_COPY_MEM_MEM            IGVT_CMD_MI(0x2e)   /* GVT's MI_OP_2E */
#define IGVT_MI_ATOMIC                  IGVT_CMD_MI(0x2f)   /* GVT's MI_OP_2F */
#define IGVT_MI_BATCH_BUFFER_START      IGVT_CMD_MI(0x31)
#define IGVT_MI_CONDITIONAL_BATCH_BUFFER_END IGVT_CMD_MI(0x36)

#define IGVT_XY_SETUP_BLT               IGVT_CMD_2D(0x01)
#define IGVT_COLOR_BLT                  IGVT_CMD_2D(0x40)
#define IGVT_XY_FAST_COPY_BLT           IGVT_CMD_2D(0x42)
#define IGVT_SRC_COPY_BLT               IGVT_CMD_2D(0x43)
#define IGVT_XY_COLOR_BLT               IGVT_CMD_2D(0x50)
#define IGVT_XY_SRC_COPY_BLT            IGVT_CMD_2D(0x53)

#define IGVT_PIPELINE_SELECT            IGVT_CMD_3D(1, 1, 0x04)
#define IGVT_PIPE_CONTROL               IGVT_CMD_3D(3, 2, 0x00)
#define IGVT_3DPRIMITIVE                IGVT_CMD_3D(3, 3, 0x00)

/* Header and operand fields used by the decoder and by the tests */
#define IGVT_MI_GGTT                    (1u << 22)  /* SDI, SRM, LRM, ATOMIC */
#define IGVT_MI_SDI_QWORD               (1u << 21)
#define IGVT_MI_ARB_ENABLE              (1u << 0)
#define IGVT_BB_SECOND_LEVEL            (1u << 22)
#define IGVT_BB_PREDICATE               (1u << 15)
#define IGVT_BB_RESOURCE_STREAMER       (1u << 10)
#define IGVT_BB_PPGTT                   (1u << 8)
#define IGVT_FLUSH_DW_STORE_INDEX       (1u << 21)
#define IGVT_FLUSH_DW_OP_SHIFT          14          /* 2 bits, 0: none */
#define IGVT_FLUSH_DW_NOTIFY            (1u << 8)
#define IGVT_FLUSH_DW_USE_GTT           (1u << 2)   /* in the address dword */
#define IGVT_PC_GLOBAL_GTT              (1u << 24)  /* PIPE_CONTROL dword 1 */
#define IGVT_PC_MMIO_WRITE              (1u << 23)
#define IGVT_PC_STORE_DATA_INDEX        (1u << 21)
#define IGVT_PC_CS_STALL                (1u << 20)
#define IGVT_PC_POST_SYNC_SHIFT         14          /* 2 bits, 0: none */
#define IGVT_PC_QW_WRITE                (1u << 14)
#define IGVT_PC_NOTIFY                  (1u << 8)
#define IGVT_ATOMIC_INLINE_DATA         (1u << 18)

/* What a decoded command does (IgvtCmdInfo.flags) */
#define IGVT_CMDF_PRIVILEGED    (1u << 0)   /* never allowed from a vGPU */
#define IGVT_CMDF_PRIV_ONLY     (1u << 1)   /* not from a PPGTT batch */
#define IGVT_CMDF_BB_START      (1u << 2)
#define IGVT_CMDF_BB_END        (1u << 3)
#define IGVT_CMDF_BB_2ND        (1u << 4)   /* second-level batch (a call) */
#define IGVT_CMDF_BB_PREDICATED (1u << 5)   /* taken only if the predicate */
#define IGVT_CMDF_MEM_READ      (1u << 6)   /* reads memory at addr */
#define IGVT_CMDF_MEM_WRITE     (1u << 7)   /* writes memory at addr */
#define IGVT_CMDF_GGTT          (1u << 8)   /* addr is a GGTT address */
#define IGVT_CMDF_HWSP_INDEX    (1u << 9)   /* addr: offset in the HWSP */
#define IGVT_CMDF_REG_WRITE     (1u << 10)  /* writes MMIO registers */
#define IGVT_CMDF_REG_READ      (1u << 11)  /* reads MMIO registers */
#define IGVT_CMDF_NOTIFY        (1u << 12)  /* raises a user interrupt */
#define IGVT_CMDF_EMULATE       (1u << 13)  /* display: emulate, never pass */
#define IGVT_CMDF_FIXED_LEN     (1u << 14)  /* no length field */
#define IGVT_CMDF_PPGTT_ONLY    (1u << 15)  /* only from a PPGTT batch */

/* Why a decode or an audit failed */
typedef enum IgvtCmdError {
    IGVT_CMD_OK,
    IGVT_CMD_ERR_ENGINE,        /* invalid engine or level argument */
    IGVT_CMD_ERR_UNKNOWN,       /* no such command on this engine */
    IGVT_CMD_ERR_OVERRUN,       /* command runs past the end of the buffer */
    IGVT_CMD_ERR_LENGTH,        /* length not valid for this command */
    IGVT_CMD_ERR_FIELD,         /* reserved or unsupported field value */
    IGVT_CMD_ERR_FORBIDDEN,     /* privileged command */
    IGVT_CMD_ERR_NONPRIV,       /* not allowed in a non-privileged batch */
    IGVT_CMD_ERR_REG,           /* register not in the whitelist */
    IGVT_CMD_ERR_GGTT,          /* GGTT access outside the vGPU's memory */
    IGVT_CMD_ERR_GGTT_OPERAND,  /* GGTT operand the auditor cannot size */
    IGVT_CMD_ERR_HWSP,          /* status page index out of the page */
    IGVT_CMD_ERR_BB_END_RING,   /* MI_BATCH_BUFFER_END in a ring buffer */
    IGVT_CMD_ERR_BB_LEVEL,      /* batch start not allowed at this level */
    IGVT_CMD_ERR_BB_SPACE,      /* nested batch in another address space */
    IGVT_CMD_ERR_NESTING,       /* batch buffers nested too deep */
    IGVT_CMD_ERR_TOO_MANY_BB,   /* more batch starts than the result holds */
    IGVT_CMD_ERR_NO_BB_END,     /* batch buffer ends without a terminator */
    IGVT_CMD_ERR__MAX,
} IgvtCmdError;

/* A static description of @err */
const char *igvt_cmd_strerror(IgvtCmdError err);

/* One decoded command */
typedef struct IgvtCmdInfo {
    const char *name;           /* "MI_STORE_DATA_IMM", ... */
    uint32_t opcode;            /* canonical id: IGVT_MI_*, IGVT_CMD_*() */
    uint32_t len;               /* dwords, including the header */
    uint32_t flags;             /* IGVT_CMDF_* */
    const uint32_t *dw;         /* the command: dw[0] .. dw[len - 1] */
    /*
     * The memory operand (IGVT_CMDF_MEM_*, and the target of
     * IGVT_CMDF_BB_START): graphics address, GGTT if IGVT_CMDF_GGTT,
     * else PPGTT; an offset in the engine's status page if
     * IGVT_CMDF_HWSP_INDEX.  @size is the number of bytes accessed
     * (0 when the decoder cannot tell; for a batch start the first dword).
     */
    uint64_t addr;
    uint32_t size;
} IgvtCmdInfo;

/*
 * Decode the command at @cmd, of which @avail dwords may be read, for
 * engine @e.  Returns false, with *err (if not NULL) saying why, if the
 * command is unknown on @e, runs past @avail, or has a length or field the
 * hardware does not accept; @out is then zeroed except out->dw, and
 * out->name and out->opcode if the command is known.
 * Privileged commands decode fine (IGVT_CMDF_PRIVILEGED): refusing them is
 * the audit's job.  For MI_BATCH_BUFFER_START, IGVT_CMDF_GGTT is the raw
 * address-space bit (inside a batch the hardware ignores it: see the audit).
 */
bool igvt_cmd_decode(IgvtEngine e, const uint32_t *cmd, uint32_t avail,
                     IgvtCmdInfo *out, IgvtCmdError *err);

/* The graphics memory the vGPU owns: its aperture and hidden slices */
#define IGVT_GM_RANGES  2

/*
 * One row of the register whitelist: bytes [start, start + size), absolute
 * or relative to the MMIO base of the engine running the command, and how
 * commands of the engines in @engines may touch them.
 */
typedef struct IgvtRegRange {
    uint32_t start;
    uint32_t size;
    uint8_t engines;            /* IGVT_ENGINE_BIT()s */
    uint8_t access;             /* IGVT_REG_* */
} IgvtRegRange;

#define IGVT_REG_LRI        (1u << 0)   /* MI_LOAD_REGISTER_IMM, LRR dest., */
                                        /* PIPE_CONTROL MMIO write */
#define IGVT_REG_LRM        (1u << 1)   /* MI_LOAD_REGISTER_MEM */
#define IGVT_REG_SRM        (1u << 2)   /* MI_STORE_REGISTER_MEM, LRR source */
#define IGVT_REG_NONPRIV    (1u << 6)   /* also from a PPGTT batch */
#define IGVT_REG_RELATIVE   (1u << 7)   /* start relative to the engine base */

/* The default whitelist (cmd-parser.c says where each row comes from) */
const IgvtRegRange *igvt_cmd_default_regs(size_t *nr);

/* IgvtAuditPolicy.flags */
#define IGVT_AUDIT_SCAN_PPGTT   (1u << 0)   /* report PPGTT batches as well */

typedef struct IgvtAuditPolicy {
    /* GGTT-addressed operands must lie wholly inside one of these */
    uint64_t gm_base[IGVT_GM_RANGES];
    uint64_t gm_size[IGVT_GM_RANGES];
    /* register whitelist, any order */
    const IgvtRegRange *regs;
    size_t nr_regs;
    uint32_t flags;             /* IGVT_AUDIT_* */
} IgvtAuditPolicy;

/*
 * A policy for a vGPU owning the two graphics memory slices given, with
 * the default register whitelist and IGVT_AUDIT_SCAN_PPGTT.
 */
void igvt_audit_policy_init(IgvtAuditPolicy *p,
                            uint64_t aperture_base, uint64_t aperture_size,
                            uint64_t hidden_base, uint64_t hidden_size);

/* Whether [addr, addr + size) lies inside one GM range of @p (size > 0) */
bool igvt_audit_gm_ok(const IgvtAuditPolicy *p, uint64_t addr, uint64_t size);

/*
 * Whether a command on engine @e may access register @offset in the way
 * @access (one IGVT_REG_LRI/LRM/SRM bit), from a non-privileged (PPGTT)
 * batch if @nonpriv.
 */
bool igvt_audit_reg_ok(const IgvtAuditPolicy *p, IgvtEngine e,
                       uint32_t offset, unsigned access, bool nonpriv);

/* Buffer levels: hardware allows a ring, a batch and a second-level batch */
#define IGVT_LEVEL_RING         0
#define IGVT_LEVEL_BATCH        1
#define IGVT_LEVEL_BATCH_2ND    2
#define IGVT_LEVEL_MAX          IGVT_LEVEL_BATCH_2ND

/* A suggested bound for the caller's walk over one workload */
#define IGVT_CMD_MAX_BATCHES_PER_WORKLOAD  256

/* A batch buffer started from the audited buffer, for the caller to audit */
typedef struct IgvtBatchRef {
    uint64_t addr;              /* graphics address of the first dword */
    uint32_t offset;            /* dword offset of the MI_BATCH_BUFFER_START */
    uint8_t level;              /* IGVT_LEVEL_BATCH or _BATCH_2ND */
    bool ppgtt;                 /* addressed through the PPGTT */
    bool chained;               /* a jump: the audited buffer ends there */
} IgvtBatchRef;

typedef struct IgvtAuditResult {
    /* set by the caller before the audit (igvt_audit_result_init) */
    IgvtBatchRef *batches;      /* room for the batch starts found */
    unsigned max_batches;
    /* outputs */
    bool ok;
    IgvtCmdError error;
    const char *reason;         /* static string, igvt_cmd_strerror() */
    const char *cmd_name;       /* offending command, NULL if unknown */
    uint32_t offset;            /* dword offset of the offending command */
    uint32_t header;            /* its first dword (0 past the end) */
    uint64_t address;           /* offending address or register */
    uint32_t consumed;          /* dwords that execute: to and including */
                                /* the terminator, or the whole ring */
    uint32_t nr_cmds;           /* commands audited */
    uint32_t cmd_flags;         /* IGVT_CMDF_* of all of them, or-ed */
    unsigned nr_batches;        /* entries of batches[] filled */
} IgvtAuditResult;

void igvt_audit_result_init(IgvtAuditResult *r, IgvtBatchRef *batches,
                            unsigned max_batches);

/*
 * Audit @len dwords at @buf for engine @e.  @level says what the buffer is
 * (IGVT_LEVEL_*); @ppgtt whether a batch was fetched through the PPGTT
 * (a non-privileged batch; ignored for a ring).  A batch ends at
 * MI_BATCH_BUFFER_END or at a chained, non-predicated MI_BATCH_BUFFER_START;
 * what follows is not audited and must not execute (r->consumed).  A ring
 * segment ends at @len.
 *
 * Returns r->ok.  On failure r says which command (r->offset, r->header,
 * r->cmd_name), why (r->error, r->reason) and, where one is involved, the
 * offending address or register (r->address).  On success r->batches[]
 * lists the batch buffers to fetch and audit next, in order: every
 * GGTT-addressed one, and PPGTT-addressed ones when the policy says
 * IGVT_AUDIT_SCAN_PPGTT.
 */
bool igvt_cmd_audit(IgvtEngine e, const uint32_t *buf, uint32_t len,
                    unsigned level, bool ppgtt, const IgvtAuditPolicy *p,
                    IgvtAuditResult *r);

/*
 * Check the internal command tables (sorted, unique, well formed).
 * Returns false and sets *why on the first problem.
 */
bool igvt_cmd_self_check(const char **why);

/*
 * Throughput of the audit on this host: audit @buf @iterations times and
 * return dwords per second, or a negative value if the audit fails.
 * For benchmarks; it takes as long as it takes.
 */
double igvt_cmd_audit_rate(IgvtEngine e, const uint32_t *buf, uint32_t len,
                           unsigned level, bool ppgtt,
                           const IgvtAuditPolicy *p, unsigned iterations);

#endif

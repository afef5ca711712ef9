/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the software GPU's execution of one workload, shared by its parts
 * (backend-soft.c runs the commands, soft-blt.c the blits).  Private to
 * the software backend.
 */

#ifndef HW_DISPLAY_IGVT_SOFT_GPU_H
#define HW_DISPLAY_IGVT_SOFT_GPU_H

#include "cmd-parser.h"
#include "soft-alu.h"
#include "workload.h"
#include "regs.h"


/* The GGTT a workload's engine sees (backend-soft.c) */
typedef struct IgvtSoftGgtt {
    struct IgvtSoftGpu *gpu;
    const IgvtSlice *slice;
} IgvtSoftGgtt;

/* The buffers the engine is in: ring, batch, second-level batch */
#define IGVT_SOFT_DEPTH         3

typedef struct IgvtSoftFrame {
    const IgvtCmdBuf *buf;
    uint32_t pos;               /* dword index of the next command */
    IgvtCmdBuf *copy;           /* buf, when fetched while running: the
                                   frame owns it until it leaves it */
} IgvtSoftFrame;

/* A workload's execution, kept from one turn to the next */
typedef struct IgvtSoftExec {
    IgvtWorkload *w;
    IgvtSoftGgtt ggtt;
    IgvtGpuMem mem;             /* graphics memory as the engine sees it */
    IgvtSoftFrame stack[IGVT_SOFT_DEPTH];
    unsigned depth;             /* frames in use */
    GHashTable *entered;        /* batches entered: address, space, level */
    bool entered_all;           /* too many to remember: every batch */
    GHashTable *written;        /* guest pages the GPU wrote */
    bool written_all;           /* too many to remember: any page */
    bool user_irq;
    unsigned budget;            /* left since the last arbitration point */
    uint32_t mmio_base;         /* the engine's */
    uint64_t gpr[IGVT_ALU_GPRS];        /* CS_GPR0-15 */
    GHashTable *regs;           /* other registers written: offset, value */
    int64_t start_ns;           /* get_clock() when the workload started */
    int64_t cpu_arb_ns;         /* CPU time at the last arbitration point */
    int64_t cpu_turn_ns;        /* ... at the start of this turn */
    int64_t cpu_now_ns;         /* ... when last looked at */
    unsigned clock_units;       /* units charged since the last look */
    const char *why;
    uint64_t why_addr;
} IgvtSoftExec;

/* The workload fails at @addr because of @why; returns false */
bool igvt_soft_fail(IgvtSoftExec *x, const char *why, uint64_t addr);
/*
 * Charge @units of work (see the watchdog in backend-soft.c) done for the
 * command or memory at @addr; false once the workload must stop
 */
bool igvt_soft_charge(IgvtSoftExec *x, uint64_t units, uint64_t addr);
/* The units @bytes of memory traffic cost */
uint64_t igvt_soft_bytes(uint64_t bytes);
/* Reach memory as the engine does, charged and stoppable */
bool igvt_soft_mem(IgvtSoftExec *x, bool ggtt, uint64_t addr, void *buf,
                   size_t len, bool is_write);
/* A register of the workload's register state (0 if never written) */
uint32_t igvt_soft_reg_read(IgvtSoftExec *x, uint32_t reg);

/* soft-blt.c: an XY_* or fast copy blit, in the buffer's address space */
bool igvt_soft_blt(IgvtSoftExec *x, const IgvtCmdInfo *ci, bool ppgtt);

#endif /* HW_DISPLAY_IGVT_SOFT_GPU_H */

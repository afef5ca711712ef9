/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt: the execlist interface as the guest sees it in memory: the logical
 * ring context image it submits, and what the engine reports back in its
 * status page.
 *
 * Definitions only, shared by the mediation (workload.c) and the tests
 * that build context images.  Offsets and bits are facts of Gen9 hardware
 * as the Linux i915 driver uses it (gt/intel_lrc.c, intel_lrc_reg.h,
 * intel_engine_regs.h).
 */

#ifndef HW_DISPLAY_IGVT_CONTEXT_H
#define HW_DISPLAY_IGVT_CONTEXT_H

/*
 * A context image: the per-process status page (one page), then the
 * register state page whose ring registers the mediation reads.  Offsets
 * in the state page are in dwords: each register's value follows the
 * MI_LOAD_REGISTER_IMM header and offset that precede it.
 */
#define IGVT_CTX_STATE_OFFSET   IGVT_GTT_PAGE_SIZE
#define IGVT_CTX_RING_HEAD      0x05
#define IGVT_CTX_RING_TAIL      0x07
#define IGVT_CTX_RING_START     0x09
#define IGVT_CTX_RING_CTL       0x0b
#define IGVT_CTX_BB_HEAD_UDW    0x0d    /* the batch the engine is in */
#define IGVT_CTX_BB_HEAD_LDW    0x0f
#define IGVT_CTX_BB_STATE       0x11
#define IGVT_CTX_BB2_HEAD_UDW   0x13    /* ... and the second-level one */
#define IGVT_CTX_BB2_HEAD_LDW   0x15
#define IGVT_CTX_BB2_STATE      0x17
#define IGVT_CTX_PDP0_UDW       0x31
#define IGVT_CTX_PDP0_LDW       0x33

/*
 * The engine's registers a context switch saves into the same page and
 * loads back, where the Gen9 layout (every engine's) puts them: on the
 * render engine MI_PREDICATE_RESULT_1, and CS_GPR0-15, each a low and a
 * high register, one GPR every four dwords.
 */
#define IGVT_CTX_PREDICATE_RESULT_1 0x67
#define IGVT_CTX_GPR0_LDW       0x69
#define IGVT_CTX_GPR_DWORDS     4
#define IGVT_CTX_GPR_UDW        2       /* the high half, after the low */
#define IGVT_CTX_GPRS           16
#define IGVT_CTX_STATE_DWORDS   0xa8    /* what the mediation reads */

/*
 * Batch states: i915 writes the PPGTT bit (RING_BB_PPGTT) into a fresh
 * image.  When the software GPU stops a context inside batches (an
 * arbitration point: preempted, or the VM stopped), it records the next
 * command in BB_HEAD (and BB2_HEAD) with the ACTIVE bit, its own
 * convention: a later submission of the context goes on there.  A
 * context i915 resets gets a fresh image, without it.
 */
#define IGVT_CTX_BB_STATE_ACTIVE    (1u << 0)
#define IGVT_CTX_BB_STATE_PPGTT     (1u << 5)

/* The ring registers' fields */
#define IGVT_RING_HEAD_MASK     0x001ffffc
#define IGVT_RING_TAIL_MASK     0x001ffff8
#define IGVT_RING_START_MASK    0xfffff000u
#define IGVT_RING_CTL_ENABLE    (1u << 0)
#define IGVT_RING_CTL_PAGES_SHIFT 12     /* ring size in pages, minus 1 */
#define IGVT_RING_CTL_PAGES_BITS 9

/* An execlist element: the context's descriptor, low dword */
#define IGVT_CTX_VALID          (1ull << 0)
#define IGVT_CTX_LRCA_MASK      0xfffff000ull

/* Context status buffer events, the low dword of each CSB entry */
#define IGVT_CSB_IDLE_TO_ACTIVE     (1u << 0)
#define IGVT_CSB_PREEMPTED          (1u << 1)
#define IGVT_CSB_ELEMENT_SWITCH     (1u << 2)
#define IGVT_CSB_ACTIVE_TO_IDLE     (1u << 3)
#define IGVT_CSB_COMPLETE           (1u << 4)
#define IGVT_CSB_LITE_RESTORE       (1u << 15)
#define IGVT_CSB_ENTRIES            6

/*
 * The engine's status page (at HWS_PGA): the CSB entries, two dwords
 * each (event, context id), and the index of the last one written
 */
#define IGVT_HWSP_CSB               0x10
#define IGVT_HWSP_CSB_WRITE         0x1f

/* An engine's interrupts, in its bank's GT IIR/IMR/IER at its shift */
#define IGVT_GT_USER_INTERRUPT      (1u << 0)
#define IGVT_GT_CONTEXT_SWITCH      (1u << 8)

#endif /* HW_DISPLAY_IGVT_CONTEXT_H */

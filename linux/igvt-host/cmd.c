// SPDX-License-Identifier: GPL-2.0
/*
 * igvt-host: what the module lets run with privilege.
 *
 * QEMU audits everything a guest submits; this module does not trust the
 * process either.  Batches run without privilege in a PPGTT the module
 * writes, so the hardware keeps them to the descriptor's pages, with one
 * Gen9 exception: the blitter does not restrict register access from
 * unprivileged batches (i915 parses blitter batches for the same reason).
 * What runs with privilege, the ring copy, and every blitter batch are
 * therefore checked here, and refused unless every command is one of a
 * short list:
 * - MI commands that move control and data; a memory operand in the GGTT
 *   must lie inside the descriptor's slices (in the ring; in a batch it
 *   would not work unprivileged and is refused), PPGTT operands reach only
 *   the workload's PPGTT;
 * - register access only to the registers of ih_reg_allowed();
 * - at ring level on the render engine, PIPE_CONTROL with at most a
 *   post-sync write; in blitter batches, blits (their operands are PPGTT);
 * - a batch start only to a batch of the workload: one from the GGTT is
 *   rewritten here to where the module placed the copy (ppgtt.c).
 * Command encodings and register offsets are i915's (intel_gpu_commands.h
 * and the register headers); lengths are the Gen9 PRM's.
 */

#include "i915_drv.h"
#include "i915_reg.h"
#include "gt/intel_engine_regs.h"
#include "gt/intel_gpu_commands.h"
#include "gt/intel_gt_regs.h"

#include "igvt-host.h"

/* MI_BATCH_BUFFER_START: a call that returns (second-level batch) */
#define IH_BB_SECOND_LEVEL      BIT(22)
/* Register offsets in register commands: bits 22:2 */
#define IH_REG_MASK             0x7ffffc
/* Length field of MI commands with one (and of 2D and 3D commands) */
#define IH_LEN(hdr)             (((hdr) & 0xff) + 2)
#define IH_MI_OPCODE(hdr)       (((hdr) >> 23) & 0x3f)

struct ih_walk {
	struct igvt_host_file *f;
	struct ih_workload *wl;
	const struct intel_engine_cs *engine;
	bool ring;                      /* the ring copy, privileged */
	bool ggtt_origin;               /* a batch copied from the GGTT */
	u32 *cmds;
	u32 dwords;
	u32 at;                         /* the command being checked */
};

static int ih_bad(struct ih_walk *w, const char *why)
{
	return igvt_host_refuse(w->f, -EINVAL, "%s %s dword %u (0x%08x): %s",
				w->engine->name, w->ring ? "ring" : "batch",
				w->at, w->cmds[w->at], why);
}

bool igvt_host_reg_allowed(const struct intel_engine_cs *engine, u32 reg,
			   bool write)
{
	u32 base = engine->mmio_base;

	if (reg >= i915_mmio_reg_offset(GEN8_RING_CS_GPR(base, 0)) &&
	    reg < i915_mmio_reg_offset(GEN8_RING_CS_GPR(base, 16)))
		return true;
	if (reg >= i915_mmio_reg_offset(MI_PREDICATE_SRC0(base)) &&
	    reg <= i915_mmio_reg_offset(MI_PREDICATE_RESULT_1(base)))
		return true;
	if (engine->class == COPY_ENGINE_CLASS &&
	    reg == i915_mmio_reg_offset(BCS_SWCTRL))
		return true;
	return !write &&
	       (reg == i915_mmio_reg_offset(RING_TIMESTAMP(base)) ||
		reg == i915_mmio_reg_offset(RING_TIMESTAMP_UDW(base)) ||
		reg == i915_mmio_reg_offset(RING_CTX_TIMESTAMP(base)));
}

static int ih_reg(struct ih_walk *w, u32 dw, bool write)
{
	if (!igvt_host_reg_allowed(w->engine, dw & IH_REG_MASK, write))
		return ih_bad(w, write ? "register write not allowed" :
					 "register read not allowed");
	return 0;
}

/* A memory operand of @size bytes at dwords @lo, @lo + 1 */
static int ih_mem(struct ih_walk *w, u32 lo, bool ggtt, u32 size)
{
	u64 addr = (u64)(w->cmds[w->at + lo + 1] & 0xffff) << 32 |
		   (w->cmds[w->at + lo] & ~3u);

	if (!ggtt)
		return 0;
	if (!w->ring)
		return ih_bad(w, "GGTT operand in a batch");
	if (!igvt_host_in_slice(w->f, addr, size))
		return ih_bad(w, "GGTT operand outside the slice");
	return 0;
}

static int ih_expect_len(struct ih_walk *w, u32 len, u32 a, u32 b)
{
	return len == a || len == b ? 0 : ih_bad(w, "wrong length");
}

/*
 * A batch start: its target must be a batch of the workload; a GGTT
 * target becomes the PPGTT address of its copy.  *@stop: the stream does
 * not come back here (a chain from a batch).
 */
static int ih_bb_start(struct ih_walk *w, bool *stop)
{
	u32 *cs = w->cmds + w->at;
	bool ppgtt = cs[0] & MI_BATCH_PPGTT_HSW;
	u64 addr = (u64)(cs[2] & 0xffff) << 32 | (cs[1] & ~3u);
	struct ih_batch *b;

	if (cs[0] & MI_BATCH_RESOURCE_STREAMER)
		return ih_bad(w, "resource streamer batch");
	if (!ppgtt && !w->ring && !w->ggtt_origin)
		return ih_bad(w, "GGTT batch started from a PPGTT batch");
	b = igvt_host_find_batch(w->wl, addr, ppgtt);
	if (!b)
		return ih_bad(w, "batch start to a batch not in the workload");
	if (!ppgtt) {
		cs[0] |= MI_BATCH_PPGTT_HSW;
		cs[1] = lower_32_bits(b->va);
		cs[2] = upper_32_bits(b->va);
	}
	*stop = !w->ring && !(cs[0] & (IH_BB_SECOND_LEVEL | MI_BATCH_PREDICATE));
	return 0;
}

/* One MI command: its length in *@len */
static int ih_mi(struct ih_walk *w, u32 *len, bool *stop)
{
	u32 *cs = w->cmds + w->at;
	u32 hdr = cs[0];
	u32 i;
	int err;

	*len = 1;
	switch (IH_MI_OPCODE(hdr)) {
	case IH_MI_OPCODE(MI_NOOP):
	case IH_MI_OPCODE(MI_SET_PREDICATE):
	case IH_MI_OPCODE(MI_USER_INTERRUPT):
	case IH_MI_OPCODE(MI_ARB_CHECK):
	case IH_MI_OPCODE(MI_ARB_ON_OFF):
	case IH_MI_OPCODE(MI_PREDICATE):
		return 0;
	case IH_MI_OPCODE(MI_BATCH_BUFFER_END):
		if (w->ring)
			return ih_bad(w, "batch end in the ring");
		*stop = true;
		return 0;
	}

	*len = IH_LEN(hdr);
	if (*len > w->dwords - w->at)
		return ih_bad(w, "command runs past the end");
	switch (IH_MI_OPCODE(hdr)) {
	case IH_MI_OPCODE(MI_MATH(1)):
		return 0;
	case IH_MI_OPCODE(MI_STORE_DWORD_IMM):
		return ih_expect_len(w, *len, 4, 5) ?:
		       ih_mem(w, 1, hdr & MI_USE_GGTT, (*len - 3) * 4);
	case IH_MI_OPCODE(MI_LOAD_REGISTER_IMM(1)):
		if (!(*len & 1) || (hdr & (MI_LRI_LRM_CS_MMIO | MI_LRI_MMIO_REMAP_EN)))
			return ih_bad(w, "malformed register load");
		for (i = 1; i < *len; i += 2) {
			err = ih_reg(w, cs[i], true);
			if (err)
				return err;
		}
		return 0;
	case IH_MI_OPCODE(MI_STORE_REGISTER_MEM):
		return ih_expect_len(w, *len, 4, 4) ?: ih_reg(w, cs[1], false) ?:
		       ih_mem(w, 2, hdr & MI_SRM_LRM_GLOBAL_GTT, 4);
	case IH_MI_OPCODE(MI_LOAD_REGISTER_MEM):
		return ih_expect_len(w, *len, 4, 4) ?: ih_reg(w, cs[1], true) ?:
		       ih_mem(w, 2, hdr & MI_SRM_LRM_GLOBAL_GTT, 4);
	case IH_MI_OPCODE(MI_LOAD_REGISTER_REG):
		return ih_expect_len(w, *len, 3, 3) ?: ih_reg(w, cs[1], false) ?:
		       ih_reg(w, cs[2], true);
	case IH_MI_OPCODE(MI_FLUSH_DW):
		if (hdr & MI_FLUSH_DW_STORE_INDEX)
			return ih_bad(w, "flush writing the status page");
		return ih_expect_len(w, *len, 4, 5) ?:
		       (hdr & MI_FLUSH_DW_OP_MASK ?
			ih_mem(w, 1, cs[1] & MI_FLUSH_DW_USE_GTT, 8) : 0);
	case IH_MI_OPCODE(MI_SEMAPHORE_WAIT):
		return ih_expect_len(w, *len, 4, 4) ?:
		       ih_mem(w, 2, hdr & MI_SEMAPHORE_GLOBAL_GTT, 4);
	case IH_MI_OPCODE(MI_ATOMIC):
		return ih_expect_len(w, *len, 3, 11) ?:
		       ih_mem(w, 1, hdr & MI_ATOMIC_GLOBAL_GTT, 8);
	case IH_MI_OPCODE(MI_CONDITIONAL_BATCH_BUFFER_END):
		if (w->ring)
			return ih_bad(w, "conditional batch end in the ring");
		return ih_expect_len(w, *len, 4, 4) ?:
		       ih_mem(w, 2, hdr & MI_USE_GGTT, 8);
	case IH_MI_OPCODE(MI_BATCH_BUFFER_START):
		return ih_expect_len(w, *len, 3, 3) ?: ih_bb_start(w, stop);
	}
	return ih_bad(w, "command not allowed");
}

/* PIPE_CONTROL, in the render engine's ring: a flush and a post-sync */
static int ih_pipe_control(struct ih_walk *w, u32 *len)
{
	u32 *cs = w->cmds + w->at;

	*len = IH_LEN(cs[0]);
	if (!w->ring || w->engine->class != RENDER_CLASS ||
	    (cs[0] & ~0xffu) != (GFX_OP_PIPE_CONTROL(2) & ~0xffu))
		return ih_bad(w, "command not allowed");
	if (*len != 6 || *len > w->dwords - w->at)
		return ih_bad(w, "wrong length");
	if (cs[1] & (PIPE_CONTROL_MMIO_WRITE | PIPE_CONTROL_STORE_DATA_INDEX))
		return ih_bad(w, "PIPE_CONTROL writing a register or the status page");
	if (!(cs[1] & PIPE_CONTROL_WRITE_TIMESTAMP))
		return 0;
	return ih_mem(w, 2, cs[1] & PIPE_CONTROL_GLOBAL_GTT_IVB, 8);
}

int igvt_host_check_cmds(struct igvt_host_file *f, struct ih_workload *wl,
			 u32 *cmds, u32 dwords, bool ring, bool ggtt_origin)
{
	struct ih_walk w = {
		.f = f,
		.wl = wl,
		.engine = f->engines[wl->engine].engine,
		.ring = ring,
		.ggtt_origin = ggtt_origin,
		.cmds = cmds,
		.dwords = dwords,
	};
	bool stop = false;
	u32 len;
	int err;

	for (w.at = 0; w.at < dwords; w.at += len) {
		switch (cmds[w.at] >> INSTR_CLIENT_SHIFT) {
		case INSTR_MI_CLIENT:
			err = ih_mi(&w, &len, &stop);
			break;
		case INSTR_BC_CLIENT:
			len = IH_LEN(cmds[w.at]);
			err = ring || w.engine->class != COPY_ENGINE_CLASS ?
			      ih_bad(&w, "command not allowed") :
			      len > dwords - w.at ?
			      ih_bad(&w, "command runs past the end") : 0;
			break;
		case INSTR_RC_CLIENT:
			err = ih_pipe_control(&w, &len);
			break;
		default:
			err = ih_bad(&w, "unknown command");
		}
		if (err)
			return err;
		if (stop)
			return 0;
	}
	if (!ring) {
		w.at = dwords - 1;
		return ih_bad(&w, "batch runs past its last dword");
	}
	return 0;
}

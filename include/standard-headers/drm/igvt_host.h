/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt host backend UAPI, version 1: what the igvt-host kernel module
 * (linux/igvt-host/) gives QEMU on a host whose i915 drives a Gen9 GPU.
 *
 * The mediation (GGTT/PPGTT validation, command auditing, execlist and
 * display emulation) stays in QEMU.  The module only does what needs the
 * host's i915: it hands out a slice of the host GGTT and fences, pins
 * pages of the calling process for GPU DMA, programs the slice's GGTT
 * entries and fences, maps the slice's aperture, and runs audited
 * workloads on the engines through i915's request API, reporting their
 * completion, hangs and resets.
 *
 * Open /dev/igvt-host once per vGPU.  Everything a descriptor creates
 * (slice, fences, pins, contexts, workloads) belongs to it and to the
 * process that opened it: another process gets EPERM from every call on
 * an inherited or passed descriptor, handles of other descriptors do not
 * exist in this one (ENOENT), and closing it (or the process dying, even
 * inside a call or with work on the GPU) releases everything.  Every
 * struct below has a fixed size and explicit padding; flags and padding
 * must be zero (EINVAL otherwise), so later versions can give them a
 * meaning.  User pointers are __u64.  Design note:
 * docs/igvt/host-backend.md.
 */

#ifndef IGVT_HOST_H
#define IGVT_HOST_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define IGVT_HOST_API_VERSION   1

/* Engines, as QEMU numbers them (hw/display/igvt/cmd-parser.h) */
#define IGVT_HOST_ENGINE_RCS    0       /* render */
#define IGVT_HOST_ENGINE_BCS    1       /* blitter */
#define IGVT_HOST_ENGINE_VCS    2       /* video */
#define IGVT_HOST_ENGINE_VECS   3       /* video enhancement */
#define IGVT_HOST_ENGINE_VCS2   4       /* second video engine (GT3/GT4) */
#define IGVT_HOST_NUM_ENGINES   5

/*
 * IGVT_HOST_GET_INFO: the host GPU, and the limits of the calls below
 * (a call beyond one fails with E2BIG).
 */
#define IGVT_HOST_INFO_VGPU     (1u << 0)   /* i915 is itself a GVT-g vGPU */

struct igvt_host_info {
    __u32 api_version;          /* IGVT_HOST_API_VERSION */
    __u32 flags;                /* IGVT_HOST_INFO_* */
    __u32 pci_device_id;        /* the host IGD, e.g. 0x1912 */
    __u32 pci_revision;
    __u64 gm_size;              /* host GGTT span, bytes */
    __u64 aperture_size;        /* its CPU-mappable start */
    __u32 num_fences;           /* fence registers of the host */
    __u32 engine_mask;          /* 1 << IGVT_HOST_ENGINE_* */
    __u32 max_pin_pages;        /* pages per IGVT_HOST_PIN */
    __u32 max_ggtt_entries;     /* entries per IGVT_HOST_SET_GGTT */
    __u32 max_ring_dwords;      /* ring copy of a workload */
    __u32 max_batches;          /* batches of a workload */
    __u32 max_batch_dwords;     /* dwords of one batch */
    __u32 max_workload_dwords;  /* dwords of all its batches */
    __u32 max_map_pages;        /* PPGTT pages a workload maps */
    __u32 max_regs;             /* registers a workload sets */
    __u64 ggtt_batch_va;        /* GGTT batches run at this PPGTT address + gm */
};

/*
 * IGVT_HOST_ALLOC_SLICE: reserve graphics memory and fences, once per
 * descriptor (EBUSY the second time).  The low slice lies in the host's
 * aperture and is what mmap() maps (offset 0 is its first byte); the high
 * slice lies above the aperture.  Sizes are multiples of 4 KiB, either
 * may be 0.  Until IGVT_HOST_SET_GGTT says otherwise every entry of both
 * points at a scratch page of the descriptor's own.  The bases are host
 * graphics addresses, which a vGPU uses as they are (GVT-g's PVINFO
 * ballooning).
 */
struct igvt_host_slice {
    __u64 low_size;             /* in */
    __u64 high_size;            /* in */
    __u32 fences;               /* in: fence registers, numbered 0.. */
    __u32 flags;                /* in: 0 */
    __u64 low_base;             /* out */
    __u64 high_base;            /* out */
};

/*
 * IGVT_HOST_PIN: pin @npages pages of the calling process from @uaddr
 * (4 KiB aligned; QEMU passes the host address of guest RAM) for GPU
 * DMA.  The pages get consecutive handles from @handle on; a handle is
 * never 0 and never reused while the module is loaded, so another
 * descriptor's handles (and stale ones) name nothing (ENOENT).  The pin counts against
 * RLIMIT_MEMLOCK unless the process has CAP_IPC_LOCK.
 * IGVT_HOST_UNPIN releases the pin whose first handle is @handle: EBUSY
 * while a GGTT entry or a workload on the GPU still uses one of its pages
 * (point the entries elsewhere first), ENOENT when there is no such pin.
 */
struct igvt_host_pin {
    __u64 uaddr;                /* in */
    __u64 npages;               /* in */
    __u32 flags;                /* in: 0 */
    __u32 pad;
    __u64 handle;               /* out */
};

struct igvt_host_unpin {
    __u64 handle;               /* in: the first handle of a pin */
};

/*
 * IGVT_HOST_SET_GGTT: point GGTT entries of the descriptor's slices at
 * its pinned pages, or (handle 0) at its scratch page.  All or nothing:
 * an entry outside the slices, an unaligned address or an unknown handle
 * fails the whole call (EINVAL, ENOENT) and changes nothing.
 */
struct igvt_host_ggtt_entry {
    __u64 gm;                   /* graphics address, 4 KiB aligned */
    __u64 handle;               /* a pinned page, or 0: scratch */
};

struct igvt_host_set_ggtt {
    __u64 entries;              /* user pointer to igvt_host_ggtt_entry[] */
    __u32 count;
    __u32 flags;                /* 0 */
};

/*
 * IGVT_HOST_SET_FENCE: program fence register @index (0 .. fences - 1 of
 * the slice): a tiled range of the low slice as CPU accesses through the
 * aperture see it.  Without IGVT_HOST_FENCE_VALID the fence is off and
 * the other fields must be 0.
 */
#define IGVT_HOST_FENCE_VALID   (1u << 0)
#define IGVT_HOST_FENCE_TILE_Y  (1u << 1)   /* else X tiling */

struct igvt_host_fence {
    __u32 index;
    __u32 flags;                /* IGVT_HOST_FENCE_* */
    __u64 start;                /* graphics address, 4 KiB aligned */
    __u64 size;                 /* bytes, a multiple of 4 KiB */
    __u32 stride;               /* bytes per row, a multiple of 128 */
    __u32 pad;
};

/*
 * IGVT_HOST_SUBMIT: run an audited workload on an engine.
 *
 * @ring holds the audited copy of the ring segment to run.  The module
 * copies it into the ring of the descriptor's own i915 context for the
 * engine, behind i915's request framing, so it runs with ring privilege;
 * the module therefore checks it itself and refuses (EINVAL) what it does
 * not allow at that level: a command outside a short list (MI commands
 * that move control and data, and PIPE_CONTROL on the render engine), a
 * GGTT operand outside the descriptor's slices, a register outside the
 * module's list (per-engine GPRs, timestamps, the predicate and blitter
 * tiling registers), a batch start whose target is not in @batches.
 *
 * @batches holds the audited copy of every batch the workload reaches:
 * the GPU runs these copies, never the memory they were copied from, and
 * it runs every batch without privilege, in a PPGTT the module writes:
 * - a PPGTT batch is copied into the module's own pages, which are mapped
 *   at the batch's own address in place of what @maps puts there; bytes
 *   of those pages outside every batch are copied from the page @maps put
 *   there at the time of the call (or are zero), and GPU writes to them
 *   land in the copy.  No command needs patching.
 * - a GGTT batch (ring level, or a blitter batch reached from one) is
 *   copied the same way to @ggtt_batch_va + gm (GET_INFO), a range @maps
 *   may not use, and every batch start that targets it is rewritten to
 *   that PPGTT address.
 * Blitter batches are checked like the ring (Gen9's blitter does not
 * enforce the limits of unprivileged batches on register access), except
 * that GGTT operands are refused; other engines' batches are not parsed,
 * so @batches must hold every batch their commands start (QEMU's audit
 * copies exactly those).
 *
 * @maps is the PPGTT the workload runs in, as QEMU validated it from the
 * guest's tables (every page they map, not only the batches'): runs of
 * @npages pages of one pin from @va on (a PPGTT address, 4 KiB aligned,
 * below @ggtt_batch_va).  The module builds the shadow page tables from
 * them for this workload alone; every address not mapped reaches the
 * descriptor's scratch page.
 *
 * From QEMU's workload (hw/display/igvt/workload.h): @ring is w->ring's
 * dwords, @batches are w->batches (addr, whether PPGTT, dwords; the level
 * is not needed: batch starts say it themselves), @maps come from the
 * guest tables under w->pml4, @regs from the guest's context image.  The
 * guest's context image itself stays with QEMU.
 *
 * @regs is the context register state to carry over from the guest's
 * context: only registers of the module's list (see @ring) are accepted,
 * loaded before the ring copy runs.  The engine's other state is the
 * module context's own, kept by the hardware between workloads.
 *
 * One workload runs per engine and descriptor: SUBMIT fails with EBUSY
 * until the completion event of the previous one has been read, and for
 * a moment after that while the engine switches the previous context
 * out, or finishes what IGVT_HOST_RESET_ENGINE left (retry then).  On
 * success @seqno identifies the workload in its event.
 */
#define IGVT_HOST_BATCH_PPGTT   (1u << 0)   /* @gm is a PPGTT address */

struct igvt_host_batch {
    __u64 gm;                   /* address the commands start it at */
    __u64 cmds;                 /* user pointer to its audited dwords */
    __u32 dwords;
    __u32 flags;                /* IGVT_HOST_BATCH_* */
};

#define IGVT_HOST_MAP_READ_ONLY (1u << 0)
#define IGVT_HOST_MAP_PAT_SHIFT 8           /* host private PAT index 0-7 */
#define IGVT_HOST_MAP_PAT(i)    ((__u32)(i) << IGVT_HOST_MAP_PAT_SHIFT)

struct igvt_host_map {
    __u64 va;                   /* PPGTT address, 4 KiB aligned */
    __u64 handle;               /* first page: a handle of IGVT_HOST_PIN */
    __u32 npages;               /* all from the same pin */
    __u32 flags;                /* IGVT_HOST_MAP_* */
};

struct igvt_host_reg {
    __u32 offset;               /* MMIO offset */
    __u32 value;
};

struct igvt_host_submit {
    __u32 engine;               /* IGVT_HOST_ENGINE_* */
    __u32 flags;                /* 0 */
    __u64 ring;                 /* user pointer to the ring copy's dwords */
    __u32 ring_dwords;
    __u32 nr_batches;
    __u64 batches;              /* user pointer to igvt_host_batch[] */
    __u64 maps;                 /* user pointer to igvt_host_map[] */
    __u32 nr_maps;
    __u32 nr_regs;
    __u64 regs;                 /* user pointer to igvt_host_reg[] */
    __u64 cookie;               /* in: echoed in the event */
    __u64 seqno;                /* out */
};

/*
 * Events: read() the descriptor for igvt_host_event records (whole
 * records only; EAGAIN with O_NONBLOCK when there is none); poll() says
 * POLLIN while one is waiting.  A workload's event comes once i915 has
 * retired it: after it ran (OK), after i915 reset the engine because it
 * hung (HANG), or after IGVT_HOST_RESET_ENGINE stopped it (RESET).
 */
#define IGVT_HOST_EVENT_DONE    1

#define IGVT_HOST_DONE_OK       0
#define IGVT_HOST_DONE_HANG     1   /* i915 reset the engine: not run out */
#define IGVT_HOST_DONE_RESET    2   /* stopped by IGVT_HOST_RESET_ENGINE */

struct igvt_host_event {
    __u32 type;                 /* IGVT_HOST_EVENT_* */
    __u32 engine;
    __u64 seqno;
    __u64 cookie;
    __u32 status;               /* IGVT_HOST_DONE_* */
    __s32 error;                /* i915's fence error (0, -EIO, ...) */
};

/*
 * IGVT_HOST_RESET_ENGINE: stop the descriptor's workload on an engine.
 * The module makes every batch of the workload end at the GPU's next
 * fetch from it (the ring copy's commands after the batch still run:
 * they were checked) and returns at once; the workload's event (RESET)
 * comes when i915 retires it.  Work that never fetches again (a wait on
 * memory, a long draw) is ended by i915's hang detection.  Nothing in
 * flight: 0.
 */
struct igvt_host_reset {
    __u32 engine;
    __u32 flags;                /* 0 */
};

#define IGVT_HOST_IOC_MAGIC     'G'
#define IGVT_HOST_GET_INFO      _IOR(IGVT_HOST_IOC_MAGIC, 0x40, \
                                     struct igvt_host_info)
#define IGVT_HOST_ALLOC_SLICE   _IOWR(IGVT_HOST_IOC_MAGIC, 0x41, \
                                      struct igvt_host_slice)
#define IGVT_HOST_PIN           _IOWR(IGVT_HOST_IOC_MAGIC, 0x42, \
                                      struct igvt_host_pin)
#define IGVT_HOST_UNPIN         _IOW(IGVT_HOST_IOC_MAGIC, 0x43, \
                                     struct igvt_host_unpin)
#define IGVT_HOST_SET_GGTT      _IOW(IGVT_HOST_IOC_MAGIC, 0x44, \
                                     struct igvt_host_set_ggtt)
#define IGVT_HOST_SET_FENCE     _IOW(IGVT_HOST_IOC_MAGIC, 0x45, \
                                     struct igvt_host_fence)
#define IGVT_HOST_SUBMIT        _IOWR(IGVT_HOST_IOC_MAGIC, 0x46, \
                                      struct igvt_host_submit)
#define IGVT_HOST_RESET_ENGINE  _IOW(IGVT_HOST_IOC_MAGIC, 0x47, \
                                     struct igvt_host_reset)

#endif /* IGVT_HOST_H */

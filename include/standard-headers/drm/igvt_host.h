/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * igvt host backend UAPI: what the thin i915 kernel shim provides to QEMU.
 *
 * The mediation (GGTT/PPGTT validation, command auditing, execlist and
 * display emulation) stays in QEMU.  The shim only does what needs the
 * host's i915: program the host GGTT entries of a vGPU's slices, pin
 * guest pages for DMA, submit an audited context to an engine, and
 * report completion and resets.  The software backend (backend-soft.c)
 * implements the same operations in QEMU, so a host backend slots in
 * behind backend.h without touching the mediation.
 *
 * Design note: docs/igvt/host-backend.md.  Version 0: not yet implemented
 * by any kernel; the layout may still change.
 */

#ifndef IGVT_HOST_H
#define IGVT_HOST_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define IGVT_HOST_API_VERSION   0

/* Open /dev/igvt-host (one fd per vGPU), then: */

/* IGVT_HOST_GET_INFO: the host GPU and what it can give */
struct igvt_host_info {
    __u32 api_version;          /* out: IGVT_HOST_API_VERSION */
    __u32 pci_device_id;        /* out: host IGD, e.g. 0x1912 */
    __u64 gm_size;              /* out: host GGTT span, bytes */
    __u64 aperture_size;        /* out: CPU-mappable part */
    __u32 num_fences;           /* out */
    __u32 engine_mask;          /* out: IGVT_HOST_ENGINE_* bits */
};

/* IGVT_HOST_ALLOC_SLICE: reserve graphics memory and fences for a vGPU */
struct igvt_host_slice {
    __u64 low_size;             /* in: aperture slice */
    __u64 high_size;            /* in: hidden slice */
    __u32 fences;               /* in */
    __u32 pad;
    __u64 low_base;             /* out: host GM addresses */
    __u64 high_base;
    __u32 fence_base;           /* out */
    __u32 pad2;
    __u64 aperture_mmap_offset; /* out: mmap() this fd here for the slice */
};

/*
 * IGVT_HOST_SET_GGTT: point host GGTT entries of the vGPU's slices at
 * pinned guest pages.  Entries outside the slices are refused (-EINVAL).
 */
struct igvt_host_ggtt_entry {
    __u64 gm;                   /* graphics address, 4 KiB aligned */
    __u64 handle;               /* pinned page (IGVT_HOST_PIN), 0: scratch */
};
struct igvt_host_set_ggtt {
    __u64 entries;              /* user pointer to igvt_host_ggtt_entry[] */
    __u32 count;
    __u32 pad;
};

/*
 * IGVT_HOST_PIN / IGVT_HOST_UNPIN: pin guest pages (the process's own
 * memory: QEMU passes the host virtual address of guest RAM) and get
 * handles the GPU can reach through the host IOMMU.
 */
struct igvt_host_pin {
    __u64 uaddr;                /* in: 4 KiB aligned */
    __u64 npages;               /* in */
    __u64 handle;               /* out: first page; pages are consecutive */
};

/*
 * IGVT_HOST_SUBMIT: run an audited workload on an engine.  QEMU hands
 * the shadow context image and ring it built from the audited copies
 * (host GGTT addresses inside the vGPU's slices, PPGTT roots pointing at
 * shadow page tables built from pinned pages); the shim submits them as
 * an i915 request on the vGPU's host context.  Completion is reported
 * through IGVT_HOST_WAIT or the eventfd.
 */
#define IGVT_HOST_ENGINE_RCS    (1u << 0)
#define IGVT_HOST_ENGINE_BCS    (1u << 1)
#define IGVT_HOST_ENGINE_VCS    (1u << 2)
#define IGVT_HOST_ENGINE_VECS   (1u << 3)

struct igvt_host_submit {
    __u32 engine;               /* in: one IGVT_HOST_ENGINE_* bit */
    __u32 flags;
    __u64 context_gm;           /* in: shadow context image, host GM */
    __u64 ring_gm;              /* in: shadow ring, host GM */
    __u32 ring_head, ring_tail; /* in: bytes */
    __u64 pml4;                 /* in: shadow PPGTT root handle */
    __u64 seqno;                /* out: to wait for */
    __s32 completion_eventfd;   /* in: signalled on completion, or -1 */
    __u32 pad;
};

/* IGVT_HOST_WAIT: wait for a submission; reports how it ended */
#define IGVT_HOST_DONE_OK       0
#define IGVT_HOST_DONE_HANG     1   /* the engine was reset */
#define IGVT_HOST_DONE_FAULT    2   /* a GPU page fault */
struct igvt_host_wait {
    __u32 engine;               /* in */
    __u32 status;               /* out: IGVT_HOST_DONE_* */
    __u64 seqno;                /* in */
    __s64 timeout_ns;           /* in: < 0 waits forever */
};

/* IGVT_HOST_RESET_ENGINE: drop the vGPU's work on an engine */
struct igvt_host_reset {
    __u32 engine;
    __u32 pad;
};

#define IGVT_HOST_IOC_MAGIC     'G'
#define IGVT_HOST_GET_INFO      _IOR(IGVT_HOST_IOC_MAGIC, 0x00, \
                                     struct igvt_host_info)
#define IGVT_HOST_ALLOC_SLICE   _IOWR(IGVT_HOST_IOC_MAGIC, 0x01, \
                                      struct igvt_host_slice)
#define IGVT_HOST_SET_GGTT      _IOW(IGVT_HOST_IOC_MAGIC, 0x02, \
                                     struct igvt_host_set_ggtt)
#define IGVT_HOST_PIN           _IOWR(IGVT_HOST_IOC_MAGIC, 0x03, \
                                      struct igvt_host_pin)
#define IGVT_HOST_UNPIN         _IOW(IGVT_HOST_IOC_MAGIC, 0x04, \
                                     struct igvt_host_pin)
#define IGVT_HOST_SUBMIT        _IOWR(IGVT_HOST_IOC_MAGIC, 0x05, \
                                      struct igvt_host_submit)
#define IGVT_HOST_WAIT          _IOWR(IGVT_HOST_IOC_MAGIC, 0x06, \
                                      struct igvt_host_wait)
#define IGVT_HOST_RESET_ENGINE  _IOW(IGVT_HOST_IOC_MAGIC, 0x07, \
                                     struct igvt_host_reset)

#endif /* IGVT_HOST_H */

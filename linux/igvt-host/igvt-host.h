/* SPDX-License-Identifier: GPL-2.0 */
/*
 * igvt-host: what the files of the module share.
 *
 * One struct igvt_host_file per open descriptor.  It belongs to the
 * process that opened it (its mm), holds the i915 device it found at
 * open, and owns everything the UAPI (include/standard-headers/drm/
 * igvt_host.h) creates: a GGTT slice and fences (ggtt.c), pins (pin.c),
 * a PPGTT and one i915 context per engine with at most one workload each
 * (submit.c, ppgtt.c, cmd.c).  Its last reference goes when the
 * descriptor is closed and every workload it put on the GPU has been
 * retired; the teardown then releases the rest (main.c).
 */

#ifndef IGVT_HOST_H_INTERNAL
#define IGVT_HOST_H_INTERNAL

#include <linux/completion.h>
#include <linux/dma-fence.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <drm/drm_mm.h>

#include "drm/igvt_host.h"
#include "intel_wakeref.h"

struct drm_i915_private;
struct i915_fence_reg;
struct i915_ggtt;
struct i915_ppgtt;
struct i915_request;
struct intel_context;
struct intel_engine_cs;
struct intel_gt;
struct pci_dev;
struct vm_area_struct;

/* Limits, reported by IGVT_HOST_GET_INFO */
#define IH_MAX_PIN_PAGES        (1u << 18)      /* 1 GiB per pin */
#define IH_MAX_FILE_PAGES       (1ull << 22)    /* 16 GiB per descriptor */
#define IH_MAX_GGTT_ENTRIES     (1u << 16)
#define IH_MAX_FENCES           8
#define IH_MAX_RING_DWORDS      (1u << 14)
#define IH_MAX_BATCHES          256
#define IH_MAX_BATCH_DWORDS     (1u << 16)
#define IH_MAX_WORKLOAD_DWORDS  (1u << 20)
#define IH_MAX_MAP_PAGES        (1u << 19)
#define IH_MAX_REGS             64
#define IH_RING_SIZE            SZ_512K         /* each context's ring */

/* PPGTT addresses: 48 bits; GGTT batches run in the top 4 GiB */
#define IH_PPGTT_VA_END         (1ull << 48)
#define IH_GGTT_BATCH_VA        (IH_PPGTT_VA_END - (1ull << 32))

/* A handle: the pin's id above the page's index in it */
#define IH_HANDLE_INDEX_BITS    24

/* What the module has out there, for tests (debugfs "counters") */
struct igvt_host_stats {
	atomic_long_t files;            /* descriptors not torn down yet */
	atomic_long_t pins;
	atomic_long_t pinned_pages;
	atomic_long_t ggtt_nodes;
	atomic_long_t fences;
	atomic_long_t contexts;
	atomic_long_t workloads;        /* on the GPU, not retired yet */
	atomic_long_t table_pages;      /* shadow page tables and batch copies */
	atomic_long_t submitted;        /* since the module was loaded */
	atomic_long_t resets;
	atomic_long_t refused;          /* calls that failed on their input */
};

extern struct igvt_host_stats igvt_host_stats;
extern struct workqueue_struct *igvt_host_wq;

/* A run of pinned pages of the owning process (pin.c) */
struct ih_pin {
	u64 id;
	unsigned long npages;
	struct page **pages;
	dma_addr_t *dma;
	atomic_long_t users;            /* GGTT entries and workloads */
	bool accounted;                 /* charged to RLIMIT_MEMLOCK */
};

/* A page-table page of a shadow PPGTT, or a page of batch copies */
struct ih_pt {
	struct page *page;
	dma_addr_t dma;
	u64 *vaddr;
	/* Tables above the last level: the table each entry points at */
	struct ih_pt **child;
	/* Last level: the page each entry maps, if it is pinned memory */
	struct page **src;
};

/* One batch of a workload, as placed (ppgtt.c) */
struct ih_batch {
	u64 gm;                         /* where the commands start it */
	u64 va;                         /* where it runs, in the PPGTT */
	bool ppgtt;
	u32 dwords;
	u32 *cmds;                      /* a parsed (blitter) batch: its copy */
};

/* One workload: an i915 request on the engine's context (submit.c) */
struct ih_workload {
	struct igvt_host_file *f;
	unsigned int engine;
	u64 seqno;
	u64 cookie;
	struct i915_request *rq;
	struct dma_fence_cb cb;
	struct work_struct retire;
	struct completion retired;      /* the retire work is done */
	/* The ring copy, as it goes into the ring */
	u32 *ring;
	u32 ring_dwords;
	/* The batches and the shadow PPGTT (ppgtt.c) */
	struct ih_batch *batches;
	u32 nr_batches;
	struct ih_pt *root;
	struct xarray bpages;           /* va >> 12: struct ih_pt of copies */
	struct ih_pin **pins;    /* pins the maps use, one user each */
	u32 nr_pins;
	/* Completion, under lock */
	spinlock_t lock;
	bool signalled;
	bool reset;                     /* stopped by IGVT_HOST_RESET_ENGINE */
	bool freed;                     /* its pages are gone */
	int error;
};

struct ih_engine {
	struct intel_engine_cs *engine; /* NULL: the GPU has none */
	struct intel_context *ce;       /* created at first use, pinned */
	struct ih_workload *wl;         /* the last one submitted */
	struct i915_request *kick;      /* the last kick (submit.c) */
	bool event_pending;             /* wl's event not read yet */
};

struct igvt_host_file {
	struct kref ref;                /* the descriptor, and each workload */
	struct mutex lock;              /* every call on the descriptor */
	struct mm_struct *mm;           /* of the process that opened it */
	pid_t pid;
	struct pci_dev *pdev;
	struct drm_i915_private *i915;
	struct intel_gt *gt;
	struct i915_ggtt *ggtt;
	struct work_struct stop;        /* closed: stop what runs */
	struct work_struct teardown;
	struct list_head link;          /* igvt_host_files */

	/* The slice (ggtt.c) */
	bool has_slice;
	intel_wakeref_t wakeref;
	struct drm_mm_node low, high;
	u64 *low_handles, *high_handles;        /* per GGTT entry, 0: scratch */
	struct i915_fence_reg *fence[IH_MAX_FENCES];
	u32 nr_fences;

	/* Pins (pin.c) */
	struct xarray pins;             /* id -> struct ih_pin */
	u64 pinned_pages;

	/* Submission (submit.c, ppgtt.c) */
	struct i915_ppgtt *ppgtt;       /* every context's i915 VM */
	struct ih_pt *scratch[4];       /* page, table, directory, pointer */
	struct ih_engine engines[IGVT_HOST_NUM_ENGINES];
	u64 next_seqno;

	/* Events: engines whose event is waiting, oldest first */
	spinlock_t ev_lock;
	wait_queue_head_t ev_wait;
	struct igvt_host_event ev[IGVT_HOST_NUM_ENGINES];
	u8 ev_fifo[IGVT_HOST_NUM_ENGINES];
	u8 ev_head, ev_count;
};

/* main.c */
int igvt_host_refuse(struct igvt_host_file *f, int err, const char *fmt, ...)
	__printf(3, 4);
void igvt_host_file_put(struct igvt_host_file *f);

/* gpu.c: the i915 device and its engines */
int igvt_host_gpu_open(struct igvt_host_file *f);
void igvt_host_gpu_close(struct igvt_host_file *f);
void igvt_host_gpu_info(struct igvt_host_file *f, struct igvt_host_info *info);
bool igvt_host_gpu_enter(struct igvt_host_file *f, int *idx);
void igvt_host_gpu_exit(int idx);

/* ggtt.c: slice, GGTT entries, fences, aperture */
int igvt_host_alloc_slice(struct igvt_host_file *f,
			  struct igvt_host_slice *args);
int igvt_host_set_ggtt(struct igvt_host_file *f,
		       const struct igvt_host_set_ggtt *args);
int igvt_host_set_fence(struct igvt_host_file *f,
			const struct igvt_host_fence *args);
int igvt_host_mmap(struct igvt_host_file *f, struct vm_area_struct *vma);
bool igvt_host_in_slice(struct igvt_host_file *f, u64 gm, u64 len);
void igvt_host_free_slice(struct igvt_host_file *f);
int igvt_host_ggtt_init(void);
void igvt_host_ggtt_exit(void);

/* pin.c: pages of the owning process */
int igvt_host_pin(struct igvt_host_file *f, struct igvt_host_pin *args);
int igvt_host_unpin(struct igvt_host_file *f, u64 handle);
struct ih_pin *igvt_host_lookup(struct igvt_host_file *f, u64 handle,
				       unsigned long *index);
void igvt_host_unpin_all(struct igvt_host_file *f);

/* cmd.c: what the ring copy and blitter batches may hold */
bool igvt_host_reg_allowed(const struct intel_engine_cs *engine, u32 reg,
			   bool write);
int igvt_host_check_cmds(struct igvt_host_file *f, struct ih_workload *wl,
			 u32 *cmds, u32 dwords, bool ring, bool ggtt_origin);

/* ppgtt.c: the workload's shadow PPGTT and batch copies */
int igvt_host_scratch_init(struct igvt_host_file *f);
void igvt_host_scratch_fini(struct igvt_host_file *f);
int igvt_host_build_ppgtt(struct igvt_host_file *f, struct ih_workload *wl,
			  const struct igvt_host_submit *args);
struct ih_batch *igvt_host_find_batch(struct ih_workload *wl, u64 gm,
				      bool ppgtt);
void igvt_host_end_batches(struct ih_workload *wl);
void igvt_host_free_ppgtt(struct ih_workload *wl);

/* submit.c: contexts, requests, events, resets */
int igvt_host_submit(struct igvt_host_file *f, struct igvt_host_submit *args);
int igvt_host_reset_engine(struct igvt_host_file *f,
			   const struct igvt_host_reset *args);
ssize_t igvt_host_read_event(struct igvt_host_file *f, char __user *buf,
			     size_t count, bool nonblock);
__poll_t igvt_host_poll_events(struct file *file, poll_table *wait);
void igvt_host_stop_all(struct igvt_host_file *f);
void igvt_host_release_engines(struct igvt_host_file *f);

#endif /* IGVT_HOST_H_INTERNAL */

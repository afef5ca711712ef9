// SPDX-License-Identifier: GPL-2.0
/*
 * igvt-host: a workload's shadow PPGTT and the copies of its batches.
 *
 * Gen9's 4-level PPGTT (48-bit addresses, 512 eight-byte entries per 4 KiB
 * table) is built here for each workload from the runs of pinned pages
 * QEMU validated, as GVT-g builds its shadow tables, and its root goes
 * into the context image (submit.c).  Every entry nothing maps points at
 * the descriptor's scratch tree, so a stray access reaches the scratch
 * page, never a fault or someone else's memory.  Batch copies go into
 * pages of the module mapped where the batches run (see IGVT_HOST_SUBMIT
 * in the UAPI header).  The tables and copies live until the workload is
 * retired.
 */

#include <linux/highmem.h>
#include <linux/slab.h>
#include <drm/drm_cache.h>

#include "i915_drv.h"
#include "gt/intel_gpu_commands.h"
#include "gt/intel_gtt.h"

#include "igvt-host.h"

#define IH_PT_ENTRIES           512
#define IH_PT_SHIFT(level)      (PAGE_SHIFT + 9 * (level))
#define IH_PT_INDEX(va, level)  (((va) >> IH_PT_SHIFT(level)) & (IH_PT_ENTRIES - 1))
#define IH_PDE(pt)              ((pt)->dma | GEN8_PAGE_PRESENT | GEN8_PAGE_RW | PPAT_CACHED_PDE)
#define IH_MAP_FLAGS            (IGVT_HOST_MAP_READ_ONLY | IGVT_HOST_MAP_PAT(7))

/* Host private PAT index @pat as PTE bits */
static u64 ih_pte(dma_addr_t dma, bool read_only, unsigned int pat)
{
	return dma | GEN8_PAGE_PRESENT | (read_only ? 0 : GEN8_PAGE_RW) |
	       (pat & 1 ? _PAGE_PWT : 0) | (pat & 2 ? _PAGE_PCD : 0) |
	       (pat & 4 ? _PAGE_PAT : 0);
}

static void ih_pt_free(struct igvt_host_file *f, struct ih_pt *pt)
{
	if (!pt)
		return;
	dma_unmap_page(f->i915->drm.dev, pt->dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
	__free_page(pt->page);
	kfree(pt->child);
	kfree(pt->src);
	kfree(pt);
	atomic_long_dec(&igvt_host_stats.table_pages);
}

/*
 * A zeroed page of the module, mapped for the GPU; with room for the
 * tables below (@child) or the pinned pages mapped (@src) if asked.
 * Every entry is @fill.
 */
static struct ih_pt *ih_pt_alloc(struct igvt_host_file *f, bool child,
				 bool src, u64 fill)
{
	struct device *dev = f->i915->drm.dev;
	struct ih_pt *pt;
	unsigned int i;

	pt = kzalloc(sizeof(*pt), GFP_KERNEL);
	if (!pt)
		return NULL;
	pt->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (child)
		pt->child = kcalloc(IH_PT_ENTRIES, sizeof(*pt->child), GFP_KERNEL);
	if (src)
		pt->src = kcalloc(IH_PT_ENTRIES, sizeof(*pt->src), GFP_KERNEL);
	if (!pt->page || (child && !pt->child) || (src && !pt->src))
		goto err;
	pt->dma = dma_map_page(dev, pt->page, 0, PAGE_SIZE, DMA_BIDIRECTIONAL);
	if (dma_mapping_error(dev, pt->dma))
		goto err;
	pt->vaddr = page_address(pt->page);
	for (i = 0; fill && i < IH_PT_ENTRIES; i++)
		pt->vaddr[i] = fill;
	atomic_long_inc(&igvt_host_stats.table_pages);
	return pt;

err:
	if (pt->page)
		__free_page(pt->page);
	kfree(pt->child);
	kfree(pt->src);
	kfree(pt);
	return NULL;
}

/* Non-LLC parts (Broxton) do not snoop: write the page back */
static void ih_pt_flush(struct igvt_host_file *f, struct ih_pt *pt)
{
	if (!HAS_LLC(f->i915))
		drm_clflush_virt_range(pt->vaddr, PAGE_SIZE);
}

/* The scratch page and a table of each level pointing only at it */
int igvt_host_scratch_init(struct igvt_host_file *f)
{
	unsigned int level;
	u64 fill;

	if (f->scratch[0])
		return 0;
	f->scratch[0] = ih_pt_alloc(f, false, false, 0);
	for (level = 1; f->scratch[level - 1] && level < 4; level++) {
		fill = level == 1 ? ih_pte(f->scratch[0]->dma, false, 4) :
				    IH_PDE(f->scratch[level - 1]);
		f->scratch[level] = ih_pt_alloc(f, false, false, fill);
		if (f->scratch[level])
			ih_pt_flush(f, f->scratch[level]);
	}
	if (!f->scratch[3]) {
		igvt_host_scratch_fini(f);
		return -ENOMEM;
	}
	return 0;
}

void igvt_host_scratch_fini(struct igvt_host_file *f)
{
	unsigned int level;

	for (level = 0; level < 4; level++) {
		ih_pt_free(f, f->scratch[level]);
		f->scratch[level] = NULL;
	}
}

/* The last-level table that maps @va, made on the way if need be */
static struct ih_pt *ih_leaf(struct igvt_host_file *f, struct ih_workload *wl,
			     u64 va)
{
	struct ih_pt *pt = wl->root;
	unsigned int level, i;

	for (level = 3; level > 0; level--) {
		i = IH_PT_INDEX(va, level);
		if (!pt->child[i]) {
			pt->child[i] = ih_pt_alloc(f, level > 1, level == 1,
						   level > 1 ?
						   IH_PDE(f->scratch[level - 1]) :
						   ih_pte(f->scratch[0]->dma, false, 4));
			if (!pt->child[i])
				return NULL;
			pt->vaddr[i] = IH_PDE(pt->child[i]);
		}
		pt = pt->child[i];
	}
	return pt;
}

/* @fn on every table of the tree under @pt (a table of @level), leaves first */
static void ih_tree_walk(struct igvt_host_file *f, struct ih_pt *pt,
			 unsigned int level,
			 void (*fn)(struct igvt_host_file *f, struct ih_pt *pt))
{
	unsigned int i;

	for (i = 0; level && i < IH_PT_ENTRIES; i++)
		if (pt->child[i])
			ih_tree_walk(f, pt->child[i], level - 1, fn);
	fn(f, pt);
}

/* One user of @pin for the workload (once per pin) */
static int ih_use_pin(struct ih_workload *wl, struct ih_pin *pin,
		      u32 *cap)
{
	struct ih_pin **pins;
	u32 i;

	for (i = 0; i < wl->nr_pins; i++)
		if (wl->pins[i] == pin)
			return 0;
	if (wl->nr_pins == *cap) {
		pins = krealloc_array(wl->pins, *cap * 2 + 8, sizeof(*pins),
				      GFP_KERNEL);
		if (!pins)
			return -ENOMEM;
		wl->pins = pins;
		*cap = *cap * 2 + 8;
	}
	wl->pins[wl->nr_pins++] = pin;
	atomic_long_inc(&pin->users);
	return 0;
}

/* Map one run of pinned pages */
static int ih_map(struct igvt_host_file *f, struct ih_workload *wl,
		  const struct igvt_host_map *m, u32 *pages, u32 *cap)
{
	struct ih_pin *pin;
	unsigned long index;
	struct ih_pt *leaf;
	u64 va;
	u32 i;
	int err;

	if ((m->flags & ~IH_MAP_FLAGS) || !PAGE_ALIGNED(m->va) || !m->npages ||
	    m->va >= IH_GGTT_BATCH_VA ||
	    m->npages > (IH_GGTT_BATCH_VA - m->va) >> PAGE_SHIFT)
		return igvt_host_refuse(f, -EINVAL,
					"map of %u pages at 0x%llx, flags 0x%x",
					m->npages, m->va, m->flags);
	if (m->npages > IH_MAX_MAP_PAGES - *pages)
		return igvt_host_refuse(f, -E2BIG, "workload maps more than %u pages",
					IH_MAX_MAP_PAGES);
	pin = igvt_host_lookup(f, m->handle, &index);
	if (!pin || m->npages > pin->npages - index)
		return igvt_host_refuse(f, -ENOENT,
					"map at 0x%llx: no %u pinned pages from 0x%llx",
					m->va, m->npages, m->handle);
	err = ih_use_pin(wl, pin, cap);
	if (err)
		return err;
	*pages += m->npages;
	for (i = 0; i < m->npages; i++) {
		va = m->va + ((u64)i << PAGE_SHIFT);
		leaf = ih_leaf(f, wl, va);
		if (!leaf)
			return -ENOMEM;
		if (leaf->src[IH_PT_INDEX(va, 0)])
			return igvt_host_refuse(f, -EINVAL, "0x%llx mapped twice", va);
		leaf->src[IH_PT_INDEX(va, 0)] = pin->pages[index + i];
		leaf->vaddr[IH_PT_INDEX(va, 0)] =
			ih_pte(pin->dma[index + i],
			       m->flags & IGVT_HOST_MAP_READ_ONLY,
			       m->flags >> IGVT_HOST_MAP_PAT_SHIFT);
	}
	return 0;
}

/* The page of batch copies at @va: the mapped page's bytes, or zeros */
static struct ih_pt *ih_batch_page(struct igvt_host_file *f,
				   struct ih_workload *wl, u64 va)
{
	struct ih_pt *bp, *leaf;
	struct page *src;
	void *from;
	unsigned int i = IH_PT_INDEX(va, 0);

	bp = xa_load(&wl->bpages, va >> PAGE_SHIFT);
	if (bp)
		return bp;
	leaf = ih_leaf(f, wl, va);
	if (!leaf)
		return NULL;
	bp = ih_pt_alloc(f, false, false, 0);
	if (!bp)
		return NULL;
	if (xa_err(xa_store(&wl->bpages, va >> PAGE_SHIFT, bp, GFP_KERNEL))) {
		ih_pt_free(f, bp);
		return NULL;
	}
	src = leaf->src[i];
	if (src) {
		from = kmap_local_page(src);
		memcpy(bp->vaddr, from, PAGE_SIZE);
		kunmap_local(from);
	}
	leaf->vaddr[i] = ih_pte(bp->dma, false, 4);
	return bp;
}

/*
 * Copy batch @b where it runs: from the user's buffer at @cmds, or from
 * its checked copy; a checked batch must read back as checked (batches
 * that overlap must agree).
 */
static int ih_place(struct igvt_host_file *f, struct ih_workload *wl,
		    const struct ih_batch *b, u64 cmds)
{
	u64 va = b->va, end = b->va + 4ull * b->dwords;
	u32 done = 0, n, off;
	struct ih_pt *bp;

	while (va < end) {
		off = offset_in_page(va);
		n = min_t(u64, PAGE_SIZE - off, end - va);
		bp = ih_batch_page(f, wl, va);
		if (!bp)
			return -ENOMEM;
		if (b->cmds) {
			memcpy((u8 *)bp->vaddr + off, (u8 *)b->cmds + done, n);
		} else if (copy_from_user((u8 *)bp->vaddr + off,
					  u64_to_user_ptr(cmds + done), n)) {
			return -EFAULT;
		}
		va += n;
		done += n;
	}
	return 0;
}

static bool ih_placed_as_checked(struct ih_workload *wl, const struct ih_batch *b)
{
	u64 va = b->va, end = b->va + 4ull * b->dwords;
	u32 done = 0, n, off;
	struct ih_pt *bp;

	for (; va < end; va += n, done += n) {
		off = offset_in_page(va);
		n = min_t(u64, PAGE_SIZE - off, end - va);
		bp = xa_load(&wl->bpages, va >> PAGE_SHIFT);
		if (memcmp((u8 *)bp->vaddr + off, (u8 *)b->cmds + done, n))
			return false;
	}
	return true;
}

struct ih_batch *igvt_host_find_batch(struct ih_workload *wl, u64 gm,
				      bool ppgtt)
{
	u32 i;

	for (i = 0; i < wl->nr_batches; i++)
		if (wl->batches[i].gm == gm && wl->batches[i].ppgtt == ppgtt)
			return &wl->batches[i];
	return NULL;
}

/*
 * The tables from @a's maps, then the batches placed over them.  Their
 * descriptions are already in wl->batches (submit.c), the checked ones
 * with their copies; the others are copied from the user here.
 */
int igvt_host_build_ppgtt(struct igvt_host_file *f, struct ih_workload *wl,
			  const struct igvt_host_submit *a)
{
	struct igvt_host_batch __user *ub = u64_to_user_ptr(a->batches);
	struct igvt_host_map __user *um = u64_to_user_ptr(a->maps);
	struct igvt_host_map m;
	struct igvt_host_batch d;
	struct ih_pt *bp;
	unsigned long va;
	u32 i, pages = 0, cap = 0;
	int err;

	wl->root = ih_pt_alloc(f, true, false, IH_PDE(f->scratch[3]));
	if (!wl->root)
		return -ENOMEM;
	for (i = 0; i < a->nr_maps; i++) {
		if (copy_from_user(&m, &um[i], sizeof(m)))
			return -EFAULT;
		err = ih_map(f, wl, &m, &pages, &cap);
		if (err)
			return err;
		cond_resched();
	}
	for (i = 0; i < wl->nr_batches; i++) {
		if (copy_from_user(&d, &ub[i], sizeof(d)))
			return -EFAULT;
		err = ih_place(f, wl, &wl->batches[i], d.cmds);
		if (err)
			return err;
	}
	for (i = 0; i < wl->nr_batches; i++)
		if (wl->batches[i].cmds &&
		    !ih_placed_as_checked(wl, &wl->batches[i]))
			return igvt_host_refuse(f, -EINVAL,
						"batch at 0x%llx overlaps another with other contents",
						wl->batches[i].gm);
	ih_tree_walk(f, wl->root, 3, ih_pt_flush);
	xa_for_each(&wl->bpages, va, bp)
		ih_pt_flush(f, bp);
	return 0;
}

/* Every dword of every batch copy becomes a batch end (a reset) */
void igvt_host_end_batches(struct ih_workload *wl)
{
	struct ih_pt *bp;
	unsigned long va;

	xa_for_each(&wl->bpages, va, bp) {
		memset32((u32 *)bp->vaddr, MI_BATCH_BUFFER_END,
			 PAGE_SIZE / sizeof(u32));
		ih_pt_flush(wl->f, bp);
	}
}

void igvt_host_free_ppgtt(struct ih_workload *wl)
{
	struct igvt_host_file *f = wl->f;
	struct ih_pt *bp;
	unsigned long va;
	u32 i;

	xa_for_each(&wl->bpages, va, bp)
		ih_pt_free(f, bp);
	xa_destroy(&wl->bpages);
	if (wl->root)
		ih_tree_walk(f, wl->root, 3, ih_pt_free);
	wl->root = NULL;
	for (i = 0; i < wl->nr_pins; i++)
		atomic_long_dec(&wl->pins[i]->users);
	kfree(wl->pins);
	wl->pins = NULL;
	wl->nr_pins = 0;
}

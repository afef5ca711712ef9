// SPDX-License-Identifier: GPL-2.0
/*
 * igvt-host: a descriptor's slice of the GGTT, its entries and fences,
 * and the aperture mapping of its low slice.
 *
 * The slice is two drm_mm nodes in i915's GGTT, as GVT-g reserves a
 * vGPU's graphics memory: one in the CPU-mappable aperture, one above it.
 * Their entries are written here (one 64-bit write per entry into the
 * GSM, then i915's GGTT invalidate), never by i915, and always point at
 * either a page the descriptor pinned or i915's scratch page.  The
 * handle behind every entry is kept, so that an entry holds its pin and
 * the entries can be written again after a system resume, which i915
 * begins by pointing its whole GGTT at scratch.  Fences are i915's
 * reserved fences; their bookkeeping is filled in so that i915's own
 * restore (after resume and GT reset) programs them as they were.
 *
 * The descriptor holds a runtime-PM wakeref while it has a slice: the
 * GSM and fence writes need the device awake, and i915 would otherwise
 * lose the fences on runtime suspend.
 */

#include <linux/mm.h>
#include <linux/suspend.h>
#include <linux/version.h>

#include "i915_drv.h"
#include "i915_gem_gtt.h"
#include "i915_reg.h"
#include "gt/intel_ggtt_fencing.h"
#include "gt/intel_gt.h"
#include "gt/intel_gtt.h"

#include "igvt-host.h"

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}
#endif

/* Descriptors with a slice, for the resume notifier */
static LIST_HEAD(ih_slices);
static DEFINE_MUTEX(ih_slices_lock);

/* An entry for @handle; handle 0 is the descriptor's own scratch page */
static u64 ih_ggtt_pte(struct igvt_host_file *f, u64 handle)
{
	struct ih_pin *pin;
	unsigned long index;

	if (!handle)
		return f->scratch[0]->dma | GEN8_PAGE_PRESENT;
	pin = igvt_host_lookup(f, handle, &index);
	return pin->dma[index] | GEN8_PAGE_PRESENT;
}

/* The handle slot of GGTT address @gm, or NULL outside the slice */
static u64 *ih_ggtt_slot(struct igvt_host_file *f, u64 gm)
{
	const struct drm_mm_node *n[] = { &f->low, &f->high };
	u64 *handles[] = { f->low_handles, f->high_handles };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(n); i++)
		if (drm_mm_node_allocated(n[i]) && gm >= n[i]->start &&
		    gm - n[i]->start < n[i]->size)
			return &handles[i][(gm - n[i]->start) >> PAGE_SHIFT];
	return NULL;
}

bool igvt_host_in_slice(struct igvt_host_file *f, u64 gm, u64 len)
{
	const struct drm_mm_node *n[] = { &f->low, &f->high };
	unsigned int i;

	if (!f->has_slice || !len)
		return false;
	for (i = 0; i < ARRAY_SIZE(n); i++)
		if (drm_mm_node_allocated(n[i]) && gm >= n[i]->start &&
		    len <= n[i]->size && gm - n[i]->start <= n[i]->size - len)
			return true;
	return false;
}

static void ih_write_pte(struct igvt_host_file *f, u64 gm, u64 pte)
{
	u64 __iomem *gsm = f->ggtt->gsm;

	writeq(pte, &gsm[gm >> PAGE_SHIFT]);
}

/*
 * Write every entry of node @n again (ih_slices_lock held): as the
 * handles say, or, without @handles, as i915 keeps what it does not use
 */
static void ih_rewrite_node(struct igvt_host_file *f,
			    const struct drm_mm_node *n, const u64 *handles)
{
	u64 i;

	if (!drm_mm_node_allocated(n))
		return;
	for (i = 0; i < n->size >> PAGE_SHIFT; i++)
		ih_write_pte(f, n->start + (i << PAGE_SHIFT),
			     handles ? ih_ggtt_pte(f, handles[i]) :
				       f->ggtt->vm.scratch[0]->encode);
}

static int ih_insert(struct igvt_host_file *f, struct drm_mm_node *n,
		     u64 size, bool low)
{
	struct i915_ggtt *ggtt = f->ggtt;
	int err;

	if (!size)
		return 0;
	mutex_lock(&ggtt->vm.mutex);
	err = i915_gem_gtt_insert(&ggtt->vm, NULL, n, size, I915_GTT_PAGE_SIZE,
				  I915_COLOR_UNEVICTABLE,
				  low ? 0 : ggtt->mappable_end,
				  low ? ggtt->mappable_end : ggtt->vm.total,
				  low ? PIN_MAPPABLE : PIN_HIGH);
	mutex_unlock(&ggtt->vm.mutex);
	if (!err)
		atomic_long_inc(&igvt_host_stats.ggtt_nodes);
	return err;
}

static void ih_remove(struct igvt_host_file *f, struct drm_mm_node *n)
{
	if (!drm_mm_node_allocated(n))
		return;
	mutex_lock(&f->ggtt->vm.mutex);
	drm_mm_remove_node(n);
	mutex_unlock(&f->ggtt->vm.mutex);
	atomic_long_dec(&igvt_host_stats.ggtt_nodes);
}

/* Fence @i off, in the registers and in i915's bookkeeping */
static void ih_fence_write(struct igvt_host_file *f, struct i915_fence_reg *fence)
{
	struct intel_uncore *uncore = f->gt->uncore;
	u64 val = 0;

	if (fence->tiling) {
		val = (u64)(fence->start + fence->size - I965_FENCE_PAGE) << 32 |
		      fence->start |
		      (u64)(fence->stride / 128 - 1) << GEN6_FENCE_PITCH_SHIFT |
		      I965_FENCE_REG_VALID;
		if (fence->tiling == I915_TILING_Y)
			val |= BIT(I965_FENCE_TILING_Y_SHIFT);
	}
	/* Off first, then the upper half, then the lower half with valid */
	intel_uncore_write(uncore, FENCE_REG_GEN6_LO(fence->id), 0);
	intel_uncore_posting_read(uncore, FENCE_REG_GEN6_LO(fence->id));
	intel_uncore_write(uncore, FENCE_REG_GEN6_HI(fence->id), upper_32_bits(val));
	intel_uncore_write(uncore, FENCE_REG_GEN6_LO(fence->id), lower_32_bits(val));
	intel_uncore_posting_read(uncore, FENCE_REG_GEN6_LO(fence->id));
}

static void ih_fences_free(struct igvt_host_file *f, bool hw)
{
	struct i915_ggtt *ggtt = f->ggtt;
	u32 i;

	for (i = 0; i < f->nr_fences; i++) {
		f->fence[i]->tiling = 0;
		if (hw)
			ih_fence_write(f, f->fence[i]);
		mutex_lock(&ggtt->vm.mutex);
		i915_unreserve_fence(f->fence[i]);
		mutex_unlock(&ggtt->vm.mutex);
		f->fence[i] = NULL;
		atomic_long_dec(&igvt_host_stats.fences);
	}
	f->nr_fences = 0;
}

static int ih_fences_alloc(struct igvt_host_file *f, u32 count)
{
	struct i915_ggtt *ggtt = f->ggtt;
	struct i915_fence_reg *fence;

	while (f->nr_fences < count) {
		mutex_lock(&ggtt->vm.mutex);
		fence = i915_reserve_fence(ggtt);
		mutex_unlock(&ggtt->vm.mutex);
		if (IS_ERR(fence))
			return PTR_ERR(fence);
		fence->tiling = 0;
		f->fence[f->nr_fences++] = fence;
		atomic_long_inc(&igvt_host_stats.fences);
		ih_fence_write(f, fence);
	}
	return 0;
}

int igvt_host_alloc_slice(struct igvt_host_file *f, struct igvt_host_slice *a)
{
	struct i915_ggtt *ggtt = f->ggtt;
	int err;

	if (f->has_slice)
		return igvt_host_refuse(f, -EBUSY, "the descriptor has a slice");
	if (a->flags)
		return igvt_host_refuse(f, -EINVAL, "slice flags 0x%x", a->flags);
	if (!IS_ALIGNED(a->low_size | a->high_size, I915_GTT_PAGE_SIZE))
		return igvt_host_refuse(f, -EINVAL,
					"slice sizes 0x%llx/0x%llx not page multiples",
					a->low_size, a->high_size);
	if (a->low_size > ggtt->mappable_end ||
	    a->high_size > ggtt->vm.total - ggtt->mappable_end ||
	    a->fences > IH_MAX_FENCES || a->fences > ggtt->num_fences)
		return igvt_host_refuse(f, -E2BIG,
					"slice 0x%llx/0x%llx with %u fences is more than the GPU has",
					a->low_size, a->high_size, a->fences);

	err = igvt_host_scratch_init(f);
	if (err)
		return err;
	f->low_handles = kvcalloc(a->low_size >> PAGE_SHIFT, sizeof(u64),
				  GFP_KERNEL);
	f->high_handles = kvcalloc(a->high_size >> PAGE_SHIFT, sizeof(u64),
				   GFP_KERNEL);
	if ((a->low_size && !f->low_handles) ||
	    (a->high_size && !f->high_handles)) {
		err = -ENOMEM;
		goto err;
	}
	f->wakeref = intel_runtime_pm_get(&f->i915->runtime_pm);
	err = ih_insert(f, &f->low, a->low_size, true);
	if (!err)
		err = ih_insert(f, &f->high, a->high_size, false);
	if (!err)
		err = ih_fences_alloc(f, a->fences);
	if (err) {
		ih_fences_free(f, true);
		ih_remove(f, &f->high);
		ih_remove(f, &f->low);
		intel_runtime_pm_put(&f->i915->runtime_pm, f->wakeref);
		igvt_host_refuse(f, err, "no room for a slice of 0x%llx/0x%llx with %u fences",
				 a->low_size, a->high_size, a->fences);
		goto err;
	}

	mutex_lock(&ih_slices_lock);
	ih_rewrite_node(f, &f->low, f->low_handles);
	ih_rewrite_node(f, &f->high, f->high_handles);
	ggtt->invalidate(ggtt);
	f->has_slice = true;
	list_add(&f->link, &ih_slices);
	mutex_unlock(&ih_slices_lock);

	a->low_base = a->low_size ? f->low.start : 0;
	a->high_base = a->high_size ? f->high.start : 0;
	return 0;

err:
	kvfree(f->low_handles);
	kvfree(f->high_handles);
	f->low_handles = NULL;
	f->high_handles = NULL;
	return err;
}

/* Teardown: entries to i915's scratch, nodes and fences back to i915 */
void igvt_host_free_slice(struct igvt_host_file *f)
{
	bool hw;
	int idx;

	if (!f->has_slice)
		return;
	hw = igvt_host_gpu_enter(f, &idx);
	mutex_lock(&ih_slices_lock);
	list_del(&f->link);
	f->has_slice = false;
	if (hw) {
		ih_rewrite_node(f, &f->low, NULL);
		ih_rewrite_node(f, &f->high, NULL);
		f->ggtt->invalidate(f->ggtt);
	}
	mutex_unlock(&ih_slices_lock);
	ih_fences_free(f, hw);
	if (hw)
		igvt_host_gpu_exit(idx);
	ih_remove(f, &f->high);
	ih_remove(f, &f->low);
	kvfree(f->low_handles);
	kvfree(f->high_handles);
	intel_runtime_pm_put(&f->i915->runtime_pm, f->wakeref);
}

/*
 * Check every entry first (the array is copied in whole, so what is
 * checked is what is written), then write them all.  An entry holds its
 * pin: one user of the new page, one fewer of the old.
 */
int igvt_host_set_ggtt(struct igvt_host_file *f,
		       const struct igvt_host_set_ggtt *a)
{
	struct igvt_host_ggtt_entry *e;
	struct ih_pin *pin;
	unsigned long index;
	u64 *slot;
	u32 i;
	int err = 0;

	if (a->flags)
		return igvt_host_refuse(f, -EINVAL, "GGTT flags 0x%x", a->flags);
	if (!f->has_slice)
		return igvt_host_refuse(f, -EINVAL, "GGTT entries without a slice");
	if (a->count > IH_MAX_GGTT_ENTRIES)
		return igvt_host_refuse(f, -E2BIG, "%u GGTT entries in one call",
					a->count);
	if (!a->count)
		return 0;
	e = kvmalloc_array(a->count, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	if (copy_from_user(e, u64_to_user_ptr(a->entries),
			   array_size(a->count, sizeof(*e)))) {
		err = -EFAULT;
		goto out;
	}
	for (i = 0; i < a->count; i++) {
		if (!IS_ALIGNED(e[i].gm, I915_GTT_PAGE_SIZE) ||
		    !ih_ggtt_slot(f, e[i].gm)) {
			err = igvt_host_refuse(f, -EINVAL,
					       "GGTT entry %u: 0x%llx is not a page of the slice",
					       i, e[i].gm);
			goto out;
		}
		if (e[i].handle && !igvt_host_lookup(f, e[i].handle, &index)) {
			err = igvt_host_refuse(f, -ENOENT,
					       "GGTT entry %u: no page 0x%llx",
					       i, e[i].handle);
			goto out;
		}
	}

	mutex_lock(&ih_slices_lock);
	for (i = 0; i < a->count; i++) {
		slot = ih_ggtt_slot(f, e[i].gm);
		if (e[i].handle) {
			pin = igvt_host_lookup(f, e[i].handle, &index);
			atomic_long_inc(&pin->users);
		}
		if (*slot) {
			pin = igvt_host_lookup(f, *slot, &index);
			atomic_long_dec(&pin->users);
		}
		*slot = e[i].handle;
		ih_write_pte(f, e[i].gm, ih_ggtt_pte(f, e[i].handle));
	}
	f->ggtt->invalidate(f->ggtt);
	mutex_unlock(&ih_slices_lock);
out:
	kvfree(e);
	return err;
}

int igvt_host_set_fence(struct igvt_host_file *f, const struct igvt_host_fence *a)
{
	struct i915_fence_reg *fence;
	bool valid = a->flags & IGVT_HOST_FENCE_VALID;

	if (a->index >= f->nr_fences)
		return igvt_host_refuse(f, -EINVAL, "fence %u of %u", a->index,
					f->nr_fences);
	if (a->pad || (a->flags & ~(IGVT_HOST_FENCE_VALID | IGVT_HOST_FENCE_TILE_Y)) ||
	    (!valid && (a->flags || a->start || a->size || a->stride)))
		return igvt_host_refuse(f, -EINVAL, "fence %u: flags 0x%x", a->index,
					a->flags);
	if (valid &&
	    (!IS_ALIGNED(a->start | a->size, I965_FENCE_PAGE) ||
	     !a->stride || !IS_ALIGNED(a->stride, 128) ||
	     a->stride / 128 > I965_FENCE_MAX_PITCH_VAL ||
	     !drm_mm_node_allocated(&f->low) || a->start < f->low.start ||
	     !a->size || a->size > f->low.size ||
	     a->start - f->low.start > f->low.size - a->size))
		return igvt_host_refuse(f, -EINVAL,
					"fence %u: 0x%llx+0x%llx stride %u is not a tiled range of the low slice",
					a->index, a->start, a->size, a->stride);
	fence = f->fence[a->index];
	fence->start = valid ? a->start : 0;
	fence->size = valid ? a->size : 0;
	fence->stride = valid ? a->stride : 0;
	fence->tiling = !valid ? I915_TILING_NONE :
			(a->flags & IGVT_HOST_FENCE_TILE_Y) ? I915_TILING_Y :
							      I915_TILING_X;
	ih_fence_write(f, fence);
	return 0;
}

/* The low slice through the aperture, write-combined */
int igvt_host_mmap(struct igvt_host_file *f, struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;

	if (!(vma->vm_flags & VM_SHARED))
		return igvt_host_refuse(f, -EINVAL, "private aperture mapping");
	if (!drm_mm_node_allocated(&f->low) || off >= f->low.size ||
	    size > f->low.size - off)
		return igvt_host_refuse(f, -EINVAL,
					"aperture mapping 0x%llx+0x%lx is outside the low slice",
					off, size);
	/* Not inherited by a child: the slice is this process's */
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
		     VM_DONTCOPY);
	vma->vm_page_prot = pgprot_writecombine(vm_get_page_prot(vma->vm_flags));
	return io_remap_pfn_range(vma, vma->vm_start,
				  (f->ggtt->gmadr.start + f->low.start + off) >> PAGE_SHIFT,
				  size, vma->vm_page_prot);
}

/*
 * After a system sleep i915 has pointed its whole GGTT at scratch and
 * rebound only its own objects: write the slices again.
 */
static int ih_pm_notify(struct notifier_block *nb, unsigned long action,
			void *unused)
{
	struct igvt_host_file *f;
	int idx;

	if (action != PM_POST_SUSPEND && action != PM_POST_HIBERNATION &&
	    action != PM_POST_RESTORE)
		return NOTIFY_DONE;
	mutex_lock(&ih_slices_lock);
	list_for_each_entry(f, &ih_slices, link) {
		if (!igvt_host_gpu_enter(f, &idx))
			continue;
		ih_rewrite_node(f, &f->low, f->low_handles);
		ih_rewrite_node(f, &f->high, f->high_handles);
		f->ggtt->invalidate(f->ggtt);
		igvt_host_gpu_exit(idx);
	}
	mutex_unlock(&ih_slices_lock);
	return NOTIFY_OK;
}

static struct notifier_block ih_pm_nb = {
	.notifier_call = ih_pm_notify,
};

int igvt_host_ggtt_init(void)
{
	return register_pm_notifier(&ih_pm_nb);
}

void igvt_host_ggtt_exit(void)
{
	unregister_pm_notifier(&ih_pm_nb);
}

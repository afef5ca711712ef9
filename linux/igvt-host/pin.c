// SPDX-License-Identifier: GPL-2.0
/*
 * igvt-host: pages of the owning process, pinned for GPU DMA.
 *
 * A pin is a run of pages pinned long-term (they stay put even if the
 * process unmaps them) and mapped for DMA on i915's device.  Its pages
 * are named by handles: the pin's id, never reused by the descriptor,
 * above the page's index.  A pin counts its users (GGTT entries and the
 * workloads whose PPGTT maps it) and cannot be released while it has any.
 */

#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "i915_drv.h"

#include "igvt-host.h"

#define IH_INDEX_MASK   ((1ull << IH_HANDLE_INDEX_BITS) - 1)

/*
 * Pin ids are unique in the module, not only in a descriptor: a handle
 * of another descriptor, or of one since closed, names nothing here.
 */
static atomic64_t ih_pin_ids = ATOMIC64_INIT(0);

/* Undo the first @mapped DMA mappings and @pinned pins of @pin */
static void ih_pin_free(struct igvt_host_file *f, struct ih_pin *pin,
			unsigned long pinned, unsigned long mapped)
{
	struct device *dev = f->i915->drm.dev;
	unsigned long i;

	for (i = 0; i < mapped; i++)
		dma_unmap_page(dev, pin->dma[i], PAGE_SIZE, DMA_BIDIRECTIONAL);
	unpin_user_pages_dirty_lock(pin->pages, pinned, true);
	if (pin->accounted && mmget_not_zero(f->mm)) {
		account_locked_vm(f->mm, pin->npages, false);
		mmput(f->mm);
	}
	kvfree(pin->pages);
	kvfree(pin->dma);
	kfree(pin);
}

/* Pin and map the pages of @pin from @uaddr; a fatal signal stops it */
static int ih_pin_pages(struct igvt_host_file *f, struct ih_pin *pin,
			u64 uaddr, unsigned long *pinned, unsigned long *mapped)
{
	struct device *dev = f->i915->drm.dev;
	dma_addr_t dma;
	int n;

	while (*pinned < pin->npages) {
		if (fatal_signal_pending(current))
			return -EINTR;
		n = pin_user_pages_fast(uaddr + (*pinned << PAGE_SHIFT),
					min_t(unsigned long, pin->npages - *pinned, 512),
					FOLL_WRITE | FOLL_LONGTERM,
					pin->pages + *pinned);
		if (n <= 0)
			return n ? n : -EFAULT;
		*pinned += n;
	}
	while (*mapped < pin->npages) {
		dma = dma_map_page(dev, pin->pages[*mapped], 0, PAGE_SIZE,
				   DMA_BIDIRECTIONAL);
		if (dma_mapping_error(dev, dma))
			return -ENOMEM;
		pin->dma[(*mapped)++] = dma;
	}
	return 0;
}

int igvt_host_pin(struct igvt_host_file *f, struct igvt_host_pin *a)
{
	struct ih_pin *pin;
	unsigned long pinned = 0, mapped = 0;
	int err;

	if (a->flags || a->pad)
		return igvt_host_refuse(f, -EINVAL, "pin flags 0x%x, padding 0x%x",
					a->flags, a->pad);
	if (!PAGE_ALIGNED(a->uaddr) || !a->npages)
		return igvt_host_refuse(f, -EINVAL, "pin of %llu pages at 0x%llx",
					a->npages, a->uaddr);
	if (a->npages > IH_MAX_PIN_PAGES ||
	    a->npages > IH_MAX_FILE_PAGES - f->pinned_pages)
		return igvt_host_refuse(f, -E2BIG,
					"pin of %llu pages (%llu pinned already)",
					a->npages, f->pinned_pages);

	pin = kzalloc(sizeof(*pin), GFP_KERNEL);
	if (!pin)
		return -ENOMEM;
	pin->npages = a->npages;
	pin->pages = kvcalloc(a->npages, sizeof(*pin->pages), GFP_KERNEL);
	pin->dma = kvcalloc(a->npages, sizeof(*pin->dma), GFP_KERNEL);
	if (!pin->pages || !pin->dma) {
		err = -ENOMEM;
		goto err;
	}
	err = account_locked_vm(f->mm, a->npages, true);
	if (err) {
		igvt_host_refuse(f, err, "pin of %llu pages is over RLIMIT_MEMLOCK",
				 a->npages);
		goto err;
	}
	pin->accounted = true;
	err = ih_pin_pages(f, pin, a->uaddr, &pinned, &mapped);
	if (err) {
		if (err != -EINTR)
			igvt_host_refuse(f, err, "cannot pin %llu pages at 0x%llx",
					 a->npages, a->uaddr);
		goto err;
	}
	pin->id = atomic64_inc_return(&ih_pin_ids);
	if (pin->id >> (64 - IH_HANDLE_INDEX_BITS)) {
		err = igvt_host_refuse(f, -ENOSPC, "out of pin ids");
		goto err;
	}
	err = xa_insert(&f->pins, pin->id, pin, GFP_KERNEL);
	if (err)
		goto err;
	f->pinned_pages += pin->npages;
	atomic_long_inc(&igvt_host_stats.pins);
	atomic_long_add(pin->npages, &igvt_host_stats.pinned_pages);
	a->handle = pin->id << IH_HANDLE_INDEX_BITS;
	return 0;

err:
	ih_pin_free(f, pin, pinned, mapped);
	return err;
}

/* The pin of @handle and the page's index in it, or NULL */
struct ih_pin *igvt_host_lookup(struct igvt_host_file *f, u64 handle,
				       unsigned long *index)
{
	struct ih_pin *pin;

	pin = xa_load(&f->pins, handle >> IH_HANDLE_INDEX_BITS);
	if (!pin || (handle & IH_INDEX_MASK) >= pin->npages)
		return NULL;
	*index = handle & IH_INDEX_MASK;
	return pin;
}

static void ih_unpin(struct igvt_host_file *f, struct ih_pin *pin)
{
	xa_erase(&f->pins, pin->id);
	f->pinned_pages -= pin->npages;
	atomic_long_dec(&igvt_host_stats.pins);
	atomic_long_sub(pin->npages, &igvt_host_stats.pinned_pages);
	ih_pin_free(f, pin, pin->npages, pin->npages);
}

int igvt_host_unpin(struct igvt_host_file *f, u64 handle)
{
	struct ih_pin *pin;
	unsigned long index;

	pin = igvt_host_lookup(f, handle, &index);
	if (!pin || index)
		return igvt_host_refuse(f, -ENOENT, "unpin: no pin 0x%llx", handle);
	if (atomic_long_read(&pin->users))
		return igvt_host_refuse(f, -EBUSY,
					"unpin: pin 0x%llx still has %ld users",
					handle, atomic_long_read(&pin->users));
	ih_unpin(f, pin);
	return 0;
}

/* Teardown: nothing uses the pages any more */
void igvt_host_unpin_all(struct igvt_host_file *f)
{
	struct ih_pin *pin;
	unsigned long id;

	xa_for_each(&f->pins, id, pin)
		ih_unpin(f, pin);
	xa_destroy(&f->pins);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * igvt-host: workloads on i915's engines, their events and resets.
 *
 * A descriptor gets one i915 context per engine at first use, as GVT-g
 * builds its shadow contexts: on an i915 PPGTT of its own (whose tables
 * stay empty), forced to single submission (never merged with another
 * request in the ELSP, so it is always restored from its image), pinned
 * until the teardown.  A workload is one i915 request on it: i915's init
 * breadcrumb, the workload's registers loaded, the checked ring copy,
 * i915's final breadcrumb.  Before the request is created the context is
 * idle (switched out, its image saved), and its image is pointed at the
 * workload's shadow PPGTT.
 *
 * The request's fence says when the workload is done: its event is
 * queued at once, the retire work then frees its tables and pages.  The
 * engine takes the next workload once that event has been read.
 *
 * Stopping a workload (IGVT_HOST_RESET_ENGINE, or its descriptor closed)
 * makes its batches end at the GPU's next fetch from them and queues a
 * kick: an empty request on the context, behind the workload.  Its
 * breadcrumb completes the context's timeline, so the workload retires
 * even if the GPU left it without running its final breadcrumb (a device
 * model that gives up on a command stream may do that).  A workload that
 * never fetches again is ended by i915's hang detection.
 */

#include <linux/delay.h>
#include <linux/slab.h>

#include "i915_drv.h"
#include "i915_request.h"
#include "gt/intel_context.h"
#include "gt/intel_engine_types.h"
#include "gt/intel_gpu_commands.h"
#include "gt/intel_gt.h"
#include "gt/intel_lrc_reg.h"
#include "gt/intel_ring.h"

#include "igvt-host.h"

/* How long SUBMIT waits for the previous workload to leave the engine */
#define IH_IDLE_WAIT_MS         500
#define IH_RETIRE_WAIT_MS       5000

static int ih_engine_ready(struct igvt_host_file *f, struct ih_engine *en)
{
	struct intel_context *ce;
	struct i915_ppgtt *ppgtt;
	int err;

	if (en->ce)
		return 0;
	if (!f->ppgtt) {
		ppgtt = i915_ppgtt_create(f->gt, 0);
		if (IS_ERR(ppgtt))
			return PTR_ERR(ppgtt);
		f->ppgtt = ppgtt;
	}
	/* The shadow tables are 4-level: so must the contexts' VM be */
	if (!i915_vm_is_4lvl(&f->ppgtt->vm))
		return igvt_host_refuse(f, -ENODEV, "i915's PPGTT is not 4-level");
	err = igvt_host_scratch_init(f);
	if (err)
		return err;
	ce = intel_context_create(en->engine);
	if (IS_ERR(ce))
		return PTR_ERR(ce);
	i915_vm_put(ce->vm);
	ce->vm = i915_vm_get(&f->ppgtt->vm);
	intel_context_set_single_submission(ce);
	ce->ring_size = IH_RING_SIZE;
	err = intel_context_pin(ce);
	if (err) {
		intel_context_put(ce);
		return err;
	}
	en->ce = ce;
	atomic_long_inc(&igvt_host_stats.contexts);
	return 0;
}

/* An empty request behind whatever is on the engine's context */
static int ih_kick(struct ih_engine *en)
{
	struct i915_request *rq;
	int err = 0;

	rq = i915_request_create(en->ce);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	if (rq->engine->emit_init_breadcrumb)
		err = rq->engine->emit_init_breadcrumb(rq);
	i915_request_get(rq);
	i915_request_add(rq);
	if (en->kick)
		i915_request_put(en->kick);
	en->kick = rq;
	return err;
}

static void ih_wl_free(struct ih_workload *wl)
{
	u32 i;

	for (i = 0; i < wl->nr_batches; i++)
		kvfree(wl->batches[i].cmds);
	kvfree(wl->batches);
	kvfree(wl->ring);
	igvt_host_free_ppgtt(wl);
	kfree(wl);
}

static void ih_retire(struct work_struct *work)
{
	struct ih_workload *wl = container_of(work, typeof(*wl), retire);
	struct igvt_host_file *f = wl->f;

	spin_lock_irq(&wl->lock);
	wl->freed = true;
	spin_unlock_irq(&wl->lock);
	igvt_host_free_ppgtt(wl);
	i915_request_put(wl->rq);
	wl->rq = NULL;
	atomic_long_dec(&igvt_host_stats.workloads);
	complete_all(&wl->retired);
	igvt_host_file_put(f);
}

/* The request is done: queue the event, then retire (the last use of f) */
static void ih_signalled(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct ih_workload *wl = container_of(cb, typeof(*wl), cb);
	struct igvt_host_file *f = wl->f;
	struct igvt_host_event *ev = &f->ev[wl->engine];
	unsigned long flags;
	bool reset;

	spin_lock_irqsave(&wl->lock, flags);
	wl->signalled = true;
	wl->error = fence->error;
	reset = wl->reset;
	spin_unlock_irqrestore(&wl->lock, flags);

	spin_lock_irqsave(&f->ev_lock, flags);
	ev->type = IGVT_HOST_EVENT_DONE;
	ev->engine = wl->engine;
	ev->seqno = wl->seqno;
	ev->cookie = wl->cookie;
	ev->error = fence->error;
	ev->status = reset ? IGVT_HOST_DONE_RESET :
		     fence->error && fence->error != -EAGAIN ? IGVT_HOST_DONE_HANG :
							       IGVT_HOST_DONE_OK;
	f->ev_fifo[(f->ev_head + f->ev_count) % IGVT_HOST_NUM_ENGINES] = wl->engine;
	f->ev_count++;
	f->engines[wl->engine].event_pending = true;
	spin_unlock_irqrestore(&f->ev_lock, flags);
	wake_up_interruptible(&f->ev_wait);
	queue_work(igvt_host_wq, &wl->retire);
}

/*
 * The engine may take a workload: the last one's event was read and it
 * is retired, the last kick is done and the context has left the GPU.
 */
static int ih_engine_idle(struct igvt_host_file *f, struct ih_engine *en)
{
	unsigned long end;
	bool pending;

	spin_lock_irq(&f->ev_lock);
	pending = en->event_pending;
	spin_unlock_irq(&f->ev_lock);
	if (pending || (en->wl && !READ_ONCE(en->wl->signalled)))
		return igvt_host_refuse(f, -EBUSY,
					"%s: the last workload's event was not read",
					en->engine->name);
	/* Transient, not the caller's fault: no line in the log */
	if (en->kick && !i915_request_completed(en->kick))
		return -EBUSY;
	if (en->wl) {
		if (!wait_for_completion_timeout(&en->wl->retired,
						 msecs_to_jiffies(IH_RETIRE_WAIT_MS)))
			return -EBUSY;
		ih_wl_free(en->wl);
		en->wl = NULL;
	}
	end = jiffies + msecs_to_jiffies(IH_IDLE_WAIT_MS);
	while (intel_context_inflight(en->ce)) {
		if (time_after(jiffies, end))
			return -EBUSY;
		usleep_range(50, 200);
	}
	return 0;
}

static int ih_check_args(struct igvt_host_file *f,
			 const struct igvt_host_submit *a)
{
	if (a->engine >= IGVT_HOST_NUM_ENGINES || !f->engines[a->engine].engine)
		return igvt_host_refuse(f, -EINVAL, "no engine %u", a->engine);
	if (a->flags)
		return igvt_host_refuse(f, -EINVAL, "submit flags 0x%x", a->flags);
	if (!a->ring_dwords)
		return igvt_host_refuse(f, -EINVAL, "empty ring copy");
	if (a->ring_dwords > IH_MAX_RING_DWORDS || a->nr_batches > IH_MAX_BATCHES ||
	    a->nr_maps > IH_MAX_MAP_PAGES || a->nr_regs > IH_MAX_REGS)
		return igvt_host_refuse(f, -E2BIG,
					"submit of %u ring dwords, %u batches, %u maps, %u registers",
					a->ring_dwords, a->nr_batches, a->nr_maps,
					a->nr_regs);
	return 0;
}

/*
 * The ring as it goes into i915's ring: the registers, loaded by one
 * MI_LOAD_REGISTER_IMM (after a MI_NOOP, see intel_gpu_commands.h), the
 * copy, padded to an even number of dwords.  *@copy: where the copy is.
 */
static int ih_ring_copy(struct igvt_host_file *f, struct ih_workload *wl,
			const struct igvt_host_submit *a, u32 *copy)
{
	struct igvt_host_reg __user *ur = u64_to_user_ptr(a->regs);
	const struct intel_engine_cs *engine = f->engines[a->engine].engine;
	struct igvt_host_reg r;
	u32 n = 0, i;

	wl->ring = kvmalloc_array(a->ring_dwords + 2 * a->nr_regs + 3,
				  sizeof(u32), GFP_KERNEL);
	if (!wl->ring)
		return -ENOMEM;
	if (a->nr_regs) {
		wl->ring[n++] = MI_NOOP;
		wl->ring[n++] = MI_LOAD_REGISTER_IMM(a->nr_regs);
	}
	for (i = 0; i < a->nr_regs; i++) {
		if (copy_from_user(&r, &ur[i], sizeof(r)))
			return -EFAULT;
		if (!igvt_host_reg_allowed(engine, r.offset, true))
			return igvt_host_refuse(f, -EINVAL,
						"%s: register 0x%x is not carried over",
						engine->name, r.offset);
		wl->ring[n++] = r.offset;
		wl->ring[n++] = r.value;
	}
	*copy = n;
	if (copy_from_user(wl->ring + n, u64_to_user_ptr(a->ring),
			   array_size(a->ring_dwords, sizeof(u32))))
		return -EFAULT;
	n += a->ring_dwords;
	if (n & 1)
		wl->ring[n++] = MI_NOOP;
	wl->ring_dwords = n;
	return 0;
}

/* The batches' descriptions; the blitter's are copied to be checked */
static int ih_batches(struct igvt_host_file *f, struct ih_workload *wl,
		      const struct igvt_host_submit *a)
{
	struct igvt_host_batch __user *ub = u64_to_user_ptr(a->batches);
	bool parse = f->engines[a->engine].engine->class == COPY_ENGINE_CLASS;
	struct igvt_host_batch d;
	struct ih_batch *b;
	u64 total = 0, end;
	u32 i;

	wl->batches = kvcalloc(a->nr_batches, sizeof(*wl->batches), GFP_KERNEL);
	if (a->nr_batches && !wl->batches)
		return -ENOMEM;
	for (i = 0; i < a->nr_batches; i++) {
		if (copy_from_user(&d, &ub[i], sizeof(d)))
			return -EFAULT;
		end = d.flags & IGVT_HOST_BATCH_PPGTT ? IH_GGTT_BATCH_VA : 1ull << 32;
		if ((d.flags & ~IGVT_HOST_BATCH_PPGTT) || !d.dwords || (d.gm & 3) ||
		    d.gm >= end || d.dwords > (end - d.gm) / 4)
			return igvt_host_refuse(f, -EINVAL,
						"batch %u: %u dwords at 0x%llx, flags 0x%x",
						i, d.dwords, d.gm, d.flags);
		total += d.dwords;
		if (d.dwords > IH_MAX_BATCH_DWORDS || total > IH_MAX_WORKLOAD_DWORDS)
			return igvt_host_refuse(f, -E2BIG, "batch %u: %u dwords", i,
						d.dwords);
		if (igvt_host_find_batch(wl, d.gm, d.flags & IGVT_HOST_BATCH_PPGTT))
			return igvt_host_refuse(f, -EINVAL, "batch %u: 0x%llx twice",
						i, d.gm);
		b = &wl->batches[wl->nr_batches++];
		b->gm = d.gm;
		b->ppgtt = d.flags & IGVT_HOST_BATCH_PPGTT;
		b->va = b->ppgtt ? d.gm : IH_GGTT_BATCH_VA + d.gm;
		b->dwords = d.dwords;
		if (!parse)
			continue;
		b->cmds = kvmalloc_array(d.dwords, sizeof(u32), GFP_KERNEL);
		if (!b->cmds)
			return -ENOMEM;
		if (copy_from_user(b->cmds, u64_to_user_ptr(d.cmds),
				   array_size(d.dwords, sizeof(u32))))
			return -EFAULT;
	}
	return 0;
}

/* Everything up to the request: copies checked, PPGTT built */
static int ih_prepare(struct igvt_host_file *f, struct ih_workload *wl,
		      const struct igvt_host_submit *a)
{
	u32 copy, i;
	int err;

	err = ih_ring_copy(f, wl, a, &copy) ?: ih_batches(f, wl, a);
	if (err)
		return err;
	err = igvt_host_check_cmds(f, wl, wl->ring + copy, a->ring_dwords,
				   true, false);
	for (i = 0; !err && i < wl->nr_batches; i++)
		if (wl->batches[i].cmds)
			err = igvt_host_check_cmds(f, wl, wl->batches[i].cmds,
						   wl->batches[i].dwords, false,
						   !wl->batches[i].ppgtt);
	return err ?: igvt_host_build_ppgtt(f, wl, a);
}

/* Point the idle context's image at the workload's PPGTT, then run it */
static int ih_request(struct ih_engine *en, struct ih_workload *wl)
{
	struct intel_context *ce = en->ce;
	struct i915_request *rq;
	u32 *cs;
	int err = 0;

	ce->lrc_reg_state[CTX_PDP0_UDW] = upper_32_bits(wl->root->dma);
	ce->lrc_reg_state[CTX_PDP0_LDW] = lower_32_bits(wl->root->dma);
	rq = i915_request_create(ce);
	if (IS_ERR(rq))
		return PTR_ERR(rq);
	if (rq->engine->emit_init_breadcrumb)
		err = rq->engine->emit_init_breadcrumb(rq);
	if (!err) {
		cs = intel_ring_begin(rq, wl->ring_dwords);
		if (IS_ERR(cs)) {
			err = PTR_ERR(cs);
		} else {
			memcpy(cs, wl->ring, wl->ring_dwords * sizeof(u32));
			intel_ring_advance(rq, cs + wl->ring_dwords);
		}
	}
	if (err) {
		/* A created request must be added: this one runs nothing */
		i915_request_add(rq);
		return err;
	}
	wl->rq = i915_request_get(rq);
	en->wl = wl;
	kref_get(&wl->f->ref);
	atomic_long_inc(&igvt_host_stats.workloads);
	atomic_long_inc(&igvt_host_stats.submitted);
	i915_request_add(rq);
	if (dma_fence_add_callback(&rq->fence, &wl->cb, ih_signalled))
		ih_signalled(&rq->fence, &wl->cb);
	return 0;
}

int igvt_host_submit(struct igvt_host_file *f, struct igvt_host_submit *a)
{
	struct ih_workload *wl;
	struct ih_engine *en;
	int err;

	err = ih_check_args(f, a);
	if (err)
		return err;
	en = &f->engines[a->engine];
	err = ih_engine_ready(f, en);
	if (err)
		return err;
	err = ih_engine_idle(f, en);
	if (err)
		return err;
	if (intel_gt_is_wedged(f->gt))
		return igvt_host_refuse(f, -EIO, "the GPU is wedged");

	wl = kzalloc(sizeof(*wl), GFP_KERNEL);
	if (!wl)
		return -ENOMEM;
	wl->f = f;
	wl->engine = a->engine;
	wl->seqno = f->next_seqno++;
	wl->cookie = a->cookie;
	spin_lock_init(&wl->lock);
	init_completion(&wl->retired);
	INIT_WORK(&wl->retire, ih_retire);
	xa_init(&wl->bpages);

	err = ih_prepare(f, wl, a) ?: ih_request(en, wl);
	if (err) {
		ih_wl_free(wl);
		return err;
	}
	kvfree(wl->ring);
	wl->ring = NULL;
	a->seqno = wl->seqno;
	return 0;
}

/* End the batches of @en's workload and kick; false: nothing to stop */
static int ih_stop(struct ih_engine *en)
{
	struct ih_workload *wl = en->wl;
	bool running;

	if (!wl)
		return 0;
	spin_lock_irq(&wl->lock);
	running = !wl->signalled && !wl->freed;
	if (running) {
		wl->reset = true;
		igvt_host_end_batches(wl);
	}
	spin_unlock_irq(&wl->lock);
	return running ? ih_kick(en) : 0;
}

int igvt_host_reset_engine(struct igvt_host_file *f,
			   const struct igvt_host_reset *a)
{
	if (a->engine >= IGVT_HOST_NUM_ENGINES || !f->engines[a->engine].engine ||
	    a->flags)
		return igvt_host_refuse(f, -EINVAL, "reset of engine %u, flags 0x%x",
					a->engine, a->flags);
	atomic_long_inc(&igvt_host_stats.resets);
	return ih_stop(&f->engines[a->engine]);
}

/* The descriptor is closed (from the module's workqueue: no signals) */
void igvt_host_stop_all(struct igvt_host_file *f)
{
	unsigned int e;

	for (e = 0; e < IGVT_HOST_NUM_ENGINES; e++)
		ih_stop(&f->engines[e]);
}

/* Teardown: every workload is retired */
void igvt_host_release_engines(struct igvt_host_file *f)
{
	struct ih_engine *en;
	unsigned int e;

	for (e = 0; e < IGVT_HOST_NUM_ENGINES; e++) {
		en = &f->engines[e];
		if (en->wl)
			ih_wl_free(en->wl);
		if (en->kick)
			i915_request_put(en->kick);
		if (!en->ce)
			continue;
		intel_context_unpin(en->ce);
		intel_context_put(en->ce);
		atomic_long_dec(&igvt_host_stats.contexts);
	}
	if (f->ppgtt)
		i915_vm_put(&f->ppgtt->vm);
}

ssize_t igvt_host_read_event(struct igvt_host_file *f, char __user *buf,
			     size_t count, bool nonblock)
{
	struct igvt_host_event ev;
	unsigned int e;
	int err;

	if (count < sizeof(ev))
		return igvt_host_refuse(f, -EINVAL, "read of %zu bytes", count);
	for (;;) {
		spin_lock_irq(&f->ev_lock);
		if (f->ev_count) {
			e = f->ev_fifo[f->ev_head];
			f->ev_head = (f->ev_head + 1) % IGVT_HOST_NUM_ENGINES;
			f->ev_count--;
			ev = f->ev[e];
			f->engines[e].event_pending = false;
			spin_unlock_irq(&f->ev_lock);
			return copy_to_user(buf, &ev, sizeof(ev)) ? -EFAULT : sizeof(ev);
		}
		spin_unlock_irq(&f->ev_lock);
		if (nonblock)
			return -EAGAIN;
		err = wait_event_interruptible(f->ev_wait, READ_ONCE(f->ev_count));
		if (err)
			return err;
	}
}

__poll_t igvt_host_poll_events(struct file *file, poll_table *wait)
{
	struct igvt_host_file *f = file->private_data;

	poll_wait(file, &f->ev_wait, wait);
	return READ_ONCE(f->ev_count) ? EPOLLIN | EPOLLRDNORM : 0;
}

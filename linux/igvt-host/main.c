// SPDX-License-Identifier: GPL-2.0
/*
 * igvt-host: the device node /dev/igvt-host, its calls, the teardown of
 * a descriptor and the counters in debugfs.
 *
 * Every call is made by the process that opened the descriptor (EPERM
 * otherwise) and runs under the descriptor's lock.  A call that fails on
 * its input says why in one rate-limited line and counts as refused.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/ratelimit.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "igvt-host.h"

struct igvt_host_stats igvt_host_stats;
struct workqueue_struct *igvt_host_wq;

/* Descriptors not torn down yet; module exit waits for none */
static DECLARE_WAIT_QUEUE_HEAD(ih_idle);
static DEFINE_RATELIMIT_STATE(ih_ratelimit, 5 * HZ, 20);
static struct dentry *ih_debugfs;

int igvt_host_refuse(struct igvt_host_file *f, int err, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	atomic_long_inc(&igvt_host_stats.refused);
	if (__ratelimit(&ih_ratelimit)) {
		va_start(args, fmt);
		vaf.fmt = fmt;
		vaf.va = &args;
		pr_notice("igvt-host: pid %d: %pV (%d)\n",
			  f ? f->pid : task_pid_nr(current), &vaf, err);
		va_end(args);
	}
	return err;
}

/*
 * The last reference is gone: the descriptor is closed and nothing of it
 * is on the GPU any more.  Release the rest, in the order that keeps
 * every page the GPU could reach alive until nothing points at it.
 */
static void ih_teardown(struct work_struct *work)
{
	struct igvt_host_file *f = container_of(work, typeof(*f), teardown);

	igvt_host_release_engines(f);
	igvt_host_free_slice(f);
	igvt_host_scratch_fini(f);
	igvt_host_unpin_all(f);
	igvt_host_gpu_close(f);
	mmdrop(f->mm);
	mutex_destroy(&f->lock);
	kfree(f);
	if (atomic_long_dec_and_test(&igvt_host_stats.files))
		wake_up_all(&ih_idle);
}

/*
 * Closed: stop what runs, from the module's workqueue (i915's request
 * calls wait interruptibly, and a process being killed has a signal
 * pending), then drop the descriptor's reference.
 */
static void ih_stop_work(struct work_struct *work)
{
	struct igvt_host_file *f = container_of(work, typeof(*f), stop);

	mutex_lock(&f->lock);
	igvt_host_stop_all(f);
	mutex_unlock(&f->lock);
	igvt_host_file_put(f);
}

static void ih_file_release(struct kref *ref)
{
	struct igvt_host_file *f = container_of(ref, typeof(*f), ref);

	/* It may sleep; the last reference can go in a fence callback */
	queue_work(igvt_host_wq, &f->teardown);
}

void igvt_host_file_put(struct igvt_host_file *f)
{
	kref_put(&f->ref, ih_file_release);
}

static int ih_open(struct inode *inode, struct file *file)
{
	struct igvt_host_file *f;
	int err;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	kref_init(&f->ref);
	mutex_init(&f->lock);
	INIT_WORK(&f->stop, ih_stop_work);
	INIT_WORK(&f->teardown, ih_teardown);
	xa_init(&f->pins);
	spin_lock_init(&f->ev_lock);
	init_waitqueue_head(&f->ev_wait);
	f->pid = task_pid_nr(current);
	f->next_seqno = 1;

	err = igvt_host_gpu_open(f);
	if (err) {
		mutex_destroy(&f->lock);
		kfree(f);
		return err;
	}
	mmgrab(current->mm);
	f->mm = current->mm;
	atomic_long_inc(&igvt_host_stats.files);
	file->private_data = f;
	return 0;
}

static int ih_release(struct inode *inode, struct file *file)
{
	struct igvt_host_file *f = file->private_data;

	queue_work(igvt_host_wq, &f->stop);
	return 0;
}

/* Only the process that opened the descriptor may use it */
static int ih_owner(struct igvt_host_file *f)
{
	if (current->mm != f->mm)
		return igvt_host_refuse(f, -EPERM,
					"descriptor used by another process (pid %d)",
					task_pid_nr(current));
	return 0;
}

static int ih_call(struct igvt_host_file *f, unsigned int cmd, void *arg)
{
	switch (cmd) {
	case IGVT_HOST_GET_INFO:
		igvt_host_gpu_info(f, arg);
		return 0;
	case IGVT_HOST_ALLOC_SLICE:
		return igvt_host_alloc_slice(f, arg);
	case IGVT_HOST_PIN:
		return igvt_host_pin(f, arg);
	case IGVT_HOST_UNPIN:
		return igvt_host_unpin(f, ((struct igvt_host_unpin *)arg)->handle);
	case IGVT_HOST_SET_GGTT:
		return igvt_host_set_ggtt(f, arg);
	case IGVT_HOST_SET_FENCE:
		return igvt_host_set_fence(f, arg);
	case IGVT_HOST_SUBMIT:
		return igvt_host_submit(f, arg);
	case IGVT_HOST_RESET_ENGINE:
		return igvt_host_reset_engine(f, arg);
	}
	return igvt_host_refuse(f, -ENOTTY, "unknown ioctl 0x%x", cmd);
}

/* The largest argument of any call */
union ih_args {
	struct igvt_host_info info;
	struct igvt_host_slice slice;
	struct igvt_host_pin pin;
	struct igvt_host_unpin unpin;
	struct igvt_host_set_ggtt set_ggtt;
	struct igvt_host_fence fence;
	struct igvt_host_submit submit;
	struct igvt_host_reset reset;
};

static long ih_ioctl(struct file *file, unsigned int cmd, unsigned long uarg)
{
	struct igvt_host_file *f = file->private_data;
	void __user *uptr = (void __user *)uarg;
	union ih_args args;
	unsigned int size = _IOC_SIZE(cmd);
	int idx;
	long err;

	err = ih_owner(f);
	if (err)
		return err;
	if (_IOC_TYPE(cmd) != IGVT_HOST_IOC_MAGIC || size > sizeof(args))
		return igvt_host_refuse(f, -ENOTTY, "unknown ioctl 0x%x", cmd);
	memset(&args, 0, sizeof(args));
	if ((_IOC_DIR(cmd) & _IOC_WRITE) && copy_from_user(&args, uptr, size))
		return -EFAULT;
	if (!igvt_host_gpu_enter(f, &idx))
		return -ENODEV;
	mutex_lock(&f->lock);
	err = ih_call(f, cmd, &args);
	mutex_unlock(&f->lock);
	igvt_host_gpu_exit(idx);
	if (!err && (_IOC_DIR(cmd) & _IOC_READ) && copy_to_user(uptr, &args, size))
		err = -EFAULT;
	return err;
}

static ssize_t ih_read(struct file *file, char __user *buf, size_t count,
		       loff_t *pos)
{
	struct igvt_host_file *f = file->private_data;
	int err = ih_owner(f);

	if (err)
		return err;
	return igvt_host_read_event(f, buf, count, file->f_flags & O_NONBLOCK);
}

static int ih_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct igvt_host_file *f = file->private_data;
	int idx, err;

	err = ih_owner(f);
	if (err)
		return err;
	if (!igvt_host_gpu_enter(f, &idx))
		return -ENODEV;
	mutex_lock(&f->lock);
	err = igvt_host_mmap(f, vma);
	mutex_unlock(&f->lock);
	igvt_host_gpu_exit(idx);
	return err;
}

static const struct file_operations ih_fops = {
	.owner = THIS_MODULE,
	.open = ih_open,
	.release = ih_release,
	.unlocked_ioctl = ih_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.read = ih_read,
	.poll = igvt_host_poll_events,
	.mmap = ih_mmap,
	.llseek = noop_llseek,
};

/* root only by default: see "Device node" in README.md */
static struct miscdevice ih_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "igvt-host",
	.fops = &ih_fops,
	.mode = 0600,
};

static int ih_counters_show(struct seq_file *m, void *unused)
{
	const struct igvt_host_stats *s = &igvt_host_stats;

#define IH_SHOW(field) \
	seq_printf(m, "%s %ld\n", #field, atomic_long_read(&s->field))
	IH_SHOW(files);
	IH_SHOW(pins);
	IH_SHOW(pinned_pages);
	IH_SHOW(ggtt_nodes);
	IH_SHOW(fences);
	IH_SHOW(contexts);
	IH_SHOW(workloads);
	IH_SHOW(table_pages);
	IH_SHOW(submitted);
	IH_SHOW(resets);
	IH_SHOW(refused);
#undef IH_SHOW
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ih_counters);

static int __init ih_init(void)
{
	int err;

	igvt_host_wq = alloc_workqueue("igvt-host", WQ_UNBOUND, 0);
	if (!igvt_host_wq)
		return -ENOMEM;
	err = igvt_host_ggtt_init();
	if (err)
		goto err_wq;
	err = misc_register(&ih_misc);
	if (err)
		goto err_ggtt;
	ih_debugfs = debugfs_create_dir("igvt-host", NULL);
	debugfs_create_file("counters", 0400, ih_debugfs, NULL,
			    &ih_counters_fops);
	return 0;

err_ggtt:
	igvt_host_ggtt_exit();
err_wq:
	destroy_workqueue(igvt_host_wq);
	return err;
}

static void __exit ih_exit(void)
{
	misc_deregister(&ih_misc);
	/*
	 * No descriptor is open (each holds the module), but the teardown
	 * of the last ones may wait for i915 to retire their workloads.
	 */
	wait_event(ih_idle, !atomic_long_read(&igvt_host_stats.files));
	debugfs_remove_recursive(ih_debugfs);
	igvt_host_ggtt_exit();
	destroy_workqueue(igvt_host_wq);
}

module_init(ih_init);
module_exit(ih_exit);

MODULE_DESCRIPTION("igvt host backend: GGTT slices, pinned pages and audited workloads on i915");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(I915_GVT);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/dma-fence.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>

#include "drm_svm_internal.h"

/**
 * DOC: Prefetch
 *
 * The prefetch ioctl (&struct drm_svm_prefetch) moves a bound range to the
 * VM's device memory or to system memory and maps it, chunk by chunk, as
 * the fault path would (drm_svm_mirror_prefetch()), taking the VM's lock
 * for each 2 MiB in turn.
 *
 * Without a syncobj it runs in the caller. With one, it joins the VM's
 * queue of asynchronous prefetches and the syncobj gets a fence that
 * signals, with the error if any, when it is done. Each VM has its own
 * queue, run by one work item on a shared unbound workqueue, and its own
 * fence timeline: the seqno is taken and the prefetch queued under one
 * lock, so the fences of a VM signal in seqno order, and one process's
 * prefetches never wait behind another's. The work takes a reference on
 * the address space while it runs; a process that exited first fails it
 * with -EFAULT. Destroying the VM (or closing its file) cancels what is
 * left: the step in progress finishes, and the rest fails with -ENOENT.
 * drm_svm_file_fini() waits for the file's own VMs' queues only.
 */

static struct workqueue_struct *drm_svm_prefetch_wq;

/* An asynchronous prefetch and its fence */
struct drm_svm_prefetch_job {
	/* First: dma_fence_free() frees the whole job with kfree_rcu(). */
	struct dma_fence fence;
	/* The fence's lock */
	spinlock_t lock;
	/* Entry in &drm_svm_mirror.prefetches */
	struct list_head link;
	u64 gpu_addr;
	u64 range;
	u32 region;
};

static const char *drm_svm_fence_driver_name(struct dma_fence *fence)
{
	return "drm_svm";
}

static const char *drm_svm_fence_timeline_name(struct dma_fence *fence)
{
	return "prefetch";
}

static void drm_svm_fence_release(struct dma_fence *fence)
{
	dma_fence_free(fence);
	/* The ops live in this module: it stays until the last fence goes. */
	module_put(THIS_MODULE);
}

static const struct dma_fence_ops drm_svm_fence_ops = {
	.get_driver_name = drm_svm_fence_driver_name,
	.get_timeline_name = drm_svm_fence_timeline_name,
	.release = drm_svm_fence_release,
};

/* Run one queued prefetch, signal its fence and drop the queue's reference. */
static void drm_svm_prefetch_run(struct drm_svm_mirror *mirror,
				 struct drm_svm_prefetch_job *job)
{
	struct mm_struct *mm = mirror->svm_mm->mm;
	u64 moved;
	int err;

	if (mmget_not_zero(mm)) {
		err = drm_svm_mirror_prefetch(mirror, job->gpu_addr,
					      job->range, job->region, &moved);
		mmput(mm);
	} else {
		err = -EFAULT;
	}
	if (err) {
		drm_dbg(mirror->sdev->drm,
			"async prefetch gpu %#llx range %#llx: %d\n",
			job->gpu_addr, job->range, err);
		dma_fence_set_error(&job->fence, err);
	}
	dma_fence_signal(&job->fence);
	dma_fence_put(&job->fence);
}

static struct drm_svm_prefetch_job *
drm_svm_prefetch_next(struct drm_svm_mirror *mirror)
{
	struct drm_svm_prefetch_job *job;

	spin_lock(&mirror->prefetch_lock);
	job = list_first_entry_or_null(&mirror->prefetches,
				       struct drm_svm_prefetch_job, link);
	if (job)
		list_del(&job->link);
	spin_unlock(&mirror->prefetch_lock);
	return job;
}

static void drm_svm_prefetch_work(struct work_struct *work)
{
	struct drm_svm_mirror *mirror =
		container_of(work, struct drm_svm_mirror, prefetch_work);
	struct drm_svm_prefetch_job *job;
	struct drm_svm_memcg_scope memcg;

	drm_svm_memcg_enter(mirror, &memcg);
	while ((job = drm_svm_prefetch_next(mirror)))
		drm_svm_prefetch_run(mirror, job);
	drm_svm_memcg_exit(&memcg);
	/* The reference taken when the work was queued; may be the last. */
	drm_svm_mirror_put(mirror);
}

/**
 * drm_svm_prefetch_mirror_init() - Set up a mirror's prefetch queue
 * @mirror: the mirror being created
 */
void drm_svm_prefetch_mirror_init(struct drm_svm_mirror *mirror)
{
	spin_lock_init(&mirror->prefetch_lock);
	INIT_LIST_HEAD(&mirror->prefetches);
	INIT_WORK(&mirror->prefetch_work, drm_svm_prefetch_work);
	mirror->prefetch_context = dma_fence_context_alloc(1);
	mirror->prefetch_seqno = 0;
}

/**
 * drm_svm_prefetch_mirror_flush() - Wait for a mirror's queued prefetches
 * @mirror: the mirror, closed, so that what is left fails at once
 */
void drm_svm_prefetch_mirror_flush(struct drm_svm_mirror *mirror)
{
	flush_work(&mirror->prefetch_work);
}

/* Queue a prefetch and put its fence in the syncobj. */
static int drm_svm_prefetch_async(struct drm_svm_mirror *mirror,
				  struct drm_file *file,
				  const struct drm_svm_prefetch *args)
{
	struct drm_svm_prefetch_job *job;
	struct drm_syncobj *syncobj;

	if (args->region > DRM_SVM_REGION_PREFERRED ||
	    !drm_svm_range_valid(args->gpu_addr, args->range,
				 mirror->sdev->va_end))
		return -EINVAL;

	syncobj = drm_syncobj_find(file, args->syncobj);
	if (!syncobj)
		return -ENOENT;

	job = kzalloc(sizeof(*job), GFP_KERNEL_ACCOUNT);
	if (!job) {
		drm_syncobj_put(syncobj);
		return -ENOMEM;
	}
	spin_lock_init(&job->lock);
	job->gpu_addr = args->gpu_addr;
	job->range = args->range;
	job->region = args->region;
	__module_get(THIS_MODULE);

	/*
	 * Seqno and queue order are one: the fences signal in order. The
	 * initial reference is the queue's; hold one more until the syncobj
	 * has its own, since the work may run the prefetch at once.
	 */
	spin_lock(&mirror->prefetch_lock);
	dma_fence_init(&job->fence, &drm_svm_fence_ops, &job->lock,
		       mirror->prefetch_context, ++mirror->prefetch_seqno);
	list_add_tail(&job->link, &mirror->prefetches);
	dma_fence_get(&job->fence);
	spin_unlock(&mirror->prefetch_lock);
	drm_syncobj_replace_fence(syncobj, &job->fence);
	dma_fence_put(&job->fence);
	drm_syncobj_put(syncobj);

	/* A reference for the work, dropped when it has run. */
	drm_svm_mirror_get(mirror);
	if (!queue_work(drm_svm_prefetch_wq, &mirror->prefetch_work))
		drm_svm_mirror_put(mirror);
	return 0;
}

/**
 * drm_svm_ioctl_prefetch() - Implement prefetch (&struct drm_svm_prefetch)
 * @sdev: the device
 * @sfile: the caller's SVM file state
 * @file: the caller's DRM file, for the syncobj
 * @args: the ioctl arguments
 *
 * Returns: 0 on success, or the errors documented for &struct
 * drm_svm_prefetch.
 */
int drm_svm_ioctl_prefetch(struct drm_svm_device *sdev,
			   struct drm_svm_file *sfile, struct drm_file *file,
			   struct drm_svm_prefetch *args)
{
	struct drm_svm_mirror *mirror;
	int err;

	err = drm_svm_ioctl_check(sdev->drm, "prefetch", args->extensions,
				  args->flags, args->reserved,
				  sizeof(args->reserved));
	if (err)
		return err;

	mirror = drm_svm_ioctl_lookup(sdev, sfile, args->vm_id);
	if (IS_ERR(mirror))
		return PTR_ERR(mirror);

	args->moved = 0;
	if (args->syncobj)
		err = drm_svm_prefetch_async(mirror, file, args);
	else
		err = drm_svm_mirror_prefetch(mirror, args->gpu_addr,
					      args->range, args->region,
					      &args->moved);
	if (err)
		drm_dbg(sdev->drm,
			"prefetch: vm %u region %u gpu %#llx range %#llx syncobj %u: %d\n",
			args->vm_id, args->region, args->gpu_addr, args->range,
			args->syncobj, err);

	drm_svm_mirror_put(mirror);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_ioctl_prefetch);

/**
 * drm_svm_prefetch_init() - Create the workqueue the prefetch queues run on
 *
 * Returns: 0, or -ENOMEM.
 */
int drm_svm_prefetch_init(void)
{
	/* Not WQ_MEM_RECLAIM: the work allocates and waits for frees. */
	drm_svm_prefetch_wq = alloc_workqueue("drm_svm_prefetch", WQ_UNBOUND,
					      0);
	return drm_svm_prefetch_wq ? 0 : -ENOMEM;
}

/**
 * drm_svm_prefetch_fini() - Destroy the prefetch workqueue
 */
void drm_svm_prefetch_fini(void)
{
	destroy_workqueue(drm_svm_prefetch_wq);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_print.h>

#include "drm_svm_internal.h"

/**
 * DOC: Prefetch
 *
 * The prefetch ioctl (&struct drm_svm_prefetch) moves a bound range to the
 * VM's device memory or to system memory and maps it, chunk by chunk, as
 * the fault path would (drm_svm_mirror_prefetch()), taking the VM's lock
 * for each 2 MiB in turn.
 *
 * Without an extension it runs in the caller. With a user fence (see
 * User fences) it joins the VM's queue of asynchronous prefetches, and
 * the fence gets its result when it is done. Each VM has its own queue,
 * run by one work item on a shared unbound workqueue, so the fences of a
 * VM are written in the order the prefetches were queued, and one
 * process's prefetches never wait behind another's. The work takes a
 * reference on the address space while it runs; a process that exited
 * first fails it with -EFAULT. Destroying the VM (or closing its file)
 * cancels what is left: the step in progress finishes, and the rest
 * fails with -ENOENT. drm_svm_file_fini() waits for the file's own VMs'
 * queues only.
 */

static struct workqueue_struct *drm_svm_prefetch_wq;

/* An asynchronous prefetch */
struct drm_svm_prefetch_job {
	/* Entry in &drm_svm_mirror.prefetches */
	struct list_head link;
	/* Gets the result */
	struct drm_svm_ufence *ufence;
	u64 gpu_addr;
	u64 range;
	u32 region;
};

/* Run one queued prefetch, write its fence and free it. */
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
	if (err)
		drm_dbg(mirror->sdev->drm,
			"async prefetch gpu %#llx range %#llx: %d\n",
			job->gpu_addr, job->range, err);
	drm_svm_ufence_signal(job->ufence, err);
	kfree(job);
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
}

/**
 * drm_svm_prefetch_mirror_flush() - Wait for a mirror's queued prefetches
 * @mirror: the mirror, closed, so that what is left fails at once
 */
void drm_svm_prefetch_mirror_flush(struct drm_svm_mirror *mirror)
{
	flush_work(&mirror->prefetch_work);
}

/* Queue a prefetch whose end @ufence reports; takes the fence. */
static int drm_svm_prefetch_async(struct drm_svm_mirror *mirror,
				  const struct drm_svm_prefetch *args,
				  struct drm_svm_ufence *ufence)
{
	struct drm_svm_prefetch_job *job;
	int err;

	if (args->region > DRM_SVM_REGION_PREFERRED ||
	    !drm_svm_range_valid(args->gpu_addr, args->range,
				 mirror->sdev->va_end)) {
		err = -EINVAL;
		goto err_free_fence;
	}

	job = kzalloc(sizeof(*job), GFP_KERNEL_ACCOUNT);
	if (!job) {
		err = -ENOMEM;
		goto err_free_fence;
	}
	job->ufence = ufence;
	job->gpu_addr = args->gpu_addr;
	job->range = args->range;
	job->region = args->region;

	spin_lock(&mirror->prefetch_lock);
	list_add_tail(&job->link, &mirror->prefetches);
	spin_unlock(&mirror->prefetch_lock);

	/* A reference for the work, dropped when it has run. */
	drm_svm_mirror_get(mirror);
	if (!queue_work(drm_svm_prefetch_wq, &mirror->prefetch_work))
		drm_svm_mirror_put(mirror);
	return 0;

err_free_fence:
	drm_svm_ufence_free(ufence);
	return err;
}

/**
 * drm_svm_ioctl_prefetch() - Implement prefetch (&struct drm_svm_prefetch)
 * @sdev: the device
 * @sfile: the caller's SVM file state
 * @args: the ioctl arguments
 *
 * Returns: 0 on success, or the errors documented for &struct
 * drm_svm_prefetch.
 */
int drm_svm_ioctl_prefetch(struct drm_svm_device *sdev,
			   struct drm_svm_file *sfile,
			   struct drm_svm_prefetch *args)
{
	struct drm_svm_ufence *ufence;
	struct drm_svm_mirror *mirror;
	bool async;
	int err;

	err = drm_svm_ioctl_check(sdev->drm, "prefetch", 0, args->flags,
				  args->reserved, sizeof(args->reserved));
	if (err)
		return err;
	if (args->syncobj) {
		drm_dbg(sdev->drm,
			"prefetch: no dma-fence for a prefetch, use a user fence\n");
		return -EOPNOTSUPP;
	}

	mirror = drm_svm_ioctl_lookup(sdev, sfile, args->vm_id);
	if (IS_ERR(mirror))
		return PTR_ERR(mirror);
	err = drm_svm_ufence_from_user(mirror, "prefetch", args->extensions,
				       &ufence);
	if (err)
		goto out_put;

	args->moved = 0;
	async = ufence;
	if (async)
		err = drm_svm_prefetch_async(mirror, args, ufence);
	else
		err = drm_svm_mirror_prefetch(mirror, args->gpu_addr,
					      args->range, args->region,
					      &args->moved);
	if (err)
		drm_dbg(sdev->drm,
			"prefetch: vm %u region %u gpu %#llx range %#llx%s: %d\n",
			args->vm_id, args->region, args->gpu_addr, args->range,
			async ? " async" : "", err);
out_put:
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

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/nospec.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_print.h>

#include "drm_svm_internal.h"

/**
 * DOC: Prefetch
 *
 * Populate and prefetch walk a bound GPU range and fault each chunk in as
 * a device fault would, one moving the chunks first as asked
 * (drm_svm_mirror_prefetch()), the other leaving them where they are
 * (drm_svm_mirror_populate(), for a bind that asks to fault in at once).
 *
 * The prefetch ioctl (&struct drm_svm_prefetch) moves a bound range to the
 * VM's device memory or to system memory and maps it, chunk by chunk, as
 * the fault path would (drm_svm_mirror_prefetch()), taking the VM's lock
 * for each 2 MiB in turn. With %DRM_SVM_PREFETCH_FLAG_NO_MAP it stops after
 * the move: no walk, no DMA mapping, no call to the driver's map, and the
 * mappings of the pages that moved went with them.
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

/*
 * Fault every page of a bound GPU range in, as a device fault would, after
 * moving each chunk as @place says; with %DRM_SVM_FAULT_NO_MAP in @how,
 * only move them. Caller holds the mirror's lock.
 */
static int drm_svm_mirror_fault_range(struct drm_svm_mirror *mirror,
				      u64 gpu_addr, u64 range,
				      enum drm_svm_place place, u32 how,
				      u64 *moved)
{
	u64 addr = gpu_addr, end = gpu_addr + range;
	struct drm_svm_served served;
	struct drm_gpuva *va;
	u32 access;
	int err;

	lockdep_assert_held(&mirror->lock);

	/* Closing removed the bindings: not a hole, a destroyed VM. */
	if (mirror->closed)
		return -ENOENT;

	while (addr < end) {
		/* A bind may cover terabytes: stay killable and preemptible. */
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();

		va = drm_gpuva_find_first(&mirror->gpuvm, addr, PAGE_SIZE);
		if (!va)
			return -EFAULT;
		access = to_binding(va)->flags & DRM_SVM_BIND_FLAG_READONLY ?
			 DRM_SVM_ACCESS_READ : DRM_SVM_ACCESS_WRITE;
		err = drm_svm_fault_one(mirror, addr, 0, access, place, how,
					moved, &served);
		if (err)
			return err;
		addr = served.end;
	}
	return 0;
}

/**
 * drm_svm_mirror_populate() - Fault a bound GPU range in
 * @mirror: the mirror
 * @gpu_addr: first GPU address, page aligned
 * @range: size in bytes, page aligned
 *
 * Maps every page of the range as a device fault would, writable where
 * the binding allows writes. Caller holds the mirror's lock.
 *
 * Returns: 0 on success, -EINTR if the caller was killed, or the error of
 * the first page that fails.
 */
int drm_svm_mirror_populate(struct drm_svm_mirror *mirror, u64 gpu_addr,
			    u64 range)
{
	u64 moved = 0;
	int err;

	err = drm_svm_mirror_fault_range(mirror, gpu_addr, range,
					 DRM_SVM_PLACE_FAULT, 0, &moved);
	drm_svm_devmem_unpin_all(mirror);
	return err;
}

/**
 * drm_svm_mirror_prefetch() - Move a bound GPU range, and map it
 * @mirror: the mirror
 * @gpu_addr: first GPU address, page aligned
 * @range: size in bytes, page aligned
 * @region: %DRM_SVM_REGION_DEVICE for the mirror's device memory,
 *	    %DRM_SVM_REGION_SYSTEM for system memory,
 *	    %DRM_SVM_REGION_PREFERRED for each chunk's preferred location
 * @flags: %DRM_SVM_PREFETCH_FLAG_NO_MAP, or 0
 * @moved: out: pages moved
 *
 * Moves each chunk of the range (see &struct drm_svm_prefetch for which
 * pages move), then maps it as a device fault would unless @flags says
 * %DRM_SVM_PREFETCH_FLAG_NO_MAP, taking the mirror's
 * lock for each 2 MiB of GPU addresses in turn. May sleep; the caller
 * holds no SVM lock and a reference on the mirror's address space (or
 * runs in the process).
 *
 * Returns: 0, -EINVAL for an unknown @region or @flags, or a range that is
 * not page aligned, empty, wraps or leaves the GPU address space, -ENOENT
 * for a closed VM, -EINTR if the caller was killed, or the error of the first
 * page that cannot be mapped.
 */
int drm_svm_mirror_prefetch(struct drm_svm_mirror *mirror, u64 gpu_addr,
			    u64 range, u32 region, u32 flags, u64 *moved)
{
	static const enum drm_svm_place places[] = {
		[DRM_SVM_REGION_SYSTEM] = DRM_SVM_PLACE_SYSTEM,
		[DRM_SVM_REGION_DEVICE] = DRM_SVM_PLACE_DEVICE,
		[DRM_SVM_REGION_PREFERRED] = DRM_SVM_PLACE_PREFERRED,
	};
	u64 addr, next, end = gpu_addr + range;
	u32 how = flags & DRM_SVM_PREFETCH_FLAG_NO_MAP ? DRM_SVM_FAULT_NO_MAP :
							 0;
	enum drm_svm_place place;
	int err = 0;

	*moved = 0;
	if (region >= ARRAY_SIZE(places) ||
	    flags & ~DRM_SVM_PREFETCH_FLAG_NO_MAP ||
	    !drm_svm_range_valid(gpu_addr, range, mirror->sdev->va_end))
		return -EINVAL;
	place = places[array_index_nospec(region, ARRAY_SIZE(places))];

	/*
	 * The lock is taken per 2 MiB of GPU addresses, which no chunk
	 * crosses: a VM destroy or file close waits for one step at most,
	 * and the steps after it fail with -ENOENT.
	 */
	for (addr = gpu_addr; addr < end && !err; addr = next) {
		next = min(end, round_down(addr, DRM_SVM_MAX_CHUNK) +
			   DRM_SVM_MAX_CHUNK);
		err = mutex_lock_killable(&mirror->lock);
		if (err)
			break;
		err = drm_svm_mirror_fault_range(mirror, addr, next - addr,
						 place, how, moved);
		drm_svm_devmem_unpin_all(mirror);
		mutex_unlock(&mirror->lock);
	}
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_mirror_prefetch);

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
	u32 flags;
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
					      job->range, job->region,
					      job->flags, &moved);
		mmput(mm);
	} else {
		err = -EFAULT;
	}
	if (err)
		drm_dbg(mirror->sdev->drm,
			"async prefetch flags %#x gpu %#llx range %#llx: %d\n",
			job->flags, job->gpu_addr, job->range, err);
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
	job->flags = args->flags;

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

	err = drm_svm_ioctl_check(sdev->drm, "prefetch", 0,
				  args->flags & ~DRM_SVM_PREFETCH_FLAG_NO_MAP,
				  args->reserved, sizeof(args->reserved));
	if (err)
		return err;
	if (args->syncobj) {
		drm_dbg(sdev->drm,
			"prefetch: no dma-fence for a prefetch, use a user fence\n");
		return -EOPNOTSUPP;
	}

	mirror = drm_svm_file_lookup(sdev, sfile, args->vm_id);
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
					      args->flags, &args->moved);
	if (err)
		drm_dbg(sdev->drm,
			"prefetch: vm %u region %u flags %#x gpu %#llx range %#llx%s: %d\n",
			args->vm_id, args->region, args->flags, args->gpu_addr,
			args->range, async ? " async" : "", err);
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

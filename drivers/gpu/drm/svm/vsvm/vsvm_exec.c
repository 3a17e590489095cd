// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <drm/drm_print.h>
#include <drm/drm_svm.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_engine.h"

/**
 * DOC: Jobs
 *
 * &DRM_IOCTL_VSVM_EXEC creates a job and queues it on the device's engine.
 * Each file numbers its jobs from 1 and keeps a &struct vsvm_job_record
 * for the most recent %VSVM_JOB_HISTORY of them in &vsvm_file.jobs, which
 * &DRM_IOCTL_VSVM_JOB_QUERY reads. A record is referenced by that table
 * and by its job, so a job that outlives its file (or whose record has
 * been dropped from the table) still has somewhere to report to.
 *
 * &vsvm_file.jobs_lock is held from the choice of the job id to the
 * queueing of the job, so that within a file, ids and execution order
 * agree. A job ends through the user fence chained to its exec, if any
 * (see User fences), written once its record is complete; the exec
 * refuses a syncobj with -EOPNOTSUPP, since a job takes page faults.
 */

/** VSVM_JOB_HISTORY - Job records kept per file */
#define VSVM_JOB_HISTORY	4096

/**
 * vsvm_busy_create() - The engine time count of a new file
 *
 * Returns: a count of zero with one reference, or NULL when out of memory.
 */
struct vsvm_busy *vsvm_busy_create(void)
{
	struct vsvm_busy *busy = kzalloc(sizeof(*busy), GFP_KERNEL_ACCOUNT);

	if (!busy)
		return NULL;
	kref_init(&busy->ref);
	spin_lock_init(&busy->lock);
	return busy;
}

static void vsvm_busy_release(struct kref *ref)
{
	kfree(container_of(ref, struct vsvm_busy, ref));
}

/**
 * vsvm_busy_put() - Drop a reference to an engine time count
 * @busy: the count, or NULL
 */
void vsvm_busy_put(struct vsvm_busy *busy)
{
	if (busy)
		kref_put(&busy->ref, vsvm_busy_release);
}

/**
 * vsvm_busy_ns() - The engine time of a file's jobs
 * @busy: the file's count
 *
 * Returns: ns the engine spent on the jobs that ended and so far on the
 * one running.
 */
u64 vsvm_busy_ns(struct vsvm_busy *busy)
{
	u64 ns;

	spin_lock(&busy->lock);
	ns = busy->done_ns;
	if (busy->since)
		ns += ktime_get_ns() - busy->since;
	spin_unlock(&busy->lock);
	return ns;
}

/**
 * vsvm_job_record_alloc() - Allocate the record of a new job
 * @busy: the engine time count of the job's file
 *
 * Returns: a record with one reference, status %DRM_VSVM_JOB_QUEUED, or
 * NULL when out of memory.
 */
struct vsvm_job_record *vsvm_job_record_alloc(struct vsvm_busy *busy)
{
	struct vsvm_job_record *record;

	record = kzalloc(sizeof(*record), GFP_KERNEL_ACCOUNT);
	if (!record)
		return NULL;

	kref_init(&record->ref);
	spin_lock_init(&record->lock);
	record->status = DRM_VSVM_JOB_QUEUED;
	kref_get(&busy->ref);
	record->busy = busy;
	return record;
}

static void vsvm_job_record_release(struct kref *ref)
{
	struct vsvm_job_record *record =
		container_of(ref, struct vsvm_job_record, ref);

	vsvm_busy_put(record->busy);
	kfree(record);
}

/**
 * vsvm_job_record_put() - Drop a reference to a job record
 * @record: the record, or NULL
 */
void vsvm_job_record_put(struct vsvm_job_record *record)
{
	if (record)
		kref_put(&record->ref, vsvm_job_record_release);
}

/**
 * vsvm_job_record_start() - Mark a job running
 * @record: the job's record
 */
void vsvm_job_record_start(struct vsvm_job_record *record)
{
	spin_lock(&record->lock);
	record->status = DRM_VSVM_JOB_RUNNING;
	spin_unlock(&record->lock);

	spin_lock(&record->busy->lock);
	record->busy->since = ktime_get_ns();
	spin_unlock(&record->busy->lock);
}

/**
 * vsvm_job_record_add_faults() - Count recoverable faults of a job
 * @record: the job's record
 * @count: faults serviced
 */
void vsvm_job_record_add_faults(struct vsvm_job_record *record,
				unsigned int count)
{
	spin_lock(&record->lock);
	record->faults += count;
	spin_unlock(&record->lock);
}

/**
 * vsvm_job_record_finish() - Record how a job ended
 * @record: the job's record
 * @error: 0, or the negative errno the job failed with
 * @info: the failing access, used when @error is set
 * @device_time_ns: the job's modelled device time
 */
void vsvm_job_record_finish(struct vsvm_job_record *record, int error,
			    const struct drm_svm_fault_info *info,
			    u64 device_time_ns)
{
	struct vsvm_busy *busy = record->busy;

	spin_lock(&busy->lock);
	if (busy->since)
		busy->done_ns += ktime_get_ns() - busy->since;
	busy->since = 0;
	spin_unlock(&busy->lock);

	spin_lock(&record->lock);
	record->status = error ? DRM_VSVM_JOB_FAILED : DRM_VSVM_JOB_DONE;
	record->error = error;
	record->device_time_ns = device_time_ns;
	if (error)
		record->fault = *info;
	spin_unlock(&record->lock);
}

/**
 * vsvm_file_jobs_init() - Initialize the job table of a file
 * @vfile: the file
 */
void vsvm_file_jobs_init(struct vsvm_file *vfile)
{
	mutex_init(&vfile->jobs_lock);
	xa_init(&vfile->jobs);
	vfile->last_job_id = 0;
}

/**
 * vsvm_file_jobs_fini() - Drop the job table of a closing file
 * @vfile: the file
 *
 * Jobs still queued or running keep their own reference to their record
 * and run to completion.
 */
void vsvm_file_jobs_fini(struct vsvm_file *vfile)
{
	struct vsvm_job_record *record;
	unsigned long id;

	xa_for_each(&vfile->jobs, id, record)
		vsvm_job_record_put(record);
	xa_destroy(&vfile->jobs);
	mutex_destroy(&vfile->jobs_lock);
}

static int vsvm_exec_check(struct drm_device *drm,
			   const struct drm_vsvm_exec *args)
{
	u64 end;
	int ret;

	ret = drm_svm_ioctl_check(drm, "exec", 0, args->flags | args->pad,
				  args->reserved, sizeof(args->reserved));
	if (ret)
		return ret;
	if (args->syncobj) {
		drm_dbg(drm, "exec: no dma-fence for a job, use a user fence\n");
		return -EOPNOTSUPP;
	}
	if (!args->batch_len || !IS_ALIGNED(args->batch_len, sizeof(u64)) ||
	    args->batch_len > VSVM_MAX_BATCH_SIZE) {
		drm_dbg(drm, "exec: bad batch length %llu\n", args->batch_len);
		return -EINVAL;
	}
	if (!IS_ALIGNED(args->batch_addr, sizeof(u64))) {
		drm_dbg(drm, "exec: misaligned batch address %#llx\n",
			args->batch_addr);
		return -EINVAL;
	}
	if (check_add_overflow(args->batch_addr, args->batch_len, &end)) {
		drm_dbg(drm, "exec: batch at %#llx wraps\n", args->batch_addr);
		return -EINVAL;
	}

	return 0;
}

/*
 * Give the job its id, record and user fence and queue it, under the
 * file's jobs_lock. The job owns the fence once queued.
 */
static int vsvm_exec_queue(struct vsvm_file *vfile, struct vsvm_job *job,
			   struct drm_svm_ufence *ufence, u64 *job_id)
{
	struct vsvm_job_record *old;
	u64 id;
	int ret;

	mutex_lock(&vfile->jobs_lock);
	id = vfile->last_job_id + 1;
	kref_get(&job->record->ref);
	ret = xa_insert(&vfile->jobs, id, job->record, GFP_KERNEL_ACCOUNT);
	if (ret) {
		vsvm_job_record_put(job->record);
		goto out_unlock;
	}
	vfile->last_job_id = id;

	if (id > VSVM_JOB_HISTORY) {
		old = xa_erase(&vfile->jobs, id - VSVM_JOB_HISTORY);
		vsvm_job_record_put(old);
	}

	job->id = id;
	job->ufence = ufence;
	vsvm_engine_submit(job);
	*job_id = id;

out_unlock:
	mutex_unlock(&vfile->jobs_lock);
	return ret;
}

/**
 * vsvm_exec_ioctl() - DRM_IOCTL_VSVM_EXEC
 * @drm: the device
 * @data: &struct drm_vsvm_exec
 * @file: the caller's DRM file
 *
 * Queues a job that runs the batch on the VM, see DOC: Engine.
 *
 * Returns: 0 on success with &drm_vsvm_exec.job_id set; -EINVAL for
 * non-zero flags, pad or reserved fields, a batch length of zero, not a
 * multiple of 8 or above %VSVM_MAX_BATCH_SIZE, a misaligned or wrapping
 * batch, or a bad extension chain or user fence (also -EFAULT or
 * -E2BIG); -EOPNOTSUPP for a syncobj; -ENOENT for an unknown VM; -EACCES
 * for a VM of another mm; -EFAULT for a user fence that cannot be
 * written; -EINTR when killed meanwhile; -ENOMEM.
 */
int vsvm_exec_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct vsvm_file *vfile = to_vsvm_file(file);
	struct drm_vsvm_exec *args = data;
	struct drm_svm_ufence *ufence;
	struct vsvm_job_record *record;
	struct drm_svm_mirror *mirror;
	struct vsvm_job *job;
	int ret;

	ret = vsvm_exec_check(drm, args);
	if (ret)
		return ret;

	mirror = drm_svm_file_lookup(&vdev->svm, &vfile->svm, args->vm_id);
	if (IS_ERR(mirror))
		return PTR_ERR(mirror);

	ret = drm_svm_ufence_from_user(mirror, "exec", args->extensions,
				       &ufence);
	if (ret)
		goto err_put_mirror;

	record = vsvm_job_record_alloc(vfile->busy);
	if (!record) {
		ret = -ENOMEM;
		goto err_free_ufence;
	}

	job = vsvm_job_create(&vdev->engine, mirror, args->batch_addr,
			      args->batch_len, record);
	if (IS_ERR(job)) {
		ret = PTR_ERR(job);
		goto err_put_record;
	}

	ret = vsvm_exec_queue(vfile, job, ufence, &args->job_id);
	if (ret)
		goto err_destroy_job;

	vsvm_job_record_put(record);
	drm_svm_mirror_put(mirror);
	return 0;

err_destroy_job:
	vsvm_job_destroy(job);
err_put_record:
	vsvm_job_record_put(record);
err_free_ufence:
	drm_svm_ufence_free(ufence);
err_put_mirror:
	drm_svm_mirror_put(mirror);
	return ret;
}

/**
 * vsvm_job_query_ioctl() - DRM_IOCTL_VSVM_JOB_QUERY
 * @drm: the device
 * @data: &struct drm_vsvm_job_query
 * @file: the caller's DRM file
 *
 * Reports the status, error, fault count and fatal fault of one of the
 * file's recent jobs.
 *
 * Returns: 0 on success; -EINVAL for non-zero flags, pad or reserved
 * fields or a bad extension chain (also -EFAULT or -E2BIG); -ENOENT for a
 * job id that was never returned or whose record was dropped.
 */
int vsvm_job_query_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct vsvm_file *vfile = to_vsvm_file(file);
	struct drm_vsvm_job_query *args = data;
	struct vsvm_job_record *record;
	int ret;

	ret = drm_svm_ioctl_check(drm, "job query", args->extensions,
				  args->flags | args->pad, &args->reserved,
				  sizeof(args->reserved));
	if (ret)
		return ret;

	mutex_lock(&vfile->jobs_lock);
	record = xa_load(&vfile->jobs, args->job_id);
	if (!record) {
		mutex_unlock(&vfile->jobs_lock);
		drm_dbg(drm, "job query: no job %llu\n", args->job_id);
		return -ENOENT;
	}

	spin_lock(&record->lock);
	args->status = record->status;
	args->error = record->error;
	args->faults = record->faults;
	args->fault = record->fault;
	args->device_time_ns = record->device_time_ns;
	spin_unlock(&record->lock);
	mutex_unlock(&vfile->jobs_lock);

	return 0;
}

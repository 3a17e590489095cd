// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_drv.h>
#include <drm/drm_print.h>
#include <drm/drm_svm.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_engine.h"

static int vsvm_fault_batch_set(const char *val, const struct kernel_param *kp)
{
	return vsvm_param_set_range(val, kp, 1, VSVM_FAULT_BATCH_MAX);
}

static const struct kernel_param_ops vsvm_fault_batch_ops = {
	.set = vsvm_fault_batch_set,
	.get = param_get_uint,
};

static unsigned int fault_batch = 64;
module_param_cb(fault_batch, &vsvm_fault_batch_ops, &fault_batch, 0644);
MODULE_PARM_DESC(fault_batch,
		 "Most GPU faults an engine reports to the core at once, 1-256 (default 64)");

/**
 * DOC: Engine
 *
 * Each device has one engine (&struct vsvm_engine, instance 0). It runs
 * the jobs of every file of the device one at a time, in submission
 * order, on an ordered workqueue. A job is a batch of commands (see the
 * vsvm uAPI overview) in a VM; it holds a reference on the VM's
 * mirror and on its &struct vsvm_job_record, and its user fence if it
 * has one, so that it runs to completion even when the VM is destroyed
 * or the file is closed meanwhile. Completion updates the record, then
 * writes the user fence with the job's result (see User fences), then
 * drops the references.
 *
 * Every memory access of a command, the batch itself included, goes
 * through the engine's TLB and the VM's page table (see
 * :ref:`drm_svm_vsvm_pt`); the engine never looks at CPU page tables.
 *
 * A job has no dma-fence: servicing its GPU page faults allocates memory
 * and waits for the CPU side, so nothing may wait for it as for a
 * dma-fence. It ends through its user fence and its record.
 */

/**
 * DOC: Commands, faults and replay
 *
 * A command runs in rounds. Each round:
 *
 *  1. fetches the command words (read access) and decodes them; an
 *     invalid command fails the job with -EINVAL;
 *  2. pre-translates the pages the operands touch, with the access they
 *     need: read for sources, write for destinations, atomic (which needs
 *     write permission) for the target of an atomic; at most
 *     %VSVM_PREFAULT_WINDOW into each operand, so that a command over more
 *     than the device memory completes;
 *  3. executes the command, page by page, each access with the pt_lock
 *     held across its translation and the access itself (in runs of a few
 *     dozen pages per hold, see vsvm_pt_access_begin()).
 *
 * A missing or insufficient translation at any step ends the round. The
 * missing translations are collected as &struct drm_svm_fault, one per
 * 4 KiB page, at most ``fault_batch`` per round (a module parameter, 1 to
 * %VSVM_FAULT_BATCH_MAX, 64 by default, writable at run time, so that
 * tests can compare batch sizes), and reported with a single
 * drm_svm_mirror_fault() call; then the command is replayed from
 * its start: fetched, decoded and pre-translated again. A round that
 * follows one whose pre-translation faulted skips pre-translation and
 * executes at once, so that the pages just brought in are used before
 * other faults can evict them from device memory: a command over more
 * memory than the device has then still moves forward every other round. Since the core
 * faults in whole chunks, pre-translation reports only the first missing
 * page of each 2 MiB block, and moves to the next smaller chunk size when
 * a block is still not fully mapped after its fault was serviced. A fault
 * the core resolves to an error fails the job with that error, except
 * -EBUSY (the range kept being invalidated for the whole of the core's
 * retry time): the round is replayed, and only %VSVM_BUSY_ROUNDS such
 * rounds in a row fail the job with -EBUSY.
 *
 * Each round runs between drm_dev_enter() and drm_dev_exit(),
 * its fault servicing outside (it may wait for a userfaultfd's handler).
 * Once the device is unplugged (see DOC: vsvm), the next round of every
 * job does not start, and a fault that fails because the VMs were emptied
 * meanwhile is not the job's: the job fails with -ENODEV, its record
 * holding the command's address with a read access.
 *
 * A translation may also disappear between pre-translation and the access
 * (an invalidation raced with the command); the access then faults the
 * same way. Every page access completes atomically with respect to
 * invalidation, so what a command did before the fault stands: its main
 * range is processed in order, and the replay resumes it where it stopped
 * (&struct vsvm_resume), with a CHECKSUM's running hash. Restarting at
 * offset zero would be just as correct, since stores, fills, copies
 * (whose ranges may not overlap), checksums and touches are idempotent,
 * but a long command could then never finish under a steady stream of
 * invalidations. An atomic checks both its target and its result word
 * before it does anything, then performs the operation and writes the
 * result in one step, so it never runs twice. If the command words
 * changed between two rounds, the command starts over.
 *
 * Pre-translation keeps a cursor: the first page not yet seen translated.
 * A round makes progress when the cursor or the execution moved forward.
 * A round that finds the page at the cursor still missing after its fault
 * was serviced, one whose command fetch faulted and one whose execution
 * faulted before completing any access make none. A command that makes
 * no progress in more than %VSVM_MAX_REPLAYS rounds fails the job with
 * -EDEADLK.
 *
 * A failed job's record holds a &struct drm_svm_fault_info: for a fault,
 * the faulting address and access; for an invalid command, the GPU
 * address of the command's opcode word with a read access and -EINVAL;
 * for -EDEADLK, the first fault of the last round.
 */

/**
 * DOC: VMs without faults
 *
 * In a VM created with
 * %DRM_SVM_VM_CREATE_NO_FAULTS the engine never raises a recoverable
 * fault, like a device without fault support. Before the job's first
 * command, drm_svm_mirror_revalidate() maps again what invalidations
 * zapped in the VM since its last job (and the bindings not populated
 * yet); the job then runs with the core's notifier lock held for read,
 * which keeps the mappings as they are until drm_svm_mirror_revalidate_end()
 * after its last command. A missing or insufficient translation, at
 * pre-translation or at execution, fails the job with -EFAULT and the
 * first access that missed; no fault is reported to the core or counted.
 * When the revalidation fails, so does the job, with its error, reported at
 * the batch address with a read access; one that found the VM busy
 * (-EBUSY) is tried again, %VSVM_BUSY_ROUNDS times in all.
 */

/**
 * DOC: Engine locking
 *
 * From outermost to innermost:
 *
 *  - &vsvm_file.jobs_lock: submission;
 *  - the core's notifier lock, then the VM's pt_lock (&vsvm_pt.lock),
 *    then &vsvm_tlb.lock.
 *
 * The engine holds the pt_lock for read, with the TLB lock, across each
 * translation and the page access made with it (kmap_local_page() and a
 * copy, or one atomic operation), for runs of a few dozen pages
 * (vsvm_pt_access_begin()); invalidation and map hold it for write. So once the core's
 * invalidate callback returns, no access through a translation of the
 * range is in flight or can start. The engine takes no core lock itself:
 * it calls drm_svm_mirror_fault() with no lock held, and for a no-fault
 * VM holds the notifier lock that drm_svm_mirror_revalidate() returns
 * with, outside the pt_lock, while it runs the job; that job allocates
 * nothing and waits for nothing.
 */

/** VSVM_MAX_REPLAYS - Rounds without progress before a command fails */
#define VSVM_MAX_REPLAYS	1000

/* Pre-translation progress of one command, kept across its rounds */
struct vsvm_cursor {
	/* first page not yet seen translated: span index and offset */
	unsigned int span;
	u64 off;
	/* the page at the cursor was reported in the last round */
	bool faulted;
	/* first fault of the last round, valid if @has_fault */
	u64 fault_addr;
	bool has_fault;
	/* index of the fault granularity in the device's chunk sizes */
	unsigned int gran;
};

static void vsvm_run_fail(struct vsvm_run *run, u64 addr, u32 access,
			  int error)
{
	run->info.address = addr;
	run->info.access = access;
	run->info.engine = run->engine->index;
	run->info.error = error;
	run->info.pad = 0;
}

/**
 * vsvm_run_fault_add() - Record a missing translation for the next round
 * @run: the running job
 * @addr: GPU address the access needed
 * @access: %DRM_SVM_ACCESS_READ, _WRITE or _ATOMIC
 *
 * One fault is kept per 4 KiB page, with the strongest access asked for
 * it. Faults beyond ``fault_batch`` are dropped; the replay finds them
 * again.
 *
 * Returns: %true when the batch is full.
 */
bool vsvm_run_fault_add(struct vsvm_run *run, u64 addr, u32 access)
{
	struct drm_svm_fault *faults = run->engine->faults;
	unsigned int i, limit = READ_ONCE(fault_batch);

	for (i = 0; i < run->nfaults; i++) {
		if (faults[i].addr >> PAGE_SHIFT == addr >> PAGE_SHIFT) {
			faults[i].access = max(faults[i].access, access);
			return false;
		}
	}

	if (run->nfaults < limit) {
		faults[run->nfaults].addr = addr;
		faults[run->nfaults].access = access;
		faults[run->nfaults].error = 0;
		run->nfaults++;
	}
	return run->nfaults >= limit;
}

/**
 * vsvm_run_xlate() - Translate a GPU address for an access of the job
 * @run: the running job
 * @addr: GPU address
 * @access: %DRM_SVM_ACCESS_READ, _WRITE or _ATOMIC
 * @len: bytes the access touches, within the page, for the modelled time
 * @page: out: the page backing @addr
 *
 * Must be called between vsvm_pt_access_begin() and vsvm_pt_access_end()
 * on the VM's page table; @page may be accessed until the latter. A
 * missing translation is recorded with vsvm_run_fault_add(). A
 * translation charges the job the modelled time of the access, by where
 * the page is.
 *
 * Returns: %true with @page set, %false when the access must fault.
 */
bool vsvm_run_xlate(struct vsvm_run *run, u64 addr, u32 access,
		    size_t len, struct page **page)
{
	struct vsvm_xlate xl;

	if (!vsvm_pt_translate(&run->vm->pt, addr, access, &xl)) {
		vsvm_run_fault_add(run, addr, access);
		return false;
	}

	run->device_time_ps += vsvm_cost_access_ps(xl.loc, len);
	*page = pfn_to_page(xl.pfn);
	return true;
}

/* Account for the first missing page of a round, found at span @i, @off */
static void vsvm_cursor_miss(struct vsvm_cursor *cur, unsigned int i, u64 off,
			     u64 addr, unsigned int num_sizes,
			     const unsigned long *sizes, bool *progress)
{
	u64 mask = ~((u64)sizes[cur->gran] - 1);

	*progress = !(cur->faulted && cur->span == i && cur->off == off);

	/* Still missing in the chunk just serviced: chunks are smaller here */
	if (cur->has_fault && (addr & mask) == (cur->fault_addr & mask) &&
	    cur->gran + 1 < num_sizes)
		cur->gran++;

	cur->span = i;
	cur->off = off;
	cur->faulted = true;
	cur->fault_addr = addr;
	cur->has_fault = true;
}

/* Back to the start of the spans, and to the largest fault granularity */
static void vsvm_cursor_reset(struct vsvm_cursor *cur)
{
	memset(cur, 0, sizeof(*cur));
}

/*
 * Back to the start of the spans, which the next round trims to where
 * execution stopped, keeping the fault granularity learnt so far.
 */
static void vsvm_cursor_rewind(struct vsvm_cursor *cur)
{
	cur->span = 0;
	cur->off = 0;
	cur->faulted = false;
}

/*
 * Pre-translate the command's spans from the cursor on, collecting the
 * missing translations. Returns 0 when all are there, -EAGAIN when faults
 * were collected; *progress tells whether the cursor moved since the last
 * round.
 */
static int vsvm_run_prefault(struct vsvm_run *run, const struct vsvm_cmd *cmd,
			     struct vsvm_cursor *cur, bool *progress)
{
	const struct drm_svm_device *sdev = &run->engine->vdev->svm;
	const struct vsvm_span *span;
	u64 off, addr, step, lim;
	unsigned int i;

	*progress = true;
	if (cur->span >= cmd->nspans ||
	    cur->off >= cmd->spans[cur->span].len)
		vsvm_cursor_reset(cur);

	for (i = cur->span; i < cmd->nspans; i++) {
		span = &cmd->spans[i];
		off = i == cur->span ? cur->off : 0;
		lim = min(span->len, off + VSVM_PREFAULT_WINDOW);

		while (off < lim) {
			addr = vsvm_pt_first_missing(&run->vm->pt,
						     span->addr + off,
						     span->addr + lim,
						     span->access);
			off = addr - span->addr;

			/* Everything before @off is translated: move on */
			if (!run->nfaults) {
				cur->span = i;
				cur->off = off;
				cur->faulted = false;
			}
			if (off >= lim)
				break;

			if (!run->nfaults)
				vsvm_cursor_miss(cur, i, off, addr,
						 sdev->num_chunk_sizes,
						 sdev->chunk_sizes, progress);
			if (vsvm_run_fault_add(run, addr, span->access))
				return -EAGAIN;
			step = sdev->chunk_sizes[cur->gran];
			step -= addr & (step - 1);
			off += min(step, lim - off);
			cond_resched();
		}
	}

	return run->nfaults ? -EAGAIN : 0;
}

/* Report the round's faults to the core; fail the job on a fatal one */
static int vsvm_run_service(struct vsvm_run *run)
{
	struct drm_svm_fault *faults = run->engine->faults;
	struct drm_device *drm = &run->engine->vdev->drm;
	unsigned int i, serviced = 0;
	bool busy = false;
	int ret;

	/* Returns how many failed; each fault's @error says why */
	atomic64_inc(&run->engine->vdev->fault_reports);
	vsvm_cost_charge_begin(&run->copies);
	ret = drm_svm_mirror_fault(&run->vm->mirror, faults, run->nfaults);
	vsvm_cost_charge_end(&run->copies);
	if (ret < 0) {
		drm_dbg(drm, "job %llu: servicing %u faults failed: %d\n",
			run->job->id, run->nfaults, ret);
		vsvm_run_fail(run, faults[0].addr, faults[0].access, ret);
		return ret;
	}

	for (i = 0; i < run->nfaults; i++) {
		if (!faults[i].error)
			serviced++;
	}
	vsvm_job_record_add_faults(run->job->record, serviced);

	for (i = 0; i < run->nfaults; i++) {
		if (!faults[i].error)
			continue;
		/* The range kept changing: transient, replayed (see Engine). */
		if (faults[i].error == -EBUSY &&
		    run->busy_rounds < VSVM_BUSY_ROUNDS) {
			busy = true;
			continue;
		}
		drm_dbg(drm, "job %llu: fatal fault at %#llx, access %u: %d\n",
			run->job->id, faults[i].addr, faults[i].access,
			faults[i].error);
		vsvm_run_fail(run, faults[i].addr, faults[i].access,
			      faults[i].error);
		return faults[i].error;
	}
	run->busy_rounds = busy ? run->busy_rounds + 1 : 0;

	return 0;
}

/*
 * A translation is missing in a VM that takes no faults: the job fails
 * on the first access that missed, in execution order, as on a device
 * without fault support. Nothing was reported to the core.
 */
static int vsvm_run_unmapped(struct vsvm_run *run, u64 pc)
{
	const struct drm_svm_fault *f = &run->engine->faults[0];

	if (!run->nfaults) {
		vsvm_run_fail(run, pc, DRM_SVM_ACCESS_READ, -EFAULT);
		return -EFAULT;
	}
	drm_dbg(&run->engine->vdev->drm,
		"job %llu: no translation at %#llx, access %u, in a no-fault VM\n",
		run->job->id, f->addr, f->access);
	vsvm_run_fail(run, f->addr, f->access, -EFAULT);
	return -EFAULT;
}

/* The device was unplugged: the job ends at the command at @pc */
static int vsvm_run_gone(struct vsvm_run *run, u64 pc)
{
	drm_dbg(&run->engine->vdev->drm,
		"job %llu: the device is gone, at the command at %#llx\n",
		run->job->id, pc);
	vsvm_run_fail(run, pc, DRM_SVM_ACCESS_READ, -ENODEV);
	return -ENODEV;
}

/* Start a command afresh: first round, or its words changed under us */
static void vsvm_cmd_restart(const struct vsvm_cmd *cmd, u64 *words,
			     struct vsvm_resume *resume,
			     struct vsvm_cursor *cur)
{
	memcpy(words, cmd->w, sizeof(cmd->w));
	resume->done = 0;
	resume->hash = VSVM_CHECKSUM_SEED;
	vsvm_cursor_reset(cur);
}

/* Leave out of the spans what earlier rounds already processed */
static void vsvm_cmd_trim(struct vsvm_cmd *cmd, const struct vsvm_resume *resume)
{
	unsigned int i;

	for (i = 0; i < cmd->nspans; i++) {
		if (!cmd->spans[i].resumable)
			continue;
		cmd->spans[i].addr += resume->done;
		cmd->spans[i].len -= resume->done;
	}
}

/* Run the command at @pc to completion, replaying it after each fault */
static int vsvm_run_cmd(struct vsvm_run *run, u64 pc, u64 end,
			struct vsvm_cmd *cmd)
{
	u64 words[VSVM_CMD_MAX_WORDS] = {};
	struct vsvm_resume resume = {};
	struct vsvm_cursor cur = {};
	bool progress, fresh = true, exec_next = false, prefaulted, exec_first;
	struct drm_svm_fault first;
	unsigned int replays = 0;
	u64 done;
	int ret, idx;

	for (;;) {
		run->nfaults = 0;
		progress = false;
		prefaulted = false;

		/* A round is device work: none starts once it is unplugged. */
		if (!drm_dev_enter(&run->engine->vdev->drm, &idx))
			return vsvm_run_gone(run, pc);
		ret = vsvm_cmd_fetch(run, pc, end, cmd);
		if (!ret) {
			if (fresh || memcmp(words, cmd->w, sizeof(words)))
				vsvm_cmd_restart(cmd, words, &resume, &cur);
			fresh = false;
			vsvm_cmd_trim(cmd, &resume);
			if (!exec_next) {
				ret = vsvm_run_prefault(run, cmd, &cur,
							&progress);
				prefaulted = ret == -EAGAIN;
			}
		}
		exec_first = exec_next;
		exec_next = false;
		if (!ret) {
			done = resume.done;
			ret = vsvm_cmd_execute(run, cmd, &resume);
			if (ret == -EAGAIN) {
				/*
				 * After pre-translation found everything, an
				 * invalidation won the race: what is missing
				 * now says nothing about chunk sizes. A round
				 * that skipped it stops at a page the last
				 * faults did not bring in, or one an
				 * invalidation took: pre-translate again from
				 * there, at the granularity learnt so far.
				 */
				if (exec_first)
					vsvm_cursor_rewind(&cur);
				else
					vsvm_cursor_reset(&cur);
				progress = resume.done != done;
			}
		}
		drm_dev_exit(idx);
		if (ret != -EAGAIN)
			break;

		/* The core sorts the faults: keep the round's first one. */
		first = run->engine->faults[0];
		if (run->no_faults)
			return vsvm_run_unmapped(run, pc);
		ret = vsvm_run_service(run);
		/* Faults of the closed VMs of an unplugged device fail too. */
		if (ret && drm_dev_is_unplugged(&run->engine->vdev->drm))
			return vsvm_run_gone(run, pc);
		if (ret)
			return ret;
		/* Use what pre-translation brought in before it can go again */
		exec_next = prefaulted;

		if (!progress && ++replays > VSVM_MAX_REPLAYS) {
			drm_dbg(&run->engine->vdev->drm,
				"job %llu: command at %#llx replayed %u times\n",
				run->job->id, pc, replays - 1);
			vsvm_run_fail(run, first.addr, first.access, -EDEADLK);
			return -EDEADLK;
		}
	}

	if (ret == -EINVAL)
		vsvm_run_fail(run, pc, DRM_SVM_ACCESS_READ, -EINVAL);
	return ret;
}

/* Run the job's batch up to an END command or the end of the buffer */
static int vsvm_run_batch(struct vsvm_run *run)
{
	u64 pc = run->job->batch_addr;
	u64 end = pc + run->job->batch_len;
	struct vsvm_cmd cmd;
	int ret;

	while (pc < end) {
		ret = vsvm_run_cmd(run, pc, end, &cmd);
		if (ret)
			return ret;
		if (cmd.w[0] == VSVM_CMD_END)
			break;

		pc += cmd.nwords * sizeof(u64);
		cond_resched();
	}

	return 0;
}

/*
 * Run the job; in a no-fault VM, with its mappings revalidated first and
 * kept from changing until the batch is done (see DOC: Engine).
 */
static int vsvm_run_job(struct vsvm_run *run)
{
	struct drm_svm_mirror *mirror = run->job->mirror;
	int err;

	run->no_faults = mirror->no_faults;
	/* Busy is transient, as for a fault (see Commands, faults and replay) */
	do {
		err = drm_svm_mirror_revalidate(mirror);
	} while (err == -EBUSY && ++run->busy_rounds < VSVM_BUSY_ROUNDS);
	run->busy_rounds = 0;
	if (err) {
		vsvm_run_fail(run, run->job->batch_addr, DRM_SVM_ACCESS_READ,
			      err);
		return err;
	}
	err = vsvm_run_batch(run);
	drm_svm_mirror_revalidate_end(mirror);
	return err;
}

static void vsvm_engine_work(struct work_struct *work)
{
	struct vsvm_job *job = container_of(work, struct vsvm_job, work);
	struct vsvm_run run = {
		.engine = job->engine,
		.job = job,
		.vm = to_vsvm_vm(job->mirror),
	};
	struct drm_svm_memcg_scope memcg;
	int err;

	vsvm_job_record_start(job->record);
	drm_svm_memcg_enter(job->mirror, &memcg);
	err = vsvm_run_job(&run);
	drm_svm_memcg_exit(&memcg);

	/* The record first: a waiter woken by the fence must see the result */
	vsvm_job_record_finish(job->record, err, &run.info,
			       div_u64(run.device_time_ps + run.copies.ps,
				       1000));
	drm_svm_ufence_signal(job->ufence, err);

	drm_svm_mirror_put(job->mirror);
	vsvm_job_record_put(job->record);
	kfree(job);
}

/**
 * vsvm_job_create() - Create a job, not yet submitted
 * @engine: engine that will run it
 * @mirror: VM of the batch; the job takes its own reference
 * @batch_addr: GPU address of the batch, checked by the caller
 * @batch_len: batch size, checked by the caller
 * @record: the job's record; the job takes its own reference
 *
 * The caller may give the job a user fence (&vsvm_job.ufence) before it
 * submits it.
 *
 * Returns: the job, or ERR_PTR(-ENOMEM).
 */
struct vsvm_job *vsvm_job_create(struct vsvm_engine *engine,
				 struct drm_svm_mirror *mirror,
				 u64 batch_addr, u64 batch_len,
				 struct vsvm_job_record *record)
{
	struct vsvm_job *job;

	job = kzalloc(sizeof(*job), GFP_KERNEL_ACCOUNT);
	if (!job)
		return ERR_PTR(-ENOMEM);

	INIT_WORK(&job->work, vsvm_engine_work);
	job->engine = engine;
	job->mirror = drm_svm_mirror_get(mirror);
	job->batch_addr = batch_addr;
	job->batch_len = batch_len;
	kref_get(&record->ref);
	job->record = record;

	return job;
}

/**
 * vsvm_job_destroy() - Free a job that was never submitted
 * @job: the job
 */
void vsvm_job_destroy(struct vsvm_job *job)
{
	/* Never queued: its user fence, if any, is not written */
	drm_svm_ufence_free(job->ufence);
	drm_svm_mirror_put(job->mirror);
	vsvm_job_record_put(job->record);
	kfree(job);
}

/**
 * vsvm_engine_submit() - Queue a job on its engine
 * @job: the job, from vsvm_job_create(); the engine owns it from now on
 *
 * The engine runs its jobs in the order they were queued. The job, and
 * with it its user fence, ends before vsvm_engine_fini() returns.
 */
void vsvm_engine_submit(struct vsvm_job *job)
{
	queue_work(job->engine->wq, &job->work);
}

/**
 * vsvm_engine_init() - Start a device's engine
 * @engine: the engine
 * @vdev: its device
 * @index: engine instance within the device
 *
 * Returns: 0 on success, -ENOMEM on failure.
 */
int vsvm_engine_init(struct vsvm_engine *engine, struct vsvm_device *vdev,
		     unsigned int index)
{
	engine->vdev = vdev;
	engine->index = index;
	vsvm_tlb_init(&engine->tlb, vdev);

	engine->wq = alloc_ordered_workqueue("vsvm%u-engine%u", 0, vdev->index,
					     index);
	if (!engine->wq)
		return -ENOMEM;

	return 0;
}

/**
 * vsvm_engine_fini() - Stop a device's engine
 * @engine: the engine
 *
 * Runs the jobs still queued to completion, then stops the engine. No job
 * may be submitted any more: the device is unplugged, so that the jobs
 * end at their next round with -ENODEV.
 */
void vsvm_engine_fini(struct vsvm_engine *engine)
{
	destroy_workqueue(engine->wq);
}

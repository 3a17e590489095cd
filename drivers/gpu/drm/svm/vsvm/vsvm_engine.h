/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The drm_svm authors
 */
#ifndef __VSVM_ENGINE_H__
#define __VSVM_ENGINE_H__

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <drm/drm_svm.h>
#include <drm/vsvm_drm.h>

#include "vsvm_pt.h"

struct vsvm_device;
struct vsvm_vm;

/**
 * VSVM_FAULT_BATCH_MAX - Most faults reported to the core in one call; the
 * ``fault_batch`` module parameter sets the limit below it (default 64)
 */
#define VSVM_FAULT_BATCH_MAX	256

/**
 * VSVM_PREFAULT_WINDOW - How far into each operand a round pre-translates
 *
 * Bounded so that a command over more memory than the device has still
 * completes: a round needs only this much of each operand in place at
 * once, and execution faults its way through the rest.
 */
#define VSVM_PREFAULT_WINDOW	SZ_16M

/**
 * VSVM_BUSY_ROUNDS - Rounds in a row a job replays faults the core
 * reported -EBUSY for, before the job fails with -EBUSY
 */
#define VSVM_BUSY_ROUNDS	8

/**
 * struct vsvm_busy - Engine time of one file's jobs (drm-engine-compute)
 *
 * Referenced by the file and by the record of each of its jobs, so that a
 * job that outlives its file still ends its count. The engine runs one
 * job at a time, so at most one of a file's jobs runs.
 */
struct vsvm_busy {
	/** @ref: Reference count */
	struct kref ref;
	/** @lock: Protects @done_ns and @since */
	spinlock_t lock;
	/** @done_ns: Time the engine spent on the jobs that ended, ns */
	u64 done_ns;
	/** @since: When the running job started (ktime ns), 0 when none */
	u64 since;
};

/**
 * struct vsvm_job_record - What &DRM_IOCTL_VSVM_JOB_QUERY reports of a job
 *
 * Referenced by the file's job table and by the job while it exists, so it
 * outlives whichever goes first.
 */
struct vsvm_job_record {
	/** @ref: Reference count */
	struct kref ref;
	/** @lock: Protects the fields below */
	spinlock_t lock;
	/** @status: %DRM_VSVM_JOB_QUEUED, _RUNNING, _DONE or _FAILED */
	u32 status;
	/** @error: 0, or the negative errno the job failed with */
	int error;
	/** @faults: Recoverable GPU page faults serviced for the job */
	u64 faults;
	/** @fault: The access that made the job fail */
	struct drm_svm_fault_info fault;
	/** @device_time_ns: Modelled device time, set when the job ends */
	u64 device_time_ns;
	/** @busy: The engine time of the job's file, counted into */
	struct vsvm_busy *busy;
};

/**
 * struct vsvm_job - A batch queued on an engine
 */
struct vsvm_job {
	/** @work: Runs the job on &vsvm_engine.wq */
	struct work_struct work;
	/** @engine: Engine the job runs on */
	struct vsvm_engine *engine;
	/** @mirror: VM the batch runs in; a reference */
	struct drm_svm_mirror *mirror;
	/** @id: Per-file job id, for messages */
	u64 id;
	/** @batch_addr: GPU address of the first command */
	u64 batch_addr;
	/** @batch_len: Batch size in bytes */
	u64 batch_len;
	/** @ufence: Written when the job ends, or NULL; owned by the job */
	struct drm_svm_ufence *ufence;
	/** @record: The job's record; a reference */
	struct vsvm_job_record *record;
};

/**
 * struct vsvm_engine - The execution engine of a device
 *
 * See :ref:`drm_svm_vsvm_engine`.
 */
struct vsvm_engine {
	/** @vdev: Device of the engine */
	struct vsvm_device *vdev;
	/** @index: Engine instance within the device, reported in faults */
	unsigned int index;
	/** @wq: Ordered workqueue that runs the jobs one at a time */
	struct workqueue_struct *wq;
	/** @tlb: The engine's TLB */
	struct vsvm_tlb tlb;
	/** @faults: Fault batch of the running job */
	struct drm_svm_fault faults[VSVM_FAULT_BATCH_MAX];
};

/**
 * struct vsvm_span - A GPU range a command accesses
 */
struct vsvm_span {
	/** @addr: First GPU address */
	u64 addr;
	/** @len: Length in bytes, not zero, not wrapping */
	u64 len;
	/** @access: %DRM_SVM_ACCESS_READ, _WRITE or _ATOMIC */
	u32 access;
	/** @resumable: Starts at &vsvm_resume.done after a replay */
	bool resumable;
};

/**
 * struct vsvm_resume - How far a command got before a fault stopped it
 *
 * Kept across the rounds of one command, so that a replay does not redo
 * the page accesses that already completed (see
 * :ref:`drm_svm_vsvm_engine`).
 */
struct vsvm_resume {
	/** @done: Bytes of the command's main range already processed */
	u64 done;
	/** @hash: CHECKSUM state after @done bytes */
	u64 hash;
};

/** VSVM_CMD_MAX_WORDS - Longest command, opcode included */
#define VSVM_CMD_MAX_WORDS	5

/**
 * struct vsvm_cmd - A decoded command
 */
struct vsvm_cmd {
	/** @pc: GPU address of the opcode word */
	u64 pc;
	/** @w: The command's words, the opcode first */
	u64 w[VSVM_CMD_MAX_WORDS];
	/** @nwords: Number of words, opcode included */
	unsigned int nwords;
	/** @spans: Ranges the command accesses, in execution order */
	struct vsvm_span spans[3];
	/** @nspans: Number of @spans */
	unsigned int nspans;
};

/**
 * struct vsvm_charge - Where the copies of a task's fault servicing go
 */
struct vsvm_charge {
	/** @link: Entry in the list of charges in progress */
	struct list_head link;
	/** @task: The task whose copies are charged */
	struct task_struct *task;
	/** @ps: Modelled time charged, picoseconds */
	u64 ps;
};

/**
 * struct vsvm_run - State of the job the engine is running
 */
struct vsvm_run {
	/** @engine: The engine */
	struct vsvm_engine *engine;
	/** @job: The job */
	struct vsvm_job *job;
	/** @vm: The job's VM */
	struct vsvm_vm *vm;
	/** @nfaults: Faults collected in &vsvm_engine.faults for this round */
	unsigned int nfaults;
	/** @info: Out: the failing access when the job fails */
	struct drm_svm_fault_info info;
	/**
	 * @device_time_ps: Modelled device time of the page accesses so far
	 * (see :ref:`drm_svm_vsvm_cost`)
	 */
	u64 device_time_ps;
	/** @copies: Modelled time of the copies made for the job's faults */
	struct vsvm_charge copies;
	/** @busy_rounds: Rounds in a row whose faults the core found busy */
	unsigned int busy_rounds;
	/**
	 * @no_faults: The VM takes no faults: a missing translation fails
	 * the job (see :ref:`drm_svm_vsvm_engine`)
	 */
	bool no_faults;
};

int vsvm_engine_init(struct vsvm_engine *engine, struct vsvm_device *vdev,
		     unsigned int index);
void vsvm_engine_fini(struct vsvm_engine *engine);
struct vsvm_job *vsvm_job_create(struct vsvm_engine *engine,
				 struct drm_svm_mirror *mirror,
				 u64 batch_addr, u64 batch_len,
				 struct vsvm_job_record *record);
void vsvm_job_destroy(struct vsvm_job *job);
void vsvm_engine_submit(struct vsvm_job *job);

bool vsvm_run_fault_add(struct vsvm_run *run, u64 addr, u32 access);
bool vsvm_run_xlate(struct vsvm_run *run, u64 addr, u32 access,
		    size_t len, struct page **page);
int vsvm_cmd_fetch(struct vsvm_run *run, u64 pc, u64 end,
		   struct vsvm_cmd *cmd);
int vsvm_cmd_execute(struct vsvm_run *run, const struct vsvm_cmd *cmd,
		     struct vsvm_resume *resume);

struct vsvm_busy *vsvm_busy_create(void);
void vsvm_busy_put(struct vsvm_busy *busy);
u64 vsvm_busy_ns(struct vsvm_busy *busy);
struct vsvm_job_record *vsvm_job_record_alloc(struct vsvm_busy *busy);
void vsvm_job_record_put(struct vsvm_job_record *record);
void vsvm_job_record_start(struct vsvm_job_record *record);
void vsvm_job_record_add_faults(struct vsvm_job_record *record,
				unsigned int count);
void vsvm_job_record_finish(struct vsvm_job_record *record, int error,
			    const struct drm_svm_fault_info *info,
			    u64 device_time_ns);

#endif /* __VSVM_ENGINE_H__ */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/hmm.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>

#include <drm/drm_print.h>
#include <uapi/drm/drm_svm.h>

#include "drm_svm_internal.h"

/**
 * DOC: No-fault VMs
 *
 * A device that cannot take page faults, or a VM the user wants to run
 * without them, still mirrors the process: the core keeps its mappings
 * up to date before each job instead of on each fault, as userptr does.
 * Such a VM is created with %DRM_SVM_VM_CREATE_NO_FAULTS
 * (&drm_svm_mirror.no_faults), on a device whose driver sets
 * %DRM_SVM_DEVICE_NO_FAULTS in &drm_svm_device.caps, which promises that
 * it calls drm_svm_mirror_revalidate() before each job of the VM and
 * drm_svm_mirror_revalidate_end() after it, and that its device treats a
 * missing translation in the VM as an error rather than a fault.
 *
 * Each binding of the VM remembers which part of it is stale: the GPU
 * range [&drm_svm_binding.stale_start, &drm_svm_binding.stale_end)
 * that invalidations zapped since it was last mapped. Every zap of the
 * VM but an unbind's (whose range has no binding any more) grows it,
 * with the notifier lock held for write, and bumps the VM's sequence
 * number &drm_svm_mirror.inval_seq; the pieces of a binding cut by a
 * later bind keep their part of it. A new binding is stale as a whole,
 * unless it is populated at bind time (%DRM_SVM_BIND_FLAG_POPULATE),
 * which makes it stale as a whole only when the populate fails.
 *
 * drm_svm_mirror_revalidate() is the seqno retry loop of a userptr
 * revalidation, over the VM's stale ranges:
 *
 *  1. with the mirror's lock held, and the notifier lock for read, read
 *     &drm_svm_mirror.inval_seq;
 *  2. for each binding, take its stale range and its holes, and mark it
 *     clean (mirror's lock and notifier lock for read), then fault that
 *     in as a populate does (hmm_range_fault() under each chunk's mmu
 *     interval notifier sequence, see GPU page faults), with the pages
 *     where they are (see Placement: only a prefetch moves them), best
 *     effort:
 *     pages the CPU has no mapping for, or refuses the access to, are
 *     left unmapped and become the binding's holes
 *     (&drm_svm_binding.hole_start), and a writable binding of read-only
 *     memory is mapped read-only. Holes are tried again before every job
 *     without any invalidation, since the CPU may map a hole (an mmap()
 *     there) without invalidating anything;
 *  3. take the notifier lock for read: if &drm_svm_mirror.inval_seq
 *     moved since 1, an invalidation raced with the walk; if it made a
 *     binding stale again, drop the lock and go back to 1, which maps
 *     only what it made stale, for HMM_RANGE_DEFAULT_TIMEOUT at most
 *     (then -EBUSY, and the driver may try again).
 *
 * The device memory blocks the walk mapped stay pinned until it ends, so
 * that a VM whose pages fill the device memory does not evict its own.
 * Each chunk is mapped with a valid notifier sequence, and any later
 * invalidation of it marks it stale, so no stale range at 3 means that
 * every mapping is current.
 *
 * It returns with the notifier lock still held for read, so that every
 * mapping of the VM matches the CPU page table of that moment for as long
 * as the job runs: invalidations of the process wait for
 * drm_svm_mirror_revalidate_end(), as those of a userptr wait for the
 * jobs using it. The job must therefore neither allocate memory that may
 * reclaim nor wait for anything that may, and end in bounded time.
 */

/* Grow [*start, *end) to cover [start, end) as well; empty when not below. */
static void drm_svm_span_add(u64 *start, u64 *end, u64 s, u64 e)
{
	if (s >= e)
		return;
	if (*start < *end) {
		s = min(s, *start);
		e = max(e, *end);
	}
	WRITE_ONCE(*start, s);
	WRITE_ONCE(*end, e);
}

/**
 * drm_svm_binding_stale() - Mark part of a binding for revalidation
 * @b: the binding, of a no-fault mirror
 * @start: first GPU address
 * @end: GPU address past the range
 *
 * Grows the binding's stale range by the part of [@start, @end) it
 * covers and bumps the mirror's &drm_svm_mirror.inval_seq. Caller holds
 * the notifier lock for write, or the mirror's lock and the notifier lock
 * for read.
 */
void drm_svm_binding_stale(struct drm_svm_binding *b, u64 start, u64 end)
{
	u64 b_start = b->va.va.addr, b_end = b_start + b->va.va.range;

	lockdep_assert_held(&b->mirror->svm_mm->notifier_lock);

	start = max(start, b_start);
	end = min(end, b_end);
	if (start >= end)
		return;
	drm_svm_span_add(&b->stale_start, &b->stale_end, start, end);
	WRITE_ONCE(b->mirror->inval_seq, b->mirror->inval_seq + 1);
}

/**
 * drm_svm_binding_split() - A piece of a cut binding keeps what was to do
 * @piece: the new binding, the part of @old that stays bound
 * @old: the binding that was cut
 *
 * The parts of @old's stale range and holes inside @piece are @piece's.
 * Caller holds the notifier lock for write.
 */
void drm_svm_binding_split(struct drm_svm_binding *piece,
			   const struct drm_svm_binding *old)
{
	u64 start = piece->va.va.addr, end = start + piece->va.va.range;

	lockdep_assert_held_write(&piece->mirror->svm_mm->notifier_lock);

	drm_svm_binding_stale(piece, old->stale_start, old->stale_end);
	drm_svm_span_add(&piece->hole_start, &piece->hole_end,
			 max(start, old->hole_start), min(end, old->hole_end));
}

/**
 * drm_svm_mirror_stale() - Mark a GPU range of a mirror for revalidation
 * @mirror: a no-fault mirror
 * @start: first GPU address
 * @end: GPU address past the range
 *
 * drm_svm_binding_stale() on every binding in the range. Caller holds the
 * notifier lock as drm_svm_binding_stale() says; either way the bindings
 * cannot change.
 */
void drm_svm_mirror_stale(struct drm_svm_mirror *mirror, u64 start, u64 end)
{
	struct drm_gpuva *va;

	lockdep_assert_held(&mirror->svm_mm->notifier_lock);

	drm_gpuvm_for_each_va_range(va, &mirror->gpuvm, start, end)
		drm_svm_binding_stale(to_binding(va), start, end);
}

/*
 * Where to go on after CPU address @cpu of binding @b could not be
 * mapped: the next page, or the start of the next VMA (GPU address) when
 * @cpu is in a hole, so that a large hole costs one lookup. Caller holds
 * a reference on the address space.
 */
static u64 drm_svm_revalidate_skip(struct drm_svm_mirror *mirror,
				   struct drm_svm_binding *b, u64 cpu)
{
	struct mm_struct *mm = mirror->svm_mm->mm;
	struct vm_area_struct *vma;
	u64 next = cpu + PAGE_SIZE;

	if (mmap_read_lock_killable(mm))
		return next + binding_gpu_delta(b);
	vma = find_vma(mm, cpu);
	if (!vma)
		next = binding_cpu_start(b) + b->va.va.range;
	else if (vma->vm_start > cpu)
		next = vma->vm_start;
	mmap_read_unlock(mm);
	return next + binding_gpu_delta(b);
}

/*
 * Whether the CPU lets GPU address @addr of binding @b be written: a
 * write fault on memory the CPU maps read-only fails only after it moved
 * device pages back to system memory, which a read would move in again.
 */
static bool drm_svm_revalidate_writable(struct drm_svm_mirror *mirror,
					struct drm_svm_binding *b, u64 addr)
{
	struct mm_struct *mm = mirror->svm_mm->mm;
	struct vm_area_struct *vma;
	bool writable = true;

	if (mmap_read_lock_killable(mm))
		return true;
	vma = vma_lookup(mm, addr - binding_gpu_delta(b));
	if (vma)
		writable = vma->vm_flags & VM_WRITE;
	mmap_read_unlock(mm);
	return writable;
}

/*
 * Map GPU range [start, end) of binding @b again, best effort (see DOC:
 * No-fault VMs); [*hole_start, *hole_end) grows by what could not be
 * mapped. Caller holds the mirror's lock and a reference on the address
 * space.
 */
static int drm_svm_revalidate_range(struct drm_svm_mirror *mirror,
				    struct drm_svm_binding *b, u64 start,
				    u64 end, u64 *hole_start, u64 *hole_end)
{
	bool readonly = b->flags & DRM_SVM_BIND_FLAG_READONLY;
	u64 addr = start, next = 0, moved = 0;
	struct drm_svm_served served;
	u32 access;
	int err = 0;

	lockdep_assert_held(&mirror->lock);

	while (addr < end) {
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		cond_resched();

		access = readonly || !drm_svm_revalidate_writable(mirror, b, addr) ?
			 DRM_SVM_ACCESS_READ : DRM_SVM_ACCESS_WRITE;
		err = drm_svm_fault_one(mirror, addr, 0, access,
					DRM_SVM_PLACE_FAULT, 0, &moved,
					&served);
		/* Read-only memory in a writable binding: map it read-only. */
		if (err == -EPERM && access == DRM_SVM_ACCESS_WRITE)
			err = drm_svm_fault_one(mirror, addr, 0,
						DRM_SVM_ACCESS_READ,
						DRM_SVM_PLACE_FAULT, 0,
						&moved, &served);
		if (!err)
			next = served.end;
		/* Nothing the device may use here: it stays unmapped. */
		if (err == -EFAULT || err == -EPERM || err == -EACCES) {
			next = drm_svm_revalidate_skip(mirror, b,
						       addr -
						       binding_gpu_delta(b));
			drm_svm_span_add(hole_start, hole_end, addr,
					 min(next, end));
			err = 0;
		}
		if (err)
			break;
		addr = max(next, addr + PAGE_SIZE);
	}
	return err;
}

/*
 * Whether an invalidation made part of a binding stale again since the
 * pass that mapped it. Caller holds the notifier lock.
 */
static bool drm_svm_mirror_any_stale(struct drm_svm_mirror *mirror)
{
	struct drm_svm_binding *b;
	struct drm_gpuva *va;

	lockdep_assert_held(&mirror->svm_mm->notifier_lock);

	drm_gpuvm_for_each_va(va, &mirror->gpuvm) {
		b = to_binding(va);
		if (b->stale_start < b->stale_end)
			return true;
	}
	return false;
}

/* Steps 1 and 2 of DOC: No-fault VMs; returns the sequence of step 1. */
static int drm_svm_revalidate_pass(struct drm_svm_mirror *mirror,
				   unsigned long *seq)
{
	struct drm_svm_mm *svm_mm = mirror->svm_mm;
	struct drm_svm_binding *b;
	u64 start, end, hole_start, hole_end;
	struct drm_gpuva *va;
	int err;

	lockdep_assert_held(&mirror->lock);

	down_read(&svm_mm->notifier_lock);
	*seq = mirror->inval_seq;
	up_read(&svm_mm->notifier_lock);

	drm_gpuvm_for_each_va(va, &mirror->gpuvm) {
		b = to_binding(va);
		/* What was invalidated, and what could not be mapped before */
		down_read(&svm_mm->notifier_lock);
		start = b->stale_start;
		end = b->stale_end;
		drm_svm_span_add(&start, &end, b->hole_start, b->hole_end);
		WRITE_ONCE(b->stale_start, 0);
		WRITE_ONCE(b->stale_end, 0);
		WRITE_ONCE(b->hole_start, 0);
		WRITE_ONCE(b->hole_end, 0);
		up_read(&svm_mm->notifier_lock);
		if (start >= end)
			continue;

		hole_start = 0;
		hole_end = 0;
		err = drm_svm_revalidate_range(mirror, b, start, end,
					       &hole_start, &hole_end);
		down_read(&svm_mm->notifier_lock);
		if (err)
			/* Still to do, for the next job. */
			drm_svm_binding_stale(b, start, end);
		else
			drm_svm_span_add(&b->hole_start, &b->hole_end,
					 hole_start, hole_end);
		up_read(&svm_mm->notifier_lock);
		if (err)
			return err;
	}
	return 0;
}

/**
 * drm_svm_mirror_revalidate() - Map a no-fault VM's stale ranges before a job
 * @mirror: the mirror the job runs in
 *
 * For a mirror created with %DRM_SVM_VM_CREATE_NO_FAULTS, faults in and
 * maps again every part of its bindings that was invalidated since it was
 * last mapped, and retries until no invalidation raced with that (see
 * DOC: No-fault VMs). A driver calls this before it runs each job of
 * such a VM, with no SVM lock held, from process context or its job
 * worker; for any other mirror it returns 0 at once.
 *
 * On success, the notifier lock of the mirror's process is held for read
 * until drm_svm_mirror_revalidate_end(), which the driver calls once the
 * job is over: no mapping of the VM changes meanwhile.
 *
 * Returns: 0 with the mappings valid; -ENOENT for a destroyed VM, -EFAULT
 * when the process's address space is gone, -EBUSY when invalidations
 * kept racing with the revalidation for HMM_RANGE_DEFAULT_TIMEOUT, -EINTR
 * when the caller was killed, -ENOMEM; on error no lock is held and what
 * was not mapped is tried again before the next job.
 */
int drm_svm_mirror_revalidate(struct drm_svm_mirror *mirror)
{
	struct drm_svm_mm *svm_mm = mirror->svm_mm;
	unsigned long seq, timeout;
	int err;

	if (!mirror->no_faults)
		return 0;

	err = mutex_lock_killable(&mirror->lock);
	if (err)
		return err;
	if (mirror->closed) {
		err = -ENOENT;
		goto out_unlock;
	}
	if (!mmget_not_zero(svm_mm->mm)) {
		err = -EFAULT;
		goto out_unlock;
	}

	timeout = jiffies + msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	for (;;) {
		err = drm_svm_revalidate_pass(mirror, &seq);
		if (err)
			break;
		down_read(&svm_mm->notifier_lock);
		if (READ_ONCE(mirror->inval_seq) == seq ||
		    !drm_svm_mirror_any_stale(mirror))
			break;
		up_read(&svm_mm->notifier_lock);
		drm_svm_count(mirror->svm_mm, mirror->sdev, retries, 1);
		if (time_after(jiffies, timeout)) {
			err = -EBUSY;
			break;
		}
	}
	/* Evictions wait for the notifier lock anyway, until the job ends. */
	drm_svm_devmem_unpin_all(mirror);
	mmput_async(svm_mm->mm);
out_unlock:
	mutex_unlock(&mirror->lock);
	if (err)
		drm_dbg(mirror->sdev->drm, "revalidating VM: %d\n", err);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_mirror_revalidate);

/**
 * drm_svm_mirror_revalidate_end() - A no-fault VM's job is over
 * @mirror: the mirror given to a successful drm_svm_mirror_revalidate()
 *
 * Lets the invalidations of the process go on; a no-op for a mirror
 * without %DRM_SVM_VM_CREATE_NO_FAULTS.
 */
void drm_svm_mirror_revalidate_end(struct drm_svm_mirror *mirror)
{
	if (mirror->no_faults)
		up_read(&mirror->svm_mm->notifier_lock);
}
EXPORT_SYMBOL_GPL(drm_svm_mirror_revalidate_end);

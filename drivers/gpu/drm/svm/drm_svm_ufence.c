// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <drm/drm_print.h>
#include <uapi/drm/drm_svm.h>

#include "drm_svm_internal.h"

/**
 * DOC: User fences
 *
 * Work a driver runs on a VM after the ioctl that asked for it returns (a
 * job, an asynchronous prefetch) services page faults, and so allocates
 * memory and waits for the CPU side, before it ends. A dma-fence for such
 * work would let other drivers, and reclaim, wait on page faults, which
 * the dma-fence rules forbid (see "Recoverable Hardware Page Faults
 * Implications" in Documentation/driver-api/dma-buf.rst). So the core
 * makes no dma-fence for such work, and offers no syncobj: the work ends
 * through a user fence (&struct drm_svm_ext_user_fence), a 64-bit value
 * stored in the caller's memory, and a process waits for it with the
 * wait ioctl (drm_svm_ioctl_wait_user_fence()). Since no dma-fence is
 * published, there is no fence signalling section to annotate.
 *
 * drm_svm_ufence_from_user() parses the extension and checks that the
 * value word and the optional result word can be written, faulting them
 * in as a write would. The work then ends with drm_svm_ufence_signal(),
 * which the driver's worker calls: it stores both words in the process's
 * address space with kthread_use_mm() and put_user(), faulting as the
 * process's own stores would, which is allowed since no dma-fence waits
 * for it. Nothing is pinned meanwhile: the words' pages may move between
 * system and device memory, be swapped out or be shared copy-on-write
 * like any other, and the stores reach whatever is mapped at the
 * addresses when the work ends (a store to memory unmapped by then is
 * lost, as is any store once the process has exited). The store wakes
 * the waiters on &drm_svm_mm.ufence_wq, the process's own queue, which
 * the fence holds a reference to, with the mm_struct it stores into.
 *
 * The wait reads the watched word with get_user() in the waiter's own
 * context, so it accepts any memory of the caller; it needs neither a VM
 * nor a device of the work, and runs outside the driver's drm_dev_enter()
 * section, so that a waiter never holds up an unplug.
 */

/**
 * struct drm_svm_ufence - A user fence of queued work
 *
 * Made by drm_svm_ufence_from_user(), ended by drm_svm_ufence_signal()
 * or drm_svm_ufence_free().
 */
struct drm_svm_ufence {
	/**
	 * @svm_mm: The process whose memory the fence is in and whose
	 * waiters the store wakes; a reference
	 */
	struct drm_svm_mm *svm_mm;
	/** @addr: User address of the value word */
	u64 addr;
	/** @error_addr: User address of the result word, or 0 */
	u64 error_addr;
	/** @value: The value to store */
	u64 value;
};

/* Parse state of one extension chain */
struct drm_svm_ufence_parse {
	struct drm_device *drm;
	const char *what;
	struct drm_svm_ext_user_fence ext;
	bool found;
};

static int drm_svm_ufence_ext(void *data, u64 ptr)
{
	struct drm_svm_ufence_parse *parse = data;
	struct drm_svm_ext_user_fence *ext = &parse->ext;

	if (parse->found) {
		drm_dbg(parse->drm, "%s: more than one user fence\n",
			parse->what);
		return -EINVAL;
	}
	if (copy_from_user(ext, u64_to_user_ptr(ptr), sizeof(*ext)))
		return -EFAULT;
	if (!ext->addr || !IS_ALIGNED(ext->addr, sizeof(u64)) ||
	    !IS_ALIGNED(ext->error_addr, sizeof(u64)) ||
	    ext->error_addr == ext->addr ||
	    memchr_inv(ext->reserved, 0, sizeof(ext->reserved))) {
		drm_dbg(parse->drm,
			"%s: user fence at %#llx, result at %#llx: misaligned, zero, the same or reserved set\n",
			parse->what, ext->addr, ext->error_addr);
		return -EINVAL;
	}
	parse->found = true;
	return 0;
}

static const drm_svm_user_ext_fn drm_svm_ufence_ext_fns[] = {
	[DRM_SVM_EXT_USER_FENCE] = drm_svm_ufence_ext,
};

/*
 * Check that the caller can write the word, faulting its page in as a
 * write would, without writing it: -EFAULT when it cannot.
 */
static int drm_svm_ufence_probe(u64 addr)
{
	struct mm_struct *mm = current->mm;
	bool unlocked = false;
	int err;

	if (!access_ok(u64_to_user_ptr(addr), sizeof(u64)))
		return -EFAULT;
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	err = fixup_user_fault(mm, addr, FAULT_FLAG_WRITE, &unlocked);
	mmap_read_unlock(mm);
	return err == -EINTR || err == -ENOMEM || !err ? err : -EFAULT;
}

/**
 * drm_svm_ufence_from_user() - Take the user fence of an ioctl
 * @mirror: the VM the work runs on, of the calling process
 * @what: the ioctl's name, for the log
 * @extensions: the ioctl's &drm_svm_user_extension chain, whose only
 *		extension may be a &struct drm_svm_ext_user_fence
 * @ufence: out: the fence, or NULL when the chain has none
 *
 * Checks that the fence's words can be written, faulting them in. The
 * caller ends the fence with drm_svm_ufence_signal() when the work ends,
 * or with drm_svm_ufence_free() when the work is not queued after all.
 *
 * Returns: 0; -EINVAL for a bad chain or fence (see &struct
 * drm_svm_ext_user_fence), -E2BIG for a chain too long, -EFAULT for an
 * unreadable chain or a word that cannot be written, -ENOMEM, -EINTR.
 */
int drm_svm_ufence_from_user(struct drm_svm_mirror *mirror, const char *what,
			     u64 extensions, struct drm_svm_ufence **ufence)
{
	struct drm_svm_ufence_parse parse = {
		.drm = mirror->sdev->drm,
		.what = what,
	};
	struct drm_svm_ufence *uf;
	int err;

	*ufence = NULL;
	err = drm_svm_user_extensions(extensions, drm_svm_ufence_ext_fns,
				      ARRAY_SIZE(drm_svm_ufence_ext_fns),
				      &parse);
	if (err) {
		drm_dbg(parse.drm, "%s: bad extension chain (%d)\n", what, err);
		return err;
	}
	if (!parse.found)
		return 0;

	err = drm_svm_ufence_probe(parse.ext.addr);
	if (!err && parse.ext.error_addr)
		err = drm_svm_ufence_probe(parse.ext.error_addr);
	if (err) {
		drm_dbg(parse.drm,
			"%s: user fence at %#llx, result at %#llx: %d\n",
			what, parse.ext.addr, parse.ext.error_addr, err);
		return err;
	}

	uf = kzalloc(sizeof(*uf), GFP_KERNEL_ACCOUNT);
	if (!uf)
		return -ENOMEM;
	uf->addr = parse.ext.addr;
	uf->error_addr = parse.ext.error_addr;
	uf->value = parse.ext.value;
	uf->svm_mm = mirror->svm_mm;
	drm_svm_mm_get(uf->svm_mm);
	*ufence = uf;
	return 0;
}
EXPORT_SYMBOL_GPL(drm_svm_ufence_from_user);

/*
 * Store the result, then the value, in the process's memory: from a
 * kernel thread (the driver's and the core's workers) through
 * kthread_use_mm(), or from the process itself. A process that exited
 * has nobody left to tell; a store to memory no longer mapped writable
 * is lost.
 */
static void drm_svm_ufence_store(struct drm_svm_ufence *ufence, int error)
{
	struct mm_struct *mm = ufence->svm_mm->mm;
	bool use = current->mm != mm;

	if (use) {
		if (WARN_ON_ONCE(!(current->flags & PF_KTHREAD) ||
				 current->mm) || !mmget_not_zero(mm))
			return;
		kthread_use_mm(mm);
	}
	if (ufence->error_addr &&
	    put_user((s64)error, (s64 __user *)u64_to_user_ptr(ufence->error_addr)))
		pr_debug("drm_svm: user fence result at %#llx lost\n",
			 ufence->error_addr);
	/* The result before the value: a reader that sees one sees both. */
	smp_wmb();
	if (put_user(ufence->value,
		     (u64 __user *)u64_to_user_ptr(ufence->addr)))
		pr_debug("drm_svm: user fence at %#llx lost\n", ufence->addr);
	if (use) {
		kthread_unuse_mm(mm);
		mmput(mm);
	}
}

/**
 * drm_svm_ufence_free() - Drop a user fence whose work was not queued
 * @ufence: the fence, or NULL
 *
 * Nothing is stored. Process context, no SVM lock held.
 */
void drm_svm_ufence_free(struct drm_svm_ufence *ufence)
{
	if (!ufence)
		return;
	drm_svm_mm_put(ufence->svm_mm);
	kfree(ufence);
}
EXPORT_SYMBOL_GPL(drm_svm_ufence_free);

/**
 * drm_svm_ufence_signal() - End the work of a user fence
 * @ufence: the fence, or NULL
 * @error: the work's result: 0, or the negative errno it failed with
 *
 * Stores @error in the result word, if the fence has one, then the value,
 * each visible before what follows, wakes the process's waiters and
 * frees the fence. The stores may fault, as the process's own would.
 * Must be called from a kernel thread (a worker) or the process itself,
 * with no SVM lock held.
 */
void drm_svm_ufence_signal(struct drm_svm_ufence *ufence, int error)
{
	if (!ufence)
		return;

	drm_svm_ufence_store(ufence, error);
	/*
	 * The wake-up takes the queue's lock, which orders the stores
	 * before any waiter's read that follows its queueing.
	 */
	wake_up_all(&ufence->svm_mm->ufence_wq);
	drm_svm_ufence_free(ufence);
}
EXPORT_SYMBOL_GPL(drm_svm_ufence_signal);

static bool drm_svm_ufence_compare(u64 word,
				   const struct drm_svm_wait_user_fence *args)
{
	u64 value = args->value & args->mask;

	word &= args->mask;
	switch (args->op) {
	case DRM_SVM_UFENCE_WAIT_EQ:
		return word == value;
	case DRM_SVM_UFENCE_WAIT_NEQ:
		return word != value;
	case DRM_SVM_UFENCE_WAIT_GT:
		return word > value;
	case DRM_SVM_UFENCE_WAIT_GTE:
		return word >= value;
	case DRM_SVM_UFENCE_WAIT_LT:
		return word < value;
	default:
		return word <= value;
	}
}

/* Read the watched word: 1 when the condition holds, 0 if not, -EFAULT. */
static int drm_svm_ufence_check(const struct drm_svm_wait_user_fence *args)
{
	u64 word;

	if (get_user(word, (u64 __user *)u64_to_user_ptr(args->addr)))
		return -EFAULT;
	return drm_svm_ufence_compare(word, args);
}

/*
 * Wait on the queue until the condition holds or @deadline passes (never,
 * when it is KTIME_MAX). Queued before each read of the word, so that a
 * store made after the read wakes the wait.
 */
static int drm_svm_ufence_wait(wait_queue_head_t *wq,
			       const struct drm_svm_wait_user_fence *args,
			       ktime_t deadline)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	long timeout = MAX_SCHEDULE_TIMEOUT;
	s64 left;
	int ret;

	add_wait_queue(wq, &wait);
	for (;;) {
		ret = drm_svm_ufence_check(args);
		if (ret)
			break;
		if (deadline != KTIME_MAX) {
			left = ktime_to_ns(ktime_sub(deadline, ktime_get()));
			if (left <= 0) {
				ret = -ETIME;
				break;
			}
			timeout = max(nsecs_to_jiffies(left), 1ul);
		}
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		wait_woken(&wait, TASK_INTERRUPTIBLE, timeout);
	}
	remove_wait_queue(wq, &wait);
	return ret < 0 ? ret : 0;
}

/**
 * drm_svm_ioctl_wait_user_fence() - Implement the user fence wait
 * @sdev: the device the ioctl came on, for the log
 * @args: the ioctl arguments (&struct drm_svm_wait_user_fence)
 *
 * Waits on the calling process's own queue, for work of any device.
 * Drivers call it outside their drm_dev_enter() section.
 *
 * Returns: 0, or the errors documented for &struct
 * drm_svm_wait_user_fence (-ERESTARTSYS for a signal).
 */
int drm_svm_ioctl_wait_user_fence(struct drm_svm_device *sdev,
				  struct drm_svm_wait_user_fence *args)
{
	struct drm_svm_mm *svm_mm;
	ktime_t deadline;
	int err;

	err = drm_svm_ioctl_check(sdev->drm, "wait user fence",
				  args->extensions, args->flags,
				  args->reserved, sizeof(args->reserved));
	if (err)
		return err;
	if (args->op > DRM_SVM_UFENCE_WAIT_LTE || !args->addr ||
	    !IS_ALIGNED(args->addr, sizeof(u64)) || !current->mm) {
		drm_dbg(sdev->drm, "wait user fence: op %u at %#llx\n",
			args->op, args->addr);
		return -EINVAL;
	}

	/* A negative timeout, or one past the end of time, waits forever. */
	if (args->timeout_ns < 0 ||
	    check_add_overflow(ktime_get(), (ktime_t)args->timeout_ns,
			       &deadline))
		deadline = KTIME_MAX;

	/* A word that holds already, or a poll, needs no queue. */
	err = drm_svm_ufence_check(args);
	if (err > 0) {
		err = 0;
	} else if (!err && !args->timeout_ns) {
		err = -ETIME;
	} else if (!err) {
		svm_mm = drm_svm_mm_find_or_create(current->mm);
		if (IS_ERR(svm_mm))
			return PTR_ERR(svm_mm);
		err = drm_svm_ufence_wait(&svm_mm->ufence_wq, args, deadline);
		drm_svm_mm_put(svm_mm);
	}
	if (!err) {
		/*
		 * Acquire, pairing with drm_svm_ufence_store()'s smp_wmb():
		 * the result stored before the value is seen after the wait.
		 */
		smp_rmb();
	}

	if (deadline != KTIME_MAX)
		args->timeout_ns = err == -ETIME ? 0 :
			max_t(s64, 0, ktime_to_ns(ktime_sub(deadline,
							    ktime_get())));
	if (err == -EFAULT)
		drm_dbg(sdev->drm, "wait user fence: %#llx unreadable\n",
			args->addr);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_ioctl_wait_user_fence);

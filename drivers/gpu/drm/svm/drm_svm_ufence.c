// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/overflow.h>
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
 * drm_svm_ufence_from_user() parses the extension and pins the pages of
 * the value word and of the optional result word. The work then ends
 * with drm_svm_ufence_signal(), which stores both through kernel
 * mappings of the pinned pages, so that it neither faults nor needs the
 * address space: it works from any worker, after the process exited, and
 * while the device goes away. Pinning keeps the pages in system memory
 * until then (a migration skips them), and a fence whose memory was
 * unmapped meanwhile stores into pages that no longer belong to the
 * process. The store wakes the waiters on &drm_svm_mm.ufence_wq, the
 * process's own queue, which the fence holds a reference to. Each pin
 * adds to the page's reference count, so a process has at most
 * %DRM_SVM_MAX_USER_FENCES fences of unfinished work (-EAGAIN beyond).
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
	/** @svm_mm: The process whose waiters the store wakes; a reference */
	struct drm_svm_mm *svm_mm;
	/** @value_page: Pinned page of the value word */
	struct page *value_page;
	/** @error_page: Pinned page of the result word, or NULL */
	struct page *error_page;
	/** @value: The value to store */
	u64 value;
	/** @value_offset: Offset of the value word in @value_page */
	u16 value_offset;
	/** @error_offset: Offset of the result word in @error_page */
	u16 error_offset;
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
	    memchr_inv(ext->reserved, 0, sizeof(ext->reserved))) {
		drm_dbg(parse->drm,
			"%s: user fence at %#llx, result at %#llx: misaligned, zero or reserved set\n",
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
 * Pin the page of a user word for the store, in system memory: long-term,
 * so that device memory never holds it (a device going away would wait
 * for the pin). -EFAULT when the word is not writable.
 */
static int drm_svm_ufence_pin(u64 addr, struct page **page, u16 *offset)
{
	int ret;

	ret = pin_user_pages_fast(addr & PAGE_MASK, 1,
				  FOLL_WRITE | FOLL_LONGTERM, page);
	if (ret == 1) {
		*offset = offset_in_page(addr);
		return 0;
	}
	return ret == -ENOMEM || ret == -EINTR ? ret : -EFAULT;
}

/**
 * drm_svm_ufence_from_user() - Take the user fence of an ioctl
 * @mirror: the VM the work runs on, of the calling process
 * @what: the ioctl's name, for the log
 * @extensions: the ioctl's &drm_svm_user_extension chain, whose only
 *		extension may be a &struct drm_svm_ext_user_fence
 * @ufence: out: the fence, or NULL when the chain has none
 *
 * Pins the pages of the fence's words: the caller ends the fence with
 * drm_svm_ufence_signal() when the work ends, or with
 * drm_svm_ufence_free() when the work is not queued after all.
 *
 * Returns: 0; -EINVAL for a bad chain or fence (see &struct
 * drm_svm_ext_user_fence), -E2BIG for a chain too long, -EFAULT for an
 * unreadable chain or a word that cannot be written, -EAGAIN when the
 * process has %DRM_SVM_MAX_USER_FENCES fences already, -ENOMEM, -EINTR.
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

	if (!atomic_add_unless(&mirror->svm_mm->ufences, 1,
			       DRM_SVM_MAX_USER_FENCES)) {
		drm_dbg(parse.drm, "%s: %u user fences in flight already\n",
			what, DRM_SVM_MAX_USER_FENCES);
		return -EAGAIN;
	}
	uf = kzalloc(sizeof(*uf), GFP_KERNEL_ACCOUNT);
	if (!uf) {
		err = -ENOMEM;
		goto err_uncount;
	}
	err = drm_svm_ufence_pin(parse.ext.addr, &uf->value_page,
				 &uf->value_offset);
	if (err)
		goto err_free;
	if (parse.ext.error_addr) {
		err = drm_svm_ufence_pin(parse.ext.error_addr, &uf->error_page,
					 &uf->error_offset);
		if (err)
			goto err_unpin_value;
	}
	uf->value = parse.ext.value;
	uf->svm_mm = mirror->svm_mm;
	kref_get(&uf->svm_mm->ref);
	*ufence = uf;
	return 0;

err_unpin_value:
	unpin_user_page(uf->value_page);
err_free:
	drm_dbg(parse.drm, "%s: user fence at %#llx, result at %#llx: %d\n",
		what, parse.ext.addr, parse.ext.error_addr, err);
	kfree(uf);
err_uncount:
	atomic_dec(&mirror->svm_mm->ufences);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_ufence_from_user);

static void drm_svm_ufence_store(struct page *page, u16 offset, u64 value)
{
	u64 *word = kmap_local_page(page) + offset;

	WRITE_ONCE(*word, value);
	kunmap_local(word);
}

/* Unpin the fence's pages, dirty when stored to, and free it. */
static void drm_svm_ufence_release(struct drm_svm_ufence *ufence, bool dirty)
{
	if (ufence->error_page)
		unpin_user_pages_dirty_lock(&ufence->error_page, 1, dirty);
	unpin_user_pages_dirty_lock(&ufence->value_page, 1, dirty);
	atomic_dec(&ufence->svm_mm->ufences);
	drm_svm_mm_put(ufence->svm_mm);
	kfree(ufence);
}

/**
 * drm_svm_ufence_signal() - End the work of a user fence
 * @ufence: the fence, or NULL
 * @error: the work's result: 0, or the negative errno it failed with
 *
 * Stores @error in the result word, if the fence has one, then the value,
 * each visible before what follows, wakes the process's waiters and
 * frees the fence. Must be called from process context with no SVM lock
 * held.
 */
void drm_svm_ufence_signal(struct drm_svm_ufence *ufence, int error)
{
	if (!ufence)
		return;

	if (ufence->error_page)
		drm_svm_ufence_store(ufence->error_page, ufence->error_offset,
				     (u64)(s64)error);
	/* The result before the value: a reader that sees one sees both. */
	smp_wmb();
	drm_svm_ufence_store(ufence->value_page, ufence->value_offset,
			     ufence->value);
	/* Pairs with the waiter's queueing before it reads the word. */
	smp_mb();
	wake_up_all(&ufence->svm_mm->ufence_wq);
	drm_svm_ufence_release(ufence, true);
}
EXPORT_SYMBOL_GPL(drm_svm_ufence_signal);

/**
 * drm_svm_ufence_free() - Drop a user fence whose work was not queued
 * @ufence: the fence, or NULL
 *
 * Nothing is stored. Process context, no SVM lock held.
 */
void drm_svm_ufence_free(struct drm_svm_ufence *ufence)
{
	if (ufence)
		drm_svm_ufence_release(ufence, false);
}
EXPORT_SYMBOL_GPL(drm_svm_ufence_free);

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

	svm_mm = drm_svm_mm_get(current->mm);
	if (IS_ERR(svm_mm))
		return PTR_ERR(svm_mm);
	/* A negative timeout, or one past the end of time, waits forever. */
	if (args->timeout_ns < 0 ||
	    check_add_overflow(ktime_get(), (ktime_t)args->timeout_ns,
			       &deadline))
		deadline = KTIME_MAX;
	err = drm_svm_ufence_wait(&svm_mm->ufence_wq, args, deadline);
	drm_svm_mm_put(svm_mm);

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

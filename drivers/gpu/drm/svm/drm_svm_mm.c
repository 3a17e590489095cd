// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <kunit/visibility.h>
#include <linux/hashtable.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "drm_svm_internal.h"
#include "drm_svm_trace.h"

/**
 * DOC: Per-process state
 *
 * Everything the core knows about a process lives once per mm in a
 * &struct drm_svm_mm, whichever devices, files and VMs mirror it: the
 * notifier lock, the tree of bindings by CPU address, the mmu interval
 * notifiers and the memory attributes (see Attributes). An invalidation
 * therefore walks one tree and reaches every mirror, on every device,
 * that maps the range.
 *
 * The notifiers watch the mm in aligned windows of DRM_SVM_WINDOW_SIZE,
 * created on the first fault in a window and kept until the last mirror
 * of the mm goes away. A chunk never crosses a window, so one notifier
 * sequence number covers each fault. An invalidation that may not sleep
 * (the OOM reaper's) goes through when no binding covers its range, and
 * is refused otherwise, since the drivers' zaps may sleep.
 *
 * Lifetime: each mirror holds a reference from creation until its VM is
 * destroyed; the state holds the mm_struct with mmgrab(), never the
 * address space. A process that exits first tears its address space down
 * through the notifiers (every device mapping is zapped); its VMs then
 * fail every later fault until their files are closed. A process that
 * closes its files first drops the state at the last close.
 */

/**
 * DOC: Invalidation
 *
 * Every change of the CPU page table over a bound range reaches the core
 * through the notifier of its window, which zaps the range in every
 * mirror that binds it, on every device, before it returns: after that
 * the kernel may free or move the pages. A zap is the driver's
 * &drm_svm_ops.invalidate (clear the entries, flush the TLB), then the
 * unmap of the range's DMA addresses, then, for a no-fault VM, the record
 * that the range must be mapped again.
 *
 * A TLB flush takes the device some time, and for memory mirrored on
 * several devices the flushes would add up if each were waited for in
 * turn. A driver that provides &drm_svm_ops.invalidate_wait therefore
 * only starts its flush in &drm_svm_ops.invalidate. The notifier calls
 * &drm_svm_ops.invalidate for every binding of the range first, then, in
 * a second pass over the same bindings, waits for each driver and unmaps
 * the DMA addresses: the flushes of all the devices overlap, and no DMA
 * address is unmapped while a device may still use it. Both passes run
 * under the notifier lock held for write, so no binding comes or goes
 * between them. Zaps of one mirror (bind, unbind, the release of pins)
 * wait right after they start.
 *
 * The ``invalidate`` phase timer (DOC: Phase timers) counts the first
 * half of each zap, ``invalidate_wait`` the wait.
 */

/**
 * DOC: Memory accounting
 *
 * What a process makes the kernel keep is charged to its memory cgroup,
 * so that a process creating VMs, bindings or jobs without end hits its
 * own cgroup's limit (-ENOMEM, or that cgroup's OOM killer), not the
 * machine's: the per-mm state, each VM and its scratch arrays, handles,
 * bindings, notifier windows, DMA chunks, migration cache entries and
 * queued prefetches are allocated with %GFP_KERNEL_ACCOUNT, as are the
 * drivers' per-file, per-VM and per-job objects and page tables.
 *
 * A kworker's own memory cgroup is the root one. Work that runs for a VM
 * in a worker (an asynchronous prefetch, a driver's GPU job and the
 * faults it services) therefore runs between drm_svm_memcg_enter() and
 * drm_svm_memcg_exit(), which charge it to the cgroup of the process
 * whose mm the VM mirrors, where the process's own page faults would be
 * charged. Temporary buffers freed before an ioctl returns are not
 * accounted.
 */

static DEFINE_HASHTABLE(svm_mm_table, 6);
static DEFINE_MUTEX(svm_mm_table_lock);

static bool drm_svm_window_invalidate(struct mmu_interval_notifier *notifier,
				      const struct mmu_notifier_range *range,
				      unsigned long cur_seq);

static const struct mmu_interval_notifier_ops drm_svm_window_ops = {
	.invalidate = drm_svm_window_invalidate,
};

/**
 * drm_svm_mm_find_or_create() - Find or create the SVM state of an mm
 * @mm: the address space, normally current->mm
 *
 * Returns: a referenced &struct drm_svm_mm, or ERR_PTR(-ENOMEM).
 */
struct drm_svm_mm *drm_svm_mm_find_or_create(struct mm_struct *mm)
{
	struct drm_svm_mm *svm_mm;

	mutex_lock(&svm_mm_table_lock);
	hash_for_each_possible(svm_mm_table, svm_mm, node, (unsigned long)mm) {
		if (svm_mm->mm == mm) {
			kref_get(&svm_mm->ref);
			goto out_unlock;
		}
	}

	svm_mm = kzalloc(sizeof(*svm_mm), GFP_KERNEL_ACCOUNT);
	if (!svm_mm) {
		svm_mm = ERR_PTR(-ENOMEM);
		goto out_unlock;
	}
	kref_init(&svm_mm->ref);
	mmgrab(mm);
	svm_mm->mm = mm;
	svm_mm->pid = task_tgid_nr(current);
	init_rwsem(&svm_mm->notifier_lock);
	svm_mm->cpu_tree = RB_ROOT_CACHED;
	mutex_init(&svm_mm->window_lock);
	xa_init(&svm_mm->windows);
	drm_svm_attr_tree_init(&svm_mm->attrs);
	mutex_init(&svm_mm->attr_mutex);
	spin_lock_init(&svm_mm->migrations_lock);
	INIT_LIST_HEAD(&svm_mm->migrations);
	drm_svm_mcache_init(&svm_mm->mcache);
	init_waitqueue_head(&svm_mm->ufence_wq);

	/* The notifier lock is taken in reclaim: teach lockdep early. */
	fs_reclaim_acquire(GFP_KERNEL);
	might_lock(&svm_mm->notifier_lock);
	fs_reclaim_release(GFP_KERNEL);

	hash_add(svm_mm_table, &svm_mm->node, (unsigned long)mm);
out_unlock:
	mutex_unlock(&svm_mm_table_lock);
	return svm_mm;
}

static void drm_svm_mm_release(struct kref *ref)
{
	struct drm_svm_mm *svm_mm = container_of(ref, struct drm_svm_mm, ref);
	struct drm_svm_window *window;
	unsigned long index;

	hash_del(&svm_mm->node);
	mutex_unlock(&svm_mm_table_lock);

	WARN_ON(!RB_EMPTY_ROOT(&svm_mm->cpu_tree.rb_root));
	xa_for_each(&svm_mm->windows, index, window) {
		mmu_interval_notifier_remove(&window->notifier);
		kfree(window);
	}
	xa_destroy(&svm_mm->windows);
	mutex_destroy(&svm_mm->window_lock);
	/* After the notifiers: munmap no longer walks the blocks. */
	drm_svm_mcache_fini(&svm_mm->mcache);
	drm_svm_attr_fini(svm_mm);
	mmdrop(svm_mm->mm);
	kfree(svm_mm);
}

/**
 * drm_svm_mm_put() - Drop a reference on per-process state
 * @svm_mm: the state
 *
 * The last reference removes the notifiers and releases the mm_struct.
 * Must not be called with any SVM lock held.
 */
void drm_svm_mm_put(struct drm_svm_mm *svm_mm)
{
	kref_put_mutex(&svm_mm->ref, drm_svm_mm_release, &svm_mm_table_lock);
}

/**
 * drm_svm_mm_for_each() - Call a function on every per-process state
 * @fn: the function; called with the global table lock held, so it must
 *	not take a reference or sleep for long
 * @data: passed to @fn
 */
void drm_svm_mm_for_each(void (*fn)(struct drm_svm_mm *svm_mm, void *data),
			 void *data)
{
	struct drm_svm_mm *svm_mm;
	unsigned int bkt;

	mutex_lock(&svm_mm_table_lock);
	hash_for_each(svm_mm_table, bkt, svm_mm, node)
		fn(svm_mm, data);
	mutex_unlock(&svm_mm_table_lock);
}

/**
 * drm_svm_window_get() - Find or create the notifier window over an address
 * @svm_mm: the per-process state
 * @addr: a CPU address in the window
 *
 * The caller holds a reference on the address space (mmget()) and no
 * mmap lock: creating the notifier may take the mmap lock for write.
 *
 * Returns: the window, or an ERR_PTR() on allocation failure.
 */
struct drm_svm_window *drm_svm_window_get(struct drm_svm_mm *svm_mm,
					  unsigned long addr)
{
	unsigned long index = addr >> DRM_SVM_WINDOW_SHIFT;
	struct drm_svm_window *window;
	int err;

	window = xa_load(&svm_mm->windows, index);
	if (window)
		return window;

	mutex_lock(&svm_mm->window_lock);
	window = xa_load(&svm_mm->windows, index);
	if (window)
		goto out_unlock;

	window = kzalloc(sizeof(*window), GFP_KERNEL_ACCOUNT);
	if (!window) {
		err = -ENOMEM;
		goto err_unlock;
	}
	window->svm_mm = svm_mm;
	err = mmu_interval_notifier_insert(&window->notifier, svm_mm->mm,
					   index << DRM_SVM_WINDOW_SHIFT,
					   DRM_SVM_WINDOW_SIZE,
					   &drm_svm_window_ops);
	if (err)
		goto err_free;

	err = xa_err(xa_store(&svm_mm->windows, index, window,
			      GFP_KERNEL_ACCOUNT));
	if (err)
		goto err_remove;
out_unlock:
	mutex_unlock(&svm_mm->window_lock);
	return window;

err_remove:
	mmu_interval_notifier_remove(&window->notifier);
err_free:
	kfree(window);
err_unlock:
	mutex_unlock(&svm_mm->window_lock);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_window_get);

/**
 * drm_svm_cpu_tree_insert() - Make a binding visible to invalidations
 * @svm_mm: the per-process state
 * @b: the binding, with its CPU range set
 *
 * Caller holds the notifier lock for write.
 */
void drm_svm_cpu_tree_insert(struct drm_svm_mm *svm_mm,
			     struct drm_svm_binding *b)
{
	lockdep_assert_held_write(&svm_mm->notifier_lock);

	b->cpu_node.start = binding_cpu_start(b);
	b->cpu_node.last = binding_cpu_start(b) + b->va.va.range - 1;
	interval_tree_insert(&b->cpu_node, &svm_mm->cpu_tree);
}

/**
 * drm_svm_cpu_tree_remove() - Hide a binding from invalidations
 * @svm_mm: the per-process state
 * @b: the binding
 *
 * Caller holds the notifier lock for write.
 */
void drm_svm_cpu_tree_remove(struct drm_svm_mm *svm_mm,
			     struct drm_svm_binding *b)
{
	lockdep_assert_held_write(&svm_mm->notifier_lock);

	interval_tree_remove(&b->cpu_node, &svm_mm->cpu_tree);
}

/*
 * First half of an invalidation: grow the range over the huge DMA
 * mappings it cuts into, and have the driver clear its entries and start
 * its TLB flush.
 */
static void drm_svm_invalidate_start(struct drm_svm_mirror *mirror, u64 start,
				     u64 end, enum drm_svm_inval_reason reason)
{
	struct drm_svm_device *sdev = mirror->sdev;
	u64 t0;

	drm_svm_dma_cover(mirror, &start, &end);
	trace_drm_svm_invalidate(mirror->svm_mm->pid, sdev->id, start, end,
				 reason);
	drm_svm_count(mirror->svm_mm, sdev, invalidations, 1);
	t0 = drm_svm_phase_start();
	sdev->ops->invalidate(mirror, start, end, reason);
	drm_svm_phase_end(sdev, DRM_SVM_PHASE_INVALIDATE,
			  (end - start) >> PAGE_SHIFT, t0);
}

/*
 * Second half: wait for the driver's flush, then unmap the DMA addresses
 * of the same range, which drm_svm_invalidate_start() left as they were.
 */
static void drm_svm_invalidate_finish(struct drm_svm_mirror *mirror, u64 start,
				      u64 end, enum drm_svm_inval_reason reason)
{
	struct drm_svm_device *sdev = mirror->sdev;
	unsigned long npages;
	u64 t0;

	drm_svm_dma_cover(mirror, &start, &end);
	npages = (end - start) >> PAGE_SHIFT;
	if (sdev->ops->invalidate_wait) {
		t0 = drm_svm_phase_start();
		sdev->ops->invalidate_wait(mirror);
		drm_svm_phase_end(sdev, DRM_SVM_PHASE_INVALIDATE_WAIT, npages,
				  t0);
	}
	t0 = drm_svm_phase_start();
	drm_svm_dma_unmap(mirror, start, end);
	drm_svm_phase_end(sdev, DRM_SVM_PHASE_DMA_UNMAP, npages, t0);
	if (mirror->no_faults && reason != DRM_SVM_INVAL_UNBIND)
		drm_svm_mirror_stale(mirror, start, end);
}

/**
 * drm_svm_invalidate() - Have the driver drop device mappings of a GPU range
 * @mirror: the mirror
 * @start: first GPU address
 * @end: GPU address past the range
 * @reason: why, for the driver (&enum drm_svm_inval_reason)
 *
 * The range grows to cover every huge DMA mapping it cuts into, since one
 * of those is unmapped as a whole. The driver's mappings go first, then
 * the DMA mappings of the range. Caller holds the notifier lock for write.
 */
void drm_svm_invalidate(struct drm_svm_mirror *mirror, u64 start, u64 end,
			enum drm_svm_inval_reason reason)
{
	lockdep_assert_held_write(&mirror->svm_mm->notifier_lock);

	drm_svm_invalidate_start(mirror, start, end, reason);
	drm_svm_invalidate_finish(mirror, start, end, reason);
}

/* The reason an invalidation of binding @b gives its driver */
static enum drm_svm_inval_reason
drm_svm_reason_for(const struct drm_svm_binding *b, struct drm_svm_device *to,
		   enum drm_svm_inval_reason reason)
{
	return b->mirror->sdev == to ? DRM_SVM_INVAL_MIGRATE_SELF : reason;
}

/**
 * drm_svm_invalidate_cpu_range() - Drop every device mapping of a CPU range
 * @svm_mm: the per-process state
 * @start: first CPU address
 * @last: last CPU address of the range
 * @to: for %DRM_SVM_INVAL_MIGRATE, the device the pages move into, or NULL
 * @reason: why (&enum drm_svm_inval_reason); the mirrors of @to are told
 *	%DRM_SVM_INVAL_MIGRATE_SELF
 *
 * Invalidates the range in every mirror of the process that binds part
 * of it, in two passes (see DOC: Invalidation): every driver starts its
 * flush, then each is waited for and its DMA addresses unmapped. Caller
 * holds the notifier lock for write, which keeps the tree the same for
 * both passes.
 */
void drm_svm_invalidate_cpu_range(struct drm_svm_mm *svm_mm,
				  unsigned long start, unsigned long last,
				  struct drm_svm_device *to,
				  enum drm_svm_inval_reason reason)
{
	struct interval_tree_node *node;
	struct drm_svm_binding *b;
	int pass;

	lockdep_assert_held_write(&svm_mm->notifier_lock);
	for (pass = 0; pass < 2; pass++) {
		for (node = interval_tree_iter_first(&svm_mm->cpu_tree, start,
						     last);
		     node; node = interval_tree_iter_next(node, start, last)) {
			u64 delta, gstart, gend;

			b = container_of(node, struct drm_svm_binding, cpu_node);
			delta = binding_gpu_delta(b);
			gstart = max(start, node->start) + delta;
			gend = min(last, node->last) + 1 + delta;
			if (!pass)
				drm_svm_invalidate_start(b->mirror, gstart, gend,
							 drm_svm_reason_for(b, to,
									    reason));
			else
				drm_svm_invalidate_finish(b->mirror, gstart, gend,
							  drm_svm_reason_for(b, to,
									     reason));
		}
	}
}

/**
 * drm_svm_migration_begin() - Announce a migration the core starts
 * @svm_mm: the per-process state
 * @mig: the migration, on the caller's stack, with @mig->to set
 *
 * Until drm_svm_migration_end(), the invalidations that the calling task's
 * migrate_vma_setup() raises tell the mirrors of @mig->to that the pages
 * move into their own device's memory.
 */
void drm_svm_migration_begin(struct drm_svm_mm *svm_mm,
			     struct drm_svm_migration *mig)
{
	mig->task = current;
	spin_lock(&svm_mm->migrations_lock);
	list_add(&mig->link, &svm_mm->migrations);
	spin_unlock(&svm_mm->migrations_lock);
}

/**
 * drm_svm_migration_end() - The migration's invalidations are over
 * @svm_mm: the per-process state
 * @mig: the migration given to drm_svm_migration_begin()
 */
void drm_svm_migration_end(struct drm_svm_mm *svm_mm,
			   struct drm_svm_migration *mig)
{
	spin_lock(&svm_mm->migrations_lock);
	list_del(&mig->link);
	spin_unlock(&svm_mm->migrations_lock);
}

/* The device that a migration of the current task moves pages into. */
static struct drm_svm_device *drm_svm_migration_to(struct drm_svm_mm *svm_mm)
{
	struct drm_svm_device *to = NULL;
	struct drm_svm_migration *mig;

	spin_lock(&svm_mm->migrations_lock);
	list_for_each_entry(mig, &svm_mm->migrations, link) {
		if (mig->task == current) {
			to = mig->to;
			break;
		}
	}
	spin_unlock(&svm_mm->migrations_lock);
	return to;
}

static bool drm_svm_window_invalidate(struct mmu_interval_notifier *notifier,
				      const struct mmu_notifier_range *range,
				      unsigned long cur_seq)
{
	struct drm_svm_window *window =
		container_of(notifier, struct drm_svm_window, notifier);
	struct drm_svm_mm *svm_mm = window->svm_mm;
	unsigned long start = max(range->start, notifier->interval_tree.start);
	unsigned long last = min(range->end - 1, notifier->interval_tree.last);
	enum drm_svm_inval_reason reason = DRM_SVM_INVAL_CPU;
	struct drm_svm_device *to = NULL;

	/*
	 * Where the driver may not sleep (the OOM reaper), only a range no
	 * binding covers can be let go: there is nothing to zap.
	 */
	if (!mmu_notifier_range_blockable(range)) {
		if (!down_write_trylock(&svm_mm->notifier_lock))
			return false;
		if (interval_tree_iter_first(&svm_mm->cpu_tree, start, last)) {
			up_write(&svm_mm->notifier_lock);
			return false;
		}
		mmu_interval_set_seq(notifier, cur_seq);
		up_write(&svm_mm->notifier_lock);
		return true;
	}

	if (range->event == MMU_NOTIFY_UNMAP)
		drm_svm_mcache_unmap(svm_mm, start, last);
	if (range->event == MMU_NOTIFY_RELEASE) {
		reason = DRM_SVM_INVAL_RELEASE;
	} else if (range->event == MMU_NOTIFY_MIGRATE &&
		   range->owner == drm_svm_pgmap_owner()) {
		reason = DRM_SVM_INVAL_MIGRATE;
		to = drm_svm_migration_to(svm_mm);
	}

	down_write(&svm_mm->notifier_lock);
	mmu_interval_set_seq(notifier, cur_seq);
	drm_svm_invalidate_cpu_range(svm_mm, start, last, to, reason);
	up_write(&svm_mm->notifier_lock);
	return true;
}

/**
 * drm_svm_memcg_enter() - Charge a worker's allocations to a VM's process
 * @mirror: the VM the work is done for
 * @scope: filled in, for drm_svm_memcg_exit()
 *
 * From now until drm_svm_memcg_exit(), the calling task's
 * %__GFP_ACCOUNT allocations are charged to the memory cgroup that the
 * owner of the VM's mm is in now, see DOC: Memory accounting. Calls do
 * not nest across VMs: exit before entering another VM's scope.
 *
 * Context: process context, may sleep.
 */
void drm_svm_memcg_enter(struct drm_svm_mirror *mirror,
			 struct drm_svm_memcg_scope *scope)
{
	scope->memcg = get_mem_cgroup_from_mm(mirror->svm_mm->mm);
	scope->old = set_active_memcg(scope->memcg);
}
EXPORT_SYMBOL_GPL(drm_svm_memcg_enter);

/**
 * drm_svm_memcg_exit() - End a scope opened by drm_svm_memcg_enter()
 * @scope: the scope
 */
void drm_svm_memcg_exit(struct drm_svm_memcg_scope *scope)
{
	set_active_memcg(scope->old);
	mem_cgroup_put(scope->memcg);
}
EXPORT_SYMBOL_GPL(drm_svm_memcg_exit);

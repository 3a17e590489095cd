// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/log2.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <drm/drm_device.h>
#include <drm/drm_print.h>

#include "drm_svm_internal.h"
#include "drm_svm_trace.h"

/**
 * DOC: Device memory
 *
 * Overview
 * --------
 *
 * A driver hands its memory (VRAM) to the core with drm_svm_devmem_init(),
 * which makes it ZONE_DEVICE pages (see Device pages).
 *
 * Memory is handed out in blocks (&struct drm_svm_devmem_alloc), one per
 * migrated chunk, from the driver's &drm_svm_devmem_ops.alloc. Blocks sit
 * on a least-recently-used list; a GPU fault that maps a block's pages
 * moves it to the tail, and pins it until the fault batch (or prefetch)
 * ends. When an allocation fails with -ENOSPC, the core frees what the
 * allocation needs: one naturally aligned region of its size (as a buddy
 * allocator places blocks), the one around the least recently used
 * block whose region holds no pinned block. Every page in use there, of
 * whichever blocks and processes, moves back to system memory with
 * migrate_device_range(), which needs no address space, and the
 * allocation is retried. Freeing as many pages scattered over the memory
 * would move others' data and still leave no block of the size. When
 * that fails too, the chunk stays in system memory: a batch that needs
 * more memory than the device has completes, partly from system memory,
 * instead of evicting its own chunks forever.
 *
 * A device page points at its block with page->zone_device_data, and the
 * block knows which of its pages hold data: a page does from the end of
 * its move in until its data moves out or it is freed. Eviction moves
 * only such pages. It also sees pages that a finished migration has
 * emptied and not yet freed (migrate_device_range() can take its
 * reference just before the migration's last put); moving one of those
 * would copy stale data and move its memcg charge twice.
 *
 * When the last page of a block is freed (dev_pagemap_ops.page_free), the
 * block goes to a free list that a worker hands back to the driver's
 * &drm_svm_devmem_ops.free, since page_free may run where the driver's
 * allocator lock cannot be taken. A block is given back whole, so a
 * chunk that is partly unmapped (munmap(), MADV_DONTNEED) would keep all
 * of its memory for the pages left. The first page freed with its data
 * still in it therefore queues the block for release. Once the block has
 * lost no page for a little while (the pages of a range unmapped whole go
 * one at a time, and then there is nothing left to move), a worker moves
 * the rest of its pages to system memory, as an eviction does, and the
 * block goes back. Each queued block waits for its own quiet time, so
 * that the release of another does not take it while its pages are still
 * going, short of a stall of the unmap itself. The next GPU fault there
 * migrates what is left of the range again, in blocks that fit it.
 * Nothing is released for a process that is exiting, nor once the memory
 * is draining.
 *
 * Locking
 * -------
 *
 * &drm_svm_devmem.lru_lock, a spinlock, protects the list and nests inside
 * every other lock. Migration runs with the mmap lock held for read and
 * the pages locked, outside the notifier lock, which migrate_vma_setup()
 * takes for write through the mmu notifier. Eviction runs with no mmap
 * lock held.
 *
 * Expected Driver Components
 * --------------------------
 *
 *  - a &struct drm_svm_devmem embedded in the device, and a call to
 *    drm_svm_devmem_init() after drm_svm_device_init();
 *  - an allocator for naturally aligned power-of-two blocks
 *    (&drm_svm_devmem_ops.alloc, &drm_svm_devmem_ops.free); drm_buddy
 *    fits;
 *  - a copy engine (&drm_svm_devmem_ops.copy), which for a device with
 *    links also reads the memory of the peers it reaches;
 *  - in &drm_svm_ops.map, the translation of device pages to device
 *    addresses: the device's own, and those of peers it reaches over a
 *    link (drm_svm_page_devmem() says whose a page is);
 *  - for several devices, the links and isolation groups (see Topology);
 *  - drm_svm_devmem_fini() when the device is released, and, for a device
 *    that can go away with files open, the unplug sequence (see Device
 *    pages).
 */

/* Give the blocks whose pages are all free back to the driver. */
static void drm_svm_devmem_free_work(struct work_struct *work)
{
	struct drm_svm_devmem *dm =
		container_of(work, struct drm_svm_devmem, free_work);
	struct drm_svm_devmem_alloc *alloc, *next;
	struct llist_node *nodes = llist_del_all(&dm->free_list);

	llist_for_each_entry_safe(alloc, next, nodes, free_node) {
		spin_lock(&dm->lru_lock);
		list_del(&alloc->lru);
		spin_unlock(&dm->lru_lock);

		dm->ops->free(dm, alloc->pfn, alloc->npages, alloc->priv);
		drm_svm_count(alloc->svm_mm, dm->sdev, vram_pages,
			      -(s64)alloc->npages);
		drm_svm_mm_put(alloc->svm_mm);
		kfree(alloc);
	}
}

/**
 * drm_svm_devmem_alloc_put() - Drop a use of a block
 * @alloc: the block
 *
 * The last use queues the block for freeing. Safe in any context.
 */
void drm_svm_devmem_alloc_put(struct drm_svm_devmem_alloc *alloc)
{
	struct drm_svm_devmem *dm = alloc->dm;

	if (refcount_dec_and_test(&alloc->users)) {
		llist_add(&alloc->free_node, &dm->free_list);
		queue_work(system_unbound_wq, &dm->free_work);
	}
}

/**
 * drm_svm_devmem_alloc() - Allocate a block of device memory
 * @dm: the device memory
 * @svm_mm: the process the data belongs to
 * @npages: size in pages, a power of two
 *
 * The block comes with one use held by the caller, dropped with
 * drm_svm_devmem_alloc_put(); drm_svm_devmem_alloc_page() adds one per
 * page handed out.
 *
 * Returns: the block, ERR_PTR(-ENOSPC) when the memory is full, or
 * another ERR_PTR().
 */
struct drm_svm_devmem_alloc *
drm_svm_devmem_alloc(struct drm_svm_devmem *dm, struct drm_svm_mm *svm_mm,
		     unsigned long npages)
{
	struct drm_svm_devmem_alloc *alloc;
	int err;

	alloc = kzalloc(struct_size(alloc, live, BITS_TO_LONGS(npages)),
			GFP_KERNEL_ACCOUNT);
	if (!alloc)
		return ERR_PTR(-ENOMEM);

	err = dm->ops->alloc(dm, npages, &alloc->pfn, &alloc->priv);
	if (err) {
		kfree(alloc);
		return ERR_PTR(err);
	}
	if (WARN_ON(alloc->pfn < dm->pfn_first ||
		    alloc->pfn + npages > dm->pfn_first + dm->npages)) {
		dm->ops->free(dm, alloc->pfn, npages, alloc->priv);
		kfree(alloc);
		return ERR_PTR(-EINVAL);
	}

	alloc->dm = dm;
	alloc->svm_mm = svm_mm;
	alloc->npages = npages;
	refcount_set(&alloc->users, 1);
	INIT_LIST_HEAD(&alloc->pin_link);
	drm_svm_mm_get(svm_mm);
	drm_svm_count(svm_mm, dm->sdev, vram_pages, npages);

	spin_lock(&dm->lru_lock);
	list_add_tail(&alloc->lru, &dm->lru);
	spin_unlock(&dm->lru_lock);
	return alloc;
}

/**
 * drm_svm_devmem_alloc_page() - Hand out one page of a block
 * @alloc: the block
 * @i: index of the page in the block
 *
 * Returns: the page, locked with one reference, as migrate_vma_pages()
 * wants its destination pages.
 */
struct page *drm_svm_devmem_alloc_page(struct drm_svm_devmem_alloc *alloc,
				       unsigned long i)
{
	struct page *page = pfn_to_page(alloc->pfn + i);

	zone_device_page_init(page);
	WRITE_ONCE(page->zone_device_data, alloc);
	refcount_inc(&alloc->users);
	return page;
}

/**
 * drm_svm_devmem_page_set_live() - Say whether a page holds data
 * @page: a page of a block, locked by the migration that just filled or
 *	  emptied it (migrate_vma_pages() or migrate_device_pages() has run)
 * @live: true when the page's data moved in, false when it moved out
 */
void drm_svm_devmem_page_set_live(struct page *page, bool live)
{
	struct drm_svm_devmem_alloc *alloc = page->zone_device_data;

	if (WARN_ON_ONCE(!alloc))
		return;
	if (live)
		set_bit(page_to_pfn(page) - alloc->pfn, alloc->live);
	else
		clear_bit(page_to_pfn(page) - alloc->pfn, alloc->live);
}

/**
 * drm_svm_devmem_page_live() - Whether a page holds data
 * @page: a page of a block, locked by the caller
 *
 * A page that migrate_device_range() locked may be one that a finished
 * migration has emptied (or never filled) and not yet freed: it is
 * unmapped, and its data is elsewhere or nowhere. Moving it again would
 * copy stale data and hand the kernel a second copy of the page's
 * metadata, memcg charge included, which went with the first.
 *
 * Returns: true when the page's data is in it.
 */
bool drm_svm_devmem_page_live(const struct page *page)
{
	const struct drm_svm_devmem_alloc *alloc = page->zone_device_data;

	return alloc && test_bit(page_to_pfn(page) - alloc->pfn, alloc->live);
}

/**
 * drm_svm_devmem_pin() - Pin a page's block for a fault batch, as just used
 * @mirror: the mirror whose fault batch maps the page
 * @dm: the device memory
 * @page: a page of @dm that is mapped and cannot be freed meanwhile (the
 *	  caller holds the notifier lock after a successful
 *	  mmu_interval_read_retry())
 *
 * Moves the block to the tail of the LRU and pins it until the batch
 * ends (drm_svm_devmem_unpin_all()): a batch whose faults need more
 * memory than the device has must not evict its own earlier chunks, or it
 * would never complete. The pin is a link in the batch's list, so it
 * needs no allocation under the notifier lock, and cannot fail. A block
 * that another batch already holds stays pinned until that batch ends.
 * Caller holds the mirror's lock.
 */
void drm_svm_devmem_pin(struct drm_svm_mirror *mirror,
			struct drm_svm_devmem *dm, struct page *page)
{
	struct drm_svm_devmem_alloc *alloc = page->zone_device_data;

	lockdep_assert_held(&mirror->lock);
	if (!alloc)
		return;
	spin_lock(&dm->lru_lock);
	list_move_tail(&alloc->lru, &dm->lru);
	if (list_empty(&alloc->pin_link)) {
		refcount_inc(&alloc->users);
		list_add(&alloc->pin_link, &mirror->pins);
	}
	spin_unlock(&dm->lru_lock);
}

/**
 * drm_svm_devmem_unpin_all() - End a fault batch's hold on device memory
 * @mirror: the mirror, with its lock held
 */
void drm_svm_devmem_unpin_all(struct drm_svm_mirror *mirror)
{
	struct drm_svm_devmem_alloc *alloc;
	struct drm_svm_devmem *dm;

	lockdep_assert_held(&mirror->lock);
	/* The list's blocks may be of several devices' memory. */
	while (!list_empty(&mirror->pins)) {
		alloc = list_first_entry(&mirror->pins,
					 struct drm_svm_devmem_alloc, pin_link);
		dm = alloc->dm;
		spin_lock(&dm->lru_lock);
		list_del_init(&alloc->pin_link);
		spin_unlock(&dm->lru_lock);
		drm_svm_devmem_alloc_put(alloc);
	}
}

/*
 * The region an allocation of @npages pages needs @alloc's pages out of:
 * naturally aligned, of the larger of the two sizes, as a buddy
 * allocator hands blocks out, and clipped to the memory.
 */
static void drm_svm_devmem_region(struct drm_svm_devmem *dm,
				  struct drm_svm_devmem_alloc *alloc,
				  unsigned long npages, unsigned long *pfn,
				  unsigned long *count)
{
	unsigned long size = roundup_pow_of_two(max(npages, alloc->npages));
	unsigned long off = ALIGN_DOWN(alloc->pfn - dm->pfn_first, size);

	*pfn = dm->pfn_first + off;
	*count = min(size, dm->npages - off);
}

/*
 * Whether a block in [@pfn, @pfn + @count) is pinned by a fault batch:
 * the region's pages name their blocks, so this costs at most @count
 * steps, whatever the number of blocks. A block a page still names cannot
 * be freed meanwhile: its free work takes the LRU lock, which is held.
 */
static bool drm_svm_devmem_region_pinned(struct drm_svm_devmem *dm,
					 unsigned long pfn, unsigned long count)
{
	struct drm_svm_devmem_alloc *alloc;
	unsigned long end = pfn + count;

	lockdep_assert_held(&dm->lru_lock);
	while (pfn < end) {
		alloc = READ_ONCE(pfn_to_page(pfn)->zone_device_data);
		if (!alloc) {
			pfn++;
			continue;
		}
		if (!list_empty(&alloc->pin_link))
			return true;
		pfn = max(pfn + 1, alloc->pfn + alloc->npages);
	}
	return false;
}

/*
 * The least recently used block in use whose region for @npages pages
 * (drm_svm_devmem_region()) holds no pinned block, with a use taken; the
 * region in *@pfn and *@count.
 */
static struct drm_svm_devmem_alloc *
drm_svm_devmem_lru_pick(struct drm_svm_devmem *dm, unsigned long npages,
			unsigned long *pfn, unsigned long *count)
{
	struct drm_svm_devmem_alloc *alloc, *found = NULL;

	spin_lock(&dm->lru_lock);
	list_for_each_entry(alloc, &dm->lru, lru) {
		if (!list_empty(&alloc->pin_link))
			continue;
		drm_svm_devmem_region(dm, alloc, npages, pfn, count);
		if (drm_svm_devmem_region_pinned(dm, *pfn, *count))
			continue;
		if (refcount_inc_not_zero(&alloc->users)) {
			found = alloc;
			/* Next time, try another one first. */
			list_move_tail(&alloc->lru, &dm->lru);
			break;
		}
	}
	spin_unlock(&dm->lru_lock);
	return found;
}

/**
 * drm_svm_devmem_evict() - Make room in device memory
 * @dm: the device memory
 * @npages: pages wanted
 *
 * Frees one naturally aligned region of at least @npages pages, which is
 * what the allocation that failed needs (freeing as many pages scattered
 * over the memory would not give it a block): the least recently used
 * block's region, skipping regions that hold a block pinned by a fault
 * batch in progress. Every page in use in the region, of any block and
 * any process, moves back to system memory; then the frees are waited
 * for. Pages that are busy (locked by a migration in progress) stay, and
 * the caller's retry may pick another region. Called with no mmap lock
 * held.
 *
 * Returns: 0 when something was evicted, -ENOSPC otherwise.
 */
int drm_svm_devmem_evict(struct drm_svm_devmem *dm, unsigned long npages)
{
	struct drm_svm_devmem_alloc *alloc;
	unsigned long pfn, count, budget;
	u64 t0 = drm_svm_phase_start();
	u32 id = dm->sdev->id;
	long moved = 0;

	/* Each pick goes to the tail: look at every block at most once. */
	spin_lock(&dm->lru_lock);
	budget = list_count_nodes(&dm->lru);
	spin_unlock(&dm->lru_lock);

	while (moved <= 0 && budget--) {
		alloc = drm_svm_devmem_lru_pick(dm, npages, &pfn, &count);
		if (!alloc)
			break;

		moved = drm_svm_migrate_pfns_to_ram(dm, pfn, count);
		trace_drm_svm_evict(id, pfn, count, moved);
		if (moved > 0)
			drm_svm_count(alloc->svm_mm, dm->sdev, evictions, 1);
		drm_svm_devmem_alloc_put(alloc);
	}
	flush_work(&dm->free_work);
	drm_svm_phase_end(dm->sdev, DRM_SVM_PHASE_EVICT, npages, t0);

	return moved > 0 ? 0 : -ENOSPC;
}

/*
 * How long a block that lost a page holding data must lose no other
 * before the rest moves out: the pages of a range unmapped whole go one
 * at a time, and once they are all gone the block goes without a copy.
 */
#define DRM_SVM_RELEASE_DELAY_MS	20

/*
 * Whether a block that lost a page holding data should give its memory
 * back: other pages still hold data of a process that is not exiting.
 */
static bool drm_svm_devmem_may_release(struct drm_svm_devmem_alloc *alloc)
{
	return !READ_ONCE(alloc->dm->draining) &&
	       refcount_read(&alloc->users) > 1 &&
	       atomic_read(&alloc->svm_mm->mm->mm_users);
}

/* Move the data left in a queued block out and drop the queue's use. */
static void drm_svm_devmem_release(struct drm_svm_devmem_alloc *alloc)
{
	struct drm_svm_devmem *dm = alloc->dm;
	struct mm_struct *mm = alloc->svm_mm->mm;
	long moved;

	if (drm_svm_devmem_may_release(alloc) && mmget_not_zero(mm)) {
		moved = drm_svm_migrate_pfns_to_ram(dm, alloc->pfn,
						    alloc->npages);
		trace_drm_svm_evict(dm->sdev->id, alloc->pfn, alloc->npages,
				    moved);
		mmput(mm);
	}
	drm_svm_devmem_alloc_put(alloc);
}

/*
 * Release the queued blocks that are due, or all of them when @now or
 * once the memory drains. The others go back on the list, and the work
 * comes again when the first of them is due: a block whose pages are
 * still being unmapped is not due, and a block queued while the work
 * waited for another waits its own delay.
 */
static void drm_svm_devmem_release_queued(struct drm_svm_devmem *dm, bool now)
{
	struct llist_node *nodes = llist_del_all(&dm->release_list);
	struct drm_svm_devmem_alloc *alloc, *next;
	unsigned long t, wait = ULONG_MAX, at;

	now |= READ_ONCE(dm->draining);
	llist_for_each_entry_safe(alloc, next, nodes, release_node) {
		at = READ_ONCE(alloc->release_at);
		t = jiffies;
		if (!now && time_before(t, at)) {
			llist_add(&alloc->release_node, &dm->release_list);
			wait = min(wait, at - t);
			continue;
		}
		drm_svm_devmem_release(alloc);
	}
	if (wait != ULONG_MAX)
		queue_delayed_work(system_unbound_wq, &dm->release_work, wait);
}

static void drm_svm_devmem_release_work(struct work_struct *work)
{
	struct drm_svm_devmem *dm =
		container_of(work, struct drm_svm_devmem, release_work.work);

	drm_svm_devmem_release_queued(dm, false);
}

/**
 * drm_svm_devmem_page_free() - A device page was freed
 * @page: the page, of the core's device memory
 *
 * The pagemap's page_free: the page's use of its block ends, and a block
 * whose data was freed in place is queued for release.
 */
void drm_svm_devmem_page_free(struct page *page)
{
	struct drm_svm_devmem_alloc *alloc = page->zone_device_data;
	struct drm_svm_devmem *dm;

	WRITE_ONCE(page->zone_device_data, NULL);
	if (!alloc)
		return;
	dm = alloc->dm;
	/* Data freed in place: the range was unmapped, or its process exits. */
	if (test_and_clear_bit(page_to_pfn(page) - alloc->pfn, alloc->live) &&
	    drm_svm_devmem_may_release(alloc)) {
		WRITE_ONCE(alloc->release_at, jiffies + dm->release_delay);
		if (!test_and_set_bit(0, &alloc->released)) {
			/* The page's use of the block passes to the queue. */
			llist_add(&alloc->release_node, &dm->release_list);
			queue_delayed_work(system_unbound_wq,
					   &dm->release_work,
					   dm->release_delay);
			return;
		}
	}
	drm_svm_devmem_alloc_put(alloc);
}

/**
 * drm_svm_devmem_blocks_init() - Set up the block lists of a device memory
 * @dm: the device memory, being set up by drm_svm_devmem_init()
 */
void drm_svm_devmem_blocks_init(struct drm_svm_devmem *dm)
{
	spin_lock_init(&dm->lru_lock);
	INIT_LIST_HEAD(&dm->lru);
	init_llist_head(&dm->free_list);
	INIT_WORK(&dm->free_work, drm_svm_devmem_free_work);
	init_llist_head(&dm->release_list);
	INIT_DELAYED_WORK(&dm->release_work, drm_svm_devmem_release_work);
	dm->release_delay = msecs_to_jiffies(DRM_SVM_RELEASE_DELAY_MS) + 1;
}

/**
 * drm_svm_devmem_in_use() - Device memory allocated
 * @dm: the device memory
 *
 * Releases the blocks queued for release at once, whether or not they are
 * due, and completes the frees already queued, so that memory whose pages
 * are all gone, or that only waits to be given back, is not counted. It
 * may move data (as drm_svm_migrate_pfns_to_ram() does): called with no
 * mmap lock or mirror lock held, and at most the device registry held for
 * reading (the debugfs device file holds it).
 *
 * Returns: bytes allocated to blocks.
 */
u64 drm_svm_devmem_in_use(struct drm_svm_devmem *dm)
{
	/*
	 * A run of the work in progress may put blocks back on the list
	 * after the forced release took it: wait for it (a new arming in
	 * the meantime is dropped), then release what is there.
	 */
	cancel_delayed_work_sync(&dm->release_work);
	drm_svm_devmem_release_queued(dm, true);
	flush_work(&dm->free_work);
	return (u64)atomic64_read(&dm->sdev->counters.vram_pages) << PAGE_SHIFT;
}
EXPORT_SYMBOL_GPL(drm_svm_devmem_in_use);

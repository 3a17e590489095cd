// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/hmm.h>
#include <linux/hugetlb.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/rmap.h>
#include <linux/sched/mm.h>
#include <linux/sort.h>
#include <linux/userfaultfd_k.h>

#include <drm/drm_print.h>
#include <uapi/drm/drm_svm.h>

#include "drm_svm_internal.h"
#include "drm_svm_trace.h"

/**
 * DOC: GPU page faults
 *
 * The driver reports the faults its device raised, several at once when
 * it can, with drm_svm_mirror_fault(). The core sorts them by address and
 * services each chunk (see Range chunks) once, however many faults
 * fall in it; a write fault in a chunk that was only faulted in for
 * reading is serviced again for writing.
 *
 * Faults on adjacent pages, a run of them up to a page without one or
 * with another access, are serviced together when their chunk is
 * smaller than the run (a 4 KiB granularity, a small device chunk size):
 * the chunk grows to the largest power of two that starts at the run's
 * next page, is aligned to its size and stays inside the run and the
 * chunk's limits but the granularity. A device that reports a storm of
 * faults on every page of a buffer gets one walk and one map per run
 * instead of one per page, and no page that no fault asked for is mapped
 * or moved. Not in a VMA that may hold copy-on-write pages (below).
 *
 * For one chunk, with the mirror's lock held:
 *
 *  1. the binding gives the CPU address and, with the VMA, the chunk;
 *  2. drm_svm_placement() decides whether the chunk moves first (see
 *     Placement); a move is best effort, the chunk is mapped wherever its
 *     pages end up;
 *  3. mmu_interval_read_begin() on the chunk's notifier window;
 *  4. hmm_range_fault() under the mmap read lock, faulting every page of
 *     the chunk in, for writing only if the access is a write, and taking
 *     the pages of every device as they are; -EBUSY restarts from 3. In a
 *     VMA that may hold copy-on-write pages (a private file mapping, or
 *     anonymous memory shared with a parent or a child since fork()), a
 *     write fault asks write access for its own page only and maps the
 *     others as they are, so that COW breaks where the device writes, as
 *     for the CPU: pages it never wrote go on following the file, and
 *     memory use grows by what is written. A prefetch there asks no write
 *     access, and drm_svm_mirror_populate() asks it for every page, as a
 *     userptr does;
 *  5. the notifier lock for read, then mmu_interval_read_retry(): if an
 *     invalidation ran since 3, drop the lock and restart from 3. With
 *     the sequence still valid, the pages cannot go away, and the core
 *     checks them: pages of a device this device cannot reach (see
 *     Topology), and for a write device-private pages the CPU maps
 *     read-only (shared by fork(), or after mprotect()), move to system
 *     memory, and the walk restarts from 3, so that the CPU's fault
 *     handling gives write access or fails it. An atomic on pages where
 *     the device's atomics do not work (system memory of a device without
 *     DRM_SVM_DEVICE_ATOMICS_SYSTEM, a peer over a link without
 *     DRM_SVM_LINK_ATOMICS) moves the chunk into the device's memory and
 *     restarts, or fails with -EACCES when it cannot move;
 *  6. the device addresses of the pages (see Device addresses): system
 *     pages are DMA-mapped for the device, device pages get theirs from
 *     their owner;
 *  7. &drm_svm_ops.map for the pages, as one huge entry when the CPU maps
 *     the chunk with a PMD (THP, hugetlb), with %DRM_SVM_MAP_ATOMIC when
 *     the device's atomics work on all of them and the atomics attribute
 *     allows, then drop the notifier lock.
 *     Pages of a linked peer device are mapped in place, over the link.
 */

/**
 * DOC: Fault restarts, pins and errors
 *
 * In a VMA registered with a userfaultfd, a chunk is one page, and it
 * never moves: the page is first faulted in from the CPU side with
 * fixup_user_fault(), which waits for the userfaultfd's handler (the
 * fault hmm_range_fault() makes cannot wait for it), with the mirror's
 * lock dropped, so that the handler may use the VM meanwhile.
 *
 * The device memory blocks a batch maps stay pinned until the batch ends,
 * so that its later chunks never evict its earlier ones; the pin is a
 * list link, so it needs no allocation and cannot fail.
 *
 * Restarts are bounded by HMM_RANGE_DEFAULT_TIMEOUT, which starts again
 * after each of the first few moves of step 5 (racing moves of other
 * devices, and the migration policy's waits, may delay them). A fault is
 * fatal, and nothing is mapped for it, when the address is outside every binding
 * or the CPU has nothing there (-EFAULT: no VMA, PROT_NONE, the process
 * has exited), when it writes through a read-only binding or to
 * read-only memory (-EPERM), or for an atomic the memory attributes or
 * the device's capabilities rule out (-EACCES). A VM that was destroyed
 * fails with -ENOENT.
 */

/* Moves one fault may make for what it found in the way, each with its time */
#define DRM_SVM_FAULT_FIXUPS	8

/* Drop the write permission of every page: the binding is read-only. */
static void drm_svm_pfns_readonly(unsigned long *pfns, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		pfns[i] &= ~HMM_PFN_WRITE;
}

/*
 * hmm_range_fault() over @range, asking write access for page
 * @write_index only when it is not negative. hmm_range_fault() faults
 * every page after the first one that needs a fault with that fault's
 * flags, so the write is a walk of its own, first, under the same
 * notifier sequence. Caller holds the mmap lock for read.
 */
static int drm_svm_hmm_fault(struct hmm_range *range, long write_index)
{
	struct hmm_range one = *range;
	int err;

	if (write_index >= 0) {
		one.start = range->start + (write_index << PAGE_SHIFT);
		one.end = one.start + PAGE_SIZE;
		one.hmm_pfns = range->hmm_pfns + write_index;
		one.default_flags = HMM_PFN_REQ_FAULT | HMM_PFN_REQ_WRITE;
		err = hmm_range_fault(&one);
		if (err)
			return err;
	}
	return hmm_range_fault(range);
}

/*
 * Whether @vma may hold copy-on-write pages, whose COW a device write
 * must break only where it writes, as a CPU write would: a private file
 * mapping (its other pages follow the file until written), or anonymous
 * memory shared with a parent or a child since a fork (a whole-chunk
 * write would copy all of it). Read under the mmap lock; a fork or an
 * exit racing with it only changes how many pages the next write copies.
 */
static bool drm_svm_vma_cow(struct vm_area_struct *vma)
{
	struct anon_vma *av = vma->anon_vma;

	if (vma->vm_flags & (VM_SHARED | VM_HUGETLB))
		return false;
	if (vma->vm_file)
		return true;
	return av && (av->root != av || READ_ONCE(av->num_children) > 1);
}

/*
 * Start a walk of @range: a new notifier sequence, then the mmap lock for
 * read. Returns 0 with the lock held, or -EINTR when killed waiting.
 */
static int drm_svm_hmm_begin(struct mm_struct *mm, struct hmm_range *range)
{
	range->notifier_seq = mmu_interval_read_begin(range->notifier);
	return mmap_read_lock_killable(mm);
}

/**
 * drm_svm_snapshot() - Read the CPU page table over a range, faulting nothing
 * @svm_mm: the process
 * @range: the range, with its notifier and pfn array set; its sequence is
 *	   set here
 *
 * hmm_range_fault() without fault flags, as the core's peer domain sees
 * it: the pages of every device are reported as they are. Retries while
 * invalidations race with it. Caller holds a reference on the address
 * space and no mmap lock.
 *
 * Returns: 0, -EFAULT when there is no VMA, -EINTR when the caller was
 * killed, or the error of hmm_range_fault().
 */
int drm_svm_snapshot(struct drm_svm_mm *svm_mm, struct hmm_range *range)
{
	unsigned long timeout = jiffies +
				msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	int err;

	range->default_flags = 0;
	range->pfn_flags_mask = 0;
	range->dev_private_owner = drm_svm_pgmap_owner();
	do {
		err = drm_svm_hmm_begin(svm_mm->mm, range);
		if (err)
			break;
		err = hmm_range_fault(range);
		mmap_read_unlock(svm_mm->mm);
	} while (err == -EBUSY && time_before(jiffies, timeout));
	return err;
}

/* Whether the chunk may be mapped as one huge entry. */
static bool drm_svm_map_huge(u64 gpu_addr, const unsigned long *pfns,
			     unsigned long npages)
{
	return npages == 1UL << PMD_ORDER && IS_ALIGNED(gpu_addr, PMD_SIZE) &&
	       hmm_pfn_to_map_order(pfns[0]) >= PMD_ORDER;
}

static int drm_svm_map_pages(struct drm_svm_mirror *mirror, u64 gpu_addr,
			     const struct drm_svm_addr *addrs,
			     unsigned long npages, bool huge, u32 flags)
{
	const struct drm_svm_ops *ops = mirror->sdev->ops;
	u64 t0 = drm_svm_phase_start();
	int err;

	lockdep_assert_held(&mirror->svm_mm->notifier_lock);

	drm_svm_count(mirror->svm_mm, mirror->sdev, pages_mapped, npages);
	if (huge)
		drm_svm_count(mirror->svm_mm, mirror->sdev, huge_mapped, 1);
	err = ops->map(mirror, gpu_addr, addrs, npages, huge ? PMD_ORDER : 0,
		       flags);
	drm_svm_phase_end(mirror->sdev, DRM_SVM_PHASE_DRIVER_MAP, npages, t0);
	return err;
}

/*
 * Hand the chunk's pages to the driver at their device addresses, and
 * keep the DMA mappings made for it. Caller holds the mirror's lock and
 * the notifier lock for read, with the sequence valid.
 */
static int drm_svm_map_chunk(struct drm_svm_mirror *mirror, u64 gpu_addr,
			     unsigned long npages, bool huge,
			     struct drm_svm_dma_chunk **chunk, u32 flags)
{
	u64 t0 = drm_svm_phase_start();
	int err;

	err = drm_svm_dma_map(mirror, gpu_addr, mirror->pfns, npages, *chunk,
			      mirror->addrs);
	drm_svm_phase_end(mirror->sdev, DRM_SVM_PHASE_DMA_MAP, npages, t0);
	if (err)
		return err;
	err = drm_svm_map_pages(mirror, gpu_addr, mirror->addrs, npages, huge,
				flags);
	if (err)
		drm_svm_dma_discard(mirror, *chunk);
	else
		drm_svm_dma_commit(mirror, chunk);
	return err;
}

/*
 * Pin the device memory blocks a fault maps for the batch, as recently
 * used: those of any device, since a chunk may be mapped
 * over a link. The pages cannot go away: the caller holds the notifier
 * lock with a valid sequence.
 */
static void drm_svm_pin_devmem(struct drm_svm_mirror *mirror,
			       const unsigned long *pfns,
			       unsigned long npages)
{
	struct drm_svm_devmem *dm;
	void *last = NULL;
	struct page *page;
	unsigned long i;

	for (i = 0; i < npages; i++) {
		if (!(pfns[i] & HMM_PFN_VALID))
			continue;
		page = hmm_pfn_to_page(pfns[i]);
		dm = drm_svm_page_devmem(page);
		if (!dm || page->zone_device_data == last)
			continue;
		last = page->zone_device_data;
		drm_svm_devmem_pin(mirror, dm, page);
	}
}

/*
 * Fault a hugetlb range in from the CPU side first. hmm_range_fault()
 * faults a hugetlb hole, one without a page table yet, from its pte_hole
 * callback with the hugetlb VMA lock still held, and hugetlb_fault() then
 * takes that lock again (lockdep reports the recursion; with a writer
 * waiting it would deadlock). With the page table present, the walk
 * drops the lock before faulting. Best effort: an access the CPU would
 * refuse is left for hmm_range_fault() to report. Caller holds the mmap
 * lock for read.
 */
static void drm_svm_prefault_hugetlb(struct mm_struct *mm, unsigned long start,
				     unsigned long end, bool write)
{
	struct vm_area_struct *vma = vma_lookup(mm, start);
	unsigned long addr, size;

	if (!vma || !is_vm_hugetlb_page(vma))
		return;
	size = huge_page_size(hstate_vma(vma));
	for (addr = ALIGN_DOWN(start, size); addr < end; addr += size)
		fixup_user_fault(mm, max(addr, start),
				 write ? FAULT_FLAG_WRITE : 0, NULL);
}

/* What the pages a fault found need before they may be mapped */
struct drm_svm_page_check {
	/* Devices whose pages must go to system memory first, by SVM id */
	u32 refused;
	/* The device's atomics work on every page */
	bool atomic_ok;
	/* The processor of the first page where they do not */
	u8 holder;
};

/* Whether @sdev's atomics work on a page of @dm (NULL: system memory). */
static bool drm_svm_atomic_ok(struct drm_svm_device *sdev,
			      struct drm_svm_devmem *dm)
{
	if (!dm)
		return sdev->caps & DRM_SVM_DEVICE_ATOMICS_SYSTEM;
	return dm->sdev == sdev ||
	       (drm_svm_link_get(sdev, dm->sdev).flags & DRM_SVM_LINK_ATOMICS);
}

/*
 * Check the pages a fault found. Refused are the pages of devices @sdev
 * cannot reach (see Topology) and, for a write (of page @write_index
 * only, when not negative), device-private pages that the CPU maps
 * read-only (a fork shares them, or mprotect()), which hmm_range_fault()
 * reports as they are, without faulting. The caller
 * holds the notifier lock with a valid sequence, so the pages cannot go
 * away.
 */
static void drm_svm_pfns_check(struct drm_svm_device *sdev,
			       const unsigned long *pfns, unsigned long npages,
			       bool write, long write_index,
			       struct drm_svm_page_check *chk)
{
	struct drm_svm_devmem *dm, *last = NULL;
	bool ok = true, first = true;
	struct page *page;
	unsigned long i;

	chk->refused = 0;
	chk->atomic_ok = true;
	chk->holder = DRM_SVM_PROC_CPU;
	for (i = 0; i < npages; i++) {
		if (!(pfns[i] & HMM_PFN_VALID))
			continue;
		page = hmm_pfn_to_page(pfns[i]);
		dm = drm_svm_page_devmem(page);
		if (first || dm != last)
			ok = drm_svm_atomic_ok(sdev, dm);
		first = false;
		last = dm;
		if (!ok && chk->atomic_ok && dm)
			chk->holder = dm->sdev->id;
		chk->atomic_ok &= ok;
		if (!dm)
			continue;
		if (!drm_svm_can_access(sdev, dm->sdev) ||
		    (write && (write_index < 0 || i == write_index) &&
		     !(pfns[i] & HMM_PFN_WRITE) &&
		     is_device_private_page(page)))
			chk->refused |= BIT(dm->sdev->id);
	}
}

/* Where a chunk's data is, as a snapshot found it */
struct drm_svm_chunk_src {
	/* The processor holding it: the device of its first device page */
	u8 proc;
	/* When it moved there (&drm_svm_devmem_alloc.born), or 0 */
	u64 born;
	/* The notifier sequence of the snapshot */
	unsigned long seq;
};

/* The processor whose memory a placement decision wants the chunk in. */
static u8 drm_svm_place_proc(const struct drm_svm_place_to *to)
{
	return to->where == DRM_SVM_PLACE_DEVICE ? to->dev->id :
						   DRM_SVM_PROC_CPU;
}

/*
 * When device page @page, of a snapshot, moved in (see struct
 * drm_svm_devmem_alloc), read with the snapshot's sequence still valid,
 * so that the page and its block cannot be gone.
 */
static u64 drm_svm_chunk_born(struct drm_svm_mm *svm_mm,
			      const struct hmm_range *range, struct page *page)
{
	const struct drm_svm_devmem_alloc *alloc;
	u64 born = 0;

	down_read(&svm_mm->notifier_lock);
	alloc = page->zone_device_data;
	if (!mmu_interval_read_retry(range->notifier, range->notifier_seq) &&
	    alloc)
		born = alloc->born;
	up_read(&svm_mm->notifier_lock);
	return born;
}

/*
 * Whether [start, end) is where @to wants it already, from a snapshot of
 * the CPU page table: every page in @to's memory for a device, no page in
 * any device's memory for system memory. Then no migration is needed.
 * *@src says where the data is. Advisory; the caller holds a reference on
 * the address space.
 */
static bool drm_svm_chunk_placed(struct drm_svm_mirror *mirror,
				 struct drm_svm_window *window,
				 const struct drm_svm_place_to *to,
				 unsigned long start, unsigned long end,
				 struct drm_svm_chunk_src *src)
{
	unsigned long i, npages = (end - start) >> PAGE_SHIFT;
	struct drm_svm_devmem *want = NULL, *dm;
	struct page *page, *first = NULL;
	bool placed = true;
	struct hmm_range range = {
		.start = start,
		.end = end,
		.hmm_pfns = mirror->pfns,
		.notifier = &window->notifier,
	};

	src->proc = DRM_SVM_PROC_CPU;
	src->born = 0;
	if (to->where == DRM_SVM_PLACE_DEVICE)
		want = to->dev->devmem;
	if (drm_svm_snapshot(mirror->svm_mm, &range))
		return false;
	src->seq = range.notifier_seq;

	for (i = 0; i < npages; i++) {
		if (!(range.hmm_pfns[i] & HMM_PFN_VALID)) {
			placed &= !want;
			continue;
		}
		page = hmm_pfn_to_page(range.hmm_pfns[i]);
		dm = drm_svm_page_devmem(page);
		placed &= dm == want;
		if (dm && !first) {
			first = page;
			src->proc = dm->sdev->id;
		}
	}
	if (first && !placed)
		src->born = drm_svm_chunk_born(mirror->svm_mm, &range, first);
	return placed;
}

/* The processor of a preferred location, or -1. */
static int drm_svm_preferred_proc(const struct drm_svm_attrs *attrs)
{
	if (attrs->location == DRM_SVM_LOC_SYSTEM)
		return DRM_SVM_PROC_CPU;
	if (attrs->location == DRM_SVM_LOC_DEVICE)
		return attrs->device;
	return -1;
}

/* Whether @sdev maps memory of processor @proc in place. */
static bool drm_svm_reaches_proc(struct drm_svm_device *sdev, u32 proc)
{
	struct drm_svm_device *home;

	if (proc == DRM_SVM_PROC_CPU)
		return true;
	home = drm_svm_device_by_id(proc);
	return home && drm_svm_can_access(sdev, home);
}

/*
 * Move the chunk as the migration policy allows (see Migration policy),
 * to @to or to the home of a pinned block. Returns pages moved; *@map
 * says whether the chunk is to be mapped afterwards. Caller holds the
 * device registry.
 */
static long drm_svm_place_move(struct drm_svm_mirror *mirror,
			       struct drm_svm_window *window,
			       const struct drm_svm_place_req *req,
			       const struct drm_svm_place_to *to,
			       unsigned long start, unsigned long end,
			       bool *map)
{
	struct drm_svm_mm *svm_mm = mirror->svm_mm;
	struct drm_svm_mcache_ticket t = {
		.req = {
			.proc = mirror->sdev->id,
			.to = drm_svm_place_proc(to),
			.write = req->write,
			.atomic = req->atomic,
		},
		.addr = drm_svm_block_start(start, req->vma_start),
		.preferred = drm_svm_preferred_proc(&req->attrs),
		.sdev = mirror->sdev,
	};
	struct drm_svm_chunk_src src;
	struct drm_svm_device *dev;
	long moved;

	if (req->place == DRM_SVM_PLACE_FAULT &&
	    drm_svm_mcache_settled(svm_mm, &window->notifier, t.addr,
				   t.req.to)) {
		drm_svm_mcache_count(svm_mm, mirror->sdev,
				     DRM_SVM_PSTAT_CACHE_HITS);
		return 0;
	}
	if (drm_svm_chunk_placed(mirror, window, to, start, end, &src)) {
		/* The cache is per block: only a chunk of the whole block */
		if (end - start == BIT(DRM_SVM_BLOCK_SHIFT))
			drm_svm_mcache_placed(svm_mm, &window->notifier,
					      src.seq, t.addr, t.req.to);
		return 0;
	}

	t.req.from = src.proc;
	if (drm_svm_mcache_begin(svm_mm, &t, src.born, true, true) ==
	    DRM_SVM_POLICY_STAY) {
		*map = true;
		return 0;
	}

	dev = t.req.to == DRM_SVM_PROC_CPU ? NULL :
	      drm_svm_device_by_id(t.req.to);
	if (dev && dev->devmem)
		moved = drm_svm_migrate_to_devmem(dev->devmem, svm_mm, start,
						  end);
	else
		moved = drm_svm_migrate_to_ram(svm_mm, start, end,
					       DRM_SVM_ALL_DEVICES);
	drm_svm_mcache_end(svm_mm, &t, moved);
	if (t.req.to != drm_svm_place_proc(to))
		*map = drm_svm_reaches_proc(mirror->sdev, t.req.to);
	return moved;
}

/*
 * Move a chunk where drm_svm_place_decide() wants it before it is mapped.
 * Best effort: pages that cannot move are mapped where they are. *@map
 * says whether the chunk is to be mapped in the VM afterwards.
 *
 * Returns: pages moved.
 */
static unsigned long drm_svm_place_chunk(struct drm_svm_mirror *mirror,
					 unsigned long start, unsigned long end,
					 const struct drm_svm_place_req *req,
					 bool *map)
{
	struct drm_svm_device *preferred = NULL;
	struct drm_svm_window *window;
	struct drm_svm_place_to to;
	long moved = 0;

	/* The window first: its creation may take the mmap lock. */
	window = drm_svm_window_get(mirror->svm_mm, start);
	if (IS_ERR(window))
		return 0;

	/* Held while moving: a device's memory goes with the lock for write. */
	drm_svm_devices_lock();
	if (req->attrs.location == DRM_SVM_LOC_DEVICE)
		preferred = drm_svm_device_by_id(req->attrs.device);
	to = drm_svm_place_decide(req, preferred);
	*map = to.map;
	/* What the user asks for resets the history (see Migration policy). */
	if (req->place != DRM_SVM_PLACE_FAULT)
		drm_svm_mcache_reset(mirror->svm_mm, start, end - 1);
	if (to.where != DRM_SVM_PLACE_STAY)
		moved = drm_svm_place_move(mirror, window, req, &to, start,
					   end, map);
	drm_svm_devices_unlock();

	if (moved < 0)
		drm_dbg(mirror->sdev->drm,
			"migrating %#lx-%#lx failed (%ld), mapping in place\n",
			start, end, moved);
	return max(moved, 0L);
}

/*
 * A move the fault needs, to processor @to (system memory, or the device's
 * own memory), as the migration policy sees it (see Migration policy): it
 * waits for a racing move of the block and may be throttled, but it
 * happens, and the moves that follow see it.
 */
static long drm_svm_fixup_move(struct drm_svm_mirror *mirror,
			       const struct drm_svm_place_req *req,
			       unsigned long start, unsigned long end, u8 from,
			       u8 to, u32 refused, bool atomic)
{
	struct drm_svm_mm *svm_mm = mirror->svm_mm;
	struct drm_svm_mcache_ticket t = {
		.req = { .proc = mirror->sdev->id, .from = from, .to = to,
			 .write = true, .atomic = atomic },
		.addr = drm_svm_block_start(start, req->vma_start),
		.preferred = -1,
		.sdev = mirror->sdev,
		.forced = true,
	};
	long moved;

	drm_svm_devices_lock();
	drm_svm_mcache_begin(svm_mm, &t, 0, true, true);
	drm_svm_devices_unlock();
	t.req.to = to;
	if (to == DRM_SVM_PROC_CPU)
		moved = drm_svm_migrate_to_ram(svm_mm, start, end, refused);
	else
		moved = drm_svm_migrate_to_devmem(mirror->sdev->devmem, svm_mm,
						  start, end);
	drm_svm_mcache_end(svm_mm, &t, moved);
	return moved;
}

/*
 * Move what drm_svm_pfns_check() found in the way: refused pages to
 * system memory, where the CPU fault path gives write access or refuses
 * it; for an atomic on pages where the device's atomics do not work, the
 * chunk into the device's memory, or into system memory when that cannot
 * be and the device's atomics work there. Returns pages moved, 0 when the
 * chunk could move but another move held its pages (the caller tries
 * again), or -EACCES when the atomic cannot be made to work.
 */
static long drm_svm_fault_fixup(struct drm_svm_mirror *mirror,
				struct drm_svm_binding *b, unsigned long start,
				unsigned long end,
				const struct drm_svm_place_req *req,
				const struct drm_svm_page_check *chk)
{
	struct drm_svm_devmem *dm = mirror->sdev->devmem;
	bool can_move;
	long moved = 0;

	if (chk->refused)
		return drm_svm_fixup_move(mirror, req, start, end,
					  __ffs(chk->refused), DRM_SVM_PROC_CPU,
					  chk->refused, false);
	can_move = dm && !(b->flags & DRM_SVM_BIND_FLAG_NO_MIGRATE) &&
		   req->attrs.atomics != DRM_SVM_ATOMICS_GLOBAL &&
		   drm_svm_range_migratable(mirror->svm_mm->mm, start, end);
	if (can_move)
		moved = drm_svm_fixup_move(mirror, req, start, end,
					   chk->holder, mirror->sdev->id, 0,
					   true);
	if (moved <= 0 &&
	    (mirror->sdev->caps & DRM_SVM_DEVICE_ATOMICS_SYSTEM))
		moved = drm_svm_fixup_move(mirror, req, start, end,
					   chk->holder, DRM_SVM_PROC_CPU,
					   DRM_SVM_ALL_DEVICES, true);
	if (moved > 0)
		return moved;
	return can_move && !moved ? 0 : -EACCES;
}

/*
 * One walk of a fault over @range, in the fault path's way: hugetlb
 * faulted in from the CPU side first, the injected failure, the phase
 * timer. Returns -EINTR when killed, -EBUSY to walk again, or the walk's
 * error.
 */
static int drm_svm_fault_pass(struct drm_svm_mirror *mirror,
			      struct hmm_range *range, long write_index,
			      bool write)
{
	struct mm_struct *mm = mirror->svm_mm->mm;
	u64 t0;
	int err;

	err = drm_svm_hmm_begin(mm, range);
	if (err)
		return err;
	drm_svm_prefault_hugetlb(mm, range->start, range->end, write);
	if (drm_svm_should_fail(DRM_SVM_FAIL_HMM_RANGE_FAULT)) {
		err = -EBUSY;
	} else {
		t0 = drm_svm_phase_start();
		err = drm_svm_hmm_fault(range, write_index);
		drm_svm_phase_end(mirror->sdev, DRM_SVM_PHASE_HMM_FAULT,
				  (range->end - range->start) >> PAGE_SHIFT,
				  t0);
	}
	mmap_read_unlock(mm);
	return err;
}

/*
 * Fault CPU range [start, end) of binding @b in for @access and map it.
 * With @zap_seq, the process's count of ended pins when the caller placed
 * the chunk, fails with -EAGAIN when a pin of the migration policy ended
 * since, for the caller to place the chunk again. The caller holds the
 * mirror's lock and a reference on the address space.
 */
static int drm_svm_fault_range(struct drm_svm_mirror *mirror,
			       struct drm_svm_binding *b, unsigned long start,
			       unsigned long end, u32 access,
			       const struct drm_svm_place_req *req,
			       const unsigned long *zap_seq)
{
	struct drm_svm_mm *svm_mm = mirror->svm_mm;
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	u64 gpu_start = start + binding_gpu_delta(b);
	bool write = access != DRM_SVM_ACCESS_READ;
	bool atomic = access == DRM_SVM_ACCESS_ATOMIC;
	struct drm_svm_dma_chunk *chunk = NULL;
	struct drm_svm_page_check chk;
	unsigned long retry_time = msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	unsigned long timeout, lo, hi;
	unsigned int fixups = 0;
	struct drm_svm_attrs now;
	struct drm_svm_window *window;
	long moved, write_index = -1;
	bool huge = false;
	struct hmm_range range = {
		.start = start,
		.end = end,
		.hmm_pfns = mirror->pfns,
		.default_flags = HMM_PFN_REQ_FAULT |
				 (write ? HMM_PFN_REQ_WRITE : 0),
		.dev_private_owner = drm_svm_pgmap_owner(),
	};
	u32 flags = 0;
	int err;

	window = drm_svm_window_get(svm_mm, start);
	if (IS_ERR(window))
		return PTR_ERR(window);
	range.notifier = &window->notifier;

	if (mirror->sdev->ops->map_prepare) {
		err = mirror->sdev->ops->map_prepare(mirror, gpu_start,
						     gpu_start + (end - start));
		if (err)
			return err;
	}

	if (req->write_page) {
		write_index = (req->write_page - start) >> PAGE_SHIFT;
		range.default_flags = HMM_PFN_REQ_FAULT;
	}

	timeout = jiffies + retry_time;
	for (;;) {
		err = drm_svm_fault_pass(mirror, &range, write_index, write);
		if (err && err != -EBUSY)
			goto out_free;
		if (!err) {
			/* Sized for what was found, where we may sleep */
			huge = drm_svm_map_huge(gpu_start, mirror->pfns, npages);
			if (!chunk || drm_svm_dma_chunk_huge(chunk) != huge) {
				drm_svm_dma_chunk_free(chunk);
				chunk = drm_svm_dma_chunk_alloc(npages, huge);
				if (!chunk) {
					err = -ENOMEM;
					goto out_free;
				}
			}
			down_read(&svm_mm->notifier_lock);
			if (zap_seq &&
			    READ_ONCE(svm_mm->mcache.zap_seq) != *zap_seq) {
				err = -EAGAIN;
				goto out_unlock;
			}
			if (mmu_interval_read_retry(range.notifier,
						    range.notifier_seq)) {
				up_read(&svm_mm->notifier_lock);
			} else {
				drm_svm_pfns_check(mirror->sdev, range.hmm_pfns,
						   npages, write, write_index,
						   &chk);
				if (!chk.refused && (chk.atomic_ok || !atomic))
					break;
				up_read(&svm_mm->notifier_lock);
				moved = drm_svm_fault_fixup(mirror, b, start,
							    end, req, &chk);
				if (moved < 0) {
					err = moved;
					goto out_free;
				}
				/*
				 * A move is progress, which racing moves and
				 * the policy's waits may have delayed: the
				 * time starts again, a few times.
				 */
				if (moved && ++fixups < DRM_SVM_FAULT_FIXUPS)
					timeout = jiffies + retry_time;
			}
		}
		drm_svm_count(mirror->svm_mm, mirror->sdev, retries, 1);
		if (time_after(jiffies, timeout)) {
			err = -EBUSY;
			goto out_free;
		}
	}

	/*
	 * The atomics permission from the attributes as they are now: a
	 * change that came after the lookup zaps only once this lock drops.
	 */
	drm_svm_attr_lookup(&svm_mm->attrs, start, &now, &lo, &hi);
	if (atomic && now.atomics == DRM_SVM_ATOMICS_CPU) {
		err = -EACCES;
		goto out_unlock;
	}
	if (b->flags & DRM_SVM_BIND_FLAG_READONLY)
		drm_svm_pfns_readonly(mirror->pfns, npages);
	if (chk.atomic_ok && now.atomics != DRM_SVM_ATOMICS_CPU)
		flags |= DRM_SVM_MAP_ATOMIC;
	drm_svm_pin_devmem(mirror, mirror->pfns, npages);
	err = drm_svm_map_chunk(mirror, gpu_start, npages, huge, &chunk,
				flags);
	if (!err)
		drm_svm_count(mirror->svm_mm, mirror->sdev, chunks, 1);
out_unlock:
	up_read(&svm_mm->notifier_lock);
out_free:
	drm_svm_dma_chunk_free(chunk);
	return err;
}

/*
 * A run of faults of one batch, on every page of [@cpu, @run_end): the
 * chunk of [*@start, *@end) grows to the largest that starts at @cpu, is
 * aligned to its power-of-two size on both sides, and ends below @hi (the
 * chunk's limits but its granularity) and @run_end. Each of its pages is
 * one that a fault of the run moves and maps, so the granularity holds
 * per fault; the run costs one walk and one map instead of one per page.
 */
static void drm_svm_chunk_run(unsigned long cpu, unsigned long hi,
			      unsigned long run_end, u64 gpu_delta,
			      unsigned long *start, unsigned long *end)
{
	unsigned long size;

	hi = min(hi, run_end);
	for (size = DRM_SVM_MAX_CHUNK; size > *end - *start; size >>= 1) {
		if (IS_ALIGNED(cpu, size) && IS_ALIGNED(gpu_delta, size) &&
		    hi - cpu >= size) {
			*start = cpu;
			*end = cpu + size;
			return;
		}
	}
}

/*
 * Whether the CPU refuses what @req asks of @vma, as hmm_range_fault()
 * would for a mapping prefetch: -EFAULT for no access or no struct pages,
 * -EPERM for a write to read-only memory, but where copy-on-write pages
 * may be (@req->cow, set from @vma first), which a prefetch only reads.
 * For a move that maps nothing, which makes no walk.
 */
static int drm_svm_vma_refuses(const struct vm_area_struct *vma,
			       const struct drm_svm_place_req *req)
{
	if (!(vma->vm_flags & VM_READ) ||
	    vma->vm_flags & (VM_IO | VM_PFNMAP))
		return -EFAULT;
	if (req->write && !req->cow && !(vma->vm_flags & VM_WRITE))
		return -EPERM;
	return 0;
}

/*
 * The chunk around CPU address @cpu: the largest configured size that fits
 * the VMA (whose start goes to *@vma_start), the binding, the notifier
 * window and the range of equal memory attributes (*@attrs, looked up
 * here), no larger than their granularity, aligned on both sides; larger
 * for a run of faults up to CPU address @run_end (see
 * drm_svm_chunk_run()), when the VMA holds no copy-on-write pages.
 */
static int drm_svm_chunk(struct drm_svm_mirror *mirror,
			 struct drm_svm_binding *b, unsigned long cpu,
			 unsigned long run_end, unsigned long *start,
			 unsigned long *end, struct drm_svm_place_req *req)
{
	struct drm_svm_attrs *attrs = &req->attrs;
	struct drm_svm_device *sdev = mirror->sdev;
	struct mm_struct *mm = mirror->svm_mm->mm;
	unsigned long lo, hi, size, alo, ahi, glo, ghi;
	struct vm_area_struct *vma;
	int err = 0;

	lo = max(binding_cpu_start(b), ALIGN_DOWN(cpu, DRM_SVM_WINDOW_SIZE));
	hi = min(binding_cpu_start(b) + b->va.va.range,
		 ALIGN_DOWN(cpu, DRM_SVM_WINDOW_SIZE) + DRM_SVM_WINDOW_SIZE);

	drm_svm_attr_lookup(&mirror->svm_mm->attrs, cpu, attrs, &alo, &ahi);
	lo = max(lo, alo);
	if (ahi < hi - 1)
		hi = ahi + 1;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	vma = vma_lookup(mm, cpu);
	if (vma) {
		lo = max(lo, vma->vm_start);
		hi = min(hi, vma->vm_end);
		req->vma_start = vma->vm_start;
		req->cow = drm_svm_vma_cow(vma);
		req->uffd = userfaultfd_armed(vma);
		if (req->no_map)
			err = drm_svm_vma_refuses(vma, req);
	}
	mmap_read_unlock(mm);
	if (!vma)
		return -EFAULT;
	if (err)
		return err;
	if (req->uffd) {
		*start = ALIGN_DOWN(cpu, PAGE_SIZE);
		*end = *start + PAGE_SIZE;
		return 0;
	}

	glo = lo;
	ghi = hi;
	if (attrs->granularity) {
		glo = max(lo, ALIGN_DOWN(cpu, BIT(attrs->granularity)));
		ghi = min(hi, ALIGN_DOWN(cpu, BIT(attrs->granularity)) +
			      BIT(attrs->granularity));
	}
	size = drm_svm_chunk_size(cpu, glo, ghi, binding_gpu_delta(b),
				  sdev->chunk_sizes, sdev->num_chunk_sizes);
	if (!size)
		return -EFAULT;
	*start = ALIGN_DOWN(cpu, size);
	*end = *start + size;
	if (run_end > *end && !req->cow)
		drm_svm_chunk_run(cpu, hi, run_end, binding_gpu_delta(b),
				  start, end);
	return 0;
}

/*
 * Fault the page at CPU address @addr of a userfaultfd-armed VMA in from
 * the CPU side, as the CPU would: hmm_range_fault() faults without
 * FAULT_FLAG_ALLOW_RETRY, and a userfaultfd cannot deliver such a fault
 * to its handler. The wait for the handler may be long, and the handler
 * may need the VM itself (a bind), so it happens with the mirror's lock
 * dropped; the batch's pins end first, as the lock protects them. Returns
 * with the lock held again; the caller looks the binding up again.
 */
static int drm_svm_fault_uffd(struct drm_svm_mirror *mirror,
			      struct mm_struct *mm, unsigned long addr,
			      bool write)
{
	bool unlocked = false;
	int err;

	lockdep_assert_held(&mirror->lock);
	drm_svm_devmem_unpin_all(mirror);
	mutex_unlock(&mirror->lock);
	err = mmap_read_lock_killable(mm);
	if (!err) {
		err = fixup_user_fault(mm, addr, write ? FAULT_FLAG_WRITE : 0,
				       &unlocked);
		mmap_read_unlock(mm);
	}
	mutex_lock(&mirror->lock);
	return err;
}

/*
 * Place a chunk, then map it when placement says so and the caller does
 * not only move it; once more when a pin
 * ended meanwhile (see Migration policy), so that the end of the pin is
 * seen. Returns the error of the mapping; *@moved grows by the pages moved.
 */
static int drm_svm_place_map(struct drm_svm_mirror *mirror,
			     struct drm_svm_binding *b, unsigned long start,
			     unsigned long end, u32 access,
			     const struct drm_svm_place_req *req, u64 *moved,
			     bool *map)
{
	unsigned long zap_seq;
	int err = 0, tries;

	for (tries = 0; tries < 2; tries++) {
		zap_seq = READ_ONCE(mirror->svm_mm->mcache.zap_seq);
		*moved += drm_svm_place_chunk(mirror, start, end, req, map);
		*map &= !req->no_map;
		if (!*map)
			return 0;
		err = drm_svm_fault_range(mirror, b, start, end, access, req,
					  tries ? NULL : &zap_seq);
		if (err != -EAGAIN)
			break;
	}
	return err;
}

/**
 * drm_svm_fault_one() - Service one fault
 * @mirror: the mirror
 * @addr: GPU address
 * @run_end: 0, or the GPU address past a run of faults of @access, one on
 *	     every page from @addr's: the chunk may cover it (see
 *	     :ref:`drm_svm_gpu_faults`)
 * @access: DRM_SVM_ACCESS_*
 * @place: how to move its chunk first
 * @how: %DRM_SVM_FAULT_GPU for a device's fault, rather than a prefetch or
 *	 a populate; %DRM_SVM_FAULT_NO_MAP to move the chunk only
 * @moved: grows by the pages moved
 * @served: out: on success, the chunk serviced, and the access its mapping
 *	    serves (nothing is mapped with %DRM_SVM_FAULT_NO_MAP, or when
 *	    placement leaves the chunk where the device does not reach)
 *
 * Caller holds the mirror's lock.
 *
 * Returns: 0, or the error that makes the fault fatal.
 */
int drm_svm_fault_one(struct drm_svm_mirror *mirror, u64 addr, u64 run_end,
		      u32 access, enum drm_svm_place place, u32 how,
		      u64 *moved, struct drm_svm_served *served)
{
	bool write = access != DRM_SVM_ACCESS_READ;
	struct mm_struct *mm = mirror->svm_mm->mm;
	unsigned long cpu, start = 0, end = PAGE_SIZE;
	struct drm_svm_place_req req = {
		.sdev = mirror->sdev,
		.place = place,
		.write = write,
		.atomic = access == DRM_SVM_ACCESS_ATOMIC,
		.no_map = how & DRM_SVM_FAULT_NO_MAP,
	};
	struct drm_svm_binding *b;
	bool map = true, uffd_done = false;
	struct drm_gpuva *va;
	int err;

	lockdep_assert_held(&mirror->lock);

retry:
	if (mirror->closed)
		return -ENOENT;
	va = drm_gpuva_find_first(&mirror->gpuvm, addr & PAGE_MASK, PAGE_SIZE);
	if (!va)
		return -EFAULT;
	b = to_binding(va);
	if (write && b->flags & DRM_SVM_BIND_FLAG_READONLY)
		return -EPERM;
	cpu = (addr & PAGE_MASK) - binding_gpu_delta(b);

	if (!mmget_not_zero(mm))
		return -EFAULT;

	req.no_migrate = b->flags & DRM_SVM_BIND_FLAG_NO_MIGRATE;
	/*
	 * A no-fault VM is mapped without knowing what its jobs touch (a
	 * populate, a revalidation): where the pages are, as userptr.
	 * Prefetch is what moves them.
	 */
	if (mirror->no_faults && place == DRM_SVM_PLACE_FAULT)
		req.no_migrate = true;
	err = drm_svm_chunk(mirror, b, cpu,
			    run_end ? run_end - binding_gpu_delta(b) : 0,
			    &start, &end, &req);
	if (!err && req.uffd && !uffd_done) {
		err = drm_svm_fault_uffd(mirror, mm, cpu, write);
		mmput_async(mm);
		if (err)
			return err;
		uffd_done = true;
		goto retry;
	}
	req.no_migrate |= req.uffd;
	/*
	 * Copy-on-write pages: a fault writes its own page and maps the
	 * others as they are, where they are (see Placement); a prefetch, a
	 * hint, writes none.
	 * drm_svm_mirror_populate() writes them all, as userptr does.
	 */
	if (!err && req.cow && write) {
		if (how & DRM_SVM_FAULT_GPU) {
			req.write_page = cpu;
		} else if (place != DRM_SVM_PLACE_FAULT) {
			access = DRM_SVM_ACCESS_READ;
			req.write = false;
		}
	}
	/* Only the CPU does atomics there: nothing changes for this one. */
	if (!err && access == DRM_SVM_ACCESS_ATOMIC &&
	    req.attrs.atomics == DRM_SVM_ATOMICS_CPU)
		err = -EACCES;
	if (!err)
		err = drm_svm_place_map(mirror, b, start, end, access, &req,
					moved, &map);
	/*
	 * The whole chunk fails if any page of it does, or if the VMA changed
	 * since the chunk was chosen: the faulting page alone decides.
	 */
	if ((err == -EFAULT || err == -EPERM) && end - start > PAGE_SIZE &&
	    map) {
		start = cpu;
		end = cpu + PAGE_SIZE;
		err = drm_svm_fault_range(mirror, b, start, end, access, &req,
					  NULL);
	}
	/* The process may have exited meanwhile: no teardown in a GPU fault. */
	mmput_async(mm);

	if (!err) {
		served->start = start + binding_gpu_delta(b);
		served->end = end + binding_gpu_delta(b);
		served->access = req.write_page && end - start > PAGE_SIZE ?
				 DRM_SVM_ACCESS_READ : access;
	}
	return err;
}

static int drm_svm_fault_cmp(const void *a, const void *b)
{
	const struct drm_svm_fault *fa = a, *fb = b;

	if (fa->addr != fb->addr)
		return fa->addr < fb->addr ? -1 : 1;
	/* Writes first, so that one pass serves the reads of the chunk too. */
	return (int)fb->access - (int)fa->access;
}

/*
 * The GPU address past the run of faults that @faults[@i] starts: a fault
 * on every page that follows, up to the first page missing from the batch
 * or whose greatest access differs from @faults[@i]'s (so that a write
 * makes no page it did not write writable, and a read moves no page a
 * write or an atomic asked for). @faults is sorted by drm_svm_fault_cmp():
 * the first fault of a page has its greatest access.
 */
static u64 drm_svm_fault_run_end(const struct drm_svm_fault *faults,
				 unsigned int i, unsigned int count)
{
	u64 page = faults[i].addr & PAGE_MASK, next;
	u32 access = faults[i].access;

	for (i++; i < count; i++) {
		next = faults[i].addr & PAGE_MASK;
		if (next == page)
			continue;
		if (next != page + PAGE_SIZE || faults[i].access != access)
			break;
		page = next;
	}
	return page + PAGE_SIZE;
}

/* Take the mirror's lock, timing the wait when another user holds it. */
static void drm_svm_fault_lock(struct drm_svm_mirror *mirror)
{
	u64 t0;

	if (mutex_trylock(&mirror->lock))
		return;
	t0 = drm_svm_phase_start();
	mutex_lock(&mirror->lock);
	drm_svm_phase_end(mirror->sdev, DRM_SVM_PHASE_WAIT, 0, t0);
}

/**
 * drm_svm_mirror_fault() - Service a batch of GPU page faults
 * @mirror: the mirror the faults happened in
 * @faults: the faults; sorted by address in place, and each one's @error
 *	    set on return
 * @count: number of entries in @faults
 *
 * Services each chunk once, however many of the faults fall in it, and
 * the faults on adjacent pages together. May sleep; the caller holds no
 * SVM lock. See :ref:`drm_svm_gpu_faults`.
 *
 * Returns: the number of faults that could not be serviced (their @error
 * says why), 0 when the device may replay every access.
 */
int drm_svm_mirror_fault(struct drm_svm_mirror *mirror,
			 struct drm_svm_fault *faults, unsigned int count)
{
	struct drm_svm_served done = { .access = DRM_SVM_ACCESS_READ };
	unsigned int i, failed = 0, chunks = 0;
	u64 moved = 0, before;
	u64 t0 = trace_drm_svm_fault_batch_enabled() ? ktime_get_ns() : 0;

	sort(faults, count, sizeof(*faults), drm_svm_fault_cmp, NULL);
	drm_svm_count(mirror->svm_mm, mirror->sdev, gpu_faults, count);

	drm_svm_fault_lock(mirror);
	for (i = 0; i < count; i++) {
		struct drm_svm_fault *f = &faults[i];

		/* READ < WRITE < ATOMIC: a chunk serves the lesser accesses. */
		if (f->addr >= done.start && f->addr < done.end &&
		    f->access <= done.access) {
			f->error = 0;
			continue;
		}

		before = moved;
		f->error = drm_svm_fault_one(mirror, f->addr,
					     drm_svm_fault_run_end(faults, i,
								   count),
					     f->access, DRM_SVM_PLACE_FAULT,
					     DRM_SVM_FAULT_GPU, &moved, &done);
		chunks++;
		trace_drm_svm_gpu_fault(mirror->svm_mm->pid, mirror->sdev->id,
					mirror, f->addr, f->access, done.start,
					done.end, moved - before, f->error);
		if (f->error) {
			done.start = 0;
			done.end = 0;
			failed++;
		}
	}
	drm_svm_devmem_unpin_all(mirror);
	mutex_unlock(&mirror->lock);
	if (trace_drm_svm_fault_batch_enabled())
		trace_drm_svm_fault_batch(mirror->svm_mm->pid, mirror->sdev->id,
					  mirror, count, chunks, failed,
					  t0 ? ktime_get_ns() - t0 : 0);

	return failed;
}
EXPORT_SYMBOL_GPL(drm_svm_mirror_fault);

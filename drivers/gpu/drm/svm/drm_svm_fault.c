// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/hmm.h>
#include <linux/hugetlb.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sort.h>

#include <drm/drm_print.h>
#include <uapi/drm/drm_svm.h>

#include "drm_svm_internal.h"

/**
 * DOC: GPU page faults
 *
 * The driver reports the faults its device raised, several at once when
 * it can, with drm_svm_mirror_fault(). The core sorts them by address and
 * services each chunk (see Range chunks) once, however many faults
 * fall in it; a write fault in a chunk that was only faulted in for
 * reading is serviced again for writing.
 *
 * For one chunk, with the mirror's lock held:
 *
 *  1. the binding gives the CPU address and, with the VMA, the chunk;
 *  2. when the device has memory and the binding allows migration, the
 *     chunk moves there (see Migration); best effort, it is mapped
 *     wherever its pages are;
 *  3. mmu_interval_read_begin() on the chunk's notifier window;
 *  4. hmm_range_fault() under the mmap read lock, faulting every page of
 *     the chunk in, for writing only if the access is a write, and taking
 *     the device's own private pages as they are; -EBUSY restarts from 3.
 *     A write that finds such a page read-only (shared by fork(), or after
 *     mprotect()) moves the chunk back to system memory and restarts, so
 *     that the CPU's fault handling gives it write access or fails it;
 *  5. the notifier lock for read, then mmu_interval_read_retry(): if an
 *     invalidation ran since 3, drop the lock and restart from 3;
 *  6. &drm_svm_ops.map for the pages, as one huge entry when the CPU maps
 *     the chunk with a PMD (THP, hugetlb), then drop the notifier lock.
 *
 * The device memory blocks a batch maps stay pinned until the batch ends,
 * so that its later chunks never evict its earlier ones.
 *
 * Restarts are bounded by HMM_RANGE_DEFAULT_TIMEOUT. A fault is fatal,
 * and nothing is mapped for it, when the address is outside every binding
 * or the CPU has nothing there (-EFAULT: no VMA, PROT_NONE, the process
 * has exited), or when it writes through a read-only binding or to
 * read-only memory (-EPERM). A VM that was destroyed fails with -ENOENT.
 */

/* Drop the write permission of every page: the binding is read-only. */
static void drm_svm_pfns_readonly(unsigned long *pfns, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		pfns[i] &= ~HMM_PFN_WRITE;
}

static int drm_svm_map_pages(struct drm_svm_mirror *mirror, u64 gpu_addr,
			     const unsigned long *pfns, unsigned long npages)
{
	const struct drm_svm_ops *ops = mirror->sdev->ops;

	lockdep_assert_held(&mirror->svm_mm->notifier_lock);

	mirror->stats.pages_mapped += npages;
	if (npages == 1UL << PMD_ORDER && IS_ALIGNED(gpu_addr, PMD_SIZE) &&
	    hmm_pfn_to_map_order(pfns[0]) >= PMD_ORDER) {
		mirror->stats.huge_mapped++;
		return ops->map(mirror, gpu_addr, pfns, npages, PMD_ORDER);
	}
	return ops->map(mirror, gpu_addr, pfns, npages, 0);
}

/*
 * Mark the device memory blocks a fault maps as recently used. The pages
 * cannot go away: the caller holds the notifier lock with a valid sequence.
 */
static void drm_svm_touch_devmem(struct drm_svm_mirror *mirror,
				 const unsigned long *pfns,
				 unsigned long npages)
{
	struct drm_svm_devmem *dm = mirror->sdev->devmem;
	void *last = NULL;
	struct page *page;
	unsigned long i;

	if (!dm)
		return;
	for (i = 0; i < npages; i++) {
		if (!(pfns[i] & HMM_PFN_VALID))
			continue;
		page = hmm_pfn_to_page(pfns[i]);
		if (!drm_svm_devmem_owns(dm, page) ||
		    page->zone_device_data == last)
			continue;
		last = page->zone_device_data;
		drm_svm_devmem_touch(mirror, dm, page);
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

/*
 * Whether a write fault found pages of the device's own private memory
 * that the CPU maps read-only (a fork shares them, or mprotect()):
 * hmm_range_fault() reports such pages as they are, without faulting.
 */
static bool drm_svm_devmem_readonly(struct drm_svm_devmem *dm,
				    const unsigned long *pfns,
				    unsigned long npages)
{
	unsigned long i;

	if (!dm || drm_svm_devmem_is_coherent(dm))
		return false;
	for (i = 0; i < npages; i++) {
		if ((pfns[i] & (HMM_PFN_VALID | HMM_PFN_WRITE)) ==
		    HMM_PFN_VALID &&
		    is_device_private_page(hmm_pfn_to_page(pfns[i])))
			return true;
	}
	return false;
}

/*
 * Move the device-private pages of [start, end) back to system memory, so
 * that the next hmm_range_fault() write-faults them like the CPU would
 * (copy on write, or -EPERM). Returns pages moved or an error.
 */
static long drm_svm_devmem_unshare(struct drm_svm_mm *svm_mm,
				   struct drm_svm_devmem *dm,
				   unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma;
	long moved = -EFAULT;

	mmap_read_lock(svm_mm->mm);
	vma = vma_lookup(svm_mm->mm, start);
	if (vma && end <= vma->vm_end)
		moved = drm_svm_migrate_vma_to_ram(dm, vma, start, end, NULL);
	mmap_read_unlock(svm_mm->mm);
	return moved;
}

/*
 * Move a chunk where @place wants it before it is mapped. Best effort:
 * pages that cannot move are mapped where they are.
 *
 * Returns: pages moved.
 */
static unsigned long drm_svm_place_chunk(struct drm_svm_mirror *mirror,
					 struct drm_svm_binding *b,
					 unsigned long start, unsigned long end,
					 enum drm_svm_place place)
{
	struct drm_svm_devmem *dm = mirror->sdev->devmem;
	long moved;

	if (place == DRM_SVM_PLACE_SYSTEM)
		moved = drm_svm_migrate_to_ram(mirror->svm_mm, start, end);
	else if (dm && !(b->flags & DRM_SVM_BIND_FLAG_NO_MIGRATE))
		moved = drm_svm_migrate_to_devmem(dm, mirror->svm_mm, start,
						  end);
	else
		moved = 0;

	if (moved < 0)
		drm_dbg(mirror->sdev->drm,
			"migrating %#lx-%#lx failed (%ld), mapping in place\n",
			start, end, moved);
	return max(moved, 0L);
}

/*
 * Fault CPU range [start, end) of binding @b in and map it. The caller
 * holds the mirror's lock and a reference on the address space.
 */
static int drm_svm_fault_range(struct drm_svm_mirror *mirror,
			       struct drm_svm_binding *b, unsigned long start,
			       unsigned long end, bool write)
{
	struct drm_svm_mm *svm_mm = mirror->svm_mm;
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	u64 gpu_start = start + binding_gpu_delta(b);
	unsigned long timeout;
	struct drm_svm_window *window;
	long moved;
	struct hmm_range range = {
		.start = start,
		.end = end,
		.hmm_pfns = mirror->pfns,
		.default_flags = HMM_PFN_REQ_FAULT |
				 (write ? HMM_PFN_REQ_WRITE : 0),
		.dev_private_owner = mirror->sdev->devmem,
	};
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

	timeout = jiffies + msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	for (;;) {
		range.notifier_seq = mmu_interval_read_begin(range.notifier);
		mmap_read_lock(svm_mm->mm);
		drm_svm_prefault_hugetlb(svm_mm->mm, start, end, write);
		err = hmm_range_fault(&range);
		mmap_read_unlock(svm_mm->mm);
		if (!err && write &&
		    drm_svm_devmem_readonly(mirror->sdev->devmem, range.hmm_pfns,
					    npages)) {
			/* The CPU fault path gives write access: go there. */
			moved = drm_svm_devmem_unshare(svm_mm,
						       mirror->sdev->devmem,
						       start, end);
			if (moved < 0)
				return moved;
		} else if (!err) {
			down_read(&svm_mm->notifier_lock);
			if (!mmu_interval_read_retry(range.notifier,
						     range.notifier_seq))
				break;
			up_read(&svm_mm->notifier_lock);
		} else if (err != -EBUSY) {
			return err;
		}
		mirror->stats.retries++;
		if (time_after(jiffies, timeout))
			return -EBUSY;
	}

	if (b->flags & DRM_SVM_BIND_FLAG_READONLY)
		drm_svm_pfns_readonly(mirror->pfns, npages);
	drm_svm_touch_devmem(mirror, mirror->pfns, npages);
	err = drm_svm_map_pages(mirror, gpu_start, mirror->pfns, npages);
	up_read(&svm_mm->notifier_lock);

	if (!err)
		mirror->stats.chunks++;
	return err;
}

/*
 * The chunk around CPU address @cpu: the largest configured size that fits
 * the VMA, the binding and the notifier window, aligned on both sides.
 */
static int drm_svm_chunk(struct drm_svm_mirror *mirror,
			 struct drm_svm_binding *b, unsigned long cpu,
			 unsigned long *start, unsigned long *end)
{
	struct drm_svm_device *sdev = mirror->sdev;
	struct mm_struct *mm = mirror->svm_mm->mm;
	unsigned long lo, hi, size;
	struct vm_area_struct *vma;

	lo = max(binding_cpu_start(b), ALIGN_DOWN(cpu, DRM_SVM_WINDOW_SIZE));
	hi = min(binding_cpu_start(b) + b->va.va.range,
		 ALIGN_DOWN(cpu, DRM_SVM_WINDOW_SIZE) + DRM_SVM_WINDOW_SIZE);

	mmap_read_lock(mm);
	vma = vma_lookup(mm, cpu);
	if (vma) {
		lo = max(lo, vma->vm_start);
		hi = min(hi, vma->vm_end);
	}
	mmap_read_unlock(mm);
	if (!vma)
		return -EFAULT;

	size = drm_svm_chunk_size(cpu, lo, hi, binding_gpu_delta(b),
				  sdev->chunk_sizes, sdev->num_chunk_sizes);
	if (!size)
		return -EFAULT;
	*start = ALIGN_DOWN(cpu, size);
	*end = *start + size;
	return 0;
}

/*
 * Service one fault at GPU address @addr, moving its chunk as @place says
 * first. On success, [*gpu_start, *gpu_end) is the GPU range now mapped;
 * *@moved grows by the pages moved.
 */
static int drm_svm_fault_one(struct drm_svm_mirror *mirror, u64 addr,
			     bool write, enum drm_svm_place place,
			     u64 *gpu_start, u64 *gpu_end, u64 *moved)
{
	struct mm_struct *mm = mirror->svm_mm->mm;
	unsigned long cpu, start = 0, end = PAGE_SIZE;
	struct drm_svm_binding *b;
	struct drm_gpuva *va;
	int err;

	lockdep_assert_held(&mirror->lock);

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

	err = drm_svm_chunk(mirror, b, cpu, &start, &end);
	if (!err) {
		*moved += drm_svm_place_chunk(mirror, b, start, end, place);
		err = drm_svm_fault_range(mirror, b, start, end, write);
	}
	/*
	 * The whole chunk fails if any page of it does, or if the VMA changed
	 * since the chunk was chosen: the faulting page alone decides.
	 */
	if ((err == -EFAULT || err == -EPERM) && end - start > PAGE_SIZE) {
		start = cpu;
		end = cpu + PAGE_SIZE;
		err = drm_svm_fault_range(mirror, b, start, end, write);
	}
	/* The process may have exited meanwhile: no teardown in a GPU fault. */
	mmput_async(mm);

	if (!err) {
		*gpu_start = start + binding_gpu_delta(b);
		*gpu_end = end + binding_gpu_delta(b);
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

/**
 * drm_svm_mirror_fault() - Service a batch of GPU page faults
 * @mirror: the mirror the faults happened in
 * @faults: the faults; sorted by address in place, and each one's @error
 *	    set on return
 * @count: number of entries in @faults
 *
 * Services each chunk once, however many of the faults fall in it. May
 * sleep; the caller holds no SVM lock. See the GPU page faults chapter.
 *
 * Returns: the number of faults that could not be serviced (their @error
 * says why), 0 when the device may replay every access.
 */
int drm_svm_mirror_fault(struct drm_svm_mirror *mirror,
			 struct drm_svm_fault *faults, unsigned int count)
{
	struct drm_svm_counters *c =
		&mirror->svm_mm->counters[mirror->sdev->id];
	u64 done_start = 0, done_end = 0, moved = 0;
	bool done_write = false;
	unsigned int i, failed = 0;

	sort(faults, count, sizeof(*faults), drm_svm_fault_cmp, NULL);
	atomic64_add(count, &mirror->sdev->gpu_faults);
	atomic64_add(count, &c->gpu_faults);

	mutex_lock(&mirror->lock);
	for (i = 0; i < count; i++) {
		struct drm_svm_fault *f = &faults[i];
		bool write = f->access != DRM_SVM_ACCESS_READ;

		mirror->stats.faults++;
		if (f->addr >= done_start && f->addr < done_end &&
		    (done_write || !write)) {
			f->error = 0;
			continue;
		}

		f->error = drm_svm_fault_one(mirror, f->addr, write,
					     DRM_SVM_PLACE_FAULT, &done_start,
					     &done_end, &moved);
		done_write = write;
		if (f->error) {
			done_start = 0;
			done_end = 0;
			failed++;
		}
	}
	drm_svm_devmem_unpin_all(mirror);
	mutex_unlock(&mirror->lock);

	return failed;
}
EXPORT_SYMBOL_GPL(drm_svm_mirror_fault);

/*
 * Fault every page of a bound GPU range in, as a device fault would, after
 * moving each chunk as @place says. Caller holds the mirror's lock.
 */
static int drm_svm_mirror_fault_range(struct drm_svm_mirror *mirror,
				      u64 gpu_addr, u64 range,
				      enum drm_svm_place place, u64 *moved)
{
	u64 addr = gpu_addr, end = gpu_addr + range, start;
	struct drm_gpuva *va;
	bool write;
	int err;

	lockdep_assert_held(&mirror->lock);

	while (addr < end) {
		/* A bind may cover terabytes: stay killable and preemptible. */
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();

		va = drm_gpuva_find_first(&mirror->gpuvm, addr, PAGE_SIZE);
		if (!va)
			return -EFAULT;
		write = !(to_binding(va)->flags & DRM_SVM_BIND_FLAG_READONLY);
		err = drm_svm_fault_one(mirror, addr, write, place, &start,
					&addr, moved);
		if (err)
			return err;
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
					 DRM_SVM_PLACE_FAULT, &moved);
	drm_svm_devmem_unpin_all(mirror);
	return err;
}

/**
 * drm_svm_mirror_prefetch() - Move a bound GPU range and map it
 * @mirror: the mirror
 * @gpu_addr: first GPU address, page aligned
 * @range: size in bytes, page aligned
 * @region: %DRM_SVM_REGION_DEVICE for the mirror's device memory,
 *	    %DRM_SVM_REGION_SYSTEM for system memory
 * @moved: out: pages moved
 *
 * Moves each chunk of the range (see &struct drm_svm_prefetch for which
 * pages move), then maps it as a device fault would. May sleep; the
 * caller holds no SVM lock and a reference on the mirror's address space
 * (or runs in the process).
 *
 * Returns: 0, -EINVAL for an unknown @region or a range that is not page
 * aligned, empty, wraps or leaves the GPU address space, -ENOENT for a
 * closed VM, -EINTR if the caller was killed, or the error of the first
 * page that cannot be mapped.
 */
int drm_svm_mirror_prefetch(struct drm_svm_mirror *mirror, u64 gpu_addr,
			    u64 range, u32 region, u64 *moved)
{
	enum drm_svm_place place = region == DRM_SVM_REGION_SYSTEM ?
				   DRM_SVM_PLACE_SYSTEM : DRM_SVM_PLACE_DEVICE;
	int err;

	*moved = 0;
	if (region > DRM_SVM_REGION_DEVICE ||
	    !drm_svm_range_valid(gpu_addr, range, mirror->sdev->va_end))
		return -EINVAL;
	mutex_lock(&mirror->lock);
	err = drm_svm_mirror_fault_range(mirror, gpu_addr, range, place,
					 moved);
	drm_svm_devmem_unpin_all(mirror);
	mutex_unlock(&mirror->lock);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_mirror_prefetch);

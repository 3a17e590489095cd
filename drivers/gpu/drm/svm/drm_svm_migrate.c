// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/gfp.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <drm/drm_print.h>

#include "drm_svm_internal.h"

/**
 * DOC: Migration
 *
 * Pages move one chunk (see Range chunks) at a time, at most
 * DRM_SVM_MAX_CHUNK, with one migrate_vma_setup(), one copy-engine call
 * for the whole chunk and one migrate_vma_pages() / migrate_vma_finalize():
 *
 *  - to device memory, on a GPU fault or a prefetch, for anonymous private
 *    memory of a binding without %DRM_SVM_BIND_FLAG_NO_MIGRATE. The core
 *    collects the chunk's system pages, then allocates one block for the
 *    chunk, so that a chunk already in device memory costs no allocation.
 *    Pages that are not there yet (never touched, or the zero page) are
 *    created in device memory, zero-filled by the copy engine: a device
 *    page never shows a byte of its previous user;
 *  - to system memory, on a CPU fault on a device-private page (the
 *    chunk the page was migrated with, clipped to the faulting VMA, so a
 *    chunk that was partly unmapped or moved with mremap() is handled page
 *    by page), on an explicit prefetch, and by eviction, which goes by
 *    page frame with migrate_device_range() and needs no address space.
 *
 * A copy failure migrates nothing: the source pages stay mapped and
 * valid. A GPU fault whose migration fails maps the pages where they are.
 */

/* Largest run migrated with one migrate_vma_setup() */
#define DRM_SVM_MIGRATE_PAGES	(DRM_SVM_MAX_CHUNK >> PAGE_SHIFT)

/* Scratch space of one migration */
struct drm_svm_migrate_buf {
	unsigned long src[DRM_SVM_MIGRATE_PAGES];
	unsigned long dst[DRM_SVM_MIGRATE_PAGES];
	struct page *spages[DRM_SVM_MIGRATE_PAGES];
	struct page *dpages[DRM_SVM_MIGRATE_PAGES];
};

/**
 * drm_svm_vma_migratable() - Whether a VMA's pages may go to device memory
 * @vma: the VMA
 *
 * Only anonymous private memory moves; file-backed, shared, hugetlb and
 * special mappings are mapped in place.
 *
 * Returns: true when the VMA's pages may migrate.
 */
bool drm_svm_vma_migratable(struct vm_area_struct *vma)
{
	return vma_is_anonymous(vma) &&
	       !(vma->vm_flags & (VM_SHARED | VM_IO | VM_PFNMAP |
				  VM_MIXEDMAP | VM_HUGETLB));
}

/* Undo the destination pages of a migration that will not happen */
static void drm_svm_migrate_drop_dst(unsigned long *dst, struct page **dpages,
				     unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++) {
		if (!dpages[i])
			continue;
		dst[i] = 0;
		unlock_page(dpages[i]);
		put_page(dpages[i]);
		dpages[i] = NULL;
	}
}

/* Pages that did migrate, once migrate_vma_pages() has run */
static unsigned long drm_svm_migrate_count(const unsigned long *src,
					   const unsigned long *dst,
					   unsigned long npages)
{
	unsigned long i, n = 0;

	for (i = 0; i < npages; i++)
		n += dst[i] && (src[i] & MIGRATE_PFN_MIGRATE);
	return n;
}

/*
 * Fill the destination of a collected migration into device memory and
 * copy. Returns 0, or the copy error with the destination dropped.
 */
static int drm_svm_migrate_fill_devmem(struct drm_svm_devmem_alloc *alloc,
				       struct migrate_vma *args,
				       struct drm_svm_migrate_buf *buf)
{
	struct drm_svm_devmem *dm = alloc->dm;
	unsigned long i;
	int err;

	for (i = 0; i < args->npages; i++) {
		buf->spages[i] = migrate_pfn_to_page(args->src[i]);
		buf->dpages[i] = NULL;
		if (!(args->src[i] & MIGRATE_PFN_MIGRATE))
			continue;

		buf->dpages[i] = drm_svm_devmem_alloc_page(alloc, i);
		args->dst[i] = migrate_pfn(page_to_pfn(buf->dpages[i]));
		if ((args->src[i] & MIGRATE_PFN_WRITE) ||
		    (!buf->spages[i] && args->vma->vm_flags & VM_WRITE))
			args->dst[i] |= MIGRATE_PFN_WRITE;
	}

	err = dm->ops->copy(dm, buf->dpages, buf->spages, args->npages,
			    DRM_SVM_COPY_TO_DEVICE);
	if (err) {
		drm_dbg(dm->sdev->drm, "copy to device memory failed: %d\n",
			err);
		drm_svm_migrate_drop_dst(args->dst, buf->dpages,
					 args->npages);
	}
	return err;
}

/*
 * One attempt to move [start, end) into @dm. Caller holds the mmap lock.
 * Returns pages moved, or -ENOSPC when the memory is full.
 */
static long drm_svm_migrate_try_devmem(struct drm_svm_devmem *dm,
				       struct drm_svm_mm *svm_mm,
				       struct vm_area_struct *vma,
				       unsigned long start, unsigned long end,
				       struct drm_svm_migrate_buf *buf)
{
	struct migrate_vma args = {
		.vma = vma,
		.start = start,
		.end = end,
		.src = buf->src,
		.dst = buf->dst,
		.pgmap_owner = dm,
		.flags = MIGRATE_VMA_SELECT_SYSTEM,
	};
	struct drm_svm_devmem_alloc *alloc;
	long moved = 0;
	int err;

	err = migrate_vma_setup(&args);
	if (err)
		return err;
	if (!args.cpages)
		goto out_finalize;

	alloc = drm_svm_devmem_alloc(dm, svm_mm, args.npages);
	if (IS_ERR(alloc)) {
		moved = PTR_ERR(alloc);
		goto out_finalize;
	}
	if (!drm_svm_migrate_fill_devmem(alloc, &args, buf)) {
		migrate_vma_pages(&args);
		moved = drm_svm_migrate_count(args.src, args.dst, args.npages);
	}
	migrate_vma_finalize(&args);
	drm_svm_devmem_alloc_put(alloc);
	return moved;

out_finalize:
	migrate_vma_finalize(&args);
	return moved;
}

/**
 * drm_svm_migrate_to_devmem() - Move a chunk into device memory
 * @dm: the device memory
 * @svm_mm: the process
 * @start: first CPU address of the chunk
 * @end: end of the chunk; at most DRM_SVM_MAX_CHUNK from @start, a power
 *	 of two in size and aligned to it
 *
 * Best effort: pages that cannot move (busy, pinned, not in a migratable
 * VMA) stay. When the memory is full, evicts and retries a few times.
 * Caller holds a reference on the address space and no mmap lock.
 *
 * Returns: pages moved, or a negative error code when nothing could be.
 */
long drm_svm_migrate_to_devmem(struct drm_svm_devmem *dm,
			       struct drm_svm_mm *svm_mm, unsigned long start,
			       unsigned long end)
{
	struct mm_struct *mm = svm_mm->mm;
	struct drm_svm_migrate_buf *buf;
	struct vm_area_struct *vma;
	unsigned int tries;
	long moved;

	if (WARN_ON_ONCE(end - start > DRM_SVM_MAX_CHUNK))
		return -EINVAL;
	buf = kmalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	for (tries = 0; ; tries++) {
		mmap_read_lock(mm);
		vma = vma_lookup(mm, start);
		if (vma && end <= vma->vm_end && drm_svm_vma_migratable(vma))
			moved = drm_svm_migrate_try_devmem(dm, svm_mm, vma,
							   start, end, buf);
		else
			moved = 0;
		mmap_read_unlock(mm);

		if (moved != -ENOSPC || tries == 3 ||
		    drm_svm_devmem_evict(dm, (end - start) >> PAGE_SHIFT))
			break;
	}
	kfree(buf);

	if (moved > 0) {
		atomic64_add(moved, &dm->stats.pages_to_vram);
		atomic64_add(moved,
			     &svm_mm->counters[dm->sdev->id].pages_to_vram);
	}
	return moved;
}

/*
 * Allocate system pages for the collected device pages and copy them
 * back. Returns 0, or an error with the destination dropped.
 */
static int drm_svm_migrate_fill_ram(struct drm_svm_devmem *dm,
				    struct vm_area_struct *vma,
				    unsigned long start, unsigned long *src,
				    unsigned long *dst, unsigned long npages,
				    struct drm_svm_migrate_buf *buf)
{
	unsigned long i;
	int err = 0;

	for (i = 0; i < npages; i++) {
		buf->spages[i] = NULL;
		buf->dpages[i] = NULL;
		dst[i] = 0;
	}
	for (i = 0; i < npages; i++) {
		struct page *page;

		if (!(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		buf->spages[i] = migrate_pfn_to_page(src[i]);
		if (!buf->spages[i])
			continue;

		if (vma)
			page = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma,
					      start + i * PAGE_SIZE);
		else
			page = alloc_page(GFP_HIGHUSER_MOVABLE);
		if (!page) {
			err = -ENOMEM;
			break;
		}
		lock_page(page);
		buf->dpages[i] = page;
		dst[i] = migrate_pfn(page_to_pfn(page)) |
			 (src[i] & MIGRATE_PFN_WRITE);
	}

	if (!err)
		err = dm->ops->copy(dm, buf->dpages, buf->spages, npages,
				    DRM_SVM_COPY_TO_SYSTEM);
	if (err) {
		drm_dbg(dm->sdev->drm, "copy to system memory failed: %d\n",
			err);
		drm_svm_migrate_drop_dst(dst, buf->dpages, npages);
	}
	return err;
}

/* Account pages that left @dm to the processes that had them there. */
static void drm_svm_migrate_account_ram(struct drm_svm_devmem *dm,
					const unsigned long *dst,
					const unsigned long *src,
					struct page **spages,
					unsigned long npages)
{
	struct drm_svm_devmem_alloc *alloc;
	unsigned long i, n = 0;

	for (i = 0; i < npages; i++) {
		if (!dst[i] || !(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		alloc = spages[i]->zone_device_data;
		if (alloc)
			atomic64_inc(&alloc->svm_mm->counters[dm->sdev->id].pages_to_ram);
		n++;
	}
	atomic64_add(n, &dm->stats.pages_to_ram);
}

/**
 * drm_svm_migrate_vma_to_ram() - Move a VMA range out of device memory
 * @dm: the device memory whose pages move
 * @vma: the VMA
 * @start: first CPU address, in @vma
 * @end: end of the range, in @vma, at most DRM_SVM_MAX_CHUNK from @start
 * @fault_page: the page a CPU fault is on, or NULL
 *
 * Caller holds the mmap lock for read.
 *
 * Returns: pages moved, or a negative error code.
 */
long drm_svm_migrate_vma_to_ram(struct drm_svm_devmem *dm,
				struct vm_area_struct *vma, unsigned long start,
				unsigned long end, struct page *fault_page)
{
	struct drm_svm_migrate_buf *buf;
	struct migrate_vma args = {
		.vma = vma,
		.start = start,
		.end = end,
		.pgmap_owner = dm,
		.flags = drm_svm_devmem_is_coherent(dm) ?
			 MIGRATE_VMA_SELECT_DEVICE_COHERENT :
			 MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		.fault_page = fault_page,
	};
	long moved = 0;
	int err;

	mmap_assert_locked(vma->vm_mm);
	if (WARN_ON_ONCE(end - start > DRM_SVM_MAX_CHUNK))
		return -EINVAL;
	buf = kmalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	args.src = buf->src;
	args.dst = buf->dst;

	err = migrate_vma_setup(&args);
	if (err)
		goto out_free;
	if (args.cpages) {
		err = drm_svm_migrate_fill_ram(dm, vma, start, args.src,
					       args.dst, args.npages, buf);
		if (!err) {
			migrate_vma_pages(&args);
			drm_svm_migrate_account_ram(dm, args.dst, args.src,
						    buf->spages, args.npages);
			moved = drm_svm_migrate_count(args.src, args.dst,
						      args.npages);
		}
	}
	migrate_vma_finalize(&args);
out_free:
	kfree(buf);
	return err ? err : moved;
}

/**
 * drm_svm_migrate_pfns_to_ram() - Move device pages out by page frame
 * @dm: the device memory
 * @pfn: first page frame, in @dm
 * @npages: number of pages, at most DRM_SVM_MAX_CHUNK worth
 *
 * Moves whichever of the pages are in use, in any process, to system
 * memory. Used for eviction and teardown; needs no mmap lock.
 *
 * Returns: pages moved, or a negative error code.
 */
long drm_svm_migrate_pfns_to_ram(struct drm_svm_devmem *dm,
				 unsigned long pfn, unsigned long npages)
{
	struct drm_svm_migrate_buf *buf;
	long moved = 0;
	int err;

	if (WARN_ON_ONCE(npages > DRM_SVM_MIGRATE_PAGES))
		return -EINVAL;
	buf = kmalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	err = migrate_device_range(buf->src, pfn, npages);
	if (err)
		goto out_free;
	err = drm_svm_migrate_fill_ram(dm, NULL, 0, buf->src, buf->dst,
				       npages, buf);
	if (!err) {
		migrate_device_pages(buf->src, buf->dst, npages);
		drm_svm_migrate_account_ram(dm, buf->dst, buf->src,
					    buf->spages, npages);
		moved = drm_svm_migrate_count(buf->src, buf->dst, npages);
	}
	migrate_device_finalize(buf->src, buf->dst, npages);
out_free:
	kfree(buf);
	return err ? err : moved;
}

/* Move whatever part of [start, end) of @vma is in @dm to system memory. */
static long drm_svm_migrate_vma_range_to_ram(struct drm_svm_devmem *dm,
					     struct vm_area_struct *vma,
					     unsigned long start,
					     unsigned long end)
{
	unsigned long addr, next;
	long moved = 0, n;

	for (addr = start; addr < end; addr = next) {
		next = min(end, ALIGN(addr + 1, DRM_SVM_MAX_CHUNK));
		n = drm_svm_migrate_vma_to_ram(dm, vma, addr, next, NULL);
		if (n < 0)
			return n;
		moved += n;
	}
	return moved;
}

/**
 * drm_svm_migrate_to_ram() - Move a CPU range out of every device's memory
 * @svm_mm: the process
 * @start: first CPU address, page aligned
 * @end: end of the range, page aligned
 *
 * Caller holds a reference on the address space and no mmap lock.
 *
 * Returns: pages moved, or the first error.
 */
long drm_svm_migrate_to_ram(struct drm_svm_mm *svm_mm, unsigned long start,
			    unsigned long end)
{
	struct mm_struct *mm = svm_mm->mm;
	struct drm_svm_device *sdev;
	struct vm_area_struct *vma;
	long moved = 0, n = 0;
	u32 id;

	drm_svm_devices_lock();
	mmap_read_lock(mm);
	for (id = 0; id < DRM_SVM_MAX_DEVICES && n >= 0; id++) {
		sdev = drm_svm_device_by_id(id);
		if (!sdev || !sdev->devmem)
			continue;

		VMA_ITERATOR(vmi, mm, start);
		for_each_vma_range(vmi, vma, end) {
			n = drm_svm_migrate_vma_range_to_ram(sdev->devmem, vma,
							     max(start, vma->vm_start),
							     min(end, vma->vm_end));
			if (n < 0)
				break;
			moved += n;
		}
	}
	mmap_read_unlock(mm);
	drm_svm_devices_unlock();

	return n < 0 ? n : moved;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <drm/drm_print.h>

#include "drm_svm_internal.h"
#include "drm_svm_trace.h"

/**
 * DOC: Migration
 *
 * Pages move one chunk (see Range chunks) at a time, at most
 * DRM_SVM_MAX_CHUNK, with one migrate_vma_setup(), one copy-engine call
 * for the whole chunk and one migrate_vma_pages() / migrate_vma_finalize():
 *
 *  - to device memory, on a GPU fault or a prefetch, for anonymous private
 *    memory of a binding without %DRM_SVM_BIND_FLAG_NO_MIGRATE. The core
 *    collects the chunk's pages, from system memory and from the memory
 *    of every device (see Topology), then allocates one block for the
 *    chunk, so that a chunk already in device memory costs no allocation.
 *    Pages that are not there yet (never touched, or the zero page) are
 *    created in device memory, zero-filled by the copy engine: a device
 *    page never shows a byte of its previous user;
 *  - from one device to another, directly, when drm_svm_can_access()
 *    lets the destination reach the source: the same single pass, with
 *    the destination's copy engine reading the source device's pages over
 *    the link. Pages of a device the destination cannot reach bounce:
 *    the chunk's pages of that device move to system memory first, then
 *    the chunk moves in; only the chunk, never more. The statistics count
 *    the pages moved directly and the chunks that bounced;
 *  - to system memory, on a CPU fault on a device-private page (the
 *    chunk the page was migrated with, clipped to the faulting VMA, so a
 *    chunk that was partly unmapped or moved with mremap() is handled page
 *    by page), on an explicit prefetch, before a device maps pages of a
 *    device it cannot reach, and by eviction, which goes by page frame
 *    with migrate_device_range() and needs no address space. Pages of
 *    several devices in one chunk move in one pass, with one copy call
 *    per source device. The chunk's system pages come from the page
 *    allocator in one batch, from the local node, unless the task or the
 *    VMA has a memory policy, which then places each page as a CPU fault
 *    would.
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
	/* The destinations of one copy call, when there are several */
	struct page *cpages[DRM_SVM_MIGRATE_PAGES];
};

/*
 * 20 KiB: kmalloc() would need an order-3 page, which fragmentation can
 * deny on a CPU fault (VM_FAULT_OOM); kvmalloc() falls back to vmalloc.
 */
static struct drm_svm_migrate_buf *drm_svm_migrate_buf_alloc(void)
{
	return kvmalloc(sizeof(struct drm_svm_migrate_buf), GFP_KERNEL);
}

/* Both kinds of device page, of every device of the core */
#define DRM_SVM_SELECT_DEVICE	(MIGRATE_VMA_SELECT_DEVICE_PRIVATE | \
				 MIGRATE_VMA_SELECT_DEVICE_COHERENT)

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
 * Once migrate_vma_pages() has moved pages into device memory, with every
 * page still locked: the device pages that received data hold it now, and
 * those of peers that gave it up hold none (struct
 * drm_svm_devmem_alloc.live). Moves out do the latter in
 * drm_svm_migrate_account_ram().
 */
static void drm_svm_migrate_mark_live(const unsigned long *src,
				      const unsigned long *dst,
				      struct page **spages,
				      unsigned long npages)
{
	struct page *dpage;
	unsigned long i;

	for (i = 0; i < npages; i++) {
		if (!dst[i] || !(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		if (spages[i] && drm_svm_page_devmem(spages[i]))
			drm_svm_devmem_page_set_live(spages[i], false);
		dpage = migrate_pfn_to_page(dst[i]);
		if (drm_svm_page_devmem(dpage))
			drm_svm_devmem_page_set_live(dpage, true);
	}
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
	u64 t0 = drm_svm_phase_start();
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

	drm_svm_phase_end(dm->sdev, DRM_SVM_PHASE_ALLOC, args->npages, t0);
	t0 = drm_svm_phase_start();
	err = dm->ops->copy(dm, buf->dpages, buf->spages, args->npages,
			    DRM_SVM_COPY_TO_DEVICE);
	drm_svm_phase_end(dm->sdev, DRM_SVM_PHASE_COPY, args->npages, t0);
	if (err) {
		drm_dbg(dm->sdev->drm, "copy to device memory failed: %d\n",
			err);
		drm_svm_migrate_drop_dst(args->dst, buf->dpages,
					 args->npages);
	}
	return err;
}

/*
 * Of the pages collected to move into @dm, keep those that are not there
 * yet and that @dm's device can reach: system pages, holes and pages of
 * linked peers. Pages of devices it cannot reach are dropped, their
 * devices added to *@bounce. Returns the pages left to move.
 */
static unsigned long drm_svm_migrate_select_in(struct drm_svm_devmem *dm,
					       unsigned long *src,
					       unsigned long npages,
					       u32 *bounce)
{
	struct drm_svm_devmem *from;
	unsigned long i, n = 0;
	struct page *page;

	for (i = 0; i < npages; i++) {
		if (!(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		if (drm_svm_should_fail(DRM_SVM_FAIL_MIGRATE)) {
			src[i] &= ~MIGRATE_PFN_MIGRATE;
			continue;
		}
		page = migrate_pfn_to_page(src[i]);
		from = page ? drm_svm_page_devmem(page) : NULL;
		if (from && (from == dm ||
			     !drm_svm_can_access(dm->sdev, from->sdev))) {
			if (from != dm)
				*bounce |= BIT(from->sdev->id);
			src[i] &= ~MIGRATE_PFN_MIGRATE;
			continue;
		}
		n++;
	}
	return n;
}

/* Of the pages that did migrate, those that came from a device's memory */
static unsigned long drm_svm_migrate_count_peers(const unsigned long *src,
						 const unsigned long *dst,
						 struct page **spages,
						 unsigned long npages)
{
	unsigned long i, n = 0;

	for (i = 0; i < npages; i++)
		n += dst[i] && (src[i] & MIGRATE_PFN_MIGRATE) && spages[i] &&
		     drm_svm_page_devmem(spages[i]);
	return n;
}

/*
 * One attempt to move [start, end) into @dm. Caller holds the mmap lock
 * and has zeroed *@peers. Returns pages moved, of which *@peers directly
 * from other devices, or -ENOSPC when the memory is full; *@bounce gets
 * the devices whose pages @dm's device cannot reach.
 */
static long drm_svm_migrate_try_devmem(struct drm_svm_devmem *dm,
				       struct drm_svm_mm *svm_mm,
				       struct vm_area_struct *vma,
				       unsigned long start, unsigned long end,
				       struct drm_svm_migrate_buf *buf,
				       unsigned long *peers, u32 *bounce)
{
	struct migrate_vma args = {
		.vma = vma,
		.start = start,
		.end = end,
		.src = buf->src,
		.dst = buf->dst,
		.pgmap_owner = drm_svm_pgmap_owner(),
		.flags = MIGRATE_VMA_SELECT_SYSTEM | DRM_SVM_SELECT_DEVICE,
	};
	struct drm_svm_migration mig = { .to = dm->sdev };
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	struct drm_svm_devmem_alloc *alloc;
	long moved = 0;
	u64 t0;
	int err;

	t0 = drm_svm_phase_start();
	drm_svm_migration_begin(svm_mm, &mig);
	err = migrate_vma_setup(&args);
	drm_svm_migration_end(svm_mm, &mig);
	drm_svm_phase_end(dm->sdev, DRM_SVM_PHASE_MIGRATE_SETUP, npages, t0);
	if (err)
		return err;
	if (!args.cpages ||
	    !drm_svm_migrate_select_in(dm, args.src, args.npages, bounce))
		goto out_finalize;

	t0 = drm_svm_phase_start();
	alloc = drm_svm_devmem_alloc(dm, svm_mm, args.npages);
	drm_svm_phase_end(dm->sdev, DRM_SVM_PHASE_ALLOC, npages, t0);
	if (IS_ERR(alloc)) {
		moved = PTR_ERR(alloc);
		goto out_finalize;
	}
	if (!drm_svm_migrate_fill_devmem(alloc, &args, buf)) {
		t0 = drm_svm_phase_start();
		migrate_vma_pages(&args);
		drm_svm_migrate_mark_live(args.src, args.dst, buf->spages,
					  args.npages);
		alloc->born = ktime_get_ns();
		moved = drm_svm_migrate_count(args.src, args.dst, args.npages);
		/* The sources are held until finalize. */
		*peers = drm_svm_migrate_count_peers(args.src, args.dst,
						     buf->spages, args.npages);
	} else {
		t0 = drm_svm_phase_start();
	}
	migrate_vma_finalize(&args);
	drm_svm_phase_end(dm->sdev, DRM_SVM_PHASE_MIGRATE_FINISH, npages, t0);
	drm_svm_devmem_alloc_put(alloc);
	return moved;

out_finalize:
	t0 = drm_svm_phase_start();
	migrate_vma_finalize(&args);
	drm_svm_phase_end(dm->sdev, DRM_SVM_PHASE_MIGRATE_FINISH, npages, t0);
	return moved;
}

/*
 * Move what can move of [start, end) into @dm, evicting and retrying a few
 * times when the memory is full. Caller holds no mmap lock.
 */
static long drm_svm_migrate_in(struct drm_svm_devmem *dm,
			       struct drm_svm_mm *svm_mm, unsigned long start,
			       unsigned long end,
			       struct drm_svm_migrate_buf *buf,
			       unsigned long *peers, u32 *bounce)
{
	struct mm_struct *mm = svm_mm->mm;
	struct vm_area_struct *vma;
	unsigned int tries;
	long moved;

	for (tries = 0; ; tries++) {
		*peers = 0;
		if (mmap_read_lock_killable(mm))
			return -EINTR;
		vma = vma_lookup(mm, start);
		if (vma && end <= vma->vm_end && drm_svm_vma_migratable(vma))
			moved = drm_svm_migrate_try_devmem(dm, svm_mm, vma,
							   start, end, buf,
							   peers, bounce);
		else
			moved = 0;
		mmap_read_unlock(mm);

		if (moved != -ENOSPC || tries == 3 ||
		    drm_svm_devmem_evict(dm, (end - start) >> PAGE_SHIFT))
			return moved;
	}
}

static void drm_svm_migrate_account_in(struct drm_svm_devmem *dm,
				       struct drm_svm_mm *svm_mm, long moved,
				       unsigned long peers, bool bounced)
{
	if (moved <= 0)
		return;
	drm_svm_count(svm_mm, dm->sdev, pages_to_vram, moved);
	drm_svm_count(svm_mm, dm->sdev, pages_from_peer, peers);
	if (bounced)
		drm_svm_count(svm_mm, dm->sdev, bounces, 1);
}

/**
 * drm_svm_migrate_to_devmem() - Move a chunk into device memory
 * @dm: the device memory
 * @svm_mm: the process
 * @start: first CPU address of the chunk
 * @end: end of the chunk; at most DRM_SVM_MAX_CHUNK from @start, a power
 *	 of two in size and aligned to it
 *
 * Moves the chunk's system pages and the pages of other devices into @dm:
 * directly from devices that @dm's device can reach, through system
 * memory from the others. Best effort: pages that cannot move (busy,
 * pinned, not in a migratable VMA) stay. When the memory is full, evicts
 * and retries a few times. Caller holds a reference on the address space
 * and no mmap lock.
 *
 * Returns: pages moved, or a negative error code when nothing could be.
 */
long drm_svm_migrate_to_devmem(struct drm_svm_devmem *dm,
			       struct drm_svm_mm *svm_mm, unsigned long start,
			       unsigned long end)
{
	struct drm_svm_migrate_buf *buf;
	unsigned long peers;
	u32 bounce = 0;
	long moved, n;

	if (WARN_ON_ONCE(end - start > DRM_SVM_MAX_CHUNK))
		return -EINVAL;
	buf = drm_svm_migrate_buf_alloc();
	if (!buf)
		return -ENOMEM;

	moved = drm_svm_migrate_in(dm, svm_mm, start, end, buf, &peers,
				   &bounce);
	drm_svm_migrate_account_in(dm, svm_mm, moved, peers, false);

	/* Pages of devices @dm cannot reach: through system memory. */
	if (moved >= 0 && bounce &&
	    drm_svm_migrate_to_ram(svm_mm, start, end, bounce) > 0) {
		trace_drm_svm_bounce(dm->sdev->id, start, end, bounce);
		bounce = 0;
		n = drm_svm_migrate_in(dm, svm_mm, start, end, buf, &peers,
				       &bounce);
		drm_svm_migrate_account_in(dm, svm_mm, n, peers, true);
		if (n > 0)
			moved += n;
	}
	kvfree(buf);
	return moved;
}

/*
 * Copy the collected device pages to their system pages, with one call
 * to the copy engine of each device they are in.
 */
static int drm_svm_migrate_copy_out(struct drm_svm_migrate_buf *buf,
				    unsigned long npages)
{
	DECLARE_BITMAP(done, DRM_SVM_MIGRATE_PAGES);
	unsigned long i, j, n;
	struct drm_svm_devmem *dm;
	u64 t0;
	int err;

	bitmap_zero(done, npages);
	for (i = 0; i < npages; i++) {
		if (!buf->dpages[i] || test_bit(i, done))
			continue;
		dm = drm_svm_page_devmem(buf->spages[i]);
		for (j = 0, n = 0; j < npages; j++) {
			buf->cpages[j] = NULL;
			if (!buf->dpages[j] || test_bit(j, done) ||
			    drm_svm_page_devmem(buf->spages[j]) != dm)
				continue;
			buf->cpages[j] = buf->dpages[j];
			__set_bit(j, done);
			n++;
		}
		t0 = drm_svm_phase_start();
		err = dm->ops->copy(dm, buf->cpages, buf->spages, npages,
				    DRM_SVM_COPY_TO_SYSTEM);
		drm_svm_phase_end(dm->sdev, DRM_SVM_PHASE_COPY, n, t0);
		if (err) {
			drm_dbg(dm->sdev->drm,
				"copy to system memory failed: %d\n", err);
			return err;
		}
	}
	return 0;
}

/*
 * The device a move out is accounted to in the phase timers: the one of
 * its first page, NULL for none. Some moves take pages of several.
 */
static struct drm_svm_device *
drm_svm_migrate_out_dev(const struct drm_svm_migrate_buf *buf,
			unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		if (buf->spages[i])
			return drm_svm_page_devmem(buf->spages[i])->sdev;
	return NULL;
}

/*
 * Whether the system pages of a move out may come from the local node in
 * one batch: when neither the task nor the VMA (if any) has a memory
 * policy, where alloc_page_vma() and alloc_page() would take them from
 * the local node too.
 */
static bool drm_svm_migrate_bulk_ok(struct vm_area_struct *vma)
{
#ifdef CONFIG_NUMA
	return !current->mempolicy && (!vma || !vma_policy(vma));
#else
	return true;
#endif
}

/*
 * System pages for the collected pages of a move out, in @buf's dpages at
 * the indices of its spages: in one batch where the memory policy allows
 * (buf->cpages holds it), else, and for what the batch did not get, one
 * by one as the VMA's policy says. Returns 0, or -ENOMEM with none kept.
 */
static int drm_svm_migrate_alloc_ram(struct vm_area_struct *vma,
				     unsigned long start,
				     struct drm_svm_migrate_buf *buf,
				     unsigned long npages, unsigned long n)
{
	struct page **batch = buf->cpages;
	unsigned long i, k = 0, got = 0;

	if (n > 1 && drm_svm_migrate_bulk_ok(vma)) {
		memset(batch, 0, n * sizeof(*batch));
		got = alloc_pages_bulk_array(GFP_HIGHUSER_MOVABLE, n, batch);
	}
	for (i = 0; i < npages; i++) {
		if (!buf->spages[i])
			continue;
		if (k < got)
			buf->dpages[i] = batch[k++];
		else if (vma)
			buf->dpages[i] = alloc_page_vma(GFP_HIGHUSER_MOVABLE,
							vma,
							start + i * PAGE_SIZE);
		else
			buf->dpages[i] = alloc_page(GFP_HIGHUSER_MOVABLE);
		if (!buf->dpages[i])
			goto err_free;
	}
	return 0;

err_free:
	for (i = 0; i < npages; i++) {
		if (buf->dpages[i])
			put_page(buf->dpages[i]);
		buf->dpages[i] = NULL;
	}
	return -ENOMEM;
}

/*
 * Allocate system pages for the collected pages of the devices in @from
 * and copy them back; pages of other devices stay. Returns 0, or an error
 * with the destination dropped.
 */
static int drm_svm_migrate_fill_ram(struct vm_area_struct *vma,
				    unsigned long start, unsigned long *src,
				    unsigned long *dst, unsigned long npages,
				    u32 from, struct drm_svm_migrate_buf *buf)
{
	u64 t0 = drm_svm_phase_start();
	unsigned long i, n = 0;
	struct drm_svm_devmem *dm;
	struct page *page;
	int err;

	for (i = 0; i < npages; i++) {
		buf->spages[i] = NULL;
		buf->dpages[i] = NULL;
		dst[i] = 0;
		if (!(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		page = migrate_pfn_to_page(src[i]);
		if (!page)
			continue;
		dm = drm_svm_page_devmem(page);
		if (!dm || !(from & BIT(dm->sdev->id)) ||
		    !drm_svm_devmem_page_live(page)) {
			src[i] &= ~MIGRATE_PFN_MIGRATE;
			continue;
		}
		buf->spages[i] = page;
		n++;
	}

	err = drm_svm_migrate_alloc_ram(vma, start, buf, npages, n);
	for (i = 0; !err && i < npages; i++) {
		if (!buf->dpages[i])
			continue;
		lock_page(buf->dpages[i]);
		dst[i] = migrate_pfn(page_to_pfn(buf->dpages[i])) |
			 (src[i] & MIGRATE_PFN_WRITE);
	}
	drm_svm_phase_end(drm_svm_migrate_out_dev(buf, npages),
			  DRM_SVM_PHASE_ALLOC, n, t0);

	if (!err)
		err = drm_svm_migrate_copy_out(buf, npages);
	if (err)
		drm_svm_migrate_drop_dst(dst, buf->dpages, npages);
	return err;
}

/*
 * Account pages that left device memory to the devices and processes;
 * they hold no data any more (struct drm_svm_devmem_alloc.live). Called
 * with the pages still locked, after migrate_*_pages().
 */
static void drm_svm_migrate_account_ram(const unsigned long *dst,
					const unsigned long *src,
					struct page **spages,
					unsigned long npages)
{
	struct drm_svm_devmem_alloc *alloc;
	unsigned long i;

	for (i = 0; i < npages; i++) {
		if (!dst[i] || !(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		alloc = spages[i]->zone_device_data;
		if (!alloc)
			continue;
		drm_svm_devmem_page_set_live(spages[i], false);
		drm_svm_count(alloc->svm_mm, alloc->dm->sdev, pages_to_ram, 1);
	}
}

/**
 * drm_svm_migrate_vma_to_ram() - Move a VMA range out of device memory
 * @vma: the VMA
 * @start: first CPU address, in @vma
 * @end: end of the range, in @vma, at most DRM_SVM_MAX_CHUNK from @start
 * @fault_page: the page a CPU fault is on, or NULL
 * @from: the SVM device ids, as a mask, whose pages move
 *
 * A CPU fault (@fault_page set) moves device-private pages only; the CPU
 * accesses device-coherent pages in place. Caller holds the mmap lock for
 * read.
 *
 * Returns: pages moved, or a negative error code.
 */
long drm_svm_migrate_vma_to_ram(struct vm_area_struct *vma,
				unsigned long start, unsigned long end,
				struct page *fault_page, u32 from)
{
	struct drm_svm_migrate_buf *buf;
	struct migrate_vma args = {
		.vma = vma,
		.start = start,
		.end = end,
		.pgmap_owner = drm_svm_pgmap_owner(),
		.flags = fault_page ? MIGRATE_VMA_SELECT_DEVICE_PRIVATE :
				      DRM_SVM_SELECT_DEVICE,
		.fault_page = fault_page,
	};
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	struct drm_svm_device *sdev = NULL;
	u64 t0, setup;
	long moved = 0;
	int err;

	mmap_assert_locked(vma->vm_mm);
	if (WARN_ON_ONCE(end - start > DRM_SVM_MAX_CHUNK))
		return -EINVAL;
	buf = drm_svm_migrate_buf_alloc();
	if (!buf)
		return -ENOMEM;
	args.src = buf->src;
	args.dst = buf->dst;

	t0 = drm_svm_phase_start();
	err = migrate_vma_setup(&args);
	setup = drm_svm_phase_start() - t0;
	if (err)
		goto out_free;
	if (args.cpages) {
		err = drm_svm_migrate_fill_ram(vma, start, args.src, args.dst,
					       args.npages, from, buf);
		sdev = drm_svm_migrate_out_dev(buf, args.npages);
		t0 = drm_svm_phase_start();
		if (!err) {
			migrate_vma_pages(&args);
			drm_svm_migrate_account_ram(args.dst, args.src,
						    buf->spages, args.npages);
			moved = drm_svm_migrate_count(args.src, args.dst,
						      args.npages);
		}
	}
	drm_svm_phase_add(sdev, DRM_SVM_PHASE_MIGRATE_SETUP, npages, setup);
	migrate_vma_finalize(&args);
	drm_svm_phase_end(sdev, DRM_SVM_PHASE_MIGRATE_FINISH, npages, t0);
out_free:
	kvfree(buf);
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
	u64 t0;
	int err;

	if (WARN_ON_ONCE(npages > DRM_SVM_MIGRATE_PAGES))
		return -EINVAL;
	buf = drm_svm_migrate_buf_alloc();
	if (!buf)
		return -ENOMEM;

	t0 = drm_svm_phase_start();
	err = migrate_device_range(buf->src, pfn, npages);
	drm_svm_phase_end(dm->sdev, DRM_SVM_PHASE_MIGRATE_SETUP, npages, t0);
	if (err)
		goto out_free;
	err = drm_svm_migrate_fill_ram(NULL, 0, buf->src, buf->dst, npages,
				       BIT(dm->sdev->id), buf);
	t0 = drm_svm_phase_start();
	if (!err) {
		migrate_device_pages(buf->src, buf->dst, npages);
		drm_svm_migrate_account_ram(buf->dst, buf->src, buf->spages,
					    npages);
		moved = drm_svm_migrate_count(buf->src, buf->dst, npages);
	}
	migrate_device_finalize(buf->src, buf->dst, npages);
	drm_svm_phase_end(dm->sdev, DRM_SVM_PHASE_MIGRATE_FINISH, npages, t0);
out_free:
	kvfree(buf);
	return err ? err : moved;
}

/**
 * drm_svm_range_migratable() - Whether a CPU range may go to device memory
 * @mm: the address space, held by the caller
 * @start: first address
 * @end: end of the range
 *
 * Returns: true when one VMA covers the range and its pages may migrate
 * (drm_svm_vma_migratable()).
 */
bool drm_svm_range_migratable(struct mm_struct *mm, unsigned long start,
			      unsigned long end)
{
	struct vm_area_struct *vma;
	bool ok;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, start);
	ok = vma && end <= vma->vm_end && drm_svm_vma_migratable(vma);
	mmap_read_unlock(mm);
	return ok;
}

/* Move the pages of [start, end) of @vma in devices @from to system memory. */
static long drm_svm_migrate_vma_range_to_ram(struct vm_area_struct *vma,
					     unsigned long start,
					     unsigned long end, u32 from)
{
	unsigned long addr, next;
	long moved = 0, n;

	for (addr = start; addr < end; addr = next) {
		next = min(end, ALIGN(addr + 1, DRM_SVM_MAX_CHUNK));
		n = drm_svm_migrate_vma_to_ram(vma, addr, next, NULL, from);
		if (n < 0)
			return n;
		moved += n;
	}
	return moved;
}

/**
 * drm_svm_migrate_to_ram() - Move a CPU range out of device memory
 * @svm_mm: the process
 * @start: first CPU address, page aligned
 * @end: end of the range, page aligned
 * @from: the SVM device ids, as a mask, whose pages move;
 *	  %DRM_SVM_ALL_DEVICES for every device
 *
 * Caller holds a reference on the address space and no mmap lock.
 *
 * Returns: pages moved, or the first error.
 */
long drm_svm_migrate_to_ram(struct drm_svm_mm *svm_mm, unsigned long start,
			    unsigned long end, u32 from)
{
	VMA_ITERATOR(vmi, svm_mm->mm, start);
	struct mm_struct *mm = svm_mm->mm;
	struct vm_area_struct *vma;
	long moved = 0, n = 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	for_each_vma_range(vmi, vma, end) {
		n = drm_svm_migrate_vma_range_to_ram(vma,
						     max(start, vma->vm_start),
						     min(end, vma->vm_end),
						     from);
		if (n < 0)
			break;
		moved += n;
	}
	mmap_read_unlock(mm);

	return n < 0 ? n : moved;
}

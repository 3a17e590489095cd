// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/bitmap.h>
#include <linux/hmm.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_print.h>

#include "drm_svm_internal.h"

/**
 * DOC: Residency
 *
 * The residency ioctl (&struct drm_svm_residency) reports, for each page
 * of a GPU range, where the page lives and which devices map it, without
 * faulting anything in. It is how tests prove where data is.
 *
 * The core walks the CPU page tables of each bound piece once with
 * hmm_range_fault() in snapshot mode, as its peer domain (see Topology),
 * which reports system pages and the pages of every device as they are.
 * Devices that map a page are found by walking the bindings of the
 * process over the piece and asking each mirror's driver
 * (&drm_svm_ops.mapped), with the notifier lock held; a device that maps
 * a page in another device's memory maps it over a link
 * (&drm_svm_page_residency.mapped_remote). On request it also reports
 * the migration policy's state of each block the range touches (&struct
 * drm_svm_block_policy; see Migration policy).
 */

/* Pages one walk covers: a chunk, so that one notifier window holds it */
#define DRM_SVM_RESIDENCY_BATCH	(DRM_SVM_MAX_CHUNK >> PAGE_SHIFT)

/* Fill in @res from a snapshot. */
static void drm_svm_residency_fill(struct drm_svm_page_residency *res,
				   const unsigned long *pfns,
				   unsigned long npages)
{
	struct drm_svm_devmem *dm;
	unsigned long i;

	for (i = 0; i < npages; i++) {
		if (!(pfns[i] & HMM_PFN_VALID) || (pfns[i] & HMM_PFN_ERROR))
			continue;
		dm = drm_svm_page_devmem(hmm_pfn_to_page(pfns[i]));
		if (!dm) {
			res[i].location = DRM_SVM_RESIDENT_SYSTEM;
			continue;
		}
		res[i].location = DRM_SVM_RESIDENT_DEVICE;
		res[i].device = dm->sdev->id;
		if (drm_svm_devmem_is_coherent(dm))
			res[i].flags |= DRM_SVM_PAGE_COHERENT;
	}
}

/* Device @id maps the page: in place, or over a link from another device. */
static void drm_svm_residency_mapped_by(struct drm_svm_page_residency *res,
					u32 id)
{
	res->mapped |= BIT(id);
	if (res->location == DRM_SVM_RESIDENT_DEVICE && res->device != id)
		res->mapped_remote |= BIT(id);
}

/* Set the mapped bits of [start, start + npages pages) from every mirror. */
static void drm_svm_residency_mapped(struct drm_svm_mm *svm_mm,
				     unsigned long start, unsigned long npages,
				     struct drm_svm_page_residency *res,
				     unsigned long *bitmap)
{
	unsigned long last = start + npages * PAGE_SIZE - 1;
	struct drm_svm_page_residency *res_lo;
	struct interval_tree_node *node;
	unsigned long lo, hi, i;

	down_read(&svm_mm->notifier_lock);
	for (node = interval_tree_iter_first(&svm_mm->cpu_tree, start, last);
	     node; node = interval_tree_iter_next(node, start, last)) {
		struct drm_svm_binding *b =
			container_of(node, struct drm_svm_binding, cpu_node);
		struct drm_svm_mirror *mirror = b->mirror;

		if (!mirror->sdev->ops->mapped)
			continue;
		lo = max(start, node->start);
		hi = min(last, node->last);
		bitmap_zero(bitmap, DRM_SVM_RESIDENCY_BATCH);
		mirror->sdev->ops->mapped(mirror, lo + binding_gpu_delta(b),
					  (hi - lo + 1) >> PAGE_SHIFT, bitmap);
		res_lo = res + ((lo - start) >> PAGE_SHIFT);
		for (i = 0; i < (hi - lo + 1) >> PAGE_SHIFT; i++) {
			if (test_bit(i, bitmap))
				drm_svm_residency_mapped_by(&res_lo[i],
							    mirror->sdev->id);
		}
	}
	up_read(&svm_mm->notifier_lock);
}

/*
 * Residency of CPU pages [start, start + npages pages), which lie in one
 * binding and one notifier window. Caller holds the mirror's lock and a
 * reference on the address space.
 */
static int drm_svm_residency_piece(struct drm_svm_mirror *mirror,
				   unsigned long start, unsigned long npages,
				   struct drm_svm_page_residency *res,
				   unsigned long *bitmap)
{
	struct drm_svm_mm *svm_mm = mirror->svm_mm;
	struct drm_svm_window *window;
	struct hmm_range range = {
		.start = start,
		.end = start + npages * PAGE_SIZE,
		.hmm_pfns = mirror->pfns,
	};
	int err;

	window = drm_svm_window_get(svm_mm, start);
	if (IS_ERR(window))
		return PTR_ERR(window);
	range.notifier = &window->notifier;

	/* Device memory goes away with the registry held for write. */
	drm_svm_devices_lock();
	err = drm_svm_snapshot(svm_mm, &range);
	if (!err)
		drm_svm_residency_fill(res, mirror->pfns, npages);
	drm_svm_devices_unlock();

	/* No VMA there: nothing resident, which is an answer too. */
	if (err == -EFAULT)
		err = 0;
	if (!err)
		drm_svm_residency_mapped(svm_mm, start, npages, res, bitmap);
	return err;
}

/*
 * Residency of GPU pages [addr, addr + npages pages); @npages at most
 * DRM_SVM_RESIDENCY_BATCH. Caller holds the mirror's lock.
 */
static int drm_svm_residency_batch(struct drm_svm_mirror *mirror, u64 addr,
				   unsigned long npages,
				   struct drm_svm_page_residency *res,
				   unsigned long *bitmap)
{
	unsigned long i = 0, n, cpu;
	struct drm_svm_binding *b;
	struct drm_gpuva *va;
	u64 gpu;
	int err;

	memset(res, 0, npages * sizeof(*res));
	while (i < npages) {
		gpu = addr + i * PAGE_SIZE;
		va = drm_gpuva_find_first(&mirror->gpuvm, gpu, PAGE_SIZE);
		if (!va) {
			i++;
			continue;
		}
		b = to_binding(va);
		cpu = gpu - binding_gpu_delta(b);
		n = min3(npages - i,
			 (unsigned long)(va->va.addr + va->va.range - gpu) >> PAGE_SHIFT,
			 (ALIGN(cpu + 1, DRM_SVM_MAX_CHUNK) - cpu) >> PAGE_SHIFT);

		err = drm_svm_residency_piece(mirror, cpu, n, res + i, bitmap);
		if (err)
			return err;
		for (; n; n--, i++)
			res[i].flags |= DRM_SVM_PAGE_BOUND;
	}
	return 0;
}

/*
 * The policy state of the block bound at the first page of GPU range
 * [lo, hi), which is in one 2 MiB slot; only @out->start when none is.
 * Caller holds the mirror's lock.
 */
static void drm_svm_residency_block(struct drm_svm_mirror *mirror, u64 lo,
				    u64 hi, struct drm_svm_block_policy *out)
{
	struct drm_gpuva *va = drm_gpuva_find_first(&mirror->gpuvm, lo,
						    hi - lo);
	struct mm_struct *mm = mirror->svm_mm->mm;
	struct vm_area_struct *vma;
	unsigned long cpu, start;

	memset(out, 0, sizeof(*out));
	if (!va)
		return;
	cpu = max(lo, va->va.addr) - binding_gpu_delta(to_binding(va));
	mmap_read_lock(mm);
	vma = vma_lookup(mm, cpu);
	start = drm_svm_block_start(cpu, vma ? vma->vm_start : 0);
	mmap_read_unlock(mm);
	drm_svm_mcache_report(mirror->svm_mm, start, out);
}

/* Fill @args->blocks: one entry per 2 MiB slot of the range. */
static int drm_svm_residency_blocks(struct drm_svm_mirror *mirror,
				    const struct drm_svm_residency *args)
{
	struct drm_svm_block_policy __user *uptr =
		u64_to_user_ptr(args->blocks);
	u64 end = args->gpu_addr + (args->npages << PAGE_SHIFT), slot;
	struct drm_svm_block_policy out;
	int err = 0;

	for (slot = ALIGN_DOWN(args->gpu_addr, SZ_2M); slot < end && !err;
	     slot += SZ_2M, uptr++) {
		if (mutex_lock_killable(&mirror->lock))
			return -EINTR;
		if (mirror->closed)
			err = -ENOENT;
		else
			drm_svm_residency_block(mirror,
						max(slot, args->gpu_addr),
						min(slot + SZ_2M, end), &out);
		mutex_unlock(&mirror->lock);
		if (!err && copy_to_user(uptr, &out, sizeof(out)))
			err = -EFAULT;
	}
	return err;
}

/* Fill @args->pages; the caller holds a reference on the address space. */
static int drm_svm_residency(struct drm_svm_mirror *mirror,
			     const struct drm_svm_residency *args)
{
	u64 __user *uptr = u64_to_user_ptr(args->pages);
	struct drm_svm_page_residency *res;
	unsigned long *bitmap;
	unsigned long done, n;
	int err = 0;

	res = kmalloc_array(DRM_SVM_RESIDENCY_BATCH, sizeof(*res), GFP_KERNEL);
	bitmap = bitmap_alloc(DRM_SVM_RESIDENCY_BATCH, GFP_KERNEL);
	if (!res || !bitmap) {
		err = -ENOMEM;
		goto out_free;
	}

	for (done = 0; done < args->npages && !err; done += n) {
		n = min_t(u64, args->npages - done, DRM_SVM_RESIDENCY_BATCH);

		if (mutex_lock_killable(&mirror->lock)) {
			err = -EINTR;
			break;
		}
		err = mirror->closed ? -ENOENT :
		      drm_svm_residency_batch(mirror,
					      args->gpu_addr + done * PAGE_SIZE,
					      n, res, bitmap);
		mutex_unlock(&mirror->lock);

		if (!err && copy_to_user((u8 __user *)uptr + done * sizeof(*res),
					 res, n * sizeof(*res)))
			err = -EFAULT;
		if (!err && fatal_signal_pending(current))
			err = -EINTR;
	}
	if (!err && args->blocks)
		err = drm_svm_residency_blocks(mirror, args);

out_free:
	bitmap_free(bitmap);
	kfree(res);
	return err;
}

/**
 * drm_svm_ioctl_residency() - Implement the residency snapshot
 * @sdev: the device
 * @sfile: the caller's file
 * @args: the ioctl arguments (&struct drm_svm_residency)
 *
 * Returns: 0 on success, or the errors documented for &struct
 * drm_svm_residency.
 */
int drm_svm_ioctl_residency(struct drm_svm_device *sdev,
			    struct drm_svm_file *sfile,
			    struct drm_svm_residency *args)
{
	struct drm_svm_mirror *mirror;
	struct mm_struct *mm;
	int err;

	err = drm_svm_ioctl_check(sdev->drm, "residency", args->extensions,
				  args->flags, &args->reserved,
				  sizeof(args->reserved));
	if (err)
		return err;
	if (!args->npages || args->npages > DRM_SVM_RESIDENCY_MAX_PAGES ||
	    !drm_svm_range_valid(args->gpu_addr, args->npages << PAGE_SHIFT,
				 sdev->va_end)) {
		drm_dbg(sdev->drm, "residency: bad range %#llx + %llu pages\n",
			args->gpu_addr, args->npages);
		return -EINVAL;
	}

	mirror = drm_svm_file_lookup(sdev, sfile, args->vm_id);
	if (IS_ERR(mirror))
		return PTR_ERR(mirror);

	mm = mirror->svm_mm->mm;
	if (mmget_not_zero(mm)) {
		err = drm_svm_residency(mirror, args);
		mmput(mm);
	} else {
		err = -EFAULT;
	}
	if (err)
		drm_dbg(sdev->drm, "residency: vm %u: %d\n", args->vm_id, err);

	drm_svm_mirror_put(mirror);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_ioctl_residency);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/delay.h>
#include <linux/ioport.h>
#include <linux/memremap.h>
#include <linux/mm.h>

#include <drm/drm_device.h>
#include <drm/drm_print.h>

#include "drm_svm_internal.h"

/**
 * DOC: Device pages
 *
 * drm_svm_devmem_init() turns a device's memory into ZONE_DEVICE pages
 * with memremap_pages(), of one of two kinds:
 *
 *  - MEMORY_DEVICE_PRIVATE: the CPU cannot access the memory. The core
 *    claims an unused physical range for the struct pages; a CPU access to
 *    such a page faults into the core's migrate_to_ram(), which moves the
 *    page's chunk back to system memory.
 *  - MEMORY_DEVICE_COHERENT: the CPU accesses the memory in place, cache
 *    coherently (NVLink2 or C2C-attached memory). The driver names the
 *    physical range; pages move back only when asked to or evicted.
 *
 * The pages of every device have one owner, drm_svm_pgmap_owner(): one
 * peer domain, so that hmm_range_fault() and migrate_vma_setup() report
 * them as they are and the core decides (see Topology). The pagemap's
 * page_free ends a page's use of its block (see Device memory), and its
 * migrate_to_ram serves a CPU fault on a private page by moving the
 * page's chunk back to system memory (the migration policy may throttle
 * it, see Migration policy).
 *
 * Unplug
 * ------
 *
 * A device that is hot-unplugged, or unbound from its driver, while
 * processes still have its files open cannot wait for them to close: the
 * data in its memory belongs to the processes, and its DMA mappings must
 * go with the driver. The driver's remove callback then:
 *
 *  1. calls drm_dev_unplug(), after which its ioctls fail with -ENODEV
 *     (the driver's own ioctls run between drm_dev_enter() and
 *     drm_dev_exit(), so that none is left running), and stops feeding
 *     GPU faults to the core: its jobs end with -ENODEV;
 *  2. calls drm_svm_file_unplug() on every open file: every VM loses its
 *     bindings, device mappings and DMA mappings, and later faults fail;
 *  3. calls drm_svm_devmem_drain(): no page migrates into the memory any
 *     more, and every page in it moves back to system memory, whichever
 *     process or device maps it.
 *
 * What is left (the VMs' handles, the ZONE_DEVICE pages, the driver's
 * allocator and copy engine, which a CPU fault on a page that was busy
 * during the drain still uses) is freed when the last file is closed and
 * the DRM device is released: drm_svm_devmem_fini() from a drmm action,
 * then the SVM device id. A device bound again is a new DRM device, with a
 * new SVM device id.
 */

static int drm_svm_peer_domain;

/**
 * drm_svm_pgmap_owner() - The &dev_pagemap owner of the core's device memory
 *
 * Returns: the owner to pass as hmm_range.dev_private_owner and
 * migrate_vma.pgmap_owner.
 */
void *drm_svm_pgmap_owner(void)
{
	return &drm_svm_peer_domain;
}

static const struct dev_pagemap_ops drm_svm_pagemap_ops;

/**
 * drm_svm_page_devmem() - The device memory a page is in
 * @page: any page
 *
 * The caller keeps the page from being freed (holds a reference or the
 * page lock, or the notifier lock after a successful
 * mmu_interval_read_retry()).
 *
 * Returns: the &struct drm_svm_devmem of the device whose memory @page
 * is, or NULL for any other page (system memory, other ZONE_DEVICE
 * memory).
 */
struct drm_svm_devmem *drm_svm_page_devmem(const struct page *page)
{
	if (!is_zone_device_page(page) ||
	    page->pgmap->ops != &drm_svm_pagemap_ops)
		return NULL;
	return container_of(page->pgmap, struct drm_svm_devmem, pagemap);
}
EXPORT_SYMBOL_GPL(drm_svm_page_devmem);

static vm_fault_t drm_svm_devmem_migrate_to_ram(struct vm_fault *vmf)
{
	struct page *page = vmf->page;
	struct drm_svm_devmem_alloc *alloc = page->zone_device_data;
	struct vm_area_struct *vma = vmf->vma;
	unsigned long addr = vmf->address & PAGE_MASK;
	struct drm_svm_mcache_ticket t = {
		.req = { .to = DRM_SVM_PROC_CPU, .proc = DRM_SVM_PROC_CPU,
			 .write = vmf->flags & FAULT_FLAG_WRITE },
		.addr = drm_svm_block_start(addr, vma->vm_start),
		.preferred = -1,
	};
	unsigned long start, end, before;
	struct drm_svm_mm *svm_mm;
	struct drm_svm_devmem *dm;
	bool registry;
	long moved;

	if (!alloc)
		return VM_FAULT_SIGBUS;
	dm = alloc->dm;
	t.req.from = dm->sdev->id;
	t.sdev = dm->sdev;
	drm_svm_count(alloc->svm_mm, dm->sdev, cpu_faults, 1);

	/* The whole chunk the page was migrated with, as far as still here */
	before = (page_to_pfn(page) - alloc->pfn) << PAGE_SHIFT;
	start = addr - vma->vm_start > before ? addr - before : vma->vm_start;
	end = min(vma->vm_end,
		  addr + ((alloc->pfn + alloc->npages - page_to_pfn(page)) <<
			  PAGE_SHIFT));

	/*
	 * The policy may throttle the move (see Migration policy); it never
	 * waits for a device's move, which needs the mmap lock held here. A
	 * fork child's fault is not the policy's: the block's history is the
	 * process's that moved it.
	 */
	svm_mm = vma->vm_mm == alloc->svm_mm->mm ? alloc->svm_mm : NULL;
	if (svm_mm) {
		registry = drm_svm_devices_trylock();
		drm_svm_mcache_begin(svm_mm, &t, alloc->born, false, registry);
		if (registry)
			drm_svm_devices_unlock();
	}
	moved = drm_svm_migrate_vma_to_ram(vma, start, end, page,
					   BIT(dm->sdev->id));
	if (svm_mm)
		drm_svm_mcache_end(svm_mm, &t, moved);
	if (moved < 0) {
		drm_dbg(dm->sdev->drm, "CPU fault at %#lx: %ld\n",
			vmf->address, moved);
		return moved == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	}
	return 0;
}

static const struct dev_pagemap_ops drm_svm_pagemap_ops = {
	.page_free = drm_svm_devmem_page_free,
	.migrate_to_ram = drm_svm_devmem_migrate_to_ram,
};

/**
 * drm_svm_devmem_init() - Make a device's memory available for migration
 * @dm: the state, embedded in the driver's device
 * @sdev: the device, set up with drm_svm_device_init()
 * @ops: the driver's callbacks
 * @type: MEMORY_DEVICE_PRIVATE or MEMORY_DEVICE_COHERENT
 * @base: for MEMORY_DEVICE_COHERENT, the physical address of the memory,
 *	  which must not be System RAM; ignored for private memory
 * @size: size in bytes, a multiple of 2 MiB
 *
 * Creates the ZONE_DEVICE pages of the memory. From then on, GPU faults of
 * @sdev's VMs migrate anonymous memory into it.
 *
 * Returns: 0 on success, -EINVAL (logged) for bad arguments, -EBUSY when
 * the device already has memory, or the error of memremap_pages().
 */
int drm_svm_devmem_init(struct drm_svm_devmem *dm,
			struct drm_svm_device *sdev,
			const struct drm_svm_devmem_ops *ops,
			enum memory_type type, phys_addr_t base, u64 size)
{
	struct drm_device *drm = sdev->drm;
	void *addr;
	int err;

	if (!ops->alloc || !ops->free || !ops->copy || !ops->device_map ||
	    !size || !IS_ALIGNED(size, SZ_2M) ||
	    (type != MEMORY_DEVICE_PRIVATE && type != MEMORY_DEVICE_COHERENT) ||
	    (type == MEMORY_DEVICE_COHERENT && !IS_ALIGNED(base, SZ_2M))) {
		drm_err(drm, "drm_svm: bad device memory (type %d, %pa, %llu)\n",
			type, &base, size);
		return -EINVAL;
	}
	if (sdev->devmem)
		return -EBUSY;

	memset(dm, 0, sizeof(*dm));
	dm->sdev = sdev;
	dm->ops = ops;
	drm_svm_devmem_blocks_init(dm);

	if (type == MEMORY_DEVICE_PRIVATE) {
		dm->res = request_free_mem_region(&iomem_resource, size,
						  dev_name(drm->dev));
		if (IS_ERR(dm->res)) {
			err = PTR_ERR(dm->res);
			goto err_log;
		}
		base = dm->res->start;
	}

	dm->pagemap.type = type;
	dm->pagemap.range.start = base;
	dm->pagemap.range.end = base + size - 1;
	dm->pagemap.nr_range = 1;
	dm->pagemap.ops = &drm_svm_pagemap_ops;
	dm->pagemap.owner = drm_svm_pgmap_owner();
	addr = memremap_pages(&dm->pagemap, dev_to_node(drm->dev));
	if (IS_ERR(addr)) {
		err = PTR_ERR(addr);
		goto err_release_region;
	}
	dm->pfn_first = PHYS_PFN(base);
	dm->npages = size >> PAGE_SHIFT;

	drm_svm_devices_lock_write();
	sdev->devmem = dm;
	drm_svm_devices_unlock_write();
	return 0;

err_release_region:
	if (dm->res)
		release_mem_region(dm->res->start, resource_size(dm->res));
err_log:
	drm_err(drm, "drm_svm: device memory at %pa: %d\n", &base, err);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_devmem_init);

/* Busy pages are skipped by a pass: how many passes give them a chance */
#define DRM_SVM_DRAIN_PASSES	64

/*
 * Move every page out of the memory and let no migration in again. Pages
 * that are busy (locked by a migration or a CPU fault in progress) are
 * skipped by a pass; the next passes, a little later, find them free.
 */
static void __drm_svm_devmem_drain(struct drm_svm_devmem *dm)
{
	unsigned long pfn, n;
	int pass;

	drm_svm_devices_assert_write();
	dm->sdev->devmem = NULL;
	WRITE_ONCE(dm->draining, true);

	for (pass = 0; pass < DRM_SVM_DRAIN_PASSES &&
	     atomic64_read(&dm->sdev->counters.vram_pages); pass++) {
		if (pass)
			usleep_range(1000, 2000);
		for (pfn = dm->pfn_first; pfn < dm->pfn_first + dm->npages;
		     pfn += n) {
			n = min(dm->pfn_first + dm->npages - pfn,
				DRM_SVM_MAX_CHUNK >> PAGE_SHIFT);
			drm_svm_migrate_pfns_to_ram(dm, pfn, n);
			cond_resched();
		}
		flush_delayed_work(&dm->release_work);
		flush_work(&dm->free_work);
	}
	if (atomic64_read(&dm->sdev->counters.vram_pages))
		drm_warn(dm->sdev->drm, "drm_svm: %lld device pages still in use\n",
			 atomic64_read(&dm->sdev->counters.vram_pages));
}

/**
 * drm_svm_devmem_drain() - Empty a device's memory for good
 * @dm: the device memory, set up with drm_svm_devmem_init()
 *
 * For a device that goes away while its files are open (hot unplug, a
 * driver unbind): stops new migrations into the memory and moves every
 * page still in it back to system memory, so that no process loses data,
 * with the device registry held for write throughout, since VMs of other
 * devices may map the pages too. The ZONE_DEVICE pages stay until
 * drm_svm_devmem_fini(), so that the driver's allocator and copy engine
 * must stay too; a CPU fault on a page that was busy during the drain
 * still moves it back. Called with no SVM lock held, after the device's
 * VMs are closed (drm_svm_file_unplug()); calling it twice is harmless.
 */
void drm_svm_devmem_drain(struct drm_svm_devmem *dm)
{
	drm_svm_devices_lock_write();
	__drm_svm_devmem_drain(dm);
	drm_svm_devices_unlock_write();
}
EXPORT_SYMBOL_GPL(drm_svm_devmem_drain);

/**
 * drm_svm_devmem_fini() - Take a device's memory away
 * @dm: the device memory, set up with drm_svm_devmem_init()
 *
 * Drains the memory as drm_svm_devmem_drain() does, if that was not done
 * yet, and removes the ZONE_DEVICE pages, with the device registry held
 * for write throughout. Called with no VM of the device left and no SVM
 * lock held; processes keep their data. The driver tears its allocator
 * down once this returns.
 */
void drm_svm_devmem_fini(struct drm_svm_devmem *dm)
{
	/*
	 * The registry stays held for write until the pages are gone: other
	 * devices' VMs see these pages too, and the paths that look at pages
	 * without a reference (snapshots) hold it for read.
	 */
	drm_svm_devices_lock_write();
	__drm_svm_devmem_drain(dm);
	memunmap_pages(&dm->pagemap);
	/*
	 * A page's page_free queues the free work before its pagemap
	 * reference drops: the last one may have been queued after the
	 * flushes of the drain and run after memunmap_pages() returned; so
	 * may a release, which then sees @draining and moves nothing.
	 */
	flush_delayed_work(&dm->release_work);
	flush_work(&dm->free_work);
	drm_svm_devices_unlock_write();
	if (dm->res)
		release_mem_region(dm->res->start, resource_size(dm->res));
}
EXPORT_SYMBOL_GPL(drm_svm_devmem_fini);

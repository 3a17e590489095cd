// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include "vsvm_drv.h"

/**
 * DOC: VRAM
 *
 * Each vsvm device has ``vram_mb`` MiB of device memory, handed to the
 * SVM core with drm_svm_devmem_init() in one of two modes:
 *
 *  - device-private (the default): the struct pages are ZONE_DEVICE pages
 *    the CPU cannot map; each is backed by a system page the driver
 *    allocates at load, as if it were the VRAM cell. The page table maps a
 *    device page to its backing page, and the copy engine copies through
 *    it.
 *  - device-coherent, when the ``coherent`` module parameter gives the
 *    device a physical base address: the memory is a guest physical range
 *    hidden from the kernel with ``memmap=``, which the CPU reads and writes
 *    in place.
 *
 * Blocks come from the kernel's GPU buddy allocator (the one behind
 * drm_buddy), one naturally aligned block per migrated chunk (2 MiB,
 * 64 KiB or 4 KiB). The copy engine copies and zero-fills whole pages.
 *
 * For tests, each device has three fault-injection sites of the kernel's
 * framework (``struct fault_attr``; their directories, in the DRM
 * device's debugfs directory ``dri/vsvm<index>/``, have its usual files,
 * ``probability`` 100 and ``times`` N making the next N operations fail):
 * ``fail_vram_alloc`` (allocations fail with -ENOSPC, as when the memory
 * is full), ``fail_copy`` (copies fail with -EIO) and ``fail_pt_alloc``
 * (page-table blocks fail with -ENOMEM). All are off at load. The same
 * directory has the VMs' files (vsvm_vm_debugfs_init()).
 *
 * The core reaches a VRAM page at the address vsvm_bus_vram_addr() gives:
 * its offset for the device itself, the owner's peer window for a linked
 * peer (see Bus addresses).
 */

static unsigned long coherent[VSVM_MAX_DEVICES];
static int num_coherent;
module_param_array(coherent, ulong, &num_coherent, 0444);
MODULE_PARM_DESC(coherent,
		 "Physical base of each device's coherent VRAM, 0 for private (default: all private)");

/*
 * Devices whose coherent VRAM is registered, from their probe to their
 * release: a device bound again while the unbound one still holds the
 * range must wait for its last file to close
 */
static DECLARE_BITMAP(vsvm_coherent_busy, VSVM_MAX_DEVICES);

static struct vsvm_vram *to_vram(struct drm_svm_devmem *dm)
{
	return container_of(dm, struct vsvm_vram, dm);
}

/**
 * vsvm_vram_backing() - The memory behind a device page
 * @vram: the device's VRAM
 * @page: a page of @vram
 *
 * Returns: the backing system page of a private device page, or @page
 * itself for coherent VRAM, which the CPU can access.
 */
struct page *vsvm_vram_backing(struct vsvm_vram *vram, struct page *page)
{
	if (!vram->backing)
		return page;
	return vram->backing[drm_svm_devmem_page_index(&vram->dm, page)];
}

static const struct drm_svm_devmem_ops vsvm_devmem_ops;

/**
 * vsvm_page_backing() - The memory behind a page of any vsvm device
 * @page: a system page, or a page of a vsvm device's VRAM
 *
 * Returns: the backing system page of a private VRAM page of any vsvm
 * device, or @page itself (system memory, coherent VRAM); NULL for a
 * device page of another driver, which vsvm cannot reach.
 */
struct page *vsvm_page_backing(struct page *page)
{
	struct drm_svm_devmem *dm = drm_svm_page_devmem(page);

	if (dm)
		return dm->ops == &vsvm_devmem_ops ?
		       vsvm_vram_backing(to_vram(dm), page) : NULL;
	return is_zone_device_page(page) &&
	       !is_device_coherent_page(page) ? NULL : page;
}

/**
 * vsvm_vram_loc() - Where device memory is, seen from a device
 * @vdev: the device that accesses
 * @dm: the device memory of the page, or NULL for system memory
 *
 * Returns: the &enum vsvm_loc of the memory for @vdev's cost.
 */
enum vsvm_loc vsvm_vram_loc(struct vsvm_device *vdev,
			    struct drm_svm_devmem *dm)
{
	if (!dm)
		return VSVM_LOC_SYSTEM;
	if (dm == &vdev->vram.dm)
		return VSVM_LOC_VRAM;
	return drm_svm_link_get(&vdev->svm, dm->sdev).class ==
	       DRM_SVM_LINK_FABRIC ? VSVM_LOC_FABRIC : VSVM_LOC_PCIE;
}

static int vsvm_vram_alloc(struct drm_svm_devmem *dm, unsigned long npages,
			   unsigned long *pfn, void **priv)
{
	struct vsvm_vram *vram = to_vram(dm);
	u64 size = (u64)npages << PAGE_SHIFT;
	struct gpu_buddy_block *block;
	LIST_HEAD(blocks);
	int ret;

	if (should_fail(&vram->fail_alloc, npages << PAGE_SHIFT))
		return -ENOSPC;

	mutex_lock(&vram->lock);
	ret = gpu_buddy_alloc_blocks(&vram->buddy, 0, vram->size, size, size,
				     &blocks, 0);
	mutex_unlock(&vram->lock);
	if (ret)
		return ret;

	block = list_first_entry(&blocks, struct gpu_buddy_block, link);
	*pfn = dm->pfn_first + (gpu_buddy_block_offset(block) >> PAGE_SHIFT);
	*priv = block;
	return 0;
}

static void vsvm_vram_free(struct drm_svm_devmem *dm, unsigned long pfn,
			   unsigned long npages, void *priv)
{
	struct vsvm_vram *vram = to_vram(dm);

	mutex_lock(&vram->lock);
	gpu_buddy_free_block(&vram->buddy, priv);
	mutex_unlock(&vram->lock);
}

/*
 * The copy engine. Copies to this device's VRAM may read a linked peer's
 * VRAM: the core only hands such pages over when drm_svm_can_access()
 * says the device reaches them, which is checked again here.
 */
static int vsvm_vram_copy(struct drm_svm_devmem *dm, struct page **dst,
			  struct page **src, unsigned long npages,
			  enum drm_svm_copy_dir dir)
{
	struct vsvm_vram *vram = to_vram(dm);
	struct vsvm_device *vdev = container_of(vram, struct vsvm_device, vram);
	struct drm_svm_devmem *peer;
	struct page *d, *s;
	unsigned long i;
	u64 ps = 0;

	if (should_fail(&vram->fail_copy, npages << PAGE_SHIFT))
		return -EIO;

	for (i = 0; i < npages; i++) {
		if (!dst[i])
			continue;
		peer = src[i] ? drm_svm_page_devmem(src[i]) : NULL;
		if (peer && peer != dm &&
		    (dir != DRM_SVM_COPY_TO_DEVICE ||
		     !drm_svm_can_access(dm->sdev, peer->sdev)))
			return -EOPNOTSUPP;
		d = vsvm_page_backing(dst[i]);
		s = src[i] ? vsvm_page_backing(src[i]) : NULL;
		if (!d || (src[i] && !s))
			return -EOPNOTSUPP;

		if (s)
			copy_highpage(d, s);
		else
			clear_highpage(d);
		/* The slower side: system memory, a link, or a VRAM fill. */
		ps += vsvm_cost_copy_ps(dir == DRM_SVM_COPY_TO_SYSTEM ?
					VSVM_LOC_SYSTEM :
					src[i] ? vsvm_vram_loc(vdev, peer) :
					VSVM_LOC_VRAM, PAGE_SIZE);
		cond_resched();
	}
	vsvm_cost_charge_copy(ps);
	return 0;
}

/* A page of this VRAM on the bus of @to: its own, or a linked peer. */
static u64 vsvm_vram_device_map(struct drm_svm_devmem *dm,
				struct drm_svm_device *to, struct page *page)
{
	struct vsvm_vram *vram = to_vram(dm);

	return vsvm_bus_vram_addr(container_of(vram, struct vsvm_device, vram),
				  container_of(to, struct vsvm_device, svm),
				  (u64)drm_svm_devmem_page_index(dm, page) <<
				  PAGE_SHIFT);
}

static const struct drm_svm_devmem_ops vsvm_devmem_ops = {
	.alloc = vsvm_vram_alloc,
	.free = vsvm_vram_free,
	.copy = vsvm_vram_copy,
	.device_map = vsvm_vram_device_map,
};

static void vsvm_vram_free_backing(struct vsvm_vram *vram)
{
	unsigned long i, npages = vram->size >> PAGE_SHIFT;

	if (!vram->backing)
		return;
	for (i = 0; i < npages && vram->backing[i]; i++)
		__free_page(vram->backing[i]);
	kvfree(vram->backing);
	vram->backing = NULL;
}

static int vsvm_vram_alloc_backing(struct vsvm_vram *vram)
{
	unsigned long i, npages = vram->size >> PAGE_SHIFT;

	vram->backing = kvcalloc(npages, sizeof(*vram->backing), GFP_KERNEL);
	if (!vram->backing)
		return -ENOMEM;
	for (i = 0; i < npages; i++) {
		vram->backing[i] = alloc_page(GFP_KERNEL);
		if (!vram->backing[i]) {
			vsvm_vram_free_backing(vram);
			return -ENOMEM;
		}
	}
	return 0;
}

/* A fault-injection site, off (probability 0) until a test arms it */
static void vsvm_fail_init(struct fault_attr *attr)
{
#ifdef CONFIG_FAULT_INJECTION
	*attr = (struct fault_attr)FAULT_ATTR_INITIALIZER;
#endif
}

/*
 * vsvm's files go in the DRM device's debugfs directory: the DRM core
 * makes dri/<device name>/, with dri/<minor> links to it for the card and
 * the render node, and removes it with every file in it when the device
 * is unregistered (an unplug, or an unbind) or released.
 */
static void vsvm_vram_debugfs_init(struct vsvm_device *vdev)
{
	struct dentry *dir = vdev->drm.debugfs_root;
	struct vsvm_vram *vram = &vdev->vram;

	fault_create_debugfs_attr("fail_vram_alloc", dir, &vram->fail_alloc);
	fault_create_debugfs_attr("fail_copy", dir, &vram->fail_copy);
	fault_create_debugfs_attr("fail_pt_alloc", dir, &vram->fail_pt_alloc);
	vsvm_vm_debugfs_init(vdev, dir);
}

/* The DRM device is released: every file is closed, the VRAM unused. */
static void vsvm_vram_release(struct drm_device *drm, void *data)
{
	struct vsvm_vram *vram = data;
	bool coherent = drm_svm_devmem_is_coherent(&vram->dm);

	drm_svm_devmem_fini(&vram->dm);
	gpu_buddy_fini(&vram->buddy);
	vsvm_vram_free_backing(vram);
	mutex_destroy(&vram->lock);
	if (coherent)
		clear_bit(to_vsvm_device(drm)->index, vsvm_coherent_busy);
}

/**
 * vsvm_vram_init() - Create a device's VRAM
 * @vdev: the device, with its SVM state initialized and &vsvm_device.vram_size set
 *
 * The VRAM is freed when the DRM device is released, after
 * vsvm_vram_unplug() has emptied it if the device was unbound.
 *
 * Returns: 0 on success, -EINVAL for a bad ``coherent`` address, -EBUSY
 * when the device's coherent VRAM is still that of the device unbound
 * before (some of its files are open), -ENOMEM, or the error of
 * drm_svm_devmem_init().
 */
int vsvm_vram_init(struct vsvm_device *vdev)
{
	struct vsvm_vram *vram = &vdev->vram;
	phys_addr_t base = 0;
	int ret;

	if (vdev->index < num_coherent)
		base = coherent[vdev->index];
	if (base && test_and_set_bit(vdev->index, vsvm_coherent_busy)) {
		drm_err(&vdev->drm,
			"coherent VRAM at %pa still belongs to the unbound device: close its files first\n",
			&base);
		return -EBUSY;
	}
	vram->size = vdev->vram_size;
	mutex_init(&vram->lock);
	vsvm_fail_init(&vram->fail_alloc);
	vsvm_fail_init(&vram->fail_copy);
	vsvm_fail_init(&vram->fail_pt_alloc);

	ret = gpu_buddy_init(&vram->buddy, vram->size, PAGE_SIZE);
	if (ret)
		goto err_destroy_lock;

	if (!base) {
		ret = vsvm_vram_alloc_backing(vram);
		if (ret)
			goto err_buddy_fini;
	}

	ret = drm_svm_devmem_init(&vram->dm, &vdev->svm, &vsvm_devmem_ops,
				  base ? MEMORY_DEVICE_COHERENT :
					 MEMORY_DEVICE_PRIVATE,
				  base, vram->size);
	if (ret)
		goto err_free_backing;

	vsvm_vram_debugfs_init(vdev);
	/* From here on the release undoes it all, also on failure */
	ret = drmm_add_action_or_reset(&vdev->drm, vsvm_vram_release, vram);
	if (ret)
		return ret;

	if (base)
		drm_info(&vdev->drm, "%llu MiB coherent VRAM at %pa\n",
			 vram->size / SZ_1M, &base);
	else
		drm_info(&vdev->drm, "%llu MiB private VRAM\n",
			 vram->size / SZ_1M);
	return 0;

err_free_backing:
	vsvm_vram_free_backing(vram);
err_buddy_fini:
	gpu_buddy_fini(&vram->buddy);
err_destroy_lock:
	mutex_destroy(&vram->lock);
	if (base)
		clear_bit(vdev->index, vsvm_coherent_busy);
	return ret;
}

/**
 * vsvm_vram_unplug() - Empty the VRAM of a device being unbound
 * @vdev: the device, unplugged, with its VMs emptied
 *
 * Processes keep their data: every page in the VRAM moves back to system
 * memory; the DRM core removed the debugfs files with the device's
 * directory when it unregistered the device. The memory itself goes when
 * the DRM device is released.
 */
void vsvm_vram_unplug(struct vsvm_device *vdev)
{
	drm_svm_devmem_drain(&vdev->vram.dm);
}

/**
 * vsvm_vram_is_coherent() - The VRAM mode of a device
 * @vdev: the device
 *
 * Returns: true for device-coherent VRAM.
 */
bool vsvm_vram_is_coherent(struct vsvm_device *vdev)
{
	return drm_svm_devmem_is_coherent(&vdev->vram.dm);
}

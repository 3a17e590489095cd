/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The drm_svm authors
 */
#ifndef __DRM_SVM_DEVMEM_H__
#define __DRM_SVM_DEVMEM_H__

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/memremap.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct drm_svm_device;
struct drm_svm_devmem;
struct page;

/**
 * enum drm_svm_copy_dir - Direction of a copy-engine operation
 * @DRM_SVM_COPY_TO_DEVICE: system pages to device pages
 * @DRM_SVM_COPY_TO_SYSTEM: device pages to system pages
 */
enum drm_svm_copy_dir {
	DRM_SVM_COPY_TO_DEVICE,
	DRM_SVM_COPY_TO_SYSTEM,
};

/**
 * struct drm_svm_devmem_ops - What a driver provides for its device memory
 *
 * See DOC: Device memory for when each is called.
 */
struct drm_svm_devmem_ops {
	/**
	 * @alloc: Allocate @npages contiguous device pages, aligned to
	 * @npages, a power of two (required). Sets *@pfn to the first page
	 * frame and *@priv to anything @free needs.
	 *
	 * Called with the mmap lock held for read and the pages being
	 * migrated locked: it may sleep and allocate memory, but must not
	 * take the mmap lock or wait for a page lock.
	 *
	 * Returns: 0, -ENOSPC when the memory is full (the core then evicts
	 * and retries), or another negative error code.
	 */
	int (*alloc)(struct drm_svm_devmem *dm, unsigned long npages,
		     unsigned long *pfn, void **priv);

	/**
	 * @free: Give back a block from @alloc (required). Called from a
	 * worker once no page of the block is in use, with no lock held.
	 */
	void (*free)(struct drm_svm_devmem *dm, unsigned long pfn,
		     unsigned long npages, void *priv);

	/**
	 * @copy: Copy @npages pages with the device's copy engine, entry i
	 * of @src to entry i of @dst, and return when the data is there
	 * (required). A NULL entry of @src means zero-fill the page of @dst
	 * at the same index; a NULL entry of @dst means skip that index.
	 * @dir says which side is device memory (of this @dm). With
	 * %DRM_SVM_COPY_TO_DEVICE, a source page may also be a page of
	 * another device that drm_svm_can_access() lets this device reach:
	 * the copy then goes over the link (drm_svm_page_devmem() tells the
	 * pages apart).
	 *
	 * Called with every page locked and possibly the mmap lock held
	 * for read; the same rules as for @alloc apply.
	 *
	 * Returns: 0, or a negative error code when any page failed; the
	 * core then migrates none of them.
	 */
	int (*copy)(struct drm_svm_devmem *dm, struct page **dst,
		    struct page **src, unsigned long npages,
		    enum drm_svm_copy_dir dir);

	/**
	 * @device_map: The bus address at which device @to reaches @page, a
	 * page of this memory (required). @to is the memory's own device,
	 * or a peer that drm_svm_can_access() lets reach it. The address must
	 * stay valid for as long as the memory is registered: a driver whose
	 * peers need an IOMMU or P2P mapping of its memory makes it when the
	 * link is set up, not per page (see DOC: Device addresses).
	 *
	 * Called with the notifier lock held for read: must not sleep.
	 *
	 * Returns: the page aligned address.
	 */
	u64 (*device_map)(struct drm_svm_devmem *dm, struct drm_svm_device *to,
			  struct page *page);
};

/**
 * struct drm_svm_devmem - A device's memory, as ZONE_DEVICE pages
 *
 * Embedded in the driver's device and set up with drm_svm_devmem_init().
 */
struct drm_svm_devmem {
	/**
	 * @pagemap: The ZONE_DEVICE pages; their owner is the core's peer
	 * domain, the same for every device (see DOC: Topology)
	 */
	struct dev_pagemap pagemap;
	/** @sdev: Device the memory belongs to */
	struct drm_svm_device *sdev;
	/** @ops: The driver's callbacks */
	const struct drm_svm_devmem_ops *ops;
	/** @res: Physical range claimed for device-private memory */
	struct resource *res;
	/** @pfn_first: First page frame of the memory */
	unsigned long pfn_first;
	/** @npages: Size of the memory in pages */
	unsigned long npages;
	/** @lru_lock: Protects @lru */
	spinlock_t lru_lock;
	/** @lru: Allocations holding pages, least recently used first */
	struct list_head lru;
	/** @free_list: Allocations whose pages are all free */
	struct llist_head free_list;
	/** @free_work: Gives @free_list back to the driver */
	struct work_struct free_work;
	/**
	 * @release_list: Allocations that lost a page holding data while
	 * their other pages still hold some
	 */
	struct llist_head release_list;
	/**
	 * @release_work: Releases the blocks of @release_list that are due,
	 * arming itself again for the others
	 */
	struct delayed_work release_work;
	/**
	 * @release_delay: How long, in jiffies, a block on @release_list
	 * must lose no page before the rest of it moves out
	 */
	unsigned long release_delay;
	/** @draining: Set once drm_svm_devmem_drain() has begun */
	bool draining;
};

/**
 * drm_svm_devmem_is_coherent() - Whether the CPU can access the memory
 * @dm: the device memory
 *
 * Returns: true for MEMORY_DEVICE_COHERENT, false for device-private.
 */
static inline bool drm_svm_devmem_is_coherent(const struct drm_svm_devmem *dm)
{
	return dm->pagemap.type == MEMORY_DEVICE_COHERENT;
}

/**
 * drm_svm_devmem_page_index() - Index of a page in its device memory
 * @dm: the device memory
 * @page: a page of @dm
 *
 * Returns: the page's offset from the start of @dm, in pages.
 */
static inline unsigned long
drm_svm_devmem_page_index(const struct drm_svm_devmem *dm,
			  const struct page *page)
{
	return page_to_pfn(page) - dm->pfn_first;
}

/**
 * drm_svm_devmem_owns() - Whether a page is memory of this device
 * @dm: the device memory
 * @page: any page
 *
 * Returns: true when @page is one of @dm's ZONE_DEVICE pages.
 */
static inline bool drm_svm_devmem_owns(const struct drm_svm_devmem *dm,
				       const struct page *page)
{
	return is_zone_device_page(page) && page->pgmap == &dm->pagemap;
}

struct drm_svm_devmem *drm_svm_page_devmem(const struct page *page);
int drm_svm_devmem_init(struct drm_svm_devmem *dm,
			struct drm_svm_device *sdev,
			const struct drm_svm_devmem_ops *ops,
			enum memory_type type, phys_addr_t base, u64 size);
void drm_svm_devmem_drain(struct drm_svm_devmem *dm);
void drm_svm_devmem_fini(struct drm_svm_devmem *dm);
u64 drm_svm_devmem_in_use(struct drm_svm_devmem *dm);

#endif /* __DRM_SVM_DEVMEM_H__ */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/dma-mapping.h>
#include <linux/hmm.h>
#include <linux/slab.h>

#include <drm/drm_device.h>
#include <drm/drm_print.h>

#include "drm_svm_internal.h"

/**
 * DOC: Device addresses
 *
 * A device reaches memory by bus address, never by page frame. For each
 * chunk it maps, &drm_svm_ops.map receives one &struct drm_svm_addr per
 * page:
 *
 *  - system memory (%DRM_SVM_ADDR_SYSTEM): the core maps the page for the
 *    device's &drm_device.dev with the DMA API, a whole huge page at once
 *    when the CPU maps the chunk with a PMD. A page the device may write
 *    is mapped DMA_BIDIRECTIONAL, one it may only read DMA_TO_DEVICE (the
 *    zero page of untouched memory, a read-only binding or CPU mapping).
 *    The mappings are made with DMA_ATTR_SKIP_CPU_SYNC: shared virtual
 *    memory needs a cache-coherent device, since the CPU and the device
 *    use the same pages at the same time with no point at which a cache
 *    flush could go, and several devices and VMs may map one page at
 *    once.
 *  - device memory: the owning device's &drm_svm_devmem_ops.device_map
 *    gives the address, for its own device (%DRM_SVM_ADDR_LOCAL) or for a
 *    peer that reaches it over a link in the same isolation group
 *    (%DRM_SVM_ADDR_PEER). The core never hands a device the memory of a
 *    device it cannot reach (see Topology). These addresses live as long
 *    as the memory, so the core keeps nothing for them: a driver whose
 *    peers need an IOMMU or P2P mapping of its memory makes it once per
 *    link, not per page.
 *
 * The DMA addresses of a chunk are kept in a &struct drm_svm_dma_chunk,
 * in the mirror's tree by GPU page, and unmapped in the invalidation:
 * right after &drm_svm_ops.invalidate returns, before the notifier lets
 * the CPU free the pages. No address outlives the device mapping that
 * used it. An invalidation that cuts into a huge mapping grows to cover
 * all of it, since the DMA API unmaps a mapping as a whole. When a fault
 * maps a range again (a write after a read, pages that moved), the old
 * addresses of the range are unmapped once &drm_svm_ops.map has replaced
 * them.
 *
 * Locking: the mappings are made with the mirror's lock and the notifier
 * lock held for read, after the notifier sequence was found valid, so
 * none is made for pages that are going away; dma_map_page() does not
 * sleep. The chunk's memory is allocated before, where the core may
 * sleep. The tree changes with the mirror's lock and the notifier lock
 * (read) held, or with the notifier lock held for write.
 *
 * &drm_svm_device.dma_pages counts the system pages mapped for a device
 * (``dma_mapped`` in its debugfs file). With CONFIG_DMA_API_DEBUG, the
 * kernel's own tracking (``dma-api/dump`` in debugfs) lists the same
 * mappings.
 */

#define DRM_SVM_DMA_ATTRS	DMA_ATTR_SKIP_CPU_SYNC

/**
 * drm_svm_dma_chunk_alloc() - Allocate the DMA record of a chunk
 * @npages: pages in the chunk, at most DRM_SVM_MAX_CHUNK worth
 * @huge: the chunk is mapped as one huge page
 *
 * Returns: the record, or NULL when out of memory.
 */
struct drm_svm_dma_chunk *drm_svm_dma_chunk_alloc(unsigned long npages,
						  bool huge)
{
	struct drm_svm_dma_chunk *chunk;

	chunk = kmalloc(sizeof(*chunk), GFP_KERNEL_ACCOUNT);
	if (!chunk)
		return NULL;
	chunk->shift = huge ? PMD_SHIFT : PAGE_SHIFT;
	chunk->count = huge ? 1 : npages;
	chunk->mapped = 0;
	bitmap_zero(chunk->write, DRM_SVM_MAX_CHUNK >> PAGE_SHIFT);
	chunk->addr = &chunk->one;
	if (chunk->count > 1)
		chunk->addr = kmalloc_array(chunk->count, sizeof(*chunk->addr),
					    GFP_KERNEL_ACCOUNT);
	if (!chunk->addr) {
		kfree(chunk);
		return NULL;
	}
	return chunk;
}

/**
 * drm_svm_dma_chunk_free() - Free a DMA record that maps nothing
 * @chunk: the record, or NULL
 */
void drm_svm_dma_chunk_free(struct drm_svm_dma_chunk *chunk)
{
	if (!chunk)
		return;
	WARN_ON(chunk->mapped);
	if (chunk->addr != &chunk->one)
		kfree(chunk->addr);
	kfree(chunk);
}

static enum dma_data_direction drm_svm_dma_dir(bool write)
{
	return write ? DMA_BIDIRECTIONAL : DMA_TO_DEVICE;
}

/*
 * Unmap the mapped entries [lo, hi) of @chunk, and take the pages off the
 * device's count once for all of them.
 */
static void drm_svm_dma_unmap_entries(struct drm_svm_mirror *mirror,
				      struct drm_svm_dma_chunk *chunk,
				      unsigned long lo, unsigned long hi)
{
	struct drm_svm_device *sdev = mirror->sdev;
	struct device *dev = sdev->drm->dev;
	size_t size = BIT(chunk->shift);
	unsigned long i, n = 0;

	for (i = lo; i < hi && chunk->mapped; i++) {
		if (chunk->addr[i] == DMA_MAPPING_ERROR)
			continue;
		dma_unmap_page_attrs(dev, chunk->addr[i], size,
				     drm_svm_dma_dir(test_bit(i, chunk->write)),
				     DRM_SVM_DMA_ATTRS);
		chunk->addr[i] = DMA_MAPPING_ERROR;
		__clear_bit(i, chunk->write);
		chunk->mapped--;
		n++;
	}
	atomic64_sub(n << (chunk->shift - PAGE_SHIFT), &sdev->dma_pages);
}

/**
 * drm_svm_dma_discard() - Unmap the DMA addresses of a chunk not committed
 * @mirror: the mirror
 * @chunk: the record, filled by drm_svm_dma_map()
 *
 * For a chunk that &drm_svm_ops.map refused. Caller holds the mirror's
 * lock and the notifier lock.
 */
void drm_svm_dma_discard(struct drm_svm_mirror *mirror,
			 struct drm_svm_dma_chunk *chunk)
{
	drm_svm_dma_unmap_entries(mirror, chunk, 0, chunk->count);
}

/* The address of a device page, from its owner. */
static void drm_svm_dma_device_addr(struct drm_svm_device *sdev,
				    struct drm_svm_devmem *dm, struct page *page,
				    struct drm_svm_addr *addr)
{
	addr->kind = dm->sdev == sdev ? DRM_SVM_ADDR_LOCAL : DRM_SVM_ADDR_PEER;
	addr->owner = dm->sdev->id;
	addr->addr = dm->ops->device_map(dm, sdev, page);
}

/**
 * drm_svm_dma_map() - The addresses of a chunk's pages, for the device
 * @mirror: the mirror that maps the chunk
 * @gpu_addr: GPU address of the chunk
 * @pfns: the chunk's hmm pfns, all valid
 * @npages: pages in the chunk
 * @chunk: out: the DMA mappings made, in a record sized for the chunk
 * @addrs: out: one address per page
 *
 * Maps the system pages with the DMA API and asks the owners of the
 * device pages for theirs. Caller holds the mirror's lock and the notifier
 * lock for read, with the chunk's notifier sequence valid.
 *
 * Returns: 0, or -ENOMEM when the DMA API cannot map a page (then nothing
 * stays mapped).
 */
int drm_svm_dma_map(struct drm_svm_mirror *mirror, u64 gpu_addr,
		    const unsigned long *pfns, unsigned long npages,
		    struct drm_svm_dma_chunk *chunk, struct drm_svm_addr *addrs)
{
	struct drm_svm_device *sdev = mirror->sdev;
	struct device *dev = sdev->drm->dev;
	bool huge = drm_svm_dma_chunk_huge(chunk);
	struct drm_svm_devmem *dm;
	struct page *page;
	unsigned long i;
	dma_addr_t dma;

	lockdep_assert_held(&mirror->lock);
	lockdep_assert_held(&mirror->svm_mm->notifier_lock);

	chunk->it.start = gpu_addr >> PAGE_SHIFT;
	chunk->it.last = chunk->it.start + npages - 1;
	for (i = 0; i < chunk->count; i++)
		chunk->addr[i] = DMA_MAPPING_ERROR;

	for (i = 0; i < npages; i++) {
		page = hmm_pfn_to_page(pfns[i]);
		addrs[i].write = pfns[i] & HMM_PFN_WRITE;
		addrs[i].owner = 0;
		dm = drm_svm_page_devmem(page);
		if (dm) {
			drm_svm_dma_device_addr(sdev, dm, page, &addrs[i]);
			continue;
		}
		addrs[i].kind = DRM_SVM_ADDR_SYSTEM;
		if (huge && i) {
			addrs[i].addr = chunk->addr[0] + i * PAGE_SIZE;
			continue;
		}
		if (drm_svm_should_fail(DRM_SVM_FAIL_DMA_MAP))
			goto err_unmap;
		dma = dma_map_page_attrs(dev, page, 0, BIT(chunk->shift),
					 drm_svm_dma_dir(addrs[i].write),
					 DRM_SVM_DMA_ATTRS);
		if (dma_mapping_error(dev, dma))
			goto err_unmap;
		chunk->addr[huge ? 0 : i] = dma;
		if (addrs[i].write)
			__set_bit(huge ? 0 : i, chunk->write);
		chunk->mapped++;
		atomic64_add(BIT(chunk->shift - PAGE_SHIFT), &sdev->dma_pages);
		addrs[i].addr = dma;
	}
	return 0;

err_unmap:
	drm_dbg(sdev->drm, "DMA mapping of %#llx failed\n",
		gpu_addr + i * PAGE_SIZE);
	drm_svm_dma_discard(mirror, chunk);
	return -ENOMEM;
}

/*
 * Unmap the entries of @chunk that lie within GPU pages [first, last]; a
 * huge entry only when all of it does. Frees the chunk when nothing is
 * left mapped.
 */
static void drm_svm_dma_chunk_unmap(struct drm_svm_mirror *mirror,
				    struct drm_svm_dma_chunk *chunk,
				    unsigned long first, unsigned long last)
{
	unsigned int per = BIT(chunk->shift - PAGE_SHIFT);
	unsigned long lo, hi;

	lo = DIV_ROUND_UP(max(first, chunk->it.start) - chunk->it.start, per);
	hi = (min(last, chunk->it.last) - chunk->it.start + 1) / per;
	drm_svm_dma_unmap_entries(mirror, chunk, lo, hi);
	if (!chunk->mapped) {
		interval_tree_remove(&chunk->it, &mirror->dma_chunks);
		drm_svm_dma_chunk_free(chunk);
	}
}

/**
 * drm_svm_dma_unmap() - Unmap the DMA addresses of a GPU range
 * @mirror: the mirror
 * @start: first GPU address, page aligned
 * @end: GPU address past the range
 *
 * Huge mappings that the range covers only in part stay. Caller holds the
 * notifier lock for write, or for read with the mirror's lock.
 */
void drm_svm_dma_unmap(struct drm_svm_mirror *mirror, u64 start, u64 end)
{
	unsigned long first = start >> PAGE_SHIFT, last = (end >> PAGE_SHIFT) - 1;
	struct interval_tree_node *it, *next;

	lockdep_assert_held(&mirror->svm_mm->notifier_lock);

	it = interval_tree_iter_first(&mirror->dma_chunks, first, last);
	while (it) {
		next = interval_tree_iter_next(it, first, last);
		drm_svm_dma_chunk_unmap(mirror,
					container_of(it, struct drm_svm_dma_chunk,
						     it),
					first, last);
		it = next;
	}
}

/**
 * drm_svm_dma_cover() - Grow a GPU range over the huge mappings it cuts into
 * @mirror: the mirror
 * @start: in/out: first GPU address
 * @end: in/out: GPU address past the range
 *
 * Caller holds the notifier lock for write.
 */
void drm_svm_dma_cover(struct drm_svm_mirror *mirror, u64 *start, u64 *end)
{
	unsigned long first = *start >> PAGE_SHIFT;
	unsigned long last = (*end >> PAGE_SHIFT) - 1;
	struct drm_svm_dma_chunk *chunk;
	struct interval_tree_node *it;

	lockdep_assert_held_write(&mirror->svm_mm->notifier_lock);

	for (it = interval_tree_iter_first(&mirror->dma_chunks, first, last);
	     it; it = interval_tree_iter_next(it, first, last)) {
		chunk = container_of(it, struct drm_svm_dma_chunk, it);
		if (!drm_svm_dma_chunk_huge(chunk))
			continue;
		*start = min_t(u64, *start, (u64)it->start << PAGE_SHIFT);
		*end = max_t(u64, *end, (u64)(it->last + 1) << PAGE_SHIFT);
	}
}

/**
 * drm_svm_dma_commit() - Keep a mapped chunk's DMA addresses
 * @mirror: the mirror
 * @chunk: in/out: the record filled by drm_svm_dma_map(); set to NULL when
 *	   the tree keeps it
 *
 * Called once &drm_svm_ops.map succeeded: the addresses it replaced are
 * unmapped, and the record goes into the tree when it maps anything.
 * Caller holds the mirror's lock and the notifier lock for read.
 */
void drm_svm_dma_commit(struct drm_svm_mirror *mirror,
			struct drm_svm_dma_chunk **chunk)
{
	struct drm_svm_dma_chunk *c = *chunk;

	lockdep_assert_held(&mirror->lock);

	drm_svm_dma_unmap(mirror, (u64)c->it.start << PAGE_SHIFT,
			  (u64)(c->it.last + 1) << PAGE_SHIFT);
	if (!c->mapped)
		return;
	interval_tree_insert(&c->it, &mirror->dma_chunks);
	*chunk = NULL;
}

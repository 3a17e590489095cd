// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include <drm/drm_print.h>

#include "vsvm_drv.h"

/**
 * DOC: Bus addresses
 *
 * A vsvm device reaches memory the way a DMA-capable GPU does: through the
 * bus addresses the SVM core hands &drm_svm_ops.map, never through page
 * frames. Its bus has three kinds of addresses:
 *
 *  - system memory, at the DMA addresses of the platform device. The
 *    device's DMA range map puts all of system memory at
 *    ``VSVM_BUS_SYSTEM`` plus the physical address, as a bus with an
 *    offset would, so that a physical address handed over by mistake is
 *    not a valid system address;
 *  - its own VRAM, at the offset into it (below the VRAM size);
 *  - a linked peer's VRAM, at ``VSVM_BUS_PEER(index)`` plus the offset,
 *    as through the peer's BAR or the fabric's address window.
 *
 * vsvm_bus_page() decodes an address the way the engine's memory accesses
 * do: a system address that is not the DMA address of a system page, an
 * offset beyond the VRAM, a window of a device this one cannot reach, or
 * an address that is not of the kind the page table entry says, reaches
 * nothing. The page table refuses to map such an address, so the core's
 * mistake shows as a failed job, not as silent corruption. With
 * CONFIG_DMA_API_DEBUG the kernel tracks every DMA mapping of the device,
 * so one left behind after the mapping went away shows in
 * ``dma-api/dump``.
 */

/**
 * vsvm_bus_init() - Make the device's DMA addresses those of its bus
 * @vdev: the device, with &vsvm_device.pdev registered
 *
 * The range map is freed with the platform device.
 *
 * Returns: 0, or -ENOMEM.
 */
int vsvm_bus_init(struct vsvm_device *vdev)
{
	struct device *dev = &vdev->pdev->dev;
	struct bus_dma_region *map;

	map = kcalloc(2, sizeof(*map), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	map[0].cpu_start = 0;
	map[0].dma_start = VSVM_BUS_SYSTEM;
	map[0].size = VSVM_BUS_SYSTEM_SIZE;
	dev->dma_range_map = map;
	return dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
}

/* The page at @offset into @vram, or NULL beyond it. */
static struct page *vsvm_bus_vram_page(struct vsvm_vram *vram, u64 offset)
{
	unsigned long idx = offset >> PAGE_SHIFT;

	if (offset >= vram->size)
		return NULL;
	if (vram->backing)
		return vram->backing[idx];
	return pfn_to_page(vram->dm.pfn_first + idx);
}

static struct page *vsvm_bus_system_page(struct vsvm_device *vdev, u64 addr)
{
	phys_addr_t phys = dma_to_phys(&vdev->pdev->dev, addr);
	struct page *page;

	if (phys == (phys_addr_t)-1 || !pfn_valid(PHYS_PFN(phys)))
		return NULL;
	page = pfn_to_page(PHYS_PFN(phys));
	/* The core never DMA-maps device memory: it has its own addresses. */
	return is_zone_device_page(page) ? NULL : page;
}

/**
 * vsvm_bus_peer() - The peer whose window a bus address is in
 * @vdev: the device that accesses
 * @addr: the bus address
 *
 * Returns: the device whose VRAM window holds @addr, when @vdev reaches it
 * (see drm_svm_can_access()); NULL otherwise.
 */
struct vsvm_device *vsvm_bus_peer(struct vsvm_device *vdev, u64 addr)
{
	struct vsvm_device *peer;
	u64 window;

	if (addr < VSVM_BUS_PEER(0))
		return NULL;
	window = (addr - VSVM_BUS_PEER(0)) / VSVM_BUS_PEER_SIZE;
	peer = window < VSVM_MAX_DEVICES ? vsvm_device_at(window) : NULL;
	if (!peer || peer == vdev ||
	    !drm_svm_can_access(&vdev->svm, &peer->svm))
		return NULL;
	return peer;
}

/**
 * vsvm_bus_page() - The memory behind a bus address
 * @vdev: the device that accesses
 * @kind: what the address is said to be, &enum drm_svm_addr_kind
 * @addr: the bus address, page aligned
 *
 * Returns: the page the access reaches (for private VRAM, its backing
 * page), or NULL when the address reaches nothing (see DOC: Bus
 * addresses).
 */
struct page *vsvm_bus_page(struct vsvm_device *vdev, u8 kind, u64 addr)
{
	struct vsvm_device *peer;

	switch (kind) {
	case DRM_SVM_ADDR_SYSTEM:
		return vsvm_bus_system_page(vdev, addr);
	case DRM_SVM_ADDR_LOCAL:
		return vsvm_bus_vram_page(&vdev->vram, addr);
	case DRM_SVM_ADDR_PEER:
		peer = vsvm_bus_peer(vdev, addr);
		if (!peer)
			return NULL;
		return vsvm_bus_vram_page(&peer->vram,
					  addr - VSVM_BUS_PEER(peer->index));
	}
	return NULL;
}

/**
 * vsvm_bus_vram_addr() - The bus address of a VRAM page, seen from a device
 * @owner: the device whose VRAM it is
 * @to: the device that accesses it: @owner, or a linked peer
 * @offset: offset of the page into @owner's VRAM
 *
 * Returns: the address @to reaches the page at.
 */
u64 vsvm_bus_vram_addr(struct vsvm_device *owner, struct vsvm_device *to,
		       u64 offset)
{
	return owner == to ? offset : VSVM_BUS_PEER(owner->index) + offset;
}

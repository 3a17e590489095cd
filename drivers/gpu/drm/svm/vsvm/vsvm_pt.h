/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The drm_svm authors
 */
#ifndef __VSVM_PT_H__
#define __VSVM_PT_H__

#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct drm_svm_addr;
struct vsvm_device;

/** VSVM_TLB_ENTRIES - Entries of the direct-mapped engine TLB */
#define VSVM_TLB_ENTRIES	64

/**
 * enum vsvm_loc - Where a page is, as far as the device's cost goes
 * @VSVM_LOC_SYSTEM: system memory
 * @VSVM_LOC_VRAM: the device's own VRAM
 * @VSVM_LOC_FABRIC: a peer's VRAM, over a fabric link
 * @VSVM_LOC_PCIE: a peer's VRAM, over PCIe
 */
enum vsvm_loc {
	VSVM_LOC_SYSTEM,
	VSVM_LOC_VRAM,
	VSVM_LOC_FABRIC,
	VSVM_LOC_PCIE,
};

/**
 * struct vsvm_xlate - A translation of one GPU page, as the engine uses it
 */
struct vsvm_xlate {
	/** @addr: Bus address of the GPU page (see :ref:`drm_svm_vsvm_bus`) */
	u64 addr;
	/** @pfn: Page frame the bus address reaches */
	unsigned long pfn;
	/** @write: The device may write the page */
	bool write;
	/** @huge: The translation comes from a 2 MiB entry */
	bool huge;
	/** @atomic: The device may do atomics on the page */
	bool atomic;
	/** @loc: Where the page is (&enum vsvm_loc), for the modelled time */
	u8 loc;
};

/**
 * struct vsvm_tlb_entry - One cached translation
 */
struct vsvm_tlb_entry {
	/** @tag: &vsvm_pt.tag of the page table it came from, 0 if unused */
	u64 tag;
	/** @vpn: GPU page number */
	u64 vpn;
	/** @xl: The translation */
	struct vsvm_xlate xl;
};

/**
 * struct vsvm_tlb - Emulated TLB of one engine
 *
 * A direct-mapped cache of (page table, GPU page) -> translation that the
 * engine consults before walking a page table. Entries are filled by the
 * engine with the page table's lock held for read, and flushed by
 * invalidations with it held for write; @lock nests inside that lock and
 * serializes the two, since an engine fill for one VM and a flush for
 * another may touch the same slot.
 */
struct vsvm_tlb {
	/** @lock: Protects @entries */
	spinlock_t lock;
	/** @vdev: Device whose &vsvm_device.stale_tlb_hits counts stale hits */
	struct vsvm_device *vdev;
	/** @entries: The cache, indexed by a hash of tag and page number */
	struct vsvm_tlb_entry entries[VSVM_TLB_ENTRIES];
};

/**
 * struct vsvm_pt - Software GPU page table of one VM
 *
 * Two levels: @blocks maps each 2 MiB of GPU address space to a block of
 * 4 KiB entries plus one huge entry. Blocks are allocated by
 * vsvm_pt_prepare() and live until vsvm_pt_fini().
 */
struct vsvm_pt {
	/**
	 * @lock: The pt_lock. Held for write to change entries (map,
	 * invalidate), for read by the engine across a translation and the
	 * page access made with it. Nests inside the core's notifier lock.
	 */
	rwlock_t lock;
	/** @blocks: Blocks indexed by GPU address >> PMD_SHIFT */
	struct xarray blocks;
	/** @tlb: TLB of the engine that runs this VM's jobs */
	struct vsvm_tlb *tlb;
	/** @tag: Identifies this page table in @tlb; unique, never reused */
	u64 tag;
};

int vsvm_pt_cache_init(void);
void vsvm_pt_cache_fini(void);

void vsvm_pt_init(struct vsvm_pt *pt, struct vsvm_tlb *tlb);
void vsvm_pt_fini(struct vsvm_pt *pt);
int vsvm_pt_prepare(struct vsvm_pt *pt, u64 start, u64 end);
int vsvm_pt_map(struct vsvm_pt *pt, u64 gpu_addr,
		const struct drm_svm_addr *addrs, unsigned long npages,
		unsigned int order, u32 flags);
void vsvm_pt_invalidate(struct vsvm_pt *pt, u64 start, u64 end, bool free);
bool vsvm_pt_translate(struct vsvm_pt *pt, u64 addr, u32 access,
		       struct vsvm_xlate *xl);
void vsvm_pt_access_begin(struct vsvm_pt *pt)
	__acquires(&pt->lock) __acquires(&pt->tlb->lock);
void vsvm_pt_access_end(struct vsvm_pt *pt)
	__releases(&pt->tlb->lock) __releases(&pt->lock);
u64 vsvm_pt_first_missing(struct vsvm_pt *pt, u64 addr, u64 end, u32 access);
void vsvm_pt_mapped(struct vsvm_pt *pt, u64 gpu_addr, unsigned long npages,
		    unsigned long *bitmap);

void vsvm_tlb_init(struct vsvm_tlb *tlb, struct vsvm_device *vdev);

#endif /* __VSVM_PT_H__ */

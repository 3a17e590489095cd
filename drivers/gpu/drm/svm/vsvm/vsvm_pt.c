// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/atomic.h>
#include <linux/bitfield.h>
#include <linux/memremap.h>
#include <linux/module.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <drm/drm_print.h>

#include "vsvm_drv.h"
#include "vsvm_pt.h"

/**
 * DOC: Page table and TLB
 *
 * Each VM has a two-level software page table (&struct vsvm_pt): an
 * xarray of blocks, one per 2 MiB of GPU address space, each holding one
 * entry per 4 KiB page and one huge entry for the whole block. At most one
 * of the two levels is valid in a block: mapping a huge entry clears the
 * page entries, mapping pages into a block with a huge entry first splits
 * it into the equivalent page entries. An entry is a bus address (see
 * Bus addresses) with a valid, a write and an atomic bit and the kind of
 * the address; the engine reaches the memory by decoding the address
 * when it fills its TLB, and then through kmap_local_page(), never
 * through the CPU page tables.
 *
 * Blocks are allocated only by vsvm_pt_prepare(), which the core calls
 * where it may sleep. vsvm_pt_map() and vsvm_pt_invalidate() run under the
 * core's notifier lock, possibly in reclaim, and never allocate. The
 * reason the core gives for an invalidation decides what happens to the
 * blocks: an unbind or the release of the address space frees those it
 * leaves empty (``pt_blocks`` in debugfs counts them); any other reason
 * only changes a range that is mapped again soon, so its blocks stay.
 *
 * Each engine caches translations in a small direct-mapped TLB (&struct
 * vsvm_tlb), tagged with a per-page-table number that is never reused.
 * vsvm_pt_invalidate() clears the entries and flushes the TLB with the
 * pt_lock held for write, so when it returns no translation of the range
 * is left anywhere and no access through one is in flight. vsvm_pt_map()
 * flushes too when it changes a translation that was valid.
 *
 * With the ``tlb_check`` module parameter set (the default), every TLB hit
 * is checked against the page table; a hit the page table no longer backs
 * is a stale translation, which would let the device touch memory the CPU
 * may already have freed. It is reported once with a warning, counted in
 * &vsvm_device.stale_tlb_hits, and the entry is dropped.
 */

static bool tlb_check = true;
module_param(tlb_check, bool, 0644);
MODULE_PARM_DESC(tlb_check,
		 "Check every TLB hit against the page table (default true)");

#define VSVM_PT_BLOCK_PAGES	BIT(PMD_ORDER)
#define VSVM_PT_BLOCK_SIZE	BIT_ULL(PMD_SHIFT)

#define VSVM_PTE_VALID		BIT_ULL(0)
#define VSVM_PTE_WRITE		BIT_ULL(1)
/* Where the page is, &enum vsvm_loc */
#define VSVM_PTE_LOC		GENMASK_ULL(3, 2)
/* The device may do atomics on the page (DRM_SVM_MAP_ATOMIC) */
#define VSVM_PTE_ATOMIC		BIT_ULL(4)
/* What the address is, &enum drm_svm_addr_kind */
#define VSVM_PTE_KIND		GENMASK_ULL(6, 5)
#define VSVM_PTE_ADDR		GENMASK_ULL(63, PAGE_SHIFT)

/* One 2 MiB block: its page entries, and the huge entry covering them all */
struct vsvm_pt_block {
	u64 huge;
	u64 pte[VSVM_PT_BLOCK_PAGES];
};

static struct kmem_cache *vsvm_pt_block_cache;
static atomic64_t vsvm_pt_tags = ATOMIC64_INIT(0);

/**
 * vsvm_pt_cache_init() - Create the slab cache of page table blocks
 *
 * Returns: 0 on success, -ENOMEM on failure.
 */
int vsvm_pt_cache_init(void)
{
	vsvm_pt_block_cache = KMEM_CACHE(vsvm_pt_block, SLAB_ACCOUNT);
	return vsvm_pt_block_cache ? 0 : -ENOMEM;
}

/**
 * vsvm_pt_cache_fini() - Destroy the slab cache of page table blocks
 */
void vsvm_pt_cache_fini(void)
{
	kmem_cache_destroy(vsvm_pt_block_cache);
}

static u64 vsvm_pte_addr(u64 pte)
{
	return pte & VSVM_PTE_ADDR;
}

/* The entry translating page @i of @blk, from whichever level is valid */
static u64 vsvm_block_entry(const struct vsvm_pt_block *blk, unsigned long i)
{
	if (blk->huge & VSVM_PTE_VALID)
		return blk->huge + ((u64)i << PAGE_SHIFT);
	return blk->pte[i];
}

/* Replace a huge entry by the page entries that translate the same */
static void vsvm_block_split(struct vsvm_pt_block *blk)
{
	unsigned long i;

	for (i = 0; i < VSVM_PT_BLOCK_PAGES; i++)
		blk->pte[i] = vsvm_block_entry(blk, i);
	blk->huge = 0;
}

/* Whether a TLB may still hold a translation that @old allowed and @new not */
static bool vsvm_pte_needs_flush(u64 old, u64 new)
{
	if (!(old & VSVM_PTE_VALID))
		return false;
	if (!(new & VSVM_PTE_VALID) || vsvm_pte_addr(old) != vsvm_pte_addr(new))
		return true;
	return old & (VSVM_PTE_WRITE | VSVM_PTE_ATOMIC) & ~new;
}

/*
 * Where the memory behind an address is, for the modelled time: a peer's
 * is found from the address, as the bus would route it (the core's owner
 * id is an SVM device id, not a vsvm index).
 */
static enum vsvm_loc vsvm_addr_loc(struct vsvm_device *vdev,
				   const struct drm_svm_addr *a)
{
	struct vsvm_device *peer;

	if (a->kind == DRM_SVM_ADDR_SYSTEM)
		return VSVM_LOC_SYSTEM;
	if (a->kind == DRM_SVM_ADDR_LOCAL)
		return VSVM_LOC_VRAM;
	peer = vsvm_bus_peer(vdev, a->addr);
	return vsvm_vram_loc(vdev, peer ? &peer->vram.dm : NULL);
}

/*
 * Build the entry for one address the core handed over. An address that
 * reaches nothing on the device's bus (see DOC: Bus addresses) is
 * refused: a page table that took it would let the engine touch memory
 * the core never gave it.
 */
static int vsvm_pte_make(struct vsvm_pt *pt, const struct drm_svm_addr *a,
			 u64 *pte)
{
	struct vsvm_device *vdev = pt->tlb->vdev;

	if (!PAGE_ALIGNED(a->addr) || !vsvm_bus_page(vdev, a->kind, a->addr)) {
		drm_err_ratelimited(&vdev->drm,
				    "map of bus address %#llx (kind %u) that reaches nothing\n",
				    a->addr, a->kind);
		return -EFAULT;
	}

	*pte = a->addr | VSVM_PTE_VALID |
	       FIELD_PREP(VSVM_PTE_KIND, a->kind) |
	       FIELD_PREP(VSVM_PTE_LOC, vsvm_addr_loc(vdev, a));
	if (a->write)
		*pte |= VSVM_PTE_WRITE;
	return 0;
}

static struct vsvm_tlb_entry *vsvm_tlb_slot(struct vsvm_tlb *tlb, u64 tag,
					    u64 vpn)
{
	return &tlb->entries[(vpn + tag) % VSVM_TLB_ENTRIES];
}

/* Drop the cached translations of GPU pages [@first, @last] of page table @tag */
static void vsvm_tlb_flush(struct vsvm_tlb *tlb, u64 tag, u64 first, u64 last)
{
	struct vsvm_tlb_entry *e;

	spin_lock(&tlb->lock);
	for (e = tlb->entries; e < tlb->entries + VSVM_TLB_ENTRIES; e++) {
		if (e->tag == tag && e->vpn >= first && e->vpn <= last)
			e->tag = 0;
	}
	spin_unlock(&tlb->lock);
}

/**
 * vsvm_tlb_init() - Initialize an engine's TLB
 * @tlb: the TLB
 * @vdev: the device, whose stale hit counter the TLB check updates
 */
void vsvm_tlb_init(struct vsvm_tlb *tlb, struct vsvm_device *vdev)
{
	spin_lock_init(&tlb->lock);
	tlb->vdev = vdev;
	memset(tlb->entries, 0, sizeof(tlb->entries));
}

/**
 * vsvm_pt_init() - Initialize an empty page table
 * @pt: the page table
 * @tlb: TLB of the engine that will run the VM's jobs
 */
void vsvm_pt_init(struct vsvm_pt *pt, struct vsvm_tlb *tlb)
{
	rwlock_init(&pt->lock);
	xa_init(&pt->blocks);
	pt->tlb = tlb;
	pt->tag = atomic64_inc_return(&vsvm_pt_tags);

	/* Invalidations take the pt_lock from reclaim: tell lockdep early */
	fs_reclaim_acquire(GFP_KERNEL);
	might_lock(&pt->lock);
	fs_reclaim_release(GFP_KERNEL);
}

/**
 * vsvm_pt_fini() - Free a page table
 * @pt: the page table, which no engine uses any more
 *
 * Drops whatever the TLB still caches for @pt and frees the blocks.
 */
void vsvm_pt_fini(struct vsvm_pt *pt)
{
	struct vsvm_pt_block *blk;
	unsigned long idx;

	vsvm_tlb_flush(pt->tlb, pt->tag, 0, U64_MAX);

	xa_for_each(&pt->blocks, idx, blk) {
		kmem_cache_free(vsvm_pt_block_cache, blk);
		atomic_dec(&pt->tlb->vdev->pt_blocks);
	}
	xa_destroy(&pt->blocks);
}

/**
 * vsvm_pt_prepare() - Allocate the blocks covering a GPU range
 * @pt: the page table
 * @start: first GPU address
 * @end: end of the range (exclusive)
 *
 * Called where the caller may sleep and allocate, before vsvm_pt_map()
 * for the same range. Blocks stay allocated until an unbind or the
 * release of the address space leaves them empty, or vsvm_pt_fini().
 *
 * Returns: 0 on success, -ENOMEM on failure.
 */
int vsvm_pt_prepare(struct vsvm_pt *pt, u64 start, u64 end)
{
	struct vsvm_pt_block *blk;
	unsigned long idx, last;
	int ret;

	if (start >= end)
		return 0;

	last = (end - 1) >> PMD_SHIFT;
	for (idx = start >> PMD_SHIFT; idx <= last; idx++) {
		if (xa_load(&pt->blocks, idx))
			continue;

		if (should_fail(&pt->tlb->vdev->vram.fail_pt_alloc, 1))
			return -ENOMEM;
		blk = kmem_cache_zalloc(vsvm_pt_block_cache, GFP_KERNEL_ACCOUNT);
		if (!blk)
			return -ENOMEM;

		ret = xa_insert(&pt->blocks, idx, blk, GFP_KERNEL_ACCOUNT);
		if (ret) {
			kmem_cache_free(vsvm_pt_block_cache, blk);
			if (ret != -EBUSY)
				return ret;
			continue;
		}
		atomic_inc(&pt->tlb->vdev->pt_blocks);
	}

	return 0;
}

/* Look up a prepared block; its absence is a bug of the caller */
static struct vsvm_pt_block *vsvm_pt_block(struct vsvm_pt *pt, u64 vpn)
{
	struct vsvm_pt_block *blk = xa_load(&pt->blocks, vpn >> PMD_ORDER);

	drm_WARN_ONCE(&pt->tlb->vdev->drm, !blk,
		      "vsvm: map of GPU page %#llx without map_prepare\n", vpn);
	return blk;
}

static int vsvm_pt_map_huge(struct vsvm_pt *pt, u64 vpn,
			    const struct drm_svm_addr *addrs, u64 extra)
{
	struct vsvm_pt_block *blk;
	bool flush = false;
	unsigned long i;
	u64 huge, pte;

	lockdep_assert_held_write(&pt->lock);

	blk = vsvm_pt_block(pt, vpn);
	if (!blk)
		return -ENOMEM;

	/* The caller checked the run is contiguous; write only if all are */
	if (vsvm_pte_make(pt, &addrs[0], &huge))
		return -EFAULT;
	huge |= extra;
	for (i = 0; i < VSVM_PT_BLOCK_PAGES; i++) {
		if (!addrs[i].write)
			huge &= ~VSVM_PTE_WRITE;
	}

	for (i = 0; i < VSVM_PT_BLOCK_PAGES; i++) {
		pte = huge + ((u64)i << PAGE_SHIFT);
		flush |= vsvm_pte_needs_flush(vsvm_block_entry(blk, i), pte);
	}

	memset(blk->pte, 0, sizeof(blk->pte));
	blk->huge = huge;

	if (flush)
		vsvm_tlb_flush(pt->tlb, pt->tag, vpn,
			       vpn + VSVM_PT_BLOCK_PAGES - 1);
	return 0;
}

static int vsvm_pt_map_pages(struct vsvm_pt *pt, u64 vpn,
			     const struct drm_svm_addr *addrs,
			     unsigned long npages, u64 extra)
{
	struct vsvm_pt_block *blk = NULL;
	bool flush = false;
	unsigned long i, idx;
	int ret = 0;
	u64 pte;

	lockdep_assert_held_write(&pt->lock);

	for (i = 0; i < npages; i++) {
		idx = (vpn + i) % VSVM_PT_BLOCK_PAGES;
		if (!blk || !idx) {
			blk = vsvm_pt_block(pt, vpn + i);
			if (!blk) {
				ret = -ENOMEM;
				break;
			}
			if (blk->huge & VSVM_PTE_VALID)
				vsvm_block_split(blk);
		}

		/* Checked before; a topology change since leaves it unmapped. */
		if (vsvm_pte_make(pt, &addrs[i], &pte))
			pte = 0;
		else
			pte |= extra;
		flush |= vsvm_pte_needs_flush(blk->pte[idx], pte);
		blk->pte[idx] = pte;
	}

	if (flush)
		vsvm_tlb_flush(pt->tlb, pt->tag, vpn, vpn + npages - 1);
	return ret;
}

/**
 * vsvm_pt_map() - Map GPU pages to the bus addresses the core handed over
 * @pt: the page table
 * @gpu_addr: first GPU address, page aligned
 * @addrs: one address per page
 * @npages: number of pages
 * @order: 0, or PMD_ORDER to map one aligned 2 MiB run with a huge entry
 * @flags: DRM_SVM_MAP_ATOMIC when the device may do atomics on the pages
 *
 * A run given with PMD_ORDER whose addresses are not contiguous, or not
 * all of one kind, is mapped with page entries instead. Without
 * DRM_SVM_MAP_ATOMIC, an atomic access to the pages faults. Never
 * allocates; the blocks must have been prepared with vsvm_pt_prepare().
 * Takes the pt_lock for write.
 *
 * Returns: 0 on success, -EINVAL for a misaligned address or a bad order,
 * -EFAULT for an address that reaches nothing on the device's bus (then
 * nothing is mapped), -ENOMEM when a block was not prepared.
 */
int vsvm_pt_map(struct vsvm_pt *pt, u64 gpu_addr,
		const struct drm_svm_addr *addrs, unsigned long npages,
		unsigned int order, u32 flags)
{
	u64 extra = flags & DRM_SVM_MAP_ATOMIC ? VSVM_PTE_ATOMIC : 0;
	u64 vpn = gpu_addr >> PAGE_SHIFT;
	unsigned long i;
	bool huge;
	int ret;
	u64 pte;

	if (!PAGE_ALIGNED(gpu_addr))
		return -EINVAL;
	if (order && (order != PMD_ORDER || npages != VSVM_PT_BLOCK_PAGES ||
		      !IS_ALIGNED(gpu_addr, VSVM_PT_BLOCK_SIZE)))
		return -EINVAL;
	if (!npages)
		return 0;

	/* Check every address first so that a bad array maps nothing */
	huge = order;
	for (i = 0; i < npages; i++) {
		ret = vsvm_pte_make(pt, &addrs[i], &pte);
		if (ret)
			return ret;
		if (addrs[i].addr != addrs[0].addr + i * PAGE_SIZE ||
		    addrs[i].kind != addrs[0].kind)
			huge = false;
	}

	write_lock(&pt->lock);
	if (huge)
		ret = vsvm_pt_map_huge(pt, vpn, addrs, extra);
	else
		ret = vsvm_pt_map_pages(pt, vpn, addrs, npages, extra);
	write_unlock(&pt->lock);

	return ret;
}

/* Whether no entry of @blk is valid */
static bool vsvm_block_empty(const struct vsvm_pt_block *blk)
{
	unsigned long i;

	if (blk->huge & VSVM_PTE_VALID)
		return false;
	for (i = 0; i < VSVM_PT_BLOCK_PAGES; i++) {
		if (blk->pte[i] & VSVM_PTE_VALID)
			return false;
	}
	return true;
}

/**
 * vsvm_pt_invalidate() - Unmap a GPU range and flush the TLB
 * @pt: the page table
 * @start: first GPU address
 * @end: end of the range (exclusive)
 * @free: free the blocks the range leaves empty; only when no
 *	  vsvm_pt_prepare() and vsvm_pt_map() pair can be in progress on
 *	  the range (an unbind, which holds the core's mirror lock, or the
 *	  release of the address space)
 *
 * Clears every page entry in the range and every huge entry that
 * intersects it, then flushes the TLB, all with the pt_lock held for
 * write: when this returns, no engine holds or uses a translation of the
 * range. Never allocates or sleeps.
 */
void vsvm_pt_invalidate(struct vsvm_pt *pt, u64 start, u64 end, bool free)
{
	struct vsvm_pt_block *blk;
	u64 first, last, base, lo, hi;
	unsigned long idx;

	if (start >= end)
		return;

	first = start >> PAGE_SHIFT;
	last = (end - 1) >> PAGE_SHIFT;

	write_lock(&pt->lock);
	xa_for_each_range(&pt->blocks, idx, blk, first >> PMD_ORDER,
			  last >> PMD_ORDER) {
		base = (u64)idx << PMD_ORDER;
		lo = max(first, base) - base;
		hi = min(last, base + VSVM_PT_BLOCK_PAGES - 1) - base;

		blk->huge = 0;
		memset(&blk->pte[lo], 0, (hi - lo + 1) * sizeof(blk->pte[0]));
		if (free && vsvm_block_empty(blk)) {
			xa_erase(&pt->blocks, idx);
			kmem_cache_free(vsvm_pt_block_cache, blk);
			atomic_dec(&pt->tlb->vdev->pt_blocks);
		}
	}
	/* A huge entry cleared above also translated the rest of its block */
	vsvm_tlb_flush(pt->tlb, pt->tag, round_down(first, VSVM_PT_BLOCK_PAGES),
		       last | (VSVM_PT_BLOCK_PAGES - 1));
	write_unlock(&pt->lock);
}

/* The entry translating GPU page @vpn, or 0; @huge: from a huge entry */
static u64 vsvm_pt_entry(struct vsvm_pt *pt, u64 vpn, bool *huge)
{
	struct vsvm_pt_block *blk = xa_load(&pt->blocks, vpn >> PMD_ORDER);

	if (!blk) {
		*huge = false;
		return 0;
	}
	*huge = blk->huge & VSVM_PTE_VALID;
	return vsvm_block_entry(blk, vpn % VSVM_PT_BLOCK_PAGES);
}

/* Whether the page table still allows what a TLB hit translated */
static bool vsvm_tlb_check(struct vsvm_pt *pt, u64 vpn,
			   const struct vsvm_xlate *xl)
{
	struct vsvm_device *vdev = pt->tlb->vdev;
	struct vsvm_tlb_entry *e;
	bool huge;
	u64 pte;

	pte = vsvm_pt_entry(pt, vpn, &huge);
	if ((pte & VSVM_PTE_VALID) && vsvm_pte_addr(pte) == xl->addr &&
	    (!xl->write || (pte & VSVM_PTE_WRITE)) &&
	    (!xl->atomic || (pte & VSVM_PTE_ATOMIC)))
		return true;

	atomic64_inc(&vdev->stale_tlb_hits);
	drm_WARN_ONCE(&vdev->drm, 1,
		      "vsvm: stale TLB hit: GPU page %#llx -> bus %#llx, page table %#llx\n",
		      vpn, xl->addr, pte);
	drm_err_ratelimited(&vdev->drm,
			    "stale TLB hit at GPU address %#llx (%lld so far)\n",
			    vpn << PAGE_SHIFT,
			    atomic64_read(&vdev->stale_tlb_hits));

	e = vsvm_tlb_slot(pt->tlb, pt->tag, vpn);
	if (e->tag == pt->tag && e->vpn == vpn)
		e->tag = 0;
	return false;
}

/**
 * vsvm_pt_translate() - Translate one GPU address through TLB and page table
 * @pt: the page table
 * @addr: GPU address
 * @access: DRM_SVM_ACCESS_READ, _WRITE or _ATOMIC; an atomic needs an
 *	    entry mapped with DRM_SVM_MAP_ATOMIC
 * @xl: out: the translation of @addr's page
 *
 * Consults the TLB first, then walks the page table and fills the TLB.
 * Must be called between vsvm_pt_access_begin() and vsvm_pt_access_end(),
 * which the caller keeps around the access it makes with @xl: the
 * translation is only valid until then.
 *
 * Returns: %true with @xl filled in, %false when @addr has no translation
 * or only a read-only one and @write is set.
 */
bool vsvm_pt_translate(struct vsvm_pt *pt, u64 addr, u32 access,
		       struct vsvm_xlate *xl)
{
	bool write = access != DRM_SVM_ACCESS_READ;
	bool atomic = access == DRM_SVM_ACCESS_ATOMIC;
	struct vsvm_tlb *tlb = pt->tlb;
	u64 vpn = addr >> PAGE_SHIFT;
	struct vsvm_tlb_entry *e;
	struct page *page;
	bool hit;
	u64 pte;

	lockdep_assert_held_read(&pt->lock);
	lockdep_assert_held(&tlb->lock);

	e = vsvm_tlb_slot(tlb, pt->tag, vpn);
	hit = e->tag == pt->tag && e->vpn == vpn && (!write || e->xl.write) &&
	      (!atomic || e->xl.atomic);
	if (hit) {
		*xl = e->xl;
		if (!READ_ONCE(tlb_check) || vsvm_tlb_check(pt, vpn, xl))
			return true;
	}

	pte = vsvm_pt_entry(pt, vpn, &xl->huge);
	if (!(pte & VSVM_PTE_VALID) || (write && !(pte & VSVM_PTE_WRITE)) ||
	    (atomic && !(pte & VSVM_PTE_ATOMIC)))
		return false;

	page = vsvm_bus_page(pt->tlb->vdev, FIELD_GET(VSVM_PTE_KIND, pte),
			     vsvm_pte_addr(pte));
	/* vsvm_pte_make() checked it, and a bus address never moves */
	if (drm_WARN_ON_ONCE(&pt->tlb->vdev->drm, !page))
		return false;
	xl->addr = vsvm_pte_addr(pte);
	xl->pfn = page_to_pfn(page);
	xl->write = pte & VSVM_PTE_WRITE;
	xl->atomic = pte & VSVM_PTE_ATOMIC;
	xl->loc = FIELD_GET(VSVM_PTE_LOC, pte);

	e->tag = pt->tag;
	e->vpn = vpn;
	e->xl = *xl;
	return true;
}

/**
 * vsvm_pt_access_begin() - Start a run of page accesses
 * @pt: the page table the accesses translate through
 *
 * Takes the pt_lock for read and the TLB lock. Translations made with
 * vsvm_pt_translate() until vsvm_pt_access_end() stay valid, so the pages
 * they name may be accessed until then; invalidations of @pt wait. Keep
 * runs short: a few dozen pages.
 */
void vsvm_pt_access_begin(struct vsvm_pt *pt)
	__acquires(&pt->lock) __acquires(&pt->tlb->lock)
{
	read_lock(&pt->lock);
	spin_lock(&pt->tlb->lock);
}

/**
 * vsvm_pt_access_end() - End a run of page accesses
 * @pt: the page table
 */
void vsvm_pt_access_end(struct vsvm_pt *pt)
	__releases(&pt->tlb->lock) __releases(&pt->lock)
{
	spin_unlock(&pt->tlb->lock);
	read_unlock(&pt->lock);
}

/**
 * vsvm_pt_first_missing() - Find the first page that cannot be accessed
 * @pt: the page table
 * @addr: first GPU address of the range
 * @end: GPU address past the range
 * @access: DRM_SVM_ACCESS_READ, _WRITE or _ATOMIC
 *
 * Walks the page table (not the TLB) one 2 MiB block at a time, with the
 * pt_lock held for read per block. This is a prediction for pre-faulting:
 * the accesses themselves still translate under vsvm_pt_access_begin().
 *
 * Returns: the address of the first page of [@addr, @end) without a
 * translation allowing the access (no lower than @addr), or @end.
 */
u64 vsvm_pt_first_missing(struct vsvm_pt *pt, u64 addr, u64 end, u32 access)
{
	u64 need = VSVM_PTE_VALID |
		   (access != DRM_SVM_ACCESS_READ ? VSVM_PTE_WRITE : 0) |
		   (access == DRM_SVM_ACCESS_ATOMIC ? VSVM_PTE_ATOMIC : 0);
	u64 vpn = addr >> PAGE_SHIFT, last = (end - 1) >> PAGE_SHIFT;
	struct vsvm_pt_block *blk;
	u64 base, stop;
	bool ok;

	while (vpn <= last) {
		base = round_down(vpn, VSVM_PT_BLOCK_PAGES);
		stop = min(last, base + VSVM_PT_BLOCK_PAGES - 1);
		ok = true;

		read_lock(&pt->lock);
		blk = xa_load(&pt->blocks, vpn >> PMD_ORDER);
		if (!blk)
			ok = false;
		else if ((blk->huge & need) == need)
			vpn = stop + 1;
		else
			for (; vpn <= stop && ok; vpn += ok)
				ok = (blk->pte[vpn - base] & need) == need;
		read_unlock(&pt->lock);

		if (!ok)
			return max(addr, vpn << PAGE_SHIFT);
	}
	return end;
}

/**
 * vsvm_pt_mapped() - Which GPU pages of a range have a translation
 * @pt: the page table
 * @gpu_addr: first GPU address, page aligned
 * @npages: number of pages
 * @bitmap: out: bit i set when page i is mapped; other bits untouched
 */
void vsvm_pt_mapped(struct vsvm_pt *pt, u64 gpu_addr, unsigned long npages,
		    unsigned long *bitmap)
{
	u64 vpn = gpu_addr >> PAGE_SHIFT;
	unsigned long i;
	bool huge;

	read_lock(&pt->lock);
	for (i = 0; i < npages; i++) {
		if (vsvm_pt_entry(pt, vpn + i, &huge) & VSVM_PTE_VALID)
			__set_bit(i, bitmap);
	}
	read_unlock(&pt->lock);
}

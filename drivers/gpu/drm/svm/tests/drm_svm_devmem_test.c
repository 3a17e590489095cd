// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for drm_svm device memory: block allocation per chunk, batch
 * collection into one copy call, migration back on CPU access, eviction,
 * pinning, failure fallbacks and teardown, on real user memory of the
 * test's own mm and a small device-private memory owned by the test.
 *
 * Copyright © 2026 The drm_svm authors
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/hmm.h>
#include <linux/kthread.h>
#include <linux/memremap.h>
#include <linux/mman.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_kunit_helpers.h>
#include <drm/drm_svm.h>
#include <drm/drm_svm_devmem.h>
#include <uapi/drm/drm_svm.h>

#include "../drm_svm_internal.h"

#define TDEV_SIZE	SZ_8M
#define TDEV_PAGES	(TDEV_SIZE >> PAGE_SHIFT)
#define CHUNK_PAGES	(SZ_2M / PAGE_SIZE)
#define MAX_MAPS	16
#define POISON		0xa5

#define P(n) ((u64)(n) * PAGE_SIZE)

/* What one call of the map op got. */
struct map_call {
	u64 start;
	unsigned long npages;
	unsigned long ndev;	/* pages of the test's device memory */
	unsigned long first_pfn;
	bool in_order;		/* device page i is first_pfn + i */
	bool writable;		/* every page has HMM_PFN_WRITE */
};

/* What one call of the copy op got. */
struct copy_call {
	unsigned long npages;
	unsigned long src_null;	/* entries to zero-fill */
	unsigned long dst_null;	/* entries to skip */
	enum drm_svm_copy_dir dir;
};

/*
 * A test device with its own device-private memory: a bitmap allocator
 * of naturally aligned blocks, and a copy engine that copies through a
 * system page per device page, as a driver would through its VRAM.
 */
struct tdev {
	struct drm_device drm;
	struct drm_svm_device sdev;
	struct drm_svm_mirror mirror;
	struct drm_svm_devmem dm;
	bool dm_live;
	bool freed;
	struct kunit *test;

	struct mutex lock;	/* protects @used */
	unsigned long used[BITS_TO_LONGS(TDEV_PAGES)];
	unsigned long limit;	/* pages the allocator may hand out */
	struct page **backing;

	atomic_t alloc_calls, allocs, frees, bad_frees;
	atomic_t fail_alloc, fail_copy;
	unsigned int free_delay_ms;	/* a slow allocator: free sleeps */
	unsigned long alloc_pfn, alloc_npages;	/* last block handed out */

	unsigned int ncopies;
	struct copy_call copy;	/* last copy */
	/*
	 * When @hold_next is set, the next copy to the device takes a
	 * reference on its first pages, device and system: @held_dev, whose
	 * reference the next copy to system memory drops, and @held_sys.
	 */
	bool hold_next;
	struct page *held_dev, *held_sys;

	unsigned int nmaps, nzaps;
	u32 zap_reasons;	/* BIT() of each reason the core gave */
	struct map_call maps[MAX_MAPS];

	unsigned long uaddr;	/* 2M-aligned, at least 14M */
};

static struct tdev *dm_to_tdev(struct drm_svm_devmem *dm)
{
	return container_of(dm, struct tdev, dm);
}

static struct tdev *mirror_to_tdev(struct drm_svm_mirror *mirror)
{
	return container_of(mirror, struct tdev, mirror);
}

static struct page *tdev_backing(struct tdev *t, unsigned long pfn)
{
	return t->backing[pfn - t->dm.pfn_first];
}

static int tdev_alloc(struct drm_svm_devmem *dm, unsigned long npages,
		      unsigned long *pfn, void **priv)
{
	struct tdev *t = dm_to_tdev(dm);
	unsigned long first;

	atomic_inc(&t->alloc_calls);
	if (!is_power_of_2(npages))
		return -EINVAL;
	if (atomic_add_unless(&t->fail_alloc, -1, 0))
		return -ENOSPC;

	mutex_lock(&t->lock);
	first = bitmap_find_next_zero_area(t->used, t->limit, 0, npages,
					   npages - 1);
	if (first >= t->limit) {
		mutex_unlock(&t->lock);
		return -ENOSPC;
	}
	bitmap_set(t->used, first, npages);
	mutex_unlock(&t->lock);

	*pfn = dm->pfn_first + first;
	/* A cookie the free op checks: the block's index, plus one. */
	*priv = (void *)(first + 1);
	t->alloc_pfn = *pfn;
	t->alloc_npages = npages;
	atomic_inc(&t->allocs);
	return 0;
}

/* Runs from the core's worker: count what is wrong, do not assert. */
static void tdev_free(struct drm_svm_devmem *dm, unsigned long pfn,
		      unsigned long npages, void *priv)
{
	struct tdev *t = dm_to_tdev(dm);
	unsigned long first = pfn - dm->pfn_first;

	if (t->free_delay_ms)
		msleep(t->free_delay_ms);
	mutex_lock(&t->lock);
	if (priv != (void *)(first + 1) || first + npages > TDEV_PAGES ||
	    find_next_zero_bit(t->used, first + npages, first) <
	    first + npages)
		atomic_inc(&t->bad_frees);
	else
		bitmap_clear(t->used, first, npages);
	mutex_unlock(&t->lock);
	atomic_inc(&t->frees);
}

static int tdev_copy(struct drm_svm_devmem *dm, struct page **dst,
		     struct page **src, unsigned long npages,
		     enum drm_svm_copy_dir dir)
{
	struct tdev *t = dm_to_tdev(dm);
	struct page *d, *s;
	unsigned long i;

	t->ncopies++;
	t->copy = (struct copy_call){ .npages = npages, .dir = dir };
	for (i = 0; i < npages; i++) {
		t->copy.src_null += !src[i];
		t->copy.dst_null += !dst[i];
	}
	if (dir == DRM_SVM_COPY_TO_DEVICE && t->hold_next && dst[0] &&
	    src[0]) {
		t->hold_next = false;
		t->held_dev = dst[0];
		t->held_sys = src[0];
		get_page(t->held_dev);
		get_page(t->held_sys);
	} else if (dir == DRM_SVM_COPY_TO_SYSTEM && t->held_dev) {
		put_page(t->held_dev);
		t->held_dev = NULL;
	}
	if (atomic_add_unless(&t->fail_copy, -1, 0))
		return -EIO;

	for (i = 0; i < npages; i++) {
		if (!dst[i])
			continue;
		d = dst[i];
		s = src[i];
		if (dir == DRM_SVM_COPY_TO_DEVICE)
			d = tdev_backing(t, page_to_pfn(d));
		else if (s)
			s = tdev_backing(t, page_to_pfn(s));
		if (s)
			copy_highpage(d, s);
		else
			clear_highpage(d);
	}
	return 0;
}

/* The test device's bus: its memory at TDEV_BUS, by page index */
#define TDEV_BUS	BIT_ULL(52)

static u64 tdev_device_map(struct drm_svm_devmem *dm, struct drm_svm_device *to,
			   struct page *page)
{
	KUNIT_EXPECT_PTR_EQ(dm_to_tdev(dm)->test, to, dm->sdev);
	return TDEV_BUS + ((u64)drm_svm_devmem_page_index(dm, page) << PAGE_SHIFT);
}

static const struct drm_svm_devmem_ops tdev_devmem_ops = {
	.alloc = tdev_alloc,
	.free = tdev_free,
	.copy = tdev_copy,
	.device_map = tdev_device_map,
};

static struct drm_svm_mirror *tdev_vm_alloc(struct drm_svm_device *sdev)
{
	return &container_of(sdev, struct tdev, sdev)->mirror;
}

static void tdev_vm_free(struct drm_svm_mirror *mirror)
{
	mirror_to_tdev(mirror)->freed = true;
}

static void tdev_invalidate(struct drm_svm_mirror *mirror, u64 start, u64 end,
			    enum drm_svm_inval_reason reason)
{
	mirror_to_tdev(mirror)->zap_reasons |= BIT(reason);
	mirror_to_tdev(mirror)->nzaps++;
}

static int tdev_map(struct drm_svm_mirror *mirror, u64 gpu_addr,
		    const struct drm_svm_addr *addrs, unsigned long npages,
		    unsigned int order, u32 flags)
{
	struct tdev *t = mirror_to_tdev(mirror);
	struct map_call c = {
		.start = gpu_addr,
		.npages = npages,
		.in_order = true,
		.writable = true,
	};
	phys_addr_t phys;
	unsigned long i, pfn;

	for (i = 0; i < npages; i++) {
		c.writable &= addrs[i].write;
		if (addrs[i].kind == DRM_SVM_ADDR_SYSTEM) {
			/* A DMA address of a system page */
			phys = dma_to_phys(t->drm.dev, addrs[i].addr);
			KUNIT_EXPECT_TRUE(t->test, pfn_valid(PHYS_PFN(phys)));
			KUNIT_EXPECT_FALSE(t->test,
					   pfn_valid(PHYS_PFN(phys)) &&
					   is_zone_device_page(pfn_to_page(PHYS_PFN(phys))));
			continue;
		}
		/* Else the device's own memory, at the address it gave */
		KUNIT_EXPECT_EQ(t->test, addrs[i].kind, DRM_SVM_ADDR_LOCAL);
		KUNIT_EXPECT_EQ(t->test, addrs[i].owner, t->sdev.id);
		pfn = t->dm.pfn_first + ((addrs[i].addr - TDEV_BUS) >> PAGE_SHIFT);
		if (!c.ndev++)
			c.first_pfn = pfn - i;
		c.in_order &= pfn == c.first_pfn + i;
	}
	if (t->nmaps < MAX_MAPS)
		t->maps[t->nmaps] = c;
	t->nmaps++;
	return 0;
}

static const struct drm_svm_ops tdev_ops = {
	.vm_alloc = tdev_vm_alloc,
	.vm_free = tdev_vm_free,
	.invalidate = tdev_invalidate,
	.map = tdev_map,
};

static const unsigned long tdev_chunks[] = { SZ_2M, SZ_64K, SZ_4K };

static void tdev_free_backing(struct tdev *t)
{
	unsigned long i;

	for (i = 0; t->backing && i < TDEV_PAGES && t->backing[i]; i++)
		__free_page(t->backing[i]);
}

static int devmem_test_init(struct kunit *test)
{
	struct drm_svm_mirror *mirror;
	struct device *dev;
	unsigned long uaddr, i;
	struct tdev *t;

	dev = drm_kunit_helper_alloc_device(test);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	/* The core maps system pages for the device with the DMA API. */
	dev->dma_mask = &dev->coherent_dma_mask;
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)),
			0);
	t = drm_kunit_helper_alloc_drm_device(test, dev, struct tdev, drm,
					      DRIVER_GEM);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	t->test = test;
	mutex_init(&t->lock);
	t->limit = TDEV_PAGES;
	test->priv = t;

	/* The "VRAM" cells, poisoned so that a missing zero-fill shows. */
	t->backing = kunit_kcalloc(test, TDEV_PAGES, sizeof(*t->backing),
				   GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->backing);
	for (i = 0; i < TDEV_PAGES; i++) {
		/* The exit function frees what was allocated. */
		t->backing[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, t->backing[i]);
		memset_page(t->backing[i], 0, POISON, PAGE_SIZE);
	}

	/* 16M of anonymous memory gives a 2M-aligned 14M window inside. */
	uaddr = kunit_vm_mmap(test, NULL, 0, SZ_16M, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE(test, uaddr, 0);
	t->uaddr = ALIGN(uaddr, SZ_2M);

	KUNIT_ASSERT_EQ(test, drm_svm_device_init(&t->sdev, &t->drm, &tdev_ops,
						  tdev_chunks,
						  ARRAY_SIZE(tdev_chunks),
						  SZ_1G * 128ULL), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_devmem_init(&t->dm, &t->sdev,
						  &tdev_devmem_ops,
						  MEMORY_DEVICE_PRIVATE, 0,
						  TDEV_SIZE), 0);
	t->dm_live = true;
	mirror = drm_svm_mirror_create(&t->sdev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mirror);
	return 0;
}

static void devmem_test_exit(struct kunit *test)
{
	struct tdev *t = test->priv;

	if (!t)
		return;
	if (t->held_sys)
		put_page(t->held_sys);
	if (t->held_dev)
		put_page(t->held_dev);
	if (t->mirror.sdev) {
		drm_svm_mirror_close(&t->mirror);
		drm_svm_mirror_put(&t->mirror);
		KUNIT_EXPECT_TRUE(test, t->freed);
	}
	if (t->dm_live)
		drm_svm_devmem_fini(&t->dm);
	/* Every block went back, each once, with its own cookie. */
	KUNIT_EXPECT_EQ(test, atomic_read(&t->frees), atomic_read(&t->allocs));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->bad_frees), 0);
	tdev_free_backing(t);
	mutex_destroy(&t->lock);
}

/* The word at index @i of the page at user address @addr. */
static u64 pattern(u64 seed, unsigned long addr, unsigned int i)
{
	return seed ? seed ^ ((u64)addr << 16) ^ i : 0;
}

/* Write the pattern of @seed into @npages user pages from @addr. */
static void write_user(struct kunit *test, unsigned long addr,
		       unsigned long npages, u64 seed)
{
	u64 *buf = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	unsigned long n;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (n = 0; n < npages; n++, addr += PAGE_SIZE) {
		for (i = 0; i < PAGE_SIZE / sizeof(u64); i++)
			buf[i] = pattern(seed, addr, i);
		KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)addr, buf,
						   PAGE_SIZE), 0);
	}
	kunit_kfree(test, buf);
}

static bool page_matches(const u64 *p, u64 seed, unsigned long addr)
{
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(u64); i++)
		if (p[i] != pattern(seed, addr, i))
			return false;
	return true;
}

/* Read @npages user pages from @addr: how many do not hold @seed's data. */
static unsigned long bad_user_pages(struct kunit *test, unsigned long addr,
				    unsigned long npages, u64 seed)
{
	u64 *buf = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	unsigned long n, bad = 0;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (n = 0; n < npages; n++, addr += PAGE_SIZE) {
		KUNIT_ASSERT_EQ(test, copy_from_user(buf,
						     (void __user *)addr,
						     PAGE_SIZE), 0);
		bad += !page_matches(buf, seed, addr);
	}
	kunit_kfree(test, buf);
	return bad;
}

/*
 * How many of @npages device pages from @pfn do not hold @seed's data for
 * user pages from @addr, looking at the copy engine's side. Pages outside
 * the device memory all count as bad.
 */
static unsigned long bad_device_pages(struct tdev *t, unsigned long pfn,
				      unsigned long addr, unsigned long npages,
				      u64 seed)
{
	unsigned long n, bad = 0;
	u64 *p;

	if (pfn < t->dm.pfn_first ||
	    pfn + npages > t->dm.pfn_first + TDEV_PAGES)
		return npages;
	for (n = 0; n < npages; n++, addr += PAGE_SIZE) {
		p = kmap_local_page(tdev_backing(t, pfn + n));
		bad += !page_matches(p, seed, addr);
		kunmap_local(p);
	}
	return bad;
}

static void bind(struct kunit *test, unsigned long cpu, u64 gpu, u64 size)
{
	struct tdev *t = test->priv;

	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(&t->mirror, cpu, gpu, size,
						  0), 0);
}

static int gpu_fault(struct tdev *t, u64 addr, u32 access)
{
	struct drm_svm_fault f = { .addr = addr, .access = access, .error = 1 };

	drm_svm_mirror_fault(&t->mirror, &f, 1);
	return f.error;
}

/* A VMA of exactly @size bytes at an address aligned to it, 2M inside. */
static unsigned long map_alone(struct kunit *test, unsigned long size)
{
	unsigned long base, addr;

	base = kunit_vm_mmap(test, NULL, 0, SZ_4M, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE(test, base, 0);
	addr = ALIGN(base, SZ_2M) + size;
	KUNIT_ASSERT_EQ(test, vm_munmap(base, addr - base), 0);
	KUNIT_ASSERT_EQ(test, vm_munmap(addr + size,
					base + SZ_4M - addr - size), 0);
	return addr;
}

static u64 counter(atomic64_t *v)
{
	return atomic64_read(v);
}

/* The test process's counters on the test device. */
static struct drm_svm_counters *proc(struct tdev *t)
{
	return &t->mirror.svm_mm->counters[t->sdev.id];
}

static void drm_test_svm_devmem_chunk_2m(struct kunit *test)
{
	struct tdev *t = test->priv;
	const u64 g = SZ_1G;

	bind(test, t->uaddr, g, SZ_2M);
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g + P(3), DRM_SVM_ACCESS_READ), 0);

	/* One 2M block for the whole chunk, mapped page i to block page i. */
	KUNIT_EXPECT_EQ(test, atomic_read(&t->allocs), 1);
	KUNIT_EXPECT_EQ(test, t->alloc_npages, CHUNK_PAGES);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(t->alloc_pfn - t->dm.pfn_first,
					   CHUNK_PAGES));
	KUNIT_EXPECT_EQ(test, drm_svm_devmem_in_use(&t->dm), (u64)SZ_2M);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.pages_to_vram), CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, counter(&proc(t)->vram_pages), CHUNK_PAGES);
	KUNIT_ASSERT_EQ(test, t->nmaps, 1u);
	KUNIT_EXPECT_EQ(test, t->maps[0].start, g);
	KUNIT_EXPECT_EQ(test, t->maps[0].npages, CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, t->maps[0].ndev, CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, t->maps[0].first_pfn, t->alloc_pfn);
	KUNIT_EXPECT_TRUE(test, t->maps[0].in_order);

	/* Unmapping frees every page: the block goes back to the driver. */
	KUNIT_ASSERT_EQ(test, vm_munmap(t->uaddr, SZ_2M), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_devmem_in_use(&t->dm), 0ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->frees), 1);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(t->used, TDEV_PAGES));
	KUNIT_EXPECT_EQ(test, counter(&proc(t)->vram_pages), 0ULL);
}

static void drm_test_svm_devmem_chunk_64k(struct kunit *test)
{
	struct tdev *t = test->priv;
	const unsigned long small = map_alone(test, SZ_64K);
	const u64 g = SZ_1G, g2 = SZ_1G + SZ_2M;
	unsigned long pfn64;

	/* The GPU side keeps the CPU side's 64K alignment. */
	bind(test, small, g + (small & (SZ_2M - 1)), SZ_64K);
	bind(test, t->uaddr, g2, SZ_2M);

	KUNIT_ASSERT_EQ(test, gpu_fault(t, g + (small & (SZ_2M - 1)) + P(1),
					DRM_SVM_ACCESS_WRITE), 0);
	KUNIT_EXPECT_EQ(test, t->alloc_npages, SZ_64K >> PAGE_SHIFT);
	pfn64 = t->alloc_pfn;
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(pfn64 - t->dm.pfn_first,
					   SZ_64K >> PAGE_SHIFT));

	/* A 2M block after a 64K one still comes naturally aligned. */
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g2, DRM_SVM_ACCESS_WRITE), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->allocs), 2);
	KUNIT_EXPECT_EQ(test, t->alloc_npages, CHUNK_PAGES);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(t->alloc_pfn - t->dm.pfn_first,
					   CHUNK_PAGES));
	KUNIT_EXPECT_NE(test, t->alloc_pfn, pfn64);
	KUNIT_EXPECT_EQ(test, drm_svm_devmem_in_use(&t->dm),
			(u64)SZ_2M + SZ_64K);

	KUNIT_ASSERT_EQ(test, t->nmaps, 2u);
	KUNIT_EXPECT_EQ(test, t->maps[0].npages, SZ_64K >> PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, t->maps[0].ndev, SZ_64K >> PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, t->maps[0].first_pfn, pfn64);
	KUNIT_EXPECT_TRUE(test, t->maps[0].in_order);
	KUNIT_EXPECT_EQ(test, t->maps[1].ndev, CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, t->maps[1].first_pfn, t->alloc_pfn);
	/* Written or not, the pages are private to the process: writable. */
	KUNIT_EXPECT_TRUE(test, t->maps[0].writable);
	KUNIT_EXPECT_TRUE(test, t->maps[1].writable);

	KUNIT_ASSERT_EQ(test, vm_munmap(small, SZ_64K), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_devmem_in_use(&t->dm), (u64)SZ_2M);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->frees), 1);
	KUNIT_ASSERT_EQ(test, vm_munmap(t->uaddr, SZ_2M), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_devmem_in_use(&t->dm), 0ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->frees), 2);
}

static void drm_test_svm_devmem_batch_collect(struct kunit *test)
{
	struct tdev *t = test->priv;
	const unsigned long small = map_alone(test, SZ_64K);
	const unsigned long npages = SZ_64K >> PAGE_SHIFT;
	const u64 g = SZ_1G + (small & (SZ_2M - 1)), seed = 0x5eed0001;
	unsigned long i, bad = 0;
	u64 seeds[SZ_64K >> PAGE_SHIFT] = {};

	/* Three pages written from user space, the others never touched. */
	seeds[0] = seed;
	seeds[5] = seed;
	seeds[15] = seed;
	for (i = 0; i < npages; i++)
		if (seeds[i])
			write_user(test, small + P(i), 1, seeds[i]);

	bind(test, small, g, SZ_64K);
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g + P(7), DRM_SVM_ACCESS_READ), 0);

	/* One copy for the whole chunk; holes come as NULL to zero-fill. */
	KUNIT_EXPECT_EQ(test, t->ncopies, 1u);
	KUNIT_EXPECT_EQ(test, t->copy.dir, DRM_SVM_COPY_TO_DEVICE);
	KUNIT_EXPECT_EQ(test, t->copy.npages, npages);
	KUNIT_EXPECT_EQ(test, t->copy.src_null, npages - 3);
	KUNIT_EXPECT_EQ(test, t->copy.dst_null, 0ul);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.pages_to_vram), npages);

	KUNIT_ASSERT_EQ(test, t->nmaps, 1u);
	KUNIT_ASSERT_EQ(test, t->maps[0].ndev, npages);
	KUNIT_ASSERT_TRUE(test, t->maps[0].in_order);
	/* Data where it was written, zeroes (not poison) elsewhere. */
	for (i = 0; i < npages; i++)
		bad += bad_device_pages(t, t->maps[0].first_pfn + i,
					small + P(i), 1, seeds[i]);
	KUNIT_EXPECT_EQ(test, bad, 0ul);

	/* A CPU read brings the chunk back at once, in one copy. */
	bad = 0;
	for (i = 0; i < npages; i++)
		bad += bad_user_pages(test, small + P(i), 1, seeds[i]);
	KUNIT_EXPECT_EQ(test, bad, 0ul);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.cpu_faults), 1ULL);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.pages_to_ram), npages);
	KUNIT_EXPECT_EQ(test, t->ncopies, 2u);
	KUNIT_EXPECT_EQ(test, t->copy.dir, DRM_SVM_COPY_TO_SYSTEM);
	KUNIT_EXPECT_EQ(test, t->copy.npages, npages);
	KUNIT_EXPECT_EQ(test, t->copy.src_null, 0ul);
	KUNIT_EXPECT_EQ(test, drm_svm_devmem_in_use(&t->dm), 0ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->frees), 1);
}

static void drm_test_svm_devmem_round_trip(struct kunit *test)
{
	struct tdev *t = test->priv;
	const u64 g = SZ_1G, seed = 0x5eed0002;
	unsigned int zaps;

	write_user(test, t->uaddr, CHUNK_PAGES, seed);
	bind(test, t->uaddr, g, SZ_2M);
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g + P(100), DRM_SVM_ACCESS_WRITE),
			0);

	KUNIT_EXPECT_EQ(test, t->ncopies, 1u);
	KUNIT_EXPECT_EQ(test, t->copy.npages, CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, t->copy.src_null, 0ul);
	KUNIT_ASSERT_EQ(test, t->nmaps, 1u);
	KUNIT_EXPECT_EQ(test, t->maps[0].npages, CHUNK_PAGES);
	KUNIT_ASSERT_EQ(test, t->maps[0].ndev, CHUNK_PAGES);
	KUNIT_ASSERT_TRUE(test, t->maps[0].in_order);
	KUNIT_EXPECT_TRUE(test, t->maps[0].writable);
	KUNIT_EXPECT_EQ(test, bad_device_pages(t, t->maps[0].first_pfn,
					       t->uaddr, CHUNK_PAGES, seed),
			0ul);
	/*
	 * Moving in for its own fault, the device hears so (and of the THP
	 * split before, a CPU page table change); no DMA is left.
	 */
	KUNIT_EXPECT_EQ(test, t->zap_reasons & ~BIT(DRM_SVM_INVAL_CPU),
			BIT(DRM_SVM_INVAL_MIGRATE_SELF));
	KUNIT_EXPECT_EQ(test, atomic64_read(&t->sdev.dma_pages), 0);

	/* The CPU reads the data back; the GPU mapping goes first. */
	zaps = t->nzaps;
	t->zap_reasons = 0;
	KUNIT_EXPECT_EQ(test, bad_user_pages(test, t->uaddr, CHUNK_PAGES, seed),
			0ul);
	KUNIT_EXPECT_GT(test, t->nzaps, zaps);
	KUNIT_EXPECT_EQ(test, t->zap_reasons, BIT(DRM_SVM_INVAL_MIGRATE));
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.cpu_faults), 1ULL);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.pages_to_ram), CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, t->copy.dir, DRM_SVM_COPY_TO_SYSTEM);
	KUNIT_EXPECT_EQ(test, drm_svm_devmem_in_use(&t->dm), 0ULL);
}

static void drm_test_svm_devmem_partial_unmap(struct kunit *test)
{
	struct tdev *t = test->priv;
	const u64 g = SZ_1G, seed = 0x5eed0003;
	const unsigned long half = CHUNK_PAGES / 2;

	write_user(test, t->uaddr, CHUNK_PAGES, seed);
	bind(test, t->uaddr, g, SZ_2M);
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g, DRM_SVM_ACCESS_READ), 0);
	KUNIT_ASSERT_EQ(test, t->maps[0].ndev, CHUNK_PAGES);

	/*
	 * Half of the chunk is unmapped: the other half moves back to
	 * system memory, so that the whole block is given back.
	 */
	KUNIT_ASSERT_EQ(test, vm_munmap(t->uaddr, SZ_1M), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_devmem_in_use(&t->dm), 0ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->frees), 1);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.pages_to_ram), half);
	KUNIT_EXPECT_EQ(test, t->copy.dir, DRM_SVM_COPY_TO_SYSTEM);
	KUNIT_EXPECT_EQ(test, t->copy.npages - t->copy.dst_null, half);

	/* The data is intact, and reading it faults nothing. */
	KUNIT_EXPECT_EQ(test, bad_user_pages(test, t->uaddr + SZ_1M, half,
					     seed), 0ul);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.cpu_faults), 0ULL);
}

/* Wait up to 10 s for @n pages to have moved to system memory. */
static u64 wait_pages_to_ram(struct tdev *t, u64 n)
{
	unsigned long end = jiffies + 10 * HZ;

	while (counter(&t->sdev.counters.pages_to_ram) < n &&
	       time_before(jiffies, end))
		usleep_range(10000, 20000);
	return counter(&t->sdev.counters.pages_to_ram);
}

/* Jiffies since @t: negative while @t is still to come. */
static long since(unsigned long t)
{
	return (long)(jiffies - t);
}

/*
 * Each block that loses a page waits its own delay before the rest moves
 * out, counted from its own loss: the release that is due for the first
 * block must not take the second, which lost its page 2 s later (its
 * other pages could still be going, as in a munmap() under way).
 */
static void drm_test_svm_devmem_release_quiet(struct kunit *test)
{
	struct tdev *t = test->priv;
	const u64 g = SZ_1G, seed = 0x5eed0004;
	const unsigned long rest = CHUNK_PAGES - 1;
	unsigned long x = t->uaddr, y = t->uaddr + SZ_2M, tx, ty;

	t->dm.release_delay = 3 * HZ;
	write_user(test, x, 2 * CHUNK_PAGES, seed);
	bind(test, x, g, SZ_4M);
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g, DRM_SVM_ACCESS_READ), 0);
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g + SZ_2M, DRM_SVM_ACCESS_READ), 0);
	KUNIT_ASSERT_EQ(test, t->nmaps, 2u);
	KUNIT_ASSERT_EQ(test, t->maps[0].ndev, CHUNK_PAGES);
	KUNIT_ASSERT_EQ(test, t->maps[1].ndev, CHUNK_PAGES);

	tx = jiffies;
	KUNIT_ASSERT_EQ(test, vm_munmap(x, PAGE_SIZE), 0);
	msleep(2000);
	ty = jiffies;
	KUNIT_ASSERT_EQ(test, vm_munmap(y, PAGE_SIZE), 0);

	/* Each block's rest moves out, and not before its own delay. */
	KUNIT_ASSERT_GE(test, wait_pages_to_ram(t, rest), (u64)rest);
	KUNIT_EXPECT_GE(test, since(tx + t->dm.release_delay), 0L);
	KUNIT_ASSERT_EQ(test, wait_pages_to_ram(t, 2 * rest), (u64)2 * rest);
	KUNIT_EXPECT_GE(test, since(ty + t->dm.release_delay), 0L);

	KUNIT_EXPECT_EQ(test, bad_user_pages(test, x + PAGE_SIZE, rest, seed),
			0ul);
	KUNIT_EXPECT_EQ(test, bad_user_pages(test, y + PAGE_SIZE, rest, seed),
			0ul);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.cpu_faults), 0ULL);
	KUNIT_EXPECT_EQ(test, drm_svm_devmem_in_use(&t->dm), 0ULL);
}

/*
 * A device page that a migration left unused but not yet freed: a
 * reference taken by the copy of A's move in (as a racing
 * migrate_device_range() takes one) keeps the page, and one on its system
 * page makes that page stay. The eviction for B then finds the empty
 * page unlocked, and the reference goes during the eviction's copy, as
 * the migration's last put would: it must not move that page.
 */
static void drm_test_svm_devmem_evict_empty(struct kunit *test)
{
	struct tdev *t = test->priv;
	const u64 g = SZ_1G, seed = 0x5eed0004;
	const unsigned long a = t->uaddr, b = a + SZ_2M;

	t->limit = CHUNK_PAGES;
	write_user(test, a, CHUNK_PAGES, seed);
	write_user(test, b, CHUNK_PAGES, seed + 1);
	bind(test, a, g, 2 * SZ_2M);
	t->hold_next = true;
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g, DRM_SVM_ACCESS_READ), 0);
	KUNIT_ASSERT_NOT_NULL(test, t->held_dev);
	put_page(t->held_sys);
	t->held_sys = NULL;
	KUNIT_ASSERT_EQ(test, t->maps[0].ndev, CHUNK_PAGES - 1);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.pages_to_vram),
			CHUNK_PAGES - 1);

	/* B evicts A: the pages that hold data move, the empty one stays. */
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g + SZ_2M, DRM_SVM_ACCESS_READ), 0);
	KUNIT_EXPECT_NULL(test, t->held_dev);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.evictions), 1ULL);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.pages_to_ram),
			CHUNK_PAGES - 1);
	KUNIT_ASSERT_EQ(test, t->nmaps, 2u);
	KUNIT_EXPECT_EQ(test, t->maps[1].ndev, CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, drm_svm_devmem_in_use(&t->dm), (u64)SZ_2M);

	/* A is whole in system memory: reading it faults nothing. */
	KUNIT_EXPECT_EQ(test, bad_user_pages(test, a, CHUNK_PAGES, seed), 0ul);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.cpu_faults), 0ULL);
	KUNIT_EXPECT_EQ(test, bad_device_pages(t, t->maps[1].first_pfn, b,
					       CHUNK_PAGES, seed + 1), 0ul);
}

/* Device memory for two 2M chunks; three chunks A, B, C with data. */
static void setup_three_chunks(struct kunit *test, u64 g, u64 seed)
{
	struct tdev *t = test->priv;
	unsigned int i;

	t->limit = 2 * CHUNK_PAGES;
	for (i = 0; i < 3; i++)
		write_user(test, t->uaddr + i * SZ_2M, CHUNK_PAGES, seed + i);
	bind(test, t->uaddr, g, 3 * SZ_2M);
}

static void drm_test_svm_devmem_evict_lru(struct kunit *test)
{
	struct tdev *t = test->priv;
	const u64 g = SZ_1G, seed = 0x5eed0010;
	const unsigned long a = t->uaddr, b = a + SZ_2M, c = b + SZ_2M;

	setup_three_chunks(test, g, seed);
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g, DRM_SVM_ACCESS_READ), 0);
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g + SZ_2M, DRM_SVM_ACCESS_READ), 0);
	/* A is used again: B is now the least recently used. */
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g + P(1), DRM_SVM_ACCESS_READ), 0);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.evictions), 0ULL);
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g + 2 * SZ_2M, DRM_SVM_ACCESS_READ),
			0);

	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.evictions), 1ULL);
	KUNIT_EXPECT_EQ(test, counter(&proc(t)->evictions), 1ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->allocs), 3);
	KUNIT_EXPECT_EQ(test, drm_svm_devmem_in_use(&t->dm), (u64)SZ_4M);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->frees), 1);
	KUNIT_ASSERT_EQ(test, t->nmaps, 4u);
	KUNIT_EXPECT_EQ(test, t->maps[2].ndev, CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, t->maps[2].first_pfn, t->maps[0].first_pfn);
	/* C went where B was, with its own data. */
	KUNIT_EXPECT_EQ(test, t->maps[3].ndev, CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, t->maps[3].first_pfn, t->maps[1].first_pfn);
	KUNIT_EXPECT_EQ(test, bad_device_pages(t, t->maps[3].first_pfn, c,
					       CHUNK_PAGES, seed + 2), 0ul);

	/* B is back in system memory, intact: reading it faults nothing. */
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.pages_to_ram), CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, bad_user_pages(test, b, CHUNK_PAGES, seed + 1),
			0ul);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.cpu_faults), 0ULL);
	/* A stayed in device memory. */
	KUNIT_EXPECT_EQ(test, bad_user_pages(test, a, CHUNK_PAGES, seed), 0ul);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.cpu_faults), 1ULL);
}

/*
 * Two 2M regions each hold one 64K block, the first region's least
 * recently used; a 2M chunk then needs a whole region. Eviction frees
 * the first region only: one eviction, the second block stays.
 */
static void drm_test_svm_devmem_evict_region(struct kunit *test)
{
	const unsigned long piece = SZ_64K, pieces = 2 * SZ_2M / SZ_64K;
	const u64 g = SZ_1G, seed = 0x5eed0050;
	struct tdev *t = test->priv;
	unsigned long a = t->uaddr, k, kept = a + pieces / 2 * piece;

	t->limit = 2 * CHUNK_PAGES;
	/* 64K VMAs, which do not merge: every other one is MAP_NORESERVE. */
	for (k = 0; k < pieces; k++)
		KUNIT_ASSERT_EQ(test, kunit_vm_mmap(test, NULL, a + k * piece,
						    piece,
						    PROT_READ | PROT_WRITE,
						    MAP_ANONYMOUS | MAP_PRIVATE |
						    MAP_FIXED |
						    (k & 1 ? MAP_NORESERVE : 0),
						    0),
				a + k * piece);
	write_user(test, a, 3 * CHUNK_PAGES, seed);
	bind(test, a, g, 3 * SZ_2M);

	/* First fit: pieces 0-31 fill the first region, 32-63 the second. */
	for (k = 0; k < pieces; k++)
		KUNIT_ASSERT_EQ(test, gpu_fault(t, g + k * piece,
						DRM_SVM_ACCESS_READ), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_devmem_in_use(&t->dm), (u64)SZ_4M);
	for (k = 1; k < pieces; k++)
		if (a + k * piece != kept)
			KUNIT_ASSERT_EQ(test, vm_munmap(a + k * piece, piece), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_devmem_in_use(&t->dm), (u64)2 * SZ_64K);

	t->nmaps = 0;
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g + 2 * SZ_2M, DRM_SVM_ACCESS_READ),
			0);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.evictions), 1ULL);
	KUNIT_EXPECT_EQ(test, drm_svm_devmem_in_use(&t->dm),
			(u64)SZ_2M + SZ_64K);
	KUNIT_ASSERT_EQ(test, t->nmaps, 1u);
	KUNIT_EXPECT_EQ(test, t->maps[0].ndev, CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.pages_to_ram),
			(u64)(SZ_64K >> PAGE_SHIFT));

	/* Both 64K blocks' data is right, wherever it is now. */
	KUNIT_EXPECT_EQ(test, bad_user_pages(test, a, SZ_64K >> PAGE_SHIFT,
					     seed), 0ul);
	KUNIT_EXPECT_EQ(test, bad_user_pages(test, kept, SZ_64K >> PAGE_SHIFT,
					     seed), 0ul);
}

static void drm_test_svm_devmem_batch_pinned(struct kunit *test)
{
	struct tdev *t = test->priv;
	const u64 g = SZ_1G, seed = 0x5eed0020;
	struct drm_svm_fault faults[3] = {
		{ .addr = g + 2 * SZ_2M, .access = DRM_SVM_ACCESS_READ },
		{ .addr = g, .access = DRM_SVM_ACCESS_READ },
		{ .addr = g + SZ_2M, .access = DRM_SVM_ACCESS_READ },
	};

	setup_three_chunks(test, g, seed);
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_fault(&t->mirror, faults, 3), 0);

	/* A and B fill the memory; C cannot evict them and stays put. */
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.evictions), 0ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->allocs), 2);
	KUNIT_EXPECT_EQ(test, drm_svm_devmem_in_use(&t->dm), (u64)SZ_4M);
	KUNIT_ASSERT_EQ(test, t->nmaps, 3u);
	KUNIT_EXPECT_EQ(test, t->maps[0].ndev, CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, t->maps[1].ndev, CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, t->maps[2].start, g + 2 * SZ_2M);
	KUNIT_EXPECT_EQ(test, t->maps[2].npages, CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, t->maps[2].ndev, 0ul);

	KUNIT_EXPECT_EQ(test, bad_device_pages(t, t->maps[0].first_pfn,
					       t->uaddr, CHUNK_PAGES, seed),
			0ul);
	KUNIT_EXPECT_EQ(test, bad_device_pages(t, t->maps[1].first_pfn,
					       t->uaddr + SZ_2M, CHUNK_PAGES,
					       seed + 1), 0ul);
	KUNIT_EXPECT_EQ(test, bad_user_pages(test, t->uaddr + 2 * SZ_2M,
					     CHUNK_PAGES, seed + 2), 0ul);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.cpu_faults), 0ULL);
}

static void drm_test_svm_devmem_copy_fail(struct kunit *test)
{
	struct tdev *t = test->priv;
	const u64 g = SZ_1G, seed = 0x5eed0030;

	write_user(test, t->uaddr, CHUNK_PAGES, seed);
	bind(test, t->uaddr, g, SZ_2M);
	atomic_set(&t->fail_copy, 1);
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g, DRM_SVM_ACCESS_WRITE), 0);

	/* Nothing moved: mapped from system memory, the block given back. */
	KUNIT_EXPECT_EQ(test, t->ncopies, 1u);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.pages_to_vram), 0ULL);
	KUNIT_ASSERT_EQ(test, t->nmaps, 1u);
	KUNIT_EXPECT_EQ(test, t->maps[0].npages, CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, t->maps[0].ndev, 0ul);
	KUNIT_EXPECT_EQ(test, drm_svm_devmem_in_use(&t->dm), 0ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->frees), 1);
	KUNIT_EXPECT_EQ(test, bad_user_pages(test, t->uaddr, CHUNK_PAGES, seed),
			0ul);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.cpu_faults), 0ULL);

	/* The next fault moves it, data and all. */
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g, DRM_SVM_ACCESS_WRITE), 0);
	KUNIT_ASSERT_EQ(test, t->nmaps, 2u);
	KUNIT_ASSERT_EQ(test, t->maps[1].ndev, CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, bad_device_pages(t, t->maps[1].first_pfn,
					       t->uaddr, CHUNK_PAGES, seed),
			0ul);
}

static void drm_test_svm_devmem_alloc_fail(struct kunit *test)
{
	struct tdev *t = test->priv;
	const u64 g = SZ_1G, seed = 0x5eed0040;
	const unsigned long a = t->uaddr, b = a + SZ_2M;

	write_user(test, a, 2 * CHUNK_PAGES, seed);
	bind(test, a, g, SZ_4M);

	/* A round trip first, so device memory holds nothing to evict. */
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g, DRM_SVM_ACCESS_READ), 0);
	KUNIT_ASSERT_EQ(test, bad_user_pages(test, a, CHUNK_PAGES, seed), 0ul);
	KUNIT_ASSERT_EQ(test, drm_svm_devmem_in_use(&t->dm), 0ULL);

	/* Full, nothing to evict: one try, then B is mapped where it is. */
	atomic_set(&t->alloc_calls, 0);
	atomic_set(&t->fail_alloc, 100);
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g + SZ_2M, DRM_SVM_ACCESS_READ), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->alloc_calls), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->allocs), 1);
	KUNIT_EXPECT_EQ(test, t->ncopies, 2u);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.evictions), 0ULL);
	KUNIT_ASSERT_EQ(test, t->nmaps, 2u);
	KUNIT_EXPECT_EQ(test, t->maps[1].npages, CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, t->maps[1].ndev, 0ul);
	KUNIT_EXPECT_EQ(test, drm_svm_devmem_in_use(&t->dm), 0ULL);
	KUNIT_EXPECT_EQ(test, bad_user_pages(test, b, CHUNK_PAGES, seed), 0ul);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.cpu_faults), 1ULL);
}

static void drm_test_svm_devmem_fini(struct kunit *test)
{
	struct tdev *t = test->priv;
	const u64 g = SZ_1G, seed = 0x5eed0050;
	const unsigned long small = map_alone(test, SZ_64K);

	write_user(test, t->uaddr, CHUNK_PAGES, seed);
	write_user(test, small, SZ_64K >> PAGE_SHIFT, seed + 1);
	bind(test, t->uaddr, g, SZ_2M);
	bind(test, small, SZ_2G + (small & (SZ_2M - 1)), SZ_64K);
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g, DRM_SVM_ACCESS_READ), 0);
	KUNIT_ASSERT_EQ(test, gpu_fault(t, SZ_2G + (small & (SZ_2M - 1)),
					DRM_SVM_ACCESS_READ), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_devmem_in_use(&t->dm),
			(u64)SZ_2M + SZ_64K);

	/* The device goes away with pages still in its memory. */
	drm_svm_mirror_close(&t->mirror);
	drm_svm_devmem_fini(&t->dm);
	t->dm_live = false;

	KUNIT_EXPECT_NULL(test, t->sdev.devmem);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->frees), 2);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.vram_pages), 0ULL);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.pages_to_ram),
			CHUNK_PAGES + (SZ_64K >> PAGE_SHIFT));
	KUNIT_EXPECT_EQ(test, bad_user_pages(test, t->uaddr, CHUNK_PAGES, seed),
			0ul);
	KUNIT_EXPECT_EQ(test, bad_user_pages(test, small, SZ_64K >> PAGE_SHIFT,
					     seed + 1), 0ul);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.cpu_faults), 0ULL);
}

/* Runs drm_svm_devmem_fini() of a test device on its own thread */
struct fini_thread {
	struct tdev *t;
	struct completion done;
};

static int fini_thread_fn(void *data)
{
	struct fini_thread *ft = data;

	drm_svm_devmem_fini(&ft->t->dm);
	complete(&ft->done);
	return 0;
}

static void drm_test_svm_devmem_fini_held(struct kunit *test)
{
	struct tdev *t = test->priv;
	struct fini_thread ft = { .t = t };
	const u64 g = SZ_1G, seed = 0x5eed0051;
	struct task_struct *task;
	struct page *page;

	write_user(test, t->uaddr, CHUNK_PAGES, seed);
	bind(test, t->uaddr, g, SZ_2M);
	KUNIT_ASSERT_EQ(test, gpu_fault(t, g, DRM_SVM_ACCESS_READ), 0);
	KUNIT_ASSERT_EQ(test, t->maps[0].ndev, CHUNK_PAGES);
	drm_svm_mirror_close(&t->mirror);

	/*
	 * A device page held, as by a pin, while the device goes away, and
	 * an allocator slow to take blocks back.
	 */
	t->free_delay_ms = 200;
	page = pfn_to_page(t->maps[0].first_pfn);
	get_page(page);
	init_completion(&ft.done);
	task = kthread_run(fini_thread_fn, &ft, "devmem_fini_held");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&ft.done, HZ / 2),
			0ul);

	/* The CPU mapping goes, then the hold: the last page is freed. */
	KUNIT_EXPECT_EQ(test, vm_munmap(t->uaddr, SZ_2M), 0);
	put_page(page);
	wait_for_completion(&ft.done);
	t->dm_live = false;

	/* When fini returns, the driver has every block back. */
	KUNIT_EXPECT_EQ(test, atomic_read(&t->frees), atomic_read(&t->allocs));
	KUNIT_EXPECT_EQ(test, atomic_read(&t->bad_frees), 0);
	KUNIT_EXPECT_EQ(test, counter(&t->sdev.counters.vram_pages), 0ULL);
}

static struct kunit_case drm_svm_devmem_tests[] = {
	KUNIT_CASE(drm_test_svm_devmem_chunk_2m),
	KUNIT_CASE(drm_test_svm_devmem_chunk_64k),
	KUNIT_CASE(drm_test_svm_devmem_batch_collect),
	KUNIT_CASE(drm_test_svm_devmem_round_trip),
	KUNIT_CASE(drm_test_svm_devmem_partial_unmap),
	KUNIT_CASE_SLOW(drm_test_svm_devmem_release_quiet),
	KUNIT_CASE(drm_test_svm_devmem_evict_empty),
	KUNIT_CASE(drm_test_svm_devmem_evict_lru),
	KUNIT_CASE(drm_test_svm_devmem_batch_pinned),
	KUNIT_CASE(drm_test_svm_devmem_evict_region),
	KUNIT_CASE(drm_test_svm_devmem_copy_fail),
	KUNIT_CASE(drm_test_svm_devmem_alloc_fail),
	KUNIT_CASE(drm_test_svm_devmem_fini),
	KUNIT_CASE(drm_test_svm_devmem_fini_held),
	{}
};

static struct kunit_suite drm_svm_devmem_suite = {
	.name = "drm_svm_devmem",
	.init = devmem_test_init,
	.exit = devmem_test_exit,
	.test_cases = drm_svm_devmem_tests,
};

/*
 * The cases that must hold when no allocation that cannot sleep succeeds.
 * At load they run as any other; the guest runs this suite again through
 * its debugfs "run" file with failslab failing such allocations made
 * through drm_svm (a fault batch keeps its blocks without allocating).
 */
static struct kunit_case drm_svm_devmem_nowait_tests[] = {
	KUNIT_CASE(drm_test_svm_devmem_batch_pinned),
	KUNIT_CASE(drm_test_svm_devmem_evict_lru),
	{}
};

static struct kunit_suite drm_svm_devmem_nowait_suite = {
	.name = "drm_svm_devmem_nowait",
	.init = devmem_test_init,
	.exit = devmem_test_exit,
	.test_cases = drm_svm_devmem_nowait_tests,
};

kunit_test_suites(&drm_svm_devmem_suite, &drm_svm_devmem_nowait_suite);

MODULE_DESCRIPTION("KUnit tests for DRM shared virtual memory device memory");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for drm_svm mirrors: bind split/merge, fault batching and
 * invalidation, and the user fences of work on a mirror, on real user
 * memory of the test's own mm.
 *
 * Copyright © 2026 The drm_svm authors
 */

#include <kunit/test.h>
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/hmm.h>
#include <linux/mman.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_kunit_helpers.h>
#include <drm/drm_svm.h>
#include <uapi/drm/drm_svm.h>

#include "../drm_svm_internal.h"

#define MAX_CALLS 64

struct call {
	u64 start, end;		/* GPU range */
	unsigned int order;
	enum drm_svm_inval_reason reason;	/* invalidate */
	bool writable;		/* map: the first page's write permission */
	bool pmd_folio;		/* map: the first page is in a PMD-sized folio */
	bool contiguous;	/* map: the addresses follow each other */
};

/* A fake driver that records what the core asks of it. */
struct fake {
	struct drm_device drm;
	struct drm_svm_device sdev;
	struct drm_svm_mirror mirror;
	struct kunit *test;
	struct call maps[MAX_CALLS], zaps[MAX_CALLS];
	unsigned int nmaps, nzaps;
	/* 'I' per invalidate, 'W' per invalidate_wait, and dma_pages then */
	char events[MAX_CALLS];
	u64 events_dma[MAX_CALLS];
	unsigned int nevents;
	bool freed;
	unsigned long uaddr;	/* 2M-aligned user memory */
};

static struct fake *to_fake(struct drm_svm_mirror *mirror)
{
	return container_of(mirror, struct fake, mirror);
}

static struct drm_svm_mirror *fake_vm_alloc(struct drm_svm_device *sdev)
{
	return &container_of(sdev, struct fake, sdev)->mirror;
}

static void fake_vm_free(struct drm_svm_mirror *mirror)
{
	to_fake(mirror)->freed = true;
}

static void fake_event(struct fake *f, char what)
{
	if (f->nevents < MAX_CALLS) {
		f->events[f->nevents] = what;
		f->events_dma[f->nevents] = atomic64_read(&f->sdev.dma_pages);
	}
	f->nevents++;
}

static void fake_invalidate(struct drm_svm_mirror *mirror, u64 start, u64 end,
			    enum drm_svm_inval_reason reason)
{
	struct fake *f = to_fake(mirror);

	fake_event(f, 'I');
	if (f->nzaps < MAX_CALLS)
		f->zaps[f->nzaps] = (struct call){ .start = start, .end = end,
						   .reason = reason };
	f->nzaps++;
}

static void fake_invalidate_wait(struct drm_svm_mirror *mirror)
{
	fake_event(to_fake(mirror), 'W');
}

/* The system page a DMA address of the fake device reaches, or NULL */
static struct page *fake_dma_page(struct fake *f, u64 addr)
{
	phys_addr_t phys = dma_to_phys(f->drm.dev, addr);

	return pfn_valid(PHYS_PFN(phys)) ? pfn_to_page(PHYS_PFN(phys)) : NULL;
}

static int fake_map(struct drm_svm_mirror *mirror, u64 gpu_addr,
		    const struct drm_svm_addr *addrs, unsigned long npages,
		    unsigned int order, u32 flags)
{
	struct fake *f = to_fake(mirror);
	struct page *page = fake_dma_page(f, addrs[0].addr);
	bool contiguous = true;
	unsigned long i;

	for (i = 0; i < npages; i++) {
		KUNIT_EXPECT_EQ(f->test, addrs[i].kind, DRM_SVM_ADDR_SYSTEM);
		KUNIT_EXPECT_NOT_NULL(f->test, fake_dma_page(f, addrs[i].addr));
		contiguous &= addrs[i].addr == addrs[0].addr + i * PAGE_SIZE;
	}
	if (f->nmaps < MAX_CALLS && page)
		f->maps[f->nmaps] = (struct call){
			.start = gpu_addr,
			.end = gpu_addr + npages * PAGE_SIZE,
			.order = order,
			.writable = addrs[0].write,
			.pmd_folio = folio_order(page_folio(page)) == PMD_ORDER,
			.contiguous = contiguous,
		};
	f->nmaps++;
	return 0;
}

static const struct drm_svm_ops fake_ops = {
	.vm_alloc = fake_vm_alloc,
	.vm_free = fake_vm_free,
	.invalidate = fake_invalidate,
	.invalidate_wait = fake_invalidate_wait,
	.map = fake_map,
};

static const unsigned long fake_chunks[] = { SZ_2M, SZ_64K, SZ_4K };

/* A counter of the core, as the device's statistics file shows it. */
static u64 ctr(const atomic64_t *v)
{
	return atomic64_read(v);
}

static int mirror_test_init(struct kunit *test)
{
	struct drm_svm_mirror *mirror;
	struct device *dev;
	struct fake *f;
	unsigned long uaddr;

	dev = drm_kunit_helper_alloc_device(test);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	/* The core maps system pages for the device with the DMA API. */
	dev->dma_mask = &dev->coherent_dma_mask;
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)),
			0);
	f = drm_kunit_helper_alloc_drm_device(test, dev, struct fake, drm,
					      DRIVER_GEM);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	f->test = test;

	/* 8M of anonymous memory gives a 2M-aligned 4M window inside. */
	uaddr = kunit_vm_mmap(test, NULL, 0, SZ_8M, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE(test, uaddr, 0);
	f->uaddr = ALIGN(uaddr, SZ_2M);

	KUNIT_ASSERT_EQ(test, drm_svm_device_init(&f->sdev, &f->drm, &fake_ops,
						  fake_chunks, 3, SZ_1G * 128ULL),
			0);
	mirror = drm_svm_mirror_create(&f->sdev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mirror);
	test->priv = f;
	return 0;
}

static void mirror_test_exit(struct kunit *test)
{
	struct fake *f = test->priv;

	drm_svm_mirror_close(&f->mirror);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->sdev.dma_pages), 0);
	drm_svm_mirror_put(&f->mirror);
	KUNIT_EXPECT_TRUE(test, f->freed);
}

/* Expect exactly these bindings, as (gpu, cpu, size) triples. */
static void expect_bindings(struct kunit *test, const u64 (*want)[3],
			    unsigned int n)
{
	struct fake *f = test->priv;
	struct drm_gpuva *va;
	unsigned int i = 0;

	drm_gpuvm_for_each_va(va, &f->mirror.gpuvm) {
		KUNIT_ASSERT_LT(test, i, n);
		KUNIT_EXPECT_EQ(test, va->va.addr, want[i][0]);
		KUNIT_EXPECT_EQ(test, va->gem.offset, want[i][1]);
		KUNIT_EXPECT_EQ(test, va->va.range, want[i][2]);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, n);
}

#define P(n) ((u64)(n) * PAGE_SIZE)

static void drm_test_svm_bind_split(struct kunit *test)
{
	struct fake *f = test->priv;
	struct drm_svm_mirror *m = &f->mirror;
	const u64 g = SZ_1G, c = f->uaddr;
	const u64 whole[][3] = { { g, c, P(16) } };
	const u64 cut[][3] = { { g, c, P(4) }, { g + P(8), c + P(8), P(8) } };
	const u64 over[][3] = { { g, c, P(2) }, { g + P(2), c + P(100), P(8) },
				{ g + P(10), c + P(10), P(6) } };

	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, c, g, P(16), 0), 0);
	expect_bindings(test, whole, ARRAY_SIZE(whole));
	KUNIT_EXPECT_EQ(test, f->nzaps, 0u);

	/* Unbinding the middle leaves two pieces with matching CPU addresses. */
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_unbind(m, g + P(4), P(4)), 0);
	expect_bindings(test, cut, ARRAY_SIZE(cut));
	KUNIT_ASSERT_EQ(test, f->nzaps, 1u);
	KUNIT_EXPECT_EQ(test, f->zaps[0].start, g + P(4));
	KUNIT_EXPECT_EQ(test, f->zaps[0].end, g + P(8));

	/* A bind over both pieces' ends replaces what it covers. */
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, c + P(100), g + P(2),
						  P(8), 0), 0);
	expect_bindings(test, over, ARRAY_SIZE(over));

	/* Unbinding everything removes all bindings from the CPU tree too. */
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_unbind(m, 0, SZ_1G * 2ULL), 0);
	expect_bindings(test, NULL, 0);
	KUNIT_EXPECT_TRUE(test, RB_EMPTY_ROOT(&m->svm_mm->cpu_tree.rb_root));
}

static void drm_test_svm_bind_invalid(struct kunit *test)
{
	struct fake *f = test->priv;
	struct drm_svm_mirror *m = &f->mirror;
	const u64 c = f->uaddr;

	KUNIT_EXPECT_EQ(test, drm_svm_mirror_bind(m, c, SZ_1G, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_bind(m, c + 1, SZ_1G, P(1), 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_bind(m, c, SZ_1G + 1, P(1), 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_bind(m, c, SZ_1G, P(1), 1u << 31),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_bind(m, c, -P(1), P(2), 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_bind(m, -P(1), SZ_1G, P(2), 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_bind(m, c, SZ_1G * 128ULL, P(1),
						  0), -EINVAL);
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_unbind(m, SZ_1G, 0), -EINVAL);
	expect_bindings(test, NULL, 0);
}

static struct drm_svm_fault fault(u64 addr, u32 access)
{
	return (struct drm_svm_fault){ .addr = addr, .access = access,
				       .error = 1 };
}

static void drm_test_svm_fault_batch(struct kunit *test)
{
	struct fake *f = test->priv;
	struct drm_svm_mirror *m = &f->mirror;
	const u64 g = SZ_1G;
	struct drm_svm_fault faults[8];
	unsigned int i;

	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, f->uaddr, g, SZ_4M, 0), 0);

	/* Eight reads in two 2M chunks, reported out of order. */
	faults[0] = fault(g + SZ_2M + P(7), DRM_SVM_ACCESS_READ);
	faults[1] = fault(g + P(3), DRM_SVM_ACCESS_READ);
	faults[2] = fault(g + SZ_2M - P(1), DRM_SVM_ACCESS_READ);
	faults[3] = fault(g, DRM_SVM_ACCESS_READ);
	faults[4] = fault(g + SZ_4M - P(1), DRM_SVM_ACCESS_READ);
	faults[5] = fault(g + P(3) + 17, DRM_SVM_ACCESS_READ);
	faults[6] = fault(g + SZ_2M, DRM_SVM_ACCESS_READ);
	faults[7] = fault(g + SZ_1M, DRM_SVM_ACCESS_READ);

	KUNIT_EXPECT_EQ(test, drm_svm_mirror_fault(m, faults, 8), 0);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, faults[i].error, 0);
	for (i = 1; i < 8; i++)
		KUNIT_EXPECT_LE(test, faults[i - 1].addr, faults[i].addr);

	KUNIT_ASSERT_EQ(test, f->nmaps, 2u);
	KUNIT_EXPECT_EQ(test, f->maps[0].start, g);
	KUNIT_EXPECT_EQ(test, f->maps[0].end, g + SZ_2M);
	KUNIT_EXPECT_EQ(test, f->maps[1].start, g + SZ_2M);
	KUNIT_EXPECT_EQ(test, f->maps[1].end, g + SZ_4M);
	/* Never-touched memory reads as the zero page: not writable. */
	KUNIT_EXPECT_FALSE(test, f->maps[0].writable);
	KUNIT_EXPECT_EQ(test, ctr(&m->sdev->counters.gpu_faults), 8u);
	KUNIT_EXPECT_EQ(test, ctr(&m->sdev->counters.chunks), 2u);

	/* A write needs the chunk again, writable this time. */
	faults[0] = fault(g + P(9), DRM_SVM_ACCESS_WRITE);
	faults[1] = fault(g + P(10), DRM_SVM_ACCESS_READ);
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_fault(m, faults, 2), 0);
	KUNIT_ASSERT_EQ(test, f->nmaps, 3u);
	KUNIT_EXPECT_EQ(test, f->maps[2].start, g);
	KUNIT_EXPECT_TRUE(test, f->maps[2].writable);
}

/*
 * One set of counters: what a fault batch and an unbind count on the
 * device counts the same in the process's set on that device.
 */
static void drm_test_svm_counters(struct kunit *test)
{
	struct fake *f = test->priv;
	struct drm_svm_mirror *m = &f->mirror;
	struct drm_svm_counters *dev = &m->sdev->counters;
	struct drm_svm_counters *proc = &m->svm_mm->counters[m->sdev->id];
	const u64 g = SZ_1G;
	struct drm_svm_fault faults[3];

	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, f->uaddr, g, SZ_4M, 0), 0);
	KUNIT_EXPECT_EQ(test, ctr(&proc->gpu_faults), 0u);
	KUNIT_EXPECT_EQ(test, ctr(&proc->invalidations), 0u);

	faults[0] = fault(g, DRM_SVM_ACCESS_READ);
	faults[1] = fault(g + P(5), DRM_SVM_ACCESS_READ);
	faults[2] = fault(g + SZ_2M, DRM_SVM_ACCESS_READ);
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_fault(m, faults, 3), 0);
	KUNIT_ASSERT_EQ(test, f->nmaps, 2u);

	KUNIT_EXPECT_EQ(test, ctr(&dev->gpu_faults), 3u);
	KUNIT_EXPECT_EQ(test, ctr(&proc->gpu_faults), 3u);
	KUNIT_EXPECT_EQ(test, ctr(&dev->chunks), 2u);
	KUNIT_EXPECT_EQ(test, ctr(&proc->chunks), 2u);
	KUNIT_EXPECT_EQ(test, ctr(&dev->pages_mapped), SZ_4M >> PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, ctr(&proc->pages_mapped), SZ_4M >> PAGE_SHIFT);

	KUNIT_ASSERT_EQ(test, drm_svm_mirror_unbind(m, g, SZ_4M), 0);
	KUNIT_EXPECT_GE(test, ctr(&dev->invalidations), 1u);
	KUNIT_EXPECT_EQ(test, ctr(&proc->invalidations),
			ctr(&dev->invalidations));
	KUNIT_EXPECT_EQ(test, ctr(&proc->retries), ctr(&dev->retries));
}

/*
 * Faults of one batch on adjacent pages are served together, past a 4 KiB
 * granularity: each run in the largest aligned chunks that start at its
 * next page, and a run ends at a missing page or at another access.
 */
static void drm_test_svm_fault_run(struct kunit *test)
{
	static const struct { u64 start, end; bool writable; } want[] = {
		{ P(1), P(2), false }, { P(2), P(4), false },
		{ P(4), P(8), false }, { P(8), P(9), false },
		{ P(20), P(21), false }, { P(32), P(33), true },
		{ P(33), P(34), false }, { P(40), P(41), false },
		{ P(41), P(42), true },
	};
	const struct drm_svm_attr_set gran = {
		.type = DRM_SVM_ATTR_GRANULARITY,
		.value.granularity = PAGE_SHIFT,
	};
	struct fake *f = test->priv;
	struct drm_svm_mirror *m = &f->mirror;
	struct drm_svm_fault faults[16];
	const u64 g = SZ_1G;
	unsigned int i, n = 0;

	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, f->uaddr, g, SZ_4M, 0), 0);
	mutex_lock(&m->svm_mm->attr_mutex);
	KUNIT_ASSERT_EQ(test, drm_svm_attr_tree_set(&m->svm_mm->attrs, f->uaddr,
						    f->uaddr + SZ_4M - 1,
						    &gran, NULL, NULL, NULL),
			0);
	mutex_unlock(&m->svm_mm->attr_mutex);

	/* Out of order, one page twice: the batch sorts them. */
	for (i = 8; i >= 1; i--)
		faults[n++] = fault(g + P(i), DRM_SVM_ACCESS_READ);
	faults[n++] = fault(g + P(2) + 8, DRM_SVM_ACCESS_READ);
	faults[n++] = fault(g + P(20), DRM_SVM_ACCESS_READ);
	faults[n++] = fault(g + P(33), DRM_SVM_ACCESS_READ);
	faults[n++] = fault(g + P(32), DRM_SVM_ACCESS_WRITE);
	faults[n++] = fault(g + P(40), DRM_SVM_ACCESS_READ);
	faults[n++] = fault(g + P(41), DRM_SVM_ACCESS_WRITE);
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_fault(m, faults, n), 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, faults[i].error, 0);

	KUNIT_ASSERT_EQ(test, f->nmaps, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		KUNIT_EXPECT_EQ(test, f->maps[i].start, g + want[i].start);
		KUNIT_EXPECT_EQ(test, f->maps[i].end, g + want[i].end);
		KUNIT_EXPECT_EQ(test, f->maps[i].writable, want[i].writable);
		KUNIT_EXPECT_EQ(test, f->maps[i].order, 0u);
	}
	KUNIT_EXPECT_EQ(test, ctr(&m->sdev->counters.chunks), ARRAY_SIZE(want));
	KUNIT_EXPECT_EQ(test, ctr(&m->sdev->counters.pages_mapped), 13u);
}

static void drm_test_svm_fault_fatal(struct kunit *test)
{
	struct fake *f = test->priv;
	struct drm_svm_mirror *m = &f->mirror;
	const u64 g = SZ_1G;
	struct drm_svm_fault faults[3];

	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, f->uaddr, g, SZ_2M,
						  DRM_SVM_BIND_FLAG_READONLY),
			0);
	/* Past the binding's end, then a hole below the mmap. */
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, PAGE_SIZE, g + SZ_4M,
						  P(1), 0), 0);

	faults[0] = fault(g + P(1), DRM_SVM_ACCESS_WRITE);
	faults[1] = fault(g + SZ_2M, DRM_SVM_ACCESS_READ);
	faults[2] = fault(g + SZ_4M, DRM_SVM_ACCESS_READ);
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_fault(m, faults, 3), 3);
	KUNIT_EXPECT_EQ(test, faults[0].error, -EPERM);
	KUNIT_EXPECT_EQ(test, faults[1].error, -EFAULT);
	KUNIT_EXPECT_EQ(test, faults[2].error, -EFAULT);
	KUNIT_EXPECT_EQ(test, f->nmaps, 0u);

	/* A read through the read-only binding maps nothing writable. */
	faults[0] = fault(g + P(1), DRM_SVM_ACCESS_READ);
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_fault(m, faults, 1), 0);
	KUNIT_ASSERT_EQ(test, f->nmaps, 1u);
	KUNIT_EXPECT_FALSE(test, f->maps[0].writable);
}

static void drm_test_svm_fault_offset(struct kunit *test)
{
	struct fake *f = test->priv;
	struct drm_svm_mirror *m = &f->mirror;
	/* GPU VA 64K off the CPU's 2M alignment: 64K chunks at most. */
	const u64 g = SZ_1G + SZ_64K;
	struct drm_svm_fault faults[1];

	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, f->uaddr, g, SZ_2M, 0), 0);
	faults[0] = fault(g + SZ_1M, DRM_SVM_ACCESS_READ);
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_fault(m, faults, 1), 0);
	KUNIT_ASSERT_EQ(test, f->nmaps, 1u);
	KUNIT_EXPECT_EQ(test, f->maps[0].start, g + SZ_1M);
	KUNIT_EXPECT_EQ(test, f->maps[0].end - f->maps[0].start, (u64)SZ_64K);
}

static void drm_test_svm_invalidate_munmap(struct kunit *test)
{
	struct fake *f = test->priv;
	struct drm_svm_mirror *m = &f->mirror;
	const u64 g = SZ_1G;
	struct drm_svm_fault faults[1];
	unsigned int i, zaps;
	bool covered = false;

	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, f->uaddr, g, SZ_2M, 0), 0);
	faults[0] = fault(g, DRM_SVM_ACCESS_WRITE);
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_fault(m, faults, 1), 0);

	/*
	 * Unmapping 3 CPU pages must zap their GPU range, and nothing outside
	 * the chunk (a THP is split first, which invalidates all of it).
	 */
	zaps = f->nzaps;
	KUNIT_ASSERT_EQ(test, vm_munmap(f->uaddr + P(5), P(3)), 0);
	KUNIT_ASSERT_GT(test, f->nzaps, zaps);
	KUNIT_ASSERT_LE(test, f->nzaps, MAX_CALLS);
	for (i = zaps; i < f->nzaps; i++) {
		KUNIT_EXPECT_GE(test, f->zaps[i].start, g);
		KUNIT_EXPECT_LE(test, f->zaps[i].end, g + SZ_2M);
		covered |= f->zaps[i].start <= g + P(5) &&
			   f->zaps[i].end >= g + P(8);
	}
	KUNIT_EXPECT_TRUE(test, covered);

	/* The hole now faults fatally; its neighbours still map. */
	faults[0] = fault(g + P(6), DRM_SVM_ACCESS_READ);
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_fault(m, faults, 1), 1);
	KUNIT_EXPECT_EQ(test, faults[0].error, -EFAULT);
	faults[0] = fault(g + P(8), DRM_SVM_ACCESS_READ);
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_fault(m, faults, 1), 0);
}

static u64 dma_pages(struct fake *f)
{
	return atomic64_read(&f->sdev.dma_pages);
}

/* Whether every zap since call @from was for @reason */
static bool zaps_for(struct fake *f, unsigned int from,
		     enum drm_svm_inval_reason reason)
{
	unsigned int i;

	for (i = from; i < f->nzaps && i < MAX_CALLS; i++) {
		if (f->zaps[i].reason != reason)
			return false;
	}
	return f->nzaps > from;
}

static void drm_test_svm_dma(struct kunit *test)
{
	struct fake *f = test->priv;
	struct drm_svm_mirror *m = &f->mirror;
	const u64 g = SZ_1G;
	struct drm_svm_fault faults[2];
	unsigned int zaps;

	/* Every page mapped for the device is DMA-mapped, once. */
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, f->uaddr, g, SZ_4M,
						  DRM_SVM_BIND_FLAG_POPULATE),
			0);
	KUNIT_EXPECT_EQ(test, dma_pages(f), (u64)SZ_4M >> PAGE_SHIFT);

	/* Mapping the chunks again replaces their addresses: no more held. */
	faults[0] = fault(g, DRM_SVM_ACCESS_WRITE);
	faults[1] = fault(g + SZ_2M, DRM_SVM_ACCESS_WRITE);
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_fault(m, faults, 2), 0);
	KUNIT_EXPECT_EQ(test, dma_pages(f), (u64)SZ_4M >> PAGE_SHIFT);

	/* munmap() unmaps at least the pages that went, in the notifier. */
	zaps = f->nzaps;
	KUNIT_ASSERT_EQ(test, vm_munmap(f->uaddr + P(5), P(3)), 0);
	KUNIT_EXPECT_TRUE(test, zaps_for(f, zaps, DRM_SVM_INVAL_CPU));
	KUNIT_EXPECT_LE(test, dma_pages(f), ((u64)SZ_4M >> PAGE_SHIFT) - 3);

	/* Unbinding unmaps the rest. */
	zaps = f->nzaps;
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_unbind(m, g, SZ_4M), 0);
	KUNIT_EXPECT_TRUE(test, zaps_for(f, zaps, DRM_SVM_INVAL_UNBIND));
	KUNIT_EXPECT_EQ(test, dma_pages(f), 0);
	KUNIT_EXPECT_TRUE(test, RB_EMPTY_ROOT(&m->dma_chunks.rb_root));
}

/*
 * One CPU range bound twice: an munmap() starts both zaps before it waits
 * for either, and unmaps the DMA addresses of each binding only after the
 * wait for its mirror: all are mapped at the first wait, the first
 * binding's are gone at the second.
 */
static void drm_test_svm_invalidate_two_pass(struct kunit *test)
{
	struct fake *f = test->priv;
	struct drm_svm_mirror *m = &f->mirror;
	const u64 g = SZ_1G, both = 2 * (SZ_2M >> PAGE_SHIFT);
	struct drm_svm_fault faults[2];
	unsigned int from, i;

	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, f->uaddr, g, SZ_2M, 0), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, f->uaddr, g + SZ_4M, SZ_2M,
						  0), 0);
	faults[0] = fault(g, DRM_SVM_ACCESS_WRITE);
	faults[1] = fault(g + SZ_4M, DRM_SVM_ACCESS_WRITE);
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_fault(m, faults, 2), 0);
	KUNIT_ASSERT_EQ(test, dma_pages(f), both);

	from = f->nevents;
	KUNIT_ASSERT_EQ(test, vm_munmap(f->uaddr, SZ_2M), 0);
	KUNIT_ASSERT_EQ(test, f->nevents - from, 4u);
	KUNIT_ASSERT_LE(test, f->nevents, MAX_CALLS);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, f->events[from + i], i < 2 ? 'I' : 'W');
		KUNIT_EXPECT_EQ(test, f->events_dma[from + i],
				i < 3 ? both : both / 2);
	}
	KUNIT_EXPECT_EQ(test, dma_pages(f), 0);
}

/* Run the window's invalidation over [start, end) as the mm would. */
static bool window_invalidate(struct fake *f, unsigned long start,
			      unsigned long end, bool blockable)
{
	struct drm_svm_window *window =
		drm_svm_window_get(f->mirror.svm_mm, start);
	struct mmu_notifier_range range = {
		.mm = current->mm,
		.start = start,
		.end = end,
		.event = MMU_NOTIFY_CLEAR,
		.flags = blockable ? MMU_NOTIFIER_RANGE_BLOCKABLE : 0,
	};

	KUNIT_ASSERT_NOT_ERR_OR_NULL(f->test, window);
	/* The current sequence: setting it again changes nothing. */
	return window->notifier.ops->invalidate(&window->notifier, &range,
						READ_ONCE(window->notifier.invalidate_seq));
}

static void drm_test_svm_invalidate_nonblock(struct kunit *test)
{
	struct fake *f = test->priv;
	struct drm_svm_mirror *m = &f->mirror;
	struct drm_svm_fault faults[1] = { fault(SZ_1G, DRM_SVM_ACCESS_READ) };
	unsigned int zaps;

	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, f->uaddr, SZ_1G, SZ_2M, 0),
			0);
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_fault(m, faults, 1), 0);
	zaps = f->nzaps;

	/* Nothing bound there: the OOM reaper may go on, nothing zapped. */
	KUNIT_EXPECT_TRUE(test, window_invalidate(f, f->uaddr + SZ_2M,
						  f->uaddr + SZ_4M, false));
	KUNIT_EXPECT_EQ(test, f->nzaps, zaps);
	/* Bound: the driver may need to sleep, so the reaper must skip it. */
	KUNIT_EXPECT_FALSE(test, window_invalidate(f, f->uaddr,
						   f->uaddr + SZ_2M, false));
	KUNIT_EXPECT_EQ(test, f->nzaps, zaps);
	/* Where it may block, the range is zapped. */
	KUNIT_EXPECT_TRUE(test, window_invalidate(f, f->uaddr,
						  f->uaddr + SZ_2M, true));
	KUNIT_EXPECT_GT(test, f->nzaps, zaps);
}

static void drm_test_svm_populate(struct kunit *test)
{
	struct fake *f = test->priv;
	struct drm_svm_mirror *m = &f->mirror;
	unsigned int i, huge = 0;

	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, f->uaddr, SZ_1G, SZ_4M,
						  DRM_SVM_BIND_FLAG_POPULATE),
			0);
	KUNIT_EXPECT_EQ(test, f->nmaps, 2u);
	KUNIT_EXPECT_TRUE(test, f->maps[0].writable);
	KUNIT_EXPECT_EQ(test, ctr(&m->sdev->counters.gpu_faults), 0u);

	/*
	 * Writing aligned 2M of a large anonymous VMA gets THPs (the test
	 * kernel has THP always on); each must reach the driver as one
	 * huge entry, and only those may.
	 */
	for (i = 0; i < f->nmaps && i < MAX_CALLS; i++) {
		KUNIT_EXPECT_EQ(test, f->maps[i].order,
				f->maps[i].pmd_folio ? PMD_ORDER : 0);
		huge += f->maps[i].order == PMD_ORDER;
		/* One DMA mapping of the huge page: one run of addresses */
		if (f->maps[i].order == PMD_ORDER)
			KUNIT_EXPECT_TRUE(test, f->maps[i].contiguous);
	}
	KUNIT_EXPECT_EQ(test, ctr(&m->sdev->counters.huge_mapped), (u64)huge);
	kunit_info(test, "%u of %u chunks mapped huge\n", huge, f->nmaps);

	/* Populating a hole fails, with the binding in place. */
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_bind(m, PAGE_SIZE, SZ_2G, P(1),
						  DRM_SVM_BIND_FLAG_POPULATE),
			-EFAULT);
}

static void drm_test_svm_closed(struct kunit *test)
{
	struct fake *f = test->priv;
	struct drm_svm_mirror *m = &f->mirror;
	struct drm_svm_fault faults[1] = { fault(SZ_1G, DRM_SVM_ACCESS_READ) };

	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, f->uaddr, SZ_1G, SZ_2M, 0),
			0);
	drm_svm_mirror_close(m);
	KUNIT_EXPECT_EQ(test, f->nzaps, 1u);
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_fault(m, faults, 1), 1);
	KUNIT_EXPECT_EQ(test, faults[0].error, -ENOENT);
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_bind(m, f->uaddr, SZ_1G, SZ_2M, 0),
			-ENOENT);
}

/* The binding at GPU address @gpu, or NULL */
static struct drm_svm_binding *binding_at(struct drm_svm_mirror *m, u64 gpu)
{
	struct drm_gpuva *va = drm_gpuva_find_first(&m->gpuvm, gpu, PAGE_SIZE);

	return va ? to_binding(va) : NULL;
}

static void drm_test_svm_nofault(struct kunit *test)
{
	struct fake *f = test->priv;
	struct drm_svm_mirror *m = &f->mirror;
	const u64 g = SZ_1G;
	struct drm_svm_binding *b;
	unsigned int maps;

	/* Before the first bind, as VM create sets it */
	m->no_faults = true;
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, f->uaddr, g, P(16), 0), 0);
	b = binding_at(m, g);
	KUNIT_ASSERT_NOT_NULL(test, b);
	/* Not populated at bind time: stale as a whole, nothing mapped */
	KUNIT_EXPECT_EQ(test, b->stale_start, g);
	KUNIT_EXPECT_EQ(test, b->stale_end, g + P(16));
	KUNIT_EXPECT_EQ(test, f->nmaps, 0u);

	KUNIT_ASSERT_EQ(test, drm_svm_mirror_revalidate(m), 0);
	drm_svm_mirror_revalidate_end(m);
	KUNIT_EXPECT_GT(test, f->nmaps, 0u);
	KUNIT_EXPECT_GE(test, b->stale_start, b->stale_end);
	KUNIT_EXPECT_EQ(test, ctr(&m->sdev->counters.gpu_faults), 0u);

	/* Nothing changed: nothing is mapped again */
	maps = f->nmaps;
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_revalidate(m), 0);
	drm_svm_mirror_revalidate_end(m);
	KUNIT_EXPECT_EQ(test, f->nmaps, maps);

	/* An munmap makes its range stale; it becomes a hole */
	KUNIT_ASSERT_EQ(test, vm_munmap(f->uaddr + P(5), P(3)), 0);
	KUNIT_EXPECT_LE(test, b->stale_start, g + P(5));
	KUNIT_EXPECT_GE(test, b->stale_end, g + P(8));
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_revalidate(m), 0);
	drm_svm_mirror_revalidate_end(m);
	KUNIT_EXPECT_GE(test, b->stale_start, b->stale_end);
	KUNIT_EXPECT_EQ(test, b->hole_start, g + P(5));
	KUNIT_EXPECT_EQ(test, b->hole_end, g + P(8));

	/* A cut binding's pieces keep their part of the hole */
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_unbind(m, g + P(2), P(4)), 0);
	b = binding_at(m, g + P(6));
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, b->va.va.addr, g + P(6));
	KUNIT_EXPECT_EQ(test, b->hole_start, g + P(6));
	KUNIT_EXPECT_EQ(test, b->hole_end, g + P(8));
	b = binding_at(m, g);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_GE(test, b->hole_start, b->hole_end);

	/* A closed VM is not revalidated */
	drm_svm_mirror_close(m);
	KUNIT_EXPECT_EQ(test, drm_svm_mirror_revalidate(m), -ENOENT);
}

/* User memory for the user fence tests: the extension, then the words. */
struct ufence_mem {
	struct drm_svm_ext_user_fence ext[2];
	u64 value;
	s64 error;
	u64 next;	/* the word after, never stored to */
};

#define UFENCE_SENTINEL	0x5a5a5a5a5a5a5a5aull

/* Copy user extension @from to @to; 0 or the bytes not copied. */
static unsigned long copy_in_ext(struct drm_svm_ext_user_fence __user *to,
				 struct drm_svm_ext_user_fence __user *from)
{
	struct drm_svm_ext_user_fence e;

	if (copy_from_user(&e, from, sizeof(e)))
		return sizeof(e);
	return copy_to_user(to, &e, sizeof(e));
}

static struct ufence_mem __user *ufence_setup(struct kunit *test, u64 value)
{
	struct fake *f = test->priv;
	struct ufence_mem __user *u = (void __user *)f->uaddr;
	struct ufence_mem m = {
		.ext[0] = {
			.base.name = DRM_SVM_EXT_USER_FENCE,
			.addr = (uintptr_t)&u->value,
			.value = value,
			.error_addr = (uintptr_t)&u->error,
		},
		.value = UFENCE_SENTINEL,
		.error = UFENCE_SENTINEL,
		.next = UFENCE_SENTINEL,
	};

	KUNIT_ASSERT_EQ(test, copy_to_user(u, &m, sizeof(m)), 0);
	return u;
}

static struct ufence_mem ufence_read(struct kunit *test,
				     struct ufence_mem __user *u)
{
	struct ufence_mem m;

	KUNIT_ASSERT_EQ(test, copy_from_user(&m, u, sizeof(m)), 0);
	return m;
}

/* The result, then the value; nothing before the signal, nothing else. */
static void drm_test_svm_ufence_signal(struct kunit *test)
{
	struct ufence_mem __user *u = ufence_setup(test, 42);
	struct fake *f = test->priv;
	struct drm_svm_ufence *uf;
	struct ufence_mem m;

	KUNIT_ASSERT_EQ(test, drm_svm_ufence_from_user(&f->mirror, "test",
						       (uintptr_t)u, &uf), 0);
	KUNIT_ASSERT_NOT_NULL(test, uf);
	m = ufence_read(test, u);
	KUNIT_EXPECT_EQ(test, m.value, UFENCE_SENTINEL);
	KUNIT_EXPECT_EQ(test, m.error, (s64)UFENCE_SENTINEL);

	drm_svm_ufence_signal(uf, -EIO);
	m = ufence_read(test, u);
	KUNIT_EXPECT_EQ(test, m.value, 42);
	KUNIT_EXPECT_EQ(test, m.error, -EIO);
	KUNIT_EXPECT_EQ(test, m.next, UFENCE_SENTINEL);

	/* Without a result word, only the value is stored. */
	u = ufence_setup(test, 7);
	KUNIT_ASSERT_EQ(test, put_user(0, &u->ext[0].error_addr), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_ufence_from_user(&f->mirror, "test",
						       (uintptr_t)u, &uf), 0);
	drm_svm_ufence_signal(uf, 0);
	m = ufence_read(test, u);
	KUNIT_EXPECT_EQ(test, m.value, 7);
	KUNIT_EXPECT_EQ(test, m.error, (s64)UFENCE_SENTINEL);
}

/* No extension, no fence; a fence freed unsignalled stores nothing. */
static void drm_test_svm_ufence_free(struct kunit *test)
{
	struct ufence_mem __user *u = ufence_setup(test, 42);
	struct fake *f = test->priv;
	struct drm_svm_ufence *uf = ERR_PTR(-EINVAL);
	struct ufence_mem m;

	KUNIT_EXPECT_EQ(test, drm_svm_ufence_from_user(&f->mirror, "test", 0,
						       &uf), 0);
	KUNIT_EXPECT_NULL(test, uf);
	drm_svm_ufence_signal(NULL, 0);
	drm_svm_ufence_free(NULL);

	KUNIT_ASSERT_EQ(test, drm_svm_ufence_from_user(&f->mirror, "test",
						       (uintptr_t)u, &uf), 0);
	drm_svm_ufence_free(uf);
	m = ufence_read(test, u);
	KUNIT_EXPECT_EQ(test, m.value, UFENCE_SENTINEL);
	KUNIT_EXPECT_EQ(test, m.error, (s64)UFENCE_SENTINEL);
}

enum ufence_break {
	UF_ADDR_ZERO, UF_ADDR_MISALIGNED, UF_ERROR_MISALIGNED, UF_RESERVED,
	UF_TWO, UF_READONLY, UF_ERROR_READONLY, UF_UNMAPPED, UF_SAME,
};

static const struct ufence_bad_case {
	const char *name;
	enum ufence_break brk;
	int err;
} ufence_bad_cases[] = {
	{ "addr-zero", UF_ADDR_ZERO, -EINVAL },
	{ "addr-misaligned", UF_ADDR_MISALIGNED, -EINVAL },
	{ "error-misaligned", UF_ERROR_MISALIGNED, -EINVAL },
	{ "reserved", UF_RESERVED, -EINVAL },
	{ "two-fences", UF_TWO, -EINVAL },
	{ "readonly", UF_READONLY, -EFAULT },
	{ "error-readonly", UF_ERROR_READONLY, -EFAULT },
	{ "unmapped", UF_UNMAPPED, -EFAULT },
	{ "error-same", UF_SAME, -EINVAL },
};

static void ufence_bad_desc(const struct ufence_bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ufence_bad, ufence_bad_cases, ufence_bad_desc);

/* Every bad fence fails with its errno, leaving no fence. */
static void drm_test_svm_ufence_bad(struct kunit *test)
{
	const struct ufence_bad_case *c = test->param_value;
	struct ufence_mem __user *u = ufence_setup(test, 42);
	struct drm_svm_ext_user_fence __user *ext = &u->ext[0];
	struct fake *f = test->priv;
	struct drm_svm_ufence *uf = ERR_PTR(-EINVAL);
	unsigned long ro;

	ro = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ,
			   MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE(test, ro, 0);

	switch (c->brk) {
	case UF_ADDR_ZERO:
		KUNIT_ASSERT_EQ(test, put_user(0, &ext->addr), 0);
		break;
	case UF_ADDR_MISALIGNED:
		KUNIT_ASSERT_EQ(test, put_user((uintptr_t)&u->value + 4,
					       &ext->addr), 0);
		break;
	case UF_ERROR_MISALIGNED:
		KUNIT_ASSERT_EQ(test, put_user((uintptr_t)&u->error + 1,
					       &ext->error_addr), 0);
		break;
	case UF_RESERVED:
		KUNIT_ASSERT_EQ(test, put_user(1, &ext->reserved[1]), 0);
		break;
	case UF_TWO:
		KUNIT_ASSERT_EQ(test, copy_in_ext(&u->ext[1], ext), 0);
		KUNIT_ASSERT_EQ(test, put_user((uintptr_t)&u->ext[1],
					       &ext->base.next_extension), 0);
		break;
	case UF_READONLY:
		KUNIT_ASSERT_EQ(test, put_user(ro, &ext->addr), 0);
		break;
	case UF_ERROR_READONLY:
		KUNIT_ASSERT_EQ(test, put_user(ro + 8, &ext->error_addr), 0);
		break;
	case UF_SAME:
		KUNIT_ASSERT_EQ(test, put_user((uintptr_t)&u->value,
					       &ext->error_addr), 0);
		break;
	case UF_UNMAPPED:
		/* Below the first page of user space: never mapped */
		KUNIT_ASSERT_EQ(test, put_user(PAGE_SIZE - 8, &ext->addr), 0);
		break;
	}

	KUNIT_EXPECT_EQ(test, drm_svm_ufence_from_user(&f->mirror, "test",
						       (uintptr_t)u, &uf),
			c->err);
	KUNIT_EXPECT_NULL(test, uf);
	KUNIT_EXPECT_EQ(test, ufence_read(test, u).value, UFENCE_SENTINEL);
}

static const struct ufence_op_case {
	const char *name;
	u64 word, value, mask;
	u32 op;
	bool holds;
} ufence_op_cases[] = {
	{ "eq", 5, 5, ~0ull, DRM_SVM_UFENCE_WAIT_EQ, true },
	{ "eq-not", 5, 6, ~0ull, DRM_SVM_UFENCE_WAIT_EQ, false },
	{ "eq-masked", 0x1005, 0x2005, 0xfff, DRM_SVM_UFENCE_WAIT_EQ, true },
	{ "neq", 5, 6, ~0ull, DRM_SVM_UFENCE_WAIT_NEQ, true },
	{ "neq-not", 5, 5, ~0ull, DRM_SVM_UFENCE_WAIT_NEQ, false },
	{ "gt", 6, 5, ~0ull, DRM_SVM_UFENCE_WAIT_GT, true },
	{ "gt-not", 5, 5, ~0ull, DRM_SVM_UFENCE_WAIT_GT, false },
	{ "gt-unsigned", ~0ull, 1, ~0ull, DRM_SVM_UFENCE_WAIT_GT, true },
	{ "gte", 5, 5, ~0ull, DRM_SVM_UFENCE_WAIT_GTE, true },
	{ "gte-not", 4, 5, ~0ull, DRM_SVM_UFENCE_WAIT_GTE, false },
	{ "lt", 4, 5, ~0ull, DRM_SVM_UFENCE_WAIT_LT, true },
	{ "lt-not", 5, 5, ~0ull, DRM_SVM_UFENCE_WAIT_LT, false },
	{ "lte", 5, 5, ~0ull, DRM_SVM_UFENCE_WAIT_LTE, true },
	{ "lte-not", 6, 5, ~0ull, DRM_SVM_UFENCE_WAIT_LTE, false },
	{ "lte-masked", 0xf06, 0x05, 0xff, DRM_SVM_UFENCE_WAIT_LTE, false },
};

static void ufence_op_desc(const struct ufence_op_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ufence_op, ufence_op_cases, ufence_op_desc);

/* The wait's comparison: true at once, false after a zero timeout. */
static void drm_test_svm_ufence_wait_op(struct kunit *test)
{
	const struct ufence_op_case *c = test->param_value;
	struct ufence_mem __user *u = ufence_setup(test, 0);
	struct fake *f = test->priv;
	struct drm_svm_wait_user_fence args = {
		.addr = (uintptr_t)&u->value,
		.value = c->value,
		.mask = c->mask,
		.op = c->op,
		.timeout_ns = 0,
	};

	KUNIT_ASSERT_EQ(test, put_user(c->word, &u->value), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_ioctl_wait_user_fence(&f->sdev, &args),
			c->holds ? 0 : -ETIME);
	KUNIT_EXPECT_EQ(test, args.timeout_ns, 0);
}

/* A timeout passes; bad arguments fail before any wait. */
static void drm_test_svm_ufence_wait_args(struct kunit *test)
{
	struct ufence_mem __user *u = ufence_setup(test, 0);
	struct fake *f = test->priv;
	struct drm_svm_wait_user_fence args = {
		.addr = (uintptr_t)&u->value,
		.value = 1,
		.mask = ~0ull,
		.op = DRM_SVM_UFENCE_WAIT_EQ,
		.timeout_ns = 20 * NSEC_PER_MSEC,
	};
	struct drm_svm_wait_user_fence bad;
	ktime_t start = ktime_get();

	KUNIT_EXPECT_EQ(test, drm_svm_ioctl_wait_user_fence(&f->sdev, &args),
			-ETIME);
	KUNIT_EXPECT_GE(test, ktime_ms_delta(ktime_get(), start), 20);
	KUNIT_EXPECT_EQ(test, args.timeout_ns, 0);

	/* Left as it was: a word that holds returns at once, time left. */
	args.timeout_ns = NSEC_PER_SEC;
	args.value = UFENCE_SENTINEL;
	KUNIT_EXPECT_EQ(test, drm_svm_ioctl_wait_user_fence(&f->sdev, &args),
			0);
	KUNIT_EXPECT_GT(test, args.timeout_ns, 0);

	bad = args;
	bad.op = DRM_SVM_UFENCE_WAIT_LTE + 1;
	KUNIT_EXPECT_EQ(test, drm_svm_ioctl_wait_user_fence(&f->sdev, &bad),
			-EINVAL);
	bad = args;
	bad.addr += 4;
	KUNIT_EXPECT_EQ(test, drm_svm_ioctl_wait_user_fence(&f->sdev, &bad),
			-EINVAL);
	bad = args;
	bad.addr = 0;
	KUNIT_EXPECT_EQ(test, drm_svm_ioctl_wait_user_fence(&f->sdev, &bad),
			-EINVAL);
	bad = args;
	bad.flags = 1;
	KUNIT_EXPECT_EQ(test, drm_svm_ioctl_wait_user_fence(&f->sdev, &bad),
			-EINVAL);
	bad = args;
	bad.reserved[0] = 1;
	KUNIT_EXPECT_EQ(test, drm_svm_ioctl_wait_user_fence(&f->sdev, &bad),
			-EINVAL);
	bad = args;
	bad.addr = PAGE_SIZE - 8;
	KUNIT_EXPECT_EQ(test, drm_svm_ioctl_wait_user_fence(&f->sdev, &bad),
			-EFAULT);
}

/* Runs of @phase since @a, in size class @size, or in all for -1. */
static u64 phase_runs(const struct drm_svm_phase_stats *a,
		      const struct drm_svm_phase_stats *b,
		      enum drm_svm_phase phase, int size)
{
	u64 n = 0;
	int k;

	for (k = 0; k < DRM_SVM_PHASE_SIZES; k++)
		if (size < 0 || k == size)
			n += b->count[phase][k] - a->count[phase][k];
	return n;
}

static u64 phase_ns(const struct drm_svm_phase_stats *a,
		    const struct drm_svm_phase_stats *b,
		    enum drm_svm_phase phase, int size)
{
	return b->ns[phase][size] - a->ns[phase][size];
}

static void drm_test_svm_phases(struct kunit *test)
{
	static const enum drm_svm_phase per_chunk[] = {
		DRM_SVM_PHASE_DMA_MAP, DRM_SVM_PHASE_DRIVER_MAP,
	};
	const int c2m = drm_svm_phase_size(SZ_2M >> PAGE_SHIFT);
	struct fake *f = test->priv;
	struct drm_svm_mirror *m = &f->mirror;
	struct drm_svm_phase_stats *a, *b;
	struct drm_svm_fault faults[2];
	const u64 g = SZ_1G;
	unsigned int i;

	/* The size classes: 4k, 64k, 2m, more */
	KUNIT_EXPECT_EQ(test, drm_svm_phase_size(0), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_phase_size(1), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_phase_size(2), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_phase_size(16), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_phase_size(17), 2);
	KUNIT_EXPECT_EQ(test, drm_svm_phase_size(512), 2);
	KUNIT_EXPECT_EQ(test, drm_svm_phase_size(513), 3);

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);

	/* Two 2M chunks fault in: each is walked, DMA-mapped and mapped. */
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_bind(m, f->uaddr, g, SZ_4M, 0), 0);
	drm_svm_phases_read(&f->sdev, a);
	faults[0] = fault(g, DRM_SVM_ACCESS_WRITE);
	faults[1] = fault(g + SZ_2M, DRM_SVM_ACCESS_WRITE);
	KUNIT_ASSERT_EQ(test, drm_svm_mirror_fault(m, faults, 2), 0);
	KUNIT_ASSERT_EQ(test, f->nmaps, 2u);
	drm_svm_phases_read(&f->sdev, b);

	KUNIT_EXPECT_GE(test, phase_runs(a, b, DRM_SVM_PHASE_HMM_FAULT, c2m),
			2);
	KUNIT_EXPECT_EQ(test, phase_runs(a, b, DRM_SVM_PHASE_HMM_FAULT, -1),
			phase_runs(a, b, DRM_SVM_PHASE_HMM_FAULT, c2m));
	KUNIT_EXPECT_GT(test, phase_ns(a, b, DRM_SVM_PHASE_HMM_FAULT, c2m), 0);
	for (i = 0; i < ARRAY_SIZE(per_chunk); i++) {
		KUNIT_EXPECT_EQ(test, phase_runs(a, b, per_chunk[i], c2m), 2);
		KUNIT_EXPECT_EQ(test, phase_runs(a, b, per_chunk[i], -1), 2);
		KUNIT_EXPECT_GT(test, phase_ns(a, b, per_chunk[i], c2m), 0);
	}
	/* Nothing moved: the fake device has no memory. */
	KUNIT_EXPECT_EQ(test, phase_runs(a, b, DRM_SVM_PHASE_MIGRATE_SETUP, -1),
			0);
	KUNIT_EXPECT_EQ(test, phase_runs(a, b, DRM_SVM_PHASE_COPY, -1), 0);

	/* Unmapping the first chunk invalidates it, within 2 MiB. */
	KUNIT_ASSERT_EQ(test, vm_munmap(f->uaddr, SZ_2M), 0);
	drm_svm_phases_read(&f->sdev, a);
	KUNIT_EXPECT_GE(test, phase_runs(b, a, DRM_SVM_PHASE_INVALIDATE, -1), 1);
	KUNIT_EXPECT_EQ(test, phase_runs(b, a, DRM_SVM_PHASE_INVALIDATE, -1),
			phase_runs(b, a, DRM_SVM_PHASE_DMA_UNMAP, -1));
	KUNIT_EXPECT_EQ(test, phase_runs(b, a, DRM_SVM_PHASE_INVALIDATE, -1),
			phase_runs(b, a, DRM_SVM_PHASE_INVALIDATE_WAIT, -1));
	KUNIT_EXPECT_EQ(test, phase_runs(b, a, DRM_SVM_PHASE_INVALIDATE,
					 DRM_SVM_PHASE_SIZES - 1), 0);
	KUNIT_EXPECT_EQ(test, phase_runs(b, a, DRM_SVM_PHASE_DRIVER_MAP, -1),
			0);
}

static struct kunit_case drm_svm_mirror_tests[] = {
	KUNIT_CASE(drm_test_svm_bind_split),
	KUNIT_CASE(drm_test_svm_bind_invalid),
	KUNIT_CASE(drm_test_svm_fault_batch),
	KUNIT_CASE(drm_test_svm_counters),
	KUNIT_CASE(drm_test_svm_fault_run),
	KUNIT_CASE(drm_test_svm_fault_fatal),
	KUNIT_CASE(drm_test_svm_fault_offset),
	KUNIT_CASE(drm_test_svm_invalidate_munmap),
	KUNIT_CASE(drm_test_svm_invalidate_nonblock),
	KUNIT_CASE(drm_test_svm_invalidate_two_pass),
	KUNIT_CASE(drm_test_svm_dma),
	KUNIT_CASE(drm_test_svm_populate),
	KUNIT_CASE(drm_test_svm_closed),
	KUNIT_CASE(drm_test_svm_nofault),
	KUNIT_CASE(drm_test_svm_phases),
	{}
};

static struct kunit_suite drm_svm_mirror_suite = {
	.name = "drm_svm_mirror",
	.init = mirror_test_init,
	.exit = mirror_test_exit,
	.test_cases = drm_svm_mirror_tests,
};

static struct kunit_case drm_svm_ufence_tests[] = {
	KUNIT_CASE(drm_test_svm_ufence_signal),
	KUNIT_CASE(drm_test_svm_ufence_free),
	KUNIT_CASE_PARAM(drm_test_svm_ufence_bad, ufence_bad_gen_params),
	KUNIT_CASE_PARAM(drm_test_svm_ufence_wait_op, ufence_op_gen_params),
	KUNIT_CASE(drm_test_svm_ufence_wait_args),
	{}
};

static struct kunit_suite drm_svm_ufence_suite = {
	.name = "drm_svm_ufence",
	.init = mirror_test_init,
	.exit = mirror_test_exit,
	.test_cases = drm_svm_ufence_tests,
};

kunit_test_suites(&drm_svm_mirror_suite, &drm_svm_ufence_suite);

MODULE_DESCRIPTION("KUnit tests for DRM shared virtual memory mirrors");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

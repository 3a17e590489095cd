// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm dma
 * Category: Core
 * Description: The device addresses the core hands a driver: system pages
 *		DMA-mapped for the device while it maps them and unmapped
 *		when the mapping goes, whatever ends it; one DMA mapping per
 *		huge page; device pages at the address their owner gives;
 *		and the reason each invalidation gives the driver. Each
 *		subtest counts the mappings twice: with the core's
 *		``dma_mapped`` counter and with the kernel's own DMA API
 *		tracking (``dma-api/dump``, CONFIG_DMA_API_DEBUG), and checks
 *		the data on the GPU.
 *
 * SUBTEST: unmap-%s
 * Description: 8 MiB of system memory read by a job through a mirror-only
 *		binding is DMA-mapped for the device, every page at a bus
 *		address of the device (not a physical address), once; when
 *		the mapping ends, every one of those mappings is gone, and
 *		vsvm heard the reason.
 *
 * arg[1]:
 *
 * @munmap:		munmap() of the buffer (reason cpu)
 * @unbind:		unbind; vsvm also frees the page table blocks
 * @destroy:		VM destroy (reason unbind)
 * @exit:		the process exits without cleaning up (reason release)
 * @migrate:		another VM of the device moves the pages into its VRAM
 *			(reason migrate_self); the mapping comes back in VRAM,
 *			with no DMA mapping
 *
 * SUBTEST: thp
 * Description: A buffer the CPU maps with transparent huge pages is
 *		DMA-mapped one huge page at a time.
 *
 * SUBTEST: reasons-peer
 * Description: Pages mapped by two devices move into the first one's
 *		VRAM: the first hears migrate_self, the second migrate, and
 *		neither keeps a DMA mapping of the pages.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_svm_lib.h"
#include "vsvm_migrate_lib.h"
#include "vsvm_multi_lib.h"

IGT_TEST_DESCRIPTION("Device addresses: DMA mappings and invalidation reasons");

#define DMA_DUMP	"/sys/kernel/debug/dma-api/dump"
#define BUF_SIZE	(8ull << 20)
#define SEED		0xd3a00001u

/* vsvm's bus: system memory starts here (DOC: Bus addresses) */
#define VSVM_BUS_SYSTEM	(1ull << 44)

/* The DMA API's view of one device: its mappings and the pages they span */
struct dma_view {
	uint64_t mappings;
	uint64_t pages;
	uint64_t huge;		/* mappings of 2 MiB */
	uint64_t below_bus;	/* mappings below VSVM_BUS_SYSTEM */
};

static bool dma_view(const struct mig_dev *d, struct dma_view *v)
{
	char line[512], drv[64], dev[64], want[16];
	unsigned long long daddr, len;
	const char *p;
	FILE *f;

	memset(v, 0, sizeof(*v));
	f = fopen(DMA_DUMP, "re");
	if (!f)
		return false;
	snprintf(want, sizeof(want), "vsvm%u", d->index);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %63s", drv, dev) != 2 || strcmp(dev, want))
			continue;
		p = strstr(line, " D=");
		igt_assert_f(p && sscanf(p, " D=%llx L=%llx", &daddr, &len) == 2,
			     "cannot parse %s", line);
		v->mappings++;
		v->pages += len / svm_page_size();
		v->huge += len == SZ_2M;
		v->below_bus += daddr < VSVM_BUS_SYSTEM;
	}
	fclose(f);
	return true;
}

/* The DMA state of @d now: the core's counter and the DMA API's view */
struct dma_state {
	uint64_t core;
	struct dma_view api;
};

static struct dma_state dma_state(const struct mig_dev *d)
{
	struct dma_state s = { .core = svm_dev_stats(d).dma_mapped };

	igt_require_f(dma_view(d, &s.api),
		      "no %s: the kernel lacks CONFIG_DMA_API_DEBUG\n",
		      DMA_DUMP);
	return s;
}

/* The system pages mapped for @d since @before, by both counts */
static uint64_t dma_pages_since(const struct mig_dev *d,
				const struct dma_state *before)
{
	struct dma_state now = dma_state(d);

	igt_info("vsvm%u: core %" PRIu64 " pages, DMA API %" PRIu64
		 " mappings of %" PRIu64 " pages (%" PRIu64 " huge)\n",
		 d->index, now.core, now.api.mappings, now.api.pages,
		 now.api.huge);
	igt_assert_eq_u64(now.core - before->core,
			  now.api.pages - before->api.pages);
	igt_assert_eq_u64(now.api.below_bus, 0);
	return now.core - before->core;
}

/* Invalidations of device @d by reason, from vsvm's debugfs */
enum { CPU, MIGRATE, MIGRATE_SELF, ATTR, UNBIND, RELEASE, NREASONS };

static const char *const reason_names[NREASONS] = {
	"cpu", "migrate", "migrate_self", "attr", "unbind", "release",
};

static void reasons_read(const struct mig_dev *d, uint64_t *n)
{
	char path[128], name[32];
	unsigned long long v;
	unsigned int i;
	FILE *f;

	snprintf(path, sizeof(path), VSVM_DEBUGFS_DIR "/vsvm%u/invalidations",
		 d->index);
	f = fopen(path, "re");
	igt_assert_f(f, "%s: %m\n", path);
	memset(n, 0, NREASONS * sizeof(*n));
	while (fscanf(f, "%31s %llu", name, &v) == 2) {
		for (i = 0; i < NREASONS; i++) {
			if (!strcmp(name, reason_names[i]))
				n[i] = v;
		}
	}
	fclose(f);
}

/* Invalidations of @d for @reason since @before; none for the others */
static void assert_reason(const struct mig_dev *d, const uint64_t *before,
			  int reason, const int *also)
{
	uint64_t now[NREASONS];
	int i;

	reasons_read(d, now);
	for (i = 0; i < NREASONS; i++) {
		bool allowed = i == reason || (also && also[i]);

		igt_info("vsvm%u %s +%" PRIu64 "\n", d->index, reason_names[i],
			 now[i] - before[i]);
		if (i == reason)
			igt_assert_f(now[i] > before[i],
				     "vsvm%u heard no %s invalidation\n",
				     d->index, reason_names[i]);
		else if (!allowed)
			igt_assert_f(now[i] == before[i],
				     "vsvm%u heard %" PRIu64 " %s invalidations\n",
				     d->index, now[i] - before[i],
				     reason_names[i]);
	}
}

enum unmap_how { UNMAP_MUNMAP, UNMAP_UNBIND, UNMAP_DESTROY, UNMAP_EXIT,
		 UNMAP_MIGRATE };

static const struct unmap_case {
	const char *name;
	enum unmap_how how;
	int reason;
} unmap_cases[] = {
	{ "munmap", UNMAP_MUNMAP, CPU },
	{ "unbind", UNMAP_UNBIND, UNBIND },
	{ "destroy", UNMAP_DESTROY, UNBIND },
	{ "exit", UNMAP_EXIT, RELEASE },
	{ "migrate", UNMAP_MIGRATE, MIGRATE_SELF },
	{ }
};

/* A mirror-only buffer of @c with the pattern, read once by the GPU */
static uint8_t *mapped_buf(struct ctx *c, const struct dma_state *before)
{
	const uint64_t npages = BUF_SIZE / svm_page_size();
	uint8_t *buf = svm_alloc_aligned(BUF_SIZE, SZ_2M);

	/* Small pages: one DMA mapping per page, as the counts assume. */
	igt_assert_eq(madvise(buf, BUF_SIZE, MADV_NOHUGEPAGE), 0);
	svm_pattern_fill(buf, BUF_SIZE, SEED);
	svm_bind_ptr(c->fd, c->vm, buf, BUF_SIZE,
		     DRM_SVM_BIND_FLAG_NO_MIGRATE);
	assert_gpu_sum(c, buf, BUF_SIZE, pattern_sum(SEED, BUF_SIZE));
	igt_assert_eq_u64(dma_pages_since(c->d, before), npages);
	return buf;
}

/* The child of the exit case: maps the buffer and exits with it mapped */
static void unmap_exit_child(const struct mig_dev *d)
{
	struct dma_state before;
	struct mig_dev own;
	struct ctx c;

	igt_assert(mig_dev_open(&own, d->index));
	ctx_init(&c, &own);
	before = dma_state(d);
	mapped_buf(&c, &before);
	/* No cleanup: exit tears the address space down, then the files. */
}

static void test_unmap(const struct unmap_case *uc)
{
	const struct mig_dev *d = &devs[0];
	uint64_t reasons[NREASONS], blocks;
	struct dma_state base, before;
	struct ctx c, mover;
	uint8_t *buf;

	if (uc->how == UNMAP_EXIT) {
		before = dma_state(d);
		reasons_read(d, reasons);
		igt_fork(child, 1)
			unmap_exit_child(d);
		igt_waitchildren();
		igt_assert_eq_u64(dma_pages_since(d, &before), 0);
		/* exit() may free memory before the address space goes */
		assert_reason(d, reasons, RELEASE,
			      (const int[NREASONS]){ [CPU] = 1, [UNBIND] = 1 });
		return;
	}

	base = dma_state(d);
	ctx_init(&c, d);
	before = dma_state(d);
	blocks = vsvm_knob_read(d->index, "pt_blocks");
	buf = mapped_buf(&c, &before);
	igt_assert_cmpu64(blocks, <, >=,
			  vsvm_knob_read(d->index, "pt_blocks"));
	reasons_read(d, reasons);

	switch (uc->how) {
	case UNMAP_MUNMAP:
		igt_assert_eq(munmap(buf, BUF_SIZE), 0);
		buf = NULL;
		break;
	case UNMAP_UNBIND:
		svm_unbind(c.fd, c.vm, to_u64(buf), BUF_SIZE);
		/* vsvm frees the page table an unbind leaves empty */
		igt_assert_eq_u64(vsvm_knob_read(d->index, "pt_blocks"),
				  blocks);
		break;
	case UNMAP_DESTROY:
		svm_batch_fini(&c.b);
		svm_vm_destroy(c.fd, c.vm);
		break;
	case UNMAP_MIGRATE:
		ctx_init(&mover, d);
		svm_bind_ptr(mover.fd, mover.vm, buf, BUF_SIZE, 0);
		igt_assert_eq_u64(svm_prefetch(mover.fd, mover.vm, to_u64(buf),
					       BUF_SIZE, DRM_SVM_REGION_DEVICE),
				  BUF_SIZE / svm_page_size());
		/* Mapped again from VRAM: no DMA, same data */
		assert_gpu_sum(&c, buf, BUF_SIZE, pattern_sum(SEED, BUF_SIZE));
		assert_res(&c, buf, BUF_SIZE, DEVICE, true);
		ctx_fini(&mover);
		break;
	case UNMAP_EXIT:
		break;
	}

	/* The mover's VM, gone, heard an unbind */
	assert_reason(d, reasons, uc->reason,
		      uc->how == UNMAP_MIGRATE ?
		      (const int[NREASONS]){ [UNBIND] = 1 } : NULL);
	if (uc->how != UNMAP_DESTROY) {
		/* The batch's pages are still mapped, and only they */
		igt_assert_eq_u64(dma_pages_since(d, &before), 0);
		ctx_fini(&c);
	}
	igt_assert_eq_u64(dma_pages_since(d, &base), 0);
	if (buf)
		munmap(buf, BUF_SIZE);
}

static void test_thp(void)
{
	const struct mig_dev *d = &devs[0];
	struct dma_state before, now;
	uint8_t *buf;
	struct ctx c;

	ctx_init(&c, d);
	before = dma_state(d);
	buf = svm_alloc_aligned(BUF_SIZE, SZ_2M);
	igt_assert_eq(madvise(buf, BUF_SIZE, MADV_HUGEPAGE), 0);
	svm_pattern_fill(buf, BUF_SIZE, SEED);
	svm_bind_ptr(c.fd, c.vm, buf, BUF_SIZE, DRM_SVM_BIND_FLAG_NO_MIGRATE);
	assert_gpu_sum(&c, buf, BUF_SIZE, pattern_sum(SEED, BUF_SIZE));

	igt_assert_eq_u64(dma_pages_since(d, &before),
			  BUF_SIZE / svm_page_size());
	now = dma_state(d);
	igt_require_f(now.api.huge > before.api.huge,
		      "the kernel gave no transparent huge page\n");
	/* Every huge page the CPU had is one mapping, not 512 */
	igt_assert_eq_u64(now.api.mappings - before.api.mappings,
			  (now.api.huge - before.api.huge) +
			  (now.api.pages - before.api.pages) -
			  (now.api.huge - before.api.huge) * (SZ_2M /
							      svm_page_size()));

	munmap(buf, BUF_SIZE);
	igt_assert_eq_u64(dma_pages_since(d, &before), 0);
	ctx_fini(&c);
}

static void test_reasons_peer(void)
{
	uint64_t ra[NREASONS], rb[NREASONS];
	struct dma_state da, db;
	const struct mig_dev *a, *b;
	struct ctx c[2];
	uint8_t *buf;

	/* @b reaches @a's VRAM */
	find_pair(PAIR_DIRECT, &a, &b);
	ctx_init(&c[0], a);
	ctx_init(&c[1], b);
	da = dma_state(a);
	db = dma_state(b);
	buf = shared_buf(c, 2, BUF_SIZE, DRM_SVM_BIND_FLAG_NO_MIGRATE, SEED);
	assert_gpu_sum(&c[1], buf, BUF_SIZE, pattern_sum(SEED, BUF_SIZE));
	igt_assert_eq_u64(dma_pages_since(b, &db), BUF_SIZE / svm_page_size());

	reasons_read(a, ra);
	reasons_read(b, rb);
	igt_assert_eq_u64(svm_prefetch(c[0].fd, c[0].vm, to_u64(buf), BUF_SIZE,
				       DRM_SVM_REGION_DEVICE),
			  BUF_SIZE / svm_page_size());
	/* Moving a THP splits it first: a CPU page table change */
	assert_reason(a, ra, MIGRATE_SELF, (const int[NREASONS]){ [CPU] = 1 });
	assert_reason(b, rb, MIGRATE, (const int[NREASONS]){ [CPU] = 1 });
	igt_assert_eq_u64(dma_pages_since(b, &db), 0);

	/* The second device now reads the first one's VRAM over the link */
	assert_gpu_sum(&c[1], buf, BUF_SIZE, pattern_sum(SEED, BUF_SIZE));
	igt_assert_eq_u64(dma_pages_since(a, &da), 0);
	igt_assert_eq_u64(dma_pages_since(b, &db), 0);

	ctx_fini(&c[1]);
	ctx_fini(&c[0]);
	munmap(buf, BUF_SIZE);
}

igt_main
{
	const struct unmap_case *uc;

	igt_fixture
		multi_devices_open();

	for (uc = unmap_cases; uc->name; uc++) {
		igt_describe("DMA mappings of system pages go with the mapping.");
		igt_subtest_f("unmap-%s", uc->name)
			test_unmap(uc);
	}

	igt_describe("A transparent huge page is one DMA mapping.");
	igt_subtest("thp")
		test_thp();

	igt_describe("Each device hears why its mapping goes.");
	igt_subtest("reasons-peer")
		test_reasons_peer();

	igt_fixture
		multi_devices_close();
}

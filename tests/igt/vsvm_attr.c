// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm attr
 * Category: Core
 * Description: Memory attributes (the madvise and attribute query
 *		ioctls) and the placement they steer, on several vsvm
 *		devices: the attributes as they read back, how ranges split
 *		and merge, what munmap() and mremap() do to them, which
 *		device mappings a change drops, and where pages go and who
 *		maps them under each hint, data checked every time. The
 *		subtests that need a pair of devices find it in the
 *		topology and skip without one.
 *
 * SUBTEST: defaults
 * Description: A range nobody set anything on reads back as one range
 *		with every attribute zero.
 *
 * SUBTEST: set-get
 * Description: Each attribute, set on part of a range, reads back on
 *		exactly that part, with the others at their defaults; the
 *		attributes combine where they overlap.
 *
 * SUBTEST: split-merge
 * Description: A value set inside a range splits it in three; setting
 *		the outer value again merges it back into one.
 *
 * SUBTEST: query-short
 * Description: A query with a short array writes what fits and says how
 *		many ranges there are; one with no array only counts.
 *
 * SUBTEST: munmap-drops
 * Description: munmap() of part of a range drops its attributes there
 *		only; memory mapped again at that address starts with none.
 *
 * SUBTEST: mremap-no-carry
 * Description: mremap() to a new address carries no attribute: the new
 *		range has none, and neither has the old one.
 *
 * SUBTEST: change-invalidates
 * Description: A change drops the device mappings of the range it
 *		changes, and of nothing else; setting the value that is
 *		already there drops none.
 *
 * SUBTEST: prefetch-preferred
 * Description: A prefetch to the preferred location from a device linked
 *		to the preferred one puts every page there and maps it over
 *		the link: the next job takes no fault.
 *
 * SUBTEST: preferred-%s
 * Description: Preferred location on one device, jobs on another. A
 *		device that reaches the preferred one reads and writes the
 *		pages there over the link and nothing migrates; one that
 *		does not gets the data through system memory, never maps
 *		the preferred device's memory, and the pages go back to the
 *		preferred device on its next access.
 *
 * arg[1]:
 *
 * @direct:		a linked pair in one isolation group
 * @unlinked:		a pair without a link, in one group
 * @isolated:		a linked pair in two isolation groups
 *
 * SUBTEST: preferred-system
 * Description: Preferred location system memory: pages in VRAM go back
 *		on the next GPU fault and stay there; the device maps them
 *		in system memory.
 *
 * SUBTEST: accessed-by-both
 * Description: Two linked devices in the accessed-by set take turns on
 *		the same pages: after the first device brought them into its
 *		VRAM, nothing migrates, the second maps them over the link.
 *
 * SUBTEST: conflicting-hints
 * Description: Preferred location on one device, accessed by a linked
 *		device and by one that has no link to it, all three taking
 *		turns writing the range: the data is right after every
 *		turn, the linked device never moves anything, and each round
 *		moves the range at most twice (out for the unlinked device,
 *		back for the preferred one).
 *
 * SUBTEST: read-mostly
 * Description: Read faults on a read-mostly range map it in system
 *		memory; a write fault (on a chunk no read mapped) moves the
 *		chunk into VRAM.
 *
 * SUBTEST: granularity-%s
 * Description: A job that touches one word of a range moves exactly one
 *		granule of it into VRAM.
 *
 * arg[1]:
 *
 * @4k:		4 KiB
 * @64k:	64 KiB
 *
 * SUBTEST: atomics-two-devices
 * Description: Two linked devices run atomic increments on one counter
 *		at the same time, in several jobs each: the total is exact.
 *
 * SUBTEST: atomics-cpu
 * Description: With atomics done by the CPU only, a device atomic fails
 *		the job with EACCES, reported as an atomic access, and the
 *		counter is unchanged; device writes still work.
 *
 * SUBTEST: atomics-system-%s
 * Description: A counter in system memory (preferred there), and a device
 *		atomic on it: a device whose atomics work on system memory
 *		does it in place; one whose atomics do not moves the page
 *		into its VRAM first. The value is exact either way.
 *
 * arg[1]:
 *
 * @capable:		a device with atomics on system memory
 * @incapable:		a device without
 *
 * SUBTEST: atomics-global
 * Description: Atomics by devices and the CPU: a counter in VRAM goes to
 *		system memory on the next device access, where device and
 *		CPU atomics meet; a device without atomics on system memory
 *		fails the atomic with EACCES.
 *
 * SUBTEST: madvise-bad-%s
 * Description: madvise with one bad argument fails with the documented
 *		errno and changes nothing.
 *
 * arg[1]:
 *
 * @type:		an unknown attribute, EINVAL
 * @flags:		non-zero flags, EINVAL
 * @reserved:		non-zero reserved[1], EINVAL
 * @extension:		an unreadable extension pointer, EFAULT
 * @unaligned:		an unaligned start, EINVAL
 * @zero-range:		a range of zero bytes, EINVAL
 * @wrap:		a range that wraps, EINVAL
 * @location:		an unknown location, EINVAL
 * @system-fd:		a location of system memory with an fd, EINVAL
 * @fd-closed:		a device fd that is not open, EBADF
 * @fd-not-drm:		a device fd of /dev/null, EINVAL
 * @too-many-fds:	more fds than devices, EINVAL
 * @fds-pointer:	an unreadable fd array, EFAULT
 * @granularity:	a granularity of 8 KiB, EINVAL
 * @read-mostly:	an enable value of 2, EINVAL
 * @value-pad:		a non-zero unused word of the value, EINVAL
 * @atomics:		an unknown atomics mode, EINVAL
 * @isolated:		a preferred device and an accessed-by device in two
 *			isolation groups, ENOLINK
 *
 * SUBTEST: query-bad-%s
 * Description: The attribute query with one bad argument fails with the
 *		documented errno.
 *
 * arg[1]:
 *
 * @flags:		non-zero flags, EINVAL
 * @range:		a range of zero bytes, EINVAL
 * @pointer:		an unwritable array, EFAULT
 *
 * SUBTEST: fork-child
 * Description: A fork child that calls madvise on a file its parent used
 *		for attributes fails with EACCES.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_svm_lib.h"
#include "vsvm_migrate_lib.h"
#include "vsvm_multi_lib.h"

#define SEED		0xa77e0000u
#define NPAGES		16
/* Two chunks of 2 MiB */
#define BUF_SIZE	(2 * SZ_2M)

static int __svm_attr_query(int fd, struct drm_svm_attr_query *q)
{
	if (drmIoctl(fd, DRM_IOCTL_VSVM_ATTR_QUERY, q))
		return -errno;
	return 0;
}

static struct drm_svm_madvise madv(const void *ptr, uint64_t size,
				   uint32_t type)
{
	return (struct drm_svm_madvise){
		.start = to_u64(ptr),
		.range = size,
		.type = type,
	};
}

/* Preferred location @location, on the device of @dev_fd for DEVICE. */
static void set_preferred(int fd, const void *ptr, uint64_t size,
			  uint32_t location, int dev_fd)
{
	struct drm_svm_madvise m = madv(ptr, size, DRM_SVM_ATTR_PREFERRED_LOC);

	m.preferred_loc.location = location;
	m.preferred_loc.fd = location == DRM_SVM_LOC_DEVICE ? dev_fd : -1;
	igt_assert_eq(__svm_madvise(fd, &m), 0);
}

static void set_accessed_by(int fd, const void *ptr, uint64_t size,
			    const int32_t *fds, uint32_t n)
{
	struct drm_svm_madvise m = madv(ptr, size, DRM_SVM_ATTR_ACCESSED_BY);

	m.accessed_by.fds = to_u64(fds);
	m.accessed_by.num_fds = n;
	igt_assert_eq(__svm_madvise(fd, &m), 0);
}

static void set_granularity(int fd, const void *ptr, uint64_t size,
			    uint64_t granule)
{
	struct drm_svm_madvise m = madv(ptr, size, DRM_SVM_ATTR_GRANULARITY);

	m.granularity.size = granule;
	igt_assert_eq(__svm_madvise(fd, &m), 0);
}

static void set_read_mostly(int fd, const void *ptr, uint64_t size,
			    bool enable)
{
	struct drm_svm_madvise m = madv(ptr, size, DRM_SVM_ATTR_READ_MOSTLY);

	m.read_mostly.enable = enable;
	igt_assert_eq(__svm_madvise(fd, &m), 0);
}

static void set_atomics(int fd, const void *ptr, uint64_t size, uint32_t mode)
{
	struct drm_svm_madvise m = madv(ptr, size, DRM_SVM_ATTR_ATOMICS);

	m.atomics.mode = mode;
	igt_assert_eq(__svm_madvise(fd, &m), 0);
}

/* The ranges of [@ptr, @ptr + @size) into @r (up to @max); their count. */
static uint32_t query(int fd, const void *ptr, uint64_t size,
		      struct drm_svm_attr_range *r, uint32_t max)
{
	struct drm_svm_attr_query q = {
		.start = to_u64(ptr),
		.range = size,
		.ranges = to_u64(r),
		.num_ranges = max,
	};

	igt_assert_eq(__svm_attr_query(fd, &q), 0);
	return q.num_ranges;
}

static uint64_t pg(uint64_t n)
{
	return n * svm_page_size();
}

/* Range @r runs over pages [@first, @end) of @base. */
static void assert_range(const struct drm_svm_attr_range *r,
			 const uint8_t *base, uint64_t first, uint64_t end)
{
	igt_assert_eq_u64(r->start, to_u64(base + pg(first)));
	igt_assert_eq_u64(r->end, to_u64(base + pg(end)));
}

static bool range_default(const struct drm_svm_attr_range *r)
{
	return !r->location && !r->device && !r->accessed_by && !r->flags &&
	       !r->granularity && !r->atomics && !r->pad;
}

/* defaults */

static void test_defaults(void)
{
	uint8_t *buf = svm_alloc(pg(NPAGES));
	struct drm_svm_attr_range r[2];

	memset(r, 0xff, sizeof(r));
	igt_assert_eq_u32(query(devs[0].fd, buf, pg(NPAGES), r, 2), 1);
	assert_range(&r[0], buf, 0, NPAGES);
	igt_assert(range_default(&r[0]));
	munmap(buf, pg(NPAGES));
}

/* set-get */

static void test_set_get(void)
{
	const struct mig_dev *d0 = &devs[0], *d1 = &devs[1];
	uint8_t *buf = svm_alloc(pg(NPAGES));
	int32_t fds[2] = { d0->fd, d1->fd };
	struct drm_svm_attr_range r[8];

	/* Through d0's node, naming d1: any node of the core will do. */
	set_preferred(d0->fd, buf + pg(2), pg(4), DRM_SVM_LOC_DEVICE, d1->fd);
	set_accessed_by(d0->fd, buf + pg(4), pg(4), fds, 2);
	set_granularity(d1->fd, buf + pg(10), pg(2), SZ_64K);
	set_read_mostly(d1->fd, buf + pg(12), pg(1), true);
	set_atomics(d1->fd, buf + pg(12), pg(1), DRM_SVM_ATOMICS_GLOBAL);

	igt_assert_eq_u32(query(d0->fd, buf, pg(NPAGES), r, 8), 8);
	assert_range(&r[0], buf, 0, 2);
	igt_assert(range_default(&r[0]));
	assert_range(&r[1], buf, 2, 4);
	igt_assert_eq_u32(r[1].location, DRM_SVM_LOC_DEVICE);
	igt_assert_eq_u32(r[1].device, d1->svm_id);
	igt_assert_eq_u32(r[1].accessed_by, 0);
	assert_range(&r[2], buf, 4, 6);
	igt_assert_eq_u32(r[2].location, DRM_SVM_LOC_DEVICE);
	igt_assert_eq_u32(r[2].accessed_by,
			  (1u << d0->svm_id) | (1u << d1->svm_id));
	assert_range(&r[3], buf, 6, 8);
	igt_assert_eq_u32(r[3].location, DRM_SVM_LOC_NONE);
	igt_assert_eq_u32(r[3].accessed_by,
			  (1u << d0->svm_id) | (1u << d1->svm_id));
	assert_range(&r[4], buf, 8, 10);
	igt_assert(range_default(&r[4]));
	assert_range(&r[5], buf, 10, 12);
	igt_assert_eq_u64(r[5].granularity, SZ_64K);
	assert_range(&r[6], buf, 12, 13);
	igt_assert_eq_u32(r[6].flags, DRM_SVM_ATTR_RANGE_READ_MOSTLY);
	igt_assert_eq_u32(r[6].atomics, DRM_SVM_ATOMICS_GLOBAL);
	igt_assert_eq_u64(r[6].granularity, 0);
	assert_range(&r[7], buf, 13, NPAGES);
	igt_assert(range_default(&r[7]));

	/* System memory names no device. */
	set_preferred(d0->fd, buf, pg(1), DRM_SVM_LOC_SYSTEM, -1);
	igt_assert_eq_u32(query(d0->fd, buf, pg(1), r, 1), 1);
	igt_assert_eq_u32(r[0].location, DRM_SVM_LOC_SYSTEM);
	igt_assert_eq_u32(r[0].device, 0);
	munmap(buf, pg(NPAGES));
}

/* split-merge */

static void test_split_merge(void)
{
	uint8_t *buf = svm_alloc(pg(NPAGES));
	struct drm_svm_attr_range r[4];
	int fd = devs[0].fd;

	set_preferred(fd, buf, pg(NPAGES), DRM_SVM_LOC_SYSTEM, -1);
	set_preferred(fd, buf + pg(4), pg(4), DRM_SVM_LOC_DEVICE, devs[1].fd);
	igt_assert_eq_u32(query(fd, buf, pg(NPAGES), r, 4), 3);
	assert_range(&r[0], buf, 0, 4);
	assert_range(&r[1], buf, 4, 8);
	assert_range(&r[2], buf, 8, NPAGES);
	igt_assert_eq_u32(r[0].location, DRM_SVM_LOC_SYSTEM);
	igt_assert_eq_u32(r[1].location, DRM_SVM_LOC_DEVICE);
	igt_assert_eq_u32(r[2].location, DRM_SVM_LOC_SYSTEM);

	set_preferred(fd, buf + pg(4), pg(4), DRM_SVM_LOC_SYSTEM, -1);
	igt_assert_eq_u32(query(fd, buf, pg(NPAGES), r, 4), 1);
	assert_range(&r[0], buf, 0, NPAGES);
	igt_assert_eq_u32(r[0].location, DRM_SVM_LOC_SYSTEM);

	/* Clearing everything leaves one default range. */
	set_preferred(fd, buf, pg(NPAGES), DRM_SVM_LOC_NONE, -1);
	igt_assert_eq_u32(query(fd, buf, pg(NPAGES), r, 4), 1);
	igt_assert(range_default(&r[0]));
	munmap(buf, pg(NPAGES));
}

/* query-short */

static void test_query_short(void)
{
	uint8_t *buf = svm_alloc(pg(NPAGES));
	struct drm_svm_attr_range r[3];
	int fd = devs[0].fd;
	uint32_t i;

	for (i = 0; i < 4; i++)
		set_read_mostly(fd, buf + pg(4 * i), pg(2), true);
	/* 4 read-mostly ranges and the 4 gaps after them. */
	igt_assert_eq_u32(query(fd, buf, pg(NPAGES), NULL, 0), 8);
	memset(r, 0xa5, sizeof(r));
	igt_assert_eq_u32(query(fd, buf, pg(NPAGES), r, 2), 8);
	assert_range(&r[0], buf, 0, 2);
	assert_range(&r[1], buf, 2, 4);
	igt_assert_eq_u64(r[2].start, 0xa5a5a5a5a5a5a5a5ull);
	munmap(buf, pg(NPAGES));
}

/* munmap-drops, mremap-no-carry */

static void test_munmap_drops(void)
{
	uint8_t *buf = svm_alloc(pg(NPAGES)), *again;
	struct drm_svm_attr_range r[4];
	int fd = devs[0].fd;

	set_preferred(fd, buf, pg(NPAGES), DRM_SVM_LOC_SYSTEM, -1);
	igt_assert_eq(munmap(buf + pg(4), pg(4)), 0);
	igt_assert_eq_u32(query(fd, buf, pg(NPAGES), r, 4), 3);
	assert_range(&r[1], buf, 4, 8);
	igt_assert(range_default(&r[1]));
	igt_assert_eq_u32(r[0].location, DRM_SVM_LOC_SYSTEM);
	igt_assert_eq_u32(r[2].location, DRM_SVM_LOC_SYSTEM);

	again = mmap(buf + pg(4), pg(4), PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	igt_assert(again == buf + pg(4));
	igt_assert_eq_u32(query(fd, again, pg(4), r, 4), 1);
	igt_assert(range_default(&r[0]));
	munmap(buf, pg(NPAGES));
}

static void test_mremap_no_carry(void)
{
	uint8_t *buf = svm_alloc(pg(NPAGES)), *dst = svm_alloc(pg(NPAGES));
	struct drm_svm_attr_range r[2];
	int fd = devs[0].fd;
	uint8_t *moved;

	set_read_mostly(fd, buf, pg(NPAGES), true);
	moved = mremap(buf, pg(NPAGES), pg(NPAGES),
		       MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	igt_assert(moved == dst);
	igt_assert_eq_u32(query(fd, dst, pg(NPAGES), r, 2), 1);
	igt_assert(range_default(&r[0]));
	igt_assert_eq_u32(query(fd, buf, pg(NPAGES), r, 2), 1);
	igt_assert(range_default(&r[0]));
	munmap(dst, pg(NPAGES));
}

/* change-invalidates */

/* Pages of [@ptr, @ptr + @size) that @c's device maps. */
static uint64_t mapped_pages(struct ctx *c, const void *ptr, uint64_t size)
{
	uint64_t i, n = size / svm_page_size(), mapped = 0;
	struct drm_svm_page_residency *r;

	r = svm_residency(c->fd, c->vm, to_u64(ptr), n);
	for (i = 0; i < n; i++)
		mapped += !!(r[i].mapped & (1u << c->d->svm_id));
	free(r);
	return mapped;
}

static void test_change_invalidates(void)
{
	struct ctx c;
	uint8_t *buf;

	ctx_init(&c, &devs[0]);
	buf = svm_alloc_aligned(pg(NPAGES), SZ_2M);
	svm_bind_ptr(c.fd, c.vm, buf, pg(NPAGES),
		     DRM_SVM_BIND_FLAG_NO_MIGRATE);
	svm_pattern_fill(buf, pg(NPAGES), SEED);
	gpu_touch(&c, buf, pg(NPAGES));
	igt_assert_eq_u64(mapped_pages(&c, buf, pg(NPAGES)), NPAGES);

	/* A change on pages [4, 8): just those lose their mapping. */
	set_read_mostly(c.fd, buf + pg(4), pg(4), true);
	igt_assert_eq_u64(mapped_pages(&c, buf, pg(NPAGES)), NPAGES - 4);
	igt_assert_eq_u64(mapped_pages(&c, buf + pg(4), pg(4)), 0);

	gpu_touch(&c, buf, pg(NPAGES));
	igt_assert_eq_u64(mapped_pages(&c, buf, pg(NPAGES)), NPAGES);
	/* The same value again, over more: only the new part changes. */
	set_read_mostly(c.fd, buf + pg(4), pg(4), true);
	igt_assert_eq_u64(mapped_pages(&c, buf, pg(NPAGES)), NPAGES);
	set_read_mostly(c.fd, buf, pg(8), true);
	igt_assert_eq_u64(mapped_pages(&c, buf, pg(4)), 0);
	igt_assert_eq_u64(mapped_pages(&c, buf + pg(4), pg(NPAGES - 4)),
			  NPAGES - 4);
	assert_gpu_sum(&c, buf, pg(NPAGES), pattern_sum(SEED, pg(NPAGES)));

	ctx_fini(&c);
	munmap(buf, pg(NPAGES));
}

/* prefetch-preferred */

static void test_prefetch_preferred(void)
{
	const uint64_t npages = SZ_2M / svm_page_size();
	const struct mig_dev *pref, *dev;
	struct drm_svm_page_residency *r;
	uint64_t faults;
	struct ctx c;
	uint8_t *buf;

	find_pair(PAIR_DIRECT, &pref, &dev);
	ctx_init(&c, dev);
	buf = shared_buf(&c, 1, SZ_2M, 0, SEED);
	set_preferred(c.fd, buf, SZ_2M, DRM_SVM_LOC_DEVICE, pref->fd);

	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), SZ_2M,
				       DRM_SVM_REGION_PREFERRED), npages);
	r = svm_residency(c.fd, c.vm, to_u64(buf), npages);
	igt_assert_eq(mig_residency_bad(pref, r, npages, DEVICE, true, false),
		      -1);
	assert_mapped_by(r, npages, dev, true);
	free(r);
	igt_assert_eq_u64(gpu_checksum(&c, buf, SZ_2M, &faults),
			  pattern_sum(SEED, SZ_2M));
	igt_assert_eq_u64(faults, 0);

	ctx_fini(&c);
	munmap(buf, SZ_2M);
}

/* preferred-* */

static void test_preferred(enum pair_kind kind)
{
	const uint64_t npages = BUF_SIZE / svm_page_size();
	struct svm_dev_stats pref_before, dev_before;
	const struct mig_dev *pref, *dev;
	struct drm_svm_page_residency *r;
	struct stat_delta p, d;
	struct ctx c[2];
	uint32_t round;
	uint8_t *buf;
	bool direct;

	find_pair(kind, &pref, &dev);
	direct = reaches(dev, pref);
	ctx_init(&c[0], pref);
	ctx_init(&c[1], dev);
	buf = shared_buf(c, 2, BUF_SIZE, 0, SEED);
	set_preferred(c[1].fd, buf, BUF_SIZE, DRM_SVM_LOC_DEVICE, pref->fd);

	/* Into the preferred device first; then the other takes turns. */
	gpu_touch(&c[0], buf, BUF_SIZE);
	assert_res(&c[0], buf, BUF_SIZE, DEVICE, true);
	for (round = 0; round < 3; round++) {
		pref_before = svm_dev_stats(pref);
		dev_before = svm_dev_stats(dev);
		igt_assert_eq_u64(gpu_checksum(&c[1], buf, BUF_SIZE, NULL),
				  round ? svm_checksum_fill(round, BUF_SIZE) :
					  pattern_sum(SEED, BUF_SIZE));
		gpu_fill(&c[1], buf, BUF_SIZE, round + 1);

		r = svm_residency(c[1].fd, c[1].vm, to_u64(buf), npages);
		igt_assert_eq(mig_residency_bad(direct ? pref : dev, r, npages,
						direct ? DEVICE : SYSTEM, true,
						false), -1);
		assert_mapped_by(r, npages, dev, direct);
		free(r);
		p = stat_delta(pref, &pref_before);
		d = stat_delta(dev, &dev_before);
		igt_assert_eq_u64(d.to_vram, 0);
		igt_assert_eq_u64(p.to_vram, 0);
		igt_assert_eq_u64(p.to_ram, direct ? 0 : npages);

		/* Sticky: the preferred device pulls the pages back. */
		assert_gpu_sum(&c[0], buf, BUF_SIZE,
			       svm_checksum_fill(round + 1, BUF_SIZE));
		assert_res(&c[0], buf, BUF_SIZE, DEVICE, true);
	}
	svm_assert_value(buf, BUF_SIZE, 3);

	ctx_fini(&c[1]);
	ctx_fini(&c[0]);
	munmap(buf, BUF_SIZE);
}

/* preferred-system */

static void test_preferred_system(void)
{
	struct ctx c;
	uint8_t *buf;

	ctx_init(&c, &devs[0]);
	buf = shared_buf(&c, 1, BUF_SIZE, 0, SEED);
	gpu_touch(&c, buf, BUF_SIZE);
	assert_res(&c, buf, BUF_SIZE, DEVICE, true);

	set_preferred(c.fd, buf, BUF_SIZE, DRM_SVM_LOC_SYSTEM, -1);
	assert_gpu_sum(&c, buf, BUF_SIZE, pattern_sum(SEED, BUF_SIZE));
	assert_res(&c, buf, BUF_SIZE, SYSTEM, true);
	gpu_fill(&c, buf, BUF_SIZE, 0x5157e4);
	assert_res(&c, buf, BUF_SIZE, SYSTEM, true);
	svm_assert_value(buf, BUF_SIZE, 0x5157e4);

	ctx_fini(&c);
	munmap(buf, BUF_SIZE);
}

/* accessed-by-both */

static void test_accessed_by_both(void)
{
	const uint64_t npages = BUF_SIZE / svm_page_size();
	struct svm_dev_stats before[2];
	const struct mig_dev *a, *b;
	struct drm_svm_page_residency *r;
	int32_t fds[2];
	struct ctx c[2];
	uint32_t round;
	uint8_t *buf;

	find_pair(PAIR_DIRECT, &a, &b);
	igt_require(reaches(a, b));
	ctx_init(&c[0], a);
	ctx_init(&c[1], b);
	buf = shared_buf(c, 2, BUF_SIZE, 0, SEED);
	/* The first device brings the pages in, then both share them. */
	gpu_touch(&c[0], buf, BUF_SIZE);
	fds[0] = a->fd;
	fds[1] = b->fd;
	set_accessed_by(a->fd, buf, BUF_SIZE, fds, 2);

	before[0] = svm_dev_stats(a);
	before[1] = svm_dev_stats(b);
	for (round = 0; round < 4; round++) {
		struct ctx *cur = &c[round % 2];

		igt_assert_eq_u64(gpu_checksum(cur, buf, BUF_SIZE, NULL),
				  round ? svm_checksum_fill(round, BUF_SIZE) :
					  pattern_sum(SEED, BUF_SIZE));
		gpu_fill(cur, buf, BUF_SIZE, round + 1);
	}
	r = svm_residency(c[1].fd, c[1].vm, to_u64(buf), npages);
	igt_assert_eq(mig_residency_bad(a, r, npages, DEVICE, true, true), -1);
	assert_mapped_by(r, npages, b, true);
	free(r);
	igt_assert_eq_u64(stat_delta(a, &before[0]).to_vram, 0);
	igt_assert_eq_u64(stat_delta(a, &before[0]).to_ram, 0);
	igt_assert_eq_u64(stat_delta(b, &before[1]).to_vram, 0);
	svm_assert_value(buf, BUF_SIZE, 4);

	ctx_fini(&c[1]);
	ctx_fini(&c[0]);
	munmap(buf, BUF_SIZE);
}

/* conflicting-hints */

#define ROUNDS	3

/* Devices a, b, c: b reaches a's memory, c does not, all in one group. */
static bool find_triple(const struct mig_dev **a, const struct mig_dev **b,
			const struct mig_dev **c)
{
	int i, j, k;

	for (i = 0; i < num_devs; i++)
		for (j = 0; j < num_devs; j++)
			for (k = 0; k < num_devs; k++) {
				if (i == j || j == k || i == k ||
				    !pair_is(&devs[i], &devs[j], PAIR_DIRECT) ||
				    !pair_is(&devs[i], &devs[k],
					     PAIR_UNLINKED))
					continue;
				*a = &devs[i];
				*b = &devs[j];
				*c = &devs[k];
				return true;
			}
	return false;
}

static void test_conflicting_hints(void)
{
	const uint64_t npages = BUF_SIZE / svm_page_size();
	const struct mig_dev *d[3];
	struct svm_dev_stats before[3];
	uint64_t moved = 0, expected;
	unsigned int round, i;
	int32_t fds[2];
	struct ctx c[3];
	uint8_t *buf;

	igt_require_f(find_triple(&d[0], &d[1], &d[2]),
		      "no device with a linked and an unlinked peer\n");
	for (i = 0; i < 3; i++)
		ctx_init(&c[i], d[i]);
	buf = shared_buf(c, 3, BUF_SIZE, 0, SEED);
	set_preferred(c[0].fd, buf, BUF_SIZE, DRM_SVM_LOC_DEVICE, d[0]->fd);
	fds[0] = d[1]->fd;
	fds[1] = d[2]->fd;
	set_accessed_by(c[0].fd, buf, BUF_SIZE, fds, 2);

	for (i = 0; i < 3; i++)
		before[i] = svm_dev_stats(d[i]);
	expected = pattern_sum(SEED, BUF_SIZE);
	for (round = 0; round < ROUNDS; round++) {
		for (i = 0; i < 3; i++) {
			uint32_t v = 0xc0f10000u + round * 3 + i;

			igt_assert_eq_u64(gpu_checksum(&c[i], buf, BUF_SIZE,
						       NULL), expected);
			gpu_fill(&c[i], buf, BUF_SIZE, v);
			expected = svm_checksum_fill(v, BUF_SIZE);
		}
	}
	for (i = 0; i < 3; i++) {
		struct stat_delta s = stat_delta(d[i], &before[i]);

		igt_info("vsvm%u: to_vram %" PRIu64 " to_ram %" PRIu64 "\n",
			 d[i]->index, s.to_vram, s.to_ram);
		moved += s.to_vram + s.to_ram;
		if (i != 1)
			continue;
		igt_assert_eq_u64(s.to_vram, 0);
		igt_assert_eq_u64(s.to_ram, 0);
	}
	/* Out and back per round (a page counts out of one, into another). */
	igt_assert_lte(moved, 2 * 2 * ROUNDS * npages);
	svm_assert_value(buf, BUF_SIZE, 0xc0f10000u + ROUNDS * 3 - 1);

	for (i = 3; i-- > 0;)
		ctx_fini(&c[i]);
	munmap(buf, BUF_SIZE);
}

/* read-mostly */

static void test_read_mostly(void)
{
	struct ctx c;
	uint8_t *buf;

	ctx_init(&c, &devs[0]);
	buf = shared_buf(&c, 1, BUF_SIZE, 0, SEED);
	set_read_mostly(c.fd, buf, BUF_SIZE, true);

	/* Chunk 0 read first; chunk 1 first written (a read would map it). */
	assert_gpu_sum(&c, buf, SZ_2M, pattern_sum(SEED, SZ_2M));
	assert_res(&c, buf, SZ_2M, SYSTEM, true);
	gpu_fill(&c, buf + SZ_2M, SZ_2M, 0x4ead);
	assert_res(&c, buf + SZ_2M, SZ_2M, DEVICE, true);
	assert_res(&c, buf, SZ_2M, SYSTEM, true);
	svm_assert_value(buf + SZ_2M, SZ_2M, 0x4ead);
	svm_assert_pattern(buf, SZ_2M, SEED);

	ctx_fini(&c);
	munmap(buf, BUF_SIZE);
}

/* granularity-* */

static void test_granularity(uint64_t granule)
{
	const uint64_t npages = SZ_2M / svm_page_size();
	struct drm_svm_page_residency *r;
	uint64_t counts[3], at = SZ_1M + granule;
	struct ctx c;
	uint8_t *buf;

	ctx_init(&c, &devs[0]);
	buf = shared_buf(&c, 1, SZ_2M, 0, SEED);
	set_granularity(c.fd, buf, SZ_2M, granule);

	svm_batch_reset(&c.b);
	cmd_store(&c.b, to_u64(buf + at + 8), 0x9a17);
	cmd_end(&c.b);
	run_ok(&c, "store job");

	r = svm_residency(c.fd, c.vm, to_u64(buf), npages);
	svm_residency_count(r, npages, counts);
	igt_assert_eq_u64(counts[DEVICE], granule / svm_page_size());
	igt_assert_eq_u32(r[at / svm_page_size()].location, DEVICE);
	free(r);
	igt_assert_eq_u64(*(uint64_t *)(buf + at + 8), 0x9a17);

	ctx_fini(&c);
	munmap(buf, SZ_2M);
}

/* atomics-* */

/* A batch of @n increments of the word at @addr, with no result word. */
static void emit_increments(struct svm_batch *b, uint64_t addr, unsigned int n)
{
	const uint64_t w[] = { VSVM_CMD_ATOMIC_ADD, addr, 1, 0 };
	unsigned int i;

	svm_batch_reset(b);
	for (i = 0; i < n; i++)
		cmd_emit(b, w, ARRAY_SIZE(w));
	cmd_end(b);
}

/* A device whose atomics work on system memory (@capable), or not. */
static const struct mig_dev *find_atomics(bool capable)
{
	int i;

	for (i = 0; i < num_devs; i++)
		if (!!(topo_device_flags(devs[i].svm_id) & DRM_SVM_DEVICE_ATOMICS_SYSTEM) ==
		    capable)
			return &devs[i];
	igt_skip("no device %s atomics on system memory\n",
		 capable ? "with" : "without");
	return NULL;
}

#define INCREMENTS	100
#define JOBS		8

static void test_atomics_two_devices(void)
{
	const struct mig_dev *a, *b;
	struct svm_fence *f[2];
	struct ctx c[2];
	uint64_t *counter;
	unsigned int job, i;

	find_pair(PAIR_DIRECT, &a, &b);
	ctx_init(&c[0], a);
	ctx_init(&c[1], b);
	counter = (uint64_t *)shared_buf(c, 2, SZ_2M, 0, SEED);
	*counter = 0;
	/* Each migration moves a page, not the chunk. */
	set_granularity(a->fd, counter, SZ_2M, SZ_4K);
	for (i = 0; i < 2; i++) {
		emit_increments(&c[i].b, to_u64(counter), INCREMENTS);
		f[i] = svm_fence_create();
	}

	for (job = 0; job < JOBS; job++) {
		for (i = 0; i < 2; i++)
			svm_exec_batch(c[i].fd, c[i].vm, &c[i].b, f[i]);
		for (i = 0; i < 2; i++) {
			svm_wait_job(c[i].fd, f[i], SVM_JOB_TIMEOUT_NS);
			igt_assert_eq(svm_fence_status(f[i]), 1);
		}
	}
	igt_assert_eq_u64(*counter, 2ull * JOBS * INCREMENTS);

	for (i = 0; i < 2; i++) {
		svm_fence_destroy(f[i]);
		ctx_fini(&c[i]);
	}
	munmap(counter, SZ_2M);
}

static void test_atomics_cpu(void)
{
	struct drm_vsvm_job_query q;
	uint64_t *counter;
	struct ctx c;

	ctx_init(&c, &devs[0]);
	counter = (uint64_t *)shared_buf(&c, 1, SZ_2M, 0, SEED);
	*counter = 41;
	set_atomics(c.fd, counter, SZ_2M, DRM_SVM_ATOMICS_CPU);

	emit_increments(&c.b, to_u64(counter), 1);
	q = svm_run_batch(c.fd, c.vm, &c.b);
	igt_assert_eq_u32(q.status, DRM_VSVM_JOB_FAILED);
	igt_assert_eq(q.error, -EACCES);
	igt_assert_eq_u32(q.fault.access, DRM_SVM_ACCESS_ATOMIC);
	igt_assert_eq_u64(q.fault.address, to_u64(counter));
	igt_assert_eq_u64(*counter, 41);

	/* Plain device writes are not atomics. */
	svm_batch_reset(&c.b);
	cmd_store(&c.b, to_u64(counter), 42);
	cmd_end(&c.b);
	run_ok(&c, "store job");
	igt_assert_eq_u64(*counter, 42);

	ctx_fini(&c);
	munmap(counter, SZ_2M);
}

static void test_atomics_system(bool capable)
{
	const struct mig_dev *d = find_atomics(capable);
	uint64_t *counter;
	struct ctx c;

	ctx_init(&c, d);
	counter = (uint64_t *)shared_buf(&c, 1, SZ_2M, 0, SEED);
	*counter = 7;
	set_preferred(c.fd, counter, SZ_2M, DRM_SVM_LOC_SYSTEM, -1);
	/* A plain access maps it where it is preferred. */
	gpu_touch(&c, counter, SZ_2M);
	assert_res(&c, counter, SZ_2M, SYSTEM, true);

	emit_increments(&c.b, to_u64(counter), 5);
	run_ok(&c, "atomic job");
	assert_res(&c, counter, SZ_2M, capable ? SYSTEM : DEVICE, true);
	igt_assert_eq_u64(*counter, 12);

	ctx_fini(&c);
	munmap(counter, SZ_2M);
}

static void test_atomics_global(void)
{
	const struct mig_dev *d = find_atomics(true);
	const struct mig_dev *weak = find_atomics(false);
	struct drm_vsvm_job_query q;
	uint64_t *counter;
	struct ctx c, w;

	ctx_init(&c, d);
	ctx_init(&w, weak);
	counter = (uint64_t *)shared_buf(&c, 1, SZ_2M, 0, SEED);
	svm_bind_ptr(w.fd, w.vm, counter, SZ_2M, 0);
	*counter = 100;
	gpu_touch(&c, counter, SZ_2M);
	assert_res(&c, counter, SZ_2M, DEVICE, true);

	set_atomics(c.fd, counter, SZ_2M, DRM_SVM_ATOMICS_GLOBAL);
	emit_increments(&c.b, to_u64(counter), 3);
	run_ok(&c, "atomic job");
	assert_res(&c, counter, SZ_2M, SYSTEM, true);
	igt_assert_eq_u64(__atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST),
			  104);

	emit_increments(&w.b, to_u64(counter), 1);
	q = svm_run_batch(w.fd, w.vm, &w.b);
	igt_assert_eq_u32(q.status, DRM_VSVM_JOB_FAILED);
	igt_assert_eq(q.error, -EACCES);
	igt_assert_eq_u32(q.fault.access, DRM_SVM_ACCESS_ATOMIC);
	igt_assert_eq_u64(*counter, 104);

	ctx_fini(&w);
	ctx_fini(&c);
	munmap(counter, SZ_2M);
}

/* madvise-bad-*, query-bad-* */

enum bad_arg {
	BAD_TYPE,
	BAD_FLAGS,
	BAD_RESERVED,
	BAD_EXTENSION,
	BAD_UNALIGNED,
	BAD_ZERO_RANGE,
	BAD_WRAP,
	BAD_LOCATION,
	BAD_SYSTEM_FD,
	BAD_FD_CLOSED,
	BAD_FD_NOT_DRM,
	BAD_TOO_MANY_FDS,
	BAD_FDS_POINTER,
	BAD_GRANULARITY,
	BAD_READ_MOSTLY,
	BAD_VALUE_PAD,
	BAD_ATOMICS,
	BAD_ISOLATED,
};

static const struct bad_case {
	const char *name;
	enum bad_arg arg;
	int err;
} bad_cases[] = {
	{ "type", BAD_TYPE, EINVAL },
	{ "flags", BAD_FLAGS, EINVAL },
	{ "reserved", BAD_RESERVED, EINVAL },
	{ "extension", BAD_EXTENSION, EFAULT },
	{ "unaligned", BAD_UNALIGNED, EINVAL },
	{ "zero-range", BAD_ZERO_RANGE, EINVAL },
	{ "wrap", BAD_WRAP, EINVAL },
	{ "location", BAD_LOCATION, EINVAL },
	{ "system-fd", BAD_SYSTEM_FD, EINVAL },
	{ "fd-closed", BAD_FD_CLOSED, EBADF },
	{ "fd-not-drm", BAD_FD_NOT_DRM, EINVAL },
	{ "too-many-fds", BAD_TOO_MANY_FDS, EINVAL },
	{ "fds-pointer", BAD_FDS_POINTER, EFAULT },
	{ "granularity", BAD_GRANULARITY, EINVAL },
	{ "read-mostly", BAD_READ_MOSTLY, EINVAL },
	{ "value-pad", BAD_VALUE_PAD, EINVAL },
	{ "atomics", BAD_ATOMICS, EINVAL },
	{ "isolated", BAD_ISOLATED, ENOLINK },
	{ }
};

/* An address in the first page, which nothing maps. */
#define BAD_PTR		8

static int32_t many_fds[DRM_SVM_MAX_DEVICES + 1];

/*
 * A valid madvise of @type over @buf, then @arg broken in it. Returns the
 * type; the valid form must work, so that the broken field is the cause.
 */
static void break_madvise(struct drm_svm_madvise *m, enum bad_arg arg,
			  int null_fd)
{
	const struct mig_dev *a, *b;
	unsigned int i;

	switch (arg) {
	case BAD_TYPE:
		m->type = DRM_SVM_ATTR_READ_MOSTLY + 1;
		break;
	case BAD_FLAGS:
		m->flags = 1;
		break;
	case BAD_RESERVED:
		m->reserved[1] = 1;
		break;
	case BAD_EXTENSION:
		m->extensions = BAD_PTR;
		break;
	case BAD_UNALIGNED:
		m->start += 8;
		break;
	case BAD_ZERO_RANGE:
		m->range = 0;
		break;
	case BAD_WRAP:
		m->start = -svm_page_size();
		m->range = 2 * svm_page_size();
		break;
	case BAD_LOCATION:
		m->preferred_loc.location = DRM_SVM_LOC_DEVICE + 1;
		break;
	case BAD_SYSTEM_FD:
		m->preferred_loc.location = DRM_SVM_LOC_SYSTEM;
		break;
	case BAD_FD_CLOSED:
		m->preferred_loc.fd = 1000;
		break;
	case BAD_FD_NOT_DRM:
		m->preferred_loc.fd = null_fd;
		break;
	case BAD_TOO_MANY_FDS:
		for (i = 0; i < DRM_SVM_MAX_DEVICES + 1; i++)
			many_fds[i] = devs[i % num_devs].fd;
		m->type = DRM_SVM_ATTR_ACCESSED_BY;
		m->accessed_by.fds = to_u64(many_fds);
		m->accessed_by.num_fds = DRM_SVM_MAX_DEVICES + 1;
		break;
	case BAD_FDS_POINTER:
		m->type = DRM_SVM_ATTR_ACCESSED_BY;
		m->accessed_by.fds = BAD_PTR;
		m->accessed_by.num_fds = 1;
		break;
	case BAD_GRANULARITY:
		m->type = DRM_SVM_ATTR_GRANULARITY;
		m->value[0] = 8192;
		m->value[1] = 0;
		break;
	case BAD_READ_MOSTLY:
		m->type = DRM_SVM_ATTR_READ_MOSTLY;
		m->value[0] = 2;
		m->value[1] = 0;
		break;
	case BAD_VALUE_PAD:
		m->value[1] = 1;
		break;
	case BAD_ATOMICS:
		m->type = DRM_SVM_ATTR_ATOMICS;
		m->value[0] = DRM_SVM_ATOMICS_CPU + 1;
		m->value[1] = 0;
		break;
	case BAD_ISOLATED:
		/* The preferred device stays; the accessed-by one is apart. */
		find_pair(PAIR_ISOLATED, &a, &b);
		m->preferred_loc.fd = a->fd;
		igt_assert_eq(__svm_madvise(devs[0].fd, m), 0);
		many_fds[0] = b->fd;
		m->type = DRM_SVM_ATTR_ACCESSED_BY;
		m->value[0] = 0;
		m->value[1] = 0;
		m->accessed_by.fds = to_u64(many_fds);
		m->accessed_by.num_fds = 1;
		break;
	}
}

static void test_madvise_bad(const struct bad_case *bc)
{
	uint8_t *buf = svm_alloc(pg(NPAGES));
	struct drm_svm_attr_range r[2];
	struct drm_svm_madvise m;
	int null_fd;

	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	igt_assert_fd(null_fd);
	m = madv(buf, pg(NPAGES), DRM_SVM_ATTR_PREFERRED_LOC);
	m.preferred_loc.location = DRM_SVM_LOC_DEVICE;
	m.preferred_loc.fd = devs[1].fd;
	if (bc->arg != BAD_ISOLATED) {
		/* The valid call works; then the range is reset. */
		igt_assert_eq(__svm_madvise(devs[0].fd, &m), 0);
		set_preferred(devs[0].fd, buf, pg(NPAGES), DRM_SVM_LOC_NONE,
			      -1);
	}

	break_madvise(&m, bc->arg, null_fd);
	igt_assert_eq(__svm_madvise(devs[0].fd, &m), -bc->err);
	/* Nothing changed: no accessed-by set, no new location. */
	igt_assert_eq_u32(query(devs[0].fd, buf, pg(NPAGES), r, 2), 1);
	igt_assert_eq_u32(r[0].accessed_by, 0);
	if (bc->arg != BAD_ISOLATED)
		igt_assert(range_default(&r[0]));
	close(null_fd);
	munmap(buf, pg(NPAGES));
}

static const struct query_bad_case {
	const char *name;
	int err;
} query_bad_cases[] = {
	{ "flags", EINVAL },
	{ "range", EINVAL },
	{ "pointer", EFAULT },
	{ }
};

static void test_query_bad(const struct query_bad_case *bc)
{
	uint8_t *buf = svm_alloc(pg(NPAGES));
	struct drm_svm_attr_range r[2];
	struct drm_svm_attr_query q = {
		.start = to_u64(buf),
		.range = pg(NPAGES),
		.ranges = to_u64(r),
		.num_ranges = 2,
	};

	igt_assert_eq(__svm_attr_query(devs[0].fd, &q), 0);
	q.num_ranges = 2;
	if (!strcmp(bc->name, "flags"))
		q.flags = 1;
	else if (!strcmp(bc->name, "range"))
		q.range = 0;
	else
		q.ranges = BAD_PTR;
	igt_assert_eq(__svm_attr_query(devs[0].fd, &q), -bc->err);
	munmap(buf, pg(NPAGES));
}

/* fork-child */

static void test_fork_child(void)
{
	uint8_t *buf = svm_alloc(pg(NPAGES));

	/* The parent's first call binds the file to its mm. */
	set_read_mostly(devs[0].fd, buf, pg(NPAGES), true);
	igt_fork(child, 1) {
		struct drm_svm_madvise m = madv(buf, pg(NPAGES),
						DRM_SVM_ATTR_READ_MOSTLY);
		struct drm_svm_attr_query q = {
			.start = to_u64(buf),
			.range = pg(NPAGES),
		};

		igt_assert_eq(__svm_madvise(devs[0].fd, &m), -EACCES);
		igt_assert_eq(__svm_attr_query(devs[0].fd, &q), -EACCES);
	}
	igt_waitchildren();
	munmap(buf, pg(NPAGES));
}

igt_main
{
	const struct query_bad_case *qc;
	const struct pair_case *pc;
	const struct bad_case *bc;

	igt_fixture
		multi_devices_open();

	igt_describe("A range without hints reads back as defaults.");
	igt_subtest("defaults")
		test_defaults();

	igt_describe("Each attribute reads back on exactly its range.");
	igt_subtest("set-get")
		test_set_get();

	igt_describe("Ranges split and merge exactly.");
	igt_subtest("split-merge")
		test_split_merge();

	igt_describe("A short array gets what fits, and the count.");
	igt_subtest("query-short")
		test_query_short();

	igt_describe("munmap() drops the attributes of what it unmaps.");
	igt_subtest("munmap-drops")
		test_munmap_drops();

	igt_describe("mremap() does not carry attributes.");
	igt_subtest("mremap-no-carry")
		test_mremap_no_carry();

	igt_describe("A change drops just the mappings it changes.");
	igt_subtest("change-invalidates")
		test_change_invalidates();

	igt_describe("A prefetch to the preferred location, over a link.");
	igt_subtest("prefetch-preferred")
		test_prefetch_preferred();

	for (pc = pair_cases; pc->name; pc++) {
		igt_describe("A preferred location is sticky.");
		igt_subtest_f("preferred-%s", pc->name)
			test_preferred(pc->kind);
	}

	igt_describe("Preferred location system memory.");
	igt_subtest("preferred-system")
		test_preferred_system();

	igt_describe("Two accessed-by devices share pages without moving them.");
	igt_subtest("accessed-by-both")
		test_accessed_by_both();

	igt_describe("Conflicting hints: right data, bounded moves.");
	igt_subtest("conflicting-hints")
		test_conflicting_hints();

	igt_describe("Read faults never move a read-mostly range.");
	igt_subtest("read-mostly")
		test_read_mostly();

	igt_describe("One fault moves one 4 KiB granule.");
	igt_subtest("granularity-4k")
		test_granularity(SZ_4K);

	igt_describe("One fault moves one 64 KiB granule.");
	igt_subtest("granularity-64k")
		test_granularity(SZ_64K);

	igt_describe("Two devices increment one counter at once, exactly.");
	igt_subtest("atomics-two-devices")
		test_atomics_two_devices();

	igt_describe("A device atomic fails where only the CPU does atomics.");
	igt_subtest("atomics-cpu")
		test_atomics_cpu();

	igt_describe("A device with atomics on system memory does them there.");
	igt_subtest("atomics-system-capable")
		test_atomics_system(true);

	igt_describe("A device without moves the page into its VRAM first.");
	igt_subtest("atomics-system-incapable")
		test_atomics_system(false);

	igt_describe("Device and CPU atomics meet in system memory.");
	igt_subtest("atomics-global")
		test_atomics_global();

	for (bc = bad_cases; bc->name; bc++) {
		igt_describe("madvise rejects one bad argument.");
		igt_subtest_f("madvise-bad-%s", bc->name)
			test_madvise_bad(bc);
	}

	for (qc = query_bad_cases; qc->name; qc++) {
		igt_describe("The attribute query rejects one bad argument.");
		igt_subtest_f("query-bad-%s", qc->name)
			test_query_bad(qc);
	}

	igt_describe("A fork child cannot use the parent's attribute file.");
	igt_subtest("fork-child")
		test_fork_child();

	igt_fixture
		multi_devices_close();
}

/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The drm_svm authors
 *
 * Helpers for the multi-device tests: the vsvm devices of the system, the
 * topology the core reports for them, the kinds of device pairs the tests
 * look for, and the counters that tell a direct move from a bounce.
 * Header only, built on IGT and libdrm API alone (see vsvm_svm_lib.h).
 */
#ifndef VSVM_MULTI_LIB_H
#define VSVM_MULTI_LIB_H

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <xf86drm.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_svm_lib.h"
#include "vsvm_migrate_lib.h"

#define MAX_DEVS	8
#define MAX_LINKS	(DRM_SVM_MAX_DEVICES * (DRM_SVM_MAX_DEVICES - 1))

#define SYSTEM		DRM_SVM_RESIDENT_SYSTEM
#define DEVICE		DRM_SVM_RESIDENT_DEVICE

static struct mig_dev devs[MAX_DEVS];
static int num_devs;

static struct drm_svm_topology_device topo_devs[DRM_SVM_MAX_DEVICES];
static struct drm_svm_topology_link topo_links[MAX_LINKS];
static uint32_t num_topo_devs, num_topo_links;

static inline int __svm_topology(int fd, struct drm_svm_topology *t)
{
	if (drmIoctl(fd, DRM_IOCTL_VSVM_TOPOLOGY, t))
		return -errno;
	return 0;
}

static inline void topology_read(void)
{
	struct drm_svm_topology t = {
		.num_devices = DRM_SVM_MAX_DEVICES,
		.num_links = MAX_LINKS,
		.devices = to_u64(topo_devs),
		.links = to_u64(topo_links),
	};

	igt_assert_eq(__svm_topology(devs[0].fd, &t), 0);
	igt_assert_lte(t.num_devices, DRM_SVM_MAX_DEVICES);
	igt_assert_lte(t.num_links, MAX_LINKS);
	num_topo_devs = t.num_devices;
	num_topo_links = t.num_links;
}

/* The link from SVM device @from to @to, or NULL. */
static inline const struct drm_svm_topology_link *link_of(uint32_t from,
							  uint32_t to)
{
	uint32_t i;

	for (i = 0; i < num_topo_links; i++)
		if (topo_links[i].from == from && topo_links[i].to == to)
			return &topo_links[i];
	return NULL;
}

static inline const struct drm_svm_topology_device *topo_device(uint32_t id)
{
	uint32_t i;

	for (i = 0; i < num_topo_devs; i++)
		if (topo_devs[i].id == id)
			return &topo_devs[i];
	return NULL;
}

/* The isolation group of SVM device @id, or -1 when it is unknown. */
static inline int64_t group_of(uint32_t id)
{
	const struct drm_svm_topology_device *d = topo_device(id);

	return d ? (int64_t)d->group : -1;
}

/* The topology's flags of SVM device @id (DRM_SVM_DEVICE_*). */
static inline uint32_t topo_device_flags(uint32_t id)
{
	const struct drm_svm_topology_device *d = topo_device(id);

	return d ? d->flags : 0;
}

/* Whether @a maps and copies @b's memory directly. */
static inline bool reaches(const struct mig_dev *a, const struct mig_dev *b)
{
	const struct drm_svm_topology_link *l = link_of(a->svm_id, b->svm_id);

	return a == b || (l && (l->flags & DRM_SVM_LINK_PEER));
}

enum pair_kind {
	PAIR_DIRECT,
	PAIR_UNLINKED,
	PAIR_ISOLATED,
};

static const struct pair_case {
	const char *name;
	enum pair_kind kind;
} pair_cases[] = {
	{ "direct", PAIR_DIRECT },
	{ "unlinked", PAIR_UNLINKED },
	{ "isolated", PAIR_ISOLATED },
	{ }
};

static inline bool pair_is(const struct mig_dev *src,
			   const struct mig_dev *dst, enum pair_kind kind)
{
	bool same_group = group_of(src->svm_id) == group_of(dst->svm_id);
	bool linked = link_of(dst->svm_id, src->svm_id);

	switch (kind) {
	case PAIR_DIRECT:
		return reaches(dst, src);
	case PAIR_UNLINKED:
		return same_group && !linked;
	case PAIR_ISOLATED:
		return !same_group && linked;
	}
	return false;
}

/*
 * Devices @src (where the data is) and @dst (which wants it) of kind
 * @kind, or a skip when the topology has no such pair.
 */
static inline void find_pair(enum pair_kind kind,
			     const struct mig_dev **src,
			     const struct mig_dev **dst)
{
	int i, j;

	for (i = 0; i < num_devs; i++) {
		for (j = 0; j < num_devs; j++) {
			if (i != j && pair_is(&devs[i], &devs[j], kind)) {
				*src = &devs[i];
				*dst = &devs[j];
				igt_info("pair: vsvm%u -> vsvm%u\n",
					 devs[i].index, devs[j].index);
				return;
			}
		}
	}
	igt_skip("no such device pair in this topology\n");
}

/* The change of the counters of @d since @before. */
struct stat_delta {
	uint64_t to_vram;
	uint64_t to_ram;
	uint64_t from_peer;
	uint64_t bounces;
};

static inline struct stat_delta stat_delta(const struct mig_dev *d,
					   const struct svm_dev_stats *before)
{
	struct svm_dev_stats now = svm_dev_stats(d);

	return (struct stat_delta) {
		.to_vram = now.pages_to_vram - before->pages_to_vram,
		.to_ram = now.pages_to_ram - before->pages_to_ram,
		.from_peer = now.pages_from_peer - before->pages_from_peer,
		.bounces = now.bounces - before->bounces,
	};
}

/*
 * The counters after @npages moved from @src's VRAM into @dst's, in
 * @nchunks chunks: directly, or bounced through system memory.
 */
static inline void assert_moved(const struct mig_dev *src,
				const struct svm_dev_stats *src_before,
				const struct mig_dev *dst,
				const struct svm_dev_stats *dst_before,
				uint64_t npages, uint64_t nchunks)
{
	struct stat_delta s = stat_delta(src, src_before);
	struct stat_delta d = stat_delta(dst, dst_before);
	bool direct = reaches(dst, src);

	igt_info("vsvm%u -> vsvm%u (%s): to_vram %" PRIu64 " from_peer %"
		 PRIu64 " bounces %" PRIu64 ", source to_ram %" PRIu64 "\n",
		 src->index, dst->index, direct ? "direct" : "bounce",
		 d.to_vram, d.from_peer, d.bounces, s.to_ram);
	igt_assert_eq_u64(d.to_vram, npages);
	igt_assert_eq_u64(d.from_peer, direct ? npages : 0);
	igt_assert_eq_u64(d.bounces, direct ? 0 : nchunks);
	igt_assert_eq_u64(s.to_ram, direct ? 0 : npages);
}

/*
 * A 2 MiB aligned buffer bound in the VMs of @c[0 .. @n) at its CPU
 * address (the last one with @flags_last), with the pattern of @seed.
 */
static inline uint8_t *shared_buf(struct ctx *c, int n, uint64_t size,
				  uint32_t flags_last, uint32_t seed)
{
	uint8_t *buf = svm_alloc_aligned(size, SZ_2M);
	int i;

	for (i = 0; i < n; i++)
		svm_bind_ptr(c[i].fd, c[i].vm, buf, size,
			     i == n - 1 ? flags_last : 0);
	svm_pattern_fill(buf, size, seed);
	return buf;
}

/* The GPU checksum of svm_pattern_fill(@seed) over @len bytes. */
static inline uint64_t pattern_sum(uint32_t seed, uint64_t len)
{
	uint8_t *shadow = malloc(len);
	uint64_t sum;

	igt_assert(shadow);
	svm_pattern_fill(shadow, len, seed);
	sum = svm_checksum(shadow, len);
	free(shadow);
	return sum;
}

/* Every page of @r is mapped by @d, remotely exactly when @remote. */
static inline void assert_mapped_by(const struct drm_svm_page_residency *r,
				    uint64_t n, const struct mig_dev *d,
				    bool remote)
{
	uint64_t i;

	for (i = 0; i < n; i++) {
		igt_assert_f(r[i].mapped & (1u << d->svm_id),
			     "page %" PRIu64 " not mapped by vsvm%u\n", i,
			     d->index);
		igt_assert_f(!!(r[i].mapped_remote & (1u << d->svm_id)) ==
			     remote, "page %" PRIu64 ": mapped_remote %#x\n",
			     i, r[i].mapped_remote);
		if (!remote)
			igt_assert_eq_u32(r[i].mapped_remote, 0);
	}
}

/* No page of @r is mapped by @d. */
static inline void assert_mapped_by_none(const struct drm_svm_page_residency *r,
					 uint64_t n, const struct mig_dev *d)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		igt_assert_f(!(r[i].mapped & (1u << d->svm_id)),
			     "page %" PRIu64 " still mapped by vsvm%u\n", i,
			     d->index);
}

/* Opens every vsvm device and reads the topology; for a fixture. */
static inline void multi_devices_open(void)
{
	struct drm_vsvm_device_query q = {};
	int i;

	num_devs = vsvm_count_devices();
	igt_require_f(num_devs >= 2, "needs two vsvm devices, has %d\n",
		      num_devs);
	igt_assert_lte(num_devs, MAX_DEVS);
	for (i = 0; i < num_devs; i++)
		igt_assert(mig_dev_open(&devs[i], i));
	vsvm_require_uapi(devs[0].fd, &q);
	topology_read();
	igt_info("%d devices, %s VRAM, %u links\n", num_devs,
		 mig_mode_str(devs[0].vram_mode), num_topo_links);
}

static inline void multi_devices_close(void)
{
	int i;

	for (i = 0; i < num_devs; i++)
		close(devs[i].fd);
}

#endif /* VSVM_MULTI_LIB_H */

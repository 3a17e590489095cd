// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm multi
 * Category: Core
 * Description: SVM across several vsvm devices of one process: the
 *		topology the core reports, direct device-to-device migration
 *		over a link, bounces through system memory between devices
 *		that cannot reach each other (no link, or different
 *		isolation groups), and peer mapping. The subtests find the
 *		device pairs they need in the topology that vsvm was loaded
 *		with (its ``links`` and ``groups`` parameters) and skip when
 *		there is none. Every subtest checks the data, the residency
 *		snapshot and the core's counters.
 *
 * SUBTEST: topology
 * Description: The topology query reports every vsvm device with the
 *		group and the atomics capability, and every link, that the
 *		module parameters configured,
 *		both directions, flagged PEER exactly when the two devices
 *		share a group; a query with both counts zero sizes the
 *		arrays, and one with a short array writes only what fits.
 *
 * SUBTEST: d2d-fault-%s
 * Description: Pages in one device's VRAM, a job on another device that
 *		faults on them moves them into its own VRAM: directly when
 *		it reaches the first device (pages_from_peer counts them,
 *		nothing goes to system memory), through system memory
 *		otherwise (one bounce per chunk, pages_to_ram of the
 *		source counts them). The data is checked on the GPU and
 *		the CPU afterwards.
 *
 * arg[1]:
 *
 * @direct:		a linked pair in one isolation group
 * @unlinked:		a pair without a link, in one group
 * @isolated:		a linked pair in two isolation groups
 *
 * SUBTEST: d2d-prefetch-%s
 * Description: As d2d-fault, with a DEVICE prefetch on the second device,
 *		which reports every page as moved; the job after it takes
 *		no fault.
 *
 * arg[1]:
 *
 * @direct:		a linked pair in one isolation group
 * @unlinked:		a pair without a link, in one group
 * @isolated:		a linked pair in two isolation groups
 *
 * SUBTEST: chain
 * Description: A buffer visits every device in index order and then
 *		system memory; each device checks what the previous one
 *		wrote, then writes its own value. Each hop is direct or a
 *		bounce as the topology says, proven by the counters.
 *
 * SUBTEST: peer-map-%s
 * Description: Pages in one device's VRAM, read and written by a job of
 *		another device through a NO_MIGRATE binding: a device that
 *		reaches the first maps the pages over the link (residency
 *		says mapped remotely, nothing migrates); one that does not
 *		gets them through system memory and no remote mapping
 *		exists anywhere.
 *
 * arg[1]:
 *
 * @direct:		a linked pair in one isolation group
 * @unlinked:		a pair without a link, in one group
 * @isolated:		a linked pair in two isolation groups
 *
 * SUBTEST: evict-remote
 * Description: A chunk in one device's VRAM that a linked device maps over
 *		the link is evicted when the first device's VRAM fills up:
 *		the linked device's mapping goes with it, and its next job
 *		reads the data from system memory.
 *
 * SUBTEST: device-time
 * Description: The modelled device time a job reports follows where its
 *		pages are: a checksum over the device's own VRAM, over a
 *		peer's VRAM across a fabric and across PCIe, and over system
 *		memory each costs what the cost parameters of vsvm say per
 *		page, and a job whose faults migrate its pages also pays the
 *		copies.
 *
 * SUBTEST: spread-exit
 * Description: A child process puts one chunk in the VRAM of every
 *		device and exits: VRAM in use is back where it was on all
 *		of them.
 *
 * SUBTEST: spread-close
 * Description: As spread-exit, but the process closes its VMs and files
 *		first: the data is still right, read by the CPU, and VRAM
 *		in use is back where it was once the buffer is unmapped.
 *
 * SUBTEST: topology-bad-%s
 * Description: The topology query with one bad argument fails with the
 *		documented errno.
 *
 * arg[1]:
 *
 * @flags:		non-zero flags, EINVAL
 * @pad:		non-zero pad, EINVAL
 * @reserved-0:		non-zero reserved[0], EINVAL
 * @reserved-1:		non-zero reserved[1], EINVAL
 * @extension:		an unreadable extension pointer, EFAULT
 * @devices:		an unwritable devices array, EFAULT
 * @links:		an unwritable links array, EFAULT
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

/* Two chunks of 2 MiB, so that counts per chunk are visible. */
#define BUF_SIZE	(2 * SZ_2M)
#define BUF_CHUNKS	(BUF_SIZE / SZ_2M)
#define SEED		0x5eed0000u

/* topology */

/*
 * Entry @index of vsvm's array parameter @name, in *@tok (a buffer of
 * @len); false when the array has fewer entries.
 */
static bool param_entry(const char *name, unsigned int index, char *tok,
			size_t len)
{
	char path[128], line[256], *p = line, *t;
	unsigned int i = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/vsvm/parameters/%s", name);
	f = fopen(path, "re");
	igt_assert_f(f, "%s: %s\n", path, strerror(errno));
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	while ((t = strsep(&p, ",\n")) && *t) {
		if (i++ == index) {
			snprintf(tok, len, "%s", t);
			return true;
		}
	}
	return false;
}

/* The group vsvm was told to give device @index (default 0). */
static uint32_t param_group(unsigned int index)
{
	char tok[32];

	return param_entry("groups", index, tok, sizeof(tok)) ?
	       strtoul(tok, NULL, 0) : 0;
}

/* Whether device @index does atomics on system memory (default yes). */
static bool param_atomics_sysmem(unsigned int index)
{
	char tok[32];

	return !param_entry("atomics_sysmem", index, tok, sizeof(tok)) ||
	       *tok == 'Y' || *tok == '1';
}

static uint32_t class_of(const char *name)
{
	if (!strcmp(name, "pcie"))
		return DRM_SVM_LINK_PCIE;
	if (!strcmp(name, "fabric"))
		return DRM_SVM_LINK_FABRIC;
	igt_assert_f(false, "unknown link class '%s'\n", name);
	return DRM_SVM_LINK_NONE;
}

static const struct mig_dev *dev_by_index(unsigned int index)
{
	int i;

	for (i = 0; i < num_devs; i++)
		if (devs[i].index == index)
			return &devs[i];
	igt_assert_f(false, "no vsvm%u\n", index);
	return NULL;
}

/* One configured link, both directions, as the query must show it. */
static void check_param_link(unsigned int a, unsigned int b, uint32_t class)
{
	const struct mig_dev *da = dev_by_index(a), *db = dev_by_index(b);
	const struct drm_svm_topology_link *l;
	bool peer = param_group(a) == param_group(b);
	int dir;

	for (dir = 0; dir < 2; dir++) {
		l = dir ? link_of(db->svm_id, da->svm_id) :
			  link_of(da->svm_id, db->svm_id);
		igt_assert_f(l, "no link vsvm%u -> vsvm%u\n", dir ? b : a,
			     dir ? a : b);
		igt_assert_eq_u32(l->class, class);
		igt_assert_eq(!!(l->flags & DRM_SVM_LINK_PEER), peer);
		igt_assert(l->bandwidth > 0);
		igt_assert(l->latency > 0);
	}
}

static void test_topology(void)
{
	struct drm_svm_topology_link small[2];
	struct drm_svm_topology t = {};
	char line[512], *p = line, *tok, class[16];
	unsigned int a, b, nparam = 0, nvsvm = 0;
	uint32_t i;
	FILE *f;
	int k;

	/* Sizing. */
	igt_assert_eq(__svm_topology(devs[0].fd, &t), 0);
	igt_assert_eq_u32(t.num_devices, num_topo_devs);
	igt_assert_eq_u32(t.num_links, num_topo_links);

	for (k = 0; k < num_devs; k++) {
		igt_assert_eq(group_of(devs[k].svm_id),
			      param_group(devs[k].index));
		igt_assert_eq(!!(topo_device_flags(devs[k].svm_id) &
				 DRM_SVM_DEVICE_ATOMICS_SYSTEM),
			      param_atomics_sysmem(devs[k].index));
	}

	f = fopen("/sys/module/vsvm/parameters/links", "re");
	igt_assert(f);
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	while ((tok = strsep(&p, ",\n")) && *tok) {
		igt_assert_f(sscanf(tok, "%u-%u:%15s", &a, &b, class) == 3,
			     "links parameter entry '%s'\n", tok);
		check_param_link(a, b, class_of(class));
		nparam++;
	}
	for (i = 0; i < num_topo_links; i++) {
		for (k = 0; k < num_devs; k++)
			nvsvm += topo_links[i].from == devs[k].svm_id;
	}
	igt_info("%u links configured, %u entries from vsvm devices\n",
		 nparam, nvsvm);
	igt_assert_eq_u32(nvsvm, 2 * nparam);

	/* A short array: one entry written, the count says how many exist. */
	igt_require(num_topo_links >= 2);
	memset(small, 0xa5, sizeof(small));
	memset(&t, 0, sizeof(t));
	t.num_links = 1;
	t.links = to_u64(small);
	igt_assert_eq(__svm_topology(devs[0].fd, &t), 0);
	igt_assert_eq_u32(t.num_links, num_topo_links);
	igt_assert_eq(memcmp(&small[0], &topo_links[0], sizeof(small[0])), 0);
	igt_assert_eq_u32(small[1].from, 0xa5a5a5a5);
}

/* d2d-fault-*, d2d-prefetch-* */

static void test_d2d(enum pair_kind kind, bool prefetch)
{
	const uint64_t npages = BUF_SIZE / svm_page_size();
	struct svm_dev_stats src_before, dst_before;
	const struct mig_dev *src, *dst;
	struct ctx c[2];
	uint64_t faults;
	uint8_t *buf;

	find_pair(kind, &src, &dst);
	ctx_init(&c[0], src);
	ctx_init(&c[1], dst);
	buf = shared_buf(c, 2, BUF_SIZE, 0, SEED);

	gpu_touch(&c[0], buf, BUF_SIZE);
	assert_res(&c[0], buf, BUF_SIZE, DEVICE, true);

	src_before = svm_dev_stats(src);
	dst_before = svm_dev_stats(dst);
	if (prefetch)
		igt_assert_eq_u64(svm_prefetch(c[1].fd, c[1].vm, to_u64(buf),
					       BUF_SIZE, DRM_SVM_REGION_DEVICE),
				  npages);
	igt_assert_eq_u64(gpu_checksum(&c[1], buf, BUF_SIZE, &faults),
			  pattern_sum(SEED, BUF_SIZE));
	if (prefetch)
		igt_assert_eq_u64(faults, 0);
	assert_res(&c[1], buf, BUF_SIZE, DEVICE, true);
	assert_moved(src, &src_before, dst, &dst_before, npages, BUF_CHUNKS);

	/* Written on the second device, read back by the CPU. */
	gpu_fill(&c[1], buf, BUF_SIZE, 0xd2d0d2d0);
	svm_assert_value(buf, BUF_SIZE, 0xd2d0d2d0);

	ctx_fini(&c[1]);
	ctx_fini(&c[0]);
	munmap(buf, BUF_SIZE);
}

/* chain */

static void test_chain(void)
{
	const uint64_t npages = BUF_SIZE / svm_page_size();
	struct svm_dev_stats before[MAX_DEVS];
	struct ctx c[MAX_DEVS];
	uint64_t expected;
	uint8_t *buf;
	int i;

	igt_require(num_devs >= 3);
	for (i = 0; i < num_devs; i++)
		ctx_init(&c[i], &devs[i]);
	buf = shared_buf(c, num_devs, BUF_SIZE, 0, SEED);
	expected = pattern_sum(SEED, BUF_SIZE);

	for (i = 0; i < num_devs; i++) {
		if (i)
			before[i - 1] = svm_dev_stats(&devs[i - 1]);
		before[i] = svm_dev_stats(&devs[i]);
		igt_assert_eq_u64(gpu_checksum(&c[i], buf, BUF_SIZE, NULL),
				  expected);
		assert_res(&c[i], buf, BUF_SIZE, DEVICE, true);
		if (i)
			assert_moved(&devs[i - 1], &before[i - 1], &devs[i],
				     &before[i], npages, BUF_CHUNKS);
		gpu_fill(&c[i], buf, BUF_SIZE, 0xc4a10000u + i);
		expected = svm_checksum_fill(0xc4a10000u + i, BUF_SIZE);
	}

	/* Last stop: system memory. */
	i = num_devs - 1;
	igt_assert_eq_u64(svm_prefetch(c[i].fd, c[i].vm, to_u64(buf),
				       BUF_SIZE, DRM_SVM_REGION_SYSTEM),
			  npages);
	assert_res(&c[i], buf, BUF_SIZE, SYSTEM, true);
	svm_assert_value(buf, BUF_SIZE, 0xc4a10000u + i);

	for (i = num_devs; i-- > 0;)
		ctx_fini(&c[i]);
	munmap(buf, BUF_SIZE);
}

/* peer-map-* */

static void test_peer_map(enum pair_kind kind)
{
	const uint64_t npages = BUF_SIZE / svm_page_size();
	struct svm_dev_stats src_before, dst_before;
	const struct mig_dev *src, *dst;
	struct drm_svm_page_residency *r;
	struct stat_delta s, d;
	struct ctx c[2];
	uint8_t *buf;
	bool direct;

	find_pair(kind, &src, &dst);
	direct = reaches(dst, src);
	ctx_init(&c[0], src);
	ctx_init(&c[1], dst);
	/* The second device mirrors only: it never migrates the pages. */
	buf = shared_buf(c, 2, BUF_SIZE, DRM_SVM_BIND_FLAG_NO_MIGRATE, SEED);
	gpu_touch(&c[0], buf, BUF_SIZE);
	assert_res(&c[0], buf, BUF_SIZE, DEVICE, true);

	src_before = svm_dev_stats(src);
	dst_before = svm_dev_stats(dst);
	igt_assert_eq_u64(gpu_checksum(&c[1], buf, BUF_SIZE, NULL),
			  pattern_sum(SEED, BUF_SIZE));
	gpu_fill(&c[1], buf, BUF_SIZE, 0x9ee70000u);

	r = svm_residency(c[1].fd, c[1].vm, to_u64(buf), npages);
	igt_assert_eq(mig_residency_bad(direct ? src : dst, r, npages,
					direct ? DEVICE : SYSTEM, true,
					false), -1);
	assert_mapped_by(r, npages, dst, direct);
	free(r);

	s = stat_delta(src, &src_before);
	d = stat_delta(dst, &dst_before);
	igt_assert_eq_u64(d.to_vram, 0);
	igt_assert_eq_u64(s.to_ram, direct ? 0 : npages);

	/* The first device and the CPU see what the second one wrote. */
	assert_gpu_sum(&c[0], buf, BUF_SIZE,
		       svm_checksum_fill(0x9ee70000u, BUF_SIZE));
	svm_assert_value(buf, BUF_SIZE, 0x9ee70000u);

	ctx_fini(&c[1]);
	ctx_fini(&c[0]);
	munmap(buf, BUF_SIZE);
}

/* evict-remote */

static void test_evict_remote(void)
{
	const uint64_t npages = SZ_2M / svm_page_size();
	struct svm_dev_stats before;
	const struct mig_dev *a, *b;
	struct drm_svm_page_residency *r;
	uint8_t *buf, *fill;
	uint64_t fill_size;
	struct ctx c[2];

	find_pair(PAIR_DIRECT, &a, &b);
	fill_size = a->vram_size;
	ctx_init(&c[0], a);
	ctx_init(&c[1], b);
	buf = shared_buf(c, 2, SZ_2M, DRM_SVM_BIND_FLAG_NO_MIGRATE, SEED);
	gpu_touch(&c[0], buf, SZ_2M);
	assert_gpu_sum(&c[1], buf, SZ_2M, pattern_sum(SEED, SZ_2M));
	r = svm_residency(c[1].fd, c[1].vm, to_u64(buf), npages);
	igt_assert_eq(mig_residency_bad(a, r, npages, DEVICE, true, false), -1);
	assert_mapped_by(r, npages, b, true);
	free(r);

	/* As much again as the VRAM holds: the oldest block must go. */
	before = svm_dev_stats(a);
	fill = ctx_buf(&c[0], fill_size);
	gpu_fill(&c[0], fill, fill_size, 0xf111);
	igt_assert_lte(1, svm_dev_stats(a).evictions - before.evictions);

	r = svm_residency(c[1].fd, c[1].vm, to_u64(buf), npages);
	igt_assert_eq(mig_residency_bad(a, r, npages, SYSTEM, true, false),
		      -1);
	assert_mapped_by_none(r, npages, b);
	free(r);
	assert_gpu_sum(&c[1], buf, SZ_2M, pattern_sum(SEED, SZ_2M));
	svm_assert_pattern(buf, SZ_2M, SEED);

	ctx_fini(&c[1]);
	ctx_fini(&c[0]);
	munmap(fill, fill_size);
	munmap(buf, SZ_2M);
}

/* device-time */

/* A scalar parameter of vsvm. */
static uint64_t vsvm_param(const char *name)
{
	char tok[32];

	igt_assert_f(param_entry(name, 0, tok, sizeof(tok)),
		     "vsvm parameter %s is empty\n", name);
	return strtoull(tok, NULL, 0);
}

/* Modelled picoseconds of accessing @bytes in one page at @kind. */
static uint64_t access_ps(const char *kind, uint64_t bytes)
{
	char bw[32], lat[32];

	snprintf(bw, sizeof(bw), "%s_mbps", kind);
	snprintf(lat, sizeof(lat), "%s_ns", kind);
	return vsvm_param(lat) * 1000 + bytes * 1000000 / vsvm_param(bw);
}

/* A peer that @d reaches over a link of @class, or NULL. */
static const struct mig_dev *peer_over(const struct mig_dev *d, uint32_t class)
{
	const struct drm_svm_topology_link *l;
	int i;

	for (i = 0; i < num_devs; i++) {
		l = link_of(d->svm_id, devs[i].svm_id);
		if (l && l->class == class && (l->flags & DRM_SVM_LINK_PEER))
			return &devs[i];
	}
	return NULL;
}

/* Device time of a checksum job of @c over @buf; the sum is checked. */
static uint64_t checksum_time(struct ctx *c, const void *buf, uint64_t size,
			      uint64_t sum)
{
	struct drm_vsvm_job_query q;
	uint64_t *res;

	svm_batch_reset(&c->b);
	res = cmd_checksum(&c->b, to_u64(buf), size);
	cmd_end(&c->b);
	q = run_ok(c, "checksum job");
	igt_assert_eq_u64(*res, sum);
	return q.device_time_ns;
}

/*
 * The job's time is @npages accesses of @per_page ps plus @extra_ps,
 * give or take the few accesses of the batch and the result word.
 */
static void assert_time(const char *what, uint64_t ns, uint64_t npages,
			uint64_t per_page, uint64_t extra_ps)
{
	uint64_t want = (npages * per_page + extra_ps) / 1000;
	uint64_t slack = 16 * access_ps("pcie", 4096) / 1000;

	igt_info("%s: %" PRIu64 " ns, model %" PRIu64 " ns\n", what, ns, want);
	igt_assert_f(ns + slack >= want && ns <= want + slack,
		     "%s: %" PRIu64 " ns, expected %" PRIu64 " +- %" PRIu64
		     "\n", what, ns, want, slack);
}

static void test_device_time(void)
{
	const uint64_t npages = SZ_2M / svm_page_size();
	const struct mig_dev *d = &devs[0], *fabric, *pcie;
	uint64_t sum = pattern_sum(SEED, SZ_2M), t_vram, t_fab, t_pcie, t_sys;
	uint64_t page = svm_page_size();
	struct ctx c[3];
	uint8_t *buf;

	/* The first device with both kinds of peer. */
	for (d = devs; d < devs + num_devs; d++) {
		fabric = peer_over(d, DRM_SVM_LINK_FABRIC);
		pcie = peer_over(d, DRM_SVM_LINK_PCIE);
		if (fabric && pcie)
			break;
	}
	igt_require_f(d < devs + num_devs,
		      "no device with a fabric and a PCIe peer\n");
	ctx_init(&c[0], d);
	ctx_init(&c[1], fabric);
	ctx_init(&c[2], pcie);

	/* System memory, mirrored only; then the device's VRAM. */
	buf = shared_buf(c, 1, SZ_2M, DRM_SVM_BIND_FLAG_NO_MIGRATE, SEED);
	checksum_time(&c[0], buf, SZ_2M, sum);
	t_sys = checksum_time(&c[0], buf, SZ_2M, sum);
	assert_time("system memory", t_sys, npages, access_ps("sysmem", page),
		    0);
	munmap(buf, SZ_2M);

	buf = shared_buf(c, 1, SZ_2M, 0, SEED);
	/* Migrating from system memory: the copies, then VRAM accesses. */
	assert_time("migrate and read", checksum_time(&c[0], buf, SZ_2M, sum),
		    npages, access_ps("vram", page),
		    npages * (access_ps("sysmem", page) -
			      vsvm_param("sysmem_ns") * 1000));
	t_vram = checksum_time(&c[0], buf, SZ_2M, sum);
	assert_time("own VRAM", t_vram, npages, access_ps("vram", page), 0);
	munmap(buf, SZ_2M);

	/* In a peer's VRAM, mapped over the link. */
	buf = svm_alloc_aligned(SZ_2M, SZ_2M);
	svm_bind_ptr(c[1].fd, c[1].vm, buf, SZ_2M, 0);
	svm_bind_ptr(c[2].fd, c[2].vm, buf, SZ_2M, 0);
	svm_bind_ptr(c[0].fd, c[0].vm, buf, SZ_2M,
		     DRM_SVM_BIND_FLAG_NO_MIGRATE);
	svm_pattern_fill(buf, SZ_2M, SEED);
	gpu_touch(&c[1], buf, SZ_2M);
	checksum_time(&c[0], buf, SZ_2M, sum);
	t_fab = checksum_time(&c[0], buf, SZ_2M, sum);
	assert_time("peer over a fabric", t_fab, npages,
		    access_ps("fabric", page), 0);
	gpu_touch(&c[2], buf, SZ_2M);
	checksum_time(&c[0], buf, SZ_2M, sum);
	t_pcie = checksum_time(&c[0], buf, SZ_2M, sum);
	assert_time("peer over PCIe", t_pcie, npages, access_ps("pcie", page),
		    0);
	igt_assert(t_vram < t_fab && t_fab < t_pcie);

	ctx_fini(&c[2]);
	ctx_fini(&c[1]);
	ctx_fini(&c[0]);
	munmap(buf, SZ_2M);
}

/* spread-exit, spread-close */

/*
 * One chunk per device: a buffer of one chunk per device, bound in a VM
 * of each, chunk i prefetched into device i's VRAM.
 */
static uint8_t *spread(struct ctx *c)
{
	uint64_t size = (uint64_t)num_devs * SZ_2M;
	uint8_t *buf = shared_buf(c, num_devs, size, 0, SEED);
	int i;

	for (i = 0; i < num_devs; i++) {
		igt_assert_eq_u64(svm_prefetch(c[i].fd, c[i].vm,
					       to_u64(buf + i * SZ_2M), SZ_2M,
					       DRM_SVM_REGION_DEVICE),
				  SZ_2M / svm_page_size());
		assert_res(&c[i], buf + i * SZ_2M, SZ_2M, DEVICE, true);
	}
	return buf;
}

static void assert_vram_back(const uint64_t *before)
{
	uint64_t now;
	int i;

	for (i = 0; i < num_devs; i++) {
		now = svm_vram_in_use(&devs[i]);
		igt_assert_f(now == before[i],
			     "vsvm%u: %" PRIu64 " bytes of VRAM in use, %"
			     PRIu64 " before\n", devs[i].index, now,
			     before[i]);
	}
}

static void test_spread(bool do_exit)
{
	uint64_t before[MAX_DEVS];
	struct mig_dev own[MAX_DEVS];
	struct ctx c[MAX_DEVS];
	uint8_t *buf;
	int i;

	for (i = 0; i < num_devs; i++)
		before[i] = svm_vram_in_use(&devs[i]);

	igt_fork(child, 1) {
		for (i = 0; i < num_devs; i++) {
			own[i] = devs[i];
			own[i].fd = vsvm_open_render(devs[i].index);
			igt_assert_fd(own[i].fd);
			ctx_init(&c[i], &own[i]);
		}
		buf = spread(c);
		if (do_exit)
			_exit(IGT_EXIT_SUCCESS);

		for (i = num_devs; i-- > 0;) {
			ctx_fini(&c[i]);
			close(own[i].fd);
		}
		/* The data outlives the VMs and files. */
		svm_assert_pattern(buf, (uint64_t)num_devs * SZ_2M, SEED);
		munmap(buf, (uint64_t)num_devs * SZ_2M);
		assert_vram_back(before);
	}
	igt_waitchildren();
	assert_vram_back(before);
}

/* topology-bad-* */

enum bad_field {
	BAD_FLAGS,
	BAD_PAD,
	BAD_RESERVED0,
	BAD_RESERVED1,
	BAD_EXTENSION,
	BAD_DEVICES,
	BAD_LINKS,
};

static const struct bad_case {
	const char *name;
	enum bad_field field;
	int err;
} bad_cases[] = {
	{ "flags", BAD_FLAGS, EINVAL },
	{ "pad", BAD_PAD, EINVAL },
	{ "reserved-0", BAD_RESERVED0, EINVAL },
	{ "reserved-1", BAD_RESERVED1, EINVAL },
	{ "extension", BAD_EXTENSION, EFAULT },
	{ "devices", BAD_DEVICES, EFAULT },
	{ "links", BAD_LINKS, EFAULT },
	{ }
};

/* An address in the first page, which nothing maps. */
#define BAD_PTR		8

static void break_field(struct drm_svm_topology *t, enum bad_field field)
{
	switch (field) {
	case BAD_FLAGS:
		t->flags = 1;
		break;
	case BAD_PAD:
		t->pad = 1;
		break;
	case BAD_RESERVED0:
		t->reserved[0] = 1;
		break;
	case BAD_RESERVED1:
		t->reserved[1] = 1;
		break;
	case BAD_EXTENSION:
		t->extensions = BAD_PTR;
		break;
	case BAD_DEVICES:
		t->devices = BAD_PTR;
		break;
	case BAD_LINKS:
		t->links = BAD_PTR;
		break;
	}
}

static void test_topology_bad(const struct bad_case *bc)
{
	struct drm_svm_topology_device d[DRM_SVM_MAX_DEVICES];
	struct drm_svm_topology_link l[MAX_LINKS];
	struct drm_svm_topology t = {
		.num_devices = DRM_SVM_MAX_DEVICES,
		.num_links = MAX_LINKS,
		.devices = to_u64(d),
		.links = to_u64(l),
	};

	/* The valid call works, so the one broken field is the cause. */
	igt_assert_eq(__svm_topology(devs[0].fd, &t), 0);
	t.num_devices = DRM_SVM_MAX_DEVICES;
	t.num_links = MAX_LINKS;
	break_field(&t, bc->field);
	igt_assert_eq(__svm_topology(devs[0].fd, &t), -bc->err);
}

igt_main
{
	const struct pair_case *pc;
	const struct bad_case *bc;

	igt_fixture
		multi_devices_open();

	igt_describe("The topology query matches the module parameters.");
	igt_subtest("topology")
		test_topology();

	for (pc = pair_cases; pc->name; pc++) {
		igt_describe("A GPU fault moves pages from another device.");
		igt_subtest_f("d2d-fault-%s", pc->name)
			test_d2d(pc->kind, false);
	}

	for (pc = pair_cases; pc->name; pc++) {
		igt_describe("A prefetch moves pages from another device.");
		igt_subtest_f("d2d-prefetch-%s", pc->name)
			test_d2d(pc->kind, true);
	}

	igt_describe("A buffer visits every device, then system memory.");
	igt_subtest("chain")
		test_chain();

	for (pc = pair_cases; pc->name; pc++) {
		igt_describe("A mirror-only binding maps a peer's pages.");
		igt_subtest_f("peer-map-%s", pc->name)
			test_peer_map(pc->kind);
	}

	igt_describe("Eviction drops a peer's mapping over the link.");
	igt_subtest("evict-remote")
		test_evict_remote();

	igt_describe("The modelled device time follows where the pages are.");
	igt_subtest("device-time")
		test_device_time();

	igt_describe("Exit with a chunk in every device's VRAM.");
	igt_subtest("spread-exit")
		test_spread(true);

	igt_describe("Close everything with a chunk in every device's VRAM.");
	igt_subtest("spread-close")
		test_spread(false);

	for (bc = bad_cases; bc->name; bc++) {
		igt_describe("The topology query rejects one bad argument.");
		igt_subtest_f("topology-bad-%s", bc->name)
			test_topology_bad(bc);
	}

	igt_fixture
		multi_devices_close();
}

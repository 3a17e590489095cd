/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The drm_svm authors
 *
 * Helpers for the vsvm migration tests: the device's VRAM as the device
 * query describes it, residency checks, the drm_svm core's debugfs
 * statistics, vsvm's debugfs files and the DRM fdinfo keys (fault
 * injection: svm_inject_lib.h).
 * Header only, built on IGT and libdrm API alone (see vsvm_svm_lib.h).
 */
#ifndef VSVM_MIGRATE_LIB_H
#define VSVM_MIGRATE_LIB_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_svm_lib.h"
#include "svm_inject_lib.h"

#define SVM_DEBUGFS_DIR		"/sys/kernel/debug/drm_svm"
#define VSVM_DEBUGFS_DIR	"/sys/kernel/debug/dri"

/**
 * struct mig_dev - A vsvm device and its VRAM, as the device query says
 */
struct mig_dev {
	/** @fd: Render node */
	int fd;
	/** @index: &drm_vsvm_device_query.index */
	uint32_t index;
	/** @svm_id: &drm_vsvm_device_query.svm_device_id */
	uint32_t svm_id;
	/** @vram_mode: DRM_VSVM_VRAM_PRIVATE or DRM_VSVM_VRAM_COHERENT */
	uint32_t vram_mode;
	/** @vram_size: Bytes of VRAM */
	uint64_t vram_size;
};

static inline const char *mig_mode_str(uint32_t mode)
{
	switch (mode) {
	case DRM_VSVM_VRAM_PRIVATE:	return "private";
	case DRM_VSVM_VRAM_COHERENT:	return "coherent";
	default:			return "?";
	}
}

/* Opens device @index and fills @d from its query; false if absent. */
static inline bool mig_dev_open(struct mig_dev *d, int index)
{
	struct drm_vsvm_device_query q = {};

	memset(d, 0, sizeof(*d));
	d->fd = vsvm_open_render(index);
	if (d->fd < 0)
		return false;
	igt_assert_eq(vsvm_query(d->fd, &q), 0);
	d->index = q.index;
	d->svm_id = q.svm_device_id;
	d->vram_mode = q.vram_mode;
	d->vram_size = q.vram_size;
	return true;
}

static inline bool mig_coherent(const struct mig_dev *d)
{
	return d->vram_mode == DRM_VSVM_VRAM_COHERENT;
}

/*
 * Residency
 */

/*
 * mig_residency_bad() - First page of @r[0 .. @n) not at @location
 *
 * DEVICE pages must be on @d, flagged COHERENT exactly when its VRAM is
 * coherent; no other page may be flagged COHERENT. Every page must be
 * flagged BOUND when @bound, and, when @mapped, be mapped by @d.
 *
 * Returns: the page index, or -1 if all pages are as expected.
 */
static inline int64_t mig_residency_bad(const struct mig_dev *d,
					const struct drm_svm_page_residency *r,
					uint64_t n, uint16_t location,
					bool bound, bool mapped)
{
	uint64_t i;
	bool coherent;

	for (i = 0; i < n; i++) {
		if (r[i].location != location)
			return i;
		coherent = r[i].flags & DRM_SVM_PAGE_COHERENT;
		if (location == DRM_SVM_RESIDENT_DEVICE &&
		    (r[i].device != d->svm_id || coherent != mig_coherent(d)))
			return i;
		if (location != DRM_SVM_RESIDENT_DEVICE && coherent)
			return i;
		if (bound && !(r[i].flags & DRM_SVM_PAGE_BOUND))
			return i;
		if (mapped && !(r[i].mapped & (1ull << d->svm_id)))
			return i;
	}
	return -1;
}

static inline void mig_residency_print(const char *what,
				       const struct drm_svm_page_residency *r,
				       uint64_t n)
{
	uint64_t count[3];

	svm_residency_count(r, n, count);
	igt_info("%s: %" PRIu64 " pages: %" PRIu64 " none, %" PRIu64
		 " system, %" PRIu64 " device\n", what, n, count[0],
		 count[1], count[2]);
}

/*
 * mig_assert_residency() - Every page of [@ptr, @ptr + @size), bound at
 * the same GPU address in VM @vm of @fd, a file of @d, is at @location
 * (see mig_residency_bad())
 */
#define mig_assert_residency(fd, d, vm, ptr, size, location, mapped) \
	__mig_assert_residency(fd, d, vm, ptr, size, location, mapped, #ptr, \
			       __func__, __LINE__)

static inline void __mig_assert_residency(int fd, const struct mig_dev *d,
					  uint32_t vm, const void *ptr,
					  uint64_t size, uint16_t location,
					  bool mapped, const char *what,
					  const char *func, int line)
{
	uint64_t n = size / svm_page_size();
	struct drm_svm_page_residency *r;
	int64_t bad;

	r = svm_residency(fd, vm, to_u64(ptr), n);
	bad = mig_residency_bad(d, r, n, location, true, mapped);
	if (bad >= 0) {
		mig_residency_print(what, r, n);
		igt_info("%s:%d: %s page %" PRId64 ": location %s device %u "
			 "flags %#x mapped %#" PRIx64 "; expected %s on "
			 "device %u (%s)%s\n", func, line, what, bad,
			 svm_location_str(r[bad].location), r[bad].device,
			 r[bad].flags, (uint64_t)r[bad].mapped,
			 svm_location_str(location), d->svm_id,
			 mig_mode_str(d->vram_mode),
			 mapped ? ", mapped" : "");
	}
	free(r);
	igt_assert_f(bad < 0, "%s: page %" PRId64 " not %s\n", what, bad,
		     svm_location_str(location));
}

/*
 * The migration policy's state of 2 MiB blocks, from the residency ioctl
 */

static inline const char *svm_policy_state_str(uint32_t state)
{
	switch (state) {
	case DRM_SVM_POLICY_UNTRACKED:	return "UNTRACKED";
	case DRM_SVM_POLICY_NORMAL:	return "NORMAL";
	case DRM_SVM_POLICY_THROTTLED:	return "THROTTLED";
	case DRM_SVM_POLICY_PINNED:	return "PINNED";
	case DRM_SVM_POLICY_PROBE:	return "PROBE";
	default:			return "?";
	}
}

/* 2 MiB slots of GPU addresses that @npages pages at @gpu touch. */
static inline uint64_t svm_block_slots(uint64_t gpu, uint64_t npages)
{
	uint64_t end = gpu + npages * svm_page_size();

	return (svm_align_up(end, SZ_2M) - svm_align_down(gpu, SZ_2M)) / SZ_2M;
}

/*
 * svm_residency_blocks() - svm_residency(), and the migration policy's
 * state of every 2 MiB slot the range touches into @blocks, which has
 * room for svm_block_slots() entries
 *
 * Returns: a malloc()'d array of @npages entries, for the caller to free.
 */
static inline struct drm_svm_page_residency *
svm_residency_blocks(int fd, uint32_t vm, uint64_t gpu, uint64_t npages,
		     struct drm_svm_block_policy *blocks)
{
	struct drm_svm_page_residency *pages;
	struct drm_svm_residency args = {
		.vm_id = vm,
		.gpu_addr = gpu,
		.npages = npages,
		.blocks = to_u64(blocks),
	};

	pages = calloc(npages, sizeof(*pages));
	igt_assert(pages);
	/* Garbage the kernel must overwrite. */
	memset(pages, 0xa5, npages * sizeof(*pages));
	memset(blocks, 0xa5, svm_block_slots(gpu, npages) * sizeof(*blocks));
	args.pages = to_u64(pages);
	igt_assert_eq(__svm_residency_ioctl(fd, &args), 0);
	return pages;
}

static inline void svm_block_print(const char *what,
				   const struct drm_svm_block_policy *b)
{
	igt_info("%s: block %#" PRIx64 " %s home %s/%u backoff %u moves %u "
		 "contenders %#x lapse %" PRIu64 " us epoch %" PRIu64
		 " ms pin left %" PRIu64 " ms\n", what, (uint64_t)b->start,
		 svm_policy_state_str(b->state), svm_location_str(b->home),
		 b->home_device, b->backoff, b->moves, b->contenders,
		 (uint64_t)b->lapse_ns / 1000, (uint64_t)b->epoch_ns / 1000000,
		 (uint64_t)b->pin_left_ns / 1000000);
}

/*
 * The drm_svm core's device statistics,
 * SVM_DEBUGFS_DIR/device<svm_device_id>: "key value" lines
 */

struct svm_dev_stats {
	char name[32];
	char vram_mode[16];
	uint64_t vram_size;
	uint64_t vram_in_use;
	uint64_t gpu_faults;
	uint64_t cpu_faults;
	uint64_t pages_to_vram;
	uint64_t pages_to_ram;
	uint64_t evictions;
	uint64_t pages_from_peer;
	uint64_t bounces;
	uint64_t dma_mapped;
	uint64_t chunks;
	uint64_t pages_mapped;
	uint64_t huge_mapped;
	uint64_t retries;
	uint64_t invalidations;
};

static const struct {
	const char *key;
	size_t offset;
} svm_dev_stat_keys[] = {
	{ "vram_size", offsetof(struct svm_dev_stats, vram_size) },
	{ "vram_in_use", offsetof(struct svm_dev_stats, vram_in_use) },
	{ "gpu_faults", offsetof(struct svm_dev_stats, gpu_faults) },
	{ "cpu_faults", offsetof(struct svm_dev_stats, cpu_faults) },
	{ "pages_to_vram", offsetof(struct svm_dev_stats, pages_to_vram) },
	{ "pages_to_ram", offsetof(struct svm_dev_stats, pages_to_ram) },
	{ "evictions", offsetof(struct svm_dev_stats, evictions) },
	{ "pages_from_peer", offsetof(struct svm_dev_stats, pages_from_peer) },
	{ "bounces", offsetof(struct svm_dev_stats, bounces) },
	{ "dma_mapped", offsetof(struct svm_dev_stats, dma_mapped) },
	{ "chunks", offsetof(struct svm_dev_stats, chunks) },
	{ "pages_mapped", offsetof(struct svm_dev_stats, pages_mapped) },
	{ "huge_mapped", offsetof(struct svm_dev_stats, huge_mapped) },
	{ "retries", offsetof(struct svm_dev_stats, retries) },
	{ "invalidations", offsetof(struct svm_dev_stats, invalidations) },
};

/*
 * __svm_dev_stats() - Read the statistics of SVM device @svm_id, its
 * queued frees completed first
 *
 * Returns: 0, -errno if the file cannot be read, or -ENODATA if a key is
 * missing (its name then in *@missing).
 */
static inline int __svm_dev_stats(uint32_t svm_id, struct svm_dev_stats *st,
				  const char **missing)
{
	unsigned int i, found = 0, want;
	char path[128], line[256], key[64], value[64];
	FILE *f;
	int fd;

	memset(st, 0, sizeof(*st));
	snprintf(path, sizeof(path), SVM_DEBUGFS_DIR "/device%u", svm_id);
	/*
	 * A write completes the frees and the releases the device has queued,
	 * so that memory whose pages are gone is not counted in vram_in_use.
	 */
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "1", 1) != 1) {
		close(fd);
		return -EIO;
	}
	close(fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %63s", key, value) != 2)
			continue;
		if (!strcmp(key, "name")) {
			snprintf(st->name, sizeof(st->name), "%.31s", value);
			found |= 1u << ARRAY_SIZE(svm_dev_stat_keys);
			continue;
		}
		if (!strcmp(key, "vram_mode")) {
			snprintf(st->vram_mode, sizeof(st->vram_mode), "%.15s",
				 value);
			found |= 2u << ARRAY_SIZE(svm_dev_stat_keys);
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(svm_dev_stat_keys); i++) {
			if (strcmp(key, svm_dev_stat_keys[i].key))
				continue;
			*(uint64_t *)((char *)st + svm_dev_stat_keys[i].offset) =
				strtoull(value, NULL, 0);
			found |= 1u << i;
		}
	}
	fclose(f);

	want = (4u << ARRAY_SIZE(svm_dev_stat_keys)) - 1;
	if (found == want)
		return 0;
	if (missing) {
		*missing = !(found & 1u << ARRAY_SIZE(svm_dev_stat_keys)) ?
			   "name" : "vram_mode";
		for (i = 0; i < ARRAY_SIZE(svm_dev_stat_keys); i++)
			if (!(found & 1u << i))
				*missing = svm_dev_stat_keys[i].key;
	}
	return -ENODATA;
}

static inline struct svm_dev_stats svm_dev_stats(const struct mig_dev *d)
{
	const char *missing = "";
	struct svm_dev_stats st;
	int err;

	err = __svm_dev_stats(d->svm_id, &st, &missing);
	igt_assert_f(err == 0, SVM_DEBUGFS_DIR "/device%u: %s%s%s\n",
		     d->svm_id, strerror(-err), err == -ENODATA ? ": " : "",
		     missing);
	return st;
}

/*
 * __svm_dev_keys() - Values of the @n keys @keys of the statistics of SVM
 * device @svm_id, which need not be keys that svm_dev_stats() knows
 *
 * Returns: 0, -errno if the file cannot be read, or -ENODATA if a key is
 * missing (its name then in *@missing).
 */
static inline int __svm_dev_keys(uint32_t svm_id, const char *const *keys,
				 unsigned int n, uint64_t *values,
				 const char **missing)
{
	char path[128], line[256], key[64], value[64];
	uint64_t found = 0;
	unsigned int i;
	FILE *f;

	igt_assert(n <= 64);
	memset(values, 0, n * sizeof(*values));
	snprintf(path, sizeof(path), SVM_DEBUGFS_DIR "/device%u", svm_id);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %63s", key, value) != 2)
			continue;
		for (i = 0; i < n; i++) {
			if (strcmp(key, keys[i]))
				continue;
			values[i] = strtoull(value, NULL, 0);
			found |= 1ull << i;
		}
	}
	fclose(f);

	for (i = 0; i < n; i++) {
		if (found & 1ull << i)
			continue;
		if (missing)
			*missing = keys[i];
		return -ENODATA;
	}
	return 0;
}

static inline void svm_dev_keys(const struct mig_dev *d,
				const char *const *keys, unsigned int n,
				uint64_t *values)
{
	const char *missing = "";
	int err = __svm_dev_keys(d->svm_id, keys, n, values, &missing);

	igt_assert_f(err == 0, SVM_DEBUGFS_DIR "/device%u: %s%s%s\n",
		     d->svm_id, strerror(-err), err == -ENODATA ? ": " : "",
		     missing);
}

static inline void svm_dev_stats_print(const char *what,
				       const struct svm_dev_stats *st)
{
	igt_info("%s: %s %s vram %" PRIu64 "/%" PRIu64 " gpu_faults %"
		 PRIu64 " cpu_faults %" PRIu64 " to_vram %" PRIu64
		 " to_ram %" PRIu64 " evictions %" PRIu64 "\n", what,
		 st->name, st->vram_mode, st->vram_in_use, st->vram_size,
		 st->gpu_faults, st->cpu_faults, st->pages_to_vram,
		 st->pages_to_ram, st->evictions);
}

/* VRAM in use on @d; reading it completes the device's deferred frees. */
static inline uint64_t svm_vram_in_use(const struct mig_dev *d)
{
	return svm_dev_stats(d).vram_in_use;
}

/*
 * The core's phase timers of SVM device @svm_id,
 * SVM_DEBUGFS_DIR/phases<svm_device_id>: "phase size count ns" after a
 * header line, one line per phase and size class in this order.
 */
static const char *const svm_phase_names[] = {
	"hmm_range_fault", "migrate_setup", "alloc", "copy", "migrate_finish",
	"invalidate", "invalidate_wait", "dma_map", "dma_unmap", "driver_map",
	"evict", "wait",
};

static const char *const svm_phase_sizes[] = { "4k", "64k", "2m", "more" };

#define SVM_NR_PHASES		ARRAY_SIZE(svm_phase_names)
#define SVM_NR_PHASE_SIZES	ARRAY_SIZE(svm_phase_sizes)

struct svm_phases {
	uint64_t count[SVM_NR_PHASES][SVM_NR_PHASE_SIZES];
	uint64_t ns[SVM_NR_PHASES][SVM_NR_PHASE_SIZES];
};

enum svm_phase_id {
	SVM_PH_HMM, SVM_PH_SETUP, SVM_PH_ALLOC, SVM_PH_COPY, SVM_PH_FINISH,
	SVM_PH_INVALIDATE, SVM_PH_INVALIDATE_WAIT, SVM_PH_DMA_MAP,
	SVM_PH_DMA_UNMAP, SVM_PH_MAP, SVM_PH_EVICT, SVM_PH_WAIT,
	SVM_PH_COUNT,
};

_Static_assert(SVM_PH_COUNT == SVM_NR_PHASES,
	       "svm_phase_id and svm_phase_names disagree");

/*
 * Read the phase timers of @svm_id, asserting the file's layout: the
 * header, then every phase and size class once, in order.
 */
static inline struct svm_phases svm_phases_read(uint32_t svm_id)
{
	char path[128], line[256], name[64], size[16];
	unsigned long long count, ns;
	struct svm_phases ph;
	unsigned int i = 0;
	FILE *f;

	memset(&ph, 0, sizeof(ph));
	snprintf(path, sizeof(path), SVM_DEBUGFS_DIR "/phases%u", svm_id);
	f = fopen(path, "re");
	igt_assert_f(f, "%s: %s\n", path, strerror(errno));
	igt_assert_f(fgets(line, sizeof(line), f) &&
		     !strcmp(line, "phase size count ns\n"),
		     "%s: bad header '%s'\n", path, line);
	while (fgets(line, sizeof(line), f)) {
		unsigned int p = i / SVM_NR_PHASE_SIZES;
		unsigned int k = i % SVM_NR_PHASE_SIZES;

		igt_assert_f(p < SVM_NR_PHASES, "%s: extra line '%s'\n", path,
			     line);
		igt_assert_f(sscanf(line, "%63s %15s %llu %llu", name, size,
				    &count, &ns) == 4 &&
			     !strcmp(name, svm_phase_names[p]) &&
			     !strcmp(size, svm_phase_sizes[k]),
			     "%s: line %u is '%s', expected %s %s\n", path,
			     i + 2, line, svm_phase_names[p],
			     svm_phase_sizes[k]);
		ph.count[p][k] = count;
		ph.ns[p][k] = ns;
		i++;
	}
	fclose(f);
	igt_assert_f(i == SVM_NR_PHASES * SVM_NR_PHASE_SIZES,
		     "%s: %u lines, expected %zu\n", path, i,
		     SVM_NR_PHASES * SVM_NR_PHASE_SIZES);
	return ph;
}

/*
 * The core's per-process table, SVM_DEBUGFS_DIR/processes: a header line,
 * then "pid device gpu_faults cpu_faults pages_to_vram pages_to_ram
 * evictions vram_in_use" for each process and device with activity
 */

struct svm_proc_stats {
	uint64_t gpu_faults;
	uint64_t cpu_faults;
	uint64_t pages_to_vram;
	uint64_t pages_to_ram;
	uint64_t evictions;
	uint64_t vram_in_use;
};

/*
 * __svm_proc_stats() - The line of process @pid on SVM device @svm_id
 *
 * Returns: 1 and the line in @ps, 0 if there is no such line, or -errno
 * if the table cannot be read.
 */
static inline int __svm_proc_stats(pid_t pid, uint32_t svm_id,
				   struct svm_proc_stats *ps)
{
	unsigned long long v[6];
	char line[256];
	int found = 0, p;
	unsigned int dev;
	FILE *f;

	memset(ps, 0, sizeof(*ps));
	f = fopen(SVM_DEBUGFS_DIR "/processes", "re");
	if (!f)
		return -errno;
	/* The header has no number first, so never matches. */
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%d %u %llu %llu %llu %llu %llu %llu", &p,
			   &dev, &v[0], &v[1], &v[2], &v[3], &v[4],
			   &v[5]) != 8)
			continue;
		if (p != pid || dev != svm_id)
			continue;
		ps->gpu_faults = v[0];
		ps->cpu_faults = v[1];
		ps->pages_to_vram = v[2];
		ps->pages_to_ram = v[3];
		ps->evictions = v[4];
		ps->vram_in_use = v[5];
		found = 1;
	}
	fclose(f);
	return found;
}

/*
 * A vsvm device's debugfs files: VSVM_DEBUGFS_DIR/vsvm<index>/<knob>
 */

static inline uint64_t vsvm_knob_read(uint32_t index, const char *knob)
{
	char dir[64];

	snprintf(dir, sizeof(dir), VSVM_DEBUGFS_DIR "/vsvm%u", index);
	return inject_read(dir, knob);
}

/*
 * DRM fdinfo, /proc/self/fdinfo/<fd>: "key:\tvalue[ unit]" lines
 */

/*
 * __svm_fdinfo() - Value of @key in the fdinfo of @fd
 *
 * Sizes (with a KiB, MiB or GiB unit) are returned in bytes, other values
 * as printed.
 *
 * Returns: 0, -ENOENT if the key is absent, or -errno.
 */
static inline int __svm_fdinfo(int fd, const char *key, uint64_t *value)
{
	static const char * const units[] = { "B", "KiB", "MiB", "GiB" };
	char path[64], line[256], unit[16];
	size_t klen = strlen(key);
	unsigned long long v;
	unsigned int i;
	int ret = -ENOENT, n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		unit[0] = '\0';
		n = sscanf(line + klen + 1, "%llu %15s", &v, unit);
		if (n < 1) {
			ret = -EINVAL;
			break;
		}
		ret = 0;
		*value = v;
		if (n < 2)
			break;
		for (i = 0; i < ARRAY_SIZE(units); i++)
			if (!strcmp(unit, units[i]))
				break;
		if (i == ARRAY_SIZE(units)) {
			ret = -EINVAL;
			break;
		}
		*value = v << (10 * i);
		break;
	}
	fclose(f);
	return ret;
}

static inline uint64_t svm_fdinfo(int fd, const char *key)
{
	uint64_t value = 0;
	int err = __svm_fdinfo(fd, key, &value);

	igt_assert_f(err == 0, "fdinfo of fd %d: key %s: %s\n", fd, key,
		     strerror(-err));
	return value;
}

/*
 * Test contexts
 */

/*
 * A VM on a device, with a batch that stays in system memory and is
 * mapped from the start: the batch would otherwise migrate too and blur
 * the residency, the counters and the fault counts.
 */
struct ctx {
	const struct mig_dev *d;
	int fd;
	uint32_t vm;
	struct svm_batch b;
};

static inline void ctx_init_fd(struct ctx *c, const struct mig_dev *d,
			       int fd)
{
	c->d = d;
	c->fd = fd;
	c->vm = svm_vm_create(fd);
	/* Populated: the batch itself must not count in the job's faults. */
	svm_batch_init_flags(&c->b, fd, c->vm, DRM_SVM_BIND_FLAG_NO_MIGRATE |
			     DRM_SVM_BIND_FLAG_POPULATE);
}

static inline void ctx_init(struct ctx *c, const struct mig_dev *d)
{
	ctx_init_fd(c, d, d->fd);
}

static inline void ctx_fini(struct ctx *c)
{
	svm_batch_fini(&c->b);
	svm_vm_destroy(c->fd, c->vm);
}

/* A 2 MiB aligned, private anonymous buffer bound at its CPU address. */
static inline uint8_t *ctx_buf(struct ctx *c, uint64_t size)
{
	uint8_t *buf = svm_alloc_aligned(size, SZ_2M);

	svm_bind_ptr(c->fd, c->vm, buf, size, 0);
	return buf;
}

/* The residency of [@ptr, @ptr + @size) in @c's VM, as checked by the lib. */
#define assert_res(c, ptr, size, location, mapped) \
	mig_assert_residency((c)->fd, (c)->d, (c)->vm, ptr, size, location, \
			     mapped)

static inline struct drm_vsvm_job_query run_ok(struct ctx *c,
						const char *what)
{
	struct drm_vsvm_job_query q = svm_run_batch(c->fd, c->vm, &c->b);

	if (q.status != DRM_VSVM_JOB_DONE || q.error)
		svm_job_print(what, &q);
	igt_assert_eq_u32(q.status, DRM_VSVM_JOB_DONE);
	igt_assert_eq(q.error, 0);
	return q;
}

/* GPU checksum of [@ptr, @ptr + @len); its fault count in *@faults. */
static inline uint64_t gpu_checksum(struct ctx *c, const void *ptr,
				    uint64_t len, uint64_t *faults)
{
	struct drm_vsvm_job_query q;
	uint64_t *sum;

	svm_batch_reset(&c->b);
	sum = cmd_checksum(&c->b, to_u64(ptr), len);
	cmd_end(&c->b);
	q = run_ok(c, "checksum job");
	if (faults)
		*faults = q.faults;
	return *sum;
}

#define assert_gpu_sum(c, ptr, len, expected) \
	igt_assert_eq_u64(gpu_checksum((c), (ptr), (len), NULL), (expected))

static inline uint64_t gpu_fill(struct ctx *c, void *ptr, uint64_t len,
				uint32_t value)
{
	svm_batch_reset(&c->b);
	cmd_fill(&c->b, to_u64(ptr), len, value);
	cmd_end(&c->b);
	return run_ok(c, "fill job").faults;
}

static inline uint64_t gpu_touch(struct ctx *c, const void *ptr, uint64_t len)
{
	svm_batch_reset(&c->b);
	cmd_touch(&c->b, to_u64(ptr), len);
	cmd_end(&c->b);
	return run_ok(c, "touch job").faults;
}

#endif /* VSVM_MIGRATE_LIB_H */

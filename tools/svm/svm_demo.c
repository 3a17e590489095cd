// SPDX-License-Identifier: MIT
/*
 * svm_demo - show what the drm_svm virtual GPUs can do.
 *
 * Lists the vsvm devices, then runs GPU jobs over ordinary malloc()
 * memory: the batch buffer itself is malloc'd too, nothing is pinned or
 * registered, and the GPU faults the pages in on first touch, mapping them
 * in place (the buffer is bound with DRM_SVM_BIND_FLAG_NO_MIGRATE); each
 * job ends through a user fence, a word of the demo's own memory that the
 * kernel writes when the job is over, which the wait ioctl sleeps on. Then it
 * follows one buffer as its pages move: into vsvm0's VRAM on a GPU fault,
 * back to system memory when the CPU touches them, into vsvm1's VRAM and
 * back by prefetch, showing the residency snapshot, the device statistics
 * (debugfs) and the file's fdinfo along the way. With several linked
 * devices it then prints the topology, honours a preferred location over
 * a link (the job maps the peer's VRAM, nothing moves) and moves the
 * buffer between devices, directly over a link and bounced through system
 * memory where there is none. Last, two linked devices write one 2 MiB
 * block in turns: the migration policy pins it at one of them, which the
 * other maps over the link (its state, tracepoints and counters along the
 * way), against a block moved at every job with the policy switched off.
 * Every result is checked against what the CPU computes; the program
 * exits non-zero on any mismatch, or when pages are not where they should
 * be.
 *
 * Copyright © 2026 The drm_svm authors
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libdrm_svm.h"

#define MAX_NODES	64
#define BUF_SIZE	(8u << 20)
#define PAGE		4096ul
/* The buffer whose pages the demo follows, and the map's resolution. */
#define MIG_SIZE	(4ul << 20)
#define MIG_PAGES	(MIG_SIZE / PAGE)
#define MAP_CELL	(128ul << 10)

#define VSVM_MAX_DEVICES_DEMO	8
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

static int fds[VSVM_MAX_DEVICES_DEMO];
static char lines[VSVM_MAX_DEVICES_DEMO][112];
static struct svm_device_info devq[VSVM_MAX_DEVICES_DEMO];

/* Open and describe every vsvm render node; fds[] is indexed by device. */
static int find_devices(void)
{
	drmDevicePtr devs[MAX_NODES];
	int i, n, found = 0;

	n = drmGetDevices2(0, devs, MAX_NODES);
	if (n < 0) {
		fprintf(stderr, "svm_demo: drmGetDevices2: %s\n", strerror(-n));
		return 0;
	}
	for (i = 0; i < n; i++) {
		struct svm_device_info q;
		const char *node;
		int fd;

		if (!(devs[i]->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		node = devs[i]->nodes[DRM_NODE_RENDER];
		fd = svm_open(node);
		if (fd < 0)
			continue;
		if (svm_device_info(fd, &q)) {
			svm_close(fd);
			continue;
		}
		if (q.index >= VSVM_MAX_DEVICES_DEMO) {
			close(fd);
			continue;
		}
		snprintf(lines[q.index], sizeof(lines[q.index]),
			 "  vsvm%u  %-22s VRAM %5llu MiB %-8s  uAPI %u.%u\n",
			 q.index, node, (unsigned long long)q.vram_size >> 20,
			 q.coherent ? "coherent" : "private", q.uapi_major, q.uapi_minor);
		fds[q.index] = fd;
		devq[q.index] = q;
		found++;
	}
	drmFreeDevices(devs, n);

	for (i = 0; i < VSVM_MAX_DEVICES_DEMO; i++)
		fputs(lines[i], stdout);
	return found;
}

static uint64_t checksum(const void *p, size_t len)
{
	const uint64_t *w = p;
	uint64_t h = VSVM_CHECKSUM_SEED;
	size_t i;

	for (i = 0; i < len / 8; i++)
		h = (h ^ w[i]) * VSVM_CHECKSUM_PRIME;
	return h;
}

static uint32_t vm_create(int fd)
{
	uint32_t vm;
	int err = svm_vm_create(fd, 0, &vm);

	if (err) {
		fprintf(stderr, "svm_demo: vm create: %s\n", strerror(-err));
		exit(1);
	}
	return vm;
}

/* Bind the pages holding [p, p + len) at the same GPU address. */
static void vm_bind(int fd, uint32_t vm, const void *p, size_t len,
		    uint32_t flags)
{
	uint64_t start = (uintptr_t)p & ~(PAGE - 1);
	uint64_t end = ((uintptr_t)p + len + PAGE - 1) & ~(PAGE - 1);
	int err;

	err = svm_bind(fd, vm, (void *)(uintptr_t)start, start, end - start,
		       flags);
	if (err) {
		fprintf(stderr, "svm_demo: vm bind: %s\n", strerror(-err));
		exit(1);
	}
}

/*
 * Run a batch and wait for it; returns the job's record. One job runs at a
 * time, whichever the device, so one user fence serves them all.
 */
static struct drm_vsvm_job_query run(int fd, uint32_t vm, uint64_t *batch,
				     size_t words)
{
	static struct svm_fence *fence;
	struct drm_vsvm_job_query q;
	uint64_t job;
	int64_t error;
	int err;

	if (!fence) {
		err = svm_fence_create(&fence);
		if (err) {
			fprintf(stderr, "svm_demo: user fence: %s\n",
				strerror(-err));
			exit(1);
		}
	}
	err = svm_exec(fd, vm, batch, words * 8, fence, &job);
	if (err) {
		fprintf(stderr, "svm_demo: exec: %s\n", strerror(-err));
		exit(1);
	}
	/* A failed job ends too: its fence gets the error, its record why. */
	err = svm_fence_wait(fd, fence, -1);
	if (!err)
		err = svm_job_query(fd, job, &q);
	if (err) {
		fprintf(stderr, "svm_demo: job %llu: %s\n",
			(unsigned long long)job, strerror(-err));
		exit(1);
	}
	error = svm_fence_error(fence);
	if (error != q.error) {
		fprintf(stderr,
			"svm_demo: job %llu: user fence error %lld, record error %d\n",
			(unsigned long long)q.job_id, (long long)error, q.error);
		exit(1);
	}
	return q;
}

static int failures;

static void report(const char *what, struct drm_vsvm_job_query q, bool ok)
{
	printf("  %-46s %-6s faults %4llu  %s\n", what,
	       q.status == DRM_VSVM_JOB_DONE ? "done" : "FAILED",
	       (unsigned long long)q.faults, ok ? "ok" : "MISMATCH");
	if (q.status != DRM_VSVM_JOB_DONE)
		printf("    job error %d (%s), fault at %#llx, access %u\n",
		       q.error, strerror(-q.error),
		       (unsigned long long)q.fault.address, q.fault.access);
	if (!ok || q.status != DRM_VSVM_JOB_DONE)
		failures++;
}

/* ---- pages moving between system memory and VRAM --------------------- */

/* Counters of one device, from /sys/kernel/debug/drm_svm/device<id>. */
static const char * const policy_keys[] = {
	"policy_thrash", "policy_throttles", "policy_pins", "policy_probes",
	"policy_remote_faults", "policy_cache_hits", "policy_waits",
};

struct dev_stats {
	unsigned long long vram_in_use, gpu_faults, cpu_faults;
	unsigned long long to_vram, to_ram, evictions, from_peer, bounces;
	/* The migration policy's events, in the order of policy_keys[] */
	unsigned long long policy[ARRAY_SIZE(policy_keys)];
};

static struct dev_stats last_stats[VSVM_MAX_DEVICES_DEMO];

static bool read_stats(int dev, struct dev_stats *st)
{
	static const char * const keys[] = {
		"vram_in_use", "gpu_faults", "cpu_faults", "pages_to_vram",
		"pages_to_ram", "evictions", "pages_from_peer", "bounces",
	};
	unsigned long long *v[] = {
		&st->vram_in_use, &st->gpu_faults, &st->cpu_faults,
		&st->to_vram, &st->to_ram, &st->evictions, &st->from_peer,
		&st->bounces,
	};
	char path[64], key[32], line[128];
	unsigned long long val;
	unsigned int i;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/drm_svm/device%u",
		 devq[dev].svm_id);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %llu", key, &val) != 2)
			continue;
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if (!strcmp(key, keys[i]))
				*v[i] = val;
		for (i = 0; i < ARRAY_SIZE(policy_keys); i++)
			if (!strcmp(key, policy_keys[i]))
				st->policy[i] = val;
	}
	fclose(f);
	return true;
}

/* The device's counters, as changes since the last time they were shown. */
static void show_stats(int dev)
{
	struct dev_stats st = {}, *old = &last_stats[dev];

	if (!read_stats(dev, &st))
		return;
	printf("    vsvm%d debugfs: vram_in_use %llu KiB, since last shown: gpu_faults +%llu, cpu_faults +%llu, pages_to_vram +%llu (from a peer directly +%llu, chunks bounced +%llu), pages_to_ram +%llu, evictions +%llu\n",
	       dev, st.vram_in_use >> 10, st.gpu_faults - old->gpu_faults,
	       st.cpu_faults - old->cpu_faults, st.to_vram - old->to_vram,
	       st.from_peer - old->from_peer, st.bounces - old->bounces,
	       st.to_ram - old->to_ram, st.evictions - old->evictions);
	*old = st;
}

/* The SVM keys of the device file's fdinfo, on one line. */
static void show_fdinfo(int dev)
{
	char path[64], line[128], key[48], val[48];
	const char *sep = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fds[dev]);
	f = fopen(path, "r");
	if (!f)
		return;
	printf("    vsvm%d fdinfo:", dev);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "drm-total-vram:", 15) &&
		    strncmp(line, "drm-resident-vram:", 18) &&
		    strncmp(line, "drm-engine-", 11) &&
		    strncmp(line, "vsvm-", 5))
			continue;
		val[0] = 0;
		if (sscanf(line, "%47[^:]: %47[^\n]", key, val) >= 1)
			printf("%s %s %s", sep, key, val);
		sep = ",";
	}
	fclose(f);
	printf("\n");
}

/* vsvm index of SVM device id @id, or -1. */
static int dev_of_svm_id(uint32_t id)
{
	int i;

	for (i = 0; i < VSVM_MAX_DEVICES_DEMO; i++)
		if (lines[i][0] && devq[i].svm_id == id)
			return i;
	return -1;
}

/*
 * Where the @npages pages from @buf live, as VM @vm of device @dev sees
 * them, into @r; with @blocks, the migration policy's state of each 2 MiB
 * block they touch too.
 */
static void residency_query(int dev, uint32_t vm, const void *buf,
			    size_t npages, struct drm_svm_page_residency *r,
			    struct drm_svm_block_policy *blocks)
{
	int err = svm_residency(fds[dev], vm, (uintptr_t)buf, npages, r,
				blocks);

	if (err) {
		fprintf(stderr, "svm_demo: residency: %s\n", strerror(-err));
		exit(1);
	}
}

/*
 * Show a residency snapshot of @npages pages (at most MIG_PAGES): counts
 * per location, then a map with one character per MAP_CELL. Every page
 * of the first half should be where @lo says, of the second half where
 * @hi says: -1 for system memory, N for the VRAM of vsvmN.
 */
static void residency_print(const struct drm_svm_page_residency *r,
			    size_t npages, int lo, int hi)
{
	unsigned int sys = 0, none = 0, vram[VSVM_MAX_DEVICES_DEMO] = {};
	char map[MIG_SIZE / MAP_CELL + 1];
	uint64_t mapped = 0, remote = 0;
	bool ok = true;
	size_t i;
	int d;

	for (i = 0; i < npages; i++) {
		int want = i < npages / 2 ? lo : hi;
		char c = '.';

		d = -1;
		if (r[i].location == DRM_SVM_RESIDENT_SYSTEM) {
			sys++;
			c = 'S';
		} else if (r[i].location == DRM_SVM_RESIDENT_DEVICE) {
			d = dev_of_svm_id(r[i].device);
			if (d >= 0) {
				vram[d]++;
				c = '0' + d;
			}
		} else {
			none++;
		}
		if (r[i].location != (want < 0 ? DRM_SVM_RESIDENT_SYSTEM :
				      DRM_SVM_RESIDENT_DEVICE) ||
		    (want >= 0 && d != want))
			ok = false;
		mapped |= r[i].mapped;
		remote |= r[i].mapped_remote;
		/* One character per cell: '*' when its pages are not together. */
		if (i % (MAP_CELL / PAGE) == 0)
			map[i / (MAP_CELL / PAGE)] = c;
		else if (map[i / (MAP_CELL / PAGE)] != c)
			map[i / (MAP_CELL / PAGE)] = '*';
	}
	map[(npages * PAGE + MAP_CELL - 1) / MAP_CELL] = 0;

	printf("    residency: %u system", sys);
	for (d = 0; d < VSVM_MAX_DEVICES_DEMO; d++)
		if (vram[d])
			printf(", %u VRAM of vsvm%d", vram[d], d);
	if (none)
		printf(", %u not present", none);
	printf("; mapped on:");
	for (d = 0; d < VSVM_MAX_DEVICES_DEMO; d++)
		if (lines[d][0] && mapped & (1ull << devq[d].svm_id))
			printf(" vsvm%d%s", d,
			       remote & (1ull << devq[d].svm_id) ?
			       " (over a link)" : "");
	if (!mapped)
		printf(" none");
	printf("\n    map: %s%s\n", map, ok ? "" : "  <- not where expected");
	if (!ok)
		failures++;
}

/* The residency snapshot of the MIG_SIZE bytes at @buf, checked. */
static void show_residency(int dev, uint32_t vm, const void *buf, int lo,
			   int hi)
{
	static struct drm_svm_page_residency r[MIG_PAGES];

	residency_query(dev, vm, buf, MIG_PAGES, r, NULL);
	residency_print(r, MIG_PAGES, lo, hi);
}

static void step(bool ok, const char *fmt, ...)
{
	char what[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	printf("  %-66s %s\n", what, ok ? "OK" : "FAILED");
	if (!ok)
		failures++;
}

static uint64_t prefetch_to(int dev, uint32_t vm, const void *buf,
			    uint32_t region)
{
	uint64_t moved;
	int err;

	err = svm_prefetch(fds[dev], vm, (uintptr_t)buf, MIG_SIZE, region,
			   &moved);
	if (err) {
		fprintf(stderr, "svm_demo: prefetch: %s\n", strerror(-err));
		exit(1);
	}
	return moved;
}

/* Whether words [from, to) of @w hold the pattern of @seed. */
static bool pattern_ok(const uint64_t *w, size_t from, size_t to,
		       uint64_t seed)
{
	size_t i;

	for (i = from; i < to; i++)
		if (w[i] != seed + i * 0x9e3779b97f4a7c15ull)
			return false;
	return true;
}

/*
 * Follow a buffer through VRAM and back. @vm[d] is a VM of device d that
 * already maps @batch; @n is the number of devices.
 */
static void migration_demo(const uint32_t *vm, int n, uint64_t *batch,
			   uint64_t *result)
{
	const size_t words = MIG_SIZE / 8, half = words / 2;
	uint64_t seed = 0x5eed0000c0ffee00ull, want;
	bool coherent = devq[0].coherent;
	struct drm_vsvm_job_query q;
	uint64_t *w;
	size_t i;
	int d;

	w = aligned_alloc(2 << 20, MIG_SIZE);
	if (!w)
		exit(1);
	printf("svm_demo: pages moving between system memory and VRAM (%lu MiB, aligned_alloc):\n",
	       MIG_SIZE >> 20);
	printf("  map: one character per %lu KiB: S system memory, N VRAM of vsvmN, . not present, * mixed\n",
	       MAP_CELL >> 10);
	for (d = 0; d < n; d++) {
		vm_bind(fds[d], vm[d], w, MIG_SIZE, 0);
		read_stats(d, &last_stats[d]);
	}

	for (i = 0; i < words; i++)
		w[i] = seed + i * 0x9e3779b97f4a7c15ull;
	want = checksum(w, MIG_SIZE);
	step(true, "CPU writes the buffer");
	show_residency(0, vm[0], w, -1, -1);

	batch[0] = VSVM_CMD_CHECKSUM;
	batch[1] = (uintptr_t)w;
	batch[2] = MIG_SIZE;
	batch[3] = (uintptr_t)result;
	batch[4] = VSVM_CMD_END;
	q = run(fds[0], vm[0], batch, 5);
	step(q.status == DRM_VSVM_JOB_DONE && *result == want,
	     "GPU checksum on vsvm0: its %llu faults move the data to VRAM",
	     (unsigned long long)q.faults);
	show_residency(0, vm[0], w, 0, 0);
	show_stats(0);
	show_fdinfo(0);

	step(pattern_ok(w, 0, half, seed), "CPU reads the first half%s",
	     coherent ? " (coherent VRAM: in place)" :
	     ": its chunk comes back");
	show_residency(0, vm[0], w, coherent ? 0 : -1, 0);
	step(pattern_ok(w, half, words, seed), "CPU reads the second half");
	show_residency(0, vm[0], w, coherent ? 0 : -1, coherent ? 0 : -1);
	show_stats(0);

	if (n < 2) {
		free(w);
		return;
	}
	step(true, "prefetch to vsvm1: %llu pages moved",
	     (unsigned long long)prefetch_to(1, vm[1], w, DRM_SVM_REGION_DEVICE));
	show_residency(1, vm[1], w, 1, 1);
	q = run(fds[1], vm[1], batch, 5);
	step(q.status == DRM_VSVM_JOB_DONE && *result == want,
	     "GPU checksum on vsvm1 reads its VRAM, GPU faults: %llu",
	     (unsigned long long)q.faults);
	show_stats(1);
	show_fdinfo(1);

	step(true, "prefetch to system memory: %llu pages moved",
	     (unsigned long long)prefetch_to(1, vm[1], w, DRM_SVM_REGION_SYSTEM));
	show_residency(1, vm[1], w, -1, -1);
	step(checksum(w, MIG_SIZE) == want, "CPU checks every byte");
	show_stats(1);
	free(w);
}

/* ---- several devices ---------------------------------------------------- */

static struct drm_svm_topology_link topo[DRM_SVM_MAX_DEVICES *
					 (DRM_SVM_MAX_DEVICES - 1)];
static struct drm_svm_topology_device topo_dev[DRM_SVM_MAX_DEVICES];
static uint32_t topo_links;

/* The link from vsvm@a to vsvm@b's memory, or NULL. */
static const struct drm_svm_topology_link *link_of(int a, int b)
{
	uint32_t i;

	for (i = 0; i < topo_links; i++)
		if (topo[i].from == devq[a].svm_id &&
		    topo[i].to == devq[b].svm_id)
			return &topo[i];
	return NULL;
}

static uint32_t group_of(int d)
{
	uint32_t i;

	for (i = 0; i < DRM_SVM_MAX_DEVICES; i++)
		if (topo_dev[i].id == devq[d].svm_id)
			return topo_dev[i].group;
	return 0;
}

/* Read the devices and links into topo_dev[] and topo[]. */
static void load_topology(void)
{
	uint32_t num_devices = DRM_SVM_MAX_DEVICES;
	uint32_t num_links = ARRAY_SIZE(topo);
	int err;

	err = svm_topology(fds[0], topo_dev, &num_devices, topo, &num_links);
	if (err) {
		fprintf(stderr, "svm_demo: topology: %s\n", strerror(-err));
		exit(1);
	}
	topo_links = num_links;
}

/* Print the link matrix; returns how many links the core uses. */
static int show_topology(int n)
{
	const struct drm_svm_topology_link *l;
	int a, b, used = 0;

	load_topology();
	printf("svm_demo: topology: who reaches whose VRAM (- itself, . no link, (x) a link across isolation groups, unused):\n       ");
	for (b = 0; b < n; b++)
		printf("  vsvm%-4d", b);
	printf("  group\n");
	for (a = 0; a < n; a++) {
		printf("  vsvm%d", a);
		for (b = 0; b < n; b++) {
			l = link_of(a, b);
			if (a == b)
				printf("  %-8s", "-");
			else if (!l)
				printf("  %-8s", ".");
			else if (l->flags & DRM_SVM_LINK_PEER)
				printf("  %-8s", l->class == DRM_SVM_LINK_FABRIC ?
				       "fabric" : "pcie");
			else
				printf("  %-8s", l->class == DRM_SVM_LINK_FABRIC ?
				       "(fabric)" : "(pcie)");
			used += l && (l->flags & DRM_SVM_LINK_PEER);
		}
		printf("  %u\n", group_of(a));
	}
	return used;
}

/* A pair (a, b) where b reaches a's VRAM (@linked), or does not. */
static bool find_pair(int n, bool linked, int *a, int *b)
{
	const struct drm_svm_topology_link *l;

	for (*a = 0; *a < n; (*a)++)
		for (*b = 0; *b < n; (*b)++) {
			if (*a == *b)
				continue;
			l = link_of(*b, *a);
			if (!!(l && (l->flags & DRM_SVM_LINK_PEER)) == linked)
				return true;
		}
	return false;
}

/*
 * A preferred location honoured over a link, then moves between devices:
 * directly where a link leads, through system memory where none does.
 */
static void multi_demo(const uint32_t *vm, int n, uint64_t *batch,
		       uint64_t *result)
{
	struct drm_vsvm_job_query q;
	uint64_t want, *w, seed = 0x0dd5eed00ull;
	int a, b, c, d;
	size_t i;

	if (n < 3 || !show_topology(n) || !find_pair(n, true, &a, &b))
		return;
	w = aligned_alloc(2 << 20, MIG_SIZE);
	if (!w)
		exit(1);
	for (i = 0; i < MIG_SIZE / 8; i++)
		w[i] = seed + i * 0x9e3779b97f4a7c15ull;
	want = checksum(w, MIG_SIZE);
	for (d = 0; d < n; d++) {
		vm_bind(fds[d], vm[d], w, MIG_SIZE, 0);
		read_stats(d, &last_stats[d]);
	}

	printf("svm_demo: preferred location vsvm%d, jobs on vsvm%d over the link (%lu MiB):\n",
	       a, b, MIG_SIZE >> 20);
	step(!svm_set_preferred_loc(fds[b], w, MIG_SIZE, DRM_SVM_LOC_DEVICE,
				    fds[a]),
	     "madvise: preferred location vsvm%d", a);
	step(prefetch_to(b, vm[b], w, DRM_SVM_REGION_PREFERRED) ==
	     MIG_PAGES, "prefetch from vsvm%d to the preferred location", b);
	show_residency(b, vm[b], w, a, a);
	batch[0] = VSVM_CMD_CHECKSUM;
	batch[1] = (uintptr_t)w;
	batch[2] = MIG_SIZE;
	batch[3] = (uintptr_t)result;
	batch[4] = VSVM_CMD_END;
	q = run(fds[b], vm[b], batch, 5);
	step(q.status == DRM_VSVM_JOB_DONE && *result == want && !q.faults,
	     "GPU checksum on vsvm%d: %llu faults, device time %llu us", b,
	     (unsigned long long)q.faults,
	     (unsigned long long)q.device_time_ns / 1000);
	q = run(fds[a], vm[a], batch, 5);
	step(q.status == DRM_VSVM_JOB_DONE && *result == want,
	     "the same on vsvm%d, in its own VRAM: device time %llu us", a,
	     (unsigned long long)q.device_time_ns / 1000);
	show_residency(b, vm[b], w, a, a);
	show_stats(a);
	show_stats(b);

	step(!svm_set_preferred_loc(fds[b], w, MIG_SIZE, DRM_SVM_LOC_NONE, -1),
	     "madvise: no preferred location");
	printf("svm_demo: moving the buffer between devices:\n");
	step(prefetch_to(b, vm[b], w, DRM_SVM_REGION_DEVICE) == MIG_PAGES,
	     "prefetch to vsvm%d: directly over the link from vsvm%d", b, a);
	show_residency(b, vm[b], w, b, b);
	show_stats(b);
	if (find_pair(n, false, &c, &d) && c != d) {
		step(prefetch_to(c, vm[c], w, DRM_SVM_REGION_DEVICE) ==
		     MIG_PAGES, "prefetch to vsvm%d", c);
		step(prefetch_to(d, vm[d], w, DRM_SVM_REGION_DEVICE) ==
		     MIG_PAGES,
		     "prefetch to vsvm%d: no link from vsvm%d, bounced", d, c);
		show_residency(d, vm[d], w, d, d);
		show_stats(c);
		show_stats(d);
	}
	step(checksum(w, MIG_SIZE) == want, "CPU checks every byte");
	free(w);
}

/* ---- the migration policy ----------------------------------------------- */

/* One block of the policy, and the rounds: vsvm b, then vsvm a, writes */
#define PP_SIZE		(2ul << 20)
#define PP_PAGES	(PP_SIZE / PAGE)
#define PP_ROUNDS	40
/* More rounds, at most, when a pin ends as the rounds do */
#define PP_EXTRA	3
#define PP_GOLDEN	0x9e3779b97f4a7c15ull
#define POLICY_PARAM	"/sys/module/drm_svm/parameters/migration_policy"
#define TRACE_LINES	20

static const char *tracefs;
static char tracing_was[8];

static const char * const pp_events[] = {
	"drm_svm_policy", "drm_svm_migrate", "drm_svm_remote_map",
};

enum { EV_POLICY, EV_MIGRATE, EV_REMOTE };

/* Write @val to @file under tracefs (@ev: of that drm_svm event's). */
static bool tr_write(const char *ev, const char *file, const char *val)
{
	char path[160];
	ssize_t len = strlen(val);
	bool ok;
	int fd;

	if (ev)
		snprintf(path, sizeof(path), "%s/events/drm_svm/%s/%s", tracefs,
			 ev, file);
	else
		snprintf(path, sizeof(path), "%s/%s", tracefs, file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = write(fd, val, len) == len;
	close(fd);
	return ok;
}

/*
 * Find tracefs (mounting it on /sys/kernel/tracing if need be), empty the
 * trace and enable the policy's events of this process. False when the
 * drm_svm events are not there.
 */
static bool trace_start(void)
{
	static const char * const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[160], filter[32];
	unsigned int i;
	bool ok = true;
	FILE *f;

	if (access("/sys/kernel/tracing/events", F_OK) &&
	    mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL))
		printf("    (mount -t tracefs nodev /sys/kernel/tracing: %s)\n",
		       strerror(errno));
	for (i = 0; i < ARRAY_SIZE(dirs) && !tracefs; i++) {
		snprintf(path, sizeof(path), "%s/events/drm_svm", dirs[i]);
		if (!access(path, F_OK))
			tracefs = dirs[i];
	}
	if (!tracefs) {
		printf("    tracing: no drm_svm events in tracefs, no trace\n");
		return false;
	}
	snprintf(path, sizeof(path), "%s/tracing_on", tracefs);
	f = fopen(path, "r");
	if (!f || !fgets(tracing_was, sizeof(tracing_was), f))
		snprintf(tracing_was, sizeof(tracing_was), "1");
	if (f)
		fclose(f);
	tracing_was[strcspn(tracing_was, "\n")] = 0;
	snprintf(filter, sizeof(filter), "pid == %d", (int)getpid());
	ok &= tr_write(NULL, "tracing_on", "0");
	ok &= tr_write(NULL, "trace", "");
	for (i = 0; i < ARRAY_SIZE(pp_events); i++) {
		/* The events carry the process; the work may run elsewhere. */
		tr_write(pp_events[i], "filter", filter);
		ok &= tr_write(pp_events[i], "enable", "1");
	}
	ok &= tr_write(NULL, "tracing_on", "1");
	printf("    tracing: events/drm_svm/{drm_svm_policy,drm_svm_migrate,drm_svm_remote_map} of pid %d in %s%s\n",
	       (int)getpid(), tracefs, ok ? "" : " (could not set everything up)");
	return true;
}

/* Stop tracing and put tracefs back as it was. */
static void trace_stop(void)
{
	unsigned int i;

	tr_write(NULL, "tracing_on", "0");
	for (i = 0; i < ARRAY_SIZE(pp_events); i++) {
		tr_write(pp_events[i], "enable", "0");
		tr_write(pp_events[i], "filter", "0");
	}
}

/*
 * Print the policy and migrate events of the trace (the first TRACE_LINES,
 * with the first remote mapping), timed from the first one; count each
 * kind into @count. Empties the trace.
 */
static void trace_show(unsigned int *count)
{
	unsigned int shown = 0, left = 0, i;
	char path[160], line[512];
	double t0 = -1, t;
	char *ev, *ts;
	FILE *f;

	snprintf(path, sizeof(path), "%s/trace", tracefs);
	f = fopen(path, "r");
	if (!f) {
		printf("    tracing: cannot read %s: %s\n", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		ev = strstr(line, ": drm_svm_");
		if (line[0] == '#' || !ev)
			continue;
		*ev = 0;
		ev += 2;
		ts = strrchr(line, ' ');
		t = strtod(ts ? ts + 1 : line, NULL);
		if (t0 < 0)
			t0 = t;
		for (i = 0; i < ARRAY_SIZE(pp_events); i++)
			if (!strncmp(ev, pp_events[i], strlen(pp_events[i])) &&
			    ev[strlen(pp_events[i])] == ':')
				break;
		if (i == ARRAY_SIZE(pp_events))
			continue;
		/* One remote mapping shows what they look like. */
		if (i == EV_REMOTE && count[EV_REMOTE]++)
			continue;
		if (i != EV_REMOTE)
			count[i]++;
		if (shown++ < TRACE_LINES)
			printf("    %+9.3f ms  %s\n", (t - t0) * 1e3, ev);
		else
			left++;
	}
	fclose(f);
	if (left)
		printf("    ... %u more policy and migrate lines\n", left);
	printf("    trace: %u drm_svm_policy, %u drm_svm_migrate, %u drm_svm_remote_map events\n",
	       count[EV_POLICY], count[EV_MIGRATE], count[EV_REMOTE]);
	tr_write(NULL, "trace", "");
	tr_write(NULL, "tracing_on", tracing_was);
}

/* The migration_policy parameter: 1 on, 0 off, -1 unknown. */
static int policy_param(void)
{
	char s[8] = "";
	FILE *f;

	f = fopen(POLICY_PARAM, "r");
	if (!f)
		return -1;
	if (!fgets(s, sizeof(s), f))
		s[0] = 0;
	fclose(f);
	return s[0] == 'Y' || s[0] == '1' ? 1 :
	       s[0] == 'N' || s[0] == '0' ? 0 : -1;
}

static bool policy_param_set(int on)
{
	FILE *f = fopen(POLICY_PARAM, "w");
	bool ok;

	if (!f)
		return false;
	ok = fputs(on ? "Y" : "N", f) >= 0;
	ok &= !fclose(f);
	return ok && policy_param() == on;
}

/* The value to give migration_policy back, also when the demo dies. */
static int policy_saved = -1;

static void policy_restore(void)
{
	if (policy_saved >= 0 && !policy_param_set(policy_saved))
		fprintf(stderr, "svm_demo: could not restore %s to %c\n",
			POLICY_PARAM, policy_saved ? 'Y' : 'N');
	policy_saved = -1;
}

static const char *policy_state(uint32_t state)
{
	static const char * const names[] = {
		[DRM_SVM_POLICY_UNTRACKED] = "UNTRACKED",
		[DRM_SVM_POLICY_NORMAL] = "NORMAL",
		[DRM_SVM_POLICY_THROTTLED] = "THROTTLED",
		[DRM_SVM_POLICY_PINNED] = "PINNED",
		[DRM_SVM_POLICY_PROBE] = "PROBE",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

/* The residency ioctl's block entry, on one line. */
static void show_block(const struct drm_svm_block_policy *b)
{
	int d;

	printf("    policy: %s", policy_state(b->state));
	if (b->state == DRM_SVM_POLICY_UNTRACKED) {
		printf(" (no state: no second processor moved it within a lapse)\n");
		return;
	}
	if (b->home == DRM_SVM_RESIDENT_SYSTEM)
		printf(", home system memory");
	else if (b->home == DRM_SVM_RESIDENT_DEVICE)
		printf(", home VRAM of vsvm%d", dev_of_svm_id(b->home_device));
	printf(", moves %u, lapse %.1f us", b->moves, b->lapse_ns / 1e3);
	if (b->state == DRM_SVM_POLICY_PINNED)
		printf(", pin left %.3f ms", b->pin_left_ns / 1e6);
	printf(", backoff %u, epoch %.3f ms; contenders:", b->backoff,
	       b->epoch_ns / 1e6);
	for (d = 0; d < VSVM_MAX_DEVICES_DEMO; d++)
		if (lines[d][0] &&
		    b->contenders & (1u << devq[d].svm_id))
			printf(" vsvm%d", d);
	if (b->contenders & DRM_SVM_POLICY_CPU)
		printf(" CPU");
	printf("\n");
}

/*
 * The ping-pongs' blocks: 2 MiB-aligned anonymous memory in 4 KiB pages,
 * mapped before the other parts of the demo allocate and free their
 * buffers, so that their addresses are fresh. The policy keeps its state
 * by CPU address, and a block at the address of a buffer that an earlier
 * part of the demo used and freed would start with that buffer's history
 * (contenders included).
 */
static uint64_t *pp_blocks[2];

static void pp_blocks_reserve(void)
{
	uint8_t *p, *blk;
	size_t head, len = (ARRAY_SIZE(pp_blocks) + 1) * PP_SIZE;
	unsigned int i;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("svm_demo: mmap");
		exit(1);
	}
	blk = (uint8_t *)(((uintptr_t)p + PP_SIZE - 1) & ~(PP_SIZE - 1));
	head = blk - p;
	if (head)
		munmap(p, head);
	munmap(blk + len - PP_SIZE, PP_SIZE - head);
	madvise(blk, len - PP_SIZE, MADV_NOHUGEPAGE);
	for (i = 0; i < ARRAY_SIZE(pp_blocks); i++)
		pp_blocks[i] = (uint64_t *)(blk + i * PP_SIZE);
}

/* What job @k of a ping-pong stores at the first word of page @k. */
static uint64_t pp_value(uint64_t seed, unsigned int k)
{
	return seed ^ ((uint64_t)(k + 1) * PP_GOLDEN);
}

/*
 * Job @k of a ping-pong, on vsvm@dev: a small batch that copies what job
 * k - 1 stored (on the other device) to the second word of page @k, then
 * stores its own value at the first.
 */
static bool pp_job(int dev, uint32_t vm, uint64_t *w, uint64_t *batch,
		   unsigned int k, uint64_t seed)
{
	uint64_t *page = w + k * (PAGE / 8);
	struct drm_vsvm_job_query q;
	size_t n = 0;

	if (k) {
		batch[n++] = VSVM_CMD_COPY;
		batch[n++] = (uintptr_t)(page + 1);
		batch[n++] = (uintptr_t)(page - PAGE / 8);
		batch[n++] = 8;
	}
	batch[n++] = VSVM_CMD_STORE;
	batch[n++] = (uintptr_t)page;
	batch[n++] = pp_value(seed, k);
	batch[n++] = VSVM_CMD_END;
	q = run(fds[dev], vm, batch, n);
	if (q.status == DRM_VSVM_JOB_DONE)
		return true;
	printf("    job %u on vsvm%d FAILED: error %d (%s), fault at %#llx\n",
	       k, dev, q.error, strerror(-q.error),
	       (unsigned long long)q.fault.address);
	return false;
}

/* The CPU reads the block: every word as jobs 0..@jobs - 1 left it. */
static void pp_check(const uint64_t *w, unsigned int jobs, uint64_t seed)
{
	size_t i, bad = 0, first = 0;
	uint64_t want, first_want = 0;

	for (i = 0; i < PP_SIZE / 8; i++) {
		size_t pg = i / (PAGE / 8), off = i % (PAGE / 8);

		want = seed + i * PP_GOLDEN;
		if (pg < jobs && off == 0)
			want = pp_value(seed, pg);
		else if (pg >= 1 && pg < jobs && off == 1)
			want = pp_value(seed, pg - 1);
		if (w[i] != want && !bad++) {
			first = i;
			first_want = want;
		}
	}
	step(!bad, "CPU checks every word of the block: %zu wrong", bad);
	if (bad)
		printf("    DATA MISMATCH: word %zu (page %zu) is %#llx, expected %#llx\n",
		       first, first / (PAGE / 8), (unsigned long long)w[first],
		       (unsigned long long)first_want);
}

/* Pages moved between two snapshots of every device's counters. */
static unsigned long long pp_moved(const struct dev_stats *s0,
				   const struct dev_stats *s1, int n)
{
	unsigned long long pages = 0;
	int d;

	for (d = 0; d < n; d++)
		pages += s1[d].to_vram - s0[d].to_vram +
			 s1[d].to_ram - s0[d].to_ram;
	return pages;
}

static void pp_show_stats(int dev, const struct dev_stats *s0,
			  const struct dev_stats *s1)
{
	unsigned int i;

	printf("    vsvm%d debugfs, the rounds:", dev);
	for (i = 0; i < ARRAY_SIZE(policy_keys); i++)
		printf(" %s +%llu,", policy_keys[i],
		       s1->policy[i] - s0->policy[i]);
	printf(" pages_to_vram +%llu (from a peer directly +%llu), pages_to_ram +%llu\n",
	       s1->to_vram - s0->to_vram, s1->from_peer - s0->from_peer,
	       s1->to_ram - s0->to_ram);
}

/* One character per block state, for the timeline of a ping-pong. */
static char state_char(uint32_t state)
{
	static const char chars[] = "-NTPR";

	return state < sizeof(chars) - 1 ? chars[state] : '?';
}

/* A round: the next job on vsvm@b, then one on vsvm@a; counts *@jobs. */
static bool pp_round(const uint32_t *vm, int a, int b, uint64_t *batch,
		     uint64_t *w, unsigned int *jobs, uint64_t seed)
{
	if (!pp_job(b, vm[b], w, batch, *jobs, seed))
		return false;
	++*jobs;
	if (!pp_job(a, vm[a], w, batch, *jobs, seed))
		return false;
	++*jobs;
	return true;
}

/*
 * A ping-pong on the fresh block @w: a first job on vsvm@a places it,
 * then PP_ROUNDS rounds of a small job on vsvm@b and one on vsvm@a. With
 * the policy @on, the block before, after each round and at the end, the
 * trace and the policy's counters; when the pin has just ended at the end
 * of the rounds, up to PP_EXTRA more rounds until it is pinned again. The
 * moves of the PP_ROUNDS rounds in *@moves.
 */
static void pingpong(const uint32_t *vm, int n, int a, int b,
		     uint64_t *batch, uint64_t *w, bool on, double *moves)
{
	static struct drm_svm_page_residency r[PP_PAGES];
	struct dev_stats s0[VSVM_MAX_DEVICES_DEMO] = {};
	struct dev_stats s1[VSVM_MAX_DEVICES_DEMO] = {};
	struct dev_stats s2[VSVM_MAX_DEVICES_DEMO] = {};
	uint64_t seed = 0x9009900000000000ull ^ ((uint64_t)on << 40);
	unsigned int count[ARRAY_SIZE(pp_events)] = {}, jobs = 0;
	unsigned int round, extra = 0, len = 0;
	char states[PP_ROUNDS + 1 + PP_EXTRA + 1];
	struct drm_svm_block_policy blk;
	bool traced = false, ok, remote = true;
	unsigned long long pages;
	int d, home = -1, other;
	size_t i;

	for (i = 0; i < PP_SIZE / 8; i++)
		w[i] = seed + i * PP_GOLDEN;
	vm_bind(fds[a], vm[a], w, PP_SIZE, 0);
	vm_bind(fds[b], vm[b], w, PP_SIZE, 0);
	ok = pp_job(a, vm[a], w, batch, jobs, seed);
	jobs += ok;
	step(ok, "CPU writes a fresh block, a job on vsvm%d moves it to its VRAM",
	     a);
	if (on) {
		printf("  before:\n");
		residency_query(a, vm[a], w, PP_PAGES, r, &blk);
		residency_print(r, PP_PAGES, a, a);
		show_block(&blk);
		traced = trace_start();
	}

	for (d = 0; d < n; d++)
		read_stats(d, &s0[d]);
	for (round = 0; ok && round < PP_ROUNDS; round++) {
		ok = pp_round(vm, a, b, batch, w, &jobs, seed);
		if (on) {
			residency_query(a, vm[a], w, 1, r, &blk);
			states[len++] = state_char(blk.state);
		}
	}
	/* The snapshot right away: a pin lasts some lapses only. */
	residency_query(a, vm[a], w, PP_PAGES, r, &blk);
	for (d = 0; d < n; d++)
		read_stats(d, &s1[d]);
	pages = pp_moved(s0, s1, n);
	*moves = (double)pages / PP_PAGES;
	/* A pin that ended with the rounds: a quick move pins it again. */
	while (on && ok && blk.state != DRM_SVM_POLICY_PINNED &&
	       extra < PP_EXTRA) {
		ok = pp_round(vm, a, b, batch, w, &jobs, seed);
		residency_query(a, vm[a], w, PP_PAGES, r, &blk);
		if (!extra++)
			states[len++] = '|';
		states[len++] = state_char(blk.state);
	}
	states[len] = 0;
	for (d = 0; d < n; d++)
		read_stats(d, &s2[d]);
	if (traced)
		trace_stop();

	step(ok, "%d rounds: vsvm%d, then vsvm%d, copy the last word, write one",
	     PP_ROUNDS, b, a);
	if (on)
		printf("    block state after each round (- untracked, N normal, T throttled, P pinned, R probe): %s\n",
		       states);
	if (extra)
		printf("    the pin ended as the rounds did: %u more round%s, the block %s\n",
		       extra, extra > 1 ? "s" : "",
		       blk.state == DRM_SVM_POLICY_PINNED ? "is pinned again" :
		       "still is not pinned");
	if (traced) {
		printf("    trace (processors: vsvm%d is %u, vsvm%d %u, %u the CPU and system memory; state 2 throttled, 3 pinned, 4 probe):\n",
		       a, devq[a].svm_id, b, devq[b].svm_id,
		       DRM_SVM_MAX_DEVICES);
		trace_show(count);
	}
	if (on)
		printf("  after:\n");
	if (blk.state == DRM_SVM_POLICY_PINNED &&
	    blk.home == DRM_SVM_RESIDENT_DEVICE)
		home = dev_of_svm_id(blk.home_device);
	residency_print(r, PP_PAGES, home == b ? b : a, home == b ? b : a);
	show_block(&blk);
	if (on) {
		other = home == a ? b : a;
		for (i = 0; i < PP_PAGES; i++)
			remote &= !!(r[i].mapped_remote &
				     (1u << devq[other].svm_id));
		if (home == a || home == b)
			step(remote, "pinned at vsvm%d, vsvm%d maps it over the link",
			     home, other);
		else if (blk.state == DRM_SVM_POLICY_PINNED)
			step(false, "pinned at %s, not at vsvm%d or vsvm%d",
			     blk.home == DRM_SVM_RESIDENT_SYSTEM ?
			     "system memory" : "another device", a, b);
		else
			step(false, "block %s, not pinned at vsvm%d or vsvm%d",
			     policy_state(blk.state), a, b);
		pp_show_stats(a, &s0[a], &s2[a]);
		pp_show_stats(b, &s0[b], &s2[b]);
	}
	printf("    moved in the %d rounds: %llu pages (pages_to_vram + pages_to_ram of every device) = %g moves of 2 MiB",
	       PP_ROUNDS, pages, *moves);
	if (extra)
		printf(", %g more after them",
		       (double)(pp_moved(s0, s2, n) - pages) / PP_PAGES);
	if (traced)
		printf("; trace: %u drm_svm_migrate", count[EV_MIGRATE]);
	if (blk.state != DRM_SVM_POLICY_UNTRACKED)
		printf("; the block's moves: %u", blk.moves);
	printf("\n");
	pp_check(w, jobs, seed);
}

/* Unbind and unmap a ping-pong's block. */
static void pp_block_free(const uint32_t *vm, int a, int b, uint64_t *w)
{
	svm_unbind(fds[a], vm[a], (uintptr_t)w, PP_SIZE);
	svm_unbind(fds[b], vm[b], (uintptr_t)w, PP_SIZE);
	munmap(w, PP_SIZE);
}

/*
 * Two linked devices write one block in turn: the migration policy finds
 * it thrashing and pins it at one of them, which the other maps over the
 * link; then the same with the policy off, which moves it at every job.
 */
static void policy_demo(const uint32_t *vm, int n, uint64_t *batch)
{
	const struct drm_svm_topology_link *ab, *ba;
	double on_moves, off_moves;
	int a, b;

	if (n < 2)
		return;
	load_topology();
	for (a = 0; a < n; a++) {
		for (b = a + 1; b < n; b++) {
			ab = link_of(a, b);
			ba = link_of(b, a);
			if (ab && ba && ab->flags & DRM_SVM_LINK_PEER &&
			    ba->flags & DRM_SVM_LINK_PEER)
				break;
		}
		if (b < n)
			break;
	}
	if (a == n)
		return;

	printf("svm_demo: migration policy: a GPU-GPU ping-pong caught and resolved (vsvm%d and vsvm%d, linked both ways; one 2 MiB block, %d rounds of small jobs):\n",
	       a, b, PP_ROUNDS);
	policy_saved = policy_param();
	if (policy_saved < 0) {
		step(false, "read %s", POLICY_PARAM);
		return;
	}
	atexit(policy_restore);
	step(policy_param_set(1), "migration_policy on (it was %c)",
	     policy_saved ? 'Y' : 'N');
	pingpong(vm, n, a, b, batch, pp_blocks[0], true, &on_moves);

	printf("svm_demo: migration policy: the same ping-pong with the policy off:\n");
	step(policy_param_set(0), "migration_policy off (N)");
	pingpong(vm, n, a, b, batch, pp_blocks[1], false, &off_moves);
	step(policy_param_set(policy_saved), "migration_policy back to %c",
	     policy_saved ? 'Y' : 'N');
	policy_saved = -1;
	pp_block_free(vm, a, b, pp_blocks[1]);
	pp_block_free(vm, a, b, pp_blocks[0]);

	/* Every job moves the block with the policy off: a tenth of that. */
	step(on_moves * 10 <= off_moves,
	     "policy on: %g moves of 2 MiB in %d rounds; off: %g", on_moves,
	     PP_ROUNDS, off_moves);
}

int main(void)
{
	uint64_t *batch, *result, sum;
	struct drm_vsvm_job_query q;
	uint32_t vm[VSVM_MAX_DEVICES_DEMO] = {};
	uint8_t *buf, *mid;
	size_t i;
	int n, d;

	printf("svm_demo: virtual GPUs found:\n");
	n = find_devices();
	printf("svm_demo: %d device(s)\n", n);
	if (!n)
		return 1;

	buf = malloc(BUF_SIZE);
	batch = malloc(64 * sizeof(*batch));
	if (!buf || !batch)
		return 1;
	pp_blocks_reserve();
	/* The GPU writes results into memory it can reach: the batch's tail. */
	result = &batch[63];

	/*
	 * First the mirror alone: bound with NO_MIGRATE, the buffer stays in
	 * system memory and the GPU maps it in place.
	 */
	printf("svm_demo: GPU jobs on vsvm0 over malloc'd memory, mirrored in place (%u MiB):\n",
	       BUF_SIZE >> 20);
	printf("  (each job ends through a user fence: a word of ours the kernel writes, which the wait ioctl sleeps on)\n");
	vm[0] = vm_create(fds[0]);
	vm_bind(fds[0], vm[0], buf, BUF_SIZE, DRM_SVM_BIND_FLAG_NO_MIGRATE);
	/*
	 * The batch is mirrored only: it stays in system memory, where the
	 * CPU writes the commands, and only the data moves to VRAM.
	 */
	vm_bind(fds[0], vm[0], batch, 64 * sizeof(*batch),
		DRM_SVM_BIND_FLAG_NO_MIGRATE);

	batch[0] = VSVM_CMD_FILL;
	batch[1] = (uintptr_t)buf;
	batch[2] = BUF_SIZE;
	batch[3] = 0x5a5a1234;
	batch[4] = VSVM_CMD_END;
	q = run(fds[0], vm[0], batch, 5);
	for (i = 0; i < BUF_SIZE && ((uint32_t *)buf)[i / 4] == 0x5a5a1234; i += 4)
		;
	report("GPU fill, CPU checks every byte", q, i == BUF_SIZE);

	batch[0] = VSVM_CMD_CHECKSUM;
	batch[1] = (uintptr_t)buf;
	batch[2] = BUF_SIZE;
	batch[3] = (uintptr_t)result;
	batch[4] = VSVM_CMD_END;
	q = run(fds[0], vm[0], batch, 5);
	report("GPU checksum again: pages already mapped", q,
	       *result == checksum(buf, BUF_SIZE));

	memset(buf + BUF_SIZE / 2, 0x77, 4096);
	sum = checksum(buf, BUF_SIZE);
	q = run(fds[0], vm[0], batch, 5);
	report("CPU writes a page, GPU checksum sees it", q, *result == sum);

	if (n > 1) {
		vm[1] = vm_create(fds[1]);
		vm_bind(fds[1], vm[1], buf, BUF_SIZE,
			DRM_SVM_BIND_FLAG_NO_MIGRATE);
		vm_bind(fds[1], vm[1], batch, 64 * sizeof(*batch),
			DRM_SVM_BIND_FLAG_NO_MIGRATE);
		q = run(fds[1], vm[1], batch, 5);
		report("vsvm1 checksums the same malloc'd buffer", q,
		       *result == sum);
	}

	/* Drop two pages from the middle: the CPU and the GPU read zeros. */
	mid = (uint8_t *)(((uintptr_t)buf + BUF_SIZE / 2) & ~(PAGE - 1));
	if (madvise(mid, 2 * PAGE, MADV_DONTNEED) == 0) {
		sum = checksum(buf, BUF_SIZE);
		q = run(fds[0], vm[0], batch, 5);
		report("CPU drops 2 pages (MADV_DONTNEED), GPU sees 0s", q,
		       *result == sum);
	}

	migration_demo(vm, n > 1 ? 2 : 1, batch, result);

	for (d = 2; d < n; d++) {
		vm[d] = vm_create(fds[d]);
		vm_bind(fds[d], vm[d], batch, 64 * sizeof(*batch),
			DRM_SVM_BIND_FLAG_NO_MIGRATE);
	}
	multi_demo(vm, n, batch, result);
	policy_demo(vm, n, batch);

	printf("svm_demo: %s\n", failures ? "FAILED" : "all results correct");
	return failures ? 1 : 0;
}

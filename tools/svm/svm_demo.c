// SPDX-License-Identifier: MIT
/*
 * svm_demo - show what the drm_svm virtual GPUs can do.
 *
 * Lists the vsvm devices, then runs GPU jobs over ordinary malloc()
 * memory: the batch buffer itself is malloc'd too, nothing is pinned or
 * registered, and the GPU faults the pages in on first touch, mapping them
 * in place (the buffer is bound with DRM_SVM_BIND_FLAG_NO_MIGRATE). Then it
 * follows one buffer as its pages move: into vsvm0's VRAM on a GPU fault,
 * back to system memory when the CPU touches them, into vsvm1's VRAM and
 * back by prefetch, showing the residency snapshot, the device statistics
 * (debugfs) and the file's fdinfo along the way. With several linked
 * devices it then prints the topology, honours a preferred location over
 * a link (the job maps the peer's VRAM, nothing moves) and moves the
 * buffer between devices, directly over a link and bounced through system
 * memory where there is none. Every result is checked against what the
 * CPU computes; the program exits non-zero on any mismatch, or when pages
 * are not where they should be.
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
#include <unistd.h>

#include <xf86drm.h>

#include "vsvm_drm.h"
#include "vsvm_tool.h"

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
static struct drm_vsvm_device_query devq[VSVM_MAX_DEVICES_DEMO];

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
		struct drm_vsvm_device_query q;
		const char *node;
		int fd;

		if (!(devs[i]->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		node = devs[i]->nodes[DRM_NODE_RENDER];
		fd = vsvm_tool_open(node, &q);
		if (fd < 0)
			continue;
		if (q.index >= VSVM_MAX_DEVICES_DEMO) {
			close(fd);
			continue;
		}
		snprintf(lines[q.index], sizeof(lines[q.index]),
			 "  vsvm%u  %-22s VRAM %5llu MiB %-8s  uAPI %u.%u\n",
			 q.index, node, (unsigned long long)q.vram_size >> 20,
			 q.vram_mode == DRM_VSVM_VRAM_COHERENT ? "coherent" :
			 "private", q.uapi_major, q.uapi_minor);
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
	struct drm_svm_vm_create c = {};

	if (drmIoctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &c)) {
		perror("svm_demo: vm create");
		exit(1);
	}
	return c.vm_id;
}

/* Bind the pages holding [p, p + len) at the same GPU address. */
static void vm_bind(int fd, uint32_t vm, const void *p, size_t len,
		    uint32_t flags)
{
	uint64_t start = (uintptr_t)p & ~(PAGE - 1);
	uint64_t end = ((uintptr_t)p + len + PAGE - 1) & ~(PAGE - 1);
	struct drm_svm_vm_bind b = {
		.vm_id = vm,
		.op = DRM_SVM_BIND_OP_MAP,
		.cpu_addr = start,
		.gpu_addr = start,
		.range = end - start,
		.flags = flags,
	};

	if (drmIoctl(fd, DRM_IOCTL_VSVM_VM_BIND, &b)) {
		perror("svm_demo: vm bind");
		exit(1);
	}
}

/* Run a batch and wait for it; returns the job's record. */
static struct drm_vsvm_job_query run(int fd, uint32_t vm, uint64_t *batch,
				     size_t words)
{
	struct drm_vsvm_job_query q = {};
	struct drm_vsvm_exec e = {
		.vm_id = vm,
		.batch_addr = (uintptr_t)batch,
		.batch_len = words * 8,
	};
	uint32_t syncobj;

	if (drmSyncobjCreate(fd, 0, &syncobj)) {
		perror("svm_demo: syncobj");
		exit(1);
	}
	e.syncobj = syncobj;
	if (drmIoctl(fd, DRM_IOCTL_VSVM_EXEC, &e)) {
		perror("svm_demo: exec");
		exit(1);
	}
	/* A failed job signals too; its record says why. */
	if (drmSyncobjWait(fd, &syncobj, 1, INT64_MAX, 0, NULL)) {
		perror("svm_demo: wait");
		exit(1);
	}
	drmSyncobjDestroy(fd, syncobj);
	q.job_id = e.job_id;
	if (drmIoctl(fd, DRM_IOCTL_VSVM_JOB_QUERY, &q)) {
		perror("svm_demo: job query");
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
struct dev_stats {
	unsigned long long vram_in_use, gpu_faults, cpu_faults;
	unsigned long long to_vram, to_ram, evictions, from_peer, bounces;
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
		 devq[dev].svm_device_id);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %llu", key, &val) != 2)
			continue;
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if (!strcmp(key, keys[i]))
				*v[i] = val;
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
		    strncmp(line, "svm-", 4))
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
		if (lines[i][0] && devq[i].svm_device_id == id)
			return i;
	return -1;
}

/*
 * Show where the pages of @buf live, as VM @vm of device @dev sees them:
 * counts per location, then a map with one character per MAP_CELL. Every
 * page of the first half should be where @lo says, of the second half
 * where @hi says: -1 for system memory, N for the VRAM of vsvmN.
 */
static void show_residency(int dev, uint32_t vm, const void *buf, int lo,
			   int hi)
{
	static struct drm_svm_page_residency r[MIG_PAGES];
	unsigned int sys = 0, none = 0, vram[VSVM_MAX_DEVICES_DEMO] = {};
	char map[MIG_SIZE / MAP_CELL + 1];
	struct drm_svm_residency q = {
		.vm_id = vm,
		.gpu_addr = (uintptr_t)buf,
		.npages = MIG_PAGES,
		.pages = (uintptr_t)r,
	};
	uint64_t mapped = 0, remote = 0;
	bool ok = true;
	size_t i;
	int d;

	if (drmIoctl(fds[dev], DRM_IOCTL_VSVM_RESIDENCY, &q)) {
		perror("svm_demo: residency");
		exit(1);
	}
	for (i = 0; i < MIG_PAGES; i++) {
		int want = i < MIG_PAGES / 2 ? lo : hi;
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
	map[MIG_SIZE / MAP_CELL] = 0;

	printf("    residency: %u system", sys);
	for (d = 0; d < VSVM_MAX_DEVICES_DEMO; d++)
		if (vram[d])
			printf(", %u VRAM of vsvm%d", vram[d], d);
	if (none)
		printf(", %u not present", none);
	printf("; mapped on:");
	for (d = 0; d < VSVM_MAX_DEVICES_DEMO; d++)
		if (lines[d][0] && mapped & (1ull << devq[d].svm_device_id))
			printf(" vsvm%d%s", d,
			       remote & (1ull << devq[d].svm_device_id) ?
			       " (over a link)" : "");
	if (!mapped)
		printf(" none");
	printf("\n    map: %s%s\n", map, ok ? "" : "  <- not where expected");
	if (!ok)
		failures++;
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
	struct drm_svm_prefetch p = {
		.vm_id = vm,
		.region = region,
		.gpu_addr = (uintptr_t)buf,
		.range = MIG_SIZE,
	};

	if (drmIoctl(fds[dev], DRM_IOCTL_VSVM_PREFETCH, &p)) {
		perror("svm_demo: prefetch");
		exit(1);
	}
	return p.moved;
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
	bool coherent = devq[0].vram_mode == DRM_VSVM_VRAM_COHERENT;
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
		if (topo[i].from == devq[a].svm_device_id &&
		    topo[i].to == devq[b].svm_device_id)
			return &topo[i];
	return NULL;
}

static uint32_t group_of(int d)
{
	uint32_t i;

	for (i = 0; i < DRM_SVM_MAX_DEVICES; i++)
		if (topo_dev[i].id == devq[d].svm_device_id)
			return topo_dev[i].group;
	return 0;
}

/* Print the link matrix; returns how many links the core uses. */
static int show_topology(int n)
{
	struct drm_svm_topology t = {
		.num_devices = DRM_SVM_MAX_DEVICES,
		.num_links = ARRAY_SIZE(topo),
		.devices = (uintptr_t)topo_dev,
		.links = (uintptr_t)topo,
	};
	const struct drm_svm_topology_link *l;
	int a, b, used = 0;

	if (drmIoctl(fds[0], DRM_IOCTL_VSVM_TOPOLOGY, &t)) {
		perror("svm_demo: topology");
		exit(1);
	}
	topo_links = t.num_links;
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
	struct drm_svm_madvise m = { .type = DRM_SVM_ATTR_PREFERRED_LOC };
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
	m.start = (uintptr_t)w;
	m.range = MIG_SIZE;
	m.preferred_loc.location = DRM_SVM_LOC_DEVICE;
	m.preferred_loc.fd = fds[a];
	step(!drmIoctl(fds[b], DRM_IOCTL_VSVM_MADVISE, &m),
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

	m.preferred_loc.location = DRM_SVM_LOC_NONE;
	m.preferred_loc.fd = -1;
	step(!drmIoctl(fds[b], DRM_IOCTL_VSVM_MADVISE, &m),
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
	/* The GPU writes results into memory it can reach: the batch's tail. */
	result = &batch[63];

	/*
	 * First the mirror alone: bound with NO_MIGRATE, the buffer stays in
	 * system memory and the GPU maps it in place.
	 */
	printf("svm_demo: GPU jobs on vsvm0 over malloc'd memory, mirrored in place (%u MiB):\n",
	       BUF_SIZE >> 20);
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

	printf("svm_demo: %s\n", failures ? "FAILED" : "all results correct");
	return failures ? 1 : 0;
}

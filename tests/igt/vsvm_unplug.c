// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm unplug
 * Category: Core
 * Description: A device that goes away while it is in use, through the
 *		sysfs unbind of vsvm's platform driver
 *		(/sys/bus/platform/drivers/vsvm/unbind), as a hot unplug
 *		would: process data in its VRAM moves back to system memory,
 *		its open files stay valid but every ioctl on them fails with
 *		ENODEV, work in flight ends with an error, and the last close
 *		frees the device. A sysfs bind brings up a working device
 *		again. Each subtest unbinds the last vsvm device and binds it
 *		again before it ends.
 *
 * SUBTEST: vram-survives-unbind
 * Description: Data in VRAM, written by the CPU and by a GPU job, is
 *		still there when the CPU reads it after the unbind, and is
 *		in system memory (the residency seen through another
 *		device's VM says so); the data also survives the last close.
 *
 * SUBTEST: ioctl-after-unbind
 * Description: Every ioctl on a file of the unbound device, vsvm's own
 *		(device query, VM create, destroy and bind, exec, job query,
 *		user fence wait, prefetch, residency, topology, madvise,
 *		attribute query) and the DRM core's (version, get cap),
 *		fails with ENODEV; the render node is gone.
 *
 * SUBTEST: job-in-flight
 * Description: A long job, faulting memory into VRAM, is running when the
 *		device is unbound: its user fence is written with error
 *		ENODEV in bounded time (seen by a wait through another
 *		device's file, or by reading the fence word with no other
 *		device), the wait ioctl on the unbound device's file fails
 *		with ENODEV, and the data it wrote before is intact.
 *
 * SUBTEST: last-close-frees
 * Description: After the unbind the device's VRAM is empty and, while a
 *		file is still open, its memory is still registered; closing
 *		the last file frees it all: the core's statistics file of
 *		the device goes, private VRAM's address range and the system
 *		pages behind it (free memory, per-CPU lists included) are
 *		given back. Leaks would show in the
 *		kmemleak scan at the end of the run.
 *
 * SUBTEST: unbind-cpu-faulting
 * Description: The unbind happens while a CPU thread reads and checks
 *		every page of a buffer that another thread keeps moving
 *		into VRAM with prefetches: no word is ever wrong, the
 *		prefetches end with ENODEV, and the whole buffer is right
 *		afterwards.
 *
 * SUBTEST: bind-while-open
 * Description: A bind while a file of the unbound device is still open:
 *		with private VRAM, a new device that works beside the old
 *		file, and after its close; with coherent VRAM, whose range
 *		the old device still holds, the bind fails with EBUSY until
 *		the last close.
 *
 * SUBTEST: bind-again
 * Description: After an unbind and the last close, a sysfs bind gives a
 *		device with the same index, isolation group, capabilities
 *		and links (the topology query compared with the one before,
 *		on four linked devices) whose jobs run, migrate into its VRAM
 *		and produce the right data.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_migrate_lib.h"
#include "vsvm_svm_lib.h"

IGT_TEST_DESCRIPTION("A vsvm device unbound while in use");

#define UNPLUG_DRIVER_DIR	"/sys/bus/platform/drivers/vsvm"
#define UNPLUG_DEVICE_DIR	"/sys/bus/platform/devices"

/* How long a bound device may take to show its render node */
#define UNPLUG_NODE_WAIT_MS	10000

/* The device the subtests unbind: the last one */
static int unplug_index = -1;

static int unplug_sysfs_write(const char *file, int index)
{
	char path[128], name[16];
	int fd, len, err = 0;

	snprintf(path, sizeof(path), UNPLUG_DRIVER_DIR "/%s", file);
	len = snprintf(name, sizeof(name), "vsvm%d", index);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, name, len) != len)
		err = -errno;
	close(fd);
	return err;
}

/* Whether platform device vsvm<index> is bound to the vsvm driver */
static bool unplug_is_bound(int index)
{
	char path[128];

	snprintf(path, sizeof(path), UNPLUG_DEVICE_DIR "/vsvm%d/driver",
		 index);
	return access(path, F_OK) == 0;
}

static void unplug_unbind(int index)
{
	int err = unplug_sysfs_write("unbind", index);

	igt_assert_f(err == 0, "unbind vsvm%d: %s\n", index, strerror(-err));
	igt_assert_f(!unplug_is_bound(index), "vsvm%d still bound\n", index);
}

/* Waits for the render node of a device just bound to answer */
static void unplug_wait_node(int index)
{
	int fd = -1, waited;

	for (waited = 0; waited < UNPLUG_NODE_WAIT_MS; waited += 10) {
		fd = vsvm_open_render(index);
		if (fd >= 0)
			break;
		usleep(10 * 1000);
	}
	igt_assert_f(fd >= 0, "no render node for vsvm%d after bind\n", index);
	close(fd);
}

/* Binds the device and waits for its render node */
static void unplug_bind(int index)
{
	int err = unplug_sysfs_write("bind", index);

	igt_assert_f(err == 0, "bind vsvm%d: %s\n", index, strerror(-err));
	unplug_wait_node(index);
}

/* Leaves the device bound, whatever an earlier subtest did */
static void unplug_ensure_bound(int index)
{
	if (index >= 0 && !unplug_is_bound(index))
		unplug_bind(index);
}

static void unplug_open(struct mig_dev *d)
{
	unplug_ensure_bound(unplug_index);
	igt_assert_f(mig_dev_open(d, unplug_index), "no vsvm device %d\n",
		     unplug_index);
}

/* A private anonymous buffer with a pattern, bound and moved into VRAM */
static uint8_t *unplug_vram_buf(struct ctx *c, uint64_t size, uint32_t seed)
{
	uint8_t *buf = ctx_buf(c, size);

	svm_pattern_fill(buf, size, seed);
	svm_prefetch(c->fd, c->vm, to_u64(buf), size, DRM_SVM_REGION_DEVICE);
	assert_res(c, buf, size, DRM_SVM_RESIDENT_DEVICE, true);
	return buf;
}

static void test_vram_survives(void)
{
	const uint64_t size = 8 * SZ_1M, half = size / 2;
	struct mig_dev d, other = { .fd = -1 };
	struct drm_svm_page_residency *r;
	struct ctx c, oc;
	uint64_t i, n = size / svm_page_size();
	uint8_t *buf;

	unplug_open(&d);
	ctx_init(&c, &d);
	buf = unplug_vram_buf(&c, size, 0x5eed);
	/* The second half written by the GPU, in VRAM. */
	gpu_fill(&c, buf + half, half, 0xc0ffee);
	assert_res(&c, buf, size, DRM_SVM_RESIDENT_DEVICE, false);

	/* Another device, which stays, sees where the pages go. */
	if (unplug_index > 0 && mig_dev_open(&other, 0)) {
		ctx_init(&oc, &other);
		svm_bind_ptr(oc.fd, oc.vm, buf, size, 0);
	}

	unplug_unbind(unplug_index);
	svm_assert_pattern(buf, half, 0x5eed);
	svm_assert_value(buf + half, half, 0xc0ffee);

	if (other.fd >= 0) {
		r = svm_residency(oc.fd, oc.vm, to_u64(buf), n);
		for (i = 0; i < n; i++)
			igt_assert_f(r[i].location == DRM_SVM_RESIDENT_SYSTEM,
				     "page %" PRIu64 " is %s after the unbind\n",
				     i, svm_location_str(r[i].location));
		free(r);
		ctx_fini(&oc);
		close(other.fd);
	}

	/* The last close of the unbound device: the data stays. */
	svm_batch_fini(&c.b);
	close(d.fd);
	svm_assert_pattern(buf, half, 0x5eed);
	svm_assert_value(buf + half, half, 0xc0ffee);
	munmap(buf, size);
	unplug_bind(unplug_index);
}

/* One ioctl of each kind, on zeroed arguments: the device is gone first. */
static void test_ioctl_after_unbind(void)
{
	static const struct {
		const char *name;
		unsigned long nr;
	} ioctls[] = {
		{ "DEVICE_QUERY", DRM_IOCTL_VSVM_DEVICE_QUERY },
		{ "VM_CREATE", DRM_IOCTL_VSVM_VM_CREATE },
		{ "VM_DESTROY", DRM_IOCTL_VSVM_VM_DESTROY },
		{ "VM_BIND", DRM_IOCTL_VSVM_VM_BIND },
		{ "EXEC", DRM_IOCTL_VSVM_EXEC },
		{ "JOB_QUERY", DRM_IOCTL_VSVM_JOB_QUERY },
		{ "WAIT_USER_FENCE", DRM_IOCTL_VSVM_WAIT_USER_FENCE },
		{ "PREFETCH", DRM_IOCTL_VSVM_PREFETCH },
		{ "RESIDENCY", DRM_IOCTL_VSVM_RESIDENCY },
		{ "TOPOLOGY", DRM_IOCTL_VSVM_TOPOLOGY },
		{ "MADVISE", DRM_IOCTL_VSVM_MADVISE },
		{ "ATTR_QUERY", DRM_IOCTL_VSVM_ATTR_QUERY },
		{ "VERSION", DRM_IOCTL_VERSION },
		{ "GET_CAP", DRM_IOCTL_GET_CAP },
	};
	uint8_t args[4096];
	struct mig_dev d;
	unsigned int i;
	int err;

	unplug_open(&d);
	svm_vm_create(d.fd);
	unplug_unbind(unplug_index);

	for (i = 0; i < ARRAY_SIZE(ioctls); i++) {
		memset(args, 0, sizeof(args));
		err = igt_ioctl(d.fd, ioctls[i].nr, args) ? errno : 0;
		igt_assert_f(err == ENODEV, "%s after unbind: %s, not ENODEV\n",
			     ioctls[i].name, err ? strerror(err) : "success");
	}
	igt_assert_f(vsvm_open_render(unplug_index) < 0,
		     "vsvm%d still has a render node\n", unplug_index);

	close(d.fd);
	unplug_bind(unplug_index);
}

static void test_job_in_flight(void)
{
	/* Four times the VRAM: the job faults, migrates and evicts. */
	struct svm_fence *f = svm_fence_create();
	struct mig_dev d, other = { .fd = -1 };
	uint8_t *head, *buf;
	uint64_t size;
	struct ctx c;
	int status;
	bool ended;

	unplug_open(&d);
	size = 4 * d.vram_size;
	ctx_init(&c, &d);
	head = unplug_vram_buf(&c, SZ_2M, 0xbeef);
	buf = ctx_buf(&c, size);

	svm_batch_reset(&c.b);
	cmd_fill(&c.b, to_u64(buf), size, 0x1234abcd);
	cmd_checksum(&c.b, to_u64(buf), size);
	cmd_end(&c.b);
	svm_exec_batch(c.fd, c.vm, &c.b, f);
	igt_assert_f(svm_fence_status(f) == 0,
		     "the job ended before the unbind\n");
	/* A device that stays, whose file can wait for the fence. */
	if (unplug_index > 0)
		mig_dev_open(&other, 0);

	unplug_unbind(unplug_index);
	/* Like any ioctl of the unbound device's files, its wait. */
	igt_assert_eq(__svm_wait_job(c.fd, f, 0), -ENODEV);
	if (other.fd >= 0)
		ended = !__svm_wait_job(other.fd, f, 60ull * 1000000000ull);
	else
		ended = svm_fence_poll(f, 60ull * 1000000000ull);
	igt_assert_f(ended, "the job's user fence was not written within "
		     "60 s of the unbind\n");
	status = svm_fence_status(f);
	igt_assert_f(status == -ENODEV, "job fence status %d, not -ENODEV\n",
		     status);
	svm_assert_fence_error(f, -ENODEV);
	igt_assert_eq_u64(f->value, f->last);
	if (other.fd >= 0)
		close(other.fd);

	svm_assert_pattern(head, SZ_2M, 0xbeef);
	svm_batch_fini(&c.b);
	close(d.fd);
	svm_assert_pattern(head, SZ_2M, 0xbeef);
	munmap(head, SZ_2M);
	munmap(buf, size);
	svm_fence_destroy(f);
	unplug_bind(unplug_index);
}

/* Whether /proc/iomem has a range named vsvm<index> */
static bool unplug_iomem_has(int index)
{
	char line[256], name[16];
	bool found = false;
	size_t len;
	FILE *f;

	len = snprintf(name, sizeof(name), "vsvm%d", index);
	f = fopen("/proc/iomem", "re");
	igt_assert(f);
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, " : ");

		found = p && !strncmp(p + 3, name, len) &&
			(p[3 + len] == '\n' || p[3 + len] == '\0');
	}
	fclose(f);
	return found;
}

/*
 * Free memory in bytes: MemFree, and the pages freed to the per-CPU lists
 * (the "count" of each pageset in /proc/zoneinfo), which MemFree leaves
 * out
 */
static uint64_t unplug_mem_free(void)
{
	uint64_t kb = 0, pages = 0, n;
	char line[256];
	FILE *f;

	f = fopen("/proc/meminfo", "re");
	igt_assert(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %" SCNu64 " kB", &kb) == 1)
			break;
	fclose(f);

	f = fopen("/proc/zoneinfo", "re");
	igt_assert(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %" SCNu64, &n) == 1)
			pages += n;
	fclose(f);
	return (kb << 10) + pages * svm_page_size();
}

static void test_last_close_frees(void)
{
	const uint64_t size = 16 * SZ_1M;
	struct svm_dev_stats st;
	uint64_t before, after;
	struct mig_dev d;
	bool private;
	uint8_t *buf;
	struct ctx c;
	int fd2;

	unplug_open(&d);
	private = !mig_coherent(&d);
	fd2 = vsvm_open_render(unplug_index);
	igt_assert_lte(0, fd2);
	ctx_init(&c, &d);
	buf = unplug_vram_buf(&c, size, 0xf00d);
	igt_assert_f(svm_vram_in_use(&d) >= size, "buffer not in VRAM\n");
	if (private)
		igt_assert_f(unplug_iomem_has(unplug_index),
			     "no iomem range of vsvm%d\n", unplug_index);

	unplug_unbind(unplug_index);
	/* Nothing left in VRAM, but the device lives while files are open. */
	igt_assert_eq(__svm_dev_stats(d.svm_id, &st, NULL), 0);
	igt_assert_eq_u64(st.vram_in_use, 0);
	if (private)
		igt_assert_f(unplug_iomem_has(unplug_index),
			     "vsvm%d's VRAM gone with a file open\n",
			     unplug_index);

	svm_batch_fini(&c.b);
	close(d.fd);
	igt_assert_eq(__svm_dev_stats(d.svm_id, &st, NULL), 0);

	before = unplug_mem_free();
	close(fd2);
	after = unplug_mem_free();
	igt_assert_eq(__svm_dev_stats(d.svm_id, &st, NULL), -ENOENT);
	igt_assert_f(!unplug_iomem_has(unplug_index),
		     "iomem range of vsvm%d left after the last close\n",
		     unplug_index);
	/* Private VRAM is backed by system pages: they are free again. */
	if (private)
		igt_assert_f(after > before && after - before >= d.vram_size / 2,
			     "MemFree grew by %" PRId64 " KiB at the last close, VRAM is %" PRIu64 " KiB\n",
			     (int64_t)(after - before) / 1024,
			     d.vram_size / 1024);
	svm_assert_pattern(buf, size, 0xf00d);
	munmap(buf, size);
	unplug_bind(unplug_index);
}

struct unplug_race {
	uint8_t *buf;
	uint64_t size;
	int fd;
	uint32_t vm;
	atomic_bool stop;
	/* reader: words checked, first bad word (or -1) */
	uint64_t checked;
	int64_t bad;
	/* prefetcher: prefetches made, the errno that ended them */
	uint64_t prefetches;
	int error;
};

static void *unplug_reader(void *arg)
{
	struct unplug_race *r = arg;
	const uint64_t page = svm_page_size();
	const uint32_t *p;
	uint64_t off;

	while (!atomic_load(&r->stop) && r->bad < 0) {
		for (off = 0; off < r->size && r->bad < 0; off += page) {
			p = (const uint32_t *)(r->buf + off);
			if (p[0] != 0xace + (uint32_t)(off / 4))
				r->bad = off / 4;
			r->checked++;
		}
	}
	return NULL;
}

static void *unplug_prefetcher(void *arg)
{
	struct unplug_race *r = arg;
	int err;

	while (!atomic_load(&r->stop)) {
		err = __svm_prefetch(r->fd, r->vm, to_u64(r->buf), r->size,
				     DRM_SVM_REGION_DEVICE, NULL, NULL);
		if (err && err != -EBUSY) {
			r->error = -err;
			break;
		}
		r->prefetches++;
	}
	return NULL;
}

static void test_unbind_cpu_faulting(void)
{
	struct unplug_race r = { .size = 16 * SZ_1M, .bad = -1 };
	pthread_t reader, prefetcher;
	struct mig_dev d;
	struct ctx c;

	unplug_open(&d);
	ctx_init(&c, &d);
	r.buf = unplug_vram_buf(&c, r.size, 0xace);
	r.fd = c.fd;
	r.vm = c.vm;

	igt_assert_eq(pthread_create(&reader, NULL, unplug_reader, &r), 0);
	igt_assert_eq(pthread_create(&prefetcher, NULL, unplug_prefetcher,
				     &r), 0);
	usleep(500 * 1000);
	unplug_unbind(unplug_index);
	/* The prefetcher ends on its own; the reader runs a little longer. */
	pthread_join(prefetcher, NULL);
	usleep(200 * 1000);
	atomic_store(&r.stop, true);
	pthread_join(reader, NULL);

	igt_info("%" PRIu64 " prefetches, %" PRIu64 " pages read\n",
		 r.prefetches, r.checked);
	igt_assert_f(r.bad < 0, "word %" PRId64 " wrong during the unbind\n",
		     r.bad);
	igt_assert_f(r.error == ENODEV, "prefetches ended with %s\n",
		     strerror(r.error));
	igt_assert_f(r.prefetches > 0, "no prefetch before the unbind\n");
	svm_assert_pattern(r.buf, r.size, 0xace);

	svm_batch_fini(&c.b);
	close(d.fd);
	svm_assert_pattern(r.buf, r.size, 0xace);
	munmap(r.buf, r.size);
	unplug_bind(unplug_index);
}

static void test_bind_while_open(void)
{
	const uint64_t size = 4 * SZ_1M;
	struct mig_dev d, n;
	struct ctx c, nc;
	uint8_t *buf;
	int err;

	unplug_open(&d);
	ctx_init(&c, &d);
	buf = unplug_vram_buf(&c, size, 0x0dd);
	unplug_unbind(unplug_index);
	err = unplug_sysfs_write("bind", unplug_index);

	if (mig_coherent(&d)) {
		igt_assert_f(err == -EBUSY,
			     "bind with the coherent VRAM held: %s, not EBUSY\n",
			     strerror(-err));
		igt_assert(!unplug_is_bound(unplug_index));
		svm_batch_fini(&c.b);
		close(d.fd);
		unplug_bind(unplug_index);
		svm_assert_pattern(buf, size, 0x0dd);
		munmap(buf, size);
		return;
	}

	igt_assert_f(err == 0, "bind vsvm%d: %s\n", unplug_index,
		     strerror(-err));
	unplug_wait_node(unplug_index);
	igt_assert(mig_dev_open(&n, unplug_index));
	igt_assert_neq(n.svm_id, d.svm_id);
	ctx_init(&nc, &n);
	svm_bind_ptr(nc.fd, nc.vm, buf, size, 0);
	svm_assert_pattern(buf, size, 0x0dd);
	gpu_fill(&nc, buf, size, 0x77777777);
	assert_res(&nc, buf, size, DRM_SVM_RESIDENT_DEVICE, true);

	/* The old device goes; the new one keeps working. */
	svm_batch_fini(&c.b);
	close(d.fd);
	assert_gpu_sum(&nc, buf, size, svm_checksum_fill(0x77777777, size));
	svm_assert_value(buf, size, 0x77777777);
	ctx_fini(&nc);
	close(n.fd);
	munmap(buf, size);
}

/* The topology as one device sees it: its group, flags and links */
struct unplug_topo {
	struct drm_svm_topology_device self;
	unsigned int num_links;
	struct drm_svm_topology_link links[2 * DRM_SVM_MAX_DEVICES];
};

static int unplug_link_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct drm_svm_topology_link));
}

/*
 * The links to and from SVM device @id, seen from @fd, with @id replaced
 * by ~0 (a device bound again has a new id) and sorted
 */
static void unplug_topo(int fd, uint32_t id, struct unplug_topo *t)
{
	static struct drm_svm_topology_device devs[DRM_SVM_MAX_DEVICES];
	static struct drm_svm_topology_link
		links[DRM_SVM_MAX_DEVICES * DRM_SVM_MAX_DEVICES];
	struct drm_svm_topology args = {
		.num_devices = DRM_SVM_MAX_DEVICES,
		.num_links = ARRAY_SIZE(links),
		.devices = to_u64(devs),
		.links = to_u64(links),
	};
	struct drm_svm_topology_link *l;
	unsigned int i;

	memset(t, 0, sizeof(*t));
	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_VSVM_TOPOLOGY, &args), 0);
	for (i = 0; i < args.num_devices && i < DRM_SVM_MAX_DEVICES; i++)
		if (devs[i].id == id)
			t->self = devs[i];
	igt_assert_eq_u32(t->self.id, id);
	t->self.id = ~0u;
	for (i = 0; i < args.num_links && i < ARRAY_SIZE(links); i++) {
		if (links[i].from != id && links[i].to != id)
			continue;
		igt_assert(t->num_links < ARRAY_SIZE(t->links));
		l = &t->links[t->num_links++];
		*l = links[i];
		if (l->from == id)
			l->from = ~0u;
		if (l->to == id)
			l->to = ~0u;
	}
	qsort(t->links, t->num_links, sizeof(t->links[0]), unplug_link_cmp);
}

static void test_bind_again(void)
{
	const uint64_t size = 4 * SZ_1M;
	struct drm_vsvm_device_query q = {};
	struct unplug_topo before, after;
	struct mig_dev d;
	uint8_t *buf;
	struct ctx c;

	unplug_open(&d);
	unplug_topo(d.fd, d.svm_id, &before);
	ctx_init(&c, &d);
	buf = unplug_vram_buf(&c, size, 0x600d);
	unplug_unbind(unplug_index);
	svm_batch_fini(&c.b);
	close(d.fd);
	unplug_bind(unplug_index);

	/* A new device, with the same index and a working engine */
	igt_assert(mig_dev_open(&d, unplug_index));
	igt_assert_eq(vsvm_query(d.fd, &q), 0);
	igt_assert_eq_u32(q.index, unplug_index);
	/* Its group, capabilities and links are those of the old one. */
	unplug_topo(d.fd, d.svm_id, &after);
	igt_info("%u links to and from vsvm%d\n", after.num_links,
		 unplug_index);
	igt_assert_eq_u32(after.num_links, before.num_links);
	igt_assert(!memcmp(&after.self, &before.self, sizeof(after.self)));
	igt_assert(!memcmp(after.links, before.links,
			   after.num_links * sizeof(after.links[0])));
	ctx_init(&c, &d);
	svm_bind_ptr(c.fd, c.vm, buf, size, 0);
	svm_assert_pattern(buf, size, 0x600d);
	gpu_fill(&c, buf, size, 0x5a5a5a5a);
	assert_res(&c, buf, size, DRM_SVM_RESIDENT_DEVICE, true);
	svm_assert_value(buf, size, 0x5a5a5a5a);
	assert_gpu_sum(&c, buf, size, svm_checksum_fill(0x5a5a5a5a, size));
	ctx_fini(&c);
	close(d.fd);
	munmap(buf, size);
}

igt_main
{
	igt_fixture {
		struct drm_vsvm_device_query q = {};
		int fd = vsvm_open_render(0);

		igt_require_f(fd >= 0, "no vsvm device\n");
		igt_assert_eq(vsvm_query(fd, &q), 0);
		close(fd);
		unplug_index = q.num_devices - 1;
	}

	igt_describe("VRAM contents survive an unbind and the last close.");
	igt_subtest("vram-survives-unbind")
		test_vram_survives();

	igt_describe("Ioctls on an unbound device's files fail with ENODEV.");
	igt_subtest("ioctl-after-unbind")
		test_ioctl_after_unbind();

	igt_describe("A job running at the unbind ends with ENODEV.");
	igt_subtest("job-in-flight")
		test_job_in_flight();

	igt_describe("The last close of an unbound device frees it.");
	igt_subtest("last-close-frees")
		test_last_close_frees();

	igt_describe("Unbind while a CPU thread faults the pages back.");
	igt_subtest("unbind-cpu-faulting")
		test_unbind_cpu_faulting();

	igt_describe("A bind while a file of the unbound device is open.");
	igt_subtest("bind-while-open")
		test_bind_while_open();

	igt_describe("A bound-again device works.");
	igt_subtest("bind-again")
		test_bind_again();

	igt_fixture
		unplug_ensure_bound(unplug_index);
}

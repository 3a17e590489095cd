// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: svm lib
 * Category: Userspace library
 * Description: libdrm_svm and the svm_usm.h shim on the vsvm devices:
 *		each call does what its header says, with the data checked,
 *		and bad input fails with the documented errno.
 *
 * SUBTEST: open
 * Description: svm_open_index() opens every device with the index it
 *		asks for, svm_device_info() agrees with the device count and
 *		the uAPI major; svm_open() of /dev/null and of a missing path
 *		fails with ENODEV, of NULL with EINVAL.
 *
 * SUBTEST: bind-exec
 * Description: A batch run by svm_exec_wait() fills a range bound with
 *		svm_bind(), and the CPU reads the pattern back; a second batch
 *		checksums it on the device, equal to the CPU's checksum.
 *
 * SUBTEST: userptr
 * Description: After a device write through svm_bind_userptr(), every
 *		page is still in system memory (svm_residency()), with the
 *		data written.
 *
 * SUBTEST: prefetch
 * Description: svm_prefetch() moves a bound range to system memory,
 *		then into the device's memory and reports every page moved; svm_residency() sees them
 *		there; svm_prefetch_flags() with DRM_SVM_PREFETCH_FLAG_NO_MAP
 *		moves them to system memory and back, and refuses an unknown
 *		flag with EINVAL; svm_prefetch_async() moves them back with
 *		its fence signalled without error, and the data is intact.
 *
 * SUBTEST: attributes
 * Description: Each attribute setter is read back by svm_attr_query(),
 *		which counts the runs with no room, and with too little
 *		writes the first, counts them all and fails with ENOSPC.
 *
 * SUBTEST: stats
 * Description: svm_stats() counts the GPU faults of a batch, and
 *		svm_fdinfo_value() reads the same key; a key that is not
 *		there gives ENODATA.
 *
 * SUBTEST: topology
 * Description: svm_topology() sizes its arrays with zero counts, fills
 *		them, and fails with ENOSPC when they are too small.
 *
 * SUBTEST: closed-fd
 * Description: Calls on a closed file descriptor fail with EBADF.
 *
 * SUBTEST: null-pointer
 * Description: Each call given NULL where it must read or write fails
 *		with EINVAL.
 *
 * SUBTEST: wrapping-length
 * Description: A bind, an attribute and a prefetch whose length wraps
 *		the address space fail with EINVAL.
 *
 * SUBTEST: usm-accessed-by
 * Description: Through svm_usm.h, SetAccessedBy for two devices on
 *		overlapping parts of an allocation, then UnsetAccessedBy for
 *		one, leave each run of the range with exactly the devices
 *		advised for it.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "libdrm_svm.h"
#include "svm_usm.h"

IGT_TEST_DESCRIPTION("libdrm_svm and the svm_usm.h shim.");

#define SIZE		(4ull << 20)
#define PATTERN		0x5a5aa5a5u
#define MAX_DEVS	DRM_SVM_MAX_DEVICES

static int fd = -1;
static unsigned int num_devices;

/* A page-aligned anonymous buffer of @size bytes. */
static void *buf_alloc(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

/* A VM with @buf and a batch page bound at their CPU addresses. */
struct ctx {
	uint32_t vm;
	uint64_t *buf;
	uint64_t *batch;
	uint64_t *result;
};

static void ctx_init(struct ctx *c, uint32_t flags)
{
	igt_assert_eq(svm_vm_create(fd, 0, &c->vm), 0);
	c->buf = buf_alloc(SIZE);
	c->batch = buf_alloc(4096);
	c->result = c->batch + 256;
	igt_assert_eq(svm_bind(fd, c->vm, c->buf, (uintptr_t)c->buf, SIZE,
			       flags), 0);
	igt_assert_eq(svm_bind(fd, c->vm, c->batch, (uintptr_t)c->batch,
			       4096, 0), 0);
}

static void ctx_fini(struct ctx *c)
{
	igt_assert_eq(svm_unbind(fd, c->vm, (uintptr_t)c->buf, SIZE), 0);
	igt_assert_eq(svm_vm_destroy(fd, c->vm), 0);
	munmap(c->buf, SIZE);
	munmap(c->batch, 4096);
}

static void run(struct ctx *c, const uint64_t *words, unsigned int n)
{
	memcpy(c->batch, words, n * sizeof(*words));
	igt_assert_eq(svm_exec_wait(fd, c->vm, c->batch, n * sizeof(*words),
				    -1, NULL), 0);
}

static void fill(struct ctx *c)
{
	const uint64_t cmd[] = {
		VSVM_CMD_FILL, (uintptr_t)c->buf, SIZE, PATTERN, VSVM_CMD_END,
	};

	run(c, cmd, ARRAY_SIZE(cmd));
}

static void check_pattern(const struct ctx *c)
{
	const uint32_t *w = (const uint32_t *)c->buf;
	uint64_t i;

	for (i = 0; i < SIZE / 4; i++)
		igt_assert_f(w[i] == PATTERN, "word %" PRIu64 ": %#x\n", i,
			     w[i]);
}

static void check_residency(const struct ctx *c, uint16_t location)
{
	uint64_t i, n = SIZE / 4096;
	struct drm_svm_page_residency *pages = calloc(n, sizeof(*pages));
	struct svm_device_info info;

	igt_assert(pages);
	igt_assert_eq(svm_device_info(fd, &info), 0);
	igt_assert_eq(svm_residency(fd, c->vm, (uintptr_t)c->buf, n, pages,
				    NULL), 0);
	for (i = 0; i < n; i++) {
		igt_assert_f(pages[i].location == location,
			     "page %" PRIu64 " at %u, not %u\n", i,
			     pages[i].location, location);
		if (location == DRM_SVM_RESIDENT_DEVICE)
			igt_assert_eq_u32(pages[i].device, info.svm_id);
	}
	free(pages);
}

static void test_open(void)
{
	struct svm_device_info info;
	unsigned int i;
	int f;

	for (i = 0; i < num_devices; i++) {
		f = svm_open_index(i);
		igt_assert_lte(0, f);
		igt_assert_eq(svm_device_info(f, &info), 0);
		igt_assert_eq_u32(info.index, i);
		igt_assert_eq_u32(info.num_devices, num_devices);
		igt_assert_eq_u32(info.uapi_major, DRM_VSVM_UAPI_MAJOR);
		igt_assert_eq(svm_close(f), 0);
	}
	igt_assert_eq(svm_open_index(num_devices), -ENODEV);
	igt_assert_eq(svm_open("/dev/null"), -ENODEV);
	igt_assert_eq(svm_open("/dev/dri/no-such-node"), -ENODEV);
	igt_assert_eq(svm_open(NULL), -EINVAL);
}

/* vsvm's CHECKSUM, on the CPU */
static uint64_t checksum(const uint64_t *w, uint64_t len)
{
	uint64_t h = VSVM_CHECKSUM_SEED, i;

	for (i = 0; i < len / 8; i++)
		h = (h ^ w[i]) * VSVM_CHECKSUM_PRIME;
	return h;
}

static void test_bind_exec(void)
{
	struct ctx c;
	uint64_t cmd[5];

	ctx_init(&c, 0);
	fill(&c);
	check_pattern(&c);
	c.buf[12345] = 0x1234;
	cmd[0] = VSVM_CMD_CHECKSUM;
	cmd[1] = (uintptr_t)c.buf;
	cmd[2] = SIZE;
	cmd[3] = (uintptr_t)c.result;
	cmd[4] = VSVM_CMD_END;
	run(&c, cmd, ARRAY_SIZE(cmd));
	igt_assert_eq_u64(*c.result, checksum(c.buf, SIZE));
	ctx_fini(&c);
}

static void test_userptr(void)
{
	struct ctx c;

	igt_assert_eq(svm_vm_create(fd, 0, &c.vm), 0);
	c.buf = buf_alloc(SIZE);
	c.batch = buf_alloc(4096);
	igt_assert_eq(svm_bind_userptr(fd, c.vm, c.buf, SIZE, false), 0);
	igt_assert_eq(svm_bind_userptr(fd, c.vm, c.batch, 4096, true), 0);
	fill(&c);
	check_residency(&c, DRM_SVM_RESIDENT_SYSTEM);
	check_pattern(&c);
	ctx_fini(&c);
}

static void test_prefetch(void)
{
	struct svm_fence *fence;
	uint64_t moved = 0;
	struct ctx c;

	ctx_init(&c, 0);
	fill(&c);
	igt_assert_eq(svm_prefetch(fd, c.vm, (uintptr_t)c.buf, SIZE,
				   DRM_SVM_REGION_SYSTEM, NULL), 0);
	check_residency(&c, DRM_SVM_RESIDENT_SYSTEM);
	igt_assert_eq(svm_prefetch(fd, c.vm, (uintptr_t)c.buf, SIZE,
				   DRM_SVM_REGION_DEVICE, &moved), 0);
	igt_assert_eq_u64(moved, SIZE / 4096);
	check_residency(&c, DRM_SVM_RESIDENT_DEVICE);

	igt_assert_eq(svm_prefetch_flags(fd, c.vm, (uintptr_t)c.buf, SIZE,
					 DRM_SVM_REGION_SYSTEM,
					 DRM_SVM_PREFETCH_FLAG_NO_MAP, &moved),
		      0);
	igt_assert_eq_u64(moved, SIZE / 4096);
	check_residency(&c, DRM_SVM_RESIDENT_SYSTEM);
	igt_assert_eq(svm_prefetch_flags(fd, c.vm, (uintptr_t)c.buf, SIZE,
					 DRM_SVM_REGION_DEVICE,
					 DRM_SVM_PREFETCH_FLAG_NO_MAP, &moved),
		      0);
	igt_assert_eq_u64(moved, SIZE / 4096);
	check_residency(&c, DRM_SVM_RESIDENT_DEVICE);
	igt_assert_eq(svm_prefetch_flags(fd, c.vm, (uintptr_t)c.buf, SIZE,
					 DRM_SVM_REGION_SYSTEM, 1u << 1, NULL),
		      -EINVAL);

	igt_assert_eq(svm_fence_create(&fence), 0);
	igt_assert_eq(svm_prefetch_async(fd, c.vm, (uintptr_t)c.buf, SIZE,
					 DRM_SVM_REGION_SYSTEM, fence), 0);
	igt_assert_eq(svm_fence_wait(fd, fence, -1), 0);
	igt_assert_eq(svm_fence_error(fence), 0);
	svm_fence_destroy(fence);
	check_residency(&c, DRM_SVM_RESIDENT_SYSTEM);
	check_pattern(&c);
	ctx_fini(&c);
}

static void query_one(const void *p, uint64_t size,
		      struct drm_svm_attr_range *r)
{
	uint32_t n = 1;

	igt_assert_eq(svm_attr_query(fd, p, size, r, &n), 0);
	igt_assert_eq_u32(n, 1);
	igt_assert_eq_u64(r->start, (uintptr_t)p);
	igt_assert_eq_u64(r->end, (uintptr_t)p + size);
}

static void test_attributes(void)
{
	void *p = buf_alloc(SIZE);
	struct drm_svm_attr_range r;
	struct svm_device_info info;
	uint32_t n;

	igt_assert_eq(svm_device_info(fd, &info), 0);
	igt_assert_eq(svm_set_preferred_loc(fd, p, SIZE, DRM_SVM_LOC_DEVICE,
					    fd), 0);
	igt_assert_eq(svm_set_accessed_by(fd, p, SIZE, &fd, 1), 0);
	igt_assert_eq(svm_set_read_mostly(fd, p, SIZE, true), 0);
	igt_assert_eq(svm_set_granularity(fd, p, SIZE, 65536), 0);
	igt_assert_eq(svm_set_atomics(fd, p, SIZE, DRM_SVM_ATOMICS_DEVICE),
		      0);
	query_one(p, SIZE, &r);
	igt_assert_eq_u32(r.location, DRM_SVM_LOC_DEVICE);
	igt_assert_eq_u32(r.device, info.svm_id);
	igt_assert_eq_u32(r.accessed_by, 1u << info.svm_id);
	igt_assert_eq_u32(r.flags, DRM_SVM_ATTR_RANGE_READ_MOSTLY);
	igt_assert_eq_u64(r.granularity, 65536);
	igt_assert_eq_u32(r.atomics, DRM_SVM_ATOMICS_DEVICE);

	igt_assert_eq(svm_set_preferred_loc(fd, p, SIZE, DRM_SVM_LOC_NONE,
					    -1), 0);
	igt_assert_eq(svm_set_accessed_by(fd, p, SIZE, NULL, 0), 0);
	igt_assert_eq(svm_set_read_mostly(fd, p, SIZE, false), 0);
	igt_assert_eq(svm_set_granularity(fd, p, SIZE, 0), 0);
	igt_assert_eq(svm_set_atomics(fd, p, SIZE, DRM_SVM_ATOMICS_DEFAULT),
		      0);
	query_one(p, SIZE, &r);
	igt_assert_eq_u32(r.location | r.accessed_by | r.flags | r.atomics,
			  0);
	igt_assert_eq_u64(r.granularity, 0);

	/* Three runs, room for one: the first, the count, -ENOSPC */
	igt_assert_eq(svm_set_read_mostly(fd, (char *)p + 4096, 4096, true),
		      0);
	n = 0;
	igt_assert_eq(svm_attr_query(fd, p, SIZE, NULL, &n), 0);
	igt_assert_eq_u32(n, 3);
	n = 1;
	igt_assert_eq(svm_attr_query(fd, p, SIZE, &r, &n), -ENOSPC);
	igt_assert_eq_u32(n, 3);
	igt_assert_eq_u64(r.end, (uintptr_t)p + 4096);
	munmap(p, SIZE);
}

static void test_stats(void)
{
	struct svm_stats before, after;
	uint64_t value;
	struct ctx c;

	ctx_init(&c, 0);
	igt_assert_eq(svm_stats(fd, &before), 0);
	fill(&c);
	igt_assert_eq(svm_stats(fd, &after), 0);
	igt_assert_cmpu64(before.gpu_faults, <, >=, after.gpu_faults);
	igt_assert_eq(svm_fdinfo_value(fd, "vsvm-gpu-faults", &value), 0);
	igt_assert_eq_u64(value, after.gpu_faults);
	igt_assert_eq(svm_fdinfo_value(fd, "svm-no-such-key", &value),
		      -ENODATA);
	ctx_fini(&c);
}

static void test_topology(void)
{
	struct drm_svm_topology_device devs[MAX_DEVS];
	struct drm_svm_topology_link links[MAX_DEVS * MAX_DEVS];
	uint32_t nd = 0, nl = 0, want_links, one = 1;

	igt_assert_eq(svm_topology(fd, NULL, &nd, NULL, &nl), 0);
	igt_assert_eq_u32(nd, num_devices);
	want_links = nl;
	nd = MAX_DEVS;
	nl = ARRAY_SIZE(links);
	igt_assert_eq(svm_topology(fd, devs, &nd, links, &nl), 0);
	igt_assert_eq_u32(nd, num_devices);
	igt_assert_eq_u32(nl, want_links);
	igt_require_f(num_devices > 1, "one device, nothing to overflow\n");
	igt_assert_eq(svm_topology(fd, devs, &one, links, &nl), -ENOSPC);
	igt_assert_eq_u32(one, num_devices);
}

static void test_closed_fd(void)
{
	struct svm_device_info info;
	struct svm_stats stats;
	int f = svm_open_index(0);
	uint32_t vm;

	igt_assert_lte(0, f);
	igt_assert_eq(svm_close(f), 0);
	igt_assert_eq(svm_close(f), -EBADF);
	igt_assert_eq(svm_device_info(f, &info), -EBADF);
	igt_assert_eq(svm_vm_create(f, 0, &vm), -EBADF);
	igt_assert_eq(svm_unbind(f, 1, 0, 4096), -EBADF);
	igt_assert_eq(svm_stats(f, &stats), -ENOENT);
}

static void test_null_pointer(void)
{
	struct drm_svm_topology_device devs[1];
	uint32_t n = 1, zero = 0, vm;

	igt_assert_eq(svm_device_info(fd, NULL), -EINVAL);
	igt_assert_eq(svm_vm_create(fd, 0, NULL), -EINVAL);
	igt_assert_eq(svm_topology(fd, NULL, &n, NULL, &zero), -EINVAL);
	igt_assert_eq(svm_topology(fd, devs, NULL, NULL, &zero), -EINVAL);
	igt_assert_eq(svm_attr_query(fd, &n, 4096, NULL, &n), -EINVAL);
	igt_assert_eq(svm_attr_query(fd, &n, 4096, NULL, NULL), -EINVAL);
	igt_assert_eq(svm_set_accessed_by(fd, &n, 4096, NULL, 1), -EINVAL);
	igt_assert_eq(svm_residency(fd, 1, 0, 1, NULL, NULL), -EINVAL);
	igt_assert_eq(svm_stats(fd, NULL), -EINVAL);
	igt_assert_eq(svm_fdinfo_value(fd, NULL, NULL), -EINVAL);
	igt_assert_eq(svm_fence_create(NULL), -EINVAL);
	igt_assert_eq(svm_fence_wait(fd, NULL, 0), -EINVAL);
	igt_assert_eq(svm_prefetch_async(fd, 1, 0, 4096, 0, NULL), -EINVAL);
	igt_assert_eq(svm_job_query(fd, 1, NULL), -EINVAL);
	igt_assert_eq(svm_vm_create(fd, 0, &vm), 0);
	igt_assert_eq(svm_exec(fd, vm, NULL, 8, NULL, NULL), -EINVAL);
	igt_assert_eq(svm_vm_destroy(fd, vm), 0);
}

static void test_wrapping_length(void)
{
	uint64_t wrap = -(uint64_t)4096 * 2;
	const void *p = (void *)(uintptr_t)(4096 * 16);
	struct ctx c;

	ctx_init(&c, 0);
	igt_assert_eq(svm_bind(fd, c.vm, c.buf, (uintptr_t)c.buf, wrap, 0),
		      -EINVAL);
	igt_assert_eq(svm_set_read_mostly(fd, p, wrap, true), -EINVAL);
	igt_assert_eq(svm_prefetch(fd, c.vm, (uintptr_t)c.buf, wrap,
				   DRM_SVM_REGION_DEVICE, NULL), -EINVAL);
	ctx_fini(&c);
}

/* The accessed-by set of the run of @p, as a mask of context devices. */
static uint32_t usm_set(const struct usm_context *u, const void *p)
{
	struct drm_svm_attr_range r;
	uint32_t n = 1, mask = 0;
	unsigned int d;

	igt_assert_eq(svm_attr_query(u->fd[0], p, 4096, &r, &n), 0);
	for (d = 0; d < u->num_devices; d++)
		if (r.accessed_by & (1u << u->svm_id[d]))
			mask |= 1u << d;
	return mask;
}

static void test_usm_accessed_by(void)
{
	struct usm_context u;
	char *p;

	igt_require_f(num_devices > 1, "needs two devices\n");
	igt_assert_eq(usm_init(&u, 2), 0);
	p = usm_malloc_shared(&u, SIZE);
	igt_assert(p);
	/* Device 0 on the first 3/4, device 1 on the last 3/4 */
	igt_assert_eq(usm_mem_advise(&u, p, SIZE / 4 * 3,
				     USM_ADVISE_SET_ACCESSED_BY, 0), 0);
	igt_assert_eq(usm_mem_advise(&u, p + SIZE / 4, SIZE / 4 * 3,
				     USM_ADVISE_SET_ACCESSED_BY, 1), 0);
	igt_assert_eq_u32(usm_set(&u, p), 1);
	igt_assert_eq_u32(usm_set(&u, p + SIZE / 2), 3);
	igt_assert_eq_u32(usm_set(&u, p + SIZE - 4096), 2);
	/* Not page aligned: the pages it touches */
	igt_assert_eq(usm_mem_advise(&u, p + 100, SIZE - 200,
				     USM_ADVISE_UNSET_ACCESSED_BY, 0), 0);
	igt_assert_eq_u32(usm_set(&u, p), 0);
	igt_assert_eq_u32(usm_set(&u, p + SIZE / 2), 2);
	igt_assert_eq_u32(usm_set(&u, p + SIZE - 4096), 2);
	igt_assert_eq(usm_mem_advise(&u, p, SIZE, USM_ADVISE_SET_ACCESSED_BY,
				     2), -EINVAL);
	igt_assert_eq(usm_free(&u, p), 0);
	igt_assert_eq(usm_free(&u, p), -EINVAL);
	usm_fini(&u);
}

igt_main
{
	struct svm_device_info info;

	igt_fixture {
		fd = svm_open_index(0);
		igt_require_f(fd >= 0, "no vsvm device: %d\n", fd);
		igt_assert_eq(svm_device_info(fd, &info), 0);
		num_devices = info.num_devices;
	}

	igt_subtest("open")
		test_open();
	igt_subtest("bind-exec")
		test_bind_exec();
	igt_subtest("userptr")
		test_userptr();
	igt_subtest("prefetch")
		test_prefetch();
	igt_subtest("attributes")
		test_attributes();
	igt_subtest("stats")
		test_stats();
	igt_subtest("topology")
		test_topology();
	igt_subtest("closed-fd")
		test_closed_fd();
	igt_subtest("null-pointer")
		test_null_pointer();
	igt_subtest("wrapping-length")
		test_wrapping_length();
	igt_subtest("usm-accessed-by")
		test_usm_accessed_by();

	igt_fixture
		svm_close(fd);
}

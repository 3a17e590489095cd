// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm nofault
 * Category: Core
 * Description: VMs created with DRM_SVM_VM_CREATE_NO_FAULTS, where the
 *		engine takes no recoverable page fault, as a device without
 *		fault support: before each job the kernel maps again what
 *		the CPU side invalidated. Each subtest forces invalidations
 *		(checked with vsvm's per-reason invalidation counters), then
 *		checks that a GPU job reads what the CPU has now, that a GPU
 *		write is seen by the CPU, and that no job took a fault (job
 *		query, and the fd's vsvm-gpu-faults in fdinfo). An
 *		access to memory the VM does not map fails the job with
 *		EFAULT.
 *
 * SUBTEST: create-flags
 * Description: VM create takes DRM_SVM_VM_CREATE_NO_FAULTS, rejects every
 *		other flag with EINVAL, also next to it, and the topology
 *		reports the device able to run such VMs.
 *
 * SUBTEST: populate
 * Description: A POPULATE binding is read and written by jobs with no
 *		fault.
 *
 * SUBTEST: bind-without-populate
 * Description: A binding without POPULATE is mapped before the first job
 *		that follows it; the job takes no fault.
 *
 * SUBTEST: unmapped-outside-binding
 * Description: A job that writes outside every binding fails with EFAULT
 *		at that address, without a fault taken, and the next job
 *		of the VM runs.
 *
 * SUBTEST: unmapped-hole
 * Description: A binding over a hole: a job that stays in the mapped part
 *		runs, one that reads the hole fails with EFAULT at the hole;
 *		once the CPU maps the hole, the next job reads it.
 *
 * SUBTEST: readonly-memory
 * Description: A writable binding of memory the CPU maps read-only is
 *		mapped read-only: a job reads it, a job that writes it fails
 *		with EFAULT; after mprotect() back to read-write, a GPU
 *		write reaches the CPU.
 *
 * SUBTEST: dontneed
 * Description: MADV_DONTNEED of anonymous memory: the next job reads the
 *		zeros the CPU sees, and after new CPU writes, the new data.
 *
 * SUBTEST: pageout-shmem
 * Description: MADV_PAGEOUT of shared memory (which unmaps it from the
 *		CPU page table even without swap), then new CPU writes: the
 *		next job reads them.
 *
 * SUBTEST: thp-split-dontneed
 * Description: MADV_DONTNEED of 4 KiB in a 2 MiB transparent huge page
 *		splits it; the CPU writes new data there: a job reads the
 *		whole 2 MiB as the CPU has it.
 *
 * SUBTEST: thp-split-mprotect
 * Description: mprotect() of 4 KiB in a transparent huge page splits it:
 *		a job still reads it all, and after mprotect() back, a GPU
 *		fill of the 2 MiB reaches the CPU.
 *
 * SUBTEST: remap-fixed
 * Description: munmap() then mmap() of new memory at the same address,
 *		and mmap(MAP_FIXED) straight over the old one: each time the
 *		next job reads the new contents, not the old pages.
 *
 * SUBTEST: fork-cow
 * Description: fork() shares the pages copy-on-write; the parent then
 *		writes part of them, which copies them: a job reads the
 *		parent's new data, a GPU write reaches the parent and not
 *		the child, whose copy keeps the old data.
 *
 * SUBTEST: invalidate-race
 * Description: A thread keeps dropping and rewriting a buffer while jobs
 *		read it: every job runs without a fault and reads either the
 *		old or the new contents of each page, never a stale page. A
 *		job whose revalidation kept losing the race gives up with
 *		EBUSY, as documented; it is run again, at most 8 times, and
 *		the thread leaves more time between its rounds, as a program
 *		backing off would, as it does after a job slower than 250 ms.
 *
 * SUBTEST: in-place
 * Description: A populating bind and the revalidation before a job map
 *		pages where they are and move none: bound without
 *		NO_MIGRATE, the buffer stays in system memory; after a
 *		prefetch into VRAM and CPU writes to part of it, a job
 *		leaves every page where it was and reads and writes the data
 *		in place.
 *
 * SUBTEST: faulting-vm-unchanged
 * Description: In a VM created without the flag, the same invalidation
 *		is still repaired by recoverable faults, which the job
 *		counts.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_svm_lib.h"

IGT_TEST_DESCRIPTION("VMs without page faults: revalidation before each job");

#define DEBUGFS_VSVM	"/sys/kernel/debug/dri"
#define BUF_SIZE	(4ull << 20)
/*
 * Populated and kept in system memory, as a userptr replacement: the CPU
 * page table changes only when the test says so.
 */
#define MIRROR		(DRM_SVM_BIND_FLAG_POPULATE | DRM_SVM_BIND_FLAG_NO_MIGRATE)

static unsigned int dev_index;
/* A faulting VM of this process took faults: fdinfo no longer says 0 */
static bool faulting_ran;

/* A VM created with DRM_SVM_VM_CREATE_NO_FAULTS, and a batch bound in it. */
struct nf {
	int fd;
	uint32_t vm;
	struct svm_batch b;
};

static int __nofault_vm_create(int fd, uint32_t flags, uint32_t *vm)
{
	struct drm_svm_vm_create c = { .flags = flags };
	int err = __svm_vm_create(fd, &c);

	*vm = c.vm_id;
	return err;
}

static void nf_init(struct nf *n, int fd, uint32_t flags)
{
	int err;

	n->fd = fd;
	err = __nofault_vm_create(fd, flags, &n->vm);
	igt_assert_f(err == 0,
		     "VM create with flags %#x failed: %d (%s)\n", flags, err,
		     strerror(-err));
	svm_batch_init_flags(&n->b, fd, n->vm, MIRROR);
}

static void nf_fini(struct nf *n)
{
	svm_batch_fini(&n->b);
	svm_vm_destroy(n->fd, n->vm);
}

/* vsvm's count of CPU-side invalidations of the device's VMs */
static uint64_t cpu_invalidations(void)
{
	unsigned long long v, n = 0;
	char path[128], name[32];
	FILE *f;

	snprintf(path, sizeof(path), DEBUGFS_VSVM "/vsvm%u/invalidations",
		 dev_index);
	f = fopen(path, "re");
	igt_assert_f(f, "%s: %m\n", path);
	while (fscanf(f, "%31s %llu", name, &v) == 2)
		if (!strcmp(name, "cpu"))
			n = v;
	fclose(f);
	return n;
}

#define assert_invalidated(before, what) \
	igt_assert_f(cpu_invalidations() > (before), \
		     "%s did not invalidate the VM\n", (what))

/* The process's GPU faults on the device, from the fd's fdinfo */
static uint64_t fdinfo_gpu_faults(int fd)
{
	unsigned long long v = ~0ull;
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	igt_assert_f(f, "%s: %m\n", path);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "vsvm-gpu-faults: %llu", &v) == 1)
			break;
	fclose(f);
	igt_assert_f(v != ~0ull, "no vsvm-gpu-faults in %s\n", path);
	return v;
}

/* Run the batch; it must succeed without a fault. */
/* The job of @q must have completed without an error or a fault. */
static void nf_assert_job_ok(struct nf *n, const struct drm_vsvm_job_query *q,
			     const char *what)
{
	if (q->status != DRM_VSVM_JOB_DONE || q->error || q->faults)
		svm_job_print(what, q);
	igt_assert_f(q->status == DRM_VSVM_JOB_DONE && !q->error,
		     "%s: job failed: %d (%s)\n", what, q->error,
		     strerror(-q->error));
	igt_assert_f(q->faults == 0, "%s: the job took %" PRIu64
		     " recoverable faults in a no-fault VM\n", what,
		     (uint64_t)q->faults);
	if (!faulting_ran)
		igt_assert_eq_u64(fdinfo_gpu_faults(n->fd), 0);
}

static void nf_run_ok(struct nf *n, const char *what)
{
	struct drm_vsvm_job_query q = svm_run_batch(n->fd, n->vm, &n->b);

	nf_assert_job_ok(n, &q, what);
}

/* The GPU's checksum of [addr, addr + len), read with no fault. */
static uint64_t nf_checksum(struct nf *n, const void *addr, uint64_t len,
			    const char *what)
{
	uint64_t *sum;

	svm_batch_reset(&n->b);
	sum = cmd_checksum(&n->b, to_u64(addr), len);
	cmd_end(&n->b);
	nf_run_ok(n, what);
	return *sum;
}

/* The GPU must read exactly what the CPU has at [addr, addr + len). */
static void nf_assert_reads(struct nf *n, const void *addr, uint64_t len,
			    const char *what)
{
	uint64_t gpu = nf_checksum(n, addr, len, what);
	uint64_t cpu = svm_checksum(addr, len);

	igt_assert_f(gpu == cpu, "%s: the GPU read %#" PRIx64
		     ", the CPU has %#" PRIx64 ": stale or missing pages\n",
		     what, gpu, cpu);
}

/* A GPU fill of [addr, addr + len) must reach the CPU. */
static void nf_assert_fill(struct nf *n, void *addr, uint64_t len,
			   uint32_t pattern, const char *what)
{
	svm_batch_reset(&n->b);
	cmd_fill(&n->b, to_u64(addr), len, pattern);
	cmd_end(&n->b);
	nf_run_ok(n, what);
	svm_assert_value(addr, len, pattern);
}

/* Run the batch, which must fail with EFAULT at [start, end) for @access. */
static void nf_assert_efault(struct nf *n, uint32_t access, uint64_t start,
			     uint64_t end)
{
	struct drm_vsvm_job_query q = svm_run_batch(n->fd, n->vm, &n->b);

	svm_assert_fault(&q, -EFAULT, access, start, end);
	igt_assert_f(q.faults == 0, "the failed job took %" PRIu64
		     " recoverable faults\n", (uint64_t)q.faults);
}

static void *alloc_thp(void)
{
	uint8_t *buf = svm_alloc_aligned(SZ_2M, SZ_2M);

	igt_assert_eq(madvise(buf, SZ_2M, MADV_HUGEPAGE), 0);
	memset(buf, 1, SZ_2M);
	return buf;
}

/* Whether the CPU maps @addr with a huge page (from /proc/self/smaps). */
static bool thp_mapped(const void *addr)
{
	unsigned long long start, end, kb;
	bool in = false, huge = false;
	char line[256];
	FILE *f = fopen("/proc/self/smaps", "re");

	igt_assert(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx ", &start, &end) == 2) {
			in = to_u64(addr) >= start && to_u64(addr) < end;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %llu kB", &kb) == 1)
			huge = kb >= 2048;
	}
	fclose(f);
	return huge;
}

/* create-flags */

static void test_create_flags(int fd)
{
	struct drm_svm_topology_device devs[DRM_SVM_MAX_DEVICES] = {};
	struct drm_svm_topology t = {
		.num_devices = DRM_SVM_MAX_DEVICES,
		.devices = to_u64(devs),
	};
	struct drm_vsvm_device_query dq = {};
	struct drm_svm_vm_create c = {};
	unsigned int bit, i;
	bool found = false;
	uint32_t vm;

	for (bit = 1; bit < 32; bit++) {
		igt_assert_eq(__nofault_vm_create(fd, 1u << bit, &vm), -EINVAL);
		igt_assert_eq(__nofault_vm_create(fd, 1u << bit |
						  DRM_SVM_VM_CREATE_NO_FAULTS,
						  &vm), -EINVAL);
	}
	c.flags = DRM_SVM_VM_CREATE_NO_FAULTS;
	c.reserved[1] = 1;
	igt_assert_eq(__svm_vm_create(fd, &c), -EINVAL);

	igt_assert_eq(__nofault_vm_create(fd, DRM_SVM_VM_CREATE_NO_FAULTS,
					  &vm), 0);
	igt_assert_neq(vm, 0);
	svm_vm_destroy(fd, vm);

	igt_assert_eq(vsvm_query(fd, &dq), 0);
	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_VSVM_TOPOLOGY, &t), 0);
	for (i = 0; i < t.num_devices; i++) {
		if (devs[i].id != dq.svm_device_id)
			continue;
		found = true;
		igt_assert_f(devs[i].flags & DRM_SVM_DEVICE_NO_FAULTS,
			     "device %u: flags %#x without NO_FAULTS\n",
			     devs[i].id, devs[i].flags);
	}
	igt_assert(found);
}

/* populate, bind-without-populate */

static void test_populate(int fd, uint32_t bind_flags)
{
	uint8_t *buf = svm_alloc(BUF_SIZE);
	struct nf n;

	nf_init(&n, fd, DRM_SVM_VM_CREATE_NO_FAULTS);
	svm_pattern_fill(buf, BUF_SIZE, 0x1000);
	svm_bind_ptr(fd, n.vm, buf, BUF_SIZE, bind_flags);
	nf_assert_reads(&n, buf, BUF_SIZE, "first read");
	nf_assert_fill(&n, buf, BUF_SIZE, 0x5a5a0001, "fill");
	nf_assert_reads(&n, buf, BUF_SIZE, "read after fill");
	nf_fini(&n);
	munmap(buf, BUF_SIZE);
}

/* unmapped-outside-binding */

static void test_outside_binding(int fd)
{
	uint8_t *buf = svm_alloc(2 * SZ_64K);
	uint64_t outside = to_u64(buf) + SZ_64K;
	struct nf n;

	nf_init(&n, fd, DRM_SVM_VM_CREATE_NO_FAULTS);
	memset(buf, 0, 2 * SZ_64K);
	svm_bind_ptr(fd, n.vm, buf, SZ_64K, MIRROR);

	svm_batch_reset(&n.b);
	cmd_store(&n.b, to_u64(buf), 1);
	cmd_store(&n.b, outside + 8, 2);
	cmd_end(&n.b);
	nf_assert_efault(&n, DRM_SVM_ACCESS_WRITE, outside, outside + SZ_4K);
	igt_assert_eq(*(uint64_t *)(buf + SZ_64K + 8), 0);

	/* The VM goes on. */
	nf_assert_fill(&n, buf, SZ_64K, 7, "fill after the failure");
	nf_fini(&n);
	munmap(buf, 2 * SZ_64K);
}

/* unmapped-hole */

static void test_hole(int fd)
{
	uint8_t *buf = svm_alloc(3 * SZ_64K);
	uint8_t *hole = buf + SZ_64K;
	struct nf n;

	nf_init(&n, fd, DRM_SVM_VM_CREATE_NO_FAULTS);
	svm_pattern_fill(buf, 3 * SZ_64K, 0x2000);
	igt_assert_eq(munmap(hole, SZ_64K), 0);
	svm_bind_ptr(fd, n.vm, buf, 3 * SZ_64K, 0);

	nf_assert_reads(&n, buf, SZ_64K, "read before the hole");
	nf_assert_reads(&n, hole + SZ_64K, SZ_64K, "read after the hole");

	svm_batch_reset(&n.b);
	cmd_checksum(&n.b, to_u64(buf), 3 * SZ_64K);
	cmd_end(&n.b);
	nf_assert_efault(&n, DRM_SVM_ACCESS_READ, to_u64(hole),
			 to_u64(hole) + SZ_64K);

	igt_assert(mmap(hole, SZ_64K, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		   hole);
	svm_pattern_fill(hole, SZ_64K, 0x3000);
	nf_assert_reads(&n, buf, 3 * SZ_64K, "read of the filled hole");
	nf_fini(&n);
	munmap(buf, 3 * SZ_64K);
}

/* readonly-memory */

static void test_readonly(int fd)
{
	uint8_t *buf = svm_alloc(SZ_64K);
	uint64_t inv;
	struct nf n;

	nf_init(&n, fd, DRM_SVM_VM_CREATE_NO_FAULTS);
	svm_pattern_fill(buf, SZ_64K, 0x4000);
	igt_assert_eq(mprotect(buf, SZ_64K, PROT_READ), 0);
	svm_bind_ptr(fd, n.vm, buf, SZ_64K, 0);
	nf_assert_reads(&n, buf, SZ_64K, "read of read-only memory");

	svm_batch_reset(&n.b);
	cmd_store(&n.b, to_u64(buf) + SZ_4K, 1);
	cmd_end(&n.b);
	nf_assert_efault(&n, DRM_SVM_ACCESS_WRITE, to_u64(buf) + SZ_4K,
			 to_u64(buf) + 2 * SZ_4K);
	svm_assert_pattern(buf, SZ_64K, 0x4000);

	inv = cpu_invalidations();
	igt_assert_eq(mprotect(buf, SZ_64K, PROT_READ | PROT_WRITE), 0);
	assert_invalidated(inv, "mprotect");
	nf_assert_fill(&n, buf, SZ_64K, 0x77, "fill after mprotect");
	nf_fini(&n);
	munmap(buf, SZ_64K);
}

/* dontneed */

static void test_dontneed(int fd)
{
	uint8_t *buf = svm_alloc(BUF_SIZE);
	uint64_t inv;
	struct nf n;

	nf_init(&n, fd, DRM_SVM_VM_CREATE_NO_FAULTS);
	svm_pattern_fill(buf, BUF_SIZE, 0x5000);
	svm_bind_ptr(fd, n.vm, buf, BUF_SIZE, MIRROR);
	nf_assert_reads(&n, buf, BUF_SIZE, "read before MADV_DONTNEED");

	inv = cpu_invalidations();
	igt_assert_eq(madvise(buf, BUF_SIZE, MADV_DONTNEED), 0);
	assert_invalidated(inv, "MADV_DONTNEED");
	igt_assert_eq(nf_checksum(&n, buf, BUF_SIZE, "read of dropped pages"),
		      svm_checksum_fill(0, BUF_SIZE));

	inv = cpu_invalidations();
	igt_assert_eq(madvise(buf, BUF_SIZE, MADV_DONTNEED), 0);
	assert_invalidated(inv, "MADV_DONTNEED");
	svm_pattern_fill(buf, BUF_SIZE, 0x6000);
	nf_assert_reads(&n, buf, BUF_SIZE, "read of new CPU data");
	nf_assert_fill(&n, buf, BUF_SIZE, 0x0f0f0f0f, "fill after DONTNEED");
	nf_fini(&n);
	munmap(buf, BUF_SIZE);
}

/* pageout-shmem */

static void test_pageout(int fd)
{
	uint8_t *buf = svm_mmap(BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
	uint64_t inv;
	struct nf n;

	nf_init(&n, fd, DRM_SVM_VM_CREATE_NO_FAULTS);
	svm_pattern_fill(buf, BUF_SIZE, 0x7000);
	svm_bind_ptr(fd, n.vm, buf, BUF_SIZE, MIRROR);
	nf_assert_reads(&n, buf, BUF_SIZE, "read before MADV_PAGEOUT");

	inv = cpu_invalidations();
	igt_assert_eq(madvise(buf, BUF_SIZE, MADV_PAGEOUT), 0);
	assert_invalidated(inv, "MADV_PAGEOUT");
	nf_assert_reads(&n, buf, BUF_SIZE, "read after MADV_PAGEOUT");

	inv = cpu_invalidations();
	igt_assert_eq(madvise(buf, BUF_SIZE, MADV_PAGEOUT), 0);
	assert_invalidated(inv, "MADV_PAGEOUT");
	svm_pattern_fill(buf, BUF_SIZE, 0x8000);
	nf_assert_reads(&n, buf, BUF_SIZE, "read of new CPU data");
	nf_assert_fill(&n, buf, BUF_SIZE, 0x3c3c3c3c, "fill after PAGEOUT");
	nf_fini(&n);
	munmap(buf, BUF_SIZE);
}

/* thp-split-dontneed, thp-split-mprotect */

static void test_thp_split(int fd, bool use_mprotect)
{
	uint8_t *buf = alloc_thp();
	uint8_t *page = buf + SZ_1M;
	uint64_t inv;
	struct nf n;

	igt_assert_f(thp_mapped(buf), "no transparent huge page at %p\n",
		     buf);
	nf_init(&n, fd, DRM_SVM_VM_CREATE_NO_FAULTS);
	svm_pattern_fill(buf, SZ_2M, 0x9000);
	svm_bind_ptr(fd, n.vm, buf, SZ_2M, MIRROR);
	nf_assert_reads(&n, buf, SZ_2M, "read of the huge page");
	igt_assert_f(thp_mapped(buf), "the huge page went away\n");

	inv = cpu_invalidations();
	if (use_mprotect) {
		igt_assert_eq(mprotect(page, SZ_4K, PROT_READ), 0);
		assert_invalidated(inv, "mprotect of 4 KiB");
		nf_assert_reads(&n, buf, SZ_2M, "read after the split");
		inv = cpu_invalidations();
		igt_assert_eq(mprotect(page, SZ_4K, PROT_READ | PROT_WRITE),
			      0);
		assert_invalidated(inv, "mprotect back");
	} else {
		igt_assert_eq(madvise(page, SZ_4K, MADV_DONTNEED), 0);
		assert_invalidated(inv, "MADV_DONTNEED of 4 KiB");
		svm_pattern_fill(page, SZ_4K, 0xa000);
		nf_assert_reads(&n, buf, SZ_2M, "read after the split");
	}
	igt_assert_f(!thp_mapped(buf), "the huge page was not split\n");
	nf_assert_fill(&n, buf, SZ_2M, 0x12345678, "fill after the split");
	nf_fini(&n);
	munmap(buf, SZ_2M);
}

/* remap-fixed */

static void test_remap(int fd)
{
	uint8_t *buf = svm_alloc(BUF_SIZE);
	uint64_t inv;
	struct nf n;

	nf_init(&n, fd, DRM_SVM_VM_CREATE_NO_FAULTS);
	svm_pattern_fill(buf, BUF_SIZE, 0xb000);
	svm_bind_ptr(fd, n.vm, buf, BUF_SIZE, MIRROR);
	nf_assert_reads(&n, buf, BUF_SIZE, "read of the first mapping");

	inv = cpu_invalidations();
	igt_assert_eq(munmap(buf, BUF_SIZE), 0);
	assert_invalidated(inv, "munmap");
	igt_assert(mmap(buf, BUF_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == buf);
	svm_pattern_fill(buf, BUF_SIZE, 0xc000);
	nf_assert_reads(&n, buf, BUF_SIZE, "read after munmap + mmap");

	inv = cpu_invalidations();
	igt_assert(mmap(buf, BUF_SIZE, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == buf);
	assert_invalidated(inv, "mmap(MAP_FIXED)");
	svm_pattern_fill(buf, BUF_SIZE, 0xd000);
	nf_assert_reads(&n, buf, BUF_SIZE, "read after mmap(MAP_FIXED)");
	nf_assert_fill(&n, buf, BUF_SIZE, 0x600d600d, "fill of the new mapping");
	nf_fini(&n);
	munmap(buf, BUF_SIZE);
}

/* fork-cow */

static void test_fork_cow(int fd)
{
	uint8_t *buf = svm_alloc(BUF_SIZE);
	int to_child[2], status;
	uint64_t half = BUF_SIZE / 2, inv;
	char c = 0;
	struct nf n;
	pid_t pid;

	nf_init(&n, fd, DRM_SVM_VM_CREATE_NO_FAULTS);
	svm_pattern_fill(buf, BUF_SIZE, 0xe000);
	svm_bind_ptr(fd, n.vm, buf, BUF_SIZE, MIRROR);
	nf_assert_reads(&n, buf, BUF_SIZE, "read before fork");

	igt_assert_eq(pipe(to_child), 0);
	inv = cpu_invalidations();
	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		/* Keep the pages shared until the parent is done, or gone. */
		close(to_child[1]);
		if (read(to_child[0], &c, 1) != 1)
			_exit(2);
		_exit(svm_pattern_check(buf, BUF_SIZE, 0xe000) < 0 ? 0 : 1);
	}
	close(to_child[0]);
	assert_invalidated(inv, "fork");

	/* COW: the parent's first half becomes new pages. */
	svm_pattern_fill(buf, half, 0xf000);
	nf_assert_reads(&n, buf, BUF_SIZE, "read after the COW copy");
	/* A GPU write to the second half, still shared, copies it too. */
	nf_assert_fill(&n, buf + half, half, 0xc0ffee00, "fill after fork");
	svm_assert_pattern(buf, half, 0xf000);

	igt_assert_eq(write(to_child[1], &c, 1), 1);
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "the child's copy changed (status %#x)\n", status);
	close(to_child[1]);
	nf_fini(&n);
	munmap(buf, BUF_SIZE);
}

/* invalidate-race */

struct churn {
	uint8_t *buf;
	uint64_t size;
	volatile bool stop;
	/* Microseconds between rounds; grows when a job gives up */
	volatile unsigned int room_us;
	unsigned long rounds;
};

/* The longest room the churn leaves between rounds */
#define RACE_ROOM_MAX_US	(100 * 1000)
/* A job slower than this had its revalidation lose many times: more room */
#define RACE_SLOW_JOB_NS	(250 * 1000 * 1000ull)

static void race_more_room(struct churn *c)
{
	c->room_us = c->room_us * 4 > RACE_ROOM_MAX_US ?
		     RACE_ROOM_MAX_US : c->room_us * 4;
}

/*
 * Run the batch, again when it gave up with -EBUSY (its revalidation kept
 * losing to invalidations, which is transient), at most RACE_BUSY_RUNS
 * times; it must then succeed without a fault. Returns the runs given up.
 */
#define RACE_BUSY_RUNS	8

static unsigned int nf_run_busy_ok(struct nf *n, struct churn *c,
				   const char *what)
{
	int64_t start = svm_now_ns();
	struct drm_vsvm_job_query q;
	unsigned int busy;

	for (busy = 0; busy < RACE_BUSY_RUNS; busy++) {
		q = svm_run_batch(n->fd, n->vm, &n->b);
		if (q.status != DRM_VSVM_JOB_FAILED || q.error != -EBUSY)
			break;
		/* More room, as a program would back off */
		race_more_room(c);
	}
	if (!busy && svm_now_ns() - start > (int64_t)RACE_SLOW_JOB_NS)
		race_more_room(c);
	if (busy)
		igt_info("%s: %u runs given up with EBUSY\n", what, busy);
	nf_assert_job_ok(n, &q, what);
	return busy;
}

static void *churn_thread(void *arg)
{
	struct churn *c = arg;
	uint64_t i;

	while (!c->stop) {
		madvise(c->buf, c->size, MADV_DONTNEED);
		for (i = 0; i < c->size; i += SZ_4K)
			*(uint64_t *)(c->buf + i) = 0x1111111111111111ull;
		c->rounds++;
		/* Room for a revalidation now and then, as a real program */
		usleep(c->room_us);
	}
	return NULL;
}

static void test_race(int fd)
{
	/* One COPY per page: 64 pages fit in a batch. */
	struct churn c = { .size = 64 * SZ_4K, .room_us = 100 };
	uint64_t *words, i, j, size = 64 * SZ_4K;
	unsigned int jobs = 0, busy = 0;
	pthread_t thread;
	struct nf n;

	nf_init(&n, fd, DRM_SVM_VM_CREATE_NO_FAULTS);
	c.buf = svm_alloc(size);
	words = svm_alloc(SZ_4K);
	memset(c.buf, 0, size);
	memset(words, 0, SZ_4K);
	svm_bind_ptr(fd, n.vm, c.buf, size, MIRROR);
	svm_bind_ptr(fd, n.vm, words, SZ_4K, MIRROR);

	igt_assert_eq(pthread_create(&thread, NULL, churn_thread, &c), 0);
	for (jobs = 0; jobs < 64; jobs++) {
		/* The first word of each page, copied out by the GPU */
		svm_batch_reset(&n.b);
		for (i = 0; i < size / SZ_4K; i++)
			cmd_copy(&n.b, to_u64(&words[i]),
				 to_u64(c.buf + i * SZ_4K), sizeof(*words));
		cmd_end(&n.b);
		busy += nf_run_busy_ok(&n, &c, "job racing with invalidations");
		for (j = 0; j < size / SZ_4K; j++)
			igt_assert_f(words[j] == 0 ||
				     words[j] == 0x1111111111111111ull,
				     "job %u, page %" PRIu64 ": read %#" PRIx64
				     "\n", jobs, j, words[j]);
	}
	c.stop = true;
	pthread_join(thread, NULL);
	igt_info("%u jobs, %lu rounds of invalidation, %u runs given up "
		 "with EBUSY and run again, %u us between rounds at the end\n",
		 jobs, c.rounds, busy, c.room_us);
	igt_assert_lt(0, c.rounds);
	nf_fini(&n);
	munmap(words, SZ_4K);
	munmap(c.buf, size);
}

/* in-place */

/* Pages of [addr, addr + len) in @n's VM by location, in @count. */
static void nf_residency(struct nf *n, const void *addr, uint64_t len,
			 uint64_t count[3])
{
	uint64_t npages = len / SZ_4K;
	struct drm_svm_page_residency *r;

	r = svm_residency(n->fd, n->vm, to_u64(addr), npages);
	svm_residency_count(r, npages, count);
	free(r);
}

static void assert_all_system(struct nf *n, const void *addr, uint64_t len,
			      const char *what)
{
	uint64_t count[3];

	nf_residency(n, addr, len, count);
	igt_assert_f(count[DRM_SVM_RESIDENT_SYSTEM] == len / SZ_4K,
		     "%s: %" PRIu64 " pages in system memory, %" PRIu64
		     " in VRAM, %" PRIu64 " absent, of %" PRIu64 "\n", what,
		     count[DRM_SVM_RESIDENT_SYSTEM],
		     count[DRM_SVM_RESIDENT_DEVICE],
		     count[DRM_SVM_RESIDENT_NONE], (uint64_t)(len / SZ_4K));
}

static void assert_same_places(const uint64_t before[3],
			       const uint64_t after[3], const char *what)
{
	igt_assert_f(!memcmp(before, after, 3 * sizeof(*before)),
		     "%s moved pages: %" PRIu64 " in system memory and %"
		     PRIu64 " in VRAM before, %" PRIu64 " and %" PRIu64
		     " after\n", what, before[DRM_SVM_RESIDENT_SYSTEM],
		     before[DRM_SVM_RESIDENT_DEVICE],
		     after[DRM_SVM_RESIDENT_SYSTEM],
		     after[DRM_SVM_RESIDENT_DEVICE]);
}

static void test_in_place(int fd)
{
	/* Two blocks: the CPU takes back the one it writes, as a whole. */
	const uint64_t size = 2 * SZ_2M, npages = size / SZ_4K;
	uint8_t *buf = svm_alloc_aligned(size, SZ_2M);
	uint8_t *shadow = malloc(size);
	uint64_t before[3], after[3];
	struct nf n;

	igt_assert(shadow);
	nf_init(&n, fd, DRM_SVM_VM_CREATE_NO_FAULTS);
	svm_pattern_fill(buf, size, 0xd000);
	svm_bind_ptr(fd, n.vm, buf, size, DRM_SVM_BIND_FLAG_POPULATE);
	assert_all_system(&n, buf, size, "after a populating bind");

	igt_assert_eq(madvise(buf, size, MADV_DONTNEED), 0);
	svm_pattern_fill(buf, size, 0xe000);
	nf_assert_reads(&n, buf, size, "read after MADV_DONTNEED");
	assert_all_system(&n, buf, size, "after a job's revalidation");

	/* A prefetch moves them; the CPU then takes part of them back. */
	igt_assert_eq_u64(svm_prefetch(fd, n.vm, to_u64(buf), size,
				       DRM_SVM_REGION_DEVICE), npages);
	svm_pattern_fill(buf, SZ_64K, 0xf000);
	nf_residency(&n, buf, size, before);
	igt_assert_f(before[DRM_SVM_RESIDENT_DEVICE],
		     "the CPU writes took every page back\n");

	/* Checked against a copy: a CPU read would move the pages. */
	svm_pattern_fill(shadow, size, 0xe000);
	svm_pattern_fill(shadow, SZ_64K, 0xf000);
	igt_assert_eq_u64(nf_checksum(&n, buf, size, "read in place"),
			  svm_checksum(shadow, size));
	nf_residency(&n, buf, size, after);
	assert_same_places(before, after, "a read job");
	svm_batch_reset(&n.b);
	cmd_fill(&n.b, to_u64(buf), size, 0x5a5a5a5a);
	cmd_end(&n.b);
	nf_run_ok(&n, "fill in place");
	nf_residency(&n, buf, size, after);
	assert_same_places(before, after, "a fill job");
	svm_assert_value(buf, size, 0x5a5a5a5a);
	free(shadow);
	nf_fini(&n);
	munmap(buf, size);
}

/* faulting-vm-unchanged */

static void test_faulting_vm(int fd)
{
	uint8_t *buf = svm_alloc(BUF_SIZE);
	struct drm_vsvm_job_query q;
	uint64_t *sum;
	struct nf n;

	faulting_ran = true;
	nf_init(&n, fd, 0);
	svm_pattern_fill(buf, BUF_SIZE, 0x1100);
	svm_bind_ptr(fd, n.vm, buf, BUF_SIZE, MIRROR);
	igt_assert_eq(madvise(buf, BUF_SIZE, MADV_DONTNEED), 0);
	svm_pattern_fill(buf, BUF_SIZE, 0x2200);

	svm_batch_reset(&n.b);
	sum = cmd_checksum(&n.b, to_u64(buf), BUF_SIZE);
	cmd_end(&n.b);
	q = svm_run_batch_ok(fd, n.vm, &n.b);
	igt_assert_eq_u64(*sum, svm_checksum(buf, BUF_SIZE));
	igt_assert_f(q.faults > 0, "a faulting VM took no fault\n");
	nf_fini(&n);
	munmap(buf, BUF_SIZE);
}

igt_main
{
	int fd = -1;

	igt_fixture {
		struct drm_vsvm_device_query dq = {};

		igt_require_f(vsvm_count_devices() > 0,
			      "No vsvm render node; is vsvm loaded?\n");
		fd = vsvm_open_render(0);
		igt_assert_fd(fd);
		vsvm_require_uapi(fd, &dq);
		dev_index = dq.index;
	}

	igt_describe("VM create takes DRM_SVM_VM_CREATE_NO_FAULTS and "
		     "rejects unknown flags with EINVAL.");
	igt_subtest("create-flags")
		test_create_flags(fd);

	igt_describe("A POPULATE binding is used by jobs without a fault.");
	igt_subtest("populate")
		test_populate(fd, DRM_SVM_BIND_FLAG_POPULATE);

	igt_describe("A binding without POPULATE is mapped before the first "
		     "job.");
	igt_subtest("bind-without-populate")
		test_populate(fd, 0);

	igt_describe("A write outside every binding fails the job with "
		     "EFAULT.");
	igt_subtest("unmapped-outside-binding")
		test_outside_binding(fd);

	igt_describe("A read of a hole in a binding fails the job with "
		     "EFAULT; the rest of the binding is mapped.");
	igt_subtest("unmapped-hole")
		test_hole(fd);

	igt_describe("Read-only memory is mapped read-only; a GPU write to "
		     "it fails with EFAULT.");
	igt_subtest("readonly-memory")
		test_readonly(fd);

	igt_describe("MADV_DONTNEED, then new CPU data: the job reads it.");
	igt_subtest("dontneed")
		test_dontneed(fd);

	igt_describe("MADV_PAGEOUT of shared memory, then new CPU data: the "
		     "job reads it.");
	igt_subtest("pageout-shmem")
		test_pageout(fd);

	igt_describe("A THP split by MADV_DONTNEED of 4 KiB is mapped again.");
	igt_subtest("thp-split-dontneed")
		test_thp_split(fd, false);

	igt_describe("A THP split by mprotect() of 4 KiB is mapped again.");
	igt_subtest("thp-split-mprotect")
		test_thp_split(fd, true);

	igt_describe("munmap() + mmap() and mmap(MAP_FIXED): the job reads "
		     "the new memory.");
	igt_subtest("remap-fixed")
		test_remap(fd);

	igt_describe("fork() and copy-on-write: the job reads the parent's "
		     "copy, a GPU write reaches the parent only.");
	igt_subtest("fork-cow")
		test_fork_cow(fd);

	igt_describe("Jobs racing with invalidations run without faults and "
		     "read current pages.");
	igt_subtest("invalidate-race")
		test_race(fd);

	igt_describe("Populate and revalidation move no page.");
	igt_subtest("in-place")
		test_in_place(fd);

	igt_describe("A faulting VM still repairs invalidations with faults.");
	igt_subtest("faulting-vm-unchanged")
		test_faulting_vm(fd);

	igt_fixture
		close(fd);
}

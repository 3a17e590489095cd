// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm svm
 * Category: Core
 * Description: End-to-end checks of shared virtual memory on vsvm: the
 *		device engine runs batches in malloc'd memory through a GPU
 *		page table mirrored from the CPU page tables, and every test
 *		checks the data the CPU and the GPU see, across faults, CPU
 *		page table changes, processes, threads and devices.
 *
 * SUBTEST: gpu-read-untouched
 * Description: The GPU reads anonymous memory the CPU never touched: the
 *		checksum is that of zeros, and copying it into a dirty buffer
 *		clears that buffer.
 *
 * SUBTEST: gpu-write-cpu-read
 * Description: GPU FILL and STORE commands, including ranges crossing page
 *		boundaries, are seen byte for byte by the CPU.
 *
 * SUBTEST: cpu-write-gpu-read
 * Description: After the GPU mapped the pages of a buffer, CPU writes in
 *		place, over the zero page, and into pages freed by
 *		MADV_DONTNEED are all seen by the next GPU checksum.
 *
 * SUBTEST: prot-none
 * Description: GPU reads, writes and atomics on PROT_NONE memory, both
 *		never accessible and made inaccessible after the GPU mapped
 *		it, fail the job with EFAULT and the faulting access; the
 *		memory is unchanged once accessible again.
 *
 * SUBTEST: readonly-mapping
 * Description: GPU writes to PROT_READ memory fail with EPERM and leave
 *		the data unchanged, reads work, and the same write succeeds
 *		after mprotect(PROT_READ | PROT_WRITE); a read-only binding of
 *		writable memory only allows reads too.
 *
 * SUBTEST: shared-file
 * Description: MAP_SHARED memfd and O_TMPFILE tmpfs mappings: GPU writes
 *		reach the file (pread), file writes (pwrite) and hole punches
 *		reach the GPU.
 *
 * SUBTEST: munmap-whole
 * Description: munmap of a whole mirrored buffer between two jobs: GPU
 *		accesses to it fail with EFAULT at an address in it, and the
 *		VM keeps working.
 *
 * SUBTEST: munmap-head
 * Description: munmap of the first quarter of a mirrored buffer between
 *		two jobs: accesses to the hole fail with EFAULT at an address
 *		in the hole, the rest keeps its data and takes new writes.
 *
 * SUBTEST: munmap-middle
 * Description: As munmap-head, for a hole in the middle of the buffer.
 *
 * SUBTEST: munmap-tail
 * Description: As munmap-head, for the last quarter of the buffer.
 *
 * SUBTEST: map-fixed-replace
 * Description: MAP_FIXED mappings (anonymous, then a shared memfd) over a
 *		buffer the GPU mirrors: the GPU sees the new contents and its
 *		writes land in the new pages.
 *
 * SUBTEST: mremap-move
 * Description: After mremap(MREMAP_MAYMOVE | MREMAP_FIXED) of a mirrored
 *		buffer, GPU accesses at the old address fail with EFAULT, and
 *		a binding of the new address sees and changes the moved data.
 *
 * SUBTEST: mremap-dontunmap
 * Description: After mremap with MREMAP_DONTUNMAP, the GPU reads zeros at
 *		the old address as the CPU does, its writes there stay there,
 *		and a binding of the new address sees the moved data.
 *
 * SUBTEST: fork-cow
 * Description: After fork, GPU and CPU writes of the parent break
 *		copy-on-write sharing: the child still sees the old data, the
 *		parent's GPU jobs the new; every VM ioctl of the child on the
 *		parent's VM fails with EACCES and changes nothing.
 *
 * SUBTEST: cow-private-file
 * Description: A GPU write to one page of a 2 MiB MAP_PRIVATE file mapping
 *		copies that page only: the pages the GPU did not write go on
 *		following later writes to the file, for the CPU and the GPU,
 *		the written page keeps the GPU's data, and the file never sees
 *		it.
 *
 * SUBTEST: cow-fork-memory
 * Description: After fork, a GPU write to one page of a 2 MiB buffer
 *		shared with the child copies that page only: the parent's
 *		private memory in the buffer grows by about a page, not by the
 *		chunk, and the child sees the old data.
 *
 * SUBTEST: uffd-missing
 * Description: GPU jobs read and write memory registered with a
 *		userfaultfd for missing pages: the handler resolves each page
 *		once with UFFDIO_COPY, the jobs see its data, and the CPU sees
 *		the GPU's writes.
 *
 * SUBTEST: uffd-bind-in-handler
 * Description: The userfaultfd handler binds another range into the VM
 *		and unbinds it before it resolves the GPU's fault: neither
 *		waits for the fault, and the job completes with the handler's
 *		data.
 *
 * SUBTEST: uffd-kill
 * Description: A process whose GPU job waits for a userfaultfd nobody
 *		answers is killed with SIGKILL: it exits within 10 s, and
 *		another process's VM create, destroy and close take no longer
 *		than 2 s meanwhile.
 *
 * SUBTEST: fd-passing
 * Description: A render fd passed to another process over a unix socket
 *		(SCM_RIGHTS): that process's ioctls on the sender's VM fail
 *		with EACCES, while a VM it creates itself works.
 *
 * SUBTEST: thp
 * Description: GPU reads and writes of a MADV_HUGEPAGE buffer, at aligned
 *		and unaligned offsets, and after a 4 KiB hole is punched into
 *		a huge page.
 *
 * SUBTEST: hugetlbfs
 * Description: GPU reads and writes of MAP_HUGETLB memory, untouched and
 *		written by the CPU.
 *
 * SUBTEST: batch-in-malloc
 * Description: A batch in malloc'd memory, crossing pages, with STORE,
 *		FILL, COPY, ATOMIC_ADD, ATOMIC_CMPXCHG and CHECKSUM commands on
 *		malloc'd data; every result is checked.
 *
 * SUBTEST: atomics
 * Description: Many jobs ATOMIC_ADD to one counter: the sum is exact and
 *		each job returns the value before it; ATOMIC_CMPXCHG returns
 *		the prior value whether it succeeds or not.
 *
 * SUBTEST: two-devices
 * Description: One buffer mirrored by a VM on each of two devices: what
 *		one device writes the other reads, and CPU writes are seen by
 *		both.
 *
 * SUBTEST: threads-8
 * Description: 8 threads each submit 20 jobs concurrently on one fd and
 *		VM, writing their own buffers and adding to a shared counter:
 *		all data, checksums and the counter are exact.
 *
 * SUBTEST: unbind-while-running
 * Description: A thread unbinds a 64 MiB range while a long job reads it:
 *		the job ends, either successfully with the right checksum or
 *		failed with EFAULT or ENOENT, and the VM works afterwards.
 *
 * SUBTEST: exit-with-jobs
 * Description: A child process exits with long jobs still queued on VMs
 *		of its own fd and of an inherited fd: the jobs end, and the
 *		device keeps working.
 *
 * SUBTEST: gpu-va-offset
 * Description: A buffer bound at GPU addresses other than its CPU address,
 *		one of them 64 KiB-misaligned relative to it: GPU accesses
 *		through either reach the buffer, and its CPU address is not
 *		mapped on the GPU.
 *
 * SUBTEST: populate
 * Description: A job reading ranges bound with DRM_SVM_BIND_FLAG_POPULATE
 *		(written and untouched memory) takes no fault, while the same
 *		job on a range bound without it does. The bindings are
 *		NO_MIGRATE: the CPU writes the batch after the bind, which
 *		would move device pages back and unmap them.
 *
 * SUBTEST: fault-count
 * Description: A job on fresh memory takes faults, the same job repeated
 *		takes none, and after MADV_DONTNEED it takes faults again.
 *		The bindings are NO_MIGRATE and the buffers MADV_NOHUGEPAGE,
 *		so that neither the CPU's checks in between nor khugepaged
 *		change the GPU mappings.
 *
 * SUBTEST: fault-batching
 * Description: A FILL job over 8 MiB at a fault granularity of 4 KiB
 *		takes one fault per page, and the engine reports them to the
 *		core in full batches (vsvm's fault_batch): at most about two
 *		reports per batch's worth of faults, one for the batch that
 *		pre-translation collects and one for the fault execution
 *		meets after it. The data is checked.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/userfaultfd.h>
#include <xf86drm.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_svm_lib.h"

IGT_TEST_DESCRIPTION("End-to-end shared virtual memory tests of vsvm: GPU "
		     "jobs on CPU memory across faults and CPU page table "
		     "changes.");

#define BUF_SIZE		SZ_1M

/* Fill values: recognizable, and never the pattern of a neighbour. */
#define FILL_A			0xa1a2a3a4u
#define FILL_B			0xb1b2b3b4u
#define FILL_C			0xc1c2c3c4u
#define SEED_A			0x10000000u
#define SEED_B			0x20000000u
#define SEED_C			0x30000000u
#define SEED_D			0x40000000u

/*
 * Single-command jobs on a batch the caller owns (bound in @vm).
 */

static struct drm_vsvm_job_query
checksum_job(int fd, uint32_t vm, struct svm_batch *b, uint64_t addr,
	     uint64_t len, uint64_t *sum)
{
	struct drm_vsvm_job_query q;
	uint64_t *slot;

	svm_batch_reset(b);
	slot = cmd_checksum(b, addr, len);
	cmd_end(b);
	q = svm_run_batch(fd, vm, b);
	if (sum)
		*sum = *slot;
	return q;
}

/* GPU checksum of [@addr, @addr + @len); the job must succeed. */
static uint64_t gpu_checksum(int fd, uint32_t vm, struct svm_batch *b,
			     uint64_t addr, uint64_t len)
{
	struct drm_vsvm_job_query q;
	uint64_t sum;

	q = checksum_job(fd, vm, b, addr, len, &sum);
	if (q.status != DRM_VSVM_JOB_DONE)
		svm_job_print("checksum job", &q);
	igt_assert_eq_u32(q.status, DRM_VSVM_JOB_DONE);
	igt_assert_eq(q.error, 0);
	return sum;
}

static struct drm_vsvm_job_query
fill_job(int fd, uint32_t vm, struct svm_batch *b, uint64_t addr,
	 uint64_t len, uint32_t value)
{
	svm_batch_reset(b);
	cmd_fill(b, addr, len, value);
	cmd_end(b);
	return svm_run_batch(fd, vm, b);
}

static void gpu_fill(int fd, uint32_t vm, struct svm_batch *b,
		     uint64_t addr, uint64_t len, uint32_t value)
{
	struct drm_vsvm_job_query q = fill_job(fd, vm, b, addr, len, value);

	if (q.status != DRM_VSVM_JOB_DONE)
		svm_job_print("fill job", &q);
	igt_assert_eq_u32(q.status, DRM_VSVM_JOB_DONE);
	igt_assert_eq(q.error, 0);
}

static struct drm_vsvm_job_query
atomic_job(int fd, uint32_t vm, struct svm_batch *b, uint64_t addr)
{
	svm_batch_reset(b);
	cmd_atomic_add(b, addr, 1);
	cmd_end(b);
	return svm_run_batch(fd, vm, b);
}

#define assert_gpu_checksum(fd, vm, b, ptr, len, expected) \
	igt_assert_eq_u64(gpu_checksum((fd), (vm), (b), to_u64(ptr), (len)), \
			  (expected))

/* gpu-read-untouched */

static void test_gpu_read_untouched(int fd)
{
	uint32_t vm = svm_vm_create(fd);
	uint8_t *src = svm_alloc(BUF_SIZE);
	uint8_t *dst = svm_alloc(BUF_SIZE);
	struct svm_batch b;
	uint64_t *sum;

	memset(dst, 0xa5, BUF_SIZE);
	svm_bind_ptr(fd, vm, src, BUF_SIZE, 0);
	svm_bind_ptr(fd, vm, dst, BUF_SIZE, 0);
	svm_batch_init(&b, fd, vm);

	sum = cmd_checksum(&b, to_u64(src), BUF_SIZE);
	cmd_copy(&b, to_u64(dst), to_u64(src), BUF_SIZE);
	cmd_end(&b);
	svm_run_batch_ok(fd, vm, &b);

	igt_assert_eq_u64(*sum, svm_checksum_fill(0, BUF_SIZE));
	svm_assert_value(dst, BUF_SIZE, 0);
	svm_assert_value(src, BUF_SIZE, 0);

	svm_batch_fini(&b);
	munmap(src, BUF_SIZE);
	munmap(dst, BUF_SIZE);
	svm_vm_destroy(fd, vm);
}

/* gpu-write-cpu-read */

static void fill_expected(uint32_t *p, uint64_t off, uint64_t len,
			  uint32_t value)
{
	uint64_t i;

	for (i = off / 4; i < (off + len) / 4; i++)
		p[i] = value;
}

static void test_gpu_write_cpu_read(int fd)
{
	static const uint64_t store_offsets[] = {
		0, 4096 - 8, 4096, BUF_SIZE / 2 + 8, BUF_SIZE - 8,
	};
	uint32_t vm = svm_vm_create(fd);
	uint8_t *buf = svm_alloc(BUF_SIZE);
	uint32_t *expected = malloc(BUF_SIZE);
	struct svm_batch b;
	uint64_t value;
	unsigned int i;

	igt_assert(expected);
	svm_bind_ptr(fd, vm, buf, BUF_SIZE, 0);
	svm_batch_init(&b, fd, vm);

	/* Job 1: fill everything, then stores over the fill. */
	fill_expected(expected, 0, BUF_SIZE, FILL_A);
	cmd_fill(&b, to_u64(buf), BUF_SIZE, FILL_A);
	for (i = 0; i < ARRAY_SIZE(store_offsets); i++) {
		value = 0x0123456789abcdefull ^ store_offsets[i];
		cmd_store(&b, to_u64(buf) + store_offsets[i], value);
		memcpy((uint8_t *)expected + store_offsets[i], &value, 8);
	}
	cmd_end(&b);
	svm_run_batch_ok(fd, vm, &b);
	svm_assert_mem_eq(buf, expected, BUF_SIZE);

	/* Job 2: a 4-byte aligned fill across three pages. */
	fill_expected(expected, 4096 - 4, 8192 + 8, FILL_B);
	gpu_fill(fd, vm, &b, to_u64(buf) + 4096 - 4, 8192 + 8, FILL_B);
	svm_assert_mem_eq(buf, expected, BUF_SIZE);

	svm_batch_fini(&b);
	free(expected);
	munmap(buf, BUF_SIZE);
	svm_vm_destroy(fd, vm);
}

/* cpu-write-gpu-read */

static void test_cpu_write_gpu_read(int fd)
{
	uint32_t vm = svm_vm_create(fd);
	uint8_t *buf = svm_alloc(BUF_SIZE);
	struct svm_batch b;

	svm_bind_ptr(fd, vm, buf, BUF_SIZE, 0);
	svm_batch_init(&b, fd, vm);

	/* The GPU maps the zero page... */
	assert_gpu_checksum(fd, vm, &b, buf, BUF_SIZE,
			    svm_checksum_fill(0, BUF_SIZE));

	/* ...which CPU writes replace with new pages. */
	svm_pattern_fill(buf, BUF_SIZE, SEED_A);
	assert_gpu_checksum(fd, vm, &b, buf, BUF_SIZE,
			    svm_checksum(buf, BUF_SIZE));

	/* Rewritten in place: the same pages. */
	svm_pattern_fill(buf, BUF_SIZE, SEED_B);
	assert_gpu_checksum(fd, vm, &b, buf, BUF_SIZE,
			    svm_checksum(buf, BUF_SIZE));

	/* Pages freed, then new ones written. */
	igt_assert_eq(madvise(buf, BUF_SIZE, MADV_DONTNEED), 0);
	svm_pattern_fill(buf, BUF_SIZE / 2, SEED_C);
	assert_gpu_checksum(fd, vm, &b, buf, BUF_SIZE,
			    svm_checksum(buf, BUF_SIZE));
	svm_assert_value(buf + BUF_SIZE / 2, BUF_SIZE / 2, 0);

	svm_batch_fini(&b);
	munmap(buf, BUF_SIZE);
	svm_vm_destroy(fd, vm);
}

/* prot-none */

/* Every kind of GPU access to [@buf, @buf + @size) must fault, EFAULT. */
static void assert_no_access(int fd, uint32_t vm, struct svm_batch *b,
			     uint8_t *buf, uint64_t size)
{
	uint64_t start = to_u64(buf), end = start + size;
	struct drm_vsvm_job_query q;

	q = checksum_job(fd, vm, b, start, size, NULL);
	svm_assert_fault(&q, -EFAULT, DRM_SVM_ACCESS_READ, start, end);

	q = fill_job(fd, vm, b, start, size, FILL_A);
	svm_assert_fault(&q, -EFAULT, DRM_SVM_ACCESS_WRITE, start, end);

	q = atomic_job(fd, vm, b, start + size / 2);
	svm_assert_fault(&q, -EFAULT, DRM_SVM_ACCESS_ATOMIC, start, end);
}

static void test_prot_none(int fd)
{
	uint32_t vm = svm_vm_create(fd);
	uint8_t *cold, *warm;
	struct svm_batch b;

	svm_batch_init(&b, fd, vm);

	/* Never accessible. */
	cold = svm_mmap(BUF_SIZE, PROT_NONE, MAP_PRIVATE);
	svm_bind_ptr(fd, vm, cold, BUF_SIZE, 0);
	assert_no_access(fd, vm, &b, cold, BUF_SIZE);
	igt_assert_eq(mprotect(cold, BUF_SIZE, PROT_READ | PROT_WRITE), 0);
	svm_assert_value(cold, BUF_SIZE, 0);
	assert_gpu_checksum(fd, vm, &b, cold, BUF_SIZE,
			    svm_checksum_fill(0, BUF_SIZE));

	/* Mapped by the GPU, then made inaccessible. */
	warm = svm_alloc(BUF_SIZE);
	svm_pattern_fill(warm, BUF_SIZE, SEED_A);
	svm_bind_ptr(fd, vm, warm, BUF_SIZE, 0);
	assert_gpu_checksum(fd, vm, &b, warm, BUF_SIZE,
			    svm_checksum(warm, BUF_SIZE));
	igt_assert_eq(mprotect(warm, BUF_SIZE, PROT_NONE), 0);
	assert_no_access(fd, vm, &b, warm, BUF_SIZE);
	igt_assert_eq(mprotect(warm, BUF_SIZE, PROT_READ | PROT_WRITE), 0);
	svm_assert_pattern(warm, BUF_SIZE, SEED_A);
	assert_gpu_checksum(fd, vm, &b, warm, BUF_SIZE,
			    svm_checksum(warm, BUF_SIZE));

	svm_batch_fini(&b);
	munmap(cold, BUF_SIZE);
	munmap(warm, BUF_SIZE);
	svm_vm_destroy(fd, vm);
}

/* readonly-mapping */

/* GPU writes and atomics on [@buf, @buf + @size) must fail with EPERM. */
static void assert_no_write(int fd, uint32_t vm, struct svm_batch *b,
			    uint8_t *buf, uint64_t size)
{
	uint64_t start = to_u64(buf), end = start + size;
	struct drm_vsvm_job_query q;

	q = fill_job(fd, vm, b, start, size, FILL_C);
	svm_assert_fault(&q, -EPERM, DRM_SVM_ACCESS_WRITE, start, end);

	svm_batch_reset(b);
	cmd_store(b, start + size - 8, 0xdeadbeefdeadbeefull);
	cmd_end(b);
	q = svm_run_batch(fd, vm, b);
	svm_assert_fault(&q, -EPERM, DRM_SVM_ACCESS_WRITE, start, end);

	q = atomic_job(fd, vm, b, start + 64);
	svm_assert_fault(&q, -EPERM, DRM_SVM_ACCESS_ATOMIC, start, end);
}

static void test_readonly_mapping(int fd)
{
	uint32_t vm = svm_vm_create(fd);
	uint8_t *ro, *robind, *untouched;
	struct drm_vsvm_job_query q;
	struct svm_batch b, fill;

	svm_batch_init(&b, fd, vm);
	svm_batch_init(&fill, fd, vm);

	/* Mapped writable by the GPU, then made read-only. */
	ro = svm_alloc(BUF_SIZE);
	svm_pattern_fill(ro, BUF_SIZE, SEED_A);
	svm_bind_ptr(fd, vm, ro, BUF_SIZE, 0);
	gpu_fill(fd, vm, &b, to_u64(ro), 64, FILL_A);
	svm_pattern_fill(ro, 64, SEED_A);
	igt_assert_eq(mprotect(ro, BUF_SIZE, PROT_READ), 0);

	assert_no_write(fd, vm, &b, ro, BUF_SIZE);
	svm_assert_pattern(ro, BUF_SIZE, SEED_A);
	assert_gpu_checksum(fd, vm, &b, ro, BUF_SIZE,
			    svm_checksum(ro, BUF_SIZE));

	/* The same job fails, then succeeds once the memory is writable. */
	cmd_fill(&fill, to_u64(ro), BUF_SIZE, FILL_B);
	cmd_end(&fill);
	q = svm_run_batch(fd, vm, &fill);
	svm_assert_fault(&q, -EPERM, DRM_SVM_ACCESS_WRITE, to_u64(ro),
			 to_u64(ro) + BUF_SIZE);
	svm_assert_pattern(ro, BUF_SIZE, SEED_A);
	igt_assert_eq(mprotect(ro, BUF_SIZE, PROT_READ | PROT_WRITE), 0);
	svm_run_batch_ok(fd, vm, &fill);
	svm_assert_value(ro, BUF_SIZE, FILL_B);

	/* Never written, read-only: the GPU reads zeros, cannot write. */
	untouched = svm_mmap(BUF_SIZE, PROT_READ, MAP_PRIVATE);
	svm_bind_ptr(fd, vm, untouched, BUF_SIZE, 0);
	assert_gpu_checksum(fd, vm, &b, untouched, BUF_SIZE,
			    svm_checksum_fill(0, BUF_SIZE));
	assert_no_write(fd, vm, &b, untouched, BUF_SIZE);
	svm_assert_value(untouched, BUF_SIZE, 0);

	/* Writable memory, read-only binding. */
	robind = svm_alloc(BUF_SIZE);
	svm_pattern_fill(robind, BUF_SIZE, SEED_B);
	svm_bind_ptr(fd, vm, robind, BUF_SIZE, DRM_SVM_BIND_FLAG_READONLY);
	assert_gpu_checksum(fd, vm, &b, robind, BUF_SIZE,
			    svm_checksum(robind, BUF_SIZE));
	assert_no_write(fd, vm, &b, robind, BUF_SIZE);
	svm_assert_pattern(robind, BUF_SIZE, SEED_B);

	/* The CPU may still write it, and the GPU read that. */
	svm_pattern_fill(robind, BUF_SIZE, SEED_C);
	assert_gpu_checksum(fd, vm, &b, robind, BUF_SIZE,
			    svm_checksum(robind, BUF_SIZE));

	svm_batch_fini(&b);
	svm_batch_fini(&fill);
	munmap(ro, BUF_SIZE);
	munmap(untouched, BUF_SIZE);
	munmap(robind, BUF_SIZE);
	svm_vm_destroy(fd, vm);
}

/* shared-file */

static int open_tmpfile(void)
{
	static const char * const dirs[] = { "/tmp", "/dev/shm", "/run" };
	unsigned int i;
	int file;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		file = open(dirs[i], O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (file >= 0) {
			igt_debug("O_TMPFILE in %s\n", dirs[i]);
			return file;
		}
	}
	return -1;
}

static void check_shared_file(int fd, uint32_t vm, struct svm_batch *b,
			      int file, const char *what)
{
	uint8_t *buf, *data = malloc(BUF_SIZE);
	int ret;

	igt_info("%s\n", what);
	igt_assert(data);
	igt_assert_eq(ftruncate(file, BUF_SIZE), 0);
	buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0);
	igt_assert(buf != MAP_FAILED);
	svm_bind_ptr(fd, vm, buf, BUF_SIZE, 0);

	/* File holes: zeros. */
	assert_gpu_checksum(fd, vm, b, buf, BUF_SIZE,
			    svm_checksum_fill(0, BUF_SIZE));

	/* pwrite -> GPU */
	svm_pattern_fill(data, BUF_SIZE, SEED_A);
	igt_assert_eq(pwrite(file, data, BUF_SIZE, 0), BUF_SIZE);
	assert_gpu_checksum(fd, vm, b, buf, BUF_SIZE,
			    svm_checksum(data, BUF_SIZE));

	/* GPU -> pread, and the other mapping */
	gpu_fill(fd, vm, b, to_u64(buf) + 4096, BUF_SIZE - 8192, FILL_B);
	memset(data, 0, BUF_SIZE);
	igt_assert_eq(pread(file, data, BUF_SIZE, 0), BUF_SIZE);
	svm_assert_pattern(data, 4096, SEED_A);
	svm_assert_value(data + 4096, BUF_SIZE - 8192, FILL_B);
	svm_assert_pattern(data + BUF_SIZE - 4096, 4096,
			   SEED_A + (BUF_SIZE - 4096) / 4);
	svm_assert_mem_eq(buf, data, BUF_SIZE);

	/* Pages dropped from the page cache: the GPU reads the hole. */
	ret = fallocate(file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			0, BUF_SIZE / 2);
	if (ret == 0) {
		memcpy(data + BUF_SIZE / 2, buf + BUF_SIZE / 2, BUF_SIZE / 2);
		memset(data, 0, BUF_SIZE / 2);
		assert_gpu_checksum(fd, vm, b, buf, BUF_SIZE,
				    svm_checksum(data, BUF_SIZE));
		svm_assert_value(buf, BUF_SIZE / 2, 0);
	} else {
		igt_info("%s: no hole punching (%m), step skipped\n", what);
	}

	svm_unbind(fd, vm, to_u64(buf), BUF_SIZE);
	munmap(buf, BUF_SIZE);
	free(data);
}

static void test_shared_file(int fd)
{
	uint32_t vm = svm_vm_create(fd);
	struct svm_batch b;
	int memfd, tmpfile;

	tmpfile = open_tmpfile();
	igt_require_f(tmpfile >= 0, "no filesystem supports O_TMPFILE\n");
	memfd = memfd_create("vsvm-svm", MFD_CLOEXEC);
	igt_assert_fd(memfd);

	svm_batch_init(&b, fd, vm);
	check_shared_file(fd, vm, &b, memfd, "memfd");
	check_shared_file(fd, vm, &b, tmpfile, "O_TMPFILE");

	svm_batch_fini(&b);
	close(memfd);
	close(tmpfile);
	svm_vm_destroy(fd, vm);
}

/* cow-* */

/* A 2 MiB aligned MAP_PRIVATE mapping of @file, so that it is one chunk. */
static uint8_t *map_private_aligned(int file, uint64_t size)
{
	uint8_t *area, *map;

	area = mmap(NULL, 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	igt_assert(area != MAP_FAILED);
	map = (uint8_t *)svm_align_up(to_u64(area), size);
	igt_assert(mmap(map, size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_FIXED, file, 0) == map);
	if (map > area)
		munmap(area, map - area);
	munmap(map + size, area + 2 * size - (map + size));
	return map;
}

/* Writes @seed's pattern over page @page of @file. */
static void file_page_write(int file, uint64_t page, uint32_t seed)
{
	uint64_t ps = svm_page_size();
	uint8_t *tmp = malloc(ps);

	igt_assert(tmp);
	svm_pattern_fill(tmp, ps, seed);
	igt_assert_eq(pwrite(file, tmp, ps, page * ps), (ssize_t)ps);
	free(tmp);
}

/* Private_Dirty of the VMA holding @addr, in KiB, from smaps. */
static uint64_t smaps_private_dirty_kb(const void *addr)
{
	unsigned long a = (unsigned long)addr, lo, hi;
	bool in = false, found = false;
	uint64_t kb = 0;
	char line[256];
	FILE *f;

	f = fopen("/proc/self/smaps", "re");
	igt_require_f(f, "no /proc/self/smaps\n");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = lo <= a && a < hi;
			continue;
		}
		if (in && sscanf(line, "Private_Dirty: %" SCNu64 " kB",
				 &kb) == 1) {
			found = true;
			break;
		}
	}
	fclose(f);
	igt_assert_f(found, "no Private_Dirty for %p in smaps\n", addr);
	return kb;
}

static void test_cow_private_file(int fd)
{
	const uint64_t size = SZ_2M, ps = svm_page_size();
	const uint64_t followers[] = { 5, size / ps / 2, size / ps - 1 };
	uint32_t vm = svm_vm_create(fd);
	struct svm_batch b;
	uint8_t *map, *tmp;
	unsigned int i;
	int file;

	file = open_tmpfile();
	igt_require_f(file >= 0, "no filesystem supports O_TMPFILE\n");
	tmp = malloc(size);
	igt_assert(tmp);
	svm_pattern_fill(tmp, size, SEED_A);
	igt_assert_eq(pwrite(file, tmp, size, 0), (ssize_t)size);
	map = map_private_aligned(file, size);
	svm_bind_ptr(fd, vm, map, size, 0);
	svm_batch_init(&b, fd, vm);

	/* The GPU reads it all, then writes 64 bytes of page 0. */
	igt_assert_eq_u64(gpu_checksum(fd, vm, &b, to_u64(map), size),
			  svm_checksum(tmp, size));
	gpu_fill(fd, vm, &b, to_u64(map), 64, FILL_A);
	svm_assert_value(map, 64, FILL_A);
	svm_assert_mem_eq(map + 64, tmp + 64, size - 64);

	/* Pages never written follow the file; the written one does not. */
	file_page_write(file, 0, SEED_B);
	for (i = 0; i < ARRAY_SIZE(followers); i++)
		file_page_write(file, followers[i], SEED_C + i);
	svm_assert_value(map, 64, FILL_A);
	svm_assert_mem_eq(map + 64, tmp + 64, ps - 64);
	for (i = 0; i < ARRAY_SIZE(followers); i++) {
		igt_debug("page %" PRIu64 "\n", followers[i]);
		svm_assert_pattern(map + followers[i] * ps, ps, SEED_C + i);
		svm_pattern_fill(tmp, ps, SEED_C + i);
		igt_assert_eq_u64(gpu_checksum(fd, vm, &b,
					       to_u64(map) + followers[i] * ps,
					       ps),
				  svm_checksum(tmp, ps));
	}

	/* The file has its own page 0, not the GPU's write. */
	igt_assert_eq(pread(file, tmp, ps, 0), (ssize_t)ps);
	svm_assert_pattern(tmp, ps, SEED_B);

	svm_batch_fini(&b);
	svm_vm_destroy(fd, vm);
	munmap(map, size);
	close(file);
	free(tmp);
}

static void test_cow_fork_memory(int fd)
{
	const uint64_t size = SZ_2M, ps = svm_page_size();
	uint32_t vm = svm_vm_create(fd);
	uint64_t before, after;
	struct svm_batch b;
	uint8_t *buf;
	int go[2];
	char c;

	buf = svm_alloc_aligned(size, size);
	igt_assert_eq(madvise(buf, size, MADV_NOHUGEPAGE), 0);
	svm_pattern_fill(buf, size, SEED_A);
	svm_bind_ptr(fd, vm, buf, size, 0);
	svm_batch_init(&b, fd, vm);
	igt_assert_eq(pipe2(go, O_CLOEXEC), 0);

	igt_fork(child, 1) {
		igt_assert_eq(read(go[0], &c, 1), 1);
		svm_assert_pattern(buf, size, SEED_A);
	}

	before = smaps_private_dirty_kb(buf);
	gpu_fill(fd, vm, &b, to_u64(buf), 64, FILL_A);
	after = smaps_private_dirty_kb(buf);
	igt_info("private memory of the buffer: %" PRIu64 " KiB before the "
		 "GPU write, %" PRIu64 " KiB after\n", before, after);
	igt_assert_f(after <= before + 2 * ps / 1024,
		     "a 64-byte GPU write made %" PRIu64 " KiB private\n",
		     after - before);
	svm_assert_value(buf, 64, FILL_A);
	svm_assert_pattern(buf + ps, size - ps, SEED_A + ps / 4);

	igt_assert_eq(write(go[1], "g", 1), 1);
	igt_waitchildren();
	close(go[0]);
	close(go[1]);
	svm_batch_fini(&b);
	svm_vm_destroy(fd, vm);
	munmap(buf, size);
}

/* uffd-* */

#define UFFD_PAGES		16

static int uffd_open(void *addr, uint64_t len)
{
	int uffd = __svm_uffd_open(addr, len);

	igt_require_f(uffd != -ENOSYS && uffd != -EPERM,
		      "no userfaultfd: %s\n", strerror(-uffd));
	igt_assert_f(uffd >= 0, "userfaultfd: %s\n", strerror(-uffd));
	return uffd;
}

/* A thread that resolves missing-page faults of [base, base + len). */
struct uffd_handler {
	int uffd;
	uint8_t *base;
	uint64_t len;
	/* With @bind_fd: bind and unbind @other in @vm before the first */
	int bind_fd;
	uint32_t vm;
	uint8_t *other;
	int bind_err, unbind_err;
	atomic_uint served;
	atomic_bool stop;
	pthread_t thread;
};

/* The data the handler gives: the SEED_C pattern across the buffer. */
static void uffd_page_fill(void *page, uint64_t offset)
{
	svm_pattern_fill(page, svm_page_size(), SEED_C + offset / 4);
}

static void *uffd_handler_fn(void *arg)
{
	struct uffd_handler *h = arg;
	uint64_t ps = svm_page_size(), addr;
	struct uffdio_copy copy;
	struct uffd_msg msg;
	struct pollfd p;
	void *page;

	igt_assert_eq(posix_memalign(&page, ps, ps), 0);
	while (!atomic_load(&h->stop)) {
		p = (struct pollfd){ .fd = h->uffd, .events = POLLIN };
		if (poll(&p, 1, 50) <= 0 ||
		    read(h->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
		    msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		addr = msg.arg.pagefault.address & ~(ps - 1);
		if (h->bind_fd >= 0 && !atomic_load(&h->served)) {
			h->bind_err = __svm_bind(h->bind_fd, h->vm,
						 to_u64(h->other),
						 to_u64(h->other), ps, 0);
			h->unbind_err = __svm_unbind(h->bind_fd, h->vm,
						     to_u64(h->other), ps);
		}
		uffd_page_fill(page, addr - to_u64(h->base));
		copy = (struct uffdio_copy){
			.dst = addr, .src = to_u64(page), .len = ps,
		};
		if (!ioctl(h->uffd, UFFDIO_COPY, &copy))
			atomic_fetch_add(&h->served, 1);
	}
	free(page);
	return NULL;
}

static void test_uffd(int fd, bool bind_in_handler)
{
	const uint64_t ps = svm_page_size(), len = UFFD_PAGES * ps;
	uint32_t vm = svm_vm_create(fd);
	struct uffd_handler h = { .bind_fd = -1 };
	uint8_t *expected;
	struct svm_batch b;
	uint64_t i;

	h.len = len;
	h.base = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(h.base != MAP_FAILED);
	h.uffd = uffd_open(h.base, len);
	if (bind_in_handler) {
		h.bind_fd = fd;
		h.vm = vm;
		h.other = svm_alloc(ps);
	}
	svm_bind_ptr(fd, vm, h.base, len, 0);
	svm_batch_init(&b, fd, vm);
	igt_assert_eq(pthread_create(&h.thread, NULL, uffd_handler_fn, &h), 0);

	expected = malloc(len);
	igt_assert(expected);
	for (i = 0; i < UFFD_PAGES; i++)
		uffd_page_fill(expected + i * ps, i * ps);
	igt_assert_eq_u64(gpu_checksum(fd, vm, &b, to_u64(h.base), len),
			  svm_checksum(expected, len));
	gpu_fill(fd, vm, &b, to_u64(h.base) + 3 * ps, ps, FILL_A);
	svm_assert_value(h.base + 3 * ps, ps, FILL_A);
	svm_assert_mem_eq(h.base, expected, 3 * ps);

	atomic_store(&h.stop, true);
	igt_assert_eq(pthread_join(h.thread, NULL), 0);
	igt_info("the handler resolved %u pages\n", atomic_load(&h.served));
	igt_assert_eq_u32(atomic_load(&h.served), UFFD_PAGES);
	if (bind_in_handler) {
		igt_assert_eq(h.bind_err, 0);
		igt_assert_eq(h.unbind_err, 0);
		munmap(h.other, ps);
	}

	free(expected);
	svm_batch_fini(&b);
	svm_vm_destroy(fd, vm);
	close(h.uffd);
	munmap(h.base, len);
}

/* Seconds since @t0 on CLOCK_MONOTONIC. */
static double elapsed_s(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The child of uffd-kill: a job waits on a fault nobody answers. */
static void uffd_kill_child(int ready)
{
	const uint64_t len = UFFD_PAGES * svm_page_size();
	int fd = vsvm_open_render(0), uffd;
	struct pollfd p;
	struct svm_batch b;
	uint32_t vm;
	uint8_t *buf;

	if (fd < 0)
		_exit(2);
	vm = svm_vm_create(fd);
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uffd = uffd_open(buf, len);
	svm_bind_ptr(fd, vm, buf, len, 0);
	svm_batch_init(&b, fd, vm);
	cmd_checksum(&b, to_u64(buf), len);
	cmd_end(&b);
	svm_exec_batch(fd, vm, &b, svm_fence_create());

	/* The GPU's fault reached the userfaultfd: the job waits. */
	p = (struct pollfd){ .fd = uffd, .events = POLLIN };
	if (poll(&p, 1, 10000) != 1)
		_exit(3);
	if (write(ready, "r", 1) != 1)
		_exit(4);
	for (;;)
		pause();
}

static void test_uffd_kill(int fd)
{
	struct timespec t0;
	int ready[2], status = 0;
	uint32_t vm;
	pid_t pid;
	char c;

	igt_assert_eq(pipe2(ready, O_CLOEXEC), 0);
	pid = fork();
	igt_assert(pid >= 0);
	if (!pid) {
		close(ready[0]);
		uffd_kill_child(ready[1]);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		waitpid(pid, &status, 0);
		igt_assert_f(false, "the child's job never waited on the "
			     "userfaultfd (child status %#x)\n", status);
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	igt_assert_eq(kill(pid, SIGKILL), 0);
	while (waitpid(pid, &status, WNOHANG) == 0 && elapsed_s(&t0) < 10)
		usleep(10 * 1000);
	igt_info("the killed child was reaped after %.3f s\n", elapsed_s(&t0));
	igt_assert_f(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		     "the killed child did not exit in 10 s (status %#x)\n",
		     status);

	/* Nothing of the child's holds up this process's VM. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	vm = svm_vm_create(fd);
	svm_vm_destroy(fd, vm);
	close(vsvm_open_render(0));
	igt_assert_f(elapsed_s(&t0) < 2, "VM create/destroy/close took %.3f s\n",
		     elapsed_s(&t0));
	close(ready[0]);
}

/* munmap-* */

#define MUNMAP_PAGES	256	/* 1 MiB of 4 KiB pages */

static const struct munmap_case {
	const char *name;
	/* The hole, in pages of the MUNMAP_PAGES-page buffer */
	unsigned int first, count;
	const char *desc;
} munmap_cases[] = {
	{ "whole", 0, MUNMAP_PAGES,
	  "munmap of a whole mirrored buffer between two jobs." },
	{ "head", 0, MUNMAP_PAGES / 4,
	  "munmap of the first quarter of a mirrored buffer between two "
	  "jobs." },
	{ "middle", MUNMAP_PAGES * 3 / 8, MUNMAP_PAGES / 4,
	  "munmap of a quarter in the middle of a mirrored buffer between "
	  "two jobs." },
	{ "tail", MUNMAP_PAGES * 3 / 4, MUNMAP_PAGES / 4,
	  "munmap of the last quarter of a mirrored buffer between two "
	  "jobs." },
	{ NULL }
};

static void test_munmap(int fd, const struct munmap_case *c)
{
	uint64_t ps = svm_page_size();
	uint64_t size = MUNMAP_PAGES * ps;
	uint64_t hole_start, hole_end, pieces[2][2];
	uint32_t vm = svm_vm_create(fd);
	uint8_t *buf = svm_alloc(size);
	struct drm_vsvm_job_query q;
	struct svm_batch b;
	unsigned int i;

	svm_pattern_fill(buf, size, SEED_A);
	svm_bind_ptr(fd, vm, buf, size, 0);
	svm_batch_init(&b, fd, vm);

	/* The GPU maps every page, for reading and writing. */
	assert_gpu_checksum(fd, vm, &b, buf, size, svm_checksum(buf, size));
	gpu_fill(fd, vm, &b, to_u64(buf), size, FILL_A);
	svm_assert_value(buf, size, FILL_A);

	hole_start = to_u64(buf) + c->first * ps;
	hole_end = hole_start + c->count * ps;
	igt_assert_eq(munmap(from_u64(hole_start), c->count * ps), 0);

	/* Whatever touches the hole faults there. */
	q = checksum_job(fd, vm, &b, to_u64(buf), size, NULL);
	svm_assert_fault(&q, -EFAULT, DRM_SVM_ACCESS_READ,
			 hole_start, hole_end);
	q = fill_job(fd, vm, &b, hole_start, hole_end - hole_start, FILL_B);
	svm_assert_fault(&q, -EFAULT, DRM_SVM_ACCESS_WRITE,
			 hole_start, hole_end);

	/* The rest keeps its data and takes new writes. */
	pieces[0][0] = to_u64(buf);
	pieces[0][1] = hole_start;
	pieces[1][0] = hole_end;
	pieces[1][1] = to_u64(buf) + size;
	for (i = 0; i < 2; i++) {
		uint64_t start = pieces[i][0], len = pieces[i][1] - start;

		if (!len)
			continue;
		assert_gpu_checksum(fd, vm, &b, start, len,
				    svm_checksum_fill(FILL_A, len));
		gpu_fill(fd, vm, &b, start, len, FILL_C);
		svm_assert_value(from_u64(start), len, FILL_C);
		assert_gpu_checksum(fd, vm, &b, start, len,
				    svm_checksum_fill(FILL_C, len));
	}

	/* And the VM still works elsewhere. */
	svm_batch_reset(&b);
	cmd_store(&b, to_u64(b.results), 0x600d600d600d600dull);
	cmd_end(&b);
	svm_run_batch_ok(fd, vm, &b);
	igt_assert_eq_u64(b.results[0], 0x600d600d600d600dull);

	svm_batch_fini(&b);
	for (i = 0; i < 2; i++)
		if (pieces[i][1] > pieces[i][0])
			munmap(from_u64(pieces[i][0]),
			       pieces[i][1] - pieces[i][0]);
	svm_vm_destroy(fd, vm);
}

/* map-fixed-replace */

static void test_map_fixed_replace(int fd)
{
	uint32_t vm = svm_vm_create(fd);
	uint8_t *buf = svm_alloc(BUF_SIZE), *ptr, *data;
	uint64_t half = BUF_SIZE / 2;
	struct svm_batch b;
	int memfd;

	svm_pattern_fill(buf, BUF_SIZE, SEED_A);
	svm_bind_ptr(fd, vm, buf, BUF_SIZE, 0);
	svm_batch_init(&b, fd, vm);
	assert_gpu_checksum(fd, vm, &b, buf, BUF_SIZE,
			    svm_checksum(buf, BUF_SIZE));

	/* New anonymous memory at the same address: zeros... */
	ptr = mmap(buf, BUF_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	igt_assert(ptr == buf);
	assert_gpu_checksum(fd, vm, &b, buf, BUF_SIZE,
			    svm_checksum_fill(0, BUF_SIZE));

	/* ...then what the CPU writes, and the GPU writes land there. */
	svm_pattern_fill(buf, BUF_SIZE, SEED_B);
	assert_gpu_checksum(fd, vm, &b, buf, BUF_SIZE,
			    svm_checksum(buf, BUF_SIZE));
	gpu_fill(fd, vm, &b, to_u64(buf), half, FILL_A);
	svm_assert_value(buf, half, FILL_A);

	/* A shared file mapping over the second half. */
	memfd = memfd_create("vsvm-svm", MFD_CLOEXEC);
	igt_assert_fd(memfd);
	data = malloc(half);
	igt_assert(data);
	svm_pattern_fill(data, half, SEED_C);
	igt_assert_eq(pwrite(memfd, data, half, 0), half);
	ptr = mmap(buf + half, half, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_FIXED, memfd, 0);
	igt_assert(ptr == buf + half);
	assert_gpu_checksum(fd, vm, &b, buf + half, half,
			    svm_checksum(data, half));
	assert_gpu_checksum(fd, vm, &b, buf, half,
			    svm_checksum_fill(FILL_A, half));

	gpu_fill(fd, vm, &b, to_u64(buf) + half, half, FILL_B);
	igt_assert_eq(pread(memfd, data, half, 0), half);
	svm_assert_value(data, half, FILL_B);

	svm_batch_fini(&b);
	free(data);
	close(memfd);
	munmap(buf, BUF_SIZE);
	svm_vm_destroy(fd, vm);
}

/* mremap-* */

static const struct mremap_case {
	const char *name;
	int flags;
	const char *desc;
} mremap_cases[] = {
	{ "move", 0,
	  "After mremap(MREMAP_MAYMOVE | MREMAP_FIXED) of a mirrored buffer, "
	  "GPU accesses at the old address fail with EFAULT, and a binding "
	  "of the new address sees and changes the moved data." },
	{ "dontunmap", MREMAP_DONTUNMAP,
	  "After mremap with MREMAP_DONTUNMAP, the GPU reads zeros at the old "
	  "address as the CPU does, its writes there stay there, and a "
	  "binding of the new address sees the moved data." },
	{ NULL }
};

static void test_mremap(int fd, const struct mremap_case *c)
{
	uint32_t vm = svm_vm_create(fd);
	uint8_t *old = svm_alloc(BUF_SIZE), *new, *target;
	uint64_t expected;
	struct drm_vsvm_job_query q;
	struct svm_batch b;

	svm_pattern_fill(old, BUF_SIZE, SEED_A);
	expected = svm_checksum(old, BUF_SIZE);
	svm_bind_ptr(fd, vm, old, BUF_SIZE, 0);
	svm_batch_init(&b, fd, vm);
	assert_gpu_checksum(fd, vm, &b, old, BUF_SIZE, expected);

	target = svm_mmap(BUF_SIZE, PROT_NONE, MAP_PRIVATE);
	new = mremap(old, BUF_SIZE, BUF_SIZE,
		     MREMAP_MAYMOVE | MREMAP_FIXED | c->flags, target);
	igt_require_f(new != MAP_FAILED || errno != EINVAL,
		      "mremap flags %#x not supported\n", c->flags);
	igt_assert(new == target);
	svm_assert_pattern(new, BUF_SIZE, SEED_A);

	if (c->flags & MREMAP_DONTUNMAP) {
		/* Still mapped, but emptied: zero pages on access. */
		assert_gpu_checksum(fd, vm, &b, old, BUF_SIZE,
				    svm_checksum_fill(0, BUF_SIZE));
		svm_assert_value(old, BUF_SIZE, 0);
		gpu_fill(fd, vm, &b, to_u64(old), BUF_SIZE, FILL_A);
		svm_assert_value(old, BUF_SIZE, FILL_A);
	} else {
		q = checksum_job(fd, vm, &b, to_u64(old), BUF_SIZE, NULL);
		svm_assert_fault(&q, -EFAULT, DRM_SVM_ACCESS_READ,
				 to_u64(old), to_u64(old) + BUF_SIZE);
	}

	/* The moved pages, at their new address. */
	svm_bind_ptr(fd, vm, new, BUF_SIZE, 0);
	assert_gpu_checksum(fd, vm, &b, new, BUF_SIZE, expected);
	gpu_fill(fd, vm, &b, to_u64(new), BUF_SIZE / 2, FILL_B);
	svm_assert_value(new, BUF_SIZE / 2, FILL_B);
	svm_assert_pattern(new + BUF_SIZE / 2, BUF_SIZE / 2,
			   SEED_A + BUF_SIZE / 8);

	if (c->flags & MREMAP_DONTUNMAP)
		svm_assert_value(old, BUF_SIZE, FILL_A);

	svm_batch_fini(&b);
	munmap(new, BUF_SIZE);
	if (c->flags & MREMAP_DONTUNMAP)
		munmap(old, BUF_SIZE);
	svm_vm_destroy(fd, vm);
}

/* fork-cow */

static void test_fork_cow(int fd)
{
	uint32_t vm = svm_vm_create(fd);
	uint8_t *buf = svm_alloc(BUF_SIZE);
	uint64_t half = BUF_SIZE / 2;
	int go[2];
	struct svm_batch b;
	char c = 0;

	igt_assert_eq(pipe2(go, O_CLOEXEC), 0);
	svm_pattern_fill(buf, BUF_SIZE, SEED_A);
	svm_bind_ptr(fd, vm, buf, BUF_SIZE, 0);
	svm_batch_init(&b, fd, vm);

	/* Mapped for reading and writing before the fork. */
	assert_gpu_checksum(fd, vm, &b, buf, BUF_SIZE,
			    svm_checksum(buf, BUF_SIZE));
	gpu_fill(fd, vm, &b, to_u64(buf), 64, FILL_A);
	svm_pattern_fill(buf, 64, SEED_A);

	igt_fork(child, 1) {
		struct drm_vsvm_exec exec = {
			.vm_id = vm,
			.batch_addr = svm_batch_addr(&b),
			.batch_len = svm_batch_len(&b),
		};

		igt_assert_eq(read(go[0], &c, 1), 1);

		/* The parent's GPU and CPU writes broke the sharing. */
		svm_assert_pattern(buf, BUF_SIZE, SEED_A);

		igt_assert_eq(__svm_bind(fd, vm, to_u64(buf), to_u64(buf),
					 BUF_SIZE, 0), -EACCES);
		igt_assert_eq(__svm_unbind(fd, vm, to_u64(buf), BUF_SIZE),
			      -EACCES);
		igt_assert_eq(__svm_exec(fd, &exec), -EACCES);
		igt_assert_eq(__svm_vm_destroy(fd, vm), -EACCES);

		svm_assert_pattern(buf, BUF_SIZE, SEED_A);
		/* The child's own writes stay the child's. */
		svm_pattern_fill(buf, BUF_SIZE, SEED_D);
	}

	/*
	 * A GPU read maps the pages shared with the child, which must stay
	 * read-only for the GPU; then a GPU write and a CPU write, each
	 * breaking COW.
	 */
	assert_gpu_checksum(fd, vm, &b, buf, BUF_SIZE,
			    svm_checksum(buf, BUF_SIZE));
	gpu_fill(fd, vm, &b, to_u64(buf), half, FILL_B);
	svm_pattern_fill(buf + half, half, SEED_B);
	svm_assert_value(buf, half, FILL_B);
	assert_gpu_checksum(fd, vm, &b, buf + half, half,
			    svm_checksum(buf + half, half));
	assert_gpu_checksum(fd, vm, &b, buf, half,
			    svm_checksum_fill(FILL_B, half));

	igt_assert_eq(write(go[1], "g", 1), 1);
	igt_waitchildren();

	/* The parent's data and VM are as they were. */
	svm_assert_value(buf, half, FILL_B);
	svm_assert_pattern(buf + half, half, SEED_B);
	assert_gpu_checksum(fd, vm, &b, buf, BUF_SIZE,
			    svm_checksum(buf, BUF_SIZE));
	gpu_fill(fd, vm, &b, to_u64(buf), BUF_SIZE, FILL_C);
	svm_assert_value(buf, BUF_SIZE, FILL_C);

	close(go[0]);
	close(go[1]);
	svm_batch_fini(&b);
	munmap(buf, BUF_SIZE);
	svm_vm_destroy(fd, vm);
}

/* fd-passing */

struct passed_vm {
	uint32_t vm;
	uint32_t pad;
	uint64_t buf;
	uint64_t size;
	uint64_t batch_addr;
	uint64_t batch_len;
};

static void send_fd(int sock, int fd, const struct passed_vm *msg)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = {
		.iov_base = (void *)msg,
		.iov_len = sizeof(*msg),
	};
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&mh);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));

	igt_assert_eq(sendmsg(sock, &mh, 0), sizeof(*msg));
}

static int recv_fd(int sock, struct passed_vm *msg)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	struct iovec iov = {
		.iov_base = msg,
		.iov_len = sizeof(*msg),
	};
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cmsg;
	int fd;

	igt_assert_eq(recvmsg(sock, &mh, MSG_CMSG_CLOEXEC), sizeof(*msg));
	cmsg = CMSG_FIRSTHDR(&mh);
	igt_assert(cmsg);
	igt_assert_eq(cmsg->cmsg_level, SOL_SOCKET);
	igt_assert_eq(cmsg->cmsg_type, SCM_RIGHTS);
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

static void test_fd_passing(void)
{
	struct passed_vm msg = {};
	uint8_t *buf = svm_alloc(BUF_SIZE);
	struct svm_batch b;
	uint32_t vm;
	int sv[2], fd;

	svm_pattern_fill(buf, BUF_SIZE, SEED_A);
	igt_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
		      0);

	/* Forked before the fd exists: the child only gets it passed. */
	igt_fork(child, 1) {
		struct drm_vsvm_exec exec = {};
		uint8_t *mine = svm_alloc(BUF_SIZE);
		struct svm_batch cb;
		uint32_t own_vm;
		int rfd;

		rfd = recv_fd(sv[1], &msg);
		igt_assert_fd(rfd);

		igt_assert_eq(__svm_bind(rfd, msg.vm, msg.buf, msg.buf,
					 msg.size, 0), -EACCES);
		igt_assert_eq(__svm_unbind(rfd, msg.vm, msg.buf, msg.size),
			      -EACCES);
		exec.vm_id = msg.vm;
		exec.batch_addr = msg.batch_addr;
		exec.batch_len = msg.batch_len;
		igt_assert_eq(__svm_exec(rfd, &exec), -EACCES);
		igt_assert_eq(__svm_vm_destroy(rfd, msg.vm), -EACCES);

		/* A VM of its own, on the same fd, mirrors the child. */
		own_vm = svm_vm_create(rfd);
		svm_bind_ptr(rfd, own_vm, mine, BUF_SIZE, 0);
		svm_batch_init(&cb, rfd, own_vm);
		gpu_fill(rfd, own_vm, &cb, to_u64(mine), BUF_SIZE, FILL_B);
		svm_assert_value(mine, BUF_SIZE, FILL_B);
		/* Its copy of the sender's buffer is untouched. */
		svm_assert_pattern(buf, BUF_SIZE, SEED_A);
		svm_vm_destroy(rfd, own_vm);
		close(rfd);
	}

	fd = vsvm_open_render(0);
	igt_assert_fd(fd);
	vm = svm_vm_create(fd);
	svm_bind_ptr(fd, vm, buf, BUF_SIZE, 0);
	svm_batch_init(&b, fd, vm);
	assert_gpu_checksum(fd, vm, &b, buf, BUF_SIZE,
			    svm_checksum(buf, BUF_SIZE));

	msg.vm = vm;
	msg.buf = to_u64(buf);
	msg.size = BUF_SIZE;
	msg.batch_addr = svm_batch_addr(&b);
	msg.batch_len = svm_batch_len(&b);
	send_fd(sv[0], fd, &msg);
	igt_waitchildren();

	/* Nothing the child did reached the VM or the buffer. */
	svm_assert_pattern(buf, BUF_SIZE, SEED_A);
	gpu_fill(fd, vm, &b, to_u64(buf), BUF_SIZE, FILL_C);
	svm_assert_value(buf, BUF_SIZE, FILL_C);

	svm_batch_fini(&b);
	svm_vm_destroy(fd, vm);
	close(fd);
	close(sv[0]);
	close(sv[1]);
	munmap(buf, BUF_SIZE);
}

/* thp */

static void test_thp(int fd)
{
	uint64_t size = 2 * SZ_2M, ps = svm_page_size();
	uint32_t vm = svm_vm_create(fd);
	uint8_t *buf = svm_alloc_aligned(size, SZ_2M), *hole;
	struct drm_vsvm_job_query q;
	struct svm_batch b;

	if (madvise(buf, size, MADV_HUGEPAGE))
		igt_info("MADV_HUGEPAGE failed (%m): no THP, data checks only\n");

	/* Populated by the CPU, so as huge pages where possible. */
	svm_pattern_fill(buf, size, SEED_A);
	svm_bind_ptr(fd, vm, buf, size, 0);
	svm_batch_init(&b, fd, vm);

	assert_gpu_checksum(fd, vm, &b, buf, size, svm_checksum(buf, size));
	/* Across the huge page boundary, from odd offsets. */
	assert_gpu_checksum(fd, vm, &b, buf + SZ_2M - 3 * ps - 8,
			    5 * ps + 16,
			    svm_checksum(buf + SZ_2M - 3 * ps - 8,
					 5 * ps + 16));

	gpu_fill(fd, vm, &b, to_u64(buf) + SZ_1M + 12, SZ_2M, FILL_A);
	svm_assert_pattern(buf, SZ_1M + 12, SEED_A);
	svm_assert_value(buf + SZ_1M + 12, SZ_2M, FILL_A);
	svm_assert_pattern(buf + SZ_1M + 12 + SZ_2M, size - SZ_1M - 12 - SZ_2M,
			   SEED_A + (SZ_1M + 12 + SZ_2M) / 4);
	assert_gpu_checksum(fd, vm, &b, buf, size, svm_checksum(buf, size));

	/* A 4 KiB hole splits the first huge page. */
	hole = buf + SZ_1M;
	igt_assert_eq(munmap(hole, ps), 0);
	q = checksum_job(fd, vm, &b, to_u64(buf), SZ_2M, NULL);
	svm_assert_fault(&q, -EFAULT, DRM_SVM_ACCESS_READ, to_u64(hole),
			 to_u64(hole) + ps);
	assert_gpu_checksum(fd, vm, &b, buf, SZ_1M, svm_checksum(buf, SZ_1M));
	assert_gpu_checksum(fd, vm, &b, hole + ps, size - SZ_1M - ps,
			    svm_checksum(hole + ps, size - SZ_1M - ps));
	gpu_fill(fd, vm, &b, to_u64(buf), SZ_1M, FILL_B);
	gpu_fill(fd, vm, &b, to_u64(hole) + ps, size - SZ_1M - ps, FILL_C);
	svm_assert_value(buf, SZ_1M, FILL_B);
	svm_assert_value(hole + ps, size - SZ_1M - ps, FILL_C);

	svm_batch_fini(&b);
	munmap(buf, SZ_1M);
	munmap(hole + ps, size - SZ_1M - ps);
	svm_vm_destroy(fd, vm);
}

/* hugetlbfs */

static void test_hugetlbfs(int fd)
{
	uint64_t size = 2 * SZ_2M;
	uint32_t vm;
	uint8_t *buf;
	struct svm_batch b;

	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	igt_require_f(buf != MAP_FAILED,
		      "no 2 MiB huge pages (vm.nr_hugepages)\n");

	vm = svm_vm_create(fd);
	svm_bind_ptr(fd, vm, buf, size, 0);
	svm_batch_init(&b, fd, vm);

	/* The first huge page, never touched by the CPU. */
	assert_gpu_checksum(fd, vm, &b, buf, SZ_2M,
			    svm_checksum_fill(0, SZ_2M));

	/* The second, written by the CPU. */
	svm_pattern_fill(buf + SZ_2M, SZ_2M, SEED_A);
	assert_gpu_checksum(fd, vm, &b, buf + SZ_2M, SZ_2M,
			    svm_checksum(buf + SZ_2M, SZ_2M));

	/* GPU writes inside and across the huge pages. */
	gpu_fill(fd, vm, &b, to_u64(buf) + 4096, SZ_2M - 8192, FILL_A);
	gpu_fill(fd, vm, &b, to_u64(buf) + SZ_2M - 64, 128, FILL_B);
	svm_assert_value(buf, 4096, 0);
	svm_assert_value(buf + 4096, SZ_2M - 8192, FILL_A);
	svm_assert_value(buf + SZ_2M - 4096, 4096 - 64, 0);
	svm_assert_value(buf + SZ_2M - 64, 128, FILL_B);
	svm_assert_pattern(buf + SZ_2M + 64, SZ_2M - 64, SEED_A + 16);
	assert_gpu_checksum(fd, vm, &b, buf, size, svm_checksum(buf, size));

	svm_batch_fini(&b);
	munmap(buf, size);
	svm_vm_destroy(fd, vm);
}

/* batch-in-malloc */

static void test_batch_in_malloc(int fd)
{
	const uint64_t data_size = 64 << 10;	/* below the mmap threshold */
	const uint64_t fill_off = 64, fill_len = 4096;
	const uint64_t region = fill_off + fill_len;
	const uint64_t copy_off = 32 << 10;
	const uint64_t counter_off = 60 << 10;
	const uint64_t store_value = 0x1122334455667788ull;
	uint64_t *add_old, *xchg_ok, *xchg_fail, *sum;
	uint64_t data_addr, counter_addr, expected;
	uint32_t vm = svm_vm_create(fd);
	struct svm_batch b;
	uint8_t *data;

	/* Deliberately malloc(), not page aligned. */
	data = malloc(data_size);
	igt_assert(data);
	memset(data, 0x5a, data_size);
	memcpy(data + counter_off, &(uint64_t){ 37 }, 8);
	data_addr = to_u64(data);
	counter_addr = data_addr + counter_off;
	igt_assert_eq(__svm_bind_span(fd, vm, data, data_size, 0), 0);

	svm_batch_init(&b, fd, vm);
	igt_info("batch at %p, data at %p\n", (void *)b.cmds, (void *)data);

	cmd_store(&b, data_addr, store_value);
	cmd_fill(&b, data_addr + fill_off, fill_len, FILL_A);
	cmd_copy(&b, data_addr + copy_off, data_addr, region);
	add_old = cmd_atomic_add(&b, counter_addr, 5);
	xchg_ok = cmd_cmpxchg(&b, counter_addr, 42, 100);
	xchg_fail = cmd_cmpxchg(&b, counter_addr, 42, 7);
	sum = cmd_checksum(&b, data_addr, region);
	cmd_end(&b);
	svm_run_batch_ok(fd, vm, &b);

	igt_assert_eq_u64(*(uint64_t *)data, store_value);
	svm_assert_value(data + 8, fill_off - 8, 0x5a5a5a5a);
	svm_assert_value(data + fill_off, fill_len, FILL_A);
	svm_assert_mem_eq(data + copy_off, data, region);
	svm_assert_value(data + copy_off + region, 1024, 0x5a5a5a5a);

	igt_assert_eq_u64(*add_old, 37);
	igt_assert_eq_u64(*xchg_ok, 42);
	igt_assert_eq_u64(*xchg_fail, 100);
	igt_assert_eq_u64(*(uint64_t *)(data + counter_off), 100);

	expected = svm_checksum(data, region);
	igt_assert_eq_u64(*sum, expected);

	svm_batch_fini(&b);
	free(data);
	svm_vm_destroy(fd, vm);
}

/* atomics */

#define ATOMIC_JOBS	32

static void test_atomics(int fd)
{
	uint32_t vm = svm_vm_create(fd);
	uint64_t *counter = svm_alloc(BUF_SIZE);	/* untouched: zero */
	struct svm_batch b[ATOMIC_JOBS], x;
	uint64_t *old[ATOMIC_JOBS], *ok, *fail, jobs[ATOMIC_JOBS];
	uint64_t addr = to_u64(counter) + 4096, sum = 0;
	struct drm_vsvm_job_query q;
	struct svm_fence *f = svm_fence_create();
	unsigned int i;

	svm_bind_ptr(fd, vm, counter, BUF_SIZE, 0);

	/* Back to back, then one wait: jobs of a file run in order. */
	for (i = 0; i < ATOMIC_JOBS; i++) {
		svm_batch_init(&b[i], fd, vm);
		old[i] = cmd_atomic_add(&b[i], addr, i + 1);
		cmd_end(&b[i]);
	}
	for (i = 0; i < ATOMIC_JOBS; i++)
		jobs[i] = svm_exec_batch(fd, vm, &b[i], f);
	svm_wait_job(fd, f, SVM_JOB_TIMEOUT_NS);
	igt_assert_eq(svm_fence_status(f), 1);

	for (i = 0; i < ATOMIC_JOBS; i++) {
		svm_job_query(fd, jobs[i], &q);
		if (q.status != DRM_VSVM_JOB_DONE)
			svm_job_print("atomic job", &q);
		igt_assert_eq_u32(q.status, DRM_VSVM_JOB_DONE);
		igt_assert_eq_u64(*old[i], sum);
		sum += i + 1;
	}
	igt_assert_eq_u64(counter[4096 / 8], sum);
	igt_assert_eq_u64(sum, ATOMIC_JOBS * (ATOMIC_JOBS + 1) / 2);
	/* Only the counter changed. */
	igt_assert_eq_u64(counter[4096 / 8 - 1], 0);
	igt_assert_eq_u64(counter[4096 / 8 + 1], 0);

	/* Compare-exchange: success, then failure, both give the prior value. */
	svm_batch_init(&x, fd, vm);
	ok = cmd_cmpxchg(&x, addr, sum, 0xfeedfacecafebeefull);
	fail = cmd_cmpxchg(&x, addr, sum, 1);
	cmd_end(&x);
	svm_run_batch_ok(fd, vm, &x);
	igt_assert_eq_u64(*ok, sum);
	igt_assert_eq_u64(*fail, 0xfeedfacecafebeefull);
	igt_assert_eq_u64(counter[4096 / 8], 0xfeedfacecafebeefull);

	/* A 64-bit add carries across the 32-bit halves. */
	svm_batch_reset(&x);
	ok = cmd_atomic_add(&x, addr, 0x0000000100000000ull + 0x11);
	cmd_end(&x);
	svm_run_batch_ok(fd, vm, &x);
	igt_assert_eq_u64(*ok, 0xfeedfacecafebeefull);
	igt_assert_eq_u64(counter[4096 / 8],
			  0xfeedfacecafebeefull + 0x0000000100000011ull);

	for (i = 0; i < ATOMIC_JOBS; i++)
		svm_batch_fini(&b[i]);
	svm_batch_fini(&x);
	svm_fence_destroy(f);
	munmap(counter, BUF_SIZE);
	svm_vm_destroy(fd, vm);
}

/* two-devices */

static void test_two_devices(void)
{
	struct svm_batch b[2];
	uint32_t vm[2];
	int fds[2], i;
	uint8_t *buf;

	igt_require_f(vsvm_count_devices() >= 2, "needs two vsvm devices\n");
	buf = svm_alloc(BUF_SIZE);
	for (i = 0; i < 2; i++) {
		fds[i] = vsvm_open_render(i);
		igt_assert_fd(fds[i]);
		vm[i] = svm_vm_create(fds[i]);
		svm_bind_ptr(fds[i], vm[i], buf, BUF_SIZE, 0);
		svm_batch_init(&b[i], fds[i], vm[i]);
	}

	/* Device 0 writes, device 1 reads. */
	gpu_fill(fds[0], vm[0], &b[0], to_u64(buf), BUF_SIZE, FILL_A);
	assert_gpu_checksum(fds[1], vm[1], &b[1], buf, BUF_SIZE,
			    svm_checksum_fill(FILL_A, BUF_SIZE));
	svm_assert_value(buf, BUF_SIZE, FILL_A);

	/* The CPU writes, both read. */
	svm_pattern_fill(buf, BUF_SIZE, SEED_A);
	for (i = 0; i < 2; i++)
		assert_gpu_checksum(fds[i], vm[i], &b[i], buf, BUF_SIZE,
				    svm_checksum(buf, BUF_SIZE));

	/* Device 1 writes half, device 0 reads it all. */
	gpu_fill(fds[1], vm[1], &b[1], to_u64(buf), BUF_SIZE / 2, FILL_B);
	svm_assert_value(buf, BUF_SIZE / 2, FILL_B);
	assert_gpu_checksum(fds[0], vm[0], &b[0], buf, BUF_SIZE,
			    svm_checksum(buf, BUF_SIZE));

	/* New pages behind both mirrors. */
	igt_assert_eq(madvise(buf, BUF_SIZE, MADV_DONTNEED), 0);
	svm_pattern_fill(buf + BUF_SIZE / 2, BUF_SIZE / 2, SEED_B);
	for (i = 0; i < 2; i++)
		assert_gpu_checksum(fds[i], vm[i], &b[i], buf, BUF_SIZE,
				    svm_checksum(buf, BUF_SIZE));

	for (i = 0; i < 2; i++) {
		svm_batch_fini(&b[i]);
		svm_vm_destroy(fds[i], vm[i]);
		close(fds[i]);
	}
	munmap(buf, BUF_SIZE);
}

/* threads-8 */

#define THREADS		8
#define THREAD_JOBS	20
#define THREAD_BUF	(64u << 10)

struct thread_ctx {
	pthread_t thread;
	pthread_barrier_t *start;
	int fd;
	uint32_t vm;
	unsigned int id;
	uint32_t *buf;
	uint64_t *counter;
	struct svm_batch batch;
	uint64_t old[THREAD_JOBS];
	char error[256];
};

static void *thread_jobs(void *data)
{
	struct thread_ctx *t = data;
	struct drm_vsvm_job_query q;
	uint64_t *sum, *old;
	struct svm_fence *f;
	uint32_t value;
	unsigned int i;
	int64_t bad;
	int err;

	f = __svm_fence_create();
	if (!f) {
		snprintf(t->error, sizeof(t->error), "fence: %m");
		return NULL;
	}
	pthread_barrier_wait(t->start);

	/* Binds race with the other threads' binds and jobs. */
	err = __svm_bind(t->fd, t->vm, to_u64(t->buf), to_u64(t->buf),
			 THREAD_BUF, 0);
	if (err) {
		snprintf(t->error, sizeof(t->error), "bind: %d", err);
		goto out;
	}

	for (i = 0; i < THREAD_JOBS; i++) {
		value = t->id << 24 | i << 8 | 0x5a;
		svm_batch_reset(&t->batch);
		cmd_fill(&t->batch, to_u64(t->buf), THREAD_BUF, value);
		sum = cmd_checksum(&t->batch, to_u64(t->buf), THREAD_BUF);
		old = cmd_atomic_add(&t->batch, to_u64(t->counter), 1);
		cmd_end(&t->batch);

		err = __svm_run(t->fd, t->vm, svm_batch_addr(&t->batch),
				svm_batch_len(&t->batch), f, &q);
		if (err || q.status != DRM_VSVM_JOB_DONE || f->error) {
			snprintf(t->error, sizeof(t->error),
				 "job %u: err %d status %u error %d fence "
				 "error %" PRId64 " fault %#" PRIx64, i, err,
				 q.status, q.error, (int64_t)f->error,
				 (uint64_t)q.fault.address);
			goto out;
		}
		if (*sum != svm_checksum_fill(value, THREAD_BUF)) {
			snprintf(t->error, sizeof(t->error),
				 "job %u: checksum %#" PRIx64 ", expected %#"
				 PRIx64, i, *sum,
				 svm_checksum_fill(value, THREAD_BUF));
			goto out;
		}
		bad = svm_value_check(t->buf, THREAD_BUF, value);
		if (bad >= 0) {
			snprintf(t->error, sizeof(t->error),
				 "job %u: word %" PRId64 " is %#x, expected %#x",
				 i, bad, t->buf[bad], value);
			goto out;
		}
		t->old[i] = *old;
	}
out:
	__svm_fence_destroy(f);
	return NULL;
}

static void test_threads(int fd)
{
	uint32_t vm = svm_vm_create(fd);
	uint64_t *shared = svm_alloc(BUF_SIZE);
	struct thread_ctx *t = calloc(THREADS, sizeof(*t));
	bool seen[THREADS * THREAD_JOBS] = {};
	pthread_barrier_t start;
	unsigned int i, j;

	igt_assert(t);
	svm_bind_ptr(fd, vm, shared, BUF_SIZE, 0);
	igt_assert_eq(pthread_barrier_init(&start, NULL, THREADS), 0);

	for (i = 0; i < THREADS; i++) {
		t[i].start = &start;
		t[i].fd = fd;
		t[i].vm = vm;
		t[i].id = i;
		t[i].buf = svm_alloc(THREAD_BUF);
		t[i].counter = shared;	/* one word for all */
		svm_batch_init(&t[i].batch, fd, vm);
	}
	for (i = 0; i < THREADS; i++)
		igt_assert_eq(pthread_create(&t[i].thread, NULL, thread_jobs,
					     &t[i]), 0);
	for (i = 0; i < THREADS; i++)
		igt_assert_eq(pthread_join(t[i].thread, NULL), 0);

	for (i = 0; i < THREADS; i++)
		igt_assert_f(!t[i].error[0], "thread %u: %s\n", i, t[i].error);

	/* Every add counted once, and saw a distinct old value. */
	igt_assert_eq_u64(shared[0], THREADS * THREAD_JOBS);
	for (i = 0; i < THREADS; i++) {
		for (j = 0; j < THREAD_JOBS; j++) {
			igt_assert_f(t[i].old[j] < THREADS * THREAD_JOBS &&
				     !seen[t[i].old[j]],
				     "thread %u job %u: old value %" PRIu64
				     " repeated or out of range\n",
				     i, j, t[i].old[j]);
			seen[t[i].old[j]] = true;
		}
	}

	for (i = 0; i < THREADS; i++) {
		svm_batch_fini(&t[i].batch);
		munmap(t[i].buf, THREAD_BUF);
	}
	pthread_barrier_destroy(&start);
	free(t);
	munmap(shared, BUF_SIZE);
	svm_vm_destroy(fd, vm);
}

/* unbind-while-running */

#define LONG_SIZE	(64ull << 20)
#define LONG_TOUCHES	4

enum unbind_when {
	UNBIND_AT_ONCE,		/* likely while the job is queued */
	UNBIND_RUNNING,		/* once the job is seen running */
	UNBIND_LATER,		/* some time into the job */
};

struct unbinder {
	pthread_t thread;
	int fd;
	uint32_t vm;
	uint64_t addr, size, job;
	enum unbind_when when;
	int err;
	uint32_t seen_status;
};

static void *unbind_thread(void *data)
{
	struct unbinder *u = data;
	struct drm_vsvm_job_query q = { .job_id = u->job };
	struct timespec delay = { .tv_nsec = 20 * 1000 * 1000 };
	int i;

	switch (u->when) {
	case UNBIND_AT_ONCE:
		break;
	case UNBIND_RUNNING:
		for (i = 0; i < 100000; i++) {
			q.job_id = u->job;
			if (__svm_job_query(u->fd, &q))
				break;
			if (q.status != DRM_VSVM_JOB_QUEUED)
				break;
			sched_yield();
		}
		u->seen_status = q.status;
		break;
	case UNBIND_LATER:
		nanosleep(&delay, NULL);
		break;
	}

	u->err = __svm_unbind(u->fd, u->vm, u->addr, u->size);
	return NULL;
}

static void test_unbind_while_running(int fd)
{
	uint32_t vm = svm_vm_create(fd);
	uint8_t *buf = svm_alloc(LONG_SIZE);
	struct svm_fence *f = svm_fence_create();
	struct drm_vsvm_job_query q;
	struct svm_batch b, chk;
	uint64_t expected, *sum;
	struct unbinder u;
	int when, i, err;

	svm_pattern_fill(buf, LONG_SIZE, SEED_A);
	expected = svm_checksum(buf, LONG_SIZE);

	svm_batch_init(&b, fd, vm);
	svm_batch_init(&chk, fd, vm);
	for (i = 0; i < LONG_TOUCHES; i++)
		cmd_touch(&b, to_u64(buf), LONG_SIZE);
	sum = cmd_checksum(&b, to_u64(buf), LONG_SIZE);
	cmd_end(&b);

	for (when = UNBIND_AT_ONCE; when <= UNBIND_LATER; when++) {
		*sum = 0;
		svm_bind_ptr(fd, vm, buf, LONG_SIZE, 0);

		memset(&u, 0, sizeof(u));
		u.fd = fd;
		u.vm = vm;
		u.addr = to_u64(buf);
		u.size = LONG_SIZE;
		u.when = when;
		u.job = svm_exec_batch(fd, vm, &b, f);
		igt_assert_eq(pthread_create(&u.thread, NULL, unbind_thread,
					     &u), 0);

		err = __svm_wait_job(fd, f, SVM_JOB_TIMEOUT_NS);
		igt_assert_eq(pthread_join(u.thread, NULL), 0);
		igt_assert_f(err == 0, "job hung: wait returned %d\n", err);
		igt_assert_eq(u.err, 0);

		svm_job_query(fd, u.job, &q);
		svm_job_print(when == UNBIND_AT_ONCE ? "unbind at once" :
			      when == UNBIND_RUNNING ? "unbind when running" :
			      "unbind after 20 ms", &q);
		igt_assert_f(svm_job_ended(&q), "job still %s\n",
			     svm_job_status_str(q.status));
		svm_assert_fence_error(f, q.error);
		if (q.status == DRM_VSVM_JOB_DONE) {
			igt_assert_eq(q.error, 0);
			igt_assert_eq_u64(*sum, expected);
		} else {
			igt_assert_f(q.error == -EFAULT || q.error == -ENOENT,
				     "job failed with %d\n", q.error);
		}

		/* Once unbind returned, nothing of the range is mapped. */
		q = checksum_job(fd, vm, &chk, to_u64(buf), LONG_SIZE, NULL);
		svm_assert_fault(&q, -EFAULT, DRM_SVM_ACCESS_READ, to_u64(buf),
				 to_u64(buf) + LONG_SIZE);
	}

	/* The range binds and works again. */
	*sum = 0;
	svm_bind_ptr(fd, vm, buf, LONG_SIZE, 0);
	svm_run_batch_ok(fd, vm, &b);
	igt_assert_eq_u64(*sum, expected);
	svm_assert_pattern(buf, LONG_SIZE, SEED_A);

	svm_batch_fini(&b);
	svm_batch_fini(&chk);
	svm_fence_destroy(f);
	munmap(buf, LONG_SIZE);
	svm_vm_destroy(fd, vm);
}

/* exit-with-jobs */

#define EXIT_SIZE	(32ull << 20)
#define EXIT_JOBS	3

static void test_exit_with_jobs(int fd)
{
	struct drm_vsvm_job_query q;
	uint64_t jobs[EXIT_JOBS];
	uint8_t *buf = svm_alloc(BUF_SIZE);
	struct svm_batch b;
	int ids[2], fd2;
	uint32_t vm;
	unsigned int i;
	time_t end;

	igt_assert_eq(pipe2(ids, O_CLOEXEC), 0);

	igt_fork(child, 1) {
		uint8_t *big = svm_alloc(EXIT_SIZE);
		uint32_t own_vm, shared_vm;
		struct svm_batch ob, sb;
		int own_fd, t;

		svm_pattern_fill(big, EXIT_SIZE, SEED_A);
		own_fd = vsvm_open_render(0);
		igt_assert_fd(own_fd);
		own_vm = svm_vm_create(own_fd);
		shared_vm = svm_vm_create(fd);
		svm_bind_ptr(own_fd, own_vm, big, EXIT_SIZE, 0);
		svm_bind_ptr(fd, shared_vm, big, EXIT_SIZE, 0);
		svm_batch_init(&ob, own_fd, own_vm);
		svm_batch_init(&sb, fd, shared_vm);
		for (t = 0; t < 2; t++) {
			cmd_touch(&ob, to_u64(big), EXIT_SIZE);
			cmd_touch(&sb, to_u64(big), EXIT_SIZE);
		}
		cmd_checksum(&ob, to_u64(big), EXIT_SIZE);
		cmd_checksum(&sb, to_u64(big), EXIT_SIZE);
		cmd_end(&ob);
		cmd_end(&sb);

		for (t = 0; t < EXIT_JOBS; t++) {
			svm_exec_batch(own_fd, own_vm, &ob, NULL);
			jobs[t] = svm_exec_batch(fd, shared_vm, &sb, NULL);
		}
		igt_assert_eq(write(ids[1], jobs, sizeof(jobs)),
			      sizeof(jobs));
		/* No wait, no destroy, no close. */
		_exit(IGT_EXIT_SUCCESS);
	}
	igt_waitchildren();
	igt_assert_eq(read(ids[0], jobs, sizeof(jobs)), sizeof(jobs));

	/* The jobs on the fd we share end, one way or the other. */
	end = time(NULL) + SVM_JOB_TIMEOUT_NS / 1000000000ull;
	for (i = 0; i < EXIT_JOBS; i++) {
		do {
			svm_job_query(fd, jobs[i], &q);
			if (svm_job_ended(&q))
				break;
			usleep(10 * 1000);
		} while (time(NULL) < end);
		svm_job_print("orphaned job", &q);
		igt_assert_f(svm_job_ended(&q), "job %" PRIu64 " still %s\n",
			     jobs[i], svm_job_status_str(q.status));
	}

	/* The device works, on the old fd and on a new one. */
	vm = svm_vm_create(fd);
	svm_bind_ptr(fd, vm, buf, BUF_SIZE, 0);
	svm_batch_init(&b, fd, vm);
	gpu_fill(fd, vm, &b, to_u64(buf), BUF_SIZE, FILL_A);
	svm_assert_value(buf, BUF_SIZE, FILL_A);
	svm_batch_fini(&b);
	svm_vm_destroy(fd, vm);

	fd2 = vsvm_open_render(0);
	igt_assert_fd(fd2);
	vm = svm_vm_create(fd2);
	svm_bind_ptr(fd2, vm, buf, BUF_SIZE, 0);
	svm_batch_init(&b, fd2, vm);
	assert_gpu_checksum(fd2, vm, &b, buf, BUF_SIZE,
			    svm_checksum_fill(FILL_A, BUF_SIZE));
	svm_batch_fini(&b);
	svm_vm_destroy(fd2, vm);
	close(fd2);

	close(ids[0]);
	close(ids[1]);
	munmap(buf, BUF_SIZE);
}

/* gpu-va-offset */

static void test_gpu_va_offset(int fd)
{
	uint64_t size = 2 * SZ_2M, ps = svm_page_size();
	/* 2 MiB aligned, and 3 pages off any 64 KiB alignment. */
	const uint64_t gpu[2] = { SZ_1T, 2 * SZ_1T + 3 * ps };
	uint32_t vm = svm_vm_create(fd);
	uint8_t *buf = svm_alloc_aligned(size, SZ_2M);
	struct drm_vsvm_job_query q;
	struct svm_batch b;
	int i;

	madvise(buf, size, MADV_HUGEPAGE);
	svm_pattern_fill(buf, size, SEED_A);
	for (i = 0; i < 2; i++)
		svm_bind(fd, vm, to_u64(buf), gpu[i], size, 0);
	svm_batch_init(&b, fd, vm);

	for (i = 0; i < 2; i++) {
		igt_assert_eq_u64(gpu_checksum(fd, vm, &b, gpu[i], size),
				  svm_checksum(buf, size));
		igt_assert_eq_u64(gpu_checksum(fd, vm, &b, gpu[i] + SZ_2M - 8,
					       16),
				  svm_checksum(buf + SZ_2M - 8, 16));
	}

	/* Writes through either GPU address land in the buffer. */
	gpu_fill(fd, vm, &b, gpu[0], SZ_1M, FILL_A);
	gpu_fill(fd, vm, &b, gpu[1] + SZ_1M, SZ_2M, FILL_B);
	svm_batch_reset(&b);
	cmd_store(&b, gpu[1] + size - 8, 0x0ff5e70ff5e70ff5ull);
	cmd_end(&b);
	svm_run_batch_ok(fd, vm, &b);

	svm_assert_value(buf, SZ_1M, FILL_A);
	svm_assert_value(buf + SZ_1M, SZ_2M, FILL_B);
	svm_assert_pattern(buf + 3 * SZ_1M, SZ_1M - 8,
			   SEED_A + 3 * SZ_1M / 4);
	igt_assert_eq_u64(*(uint64_t *)(buf + size - 8), 0x0ff5e70ff5e70ff5ull);

	/* CPU writes are seen through both. */
	svm_pattern_fill(buf, size, SEED_B);
	for (i = 0; i < 2; i++)
		igt_assert_eq_u64(gpu_checksum(fd, vm, &b, gpu[i], size),
				  svm_checksum(buf, size));

	/* The CPU address itself is not bound. */
	q = checksum_job(fd, vm, &b, to_u64(buf), size, NULL);
	svm_assert_fault(&q, -EFAULT, DRM_SVM_ACCESS_READ, to_u64(buf),
			 to_u64(buf) + size);

	svm_batch_fini(&b);
	munmap(buf, size);
	svm_vm_destroy(fd, vm);
}

/* populate */

static void test_populate(int fd)
{
	uint32_t vm = svm_vm_create(fd);
	uint8_t *pop = svm_alloc(BUF_SIZE);
	uint8_t *pop_untouched = svm_alloc(BUF_SIZE);
	uint8_t *lazy = svm_alloc(BUF_SIZE);
	struct drm_vsvm_job_query q;
	struct svm_batch lb, pb;
	uint64_t *sum[2];

	svm_pattern_fill(pop, BUF_SIZE, SEED_A);
	svm_pattern_fill(lazy, BUF_SIZE, SEED_A);

	/* The lazy batch first: the populated one may share its pages. */
	svm_batch_init_flags(&lb, fd, vm, DRM_SVM_BIND_FLAG_NO_MIGRATE);
	svm_batch_init_flags(&pb, fd, vm, DRM_SVM_BIND_FLAG_POPULATE |
				 DRM_SVM_BIND_FLAG_NO_MIGRATE);
	svm_bind_ptr(fd, vm, pop, BUF_SIZE, DRM_SVM_BIND_FLAG_POPULATE |
		     DRM_SVM_BIND_FLAG_NO_MIGRATE);
	svm_bind_ptr(fd, vm, pop_untouched, BUF_SIZE,
		     DRM_SVM_BIND_FLAG_POPULATE | DRM_SVM_BIND_FLAG_NO_MIGRATE);
	svm_bind_ptr(fd, vm, lazy, BUF_SIZE, DRM_SVM_BIND_FLAG_NO_MIGRATE);

	sum[0] = cmd_checksum(&pb, to_u64(pop), BUF_SIZE);
	sum[1] = cmd_checksum(&pb, to_u64(pop_untouched), BUF_SIZE);
	cmd_end(&pb);
	q = svm_run_batch_ok(fd, vm, &pb);
	igt_assert_eq_u64(*sum[0], svm_checksum(pop, BUF_SIZE));
	igt_assert_eq_u64(*sum[1], svm_checksum_fill(0, BUF_SIZE));
	igt_assert_f(q.faults == 0, "populated: %" PRIu64 " faults\n",
		     (uint64_t)q.faults);

	sum[0] = cmd_checksum(&lb, to_u64(lazy), BUF_SIZE);
	cmd_end(&lb);
	q = svm_run_batch_ok(fd, vm, &lb);
	igt_assert_eq_u64(*sum[0], svm_checksum(lazy, BUF_SIZE));
	igt_assert_f(q.faults > 0, "not populated, yet no fault\n");
	igt_info("faults: populated 0, not populated %" PRIu64 "\n",
		 (uint64_t)q.faults);

	svm_batch_fini(&lb);
	svm_batch_fini(&pb);
	munmap(pop, BUF_SIZE);
	munmap(pop_untouched, BUF_SIZE);
	munmap(lazy, BUF_SIZE);
	svm_vm_destroy(fd, vm);
}

/* fault-count */

static void test_fault_count(int fd)
{
	uint32_t vm = svm_vm_create(fd);
	uint8_t *rd = svm_alloc(BUF_SIZE), *wr = svm_alloc(BUF_SIZE);
	struct drm_vsvm_job_query q;
	struct svm_batch b;
	uint64_t *sum;

	/* khugepaged collapsing the buffers would invalidate them anytime. */
	igt_assert_eq(madvise(rd, BUF_SIZE, MADV_NOHUGEPAGE), 0);
	igt_assert_eq(madvise(wr, BUF_SIZE, MADV_NOHUGEPAGE), 0);
	svm_bind_ptr(fd, vm, rd, BUF_SIZE, DRM_SVM_BIND_FLAG_NO_MIGRATE);
	svm_bind_ptr(fd, vm, wr, BUF_SIZE, DRM_SVM_BIND_FLAG_NO_MIGRATE);
	svm_batch_init_flags(&b, fd, vm, DRM_SVM_BIND_FLAG_NO_MIGRATE);
	sum = cmd_checksum(&b, to_u64(rd), BUF_SIZE);
	cmd_fill(&b, to_u64(wr), BUF_SIZE, FILL_A);
	cmd_end(&b);

	q = svm_run_batch_ok(fd, vm, &b);
	igt_info("first run: %" PRIu64 " faults\n", (uint64_t)q.faults);
	igt_assert_f(q.faults > 0, "fresh memory, yet no fault\n");
	igt_assert_eq_u64(*sum, svm_checksum_fill(0, BUF_SIZE));
	svm_assert_value(wr, BUF_SIZE, FILL_A);

	q = svm_run_batch_ok(fd, vm, &b);
	igt_assert_f(q.faults == 0, "repeated job took %" PRIu64 " faults\n",
		     (uint64_t)q.faults);
	igt_assert_eq_u64(*sum, svm_checksum_fill(0, BUF_SIZE));

	/* Dropped pages must be faulted in again. */
	igt_assert_eq(madvise(wr, BUF_SIZE, MADV_DONTNEED), 0);
	q = svm_run_batch_ok(fd, vm, &b);
	igt_info("after MADV_DONTNEED: %" PRIu64 " faults\n",
		 (uint64_t)q.faults);
	igt_assert_f(q.faults > 0, "no fault after MADV_DONTNEED\n");
	svm_assert_value(wr, BUF_SIZE, FILL_A);

	svm_batch_fini(&b);
	munmap(rd, BUF_SIZE);
	munmap(wr, BUF_SIZE);
	svm_vm_destroy(fd, vm);
}

/* fault-batching */

#define DEBUGFS_VSVM	"/sys/kernel/debug/dri"

/* A number alone in a file. */
static uint64_t read_u64(const char *path)
{
	unsigned long long v;
	FILE *f = fopen(path, "re");

	igt_assert_f(f, "%s: %m\n", path);
	igt_assert_f(fscanf(f, "%llu", &v) == 1, "%s: no number\n", path);
	fclose(f);
	return v;
}

/* The batches of faults device @index's engine reported so far. */
static uint64_t engine_reports(unsigned int index)
{
	char path[96];

	snprintf(path, sizeof(path), DEBUGFS_VSVM "/vsvm%u/fault_reports",
		 index);
	return read_u64(path);
}

static void test_fault_batching(int fd, unsigned int index)
{
	const uint64_t size = 8ull << 20, pages = size / svm_page_size();
	struct drm_svm_madvise m = {
		.range = size,
		.type = DRM_SVM_ATTR_GRANULARITY,
		.granularity.size = 4096,
	};
	uint64_t batch = read_u64("/sys/module/vsvm/parameters/fault_batch");
	uint32_t vm = svm_vm_create(fd);
	uint8_t *buf = svm_alloc(size);
	uint64_t before, reports, most;
	struct drm_vsvm_job_query q;
	struct svm_batch b;

	igt_assert_eq(madvise(buf, size, MADV_NOHUGEPAGE), 0);
	m.start = to_u64(buf);
	igt_assert_eq(__svm_madvise(fd, &m), 0);
	svm_bind_ptr(fd, vm, buf, size, DRM_SVM_BIND_FLAG_NO_MIGRATE);
	svm_batch_init_flags(&b, fd, vm, DRM_SVM_BIND_FLAG_NO_MIGRATE);
	cmd_fill(&b, to_u64(buf), size, FILL_A);
	cmd_end(&b);

	before = engine_reports(index);
	q = svm_run_batch_ok(fd, vm, &b);
	reports = engine_reports(index) - before;
	/* Two reports a batch, and a few while the granularity is learnt */
	most = 2 * ((q.faults + batch - 1) / batch) + 16;
	igt_info("%" PRIu64 " faults in %" PRIu64 " reports (batch %" PRIu64
		 ", at most %" PRIu64 " expected)\n", (uint64_t)q.faults,
		 reports, batch, most);
	igt_assert_f(q.faults >= pages && q.faults <= pages + 4,
		     "%" PRIu64 " faults for %" PRIu64 " pages of 4 KiB\n",
		     (uint64_t)q.faults, pages);
	igt_assert_f(reports <= most,
		     "%" PRIu64 " reports for %" PRIu64 " faults in batches of %"
		     PRIu64 ", more than %" PRIu64 "\n", reports,
		     (uint64_t)q.faults, batch, most);
	svm_assert_value(buf, size, FILL_A);

	svm_batch_fini(&b);
	munmap(buf, size);
	svm_vm_destroy(fd, vm);
}

igt_main
{
	const struct munmap_case *mc;
	const struct mremap_case *rc;
	struct drm_vsvm_device_query dq = {};
	int fd = -1;

	igt_fixture {
		igt_require_f(vsvm_count_devices() > 0,
			      "No vsvm render node; is vsvm loaded?\n");
		fd = vsvm_open_render(0);
		igt_assert_fd(fd);
		vsvm_require_uapi(fd, &dq);
	}

	igt_describe("GPU reads of never-touched anonymous memory see zeros.");
	igt_subtest("gpu-read-untouched")
		test_gpu_read_untouched(fd);

	igt_describe("GPU FILL and STORE results are seen byte for byte by "
		     "the CPU.");
	igt_subtest("gpu-write-cpu-read")
		test_gpu_write_cpu_read(fd);

	igt_describe("CPU writes after the GPU mapped the pages are seen by "
		     "the next GPU job.");
	igt_subtest("cpu-write-gpu-read")
		test_cpu_write_gpu_read(fd);

	igt_describe("GPU accesses to PROT_NONE memory fail with EFAULT and "
		     "change nothing.");
	igt_subtest("prot-none")
		test_prot_none(fd);

	igt_describe("GPU writes to read-only memory or through a read-only "
		     "binding fail with EPERM; reads work.");
	igt_subtest("readonly-mapping")
		test_readonly_mapping(fd);

	igt_describe("GPU access to MAP_SHARED memfd and tmpfs files is "
		     "coherent with pread, pwrite and hole punching.");
	igt_subtest("shared-file")
		test_shared_file(fd);

	for (mc = munmap_cases; mc->name; mc++) {
		igt_describe(mc->desc);
		igt_subtest_f("munmap-%s", mc->name)
			test_munmap(fd, mc);
	}

	igt_describe("MAP_FIXED mappings over a mirrored buffer replace what "
		     "the GPU sees.");
	igt_subtest("map-fixed-replace")
		test_map_fixed_replace(fd);

	for (rc = mremap_cases; rc->name; rc++) {
		igt_describe(rc->desc);
		igt_subtest_f("mremap-%s", rc->name)
			test_mremap(fd, rc);
	}

	igt_describe("Copy-on-write after fork is respected by GPU access, "
		     "and the child cannot use the parent's VM.");
	igt_subtest("fork-cow")
		test_fork_cow(fd);

	igt_describe("A GPU write to a MAP_PRIVATE file mapping copies the "
		     "written page only.");
	igt_subtest("cow-private-file")
		test_cow_private_file(fd);

	igt_describe("After fork, a GPU write copies the written page only.");
	igt_subtest("cow-fork-memory")
		test_cow_fork_memory(fd);

	igt_describe("GPU jobs on memory a userfaultfd resolves.");
	igt_subtest("uffd-missing")
		test_uffd(fd, false);

	igt_describe("The userfaultfd handler binds into the faulting VM.");
	igt_subtest("uffd-bind-in-handler")
		test_uffd(fd, true);

	igt_describe("A process waiting on its userfaultfd is killed.");
	igt_subtest("uffd-kill")
		test_uffd_kill(fd);

	igt_describe("A process that receives the fd cannot use the sender's "
		     "VM, only its own.");
	igt_subtest("fd-passing")
		test_fd_passing();

	igt_describe("GPU access to transparent huge pages, also once split.");
	igt_subtest("thp")
		test_thp(fd);

	igt_describe("GPU access to hugetlbfs memory.");
	igt_subtest("hugetlbfs")
		test_hugetlbfs(fd);

	igt_describe("A batch of every command, in malloc'd memory.");
	igt_subtest("batch-in-malloc")
		test_batch_in_malloc(fd);

	igt_describe("GPU atomics are exact and return the prior value.");
	igt_subtest("atomics")
		test_atomics(fd);

	igt_describe("Two devices mirror the same memory coherently.");
	igt_subtest("two-devices")
		test_two_devices();

	igt_describe("8 threads submitting jobs concurrently on one fd.");
	igt_subtest("threads-8")
		test_threads(fd);

	igt_describe("Unbinding a range while a job reads it neither hangs "
		     "nor corrupts.");
	igt_subtest("unbind-while-running")
		test_unbind_while_running(fd);

	igt_describe("A process exiting with jobs in flight leaves a working "
		     "device.");
	igt_subtest("exit-with-jobs")
		test_exit_with_jobs(fd);

	igt_describe("Bindings at GPU addresses other than the CPU address.");
	igt_subtest("gpu-va-offset")
		test_gpu_va_offset(fd);

	igt_describe("DRM_SVM_BIND_FLAG_POPULATE leaves nothing to fault.");
	igt_subtest("populate")
		test_populate(fd);

	igt_describe("JOB_QUERY counts the recoverable faults of a job.");
	igt_subtest("fault-count")
		test_fault_count(fd);

	igt_describe("4 KiB faults reach the core in full batches.");
	igt_subtest("fault-batching")
		test_fault_batching(fd, dq.index);

	igt_fixture
		close(fd);
}

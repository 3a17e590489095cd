// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm isolation
 * Category: Core
 * Description: One process's data never reaches a process or a device
 *		that should not see it: device memory is handed to a new
 *		owner zeroed, the counters a process reads are its own, and
 *		a read-only binding stays read-only through every path that
 *		maps the pages.
 *
 * SUBTEST: vram-scrub-%s
 * Description: A child fills nearly all of a device's memory with a
 *		pattern (prefetched into it), then exits. This process then
 *		moves memory into the same device memory, which can only be
 *		the child's old blocks; the pages it never wrote read as
 *		zeros, to the GPU and, once back, to the CPU.
 *
 * arg[1]:
 *
 * @untouched:		memory never touched by the CPU, prefetched
 * @sparse:		one page in four written by the CPU, prefetched
 * @gpu-write:		untouched memory whose chunks a GPU write faults in,
 *			one word each
 *
 * SUBTEST: fdinfo-own
 * Description: While a child keeps pages in a device's memory, a
 *		process new to the device, with a VM and a job of its own
 *		in system memory, sees no device memory, fault or migration
 *		in its file's fdinfo; the child's shows its pages.
 *
 * SUBTEST: readonly-%s
 * Description: A binding made with DRM_SVM_BIND_FLAG_READONLY of memory
 *		the CPU may write: every GPU write and atomic through it
 *		fails with EPERM at the written address and changes nothing,
 *		however the pages came to be mapped, while reads see the
 *		data; a writable binding of the same memory in another VM
 *		still writes.
 *
 * arg[1]:
 *
 * @fault:		mapped by the GPU's read fault, in system memory or
 *			moved to device memory by it
 * @populate:		mapped at bind time (with DRM_SVM_BIND_FLAG_POPULATE)
 * @prefetch:		prefetched to the device's memory first
 * @migrate-back:	in device memory, then read back by the CPU (and, for
 *			coherent device memory, which the CPU reads in place,
 *			moved back by a prefetch), then faulted again
 * @atomic:		ATOMIC_ADD and ATOMIC_CMPXCHG instead of a FILL
 * @peer:		in a linked device's memory (its preferred location),
 *			mapped over the link
 */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_svm_lib.h"
#include "vsvm_migrate_lib.h"
#include "vsvm_multi_lib.h"

IGT_TEST_DESCRIPTION("What one process or binding must not see of "
		     "another's data.");

#define SEED		0x150ba7e0u
#define BUF_SIZE	(4 * SZ_2M)
#define OTHER_FILL	0x5a5a5a5au

/* vram-scrub-* */

enum scrub_kind { SCRUB_UNTOUCHED, SCRUB_SPARSE, SCRUB_GPU_WRITE };

static const struct scrub_case {
	const char *name;
	enum scrub_kind kind;
} scrub_cases[] = {
	{ "untouched", SCRUB_UNTOUCHED },
	{ "sparse", SCRUB_SPARSE },
	{ "gpu-write", SCRUB_GPU_WRITE },
	{ }
};

/* What the child leaves in the device memory: all but 4 MiB of it. */
static uint64_t scrub_size(const struct mig_dev *d)
{
	return svm_align_down(d->vram_size - 2 * SZ_2M, SZ_2M);
}

/* The child: fill the device memory with the pattern, then exit. */
static void scrub_child(const struct mig_dev *d, uint64_t size)
{
	struct drm_svm_vm_create args = {};
	uint64_t moved = 0;
	uint8_t *buf;
	int fd;

	fd = vsvm_open_render(d->index);
	if (fd < 0 || __svm_vm_create(fd, &args))
		_exit(10);
	buf = svm_alloc_aligned(size, SZ_2M);
	svm_pattern_fill(buf, size, SEED);
	if (__svm_bind(fd, args.vm_id, to_u64(buf), to_u64(buf), size, 0) ||
	    __svm_prefetch(fd, args.vm_id, to_u64(buf), size,
			   DRM_SVM_REGION_DEVICE, NULL, &moved))
		_exit(11);
	_exit(moved == size / svm_page_size() ? 0 : 12);
}

static void test_vram_scrub(const struct mig_dev *d, enum scrub_kind kind)
{
	const uint64_t size = scrub_size(d), ps = svm_page_size();
	uint8_t *buf, *shadow;
	uint64_t off, before;
	int status = 0;
	struct ctx c;
	pid_t pid;

	before = svm_vram_in_use(d);
	pid = fork();
	igt_assert(pid >= 0);
	if (!pid)
		scrub_child(d, size);
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "the child did not fill %" PRIu64 " MiB of vsvm%u's "
		     "memory (status %#x)\n", size >> 20, d->index, status);
	/* The child's blocks are free again, for this process to reuse. */
	igt_assert_f(svm_vram_in_use(d) <= before,
		     "%" PRIu64 " KiB of vsvm%u's memory in use after the "
		     "child exited, %" PRIu64 " KiB before it\n",
		     svm_vram_in_use(d) >> 10, d->index, before >> 10);

	ctx_init(&c, d);
	buf = ctx_buf(&c, size);
	shadow = calloc(1, size);
	igt_assert(shadow);
	switch (kind) {
	case SCRUB_UNTOUCHED:
		svm_prefetch(c.fd, c.vm, to_u64(buf), size,
			     DRM_SVM_REGION_DEVICE);
		break;
	case SCRUB_SPARSE:
		for (off = 0; off < size; off += 4 * ps)
			svm_pattern_fill(shadow + off, ps, SEED ^ (uint32_t)off);
		for (off = 0; off < size; off += 4 * ps)
			memcpy(buf + off, shadow + off, ps);
		svm_prefetch(c.fd, c.vm, to_u64(buf), size,
			     DRM_SVM_REGION_DEVICE);
		break;
	case SCRUB_GPU_WRITE:
		svm_batch_reset(&c.b);
		for (off = 0; off < size; off += SZ_2M) {
			cmd_store(&c.b, to_u64(buf + off), OTHER_FILL);
			memcpy(shadow + off, &(uint64_t){ OTHER_FILL }, 8);
		}
		cmd_end(&c.b);
		run_ok(&c, "store job");
		break;
	}
	assert_gpu_sum(&c, buf, size, svm_checksum(shadow, size));
	assert_res(&c, buf, size, DEVICE, true);
	/* The CPU's reads bring every page back. */
	svm_assert_mem_eq(buf, shadow, size);

	svm_unbind(c.fd, c.vm, to_u64(buf), size);
	ctx_fini(&c);
	munmap(buf, size);
	free(shadow);
}

/* fdinfo-own */

static const char *const fdinfo_keys[] = {
	"drm-total-vram", "drm-resident-vram", "vsvm-gpu-faults",
	"vsvm-cpu-faults", "vsvm-to-vram", "vsvm-to-ram", "vsvm-evictions",
};

/* The owner: pages in the device's memory until told to go. */
static void fdinfo_owner(const struct mig_dev *d, int ready, int done)
{
	struct drm_svm_vm_create args = {};
	uint64_t bytes;
	uint8_t *buf;
	char c;
	int fd;

	fd = vsvm_open_render(d->index);
	if (fd < 0 || __svm_vm_create(fd, &args))
		_exit(10);
	buf = svm_alloc_aligned(BUF_SIZE, SZ_2M);
	svm_pattern_fill(buf, BUF_SIZE, SEED);
	if (__svm_bind(fd, args.vm_id, to_u64(buf), to_u64(buf), BUF_SIZE,
		       0) ||
	    __svm_prefetch(fd, args.vm_id, to_u64(buf), BUF_SIZE,
			   DRM_SVM_REGION_DEVICE, NULL, NULL) ||
	    __svm_fdinfo(fd, "drm-resident-vram", &bytes))
		_exit(11);
	if (write(ready, &bytes, sizeof(bytes)) != sizeof(bytes))
		_exit(12);
	if (read(done, &c, 1) < 0)
		_exit(13);
	_exit(0);
}

/*
 * A process new to the device: a file, a VM and a job of its own, and
 * its fdinfo keys, in order, to @out.
 */
static void fdinfo_other(const struct mig_dev *d, int out)
{
	uint64_t v[ARRAY_SIZE(fdinfo_keys)];
	struct drm_svm_vm_create args = {};
	struct drm_vsvm_job_query q;
	struct svm_fence *f;
	struct svm_batch b;
	unsigned int i;
	int fd;

	fd = vsvm_open_render(d->index);
	if (fd < 0 || __svm_vm_create(fd, &args) ||
	    !__svm_batch_alloc(&b, SVM_BATCH_WORDS, SVM_BATCH_RESULTS) ||
	    __svm_bind_span(fd, args.vm_id, b.cmds,
			    (b.max_len + b.max_results) * 8,
			    DRM_SVM_BIND_FLAG_NO_MIGRATE |
			    DRM_SVM_BIND_FLAG_POPULATE) ||
	    !(f = __svm_fence_create()))
		_exit(20);
	cmd_checksum(&b, to_u64(b.cmds), 8);
	cmd_end(&b);
	if (__svm_run(fd, args.vm_id, svm_batch_addr(&b), svm_batch_len(&b),
		      f, &q) || q.status != DRM_VSVM_JOB_DONE || f->error)
		_exit(21);
	for (i = 0; i < ARRAY_SIZE(fdinfo_keys); i++)
		if (__svm_fdinfo(fd, fdinfo_keys[i], &v[i]))
			_exit(22);
	if (write(out, v, sizeof(v)) != sizeof(v))
		_exit(23);
	_exit(0);
}

static void wait_child(pid_t pid, const char *what)
{
	int status = 0;

	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "%s: status %#x\n", what, status);
}

static void test_fdinfo_own(const struct mig_dev *d)
{
	uint64_t v[ARRAY_SIZE(fdinfo_keys)], owner_bytes = 0;
	int ready[2], done[2], out[2];
	pid_t owner, other;
	unsigned int i;

	/* Each child has only its own ends: one that fails ends a read. */
	igt_assert_eq(pipe2(ready, O_CLOEXEC), 0);
	igt_assert_eq(pipe2(done, O_CLOEXEC), 0);
	owner = fork();
	igt_assert(owner >= 0);
	if (!owner) {
		close(ready[0]);
		close(done[1]);
		fdinfo_owner(d, ready[1], done[0]);
	}
	close(ready[1]);
	close(done[0]);
	igt_assert_f(read(ready[0], &owner_bytes, 8) == 8,
		     "the owner did not get its pages into vsvm%u\n", d->index);

	igt_assert_eq(pipe2(out, O_CLOEXEC), 0);
	other = fork();
	igt_assert(other >= 0);
	if (!other) {
		close(out[0]);
		close(ready[0]);
		close(done[1]);
		fdinfo_other(d, out[1]);
	}
	close(out[1]);
	igt_assert_f(read(out[0], v, sizeof(v)) == sizeof(v),
		     "the other process did not report its fdinfo\n");
	wait_child(other, "the other process");
	close(done[1]);
	wait_child(owner, "the owner");

	igt_info("the owner's fdinfo: drm-resident-vram %" PRIu64 " KiB\n",
		 owner_bytes >> 10);
	igt_assert_eq_u64(owner_bytes, BUF_SIZE);
	for (i = 0; i < ARRAY_SIZE(fdinfo_keys); i++)
		igt_assert_f(v[i] == 0, "%s: %" PRIu64 " in the fdinfo of a "
			     "process without pages in device memory\n",
			     fdinfo_keys[i], v[i]);
	close(ready[0]);
	close(out[0]);
}

/* readonly-* */

enum ro_path {
	RO_FAULT,
	RO_POPULATE,
	RO_PREFETCH,
	RO_MIGRATE_BACK,
	RO_ATOMIC,
	RO_PEER,
};

static const struct ro_case {
	const char *name;
	enum ro_path path;
} ro_cases[] = {
	{ "fault", RO_FAULT },
	{ "populate", RO_POPULATE },
	{ "prefetch", RO_PREFETCH },
	{ "migrate-back", RO_MIGRATE_BACK },
	{ "atomic", RO_ATOMIC },
	{ "peer", RO_PEER },
	{ }
};

/* Every write of @path through @c's read-only binding of @buf fails. */
static void assert_ro_writes_fail(struct ctx *c, uint8_t *buf,
				  enum ro_path path)
{
	struct drm_vsvm_job_query q;
	uint64_t off;

	for (off = 0; off < BUF_SIZE; off += SZ_2M + 4096) {
		svm_batch_reset(&c->b);
		if (path == RO_ATOMIC)
			cmd_atomic_add(&c->b, to_u64(buf + off), 1);
		else
			cmd_fill(&c->b, to_u64(buf + off), 64, OTHER_FILL);
		cmd_end(&c->b);
		q = svm_run_batch(c->fd, c->vm, &c->b);
		svm_assert_fault(&q, -EPERM, path == RO_ATOMIC ?
				 DRM_SVM_ACCESS_ATOMIC : DRM_SVM_ACCESS_WRITE,
				 to_u64(buf + off), to_u64(buf + off) + 64);
	}
	if (path == RO_ATOMIC) {
		svm_batch_reset(&c->b);
		cmd_cmpxchg(&c->b, to_u64(buf), 0, 1);
		cmd_end(&c->b);
		q = svm_run_batch(c->fd, c->vm, &c->b);
		svm_assert_fault(&q, -EPERM, DRM_SVM_ACCESS_ATOMIC,
				 to_u64(buf), to_u64(buf) + 8);
	}
}

static void test_readonly(enum ro_path path)
{
	const uint64_t sum = pattern_sum(SEED, BUF_SIZE);
	const struct mig_dev *ro_dev = &devs[0], *pref = NULL;
	uint32_t flags = DRM_SVM_BIND_FLAG_READONLY;
	struct ctx ro, rw;
	uint8_t *buf;

	if (path == RO_PEER)
		find_pair(PAIR_DIRECT, &pref, &ro_dev);
	ctx_init(&ro, ro_dev);
	ctx_init(&rw, pref ?: ro_dev);
	buf = svm_alloc_aligned(BUF_SIZE, SZ_2M);
	svm_pattern_fill(buf, BUF_SIZE, SEED);
	if (path == RO_POPULATE)
		flags |= DRM_SVM_BIND_FLAG_POPULATE;
	svm_bind_ptr(ro.fd, ro.vm, buf, BUF_SIZE, flags);
	svm_bind_ptr(rw.fd, rw.vm, buf, BUF_SIZE, 0);

	switch (path) {
	case RO_FAULT:
	case RO_ATOMIC:
		assert_gpu_sum(&ro, buf, BUF_SIZE, sum);
		break;
	case RO_POPULATE:
		break;
	case RO_PREFETCH:
		svm_prefetch(ro.fd, ro.vm, to_u64(buf), BUF_SIZE,
			     DRM_SVM_REGION_DEVICE);
		assert_res(&ro, buf, BUF_SIZE, DEVICE, true);
		break;
	case RO_MIGRATE_BACK:
		assert_gpu_sum(&ro, buf, BUF_SIZE, sum);
		svm_prefetch(ro.fd, ro.vm, to_u64(buf), BUF_SIZE,
			     DRM_SVM_REGION_DEVICE);
		igt_assert_eq(svm_pattern_check(buf, BUF_SIZE, SEED), -1);
		/* Coherent device memory is read in place: move it back. */
		if (mig_coherent(ro_dev))
			svm_prefetch(ro.fd, ro.vm, to_u64(buf), BUF_SIZE,
				     DRM_SVM_REGION_SYSTEM);
		assert_res(&ro, buf, BUF_SIZE, SYSTEM, false);
		assert_gpu_sum(&ro, buf, BUF_SIZE, sum);
		break;
	case RO_PEER: {
		struct drm_svm_page_residency *r;
		struct drm_svm_madvise m = {
			.start = to_u64(buf),
			.range = BUF_SIZE,
			.type = DRM_SVM_ATTR_PREFERRED_LOC,
		};

		m.preferred_loc.location = DRM_SVM_LOC_DEVICE;
		m.preferred_loc.fd = pref->fd;
		igt_assert_eq(__svm_madvise(ro.fd, &m), 0);
		gpu_touch(&rw, buf, BUF_SIZE);
		assert_res(&rw, buf, BUF_SIZE, DEVICE, true);
		assert_gpu_sum(&ro, buf, BUF_SIZE, sum);
		r = svm_residency(ro.fd, ro.vm, to_u64(buf),
				  BUF_SIZE / svm_page_size());
		assert_mapped_by(r, BUF_SIZE / svm_page_size(), ro_dev, true);
		free(r);
		break;
	}
	}

	assert_ro_writes_fail(&ro, buf, path);
	/* Reads still work, and see nothing of the refused writes. */
	assert_gpu_sum(&ro, buf, BUF_SIZE, sum);
	igt_assert_eq(svm_pattern_check(buf, BUF_SIZE, SEED), -1);

	/* The writable binding in the other VM writes, and the RO one sees it. */
	gpu_fill(&rw, buf, BUF_SIZE, OTHER_FILL);
	assert_gpu_sum(&ro, buf, BUF_SIZE,
		       svm_checksum_fill(OTHER_FILL, BUF_SIZE));
	svm_assert_value(buf, BUF_SIZE, OTHER_FILL);

	ctx_fini(&rw);
	ctx_fini(&ro);
	munmap(buf, BUF_SIZE);
}

igt_main
{
	const struct scrub_case *sc;
	const struct ro_case *rc;

	igt_fixture
		multi_devices_open();

	for (sc = scrub_cases; sc->name; sc++) {
		igt_describe_f("Device memory reused after another process "
			       "reads as zeros: %s.", sc->name);
		igt_subtest_f("vram-scrub-%s", sc->name)
			test_vram_scrub(&devs[0], sc->kind);
	}

	igt_describe("fdinfo shows the file's process's pages only.");
	igt_subtest("fdinfo-own")
		test_fdinfo_own(&devs[0]);

	for (rc = ro_cases; rc->name; rc++) {
		igt_describe_f("A read-only binding refuses GPU writes: %s.",
			       rc->name);
		igt_subtest_f("readonly-%s", rc->name)
			test_readonly(rc->path);
	}

	igt_fixture
		multi_devices_close();
}

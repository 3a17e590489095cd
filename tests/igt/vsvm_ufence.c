// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm ufence
 * Category: Core
 * Description: User fences (uAPI 2.0): jobs and asynchronous prefetches
 *		end through a DRM_SVM_EXT_USER_FENCE chained to their ioctl,
 *		the kernel storing the result at error_addr, then the value
 *		at addr; DRM_IOCTL_VSVM_WAIT_USER_FENCE waits for a word of
 *		the caller's memory to compare to a value. Each subtest
 *		checks the words the kernel stores (against sentinels it put
 *		there), the job records, the data the work wrote, and the
 *		wait's return value and timeout_ns. Where work must still be
 *		pending at some point, a gate job holds the device's engine:
 *		it reads a page registered with a userfaultfd and stays on
 *		that fault until the test resolves it, so that the jobs
 *		queued behind it certainly are still queued.
 *
 * SUBTEST: basic
 * Description: A job fills a buffer and stores a word; the wait for its
 *		fence returns 0, the value word holds the value, the error
 *		word (a sentinel before) 0, the job record says DONE, and
 *		the data is there.
 *
 * SUBTEST: value-written-last
 * Description: A job that writes to an unbound GPU address fails on a
 *		fatal fault: its error word gets -EFAULT, the record's
 *		error, and its value word the value; a thread spinning on
 *		the value word never sees the value before the error.
 *
 * SUBTEST: no-error-addr
 * Description: A user fence with error_addr 0, on a job that succeeds
 *		and on one that fails: only the value words change, every
 *		other word of their page keeps its sentinel.
 *
 * SUBTEST: order
 * Description: 64 jobs on one device, each with a fence word of its own
 *		and increasing values: once the wait for the last returns,
 *		every earlier fence word holds its value with error 0, every
 *		record says DONE, and the jobs ran in submission order (each
 *		ATOMIC_ADD saw the count of the jobs before it).
 *
 * SUBTEST: prefetch-async
 * Description: An asynchronous prefetch to device memory returns at once
 *		with moved 0; after the wait its fence holds error 0, every
 *		page is in the device's memory, and the data is intact. An
 *		asynchronous prefetch of an unbound range is accepted (the
 *		range is walked by the work) and its fence gets -EFAULT.
 *
 * SUBTEST: prefetch-cancel
 * Description: Several large asynchronous prefetches, then VM destroy at
 *		once: when the destroy returns, every fence holds its value,
 *		each with 0 or -ENOENT, none done after one cancelled; the
 *		waits return 0, and the buffer keeps its data.
 *
 * SUBTEST: wait-ops
 * Description: Each wait op (EQ, NEQ, GT, GTE, LT, LTE) on a word of
 *		known value, with a mask that cuts bits: a value that makes
 *		the comparison true returns 0 at once (timeout 0, a long one
 *		and none); one that makes it false returns ETIME after
 *		timeout 0 and after 10 ms (at least 10 ms later), with
 *		timeout_ns 0 afterwards. The cases are chosen so that
 *		ignoring the mask, or comparing signed, flips the result.
 *
 * SUBTEST: wait-timeout-left
 * Description: A 2 s wait interrupted by a signal (a handler without
 *		SA_RESTART) after about 20 ms returns EINTR with timeout_ns
 *		the time left, between 1 s and 2 s; calling again with the
 *		same struct times out at the original deadline.
 *
 * SUBTEST: wait-wakeup
 * Description: A thread waits (5 s timeout) for a fence before the job is
 *		submitted; the store wakes it: the wait returns 0 less than
 *		2 s after the submission, and the value and data are there.
 *
 * SUBTEST: wait-any-memory
 * Description: The wait reads any memory of the caller: heap and stack
 *		words, through a freshly opened fd, and in a process that
 *		never created a VM; a word the CPU changes is seen changed.
 *
 * SUBTEST: wait-neg-bad-op
 * Description: A wait with op 6 or above fails with EINVAL.
 *
 * SUBTEST: wait-neg-flags
 * Description: A wait with any flag set fails with EINVAL.
 *
 * SUBTEST: wait-neg-reserved
 * Description: A wait with a reserved word set fails with EINVAL.
 *
 * SUBTEST: wait-neg-extension
 * Description: A wait with an extension (a user fence, an unknown one)
 *		fails with EINVAL.
 *
 * SUBTEST: wait-neg-addr-zero
 * Description: A wait on address 0 fails with EINVAL.
 *
 * SUBTEST: wait-neg-addr-misaligned
 * Description: A wait on an address not 8-byte aligned, in readable
 *		memory, fails with EINVAL.
 *
 * SUBTEST: wait-neg-addr-unmapped
 * Description: A wait on an unmapped or PROT_NONE address fails with
 *		EFAULT.
 *
 * SUBTEST: unmapped-before-end
 * Description: Two fenced jobs are queued behind a gate job; both fence
 *		pages are unmapped, and a new page is mapped where the first
 *		was, while the jobs are still queued (checked with
 *		JOB_QUERY). The jobs then run and end (DONE, their data
 *		written): the first one's value and result reach the new
 *		page, nothing else of it changes, and the second one's
 *		store, with nothing mapped, is lost without harm.
 *
 * SUBTEST: exit-in-flight
 * Description: A child process queues a long job and a fenced job
 *		behind it, checks the fenced job has not ended, and exits at
 *		once, without waiting, destroying or closing; then a job of
 *		the parent, with a user fence, runs on the device.
 *
 * SUBTEST: fork-cow
 * Description: A fenced job is queued behind a gate job, with the fence
 *		in a private anonymous page; the process forks meanwhile.
 *		The parent's fence word gets the value and its data the
 *		job's store (the store, made in the parent's address space,
 *		breaks the copy-on-write there); the child,
 *		told through a pipe once the parent's wait returned, still
 *		has the old words.

 */

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/userfaultfd.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_svm_lib.h"

IGT_TEST_DESCRIPTION("User fences of jobs and asynchronous prefetches, and "
		     "the user fence wait");

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

#define UF_PAGE			SZ_4K
#define UF_WORDS		(UF_PAGE / sizeof(uint64_t))
/* What the test puts in every word the kernel must not store to */
#define UF_SENTINEL(i)		((uint64_t)0x5e5e5e5e00000000ull | (i))
#define UF_VALUE		0xfe11ce0000000001ull
#define UF_DATA			0xda7a000000000001ull
#define UF_PATTERN		0x600dda7au
#define UF_NS_PER_MS		(1000ull * 1000)
#define UF_NS_PER_S		(1000ull * 1000 * 1000)
/* How long a gate job may take to reach its userfaultfd: TCG is slow */
#define UF_GATE_POLL_MS		30000
/*
 * The long job of exit-in-flight: FILL, then CHECKSUM of 64 MiB, which
 * faults in 16384 pages; tens of ms with KVM, a second or more under TCG.
 */
#define UF_LONG_SIZE		(64ull << 20)

static struct drm_vsvm_device_query uf_dq;

static uint64_t uf_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * UF_NS_PER_S + ts.tv_nsec;
}

static uint64_t uf_load(const volatile uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* A page of its own, every word a distinct sentinel. */
static uint64_t *uf_page_alloc(void)
{
	uint64_t *p = svm_alloc(UF_PAGE);
	unsigned int i;

	for (i = 0; i < UF_WORDS; i++)
		p[i] = UF_SENTINEL(i);
	return p;
}

static void uf_ext(struct drm_svm_ext_user_fence *ext,
		   volatile uint64_t *addr, volatile uint64_t *error,
		   uint64_t value)
{
	memset(ext, 0, sizeof(*ext));
	ext->base.name = DRM_SVM_EXT_USER_FENCE;
	ext->addr = to_u64(addr);
	ext->error_addr = to_u64(error);
	ext->value = value;
}

/* Exec of [@addr, @addr + @len) with the user fence @ext; -errno. */
static int __uf_exec(int fd, uint32_t vm, uint64_t addr, uint64_t len,
		     struct drm_svm_ext_user_fence *ext, uint64_t *job)
{
	struct drm_vsvm_exec args = {
		.extensions = to_u64(ext),
		.vm_id = vm,
		.batch_addr = addr,
		.batch_len = len,
	};
	int err = __svm_exec(fd, &args);

	*job = args.job_id;
	return err;
}

static uint64_t uf_exec_batch(int fd, uint32_t vm, const struct svm_batch *b,
			      struct drm_svm_ext_user_fence *ext)
{
	uint64_t job = 0;
	int err = __uf_exec(fd, vm, svm_batch_addr(b), svm_batch_len(b), ext,
			    &job);

	igt_assert_f(err == 0, "exec with a user fence failed: %d (%s)\n",
		     err, strerror(-err));
	return job;
}

/* The wait ioctl on @addr; *@timeout_ns in and out. 0 or -errno. */
static int __uf_wait(int fd, const volatile void *addr, uint64_t value,
		     uint64_t mask, uint32_t op, int64_t *timeout_ns)
{
	struct drm_svm_wait_user_fence w = {
		.addr = to_u64(addr),
		.value = value,
		.mask = mask,
		.op = op,
		.timeout_ns = *timeout_ns,
	};
	int err = __svm_wait_ufence(fd, &w);

	*timeout_ns = w.timeout_ns;
	svm_barrier();
	return err;
}

/* Waits until *@addr == @value; asserts it does within the job timeout. */
static void uf_wait_eq(int fd, const volatile uint64_t *addr, uint64_t value)
{
	int64_t timeout = SVM_JOB_TIMEOUT_NS;
	int err = __uf_wait(fd, addr, value, ~0ull, DRM_SVM_UFENCE_WAIT_EQ,
			    &timeout);

	igt_assert_f(err == 0, "wait for %#" PRIx64 " at %p failed: %d (%s); "
		     "the word holds %#" PRIx64 "\n", value, (void *)addr,
		     err, strerror(-err), uf_load(addr));
}

/* Polls the record of @job until it ended, for the job timeout. */
static void uf_job_wait(int fd, uint64_t job, struct drm_vsvm_job_query *q,
			const char *what)
{
	uint64_t end = uf_now_ns() + SVM_JOB_TIMEOUT_NS;

	for (;;) {
		svm_job_query(fd, job, q);
		if (svm_job_ended(q) || uf_now_ns() > end)
			break;
		usleep(1000);
	}
	if (!svm_job_ended(q))
		svm_job_print(what, q);
	igt_assert_f(svm_job_ended(q), "%s: job %" PRIu64 " still %s after "
		     "%" PRIu64 " s\n", what, job,
		     svm_job_status_str(q->status),
		     (uint64_t)(SVM_JOB_TIMEOUT_NS / UF_NS_PER_S));
}

static void uf_assert_job_ok(const struct drm_vsvm_job_query *q,
			     const char *what)
{
	if (q->status != DRM_VSVM_JOB_DONE || q->error)
		svm_job_print(what, q);
	igt_assert_f(q->status == DRM_VSVM_JOB_DONE && q->error == 0,
		     "%s: job %s with %d\n", what,
		     svm_job_status_str(q->status), q->error);
}

/* A data page, bound at its own address, zeroed. */
static uint64_t *uf_data_alloc(int fd, uint32_t vm, uint64_t size)
{
	uint64_t *p = svm_alloc(size);

	memset(p, 0, size);
	svm_bind_ptr(fd, vm, p, size, 0);
	return p;
}

/*
 * Gates
 *
 * A gate job reads a page registered with a userfaultfd for missing
 * pages; the device's engine, which runs the jobs of the device one at a
 * time, stays on that fault until uf_gate_open() resolves it. The test
 * sees the fault arrive on the userfaultfd before it goes on, so that
 * whatever it queues next is certainly queued behind the gate.
 *
 * A subtest that fails with its gate closed would leave the engine stuck
 * for the ones after it: its userfaultfd is remembered, and closed (which
 * wakes the fault) by the next subtest that makes a VM, and at the end.
 */
struct uf_gate {
	int fd;
	uint8_t *page;
	int uffd;
	struct svm_batch b;
	uint64_t job;
};

static int uf_stale_uffd = -1;

static void uf_release_stale_gate(void)
{
	if (uf_stale_uffd < 0)
		return;
	igt_warn("closing the userfaultfd of a gate a failed subtest left "
		 "closed\n");
	close(uf_stale_uffd);
	uf_stale_uffd = -1;
}

static uint32_t uf_vm_create(int fd)
{
	uf_release_stale_gate();
	return svm_vm_create(fd);
}

static void uf_gate_close(struct uf_gate *g, int fd, uint32_t vm)
{
	struct drm_vsvm_job_query q;
	struct pollfd p;
	int ret;

	memset(g, 0, sizeof(*g));
	g->fd = fd;
	g->page = svm_alloc(UF_PAGE);
	g->uffd = __svm_uffd_open(g->page, UF_PAGE);
	igt_require_f(g->uffd >= 0, "no userfaultfd: %s\n",
		      strerror(-g->uffd));
	svm_bind_ptr(fd, vm, g->page, UF_PAGE, 0);
	svm_batch_init(&g->b, fd, vm);
	cmd_touch(&g->b, to_u64(g->page), sizeof(uint64_t));
	cmd_end(&g->b);

	g->job = svm_exec_batch(fd, vm, &g->b, NULL);
	uf_stale_uffd = g->uffd;

	p = (struct pollfd){ .fd = g->uffd, .events = POLLIN };
	ret = poll(&p, 1, UF_GATE_POLL_MS);
	svm_job_query(fd, g->job, &q);
	if (ret != 1 || svm_job_ended(&q))
		svm_job_print("gate job", &q);
	igt_assert_f(ret == 1, "the gate job's fault did not reach the "
		     "userfaultfd in %u s (poll %d)\n",
		     UF_GATE_POLL_MS / 1000, ret);
	igt_assert_f(!svm_job_ended(&q), "the gate job ended on its own\n");
}

/* Resolves the gate's fault; 0 or -errno (the gate is open either way). */
static int uf_gate_open(struct uf_gate *g)
{
	struct uffdio_zeropage z = {
		.range = { .start = to_u64(g->page), .len = UF_PAGE },
	};
	int err = 0;

	if (ioctl(g->uffd, UFFDIO_ZEROPAGE, &z)) {
		err = -errno;
		/* Closing it wakes the fault all the same. */
		close(g->uffd);
		g->uffd = -1;
	}
	uf_stale_uffd = -1;
	return err;
}

/* Frees an open gate whose job ended. */
static void uf_gate_free(struct uf_gate *g)
{
	if (g->uffd >= 0)
		close(g->uffd);
	svm_batch_fini(&g->b);
	munmap(g->page, UF_PAGE);
}

/* Waits for the gate job, which read the zero page, then frees it. */
static void uf_gate_fini(struct uf_gate *g)
{
	struct drm_vsvm_job_query q;

	uf_job_wait(g->fd, g->job, &q, "gate job");
	uf_assert_job_ok(&q, "gate job");
	uf_gate_free(g);
}

/* basic */

static void test_basic(int fd)
{
	uint32_t vm = uf_vm_create(fd);
	uint64_t *data = uf_data_alloc(fd, vm, SZ_64K);
	uint64_t *fence = uf_page_alloc();
	struct drm_svm_ext_user_fence ext;
	struct drm_vsvm_job_query q;
	struct svm_batch b;
	unsigned int i;
	uint64_t job;

	fence[0] = 0;
	svm_batch_init(&b, fd, vm);
	cmd_fill(&b, to_u64(data), SZ_64K - SZ_4K, UF_PATTERN);
	cmd_store(&b, to_u64(data) + SZ_64K - 8, UF_DATA);
	cmd_end(&b);

	uf_ext(&ext, &fence[0], &fence[1], UF_VALUE);
	job = uf_exec_batch(fd, vm, &b, &ext);
	uf_wait_eq(fd, &fence[0], UF_VALUE);

	igt_assert_eq_u64(uf_load(&fence[0]), UF_VALUE);
	igt_assert_f((int64_t)fence[1] == 0, "error word %#" PRIx64
		     " (was %#" PRIx64 ")\n", fence[1], UF_SENTINEL(1));
	svm_job_query(fd, job, &q);
	uf_assert_job_ok(&q, "fenced job");
	svm_assert_value(data, SZ_64K - SZ_4K, UF_PATTERN);
	svm_assert_value(data + (SZ_64K - SZ_4K) / 8, SZ_4K - 8, 0);
	igt_assert_eq_u64(data[SZ_64K / 8 - 1], UF_DATA);
	/* Nothing else of the fence's page changed. */
	for (i = 2; i < UF_WORDS; i++)
		igt_assert_eq_u64(fence[i], UF_SENTINEL(i));

	svm_batch_fini(&b);
	munmap(fence, UF_PAGE);
	munmap(data, SZ_64K);
	svm_vm_destroy(fd, vm);
}

/* value-written-last */

struct uf_spinner {
	pthread_t thread;
	const volatile uint64_t *value;
	const volatile uint64_t *error;
	uint64_t expect;
	/* Out: what the error word held when the value was first seen */
	uint64_t error_seen;
	bool seen;
	/* Out: a value word neither 0 nor @expect */
	uint64_t odd;
};

static void *uf_spinner_fn(void *arg)
{
	struct uf_spinner *s = arg;
	uint64_t end = uf_now_ns() + SVM_JOB_TIMEOUT_NS, v;
	unsigned long spins = 0;

	for (;;) {
		v = uf_load(s->value);
		if (v == s->expect) {
			s->error_seen = uf_load(s->error);
			s->seen = true;
			break;
		}
		if (v)
			s->odd = v;
		if (!(++spins % 1024) && uf_now_ns() > end)
			break;
		sched_yield();
	}
	return NULL;
}

static void test_value_written_last(int fd)
{
	uint32_t vm = uf_vm_create(fd);
	uint64_t *value = uf_page_alloc(), *error = uf_page_alloc();
	/* Mapped for the CPU, never bound: outside every binding */
	uint64_t *unbound = svm_alloc(UF_PAGE);
	struct drm_svm_ext_user_fence ext;
	struct uf_spinner s = {};
	struct drm_vsvm_job_query q;
	struct svm_batch b;
	uint64_t job;

	value[3] = 0;
	svm_batch_init(&b, fd, vm);
	cmd_store(&b, to_u64(unbound) + 8, UF_DATA);
	cmd_end(&b);

	s.value = &value[3];
	s.error = &error[5];
	s.expect = UF_VALUE;
	igt_assert_eq(pthread_create(&s.thread, NULL, uf_spinner_fn, &s), 0);

	uf_ext(&ext, &value[3], &error[5], UF_VALUE);
	job = uf_exec_batch(fd, vm, &b, &ext);
	uf_wait_eq(fd, &value[3], UF_VALUE);
	igt_assert_eq(pthread_join(s.thread, NULL), 0);

	svm_job_query(fd, job, &q);
	svm_assert_fault(&q, -EFAULT, DRM_SVM_ACCESS_WRITE, to_u64(unbound),
			 to_u64(unbound) + UF_PAGE);
	igt_info("error word %" PRId64 ", record %d; the spinner saw %"
		 PRId64 " with the value\n", (int64_t)error[5], q.error,
		 (int64_t)s.error_seen);
	igt_assert_eq_u64(uf_load(&value[3]), UF_VALUE);
	igt_assert_f((int64_t)error[5] == -EFAULT, "error word %" PRId64
		     ", expected %d\n", (int64_t)error[5], -EFAULT);
	igt_assert_f((int64_t)error[5] == q.error, "error word %" PRId64
		     ", the record says %d\n", (int64_t)error[5], q.error);
	igt_assert_f(s.seen, "the spinner never saw the value\n");
	igt_assert_f(!s.odd, "the value word held %#" PRIx64 "\n", s.odd);
	igt_assert_f((int64_t)s.error_seen == -EFAULT,
		     "the value was visible before the error: the error word "
		     "held %#" PRIx64 "\n", s.error_seen);

	svm_batch_fini(&b);
	munmap(unbound, UF_PAGE);
	munmap(value, UF_PAGE);
	munmap(error, UF_PAGE);
	svm_vm_destroy(fd, vm);
}

/* no-error-addr */

static void test_no_error_addr(int fd)
{
	uint32_t vm = uf_vm_create(fd);
	uint64_t *data = uf_data_alloc(fd, vm, UF_PAGE);
	uint64_t *unbound = svm_alloc(UF_PAGE);
	uint64_t *fence = uf_page_alloc(), *expected = malloc(UF_PAGE);
	struct drm_svm_ext_user_fence ext;
	struct drm_vsvm_job_query q;
	struct svm_batch ok, bad;
	uint64_t job_ok, job_bad;

	igt_assert(expected);
	fence[8] = 0;
	fence[16] = 0;
	memcpy(expected, fence, UF_PAGE);
	expected[8] = UF_VALUE;
	expected[16] = UF_VALUE + 1;

	svm_batch_init(&ok, fd, vm);
	cmd_store(&ok, to_u64(data), UF_DATA);
	cmd_end(&ok);
	svm_batch_init(&bad, fd, vm);
	cmd_store(&bad, to_u64(unbound), UF_DATA);
	cmd_end(&bad);

	uf_ext(&ext, &fence[8], NULL, UF_VALUE);
	igt_assert_eq_u64(ext.error_addr, 0);
	job_ok = uf_exec_batch(fd, vm, &ok, &ext);
	uf_ext(&ext, &fence[16], NULL, UF_VALUE + 1);
	job_bad = uf_exec_batch(fd, vm, &bad, &ext);
	uf_wait_eq(fd, &fence[8], UF_VALUE);
	uf_wait_eq(fd, &fence[16], UF_VALUE + 1);

	svm_job_query(fd, job_ok, &q);
	uf_assert_job_ok(&q, "job without error_addr");
	igt_assert_eq_u64(data[0], UF_DATA);
	svm_job_query(fd, job_bad, &q);
	svm_assert_fault(&q, -EFAULT, DRM_SVM_ACCESS_WRITE, to_u64(unbound),
			 to_u64(unbound) + UF_PAGE);
	/* The value words and nothing else, the sentinels around them too */
	svm_assert_mem_eq(fence, expected, UF_PAGE);

	svm_batch_fini(&ok);
	svm_batch_fini(&bad);
	free(expected);
	munmap(fence, UF_PAGE);
	munmap(unbound, UF_PAGE);
	munmap(data, UF_PAGE);
	svm_vm_destroy(fd, vm);
}

/* order */

#define UF_ORDER_JOBS		64
#define UF_ORDER_BASE		0x0de5000000000000ull

static void test_order(int fd)
{
	uint32_t vm = uf_vm_create(fd);
	uint64_t *counter = uf_data_alloc(fd, vm, UF_PAGE);
	uint64_t *fence = uf_page_alloc();
	volatile uint64_t *value = fence, *error = fence + UF_ORDER_JOBS;
	uint64_t *slot[UF_ORDER_JOBS], jobs[UF_ORDER_JOBS];
	unsigned int first[UF_ORDER_JOBS + 1], i;
	struct drm_svm_ext_user_fence ext;
	struct drm_vsvm_job_query q;
	struct svm_batch b;
	int err;

	for (i = 0; i < UF_ORDER_JOBS; i++)
		value[i] = 0;
	svm_batch_init(&b, fd, vm);
	/* One segment per job: ATOMIC_ADD to the counter, END. */
	for (i = 0; i < UF_ORDER_JOBS; i++) {
		first[i] = b.len;
		slot[i] = cmd_atomic_add(&b, to_u64(counter), 1);
		*slot[i] = ~0ull;
		cmd_end(&b);
	}
	first[i] = b.len;
	for (i = 0; i < UF_ORDER_JOBS; i++) {
		uf_ext(&ext, &value[i], &error[i], UF_ORDER_BASE + i);
		err = __uf_exec(fd, vm, svm_batch_addr(&b) + first[i] * 8ull,
				(first[i + 1] - first[i]) * 8ull, &ext,
				&jobs[i]);
		igt_assert_f(err == 0, "exec %u: %d (%s)\n", i, err,
			     strerror(-err));
	}

	uf_wait_eq(fd, &value[UF_ORDER_JOBS - 1],
		   UF_ORDER_BASE + UF_ORDER_JOBS - 1);
	/* Read at once: each earlier job ended, and stored, before. */
	for (i = 0; i < UF_ORDER_JOBS; i++) {
		igt_assert_f(uf_load(&value[i]) == UF_ORDER_BASE + i,
			     "job %u of %u: fence word %#" PRIx64 " when the "
			     "last job's was written\n", i, UF_ORDER_JOBS,
			     uf_load(&value[i]));
		igt_assert_f(error[i] == 0, "job %u: error word %#" PRIx64
			     "\n", i, error[i]);
	}
	for (i = 0; i < UF_ORDER_JOBS; i++) {
		svm_job_query(fd, jobs[i], &q);
		uf_assert_job_ok(&q, "ordered job");
		igt_assert_f(*slot[i] == i, "job %u ran after %" PRIu64
			     " others\n", i, *slot[i]);
	}
	igt_assert_eq_u64(counter[0], UF_ORDER_JOBS);
	for (i = 2 * UF_ORDER_JOBS; i < UF_WORDS; i++)
		igt_assert_eq_u64(fence[i], UF_SENTINEL(i));

	svm_batch_fini(&b);
	munmap(fence, UF_PAGE);
	munmap(counter, UF_PAGE);
	svm_vm_destroy(fd, vm);
}

/* prefetch-async, prefetch-cancel */

/*
 * Prefetch with the user fence @f (the lib's, chained as the lib does);
 * *@moved is what the kernel left in the field, ~0 before.
 */
static int __uf_prefetch(int fd, uint32_t vm, uint64_t gpu, uint64_t size,
			 uint32_t region, struct drm_svm_ext_user_fence *ext,
			 uint64_t *moved)
{
	struct drm_svm_prefetch args = {
		.extensions = to_u64(ext),
		.vm_id = vm,
		.region = region,
		.gpu_addr = gpu,
		.range = size,
		.moved = ~0ull,
	};
	int err = __svm_prefetch_ioctl(fd, &args);

	*moved = args.moved;
	return err;
}

/* A 2 MiB multiple of at most @max and @fraction of the device's memory */
static uint64_t uf_vram_share(uint64_t max, unsigned int fraction)
{
	uint64_t size = svm_align_down(uf_dq.vram_size / fraction, SZ_2M);

	igt_require_f(size >= SZ_2M, "device memory %" PRIu64 " MiB\n",
		      (uint64_t)(uf_dq.vram_size >> 20));
	return size < max ? size : max;
}

static void test_prefetch_async(int fd)
{
	uint64_t size = uf_vram_share(8ull << 20, 4), npages = size / SZ_4K;
	uint32_t vm = uf_vm_create(fd);
	uint8_t *buf = svm_alloc_aligned(size, SZ_2M);
	uint8_t *unbound = svm_alloc_aligned(SZ_2M, SZ_2M);
	struct svm_fence *f = svm_fence_create();
	struct drm_svm_page_residency *r;
	uint64_t moved, i, count[3];
	int err, status;

	svm_pattern_fill(buf, size, 0x1234);
	svm_bind_ptr(fd, vm, buf, size, 0);

	f->error = (int64_t)UF_SENTINEL(1);
	err = __svm_prefetch(fd, vm, to_u64(buf), size,
			     DRM_SVM_REGION_DEVICE, f, &moved);
	igt_assert_f(err == 0, "async prefetch: %d (%s)\n", err,
		     strerror(-err));
	igt_assert_eq_u64(moved, 0);
	svm_wait_job(fd, f, SVM_JOB_TIMEOUT_NS);
	status = svm_fence_status(f);
	igt_assert_f(status == 1, "prefetch fence status %d, error word %"
		     PRId64 "\n", status, (int64_t)f->error);
	igt_assert_eq_u64(f->value, f->last);
	svm_assert_fence_error(f, 0);

	r = svm_residency(fd, vm, to_u64(buf), npages);
	svm_residency_count(r, npages, count);
	igt_info("after the prefetch: %" PRIu64 " pages in VRAM, %" PRIu64
		 " in system memory, %" PRIu64 " absent\n",
		 count[DRM_SVM_RESIDENT_DEVICE],
		 count[DRM_SVM_RESIDENT_SYSTEM], count[DRM_SVM_RESIDENT_NONE]);
	for (i = 0; i < npages; i++)
		igt_assert_f(r[i].location == DRM_SVM_RESIDENT_DEVICE &&
			     r[i].device == uf_dq.svm_device_id,
			     "page %" PRIu64 ": %s of device %u\n", i,
			     svm_location_str(r[i].location), r[i].device);
	free(r);
	svm_assert_pattern(buf, size, 0x1234);

	/* The range is walked by the work: a hole fails the fence. */
	f->error = (int64_t)UF_SENTINEL(1);
	err = __svm_prefetch(fd, vm, to_u64(unbound), SZ_2M,
			     DRM_SVM_REGION_DEVICE, f, &moved);
	if (!err)
		svm_wait_job(fd, f, SVM_JOB_TIMEOUT_NS);
	status = err ? 0 : svm_fence_status(f);
	igt_info("async prefetch of an unbound range: ioctl %d (%s), moved "
		 "%#" PRIx64 ", fence status %d\n", err, strerror(-err), moved,
		 status);
	igt_assert_f(err == 0, "the ioctl failed with %d (%s), expected 0 "
		     "and the error in the fence\n", err, strerror(-err));
	igt_assert_eq_u64(moved, 0);
	igt_assert_eq(status, -EFAULT);
	igt_assert_eq_u64(f->value, f->last);
	svm_assert_fence_error(f, -EFAULT);

	svm_fence_destroy(f);
	munmap(unbound, SZ_2M);
	munmap(buf, size);
	svm_vm_destroy(fd, vm);
}

#define UF_CANCEL_PREFETCHES	8

static void test_prefetch_cancel(int fd)
{
	uint64_t size = uf_vram_share(32ull << 20, 2);
	uint32_t vm = uf_vm_create(fd);
	uint8_t *buf = svm_alloc_aligned(size, SZ_2M);
	uint64_t *fence = uf_page_alloc();
	volatile uint64_t *value = fence, *error = fence + 64;
	struct drm_svm_ext_user_fence ext;
	unsigned int i, done = 0, cancelled = 0;
	uint64_t moved, t0, destroy_ns;
	int64_t timeout, e;
	int err;

	svm_pattern_fill(buf, size, 0x4321);
	svm_bind_ptr(fd, vm, buf, size, 0);
	for (i = 0; i < UF_CANCEL_PREFETCHES; i++)
		value[i] = 0;

	/* Back and forth, so that each one moves the whole range. */
	for (i = 0; i < UF_CANCEL_PREFETCHES; i++) {
		uf_ext(&ext, &value[i], &error[i], i + 1);
		err = __uf_prefetch(fd, vm, to_u64(buf), size,
				    i % 2 ? DRM_SVM_REGION_SYSTEM :
				    DRM_SVM_REGION_DEVICE, &ext, &moved);
		igt_assert_f(err == 0, "async prefetch %u: %d (%s)\n", i, err,
			     strerror(-err));
		igt_assert_eq_u64(moved, 0);
	}
	t0 = uf_now_ns();
	svm_vm_destroy(fd, vm);
	destroy_ns = uf_now_ns() - t0;

	/* Read at once: the destroy left none pending. */
	for (i = 0; i < UF_CANCEL_PREFETCHES; i++) {
		igt_assert_f(uf_load(&value[i]) == i + 1,
			     "prefetch %u: fence word %#" PRIx64 " after the "
			     "destroy returned\n", i, uf_load(&value[i]));
		e = (int64_t)error[i];
		igt_assert_f(e == 0 || e == -ENOENT,
			     "prefetch %u ended with %" PRId64 "\n", i, e);
		igt_assert_f(!(e == 0 && cancelled), "prefetch %u done after "
			     "an earlier one was cancelled\n", i);
		if (e)
			cancelled++;
		else
			done++;
	}
	igt_info("%u prefetches of %" PRIu64 " MiB: %u done, %u cancelled; "
		 "the destroy took %.3f s\n", UF_CANCEL_PREFETCHES,
		 size >> 20, done, cancelled, destroy_ns / 1e9);

	for (i = 0; i < UF_CANCEL_PREFETCHES; i++) {
		timeout = 0;
		err = __uf_wait(fd, &value[i], i + 1, ~0ull,
				DRM_SVM_UFENCE_WAIT_EQ, &timeout);
		igt_assert_f(err == 0, "wait for prefetch %u: %d\n", i, err);
	}
	timeout = 10 * UF_NS_PER_S;
	err = __uf_wait(fd, &value[UF_CANCEL_PREFETCHES - 1],
			UF_CANCEL_PREFETCHES, ~0ull, DRM_SVM_UFENCE_WAIT_GTE,
			&timeout);
	igt_assert_eq(err, 0);
	for (i = UF_CANCEL_PREFETCHES; i < UF_WORDS; i++)
		if (i < 64 || i >= 64 + UF_CANCEL_PREFETCHES)
			igt_assert_eq_u64(fence[i], UF_SENTINEL(i));
	/* Moved or not, the data is whole. */
	svm_assert_pattern(buf, size, 0x4321);

	munmap(fence, UF_PAGE);
	munmap(buf, size);
}

/* wait-ops */

#define UF_HI(x)	((uint64_t)(x) << 48)
#define UF_OPS_WORD	(UF_HI(0xff00) | 0x10)
#define UF_OPS_MASK	((1ull << 48) - 1)

static const struct uf_op_case {
	const char *name;
	uint32_t op;
	uint64_t mask;
	/* A value that makes the comparison true, one that makes it false */
	uint64_t yes, no;
} uf_op_cases[] = {
	/* Masked: the high 16 bits of the word (0xff00) do not count. */
	{ "EQ", DRM_SVM_UFENCE_WAIT_EQ, UF_OPS_MASK,
	  UF_HI(0x0055) | 0x10, UF_HI(0xff00) | 0x11 },
	{ "NEQ", DRM_SVM_UFENCE_WAIT_NEQ, UF_OPS_MASK,
	  UF_HI(0xff00) | 0x11, UF_HI(0x0055) | 0x10 },
	{ "GT", DRM_SVM_UFENCE_WAIT_GT, UF_OPS_MASK,
	  UF_HI(0xffff) | 0x0f, UF_HI(0x0001) | 0x10 },
	{ "GTE", DRM_SVM_UFENCE_WAIT_GTE, UF_OPS_MASK,
	  UF_HI(0xffff) | 0x10, UF_HI(0x0001) | 0x11 },
	{ "LT", DRM_SVM_UFENCE_WAIT_LT, UF_OPS_MASK,
	  UF_HI(0x0001) | 0x11, UF_HI(0xffff) | 0x10 },
	{ "LTE", DRM_SVM_UFENCE_WAIT_LTE, UF_OPS_MASK,
	  UF_HI(0x0001) | 0x10, UF_HI(0xffff) | 0x0f },
	/* Unmasked: the word is above 2^63, so compared unsigned. */
	{ "EQ", DRM_SVM_UFENCE_WAIT_EQ, ~0ull, UF_OPS_WORD, UF_OPS_WORD + 1 },
	{ "NEQ", DRM_SVM_UFENCE_WAIT_NEQ, ~0ull, 0x10, UF_OPS_WORD },
	{ "GT", DRM_SVM_UFENCE_WAIT_GT, ~0ull, 1, ~0ull },
	{ "GTE", DRM_SVM_UFENCE_WAIT_GTE, ~0ull, UF_OPS_WORD, ~0ull },
	{ "LT", DRM_SVM_UFENCE_WAIT_LT, ~0ull, ~0ull, 1 },
	{ "LTE", DRM_SVM_UFENCE_WAIT_LTE, ~0ull, UF_OPS_WORD, 1 },
};

static void test_wait_ops(int fd)
{
	static const int64_t yes_timeouts[] = { 0, 10 * UF_NS_PER_S, -1 };
	uint64_t *word = uf_page_alloc();
	const struct uf_op_case *c;
	uint64_t t0, elapsed;
	int64_t timeout;
	unsigned int i, j;
	int err;

	word[0] = UF_OPS_WORD;
	for (i = 0; i < ARRAY_SIZE(uf_op_cases); i++) {
		c = &uf_op_cases[i];
		igt_debug("%s mask %#" PRIx64 ": yes %#" PRIx64 ", no %#"
			  PRIx64 "\n", c->name, c->mask, c->yes, c->no);

		for (j = 0; j < ARRAY_SIZE(yes_timeouts); j++) {
			timeout = yes_timeouts[j];
			t0 = uf_now_ns();
			err = __uf_wait(fd, word, c->yes, c->mask, c->op,
					&timeout);
			elapsed = uf_now_ns() - t0;
			igt_assert_f(err == 0, "%s %#" PRIx64 " mask %#" PRIx64
				     " on %#" PRIx64 ", timeout %" PRId64
				     ": %d (%s), expected 0\n", c->name,
				     c->yes, c->mask, word[0], yes_timeouts[j],
				     err, strerror(-err));
			igt_assert_f(elapsed < UF_NS_PER_S, "%s: a true "
				     "condition took %.3f s\n", c->name,
				     elapsed / 1e9);
		}

		timeout = 0;
		err = __uf_wait(fd, word, c->no, c->mask, c->op, &timeout);
		igt_assert_f(err == -ETIME, "%s %#" PRIx64 " mask %#" PRIx64
			     " on %#" PRIx64 ", timeout 0: %d (%s), expected "
			     "ETIME\n", c->name, c->no, c->mask, word[0], err,
			     strerror(-err));
		igt_assert_eq_u64((uint64_t)timeout, 0);

		timeout = 10 * UF_NS_PER_MS;
		t0 = uf_now_ns();
		err = __uf_wait(fd, word, c->no, c->mask, c->op, &timeout);
		elapsed = uf_now_ns() - t0;
		igt_assert_f(err == -ETIME, "%s %#" PRIx64 " mask %#" PRIx64
			     " on %#" PRIx64 ", timeout 10 ms: %d (%s), "
			     "expected ETIME\n", c->name, c->no, c->mask,
			     word[0], err, strerror(-err));
		igt_assert_eq_u64((uint64_t)timeout, 0);
		igt_assert_f(elapsed >= 9 * UF_NS_PER_MS &&
			     elapsed < 5 * UF_NS_PER_S,
			     "%s: a 10 ms wait took %.3f ms\n", c->name,
			     elapsed / 1e6);
		igt_assert_eq_u64(word[0], UF_OPS_WORD);
	}
	munmap(word, UF_PAGE);
}

/* wait-timeout-left */

static volatile sig_atomic_t uf_signals;

static void uf_sig_handler(int sig)
{
	(void)sig;
	uf_signals = uf_signals + 1;
}

struct uf_kicker {
	pthread_t thread;
	pthread_t target;
	volatile bool stop;
};

/* Signals @target every 20 ms until told to stop. */
static void *uf_kicker_fn(void *arg)
{
	struct uf_kicker *k = arg;
	struct timespec ts = { .tv_nsec = 20 * UF_NS_PER_MS };

	for (;;) {
		nanosleep(&ts, NULL);
		if (__atomic_load_n(&k->stop, __ATOMIC_ACQUIRE))
			break;
		pthread_kill(k->target, SIGUSR1);
	}
	return NULL;
}

static void test_wait_timeout_left(int fd)
{
	const int64_t total = 2 * UF_NS_PER_S;
	struct sigaction sa = { .sa_handler = uf_sig_handler };
	uint64_t *word = uf_page_alloc();
	struct drm_svm_wait_user_fence w = {
		.addr = to_u64(word),
		.value = 1,
		.mask = ~0ull,
		.op = DRM_SVM_UFENCE_WAIT_EQ,
		.timeout_ns = total,
	};
	struct uf_kicker k = { .target = pthread_self() };
	uint64_t t0, elapsed, again;
	int ret, err;

	word[0] = 0;
	/*
	 * No SA_RESTART: the wait returns EINTR. The handler stays: a signal
	 * still pending when the default action came back would kill us.
	 */
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	igt_assert_eq(sigaction(SIGUSR1, &sa, NULL), 0);
	uf_signals = 0;

	igt_assert_eq(pthread_create(&k.thread, NULL, uf_kicker_fn, &k), 0);
	t0 = uf_now_ns();
	/* Not igt_ioctl(): drmIoctl() restarts on EINTR. */
	ret = ioctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w);
	err = ret ? errno : 0;
	elapsed = uf_now_ns() - t0;
	__atomic_store_n(&k.stop, true, __ATOMIC_RELEASE);
	igt_assert_eq(pthread_join(k.thread, NULL), 0);
	errno = 0;

	igt_info("the wait returned %d (%s) after %.3f ms, %d signals, "
		 "timeout_ns %" PRId64 "\n", ret, strerror(err),
		 elapsed / 1e6, (int)uf_signals, (int64_t)w.timeout_ns);
	igt_assert_f(ret == -1 && err == EINTR, "the wait returned %d (%s), "
		     "expected EINTR\n", ret, strerror(err));
	igt_assert_lt(0, uf_signals);
	igt_assert_f(w.timeout_ns > (int64_t)UF_NS_PER_S &&
		     w.timeout_ns < total,
		     "%" PRId64 " ns left of %" PRId64 "\n",
		     (int64_t)w.timeout_ns, total);
	/* What was left, not less: the kernel waited at most as we saw. */
	igt_assert_f(w.timeout_ns + (int64_t)elapsed + (int64_t)UF_NS_PER_MS >=
		     total, "%" PRId64 " ns left after %" PRIu64 " ns of %"
		     PRId64 "\n", (int64_t)w.timeout_ns, elapsed, total);

	/* The same struct again: it times out at the first deadline. */
	ret = ioctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w);
	err = ret ? errno : 0;
	again = uf_now_ns() - t0;
	errno = 0;
	igt_info("again: %d (%s), %.3f s since the first call\n", ret,
		 strerror(err), again / 1e9);
	igt_assert_f(ret == -1 && err == ETIME, "the second wait returned "
		     "%d (%s), expected ETIME\n", ret, strerror(err));
	igt_assert_eq_u64((uint64_t)w.timeout_ns, 0);
	igt_assert_f(again >= (uint64_t)total - UF_NS_PER_MS &&
		     again < (uint64_t)total + 2 * UF_NS_PER_S,
		     "the two waits took %.3f s in all, for a 2 s timeout\n",
		     again / 1e9);
	munmap(word, UF_PAGE);
}

/* wait-wakeup */

struct uf_waiter {
	pthread_t thread;
	int fd;
	const volatile uint64_t *addr;
	uint64_t value;
	int err;
	uint64_t returned_ns;
	bool done;
};

static void *uf_waiter_fn(void *arg)
{
	struct uf_waiter *w = arg;
	int64_t timeout = 5 * UF_NS_PER_S;

	w->err = __uf_wait(w->fd, w->addr, w->value, ~0ull,
			   DRM_SVM_UFENCE_WAIT_EQ, &timeout);
	w->returned_ns = uf_now_ns();
	__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void test_wait_wakeup(int fd)
{
	uint32_t vm = uf_vm_create(fd);
	uint64_t *data = uf_data_alloc(fd, vm, UF_PAGE);
	uint64_t *fence = uf_page_alloc();
	struct drm_svm_ext_user_fence ext;
	struct uf_waiter w = {};
	struct drm_vsvm_job_query q;
	struct svm_batch b;
	uint64_t submit, job;

	fence[0] = 0;
	svm_batch_init(&b, fd, vm);
	cmd_store(&b, to_u64(data) + 64, UF_DATA);
	cmd_end(&b);

	w.fd = fd;
	w.addr = &fence[0];
	w.value = UF_VALUE;
	igt_assert_eq(pthread_create(&w.thread, NULL, uf_waiter_fn, &w), 0);
	/* Let it go to sleep; nothing can make its condition true yet. */
	usleep(100 * 1000);
	igt_assert_f(!__atomic_load_n(&w.done, __ATOMIC_ACQUIRE),
		     "the wait returned before the job was submitted: %d\n",
		     w.err);

	uf_ext(&ext, &fence[0], &fence[1], UF_VALUE);
	submit = uf_now_ns();
	job = uf_exec_batch(fd, vm, &b, &ext);
	igt_assert_eq(pthread_join(w.thread, NULL), 0);

	igt_info("the waiter returned %d, %.3f ms after the submission\n",
		 w.err, (w.returned_ns - submit) / 1e6);
	igt_assert_f(w.err == 0, "the wait returned %d (%s)\n", w.err,
		     strerror(-w.err));
	igt_assert_f(w.returned_ns - submit < 2 * UF_NS_PER_S,
		     "the waiter woke %.3f s after the submission\n",
		     (w.returned_ns - submit) / 1e9);
	igt_assert_eq_u64(uf_load(&fence[0]), UF_VALUE);
	igt_assert_eq_u64(fence[1], 0);
	svm_job_query(fd, job, &q);
	uf_assert_job_ok(&q, "job of the waited fence");
	igt_assert_eq_u64(data[8], UF_DATA);

	svm_batch_fini(&b);
	munmap(fence, UF_PAGE);
	munmap(data, UF_PAGE);
	svm_vm_destroy(fd, vm);
}

/* wait-any-memory */

/* The word holds @v: EQ @v holds, NEQ @v does not. */
static void uf_assert_reads(int fd, const volatile uint64_t *word, uint64_t v,
			    const char *what)
{
	int64_t timeout = 0;
	int err;

	err = __uf_wait(fd, word, v, ~0ull, DRM_SVM_UFENCE_WAIT_EQ, &timeout);
	igt_assert_f(err == 0, "%s: EQ %#" PRIx64 ": %d (%s)\n", what, v, err,
		     strerror(-err));
	timeout = UF_NS_PER_S;
	err = __uf_wait(fd, word, v, ~0ull, DRM_SVM_UFENCE_WAIT_GTE, &timeout);
	igt_assert_f(err == 0, "%s: GTE %#" PRIx64 ", 1 s: %d (%s)\n", what,
		     v, err, strerror(-err));
	timeout = 0;
	err = __uf_wait(fd, word, v, ~0ull, DRM_SVM_UFENCE_WAIT_NEQ, &timeout);
	igt_assert_f(err == -ETIME, "%s: NEQ %#" PRIx64 ": %d (%s)\n", what,
		     v, err, strerror(-err));
}

static void uf_check_any_memory(int fd, const char *who)
{
	volatile uint64_t *heap = malloc(4 * sizeof(uint64_t));
	volatile uint64_t stack = 0x57ac;
	char what[64];

	igt_assert(heap);
	heap[1] = 0x4ea9;
	snprintf(what, sizeof(what), "%s, heap word", who);
	uf_assert_reads(fd, &heap[1], 0x4ea9, what);
	/* The CPU changes it: the next wait sees that. */
	heap[1] = 0x4eaa;
	uf_assert_reads(fd, &heap[1], 0x4eaa, what);
	snprintf(what, sizeof(what), "%s, stack word", who);
	uf_assert_reads(fd, &stack, 0x57ac, what);
	free((void *)heap);
}

static void test_wait_any_memory(int fd)
{
	int fresh;

	uf_check_any_memory(fd, "the test's fd");

	fresh = vsvm_open_render(uf_dq.index);
	igt_assert_fd(fresh);
	uf_check_any_memory(fresh, "a fresh fd");
	close(fresh);

	/* A process that never made a VM, on an fd of its own */
	igt_fork(child, 1) {
		int own = vsvm_open_render(uf_dq.index);

		igt_assert_fd(own);
		uf_check_any_memory(own, "a child without VM");
		close(own);
	}
	igt_waitchildren();
}

/* wait-neg-* */

enum uf_neg {
	UF_NEG_BAD_OP,
	UF_NEG_FLAGS,
	UF_NEG_RESERVED,
	UF_NEG_EXTENSION,
	UF_NEG_ADDR_ZERO,
	UF_NEG_ADDR_MISALIGNED,
	UF_NEG_ADDR_UNMAPPED,
};

static const struct uf_neg_case {
	const char *name;
	enum uf_neg neg;
	int err;
	const char *desc;
} uf_neg_cases[] = {
	{ "bad-op", UF_NEG_BAD_OP, -EINVAL,
	  "A wait with op 6 or above fails with EINVAL." },
	{ "flags", UF_NEG_FLAGS, -EINVAL,
	  "A wait with a flag set fails with EINVAL." },
	{ "reserved", UF_NEG_RESERVED, -EINVAL,
	  "A wait with a reserved word set fails with EINVAL." },
	{ "extension", UF_NEG_EXTENSION, -EINVAL,
	  "A wait with an extension fails with EINVAL." },
	{ "addr-zero", UF_NEG_ADDR_ZERO, -EINVAL,
	  "A wait on address 0 fails with EINVAL." },
	{ "addr-misaligned", UF_NEG_ADDR_MISALIGNED, -EINVAL,
	  "A wait on a misaligned address fails with EINVAL." },
	{ "addr-unmapped", UF_NEG_ADDR_UNMAPPED, -EFAULT,
	  "A wait on an unreadable address fails with EFAULT." },
	{ NULL }
};

/* A wait that holds at once: GTE 0 on @word, checking once. */
static struct drm_svm_wait_user_fence uf_good_wait(const void *word)
{
	return (struct drm_svm_wait_user_fence) {
		.addr = to_u64(word),
		.value = 0,
		.mask = ~0ull,
		.op = DRM_SVM_UFENCE_WAIT_GTE,
		.timeout_ns = 0,
	};
}

static void uf_assert_wait_err(int fd, struct drm_svm_wait_user_fence *w,
			       int expected, const char *what)
{
	int err = __svm_wait_ufence(fd, w);

	igt_assert_f(err == expected, "%s: %d (%s), expected %d (%s)\n", what,
		     err, strerror(-err), expected, strerror(-expected));
}

static void test_wait_neg(int fd, const struct uf_neg_case *c)
{
	static const uint32_t bad_ops[] = {
		DRM_SVM_UFENCE_WAIT_LTE + 1, 0x100, ~0u,
	};
	uint64_t *page = uf_page_alloc();
	uint8_t *gone = svm_alloc(UF_PAGE);
	uint8_t *none = svm_mmap(UF_PAGE, PROT_NONE, MAP_PRIVATE);
	struct drm_svm_ext_user_fence ext;
	struct drm_svm_user_extension unknown = { .name = 1 };
	struct drm_svm_wait_user_fence w = uf_good_wait(page);
	char what[64];
	unsigned int i;

	/* The struct the cases start from is good: they change one thing. */
	uf_assert_wait_err(fd, &w, 0, "the good wait");
	igt_assert_eq(munmap(gone, UF_PAGE), 0);

	switch (c->neg) {
	case UF_NEG_BAD_OP:
		for (i = 0; i < ARRAY_SIZE(bad_ops); i++) {
			w = uf_good_wait(page);
			w.op = bad_ops[i];
			snprintf(what, sizeof(what), "op %#x", w.op);
			uf_assert_wait_err(fd, &w, c->err, what);
		}
		break;
	case UF_NEG_FLAGS:
		for (i = 0; i < 32; i++) {
			w = uf_good_wait(page);
			w.flags = 1u << i;
			snprintf(what, sizeof(what), "flags %#x", w.flags);
			uf_assert_wait_err(fd, &w, c->err, what);
		}
		break;
	case UF_NEG_RESERVED:
		for (i = 0; i < ARRAY_SIZE(w.reserved); i++) {
			w = uf_good_wait(page);
			w.reserved[i] = 1;
			snprintf(what, sizeof(what), "reserved[%u]", i);
			uf_assert_wait_err(fd, &w, c->err, what);
		}
		break;
	case UF_NEG_EXTENSION:
		/* A good user fence, which only work-queueing ioctls take */
		uf_ext(&ext, &page[1], &page[2], 1);
		w = uf_good_wait(page);
		w.extensions = to_u64(&ext);
		uf_assert_wait_err(fd, &w, c->err, "a user fence extension");
		igt_assert_eq_u64(page[1], UF_SENTINEL(1));
		igt_assert_eq_u64(page[2], UF_SENTINEL(2));
		w = uf_good_wait(page);
		w.extensions = to_u64(&unknown);
		uf_assert_wait_err(fd, &w, c->err, "an unknown extension");
		break;
	case UF_NEG_ADDR_ZERO:
		w = uf_good_wait(page);
		w.addr = 0;
		uf_assert_wait_err(fd, &w, c->err, "addr 0");
		break;
	case UF_NEG_ADDR_MISALIGNED:
		for (i = 1; i < 8; i++) {
			w = uf_good_wait((uint8_t *)page + 8 + i);
			snprintf(what, sizeof(what), "addr + %u", i);
			uf_assert_wait_err(fd, &w, c->err, what);
		}
		break;
	case UF_NEG_ADDR_UNMAPPED:
		w = uf_good_wait(gone);
		uf_assert_wait_err(fd, &w, c->err, "an unmapped page");
		w = uf_good_wait(none + 8);
		uf_assert_wait_err(fd, &w, c->err, "a PROT_NONE page");
		break;
	}

	munmap(none, UF_PAGE);
	munmap(page, UF_PAGE);
}

/* unmapped-before-end */

static void test_unmapped_before_end(int fd)
{
	uint32_t vm = uf_vm_create(fd);
	uint64_t *data = uf_data_alloc(fd, vm, UF_PAGE);
	uint64_t *fence = uf_page_alloc(), *gone = uf_page_alloc(), *page;
	struct svm_fence *tail_fence = svm_fence_create();
	struct drm_svm_ext_user_fence ext;
	struct drm_vsvm_job_query q;
	struct svm_batch fb, tail;
	uint32_t status = ~0u;
	uint64_t job = 0, job_gone = 0;
	struct uf_gate g;
	int exec_err, gone_err, unmap_err = 0, open_err;
	unsigned int i;

	fence[0] = 0;
	svm_batch_init(&fb, fd, vm);
	cmd_store(&fb, to_u64(&data[0]), UF_DATA);
	cmd_end(&fb);
	svm_batch_init(&tail, fd, vm);
	cmd_store(&tail, to_u64(&data[1]), UF_DATA + 1);
	cmd_end(&tail);

	uf_gate_close(&g, fd, vm);
	uf_ext(&ext, &fence[0], &fence[1], UF_VALUE);
	exec_err = __uf_exec(fd, vm, svm_batch_addr(&fb), svm_batch_len(&fb),
			     &ext, &job);
	uf_ext(&ext, &gone[0], &gone[1], UF_VALUE + 1);
	gone_err = __uf_exec(fd, vm, svm_batch_addr(&fb), svm_batch_len(&fb),
			     &ext, &job_gone);
	if (!exec_err) {
		unmap_err = munmap(fence, UF_PAGE) ? -errno : 0;
		if (munmap(gone, UF_PAGE))
			unmap_err = -errno;
		memset(&q, 0, sizeof(q));
		q.job_id = job;
		if (!__svm_job_query(fd, &q))
			status = q.status;
	}
	/* A new page where the first fence was, while the job is queued. */
	page = mmap(fence, UF_PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (page != MAP_FAILED)
		memset(page, 0, UF_PAGE);
	/* Queued behind the fenced jobs, with a fence that stays mapped */
	svm_exec_batch(fd, vm, &tail, tail_fence);
	open_err = uf_gate_open(&g);

	igt_assert_f(exec_err == 0 && gone_err == 0, "exec: %d, %d\n",
		     exec_err, gone_err);
	igt_assert_eq(unmap_err, 0);
	igt_assert_eq(open_err, 0);
	igt_assert_f(page == fence, "no new page at %p: %p\n", (void *)fence,
		     (void *)page);
	igt_assert_f(status == DRM_VSVM_JOB_QUEUED,
		     "the fenced job was %s when its fence page was unmapped, "
		     "behind a job that had not ended\n",
		     svm_job_status_str(status));

	uf_job_wait(fd, job, &q, "job of the remapped fence");
	uf_assert_job_ok(&q, "job of the remapped fence");
	uf_job_wait(fd, job_gone, &q, "job of the unmapped fence");
	uf_assert_job_ok(&q, "job of the unmapped fence");
	/* The job after them ended: their stores are done too. */
	svm_wait_job(fd, tail_fence, SVM_JOB_TIMEOUT_NS);
	igt_assert_eq(svm_fence_status(tail_fence), 1);
	igt_assert_eq_u64(data[0], UF_DATA);
	igt_assert_eq_u64(data[1], UF_DATA + 1);
	/* The store reached what was mapped at the address when it ended. */
	igt_assert_eq_u64(page[0], UF_VALUE);
	igt_assert_eq_u64(page[1], 0);
	for (i = 2; i < UF_WORDS; i++)
		igt_assert_f(page[i] == 0, "word %u of the new page holds %#"
			     PRIx64 "\n", i, page[i]);
	uf_gate_fini(&g);

	svm_batch_fini(&fb);
	svm_batch_fini(&tail);
	svm_fence_destroy(tail_fence);
	munmap(page, UF_PAGE);
	munmap(data, UF_PAGE);
	svm_vm_destroy(fd, vm);
}

/* exit-in-flight */

struct uf_exit_report {
	uint32_t long_status;
	uint32_t fenced_status;
};

static void uf_exit_child(int out)
{
	struct uf_exit_report r = { ~0u, ~0u };
	struct drm_svm_ext_user_fence ext;
	struct drm_vsvm_job_query q;
	struct svm_batch lb, fb;
	uint64_t *big, *data, *fence, long_job, job;
	uint32_t vm;
	int cfd;

	cfd = vsvm_open_render(uf_dq.index);
	igt_assert_fd(cfd);
	vm = svm_vm_create(cfd);
	big = svm_alloc(UF_LONG_SIZE);
	svm_bind_ptr(cfd, vm, big, UF_LONG_SIZE,
		     DRM_SVM_BIND_FLAG_NO_MIGRATE);
	data = uf_data_alloc(cfd, vm, UF_PAGE);
	fence = uf_page_alloc();
	fence[0] = 0;

	svm_batch_init(&lb, cfd, vm);
	cmd_fill(&lb, to_u64(big), UF_LONG_SIZE, UF_PATTERN);
	cmd_checksum(&lb, to_u64(big), UF_LONG_SIZE);
	cmd_end(&lb);
	svm_batch_init(&fb, cfd, vm);
	cmd_store(&fb, to_u64(data), UF_DATA);
	cmd_end(&fb);

	long_job = svm_exec_batch(cfd, vm, &lb, NULL);
	uf_ext(&ext, &fence[0], &fence[1], UF_VALUE);
	job = uf_exec_batch(cfd, vm, &fb, &ext);

	svm_job_query(cfd, long_job, &q);
	r.long_status = q.status;
	svm_job_query(cfd, job, &q);
	r.fenced_status = q.status;
	igt_assert_eq(write(out, &r, sizeof(r)), sizeof(r));
	/* No wait, no destroy, no close, no free. */
	_exit(IGT_EXIT_SUCCESS);
}

static void test_exit_in_flight(int fd)
{
	struct uf_exit_report r = { ~0u, ~0u };
	struct drm_svm_ext_user_fence ext;
	struct drm_vsvm_job_query q;
	uint64_t *data, *fence, job, t0;
	struct svm_batch b;
	int report[2];
	uint32_t vm;

	uf_release_stale_gate();
	igt_assert_eq(pipe2(report, O_CLOEXEC), 0);
	igt_fork(child, 1) {
		close(report[0]);
		uf_exit_child(report[1]);
	}
	close(report[1]);
	igt_waitchildren();
	igt_assert_eq(read(report[0], &r, sizeof(r)), sizeof(r));
	close(report[0]);
	igt_info("when the child exited, its long job was %s, its fenced job "
		 "%s\n", svm_job_status_str(r.long_status),
		 svm_job_status_str(r.fenced_status));
	igt_assert_f(r.fenced_status == DRM_VSVM_JOB_QUEUED ||
		     r.fenced_status == DRM_VSVM_JOB_RUNNING,
		     "the fenced job had ended before the child exited: the "
		     "long job is too short\n");

	/* The device goes on: a fenced job of ours runs, behind theirs. */
	vm = uf_vm_create(fd);
	data = uf_data_alloc(fd, vm, UF_PAGE);
	fence = uf_page_alloc();
	fence[0] = 0;
	svm_batch_init(&b, fd, vm);
	cmd_fill(&b, to_u64(data), UF_PAGE, UF_PATTERN);
	cmd_end(&b);
	uf_ext(&ext, &fence[0], &fence[1], UF_VALUE);
	t0 = uf_now_ns();
	job = uf_exec_batch(fd, vm, &b, &ext);
	uf_wait_eq(fd, &fence[0], UF_VALUE);
	igt_info("the parent's job ended %.3f s after its submission\n",
		 (uf_now_ns() - t0) / 1e9);
	igt_assert_eq_u64(fence[1], 0);
	svm_job_query(fd, job, &q);
	uf_assert_job_ok(&q, "the parent's job");
	svm_assert_value(data, UF_PAGE, UF_PATTERN);

	svm_batch_fini(&b);
	munmap(fence, UF_PAGE);
	munmap(data, UF_PAGE);
	svm_vm_destroy(fd, vm);
}

/* fork-cow */

#define UF_OLD_VALUE	0x01d0000000000001ull
#define UF_OLD_DATA	0x01d0da7a00000001ull

static void test_fork_cow(int fd)
{
	uint32_t vm = uf_vm_create(fd);
	uint64_t *data = uf_data_alloc(fd, vm, UF_PAGE);
	uint64_t *fence = uf_page_alloc();
	struct drm_svm_ext_user_fence ext;
	struct drm_vsvm_job_query q;
	struct svm_batch b;
	int to_child[2], status, exec_err, open_err;
	uint64_t job = 0;
	struct uf_gate g;
	pid_t pid;
	char c = 0;

	data[0] = UF_OLD_DATA;
	fence[0] = UF_OLD_VALUE;
	svm_batch_init(&b, fd, vm);
	cmd_store(&b, to_u64(&data[0]), UF_DATA);
	cmd_end(&b);
	igt_assert_eq(pipe(to_child), 0);

	uf_gate_close(&g, fd, vm);
	uf_ext(&ext, &fence[0], &fence[1], UF_VALUE);
	exec_err = __uf_exec(fd, vm, svm_batch_addr(&b), svm_batch_len(&b),
			     &ext, &job);
	fflush(NULL);
	pid = exec_err ? -1 : fork();
	if (pid == 0) {
		struct pollfd p = { .fd = to_child[0], .events = POLLIN };
		int ms = SVM_JOB_TIMEOUT_NS / UF_NS_PER_MS + 10000;

		/* Until the parent saw its fence: then ours must be old. */
		close(to_child[1]);
		if (poll(&p, 1, ms) != 1 || read(to_child[0], &c, 1) != 1)
			_exit(2);
		if (uf_load(&fence[0]) != UF_OLD_VALUE)
			_exit(3);
		if (fence[1] != UF_SENTINEL(1))
			_exit(4);
		if (data[0] != UF_OLD_DATA)
			_exit(5);
		_exit(0);
	}
	close(to_child[0]);
	open_err = uf_gate_open(&g);

	igt_assert_f(exec_err == 0, "exec: %d (%s)\n", exec_err,
		     strerror(-exec_err));
	igt_assert(pid > 0);
	igt_assert_eq(open_err, 0);

	uf_wait_eq(fd, &fence[0], UF_VALUE);
	igt_assert_eq_u64(fence[1], 0);
	svm_job_query(fd, job, &q);
	uf_assert_job_ok(&q, "job of the fence in a COW page");
	igt_assert_eq_u64(data[0], UF_DATA);

	igt_assert_eq(write(to_child[1], &c, 1), 1);
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	close(to_child[1]);
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "the child's copy changed: status %#x (2: no word from "
		     "the parent, 3: its fence word, 4: its error word, 5: its "
		     "data)\n", status);
	uf_gate_fini(&g);

	svm_batch_fini(&b);
	munmap(fence, UF_PAGE);
	munmap(data, UF_PAGE);
	svm_vm_destroy(fd, vm);
}

igt_main
{
	const struct uf_neg_case *nc;
	int fd = -1;

	igt_fixture {
		igt_require_f(vsvm_count_devices() > 0,
			      "No vsvm render node; is vsvm loaded?\n");
		fd = vsvm_open_render(0);
		igt_assert_fd(fd);
		vsvm_require_uapi(fd, &uf_dq);
	}

	igt_describe("A job's user fence gets its value and error 0; the data "
		     "is there.");
	igt_subtest("basic")
		test_basic(fd);

	igt_describe("A failed job's fence gets the record's error before "
		     "the value.");
	igt_subtest("value-written-last")
		test_value_written_last(fd);

	igt_describe("A user fence without error_addr changes only the value "
		     "word.");
	igt_subtest("no-error-addr")
		test_no_error_addr(fd);

	igt_describe("Fences of a device's jobs are written in submission "
		     "order.");
	igt_subtest("order")
		test_order(fd);

	igt_describe("An asynchronous prefetch ends through its user fence, "
		     "with its error.");
	igt_subtest("prefetch-async")
		test_prefetch_async(fd);

	igt_describe("VM destroy cancels asynchronous prefetches and writes "
		     "every fence first.");
	igt_subtest("prefetch-cancel")
		test_prefetch_cancel(fd);

	igt_describe("Every wait op, with a mask, and its timeouts.");
	igt_subtest("wait-ops")
		test_wait_ops(fd);

	igt_describe("A wait interrupted by a signal returns EINTR with the "
		     "time left.");
	igt_subtest("wait-timeout-left")
		test_wait_timeout_left(fd);

	igt_describe("The fence store wakes a waiting thread.");
	igt_subtest("wait-wakeup")
		test_wait_wakeup(fd);

	igt_describe("The wait reads any memory, needs no VM.");
	igt_subtest("wait-any-memory")
		test_wait_any_memory(fd);

	for (nc = uf_neg_cases; nc->name; nc++) {
		igt_describe(nc->desc);
		igt_subtest_f("wait-neg-%s", nc->name)
			test_wait_neg(fd, nc);
	}

	igt_describe("A fence page unmapped before its job ends: the job "
		     "ends, the new page is not written.");
	igt_subtest("unmapped-before-end")
		test_unmapped_before_end(fd);

	igt_describe("A process exits with a fenced job in flight; the device "
		     "goes on.");
	igt_subtest("exit-in-flight")
		test_exit_in_flight(fd);

	igt_describe("fork() while a job's fence is pending: the parent "
		     "gets the value, the child keeps its copy.");
	igt_subtest("fork-cow")
		test_fork_cow(fd);

	igt_fixture {
		uf_release_stale_gate();
		close(fd);
	}
}

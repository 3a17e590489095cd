/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The drm_svm authors
 *
 * Helpers for the vsvm SVM tests: VMs, bindings, batches, jobs. Header
 * only, built on IGT and libdrm API alone (see vsvm_igt.h).
 *
 * Conventions, as in IGT: __foo() returns 0 or -errno and never asserts,
 * so it is also usable from threads; foo() asserts success. The helpers
 * are prefixed svm_ so that none collides with libc (bind(2)) or IGT.
 */
#ifndef VSVM_SVM_LIB_H
#define VSVM_SVM_LIB_H

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/userfaultfd.h>
#include <xf86drm.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "drm_svm.h"
#include "vsvm_drm.h"

/* Upstream IGT may have some of these already. */
#ifndef SZ_4K
#define SZ_4K			(4096ull)
#endif
#ifndef SZ_64K
#define SZ_64K			(64ull << 10)
#endif
#ifndef SZ_1M
#define SZ_1M			(1ull << 20)
#endif
#ifndef SZ_2M
#define SZ_2M			(2ull << 20)
#endif
#ifndef SZ_1T
#define SZ_1T			(1ull << 40)
#endif

/* Generous: under TCG emulation a 64 MiB job takes seconds. */
#define SVM_JOB_TIMEOUT_NS	(60ull * 1000 * 1000 * 1000)

#define to_u64(ptr)		((uint64_t)(uintptr_t)(ptr))
#define from_u64(addr)		((void *)(uintptr_t)(addr))

static inline uint64_t svm_page_size(void)
{
	return (uint64_t)sysconf(_SC_PAGESIZE);
}

static inline uint64_t svm_align_down(uint64_t x, uint64_t a)
{
	return x & ~(a - 1);
}

static inline uint64_t svm_align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* CLOCK_MONOTONIC in nanoseconds. */
static inline int64_t svm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* The compiler must not keep values the device may have changed. */
static inline void svm_barrier(void)
{
	__asm__ __volatile__("" ::: "memory");
}

/*
 * VMs
 */

static inline int __svm_vm_create(int fd, struct drm_svm_vm_create *args)
{
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, args))
		err = -errno;
	errno = 0;
	return err;
}

/** svm_vm_create() - Create a VM mirroring the caller; returns its id */
static inline uint32_t svm_vm_create(int fd)
{
	struct drm_svm_vm_create args = {};

	igt_assert_eq(__svm_vm_create(fd, &args), 0);
	igt_assert_neq(args.vm_id, 0);
	return args.vm_id;
}

static inline int __svm_vm_destroy(int fd, uint32_t vm)
{
	struct drm_svm_vm_destroy args = { .vm_id = vm };
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_VM_DESTROY, &args))
		err = -errno;
	errno = 0;
	return err;
}

static inline void svm_vm_destroy(int fd, uint32_t vm)
{
	igt_assert_eq(__svm_vm_destroy(fd, vm), 0);
}

/*
 * Bindings
 */

static inline int __svm_vm_bind(int fd, struct drm_svm_vm_bind *args)
{
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_VM_BIND, args))
		err = -errno;
	errno = 0;
	return err;
}

/** __svm_bind() - Mirror CPU [@cpu, @cpu + @size) at GPU @gpu; -errno */
static inline int __svm_bind(int fd, uint32_t vm, uint64_t cpu, uint64_t gpu,
			     uint64_t size, uint32_t flags)
{
	struct drm_svm_vm_bind args = {
		.vm_id = vm,
		.op = DRM_SVM_BIND_OP_MAP,
		.cpu_addr = cpu,
		.gpu_addr = gpu,
		.range = size,
		.flags = flags,
	};

	return __svm_vm_bind(fd, &args);
}

static inline void svm_bind(int fd, uint32_t vm, uint64_t cpu, uint64_t gpu,
			    uint64_t size, uint32_t flags)
{
	igt_assert_eq(__svm_bind(fd, vm, cpu, gpu, size, flags), 0);
}

/** svm_bind_ptr() - Mirror @ptr at the same GPU address (GPU VA == CPU VA) */
static inline void svm_bind_ptr(int fd, uint32_t vm, const void *ptr,
				uint64_t size, uint32_t flags)
{
	svm_bind(fd, vm, to_u64(ptr), to_u64(ptr), size, flags);
}

/*
 * Mirrors the pages spanned by [@ptr, @ptr + @size), which need not be
 * page aligned (malloc'd memory), at the same GPU addresses.
 */
static inline int __svm_bind_span(int fd, uint32_t vm, const void *ptr,
				  uint64_t size, uint32_t flags)
{
	uint64_t ps = svm_page_size();
	uint64_t start = svm_align_down(to_u64(ptr), ps);
	uint64_t end = svm_align_up(to_u64(ptr) + size, ps);

	return __svm_bind(fd, vm, start, start, end - start, flags);
}

static inline int __svm_unbind(int fd, uint32_t vm, uint64_t gpu,
			       uint64_t size)
{
	struct drm_svm_vm_bind args = {
		.vm_id = vm,
		.op = DRM_SVM_BIND_OP_UNMAP,
		.gpu_addr = gpu,
		.range = size,
	};

	return __svm_vm_bind(fd, &args);
}

static inline void svm_unbind(int fd, uint32_t vm, uint64_t gpu,
			      uint64_t size)
{
	igt_assert_eq(__svm_unbind(fd, vm, gpu, size), 0);
}

/*
 * Batches
 *
 * A batch is an array of __u64 command words in malloc()'d memory,
 * followed in the same allocation by result slots for the commands that
 * write one (ATOMIC_*, CHECKSUM). The pages it spans are bound at the
 * same GPU address, and stay bound after svm_batch_fini(): neighbouring
 * heap data may share them, and an identity binding is harmless.
 */

struct svm_batch {
	/** @cmds: Command words, then @max_results result slots */
	uint64_t *cmds;
	/** @len: Command words written */
	unsigned int len;
	/** @max_len: Room for command words */
	unsigned int max_len;
	/** @results: Result slots, in the same allocation as @cmds */
	uint64_t *results;
	/** @nresults: Result slots handed out */
	unsigned int nresults;
	/** @max_results: Room for results */
	unsigned int max_results;
	/** @gpu_offset: GPU address of a word minus its CPU address */
	uint64_t gpu_offset;
};

#define SVM_BATCH_WORDS		512
#define SVM_BATCH_RESULTS	64

/*
 * Allocates the batch without binding it (for tests that bind it their
 * own way, or from threads); returns false if out of memory.
 */
static inline bool __svm_batch_alloc(struct svm_batch *b, unsigned int words,
				     unsigned int results)
{
	memset(b, 0, sizeof(*b));
	b->cmds = malloc((words + results) * sizeof(uint64_t));
	if (!b->cmds)
		return false;

	/* Written by the CPU: the pages exist and are writable. */
	memset(b->cmds, 0, (words + results) * sizeof(uint64_t));
	b->max_len = words;
	b->results = b->cmds + words;
	b->max_results = results;
	return true;
}

/** svm_batch_init() - A malloc()'d batch, bound in @vm with @bind_flags */
static inline void svm_batch_init_flags(struct svm_batch *b, int fd,
					uint32_t vm, uint32_t bind_flags)
{
	igt_assert(__svm_batch_alloc(b, SVM_BATCH_WORDS, SVM_BATCH_RESULTS));
	igt_assert_eq(__svm_bind_span(fd, vm, b->cmds,
				      (b->max_len + b->max_results) *
				      sizeof(uint64_t), bind_flags), 0);
}

static inline void svm_batch_init(struct svm_batch *b, int fd, uint32_t vm)
{
	svm_batch_init_flags(b, fd, vm, 0);
}

static inline void svm_batch_fini(struct svm_batch *b)
{
	free(b->cmds);
	memset(b, 0, sizeof(*b));
}

/* Empties the batch and clears its results, keeping its memory. */
static inline void svm_batch_reset(struct svm_batch *b)
{
	memset(b->cmds, 0, (b->max_len + b->max_results) * sizeof(uint64_t));
	b->len = 0;
	b->nresults = 0;
}

static inline uint64_t svm_batch_addr(const struct svm_batch *b)
{
	return to_u64(b->cmds) + b->gpu_offset;
}

/* Bytes to execute: the commands so far, END included if emitted. */
static inline uint64_t svm_batch_len(const struct svm_batch *b)
{
	return (uint64_t)b->len * sizeof(uint64_t);
}

/* Returns false if the batch is full; the batch is then unchanged. */
static inline bool __cmd_emit(struct svm_batch *b, const uint64_t *w,
			      unsigned int n)
{
	if (b->len + n > b->max_len)
		return false;
	memcpy(&b->cmds[b->len], w, n * sizeof(*w));
	b->len += n;
	return true;
}

static inline void cmd_emit(struct svm_batch *b, const uint64_t *w,
			    unsigned int n)
{
	igt_assert_f(__cmd_emit(b, w, n), "batch full (%u words)\n",
		     b->max_len);
}

/* A result slot, zeroed, and its GPU address in *@addr. */
static inline uint64_t *__cmd_result(struct svm_batch *b, uint64_t *addr)
{
	uint64_t *slot;

	if (b->nresults >= b->max_results)
		return NULL;
	slot = &b->results[b->nresults++];
	*slot = 0;
	*addr = to_u64(slot) + b->gpu_offset;
	return slot;
}

static inline uint64_t *cmd_result(struct svm_batch *b, uint64_t *addr)
{
	uint64_t *slot = __cmd_result(b, addr);

	igt_assert_f(slot, "out of result slots (%u)\n", b->max_results);
	return slot;
}

static inline void cmd_end(struct svm_batch *b)
{
	const uint64_t w[] = { VSVM_CMD_END };

	cmd_emit(b, w, ARRAY_SIZE(w));
}

static inline void cmd_store(struct svm_batch *b, uint64_t addr,
			     uint64_t value)
{
	const uint64_t w[] = { VSVM_CMD_STORE, addr, value };

	cmd_emit(b, w, ARRAY_SIZE(w));
}

static inline void cmd_fill(struct svm_batch *b, uint64_t addr, uint64_t len,
			    uint32_t pattern)
{
	const uint64_t w[] = { VSVM_CMD_FILL, addr, len, pattern };

	cmd_emit(b, w, ARRAY_SIZE(w));
}

static inline void cmd_copy(struct svm_batch *b, uint64_t dst, uint64_t src,
			    uint64_t len)
{
	const uint64_t w[] = { VSVM_CMD_COPY, dst, src, len };

	cmd_emit(b, w, ARRAY_SIZE(w));
}

static inline void cmd_touch(struct svm_batch *b, uint64_t addr, uint64_t len)
{
	const uint64_t w[] = { VSVM_CMD_TOUCH, addr, len };

	cmd_emit(b, w, ARRAY_SIZE(w));
}

/* ATOMIC_ADD; returns the slot receiving the old value. */
static inline uint64_t *cmd_atomic_add(struct svm_batch *b, uint64_t addr,
				       uint64_t value)
{
	uint64_t raddr, *slot = cmd_result(b, &raddr);
	const uint64_t w[] = { VSVM_CMD_ATOMIC_ADD, addr, value, raddr };

	cmd_emit(b, w, ARRAY_SIZE(w));
	return slot;
}

/* ATOMIC_CMPXCHG; returns the slot receiving the prior value. */
static inline uint64_t *cmd_cmpxchg(struct svm_batch *b, uint64_t addr,
				    uint64_t old, uint64_t new)
{
	uint64_t raddr, *slot = cmd_result(b, &raddr);
	const uint64_t w[] = { VSVM_CMD_ATOMIC_CMPXCHG, addr, old, new, raddr };

	cmd_emit(b, w, ARRAY_SIZE(w));
	return slot;
}

/* CHECKSUM; returns the slot receiving it. */
static inline uint64_t *cmd_checksum(struct svm_batch *b, uint64_t addr,
				     uint64_t len)
{
	uint64_t raddr, *slot = cmd_result(b, &raddr);
	const uint64_t w[] = { VSVM_CMD_CHECKSUM, addr, len, raddr };

	cmd_emit(b, w, ARRAY_SIZE(w));
	return slot;
}

/*
 * Checksums, as VSVM_CMD_CHECKSUM computes them
 */

static inline uint64_t svm_checksum_update(uint64_t h, uint64_t word)
{
	return (h ^ word) * VSVM_CHECKSUM_PRIME;
}

/* FNV-1a over the little-endian 64-bit words of [@ptr, @ptr + @len). */
static inline uint64_t svm_checksum(const void *ptr, uint64_t len)
{
	const uint8_t *p = ptr;
	uint64_t h = VSVM_CHECKSUM_SEED;
	uint64_t i, w;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, sizeof(w));
		h = svm_checksum_update(h, le64toh(w));
	}
	return h;
}

/* Checksum of @len bytes that all repeat the 32-bit @pattern (FILL). */
static inline uint64_t svm_checksum_fill(uint32_t pattern, uint64_t len)
{
	uint64_t w = (uint64_t)pattern << 32 | pattern;
	uint64_t h = VSVM_CHECKSUM_SEED;
	uint64_t i;

	for (i = 0; i + 8 <= len; i += 8)
		h = svm_checksum_update(h, w);
	return h;
}

/*
 * Jobs
 */

static inline int __svm_exec(int fd, struct drm_vsvm_exec *args)
{
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_EXEC, args))
		err = -errno;
	errno = 0;
	return err;
}

/*
 * User fences
 *
 * A struct svm_fence is a timeline in a page of its own, which the device
 * never touches: each submission given the fence chains a DRM_SVM_EXT_USER_FENCE that
 * stores the next value, and waiting for the fence waits for the last value
 * handed out. The kernel stores to whatever is mapped at the fence's
 * address when the work ends, so destroy a fence only once its work ended.
 * Use one fence per queue (a device's jobs, a VM's prefetches):
 * work of two queues may end out of order.
 */
struct svm_fence {
	/* Stored by the kernel: the value of the last work that ended */
	volatile uint64_t value;
	/* Stored by the kernel before @value: that work's result */
	volatile int64_t error;
	/* The last value handed out */
	uint64_t last;
	/* The extension of the last submission */
	struct drm_svm_ext_user_fence ext;
};

#define SVM_FENCE_SIZE		4096

/* A fence, or NULL if out of memory; asserts nothing (for threads). */
static inline struct svm_fence *__svm_fence_create(void)
{
	void *f = mmap(NULL, SVM_FENCE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return f == MAP_FAILED ? NULL : f;
}

/* Frees a fence of __svm_fence_create(), or nothing if NULL; 0 or -errno. */
static inline int __svm_fence_destroy(struct svm_fence *f)
{
	if (f && munmap(f, SVM_FENCE_SIZE))
		return -errno;
	return 0;
}

static inline struct svm_fence *svm_fence_create(void)
{
	struct svm_fence *f = __svm_fence_create();

	igt_assert(f);
	return f;
}

static inline void svm_fence_destroy(struct svm_fence *f)
{
	igt_assert_eq(__svm_fence_destroy(f), 0);
}

/*
 * svm_fence_chain() - Put a user fence with @f's next value at the head of
 * the extension chain @extensions; nothing when @f is NULL. After a failed
 * ioctl, svm_fence_unchain() takes the value back.
 */
static inline void svm_fence_chain(struct svm_fence *f, __u64 *extensions)
{
	if (!f)
		return;
	f->ext = (struct drm_svm_ext_user_fence) {
		.base.next_extension = *extensions,
		.base.name = DRM_SVM_EXT_USER_FENCE,
		.addr = (uintptr_t)&f->value,
		.value = ++f->last,
		.error_addr = (uintptr_t)&f->error,
	};
	*extensions = (uintptr_t)&f->ext;
}

static inline void svm_fence_unchain(struct svm_fence *f)
{
	if (f)
		f->last--;
}

/* The wait ioctl as is: 0 or -errno. */
static inline int __svm_wait_ufence(int fd,
				    struct drm_svm_wait_user_fence *args)
{
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, args))
		err = -errno;
	errno = 0;
	return err;
}

/*
 * __svm_wait_job() - Wait until @f's last work has ended, for at most
 * @timeout_ns; 0 or -errno (-ETIME on timeout).
 */
static inline int __svm_wait_job(int fd, struct svm_fence *f,
				 uint64_t timeout_ns)
{
	struct drm_svm_wait_user_fence w = {
		.addr = (uintptr_t)&f->value,
		.value = f->last,
		.mask = ~0ull,
		.op = DRM_SVM_UFENCE_WAIT_GTE,
		.timeout_ns = (int64_t)timeout_ns,
	};
	int err;

	do {
		err = __svm_wait_ufence(fd, &w);
	} while (err == -EINTR);
	svm_barrier();
	return err;
}

static inline void svm_wait_job(int fd, struct svm_fence *f,
				uint64_t timeout_ns)
{
	int err = __svm_wait_job(fd, f, timeout_ns);

	igt_assert_f(err == 0, "user fence wait failed: %d (%s)\n", err,
		     strerror(-err));
}

/*
 * Status of @f's last work: 1 ended, 0 pending, or the negative error it
 * ended with; INT_MIN, which no check expects, for an error word that is
 * no -errno.
 */
static inline int svm_fence_status(struct svm_fence *f)
{
	int64_t err;

	if (__atomic_load_n(&f->value, __ATOMIC_ACQUIRE) < f->last)
		return 0;
	err = f->error;
	if (!err)
		return 1;
	return err < 0 && err >= -4095 ? (int)err : INT_MIN;
}

/* The error word of @f holds @err (0 or -errno), all 64 bits of it. */
#define svm_assert_fence_error(f, err) do { \
	int64_t __got = (f)->error, __want = (err); \
	igt_assert_f(__got == __want, "fence error %" PRId64 \
		     ", expected %" PRId64 "\n", __got, __want); \
} while (0)

/*
 * svm_fence_poll() - Wait until @f's last work has ended by reading the
 * fence word, without the wait ioctl (for a process with no usable vsvm
 * file); false if @timeout_ns passed first.
 */
static inline bool svm_fence_poll(struct svm_fence *f, uint64_t timeout_ns)
{
	int64_t end = svm_now_ns() + (int64_t)timeout_ns;

	while (__atomic_load_n(&f->value, __ATOMIC_ACQUIRE) < f->last) {
		if (svm_now_ns() > end)
			return false;
		usleep(1000);
	}
	return true;
}

/** svm_exec() - Submit @len bytes of commands at @addr; returns the job id */
static inline uint64_t svm_exec(int fd, uint32_t vm, uint64_t addr,
				uint64_t len, struct svm_fence *f)
{
	struct drm_vsvm_exec args = {
		.vm_id = vm,
		.batch_addr = addr,
		.batch_len = len,
	};

	svm_fence_chain(f, &args.extensions);
	igt_assert_eq(__svm_exec(fd, &args), 0);
	return args.job_id;
}

/* Submits @b, which must end with cmd_end() or at its last command. */
static inline uint64_t svm_exec_batch(int fd, uint32_t vm,
				      const struct svm_batch *b,
				      struct svm_fence *f)
{
	return svm_exec(fd, vm, svm_batch_addr(b), svm_batch_len(b), f);
}

static inline int __svm_job_query(int fd, struct drm_vsvm_job_query *q)
{
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_JOB_QUERY, q))
		err = -errno;
	errno = 0;
	return err;
}

static inline void svm_job_query(int fd, uint64_t job_id,
				 struct drm_vsvm_job_query *q)
{
	memset(q, 0, sizeof(*q));
	q->job_id = job_id;
	igt_assert_eq(__svm_job_query(fd, q), 0);
}

static inline bool svm_job_ended(const struct drm_vsvm_job_query *q)
{
	return q->status == DRM_VSVM_JOB_DONE ||
	       q->status == DRM_VSVM_JOB_FAILED;
}

static inline const char *svm_job_status_str(uint32_t status)
{
	switch (status) {
	case DRM_VSVM_JOB_QUEUED:	return "QUEUED";
	case DRM_VSVM_JOB_RUNNING:	return "RUNNING";
	case DRM_VSVM_JOB_DONE:		return "DONE";
	case DRM_VSVM_JOB_FAILED:	return "FAILED";
	default:			return "?";
	}
}

static inline const char *svm_access_str(uint32_t access)
{
	switch (access) {
	case DRM_SVM_ACCESS_READ:	return "READ";
	case DRM_SVM_ACCESS_WRITE:	return "WRITE";
	case DRM_SVM_ACCESS_ATOMIC:	return "ATOMIC";
	default:			return "?";
	}
}

static inline void svm_job_print(const char *what,
				 const struct drm_vsvm_job_query *q)
{
	igt_info("%s: job %" PRIu64 " %s error %d (%s) faults %" PRIu64
		 "; fault at %#" PRIx64 " %s engine %u error %d\n",
		 what, (uint64_t)q->job_id, svm_job_status_str(q->status),
		 q->error, strerror(-q->error), (uint64_t)q->faults,
		 (uint64_t)q->fault.address, svm_access_str(q->fault.access),
		 q->fault.engine, q->fault.error);
}

/*
 * __svm_run() - Submit, wait for and query a job, without asserting
 * @f: the user fence to wait with (one per thread: not NULL)
 * @q: out: the job's record
 *
 * Returns: 0 when the job ended (successfully or not) and @q says how,
 * otherwise the -errno of the step that failed.
 */
static inline int __svm_run(int fd, uint32_t vm, uint64_t addr, uint64_t len,
			    struct svm_fence *f, struct drm_vsvm_job_query *q)
{
	struct drm_vsvm_exec exec = {
		.vm_id = vm,
		.batch_addr = addr,
		.batch_len = len,
	};
	int err;

	if (!f)
		return -EINVAL;
	svm_fence_chain(f, &exec.extensions);
	err = __svm_exec(fd, &exec);
	if (err) {
		svm_fence_unchain(f);
		return err;
	}
	err = __svm_wait_job(fd, f, SVM_JOB_TIMEOUT_NS);
	if (err)
		return err;

	memset(q, 0, sizeof(*q));
	q->job_id = exec.job_id;
	err = __svm_job_query(fd, q);
	if (err)
		return err;
	return svm_job_ended(q) ? 0 : -EBUSY;
}

/*
 * svm_run_batch() - Run @b in @vm and wait for it
 *
 * The user fence is written once the job's record is complete, so the
 * record must say DONE or FAILED by then, with the error the fence got.
 *
 * Returns: the job's record.
 */
static inline struct drm_vsvm_job_query
svm_run_batch(int fd, uint32_t vm, const struct svm_batch *b)
{
	static __thread struct svm_fence *f;
	struct drm_vsvm_job_query q = {};
	uint64_t job;
	int err;

	if (!f)
		f = svm_fence_create();
	job = svm_exec_batch(fd, vm, b, f);
	err = __svm_wait_job(fd, f, SVM_JOB_TIMEOUT_NS);
	svm_job_query(fd, job, &q);
	if (err)
		svm_job_print("job not done in time", &q);
	igt_assert_f(err == 0, "user fence wait failed: %d (%s)\n", err,
		     strerror(-err));

	igt_assert_f(svm_job_ended(&q),
		     "job %" PRIu64 " is %s after its fence was written\n",
		     job, svm_job_status_str(q.status));
	igt_assert_f(f->error == q.error,
		     "job %" PRIu64 ": fence error %" PRId64 ", record %d\n",
		     job, (int64_t)f->error, q.error);
	igt_debug("job %" PRIu64 ": %s error %d faults %" PRIu64 "\n", job,
		  svm_job_status_str(q.status), q.error, (uint64_t)q.faults);
	return q;
}

/* Runs @b, which must succeed. */
static inline struct drm_vsvm_job_query
svm_run_batch_ok(int fd, uint32_t vm, const struct svm_batch *b)
{
	struct drm_vsvm_job_query q = svm_run_batch(fd, vm, b);

	if (q.status != DRM_VSVM_JOB_DONE || q.error)
		svm_job_print("unexpected failure", &q);
	igt_assert_eq_u32(q.status, DRM_VSVM_JOB_DONE);
	igt_assert_eq(q.error, 0);
	return q;
}

/*
 * Checks that a job failed on a fatal fault with @error, by an access of
 * kind @access somewhere in GPU range [@start, @end).
 */
static inline void svm_assert_fault(const struct drm_vsvm_job_query *q,
				    int error, uint32_t access,
				    uint64_t start, uint64_t end)
{
	if (q->status != DRM_VSVM_JOB_FAILED || q->error != error ||
	    q->fault.error != error || q->fault.access != access ||
	    q->fault.address < start || q->fault.address >= end)
		svm_job_print("unexpected outcome", q);

	igt_assert_eq_u32(q->status, DRM_VSVM_JOB_FAILED);
	igt_assert_eq(q->error, error);
	igt_assert_eq(q->fault.error, error);
	igt_assert_eq_u32(q->fault.access, access);
	igt_assert_eq_u32(q->fault.engine, 0);
	igt_assert_f(q->fault.address >= start && q->fault.address < end,
		     "fault address %#" PRIx64 " outside [%#" PRIx64
		     ", %#" PRIx64 ")\n", (uint64_t)q->fault.address,
		     start, end);
}

/*
 * Userfaultfd
 */

/*
 * __svm_uffd_open() - A non-blocking userfaultfd for missing-page faults
 * of [@addr, @addr + @len); the fd, or -errno. Asserts nothing, so that a
 * child may call it.
 */
static inline int __svm_uffd_open(void *addr, uint64_t len)
{
	struct uffdio_register reg = {
		.range = { .start = to_u64(addr), .len = len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	struct uffdio_api api = { .api = UFFD_API };
	int uffd, err;

	uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		return -errno;
	if (ioctl(uffd, UFFDIO_API, &api) ||
	    ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		err = -errno;
		close(uffd);
		return err;
	}
	return uffd;
}

/*
 * Memory attributes
 */

/* __svm_madvise() - Set the memory attribute of @m; 0 or -errno. */
static inline int __svm_madvise(int fd, struct drm_svm_madvise *m)
{
	if (drmIoctl(fd, DRM_IOCTL_VSVM_MADVISE, m))
		return -errno;
	return 0;
}

/*
 * Migration: prefetch and residency snapshots
 */

static inline int __svm_prefetch_ioctl(int fd, struct drm_svm_prefetch *args)
{
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_PREFETCH, args))
		err = -errno;
	errno = 0;
	return err;
}

/*
 * __svm_prefetch_flags() - Move GPU range [@gpu, @gpu + @size) of @vm to
 * @region (DRM_SVM_REGION_*) with @flags (DRM_SVM_PREFETCH_FLAG_*),
 * asynchronously with user fence @f when not NULL
 * @moved: out, may be NULL: the pages moved, for a synchronous call
 *
 * Returns: 0 or -errno.
 */
static inline int __svm_prefetch_flags(int fd, uint32_t vm, uint64_t gpu,
				       uint64_t size, uint32_t region,
				       uint32_t flags, struct svm_fence *f,
				       uint64_t *moved)
{
	struct drm_svm_prefetch args = {
		.vm_id = vm,
		.region = region,
		.gpu_addr = gpu,
		.range = size,
		.flags = flags,
		/* The kernel sets it, to 0 for asynchronous work */
		.moved = ~0ull,
	};
	int err;

	svm_fence_chain(f, &args.extensions);
	err = __svm_prefetch_ioctl(fd, &args);
	if (err)
		svm_fence_unchain(f);
	if (moved)
		*moved = args.moved;
	return err;
}

/* __svm_prefetch_flags() without flags: move and map */
static inline int __svm_prefetch(int fd, uint32_t vm, uint64_t gpu,
				 uint64_t size, uint32_t region,
				 struct svm_fence *f, uint64_t *moved)
{
	return __svm_prefetch_flags(fd, vm, gpu, size, region, 0, f, moved);
}

/** svm_prefetch() - Synchronous prefetch; returns the pages moved */
static inline uint64_t svm_prefetch(int fd, uint32_t vm, uint64_t gpu,
				    uint64_t size, uint32_t region)
{
	uint64_t moved = 0;

	igt_assert_eq(__svm_prefetch(fd, vm, gpu, size, region, NULL, &moved),
		      0);
	return moved;
}

/*
 * svm_prefetch_async() - Prefetch with user fence @f, and wait for it;
 * returns the fence status (1 ended, or the -errno it ended with).
 */
static inline int svm_prefetch_async(int fd, uint32_t vm, uint64_t gpu,
				     uint64_t size, uint32_t region,
				     struct svm_fence *f)
{
	uint64_t moved = ~0ull;

	igt_assert_eq(__svm_prefetch(fd, vm, gpu, size, region, f, &moved),
		      0);
	igt_assert_eq_u64(moved, 0);
	svm_wait_job(fd, f, SVM_JOB_TIMEOUT_NS);
	return svm_fence_status(f);
}

static inline int __svm_residency_ioctl(int fd, struct drm_svm_residency *args)
{
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_RESIDENCY, args))
		err = -errno;
	errno = 0;
	return err;
}

/*
 * svm_residency() - Snapshot of @npages pages at GPU address @gpu of @vm
 *
 * Returns: a malloc()'d array of @npages entries, for the caller to free.
 */
static inline struct drm_svm_page_residency *
svm_residency(int fd, uint32_t vm, uint64_t gpu, uint64_t npages)
{
	struct drm_svm_page_residency *pages;
	struct drm_svm_residency args = {
		.vm_id = vm,
		.gpu_addr = gpu,
		.npages = npages,
	};

	pages = calloc(npages, sizeof(*pages));
	igt_assert(pages);
	/* Garbage the kernel must overwrite. */
	memset(pages, 0xa5, npages * sizeof(*pages));
	args.pages = to_u64(pages);
	igt_assert_eq(__svm_residency_ioctl(fd, &args), 0);
	return pages;
}

static inline const char *svm_location_str(uint16_t location)
{
	switch (location) {
	case DRM_SVM_RESIDENT_NONE:	return "NONE";
	case DRM_SVM_RESIDENT_SYSTEM:	return "SYSTEM";
	case DRM_SVM_RESIDENT_DEVICE:	return "DEVICE";
	default:			return "?";
	}
}

/* Pages of @r[0 .. @n) by location: @count[NONE], [SYSTEM], [DEVICE]. */
static inline void svm_residency_count(const struct drm_svm_page_residency *r,
				       uint64_t n, uint64_t count[3])
{
	uint64_t i;

	memset(count, 0, 3 * sizeof(*count));
	for (i = 0; i < n; i++)
		if (r[i].location <= DRM_SVM_RESIDENT_DEVICE)
			count[r[i].location]++;
}

/*
 * CPU buffers
 */

static inline void *svm_mmap(uint64_t size, int prot, int flags)
{
	void *ptr = mmap(NULL, size, prot, flags | MAP_ANONYMOUS, -1, 0);

	igt_assert(ptr != MAP_FAILED);
	return ptr;
}

/* Private anonymous read-write memory, not touched by the CPU. */
static inline void *svm_alloc(uint64_t size)
{
	return svm_mmap(size, PROT_READ | PROT_WRITE, MAP_PRIVATE);
}

/* @size bytes aligned to @align, the rest of the reservation unmapped. */
static inline void *svm_alloc_aligned(uint64_t size, uint64_t align)
{
	uint8_t *ptr = svm_alloc(size + align);
	uint8_t *start = from_u64(svm_align_up(to_u64(ptr), align));

	if (start > ptr)
		munmap(ptr, start - ptr);
	munmap(start + size, ptr + align - start);
	return start;
}

/*
 * 32-bit words that may alias memory of any type: the buffers compared
 * are often written as 64-bit words, and plain uint32_t loads would let
 * the compiler read them before such a store (strict aliasing).
 */
typedef uint32_t __attribute__((may_alias)) svm_word32;

/* Fills with 32-bit words seed, seed + 1, ... (never all zero). */
static inline void svm_pattern_fill(void *ptr, uint64_t len, uint32_t seed)
{
	svm_word32 *p = ptr;
	uint64_t i;

	for (i = 0; i < len / 4; i++)
		p[i] = seed + (uint32_t)i;
}

/*
 * Index of the first 32-bit word of @ptr that is not @seed + index, or
 * -1 if all match.
 */
static inline int64_t svm_pattern_check(const void *ptr, uint64_t len,
					uint32_t seed)
{
	const svm_word32 *p = ptr;
	uint64_t i;

	for (i = 0; i < len / 4; i++)
		if (p[i] != seed + (uint32_t)i)
			return i;
	return -1;
}

/* Index of the first 32-bit word that is not @value, or -1. */
static inline int64_t svm_value_check(const void *ptr, uint64_t len,
				      uint32_t value)
{
	const svm_word32 *p = ptr;
	uint64_t i;

	for (i = 0; i < len / 4; i++)
		if (p[i] != value)
			return i;
	return -1;
}

#define svm_assert_pattern(ptr, len, seed) do { \
	const svm_word32 *__p = (const void *)(ptr); \
	int64_t __i = svm_pattern_check(__p, (len), (seed)); \
	igt_assert_f(__i < 0, "%s: word %" PRId64 " is %#x, expected %#x\n", \
		     #ptr, __i, __i < 0 ? 0 : __p[__i], \
		     (uint32_t)((seed) + (uint32_t)__i)); \
} while (0)

#define svm_assert_value(ptr, len, value) do { \
	const svm_word32 *__p = (const void *)(ptr); \
	int64_t __i = svm_value_check(__p, (len), (value)); \
	igt_assert_f(__i < 0, "%s: word %" PRId64 " is %#x, expected %#x\n", \
		     #ptr, __i, __i < 0 ? 0 : __p[__i], (uint32_t)(value)); \
} while (0)

/* Index of the first 32-bit word where @a and @b differ, or -1. */
static inline int64_t svm_mem_diff(const void *a, const void *b, uint64_t len)
{
	const svm_word32 *pa = a, *pb = b;
	uint64_t i;

	for (i = 0; i < len / 4; i++)
		if (pa[i] != pb[i])
			return i;
	return -1;
}

#define svm_assert_mem_eq(got, expected, len) do { \
	const svm_word32 *__g = (const void *)(got); \
	const svm_word32 *__e = (const void *)(expected); \
	int64_t __i = svm_mem_diff(__g, __e, (len)); \
	igt_assert_f(__i < 0, "%s: word %" PRId64 " is %#x, expected %#x\n", \
		     #got, __i, __i < 0 ? 0 : __g[__i], \
		     __i < 0 ? 0 : __e[__i]); \
} while (0)

#endif /* VSVM_SVM_LIB_H */

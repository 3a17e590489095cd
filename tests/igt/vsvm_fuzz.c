// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm fuzz
 * Category: Core
 * Description: Seeded, reproducible fuzzing of every vsvm and drm_svm
 *		ioctl. Each call starts from structurally valid arguments
 *		(real VM ids, mapped and bound ranges, user fences in fence
 *		pages of their own, job ids, render-node fds) and corrupts
 *		some of its fields with random and boundary values: wrapping
 *		and huge ranges, addresses near 2^47 and 2^64, unaligned
 *		values, unknown flags, non-zero pad, extension chains that
 *		loop or point at unmapped memory, user fences that are
 *		misaligned, doubled, reserved-dirty or in unwritable memory,
 *		non-zero syncobj fields, stale VM ids, handles and fds of
 *		other processes, a closed fd. Every errno must be one the uAPI
 *		documents for that ioctl; for the user fence wait, and for
 *		exec and prefetch, one that the arguments of that very call
 *		make possible.
 *
 * SUBTEST: errno-check
 * Description: Self-test of the checker: a call that fails with EINVAL
 *		is flagged against a table without EINVAL and accepted by the
 *		real one, so that the fuzzer can fail; and the errnos it
 *		expects of a call from its arguments: a user fence wait with
 *		an unknown op (EINVAL only), one whose condition is false
 *		with no time to wait (ETIME only), an exec with a non-zero
 *		syncobj (EOPNOTSUPP, never ENOENT).
 *
 * SUBTEST: unbind-split-enomem
 * Description: Reproducer of a leak the fuzzer found with failslab:
 *		unbinding the middle page of a three-page binding with the
 *		Nth slab allocation failing (fail-nth), N from 1 to 16.
 *		Each unbind must succeed or fail with ENOMEM with the
 *		binding intact, and kmemleak must then report nothing from
 *		drm_gpuva_sm_step(). Linux 6.12's drm_gpuva_sm_step() leaks
 *		the unmap step's copy when the copy of the remap's next step
 *		fails; the test kernel carries the fix
 *		(tools/testing/vm/patches/0002-*), and VSVM_FUZZ_REPRO=0
 *		skips this on a kernel without it.
 *
 * SUBTEST: ioctls
 * Description: VSVM_FUZZ_CALLS calls (default 1000000) split over
 *		VSVM_FUZZ_WORKERS processes (default 2), from the seed
 *		VSVM_FUZZ_SEED (default fixed, printed). Fails on any errno
 *		outside an ioctl's documented set, naming ioctl, errno, seed,
 *		worker and call index, and on a worker that stops making
 *		progress (watchdog). Prints the calls of each ioctl per errno.
 *		With VSVM_FUZZ_FAILSLAB=1, one slab allocation of 2% of the
 *		calls fails (failslab, filtered to the fuzzer's tasks).
 *		Exec and prefetch mostly carry a user fence in a slot of the
 *		worker's fence pages, which is reused only once the kernel
 *		wrote it: a failed call must leave it untouched, a job's
 *		result word must match its record, an asynchronous prefetch
 *		must report no pages moved and end with a documented errno.
 *		Waits use timeouts of at most 2 ms, some interrupted by a
 *		timer signal, and check the time left they return. At the
 *		end every fence a worker handed out must have been written,
 *		and a last job on each device must find every earlier one
 *		ended.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

IGT_TEST_DESCRIPTION("Seeded fuzzing of the vsvm and drm_svm ioctls");

#define FZ_PAGE		4096ull
#define FZ_2M		(2ull << 20)
#define FZ_VA_END	(1ull << 47)
#define FZ_MAX_ERRNO	160
#define FZ_MAX_DEVS	8
#define FZ_VMS		6	/* live VMs kept per file */
#define FZ_STALE	8	/* destroyed VM ids remembered per file */
#define FZ_MAX_WORKERS	8
#define FZ_MAX_BAD	16	/* violations recorded in detail */
#define FZ_STALL_S	30	/* watchdog: seconds without progress */
#define FZ_DEFAULT_SEED	0x5eed0f5e
#define FZ_WHY_LEN	288	/* a call's expectation, and its errnos */

/*
 * Each worker's memory is at fixed addresses, so that a seed gives the
 * same arguments, pointers included, on every run.
 */
#define FZ_BASE(worker)	(0x600000000000ull + ((uint64_t)(worker) << 32))
/*
 * A worker's user fence pages, far from its span: no binding made from
 * the span's ranges covers them, so no job of the worker writes them.
 */
#define FZ_UF_BASE(worker) (0x500000000000ull + ((uint64_t)(worker) << 32))

/* An address in the kernel half, as an x86-64 direct map one. */
#define FZ_KERNEL_ADDR	0xffff888000000000ull

/*
 * User fences: slots of a value and a result word in two pages of the
 * worker's own, handed out round-robin. The last FZ_UF_SPARE slots are
 * only ever named by fences the kernel must refuse, so they must never
 * be written.
 */
#define FZ_UF_SLOTS	(2 * FZ_PAGE / 16)
#define FZ_UF_SPARE	2
/* A result word the kernel has not written */
#define FZ_UF_NOERR	0x5afe5afe5afe5afeull
/* The longest a fenced job or prefetch may take; the watchdog is shorter */
#define FZ_UF_WAIT_NS	(120ull * 1000 * 1000 * 1000)
/* The longest fuzzed wait: keeps the call rate up */
#define FZ_WAIT_MAX_NS	2000000ll

/* The first driver ioctl number past the table */
#define FZ_FIRST_UNKNOWN	(DRM_VSVM_WAIT_USER_FENCE + 1)

/* What a field holds, which steers the values it is corrupted with. */
enum fz_kind {
	K_EXT,		/* extension chain pointer */
	K_PTR,		/* user pointer */
	K_ADDR,		/* CPU or GPU address */
	K_SIZE,		/* size in bytes or pages */
	K_VM,		/* VM id */
	K_SYNC,		/* syncobj handle: none is valid (EOPNOTSUPP) */
	K_JOB,		/* job id */
	K_ENUM,		/* op, region, type, location: small values */
	K_FLAGS,	/* flags */
	K_MBZ,		/* pad, reserved */
	K_FD,		/* file descriptor */
	K_TIME,		/* a wait's timeout */
	K_OUT,		/* output only */
};

struct fz_field {
	unsigned short off, size;
	unsigned char kind;
	const char *name;
};

/* Shared words written by one process and read by another. */
#define FZ_LOAD(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define FZ_STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#define F(type, member, k) \
	{ offsetof(type, member), sizeof(((type *)0)->member), k, #member }

struct fz;

struct fz_ioctl {
	const char *name;
	unsigned long cmd;
	unsigned int size;
	unsigned int weight;
	const int *errnos;	/* documented errnos, 0-terminated */
	const struct fz_field *fields;
	unsigned int num_fields;
	void (*gen)(struct fz *f, void *arg);
	void (*done)(struct fz *f, void *arg, int err);
	/*
	 * The errnos this call's arguments make possible, in f->exp; may
	 * make the arguments safe first (a wait's timeout). @size is what
	 * the command says, so the kernel sees @arg cut or zero-extended.
	 */
	void (*expect)(struct fz *f, void *arg, unsigned int size);
	/* After every call of the ioctl, whatever its target and size. */
	void (*after)(struct fz *f, void *arg, unsigned int size, int err);
};

enum {
	IO_DEVICE_QUERY, IO_VM_CREATE, IO_VM_DESTROY, IO_VM_BIND, IO_EXEC,
	IO_JOB_QUERY, IO_PREFETCH, IO_RESIDENCY, IO_TOPOLOGY, IO_MADVISE,
	IO_ATTR_QUERY, IO_WAIT_UFENCE, IO_UNKNOWN, IO_NUM
};

/* A set of errnos below FZ_MAX_ERRNO; 0 stands for success. */
struct fz_errs {
	uint64_t w[(FZ_MAX_ERRNO + 63) / 64];
};

/* Shared between the workers and the parent (MAP_SHARED). */
struct fz_bad {
	unsigned int worker, ioctl, target;
	int err;
	uint64_t call;
	unsigned char arg[128];
	unsigned int size;
	char why[FZ_WHY_LEN];	/* what was expected, or what went wrong */
};

struct fz_shared {
	uint64_t hist[16][FZ_MAX_ERRNO];
	uint64_t other[16];		/* errnos >= FZ_MAX_ERRNO */
	/* Read by the parent while the workers write them. */
	uint64_t progress[FZ_MAX_WORKERS];
	int current[FZ_MAX_WORKERS];	/* ioctl in flight, or -1 */
	uint64_t digest[FZ_MAX_WORKERS];
	pid_t pid[FZ_MAX_WORKERS];
	uint64_t nbad;
	bool capped;		/* a worker stopped at the time cap */
	uint64_t sigbus;	/* CPU writes abandoned on a SIGBUS */
	uint64_t failslab;	/* calls made with an allocation failing */
	uint64_t uf_taken;	/* user fences of queued work */
	uint64_t uf_reaped;	/* of those, found written and checked */
	uint64_t uf_waited;	/* of those, waited for with the ioctl */
	uint64_t uf_refused;	/* fences the kernel had to refuse */
	uint64_t uf_timed;	/* waits with a timer signal */
	struct fz_bad bad[FZ_MAX_BAD];
};

struct fz_file {
	int fd;
	int dev;
	uint32_t vms[FZ_VMS];
	unsigned int num_vms;
	uint32_t stale[FZ_STALE];
	unsigned int num_stale;
	uint64_t last_job;
	unsigned int execs;
	uint64_t gen;		/* which opening of the file this is */
};

/* Where a call goes. */
enum fz_target {
	T_OWN,		/* one of the worker's render nodes */
	T_FOREIGN,	/* a node opened by a child that has exited */
	T_FRESH,	/* a node the worker opened and never used */
	T_CLOSED,	/* a closed fd: EBADF */
	T_NOTDRM,	/* /dev/null: ENOTTY */
	T_BADARG,	/* argument pointer unreadable: EFAULT */
	T_NUM,
};

static const char * const fz_target_names[T_NUM] = {
	"own", "foreign", "fresh", "closed", "not-drm", "bad-arg",
};

struct fz_region {
	uint64_t addr, size;
};

enum {
	R_MAIN,		/* 4 MiB anonymous, 2 MiB aligned */
	R_SMALL,	/* 256 KiB anonymous, a small VMA */
	R_SHARED,	/* 1 MiB memfd, MAP_SHARED */
	R_RDONLY,	/* 64 KiB read-only */
	R_NONE,		/* 64 KiB PROT_NONE */
	R_CHURN,	/* 1 MiB, unmapped and mapped again */
	R_BATCH,	/* 64 KiB of batches */
	R_HOLE,		/* 1 MiB never mapped */
	R_NUM,
};

/* The user fence a call carries, as gen_exec() and gen_prefetch() make it. */
enum fz_uf_kind {
	UF_NONE,	/* no extension */
	UF_SLOT,	/* valid, in a slot of the fence pages */
	UF_MAIN,	/* valid, in the main region: GPU-bound memory */
	/* Refused with EINVAL */
	UF_ZERO,	/* addr 0 */
	UF_ALIGN,	/* addr not 8-byte aligned */
	UF_EALIGN,	/* error_addr not 8-byte aligned */
	UF_RSVD,	/* reserved not zero */
	UF_PAD,		/* base.pad not zero */
	UF_DUP,		/* a second user fence chained */
	UF_SELF,	/* the same user fence twice (next points at itself) */
	UF_NAME,	/* followed by an extension of an unknown name */
	/* Refused with EFAULT */
	UF_NEXT,	/* followed by a next pointer into a hole */
	UF_TORN,	/* the struct runs into a guard page */
	UF_HOLE,	/* addr never mapped */
	UF_RDONLY,	/* addr read-only */
	UF_PROTNONE,	/* addr PROT_NONE */
	UF_EHOLE,	/* error_addr never mapped */
	UF_ERDONLY,	/* error_addr read-only */
	UF_KERNEL,	/* addr in the kernel half or past the user space */
	UF_NUM,
};

static const struct {
	const char *name;
	int err;	/* what the kernel refuses it with, or 0 */
} fz_uf_kinds[UF_NUM] = {
	[UF_NONE] = { "none", 0 }, [UF_SLOT] = { "slot", 0 },
	[UF_MAIN] = { "main", 0 },
	[UF_ZERO] = { "addr 0", EINVAL },
	[UF_ALIGN] = { "misaligned addr", EINVAL },
	[UF_EALIGN] = { "misaligned error_addr", EINVAL },
	[UF_RSVD] = { "reserved set", EINVAL },
	[UF_PAD] = { "pad set", EINVAL },
	[UF_DUP] = { "two fences", EINVAL },
	[UF_SELF] = { "one fence twice", EINVAL },
	[UF_NAME] = { "then an unknown extension", EINVAL },
	[UF_NEXT] = { "then an unreadable next", EFAULT },
	[UF_TORN] = { "runs into a guard page", EFAULT },
	[UF_HOLE] = { "addr unmapped", EFAULT },
	[UF_RDONLY] = { "addr read-only", EFAULT },
	[UF_PROTNONE] = { "addr PROT_NONE", EFAULT },
	[UF_EHOLE] = { "error_addr unmapped", EFAULT },
	[UF_ERDONLY] = { "error_addr read-only", EFAULT },
	[UF_KERNEL] = { "addr not user memory", EFAULT },
};

/* The words of a fence slot, which the kernel writes. */
struct fz_uf_word {
	uint64_t value;		/* 0 until written */
	int64_t error;		/* FZ_UF_NOERR until written */
};

/* What the worker knows of a slot. */
struct fz_uf_slot {
	uint64_t token;		/* the value of its work; 0: free */
	uint64_t call;		/* the call that queued it */
	uint64_t job;		/* the exec's job id, or 0 */
	struct fz_file *file;	/* where it was queued; NULL: not ours */
	uint64_t file_gen;
	unsigned int ioctl;
	bool has_error;		/* error_addr is the slot's error */
	bool taken;		/* handed out, not yet found written */
};

/* The fence of the call being made. */
struct fz_uf_call {
	enum fz_uf_kind kind;
	int slot;		/* UF_SLOT: the slot, otherwise -1 */
	uint64_t head;		/* the extensions value that carries it */
	bool taken;		/* after the call: the kernel has it */
};

struct fz {
	uint64_t rng;
	uint64_t seed;
	unsigned int worker;
	uint64_t call;
	uint64_t limit;
	uint64_t digest;
	struct fz_shared *sh;
	bool child;		/* a fork child using inherited fds */

	struct fz_file files[FZ_MAX_DEVS];
	unsigned int num_files;
	int foreign_fd;
	uint32_t foreign_vms[2];
	int fresh_fd;
	int closed_fd;
	int null_fd;

	struct fz_region reg[R_NUM];
	bool churn_mapped;
	void *scratch;		/* 1 MiB, followed by a guard page */
	uint64_t ext[16];	/* extension chains */
	unsigned int num_ext;
	void *ext_page;		/* their page, then a guard page */
	uint64_t span_end;	/* the end of the worker's fixed mappings */

	/* User fences */
	struct fz_uf_word *uf_words;	/* FZ_UF_SLOTS, two pages */
	struct fz_uf_slot uf_slots[FZ_UF_SLOTS];
	unsigned int uf_next;		/* the next slot to hand out */
	uint64_t uf_token;		/* the last value handed out */
	/* A page for the fence extensions of a call, then a guard page */
	struct drm_svm_ext_user_fence *uf_ext;
	struct fz_uf_call uf;
	uint64_t file_gens;		/* openings of files so far */

	/* The errnos the call being made may return, when exp_on */
	bool exp_on;
	struct fz_errs exp;
	char exp_why[96];
	/* A wait's timer signal, in microseconds, and its timeout in */
	unsigned int timer_us;
	int64_t wait_in;
	int32_t *fd_array;	/* for ACCESSED_BY */
	unsigned int batch_slot;
	uint64_t heavy_every;	/* calls between two that may run work */
	uint64_t heavy_next;
	double deadline;	/* CLOCK_MONOTONIC seconds to stop at */
	int fail_space, fail_times, fail_me;	/* failslab, or -1 */

	/* The call being made, for done() hooks. */
	struct fz_file *file;
	enum fz_target target;
};

/* splitmix64: small, fast, and every seed is a good one. */
static uint64_t fz_next(struct fz *f)
{
	uint64_t z = (f->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t fz_below(struct fz *f, uint64_t n)
{
	return n ? fz_next(f) % n : 0;
}

/* True with probability @pct percent. */
static bool fz_chance(struct fz *f, unsigned int pct)
{
	return fz_below(f, 100) < pct;
}

static uint64_t fz_mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

/*
 * The errnos the uAPI documents, per ioctl. Every one also has those of
 * its extension chain (EINVAL, EFAULT, E2BIG) and those the DRM core or
 * an allocation gives any ioctl (EFAULT for the argument, ENOMEM).
 */
static const int e_device_query[] = { EINVAL, EFAULT, E2BIG, ENOMEM, 0 };

/* EOPNOTSUPP: a no-fault VM on a device that cannot run one (not vsvm) */
static const int e_vm_create[] = {
	EINVAL, EFAULT, E2BIG, ENOMEM, EOPNOTSUPP, 0
};

static const int e_vm_destroy[] = {
	EINVAL, EFAULT, E2BIG, ENOMEM, ENOENT, EACCES, 0
};

static const int e_vm_bind[] = {
	EINVAL, EFAULT, E2BIG, ENOMEM, ENOENT, EACCES, EPERM, EINTR, EBUSY, 0
};

/*
 * EOPNOTSUPP: a non-zero syncobj; EFAULT also: an unwritable user fence;
 * EINTR: killed while the user fence is faulted in.
 */
static const int e_exec[] = {
	EINVAL, EFAULT, E2BIG, ENOMEM, ENOENT, EACCES, EOPNOTSUPP, EINTR, 0
};

static const int e_job_query[] = {
	EINVAL, EFAULT, E2BIG, ENOMEM, ENOENT, 0
};

static const int e_prefetch[] = {
	EINVAL, EFAULT, E2BIG, ENOMEM, ENOENT, EACCES, EPERM, EINTR, EIO,
	EBUSY, EOPNOTSUPP, 0
};

static const int e_residency[] = {
	EINVAL, EFAULT, E2BIG, ENOMEM, ENOENT, EACCES, EINTR, 0
};

static const int e_topology[] = { EINVAL, EFAULT, E2BIG, ENOMEM, 0 };

static const int e_madvise[] = {
	EINVAL, EFAULT, E2BIG, ENOMEM, EBADF, ENOLINK, ENOSPC, EACCES, 0
};

static const int e_attr_query[] = {
	EINVAL, EFAULT, E2BIG, ENOMEM, EACCES, 0
};

/*
 * The wait: EINVAL (args, any extension), EFAULT (an unreadable word, or
 * extension pointer), ETIME, EINTR; ENOMEM as any ioctl. Which of them a
 * call may give, fz_wait_errs() says from its arguments.
 */
static const int e_wait_ufence[] = {
	EINVAL, EFAULT, ETIME, EINTR, ENOMEM, 0
};

/* A driver ioctl number past the table: the DRM core says EINVAL. */
static const int e_unknown[] = { EINVAL, 0 };

/*
 * Results a fence of an asynchronous prefetch may get, those the
 * prefetch uAPI lists for the work, -ENOENT for one cancelled by a VM
 * destroy or a file close, -EFAULT for one whose process is gone.
 */
static const int e_prefetch_result[] = {
	EFAULT, EPERM, EINTR, EBUSY, EIO, ENOENT, ENOMEM, 0
};

static bool fz_errno_allowed(const int *errnos, int err)
{
	for (; *errnos; errnos++)
		if (*errnos == err)
			return true;
	return false;
}

static void es_add(struct fz_errs *s, int err)
{
	if (err >= 0 && err < FZ_MAX_ERRNO)
		s->w[err / 64] |= 1ull << (err % 64);
}

static bool es_has(const struct fz_errs *s, int err)
{
	return err >= 0 && err < FZ_MAX_ERRNO &&
	       (s->w[err / 64] >> (err % 64) & 1);
}

static void es_or(struct fz_errs *s, const struct fz_errs *t)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(s->w); i++)
		s->w[i] |= t->w[i];
}

static struct fz_errs es_of(int a, int b, int c)
{
	struct fz_errs s = {};

	/* 0 is success, so the list ends at the first -1. */
	if (a >= 0)
		es_add(&s, a);
	if (b >= 0)
		es_add(&s, b);
	if (c >= 0)
		es_add(&s, c);
	return s;
}

static void es_str(const struct fz_errs *s, char *buf, size_t len)
{
	size_t n = 0;
	int e;

	buf[0] = 0;
	for (e = 0; e < FZ_MAX_ERRNO && n + 1 < len; e++)
		if (es_has(s, e))
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "",
				      e ? strerrorname_np(e) : "0");
}

/*
 * Checks an ioctl makes, in an order the uAPI only partly fixes: a call
 * may fail with the errno of any check that fails, unless a check that
 * must come before it fails too; it may succeed only if none fails for
 * sure.
 */
enum { CK_PASS, CK_MAYBE, CK_FAIL };

struct fz_ck {
	unsigned char state;
	struct fz_errs errs;
	unsigned int after;	/* bits of the checks made before this one */
};

static struct fz_errs fz_ck_errs(const struct fz_ck *ck, unsigned int n)
{
	struct fz_errs s = {};
	bool fail = false;
	unsigned int i, j;

	for (i = 0; i < n; i++)
		fail |= ck[i].state == CK_FAIL;
	for (i = 0; i < n; i++) {
		if (ck[i].state == CK_PASS)
			continue;
		for (j = 0; j < n; j++)
			if ((ck[i].after >> j & 1) && ck[j].state == CK_FAIL)
				break;
		if (j == n)
			es_or(&s, &ck[i].errs);
	}
	if (!fail)
		es_add(&s, 0);
	/* Any ioctl that allocates may find the kernel out of memory. */
	es_add(&s, ENOMEM);
	return s;
}

/* Every address and size worth trying somewhere. */
static const uint64_t fz_boundary[] = {
	0, 1, 2, 7, 8, 0x7f, 0x80, 0xff, 0xfff, 0x1000, 0x1001, 0xffff,
	0x10000, 0x1fffff, 0x200000, 0x200001, 0x7fffffff, 0x80000000,
	0xffffffff, 0x100000000ull, 0x100001000ull,
	(1ull << 47) - 0x2000, (1ull << 47) - 0x1000, (1ull << 47) - 1,
	1ull << 47, (1ull << 47) + 0x1000, 1ull << 48, 1ull << 56,
	(1ull << 63) - 0x1000, 1ull << 63, (1ull << 63) + 0x1000,
	-0x200000ull, -0x2000ull, -0x1000ull, -0x1001ull, -8ull, -2ull, -1ull,
	FZ_KERNEL_ADDR,
};

static uint64_t fz_pages(struct fz *f, uint64_t max)
{
	return (1 + fz_below(f, max)) * FZ_PAGE;
}

static const struct fz_region *fz_region(struct fz *f)
{
	/* The main region most, every other one some. */
	if (fz_chance(f, 40))
		return &f->reg[R_MAIN];
	return &f->reg[fz_below(f, R_NUM)];
}

/* A page-aligned range in one region, sometimes running past its end. */
static void fz_range(struct fz *f, __u64 *addr, __u64 *size)
{
	const struct fz_region *r = fz_region(f);
	uint64_t pages = r->size / FZ_PAGE, first = fz_below(f, pages);

	*addr = r->addr + first * FZ_PAGE;
	if (fz_chance(f, 5))
		*size = (pages - first + 1 + fz_below(f, 64)) * FZ_PAGE;
	else
		*size = fz_pages(f, fz_chance(f, 80) ? 16 : pages - first);
}

static struct fz_file *fz_file(struct fz *f)
{
	return &f->files[fz_below(f, f->num_files)];
}

static uint32_t fz_vm(struct fz *f, struct fz_file *file)
{
	unsigned int r = fz_below(f, 100);

	if (r < 85 && file->num_vms)
		return file->vms[fz_below(f, file->num_vms)];
	if (r < 92 && file->num_stale)
		return file->stale[fz_below(f, file->num_stale)];
	if (r < 96)
		return f->foreign_vms[fz_below(f, 2)];
	return fz_below(f, 64);
}

/*
 * A syncobj handle: vsvm has none (no DRIVER_SYNCOBJ), so any non-zero
 * one fails an exec or a prefetch with EOPNOTSUPP. Mostly the small
 * handles a driver with syncobjs would give out.
 */
static uint32_t fz_syncobj(struct fz *f)
{
	uint32_t h = fz_chance(f, 70) ? 1 + fz_below(f, 8) : fz_next(f);

	return h ? h : 1;
}

/* A value for a field of kind @kind, @size bytes. */
static uint64_t fz_value(struct fz *f, unsigned int kind)
{
	struct fz_file *file = f->file;
	__u64 a, s;

	if (fz_chance(f, 25))
		return fz_boundary[fz_below(f, ARRAY_SIZE(fz_boundary))];
	if (fz_chance(f, 5))
		return fz_next(f);
	if (fz_chance(f, 5))
		return 1ull << fz_below(f, 64);

	switch (kind) {
	case K_EXT:
		return f->ext[fz_below(f, f->num_ext)];
	case K_PTR:
		switch (fz_below(f, 4)) {
		case 0:
			return f->reg[R_HOLE].addr;
		case 1:
			/* The last bytes before the guard page. */
			return (uintptr_t)f->scratch + (1 << 20) -
			       8 * (1 + fz_below(f, 64));
		case 2:
			return f->reg[R_RDONLY].addr;
		default:
			return (uintptr_t)f->scratch + fz_below(f, 1 << 20);
		}
	case K_ADDR:
		fz_range(f, &a, &s);
		return fz_chance(f, 20) ? a + 1 + fz_below(f, 4095) : a;
	case K_SIZE:
		fz_range(f, &a, &s);
		return fz_chance(f, 20) ? s - 1 - fz_below(f, 8) : s;
	case K_VM:
		return fz_vm(f, file);
	case K_SYNC:
		return fz_syncobj(f);
	case K_JOB:
		return file->last_job - fz_below(f, 8) + fz_below(f, 3);
	case K_ENUM:
		return fz_below(f, 8);
	case K_FLAGS:
	case K_MBZ:
		return 1ull << fz_below(f, 32);
	case K_TIME:
		if (fz_chance(f, 90))
			return fz_below(f, FZ_WAIT_MAX_NS + 1);
		return -1 - fz_below(f, 1000);
	case K_FD:
		switch (fz_below(f, 5)) {
		case 0:
			return f->closed_fd;
		case 1:
			return f->null_fd;
		case 2:
			return f->foreign_fd;
		default:
			return fz_file(f)->fd;
		}
	default:
		return fz_next(f);
	}
}

static void fz_set(void *arg, const struct fz_field *fl, uint64_t v)
{
	unsigned char *p = (unsigned char *)arg + fl->off;
	uint32_t v32 = v;
	uint16_t v16 = v;

	switch (fl->size) {
	case 8:
		memcpy(p, &v, 8);
		break;
	case 4:
		memcpy(p, &v32, 4);
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	default:
		*p = v;
	}
}

static void fz_flip(struct fz *f, void *arg, const struct fz_field *fl)
{
	unsigned char *p = (unsigned char *)arg + fl->off;
	unsigned int bit = fz_below(f, fl->size * 8);

	p[bit / 8] ^= 1u << (bit % 8);
}

/* Corrupt 1 to 3 fields of a valid argument. */
static void fz_mutate(struct fz *f, const struct fz_ioctl *io, void *arg)
{
	unsigned int n = 1 + fz_below(f, 3), i;
	const struct fz_field *fl;

	for (i = 0; i < n; i++) {
		fl = &io->fields[fz_below(f, io->num_fields)];
		if (fz_chance(f, 20))
			fz_flip(f, arg, fl);
		else
			fz_set(arg, fl, fz_value(f, fl->kind));
	}
}

/* Valid arguments, ioctl by ioctl. */

static void gen_device_query(struct fz *f, void *arg)
{
	(void)f;
	(void)arg;
}

static const struct fz_field f_device_query[] = {
	F(struct drm_vsvm_device_query, extensions, K_EXT),
	F(struct drm_vsvm_device_query, flags, K_FLAGS),
	F(struct drm_vsvm_device_query, pad, K_MBZ),
	F(struct drm_vsvm_device_query, index, K_OUT),
	F(struct drm_vsvm_device_query, vram_size, K_OUT),
	F(struct drm_vsvm_device_query, reserved[0], K_MBZ),
	F(struct drm_vsvm_device_query, reserved[1], K_MBZ),
	F(struct drm_vsvm_device_query, reserved[2], K_MBZ),
};

static void gen_vm_create(struct fz *f, void *arg)
{
	struct drm_svm_vm_create *c = arg;

	/*
	 * One VM in eight takes no faults: its jobs revalidate it. That
	 * maps every stale bound page before the job, where a faulting job
	 * maps the few it touches, so a job there costs about a hundred times
	 * more (a third of the VMs cut the fuzzer's call rate by half).
	 */
	if (!fz_below(f, 8))
		c->flags = DRM_SVM_VM_CREATE_NO_FAULTS;
}

static void fz_vm_bind_all(struct fz *f, struct fz_file *file, uint32_t vm);

static void done_vm_create(struct fz *f, void *arg, int err)
{
	struct drm_svm_vm_create *c = arg;
	struct fz_file *file = f->file;
	struct drm_svm_vm_destroy d = {};

	if (err || f->target != T_OWN)
		return;
	igt_assert_f(c->vm_id, "VM create returned VM id 0\n");
	if (f->child) {
		/*
		 * A fork child's VM stays in the parent's file when the
		 * child is gone; the parent meets it as a VM of another mm.
		 */
		file->vms[0] = c->vm_id;
		if (!file->num_vms)
			file->num_vms = 1;
		fz_vm_bind_all(f, file, c->vm_id);
		return;
	}
	if (file->num_vms == FZ_VMS) {
		/* Full: the new VM only lives for this call. */
		d.vm_id = c->vm_id;
		ioctl(file->fd, DRM_IOCTL_VSVM_VM_DESTROY, &d);
		return;
	}
	file->vms[file->num_vms++] = c->vm_id;
	fz_vm_bind_all(f, file, c->vm_id);
}

static const struct fz_field f_vm_create[] = {
	F(struct drm_svm_vm_create, extensions, K_EXT),
	F(struct drm_svm_vm_create, flags, K_FLAGS),
	F(struct drm_svm_vm_create, vm_id, K_OUT),
	F(struct drm_svm_vm_create, reserved[0], K_MBZ),
	F(struct drm_svm_vm_create, reserved[1], K_MBZ),
};

static void gen_vm_destroy(struct fz *f, void *arg)
{
	struct drm_svm_vm_destroy *d = arg;

	d->vm_id = fz_vm(f, f->file);
}

static void fz_forget_vm(struct fz_file *file, uint32_t vm)
{
	unsigned int i;

	for (i = 0; i < file->num_vms; i++) {
		if (file->vms[i] != vm)
			continue;
		file->vms[i] = file->vms[--file->num_vms];
		if (file->num_stale < FZ_STALE)
			file->stale[file->num_stale++] = vm;
		else
			file->stale[vm % FZ_STALE] = vm;
		return;
	}
}

static void done_vm_destroy(struct fz *f, void *arg, int err)
{
	struct drm_svm_vm_destroy *d = arg;

	if (!err && f->target == T_OWN)
		fz_forget_vm(f->file, d->vm_id);
}

static const struct fz_field f_vm_destroy[] = {
	F(struct drm_svm_vm_destroy, extensions, K_EXT),
	F(struct drm_svm_vm_destroy, vm_id, K_VM),
	F(struct drm_svm_vm_destroy, pad, K_MBZ),
	F(struct drm_svm_vm_destroy, reserved[0], K_MBZ),
	F(struct drm_svm_vm_destroy, reserved[1], K_MBZ),
};

static void gen_vm_bind(struct fz *f, void *arg)
{
	struct drm_svm_vm_bind *b = arg;
	__u64 addr, size;

	b->vm_id = fz_vm(f, f->file);
	fz_range(f, &addr, &size);
	b->gpu_addr = addr;
	b->range = size;
	if (fz_chance(f, 35)) {
		b->op = DRM_SVM_BIND_OP_UNMAP;
		return;
	}
	b->op = DRM_SVM_BIND_OP_MAP;
	b->cpu_addr = addr;
	/* Elsewhere in the GPU space now and then: an offset binding. */
	if (fz_chance(f, 10))
		b->gpu_addr = fz_below(f, FZ_VA_END / FZ_2M - 16) * FZ_2M +
			      (addr & (FZ_2M - 1));
	b->flags = fz_below(f, 8);
	/* Populating costs faults: keep it to a tenth of the binds. */
	if (fz_chance(f, 90))
		b->flags &= ~DRM_SVM_BIND_FLAG_POPULATE;
}

static const struct fz_field f_vm_bind[] = {
	F(struct drm_svm_vm_bind, extensions, K_EXT),
	F(struct drm_svm_vm_bind, vm_id, K_VM),
	F(struct drm_svm_vm_bind, op, K_ENUM),
	F(struct drm_svm_vm_bind, cpu_addr, K_ADDR),
	F(struct drm_svm_vm_bind, gpu_addr, K_ADDR),
	F(struct drm_svm_vm_bind, range, K_SIZE),
	F(struct drm_svm_vm_bind, flags, K_FLAGS),
	F(struct drm_svm_vm_bind, pad, K_MBZ),
	F(struct drm_svm_vm_bind, reserved[0], K_MBZ),
	F(struct drm_svm_vm_bind, reserved[1], K_MBZ),
};

/* One command of a batch at @w; returns the words written. */
static unsigned int fz_command(struct fz *f, uint64_t *w)
{
	__u64 addr, size;

	fz_range(f, &addr, &size);
	if (size > 4 * FZ_PAGE)
		size = 4 * FZ_PAGE;
	switch (fz_below(f, 10)) {
	case 0:
		w[0] = VSVM_CMD_STORE;
		w[1] = addr + 8 * fz_below(f, 512);
		w[2] = fz_next(f);
		return 3;
	case 1:
		w[0] = VSVM_CMD_FILL;
		w[1] = addr;
		w[2] = size;
		w[3] = fz_next(f);
		return 4;
	case 2:
		w[0] = VSVM_CMD_COPY;
		w[1] = addr;
		w[2] = f->reg[R_MAIN].addr + fz_pages(f, 512) - FZ_PAGE;
		w[3] = fz_pages(f, 4);
		return 4;
	case 3:
		w[0] = VSVM_CMD_ATOMIC_ADD;
		w[1] = addr;
		w[2] = 1;
		w[3] = fz_chance(f, 50) ? addr + 8 : 0;
		return 4;
	case 4:
		w[0] = VSVM_CMD_ATOMIC_CMPXCHG;
		w[1] = addr;
		w[2] = 0;
		w[3] = fz_next(f);
		w[4] = 0;
		return 5;
	case 5:
		w[0] = VSVM_CMD_CHECKSUM;
		w[1] = addr;
		w[2] = size;
		w[3] = addr + size - 8;
		return 4;
	case 6:
	case 7:
		w[0] = VSVM_CMD_TOUCH;
		w[1] = addr;
		w[2] = size;
		return 3;
	case 8:
		/* A known command with junk operands, or an unknown one. */
		w[0] = fz_below(f, 12);
		w[1] = fz_value(f, K_ADDR);
		w[2] = fz_value(f, K_SIZE);
		w[3] = fz_value(f, K_ADDR);
		w[4] = fz_next(f);
		return 5;
	default:
		w[0] = VSVM_CMD_END;
		return 1;
	}
}

#define FZ_BATCH_WORDS	32

/*
 * A CPU write to memory the GPU may have moved to private VRAM copies it
 * back first, and with vsvm's fail_copy a failed copy is a SIGBUS, as on
 * hardware whose copy engine fails. Such a write is abandoned and
 * counted; no random draw depends on it, so the call stream stays the
 * same.
 */
static sigjmp_buf fz_bus_jmp;
/* Set and read around the write and in its handler: sig_atomic_t. */
static volatile sig_atomic_t fz_bus_armed;

static void fz_bus_handler(int sig)
{
	if (!fz_bus_armed) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	siglongjmp(fz_bus_jmp, 1);
}

static void fz_cpu_write(struct fz *f, void *dst, const void *src, size_t n)
{
	if (sigsetjmp(fz_bus_jmp, 1)) {
		fz_bus_armed = 0;
		__atomic_fetch_add(&f->sh->sigbus, 1, __ATOMIC_RELAXED);
		return;
	}
	fz_bus_armed = 1;
	memcpy(dst, src, n);
	fz_bus_armed = 0;
}

/*
 * User fences
 *
 * A call that queues work (exec, prefetch) mostly carries a user fence in
 * a slot of the worker's fence pages: its value word, and mostly its
 * result word. Slots are handed out round-robin, and one is given out
 * again only once the kernel wrote it, waited for with the wait ioctl if
 * need be, so that no store the kernel still owes lands on a fence of
 * later work. The pages stay mapped for the worker's life. Which slot a
 * call gets does not depend on timing, so the call stream stays the same
 * from run to run.
 */

static void __attribute__((format(printf, 3, 4)))
fz_violation(struct fz *f, unsigned int idx, const char *fmt, ...);
static int fz_do(struct fz *f, unsigned int idx, int fd, unsigned long cmd,
		 void *arg, unsigned int size);
static void fz_refill(struct fz *f, struct fz_file *file);

static struct fz_uf_word *fz_uf_spare(struct fz *f, unsigned int n)
{
	return &f->uf_words[FZ_UF_SLOTS - FZ_UF_SPARE + n];
}

/* Whether the kernel wrote slot @i: the work it was given to ended. */
static bool fz_uf_ended(struct fz *f, unsigned int i)
{
	return __atomic_load_n(&f->uf_words[i].value, __ATOMIC_ACQUIRE) ==
	       f->uf_slots[i].token;
}

/* Wait for slot @i to be written, with the ioctl; false if it is not. */
static bool fz_uf_wait(struct fz *f, unsigned int i)
{
	struct fz_uf_slot *s = &f->uf_slots[i];
	struct drm_svm_wait_user_fence w = {
		.addr = (uintptr_t)&f->uf_words[i].value,
		.value = s->token,
		.mask = ~0ull,
		.op = DRM_SVM_UFENCE_WAIT_EQ,
		.timeout_ns = FZ_UF_WAIT_NS,
	};
	int err;

	/* For the watchdog: which ioctl this worker is in. */
	FZ_STORE(f->sh->current[f->worker], IO_WAIT_UFENCE);
	do {
		/* Interrupted, it left the time left in timeout_ns. */
		err = ioctl(f->files[0].fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE,
			    &w) ? errno : 0;
	} while (err == EINTR);
	FZ_STORE(f->sh->current[f->worker], -1);
	__atomic_fetch_add(&f->sh->uf_waited, 1, __ATOMIC_RELAXED);
	if (!err && fz_uf_ended(f, i))
		return true;
	fz_violation(f, s->ioctl,
		     "the user fence of call %" PRIu64 " (slot %u, value %#" PRIx64
		     ") not written in %" PRIu64 " s: wait %s, word %#" PRIx64,
		     s->call, i, s->token,
		     (uint64_t)(FZ_UF_WAIT_NS / 1000000000),
		     err ? strerrorname_np(err) : "returned 0",
		     __atomic_load_n(&f->uf_words[i].value, __ATOMIC_ACQUIRE));
	return false;
}

/*
 * Check what the kernel wrote in slot @i, whose work ended, against what
 * the work was, and free the slot: a job's result is the error of its
 * record, which is complete by then; a prefetch's one the uAPI lists.
 */
static void fz_uf_reap(struct fz *f, unsigned int i)
{
	struct fz_uf_slot *s = &f->uf_slots[i];
	struct fz_uf_word *w = &f->uf_words[i];
	int64_t err = __atomic_load_n(&w->error, __ATOMIC_RELAXED);
	struct drm_vsvm_job_query q = { .job_id = s->job };
	bool ended;

	if (!s->has_error && (uint64_t)err != FZ_UF_NOERR)
		fz_violation(f, s->ioctl,
			     "call %" PRIu64 ": a fence without error_addr, yet its slot's result word was written (%" PRId64 ")",
			     s->call, err);
	if (s->has_error && (uint64_t)err == FZ_UF_NOERR)
		fz_violation(f, s->ioctl,
			     "call %" PRIu64 ": fence value written, result word not",
			     s->call);
	else if (s->has_error && (err > 0 || err < -4095 ||
		 (s->ioctl == IO_PREFETCH && err &&
		  !fz_errno_allowed(e_prefetch_result, (int)-err))))
		fz_violation(f, s->ioctl,
			     "call %" PRIu64 ": the work ended with %" PRId64
			     ", not a result the uAPI has for it",
			     s->call, err);

	/* The job's record, while the file that ran it is open. */
	if (s->ioctl == IO_EXEC && s->job && s->file &&
	    s->file->gen == s->file_gen &&
	    !ioctl(s->file->fd, DRM_IOCTL_VSVM_JOB_QUERY, &q)) {
		ended = q.status == DRM_VSVM_JOB_DONE ||
			q.status == DRM_VSVM_JOB_FAILED;
		if (!ended || (q.status == DRM_VSVM_JOB_DONE) != !q.error ||
		    (s->has_error && q.error != err))
			fz_violation(f, s->ioctl,
				     "job %" PRIu64 " (call %" PRIu64 "): fence written with result %" PRId64 ", record %u error %d",
				     s->job, s->call,
				     s->has_error ? err : 0, q.status,
				     q.error);
	}

	__atomic_store_n(&w->error, (int64_t)FZ_UF_NOERR, __ATOMIC_RELAXED);
	__atomic_store_n(&w->value, 0, __ATOMIC_RELAXED);
	s->token = 0;
	s->taken = false;
	__atomic_fetch_add(&f->sh->uf_reaped, 1, __ATOMIC_RELAXED);
}

/*
 * The next slot, once the kernel wrote it; -1 if it cannot be had: in a
 * fork child, whose copy of a fence in flight is never written, or after
 * a fence that never came.
 */
static int fz_uf_slot_get(struct fz *f)
{
	unsigned int i = f->uf_next;

	f->uf_next = (i + 1) % (FZ_UF_SLOTS - FZ_UF_SPARE);
	if (f->uf_slots[i].token) {
		if (f->child)
			return -1;
		if (!fz_uf_ended(f, i) && !fz_uf_wait(f, i))
			return -1;
		fz_uf_reap(f, i);
	}
	return i;
}

/* A valid fence in slot @i, the extension at @ext. */
static void fz_uf_slot_fence(struct fz *f, unsigned int i, bool has_error,
			     struct drm_svm_ext_user_fence *ext)
{
	memset(ext, 0, sizeof(*ext));
	ext->base.name = DRM_SVM_EXT_USER_FENCE;
	ext->addr = (uintptr_t)&f->uf_words[i].value;
	ext->error_addr = has_error ? (uintptr_t)&f->uf_words[i].error : 0;
	ext->value = ++f->uf_token;
	f->uf_slots[i] = (struct fz_uf_slot) {
		.token = ext->value,
		.call = f->call,
		.has_error = has_error,
		.ioctl = IO_EXEC,
	};
}

/* An 8-byte aligned word of region @r. */
static uint64_t fz_word_of(struct fz *f, unsigned int r)
{
	return f->reg[r].addr + 8 * fz_below(f, f->reg[r].size / 8);
}

/*
 * The user fence of an exec or a prefetch, in *@extensions: mostly a
 * valid one in a slot (always when @force), sometimes none, sometimes
 * one the kernel must refuse, which names the spare slots if any.
 */
static void fz_uf_gen(struct fz *f, __u64 *extensions, bool force)
{
	static const uint64_t not_user[] = {
		FZ_KERNEL_ADDR, FZ_VA_END, FZ_VA_END - 8, 1ull << 63, -8ull,
	};
	struct drm_svm_ext_user_fence *a = f->uf_ext, *b = a + 1, *t;
	unsigned int r = fz_below(f, 100), n;
	bool has_error = fz_chance(f, 80);
	enum fz_uf_kind k;
	int slot = -1;

	if (force || (r >= 15 && r < 65))
		k = UF_SLOT;
	else if (r < 15)
		k = UF_NONE;
	else if (r < 70)
		k = UF_MAIN;
	else
		k = UF_ZERO + fz_below(f, UF_NUM - UF_ZERO);
	f->uf = (struct fz_uf_call) { .kind = k, .slot = -1 };
	if (k == UF_NONE)
		return;
	/*
	 * Nothing else in the page: a bit flipped in the extensions field
	 * (fz_mutate()) then finds zeroes (addr 0) or the middle of this
	 * call's extensions (an unknown name), never a valid fence.
	 */
	memset(f->uf_ext, 0, FZ_PAGE);
	if (k == UF_SLOT) {
		slot = fz_uf_slot_get(f);
		if (slot < 0) {
			f->uf.kind = UF_NONE;
			return;
		}
		fz_uf_slot_fence(f, slot, has_error, a);
		f->uf.slot = slot;
		f->uf.head = (uintptr_t)a;
		*extensions = f->uf.head;
		return;
	}

	/* Valid but for the defect below, in the spare slots. */
	a->base.name = DRM_SVM_EXT_USER_FENCE;
	a->addr = (uintptr_t)&fz_uf_spare(f, 0)->value;
	a->error_addr = has_error ? (uintptr_t)&fz_uf_spare(f, 0)->error : 0;
	a->value = fz_next(f) | 1;
	*b = *a;
	b->addr = (uintptr_t)&fz_uf_spare(f, 1)->value;
	b->error_addr = has_error ? (uintptr_t)&fz_uf_spare(f, 1)->error : 0;
	f->uf.head = (uintptr_t)a;
	switch (k) {
	case UF_MAIN:
		/* Not tracked: nothing checks what the GPU leaves there. */
		a->addr = fz_word_of(f, R_MAIN);
		if (a->addr == f->reg[R_MAIN].addr + f->reg[R_MAIN].size - 8)
			a->addr -= 8;
		a->error_addr = has_error ? a->addr + 8 : 0;
		break;
	case UF_ZERO:
		a->addr = 0;
		break;
	case UF_ALIGN:
		a->addr += 1 + fz_below(f, 7);
		break;
	case UF_EALIGN:
		a->error_addr = (uintptr_t)&fz_uf_spare(f, 0)->error + 1 +
				fz_below(f, 7);
		break;
	case UF_RSVD:
		a->reserved[fz_below(f, 2)] = 1ull << fz_below(f, 64);
		break;
	case UF_PAD:
		a->base.pad = 1u << fz_below(f, 32);
		break;
	case UF_DUP:
		a->base.next_extension = (uintptr_t)b;
		break;
	case UF_SELF:
		a->base.next_extension = (uintptr_t)a;
		break;
	case UF_NAME:
		a->base.next_extension = (uintptr_t)b;
		b->base.name = 1 + fz_below(f, fz_chance(f, 50) ? 16 :
					       0xfffffffeu);
		break;
	case UF_NEXT:
		a->base.next_extension = fz_chance(f, 50) ?
					 f->reg[R_HOLE].addr :
					 (uintptr_t)f->uf_ext + FZ_PAGE;
		break;
	case UF_TORN:
		/* The 8 to 40 bytes of it that fit before the guard page. */
		n = 8 * (1 + fz_below(f, 5));
		t = (void *)((char *)f->uf_ext + FZ_PAGE - n);
		memcpy(t, a, n);
		f->uf.head = (uintptr_t)t;
		break;
	case UF_HOLE:
		a->addr = fz_word_of(f, R_HOLE);
		break;
	case UF_RDONLY:
		a->addr = fz_word_of(f, R_RDONLY);
		break;
	case UF_PROTNONE:
		a->addr = fz_word_of(f, R_NONE);
		break;
	case UF_EHOLE:
		a->error_addr = fz_word_of(f, R_HOLE);
		break;
	case UF_ERDONLY:
		a->error_addr = fz_word_of(f, R_RDONLY);
		break;
	default:
		a->addr = not_user[fz_below(f, ARRAY_SIZE(not_user))];
		break;
	}
	*extensions = f->uf.head;
}

/* The spare slots are named by refused fences only: never written. */
static void fz_uf_check_spare(struct fz *f, unsigned int idx)
{
	struct fz_uf_word *w;
	unsigned int n;

	for (n = 0; n < FZ_UF_SPARE; n++) {
		w = fz_uf_spare(f, n);
		if (!__atomic_load_n(&w->value, __ATOMIC_ACQUIRE) &&
		    (uint64_t)w->error == FZ_UF_NOERR)
			continue;
		fz_violation(f, idx,
			     "a fence the kernel had to refuse was written: value %#" PRIx64 ", result %#" PRIx64,
			     w->value, (uint64_t)w->error);
		w->error = (int64_t)FZ_UF_NOERR;
		w->value = 0;
	}
}

/*
 * After an exec or a prefetch: the kernel has the call's fence if the
 * call succeeded with it in the chain it read; otherwise it must never
 * write it, and its slot is free again.
 */
static void fz_uf_after(struct fz *f, unsigned int idx, void *arg,
			unsigned int size, int err)
{
	struct fz_uf_call *c = &f->uf;
	const struct drm_svm_prefetch *p = arg;
	const struct drm_vsvm_exec *e = arg;
	struct fz_uf_slot *s;
	struct fz_uf_word *w;
	uint64_t ext = 0;

	if (size >= sizeof(ext))
		memcpy(&ext, arg, sizeof(ext));
	c->taken = !err && c->head && ext == c->head;
	if (err && c->head && ext == c->head && fz_uf_kinds[c->kind].err)
		__atomic_fetch_add(&f->sh->uf_refused, 1, __ATOMIC_RELAXED);
	fz_uf_check_spare(f, idx);
	if (c->slot < 0)
		return;
	s = &f->uf_slots[c->slot];
	w = &f->uf_words[c->slot];
	if (c->taken) {
		s->taken = true;
		s->ioctl = idx;
		s->file = f->target == T_OWN ? f->file : NULL;
		s->file_gen = f->file->gen;
		if (idx == IO_EXEC && size >= offsetof(struct drm_vsvm_exec,
						      job_id) + 8)
			s->job = e->job_id;
		/* An asynchronous prefetch moves nothing before it returns. */
		if (idx == IO_PREFETCH &&
		    size >= offsetof(struct drm_svm_prefetch, moved) + 8 &&
		    p->moved)
			fz_violation(f, idx,
				     "a prefetch with a user fence reported %" PRIu64 " pages moved",
				     (uint64_t)p->moved);
		__atomic_fetch_add(&f->sh->uf_taken, 1, __ATOMIC_RELAXED);
		return;
	}
	if (__atomic_load_n(&w->value, __ATOMIC_ACQUIRE) ||
	    (uint64_t)w->error != FZ_UF_NOERR)
		fz_violation(f, idx,
			     "call that returned %s, or without its fence in the chain, wrote it: value %#" PRIx64 ", result %#" PRIx64,
			     err ? strerrorname_np(err) : "0", w->value,
			     (uint64_t)w->error);
	w->error = (int64_t)FZ_UF_NOERR;
	w->value = 0;
	s->token = 0;
}

static void after_exec(struct fz *f, void *arg, unsigned int size, int err)
{
	fz_uf_after(f, IO_EXEC, arg, size, err);
}

static void after_prefetch(struct fz *f, void *arg, unsigned int size,
			   int err)
{
	fz_uf_after(f, IO_PREFETCH, arg, size, err);
}

/*
 * At the end of a worker: a last job on each device, whose fence must
 * find every earlier job of the device ended (they run in order); then
 * every fence handed out must have been written.
 */
static void fz_uf_last_job(struct fz *f, struct fz_file *file)
{
	const uint64_t end = VSVM_CMD_END;
	struct drm_vsvm_job_query q = { .job_id = file->last_job };
	struct drm_vsvm_exec e = {};
	unsigned int i;
	int slot;

	fz_refill(f, file);
	slot = fz_uf_slot_get(f);
	if (slot < 0)
		return;
	f->batch_slot = (f->batch_slot + 1) %
			(f->reg[R_BATCH].size / (FZ_BATCH_WORDS * 8));
	e.batch_addr = f->reg[R_BATCH].addr +
		       f->batch_slot * FZ_BATCH_WORDS * 8;
	e.batch_len = sizeof(end);
	fz_cpu_write(f, (void *)(uintptr_t)e.batch_addr, &end, sizeof(end));
	for (i = 0; i < file->num_vms; i++) {
		fz_uf_slot_fence(f, slot, true, f->uf_ext);
		e.extensions = (uintptr_t)f->uf_ext;
		e.vm_id = file->vms[i];
		if (!ioctl(file->fd, DRM_IOCTL_VSVM_EXEC, &e))
			break;
		f->uf_slots[slot].token = 0;
	}
	if (i == file->num_vms) {
		igt_warn("worker %u: no VM of vsvm%u took the last job\n",
			 f->worker, file->dev);
		return;
	}
	f->uf_slots[slot].taken = true;
	f->uf_slots[slot].file = file;
	f->uf_slots[slot].file_gen = file->gen;
	f->uf_slots[slot].job = e.job_id;
	if (!fz_uf_ended(f, slot) && !fz_uf_wait(f, slot))
		return;
	if (file->last_job && !ioctl(file->fd, DRM_IOCTL_VSVM_JOB_QUERY, &q) &&
	    q.status != DRM_VSVM_JOB_DONE && q.status != DRM_VSVM_JOB_FAILED)
		fz_violation(f, IO_EXEC,
			     "job %" PRIu64 " of vsvm%u still has status %u after a later job of the device ended",
			     file->last_job, file->dev, q.status);
	fz_uf_reap(f, slot);
	file->last_job = e.job_id;
}

static void fz_uf_finish(struct fz *f)
{
	unsigned int i;

	for (i = 0; i < f->num_files; i++)
		fz_uf_last_job(f, &f->files[i]);
	for (i = 0; i < FZ_UF_SLOTS - FZ_UF_SPARE; i++)
		if (f->uf_slots[i].token &&
		    (fz_uf_ended(f, i) || fz_uf_wait(f, i)))
			fz_uf_reap(f, i);
	fz_uf_check_spare(f, IO_EXEC);
}

/*
 * What the errnos of exec and prefetch depend on: which checks fail,
 * given the arguments as the kernel sees them. The uAPI orders some:
 * flags, pad and reserved (EINVAL) before the syncobj (EOPNOTSUPP),
 * which is before the VM lookup (ENOENT, EACCES); the extension chain,
 * the batch or range checks may come anywhere before the work.
 */
enum { CK_MBZ, CK_SYNC, CK_VM, CK_ARGS, CK_EXT, CK_WORK, CK_NUM };

/* Is @ext one of the pool's chains? */
static bool fz_is_pool(const struct fz *f, uint64_t ext)
{
	unsigned int i;

	for (i = 0; i < f->num_ext; i++)
		if (ext && f->ext[i] == ext)
			return true;
	return false;
}

/*
 * The check of the extension chain @ext of an exec or a prefetch, and
 * whether the work then runs asynchronously (1), synchronously (0) or
 * either (-1).
 */
static int fz_ext_check(struct fz *f, uint64_t ext, struct fz_ck *ck)
{
	int err;

	ck->state = CK_PASS;
	if (!ext)
		return 0;
	if (ext == f->uf.head && f->uf.kind != UF_NONE) {
		err = fz_uf_kinds[f->uf.kind].err;
		if (err) {
			ck->state = CK_FAIL;
			ck->errs = es_of(err, -1, -1);
		} else if (f->uf.kind == UF_MAIN) {
			/* Faulting it in may have to bring it back from VRAM. */
			ck->state = CK_MAYBE;
			ck->errs = es_of(EFAULT, ENOMEM, -1);
		}
		return 1;
	}
	/*
	 * Each chain of the pool fails: read as a user fence (name 0), its
	 * reserved words or its addr are not what they must be.
	 */
	if (fz_is_pool(f, ext)) {
		ck->state = CK_FAIL;
		ck->errs = es_of(EINVAL, EFAULT, -1);
	} else {
		ck->state = CK_MAYBE;
		ck->errs = es_of(EINVAL, EFAULT, E2BIG);
	}
	return -1;
}

static void fz_ck_common(struct fz_ck *ck, uint64_t mbz, uint32_t syncobj)
{
	memset(ck, 0, CK_NUM * sizeof(*ck));
	if (mbz) {
		ck[CK_MBZ].state = CK_FAIL;
		ck[CK_MBZ].errs = es_of(EINVAL, -1, -1);
	}
	if (syncobj) {
		ck[CK_SYNC].state = CK_FAIL;
		ck[CK_SYNC].errs = es_of(EOPNOTSUPP, -1, -1);
	}
	ck[CK_SYNC].after = 1u << CK_MBZ;
	/* The ids are the file's, but may be stale or another process's. */
	ck[CK_VM].state = CK_MAYBE;
	ck[CK_VM].errs = es_of(ENOENT, EACCES, -1);
	ck[CK_VM].after = 1u << CK_MBZ | 1u << CK_SYNC;
}

static void fz_exp_why(struct fz *f, const char *what, uint64_t ext,
		       uint32_t syncobj)
{
	snprintf(f->exp_why, sizeof(f->exp_why), "%s, user fence %s%s", what,
		 !ext ? "none" : ext == f->uf.head ?
		 fz_uf_kinds[f->uf.kind].name : "of another chain",
		 syncobj ? ", syncobj set" : "");
}

/* The errnos exec @e (as the kernel sees it) may give. */
static struct fz_errs fz_exec_errs(struct fz *f, const struct drm_vsvm_exec *e)
{
	struct fz_ck ck[CK_NUM];
	uint64_t end;

	fz_ck_common(ck, e->flags | e->pad | e->reserved[0] | e->reserved[1],
		     e->syncobj);
	if (!e->batch_len || e->batch_len % 8 ||
	    e->batch_len > VSVM_MAX_BATCH_SIZE ||
	    __builtin_add_overflow(e->batch_addr, e->batch_len, &end)) {
		ck[CK_ARGS].state = CK_FAIL;
		ck[CK_ARGS].errs = es_of(EINVAL, -1, -1);
	} else if (e->batch_addr % 8) {
		/* The field must be 8-byte aligned; the list omits it. */
		ck[CK_ARGS].state = CK_MAYBE;
		ck[CK_ARGS].errs = es_of(EINVAL, -1, -1);
	}
	fz_ext_check(f, e->extensions, &ck[CK_EXT]);
	/* An exec queues: its work never fails the ioctl. */
	return fz_ck_errs(ck, CK_NUM);
}

static void fz_effective(void *dst, const void *arg, unsigned int size,
			 size_t n)
{
	memset(dst, 0, n);
	memcpy(dst, arg, size < n ? size : n);
}

static void expect_exec(struct fz *f, void *arg, unsigned int size)
{
	struct drm_vsvm_exec e;

	fz_effective(&e, arg, size, sizeof(e));
	f->exp = fz_exec_errs(f, &e);
	f->exp_on = true;
	fz_exp_why(f, "exec", e.extensions, e.syncobj);
}

static void fz_drain(struct fz *f);

static void gen_exec(struct fz *f, void *arg)
{
	struct drm_vsvm_exec *e = arg;
	unsigned int n = 0, cmds = 1 + fz_below(f, 3);
	uint64_t words[FZ_BATCH_WORDS];
	uint64_t *w;

	/* A slot of the batch region; jobs in flight use the others. */
	f->batch_slot = (f->batch_slot + 1) %
			(f->reg[R_BATCH].size / (FZ_BATCH_WORDS * 8));
	w = (uint64_t *)(uintptr_t)(f->reg[R_BATCH].addr +
				    f->batch_slot * FZ_BATCH_WORDS * 8);
	while (cmds--)
		n += fz_command(f, words + n);
	fz_cpu_write(f, w, words, n * 8);
	e->vm_id = fz_vm(f, f->file);
	e->batch_addr = (uintptr_t)w;
	e->batch_len = n * 8;
	/* No dma-fence for a job: any syncobj is refused (EOPNOTSUPP). */
	if (fz_chance(f, 8))
		e->syncobj = fz_syncobj(f);
	/* Every 64th job of a file is waited for, to keep the queue short. */
	fz_uf_gen(f, &e->extensions, f->file->execs % 64 == 63);
}

static void done_exec(struct fz *f, void *arg, int err)
{
	struct drm_vsvm_exec *e = arg;

	if (err || f->target != T_OWN)
		return;
	f->file->last_job = e->job_id;
	if (++f->file->execs % 64 == 0 && f->uf.taken && f->uf.slot >= 0)
		fz_drain(f);
}

static const struct fz_field f_exec[] = {
	F(struct drm_vsvm_exec, extensions, K_EXT),
	F(struct drm_vsvm_exec, vm_id, K_VM),
	F(struct drm_vsvm_exec, flags, K_FLAGS),
	F(struct drm_vsvm_exec, batch_addr, K_ADDR),
	F(struct drm_vsvm_exec, batch_len, K_SIZE),
	F(struct drm_vsvm_exec, syncobj, K_SYNC),
	F(struct drm_vsvm_exec, pad, K_MBZ),
	F(struct drm_vsvm_exec, job_id, K_OUT),
	F(struct drm_vsvm_exec, reserved[0], K_MBZ),
	F(struct drm_vsvm_exec, reserved[1], K_MBZ),
};

static void gen_job_query(struct fz *f, void *arg)
{
	struct drm_vsvm_job_query *q = arg;

	q->job_id = fz_chance(f, 90) ? f->file->last_job - fz_below(f, 16) :
				       fz_value(f, K_JOB);
}

static const struct fz_field f_job_query[] = {
	F(struct drm_vsvm_job_query, extensions, K_EXT),
	F(struct drm_vsvm_job_query, job_id, K_JOB),
	F(struct drm_vsvm_job_query, flags, K_FLAGS),
	F(struct drm_vsvm_job_query, status, K_OUT),
	F(struct drm_vsvm_job_query, error, K_OUT),
	F(struct drm_vsvm_job_query, pad, K_MBZ),
	F(struct drm_vsvm_job_query, faults, K_OUT),
	F(struct drm_vsvm_job_query, fault.address, K_OUT),
	F(struct drm_vsvm_job_query, fault.pad, K_OUT),
	F(struct drm_vsvm_job_query, reserved, K_MBZ),
};

static void gen_prefetch(struct fz *f, void *arg)
{
	struct drm_svm_prefetch *p = arg;

	p->vm_id = fz_vm(f, f->file);
	p->region = fz_below(f, 3);
	fz_range(f, &p->gpu_addr, &p->range);
	/* No dma-fence for a prefetch either (EOPNOTSUPP). */
	if (fz_chance(f, 8))
		p->syncobj = fz_syncobj(f);
	/* With a user fence, asynchronous. */
	fz_uf_gen(f, &p->extensions, false);
}

/* The errnos prefetch @p (as the kernel sees it) may give. */
static struct fz_errs fz_prefetch_errs(struct fz *f,
				       const struct drm_svm_prefetch *p)
{
	struct fz_ck ck[CK_NUM];
	uint64_t end;
	int async;

	fz_ck_common(ck, (p->flags & ~DRM_SVM_PREFETCH_FLAG_NO_MAP) |
		     p->reserved[0] | p->reserved[1], p->syncobj);
	if (p->region > DRM_SVM_REGION_PREFERRED || !p->range ||
	    p->gpu_addr % FZ_PAGE || p->range % FZ_PAGE ||
	    __builtin_add_overflow(p->gpu_addr, p->range, &end)) {
		ck[CK_ARGS].state = CK_FAIL;
		ck[CK_ARGS].errs = es_of(EINVAL, -1, -1);
	} else if (end > FZ_VA_END - FZ_PAGE) {
		/* Past the user address space: the VM may not go there. */
		ck[CK_ARGS].state = CK_MAYBE;
		ck[CK_ARGS].errs = es_of(EINVAL, -1, -1);
	}
	async = fz_ext_check(f, p->extensions, &ck[CK_EXT]);
	/*
	 * The work: synchronous, it fails the ioctl as a populating bind
	 * does; asynchronous, its result goes to the fence, but for a range
	 * the VM does not bind, which may be seen when it is queued.
	 */
	ck[CK_WORK].state = CK_MAYBE;
	ck[CK_WORK].errs = es_of(EFAULT, -1, -1);
	if (async != 1) {
		es_add(&ck[CK_WORK].errs, EPERM);
		es_add(&ck[CK_WORK].errs, EINTR);
		es_add(&ck[CK_WORK].errs, EIO);
		es_add(&ck[CK_WORK].errs, EBUSY);
	}
	ck[CK_WORK].after = 1u << CK_MBZ | 1u << CK_SYNC | 1u << CK_VM |
			    1u << CK_ARGS | 1u << CK_EXT;
	return fz_ck_errs(ck, CK_NUM);
}

static void expect_prefetch(struct fz *f, void *arg, unsigned int size)
{
	struct drm_svm_prefetch p;

	fz_effective(&p, arg, size, sizeof(p));
	f->exp = fz_prefetch_errs(f, &p);
	f->exp_on = true;
	fz_exp_why(f, "prefetch", p.extensions, p.syncobj);
}

static const struct fz_field f_prefetch[] = {
	F(struct drm_svm_prefetch, extensions, K_EXT),
	F(struct drm_svm_prefetch, vm_id, K_VM),
	F(struct drm_svm_prefetch, region, K_ENUM),
	F(struct drm_svm_prefetch, gpu_addr, K_ADDR),
	F(struct drm_svm_prefetch, range, K_SIZE),
	F(struct drm_svm_prefetch, flags, K_FLAGS),
	F(struct drm_svm_prefetch, syncobj, K_SYNC),
	F(struct drm_svm_prefetch, moved, K_OUT),
	F(struct drm_svm_prefetch, reserved[0], K_MBZ),
	F(struct drm_svm_prefetch, reserved[1], K_MBZ),
};

static void gen_residency(struct fz *f, void *arg)
{
	struct drm_svm_residency *r = arg;
	__u64 size;

	r->vm_id = fz_vm(f, f->file);
	fz_range(f, &r->gpu_addr, &size);
	/* Each page costs: mostly a few, now and then a whole region. */
	r->npages = size / FZ_PAGE;
	if (r->npages > 16)
		r->npages = 1 + fz_below(f, fz_chance(f, 5) ? 1024 : 16);
	r->pages = (uintptr_t)f->scratch;
	if (fz_chance(f, 30))
		r->blocks = (uintptr_t)f->scratch + (512 << 10);
}

static const struct fz_field f_residency[] = {
	F(struct drm_svm_residency, extensions, K_EXT),
	F(struct drm_svm_residency, vm_id, K_VM),
	F(struct drm_svm_residency, flags, K_FLAGS),
	F(struct drm_svm_residency, gpu_addr, K_ADDR),
	F(struct drm_svm_residency, npages, K_SIZE),
	F(struct drm_svm_residency, pages, K_PTR),
	F(struct drm_svm_residency, blocks, K_PTR),
	F(struct drm_svm_residency, reserved, K_MBZ),
};

static void gen_topology(struct fz *f, void *arg)
{
	struct drm_svm_topology *t = arg;

	if (fz_chance(f, 20))
		return;
	t->num_devices = fz_below(f, 20);
	t->num_links = fz_below(f, 70);
	t->devices = (uintptr_t)f->scratch;
	t->links = (uintptr_t)f->scratch + 4096;
}

static const struct fz_field f_topology[] = {
	F(struct drm_svm_topology, extensions, K_EXT),
	F(struct drm_svm_topology, num_devices, K_SIZE),
	F(struct drm_svm_topology, num_links, K_SIZE),
	F(struct drm_svm_topology, devices, K_PTR),
	F(struct drm_svm_topology, links, K_PTR),
	F(struct drm_svm_topology, flags, K_FLAGS),
	F(struct drm_svm_topology, pad, K_MBZ),
	F(struct drm_svm_topology, reserved[0], K_MBZ),
	F(struct drm_svm_topology, reserved[1], K_MBZ),
};

static void gen_madvise(struct fz *f, void *arg)
{
	struct drm_svm_madvise *m = arg;
	static const uint64_t sizes[] = { 0, 4096, 65536, 2 << 20 };
	unsigned int i, n;

	fz_range(f, &m->start, &m->range);
	m->type = fz_below(f, 5);
	switch (m->type) {
	case DRM_SVM_ATTR_PREFERRED_LOC:
		m->preferred_loc.location = fz_below(f, 3);
		m->preferred_loc.fd = m->preferred_loc.location ==
				      DRM_SVM_LOC_DEVICE ? fz_file(f)->fd : -1;
		break;
	case DRM_SVM_ATTR_ACCESSED_BY:
		n = fz_below(f, f->num_files + 1);
		for (i = 0; i < n; i++)
			f->fd_array[i] = fz_file(f)->fd;
		m->accessed_by.fds = (uintptr_t)f->fd_array;
		m->accessed_by.num_fds = n;
		break;
	case DRM_SVM_ATTR_GRANULARITY:
		m->granularity.size = sizes[fz_below(f, 4)];
		break;
	case DRM_SVM_ATTR_READ_MOSTLY:
		m->read_mostly.enable = fz_below(f, 2);
		break;
	default:
		m->atomics.mode = fz_below(f, 4);
		break;
	}
}

static const struct fz_field f_madvise[] = {
	F(struct drm_svm_madvise, extensions, K_EXT),
	F(struct drm_svm_madvise, start, K_ADDR),
	F(struct drm_svm_madvise, range, K_SIZE),
	F(struct drm_svm_madvise, type, K_ENUM),
	F(struct drm_svm_madvise, flags, K_FLAGS),
	F(struct drm_svm_madvise, preferred_loc.location, K_ENUM),
	F(struct drm_svm_madvise, preferred_loc.fd, K_FD),
	F(struct drm_svm_madvise, accessed_by.fds, K_PTR),
	F(struct drm_svm_madvise, accessed_by.num_fds, K_ENUM),
	F(struct drm_svm_madvise, value[1], K_MBZ),
	F(struct drm_svm_madvise, reserved[0], K_MBZ),
	F(struct drm_svm_madvise, reserved[1], K_MBZ),
};

static void gen_attr_query(struct fz *f, void *arg)
{
	struct drm_svm_attr_query *q = arg;

	fz_range(f, &q->start, &q->range);
	if (fz_chance(f, 5)) {
		q->start = 0;
		q->range = FZ_VA_END - FZ_PAGE;
	}
	q->ranges = (uintptr_t)f->scratch;
	q->num_ranges = fz_below(f, 32);
}

static const struct fz_field f_attr_query[] = {
	F(struct drm_svm_attr_query, extensions, K_EXT),
	F(struct drm_svm_attr_query, start, K_ADDR),
	F(struct drm_svm_attr_query, range, K_SIZE),
	F(struct drm_svm_attr_query, ranges, K_PTR),
	F(struct drm_svm_attr_query, num_ranges, K_SIZE),
	F(struct drm_svm_attr_query, flags, K_FLAGS),
	F(struct drm_svm_attr_query, reserved[0], K_MBZ),
	F(struct drm_svm_attr_query, reserved[1], K_MBZ),
};

/*
 * The user fence wait. Its word may be anything of the worker's: a fence
 * slot, whose value the kernel may write meanwhile, scratch memory, the
 * extension pages, memory the GPU works on, holes and guard pages. The
 * fuzzer knows, or knows it cannot know, what each holds, and so which
 * of 0 and ETIME a wait may give; timeouts stay below 2 ms, unlimited
 * ones only where the condition is sure to hold. A timer signal now and
 * then interrupts a wait (EINTR).
 */

enum { RD_OK, RD_MAYBE, RD_FAULT };

/* What the fuzzer knows of the word at an address. */
struct fz_word {
	unsigned char read;	/* RD_OK, RD_MAYBE, RD_FAULT */
	bool det;		/* @vals are the same on every run */
	unsigned char nvals;	/* the values it may hold; 0: any */
	uint64_t vals[2];
};

static bool fz_within(uint64_t addr, uint64_t len, uint64_t start,
		      uint64_t size)
{
	return addr >= start && addr + len <= start + size;
}

/* What a read of @len bytes at @addr finds. */
static void fz_classify(struct fz *f, uint64_t addr, uint64_t len,
			struct fz_word *wd)
{
	const uint64_t slots = (uintptr_t)f->uf_words;
	const struct fz_uf_slot *s;
	unsigned int r;

	memset(wd, 0, sizeof(*wd));
	wd->read = RD_FAULT;
	/* Near NULL, or past the last user page: never mapped. */
	if (addr < 65536 || addr > FZ_VA_END - FZ_PAGE - len)
		return;
	/* The fence pages, outside the span */
	if (fz_within(addr, len, (uintptr_t)f->uf_ext, FZ_PAGE)) {
		wd->read = RD_OK;
		wd->nvals = 1;
		wd->det = true;
		memcpy(&wd->vals[0], (void *)(uintptr_t)addr, 8);
		return;
	}
	if (fz_within(addr, len, slots, FZ_UF_SLOTS * 16)) {
		s = &f->uf_slots[(addr - slots) / 16];
		wd->read = RD_OK;
		wd->nvals = 1;
		wd->det = true;
		if ((addr - slots) % 16 < 8) {
			/* Work in flight: 0, or its value once it ended. */
			wd->vals[0] = 0;
			wd->vals[1] = s->token;
			wd->nvals = s->token ? 2 : 1;
		} else if (s->token && s->has_error) {
			wd->det = false;
			wd->nvals = 0;
		} else {
			wd->vals[0] = FZ_UF_NOERR;
		}
		return;
	}
	if (addr + len <= FZ_BASE(f->worker) || addr >= f->span_end) {
		/* Not the worker's memory: libc's, the stack, or nothing. */
		wd->read = RD_MAYBE;
		return;
	}
	for (r = 0; r < R_NUM; r++) {
		if (!fz_within(addr, len, f->reg[r].addr, f->reg[r].size))
			continue;
		if (r == R_HOLE || r == R_NONE ||
		    (r == R_CHURN && !f->churn_mapped))
			return;
		/*
		 * Jobs write them, and a CPU read of a page in private VRAM
		 * may fail (fail_copy); shared memory never moves.
		 */
		wd->read = r == R_SHARED ? RD_OK : RD_MAYBE;
		return;
	}
	wd->read = RD_OK;
	wd->nvals = 1;
	if (fz_within(addr, len, (uintptr_t)f->scratch, 1 << 20)) {
		/* Only the worker's own calls write it, and not now. */
		memcpy(&wd->vals[0], (void *)(uintptr_t)addr, 8);
		return;
	}
	if (fz_within(addr, len, (uintptr_t)f->ext_page, FZ_PAGE)) {
		wd->det = true;
		memcpy(&wd->vals[0], (void *)(uintptr_t)addr, 8);
		return;
	}
	/* A gap or a guard page of the worker's fixed mappings. */
	wd->read = RD_FAULT;
	wd->nvals = 0;
}

static bool fz_wait_cond(const struct drm_svm_wait_user_fence *w,
			 uint64_t word)
{
	uint64_t v = w->value & w->mask;

	word &= w->mask;
	switch (w->op) {
	case DRM_SVM_UFENCE_WAIT_EQ:
		return word == v;
	case DRM_SVM_UFENCE_WAIT_NEQ:
		return word != v;
	case DRM_SVM_UFENCE_WAIT_GT:
		return word > v;
	case DRM_SVM_UFENCE_WAIT_GTE:
		return word >= v;
	case DRM_SVM_UFENCE_WAIT_LT:
		return word < v;
	default:
		return word <= v;
	}
}

static bool fz_wait_args_bad(const struct drm_svm_wait_user_fence *w)
{
	return w->extensions || w->flags || w->reserved[0] ||
	       w->reserved[1] || w->op > DRM_SVM_UFENCE_WAIT_LTE ||
	       !w->addr || w->addr % 8;
}

/*
 * fz_wait_errs() - The errnos a wait may give
 * @w: its arguments, as the kernel sees them
 * @word: what the fuzzer knows of the word at @w->addr
 * @ext_read: whether the extension header at @w->extensions is readable
 *	      (RD_*): if not, EFAULT may come before the EINVAL
 * @timer: a timer signal may come while it waits
 * @armed: an allocation of the call fails (failslab)
 *
 * EINVAL for bad arguments or any extension; else EFAULT for a word that
 * cannot be read; else 0 if the condition may hold, ETIME (or EINTR
 * with a timer signal, when there is time to wait) if it may not.
 */
static struct fz_errs fz_wait_errs(const struct drm_svm_wait_user_fence *w,
				   const struct fz_word *word, int ext_read,
				   bool timer, bool armed)
{
	bool can_hold = !word->nvals, can_fail = !word->nvals;
	struct fz_errs s = {};
	unsigned int i;

	if (armed)
		es_add(&s, ENOMEM);
	if (fz_wait_args_bad(w)) {
		es_add(&s, EINVAL);
		if (w->extensions && ext_read != RD_OK)
			es_add(&s, EFAULT);
		return s;
	}
	if (word->read != RD_OK)
		es_add(&s, EFAULT);
	if (word->read == RD_FAULT)
		return s;
	for (i = 0; i < word->nvals; i++) {
		if (fz_wait_cond(w, word->vals[i]))
			can_hold = true;
		else
			can_fail = true;
	}
	if (can_hold)
		es_add(&s, 0);
	if (can_fail) {
		es_add(&s, ETIME);
		if (timer && w->timeout_ns > 0)
			es_add(&s, EINTR);
	}
	return s;
}

/* A word for a wait to watch. */
static uint64_t fz_wait_addr(struct fz *f)
{
	static const uint64_t not_user[] = {
		FZ_KERNEL_ADDR, FZ_VA_END - 8, -8ull, 1ull << 63,
	};
	unsigned int r = fz_below(f, 100);

	if (r < 40)
		return (uintptr_t)&f->uf_words[fz_below(f, FZ_UF_SLOTS)].value;
	if (r < 48)
		return (uintptr_t)&f->uf_words[fz_below(f, FZ_UF_SLOTS)].error;
	if (r < 60)
		return (uintptr_t)f->scratch + 8 * fz_below(f, (1 << 20) / 8);
	if (r < 68)
		return (uintptr_t)(fz_chance(f, 50) ? f->ext_page : f->uf_ext) +
		       8 * fz_below(f, FZ_PAGE / 8);
	if (r < 80)
		return fz_word_of(f, fz_below(f, R_NUM));
	if (r < 86)
		return fz_chance(f, 50) ?
		       (uintptr_t)f->scratch + (1 << 20) +
		       8 * fz_below(f, FZ_PAGE / 8) :
		       not_user[fz_below(f, ARRAY_SIZE(not_user))];
	if (r < 93)
		return (uintptr_t)&f->uf_words[fz_below(f, FZ_UF_SLOTS)] + 1 +
		       fz_below(f, 7);
	if (r < 95)
		return 0;
	return fz_value(f, K_PTR);
}

static void gen_wait_ufence(struct fz *f, void *arg)
{
	static const int64_t forever[] = { -1, INT64_MIN, -1000000000 };
	struct drm_svm_wait_user_fence *w = arg;
	struct fz_word word;
	unsigned int r;

	w->addr = fz_wait_addr(f);
	fz_classify(f, w->addr, 8, &word);

	/* Near what the word holds, where that is the same on every run. */
	r = fz_below(f, 100);
	if (word.det && word.nvals && r < 50) {
		w->value = word.vals[fz_below(f, word.nvals)];
		if (r >= 35)
			w->value += fz_below(f, 3) - 1;
	} else if (r < 60) {
		w->value = 0;
	} else if (r < 75) {
		w->value = fz_next(f);
	} else if (r < 85) {
		w->value = ~0ull;
	} else {
		w->value = 1ull << fz_below(f, 64);
	}

	r = fz_below(f, 100);
	if (r < 55)
		w->mask = ~0ull;
	else if (r < 65)
		w->mask = 0;
	else if (r < 75)
		w->mask = 0xffffffffull;
	else if (r < 85)
		w->mask = fz_next(f);
	else
		w->mask = ~0ull << fz_below(f, 64);

	w->op = fz_chance(f, 92) ? fz_below(f, 6) :
		fz_chance(f, 50) ? 6 + fz_below(f, 64) : (uint32_t)fz_next(f);

	r = fz_below(f, 100);
	if (r < 35)
		w->timeout_ns = 0;
	else if (r < 80)
		w->timeout_ns = 1 + fz_below(f, 200000);
	else if (r < 92)
		w->timeout_ns = 200001 + fz_below(f, FZ_WAIT_MAX_NS - 200000);
	else
		w->timeout_ns = forever[fz_below(f, ARRAY_SIZE(forever))];

	f->timer_us = fz_chance(f, 12) ? 20 + fz_below(f, 1500) : 0;
}

static void expect_wait_ufence(struct fz *f, void *arg, unsigned int size)
{
	const unsigned int t_at =
		offsetof(struct drm_svm_wait_user_fence, timeout_ns);
	struct drm_svm_wait_user_fence *a = arg, w;
	struct fz_word word, ext;
	bool bad, sure = false;
	unsigned int i;

	fz_effective(&w, arg, size, sizeof(w));
	fz_classify(f, w.addr, 8, &word);
	fz_classify(f, w.extensions, sizeof(struct drm_svm_user_extension),
		    &ext);
	bad = fz_wait_args_bad(&w);
	/* Sure to hold, on every run, whenever the kernel reads the word. */
	if (!bad && word.read == RD_OK && word.det && word.nvals) {
		sure = true;
		for (i = 0; i < word.nvals; i++)
			sure &= fz_wait_cond(&w, word.vals[i]);
	}
	/*
	 * Never wait long for what may not come: a timeout the kernel sees
	 * as past 2 ms, or as unlimited where the condition is not sure to
	 * hold, becomes one of at most 2 ms. (A command size that cuts the
	 * field keeps its low bytes: never more than the value.)
	 */
	if (size > t_at && (w.timeout_ns > FZ_WAIT_MAX_NS ||
			    (w.timeout_ns < 0 && !sure && !bad))) {
		a->timeout_ns = fz_below(f, FZ_WAIT_MAX_NS + 1);
		fz_effective(&w, arg, size, sizeof(w));
	}
	if (bad || w.timeout_ns <= 0)
		f->timer_us = 0;
	f->wait_in = size >= t_at + sizeof(w.timeout_ns) ? w.timeout_ns : -1;
	/* ENOMEM only if an allocation is made to fail: see fz_one(). */
	f->exp = fz_wait_errs(&w, &word, ext.read, f->timer_us, false);
	f->exp_on = true;
	snprintf(f->exp_why, sizeof(f->exp_why),
		 "wait op %u mask %#" PRIx64 " value %#" PRIx64
		 " timeout %" PRId64 "%s", w.op, (uint64_t)w.mask,
		 (uint64_t)w.value, (int64_t)w.timeout_ns,
		 f->timer_us ? ", timer" : "");
}

/* The time left: none after a timeout, at most what was given. */
static void after_wait_ufence(struct fz *f, void *arg, unsigned int size,
			      int err)
{
	const struct drm_svm_wait_user_fence *w = arg;

	(void)size;
	if (f->target == T_CLOSED || f->target == T_NOTDRM ||
	    f->target == T_BADARG || f->wait_in < 0)
		return;
	if (err == ETIME && w->timeout_ns)
		fz_violation(f, IO_WAIT_UFENCE,
			     "ETIME with %" PRId64 " ns left of %" PRId64,
			     (int64_t)w->timeout_ns, f->wait_in);
	else if ((!err || err == EINTR) &&
		 (w->timeout_ns < 0 || w->timeout_ns > f->wait_in))
		fz_violation(f, IO_WAIT_UFENCE,
			     "%s with %" PRId64 " ns left of %" PRId64,
			     err ? "EINTR" : "0", (int64_t)w->timeout_ns,
			     f->wait_in);
}

static const struct fz_field f_wait_ufence[] = {
	F(struct drm_svm_wait_user_fence, extensions, K_EXT),
	F(struct drm_svm_wait_user_fence, addr, K_PTR),
	F(struct drm_svm_wait_user_fence, value, K_OUT),
	F(struct drm_svm_wait_user_fence, mask, K_OUT),
	F(struct drm_svm_wait_user_fence, op, K_ENUM),
	F(struct drm_svm_wait_user_fence, flags, K_FLAGS),
	F(struct drm_svm_wait_user_fence, timeout_ns, K_TIME),
	F(struct drm_svm_wait_user_fence, reserved[0], K_MBZ),
	F(struct drm_svm_wait_user_fence, reserved[1], K_MBZ),
};

static const struct fz_field f_unknown[] = {
	{ 0, 8, K_EXT, "extensions" },
};

static void gen_unknown(struct fz *f, void *arg)
{
	(void)f;
	(void)arg;
}

/*
 * Weights, per mille: the calls that only look things up most, those that
 * change mappings less. What runs jobs or moves pages is further rationed
 * by fz_heavy().
 */
static struct fz_ioctl fz_ioctls[IO_NUM] = {
	[IO_DEVICE_QUERY] = { "DEVICE_QUERY", DRM_IOCTL_VSVM_DEVICE_QUERY,
		sizeof(struct drm_vsvm_device_query), 110, e_device_query,
		f_device_query, ARRAY_SIZE(f_device_query), gen_device_query,
		NULL },
	[IO_VM_CREATE] = { "VM_CREATE", DRM_IOCTL_VSVM_VM_CREATE,
		sizeof(struct drm_svm_vm_create), 25, e_vm_create, f_vm_create,
		ARRAY_SIZE(f_vm_create), gen_vm_create, done_vm_create },
	[IO_VM_DESTROY] = { "VM_DESTROY", DRM_IOCTL_VSVM_VM_DESTROY,
		sizeof(struct drm_svm_vm_destroy), 25, e_vm_destroy,
		f_vm_destroy, ARRAY_SIZE(f_vm_destroy), gen_vm_destroy,
		done_vm_destroy },
	[IO_VM_BIND] = { "VM_BIND", DRM_IOCTL_VSVM_VM_BIND,
		sizeof(struct drm_svm_vm_bind), 120, e_vm_bind, f_vm_bind,
		ARRAY_SIZE(f_vm_bind), gen_vm_bind, NULL },
	[IO_EXEC] = { "EXEC", DRM_IOCTL_VSVM_EXEC,
		sizeof(struct drm_vsvm_exec), 60, e_exec, f_exec,
		ARRAY_SIZE(f_exec), gen_exec, done_exec, expect_exec,
		after_exec },
	[IO_JOB_QUERY] = { "JOB_QUERY", DRM_IOCTL_VSVM_JOB_QUERY,
		sizeof(struct drm_vsvm_job_query), 120, e_job_query, f_job_query,
		ARRAY_SIZE(f_job_query), gen_job_query, NULL },
	[IO_PREFETCH] = { "PREFETCH", DRM_IOCTL_VSVM_PREFETCH,
		sizeof(struct drm_svm_prefetch), 50, e_prefetch, f_prefetch,
		ARRAY_SIZE(f_prefetch), gen_prefetch, NULL, expect_prefetch,
		after_prefetch },
	[IO_RESIDENCY] = { "RESIDENCY", DRM_IOCTL_VSVM_RESIDENCY,
		sizeof(struct drm_svm_residency), 100, e_residency, f_residency,
		ARRAY_SIZE(f_residency), gen_residency, NULL },
	[IO_TOPOLOGY] = { "TOPOLOGY", DRM_IOCTL_VSVM_TOPOLOGY,
		sizeof(struct drm_svm_topology), 60, e_topology, f_topology,
		ARRAY_SIZE(f_topology), gen_topology, NULL },
	[IO_MADVISE] = { "MADVISE", DRM_IOCTL_VSVM_MADVISE,
		sizeof(struct drm_svm_madvise), 110, e_madvise, f_madvise,
		ARRAY_SIZE(f_madvise), gen_madvise, NULL },
	[IO_ATTR_QUERY] = { "ATTR_QUERY", DRM_IOCTL_VSVM_ATTR_QUERY,
		sizeof(struct drm_svm_attr_query), 120, e_attr_query,
		f_attr_query, ARRAY_SIZE(f_attr_query), gen_attr_query, NULL },
	[IO_WAIT_UFENCE] = { "WAIT_UFENCE", DRM_IOCTL_VSVM_WAIT_USER_FENCE,
		sizeof(struct drm_svm_wait_user_fence), 50, e_wait_ufence,
		f_wait_ufence, ARRAY_SIZE(f_wait_ufence), gen_wait_ufence, NULL,
		expect_wait_ufence, after_wait_ufence },
	/* Driver ioctl numbers past the table; the size is arbitrary. */
	[IO_UNKNOWN] = { "UNKNOWN_NR", 0, 64, 50, e_unknown, f_unknown,
		ARRAY_SIZE(f_unknown), gen_unknown, NULL },
};

static unsigned int fz_total_weight(void)
{
	unsigned int i, w = 0;

	for (i = 0; i < IO_NUM; i++)
		w += fz_ioctls[i].weight;
	return w;
}

/* VSVM_FUZZ_ONLY=NAME,...: fuzz those ioctls only. */
static void fz_select(const char *only)
{
	char list[512];
	unsigned int i;

	if (!only || !*only)
		return;
	snprintf(list, sizeof(list), ",%s,", only);
	for (i = 0; i < IO_NUM; i++) {
		char name[32];

		snprintf(name, sizeof(name), ",%s,", fz_ioctls[i].name);
		if (!strstr(list, name))
			fz_ioctls[i].weight = 0;
	}
	igt_assert_f(fz_total_weight(), "VSVM_FUZZ_ONLY=%s names no ioctl\n",
		     only);
}

static void fz_record_bad(struct fz *f, unsigned int idx, int err,
			  const void *arg, unsigned int size, const char *why)
{
	struct fz_shared *sh = f->sh;
	uint64_t n = __atomic_fetch_add(&sh->nbad, 1, __ATOMIC_RELAXED);
	struct fz_bad *b;

	if (arg)
		igt_warn("worker %u call %" PRIu64 " (seed %#" PRIx64 "): %s to %s fd returned errno %d (%s), not documented%s%s\n",
			 f->worker, f->call, f->seed, fz_ioctls[idx].name,
			 fz_target_names[f->target], err, strerror(err),
			 why[0] ? ": " : "", why);
	else
		igt_warn("worker %u after call %" PRIu64 " (seed %#" PRIx64 "): %s: %s\n",
			 f->worker, f->call, f->seed, fz_ioctls[idx].name, why);
	if (n >= FZ_MAX_BAD)
		return;
	b = &sh->bad[n];
	b->worker = f->worker;
	b->ioctl = idx;
	b->target = f->target;
	b->err = err;
	b->call = f->call;
	b->size = !arg ? 0 : size < sizeof(b->arg) ? size : sizeof(b->arg);
	if (arg)
		memcpy(b->arg, arg, b->size);
	snprintf(b->why, sizeof(b->why), "%s", why);
}

/* Something other than an errno that the uAPI does not allow. */
static void fz_violation(struct fz *f, unsigned int idx, const char *fmt,
			 ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	fz_record_bad(f, idx, 0, NULL, 0, why);
}

/* The errnos a call to @target may return. */
static bool fz_check(unsigned int idx, enum fz_target target, int err)
{
	/* The DRM core rejects an unknown number before anything else. */
	if (idx == IO_UNKNOWN && target != T_CLOSED && target != T_NOTDRM)
		return err == EINVAL;
	switch (target) {
	case T_CLOSED:
		return err == EBADF;
	case T_NOTDRM:
		return err == ENOTTY;
	case T_BADARG:
		return err == EFAULT;
	default:
		return !err || fz_errno_allowed(fz_ioctls[idx].errnos, err);
	}
}

/* The errnos the arguments of this call make possible, if it knows. */
static bool fz_expect_ok(const struct fz *f, int err, char *why, size_t len)
{
	char set[160];

	if (!f->exp_on || f->target == T_CLOSED || f->target == T_NOTDRM ||
	    f->target == T_BADARG || es_has(&f->exp, err))
		return true;
	es_str(&f->exp, set, sizeof(set));
	snprintf(why, len, "%s: expected one of %s", f->exp_why, set);
	return false;
}

/* Make one checked call; returns 0 or the errno. */
static int fz_do(struct fz *f, unsigned int idx, int fd, unsigned long cmd,
		 void *arg, unsigned int size)
{
	unsigned char copy[256];
	char why[FZ_WHY_LEN] = "";
	int ret, err;

	memcpy(copy, arg, size);
	f->digest = fz_mix(f->digest, &cmd, sizeof(cmd));
	f->digest = fz_mix(f->digest, arg, size);
	FZ_STORE(f->sh->current[f->worker], (int)idx);
	ret = ioctl(fd, cmd, f->target == T_BADARG ?
		    (void *)(uintptr_t)f->reg[R_HOLE].addr : arg);
	err = ret ? errno : 0;
	FZ_STORE(f->sh->current[f->worker], -1);
	FZ_STORE(f->sh->progress[f->worker], ++f->call);

	if (err < FZ_MAX_ERRNO)
		f->sh->hist[idx][err]++;
	else
		f->sh->other[idx]++;
	if (!fz_check(idx, f->target, err) ||
	    !fz_expect_ok(f, err, why, sizeof(why)))
		fz_record_bad(f, idx, err, copy, size, why);
	f->exp_on = false;
	return err;
}

static void fz_vm_bind_all(struct fz *f, struct fz_file *file, uint32_t vm)
{
	struct drm_svm_vm_bind b;
	enum fz_target target = f->target;
	unsigned int r;

	f->target = T_OWN;
	for (r = 0; r < R_HOLE; r++) {
		memset(&b, 0, sizeof(b));
		b.vm_id = vm;
		b.cpu_addr = f->reg[r].addr;
		b.gpu_addr = f->reg[r].addr;
		b.range = f->reg[r].size;
		b.flags = r == R_RDONLY ? DRM_SVM_BIND_FLAG_READONLY : 0;
		/* The CPU writes batches: keep them in system memory. */
		if (r == R_BATCH)
			b.flags = DRM_SVM_BIND_FLAG_NO_MIGRATE;
		fz_do(f, IO_VM_BIND, file->fd, DRM_IOCTL_VSVM_VM_BIND, &b,
		      sizeof(b));
	}
	f->target = target;
}

/* Fill the file's pool of VMs, so that calls have VMs to work on. */
static void fz_refill(struct fz *f, struct fz_file *file)
{
	struct drm_svm_vm_create c;

	f->file = file;
	f->target = T_OWN;
	while (file->num_vms < 2) {
		memset(&c, 0, sizeof(c));
		if (fz_do(f, IO_VM_CREATE, file->fd, DRM_IOCTL_VSVM_VM_CREATE,
			  &c, sizeof(c)))
			return;
		done_vm_create(f, &c, 0);
	}
}

static void fz_file_open(struct fz *f, struct fz_file *file, int dev)
{
	memset(file, 0, sizeof(*file));
	file->dev = dev;
	/* Fences of jobs of an earlier opening know it was another one. */
	file->gen = ++f->file_gens;
	file->fd = vsvm_open_node(dev);
	igt_assert_fd(file->fd);
	fz_refill(f, file);
}


static void *fz_map(uint64_t addr, uint64_t size, int prot, int flags,
		    int fd)
{
	void *p = mmap((void *)(uintptr_t)addr, size, prot,
		       flags | MAP_FIXED_NOREPLACE, fd, 0);

	igt_assert_f(p == (void *)(uintptr_t)addr,
		     "mmap at %#" PRIx64 ": %s\n", addr, strerror(errno));
	return p;
}

static void fz_setup_memory(struct fz *f)
{
	static const uint64_t sizes[R_NUM] = {
		[R_MAIN] = 4 << 20, [R_SMALL] = 256 << 10,
		[R_SHARED] = 1 << 20, [R_RDONLY] = 64 << 10,
		[R_NONE] = 64 << 10, [R_CHURN] = 1 << 20,
		[R_BATCH] = 64 << 10, [R_HOLE] = 1 << 20,
	};
	static const int prot[R_NUM] = {
		[R_MAIN] = PROT_READ | PROT_WRITE,
		[R_SMALL] = PROT_READ | PROT_WRITE,
		[R_SHARED] = PROT_READ | PROT_WRITE,
		[R_RDONLY] = PROT_READ, [R_NONE] = PROT_NONE,
		[R_CHURN] = PROT_READ | PROT_WRITE,
		[R_BATCH] = PROT_READ | PROT_WRITE,
	};
	const int anon = MAP_PRIVATE | MAP_ANONYMOUS;
	uint64_t at = FZ_BASE(f->worker);
	struct drm_svm_user_extension *e;
	unsigned int i;
	int memfd;

	memfd = memfd_create("vsvm_fuzz", 0);
	igt_assert_fd(memfd);
	igt_assert_eq(ftruncate(memfd, sizes[R_SHARED]), 0);
	/* Each region 2 MiB aligned, with a hole of 2 MiB after it. */
	for (i = 0; i < R_NUM; i++) {
		f->reg[i].addr = at;
		f->reg[i].size = sizes[i];
		at += (sizes[i] + 2 * FZ_2M - 1) / FZ_2M * FZ_2M + FZ_2M;
		if (i == R_HOLE)
			continue;
		fz_map(f->reg[i].addr, sizes[i], prot[i],
		       i == R_SHARED ? MAP_SHARED : anon,
		       i == R_SHARED ? memfd : -1);
	}
	close(memfd);
	f->churn_mapped = true;
	madvise((void *)(uintptr_t)f->reg[R_MAIN].addr, sizes[R_MAIN],
		MADV_HUGEPAGE);
	memset((void *)(uintptr_t)f->reg[R_MAIN].addr, 0x5a, 1 << 20);

	/* Scratch for the output arrays, then a guard page. */
	f->scratch = fz_map(at, (1 << 20) + FZ_PAGE, PROT_READ | PROT_WRITE,
			    anon, -1);
	mprotect((char *)f->scratch + (1 << 20), FZ_PAGE, PROT_NONE);
	f->fd_array = (int32_t *)((char *)f->scratch + (768 << 10));
	at += 2 * FZ_2M;

	/*
	 * Extension chains in a page of their own, before a guard page: one
	 * that points at itself, a two-element cycle, one longer than the
	 * limit, a bad name, a non-zero pad, a next pointer into a hole,
	 * and one whose header runs into the guard page. To exec and
	 * prefetch, name 0 is a user fence: there the first of each fails
	 * as one (reserved words set, or addr 0), see fz_ext_check().
	 */
	e = fz_map(at, 2 * FZ_PAGE, PROT_READ | PROT_WRITE, anon, -1);
	mprotect((char *)e + FZ_PAGE, FZ_PAGE, PROT_NONE);
	e[0].next_extension = (uintptr_t)&e[0];
	e[1].next_extension = (uintptr_t)&e[2];
	e[2].next_extension = (uintptr_t)&e[1];
	for (i = 3; i < 3 + DRM_SVM_MAX_USER_EXTENSIONS + 2; i++)
		e[i].next_extension = (uintptr_t)&e[i + 1];
	i++;
	e[i].name = 0xffffffff;
	e[i + 1].pad = 1;
	e[i + 2].next_extension = f->reg[R_HOLE].addr;
	f->ext[f->num_ext++] = (uintptr_t)&e[0];
	f->ext[f->num_ext++] = (uintptr_t)&e[1];
	f->ext[f->num_ext++] = (uintptr_t)&e[3];
	f->ext[f->num_ext++] = (uintptr_t)&e[i];
	f->ext[f->num_ext++] = (uintptr_t)&e[i + 1];
	f->ext[f->num_ext++] = (uintptr_t)&e[i + 2];
	f->ext[f->num_ext++] = (uintptr_t)e + FZ_PAGE - 8;
	f->ext[f->num_ext++] = f->reg[R_HOLE].addr;
	f->ext[f->num_ext++] = FZ_KERNEL_ADDR;
	f->ext[f->num_ext++] = -8ull;
	f->ext[f->num_ext++] = 0;
	f->ext_page = e;
	at += 2 * FZ_2M;

	f->span_end = at;

	/*
	 * The user fence slots, two pages, never unmapped: a fence of work
	 * in flight when a file closes or a child is killed still gets
	 * written. Then a page for the fence extensions of a call, and a
	 * guard page after it. Outside the span: GPU jobs store to what
	 * the span's bindings cover, and must not reach them.
	 */
	at = FZ_UF_BASE(f->worker);
	f->uf_words = fz_map(at, FZ_UF_SLOTS * sizeof(*f->uf_words),
			     PROT_READ | PROT_WRITE, anon, -1);
	for (i = 0; i < FZ_UF_SLOTS; i++)
		f->uf_words[i].error = (int64_t)FZ_UF_NOERR;
	at += FZ_UF_SLOTS * sizeof(*f->uf_words) + FZ_PAGE;
	f->uf_ext = fz_map(at, 2 * FZ_PAGE, PROT_READ | PROT_WRITE, anon, -1);
	mprotect((char *)f->uf_ext + FZ_PAGE, FZ_PAGE, PROT_NONE);
}

/*
 * A child opens a render node, makes VMs on it, uses it for attributes,
 * hands the fd over and exits: what the worker then holds is a file of a
 * process that is gone.
 */
static void fz_setup_foreign(struct fz *f)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct drm_svm_vm_create c = {};
	struct drm_svm_attr_query q = {};
	uint32_t ids[2] = {};
	struct iovec iov = { ids, sizeof(ids) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int sv[2], fd, status;
	unsigned int i;
	pid_t pid;

	igt_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	igt_assert(pid >= 0);
	if (!pid) {
		fd = vsvm_open_node(0);
		for (i = 0; fd >= 0 && i < 2; i++) {
			memset(&c, 0, sizeof(c));
			ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &c);
			ids[i] = c.vm_id;
		}
		q.start = f->reg[R_MAIN].addr;
		q.range = FZ_PAGE;
		ioctl(fd, DRM_IOCTL_VSVM_ATTR_QUERY, &q);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		_exit(sendmsg(sv[1], &msg, 0) == sizeof(ids) ? 0 : 1);
	}
	close(sv[1]);
	igt_assert_eq(recvmsg(sv[0], &msg, 0), (ssize_t)sizeof(ids));
	cm = CMSG_FIRSTHDR(&msg);
	igt_assert(cm && cm->cmsg_type == SCM_RIGHTS);
	memcpy(&f->foreign_fd, CMSG_DATA(cm), sizeof(int));
	f->foreign_vms[0] = ids[0];
	f->foreign_vms[1] = ids[1];
	close(sv[0]);
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static uint64_t fz_env(const char *name, uint64_t def);
static void fz_failslab_open(struct fz *f);

/* The timer signal that interrupts a wait: it only has to arrive. */
static void fz_alarm_handler(int sig)
{
	(void)sig;
}

static void fz_setup(struct fz *f, unsigned int worker, uint64_t seed)
{
	/* Without SA_RESTART: an interrupted wait returns EINTR. */
	struct sigaction sa = { .sa_handler = fz_alarm_handler };
	unsigned int i, n;

	memset(&f->files, 0, sizeof(f->files));
	f->worker = worker;
	f->seed = seed;
	f->rng = seed ^ (0x1000193ull * (worker + 1));
	f->digest = 0xcbf29ce484222325ull;
	f->heavy_every = fz_env("VSVM_FUZZ_HEAVY", 500);
	signal(SIGBUS, fz_bus_handler);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	fz_failslab_open(f);
	fz_setup_memory(f);

	n = vsvm_count_devices();
	igt_assert(n > 0);
	f->num_files = n < FZ_MAX_DEVS ? n : FZ_MAX_DEVS;
	for (i = 0; i < f->num_files; i++)
		fz_file_open(f, &f->files[i], i);
	fz_setup_foreign(f);
	f->fresh_fd = vsvm_open_node(0);
	igt_assert_fd(f->fresh_fd);
	f->null_fd = open("/dev/null", O_RDWR);
	igt_assert_fd(f->null_fd);
	/* A number that was a render node and is closed now. */
	f->closed_fd = dup2(f->files[0].fd, 1000);
	igt_assert_eq(f->closed_fd, 1000);
	close(f->closed_fd);
}

static void fz_churn(struct fz *f)
{
	struct fz_region *r = &f->reg[R_CHURN];
	void *p, *q;

	switch (fz_below(f, 4)) {
	case 0:
	case 1:
		/* Unmap under the bindings, or map again. */
		if (f->churn_mapped) {
			munmap((void *)(uintptr_t)r->addr, r->size);
		} else {
			p = mmap((void *)(uintptr_t)r->addr, r->size,
				 PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
				 0);
			igt_assert(p != MAP_FAILED);
			memset(p, 0xa5, FZ_PAGE * (1 + fz_below(f, 16)));
		}
		f->churn_mapped = !f->churn_mapped;
		break;
	case 2:
		/* Protection changes under the mirror. */
		if (f->churn_mapped)
			mprotect((void *)(uintptr_t)r->addr, r->size / 2,
				 fz_chance(f, 50) ? PROT_READ :
				 PROT_READ | PROT_WRITE);
		break;
	default:
		/* mremap away and back: the pages move twice. */
		if (!f->churn_mapped)
			break;
		q = (void *)(uintptr_t)(r->addr + r->size + FZ_2M / 2);
		/* EFAULT after an mprotect() split the range in two VMAs. */
		p = mremap((void *)(uintptr_t)r->addr, r->size, r->size,
			   MREMAP_MAYMOVE | MREMAP_FIXED, q);
		if (p == MAP_FAILED)
			break;
		p = mremap(p, r->size, r->size, MREMAP_MAYMOVE | MREMAP_FIXED,
			   (void *)(uintptr_t)r->addr);
		igt_assert(p != MAP_FAILED);
		break;
	}
}

/*
 * Wait for the job just queued, so that the queue stays bounded: the jobs
 * of a device run in order, so all of the file's are done then.
 */
static void fz_drain(struct fz *f)
{
	int i = f->uf.slot;

	if (fz_uf_ended(f, i) || fz_uf_wait(f, i))
		fz_uf_reap(f, i);
}

/* Will an exec or a prefetch with @arg fail before any work, for sure? */
static bool fz_no_work(const struct fz *f, unsigned int idx, const void *arg)
{
	const struct drm_svm_prefetch *p = arg;
	const struct drm_vsvm_exec *e = arg;
	uint32_t syncobj = idx == IO_EXEC ? e->syncobj : p->syncobj;
	uint64_t ext;

	memcpy(&ext, arg, sizeof(ext));
	return syncobj || (f->uf.head && ext == f->uf.head &&
			   fz_uf_kinds[f->uf.kind].err);
}

/*
 * A job, a prefetch or a populating bind costs milliseconds under TCG
 * (faults, migrations): let one through every @heavy_every calls, and
 * give the others a defect the ioctl finds before any work: a non-zero
 * MBZ field, an extension, or a VM id that is not there.
 */
static void fz_heavy(struct fz *f, unsigned int idx, void *arg)
{
	const struct fz_ioctl *io = &fz_ioctls[idx];
	const struct fz_field *fl;
	unsigned int i, n = 0;

	if (idx != IO_EXEC && idx != IO_PREFETCH && idx != IO_VM_BIND)
		return;
	/* A syncobj or a refused user fence fails it before any work. */
	if (idx != IO_VM_BIND && fz_no_work(f, idx, arg))
		return;
	if (f->call >= f->heavy_next) {
		f->heavy_next = f->call + f->heavy_every;
		return;
	}
	if (idx == IO_VM_BIND) {
		((struct drm_svm_vm_bind *)arg)->flags &=
			~DRM_SVM_BIND_FLAG_POPULATE;
		return;
	}
	switch (fz_below(f, 4)) {
	case 0:
	case 1:
		for (i = 0; i < io->num_fields; i++)
			n += io->fields[i].kind == K_MBZ;
		n = fz_below(f, n);
		for (fl = io->fields; fl->kind != K_MBZ || n--; fl++)
			;
		fz_set(arg, fl, 1ull << fz_below(f, 8 * fl->size));
		break;
	case 2:
		/* The last entry of the pool is the empty chain. */
		fz_set(arg, &io->fields[0],
		       f->ext[fz_below(f, f->num_ext - 1)]);
		break;
	default:
		/* Both structs have vm_id right after the extensions. */
		fz_set(arg, &io->fields[1], f->file->num_stale ?
		       f->file->stale[fz_below(f, f->file->num_stale)] : 0);
		break;
	}
}

/*
 * Fault injection: with failslab filtered to tasks that ask for it, one
 * slab allocation of this call fails once @space bytes have been
 * allocated. The call must then fail cleanly, with a documented errno
 * (ENOMEM, or what the failure turns into), and leak nothing.
 */
static void fz_write(int fd, const char *fmt, uint64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), fmt, v);

	if (write(fd, buf, n) != n)
		igt_warn("fault injection: %m\n");
}

static bool fz_failslab_arm(struct fz *f)
{
	/* Drawn whether or not failslab exists: the stream stays the same. */
	bool arm = fz_chance(f, 2);
	uint64_t space = fz_below(f, 4096);

	if (!arm || f->fail_me < 0)
		return false;
	fz_write(f->fail_space, "%" PRIu64 "\n", space);
	fz_write(f->fail_times, "%" PRIu64 "\n", 1);
	fz_write(f->fail_me, "%" PRIu64 "\n", 1);
	return true;
}

static void fz_failslab_disarm(struct fz *f)
{
	fz_write(f->fail_me, "%" PRIu64 "\n", 0);
	__atomic_fetch_add(&f->sh->failslab, 1, __ATOMIC_RELAXED);
}

static void fz_failslab_open(struct fz *f)
{
	f->fail_me = -1;
	/* Off by default: 2% of the calls failing hides deeper paths. */
	if (!fz_env("VSVM_FUZZ_FAILSLAB", 0))
		return;
	f->fail_space = open("/sys/kernel/debug/failslab/space", O_WRONLY);
	f->fail_times = open("/sys/kernel/debug/failslab/times", O_WRONLY);
	if (f->fail_space < 0 || f->fail_times < 0)
		return;
	f->fail_me = open("/proc/self/make-it-fail", O_WRONLY);
}

/* Global failslab settings: only tasks that ask, never on its own. */
static void fz_failslab_setup(bool on)
{
	static const char * const knobs[][2] = {
		{ "task-filter", "Y" }, { "probability", "100" },
		{ "interval", "1" }, { "verbose", "0" },
		{ "ignore-gfp-wait", "N" }, { "times", "0" }, { "space", "0" },
	};
	char path[96];
	unsigned int i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		if (!on && strcmp(knobs[i][0], "times"))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/failslab/%s",
			 knobs[i][0]);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			return;
		if (write(fd, knobs[i][1], strlen(knobs[i][1])) < 0)
			igt_warn("%s: %m\n", path);
		close(fd);
	}
}

/* One fuzzed call. */
static void fz_one(struct fz *f, unsigned int total_weight)
{
	unsigned char arg[256] __attribute__((aligned(8)));
	const struct fz_ioctl *io;
	unsigned long cmd;
	unsigned int idx, w, size;
	bool armed;
	int fd, err;

	w = fz_below(f, total_weight);
	for (idx = 0; w >= fz_ioctls[idx].weight; idx++)
		w -= fz_ioctls[idx].weight;
	io = &fz_ioctls[idx];

	f->file = fz_file(f);
	w = fz_below(f, 100);
	if (w < 90) {
		f->target = T_OWN;
		fd = f->file->fd;
	} else if (w < 94) {
		f->target = T_FOREIGN;
		fd = f->foreign_fd;
	} else if (w < 96) {
		f->target = T_FRESH;
		fd = f->fresh_fd;
	} else if (w < 97) {
		f->target = T_CLOSED;
		fd = f->closed_fd;
	} else if (w < 98) {
		f->target = T_NOTDRM;
		fd = f->null_fd;
	} else {
		f->target = T_BADARG;
		fd = f->file->fd;
	}

	size = io->size;
	memset(arg, 0, sizeof(arg));
	f->uf = (struct fz_uf_call) { .kind = UF_NONE, .slot = -1 };
	f->timer_us = 0;
	io->gen(f, arg);
	if (fz_chance(f, 70))
		fz_mutate(f, io, arg);
	fz_heavy(f, idx, arg);

	cmd = io->cmd;
	if (idx == IO_UNKNOWN)
		cmd = _IOC(_IOC_READ | _IOC_WRITE, DRM_IOCTL_BASE,
			   DRM_COMMAND_BASE + FZ_FIRST_UNKNOWN +
			   fz_below(f, 0x60 - FZ_FIRST_UNKNOWN), io->size);
	/*
	 * Now and then a size other than the struct's in the command: the
	 * DRM core zero-extends a short argument and ignores the rest of
	 * a long one.
	 */
	if (fz_chance(f, 2)) {
		size = fz_below(f, sizeof(arg) + 1);
		cmd = (cmd & ~((unsigned long)_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
		      ((unsigned long)size << _IOC_SIZESHIFT);
		if (f->target == T_BADARG && !size)
			f->target = T_OWN;
	}

	/* What this call may return, where the kernel gets to see it. */
	if (io->expect && (f->target == T_OWN || f->target == T_FOREIGN ||
			   f->target == T_FRESH))
		io->expect(f, arg, size);
	else
		f->timer_us = 0;
	armed = fz_failslab_arm(f);
	if (armed && f->exp_on)
		es_add(&f->exp, ENOMEM);
	if (f->timer_us) {
		struct itimerval it = { .it_value.tv_usec = f->timer_us };

		setitimer(ITIMER_REAL, &it, NULL);
		__atomic_fetch_add(&f->sh->uf_timed, 1, __ATOMIC_RELAXED);
	}
	err = fz_do(f, idx, fd, cmd, arg, size);
	if (f->timer_us) {
		struct itimerval off = {};

		setitimer(ITIMER_REAL, &off, NULL);
	}
	if (armed)
		fz_failslab_disarm(f);
	if (io->after)
		io->after(f, arg, size, err);
	/* With another size, what came back is not the whole struct. */
	if (f->target == T_OWN && io->done && size == io->size)
		io->done(f, arg, err);
	/* A VM made on another file only lives for this call. */
	if (idx == IO_VM_CREATE && !err &&
	    (f->target == T_FOREIGN || f->target == T_FRESH)) {
		struct drm_svm_vm_destroy d = {
			.vm_id = ((struct drm_svm_vm_create *)arg)->vm_id,
		};

		ioctl(fd, DRM_IOCTL_VSVM_VM_DESTROY, &d);
	}
}

/*
 * A fork child runs a few calls on the fds it inherited: every VM call
 * must fail with EACCES or another documented errno.
 */
static void fz_fork_child(struct fz *f, unsigned int total_weight)
{
	struct drm_svm_vm_create c;
	unsigned int i;
	int status;
	pid_t pid;

	pid = fork();
	igt_assert(pid >= 0);
	if (!pid) {
		f->child = true;
		f->rng ^= 0xc41dull;
		f->heavy_every = 40;
		f->target = T_OWN;
		/* VMs of its own in the inherited files, then anything. */
		for (i = 0; i < f->num_files; i++) {
			memset(&c, 0, sizeof(c));
			f->file = &f->files[i];
			if (!fz_do(f, IO_VM_CREATE, f->file->fd,
				   DRM_IOCTL_VSVM_VM_CREATE, &c, sizeof(c)))
				done_vm_create(f, &c, 0);
		}
		for (i = 0; i < 200; i++)
			fz_one(f, total_weight);
		_exit(0);
	}
	/*
	 * Half of the children are killed while they work: jobs, binds and
	 * prefetches in flight when their mm goes away.
	 */
	if (fz_chance(f, 50)) {
		usleep(fz_below(f, 20000));
		kill(pid, SIGKILL);
	}
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert_f((WIFEXITED(status) && !WEXITSTATUS(status)) ||
		     (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL),
		     "worker %u: fork child died (status %#x)\n", f->worker,
		     status);
}

/*
 * Make the next few VRAM allocations or copies of a device fail, through
 * vsvm's debugfs: faults and prefetches then take their error paths.
 */
static void fz_inject(struct fz *f)
{
	char path[96], val[16];
	int fd, n;

	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/vsvm%u/%s",
		 (unsigned int)fz_below(f, f->num_files),
		 fz_chance(f, 50) ? "fail_vram_alloc" : "fail_copy");
	n = snprintf(val, sizeof(val), "%u\n", 1 + (unsigned int)fz_below(f, 8));
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return;
	if (write(fd, val, n) != n)
		igt_warn("%s: %m\n", path);
	close(fd);
}

static void fz_reopen(struct fz *f)
{
	struct fz_file *file = fz_file(f);
	int dev = file->dev;

	/* Jobs, prefetches and VMs in flight go with the file. */
	close(file->fd);
	fz_file_open(f, file, dev);
}

static double fz_now(void);

static void fz_worker(struct fz *f, uint64_t calls)
{
	unsigned int tw = fz_total_weight();
	unsigned int i;

	while (f->call < calls) {
		if (f->call % 1024 == 0 && fz_now() > f->deadline) {
			f->sh->capped = true;
			break;
		}
		fz_one(f, tw);
		if (f->call % 512 == 0)
			fz_churn(f);
		if (f->call % 4096 == 0)
			for (i = 0; i < f->num_files; i++)
				fz_refill(f, &f->files[i]);
		if (f->call % 32768 == 16384)
			fz_fork_child(f, tw);
		if (f->call % 8192 == 4096)
			fz_inject(f);
		if (f->call % 32768 == 0)
			fz_reopen(f);
	}
	/* Every job ended, and every fence handed out was written. */
	fz_uf_finish(f);
	f->sh->digest[f->worker] = f->digest;
}

static uint64_t fz_env(const char *name, uint64_t def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

static double fz_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fz_print_histogram(struct fz_shared *sh)
{
	char line[2048];
	unsigned int i, e;
	uint64_t sum;
	int n;

	igt_info("calls per ioctl and errno:\n");
	for (i = 0; i < IO_NUM; i++) {
		sum = 0;
		n = 0;
		for (e = 0; e < FZ_MAX_ERRNO; e++) {
			if (!sh->hist[i][e])
				continue;
			sum += sh->hist[i][e];
			n += snprintf(line + n, sizeof(line) - n, " %s=%" PRIu64,
				      e ? strerrorname_np(e) : "0",
				      sh->hist[i][e]);
		}
		if (sh->other[i])
			n += snprintf(line + n, sizeof(line) - n,
				      " other=%" PRIu64, sh->other[i]);
		igt_info("  %-13s %8" PRIu64 ":%s\n", fz_ioctls[i].name, sum,
			 n ? line : "");
	}
}

static void fz_print_bad(struct fz_shared *sh, uint64_t seed)
{
	unsigned int i, j, n = sh->nbad < FZ_MAX_BAD ? sh->nbad : FZ_MAX_BAD;
	char hex[400];
	struct fz_bad *b;

	for (i = 0; i < n; i++) {
		b = &sh->bad[i];
		for (j = 0; j < b->size && j < 128; j++)
			sprintf(hex + 3 * j, " %02x", b->arg[j]);
		hex[3 * j] = 0;
		if (!b->size) {
			igt_warn("violation: %s seed %#" PRIx64 " worker %u after call %" PRIu64 ": %s\n",
				 fz_ioctls[b->ioctl].name, seed, b->worker,
				 b->call, b->why);
			continue;
		}
		igt_warn("bad errno: %s errno %d (%s) seed %#" PRIx64 " worker %u call %" PRIu64 " target %s%s%s args:%s\n",
			 fz_ioctls[b->ioctl].name, b->err,
			 b->err ? strerrorname_np(b->err) : "0", seed,
			 b->worker, b->call, fz_target_names[b->target],
			 b->why[0] ? ", " : "", b->why, hex);
	}
}

/* Has worker @pid ended (a zombie, not reaped yet) or gone? */
static bool fz_ended(pid_t pid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return !p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X';
}

/*
 * Watch the workers: one whose call count does not move for FZ_STALL_S
 * seconds is stuck in the kernel, or livelocked. Returns false after
 * killing the workers on a stall.
 */
static bool fz_watch(struct fz_shared *sh, unsigned int n, uint64_t seed)
{
	uint64_t last[FZ_MAX_WORKERS] = {};
	double since[FZ_MAX_WORKERS];
	unsigned int alive, i;
	int fdt, cur;
	uint64_t now;

	for (i = 0; i < n; i++)
		since[i] = fz_now();
	for (;;) {
		usleep(200 * 1000);
		alive = 0;
		for (i = 0; i < n; i++) {
			if (!FZ_LOAD(sh->pid[i]) || fz_ended(sh->pid[i]))
				continue;
			alive++;
			now = FZ_LOAD(sh->progress[i]);
			if (now != last[i]) {
				last[i] = now;
				since[i] = fz_now();
				continue;
			}
			if (fz_now() - since[i] < FZ_STALL_S)
				continue;
			cur = FZ_LOAD(sh->current[i]);
			igt_warn("watchdog: worker %u made no call for %ds: in %s after call %"
				 PRIu64 ", seed %#" PRIx64 "\n", i, FZ_STALL_S,
				 cur >= 0 ? fz_ioctls[cur].name : "no ioctl",
				 now, seed);
			/* Blocked tasks to the kernel log, for the report. */
			fdt = open("/proc/sysrq-trigger", O_WRONLY);
			if (fdt >= 0) {
				if (write(fdt, "w", 1) != 1)
					igt_warn("sysrq-trigger: %m\n");
				close(fdt);
			}
			for (i = 0; i < n; i++)
				if (sh->pid[i])
					kill(sh->pid[i], SIGKILL);
			return false;
		}
		if (!alive)
			return true;
	}
}

static void test_ioctls(void)
{
	uint64_t seed = fz_env("VSVM_FUZZ_SEED", FZ_DEFAULT_SEED);
	uint64_t calls = fz_env("VSVM_FUZZ_CALLS", 1000000);
	unsigned int workers = fz_env("VSVM_FUZZ_WORKERS", 2);
	uint64_t seconds = fz_env("VSVM_FUZZ_SECONDS", 200);
	struct fz_shared *sh;
	uint64_t total = 0, per;
	double t0, t;
	unsigned int i, e;
	bool ok;

	igt_assert(workers >= 1 && workers <= FZ_MAX_WORKERS);
	fz_select(getenv("VSVM_FUZZ_ONLY"));
	igt_info("seed %#" PRIx64 " (VSVM_FUZZ_SEED), %" PRIu64
		 " calls (VSVM_FUZZ_CALLS), %u workers (VSVM_FUZZ_WORKERS), at most %"
		 PRIu64 " s (VSVM_FUZZ_SECONDS)\n", seed, calls, workers, seconds);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(sh != MAP_FAILED);
	memset(sh, 0, sizeof(*sh));
	for (i = 0; i < FZ_MAX_WORKERS; i++)
		sh->current[i] = -1;

	per = (calls + workers - 1) / workers;
	fz_failslab_setup(true);
	t0 = fz_now();
	igt_fork(child, (int)workers) {
		struct fz f = { .sh = sh, .deadline = t0 + seconds };

		FZ_STORE(sh->pid[child], getpid());
		fz_setup(&f, child, seed);
		fz_worker(&f, per);
	}
	/* The workers write their pids first thing. */
	for (i = 0; i < 50; i++) {
		for (e = 0; e < workers && FZ_LOAD(sh->pid[e]); e++)
			;
		if (e == workers)
			break;
		usleep(100 * 1000);
	}
	ok = fz_watch(sh, workers, seed);
	t = fz_now() - t0;
	fz_failslab_setup(false);

	for (i = 0; i < IO_NUM; i++) {
		for (e = 0; e < FZ_MAX_ERRNO; e++)
			total += sh->hist[i][e];
		total += sh->other[i];
	}
	fz_print_histogram(sh);
	for (i = 0; i < workers; i++)
		igt_info("worker %u: %" PRIu64 " calls, call stream digest %016" PRIx64 "\n",
			 i, sh->progress[i], sh->digest[i]);
	igt_info("%" PRIu64 " calls in %.1f s: %.0f calls/s\n", total, t,
		 total / t);
	igt_info("%" PRIu64 " calls made with a slab allocation failing (VSVM_FUZZ_FAILSLAB)\n",
		 sh->failslab);
	if (sh->sigbus)
		igt_info("%" PRIu64 " CPU writes to batches got SIGBUS (injected copy failures)\n",
			 sh->sigbus);
	igt_info("user fences: %" PRIu64 " of queued work, %" PRIu64
		 " found written and checked (%" PRIu64 " waited for), %"
		 PRIu64 " refused as they had to be; %" PRIu64
		 " waits with a timer signal\n", sh->uf_taken, sh->uf_reaped,
		 sh->uf_waited, sh->uf_refused, sh->uf_timed);
	fz_print_bad(sh, seed);
	igt_assert_f(ok, "watchdog: a worker hung\n");
	igt_waitchildren();
	igt_assert_f(!sh->nbad,
		     "%" PRIu64 " calls returned an undocumented errno, or broke a rule of the uAPI (seed %#" PRIx64 ")\n",
		     sh->nbad, seed);
	/*
	 * A slow or busy host may not make every call in time: that is
	 * said, not failed, as what ran was checked all the same.
	 */
	if (sh->capped)
		igt_warn("time cap of %" PRIu64 " s reached after %" PRIu64 " of %" PRIu64 " calls\n",
			 seconds, total, calls);
	else
		igt_assert_f(total >= calls,
			     "only %" PRIu64 " of %" PRIu64 " calls made\n",
			     total, calls);
	munmap(sh, sizeof(*sh));
}

/*
 * The checker must flag an errno outside the table, and only then; and
 * expect of a call what its arguments make possible, nothing else.
 */
static void test_errno_check(void)
{
	static const int narrow[] = { ENOENT, 0 };
	static uint64_t word __attribute__((aligned(8))) = 5;
	const struct fz_word known = {
		.read = RD_OK, .det = true, .nvals = 1, .vals = { 5 },
	};
	struct drm_svm_vm_create c = { .flags = 1u << 31 };
	struct drm_svm_wait_user_fence w = {
		.addr = (uintptr_t)&word,
		.value = 6,
		.mask = ~0ull,
		.op = DRM_SVM_UFENCE_WAIT_GTE,
	};
	/* VM 0 is never one: the lookup would say ENOENT. */
	struct drm_vsvm_exec e = {
		.batch_addr = (uintptr_t)&word,
		.batch_len = sizeof(word),
		.syncobj = 1,
	};
	static struct fz f;
	struct fz_errs s;
	int fd, err;

	fd = vsvm_open_node(0);
	igt_assert_fd(fd);
	err = ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &c) ? errno : 0;
	igt_assert_eq(err, EINVAL);
	igt_assert(fz_check(IO_VM_CREATE, T_OWN, err));
	igt_assert(!fz_errno_allowed(narrow, err));
	igt_assert(!fz_check(IO_VM_CREATE, T_CLOSED, err));

	/* 5 >= 6 does not hold, and there is no time to wait: ETIME only. */
	err = ioctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w) ? errno : 0;
	igt_assert_eq(err, ETIME);
	s = fz_wait_errs(&w, &known, RD_OK, false, false);
	igt_assert(es_has(&s, ETIME));
	igt_assert(!es_has(&s, 0) && !es_has(&s, EINVAL) &&
		   !es_has(&s, EINTR) && !es_has(&s, EFAULT));
	/* 5 >= 5 holds: 0 only. */
	w.value = 5;
	err = ioctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w) ? errno : 0;
	igt_assert_eq(err, 0);
	s = fz_wait_errs(&w, &known, RD_OK, false, false);
	igt_assert(es_has(&s, 0) && !es_has(&s, ETIME));
	/* An unknown op: EINVAL only, not what the word would give. */
	w.op = DRM_SVM_UFENCE_WAIT_LTE + 1;
	err = ioctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w) ? errno : 0;
	igt_assert_eq(err, EINVAL);
	igt_assert(fz_check(IO_WAIT_UFENCE, T_OWN, err));
	s = fz_wait_errs(&w, &known, RD_OK, true, false);
	igt_assert(es_has(&s, EINVAL));
	igt_assert(!es_has(&s, 0) && !es_has(&s, ETIME) &&
		   !es_has(&s, EINTR) && !es_has(&s, EFAULT) &&
		   !es_has(&s, ENOMEM));

	/* A syncobj: EOPNOTSUPP, checked before the VM is looked up. */
	f.uf = (struct fz_uf_call) { .kind = UF_NONE, .slot = -1 };
	err = ioctl(fd, DRM_IOCTL_VSVM_EXEC, &e) ? errno : 0;
	igt_assert_eq(err, EOPNOTSUPP);
	igt_assert(fz_check(IO_EXEC, T_OWN, err));
	s = fz_exec_errs(&f, &e);
	igt_assert(es_has(&s, EOPNOTSUPP));
	igt_assert(!es_has(&s, 0) && !es_has(&s, ENOENT) &&
		   !es_has(&s, EACCES));
	/* Without it, the lookup: ENOENT, and EOPNOTSUPP is flagged. */
	e.syncobj = 0;
	err = ioctl(fd, DRM_IOCTL_VSVM_EXEC, &e) ? errno : 0;
	igt_assert_eq(err, ENOENT);
	s = fz_exec_errs(&f, &e);
	igt_assert(es_has(&s, ENOENT) && !es_has(&s, EOPNOTSUPP));
	close(fd);
}

/* Write @v to a proc or debugfs file; false if it cannot be opened. */
static bool fz_knob(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, v, strlen(v)) == (ssize_t)strlen(v);
	close(fd);
	return ok;
}

/* Does kmemleak, scanned now, report an object allocated under @func? */
static bool fz_kmemleak_has(const char *func)
{
	static const char path[] = "/sys/kernel/debug/kmemleak";
	char buf[4096];
	bool found = false;
	FILE *f;

	/* Only objects older than 5 s are reported. */
	sleep(6);
	igt_assert(fz_knob(path, "scan") && fz_knob(path, "scan"));
	f = fopen(path, "r");
	igt_assert(f);
	while (fgets(buf, sizeof(buf), f))
		found |= !!strstr(buf, func);
	fclose(f);
	return found;
}

static void test_unbind_split_enomem(void)
{
	struct drm_svm_vm_create c = {};
	struct drm_svm_page_residency res[3];
	struct drm_svm_residency r = {};
	struct drm_svm_vm_bind b = {};
	unsigned int n, i;
	int fd, err;
	char *buf;

	igt_require_f(fz_env("VSVM_FUZZ_REPRO", 1),
		      "VSVM_FUZZ_REPRO=0: skipped, for a kernel without the drm_gpuvm fix\n");
	igt_require(access("/sys/kernel/debug/kmemleak", W_OK) == 0);
	igt_require(access("/proc/self/fail-nth", W_OK) == 0);
	fz_failslab_setup(true);

	fd = vsvm_open_node(0);
	igt_assert_fd(fd);
	do_ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &c);
	buf = mmap(NULL, 3 * FZ_PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(buf != MAP_FAILED);

	r.vm_id = c.vm_id;
	r.gpu_addr = (uintptr_t)buf;
	r.npages = 3;
	r.pages = (uintptr_t)res;
	for (n = 1; n <= 16; n++) {
		char nth[16];

		/* Three pages bound, then the middle one out: a remap step. */
		memset(&b, 0, sizeof(b));
		b.vm_id = c.vm_id;
		b.cpu_addr = (uintptr_t)buf;
		b.gpu_addr = (uintptr_t)buf;
		b.range = 3 * FZ_PAGE;
		do_ioctl(fd, DRM_IOCTL_VSVM_VM_BIND, &b);
		b.op = DRM_SVM_BIND_OP_UNMAP;
		b.cpu_addr = 0;
		b.gpu_addr = (uintptr_t)buf + FZ_PAGE;
		b.range = FZ_PAGE;

		snprintf(nth, sizeof(nth), "%u", n);
		igt_assert(fz_knob("/proc/self/fail-nth", nth));
		err = ioctl(fd, DRM_IOCTL_VSVM_VM_BIND, &b) ? errno : 0;
		igt_assert(fz_knob("/proc/self/fail-nth", "0"));
		igt_info("unbind with allocation %u failing: %s\n", n,
			 err ? strerrorname_np(err) : "0");
		igt_assert_f(!err || err == ENOMEM,
			     "unbind with allocation %u failing: errno %d\n",
			     n, err);
		do_ioctl(fd, DRM_IOCTL_VSVM_RESIDENCY, &r);
		for (i = 0; i < 3; i++)
			igt_assert_f(!!(res[i].flags & DRM_SVM_PAGE_BOUND) ==
				     (err || i != 1),
				     "page %u: bound %d after an unbind that returned %d\n",
				     i, res[i].flags & DRM_SVM_PAGE_BOUND, err);
	}
	close(fd);
	munmap(buf, 3 * FZ_PAGE);
	igt_assert_f(!fz_kmemleak_has("drm_gpuva_sm_step"),
		     "kmemleak: objects of drm_gpuva_sm_step() leaked by failed unbinds\n");
}

igt_main
{
	igt_fixture {
		struct drm_vsvm_device_query q;
		int fd;

		igt_require_f(vsvm_count_devices() > 0,
			      "No vsvm render node; is vsvm loaded?\n");
		/* User fences, and no syncobjs: uAPI 2. */
		fd = vsvm_open_node(0);
		igt_assert_fd(fd);
		vsvm_require_uapi(fd, &q);
		close(fd);
	}

	igt_subtest("errno-check")
		test_errno_check();

	igt_subtest("unbind-split-enomem")
		test_unbind_split_enomem();

	igt_subtest("ioctls")
		test_ioctls();
}

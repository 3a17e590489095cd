// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm fuzz
 * Category: Core
 * Description: Seeded, reproducible fuzzing of every vsvm and drm_svm
 *		ioctl. Each call starts from structurally valid arguments
 *		(real VM ids, mapped and bound ranges, syncobjs, job ids,
 *		render-node fds) and corrupts some of its fields with random
 *		and boundary values: wrapping and huge ranges, addresses near
 *		2^47 and 2^64, unaligned values, unknown flags, non-zero pad,
 *		extension chains that loop or point at unmapped memory, stale
 *		VM ids, handles and fds of other processes, a closed fd. Every
 *		errno must be one the uAPI documents for that ioctl.
 *
 * SUBTEST: errno-check
 * Description: Self-test of the checker: a call that fails with EINVAL
 *		is flagged against a table without EINVAL and accepted by the
 *		real one, so that the fuzzer can fail.
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
#include <sys/wait.h>

#include <xf86drm.h>

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
#define FZ_SYNCOBJS	3
#define FZ_MAX_WORKERS	8
#define FZ_MAX_BAD	16	/* violations recorded in detail */
#define FZ_STALL_S	30	/* watchdog: seconds without progress */
#define FZ_DEFAULT_SEED	0x5eed0f5e

/* An address in the kernel half, as an x86-64 direct map one. */
#define FZ_KERNEL_ADDR	0xffff888000000000ull

/* What a field holds, which steers the values it is corrupted with. */
enum fz_kind {
	K_EXT,		/* extension chain pointer */
	K_PTR,		/* user pointer */
	K_ADDR,		/* CPU or GPU address */
	K_SIZE,		/* size in bytes or pages */
	K_VM,		/* VM id */
	K_SYNC,		/* syncobj handle */
	K_JOB,		/* job id */
	K_ENUM,		/* op, region, type, location: small values */
	K_FLAGS,	/* flags */
	K_MBZ,		/* pad, reserved */
	K_FD,		/* file descriptor */
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
};

/* Shared between the workers and the parent (MAP_SHARED). */
struct fz_bad {
	unsigned int worker, ioctl, target;
	int err;
	uint64_t call;
	unsigned char arg[128];
	unsigned int size;
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
	struct fz_bad bad[FZ_MAX_BAD];
};

struct fz_file {
	int fd;
	int dev;
	uint32_t vms[FZ_VMS];
	unsigned int num_vms;
	uint32_t stale[FZ_STALE];
	unsigned int num_stale;
	uint32_t syncobjs[FZ_SYNCOBJS];
	uint32_t dead_syncobj;
	uint64_t last_job;
	uint32_t wait_syncobj;	/* fence of the file's last exec */
	unsigned int execs;
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
	uint32_t foreign_syncobj;
	int fresh_fd;
	int closed_fd;
	int null_fd;

	struct fz_region reg[R_NUM];
	bool churn_mapped;
	void *scratch;		/* 1 MiB, followed by a guard page */
	uint64_t ext[16];	/* extension chains */
	unsigned int num_ext;
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

static const int e_exec[] = {
	EINVAL, EFAULT, E2BIG, ENOMEM, ENOENT, EACCES, 0
};

static const int e_job_query[] = {
	EINVAL, EFAULT, E2BIG, ENOMEM, ENOENT, 0
};

static const int e_prefetch[] = {
	EINVAL, EFAULT, E2BIG, ENOMEM, ENOENT, EACCES, EPERM, EINTR, EIO,
	EBUSY, 0
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

/* A driver ioctl number past the table: the DRM core says EINVAL. */
static const int e_unknown[] = { EINVAL, 0 };

static bool fz_errno_allowed(const int *errnos, int err)
{
	for (; *errnos; errnos++)
		if (*errnos == err)
			return true;
	return false;
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

static uint32_t fz_syncobj(struct fz *f, struct fz_file *file)
{
	unsigned int r = fz_below(f, 100);

	if (r < 80)
		return file->syncobjs[fz_below(f, FZ_SYNCOBJS)];
	if (r < 88)
		return file->dead_syncobj;
	if (r < 94)
		return f->foreign_syncobj;
	return fz_next(f);
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
		return fz_syncobj(f, file);
	case K_JOB:
		return file->last_job - fz_below(f, 8) + fz_below(f, 3);
	case K_ENUM:
		return fz_below(f, 8);
	case K_FLAGS:
	case K_MBZ:
		return 1ull << fz_below(f, 32);
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

static void fz_drain(struct fz *f, struct fz_file *file);

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
	if (fz_chance(f, 30))
		e->syncobj = fz_syncobj(f, f->file);
	/* Every 64th job of a file is waited for, to keep the queue short. */
	if (f->file->execs % 64 == 63)
		e->syncobj = f->file->wait_syncobj;
}

static void done_exec(struct fz *f, void *arg, int err)
{
	struct drm_vsvm_exec *e = arg;

	if (err || f->target != T_OWN)
		return;
	f->file->last_job = e->job_id;
	if (++f->file->execs % 64 == 0 &&
	    e->syncobj == f->file->wait_syncobj)
		fz_drain(f, f->file);
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
	if (fz_chance(f, 25))
		p->syncobj = fz_syncobj(f, f->file);
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

static const struct fz_field f_unknown[] = {
	{ 0, 8, K_EXT, "extensions" },
};

static void gen_unknown(struct fz *f, void *arg)
{
	(void)f;
	(void)arg;
}

enum {
	IO_DEVICE_QUERY, IO_VM_CREATE, IO_VM_DESTROY, IO_VM_BIND, IO_EXEC,
	IO_JOB_QUERY, IO_PREFETCH, IO_RESIDENCY, IO_TOPOLOGY, IO_MADVISE,
	IO_ATTR_QUERY, IO_UNKNOWN, IO_NUM
};

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
		ARRAY_SIZE(f_exec), gen_exec, done_exec },
	[IO_JOB_QUERY] = { "JOB_QUERY", DRM_IOCTL_VSVM_JOB_QUERY,
		sizeof(struct drm_vsvm_job_query), 120, e_job_query, f_job_query,
		ARRAY_SIZE(f_job_query), gen_job_query, NULL },
	[IO_PREFETCH] = { "PREFETCH", DRM_IOCTL_VSVM_PREFETCH,
		sizeof(struct drm_svm_prefetch), 50, e_prefetch, f_prefetch,
		ARRAY_SIZE(f_prefetch), gen_prefetch, NULL },
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
	/* Driver ioctl numbers past the table; the size is arbitrary. */
	[IO_UNKNOWN] = { "UNKNOWN_NR", 0, 64, 100, e_unknown, f_unknown,
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
			  const void *arg, unsigned int size)
{
	struct fz_shared *sh = f->sh;
	uint64_t n = __atomic_fetch_add(&sh->nbad, 1, __ATOMIC_RELAXED);
	struct fz_bad *b;

	igt_warn("worker %u call %" PRIu64 " (seed %#" PRIx64 "): %s to %s fd returned errno %d (%s), not documented\n",
		 f->worker, f->call, f->seed, fz_ioctls[idx].name,
		 fz_target_names[f->target], err, strerror(err));
	if (n >= FZ_MAX_BAD)
		return;
	b = &sh->bad[n];
	b->worker = f->worker;
	b->ioctl = idx;
	b->target = f->target;
	b->err = err;
	b->call = f->call;
	b->size = size < sizeof(b->arg) ? size : sizeof(b->arg);
	memcpy(b->arg, arg, b->size);
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

/* Make one checked call; returns 0 or the errno. */
static int fz_do(struct fz *f, unsigned int idx, int fd, unsigned long cmd,
		 void *arg, unsigned int size)
{
	unsigned char copy[256];
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
	if (!fz_check(idx, f->target, err))
		fz_record_bad(f, idx, err, copy, size);
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
	unsigned int i;

	memset(file, 0, sizeof(*file));
	file->dev = dev;
	file->fd = vsvm_open_node(dev);
	igt_assert_fd(file->fd);
	for (i = 0; i < FZ_SYNCOBJS; i++)
		igt_assert_eq(drmSyncobjCreate(file->fd, 0,
					       &file->syncobjs[i]), 0);
	igt_assert_eq(drmSyncobjCreate(file->fd, 0, &file->dead_syncobj), 0);
	igt_assert_eq(drmSyncobjCreate(file->fd, 0, &file->wait_syncobj), 0);
	drmSyncobjDestroy(file->fd, file->dead_syncobj);
	fz_refill(f, file);
}

/*
 * Each worker's memory is at fixed addresses, so that a seed gives the
 * same arguments, pointers included, on every run.
 */
#define FZ_BASE(worker)	(0x600000000000ull + ((uint64_t)(worker) << 32))

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
	 * and one whose header runs into the guard page.
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
}

/*
 * A child opens a render node, makes VMs and a syncobj on it, uses it for
 * attributes, hands the fd over and exits: what the worker then holds is
 * a file of a process that is gone.
 */
static void fz_setup_foreign(struct fz *f)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct drm_svm_vm_create c = {};
	struct drm_svm_attr_query q = {};
	uint32_t ids[3] = {};
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
		drmSyncobjCreate(fd, 0, &ids[2]);
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
	f->foreign_syncobj = ids[2];
	close(sv[0]);
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static uint64_t fz_env(const char *name, uint64_t def);
static void fz_failslab_open(struct fz *f);

static void fz_setup(struct fz *f, unsigned int worker, uint64_t seed)
{
	unsigned int i, n;

	memset(&f->files, 0, sizeof(f->files));
	f->worker = worker;
	f->seed = seed;
	f->rng = seed ^ (0x1000193ull * (worker + 1));
	f->digest = 0xcbf29ce484222325ull;
	f->heavy_every = fz_env("VSVM_FUZZ_HEAVY", 500);
	signal(SIGBUS, fz_bus_handler);
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

/* Wait for the file's jobs so that the queue stays bounded. */
static void fz_drain(struct fz *f, struct fz_file *file)
{
	int ret;

	/* EINVAL: no job has put a fence there yet. */
	ret = drmSyncobjWait(file->fd, &file->wait_syncobj, 1, INT64_MAX, 0,
			     NULL);
	igt_assert_f(!ret || errno == EINVAL,
		     "worker %u: waiting for jobs: %s\n", f->worker,
		     strerror(errno));
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
	io->gen(f, arg);
	if (fz_chance(f, 70))
		fz_mutate(f, io, arg);
	fz_heavy(f, idx, arg);

	cmd = io->cmd;
	if (idx == IO_UNKNOWN)
		cmd = _IOC(_IOC_READ | _IOC_WRITE, DRM_IOCTL_BASE,
			   DRM_COMMAND_BASE + IO_UNKNOWN +
			   fz_below(f, 0x60 - IO_UNKNOWN), io->size);
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

	armed = fz_failslab_arm(f);
	err = fz_do(f, idx, fd, cmd, arg, size);
	if (armed)
		fz_failslab_disarm(f);
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

	snprintf(path, sizeof(path), "/sys/kernel/debug/vsvm/vsvm%u/%s",
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
	for (i = 0; i < f->num_files; i++)
		fz_drain(f, &f->files[i]);
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
		igt_warn("bad errno: %s errno %d (%s) seed %#" PRIx64 " worker %u call %" PRIu64 " target %s args:%s\n",
			 fz_ioctls[b->ioctl].name, b->err,
			 strerrorname_np(b->err), seed, b->worker, b->call,
			 fz_target_names[b->target], hex);
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
	fz_print_bad(sh, seed);
	igt_assert_f(ok, "watchdog: a worker hung\n");
	igt_waitchildren();
	igt_assert_f(!sh->nbad,
		     "%" PRIu64 " calls returned an undocumented errno (seed %#" PRIx64 ")\n",
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

/* The checker must flag an errno outside the table, and only then. */
static void test_errno_check(void)
{
	static const int narrow[] = { ENOENT, 0 };
	struct drm_svm_vm_create c = { .flags = 1u << 31 };
	int fd, err;

	fd = vsvm_open_node(0);
	igt_assert_fd(fd);
	err = ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &c) ? errno : 0;
	igt_assert_eq(err, EINVAL);
	igt_assert(fz_check(IO_VM_CREATE, T_OWN, err));
	igt_assert(!fz_errno_allowed(narrow, err));
	igt_assert(!fz_check(IO_VM_CREATE, T_CLOSED, err));
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
	igt_fixture
		igt_require_f(vsvm_count_devices() > 0,
			      "No vsvm render node; is vsvm loaded?\n");

	igt_subtest("errno-check")
		test_errno_check();

	igt_subtest("unbind-split-enomem")
		test_unbind_split_enomem();

	igt_subtest("ioctls")
		test_ioctls();
}

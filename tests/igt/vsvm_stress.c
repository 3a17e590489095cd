// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm stress
 * Category: Core
 * Description: A bounded, seeded race stress of the drm_svm core on every
 *		vsvm device at once. Threads of one process share a pool of
 *		regions of private anonymous memory, bound in every VM of
 *		every thread (one VM each by default, VSVM_STRESS_VMS, the
 *		threads spread over the devices), and mix GPU jobs that read and
 *		write them with the CPU changes a mirror must follow
 *		(munmap and mmap MAP_FIXED, mremap, mprotect, MADV_DONTNEED,
 *		MADV_PAGEOUT, fork and exit), prefetches to every device and
 *		back, and the end of VMs and files with work in flight. Every
 *		byte a job or the CPU reads is checked against a model: a
 *		region's 64-bit words encode the region, the word's index and
 *		the generation that wrote them; every change of a region's
 *		content is a new generation, taken under the region's lock
 *		before the change becomes visible and completed after it, so
 *		that a read must find in each word one of the generations
 *		that were current between its start and its end (or zero,
 *		where one of them is a zero-filled region), and nothing else.
 *		The operation choice is reproducible from the seed that the
 *		test prints (VSVM_STRESS_SEED), the run is bounded in time
 *		(VSVM_STRESS_SECONDS, default 60) and watched by a watchdog
 *		that names the thread and the operation that hangs.
 *
 * SUBTEST: model
 * Description: The checker itself, on one region and one device: a GPU
 *		copy of a region holds the generation written before it, and
 *		the checker refuses, naming the region, the offset and the
 *		expected and actual words, a flipped byte, a word of an
 *		older generation, a word of another region, zeroes where no
 *		generation was zero-filled, and accepts zeroes where one
 *		was.
 *
 * SUBTEST: prefetch-destroyed-vm
 * Description: An asynchronous prefetch of 16 MiB, to VRAM and back in
 *		turns, and at once the destroy of its VM, 32 times: each
 *		user fence is written with 0 or -ENOENT, as the prefetch
 *		uAPI says, never with the -EFAULT of a range that is not
 *		bound (the bindings are gone once the VM is).
 *
 * SUBTEST: contended-write
 * Description: The race for 10 s with GPU copies and GPU writes of one
 *		68 KiB region only, three copies to a write, from the
 *		threads' VMs on every device: every job succeeds and every
 *		copy holds one of the generations written around it.
 *
 * SUBTEST: fork-write
 * Description: A 68 KiB buffer written by a job (so in VRAM), then a
 *		fork whose child keeps it copy-on-write, and a job that
 *		writes it again while the child lives, 16 rounds: the job
 *		succeeds, the parent sees what it wrote and the child still
 *		sees what was there at the fork.
 *
 * SUBTEST: mix-%s
 * Description: The race for 15 s with GPU copies and prefetches and one
 *		kind of other operations only, to tell which kind a failure
 *		of the race needs. Not run by default.
 *
 * arg[1]:
 *
 * @gpu:		GPU writes and asynchronous prefetches
 * @cpu:		CPU reads and writes
 * @fork:		fork and exit
 * @vma:		munmap, mmap, mremap, mprotect
 * @madvise:		MADV_DONTNEED, MADV_PAGEOUT
 * @ends:		VM destroy and file close
 *
 * SUBTEST: busy-gpu
 * Description: As mix-gpu, for VSVM_STRESS_SECONDS, but a job or
 *		prefetch that gives up with -EBUSY fails it (how soon
 *		depends on the load of the host). Not run by default: the
 *		reproducer of an open finding, the core's faults give up
 *		with -EBUSY after a second of retries, which invalidations
 *		of other ranges in the same notifier window (and, in
 *		vsvm_policy's race, the policy's waits) may cause.
 *
 * SUBTEST: busy-gpu-spread
 * Description: As busy-gpu, with each region at the start of a 512 MiB
 *		notifier window of its own instead of all in one: the
 *		control of the busy-gpu reproducer. Much rarer here, -EBUSY
 *		still comes from moves of the region itself by the other
 *		devices (one operation in a couple of thousand, seen once).
 *		Not run by default.
 *
 * SUBTEST: vms-share-page
 * Description: Nine VMs of one process on one device map the same page
 *		(a job of each reads it), all at once: the kernel log stays
 *		clean. Not run by default: with CONFIG_DMA_API_DEBUG it shows
 *		that the core DMA-maps a page once per VM, and the ninth
 *		mapping of a cacheline makes the DMA API's tracking warn.
 *
 * SUBTEST: race
 * Description: Eight threads (VSVM_STRESS_THREADS), two on each of four
 *		devices, for VSVM_STRESS_SECONDS mix, on 24 regions from
 *		12 KiB to 2 MiB (THP-backed where they can be), GPU copies
 *		and checksums of a region, GPU and CPU writes of a new
 *		generation, CPU reads, synchronous and asynchronous
 *		prefetches to VRAM and to system memory (the threads' VMs
 *		being on every device, so are the prefetches and the moves
 *		between devices), munmap then mmap, mmap
 *		MAP_FIXED over a region, mremap away and back (also with
 *		MREMAP_DONTUNMAP), mprotect read-only and PROT_NONE and
 *		back, MADV_DONTNEED (the region then reads zero),
 *		MADV_PAGEOUT (the content stays), fork with a child that
 *		writes its copies, tries the parent's VM (-EACCES) and exits
 *		(the parent's view does not change), and VM destroy and file
 *		close, with or without a job or a prefetch in flight (a job
 *		completes and its data is right; its user fence, waited for
 *		through another file of the device once its own is closed,
 *		is written). Every job's fence holds the error its record
 *		reports, and an asynchronous prefetch reports no page
 *		moved. A job or a prefetch fails
 *		only where a concurrent change made a hole in what it reads
 *		(-EFAULT) or made it read-only (-EPERM, prefetch); a job or
 *		a prefetch in flight on a destroyed VM or a closed file may
 *		end with -ENOENT. A job, a prefetch or the populating bind
 *		of a new VM's batch that gives up with -EBUSY is counted and
 *		reported, not failed (see busy-gpu;
 *		VSVM_STRESS_STRICT=1 fails it), and a GPU write that did so
 *		is completed by the CPU. At the end every region is checked
 *		by the CPU and by a job on every device. The test prints the
 *		seed, the operations run of each kind, those that failed as
 *		allowed or with -EBUSY, and the bytes checked.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "vsvm_multi_lib.h"

IGT_TEST_DESCRIPTION("Race stress: jobs, CPU mm changes, forks, VM ends.");

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif

/*
 * Memory other threads, jobs or a fork's parent change under us: one
 * access per word, neither torn nor merged nor moved by the compiler.
 */
#define load_once(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define store_once(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#define NSEC			((uint64_t)1000000000)
#define NREGIONS		24
#define SLOT			SZ_2M
#define HIST			1024
#define MAX_PGENS		64
#define MAX_THREADS		16
#define DEF_THREADS		8
#define DEF_SECONDS		60
/* After the deadline, for the last operations to end. */
#define GRACE_S			60
/* No single operation takes this long, even under TCG. */
#define OP_LIMIT_S		90
#define WORD_KEY		0xa5a5a5a5a5a5a5a5ull
#define CHILD_GARBAGE		0xdeadbeefdeadbeefull

static const uint64_t region_sizes[] = {
	SZ_2M, 3 * SZ_4K, SZ_64K, 256 << 10, 128 << 10, SZ_1M, 512 << 10,
	17 * SZ_4K,
};

enum gen_kind {
	K_PATTERN,
	K_ZERO,
};

/* What a generation left in the region. */
struct gen_hist {
	uint32_t kind;
	/* K_PATTERN: the generation whose words these are */
	uint32_t pgen;
};

/*
 * A region of the pool. @mutex serialises the changes of its content and
 * of its CPU mapping; @cpu is taken for reading by CPU accesses that a
 * hole would crash, for writing by the operations that make one.
 * Readers that take neither (jobs, prefetches) look at @hole_seq and
 * @ro_seq, odd while a hole or a read-only mapping may be there, to tell
 * a failure the model allows from one it does not.
 */
struct region {
	unsigned int id;
	uint8_t *addr;
	uint64_t size;
	bool huge;
	pthread_mutex_t mutex;
	pthread_rwlock_t cpu;
	uint32_t gen_cur;
	uint32_t gen_done;
	uint32_t hole_seq;
	uint32_t ro_seq;
	/* Read by fork children: their copy may not be writable. */
	int cpu_unsafe;
	struct gen_hist hist[HIST];
};

/* A reader's view of a region: the generations from @lo to @hi. */
struct snap {
	uint32_t lo, hi;
	uint32_t hole, ro;
};

/* The contents a read of a region may find in each word. */
struct expect {
	uint32_t lo, hi;
	bool zero;
	unsigned int n;
	uint32_t pgens[MAX_PGENS];
};

enum stress_op {
	OP_GPU_READ,
	OP_GPU_SUM,
	OP_GPU_WRITE,
	OP_CPU_READ,
	OP_CPU_WRITE,
	OP_PREFETCH,
	OP_PREFETCH_ASYNC,
	OP_MUNMAP_MMAP,
	OP_MMAP_FIXED,
	OP_MREMAP,
	OP_MREMAP_KEEP,
	OP_MPROTECT_RO,
	OP_MPROTECT_NONE,
	OP_DONTNEED,
	OP_PAGEOUT,
	OP_FORK,
	OP_VM_CYCLE,
	OP_FD_CYCLE,
	NOPS,
};

static const struct {
	const char *name;
	unsigned int weight;
} op_info[NOPS] = {
	[OP_GPU_READ] = { "gpu-read", 24 },
	[OP_GPU_SUM] = { "gpu-checksum", 5 },
	[OP_GPU_WRITE] = { "gpu-write", 8 },
	[OP_CPU_READ] = { "cpu-read", 8 },
	[OP_CPU_WRITE] = { "cpu-write", 8 },
	[OP_PREFETCH] = { "prefetch", 10 },
	[OP_PREFETCH_ASYNC] = { "prefetch-async", 5 },
	[OP_MUNMAP_MMAP] = { "munmap-mmap", 3 },
	[OP_MMAP_FIXED] = { "mmap-fixed", 3 },
	[OP_MREMAP] = { "mremap", 2 },
	[OP_MREMAP_KEEP] = { "mremap-dontunmap", 2 },
	[OP_MPROTECT_RO] = { "mprotect-ro", 2 },
	[OP_MPROTECT_NONE] = { "mprotect-none", 2 },
	[OP_DONTNEED] = { "madv-dontneed", 3 },
	[OP_PAGEOUT] = { "madv-pageout", 3 },
	[OP_FORK] = { "fork", 3 },
	[OP_VM_CYCLE] = { "vm-destroy", 2 },
	[OP_FD_CYCLE] = { "fd-close", 1 },
};

/*
 * A device as one thread uses it: its own file and VM, and the user
 * fences of its jobs and of its VM's prefetches (two queues), which
 * outlive the file and the VM.
 */
struct tdev {
	const struct mig_dev *d;
	int fd;
	uint32_t vm;
	struct svm_fence *jobs;
	struct svm_fence *prefetches;
};

struct worker {
	pthread_t thread;
	unsigned int id;
	uint64_t rng;
	/* On devices (i + k) % ndevs for k < ntd, i the thread's index */
	struct tdev td[MAX_DEVS];
	int ntd;
	/* One page of batch, bound mirror-only and populated */
	uint64_t *batch;
	/* Where jobs copy regions to, bound normally: it migrates too */
	uint64_t *check;
	/* What GPU writes copy from, mirror-only */
	uint64_t *staging;
	/* A 2 MiB reservation for mremap to move regions to */
	uint8_t *scratch;
	/* What CPU reads copy a region to, before they check it */
	uint64_t *cpu_copy;
	uint64_t ops[NOPS];
	uint64_t allowed_fail[NOPS];
	uint64_t busy[NOPS];
	uint64_t op_ns[NOPS];
	uint64_t bytes_gpu, bytes_cpu, unchecked;
	uint64_t nops;
	/* For the watchdog */
	int cur_op;
	int cur_region;
	int cur_dev;
	uint64_t op_start;
	int done;
};

static struct region regions[NREGIONS];
static uint8_t *arena;
/* Distance between regions: a 2 MiB slot each, or a notifier window each */
static uint64_t slot_stride = SLOT;
#define WINDOW			(512 * SZ_1M)
static int ndevs;
static uint64_t seed;
/* The operation mix and the regions of a run */
static unsigned int weights[NOPS], total_weight;
static unsigned int region_first, region_count = NREGIONS;
static unsigned int nthreads = DEF_THREADS;
/* VMs, on as many devices, of each thread */
static unsigned int vms_per_thread = 1;
/* A fork child keeps the files open: no file closes while one lives. */
static pthread_rwlock_t fork_lock = PTHREAD_RWLOCK_INITIALIZER;
static int forks_live;
/*
 * Whether -EBUSY fails the run. The core gives up a fault (and so a job
 * or a prefetch) with -EBUSY after HMM_RANGE_DEFAULT_TIMEOUT of retries,
 * which invalidations anywhere in the fault's notifier window (512 MiB)
 * cause: the race counts those, and the busy-gpu subtest fails on them.
 */
static bool strict_busy, strict_env;
static unsigned int seconds = DEF_SECONDS;
static int stop;

static struct {
	pthread_mutex_t lock;
	bool set;
	char msg[4096];
} failure = { .lock = PTHREAD_MUTEX_INITIALIZER };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd(struct worker *w, uint64_t n)
{
	return splitmix64(&w->rng) % n;
}

/* The first failure of any thread wins and stops them all. */
static void __attribute__((format(printf, 2, 3)))
fail_set(const struct worker *w, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	pthread_mutex_lock(&failure.lock);
	if (!failure.set) {
		failure.set = true;
		n = 0;
		if (w)
			n = snprintf(failure.msg, sizeof(failure.msg),
				     "thread %u, op #%" PRIu64 " (%s): ", w->id,
				     w->nops, op_info[w->cur_op].name);
		va_start(ap, fmt);
		vsnprintf(failure.msg + n, sizeof(failure.msg) - n, fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&failure.lock);
	store_once(stop, 1);
}

/*
 * The model
 */

static uint64_t word_of(unsigned int region, uint32_t pgen, uint64_t index)
{
	return ((uint64_t)(pgen & 0xffffff) << 40 |
		(uint64_t)(region & 0xff) << 32 | (index & 0xffffffff)) ^
	       WORD_KEY;
}

/* Starts generation kind @kind (of pattern @pgen, or its own); mutex held. */
static uint32_t gen_begin(struct region *r, uint32_t kind, uint32_t pgen)
{
	uint32_t g = r->gen_cur + 1;

	r->hist[g % HIST].kind = kind;
	r->hist[g % HIST].pgen = pgen ? pgen : g;
	__atomic_store_n(&r->gen_cur, g, __ATOMIC_RELEASE);
	/* No write of the new content before it is announced. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return g;
}

static void gen_end(struct region *r, uint32_t g)
{
	__atomic_store_n(&r->gen_done, g, __ATOMIC_RELEASE);
}

static void seq_bump(uint32_t *seq)
{
	__atomic_fetch_add(seq, 1, __ATOMIC_ACQ_REL);
}

static void snap_begin(struct region *r, struct snap *s)
{
	s->hole = __atomic_load_n(&r->hole_seq, __ATOMIC_ACQUIRE);
	s->ro = __atomic_load_n(&r->ro_seq, __ATOMIC_ACQUIRE);
	s->lo = __atomic_load_n(&r->gen_done, __ATOMIC_ACQUIRE);
}

static void snap_end(struct region *r, struct snap *s)
{
	s->hi = __atomic_load_n(&r->gen_cur, __ATOMIC_ACQUIRE);
}

/* Whether the region may have been a hole (or PROT_NONE) meanwhile. */
static bool snap_hole(struct region *r, const struct snap *s)
{
	return (s->hole & 1) ||
	       s->hole != __atomic_load_n(&r->hole_seq, __ATOMIC_ACQUIRE);
}

static bool snap_ro(struct region *r, const struct snap *s)
{
	return (s->ro & 1) ||
	       s->ro != __atomic_load_n(&r->ro_seq, __ATOMIC_ACQUIRE);
}

/* What a read seeing generations @lo .. @hi may find; false if unknown. */
static bool expect_of(const struct region *r, uint32_t lo, uint32_t hi,
		      struct expect *e)
{
	const struct gen_hist *h;
	unsigned int i;
	uint32_t g;

	memset(e, 0, sizeof(*e));
	e->lo = lo;
	e->hi = hi;
	if (hi < lo || hi - lo >= HIST / 2)
		return false;
	for (g = lo; g <= hi; g++) {
		h = &r->hist[g % HIST];
		if (h->kind == K_ZERO) {
			e->zero = true;
			continue;
		}
		for (i = 0; i < e->n; i++)
			if (e->pgens[i] == h->pgen)
				break;
		if (i < e->n)
			continue;
		if (e->n == MAX_PGENS)
			return false;
		e->pgens[e->n++] = h->pgen;
	}
	return true;
}

static bool word_ok(uint64_t w, unsigned int region, uint64_t index,
		    const struct expect *e)
{
	uint64_t v = w ^ WORD_KEY;
	uint32_t pgen = v >> 40;
	unsigned int i;

	if (!w)
		return e->zero;
	if (((v >> 32) & 0xff) != region || (v & 0xffffffff) != index)
		return false;
	for (i = 0; i < e->n; i++)
		if ((e->pgens[i] & 0xffffff) == pgen)
			return true;
	return false;
}

/*
 * check_words() - The first word of @p (the content of region @r as read)
 * that @e does not allow, or -1; a description of what is wrong in @msg
 */
static int64_t check_words(const uint64_t *p, const struct region *r,
			   const struct expect *e, const char *what,
			   char *msg, size_t len)
{
	uint64_t nwords = r->size / 8, i, nbad = 0, v, got = 0;
	int64_t first = -1;
	size_t n;

	for (i = 0; i < nwords; i++) {
		v = load_once(p[i]);
		if (word_ok(v, r->id, i, e))
			continue;
		if (first < 0) {
			first = i;
			got = v;
		}
		nbad++;
	}
	if (first < 0)
		return -1;

	v = got ^ WORD_KEY;
	n = snprintf(msg, len,
		     "corruption: %s of region %u [%p, +%#" PRIx64
		     ") at offset %#" PRIx64
		     ": expected generation %u..%u (%u patterns%s; %#018" PRIx64
		     " for generation %u), got %#018" PRIx64
		     " (as region %u word %#x generation %u); %" PRIu64
		     " of %" PRIu64 " words bad; seed %" PRIu64 "; bytes:",
		     what, r->id, r->addr, r->size, (uint64_t)first * 8,
		     e->lo, e->hi, e->n, e->zero ? " or zero" : "",
		     word_of(r->id, e->n ? e->pgens[e->n - 1] : 0, first),
		     e->n ? e->pgens[e->n - 1] : 0, got,
		     got ? (unsigned int)((v >> 32) & 0xff) : 0,
		     got ? (unsigned int)(v & 0xffffffff) : 0,
		     got ? (unsigned int)(v >> 40) : 0, nbad, nwords, seed);
	/* The actual bytes around the first bad word. */
	for (i = first; i < nwords && i < (uint64_t)first + 4 && n < len; i++)
		n += snprintf(msg + n, len - n, " +%#" PRIx64 ": %016" PRIx64,
			      i * 8, load_once(p[i]));
	return first;
}

/*
 * Checks what a read of @r from @s found at @p; counts it in @w. false
 * and the failure set when the model does not allow it.
 */
static bool validate(struct worker *w, const char *what, struct region *r,
		     const uint64_t *p, const struct snap *s,
		     uint64_t *bytes)
{
	char msg[1536];
	struct expect e;

	if (!expect_of(r, s->lo, s->hi, &e)) {
		w->unchecked++;
		return true;
	}
	if (check_words(p, r, &e, what, msg, sizeof(msg)) < 0) {
		*bytes += r->size;
		return true;
	}
	fail_set(w, "%s", msg);
	return false;
}

/* Fills @p with the words of generation @g of region @r. */
static void fill_words(uint64_t *p, const struct region *r,
		       uint32_t g)
{
	uint64_t i;

	for (i = 0; i < r->size / 8; i++)
		store_once(p[i], word_of(r->id, g, i));
}

static uint64_t sum_of(const struct region *r, const struct gen_hist *h)
{
	uint64_t i, sum = VSVM_CHECKSUM_SEED;

	for (i = 0; i < r->size / 8; i++)
		sum = svm_checksum_update(sum, h->kind == K_ZERO ? 0 :
					  word_of(r->id, h->pgen, i));
	return sum;
}

/*
 * Devices, VMs and jobs of a thread
 */

static int tdev_bind(struct worker *w, struct tdev *t)
{
	int err;

	err = __svm_bind(t->fd, t->vm, to_u64(arena), to_u64(arena),
			 NREGIONS * slot_stride, 0);
	if (!err)
		err = __svm_bind(t->fd, t->vm, to_u64(w->check),
				 to_u64(w->check), SLOT, 0);
	if (!err)
		err = __svm_bind(t->fd, t->vm, to_u64(w->staging),
				 to_u64(w->staging), SLOT,
				 DRM_SVM_BIND_FLAG_NO_MIGRATE);
	if (!err)
		err = __svm_bind(t->fd, t->vm, to_u64(w->batch),
				 to_u64(w->batch), SZ_4K,
				 DRM_SVM_BIND_FLAG_NO_MIGRATE |
				 DRM_SVM_BIND_FLAG_POPULATE);
	return err;
}

/* -EBUSY, counted when it is not fatal */
static bool busy_allowed(struct worker *w, enum stress_op op, int err)
{
	if (err != -EBUSY || strict_busy)
		return false;
	w->busy[op]++;
	return true;
}

static bool tdev_vm_create(struct worker *w, struct tdev *t)
{
	struct drm_svm_vm_create args = {};
	int err;

	err = __svm_vm_create(t->fd, &args);
	if (err) {
		fail_set(w, "VM create on vsvm%u: %d", t->d->index, err);
		return false;
	}
	t->vm = args.vm_id;
	err = tdev_bind(w, t);
	/*
	 * A populating bind that kept racing invalidations gives up with
	 * -EBUSY, and the binding stays: the batch faults in on first use.
	 */
	if (busy_allowed(w, w->cur_op, err))
		err = 0;
	if (err) {
		fail_set(w, "bind on vsvm%u: %d", t->d->index, err);
		return false;
	}
	return true;
}

static bool tdev_open(struct worker *w, struct tdev *t)
{
	t->fd = vsvm_open_render(t->d->index);
	if (t->fd < 0) {
		fail_set(w, "cannot open vsvm%u", t->d->index);
		return false;
	}
	return tdev_vm_create(w, t);
}

static void tdev_close(struct tdev *t)
{
	if (t->fd < 0)
		return;
	if (t->vm)
		__svm_vm_destroy(t->fd, t->vm);
	close(t->fd);
	t->fd = -1;
	t->vm = 0;
}

/* [COPY, dst, src, len][END]; returns the batch length in bytes. */
static uint64_t batch_copy(struct worker *w, const void *dst,
			   const void *src, uint64_t len)
{
	w->batch[0] = VSVM_CMD_COPY;
	w->batch[1] = to_u64(dst);
	w->batch[2] = to_u64(src);
	w->batch[3] = len;
	w->batch[4] = VSVM_CMD_END;
	return 5 * sizeof(uint64_t);
}

#define SUM_SLOT	64

static uint64_t batch_sum(struct worker *w, const void *src, uint64_t len)
{
	w->batch[SUM_SLOT] = 0;
	w->batch[0] = VSVM_CMD_CHECKSUM;
	w->batch[1] = to_u64(src);
	w->batch[2] = len;
	w->batch[3] = to_u64(&w->batch[SUM_SLOT]);
	w->batch[4] = VSVM_CMD_END;
	return 5 * sizeof(uint64_t);
}

/* Submits the batch; the job id in *@job. 0 or -errno. */
static int job_submit(struct worker *w, struct tdev *t, uint64_t len,
		      uint64_t *job)
{
	struct drm_vsvm_exec exec = {
		.vm_id = t->vm,
		.batch_addr = to_u64(w->batch),
		.batch_len = len,
	};
	int err;

	svm_fence_chain(t->jobs, &exec.extensions);
	err = __svm_exec(t->fd, &exec);
	if (err)
		svm_fence_unchain(t->jobs);
	*job = exec.job_id;
	return err;
}

/*
 * Waits for the user fence of @t's last job, @job, and reads its record,
 * which must be complete and hold the error the fence got. false on
 * failure.
 */
static bool job_wait(struct worker *w, struct tdev *t, uint64_t job,
		     struct drm_vsvm_job_query *q)
{
	int err = __svm_wait_job(t->fd, t->jobs, SVM_JOB_TIMEOUT_NS);

	memset(q, 0, sizeof(*q));
	q->job_id = job;
	if (err) {
		__svm_job_query(t->fd, q);
		fail_set(w, "job %" PRIu64
			 " on vsvm%u not done in %u s: %d, status %s (hang?)",
			 job, t->d->index,
			 (unsigned int)(SVM_JOB_TIMEOUT_NS / NSEC), err,
			 svm_job_status_str(q->status));
		return false;
	}
	err = __svm_job_query(t->fd, q);
	if (err || !svm_job_ended(q)) {
		fail_set(w, "job %" PRIu64
			 " on vsvm%u: query %d, status %s after its fence",
			 job, t->d->index, err,
			 svm_job_status_str(q->status));
		return false;
	}
	if (t->jobs->error != q->error) {
		fail_set(w, "job %" PRIu64 " on vsvm%u: fence error %" PRId64
			 ", record error %d", job, t->d->index,
			 (int64_t)t->jobs->error, q->error);
		return false;
	}
	return true;
}

static bool job_run(struct worker *w, struct tdev *t, uint64_t len,
		    struct drm_vsvm_job_query *q)
{
	uint64_t job;
	int err = job_submit(w, t, len, &job);

	if (err) {
		fail_set(w, "exec on vsvm%u: %d", t->d->index, err);
		return false;
	}
	return job_wait(w, t, job, q);
}

static bool job_ok(const struct drm_vsvm_job_query *q)
{
	return q->status == DRM_VSVM_JOB_DONE && !q->error;
}

/* A failed job reading @r that a hole made during @s explains. */
static bool job_fail_allowed(struct region *r, const struct snap *s,
			     const struct drm_vsvm_job_query *q)
{
	return snap_hole(r, s) && q->error == -EFAULT &&
	       q->fault.error == -EFAULT &&
	       q->fault.address >= to_u64(r->addr) &&
	       q->fault.address < to_u64(r->addr) + r->size;
}

static void job_fail(struct worker *w, struct tdev *t, struct region *r,
		     const char *what, const struct drm_vsvm_job_query *q)
{
	fail_set(w, "%s of region %u [%p, +%#" PRIx64
		 ") on vsvm%u failed with no hole to explain it: job %" PRIu64
		 " error %d, fault at %#" PRIx64 " %s error %d, %" PRIu64
		 " faults (fork children alive: %d); seed %" PRIu64,
		 what, r->id, r->addr,
		 r->size, t->d->index, (uint64_t)q->job_id, q->error,
		 (uint64_t)q->fault.address, svm_access_str(q->fault.access),
		 q->fault.error, (uint64_t)q->faults,
		 __atomic_load_n(&forks_live, __ATOMIC_RELAXED), seed);
}

/*
 * Operations
 */

static void op_gpu_read(struct worker *w, struct region *r, struct tdev *t)
{
	struct drm_vsvm_job_query q;
	uint64_t len = batch_copy(w, w->check, r->addr, r->size);
	struct snap s;

	snap_begin(r, &s);
	if (!job_run(w, t, len, &q))
		return;
	snap_end(r, &s);
	if (!job_ok(&q)) {
		if (job_fail_allowed(r, &s, &q))
			w->allowed_fail[OP_GPU_READ]++;
		else if (!busy_allowed(w, OP_GPU_READ, q.error))
			job_fail(w, t, r, "GPU copy", &q);
		return;
	}
	validate(w, "GPU copy", r, w->check, &s, &w->bytes_gpu);
}

static void op_gpu_sum(struct worker *w, struct region *r, struct tdev *t)
{
	struct drm_vsvm_job_query q;
	uint64_t len = batch_sum(w, r->addr, r->size), sum, expected;
	struct snap s;

	snap_begin(r, &s);
	if (!job_run(w, t, len, &q))
		return;
	snap_end(r, &s);
	if (!job_ok(&q)) {
		if (job_fail_allowed(r, &s, &q))
			w->allowed_fail[OP_GPU_SUM]++;
		else if (!busy_allowed(w, OP_GPU_SUM, q.error))
			job_fail(w, t, r, "GPU checksum", &q);
		return;
	}
	/* A checksum says something only of a region that did not change. */
	if (s.lo != s.hi) {
		w->unchecked++;
		return;
	}
	sum = w->batch[SUM_SLOT];
	expected = sum_of(r, &r->hist[s.lo % HIST]);
	if (sum != expected) {
		fail_set(w, "corruption: GPU checksum of region %u [%p, +%#"
			 PRIx64 ") on vsvm%u is %#" PRIx64 ", expected %#"
			 PRIx64 " for generation %u (%s); seed %" PRIu64,
			 r->id, r->addr, r->size, t->d->index, sum, expected,
			 s.lo, r->hist[s.lo % HIST].kind == K_ZERO ?
			 "zero" : "pattern", seed);
		return;
	}
	w->bytes_gpu += r->size;
}

static void op_gpu_write(struct worker *w, struct region *r, struct tdev *t)
{
	struct drm_vsvm_job_query q;
	uint64_t len;
	uint32_t g;

	pthread_mutex_lock(&r->mutex);
	g = gen_begin(r, K_PATTERN, 0);
	fill_words(w->staging, r, g);
	len = batch_copy(w, r->addr, w->staging, r->size);
	if (job_run(w, t, len, &q) && !job_ok(&q)) {
		if (!busy_allowed(w, OP_GPU_WRITE, q.error))
			job_fail(w, t, r, "GPU write", &q);
		/* Written in part: the CPU writes it all, a new generation. */
		g = gen_begin(r, K_PATTERN, 0);
		fill_words((uint64_t *)r->addr, r, g);
	}
	gen_end(r, g);
	pthread_mutex_unlock(&r->mutex);
}

static void op_cpu_read(struct worker *w, struct region *r)
{
	const uint64_t *p = (const uint64_t *)r->addr;
	struct snap s;
	uint64_t i;

	pthread_rwlock_rdlock(&r->cpu);
	snap_begin(r, &s);
	for (i = 0; i < r->size / 8; i++)
		w->cpu_copy[i] = load_once(p[i]);
	/* The generation after the reads: everything they may have seen. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	snap_end(r, &s);
	pthread_rwlock_unlock(&r->cpu);
	validate(w, "CPU read", r, w->cpu_copy, &s, &w->bytes_cpu);
}

static void op_cpu_write(struct region *r)
{
	uint32_t g;

	pthread_mutex_lock(&r->mutex);
	g = gen_begin(r, K_PATTERN, 0);
	fill_words((uint64_t *)r->addr, r, g);
	gen_end(r, g);
	pthread_mutex_unlock(&r->mutex);
}

static void op_prefetch(struct worker *w, struct region *r, struct tdev *t,
			bool async)
{
	uint32_t where = rnd(w, 3) ? DRM_SVM_REGION_DEVICE :
				     DRM_SVM_REGION_SYSTEM;
	enum stress_op op = async ? OP_PREFETCH_ASYNC : OP_PREFETCH;
	uint64_t moved = 0;
	struct snap s;
	int err;

	snap_begin(r, &s);
	err = __svm_prefetch(t->fd, t->vm, to_u64(r->addr), r->size, where,
			     async ? t->prefetches : NULL, &moved);
	if (!err && async) {
		/* Asynchronous: nothing moved before the ioctl returns. */
		if (moved) {
			fail_set(w,
				 "async prefetch of region %u on vsvm%u reported %" PRIu64 " pages moved",
				 r->id, t->d->index, moved);
			return;
		}
		err = __svm_wait_job(t->fd, t->prefetches,
				     SVM_JOB_TIMEOUT_NS);
		if (err) {
			fail_set(w,
				 "prefetch of region %u on vsvm%u not done in %u s: %d (hang?)",
				 r->id, t->d->index,
				 (unsigned int)(SVM_JOB_TIMEOUT_NS / NSEC), err);
			return;
		}
		err = svm_fence_status(t->prefetches);
		err = err == 1 ? 0 : err;
	}
	if (!err)
		return;
	if ((err == -EFAULT && snap_hole(r, &s)) ||
	    (err == -EPERM && snap_ro(r, &s))) {
		w->allowed_fail[op]++;
		return;
	}
	if (busy_allowed(w, op, err))
		return;
	fail_set(w, "%s prefetch of region %u [%p, +%#" PRIx64
		 ") to %s on vsvm%u failed with no change to explain it: %d (%s); seed %"
		 PRIu64, async ? "async" : "sync", r->id, r->addr, r->size,
		 where == DRM_SVM_REGION_DEVICE ? "VRAM" : "system memory",
		 t->d->index, err, strerror(-err), seed);
}

static void *map_at(struct worker *w, struct region *r)
{
	void *p = mmap(r->addr, r->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
		       0);

	if (p != r->addr) {
		fail_set(w,
			 "mmap of region %u at %p: %p, errno %d (address taken by another mapping?)",
			 r->id, r->addr, p, errno);
		return NULL;
	}
	if (r->huge)
		madvise(p, r->size, MADV_HUGEPAGE);
	return p;
}

/* munmap, then mmap at the same address: zero, then maybe a pattern. */
static void op_munmap_mmap(struct worker *w, struct region *r)
{
	uint32_t g;

	pthread_mutex_lock(&r->mutex);
	pthread_rwlock_wrlock(&r->cpu);
	store_once(r->cpu_unsafe, 1);
	seq_bump(&r->hole_seq);
	g = gen_begin(r, K_ZERO, 0);
	if (munmap(r->addr, r->size))
		fail_set(w, "munmap of region %u: errno %d", r->id, errno);
	if (rnd(w, 2))
		usleep(rnd(w, 1000));
	map_at(w, r);
	gen_end(r, g);
	seq_bump(&r->hole_seq);
	store_once(r->cpu_unsafe, 0);
	pthread_rwlock_unlock(&r->cpu);
	if (rnd(w, 2)) {
		g = gen_begin(r, K_PATTERN, 0);
		fill_words((uint64_t *)r->addr, r, g);
		gen_end(r, g);
	}
	pthread_mutex_unlock(&r->mutex);
}

/* mmap MAP_FIXED over the region: replaced at once, never a hole. */
static void op_mmap_fixed(struct worker *w, struct region *r)
{
	uint32_t g;
	void *p;

	pthread_mutex_lock(&r->mutex);
	g = gen_begin(r, K_ZERO, 0);
	p = mmap(r->addr, r->size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p != r->addr)
		fail_set(w, "mmap MAP_FIXED over region %u: %p, errno %d",
			 r->id, p, errno);
	else if (r->huge)
		madvise(p, r->size, MADV_HUGEPAGE);
	gen_end(r, g);
	if (rnd(w, 2)) {
		g = gen_begin(r, K_PATTERN, 0);
		fill_words((uint64_t *)r->addr, r, g);
		gen_end(r, g);
	}
	pthread_mutex_unlock(&r->mutex);
}

/* Gives @w a fresh scratch reservation where the old one was. */
static void scratch_reserve(struct worker *w, uint64_t size)
{
	void *p = mmap(w->scratch, size, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE |
		       MAP_NORESERVE, -1, 0);

	uint8_t *q;

	if (p == w->scratch)
		return;
	if (p != MAP_FAILED)
		munmap(p, size);
	/* Someone took it: a new one (the rest of the old one is leaked). */
	q = mmap(NULL, 2 * SLOT, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		 MAP_NORESERVE, -1, 0);
	if (q == MAP_FAILED) {
		fail_set(w, "no new scratch: errno %d", errno);
		return;
	}
	w->scratch = from_u64(svm_align_up(to_u64(q), SLOT));
}

/*
 * mremap away to the thread's scratch and back: the content stays. With
 * @keep (MREMAP_DONTUNMAP) the region stays mapped, empty, meanwhile;
 * otherwise it is a hole.
 */
static void op_mremap(struct worker *w, struct region *r, bool keep)
{
	struct gen_hist h;
	uint32_t g0, g = 0;
	void *p;

	pthread_mutex_lock(&r->mutex);
	g0 = r->gen_cur;
	h = r->hist[g0 % HIST];
	if (!keep) {
		pthread_rwlock_wrlock(&r->cpu);
		store_once(r->cpu_unsafe, 1);
		seq_bump(&r->hole_seq);
		p = mremap(r->addr, r->size, r->size,
			   MREMAP_MAYMOVE | MREMAP_FIXED, w->scratch);
	} else {
		g = gen_begin(r, K_ZERO, 0);
		p = mremap(r->addr, r->size, r->size, MREMAP_MAYMOVE |
			   MREMAP_FIXED | MREMAP_DONTUNMAP, w->scratch);
		gen_end(r, g);
	}
	if (p != w->scratch) {
		fail_set(w, "mremap of region %u to %p: %p, errno %d", r->id,
			 w->scratch, p, errno);
		goto out;
	}
	if (rnd(w, 2))
		usleep(rnd(w, 1000));
	if (keep)
		g = gen_begin(r, h.kind, h.pgen);
	p = mremap(w->scratch, r->size, r->size, MREMAP_MAYMOVE |
		   MREMAP_FIXED, r->addr);
	if (keep)
		gen_end(r, g);
	if (p != r->addr) {
		fail_set(w, "mremap of region %u back to %p: %p, errno %d",
			 r->id, r->addr, p, errno);
		goto out;
	}
	scratch_reserve(w, r->size);
out:
	if (!keep) {
		seq_bump(&r->hole_seq);
		store_once(r->cpu_unsafe, 0);
		pthread_rwlock_unlock(&r->cpu);
	}
	pthread_mutex_unlock(&r->mutex);
}

static void op_mprotect(struct worker *w, struct region *r, bool none)
{
	uint32_t *seq = none ? &r->hole_seq : &r->ro_seq;

	pthread_mutex_lock(&r->mutex);
	if (none)
		pthread_rwlock_wrlock(&r->cpu);
	store_once(r->cpu_unsafe, 1);
	seq_bump(seq);
	if (mprotect(r->addr, r->size, none ? PROT_NONE : PROT_READ))
		fail_set(w, "mprotect of region %u: errno %d", r->id, errno);
	usleep(rnd(w, 2000));
	if (mprotect(r->addr, r->size, PROT_READ | PROT_WRITE))
		fail_set(w, "mprotect back of region %u: errno %d", r->id,
			 errno);
	seq_bump(seq);
	store_once(r->cpu_unsafe, 0);
	if (none)
		pthread_rwlock_unlock(&r->cpu);
	pthread_mutex_unlock(&r->mutex);
}

static void op_dontneed(struct worker *w, struct region *r)
{
	uint32_t g;

	pthread_mutex_lock(&r->mutex);
	g = gen_begin(r, K_ZERO, 0);
	if (madvise(r->addr, r->size, MADV_DONTNEED))
		fail_set(w, "MADV_DONTNEED of region %u: errno %d", r->id,
			 errno);
	gen_end(r, g);
	pthread_mutex_unlock(&r->mutex);
}

/* MADV_PAGEOUT keeps the content: the CPU checks it right after. */
static void op_pageout(struct worker *w, struct region *r)
{
	pthread_rwlock_rdlock(&r->cpu);
	if (madvise(r->addr, r->size, MADV_PAGEOUT) && errno != EINVAL)
		fail_set(w, "MADV_PAGEOUT of region %u: errno %d", r->id,
			 errno);
	pthread_rwlock_unlock(&r->cpu);
	op_cpu_read(w, r);
}

/*
 * The child of a fork: writes garbage into its copy of the regions it
 * may write, checks it reads back, tries the parent's VM (which it may
 * not use), unmaps one region and exits. Only system calls and plain
 * memory accesses: the other threads of the parent are gone.
 */
static void __attribute__((noreturn))
fork_child(struct worker *w, struct region **rs, unsigned int n)
{
	struct drm_vsvm_exec exec = {
		.vm_id = w->td[0].vm,
		.batch_addr = to_u64(w->batch),
		.batch_len = batch_copy(w, w->check, rs[0]->addr, 8),
	};
	uint64_t *p;
	unsigned int i;
	uint64_t j;

	for (i = 0; i < n; i++) {
		if (load_once(rs[i]->cpu_unsafe))
			continue;
		p = (uint64_t *)rs[i]->addr;
		for (j = 0; j < rs[i]->size / 8; j += 512 / 8)
			store_once(p[j], CHILD_GARBAGE ^ j);
		for (j = 0; j < rs[i]->size / 8; j += 512 / 8)
			if (load_once(p[j]) != (CHILD_GARBAGE ^ j))
				_exit(3);
	}
	if (ioctl(w->td[0].fd, DRM_IOCTL_VSVM_EXEC, &exec) != -1 ||
	    errno != EACCES)
		_exit(2);
	munmap(rs[0]->addr, rs[0]->size);
	_exit(0);
}

static void op_fork(struct worker *w)
{
	struct region *rs[3];
	unsigned int n = 1 + rnd(w, 3), i;
	int status;
	pid_t pid;

	for (i = 0; i < n; i++)
		rs[i] = &regions[region_first + rnd(w, region_count)];
	pthread_rwlock_rdlock(&fork_lock);
	__atomic_fetch_add(&forks_live, 1, __ATOMIC_RELAXED);
	pid = fork();
	if (!pid)
		fork_child(w, rs, n);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	__atomic_fetch_sub(&forks_live, 1, __ATOMIC_RELAXED);
	pthread_rwlock_unlock(&fork_lock);
	if (pid < 0) {
		fail_set(w, "fork: errno %d", errno);
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fail_set(w,
			 "fork child %s %d (3: its writes did not read back, 2: the parent's VM did not refuse it)",
			 WIFEXITED(status) ? "exited with" : "killed by signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) :
			 WTERMSIG(status));
		return;
	}
	/* The parent's view did not change. */
	for (i = 0; i < n && !load_once(stop); i++)
		op_cpu_read(w, rs[i]);
}

/*
 * Destroys a VM and creates a new one; maybe with a job or a prefetch
 * still in flight on the old one, which must end as documented.
 */
static void op_vm_cycle(struct worker *w, struct region *r, struct tdev *t)
{
	unsigned int what = rnd(w, 3);
	struct drm_vsvm_job_query q;
	uint64_t job = 0;
	struct snap s;
	int err = 0;

	snap_begin(r, &s);
	if (what == 1)
		err = job_submit(w, t, batch_copy(w, w->check, r->addr,
						  r->size), &job);
	else if (what == 2)
		err = __svm_prefetch(t->fd, t->vm, to_u64(r->addr), r->size,
				     DRM_SVM_REGION_DEVICE, t->prefetches,
				     NULL);
	if (err) {
		fail_set(w, "%s on vsvm%u: %d", what == 1 ? "exec" : "prefetch",
			 t->d->index, err);
		return;
	}
	err = __svm_vm_destroy(t->fd, t->vm);
	t->vm = 0;
	if (err) {
		fail_set(w, "VM destroy on vsvm%u: %d", t->d->index, err);
		return;
	}
	if (what == 1) {
		/*
		 * The job keeps the VM: it completes, its data is right; or
		 * it faults after the destroy, and fails with -ENOENT.
		 */
		if (!job_wait(w, t, job, &q))
			return;
		snap_end(r, &s);
		if (job_ok(&q))
			validate(w, "GPU copy on a destroyed VM", r, w->check,
				 &s, &w->bytes_gpu);
		else if (job_fail_allowed(r, &s, &q) || q.error == -ENOENT)
			w->allowed_fail[OP_VM_CYCLE]++;
		else if (!busy_allowed(w, OP_VM_CYCLE, q.error))
			job_fail(w, t, r, "GPU copy on a destroyed VM", &q);
	} else if (what == 2) {
		err = __svm_wait_job(t->fd, t->prefetches, SVM_JOB_TIMEOUT_NS);
		if (err) {
			fail_set(w,
				 "prefetch on a destroyed VM on vsvm%u not done: %d (hang?)",
				 t->d->index, err);
			return;
		}
		err = svm_fence_status(t->prefetches);
		if (err == -ENOENT || (err == -EFAULT && snap_hole(r, &s)) ||
		    (err == -EPERM && snap_ro(r, &s)))
			w->allowed_fail[OP_VM_CYCLE]++;
		else if (err != 1 && !busy_allowed(w, OP_VM_CYCLE, err))
			fail_set(w,
				 "prefetch of region %u on a destroyed VM on vsvm%u ended with %d; seed %"
				 PRIu64, r->id, t->d->index, err, seed);
	}
	/* Even when the time is up: the final check reads through it. */
	tdev_vm_create(w, t);
}

/*
 * Closes the file, maybe with a job in flight, and opens it again. The
 * job's user fence is in memory of the thread's, not of the file: the
 * wait goes through another file of the process, the device's own one
 * (multi_devices_open()), which stays open.
 */
static void op_fd_cycle(struct worker *w, struct region *r, struct tdev *t)
{
	bool in_flight = rnd(w, 2);
	uint64_t job = 0;
	int status, err;
	struct snap s;

	pthread_rwlock_wrlock(&fork_lock);
	snap_begin(r, &s);
	if (in_flight) {
		err = job_submit(w, t, batch_copy(w, w->check, r->addr,
						  r->size), &job);
		if (err) {
			pthread_rwlock_unlock(&fork_lock);
			fail_set(w, "exec on vsvm%u: %d", t->d->index, err);
			return;
		}
	}
	if (rnd(w, 2)) {
		close(t->fd);
		t->fd = -1;
		t->vm = 0;
	} else {
		tdev_close(t);
	}
	pthread_rwlock_unlock(&fork_lock);
	if (in_flight) {
		/* The job finishes on its own, its data is right. */
		err = __svm_wait_job(t->d->fd, t->jobs, SVM_JOB_TIMEOUT_NS);
		status = svm_fence_status(t->jobs);
		snap_end(r, &s);
		if (err) {
			fail_set(w, "job %" PRIu64
				 " of a closed file on vsvm%u not done in %u s: %d (hang?)",
				 job, t->d->index,
				 (unsigned int)(SVM_JOB_TIMEOUT_NS / NSEC),
				 err);
			return;
		}
		/* A fault after the close fails with -ENOENT. */
		if ((status == -EFAULT && snap_hole(r, &s)) ||
		    status == -ENOENT) {
			w->allowed_fail[OP_FD_CYCLE]++;
		} else if (busy_allowed(w, OP_FD_CYCLE, status)) {
			;
		} else if (status != 1) {
			fail_set(w, "job %" PRIu64
				 " reading region %u on a closed file on vsvm%u ended with %d; seed %"
				 PRIu64, job, r->id, t->d->index, status, seed);
			return;
		} else if (!validate(w, "GPU copy of a closed file", r,
				     w->check, &s, &w->bytes_gpu)) {
			return;
		}
	}
	tdev_open(w, t);
}

static enum stress_op pick_op(struct worker *w)
{
	unsigned int i, x = rnd(w, total_weight);

	for (i = 0; i < NOPS; i++) {
		if (x < weights[i])
			return i;
		x -= weights[i];
	}
	return OP_GPU_READ;
}

static void *worker_run(void *data)
{
	struct worker *w = data;
	struct region *r;
	struct tdev *t;
	enum stress_op op;
	int k;

	while (!load_once(stop)) {
		op = pick_op(w);
		r = &regions[region_first + rnd(w, region_count)];
		k = rnd(w, w->ntd);
		t = &w->td[k];
		store_once(w->cur_op, op);
		store_once(w->cur_region, r->id);
		store_once(w->cur_dev, t->d->index);
		store_once(w->op_start, now_ns());
		w->nops++;
		w->ops[op]++;

		switch (op) {
		case OP_GPU_READ:
			op_gpu_read(w, r, t);
			break;
		case OP_GPU_SUM:
			op_gpu_sum(w, r, t);
			break;
		case OP_GPU_WRITE:
			op_gpu_write(w, r, t);
			break;
		case OP_CPU_READ:
			op_cpu_read(w, r);
			break;
		case OP_CPU_WRITE:
			op_cpu_write(r);
			break;
		case OP_PREFETCH:
		case OP_PREFETCH_ASYNC:
			op_prefetch(w, r, t, op == OP_PREFETCH_ASYNC);
			break;
		case OP_MUNMAP_MMAP:
			op_munmap_mmap(w, r);
			break;
		case OP_MMAP_FIXED:
			op_mmap_fixed(w, r);
			break;
		case OP_MREMAP:
		case OP_MREMAP_KEEP:
			op_mremap(w, r, op == OP_MREMAP_KEEP);
			break;
		case OP_MPROTECT_RO:
		case OP_MPROTECT_NONE:
			op_mprotect(w, r, op == OP_MPROTECT_NONE);
			break;
		case OP_DONTNEED:
			op_dontneed(w, r);
			break;
		case OP_PAGEOUT:
			op_pageout(w, r);
			break;
		case OP_FORK:
			op_fork(w);
			break;
		case OP_VM_CYCLE:
			op_vm_cycle(w, r, t);
			break;
		case OP_FD_CYCLE:
			op_fd_cycle(w, r, t);
			break;
		case NOPS:
			break;
		}
		w->op_ns[op] += now_ns() - load_once(w->op_start);
		store_once(w->op_start, 0);
	}
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Set-up and tear-down
 */

static unsigned long env_ulong(const char *name, unsigned long def,
			       unsigned long min, unsigned long max)
{
	const char *s = getenv(name);
	unsigned long v;
	char *end;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtoul(s, &end, 0);
	igt_assert_f(!errno && !*end && v >= min && v <= max,
		     "%s=%s: not a number in [%lu, %lu]\n", name, s, min, max);
	return v;
}

static void read_settings(void)
{
	const char *s = getenv("VSVM_STRESS_SEED");

	nthreads = env_ulong("VSVM_STRESS_THREADS", DEF_THREADS, 1,
			     MAX_THREADS);
	seconds = env_ulong("VSVM_STRESS_SECONDS", DEF_SECONDS, 1, 3600);
	vms_per_thread = env_ulong("VSVM_STRESS_VMS", 1, 1, MAX_DEVS);
	strict_env = env_ulong("VSVM_STRESS_STRICT", 0, 0, 1);
	if (s && *s)
		seed = strtoull(s, NULL, 0);
	else
		seed = now_ns() ^ ((uint64_t)getpid() << 32);
}

static void regions_init(void)
{
	unsigned int i;

	uint8_t *p;

	if (slot_stride == SLOT) {
		arena = svm_alloc_aligned(NREGIONS * SLOT, SLOT);
	} else {
		/* Reserved, then a 2 MiB slot mapped at each window start. */
		p = mmap(NULL, (NREGIONS + 1) * slot_stride, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		igt_assert(p != MAP_FAILED);
		arena = from_u64(svm_align_up(to_u64(p), slot_stride));
		for (i = 0; i < NREGIONS; i++)
			igt_assert(mmap(arena + i * slot_stride, SLOT,
					PROT_READ | PROT_WRITE, MAP_PRIVATE |
					MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
				   MAP_FAILED);
	}
	for (i = 0; i < NREGIONS; i++) {
		struct region *r = &regions[i];

		memset(r, 0, sizeof(*r));
		r->id = i;
		r->addr = arena + i * slot_stride;
		r->size = region_sizes[i % ARRAY_SIZE(region_sizes)];
		r->huge = r->size == SZ_2M;
		pthread_mutex_init(&r->mutex, NULL);
		pthread_rwlock_init(&r->cpu, NULL);
		if (r->huge)
			madvise(r->addr, r->size, MADV_HUGEPAGE);
		r->gen_cur = gen_begin(r, K_PATTERN, 0);
		fill_words((uint64_t *)r->addr, r, r->gen_cur);
		gen_end(r, r->gen_cur);
	}
}

static void regions_fini(void)
{
	unsigned int i;

	for (i = 0; i < NREGIONS; i++) {
		pthread_mutex_destroy(&regions[i].mutex);
		pthread_rwlock_destroy(&regions[i].cpu);
	}
	munmap(arena, NREGIONS * slot_stride);
}

static void worker_init(struct worker *w, unsigned int id)
{
	int k;

	memset(w, 0, sizeof(*w));
	w->id = id;
	w->rng = seed ^ (0x9e3779b97f4a7c15ull * (id + 1));
	w->batch = svm_alloc(SZ_4K);
	memset(w->batch, 0, SZ_4K);
	w->check = svm_alloc_aligned(SLOT, SLOT);
	w->staging = svm_alloc_aligned(SLOT, SLOT);
	w->scratch = svm_alloc_aligned(SLOT, SLOT);
	igt_assert_eq(mprotect(w->scratch, SLOT, PROT_NONE), 0);
	w->cpu_copy = svm_alloc(SLOT);
	w->ntd = (int)vms_per_thread < ndevs ? (int)vms_per_thread : ndevs;
	for (k = 0; k < w->ntd; k++) {
		w->td[k].d = &devs[(id + k) % ndevs];
		w->td[k].fd = -1;
		w->td[k].jobs = svm_fence_create();
		w->td[k].prefetches = svm_fence_create();
		igt_assert_f(tdev_open(w, &w->td[k]), "%s\n", failure.msg);
	}
}

static void worker_fini(struct worker *w)
{
	int k;

	/*
	 * Every job and prefetch was waited for; after a failure some may
	 * still run, and their stores reach the pinned pages, not memory
	 * mapped there later.
	 */
	for (k = 0; k < w->ntd; k++) {
		tdev_close(&w->td[k]);
		svm_fence_destroy(w->td[k].jobs);
		svm_fence_destroy(w->td[k].prefetches);
	}
	munmap(w->batch, SZ_4K);
	munmap(w->check, SLOT);
	munmap(w->staging, SLOT);
	munmap(w->scratch, SLOT);
	munmap(w->cpu_copy, SLOT);
}

/* Every region, by the CPU and by a job on every device. */
static void final_check(struct worker *w)
{
	unsigned int i;
	int k;

	w->cur_op = OP_GPU_READ;
	for (i = 0; i < NREGIONS && !failure.set; i++) {
		op_cpu_read(w, &regions[i]);
		for (k = 0; k < w->ntd && !failure.set; k++) {
			if (w->td[k].fd < 0)
				continue;
			op_gpu_read(w, &regions[i], &w->td[k]);
		}
	}
}

/* Whether a thread is stuck in one operation; prints it. */
static bool watchdog_check(struct worker *ws, uint64_t limit_ns)
{
	uint64_t now, start;
	unsigned int i;

	for (i = 0; i < nthreads; i++) {
		/* The start first: an operation may begin in between. */
		start = load_once(ws[i].op_start);
		now = now_ns();
		if (load_once(ws[i].done) || !start || now - start < limit_ns)
			continue;
		igt_critical("watchdog: thread %u stuck for %" PRIu64
			     " s in op #%" PRIu64 " %s (region %d, vsvm%d); "
			     "seed %" PRIu64 "\n", i, (now - start) / NSEC,
			     ws[i].nops, op_info[load_once(ws[i].cur_op)].name,
			     load_once(ws[i].cur_region),
			     load_once(ws[i].cur_dev), seed);
		fail_set(NULL, "watchdog: thread %u stuck for %" PRIu64
			 " s in op #%" PRIu64 " %s (region %d, vsvm%d); seed %"
			 PRIu64, i, (now - start) / NSEC, ws[i].nops,
			 op_info[load_once(ws[i].cur_op)].name,
			 load_once(ws[i].cur_region), load_once(ws[i].cur_dev),
			 seed);
		return true;
	}
	return false;
}

static void print_summary(const struct worker *ws, uint64_t elapsed_ns)
{
	uint64_t total = 0, bytes_gpu = 0, bytes_cpu = 0, unchecked = 0;
	uint64_t n, allowed, busy, busy_total = 0, ns;
	unsigned int i, op;

	for (i = 0; i < nthreads; i++) {
		total += ws[i].nops;
		bytes_gpu += ws[i].bytes_gpu;
		bytes_cpu += ws[i].bytes_cpu;
		unchecked += ws[i].unchecked;
	}
	igt_info("stress: seed %" PRIu64 ", %u threads, %d devices, %"
		 PRIu64 " ms: %" PRIu64 " operations\n", seed, nthreads,
		 ndevs, elapsed_ns / 1000000, total);
	for (op = 0; op < NOPS; op++) {
		n = 0;
		allowed = 0;
		busy = 0;
		ns = 0;
		for (i = 0; i < nthreads; i++) {
			n += ws[i].ops[op];
			allowed += ws[i].allowed_fail[op];
			busy += ws[i].busy[op];
			ns += ws[i].op_ns[op];
		}
		igt_info("  %-18s %8" PRIu64 "  failed as allowed %6" PRIu64
			 ", with -EBUSY %6" PRIu64 ", %7" PRIu64 " ms each\n",
			 op_info[op].name, n, allowed, busy,
			 n ? ns / n / 1000000 : 0);
		busy_total += busy;
	}
	igt_info("stress: checked %" PRIu64 " bytes read by jobs and %" PRIu64
		 " read by the CPU; %" PRIu64
		 " reads not checked (a checksum over a change); %" PRIu64
		 " jobs or prefetches gave up with -EBUSY\n",
		 bytes_gpu, bytes_cpu, unchecked, busy_total);
}

/* The mix of the race: every operation, on every region. */
static void mix_default(void)
{
	unsigned int i;

	slot_stride = SLOT;
	strict_busy = strict_env;
	for (i = 0; i < NOPS; i++)
		weights[i] = op_info[i].weight;
	region_first = 0;
	region_count = NREGIONS;
}

static void run_stress(unsigned int secs)
{
	struct worker *ws = calloc(nthreads, sizeof(*ws));
	uint64_t start, deadline, next_report, limit = OP_LIMIT_S * NSEC;
	unsigned int i, done;

	igt_assert(ws);
	store_once(stop, 0);
	failure.set = false;
	for (total_weight = 0, i = 0; i < NOPS; i++)
		total_weight += weights[i];
	igt_info("stress: seed %" PRIu64 " (VSVM_STRESS_SEED=%" PRIu64
		 " repeats the operation choice), %u threads, %u s, %d devices, %u VMs a thread, %s VRAM, regions %u..%u\n",
		 seed, seed, nthreads, secs, ndevs, vms_per_thread,
		 mig_mode_str(devs[0].vram_mode), region_first,
		 region_first + region_count - 1);
	regions_init();
	for (i = 0; i < nthreads; i++)
		worker_init(&ws[i], i);

	start = now_ns();
	deadline = start + secs * NSEC;
	next_report = start + 10 * NSEC;
	for (i = 0; i < nthreads; i++)
		igt_assert_eq(pthread_create(&ws[i].thread, NULL, worker_run,
					     &ws[i]), 0);

	while (!load_once(stop) && now_ns() < deadline) {
		usleep(100 * 1000);
		if (watchdog_check(ws, limit))
			break;
		if (now_ns() >= next_report) {
			uint64_t n = 0;

			for (i = 0; i < nthreads; i++)
				n += ws[i].nops;
			igt_info("stress: %" PRIu64 " s, %" PRIu64 " ops\n",
				 (now_ns() - start) / NSEC, n);
			next_report += 10 * NSEC;
		}
	}
	store_once(stop, 1);
	/* The last operations end, or the watchdog names the one that hangs. */
	deadline = now_ns() + GRACE_S * NSEC;
	do {
		for (done = 0, i = 0; i < nthreads; i++)
			done += __atomic_load_n(&ws[i].done, __ATOMIC_ACQUIRE);
		if (done == nthreads)
			break;
		usleep(100 * 1000);
	} while (now_ns() < deadline);
	if (done != nthreads) {
		watchdog_check(ws, 0);
		igt_critical("%s\n", failure.msg);
		print_summary(ws, now_ns() - start);
		igt_assert_f(false, "%s\n", failure.msg);
	}
	for (i = 0; i < nthreads; i++)
		igt_assert_eq(pthread_join(ws[i].thread, NULL), 0);
	print_summary(ws, now_ns() - start);
	igt_assert_f(!failure.set, "%s\n", failure.msg);

	/* The first threads together have a VM on every device. */
	for (i = 0; i < nthreads && i < (unsigned int)ndevs; i++)
		final_check(&ws[i]);
	igt_assert_f(!failure.set, "final check: %s\n", failure.msg);
	igt_info("stress: final check of %d regions on the CPU and %d devices passed\n",
		 NREGIONS, ndevs);
	igt_info("stress: passed; seed %" PRIu64 "\n", seed);

	for (i = 0; i < nthreads; i++)
		worker_fini(&ws[i]);
	regions_fini();
	free(ws);
}

/* The checker must refuse what the model does not allow. */
static void expect_refused(struct region *r, const uint64_t *p,
			   uint32_t lo, uint32_t hi, uint64_t offset,
			   const char *what)
{
	struct expect e;
	char msg[1536];
	int64_t bad;

	igt_assert(expect_of(r, lo, hi, &e));
	bad = check_words(p, r, &e, what, msg, sizeof(msg));
	igt_info("%s: %s\n", what, bad < 0 ? "accepted" : msg);
	igt_assert_f(bad == (int64_t)(offset / 8),
		     "%s: the checker found word %" PRId64 ", not %" PRIu64
		     "\n", what, bad, offset / 8);
	igt_assert(strstr(msg, "region 0 ") && strstr(msg, "offset"));
}

static void expect_accepted(struct region *r, const uint64_t *p,
			    uint32_t lo, uint32_t hi, const char *what)
{
	struct expect e;
	char msg[1536];

	igt_assert(expect_of(r, lo, hi, &e));
	igt_assert_f(check_words(p, r, &e, what, msg, sizeof(msg)) < 0,
		     "%s: %s\n", what, msg);
}

static void test_model(void)
{
	struct drm_vsvm_job_query q;
	struct worker *w = calloc(1, sizeof(*w));
	struct region *r = &regions[0];
	uint64_t *c, len;
	uint32_t g1, g2, g3;

	igt_assert(w);
	ndevs = 1;
	regions_init();
	worker_init(w, 0);
	c = w->check;

	/* A job copies generation 2; the checker accepts exactly that. */
	g1 = r->gen_done;
	g2 = gen_begin(r, K_PATTERN, 0);
	fill_words((uint64_t *)r->addr, r, g2);
	gen_end(r, g2);
	len = batch_copy(w, c, r->addr, r->size);
	igt_assert_f(job_run(w, &w->td[0], len, &q), "%s\n", failure.msg);
	igt_assert_f(job_ok(&q), "job error %d\n", q.error);
	expect_accepted(r, c, g2, g2, "copy of generation 2");
	expect_accepted(r, c, g1, g2, "copy seen while 1 became 2");

	c[100] ^= 0x40;
	expect_refused(r, c, g2, g2, 800, "a flipped bit");
	c[100] ^= 0x40;
	/* Generation 1 is stale once 2 was done before the read. */
	c[7] = word_of(r->id, g1, 7);
	expect_refused(r, c, g2, g2, 56, "a word of the older generation");
	expect_accepted(r, c, g1, g2, "an older word within the range");
	c[7] = word_of(r->id + 1, g2, 7);
	expect_refused(r, c, g1, g2, 56, "a word of another region");
	c[7] = word_of(r->id, g2, 8);
	expect_refused(r, c, g1, g2, 56, "a word of another offset");
	c[7] = word_of(r->id, g2, 7);
	c[r->size / 8 - 1] = 0;
	expect_refused(r, c, g1, g2, r->size - 8, "zero, none zero-filled");
	g3 = gen_begin(r, K_ZERO, 0);
	gen_end(r, g3);
	expect_accepted(r, c, g2, g3, "zero, after a zero-filled one");
	memset(c, 0, r->size);
	expect_accepted(r, c, g3, g3, "all zero, zero-filled");
	c[3] = word_of(r->id, g2, 3);
	expect_refused(r, c, g3, g3, 24, "old data after MADV_DONTNEED");

	worker_fini(w);
	regions_fini();
	free(w);
}

/*
 * Only GPU copies of one 68 KiB region on every device, and GPU writes of
 * it, three reads to a write: each job must succeed.
 */
static void test_contended_write(void)
{
	unsigned int i;

	for (i = 0; i < NOPS; i++)
		weights[i] = 0;
	weights[OP_GPU_READ] = 3;
	weights[OP_GPU_WRITE] = 1;
	slot_stride = SLOT;
	strict_busy = strict_env;
	region_first = NREGIONS - 1;
	region_count = 1;
	run_stress(seconds < 10 ? seconds : 10);
}

/* Reduced mixes, to tell which kind of operation a failure needs. */
static const struct mix {
	const char *name;
	unsigned int weights[NOPS];
} mixes[] = {
	{ "gpu", { [OP_GPU_READ] = 3, [OP_PREFETCH] = 3,
		   [OP_GPU_WRITE] = 2, [OP_PREFETCH_ASYNC] = 2 } },
	{ "cpu", { [OP_GPU_READ] = 3, [OP_PREFETCH] = 3,
		   [OP_CPU_WRITE] = 2, [OP_CPU_READ] = 2 } },
	{ "fork", { [OP_GPU_READ] = 3, [OP_PREFETCH] = 3, [OP_FORK] = 2 } },
	{ "vma", { [OP_GPU_READ] = 3, [OP_PREFETCH] = 3,
		   [OP_MUNMAP_MMAP] = 1, [OP_MMAP_FIXED] = 1, [OP_MREMAP] = 1,
		   [OP_MREMAP_KEEP] = 1, [OP_MPROTECT_RO] = 1,
		   [OP_MPROTECT_NONE] = 1 } },
	{ "madvise", { [OP_GPU_READ] = 3, [OP_PREFETCH] = 3,
		       [OP_DONTNEED] = 2, [OP_PAGEOUT] = 2 } },
	{ "ends", { [OP_GPU_READ] = 3, [OP_PREFETCH] = 3, [OP_VM_CYCLE] = 2,
		    [OP_FD_CYCLE] = 2 } },
	{ }
};

static void test_mix(const struct mix *m, bool strict, uint64_t stride,
		     unsigned int secs)
{
	slot_stride = stride;
	memcpy(weights, m->weights, sizeof(weights));
	region_first = 0;
	region_count = NREGIONS;
	strict_busy = strict || strict_env;
	run_stress(secs);
}

#define FW_SIZE		(17 * SZ_4K)
#define FW_ROUNDS	16

static void test_fork_write(void)
{
	const uint32_t *p;
	struct ctx c;
	int pipefd[2], status, i;
	uint8_t *buf;
	uint64_t j;
	char byte;
	pid_t pid;

	ctx_init(&c, &devs[0]);
	buf = ctx_buf(&c, FW_SIZE);
	p = (const uint32_t *)buf;
	for (i = 0; i < FW_ROUNDS; i++) {
		gpu_fill(&c, buf, FW_SIZE, 0x1000 + i);
		igt_assert_eq(pipe(pipefd), 0);
		pid = fork();
		igt_assert(pid >= 0);
		if (!pid) {
			close(pipefd[1]);
			/* The parent wrote; our copy must not have changed. */
			if (read(pipefd[0], &byte, 1) != 1)
				_exit(2);
			for (j = 0; j < FW_SIZE / 4; j++)
				if (p[j] != (uint32_t)(0x1000 + i))
					_exit(1);
			_exit(0);
		}
		close(pipefd[0]);
		gpu_fill(&c, buf, FW_SIZE, 0x2000 + i);
		byte = 1;
		igt_assert_eq(write(pipefd[1], &byte, 1), 1);
		close(pipefd[1]);
		igt_assert_eq(waitpid(pid, &status, 0), pid);
		igt_assert_f(WIFEXITED(status) && !WEXITSTATUS(status),
			     "round %d: the child saw the parent's write (%#x)\n",
			     i, status);
		svm_assert_value(buf, FW_SIZE, 0x2000 + i);
	}
	munmap(buf, FW_SIZE);
	ctx_fini(&c);
}

#define VSP_VMS		9

static void test_vms_share_page(void)
{
	struct ctx c[VSP_VMS];
	uint8_t *buf = svm_alloc_aligned(SZ_4K, SZ_4K);
	int i;

	memset(buf, 0x77, SZ_4K);
	for (i = 0; i < VSP_VMS; i++) {
		ctx_init(&c[i], &devs[0]);
		svm_bind_ptr(c[i].fd, c[i].vm, buf, SZ_4K,
			     DRM_SVM_BIND_FLAG_NO_MIGRATE);
		assert_gpu_sum(&c[i], buf, SZ_4K,
			       svm_checksum_fill(0x77777777, SZ_4K));
	}
	for (i = 0; i < VSP_VMS; i++)
		ctx_fini(&c[i]);
	munmap(buf, SZ_4K);
}

#define PFD_SIZE	(16 * SZ_1M)
#define PFD_ROUNDS	32

static void test_prefetch_destroyed_vm(void)
{
	const struct mig_dev *d = &devs[0];
	unsigned int i, ok = 0, cancelled = 0;
	struct svm_fence *f;
	uint8_t *buf;
	uint32_t vm;
	int status;

	buf = svm_alloc_aligned(PFD_SIZE, SZ_2M);
	memset(buf, 0x5a, PFD_SIZE);
	/* Each round's prefetch ends before the next: one timeline. */
	f = svm_fence_create();
	for (i = 0; i < PFD_ROUNDS; i++) {
		vm = svm_vm_create(d->fd);
		svm_bind_ptr(d->fd, vm, buf, PFD_SIZE, 0);
		igt_assert_eq(__svm_prefetch(d->fd, vm, to_u64(buf), PFD_SIZE,
					     i & 1 ? DRM_SVM_REGION_SYSTEM :
					     DRM_SVM_REGION_DEVICE, f, NULL),
			      0);
		svm_vm_destroy(d->fd, vm);
		svm_wait_job(d->fd, f, SVM_JOB_TIMEOUT_NS);
		status = svm_fence_status(f);
		igt_assert_f(status == 1 || status == -ENOENT,
			     "round %u: the prefetch of a destroyed VM ended with %d (%s), not 0 or -ENOENT\n",
			     i, status, strerror(-status));
		if (status == 1)
			ok++;
		else
			cancelled++;
	}
	igt_info("%u prefetches done, %u cancelled by the destroy\n", ok,
		 cancelled);
	svm_fence_destroy(f);
	igt_assert(!memchr(buf, 0, PFD_SIZE));
	munmap(buf, PFD_SIZE);
}

igt_main
{
	igt_fixture {
		multi_devices_open();
		ndevs = num_devs;
		read_settings();
	}

	igt_describe("The checker refuses what the model does not allow.");
	igt_subtest("model")
		test_model();

	igt_describe("A prefetch cut short by a VM destroy says -ENOENT.");
	igt_subtest("prefetch-destroyed-vm")
		test_prefetch_destroyed_vm();

	igt_describe("GPU writes of one small region against reads elsewhere.");
	igt_subtest("contended-write") {
		ndevs = num_devs;
		test_contended_write();
	}

	igt_describe("A job writes a buffer a fork child shares.");
	igt_subtest("fork-write")
		test_fork_write();

	igt_describe("Nine VMs on one device map one page.");
	igt_subtest("vms-share-page")
		test_vms_share_page();

	for (const struct mix *m = mixes; m->name; m++) {
		igt_describe("The race with jobs, prefetches and one other kind.");
		igt_subtest_f("mix-%s", m->name)
			test_mix(m, false, SLOT, seconds < 15 ? seconds : 15);
	}

	igt_describe("GPU jobs and prefetches only: none gives up with -EBUSY.");
	igt_subtest("busy-gpu")
		test_mix(&mixes[0], true, SLOT, seconds);

	igt_describe("As busy-gpu, each region in a notifier window of its own.");
	igt_subtest("busy-gpu-spread")
		test_mix(&mixes[0], true, WINDOW, seconds);

	igt_describe("Threads race GPU jobs against CPU page table changes.");
	igt_subtest("race") {
		ndevs = num_devs;
		mix_default();
		run_stress(seconds);
	}

	igt_fixture
		multi_devices_close();
}

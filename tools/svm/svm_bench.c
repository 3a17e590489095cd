// SPDX-License-Identifier: MIT
/*
 * svm_bench - compare the vsvm fault, invalidation and migration paths with
 * test_hmm.
 *
 * Eighteen metrics, each the median of at least five repetitions, ours
 * and the peer's interleaved in one run (ours, peer, ours, peer, ...).
 * Times, lower is better:
 *
 *  fault-in-4k           populated 4 KiB-page anonymous memory, faulted in
 *                        by one vsvm TOUCH job over the whole buffer, versus
 *                        HMM_DMIRROR_READ of the same amount through
 *                        /dev/hmm_dmirror0; ns per page.
 *  fault-in-thp          the same on a 2 MiB-aligned MADV_HUGEPAGE buffer.
 *  munmap-mirrored-2dev  munmap() of a buffer mirrored and faulted in on
 *                        vsvm devices 0 and 1, versus munmap() of the same
 *                        buffer mirrored nowhere; microseconds.
 *  munmap-mirrored-4dev-vs-1dev  munmap(), 2 MiB at a time, of a buffer
 *                        mirrored and faulted in on vsvm devices 0 to 3,
 *                        versus on vsvm0 alone, with vsvm's modelled TLB
 *                        flush of 100 us per invalidation (tlb_flush_us)
 *                        that the core overlaps across the devices
 *                        (tlb_flush_async); microseconds, goal: ratio <=
 *                        1.2. Two more figures: .serial, the same with each
 *                        device waiting for its own flush in turn
 *                        (tlb_flush_async=N), and .whole, one munmap() of
 *                        the whole buffer. The parameters get their values
 *                        back after the metric (and at exit).
 *  fault-1m-bindings     us per GPU fault of one TOUCH job over 32 MiB at
 *                        a granularity of 4 KiB (DRM_SVM_ATTR_GRANULARITY,
 *                        so one fault per page), bound NO_MIGRATE in a VM
 *                        that also holds 1,000,000 bindings of one page
 *                        each (made once per run, timed and weighed by
 *                        /proc/meminfo Slab in an info line), versus the
 *                        same in a VM without them; goal: ratio <= 1.3.
 *  fault-storm-batched-vs-single  us per GPU fault of one TOUCH job over
 *                        256 MiB at a granularity of 4 KiB (65,536 faults)
 *                        with vsvm's engine reporting up to 256 faults at
 *                        once (fault_batch=256) versus one at a time
 *                        (fault_batch=1); goal: ratio <= 0.3. The
 *                        parameter gets its value back after the metric.
 *  parallel-faults-2eng  GPU faults per second (higher is better) over
 *                        2 x 32 MiB of one buffer at a granularity of
 *                        4 KiB: the engines of vsvm0 and vsvm1 each fault
 *                        one half at once, each device in a VM of its own
 *                        on the one process's memory, versus vsvm0's
 *                        engine faulting both halves in one job; goal:
 *                        ratio >= 1.6 (the guest has 2 vCPUs).
 *
 * Metadata, one value per repetition, no peer:
 *
 *  metadata-per-page     bytes of slab the core allocates per mirrored
 *                        4 KiB page: the growth of slab_unreclaimable in
 *                        the memory.stat of a cgroup the bench moves
 *                        itself into, over the TOUCH job that faults in a
 *                        fresh 256 MiB buffer bound NO_MIGRATE, less what
 *                        vsvm's page table blocks are charged (goal:
 *                        <= 16); and .binding, the growth per binding over
 *                        20,000 binds of one page each.
 *
 * Each of these three checks, after its job, that the device has every
 * page of the buffer DMA-mapped, and fault-* that the job took at least
 * one GPU fault per page.
 *
 * Throughputs of migration, in GB/s (10^9 bytes per second), higher is
 * better. The buffer is 2 MiB aligned anonymous memory in 4 KiB pages,
 * written in full with a pattern first; the device is vsvm0 with private
 * VRAM, the peer's /dev/hmm_dmirror0 (device-private too):
 *
 *  migrate-to-vram       DRM_IOCTL_VSVM_PREFETCH to the device's VRAM
 *                        (synchronous), versus HMM_DMIRROR_MIGRATE_TO_DEV;
 *                        the latter also copies what it migrated out to
 *                        the caller, as that ioctl always does.
 *  migrate-to-ram-cpufault  after a prefetch to VRAM, the CPU reads one
 *                        byte of every page, so that every chunk faults
 *                        back to system memory, versus
 *                        HMM_DMIRROR_MIGRATE_TO_SYS of a buffer dmirror
 *                        migrated to its device.
 *  migrate-to-ram-explicit  DRM_IOCTL_VSVM_PREFETCH to system memory with
 *                        DRM_SVM_PREFETCH_FLAG_NO_MAP of a buffer in VRAM
 *                        (moved, not mapped for the GPU, as dmirror's),
 *                        versus HMM_DMIRROR_MIGRATE_TO_SYS.
 *  migrate-to-ram-explicit-map  the same without the flag: moved, then
 *                        mapped for the GPU (DMA mappings and vsvm's page
 *                        table), versus HMM_DMIRROR_MIGRATE_TO_SYS.
 *  migrate-to-vram-vs-memcpy  migrate-to-vram again, versus memcpy() of
 *                        the buffer into populated memory.
 *
 * Between devices, on vsvm loaded with at least three devices, 0 and 1
 * linked (links=0-1:...) and a third one not linked to 0, the buffer
 * starting in vsvm0's private VRAM:
 *
 *  d2d-direct-vs-bounce  DRM_IOCTL_VSVM_PREFETCH to the VRAM of a device
 *                        linked to vsvm0 (the core copies directly over
 *                        the link), versus the same to a device that is not
 *                        (the core bounces every chunk through system
 *                        memory); GB/s, higher is better.
 *  remote-vs-migrate     one CHECKSUM job on the linked device that reads
 *                        every page once: bound NO_MIGRATE, so that the
 *                        device maps vsvm0's pages over the link, versus
 *                        bound normally, so that its faults migrate the
 *                        pages first; ms, lower is better (no goal: both
 *                        figures feed the placement policy).
 *  remote-vs-migrate-devtime  the same jobs, in the modelled device time
 *                        the job query reports (accesses by where the
 *                        pages are, plus the copies of its faults).
 *
 * The migration policy (drm_svm's migration_policy parameter), against
 * itself switched off: "ours" is a run with the policy on, "peer" one with
 * it off, each on a fresh buffer (a new mmap) bound normally, so that
 * faults migrate it, the parameter set before each run and given back its
 * previous value after the metric (and at exit, if the bench fails). Bytes
 * migrated are the growth of pages_to_vram + pages_to_ram summed over
 * the devices' debugfs statistics, times the page size; each run's line
 * also shows what the policy counters there (policy_thrash,
 * policy_throttles, policy_pins, policy_probes, policy_remote_faults,
 * policy_cache_hits, policy_waits: those the kernel has) grew by.
 * Goals, which a figure may miss without failing the bench, are printed
 * beside it:
 *
 *  pingpong-gpu-gpu      two devices linked to each other (a PEER link in
 *                        the topology query), one 2 MiB block bound in a
 *                        VM on each: the first writes it once (untimed,
 *                        that places it), then they take turns with a
 *                        small write job for 64 rounds, each round copying
 *                        the word the round before stored and storing its
 *                        own; MiB migrated by the rounds, on vs off (goal:
 *                        ratio <= 0.05). Two more figures:
 *                        pingpong-gpu-gpu.wall, the rounds' wall time, and
 *                        pingpong-gpu-gpu.devtime, the sum of their jobs'
 *                        modelled device time, in ms (goal: ratio <= 0.5
 *                        each). Every word of the block is checked on the
 *                        CPU after every run.
 *  pingpong-cpu-gpu      the same with the CPU and vsvm0 taking turns (the
 *                        CPU's rounds are plain stores); with
 *                        device-coherent VRAM nothing may move after the
 *                        first write, and a ratio over zero prints n/a.
 *  streaming-overhead    one owner: vsvm0 fills 32 MiB twice over with
 *                        64 jobs of 1 MiB, queued at once, then the CPU
 *                        reads a word of every page; wall time in ms, on
 *                        vs off (goal: ratio <= 1.02). The data is checked
 *                        afterwards.
 *  policy-metadata       bytes of policy state per tracked 2 MiB block:
 *                        vsvm-policy-bytes / vsvm-policy-blocks in the fdinfo
 *                        of a process (a child) right after a ping-pong of
 *                        32 rounds between the linked devices, policy on
 *                        (goal: <= 64); policy-metadata.debugfs, the size
 *                        of one block's state that debugfs reports
 *                        (drm_svm/policy/block_bytes); and
 *                        policy-metadata.streaming, the vsvm-policy-bytes
 *                        of another child after the streaming workload
 *                        (goal: 0). No peer: one value each.
 *
 * After each timed operation, and outside the timed region, the data is
 * checked where it now lives, so that a broken migration cannot look
 * fast: in VRAM with a GPU CHECKSUM job, and with the residency ioctl that
 * every page is on the device; in system memory with a CPU checksum, and
 * with the residency ioctl (ours) or HMM_DMIRROR_SNAPSHOT (the peer's)
 * that no page is left on the device. The peer's copy in VRAM is checked
 * through the data MIGRATE_TO_DEV returns. Which side runs first
 * alternates from one repetition to the next.
 *
 * Every repetition starts from fresh memory that no device mirrors: the
 * buffer is mapped and populated anew, the VM is created for it and
 * destroyed after it, and the dmirror file is opened for it and closed
 * after it. The buffer is bound with DRM_SVM_BIND_FLAG_NO_MIGRATE, so that
 * the GPU mirrors it in place as dmirror does, instead of moving it into
 * VRAM. After the table, one line per metric and per extra figure
 * (NAME.wall, ...) for scripts:
 *
 *	bench: NAME ours=X peer=Y ratio=Z reps=N tries=K
 *	       ours_spread=MIN..MAX peer_spread=MIN..MAX [noisy]
 *	       [goal<=G met|MISSED]
 *	bench: NAME value=X reps=N tries=K ours_spread=MIN..MAX [noisy]
 *	       [goal<=G met|MISSED]
 *
 * (each on one line) with ratio = ours / peer: below 1 is better for the
 * times, above 1 for the throughputs; the second form for the figures
 * without a peer. A figure is noisy when a repetition strays more than
 * NOISY from its median; a metric whose own figure is noisy runs again,
 * NOISY_TRIES times in all at most, and its last run (the K-th) is the one
 * reported. After each run of a metric, the phase timers of the core
 * (see phases_print()) tell where our side's timed regions spent their
 * time:
 *
 *	phase: NAME PHASE share=S% runs=N mean_us=U [CLASS:RUNS ...]
 * A
 * figure that cannot be computed (a ratio over zero) prints n/a, and a
 * metric that cannot run on this kernel (no migration policy) prints
 * "bench: NAME skipped" and makes the bench exit with 1 after the table.
 *
 * Copyright © 2026 The drm_svm authors
 */

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "drm_svm.h"
#include "vsvm_drm.h"
#include "libdrm_svm.h"
#include "test_hmm_uapi.h"

#define MAX_NODES	64
#define MAX_VSVM	8
#define MIN_REPS	5
#define THP_SIZE	(2UL << 20)
/* test_hmm copies what it reads through a bounce buffer; read in chunks. */
#define PEER_CHUNK	(32UL << 20)
/* How long a job may take before we call the device hung, in seconds. */
#define JOB_TIMEOUT_S	900
#define DMIRROR_NODE	"/dev/hmm_dmirror0"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum metric_id {
	M_FAULT_4K,
	M_FAULT_THP,
	M_MUNMAP_2DEV,
	M_MUNMAP_4DEV,
	M_FAULT_1M,
	M_META_PAGE,
	M_FAULT_STORM,
	M_PAR_FAULTS,
	M_TO_VRAM,
	M_TO_RAM_CPUFAULT,
	M_TO_RAM_EXPLICIT,
	M_TO_RAM_EXPLICIT_MAP,
	M_TO_VRAM_MEMCPY,
	M_D2D,
	M_REMOTE,
	M_REMOTE_DEVTIME,
	M_PP_GPU,
	M_PP_CPU,
	M_STREAMING,
	M_POLICY_META,
	NR_METRICS,
};

/* What a figure compares */
enum fig_kind {
	FIG_PEER,		/* ours against the peer */
	FIG_ONOFF,		/* ours: the migration policy on; peer: off */
	FIG_VALUE,		/* one value, no peer */
};

/* One figure: a metric, or one more row of a metric (NAME.SUFFIX). */
struct fig {
	const char *name;	/* the metric's name; a row's suffix */
	const char *unit;
	const char *what;
	int higher;		/* higher is better (a throughput) */
	enum fig_kind kind;
	int prec;		/* digits printed; 0: 3 for throughputs, else 1 */
	int has_goal;
	double goal;		/* of the ratio; of the value for FIG_VALUE */
};

static const struct fig metrics[NR_METRICS] = {
	[M_FAULT_4K]	= { "fault-in-4k", "ns/page",
			    "TOUCH job vs HMM_DMIRROR_READ, 4 KiB pages" },
	[M_FAULT_THP]	= { "fault-in-thp", "ns/page",
			    "TOUCH job vs HMM_DMIRROR_READ, THP" },
	[M_MUNMAP_2DEV]	= { "munmap-mirrored-2dev", "us",
			    "munmap mirrored on 2 vsvm vs not mirrored",
			    .has_goal = 1, .goal = 1.2 },
	[M_MUNMAP_4DEV]	= { "munmap-mirrored-4dev-vs-1dev", "us",
			    "munmap in 2 MiB pieces mirrored on 4 vsvm vs on 1",
			    .has_goal = 1, .goal = 1.2 },
	[M_FAULT_1M]	= { "fault-1m-bindings", "us/fault",
			    "4 KiB GPU faults, VM with 1,000,000 more bindings vs none",
			    .has_goal = 1, .goal = 1.3 },
	[M_META_PAGE]	= { "metadata-per-page", "B/page",
			    "core's slab per mirrored 4 KiB page; .binding: per binding",
			    .kind = FIG_VALUE, .prec = 2, .has_goal = 1, .goal = 16 },
	[M_FAULT_STORM]	= { "fault-storm-batched-vs-single", "us/fault",
			    "65,536 4 KiB GPU faults, 256 per report vs 1",
			    .prec = 2, .has_goal = 1, .goal = 0.3 },
	[M_PAR_FAULTS]	= { "parallel-faults-2eng", "Mfaults/s",
			    "4 KiB GPU faults of one buffer, 2 devices at once vs 1", 1,
			    .has_goal = 1, .goal = 1.6 },
	[M_TO_VRAM]	= { "migrate-to-vram", "GB/s",
			    "PREFETCH to VRAM vs HMM_DMIRROR_MIGRATE_TO_DEV", 1 },
	[M_TO_RAM_CPUFAULT] = { "migrate-to-ram-cpufault", "GB/s",
			    "CPU faults from VRAM vs HMM_DMIRROR_MIGRATE_TO_SYS",
			    1, .has_goal = 1, .goal = 1.5 },
	[M_TO_RAM_EXPLICIT] = { "migrate-to-ram-explicit", "GB/s",
			    "PREFETCH NO_MAP to system vs HMM_DMIRROR_MIGRATE_TO_SYS",
			    1, .has_goal = 1, .goal = 1.5 },
	[M_TO_RAM_EXPLICIT_MAP] = { "migrate-to-ram-explicit-map", "GB/s",
			    "PREFETCH to system, mapped, vs HMM_DMIRROR_MIGRATE_TO_SYS",
			    1 },
	[M_TO_VRAM_MEMCPY] = { "migrate-to-vram-vs-memcpy", "GB/s",
			    "PREFETCH to VRAM vs memcpy() in the guest", 1,
			    .has_goal = 1, .goal = 0.5 },
	[M_D2D]		= { "d2d-direct-vs-bounce", "GB/s",
			    "VRAM to linked VRAM vs to unlinked VRAM", 1 },
	[M_REMOTE]	= { "remote-vs-migrate", "ms",
			    "job over a peer's VRAM: mapped remotely vs migrated" },
	[M_REMOTE_DEVTIME] = { "remote-vs-migrate-devtime", "ms",
			    "the same, in modelled device time" },
	[M_PP_GPU]	= { "pingpong-gpu-gpu", "MiB",
			    "2 linked devices write a block in turns: migrated, policy on vs off",
			    .kind = FIG_ONOFF, .has_goal = 1, .goal = 0.05 },
	[M_PP_CPU]	= { "pingpong-cpu-gpu", "MiB",
			    "the CPU and vsvm0 write a block in turns: migrated, on vs off",
			    .kind = FIG_ONOFF, .has_goal = 1, .goal = 0.05 },
	[M_STREAMING]	= { "streaming-overhead", "ms",
			    "vsvm0 streams 32 MiB, the CPU reads it: wall, on vs off",
			    .kind = FIG_ONOFF, .has_goal = 1, .goal = 1.02 },
	[M_POLICY_META]	= { "policy-metadata", "B/block",
			    "policy state per tracked block; .streaming: of a streamer",
			    .kind = FIG_VALUE, .has_goal = 1, .goal = 64 },
};

/* The extra rows of the migration policy metrics */
static const struct fig fig_pp_wall = {
	"wall", "ms", "the rounds' wall time", .kind = FIG_ONOFF,
	.has_goal = 1, .goal = 0.5,
};

static const struct fig fig_pp_devtime = {
	"devtime", "ms", "the rounds' modelled device time", .kind = FIG_ONOFF,
	.prec = 3, .has_goal = 1, .goal = 0.5,
};

static const struct fig fig_meta_debugfs = {
	"debugfs", "B/block", "drm_svm/policy/block_bytes", .kind = FIG_VALUE,
};

static const struct fig fig_meta_streaming = {
	"streaming", "bytes", "vsvm-policy-bytes of a streaming process",
	.kind = FIG_VALUE, .has_goal = 1, .goal = 0,
};

#define MAX_EXTRA	2

struct result {
	double *ours;
	double *peer;
	int done;
	int tries;		/* runs of the metric, the last one kept */
	const char *skipped;	/* why the metric could not run */
	int nextra;
	const struct fig *extra[MAX_EXTRA];
	double *extra_ours[MAX_EXTRA];
	double *extra_peer[MAX_EXTRA];
};

/* An open vsvm render node, and the user fence of its jobs. */
struct vsvm {
	int fd;
	unsigned int index;
	struct svm_fence *fence;
	char node[64];
	struct svm_device_info q;
};

static long page_size;
static unsigned long buf_size;		/* bytes */
static int reps = MIN_REPS;
static char vsvm_nodes[MAX_VSVM][64];
static struct svm_device_info vsvm_query[MAX_VSVM];
static unsigned int num_vsvm_nodes;
static uint64_t *batch;			/* one page, bound in every VM */
static uint64_t *result;		/* one page the GPU writes results to */

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("svm_bench: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die("clock_gettime(CLOCK_MONOTONIC): %s", strerror(errno));
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Median, least and greatest of those of the @n figures of @v that are
 * numbers (a figure that could not be computed is NAN); NAN for none.
 */
static void stats(const double *v, int n, double *med, double *lo,
		  double *hi)
{
	double *s = malloc(n * sizeof(*s));
	int i, k = 0;

	if (!s)
		die("out of memory");
	for (i = 0; i < n; i++)
		if (!isnan(v[i]))
			s[k++] = v[i];
	if (!k) {
		*med = NAN;
		*lo = NAN;
		*hi = NAN;
	} else {
		qsort(s, k, sizeof(*s), cmp_double);
		*med = k % 2 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
		*lo = s[0];
		*hi = s[k - 1];
	}
	free(s);
}

/* @o / @p, or NAN when that is no number (a figure over zero). */
static double ratio_of(double o, double p)
{
	if (isnan(o) || isnan(p) || p == 0)
		return NAN;
	return o / p;
}

/* ---- memory ---------------------------------------------------------- */

#define BUF_THP		0x1	/* MADV_HUGEPAGE, 2 MiB aligned */
#define BUF_ALIGN	0x2	/* 2 MiB aligned, 4 KiB pages */

/* One more row of @res's metric, with room for every repetition. */
static int result_add(struct result *res, const struct fig *f)
{
	int k = res->nextra++;

	if (k >= MAX_EXTRA)
		die("too many figures");
	res->extra[k] = f;
	res->extra_ours[k] = calloc(reps, sizeof(double));
	res->extra_peer[k] = calloc(reps, sizeof(double));
	if (!res->extra_ours[k] || !res->extra_peer[k])
		die("out of memory");
	return k;
}

/* A number alone in a (debugfs) file; -1 when it is absent or is none. */
static long long read_number(const char *path)
{
	long long v;
	FILE *f;
	int n;

	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "%lld", &v);
	fclose(f);
	return n == 1 && v >= 0 ? v : -1;
}

/*
 * Map @size bytes of anonymous memory with THP advice and alignment as
 * @flags say (MADV_NOHUGEPAGE without BUF_THP), and write every page of it.
 */
static char *buf_create(unsigned long size, unsigned int flags)
{
	int thp = flags & BUF_THP, align = thp || (flags & BUF_ALIGN);
	unsigned long len = size + (align ? THP_SIZE : 0);
	unsigned long off, head, tail;
	char *p, *buf;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap of %lu MiB: %s", len >> 20, strerror(errno));
	buf = p;
	if (align) {
		buf = (char *)(((uintptr_t)p + THP_SIZE - 1) & ~(THP_SIZE - 1));
		head = buf - p;
		tail = len - head - size;
		if (head && munmap(p, head))
			die("munmap: %s", strerror(errno));
		if (tail && munmap(buf + size, tail))
			die("munmap: %s", strerror(errno));
	}
	if (madvise(buf, size, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		die("madvise(%s): %s", thp ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE",
		    strerror(errno));
	for (off = 0; off < size; off += page_size)
		*(uint64_t *)(buf + off) = off | 1;
	return buf;
}

static void buf_destroy(char *buf, unsigned long size)
{
	if (munmap(buf, size))
		die("munmap: %s", strerror(errno));
}

/* AnonHugePages, in kB, of the mappings of [buf, buf + size). */
static unsigned long anon_huge_kb(const char *buf, unsigned long size)
{
	uintptr_t lo = (uintptr_t)buf, hi = lo + size, start, end;
	unsigned long kb, total = 0;
	char line[512];
	int in = 0;
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	if (!f)
		die("open /proc/self/smaps: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			in = start < hi && end > lo;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %lu kB", &kb) == 1)
			total += kb;
	}
	fclose(f);
	return total;
}

/* ---- phase timers ---------------------------------------------------- */

/*
 * The core's phase timers, drm_svm/phases<id> in debugfs: how our side's
 * time splits. The sums over every vsvm device are taken around each
 * timed region of ours, outside it, and added up over a metric's
 * repetitions; after the metric, one line per phase that ran gives its
 * share of those regions' wall time.
 */
#define PHASES_DIR	"/sys/kernel/debug/drm_svm"
#define NR_PHASES	12
#define NR_PSIZES	4

static const char *const phase_names[NR_PHASES] = {
	"hmm_range_fault", "migrate_setup", "alloc", "copy", "migrate_finish",
	"invalidate", "invalidate_wait", "dma_map", "dma_unmap", "driver_map",
	"evict", "wait",
};

static const char *const psize_names[NR_PSIZES] = {
	"4k", "64k", "2m", "more",
};

struct phases {
	uint64_t count[NR_PHASES][NR_PSIZES];
	uint64_t ns[NR_PHASES][NR_PSIZES];
};

static struct {
	int off;		/* no phase timers: a drm_svm without them */
	struct phases at;	/* the sums when the region began */
	struct phases sum;	/* the regions' phases */
	uint64_t wall_ns;	/* the regions' wall time */
	int regions;
} ph;

static int phase_index(const char *name, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

/* Add the phase timers of SVM device @id to @p; 0, or -1 for no file. */
static int phases_add_dev(struct phases *p, uint32_t id)
{
	unsigned long long count, ns;
	char path[96], line[160], name[40], size[16];
	int i, k, lines = 0;
	FILE *f;

	snprintf(path, sizeof(path), PHASES_DIR "/phases%u", id);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%39s %15s %llu %llu", name, size, &count,
			   &ns) != 4)
			continue;
		i = phase_index(name, phase_names, NR_PHASES);
		k = phase_index(size, psize_names, NR_PSIZES);
		if (i < 0 || k < 0)
			die("%s: unknown phase '%s %s'", path, name, size);
		p->count[i][k] += count;
		p->ns[i][k] += ns;
		lines++;
	}
	fclose(f);
	if (lines != NR_PHASES * NR_PSIZES)
		die("%s: %d phase lines, expected %d", path, lines,
		    NR_PHASES * NR_PSIZES);
	return 0;
}

/* The phase timers summed over every vsvm device. */
static void phases_read(struct phases *p)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < num_vsvm_nodes && !ph.off; i++) {
		if (!vsvm_nodes[i][0])
			continue;
		if (phases_add_dev(p, vsvm_query[i].svm_id)) {
			printf("svm_bench: note: no %s/phases%u: no phase breakdown\n",
			       PHASES_DIR, vsvm_query[i].svm_id);
			ph.off = 1;
		}
	}
}

/* Start over for a metric. */
static void phases_reset(void)
{
	memset(&ph.sum, 0, sizeof(ph.sum));
	ph.wall_ns = 0;
	ph.regions = 0;
}

/* Before a timed region of ours (and before its clock starts). */
static void phases_begin(void)
{
	phases_read(&ph.at);
}

/* After it, with its wall time (and after its clock stopped). */
static void phases_end(uint64_t wall_ns)
{
	struct phases now;
	int i, k;

	phases_read(&now);
	for (i = 0; i < NR_PHASES; i++) {
		for (k = 0; k < NR_PSIZES; k++) {
			ph.sum.count[i][k] += now.count[i][k] - ph.at.count[i][k];
			ph.sum.ns[i][k] += now.ns[i][k] - ph.at.ns[i][k];
		}
	}
	ph.wall_ns += wall_ns;
	ph.regions++;
}

/*
 * "phase: NAME PHASE share=S% runs=N mean_us=U CLASS:RUNS..." for each
 * phase that ran in the metric's timed regions. Phases nest (evict holds
 * moves), so the shares may add up to more than 100%.
 */
static void phases_print(const char *name)
{
	uint64_t runs, ns;
	char sizes[96];
	size_t n;
	int i, k;

	if (ph.off || !ph.regions || !ph.wall_ns)
		return;
	printf("  %s: phase breakdown of ours over %d timed regions, %.1f ms of wall time:\n",
	       name, ph.regions, ph.wall_ns / 1e6);
	for (i = 0; i < NR_PHASES; i++) {
		runs = 0;
		ns = 0;
		n = 0;
		sizes[0] = 0;
		for (k = 0; k < NR_PSIZES; k++) {
			runs += ph.sum.count[i][k];
			ns += ph.sum.ns[i][k];
			if (ph.sum.count[i][k] && n < sizeof(sizes))
				n += snprintf(sizes + n, sizeof(sizes) - n,
					      " %s:%llu", psize_names[k],
					      (unsigned long long)ph.sum.count[i][k]);
		}
		if (!runs)
			continue;
		printf("phase: %s %s share=%.1f%% runs=%llu mean_us=%.2f%s\n",
		       name, phase_names[i], 100.0 * ns / ph.wall_ns,
		       (unsigned long long)runs, ns / 1e3 / runs, sizes);
	}
}

/* ---- vsvm ------------------------------------------------------------ */

/* Find every vsvm render node and record it by device index. */
static void find_vsvm(void)
{
	drmDevicePtr devs[MAX_NODES];
	int i, n;

	n = drmGetDevices2(0, devs, MAX_NODES);
	if (n == -ENOENT)	/* no /dev/dri at all */
		return;
	if (n < 0)
		die("drmGetDevices2: %s", strerror(-n));

	for (i = 0; i < n; i++) {
		struct svm_device_info q;
		const char *node;
		int fd, err;

		if (!(devs[i]->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		node = devs[i]->nodes[DRM_NODE_RENDER];
		fd = svm_open(node);
		if (fd == -ENODEV)
			continue;
		if (fd == -EPROTO)
			die("%s: not vsvm uAPI %u, which this tool speaks",
			    node, DRM_VSVM_UAPI_MAJOR);
		if (fd < 0)
			die("%s: DRM_IOCTL_VSVM_DEVICE_QUERY: %s", node,
			    strerror(-fd));
		err = svm_device_info(fd, &q);
		svm_close(fd);
		if (err)
			die("%s: DRM_IOCTL_VSVM_DEVICE_QUERY: %s", node,
			    strerror(-err));
		if (q.index >= MAX_VSVM)
			continue;
		snprintf(vsvm_nodes[q.index], sizeof(vsvm_nodes[q.index]),
			 "%s", node);
		vsvm_query[q.index] = q;
		if (q.index + 1 > num_vsvm_nodes)
			num_vsvm_nodes = q.index + 1;
	}
	drmFreeDevices(devs, n);
}

static void vsvm_open(struct vsvm *dev, unsigned int index)
{
	if (index >= num_vsvm_nodes || !vsvm_nodes[index][0])
		die("vsvm device %u not found: this needs vsvm loaded with at least %u device(s) (modprobe vsvm num_devices=2)",
		    index, index + 1);
	memset(dev, 0, sizeof(*dev));
	dev->index = index;
	dev->q = vsvm_query[index];
	snprintf(dev->node, sizeof(dev->node), "%s", vsvm_nodes[index]);
	dev->fd = open(dev->node, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0)
		die("open %s: %s", dev->node, strerror(errno));
	if (svm_fence_create(&dev->fence))
		die("%s: mmap of a user fence page: %s", dev->node,
		    strerror(errno));
}

/* Every job of @dev was waited for (job_wait()). */
static void vsvm_close(struct vsvm *dev)
{
	close(dev->fd);
	dev->fd = -1;
	svm_fence_destroy(dev->fence);
	dev->fence = NULL;
}

static void vm_bind(struct vsvm *dev, uint32_t vm_id, const void *addr,
		    unsigned long size, uint32_t flags)
{
	int err = svm_bind(dev->fd, vm_id, addr, (uintptr_t)addr, size, flags);

	if (err)
		die("%s: DRM_IOCTL_VSVM_VM_BIND of %lu KiB at %p%s: %s",
		    dev->node, size >> 10, addr,
		    flags & DRM_SVM_BIND_FLAG_POPULATE ? " (populate)" : "",
		    strerror(-err));
}

/*
 * A fresh VM with @size bytes at @buf (bound with @flags; nothing for 0),
 * the batch page and the result page bound at their CPU addresses.
 */
static uint32_t vm_create_size(struct vsvm *dev, const char *buf,
			       unsigned long size, uint32_t flags)
{
	uint32_t vm_id;
	int err = svm_vm_create(dev->fd, 0, &vm_id);

	if (err)
		die("%s: DRM_IOCTL_VSVM_VM_CREATE: %s", dev->node,
		    strerror(-err));
	/*
	 * Fault the batch in here, so that the timed job only faults the
	 * buffer; it stays in system memory, where the CPU writes it.
	 */
	vm_bind(dev, vm_id, batch, page_size,
		DRM_SVM_BIND_FLAG_READONLY | DRM_SVM_BIND_FLAG_NO_MIGRATE |
		DRM_SVM_BIND_FLAG_POPULATE);
	vm_bind(dev, vm_id, result, page_size,
		DRM_SVM_BIND_FLAG_NO_MIGRATE | DRM_SVM_BIND_FLAG_POPULATE);
	if (size)
		vm_bind(dev, vm_id, buf, size, flags);
	return vm_id;
}

/* The same with a buffer of buf_size bytes. */
static uint32_t vm_create(struct vsvm *dev, const char *buf, uint32_t flags)
{
	return vm_create_size(dev, buf, buf_size, flags);
}

static void vm_destroy(struct vsvm *dev, uint32_t vm_id)
{
	int err = svm_vm_destroy(dev->fd, vm_id);

	if (err)
		die("%s: DRM_IOCTL_VSVM_VM_DESTROY: %s", dev->node,
		    strerror(-err));
}

/*
 * Submit the @words at @cmds, in the batch page, on @vm_id, with the next
 * value of @dev's user fence; returns the job id.
 */
static uint64_t job_submit_at(struct vsvm *dev, uint32_t vm_id,
			      const uint64_t *cmds, unsigned int words)
{
	uint64_t job_id;
	int err;

	err = svm_exec(dev->fd, vm_id, cmds, words * sizeof(uint64_t),
		       dev->fence, &job_id);
	if (err)
		die("%s: DRM_IOCTL_VSVM_EXEC: %s", dev->node, strerror(-err));
	return job_id;
}

/* Submit the first @words of the batch on @vm_id; returns the job id. */
static uint64_t job_submit(struct vsvm *dev, uint32_t vm_id,
			   unsigned int words)
{
	return job_submit_at(dev, vm_id, batch, words);
}

/* Submit the TOUCH batch (see main) on @vm_id; returns the job id. */
static uint64_t touch_submit(struct vsvm *dev, uint32_t vm_id)
{
	return job_submit(dev, vm_id, 4);
}

/*
 * Sleep until the last job submitted on @dev ended: the wait ioctl, which
 * the kernel's store of the job's user fence wakes, so that no polling
 * adds to the times measured around it.
 */
static void job_wait(struct vsvm *dev)
{
	int ret;

	ret = svm_fence_wait(dev->fd, dev->fence,
			     JOB_TIMEOUT_S * 1000000000ll);
	if (ret == -ETIME)
		die("%s: job did not complete within %d s", dev->node,
		    JOB_TIMEOUT_S);
	if (ret)
		die("%s: DRM_IOCTL_VSVM_WAIT_USER_FENCE: %s", dev->node,
		    strerror(-ret));
}

/* The job must have completed; returns its GPU page faults. */
/* Modelled device time of the last job job_done() saw, ns. */
static uint64_t last_device_time_ns;

static uint64_t job_done(struct vsvm *dev, uint64_t job_id)
{
	struct drm_vsvm_job_query q;
	int err = svm_job_query(dev->fd, job_id, &q);

	if (err)
		die("%s: DRM_IOCTL_VSVM_JOB_QUERY: %s", dev->node,
		    strerror(-err));
	if (q.status != DRM_VSVM_JOB_DONE)
		die("%s: job %llu: status %u, error %d (%s), fault at 0x%llx access %u error %d",
		    dev->node, (unsigned long long)job_id, q.status, q.error,
		    strerror(-q.error), (unsigned long long)q.fault.address,
		    q.fault.access, q.fault.error);
	last_device_time_ns = q.device_time_ns;
	return q.faults;
}

/* The TOUCH job must have completed and taken GPU page faults. */
static uint64_t job_check(struct vsvm *dev, uint64_t job_id)
{
	uint64_t faults = job_done(dev, job_id);

	if (!faults)
		die("%s: TOUCH job %llu reported no GPU page faults over unmirrored memory",
		    dev->node, (unsigned long long)job_id);
	return faults;
}

/* ---- test_hmm ----------------------------------------------------------- */

static int dmirror_open(void)
{
	int fd = open(DMIRROR_NODE, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open %s: %s (is test_hmm loaded?)", DMIRROR_NODE,
		    strerror(errno));
	return fd;
}

/* HMM_DMIRROR_READ all of @buf; returns the faults test_hmm counted. */
static uint64_t dmirror_read(int fd, const char *buf, char *dst)
{
	uint64_t faults = 0;
	unsigned long off;

	for (off = 0; off < buf_size; off += PEER_CHUNK) {
		unsigned long len = buf_size - off < PEER_CHUNK ?
				    buf_size - off : PEER_CHUNK;
		struct hmm_dmirror_cmd cmd = {
			.addr = (uintptr_t)buf + off,
			.ptr = (uintptr_t)dst,
			.npages = len / page_size,
		};

		if (ioctl(fd, HMM_DMIRROR_READ, &cmd))
			die("%s: HMM_DMIRROR_READ: %s", DMIRROR_NODE,
			    strerror(errno));
		if (cmd.cpages != cmd.npages)
			die("%s: HMM_DMIRROR_READ read %llu of %llu pages",
			    DMIRROR_NODE, (unsigned long long)cmd.cpages,
			    (unsigned long long)cmd.npages);
		faults += cmd.faults;
	}
	if (!faults)
		die("%s: HMM_DMIRROR_READ reported no faults over unmirrored memory",
		    DMIRROR_NODE);
	return faults;
}

/* ---- metrics ---------------------------------------------------------- */

static void check_thp(const char *buf, int rep, const char *who)
{
	unsigned long kb = anon_huge_kb(buf, buf_size);

	if (!kb)
		die("fault-in-thp: %s buffer of repetition %d has no AnonHugePages: transparent hugepages unavailable (see /sys/kernel/mm/transparent_hugepage/enabled)",
		    who, rep + 1);
	if (rep == 0 && !strcmp(who, "ours"))
		printf("  fault-in-thp: AnonHugePages %lu kB of %lu kB\n", kb,
		       buf_size >> 10);
	else if (kb < buf_size >> 10)
		printf("  fault-in-thp: note: %s buffer of repetition %d has only %lu kB of %lu kB in THP\n",
		       who, rep + 1, kb, buf_size >> 10);
}

static void run_fault_in(enum metric_id m, struct result *res)
{
	int thp = m == M_FAULT_THP;
	unsigned long npages = buf_size / page_size;
	struct vsvm dev;
	char *dst;
	int i;

	vsvm_open(&dev, 0);
	/* Where test_hmm copies what it read; faulted in once, reused. */
	dst = buf_create(buf_size > PEER_CHUNK ? PEER_CHUNK : buf_size, 0);

	for (i = 0; i < reps; i++) {
		uint64_t t0, t1, job, faults;
		uint32_t vm_id;
		char *buf;
		int fd;

		/* ours: one TOUCH job faults the whole buffer in */
		buf = buf_create(buf_size, thp);
		if (thp)
			check_thp(buf, i, "ours");
		batch[0] = VSVM_CMD_TOUCH;
		batch[1] = (uintptr_t)buf;
		batch[2] = buf_size;
		batch[3] = VSVM_CMD_END;
		vm_id = vm_create(&dev, buf, DRM_SVM_BIND_FLAG_NO_MIGRATE);
		phases_begin();
		t0 = now_ns();
		job = touch_submit(&dev, vm_id);
		job_wait(&dev);
		t1 = now_ns();
		phases_end(t1 - t0);
		faults = job_check(&dev, job);
		res->ours[i] = (double)(t1 - t0) / npages;
		vm_destroy(&dev, vm_id);
		buf_destroy(buf, buf_size);
		printf("  %-22s rep %d: ours %10.1f ns/page (%llu GPU faults)",
		       metrics[m].name, i + 1, res->ours[i],
		       (unsigned long long)faults);
		fflush(stdout);

		/* peer: test_hmm reads the same amount of fresh memory */
		buf = buf_create(buf_size, thp);
		if (thp)
			check_thp(buf, i, "peer");
		fd = dmirror_open();
		t0 = now_ns();
		faults = dmirror_read(fd, buf, dst);
		t1 = now_ns();
		res->peer[i] = (double)(t1 - t0) / npages;
		close(fd);
		buf_destroy(buf, buf_size);
		printf("  peer %10.1f ns/page (%llu dmirror faults)\n",
		       res->peer[i], (unsigned long long)faults);
	}

	buf_destroy(dst, buf_size > PEER_CHUNK ? PEER_CHUNK : buf_size);
	vsvm_close(&dev);
}

/* The value of "KEY VALUE" line @key of the file at @path; dies if none. */
static long long file_key(const char *path, const char *key)
{
	char line[128], k[64];
	long long v, found = -1;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		die("open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", k, &v) == 2 && !strcmp(k, key))
			found = v;
	fclose(f);
	if (found < 0)
		die("%s: no %s", path, key);
	return found;
}

/* A key of SVM device @id's debugfs file (drm_svm/device<id>). */
static long long devstat_key(uint32_t id, const char *key)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/kernel/debug/drm_svm/device%u", id);
	return file_key(path, key);
}

/* System pages DMA-mapped for @dev, over all its VMs. */
static long long dma_mapped(struct vsvm *dev)
{
	return devstat_key(dev->q.svm_id, "dma_mapped");
}

/*
 * Time munmap() of a fresh buffer, in pieces of @piece bytes, after
 * devices 0 to @ndev - 1 (none for 0) mirrored it and faulted it in;
 * @faults gets each device's GPU faults. Our side's phases are taken when
 * @ours. Outside the timed region, each device must have had the whole
 * buffer DMA-mapped before, and none of it after.
 */
static double munmap_mirrored(struct vsvm *dev, int ndev, unsigned long piece,
			      int ours, uint64_t *faults)
{
	long long dma[MAX_VSVM], now;
	uint32_t vm_id[MAX_VSVM];
	unsigned long off;
	uint64_t t0, t1;
	char *buf;
	int d;

	/* 2 MiB aligned: each piece is one invalidation, in one window */
	buf = buf_create(buf_size, BUF_ALIGN);
	batch[0] = VSVM_CMD_TOUCH;
	batch[1] = (uintptr_t)buf;
	batch[2] = buf_size;
	batch[3] = VSVM_CMD_END;
	for (d = 0; d < ndev; d++) {
		uint64_t job;

		vm_id[d] = vm_create(&dev[d], buf,
				     DRM_SVM_BIND_FLAG_NO_MIGRATE);
		dma[d] = dma_mapped(&dev[d]);
		job = touch_submit(&dev[d], vm_id[d]);
		job_wait(&dev[d]);
		faults[d] = job_check(&dev[d], job);
		now = dma_mapped(&dev[d]);
		if (now - dma[d] != (long long)(buf_size / page_size))
			die("%s: %lld pages DMA-mapped by the TOUCH job, expected %lu",
			    dev[d].node, now - dma[d], buf_size / page_size);
	}
	if (ours)
		phases_begin();
	t0 = now_ns();
	for (off = 0; off < buf_size; off += piece)
		buf_destroy(buf + off, piece);
	t1 = now_ns();
	if (ours)
		phases_end(t1 - t0);
	for (d = 0; d < ndev; d++) {
		now = dma_mapped(&dev[d]);
		if (now != dma[d])
			die("%s: %lld buffer pages still DMA-mapped after munmap()",
			    dev[d].node, now - dma[d]);
		vm_destroy(&dev[d], vm_id[d]);
	}
	return (double)(t1 - t0) / 1000;
}

static void run_munmap_2dev(struct result *res)
{
	uint64_t faults[2], none[1];
	struct vsvm dev[2];
	int i;

	vsvm_open(&dev[0], 0);
	vsvm_open(&dev[1], 1);

	for (i = 0; i < reps; i++) {
		/* Alternate which side goes first, against positional bias. */
		if (i % 2)
			res->peer[i] = munmap_mirrored(dev, 0, buf_size, 0,
						       none);
		res->ours[i] = munmap_mirrored(dev, 2, buf_size, 1, faults);
		if (!(i % 2))
			res->peer[i] = munmap_mirrored(dev, 0, buf_size, 0,
						       none);
		printf("  %-22s rep %d: ours %10.1f us (%llu+%llu GPU faults)  peer %10.1f us%s\n",
		       metrics[M_MUNMAP_2DEV].name, i + 1, res->ours[i],
		       (unsigned long long)faults[0],
		       (unsigned long long)faults[1], res->peer[i],
		       i % 2 ? " (peer first)" : "");
	}

	vsvm_close(&dev[0]);
	vsvm_close(&dev[1]);
}

/* ---- module parameters ------------------------------------------------ */

enum param_id {
	P_TLB_FLUSH_US,
	P_TLB_FLUSH_ASYNC,
	P_FAULT_BATCH,
	P_MIGRATION_POLICY,
	NR_PARAMS,
};

/*
 * The module parameters metrics set, and their values before the metric:
 * each is given back after its metric, and at exit if the bench dies.
 */
static struct {
	const char *path;
	char saved[32];		/* "": not changed */
} params[NR_PARAMS] = {
	[P_TLB_FLUSH_US] = { "/sys/module/vsvm/parameters/tlb_flush_us" },
	[P_TLB_FLUSH_ASYNC] = { "/sys/module/vsvm/parameters/tlb_flush_async" },
	[P_FAULT_BATCH] = { "/sys/module/vsvm/parameters/fault_batch" },
	[P_MIGRATION_POLICY] = {
		"/sys/module/drm_svm/parameters/migration_policy" },
};

/* The process that may give them back (not a forked child). */
static pid_t params_pid;

/* Read parameter @i into @s; 0, or -errno. */
static int param_read(enum param_id i, char *s, size_t n)
{
	ssize_t len;
	int fd, err = 0;

	fd = open(params[i].path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, s, n - 1);
	if (len < 0)
		err = -errno;
	close(fd);
	if (err)
		return err;
	s[len] = 0;
	s[strcspn(s, "\n")] = 0;
	return 0;
}

/* Write @v to parameter @i; 0, or -errno. */
static int param_write(enum param_id i, const char *v)
{
	int fd, err = 0;

	fd = open(params[i].path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, v, strlen(v)) != (ssize_t)strlen(v))
		err = -errno;
	close(fd);
	return err;
}

/*
 * Give every changed parameter its value back, once; returns how many
 * could not be. Says why on stderr, so that it also serves at exit.
 */
static int params_give_back(void)
{
	unsigned int i;
	int err, failed = 0;

	if (getpid() != params_pid)
		return 0;
	for (i = 0; i < NR_PARAMS; i++) {
		if (!params[i].saved[0])
			continue;
		err = param_write(i, params[i].saved);
		if (err) {
			fprintf(stderr, "svm_bench: error: restoring %s to %s: %s\n",
				params[i].path, params[i].saved,
				strerror(-err));
			failed++;
		}
		params[i].saved[0] = 0;
	}
	return failed;
}

static void params_give_back_at_exit(void)
{
	params_give_back();
}

/* After a metric: every parameter it set must get its value back. */
static void params_restore(void)
{
	if (params_give_back())
		die("module parameters could not be restored");
}

/* Set parameter @i to @v, saving its value first; checked by reading. */
static void param_set(enum param_id i, const char *v)
{
	const char *path = params[i].path;
	static int registered;
	char now[32];
	int err;

	if (!registered) {
		if (atexit(params_give_back_at_exit))
			die("atexit failed");
		params_pid = getpid();
		registered = 1;
	}
	if (!params[i].saved[0]) {
		err = param_read(i, params[i].saved, sizeof(params[i].saved));
		if (err || !params[i].saved[0])
			die("read %s: %s", path, err ? strerror(-err) : "empty");
	}
	err = param_write(i, v);
	if (!err)
		err = param_read(i, now, sizeof(now));
	if (err)
		die("write %s to %s: %s", v, path, strerror(-err));
	if (strcmp(now, v))
		die("%s reads %s after %s was written", path, now, v);
}

/* ---- munmap on 4 devices ---------------------------------------------- */

/*
 * The modelled latency of every invalidation's TLB flush, in us, and the
 * piece munmap-mirrored-4dev-vs-1dev unmaps at a time: each piece is one
 * invalidation on every device, so the buffer makes buf_size / 2 MiB of
 * them.
 */
#define TLB_FLUSH_US	"100"
#define MUNMAP_PIECE	THP_SIZE

static const struct fig fig_4dev_serial = {
	"serial", "us", "the same with every TLB flush waited for in turn",
	.kind = FIG_PEER,
};

static const struct fig fig_4dev_whole = {
	"whole", "us", "one munmap() of the whole buffer", .kind = FIG_PEER,
};

/* One repetition of one row: 4 devices against 1, in alternating order. */
static void munmap_4dev_rep(struct vsvm *dev, int i, unsigned long piece,
			    int ours, double *v4, double *v1)
{
	uint64_t faults[4];

	if (i % 2)
		*v1 = munmap_mirrored(dev, 1, piece, 0, faults);
	*v4 = munmap_mirrored(dev, 4, piece, ours, faults);
	if (!(i % 2))
		*v1 = munmap_mirrored(dev, 1, piece, 0, faults);
}

static void run_munmap_4dev(struct result *res)
{
	const char *name = metrics[M_MUNMAP_4DEV].name;
	int serial = result_add(res, &fig_4dev_serial);
	int whole = result_add(res, &fig_4dev_whole);
	struct vsvm dev[4];
	int d, i;

	for (d = 0; d < 4; d++)
		vsvm_open(&dev[d], d);
	param_set(P_TLB_FLUSH_US, TLB_FLUSH_US);
	for (i = 0; i < reps; i++) {
		param_set(P_TLB_FLUSH_ASYNC, "Y");
		munmap_4dev_rep(dev, i, MUNMAP_PIECE, 1, &res->ours[i],
				&res->peer[i]);
		munmap_4dev_rep(dev, i, buf_size, 0, &res->extra_ours[whole][i],
				&res->extra_peer[whole][i]);
		param_set(P_TLB_FLUSH_ASYNC, "N");
		munmap_4dev_rep(dev, i, MUNMAP_PIECE, 0,
				&res->extra_ours[serial][i],
				&res->extra_peer[serial][i]);
		printf("  %-22s rep %d: 4 devices %9.1f us, 1 device %9.1f us; serial flushes %9.1f / %9.1f us; whole %9.1f / %9.1f us%s\n",
		       name, i + 1, res->ours[i], res->peer[i],
		       res->extra_ours[serial][i], res->extra_peer[serial][i],
		       res->extra_ours[whole][i], res->extra_peer[whole][i],
		       i % 2 ? " (1 device first)" : "");
	}
	params_restore();
	for (d = 0; d < 4; d++)
		vsvm_close(&dev[d]);
}

/* ---- many bindings, metadata --------------------------------------- */

#define MANY_BINDINGS	1000000
/* The bindings are 4 KiB each, one every MANY_STRIDE, so none touch. */
#define MANY_STRIDE	(2 * 4096UL)
/* What the timed job faults in, 4 KiB at a time. */
#define MANY_FAULT_SIZE	(32UL << 20)
/* Bindings a repetition of metadata-per-page makes to weigh one. */
#define META_BINDINGS	20000

/* A line of /proc/meminfo, in bytes. */
static long long meminfo_bytes(const char *key)
{
	char line[128], k[64];
	long long v = -1, kb;
	FILE *f;

	f = fopen("/proc/meminfo", "re");
	if (!f)
		die("open /proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %lld", k, &kb) == 2 &&
		    !strcmp(k, key))
			v = kb << 10;
	fclose(f);
	if (v < 0)
		die("/proc/meminfo: no %s", key);
	return v;
}

static void vm_unbind(struct vsvm *dev, uint32_t vm_id, const void *addr,
		      unsigned long size)
{
	int err = svm_unbind(dev->fd, vm_id, (uintptr_t)addr, size);

	if (err)
		die("%s: unbind of %lu KiB at %p: %s", dev->node, size >> 10,
		    addr, strerror(-err));
}

/* Give [@buf, @buf + @size) a granularity of @g bytes. */
static void set_granularity(struct vsvm *dev, const char *buf,
			    unsigned long size, uint64_t g)
{
	int err = svm_set_granularity(dev->fd, buf, size, g);

	if (err)
		die("%s: DRM_IOCTL_VSVM_MADVISE granularity %llu: %s",
		    dev->node, (unsigned long long)g, strerror(-err));
}

/*
 * @n bindings of one page each, one every MANY_STRIDE from @at, in @vm_id;
 * returns the time taken, ns.
 */
static uint64_t bind_many(struct vsvm *dev, uint32_t vm_id, char *at, long n)
{
	uint64_t t0 = now_ns();
	long i;

	for (i = 0; i < n; i++)
		vm_bind(dev, vm_id, at + i * MANY_STRIDE, page_size,
			DRM_SVM_BIND_FLAG_NO_MIGRATE);
	return now_ns() - t0;
}

/* Address space for @n such bindings, never mapped to memory. */
static char *reserve_many(long n)
{
	char *p = mmap(NULL, n * MANY_STRIDE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		die("mmap of %ld MiB of address space: %s",
		    (long)(n * MANY_STRIDE >> 20), strerror(errno));
	return p;
}

/* The batches of faults @dev's engine reported to the core so far. */
static long long engine_reports(struct vsvm *dev)
{
	char path[96];
	long long v;

	snprintf(path, sizeof(path),
		 "/sys/kernel/debug/dri/vsvm%u/fault_reports", dev->index);
	v = read_number(path);
	if (v < 0)
		die("%s: not there", path);
	return v;
}

/*
 * Fault in @size bytes at @buf, bound NO_MIGRATE in @vm_id at a
 * granularity of 4 KiB, with one TOUCH job; returns the job's time per
 * fault, us, with our side's phases around it when @ours, and the faults
 * per report of vsvm's engine in *@per_report. Every page must then be
 * DMA-mapped for the device, each its own fault.
 */
static double touch_4k(struct vsvm *dev, uint32_t vm_id, const char *buf,
		       unsigned long size, int ours, double *per_report)
{
	unsigned long pages = size / page_size;
	uint64_t t0, t1, job, faults;
	long long dma0, dma1, reports;

	batch[0] = VSVM_CMD_TOUCH;
	batch[1] = (uintptr_t)buf;
	batch[2] = size;
	batch[3] = VSVM_CMD_END;
	dma0 = dma_mapped(dev);
	reports = engine_reports(dev);
	if (ours)
		phases_begin();
	t0 = now_ns();
	job = touch_submit(dev, vm_id);
	job_wait(dev);
	t1 = now_ns();
	if (ours)
		phases_end(t1 - t0);
	faults = job_check(dev, job);
	reports = engine_reports(dev) - reports;
	*per_report = reports ? (double)faults / reports : 0;
	dma1 = dma_mapped(dev);
	if (dma1 - dma0 != (long long)pages || faults < pages)
		die("%s: %lld pages DMA-mapped by %llu GPU faults, expected %lu by as many",
		    dev->node, dma1 - dma0, (unsigned long long)faults, pages);
	return (double)(t1 - t0) / 1000 / faults;
}

/* touch_4k() of a fresh MANY_FAULT_SIZE buffer bound in @vm_id, then unbound */
static double fault_4k(struct vsvm *dev, uint32_t vm_id, int ours)
{
	double per_report, us;
	char *buf;

	buf = buf_create(MANY_FAULT_SIZE, BUF_ALIGN);
	set_granularity(dev, buf, MANY_FAULT_SIZE, 4096);
	vm_bind(dev, vm_id, buf, MANY_FAULT_SIZE, DRM_SVM_BIND_FLAG_NO_MIGRATE);
	us = touch_4k(dev, vm_id, buf, MANY_FAULT_SIZE, ours, &per_report);
	vm_unbind(dev, vm_id, buf, MANY_FAULT_SIZE);
	buf_destroy(buf, MANY_FAULT_SIZE);
	return us;
}

static void run_fault_1m(struct result *res)
{
	const char *name = metrics[M_FAULT_1M].name;
	uint32_t vm_many, vm_one;
	long long slab0, slab1;
	struct vsvm dev;
	uint64_t ns;
	char *many;
	int i;

	vsvm_open(&dev, 0);
	many = reserve_many(MANY_BINDINGS);
	vm_many = vm_create_size(&dev, NULL, 0, 0);
	vm_one = vm_create_size(&dev, NULL, 0, 0);
	slab0 = meminfo_bytes("Slab");
	ns = bind_many(&dev, vm_many, many, MANY_BINDINGS);
	slab1 = meminfo_bytes("Slab");
	printf("  %s: %d bindings made in %.1f s, %.2f us each; slab grew by %lld KiB, %.0f bytes a binding\n",
	       name, MANY_BINDINGS, ns / 1e9, ns / 1e3 / MANY_BINDINGS,
	       (slab1 - slab0) >> 10, (double)(slab1 - slab0) / MANY_BINDINGS);

	for (i = 0; i < reps; i++) {
		if (i % 2)
			res->peer[i] = fault_4k(&dev, vm_one, 0);
		res->ours[i] = fault_4k(&dev, vm_many, 1);
		if (!(i % 2))
			res->peer[i] = fault_4k(&dev, vm_one, 0);
		printf("  %-22s rep %d: ours %8.2f us per fault, peer %8.2f us%s\n",
		       name, i + 1, res->ours[i], res->peer[i],
		       i % 2 ? " (peer first)" : "");
	}

	ns = now_ns();
	vm_destroy(&dev, vm_many);
	printf("  %s: the VM of %d bindings destroyed in %.1f s\n", name,
	       MANY_BINDINGS, (now_ns() - ns) / 1e9);
	vm_destroy(&dev, vm_one);
	if (munmap(many, MANY_BINDINGS * MANY_STRIDE))
		die("munmap: %s", strerror(errno));
	vsvm_close(&dev);
}

static const struct fig fig_meta_binding = {
	"binding", "B", "slab per binding", .kind = FIG_VALUE, .prec = 1,
};

/*
 * What the device's page table is charged now: its blocks, each the slab
 * object plus the pointer to its cgroup that memcg accounting adds.
 */
static long long pt_bytes(struct vsvm *dev)
{
	char path[96];
	long long blocks, size;

	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/vsvm%u/pt_blocks",
		 dev->index);
	blocks = read_number(path);
	size = read_number("/sys/kernel/slab/vsvm_pt_block/slab_size");
	if (blocks < 0 || size <= 0)
		die("%s or /sys/kernel/slab/vsvm_pt_block/slab_size: not there",
		    path);
	return blocks * (size + (long long)sizeof(void *));
}

#define CGROUP_ROOT	"/sys/fs/cgroup"

/* The memory cgroup metadata-per-page runs in: "" when none. */
static char meta_cg[96];

static void write_file(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, v, strlen(v)) != (ssize_t)strlen(v))
		die("write %s to %s: %s", v, path, strerror(errno));
	close(fd);
}

/* Move this process into a fresh memory cgroup of its own. */
static void meta_cg_enter(void)
{
	char path[128], pid[24];
	struct stat st;

	if (stat(CGROUP_ROOT "/cgroup.controllers", &st) &&
	    mount("cgroup2", CGROUP_ROOT, "cgroup2", 0, NULL))
		die("mount cgroup2 on %s: %s", CGROUP_ROOT, strerror(errno));
	write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory");
	snprintf(meta_cg, sizeof(meta_cg), CGROUP_ROOT "/svm_bench-%d",
		 getpid());
	if (mkdir(meta_cg, 0755))
		die("mkdir %s: %s", meta_cg, strerror(errno));
	snprintf(path, sizeof(path), "%s/cgroup.procs", meta_cg);
	snprintf(pid, sizeof(pid), "%d", getpid());
	write_file(path, pid);
}

/* Back to the root cgroup; the empty group goes. */
static void meta_cg_leave(void)
{
	char pid[24];

	snprintf(pid, sizeof(pid), "%d", getpid());
	write_file(CGROUP_ROOT "/cgroup.procs", pid);
	if (rmdir(meta_cg))
		die("rmdir %s: %s", meta_cg, strerror(errno));
	meta_cg[0] = 0;
}

/* Slab charged to the cgroup: the exact bytes of its objects. */
static long long meta_cg_slab(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/memory.stat", meta_cg);
	return file_key(path, "slab_unreclaimable");
}

/*
 * The core's metadata for a buffer of 4 KiB pages, per page: the growth
 * of the slab charged to the bench's own memory cgroup over the TOUCH job
 * that faults in a fresh buffer bound NO_MIGRATE (the core charges what
 * it allocates in the device's worker to that cgroup too), less vsvm's
 * page table; and per binding, the growth over META_BINDINGS binds of one
 * page each. Byte counts of live objects, not slab pages, so memory freed
 * by an earlier repetition does not hide new objects.
 */
static void run_metadata_page(struct result *res)
{
	unsigned long pages = buf_size / page_size;
	int k = result_add(res, &fig_meta_binding);
	long long slab0, slab1, pt0, pt1, dma0;
	uint64_t job, ns;
	uint32_t vm_id;
	struct vsvm dev;
	char *buf, *many;
	int i;

	meta_cg_enter();
	vsvm_open(&dev, 0);
	many = reserve_many(META_BINDINGS);
	for (i = 0; i < reps; i++) {
		buf = buf_create(buf_size, BUF_ALIGN);
		vm_id = vm_create(&dev, buf, DRM_SVM_BIND_FLAG_NO_MIGRATE);
		batch[0] = VSVM_CMD_TOUCH;
		batch[1] = (uintptr_t)buf;
		batch[2] = buf_size;
		batch[3] = VSVM_CMD_END;
		dma0 = dma_mapped(&dev);
		pt0 = pt_bytes(&dev);
		slab0 = meta_cg_slab();
		job = touch_submit(&dev, vm_id);
		job_wait(&dev);
		slab1 = meta_cg_slab();
		pt1 = pt_bytes(&dev);
		job_check(&dev, job);
		if (dma_mapped(&dev) - dma0 != (long long)pages)
			die("%s: %lld pages DMA-mapped, expected %lu", dev.node,
			    dma_mapped(&dev) - dma0, pages);
		res->ours[i] = (double)(slab1 - slab0 - (pt1 - pt0)) / pages;
		printf("  %-22s rep %d: slab +%lld bytes over the faults, %lld of them vsvm's page table: %.2f bytes per page",
		       metrics[M_META_PAGE].name, i + 1, slab1 - slab0,
		       pt1 - pt0, res->ours[i]);

		slab0 = meta_cg_slab();
		ns = bind_many(&dev, vm_id, many, META_BINDINGS);
		slab1 = meta_cg_slab();
		res->extra_ours[k][i] = (double)(slab1 - slab0) / META_BINDINGS;
		printf("; %d bindings in %.1f us each: slab +%lld bytes, %.1f each\n",
		       META_BINDINGS, ns / 1e3 / META_BINDINGS, slab1 - slab0,
		       res->extra_ours[k][i]);
		vm_destroy(&dev, vm_id);
		buf_destroy(buf, buf_size);
	}
	if (munmap(many, META_BINDINGS * MANY_STRIDE))
		die("munmap: %s", strerror(errno));
	vsvm_close(&dev);
	meta_cg_leave();
}

/* ---- fault storm ------------------------------------------------------ */

/* 65,536 faults of 4 KiB: 256 MiB at a granularity of one page. */
#define STORM_SIZE	(256UL << 20)

/*
 * touch_4k() of a fresh STORM_SIZE buffer in a VM of its own, with vsvm0
 * reporting at most @batch_str faults at once.
 */
static double storm_run(struct vsvm *dev, const char *batch_str, int ours,
			double *per_report)
{
	uint32_t vm_id;
	double us;
	char *buf;

	param_set(P_FAULT_BATCH, batch_str);
	buf = buf_create(STORM_SIZE, BUF_ALIGN);
	set_granularity(dev, buf, STORM_SIZE, 4096);
	vm_id = vm_create_size(dev, buf, STORM_SIZE,
			       DRM_SVM_BIND_FLAG_NO_MIGRATE);
	us = touch_4k(dev, vm_id, buf, STORM_SIZE, ours, per_report);
	vm_destroy(dev, vm_id);
	buf_destroy(buf, STORM_SIZE);
	return us;
}

static void run_fault_storm(struct result *res)
{
	double per_ours, per_peer;
	struct vsvm dev;
	int i;

	vsvm_open(&dev, 0);
	for (i = 0; i < reps; i++) {
		if (i % 2)
			res->peer[i] = storm_run(&dev, "1", 0, &per_peer);
		res->ours[i] = storm_run(&dev, "256", 1, &per_ours);
		if (!(i % 2))
			res->peer[i] = storm_run(&dev, "1", 0, &per_peer);
		printf("  %-22s rep %d: up to 256 per report %8.2f us per fault (%.1f faults per report), 1 per report %8.2f us (%.1f)%s\n",
		       metrics[M_FAULT_STORM].name, i + 1, res->ours[i],
		       per_ours, res->peer[i], per_peer,
		       i % 2 ? " (single first)" : "");
	}
	params_restore();
	vsvm_close(&dev);
}

/* ---- parallel faults ---------------------------------------------------- */

#define PAR_HALF	(32UL << 20)

/* A TOUCH of [@p, @p + @size) at word @at of the batch page. */
static const uint64_t *touch_cmds(unsigned int at, const char *p,
				  unsigned long size)
{
	batch[at] = VSVM_CMD_TOUCH;
	batch[at + 1] = (uintptr_t)p;
	batch[at + 2] = size;
	batch[at + 3] = VSVM_CMD_END;
	return &batch[at];
}

/*
 * The faults of a fresh 2 x PAR_HALF buffer at a granularity of 4 KiB, bound
 * NO_MIGRATE: with @two, half of it in a VM of dev[0] and half in one of
 * dev[1], the two jobs running at once; else all of it in a VM of dev[0],
 * one job. Returns millions of faults per second. Every page must then be
 * DMA-mapped for the device that faulted it, by a fault of its own.
 */
static double par_run(struct vsvm *dev, int two)
{
	unsigned long pages = 2 * PAR_HALF / page_size;
	long long dma0[2], dma1[2];
	uint64_t t0, t1, job[2], faults = 0;
	uint32_t vm[2];
	int n = two ? 2 : 1, d;
	char *buf;

	buf = buf_create(2 * PAR_HALF, BUF_ALIGN);
	set_granularity(&dev[0], buf, 2 * PAR_HALF, 4096);
	for (d = 0; d < n; d++) {
		vm[d] = vm_create_size(&dev[d], buf + d * PAR_HALF,
				       two ? PAR_HALF : 2 * PAR_HALF,
				       DRM_SVM_BIND_FLAG_NO_MIGRATE);
		dma0[d] = dma_mapped(&dev[d]);
	}
	if (two)
		phases_begin();
	t0 = now_ns();
	for (d = 0; d < n; d++)
		job[d] = job_submit_at(&dev[d], vm[d],
				       touch_cmds(8 * d, buf + d * PAR_HALF,
						  (2 - two) * PAR_HALF), 4);
	for (d = 0; d < n; d++)
		job_wait(&dev[d]);
	t1 = now_ns();
	if (two)
		phases_end(t1 - t0);
	for (d = 0; d < n; d++) {
		faults += job_check(&dev[d], job[d]);
		dma1[d] = dma_mapped(&dev[d]);
		if (dma1[d] - dma0[d] != (long long)(pages / n))
			die("%s: %lld pages DMA-mapped, expected %lu",
			    dev[d].node, dma1[d] - dma0[d], pages / n);
		vm_destroy(&dev[d], vm[d]);
	}
	if (faults < pages)
		die("%llu GPU faults for %lu pages of 4 KiB",
		    (unsigned long long)faults, pages);
	buf_destroy(buf, 2 * PAR_HALF);
	return (double)faults * 1000 / (double)(t1 - t0);
}

static void run_par_faults(struct result *res)
{
	struct vsvm dev[2];
	int i;

	vsvm_open(&dev[0], 0);
	vsvm_open(&dev[1], 1);
	for (i = 0; i < reps; i++) {
		if (i % 2)
			res->peer[i] = par_run(dev, 0);
		res->ours[i] = par_run(dev, 1);
		if (!(i % 2))
			res->peer[i] = par_run(dev, 0);
		printf("  %-22s rep %d: 2 engines %6.3f Mfaults/s, 1 engine %6.3f%s\n",
		       metrics[M_PAR_FAULTS].name, i + 1, res->ours[i],
		       res->peer[i], i % 2 ? " (1 engine first)" : "");
	}
	vsvm_close(&dev[1]);
	vsvm_close(&dev[0]);
}

/* ---- migration -------------------------------------------------------- */

#define GOLDEN		0x9e3779b97f4a7c15ull
/* The kind of page in a HMM_DMIRROR_SNAPSHOT entry, without its access. */
#define DMIRROR_PROT_KIND	0xf0
/* How long freed VRAM may take to come back, in 10 ms steps. */
#define VRAM_SETTLE_STEPS	500

/* One migration metric's state across its repetitions. */
struct mig {
	enum metric_id m;
	int rep;
	struct vsvm dev;
	char *dst;		/* MIGRATE_TO_DEV's data, memcpy's destination */
	struct drm_svm_page_residency *residency;
	unsigned char *snap;
};

static int mig_to_vram(enum metric_id m)
{
	return m == M_TO_VRAM || m == M_TO_VRAM_MEMCPY;
}

static double gb_per_s(uint64_t t0, uint64_t t1)
{
	return (double)buf_size / (double)(t1 - t0);
}

/* What the CHECKSUM command computes, on the CPU. */
static uint64_t checksum(const void *p, unsigned long size)
{
	const uint64_t *w = p;
	uint64_t h = VSVM_CHECKSUM_SEED;
	unsigned long i;

	for (i = 0; i < size / sizeof(*w); i++)
		h = (h ^ w[i]) * VSVM_CHECKSUM_PRIME;
	return h;
}

/*
 * A fresh 2 MiB aligned buffer in 4 KiB pages, every word written with a
 * pattern of its position and of a seed new for every buffer, so that
 * stale data never passes for this buffer's; *sum gets its checksum.
 */
static char *mig_buf_create(uint64_t *sum)
{
	static uint64_t buffers;
	uint64_t seed = (now_ns() + ++buffers) * GOLDEN, h, v;
	char *buf = buf_create(buf_size, BUF_ALIGN);
	uint64_t *w = (uint64_t *)buf;
	unsigned long i;

	h = VSVM_CHECKSUM_SEED;
	for (i = 0; i < buf_size / sizeof(*w); i++) {
		v = seed + i * GOLDEN;
		w[i] = v;
		h = (h ^ v) * VSVM_CHECKSUM_PRIME;
	}
	*sum = h;
	return buf;
}

static void mig_check_sum(struct mig *c, const char *who, const char *where,
			  uint64_t got, uint64_t want)
{
	if (got != want)
		die("%s: %s, repetition %d: the data in %s is wrong (checksum %#llx, expected %#llx)",
		    metrics[c->m].name, who, c->rep + 1, where,
		    (unsigned long long)got, (unsigned long long)want);
}

/* DRM_IOCTL_VSVM_PREFETCH of the whole buffer; returns the pages moved. */
static uint64_t prefetch_flags(struct vsvm *dev, uint32_t vm_id,
			       const char *buf, uint32_t region, uint32_t flags)
{
	uint64_t moved;
	int err;

	err = svm_prefetch_flags(dev->fd, vm_id, (uintptr_t)buf, buf_size,
				 region, flags, &moved);
	if (err)
		die("%s: DRM_IOCTL_VSVM_PREFETCH of %lu MiB to %s: %s",
		    dev->node, buf_size >> 20,
		    region == DRM_SVM_REGION_DEVICE ? "VRAM" : "system memory",
		    strerror(-err));
	return moved;
}

static uint64_t prefetch(struct vsvm *dev, uint32_t vm_id, const char *buf,
			 uint32_t region)
{
	return prefetch_flags(dev, vm_id, buf, region, 0);
}

/*
 * Every page of the residency mig_check_residency() read last must be
 * mapped by @c's device (@mapped), or none.
 */
static void mig_check_mapped(struct mig *c, int mapped)
{
	unsigned long npages = buf_size / page_size, i, n = 0;

	for (i = 0; i < npages; i++)
		n += !!(c->residency[i].mapped & (1ull << c->dev.q.svm_id));
	if (n != (mapped ? npages : 0))
		die("%s: %lu of %lu pages mapped by %s after the prefetch, expected %s",
		    metrics[c->m].name, n, npages, c->dev.node,
		    mapped ? "all" : "none");
}

/*
 * Every page of the buffer must be in the VRAM of @c's device (@in_vram)
 * or in system memory, as the residency ioctl reports it.
 */
static void mig_check_residency(struct mig *c, uint32_t vm_id,
				const char *buf, int in_vram, const char *when)
{
	unsigned long npages = buf_size / page_size, i, first = npages;
	unsigned long sys = 0, vram = 0, other = 0;
	struct vsvm *dev = &c->dev;
	int err;

	err = svm_residency(dev->fd, vm_id, (uintptr_t)buf, npages,
			    c->residency, NULL);
	if (err)
		die("%s: DRM_IOCTL_VSVM_RESIDENCY: %s", dev->node,
		    strerror(-err));
	for (i = 0; i < npages; i++) {
		const struct drm_svm_page_residency *p = &c->residency[i];
		int here;

		if (p->location == DRM_SVM_RESIDENT_SYSTEM) {
			sys++;
			here = !in_vram;
		} else if (p->location == DRM_SVM_RESIDENT_DEVICE &&
			   p->device == dev->q.svm_id) {
			vram++;
			here = in_vram;
		} else {
			other++;
			here = 0;
		}
		if (!here && first == npages)
			first = i;
	}
	if (first < npages)
		die("%s: ours, repetition %d, %s: %lu of %lu pages in system memory, %lu in vsvm%u's VRAM, %lu elsewhere or absent (first misplaced: page %lu)",
		    metrics[c->m].name, c->rep + 1, when, sys, npages, vram,
		    dev->index, other, first);
}

/* Run CHECKSUM over the buffer on the GPU; returns the checksum. */
static uint64_t gpu_checksum(struct vsvm *dev, uint32_t vm_id,
			     const char *buf, uint64_t *faults)
{
	uint64_t job;

	batch[0] = VSVM_CMD_CHECKSUM;
	batch[1] = (uintptr_t)buf;
	batch[2] = buf_size;
	batch[3] = (uintptr_t)result;
	batch[4] = VSVM_CMD_END;
	*result = 0;
	job = job_submit(dev, vm_id, 5);
	job_wait(dev);
	*faults = job_done(dev, job);
	return *result;
}

/* Device memory in use on @dev, from debugfs; -1 when unavailable. */
static long long vram_used(struct vsvm *dev)
{
	unsigned long long v;
	long long ret = -1;
	char path[64], line[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/drm_svm/device%u",
		 dev->q.svm_id);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "vram_in_use %llu", &v) == 1)
			ret = v;
	fclose(f);
	return ret;
}

/*
 * Wait for the VRAM of a freed buffer to come back, so that the next
 * repetition starts with the device's memory empty. Reading vram_in_use
 * completes the frees already queued.
 */
static void vram_settle_dev(struct vsvm *dev, enum metric_id m)
{
	long long used = 0;
	int i;

	for (i = 0; i < VRAM_SETTLE_STEPS; i++) {
		used = vram_used(dev);
		if (used <= 0)
			return;
		usleep(10000);
	}
	printf("  %s: note: vsvm%u has %lld bytes of VRAM in use %d s after the last buffer was freed\n",
	       metrics[m].name, dev->index, used, VRAM_SETTLE_STEPS / 100);
}

static void vram_settle(struct mig *c)
{
	vram_settle_dev(&c->dev, c->m);
}

/* Where the CPU-fault loop's reads go, so that they are not optimised out. */
unsigned char touch_sink;

/* One repetition of ours: returns GB/s. */
static double mig_ours(struct mig *c)
{
	int to_vram = mig_to_vram(c->m);
	uint64_t t0, t1, sum, got, faults, moved = 0;
	unsigned long off, npages = buf_size / page_size;
	unsigned char touched = 0;
	struct vsvm *dev = &c->dev;
	uint32_t vm_id;
	char *buf;

	buf = mig_buf_create(&sum);
	vm_id = vm_create(dev, buf, 0);
	if (!to_vram) {
		prefetch(dev, vm_id, buf, DRM_SVM_REGION_DEVICE);
		mig_check_residency(c, vm_id, buf, 1,
				    "after the untimed prefetch to VRAM");
	}

	phases_begin();
	t0 = now_ns();
	switch (c->m) {
	case M_TO_RAM_CPUFAULT:
		/* The first read of each chunk migrates it back. */
		for (off = 0; off < buf_size; off += page_size)
			touched += buf[off];
		touch_sink = touched;
		break;
	case M_TO_RAM_EXPLICIT:
		moved = prefetch_flags(dev, vm_id, buf, DRM_SVM_REGION_SYSTEM,
				       DRM_SVM_PREFETCH_FLAG_NO_MAP);
		break;
	case M_TO_RAM_EXPLICIT_MAP:
		moved = prefetch(dev, vm_id, buf, DRM_SVM_REGION_SYSTEM);
		break;
	default:
		moved = prefetch(dev, vm_id, buf, DRM_SVM_REGION_DEVICE);
		break;
	}
	t1 = now_ns();
	phases_end(t1 - t0);

	mig_check_residency(c, vm_id, buf, to_vram, "after the timed migration");
	if (c->m == M_TO_RAM_EXPLICIT || c->m == M_TO_RAM_EXPLICIT_MAP)
		mig_check_mapped(c, c->m == M_TO_RAM_EXPLICIT_MAP);
	if (to_vram) {
		got = gpu_checksum(dev, vm_id, buf, &faults);
		mig_check_sum(c, "ours", "VRAM (GPU checksum)", got, sum);
		if (faults)
			printf("  %s: note: the GPU checksum of the prefetched buffer took %llu GPU faults\n",
			       metrics[c->m].name, (unsigned long long)faults);
	} else {
		mig_check_sum(c, "ours", "system memory",
			      checksum(buf, buf_size), sum);
	}
	if (c->m != M_TO_RAM_CPUFAULT && moved != npages)
		printf("  %s: note: the prefetch moved %llu of %lu pages\n",
		       metrics[c->m].name, (unsigned long long)moved, npages);

	vm_destroy(dev, vm_id);
	buf_destroy(buf, buf_size);
	vram_settle(c);
	return gb_per_s(t0, t1);
}

/* A dmirror command over the whole buffer; returns the pages it did. */
static uint64_t dmirror_cmd(int fd, unsigned long req, const char *name,
			    const char *buf, void *ptr)
{
	struct hmm_dmirror_cmd cmd = {
		.addr = (uintptr_t)buf,
		.ptr = (uintptr_t)ptr,
		.npages = buf_size / page_size,
	};

	if (ioctl(fd, req, &cmd))
		die("%s: %s of %lu MiB: %s", DMIRROR_NODE, name,
		    buf_size >> 20, strerror(errno));
	return cmd.cpages;
}

/* Every page, or none (!@on_dev), must be on the dmirror device. */
static void dmirror_check_snapshot(struct mig *c, int fd, const char *buf,
				   int on_dev, const char *when)
{
	unsigned long npages = buf_size / page_size, i, dev = 0;

	dmirror_cmd(fd, HMM_DMIRROR_SNAPSHOT, "HMM_DMIRROR_SNAPSHOT", buf,
		    c->snap);
	for (i = 0; i < npages; i++)
		if ((c->snap[i] & DMIRROR_PROT_KIND) ==
		    HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL)
			dev++;
	if (dev != (on_dev ? npages : 0))
		die("%s: peer, repetition %d, %s: %lu of %lu pages on the dmirror device",
		    metrics[c->m].name, c->rep + 1, when, dev, npages);
}

/* HMM_DMIRROR_MIGRATE_TO_DEV of the buffer, checked; c->dst gets a copy. */
static void dmirror_to_dev(struct mig *c, int fd, const char *buf)
{
	unsigned long npages = buf_size / page_size;
	uint64_t n;

	n = dmirror_cmd(fd, HMM_DMIRROR_MIGRATE_TO_DEV,
			"HMM_DMIRROR_MIGRATE_TO_DEV", buf, c->dst);
	if (n != npages)
		die("%s: peer, repetition %d: HMM_DMIRROR_MIGRATE_TO_DEV migrated %llu of %lu pages",
		    metrics[c->m].name, c->rep + 1, (unsigned long long)n,
		    npages);
}

/* One repetition of the peer: returns GB/s. */
static double mig_peer(struct mig *c)
{
	unsigned long npages = buf_size / page_size;
	int to_vram = mig_to_vram(c->m);
	uint64_t t0, t1, sum, n = 0;
	char *buf;
	int fd;

	buf = mig_buf_create(&sum);
	if (c->m == M_TO_VRAM_MEMCPY) {
		t0 = now_ns();
		memcpy(c->dst, buf, buf_size);
		t1 = now_ns();
		mig_check_sum(c, "peer", "the memcpy destination",
			      checksum(c->dst, buf_size), sum);
		buf_destroy(buf, buf_size);
		return gb_per_s(t0, t1);
	}

	fd = dmirror_open();
	if (!to_vram) {
		dmirror_to_dev(c, fd, buf);
		dmirror_check_snapshot(c, fd, buf, 1,
				       "after the untimed MIGRATE_TO_DEV");
	}

	t0 = now_ns();
	if (to_vram)
		dmirror_to_dev(c, fd, buf);
	else
		n = dmirror_cmd(fd, HMM_DMIRROR_MIGRATE_TO_SYS,
				"HMM_DMIRROR_MIGRATE_TO_SYS", buf, NULL);
	t1 = now_ns();

	if (!to_vram && n != npages)
		die("%s: peer, repetition %d: HMM_DMIRROR_MIGRATE_TO_SYS migrated %llu of %lu pages",
		    metrics[c->m].name, c->rep + 1, (unsigned long long)n,
		    npages);
	dmirror_check_snapshot(c, fd, buf, to_vram,
			       "after the timed migration");
	if (to_vram)
		mig_check_sum(c, "peer", "the dmirror device (as read back)",
			      checksum(c->dst, buf_size), sum);
	else
		mig_check_sum(c, "peer", "system memory",
			      checksum(buf, buf_size), sum);

	buf_destroy(buf, buf_size);
	close(fd);
	return gb_per_s(t0, t1);
}

static void run_migrate(enum metric_id m, struct result *res)
{
	unsigned long npages = buf_size / page_size;
	struct mig c = { .m = m };

	vsvm_open(&c.dev, 0);
	if (c.dev.q.vram_size < buf_size)
		die("%s: vsvm0 has %llu MiB of VRAM, %lu are needed (modprobe vsvm vram_mb=...)",
		    metrics[m].name,
		    (unsigned long long)c.dev.q.vram_size >> 20,
		    buf_size >> 20);
	if (m == M_TO_RAM_CPUFAULT &&
	    c.dev.q.coherent)
		die("%s: vsvm0's VRAM is not device-private: CPU accesses would not migrate",
		    metrics[m].name);
	c.dst = buf_create(buf_size, BUF_ALIGN);
	c.residency = calloc(npages, sizeof(*c.residency));
	c.snap = malloc(npages);
	if (!c.residency || !c.snap)
		die("out of memory");

	for (c.rep = 0; c.rep < reps; c.rep++) {
		int i = c.rep;

		/* Alternate which side goes first, against positional bias. */
		if (i % 2)
			res->peer[i] = mig_peer(&c);
		res->ours[i] = mig_ours(&c);
		if (!(i % 2))
			res->peer[i] = mig_peer(&c);
		printf("  %-26s rep %d: ours %7.3f GB/s  peer %7.3f GB/s%s\n",
		       metrics[m].name, i + 1, res->ours[i], res->peer[i],
		       i % 2 ? " (peer first)" : "");
	}

	free(c.snap);
	free(c.residency);
	buf_destroy(c.dst, buf_size);
	vsvm_close(&c.dev);
}

/* ---- between devices -------------------------------------------------- */

/* How device @to's memory is reached from device @from: a PEER link? */
static int topology_peer(struct vsvm *dev, uint32_t from, uint32_t to)
{
	struct drm_svm_topology_link links[DRM_SVM_MAX_DEVICES *
					   (DRM_SVM_MAX_DEVICES - 1)];
	uint32_t i, num_devices = 0, num_links = ARRAY_SIZE(links);
	int err;

	err = svm_topology(dev->fd, NULL, &num_devices, links, &num_links);
	if (err && err != -ENOSPC)
		die("%s: DRM_IOCTL_VSVM_TOPOLOGY: %s", dev->node,
		    strerror(-err));
	for (i = 0; i < num_links && i < ARRAY_SIZE(links); i++)
		if (links[i].from == from && links[i].to == to)
			return !!(links[i].flags & DRM_SVM_LINK_PEER);
	return 0;
}

/*
 * The devices of the d2d metrics: vsvm0 holds the data, *@linked reaches
 * its memory over a link, *@unlinked does not.
 */
static void d2d_devices(enum metric_id m, struct vsvm *src,
			struct vsvm *linked, struct vsvm *unlinked)
{
	unsigned int i;
	int have_linked = 0, have_unlinked = 0;

	vsvm_open(src, 0);
	for (i = 1; i < num_vsvm_nodes; i++) {
		int peer = topology_peer(src, vsvm_query[i].svm_id,
					 src->q.svm_id);

		if (peer && !have_linked) {
			vsvm_open(linked, i);
			have_linked = 1;
		} else if (!peer && !have_unlinked) {
			vsvm_open(unlinked, i);
			have_unlinked = 1;
		}
	}
	if (!have_linked || !have_unlinked)
		die("%s: needs a device linked to vsvm0 and one that is not (modprobe vsvm num_devices=3 links=0-1:fabric)",
		    metrics[m].name);
	for (i = 0; i < 3; i++) {
		struct vsvm *d = i == 0 ? src : i == 1 ? linked : unlinked;

		if (d->q.vram_size < buf_size)
			die("%s: vsvm%u has %llu MiB of VRAM, %lu are needed (modprobe vsvm vram_mb=...)",
			    metrics[m].name, d->index,
			    (unsigned long long)d->q.vram_size >> 20,
			    buf_size >> 20);
	}
}

/* A fresh buffer, moved into vsvm0's VRAM (untimed) and checked there. */
static char *d2d_buf(struct mig *src, uint32_t *vm_src, uint64_t *sum)
{
	char *buf = mig_buf_create(sum);

	*vm_src = vm_create(&src->dev, buf, 0);
	prefetch(&src->dev, *vm_src, buf, DRM_SVM_REGION_DEVICE);
	mig_check_residency(src, *vm_src, buf, 1,
			    "after the untimed prefetch to vsvm0");
	return buf;
}

/*
 * One repetition of d2d-direct-vs-bounce on destination @dst: returns
 * GB/s of the prefetch from vsvm0's VRAM into @dst's.
 */
static double d2d_move(struct mig *src, struct mig *dst, const char *who,
		       int ours)
{
	uint64_t t0, t1, sum, got, faults, moved;
	uint32_t vm_src, vm_dst;
	char *buf;

	buf = d2d_buf(src, &vm_src, &sum);
	vm_dst = vm_create(&dst->dev, buf, 0);

	if (ours)
		phases_begin();
	t0 = now_ns();
	moved = prefetch(&dst->dev, vm_dst, buf, DRM_SVM_REGION_DEVICE);
	t1 = now_ns();
	if (ours)
		phases_end(t1 - t0);

	mig_check_residency(dst, vm_dst, buf, 1, "after the timed move");
	got = gpu_checksum(&dst->dev, vm_dst, buf, &faults);
	mig_check_sum(dst, who, "the destination's VRAM (GPU checksum)", got,
		      sum);
	if (moved != buf_size / page_size)
		printf("  %s: note: the prefetch moved %llu of %lu pages\n",
		       metrics[dst->m].name, (unsigned long long)moved,
		       buf_size / page_size);

	vm_destroy(&dst->dev, vm_dst);
	vm_destroy(&src->dev, vm_src);
	buf_destroy(buf, buf_size);
	vram_settle(src);
	vram_settle(dst);
	return gb_per_s(t0, t1);
}

/*
 * One repetition of remote-vs-migrate(-devtime): a CHECKSUM job on @dst
 * over the buffer in vsvm0's VRAM, bound with @flags; returns its wall
 * time, or its modelled device time, in ms.
 */
static double d2d_job(struct mig *src, struct mig *dst, uint32_t flags)
{
	uint64_t t0, t1, sum, got, faults, devtime;
	uint32_t vm_src, vm_dst;
	char *buf;

	buf = d2d_buf(src, &vm_src, &sum);
	vm_dst = vm_create(&dst->dev, buf, flags);

	/* Ours is the remote mapping, the NO_MIGRATE binding. */
	if (flags)
		phases_begin();
	t0 = now_ns();
	got = gpu_checksum(&dst->dev, vm_dst, buf, &faults);
	t1 = now_ns();
	if (flags)
		phases_end(t1 - t0);

	mig_check_sum(dst, flags ? "remote" : "migrate", "the buffer", got,
		      sum);
	devtime = last_device_time_ns;
	/* Remote: still in vsvm0's VRAM; migrated: in the linked device's. */
	mig_check_residency(flags ? src : dst, flags ? vm_src : vm_dst, buf, 1,
			    "after the timed job");

	vm_destroy(&dst->dev, vm_dst);
	vm_destroy(&src->dev, vm_src);
	buf_destroy(buf, buf_size);
	vram_settle(src);
	vram_settle(dst);
	if (dst->m == M_REMOTE_DEVTIME)
		return (double)devtime / 1e6;
	return (double)(t1 - t0) / 1e6;
}

static void run_d2d(enum metric_id m, struct result *res)
{
	unsigned long npages = buf_size / page_size;
	struct mig src = { .m = m }, linked = { .m = m },
		   unlinked = { .m = m };
	struct drm_svm_page_residency *residency;
	int i;

	d2d_devices(m, &src.dev, &linked.dev, &unlinked.dev);
	residency = calloc(npages, sizeof(*residency));
	if (!residency)
		die("out of memory");
	src.residency = residency;
	linked.residency = residency;
	unlinked.residency = residency;

	for (i = 0; i < reps; i++) {
		src.rep = i;
		linked.rep = i;
		unlinked.rep = i;
		/* Alternate which side goes first, against positional bias. */
		if (i % 2)
			res->peer[i] = m == M_D2D ?
				       d2d_move(&src, &unlinked, "bounce", 0) :
				       d2d_job(&src, &linked, 0);
		res->ours[i] = m == M_D2D ? d2d_move(&src, &linked, "direct", 1) :
			       d2d_job(&src, &linked,
				       DRM_SVM_BIND_FLAG_NO_MIGRATE);
		if (!(i % 2))
			res->peer[i] = m == M_D2D ?
				       d2d_move(&src, &unlinked, "bounce", 0) :
				       d2d_job(&src, &linked, 0);
		printf("  %-26s rep %d: ours %9.3f %s  peer %9.3f %s%s\n",
		       metrics[m].name, i + 1, res->ours[i], metrics[m].unit,
		       res->peer[i], metrics[m].unit,
		       i % 2 ? " (peer first)" : "");
	}

	free(residency);
	vsvm_close(&unlinked.dev);
	vsvm_close(&linked.dev);
	vsvm_close(&src.dev);
}

/* ---- migration policy ------------------------------------------------- */

#define POLICY_DEBUGFS	"/sys/kernel/debug/drm_svm/policy"
/* Timed rounds of a ping-pong run, and of policy-metadata's */
#define PP_ROUNDS	64
#define PP_META_ROUNDS	32
/* The ping-pong buffer: one 2 MiB block of the policy */
#define PP_SIZE		THP_SIZE
/* The streaming workload: passes over the buffer, one job per 1 MiB */
#define STREAM_SIZE	(32UL << 20)
#define STREAM_JOB	(STREAM_SIZE / 32)
#define STREAM_PASSES	2
#define STREAM_JOBS	(STREAM_PASSES * STREAM_SIZE / STREAM_JOB)
#define FILL_WORDS	5	/* [FILL, addr, len, pattern, END] */

/* migration_policy: 1 on, 0 off; -1 when drm_svm has no such parameter. */
static int policy_get(void)
{
	char v[16];
	int err;

	err = param_read(P_MIGRATION_POLICY, v, sizeof(v));
	if (err == -ENOENT)
		return -1;
	if (err)
		die("read %s: %s", params[P_MIGRATION_POLICY].path, strerror(-err));
	switch (v[0]) {
	case 'Y': case 'y': case '1':
		return 1;
	case 'N': case 'n': case '0':
		return 0;
	}
	die("%s reads '%s', expected Y or N", params[P_MIGRATION_POLICY].path, v);
}

/* Switch the policy on or off for the next run; checked by reading it. */
static void policy_set(int on)
{
	param_set(P_MIGRATION_POLICY, on ? "Y" : "N");
}

/* Whether the policy metric @m can run here; skipped (and failed) if not. */
static int policy_start(enum metric_id m, struct result *res)
{
	int was = policy_get();

	if (was < 0) {
		res->skipped = "drm_svm has no migration_policy parameter";
		printf("  %s: skipped: %s (%s)\n", metrics[m].name,
		       res->skipped, params[P_MIGRATION_POLICY].path);
		return 0;
	}
	printf("  %s: migration_policy is %c before the metric\n",
	       metrics[m].name, was ? 'Y' : 'N');
	return 1;
}

/*
 * Key @key (without its colon) of the fdinfo of @fd, in bytes for a figure
 * in KiB; -1 when the file has no such key.
 */
static long long fdinfo_value(int fd, const char *key)
{
	size_t len = strlen(key);
	char path[64], line[256], unit[16];
	long long v, ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		die("open %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, len) || line[len] != ':')
			continue;
		unit[0] = 0;
		if (sscanf(line + len + 1, "%lld %15s", &v, unit) < 1)
			continue;
		ret = strcmp(unit, "KiB") ? v : v << 10;
	}
	fclose(f);
	return ret;
}

/* Counters of the devices' debugfs statistics */
enum {
	DS_TO_VRAM,
	DS_TO_RAM,
	DS_THRASH,
	DS_THROTTLES,
	DS_PINS,
	DS_PROBES,
	DS_REMOTE,
	DS_CACHE,
	DS_WAITS,
	NR_DS,
};

static const struct {
	const char *key;
	const char *label;
} devstat_keys[NR_DS] = {
	[DS_TO_VRAM]	= { "pages_to_vram", "to-vram" },
	[DS_TO_RAM]	= { "pages_to_ram", "to-ram" },
	[DS_THRASH]	= { "policy_thrash", "thrash" },
	[DS_THROTTLES]	= { "policy_throttles", "throttles" },
	[DS_PINS]	= { "policy_pins", "pins" },
	[DS_PROBES]	= { "policy_probes", "probes" },
	[DS_REMOTE]	= { "policy_remote_faults", "remote" },
	[DS_CACHE]	= { "policy_cache_hits", "cache-hits" },
	[DS_WAITS]	= { "policy_waits", "waits" },
};

struct devstat {
	long long v[NR_DS];	/* summed over the devices; -1: none has it */
};

/* Read the counters of every vsvm device and sum them. */
static void devstat_read(struct devstat *s)
{
	char path[64], line[128], key[64];
	unsigned int i;
	long long v;
	int k;

	for (k = 0; k < NR_DS; k++)
		s->v[k] = -1;
	for (i = 0; i < num_vsvm_nodes; i++) {
		FILE *f;

		if (!vsvm_nodes[i][0])
			continue;
		snprintf(path, sizeof(path),
			 "/sys/kernel/debug/drm_svm/device%u",
			 vsvm_query[i].svm_id);
		f = fopen(path, "r");
		if (!f)
			die("open %s: %s (is debugfs mounted?)", path,
			    strerror(errno));
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%63s %lld", key, &v) != 2)
				continue;
			for (k = 0; k < NR_DS; k++)
				if (!strcmp(key, devstat_keys[k].key))
					s->v[k] = (s->v[k] < 0 ? 0 : s->v[k]) +
						  v;
		}
		fclose(f);
	}
	if (s->v[DS_TO_VRAM] < 0 || s->v[DS_TO_RAM] < 0)
		die("/sys/kernel/debug/drm_svm/device*: no pages_to_vram or pages_to_ram");
}

/* How much counter @k grew from @a to @b; -1 when it is not there. */
static long long devstat_delta(const struct devstat *a,
			       const struct devstat *b, int k)
{
	if (a->v[k] < 0 || b->v[k] < 0)
		return -1;
	return b->v[k] - a->v[k];
}

/* MiB migrated between @a and @b, either way, on every device. */
static double devstat_moved_mib(const struct devstat *a,
				const struct devstat *b)
{
	long long pages = devstat_delta(a, b, DS_TO_VRAM) +
			  devstat_delta(a, b, DS_TO_RAM);

	return (double)pages * page_size / (1 << 20);
}

/* " (thrash N throttles N ...)": the policy counters that grew, if any. */
static void devstat_policy_str(const struct devstat *a,
			       const struct devstat *b, char *s, size_t n)
{
	size_t len = 0;
	int k;

	s[0] = 0;
	for (k = DS_THRASH; k < NR_DS; k++) {
		long long d = devstat_delta(a, b, k);

		if (d < 0 || len >= n)
			continue;
		len += snprintf(s + len, n - len, "%s%s %lld",
				len ? " " : " (", devstat_keys[k].label, d);
	}
	if (len && len < n)
		snprintf(s + len, n - len, ")");
}

/* A seed new for every buffer, as in mig_buf_create(). */
static uint64_t new_seed(void)
{
	static uint64_t buffers;

	return (now_ns() + ++buffers) * GOLDEN;
}

/* ---- ping-pong ------------------------------------------------------ */

/* What one ping-pong run measured */
struct pp_run {
	double mib;		/* migrated by the timed rounds */
	double wall_ms;		/* the timed rounds */
	double dev_ms;		/* modelled device time of their jobs */
	long long pins;		/* policy_pins grew by; -1 unknown */
	long long blocks;	/* fdinfo vsvm-policy-blocks after the rounds */
	long long bytes;	/* fdinfo vsvm-policy-bytes after the rounds */
	long long tracked;	/* drm_svm/policy/blocks after the rounds */
};

/*
 * The words of round @r: it stores its value at the first word of page
 * @r of the block and copies the value round @r - 1 stored to the second.
 */
static uint64_t pp_value(uint64_t seed, unsigned int r)
{
	return seed ^ ((uint64_t)(r + 1) * GOLDEN);
}

static uint64_t *pp_store_word(uint64_t *w, unsigned int r)
{
	return w + r * (page_size / sizeof(*w));
}

/* Round @r on a device: one small write job; returns its device time. */
static uint64_t pp_gpu_round(struct vsvm *dev, uint32_t vm_id, uint64_t *w,
			     unsigned int r, uint64_t seed)
{
	unsigned int n = 0;
	uint64_t job;

	if (r) {
		batch[n++] = VSVM_CMD_COPY;
		batch[n++] = (uintptr_t)(pp_store_word(w, r) + 1);
		batch[n++] = (uintptr_t)pp_store_word(w, r - 1);
		batch[n++] = sizeof(*w);
	}
	batch[n++] = VSVM_CMD_STORE;
	batch[n++] = (uintptr_t)pp_store_word(w, r);
	batch[n++] = pp_value(seed, r);
	batch[n++] = VSVM_CMD_END;
	job = job_submit(dev, vm_id, n);
	job_wait(dev);
	job_done(dev, job);
	return last_device_time_ns;
}

/*
 * Round @r on the CPU: the same copy and store. Plain accesses do: the
 * block escaped into the batch, so the compiler keeps them between the
 * ioctls of the device's rounds.
 */
static void pp_cpu_round(uint64_t *w, unsigned int r, uint64_t seed)
{
	uint64_t *dst = pp_store_word(w, r);

	dst[1] = *pp_store_word(w, r - 1);
	dst[0] = pp_value(seed, r);
}

/* Every word of the block must hold what rounds 0..@rounds left there. */
static void pp_check(enum metric_id m, int rep, int on, const uint64_t *w,
		     unsigned int rounds, uint64_t seed)
{
	unsigned long nwords = PP_SIZE / sizeof(*w), wpp = page_size / sizeof(*w);
	unsigned long i, bad = 0, first = 0;
	uint64_t want, got = 0, first_want = 0;

	for (i = 0; i < nwords; i++) {
		unsigned long r = i / wpp;

		want = seed + i * GOLDEN;
		if (i % wpp == 0 && r <= rounds)
			want = pp_value(seed, r);
		else if (i % wpp == 1 && r >= 1 && r <= rounds)
			want = pp_value(seed, r - 1);
		if (w[i] != want && !bad++) {
			first = i;
			got = w[i];
			first_want = want;
		}
	}
	if (bad)
		die("%s: policy %s, repetition %d: %lu of %lu words of the block are wrong after %u rounds; the first, word %lu (page %lu), is %#llx, expected %#llx",
		    metrics[m].name, on ? "on" : "off", rep + 1, bad, nwords,
		    rounds, first, first / wpp, (unsigned long long)got,
		    (unsigned long long)first_want);
}

/*
 * One ping-pong run on a fresh 2 MiB block with the policy @on: @a writes
 * it once (untimed: that places it), then @b, or the CPU when @b is NULL,
 * and @a take turns for @rounds rounds, timed and counted. With @fdinfo,
 * the policy's fdinfo keys are read right after the last round.
 */
static void pingpong_run(enum metric_id m, int rep, int on, struct vsvm *a,
			 struct vsvm *b, unsigned int rounds, int fdinfo,
			 struct pp_run *out)
{
	uint64_t seed = new_seed(), t0, t1, devtime = 0;
	unsigned long nwords = PP_SIZE / sizeof(uint64_t), i;
	long long at_start = -1;
	struct devstat s0, s1;
	uint32_t vm_a, vm_b = 0;
	char counters[160];
	unsigned int r;
	uint64_t *w;
	char *buf;

	if ((rounds + 1) * (unsigned long)page_size > PP_SIZE)
		die("%s: %u rounds do not fit in a block", metrics[m].name,
		    rounds);
	policy_set(on);
	buf = buf_create(PP_SIZE, BUF_ALIGN);
	w = (uint64_t *)buf;
	for (i = 0; i < nwords; i++)
		w[i] = seed + i * GOLDEN;
	vm_a = vm_create_size(a, buf, PP_SIZE, 0);
	if (b)
		vm_b = vm_create_size(b, buf, PP_SIZE, 0);
	if (on)
		at_start = fdinfo_value(a->fd, "vsvm-policy-blocks");

	pp_gpu_round(a, vm_a, w, 0, seed);
	devstat_read(&s0);
	t0 = now_ns();
	for (r = 1; r <= rounds; r++) {
		if (!(r % 2))
			devtime += pp_gpu_round(a, vm_a, w, r, seed);
		else if (b)
			devtime += pp_gpu_round(b, vm_b, w, r, seed);
		else
			pp_cpu_round(w, r, seed);
	}
	t1 = now_ns();
	out->blocks = -1;
	out->bytes = -1;
	out->tracked = -1;
	if (fdinfo) {
		out->blocks = fdinfo_value(a->fd, "vsvm-policy-blocks");
		out->bytes = fdinfo_value(a->fd, "vsvm-policy-bytes");
		out->tracked = read_number(POLICY_DEBUGFS "/blocks");
	}
	devstat_read(&s1);

	out->mib = devstat_moved_mib(&s0, &s1);
	out->wall_ms = (double)(t1 - t0) / 1e6;
	out->dev_ms = (double)devtime / 1e6;
	out->pins = devstat_delta(&s0, &s1, DS_PINS);
	devstat_policy_str(&s0, &s1, counters, sizeof(counters));
	printf("  %-26s rep %d %-3s: %7.1f MiB migrated %9.1f ms  device %9.3f ms%s\n",
	       metrics[m].name, rep + 1, on ? "on" : "off", out->mib,
	       out->wall_ms, out->dev_ms, counters);
	if (at_start > 0)
		printf("  %s: note: the process had %lld tracked blocks before the run's first write\n",
		       metrics[m].name, at_start);

	/* Outside the timed region: the CPU reads the block back. */
	pp_check(m, rep, on, w, rounds, seed);
	if (b)
		vm_destroy(b, vm_b);
	vm_destroy(a, vm_a);
	buf_destroy(buf, PP_SIZE);
	vram_settle_dev(a, m);
	if (b)
		vram_settle_dev(b, m);
}

/* Indices of two vsvm devices linked to each other (PEER both ways). */
static void pp_find_pair(enum metric_id m, unsigned int *ia,
			 unsigned int *ib)
{
	unsigned int i, j;
	struct vsvm any;

	vsvm_open(&any, 0);
	for (i = 0; i < num_vsvm_nodes; i++) {
		for (j = i + 1; j < num_vsvm_nodes; j++) {
			uint32_t di = vsvm_query[i].svm_id,
				 dj = vsvm_query[j].svm_id;

			if (!vsvm_nodes[i][0] || !vsvm_nodes[j][0])
				continue;
			if (topology_peer(&any, di, dj) &&
			    topology_peer(&any, dj, di)) {
				*ia = i;
				*ib = j;
				vsvm_close(&any);
				return;
			}
		}
	}
	die("%s: needs two vsvm devices linked to each other (modprobe vsvm num_devices=2 links=0-1:fabric)",
	    metrics[m].name);
}

static void run_pingpong(enum metric_id m, struct result *res)
{
	int gpu = m == M_PP_GPU, wall, dev, i;
	struct vsvm a, b;
	unsigned int ia = 0, ib = 0;

	wall = result_add(res, &fig_pp_wall);
	dev = result_add(res, &fig_pp_devtime);
	if (!policy_start(m, res))
		return;
	if (gpu)
		pp_find_pair(m, &ia, &ib);
	vsvm_open(&a, ia);
	if (gpu)
		vsvm_open(&b, ib);
	if (gpu)
		printf("  %s: vsvm%u (%s) and vsvm%u (%s), linked; %d rounds a run after one that places the block\n",
		       metrics[m].name, a.index, a.node, b.index, b.node,
		       PP_ROUNDS);
	else
		printf("  %s: vsvm%u (%s, %s VRAM) and the CPU; %d rounds a run after one that places the block\n",
		       metrics[m].name, a.index, a.node,
		       a.q.coherent ? "coherent" : "private", PP_ROUNDS);

	for (i = 0; i < reps; i++) {
		struct pp_run on, off;

		/* Alternate which side goes first, against positional bias. */
		if (i % 2)
			pingpong_run(m, i, 0, &a, gpu ? &b : NULL, PP_ROUNDS,
				     0, &off);
		pingpong_run(m, i, 1, &a, gpu ? &b : NULL, PP_ROUNDS, 0, &on);
		if (!(i % 2))
			pingpong_run(m, i, 0, &a, gpu ? &b : NULL, PP_ROUNDS,
				     0, &off);
		res->ours[i] = on.mib;
		res->peer[i] = off.mib;
		res->extra_ours[wall][i] = on.wall_ms;
		res->extra_peer[wall][i] = off.wall_ms;
		res->extra_ours[dev][i] = on.dev_ms;
		res->extra_peer[dev][i] = off.dev_ms;
		if (!on.pins)
			printf("  %s: note: no block was pinned in repetition %d\n",
			       metrics[m].name, i + 1);
	}

	params_restore();
	if (gpu)
		vsvm_close(&b);
	vsvm_close(&a);
}

/* ---- streaming ------------------------------------------------------ */

/* What one streaming run measured */
struct stream_run {
	double wall_ms;
	double mib;		/* migrated, either way */
	long long blocks;	/* fdinfo vsvm-policy-blocks at the end */
	long long bytes;	/* fdinfo vsvm-policy-bytes at the end */
};

/*
 * One streaming run with the policy @on: @dev fills a fresh 32 MiB buffer
 * STREAM_PASSES times over with jobs of 1 MiB, all queued at once, each
 * pass with a pattern of its own; then the CPU reads a word of every
 * page, which brings device-private VRAM back. Timed from the first
 * submission to the CPU's last read; the data is checked after that.
 */
static void stream_run(enum metric_id m, int rep, int on, struct vsvm *dev,
		       struct stream_run *out)
{
	unsigned long per_pass = STREAM_SIZE / STREAM_JOB, off, i, bad = 0;
	unsigned long first = 0;
	uint64_t seed = new_seed(), jobs[STREAM_JOBS], t0, t1;
	uint32_t pattern = 0, vm_id, *words;
	unsigned char touched = 0;
	struct devstat s0, s1;
	char counters[160];
	unsigned int j;
	char *buf;

	if (STREAM_JOBS * FILL_WORDS * sizeof(uint64_t) > (size_t)page_size)
		die("%s: %lu jobs do not fit in the batch page",
		    metrics[m].name, (unsigned long)STREAM_JOBS);
	policy_set(on);
	buf = buf_create(STREAM_SIZE, BUF_ALIGN);
	vm_id = vm_create_size(dev, buf, STREAM_SIZE, 0);
	devstat_read(&s0);

	t0 = now_ns();
	for (j = 0; j < STREAM_JOBS; j++) {
		uint64_t *cmd = batch + j * FILL_WORDS;

		pattern = (uint32_t)((seed >> 32) ^ (j / per_pass + 1) *
				     0x9e3779b9u);
		cmd[0] = VSVM_CMD_FILL;
		cmd[1] = (uintptr_t)buf + (j % per_pass) * STREAM_JOB;
		cmd[2] = STREAM_JOB;
		cmd[3] = pattern;
		cmd[4] = VSVM_CMD_END;
		jobs[j] = job_submit_at(dev, vm_id, cmd, FILL_WORDS);
	}
	/* Jobs of a device run in order: the last one's user fence will do. */
	job_wait(dev);
	for (off = 0; off < STREAM_SIZE; off += page_size)
		touched += buf[off];
	touch_sink = touched;
	t1 = now_ns();

	devstat_read(&s1);
	for (j = 0; j < STREAM_JOBS; j++)
		job_done(dev, jobs[j]);
	words = (uint32_t *)buf;
	for (i = 0; i < STREAM_SIZE / sizeof(*words); i++)
		if (words[i] != pattern && !bad++)
			first = i;
	if (bad)
		die("%s: policy %s, repetition %d: %lu of %lu words are wrong after the last pass; the first, at byte %lu, is %#x, expected %#x",
		    metrics[m].name, on ? "on" : "off", rep + 1, bad,
		    STREAM_SIZE / sizeof(*words), first * sizeof(*words),
		    words[first], pattern);
	out->blocks = fdinfo_value(dev->fd, "vsvm-policy-blocks");
	out->bytes = fdinfo_value(dev->fd, "vsvm-policy-bytes");
	out->wall_ms = (double)(t1 - t0) / 1e6;
	out->mib = devstat_moved_mib(&s0, &s1);
	devstat_policy_str(&s0, &s1, counters, sizeof(counters));
	printf("  %-26s rep %d %-3s: %9.1f ms  %7.1f MiB migrated%s\n",
	       metrics[m].name, rep + 1, on ? "on" : "off", out->wall_ms,
	       out->mib, counters);

	vm_destroy(dev, vm_id);
	buf_destroy(buf, STREAM_SIZE);
	vram_settle_dev(dev, m);
}

static void run_streaming(struct result *res)
{
	enum metric_id m = M_STREAMING;
	struct vsvm dev;
	int i;

	if (!policy_start(m, res))
		return;
	vsvm_open(&dev, 0);
	if (dev.q.vram_size < STREAM_SIZE)
		die("%s: vsvm0 has %llu MiB of VRAM, %lu are needed (modprobe vsvm vram_mb=...)",
		    metrics[m].name, (unsigned long long)dev.q.vram_size >> 20,
		    STREAM_SIZE >> 20);

	for (i = 0; i < reps; i++) {
		struct stream_run on, off;

		/* Alternate which side goes first, against positional bias. */
		if (i % 2)
			stream_run(m, i, 0, &dev, &off);
		stream_run(m, i, 1, &dev, &on);
		if (!(i % 2))
			stream_run(m, i, 0, &dev, &off);
		res->ours[i] = on.wall_ms;
		res->peer[i] = off.wall_ms;
	}

	params_restore();
	vsvm_close(&dev);
}

/* ---- policy metadata ------------------------------------------------ */

/* What the child of policy-metadata runs, and with which devices. */
static unsigned int meta_a, meta_b;
static int meta_rep;

/*
 * Run @fn in a child process, a fresh mm of its own; it leaves @n figures
 * in @out, which the parent shares. A failed child fails the bench.
 */
static void run_child(const char *what, void (*fn)(long long *out),
		      long long *out, int n)
{
	int status, k;
	pid_t pid;

	for (k = 0; k < n; k++)
		out[k] = -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		/*
		 * Write the batch and result pages now, so that the child
		 * has its own copies before its VMs map them.
		 */
		batch[0] = VSVM_CMD_END;
		result[0] = 0;
		fn(out);
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die("%s: the %s process failed (wait status %#x)",
		    metrics[M_POLICY_META].name, what, status);
}

/* In a child: a ping-pong between the linked pair, policy on. */
static void meta_pingpong_child(long long *out)
{
	struct vsvm a, b;
	struct pp_run r;

	vsvm_open(&a, meta_a);
	vsvm_open(&b, meta_b);
	pingpong_run(M_POLICY_META, meta_rep, 1, &a, &b, PP_META_ROUNDS, 1,
		     &r);
	out[0] = r.blocks;
	out[1] = r.bytes;
	out[2] = r.pins;
	out[3] = r.tracked;
	vsvm_close(&b);
	vsvm_close(&a);
}

/* In a child: the streaming workload on vsvm0, policy on. */
static void meta_stream_child(long long *out)
{
	struct stream_run s;
	struct vsvm dev;

	vsvm_open(&dev, 0);
	stream_run(M_POLICY_META, meta_rep, 1, &dev, &s);
	out[0] = s.blocks;
	out[1] = s.bytes;
	vsvm_close(&dev);
}

static void run_policy_metadata(struct result *res)
{
	enum metric_id m = M_POLICY_META;
	int dbg, str, i;
	long long *out;

	dbg = result_add(res, &fig_meta_debugfs);
	str = result_add(res, &fig_meta_streaming);
	if (!policy_start(m, res))
		return;
	pp_find_pair(m, &meta_a, &meta_b);
	if (vsvm_query[0].vram_size < STREAM_SIZE)
		die("%s: vsvm0 has %llu MiB of VRAM, %lu are needed (modprobe vsvm vram_mb=...)",
		    metrics[m].name,
		    (unsigned long long)vsvm_query[0].vram_size >> 20,
		    STREAM_SIZE >> 20);
	out = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (out == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	/* Set in the parent: restored by it, whatever the children do. */
	policy_set(1);

	for (i = 0; i < reps; i++) {
		long long block_bytes, blocks, bytes;

		meta_rep = i;
		/* A process with a ping-pong block, pinned by now. */
		run_child("ping-pong", meta_pingpong_child, out, 4);
		blocks = out[0];
		bytes = out[1];
		res->ours[i] = blocks > 0 && bytes >= 0 ?
			       (double)bytes / blocks : NAN;
		block_bytes = read_number(POLICY_DEBUGFS "/block_bytes");
		res->extra_ours[dbg][i] = block_bytes >= 0 ?
					  (double)block_bytes : NAN;
		printf("  %-26s rep %d: ping-pong process: vsvm-policy-blocks %lld vsvm-policy-bytes %lld (%lld pins; %lld blocks tracked in all); block_bytes %lld\n",
		       metrics[m].name, i + 1, blocks, bytes, out[2], out[3],
		       block_bytes);
		if (blocks <= 0)
			printf("  %s: note: the ping-pong process had no tracked block (fdinfo %s)\n",
			       metrics[m].name, blocks < 0 ?
			       "has no vsvm-policy-blocks" : "says 0");

		/* A process that only streams on one device. */
		run_child("streaming", meta_stream_child, out, 2);
		res->extra_ours[str][i] = out[1] >= 0 ? (double)out[1] : NAN;
		printf("  %-26s rep %d: streaming process: vsvm-policy-blocks %lld vsvm-policy-bytes %lld\n",
		       metrics[m].name, i + 1, out[0], out[1]);
	}

	params_restore();
	if (munmap(out, page_size))
		die("munmap: %s", strerror(errno));
}

/* ---- main ------------------------------------------------------------- */

/* A figure strays when its spread passes ±NOISY of its median. */
#define NOISY		0.3
/* Runs of a metric whose figure is noisy, at most */
#define NOISY_TRIES	3

/* Whether @v's repetitions stray more than NOISY from their median. */
static int spread_noisy(const double *v)
{
	double med, lo, hi;

	stats(v, reps, &med, &lo, &hi);
	if (isnan(med) || med <= 0)
		return 0;
	return lo < med * (1 - NOISY) || hi > med * (1 + NOISY);
}

static int fig_noisy(const struct fig *f, const double *ours,
		     const double *peer)
{
	return spread_noisy(ours) || (f->kind != FIG_VALUE &&
				      spread_noisy(peer));
}

/* Forget a run of a metric, for another one. */
static void result_reset(struct result *res)
{
	int k;

	for (k = 0; k < res->nextra; k++) {
		free(res->extra_ours[k]);
		free(res->extra_peer[k]);
	}
	res->nextra = 0;
	memset(res->ours, 0, reps * sizeof(double));
	memset(res->peer, 0, reps * sizeof(double));
}

static void run_metric(enum metric_id m, struct result *res)
{
	if (m == M_MUNMAP_2DEV)
		run_munmap_2dev(res);
	else if (m == M_MUNMAP_4DEV)
		run_munmap_4dev(res);
	else if (m == M_FAULT_1M)
		run_fault_1m(res);
	else if (m == M_META_PAGE)
		run_metadata_page(res);
	else if (m == M_FAULT_STORM)
		run_fault_storm(res);
	else if (m == M_PAR_FAULTS)
		run_par_faults(res);
	else if (m == M_D2D || m == M_REMOTE || m == M_REMOTE_DEVTIME)
		run_d2d(m, res);
	else if (m == M_PP_GPU || m == M_PP_CPU)
		run_pingpong(m, res);
	else if (m == M_STREAMING)
		run_streaming(res);
	else if (m == M_POLICY_META)
		run_policy_metadata(res);
	else if (m >= M_TO_VRAM)
		run_migrate(m, res);
	else
		run_fault_in(m, res);
}

/*
 * Run metric @m, again while its figure is noisy, NOISY_TRIES times at
 * most; the last run is kept. Each run prints the phase breakdown of its
 * timed regions.
 */
static void run_tries(enum metric_id m, struct result *res)
{
	const struct fig *f = &metrics[m];
	int ours, peer;

	for (res->tries = 1; ; res->tries++) {
		phases_reset();
		run_metric(m, res);
		phases_print(f->name);
		if (res->skipped || res->tries == NOISY_TRIES ||
		    !fig_noisy(f, res->ours, res->peer))
			break;
		ours = spread_noisy(res->ours);
		peer = f->kind != FIG_VALUE && spread_noisy(res->peer);
		printf("  %s: run %d is noisy (%s): running it again\n",
		       f->name, res->tries,
		       ours && peer ? "ours and peer" : ours ? "ours" : "peer");
		result_reset(res);
	}
}

/* A figure, "n/a" when it is none. */
static void fmt_num(char *s, size_t n, double v, int prec)
{
	if (isnan(v))
		snprintf(s, n, "n/a");
	else
		snprintf(s, n, "%.*f", prec, v);
}

/* "LO..HI", "n/a" when there is no figure. */
static void fmt_range(char *s, size_t n, double lo, double hi, int prec)
{
	char a[24], b[24];

	if (isnan(lo)) {
		snprintf(s, n, "n/a");
		return;
	}
	fmt_num(a, sizeof(a), lo, prec);
	fmt_num(b, sizeof(b), hi, prec);
	snprintf(s, n, "%s..%s", a, b);
}

/*
 * One figure: a row of the table, or (@bench) its line for scripts. Its
 * goal is on the ratio, or on the value for a figure without a peer.
 */
static void print_row(const char *name, const struct fig *f,
		      const double *ours, const double *peer, int tries,
		      int bench)
{
	/* Throughputs are a few GB/s at most: show more digits. */
	int prec = f->prec ? f->prec : f->higher ? 3 : 1;
	double mo, lo, hi, mp = NAN, plo = NAN, phi = NAN, r = NAN, v;
	char o[32], p[32], ro[16], orange[56], prange[56], goal[48], how[160];
	int noisy = fig_noisy(f, ours, peer);

	stats(ours, reps, &mo, &lo, &hi);
	fmt_num(o, sizeof(o), mo, prec);
	fmt_range(orange, sizeof(orange), lo, hi, prec);
	if (f->kind == FIG_VALUE) {
		snprintf(p, sizeof(p), "-");
		snprintf(ro, sizeof(ro), "-");
		prange[0] = 0;
		v = mo;
	} else {
		stats(peer, reps, &mp, &plo, &phi);
		r = ratio_of(mo, mp);
		fmt_num(p, sizeof(p), mp, prec);
		fmt_num(ro, sizeof(ro), r, 3);
		fmt_range(prange, sizeof(prange), plo, phi, prec);
		v = r;
	}
	goal[0] = 0;
	if (f->has_goal)
		snprintf(goal, sizeof(goal), "%s%s%g %s", bench ? " goal" : "",
			 f->higher ? ">=" : "<=", f->goal,
			 isnan(v) ? "n/a" :
			 (f->higher ? v >= f->goal : v <= f->goal) ? "met" :
			 "MISSED");

	snprintf(how, sizeof(how), " reps=%d tries=%d ours_spread=%s%s%s%s",
		 reps, tries, orange, prange[0] ? " peer_spread=" : "", prange,
		 noisy ? " noisy" : "");
	if (!bench)
		printf("%-26s %-8s %-7s %12s %12s %8s   %-23s %-23s %s%s\n", name,
		       f->unit, f->higher ? "higher" : "lower", o, p, ro,
		       orange, prange, goal, noisy ? " noisy" : "");
	else if (f->kind == FIG_VALUE)
		printf("bench: %s value=%s%s%s\n", name, o, how, goal);
	else
		printf("bench: %s ours=%s peer=%s ratio=%s%s%s\n", name, o, p,
		       ro, how, goal);
}

/* Whether metric @m compares with test_hmm's dmirror device. */
static int uses_dmirror(int m)
{
	return m == M_FAULT_4K || m == M_FAULT_THP || m == M_TO_VRAM ||
	       m == M_TO_RAM_CPUFAULT || m == M_TO_RAM_EXPLICIT ||
	       m == M_TO_RAM_EXPLICIT_MAP;
}

static void print_usage(FILE *f, const char *argv0)
{
	int m;

	fprintf(f,
		"usage: %s [-r N] [-s MiB] [-m METRIC] [-h]\n"
		"  -r N       repetitions per metric, at least %d (default %d);\n"
		"             every figure is the median, ours and the peer's\n"
		"             interleaved\n"
		"  -s MiB     buffer size, a multiple of 2 (default 256)\n"
		"  -m METRIC  run only METRIC; once per metric to run several\n"
		"  -h         this help\n"
		"metrics (ratio = ours / peer):\n",
		argv0, MIN_REPS, MIN_REPS);
	for (m = 0; m < NR_METRICS; m++)
		fprintf(f, "  %-26s %-8s %-7s %s\n", metrics[m].name,
			metrics[m].unit,
			metrics[m].higher ? "higher" : "lower", metrics[m].what);
	fprintf(f,
		"needs vsvm (2 devices for munmap-mirrored-2dev, 4 and its tlb_flush_us and\n"
		"tlb_flush_async parameters, which it sets and then restores, for\n"
		"munmap-mirrored-4dev-vs-1dev, and fault_batch for\n"
		"fault-storm-batched-vs-single; 2 devices for parallel-faults-2eng;\n"
		"a cgroup2 memory controller for\n"
		"metadata-per-page; device-private VRAM of at\n"
		"least the size on vsvm0 for migrate-*; 3 devices of that VRAM, 0 and 1\n"
		"linked, for d2d-* and remote-*; 2 devices linked to each other for\n"
		"pingpong-gpu-gpu and policy-metadata) and test_hmm's %s;\n"
		"uses about size + %lu MiB of memory, 4 x size for migrate-*.\n"
		"pingpong-*, streaming-overhead and policy-metadata need drm_svm's\n"
		"migration_policy parameter, which they switch and then restore; ours is\n"
		"the policy on, peer off; they use their own sizes, not -s\n",
		DMIRROR_NODE, 2 * PEER_CHUNK >> 20);
}

static long parse_num(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0)
		die("bad %s '%s'", what, s);
	return v;
}

int main(int argc, char **argv)
{
	struct result res[NR_METRICS] = {};
	int opt, m, k, policy_ran = 0, skipped = 0, dmirror = 0;
	unsigned int only = 0;	/* the metrics of -m, by bit; 0: all */
	struct timespec res_ts;
	char name[64];
	long mib = 256;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);

	while ((opt = getopt(argc, argv, "r:s:m:h")) != -1) {
		switch (opt) {
		case 'r':
			reps = parse_num(optarg, "repetition count");
			if (reps < MIN_REPS)
				die("-r %d: at least %d repetitions are needed for a median",
				    reps, MIN_REPS);
			break;
		case 's':
			mib = parse_num(optarg, "size");
			if (mib % 2)
				die("-s %ld: the size must be a multiple of 2 MiB",
				    mib);
			break;
		case 'm':
			for (m = 0; m < NR_METRICS; m++)
				if (!strcmp(optarg, metrics[m].name))
					break;
			if (m == NR_METRICS) {
				print_usage(stderr, argv[0]);
				die("unknown metric '%s'", optarg);
			}
			only |= 1u << m;
			break;
		case 'h':
			print_usage(stdout, argv[0]);
			return 0;
		default:
			print_usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind < argc) {
		print_usage(stderr, argv[0]);
		die("unexpected argument '%s'", argv[optind]);
	}
	buf_size = (unsigned long)mib << 20;

	find_vsvm();
	if (!num_vsvm_nodes)
		die("no vsvm render node found (is the vsvm module loaded?)");
	for (m = 0; m < NR_METRICS; m++)
		dmirror |= (!only || only & 1u << m) && uses_dmirror(m);
	if (dmirror && access(DMIRROR_NODE, R_OK | W_OK))
		die("%s: %s (is test_hmm loaded?)", DMIRROR_NODE,
		    strerror(errno));

	/* The batch page: [TOUCH, addr, len, END], rewritten per buffer. */
	batch = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (batch == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	batch[0] = VSVM_CMD_END;
	result = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (result == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	result[0] = 0;

	if (clock_getres(CLOCK_MONOTONIC, &res_ts))
		die("clock_getres(CLOCK_MONOTONIC): %s", strerror(errno));
	printf("svm_bench: %ld MiB buffers, %d repetitions per metric, median; page %ld bytes; CLOCK_MONOTONIC resolution %ld ns\n",
	       mib, reps, page_size,
	       res_ts.tv_sec * 1000000000L + res_ts.tv_nsec);
	printf("svm_bench: vsvm0 %s%s%s, peer %s\n", vsvm_nodes[0],
	       num_vsvm_nodes > 1 ? ", vsvm1 " : "",
	       num_vsvm_nodes > 1 ? vsvm_nodes[1] : "", DMIRROR_NODE);

	for (m = 0; m < NR_METRICS; m++) {
		if (only && !(only & 1u << m))
			continue;
		res[m].ours = calloc(reps, sizeof(double));
		res[m].peer = calloc(reps, sizeof(double));
		if (!res[m].ours || !res[m].peer)
			die("out of memory");
		run_tries(m, &res[m]);
		res[m].done = 1;
		if (metrics[m].kind != FIG_PEER)
			policy_ran = 1;
		if (res[m].skipped)
			skipped++;
	}

	printf("\n%-26s %-8s %-7s %12s %12s %8s   %-23s %-23s %s\n", "metric",
	       "unit", "better", "ours", "peer", "ratio", "ours min..max",
	       "peer min..max", "goal");
	for (m = 0; m < NR_METRICS; m++) {
		if (!res[m].done)
			continue;
		if (res[m].skipped) {
			printf("%-26s skipped: %s\n", metrics[m].name,
			       res[m].skipped);
			continue;
		}
		print_row(metrics[m].name, &metrics[m], res[m].ours,
			  res[m].peer, res[m].tries, 0);
		for (k = 0; k < res[m].nextra; k++) {
			snprintf(name, sizeof(name), "%s.%s", metrics[m].name,
				 res[m].extra[k]->name);
			print_row(name, res[m].extra[k], res[m].extra_ours[k],
				  res[m].extra_peer[k], res[m].tries, 0);
		}
	}
	printf("(fault-in-*: ns per %ld-byte page; munmap: microseconds; migrate-*, d2d-*: GB/s, 10^9 bytes/s; remote-*: ms per job; medians of %d; ratio = ours / peer)\n",
	       page_size, reps);
	if (policy_ran)
		printf("(pingpong-*, streaming-overhead: ours = migration policy on, peer = off; pingpong-*: MiB migrated in %d rounds, .wall and .devtime in ms; streaming-overhead: ms per run; policy-metadata: bytes of policy state per tracked block, .streaming: bytes of a streaming process; n/a: no figure, e.g. a ratio over zero)\n",
		       PP_ROUNDS);
	for (m = 0; m < NR_METRICS; m++) {
		if (!res[m].done)
			continue;
		if (res[m].skipped) {
			printf("bench: %s skipped\n", metrics[m].name);
			continue;
		}
		print_row(metrics[m].name, &metrics[m], res[m].ours,
			  res[m].peer, res[m].tries, 1);
		for (k = 0; k < res[m].nextra; k++) {
			snprintf(name, sizeof(name), "%s.%s", metrics[m].name,
				 res[m].extra[k]->name);
			print_row(name, res[m].extra[k], res[m].extra_ours[k],
				  res[m].extra_peer[k], res[m].tries, 1);
		}
	}
	if (skipped)
		die("%d metric(s) skipped", skipped);
	return 0;
}

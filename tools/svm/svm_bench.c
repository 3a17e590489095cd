// SPDX-License-Identifier: MIT
/*
 * svm_bench - compare the vsvm fault, invalidation and migration paths with
 * test_hmm.
 *
 * Ten metrics, each the median of at least five repetitions, ours and
 * the peer's interleaved in one run (ours, peer, ours, peer, ...). Times,
 * lower is better:
 *
 *  fault-in-4k           populated 4 KiB-page anonymous memory, faulted in
 *                        by one vsvm TOUCH job over the whole buffer, versus
 *                        HMM_DMIRROR_READ of the same amount through
 *                        /dev/hmm_dmirror0; ns per page.
 *  fault-in-thp          the same on a 2 MiB-aligned MADV_HUGEPAGE buffer.
 *  munmap-mirrored-2dev  munmap() of a buffer mirrored and faulted in on
 *                        vsvm devices 0 and 1, versus munmap() of the same
 *                        buffer mirrored nowhere; microseconds.
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
 *  migrate-to-ram-explicit  DRM_IOCTL_VSVM_PREFETCH to system memory of a
 *                        buffer in VRAM, versus HMM_DMIRROR_MIGRATE_TO_SYS.
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
 * VRAM. After the table, one line per metric for scripts:
 *
 *	bench: NAME ours=X peer=Y ratio=Z
 *
 * with ratio = ours / peer: below 1 is better for the times, above 1 for
 * the throughputs.
 *
 * Copyright © 2026 The drm_svm authors
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "drm_svm.h"
#include "vsvm_drm.h"
#include "vsvm_tool.h"
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
	M_TO_VRAM,
	M_TO_RAM_CPUFAULT,
	M_TO_RAM_EXPLICIT,
	M_TO_VRAM_MEMCPY,
	M_D2D,
	M_REMOTE,
	M_REMOTE_DEVTIME,
	NR_METRICS,
};

static const struct {
	const char *name;
	const char *unit;
	const char *what;
	int higher;		/* higher is better (a throughput) */
} metrics[NR_METRICS] = {
	[M_FAULT_4K]	= { "fault-in-4k", "ns/page",
			    "TOUCH job vs HMM_DMIRROR_READ, 4 KiB pages" },
	[M_FAULT_THP]	= { "fault-in-thp", "ns/page",
			    "TOUCH job vs HMM_DMIRROR_READ, THP" },
	[M_MUNMAP_2DEV]	= { "munmap-mirrored-2dev", "us",
			    "munmap mirrored on 2 vsvm vs not mirrored" },
	[M_TO_VRAM]	= { "migrate-to-vram", "GB/s",
			    "PREFETCH to VRAM vs HMM_DMIRROR_MIGRATE_TO_DEV", 1 },
	[M_TO_RAM_CPUFAULT] = { "migrate-to-ram-cpufault", "GB/s",
			    "CPU faults from VRAM vs HMM_DMIRROR_MIGRATE_TO_SYS",
			    1 },
	[M_TO_RAM_EXPLICIT] = { "migrate-to-ram-explicit", "GB/s",
			    "PREFETCH to system vs HMM_DMIRROR_MIGRATE_TO_SYS",
			    1 },
	[M_TO_VRAM_MEMCPY] = { "migrate-to-vram-vs-memcpy", "GB/s",
			    "PREFETCH to VRAM vs memcpy() in the guest", 1 },
	[M_D2D]		= { "d2d-direct-vs-bounce", "GB/s",
			    "VRAM to linked VRAM vs to unlinked VRAM", 1 },
	[M_REMOTE]	= { "remote-vs-migrate", "ms",
			    "job over a peer's VRAM: mapped remotely vs migrated" },
	[M_REMOTE_DEVTIME] = { "remote-vs-migrate-devtime", "ms",
			    "the same, in modelled device time" },
};

struct result {
	double *ours;
	double *peer;
	double med_ours;
	double med_peer;
	int done;
};

/* An open vsvm render node. */
struct vsvm {
	int fd;
	unsigned int index;
	uint32_t syncobj;
	char node[64];
	struct drm_vsvm_device_query q;
};

static long page_size;
static unsigned long buf_size;		/* bytes */
static int reps = MIN_REPS;
static char vsvm_nodes[MAX_VSVM][64];
static struct drm_vsvm_device_query vsvm_query[MAX_VSVM];
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

static double median(const double *v, int n)
{
	double *s = malloc(n * sizeof(*s));
	double m;

	if (!s)
		die("out of memory");
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

static double min_of(const double *v, int n)
{
	double m = v[0];
	int i;

	for (i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

static double max_of(const double *v, int n)
{
	double m = v[0];
	int i;

	for (i = 1; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

/* ---- memory ---------------------------------------------------------- */

#define BUF_THP		0x1	/* MADV_HUGEPAGE, 2 MiB aligned */
#define BUF_ALIGN	0x2	/* 2 MiB aligned, 4 KiB pages */

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
		struct drm_vsvm_device_query q = {};
		const char *node;
		int fd;

		if (!(devs[i]->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		node = devs[i]->nodes[DRM_NODE_RENDER];
		fd = vsvm_tool_open(node, &q);
		if (fd == -ENODEV)
			continue;
		if (fd < 0)
			die("%s: DRM_IOCTL_VSVM_DEVICE_QUERY: %s", node,
			    strerror(-fd));
		close(fd);
		if (q.uapi_major != DRM_VSVM_UAPI_MAJOR)
			die("%s: vsvm uAPI %u.%u, this tool speaks %u.%u", node,
			    q.uapi_major, q.uapi_minor, DRM_VSVM_UAPI_MAJOR,
			    DRM_VSVM_UAPI_MINOR);
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
	int ret;

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
	ret = drmSyncobjCreate(dev->fd, 0, &dev->syncobj);
	if (ret)
		die("%s: drmSyncobjCreate: %s", dev->node, strerror(-ret));
}

static void vsvm_close(struct vsvm *dev)
{
	drmSyncobjDestroy(dev->fd, dev->syncobj);
	close(dev->fd);
	dev->fd = -1;
}

static void vm_bind(struct vsvm *dev, uint32_t vm_id, const void *addr,
		    unsigned long size, uint32_t flags)
{
	struct drm_svm_vm_bind bind = {
		.vm_id = vm_id,
		.op = DRM_SVM_BIND_OP_MAP,
		.cpu_addr = (uintptr_t)addr,
		.gpu_addr = (uintptr_t)addr,
		.range = size,
		.flags = flags,
	};

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_VM_BIND, &bind))
		die("%s: DRM_IOCTL_VSVM_VM_BIND of %lu KiB at %p%s: %s",
		    dev->node, size >> 10, addr,
		    flags & DRM_SVM_BIND_FLAG_POPULATE ? " (populate)" : "",
		    strerror(errno));
}

/*
 * A fresh VM with @buf (bound with @flags), the batch page and the result
 * page bound at their CPU addresses.
 */
static uint32_t vm_create(struct vsvm *dev, const char *buf, uint32_t flags)
{
	struct drm_svm_vm_create create = {};

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_VM_CREATE, &create))
		die("%s: DRM_IOCTL_VSVM_VM_CREATE: %s", dev->node,
		    strerror(errno));
	/*
	 * Fault the batch in here, so that the timed job only faults the
	 * buffer; it stays in system memory, where the CPU writes it.
	 */
	vm_bind(dev, create.vm_id, batch, page_size,
		DRM_SVM_BIND_FLAG_READONLY | DRM_SVM_BIND_FLAG_NO_MIGRATE |
		DRM_SVM_BIND_FLAG_POPULATE);
	vm_bind(dev, create.vm_id, result, page_size,
		DRM_SVM_BIND_FLAG_NO_MIGRATE | DRM_SVM_BIND_FLAG_POPULATE);
	vm_bind(dev, create.vm_id, buf, buf_size, flags);
	return create.vm_id;
}

static void vm_destroy(struct vsvm *dev, uint32_t vm_id)
{
	struct drm_svm_vm_destroy destroy = { .vm_id = vm_id };

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_VM_DESTROY, &destroy))
		die("%s: DRM_IOCTL_VSVM_VM_DESTROY: %s", dev->node,
		    strerror(errno));
}

/* Submit the first @words of the batch on @vm_id; returns the job id. */
static uint64_t job_submit(struct vsvm *dev, uint32_t vm_id,
			   unsigned int words)
{
	struct drm_vsvm_exec exec = {
		.vm_id = vm_id,
		.batch_addr = (uintptr_t)batch,
		.batch_len = words * sizeof(uint64_t),
		.syncobj = dev->syncobj,
	};

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_EXEC, &exec))
		die("%s: DRM_IOCTL_VSVM_EXEC: %s", dev->node, strerror(errno));
	return exec.job_id;
}

/* Submit the TOUCH batch (see main) on @vm_id; returns the job id. */
static uint64_t touch_submit(struct vsvm *dev, uint32_t vm_id)
{
	return job_submit(dev, vm_id, 4);
}

static void job_wait(struct vsvm *dev)
{
	int64_t deadline = now_ns() + JOB_TIMEOUT_S * 1000000000ll;
	int ret;

	ret = drmSyncobjWait(dev->fd, &dev->syncobj, 1, deadline, 0, NULL);
	if (ret == -ETIME)
		die("%s: job did not complete within %d s", dev->node,
		    JOB_TIMEOUT_S);
	if (ret)
		die("%s: drmSyncobjWait: %s", dev->node, strerror(-ret));
}

/* The job must have completed; returns its GPU page faults. */
/* Modelled device time of the last job job_done() saw, ns. */
static uint64_t last_device_time_ns;

static uint64_t job_done(struct vsvm *dev, uint64_t job_id)
{
	struct drm_vsvm_job_query q = { .job_id = job_id };

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_JOB_QUERY, &q))
		die("%s: DRM_IOCTL_VSVM_JOB_QUERY: %s", dev->node,
		    strerror(errno));
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
		t0 = now_ns();
		job = touch_submit(&dev, vm_id);
		job_wait(&dev);
		t1 = now_ns();
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

/* Time munmap() of a buffer mirrored and faulted in on both devices. */
static double munmap_mirrored(struct vsvm *dev, uint64_t *faults0,
			      uint64_t *faults1)
{
	uint64_t t0, t1, faults[2];
	uint32_t vm_id[2];
	char *buf;
	int d;

	buf = buf_create(buf_size, 0);
	batch[0] = VSVM_CMD_TOUCH;
	batch[1] = (uintptr_t)buf;
	batch[2] = buf_size;
	batch[3] = VSVM_CMD_END;
	for (d = 0; d < 2; d++) {
		uint64_t job;

		vm_id[d] = vm_create(&dev[d], buf,
				     DRM_SVM_BIND_FLAG_NO_MIGRATE);
		job = touch_submit(&dev[d], vm_id[d]);
		job_wait(&dev[d]);
		faults[d] = job_check(&dev[d], job);
	}
	t0 = now_ns();
	buf_destroy(buf, buf_size);
	t1 = now_ns();
	for (d = 0; d < 2; d++)
		vm_destroy(&dev[d], vm_id[d]);
	*faults0 = faults[0];
	*faults1 = faults[1];
	return (double)(t1 - t0) / 1000;
}

/* Time munmap() of the same kind of buffer, mirrored nowhere. */
static double munmap_unmirrored(void)
{
	uint64_t t0, t1;
	char *buf;

	buf = buf_create(buf_size, 0);
	t0 = now_ns();
	buf_destroy(buf, buf_size);
	t1 = now_ns();
	return (double)(t1 - t0) / 1000;
}

static void run_munmap_2dev(struct result *res)
{
	uint64_t faults[2];
	struct vsvm dev[2];
	int i;

	vsvm_open(&dev[0], 0);
	vsvm_open(&dev[1], 1);

	for (i = 0; i < reps; i++) {
		/* Alternate which side goes first, against positional bias. */
		if (i % 2)
			res->peer[i] = munmap_unmirrored();
		res->ours[i] = munmap_mirrored(dev, &faults[0], &faults[1]);
		if (!(i % 2))
			res->peer[i] = munmap_unmirrored();
		printf("  %-22s rep %d: ours %10.1f us (%llu+%llu GPU faults)  peer %10.1f us%s\n",
		       metrics[M_MUNMAP_2DEV].name, i + 1, res->ours[i],
		       (unsigned long long)faults[0],
		       (unsigned long long)faults[1], res->peer[i],
		       i % 2 ? " (peer first)" : "");
	}

	vsvm_close(&dev[0]);
	vsvm_close(&dev[1]);
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
static uint64_t prefetch(struct vsvm *dev, uint32_t vm_id, const char *buf,
			 uint32_t region)
{
	struct drm_svm_prefetch pf = {
		.vm_id = vm_id,
		.region = region,
		.gpu_addr = (uintptr_t)buf,
		.range = buf_size,
	};

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_PREFETCH, &pf))
		die("%s: DRM_IOCTL_VSVM_PREFETCH of %lu MiB to %s: %s",
		    dev->node, buf_size >> 20,
		    region == DRM_SVM_REGION_DEVICE ? "VRAM" : "system memory",
		    strerror(errno));
	return pf.moved;
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
	struct drm_svm_residency r = {
		.vm_id = vm_id,
		.gpu_addr = (uintptr_t)buf,
		.npages = npages,
		.pages = (uintptr_t)c->residency,
	};
	struct vsvm *dev = &c->dev;

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_RESIDENCY, &r))
		die("%s: DRM_IOCTL_VSVM_RESIDENCY: %s", dev->node,
		    strerror(errno));
	for (i = 0; i < npages; i++) {
		const struct drm_svm_page_residency *p = &c->residency[i];
		int here;

		if (p->location == DRM_SVM_RESIDENT_SYSTEM) {
			sys++;
			here = !in_vram;
		} else if (p->location == DRM_SVM_RESIDENT_DEVICE &&
			   p->device == dev->q.svm_device_id) {
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
		 dev->q.svm_device_id);
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
static void vram_settle(struct mig *c)
{
	long long used = 0;
	int i;

	for (i = 0; i < VRAM_SETTLE_STEPS; i++) {
		used = vram_used(&c->dev);
		if (used <= 0)
			return;
		usleep(10000);
	}
	printf("  %s: note: vsvm%u has %lld bytes of VRAM in use %d s after the last buffer was freed\n",
	       metrics[c->m].name, c->dev.index, used,
	       VRAM_SETTLE_STEPS / 100);
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

	t0 = now_ns();
	switch (c->m) {
	case M_TO_RAM_CPUFAULT:
		/* The first read of each chunk migrates it back. */
		for (off = 0; off < buf_size; off += page_size)
			touched += buf[off];
		touch_sink = touched;
		break;
	case M_TO_RAM_EXPLICIT:
		moved = prefetch(dev, vm_id, buf, DRM_SVM_REGION_SYSTEM);
		break;
	default:
		moved = prefetch(dev, vm_id, buf, DRM_SVM_REGION_DEVICE);
		break;
	}
	t1 = now_ns();

	mig_check_residency(c, vm_id, buf, to_vram, "after the timed migration");
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
	    c.dev.q.vram_mode != DRM_VSVM_VRAM_PRIVATE)
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
	struct drm_svm_topology t = {
		.num_links = ARRAY_SIZE(links),
		.links = (uintptr_t)links,
	};
	uint32_t i;

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_TOPOLOGY, &t))
		die("%s: DRM_IOCTL_VSVM_TOPOLOGY: %s", dev->node,
		    strerror(errno));
	for (i = 0; i < t.num_links && i < ARRAY_SIZE(links); i++)
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
		int peer = topology_peer(src, vsvm_query[i].svm_device_id,
					 src->q.svm_device_id);

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
static double d2d_move(struct mig *src, struct mig *dst, const char *who)
{
	uint64_t t0, t1, sum, got, faults, moved;
	uint32_t vm_src, vm_dst;
	char *buf;

	buf = d2d_buf(src, &vm_src, &sum);
	vm_dst = vm_create(&dst->dev, buf, 0);

	t0 = now_ns();
	moved = prefetch(&dst->dev, vm_dst, buf, DRM_SVM_REGION_DEVICE);
	t1 = now_ns();

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

	t0 = now_ns();
	got = gpu_checksum(&dst->dev, vm_dst, buf, &faults);
	t1 = now_ns();

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
				       d2d_move(&src, &unlinked, "bounce") :
				       d2d_job(&src, &linked, 0);
		res->ours[i] = m == M_D2D ? d2d_move(&src, &linked, "direct") :
			       d2d_job(&src, &linked,
				       DRM_SVM_BIND_FLAG_NO_MIGRATE);
		if (!(i % 2))
			res->peer[i] = m == M_D2D ?
				       d2d_move(&src, &unlinked, "bounce") :
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

/* ---- main ------------------------------------------------------------- */

static void print_usage(FILE *f, const char *argv0)
{
	int m;

	fprintf(f,
		"usage: %s [-r N] [-s MiB] [-m METRIC] [-h]\n"
		"  -r N       repetitions per metric, at least %d (default %d);\n"
		"             every figure is the median, ours and the peer's\n"
		"             interleaved\n"
		"  -s MiB     buffer size, a multiple of 2 (default 256)\n"
		"  -m METRIC  run only METRIC\n"
		"  -h         this help\n"
		"metrics (ratio = ours / peer):\n",
		argv0, MIN_REPS, MIN_REPS);
	for (m = 0; m < NR_METRICS; m++)
		fprintf(f, "  %-26s %-8s %-7s %s\n", metrics[m].name,
			metrics[m].unit,
			metrics[m].higher ? "higher" : "lower", metrics[m].what);
	fprintf(f,
		"needs vsvm (2 devices for munmap-mirrored-2dev; device-private VRAM of at\n"
		"least the size on vsvm0 for migrate-*; 3 devices of that VRAM, 0 and 1\n"
		"linked, for d2d-* and remote-*) and test_hmm's %s;\n"
		"uses about size + %lu MiB of memory, 4 x size for migrate-*\n",
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
	struct timespec res_ts;
	int only = -1, opt, m;
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
			only = m;
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
	if (only != M_MUNMAP_2DEV && only != M_TO_VRAM_MEMCPY &&
	    only != M_D2D && only != M_REMOTE && only != M_REMOTE_DEVTIME &&
	    access(DMIRROR_NODE, R_OK | W_OK))
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
		if (only >= 0 && only != m)
			continue;
		res[m].ours = calloc(reps, sizeof(double));
		res[m].peer = calloc(reps, sizeof(double));
		if (!res[m].ours || !res[m].peer)
			die("out of memory");
		if (m == M_MUNMAP_2DEV)
			run_munmap_2dev(&res[m]);
		else if (m == M_D2D || m == M_REMOTE || m == M_REMOTE_DEVTIME)
			run_d2d(m, &res[m]);
		else if (m >= M_TO_VRAM)
			run_migrate(m, &res[m]);
		else
			run_fault_in(m, &res[m]);
		res[m].med_ours = median(res[m].ours, reps);
		res[m].med_peer = median(res[m].peer, reps);
		res[m].done = 1;
	}

	printf("\n%-26s %-8s %-7s %12s %12s %8s   %-23s %-23s\n", "metric",
	       "unit", "better", "ours", "peer", "ratio", "ours min..max",
	       "peer min..max");
	for (m = 0; m < NR_METRICS; m++) {
		/* Throughputs are a few GB/s at most: show more digits. */
		int prec = metrics[m].higher ? 3 : 1;
		char o[32], p[32];

		if (!res[m].done)
			continue;
		snprintf(o, sizeof(o), "%.*f..%.*f", prec,
			 min_of(res[m].ours, reps), prec,
			 max_of(res[m].ours, reps));
		snprintf(p, sizeof(p), "%.*f..%.*f", prec,
			 min_of(res[m].peer, reps), prec,
			 max_of(res[m].peer, reps));
		printf("%-26s %-8s %-7s %12.*f %12.*f %8.3f   %-23s %-23s\n",
		       metrics[m].name, metrics[m].unit,
		       metrics[m].higher ? "higher" : "lower", prec,
		       res[m].med_ours, prec, res[m].med_peer,
		       res[m].med_ours / res[m].med_peer, o, p);
	}
	printf("(fault-in-*: ns per %ld-byte page; munmap: microseconds; migrate-*, d2d-*: GB/s, 10^9 bytes/s; remote-*: ms per job; medians of %d; ratio = ours / peer)\n",
	       page_size, reps);
	for (m = 0; m < NR_METRICS; m++)
		if (res[m].done)
			printf("bench: %s ours=%.*f peer=%.*f ratio=%.3f\n",
			       metrics[m].name, metrics[m].higher ? 3 : 1,
			       res[m].med_ours, metrics[m].higher ? 3 : 1,
			       res[m].med_peer,
			       res[m].med_ours / res[m].med_peer);
	return 0;
}

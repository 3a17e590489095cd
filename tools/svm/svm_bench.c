// SPDX-License-Identifier: MIT
/*
 * svm_bench - compare the vsvm fault and invalidation paths with test_hmm.
 *
 * Three metrics, each the median of at least five repetitions, ours and
 * the peer's interleaved in one run (ours, peer, ours, peer, ...):
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
 * Every repetition starts from fresh memory that no device mirrors: the
 * buffer is mapped and populated anew, the VM is created for it and
 * destroyed after it, and the dmirror file is opened for it and closed
 * after it. The buffer is bound with DRM_SVM_BIND_FLAG_NO_MIGRATE, so that
 * the GPU mirrors it in place as dmirror does, instead of moving it into
 * VRAM. After the table, one line per metric for scripts:
 *
 *	bench: NAME ours=X peer=Y ratio=Z
 *
 * with ratio = ours / peer; lower is better for every metric.
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

enum metric_id {
	M_FAULT_4K,
	M_FAULT_THP,
	M_MUNMAP_2DEV,
	NR_METRICS,
};

static const struct {
	const char *name;
	const char *unit;
	const char *what;
} metrics[NR_METRICS] = {
	[M_FAULT_4K]	= { "fault-in-4k", "ns/page",
			    "TOUCH job vs HMM_DMIRROR_READ, 4 KiB pages" },
	[M_FAULT_THP]	= { "fault-in-thp", "ns/page",
			    "TOUCH job vs HMM_DMIRROR_READ, THP" },
	[M_MUNMAP_2DEV]	= { "munmap-mirrored-2dev", "us",
			    "munmap mirrored on 2 vsvm vs not mirrored" },
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
};

static long page_size;
static unsigned long buf_size;		/* bytes */
static int reps = MIN_REPS;
static char vsvm_nodes[MAX_VSVM][64];
static unsigned int num_vsvm_nodes;
static uint64_t *batch;			/* one page, bound in every VM */

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

/*
 * Map @size bytes of anonymous memory, 2 MiB aligned for THP, with the
 * given THP advice, and write every page of it.
 */
static char *buf_create(unsigned long size, int thp)
{
	unsigned long len = size + (thp ? THP_SIZE : 0);
	unsigned long off, head, tail;
	char *p, *buf;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap of %lu MiB: %s", len >> 20, strerror(errno));
	buf = p;
	if (thp) {
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
 * A fresh VM with @buf (bound with @flags) and the batch page bound at
 * their CPU addresses.
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

/* Submit the TOUCH batch (see main) on @vm_id; returns the job id. */
static uint64_t touch_submit(struct vsvm *dev, uint32_t vm_id)
{
	struct drm_vsvm_exec exec = {
		.vm_id = vm_id,
		.batch_addr = (uintptr_t)batch,
		.batch_len = 4 * sizeof(uint64_t),
		.syncobj = dev->syncobj,
	};

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_EXEC, &exec))
		die("%s: DRM_IOCTL_VSVM_EXEC: %s", dev->node, strerror(errno));
	return exec.job_id;
}

static void touch_wait(struct vsvm *dev)
{
	int64_t deadline = now_ns() + JOB_TIMEOUT_S * 1000000000ll;
	int ret;

	ret = drmSyncobjWait(dev->fd, &dev->syncobj, 1, deadline, 0, NULL);
	if (ret == -ETIME)
		die("%s: TOUCH job did not complete within %d s", dev->node,
		    JOB_TIMEOUT_S);
	if (ret)
		die("%s: drmSyncobjWait: %s", dev->node, strerror(-ret));
}

/* The job must have completed and taken GPU page faults; returns them. */
static uint64_t job_check(struct vsvm *dev, uint64_t job_id)
{
	struct drm_vsvm_job_query q = { .job_id = job_id };

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_JOB_QUERY, &q))
		die("%s: DRM_IOCTL_VSVM_JOB_QUERY: %s", dev->node,
		    strerror(errno));
	if (q.status != DRM_VSVM_JOB_DONE)
		die("%s: TOUCH job %llu: status %u, error %d (%s), fault at 0x%llx access %u error %d",
		    dev->node, (unsigned long long)job_id, q.status, q.error,
		    strerror(-q.error), (unsigned long long)q.fault.address,
		    q.fault.access, q.fault.error);
	if (!q.faults)
		die("%s: TOUCH job %llu reported no GPU page faults over unmirrored memory",
		    dev->node, (unsigned long long)job_id);
	return q.faults;
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
		touch_wait(&dev);
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
		touch_wait(&dev[d]);
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
		"metrics (lower is better; ratio = ours / peer):\n",
		argv0, MIN_REPS, MIN_REPS);
	for (m = 0; m < NR_METRICS; m++)
		fprintf(f, "  %-22s %-8s %s\n", metrics[m].name, metrics[m].unit,
			metrics[m].what);
	fprintf(f,
		"needs vsvm (2 devices for munmap-mirrored-2dev) and test_hmm's %s;\n"
		"uses about size + %lu MiB of memory\n",
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
	if (only != M_MUNMAP_2DEV && access(DMIRROR_NODE, R_OK | W_OK))
		die("%s: %s (is test_hmm loaded?)", DMIRROR_NODE,
		    strerror(errno));

	/* The batch page: [TOUCH, addr, len, END], rewritten per buffer. */
	batch = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (batch == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	batch[0] = VSVM_CMD_END;

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
		else
			run_fault_in(m, &res[m]);
		res[m].med_ours = median(res[m].ours, reps);
		res[m].med_peer = median(res[m].peer, reps);
		res[m].done = 1;
	}

	printf("\n%-22s %-8s %12s %12s %8s   %-23s %-23s\n", "metric", "unit",
	       "ours", "peer", "ratio", "ours min..max", "peer min..max");
	for (m = 0; m < NR_METRICS; m++) {
		char o[32], p[32];

		if (!res[m].done)
			continue;
		snprintf(o, sizeof(o), "%.1f..%.1f", min_of(res[m].ours, reps),
			 max_of(res[m].ours, reps));
		snprintf(p, sizeof(p), "%.1f..%.1f", min_of(res[m].peer, reps),
			 max_of(res[m].peer, reps));
		printf("%-22s %-8s %12.1f %12.1f %8.3f   %-23s %-23s\n",
		       metrics[m].name, metrics[m].unit, res[m].med_ours,
		       res[m].med_peer, res[m].med_ours / res[m].med_peer, o, p);
	}
	printf("(fault-in-*: ns per %ld-byte page; munmap: microseconds; medians of %d; lower is better)\n",
	       page_size, reps);
	for (m = 0; m < NR_METRICS; m++)
		if (res[m].done)
			printf("bench: %s ours=%.1f peer=%.1f ratio=%.3f\n",
			       metrics[m].name, res[m].med_ours,
			       res[m].med_peer,
			       res[m].med_ours / res[m].med_peer);
	return 0;
}

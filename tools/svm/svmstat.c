// SPDX-License-Identifier: MIT
/*
 * svmstat - a live view of drm_svm's statistics, per device and process.
 *
 * Copyright © 2026 The drm_svm authors
 *
 * Reads the core's debugfs files (/sys/kernel/debug/drm_svm/device<id>,
 * one per device, and .../processes, one row per process and device, its
 * VRAM among them) and the DRM fdinfo of every open render node of a
 * drm_svm driver, in /proc/<pid>/fdinfo, for the processes that have the
 * devices open. Every interval it shows per device the VRAM in use,
 * GPU and CPU faults per second, pages migrated per second each way and
 * evictions; per process, the bytes it has in each device's VRAM and in
 * system memory. Rates are the counters' deltas over the interval measured
 * on CLOCK_MONOTONIC.
 *
 * The system memory of a process is its resident set (VmRSS) less its
 * data in VRAM, which Linux counts in the resident set as well (both
 * device-private and device-coherent pages are mapped as anonymous
 * pages): all the process has in RAM, file pages and memory the GPUs
 * never see included.
 *
 * Output: a repainted table (the default), one table (-1), or JSON lines
 * (-J, --record), one object per sample; see usage() and README.md for
 * the fields. --plot renders a recorded run with gnuplot.
 *
 * SVMSTAT_DEBUGFS in the environment names another debugfs root (for
 * tests); the default, /sys/kernel/debug, is mounted if it is not.
 */

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEVS	64
#define MAX_PROCS	512
#define DEBUGFS_MAGIC	0x64626720
#define MIB		(1024.0 * 1024.0)

/* The counters of a device file that svmstat shows rates of. */
enum counter {
	C_GPU_FAULTS,
	C_CPU_FAULTS,
	C_TO_VRAM,
	C_TO_RAM,
	C_EVICTIONS,
	C_FROM_PEER,
	C_BOUNCES,
	C_NR
};

static const char *const counter_keys[C_NR] = {
	[C_GPU_FAULTS] = "gpu_faults",
	[C_CPU_FAULTS] = "cpu_faults",
	[C_TO_VRAM] = "pages_to_vram",
	[C_TO_RAM] = "pages_to_ram",
	[C_EVICTIONS] = "evictions",
	[C_FROM_PEER] = "pages_from_peer",
	[C_BOUNCES] = "bounces",
};

struct dev_stat {
	unsigned int id;
	char name[64];
	char mode[16];
	unsigned long long vram_size;
	unsigned long long vram_in_use;
	unsigned long long dma_mapped;
	unsigned long long c[C_NR];
	double rate[C_NR];
};

struct proc_stat {
	int pid;
	char comm[32];
	unsigned long long rss;
	unsigned long long vram[MAX_DEVS];	/* by index in sample.dev */
	unsigned int render_fds;
};

struct sample {
	struct timespec mono;
	struct timespec wall;
	double interval;
	unsigned int ndev;
	struct dev_stat dev[MAX_DEVS];
	unsigned int nproc;
	struct proc_stat proc[MAX_PROCS];
};

static struct {
	bool once;
	bool json;
	double interval;
	long count;
	const char *record;
	const char *debugfs;
	char dir[256];
} opt = { .interval = 1.0 };

static atomic_bool stopping;

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: svmstat [-1] [-J] [-d SECONDS] [-n COUNT] [--record FILE]\n"
		"       svmstat --plot FILE OUT.png\n"
		"\n"
		"A live view of drm_svm: per device VRAM in use, faults/s, pages migrated/s\n"
		"to VRAM and to RAM, evictions; per process its memory in each VRAM and in\n"
		"system memory (VmRSS less its VRAM). Reads debugfs and fdinfo (root).\n"
		"\n"
		"  -1             print one sample, taken over one interval, and exit\n"
		"  -J             JSON lines, one object per sample\n"
		"  -d SECONDS     interval, default 1 (fractions allowed)\n"
		"  -n COUNT       stop after COUNT samples\n"
		"  --record FILE  write JSON lines to FILE until -n or SIGINT/SIGTERM\n"
		"  --plot FILE OUT.png  render a recorded FILE with gnuplot\n"
		"  -h, --help     this text\n");
}

static void die_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "svmstat: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'svmstat --help'.\n");
	exit(2);
}

static void die_errno(const char *what, int err)
{
	fprintf(stderr, "svmstat: %s: %s\n", what, strerror(err));
	exit(1);
}

static double ts_seconds(const struct timespec *t)
{
	return t->tv_sec + t->tv_nsec / 1e9;
}

/* Debugfs, mounted if need be, with drm_svm's directory in it. */
static void find_debugfs(void)
{
	const char *root = getenv("SVMSTAT_DEBUGFS");
	struct statfs fs;
	struct stat st;

	if (!root || !*root) {
		root = "/sys/kernel/debug";
		if (statfs(root, &fs) == 0 && fs.f_type != DEBUGFS_MAGIC &&
		    mount("debugfs", root, "debugfs", 0, NULL) != 0) {
			fprintf(stderr,
				"svmstat: debugfs is not mounted on %s and mounting it failed: %s\n"
				"svmstat: run as root, or mount it: mount -t debugfs none %s\n",
				root, strerror(errno), root);
			exit(1);
		}
	}
	opt.debugfs = root;
	snprintf(opt.dir, sizeof(opt.dir), "%s/drm_svm", root);
	if (stat(opt.dir, &st) != 0) {
		fprintf(stderr, "svmstat: %s: %s%s\n", opt.dir, strerror(errno),
			errno == ENOENT ? " (is drm_svm loaded?)" : "");
		exit(1);
	}
}

/* One "key value" line of a device file into @d. */
static void device_key(struct dev_stat *d, const char *key, const char *val)
{
	unsigned long long v = strtoull(val, NULL, 10);
	int i;

	if (!strcmp(key, "name"))
		snprintf(d->name, sizeof(d->name), "%.*s", (int)sizeof(d->name) - 1, val);
	else if (!strcmp(key, "vram_mode"))
		snprintf(d->mode, sizeof(d->mode), "%.*s", (int)sizeof(d->mode) - 1, val);
	else if (!strcmp(key, "vram_size"))
		d->vram_size = v;
	else if (!strcmp(key, "vram_in_use"))
		d->vram_in_use = v;
	else if (!strcmp(key, "dma_mapped"))
		d->dma_mapped = v;
	for (i = 0; i < C_NR; i++)
		if (!strcmp(key, counter_keys[i]))
			d->c[i] = v;
}

/* Reads device<id>; false when it went away since the directory was read. */
static bool read_device(struct dev_stat *d)
{
	char path[320], line[256], key[64], val[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/device%u", opt.dir, d->id);
	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return false;
		die_errno(path, errno);
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %127s", key, val) == 2)
			device_key(d, key, val);
	fclose(f);
	return true;
}

static int cmp_dev(const void *a, const void *b)
{
	const struct dev_stat *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static void read_devices(struct sample *s)
{
	struct dirent *e;
	unsigned int id;
	DIR *dir;
	int end;

	dir = opendir(opt.dir);
	if (!dir)
		die_errno(opt.dir, errno);
	s->ndev = 0;
	while ((e = readdir(dir)) && s->ndev < MAX_DEVS) {
		end = 0;
		if (sscanf(e->d_name, "device%u%n", &id, &end) != 1 ||
		    e->d_name[end])
			continue;
		memset(&s->dev[s->ndev], 0, sizeof(s->dev[0]));
		s->dev[s->ndev].id = id;
		if (read_device(&s->dev[s->ndev]))
			s->ndev++;
	}
	closedir(dir);
	qsort(s->dev, s->ndev, sizeof(s->dev[0]), cmp_dev);
}

static int dev_by_id(const struct sample *s, unsigned int id)
{
	unsigned int i;

	for (i = 0; i < s->ndev; i++)
		if (s->dev[i].id == id)
			return i;
	return -1;
}

static int dev_by_name(const struct sample *s, const char *name)
{
	unsigned int i;

	for (i = 0; i < s->ndev; i++)
		if (!strcmp(s->dev[i].name, name))
			return i;
	return -1;
}

/* The row of @pid, added (with its name and resident set) if new. */
static struct proc_stat *proc_get(struct sample *s, int pid)
{
	struct proc_stat *p;
	unsigned long long pages;
	char path[64];
	FILE *f;
	unsigned int i;

	for (i = 0; i < s->nproc; i++)
		if (s->proc[i].pid == pid)
			return &s->proc[i];
	if (s->nproc == MAX_PROCS)
		return NULL;
	p = &s->proc[s->nproc++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "r");
	if (f) {
		if (fgets(p->comm, sizeof(p->comm), f))
			p->comm[strcspn(p->comm, "\n")] = 0;
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/statm", pid);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%*u %llu", &pages) == 1)
			p->rss = pages * sysconf(_SC_PAGESIZE);
		fclose(f);
	}
	return p;
}

/* The processes file: "pid device ... vram_in_use ..." after a header. */
static void read_processes(struct sample *s)
{
	unsigned long long vram;
	struct proc_stat *p;
	char path[320], line[512];
	unsigned int id;
	FILE *f;
	int pid, i;

	snprintf(path, sizeof(path), "%s/processes", opt.dir);
	f = fopen(path, "r");
	if (!f)
		die_errno(path, errno);
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%d %u %*d %*d %*d %*d %*d %llu",
			   &pid, &id, &vram) != 3)
			continue;
		i = dev_by_id(s, id);
		p = proc_get(s, pid);
		if (i >= 0 && p)
			p->vram[i] = vram;
	}
	fclose(f);
}

/* The drm_svm device of the render node open as @pid's file @fd, or -1. */
static int fd_device(const struct sample *s, int pid, const char *fd)
{
	char path[320], target[256], *node;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%s", pid, fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return -1;
	target[n] = 0;
	node = strrchr(target, '/');
	snprintf(path, sizeof(path), "/sys/class/drm/%s/device",
		 node ? node + 1 : target);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return -1;
	target[n] = 0;
	node = strrchr(target, '/');
	return dev_by_name(s, node ? node + 1 : target);
}

/* KiB of drm-resident-vram of one fdinfo file; -1 if not drm_svm's. */
static long long fdinfo_vram(const char *path)
{
	char line[256], drv[64] = "", key[80] = "";
	long long kib = -1;
	bool svm = false;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	/*
	 * drm-driver comes first; the core's keys are named after the
	 * driver, "<driver>-gpu-faults" among them.
	 */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "drm-driver: %63s", drv) == 1)
			snprintf(key, sizeof(key), "%s-gpu-faults:", drv);
		else if (key[0] && !strncmp(line, key, strlen(key)))
			svm = true;
		else
			sscanf(line, "drm-resident-vram: %lld", &kib);
	}
	fclose(f);
	return svm ? kib : -1;
}

/* Every file of @pid that is a drm_svm device's render node. */
static void read_fdinfo_pid(struct sample *s, int pid)
{
	struct proc_stat *p;
	struct dirent *e;
	char path[320];
	long long kib;
	DIR *dir;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo", pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid,
			 e->d_name);
		kib = fdinfo_vram(path);
		if (kib < 0)
			continue;
		i = fd_device(s, pid, e->d_name);
		if (i < 0)
			continue;
		p = proc_get(s, pid);
		if (!p)
			break;
		/*
		 * Only the file: the process's VRAM is the processes file's.
		 * A file's counters are those of the process its VMs mirror,
		 * the parent's in a fork child that inherited the file.
		 */
		p->render_fds++;
	}
	closedir(dir);
}

static void read_fdinfo(struct sample *s)
{
	struct dirent *e;
	DIR *dir;
	int pid;

	dir = opendir("/proc");
	if (!dir)
		die_errno("/proc", errno);
	while ((e = readdir(dir))) {
		pid = atoi(e->d_name);
		if (pid > 0 && pid != getpid())
			read_fdinfo_pid(s, pid);
	}
	closedir(dir);
}

static void take_sample(struct sample *s)
{
	clock_gettime(CLOCK_MONOTONIC, &s->mono);
	clock_gettime(CLOCK_REALTIME, &s->wall);
	read_devices(s);
	s->nproc = 0;
	read_processes(s);
	read_fdinfo(s);
}

/* Rates of @s's counters since @prev; a device new in @s starts at 0. */
static void compute_rates(struct sample *s, const struct sample *prev)
{
	const struct dev_stat *pd;
	struct dev_stat *d;
	unsigned int i, k;
	int j;

	s->interval = ts_seconds(&s->mono) - ts_seconds(&prev->mono);
	for (i = 0; i < s->ndev; i++) {
		d = &s->dev[i];
		j = dev_by_id(prev, d->id);
		pd = j >= 0 ? &prev->dev[j] : NULL;
		for (k = 0; k < C_NR; k++) {
			d->rate[k] = 0;
			if (pd && s->interval > 0 && d->c[k] >= pd->c[k])
				d->rate[k] = (d->c[k] - pd->c[k]) / s->interval;
		}
	}
}

/* Bytes of @p in system memory: its resident set less its VRAM. */
static unsigned long long proc_system(const struct sample *s,
				      const struct proc_stat *p)
{
	unsigned long long vram = 0;
	unsigned int i;

	for (i = 0; i < s->ndev; i++)
		vram += p->vram[i];
	return p->rss > vram ? p->rss - vram : 0;
}

static void json_string(FILE *f, const char *str)
{
	const unsigned char *c;

	fputc('"', f);
	for (c = (const unsigned char *)str; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c < 0x20)
			fprintf(f, "\\u%04x", *c);
		else
			fputc(*c, f);
	}
	fputc('"', f);
}

static void json_device(FILE *f, const struct dev_stat *d)
{
	int k;

	fprintf(f, "{\"id\":%u,\"name\":", d->id);
	json_string(f, d->name);
	fprintf(f, ",\"vram_mode\":");
	json_string(f, d->mode);
	fprintf(f, ",\"vram_size\":%llu,\"vram_in_use\":%llu,\"dma_mapped\":%llu",
		d->vram_size, d->vram_in_use, d->dma_mapped);
	for (k = 0; k < C_NR; k++)
		fprintf(f, ",\"%s\":%llu", counter_keys[k], d->c[k]);
	for (k = 0; k < C_NR; k++)
		fprintf(f, ",\"%s_per_s\":%.3f", counter_keys[k], d->rate[k]);
	fputc('}', f);
}

static void json_process(FILE *f, const struct sample *s,
			 const struct proc_stat *p)
{
	unsigned int i, n = 0;

	fprintf(f, "{\"pid\":%d,\"comm\":", p->pid);
	json_string(f, p->comm);
	fprintf(f, ",\"render_fds\":%u,\"rss\":%llu,\"system\":%llu,\"vram\":[",
		p->render_fds, p->rss, proc_system(s, p));
	for (i = 0; i < s->ndev; i++) {
		if (!p->vram[i])
			continue;
		fprintf(f, "%s{\"device\":%u,\"bytes\":%llu}", n++ ? "," : "",
			s->dev[i].id, p->vram[i]);
	}
	fprintf(f, "]}");
}

static void print_json(FILE *f, const struct sample *s, double elapsed)
{
	unsigned int i;

	fprintf(f, "{\"timestamp\":%.3f,\"elapsed\":%.3f,\"interval\":%.3f,",
		ts_seconds(&s->wall), elapsed, s->interval);
	fprintf(f, "\"page_size\":%ld,\"devices\":[", sysconf(_SC_PAGESIZE));
	for (i = 0; i < s->ndev; i++) {
		if (i)
			fputc(',', f);
		json_device(f, &s->dev[i]);
	}
	fprintf(f, "],\"processes\":[");
	for (i = 0; i < s->nproc; i++) {
		if (i)
			fputc(',', f);
		json_process(f, s, &s->proc[i]);
	}
	fprintf(f, "]}\n");
	fflush(f);
}

/* @bytes as "12.3M" in 7 columns. */
static const char *human(unsigned long long bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTP";
	double v = bytes;
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u)
		snprintf(buf, len, "%6.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%6.0f%c", v, units[u]);
	return buf;
}

static void print_devices(const struct sample *s)
{
	const struct dev_stat *d;
	char a[16], b[16];
	unsigned int i;

	printf("%-3s %-10s %-8s %-15s %4s %9s %9s %10s %10s %8s %9s\n",
	       "ID", "NAME", "VRAM", "IN USE / SIZE", "USE", "FAULTS/s",
	       "CPUF/s", "TO-VRAM/s", "TO-RAM/s", "EVICT/s", "EVICTIONS");
	for (i = 0; i < s->ndev; i++) {
		d = &s->dev[i];
		printf("%-3u %-10.10s %-8.8s %s/%s %3.0f%% %9.0f %9.0f %10.0f %10.0f %8.0f %9llu\n",
		       d->id, d->name, d->mode, human(d->vram_in_use, a, sizeof(a)),
		       human(d->vram_size, b, sizeof(b)),
		       d->vram_size ? 100.0 * d->vram_in_use / d->vram_size : 0,
		       d->rate[C_GPU_FAULTS], d->rate[C_CPU_FAULTS],
		       d->rate[C_TO_VRAM], d->rate[C_TO_RAM],
		       d->rate[C_EVICTIONS], d->c[C_EVICTIONS]);
	}
	if (!s->ndev)
		printf("(no drm_svm devices)\n");
}

static void print_processes(const struct sample *s)
{
	const struct proc_stat *p;
	unsigned int i, j;
	char a[16];

	printf("\n%-7s %-16s %4s %8s", "PID", "COMMAND", "FDS", "SYSTEM");
	for (j = 0; j < s->ndev; j++)
		printf(" %7.7s", s->dev[j].name);
	printf("\n");
	for (i = 0; i < s->nproc; i++) {
		p = &s->proc[i];
		printf("%-7d %-16.16s %4u %8s", p->pid, p->comm, p->render_fds,
		       human(proc_system(s, p), a, sizeof(a)));
		for (j = 0; j < s->ndev; j++)
			printf(" %7s", human(p->vram[j], a, sizeof(a)));
		printf("\n");
	}
	if (!s->nproc)
		printf("(no process uses drm_svm)\n");
}

static void print_table(const struct sample *s, bool repaint)
{
	time_t now = s->wall.tv_sec;
	char when[32];

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	if (repaint)
		printf("\033[H\033[2J");
	printf("svmstat - drm_svm  %s  interval %.2f s  %u devices  %u processes\n\n",
	       when, s->interval, s->ndev, s->nproc);
	print_devices(s);
	print_processes(s);
	printf("\nSYSTEM: resident set less VRAM; migrations in pages/s\n");
	fflush(stdout);
}

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stopping, true);
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* Reads of a sample restart; the sleep between samples ends. */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Sleeps until @deadline advanced by one interval; false on a signal. */
static bool wait_next(struct timespec *deadline)
{
	double t = ts_seconds(deadline) + opt.interval;

	deadline->tv_sec = (time_t)t;
	deadline->tv_nsec = (long)((t - deadline->tv_sec) * 1e9);
	while (!atomic_load(&stopping)) {
		if (!clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline, NULL))
			return true;
	}
	return false;
}

static int run(void)
{
	static struct sample a, b;
	struct sample *prev = &a, *cur = &b, *tmp;
	struct timespec deadline, start;
	FILE *out = stdout;
	long n;

	find_debugfs();
	if (opt.record) {
		out = fopen(opt.record, "w");
		if (!out)
			die_errno(opt.record, errno);
	}
	catch_signals();
	take_sample(prev);
	deadline = prev->mono;
	start = prev->mono;
	for (n = 0; opt.count <= 0 || n < opt.count; n++) {
		if (!wait_next(&deadline))
			break;
		take_sample(cur);
		compute_rates(cur, prev);
		if (opt.json || opt.record)
			print_json(out, cur, ts_seconds(&cur->mono) - ts_seconds(&start));
		else
			print_table(cur, !opt.once && isatty(STDOUT_FILENO));
		tmp = prev;
		prev = cur;
		cur = tmp;
	}
	if (opt.record && fclose(out))
		die_errno(opt.record, errno);
	return 0;
}

/* --plot: one recorded run as PNG */

struct series {
	unsigned int ndev;
	unsigned int ids[MAX_DEVS];
	char names[MAX_DEVS][64];
	size_t n, cap;
	double *t;	/* [n] */
	double *v;	/* [n][MAX_DEVS][3]: VRAM MiB, to VRAM/s, to RAM/s */
};

/* The number after "@key": in [@p, @end), or NAN. */
static double json_num(const char *p, const char *end, const char *key)
{
	char pat[64];
	const char *q;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	q = strstr(p, pat);
	if (!q || q >= end)
		return NAN;
	return strtod(q + strlen(pat), NULL);
}

static int series_dev(struct series *sr, unsigned int id, const char *obj,
		      const char *end)
{
	const char *q = strstr(obj, "\"name\":\"");
	unsigned int i;
	size_t len;

	for (i = 0; i < sr->ndev; i++)
		if (sr->ids[i] == id)
			return i;
	if (sr->ndev == MAX_DEVS)
		return -1;
	sr->ids[i] = id;
	snprintf(sr->names[i], sizeof(sr->names[i]), "device%u", id);
	if (q && q < end) {
		q += 8;
		len = strcspn(q, "\"'\\");
		if (len && len < sizeof(sr->names[i]) && q + len < end)
			snprintf(sr->names[i], sizeof(sr->names[i]), "%.*s",
				 (int)len, q);
	}
	return sr->ndev++;
}

static void series_grow(struct series *sr)
{
	size_t i, cap = sr->cap ? sr->cap * 2 : 256;

	sr->t = realloc(sr->t, cap * sizeof(*sr->t));
	sr->v = realloc(sr->v, cap * MAX_DEVS * 3 * sizeof(*sr->v));
	if (!sr->t || !sr->v)
		die_errno("--plot", ENOMEM);
	for (i = sr->cap * MAX_DEVS * 3; i < cap * MAX_DEVS * 3; i++)
		sr->v[i] = NAN;
	sr->cap = cap;
}

/* One sample line; the device objects are flat, so '}' ends each. */
static void series_line(struct series *sr, const char *line)
{
	const char *p = strstr(line, "\"devices\":["), *end;
	double t = json_num(line, line + strlen(line), "elapsed");
	double *v, id;
	int i;

	if (!p || isnan(t))
		return;
	if (sr->n == sr->cap)
		series_grow(sr);
	sr->t[sr->n] = t;
	for (p += 11; *p == '{' || *p == ','; p = end + 1) {
		if (*p == ',')
			p++;
		end = strchr(p, '}');
		if (*p != '{' || !end)
			break;
		id = json_num(p, end, "id");
		if (isnan(id))
			continue;
		i = series_dev(sr, id, p, end);
		if (i < 0)
			continue;
		v = &sr->v[(sr->n * MAX_DEVS + i) * 3];
		v[0] = json_num(p, end, "vram_in_use") / MIB;
		v[1] = json_num(p, end, "pages_to_vram_per_s");
		v[2] = json_num(p, end, "pages_to_ram_per_s");
	}
	sr->n++;
}

static void read_series(struct series *sr, const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		die_errno(path, errno);
	while (getline(&line, &cap, f) > 0)
		series_line(sr, line);
	free(line);
	fclose(f);
}

/* One gnuplot datablock: time, then column @col of every device. */
static void gp_block(FILE *gp, const struct series *sr, const char *name,
		     int col0, int ncol)
{
	unsigned int i, d;
	int c;

	fprintf(gp, "$%s << EOD\n", name);
	for (i = 0; i < sr->n; i++) {
		fprintf(gp, "%.3f", sr->t[i]);
		for (d = 0; d < sr->ndev; d++)
			for (c = col0; c < col0 + ncol; c++)
				fprintf(gp, " %.3f",
					sr->v[(i * MAX_DEVS + d) * 3 + c]);
		fprintf(gp, "\n");
	}
	fprintf(gp, "EOD\n");
}

static void gp_quoted(FILE *gp, const char *s)
{
	fputc('\'', gp);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', gp);
		fputc(*s, gp);
	}
	fputc('\'', gp);
}

static void gp_panels(FILE *gp, const struct series *sr)
{
	unsigned int d;

	/* The same margins in both panels line their time axes up. */
	fprintf(gp, "set multiplot layout 2,1\nset grid\nset key outside right\n");
	fprintf(gp, "set lmargin at screen 0.09\nset rmargin at screen 0.74\n");
	fprintf(gp, "set xrange [0:%.3f]\n", sr->t[sr->n - 1]);
	fprintf(gp, "set xlabel 'seconds'\nset ylabel 'MiB'\n");
	fprintf(gp, "set title 'VRAM in use per device'\nset yrange [0:*]\nplot");
	for (d = 0; d < sr->ndev; d++)
		fprintf(gp, "%s $vram using 1:%u with linespoints lw 2 pt 7 ps 0.4 lc %u title '%s'",
			d ? "," : "", d + 2, d + 1, sr->names[d]);
	fprintf(gp, "\nset ylabel 'pages/s'\n");
	fprintf(gp, "set title 'Migrations per second (solid: to VRAM, dashed: to RAM)'\nplot");
	for (d = 0; d < sr->ndev; d++)
		fprintf(gp, "%s $mig using 1:%u with linespoints lw 2 pt 7 ps 0.4 lc %u title '%s to VRAM', $mig using 1:%u with linespoints lw 2 dt 2 pt 6 ps 0.4 lc %u title '%s to RAM'",
			d ? "," : "", 2 * d + 2, d + 1, sr->names[d],
			2 * d + 3, d + 1, sr->names[d]);
	fprintf(gp, "\nunset multiplot\n");
}

static int plot(const char *in, const char *png)
{
	struct series sr = { 0 };
	struct stat st;
	FILE *gp;
	int rc;

	read_series(&sr, in);
	if (!sr.n || !sr.ndev) {
		fprintf(stderr, "svmstat: %s: no samples with devices\n", in);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	gp = popen("gnuplot", "w");
	if (!gp)
		die_errno("gnuplot", errno);
	fprintf(gp, "set terminal pngcairo size 800,560 font ',9'\nset output ");
	gp_quoted(gp, png);
	fprintf(gp, "\n");
	gp_block(gp, &sr, "vram", 0, 1);
	gp_block(gp, &sr, "mig", 1, 2);
	gp_panels(gp, &sr);
	rc = pclose(gp);
	free(sr.t);
	free(sr.v);
	if (rc) {
		fprintf(stderr, "svmstat: gnuplot failed (status %d%s)\n", rc,
			rc == 127 << 8 ? ", not installed? Debian: gnuplot-nox" : "");
		return 1;
	}
	if (stat(png, &st) != 0)
		die_errno(png, errno);
	if (!st.st_size) {
		fprintf(stderr, "svmstat: %s: gnuplot wrote nothing\n", png);
		return 1;
	}
	return 0;
}

static double parse_interval(const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v <= 0 || v > 86400)
		die_usage("-d: '%s' is not an interval in seconds (> 0)", arg);
	return v;
}

static long parse_count(const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v <= 0)
		die_usage("-n: '%s' is not a positive count", arg);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "record", required_argument, NULL, 'r' },
		{ "plot", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *plot_in = NULL;
	char bad[3];
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":1Jd:n:h", longopts, NULL)) != -1) {
		switch (c) {
		case '1':
			opt.once = true;
			opt.count = 1;
			break;
		case 'J':
			opt.json = true;
			break;
		case 'd':
			opt.interval = parse_interval(optarg);
			break;
		case 'n':
			opt.count = parse_count(optarg);
			break;
		case 'r':
			opt.record = optarg;
			break;
		case 'p':
			plot_in = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		case ':':
			die_usage("option '%s' needs an argument", argv[optind - 1]);
			break;
		default:
			snprintf(bad, sizeof(bad), "-%c", optopt);
			die_usage("unknown option '%s'",
				  optopt ? bad : argv[optind - 1]);
		}
	}
	if (plot_in) {
		if (argc - optind != 1)
			die_usage("--plot needs FILE and OUT.png%s", "");
		return plot(plot_in, argv[optind]);
	}
	if (optind < argc)
		die_usage("unexpected argument '%s'", argv[optind]);
	return run();
}

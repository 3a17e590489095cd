// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm memcg
 * Category: Core
 * Description: What a process makes drm_svm and vsvm keep is charged to
 *		the process's memory cgroup, so that a process allocating
 *		without end hits its own cgroup's limit, not the machine's.
 *		Each subtest runs a child in a fresh cgroup v2 group. Once
 *		the child is set up, its limit (memory.max) is what it uses
 *		then plus a few MiB; the child cannot be OOM-killed
 *		(oom_score_adj -1000), so a charge over the limit fails the
 *		allocation with -ENOMEM. Afterwards this process still creates
 *		a VM and runs a job with the right result, and the cgroup's
 *		memory drops back once the child is gone.
 *
 * SUBTEST: vm-create
 * Description: The child creates VMs until VM create fails: it must
 *		fail with -ENOMEM, with the cgroup's memory.events "max"
 *		count raised, before the child has made more VMs than the
 *		limit could hold if each took a tenth of what it does.
 *
 * SUBTEST: jobs-queued
 * Description: The child's first job waits for a userfaultfd nobody
 *		serves, so the engine runs nothing else; the child then
 *		queues jobs until submission fails: it must fail with
 *		-ENOMEM, before more jobs than the limit could hold at a
 *		tenth of their size. Once the child closes the
 *		userfaultfd and exits, the queued jobs drain.
 *
 * SUBTEST: worker-charge
 * Description: The memory a GPU job's faults allocate in the engine's
 *		worker (page tables, DMA chunks) is charged to the cgroup
 *		of the process whose memory the VM mirrors, not to the
 *		worker's (the root): a job reading 128 MiB of mirrored
 *		system memory raises the child cgroup's slab_unreclaimable
 *		by at least half of the page table that mapping needs.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
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

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_svm_lib.h"

IGT_TEST_DESCRIPTION("drm_svm and vsvm memory is charged to the memory "
		     "cgroup of the process it is for.");

#define CGROUP_ROOT	"/sys/fs/cgroup"
/* What the child may allocate past its set-up */
#define HEADROOM	(8ull << 20)
/*
 * The most objects the child makes: ten times what HEADROOM holds at the
 * smallest size an object could plausibly have (a VM: its two 4 KiB
 * scratch arrays; a queued job: three small slab objects). Past this,
 * the objects are not being charged.
 */
#define VM_MIN_BYTES	8192ull
#define JOB_MIN_BYTES	192ull
#define VM_MAX		(10 * HEADROOM / VM_MIN_BYTES)
#define JOB_MAX		(10 * HEADROOM / JOB_MIN_BYTES)
#define CHARGE_SIZE	(128ull << 20)
#define PT_BLOCK_BYTES	(512 * 8 + 8)	/* one 2 MiB block of vsvm's PT */
#define PT_BYTES	(CHARGE_SIZE / SZ_2M * PT_BLOCK_BYTES)
#define STAT_FLUSH_S	3
#define STAT_WAIT_S	10
#define CHILD_TIMEOUT_S	300
#define NSEC_PER_SEC	1000000000ull
/*
 * What a group may still show once its task is gone and its objects are
 * freed: the per-CPU charge caches, 64 pages a CPU at most, and some.
 */
#define DRAINED		(1ull << 20)

/* What the child reports, in memory shared with the parent. */
struct report {
	/* The child's progress; a child that stopped early says where. */
	int stage;
	/* Objects made before the first failure */
	uint64_t made;
	/* The first failure's -errno, 0 when all of MAX were made */
	int err;
	/* memory.max set once set up, and memory.current then */
	uint64_t limit, base;
	/* memory.events "max" when the first failure came */
	uint64_t events_max;
	/* worker-charge: slab_unreclaimable before and after the job */
	uint64_t slab_before, slab_after;
	int job_err;
};

enum stage {
	STAGE_START,
	STAGE_JOINED,
	STAGE_SET_UP,
	STAGE_FLOODED,
	STAGE_DONE,
};

static char cgroup_dir[128];

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -errno;
	close(fd);
	return ret;
}

/* A "key value" line of @file in the cgroup, or the single number. */
static uint64_t cgroup_read(const char *file, const char *key)
{
	char path[256], line[256], name[64];
	uint64_t v, ret = UINT64_MAX;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", cgroup_dir, file);
	f = fopen(path, "re");
	if (!f)
		return UINT64_MAX;
	while (fgets(line, sizeof(line), f)) {
		if (!key && sscanf(line, "%" SCNu64, &v) == 1) {
			ret = v;
			break;
		}
		if (key && sscanf(line, "%63s %" SCNu64, name, &v) == 2 &&
		    !strcmp(name, key)) {
			ret = v;
			break;
		}
	}
	fclose(f);
	return ret;
}

static int cgroup_write(const char *file, const char *s)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", cgroup_dir, file);
	return write_str(path, s);
}

/* Mounts cgroup v2 if need be and creates a group with the memory controller. */
static void cgroup_create(const char *name)
{
	struct stat st;
	int err;

	if (stat(CGROUP_ROOT "/cgroup.controllers", &st))
		igt_require_f(mount("cgroup2", CGROUP_ROOT, "cgroup2", 0,
				    NULL) == 0,
			      "cannot mount cgroup2: %s\n", strerror(errno));
	err = write_str(CGROUP_ROOT "/cgroup.subtree_control", "+memory\n");
	igt_require_f(err == 0, "no memory controller: %s\n", strerror(-err));
	snprintf(cgroup_dir, sizeof(cgroup_dir), CGROUP_ROOT "/%s-%d", name,
		 getpid());
	igt_assert_f(mkdir(cgroup_dir, 0755) == 0, "mkdir %s: %s\n",
		     cgroup_dir, strerror(errno));
}

/* Waits (bounded) for the group's memory to drop, then removes it. */
static void cgroup_remove(uint64_t below)
{
	uint64_t cur = 0;
	int i;

	/* Jobs left queued drain meanwhile. */
	for (i = 0; i < 300; i++) {
		cur = cgroup_read("memory.current", NULL);
		if (cur < below)
			break;
		usleep(100 * 1000);
	}
	igt_info("%s: memory.current %" PRIu64 " KiB once the child is gone\n",
		 cgroup_dir, cur >> 10);
	igt_assert_f(cur < below, "%s still holds %" PRIu64 " KiB (< %" PRIu64
		     " expected) 30 s after its only task exited\n",
		     cgroup_dir, cur >> 10, below >> 10);
	igt_assert_f(rmdir(cgroup_dir) == 0, "rmdir %s: %s\n", cgroup_dir,
		     strerror(errno));
}

/*
 * Tells the kernel log that the memory cgroup's OOM reports (no task to
 * kill: a header and a stack dump for each charge refused) are expected
 * from now on (or no longer), see tools/testing/vm/report.py.
 */
static void limit_log(bool armed)
{
	char msg[256];
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	snprintf(msg, sizeof(msg), "drm_svm-test: memory cgroup limit %s: "
		 "%s\n", armed ? "armed" : "disarmed", cgroup_dir);
	if (write(fd, msg, strlen(msg)) < 0)
		igt_debug("/dev/kmsg: %s\n", strerror(errno));
	close(fd);
}

/* In the child: join the group and be the OOM killer's last choice. */
static void child_join(struct report *r)
{
	if (cgroup_write("cgroup.procs", "0\n") ||
	    write_str("/proc/self/oom_score_adj", "-1000\n"))
		_exit(10);
	r->stage = STAGE_JOINED;
}

/* In the child, set up: the limit is what it uses now plus HEADROOM. */
static void child_limit(struct report *r)
{
	char buf[32];

	limit_log(true);
	r->base = cgroup_read("memory.current", NULL);
	r->limit = r->base + HEADROOM;
	snprintf(buf, sizeof(buf), "%" PRIu64 "\n", r->limit);
	if (r->base == UINT64_MAX || cgroup_write("memory.max", buf))
		_exit(11);
	r->stage = STAGE_SET_UP;
}

static void child_flooded(struct report *r, uint64_t made, int err)
{
	r->made = made;
	r->err = err;
	r->stage = STAGE_FLOODED;
}

/* Once the child has freed what it made: at the limit, reads may fail. */
static void child_events(struct report *r)
{
	r->events_max = cgroup_read("memory.events", "max");
}

/*
 * The child asserts nothing (an IGT assertion would unwind into the
 * parent's copy of the harness): each step that fails exits with its
 * own code, which the parent prints.
 */
static uint32_t child_vm(int fd)
{
	struct drm_svm_vm_create args = {};

	if (__svm_vm_create(fd, &args))
		_exit(20);
	return args.vm_id;
}

/* A batch of @b's kind, bound in @vm, without asserting. */
static void child_batch(struct svm_batch *b, int fd, uint32_t vm)
{
	if (!__svm_batch_alloc(b, SVM_BATCH_WORDS, SVM_BATCH_RESULTS) ||
	    __svm_bind_span(fd, vm, b->cmds,
			    (b->max_len + b->max_results) * sizeof(uint64_t),
			    0))
		_exit(21);
}

static void child_exec(int fd, uint32_t vm, const struct svm_batch *b,
		       struct svm_fence *f)
{
	struct drm_vsvm_exec args = {
		.vm_id = vm,
		.batch_addr = svm_batch_addr(b),
		.batch_len = svm_batch_len(b),
	};

	svm_fence_chain(f, &args.extensions);
	if (__svm_exec(fd, &args))
		_exit(22);
}

/* Runs @fn in a child in the group; returns its report, in shared memory. */
static struct report *run_child(void (*fn)(struct report *r))
{
	struct report *r;
	struct timespec t0, t;
	int status = 0;
	pid_t pid, got;

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(r != MAP_FAILED);
	memset(r, 0, sizeof(*r));

	pid = fork();
	igt_assert(pid >= 0);
	if (!pid) {
		fn(r);
		r->stage = STAGE_DONE;
		_exit(0);
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((got = waitpid(pid, &status, WNOHANG)) == 0) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > CHILD_TIMEOUT_S) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			igt_assert_f(false, "the child did not finish in %d s "
				     "(stage %d, %" PRIu64 " made)\n",
				     CHILD_TIMEOUT_S, r->stage, r->made);
		}
		usleep(50 * 1000);
	}
	igt_assert_eq(got, pid);
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		     r->stage == STAGE_DONE,
		     "the child failed: exit status %d (signal %d), stage %d\n",
		     WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		     WIFSIGNALED(status) ? WTERMSIG(status) : 0, r->stage);
	return r;
}

/* The flood must have ended in -ENOMEM, at the group's limit. */
static void assert_limit_hit(const struct report *r, const char *what,
			     uint64_t max)
{
	igt_info("%s: %" PRIu64 " made with %" PRIu64 " KiB left under a "
		 "limit of %" PRIu64 " KiB, then %s; memory.events max %"
		 PRIu64 "\n", what, r->made, (r->limit - r->base) >> 10,
		 r->limit >> 10, r->err ? strerror(-r->err) : "no failure",
		 r->events_max);
	igt_assert_f(r->err != 0, "%" PRIu64 " %s made in a cgroup with "
		     "%" PRIu64 " KiB left: their memory is not charged to "
		     "it\n", max, what, (r->limit - r->base) >> 10);
	igt_assert_f(r->err == -ENOMEM, "%s failed with %s, not ENOMEM\n",
		     what, strerror(-r->err));
	igt_assert_f(r->events_max != UINT64_MAX,
		     "memory.events of %s unreadable\n", cgroup_dir);
	igt_assert_f(r->events_max > 0, "%s failed without the cgroup "
		     "reaching its limit\n", what);
}

/* This process, outside the group, still has a working device. */
static void assert_machine_fine(void)
{
	int fd = vsvm_open_render(0);
	uint64_t *buf, *res;
	struct svm_fence *f;
	struct svm_batch b;
	unsigned int i;
	uint32_t vm;

	igt_assert_fd(fd);
	vm = svm_vm_create(fd);
	buf = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(buf != MAP_FAILED);
	for (i = 0; i < SZ_2M / sizeof(*buf); i++)
		buf[i] = i * 0x9e3779b97f4a7c15ull;
	svm_bind_ptr(fd, vm, buf, SZ_2M, 0);
	svm_batch_init(&b, fd, vm);
	res = cmd_checksum(&b, to_u64(buf), SZ_2M);
	cmd_end(&b);
	f = svm_fence_create();
	svm_exec_batch(fd, vm, &b, f);
	svm_wait_job(fd, f, 60ull * NSEC_PER_SEC);
	igt_assert_eq(svm_fence_status(f), 1);
	igt_assert_eq_u64(*res, svm_checksum(buf, SZ_2M));
	svm_fence_destroy(f);
	svm_batch_fini(&b);
	svm_vm_destroy(fd, vm);
	munmap(buf, SZ_2M);
	close(fd);
}

/* vm-create */

static void vm_create_child(struct report *r)
{
	struct drm_svm_vm_create args;
	uint64_t n;
	int fd, err = 0;

	child_join(r);
	fd = vsvm_open_render(0);
	if (fd < 0)
		_exit(12);
	child_limit(r);
	for (n = 0; n < VM_MAX; n++) {
		memset(&args, 0, sizeof(args));
		err = __svm_vm_create(fd, &args);
		if (err)
			break;
	}
	child_flooded(r, n, err);
	/* Closing the file destroys them all. */
	close(fd);
	child_events(r);
}

static void test_vm_create(void)
{
	struct report *r;

	cgroup_create("vsvm-memcg-vm");
	r = run_child(vm_create_child);
	assert_limit_hit(r, "VMs", VM_MAX);
	munmap(r, sizeof(*r));
	cgroup_remove(DRAINED);
	limit_log(false);
	assert_machine_fine();
}

/* jobs-queued */

static void jobs_child(struct report *r)
{
	const uint64_t len = 16 * svm_page_size();
	struct drm_vsvm_exec args;
	struct svm_batch stuck, trivial;
	struct pollfd p;
	int fd, uffd, err = 0;
	uint8_t *buf;
	uint32_t vm;
	uint64_t n;

	child_join(r);
	fd = vsvm_open_render(0);
	if (fd < 0)
		_exit(12);
	vm = child_vm(fd);
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		_exit(13);
	uffd = __svm_uffd_open(buf, len);
	if (uffd < 0 || __svm_bind(fd, vm, to_u64(buf), to_u64(buf), len, 0))
		_exit(14);
	child_batch(&stuck, fd, vm);
	child_batch(&trivial, fd, vm);
	cmd_checksum(&stuck, to_u64(buf), len);
	cmd_end(&stuck);
	cmd_end(&trivial);
	child_exec(fd, vm, &stuck, NULL);

	/* The GPU's fault reached the userfaultfd: the engine waits. */
	p = (struct pollfd){ .fd = uffd, .events = POLLIN };
	if (poll(&p, 1, 30000) != 1)
		_exit(15);

	child_limit(r);
	for (n = 0; n < JOB_MAX; n++) {
		args = (struct drm_vsvm_exec){
			.vm_id = vm,
			.batch_addr = svm_batch_addr(&trivial),
			.batch_len = svm_batch_len(&trivial),
		};
		err = __svm_exec(fd, &args);
		if (err)
			break;
	}
	child_flooded(r, n, err);
	/* The stuck fault fails, and the queue drains. */
	close(uffd);
	close(fd);
	child_events(r);
}

static void test_jobs_queued(void)
{
	struct report *r;

	cgroup_create("vsvm-memcg-jobs");
	r = run_child(jobs_child);
	assert_limit_hit(r, "jobs", JOB_MAX);
	munmap(r, sizeof(*r));
	cgroup_remove(DRAINED);
	limit_log(false);
	assert_machine_fine();
}

/* worker-charge */

static void worker_child(struct report *r)
{
	struct svm_fence *f;
	struct svm_batch b;
	uint64_t *buf, i;
	uint32_t vm;
	int fd;

	child_join(r);
	fd = vsvm_open_render(0);
	if (fd < 0)
		_exit(12);
	vm = child_vm(fd);
	buf = mmap(NULL, CHARGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		_exit(13);
	for (i = 0; i < CHARGE_SIZE / sizeof(*buf); i++)
		buf[i] = i;
	/* Mirrored in place: the job maps system pages, nothing moves. */
	if (__svm_bind(fd, vm, to_u64(buf), to_u64(buf), CHARGE_SIZE,
		       DRM_SVM_BIND_FLAG_NO_MIGRATE) ||
	    !(f = __svm_fence_create()))
		_exit(14);
	child_batch(&b, fd, vm);
	cmd_touch(&b, to_u64(buf), CHARGE_SIZE);
	cmd_end(&b);
	r->stage = STAGE_SET_UP;

	/*
	 * memory.stat shows per-CPU updates once they add up to enough
	 * pages, or at the kernel's periodic flush (every 2 s): what the
	 * set-up charged is shown before the job starts, and what the job
	 * charged within STAT_WAIT_S.
	 */
	sleep(STAT_FLUSH_S);
	r->slab_before = cgroup_read("memory.stat", "slab_unreclaimable");
	child_exec(fd, vm, &b, f);
	r->job_err = __svm_wait_job(fd, f, 120ull * NSEC_PER_SEC);
	if (!r->job_err && svm_fence_status(f) != 1)
		r->job_err = svm_fence_status(f);
	for (i = 0; i < STAT_WAIT_S * 10; i++) {
		r->slab_after = cgroup_read("memory.stat",
					    "slab_unreclaimable");
		if (r->slab_after - r->slab_before >= PT_BYTES / 2)
			break;
		usleep(100 * 1000);
	}
	r->stage = STAGE_FLOODED;

	close(fd);
	munmap(buf, CHARGE_SIZE);
}

static void test_worker_charge(void)
{
	const uint64_t pt = PT_BYTES;
	struct report *r;
	int64_t delta;

	cgroup_create("vsvm-memcg-worker");
	r = run_child(worker_child);
	igt_assert_f(r->job_err == 0, "the job failed: %s\n",
		     strerror(-r->job_err));
	igt_assert(r->slab_before != UINT64_MAX &&
		   r->slab_after != UINT64_MAX);
	delta = r->slab_after - r->slab_before;
	igt_info("slab_unreclaimable of the child's cgroup: %" PRIu64 " -> %"
		 PRIu64 " KiB over the job; the page table alone is %" PRIu64
		 " KiB\n", r->slab_before >> 10, r->slab_after >> 10, pt >> 10);
	igt_assert_f(delta >= (int64_t)pt / 2, "the job's faults charged %"
		     PRId64 " KiB of slab to the cgroup of the VM's process, "
		     "less than half of its %" PRIu64 " KiB page table\n",
		     delta >> 10, pt >> 10);
	munmap(r, sizeof(*r));
	cgroup_remove(DRAINED);
}

igt_main
{
	igt_fixture {
		igt_require_f(vsvm_count_devices() > 0,
			      "No vsvm render node; is vsvm loaded?\n");
	}

	igt_describe("VM create fails with ENOMEM at the cgroup's limit.");
	igt_subtest("vm-create")
		test_vm_create();

	igt_describe("Job submission fails with ENOMEM at the cgroup's "
		     "limit.");
	igt_subtest("jobs-queued")
		test_jobs_queued();

	igt_describe("A job's faults are charged to its process's cgroup.");
	igt_subtest("worker-charge")
		test_worker_charge();
}

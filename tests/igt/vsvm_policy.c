// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm policy
 * Category: Core
 * Description: The drm_svm core's migration policy against thrashing: a
 *		2 MiB block that two processors (devices or the CPU) keep
 *		taking from each other within a lapse is throttled, then
 *		pinned at a home that every contender reaches (the others
 *		map it there), probed again when the pin expires, and
 *		forgotten when the thrashing stops. The subtests drive such
 *		ping-pongs between the devices of the topology that vsvm
 *		was loaded with and between a device and the CPU, and check
 *		the data every job, the number of migrations (the core's
 *		pages_to_vram and pages_to_ram counters), the policy
 *		counters of each device, the residency and the block state
 *		the residency ioctl reports. Each subtest works in a child
 *		process of its own, so that no block state of an earlier one
 *		(kept per process, by CPU address) carries over. The module
 *		parameter and the tunables a subtest changes are restored
 *		after it, also when it fails, crashes or times out.
 *
 * SUBTEST: pingpong-gpu-gpu
 * Description: Two linked devices take turns, 100 rounds, writing a word
 *		each into one 2 MiB block and checksumming the words written
 *		before (by both): every checksum is right, the block moves at
 *		most 8 times in the 100 rounds (after a first job placed it
 *		in the first device's VRAM), policy_thrash and policy_pins
 *		count on some device, and after one more round the block is
 *		PINNED at one of the two devices, with the other mapping
 *		every page over the link (mapped_remote); the fdinfo's moves
 *		between the two (vsvm-moves-<from>-<to>) match the counters.
 *		The CPU reads every word at the end.
 *
 * SUBTEST: pingpong-cpu-gpu
 * Description: The CPU and a device take turns, 100 rounds, writing a word
 *		into one block and checking every word written before: the
 *		data is right on both sides every round, the block moves at
 *		most 16 times in all, no access fails (no SIGBUS) and the
 *		loop finishes under a watchdog. With coherent VRAM the CPU
 *		works in place and nothing needs to move at all.
 *
 * SUBTEST: policy-off
 * Description: As pingpong-gpu-gpu with the migration_policy module
 *		parameter off: every job moves the block (at least 99 moves
 *		in 100 rounds), it stays UNTRACKED, no thrash, throttle, pin
 *		or probe is counted, and it ends where placement puts it,
 *		in the VRAM of the device that ran last. This is what the
 *		policy saves. The fdinfo counts each move once, for its
 *		pair of devices (vsvm-moves-<from>-<to>).
 *
 * SUBTEST: single-owner
 * Description: One device streams over 8 MiB (checksum and fill, several
 *		jobs a phase) and the CPU reads everything between phases,
 *		with gaps longer than two of the longest lapses: no block
 *		is ever tracked (all UNTRACKED), no device counts a thrash,
 *		a throttle or a pin, and the process's fdinfo shows no
 *		policy block and no byte of policy state.
 *
 * SUBTEST: phase-change
 * Description: Two devices ping-pong until the block is PINNED at one of
 *		them; then only the other one runs jobs on it. Within two
 *		epochs (as the block query reports the epoch) and a second,
 *		the pin expires, the block is probed and moves into the
 *		VRAM of the device that now works alone (residency), the
 *		core counts the probe, and the data is right throughout.
 *
 * SUBTEST: prefetch-reset
 * Description: A block PINNED at one device, then a DEVICE prefetch of it
 *		on the other device: the prefetch moves it there (every page
 *		resident on that device and mapped by it), and the block's
 *		history is reset: NORMAL, no home, at most one move, backoff
 *		0. The data is right on the device and the CPU afterwards.
 *
 * SUBTEST: race
 * Description: Eight threads, each with its own VM on one of up to four
 *		devices, run 100 jobs each of atomic increments on one
 *		shared block and on a private block of their own: every
 *		thread finishes (no livelock, under a watchdog), the shared
 *		total and every private count are exact, and the private
 *		blocks, which one device owns, are UNTRACKED.
 *
 * SUBTEST: atomics-2dev
 * Description: Two devices whose link carries atomics take turns, 50
 *		rounds, incrementing one counter 16 times a job: every job
 *		sees the count the other left, the total is exact (also for
 *		the CPU), and the block moves at most 8 times in the 50
 *		rounds after a first job placed it.
 *
 * SUBTEST: small-vmas
 * Description: Two 1 MiB VMAs in one 2 MiB slot are blocks of their own:
 *		two linked devices ping-pong on the first until it is PINNED
 *		(its block starts at the slot), while one device alone writes
 *		the second, which stays UNTRACKED (its block starts at its
 *		VMA) and moves into that device's VRAM; the data of both is
 *		right.
 *
 * SUBTEST: munmap-forget
 * Description: A block PINNED, then unmapped with the VMs and the bindings
 *		left as they are, and new memory mapped at the same address:
 *		the new memory has no history (UNTRACKED), and the
 *		process's policy state is gone from its fdinfo.
 *
 * SUBTEST: exit-live-state
 * Description: A child process pins a block and exits with its VMs open;
 *		another one pins a block and is killed in the middle of its
 *		ping-pong. While each lives, its fdinfo counts its blocks and
 *		their bytes (vsvm-policy-blocks, vsvm-policy-bytes) and the
 *		debugfs count of blocks includes them; after each is gone,
 *		the count is back where it was before.
 *
 * SUBTEST: trace
 * Description: The core's tracepoints, enabled in a tracefs instance of
 *		their own, follow a GPU/GPU ping-pong: a drm_svm_gpu_fault
 *		event for the faults, one drm_svm_migrate event of the
 *		process per move that the counters count (and one for the
 *		first placement), drm_svm_policy events for the thrashing
 *		and the pin, drm_svm_remote_map events for the device
 *		that maps the pinned block over the link, drm_svm_bind
 *		events for the block's bindings and drm_svm_invalidate
 *		events for the mappings the moves drop.
 *
 * SUBTEST: tunables
 * Description: Every tunable of the policy in debugfs (threshold,
 *		throttles, pin_lapses, epoch_lapses, max_backoff,
 *		lapse_min_us, lapse_max_us) reads back what was written and
 *		then its old value again; the migration_policy parameter
 *		takes Y, N, 1 and 0; the read-only blocks and block_bytes
 *		read as numbers, block_bytes not zero.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_svm_lib.h"
#include "vsvm_migrate_lib.h"
#include "vsvm_multi_lib.h"

#define POLICY_PARAM	"/sys/module/drm_svm/parameters/migration_policy"
#define POLICY_DIR	SVM_DEBUGFS_DIR "/policy"

/* Rounds of a ping-pong; a round is a job on each of the two devices. */
#define ROUNDS		100
/* Most 2 MiB moves that a ping-pong of ROUNDS may take with the policy */
#define PP_MAX_MOVES	8
#define CPU_MAX_MOVES	16
/* Most rounds it may take to get a block pinned */
#define PIN_ROUNDS	100
/* Words before its own that each ping-pong job checksums */
#define WINDOW		32
#define SLOTS		(SZ_2M / sizeof(uint64_t))
#define PP_MAGIC	0x9090000000000000ull

#define ATOMIC_ROUNDS	50
#define ATOMIC_INCS	16

#define RACE_THREADS	8
#define RACE_MAX_DEVS	4
#define RACE_JOBS	100
#define RACE_INCS	4

#define STREAM_SIZE	(8 * SZ_1M)
#define STREAM_PHASES	3
#define STREAM_JOBS	4

/* Seconds a subtest's child may take: generous, TCG is slow. */
#define WATCHDOG_S	100
#define NSEC		1000000000ull
/* Longest wait phase-change accepts for the pin to end */
#define PHASE_MAX_NS	(60 * NSEC)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / NSEC, .tv_nsec = ns % NSEC };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static uint64_t block_pages(void)
{
	return SZ_2M / svm_page_size();
}

/*
 * Settings: the module parameter and the tunables, saved before the
 * first change and written back after every subtest, at exit, and from
 * the crash and timeout signals, so that a failure leaves the system as
 * it was.
 */

#define MAX_SAVED	16

static struct {
	char path[128];
	char value[64];
	size_t len;
} saved[MAX_SAVED];
static volatile sig_atomic_t num_saved;
static pid_t saved_owner;

/* Async-signal-safe: the signal handlers call it too. */
static void settings_restore(void)
{
	ssize_t ret;
	int i, fd;

	if (getpid() != saved_owner)
		return;
	for (i = num_saved; i-- > 0;) {
		fd = open(saved[i].path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ret = write(fd, saved[i].value, saved[i].len);
		(void)ret;
		close(fd);
	}
	num_saved = 0;
}

static int __file_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static int __file_write(const char *path, const char *value)
{
	size_t len = strlen(value);
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, len) != (ssize_t)len)
		err = -errno ?: -EIO;
	close(fd);
	return err;
}

static uint64_t file_u64(const char *path)
{
	char buf[64];
	int n = __file_read(path, buf, sizeof(buf));

	igt_assert_f(n > 0, "%s: %s\n", path, strerror(n ? -n : ENODATA));
	return strtoull(buf, NULL, 0);
}

/* Writes @value to @path, having saved what it held first. */
static void setting_write(const char *path, const char *value)
{
	int i, n, err;

	for (i = 0; i < num_saved; i++)
		if (!strcmp(saved[i].path, path))
			break;
	if (i == num_saved) {
		igt_assert(i < MAX_SAVED);
		snprintf(saved[i].path, sizeof(saved[i].path), "%s", path);
		n = __file_read(path, saved[i].value, sizeof(saved[i].value));
		igt_assert_f(n > 0, "%s: %s\n", path,
			     strerror(n ? -n : ENODATA));
		saved[i].len = n;
		num_saved = i + 1;
	}
	err = __file_write(path, value);
	igt_assert_f(err == 0, "write %s to %s: %s\n", value, path,
		     strerror(-err));
}

static void tunable_path(char *path, size_t len, const char *name)
{
	snprintf(path, len, POLICY_DIR "/%s", name);
}

static uint64_t tunable(const char *name)
{
	char path[128];

	tunable_path(path, sizeof(path), name);
	return file_u64(path);
}

static void tunable_set(const char *name, uint64_t value)
{
	char path[128], buf[32];

	tunable_path(path, sizeof(path), name);
	snprintf(buf, sizeof(buf), "%" PRIu64 "\n", value);
	setting_write(path, buf);
	igt_assert_eq_u64(tunable(name), value);
}

/* Blocks tracked now, all processes. */
static uint64_t policy_blocks(void)
{
	return tunable("blocks");
}

static bool policy_enabled(void)
{
	char buf[8] = "";

	igt_assert_lt(0, __file_read(POLICY_PARAM, buf, sizeof(buf)));
	return buf[0] == 'Y' || buf[0] == '1';
}

/* Sets the module parameter to @value ("Y", "N", "1", "0"). */
static void policy_param(const char *value, bool expected)
{
	setting_write(POLICY_PARAM, value);
	igt_assert_eq(policy_enabled(), expected);
}

/*
 * The watchdog: an alarm that says what did not finish, well within the
 * runner's timeout of the whole program. Its handler, and those of the
 * crash signals, restore the settings and then do what the handler they
 * replaced does (for SIGALRM, by default, end the process).
 */

static const int chained[] = { SIGALRM, SIGBUS, SIGSEGV, SIGABRT };
static struct sigaction chained_old[ARRAY_SIZE(chained)];
static volatile sig_atomic_t watchdog_armed;
static const char *watchdog_what = "";
static unsigned int watchdog_prev;
static uint64_t watchdog_start;

static void say(const char *s)
{
	ssize_t ret = write(STDERR_FILENO, s, strlen(s));

	(void)ret;
}

static void chain_handler(int sig)
{
	const struct sigaction *old = NULL;
	size_t i;

	if (sig == SIGALRM && watchdog_armed && getpid() == saved_owner) {
		say("watchdog: ");
		say(watchdog_what);
		say(" did not finish in time (livelock?)\n");
	}
	settings_restore();
	for (i = 0; i < ARRAY_SIZE(chained); i++)
		if (chained[i] == sig)
			old = &chained_old[i];
	if (old && old->sa_handler == SIG_IGN)
		return;
	if (!old || old->sa_handler == SIG_DFL) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	old->sa_handler(sig);
}

static void install_restore(void)
{
	struct sigaction sa = { .sa_flags = SA_ONSTACK };
	size_t i;

	saved_owner = getpid();
	atexit(settings_restore);
	sa.sa_handler = chain_handler;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(chained); i++)
		igt_assert_eq(sigaction(chained[i], &sa, &chained_old[i]), 0);
}

static void watchdog_arm(unsigned int secs, const char *what)
{
	unsigned int prev = alarm(0);

	/* Never later than an alarm already set would have fired. */
	if (prev && prev < secs)
		secs = prev;
	watchdog_prev = prev;
	watchdog_start = now_ns();
	watchdog_what = what;
	watchdog_armed = 1;
	alarm(secs);
}

static void watchdog_disarm(void)
{
	uint64_t spent = (now_ns() - watchdog_start) / NSEC;

	watchdog_armed = 0;
	alarm(0);
	if (watchdog_prev)
		alarm(watchdog_prev > spent + 1 ? watchdog_prev - spent : 1);
}

/* What each subtest starts from: the settings as found, the policy on. */
static void subtest_begin(void)
{
	watchdog_armed = 0;
	settings_restore();
	policy_param("Y", true);
}

/*
 * Child processes: each subtest's work runs in one, with render nodes
 * of its own, so that its policy state and fdinfo are its own.
 */

static void child_reopen(void)
{
	int i, fd;

	for (i = 0; i < num_devs; i++) {
		fd = vsvm_open_render(devs[i].index);
		igt_assert_fd(fd);
		close(devs[i].fd);
		devs[i].fd = fd;
	}
}

static void run_child(void (*fn)(const void *), const void *arg,
		      const char *what)
{
	watchdog_arm(WATCHDOG_S, what);
	igt_fork(child, 1) {
		child_reopen();
		fn(arg);
	}
	igt_waitchildren();
	watchdog_disarm();
}

/*
 * Counters: the core's migration counters and the policy's events, of
 * every device
 */

enum {
	P_THRASH,
	P_THROTTLES,
	P_PINS,
	P_PROBES,
	P_REMOTE,
	P_CACHE,
	P_WAITS,
	P_NKEYS,
};

static const char *const policy_keys[P_NKEYS] = {
	[P_THRASH] = "policy_thrash",
	[P_THROTTLES] = "policy_throttles",
	[P_PINS] = "policy_pins",
	[P_PROBES] = "policy_probes",
	[P_REMOTE] = "policy_remote_faults",
	[P_CACHE] = "policy_cache_hits",
	[P_WAITS] = "policy_waits",
};

struct snap {
	struct svm_dev_stats st[MAX_DEVS];
	uint64_t pol[MAX_DEVS][P_NKEYS];
};

static void snap_take(struct snap *s)
{
	int i;

	for (i = 0; i < num_devs; i++) {
		s->st[i] = svm_dev_stats(&devs[i]);
		svm_dev_keys(&devs[i], policy_keys, P_NKEYS, s->pol[i]);
	}
}

/* The policy event @key counted on all devices since @s. */
static uint64_t snap_events(const struct snap *s, int key)
{
	uint64_t v[P_NKEYS], sum = 0;
	int i;

	for (i = 0; i < num_devs; i++) {
		svm_dev_keys(&devs[i], policy_keys, P_NKEYS, v);
		sum += v[key] - s->pol[i][key];
	}
	return sum;
}

/*
 * 2 MiB moves since @s, on all devices: pages into VRAM (from system
 * memory or, directly, from a peer) and pages out to system memory, in
 * chunks. Prints the counters of each device that changed.
 */
static uint64_t snap_moves(const struct snap *s, const char *what)
{
	uint64_t pages = 0, v[P_NKEYS];
	struct stat_delta d;
	unsigned int k;
	int i;

	for (i = 0; i < num_devs; i++) {
		d = stat_delta(&devs[i], &s->st[i]);
		svm_dev_keys(&devs[i], policy_keys, P_NKEYS, v);
		pages += d.to_vram + d.to_ram;
		igt_info("%s: vsvm%u: to_vram +%" PRIu64 " to_ram +%" PRIu64
			 " from_peer +%" PRIu64 " bounces +%" PRIu64 "\n",
			 what, devs[i].index, d.to_vram, d.to_ram,
			 d.from_peer, d.bounces);
		for (k = 0; k < P_NKEYS; k++)
			if (v[k] != s->pol[i][k])
				igt_info("%s: vsvm%u: %s +%" PRIu64 "\n", what,
					 devs[i].index, policy_keys[k],
					 v[k] - s->pol[i][k]);
	}
	return (pages + block_pages() - 1) / block_pages();
}

/*
 * Block state checks
 */

static void assert_untracked(const struct drm_svm_block_policy *b,
			     const char *what)
{
	bool zero = !b->home && !b->home_device && !b->backoff &&
		    !b->moves && !b->contenders && !b->lapse_ns &&
		    !b->epoch_ns && !b->pin_left_ns;

	if (b->state != DRM_SVM_POLICY_UNTRACKED || !zero)
		svm_block_print(what, b);
	igt_assert_f(b->state == DRM_SVM_POLICY_UNTRACKED,
		     "%s: block is %s, not UNTRACKED\n", what,
		     svm_policy_state_str(b->state));
	igt_assert_f(zero, "%s: UNTRACKED block with non-zero fields\n", what);
}

/* What the contract says of any tracked block at @start. */
static void assert_tracked(const struct drm_svm_block_policy *b,
			   const void *start, const char *what)
{
	uint64_t lmin = tunable("lapse_min_us") * 1000;
	uint64_t lmax = tunable("lapse_max_us") * 1000;

	svm_block_print(what, b);
	igt_assert_f(b->state >= DRM_SVM_POLICY_NORMAL &&
		     b->state <= DRM_SVM_POLICY_PROBE, "%s: state %u\n", what,
		     b->state);
	igt_assert_eq_u64(b->start, to_u64(start));
	igt_assert_f(b->lapse_ns >= lmin && b->lapse_ns <= lmax,
		     "%s: lapse %" PRIu64 " ns outside [%" PRIu64 ", %" PRIu64
		     "]\n", what, (uint64_t)b->lapse_ns, lmin, lmax);
	igt_assert(b->epoch_ns >= b->lapse_ns);
	if (b->state == DRM_SVM_POLICY_PINNED) {
		igt_assert(b->home == DRM_SVM_RESIDENT_SYSTEM ||
			   b->home == DRM_SVM_RESIDENT_DEVICE);
		igt_assert_f(b->pin_left_ns <= b->epoch_ns,
			     "%s: pin left %" PRIu64 " ns, longer than the "
			     "epoch\n", what, (uint64_t)b->pin_left_ns);
	} else {
		igt_assert_eq_u32(b->home, DRM_SVM_RESIDENT_NONE);
	}
}

/* The state of the block of @ptr, bound at its CPU address in @c's VM. */
static struct drm_svm_block_policy block_of(const struct ctx *c,
					    const void *ptr)
{
	struct drm_svm_block_policy b;

	free(svm_residency_blocks(c->fd, c->vm, to_u64(ptr), 1, &b));
	return b;
}

static bool all_on(const struct drm_svm_page_residency *r, uint64_t n,
		   const struct mig_dev *d)
{
	return mig_residency_bad(d, r, n, DEVICE, true, false) < 0;
}

/*
 * The ping-pong driver: one 2 MiB block bound in a VM on each of two
 * devices, which take turns. A job writes the next word of the block
 * (its own value), reads every page, and checksums the words written
 * last by both devices; in atomic mode it increments the counter in the
 * first word instead and checks the count the other device left. The
 * shadow is what the block must hold.
 */

struct pingpong {
	struct ctx c[2];
	uint8_t *buf;
	uint64_t *shadow;
	uint64_t jobs;
	bool atomic;
};

static void pp_init(struct pingpong *pp, const struct mig_dev *a,
		    const struct mig_dev *b, bool atomic)
{
	int i;

	memset(pp, 0, sizeof(*pp));
	ctx_init(&pp->c[0], a);
	ctx_init(&pp->c[1], b);
	pp->buf = svm_alloc_aligned(SZ_2M, SZ_2M);
	memset(pp->buf, 0, SZ_2M);
	for (i = 0; i < 2; i++)
		svm_bind_ptr(pp->c[i].fd, pp->c[i].vm, pp->buf, SZ_2M, 0);
	pp->shadow = calloc(SLOTS, sizeof(uint64_t));
	igt_assert(pp->shadow);
	pp->atomic = atomic;
}

static void pp_fini(struct pingpong *pp)
{
	ctx_fini(&pp->c[1]);
	ctx_fini(&pp->c[0]);
	munmap(pp->buf, SZ_2M);
	free(pp->shadow);
}

static void pp_job_store(struct pingpong *pp, int i)
{
	struct ctx *c = &pp->c[i];
	uint64_t k = pp->jobs++, lo = k >= WINDOW ? k - WINDOW : 0;
	uint64_t *sum, want;

	igt_assert(k < SLOTS);
	pp->shadow[k] = PP_MAGIC | k << 8 | c->d->index;
	svm_batch_reset(&c->b);
	/* A write first: the block is written-shared. */
	cmd_store(&c->b, to_u64(pp->buf + 8 * k), pp->shadow[k]);
	cmd_touch(&c->b, to_u64(pp->buf), SZ_2M);
	sum = cmd_checksum(&c->b, to_u64(pp->buf + 8 * lo), 8 * (k + 1 - lo));
	cmd_end(&c->b);
	run_ok(c, "ping-pong job");
	want = svm_checksum(pp->shadow + lo, 8 * (k + 1 - lo));
	igt_assert_f(*sum == want, "job %" PRIu64 " on vsvm%u: checksum %#"
		     PRIx64 " of words %" PRIu64 "-%" PRIu64 ", expected %#"
		     PRIx64 "\n", k, c->d->index, *sum, lo, k, want);
}

static void pp_job_atomic(struct pingpong *pp, int i)
{
	const uint64_t w[] = { VSVM_CMD_ATOMIC_ADD, to_u64(pp->buf), 1, 0 };
	struct ctx *c = &pp->c[i];
	uint64_t *old;
	unsigned int n;

	pp->jobs++;
	svm_batch_reset(&c->b);
	for (n = 0; n < ATOMIC_INCS - 1; n++)
		cmd_emit(&c->b, w, ARRAY_SIZE(w));
	old = cmd_atomic_add(&c->b, to_u64(pp->buf), 1);
	cmd_touch(&c->b, to_u64(pp->buf), SZ_2M);
	cmd_end(&c->b);
	run_ok(c, "atomics job");
	igt_assert_f(*old == pp->shadow[0] + ATOMIC_INCS - 1,
		     "job %" PRIu64 " on vsvm%u: count %" PRIu64 " before "
		     "its last increment, expected %" PRIu64 "\n", pp->jobs,
		     c->d->index, *old, pp->shadow[0] + ATOMIC_INCS - 1);
	pp->shadow[0] += ATOMIC_INCS;
}

static void pp_job(struct pingpong *pp, int i)
{
	if (pp->atomic)
		pp_job_atomic(pp, i);
	else
		pp_job_store(pp, i);
}

static void pp_round(struct pingpong *pp)
{
	pp_job(pp, 0);
	pp_job(pp, 1);
}

/* The block's state; its residency in *@pages if wanted, to free. */
static struct drm_svm_block_policy
pp_block(struct pingpong *pp, struct drm_svm_page_residency **pages)
{
	struct drm_svm_block_policy b;
	struct drm_svm_page_residency *r;

	r = svm_residency_blocks(pp->c[0].fd, pp->c[0].vm, to_u64(pp->buf),
				 block_pages(), &b);
	if (pages)
		*pages = r;
	else
		free(r);
	return b;
}

/* The CPU reads the whole block: every word as the devices left it. */
static void pp_check_cpu(struct pingpong *pp)
{
	svm_assert_mem_eq(pp->buf, pp->shadow, SZ_2M);
}

/* Which of the two devices @b is pinned at. */
static int pp_home(struct pingpong *pp, const struct drm_svm_block_policy *b)
{
	int i;

	igt_assert_f(b->home == DRM_SVM_RESIDENT_DEVICE,
		     "pinned at %s, not at a device\n",
		     svm_location_str(b->home));
	for (i = 0; i < 2; i++)
		if (b->home_device == pp->c[i].d->svm_id)
			return i;
	igt_assert_f(false, "pinned at SVM device %u, not one of the pair\n",
		     b->home_device);
	return -1;
}

/* Rounds until the block is PINNED; its state. */
static struct drm_svm_block_policy pp_until_pinned(struct pingpong *pp)
{
	struct drm_svm_block_policy b = {};
	int round;

	for (round = 1; round <= PIN_ROUNDS; round++) {
		pp_round(pp);
		b = pp_block(pp, NULL);
		if (b.state == DRM_SVM_POLICY_PINNED) {
			igt_info("pinned after %d rounds\n", round);
			assert_tracked(&b, pp->buf, "pinned");
			return b;
		}
	}
	svm_block_print("not pinned", &b);
	igt_assert_f(false, "block not PINNED after %d rounds\n", PIN_ROUNDS);
	return b;
}

/* A job on each device, then on the one away from home; up to 3 times. */
static struct drm_svm_block_policy
pp_settle_pinned(struct pingpong *pp, struct drm_svm_page_residency **pages)
{
	struct drm_svm_block_policy b = {};
	int attempt, home;

	for (attempt = 0; attempt < 3; attempt++) {
		pp_round(pp);
		b = pp_block(pp, NULL);
		if (b.state != DRM_SVM_POLICY_PINNED)
			continue;
		home = pp_home(pp, &b);
		pp_job(pp, !home);
		b = pp_block(pp, pages);
		if (b.state == DRM_SVM_POLICY_PINNED &&
		    pp_home(pp, &b) == home)
			return b;
		free(*pages);
	}
	svm_block_print("not pinned", &b);
	igt_assert_f(false, "block not PINNED after one more round, %d times\n",
		     attempt);
	return b;
}

/* A bit per state for print_states(); bit 31 for an unknown one. */
static unsigned int state_bit(uint32_t state)
{
	return state <= DRM_SVM_POLICY_PROBE ? 1u << state : 1u << 31;
}

static void print_states(unsigned int seen)
{
	char line[128] = "";
	uint32_t s;

	for (s = DRM_SVM_POLICY_UNTRACKED; s <= DRM_SVM_POLICY_PROBE; s++)
		if (seen & 1u << s)
			snprintf(line + strlen(line),
				 sizeof(line) - strlen(line), " %s",
				 svm_policy_state_str(s));
	igt_info("states seen after rounds:%s%s\n", line,
		 seen & 1u << 31 ? " (unknown)" : "");
}

/*
 * A first job, which places the block in the first device's VRAM, then
 * @rounds rounds; the moves the rounds took.
 */
static uint64_t pp_rounds(struct pingpong *pp, int rounds,
			  struct snap *before, const char *what)
{
	unsigned int seen = 0;
	uint64_t moves;
	int round;

	pp_job(pp, 0);
	snap_take(before);
	for (round = 0; round < rounds; round++) {
		pp_round(pp);
		seen |= state_bit(pp_block(pp, NULL).state);
	}
	moves = snap_moves(before, what);
	print_states(seen);
	igt_info("%s: %d rounds, %" PRIu64 " moves of 2 MiB\n", what, rounds,
		 moves);
	return moves;
}

/*
 * The moves of the process between the devices of @pp, by fdinfo of the
 * first one (vsvm-moves-<from>-<to>), both ways.
 */
static uint64_t pp_fdinfo_moves(struct pingpong *pp)
{
	uint64_t n = 0, v = 0;
	char key[64];
	int i;

	for (i = 0; i < 2; i++) {
		snprintf(key, sizeof(key), "vsvm-moves-%u-%u",
			 pp->c[i].d->svm_id, pp->c[!i].d->svm_id);
		if (!__svm_fdinfo(pp->c[0].fd, key, &v))
			n += v;
	}
	return n;
}

/* pingpong-gpu-gpu */

struct pair_arg {
	const struct mig_dev *a, *b;
};

static void pingpong_gpu_gpu(const void *data)
{
	const struct pair_arg *p = data;
	struct drm_svm_page_residency *r;
	struct drm_svm_block_policy b;
	struct pingpong pp;
	struct snap before;
	uint64_t moves;
	int home;

	pp_init(&pp, p->a, p->b, false);
	moves = pp_rounds(&pp, ROUNDS, &before, "gpu-gpu");
	igt_assert_f(moves <= PP_MAX_MOVES, "%" PRIu64 " moves, at most %d "
		     "expected\n", moves, PP_MAX_MOVES);
	igt_assert_eq_u64(pp_fdinfo_moves(&pp), moves);
	igt_assert_lte(1, snap_events(&before, P_THRASH));
	igt_assert_lte(1, snap_events(&before, P_PINS));

	b = pp_settle_pinned(&pp, &r);
	assert_tracked(&b, pp.buf, "settled");
	home = pp_home(&pp, &b);
	igt_assert_f(b.contenders & 1u << p->a->svm_id &&
		     b.contenders & 1u << p->b->svm_id,
		     "contenders %#x lack a device of the pair\n",
		     b.contenders);
	igt_info("home vsvm%u, vsvm%u maps it remotely\n",
		 pp.c[home].d->index, pp.c[!home].d->index);
	igt_assert_f(all_on(r, block_pages(), pp.c[home].d),
		     "block not resident at its home\n");
	assert_mapped_by(r, block_pages(), pp.c[!home].d, true);
	free(r);

	pp_check_cpu(&pp);
	pp_fini(&pp);
}

static void test_pingpong_gpu_gpu(void)
{
	struct pair_arg p;

	find_pair(PAIR_DIRECT, &p.a, &p.b);
	run_child(pingpong_gpu_gpu, &p, "pingpong-gpu-gpu");
}

/* pingpong-cpu-gpu */

static void pingpong_cpu_gpu(const void *data)
{
	const struct mig_dev *d = data;
	uint64_t *shadow = calloc(SLOTS, sizeof(uint64_t));
	uint64_t k = 0, lo, moves, *sum, want;
	struct drm_svm_block_policy b;
	volatile uint64_t *words;
	struct snap before;
	struct ctx c;
	uint8_t *buf;
	int round;

	igt_assert(shadow);
	ctx_init(&c, d);
	buf = ctx_buf(&c, SZ_2M);
	memset(buf, 0, SZ_2M);
	words = (volatile uint64_t *)buf;
	snap_take(&before);

	for (round = 0; round < ROUNDS; round++) {
		/* The CPU sees every word so far, then writes its own. */
		svm_assert_mem_eq(buf, shadow, 8 * k);
		shadow[k] = PP_MAGIC | k << 8 | 0xcc;
		words[k] = shadow[k];
		k++;

		/* The device writes its word and sees the CPU's. */
		lo = k >= WINDOW ? k - WINDOW : 0;
		shadow[k] = PP_MAGIC | k << 8 | d->index;
		svm_batch_reset(&c.b);
		cmd_store(&c.b, to_u64(buf + 8 * k), shadow[k]);
		cmd_touch(&c.b, to_u64(buf), SZ_2M);
		sum = cmd_checksum(&c.b, to_u64(buf + 8 * lo), 8 * (k + 1 - lo));
		cmd_end(&c.b);
		run_ok(&c, "cpu-gpu job");
		want = svm_checksum(shadow + lo, 8 * (k + 1 - lo));
		igt_assert_f(*sum == want, "round %d: device checksum %#"
			     PRIx64 ", expected %#" PRIx64 "\n", round, *sum,
			     want);
		k++;
	}
	svm_assert_mem_eq(buf, shadow, SZ_2M);

	moves = snap_moves(&before, "cpu-gpu");
	b = block_of(&c, buf);
	igt_info("%s VRAM: %d rounds, %" PRIu64 " moves of 2 MiB\n",
		 mig_mode_str(d->vram_mode), ROUNDS, moves);
	svm_block_print("cpu-gpu", &b);
	igt_assert_f(moves <= CPU_MAX_MOVES, "%" PRIu64 " moves, at most %d "
		     "expected\n", moves, CPU_MAX_MOVES);

	ctx_fini(&c);
	munmap(buf, SZ_2M);
	free(shadow);
}

static void test_pingpong_cpu_gpu(void)
{
	run_child(pingpong_cpu_gpu, &devs[0], "pingpong-cpu-gpu");
}

/* policy-off */

static void policy_off(const void *data)
{
	const struct pair_arg *p = data;
	struct drm_svm_page_residency *r;
	struct drm_svm_block_policy b;
	struct pingpong pp;
	struct snap before;
	uint64_t moves;
	int k;

	pp_init(&pp, p->a, p->b, false);
	moves = pp_rounds(&pp, ROUNDS, &before, "policy off");
	igt_assert_f(moves >= ROUNDS - 1, "%" PRIu64 " moves in %d rounds "
		     "without the policy\n", moves, ROUNDS);
	/* Each move counted once, for its pair */
	igt_assert_eq_u64(pp_fdinfo_moves(&pp), moves);
	for (k = P_THRASH; k <= P_PROBES; k++)
		igt_assert_f(snap_events(&before, k) == 0,
			     "%s counted with the policy off\n",
			     policy_keys[k]);

	b = pp_block(&pp, &r);
	assert_untracked(&b, "policy off");
	igt_assert_f(all_on(r, block_pages(), pp.c[1].d),
		     "block not in the VRAM of the device that ran last\n");
	free(r);

	pp_check_cpu(&pp);
	pp_fini(&pp);
}

static void test_policy_off(void)
{
	struct pair_arg p;

	find_pair(PAIR_DIRECT, &p.a, &p.b);
	policy_param("N", false);
	run_child(policy_off, &p, "policy-off");
}

/* single-owner */

#define STREAM_SEED	0x57e40000u

struct stream_arg {
	const struct mig_dev *d;
	uint64_t gap_ns;
};

static void single_owner(const void *data)
{
	const struct stream_arg *s = data;
	struct drm_svm_block_policy b[STREAM_SIZE / SZ_2M];
	uint64_t want, *sum, moves;
	struct snap before;
	uint32_t value = 0;
	struct ctx c;
	char what[32];
	uint8_t *buf;
	int phase, job, k;
	unsigned int i;

	ctx_init(&c, s->d);
	buf = ctx_buf(&c, STREAM_SIZE);
	svm_pattern_fill(buf, STREAM_SIZE, STREAM_SEED);
	want = pattern_sum(STREAM_SEED, STREAM_SIZE);
	snap_take(&before);

	for (phase = 0; phase < STREAM_PHASES; phase++) {
		for (job = 0; job < STREAM_JOBS; job++) {
			value = STREAM_SEED + phase * STREAM_JOBS + job + 1;
			svm_batch_reset(&c.b);
			sum = cmd_checksum(&c.b, to_u64(buf), STREAM_SIZE);
			cmd_fill(&c.b, to_u64(buf), STREAM_SIZE, value);
			cmd_end(&c.b);
			run_ok(&c, "stream job");
			igt_assert_eq_u64(*sum, want);
			want = svm_checksum_fill(value, STREAM_SIZE);
		}
		/* Long after the device's last move, the CPU reads. */
		sleep_ns(s->gap_ns);
		svm_assert_value(buf, STREAM_SIZE, value);
		sleep_ns(s->gap_ns);
	}

	moves = snap_moves(&before, "single owner");
	igt_info("%s VRAM: %" PRIu64 " moves of 2 MiB, gaps of %" PRIu64
		 " ms\n", mig_mode_str(s->d->vram_mode), moves,
		 s->gap_ns / 1000000);
	for (k = P_THRASH; k <= P_PINS; k++)
		igt_assert_f(snap_events(&before, k) == 0,
			     "%s counted for a single owner\n",
			     policy_keys[k]);
	free(svm_residency_blocks(c.fd, c.vm, to_u64(buf),
				  STREAM_SIZE / svm_page_size(), b));
	for (i = 0; i < ARRAY_SIZE(b); i++) {
		snprintf(what, sizeof(what), "block %u", i);
		assert_untracked(&b[i], what);
	}
	igt_assert_eq_u64(svm_fdinfo(c.fd, "vsvm-policy-blocks"), 0);
	igt_assert_eq_u64(svm_fdinfo(c.fd, "vsvm-policy-bytes"), 0);

	ctx_fini(&c);
	munmap(buf, STREAM_SIZE);
}

static void test_single_owner(void)
{
	struct stream_arg s = { .d = &devs[0] };

	/* Two of the longest lapses, and some. */
	s.gap_ns = 2 * tunable("lapse_max_us") * 1000 + 20 * 1000000ull;
	igt_require_f(s.gap_ns <= 5 * NSEC, "lapse_max_us %" PRIu64 " too "
		      "long for this test\n", tunable("lapse_max_us"));
	run_child(single_owner, &s, "single-owner");
}

/* phase-change */

static void phase_change(const void *data)
{
	const struct pair_arg *p = data;
	struct drm_svm_page_residency *r;
	struct drm_svm_block_policy b;
	uint64_t wait, start, spent;
	unsigned int seen = 0;
	struct pingpong pp;
	struct snap before;
	bool moved;
	int d;

	pp_init(&pp, p->a, p->b, false);
	pp_job(&pp, 0);
	/* Before the pin, so that a probe right after it counts too. */
	snap_take(&before);
	b = pp_until_pinned(&pp);
	d = !pp_home(&pp, &b);
	wait = 2 * b.epoch_ns + NSEC;
	igt_assert_f(wait <= PHASE_MAX_NS, "epoch of %" PRIu64 " ms too long "
		     "for this test\n", (uint64_t)b.epoch_ns / 1000000);
	igt_info("pinned at vsvm%u; vsvm%u alone from now on, for up to %"
		 PRIu64 " ms\n", pp.c[!d].d->index, pp.c[d].d->index,
		 wait / 1000000);

	start = now_ns();
	do {
		pp_job(&pp, d);
		b = pp_block(&pp, &r);
		moved = all_on(r, block_pages(), pp.c[d].d);
		free(r);
		seen |= state_bit(b.state);
		if (!moved)
			sleep_ns(NSEC / 1000);
	} while (!moved && now_ns() - start < wait);
	spent = now_ns() - start;

	print_states(seen);
	svm_block_print("phase change", &b);
	snap_moves(&before, "phase change");
	igt_assert_f(moved, "block not in vsvm%u's VRAM after %" PRIu64
		     " ms\n", pp.c[d].d->index, spent / 1000000);
	igt_info("in vsvm%u's VRAM after %" PRIu64 " ms\n", pp.c[d].d->index,
		 spent / 1000000);
	igt_assert_lte(1, snap_events(&before, P_PROBES));

	pp_job(&pp, d);
	pp_check_cpu(&pp);
	pp_fini(&pp);
}

static void test_phase_change(void)
{
	struct pair_arg p;

	find_pair(PAIR_DIRECT, &p.a, &p.b);
	run_child(phase_change, &p, "phase-change");
}

/* prefetch-reset */

static void prefetch_reset(const void *data)
{
	const struct pair_arg *p = data;
	struct drm_svm_page_residency *r;
	struct drm_svm_block_policy b;
	struct pingpong pp;
	uint64_t moved;
	int home, d;

	pp_init(&pp, p->a, p->b, false);
	pp_job(&pp, 0);
	b = pp_until_pinned(&pp);
	home = pp_home(&pp, &b);
	d = !home;
	b = pp_block(&pp, &r);
	igt_assert_f(all_on(r, block_pages(), pp.c[home].d),
		     "pinned block not at its home vsvm%u\n",
		     pp.c[home].d->index);
	free(r);

	moved = svm_prefetch(pp.c[d].fd, pp.c[d].vm, to_u64(pp.buf), SZ_2M,
			     DRM_SVM_REGION_DEVICE);
	b = pp_block(&pp, &r);
	igt_info("prefetch to vsvm%u moved %" PRIu64 " pages\n",
		 pp.c[d].d->index, moved);
	svm_block_print("after prefetch", &b);
	igt_assert_eq_u64(moved, block_pages());
	igt_assert_eq(mig_residency_bad(pp.c[d].d, r, block_pages(), DEVICE,
					true, true), -1);
	free(r);
	igt_assert_f(b.state == DRM_SVM_POLICY_NORMAL, "block %s after the "
		     "prefetch, not NORMAL\n", svm_policy_state_str(b.state));
	igt_assert_eq_u32(b.home, DRM_SVM_RESIDENT_NONE);
	igt_assert_lte(b.moves, 1);
	igt_assert_eq_u32(b.backoff, 0);

	pp_job(&pp, d);
	pp_check_cpu(&pp);
	pp_fini(&pp);
}

static void test_prefetch_reset(void)
{
	struct pair_arg p;

	find_pair(PAIR_DIRECT, &p.a, &p.b);
	run_child(prefetch_reset, &p, "prefetch-reset");
}

/* race */

struct racer {
	pthread_t thread;
	pthread_barrier_t *start;
	struct ctx c;
	struct svm_fence *f;
	uint64_t *priv;
	char error[256];
};

static void *racer_run(void *data)
{
	struct racer *t = data;
	struct drm_vsvm_job_query q = {};
	unsigned int j;
	int err;

	pthread_barrier_wait(t->start);
	for (j = 0; j < RACE_JOBS; j++) {
		err = __svm_run(t->c.fd, t->c.vm, svm_batch_addr(&t->c.b),
				svm_batch_len(&t->c.b), t->f, &q);
		if (err || q.status != DRM_VSVM_JOB_DONE || q.error ||
		    t->f->error) {
			snprintf(t->error, sizeof(t->error),
				 "job %u: err %d status %s error %d fence "
				 "error %" PRId64 " fault %#" PRIx64, j, err,
				 svm_job_status_str(q.status), q.error,
				 (int64_t)t->f->error,
				 (uint64_t)q.fault.address);
			break;
		}
	}
	return NULL;
}

static void race(const void *data)
{
	const uint64_t w[] = { VSVM_CMD_ATOMIC_ADD, 0, 1, 0 };
	const int ndev = *(const int *)data;
	struct racer *t = calloc(RACE_THREADS, sizeof(*t));
	uint64_t size = (1 + RACE_THREADS) * SZ_2M, *shared, moves, start;
	struct drm_svm_block_policy b;
	pthread_barrier_t barrier;
	uint64_t cmd[ARRAY_SIZE(w)];
	struct snap before;
	char what[32];
	unsigned int i, n;
	uint8_t *buf;

	igt_assert(t);
	buf = svm_alloc_aligned(size, SZ_2M);
	shared = (uint64_t *)buf;
	igt_assert_eq(pthread_barrier_init(&barrier, NULL, RACE_THREADS), 0);
	for (i = 0; i < RACE_THREADS; i++) {
		ctx_init(&t[i].c, &devs[i % ndev]);
		t[i].start = &barrier;
		t[i].priv = (uint64_t *)(buf + (1 + i) * SZ_2M);
		t[i].f = svm_fence_create();
		svm_bind_ptr(t[i].c.fd, t[i].c.vm, shared, SZ_2M, 0);
		svm_bind_ptr(t[i].c.fd, t[i].c.vm, t[i].priv, SZ_2M, 0);

		memcpy(cmd, w, sizeof(cmd));
		svm_batch_reset(&t[i].c.b);
		cmd[1] = to_u64(shared);
		for (n = 0; n < RACE_INCS; n++)
			cmd_emit(&t[i].c.b, cmd, ARRAY_SIZE(cmd));
		cmd[1] = to_u64(t[i].priv);
		cmd_emit(&t[i].c.b, cmd, ARRAY_SIZE(cmd));
		cmd_end(&t[i].c.b);
	}

	snap_take(&before);
	start = now_ns();
	for (i = 0; i < RACE_THREADS; i++)
		igt_assert_eq(pthread_create(&t[i].thread, NULL, racer_run,
					     &t[i]), 0);
	for (i = 0; i < RACE_THREADS; i++)
		igt_assert_eq(pthread_join(t[i].thread, NULL), 0);
	igt_info("%d threads on %d devices, %d jobs each: %" PRIu64 " ms\n",
		 RACE_THREADS, ndev, RACE_JOBS, (now_ns() - start) / 1000000);
	for (i = 0; i < RACE_THREADS; i++)
		igt_assert_f(!t[i].error[0], "thread %u on vsvm%u: %s\n", i,
			     t[i].c.d->index, t[i].error);

	moves = snap_moves(&before, "race");
	b = block_of(&t[0].c, shared);
	svm_block_print("shared block", &b);
	igt_info("%" PRIu64 " moves of 2 MiB\n", moves);
	/* Before the CPU touches anything. */
	for (i = 0; i < RACE_THREADS; i++) {
		snprintf(what, sizeof(what), "private block %u", i);
		b = block_of(&t[i].c, t[i].priv);
		assert_untracked(&b, what);
	}
	igt_assert_eq_u64(*shared,
			  (uint64_t)RACE_THREADS * RACE_JOBS * RACE_INCS);
	for (i = 0; i < RACE_THREADS; i++)
		igt_assert_eq_u64(*t[i].priv, RACE_JOBS);

	for (i = 0; i < RACE_THREADS; i++) {
		svm_fence_destroy(t[i].f);
		ctx_fini(&t[i].c);
	}
	pthread_barrier_destroy(&barrier);
	munmap(buf, size);
	free(t);
}

static void test_race(void)
{
	int ndev = num_devs < RACE_MAX_DEVS ? num_devs : RACE_MAX_DEVS;

	run_child(race, &ndev, "race");
}

/* atomics-2dev */

/* Two devices that do atomics in each other's memory over their link. */
static void find_atomics_pair(struct pair_arg *p)
{
	const struct drm_svm_topology_link *ab, *ba;
	int i, j;

	for (i = 0; i < num_devs; i++) {
		for (j = 0; j < num_devs; j++) {
			if (i == j || !reaches(&devs[i], &devs[j]) ||
			    !reaches(&devs[j], &devs[i]))
				continue;
			ab = link_of(devs[i].svm_id, devs[j].svm_id);
			ba = link_of(devs[j].svm_id, devs[i].svm_id);
			if (!(ab->flags & ba->flags & DRM_SVM_LINK_ATOMICS))
				continue;
			p->a = &devs[i];
			p->b = &devs[j];
			igt_info("pair: vsvm%u, vsvm%u\n", devs[i].index,
				 devs[j].index);
			return;
		}
	}
	igt_skip("no two devices with atomics over their link\n");
}

static void atomics_2dev(const void *data)
{
	const struct pair_arg *p = data;
	struct drm_svm_block_policy b;
	struct pingpong pp;
	struct snap before;
	uint64_t moves;

	pp_init(&pp, p->a, p->b, true);
	moves = pp_rounds(&pp, ATOMIC_ROUNDS, &before, "atomics");
	b = pp_block(&pp, NULL);
	svm_block_print("atomics", &b);
	igt_assert_f(moves <= PP_MAX_MOVES, "%" PRIu64 " moves, at most %d "
		     "expected\n", moves, PP_MAX_MOVES);
	igt_assert_eq_u64(pp.shadow[0],
			  (2ull * ATOMIC_ROUNDS + 1) * ATOMIC_INCS);
	pp_check_cpu(&pp);
	pp_fini(&pp);
}

static void test_atomics_2dev(void)
{
	struct pair_arg p;

	find_atomics_pair(&p);
	run_child(atomics_2dev, &p, "atomics-2dev");
}

/* exit-live-state */

/* What a child with pinned state tells its parent */
struct live_msg {
	pid_t pid;
	uint64_t blocks;
	uint64_t bytes;
};

/*
 * Pins a block, reports, then exits with everything open once @down
 * says so (or closes), or, when @killed, ping-pongs on until killed.
 */
static void live_child(const struct pair_arg *p, int up, int down,
		       bool killed)
{
	uint64_t block_bytes = tunable("block_bytes");
	struct pingpong pp;
	struct live_msg m;
	char go;
	int i;

	child_reopen();
	pp_init(&pp, p->a, p->b, false);
	pp_job(&pp, 0);
	pp_until_pinned(&pp);
	m.pid = getpid();
	m.blocks = svm_fdinfo(pp.c[0].fd, "vsvm-policy-blocks");
	m.bytes = svm_fdinfo(pp.c[0].fd, "vsvm-policy-bytes");
	igt_info("child %d: %" PRIu64 " blocks, %" PRIu64 " bytes, %" PRIu64
		 " bytes a block\n", m.pid, m.blocks, m.bytes, block_bytes);
	igt_assert(m.blocks >= 1);
	/* Exact, or rounded to KiB. */
	igt_assert_f(m.bytes + 1024 > m.blocks * block_bytes &&
		     m.bytes < m.blocks * block_bytes + 1024,
		     "fdinfo: %" PRIu64 " bytes for %" PRIu64 " blocks\n",
		     m.bytes, m.blocks);
	igt_assert_eq(write(up, &m, sizeof(m)), (int)sizeof(m));
	if (!killed) {
		igt_assert_lte(0, read(down, &go, 1));
		return;
	}
	for (i = 0; i < 10000; i++)
		pp_round(&pp);
}

static void test_exit_live_state(void)
{
	uint64_t before, during = 0, now, start;
	struct live_msg m = {};
	struct pair_arg p;
	int up[2], down[2], variant, err;
	ssize_t n;
	bool killed;

	find_pair(PAIR_DIRECT, &p.a, &p.b);
	before = policy_blocks();
	for (variant = 0; variant < 2; variant++) {
		killed = variant;
		igt_assert_eq(pipe(up), 0);
		igt_assert_eq(pipe(down), 0);
		watchdog_arm(WATCHDOG_S, "exit-live-state");
		igt_fork(child, 1) {
			close(up[0]);
			close(down[1]);
			live_child(&p, up[1], down[0], killed);
		}
		close(up[1]);
		close(down[0]);
		n = read(up[0], &m, sizeof(m));
		if (n == sizeof(m))
			during = policy_blocks();
		if (n == sizeof(m) && killed)
			kill(m.pid, SIGKILL);
		/* Lets the other child exit. */
		close(down[1]);
		close(up[0]);
		err = __igt_waitchildren();
		watchdog_disarm();
		igt_assert_f(n == sizeof(m), "the child did not pin a block\n");
		igt_assert_eq(err, killed ? 128 + SIGKILL : 0);
		igt_assert_f(during >= m.blocks, "debugfs: %" PRIu64 " blocks, "
			     "the child alone has %" PRIu64 "\n", during,
			     m.blocks);

		start = now_ns();
		while ((now = policy_blocks()) > before &&
		       now_ns() - start < 5 * NSEC)
			sleep_ns(NSEC / 100);
		igt_info("%s: blocks %" PRIu64 " before, %" PRIu64 " with the "
			 "child, %" PRIu64 " after\n", killed ? "killed" :
			 "exited", before, during, now);
		igt_assert_f(now <= before, "%" PRIu64 " blocks left, %" PRIu64
			     " before the child\n", now, before);
	}
}

/* tunables */

static void test_tunables(void)
{
	static const char *const names[] = {
		"threshold", "throttles", "pin_lapses", "epoch_lapses",
		"max_backoff", "lapse_min_us", "lapse_max_us",
	};
	uint64_t old, new;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		old = tunable(names[i]);
		/* A shorter shortest lapse stays below the longest. */
		if (!strcmp(names[i], "lapse_min_us"))
			new = old ? old - 1 : 1;
		else
			new = old + 1;
		tunable_set(names[i], new);
		tunable_set(names[i], old);
		igt_info("%s: %" PRIu64 ", took %" PRIu64 "\n", names[i], old,
			 new);
	}

	policy_param("N", false);
	policy_param("Y", true);
	policy_param("0", false);
	policy_param("1", true);

	igt_info("blocks %" PRIu64 ", block_bytes %" PRIu64 "\n",
		 policy_blocks(), tunable("block_bytes"));
	igt_assert_lt(0, (int)tunable("block_bytes"));
}

/* small-vmas */

/* A job on @c that stores @value at @ptr, then reads @len bytes at @all. */
static void store_job(struct ctx *c, void *ptr, uint64_t value, void *all,
		      uint64_t len)
{
	svm_batch_reset(&c->b);
	cmd_store(&c->b, to_u64(ptr), value);
	if (len)
		cmd_touch(&c->b, to_u64(all), len);
	cmd_end(&c->b);
	run_ok(c, "store job");
}

static struct drm_svm_block_policy half_block(struct ctx *c, void *ptr,
					      struct drm_svm_page_residency **r)
{
	struct drm_svm_block_policy b;

	*r = svm_residency_blocks(c->fd, c->vm, to_u64(ptr),
				  SZ_1M / svm_page_size(), &b);
	return b;
}

static void small_vmas(const void *data)
{
	const struct pair_arg *p = data;
	struct drm_svm_page_residency *r;
	struct drm_svm_block_policy b;
	uint64_t *half[2], round;
	struct ctx c[2];
	uint8_t *base;
	int i;

	/* Two VMAs: the second one's protection differs, so they never merge */
	base = svm_alloc_aligned(SZ_2M, SZ_2M);
	igt_assert_eq(munmap(base + SZ_1M, SZ_1M), 0);
	half[0] = (uint64_t *)base;
	half[1] = mmap(base + SZ_1M, SZ_1M, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	igt_assert(half[1] == (uint64_t *)(base + SZ_1M));
	memset(base, 0, SZ_2M);
	ctx_init(&c[0], p->a);
	ctx_init(&c[1], p->b);
	for (i = 0; i < 2; i++)
		svm_bind_ptr(c[i].fd, c[i].vm, base, SZ_2M, 0);

	for (round = 0; round < PIN_ROUNDS; round++) {
		store_job(&c[round % 2], &half[0][round], PP_MAGIC | round,
			  NULL, 0);
		/* Every page of the second VMA, for its chunks to move */
		store_job(&c[0], &half[1][round], ~round, half[1], SZ_1M);
		b = half_block(&c[0], half[0], &r);
		free(r);
		if (b.state == DRM_SVM_POLICY_PINNED)
			break;
	}
	svm_block_print("first VMA", &b);
	igt_assert_eq_u32(b.state, DRM_SVM_POLICY_PINNED);
	igt_assert_eq_u64(b.start, to_u64(half[0]));

	b = half_block(&c[0], half[1], &r);
	svm_block_print("second VMA", &b);
	igt_assert_eq_u32(b.state, DRM_SVM_POLICY_UNTRACKED);
	igt_assert_eq_u64(b.start, to_u64(half[1]));
	igt_assert_f(all_on(r, SZ_1M / svm_page_size(), c[0].d),
		     "second VMA not in the VRAM of its only user\n");
	free(r);

	for (i = 0; i <= (int)round && i < PIN_ROUNDS; i++) {
		igt_assert_eq_u64(half[0][i], PP_MAGIC | i);
		igt_assert_eq_u64(half[1][i], ~(uint64_t)i);
	}
	ctx_fini(&c[1]);
	ctx_fini(&c[0]);
	munmap(base, SZ_2M);
}

static void test_small_vmas(void)
{
	struct pair_arg p;

	find_pair(PAIR_DIRECT, &p.a, &p.b);
	run_child(small_vmas, &p, "small-vmas");
}

/* munmap-forget */

static void munmap_forget(const void *data)
{
	const struct pair_arg *p = data;
	struct drm_svm_block_policy b;
	struct pingpong pp;
	void *again;

	pp_init(&pp, p->a, p->b, false);
	pp_job(&pp, 0);
	pp_until_pinned(&pp);
	igt_assert_lte(1, svm_fdinfo(pp.c[0].fd, "vsvm-policy-blocks"));

	igt_assert_eq(munmap(pp.buf, SZ_2M), 0);
	again = mmap(pp.buf, SZ_2M, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	igt_assert(again == pp.buf);
	memset(pp.buf, 0, SZ_2M);

	b = pp_block(&pp, NULL);
	svm_block_print("after munmap", &b);
	igt_assert_eq_u32(b.state, DRM_SVM_POLICY_UNTRACKED);
	igt_assert_eq_u64(svm_fdinfo(pp.c[0].fd, "vsvm-policy-blocks"), 0);
	igt_assert_eq_u64(svm_fdinfo(pp.c[0].fd, "vsvm-policy-bytes"), 0);
	pp_fini(&pp);
}

static void test_munmap_forget(void)
{
	struct pair_arg p;

	find_pair(PAIR_DIRECT, &p.a, &p.b);
	run_child(munmap_forget, &p, "munmap-forget");
}

/* trace */

#define TRACEFS		"/sys/kernel/tracing"
#define TRACE_INST	TRACEFS "/instances/vsvm_policy"

static const char *const trace_events[] = {
	"drm_svm_gpu_fault", "drm_svm_migrate", "drm_svm_policy",
	"drm_svm_remote_map", "drm_svm_bind", "drm_svm_invalidate",
};

/* Events of a trace, by kind, those of the process @pid where they say */
struct trace_count {
	uint64_t faults, migrates, thrash, pins, remote, binds, invals;
};

static void trace_enable(bool on)
{
	char path[256];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(trace_events); i++) {
		snprintf(path, sizeof(path), TRACE_INST "/events/drm_svm/%s/enable",
			 trace_events[i]);
		igt_assert_eq(__file_write(path, on ? "1" : "0"), 0);
	}
}

static struct trace_count trace_read(pid_t pid)
{
	struct trace_count n = {};
	char line[512], who[32];
	FILE *f;

	snprintf(who, sizeof(who), "pid=%d ", pid);
	f = fopen(TRACE_INST "/trace", "re");
	igt_assert(f);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		if (strstr(line, "drm_svm_gpu_fault:"))
			n.faults++;
		if (!strstr(line, who))
			continue;
		if (strstr(line, "drm_svm_migrate:"))
			n.migrates++;
		if (strstr(line, "drm_svm_policy:") && strstr(line, " thrash "))
			n.thrash++;
		if (strstr(line, "drm_svm_policy:") && strstr(line, " pin "))
			n.pins++;
		if (strstr(line, "drm_svm_remote_map:"))
			n.remote++;
		if (strstr(line, "drm_svm_bind:") && strstr(line, " err=0"))
			n.binds++;
		if (strstr(line, "drm_svm_invalidate:"))
			n.invals++;
	}
	fclose(f);
	return n;
}

static void trace(const void *data)
{
	const struct pair_arg *p = data;
	struct trace_count n;
	struct pingpong pp;
	struct snap before;
	uint64_t moves;

	trace_enable(true);
	pp_init(&pp, p->a, p->b, false);
	moves = pp_rounds(&pp, 20, &before, "trace");
	trace_enable(false);
	n = trace_read(getpid());
	igt_info("trace: %" PRIu64 " faults, %" PRIu64 " migrations, %"
		 PRIu64 " thrash, %" PRIu64 " pins, %" PRIu64
		 " remote maps, %" PRIu64 " binds, %" PRIu64
		 " invalidations\n", n.faults, n.migrates, n.thrash, n.pins,
		 n.remote, n.binds, n.invals);
	/* The block's binding in both VMs, and the moves' invalidations */
	igt_assert_lte(2, n.binds);
	igt_assert_lte(moves, n.invals);
	igt_assert_lte(1, n.faults);
	igt_assert_eq_u64(n.migrates, moves + 1);
	igt_assert_lte(1, n.thrash);
	igt_assert_lte(1, n.pins);
	igt_assert_lte(1, n.remote);
	pp_check_cpu(&pp);
	pp_fini(&pp);
}

static void test_trace(void)
{
	struct pair_arg p;

	if (access(TRACEFS "/instances", F_OK))
		igt_require_f(system("mount -t tracefs nodev " TRACEFS) == 0,
			      "no tracefs at %s\n", TRACEFS);
	find_pair(PAIR_DIRECT, &p.a, &p.b);
	igt_assert(!mkdir(TRACE_INST, 0755) || errno == EEXIST);
	run_child(trace, &p, "trace");
	igt_assert_eq(rmdir(TRACE_INST), 0);
}

igt_main
{
	igt_fixture {
		multi_devices_open();
		igt_require_f(access(POLICY_PARAM, F_OK) == 0,
			      "no migration policy: %s\n", POLICY_PARAM);
		igt_require_f(access(POLICY_DIR, F_OK) == 0,
			      "no migration policy: %s\n", POLICY_DIR);
		install_restore();
	}

	igt_describe("Two devices ping-pong a block: it gets pinned.");
	igt_subtest("pingpong-gpu-gpu") {
		subtest_begin();
		test_pingpong_gpu_gpu();
	}

	igt_describe("The CPU and a device ping-pong a block.");
	igt_subtest("pingpong-cpu-gpu") {
		subtest_begin();
		test_pingpong_cpu_gpu();
	}

	igt_describe("Without the policy, every turn of a ping-pong moves.");
	igt_subtest("policy-off") {
		subtest_begin();
		test_policy_off();
	}

	igt_describe("A single owner creates no policy state.");
	igt_subtest("single-owner") {
		subtest_begin();
		test_single_owner();
	}

	igt_describe("A pin expires when only one device is left.");
	igt_subtest("phase-change") {
		subtest_begin();
		test_phase_change();
	}

	igt_describe("A prefetch moves a pinned block and resets it.");
	igt_subtest("prefetch-reset") {
		subtest_begin();
		test_prefetch_reset();
	}

	igt_describe("Eight threads on four devices race on one block.");
	igt_subtest("race") {
		subtest_begin();
		test_race();
	}

	igt_describe("Two devices take turns on one atomic counter.");
	igt_subtest("atomics-2dev") {
		subtest_begin();
		test_atomics_2dev();
	}

	igt_describe("VMAs smaller than 2 MiB have blocks of their own.");
	igt_subtest("small-vmas") {
		subtest_begin();
		test_small_vmas();
	}

	igt_describe("Memory mapped where a pinned block was starts afresh.");
	igt_subtest("munmap-forget") {
		subtest_begin();
		test_munmap_forget();
	}

	igt_describe("Exit and kill with pinned blocks free their state.");
	igt_subtest("exit-live-state") {
		subtest_begin();
		test_exit_live_state();
	}

	igt_describe("The tracepoints follow a ping-pong.");
	igt_subtest("trace") {
		subtest_begin();
		test_trace();
	}

	igt_describe("The tunables and the parameter read back.");
	igt_subtest("tunables") {
		subtest_begin();
		test_tunables();
	}

	igt_fixture {
		settings_restore();
		multi_devices_close();
	}
}

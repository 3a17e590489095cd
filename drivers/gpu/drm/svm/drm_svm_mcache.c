// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/debugfs.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>

#include <kunit/visibility.h>

#include <drm/drm_print.h>

#include "drm_svm_internal.h"
#include "drm_svm_trace.h"

/**
 * DOC: Migration cache
 *
 * The per-process side of the migration policy (see Migration policy):
 * &struct drm_svm_mcache keeps the policy state of the process's blocks
 * in an xarray by the page number of their first address
 * (drm_svm_block_start()), under the xarray's lock, with the
 * pinned blocks marked so that a delayed work finds them when their pin
 * ends. A shrinker frees the blocks that are neither pinned nor being
 * moved, from the caches on a list that each joins with its first block
 * and leaves with its process.
 *
 * The measured cost of moves, per pair of processors, is kept for all
 * processes: what a move of 2 MiB took, averaged, in ns. A pair not
 * measured yet takes the other direction's cost, and without that the
 * longest lapse, until its first move. A device that gets an SVM device
 * id starts without measurements.
 *
 * The fault paths call drm_svm_mcache_begin() before a move and
 * drm_svm_mcache_end() after it; a move the policy does not allow is
 * mapped where the policy says instead.
 */

static bool drm_svm_policy_on = true;
module_param_named(migration_policy, drm_svm_policy_on, bool, 0644);
MODULE_PARM_DESC(migration_policy,
		 "Track ping-pong between processors and stop it (default: on)");

static struct drm_svm_policy_params drm_svm_policy;
static u32 drm_svm_policy_cost[DRM_SVM_NR_PROCS][DRM_SVM_NR_PROCS];
static u32 drm_svm_policy_block_size = sizeof(struct drm_svm_policy_block);
static atomic_long_t drm_svm_policy_blocks = ATOMIC_LONG_INIT(0);
static struct shrinker *drm_svm_policy_shrinker;
static struct drm_svm_moves drm_svm_moves;
/* The caches with blocks, for the shrinker; the lock nests outside theirs */
static LIST_HEAD(drm_svm_mcaches);
static DEFINE_SPINLOCK(drm_svm_mcaches_lock);

/* Tries a device fault makes before it maps a block that keeps moving */
#define DRM_SVM_MCACHE_TRIES	3

/* Most blocks whose pin ends that one run of the expiry work handles */
#define DRM_SVM_MCACHE_EXPIRE_BATCH	16

static u64 drm_svm_mcache_now(void)
{
	return ktime_get_ns();
}

/* The index of the block that starts at @start (drm_svm_block_start()) */
static unsigned long drm_svm_mcache_index(unsigned long start)
{
	return start >> PAGE_SHIFT;
}

/* Where the 2 MiB slot of the block at @index ends, inclusive */
static unsigned long drm_svm_mcache_last(unsigned long index)
{
	return ALIGN((index << PAGE_SHIFT) + 1, BIT(DRM_SVM_BLOCK_SHIFT)) - 1;
}

/*
 * The last address of the block at @index: before the next block of its
 * slot (a later small VMA's), or the slot's last. Caller holds the lock
 * of @mc->blocks.
 */
static unsigned long drm_svm_mcache_block_last(struct drm_svm_mcache *mc,
					       unsigned long index)
{
	unsigned long last = drm_svm_mcache_last(index), next = index + 1;

	lockdep_assert_held(&mc->blocks.xa_lock);
	if (xa_find(&mc->blocks, &next, last >> PAGE_SHIFT, XA_PRESENT))
		last = (next << PAGE_SHIFT) - 1;
	return last;
}

/**
 * drm_svm_policy_enabled() - Whether the migration policy is on
 *
 * Returns: the ``migration_policy`` module parameter.
 */
bool drm_svm_policy_enabled(void)
{
	return READ_ONCE(drm_svm_policy_on);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_policy_enabled);

/**
 * drm_svm_policy_forget_device() - Drop the cost measurements of a device id
 * @id: the SVM device id, given to a new device
 *
 * Caller holds the device registry for write.
 */
void drm_svm_policy_forget_device(u32 id)
{
	unsigned int i;

	for (i = 0; i < DRM_SVM_NR_PROCS; i++) {
		WRITE_ONCE(drm_svm_policy_cost[id][i], 0);
		WRITE_ONCE(drm_svm_policy_cost[i][id], 0);
	}
}

/*
 * Moves of fewer pages say little of what 2 MiB cost: their fixed costs
 * (the passes, the fault's round trip) would be scaled up to 2 MiB.
 */
#define DRM_SVM_POLICY_COST_MIN_PAGES	(SZ_64K >> PAGE_SHIFT)
/* One sample raises the average by a bounded step */
#define DRM_SVM_POLICY_COST_MAX_STEP	4

/*
 * Fold a move of @npages that took @ns into the pair's average. A move
 * that was slow for reasons of its own (reclaim, a console busy with an
 * OOM report) must not make every later move of every process look
 * quick: each sample counts for at most DRM_SVM_POLICY_COST_MAX_STEP
 * times the average so far, so that a lasting change still shows within
 * a few moves.
 */
static void drm_svm_policy_cost_add(u32 from, u32 to, u64 ns,
				    unsigned long npages)
{
	u32 old = READ_ONCE(drm_svm_policy_cost[from][to]);
	u64 sample;

	if (npages < DRM_SVM_POLICY_COST_MIN_PAGES)
		return;
	sample = div64_u64(ns << (DRM_SVM_BLOCK_SHIFT - PAGE_SHIFT), npages);
	if (old)
		sample = min_t(u64, sample,
			       (u64)DRM_SVM_POLICY_COST_MAX_STEP * old);
	sample = min_t(u64, sample, U32_MAX);
	WRITE_ONCE(drm_svm_policy_cost[from][to],
		   old ? (3ULL * old + sample) / 4 : sample);
}

/**
 * drm_svm_moves_all() - The moves of every process by pair
 *
 * Returns: the counters, for debugfs.
 */
const struct drm_svm_moves *drm_svm_moves_all(void)
{
	return &drm_svm_moves;
}

static void drm_svm_moves_add(struct drm_svm_moves *m, u32 from, u32 to,
			      long pages)
{
	atomic_inc(&m->moves[from][to]);
	atomic64_add(pages, &m->pages[from][to]);
}

/* Count a move of the process, and of all processes. */
static void drm_svm_mcache_moved(struct drm_svm_mcache *mc, u32 from, u32 to,
				 long pages)
{
	struct drm_svm_moves *m = READ_ONCE(mc->moves);

	/* Part of a chunk was there already: count the rest as from system. */
	if (from == to) {
		if (to == DRM_SVM_PROC_CPU)
			return;
		from = DRM_SVM_PROC_CPU;
	}
	drm_svm_moves_add(&drm_svm_moves, from, to, pages);
	if (!m) {
		m = kzalloc(sizeof(*m), GFP_KERNEL_ACCOUNT);
		if (!m)
			return;
		if (cmpxchg(&mc->moves, NULL, m)) {
			kfree(m);
			m = READ_ONCE(mc->moves);
		}
	}
	drm_svm_moves_add(m, from, to, pages);
}

/* The lapse of a pair: from its cost, or the other way's until measured. */
static u32 drm_svm_policy_pair_lapse(u32 from, u32 to)
{
	u32 cost = READ_ONCE(drm_svm_policy_cost[from][to]);

	if (!cost)
		cost = READ_ONCE(drm_svm_policy_cost[to][from]);
	return drm_svm_policy_lapse(&drm_svm_policy, cost);
}

/* What a processor reaches; see struct drm_svm_policy_topo. */
static bool drm_svm_mcache_reaches(const void *ctx, u32 proc, u32 home,
				   bool atomic)
{
	const bool *registry = ctx;
	struct drm_svm_device *d = NULL, *h = NULL;

	if (proc == home)
		return proc == DRM_SVM_PROC_CPU || !*registry ||
		       (drm_svm_device_by_id(proc) &&
			drm_svm_device_by_id(proc)->devmem);
	if (*registry) {
		if (proc != DRM_SVM_PROC_CPU)
			d = drm_svm_device_by_id(proc);
		if (home != DRM_SVM_PROC_CPU)
			h = drm_svm_device_by_id(home);
	}
	if (home == DRM_SVM_PROC_CPU)
		return !atomic || !d || (d->caps & DRM_SVM_DEVICE_ATOMICS_SYSTEM);
	/* Without the registry, nothing but system memory is known. */
	if (!h || !h->devmem)
		return false;
	if (proc == DRM_SVM_PROC_CPU)
		return drm_svm_devmem_is_coherent(h->devmem);
	if (!d || !drm_svm_can_access(d, h))
		return false;
	return !atomic ||
	       (drm_svm_link_get(d, h).flags & DRM_SVM_LINK_ATOMICS);
}

/**
 * drm_svm_mcache_count() - Count a policy event of a process on a device
 * @svm_mm: the process
 * @sdev: the device that asked, or for the CPU the one whose memory it was
 * @stat: the event
 */
void drm_svm_mcache_count(struct drm_svm_mm *svm_mm,
			  struct drm_svm_device *sdev, enum drm_svm_pstat stat)
{
	drm_svm_count(svm_mm, sdev, policy[stat], 1);
}

/* Trace what a step or a tick did to the block at @index. */
static void drm_svm_mcache_trace(struct drm_svm_mm *svm_mm,
				 unsigned long index, u32 proc,
				 const struct drm_svm_policy_block *blk,
				 u32 events)
{
	static const struct {
		u32 event;
		const char *what;
	} names[] = {
		{ DRM_SVM_POLICY_EV_THRASH, "thrash" },
		{ DRM_SVM_POLICY_EV_THROTTLE, "throttle" },
		{ DRM_SVM_POLICY_EV_PIN, "pin" },
		{ DRM_SVM_POLICY_EV_PROBE, "probe" },
		{ DRM_SVM_POLICY_EV_NORMAL, "normal" },
	};
	unsigned long start = index << PAGE_SHIFT;
	int home = blk->state == DRM_SVM_POLICY_PINNED ? blk->home : -1;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (events & names[i].event)
			trace_drm_svm_policy(svm_mm->pid, start, names[i].what,
					     proc, blk->state, home,
					     blk->backoff, blk->lapse);
	if (events & DRM_SVM_POLICY_EV_REMOTE)
		trace_drm_svm_remote_map(svm_mm->pid, start, proc, blk->home);
}

static void drm_svm_mcache_account(struct drm_svm_mm *svm_mm,
				   struct drm_svm_device *sdev, u32 events)
{
	static const struct {
		u32 event;
		enum drm_svm_pstat stat;
	} map[] = {
		{ DRM_SVM_POLICY_EV_THRASH, DRM_SVM_PSTAT_THRASH },
		{ DRM_SVM_POLICY_EV_THROTTLE, DRM_SVM_PSTAT_THROTTLES },
		{ DRM_SVM_POLICY_EV_PIN, DRM_SVM_PSTAT_PINS },
		{ DRM_SVM_POLICY_EV_PROBE, DRM_SVM_PSTAT_PROBES },
		{ DRM_SVM_POLICY_EV_REMOTE, DRM_SVM_PSTAT_REMOTE_FAULTS },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (events & map[i].event)
			drm_svm_mcache_count(svm_mm, sdev, map[i].stat);
}

static unsigned long drm_svm_mcache_count_objects(struct shrinker *shrinker,
						  struct shrink_control *sc)
{
	return atomic_long_read(&drm_svm_policy_blocks) ?: SHRINK_EMPTY;
}

/* Account @n blocks of @mc freed. */
static void drm_svm_mcache_freed(struct drm_svm_mcache *mc, unsigned long n)
{
	atomic_long_sub(n, &mc->nr);
	atomic_long_sub(n, &drm_svm_policy_blocks);
}

/* Free up to @nr blocks of @mc that are neither pinned nor being moved. */
static unsigned long drm_svm_mcache_shrink(struct drm_svm_mcache *mc,
					   unsigned long nr)
{
	unsigned long index, freed = 0, scanned = 0;
	struct drm_svm_policy_block *blk;

	xa_lock(&mc->blocks);
	xa_for_each(&mc->blocks, index, blk) {
		/* Pinned blocks are skipped, but not for ever. */
		if (freed >= nr || ++scanned > 4 * nr)
			break;
		if (blk->busy || blk->state == DRM_SVM_POLICY_PINNED)
			continue;
		__xa_erase(&mc->blocks, index);
		kfree(blk);
		freed++;
	}
	xa_unlock(&mc->blocks);
	drm_svm_mcache_freed(mc, freed);
	return freed;
}

static unsigned long drm_svm_mcache_scan(struct shrinker *shrinker,
					 struct shrink_control *sc)
{
	struct drm_svm_mcache *mc;
	unsigned long freed = 0;

	spin_lock(&drm_svm_mcaches_lock);
	list_for_each_entry(mc, &drm_svm_mcaches, link) {
		if (freed >= sc->nr_to_scan)
			break;
		freed += drm_svm_mcache_shrink(mc, sc->nr_to_scan - freed);
	}
	spin_unlock(&drm_svm_mcaches_lock);
	return freed ?: SHRINK_STOP;
}

/* Make @mc visible to the shrinker, before its first block. */
static void drm_svm_mcache_list(struct drm_svm_mcache *mc)
{
	if (READ_ONCE(mc->listed))
		return;
	spin_lock(&drm_svm_mcaches_lock);
	if (!mc->listed) {
		list_add_tail(&mc->link, &drm_svm_mcaches);
		WRITE_ONCE(mc->listed, true);
	}
	spin_unlock(&drm_svm_mcaches_lock);
}

/* Have the expiry work run by @until. Caller holds the xarray lock. */
static void drm_svm_mcache_expire_at(struct drm_svm_mcache *mc, u64 until)
{
	u64 now = drm_svm_mcache_now();

	lockdep_assert_held(&mc->blocks.xa_lock);
	if (delayed_work_pending(&mc->expire) && mc->next_expire <= until)
		return;
	mc->next_expire = until;
	mod_delayed_work(system_unbound_wq, &mc->expire,
			 nsecs_to_jiffies(until > now ? until - now : 0) + 1);
}

/*
 * Count and trace a pin that ended: for the process, on the home device
 * (the device counters too when the caller holds the registry).
 */
static void drm_svm_mcache_ended(struct drm_svm_mm *svm_mm,
				 unsigned long index,
				 const struct drm_svm_policy_block *blk,
				 bool registry)
{
	struct drm_svm_device *home;

	if (blk->home < DRM_SVM_MAX_DEVICES) {
		home = registry ? drm_svm_device_by_id(blk->home) : NULL;
		if (home)
			drm_svm_count(svm_mm, home, policy[DRM_SVM_PSTAT_PROBES], 1);
		else
			atomic64_inc(&svm_mm->counters[blk->home].policy[DRM_SVM_PSTAT_PROBES]);
	}
	drm_svm_mcache_trace(svm_mm, index, blk->home, blk,
			     DRM_SVM_POLICY_EV_PROBE);
}

/*
 * End the pins whose time is up: drop every device mapping of their
 * blocks, so that the next access faults and the block may move.
 */
static void drm_svm_mcache_expire(struct work_struct *work)
{
	struct drm_svm_mcache *mc = container_of(to_delayed_work(work),
						 struct drm_svm_mcache, expire);
	struct drm_svm_mm *svm_mm = container_of(mc, struct drm_svm_mm, mcache);
	unsigned long index, ended[DRM_SVM_MCACHE_EXPIRE_BATCH];
	unsigned long ended_last[DRM_SVM_MCACHE_EXPIRE_BATCH];
	struct drm_svm_policy_block *blk;
	unsigned int i, n = 0;
	u64 now, next = U64_MAX;
	bool registry;

	/*
	 * The registry only to count on the home device: its writer may
	 * wait for a device memory free that ends this process, and so
	 * this work.
	 */
	registry = drm_svm_devices_trylock();
	xa_lock(&mc->blocks);
	now = drm_svm_mcache_now();
	xa_for_each_marked(&mc->blocks, index, blk, XA_MARK_0) {
		if (n == ARRAY_SIZE(ended)) {
			next = now;
			break;
		}
		if (blk->state == DRM_SVM_POLICY_PINNED && now < blk->until) {
			next = min(next, blk->until);
			continue;
		}
		/* Ended here, or by a fault that came first (counted there) */
		if (drm_svm_policy_tick(&drm_svm_policy, blk, now))
			drm_svm_mcache_ended(svm_mm, index, blk, registry);
		__xa_clear_mark(&mc->blocks, index, XA_MARK_0);
		ended_last[n] = drm_svm_mcache_block_last(mc, index);
		ended[n++] = index;
	}
	if (next != U64_MAX)
		drm_svm_mcache_expire_at(mc, next);
	xa_unlock(&mc->blocks);
	if (registry)
		drm_svm_devices_unlock();

	for (i = 0; i < n; i++) {
		/* A fault that looked before the zap must not map after it. */
		down_write(&svm_mm->notifier_lock);
		WRITE_ONCE(mc->zap_seq, mc->zap_seq + 1);
		drm_svm_invalidate_cpu_range(svm_mm, ended[i] << PAGE_SHIFT,
					     ended_last[i], NULL, DRM_SVM_INVAL_POLICY);
		up_write(&svm_mm->notifier_lock);
	}
}

/**
 * drm_svm_mcache_init() - Set up the migration cache of a process
 * @mc: the cache, in &drm_svm_mm
 */
void drm_svm_mcache_init(struct drm_svm_mcache *mc)
{
	xa_init(&mc->blocks);
	INIT_DELAYED_WORK(&mc->expire, drm_svm_mcache_expire);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_mcache_init);

/**
 * drm_svm_mcache_fini() - Free the migration cache of a process
 * @mc: the cache; no fault of the process runs any more
 */
void drm_svm_mcache_fini(struct drm_svm_mcache *mc)
{
	struct drm_svm_policy_block *blk;
	unsigned long index;

	if (mc->listed) {
		spin_lock(&drm_svm_mcaches_lock);
		list_del(&mc->link);
		spin_unlock(&drm_svm_mcaches_lock);
	}
	cancel_delayed_work_sync(&mc->expire);
	xa_for_each(&mc->blocks, index, blk)
		kfree(blk);
	xa_destroy(&mc->blocks);
	atomic_long_sub(atomic_long_read(&mc->nr), &drm_svm_policy_blocks);
	kfree(mc->moves);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_mcache_fini);

/* A block for a request that starts tracking; under the xarray lock. */
static struct drm_svm_policy_block *
drm_svm_mcache_create(struct drm_svm_mm *svm_mm,
		      struct drm_svm_mcache_ticket *t, u64 born)
{
	struct drm_svm_mcache *mc = &svm_mm->mcache;
	struct drm_svm_policy_block *blk, *old;

	lockdep_assert_held(&mc->blocks.xa_lock);
	xa_unlock(&mc->blocks);
	drm_svm_mcache_list(mc);
	blk = kzalloc(sizeof(*blk), GFP_KERNEL_ACCOUNT);
	xa_lock(&mc->blocks);
	if (!blk)
		return NULL;

	drm_svm_policy_block_init(blk, &t->req, born);
	old = __xa_cmpxchg(&mc->blocks, t->index, NULL, blk,
			   GFP_KERNEL_ACCOUNT);
	if (old) {
		kfree(blk);
		return xa_is_err(old) ? NULL : old;
	}
	atomic_long_inc(&mc->nr);
	atomic_long_inc(&drm_svm_policy_blocks);
	return blk;
}

/* Whether the block at @index is not being moved. */
static bool drm_svm_mcache_idle(struct drm_svm_mcache *mc,
				unsigned long index)
{
	struct drm_svm_policy_block *blk;
	bool idle;

	xa_lock(&mc->blocks);
	blk = xa_load(&mc->blocks, index);
	idle = !blk || !blk->busy;
	xa_unlock(&mc->blocks);
	return idle;
}

/* Sleep for @ns, or until a fatal signal. */
static void drm_svm_mcache_nap(u64 ns)
{
	ktime_t kt = ns_to_ktime(ns);

	set_current_state(TASK_KILLABLE);
	schedule_hrtimeout(&kt, HRTIMER_MODE_REL);
}

/*
 * One decision for a request, under the xarray lock. Returns -EAGAIN when
 * the block is being moved and the caller should wait for it.
 */
static int drm_svm_mcache_decide(struct drm_svm_mm *svm_mm,
				 struct drm_svm_mcache_ticket *t,
				 const struct drm_svm_policy_topo *topo,
				 u64 born, bool wait, u64 *nap)
{
	struct drm_svm_mcache *mc = &svm_mm->mcache;
	struct drm_svm_policy_block *blk;
	enum drm_svm_policy_verdict v;
	u32 events;

	lockdep_assert_held(&mc->blocks.xa_lock);
	t->req.now = drm_svm_mcache_now();
	blk = xa_load(&mc->blocks, t->index);
	if (!blk && drm_svm_policy_tracks(&t->req, born)) {
		blk = drm_svm_mcache_create(svm_mm, t, born);
		t->req.now = drm_svm_mcache_now();
	}
	if (!blk)
		return DRM_SVM_POLICY_MOVE;
	if (blk->busy && wait) {
		t->busy_key = blk;
		return -EAGAIN;
	}

	v = drm_svm_policy_step(&drm_svm_policy, topo, blk, &t->req, nap,
				&events);
	/* A move the fault cannot do without happens anyway. */
	if (t->forced && v == DRM_SVM_POLICY_STAY)
		v = DRM_SVM_POLICY_MOVE;
	if (v != DRM_SVM_POLICY_STAY && !blk->busy) {
		blk->busy = 1;
		t->busy_key = blk;
	}
	if (events & DRM_SVM_POLICY_EV_PIN) {
		__xa_set_mark(&mc->blocks, t->index, XA_MARK_0);
		drm_svm_mcache_expire_at(mc, blk->until);
	}
	drm_svm_mcache_account(svm_mm, t->sdev, events);
	drm_svm_mcache_trace(svm_mm, t->index, t->req.proc, blk, events);
	return v;
}

/**
 * drm_svm_mcache_begin() - Ask the migration policy before moving a block
 * @svm_mm: the process
 * @t: the request: @t->req with @proc, @from, @to, @write and @atomic
 *     set, @t->addr the block's first address (drm_svm_block_start()),
 *     @t->preferred the processor of the
 *     preferred location or -1, @t->sdev the device that asks (for the
 *     CPU, the device whose memory the block is in); the rest is set here
 * @born: when the data moved where it is (&drm_svm_devmem_alloc.born), or 0
 * @wait: wait for a move of the block in progress (device faults); the
 *	  CPU fault path, which holds the mmap lock, does not
 * @registry: the caller holds the device registry
 *
 * May sleep, for a throttled move or a racing one: never longer than a
 * lapse at a time. Call drm_svm_mcache_end() after the move when it
 * returns %DRM_SVM_POLICY_MOVE, with @t->req.to where the block goes.
 *
 * Returns: %DRM_SVM_POLICY_MOVE or %DRM_SVM_POLICY_STAY.
 */
enum drm_svm_policy_verdict drm_svm_mcache_begin(struct drm_svm_mm *svm_mm,
						 struct drm_svm_mcache_ticket *t,
						 u64 born, bool wait,
						 bool registry)
{
	struct drm_svm_mcache *mc = &svm_mm->mcache;
	struct drm_svm_policy_topo topo = {
		.reaches = drm_svm_mcache_reaches,
		.ctx = &registry,
		.preferred = t->preferred,
	};
	unsigned int tries;
	u64 nap = 0, t0;
	int v;

	t->index = drm_svm_mcache_index(t->addr);
	t->busy_key = NULL;
	t->req.lapse = drm_svm_policy_pair_lapse(t->req.from, t->req.to);
	t->start = drm_svm_mcache_now();
	if (!drm_svm_policy_enabled())
		return DRM_SVM_POLICY_MOVE;

	for (tries = 0; ; tries++) {
		xa_lock(&mc->blocks);
		v = drm_svm_mcache_decide(svm_mm, t, &topo, born,
					  wait && tries < DRM_SVM_MCACHE_TRIES,
					  &nap);
		xa_unlock(&mc->blocks);
		if (v != -EAGAIN)
			break;
		drm_svm_mcache_count(svm_mm, t->sdev, DRM_SVM_PSTAT_WAITS);
		t0 = drm_svm_phase_start();
		wait_var_event_timeout(t->busy_key,
				       drm_svm_mcache_idle(mc, t->index),
				       nsecs_to_jiffies(t->req.lapse) + 1);
		drm_svm_phase_end(t->sdev, DRM_SVM_PHASE_WAIT,
				  DRM_SVM_MAX_CHUNK >> PAGE_SHIFT, t0);
		t->busy_key = NULL;
	}

	if (v == DRM_SVM_POLICY_NAP) {
		drm_svm_mcache_nap(nap);
		v = DRM_SVM_POLICY_MOVE;
	}
	t->start = drm_svm_mcache_now();
	return v;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_mcache_begin);

/**
 * drm_svm_mcache_end() - Tell the migration policy a move is done
 * @svm_mm: the process
 * @t: the request given to drm_svm_mcache_begin()
 * @moved: pages moved, or a negative error code
 */
void drm_svm_mcache_end(struct drm_svm_mm *svm_mm,
			struct drm_svm_mcache_ticket *t, long moved)
{
	struct drm_svm_mcache *mc = &svm_mm->mcache;
	struct drm_svm_policy_block *blk;
	u64 now = drm_svm_mcache_now();

	if (moved > 0) {
		drm_svm_policy_cost_add(t->req.from, t->req.to, now - t->start,
					moved);
		trace_drm_svm_migrate(svm_mm->pid, t->index << PAGE_SHIFT,
				      t->req.from, t->req.to, moved,
				      now - t->start);
		drm_svm_mcache_moved(mc, t->req.from, t->req.to, moved);
	}
	if (xa_empty(&mc->blocks))
		return;

	xa_lock(&mc->blocks);
	blk = xa_load(&mc->blocks, t->index);
	if (blk && moved > 0)
		drm_svm_policy_moved(blk, &t->req, now);
	if (blk && blk == t->busy_key)
		blk->busy = 0;
	xa_unlock(&mc->blocks);
	if (t->busy_key)
		wake_up_var(t->busy_key);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_mcache_end);

/**
 * drm_svm_mcache_settled() - Whether a tracked block is where a fault wants it
 * @svm_mm: the process
 * @notifier: the notifier of the block's window
 * @addr: the block's first address (drm_svm_block_start())
 * @proc: where the fault wants the block
 *
 * True when the last device fault found or put the block at @proc, and
 * nothing invalidated the window since: then the fault maps it without
 * a look at the CPU page table first.
 *
 * Returns: true on a hit, which is counted.
 */
bool drm_svm_mcache_settled(struct drm_svm_mm *svm_mm,
			    struct mmu_interval_notifier *notifier,
			    unsigned long addr, u32 proc)
{
	struct drm_svm_mcache *mc = &svm_mm->mcache;
	struct drm_svm_policy_block *blk;
	bool hit = false;

	if (xa_empty(&mc->blocks) || !drm_svm_policy_enabled())
		return false;
	xa_lock(&mc->blocks);
	blk = xa_load(&mc->blocks, drm_svm_mcache_index(addr));
	if (blk && blk->placed == proc &&
	    !mmu_interval_read_retry(notifier, blk->placed_seq))
		hit = true;
	xa_unlock(&mc->blocks);
	return hit;
}

/**
 * drm_svm_mcache_placed() - Remember where a device fault found a block
 * @svm_mm: the process
 * @notifier: the notifier of the block's window
 * @seq: the notifier sequence read before the pages were looked at
 * @addr: the block's first address (drm_svm_block_start())
 * @proc: where the block is
 */
void drm_svm_mcache_placed(struct drm_svm_mm *svm_mm,
			   struct mmu_interval_notifier *notifier,
			   unsigned long seq, unsigned long addr, u32 proc)
{
	struct drm_svm_mcache *mc = &svm_mm->mcache;
	struct drm_svm_policy_block *blk;

	if (xa_empty(&mc->blocks))
		return;
	xa_lock(&mc->blocks);
	blk = xa_load(&mc->blocks, drm_svm_mcache_index(addr));
	if (blk) {
		blk->placed = proc;
		blk->placed_seq = seq;
	}
	xa_unlock(&mc->blocks);
}

/*
 * Reset the blocks that [start, last] touches; with @drop, free those
 * that start in it and no move is in progress on: their VMA is gone, or
 * starts elsewhere now.
 */
static void drm_svm_mcache_forget(struct drm_svm_mcache *mc,
				  unsigned long start, unsigned long last,
				  bool drop)
{
	struct drm_svm_policy_block *blk;
	u64 now = drm_svm_mcache_now();
	unsigned long index, freed = 0;

	if (xa_empty(&mc->blocks))
		return;
	xa_lock(&mc->blocks);
	xa_for_each_range(&mc->blocks, index, blk,
			  drm_svm_mcache_index(ALIGN_DOWN(start,
							  BIT(DRM_SVM_BLOCK_SHIFT))),
			  drm_svm_mcache_index(last)) {
		if (drm_svm_mcache_block_last(mc, index) < start)
			continue;
		if (drop && !blk->busy && start <= index << PAGE_SHIFT) {
			__xa_erase(&mc->blocks, index);
			kfree(blk);
			freed++;
			continue;
		}
		drm_svm_policy_reset(blk, now);
		__xa_clear_mark(&mc->blocks, index, XA_MARK_0);
	}
	xa_unlock(&mc->blocks);
	drm_svm_mcache_freed(mc, freed);
}

/**
 * drm_svm_mcache_reset() - Forget the history of the blocks of a range
 * @svm_mm: the process
 * @start: first CPU address
 * @last: last CPU address
 *
 * For an explicit prefetch or an attribute change: what the user asks
 * for is never thrashing.
 */
void drm_svm_mcache_reset(struct drm_svm_mm *svm_mm, unsigned long start,
			  unsigned long last)
{
	drm_svm_mcache_forget(&svm_mm->mcache, start, last, false);
}

/**
 * drm_svm_mcache_unmap() - Forget the blocks of a range that is unmapped
 * @svm_mm: the process
 * @start: first CPU address
 * @last: last CPU address
 *
 * Memory mapped there later starts without history: blocks that start
 * in the range are freed, the others it touches are reset, as are those
 * a move is in progress on. Called from the notifier.
 */
void drm_svm_mcache_unmap(struct drm_svm_mm *svm_mm, unsigned long start,
			  unsigned long last)
{
	drm_svm_mcache_forget(&svm_mm->mcache, start, last, true);
}

/**
 * drm_svm_mcache_report() - The policy state of a block, for the uAPI
 * @svm_mm: the process
 * @addr: the block's first address (drm_svm_block_start())
 * @out: out: the state; all zero but @start for a block without state
 */
void drm_svm_mcache_report(struct drm_svm_mm *svm_mm, unsigned long addr,
			   struct drm_svm_block_policy *out)
{
	struct drm_svm_mcache *mc = &svm_mm->mcache;
	struct drm_svm_policy_block *blk;
	u64 now = drm_svm_mcache_now();

	memset(out, 0, sizeof(*out));
	out->start = addr;
	xa_lock(&mc->blocks);
	blk = xa_load(&mc->blocks, drm_svm_mcache_index(addr));
	if (blk) {
		out->state = blk->state;
		out->backoff = blk->backoff;
		out->moves = blk->moves;
		out->contenders = blk->touched;
		out->lapse_ns = blk->lapse;
		out->epoch_ns = drm_svm_policy_epoch(&drm_svm_policy, blk);
	}
	if (blk && blk->state == DRM_SVM_POLICY_PINNED) {
		out->home = blk->home == DRM_SVM_PROC_CPU ?
			    DRM_SVM_RESIDENT_SYSTEM : DRM_SVM_RESIDENT_DEVICE;
		out->home_device = blk->home == DRM_SVM_PROC_CPU ? 0 :
				   blk->home;
		out->pin_left_ns = blk->until > now ? blk->until - now : 0;
	}
	xa_unlock(&mc->blocks);
}

/**
 * drm_svm_mcache_bytes() - Memory of a process's policy state
 * @svm_mm: the process
 * @blocks: out: blocks tracked
 *
 * Returns: bytes of policy state.
 */
u64 drm_svm_mcache_bytes(struct drm_svm_mm *svm_mm, u64 *blocks)
{
	*blocks = atomic_long_read(&svm_mm->mcache.nr);
	return *blocks * sizeof(struct drm_svm_policy_block);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_mcache_bytes);

static int drm_svm_policy_blocks_get(void *data, u64 *val)
{
	*val = atomic_long_read(&drm_svm_policy_blocks);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(drm_svm_policy_blocks_fops,
			 drm_svm_policy_blocks_get, NULL, "%llu\n");

/**
 * drm_svm_policy_init() - Set up the policy's thresholds, debugfs and shrinker
 * @root: the core's debugfs directory
 *
 * Returns: 0 or -ENOMEM.
 */
int drm_svm_policy_init(struct dentry *root)
{
	struct drm_svm_policy_params *p = &drm_svm_policy;
	struct dentry *dir;

	drm_svm_policy_params_default(p);
	dir = debugfs_create_dir("policy", root);
	debugfs_create_u32("threshold", 0644, dir, &p->threshold);
	debugfs_create_u32("throttles", 0644, dir, &p->throttles);
	debugfs_create_u32("pin_lapses", 0644, dir, &p->pin_lapses);
	debugfs_create_u32("epoch_lapses", 0644, dir, &p->epoch_lapses);
	debugfs_create_u32("max_backoff", 0644, dir, &p->max_backoff);
	debugfs_create_u32("lapse_min_us", 0644, dir, &p->lapse_min_us);
	debugfs_create_u32("lapse_max_us", 0644, dir, &p->lapse_max_us);
	debugfs_create_file_unsafe("blocks", 0444, dir, NULL,
				   &drm_svm_policy_blocks_fops);
	debugfs_create_u32("block_bytes", 0444, dir,
			   (u32 *)&drm_svm_policy_block_size);

	drm_svm_policy_shrinker = shrinker_alloc(0, "drm_svm-policy");
	if (!drm_svm_policy_shrinker)
		return -ENOMEM;
	drm_svm_policy_shrinker->count_objects = drm_svm_mcache_count_objects;
	drm_svm_policy_shrinker->scan_objects = drm_svm_mcache_scan;
	shrinker_register(drm_svm_policy_shrinker);
	return 0;
}

/**
 * drm_svm_policy_fini() - Undo drm_svm_policy_init()
 */
void drm_svm_policy_fini(void)
{
	shrinker_free(drm_svm_policy_shrinker);
}

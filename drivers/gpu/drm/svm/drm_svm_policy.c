// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/bits.h>
#include <linux/bitops.h>
#include <linux/bitmap.h>
#include <linux/minmax.h>
#include <linux/time64.h>

#include <kunit/visibility.h>

#include "drm_svm_policy.h"

/**
 * DOC: Migration policy
 *
 * Placement (see Placement) is stateless: two processors, two devices or
 * a device and the CPU, that write one range in turn would move it back
 * and forth for ever. The migration policy remembers, per block of a
 * process's address space (2 MiB-aligned, from the start of its VMA when
 * that is later, so that a small VMA has blocks of its own,
 * drm_svm_block_start()), what moved it lately, and stops such
 * ping-pong. It is shared by every device and VM of the process
 * (&struct drm_svm_mcache), and it is one piece: the fault paths ask it
 * before each move, and the ``migration_policy`` module parameter turns
 * it off, for plain first-touch placement.
 *
 * State exists only for blocks that a second processor moved less than
 * a lapse after the first one: a process that uses one device pays
 * nothing, since the device memory blocks the core allocates carry the
 * time their data moved in, which is what the policy compares against.
 * It is 64 bytes per block, reclaimed by a shrinker when the block is not
 * pinned, and freed with the process.
 *
 * **The lapse** of a block is twice the measured cost of its last move
 * over that pair of processors (an average of the moves of 64 KiB or
 * more the core made, per 2 MiB, no sample counting for more than four
 * times the average before it),
 * clamped to [lapse_min_us, lapse_max_us], and at most a second. A move
 * is quick when a processor takes the block back less than a lapse
 * after another one took it: the holder had less time with
 * the block than two moves cost. Taking back means the processor asked
 * for the block before in the current epoch, and did not ask for the move before
 * itself (a bounce through system memory is one request in two moves); a
 * block that visits one device after the other takes nothing back. The
 * same thresholds then work where a 2 MiB move takes tens of
 * microseconds and where it takes milliseconds. The epoch is
 * epoch_lapses lapses.
 *
 * **The states**, for a request by processor P to move the block away
 * from the processor that holds it:
 *
 *  - NORMAL: the move happens. After threshold quick moves in a row
 *    (one, by default), the block thrashes: THROTTLED.
 *  - THROTTLED: the move waits until the holder had the block for one
 *    lapse, then happens (the CPU sleeps in its fault handler instead of
 *    faulting again and again). After throttles such moves, each less
 *    than two lapses after the one before, the block is pinned; a longer
 *    gap returns it to NORMAL.
 *  - PINNED: the block gets a home that every processor that asked for
 *    it in the epoch reaches: the preferred location if all reach it,
 *    else the current holder, else the processor that asked the most,
 *    else system memory; with atomics, a home where their atomics work.
 *    Every request of a processor that reaches the home maps the block
 *    there, remotely. One that does not joins the contenders and the home
 *    is chosen again. The pin lasts pin_lapses lapses, doubled with each
 *    pin since the block was last NORMAL (at most max_backoff times), and
 *    at most an epoch. When no home suits every contender, the block
 *    stays THROTTLED.
 *  - PROBE: when the pin ends, the core drops the devices' mappings of
 *    the block, so that their next access faults, and the block may move
 *    again; a fault that looked at the pages before that places them
 *    again. A quick move pins the block again, for longer. A block that
 *    stays quiet for an epoch is NORMAL again. So a block used by one
 *    processor only, after a phase of sharing, goes back to that
 *    processor within an epoch of the last pin: no block stays remote for
 *    ever.
 *
 * An explicit prefetch, and a change of the block's memory attributes,
 * are what the user wants: they reset the block to NORMAL with no history
 * and never count as thrashing. Moves that a fault cannot do without
 * (pages of a device the faulting device cannot reach, a write to pages
 * the CPU maps read-only, an atomic where the device's atomics do not
 * work) are asked too, so that they wait for a racing move, may be
 * throttled, and count for the moves after them, but they always happen.
 */

/**
 * DOC: Racing moves and the cache
 *
 * Racing moves of one block are serialised by the block's busy flag:
 * a device fault that finds a move in progress waits for it, at most a
 * lapse, then decides again, usually to map the new home; after three
 * tries it decides without waiting. The CPU never waits for a device's
 * move: it holds the mmap lock, which the move needs. The state is
 * updated under the process's block table lock, for a few instructions
 * at a time and never across a move (see Locking), and unrelated blocks
 * never wait for each other.
 *
 * A device fault on a tracked block that a fault found, in a
 * chunk of the whole block, where this one wants it, with no invalidation
 * of its notifier window since, maps it without looking at the CPU page
 * table for a move first (a block of a VMA smaller than 2 MiB never is).
 */

/* Most doublings of a pin, whatever max_backoff says: beyond any epoch */
#define DRM_SVM_POLICY_MAX_SHIFT	24

/* Longest lapse, whatever the tunables say: the CPU naps that long */
#define DRM_SVM_POLICY_MAX_LAPSE_US	USEC_PER_SEC

/* Longest epoch, whatever the tunables say */
#define DRM_SVM_POLICY_MAX_EPOCH	(3600ULL * NSEC_PER_SEC)

/* The processor masks are u32. */
static_assert(DRM_SVM_NR_PROCS <= 32);

/*
 * Time since @t, 0 when @t is later: a racing request may have recorded
 * a time after the one the caller read.
 */
static u64 drm_svm_since(u64 now, u64 t)
{
	return now > t ? now - t : 0;
}

/**
 * drm_svm_policy_params_default() - The default thresholds
 * @p: out: the thresholds
 */
void drm_svm_policy_params_default(struct drm_svm_policy_params *p)
{
	*p = (struct drm_svm_policy_params){
		.threshold = 1,
		.throttles = 1,
		.pin_lapses = 16,
		.epoch_lapses = 128,
		.max_backoff = 6,
		.lapse_min_us = 50,
		.lapse_max_us = 100 * USEC_PER_MSEC,
	};
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_policy_params_default);

/**
 * drm_svm_policy_lapse() - The lapse for a move of a given cost
 * @p: the thresholds
 * @cost_ns: what a move of 2 MiB over the pair costs, 0 when unknown
 *
 * Returns: the lapse in ns: twice the cost, clamped; the longest lapse
 * when the cost is unknown.
 */
u32 drm_svm_policy_lapse(const struct drm_svm_policy_params *p, u64 cost_ns)
{
	u64 lo = (u64)min(p->lapse_min_us, DRM_SVM_POLICY_MAX_LAPSE_US) *
		 NSEC_PER_USEC;
	u64 hi = (u64)min(max(p->lapse_max_us, p->lapse_min_us),
			  DRM_SVM_POLICY_MAX_LAPSE_US) * NSEC_PER_USEC;

	if (!cost_ns)
		return min_t(u64, hi, U32_MAX);
	return min_t(u64, clamp(2 * cost_ns, lo, hi), U32_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_policy_lapse);

/**
 * drm_svm_policy_epoch() - The epoch of a block
 * @p: the thresholds
 * @blk: the block
 *
 * Returns: the epoch in ns.
 */
u64 drm_svm_policy_epoch(const struct drm_svm_policy_params *p,
			 const struct drm_svm_policy_block *blk)
{
	return min((u64)blk->lapse * max(p->epoch_lapses, 1u),
		   DRM_SVM_POLICY_MAX_EPOCH);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_policy_epoch);

/**
 * drm_svm_policy_tracks() - Whether a request starts tracking its block
 * @req: a request for a block without state
 * @born: when the block's data moved where it is, 0 when unknown
 *
 * Returns: true when the block moved less than a lapse ago.
 */
bool drm_svm_policy_tracks(const struct drm_svm_policy_req *req, u64 born)
{
	return born && req->from != req->to &&
	       drm_svm_since(req->now, born) < req->lapse;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_policy_tracks);

/**
 * drm_svm_policy_block_init() - Start tracking a block
 * @blk: the new block, zeroed
 * @req: the request that starts it
 * @born: when the block's data moved where it is
 *
 * The move that put the data where it is becomes the block's history.
 */
void drm_svm_policy_block_init(struct drm_svm_policy_block *blk,
			       const struct drm_svm_policy_req *req, u64 born)
{
	blk->state = DRM_SVM_POLICY_NORMAL;
	blk->last_move = born;
	blk->last_to = req->from;
	blk->last_by = req->from;
	blk->epoch_start = req->now;
	blk->lapse = req->lapse;
	blk->moves = 1;
	blk->top = req->from;
	blk->touched = BIT(req->from);
	blk->placed = U8_MAX;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_policy_block_init);

/* Start a new epoch, with no processor in it, when the last one is over. */
static void drm_svm_policy_epoch_roll(const struct drm_svm_policy_params *p,
				      struct drm_svm_policy_block *blk, u64 now)
{
	if (drm_svm_since(now, blk->epoch_start) <
	    drm_svm_policy_epoch(p, blk))
		return;
	blk->touched = 0;
	blk->written = 0;
	blk->atomics = 0;
	blk->epoch_start = now;
}

/* Count a request in the epoch's masks and in the majority vote. */
static void drm_svm_policy_touch(struct drm_svm_policy_block *blk,
				 const struct drm_svm_policy_req *req)
{
	blk->touched |= BIT(req->proc) | BIT(req->from);
	if (req->write)
		blk->written |= BIT(req->proc);
	if (req->atomic)
		blk->atomics |= BIT(req->proc);

	if (blk->top == req->proc) {
		if (blk->top_hits < U16_MAX)
			blk->top_hits++;
	} else if (!blk->top_hits) {
		blk->top = req->proc;
		blk->top_hits = 1;
	} else {
		blk->top_hits--;
	}
}

/* Whether every contender of @blk reaches @home. */
static bool drm_svm_policy_home_ok(const struct drm_svm_policy_topo *topo,
				   const struct drm_svm_policy_block *blk,
				   u32 home)
{
	unsigned long contenders = blk->touched;
	unsigned int proc;

	for_each_set_bit(proc, &contenders, DRM_SVM_NR_PROCS)
		if (!topo->reaches(topo->ctx, proc, home,
				   blk->atomics & BIT(proc)))
			return false;
	return true;
}

/* The home of a block to pin, or -1 when none suits every contender. */
static int drm_svm_policy_choose(const struct drm_svm_policy_topo *topo,
				 const struct drm_svm_policy_block *blk,
				 const struct drm_svm_policy_req *req)
{
	if (topo->preferred >= 0 &&
	    drm_svm_policy_home_ok(topo, blk, topo->preferred))
		return topo->preferred;
	if (drm_svm_policy_home_ok(topo, blk, req->from))
		return req->from;
	if (drm_svm_policy_home_ok(topo, blk, blk->top))
		return blk->top;
	if (drm_svm_policy_home_ok(topo, blk, DRM_SVM_PROC_CPU))
		return DRM_SVM_PROC_CPU;
	return -1;
}

/* Throttle the request: it waits until the holder had one lapse. */
static enum drm_svm_policy_verdict
drm_svm_policy_nap(struct drm_svm_policy_block *blk,
		   const struct drm_svm_policy_req *req, u64 *nap, u32 *events)
{
	u64 gap = drm_svm_since(req->now, blk->last_move);

	blk->state = DRM_SVM_POLICY_THROTTLED;
	blk->naps++;
	*events |= DRM_SVM_POLICY_EV_THROTTLE;
	*nap = gap < blk->lapse ? blk->lapse - gap : 0;
	return *nap ? DRM_SVM_POLICY_NAP : DRM_SVM_POLICY_MOVE;
}

/* The request as a processor of a pinned block sees it. */
static enum drm_svm_policy_verdict
drm_svm_policy_at_home(struct drm_svm_policy_block *blk,
		       struct drm_svm_policy_req *req, u32 *events)
{
	req->to = blk->home;
	if (blk->home != req->proc)
		*events |= DRM_SVM_POLICY_EV_REMOTE;
	return blk->home == req->from ? DRM_SVM_POLICY_STAY :
					DRM_SVM_POLICY_MOVE;
}

static enum drm_svm_policy_verdict
drm_svm_policy_pin(const struct drm_svm_policy_params *p,
		   const struct drm_svm_policy_topo *topo,
		   struct drm_svm_policy_block *blk,
		   struct drm_svm_policy_req *req, u64 *nap, u32 *events)
{
	int home = drm_svm_policy_choose(topo, blk, req);
	u64 epoch = drm_svm_policy_epoch(p, blk), pin;

	if (home < 0)
		return drm_svm_policy_nap(blk, req, nap, events);

	/* pin_lapses lapses, doubled backoff times, at most an epoch */
	pin = min((u64)p->pin_lapses * blk->lapse, epoch);
	pin = pin > epoch >> blk->backoff ? epoch : pin << blk->backoff;
	blk->state = DRM_SVM_POLICY_PINNED;
	blk->home = home;
	blk->until = req->now + pin;
	blk->naps = 0;
	blk->quick = 0;
	*events |= DRM_SVM_POLICY_EV_PIN;
	return drm_svm_policy_at_home(blk, req, events);
}

/**
 * drm_svm_policy_tick() - Let the time of a block pass
 * @p: the thresholds
 * @blk: the block
 * @now: the time, ns
 *
 * Ends a pin whose time is up (PROBE), and returns to NORMAL a block that
 * was quiet for an epoch.
 *
 * Returns: DRM_SVM_POLICY_EV_PROBE and DRM_SVM_POLICY_EV_NORMAL for what
 * happened.
 */
u32 drm_svm_policy_tick(const struct drm_svm_policy_params *p,
			struct drm_svm_policy_block *blk, u64 now)
{
	u64 epoch = drm_svm_policy_epoch(p, blk);

	switch (blk->state) {
	case DRM_SVM_POLICY_PINNED:
		if (now < blk->until)
			return 0;
		blk->state = DRM_SVM_POLICY_PROBE;
		blk->until = now;
		return DRM_SVM_POLICY_EV_PROBE;
	case DRM_SVM_POLICY_PROBE:
		if (drm_svm_since(now, max(blk->until, blk->last_move)) < epoch)
			return 0;
		break;
	case DRM_SVM_POLICY_THROTTLED:
		if (drm_svm_since(now, blk->last_move) < epoch)
			return 0;
		break;
	default:
		return 0;
	}
	blk->state = DRM_SVM_POLICY_NORMAL;
	blk->backoff = 0;
	blk->naps = 0;
	blk->quick = 0;
	return DRM_SVM_POLICY_EV_NORMAL;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_policy_tick);

/**
 * drm_svm_policy_step() - Decide on a request to move a block
 * @p: the thresholds
 * @topo: the topology
 * @blk: the block
 * @req: the request; @req->to is changed to the home of a pinned block
 * @nap: out: for %DRM_SVM_POLICY_NAP, how long to wait, ns
 * @events: out: DRM_SVM_POLICY_EV_* for what happened
 *
 * See DOC: Migration policy. Caller holds the lock of the block table,
 * and calls drm_svm_policy_moved() when a move it allowed is done.
 *
 * Returns: what the request may do.
 */
enum drm_svm_policy_verdict
drm_svm_policy_step(const struct drm_svm_policy_params *p,
		    const struct drm_svm_policy_topo *topo,
		    struct drm_svm_policy_block *blk,
		    struct drm_svm_policy_req *req, u64 *nap, u32 *events)
{
	u64 gap = drm_svm_since(req->now, blk->last_move);
	bool quick;

	*events = drm_svm_policy_tick(p, blk, req->now);
	*nap = 0;
	drm_svm_policy_epoch_roll(p, blk, req->now);
	/*
	 * Quick: the processor takes the block back, less than a lapse after
	 * another one took it. One that moves it again took it from nobody;
	 * one that never had it (a chain through devices) takes nothing back.
	 */
	quick = gap < (req->lapse ?: blk->lapse) &&
		req->proc != blk->last_by && (blk->touched & BIT(req->proc));
	drm_svm_policy_touch(blk, req);
	if (req->lapse)
		blk->lapse = req->lapse;

	switch (blk->state) {
	case DRM_SVM_POLICY_PINNED:
		if (topo->reaches(topo->ctx, req->proc, blk->home, req->atomic))
			return drm_svm_policy_at_home(blk, req, events);
		/* A newcomer the home does not suit: choose again with it. */
		return drm_svm_policy_pin(p, topo, blk, req, nap, events);
	case DRM_SVM_POLICY_PROBE:
		if (!quick || req->from == req->to)
			return DRM_SVM_POLICY_MOVE;
		*events |= DRM_SVM_POLICY_EV_THRASH;
		blk->backoff = min3(blk->backoff + 1U, p->max_backoff,
				    (u32)DRM_SVM_POLICY_MAX_SHIFT);
		return drm_svm_policy_pin(p, topo, blk, req, nap, events);
	case DRM_SVM_POLICY_THROTTLED:
		if (gap >= 2ULL * blk->lapse) {
			blk->state = DRM_SVM_POLICY_NORMAL;
			blk->naps = 0;
			blk->quick = 0;
			return DRM_SVM_POLICY_MOVE;
		}
		if (req->proc == blk->last_by)
			return DRM_SVM_POLICY_MOVE;
		if (blk->naps >= p->throttles)
			return drm_svm_policy_pin(p, topo, blk, req, nap, events);
		return drm_svm_policy_nap(blk, req, nap, events);
	default:
		break;
	}

	if (req->from == req->to)
		return DRM_SVM_POLICY_MOVE;
	blk->quick = quick ? min(blk->quick + 1, U8_MAX) : 0;
	if (blk->quick < max(p->threshold, 1u))
		return DRM_SVM_POLICY_MOVE;
	*events |= DRM_SVM_POLICY_EV_THRASH;
	if (!p->throttles)
		return drm_svm_policy_pin(p, topo, blk, req, nap, events);
	return drm_svm_policy_nap(blk, req, nap, events);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_policy_step);

/**
 * drm_svm_policy_moved() - Record a move the policy allowed
 * @blk: the block
 * @req: the request, as drm_svm_policy_step() left it
 * @end: when the move ended, ns
 */
void drm_svm_policy_moved(struct drm_svm_policy_block *blk,
			  const struct drm_svm_policy_req *req, u64 end)
{
	blk->last_move = end;
	blk->last_to = req->to;
	blk->last_by = req->proc;
	if (blk->moves < U32_MAX)
		blk->moves++;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_policy_moved);

/**
 * drm_svm_policy_reset() - Forget a block's history: what the user asked
 * @blk: the block
 * @now: the time, ns
 */
void drm_svm_policy_reset(struct drm_svm_policy_block *blk, u64 now)
{
	blk->state = DRM_SVM_POLICY_NORMAL;
	blk->quick = 0;
	blk->naps = 0;
	blk->backoff = 0;
	blk->moves = 0;
	blk->touched = 0;
	blk->written = 0;
	blk->atomics = 0;
	blk->top_hits = 0;
	blk->epoch_start = now;
	/* A move right after this one is not quick. */
	blk->last_move = 0;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_policy_reset);

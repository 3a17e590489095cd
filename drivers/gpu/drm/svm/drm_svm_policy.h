/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The drm_svm authors
 */
#ifndef __DRM_SVM_POLICY_H__
#define __DRM_SVM_POLICY_H__

#include <linux/align.h>
#include <linux/bits.h>
#include <linux/minmax.h>
#include <linux/types.h>

#include <uapi/drm/drm_svm.h>

/* Processors: the SVM devices by id, then the CPU (system memory) */
#define DRM_SVM_PROC_CPU	DRM_SVM_MAX_DEVICES
#define DRM_SVM_NR_PROCS	(DRM_SVM_MAX_DEVICES + 1)

/* log2 of the size of a policy block */
#define DRM_SVM_BLOCK_SHIFT	21

/**
 * drm_svm_block_start() - The first address of a policy block
 * @addr: a CPU address
 * @vma_start: the start of the VMA @addr is in
 *
 * A block is the 2 MiB-aligned range of @addr, from where its VMA starts
 * if that is later: a VMA smaller than 2 MiB has blocks of its own.
 *
 * Returns: the address the block is known by.
 */
static inline unsigned long drm_svm_block_start(unsigned long addr,
						unsigned long vma_start)
{
	return max(ALIGN_DOWN(addr, BIT(DRM_SVM_BLOCK_SHIFT)), vma_start);
}

/**
 * struct drm_svm_policy_params - The migration policy's thresholds
 *
 * Tunable in debugfs (drm_svm/policy/); see DOC: Migration policy.
 */
struct drm_svm_policy_params {
	/** @threshold: Quick moves in a row that are thrashing */
	u32 threshold;
	/** @throttles: Throttled moves before a block is pinned */
	u32 throttles;
	/** @pin_lapses: The first pin of a block, in lapses */
	u32 pin_lapses;
	/** @epoch_lapses: The epoch, in lapses */
	u32 epoch_lapses;
	/** @max_backoff: Most doublings of the pin */
	u32 max_backoff;
	/** @lapse_min_us: Shortest lapse, in microseconds */
	u32 lapse_min_us;
	/** @lapse_max_us: Longest lapse, in microseconds */
	u32 lapse_max_us;
};

/**
 * struct drm_svm_policy_block - The policy state of one block
 *
 * Kept in &drm_svm_mcache.blocks, created when a second processor moves
 * the block within a lapse of the first; see DOC: Migration policy.
 * Processors are ids as in %DRM_SVM_PROC_CPU; times are in ns.
 */
struct drm_svm_policy_block {
	/** @last_move: When the last move of the block ended */
	u64 last_move;
	/**
	 * @until: PINNED: when the pin ends; PROBE: when the probe began
	 */
	u64 until;
	/** @epoch_start: When the current epoch began */
	u64 epoch_start;
	/** @placed_seq: Notifier sequence with which @placed was checked */
	unsigned long placed_seq;
	/** @lapse: The lapse of the last move's pair, ns */
	u32 lapse;
	/** @touched: Processors that asked for the block this epoch */
	u32 touched;
	/** @written: Of @touched, those that wrote */
	u32 written;
	/** @atomics: Of @touched, those that did atomics */
	u32 atomics;
	/** @moves: Moves since the history was reset */
	u32 moves;
	/** @top_hits: Weight of @top, a majority vote over the requests */
	u16 top_hits;
	/** @top: The processor that asked the most, as far as the vote tells */
	u8 top;
	/** @state: DRM_SVM_POLICY_NORMAL, _THROTTLED, _PINNED or _PROBE */
	u8 state;
	/** @home: PINNED: the processor whose memory the block is pinned in */
	u8 home;
	/** @last_to: Where the last move put the block */
	u8 last_to;
	/** @last_by: The processor that asked for the last move */
	u8 last_by;
	/** @quick: Consecutive moves less than a lapse after the one before */
	u8 quick;
	/** @naps: Throttled moves of the current thrashing */
	u8 naps;
	/** @backoff: Doublings of the next pin */
	u8 backoff;
	/** @busy: A move of the block is in progress */
	u8 busy;
	/** @placed: Where a fault last found or put the block, or 0xff */
	u8 placed;
};

/* What drm_svm_policy_step() did, for the counters and the trace */
#define DRM_SVM_POLICY_EV_THRASH	BIT(0)
#define DRM_SVM_POLICY_EV_THROTTLE	BIT(1)
#define DRM_SVM_POLICY_EV_PIN		BIT(2)
#define DRM_SVM_POLICY_EV_PROBE		BIT(3)
#define DRM_SVM_POLICY_EV_NORMAL	BIT(4)
#define DRM_SVM_POLICY_EV_REMOTE	BIT(5)

/**
 * struct drm_svm_policy_topo - What the policy knows of the topology
 */
struct drm_svm_policy_topo {
	/**
	 * @reaches: Whether processor @proc can use memory of processor
	 * @home in place (for atomics when @atomic); false when @home has no
	 * memory
	 */
	bool (*reaches)(const void *ctx, u32 proc, u32 home, bool atomic);
	/** @ctx: For @reaches */
	const void *ctx;
	/** @preferred: The processor of the preferred location, or -1 */
	int preferred;
};

/**
 * struct drm_svm_policy_req - A request to move a block
 */
struct drm_svm_policy_req {
	/** @now: When it is asked, ns */
	u64 now;
	/** @lapse: The lapse of the pair @from, @to, ns */
	u32 lapse;
	/** @proc: The processor that asks */
	u8 proc;
	/** @from: Where the block is */
	u8 from;
	/** @to: Where placement wants it; the policy may change it */
	u8 to;
	/** @write: The access writes */
	bool write;
	/** @atomic: The access is an atomic */
	bool atomic;
};

/**
 * enum drm_svm_policy_verdict - What a request may do
 * @DRM_SVM_POLICY_MOVE: move the block to &drm_svm_policy_req.to
 * @DRM_SVM_POLICY_NAP: wait, then move to &drm_svm_policy_req.to
 * @DRM_SVM_POLICY_STAY: do not move it; the processor reaches it
 */
enum drm_svm_policy_verdict {
	DRM_SVM_POLICY_MOVE,
	DRM_SVM_POLICY_NAP,
	DRM_SVM_POLICY_STAY,
};

void drm_svm_policy_params_default(struct drm_svm_policy_params *p);
u32 drm_svm_policy_lapse(const struct drm_svm_policy_params *p, u64 cost_ns);
u64 drm_svm_policy_epoch(const struct drm_svm_policy_params *p,
			 const struct drm_svm_policy_block *blk);
void drm_svm_policy_block_init(struct drm_svm_policy_block *blk,
			       const struct drm_svm_policy_req *req, u64 born);
bool drm_svm_policy_tracks(const struct drm_svm_policy_req *req, u64 born);
enum drm_svm_policy_verdict
drm_svm_policy_step(const struct drm_svm_policy_params *p,
		    const struct drm_svm_policy_topo *topo,
		    struct drm_svm_policy_block *blk,
		    struct drm_svm_policy_req *req, u64 *nap, u32 *events);
void drm_svm_policy_moved(struct drm_svm_policy_block *blk,
			  const struct drm_svm_policy_req *req, u64 end);
void drm_svm_policy_reset(struct drm_svm_policy_block *blk, u64 now);
u32 drm_svm_policy_tick(const struct drm_svm_policy_params *p,
			struct drm_svm_policy_block *blk, u64 now);

#endif /* __DRM_SVM_POLICY_H__ */

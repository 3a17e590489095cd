// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 *
 * KUnit tests of the migration policy's state machine, driven with a fake
 * clock and a fake topology: detection, throttling, the choice of a pin's
 * home, the end of a pin, backoff and reset.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/time64.h>

#include "../drm_svm_internal.h"

#define CPU	DRM_SVM_PROC_CPU
#define LAPSE	(2 * NSEC_PER_MSEC)

/* A fake topology: who reaches whose memory, and with atomics */
struct fake_topo {
	bool reach[DRM_SVM_NR_PROCS][DRM_SVM_NR_PROCS];
	bool atomics[DRM_SVM_NR_PROCS][DRM_SVM_NR_PROCS];
	struct drm_svm_policy_topo topo;
};

static bool fake_reaches(const void *ctx, u32 proc, u32 home, bool atomic)
{
	const struct fake_topo *f = ctx;

	return f->reach[proc][home] && (!atomic || f->atomics[proc][home]);
}

/* @a reaches @b's memory, with atomics or not. */
static void fake_reach(struct fake_topo *f, u32 a, u32 b, bool atomics)
{
	f->reach[a][b] = true;
	f->atomics[a][b] = atomics;
}

/* @a and @b reach each other's memory. */
static void fake_link(struct fake_topo *f, u32 a, u32 b, bool atomics)
{
	fake_reach(f, a, b, atomics);
	fake_reach(f, b, a, atomics);
}

/*
 * @ndev devices with memory, each reaching system memory and itself; the
 * CPU reaches only system memory. Atomics work everywhere one reaches.
 */
static struct fake_topo *fake_topo(struct kunit *test, unsigned int ndev)
{
	struct fake_topo *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	for (i = 0; i < ndev; i++) {
		fake_reach(f, i, i, true);
		fake_reach(f, i, CPU, true);
	}
	fake_reach(f, CPU, CPU, true);
	f->topo.reaches = fake_reaches;
	f->topo.ctx = f;
	f->topo.preferred = -1;
	return f;
}

/* The policy, one block, and the clock */
struct pol {
	struct drm_svm_policy_params p;
	struct drm_svm_policy_block blk;
	struct fake_topo *f;
	u64 now;
	u32 events;
};

static struct pol *pol_new(struct kunit *test, unsigned int ndev)
{
	struct pol *pl = kunit_kzalloc(test, sizeof(*pl), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pl);
	drm_svm_policy_params_default(&pl->p);
	pl->f = fake_topo(test, ndev);
	pl->now = 1000 * NSEC_PER_SEC;
	return pl;
}

/* Request by @proc to move the block from @from to @to; moves on MOVE. */
static enum drm_svm_policy_verdict
pol_ask(struct pol *pl, u8 proc, u8 from, u8 to, bool atomic, u8 *where)
{
	struct drm_svm_policy_req req = {
		.now = pl->now, .lapse = LAPSE, .proc = proc, .from = from,
		.to = to, .write = true, .atomic = atomic,
	};
	enum drm_svm_policy_verdict v;
	u64 nap;

	v = drm_svm_policy_step(&pl->p, &pl->f->topo, &pl->blk, &req, &nap,
				&pl->events);
	if (v == DRM_SVM_POLICY_NAP)
		pl->now += nap;
	if (v != DRM_SVM_POLICY_STAY) {
		pl->now += LAPSE / 10;	/* the move */
		drm_svm_policy_moved(&pl->blk, &req, pl->now);
	}
	*where = req.to;
	return v;
}

/* Start tracking: @from got the block from elsewhere @ago ns before now. */
static void pol_start(struct kunit *test, struct pol *pl, u8 proc, u8 from,
		      u64 ago)
{
	struct drm_svm_policy_req req = {
		.now = pl->now, .lapse = LAPSE, .proc = proc, .from = from,
		.to = proc,
	};

	KUNIT_ASSERT_TRUE(test, drm_svm_policy_tracks(&req, pl->now - ago));
	drm_svm_policy_block_init(&pl->blk, &req, pl->now - ago);
}

/*
 * Processors @a and @b take the block from each other, @gap ns after each
 * move, @rounds times; returns how many requests moved it.
 */
static unsigned int pol_pingpong(struct pol *pl, u8 a, u8 b, u64 gap,
				 unsigned int rounds, u8 *where)
{
	unsigned int i, moves = 0;
	u8 holder = *where;

	for (i = 0; i < rounds; i++) {
		u8 proc = i % 2 ? a : b;

		pl->now += gap;
		if (proc == holder)
			continue;
		if (pol_ask(pl, proc, holder, proc, false, &holder) !=
		    DRM_SVM_POLICY_STAY)
			moves++;
	}
	*where = holder;
	return moves;
}

static void drm_test_svm_policy_lapse(struct kunit *test)
{
	struct drm_svm_policy_params p;

	drm_svm_policy_params_default(&p);
	KUNIT_EXPECT_EQ(test, drm_svm_policy_lapse(&p, 5 * NSEC_PER_MSEC),
			10 * NSEC_PER_MSEC);
	/* Real hardware: tens of microseconds a move, the floor applies. */
	KUNIT_EXPECT_EQ(test, drm_svm_policy_lapse(&p, 10 * NSEC_PER_USEC),
			(u32)p.lapse_min_us * NSEC_PER_USEC);
	KUNIT_EXPECT_EQ(test, drm_svm_policy_lapse(&p, 10ULL * NSEC_PER_SEC),
			(u32)p.lapse_max_us * NSEC_PER_USEC);
	KUNIT_EXPECT_EQ(test, drm_svm_policy_lapse(&p, 0),
			(u32)p.lapse_max_us * NSEC_PER_USEC);
}

static void drm_test_svm_policy_tracks(struct kunit *test)
{
	struct drm_svm_policy_req req = {
		.now = 10 * NSEC_PER_SEC, .lapse = LAPSE, .proc = 1,
		.from = 0, .to = 1,
	};

	KUNIT_EXPECT_TRUE(test, drm_svm_policy_tracks(&req, req.now - 1));
	/* Single owner: the data moved in long ago. */
	KUNIT_EXPECT_FALSE(test, drm_svm_policy_tracks(&req,
						       req.now - LAPSE));
	KUNIT_EXPECT_FALSE(test, drm_svm_policy_tracks(&req, 0));
	req.to = 0;
	KUNIT_EXPECT_FALSE(test, drm_svm_policy_tracks(&req, req.now - 1));
	KUNIT_EXPECT_LE(test, sizeof(struct drm_svm_policy_block), 64);
}

/* GPU 0 and GPU 1, linked, write in turn: throttle, then pin at the holder. */
static void drm_test_svm_policy_gpu_pingpong(struct kunit *test)
{
	struct pol *pl = pol_new(test, 2);
	u8 where = 0;

	fake_link(pl->f, 0, 1, true);
	pol_start(test, pl, 1, 0, LAPSE / 4);

	KUNIT_EXPECT_EQ(test, pol_ask(pl, 1, 0, 1, false, &where),
			DRM_SVM_POLICY_MOVE);
	KUNIT_EXPECT_EQ(test, pl->blk.state, DRM_SVM_POLICY_NORMAL);
	pl->now += LAPSE / 4;
	KUNIT_EXPECT_EQ(test, pol_ask(pl, 0, 1, 0, false, &where),
			DRM_SVM_POLICY_NAP);
	KUNIT_EXPECT_TRUE(test, pl->events & DRM_SVM_POLICY_EV_THRASH);
	KUNIT_EXPECT_TRUE(test, pl->events & DRM_SVM_POLICY_EV_THROTTLE);
	KUNIT_EXPECT_EQ(test, pl->blk.state, DRM_SVM_POLICY_THROTTLED);
	pl->now += LAPSE / 4;
	KUNIT_EXPECT_EQ(test, pol_ask(pl, 1, 0, 1, false, &where),
			DRM_SVM_POLICY_STAY);
	KUNIT_EXPECT_TRUE(test, pl->events & DRM_SVM_POLICY_EV_PIN);
	KUNIT_EXPECT_TRUE(test, pl->events & DRM_SVM_POLICY_EV_REMOTE);
	KUNIT_EXPECT_EQ(test, pl->blk.state, DRM_SVM_POLICY_PINNED);
	KUNIT_EXPECT_EQ(test, pl->blk.home, 0);
	KUNIT_EXPECT_EQ(test, where, 0);
	KUNIT_EXPECT_EQ(test, pl->blk.until - pl->now,
			(u64)pl->p.pin_lapses * LAPSE);

	/* Pinned: nobody moves it any more. */
	KUNIT_EXPECT_EQ(test, pol_pingpong(pl, 0, 1, LAPSE / 8, 50, &where),
			0);
	KUNIT_EXPECT_EQ(test, pl->blk.moves, 3);
}

/* The same with the policy's throttling off: straight to the pin. */
static void drm_test_svm_policy_no_throttle(struct kunit *test)
{
	struct pol *pl = pol_new(test, 2);
	u8 where = 0;

	fake_link(pl->f, 0, 1, true);
	pl->p.throttles = 0;
	pol_start(test, pl, 1, 0, LAPSE / 4);
	KUNIT_EXPECT_EQ(test, pol_pingpong(pl, 0, 1, LAPSE / 4, 10, &where),
			1);
	KUNIT_EXPECT_EQ(test, pl->blk.state, DRM_SVM_POLICY_PINNED);
	KUNIT_EXPECT_EQ(test, pl->blk.naps, 0);
}

/* Moves more than a lapse apart are no thrashing. */
static void drm_test_svm_policy_slow(struct kunit *test)
{
	struct pol *pl = pol_new(test, 2);
	u8 where = 0;

	fake_link(pl->f, 0, 1, true);
	pol_start(test, pl, 1, 0, LAPSE / 4);
	KUNIT_EXPECT_EQ(test, pol_pingpong(pl, 0, 1, 2 * LAPSE, 40, &where),
			40);
	KUNIT_EXPECT_EQ(test, pl->blk.state, DRM_SVM_POLICY_NORMAL);
}

/* A block that visits one device after the other takes nothing back. */
static void drm_test_svm_policy_chain(struct kunit *test)
{
	static const u8 visits[] = { 1, 2, 3, CPU };
	struct pol *pl = pol_new(test, 4);
	u8 where = 0;
	unsigned int i;

	pol_start(test, pl, 1, 0, LAPSE / 4);
	for (i = 0; i < ARRAY_SIZE(visits); i++) {
		pl->now += LAPSE / 8;
		KUNIT_EXPECT_EQ(test, pol_ask(pl, visits[i], where, visits[i],
					      false, &where),
				DRM_SVM_POLICY_MOVE);
		KUNIT_EXPECT_EQ(test, pl->events, 0);
		KUNIT_EXPECT_EQ(test, where, visits[i]);
	}
	KUNIT_EXPECT_EQ(test, pl->blk.state, DRM_SVM_POLICY_NORMAL);
	/* Device 0 taking it back, though, is thrashing. */
	pl->now += LAPSE / 8;
	KUNIT_EXPECT_EQ(test, pol_ask(pl, 0, where, 0, false, &where),
			DRM_SVM_POLICY_NAP);
	KUNIT_EXPECT_TRUE(test, pl->events & DRM_SVM_POLICY_EV_THRASH);
}

/* A throttled block whose moves slow down is NORMAL again. */
static void drm_test_svm_policy_throttle_ends(struct kunit *test)
{
	struct pol *pl = pol_new(test, 2);
	u8 where = 0;

	fake_link(pl->f, 0, 1, true);
	pl->p.throttles = 4;
	pol_start(test, pl, 1, 0, LAPSE / 4);
	pol_pingpong(pl, 0, 1, LAPSE / 4, 3, &where);
	KUNIT_ASSERT_EQ(test, pl->blk.state, DRM_SVM_POLICY_THROTTLED);
	pl->now += 3 * LAPSE;
	KUNIT_EXPECT_EQ(test, pol_ask(pl, where ? 0 : 1, where, where ? 0 : 1,
				      false, &where), DRM_SVM_POLICY_MOVE);
	KUNIT_EXPECT_EQ(test, pl->blk.state, DRM_SVM_POLICY_NORMAL);
}

/* Where a block is pinned, for one topology and access pattern */
struct home_case {
	const char *name;
	/* Links between devices 0 and 1, 1 and 2, 0 and 2 */
	bool link01, link12, link02;
	bool link_atomics;
	/* The preferred location, -1 for none */
	int preferred;
	/* Processors that take part besides 0 and 1 */
	int third;
	bool atomic;
	/* The home; -1: none, the block stays throttled */
	int home;
};

static const struct home_case home_cases[] = {
	{ "holder", true, false, false, true, -1, -1, false, 0 },
	{ "preferred", true, false, false, true, 1, -1, false, 1 },
	{ "preferred-unreached", false, false, false, true, 1, -1, false, CPU },
	{ "system-unlinked", false, false, false, true, -1, -1, false, CPU },
	{ "cpu-contender", true, false, false, true, -1, CPU, false, CPU },
	{ "holder-of-three", true, true, true, true, -1, 2, false, 0 },
	{ "top", false, true, true, true, -1, 2, false, 2 },
	{ "atomics-link", true, false, false, true, -1, -1, true, 0 },
	{ "atomics-none", true, false, false, false, -1, -1, true, -1 },
	{ "preferred-system", true, false, false, true, CPU, -1, false, CPU },
};

static void home_case_desc(const struct home_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(home, home_cases, home_case_desc);

static void drm_test_svm_policy_home(struct kunit *test)
{
	const struct home_case *c = test->param_value;
	struct pol *pl = pol_new(test, 3);
	unsigned int i;
	u8 where = 0;

	if (c->link01)
		fake_link(pl->f, 0, 1, c->link_atomics);
	if (c->link12)
		fake_link(pl->f, 1, 2, c->link_atomics);
	if (c->link02)
		fake_link(pl->f, 0, 2, c->link_atomics);
	pl->f->topo.preferred = c->preferred;
	/* No processor reaches system memory with its atomics here. */
	if (c->atomic)
		for (i = 0; i < DRM_SVM_NR_PROCS; i++)
			pl->f->atomics[i][CPU] = false;

	pol_start(test, pl, 1, 0, LAPSE / 4);
	if (c->third >= 0) {
		/* The third one asks, often, and gets the block first. */
		for (i = 0; i < 3; i++)
			pol_ask(pl, c->third, where, c->third, false, &where);
		pl->now += LAPSE / 8;
	}
	for (i = 0; i < 6 && pl->blk.state != DRM_SVM_POLICY_PINNED; i++) {
		u8 proc = i % 2 ? 0 : 1;

		pl->now += LAPSE / 8;
		if (proc != where)
			pol_ask(pl, proc, where, proc, c->atomic, &where);
	}

	if (c->home < 0) {
		KUNIT_EXPECT_EQ(test, pl->blk.state, DRM_SVM_POLICY_THROTTLED);
		return;
	}
	KUNIT_ASSERT_EQ(test, pl->blk.state, DRM_SVM_POLICY_PINNED);
	KUNIT_EXPECT_EQ(test, pl->blk.home, c->home);
	KUNIT_EXPECT_EQ(test, where, c->home);
}

/* A processor that does not reach the home joins, and the home changes. */
static void drm_test_svm_policy_newcomer(struct kunit *test)
{
	struct pol *pl = pol_new(test, 2);
	u8 where = 0;

	fake_link(pl->f, 0, 1, true);
	pol_start(test, pl, 1, 0, LAPSE / 4);
	pol_pingpong(pl, 0, 1, LAPSE / 4, 4, &where);
	KUNIT_ASSERT_EQ(test, pl->blk.state, DRM_SVM_POLICY_PINNED);
	KUNIT_ASSERT_EQ(test, pl->blk.home, 0);

	pl->now += LAPSE / 4;
	KUNIT_EXPECT_EQ(test, pol_ask(pl, CPU, 0, CPU, false, &where),
			DRM_SVM_POLICY_MOVE);
	KUNIT_EXPECT_EQ(test, pl->blk.state, DRM_SVM_POLICY_PINNED);
	KUNIT_EXPECT_EQ(test, pl->blk.home, CPU);
	KUNIT_EXPECT_EQ(test, where, CPU);
	/* Both devices now map system memory. */
	KUNIT_EXPECT_EQ(test, pol_ask(pl, 1, CPU, 1, false, &where),
			DRM_SVM_POLICY_STAY);
	KUNIT_EXPECT_EQ(test, where, CPU);
}

/* The pin ends, one move is allowed; thrashing again pins for longer. */
static void drm_test_svm_policy_backoff(struct kunit *test)
{
	struct pol *pl = pol_new(test, 2);
	u64 pin = (u64)pl->p.pin_lapses * LAPSE;
	unsigned int i;
	u8 where = 0;

	fake_link(pl->f, 0, 1, true);
	pol_start(test, pl, 1, 0, LAPSE / 4);
	pol_pingpong(pl, 0, 1, LAPSE / 4, 4, &where);
	KUNIT_ASSERT_EQ(test, pl->blk.state, DRM_SVM_POLICY_PINNED);

	for (i = 1; i <= 3; i++) {
		pl->now = pl->blk.until;
		KUNIT_EXPECT_EQ(test, drm_svm_policy_tick(&pl->p, &pl->blk,
							  pl->now),
				DRM_SVM_POLICY_EV_PROBE);
		KUNIT_EXPECT_EQ(test, pl->blk.state, DRM_SVM_POLICY_PROBE);
		/* Exactly one move, then thrashing pins again. */
		KUNIT_EXPECT_EQ(test, pol_pingpong(pl, 0, 1, LAPSE / 4, 6,
						   &where), 1);
		KUNIT_EXPECT_EQ(test, pl->blk.state, DRM_SVM_POLICY_PINNED);
		KUNIT_EXPECT_EQ(test, pl->blk.backoff, i);
		/* Pinned a quarter lapse after the probe's move */
		KUNIT_EXPECT_EQ(test, pl->blk.until - pl->blk.last_move,
				(pin << i) + LAPSE / 4);
	}

	/* Never longer than an epoch. */
	pl->p.max_backoff = 20;
	for (i = 0; i < 8; i++) {
		pl->now = pl->blk.until;
		drm_svm_policy_tick(&pl->p, &pl->blk, pl->now);
		pol_pingpong(pl, 0, 1, LAPSE / 4, 6, &where);
	}
	KUNIT_EXPECT_LE(test, pl->blk.until - pl->now,
			drm_svm_policy_epoch(&pl->p, &pl->blk));

	/* One user for an epoch after the pin: normal, backoff forgotten. */
	pl->now = pl->blk.until;
	drm_svm_policy_tick(&pl->p, &pl->blk, pl->now);
	KUNIT_EXPECT_NE(test, pol_ask(pl, where ? 0 : 1, where, where ? 0 : 1,
				      false, &where), DRM_SVM_POLICY_STAY);
	pl->now += drm_svm_policy_epoch(&pl->p, &pl->blk) + LAPSE;
	KUNIT_EXPECT_EQ(test, drm_svm_policy_tick(&pl->p, &pl->blk, pl->now),
			DRM_SVM_POLICY_EV_NORMAL);
	KUNIT_EXPECT_EQ(test, pl->blk.state, DRM_SVM_POLICY_NORMAL);
	KUNIT_EXPECT_EQ(test, pl->blk.backoff, 0);
}

/* A phase change: after the pin, the other device alone gets the block. */
static void drm_test_svm_policy_phase(struct kunit *test)
{
	struct pol *pl = pol_new(test, 2);
	u64 t0;
	u8 where = 0;

	fake_link(pl->f, 0, 1, true);
	pol_start(test, pl, 1, 0, LAPSE / 4);
	pol_pingpong(pl, 0, 1, LAPSE / 4, 4, &where);
	KUNIT_ASSERT_EQ(test, pl->blk.home, 0);

	/* Device 1 alone, every lapse; the pin's end lets it take the block. */
	t0 = pl->now;
	while (where != 1 && pl->now - t0 <
	       2 * drm_svm_policy_epoch(&pl->p, &pl->blk)) {
		pl->now += LAPSE;
		drm_svm_policy_tick(&pl->p, &pl->blk, pl->now);
		pol_ask(pl, 1, where, 1, false, &where);
	}
	KUNIT_EXPECT_EQ(test, where, 1);
	KUNIT_EXPECT_LE(test, pl->now - t0,
			drm_svm_policy_epoch(&pl->p, &pl->blk));
}

/* What the user asks for resets the history. */
static void drm_test_svm_policy_reset(struct kunit *test)
{
	struct pol *pl = pol_new(test, 2);
	u8 where = 0;

	fake_link(pl->f, 0, 1, true);
	pol_start(test, pl, 1, 0, LAPSE / 4);
	pol_pingpong(pl, 0, 1, LAPSE / 4, 4, &where);
	KUNIT_ASSERT_EQ(test, pl->blk.state, DRM_SVM_POLICY_PINNED);

	drm_svm_policy_reset(&pl->blk, pl->now);
	KUNIT_EXPECT_EQ(test, pl->blk.state, DRM_SVM_POLICY_NORMAL);
	KUNIT_EXPECT_EQ(test, pl->blk.moves, 0);
	/* The prefetch's move, right away, is no thrashing. */
	KUNIT_EXPECT_EQ(test, pol_ask(pl, 1, 0, 1, false, &where),
			DRM_SVM_POLICY_MOVE);
	KUNIT_EXPECT_EQ(test, pl->blk.quick, 0);
	KUNIT_EXPECT_EQ(test, where, 1);
}

/* A request to the per-process cache; the data moved in at @born (0: unknown) */
static enum drm_svm_policy_verdict
cache_ask(struct drm_svm_mm *svm_mm, struct drm_svm_device *sdev, u8 proc,
	  u8 from, u64 born)
{
	struct drm_svm_mcache_ticket t = {
		.req = { .proc = proc, .from = from, .to = proc, .write = true },
		.addr = SZ_1G,
		.preferred = -1,
		.sdev = sdev,
	};
	enum drm_svm_policy_verdict v;

	v = drm_svm_mcache_begin(svm_mm, &t, born, false, false);
	/* Nothing moved: no cost is measured, the block is let go. */
	drm_svm_mcache_end(svm_mm, &t, -EBUSY);
	return v;
}

/* State only for a block a second processor takes within a lapse. */
static void drm_test_svm_policy_lazy(struct kunit *test)
{
	struct drm_svm_mm *svm_mm = kunit_kzalloc(test, sizeof(*svm_mm),
						  GFP_KERNEL);
	struct drm_svm_device *sdev = kunit_kzalloc(test, sizeof(*sdev),
						    GFP_KERNEL);
	u64 blocks;

	KUNIT_ASSERT_NOT_NULL(test, svm_mm);
	KUNIT_ASSERT_NOT_NULL(test, sdev);
	KUNIT_ASSERT_TRUE(test, drm_svm_policy_enabled());
	drm_svm_mcache_init(&svm_mm->mcache);

	/* One device and the CPU, each with the data for long: nothing. */
	KUNIT_EXPECT_EQ(test, cache_ask(svm_mm, sdev, CPU, 0,
					ktime_get_ns() - 10 * NSEC_PER_SEC),
			DRM_SVM_POLICY_MOVE);
	KUNIT_EXPECT_EQ(test, cache_ask(svm_mm, sdev, 0, CPU, 0),
			DRM_SVM_POLICY_MOVE);
	KUNIT_EXPECT_EQ(test, drm_svm_mcache_bytes(svm_mm, &blocks), 0);
	KUNIT_EXPECT_EQ(test, blocks, 0);

	/* A second device right after the first: one block. */
	KUNIT_EXPECT_EQ(test, cache_ask(svm_mm, sdev, 1, 0,
					ktime_get_ns() - NSEC_PER_USEC),
			DRM_SVM_POLICY_MOVE);
	KUNIT_EXPECT_EQ(test, drm_svm_mcache_bytes(svm_mm, &blocks),
			sizeof(struct drm_svm_policy_block));
	KUNIT_EXPECT_EQ(test, blocks, 1);
	KUNIT_EXPECT_LE(test, sizeof(struct drm_svm_policy_block), 64);

	drm_svm_mcache_fini(&svm_mm->mcache);
}

static struct kunit_case drm_svm_policy_tests[] = {
	KUNIT_CASE(drm_test_svm_policy_lapse),
	KUNIT_CASE(drm_test_svm_policy_tracks),
	KUNIT_CASE(drm_test_svm_policy_gpu_pingpong),
	KUNIT_CASE(drm_test_svm_policy_no_throttle),
	KUNIT_CASE(drm_test_svm_policy_slow),
	KUNIT_CASE(drm_test_svm_policy_chain),
	KUNIT_CASE(drm_test_svm_policy_throttle_ends),
	KUNIT_CASE_PARAM(drm_test_svm_policy_home, home_gen_params),
	KUNIT_CASE(drm_test_svm_policy_newcomer),
	KUNIT_CASE(drm_test_svm_policy_backoff),
	KUNIT_CASE(drm_test_svm_policy_phase),
	KUNIT_CASE(drm_test_svm_policy_reset),
	KUNIT_CASE(drm_test_svm_policy_lazy),
	{}
};

static struct kunit_suite drm_svm_policy_suite = {
	.name = "drm_svm_policy",
	.test_cases = drm_svm_policy_tests,
};

kunit_test_suite(drm_svm_policy_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the DRM shared virtual memory migration policy");
MODULE_LICENSE("GPL");

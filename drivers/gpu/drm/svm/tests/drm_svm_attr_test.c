// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 *
 * KUnit tests of the memory attribute tree (split, merge, lookup, drop,
 * the changed parts) and of the placement decision, with a table of cases.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/sizes.h>

#include <drm/drm_svm.h>

#include "../drm_svm_internal.h"
#include "drm_svm_kunit_devs.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define PG(n)	((unsigned long)(n) * PAGE_SIZE)
/* A base far from 0, so that the gaps below the ranges are visible. */
#define BASE	BIT(30)
#define A(n)	(BASE + PG(n))

struct attr_test {
	struct drm_svm_attr_tree tree;
	struct drm_svm_attr_piece pieces[16];
};

static int attr_init(struct kunit *test)
{
	struct attr_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	drm_svm_attr_tree_init(&t->tree);
	test->priv = t;
	return 0;
}

static void attr_exit(struct kunit *test)
{
	struct attr_test *t = test->priv;

	drm_svm_attr_tree_fini(&t->tree);
}

static const struct drm_svm_attr_set pref_sys = {
	.type = DRM_SVM_ATTR_PREFERRED_LOC,
	.value = { .location = DRM_SVM_LOC_SYSTEM },
};

static const struct drm_svm_attr_set pref_dev3 = {
	.type = DRM_SVM_ATTR_PREFERRED_LOC,
	.value = { .location = DRM_SVM_LOC_DEVICE, .device = 3 },
};

static const struct drm_svm_attr_set pref_none = {
	.type = DRM_SVM_ATTR_PREFERRED_LOC,
};

static const struct drm_svm_attr_set acc_dev1 = {
	.type = DRM_SVM_ATTR_ACCESSED_BY,
	.value = { .accessed_by = BIT(1) },
};

/* Set @set on pages [first, end) and return how many parts changed. */
static unsigned int attr_set(struct kunit *test, unsigned long first,
			     unsigned long end,
			     const struct drm_svm_attr_set *set,
			     struct drm_svm_attr_span *spans)
{
	struct attr_test *t = test->priv;
	struct drm_svm_attr_span local[4];
	struct drm_svm_attr_change change = {
		.spans = spans ?: local,
		.max = 4,
	};

	KUNIT_ASSERT_EQ(test, drm_svm_attr_tree_set(&t->tree, A(first),
						    A(end) - 1, set, NULL,
						    NULL, &change), 0);
	return change.num;
}

/* The pieces of pages [first, end); returns how many there are. */
static unsigned int attr_query(struct kunit *test, unsigned long first,
			       unsigned long end)
{
	struct attr_test *t = test->priv;

	return drm_svm_attr_tree_query(&t->tree, A(first), A(end) - 1,
				       t->pieces, ARRAY_SIZE(t->pieces));
}

/* Piece @i runs over pages [first, end) with preferred location @loc. */
static void expect_piece(struct kunit *test, unsigned int i,
			 unsigned long first, unsigned long end, u8 loc)
{
	struct attr_test *t = test->priv;

	KUNIT_EXPECT_EQ(test, t->pieces[i].start, A(first));
	KUNIT_EXPECT_EQ(test, t->pieces[i].last, A(end) - 1);
	KUNIT_EXPECT_EQ(test, t->pieces[i].attrs.location, loc);
}

static void drm_test_svm_attr_empty(struct kunit *test)
{
	struct attr_test *t = test->priv;
	struct drm_svm_attrs attrs = { .location = 0xff };
	unsigned long lo, hi;

	drm_svm_attr_lookup(&t->tree, A(5), &attrs, &lo, &hi);
	KUNIT_EXPECT_EQ(test, attrs.location, (u8)DRM_SVM_LOC_NONE);
	KUNIT_EXPECT_EQ(test, lo, 0ul);
	KUNIT_EXPECT_EQ(test, hi, ULONG_MAX);
	KUNIT_ASSERT_EQ(test, attr_query(test, 0, 16), 1u);
	expect_piece(test, 0, 0, 16, DRM_SVM_LOC_NONE);
}

static void drm_test_svm_attr_set_lookup(struct kunit *test)
{
	struct attr_test *t = test->priv;
	struct drm_svm_attrs attrs;
	unsigned long lo, hi;

	KUNIT_EXPECT_EQ(test, attr_set(test, 4, 8, &pref_dev3, NULL), 1u);
	drm_svm_attr_lookup(&t->tree, A(6), &attrs, &lo, &hi);
	KUNIT_EXPECT_EQ(test, attrs.location, (u8)DRM_SVM_LOC_DEVICE);
	KUNIT_EXPECT_EQ(test, attrs.device, 3);
	KUNIT_EXPECT_EQ(test, lo, A(4));
	KUNIT_EXPECT_EQ(test, hi, A(8) - 1);

	/* The gaps on both sides reach the node. */
	drm_svm_attr_lookup(&t->tree, A(2), &attrs, &lo, &hi);
	KUNIT_EXPECT_EQ(test, attrs.location, (u8)DRM_SVM_LOC_NONE);
	KUNIT_EXPECT_EQ(test, lo, 0ul);
	KUNIT_EXPECT_EQ(test, hi, A(4) - 1);
	drm_svm_attr_lookup(&t->tree, A(8), &attrs, &lo, &hi);
	KUNIT_EXPECT_EQ(test, lo, A(8));
	KUNIT_EXPECT_EQ(test, hi, ULONG_MAX);

	KUNIT_ASSERT_EQ(test, attr_query(test, 0, 12), 3u);
	expect_piece(test, 0, 0, 4, DRM_SVM_LOC_NONE);
	expect_piece(test, 1, 4, 8, DRM_SVM_LOC_DEVICE);
	expect_piece(test, 2, 8, 12, DRM_SVM_LOC_NONE);
	/* A query inside the node sees just that part. */
	KUNIT_ASSERT_EQ(test, attr_query(test, 5, 6), 1u);
	expect_piece(test, 0, 5, 6, DRM_SVM_LOC_DEVICE);
}

static void drm_test_svm_attr_split_merge(struct kunit *test)
{
	struct drm_svm_attr_span spans[4];

	attr_set(test, 0, 16, &pref_sys, NULL);
	KUNIT_EXPECT_EQ(test, attr_set(test, 4, 8, &pref_dev3, spans), 1u);
	KUNIT_EXPECT_EQ(test, spans[0].start, A(4));
	KUNIT_EXPECT_EQ(test, spans[0].last, A(8) - 1);
	KUNIT_ASSERT_EQ(test, attr_query(test, 0, 16), 3u);
	expect_piece(test, 0, 0, 4, DRM_SVM_LOC_SYSTEM);
	expect_piece(test, 1, 4, 8, DRM_SVM_LOC_DEVICE);
	expect_piece(test, 2, 8, 16, DRM_SVM_LOC_SYSTEM);

	/* Back to the value around it: one node again. */
	KUNIT_EXPECT_EQ(test, attr_set(test, 4, 8, &pref_sys, NULL), 1u);
	KUNIT_ASSERT_EQ(test, attr_query(test, 0, 20), 2u);
	expect_piece(test, 0, 0, 16, DRM_SVM_LOC_SYSTEM);
	expect_piece(test, 1, 16, 20, DRM_SVM_LOC_NONE);

	/* Touching the end, with the same value: merges, nothing changes before. */
	KUNIT_EXPECT_EQ(test, attr_set(test, 16, 20, &pref_sys, NULL), 1u);
	KUNIT_ASSERT_EQ(test, attr_query(test, 0, 20), 1u);
	expect_piece(test, 0, 0, 20, DRM_SVM_LOC_SYSTEM);
}

/* Setting what is there changes nothing; a change reports just its parts. */
static void drm_test_svm_attr_changed_parts(struct kunit *test)
{
	struct drm_svm_attr_span spans[4];

	attr_set(test, 0, 16, &pref_sys, NULL);
	KUNIT_EXPECT_EQ(test, attr_set(test, 0, 16, &pref_sys, NULL), 0u);
	KUNIT_EXPECT_EQ(test, attr_set(test, 2, 6, &pref_sys, NULL), 0u);

	attr_set(test, 4, 8, &pref_dev3, NULL);
	/*
	 * Over sys [0,4), dev3 [4,8), sys [8,16), none [16,20): three parts
	 * change, in two spans, since [8,16) and [16,20) touch.
	 */
	KUNIT_EXPECT_EQ(test, attr_set(test, 0, 20, &pref_dev3, spans), 2u);
	KUNIT_EXPECT_EQ(test, spans[0].start, A(0));
	KUNIT_EXPECT_EQ(test, spans[0].last, A(4) - 1);
	KUNIT_EXPECT_EQ(test, spans[1].start, A(8));
	KUNIT_EXPECT_EQ(test, spans[1].last, A(20) - 1);
	KUNIT_ASSERT_EQ(test, attr_query(test, 0, 20), 1u);
	expect_piece(test, 0, 0, 20, DRM_SVM_LOC_DEVICE);
}

/* Back to the default everywhere: no node left. */
static void drm_test_svm_attr_reset(struct kunit *test)
{
	struct attr_test *t = test->priv;

	attr_set(test, 0, 8, &pref_dev3, NULL);
	attr_set(test, 8, 16, &pref_sys, NULL);
	/* Two parts change, touching: one span. */
	KUNIT_EXPECT_EQ(test, attr_set(test, 0, 16, &pref_none, NULL), 1u);
	KUNIT_ASSERT_EQ(test, attr_query(test, 0, 16), 1u);
	expect_piece(test, 0, 0, 16, DRM_SVM_LOC_NONE);
	KUNIT_EXPECT_TRUE(test, RB_EMPTY_ROOT(&t->tree.root.rb_root));
}

/* Attributes are independent: each set keeps the others. */
static void drm_test_svm_attr_independent(struct kunit *test)
{
	struct attr_test *t = test->priv;

	attr_set(test, 0, 8, &pref_dev3, NULL);
	attr_set(test, 4, 12, &acc_dev1, NULL);
	KUNIT_ASSERT_EQ(test, attr_query(test, 0, 12), 3u);
	expect_piece(test, 0, 0, 4, DRM_SVM_LOC_DEVICE);
	KUNIT_EXPECT_EQ(test, t->pieces[0].attrs.accessed_by, 0u);
	expect_piece(test, 1, 4, 8, DRM_SVM_LOC_DEVICE);
	KUNIT_EXPECT_EQ(test, t->pieces[1].attrs.accessed_by, BIT(1));
	expect_piece(test, 2, 8, 12, DRM_SVM_LOC_NONE);
	KUNIT_EXPECT_EQ(test, t->pieces[2].attrs.accessed_by, BIT(1));
}

static void drm_test_svm_attr_drop(struct kunit *test)
{
	struct attr_test *t = test->priv;

	attr_set(test, 0, 16, &pref_dev3, NULL);
	drm_svm_attr_tree_drop(&t->tree, A(4), A(8) - 1);
	KUNIT_ASSERT_EQ(test, attr_query(test, 0, 16), 3u);
	expect_piece(test, 0, 0, 4, DRM_SVM_LOC_DEVICE);
	expect_piece(test, 1, 4, 8, DRM_SVM_LOC_NONE);
	expect_piece(test, 2, 8, 16, DRM_SVM_LOC_DEVICE);

	/* Over both ends of what is left. */
	drm_svm_attr_tree_drop(&t->tree, A(2), A(10) - 1);
	KUNIT_ASSERT_EQ(test, attr_query(test, 0, 16), 3u);
	expect_piece(test, 0, 0, 2, DRM_SVM_LOC_DEVICE);
	expect_piece(test, 1, 2, 10, DRM_SVM_LOC_NONE);
	expect_piece(test, 2, 10, 16, DRM_SVM_LOC_DEVICE);
}

static int attr_refuse(const struct drm_svm_attrs *attrs, const void *data)
{
	return attrs->location == DRM_SVM_LOC_DEVICE ? -ENOLINK : 0;
}

/* A refused change leaves the tree as it was. */
static void drm_test_svm_attr_check(struct kunit *test)
{
	struct attr_test *t = test->priv;
	struct drm_svm_attr_span spans[4];
	struct drm_svm_attr_change change = { .spans = spans, .max = 4 };

	attr_set(test, 0, 8, &pref_sys, NULL);
	KUNIT_EXPECT_EQ(test, drm_svm_attr_tree_set(&t->tree, A(4), A(12) - 1,
						    &pref_dev3, attr_refuse,
						    NULL, &change), -ENOLINK);
	KUNIT_EXPECT_EQ(test, change.num, 0u);
	KUNIT_ASSERT_EQ(test, attr_query(test, 0, 12), 2u);
	expect_piece(test, 0, 0, 8, DRM_SVM_LOC_SYSTEM);
	expect_piece(test, 1, 8, 12, DRM_SVM_LOC_NONE);
}

/* More parts than spans: the last span reaches over the rest. */
static void drm_test_svm_attr_many_parts(struct kunit *test)
{
	struct attr_test *t = test->priv;
	struct drm_svm_attr_span spans[2];
	struct drm_svm_attr_change change = { .spans = spans, .max = 2 };
	unsigned int i;

	/* The value already on even pages: the odd pages change, apart. */
	for (i = 0; i < 8; i++)
		attr_set(test, 2 * i, 2 * i + 1, &pref_dev3, NULL);
	KUNIT_ASSERT_EQ(test, drm_svm_attr_tree_set(&t->tree, A(0), A(16) - 1,
						    &pref_dev3, NULL, NULL,
						    &change), 0);
	KUNIT_EXPECT_EQ(test, change.num, 2u);
	KUNIT_EXPECT_EQ(test, spans[0].start, A(1));
	KUNIT_EXPECT_EQ(test, spans[0].last, A(2) - 1);
	KUNIT_EXPECT_EQ(test, spans[1].start, A(3));
	KUNIT_EXPECT_EQ(test, spans[1].last, A(16) - 1);
	KUNIT_ASSERT_EQ(test, attr_query(test, 0, 16), 1u);
}

static struct kunit_case drm_svm_attr_tests[] = {
	KUNIT_CASE(drm_test_svm_attr_empty),
	KUNIT_CASE(drm_test_svm_attr_set_lookup),
	KUNIT_CASE(drm_test_svm_attr_split_merge),
	KUNIT_CASE(drm_test_svm_attr_changed_parts),
	KUNIT_CASE(drm_test_svm_attr_reset),
	KUNIT_CASE(drm_test_svm_attr_independent),
	KUNIT_CASE(drm_test_svm_attr_drop),
	KUNIT_CASE(drm_test_svm_attr_check),
	KUNIT_CASE(drm_test_svm_attr_many_parts),
	{}
};

static struct kunit_suite drm_svm_attr_suite = {
	.name = "drm_svm_attr",
	.init = attr_init,
	.exit = attr_exit,
	.test_cases = drm_svm_attr_tests,
};

/*
 * Placement: three devices, 0 and 1 linked, 2 unlinked, each with
 * (pretend) device memory.
 */

#define PLACE_DEVICES	3

struct place_test {
	struct kdev *dev[PLACE_DEVICES];
	struct drm_svm_devmem devmem;
};

static int place_init(struct kunit *test)
{
	struct place_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	const struct drm_svm_link link = {
		.class = DRM_SVM_LINK_FABRIC, .bandwidth = 1, .latency = 1,
	};
	int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	test->priv = t;
	kdevs_create(test, t->dev, PLACE_DEVICES);
	/* Placement only asks whether there is memory. */
	for (i = 0; i < PLACE_DEVICES; i++)
		t->dev[i]->sdev.devmem = &t->devmem;
	KUNIT_ASSERT_EQ(test, drm_svm_link_set(&t->dev[0]->sdev,
					       &t->dev[1]->sdev, &link), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_link_set(&t->dev[1]->sdev,
					       &t->dev[0]->sdev, &link), 0);
	return 0;
}

static void place_exit(struct kunit *test)
{
	struct place_test *t = test->priv;
	int i;

	for (i = 0; t && i < PLACE_DEVICES; i++)
		if (t->dev[i])
			t->dev[i]->sdev.devmem = NULL;
}

#define NOWHERE	(-1)

struct place_case {
	const char *name;
	enum drm_svm_place place;
	bool write;
	bool no_migrate;
	u8 location;
	int preferred;		/* device index, or NOWHERE */
	u32 accessed_by;	/* device indices, as a mask */
	bool read_mostly;
	/* Expected */
	enum drm_svm_place where;
	int dev;		/* device index for DEVICE */
	bool map;
	/* Input: a write fault on copy-on-write memory */
	bool cow_write;
};

/* Device 0 faults or prefetches in every case. */
static const struct place_case place_cases[] = {
	{ "fault, no hint", DRM_SVM_PLACE_FAULT, false, false,
	  DRM_SVM_LOC_NONE, NOWHERE, 0, false, DRM_SVM_PLACE_DEVICE, 0, true },
	{ "fault, mirror only", DRM_SVM_PLACE_FAULT, true, true,
	  DRM_SVM_LOC_NONE, NOWHERE, 0, false, DRM_SVM_PLACE_STAY, 0, true },
	{ "fault, preferred self", DRM_SVM_PLACE_FAULT, false, false,
	  DRM_SVM_LOC_DEVICE, 0, 0, false, DRM_SVM_PLACE_DEVICE, 0, true },
	{ "fault, preferred linked peer", DRM_SVM_PLACE_FAULT, true, false,
	  DRM_SVM_LOC_DEVICE, 1, 0, false, DRM_SVM_PLACE_DEVICE, 1, true },
	{ "fault, preferred unlinked peer", DRM_SVM_PLACE_FAULT, false, false,
	  DRM_SVM_LOC_DEVICE, 2, 0, false, DRM_SVM_PLACE_SYSTEM, 0, true },
	{ "fault, preferred gone", DRM_SVM_PLACE_FAULT, false, false,
	  DRM_SVM_LOC_DEVICE, NOWHERE, 0, false, DRM_SVM_PLACE_DEVICE, 0,
	  true },
	{ "fault, preferred system", DRM_SVM_PLACE_FAULT, true, false,
	  DRM_SVM_LOC_SYSTEM, NOWHERE, 0, false, DRM_SVM_PLACE_SYSTEM, 0,
	  true },
	{ "fault, accessed by", DRM_SVM_PLACE_FAULT, true, false,
	  DRM_SVM_LOC_NONE, NOWHERE, BIT(0), false, DRM_SVM_PLACE_STAY, 0,
	  true },
	{ "fault, accessed by another", DRM_SVM_PLACE_FAULT, true, false,
	  DRM_SVM_LOC_NONE, NOWHERE, BIT(1), false, DRM_SVM_PLACE_DEVICE, 0,
	  true },
	{ "fault, preferred wins over accessed by", DRM_SVM_PLACE_FAULT, false,
	  false, DRM_SVM_LOC_DEVICE, 1, BIT(0), false, DRM_SVM_PLACE_DEVICE,
	  1, true },
	{ "read fault, read mostly", DRM_SVM_PLACE_FAULT, false, false,
	  DRM_SVM_LOC_NONE, NOWHERE, 0, true, DRM_SVM_PLACE_STAY, 0, true },
	{ "write fault, read mostly", DRM_SVM_PLACE_FAULT, true, false,
	  DRM_SVM_LOC_NONE, NOWHERE, 0, true, DRM_SVM_PLACE_DEVICE, 0, true },
	{ "write fault, copy-on-write", DRM_SVM_PLACE_FAULT, true, false,
	  DRM_SVM_LOC_NONE, NOWHERE, 0, false, DRM_SVM_PLACE_STAY, 0, true,
	  true },
	{ "write fault, copy-on-write, preferred self", DRM_SVM_PLACE_FAULT,
	  true, false, DRM_SVM_LOC_DEVICE, 0, 0, false, DRM_SVM_PLACE_STAY, 0,
	  true, true },
	{ "prefetch device, preferred peer", DRM_SVM_PLACE_DEVICE, false,
	  false, DRM_SVM_LOC_DEVICE, 1, 0, false, DRM_SVM_PLACE_DEVICE, 0,
	  true },
	{ "prefetch device, mirror only", DRM_SVM_PLACE_DEVICE, false, true,
	  DRM_SVM_LOC_NONE, NOWHERE, 0, false, DRM_SVM_PLACE_STAY, 0, true },
	{ "prefetch system", DRM_SVM_PLACE_SYSTEM, false, true,
	  DRM_SVM_LOC_DEVICE, 1, 0, false, DRM_SVM_PLACE_SYSTEM, 0, true },
	{ "prefetch preferred, linked peer", DRM_SVM_PLACE_PREFERRED, false,
	  false, DRM_SVM_LOC_DEVICE, 1, 0, false, DRM_SVM_PLACE_DEVICE, 1,
	  true },
	{ "prefetch preferred, unlinked peer", DRM_SVM_PLACE_PREFERRED, false,
	  false, DRM_SVM_LOC_DEVICE, 2, 0, false, DRM_SVM_PLACE_DEVICE, 2,
	  false },
	{ "prefetch preferred, system", DRM_SVM_PLACE_PREFERRED, false, false,
	  DRM_SVM_LOC_SYSTEM, NOWHERE, 0, false, DRM_SVM_PLACE_SYSTEM, 0,
	  true },
	{ "prefetch preferred, none", DRM_SVM_PLACE_PREFERRED, false, false,
	  DRM_SVM_LOC_NONE, NOWHERE, 0, false, DRM_SVM_PLACE_DEVICE, 0, true },
};

static void place_case_desc(const struct place_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(place, place_cases, place_case_desc);

static void drm_test_svm_place_decide(struct kunit *test)
{
	const struct place_case *c = test->param_value;
	struct place_test *t = test->priv;
	struct drm_svm_device *preferred = NULL;
	struct drm_svm_place_req req = {
		.sdev = &t->dev[0]->sdev,
		.place = c->place,
		.write = c->write,
		.no_migrate = c->no_migrate,
		.write_page = c->cow_write ? PAGE_SIZE : 0,
		.attrs = { .location = c->location },
	};
	unsigned long mask = c->accessed_by;
	struct drm_svm_place_to to;
	int i;

	if (c->preferred != NOWHERE) {
		preferred = &t->dev[c->preferred]->sdev;
		req.attrs.device = preferred->id;
	}
	for_each_set_bit(i, &mask, PLACE_DEVICES)
		req.attrs.accessed_by |= BIT(t->dev[i]->sdev.id);
	if (c->read_mostly)
		req.attrs.flags = DRM_SVM_ATTR_RANGE_READ_MOSTLY;

	to = drm_svm_place_decide(&req, preferred);
	KUNIT_EXPECT_EQ(test, to.where, c->where);
	KUNIT_EXPECT_EQ(test, to.map, c->map);
	if (c->where == DRM_SVM_PLACE_DEVICE)
		KUNIT_EXPECT_PTR_EQ(test, to.dev, &t->dev[c->dev]->sdev);
}

static struct kunit_case drm_svm_place_tests[] = {
	KUNIT_CASE_PARAM(drm_test_svm_place_decide, place_gen_params),
	{}
};

static struct kunit_suite drm_svm_place_suite = {
	.name = "drm_svm_place",
	.init = place_init,
	.exit = place_exit,
	.test_cases = drm_svm_place_tests,
};

kunit_test_suites(&drm_svm_attr_suite, &drm_svm_place_suite);

MODULE_DESCRIPTION("KUnit tests for DRM shared virtual memory attributes and placement");
MODULE_LICENSE("GPL");

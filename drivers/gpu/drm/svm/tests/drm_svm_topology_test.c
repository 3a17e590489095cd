// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 *
 * KUnit tests of the topology: links between devices, isolation groups
 * and the rule that combines them (drm_svm_can_access()).
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/sizes.h>

#include <drm/drm_svm.h>

#include "drm_svm_kunit_devs.h"

#define TOPO_DEVICES	3

struct topo {
	struct kdev *dev[TOPO_DEVICES];
};

static int topo_init(struct kunit *test)
{
	struct topo *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	kdevs_create(test, t->dev, TOPO_DEVICES);
	test->priv = t;
	return 0;
}

static struct drm_svm_device *topo_sdev(struct kunit *test, int i)
{
	struct topo *t = test->priv;

	return &t->dev[i]->sdev;
}

static const struct drm_svm_link pcie = {
	.class = DRM_SVM_LINK_PCIE, .bandwidth = 25000, .latency = 1500,
};

static const struct drm_svm_link fabric = {
	.class = DRM_SVM_LINK_FABRIC,
	.flags = DRM_SVM_LINK_ATOMICS | DRM_SVM_LINK_COHERENT,
	.bandwidth = 150000, .latency = 500,
};

/* A new device reaches only itself; every link starts empty. */
static void drm_test_svm_topology_default(struct kunit *test)
{
	struct drm_svm_device *a = topo_sdev(test, 0), *b = topo_sdev(test, 1);
	struct drm_svm_link l = drm_svm_link_get(a, b);

	KUNIT_EXPECT_TRUE(test, drm_svm_can_access(a, a));
	KUNIT_EXPECT_FALSE(test, drm_svm_can_access(a, b));
	KUNIT_EXPECT_FALSE(test, drm_svm_can_access(b, a));
	KUNIT_EXPECT_EQ(test, l.class, (u32)DRM_SVM_LINK_NONE);
	KUNIT_EXPECT_EQ(test, a->group, 0u);
}

/* One case of the access rule: a link from a to b, and the two groups. */
struct access_case {
	const char *name;
	const struct drm_svm_link *a_to_b;
	const struct drm_svm_link *b_to_a;
	u32 group_a;
	u32 group_b;
	bool a_reaches_b;
	bool b_reaches_a;
};

static const struct access_case access_cases[] = {
	{ "pcie both ways", &pcie, &pcie, 0, 0, true, true },
	{ "fabric both ways", &fabric, &fabric, 3, 3, true, true },
	{ "one way", &fabric, NULL, 0, 0, true, false },
	{ "other way", NULL, &pcie, 0, 0, false, true },
	{ "no link", NULL, NULL, 0, 0, false, false },
	{ "linked, two groups", &fabric, &fabric, 0, 1, false, false },
	{ "unlinked, two groups", NULL, NULL, 1, 2, false, false },
};

static void access_case_desc(const struct access_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(access, access_cases, access_case_desc);

static void drm_test_svm_topology_access(struct kunit *test)
{
	const struct access_case *c = test->param_value;
	struct drm_svm_device *a = topo_sdev(test, 0), *b = topo_sdev(test, 1);
	struct drm_svm_device *other = topo_sdev(test, 2);
	struct drm_svm_link l;

	drm_svm_device_set_group(a, c->group_a);
	drm_svm_device_set_group(b, c->group_b);
	if (c->a_to_b)
		KUNIT_ASSERT_EQ(test, drm_svm_link_set(a, b, c->a_to_b), 0);
	if (c->b_to_a)
		KUNIT_ASSERT_EQ(test, drm_svm_link_set(b, a, c->b_to_a), 0);

	KUNIT_EXPECT_EQ(test, drm_svm_can_access(a, b), c->a_reaches_b);
	KUNIT_EXPECT_EQ(test, drm_svm_can_access(b, a), c->b_reaches_a);
	/* A third device is never reached through the other two. */
	KUNIT_EXPECT_FALSE(test, drm_svm_can_access(a, other));
	KUNIT_EXPECT_FALSE(test, drm_svm_can_access(other, b));

	/* The link reads back as set, whatever the groups say. */
	l = drm_svm_link_get(a, b);
	KUNIT_EXPECT_EQ(test, l.class,
			c->a_to_b ? c->a_to_b->class : (u32)DRM_SVM_LINK_NONE);
	if (c->a_to_b) {
		KUNIT_EXPECT_EQ(test, l.flags, c->a_to_b->flags);
		KUNIT_EXPECT_EQ(test, l.bandwidth, c->a_to_b->bandwidth);
		KUNIT_EXPECT_EQ(test, l.latency, c->a_to_b->latency);
	}
}

/* A chain a-b-c: b reaches both, a and c do not reach each other. */
static void drm_test_svm_topology_chain(struct kunit *test)
{
	struct drm_svm_device *a = topo_sdev(test, 0), *b = topo_sdev(test, 1);
	struct drm_svm_device *c = topo_sdev(test, 2);

	KUNIT_ASSERT_EQ(test, drm_svm_link_set(a, b, &fabric), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_link_set(b, a, &fabric), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_link_set(b, c, &pcie), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_link_set(c, b, &pcie), 0);

	KUNIT_EXPECT_TRUE(test, drm_svm_can_access(b, a));
	KUNIT_EXPECT_TRUE(test, drm_svm_can_access(b, c));
	KUNIT_EXPECT_FALSE(test, drm_svm_can_access(a, c));
	KUNIT_EXPECT_FALSE(test, drm_svm_can_access(c, a));
}

/* Removing a link, and putting devices apart, take effect at once. */
static void drm_test_svm_topology_change(struct kunit *test)
{
	struct drm_svm_device *a = topo_sdev(test, 0), *b = topo_sdev(test, 1);
	const struct drm_svm_link none = { .class = DRM_SVM_LINK_NONE };

	KUNIT_ASSERT_EQ(test, drm_svm_link_set(a, b, &pcie), 0);
	KUNIT_EXPECT_TRUE(test, drm_svm_can_access(a, b));
	drm_svm_device_set_group(b, 7);
	KUNIT_EXPECT_FALSE(test, drm_svm_can_access(a, b));
	drm_svm_device_set_group(a, 7);
	KUNIT_EXPECT_TRUE(test, drm_svm_can_access(a, b));
	KUNIT_ASSERT_EQ(test, drm_svm_link_set(a, b, &none), 0);
	KUNIT_EXPECT_FALSE(test, drm_svm_can_access(a, b));
	KUNIT_EXPECT_EQ(test, drm_svm_link_get(a, b).bandwidth, 0u);
}

/* Bad links are refused, and change nothing. */
static void drm_test_svm_topology_bad_link(struct kunit *test)
{
	struct drm_svm_device *a = topo_sdev(test, 0), *b = topo_sdev(test, 1);
	const struct drm_svm_link bad_class = { .class = DRM_SVM_LINK_FABRIC + 1 };
	const struct drm_svm_link bad_flags = {
		.class = DRM_SVM_LINK_PCIE, .flags = DRM_SVM_LINK_PEER,
	};
	const struct drm_svm_link none_flags = {
		.class = DRM_SVM_LINK_NONE, .flags = DRM_SVM_LINK_ATOMICS,
	};

	KUNIT_EXPECT_EQ(test, drm_svm_link_set(a, a, &pcie), -EINVAL);
	KUNIT_EXPECT_EQ(test, drm_svm_link_set(a, b, &bad_class), -EINVAL);
	KUNIT_EXPECT_EQ(test, drm_svm_link_set(a, b, &bad_flags), -EINVAL);
	KUNIT_EXPECT_EQ(test, drm_svm_link_set(a, b, &none_flags), -EINVAL);
	KUNIT_EXPECT_FALSE(test, drm_svm_can_access(a, b));
	KUNIT_EXPECT_EQ(test, drm_svm_link_get(a, b).class,
			(u32)DRM_SVM_LINK_NONE);
}

static struct kunit_case drm_svm_topology_tests[] = {
	KUNIT_CASE(drm_test_svm_topology_default),
	KUNIT_CASE_PARAM(drm_test_svm_topology_access, access_gen_params),
	KUNIT_CASE(drm_test_svm_topology_chain),
	KUNIT_CASE(drm_test_svm_topology_change),
	KUNIT_CASE(drm_test_svm_topology_bad_link),
	{}
};

static struct kunit_suite drm_svm_topology_suite = {
	.name = "drm_svm_topology",
	.init = topo_init,
	.test_cases = drm_svm_topology_tests,
};

kunit_test_suite(drm_svm_topology_suite);

MODULE_DESCRIPTION("KUnit tests for the DRM shared virtual memory topology");
MODULE_LICENSE("GPL");

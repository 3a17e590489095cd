// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the drm_svm core helpers.
 *
 * Copyright © 2026 The drm_svm authors
 */

#include <kunit/test.h>
#include <linux/mman.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>

#include <drm/drm_svm.h>
#include <uapi/drm/drm_svm.h>

static const unsigned long test_sizes[] = { SZ_2M, SZ_64K, SZ_4K };

struct chunk_case {
	const char *name;
	unsigned long addr, start, end;
	u64 gpu_delta;
	unsigned long expect;
};

#define GB(x) ((unsigned long)(x) << 30)

static const struct chunk_case chunk_cases[] = {
	{ "whole-2m-window", GB(1) + 0x1234, GB(1), GB(1) + SZ_2M, 0, SZ_2M },
	{ "large-vma", GB(1) + SZ_1M, GB(1) - SZ_4M, GB(1) + SZ_4M, 0, SZ_2M },
	{ "vma-starts-mid-2m", GB(1) + SZ_1M, GB(1) + SZ_64K, GB(1) + SZ_2M,
	  0, SZ_64K },
	{ "vma-ends-mid-2m", GB(1) + 0x5000, GB(1), GB(1) + SZ_1M, 0, SZ_64K },
	{ "vma-one-page", GB(1) + 0x3000, GB(1) + 0x3000, GB(1) + 0x4000,
	  0, SZ_4K },
	{ "vma-unaligned-64k", GB(1) + 0x11000, GB(1) + 0x10000,
	  GB(1) + 0x1f000, 0, SZ_4K },
	{ "last-page-of-window", GB(1) + SZ_2M - 1, GB(1), GB(1) + SZ_2M,
	  0, SZ_2M },
	{ "gpu-offset-64k", GB(1) + 0x1000, GB(1), GB(1) + SZ_2M, SZ_64K,
	  SZ_64K },
	{ "gpu-offset-4k", GB(1) + 0x1000, GB(1), GB(1) + SZ_2M, SZ_4K, SZ_4K },
	{ "gpu-offset-negative-2m", GB(1), GB(1), GB(1) + SZ_2M,
	  (u64)-SZ_2M, SZ_2M },
	{ "addr-below-start", GB(1) - 1, GB(1), GB(1) + SZ_2M, 0, 0 },
	{ "addr-at-end", GB(1) + SZ_2M, GB(1), GB(1) + SZ_2M, 0, 0 },
	{ "empty-interval", GB(1), GB(1), GB(1), 0, 0 },
	{ "top-of-address-space", ULONG_MAX - 0xfff, ULONG_MAX - SZ_2M + 1,
	  ULONG_MAX, 0, 0 },
};

static void chunk_case_desc(const struct chunk_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(chunk, chunk_cases, chunk_case_desc);

static void drm_test_svm_chunk_size(struct kunit *test)
{
	const struct chunk_case *c = test->param_value;
	unsigned long size;

	size = drm_svm_chunk_size(c->addr, c->start, c->end, c->gpu_delta,
				  test_sizes, ARRAY_SIZE(test_sizes));
	KUNIT_EXPECT_EQ_MSG(test, size, c->expect,
			    "addr=%#lx [%#lx, %#lx) delta=%#llx", c->addr,
			    c->start, c->end, c->gpu_delta);
	if (!size)
		return;

	/* Whatever was picked must honour every constraint. */
	KUNIT_EXPECT_GE(test, ALIGN_DOWN(c->addr, size), c->start);
	KUNIT_EXPECT_LE(test, ALIGN_DOWN(c->addr, size) + size - 1,
			c->end - 1);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED(c->gpu_delta, size));
}

/* Exhaustive check against a direct restatement of the rule. */
static void drm_test_svm_chunk_size_exhaustive(struct kunit *test)
{
	const unsigned long base = GB(2), step = SZ_16K;
	unsigned long addr, start, end, got, want;
	unsigned int i, checked = 0;

	for (start = base; start < base + SZ_4M; start += 13 * step)
		for (end = start + step; end <= base + SZ_4M; end += 11 * step)
			for (addr = start; addr < end; addr += 3 * step) {
				got = drm_svm_chunk_size(addr, start, end, 0,
							 test_sizes, 3);
				want = 0;
				for (i = 0; i < 3 && !want; i++) {
					unsigned long b, s = test_sizes[i];

					b = ALIGN_DOWN(addr, s);
					if (b >= start && b + s <= end)
						want = s;
				}
				KUNIT_ASSERT_EQ_MSG(test, got, want,
						    "addr=%#lx [%#lx, %#lx)",
						    addr, start, end);
				checked++;
			}
	kunit_info(test, "checked %u intervals\n", checked);
	KUNIT_EXPECT_GT(test, checked, 5000u);
}

/* User memory holding extension chains, and a recording handler. */
struct ext_ctx {
	struct drm_svm_user_extension __user *uext;
	unsigned int calls;
	u32 names[DRM_SVM_MAX_USER_EXTENSIONS + 2];
	int fail_with;
};

static int record_ext(void *data, u64 ext)
{
	struct ext_ctx *ctx = data;
	struct drm_svm_user_extension e;

	if (copy_from_user(&e, u64_to_user_ptr(ext), sizeof(e)))
		return -EFAULT;
	if (ctx->calls < ARRAY_SIZE(ctx->names))
		ctx->names[ctx->calls] = e.name;
	ctx->calls++;
	return ctx->fail_with;
}

static const drm_svm_user_ext_fn ext_fns[] = { record_ext, NULL, record_ext };

static int ext_test_init(struct kunit *test)
{
	struct ext_ctx *ctx;
	unsigned long uaddr;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);

	uaddr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE,
			      PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE,
			      0);
	KUNIT_ASSERT_NE_MSG(test, uaddr, 0, "could not map user memory");
	ctx->uext = (void __user *)uaddr;
	test->priv = ctx;
	return 0;
}

/* Write extension @i of the user array: link to @next (-1 for none). */
static void put_ext(struct kunit *test, int i, int next, u32 name, u32 pad)
{
	struct ext_ctx *ctx = test->priv;
	struct drm_svm_user_extension e = {
		.next_extension = next < 0 ? 0 : (u64)(uintptr_t)&ctx->uext[next],
		.name = name,
		.pad = pad,
	};

	KUNIT_ASSERT_EQ(test, copy_to_user(&ctx->uext[i], &e, sizeof(e)), 0);
}

static int walk(struct kunit *test, u64 first)
{
	return drm_svm_user_extensions(first, ext_fns, ARRAY_SIZE(ext_fns),
				       test->priv);
}

static u64 uptr(struct kunit *test, int i)
{
	struct ext_ctx *ctx = test->priv;

	return (u64)(uintptr_t)&ctx->uext[i];
}

static void drm_test_svm_ext_none(struct kunit *test)
{
	struct ext_ctx *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, walk(test, 0), 0);
	KUNIT_EXPECT_EQ(test, ctx->calls, 0u);
}

static void drm_test_svm_ext_chain(struct kunit *test)
{
	struct ext_ctx *ctx = test->priv;

	put_ext(test, 0, 1, 2, 0);
	put_ext(test, 1, 2, 0, 0);
	put_ext(test, 2, -1, 2, 0);
	KUNIT_EXPECT_EQ(test, walk(test, uptr(test, 0)), 0);
	KUNIT_ASSERT_EQ(test, ctx->calls, 3u);
	KUNIT_EXPECT_EQ(test, ctx->names[0], 2u);
	KUNIT_EXPECT_EQ(test, ctx->names[1], 0u);
	KUNIT_EXPECT_EQ(test, ctx->names[2], 2u);
}

static void drm_test_svm_ext_unknown_name(struct kunit *test)
{
	struct ext_ctx *ctx = test->priv;

	put_ext(test, 0, 1, 0, 0);
	put_ext(test, 1, -1, ARRAY_SIZE(ext_fns), 0);
	KUNIT_EXPECT_EQ(test, walk(test, uptr(test, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->calls, 1u);

	/* A hole in the table is unknown too. */
	put_ext(test, 0, -1, 1, 0);
	KUNIT_EXPECT_EQ(test, walk(test, uptr(test, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->calls, 1u);

	/* With no table at all, every name is unknown. */
	put_ext(test, 0, -1, 0, 0);
	KUNIT_EXPECT_EQ(test, drm_svm_user_extensions(uptr(test, 0), NULL, 0,
						      NULL), -EINVAL);
}

static void drm_test_svm_ext_pad(struct kunit *test)
{
	struct ext_ctx *ctx = test->priv;

	put_ext(test, 0, -1, 0, 1);
	KUNIT_EXPECT_EQ(test, walk(test, uptr(test, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->calls, 0u);
}

static void drm_test_svm_ext_loop(struct kunit *test)
{
	struct ext_ctx *ctx = test->priv;

	put_ext(test, 0, 1, 0, 0);
	put_ext(test, 1, 0, 2, 0);
	KUNIT_EXPECT_EQ(test, walk(test, uptr(test, 0)), -E2BIG);
	KUNIT_EXPECT_EQ(test, ctx->calls, DRM_SVM_MAX_USER_EXTENSIONS);
}

static void drm_test_svm_ext_longest(struct kunit *test)
{
	struct ext_ctx *ctx = test->priv;
	int i, n = DRM_SVM_MAX_USER_EXTENSIONS;

	for (i = 0; i < n; i++)
		put_ext(test, i, i + 1 < n ? i + 1 : -1, 0, 0);
	KUNIT_EXPECT_EQ(test, walk(test, uptr(test, 0)), 0);
	KUNIT_EXPECT_EQ(test, ctx->calls, (unsigned int)n);
}

static void drm_test_svm_ext_fault(struct kunit *test)
{
	struct ext_ctx *ctx = test->priv;

	/* An unmapped user address, then a kernel address. */
	KUNIT_EXPECT_EQ(test, walk(test, 8), -EFAULT);
	KUNIT_EXPECT_EQ(test, walk(test, (u64)(uintptr_t)ctx), -EFAULT);
	put_ext(test, 0, -1, 0, 0);
	KUNIT_EXPECT_EQ(test, walk(test, uptr(test, 0) + PAGE_SIZE - 4),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, ctx->calls, 0u);
}

static void drm_test_svm_ext_handler_error(struct kunit *test)
{
	struct ext_ctx *ctx = test->priv;

	ctx->fail_with = -ENOSPC;
	put_ext(test, 0, 1, 0, 0);
	put_ext(test, 1, -1, 0, 0);
	KUNIT_EXPECT_EQ(test, walk(test, uptr(test, 0)), -ENOSPC);
	KUNIT_EXPECT_EQ(test, ctx->calls, 1u);
}

static struct kunit_case drm_svm_chunk_tests[] = {
	KUNIT_CASE_PARAM(drm_test_svm_chunk_size, chunk_gen_params),
	KUNIT_CASE(drm_test_svm_chunk_size_exhaustive),
	{}
};

static struct kunit_suite drm_svm_chunk_suite = {
	.name = "drm_svm_chunk",
	.test_cases = drm_svm_chunk_tests,
};

static struct kunit_case drm_svm_ext_tests[] = {
	KUNIT_CASE(drm_test_svm_ext_none),
	KUNIT_CASE(drm_test_svm_ext_chain),
	KUNIT_CASE(drm_test_svm_ext_unknown_name),
	KUNIT_CASE(drm_test_svm_ext_pad),
	KUNIT_CASE(drm_test_svm_ext_loop),
	KUNIT_CASE(drm_test_svm_ext_longest),
	KUNIT_CASE(drm_test_svm_ext_fault),
	KUNIT_CASE(drm_test_svm_ext_handler_error),
	{}
};

static struct kunit_suite drm_svm_ext_suite = {
	.name = "drm_svm_user_ext",
	.init = ext_test_init,
	.test_cases = drm_svm_ext_tests,
};

kunit_test_suites(&drm_svm_chunk_suite, &drm_svm_ext_suite);

MODULE_DESCRIPTION("KUnit tests for the DRM shared virtual memory core");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 *
 * Subtests with known verdicts, for run.sh to check the harness with.
 * The ones that crash, end the whole run (abort), never end (hang) or
 * fail a fixture skip unless their environment variable is set.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"

IGT_TEST_DESCRIPTION("Self-test of the IGT-compatible harness.");

#define FAKE_IOCTL_OK		1
#define FAKE_IOCTL_EINVAL	2

/* Stands in for drmIoctl(): @request says how to answer. */
static int fake_ioctl(int fd, unsigned long request, void *arg)
{
	(void)fd;
	(void)arg;

	if (request == FAKE_IOCTL_OK)
		return 0;

	errno = EINVAL;
	return -1;
}

static void test_pass(void)
{
	igt_debug("selftest debug marker\n");
	igt_assert(true);
	igt_assert_f(1 + 1 == 2, "arithmetic\n");
	igt_assert_eq(-1, -1);
	igt_assert_neq(1, 2);
	igt_assert_lt(1, 2);
	igt_assert_lte(2, 2);
	igt_assert_eq_u32(0xffffffffu, 0xffffffffu);
	igt_assert_eq_u64(1ull << 40, 1ull << 40);
	igt_assert_neq_u64(1ull << 40, 1ull << 41);
	igt_assert_fd(STDIN_FILENO);
	igt_fail_on(false);
	igt_fail_on_f(false, "never\n");
	igt_require(true);
	igt_require_f(true, "never\n");
	igt_skip_on(false);
	igt_skip_on_f(false, "never\n");
}

static void test_ioctl_wrappers(void)
{
	int (*saved)(int fd, unsigned long request, void *arg) = igt_ioctl;
	int arg = 0;

	igt_assert(saved == drmIoctl);
	igt_ioctl = fake_ioctl;
	do_ioctl(-1, FAKE_IOCTL_OK, &arg);
	do_ioctl_err(-1, FAKE_IOCTL_EINVAL, &arg, EINVAL);
	igt_assert_eq(errno, 0);
	igt_ioctl = saved;
}

static void test_fail_ioctl_errno(void)
{
	int arg = 0;

	igt_ioctl = fake_ioctl;
	do_ioctl_err(-1, FAKE_IOCTL_EINVAL, &arg, ENOENT);
}

static void test_fail_assert(void)
{
	volatile int value = 1;

	errno = EINVAL;
	igt_assert(value == 2);
}

static void test_fail_assert_eq(void)
{
	volatile int one = 1, two = 2;

	igt_assert_eq(one, two);
}

static void test_skip_require(void)
{
	bool have_feature = false;

	errno = 0;
	igt_require(have_feature);
}

static void test_children(bool fail_one)
{
	igt_fork(child, 3) {
		igt_assert_lt(child, 3);
		if (fail_one)
			igt_assert_neq(child, 1);
	}
	igt_waitchildren();
}

static void *thread_assert(void *arg)
{
	volatile int *value = arg;

	igt_assert_f(*value == 2, "thread saw %d\n", *value);
	/* Not reached: the thread ends in the failed assertion. */
	*value = 3;
	return arg;
}

static void *thread_crash(void *arg)
{
	(void)arg;
	*(volatile int *)NULL = 0;
	return arg;
}

/* The main thread goes on after the thread's failure, then FAILs. */
static void test_thread(void *(*fn)(void *))
{
	volatile int value = 1;
	pthread_t thread;
	void *ret;

	igt_assert_eq(pthread_create(&thread, NULL, fn, (void *)&value), 0);
	igt_assert_eq(pthread_join(thread, &ret), 0);
	igt_info("main thread: joined, thread returned %s, value %d\n",
		 ret ? "its argument" : "nothing", value);
}

/* A thread of an igt_fork() child fails: the child, then the subtest. */
static void test_child_thread(void)
{
	igt_fork(child, 1)
		test_thread(thread_assert);
	igt_waitchildren();
}

static void test_crash(void)
{
	igt_require_f(getenv("SELFTEST_CRASH"), "set SELFTEST_CRASH=1\n");
	*(volatile int *)NULL = 0;
}

static void test_abort(void)
{
	igt_require_f(getenv("SELFTEST_ABORT"), "set SELFTEST_ABORT=1\n");
	abort();
}

/*
 * Never ends, nor does its child: for the runner's timeout to catch. The
 * child writes its pid to the file SELFTEST_HANG names.
 */
static void test_hang(void)
{
	const char *pidfile = getenv("SELFTEST_HANG");

	igt_require_f(pidfile, "set SELFTEST_HANG=<pid file>\n");
	igt_fork(child, 1) {
		FILE *f = fopen(pidfile, "w");

		igt_assert(f);
		fprintf(f, "%d\n", getpid());
		fclose(f);
		for (;;)
			pause();
	}
	for (;;)
		pause();
}

igt_main
{
	igt_describe("Every passing assertion and requirement.");
	igt_subtest("pass")
		test_pass();

	igt_subtest_f("pass-%s", "formatted")
		;

	igt_subtest("ioctl-wrappers")
		test_ioctl_wrappers();

	igt_subtest("fail-ioctl-errno")
		test_fail_ioctl_errno();

	/* That one could not restore it. */
	igt_fixture
		igt_ioctl = drmIoctl;

	igt_subtest("fail-assert")
		test_fail_assert();

	igt_subtest("fail-assert-eq")
		test_fail_assert_eq();

	igt_subtest("skip-require")
		test_skip_require();

	igt_subtest("pass-children")
		test_children(false);

	igt_subtest("fail-child")
		test_children(true);

	igt_subtest("fail-thread")
		test_thread(thread_assert);

	igt_subtest("fail-child-thread")
		test_child_thread();

	igt_subtest("crash")
		test_crash();

	igt_subtest("crash-thread") {
		igt_require_f(getenv("SELFTEST_CRASH"), "set SELFTEST_CRASH=1\n");
		test_thread(thread_crash);
	}

	igt_subtest("abort")
		test_abort();

	igt_subtest("hang")
		test_hang();

	igt_subtest_group {
		igt_fixture
			igt_require(getenv("SELFTEST_NEVER_SET_THIS"));

		igt_subtest("skip-group-a")
			igt_assert(false);

		igt_subtest("skip-group-b")
			igt_assert(false);
	}

	igt_subtest_group {
		igt_fixture {
			igt_require(getenv("SELFTEST_FIXTURE_FAIL"));
			igt_assert_eq(0, 1);
		}

		igt_subtest("fixture-fail-a")
			;

		igt_subtest("fixture-fail-b")
			;
	}

	/* Runs: the groups' fixtures only affected their own subtests. */
	igt_subtest("after-groups")
		;
}

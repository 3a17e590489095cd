/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The drm_svm authors
 *
 * IGT-compatible test harness: the subset of upstream igt-gpu-tools'
 * igt_core.h that the drm_svm tests use, with the same names and
 * semantics, so that the tests also build unchanged inside upstream IGT.
 */
#ifndef IGT_CORE_H
#define IGT_CORE_H

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#endif

#define igt_tokencat2(x, y) x ## y
#define igt_tokencat(x, y) igt_tokencat2(x, y)
/* Same name for every use within one macro expansion (same line). */
#define igt_unique(prefix) igt_tokencat(prefix, __LINE__)

/* Exit codes, as understood by igt_runner and piglit. */
#define IGT_EXIT_SUCCESS	0
#define IGT_EXIT_SKIP		77
#define IGT_EXIT_INVALID	79
#define IGT_EXIT_FAILURE	98
#define IGT_EXIT_ABORT		112

#ifndef IGT_LOG_DOMAIN
#define IGT_LOG_DOMAIN (NULL)
#endif

enum igt_log_level {
	IGT_LOG_DEBUG,
	IGT_LOG_INFO,
	IGT_LOG_WARN,
	IGT_LOG_CRITICAL,
	IGT_LOG_NONE,
};

/* Target of the siglongjmp() that ends the current fixture or subtest. */
extern sigjmp_buf igt_subtest_jmpbuf;

/* Defined by IGT_TEST_DESCRIPTION() in the test, if it uses it. */
extern const char *__igt_test_description __attribute__((weak));

void __igt_main_init(int argc, char **argv);
bool __igt_run_subtest(const char *name, const char *file, int line);
bool __igt_fixture(void);
void __igt_fixture_complete(void);
void __igt_fixture_end(void) __attribute__((noreturn));
int __igt_subtest_group_save(void);
void __igt_subtest_group_restore(int saved);
bool __igt_fork(void);
void __igt_child_done(void) __attribute__((noreturn));
int __igt_waitchildren(void);

void __igt_skip_check(const char *file, int line, const char *func,
		      const char *check, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 5, 6)));
void __igt_fail_assert(const char *domain, const char *file, int line,
		       const char *func, const char *assertion,
		       const char *fmt, ...)
	__attribute__((noreturn, format(printf, 6, 7)));

void igt_success(void);
void igt_fail(int exitcode) __attribute__((noreturn));
void igt_skip(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
void igt_exit(void) __attribute__((noreturn));
void igt_waitchildren(void);
void igt_describe_f(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void igt_log(const char *domain, enum igt_log_level level,
	     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void igt_vlog(const char *domain, enum igt_log_level level,
	      const char *fmt, va_list args)
	__attribute__((format(printf, 3, 0)));

#define IGT_TEST_DESCRIPTION(str) const char *__igt_test_description = str

/**
 * igt_main - main body of a test with subtests
 *
 * Parses the IGT command line, runs the block that follows, then exits
 * with the test's overall verdict.
 */
#define igt_main \
	static void igt_unique(__igt_main_body)(void); \
	int main(int argc, char **argv) \
	{ \
		__igt_main_init(argc, argv); \
		igt_unique(__igt_main_body)(); \
		igt_exit(); \
	} \
	static void igt_unique(__igt_main_body)(void)

/*
 * The block-like macros below are for loops that run their body at most
 * once. Leaving the body early (failure, skip, and even success through
 * igt_success()) siglongjmp()s back into the loop condition, where
 * sigsetjmp() then returns non-zero and ends the loop.
 */

/**
 * igt_fixture - setup or teardown code shared by the following subtests
 *
 * Not run when only listing subtests or when an earlier fixture skipped
 * or failed. A skip (failure) here skips (fails) every following subtest
 * of the enclosing igt_subtest_group.
 */
#define igt_fixture \
	for (volatile int igt_unique(__fixture) = 0; \
	     igt_unique(__fixture) < 1 && __igt_fixture() && \
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_unique(__fixture)++, __igt_fixture_complete())

/**
 * igt_subtest - a subtest named @name, run if selected on the command line
 */
#define igt_subtest(name) \
	for (; __igt_run_subtest((name), __FILE__, __LINE__) && \
	       sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_success())

#define __igt_subtest_f(tmp, fmt...) \
	for (char tmp[256]; \
	     snprintf(tmp, sizeof(tmp), fmt), \
	     __igt_run_subtest(tmp, __FILE__, __LINE__) && \
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_success())

/**
 * igt_subtest_f - igt_subtest() with a printf-formatted name
 */
#define igt_subtest_f(fmt...) __igt_subtest_f(igt_unique(__subtest_name), fmt)

/**
 * igt_subtest_group - scope for fixtures
 *
 * A fixture skip or failure inside the group only affects the subtests
 * of the group.
 */
#define igt_subtest_group \
	for (int igt_unique(__group) = 0, \
	     igt_unique(__group_saved) = __igt_subtest_group_save(); \
	     igt_unique(__group) < 1; \
	     igt_unique(__group)++, \
	     __igt_subtest_group_restore(igt_unique(__group_saved)))

/**
 * igt_describe - documentation of the next subtest, shown by --describe
 */
#define igt_describe(dsc) igt_describe_f("%s", (dsc))

/**
 * igt_fork - run the body in @num_children child processes
 *
 * @child is the child's number, 0 .. @num_children - 1. A child must not
 * skip; a failing child fails the subtest in igt_waitchildren().
 */
#define igt_fork(child, num_children) \
	for (int child = 0; child < (num_children); child++) \
		for (; __igt_fork(); __igt_child_done())

/* Requirements: skip the subtest (or, in a fixture, the rest) if unmet. */
#define igt_require(expr) do { \
	if (!(expr)) \
		__igt_skip_check(__FILE__, __LINE__, __func__, #expr, NULL); \
	else \
		igt_debug("Test requirement passed: %s\n", #expr); \
} while (0)

#define igt_require_f(expr, f...) do { \
	if (!(expr)) \
		__igt_skip_check(__FILE__, __LINE__, __func__, #expr, f); \
	else \
		igt_debug("Test requirement passed: %s\n", #expr); \
} while (0)

#define igt_skip_on(expr) do { \
	if ((expr)) \
		__igt_skip_check(__FILE__, __LINE__, __func__, \
				 "!(" #expr ")", NULL); \
	else \
		igt_debug("Test requirement passed: !(%s)\n", #expr); \
} while (0)

#define igt_skip_on_f(expr, f...) do { \
	if ((expr)) \
		__igt_skip_check(__FILE__, __LINE__, __func__, \
				 "!(" #expr ")", f); \
	else \
		igt_debug("Test requirement passed: !(%s)\n", #expr); \
} while (0)

/*
 * Assertions: fail the subtest (or, in a fixture, the rest) if false. In
 * a thread other than the main one, a failed assertion ends the thread
 * (pthread_exit()) and the subtest FAILs when it ends; requirements and
 * skips are for the main thread only.
 */
#define igt_assert(expr) do { \
	if (!(expr)) \
		__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
				  __func__, #expr, NULL); \
} while (0)

#define igt_assert_f(expr, f...) do { \
	if (!(expr)) \
		__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
				  __func__, #expr, f); \
} while (0)

#define igt_fail_on(expr) igt_assert(!(expr))
#define igt_fail_on_f(expr, f...) igt_assert_f(!(expr), f)

/*
 * Comparisons evaluate each operand once and print both values on
 * failure; @ncmp is the negation of @cmp, used in that message.
 */
#define __igt_assert_cmp(type, pfmt, n1, cmp, ncmp, n2) do { \
	type __n1 = (n1), __n2 = (n2); \
	if (!(__n1 cmp __n2)) \
		__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__, __LINE__, \
				  __func__, #n1 " " #cmp " " #n2, \
				  "error: " pfmt " " #ncmp " " pfmt "\n", \
				  __n1, __n2); \
} while (0)

#define igt_assert_cmpint(n1, cmp, ncmp, n2) \
	__igt_assert_cmp(int, "%d", n1, cmp, ncmp, n2)
#define igt_assert_cmpuint(n1, cmp, ncmp, n2) \
	__igt_assert_cmp(uint32_t, "%#x", n1, cmp, ncmp, n2)
#define igt_assert_cmpu64(n1, cmp, ncmp, n2) \
	__igt_assert_cmp(uint64_t, "%#" PRIx64, n1, cmp, ncmp, n2)

#define igt_assert_eq(n1, n2) igt_assert_cmpint(n1, ==, !=, n2)
#define igt_assert_neq(n1, n2) igt_assert_cmpint(n1, !=, ==, n2)
#define igt_assert_lt(n1, n2) igt_assert_cmpint(n1, <, >=, n2)
#define igt_assert_lte(n1, n2) igt_assert_cmpint(n1, <=, >, n2)
#define igt_assert_eq_u32(n1, n2) igt_assert_cmpuint(n1, ==, !=, n2)
#define igt_assert_eq_u64(n1, n2) igt_assert_cmpu64(n1, ==, !=, n2)
#define igt_assert_neq_u64(n1, n2) igt_assert_cmpu64(n1, !=, ==, n2)

#define igt_assert_fd(fd) \
	igt_assert_f((fd) >= 0, "file descriptor " #fd " failed\n")

/* Logging: debug only with --debug, info to stdout, the rest to stderr. */
#define igt_debug(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_DEBUG, f)
#define igt_info(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_INFO, f)
#define igt_warn(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_WARN, f)
#define igt_critical(f...) igt_log(IGT_LOG_DOMAIN, IGT_LOG_CRITICAL, f)

#endif /* IGT_CORE_H */

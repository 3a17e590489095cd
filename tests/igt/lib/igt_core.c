// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 *
 * IGT-compatible test harness; see igt_core.h for the API.
 *
 * Fixtures and subtests are one-shot for loops whose condition calls
 * sigsetjmp(igt_subtest_jmpbuf). Every normal way out of a subtest
 * (success, failure, skip) prints the verdict and siglongjmp()s back into
 * that condition, which ends the loop, and the program goes on with the
 * next fixture or subtest.
 *
 * A crash (SIGSEGV, SIGBUS, SIGFPE) in a subtest is the subtest's CRASH
 * verdict: the signal handler prints it with async-signal-safe calls only
 * and siglongjmp()s out of the handler to the same place, so the remaining
 * subtests still run, and the exit code says the run failed. SIGABRT and
 * SIGILL also print CRASH, but then the process dies of the signal: an
 * abort() (a failed assert(), heap corruption found by the C library, the
 * harness's own internal errors) leaves nothing worth going on with.
 *
 * A failure in a thread other than the main one cannot jump to the main
 * thread's stack. The thread records it and exits (pthread_exit()); the
 * main thread turns it into the subtest's FAIL when the subtest ends.
 *
 * There is no timeout: as with upstream IGT, bounding a test's run time
 * is the test runner's job.
 */

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

#include "igt_core.h"

#define IGT_VERSION		"1.28-drm_svm"

#if defined(__x86_64__)
#define TARGET_CPU "x86_64"
#elif defined(__aarch64__)
#define TARGET_CPU "aarch64"
#elif defined(__i386__)
#define TARGET_CPU "i386"
#else
#define TARGET_CPU "unknown"
#endif

/* What the remaining subtests of the current group get after a fixture. */
enum fixture_state {
	FIXTURE_OK = 0,
	FIXTURE_SKIPPED,
	FIXTURE_FAILED,
};

sigjmp_buf igt_subtest_jmpbuf;

/* Command line */
static bool list_subtests;
static bool describe_subtests;
static const char *subtest_filter;
static bool subtest_filter_matched;
static bool debug_enabled;
static const char *debug_domain;

/* Where we are; the first two are also read by the signal handlers. */
static volatile sig_atomic_t in_subtest;
static volatile sig_atomic_t test_child;
/* Set in the thread that runs igt_main, and inherited by fork() children. */
static __thread bool main_thread;
/* A thread other than the main one failed during the current subtest. */
static atomic_bool thread_failed;
static bool in_fixture;
static enum fixture_state skip_henceforth;
static char subtest_name[256];
static struct timespec subtest_start;
static char description[4096];

/* Verdicts so far */
static bool succeeded_one, skipped_one, failed_one;
static int igt_exitcode = IGT_EXIT_SUCCESS;

/* igt_fork() children; a reaped child's slot is set to 0. */
static pid_t *children;
static int num_children;
static int children_size;

static void __attribute__((noreturn)) internal_error(const char *what)
{
	igt_critical("igt_core: internal error: %s\n", what);
	abort();
}

/*
 * Async-signal-safe output, for the crash handler and, so that there is
 * a single format, for every verdict line.
 */
struct sigbuf {
	char buf[512];
	size_t len;
};

static void sigbuf_str(struct sigbuf *b, const char *s)
{
	while (*s && b->len < sizeof(b->buf))
		b->buf[b->len++] = *s++;
}

static void sigbuf_uint(struct sigbuf *b, uint64_t v, int min_digits)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = '0' + v % 10;
		v /= 10;
	} while (v || n < min_digits);

	while (n && b->len < sizeof(b->buf))
		b->buf[b->len++] = digits[--n];
}

static void sigbuf_write(const struct sigbuf *b, int fd)
{
	size_t done = 0;
	ssize_t ret;

	while (done < b->len) {
		ret = write(fd, b->buf + done, b->len - done);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0)
			return;
		done += ret;
	}
}

static uint64_t subtest_elapsed_ms(void)
{
	struct timespec now;
	int64_t us;

	clock_gettime(CLOCK_MONOTONIC, &now);
	us = (int64_t)(now.tv_sec - subtest_start.tv_sec) * 1000000 +
	     (now.tv_nsec - subtest_start.tv_nsec) / 1000;

	return us > 0 ? us / 1000 : 0;
}

/* "Subtest NAME: RESULT (1.234s)"; fixture-inherited verdicts are untimed. */
static void print_result(const char *result, bool timed)
{
	struct sigbuf b = { .len = 0 };
	uint64_t ms;

	sigbuf_str(&b, "Subtest ");
	sigbuf_str(&b, subtest_name);
	sigbuf_str(&b, ": ");
	sigbuf_str(&b, result);
	if (timed) {
		ms = subtest_elapsed_ms();
		sigbuf_str(&b, " (");
		sigbuf_uint(&b, ms / 1000, 1);
		sigbuf_str(&b, ".");
		sigbuf_uint(&b, ms % 1000, 3);
		sigbuf_str(&b, "s)");
	}
	sigbuf_str(&b, "\n");
	sigbuf_write(&b, STDOUT_FILENO);
}

/* Async-signal-safe. */
static void kill_children(void)
{
	int i;

	for (i = 0; i < num_children; i++)
		if (children[i] > 0)
			kill(children[i], SIGKILL);
}

/* Kill and reap the children a subtest did not wait for. */
static void reap_children(void)
{
	int i;

	kill_children();
	for (i = 0; i < num_children; i++)
		while (children[i] > 0 &&
		       waitpid(children[i], NULL, 0) < 0 && errno == EINTR)
			;
	num_children = 0;
}

/* How the subtest ends once its verdict is known; async-signal-safe. */
static void __attribute__((noreturn)) leave_subtest(const char *result)
{
	reap_children();
	print_result(result, true);
	in_subtest = 0;
	siglongjmp(igt_subtest_jmpbuf, 1);
}

static void __attribute__((noreturn)) exit_subtest(const char *result)
{
	fflush(stdout);
	leave_subtest(result);
}

/* The first failure of the run gives the exit code. */
static void record_failure(int exitcode)
{
	if (!failed_one)
		igt_exitcode = exitcode;
	failed_one = true;
}

/* Ends the calling thread, not the main one, after a failure. */
static void __attribute__((noreturn)) fail_thread(void)
{
	atomic_store(&thread_failed, true);
	pthread_exit(NULL);
}

static const struct {
	int sig;
	const char *name;
	bool fatal;	/* the process dies of it */
} crash_signals[] = {
	{ SIGSEGV, "SIGSEGV", false },
	{ SIGBUS, "SIGBUS", false },
	{ SIGFPE, "SIGFPE", false },
	{ SIGILL, "SIGILL", true },
	{ SIGABRT, "SIGABRT", true },
};

static void crash_handler(int sig)
{
	struct sigbuf b = { .len = 0 };
	bool fatal = true;
	size_t i;

	sigbuf_str(&b, "Received signal ");
	for (i = 0; i < ARRAY_SIZE(crash_signals); i++) {
		if (crash_signals[i].sig != sig)
			continue;
		sigbuf_str(&b, crash_signals[i].name);
		fatal = crash_signals[i].fatal;
	}
	sigbuf_str(&b, main_thread ? ".\n" : " in a thread.\n");
	sigbuf_write(&b, STDERR_FILENO);

	/*
	 * In a child, or outside a subtest: die of the signal; a child's
	 * parent reports it from igt_waitchildren().
	 */
	if (in_subtest && !test_child) {
		record_failure(128 + sig);
		if (!fatal && !main_thread)
			fail_thread();
		if (!fatal)
			leave_subtest("CRASH");

		kill_children();
		print_result("CRASH", true);
	}

	/* It stays blocked until we return, then the default action applies. */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signal_handlers(void)
{
	/* Own stack, so that a stack overflow is reported too. */
	static char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa = { .sa_flags = SA_ONSTACK };
	size_t i;

	sigaltstack(&ss, NULL);
	sigemptyset(&sa.sa_mask);

	sa.sa_handler = crash_handler;
	for (i = 0; i < ARRAY_SIZE(crash_signals); i++)
		sigaction(crash_signals[i].sig, &sa, NULL);
}

enum {
	OPT_LIST_SUBTESTS = 500,
	OPT_RUN_SUBTEST,
	OPT_DESCRIBE,
	OPT_DEBUG,
	OPT_HELP_DESCRIPTION,
	OPT_HELP = 'h',
};

static const struct option long_options[] = {
	{ "list-subtests", no_argument, NULL, OPT_LIST_SUBTESTS },
	{ "run-subtest", required_argument, NULL, OPT_RUN_SUBTEST },
	{ "describe", optional_argument, NULL, OPT_DESCRIBE },
	{ "debug", optional_argument, NULL, OPT_DEBUG },
	{ "help-description", no_argument, NULL, OPT_HELP_DESCRIPTION },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS]\n"
		"  --list-subtests\n"
		"  --run-subtest <pattern>\n"
		"  --describe[=pattern]\n"
		"  --debug[=log-domain]\n"
		"  --help-description\n"
		"  --help|-h\n"
		"<pattern> is a comma-separated list of shell wildcards; a\n"
		"leading '!' excludes, and the last one to match decides.\n",
		program_invocation_short_name);
}

static void handle_option(int opt)
{
	switch (opt) {
	/*
	 * As upstream: of --list-subtests and --run-subtest, the first one
	 * given wins and the other is ignored. Listing lists every subtest.
	 */
	case OPT_LIST_SUBTESTS:
		if (!subtest_filter)
			list_subtests = true;
		break;
	case OPT_RUN_SUBTEST:
		if (!list_subtests)
			subtest_filter = optarg;
		break;
	case OPT_DESCRIBE:
		/* Lists, with descriptions; the pattern selects subtests. */
		describe_subtests = true;
		list_subtests = true;
		if (optarg)
			subtest_filter = optarg;
		break;
	case OPT_DEBUG:
		debug_enabled = true;
		debug_domain = optarg;
		break;
	case OPT_HELP_DESCRIPTION:
		if (&__igt_test_description && __igt_test_description)
			printf("%s\n", __igt_test_description);
		exit(IGT_EXIT_SUCCESS);
	case OPT_HELP:
		print_usage(stdout);
		exit(IGT_EXIT_SUCCESS);
	default:
		print_usage(stderr);
		exit(IGT_EXIT_INVALID);
	}
}

static void parse_options(int argc, char **argv)
{
	int opt;

	while ((opt = getopt_long(argc, argv, "h", long_options, NULL)) != -1)
		handle_option(opt);

	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n",
			program_invocation_short_name, argv[optind]);
		print_usage(stderr);
		exit(IGT_EXIT_INVALID);
	}
}

static void print_version(void)
{
	struct utsname uts;

	if (list_subtests)
		return;

	uname(&uts);
	igt_info("IGT-Version: %s (%s) (%s: %s %s)\n", IGT_VERSION,
		 TARGET_CPU, uts.sysname, uts.release, uts.machine);
}

void __igt_main_init(int argc, char **argv)
{
	/* Complete lines get out even if the process dies of a signal. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	main_thread = true;
	parse_options(argc, argv);
	install_signal_handlers();
	print_version();
}

/*
 * --run-subtest takes a comma-separated list of fnmatch() patterns; one
 * starting with '!' excludes. As with upstream's uwildmat(), the last
 * pattern that matches the name decides.
 */
static bool subtest_selected(const char *name)
{
	char *list, *pattern, *saveptr;
	bool selected = false;
	bool exclude;

	if (!subtest_filter)
		return true;

	list = strdup(subtest_filter);
	if (!list)
		internal_error("out of memory");

	for (pattern = strtok_r(list, ",", &saveptr); pattern;
	     pattern = strtok_r(NULL, ",", &saveptr)) {
		exclude = pattern[0] == '!';
		if (fnmatch(pattern + exclude, name, 0) == 0)
			selected = !exclude;
	}

	free(list);
	return selected;
}

static void check_subtest_name(const char *name)
{
	const char *p;

	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			break;

	if (!*name || *p) {
		igt_critical("Invalid subtest name \"%s\".\n", name);
		exit(IGT_EXIT_INVALID);
	}
}

/* --describe output: the subtest, where it is, its indented description. */
static void print_description(const char *name, const char *file, int line)
{
	const char *p = description;
	int len;

	printf("SUB %s %s:%d:\n", name, file, line);
	if (!*p) {
		printf("  NO DOCUMENTATION!\n\n");
		return;
	}

	while (*p) {
		len = strchrnul(p, '\n') - p;
		printf("  %.*s\n", len, p);
		p += len + (p[len] == '\n');
	}
	printf("\n");
}

bool __igt_run_subtest(const char *name, const char *file, int line)
{
	bool selected;

	if (in_subtest || in_fixture || test_child)
		internal_error("igt_subtest inside a subtest or fixture");
	check_subtest_name(name);

	selected = subtest_selected(name);
	subtest_filter_matched |= selected;
	if (selected && describe_subtests)
		print_description(name, file, line);
	else if (selected && list_subtests)
		printf("%s\n", name);

	/* An igt_describe() applies to the next subtest only. */
	description[0] = '\0';
	if (!selected || list_subtests)
		return false;

	snprintf(subtest_name, sizeof(subtest_name), "%s", name);
	if (skip_henceforth) {
		fflush(stdout);
		print_result(skip_henceforth == FIXTURE_SKIPPED ?
			     "SKIP" : "FAIL", false);
		return false;
	}

	igt_info("Starting subtest: %s\n", name);
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &subtest_start);
	atomic_store(&thread_failed, false);
	in_subtest = 1;
	/* A failure reports errno: not one left by an earlier subtest. */
	errno = 0;
	return true;
}

bool __igt_fixture(void)
{
	if (in_subtest || in_fixture)
		internal_error("igt_fixture inside a subtest or fixture");

	if (list_subtests || skip_henceforth)
		return false;

	in_fixture = true;
	errno = 0;
	return true;
}

void __igt_fixture_complete(void)
{
	/* A thread of the fixture failed: the fixture fails. */
	if (atomic_exchange(&thread_failed, false)) {
		igt_critical("Failure in a thread!\n");
		igt_fail(IGT_EXIT_FAILURE);
	}
	in_fixture = false;
}

void __igt_fixture_end(void)
{
	in_fixture = false;
	siglongjmp(igt_subtest_jmpbuf, 1);
}

int __igt_subtest_group_save(void)
{
	return skip_henceforth;
}

void __igt_subtest_group_restore(int saved)
{
	skip_henceforth = saved;
}

void igt_describe_f(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(description, sizeof(description), fmt, args);
	va_end(args);
}

void igt_success(void)
{
	if (!main_thread)
		internal_error("igt_success() outside the main thread");

	/* As upstream: a thread's failure is noticed when the subtest ends. */
	if (atomic_exchange(&thread_failed, false)) {
		igt_critical("Failure in a thread!\n");
		igt_fail(IGT_EXIT_FAILURE);
	}

	succeeded_one = true;
	if (in_subtest)
		exit_subtest("SUCCESS");
}

void igt_fail(int exitcode)
{
	if (exitcode == IGT_EXIT_SUCCESS)
		internal_error("igt_fail() with a success exit code");

	/* Reported, by igt_success(), when the subtest ends. */
	if (!main_thread)
		fail_thread();

	record_failure(exitcode);

	/* Quietly: the parent's igt_waitchildren() reports it. */
	if (test_child)
		exit(exitcode);

	if (in_subtest)
		exit_subtest("FAIL");

	if (in_fixture) {
		skip_henceforth = FIXTURE_FAILED;
		__igt_fixture_end();
	}

	igt_exit();
}

void igt_skip(const char *fmt, ...)
{
	va_list args;

	if (!main_thread)
		internal_error("skipping is only allowed in the main thread");
	if (test_child)
		internal_error("skipping is not allowed in igt_fork() children");
	skipped_one = true;

	if (!list_subtests) {
		va_start(args, fmt);
		vprintf(fmt, args);
		va_end(args);
	}

	if (in_subtest)
		exit_subtest("SKIP");

	if (in_fixture) {
		skip_henceforth = FIXTURE_SKIPPED;
		__igt_fixture_end();
	}

	internal_error("skipping is only allowed in fixtures and subtests");
}

void __igt_skip_check(const char *file, int line, const char *func,
		      const char *check, const char *fmt, ...)
{
	char err_msg[160] = "";
	char msg[1024] = "";
	int err = errno;
	va_list args;

	if (err)
		snprintf(err_msg, sizeof(err_msg), "Last errno: %i, %s\n",
			 err, strerror(err));

	if (fmt) {
		va_start(args, fmt);
		vsnprintf(msg, sizeof(msg), fmt, args);
		va_end(args);
	}

	igt_skip("Test requirement not met in function %s, file %s:%i:\n"
		 "Test requirement: %s\n%s%s",
		 func, file, line, check, msg, err_msg);
}

void __igt_fail_assert(const char *domain, const char *file, int line,
		       const char *func, const char *assertion,
		       const char *fmt, ...)
{
	int err = errno;
	va_list args;

	igt_log(domain, IGT_LOG_CRITICAL,
		"Test assertion failure function %s, file %s:%i:\n",
		func, file, line);
	igt_log(domain, IGT_LOG_CRITICAL, "Failed assertion: %s\n", assertion);
	if (err)
		igt_log(domain, IGT_LOG_CRITICAL, "Last errno: %i, %s\n",
			err, strerror(err));

	if (fmt) {
		va_start(args, fmt);
		igt_vlog(domain, IGT_LOG_CRITICAL, fmt, args);
		va_end(args);
	}

	igt_fail(IGT_EXIT_FAILURE);
}

bool __igt_fork(void)
{
	pid_t *grown;
	pid_t pid;

	if (!in_subtest || test_child)
		internal_error("igt_fork() only works in a subtest's process");

	if (num_children == children_size) {
		grown = realloc(children, (children_size + 8) * sizeof(*grown));
		igt_assert(grown);
		children = grown;
		children_size += 8;
	}

	/* Or what is buffered would be printed by the child too. */
	fflush(NULL);

	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		test_child = 1;
		num_children = 0;
		/* The child's one thread is its main thread. */
		main_thread = true;
		atomic_store(&thread_failed, false);
		return true;
	}

	children[num_children++] = pid;
	return false;
}

void __igt_child_done(void)
{
	/* A thread of the child failed: so did the child. */
	exit(atomic_load(&thread_failed) ? IGT_EXIT_FAILURE :
	     IGT_EXIT_SUCCESS);
}

static int find_child(pid_t pid)
{
	int i;

	for (i = 0; i < num_children; i++)
		if (children[i] == pid)
			return i;
	return -1;
}

/* Report how child @c ended; returns the code to fail the subtest with. */
static int child_failure(int c, int status)
{
	if (WIFEXITED(status)) {
		igt_info("child %i failed with exit status %i\n",
			 c, WEXITSTATUS(status));
		return WEXITSTATUS(status);
	}

	if (WIFSIGNALED(status)) {
		igt_info("child %i died with signal %i, %s\n",
			 c, WTERMSIG(status), strsignal(WTERMSIG(status)));
		return 128 + WTERMSIG(status);
	}

	igt_info("Unhandled failure [%d] in child %i\n", status, c);
	return IGT_EXIT_FAILURE;
}

/*
 * Wait for all igt_fork() children. Returns 0 if they all exited with 0,
 * otherwise the code of the first failure; the others are then killed.
 */
int __igt_waitchildren(void)
{
	int left = num_children;
	int err = 0;
	int status, c;
	pid_t pid;

	if (test_child)
		internal_error("igt_waitchildren() in an igt_fork() child");

	while (left > 0) {
		pid = wait(&status);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0) {
			igt_warn("wait() for %d children failed: %m\n", left);
			err = IGT_EXIT_FAILURE;
			break;
		}

		c = find_child(pid);
		if (c < 0)
			continue;
		children[c] = 0;
		left--;

		if (!err && status) {
			err = child_failure(c, status);
			kill_children();
		}
	}

	num_children = 0;
	return err;
}

void igt_waitchildren(void)
{
	int err = __igt_waitchildren();

	if (err)
		igt_fail(err);
}

void igt_exit(void)
{
	if (subtest_filter && !subtest_filter_matched) {
		igt_critical("Unknown subtest: %s\n", subtest_filter);
		exit(IGT_EXIT_INVALID);
	}

	if (list_subtests)
		exit(IGT_EXIT_SUCCESS);

	reap_children();
	if (!failed_one)
		igt_exitcode = succeeded_one ? IGT_EXIT_SUCCESS : IGT_EXIT_SKIP;

	igt_debug("Exiting with status code %d\n", igt_exitcode);
	exit(igt_exitcode);
}

static bool debug_shown(const char *domain)
{
	if (!debug_enabled)
		return false;
	if (!debug_domain || !strcmp(debug_domain, "all"))
		return true;

	/* Messages without a domain belong to "application", as upstream. */
	return !strcmp(debug_domain, domain ? domain : "application");
}

void igt_vlog(const char *domain, enum igt_log_level level,
	      const char *fmt, va_list args)
{
	static const char * const level_str[] = {
		[IGT_LOG_DEBUG] = "DEBUG",
		[IGT_LOG_INFO] = "INFO",
		[IGT_LOG_WARN] = "WARNING",
		[IGT_LOG_CRITICAL] = "CRITICAL",
	};
	FILE *f = level >= IGT_LOG_WARN ? stderr : stdout;

	if (level >= IGT_LOG_NONE)
		return;
	/* Keep --list-subtests output machine-readable. */
	if (list_subtests && level <= IGT_LOG_WARN)
		return;
	if (level == IGT_LOG_DEBUG && !debug_shown(domain))
		return;

	if (f == stderr)
		fflush(stdout);

	/* Everything but plain information says who and how bad. */
	if (level != IGT_LOG_INFO)
		fprintf(f, "(%s:%d) %s%s%s: ", program_invocation_short_name,
			getpid(), domain ? domain : "", domain ? "-" : "",
			level_str[level]);
	vfprintf(f, fmt, args);
}

void igt_log(const char *domain, enum igt_log_level level,
	     const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	igt_vlog(domain, level, fmt, args);
	va_end(args);
}

/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The drm_svm authors
 *
 * The kernel's fault-injection framework from a test: each site is a
 * debugfs directory with the files Documentation/fault-injection/
 * fault-injection.rst describes (probability, interval, times, verbose,
 * task-filter, and for failslab and fail_page_alloc their filters).
 * Header only, built on IGT and libc alone.
 */
#ifndef SVM_INJECT_LIB_H
#define SVM_INJECT_LIB_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "igt.h"

#define INJECT_DEBUGFS		"/sys/kernel/debug"
#define INJECT_SVM_DIR		INJECT_DEBUGFS "/drm_svm"
#define INJECT_VSVM_DIR		INJECT_DEBUGFS "/dri"
#define INJECT_FAILSLAB		INJECT_DEBUGFS "/failslab"
#define INJECT_FAIL_PAGE_ALLOC	INJECT_DEBUGFS "/fail_page_alloc"

/* Fault-injection sites of a vsvm device, in INJECT_VSVM_DIR/vsvm<i>/ */
#define VSVM_FAIL_VRAM_ALLOC	"fail_vram_alloc"
#define VSVM_FAIL_COPY		"fail_copy"
#define VSVM_FAIL_PT_ALLOC	"fail_pt_alloc"

/* "times" without a limit */
#define INJECT_ALWAYS		(-1ll)

/* Writes @value and a newline to @dir/@file. Returns 0 or -errno. */
static inline int __inject_write(const char *dir, const char *file,
				 const char *value)
{
	char path[256];
	int fd, len, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = strlen(value);
	if (write(fd, value, len) != len)
		ret = -errno ?: -EIO;
	close(fd);
	return ret;
}

static inline void inject_write(const char *dir, const char *file,
				const char *value)
{
	int err = __inject_write(dir, file, value);

	igt_assert_f(err == 0, "%s/%s <- %s: %s\n", dir, file, value,
		     strerror(-err));
}

static inline void inject_write_i64(const char *dir, const char *file,
				    int64_t value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64 "\n", value);
	inject_write(dir, file, buf);
}

static inline int __inject_read(const char *dir, const char *file,
				int64_t *value)
{
	char path[256], buf[64] = "";
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return len < 0 ? -errno : -ENODATA;
	buf[len] = '\0';
	*value = strtoll(buf, NULL, 0);
	return 0;
}

static inline int64_t inject_read(const char *dir, const char *file)
{
	int64_t value = 0;
	int err = __inject_read(dir, file, &value);

	igt_assert_f(err == 0, "%s/%s: %s\n", dir, file, strerror(-err));
	return value;
}

static inline bool inject_available(const char *dir)
{
	return access(dir, F_OK) == 0;
}

/*
 * Tells the kernel log that allocation failures are injected from now on
 * (or no longer): the kernel's reports of failed allocations in between
 * are expected (tools/testing/vm/report.py).
 */
static inline void inject_log(bool armed, const char *dir)
{
	char msg[320];
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	snprintf(msg, sizeof(msg), "drm_svm-test: fault injection %s: %s\n",
		 armed ? "armed" : "disarmed", dir);
	if (write(fd, msg, strlen(msg)) < 0)
		igt_debug("/dev/kmsg: %s\n", strerror(errno));
	close(fd);
}

/*
 * Arms the site at @dir: each call fails with @percent probability, at
 * most @times times (INJECT_ALWAYS: no limit), silently (the test counts
 * the failures from "times"), for every task unless @task_filter (then
 * only tasks whose /proc/<pid>/make-it-fail is 1).
 */
static inline int __inject_arm(const char *dir, unsigned int percent,
			       int64_t times, bool task_filter)
{
	char buf[32];
	int err;

	err = __inject_write(dir, "verbose", "0\n");
	if (!err)
		err = __inject_write(dir, "interval", "1\n");
	if (!err)
		err = __inject_write(dir, "space", "0\n");
	if (!err)
		err = __inject_write(dir, "task-filter",
				     task_filter ? "Y\n" : "N\n");
	if (!err) {
		snprintf(buf, sizeof(buf), "%" PRId64 "\n", times);
		err = __inject_write(dir, "times", buf);
	}
	if (!err) {
		snprintf(buf, sizeof(buf), "%u\n", percent);
		err = __inject_write(dir, "probability", buf);
	}
	return err;
}

static inline void inject_arm(const char *dir, unsigned int percent,
			      int64_t times, bool task_filter)
{
	int err;

	inject_log(true, dir);
	err = __inject_arm(dir, percent, times, task_filter);
	igt_assert_f(err == 0, "arming %s: %s\n", dir, strerror(-err));
}

/* Disarms the site at @dir; safe on a site that was never armed. */
static inline int __inject_disarm(const char *dir)
{
	int err = __inject_write(dir, "probability", "0\n");

	return err ?: __inject_write(dir, "times", "0\n");
}

static inline void inject_disarm(const char *dir)
{
	int err = __inject_disarm(dir);

	igt_assert_f(err == 0, "disarming %s: %s\n", dir, strerror(-err));
	inject_log(false, dir);
}

/*
 * Opens the calling thread's /proc/thread-self/make-it-fail, which marks
 * the thread as one the task filter lets fail. Open it before the thread
 * is marked: once it is, opening a file may itself fail, and the thread
 * could not unmark itself. Returns the file descriptor or -errno.
 */
static inline int inject_thread_open(void)
{
	int fd = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/*
 * Marks (@fail) or unmarks the thread of @fd, from inject_thread_open().
 * Allocates nothing, so it works while the thread's allocations fail.
 * Returns 0 or -errno; safe to call from any thread.
 */
static inline int inject_thread_set(int fd, bool fail)
{
	if (pwrite(fd, fail ? "1\n" : "0\n", 2, 0) != 2)
		return -errno ?: -EIO;
	return 0;
}

/*
 * Narrows failslab or fail_page_alloc (@dir) to allocations whose call
 * chain goes through the text of @modules (NULL-terminated names), the
 * lowest to the highest of their functions in /proc/kallsyms. Needs
 * CONFIG_FAULT_INJECTION_STACKTRACE_FILTER.
 */
static inline void inject_filter_modules(const char *dir,
					 const char *const *modules)
{
	unsigned long long addr, lo = ~0ull, hi = 0;
	char line[512], type, name[256], mod[64];
	const char *const *m;
	char buf[32];
	FILE *f;

	f = fopen("/proc/kallsyms", "re");
	igt_assert(f);
	while (fgets(line, sizeof(line), f)) {
		mod[0] = '\0';
		if (sscanf(line, "%llx %c %255s [%63[^]]]", &addr, &type, name,
			   mod) != 4 || (type != 't' && type != 'T'))
			continue;
		for (m = modules; *m; m++) {
			if (strcmp(mod, *m))
				continue;
			lo = addr < lo ? addr : lo;
			hi = addr > hi ? addr : hi;
		}
	}
	fclose(f);
	igt_require_f(hi && lo < hi, "no text of the modules in kallsyms\n");
	igt_require_f(inject_available(INJECT_FAILSLAB "/require-start"),
		      "no stack-trace filter for fault injection\n");
	snprintf(buf, sizeof(buf), "%#llx\n", lo);
	inject_write(dir, "require-start", buf);
	/* The last function's end is not listed: a page past its start. */
	snprintf(buf, sizeof(buf), "%#llx\n", hi + 4096);
	inject_write(dir, "require-end", buf);
	inject_write(dir, "stacktrace-depth", "32\n");
}

/*
 * Keeps @dir from failing allocations made through the kernel functions
 * @funcs (NULL-terminated, adjacent in the kernel's text): from the first
 * to the end of the last, which is where the next function starts.
 * Without the functions, nothing is rejected.
 */
static inline void inject_reject_functions(const char *dir,
					   const char *const *funcs)
{
	unsigned long long addr, lo = ~0ull, hi = 0, end = ~0ull;
	char line[512], type, name[256];
	const char *const *fn;
	char buf[32];
	FILE *f;

	f = fopen("/proc/kallsyms", "re");
	igt_assert(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 ||
		    (type != 't' && type != 'T'))
			continue;
		for (fn = funcs; *fn; fn++) {
			if (strcmp(name, *fn))
				continue;
			lo = addr < lo ? addr : lo;
			hi = addr > hi ? addr : hi;
		}
	}
	if (!hi) {
		fclose(f);
		return;
	}
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) == 3 &&
		    addr > hi && addr < end)
			end = addr;
	}
	fclose(f);
	snprintf(buf, sizeof(buf), "%#llx\n", lo);
	inject_write(dir, "reject-start", buf);
	snprintf(buf, sizeof(buf), "%#llx\n", end);
	inject_write(dir, "reject-end", buf);
}

/* Back to the whole kernel for @dir's stack-trace filter. */
static inline void inject_filter_none(const char *dir)
{
	__inject_write(dir, "require-start", "0\n");
	__inject_write(dir, "require-end", "0xffffffffffffffff\n");
	__inject_write(dir, "reject-start", "0\n");
	__inject_write(dir, "reject-end", "0\n");
}

/* The site of vsvm device @index named @site, in @path. */
static inline const char *vsvm_fail_dir(char *path, size_t len,
					uint32_t index, const char *site)
{
	snprintf(path, len, INJECT_VSVM_DIR "/vsvm%u/%s", index, site);
	return path;
}

/* Makes the next @n operations of @site of device @index fail. */
static inline int __vsvm_fail_set(uint32_t index, const char *site,
				  int64_t n)
{
	char dir[128];

	vsvm_fail_dir(dir, sizeof(dir), index, site);
	return n ? __inject_arm(dir, 100, n, false) : __inject_disarm(dir);
}

static inline void vsvm_fail_set(uint32_t index, const char *site,
				 int64_t n)
{
	char dir[128];

	vsvm_fail_dir(dir, sizeof(dir), index, site);
	if (n)
		inject_arm(dir, 100, n, false);
	else
		inject_disarm(dir);
	igt_assert_eq_u64(inject_read(dir, "times"), n);
}

/* Failures @site of device @index has left to inject. */
static inline int64_t vsvm_fail_left(uint32_t index, const char *site)
{
	char dir[128];

	return inject_read(vsvm_fail_dir(dir, sizeof(dir), index, site),
			   "times");
}

#endif /* SVM_INJECT_LIB_H */

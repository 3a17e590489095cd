// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm fdinfo
 * Category: Core
 * Description: The DRM fdinfo of a vsvm render node follows
 *		Documentation/gpu/drm-usage-stats.rst, and says what debugfs
 *		says.
 *
 * SUBTEST: format
 * Description: After a job that moved pages, with its VM alive, every
 *		line of the fdinfo is "key: value" with a key free of
 *		whitespace, once; besides the file's own keys
 *		(pos, flags, mnt_id, ino), every key starts with drm- or with
 *		the driver's name that drm-driver gives, which must be vsvm;
 *		drm-client-id is a number, drm-pdev names the device,
 *		drm-engine-compute is "<uint> ns", drm-total-vram and
 *		drm-resident-vram are sizes with a unit of the spec, and every
 *		driver key is a number with an optional unit, the moves
 *		between processors (vsvm-moves-<from>-<to>) among them.
 *
 * SUBTEST: client-id
 * Description: Two opens of a node have different drm-client-id values;
 *		a dup of an fd has the same one.
 *
 * SUBTEST: engine-busy
 * Description: drm-engine-compute grows over a job by no more than the
 *		time the job took from submission to its end, grows by more
 *		than nothing, never goes back, and a second file's value does
 *		not count the first file's job.
 *
 * SUBTEST: resident-agrees-with-debugfs
 * Description: With VRAM that a munmap has partly freed (its blocks wait
 *		to be given back), drm-resident-vram of the only file using
 *		the device equals the device's vram_in_use in debugfs at
 *		every read of a series taken while nothing moved (two
 *		debugfs reads around it agree), and neither read releases
 *		anything; after a write to the debugfs file releases the
 *		blocks, both are zero and the data left is intact.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_svm_lib.h"
#include "vsvm_drm.h"

IGT_TEST_DESCRIPTION("DRM fdinfo of vsvm files, checked against the spec.");

#define MAX_LINES	256
#define BUF_SIZE	(4ull << 20)
#define FILL_A		0x0a0b0c0du

struct kv {
	char key[64];
	char value[128];
};

/* The fdinfo of @fd as key/value pairs; returns how many. */
static unsigned int fdinfo_read(int fd, struct kv *kv)
{
	char path[64], line[256], *colon, *v;
	unsigned int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	igt_assert_f(f, "%s: %m\n", path);
	while (fgets(line, sizeof(line), f)) {
		igt_assert_f(n < MAX_LINES, "more than %d lines\n", MAX_LINES);
		line[strcspn(line, "\n")] = '\0';
		colon = strchr(line, ':');
		igt_assert_f(colon, "no colon: \"%s\"\n", line);
		*colon = '\0';
		igt_assert_f(strlen(line) && strcspn(line, " \t") == strlen(line),
			     "key with whitespace or empty: \"%s\"\n", line);
		igt_assert_f(strlen(line) < sizeof(kv->key), "long key %s\n",
			     line);
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		snprintf(kv[n].key, sizeof(kv[n].key), "%s", line);
		snprintf(kv[n].value, sizeof(kv[n].value), "%s", v);
		n++;
	}
	fclose(f);
	return n;
}

static const char *kv_get(const struct kv *kv, unsigned int n,
			  const char *key)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return kv[i].value;
	return NULL;
}

/*
 * @value is "<uint>" followed by nothing, or by one blank and one of
 * @units (NULL-terminated), or by any unit when @units is NULL.
 */
static bool is_number(const char *value, const char *const *units,
		      uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*value < '0' || *value > '9')
		return false;
	errno = 0;
	v = strtoull(value, &end, 10);
	if (errno)
		return false;
	if (out)
		*out = v;
	if (!*end)
		return true;
	if (*end != ' ' || !end[1] || strchr(end + 1, ' '))
		return false;
	if (!units)
		return true;
	for (; *units; units++)
		if (!strcmp(end + 1, *units))
			return true;
	return false;
}

static const char *const size_units[] = { "KiB", "MiB", NULL };
static const char *const no_unit[] = { NULL };
static const char *const ns_unit[] = { "ns", NULL };

/* drm-engine-compute of @fd, ns */
static uint64_t engine_ns(int fd)
{
	struct kv kv[MAX_LINES];
	unsigned int n = fdinfo_read(fd, kv);
	const char *v = kv_get(kv, n, "drm-engine-compute");
	uint64_t ns;

	igt_assert_f(v, "no drm-engine-compute\n");
	igt_assert_f(is_number(v, ns_unit, &ns), "drm-engine-compute: %s\n",
		     v);
	return ns;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/*
 * A FILL of @size bytes at @buf, bound with @flags, run to its end; returns
 * the VM, which the caller destroys.
 */
static uint32_t run_fill(int fd, uint8_t *buf, uint64_t size, uint32_t flags)
{
	uint32_t vm = svm_vm_create(fd);
	struct svm_batch b;

	svm_bind_ptr(fd, vm, buf, size, flags);
	svm_batch_init(&b, fd, vm);
	cmd_fill(&b, to_u64(buf), size, FILL_A);
	cmd_end(&b);
	svm_run_batch_ok(fd, vm, &b);
	svm_batch_fini(&b);
	return vm;
}

static void test_format(int fd)
{
	static const char *const file_keys[] = {
		"pos", "flags", "mnt_id", "ino",
	};
	uint8_t *buf = svm_alloc(BUF_SIZE);
	unsigned int n, i, j, moves = 0;
	struct kv kv[MAX_LINES];
	const char *driver;
	char prefix[160];
	bool file_key;
	uint32_t vm;

	/* A live VM whose pages moved: its keys, the moves', all show */
	memset(buf, 0x5a, BUF_SIZE);
	vm = run_fill(fd, buf, BUF_SIZE, 0);
	n = fdinfo_read(fd, kv);
	driver = kv_get(kv, n, "drm-driver");
	igt_assert_f(driver, "no drm-driver\n");
	igt_assert_f(!strcmp(driver, "vsvm"), "drm-driver: %s\n", driver);
	snprintf(prefix, sizeof(prefix), "%s-", driver);

	for (i = 0; i < n; i++) {
		const char *k = kv[i].key, *v = kv[i].value;

		for (j = i + 1; j < n; j++)
			igt_assert_f(strcmp(k, kv[j].key), "%s twice\n", k);
		for (file_key = false, j = 0; j < ARRAY_SIZE(file_keys); j++)
			file_key |= !strcmp(k, file_keys[j]);
		if (file_key)
			continue;
		if (!strncmp(k, prefix, strlen(prefix))) {
			igt_assert_f(is_number(v, NULL, NULL),
				     "driver key %s: \"%s\" is no number\n",
				     k, v);
			moves += !strncmp(k + strlen(prefix), "moves-", 6);
			continue;
		}
		igt_assert_f(!strncmp(k, "drm-", 4),
			     "key %s has neither drm- nor %s\n", k, prefix);
		if (!strcmp(k, "drm-client-id"))
			igt_assert_f(is_number(v, no_unit, NULL),
				     "drm-client-id: %s\n", v);
		else if (!strncmp(k, "drm-engine-", 11))
			igt_assert_f(is_number(v, ns_unit, NULL),
				     "%s: %s\n", k, v);
		else if (!strncmp(k, "drm-total-", 10) ||
			 !strncmp(k, "drm-resident-", 13))
			igt_assert_f(is_number(v, size_units, NULL),
				     "%s: %s\n", k, v);
		else
			igt_assert_f(!strcmp(k, "drm-driver") ||
				     !strcmp(k, "drm-pdev"),
				     "key %s is not in the spec\n", k);
	}
	igt_assert_f(kv_get(kv, n, "drm-client-id"), "no drm-client-id\n");
	igt_assert_f(kv_get(kv, n, "drm-pdev") &&
		     *kv_get(kv, n, "drm-pdev"), "no drm-pdev\n");
	igt_assert_f(kv_get(kv, n, "drm-engine-compute"),
		     "no drm-engine-compute\n");
	igt_assert_f(kv_get(kv, n, "drm-total-vram"), "no drm-total-vram\n");
	igt_assert_f(kv_get(kv, n, "drm-resident-vram"),
		     "no drm-resident-vram\n");
	igt_assert_f(moves, "no %smoves-<from>-<to> after a migration\n",
		     prefix);
	svm_vm_destroy(fd, vm);
	munmap(buf, BUF_SIZE);
}

static uint64_t client_id(int fd)
{
	struct kv kv[MAX_LINES];
	unsigned int n = fdinfo_read(fd, kv);
	const char *v = kv_get(kv, n, "drm-client-id");
	uint64_t id;

	igt_assert_f(v && is_number(v, no_unit, &id),
		     "drm-client-id: %s\n", v ?: "(none)");
	return id;
}

static void test_client_id(void)
{
	int a = vsvm_open_render(0), b = vsvm_open_render(0), c;

	igt_assert_fd(a);
	igt_assert_fd(b);
	c = dup(a);
	igt_assert_fd(c);
	igt_assert_neq_u64(client_id(a), client_id(b));
	igt_assert_eq_u64(client_id(a), client_id(c));
	close(c);
	close(b);
	close(a);
}

static void test_engine_busy(int fd)
{
	const uint64_t size = 32ull << 20;
	uint8_t *buf = svm_alloc(size);
	int other = vsvm_open_render(0);
	uint64_t before, after, other_before;
	int64_t t0, t1;

	igt_assert_fd(other);
	other_before = engine_ns(other);
	before = engine_ns(fd);
	t0 = now_ns();
	svm_vm_destroy(fd, run_fill(fd, buf, size, 0));
	t1 = now_ns();
	after = engine_ns(fd);
	igt_info("engine: +%" PRIu64 " ns over a job of %" PRId64 " ns\n",
		 after - before, t1 - t0);
	igt_assert_cmpu64(after, >, <=, before);
	igt_assert_cmpu64(after - before, <=, >, (uint64_t)(t1 - t0));
	igt_assert_cmpu64(engine_ns(fd), >=, <, after);
	igt_assert_eq_u64(engine_ns(other), other_before);
	close(other);
	munmap(buf, size);
}

/* vram_in_use of the device with SVM id @id, bytes, from debugfs. */
static uint64_t debugfs_vram(uint32_t id)
{
	char path[64], line[128];
	unsigned long long v;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/drm_svm/device%u", id);
	f = fopen(path, "re");
	igt_require_f(f, "%s: %m\n", path);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "vram_in_use %llu", &v) == 1) {
			fclose(f);
			return v;
		}
	fclose(f);
	igt_assert_f(false, "no vram_in_use in %s\n", path);
	return 0;
}

static uint64_t fdinfo_vram(int fd)
{
	struct kv kv[MAX_LINES];
	unsigned int n = fdinfo_read(fd, kv);
	const char *v = kv_get(kv, n, "drm-resident-vram");
	uint64_t kib;

	igt_assert_f(v && is_number(v, size_units, &kib) &&
		     strstr(v, " KiB"), "drm-resident-vram: %s\n",
		     v ?: "(none)");
	return kib << 10;
}

/* Write to the device's debugfs file: its queued frees complete now. */
static void debugfs_settle(uint32_t id)
{
	char path[64];
	int f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/drm_svm/device%u", id);
	f = open(path, O_WRONLY | O_CLOEXEC);
	igt_assert_f(f >= 0, "%s: %m\n", path);
	igt_assert_eq(write(f, "1", 1), 1);
	close(f);
}

/*
 * fdinfo's drm-resident-vram against debugfs vram_in_use, read between
 * two debugfs reads: when those agree, nothing moved in between, and
 * fdinfo must say the same. Returns whether it could compare.
 */
static bool resident_compare(int fd, uint32_t svm_id, int i, uint64_t *now)
{
	uint64_t d0 = debugfs_vram(svm_id), f = fdinfo_vram(fd);
	uint64_t d1 = debugfs_vram(svm_id);

	if (d0 != d1)
		return false;
	igt_assert_f(f == d0, "read %d: fdinfo %" PRIu64 " KiB, debugfs %"
		     PRIu64 " KiB\n", i, f >> 10, d0 >> 10);
	*now = d0;
	return true;
}

static void test_resident(int fd, uint32_t svm_id)
{
	const uint64_t size = BUF_SIZE, half = 1ull << 20;
	uint8_t *buf = svm_alloc_aligned(size, 2ull << 20);
	uint64_t base, now = 0, first = 0;
	int i, compared = 0;
	struct svm_batch b;
	uint32_t vm;

	debugfs_settle(svm_id);
	base = debugfs_vram(svm_id);
	igt_require_f(base == 0, "device %u has %" PRIu64 " bytes in use\n",
		      svm_id, base);
	vm = svm_vm_create(fd);
	svm_bind_ptr(fd, vm, buf, size, 0);
	svm_batch_init_flags(&b, fd, vm, DRM_SVM_BIND_FLAG_NO_MIGRATE);
	cmd_fill(&b, to_u64(buf), size, FILL_A);
	cmd_end(&b);
	svm_run_batch_ok(fd, vm, &b);
	igt_assert_f(resident_compare(fd, svm_id, -1, &now),
		     "VRAM in use changed with nothing going on\n");
	igt_info("after the job: %" PRIu64 " KiB in both\n", now >> 10);
	igt_assert_f(now > 0, "the job moved nothing into VRAM\n");

	/* Half of each 2 MiB chunk gone: the blocks wait to be released. */
	igt_assert_eq(munmap(buf + half, half), 0);
	igt_assert_eq(munmap(buf + 3 * half, half), 0);
	for (i = 0; i < 40; i++) {
		if (resident_compare(fd, svm_id, i, &now) && !compared++)
			first = now;
		usleep(1000);
	}
	igt_info("%d of 40 reads compared, the first at %" PRIu64
		 " KiB, the last at %" PRIu64 " KiB\n", compared, first >> 10,
		 now >> 10);
	igt_assert_lte(20, compared);
	/* Reading did not release the blocks that wait. */
	igt_assert_f(first > 0, "the blocks were gone at the first read\n");

	/* Released on demand: both at zero, the data back in system memory */
	debugfs_settle(svm_id);
	igt_assert_f(resident_compare(fd, svm_id, 40, &now) && now == 0,
		     "%" PRIu64 " KiB in use after the release\n", now >> 10);
	svm_assert_value(buf, half, FILL_A);
	svm_assert_value(buf + 2 * half, half, FILL_A);

	svm_batch_fini(&b);
	svm_vm_destroy(fd, vm);
	munmap(buf, half);
	munmap(buf + 2 * half, half);
}

igt_main
{
	struct drm_vsvm_device_query dq = {};
	int fd = -1;

	igt_fixture {
		igt_require_f(vsvm_count_devices() > 0,
			      "No vsvm render node; is vsvm loaded?\n");
		fd = vsvm_open_render(0);
		igt_assert_fd(fd);
		vsvm_require_uapi(fd, &dq);
	}

	igt_subtest("format")
		test_format(fd);
	igt_subtest("client-id")
		test_client_id();
	igt_subtest("engine-busy")
		test_engine_busy(fd);
	igt_subtest("resident-agrees-with-debugfs")
		test_resident(fd, dq.svm_device_id);

	igt_fixture
		close(fd);
}

// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm inject
 * Category: Core
 * Description: Every failure site of the core and of vsvm, armed with the
 *		kernel's fault-injection framework, under one workload: a GPU
 *		read that faults the buffer into VRAM, a GPU write, prefetches
 *		to VRAM and back, a second GPU read. Each step succeeds with
 *		the right data or fails with an error code the site can cause.
 *		Once the site is disarmed, the CPU and the GPU see the data the
 *		steps that succeeded wrote, and once the VM is gone no VRAM is
 *		in use; kmemleak, after the suite, finds no leak.
 *
 * SUBTEST: %s-%s
 * Description: The workload with one site armed.
 *
 * arg[1]:
 *
 * @hmm-range-fault:	core: hmm_range_fault() returns -EBUSY
 * @migrate:		core: pages of a move into VRAM stay where they are
 * @dma-map:		core: the DMA mapping of a system page fails
 * @vram-alloc:		vsvm: VRAM allocation fails
 * @copy:		vsvm: the copy engine fails
 * @pt-alloc:		vsvm: page-table block allocation fails
 * @slab:		failslab, for allocations made through drm_svm or vsvm
 * @page-alloc:		fail_page_alloc, for allocations made through drm_svm
 *			or vsvm
 *
 * arg[2]:
 *
 * @always:		every call fails
 * @10pct:		one call in ten fails, at random (the workload runs four
 *			times)
 *
 * SUBTEST: cpu-fault-order-0
 * Description: With every allocation of order 1 or more failing for the
 *		reading thread, a CPU read of a buffer in VRAM completes with
 *		the right data: the way back to system memory needs no
 *		higher-order allocation, which fragmentation could deny
 *		(VM_FAULT_OOM, which the CPU retries for ever).
 *
 * SUBTEST: batch-pins-nowait
 * Description: The KUnit suite drm_svm_devmem_nowait (a fault batch over
 *		more chunks than the device memory holds, and LRU eviction),
 *		run again through its debugfs file with failslab failing every
 *		allocation that cannot sleep made through drm_svm: it passes,
 *		since a batch keeps its own blocks from eviction without
 *		allocating.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
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
#include "vsvm_migrate_lib.h"
#include "svm_inject_lib.h"

IGT_TEST_DESCRIPTION("Fault injection at every failure site of drm_svm "
		     "and vsvm, with the kernel's framework.");

#define BUF_SIZE		(2 * SZ_2M)
#define SEED			0x1a2b0000u
#define FILL			0xf1f2f3f4u
/* Failures a site may inject; what is left of them counts the fired. */
#define TIMES			1000000
/* Workload rounds at a probability below 100%, for the sites to fire */
#define RATE_ROUNDS		4
/* How long a CPU read of BUF_SIZE may take with the injection on */
#define READ_TIMEOUT_S		30

enum site_kind { SITE_CORE, SITE_VSVM, SITE_SLAB, SITE_PAGE };

struct site {
	const char *name;
	enum site_kind kind;
	/* The fault_attr directory's name, for the core's and vsvm's */
	const char *file;
	/* What a step may fail with while the site is armed; 0 ends it */
	int errors[3];
};

static const struct site sites[] = {
	{ "hmm-range-fault", SITE_CORE, "fail_hmm_range_fault", { -EBUSY } },
	{ "migrate", SITE_CORE, "fail_migrate", { 0 } },
	{ "dma-map", SITE_CORE, "fail_dma_map", { -ENOMEM } },
	{ "vram-alloc", SITE_VSVM, VSVM_FAIL_VRAM_ALLOC, { 0 } },
	{ "copy", SITE_VSVM, VSVM_FAIL_COPY, { -EIO } },
	{ "pt-alloc", SITE_VSVM, VSVM_FAIL_PT_ALLOC, { -ENOMEM } },
	{ "slab", SITE_SLAB, NULL, { -ENOMEM } },
	{ "page-alloc", SITE_PAGE, NULL, { -ENOMEM } },
	{ }
};

static const struct {
	const char *name;
	unsigned int percent;
} rates[] = {
	{ "always", 100 },
	{ "10pct", 10 },
};

static const char *const our_modules[] = { "drm_svm", "vsvm", NULL };
/*
 * CONFIG_DMA_API_DEBUG's bookkeeping of a mapping, which turns itself off
 * when its allocations fail: it must go on tracking ours.
 */
static const char *const dma_debug_functions[] = {
	"dma_entry_alloc", "add_dma_entry", NULL
};

static struct mig_dev dev0;

static const char *site_dir(const struct site *s, char *buf, size_t len)
{
	switch (s->kind) {
	case SITE_CORE:
		snprintf(buf, len, INJECT_SVM_DIR "/%s", s->file);
		return buf;
	case SITE_VSVM:
		return vsvm_fail_dir(buf, len, dev0.index, s->file);
	case SITE_SLAB:
		return INJECT_FAILSLAB;
	case SITE_PAGE:
		return INJECT_FAIL_PAGE_ALLOC;
	}
	return NULL;
}

static void site_arm(const struct site *s, unsigned int percent)
{
	char buf[128];
	const char *dir = site_dir(s, buf, sizeof(buf));

	igt_require_f(inject_available(dir), "no %s: fault injection off\n",
		      dir);
	if (s->kind == SITE_SLAB || s->kind == SITE_PAGE) {
		inject_filter_modules(dir, our_modules);
		inject_reject_functions(dir, dma_debug_functions);
		/* Sleeping allocations too: most of ours are GFP_KERNEL. */
		inject_write(dir, "ignore-gfp-wait", "N\n");
	}
	if (s->kind == SITE_SLAB)
		inject_write(dir, "cache-filter", "N\n");
	if (s->kind == SITE_PAGE) {
		inject_write(dir, "ignore-gfp-highmem", "N\n");
		inject_write(dir, "min-order", "0\n");
	}
	inject_arm(dir, percent, TIMES, false);
}

/* Disarms @s; returns the failures it injected. */
static int64_t site_disarm(const struct site *s)
{
	char buf[128];
	const char *dir = site_dir(s, buf, sizeof(buf));
	int64_t left;

	inject_write(dir, "probability", "0\n");
	left = inject_read(dir, "times");
	inject_disarm(dir);
	if (s->kind == SITE_SLAB || s->kind == SITE_PAGE) {
		inject_filter_none(dir);
		inject_write(dir, "ignore-gfp-wait", "Y\n");
	}
	return TIMES - left;
}

/* After a failed subtest: every site off, whatever it left. */
static void sites_reset(void)
{
	const struct site *s;
	char buf[128];

	for (s = sites; s->name; s++)
		__inject_disarm(site_dir(s, buf, sizeof(buf)));
	inject_filter_none(INJECT_FAILSLAB);
	inject_filter_none(INJECT_FAIL_PAGE_ALLOC);
	__inject_write(INJECT_FAILSLAB, "ignore-gfp-wait", "Y\n");
	__inject_write(INJECT_FAIL_PAGE_ALLOC, "ignore-gfp-wait", "Y\n");
}

static void assert_allowed(const struct site *s, int err, const char *step)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(s->errors) && s->errors[i]; i++)
		if (err == s->errors[i])
			return;
	igt_assert_f(false, "%s with %s armed: %d (%s), not an error of the "
		     "site\n", step, s->name, err, strerror(-err));
}

/*
 * Runs the batch of @c; any failure is returned, not asserted: the
 * submission's errno, or the job's error.
 */
static int try_job(struct ctx *c)
{
	struct svm_fence *f = svm_fence_create();
	struct drm_vsvm_job_query q;
	int err;

	err = __svm_run(c->fd, c->vm, svm_batch_addr(&c->b),
			svm_batch_len(&c->b), f, &q);
	/* The fence got the error of the record. */
	if (!err)
		svm_assert_fence_error(f, q.error);
	svm_fence_destroy(f);
	if (!err && q.status != DRM_VSVM_JOB_DONE)
		err = q.error ?: -EIO;
	return err;
}

static int try_checksum(struct ctx *c, const void *ptr, uint64_t len,
			uint64_t *sum)
{
	uint64_t *res;
	int err;

	svm_batch_reset(&c->b);
	res = cmd_checksum(&c->b, to_u64(ptr), len);
	cmd_end(&c->b);
	err = try_job(c);
	*sum = *res;
	return err;
}

static int try_fill(struct ctx *c, void *ptr, uint64_t len, uint32_t value)
{
	svm_batch_reset(&c->b);
	cmd_fill(&c->b, to_u64(ptr), len, value);
	cmd_end(&c->b);
	return try_job(c);
}

static void fill_words(void *ptr, uint64_t len, uint32_t value)
{
	uint32_t *p = ptr;
	uint64_t i;

	for (i = 0; i < len / 4; i++)
		p[i] = value;
}

/*
 * The armed steps. No CPU access to the buffer: with the allocators'
 * sites armed, a CPU fault on a page in VRAM could not allocate its way
 * back and would be retried until disarmed.
 */
static void workload_armed(const struct site *s, struct ctx *c, uint8_t *buf,
			   uint8_t *shadow, bool *write_failed)
{
	uint64_t sum, expected = svm_checksum(shadow, BUF_SIZE);
	uint32_t region;
	int err, i;

	err = try_checksum(c, buf, BUF_SIZE, &sum);
	if (err)
		assert_allowed(s, err, "GPU read");
	else if (!*write_failed)
		igt_assert_eq_u64(sum, expected);

	/* A write that fails part way leaves the range unknown until one
	 * that succeeds.
	 */
	err = try_fill(c, buf + SZ_1M, SZ_2M, FILL);
	if (err) {
		assert_allowed(s, err, "GPU write");
		*write_failed = true;
	} else {
		fill_words(shadow + SZ_1M, SZ_2M, FILL);
		expected = svm_checksum(shadow, BUF_SIZE);
		*write_failed = false;
	}

	for (i = 0; i < 2; i++) {
		region = i ? DRM_SVM_REGION_SYSTEM : DRM_SVM_REGION_DEVICE;
		err = __svm_prefetch(c->fd, c->vm, to_u64(buf), BUF_SIZE,
				     region, NULL, NULL);
		if (err)
			assert_allowed(s, err, i ? "prefetch to system" :
						   "prefetch to VRAM");
	}

	err = try_checksum(c, buf, BUF_SIZE, &sum);
	if (err)
		assert_allowed(s, err, "second GPU read");
	else if (!*write_failed)
		igt_assert_eq_u64(sum, expected);
}

static void test_site(const struct site *s, unsigned int percent)
{
	uint8_t *buf, *shadow = malloc(BUF_SIZE);
	bool write_failed = false;
	uint64_t before;
	int64_t fired;
	struct ctx c;
	int i;

	igt_assert(shadow);
	before = svm_vram_in_use(&dev0);
	ctx_init(&c, &dev0);
	buf = ctx_buf(&c, BUF_SIZE);
	svm_pattern_fill(buf, BUF_SIZE, SEED);
	memcpy(shadow, buf, BUF_SIZE);

	site_arm(s, percent);
	for (i = 0; i < (percent < 100 ? RATE_ROUNDS : 1); i++)
		workload_armed(s, &c, buf, shadow, &write_failed);
	fired = site_disarm(s);
	igt_info("%s at %u%%: %" PRId64 " failures injected%s\n", s->name,
		 percent, fired,
		 write_failed ? ", the last GPU write failed" : "");
	if (percent == 100)
		igt_assert_f(fired > 0, "the workload never reached %s\n",
			     s->name);

	/* A write that failed part way wrote some of the words: again. */
	if (write_failed) {
		gpu_fill(&c, buf + SZ_1M, SZ_2M, FILL);
		fill_words(shadow + SZ_1M, SZ_2M, FILL);
	}
	assert_gpu_sum(&c, buf, BUF_SIZE, svm_checksum(shadow, BUF_SIZE));
	svm_assert_mem_eq(buf, shadow, BUF_SIZE);

	svm_unbind(c.fd, c.vm, to_u64(buf), BUF_SIZE);
	ctx_fini(&c);
	munmap(buf, BUF_SIZE);
	free(shadow);
	igt_assert_eq_u64(svm_vram_in_use(&dev0), before);
}

/* cpu-fault-order-0 */

struct reader {
	const uint8_t *buf;
	uint64_t sum;
	int err;
	atomic_bool done;
};

/* Asserts nothing: the main thread checks what the reader left. */
static void *reader_fn(void *arg)
{
	struct reader *r = arg;
	int fd = inject_thread_open();

	if (fd < 0) {
		r->err = fd;
		goto out_done;
	}
	r->err = inject_thread_set(fd, true);
	if (!r->err)
		r->sum = svm_checksum(r->buf, BUF_SIZE);
	r->err = inject_thread_set(fd, false) ?: r->err;
	close(fd);
out_done:
	atomic_store(&r->done, true);
	return NULL;
}

static void test_cpu_fault_order_0(void)
{
	struct reader r = {};
	uint64_t expected;
	pthread_t thread;
	uint8_t *buf;
	struct ctx c;
	int64_t fired;
	bool done;
	int i;

	igt_require_f(!mig_coherent(&dev0),
		      "coherent VRAM: the CPU reads it in place\n");
	igt_require(inject_available(INJECT_FAIL_PAGE_ALLOC));
	ctx_init(&c, &dev0);
	buf = ctx_buf(&c, BUF_SIZE);
	svm_pattern_fill(buf, BUF_SIZE, SEED);
	expected = svm_checksum(buf, BUF_SIZE);
	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), BUF_SIZE,
				       DRM_SVM_REGION_DEVICE),
			  BUF_SIZE / svm_page_size());

	/* Order 1 and up, sleeping or not, for the reader thread only. */
	inject_write(INJECT_FAIL_PAGE_ALLOC, "ignore-gfp-wait", "N\n");
	inject_write(INJECT_FAIL_PAGE_ALLOC, "ignore-gfp-highmem", "N\n");
	inject_write(INJECT_FAIL_PAGE_ALLOC, "min-order", "1\n");
	inject_arm(INJECT_FAIL_PAGE_ALLOC, 100, TIMES, true);

	r.buf = buf;
	igt_assert_eq(pthread_create(&thread, NULL, reader_fn, &r), 0);
	for (i = 0; i < READ_TIMEOUT_S * 10; i++) {
		if (atomic_load(&r.done))
			break;
		usleep(100 * 1000);
	}
	done = atomic_load(&r.done);

	/* Lets a reader that is stuck retrying its fault finish. */
	inject_write(INJECT_FAIL_PAGE_ALLOC, "probability", "0\n");
	fired = TIMES - inject_read(INJECT_FAIL_PAGE_ALLOC, "times");
	inject_disarm(INJECT_FAIL_PAGE_ALLOC);
	inject_write(INJECT_FAIL_PAGE_ALLOC, "min-order", "1\n");
	inject_write(INJECT_FAIL_PAGE_ALLOC, "ignore-gfp-wait", "Y\n");
	igt_assert_eq(pthread_join(thread, NULL), 0);
	igt_info("%" PRId64 " allocations of order >= 1 refused\n", fired);

	igt_assert_f(done, "the CPU read of VRAM did not complete in %d s "
		     "with allocations of order >= 1 failing\n",
		     READ_TIMEOUT_S);
	igt_assert_f(r.err == 0, "make-it-fail of the reader: %s\n",
		     strerror(-r.err));
	igt_assert_eq_u64(r.sum, expected);
	assert_res(&c, buf, BUF_SIZE, DRM_SVM_RESIDENT_SYSTEM, false);

	svm_unbind(c.fd, c.vm, to_u64(buf), BUF_SIZE);
	ctx_fini(&c);
	munmap(buf, BUF_SIZE);
}

/* batch-pins-nowait */

#define KUNIT_MODULE		"drm_svm_devmem_test"
#define KUNIT_SUITE_DIR		INJECT_DEBUGFS "/kunit/drm_svm_devmem_nowait"

static void modprobe(const char *module)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "modprobe %s", module);
	igt_assert_f(system(cmd) == 0, "%s failed\n", cmd);
}

/* Counts the "ok" and "not ok" result lines of a KUnit results file. */
static void kunit_results(const char *path, unsigned int *ok,
			  unsigned int *not_ok)
{
	char line[512];
	FILE *f = fopen(path, "re");

	igt_assert_f(f, "%s: %s\n", path, strerror(errno));
	*ok = 0;
	*not_ok = 0;
	while (fgets(line, sizeof(line), f)) {
		const char *l = line + strspn(line, " \t");

		igt_debug("%s", line);
		if (!strncmp(l, "not ok ", 7)) {
			igt_info("%s", line);
			(*not_ok)++;
		} else if (!strncmp(l, "ok ", 3)) {
			(*ok)++;
		}
	}
	fclose(f);
}

static void test_batch_pins_nowait(void)
{
	static const char *const modules[] = { "drm_svm", KUNIT_MODULE, NULL };
	unsigned int ok, not_ok;
	int64_t fired;

	igt_require(inject_available(INJECT_FAILSLAB));
	modprobe(KUNIT_MODULE);
	igt_require_f(inject_available(KUNIT_SUITE_DIR "/run"),
		      "no KUnit debugfs run file\n");

	/* Only what cannot sleep (GFP_NOWAIT, GFP_ATOMIC) fails. */
	inject_filter_modules(INJECT_FAILSLAB, modules);
	inject_reject_functions(INJECT_FAILSLAB, dma_debug_functions);
	inject_write(INJECT_FAILSLAB, "ignore-gfp-wait", "Y\n");
	inject_write(INJECT_FAILSLAB, "cache-filter", "N\n");
	inject_arm(INJECT_FAILSLAB, 100, TIMES, false);
	inject_write(KUNIT_SUITE_DIR, "run", "run\n");
	inject_write(INJECT_FAILSLAB, "probability", "0\n");
	fired = TIMES - inject_read(INJECT_FAILSLAB, "times");
	inject_disarm(INJECT_FAILSLAB);
	inject_filter_none(INJECT_FAILSLAB);

	kunit_results(KUNIT_SUITE_DIR "/results", &ok, &not_ok);
	igt_assert_eq(system("rmmod " KUNIT_MODULE), 0);
	igt_info("%" PRId64 " non-sleeping allocations refused; KUnit: %u ok, "
		 "%u not ok\n", fired, ok, not_ok);
	igt_assert_eq(not_ok, 0);
	/* Two cases and the suite's own line */
	igt_assert_eq(ok, 3);
}

igt_main
{
	const struct site *s;
	unsigned int r;

	igt_fixture {
		igt_require_f(vsvm_count_devices() > 0,
			      "No vsvm render node; is vsvm loaded?\n");
		igt_assert(mig_dev_open(&dev0, 0));
		igt_require_f(inject_available(INJECT_SVM_DIR
					       "/fail_migrate"),
			      "drm_svm built without fault injection\n");
	}

	for (s = sites; s->name; s++) {
		for (r = 0; r < ARRAY_SIZE(rates); r++) {
			igt_describe_f("The workload with %s failing %s.",
				       s->name, rates[r].name);
			igt_subtest_f("%s-%s", s->name, rates[r].name)
				test_site(s, rates[r].percent);

			igt_fixture
				sites_reset();
		}
	}

	igt_describe("A CPU fault on VRAM needs no higher-order allocation.");
	igt_subtest("cpu-fault-order-0")
		test_cpu_fault_order_0();

	igt_fixture
		sites_reset();

	igt_describe("A fault batch pins its blocks without allocating.");
	igt_subtest("batch-pins-nowait")
		test_batch_pins_nowait();

	igt_fixture {
		sites_reset();
		close(dev0.fd);
	}
}

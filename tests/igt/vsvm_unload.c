// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm unload
 * Category: Core
 * Description: Nothing of vsvm outlives a closed render node, so nothing
 *		but an open one keeps the vsvm module loaded. Runs on its
 *		own, with vsvm loaded and no other user of it: the subtests
 *		try to unload the module, which must fail while a render
 *		node is open, and leave it unloadable once it is closed (the
 *		harness unloads it next).
 *
 * SUBTEST: no-syncobj
 * Description: vsvm makes no dma-fence and offers no syncobjs: creating
 *		a syncobj, or exporting one as a sync_file, fails with
 *		EOPNOTSUPP, so no fence of vsvm can outlive its render node.
 *
 * SUBTEST: ufence-job-outlives-fd
 * Description: A job with a user fence, still running or just done when
 *		its render node is closed, ends on its own: the fence word
 *		gets the job's value, with error 0 and the right checksum
 *		for a job that ended first, or -ENOENT for one the close of
 *		its VM cut short; the CPU's data is intact. Unloading vsvm
 *		fails with EWOULDBLOCK while the node is open; once the
 *		fence is written, nothing holds the module
 *		(its refcnt drops to 0) and the harness unloads it next.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_svm_lib.h"

IGT_TEST_DESCRIPTION("Nothing of vsvm outlives a render node");

#define MODULE_REFCNT	"/sys/module/vsvm/refcnt"
/* Long enough under TCG that the job is likely still running at close. */
#define JOB_SIZE	(16ull << 20)
#define JOB_TOUCHES	4
#define SEED		0x3c1d0000u

static void test_no_syncobj(void)
{
	uint32_t handle = 0;
	int fd, sync_fd = -1;

	fd = vsvm_open_render(0);
	igt_require_f(fd >= 0, "no vsvm device\n");

	igt_assert_neq(drmSyncobjCreate(fd, 0, &handle), 0);
	igt_assert_eq(errno, EOPNOTSUPP);
	igt_assert_eq_u32(handle, 0);

	/* Not even a handle to try: the DRM core refuses before the lookup. */
	igt_assert_neq(drmSyncobjExportSyncFile(fd, 1, &sync_fd), 0);
	igt_assert_eq(errno, EOPNOTSUPP);
	igt_assert_eq(sync_fd, -1);
	errno = 0;

	close(fd);
}

/* The module's reference count, or -1 if unreadable. */
static int module_refcnt(void)
{
	FILE *f = fopen(MODULE_REFCNT, "re");
	int n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

static void test_ufence_job_outlives_fd(void)
{
	struct svm_fence *f = svm_fence_create();
	uint64_t *sum, expected;
	struct svm_batch b;
	int fd, status, n = -1, i;
	uint8_t *buf;
	uint32_t vm;

	igt_require_f(module_refcnt() >= 0, "no %s: vsvm is not a module\n",
		      MODULE_REFCNT);
	fd = vsvm_open_render(0);
	igt_require_f(fd >= 0, "no vsvm device\n");

	buf = svm_alloc(JOB_SIZE);
	svm_pattern_fill(buf, JOB_SIZE, SEED);
	expected = svm_checksum(buf, JOB_SIZE);
	vm = svm_vm_create(fd);
	svm_bind_ptr(fd, vm, buf, JOB_SIZE, 0);
	svm_batch_init(&b, fd, vm);
	for (i = 0; i < JOB_TOUCHES; i++)
		cmd_touch(&b, to_u64(buf), JOB_SIZE);
	sum = cmd_checksum(&b, to_u64(buf), JOB_SIZE);
	cmd_end(&b);
	f->value = 0;
	f->error = 1;		/* not an error the kernel stores */
	svm_exec_batch(fd, vm, &b, f);

	/* The open render node holds the module. */
	igt_assert_eq(syscall(SYS_delete_module, "vsvm", O_NONBLOCK), -1);
	igt_assert_eq(errno, EWOULDBLOCK);
	errno = 0;

	/* Neither the VM nor the job is waited for or destroyed. */
	status = svm_fence_status(f);
	close(fd);
	igt_info("job %s when its render node was closed\n",
		 status ? "done" : "running");

	/* No vsvm file is left to wait through. */
	igt_assert_f(svm_fence_poll(f, SVM_JOB_TIMEOUT_NS),
		     "user fence still %" PRIu64 " (error %" PRId64 ") %"
		     PRIu64 " s after the close\n", (uint64_t)f->value,
		     (int64_t)f->error,
		     (uint64_t)(SVM_JOB_TIMEOUT_NS / 1000000000ull));
	igt_assert_eq_u64(f->value, 1);
	/*
	 * Closing the file closes its VM: a job still running then fails
	 * its next fault with -ENOENT. One that ended first has its data.
	 */
	igt_assert_f(f->error == 0 || f->error == -ENOENT,
		     "job ended with %" PRId64 ", not 0 or -ENOENT\n",
		     (int64_t)f->error);
	igt_assert_eq(svm_fence_status(f), f->error ? -ENOENT : 1);
	if (!f->error)
		igt_assert_eq_u64(*sum, expected);
	svm_assert_pattern(buf, JOB_SIZE, SEED);

	/* What the job held is let go soon after its fence is written. */
	for (i = 0; i < 1000 && (n = module_refcnt()) != 0; i++)
		usleep(10 * 1000);
	igt_assert_f(n == 0, "vsvm's refcnt is %d with no render node "
		     "open and the job's fence written\n", n);

	svm_batch_fini(&b);
	munmap(buf, JOB_SIZE);
	svm_fence_destroy(f);
}

igt_main
{
	igt_describe("vsvm offers no syncobjs: no fence outlives a render "
		     "node.");
	igt_subtest("no-syncobj")
		test_no_syncobj();

	igt_describe("A job running at close ends with its user fence "
		     "written, and leaves the module unloadable.");
	igt_subtest("ufence-job-outlives-fd")
		test_ufence_job_outlives_fd();
}

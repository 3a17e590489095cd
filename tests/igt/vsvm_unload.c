// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm unload
 * Category: Core
 * Description: What outlives a closed render node keeps the vsvm module
 *		loaded. Runs on its own, with vsvm loaded and no other user
 *		of it: the subtest tries to unload the module.
 *
 * SUBTEST: fence-outlives-fd
 * Description: A job's fence, kept as a sync_file after the render node is
 *		closed, holds the module: unloading vsvm fails with
 *		EWOULDBLOCK, and the sync_file still reports the signalled
 *		fence of driver "vsvm". Once the sync_file is closed, the
 *		module can go (the harness unloads it next).
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_svm_lib.h"

IGT_TEST_DESCRIPTION("What outlives a render node keeps vsvm loaded");

/* A job's fence, as a sync_file, of a render node already closed */
static int orphan_fence(void)
{
	struct svm_batch b;
	uint32_t vm, syncobj;
	int fd, sync_fd = -1;

	fd = vsvm_open_render(0);
	igt_require_f(fd >= 0, "no vsvm device\n");
	vm = svm_vm_create(fd);
	svm_batch_init(&b, fd, vm);
	cmd_end(&b);
	syncobj = svm_syncobj_create(fd);
	svm_exec_batch(fd, vm, &b, syncobj);
	svm_wait_job(fd, syncobj, 10ull * 1000 * 1000 * 1000);
	igt_assert_eq(drmSyncobjExportSyncFile(fd, syncobj, &sync_fd), 0);
	igt_assert_lte(0, sync_fd);

	svm_syncobj_destroy(fd, syncobj);
	svm_batch_fini(&b);
	svm_vm_destroy(fd, vm);
	close(fd);
	return sync_fd;
}

static void test_fence_outlives_fd(void)
{
	struct sync_fence_info fi = {};
	struct sync_file_info info = {
		.num_fences = 1,
		.sync_fence_info = (uintptr_t)&fi,
	};
	int sync_fd = orphan_fence();

	/* The fence's code is vsvm's: the module must stay. */
	igt_assert_eq(syscall(SYS_delete_module, "vsvm", O_NONBLOCK), -1);
	igt_assert_eq(errno, EWOULDBLOCK);

	igt_assert_eq(ioctl(sync_fd, SYNC_IOC_FILE_INFO, &info), 0);
	igt_assert_eq(info.status, 1);
	igt_assert_eq_u32(info.num_fences, 1);
	igt_assert_eq(fi.status, 1);
	igt_assert_f(!strcmp(fi.driver_name, "vsvm"), "driver %s\n",
		     fi.driver_name);
	close(sync_fd);
}

igt_main
{
	igt_describe("A job fence kept after close holds the module.");
	igt_subtest("fence-outlives-fd")
		test_fence_outlives_fd();
}

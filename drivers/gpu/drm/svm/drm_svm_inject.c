// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/debugfs.h>
#include <linux/fault-inject.h>

#include "drm_svm_internal.h"

/**
 * DOC: Fault injection
 *
 * The core's failure sites use the kernel's fault-injection framework
 * (Documentation/fault-injection/fault-injection.rst), with one
 * ``struct fault_attr`` each. With ``CONFIG_FAULT_INJECTION_DEBUG_FS``, each
 * is a directory under ``/sys/kernel/debug/drm_svm/`` with the usual
 * ``probability``, ``interval``, ``times``, ``space``, ``verbose`` and
 * ``task-filter`` files (``probability`` 100 and ``times`` N: the next N
 * calls fail). All are off at load. Without ``CONFIG_FAULT_INJECTION``
 * the sites compile to nothing.
 *
 *  - ``fail_hmm_range_fault``: hmm_range_fault() in the GPU fault path
 *    returns -EBUSY, as when the range keeps being invalidated; the fault
 *    retries until its timeout and then fails the job with -EBUSY.
 *  - ``fail_migrate``: a page collected by migrate_vma_setup() for a move
 *    into device memory is left where it is, as a page the kernel could
 *    not isolate would be. The fault maps it in place.
 *  - ``fail_dma_map``: mapping a system page for a device fails, as
 *    dma_mapping_error() would report; the fault fails with -ENOMEM.
 *
 * Drivers' sites (VRAM allocation, copies, page tables: see vsvm's) and
 * the slab and page allocators' own (``failslab``, ``fail_page_alloc``,
 * whose stack-trace filter can narrow them to a module's text) complete
 * the picture. Every site leaves the data right or fails the operation
 * with an error code, and leaks nothing.
 */

static struct fault_attr drm_svm_fail[DRM_SVM_FAIL_COUNT] = {
	[0 ... DRM_SVM_FAIL_COUNT - 1] = FAULT_ATTR_INITIALIZER,
};

static const char *const drm_svm_fail_names[DRM_SVM_FAIL_COUNT] = {
	[DRM_SVM_FAIL_HMM_RANGE_FAULT] = "fail_hmm_range_fault",
	[DRM_SVM_FAIL_MIGRATE] = "fail_migrate",
	[DRM_SVM_FAIL_DMA_MAP] = "fail_dma_map",
};

/**
 * drm_svm_should_fail() - Whether a failure site fails this time
 * @site: the site
 *
 * Returns: true when the site's fault attribute says this call fails.
 */
bool drm_svm_should_fail(enum drm_svm_fail site)
{
	return should_fail(&drm_svm_fail[site], 1);
}

/**
 * drm_svm_inject_init() - Create the failure sites' debugfs directories
 * @root: the core's debugfs directory
 *
 * The sites start off (probability 0), as the kernel's own do.
 */
void drm_svm_inject_init(struct dentry *root)
{
	int i;

	for (i = 0; i < DRM_SVM_FAIL_COUNT; i++)
		fault_create_debugfs_attr(drm_svm_fail_names[i], root,
					  &drm_svm_fail[i]);
}

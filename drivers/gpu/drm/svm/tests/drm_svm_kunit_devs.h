/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The drm_svm authors
 *
 * SVM devices without VMs or memory, for the KUnit suites that test the
 * topology and the placement decision.
 */
#ifndef __DRM_SVM_KUNIT_DEVS_H__
#define __DRM_SVM_KUNIT_DEVS_H__

#include <kunit/test.h>
#include <linux/sizes.h>

#include <drm/drm_drv.h>
#include <drm/drm_kunit_helpers.h>
#include <drm/drm_svm.h>

/* One device: a DRM device and its SVM state */
struct kdev {
	struct drm_device drm;
	struct drm_svm_device sdev;
};

static struct drm_svm_mirror *kdev_vm_alloc(struct drm_svm_device *sdev)
{
	return ERR_PTR(-ENODEV);
}

static void kdev_vm_free(struct drm_svm_mirror *mirror)
{
}

static void kdev_invalidate(struct drm_svm_mirror *mirror, u64 start, u64 end,
			    enum drm_svm_inval_reason reason)
{
}

static int kdev_map(struct drm_svm_mirror *mirror, u64 gpu_addr,
		    const struct drm_svm_addr *addrs, unsigned long npages,
		    unsigned int order, u32 flags)
{
	return -ENODEV;
}

static const struct drm_svm_ops kdev_ops = {
	.vm_alloc = kdev_vm_alloc,
	.vm_free = kdev_vm_free,
	.invalidate = kdev_invalidate,
	.map = kdev_map,
};

static const unsigned long kdev_chunks[] = { SZ_4K };

/*
 * Create @n devices into @devs, released with the test. The DRM helper
 * makes one parent device per test; the DRM devices share it.
 */
static inline void kdevs_create(struct kunit *test, struct kdev **devs, int n)
{
	struct device *dev;
	int i;

	dev = drm_kunit_helper_alloc_device(test);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	for (i = 0; i < n; i++) {
		devs[i] = drm_kunit_helper_alloc_drm_device(test, dev,
							    struct kdev, drm,
							    DRIVER_GEM);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, devs[i]);
		KUNIT_ASSERT_EQ(test,
				drm_svm_device_init(&devs[i]->sdev,
						    &devs[i]->drm, &kdev_ops,
						    kdev_chunks,
						    ARRAY_SIZE(kdev_chunks),
						    SZ_1G),
				0);
	}
}

#endif /* __DRM_SVM_KUNIT_DEVS_H__ */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The drm_svm authors
 */
#ifndef __VSVM_DRV_H__
#define __VSVM_DRV_H__

#include <linux/types.h>

#include <drm/drm_device.h>

struct drm_file;
struct platform_device;

#define VSVM_MAX_DEVICES	8

/**
 * struct vsvm_device - One virtual GPU
 */
struct vsvm_device {
	/** @drm: DRM device; its render node is what userspace opens */
	struct drm_device drm;
	/** @pdev: Platform device the DRM device hangs off */
	struct platform_device *pdev;
	/** @index: Device index, 0 .. vsvm_num_devices() - 1 */
	unsigned int index;
	/** @vram_size: Size of the emulated device memory in bytes */
	u64 vram_size;
};

static inline struct vsvm_device *to_vsvm_device(struct drm_device *drm)
{
	return container_of(drm, struct vsvm_device, drm);
}

unsigned int vsvm_num_devices(void);

int vsvm_device_query_ioctl(struct drm_device *drm, void *data,
			    struct drm_file *file);

#endif /* __VSVM_DRV_H__ */

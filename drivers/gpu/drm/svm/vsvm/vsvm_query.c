// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <drm/drm_print.h>
#include <drm/drm_svm.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"

/**
 * vsvm_device_query_ioctl() - DRM_IOCTL_VSVM_DEVICE_QUERY
 * @drm: the device
 * @data: &struct drm_vsvm_device_query, copied in by drm_ioctl()
 * @file: the caller's DRM file
 *
 * Fills in the device's index, the number of devices, the VRAM size and
 * mode, the SVM device id and the uAPI version.
 *
 * Returns: 0 on success, -EINVAL for non-zero flags, pad or reserved
 * fields or any extension (none is defined), -EFAULT for an unreadable
 * extension pointer.
 */
int vsvm_device_query_ioctl(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct drm_vsvm_device_query *args = data;
	int ret;

	ret = drm_svm_ioctl_check(drm, "device query", args->extensions,
				  args->flags | args->pad, args->reserved,
				  sizeof(args->reserved));
	if (ret)
		return ret;

	args->index = vdev->index;
	args->num_devices = vsvm_num_devices();
	args->vram_size = vdev->vram_size;
	args->uapi_major = DRM_VSVM_UAPI_MAJOR;
	args->uapi_minor = DRM_VSVM_UAPI_MINOR;
	args->svm_device_id = vdev->svm.id;
	args->vram_mode = vsvm_vram_is_coherent(vdev) ? DRM_VSVM_VRAM_COHERENT :
							DRM_VSVM_VRAM_PRIVATE;

	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The drm_svm authors
 */
#ifndef _UAPI_VSVM_DRM_H_
#define _UAPI_VSVM_DRM_H_

#include "drm.h"
#include "drm_svm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/*
 * Modifications to all structs defined here are subject to
 * backwards-compatibility constraints.
 */

/**
 * DOC: vsvm uAPI Overview
 *
 * vsvm is a virtual GPU: each device is a DRM render node whose memory
 * accesses go through a software page table mirrored from the CPU by the
 * drm_svm core. The ioctls are:
 *
 *  - &DRM_IOCTL_VSVM_DEVICE_QUERY: describe the device.
 *
 * Userspace should check &drm_vsvm_device_query.uapi_major equals
 * %DRM_VSVM_UAPI_MAJOR; minor versions only add features.
 */

/** DRM_VSVM_UAPI_MAJOR - Incompatible uAPI revision */
#define DRM_VSVM_UAPI_MAJOR		0
/** DRM_VSVM_UAPI_MINOR - Compatible feature level */
#define DRM_VSVM_UAPI_MINOR		1

/* Must be kept compact -- no holes */
#define DRM_VSVM_DEVICE_QUERY		0x00

#define DRM_IOCTL_VSVM_DEVICE_QUERY	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_DEVICE_QUERY, \
						 struct drm_vsvm_device_query)

/**
 * struct drm_vsvm_device_query - Describe a virtual GPU
 *
 * Fails with -EINVAL if @flags, @pad or @reserved is not zero or if an
 * extension is given (none is defined yet), and with -EFAULT if
 * @extensions cannot be read.
 */
struct drm_vsvm_device_query {
	/** @extensions: Pointer to the first &drm_svm_user_extension */
	__u64 extensions;
	/** @flags: MBZ, no flags are defined yet */
	__u32 flags;
	/** @pad: MBZ */
	__u32 pad;
	/** @index: Out: index of this device, 0 .. @num_devices - 1 */
	__u32 index;
	/** @num_devices: Out: number of vsvm devices in the system */
	__u32 num_devices;
	/** @vram_size: Out: device memory size in bytes */
	__u64 vram_size;
	/** @uapi_major: Out: %DRM_VSVM_UAPI_MAJOR of the kernel */
	__u32 uapi_major;
	/** @uapi_minor: Out: %DRM_VSVM_UAPI_MINOR of the kernel */
	__u32 uapi_minor;
	/** @reserved: MBZ */
	__u64 reserved[4];
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VSVM_DRM_H_ */

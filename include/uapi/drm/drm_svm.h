/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The drm_svm authors
 */
#ifndef _UAPI_DRM_SVM_H_
#define _UAPI_DRM_SVM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/*
 * Modifications to all structs defined here are subject to
 * backwards-compatibility constraints.
 */

/**
 * DOC: drm_svm uAPI
 *
 * Structures shared by every driver built on the drm_svm core. A driver's
 * own uAPI header embeds or references these, and its ioctl handlers call
 * the core's helpers to validate them, so the rules are the same on every
 * device:
 *
 *  - all fields are fixed-size; pointers are carried in __u64;
 *  - every struct starts with an @extensions chain and ends with reserved
 *    space; pad and reserved fields must be zero (MBZ), otherwise the
 *    ioctl fails with -EINVAL;
 *  - unknown flags are rejected with -EINVAL.
 */

/**
 * struct drm_svm_user_extension - Base of an ioctl extension
 *
 * An ioctl struct's @extensions field points to the first of a chain of
 * extensions; each one starts with this struct, followed by the
 * extension-specific payload identified by @name. A chain longer than
 * %DRM_SVM_MAX_USER_EXTENSIONS fails with -E2BIG, an unknown @name or a
 * non-zero @pad with -EINVAL, and an unreadable pointer with -EFAULT.
 *
 * .. code-block:: C
 *
 *	struct drm_svm_user_extension ext2 = { .name = FOO_EXT_B };
 *	struct drm_svm_user_extension ext1 = {
 *		.next_extension = (uintptr_t)&ext2,
 *		.name = FOO_EXT_A,
 *	};
 *	args.extensions = (uintptr_t)&ext1;
 */
struct drm_svm_user_extension {
	/** @next_extension: Pointer to the next extension, or zero */
	__u64 next_extension;
	/** @name: Which extension this is; defined per ioctl */
	__u32 name;
	/** @pad: MBZ */
	__u32 pad;
};

/** DRM_SVM_MAX_USER_EXTENSIONS - Longest accepted extension chain */
#define DRM_SVM_MAX_USER_EXTENSIONS	16

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DRM_SVM_H_ */

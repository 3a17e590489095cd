/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The drm_svm authors
 */
#ifndef __DRM_SVM_H__
#define __DRM_SVM_H__

#include <linux/types.h>

/**
 * typedef drm_svm_user_ext_fn - Handler for one ioctl extension
 * @data: the ioctl's private state, as passed to drm_svm_user_extensions()
 * @ext: user pointer to the extension, starting with its
 *	 &struct drm_svm_user_extension header
 *
 * Called once per extension in the chain, in chain order. The handler
 * copies in and validates its own payload.
 *
 * Returns: 0 on success, negative error code to stop the walk.
 */
typedef int (*drm_svm_user_ext_fn)(void *data, u64 ext);

int drm_svm_user_extensions(u64 extensions, const drm_svm_user_ext_fn *fns,
			    unsigned int num_fns, void *data);

unsigned long drm_svm_chunk_size(unsigned long addr, unsigned long start,
				 unsigned long end, u64 gpu_delta,
				 const unsigned long *sizes,
				 unsigned int num_sizes);

#endif /* __DRM_SVM_H__ */

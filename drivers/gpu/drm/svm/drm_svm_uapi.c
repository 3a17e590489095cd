// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/nospec.h>
#include <linux/uaccess.h>

#include <drm/drm_svm.h>
#include <uapi/drm/drm_svm.h>

/**
 * drm_svm_user_extensions() - Walk an ioctl's extension chain
 * @extensions: user pointer to the first &struct drm_svm_user_extension,
 *		or zero for none
 * @fns: handlers indexed by &drm_svm_user_extension.name
 * @num_fns: number of entries in @fns; may be zero when the ioctl defines
 *	     no extension yet
 * @data: passed to each handler
 *
 * Reads each extension header, checks it and calls the handler for its
 * name. The chain is bounded by %DRM_SVM_MAX_USER_EXTENSIONS, which also
 * stops a chain that loops back on itself.
 *
 * Returns: 0 on success, -EFAULT if a header cannot be read, -EINVAL for a
 * non-zero pad or an unknown name, -E2BIG for a chain that is too long, or
 * the first error returned by a handler.
 */
int drm_svm_user_extensions(u64 extensions, const drm_svm_user_ext_fn *fns,
			    unsigned int num_fns, void *data)
{
	struct drm_svm_user_extension ext;
	unsigned int count = 0;
	unsigned int idx;
	int ret;

	while (extensions) {
		if (++count > DRM_SVM_MAX_USER_EXTENSIONS)
			return -E2BIG;

		if (copy_from_user(&ext, u64_to_user_ptr(extensions),
				   sizeof(ext)))
			return -EFAULT;

		if (ext.pad || ext.name >= num_fns || !fns[ext.name])
			return -EINVAL;

		idx = array_index_nospec(ext.name, num_fns);
		ret = fns[idx](data, extensions);
		if (ret)
			return ret;

		extensions = ext.next_extension;
	}

	return 0;
}
EXPORT_SYMBOL_GPL(drm_svm_user_extensions);

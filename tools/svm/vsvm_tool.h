/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the drm_svm tools.
 *
 * Copyright © 2026 The drm_svm authors
 */
#ifndef VSVM_TOOL_H
#define VSVM_TOOL_H

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "vsvm_drm.h"

/*
 * Open render node @node if it is a vsvm device, and describe it in @q.
 * Returns the fd; -ENODEV for a node that cannot be opened or is another
 * driver's; -errno of the device query when that fails.
 */
static inline int vsvm_tool_open(const char *node,
				 struct drm_vsvm_device_query *q)
{
	drmVersionPtr v;
	int fd, vsvm, err;

	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -ENODEV;
	v = drmGetVersion(fd);
	vsvm = v && !strcmp(v->name, "vsvm");
	drmFreeVersion(v);
	if (!vsvm) {
		close(fd);
		return -ENODEV;
	}

	memset(q, 0, sizeof(*q));
	if (drmIoctl(fd, DRM_IOCTL_VSVM_DEVICE_QUERY, q)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

#endif /* VSVM_TOOL_H */

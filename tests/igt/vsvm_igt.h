/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The drm_svm authors
 *
 * Helpers for the vsvm tests. Header-only, built on IGT and libdrm API
 * alone, so that it works with tests/igt/lib and inside upstream IGT.
 */
#ifndef VSVM_IGT_H
#define VSVM_IGT_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "vsvm_drm.h"

#define VSVM_DRIVER_NAME "vsvm"

/**
 * vsvm_query() - DRM_IOCTL_VSVM_DEVICE_QUERY
 * @fd: vsvm render node
 * @q: in/out arguments
 *
 * errno is cleared, so that a later assert does not report a stale one.
 *
 * Returns: 0 or -errno.
 */
static inline int vsvm_query(int fd, struct drm_vsvm_device_query *q)
{
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_DEVICE_QUERY, q))
		err = -errno;
	errno = 0;
	return err;
}

/**
 * vsvm_require_uapi() - Query a device and skip unless its uAPI suits
 * @fd: vsvm render node
 * @q: out: the device's description
 *
 * Skips the test when the kernel's uAPI is another major version, or an
 * older minor one, than the tests were built for.
 */
static inline void vsvm_require_uapi(int fd, struct drm_vsvm_device_query *q)
{
	memset(q, 0, sizeof(*q));
	igt_assert_eq(vsvm_query(fd, q), 0);
	/* Signed, as the minor the tests need may be 0. */
	igt_require_f(q->uapi_major == DRM_VSVM_UAPI_MAJOR &&
		      (int64_t)q->uapi_minor >= DRM_VSVM_UAPI_MINOR,
		      "kernel uAPI %u.%u, tests need %u.%u\n",
		      q->uapi_major, q->uapi_minor,
		      DRM_VSVM_UAPI_MAJOR, DRM_VSVM_UAPI_MINOR);
}

static inline bool __vsvm_is_vsvm(int fd)
{
	drmVersionPtr version = drmGetVersion(fd);
	bool ret = version && !strcmp(version->name, VSVM_DRIVER_NAME);

	drmFreeVersion(version);
	return ret;
}

/* Opens @dev's render node if it belongs to vsvm; -1 otherwise. */
static inline int __vsvm_open_dev(drmDevicePtr dev)
{
	int fd;

	if (!(dev->available_nodes & (1 << DRM_NODE_RENDER)))
		return -1;

	fd = open(dev->nodes[DRM_NODE_RENDER], O_RDWR | O_CLOEXEC);
	if (fd >= 0 && !__vsvm_is_vsvm(fd)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * Says whether the vsvm render node @fd, number @nth in enumeration
 * order, is the one wanted; @arg is __vsvm_walk()'s.
 */
typedef bool (*__vsvm_match_fn)(int fd, int nth, int arg);

/*
 * Opens the vsvm render nodes in drmGetDevices2() order until @match
 * accepts one, and returns its fd, or -1 if none did. If @count is not
 * NULL, it is set to the number of vsvm nodes opened.
 */
static inline int __vsvm_walk(__vsvm_match_fn match, int arg, int *count)
{
	drmDevicePtr *devs = NULL;
	int num, ret, i, fd = -1, n = 0;

	num = drmGetDevices2(0, NULL, 0);
	if (num > 0)
		devs = calloc(num, sizeof(*devs));
	if (!devs)
		goto out;

	/* The list may have changed in between; at most @num fit. */
	ret = drmGetDevices2(0, devs, num);
	if (ret < num)
		num = ret;

	for (i = 0; i < num && fd < 0; i++) {
		fd = __vsvm_open_dev(devs[i]);
		if (fd >= 0 && !match(fd, n++, arg)) {
			close(fd);
			fd = -1;
		}
	}

	drmFreeDevices(devs, num);
	free(devs);
out:
	if (count)
		*count = n;
	return fd;
}

static inline bool __vsvm_match_none(int fd, int nth, int arg)
{
	(void)fd;
	(void)nth;
	(void)arg;
	return false;
}

static inline bool __vsvm_match_nth(int fd, int nth, int arg)
{
	(void)fd;
	return nth == arg;
}

static inline bool __vsvm_match_index(int fd, int nth, int arg)
{
	struct drm_vsvm_device_query q = {};

	(void)nth;
	return arg >= 0 && !vsvm_query(fd, &q) && q.index == (__u32)arg;
}

/**
 * vsvm_count_devices() - Number of vsvm render nodes
 */
static inline int vsvm_count_devices(void)
{
	int count;

	__vsvm_walk(__vsvm_match_none, 0, &count);
	return count;
}

/**
 * vsvm_open_node() - Open a vsvm render node by enumeration order
 * @nth: 0 .. vsvm_count_devices() - 1
 *
 * The order is drmGetDevices2()'s, which need not be that of the device
 * indices; tests of the indices themselves need this.
 *
 * Returns: the fd, or -1 if there is no such node.
 */
static inline int vsvm_open_node(int nth)
{
	return __vsvm_walk(__vsvm_match_nth, nth, NULL);
}

/**
 * vsvm_open_render() - Open the render node of a vsvm device
 * @index: the device's &drm_vsvm_device_query.index
 *
 * Returns: the fd, or -1 if no device answers the query with @index.
 */
static inline int vsvm_open_render(int index)
{
	return __vsvm_walk(__vsvm_match_index, index, NULL);
}

#endif /* VSVM_IGT_H */

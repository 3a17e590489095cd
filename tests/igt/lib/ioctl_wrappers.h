/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The drm_svm authors
 *
 * IGT-compatible ioctl helpers: the subset of upstream igt-gpu-tools'
 * ioctl_wrappers.h used by the drm_svm tests.
 */
#ifndef IOCTL_WRAPPERS_H
#define IOCTL_WRAPPERS_H

#include <errno.h>

#include "igt_core.h"

/* Every ioctl a test makes goes through this; defaults to drmIoctl(). */
extern int (*igt_ioctl)(int fd, unsigned long request, void *arg);

/* The ioctl must succeed. */
#define do_ioctl(fd, ioc, ioc_data) do { \
	igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), 0); \
	errno = 0; \
} while (0)

/* The ioctl must fail with errno == @err. */
#define do_ioctl_err(fd, ioc, ioc_data, err) do { \
	igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), -1); \
	igt_assert_eq(errno, (err)); \
	errno = 0; \
} while (0)

#endif /* IOCTL_WRAPPERS_H */

// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <xf86drm.h>

#include "ioctl_wrappers.h"

/*
 * drmIoctl() restarts on EINTR and EAGAIN, so tests see the ioctl's own
 * result. Tests may point this elsewhere, e.g. to inject failures.
 */
int (*igt_ioctl)(int fd, unsigned long request, void *arg) = drmIoctl;

/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The drm_svm authors
 *
 * Umbrella header, as in upstream igt-gpu-tools: tests include only this.
 */
#ifndef IGT_H
#define IGT_H

#include "igt_core.h"
#include "ioctl_wrappers.h"

#endif /* IGT_H */

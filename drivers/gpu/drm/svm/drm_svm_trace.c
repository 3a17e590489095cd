// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#define CREATE_TRACE_POINTS
#include "drm_svm_trace.h"

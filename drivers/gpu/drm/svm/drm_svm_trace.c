// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * DOC: Tracepoints
 *
 * The core's events are in the ``drm_svm`` trace system, for ftrace,
 * trace-cmd or perf. Processors are SVM device ids, and 16
 * (DRM_SVM_MAX_DEVICES) for the CPU and system memory; pid is the
 * process whose address space it is.
 *
 *  - ``drm_svm_fault_batch``: a batch of GPU faults a device reported:
 *    device, VM (its mirror, as a hashed pointer), the faults, the chunks
 *    serviced for them (one per fault that the chunk of an earlier one did
 *    not cover), those that failed, and the time taken;
 *  - ``drm_svm_gpu_fault``: a chunk serviced for a GPU fault: device, VM,
 *    address, access, the GPU range mapped for it, the pages moved into
 *    place for it (0 when it was mapped where it was), the error;
 *  - ``drm_svm_migrate``: a move that a fault, a prefetch or a CPU fault
 *    made: block, from, to, bytes, ns;
 *  - ``drm_svm_bounce``: a move into a device that went through system
 *    memory, from the devices it could not reach;
 *  - ``drm_svm_evict``: device memory evicted: device, page frames,
 *    pages moved;
 *  - ``drm_svm_invalidate``: a device's mappings dropped: device, GPU
 *    range, &enum drm_svm_inval_reason;
 *  - ``drm_svm_bind``, ``drm_svm_unbind``: a VM's bindings changed;
 *  - ``drm_svm_remote_map``: a processor maps a pinned block at its home;
 *  - ``drm_svm_policy``: a decision of the migration policy (thrash,
 *    throttle, pin, probe, normal), with the block's state, home (-1 for
 *    none), backoff and lapse.
 */

#define CREATE_TRACE_POINTS
#include "drm_svm_trace.h"

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/module.h>

/**
 * DOC: Overview
 *
 * drm_svm gives DRM drivers "system allocator" shared virtual memory: a
 * process binds ranges of its CPU address space into a GPU VM, and the GPU
 * then reads and writes that memory at the same (or an offset) address
 * without the memory being pinned. The GPU page table is a mirror of the
 * CPU page table:
 *
 *  - a GPU access to an address that has no translation yet raises a
 *    recoverable GPU page fault, which the core services with
 *    hmm_range_fault() and the driver's map callback;
 *  - any CPU-side change (munmap, mremap, mprotect, fork COW, migration,
 *    THP split) reaches the core through an mmu_interval_notifier, which
 *    has the driver zap the device page table entries and flush its TLB
 *    before the notifier returns;
 *  - pages may migrate to device memory (ZONE_DEVICE, private or coherent)
 *    with migrate_vma_*() and back on CPU access or eviction.
 *
 * The core is a library: drivers keep their own devices, page tables and
 * engines, and hand the core an ops table. State that belongs to a process
 * rather than to a device (notifiers, attributes, the migration cache) is
 * kept once per mm and shared by every device and VM of that process.
 *
 * The core currently provides the uAPI helpers (&struct
 * drm_svm_user_extension chains) and chunk selection for faults; the bind,
 * fault and migration paths build on them.
 */

/**
 * DOC: Locking
 *
 * The helpers provided so far (drm_svm_user_extensions() and
 * drm_svm_chunk_size()) take no lock and may be called from any process
 * context; drm_svm_user_extensions() may fault on user memory and so must
 * not be called under a spinlock or with the mmap lock held.
 *
 * The mirror adds, from outermost to innermost: the driver's VM lock,
 * the mmap lock (read, only around hmm_range_fault() and migration), and
 * the per-mm notifier lock, which the mmu_interval_notifier callback takes
 * for write and the fault path takes for read to commit device page table
 * updates. Races between the two are resolved with notifier sequence
 * numbers and retry loops, not with further locks.
 */

/**
 * DOC: Expected Driver Components
 *
 * A driver using drm_svm provides:
 *
 *  - render-node ioctls that validate their arguments with the core's
 *    helpers (drm_svm_user_extensions()) and call into the core;
 *  - a GPU page fault handler that reports faults to the core, in batches
 *    when the hardware reports several at once;
 *  - a device page table with map and zap operations and a TLB flush, which
 *    the core calls from the fault path and from the invalidation notifier;
 *  - for migration: a device memory allocator and a copy engine.
 */

MODULE_DESCRIPTION("DRM shared virtual memory core");
MODULE_LICENSE("GPL");

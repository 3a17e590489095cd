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
 * The core provides the VM ioctls (create, destroy, bind) on the structs
 * of include/uapi/drm/drm_svm.h, the mirror of each VM, the GPU fault path
 * and the invalidation path. Migration to device memory comes next.
 */

/**
 * DOC: Locking
 *
 * From outermost to innermost:
 *
 *  - &drm_svm_mirror.lock (mutex, per VM): protects the VM's bindings and
 *    serializes fault servicing, bind and unbind on that VM. Drivers never
 *    take it from their invalidation path.
 *  - the per-mm window lock (mutex): serializes creating the mmu interval
 *    notifiers of a process; taken with a mirror's lock held, and itself
 *    held while mmu_interval_notifier_insert() may take the mmap lock.
 *  - the mmap lock, for read: held only around hmm_range_fault() and VMA
 *    lookups, never across a call into the driver.
 *  - the per-mm notifier lock (rw_semaphore): the mmu notifier takes it
 *    for write to zap device mappings (&drm_svm_ops.invalidate), and so
 *    does every change to the CPU-address tree of bindings; the fault path
 *    takes it for read to check the notifier sequence and program the
 *    device page table (&drm_svm_ops.map). It is taken in reclaim, so
 *    nothing done under it may allocate memory that can reclaim; the core
 *    tells lockdep so when the per-mm state is created.
 *  - the global table of per-mm states (mutex), taken alone.
 *
 * A fault that races with an invalidation is not excluded by a lock: the
 * fault path reads the notifier sequence before hmm_range_fault() and, with
 * the notifier lock held, retries from the start if an invalidation ran in
 * between (mmu_interval_read_retry()). Driver locks that protect the device
 * page table nest inside the notifier lock.
 *
 * drm_svm_user_extensions() and drm_svm_chunk_size() take no lock;
 * drm_svm_user_extensions() may fault on user memory.
 */

/**
 * DOC: Expected Driver Components
 *
 * A driver using drm_svm provides:
 *
 *  - render-node ioctls that validate their arguments with the core's
 *    helpers (drm_svm_ioctl_check(), drm_svm_user_extensions()) and call
 *    into the core;
 *  - a GPU page fault handler that reports faults to the core, in batches
 *    when the hardware reports several at once;
 *  - a device page table with map and zap operations and a TLB flush, which
 *    the core calls from the fault path and from the invalidation notifier;
 *  - for migration: a device memory allocator and a copy engine.
 */

MODULE_DESCRIPTION("DRM shared virtual memory core");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/module.h>

#include "drm_svm_internal.h"

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
 * and the invalidation path, the device memory layer (Device memory), the
 * migration of pages between system and device memory (Migration), the
 * prefetch and residency ioctls and the statistics (Statistics).
 *
 * Two words name one thing from two sides: the uAPI and the drivers speak
 * of a GPU VM (a ``vm_id``, the driver's VM object), and the core of the
 * mirror it keeps for that VM, &struct drm_svm_mirror, embedded in the
 * driver's VM. One VM has one mirror, of one process, on one device.
 */

/**
 * DOC: Locking
 *
 * From outermost to innermost:
 *
 *  - &drm_svm_mirror.lock (mutex, per VM): protects the VM's bindings and
 *    serializes fault servicing, bind and unbind on that VM. Drivers never
 *    take it from their invalidation path. Ioctls take it, and the mmap
 *    lock, killably; a fault that waits for a userfaultfd's handler drops
 *    it meanwhile (see GPU page faults).
 *  - the per-mm window lock (mutex): serializes creating the mmu interval
 *    notifiers of a process; taken with a mirror's lock held, and itself
 *    held while mmu_interval_notifier_insert() may take the mmap lock.
 *  - the per-mm attribute mutex: serializes memory attribute changes; held
 *    while the attribute notifier is registered (which takes the mmap
 *    lock).
 *  - the device registry (rw_semaphore): taken for read, outside the mmap
 *    lock, where pages of any device are looked at without a reference
 *    (the residency snapshot, the placement of a chunk and the migration
 *    that follows it), and to name devices by id; for write to add or
 *    remove a device, or its memory, which it covers until the pages are
 *    gone. The per-mm window lock is taken before it.
 *  - the mmap lock, for read: held around hmm_range_fault(), VMA lookups
 *    and migrations; across a call into the driver only for the device
 *    memory ops (&drm_svm_devmem_ops).
 *  - the per-mm notifier lock (rw_semaphore): the mmu notifier takes it
 *    for write to zap device mappings (&drm_svm_ops.invalidate), and so
 *    does every change to the CPU-address tree of bindings; the fault path
 *    takes it for read to check the notifier sequence and program the
 *    device page table (&drm_svm_ops.map), and to make and keep the DMA
 *    mappings of the chunk (see Device addresses: a mirror's tree of them
 *    changes under the notifier lock for write, or for read with the
 *    mirror's lock). It is taken in reclaim, so nothing done under it may
 *    allocate memory that can reclaim; the core tells lockdep so when the
 *    per-mm state is created. A notifier that may not block only tries it.
 *  - the global table of per-mm states (mutex), taken alone.
 *  - the list of migration caches for the shrinker (spinlock), taken in
 *    reclaim and to add or remove a process's cache, outside:
 *  - the per-mm table of policy blocks (the xarray's lock of
 *    &drm_svm_mcache.blocks, a spinlock): held for a few instructions to
 *    decide on a move or to record one, under the mirror's lock and the
 *    device registry (device faults), the mmap lock (CPU faults, where
 *    the registry is only tried), in the notifier (munmap forgets the
 *    blocks), the shrinker and the work that ends pins. Nothing sleeps or
 *    allocates under it: a new block is allocated with it dropped.
 *  - &drm_svm_devmem.lru_lock, the per-mm attribute tree lock, the per-mm
 *    list of the migrations in progress (&drm_svm_mm.migrations_lock, held
 *    only to add, remove or find an entry), a VM's queue of asynchronous
 *    prefetches (&drm_svm_mirror.prefetch_lock, held to queue one or to
 *    take the next) and the topology lock (spinlocks), innermost; the
 *    per-mm queue of user fence waiters (&drm_svm_mm.ufence_wq) is woken
 *    with no SVM lock held.
 *
 * A fault that races with an invalidation is not excluded by a lock: the
 * fault path reads the notifier sequence before hmm_range_fault() and, with
 * the notifier lock held, retries from the start if an invalidation ran in
 * between (mmu_interval_read_retry()). Driver locks that protect the device
 * page table nest inside the notifier lock.
 *
 * drm_svm_user_extensions() and drm_svm_chunk_size() take no lock;
 * drm_svm_user_extensions() may fault on user memory.
 *
 * The migration policy's per-block busy flag (see Migration policy) is not
 * a lock: a device fault that finds a move of its block in progress waits
 * for it, with its VM's lock and the device registry for read held, at
 * most a lapse at a time and three times, then goes on; the CPU fault path
 * never waits for it. The move that holds it takes the locks of any move
 * (the mmap lock, the notifier lock in the invalidations it raises) but
 * never a VM's lock, so a waiter holds nothing the holder needs. The work
 * that ends pins takes the notifier lock for write, and the device
 * registry only with a trylock: a device memory teardown holds the
 * registry for write while the last reference of a process may drop, and
 * so cancel this work.
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
 *    map receives bus addresses (see Device addresses), so the DRM device's
 *    &drm_device.dev must be DMA-capable, with its DMA mask set;
 *  - for migration: a device memory allocator, a copy engine and the bus
 *    address of each device page for the device itself and its linked
 *    peers (see Device memory).
 */

static int __init drm_svm_init(void)
{
	int err;

	err = drm_svm_prefetch_init();
	if (err)
		return err;
	err = drm_svm_stats_init();
	if (err)
		goto err_prefetch;
	return 0;

err_prefetch:
	drm_svm_prefetch_fini();
	return err;
}

static void __exit drm_svm_exit(void)
{
	drm_svm_stats_fini();
	drm_svm_prefetch_fini();
}

module_init(drm_svm_init);
module_exit(drm_svm_exit);

MODULE_DESCRIPTION("DRM shared virtual memory core");
MODULE_LICENSE("GPL");

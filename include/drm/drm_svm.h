/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The drm_svm authors
 */
#ifndef __DRM_SVM_H__
#define __DRM_SVM_H__

#include <linux/interval_tree.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <drm/drm_gpuvm.h>
#include <uapi/drm/drm_svm.h>

struct dentry;
struct drm_device;
struct drm_file;
struct drm_printer;
struct mem_cgroup;
struct drm_svm_attr_query;
struct drm_svm_device;
struct drm_svm_devmem;
struct drm_svm_madvise;
struct drm_svm_mirror;
struct drm_svm_phase_stats;
struct drm_svm_mm;
struct drm_svm_prefetch;
struct drm_svm_ufence;
struct drm_svm_wait_user_fence;
struct drm_svm_residency;
struct drm_svm_topology;
struct drm_svm_vm_bind;
struct drm_svm_vm_create;
struct drm_svm_vm_destroy;

/* &drm_svm_ops.map: the device may do atomics on the pages. */
#define DRM_SVM_MAP_ATOMIC	BIT(0)

/**
 * enum drm_svm_addr_kind - What an address handed to &drm_svm_ops.map is
 * @DRM_SVM_ADDR_SYSTEM: system memory, at the DMA address the core got
 *	from the DMA API for the device (see DOC: Device addresses)
 * @DRM_SVM_ADDR_LOCAL: the device's own memory, at the address its
 *	&drm_svm_devmem_ops.device_map gave
 * @DRM_SVM_ADDR_PEER: another device's memory, over a link, at the
 *	address that device's &drm_svm_devmem_ops.device_map gave
 */
enum drm_svm_addr_kind {
	DRM_SVM_ADDR_SYSTEM,
	DRM_SVM_ADDR_LOCAL,
	DRM_SVM_ADDR_PEER,
};

/**
 * struct drm_svm_addr - How the device reaches one page it is to map
 */
struct drm_svm_addr {
	/** @addr: Bus address of the page, page aligned */
	u64 addr;
	/** @kind: &enum drm_svm_addr_kind */
	u8 kind;
	/** @owner: SVM id of the device whose memory it is, for LOCAL and PEER */
	u8 owner;
	/** @write: The device may write the page */
	bool write;
};

/**
 * enum drm_svm_inval_reason - Why &drm_svm_ops.invalidate is called
 * @DRM_SVM_INVAL_CPU: the CPU page table changed: munmap(), mprotect(),
 *	reclaim, a fork, a huge page split, a migration by the kernel
 * @DRM_SVM_INVAL_MIGRATE: the pages move, to system memory or into
 *	another device's memory
 * @DRM_SVM_INVAL_MIGRATE_SELF: the pages move into this device's memory,
 *	and the core maps the new pages next when a fault asked for them
 * @DRM_SVM_INVAL_ATTR: the memory attributes of the range changed
 * @DRM_SVM_INVAL_UNBIND: the binding went away (unbind, rebind, VM
 *	destroy); nothing is mapped there again before a new bind
 * @DRM_SVM_INVAL_RELEASE: the process's address space is torn down;
 *	nothing is mapped there again
 * @DRM_SVM_INVAL_POLICY: the migration policy ends a pin: the next access
 *	faults, and may move the pages (see DOC: Migration policy)
 */
enum drm_svm_inval_reason {
	DRM_SVM_INVAL_CPU,
	DRM_SVM_INVAL_MIGRATE,
	DRM_SVM_INVAL_MIGRATE_SELF,
	DRM_SVM_INVAL_ATTR,
	DRM_SVM_INVAL_UNBIND,
	DRM_SVM_INVAL_RELEASE,
	DRM_SVM_INVAL_POLICY,
};

/* Migration policy events counted per device (see DOC: Statistics) */
#define DRM_SVM_POLICY_STATS	7

/**
 * struct drm_svm_ops - What a driver provides to the SVM core
 *
 * Locks named here are described in :ref:`drm_svm_locking`: the
 * mirror's lock (&drm_svm_mirror.lock) and the notifier lock, the per-mm
 * rw_semaphore shared by every mirror of a process.
 */
struct drm_svm_ops {
	/**
	 * @vm_alloc: Allocate a driver VM that embeds &struct drm_svm_mirror
	 * (required). Only allocation: the core initializes the mirror.
	 * Called from the VM create ioctl with no lock held.
	 *
	 * Returns: the embedded mirror, or an ERR_PTR().
	 */
	struct drm_svm_mirror *(*vm_alloc)(struct drm_svm_device *sdev);

	/**
	 * @vm_free: Free a VM allocated by @vm_alloc (required). Called when
	 * the last reference to the mirror is gone, after the core has torn
	 * it down; no lock held.
	 */
	void (*vm_free)(struct drm_svm_mirror *mirror);

	/**
	 * @invalidate: Stop the device from using GPU addresses
	 * [@start, @end) of @mirror (required): clear the page table entries
	 * and flush the device TLB, then return; a driver with
	 * @invalidate_wait may return once the flush is started. The core
	 * unmaps the DMA addresses of the range after this returns (with
	 * @invalidate_wait, after that returns), and the CPU pages may be
	 * freed as soon as that is done, whatever @reason says. @reason (&enum
	 * drm_svm_inval_reason) lets the device keep what it would build
	 * again: page table memory of a range that is only changing, against
	 * a range that is unbound or released.
	 *
	 * Called with the notifier lock held for write, from the mmu notifier
	 * (possibly in reclaim) and from bind and unbind (then with
	 * &drm_svm_mirror.lock held too). It must not take
	 * &drm_svm_mirror.lock, allocate memory other than with GFP_NOWAIT,
	 * or wait for anything that may itself wait for reclaim.
	 */
	void (*invalidate)(struct drm_svm_mirror *mirror, u64 start, u64 end,
			   enum drm_svm_inval_reason reason);

	/**
	 * @invalidate_wait: Wait for the TLB flushes that @invalidate
	 * started on @mirror (optional). A driver that has it may return
	 * from @invalidate once the page table entries are cleared and the
	 * flush is issued; the core then calls @invalidate for every mirror
	 * of the range, on every device, before it calls @invalidate_wait
	 * for any of them, so that the devices' flushes run at the same time
	 * (see DOC: Invalidation). The device may use the old translations
	 * until this returns; the core unmaps the DMA addresses of the range
	 * and lets the CPU free the pages only after. May be called when no
	 * flush is pending, then returns at once.
	 *
	 * Called with the notifier lock held for write, under the same rules
	 * as @invalidate. Without it, @invalidate itself waits for the flush.
	 */
	void (*invalidate_wait)(struct drm_svm_mirror *mirror);

	/**
	 * @map_prepare: Prepare page table memory for GPU addresses
	 * [@start, @end) before @map is called for them (optional). Called
	 * with &drm_svm_mirror.lock held and no other lock, so it may
	 * allocate with GFP_KERNEL.
	 *
	 * Returns: 0 on success, negative error code on failure.
	 */
	int (*map_prepare)(struct drm_svm_mirror *mirror, u64 start, u64 end);

	/**
	 * @map: Point @npages GPU pages from @gpu_addr at the addresses in
	 * @addrs, one per page (required; see DOC: Device addresses). @order
	 * is 0 for one entry per page, or PMD_ORDER when the core found the
	 * whole run to be one aligned huge mapping on the CPU side (then
	 * @npages is 1 << PMD_ORDER, the addresses are contiguous and one
	 * huge entry may map it all). A page is writable by the device only
	 * when its &drm_svm_addr.write is set. With %DRM_SVM_MAP_ATOMIC in
	 * @flags the device may do atomics on the pages that it may write;
	 * without it, a device atomic on them must fault with
	 * DRM_SVM_ACCESS_ATOMIC. Entries of the range that were valid are
	 * replaced: the core unmaps their old DMA addresses once this returns
	 * 0, so the device must not use them after.
	 *
	 * Called with &drm_svm_mirror.lock and the notifier lock (read) held;
	 * the same rules as for @invalidate apply. Entries mapped here stay
	 * valid until @invalidate covers them.
	 *
	 * Returns: 0 on success, negative error code on failure (then no
	 * entry of the range changed).
	 */
	int (*map)(struct drm_svm_mirror *mirror, u64 gpu_addr,
		   const struct drm_svm_addr *addrs, unsigned long npages,
		   unsigned int order, u32 flags);

	/**
	 * @mapped: Set bit i of @bitmap for each of the @npages GPU pages
	 * from @gpu_addr that the device page table maps (optional; without
	 * it, residency reports no page as mapped by the device). Called with
	 * the notifier lock held for read; must not sleep.
	 */
	void (*mapped)(struct drm_svm_mirror *mirror, u64 gpu_addr,
		       unsigned long npages, unsigned long *bitmap);
};

/**
 * struct drm_svm_link - How one device reaches another device's memory
 *
 * One entry of the topology (see DOC: Topology), for an ordered pair of
 * devices: the device that accesses and the device whose memory it
 * accesses.
 */
struct drm_svm_link {
	/** @class: DRM_SVM_LINK_NONE, DRM_SVM_LINK_PCIE or _FABRIC (uAPI) */
	u32 class;
	/** @flags: DRM_SVM_LINK_ATOMICS, DRM_SVM_LINK_COHERENT (uAPI) */
	u32 flags;
	/** @bandwidth: MB/s */
	u32 bandwidth;
	/** @latency: Nanoseconds */
	u32 latency;
};

/**
 * struct drm_svm_counters - What the core counts, per device and per
 * process and device
 *
 * One set per device (&drm_svm_device.counters) and one per process and
 * device; drm_svm_count() bumps both. Atomic, updated without lock.
 */
struct drm_svm_counters {
	/** @gpu_faults: GPU faults reported to the core */
	atomic64_t gpu_faults;
	/** @cpu_faults: CPU faults on the device's private pages */
	atomic64_t cpu_faults;
	/** @pages_to_vram: Pages migrated into the device's memory */
	atomic64_t pages_to_vram;
	/** @pages_to_ram: Pages migrated out of the device's memory */
	atomic64_t pages_to_ram;
	/**
	 * @pages_from_peer: Of @pages_to_vram, pages moved from another
	 * device's memory directly, over a link
	 */
	atomic64_t pages_from_peer;
	/**
	 * @bounces: Chunks moved in from another device's memory through
	 * system memory, because this device cannot reach it
	 */
	atomic64_t bounces;
	/** @evictions: Allocations evicted to make room */
	atomic64_t evictions;
	/** @vram_pages: Device pages allocated, in use or being freed */
	atomic64_t vram_pages;
	/** @chunks: Chunks faulted in (faults that needed work) */
	atomic64_t chunks;
	/** @pages_mapped: Pages handed to &drm_svm_ops.map */
	atomic64_t pages_mapped;
	/** @huge_mapped: Huge (PMD-sized) entries handed to &drm_svm_ops.map */
	atomic64_t huge_mapped;
	/** @retries: Fault passes restarted by a concurrent invalidation */
	atomic64_t retries;
	/** @invalidations: Calls to &drm_svm_ops.invalidate */
	atomic64_t invalidations;
	/** @policy: Migration policy events, by &enum drm_svm_pstat */
	atomic64_t policy[DRM_SVM_POLICY_STATS];
};

/**
 * struct drm_svm_device - Per-device SVM state, embedded in the driver's
 * device
 */
struct drm_svm_device {
	/** @drm: The DRM device */
	struct drm_device *drm;
	/** @ops: The driver's callbacks */
	const struct drm_svm_ops *ops;
	/**
	 * @chunk_sizes: Fault chunk sizes, largest first, powers of two, the
	 * last one PAGE_SIZE (see DOC: Range chunks)
	 */
	const unsigned long *chunk_sizes;
	/** @num_chunk_sizes: Entries in @chunk_sizes */
	unsigned int num_chunk_sizes;
	/** @va_end: End of the GPU address space the device can map */
	u64 va_end;
	/** @id: SVM device id, below DRM_SVM_MAX_DEVICES (see uAPI) */
	u32 id;
	/**
	 * @caps: DRM_SVM_DEVICE_ATOMICS_SYSTEM when the device's atomics
	 * work on system memory, DRM_SVM_DEVICE_NO_FAULTS when the driver
	 * runs no-fault VMs (see DOC: No-fault VMs); set by the driver after
	 * drm_svm_device_init(), before the first VM
	 */
	u32 caps;
	/**
	 * @devmem: The device's memory, set by drm_svm_devmem_init(); NULL
	 * when pages stay in system memory
	 */
	struct drm_svm_devmem *devmem;
	/**
	 * @group: Isolation group (drm_svm_device_set_group()); under the
	 * topology lock
	 */
	u32 group;
	/**
	 * @links: How this device reaches each other device's memory, by
	 * SVM device id (drm_svm_link_set()); under the topology lock
	 */
	struct drm_svm_link links[DRM_SVM_MAX_DEVICES];
	/**
	 * @counters: What every process did on the device; each event also
	 * counts in the process's own set (see DOC: Statistics)
	 */
	struct drm_svm_counters counters;
	/** @dma_pages: System pages DMA-mapped for the device now, all VMs */
	atomic64_t dma_pages;
	/** @debugfs: The device's statistics file */
	struct dentry *debugfs;
	/** @phases: Per-CPU phase timers (see DOC: Phase timers) */
	struct drm_svm_phase_stats __percpu *phases;
	/** @phases_debugfs: The file of @phases */
	struct dentry *phases_debugfs;
};

/**
 * struct drm_svm_mirror - A GPU VM mirroring one process's address space
 *
 * Embedded in the driver's VM. The reference count is the one of @gpuvm
 * (drm_svm_mirror_get(), drm_svm_mirror_put()).
 */
struct drm_svm_mirror {
	/** @gpuvm: GPU VA space; each &drm_gpuva is a binding */
	struct drm_gpuvm gpuvm;
	/** @sdev: Device this VM belongs to */
	struct drm_svm_device *sdev;
	/**
	 * @svm_mm: Per-process state shared with every mirror of the mm,
	 * held until the mirror is freed
	 */
	struct drm_svm_mm *svm_mm;
	/**
	 * @lock: Protects the bindings (@gpuvm) and serializes fault
	 * servicing on this mirror. Outermost SVM lock: taken before the
	 * mmap lock and the notifier lock.
	 */
	struct mutex lock;
	/** @closed: Set under @lock when the VM is destroyed */
	bool closed;
	/**
	 * @no_faults: The device takes no page faults in the VM
	 * (%DRM_SVM_VM_CREATE_NO_FAULTS): the driver calls
	 * drm_svm_mirror_revalidate() before each job. Set before the first
	 * bind, never changed after.
	 */
	bool no_faults;
	/**
	 * @inval_seq: For a @no_faults VM, bumped each time part of a
	 * binding is invalidated and must be mapped again (see DOC: No-fault
	 * VMs); changed with the notifier lock held for write, or with @lock
	 * and the notifier lock held for read
	 */
	unsigned long inval_seq;
	/** @pfns: Scratch array for one chunk's pfns, used under @lock */
	unsigned long *pfns;
	/** @addrs: Scratch array for one chunk's addresses, used under @lock */
	struct drm_svm_addr *addrs;
	/**
	 * @dma_chunks: DMA mappings of the mapped chunks, by GPU page
	 * (&struct drm_svm_dma_chunk); changed with @lock and the notifier
	 * lock for read held, or the notifier lock for write
	 */
	struct rb_root_cached dma_chunks;
	/**
	 * @pins: Device memory blocks the fault batch in progress has
	 * mapped, kept from eviction until the batch ends; changed with
	 * @lock held, under the blocks' &drm_svm_devmem.lru_lock
	 */
	struct list_head pins;
	/** @prefetch_lock: Protects @prefetches */
	spinlock_t prefetch_lock;
	/** @prefetches: Asynchronous prefetches queued, in submission order */
	struct list_head prefetches;
	/** @prefetch_work: Runs @prefetches one after the other */
	struct work_struct prefetch_work;
};

/**
 * struct drm_svm_fault - One GPU page fault, as reported by the device
 */
struct drm_svm_fault {
	/** @addr: GPU address that faulted */
	u64 addr;
	/** @access: DRM_SVM_ACCESS_READ, _WRITE or _ATOMIC */
	u32 access;
	/**
	 * @error: Out: 0 when a mapping now satisfies the access, otherwise
	 * the negative errno that makes the fault fatal
	 */
	int error;
};

/**
 * struct drm_svm_file - Per-file SVM state, embedded in the driver's file
 * private data
 */
struct drm_svm_file {
	/** @vms: VM handles of this file */
	struct xarray vms;
	/**
	 * @svm_mm: Per-process state of the process that made the file's
	 * first memory attribute call, held until the file is closed
	 */
	struct drm_svm_mm *svm_mm;
};

/**
 * struct drm_svm_memcg_scope - Work charged to a VM's memory cgroup
 *
 * See drm_svm_memcg_enter().
 */
struct drm_svm_memcg_scope {
	/** @memcg: The cgroup charged, a reference */
	struct mem_cgroup *memcg;
	/** @old: The task's active cgroup before, restored at the end */
	struct mem_cgroup *old;
};

int drm_svm_device_init(struct drm_svm_device *sdev, struct drm_device *drm,
			const struct drm_svm_ops *ops,
			const unsigned long *chunk_sizes,
			unsigned int num_chunk_sizes, u64 va_end);

int drm_svm_link_set(struct drm_svm_device *from, struct drm_svm_device *to,
		     const struct drm_svm_link *link);
struct drm_svm_link drm_svm_link_get(const struct drm_svm_device *from,
				     const struct drm_svm_device *to);
void drm_svm_device_set_group(struct drm_svm_device *sdev, u32 group);
bool drm_svm_can_access(const struct drm_svm_device *from,
			const struct drm_svm_device *to);

void drm_svm_file_init(struct drm_svm_file *sfile);
void drm_svm_file_fini(struct drm_svm_file *sfile);
void drm_svm_file_unplug(struct drm_svm_file *sfile);
struct drm_svm_mirror *drm_svm_file_lookup(struct drm_svm_device *sdev,
					   struct drm_svm_file *sfile,
					   u32 vm_id);

int drm_svm_ioctl_check(struct drm_device *drm, const char *what,
			u64 extensions, u64 mbz, const u64 *reserved,
			size_t reserved_size);
int drm_svm_ioctl_vm_create(struct drm_svm_device *sdev,
			    struct drm_svm_file *sfile,
			    struct drm_svm_vm_create *args);
int drm_svm_ioctl_vm_destroy(struct drm_svm_device *sdev,
			     struct drm_svm_file *sfile,
			     struct drm_svm_vm_destroy *args);
int drm_svm_ioctl_vm_bind(struct drm_svm_device *sdev,
			  struct drm_svm_file *sfile,
			  struct drm_svm_vm_bind *args);
int drm_svm_ioctl_prefetch(struct drm_svm_device *sdev,
			   struct drm_svm_file *sfile,
			   struct drm_svm_prefetch *args);
int drm_svm_ioctl_wait_user_fence(struct drm_svm_device *sdev,
				  struct drm_svm_wait_user_fence *args);
int drm_svm_ioctl_topology(struct drm_svm_device *sdev,
			   struct drm_svm_topology *args);
int drm_svm_ioctl_madvise(struct drm_svm_device *sdev,
			  struct drm_svm_file *sfile,
			  struct drm_svm_madvise *args);
int drm_svm_ioctl_attr_query(struct drm_svm_device *sdev,
			     struct drm_svm_file *sfile,
			     struct drm_svm_attr_query *args);
int drm_svm_ioctl_residency(struct drm_svm_device *sdev,
			    struct drm_svm_file *sfile,
			    struct drm_svm_residency *args);
void drm_svm_show_fdinfo(struct drm_svm_device *sdev,
			 struct drm_svm_file *sfile, struct drm_printer *p);

struct drm_svm_mirror *drm_svm_mirror_create(struct drm_svm_device *sdev);
void drm_svm_mirror_close(struct drm_svm_mirror *mirror);
int drm_svm_mirror_bind(struct drm_svm_mirror *mirror, u64 cpu_addr,
			u64 gpu_addr, u64 range, u32 flags);
int drm_svm_mirror_unbind(struct drm_svm_mirror *mirror, u64 gpu_addr,
			  u64 range);
int drm_svm_mirror_prefetch(struct drm_svm_mirror *mirror, u64 gpu_addr,
			    u64 range, u32 region, u32 flags, u64 *moved);
int drm_svm_ufence_from_user(struct drm_svm_mirror *mirror, const char *what,
			     u64 extensions, struct drm_svm_ufence **ufence);
void drm_svm_ufence_signal(struct drm_svm_ufence *ufence, int error);
void drm_svm_ufence_free(struct drm_svm_ufence *ufence);
void drm_svm_memcg_enter(struct drm_svm_mirror *mirror,
			 struct drm_svm_memcg_scope *scope);
void drm_svm_memcg_exit(struct drm_svm_memcg_scope *scope);
int drm_svm_mirror_revalidate(struct drm_svm_mirror *mirror);
void drm_svm_mirror_revalidate_end(struct drm_svm_mirror *mirror);
/* Sorts @faults in place; returns how many failed (see each ->error). */
int drm_svm_mirror_fault(struct drm_svm_mirror *mirror,
			 struct drm_svm_fault *faults, unsigned int count);

/**
 * drm_svm_mirror_get() - Take a reference on a mirror
 * @mirror: the mirror
 *
 * Returns: @mirror.
 */
static inline struct drm_svm_mirror *
drm_svm_mirror_get(struct drm_svm_mirror *mirror)
{
	drm_gpuvm_get(&mirror->gpuvm);
	return mirror;
}

/**
 * drm_svm_mirror_put() - Drop a reference on a mirror
 * @mirror: the mirror, or NULL
 *
 * The last reference frees the VM through &drm_svm_ops.vm_free. Must be
 * called from process context with no SVM lock held.
 */
static inline void drm_svm_mirror_put(struct drm_svm_mirror *mirror)
{
	if (mirror)
		drm_gpuvm_put(&mirror->gpuvm);
}

/**
 * typedef drm_svm_user_ext_fn - Handler for one ioctl extension
 * @data: the ioctl's private state, as passed to drm_svm_user_extensions()
 * @ext: user pointer to the extension, starting with its
 *	 &struct drm_svm_user_extension header
 *
 * Called once per extension in the chain, in chain order. The handler
 * copies in and validates its own payload.
 *
 * Returns: 0 on success, negative error code to stop the walk.
 */
typedef int (*drm_svm_user_ext_fn)(void *data, u64 ext);

int drm_svm_user_extensions(u64 extensions, const drm_svm_user_ext_fn *fns,
			    unsigned int num_fns, void *data);

unsigned long drm_svm_chunk_size(unsigned long addr, unsigned long start,
				 unsigned long end, u64 gpu_delta,
				 const unsigned long *sizes,
				 unsigned int num_sizes);

#endif /* __DRM_SVM_H__ */

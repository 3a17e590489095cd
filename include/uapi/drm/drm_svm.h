/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The drm_svm authors
 */
#ifndef _UAPI_DRM_SVM_H_
#define _UAPI_DRM_SVM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/*
 * Modifications to all structs defined here are subject to
 * backwards-compatibility constraints.
 */

/**
 * DOC: drm_svm uAPI
 *
 * Structures shared by every driver built on the drm_svm core. A driver's
 * own uAPI header embeds or references these, and its ioctl handlers call
 * the core's helpers to validate them, so the rules are the same on every
 * device:
 *
 *  - all fields are fixed-size; pointers are carried in __u64;
 *  - every struct starts with an @extensions chain and ends with reserved
 *    space; pad and reserved fields must be zero (MBZ), otherwise the
 *    ioctl fails with -EINVAL;
 *  - unknown flags are rejected with -EINVAL;
 *  - any ioctl may also fail with -ENOMEM when the kernel is out of
 *    memory, and with -EFAULT when its argument struct cannot be read or
 *    written back.
 */

/**
 * struct drm_svm_user_extension - Base of an ioctl extension
 *
 * An ioctl struct's @extensions field points to the first of a chain of
 * extensions; each one starts with this struct, followed by the
 * extension-specific payload identified by @name. A chain longer than
 * %DRM_SVM_MAX_USER_EXTENSIONS fails with -E2BIG, an unknown @name or a
 * non-zero @pad with -EINVAL, and an unreadable pointer with -EFAULT.
 *
 * .. code-block:: C
 *
 *	struct drm_svm_user_extension ext2 = { .name = FOO_EXT_B };
 *	struct drm_svm_user_extension ext1 = {
 *		.next_extension = (uintptr_t)&ext2,
 *		.name = FOO_EXT_A,
 *	};
 *	args.extensions = (uintptr_t)&ext1;
 */
struct drm_svm_user_extension {
	/** @next_extension: Pointer to the next extension, or zero */
	__u64 next_extension;
	/** @name: Which extension this is; defined per ioctl */
	__u32 name;
	/** @pad: MBZ */
	__u32 pad;
};

/** DRM_SVM_MAX_USER_EXTENSIONS - Longest accepted extension chain */
#define DRM_SVM_MAX_USER_EXTENSIONS	16

/**
 * DOC: User fences
 *
 * Work that runs on a VM after its ioctl returns, a job or an
 * asynchronous prefetch, may take page faults and allocate memory before
 * it ends. A dma-fence must not wait on that (see "Recoverable Hardware
 * Page Faults Implications" in Documentation/driver-api/dma-buf.rst), so
 * no such work gets one: the ioctls refuse a syncobj with -EOPNOTSUPP,
 * and the work ends through a user fence instead. The caller chains a
 * &struct drm_svm_ext_user_fence to the ioctl; when the work ends, the
 * kernel stores its result at &drm_svm_ext_user_fence.error_addr (if not
 * zero), then &drm_svm_ext_user_fence.value at
 * &drm_svm_ext_user_fence.addr, and wakes the process's waiters. A thread waits with the
 * driver's wait ioctl (&struct drm_svm_wait_user_fence), or reads the
 * word itself.
 *
 * .. code-block:: C
 *
 *	static _Alignas(8) volatile __u64 done;
 *	static _Alignas(8) volatile __s64 error;
 *	struct drm_svm_ext_user_fence uf = {
 *		.base.name = DRM_SVM_EXT_USER_FENCE,
 *		.addr = (uintptr_t)&done,
 *		.error_addr = (uintptr_t)&error,
 *		.value = 1,
 *	};
 *	struct drm_svm_wait_user_fence wait = {
 *		.addr = (uintptr_t)&done,
 *		.value = 1,
 *		.mask = ~0ull,
 *		.op = DRM_SVM_UFENCE_WAIT_GTE,
 *		.timeout_ns = 1000000000,
 *	};
 *
 *	exec.extensions = (uintptr_t)&uf;
 *	ioctl(fd, DRM_IOCTL_VSVM_EXEC, &exec);
 *	ioctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &wait);
 *	// error now holds 0 or the job's negative errno
 */

/* The &drm_svm_user_extension.name of &struct drm_svm_ext_user_fence */
#define DRM_SVM_EXT_USER_FENCE		0

/**
 * struct drm_svm_ext_user_fence - Signal the end of work through memory
 *
 * An extension of the ioctls that queue work on a VM (a driver's exec,
 * &struct drm_svm_prefetch). When the work ends, whether it succeeded or
 * not, the kernel stores its result (0 or a negative errno, as a __s64)
 * at @error_addr unless that is zero, then @value at @addr, each as one
 * aligned 64-bit store, with the first visible before the second; then
 * it wakes the waiters of &struct drm_svm_wait_user_fence. A reader that
 * sees @value with acquire ordering therefore sees the result.
 *
 * Both words must be 8-byte aligned in memory the caller can write; the
 * ioctl checks that, faulting them in. Nothing is pinned: the stores are
 * made into the caller's address space when the work ends, as the
 * caller's own stores would be (they may fault, and move the page back
 * from device memory), and reach whatever is mapped at the addresses
 * then. A store to memory no longer mapped writable is lost, as are the
 * stores of work that ends after the process exited. The words may be
 * anywhere, in memory the device uses too; a fence of one queue (a
 * device's jobs, a VM's asynchronous prefetches) is written in the
 * queue's order, fences of different queues in no defined order, so a
 * word shared by two queues may go back to an older value.
 *
 * At most one user fence per ioctl. Fails the ioctl with -EINVAL for a
 * zero or misaligned @addr, a misaligned @error_addr or one equal to
 * @addr, non-zero @reserved or a second user fence in the chain, -EFAULT when a word cannot be
 * written (no mapping, read-only, PROT_NONE), -EINTR when the caller is
 * killed meanwhile.
 */
struct drm_svm_ext_user_fence {
	/** @base: The chain link; @base.name is %DRM_SVM_EXT_USER_FENCE */
	struct drm_svm_user_extension base;
	/** @addr: User address of the __u64 the kernel stores @value to */
	__u64 addr;
	/** @value: Stored at @addr when the work ends */
	__u64 value;
	/** @error_addr: User address of a __s64 for the result, or 0 */
	__u64 error_addr;
	/** @reserved: MBZ */
	__u64 reserved[2];
};

/**
 * struct drm_svm_wait_user_fence - Wait for a user fence
 *
 * Waits until the __u64 at @addr, masked with @mask, compares to @value
 * masked with @mask as @op says (unsigned), or @timeout_ns has passed.
 * The word is read as the caller would read it, so any memory of the
 * caller works; the caller is woken whenever the kernel stores a user
 * fence of the calling process, on any device. A store by another thread
 * is seen at the next such wake-up or at the timeout.
 *
 * @timeout_ns is relative: zero checks once, a negative value waits
 * without limit. Every return but an unlimited wait's sets @timeout_ns
 * to the time left (zero after a timeout), so that a wait interrupted by
 * a signal and called again with the same struct (as the kernel restarts
 * it for a handler with SA_RESTART, or as libdrm's drmIoctl() retries
 * -EINTR) waits no longer in all. A wait that returns 0 orders the
 * caller's later reads after the word's: it sees the result word of the
 * fence it waited for.
 *
 * Returns 0 when the condition holds. Fails with -ETIME when the timeout
 * passes first, -EINTR on a signal, -EINVAL for an unknown @op, a zero or
 * misaligned @addr, non-zero @flags or @reserved, -EFAULT when @addr
 * cannot be read, -ENODEV on the render node of a device that was
 * unplugged (another device's node still works).
 */
struct drm_svm_wait_user_fence {
	/** @extensions: Pointer to the first &drm_svm_user_extension */
	__u64 extensions;
	/** @addr: User address of the __u64 to watch, 8-byte aligned */
	__u64 addr;
	/** @value: The value to compare with */
	__u64 value;
	/** @mask: Bits of the word and of @value that are compared */
	__u64 mask;

#define DRM_SVM_UFENCE_WAIT_EQ		0
#define DRM_SVM_UFENCE_WAIT_NEQ		1
#define DRM_SVM_UFENCE_WAIT_GT		2
#define DRM_SVM_UFENCE_WAIT_GTE		3
#define DRM_SVM_UFENCE_WAIT_LT		4
#define DRM_SVM_UFENCE_WAIT_LTE		5
	/**
	 * @op: How the word compares to @value: %DRM_SVM_UFENCE_WAIT_EQ,
	 * _NEQ, _GT, _GTE, _LT or _LTE
	 */
	__u32 op;
	/** @flags: MBZ */
	__u32 flags;
	/** @timeout_ns: In: the longest wait; out: what is left of it */
	__s64 timeout_ns;
	/** @reserved: MBZ */
	__u64 reserved[2];
};

/**
 * struct drm_svm_vm_create - Create a GPU VM mirroring the caller's mm
 *
 * The VM mirrors the address space of the process that creates it, and
 * only that process may use it: any ioctl on the VM from another mm (a
 * fork child, or a process the fd was passed to) fails with -EACCES.
 *
 * With %DRM_SVM_VM_CREATE_NO_FAULTS the device never takes a recoverable
 * page fault in the VM, as a device without fault support: a device
 * access to a page the VM does not map fails the job (the driver's uAPI
 * says with which errno; vsvm's is -EFAULT). Instead, before each job
 * of the VM, the kernel maps again every part of its bindings that the
 * CPU side invalidated since it was last mapped (a munmap, mprotect,
 * madvise, reclaim, a huge page split, a fork's copy-on-write, a
 * migration), faulting the pages in as a bind with
 * %DRM_SVM_BIND_FLAG_POPULATE does, and keeps invalidations of the VM's
 * pages waiting until the job is over, so that the job sees the CPU's
 * memory as it is when it starts. Neither that nor a populating bind
 * moves pages between system and device memory in such a VM: they are
 * mapped where they are, and a prefetch is what moves them (pages of a
 * device the VM's device cannot reach still go to system memory first).
 * Pages that cannot be mapped then (no
 * CPU mapping, PROT_NONE, a write mapping of read-only memory, which is
 * mapped read-only) are left out, and the job fails only if it touches
 * them. A binding without %DRM_SVM_BIND_FLAG_POPULATE is mapped that way
 * before the first job that follows the bind; with it, at bind time, with
 * the errors the bind reports. A device whose driver cannot run such VMs
 * does not report %DRM_SVM_DEVICE_NO_FAULTS in the topology.
 *
 * Fails with -EINVAL for unknown @flags or non-zero @reserved,
 * -EOPNOTSUPP for %DRM_SVM_VM_CREATE_NO_FAULTS on a device without
 * %DRM_SVM_DEVICE_NO_FAULTS, -ENOMEM when out of memory or VM ids.
 */
struct drm_svm_vm_create {
	/** @extensions: Pointer to the first &drm_svm_user_extension */
	__u64 extensions;

/* The device takes no page faults in the VM: revalidate before each job. */
#define DRM_SVM_VM_CREATE_NO_FAULTS	(1u << 0)
	/** @flags: %DRM_SVM_VM_CREATE_NO_FAULTS or zero */
	__u32 flags;
	/** @vm_id: Out: handle of the new VM, never 0 */
	__u32 vm_id;
	/** @reserved: MBZ */
	__u64 reserved[2];
};

/**
 * struct drm_svm_vm_destroy - Destroy a GPU VM
 *
 * Releases the handle and removes every binding of the VM at once, with
 * its device mappings. A job still running on the VM keeps the VM's
 * structure alive, but its faults fail from then on. Of the VM's queued
 * asynchronous prefetches, the one in progress finishes its step and the
 * rest fail their fences with -ENOENT; the ioctl returns once the queue
 * is done. Fails with -EINVAL for non-zero @pad or @reserved or any
 * extension, -EFAULT for an unreadable extension chain, -ENOENT for an
 * unknown @vm_id, -EACCES from another mm.
 */
struct drm_svm_vm_destroy {
	/** @extensions: Pointer to the first &drm_svm_user_extension */
	__u64 extensions;
	/** @vm_id: VM to destroy */
	__u32 vm_id;
	/** @pad: MBZ */
	__u32 pad;
	/** @reserved: MBZ */
	__u64 reserved[2];
};

/**
 * struct drm_svm_vm_bind - Bind or unbind CPU addresses in a GPU VM
 *
 * %DRM_SVM_BIND_OP_MAP mirrors CPU range [@cpu_addr, @cpu_addr + @range)
 * at GPU range [@gpu_addr, @gpu_addr + @range). Nothing is pinned: the
 * GPU faults pages in on access and loses them whenever the CPU mapping
 * changes. A bind over addresses with no CPU mapping is legal; a GPU
 * access there is a fatal fault. A bind that overlaps existing bindings
 * replaces them where they overlap, splitting them as needed.
 *
 * %DRM_SVM_BIND_OP_UNMAP removes every binding in the GPU range, splitting
 * bindings that straddle its ends; @cpu_addr and @flags must be zero.
 *
 * Addresses and @range must be page aligned, @range non-zero, and neither
 * range may wrap or leave the user address space: otherwise -EINVAL, as
 * for unknown @op or @flags and non-zero @pad or @reserved. -ENOENT for an
 * unknown @vm_id, -EACCES from another mm. With
 * %DRM_SVM_BIND_FLAG_POPULATE the bind also fails with the error of the
 * first page that cannot be faulted in (-EFAULT for a hole or PROT_NONE,
 * -EPERM for a writable bind of read-only memory, -EBUSY when CPU-side
 * changes kept racing with it for HMM_RANGE_DEFAULT_TIMEOUT, which is
 * transient), or -EINTR when the caller is killed meanwhile; the binding
 * stays.
 */
struct drm_svm_vm_bind {
	/** @extensions: Pointer to the first &drm_svm_user_extension */
	__u64 extensions;
	/** @vm_id: VM to operate on */
	__u32 vm_id;

#define DRM_SVM_BIND_OP_MAP		0
#define DRM_SVM_BIND_OP_UNMAP		1
	/** @op: %DRM_SVM_BIND_OP_MAP or %DRM_SVM_BIND_OP_UNMAP */
	__u32 op;
	/** @cpu_addr: First CPU address of the range to mirror (MAP only) */
	__u64 cpu_addr;
	/** @gpu_addr: First GPU address of the binding */
	__u64 gpu_addr;
	/** @range: Size in bytes */
	__u64 range;

/* The GPU may read but not write; a GPU write is a fatal fault. */
#define DRM_SVM_BIND_FLAG_READONLY	(1u << 0)
/* Mirror only: pages always stay in system memory (userptr). */
#define DRM_SVM_BIND_FLAG_NO_MIGRATE	(1u << 1)
/*
 * Fault the whole range in before returning. In a VM created with
 * DRM_SVM_VM_CREATE_NO_FAULTS the kernel also maps it again before each
 * job after an invalidation; elsewhere the device faults it back in.
 */
#define DRM_SVM_BIND_FLAG_POPULATE	(1u << 2)
	/**
	 * @flags: MAP only, any of %DRM_SVM_BIND_FLAG_READONLY,
	 * %DRM_SVM_BIND_FLAG_NO_MIGRATE, %DRM_SVM_BIND_FLAG_POPULATE
	 */
	__u32 flags;
	/** @pad: MBZ */
	__u32 pad;
	/** @reserved: MBZ */
	__u64 reserved[2];
};

/**
 * struct drm_svm_fault_info - A GPU page fault, as reported to userspace
 *
 * Describes the access that made a job fail: the GPU address, the kind of
 * access and the engine, with the errno the core resolved it to (-EFAULT
 * for an address outside any binding, a hole or PROT_NONE memory, -EPERM
 * for a write to read-only memory or through a read-only binding).
 */
struct drm_svm_fault_info {
	/** @address: Faulting GPU address */
	__u64 address;

#define DRM_SVM_ACCESS_READ		0
#define DRM_SVM_ACCESS_WRITE		1
#define DRM_SVM_ACCESS_ATOMIC		2
	/** @access: %DRM_SVM_ACCESS_READ, _WRITE or _ATOMIC */
	__u32 access;
	/** @engine: Engine instance that raised the fault */
	__u32 engine;
	/** @error: Negative errno the fault was resolved to */
	__s32 error;
	/** @pad: Zero */
	__u32 pad;
};

/**
 * DRM_SVM_MAX_DEVICES - Most devices the core tracks residency for
 *
 * Every device registered with the core has an SVM device id below this,
 * which drivers report in their device query and which
 * &drm_svm_page_residency uses.
 */
#define DRM_SVM_MAX_DEVICES		16

/**
 * struct drm_svm_prefetch - Move a bound range to a memory region
 *
 * Moves every page of GPU range [@gpu_addr, @gpu_addr + @range) of VM
 * @vm_id to @region and maps it in the VM, so that the device then runs
 * on the range without faulting; with %DRM_SVM_PREFETCH_FLAG_NO_MAP, only
 * moves it:
 *
 *  - %DRM_SVM_REGION_DEVICE: to the memory of the VM's device, from
 *    system memory and from the memory of other devices (directly over a
 *    link, or through system memory). Pages that cannot move stay where
 *    they are and are mapped there: pages of
 *    %DRM_SVM_BIND_FLAG_NO_MIGRATE bindings, file-backed and shared
 *    memory, and any page when device memory is full or on a device
 *    without memory. Untouched anonymous pages are created in device
 *    memory, zero-filled.
 *  - %DRM_SVM_REGION_SYSTEM: to system memory, from the memory of any
 *    device.
 *  - %DRM_SVM_REGION_PREFERRED: each chunk to its preferred location
 *    (&struct drm_svm_madvise): system memory, or the memory of the
 *    preferred device, whichever device that is; chunks without one go
 *    to the VM's device, as with %DRM_SVM_REGION_DEVICE. A chunk whose
 *    preferred device the VM's device cannot reach is moved but not
 *    mapped.
 *
 * Every page of the range must be bound and have a CPU mapping, as for a
 * device access: a hole fails with -EFAULT, a read-only binding is mapped
 * read-only.
 *
 * %DRM_SVM_PREFETCH_FLAG_NO_MAP moves the pages and maps nothing: the VM's
 * mappings of the pages that move go with the move, as for any migration,
 * and the device faults them in again where they then are; pages that do
 * not move keep theirs. This is a prefetch for the CPU or another device
 * (cudaMemPrefetchAsync() to the host), without the DMA mappings and page
 * table entries of a range the VM's device may not touch again.
 *
 * Without an extension the ioctl returns when the work is done, and
 * @moved says how many pages it moved. With a user fence
 * (&struct drm_svm_ext_user_fence in @extensions) the work runs
 * asynchronously, @moved is zero, and the fence is written when it is
 * done, with its result: 0, or one of the errors below. The asynchronous
 * prefetches of one VM run one after the other, in the order they were
 * asked for, and their fences are written in that order; destroying the
 * VM or closing its file stops them (those not done end with -ENOENT).
 * No dma-fence is made for the work, since moving pages allocates memory
 * and may wait for page faults: @syncobj must be zero.
 *
 * Fails with -EINVAL for an unknown @region, unknown @flags, non-zero
 * @reserved, a range that is not page aligned, empty or wraps, or a bad
 * user fence (see &struct drm_svm_ext_user_fence); -EOPNOTSUPP for a
 * non-zero @syncobj; -ENOENT for an unknown @vm_id; -EACCES from another
 * mm; -EFAULT (first page without binding or CPU mapping, or a user fence
 * that cannot be written), -EPERM or -EINTR as a bind with
 * %DRM_SVM_BIND_FLAG_POPULATE does, -EBUSY as well; -EIO when the device
 * fails to copy a chunk (the pages stay where they were, the data intact).
 */
struct drm_svm_prefetch {
	/** @extensions: Pointer to the first &drm_svm_user_extension */
	__u64 extensions;
	/** @vm_id: VM whose range is moved */
	__u32 vm_id;

#define DRM_SVM_REGION_SYSTEM		0
#define DRM_SVM_REGION_DEVICE		1
#define DRM_SVM_REGION_PREFERRED	2
	/**
	 * @region: %DRM_SVM_REGION_SYSTEM, %DRM_SVM_REGION_DEVICE or
	 * %DRM_SVM_REGION_PREFERRED
	 */
	__u32 region;
	/** @gpu_addr: First GPU address, page aligned */
	__u64 gpu_addr;
	/** @range: Size in bytes, page aligned */
	__u64 range;
#define DRM_SVM_PREFETCH_FLAG_NO_MAP	(1 << 0)
	/** @flags: %DRM_SVM_PREFETCH_FLAG_NO_MAP, or 0 */
	__u32 flags;
	/** @syncobj: MBZ; dma-fence completion is not offered (-EOPNOTSUPP) */
	__u32 syncobj;
	/** @moved: Out: pages moved (synchronous calls only) */
	__u64 moved;
	/** @reserved: MBZ */
	__u64 reserved[2];
};

/**
 * struct drm_svm_page_residency - Where one page lives
 */
struct drm_svm_page_residency {
#define DRM_SVM_RESIDENT_NONE		0
#define DRM_SVM_RESIDENT_SYSTEM		1
#define DRM_SVM_RESIDENT_DEVICE		2
	/**
	 * @location: %DRM_SVM_RESIDENT_NONE when the page is not bound or
	 * has no page behind it (never touched, swapped out, a hole),
	 * %DRM_SVM_RESIDENT_SYSTEM or %DRM_SVM_RESIDENT_DEVICE
	 */
	__u16 location;

/* The GPU address is bound in the VM. */
#define DRM_SVM_PAGE_BOUND		(1u << 0)
/* The page is device memory the CPU can access (device-coherent). */
#define DRM_SVM_PAGE_COHERENT		(1u << 1)
	/** @flags: %DRM_SVM_PAGE_BOUND, %DRM_SVM_PAGE_COHERENT */
	__u16 flags;
	/** @device: SVM device id of the memory, for %DRM_SVM_RESIDENT_DEVICE */
	__u32 device;
	/**
	 * @mapped: Bit N is set when a VM of the calling process on the device
	 * with SVM device id N maps the page
	 */
	__u32 mapped;
	/**
	 * @mapped_remote: The bits of @mapped whose device maps the page
	 * over a link: the page is in the memory of another device
	 */
	__u32 mapped_remote;
};

/* Bit of the CPU in &drm_svm_block_policy.contenders */
#define DRM_SVM_POLICY_CPU		(1u << DRM_SVM_MAX_DEVICES)

/**
 * struct drm_svm_block_policy - The migration policy's state of one block
 *
 * A block is a 2 MiB-aligned range of CPU addresses, from the start of
 * its VMA when that is later (a VMA smaller than 2 MiB has blocks of its
 * own). The core keeps
 * policy state only for blocks that two processors (devices, the CPU)
 * moved between within a lapse; the others read as
 * %DRM_SVM_POLICY_UNTRACKED with every other field zero.
 */
struct drm_svm_block_policy {
	/** @start: First CPU address of the block, as the block is known */
	__u64 start;

#define DRM_SVM_POLICY_UNTRACKED	0
#define DRM_SVM_POLICY_NORMAL		1
#define DRM_SVM_POLICY_THROTTLED	2
#define DRM_SVM_POLICY_PINNED		3
#define DRM_SVM_POLICY_PROBE		4
	/**
	 * @state: %DRM_SVM_POLICY_UNTRACKED, %DRM_SVM_POLICY_NORMAL (moves
	 * follow the placement rules), %DRM_SVM_POLICY_THROTTLED (moves
	 * wait up to a lapse), %DRM_SVM_POLICY_PINNED (the block stays at
	 * its home, other processors map it there) or
	 * %DRM_SVM_POLICY_PROBE (a pin ended, one move is allowed)
	 */
	__u32 state;
	/**
	 * @home: For %DRM_SVM_POLICY_PINNED, where the block is pinned:
	 * %DRM_SVM_RESIDENT_SYSTEM or %DRM_SVM_RESIDENT_DEVICE; otherwise
	 * %DRM_SVM_RESIDENT_NONE
	 */
	__u32 home;
	/** @home_device: SVM device id of the home, for a device */
	__u32 home_device;
	/**
	 * @backoff: How many times the pin was doubled: thrashing that came
	 * back after a pin ended, since the block was last normal
	 */
	__u32 backoff;
	/** @moves: Moves since the history was last reset */
	__u32 moves;
	/**
	 * @contenders: Processors that asked for the block in the current
	 * epoch: bit N for the device with SVM device id N,
	 * %DRM_SVM_POLICY_CPU for the CPU
	 */
	__u32 contenders;
	/** @lapse_ns: The block's lapse, from the measured cost of its moves */
	__u64 lapse_ns;
	/** @epoch_ns: The block's epoch */
	__u64 epoch_ns;
	/** @pin_left_ns: For %DRM_SVM_POLICY_PINNED, time left of the pin */
	__u64 pin_left_ns;
	/** @reserved: Zero */
	__u64 reserved[2];
};

/** DRM_SVM_RESIDENCY_MAX_PAGES - Most pages one residency query covers */
#define DRM_SVM_RESIDENCY_MAX_PAGES	(1u << 20)

/**
 * struct drm_svm_residency - Snapshot where the pages of a range live
 *
 * Fills @pages with one &drm_svm_page_residency per page of GPU range
 * [@gpu_addr, @gpu_addr + @npages pages) of VM @vm_id. Nothing is
 * faulted in or moved; the answer may be stale as soon as it is made.
 *
 * With @blocks set, also fills it with one &drm_svm_block_policy per
 * 2 MiB-aligned slot of GPU addresses the range touches, in order: the
 * migration policy's state of the block of the CPU address bound at the
 * first page of the range in the slot (%DRM_SVM_POLICY_UNTRACKED, start
 * zero, where no page of the slot is bound). The array holds
 * (ALIGN(@gpu_addr + @npages * 4096, 2 MiB) - ALIGN_DOWN(@gpu_addr, 2 MiB))
 * / 2 MiB entries.
 *
 * Fails with -EINVAL for non-zero @flags or @reserved, an unaligned
 * @gpu_addr, @npages of zero or above %DRM_SVM_RESIDENCY_MAX_PAGES, a range
 * that wraps; -EFAULT when @pages or @blocks cannot be written; -ENOENT for
 * an unknown @vm_id, or a VM destroyed meanwhile; -EACCES from another mm;
 * -EINTR when the caller is killed meanwhile.
 */
struct drm_svm_residency {
	/** @extensions: Pointer to the first &drm_svm_user_extension */
	__u64 extensions;
	/** @vm_id: VM the addresses are in */
	__u32 vm_id;
	/** @flags: MBZ, no flags are defined yet */
	__u32 flags;
	/** @gpu_addr: First GPU address, page aligned */
	__u64 gpu_addr;
	/** @npages: Number of pages */
	__u64 npages;
	/** @pages: User pointer to @npages &struct drm_svm_page_residency */
	__u64 pages;
	/**
	 * @blocks: User pointer to &struct drm_svm_block_policy entries, one
	 * per 2 MiB slot of the range, or 0
	 */
	__u64 blocks;
	/** @reserved: MBZ */
	__u64 reserved;
};

/**
 * DOC: drm_svm memory attributes uAPI
 *
 * A process gives the core hints about ranges of its address space with
 * &struct drm_svm_madvise, through the render node of any device of the
 * core, and reads them back with &struct drm_svm_attr_query. The hints
 * belong to the process, not to a device or a VM: one hint covers every
 * device and VM of the process, and they stay while the process has a
 * file of the core open that used them, or a VM. munmap() drops the hints
 * of the range it unmaps; mremap() does not carry them to the new range.
 *
 * The attributes, each set on its own:
 *
 *  - %DRM_SVM_ATTR_PREFERRED_LOC: where the range should live, system
 *    memory or the memory of a device named by an open render-node fd.
 *    It is sticky: a device that faults on the range and reaches the
 *    preferred device over a link maps the pages there instead of moving
 *    them; a device that does not gets them through system memory. Only a
 *    prefetch to another region moves the pages away.
 *  - %DRM_SVM_ATTR_ACCESSED_BY: devices, named by fd, that map the range
 *    where it is (over a link) instead of moving it on their faults.
 *  - %DRM_SVM_ATTR_GRANULARITY: how much one fault moves: 4 KiB, 64 KiB or
 *    2 MiB at most, or the device's own sizes. Faults that a device
 *    reports at once on adjacent pages move and map together.
 *  - %DRM_SVM_ATTR_READ_MOSTLY: read faults never move the range.
 *  - %DRM_SVM_ATTR_ATOMICS: who does atomics on the range.
 *    %DRM_SVM_ATOMICS_DEVICE (and the default): devices do; a device
 *    atomic on a page where the device cannot do atomics (system memory of
 *    a device without %DRM_SVM_DEVICE_ATOMICS_SYSTEM, a peer's memory over
 *    a link without %DRM_SVM_LINK_ATOMICS) moves the chunk into the
 *    device's memory first. %DRM_SVM_ATOMICS_GLOBAL: devices and the CPU
 *    both, so the range lives in system memory, and a device atomic fails
 *    with -EACCES on a device that cannot do atomics there.
 *    %DRM_SVM_ATOMICS_CPU: the CPU only; a device atomic fails with
 *    -EACCES and changes nothing.
 *
 * Setting an attribute to the value it has costs nothing; a change drops
 * the device mappings of the part it changes, so that the next access
 * follows the new hint.
 */

/* Where a range should live (&drm_svm_madvise.preferred_loc). */
#define DRM_SVM_LOC_NONE		0
#define DRM_SVM_LOC_SYSTEM		1
#define DRM_SVM_LOC_DEVICE		2

#define DRM_SVM_ATTR_PREFERRED_LOC	0
#define DRM_SVM_ATTR_ACCESSED_BY	1
#define DRM_SVM_ATTR_GRANULARITY	2
#define DRM_SVM_ATTR_READ_MOSTLY	3
#define DRM_SVM_ATTR_ATOMICS		4

/* Who does atomics on a range (&drm_svm_madvise.atomics). */
#define DRM_SVM_ATOMICS_DEFAULT		0
#define DRM_SVM_ATOMICS_DEVICE		1
#define DRM_SVM_ATOMICS_GLOBAL		2
#define DRM_SVM_ATOMICS_CPU		3

/**
 * struct drm_svm_madvise - Set one memory attribute on a CPU range
 *
 * Sets attribute @type to the value in the member of the union named
 * after it, for every page of [@start, @start + @range), splitting and
 * merging the ranges of equal attributes as needed. Pages do not need to
 * be mapped or bound.
 *
 * Fails with -EINVAL for an unknown @type, non-zero @flags, pad or
 * @reserved, a range that is not page aligned, empty, wraps or leaves the
 * user address space, an unknown location, granularity, enable value or
 * atomics mode, more than %DRM_SVM_MAX_DEVICES fds, an fd that is not a
 * render node of a device of the core, or an fd other than -1 for a location that names
 * no device; -EBADF for an fd that is not open; -EFAULT when the fd array
 * cannot be read; -ENOLINK when a preferred device and a device that
 * accesses the range would be in different isolation groups (see the
 * topology); -ENOSPC when the process would have more than 65536 ranges
 * of distinct attributes; -EACCES from another process than the one that
 * used the file first. Nothing is changed when it fails.
 */
struct drm_svm_madvise {
	/** @extensions: Pointer to the first &drm_svm_user_extension */
	__u64 extensions;
	/** @start: First CPU address, page aligned */
	__u64 start;
	/** @range: Size in bytes, page aligned */
	__u64 range;
	/** @type: %DRM_SVM_ATTR_PREFERRED_LOC, ... */
	__u32 type;
	/** @flags: MBZ, no flags are defined yet */
	__u32 flags;
	union {
		/** @preferred_loc: For %DRM_SVM_ATTR_PREFERRED_LOC */
		struct {
			/** @preferred_loc.location: %DRM_SVM_LOC_NONE, ... */
			__u32 location;
			/**
			 * @preferred_loc.fd: Render node of the device, for
			 * %DRM_SVM_LOC_DEVICE; -1 otherwise
			 */
			__s32 fd;
		} preferred_loc;
		/** @accessed_by: For %DRM_SVM_ATTR_ACCESSED_BY */
		struct {
			/**
			 * @accessed_by.fds: User pointer to @num_fds __s32
			 * render-node fds; the set replaces the previous one
			 */
			__u64 fds;
			/** @accessed_by.num_fds: Entries of @fds, 0 to clear */
			__u32 num_fds;
			/** @accessed_by.pad: MBZ */
			__u32 pad;
		} accessed_by;
		/** @granularity: For %DRM_SVM_ATTR_GRANULARITY */
		struct {
			/**
			 * @granularity.size: Most bytes one fault moves: 4096,
			 * 65536 or 2097152, or 0 for the device's sizes
			 */
			__u64 size;
		} granularity;
		/** @read_mostly: For %DRM_SVM_ATTR_READ_MOSTLY */
		struct {
			/** @read_mostly.enable: 1 to set, 0 to clear */
			__u32 enable;
			/** @read_mostly.pad: MBZ */
			__u32 pad;
		} read_mostly;
		/** @atomics: For %DRM_SVM_ATTR_ATOMICS */
		struct {
			/** @atomics.mode: %DRM_SVM_ATOMICS_DEFAULT, ... */
			__u32 mode;
			/** @atomics.pad: MBZ */
			__u32 pad;
		} atomics;
		/** @value: The union as raw words; unused words MBZ */
		__u64 value[2];
	};
	/** @reserved: MBZ */
	__u64 reserved[2];
};

/* The range is read-mostly (&drm_svm_attr_range.flags). */
#define DRM_SVM_ATTR_RANGE_READ_MOSTLY	(1u << 0)

/**
 * struct drm_svm_attr_range - A range of equal memory attributes
 */
struct drm_svm_attr_range {
	/** @start: First CPU address */
	__u64 start;
	/** @end: CPU address past the range */
	__u64 end;
	/** @location: Preferred location, %DRM_SVM_LOC_NONE when unset */
	__u32 location;
	/** @device: SVM device id of the preferred location, for DEVICE */
	__u32 device;
	/** @accessed_by: Bit N set for the device with SVM device id N */
	__u32 accessed_by;
	/** @flags: %DRM_SVM_ATTR_RANGE_READ_MOSTLY */
	__u32 flags;
	/** @granularity: Bytes, 0 for the device's sizes */
	__u64 granularity;
	/** @atomics: %DRM_SVM_ATOMICS_DEFAULT, ... */
	__u32 atomics;
	/** @pad: Zero */
	__u32 pad;
};

/**
 * struct drm_svm_attr_query - Read the memory attributes of a CPU range
 *
 * Splits [@start, @start + @range) into maximal ranges of equal
 * attributes, those without any attribute set included (all zero), and
 * writes them in address order to @ranges, up to @num_ranges of them;
 * @num_ranges then says how many there are. A call with @num_ranges zero
 * only counts them.
 *
 * Fails with -EINVAL for non-zero @flags or @reserved or a bad range (as
 * for &struct drm_svm_madvise), -EFAULT when @ranges cannot be written,
 * -EACCES from another process than the one that used the file first.
 */
struct drm_svm_attr_query {
	/** @extensions: Pointer to the first &drm_svm_user_extension */
	__u64 extensions;
	/** @start: First CPU address, page aligned */
	__u64 start;
	/** @range: Size in bytes, page aligned */
	__u64 range;
	/** @ranges: User pointer to &struct drm_svm_attr_range entries */
	__u64 ranges;
	/** @num_ranges: In: entries of @ranges; out: ranges found */
	__u32 num_ranges;
	/** @flags: MBZ, no flags are defined yet */
	__u32 flags;
	/** @reserved: MBZ */
	__u64 reserved[2];
};

/**
 * DOC: drm_svm topology uAPI
 *
 * The core knows which devices reach each other's memory, and how
 * (&struct drm_svm_topology_link), and puts each device in an isolation
 * group (&struct drm_svm_topology_device). A device maps or copies the
 * memory of another device directly only when a link leads there and
 * both are in the same group (%DRM_SVM_LINK_PEER); otherwise the data
 * goes through system memory.
 */

/* No link: the memory of the other device is reached through system memory. */
#define DRM_SVM_LINK_NONE		0
/* PCIe peer-to-peer. */
#define DRM_SVM_LINK_PCIE		1
/* A device fabric (NVLink, xGMI, Xe Link and the like). */
#define DRM_SVM_LINK_FABRIC		2

/* Device atomics work on the other device's memory over the link. */
#define DRM_SVM_LINK_ATOMICS		(1u << 0)
/* Accesses over the link are cache coherent. */
#define DRM_SVM_LINK_COHERENT		(1u << 1)
/* Out: the core uses the link (both devices are in one isolation group). */
#define DRM_SVM_LINK_PEER		(1u << 31)

/* The device's atomics work on system memory. */
#define DRM_SVM_DEVICE_ATOMICS_SYSTEM	(1u << 0)
/* The device runs VMs created with DRM_SVM_VM_CREATE_NO_FAULTS. */
#define DRM_SVM_DEVICE_NO_FAULTS	(1u << 1)

/**
 * struct drm_svm_topology_device - One device of the topology
 */
struct drm_svm_topology_device {
	/** @id: SVM device id */
	__u32 id;
	/** @group: Isolation group; devices of different groups never peer */
	__u32 group;
	/** @flags: %DRM_SVM_DEVICE_ATOMICS_SYSTEM, %DRM_SVM_DEVICE_NO_FAULTS */
	__u32 flags;
	/** @pad: Zero */
	__u32 pad;
};

/**
 * struct drm_svm_topology_link - How device @from reaches device @to's memory
 */
struct drm_svm_topology_link {
	/** @from: SVM device id of the device that accesses */
	__u32 from;
	/** @to: SVM device id of the device whose memory is accessed */
	__u32 to;
	/** @class: %DRM_SVM_LINK_PCIE or %DRM_SVM_LINK_FABRIC */
	__u32 class;
	/**
	 * @flags: %DRM_SVM_LINK_ATOMICS, %DRM_SVM_LINK_COHERENT, and
	 * %DRM_SVM_LINK_PEER when the core uses the link
	 */
	__u32 flags;
	/** @bandwidth: MB/s (10^6 bytes per second) */
	__u32 bandwidth;
	/** @latency: Nanoseconds */
	__u32 latency;
};

/**
 * struct drm_svm_topology - Query the devices and links of the core
 *
 * Fills @devices with up to @num_devices entries, one per device of the
 * core in SVM device id order, and @links with up to @num_links entries,
 * one per ordered pair of devices that has a link; then sets @num_devices
 * and @num_links to how many there are. A call with both counts zero
 * only sizes the arrays; a count that comes back larger than it went in
 * means the array was too small and only its first entries were written.
 * Pairs without an entry have no link (%DRM_SVM_LINK_NONE).
 *
 * Fails with -EINVAL for non-zero @flags, @pad or @reserved, -EFAULT when
 * an array cannot be written.
 */
struct drm_svm_topology {
	/** @extensions: Pointer to the first &drm_svm_user_extension */
	__u64 extensions;
	/** @num_devices: In: entries of @devices; out: devices */
	__u32 num_devices;
	/** @num_links: In: entries of @links; out: links */
	__u32 num_links;
	/** @devices: User pointer to &struct drm_svm_topology_device entries */
	__u64 devices;
	/** @links: User pointer to &struct drm_svm_topology_link entries */
	__u64 links;
	/** @flags: MBZ, no flags are defined yet */
	__u32 flags;
	/** @pad: MBZ */
	__u32 pad;
	/** @reserved: MBZ */
	__u64 reserved[2];
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DRM_SVM_H_ */

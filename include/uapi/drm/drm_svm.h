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
 *  - unknown flags are rejected with -EINVAL.
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
 * struct drm_svm_vm_create - Create a GPU VM mirroring the caller's mm
 *
 * The VM mirrors the address space of the process that creates it, and
 * only that process may use it: any ioctl on the VM from another mm (a
 * fork child, or a process the fd was passed to) fails with -EACCES.
 *
 * Fails with -EINVAL for non-zero @flags or @reserved, -ENOMEM when out
 * of memory or VM ids.
 */
struct drm_svm_vm_create {
	/** @extensions: Pointer to the first &drm_svm_user_extension */
	__u64 extensions;
	/** @flags: MBZ, no flags are defined yet */
	__u32 flags;
	/** @vm_id: Out: handle of the new VM, never 0 */
	__u32 vm_id;
	/** @reserved: MBZ */
	__u64 reserved[2];
};

/**
 * struct drm_svm_vm_destroy - Destroy a GPU VM
 *
 * The handle is released at once; jobs still running on the VM keep it
 * alive until they complete. Fails with -ENOENT for an unknown @vm_id,
 * -EINVAL for non-zero @pad or @reserved, -EACCES from another mm.
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
 * -EPERM for a writable bind of read-only memory), or -EINTR when the
 * caller is killed meanwhile; the binding stays.
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
/* Fault the whole range in before returning, for devices without faults. */
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

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DRM_SVM_H_ */

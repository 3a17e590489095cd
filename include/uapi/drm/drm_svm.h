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
 * on the range without faulting:
 *
 *  - %DRM_SVM_REGION_DEVICE: to the memory of the VM's device. Pages
 *    that cannot move stay where they are and are mapped there: pages of
 *    %DRM_SVM_BIND_FLAG_NO_MIGRATE bindings, file-backed and shared
 *    memory, and any page when device memory is full or on a device
 *    without memory. Untouched anonymous pages are created in device
 *    memory, zero-filled.
 *  - %DRM_SVM_REGION_SYSTEM: to system memory, from the memory of any
 *    device.
 *
 * Every page of the range must be bound and have a CPU mapping, as for a
 * device access: a hole fails with -EFAULT, a read-only binding is mapped
 * read-only.
 *
 * With @syncobj zero the ioctl returns when the work is done, and @moved
 * says how many pages it moved. Otherwise the work runs asynchronously:
 * the syncobj's fence is replaced with one that signals when it is done,
 * with the error if it failed, and @moved is zero.
 *
 * Fails with -EINVAL for an unknown @region, non-zero @flags, @pad or
 * @reserved, a range that is not page aligned, empty or wraps; -ENOENT for
 * an unknown @vm_id or @syncobj; -EACCES from another mm; -EFAULT (first
 * page without binding or CPU mapping), -EPERM or -EINTR as a bind with
 * %DRM_SVM_BIND_FLAG_POPULATE does.
 */
struct drm_svm_prefetch {
	/** @extensions: Pointer to the first &drm_svm_user_extension */
	__u64 extensions;
	/** @vm_id: VM whose range is moved */
	__u32 vm_id;

#define DRM_SVM_REGION_SYSTEM		0
#define DRM_SVM_REGION_DEVICE		1
	/** @region: %DRM_SVM_REGION_SYSTEM or %DRM_SVM_REGION_DEVICE */
	__u32 region;
	/** @gpu_addr: First GPU address, page aligned */
	__u64 gpu_addr;
	/** @range: Size in bytes, page aligned */
	__u64 range;
	/** @flags: MBZ, no flags are defined yet */
	__u32 flags;
	/** @syncobj: Syncobj to receive the fence of asynchronous work, or 0 */
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

/** DRM_SVM_RESIDENCY_MAX_PAGES - Most pages one residency query covers */
#define DRM_SVM_RESIDENCY_MAX_PAGES	(1u << 20)

/**
 * struct drm_svm_residency - Snapshot where the pages of a range live
 *
 * Fills @pages with one &drm_svm_page_residency per page of GPU range
 * [@gpu_addr, @gpu_addr + @npages pages) of VM @vm_id. Nothing is
 * faulted in or moved; the answer may be stale as soon as it is made.
 *
 * Fails with -EINVAL for non-zero @flags or @reserved, an unaligned
 * @gpu_addr, @npages of zero or above %DRM_SVM_RESIDENCY_MAX_PAGES, a range
 * that wraps; -EFAULT when @pages cannot be written; -ENOENT for an unknown
 * @vm_id; -EACCES from another mm.
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

/**
 * struct drm_svm_topology_device - One device of the topology
 */
struct drm_svm_topology_device {
	/** @id: SVM device id */
	__u32 id;
	/** @group: Isolation group; devices of different groups never peer */
	__u32 group;
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

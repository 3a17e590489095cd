/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The drm_svm authors
 */
#ifndef _UAPI_VSVM_DRM_H_
#define _UAPI_VSVM_DRM_H_

#include "drm.h"
#include "drm_svm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/*
 * Modifications to all structs defined here are subject to
 * backwards-compatibility constraints.
 */

/**
 * DOC: vsvm uAPI Overview
 *
 * vsvm is a virtual GPU: each device is a DRM render node whose memory
 * accesses go through a software page table mirrored from the CPU by the
 * drm_svm core. The ioctls are:
 *
 *  - &DRM_IOCTL_VSVM_DEVICE_QUERY: describe the device;
 *  - &DRM_IOCTL_VSVM_VM_CREATE, &DRM_IOCTL_VSVM_VM_DESTROY: GPU VMs that
 *    mirror the calling process (&struct drm_svm_vm_create);
 *  - &DRM_IOCTL_VSVM_VM_BIND: bind CPU ranges into a VM
 *    (&struct drm_svm_vm_bind);
 *  - &DRM_IOCTL_VSVM_EXEC: run a batch of commands on the device's engine;
 *  - &DRM_IOCTL_VSVM_JOB_QUERY: a job's status, faults and error;
 *  - &DRM_IOCTL_VSVM_WAIT_USER_FENCE: wait for the user fence of a job or
 *    an asynchronous prefetch (&struct drm_svm_wait_user_fence);
 *  - &DRM_IOCTL_VSVM_PREFETCH: move a bound range into the device's memory
 *    or back to system memory (&struct drm_svm_prefetch);
 *  - &DRM_IOCTL_VSVM_RESIDENCY: where each page of a range lives and which
 *    devices map it (&struct drm_svm_residency);
 *  - &DRM_IOCTL_VSVM_TOPOLOGY: the devices, their isolation groups and the
 *    links between them (&struct drm_svm_topology);
 *  - &DRM_IOCTL_VSVM_MADVISE, &DRM_IOCTL_VSVM_ATTR_QUERY: set and read the
 *    memory attributes of the calling process (&struct drm_svm_madvise,
 *    &struct drm_svm_attr_query).
 *
 * On a GPU fault, anonymous private memory of a binding without
 * %DRM_SVM_BIND_FLAG_NO_MIGRATE moves into the device's memory (VRAM)
 * while there is room, evicting the least recently used VRAM allocations
 * when there is not; everything else is mapped where it is. A CPU access
 * to a device-private page moves its chunk back to system memory; pages
 * of device-coherent VRAM stay where they are, the CPU accesses them in
 * place.
 *
 * A batch is an array of __u64 words in memory the VM maps, read through
 * the GPU page table like any other data, so it may live in malloc'd
 * memory. Each command starts with a word holding its opcode
 * (%VSVM_CMD_STORE, ...), followed by the operands listed for it. The
 * engine translates every access through its TLB and page table; a missing
 * or insufficient translation stalls the job, raises a recoverable fault,
 * and the command is replayed once the fault is serviced. A fault that
 * cannot be serviced fails the job: its user fence gets the error, and
 * &DRM_IOCTL_VSVM_JOB_QUERY reports the faulting access.
 *
 * In a VM created with %DRM_SVM_VM_CREATE_NO_FAULTS (uAPI 1.2) the engine
 * raises no recoverable fault: the kernel maps what the CPU side
 * invalidated before each job (see &struct drm_svm_vm_create), and a
 * missing or insufficient translation fails the job with -EFAULT, the
 * access reported as for a fatal fault, with &drm_vsvm_job_query.faults
 * zero. A job whose VM could not be revalidated fails with that error
 * (-EBUSY, -ENOMEM, or -ENOENT and -EFAULT for a destroyed VM or an
 * exited process), reported at the batch address.
 *
 * Jobs and asynchronous prefetches end through user fences (see DOC: User
 * fences in the drm_svm uAPI): vsvm makes no dma-fence and has no
 * syncobjs.
 *
 * Userspace should check &drm_vsvm_device_query.uapi_major equals
 * %DRM_VSVM_UAPI_MAJOR; minor versions only add features.
 *
 * Besides the errors each struct lists, every ioctl fails as any DRM
 * driver ioctl does: -EFAULT when its argument cannot be read or written
 * back, -EINVAL for a number past the last ioctl, and -ENOMEM when the
 * kernel is out of memory; and as its extension chain does (-EINVAL,
 * -EFAULT or -E2BIG, see &struct drm_svm_user_extension).
 *
 * A device can go away while its render node is open (a hot unplug, or
 * an unbind of the vsvm platform driver through sysfs). Every ioctl on
 * its open files then fails with -ENODEV, as does every job that had not
 * ended (its user fence gets -ENODEV), and the data of its VRAM is back in
 * system memory. The files stay valid until they are closed; a thread
 * that waits for a user fence on another device, or reads the fence
 * word, sees those jobs end.
 */

/*
 * 1.1, the first 1.x: &drm_svm_page_residency.mapped became 32 bits wide,
 * with @mapped_remote beside it, and &drm_vsvm_job_query.reserved one
 * word; it has every feature the 0.x revisions added (the "(uAPI 0.N)"
 * notes).
 */
/*
 * 1.2: VMs without page faults (%DRM_SVM_VM_CREATE_NO_FAULTS, reported as
 * %DRM_SVM_DEVICE_NO_FAULTS in the topology).
 *
 * 2.0: jobs and asynchronous prefetches end through user fences
 * (%DRM_SVM_EXT_USER_FENCE, &DRM_IOCTL_VSVM_WAIT_USER_FENCE); their
 * syncobj fields must be zero (-EOPNOTSUPP), and the driver no longer
 * offers syncobjs. Everything else is as in 1.2.
 *
 * 2.1: prefetches that only move (%DRM_SVM_PREFETCH_FLAG_NO_MAP).
 */
/** DRM_VSVM_UAPI_MAJOR - Incompatible uAPI revision */
#define DRM_VSVM_UAPI_MAJOR		2
/** DRM_VSVM_UAPI_MINOR - Compatible feature level */
#define DRM_VSVM_UAPI_MINOR		1

/* Must be kept compact -- no holes */
#define DRM_VSVM_DEVICE_QUERY		0x00

#define DRM_VSVM_VM_CREATE		0x01
#define DRM_VSVM_VM_DESTROY		0x02
#define DRM_VSVM_VM_BIND		0x03
#define DRM_VSVM_EXEC			0x04
#define DRM_VSVM_JOB_QUERY		0x05
#define DRM_VSVM_PREFETCH		0x06
#define DRM_VSVM_RESIDENCY		0x07
#define DRM_VSVM_TOPOLOGY		0x08
#define DRM_VSVM_MADVISE		0x09
#define DRM_VSVM_ATTR_QUERY		0x0a
#define DRM_VSVM_WAIT_USER_FENCE	0x0b

/**
 * DRM_IOCTL_VSVM_DEVICE_QUERY - Describe the device
 *
 * Takes &struct drm_vsvm_device_query.
 */
#define DRM_IOCTL_VSVM_DEVICE_QUERY	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_DEVICE_QUERY, \
						 struct drm_vsvm_device_query)
/**
 * DRM_IOCTL_VSVM_VM_CREATE - Create a VM that mirrors the caller
 *
 * Takes &struct drm_svm_vm_create.
 */
#define DRM_IOCTL_VSVM_VM_CREATE	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_VM_CREATE, \
						 struct drm_svm_vm_create)
/**
 * DRM_IOCTL_VSVM_VM_DESTROY - Destroy a VM
 *
 * Takes &struct drm_svm_vm_destroy.
 */
#define DRM_IOCTL_VSVM_VM_DESTROY	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_VM_DESTROY, \
						struct drm_svm_vm_destroy)
/**
 * DRM_IOCTL_VSVM_VM_BIND - Bind CPU ranges into a VM, or unbind them
 *
 * Takes &struct drm_svm_vm_bind.
 */
#define DRM_IOCTL_VSVM_VM_BIND		DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_VM_BIND, \
						struct drm_svm_vm_bind)
/**
 * DRM_IOCTL_VSVM_EXEC - Queue a batch of commands on the device's engine
 *
 * Takes &struct drm_vsvm_exec.
 */
#define DRM_IOCTL_VSVM_EXEC		DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_EXEC, \
						 struct drm_vsvm_exec)
/**
 * DRM_IOCTL_VSVM_JOB_QUERY - A job's status, faults, modelled time and error
 *
 * Takes &struct drm_vsvm_job_query.
 */
#define DRM_IOCTL_VSVM_JOB_QUERY	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_JOB_QUERY, \
						 struct drm_vsvm_job_query)
/**
 * DRM_IOCTL_VSVM_PREFETCH - Move a bound range and map it
 *
 * Takes &struct drm_svm_prefetch.
 */
#define DRM_IOCTL_VSVM_PREFETCH		DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_PREFETCH, \
						 struct drm_svm_prefetch)
/**
 * DRM_IOCTL_VSVM_RESIDENCY - Where each page of a range is, and who maps it
 *
 * Takes &struct drm_svm_residency.
 */
#define DRM_IOCTL_VSVM_RESIDENCY	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_RESIDENCY, \
						 struct drm_svm_residency)
/**
 * DRM_IOCTL_VSVM_TOPOLOGY - The devices, their isolation groups and links
 *
 * Takes &struct drm_svm_topology.
 */
#define DRM_IOCTL_VSVM_TOPOLOGY		DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_TOPOLOGY, \
						 struct drm_svm_topology)
/**
 * DRM_IOCTL_VSVM_MADVISE - Set the memory attributes of a CPU range
 *
 * Takes &struct drm_svm_madvise.
 */
#define DRM_IOCTL_VSVM_MADVISE		DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_MADVISE, \
						struct drm_svm_madvise)
/**
 * DRM_IOCTL_VSVM_ATTR_QUERY - Read the memory attributes of a CPU range
 *
 * Takes &struct drm_svm_attr_query.
 */
#define DRM_IOCTL_VSVM_ATTR_QUERY	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_ATTR_QUERY, \
						 struct drm_svm_attr_query)
/**
 * DRM_IOCTL_VSVM_WAIT_USER_FENCE - Wait for a user fence
 *
 * Takes &struct drm_svm_wait_user_fence.
 */
#define DRM_IOCTL_VSVM_WAIT_USER_FENCE	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_WAIT_USER_FENCE, \
						 struct drm_svm_wait_user_fence)

/**
 * struct drm_vsvm_device_query - Describe a virtual GPU
 *
 * Fails with -EINVAL if @flags, @pad or @reserved is not zero or if an
 * extension is given (none is defined yet), and with -EFAULT if
 * @extensions cannot be read.
 */
struct drm_vsvm_device_query {
	/** @extensions: Pointer to the first &drm_svm_user_extension */
	__u64 extensions;
	/** @flags: MBZ, no flags are defined yet */
	__u32 flags;
	/** @pad: MBZ */
	__u32 pad;
	/** @index: Out: index of this device, 0 .. @num_devices - 1 */
	__u32 index;
	/** @num_devices: Out: number of vsvm devices in the system */
	__u32 num_devices;
	/** @vram_size: Out: device memory size in bytes */
	__u64 vram_size;
	/** @uapi_major: Out: %DRM_VSVM_UAPI_MAJOR of the kernel */
	__u32 uapi_major;
	/** @uapi_minor: Out: %DRM_VSVM_UAPI_MINOR of the kernel */
	__u32 uapi_minor;
	/**
	 * @svm_device_id: Out: the device's SVM device id, as
	 * &drm_svm_page_residency reports it (uAPI 0.3)
	 */
	__u32 svm_device_id;

#define DRM_VSVM_VRAM_PRIVATE	0
#define DRM_VSVM_VRAM_COHERENT	1
	/**
	 * @vram_mode: Out: %DRM_VSVM_VRAM_PRIVATE when the CPU cannot access
	 * the device's memory (a CPU access migrates the page back), or
	 * %DRM_VSVM_VRAM_COHERENT when it can (uAPI 0.3)
	 */
	__u32 vram_mode;
	/** @reserved: MBZ */
	__u64 reserved[3];
};

/*
 * Engine commands. Every operand is a __u64 word; addresses are GPU
 * addresses in the job's VM. Lengths are in bytes.
 */
/* [END]: end of the batch (also implied by the end of the buffer) */
#define VSVM_CMD_END		0x00
/* [STORE, addr, value]: write the 64-bit value; addr 8-byte aligned */
#define VSVM_CMD_STORE		0x01
/* [FILL, addr, len, pattern]: repeat the low 32 bits; addr, len 4-aligned */
#define VSVM_CMD_FILL		0x02
/* [COPY, dst, src, len]: copy bytes; the ranges must not overlap */
#define VSVM_CMD_COPY		0x03
/* [ATOMIC_ADD, addr, value, result]: 64-bit add; old value to result if != 0 */
#define VSVM_CMD_ATOMIC_ADD	0x04
/* [ATOMIC_CMPXCHG, addr, old, new, result]: 64-bit; prior value to result if != 0 */
#define VSVM_CMD_ATOMIC_CMPXCHG	0x05
/* [CHECKSUM, addr, len, result]: vsvm_checksum() of the range, 64-bit, to result */
#define VSVM_CMD_CHECKSUM	0x06
/* [TOUCH, addr, len]: read 8 bytes of every page of the range, discard them */
#define VSVM_CMD_TOUCH		0x07

/*
 * The CHECKSUM command's function: FNV-1a over the range's little-endian
 * 64-bit words, which it therefore needs 8-byte aligned. For userspace to
 * compute the same value:
 *
 *	h = VSVM_CHECKSUM_SEED;
 *	for each word w: h = (h ^ w) * VSVM_CHECKSUM_PRIME;
 */
#define VSVM_CHECKSUM_SEED	0xcbf29ce484222325ull
#define VSVM_CHECKSUM_PRIME	0x100000001b3ull

/** VSVM_MAX_BATCH_SIZE - Largest batch, in bytes */
#define VSVM_MAX_BATCH_SIZE	(1u << 20)

/**
 * struct drm_vsvm_exec - Submit a batch to the device's engine
 *
 * Queues a job that runs the commands at @batch_addr on the VM @vm_id.
 * Jobs of a device run in submission order. With a user fence
 * (&struct drm_svm_ext_user_fence in @extensions) the kernel writes it
 * when the job ends, with the job's error, the one
 * &DRM_IOCTL_VSVM_JOB_QUERY then reports; the record is complete before
 * the fence is written. A job takes page faults and allocates memory, so
 * it has no dma-fence (see DOC: User fences): @syncobj must be zero.
 *
 * Fails with -EINVAL for non-zero @flags, @pad or @reserved, a @batch_len
 * of zero, not a multiple of 8 or above %VSVM_MAX_BATCH_SIZE, a
 * @batch_addr not 8-byte aligned, a batch that wraps or a bad user fence;
 * -EOPNOTSUPP for a non-zero @syncobj; -ENOENT for an unknown @vm_id;
 * -EACCES from another mm; -EFAULT for a user fence that cannot be
 * written; -EINTR when the caller is killed while the fence is checked.
 */
struct drm_vsvm_exec {
	/** @extensions: Pointer to the first &drm_svm_user_extension */
	__u64 extensions;
	/** @vm_id: VM the batch runs in */
	__u32 vm_id;
	/** @flags: MBZ */
	__u32 flags;
	/** @batch_addr: GPU address of the first command, 8-byte aligned */
	__u64 batch_addr;
	/** @batch_len: Size of the batch in bytes */
	__u64 batch_len;
	/** @syncobj: MBZ; dma-fence completion is not offered (-EOPNOTSUPP) */
	__u32 syncobj;
	/** @pad: MBZ */
	__u32 pad;
	/** @job_id: Out: handle of the job for &DRM_IOCTL_VSVM_JOB_QUERY */
	__u64 job_id;
	/** @reserved: MBZ */
	__u64 reserved[2];
};

#define DRM_VSVM_JOB_QUEUED	0
#define DRM_VSVM_JOB_RUNNING	1
#define DRM_VSVM_JOB_DONE	2
#define DRM_VSVM_JOB_FAILED	3

/**
 * struct drm_vsvm_job_query - Status of a job
 *
 * The kernel keeps the records of the most recent 4096 jobs of a file;
 * older ones fail with -ENOENT, as do unknown ids. -EINVAL for non-zero
 * @flags, @pad or @reserved.
 */
struct drm_vsvm_job_query {
	/** @extensions: Pointer to the first &drm_svm_user_extension */
	__u64 extensions;
	/** @job_id: Job, as returned by &DRM_IOCTL_VSVM_EXEC */
	__u64 job_id;
	/** @flags: MBZ */
	__u32 flags;
	/** @status: Out: %DRM_VSVM_JOB_QUEUED, _RUNNING, _DONE or _FAILED */
	__u32 status;
	/** @error: Out: 0, or the negative errno the job failed with */
	__s32 error;
	/** @pad: MBZ */
	__u32 pad;
	/** @faults: Out: recoverable GPU page faults the job took */
	__u64 faults;
	/** @fault: Out: the fatal fault, when the job failed on one */
	struct drm_svm_fault_info fault;
	/**
	 * @device_time_ns: Out: the job's modelled device time, once it
	 * ended: its page accesses, by where each page was, and the copies
	 * made to service its faults (uAPI 0.6)
	 */
	__u64 device_time_ns;
	/** @reserved: MBZ */
	__u64 reserved;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VSVM_DRM_H_ */

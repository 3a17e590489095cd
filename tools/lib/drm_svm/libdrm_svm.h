/* SPDX-License-Identifier: MIT */
/*
 * libdrm_svm: a small library over the drm_svm uAPI and the submission
 * ioctls of vsvm, the reference driver.
 *
 * Copyright © 2026 The drm_svm authors
 *
 * Devices are named by their render-node file descriptors, as in the uAPI.
 * Every function returns 0 (or a non-negative value where it says so) on
 * success and a negative errno on failure; none sets errno for its result
 * or prints anything. A pointer the library has to read or write that is
 * NULL fails with -EINVAL before any ioctl is made; every other argument
 * is the kernel's to check, and its errors come back unchanged (see the
 * kernel-doc of include/uapi/drm/drm_svm.h and vsvm_drm.h).
 *
 * A process uses the library like this:
 *
 *	fd = svm_open_index(0);
 *	svm_vm_create(fd, 0, &vm);
 *	svm_bind(fd, vm, buf, (uintptr_t)buf, size, 0);
 *	svm_set_preferred_loc(fd, buf, size, DRM_SVM_LOC_DEVICE, fd);
 *	svm_prefetch(fd, vm, (uintptr_t)buf, size, DRM_SVM_REGION_DEVICE,
 *		     NULL);
 *	svm_exec_wait(fd, vm, batch, batch_len, -1, &job);
 *	svm_unbind(fd, vm, (uintptr_t)buf, size);
 *	svm_vm_destroy(fd, vm);
 *	svm_close(fd);
 *
 * The functions are thread-safe as far as the ioctls are; a fence must not
 * be used by two threads at once.
 */
#ifndef LIBDRM_SVM_H
#define LIBDRM_SVM_H

#include <stdbool.h>
#include <stdint.h>

#include "vsvm_drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/* Devices */

/**
 * svm_open() - Open a vsvm render node
 * @path: the node, such as "/dev/dri/renderD128"
 *
 * Returns the file descriptor (close-on-exec); -ENODEV when @path cannot
 * be opened or is another driver's node; -EPROTO when the kernel's uAPI
 * major revision is not DRM_VSVM_UAPI_MAJOR; -EINVAL for a NULL @path.
 */
int svm_open(const char *path);

/**
 * svm_open_index() - Open the vsvm device of index @index
 * @index: 0 .. number of vsvm devices - 1
 *
 * Returns the file descriptor, as svm_open(); -ENODEV when there is no
 * such device.
 */
int svm_open_index(unsigned int index);

/** svm_close() - Close a device opened by svm_open(); 0 or -errno */
int svm_close(int fd);

/**
 * struct svm_device_info - What svm_device_info() reports of a device
 * @index: index of the device among the vsvm devices
 * @num_devices: number of vsvm devices
 * @svm_id: SVM device id, as residency, attributes and topology name it
 * @coherent: the CPU can access the device's memory in place
 * @vram_size: bytes of device memory
 * @uapi_major: the kernel's DRM_VSVM_UAPI_MAJOR
 * @uapi_minor: the kernel's DRM_VSVM_UAPI_MINOR
 */
struct svm_device_info {
	uint32_t index;
	uint32_t num_devices;
	uint32_t svm_id;
	bool coherent;
	uint64_t vram_size;
	uint32_t uapi_major;
	uint32_t uapi_minor;
};

/** svm_device_info() - Describe the device of @fd in @info; 0 or -errno */
int svm_device_info(int fd, struct svm_device_info *info);

/**
 * svm_topology() - The devices, their isolation groups and their links
 * @fd: any vsvm device
 * @devices: room for *@num_devices entries, or NULL with *@num_devices 0
 * @num_devices: in: entries of @devices; out: the number of devices
 * @links: room for *@num_links entries, or NULL with *@num_links 0
 * @num_links: in: entries of @links; out: the number of links
 *
 * A call with both counts zero only sizes the arrays. With too little
 * room otherwise, only the first entries are written, the counts say how
 * many there are, and the call fails with -ENOSPC.
 */
int svm_topology(int fd, struct drm_svm_topology_device *devices,
		 uint32_t *num_devices, struct drm_svm_topology_link *links,
		 uint32_t *num_links);

/* VMs and bindings */

/**
 * svm_vm_create() - Create a GPU VM that mirrors the calling process
 * @fd: the device
 * @flags: DRM_SVM_VM_CREATE_NO_FAULTS or 0
 * @vm_id: out: the VM's handle
 */
int svm_vm_create(int fd, uint32_t flags, uint32_t *vm_id);

/** svm_vm_destroy() - Destroy a VM and all its bindings; 0 or -errno */
int svm_vm_destroy(int fd, uint32_t vm_id);

/**
 * svm_bind() - Mirror a CPU range in a VM
 * @fd: the device
 * @vm_id: the VM
 * @cpu: first byte of the CPU range, page aligned
 * @gpu_addr: GPU address it appears at, page aligned
 * @size: bytes, page aligned
 * @flags: DRM_SVM_BIND_FLAG_READONLY, _NO_MIGRATE, _POPULATE
 *
 * No page is pinned: the device faults them in, and the range follows
 * every change of the CPU's mappings.
 */
int svm_bind(int fd, uint32_t vm_id, const void *cpu, uint64_t gpu_addr,
	     uint64_t size, uint32_t flags);

/**
 * svm_bind_userptr() - Bind a range whose pages stay in system memory
 * @fd: the device
 * @vm_id: the VM
 * @cpu: first byte, page aligned; the GPU address is the same
 * @size: bytes, page aligned
 * @readonly: the device may only read the range
 *
 * A userptr without pinning: svm_bind() with DRM_SVM_BIND_FLAG_NO_MIGRATE.
 */
int svm_bind_userptr(int fd, uint32_t vm_id, const void *cpu, uint64_t size,
		     bool readonly);

/** svm_unbind() - Remove the bindings of a GPU range; 0 or -errno */
int svm_unbind(int fd, uint32_t vm_id, uint64_t gpu_addr, uint64_t size);

/* Memory attributes of the calling process (any device's fd will do) */

/**
 * svm_set_preferred_loc() - Where a CPU range should live
 * @fd: any vsvm device
 * @start: first byte, page aligned
 * @size: bytes, page aligned
 * @location: DRM_SVM_LOC_NONE (unset), _SYSTEM or _DEVICE
 * @dev_fd: the device, for DRM_SVM_LOC_DEVICE; ignored otherwise
 */
int svm_set_preferred_loc(int fd, const void *start, uint64_t size,
			  uint32_t location, int dev_fd);

/**
 * svm_set_accessed_by() - The devices that should map a range wherever it is
 * @fd: any vsvm device
 * @start: first byte, page aligned
 * @size: bytes, page aligned
 * @dev_fds: @num_fds device fds; the set replaces the previous one
 * @num_fds: entries of @dev_fds, 0 to clear the set (@dev_fds may be NULL)
 */
int svm_set_accessed_by(int fd, const void *start, uint64_t size,
			const int *dev_fds, uint32_t num_fds);

/** svm_set_read_mostly() - Set or clear read-mostly on a range */
int svm_set_read_mostly(int fd, const void *start, uint64_t size,
			bool enable);

/**
 * svm_set_granularity() - The most bytes one fault moves in a range
 * @fd: any vsvm device
 * @start: first byte, page aligned
 * @size: bytes, page aligned
 * @bytes: 4096, 65536 or 2097152, or 0 for the device's sizes
 */
int svm_set_granularity(int fd, const void *start, uint64_t size,
			uint64_t bytes);

/** svm_set_atomics() - Who does atomics on a range: DRM_SVM_ATOMICS_* */
int svm_set_atomics(int fd, const void *start, uint64_t size, uint32_t mode);

/**
 * svm_attr_query() - The attributes of a CPU range, as runs of equal ones
 * @fd: any vsvm device
 * @start: first byte, page aligned
 * @size: bytes, page aligned
 * @ranges: room for *@num_ranges entries
 * @num_ranges: in: entries of @ranges; out: runs found
 *
 * A call with *@num_ranges zero only counts the runs. With too little room
 * otherwise, the first entries are written, *@num_ranges says how many
 * runs there are, and the call fails with -ENOSPC.
 */
int svm_attr_query(int fd, const void *start, uint64_t size,
		   struct drm_svm_attr_range *ranges, uint32_t *num_ranges);

/* Residency and statistics */

/**
 * svm_residency() - Where each page of a GPU range is, who maps it
 * @fd: the device
 * @vm_id: the VM the range is in
 * @gpu_addr: first GPU address, page aligned
 * @npages: pages, at most DRM_SVM_RESIDENCY_MAX_PAGES
 * @pages: @npages entries
 * @blocks: one entry per 2 MiB slot of the range, or NULL
 */
int svm_residency(int fd, uint32_t vm_id, uint64_t gpu_addr, uint64_t npages,
		  struct drm_svm_page_residency *pages,
		  struct drm_svm_block_policy *blocks);

/**
 * struct svm_stats - The counters of one open device, from its fdinfo
 * @gpu_faults: GPU page faults serviced
 * @cpu_faults: CPU faults on the device's memory
 * @to_vram_kib: KiB moved into the device's memory
 * @to_ram_kib: KiB moved from it to system memory
 * @from_peer_kib: KiB moved in straight from another device
 * @evictions: device memory evictions
 * @bounces: moves that went through system memory
 * @resident_vram_kib: KiB of the device's memory in use
 */
struct svm_stats {
	uint64_t gpu_faults;
	uint64_t cpu_faults;
	uint64_t to_vram_kib;
	uint64_t to_ram_kib;
	uint64_t from_peer_kib;
	uint64_t evictions;
	uint64_t bounces;
	uint64_t resident_vram_kib;
};

/**
 * svm_stats() - Read the counters of @fd from /proc/self/fdinfo
 * @fd: the device
 * @stats: out
 *
 * Returns 0; -errno when the fdinfo cannot be read; -ENODATA when a
 * counter is missing from it.
 */
int svm_stats(int fd, struct svm_stats *stats);

/**
 * svm_fdinfo_value() - One numeric key of @fd's fdinfo, such as
 * "vsvm-gpu-faults" or "drm-resident-vram" (in the unit it is printed in)
 * @fd: the device
 * @key: the key, without the colon
 * @value: out
 *
 * Returns 0, -ENODATA for a key that is not there, or -errno.
 */
int svm_fdinfo_value(int fd, const char *key, uint64_t *value);

/* User fences, jobs and prefetch */

/*
 * A user fence: a timeline of work items of a process, each of which
 * stores its result and then the next value when it ends. One fence may
 * serve the jobs and prefetches of several devices.
 */
struct svm_fence;

/** svm_fence_create() - A new fence in *@fence; 0 or -errno */
int svm_fence_create(struct svm_fence **fence);

/**
 * svm_fence_destroy() - Free a fence
 * @fence: the fence, or NULL
 *
 * Only once its work has ended (or the fds it was used with are closed):
 * the kernel writes to it until then.
 */
void svm_fence_destroy(struct svm_fence *fence);

/**
 * svm_fence_chain() - Chain the fence's next value into an ioctl argument
 * @fence: the fence
 * @extensions: the &extensions field of a drm_svm or vsvm ioctl argument
 *
 * For callers making their own ioctls: the next work item of the ioctl
 * signals the fence. svm_exec() and svm_prefetch_async() do this.
 * Returns the value the work will store.
 */
uint64_t svm_fence_chain(struct svm_fence *fence, __u64 *extensions);

/**
 * svm_fence_wait() - Wait until the last chained work of @fence ended
 * @fd: any vsvm device of the process
 * @fence: the fence
 * @timeout_ns: the longest wait, negative for no limit
 *
 * Returns 0 once it ended, -ETIME on a timeout, or -errno. The work's own
 * result is svm_fence_error().
 */
int svm_fence_wait(int fd, struct svm_fence *fence, int64_t timeout_ns);

/** svm_fence_error() - The result of the last work of @fence that ended */
int64_t svm_fence_error(const struct svm_fence *fence);

/**
 * svm_exec() - Queue a batch of vsvm commands on the device's engine
 * @fd: the device
 * @vm_id: the VM the batch runs in
 * @batch: the batch, in memory bound in the VM at its CPU address
 * @len: bytes of the batch
 * @fence: signalled when the job ends, or NULL
 * @job_id: out: the job, for svm_job_query(), or NULL
 */
int svm_exec(int fd, uint32_t vm_id, const uint64_t *batch, uint64_t len,
	     struct svm_fence *fence, uint64_t *job_id);

/** svm_job_query() - The status of a job in @q; 0 or -errno */
int svm_job_query(int fd, uint64_t job_id, struct drm_vsvm_job_query *q);

/**
 * svm_exec_wait() - Run a batch and wait for its end
 * @fd: the device
 * @vm_id: the VM
 * @batch: as for svm_exec()
 * @len: bytes of the batch
 * @timeout_ns: the longest wait, negative for no limit
 * @q: out: the job's status, or NULL
 *
 * Returns the job's own error (0 when it succeeded), -ETIME when it did
 * not end in time, or the -errno of a call that failed. When the wait
 * fails (-ETIME, or -ENODEV for a device unplugged meanwhile), the job may
 * still be queued, and the page of its fence is left to the kernel, which
 * writes it when the job ends: use svm_exec() with a fence of your own to
 * keep it.
 */
int svm_exec_wait(int fd, uint32_t vm_id, const uint64_t *batch,
		  uint64_t len, int64_t timeout_ns,
		  struct drm_vsvm_job_query *q);

/**
 * svm_prefetch() - Move a bound range to a region and wait for it
 * @fd: the device
 * @vm_id: the VM the range is bound in
 * @gpu_addr: first GPU address, page aligned
 * @size: bytes, page aligned
 * @region: DRM_SVM_REGION_SYSTEM, _DEVICE (this device) or _PREFERRED
 * @moved: out: the pages moved, or NULL
 */
int svm_prefetch(int fd, uint32_t vm_id, uint64_t gpu_addr, uint64_t size,
		 uint32_t region, uint64_t *moved);

/**
 * svm_prefetch_flags() - svm_prefetch() with flags
 * @fd: the device
 * @vm_id: the VM the range is bound in
 * @gpu_addr: first GPU address, page aligned
 * @size: bytes, page aligned
 * @region: as for svm_prefetch()
 * @flags: DRM_SVM_PREFETCH_FLAG_NO_MAP to move the range without mapping
 *	   it (a prefetch for the CPU or another device), or 0
 * @moved: out: the pages moved, or NULL
 */
int svm_prefetch_flags(int fd, uint32_t vm_id, uint64_t gpu_addr,
		       uint64_t size, uint32_t region, uint32_t flags,
		       uint64_t *moved);

/**
 * svm_prefetch_async() - svm_prefetch() in the background
 * @fd: the device
 * @vm_id: the VM
 * @gpu_addr: first GPU address, page aligned
 * @size: bytes, page aligned
 * @region: as for svm_prefetch()
 * @fence: signalled with the result when the move ended
 */
int svm_prefetch_async(int fd, uint32_t vm_id, uint64_t gpu_addr,
		       uint64_t size, uint32_t region,
		       struct svm_fence *fence);

#if defined(__cplusplus)
}
#endif

#endif /* LIBDRM_SVM_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The drm_svm authors
 */
#ifndef __VSVM_DRV_H__
#define __VSVM_DRV_H__

#include <linux/atomic.h>
#include <linux/fault-inject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include <linux/gpu_buddy.h>
#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_svm.h>
#include <drm/drm_svm_devmem.h>

#include "vsvm_engine.h"
#include "vsvm_pt.h"

struct kernel_param;
struct platform_device;

#define VSVM_MAX_DEVICES	8

/* The bus of every device (see DOC: Bus addresses) */
#define VSVM_BUS_SYSTEM		BIT_ULL(44)
#define VSVM_BUS_SYSTEM_SIZE	BIT_ULL(44)
#define VSVM_BUS_PEER_SIZE	BIT_ULL(40)
#define VSVM_BUS_PEER(index)	(BIT_ULL(48) + (u64)(index) * VSVM_BUS_PEER_SIZE)

/* Reasons the core invalidates for, &enum drm_svm_inval_reason */
#define VSVM_INVAL_REASONS	(DRM_SVM_INVAL_POLICY + 1)

/**
 * struct vsvm_vram - Emulated device memory (see :ref:`drm_svm_vsvm_vram`)
 */
struct vsvm_vram {
	/** @dm: The memory as the SVM core knows it */
	struct drm_svm_devmem dm;
	/** @lock: Protects @buddy */
	struct mutex lock;
	/** @buddy: Allocator of the memory, by offset */
	struct gpu_buddy buddy;
	/** @size: Size in bytes */
	u64 size;
	/** @backing: Private mode: the system page behind each device page */
	struct page **backing;
	/** @fail_alloc: Fault injection: allocations fail with -ENOSPC */
	struct fault_attr fail_alloc;
	/** @fail_copy: Fault injection: copies fail with -EIO */
	struct fault_attr fail_copy;
	/** @fail_pt_alloc: Fault injection: page-table blocks, -ENOMEM */
	struct fault_attr fail_pt_alloc;
};

/**
 * struct vsvm_device - One virtual GPU
 */
struct vsvm_device {
	/** @drm: DRM device; its render node is what userspace opens */
	struct drm_device drm;
	/** @pdev: Platform device the DRM device hangs off */
	struct platform_device *pdev;
	/** @index: Device index, 0 .. vsvm_num_devices() - 1 */
	unsigned int index;
	/** @vram_size: Size of the emulated device memory in bytes */
	u64 vram_size;
	/** @svm: The device's state in the SVM core */
	struct drm_svm_device svm;
	/** @vram: The device's memory */
	struct vsvm_vram vram;
	/** @engine: The execution engine */
	struct vsvm_engine engine;
	/**
	 * @stale_tlb_hits: TLB hits the page table no longer backed (see
	 * :ref:`drm_svm_vsvm_pt`); anything but zero is a bug
	 */
	atomic64_t stale_tlb_hits;
	/** @invalidations: Invalidations of the device's VMs, by reason */
	atomic64_t invalidations[VSVM_INVAL_REASONS];
	/** @pt_blocks: Page table blocks allocated, all VMs */
	atomic_t pt_blocks;
	/**
	 * @fault_reports: Calls of drm_svm_mirror_fault() the engine made,
	 * each with a batch of faults
	 */
	atomic64_t fault_reports;
	/** @files_lock: Protects @files */
	struct mutex files_lock;
	/** @files: The open files, &vsvm_file.link */
	struct list_head files;
	/**
	 * @files_closing: Files off @files whose VMs are being closed, which
	 * an unbind waits for
	 */
	atomic_t files_closing;
};

static inline struct vsvm_device *to_vsvm_device(struct drm_device *drm)
{
	return container_of(drm, struct vsvm_device, drm);
}

/**
 * struct vsvm_vm - A GPU VM
 */
struct vsvm_vm {
	/** @mirror: The core's mirror of the process address space */
	struct drm_svm_mirror mirror;
	/** @pt: The VM's page table */
	struct vsvm_pt pt;
	/**
	 * @tlb_flush_done: ktime_get_ns() at which the last TLB flush that
	 * an invalidation started completes, 0 when none is pending (see
	 * :ref:`drm_svm_vsvm_vms`). Protected by the core's notifier lock,
	 * held for write.
	 */
	u64 tlb_flush_done;
};

static inline struct vsvm_vm *to_vsvm_vm(struct drm_svm_mirror *mirror)
{
	return container_of(mirror, struct vsvm_vm, mirror);
}

/**
 * struct vsvm_file - Per-file state, &drm_file.driver_priv
 */
struct vsvm_file {
	/** @svm: The file's VM handles, kept by the SVM core */
	struct drm_svm_file svm;
	/** @link: Entry in &vsvm_device.files */
	struct list_head link;
	/** @jobs_lock: Protects @jobs and @last_job_id, orders submission */
	struct mutex jobs_lock;
	/** @jobs: &struct vsvm_job_record of the recent jobs, by job id */
	struct xarray jobs;
	/** @last_job_id: Id of the last job submitted, 0 before the first */
	u64 last_job_id;
	/** @busy: The engine time of the file's jobs */
	struct vsvm_busy *busy;
};

static inline struct vsvm_file *to_vsvm_file(struct drm_file *file)
{
	return file->driver_priv;
}

extern const struct drm_svm_ops vsvm_svm_ops;

unsigned int vsvm_num_devices(void);
int vsvm_param_set_range(const char *val, const struct kernel_param *kp,
			 unsigned int min, unsigned int max);
struct vsvm_device *vsvm_device_at(unsigned int index);

int vsvm_bus_init(struct vsvm_device *vdev);
struct vsvm_device *vsvm_bus_peer(struct vsvm_device *vdev, u64 addr);
struct page *vsvm_bus_page(struct vsvm_device *vdev, u8 kind, u64 addr);
u64 vsvm_bus_vram_addr(struct vsvm_device *owner, struct vsvm_device *to,
		       u64 offset);
void vsvm_vm_debugfs_init(struct vsvm_device *vdev, struct dentry *dir);

int vsvm_vram_init(struct vsvm_device *vdev);
void vsvm_vram_unplug(struct vsvm_device *vdev);
bool vsvm_vram_is_coherent(struct vsvm_device *vdev);
struct page *vsvm_vram_backing(struct vsvm_vram *vram, struct page *page);

struct page *vsvm_page_backing(struct page *page);
enum vsvm_loc vsvm_vram_loc(struct vsvm_device *vdev,
			    struct drm_svm_devmem *dm);

int vsvm_cost_check(void);
void vsvm_cost_link(u32 class, struct drm_svm_link *link);
u64 vsvm_cost_access_ps(enum vsvm_loc loc, size_t bytes);
u64 vsvm_cost_copy_ps(enum vsvm_loc loc, u64 bytes);
void vsvm_cost_charge_begin(struct vsvm_charge *charge);
void vsvm_cost_charge_end(struct vsvm_charge *charge);
void vsvm_cost_charge_copy(u64 ps);

int vsvm_topology_check(unsigned int num_devices);
void vsvm_topology_device(struct vsvm_device *vdev);
int vsvm_topology_link(struct vsvm_device *vdev,
		       struct vsvm_device *const *devices);

void vsvm_file_jobs_init(struct vsvm_file *vfile);
void vsvm_file_jobs_fini(struct vsvm_file *vfile);

int vsvm_device_query_ioctl(struct drm_device *drm, void *data,
			    struct drm_file *file);
int vsvm_vm_create_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file);
int vsvm_vm_destroy_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file);
int vsvm_vm_bind_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file);
int vsvm_exec_ioctl(struct drm_device *drm, void *data,
		    struct drm_file *file);
int vsvm_job_query_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file);
int vsvm_prefetch_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
int vsvm_wait_user_fence_ioctl(struct drm_device *drm, void *data,
			       struct drm_file *file);
int vsvm_topology_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
int vsvm_madvise_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file);
int vsvm_attr_query_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file);
int vsvm_residency_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file);

#endif /* __VSVM_DRV_H__ */

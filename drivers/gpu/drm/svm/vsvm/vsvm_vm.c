// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <drm/drm_print.h>
#include <drm/drm_svm.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"

/**
 * DOC: VMs
 *
 * A vsvm VM (&struct vsvm_vm) is a &struct drm_svm_mirror with a software
 * page table. The SVM core owns everything about the mirror: handles,
 * bindings, the mmu notifier and fault servicing. The driver only provides
 * the page table operations of ``vsvm_svm_ops``, and its engine reports GPU
 * page faults with drm_svm_mirror_fault(). The VM ioctls are the core's,
 * wrapped for the driver's ioctl table.
 *
 * A TLB flush of real hardware takes time, and its driver waits for it
 * before the pages may go. vsvm models that time: with ``tlb_flush_us``
 * set, each invalidation's flush completes that many microseconds after
 * it starts (0 to %VSVM_TLB_FLUSH_MAX_US). With ``tlb_flush_async``
 * (the default), the invalidation only starts it and
 * &drm_svm_ops.invalidate_wait polls the clock until it is done, as a
 * driver polls its device, so that the core overlaps the flushes of all
 * devices (see :ref:`drm_svm_invalidation`); without it, the
 * invalidation polls for the whole flush itself, as a driver with no
 * such callback does. A poll
 * (that lets other tasks run), not a sleep, so that the modelled time
 * holds to the microsecond on a kernel without high-resolution timers,
 * such as the test kernel, where a sleep lasts until a tick. Only the
 * time is modelled: the emulated TLB drops the entries at once, so the
 * engine never uses a translation of the range after the invalidation,
 * which is stronger than what the core requires. The flushes that map
 * itself makes when it replaces a valid entry cost no modelled time.
 */

/** VSVM_TLB_FLUSH_MAX_US - Longest modelled TLB flush, in microseconds */
#define VSVM_TLB_FLUSH_MAX_US	10000

static int vsvm_tlb_flush_us_set(const char *val,
				 const struct kernel_param *kp)
{
	return vsvm_param_set_range(val, kp, 0, VSVM_TLB_FLUSH_MAX_US);
}

static const struct kernel_param_ops vsvm_tlb_flush_us_ops = {
	.set = vsvm_tlb_flush_us_set,
	.get = param_get_uint,
};

static unsigned int tlb_flush_us;
module_param_cb(tlb_flush_us, &vsvm_tlb_flush_us_ops, &tlb_flush_us, 0644);
MODULE_PARM_DESC(tlb_flush_us,
		 "Modelled latency of a TLB flush of an invalidation, us, at most 10000 (default 0: none)");

static bool tlb_flush_async = true;
module_param(tlb_flush_async, bool, 0644);
MODULE_PARM_DESC(tlb_flush_async,
		 "Invalidations only start the TLB flush, the core waits for it (default true)");

/* Poll until the VM's last flush is done. Notifier lock held for write. */
static void vsvm_vm_tlb_wait(struct vsvm_vm *vm)
{
	u64 done = vm->tlb_flush_done;

	vm->tlb_flush_done = 0;
	while (ktime_get_ns() < done)
		cond_resched();
}

static struct drm_svm_mirror *vsvm_vm_alloc(struct drm_svm_device *sdev)
{
	struct vsvm_device *vdev = container_of(sdev, struct vsvm_device, svm);
	struct vsvm_vm *vm;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return ERR_PTR(-ENOMEM);

	vsvm_pt_init(&vm->pt, &vdev->engine.tlb);
	return &vm->mirror;
}

static void vsvm_vm_free(struct drm_svm_mirror *mirror)
{
	struct vsvm_vm *vm = to_vsvm_vm(mirror);

	vsvm_pt_fini(&vm->pt);
	kfree(vm);
}

static void vsvm_vm_invalidate(struct drm_svm_mirror *mirror, u64 start,
			       u64 end, enum drm_svm_inval_reason reason)
{
	struct vsvm_device *vdev =
		container_of(mirror->sdev, struct vsvm_device, svm);
	struct vsvm_vm *vm = to_vsvm_vm(mirror);
	unsigned int flush_us = READ_ONCE(tlb_flush_us);

	if (reason < VSVM_INVAL_REASONS)
		atomic64_inc(&vdev->invalidations[reason]);
	vsvm_pt_invalidate(&vm->pt, start, end,
			   reason == DRM_SVM_INVAL_UNBIND ||
			   reason == DRM_SVM_INVAL_RELEASE);
	if (!flush_us)
		return;
	/* A flush started earlier may end later, if flush_us went down */
	vm->tlb_flush_done = max(vm->tlb_flush_done,
				 ktime_get_ns() + (u64)flush_us * NSEC_PER_USEC);
	if (!READ_ONCE(tlb_flush_async))
		vsvm_vm_tlb_wait(vm);
}

static void vsvm_vm_invalidate_wait(struct drm_svm_mirror *mirror)
{
	vsvm_vm_tlb_wait(to_vsvm_vm(mirror));
}

static int vsvm_vm_map_prepare(struct drm_svm_mirror *mirror, u64 start,
			       u64 end)
{
	return vsvm_pt_prepare(&to_vsvm_vm(mirror)->pt, start, end);
}

static int vsvm_vm_map(struct drm_svm_mirror *mirror, u64 gpu_addr,
		       const struct drm_svm_addr *addrs, unsigned long npages,
		       unsigned int order, u32 flags)
{
	return vsvm_pt_map(&to_vsvm_vm(mirror)->pt, gpu_addr, addrs, npages,
			   order, flags);
}

static void vsvm_vm_mapped(struct drm_svm_mirror *mirror, u64 gpu_addr,
			   unsigned long npages, unsigned long *bitmap)
{
	vsvm_pt_mapped(&to_vsvm_vm(mirror)->pt, gpu_addr, npages, bitmap);
}

static int vsvm_vm_invalidations_show(struct seq_file *m, void *unused)
{
	static const char *const names[VSVM_INVAL_REASONS] = {
		[DRM_SVM_INVAL_CPU] = "cpu",
		[DRM_SVM_INVAL_MIGRATE] = "migrate",
		[DRM_SVM_INVAL_MIGRATE_SELF] = "migrate_self",
		[DRM_SVM_INVAL_ATTR] = "attr",
		[DRM_SVM_INVAL_UNBIND] = "unbind",
		[DRM_SVM_INVAL_RELEASE] = "release",
		[DRM_SVM_INVAL_POLICY] = "policy",
	};
	struct vsvm_device *vdev = m->private;
	unsigned int i;

	for (i = 0; i < VSVM_INVAL_REASONS; i++)
		seq_printf(m, "%s %lld\n", names[i],
			   atomic64_read(&vdev->invalidations[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vsvm_vm_invalidations);

static int vsvm_vm_fault_reports_get(void *data, u64 *val)
{
	*val = atomic64_read(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vsvm_vm_fault_reports_fops,
			 vsvm_vm_fault_reports_get, NULL, "%llu\n");

/**
 * vsvm_vm_debugfs_init() - The VMs' files in a device's debugfs directory
 * @vdev: the device
 * @dir: its directory
 *
 * ``invalidations``: the invalidations of the device's VMs so far, one
 * line per reason the core gave (&enum drm_svm_inval_reason);
 * ``pt_blocks``: page table blocks allocated now, all VMs;
 * ``fault_reports``: the batches of GPU faults the engine reported to the
 * core so far, all VMs.
 */
void vsvm_vm_debugfs_init(struct vsvm_device *vdev, struct dentry *dir)
{
	debugfs_create_file("invalidations", 0444, dir, vdev,
			    &vsvm_vm_invalidations_fops);
	debugfs_create_atomic_t("pt_blocks", 0444, dir, &vdev->pt_blocks);
	debugfs_create_file_unsafe("fault_reports", 0444, dir,
				   &vdev->fault_reports,
				   &vsvm_vm_fault_reports_fops);
}

/* The driver's callbacks for the SVM core */
const struct drm_svm_ops vsvm_svm_ops = {
	.vm_alloc	= vsvm_vm_alloc,
	.vm_free	= vsvm_vm_free,
	.invalidate	= vsvm_vm_invalidate,
	.invalidate_wait = vsvm_vm_invalidate_wait,
	.map_prepare	= vsvm_vm_map_prepare,
	.map		= vsvm_vm_map,
	.mapped		= vsvm_vm_mapped,
};

/**
 * vsvm_vm_create_ioctl() - DRM_IOCTL_VSVM_VM_CREATE
 * @drm: the device
 * @data: &struct drm_svm_vm_create
 * @file: the caller's DRM file
 *
 * Returns: 0 on success, or the errors of drm_svm_ioctl_vm_create().
 */
int vsvm_vm_create_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	int ret;

	ret = drm_svm_ioctl_vm_create(&vdev->svm, &to_vsvm_file(file)->svm,
				      data);
	if (ret)
		drm_dbg(drm, "vm create: %d\n", ret);
	return ret;
}

/**
 * vsvm_vm_destroy_ioctl() - DRM_IOCTL_VSVM_VM_DESTROY
 * @drm: the device
 * @data: &struct drm_svm_vm_destroy
 * @file: the caller's DRM file
 *
 * Returns: 0 on success, or the errors of drm_svm_ioctl_vm_destroy().
 */
int vsvm_vm_destroy_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	int ret;

	ret = drm_svm_ioctl_vm_destroy(&vdev->svm, &to_vsvm_file(file)->svm,
				       data);
	if (ret)
		drm_dbg(drm, "vm destroy: %d\n", ret);
	return ret;
}

/**
 * vsvm_vm_bind_ioctl() - DRM_IOCTL_VSVM_VM_BIND
 * @drm: the device
 * @data: &struct drm_svm_vm_bind
 * @file: the caller's DRM file
 *
 * Returns: 0 on success, or the errors of drm_svm_ioctl_vm_bind().
 */
int vsvm_vm_bind_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	int ret;

	ret = drm_svm_ioctl_vm_bind(&vdev->svm, &to_vsvm_file(file)->svm,
				    data);
	if (ret)
		drm_dbg(drm, "vm bind: %d\n", ret);
	return ret;
}

/**
 * vsvm_prefetch_ioctl() - DRM_IOCTL_VSVM_PREFETCH
 * @drm: the device
 * @data: &struct drm_svm_prefetch
 * @file: the caller's DRM file
 *
 * Returns: 0 on success, or the errors of drm_svm_ioctl_prefetch().
 */
int vsvm_prefetch_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	return drm_svm_ioctl_prefetch(&to_vsvm_device(drm)->svm,
				      &to_vsvm_file(file)->svm, data);
}

/**
 * vsvm_wait_user_fence_ioctl() - DRM_IOCTL_VSVM_WAIT_USER_FENCE
 * @drm: the device
 * @data: &struct drm_svm_wait_user_fence
 * @file: the caller's DRM file
 *
 * Runs outside drm_dev_enter(): a wait may last as long as it is asked
 * to, and must not hold up an unbind. The DRM core fails it with -ENODEV
 * once the device is unplugged.
 *
 * Returns: 0 on success, or the errors of drm_svm_ioctl_wait_user_fence().
 */
int vsvm_wait_user_fence_ioctl(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	return drm_svm_ioctl_wait_user_fence(&to_vsvm_device(drm)->svm, data);
}

/**
 * vsvm_residency_ioctl() - DRM_IOCTL_VSVM_RESIDENCY
 * @drm: the device
 * @data: &struct drm_svm_residency
 * @file: the caller's DRM file
 *
 * Returns: 0 on success, or the errors of drm_svm_ioctl_residency().
 */
int vsvm_residency_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	return drm_svm_ioctl_residency(&to_vsvm_device(drm)->svm,
				       &to_vsvm_file(file)->svm, data);
}

/**
 * vsvm_madvise_ioctl() - DRM_IOCTL_VSVM_MADVISE
 * @drm: the device
 * @data: &struct drm_svm_madvise
 * @file: the caller's DRM file
 *
 * Returns: 0 on success, or the errors of drm_svm_ioctl_madvise().
 */
int vsvm_madvise_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	return drm_svm_ioctl_madvise(&to_vsvm_device(drm)->svm,
				     &to_vsvm_file(file)->svm, data);
}

/**
 * vsvm_attr_query_ioctl() - DRM_IOCTL_VSVM_ATTR_QUERY
 * @drm: the device
 * @data: &struct drm_svm_attr_query
 * @file: the caller's DRM file
 *
 * Returns: 0 on success, or the errors of drm_svm_ioctl_attr_query().
 */
int vsvm_attr_query_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	return drm_svm_ioctl_attr_query(&to_vsvm_device(drm)->svm,
					&to_vsvm_file(file)->svm, data);
}

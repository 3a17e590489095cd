// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/debugfs.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <uapi/drm/drm_svm.h>

#include "drm_svm_internal.h"
#include "drm_svm_trace.h"

/**
 * DOC: Bindings
 *
 * A binding mirrors CPU range [A, A + size) at GPU range [G, G + size) of
 * one mirror. Bindings live in the mirror's &drm_gpuvm, one &drm_gpuva
 * each, whose gem.offset holds A: drm_gpuvm's split logic then keeps the
 * CPU address of every piece right when a later bind or unbind cuts a
 * binding, so partial unbinds and overlapping binds have the results
 * drm_gpuvm documents (the new bind wins where they overlap). Each binding
 * is also in its process's CPU-address interval tree, through which the
 * mmu notifier finds every device mapping of a CPU range.
 *
 * Removing or cutting a binding zaps the device mappings of the GPU range
 * it no longer covers, under the notifier lock, before the binding leaves
 * the CPU tree. A new binding starts with nothing mapped.
 */

/* Bind flags the core knows; drivers see them in &drm_svm_binding.flags. */
#define DRM_SVM_BIND_FLAGS	(DRM_SVM_BIND_FLAG_READONLY | \
				 DRM_SVM_BIND_FLAG_NO_MIGRATE | \
				 DRM_SVM_BIND_FLAG_POPULATE)

static void drm_svm_device_release(struct drm_device *drm, void *data)
{
	struct drm_svm_device *sdev = data;

	/* Every VM is gone, and every DMA mapping made for one with it. */
	WARN_ON(atomic64_read(&sdev->dma_pages));
	drm_svm_device_stats_fini(sdev);
	drm_svm_device_unregister(sdev);
}

/**
 * drm_svm_device_init() - Set up the SVM state of a device
 * @sdev: the state, embedded in the driver's device
 * @drm: the DRM device
 * @ops: the driver's callbacks
 * @chunk_sizes: fault chunk sizes, largest first, the last one PAGE_SIZE
 * @num_chunk_sizes: number of entries in @chunk_sizes
 * @va_end: end of the GPU address space, page aligned and at most
 *	    TASK_SIZE_MAX, so that every CPU address has a GPU address
 *
 * The device must have DRIVER_GEM: each VM's &drm_gpuvm carries a GEM
 * object for its reservation lock, and GEM objects need the device's GEM
 * state.
 *
 * The device gets an SVM device id, phase timers, and two debugfs files:
 * its statistics and its phase timers (DOC: Statistics). All of them go
 * when the DRM device is released.
 *
 * Returns: 0 on success, -EINVAL (with an error in the log) if the device
 * lacks DRIVER_GEM, a required op is missing or the chunk sizes or @va_end
 * are unusable, -ENOSPC when %DRM_SVM_MAX_DEVICES devices exist, -ENOMEM.
 */
int drm_svm_device_init(struct drm_svm_device *sdev, struct drm_device *drm,
			const struct drm_svm_ops *ops,
			const unsigned long *chunk_sizes,
			unsigned int num_chunk_sizes, u64 va_end)
{
	unsigned int i;
	int err;

	if (!drm_core_check_feature(drm, DRIVER_GEM)) {
		drm_err(drm, "drm_svm needs a DRIVER_GEM device\n");
		return -EINVAL;
	}
	if (!ops->vm_alloc || !ops->vm_free || !ops->invalidate || !ops->map) {
		drm_err(drm, "drm_svm: a required op is missing\n");
		return -EINVAL;
	}
	if (!num_chunk_sizes || chunk_sizes[num_chunk_sizes - 1] != PAGE_SIZE) {
		drm_err(drm, "drm_svm: the smallest chunk must be PAGE_SIZE\n");
		return -EINVAL;
	}
	for (i = 0; i < num_chunk_sizes; i++) {
		if (!is_power_of_2(chunk_sizes[i]) ||
		    chunk_sizes[i] > DRM_SVM_MAX_CHUNK ||
		    (i && chunk_sizes[i] >= chunk_sizes[i - 1])) {
			drm_err(drm, "drm_svm: bad chunk size %lu\n",
				chunk_sizes[i]);
			return -EINVAL;
		}
	}
	if (!va_end || va_end > TASK_SIZE_MAX || !PAGE_ALIGNED(va_end)) {
		drm_err(drm, "drm_svm: va_end %#llx is not a page-aligned end within TASK_SIZE_MAX\n",
			va_end);
		return -EINVAL;
	}

	sdev->drm = drm;
	sdev->ops = ops;
	sdev->chunk_sizes = chunk_sizes;
	sdev->num_chunk_sizes = num_chunk_sizes;
	sdev->va_end = va_end;
	sdev->devmem = NULL;
	memset(&sdev->counters, 0, sizeof(sdev->counters));
	atomic64_set(&sdev->dma_pages, 0);

	err = drm_svm_device_register(sdev);
	if (err) {
		drm_err(drm, "drm_svm: more than %u devices\n",
			DRM_SVM_MAX_DEVICES);
		return err;
	}
	err = drm_svm_device_stats_init(sdev);
	if (err) {
		drm_svm_device_unregister(sdev);
		return err;
	}
	return drmm_add_action_or_reset(drm, drm_svm_device_release, sdev);
}
EXPORT_SYMBOL_GPL(drm_svm_device_init);

static void drm_svm_gpuvm_free(struct drm_gpuvm *gpuvm)
{
	struct drm_svm_mirror *mirror =
		container_of(gpuvm, struct drm_svm_mirror, gpuvm);

	/* Every binding was zapped on its way out, and its DMA with it. */
	WARN_ON(!RB_EMPTY_ROOT(&mirror->dma_chunks.rb_root));
	drm_svm_mm_put(mirror->svm_mm);
	mutex_destroy(&mirror->lock);
	WARN_ON(!list_empty(&mirror->pins));
	kvfree(mirror->addrs);
	kvfree(mirror->pfns);
	mirror->sdev->ops->vm_free(mirror);
}

static const struct drm_gpuvm_ops drm_svm_gpuvm_ops = {
	.vm_free = drm_svm_gpuvm_free,
};

/**
 * drm_svm_mirror_create() - Create a mirror of the current process
 * @sdev: the device
 *
 * Allocates the driver's VM with &drm_svm_ops.vm_alloc and attaches it to
 * the per-process state of the caller's mm, which the VM mirrors for its
 * whole life. Drivers that use drm_svm_ioctl_vm_create() do not call this.
 *
 * The caller destroys the mirror with drm_svm_mirror_close() and then
 * drops its reference: each binding holds a reference on the mirror's
 * &drm_gpuvm, so a mirror that still has bindings is never freed.
 *
 * Returns: a mirror holding one reference, or an ERR_PTR(): -EINVAL for a
 * caller without an address space (a kernel thread), -ENOMEM.
 */
struct drm_svm_mirror *drm_svm_mirror_create(struct drm_svm_device *sdev)
{
	struct drm_svm_mirror *mirror;
	struct drm_gem_object *r_obj;
	int err;

	if (!current->mm)
		return ERR_PTR(-EINVAL);

	mirror = sdev->ops->vm_alloc(sdev);
	if (IS_ERR(mirror))
		return mirror;

	mirror->sdev = sdev;
	mutex_init(&mirror->lock);
	INIT_LIST_HEAD(&mirror->pins);
	mirror->dma_chunks = RB_ROOT_CACHED;
	drm_svm_prefetch_mirror_init(mirror);
	mirror->pfns = kvmalloc_array(DRM_SVM_MAX_CHUNK >> PAGE_SHIFT,
				      sizeof(*mirror->pfns),
				      GFP_KERNEL_ACCOUNT);
	mirror->addrs = kvmalloc_array(DRM_SVM_MAX_CHUNK >> PAGE_SHIFT,
				       sizeof(*mirror->addrs),
				       GFP_KERNEL_ACCOUNT);
	if (!mirror->pfns || !mirror->addrs) {
		err = -ENOMEM;
		goto err_free_scratch;
	}

	mirror->svm_mm = drm_svm_mm_find_or_create(current->mm);
	if (IS_ERR(mirror->svm_mm)) {
		err = PTR_ERR(mirror->svm_mm);
		goto err_free_scratch;
	}

	r_obj = drm_gpuvm_resv_object_alloc(sdev->drm);
	if (!r_obj) {
		err = -ENOMEM;
		goto err_put_mm;
	}
	drm_gpuvm_init(&mirror->gpuvm, "drm_svm", 0, sdev->drm, r_obj,
		       0, sdev->va_end, 0, 0, &drm_svm_gpuvm_ops);
	drm_gem_object_put(r_obj);
	return mirror;

err_put_mm:
	drm_svm_mm_put(mirror->svm_mm);
err_free_scratch:
	kvfree(mirror->addrs);
	kvfree(mirror->pfns);
	mutex_destroy(&mirror->lock);
	sdev->ops->vm_free(mirror);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(drm_svm_mirror_create);

/* Bindings allocated up front, so that applying an operation list cannot fail. */
struct drm_svm_prealloc {
	struct drm_svm_binding **b;
	unsigned int count, used;
};

static int drm_svm_prealloc(struct drm_svm_prealloc *pa,
			    struct drm_gpuva_ops *ops)
{
	struct drm_gpuva_op *op;
	unsigned int i;

	pa->count = 0;
	pa->used = 0;
	drm_gpuva_for_each_op(op, ops) {
		if (op->op == DRM_GPUVA_OP_MAP)
			pa->count++;
		else if (op->op == DRM_GPUVA_OP_REMAP)
			pa->count += !!op->remap.prev + !!op->remap.next;
	}

	pa->b = kcalloc(max(pa->count, 1u), sizeof(*pa->b), GFP_KERNEL);
	if (!pa->b) {
		pa->count = 0;
		return -ENOMEM;
	}
	for (i = 0; i < pa->count; i++) {
		pa->b[i] = kzalloc(sizeof(*pa->b[i]), GFP_KERNEL_ACCOUNT);
		if (!pa->b[i])
			return -ENOMEM;
	}
	return 0;
}

/* Free what drm_svm_prealloc_take() did not hand out. */
static void drm_svm_prealloc_free(struct drm_svm_prealloc *pa)
{
	unsigned int i;

	for (i = pa->used; i < pa->count; i++)
		kfree(pa->b[i]);
	kfree(pa->b);
}

static struct drm_svm_binding *
drm_svm_prealloc_take(struct drm_svm_prealloc *pa,
		      struct drm_svm_mirror *mirror, u32 flags)
{
	struct drm_svm_binding *b = pa->b[pa->used++];

	b->mirror = mirror;
	b->flags = flags;
	return b;
}

static void drm_svm_apply_map(struct drm_svm_mirror *mirror,
			      struct drm_gpuva_op_map *op,
			      struct drm_svm_binding *b)
{
	drm_gpuva_map(&mirror->gpuvm, &b->va, op);
	drm_svm_cpu_tree_insert(mirror->svm_mm, b);
	/* Mapped before the first job, unless the bind populates it. */
	if (mirror->no_faults && !(b->flags & DRM_SVM_BIND_FLAG_POPULATE))
		drm_svm_binding_stale(b, b->va.va.addr,
				      b->va.va.addr + b->va.va.range);
}

static void drm_svm_apply_remap(struct drm_svm_mirror *mirror,
				struct drm_gpuva_op_remap *r,
				struct drm_svm_prealloc *pa)
{
	struct drm_svm_binding *old = to_binding(r->unmap->va);
	struct drm_svm_binding *prev = NULL, *next = NULL;
	u64 start, range;

	if (r->prev)
		prev = drm_svm_prealloc_take(pa, mirror, old->flags);
	if (r->next)
		next = drm_svm_prealloc_take(pa, mirror, old->flags);

	drm_gpuva_op_remap_to_unmap_range(r, &start, &range);
	drm_svm_invalidate(mirror, start, start + range, DRM_SVM_INVAL_UNBIND);
	drm_svm_cpu_tree_remove(mirror->svm_mm, old);
	drm_gpuva_remap(prev ? &prev->va : NULL, next ? &next->va : NULL, r);
	if (prev) {
		drm_svm_cpu_tree_insert(mirror->svm_mm, prev);
		/* The pieces keep what was stale in them. */
		if (mirror->no_faults)
			drm_svm_binding_split(prev, old);
	}
	if (next) {
		drm_svm_cpu_tree_insert(mirror->svm_mm, next);
		if (mirror->no_faults)
			drm_svm_binding_split(next, old);
	}
	kfree(old);
}

/* Remove a whole binding: zap its GPU range, then forget it. */
static void drm_svm_binding_remove(struct drm_svm_mirror *mirror,
				   struct drm_svm_binding *b)
{
	lockdep_assert_held_write(&mirror->svm_mm->notifier_lock);

	drm_svm_invalidate(mirror, b->va.va.addr, b->va.va.addr + b->va.va.range,
			   DRM_SVM_INVAL_UNBIND);
	drm_svm_cpu_tree_remove(mirror->svm_mm, b);
	drm_gpuva_remove(&b->va);
	kfree(b);
}

/*
 * Apply a bind (@flags) or unbind (@ops from an unmap) to the mirror. All
 * memory is allocated first; the changes themselves cannot fail and are
 * made under the notifier lock, so an invalidation sees either the old or
 * the new bindings, never a mix.
 */
static int drm_svm_apply(struct drm_svm_mirror *mirror,
			 struct drm_gpuva_ops *ops, u32 flags)
{
	struct drm_svm_prealloc pa;
	struct drm_gpuva_op *op;
	int err;

	lockdep_assert_held(&mirror->lock);

	err = drm_svm_prealloc(&pa, ops);
	if (err)
		goto out_free;

	down_write(&mirror->svm_mm->notifier_lock);
	drm_gpuva_for_each_op(op, ops) {
		switch (op->op) {
		case DRM_GPUVA_OP_MAP:
			drm_svm_apply_map(mirror, &op->map,
					  drm_svm_prealloc_take(&pa, mirror,
								flags));
			break;
		case DRM_GPUVA_OP_REMAP:
			drm_svm_apply_remap(mirror, &op->remap, &pa);
			break;
		case DRM_GPUVA_OP_UNMAP:
			drm_svm_binding_remove(mirror,
					       to_binding(op->unmap.va));
			break;
		default:
			break;
		}
	}
	up_write(&mirror->svm_mm->notifier_lock);
out_free:
	drm_svm_prealloc_free(&pa);
	drm_gpuva_ops_free(&mirror->gpuvm, ops);
	return err;
}

bool drm_svm_range_valid(u64 addr, u64 range, u64 end)
{
	return range && PAGE_ALIGNED(addr) && PAGE_ALIGNED(range) &&
	       addr < end && range <= end - addr;
}

/**
 * drm_svm_mirror_close() - Destroy a VM's contents
 * @mirror: the mirror
 *
 * Removes every binding, zapping its device mappings; later binds and
 * faults fail with -ENOENT. References taken by running jobs keep the
 * structure, and its hold on the process's SVM state, alive until they
 * are dropped. Allocates nothing, so it cannot fail.
 */
void drm_svm_mirror_close(struct drm_svm_mirror *mirror)
{
	struct drm_svm_mm *svm_mm = mirror->svm_mm;
	struct drm_gpuva *va, *next;

	mutex_lock(&mirror->lock);
	if (mirror->closed) {
		mutex_unlock(&mirror->lock);
		return;
	}
	down_write(&svm_mm->notifier_lock);
	drm_gpuvm_for_each_va_safe(va, next, &mirror->gpuvm)
		drm_svm_binding_remove(mirror, to_binding(va));
	up_write(&svm_mm->notifier_lock);
	mirror->closed = true;
	mutex_unlock(&mirror->lock);
}
EXPORT_SYMBOL_GPL(drm_svm_mirror_close);

static int __drm_svm_mirror_unbind(struct drm_svm_mirror *mirror,
				   u64 gpu_addr, u64 range)
{
	struct drm_gpuva_ops *ops;

	ops = drm_gpuvm_sm_unmap_ops_create(&mirror->gpuvm, gpu_addr, range);
	if (IS_ERR(ops))
		return PTR_ERR(ops);
	return drm_svm_apply(mirror, ops, 0);
}

/**
 * drm_svm_mirror_bind() - Mirror a CPU range at a GPU range
 * @mirror: the mirror
 * @cpu_addr: first CPU address
 * @gpu_addr: first GPU address
 * @range: size in bytes
 * @flags: DRM_SVM_BIND_FLAG_*
 *
 * Replaces whatever the GPU range was bound to. With
 * %DRM_SVM_BIND_FLAG_POPULATE, faults the whole range in before returning.
 * In a no-fault mirror, a binding not populated here is mapped by the
 * next drm_svm_mirror_revalidate() (see DOC: No-fault VMs).
 *
 * Returns: 0 on success; -EINVAL for unaligned, empty, wrapping or
 * out-of-space ranges or unknown flags; -ENOENT if the VM was destroyed;
 * -ENOMEM; -EINTR if the caller is killed; with POPULATE, the error of
 * the first page that cannot be faulted in.
 */
int drm_svm_mirror_bind(struct drm_svm_mirror *mirror, u64 cpu_addr,
			u64 gpu_addr, u64 range, u32 flags)
{
	struct drm_gpuva_ops *ops;
	int err;

	if (flags & ~DRM_SVM_BIND_FLAGS ||
	    !drm_svm_range_valid(cpu_addr, range, TASK_SIZE) ||
	    !drm_svm_range_valid(gpu_addr, range, mirror->sdev->va_end))
		return -EINVAL;

	err = mutex_lock_killable(&mirror->lock);
	if (err)
		return err;
	if (mirror->closed) {
		err = -ENOENT;
		goto out_unlock;
	}
	ops = drm_gpuvm_sm_map_ops_create(&mirror->gpuvm, gpu_addr, range,
					  NULL, cpu_addr);
	if (IS_ERR(ops)) {
		err = PTR_ERR(ops);
		goto out_unlock;
	}
	err = drm_svm_apply(mirror, ops, flags);
	if (err || !(flags & DRM_SVM_BIND_FLAG_POPULATE))
		goto out_unlock;
	err = drm_svm_mirror_populate(mirror, gpu_addr, range);
	/* What the populate left undone, the next job maps. */
	if (err && mirror->no_faults) {
		down_read(&mirror->svm_mm->notifier_lock);
		drm_svm_mirror_stale(mirror, gpu_addr, gpu_addr + range);
		up_read(&mirror->svm_mm->notifier_lock);
	}
out_unlock:
	mutex_unlock(&mirror->lock);
	trace_drm_svm_bind(mirror->svm_mm->pid, mirror->sdev->id, cpu_addr,
			   gpu_addr, range, flags, err);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_mirror_bind);

/**
 * drm_svm_mirror_unbind() - Remove the bindings of a GPU range
 * @mirror: the mirror
 * @gpu_addr: first GPU address
 * @range: size in bytes
 *
 * Bindings that straddle the ends of the range are cut; the device
 * mappings of the range are gone when this returns.
 *
 * Returns: 0 on success, -EINVAL for unaligned, empty or out-of-space
 * ranges, -ENOENT if the VM was destroyed, -ENOMEM, -EINTR if the caller
 * is killed.
 */
int drm_svm_mirror_unbind(struct drm_svm_mirror *mirror, u64 gpu_addr,
			  u64 range)
{
	int err;

	if (!drm_svm_range_valid(gpu_addr, range, mirror->sdev->va_end))
		return -EINVAL;

	err = mutex_lock_killable(&mirror->lock);
	if (err)
		return err;
	err = mirror->closed ? -ENOENT : __drm_svm_mirror_unbind(mirror,
								 gpu_addr,
								 range);
	mutex_unlock(&mirror->lock);
	trace_drm_svm_unbind(mirror->svm_mm->pid, mirror->sdev->id, gpu_addr,
			     range, err);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_mirror_unbind);

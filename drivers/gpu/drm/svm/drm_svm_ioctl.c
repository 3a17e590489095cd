// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/nospec.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm_print.h>
#include <uapi/drm/drm_svm.h>

#include "drm_svm_internal.h"

/**
 * DOC: Ioctl helpers
 *
 * The VM ioctls are the same on every driver, so the core implements them
 * on the structs of include/uapi/drm/drm_svm.h. A driver embeds &struct
 * drm_svm_file in its file private data and wires each ioctl number to a
 * one-line wrapper:
 *
 * .. code-block:: c
 *
 *	static int foo_vm_bind_ioctl(struct drm_device *drm, void *data,
 *				     struct drm_file *file)
 *	{
 *		return drm_svm_ioctl_vm_bind(&to_foo(drm)->svm,
 *					     &to_foo_file(file)->svm, data);
 *	}
 *
 * Every helper rejects non-zero pad and reserved fields, unknown flags and
 * any extension with -EINVAL (but the user fence of the ioctls that queue
 * work, see User fences, which drm_svm_ufence_from_user() takes), and an
 * ioctl on a VM from a process other than the one that created it with
 * -EACCES. Each rejection is logged with drm_dbg().
 */

/**
 * drm_svm_user_extensions() - Walk an ioctl's extension chain
 * @extensions: user pointer to the first &struct drm_svm_user_extension,
 *		or zero for none
 * @fns: handlers indexed by &drm_svm_user_extension.name
 * @num_fns: number of entries in @fns; may be zero when the ioctl defines
 *	     no extension yet
 * @data: passed to each handler
 *
 * Reads each extension header, checks it and calls the handler for its
 * name. The chain is bounded by %DRM_SVM_MAX_USER_EXTENSIONS, which also
 * stops a chain that loops back on itself.
 *
 * Returns: 0 on success, -EFAULT if a header cannot be read, -EINVAL for a
 * non-zero pad or an unknown name, -E2BIG for a chain that is too long, or
 * the first error returned by a handler.
 */
int drm_svm_user_extensions(u64 extensions, const drm_svm_user_ext_fn *fns,
			    unsigned int num_fns, void *data)
{
	struct drm_svm_user_extension ext;
	unsigned int count = 0;
	unsigned int idx;
	int ret;

	while (extensions) {
		if (++count > DRM_SVM_MAX_USER_EXTENSIONS)
			return -E2BIG;

		if (copy_from_user(&ext, u64_to_user_ptr(extensions),
				   sizeof(ext)))
			return -EFAULT;

		if (ext.pad || ext.name >= num_fns || !fns[ext.name])
			return -EINVAL;

		idx = array_index_nospec(ext.name, num_fns);
		ret = fns[idx](data, extensions);
		if (ret)
			return ret;

		extensions = ext.next_extension;
	}

	return 0;
}
EXPORT_SYMBOL_GPL(drm_svm_user_extensions);

/**
 * drm_svm_file_init() - Set up the SVM state of a DRM file
 * @sfile: the state, embedded in the driver's file private data
 */
void drm_svm_file_init(struct drm_svm_file *sfile)
{
	xa_init_flags(&sfile->vms, XA_FLAGS_ALLOC1);
	sfile->svm_mm = NULL;
}
EXPORT_SYMBOL_GPL(drm_svm_file_init);

/**
 * drm_svm_file_fini() - Destroy every VM of a DRM file
 * @sfile: the state
 *
 * Called when the file is closed, by whichever process closes it. Waits
 * for the asynchronous prefetches queued so far.
 */
void drm_svm_file_fini(struct drm_svm_file *sfile)
{
	struct drm_svm_mirror *mirror;
	unsigned long id;

	xa_for_each(&sfile->vms, id, mirror) {
		drm_svm_mirror_close(mirror);
		/* Closed: what is left of its prefetches fails at once. */
		drm_svm_prefetch_mirror_flush(mirror);
		drm_svm_mirror_put(mirror);
	}
	xa_destroy(&sfile->vms);
	if (sfile->svm_mm)
		drm_svm_mm_put(sfile->svm_mm);
}
EXPORT_SYMBOL_GPL(drm_svm_file_fini);

/**
 * drm_svm_file_unplug() - Empty every VM of a file whose device goes away
 * @sfile: the state, of a file that stays open
 *
 * For a device unplugged or unbound from its driver while files are open:
 * every VM of the file loses its bindings, and with them its device
 * mappings and the DMA mappings made for them; later faults and binds fail
 * (see drm_svm_mirror_close()), and the asynchronous prefetches queued so
 * far end. The handles stay, for drm_svm_file_fini() at the last close.
 *
 * Called after drm_dev_unplug(), so that no ioctl of the file runs, and
 * with the file kept from closing; before drm_svm_devmem_drain(), so that
 * no fault moves pages back into the memory.
 */
void drm_svm_file_unplug(struct drm_svm_file *sfile)
{
	struct drm_svm_mirror *mirror;
	unsigned long id;

	xa_for_each(&sfile->vms, id, mirror) {
		drm_svm_mirror_close(mirror);
		drm_svm_prefetch_mirror_flush(mirror);
	}
}
EXPORT_SYMBOL_GPL(drm_svm_file_unplug);

/**
 * drm_svm_file_lookup() - Find a VM for an ioctl
 * @sdev: the device of the file, for the log
 * @sfile: the caller's file
 * @vm_id: the VM handle
 *
 * Logs with drm_dbg() why the VM cannot be used, if it cannot.
 *
 * Returns: the mirror with a reference the caller drops with
 * drm_svm_mirror_put(); ERR_PTR(-ENOENT) for an unknown handle;
 * ERR_PTR(-EACCES) when the caller is not the process the VM mirrors.
 */
struct drm_svm_mirror *drm_svm_file_lookup(struct drm_svm_device *sdev,
					   struct drm_svm_file *sfile,
					   u32 vm_id)
{
	struct drm_svm_mirror *mirror;

	xa_lock(&sfile->vms);
	mirror = xa_load(&sfile->vms, vm_id);
	if (mirror)
		drm_svm_mirror_get(mirror);
	xa_unlock(&sfile->vms);

	if (!mirror) {
		drm_dbg(sdev->drm, "vm %u: no such vm\n", vm_id);
		return ERR_PTR(-ENOENT);
	}
	if (mirror->svm_mm->mm != current->mm) {
		drm_dbg(sdev->drm, "vm %u: not the caller's mm\n", vm_id);
		drm_svm_mirror_put(mirror);
		return ERR_PTR(-EACCES);
	}
	return mirror;
}
EXPORT_SYMBOL_GPL(drm_svm_file_lookup);

/**
 * drm_svm_ioctl_check() - Common validation of an SVM ioctl's arguments
 * @drm: the device, for the log
 * @what: the ioctl's name, for the log
 * @extensions: the &drm_svm_user_extension chain, which must be empty:
 *		callers that take a user fence pass 0 and parse the chain
 *		with drm_svm_ufence_from_user()
 * @mbz: the OR of the fields that must be zero (flags, pad) as far as the
 *	 caller knows no valid value for them
 * @reserved: the struct's reserved words
 * @reserved_size: their size in bytes
 *
 * Every ioctl of the core, and the drivers' own SVM ioctls, start with
 * this, so that they reject junk the same way and say why in the log.
 *
 * Returns: 0, or -EINVAL for a non-zero @mbz or reserved word or an
 * extension, -EFAULT or -E2BIG for an unreadable or too long chain.
 */
int drm_svm_ioctl_check(struct drm_device *drm, const char *what,
			u64 extensions, u64 mbz, const u64 *reserved,
			size_t reserved_size)
{
	int err;

	if (mbz || memchr_inv(reserved, 0, reserved_size)) {
		drm_dbg(drm, "%s: non-zero flags, pad or reserved\n", what);
		return -EINVAL;
	}
	err = drm_svm_user_extensions(extensions, NULL, 0, NULL);
	if (err)
		drm_dbg(drm, "%s: bad extension chain (%d)\n", what, err);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_ioctl_check);

/**
 * drm_svm_ioctl_vm_create() - Implement VM create (&struct drm_svm_vm_create)
 * @sdev: the device
 * @sfile: the caller's file
 * @args: the ioctl arguments
 *
 * With %DRM_SVM_VM_CREATE_NO_FAULTS, the VM is a no-fault VM (see DOC:
 * No-fault VMs), on a device whose &drm_svm_device.caps has
 * %DRM_SVM_DEVICE_NO_FAULTS.
 *
 * Returns: 0 on success, -EINVAL for bad arguments or a caller without an
 * address space, -EOPNOTSUPP for a no-fault VM on a device that cannot
 * run one, -EFAULT for an unreadable extension, -ENOMEM.
 */
int drm_svm_ioctl_vm_create(struct drm_svm_device *sdev,
			    struct drm_svm_file *sfile,
			    struct drm_svm_vm_create *args)
{
	struct drm_svm_mirror *mirror;
	u32 id;
	int err;

	err = drm_svm_ioctl_check(sdev->drm, "vm create", args->extensions,
				  args->flags & ~DRM_SVM_VM_CREATE_NO_FAULTS,
				  args->reserved, sizeof(args->reserved));
	if (err)
		return err;
	if (args->flags & DRM_SVM_VM_CREATE_NO_FAULTS &&
	    !(sdev->caps & DRM_SVM_DEVICE_NO_FAULTS)) {
		drm_dbg(sdev->drm, "vm create: the device cannot run no-fault VMs\n");
		return -EOPNOTSUPP;
	}

	mirror = drm_svm_mirror_create(sdev);
	if (IS_ERR(mirror))
		return PTR_ERR(mirror);
	/* Before the VM has an id, and so any binding. */
	mirror->no_faults = args->flags & DRM_SVM_VM_CREATE_NO_FAULTS;

	err = xa_alloc(&sfile->vms, &id, mirror, xa_limit_32b,
		       GFP_KERNEL_ACCOUNT);
	if (err) {
		drm_svm_mirror_close(mirror);
		drm_svm_mirror_put(mirror);
		return err == -EBUSY ? -ENOMEM : err;
	}
	args->vm_id = id;
	return 0;
}
EXPORT_SYMBOL_GPL(drm_svm_ioctl_vm_create);

/**
 * drm_svm_ioctl_vm_destroy() - Implement VM destroy
 * @sdev: the device
 * @sfile: the caller's file
 * @args: the ioctl arguments (&struct drm_svm_vm_destroy)
 *
 * Returns: 0 on success, -EINVAL for bad arguments, -EFAULT for an
 * unreadable extension, -ENOENT for an unknown VM, -EACCES from another mm.
 */
int drm_svm_ioctl_vm_destroy(struct drm_svm_device *sdev,
			     struct drm_svm_file *sfile,
			     struct drm_svm_vm_destroy *args)
{
	struct drm_svm_mirror *mirror;
	int err;

	err = drm_svm_ioctl_check(sdev->drm, "vm destroy", args->extensions,
				  args->pad, args->reserved,
				  sizeof(args->reserved));
	if (err)
		return err;

	mirror = drm_svm_file_lookup(sdev, sfile, args->vm_id);
	if (IS_ERR(mirror))
		return PTR_ERR(mirror);

	/* Only the caller that takes the handle out destroys the VM. */
	if (xa_cmpxchg(&sfile->vms, args->vm_id, mirror, NULL, 0) != mirror) {
		err = -ENOENT;
		goto out_put;
	}
	drm_svm_mirror_close(mirror);
	/* No prefetch of the VM may outlive the file and so the device. */
	drm_svm_prefetch_mirror_flush(mirror);
	drm_svm_mirror_put(mirror);
out_put:
	drm_svm_mirror_put(mirror);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_ioctl_vm_destroy);

/**
 * drm_svm_ioctl_vm_bind() - Implement VM bind (&struct drm_svm_vm_bind)
 * @sdev: the device
 * @sfile: the caller's file
 * @args: the ioctl arguments
 *
 * Returns: 0 on success, or the errors documented for &struct
 * drm_svm_vm_bind.
 */
int drm_svm_ioctl_vm_bind(struct drm_svm_device *sdev,
			  struct drm_svm_file *sfile,
			  struct drm_svm_vm_bind *args)
{
	struct drm_svm_mirror *mirror;
	int err;

	err = drm_svm_ioctl_check(sdev->drm, "vm bind", args->extensions,
				  args->pad, args->reserved,
				  sizeof(args->reserved));
	if (err)
		return err;
	if (args->op > DRM_SVM_BIND_OP_UNMAP ||
	    (args->op == DRM_SVM_BIND_OP_UNMAP &&
	     (args->cpu_addr || args->flags))) {
		drm_dbg(sdev->drm, "vm bind: bad op %u or unmap arguments\n",
			args->op);
		return -EINVAL;
	}

	mirror = drm_svm_file_lookup(sdev, sfile, args->vm_id);
	if (IS_ERR(mirror))
		return PTR_ERR(mirror);

	if (args->op == DRM_SVM_BIND_OP_MAP)
		err = drm_svm_mirror_bind(mirror, args->cpu_addr,
					  args->gpu_addr, args->range,
					  args->flags);
	else
		err = drm_svm_mirror_unbind(mirror, args->gpu_addr,
					    args->range);
	if (err)
		drm_dbg(sdev->drm,
			"vm bind: op %u cpu %#llx gpu %#llx range %#llx flags %#x: %d\n",
			args->op, args->cpu_addr, args->gpu_addr, args->range,
			args->flags, err);

	drm_svm_mirror_put(mirror);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_ioctl_vm_bind);

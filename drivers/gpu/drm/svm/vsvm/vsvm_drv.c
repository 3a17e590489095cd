// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_svm.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"

/**
 * DOC: vsvm
 *
 * vsvm is a virtual GPU driver built on the drm_svm core. It registers
 * ``num_devices`` platform devices, each with a DRM render node, so that
 * the whole SVM stack (binding, GPU page faults, invalidation, migration)
 * can be exercised and tested on a machine with no GPU. It is the
 * reference user of the drm_svm API.
 *
 * Each device embeds a &struct drm_svm_device and one engine; each open
 * file a &struct drm_svm_file with its VM handles, and the records of its
 * jobs. The VM ioctls are the core's; EXEC and JOB_QUERY are the
 * driver's (see :ref:`drm_svm_vsvm_jobs` and :ref:`drm_svm_vsvm_engine`).
 *
 * The devices are bound to the ``vsvm`` platform driver, so that they can
 * be unbound and bound again through its sysfs files
 * (``/sys/bus/platform/drivers/vsvm/unbind``, ``bind``), as a hot unplug
 * and a hot plug would do. An unbind does not wait for the files to
 * close:
 *
 *  - drm_dev_unplug(): from then on every ioctl on the device's files
 *    fails with -ENODEV, the render node is gone, and the driver's
 *    ioctls still running (each between drm_dev_enter() and
 *    drm_dev_exit()) have returned;
 *  - the jobs end with -ENODEV at their next round (see
 *    :ref:`drm_svm_vsvm_engine`);
 *  - every VM of every open file is emptied (drm_svm_file_unplug()):
 *    bindings, device mappings and DMA mappings go;
 *  - the VRAM is drained (drm_svm_devmem_drain()): every page in it moves
 *    back to system memory, so that no process loses data, and the
 *    debugfs files go;
 *  - the engine stops, once its jobs have ended.
 *
 * The VMs, the VRAM (its pages, allocator and backing) and the device's
 * id in the core are freed when the last file is closed, by the DRM
 * device's managed release. Binding the device again creates a new DRM
 * device, with the same index, a new render node and a new SVM device id,
 * and hands it the links of the ``links`` parameter to the devices that
 * are bound. With private VRAM that works while files of the unbound
 * device are still open; coherent VRAM is a fixed physical range, which
 * the unbound device holds until its last file is closed: until then the
 * bind fails with -EBUSY.
 */

#define DRIVER_NAME	"vsvm"
#define DRIVER_DESC	"Virtual GPU for DRM shared virtual memory"
#define DRIVER_DATE	"20261121"

static unsigned int num_devices = 2;
module_param(num_devices, uint, 0444);
MODULE_PARM_DESC(num_devices, "Number of virtual GPUs, 1-8 (default 2)");

static unsigned int vram_mb = 64;
module_param(vram_mb, uint, 0444);
MODULE_PARM_DESC(vram_mb,
		 "Device memory per GPU in MiB, a multiple of 2 (default 64)");

/* The platform devices, from load to unload */
static struct platform_device *vsvm_pdevs[VSVM_MAX_DEVICES];
/* What each device's last probe returned */
static int vsvm_probe_errors[VSVM_MAX_DEVICES];

/* Serializes probe and remove, which change @vsvm_devices and the links */
static DEFINE_MUTEX(vsvm_devices_lock);
/* The bound devices; read without lock (vsvm_device_at()) */
static struct vsvm_device *vsvm_devices[VSVM_MAX_DEVICES];

/* Fault chunk sizes, largest first, as the core wants them */
static const unsigned long vsvm_chunk_sizes[] = { SZ_2M, SZ_64K, SZ_4K };

/*
 * End of the GPU address space: that of a 4-level x86-64 user address
 * space, the most the core accepts (TASK_SIZE_MAX) on every configuration
 */
#define VSVM_VA_END	(BIT_ULL(47) - PAGE_SIZE)

/**
 * vsvm_param_set_range() - Set a run-time uint parameter within bounds
 * @val: the value written
 * @kp: the parameter
 * @min: lowest value allowed
 * @max: highest value allowed
 *
 * For the &kernel_param_ops.set of vsvm's writable parameters: a value out
 * of range is refused with a log line naming the bounds.
 *
 * Returns: 0, or -EINVAL.
 */
int vsvm_param_set_range(const char *val, const struct kernel_param *kp,
			 unsigned int min, unsigned int max)
{
	int err = param_set_uint_minmax(val, kp, min, max);

	if (err)
		pr_warn("vsvm: %s must be %u to %u\n", kp->name, min, max);
	return err;
}

/**
 * vsvm_num_devices() - Number of virtual GPUs registered
 *
 * Returns: the ``num_devices`` module parameter, validated at load.
 */
unsigned int vsvm_num_devices(void)
{
	return num_devices;
}

/**
 * vsvm_device_at() - A virtual GPU by index
 * @index: the device index, below VSVM_MAX_DEVICES
 *
 * A device is there from its probe, before its VRAM has a page in use,
 * until it is unbound, after its VRAM was drained; a peer that maps the
 * device's pages finds it as long as the mapping exists.
 *
 * Returns: the device, or NULL when none is bound at @index.
 */
struct vsvm_device *vsvm_device_at(unsigned int index)
{
	return READ_ONCE(vsvm_devices[index]);
}

/*
 * The driver's ioctls run between drm_dev_enter() and drm_dev_exit(), so
 * that an unbind finds none of them running once drm_dev_unplug() returns.
 * The user fence wait may wait as long as it is asked to: it runs as it
 * is, touches nothing of the device, and fails once the device is
 * unplugged, as the DRM core's own ioctls do.
 */
static int vsvm_ioctl_enter(struct drm_device *drm, void *data,
			    struct drm_file *file, drm_ioctl_t *func)
{
	int ret, idx;

	if (!drm_dev_enter(drm, &idx)) {
		drm_dbg(drm, "ioctl: the device is gone\n");
		return -ENODEV;
	}
	ret = func(drm, data, file);
	drm_dev_exit(idx);
	return ret;
}

#define VSVM_IOCTL_ENTER(func)						\
static int func##_enter(struct drm_device *drm, void *data,		\
			struct drm_file *file)				\
{									\
	return vsvm_ioctl_enter(drm, data, file, func);			\
}

VSVM_IOCTL_ENTER(vsvm_device_query_ioctl)
VSVM_IOCTL_ENTER(vsvm_vm_create_ioctl)
VSVM_IOCTL_ENTER(vsvm_vm_destroy_ioctl)
VSVM_IOCTL_ENTER(vsvm_vm_bind_ioctl)
VSVM_IOCTL_ENTER(vsvm_exec_ioctl)
VSVM_IOCTL_ENTER(vsvm_job_query_ioctl)
VSVM_IOCTL_ENTER(vsvm_prefetch_ioctl)
VSVM_IOCTL_ENTER(vsvm_residency_ioctl)
VSVM_IOCTL_ENTER(vsvm_topology_ioctl)
VSVM_IOCTL_ENTER(vsvm_madvise_ioctl)
VSVM_IOCTL_ENTER(vsvm_attr_query_ioctl)

#define VSVM_IOCTL_DEF(ioctl, func)					\
	DRM_IOCTL_DEF_DRV(ioctl, func##_enter, DRM_RENDER_ALLOW)

static const struct drm_ioctl_desc vsvm_ioctls[] = {
	VSVM_IOCTL_DEF(VSVM_DEVICE_QUERY, vsvm_device_query_ioctl),
	VSVM_IOCTL_DEF(VSVM_VM_CREATE, vsvm_vm_create_ioctl),
	VSVM_IOCTL_DEF(VSVM_VM_DESTROY, vsvm_vm_destroy_ioctl),
	VSVM_IOCTL_DEF(VSVM_VM_BIND, vsvm_vm_bind_ioctl),
	VSVM_IOCTL_DEF(VSVM_EXEC, vsvm_exec_ioctl),
	VSVM_IOCTL_DEF(VSVM_JOB_QUERY, vsvm_job_query_ioctl),
	VSVM_IOCTL_DEF(VSVM_PREFETCH, vsvm_prefetch_ioctl),
	VSVM_IOCTL_DEF(VSVM_RESIDENCY, vsvm_residency_ioctl),
	VSVM_IOCTL_DEF(VSVM_TOPOLOGY, vsvm_topology_ioctl),
	VSVM_IOCTL_DEF(VSVM_MADVISE, vsvm_madvise_ioctl),
	VSVM_IOCTL_DEF(VSVM_ATTR_QUERY, vsvm_attr_query_ioctl),
	DRM_IOCTL_DEF_DRV(VSVM_WAIT_USER_FENCE, vsvm_wait_user_fence_ioctl,
			  DRM_RENDER_ALLOW),
};

static int vsvm_open(struct drm_device *drm, struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct vsvm_file *vfile;

	vfile = kzalloc(sizeof(*vfile), GFP_KERNEL_ACCOUNT);
	if (!vfile)
		return -ENOMEM;
	vfile->busy = vsvm_busy_create();
	if (!vfile->busy)
		goto err_free_vfile;

	drm_svm_file_init(&vfile->svm);
	vsvm_file_jobs_init(vfile);
	file->driver_priv = vfile;

	mutex_lock(&vdev->files_lock);
	list_add_tail(&vfile->link, &vdev->files);
	mutex_unlock(&vdev->files_lock);
	return 0;

err_free_vfile:
	kfree(vfile);
	return -ENOMEM;
}

/* Jobs still in flight hold their VM and record: they finish on their own */
static void vsvm_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct vsvm_file *vfile = to_vsvm_file(file);

	/* An unbind now waits until the file's VMs are closed. */
	mutex_lock(&vdev->files_lock);
	list_del(&vfile->link);
	atomic_inc(&vdev->files_closing);
	mutex_unlock(&vdev->files_lock);

	drm_svm_file_fini(&vfile->svm);
	if (atomic_dec_and_test(&vdev->files_closing))
		wake_up_var(&vdev->files_closing);
	vsvm_file_jobs_fini(vfile);
	vsvm_busy_put(vfile->busy);
	kfree(vfile);
}

/*
 * drm_show_fdinfo() has printed drm-driver and drm-client-id; the platform
 * device's name stands for the PCI address of drm-pdev. The engine is
 * "compute", busy while it runs a job of the file, faults included.
 */
static void vsvm_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct vsvm_file *vfile = to_vsvm_file(file);
	struct drm_device *drm = file->minor->dev;

	drm_printf(p, "drm-pdev:\t%s\n", dev_name(drm->dev));
	drm_printf(p, "drm-engine-compute:\t%llu ns\n",
		   vsvm_busy_ns(vfile->busy));
	drm_svm_show_fdinfo(&to_vsvm_device(drm)->svm, &vfile->svm, p);
}

static const struct file_operations vsvm_fops = {
	.owner		= THIS_MODULE,
	.open		= drm_open,
	.release	= drm_release,
	.unlocked_ioctl	= drm_ioctl,
	.compat_ioctl	= drm_compat_ioctl,
	.poll		= drm_poll,
	.read		= drm_read,
	.llseek		= noop_llseek,
	.show_fdinfo	= drm_show_fdinfo,
	.fop_flags	= FOP_UNSIGNED_OFFSET,
};

static const struct drm_driver vsvm_driver = {
	.driver_features	= DRIVER_GEM | DRIVER_RENDER,
	.open			= vsvm_open,
	.postclose		= vsvm_postclose,
	.show_fdinfo		= vsvm_show_fdinfo,
	.ioctls			= vsvm_ioctls,
	.num_ioctls		= ARRAY_SIZE(vsvm_ioctls),
	.fops			= &vsvm_fops,

	.name	= DRIVER_NAME,
	.desc	= DRIVER_DESC,
	.date	= DRIVER_DATE,
	.major	= DRM_VSVM_UAPI_MAJOR,
	.minor	= DRM_VSVM_UAPI_MINOR,
};

/* The last reference to the DRM device is gone: every file is closed. */
static void vsvm_device_release(struct drm_device *drm, void *unused)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);

	if (atomic64_read(&vdev->stale_tlb_hits))
		drm_err(drm, "%lld stale TLB hits\n",
			atomic64_read(&vdev->stale_tlb_hits));
	mutex_destroy(&vdev->files_lock);
}

/* Make the device one that peers find, and link it to the bound ones. */
static int vsvm_device_publish(struct vsvm_device *vdev)
{
	int ret;

	mutex_lock(&vsvm_devices_lock);
	WRITE_ONCE(vsvm_devices[vdev->index], vdev);
	ret = vsvm_topology_link(vdev, vsvm_devices);
	if (ret)
		WRITE_ONCE(vsvm_devices[vdev->index], NULL);
	mutex_unlock(&vsvm_devices_lock);
	return ret;
}

static void vsvm_device_unpublish(struct vsvm_device *vdev)
{
	mutex_lock(&vsvm_devices_lock);
	WRITE_ONCE(vsvm_devices[vdev->index], NULL);
	mutex_unlock(&vsvm_devices_lock);
}

static int vsvm_probe(struct platform_device *pdev)
{
	unsigned int index = platform_get_device_id(pdev)->driver_data;
	struct vsvm_device *vdev;
	int ret;

	vdev = devm_drm_dev_alloc(&pdev->dev, &vsvm_driver,
				  struct vsvm_device, drm);
	if (IS_ERR(vdev)) {
		ret = PTR_ERR(vdev);
		goto out;
	}
	vdev->pdev = pdev;
	vdev->index = index;
	vdev->vram_size = (u64)vram_mb * SZ_1M;
	atomic64_set(&vdev->stale_tlb_hits, 0);
	mutex_init(&vdev->files_lock);
	INIT_LIST_HEAD(&vdev->files);
	atomic_set(&vdev->files_closing, 0);
	ret = drmm_add_action_or_reset(&vdev->drm, vsvm_device_release, NULL);
	if (ret)
		goto out;

	ret = vsvm_bus_init(vdev);
	if (ret)
		goto out;

	ret = drm_svm_device_init(&vdev->svm, &vdev->drm, &vsvm_svm_ops,
				  vsvm_chunk_sizes,
				  ARRAY_SIZE(vsvm_chunk_sizes), VSVM_VA_END);
	if (ret)
		goto out;
	vsvm_topology_device(vdev);

	/* Freed with the DRM device, by a managed action */
	ret = vsvm_vram_init(vdev);
	if (ret)
		goto out;

	ret = vsvm_engine_init(&vdev->engine, vdev, 0);
	if (ret)
		goto err_vram_unplug;

	ret = vsvm_device_publish(vdev);
	if (ret)
		goto err_engine_fini;
	platform_set_drvdata(pdev, vdev);

	/* Final step: expose the device to userspace */
	ret = drm_dev_register(&vdev->drm, 0);
	if (ret)
		goto err_unpublish;
	goto out;

err_unpublish:
	vsvm_device_unpublish(vdev);
err_engine_fini:
	vsvm_engine_fini(&vdev->engine);
err_vram_unplug:
	vsvm_vram_unplug(vdev);
out:
	vsvm_probe_errors[index] = ret;
	return ret;
}

/* Empty the VMs of the open files; wait for the files closing meanwhile. */
static void vsvm_files_unplug(struct vsvm_device *vdev)
{
	struct vsvm_file *vfile;

	mutex_lock(&vdev->files_lock);
	list_for_each_entry(vfile, &vdev->files, link)
		drm_svm_file_unplug(&vfile->svm);
	mutex_unlock(&vdev->files_lock);
	wait_var_event(&vdev->files_closing,
		       !atomic_read(&vdev->files_closing));
}

/*
 * Unbind, with files possibly open (see DOC: vsvm). What the files still
 * reference stays until the last one is closed.
 */
static void vsvm_remove(struct platform_device *pdev)
{
	struct vsvm_device *vdev = platform_get_drvdata(pdev);

	drm_dev_unplug(&vdev->drm);
	vsvm_files_unplug(vdev);
	vsvm_vram_unplug(vdev);
	vsvm_device_unpublish(vdev);
	/* Every job left fails at its next round */
	vsvm_engine_fini(&vdev->engine);
}

#define VSVM_PLATFORM_ID(i)	{ .name = DRIVER_NAME #i, .driver_data = i }

static const struct platform_device_id vsvm_platform_ids[] = {
	VSVM_PLATFORM_ID(0), VSVM_PLATFORM_ID(1), VSVM_PLATFORM_ID(2),
	VSVM_PLATFORM_ID(3), VSVM_PLATFORM_ID(4), VSVM_PLATFORM_ID(5),
	VSVM_PLATFORM_ID(6), VSVM_PLATFORM_ID(7),
	{ }
};

static_assert(ARRAY_SIZE(vsvm_platform_ids) == VSVM_MAX_DEVICES + 1);

static struct platform_driver vsvm_platform_driver = {
	.probe		= vsvm_probe,
	.remove		= vsvm_remove,
	.id_table	= vsvm_platform_ids,
	.driver		= {
		.name	= DRIVER_NAME,
	},
};

static void vsvm_destroy_devices(void)
{
	unsigned int i;

	for (i = VSVM_MAX_DEVICES; i-- > 0;) {
		if (!vsvm_pdevs[i])
			continue;
		platform_device_unregister(vsvm_pdevs[i]);
		vsvm_pdevs[i] = NULL;
	}
}

/*
 * One platform device per GPU, which the driver binds at once. One
 * platform name per device: libdrm tells platform devices apart by name
 * only, and would fold "vsvm.0" and "vsvm.1" into one.
 */
static int vsvm_create_device(unsigned int index)
{
	struct platform_device *pdev;
	char name[16];

	snprintf(name, sizeof(name), DRIVER_NAME "%u", index);
	vsvm_probe_errors[index] = -ENODEV;
	pdev = platform_device_register_simple(name, PLATFORM_DEVID_NONE,
					       NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	vsvm_pdevs[index] = pdev;
	return vsvm_probe_errors[index];
}

static int __init vsvm_init(void)
{
	unsigned int i;
	int ret;

	if (!num_devices || num_devices > VSVM_MAX_DEVICES) {
		pr_err("vsvm: num_devices=%u out of range 1-%u\n",
		       num_devices, VSVM_MAX_DEVICES);
		return -EINVAL;
	}
	if (!vram_mb || vram_mb % 2) {
		pr_err("vsvm: vram_mb=%u must be a non-zero multiple of 2\n",
		       vram_mb);
		return -EINVAL;
	}

	ret = vsvm_cost_check();
	if (!ret)
		ret = vsvm_topology_check(num_devices);
	if (ret)
		return ret;

	ret = vsvm_pt_cache_init();
	if (ret)
		return ret;

	ret = platform_driver_register(&vsvm_platform_driver);
	if (ret)
		goto err_pt_cache_fini;

	for (i = 0; i < num_devices; i++) {
		ret = vsvm_create_device(i);
		if (ret) {
			pr_err("vsvm: creating device %u failed: %pe\n", i,
			       ERR_PTR(ret));
			goto err_destroy_devices;
		}
	}
	return 0;

err_destroy_devices:
	vsvm_destroy_devices();
	platform_driver_unregister(&vsvm_platform_driver);
err_pt_cache_fini:
	vsvm_pt_cache_fini();
	return ret;
}

static void __exit vsvm_exit(void)
{
	vsvm_destroy_devices();
	platform_driver_unregister(&vsvm_platform_driver);
	vsvm_pt_cache_fini();
}

module_init(vsvm_init);
module_exit(vsvm_exit);

MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("GPL");

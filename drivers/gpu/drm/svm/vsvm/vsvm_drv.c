// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>
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
 * driver's (see the Jobs and Engine chapters).
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

static struct vsvm_device *vsvm_devices[VSVM_MAX_DEVICES];

/* Fault chunk sizes, largest first, as the core wants them */
static const unsigned long vsvm_chunk_sizes[] = { SZ_2M, SZ_64K, SZ_4K };

/*
 * End of the GPU address space: that of a 4-level x86-64 user address
 * space, the most the core accepts (TASK_SIZE_MAX) on every configuration
 */
#define VSVM_VA_END	(BIT_ULL(47) - PAGE_SIZE)

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
 * Devices exist from module load to unload, and no file is open on any of
 * them while they go away.
 *
 * Returns: the device, or NULL when there is none at @index.
 */
struct vsvm_device *vsvm_device_at(unsigned int index)
{
	return vsvm_devices[index];
}

static const struct drm_ioctl_desc vsvm_ioctls[] = {
	DRM_IOCTL_DEF_DRV(VSVM_DEVICE_QUERY, vsvm_device_query_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_VM_CREATE, vsvm_vm_create_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_VM_DESTROY, vsvm_vm_destroy_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_VM_BIND, vsvm_vm_bind_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_EXEC, vsvm_exec_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_JOB_QUERY, vsvm_job_query_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_PREFETCH, vsvm_prefetch_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_RESIDENCY, vsvm_residency_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_TOPOLOGY, vsvm_topology_ioctl,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_MADVISE, vsvm_madvise_ioctl, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_ATTR_QUERY, vsvm_attr_query_ioctl,
			  DRM_RENDER_ALLOW),
};

static int vsvm_open(struct drm_device *drm, struct drm_file *file)
{
	struct vsvm_file *vfile;

	vfile = kzalloc(sizeof(*vfile), GFP_KERNEL_ACCOUNT);
	if (!vfile)
		return -ENOMEM;

	drm_svm_file_init(&vfile->svm);
	vsvm_file_jobs_init(vfile);
	file->driver_priv = vfile;
	return 0;
}

/* Jobs still in flight hold their VM and record: they finish on their own */
static void vsvm_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct vsvm_file *vfile = to_vsvm_file(file);

	drm_svm_file_fini(&vfile->svm);
	vsvm_file_jobs_fini(vfile);
	kfree(vfile);
}

static void vsvm_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	drm_svm_show_fdinfo(&to_vsvm_device(file->minor->dev)->svm,
			    &to_vsvm_file(file)->svm, p);
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
	.driver_features	= DRIVER_GEM | DRIVER_RENDER | DRIVER_SYNCOBJ,
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

static struct vsvm_device *vsvm_device_create(unsigned int index)
{
	struct platform_device *pdev;
	struct vsvm_device *vdev;
	char name[16];
	int ret;

	/*
	 * One platform name per device: libdrm tells platform devices apart
	 * by name only, and would fold "vsvm.0" and "vsvm.1" into one.
	 */
	snprintf(name, sizeof(name), DRIVER_NAME "%u", index);
	pdev = platform_device_register_simple(name, PLATFORM_DEVID_NONE,
					       NULL, 0);
	if (IS_ERR(pdev))
		return ERR_CAST(pdev);

	if (!devres_open_group(&pdev->dev, NULL, GFP_KERNEL)) {
		ret = -ENOMEM;
		goto err_unregister_pdev;
	}

	vdev = devm_drm_dev_alloc(&pdev->dev, &vsvm_driver,
				  struct vsvm_device, drm);
	if (IS_ERR(vdev)) {
		ret = PTR_ERR(vdev);
		goto err_release_devres;
	}
	vdev->pdev = pdev;
	vdev->index = index;
	vdev->vram_size = (u64)vram_mb * SZ_1M;
	atomic64_set(&vdev->stale_tlb_hits, 0);

	ret = vsvm_bus_init(vdev);
	if (ret)
		goto err_release_devres;

	ret = drm_svm_device_init(&vdev->svm, &vdev->drm, &vsvm_svm_ops,
				  vsvm_chunk_sizes,
				  ARRAY_SIZE(vsvm_chunk_sizes), VSVM_VA_END);
	if (ret)
		goto err_release_devres;
	vsvm_topology_device(vdev);

	ret = vsvm_vram_init(vdev);
	if (ret)
		goto err_release_devres;

	ret = vsvm_engine_init(&vdev->engine, vdev, 0);
	if (ret)
		goto err_vram_fini;

	/* Final step: expose the device to userspace */
	ret = drm_dev_register(&vdev->drm, 0);
	if (ret)
		goto err_engine_fini;

	return vdev;

err_engine_fini:
	vsvm_engine_fini(&vdev->engine);
err_vram_fini:
	vsvm_vram_fini(vdev);
err_release_devres:
	devres_release_group(&pdev->dev, NULL);
err_unregister_pdev:
	platform_device_unregister(pdev);
	return ERR_PTR(ret);
}

static void vsvm_device_destroy(struct vsvm_device *vdev)
{
	struct platform_device *pdev = vdev->pdev;

	drm_dev_unregister(&vdev->drm);
	/* Every file is closed; finish the jobs they left behind */
	vsvm_engine_fini(&vdev->engine);
	vsvm_vram_fini(vdev);
	if (atomic64_read(&vdev->stale_tlb_hits))
		drm_err(&vdev->drm, "%lld stale TLB hits\n",
			atomic64_read(&vdev->stale_tlb_hits));
	devres_release_group(&pdev->dev, NULL);
	platform_device_unregister(pdev);
}

static void vsvm_destroy_devices(void)
{
	unsigned int i;

	for (i = VSVM_MAX_DEVICES; i-- > 0;) {
		if (!vsvm_devices[i])
			continue;
		vsvm_device_destroy(vsvm_devices[i]);
		vsvm_devices[i] = NULL;
	}
}

static int __init vsvm_init(void)
{
	struct vsvm_device *vdev;
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
	vsvm_vram_module_init();

	for (i = 0; i < num_devices; i++) {
		vdev = vsvm_device_create(i);
		if (IS_ERR(vdev)) {
			pr_err("vsvm: creating device %u failed: %pe\n", i,
			       vdev);
			ret = PTR_ERR(vdev);
			goto err_destroy_devices;
		}
		vsvm_devices[i] = vdev;
	}

	ret = vsvm_topology_apply(vsvm_devices, num_devices);
	if (ret)
		goto err_destroy_devices;
	return 0;

err_destroy_devices:
	vsvm_destroy_devices();
	vsvm_vram_module_fini();
	vsvm_pt_cache_fini();
	return ret;
}

static void __exit vsvm_exit(void)
{
	vsvm_destroy_devices();
	vsvm_vram_module_fini();
	vsvm_pt_cache_fini();
}

module_init(vsvm_init);
module_exit(vsvm_exit);

MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("GPL");

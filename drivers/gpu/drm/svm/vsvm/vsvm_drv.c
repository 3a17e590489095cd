// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>
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
 */

#define DRIVER_NAME	"vsvm"
#define DRIVER_DESC	"Virtual GPU for DRM shared virtual memory"
#define DRIVER_DATE	"20261121"

static unsigned int num_devices = 2;
module_param(num_devices, uint, 0444);
MODULE_PARM_DESC(num_devices, "Number of virtual GPUs, 1-8 (default 2)");

static unsigned int vram_mb = 512;
module_param(vram_mb, uint, 0444);
MODULE_PARM_DESC(vram_mb,
		 "Device memory per GPU in MiB, a multiple of 2 (default 512)");

static struct vsvm_device *vsvm_devices[VSVM_MAX_DEVICES];

/**
 * vsvm_num_devices() - Number of virtual GPUs registered
 *
 * Returns: the ``num_devices`` module parameter, validated at load.
 */
unsigned int vsvm_num_devices(void)
{
	return num_devices;
}

static const struct drm_ioctl_desc vsvm_ioctls[] = {
	DRM_IOCTL_DEF_DRV(VSVM_DEVICE_QUERY, vsvm_device_query_ioctl,
			  DRM_RENDER_ALLOW),
};

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
	.driver_features	= DRIVER_RENDER,
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

	/* Final step: expose the device to userspace */
	ret = drm_dev_register(&vdev->drm, 0);
	if (ret)
		goto err_release_devres;

	drm_info(&vdev->drm, "%llu MiB VRAM\n", vdev->vram_size / SZ_1M);
	return vdev;

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

	for (i = 0; i < num_devices; i++) {
		vdev = vsvm_device_create(i);
		if (IS_ERR(vdev)) {
			pr_err("vsvm: creating device %u failed: %pe\n", i,
			       vdev);
			vsvm_destroy_devices();
			return PTR_ERR(vdev);
		}
		vsvm_devices[i] = vdev;
	}

	return 0;
}

static void __exit vsvm_exit(void)
{
	vsvm_destroy_devices();
}

module_init(vsvm_init);
module_exit(vsvm_exit);

MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("GPL");

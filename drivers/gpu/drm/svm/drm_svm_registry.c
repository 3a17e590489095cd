// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/rwsem.h>

#include "drm_svm_internal.h"

/**
 * DOC: Device registry
 *
 * Every device that calls drm_svm_device_init() gets an SVM device id,
 * the lowest free one below DRM_SVM_MAX_DEVICES, and keeps it until
 * drm_svm_device_fini(). The id names the device in the uAPI, in the
 * per-process counters and in the migration policy's state; a new device
 * that gets an id again starts with no links and no policy state of the
 * one that had it. The registry is one rwsem: paths that look a device
 * up by id (a peer's memory, a preferred location) hold it for reading,
 * register, unregister and the devices' memory setup and teardown hold it
 * for writing. It nests outside the mmap lock; paths that already hold
 * that one only try it (drm_svm_devices_trylock()).
 */

static DECLARE_RWSEM(drm_svm_devices_rwsem);
static struct drm_svm_device *drm_svm_devices[DRM_SVM_MAX_DEVICES];

/**
 * drm_svm_devices_lock() - Hold the device registry for reading
 */
void drm_svm_devices_lock(void)
{
	down_read(&drm_svm_devices_rwsem);
}

/**
 * drm_svm_devices_unlock() - Release the device registry
 */
void drm_svm_devices_unlock(void)
{
	up_read(&drm_svm_devices_rwsem);
}

/**
 * drm_svm_devices_trylock() - Hold the device registry for reading, if free
 *
 * For paths that hold the mmap lock, which the registry nests outside.
 *
 * Returns: true when the registry is held.
 */
bool drm_svm_devices_trylock(void)
{
	return down_read_trylock(&drm_svm_devices_rwsem);
}

/**
 * drm_svm_devices_lock_write() - Hold the device registry to change it
 */
void drm_svm_devices_lock_write(void)
{
	down_write(&drm_svm_devices_rwsem);
}

/**
 * drm_svm_devices_unlock_write() - Release the device registry
 */
void drm_svm_devices_unlock_write(void)
{
	up_write(&drm_svm_devices_rwsem);
}

/**
 * drm_svm_devices_assert_write() - Check that the registry is held to change it
 */
void drm_svm_devices_assert_write(void)
{
	lockdep_assert_held_write(&drm_svm_devices_rwsem);
}

/**
 * drm_svm_device_by_id() - Look a device up by SVM device id
 * @id: the id
 *
 * Caller holds the registry with drm_svm_devices_lock().
 *
 * Returns: the device, or NULL.
 */
struct drm_svm_device *drm_svm_device_by_id(u32 id)
{
	lockdep_assert_held(&drm_svm_devices_rwsem);
	return id < DRM_SVM_MAX_DEVICES ? drm_svm_devices[id] : NULL;
}

/**
 * drm_svm_device_next() - The next device, by SVM device id
 * @id: in: the lowest id to look at; out: the id of the device returned
 *
 * For walks of the registry: ``for (id = 0; (sdev =
 * drm_svm_device_next(&id)); id++)``. Caller holds the registry with
 * drm_svm_devices_lock().
 *
 * Returns: the device of the lowest id at or above *@id, or NULL.
 */
struct drm_svm_device *drm_svm_device_next(u32 *id)
{
	lockdep_assert_held(&drm_svm_devices_rwsem);
	for (; *id < DRM_SVM_MAX_DEVICES; (*id)++)
		if (drm_svm_devices[*id])
			return drm_svm_devices[*id];
	return NULL;
}

/**
 * drm_svm_device_register() - Give a device its SVM device id
 * @sdev: the device
 *
 * Returns: 0, or -ENOSPC when DRM_SVM_MAX_DEVICES devices exist.
 */
int drm_svm_device_register(struct drm_svm_device *sdev)
{
	int err = -ENOSPC;
	u32 id;

	drm_svm_devices_lock_write();
	for (id = 0; id < DRM_SVM_MAX_DEVICES; id++) {
		if (!drm_svm_devices[id]) {
			drm_svm_devices[id] = sdev;
			sdev->id = id;
			drm_svm_topology_reset(sdev);
			drm_svm_policy_forget_device(id);
			err = 0;
			break;
		}
	}
	drm_svm_devices_unlock_write();
	return err;
}

/**
 * drm_svm_device_unregister() - Give a device's id back
 * @sdev: the device, without device memory
 */
void drm_svm_device_unregister(struct drm_svm_device *sdev)
{
	drm_svm_devices_lock_write();
	WARN_ON(sdev->devmem);
	drm_svm_topology_reset(sdev);
	drm_svm_attr_forget_device(sdev);
	drm_svm_devices[sdev->id] = NULL;
	drm_svm_devices_unlock_write();
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include <drm/drm_print.h>

#include "drm_svm_internal.h"

/**
 * DOC: Topology
 *
 * Every device of the core shares one peer domain: the device memory of
 * all of them is ZONE_DEVICE memory with the same ``dev_pagemap`` owner, so
 * hmm_range_fault() and migrate_vma_setup() hand the core the pages of
 * every device as they are, and the core decides what to do with each:
 * map it in place, map it over a link, move it directly to another
 * device, or move it through system memory. What the core may do is
 * decided by a topology of two parts, both given by the drivers:
 *
 *  - a link per ordered pair of devices (&struct drm_svm_link, set with
 *    drm_svm_link_set()): how the first device reaches the memory of the
 *    second, if at all. A link has a class (none, PCIe peer-to-peer or a
 *    fabric), a bandwidth and latency, and says whether device atomics
 *    work across it and whether it is cache coherent. Links are directed:
 *    a device may reach a peer's memory without the converse;
 *  - an isolation group per device (drm_svm_device_set_group()), such as
 *    the IOMMU group or ACS domain of a real device. Devices of different
 *    groups never map each other's memory or copy between each other,
 *    whatever the links say.
 *
 * drm_svm_can_access() combines the two. When it says no, data reaches
 * the device through system memory: the fault path moves the pages out of
 * the other device first, and a migration between the two devices
 * bounces through system memory, one chunk at a time. A device added
 * later, or one without any link set, reaches only its own memory and
 * system memory, which is the behaviour of a core with a single device.
 *
 * The topology lock, a spinlock, protects every device's links and group;
 * it nests inside every other lock, and the checks take it only for as
 * long as they read one entry. A device that goes away takes its links,
 * and every link to it, with it.
 */

static DEFINE_SPINLOCK(drm_svm_topology_lock);

#define DRM_SVM_LINK_FLAGS	(DRM_SVM_LINK_ATOMICS | DRM_SVM_LINK_COHERENT)

/**
 * drm_svm_link_set() - Say how one device reaches another's memory
 * @from: the device that accesses
 * @to: the device whose memory @from accesses
 * @link: the link; a class of %DRM_SVM_LINK_NONE removes it
 *
 * Sets the entry for the ordered pair only: call it twice for a link that
 * works both ways. Takes effect for faults and migrations that start
 * afterwards. Called with no SVM lock held.
 *
 * Returns: 0, or -EINVAL (logged) when @from is @to, or for an unknown
 * class or flag, or flags on a class of none.
 */
int drm_svm_link_set(struct drm_svm_device *from, struct drm_svm_device *to,
		     const struct drm_svm_link *link)
{
	if (from == to || link->class > DRM_SVM_LINK_FABRIC ||
	    (link->flags & ~DRM_SVM_LINK_FLAGS) ||
	    (link->class == DRM_SVM_LINK_NONE && link->flags)) {
		drm_err(from->drm, "drm_svm: bad link to device %u (class %u, flags %#x)\n",
			to->id, link->class, link->flags);
		return -EINVAL;
	}

	spin_lock(&drm_svm_topology_lock);
	if (link->class == DRM_SVM_LINK_NONE)
		memset(&from->links[to->id], 0, sizeof(*link));
	else
		from->links[to->id] = *link;
	spin_unlock(&drm_svm_topology_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(drm_svm_link_set);

/**
 * drm_svm_link_get() - How one device reaches another's memory
 * @from: the device that accesses
 * @to: the device whose memory is accessed
 *
 * Returns: the link as set, whatever the isolation groups; a zeroed link
 * (%DRM_SVM_LINK_NONE) when there is none or @from is @to.
 */
struct drm_svm_link drm_svm_link_get(const struct drm_svm_device *from,
				     const struct drm_svm_device *to)
{
	struct drm_svm_link link = {};

	if (from == to)
		return link;
	spin_lock(&drm_svm_topology_lock);
	link = from->links[to->id];
	spin_unlock(&drm_svm_topology_lock);
	return link;
}
EXPORT_SYMBOL_GPL(drm_svm_link_get);

/**
 * drm_svm_device_set_group() - Put a device in an isolation group
 * @sdev: the device
 * @group: the group; every device starts in group 0
 *
 * Devices of different groups never map or copy each other's memory
 * directly. Set it before the device's first VM is created.
 */
void drm_svm_device_set_group(struct drm_svm_device *sdev, u32 group)
{
	spin_lock(&drm_svm_topology_lock);
	sdev->group = group;
	spin_unlock(&drm_svm_topology_lock);
}
EXPORT_SYMBOL_GPL(drm_svm_device_set_group);

/**
 * drm_svm_device_group() - The isolation group of a device
 * @sdev: the device
 *
 * Returns: the group set with drm_svm_device_set_group(), 0 by default.
 */
u32 drm_svm_device_group(const struct drm_svm_device *sdev)
{
	u32 group;

	spin_lock(&drm_svm_topology_lock);
	group = sdev->group;
	spin_unlock(&drm_svm_topology_lock);
	return group;
}

/* Whether the core uses the link from @from to @to; topology lock held. */
static bool drm_svm_peer_locked(const struct drm_svm_device *from,
				const struct drm_svm_device *to)
{
	lockdep_assert_held(&drm_svm_topology_lock);
	return from->group == to->group &&
	       from->links[to->id].class != DRM_SVM_LINK_NONE;
}

/**
 * drm_svm_can_access() - Whether a device may use another's memory directly
 * @from: the device that accesses
 * @to: the device whose memory would be accessed
 *
 * True when @from is @to, or when a link leads from @from to @to and both
 * are in the same isolation group. Only then does the core map @to's
 * pages in @from's VMs, or copy between the two without going through
 * system memory. Safe in any context.
 *
 * Returns: true when @from may map and copy @to's memory.
 */
bool drm_svm_can_access(const struct drm_svm_device *from,
			const struct drm_svm_device *to)
{
	bool ok;

	if (from == to)
		return true;
	spin_lock(&drm_svm_topology_lock);
	ok = drm_svm_peer_locked(from, to);
	spin_unlock(&drm_svm_topology_lock);
	return ok;
}
EXPORT_SYMBOL_GPL(drm_svm_can_access);

/**
 * drm_svm_topology_reset() - Give a device an empty topology
 * @sdev: a device that is being registered or unregistered
 *
 * Clears the device's links and group, and every other device's link to
 * it, so that a device that later gets the same SVM device id starts
 * unlinked. Caller holds the device registry for write.
 */
void drm_svm_topology_reset(struct drm_svm_device *sdev)
{
	struct drm_svm_device *other;
	u32 id;

	spin_lock(&drm_svm_topology_lock);
	memset(sdev->links, 0, sizeof(sdev->links));
	sdev->group = 0;
	for (id = 0; (other = drm_svm_device_next(&id)); id++) {
		if (other != sdev)
			memset(&other->links[sdev->id], 0,
			       sizeof(other->links[sdev->id]));
	}
	spin_unlock(&drm_svm_topology_lock);
}

/* Snapshot of the topology, taken under the locks, copied out after. */
struct drm_svm_topology_snap {
	u32 num_devices;
	u32 num_links;
	struct drm_svm_topology_device devices[DRM_SVM_MAX_DEVICES];
	struct drm_svm_topology_link links[DRM_SVM_MAX_DEVICES *
					   (DRM_SVM_MAX_DEVICES - 1)];
};

static void drm_svm_topology_take(struct drm_svm_topology_snap *snap)
{
	struct drm_svm_device *from, *to;
	struct drm_svm_topology_link *l;
	u32 i, j;

	drm_svm_devices_lock();
	spin_lock(&drm_svm_topology_lock);
	for (i = 0; (from = drm_svm_device_next(&i)); i++) {
		snap->devices[snap->num_devices].id = i;
		snap->devices[snap->num_devices].flags = from->caps &
			(DRM_SVM_DEVICE_ATOMICS_SYSTEM |
			 DRM_SVM_DEVICE_NO_FAULTS);
		snap->devices[snap->num_devices++].group = from->group;
		for (j = 0; (to = drm_svm_device_next(&j)); j++) {
			if (to == from ||
			    from->links[j].class == DRM_SVM_LINK_NONE)
				continue;
			l = &snap->links[snap->num_links++];
			l->from = i;
			l->to = j;
			l->class = from->links[j].class;
			l->flags = from->links[j].flags;
			if (drm_svm_peer_locked(from, to))
				l->flags |= DRM_SVM_LINK_PEER;
			l->bandwidth = from->links[j].bandwidth;
			l->latency = from->links[j].latency;
		}
	}
	spin_unlock(&drm_svm_topology_lock);
	drm_svm_devices_unlock();
}

/**
 * drm_svm_ioctl_topology() - Implement the topology query
 * @sdev: the device the query came through
 * @args: the ioctl arguments (&struct drm_svm_topology)
 *
 * Returns: 0, or the errors documented for &struct drm_svm_topology.
 */
int drm_svm_ioctl_topology(struct drm_svm_device *sdev,
			   struct drm_svm_topology *args)
{
	struct drm_svm_topology_snap *snap;
	int err;

	err = drm_svm_ioctl_check(sdev->drm, "topology", args->extensions,
				  args->flags | args->pad, args->reserved,
				  sizeof(args->reserved));
	if (err)
		return err;

	snap = kzalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	drm_svm_topology_take(snap);

	if (copy_to_user(u64_to_user_ptr(args->devices), snap->devices,
			 min(args->num_devices, snap->num_devices) *
			 sizeof(snap->devices[0])) ||
	    copy_to_user(u64_to_user_ptr(args->links), snap->links,
			 min(args->num_links, snap->num_links) *
			 sizeof(snap->links[0]))) {
		drm_dbg(sdev->drm, "topology: arrays not writable\n");
		err = -EFAULT;
	} else {
		args->num_devices = snap->num_devices;
		args->num_links = snap->num_links;
	}
	kfree(snap);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_ioctl_topology);

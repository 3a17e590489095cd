// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <drm/drm_print.h>
#include <drm/drm_svm.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"

/**
 * DOC: Topology
 *
 * vsvm emulates the links between GPUs that real systems have, so that
 * the core's multi-device paths run without hardware. Two module
 * parameters describe them:
 *
 *  - ``links``: a comma-separated list of ``A-B:CLASS`` entries, each a
 *    link between devices A and B in both directions, CLASS being
 *    ``pcie`` (PCIe peer-to-peer, no atomics across) or ``fabric`` (a GPU
 *    fabric, atomics and coherent), with the bandwidth and latency of the
 *    cost parameters (see Modelled device time);
 *    for example ``links=0-1:fabric,2-3:fabric,0-2:pcie``;
 *  - ``groups``: the isolation group of each device, in index order, for
 *    example ``groups=0,0,1,1``; devices not listed are in group 0;
 *  - ``atomics_sysmem``: whether each device's atomics work on system
 *    memory, for example ``atomics_sysmem=1,1,0,0``; the default is yes.
 *    Atomics always work on the device's own VRAM, and on a peer's over a
 *    fabric link, never over PCIe.
 *
 * Without them every device is an island, as before links existed: data
 * moves between devices through system memory. Bad entries fail the
 * module load with -EINVAL and a log line. The topology is handed to the
 * core with drm_svm_link_set() and drm_svm_device_set_group(), and
 * DRM_IOCTL_VSVM_TOPOLOGY returns it as the core sees it.
 *
 * A device maps a linked peer's VRAM through the peer's backing pages
 * (private VRAM) or in place (coherent VRAM), and its copy engine reads a
 * linked peer's VRAM directly when the core moves pages between the two.
 */

static char *links = "";
module_param(links, charp, 0444);
MODULE_PARM_DESC(links,
		 "Links between devices, A-B:pcie or A-B:fabric, comma-separated (default: none)");

static unsigned int groups[VSVM_MAX_DEVICES];
static int num_groups;
module_param_array(groups, uint, &num_groups, 0444);
MODULE_PARM_DESC(groups, "Isolation group of each device (default: all 0)");

static bool atomics_sysmem[VSVM_MAX_DEVICES] = {
	[0 ... VSVM_MAX_DEVICES - 1] = true
};

static int num_atomics_sysmem;
module_param_array(atomics_sysmem, bool, &num_atomics_sysmem, 0444);
MODULE_PARM_DESC(atomics_sysmem,
		 "Whether each device's atomics work on system memory (default: all Y)");

/* One entry of the links parameter */
struct vsvm_link_spec {
	unsigned int a;
	unsigned int b;
	struct drm_svm_link link;
};

/* The classes; bandwidth and latency come from the cost parameters. */
static const struct {
	const char *name;
	struct drm_svm_link link;
} vsvm_link_classes[] = {
	{ "pcie", { .class = DRM_SVM_LINK_PCIE } },
	{ "fabric", { .class = DRM_SVM_LINK_FABRIC,
		      .flags = DRM_SVM_LINK_ATOMICS | DRM_SVM_LINK_COHERENT } },
};

/* Parse "A-B:CLASS" into @spec; -EINVAL (logged) for anything else. */
static int vsvm_link_parse(char *entry, unsigned int num_devices,
			   struct vsvm_link_spec *spec)
{
	char *class = strchr(entry, ':');
	unsigned int i;

	if (!class || sscanf(entry, "%u-%u:", &spec->a, &spec->b) != 2)
		goto err_log;
	class++;
	if (spec->a >= num_devices || spec->b >= num_devices) {
		pr_err("vsvm: links: '%s': no such device\n", entry);
		return -EINVAL;
	}
	if (spec->a == spec->b) {
		pr_err("vsvm: links: '%s': a device cannot link to itself\n",
		       entry);
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(vsvm_link_classes); i++) {
		if (!strcmp(class, vsvm_link_classes[i].name)) {
			spec->link = vsvm_link_classes[i].link;
			vsvm_cost_link(spec->link.class, &spec->link);
			return 0;
		}
	}
err_log:
	pr_err("vsvm: links: bad entry '%s', want A-B:pcie or A-B:fabric\n",
	       entry);
	return -EINVAL;
}

/* The links parameter, parsed by vsvm_topology_check() */
#define VSVM_MAX_LINKS	(VSVM_MAX_DEVICES * (VSVM_MAX_DEVICES - 1) / 2)
static struct vsvm_link_spec vsvm_links[VSVM_MAX_LINKS];
static unsigned int vsvm_num_links;

/* Whether the pair of @spec has a link already among the first @n. */
static bool vsvm_link_repeated(const struct vsvm_link_spec *spec,
			       unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if ((vsvm_links[i].a == spec->a && vsvm_links[i].b == spec->b) ||
		    (vsvm_links[i].a == spec->b && vsvm_links[i].b == spec->a))
			return true;
	}
	return false;
}

/**
 * vsvm_topology_check() - Validate the topology parameters
 * @num_devices: devices that will be created
 *
 * Called at module load, before any device exists.
 *
 * Returns: 0, -EINVAL (logged) for a bad or repeated link or more groups
 * than devices, or -ENOMEM.
 */
int vsvm_topology_check(unsigned int num_devices)
{
	struct vsvm_link_spec spec;
	char *buf, *cur, *entry;
	int err = 0;

	vsvm_num_links = 0;
	if (num_groups > num_devices) {
		pr_err("vsvm: groups: %d entries for %u devices\n", num_groups,
		       num_devices);
		return -EINVAL;
	}
	if (num_atomics_sysmem > num_devices) {
		pr_err("vsvm: atomics_sysmem: %d entries for %u devices\n",
		       num_atomics_sysmem, num_devices);
		return -EINVAL;
	}

	buf = kstrdup(links, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = buf;
	while (!err && (entry = strsep(&cur, ",")) != NULL) {
		if (!*entry)
			continue;
		err = vsvm_link_parse(entry, num_devices, &spec);
		/* At most one link per pair: a full table means a repeat. */
		if (!err && (vsvm_num_links == VSVM_MAX_LINKS ||
			     vsvm_link_repeated(&spec, vsvm_num_links))) {
			pr_err("vsvm: links: '%s': devices %u and %u are linked twice\n",
			       entry, spec.a, spec.b);
			err = -EINVAL;
		}
		if (!err)
			vsvm_links[vsvm_num_links++] = spec;
	}
	kfree(buf);
	return err;
}

/**
 * vsvm_topology_device() - Give a device its group and capabilities
 * @vdev: the device, set up with the SVM core and not yet registered
 */
void vsvm_topology_device(struct vsvm_device *vdev)
{
	unsigned int i = vdev->index;

	drm_svm_device_set_group(&vdev->svm, i < num_groups ? groups[i] : 0);
	vdev->svm.caps = DRM_SVM_DEVICE_NO_FAULTS;
	if (atomics_sysmem[i])
		vdev->svm.caps |= DRM_SVM_DEVICE_ATOMICS_SYSTEM;
}

/**
 * vsvm_topology_link() - Hand a new device's links to the SVM core
 * @vdev: the device, probed and not yet registered
 * @devices: the devices bound, by index, @vdev included
 *
 * Sets both directions of every link of the ``links`` parameter between
 * @vdev and a device that is bound. Devices probe one after the other, at
 * load and when bound again, so that each link is set once both its ends
 * exist. Until then a device reaches only its own memory and system
 * memory, which is always correct.
 *
 * Returns: 0, or the error of drm_svm_link_set().
 */
int vsvm_topology_link(struct vsvm_device *vdev,
		       struct vsvm_device *const *devices)
{
	struct vsvm_link_spec *spec;
	struct vsvm_device *peer;
	unsigned int i;
	int err;

	for (i = 0; i < vsvm_num_links; i++) {
		spec = &vsvm_links[i];
		if (spec->a != vdev->index && spec->b != vdev->index)
			continue;
		peer = devices[spec->a == vdev->index ? spec->b : spec->a];
		if (!peer)
			continue;
		err = drm_svm_link_set(&vdev->svm, &peer->svm, &spec->link);
		if (!err)
			err = drm_svm_link_set(&peer->svm, &vdev->svm,
					       &spec->link);
		if (err)
			return err;
	}
	return 0;
}

/**
 * vsvm_topology_ioctl() - DRM_IOCTL_VSVM_TOPOLOGY
 * @drm: the device
 * @data: &struct drm_svm_topology
 * @file: the caller's DRM file
 *
 * Returns: 0 on success, or the errors of drm_svm_ioctl_topology().
 */
int vsvm_topology_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	return drm_svm_ioctl_topology(&to_vsvm_device(drm)->svm, data);
}

// SPDX-License-Identifier: MIT
/*
 * svm_demo - show what the drm_svm virtual GPUs can do.
 *
 * Finds every vsvm render node, asks each for its description and prints
 * it. Exits non-zero if no device answers.
 *
 * Copyright © 2026 The drm_svm authors
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "vsvm_drm.h"

#define MAX_NODES 64

static int is_vsvm(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	int ret = v && !strcmp(v->name, "vsvm");

	drmFreeVersion(v);
	return ret;
}

static int show_device(const char *node)
{
	struct drm_vsvm_device_query q = {};
	int fd, ret = -1;

	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "svm_demo: open %s: %s\n", node, strerror(errno));
		return -1;
	}
	if (!is_vsvm(fd))
		goto out_close;

	if (drmIoctl(fd, DRM_IOCTL_VSVM_DEVICE_QUERY, &q)) {
		fprintf(stderr, "svm_demo: %s: device query: %s\n", node,
			strerror(errno));
		goto out_close;
	}
	printf("  vsvm%u  %-22s VRAM %5llu MiB  uAPI %u.%u  (%u devices)\n",
	       q.index, node, (unsigned long long)q.vram_size >> 20,
	       q.uapi_major, q.uapi_minor, q.num_devices);
	ret = 0;

out_close:
	close(fd);
	return ret;
}

int main(void)
{
	drmDevicePtr devs[MAX_NODES];
	int i, n, found = 0;

	n = drmGetDevices2(0, devs, MAX_NODES);
	if (n < 0) {
		fprintf(stderr, "svm_demo: drmGetDevices2: %s\n", strerror(-n));
		return 1;
	}

	printf("svm_demo: virtual GPUs found:\n");
	for (i = 0; i < n; i++) {
		if (!(devs[i]->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		if (!show_device(devs[i]->nodes[DRM_NODE_RENDER]))
			found++;
	}
	drmFreeDevices(devs, n);

	printf("svm_demo: %d device(s)\n", found);
	return found ? 0 : 1;
}

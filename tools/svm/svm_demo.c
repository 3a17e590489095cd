// SPDX-License-Identifier: MIT
/*
 * svm_demo - show what the drm_svm virtual GPUs can do.
 *
 * Lists the vsvm devices, then runs GPU jobs over ordinary malloc()
 * memory: the batch buffer itself is malloc'd too, nothing is pinned or
 * registered, and the GPU faults the pages in on first touch. Every result
 * is checked against what the CPU computes; the program exits non-zero on
 * any mismatch.
 *
 * Copyright © 2026 The drm_svm authors
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "vsvm_drm.h"
#include "vsvm_tool.h"

#define MAX_NODES	64
#define BUF_SIZE	(8u << 20)
#define PAGE		4096ul

#define VSVM_MAX_DEVICES_DEMO	8

static int fds[VSVM_MAX_DEVICES_DEMO];
static char lines[VSVM_MAX_DEVICES_DEMO][96];

/* Open and describe every vsvm render node; fds[] is indexed by device. */
static int find_devices(void)
{
	drmDevicePtr devs[MAX_NODES];
	int i, n, found = 0;

	n = drmGetDevices2(0, devs, MAX_NODES);
	if (n < 0) {
		fprintf(stderr, "svm_demo: drmGetDevices2: %s\n", strerror(-n));
		return 0;
	}
	for (i = 0; i < n; i++) {
		struct drm_vsvm_device_query q;
		const char *node;
		int fd;

		if (!(devs[i]->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		node = devs[i]->nodes[DRM_NODE_RENDER];
		fd = vsvm_tool_open(node, &q);
		if (fd < 0)
			continue;
		if (q.index >= VSVM_MAX_DEVICES_DEMO) {
			close(fd);
			continue;
		}
		snprintf(lines[q.index], sizeof(lines[q.index]),
			 "  vsvm%u  %-22s VRAM %5llu MiB  uAPI %u.%u\n",
			 q.index, node, (unsigned long long)q.vram_size >> 20,
			 q.uapi_major, q.uapi_minor);
		fds[q.index] = fd;
		found++;
	}
	drmFreeDevices(devs, n);

	for (i = 0; i < VSVM_MAX_DEVICES_DEMO; i++)
		fputs(lines[i], stdout);
	return found;
}

static uint64_t checksum(const void *p, size_t len)
{
	const uint64_t *w = p;
	uint64_t h = VSVM_CHECKSUM_SEED;
	size_t i;

	for (i = 0; i < len / 8; i++)
		h = (h ^ w[i]) * VSVM_CHECKSUM_PRIME;
	return h;
}

static uint32_t vm_create(int fd)
{
	struct drm_svm_vm_create c = {};

	if (drmIoctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &c)) {
		perror("svm_demo: vm create");
		exit(1);
	}
	return c.vm_id;
}

/* Bind the pages holding [p, p + len) at the same GPU address. */
static void vm_bind(int fd, uint32_t vm, const void *p, size_t len)
{
	uint64_t start = (uintptr_t)p & ~(PAGE - 1);
	uint64_t end = ((uintptr_t)p + len + PAGE - 1) & ~(PAGE - 1);
	struct drm_svm_vm_bind b = {
		.vm_id = vm,
		.op = DRM_SVM_BIND_OP_MAP,
		.cpu_addr = start,
		.gpu_addr = start,
		.range = end - start,
	};

	if (drmIoctl(fd, DRM_IOCTL_VSVM_VM_BIND, &b)) {
		perror("svm_demo: vm bind");
		exit(1);
	}
}

/* Run a batch and wait for it; returns the job's record. */
static struct drm_vsvm_job_query run(int fd, uint32_t vm, uint64_t *batch,
				     size_t words)
{
	struct drm_vsvm_job_query q = {};
	struct drm_vsvm_exec e = {
		.vm_id = vm,
		.batch_addr = (uintptr_t)batch,
		.batch_len = words * 8,
	};
	uint32_t syncobj;

	if (drmSyncobjCreate(fd, 0, &syncobj)) {
		perror("svm_demo: syncobj");
		exit(1);
	}
	e.syncobj = syncobj;
	if (drmIoctl(fd, DRM_IOCTL_VSVM_EXEC, &e)) {
		perror("svm_demo: exec");
		exit(1);
	}
	/* A failed job signals too; its record says why. */
	if (drmSyncobjWait(fd, &syncobj, 1, INT64_MAX, 0, NULL)) {
		perror("svm_demo: wait");
		exit(1);
	}
	drmSyncobjDestroy(fd, syncobj);
	q.job_id = e.job_id;
	if (drmIoctl(fd, DRM_IOCTL_VSVM_JOB_QUERY, &q)) {
		perror("svm_demo: job query");
		exit(1);
	}
	return q;
}

static int failures;

static void report(const char *what, struct drm_vsvm_job_query q, bool ok)
{
	printf("  %-46s %-6s faults %4llu  %s\n", what,
	       q.status == DRM_VSVM_JOB_DONE ? "done" : "FAILED",
	       (unsigned long long)q.faults, ok ? "ok" : "MISMATCH");
	if (q.status != DRM_VSVM_JOB_DONE)
		printf("    job error %d (%s), fault at %#llx, access %u\n",
		       q.error, strerror(-q.error),
		       (unsigned long long)q.fault.address, q.fault.access);
	if (!ok || q.status != DRM_VSVM_JOB_DONE)
		failures++;
}

int main(void)
{
	uint64_t *batch, *result, sum;
	struct drm_vsvm_job_query q;
	uint32_t vm0, vm1;
	uint8_t *buf, *mid;
	size_t i;
	int n;

	printf("svm_demo: virtual GPUs found:\n");
	n = find_devices();
	printf("svm_demo: %d device(s)\n", n);
	if (!n)
		return 1;

	buf = malloc(BUF_SIZE);
	batch = malloc(64 * sizeof(*batch));
	if (!buf || !batch)
		return 1;
	/* The GPU writes results into memory it can reach: the batch's tail. */
	result = &batch[63];

	printf("svm_demo: GPU jobs on vsvm0 over malloc'd memory (%u MiB):\n",
	       BUF_SIZE >> 20);
	vm0 = vm_create(fds[0]);
	vm_bind(fds[0], vm0, buf, BUF_SIZE);
	vm_bind(fds[0], vm0, batch, 64 * sizeof(*batch));

	batch[0] = VSVM_CMD_FILL;
	batch[1] = (uintptr_t)buf;
	batch[2] = BUF_SIZE;
	batch[3] = 0x5a5a1234;
	batch[4] = VSVM_CMD_END;
	q = run(fds[0], vm0, batch, 5);
	for (i = 0; i < BUF_SIZE && ((uint32_t *)buf)[i / 4] == 0x5a5a1234; i += 4)
		;
	report("GPU fill, CPU checks every byte", q, i == BUF_SIZE);

	batch[0] = VSVM_CMD_CHECKSUM;
	batch[1] = (uintptr_t)buf;
	batch[2] = BUF_SIZE;
	batch[3] = (uintptr_t)result;
	batch[4] = VSVM_CMD_END;
	q = run(fds[0], vm0, batch, 5);
	report("GPU checksum again: pages already mapped", q,
	       *result == checksum(buf, BUF_SIZE));

	memset(buf + BUF_SIZE / 2, 0x77, 4096);
	sum = checksum(buf, BUF_SIZE);
	q = run(fds[0], vm0, batch, 5);
	report("CPU writes a page, GPU checksum sees it", q, *result == sum);

	if (n > 1) {
		vm1 = vm_create(fds[1]);
		vm_bind(fds[1], vm1, buf, BUF_SIZE);
		vm_bind(fds[1], vm1, batch, 64 * sizeof(*batch));
		q = run(fds[1], vm1, batch, 5);
		report("vsvm1 checksums the same malloc'd buffer", q,
		       *result == sum);
	}

	/* Drop two pages from the middle: the CPU and the GPU read zeros. */
	mid = (uint8_t *)(((uintptr_t)buf + BUF_SIZE / 2) & ~(PAGE - 1));
	if (madvise(mid, 2 * PAGE, MADV_DONTNEED) == 0) {
		sum = checksum(buf, BUF_SIZE);
		q = run(fds[0], vm0, batch, 5);
		report("CPU drops 2 pages (MADV_DONTNEED), GPU sees 0s", q,
		       *result == sum);
	}

	printf("svm_demo: %s\n", failures ? "FAILED" : "all results correct");
	return failures ? 1 : 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the drm_svm tools.
 *
 * Copyright © 2026 The drm_svm authors
 */
#ifndef VSVM_TOOL_H
#define VSVM_TOOL_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "vsvm_drm.h"

/*
 * Open render node @node if it is a vsvm device, and describe it in @q.
 * Returns the fd; -ENODEV for a node that cannot be opened or is another
 * driver's; -errno of the device query when that fails.
 */
static inline int vsvm_tool_open(const char *node,
				 struct drm_vsvm_device_query *q)
{
	drmVersionPtr v;
	int fd, vsvm, err;

	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -ENODEV;
	v = drmGetVersion(fd);
	vsvm = v && !strcmp(v->name, "vsvm");
	drmFreeVersion(v);
	if (!vsvm) {
		close(fd);
		return -ENODEV;
	}

	memset(q, 0, sizeof(*q));
	if (drmIoctl(fd, DRM_IOCTL_VSVM_DEVICE_QUERY, q)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/*
 * A user fence (uAPI 2.0): the end of a device's jobs, one after the
 * other, as a timeline in a page of its own. Each job chains an extension
 * that makes the kernel store the job's result in @error, then the next
 * value of the timeline in @value, when the job ends; the wait ioctl
 * sleeps until @value reaches the last value handed out.
 */
struct vsvm_tool_fence {
	/* Stored by the kernel: the value of the last job that ended */
	uint64_t value;
	/* Stored by the kernel before @value: that job's result */
	int64_t error;
	/* The last value handed out */
	uint64_t last;
	/* The extension of the last job */
	struct drm_svm_ext_user_fence ext;
};

#define VSVM_TOOL_FENCE_SIZE	4096

/* A fence, or NULL with errno set. */
static inline struct vsvm_tool_fence *vsvm_tool_fence_create(void)
{
	void *f = mmap(NULL, VSVM_TOOL_FENCE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return f == MAP_FAILED ? NULL : f;
}

/* Only once the fence's jobs ended, or their fd is closed. */
static inline void vsvm_tool_fence_destroy(struct vsvm_tool_fence *f)
{
	if (f)
		munmap(f, VSVM_TOOL_FENCE_SIZE);
}

/* Chain a user fence with @f's next value at the head of @extensions. */
static inline void vsvm_tool_fence_chain(struct vsvm_tool_fence *f,
					 __u64 *extensions)
{
	f->ext = (struct drm_svm_ext_user_fence) {
		.base.next_extension = *extensions,
		.base.name = DRM_SVM_EXT_USER_FENCE,
		.addr = (uintptr_t)&f->value,
		.value = ++f->last,
		.error_addr = (uintptr_t)&f->error,
	};
	*extensions = (uintptr_t)&f->ext;
}

/*
 * Sleep in DRM_IOCTL_VSVM_WAIT_USER_FENCE until @f's last job ended, for
 * at most @timeout_ns (negative: no limit), through any vsvm fd @fd of
 * the process. drmIoctl() calls again after a signal, with the time left
 * the kernel wrote back. Returns 0 or -errno: -ETIME on a timeout.
 */
static inline int vsvm_tool_fence_wait(int fd, struct vsvm_tool_fence *f,
				       int64_t timeout_ns)
{
	struct drm_svm_wait_user_fence w = {
		.addr = (uintptr_t)&f->value,
		.value = f->last,
		.mask = ~0ull,
		.op = DRM_SVM_UFENCE_WAIT_GTE,
		.timeout_ns = timeout_ns,
	};

	if (drmIoctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w))
		return -errno;
	return 0;
}

/* The result of @f's last job that ended, as the kernel stored it. */
static inline int64_t vsvm_tool_fence_error(const struct vsvm_tool_fence *f)
{
	return __atomic_load_n(&f->error, __ATOMIC_ACQUIRE);
}

#endif /* VSVM_TOOL_H */

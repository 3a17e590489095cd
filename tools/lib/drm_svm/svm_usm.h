/* SPDX-License-Identifier: MIT */
/*
 * svm_usm.h: the managed-memory calls of CUDA, HIP and SYCL USM, on
 * libdrm_svm. A header of static functions, meant to be read: it shows
 * what each call becomes with drm_svm.
 *
 * Copyright © 2026 The drm_svm authors
 *
 *  - usm_malloc_shared() is malloc() plus a bind of the memory at its CPU
 *    address in a VM of every device: no copy, no pinning, any CPU pointer
 *    into it is a GPU pointer too. cudaMallocManaged, hipMallocManaged,
 *    sycl::malloc_shared.
 *  - usm_mem_advise() takes the advice names of cudaMemAdvise and
 *    hipMemAdvise and maps them onto the process's memory attributes:
 *    SetPreferredLocation/UnsetPreferredLocation onto
 *    DRM_SVM_ATTR_PREFERRED_LOC, SetAccessedBy/UnsetAccessedBy onto
 *    DRM_SVM_ATTR_ACCESSED_BY (a set of devices, which the shim adds to or
 *    takes from, run by run of the range), SetReadMostly/UnsetReadMostly
 *    onto DRM_SVM_ATTR_READ_MOSTLY.
 *  - usm_prefetch() is cudaMemPrefetchAsync and sycl::queue::prefetch,
 *    synchronous here: a prefetch to a device moves the range into its
 *    memory and maps it there, one to USM_CPU moves it to system memory.
 *
 * Devices are numbered 0 .. num_devices - 1 in a context, USM_CPU being
 * the host, as cudaCpuDeviceId is. Pointers and lengths need no alignment:
 * the calls work on the pages they touch. Every call returns 0 or a
 * negative errno, except usm_malloc_shared(), which returns NULL with
 * errno set.
 */
#ifndef SVM_USM_H
#define SVM_USM_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "libdrm_svm.h"

#define USM_CPU			(-1)
#define USM_MAX_DEVICES		DRM_SVM_MAX_DEVICES
/* Sub-ranges svm_attr_query() reports at once in usm_mem_advise(). */
#define USM_ADVISE_RUNS		64

/* The advice of cudaMemAdvise, with its values. */
enum usm_advice {
	USM_ADVISE_SET_READ_MOSTLY = 1,
	USM_ADVISE_UNSET_READ_MOSTLY = 2,
	USM_ADVISE_SET_PREFERRED_LOCATION = 3,
	USM_ADVISE_UNSET_PREFERRED_LOCATION = 4,
	USM_ADVISE_SET_ACCESSED_BY = 5,
	USM_ADVISE_UNSET_ACCESSED_BY = 6,
};

struct usm_alloc {
	struct usm_alloc *next;
	void *ptr;
	size_t size;
};

/**
 * struct usm_context - The devices a runtime uses, each with one VM
 * @num_devices: devices in use
 * @fd: their render nodes
 * @vm: the VM of the process on each
 * @svm_id: the SVM device id of each
 * @allocs: what usm_malloc_shared() handed out, for usm_free()
 */
struct usm_context {
	unsigned int num_devices;
	int fd[USM_MAX_DEVICES];
	uint32_t vm[USM_MAX_DEVICES];
	uint32_t svm_id[USM_MAX_DEVICES];
	struct usm_alloc *allocs;
};

static inline size_t usm_page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* The pages of [@ptr, @ptr + @len): *@start and *@size. */
static inline int usm_pages(const void *ptr, size_t len, uintptr_t *start,
			    uint64_t *size)
{
	uintptr_t mask = usm_page_size() - 1, p = (uintptr_t)ptr;

	if (!ptr || !len || p + len < p || p + len + mask < p + len)
		return -EINVAL;
	*start = p & ~mask;
	*size = ((p + len + mask) & ~mask) - *start;
	return 0;
}

static inline bool usm_device_ok(const struct usm_context *ctx, int device)
{
	return device >= 0 && (unsigned int)device < ctx->num_devices;
}

/*
 * Clear the advice on @a: the C library hands its memory out again, and
 * the attributes stay with the addresses until they are unmapped.
 */
static inline void usm_unadvise(struct usm_context *ctx,
				const struct usm_alloc *a)
{
	int fd = ctx->fd[0];

	svm_set_preferred_loc(fd, a->ptr, a->size, DRM_SVM_LOC_NONE, -1);
	svm_set_accessed_by(fd, a->ptr, a->size, NULL, 0);
	svm_set_read_mostly(fd, a->ptr, a->size, false);
	svm_set_granularity(fd, a->ptr, a->size, 0);
	svm_set_atomics(fd, a->ptr, a->size, DRM_SVM_ATOMICS_DEFAULT);
}

static inline void usm_fini(struct usm_context *ctx)
{
	struct usm_alloc *a;

	while ((a = ctx->allocs)) {
		ctx->allocs = a->next;
		usm_unadvise(ctx, a);
		free(a->ptr);
		free(a);
	}
	while (ctx->num_devices--) {
		svm_vm_destroy(ctx->fd[ctx->num_devices],
			       ctx->vm[ctx->num_devices]);
		svm_close(ctx->fd[ctx->num_devices]);
	}
	ctx->num_devices = 0;
}

/**
 * usm_init() - Open the first @num_devices vsvm devices, a VM on each
 * @ctx: the context to set up
 * @num_devices: 1 .. USM_MAX_DEVICES
 *
 * Returns 0, -EINVAL for a bad count, -ENODEV when there are fewer
 * devices, or the error of a VM create.
 */
static inline int usm_init(struct usm_context *ctx, unsigned int num_devices)
{
	struct svm_device_info info;
	int fd, err;

	*ctx = (struct usm_context) {};
	if (!num_devices || num_devices > USM_MAX_DEVICES)
		return -EINVAL;
	while (ctx->num_devices < num_devices) {
		fd = svm_open_index(ctx->num_devices);
		if (fd < 0) {
			err = fd;
			goto err_fini;
		}
		err = svm_device_info(fd, &info);
		if (!err)
			err = svm_vm_create(fd, 0, &ctx->vm[ctx->num_devices]);
		if (err) {
			svm_close(fd);
			goto err_fini;
		}
		ctx->svm_id[ctx->num_devices] = info.svm_id;
		ctx->fd[ctx->num_devices++] = fd;
	}
	return 0;

err_fini:
	usm_fini(ctx);
	return err;
}

/* Unbind @a from the first @n devices. */
static inline void usm_unbind(struct usm_context *ctx,
			      const struct usm_alloc *a, unsigned int n)
{
	while (n--)
		svm_unbind(ctx->fd[n], ctx->vm[n], (uintptr_t)a->ptr, a->size);
}

/**
 * usm_malloc_shared() - Memory that the CPU and every device share
 * @ctx: the context
 * @size: bytes
 *
 * Page-aligned memory from the C library, bound at its own address in the
 * VM of every device. Returns it, or NULL with errno set.
 */
static inline void *usm_malloc_shared(struct usm_context *ctx, size_t size)
{
	size_t page = usm_page_size();
	struct usm_alloc *a;
	unsigned int i;
	int err = -ENOMEM;

	if (!size || size > SIZE_MAX - page) {
		errno = EINVAL;
		return NULL;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		goto err;
	a->size = (size + page - 1) & ~(page - 1);
	if (posix_memalign(&a->ptr, page, a->size))
		goto err_free;
	for (i = 0; i < ctx->num_devices; i++) {
		err = svm_bind(ctx->fd[i], ctx->vm[i], a->ptr,
			       (uintptr_t)a->ptr, a->size, 0);
		if (err)
			goto err_unbind;
	}
	a->next = ctx->allocs;
	ctx->allocs = a;
	return a->ptr;

err_unbind:
	usm_unbind(ctx, a, i);
	free(a->ptr);
err_free:
	free(a);
err:
	errno = -err;
	return NULL;
}

/** usm_free() - Unbind and free what usm_malloc_shared() returned */
static inline int usm_free(struct usm_context *ctx, void *ptr)
{
	struct usm_alloc **p, *a;

	for (p = &ctx->allocs; (a = *p); p = &a->next) {
		if (a->ptr != ptr)
			continue;
		*p = a->next;
		usm_unbind(ctx, a, ctx->num_devices);
		usm_unadvise(ctx, a);
		free(a->ptr);
		free(a);
		return 0;
	}
	return -EINVAL;
}

/*
 * Add @device to, or take it from, the accessed-by set of every run of
 * equal attributes in the pages [@start, @start + @size): the kernel's
 * attribute replaces the whole set, CUDA's advice changes one device.
 * Devices of the set outside @ctx cannot be named by an fd and drop out.
 */
static inline int usm_accessed_by(struct usm_context *ctx, uintptr_t start,
				  uint64_t size, int device, bool add)
{
	struct drm_svm_attr_range runs[USM_ADVISE_RUNS];
	uint32_t n, i, bits;
	uintptr_t at = start, end = start + size, to;
	int fds[USM_MAX_DEVICES], num, err;
	unsigned int d;

	while (at < end) {
		n = USM_ADVISE_RUNS;
		err = svm_attr_query(ctx->fd[0], (void *)at, end - at, runs, &n);
		/* More runs than room: these first, the rest in the next pass */
		if (err == -ENOSPC)
			n = USM_ADVISE_RUNS;
		else if (err)
			return err;
		if (!n)
			return -EIO;
		for (i = 0; i < n && at < end; i++) {
			bits = runs[i].accessed_by;
			if (add)
				bits |= 1u << ctx->svm_id[device];
			else
				bits &= ~(1u << ctx->svm_id[device]);
			for (num = 0, d = 0; d < ctx->num_devices; d++)
				if (bits & (1u << ctx->svm_id[d]))
					fds[num++] = ctx->fd[d];
			to = runs[i].end < end ? runs[i].end : end;
			err = svm_set_accessed_by(ctx->fd[0], (void *)at,
						  to - at, fds, num);
			if (err)
				return err;
			at = to;
		}
	}
	return 0;
}

/**
 * usm_mem_advise() - cudaMemAdvise on drm_svm
 * @ctx: the context
 * @ptr: first byte
 * @len: bytes
 * @advice: what to advise
 * @device: the device the advice names (USM_CPU for the host, where the
 *	advice allows it: the preferred location); ignored by the
 *	read-mostly and the unset-preferred-location advice
 */
static inline int usm_mem_advise(struct usm_context *ctx, const void *ptr,
				 size_t len, enum usm_advice advice, int device)
{
	uintptr_t start;
	uint64_t size;
	int fd, err;

	err = usm_pages(ptr, len, &start, &size);
	if (err || !ctx->num_devices)
		return err ?: -ENODEV;
	fd = ctx->fd[0];
	switch (advice) {
	case USM_ADVISE_SET_READ_MOSTLY:
	case USM_ADVISE_UNSET_READ_MOSTLY:
		return svm_set_read_mostly(fd, (void *)start, size,
					   advice == USM_ADVISE_SET_READ_MOSTLY);
	case USM_ADVISE_SET_PREFERRED_LOCATION:
		if (device == USM_CPU)
			return svm_set_preferred_loc(fd, (void *)start, size,
						     DRM_SVM_LOC_SYSTEM, -1);
		if (!usm_device_ok(ctx, device))
			return -EINVAL;
		return svm_set_preferred_loc(fd, (void *)start, size,
					     DRM_SVM_LOC_DEVICE,
					     ctx->fd[device]);
	case USM_ADVISE_UNSET_PREFERRED_LOCATION:
		return svm_set_preferred_loc(fd, (void *)start, size,
					     DRM_SVM_LOC_NONE, -1);
	case USM_ADVISE_SET_ACCESSED_BY:
	case USM_ADVISE_UNSET_ACCESSED_BY:
		if (!usm_device_ok(ctx, device))
			return -EINVAL;
		return usm_accessed_by(ctx, start, size, device,
				       advice == USM_ADVISE_SET_ACCESSED_BY);
	}
	return -EINVAL;
}

/**
 * usm_prefetch() - Move memory to a device, or to the host with USM_CPU
 * @ctx: the context
 * @ptr: first byte, in memory of usm_malloc_shared()
 * @len: bytes
 * @device: the device, or USM_CPU
 */
static inline int usm_prefetch(struct usm_context *ctx, const void *ptr,
			       size_t len, int device)
{
	uintptr_t start;
	uint64_t size;
	int err;

	err = usm_pages(ptr, len, &start, &size);
	if (err || !ctx->num_devices)
		return err ?: -ENODEV;
	if (device == USM_CPU)
		return svm_prefetch(ctx->fd[0], ctx->vm[0], start, size,
				    DRM_SVM_REGION_SYSTEM, NULL);
	if (!usm_device_ok(ctx, device))
		return -EINVAL;
	return svm_prefetch(ctx->fd[device], ctx->vm[device], start, size,
			    DRM_SVM_REGION_DEVICE, NULL);
}

/**
 * usm_run() - Run a batch of vsvm commands on a device and wait for it
 * @ctx: the context
 * @device: the device
 * @batch: the commands, in memory of usm_malloc_shared()
 * @len: bytes of the batch
 *
 * Returns the job's result: 0, or the error it failed with.
 */
static inline int usm_run(struct usm_context *ctx, int device,
			  const uint64_t *batch, size_t len)
{
	if (!usm_device_ok(ctx, device))
		return -EINVAL;
	return svm_exec_wait(ctx->fd[device], ctx->vm[device], batch, len, -1,
			     NULL);
}

#endif /* SVM_USM_H */

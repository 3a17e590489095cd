// SPDX-License-Identifier: MIT
/*
 * libdrm_svm: see libdrm_svm.h.
 *
 * Copyright © 2026 The drm_svm authors
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libdrm_svm.h"

#define SVM_RENDER_MINOR_FIRST	128
#define SVM_RENDER_MINORS	64
#define SVM_FENCE_SIZE		4096

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

struct svm_fence {
	/* Stored by the kernel: the value of the last work that ended */
	uint64_t value;
	/* Stored by the kernel before @value: that work's result */
	int64_t error;
	/* The last value handed out */
	uint64_t last;
	/* The extension of the last work */
	struct drm_svm_ext_user_fence ext;
};

/* drmIoctl() restarts on EINTR and EAGAIN; give its errno back negated. */
static int svm_ioctl(int fd, unsigned long request, void *arg)
{
	return drmIoctl(fd, request, arg) ? -errno : 0;
}

static bool svm_is_vsvm(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool vsvm = v && !strcmp(v->name, "vsvm");

	drmFreeVersion(v);
	return vsvm;
}

static int svm_query(int fd, struct drm_vsvm_device_query *q)
{
	memset(q, 0, sizeof(*q));
	return svm_ioctl(fd, DRM_IOCTL_VSVM_DEVICE_QUERY, q);
}

int svm_open(const char *path)
{
	struct drm_vsvm_device_query q;
	int fd, err;

	if (!path)
		return -EINVAL;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -ENODEV;
	err = -ENODEV;
	if (!svm_is_vsvm(fd))
		goto err_close;
	err = svm_query(fd, &q);
	if (err)
		goto err_close;
	err = -EPROTO;
	if (q.uapi_major != DRM_VSVM_UAPI_MAJOR)
		goto err_close;
	return fd;

err_close:
	close(fd);
	return err;
}

int svm_open_index(unsigned int index)
{
	struct drm_vsvm_device_query q;
	char path[64];
	unsigned int i;
	int fd;

	for (i = 0; i < SVM_RENDER_MINORS; i++) {
		snprintf(path, sizeof(path), "%s/renderD%u", DRM_DIR_NAME,
			 SVM_RENDER_MINOR_FIRST + i);
		fd = svm_open(path);
		if (fd < 0)
			continue;
		if (!svm_query(fd, &q) && q.index == index)
			return fd;
		close(fd);
	}
	return -ENODEV;
}

int svm_close(int fd)
{
	return close(fd) ? -errno : 0;
}

int svm_device_info(int fd, struct svm_device_info *info)
{
	struct drm_vsvm_device_query q;
	int err;

	if (!info)
		return -EINVAL;
	err = svm_query(fd, &q);
	if (err)
		return err;
	*info = (struct svm_device_info) {
		.index = q.index,
		.num_devices = q.num_devices,
		.svm_id = q.svm_device_id,
		.coherent = q.vram_mode == DRM_VSVM_VRAM_COHERENT,
		.vram_size = q.vram_size,
		.uapi_major = q.uapi_major,
		.uapi_minor = q.uapi_minor,
	};
	return 0;
}

int svm_topology(int fd, struct drm_svm_topology_device *devices,
		 uint32_t *num_devices, struct drm_svm_topology_link *links,
		 uint32_t *num_links)
{
	struct drm_svm_topology t = {};
	int err;

	if (!num_devices || !num_links ||
	    (*num_devices && !devices) || (*num_links && !links))
		return -EINVAL;
	t.num_devices = *num_devices;
	t.num_links = *num_links;
	t.devices = (uintptr_t)devices;
	t.links = (uintptr_t)links;
	err = svm_ioctl(fd, DRM_IOCTL_VSVM_TOPOLOGY, &t);
	if (err)
		return err;
	/* A call with both counts zero only sizes the arrays. */
	err = (*num_devices || *num_links) &&
	      (t.num_devices > *num_devices || t.num_links > *num_links);
	*num_devices = t.num_devices;
	*num_links = t.num_links;
	return err ? -ENOSPC : 0;
}

int svm_vm_create(int fd, uint32_t flags, uint32_t *vm_id)
{
	struct drm_svm_vm_create c = { .flags = flags };
	int err;

	if (!vm_id)
		return -EINVAL;
	err = svm_ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &c);
	if (!err)
		*vm_id = c.vm_id;
	return err;
}

int svm_vm_destroy(int fd, uint32_t vm_id)
{
	struct drm_svm_vm_destroy d = { .vm_id = vm_id };

	return svm_ioctl(fd, DRM_IOCTL_VSVM_VM_DESTROY, &d);
}

int svm_bind(int fd, uint32_t vm_id, const void *cpu, uint64_t gpu_addr,
	     uint64_t size, uint32_t flags)
{
	struct drm_svm_vm_bind b = {
		.vm_id = vm_id,
		.op = DRM_SVM_BIND_OP_MAP,
		.cpu_addr = (uintptr_t)cpu,
		.gpu_addr = gpu_addr,
		.range = size,
		.flags = flags,
	};

	return svm_ioctl(fd, DRM_IOCTL_VSVM_VM_BIND, &b);
}

int svm_bind_userptr(int fd, uint32_t vm_id, const void *cpu, uint64_t size,
		     bool readonly)
{
	return svm_bind(fd, vm_id, cpu, (uintptr_t)cpu, size,
			DRM_SVM_BIND_FLAG_NO_MIGRATE |
			(readonly ? DRM_SVM_BIND_FLAG_READONLY : 0));
}

int svm_unbind(int fd, uint32_t vm_id, uint64_t gpu_addr, uint64_t size)
{
	struct drm_svm_vm_bind b = {
		.vm_id = vm_id,
		.op = DRM_SVM_BIND_OP_UNMAP,
		.gpu_addr = gpu_addr,
		.range = size,
	};

	return svm_ioctl(fd, DRM_IOCTL_VSVM_VM_BIND, &b);
}

/* One madvise call; @m has its type and its member of the union set. */
static int svm_madvise(int fd, const void *start, uint64_t size,
		       struct drm_svm_madvise *m)
{
	m->start = (uintptr_t)start;
	m->range = size;
	return svm_ioctl(fd, DRM_IOCTL_VSVM_MADVISE, m);
}

int svm_set_preferred_loc(int fd, const void *start, uint64_t size,
			  uint32_t location, int dev_fd)
{
	struct drm_svm_madvise m = {
		.type = DRM_SVM_ATTR_PREFERRED_LOC,
		.preferred_loc.location = location,
		.preferred_loc.fd = location == DRM_SVM_LOC_DEVICE ? dev_fd : -1,
	};

	return svm_madvise(fd, start, size, &m);
}

int svm_set_accessed_by(int fd, const void *start, uint64_t size,
			const int *dev_fds, uint32_t num_fds)
{
	struct drm_svm_madvise m = {
		.type = DRM_SVM_ATTR_ACCESSED_BY,
		.accessed_by.fds = (uintptr_t)dev_fds,
		.accessed_by.num_fds = num_fds,
	};

	if (num_fds && !dev_fds)
		return -EINVAL;
	return svm_madvise(fd, start, size, &m);
}

int svm_set_read_mostly(int fd, const void *start, uint64_t size,
			bool enable)
{
	struct drm_svm_madvise m = {
		.type = DRM_SVM_ATTR_READ_MOSTLY,
		.read_mostly.enable = enable,
	};

	return svm_madvise(fd, start, size, &m);
}

int svm_set_granularity(int fd, const void *start, uint64_t size,
			uint64_t bytes)
{
	struct drm_svm_madvise m = {
		.type = DRM_SVM_ATTR_GRANULARITY,
		.granularity.size = bytes,
	};

	return svm_madvise(fd, start, size, &m);
}

int svm_set_atomics(int fd, const void *start, uint64_t size, uint32_t mode)
{
	struct drm_svm_madvise m = {
		.type = DRM_SVM_ATTR_ATOMICS,
		.atomics.mode = mode,
	};

	return svm_madvise(fd, start, size, &m);
}

int svm_attr_query(int fd, const void *start, uint64_t size,
		   struct drm_svm_attr_range *ranges, uint32_t *num_ranges)
{
	struct drm_svm_attr_query q = {
		.start = (uintptr_t)start,
		.range = size,
		.ranges = (uintptr_t)ranges,
	};
	int err;

	if (!num_ranges || (*num_ranges && !ranges))
		return -EINVAL;
	q.num_ranges = *num_ranges;
	err = svm_ioctl(fd, DRM_IOCTL_VSVM_ATTR_QUERY, &q);
	if (err)
		return err;
	/* A call with a count of zero only counts the runs. */
	err = *num_ranges && q.num_ranges > *num_ranges ? -ENOSPC : 0;
	*num_ranges = q.num_ranges;
	return err;
}

int svm_residency(int fd, uint32_t vm_id, uint64_t gpu_addr, uint64_t npages,
		  struct drm_svm_page_residency *pages,
		  struct drm_svm_block_policy *blocks)
{
	struct drm_svm_residency r = {
		.vm_id = vm_id,
		.gpu_addr = gpu_addr,
		.npages = npages,
		.pages = (uintptr_t)pages,
		.blocks = (uintptr_t)blocks,
	};

	if (!pages)
		return -EINVAL;
	return svm_ioctl(fd, DRM_IOCTL_VSVM_RESIDENCY, &r);
}

/*
 * Look @key up in the fdinfo text @buf: a line "key:<blanks>number ...".
 * Returns 0 or -ENODATA.
 */
static int svm_fdinfo_find(const char *buf, const char *key, uint64_t *value)
{
	size_t len = strlen(key);
	const char *line = buf;
	char *end;

	while (strncmp(line, key, len) || line[len] != ':') {
		line = strchr(line, '\n');
		if (!line)
			return -ENODATA;
		line++;
	}
	errno = 0;
	*value = strtoull(line + len + 1, &end, 10);
	return errno || end == line + len + 1 ? -ENODATA : 0;
}

/* The fdinfo of @fd, NUL-terminated, into @buf of @size bytes. */
static int svm_fdinfo_read(int fd, char *buf, size_t size)
{
	char path[64];
	ssize_t n, len = 0;
	int info, err = 0;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	info = open(path, O_RDONLY | O_CLOEXEC);
	if (info < 0)
		return -errno;
	while ((size_t)len < size - 1) {
		n = read(info, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = -errno;
		if (n <= 0)
			break;
		len += n;
	}
	close(info);
	buf[len] = '\0';
	return err;
}

#define SVM_FDINFO_SIZE	8192

int svm_fdinfo_value(int fd, const char *key, uint64_t *value)
{
	char *buf;
	int err;

	if (!key || !value)
		return -EINVAL;
	buf = malloc(SVM_FDINFO_SIZE);
	if (!buf)
		return -ENOMEM;
	err = svm_fdinfo_read(fd, buf, SVM_FDINFO_SIZE);
	if (!err)
		err = svm_fdinfo_find(buf, key, value);
	free(buf);
	return err;
}

int svm_stats(int fd, struct svm_stats *stats)
{
	static const struct {
		const char *key;
		size_t offset;
	} keys[] = {
		{ "vsvm-gpu-faults", offsetof(struct svm_stats, gpu_faults) },
		{ "vsvm-cpu-faults", offsetof(struct svm_stats, cpu_faults) },
		{ "vsvm-to-vram", offsetof(struct svm_stats, to_vram_kib) },
		{ "vsvm-to-ram", offsetof(struct svm_stats, to_ram_kib) },
		{ "vsvm-from-peer", offsetof(struct svm_stats, from_peer_kib) },
		{ "vsvm-evictions", offsetof(struct svm_stats, evictions) },
		{ "vsvm-bounces", offsetof(struct svm_stats, bounces) },
		{ "drm-resident-vram",
		  offsetof(struct svm_stats, resident_vram_kib) },
	};
	unsigned int i;
	char *buf;
	int err;

	if (!stats)
		return -EINVAL;
	buf = malloc(SVM_FDINFO_SIZE);
	if (!buf)
		return -ENOMEM;
	err = svm_fdinfo_read(fd, buf, SVM_FDINFO_SIZE);
	for (i = 0; !err && i < ARRAY_SIZE(keys); i++)
		err = svm_fdinfo_find(buf, keys[i].key,
				      (uint64_t *)((char *)stats +
						   keys[i].offset));
	free(buf);
	return err;
}

int svm_fence_create(struct svm_fence **fence)
{
	void *f;

	if (!fence)
		return -EINVAL;
	f = mmap(NULL, SVM_FENCE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f == MAP_FAILED)
		return -errno;
	*fence = f;
	return 0;
}

void svm_fence_destroy(struct svm_fence *fence)
{
	if (fence)
		munmap(fence, SVM_FENCE_SIZE);
}

uint64_t svm_fence_chain(struct svm_fence *fence, __u64 *extensions)
{
	fence->ext = (struct drm_svm_ext_user_fence) {
		.base.next_extension = *extensions,
		.base.name = DRM_SVM_EXT_USER_FENCE,
		.addr = (uintptr_t)&fence->value,
		.value = ++fence->last,
		.error_addr = (uintptr_t)&fence->error,
	};
	*extensions = (uintptr_t)&fence->ext;
	return fence->last;
}

int svm_fence_wait(int fd, struct svm_fence *fence, int64_t timeout_ns)
{
	struct drm_svm_wait_user_fence w = {
		.mask = ~0ull,
		.op = DRM_SVM_UFENCE_WAIT_GTE,
		.timeout_ns = timeout_ns,
	};

	if (!fence)
		return -EINVAL;
	w.addr = (uintptr_t)&fence->value;
	w.value = fence->last;
	return svm_ioctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w);
}

int64_t svm_fence_error(const struct svm_fence *fence)
{
	return __atomic_load_n(&fence->error, __ATOMIC_ACQUIRE);
}

int svm_exec(int fd, uint32_t vm_id, const uint64_t *batch, uint64_t len,
	     struct svm_fence *fence, uint64_t *job_id)
{
	struct drm_vsvm_exec e = {
		.vm_id = vm_id,
		.batch_addr = (uintptr_t)batch,
		.batch_len = len,
	};
	int err;

	if (!batch)
		return -EINVAL;
	if (fence)
		svm_fence_chain(fence, &e.extensions);
	err = svm_ioctl(fd, DRM_IOCTL_VSVM_EXEC, &e);
	if (err && fence)
		fence->last--;
	if (!err && job_id)
		*job_id = e.job_id;
	return err;
}

int svm_job_query(int fd, uint64_t job_id, struct drm_vsvm_job_query *q)
{
	if (!q)
		return -EINVAL;
	memset(q, 0, sizeof(*q));
	q->job_id = job_id;
	return svm_ioctl(fd, DRM_IOCTL_VSVM_JOB_QUERY, q);
}

int svm_exec_wait(int fd, uint32_t vm_id, const uint64_t *batch,
		  uint64_t len, int64_t timeout_ns,
		  struct drm_vsvm_job_query *q)
{
	struct svm_fence *fence;
	uint64_t job;
	int err;

	err = svm_fence_create(&fence);
	if (err)
		return err;
	err = svm_exec(fd, vm_id, batch, len, fence, &job);
	if (err)
		goto out_destroy;
	err = svm_fence_wait(fd, fence, timeout_ns);
	if (err)
		/* The job may not have ended: the fence must outlive it. */
		return err;
	if (q)
		err = svm_job_query(fd, job, q);
	if (!err)
		err = svm_fence_error(fence);

out_destroy:
	svm_fence_destroy(fence);
	return err;
}

static int svm_prefetch_ioctl(int fd, struct drm_svm_prefetch *p,
			      struct svm_fence *fence)
{
	int err;

	if (fence)
		svm_fence_chain(fence, &p->extensions);
	err = svm_ioctl(fd, DRM_IOCTL_VSVM_PREFETCH, p);
	if (err && fence)
		fence->last--;
	return err;
}

int svm_prefetch(int fd, uint32_t vm_id, uint64_t gpu_addr, uint64_t size,
		 uint32_t region, uint64_t *moved)
{
	return svm_prefetch_flags(fd, vm_id, gpu_addr, size, region, 0, moved);
}

int svm_prefetch_flags(int fd, uint32_t vm_id, uint64_t gpu_addr,
		       uint64_t size, uint32_t region, uint32_t flags,
		       uint64_t *moved)
{
	struct drm_svm_prefetch p = {
		.vm_id = vm_id,
		.region = region,
		.gpu_addr = gpu_addr,
		.range = size,
		.flags = flags,
	};
	int err;

	err = svm_prefetch_ioctl(fd, &p, NULL);
	if (!err && moved)
		*moved = p.moved;
	return err;
}

int svm_prefetch_async(int fd, uint32_t vm_id, uint64_t gpu_addr,
		       uint64_t size, uint32_t region,
		       struct svm_fence *fence)
{
	struct drm_svm_prefetch p = {
		.vm_id = vm_id,
		.region = region,
		.gpu_addr = gpu_addr,
		.range = size,
	};

	if (!fence)
		return -EINVAL;
	return svm_prefetch_ioctl(fd, &p, fence);
}

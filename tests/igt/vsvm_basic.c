// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm basic
 * Category: Core
 * Description: Basic checks of the vsvm device query ioctl: every vsvm
 *		render node answers it consistently, and malformed arguments
 *		are rejected with the documented errno.
 *
 * SUBTEST: query
 * Description: Every vsvm render node answers the device query with a
 *		distinct index in 0..n-1, n being the number of nodes and the
 *		reported device count, a VRAM size that is a non-zero multiple
 *		of 2 MiB, a known VRAM mode, a distinct SVM device id below
 *		DRM_SVM_MAX_DEVICES and a compatible uAPI version; a second
 *		query gives the same answer.
 *
 * SUBTEST: open-close-all
 * Description: Open, query and close every vsvm render node 100 times.
 *
 * SUBTEST: bad-flags
 * Description: A query with non-zero flags fails with EINVAL.
 *
 * SUBTEST: bad-pad
 * Description: A query with non-zero pad fails with EINVAL.
 *
 * SUBTEST: bad-reserved-0
 * Description: A query with non-zero reserved[0] fails with EINVAL.
 *
 * SUBTEST: bad-reserved-1
 * Description: A query with non-zero reserved[1] fails with EINVAL.
 *
 * SUBTEST: bad-reserved-2
 * Description: A query with non-zero reserved[2] fails with EINVAL.
 *
 * SUBTEST: bad-extension-name
 * Description: A query with an extension fails with EINVAL, as the query
 *		defines none.
 *
 * SUBTEST: bad-extension-pad
 * Description: A query with an extension whose pad is non-zero fails with
 *		EINVAL.
 *
 * SUBTEST: bad-extension-pointer
 * Description: A query whose extension pointer cannot be read fails with
 *		EFAULT.
 *
 * SUBTEST: bad-ioctl-nr
 * Description: A driver ioctl number past the last vsvm ioctl fails with
 *		EINVAL.
 */

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_drm.h"

IGT_TEST_DESCRIPTION("Basic checks of the vsvm device query ioctl.");

#define VRAM_ALIGN		(2ull << 20)
#define OPEN_CLOSE_LOOPS	100

/* Driver ioctl numbers are compact: this one is past the last. */
#define DRM_IOCTL_VSVM_BAD_NR	DRM_IOWR(DRM_COMMAND_BASE + 0x3f, \
					 struct drm_vsvm_device_query)

#define QUERY_FIELD_SIZE(field) \
	sizeof(((struct drm_vsvm_device_query *)0)->field)

#define BAD_FIELD(test, field) \
	{ test, offsetof(struct drm_vsvm_device_query, field), \
	  QUERY_FIELD_SIZE(field) }

/* MBZ input fields, each set to all ones by its own subtest. */
static const struct bad_field {
	const char *name;
	size_t offset;
	size_t size;
} bad_fields[] = {
	BAD_FIELD("bad-flags", flags),
	BAD_FIELD("bad-pad", pad),
	BAD_FIELD("bad-reserved-0", reserved[0]),
	BAD_FIELD("bad-reserved-1", reserved[1]),
	BAD_FIELD("bad-reserved-2", reserved[2]),
	{ .name = NULL }
};

_Static_assert(QUERY_FIELD_SIZE(reserved) ==
	       3 * QUERY_FIELD_SIZE(reserved[0]),
	       "one bad-reserved-N subtest per reserved[] element");

/*
 * Valid chain pointers to an extension the query rejects. No extension
 * is defined for the query, so every name is unknown: the pad case can
 * only isolate its field once one is, and must then use a valid name.
 */
static const struct bad_extension {
	const char *name;
	struct drm_svm_user_extension ext;
} bad_extensions[] = {
	{ "bad-extension-name", { .name = 0 } },
	{ "bad-extension-pad", { .pad = 1 } },
	{ .name = NULL }
};

static void query(int fd, struct drm_vsvm_device_query *q)
{
	memset(q, 0, sizeof(*q));
	igt_assert_eq(vsvm_query(fd, q), 0);
}

static void check_answer(const struct drm_vsvm_device_query *q, int num)
{
	igt_assert_f(q->index < (__u32)num, "index %u but %d devices\n",
		     q->index, num);
	igt_assert_eq_u32(q->num_devices, num);
	igt_assert_neq_u64(q->vram_size, 0);
	igt_assert_eq_u64(q->vram_size % VRAM_ALIGN, 0);
	igt_assert_eq_u32(q->uapi_major, DRM_VSVM_UAPI_MAJOR);
	igt_assert_lte(DRM_VSVM_UAPI_MINOR, q->uapi_minor);
	igt_assert_f(q->svm_device_id < DRM_SVM_MAX_DEVICES,
		     "svm device id %u\n", q->svm_device_id);
	igt_assert_f(q->vram_mode == DRM_VSVM_VRAM_PRIVATE ||
		     q->vram_mode == DRM_VSVM_VRAM_COHERENT,
		     "vram mode %u\n", q->vram_mode);
}

static void test_query(int num)
{
	struct drm_vsvm_device_query q, again;
	bool *seen = calloc(num, sizeof(*seen));
	uint64_t ids = 0;
	int i, fd;

	igt_assert(seen);

	/*
	 * Node by node rather than by index, so that duplicate or missing
	 * indices show. @num distinct indices below @num: each once.
	 */
	for (i = 0; i < num; i++) {
		fd = vsvm_open_node(i);
		igt_assert_fd(fd);

		query(fd, &q);
		check_answer(&q, num);
		igt_assert_f(!seen[q.index], "index %u reported twice\n",
			     q.index);
		seen[q.index] = true;
		igt_assert_f(!(ids & 1ull << q.svm_device_id),
			     "svm device id %u reported twice\n",
			     q.svm_device_id);
		ids |= 1ull << q.svm_device_id;

		query(fd, &again);
		igt_assert(!memcmp(&q, &again, sizeof(q)));
		close(fd);
	}

	free(seen);
}

static void test_open_close_all(int num)
{
	struct drm_vsvm_device_query q;
	char **paths = calloc(num, sizeof(*paths));
	int loop, i, fd;

	igt_assert(paths);
	for (i = 0; i < num; i++) {
		fd = vsvm_open_render(i);
		igt_assert_fd(fd);
		paths[i] = drmGetRenderDeviceNameFromFd(fd);
		igt_assert(paths[i]);
		close(fd);
	}

	for (loop = 0; loop < OPEN_CLOSE_LOOPS; loop++) {
		for (i = 0; i < num; i++) {
			fd = open(paths[i], O_RDWR | O_CLOEXEC);
			igt_assert_fd(fd);
			query(fd, &q);
			igt_assert_eq_u32(q.index, i);
			igt_assert_eq(close(fd), 0);
		}
	}

	for (i = 0; i < num; i++)
		free(paths[i]);
	free(paths);
}

static void test_bad_field(int fd, const struct bad_field *f)
{
	struct drm_vsvm_device_query q = {};

	memset((char *)&q + f->offset, 0xff, f->size);
	do_ioctl_err(fd, DRM_IOCTL_VSVM_DEVICE_QUERY, &q, EINVAL);
}

static void test_bad_extension(int fd, const struct bad_extension *e)
{
	struct drm_svm_user_extension ext = e->ext;
	struct drm_vsvm_device_query q = {
		.extensions = (uintptr_t)&ext,
	};

	do_ioctl_err(fd, DRM_IOCTL_VSVM_DEVICE_QUERY, &q, EINVAL);
}

static void test_bad_extension_pointer(int fd)
{
	struct drm_vsvm_device_query q = {};
	size_t size = getpagesize();
	void *ptr;

	/* Mapped but unreadable: copy_from_user() must fail. */
	ptr = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(ptr != MAP_FAILED);

	q.extensions = (uintptr_t)ptr;
	do_ioctl_err(fd, DRM_IOCTL_VSVM_DEVICE_QUERY, &q, EFAULT);
	munmap(ptr, size);
}

static void test_bad_ioctl_nr(int fd)
{
	struct drm_vsvm_device_query q = {};

	do_ioctl_err(fd, DRM_IOCTL_VSVM_BAD_NR, &q, EINVAL);
}

igt_main
{
	const struct bad_extension *e;
	const struct bad_field *f;
	int num = 0, fd = -1;

	igt_fixture {
		num = vsvm_count_devices();
		igt_require_f(num > 0, "No vsvm render node; is vsvm loaded?\n");
		fd = vsvm_open_render(0);
		igt_assert_fd(fd);
	}

	igt_subtest("query")
		test_query(num);

	igt_subtest("open-close-all")
		test_open_close_all(num);

	for (f = bad_fields; f->name; f++)
		igt_subtest_f("%s", f->name)
			test_bad_field(fd, f);

	for (e = bad_extensions; e->name; e++)
		igt_subtest_f("%s", e->name)
			test_bad_extension(fd, e);

	igt_subtest("bad-extension-pointer")
		test_bad_extension_pointer(fd);

	igt_subtest("bad-ioctl-nr")
		test_bad_ioctl_nr(fd);

	igt_fixture
		close(fd);
}

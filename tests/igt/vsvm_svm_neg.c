// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm svm neg
 * Category: Core
 * Description: Negative tests of the vsvm SVM ioctls (VM create, destroy
 *		and bind, exec, job query) and of the user fence extension
 *		of exec and prefetch: each subtest starts from valid
 *		arguments, breaks exactly one thing and expects the
 *		documented errno; a failed exec or prefetch writes no user
 *		fence and makes no job. Also jobs that fail on a fatal fault
 *		or a bad command, with the error their record and user
 *		fence report.
 *
 * SUBTEST: vm-create-bad-flags
 * Description: VM create with an unknown flag fails with EINVAL.
 *
 * SUBTEST: vm-create-bad-reserved-0
 * Description: VM create with non-zero reserved[0] fails with EINVAL.
 *
 * SUBTEST: vm-create-bad-reserved-1
 * Description: VM create with non-zero reserved[1] fails with EINVAL.
 *
 * SUBTEST: vm-create-bad-extension-name
 * Description: VM create with an extension of unknown name fails with
 *		EINVAL.
 *
 * SUBTEST: vm-create-bad-extension-pointer
 * Description: VM create with an unreadable extension pointer fails with
 *		EFAULT.
 *
 * SUBTEST: vm-destroy-unknown-id
 * Description: Destroying a VM id that does not exist fails with ENOENT.
 *
 * SUBTEST: vm-destroy-bad-pad
 * Description: VM destroy with non-zero pad fails with EINVAL and keeps
 *		the VM.
 *
 * SUBTEST: vm-destroy-bad-reserved-0
 * Description: VM destroy with non-zero reserved[0] fails with EINVAL and
 *		keeps the VM.
 *
 * SUBTEST: vm-destroy-bad-reserved-1
 * Description: VM destroy with non-zero reserved[1] fails with EINVAL and
 *		keeps the VM.
 *
 * SUBTEST: vm-destroy-bad-extension-pointer
 * Description: VM destroy with an unreadable extension pointer fails with
 *		EFAULT and keeps the VM.
 *
 * SUBTEST: vm-destroy-double
 * Description: Destroying a VM a second time fails with ENOENT.
 *
 * SUBTEST: bind-unknown-vm
 * Description: A map on an unknown VM id fails with ENOENT.
 *
 * SUBTEST: bind-bad-op
 * Description: A bind with an unknown op fails with EINVAL.
 *
 * SUBTEST: bind-bad-pad
 * Description: A map with non-zero pad fails with EINVAL.
 *
 * SUBTEST: bind-bad-reserved-0
 * Description: A map with non-zero reserved[0] fails with EINVAL.
 *
 * SUBTEST: bind-bad-reserved-1
 * Description: A map with non-zero reserved[1] fails with EINVAL.
 *
 * SUBTEST: bind-bad-flags-bit-3
 * Description: A map with flag bit 3, the lowest unknown, fails with
 *		EINVAL.
 *
 * SUBTEST: bind-bad-flags-bit-31
 * Description: A map with flag bit 31 fails with EINVAL.
 *
 * SUBTEST: bind-zero-range
 * Description: A map of zero bytes fails with EINVAL.
 *
 * SUBTEST: bind-unaligned-cpu
 * Description: A map with a CPU address not page aligned fails with
 *		EINVAL.
 *
 * SUBTEST: bind-unaligned-gpu
 * Description: A map with a GPU address not page aligned fails with
 *		EINVAL.
 *
 * SUBTEST: bind-unaligned-range
 * Description: A map of a size not page aligned fails with EINVAL.
 *
 * SUBTEST: bind-cpu-wrap
 * Description: A map whose CPU range wraps around the end of the address
 *		space fails with EINVAL.
 *
 * SUBTEST: bind-gpu-wrap
 * Description: A map whose GPU range wraps around the end of the address
 *		space fails with EINVAL.
 *
 * SUBTEST: bind-cpu-beyond-va
 * Description: A map of CPU addresses in the kernel half fails with
 *		EINVAL.
 *
 * SUBTEST: bind-gpu-beyond-va
 * Description: A map at GPU address 1 << 47, past the end of the GPU
 *		address space, fails with EINVAL.
 *
 * SUBTEST: bind-gpu-end-beyond-va
 * Description: A map starting below 1 << 47 and ending past it fails with
 *		EINVAL.
 *
 * SUBTEST: unbind-unknown-vm
 * Description: An unmap on an unknown VM id fails with ENOENT.
 *
 * SUBTEST: unbind-nonzero-cpu
 * Description: An unmap with a non-zero CPU address fails with EINVAL.
 *
 * SUBTEST: unbind-nonzero-flags
 * Description: An unmap with non-zero flags fails with EINVAL.
 *
 * SUBTEST: unbind-bad-pad
 * Description: An unmap with non-zero pad fails with EINVAL.
 *
 * SUBTEST: unbind-bad-reserved-0
 * Description: An unmap with non-zero reserved[0] fails with EINVAL.
 *
 * SUBTEST: unbind-bad-reserved-1
 * Description: An unmap with non-zero reserved[1] fails with EINVAL.
 *
 * SUBTEST: unbind-zero-range
 * Description: An unmap of zero bytes fails with EINVAL.
 *
 * SUBTEST: unbind-unaligned-gpu
 * Description: An unmap at a GPU address not page aligned fails with
 *		EINVAL.
 *
 * SUBTEST: unbind-unaligned-range
 * Description: An unmap of a size not page aligned fails with EINVAL.
 *
 * SUBTEST: unbind-gpu-wrap
 * Description: An unmap whose range wraps fails with EINVAL.
 *
 * SUBTEST: bind-bad-extension-pointer
 * Description: A map with an unreadable extension pointer fails with
 *		EFAULT.
 *
 * SUBTEST: bind-populate-hole
 * Description: A populating map over addresses with no CPU mapping fails
 *		with EFAULT.
 *
 * SUBTEST: bind-populate-prot-none
 * Description: A populating map over PROT_NONE memory fails with EFAULT.
 *
 * SUBTEST: bind-populate-readonly
 * Description: A writable populating map over PROT_READ memory fails with
 *		EPERM.
 *
 * SUBTEST: exec-unknown-vm
 * Description: Exec on an unknown VM id fails with ENOENT.
 *
 * SUBTEST: exec-bad-flags
 * Description: Exec with non-zero flags fails with EINVAL.
 *
 * SUBTEST: exec-bad-pad
 * Description: Exec with non-zero pad fails with EINVAL.
 *
 * SUBTEST: exec-bad-reserved-0
 * Description: Exec with non-zero reserved[0] fails with EINVAL.
 *
 * SUBTEST: exec-bad-reserved-1
 * Description: Exec with non-zero reserved[1] fails with EINVAL.
 *
 * SUBTEST: exec-zero-len
 * Description: Exec of an empty batch fails with EINVAL.
 *
 * SUBTEST: exec-unaligned-len
 * Description: Exec of a batch length that is not a multiple of 8 fails
 *		with EINVAL.
 *
 * SUBTEST: exec-too-long
 * Description: Exec of a batch longer than VSVM_MAX_BATCH_SIZE fails with
 *		EINVAL.
 *
 * SUBTEST: exec-wrap
 * Description: Exec of a batch that wraps around the end of the address
 *		space fails with EINVAL.
 *
 * SUBTEST: exec-nonzero-syncobj
 * Description: Exec with a non-zero syncobj fails with EOPNOTSUPP: jobs
 *		end through user fences, vsvm makes no dma-fence.
 *
 * SUBTEST: exec-bad-extension-pointer
 * Description: Exec with an unreadable extension pointer fails with
 *		EFAULT.
 *
 * SUBTEST: exec-max-len
 * Description: Exec of a batch of exactly VSVM_MAX_BATCH_SIZE bytes is
 *		accepted and runs.
 *
 * SUBTEST: exec-ufence-zero-addr
 * Description: Exec with a user fence at address 0 fails with EINVAL, returns
 *		no job and writes neither fence word.
 *
 * SUBTEST: exec-ufence-unaligned-addr
 * Description: Exec with a user fence whose addr is not 8-byte aligned fails
 *		with EINVAL, returns no job and writes neither fence word.
 *
 * SUBTEST: exec-ufence-unaligned-error-addr
 * Description: Exec with a user fence whose error_addr is not 8-byte aligned
 *		fails with EINVAL, returns no job and writes neither fence word.
 *
 * SUBTEST: exec-ufence-bad-reserved-0
 * Description: Exec with a user fence with non-zero reserved[0] fails with
 *		EINVAL, returns no job and writes neither fence word.
 *
 * SUBTEST: exec-ufence-bad-reserved-1
 * Description: Exec with a user fence with non-zero reserved[1] fails with
 *		EINVAL, returns no job and writes neither fence word.
 *
 * SUBTEST: exec-ufence-bad-pad
 * Description: Exec with a user fence with non-zero base.pad fails with EINVAL,
 *		returns no job and writes neither fence word.
 *
 * SUBTEST: exec-ufence-two-fences
 * Description: Exec with two user fences in its extension chain fails with
 *		EINVAL, returns no job and writes neither fence word.
 *
 * SUBTEST: exec-ufence-then-unknown-extension
 * Description: Exec with a valid user fence followed by an extension of unknown
 *		name fails with EINVAL, returns no job and writes neither fence
 *		word.
 *
 * SUBTEST: exec-ufence-unmapped-addr
 * Description: Exec with a user fence at an address unmapped before the ioctl
 *		fails with EFAULT, returns no job and writes neither fence word.
 *
 * SUBTEST: exec-ufence-unmapped-error-addr
 * Description: Exec with a user fence whose error_addr was unmapped before the
 *		ioctl fails with EFAULT, returns no job and writes neither fence
 *		word.
 *
 * SUBTEST: exec-ufence-readonly-addr
 * Description: Exec with a user fence in PROT_READ memory fails with EFAULT,
 *		returns no job and writes neither fence word.
 *
 * SUBTEST: exec-ufence-readonly-error-addr
 * Description: Exec with a user fence whose error_addr is in PROT_READ memory
 *		fails with EFAULT, returns no job and writes neither fence word.
 *
 * SUBTEST: exec-ufence-prot-none-addr
 * Description: Exec with a user fence in PROT_NONE memory fails with EFAULT,
 *		returns no job and writes neither fence word.
 *
 * SUBTEST: prefetch-ufence-zero-addr
 * Description: Prefetch with a user fence at address 0 fails with EINVAL and
 *		writes neither fence word.
 *
 * SUBTEST: prefetch-ufence-unaligned-addr
 * Description: Prefetch with a user fence whose addr is not 8-byte aligned
 *		fails with EINVAL and writes neither fence word.
 *
 * SUBTEST: prefetch-ufence-unaligned-error-addr
 * Description: Prefetch with a user fence whose error_addr is not 8-byte
 *		aligned fails with EINVAL and writes neither fence word.
 *
 * SUBTEST: prefetch-ufence-bad-reserved-0
 * Description: Prefetch with a user fence with non-zero reserved[0] fails with
 *		EINVAL and writes neither fence word.
 *
 * SUBTEST: prefetch-ufence-bad-reserved-1
 * Description: Prefetch with a user fence with non-zero reserved[1] fails with
 *		EINVAL and writes neither fence word.
 *
 * SUBTEST: prefetch-ufence-bad-pad
 * Description: Prefetch with a user fence with non-zero base.pad fails with
 *		EINVAL and writes neither fence word.
 *
 * SUBTEST: prefetch-ufence-two-fences
 * Description: Prefetch with two user fences in its extension chain fails with
 *		EINVAL and writes neither fence word.
 *
 * SUBTEST: prefetch-ufence-then-unknown-extension
 * Description: Prefetch with a valid user fence followed by an extension of
 *		unknown name fails with EINVAL and writes neither fence word.
 *
 * SUBTEST: prefetch-ufence-unmapped-addr
 * Description: Prefetch with a user fence at an address unmapped before the
 *		ioctl fails with EFAULT and writes neither fence word.
 *
 * SUBTEST: prefetch-ufence-unmapped-error-addr
 * Description: Prefetch with a user fence whose error_addr was unmapped before
 *		the ioctl fails with EFAULT and writes neither fence word.
 *
 * SUBTEST: prefetch-ufence-readonly-addr
 * Description: Prefetch with a user fence in PROT_READ memory fails with EFAULT
 *		and writes neither fence word.
 *
 * SUBTEST: prefetch-ufence-readonly-error-addr
 * Description: Prefetch with a user fence whose error_addr is in PROT_READ
 *		memory fails with EFAULT and writes neither fence word.
 *
 * SUBTEST: prefetch-ufence-prot-none-addr
 * Description: Prefetch with a user fence in PROT_NONE memory fails with EFAULT
 *		and writes neither fence word.
 *
 * SUBTEST: job-query-unknown-id
 * Description: Querying a job id never returned fails with ENOENT.
 *
 * SUBTEST: job-query-bad-flags
 * Description: Job query with non-zero flags fails with EINVAL.
 *
 * SUBTEST: job-query-bad-pad
 * Description: Job query with non-zero pad fails with EINVAL.
 *
 * SUBTEST: job-query-bad-reserved
 * Description: Job query with non-zero reserved fails with EINVAL.
 *
 * SUBTEST: job-query-bad-extension-pointer
 * Description: Job query with an unreadable extension pointer fails with
 *		EFAULT.
 *
 * SUBTEST: job-query-expired
 * Description: After 4097 jobs on a file, the first one's record is gone
 *		(ENOENT) and the second one's, the oldest of the last 4096, is
 *		kept.
 *
 * SUBTEST: job-fault-unbound
 * Description: A STORE outside any binding fails the job with EFAULT,
 *		reported as a write fault at that address by the record, and
 *		as the error of its user fence.
 *
 * SUBTEST: job-fault-batch-unbound
 * Description: A batch outside any binding fails the job with EFAULT,
 *		reported as a read fault at the batch address.
 *
 * SUBTEST: job-bad-opcode
 * Description: An unknown command fails the job with EINVAL.
 *
 * SUBTEST: job-unaligned-store
 * Description: A STORE to an address not 8-byte aligned fails the job with
 *		EINVAL and writes nothing.
 *
 * SUBTEST: job-unaligned-fill
 * Description: A FILL at an address not 4-byte aligned fails the job with
 *		EINVAL and writes nothing.
 */

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_svm_lib.h"

IGT_TEST_DESCRIPTION("Negative tests of the vsvm SVM ioctls: one bad "
		     "argument, one documented errno.");

#define BUF_SIZE		SZ_1M
/* Not page aligned for any page size. */
#define UNALIGNED		2048ull
/* Past every id the tests create, VMs or jobs. */
#define UNKNOWN_ID_OFFSET	0x10000ull
#define TOP_PAGE		(~0ull - 4095)
#define GPU_VA_END		(1ull << 47)
#define KERNEL_HALF		0xffff800000000000ull
#define UNBOUND_GPU		SZ_1T
#define JOB_RECORDS		4096
#define FILL_PATTERN		0xa1a2a3a4u

/*
 * One field of a valid ioctl struct, replaced by @value or, with @add,
 * moved by @value from its valid value.
 */
struct field_case {
	const char *name;
	const char *desc;
	size_t offset;
	size_t size;
	uint64_t value;
	bool add;
	int err;
	/* vm-bind: DRM_SVM_BIND_OP_MAP or _UNMAP, the op of the valid base */
	uint32_t op;
};

#define FIELD(type, f) offsetof(type, f), sizeof(((type *)0)->f)

static void set_field(void *args, const struct field_case *c)
{
	uint8_t *p = (uint8_t *)args + c->offset;
	uint64_t v64;
	uint32_t v32;

	switch (c->size) {
	case 4:
		memcpy(&v32, p, 4);
		v32 = c->add ? v32 + (uint32_t)c->value : (uint32_t)c->value;
		memcpy(p, &v32, 4);
		break;
	case 8:
		memcpy(&v64, p, 8);
		v64 = c->add ? v64 + c->value : c->value;
		memcpy(p, &v64, 8);
		break;
	default:
		igt_assert_f(0, "field size %zu\n", c->size);
	}
}

/* Mapped, page aligned, readable: the extension chain cannot be read. */
static void *unreadable_page(void)
{
	return svm_mmap(svm_page_size(), PROT_NONE, MAP_PRIVATE);
}

struct env {
	int fd;
	uint32_t vm;
	uint8_t *buf;		/* BUF_SIZE, mapped and bound */
	struct svm_batch batch;	/* END, bound */
	uint64_t job;		/* a completed job */
};

/*
 * VM create
 */

#define VMC(name, f, v, desc) \
	{ "vm-create-" name, desc, FIELD(struct drm_svm_vm_create, f), v, \
	  false, EINVAL, 0 }

static const struct field_case vm_create_cases[] = {
	VMC("bad-flags", flags, 1u << 31,
	    "VM create with an unknown flag fails with EINVAL."),
	VMC("bad-reserved-0", reserved[0], 1,
	    "VM create with non-zero reserved[0] fails with EINVAL."),
	VMC("bad-reserved-1", reserved[1], 1,
	    "VM create with non-zero reserved[1] fails with EINVAL."),
	{ NULL }
};

static void test_vm_create_field(int fd, const struct field_case *c)
{
	struct drm_svm_vm_create args = {};

	set_field(&args, c);
	do_ioctl_err(fd, DRM_IOCTL_VSVM_VM_CREATE, &args, c->err);
}

static void test_vm_create_bad_extension_name(int fd)
{
	struct drm_svm_user_extension ext = { .name = 0x7fff };
	struct drm_svm_vm_create args = { .extensions = to_u64(&ext) };

	do_ioctl_err(fd, DRM_IOCTL_VSVM_VM_CREATE, &args, EINVAL);
}

static void test_vm_create_bad_extension_pointer(int fd)
{
	void *ptr = unreadable_page();
	struct drm_svm_vm_create args = { .extensions = to_u64(ptr) };

	do_ioctl_err(fd, DRM_IOCTL_VSVM_VM_CREATE, &args, EFAULT);
	munmap(ptr, svm_page_size());
}

/*
 * VM destroy: each case on a VM of its own, which must survive.
 */

#define VMD(name, f, v, add, err, desc) \
	{ "vm-destroy-" name, desc, FIELD(struct drm_svm_vm_destroy, f), v, \
	  add, err, 0 }

static const struct field_case vm_destroy_cases[] = {
	VMD("unknown-id", vm_id, UNKNOWN_ID_OFFSET, true, ENOENT,
	    "Destroying a VM id that does not exist fails with ENOENT."),
	VMD("bad-pad", pad, 1, false, EINVAL,
	    "VM destroy with non-zero pad fails with EINVAL."),
	VMD("bad-reserved-0", reserved[0], 1, false, EINVAL,
	    "VM destroy with non-zero reserved[0] fails with EINVAL."),
	VMD("bad-reserved-1", reserved[1], 1, false, EINVAL,
	    "VM destroy with non-zero reserved[1] fails with EINVAL."),
	{ NULL }
};

static void test_vm_destroy_field(int fd, const struct field_case *c)
{
	struct drm_svm_vm_destroy args = { .vm_id = svm_vm_create(fd) };
	uint32_t vm = args.vm_id;

	set_field(&args, c);
	do_ioctl_err(fd, DRM_IOCTL_VSVM_VM_DESTROY, &args, c->err);
	svm_vm_destroy(fd, vm);
}

static void test_vm_destroy_bad_extension_pointer(int fd)
{
	void *ptr = unreadable_page();
	struct drm_svm_vm_destroy args = {
		.extensions = to_u64(ptr),
		.vm_id = svm_vm_create(fd),
	};

	do_ioctl_err(fd, DRM_IOCTL_VSVM_VM_DESTROY, &args, EFAULT);
	svm_vm_destroy(fd, args.vm_id);
	munmap(ptr, svm_page_size());
}

static void test_vm_destroy_double(int fd)
{
	struct drm_svm_vm_destroy args = { .vm_id = svm_vm_create(fd) };

	do_ioctl(fd, DRM_IOCTL_VSVM_VM_DESTROY, &args);
	do_ioctl_err(fd, DRM_IOCTL_VSVM_VM_DESTROY, &args, ENOENT);
}

/*
 * VM bind: from a valid map of the env buffer at its CPU address, or a
 * valid unmap of it.
 */

#define MAP	DRM_SVM_BIND_OP_MAP
#define UNMAP	DRM_SVM_BIND_OP_UNMAP

#define BIND(name, op, f, v, add, err, desc) \
	{ name, desc, FIELD(struct drm_svm_vm_bind, f), v, add, err, op }

static const struct field_case bind_cases[] = {
	BIND("bind-unknown-vm", MAP, vm_id, UNKNOWN_ID_OFFSET, true, ENOENT,
	     "A map on an unknown VM id fails with ENOENT."),
	BIND("bind-bad-op", MAP, op, 2, false, EINVAL,
	     "A bind with an unknown op fails with EINVAL."),
	BIND("bind-bad-pad", MAP, pad, 1, false, EINVAL,
	     "A map with non-zero pad fails with EINVAL."),
	BIND("bind-bad-reserved-0", MAP, reserved[0], 1, false, EINVAL,
	     "A map with non-zero reserved[0] fails with EINVAL."),
	BIND("bind-bad-reserved-1", MAP, reserved[1], 1, false, EINVAL,
	     "A map with non-zero reserved[1] fails with EINVAL."),
	BIND("bind-bad-flags-bit-3", MAP, flags, 1u << 3, false, EINVAL,
	     "A map with flag bit 3, the lowest unknown, fails with EINVAL."),
	BIND("bind-bad-flags-bit-31", MAP, flags, 1u << 31, false, EINVAL,
	     "A map with flag bit 31 fails with EINVAL."),
	BIND("bind-zero-range", MAP, range, 0, false, EINVAL,
	     "A map of zero bytes fails with EINVAL."),
	BIND("bind-unaligned-cpu", MAP, cpu_addr, UNALIGNED, true, EINVAL,
	     "A map with a CPU address not page aligned fails with EINVAL."),
	BIND("bind-unaligned-gpu", MAP, gpu_addr, UNALIGNED, true, EINVAL,
	     "A map with a GPU address not page aligned fails with EINVAL."),
	BIND("bind-unaligned-range", MAP, range, UNALIGNED, true, EINVAL,
	     "A map of a size not page aligned fails with EINVAL."),
	BIND("bind-cpu-wrap", MAP, cpu_addr, TOP_PAGE, false, EINVAL,
	     "A map whose CPU range wraps fails with EINVAL."),
	BIND("bind-gpu-wrap", MAP, gpu_addr, TOP_PAGE, false, EINVAL,
	     "A map whose GPU range wraps fails with EINVAL."),
	BIND("bind-cpu-beyond-va", MAP, cpu_addr, KERNEL_HALF, false, EINVAL,
	     "A map of CPU addresses in the kernel half fails with EINVAL."),
	BIND("bind-gpu-beyond-va", MAP, gpu_addr, GPU_VA_END, false, EINVAL,
	     "A map at GPU address 1 << 47 fails with EINVAL."),
	BIND("bind-gpu-end-beyond-va", MAP, gpu_addr, GPU_VA_END - SZ_4K,
	     false, EINVAL,
	     "A map that ends past GPU address 1 << 47 fails with EINVAL."),
	BIND("unbind-unknown-vm", UNMAP, vm_id, UNKNOWN_ID_OFFSET, true,
	     ENOENT, "An unmap on an unknown VM id fails with ENOENT."),
	BIND("unbind-nonzero-cpu", UNMAP, cpu_addr, SZ_1M, false, EINVAL,
	     "An unmap with a non-zero CPU address fails with EINVAL."),
	BIND("unbind-nonzero-flags", UNMAP, flags, DRM_SVM_BIND_FLAG_READONLY,
	     false, EINVAL, "An unmap with non-zero flags fails with EINVAL."),
	BIND("unbind-bad-pad", UNMAP, pad, 1, false, EINVAL,
	     "An unmap with non-zero pad fails with EINVAL."),
	BIND("unbind-bad-reserved-0", UNMAP, reserved[0], 1, false, EINVAL,
	     "An unmap with non-zero reserved[0] fails with EINVAL."),
	BIND("unbind-bad-reserved-1", UNMAP, reserved[1], 1, false, EINVAL,
	     "An unmap with non-zero reserved[1] fails with EINVAL."),
	BIND("unbind-zero-range", UNMAP, range, 0, false, EINVAL,
	     "An unmap of zero bytes fails with EINVAL."),
	BIND("unbind-unaligned-gpu", UNMAP, gpu_addr, UNALIGNED, true, EINVAL,
	     "An unmap at a GPU address not page aligned fails with EINVAL."),
	BIND("unbind-unaligned-range", UNMAP, range, UNALIGNED, true, EINVAL,
	     "An unmap of a size not page aligned fails with EINVAL."),
	BIND("unbind-gpu-wrap", UNMAP, gpu_addr, TOP_PAGE, false, EINVAL,
	     "An unmap whose range wraps fails with EINVAL."),
	{ NULL }
};

static struct drm_svm_vm_bind valid_bind(const struct env *e, uint32_t op)
{
	struct drm_svm_vm_bind args = {
		.vm_id = e->vm,
		.op = op,
		.gpu_addr = to_u64(e->buf),
		.range = BUF_SIZE,
	};

	if (op == MAP)
		args.cpu_addr = to_u64(e->buf);
	return args;
}

static void test_bind_field(const struct env *e, const struct field_case *c)
{
	struct drm_svm_vm_bind args = valid_bind(e, c->op);

	set_field(&args, c);
	do_ioctl_err(e->fd, DRM_IOCTL_VSVM_VM_BIND, &args, c->err);
}

static void test_bind_bad_extension_pointer(const struct env *e)
{
	struct drm_svm_vm_bind args = valid_bind(e, MAP);
	void *ptr = unreadable_page();

	args.extensions = to_u64(ptr);
	do_ioctl_err(e->fd, DRM_IOCTL_VSVM_VM_BIND, &args, EFAULT);
	munmap(ptr, svm_page_size());
}

enum populate_what {
	POPULATE_HOLE,
	POPULATE_PROT_NONE,
	POPULATE_READONLY,
};

static const struct populate_case {
	const char *name;
	enum populate_what what;
	int err;
	const char *desc;
} populate_cases[] = {
	{ "hole", POPULATE_HOLE, EFAULT,
	  "A populating map over addresses with no CPU mapping fails with "
	  "EFAULT." },
	{ "prot-none", POPULATE_PROT_NONE, EFAULT,
	  "A populating map over PROT_NONE memory fails with EFAULT." },
	{ "readonly", POPULATE_READONLY, EPERM,
	  "A writable populating map over PROT_READ memory fails with "
	  "EPERM." },
	{ NULL }
};

static void test_bind_populate(const struct env *e,
			       const struct populate_case *c)
{
	struct drm_svm_vm_bind args = {
		.vm_id = e->vm,
		.op = MAP,
		.range = BUF_SIZE,
		.flags = DRM_SVM_BIND_FLAG_POPULATE,
	};
	uint8_t *ptr;

	switch (c->what) {
	case POPULATE_HOLE:
		ptr = svm_alloc(BUF_SIZE);
		igt_assert_eq(munmap(ptr, BUF_SIZE), 0);
		break;
	case POPULATE_PROT_NONE:
		ptr = svm_mmap(BUF_SIZE, PROT_NONE, MAP_PRIVATE);
		break;
	case POPULATE_READONLY:
		ptr = svm_mmap(BUF_SIZE, PROT_READ, MAP_PRIVATE);
		break;
	default:
		igt_assert(0);
	}

	args.cpu_addr = to_u64(ptr);
	args.gpu_addr = to_u64(ptr);
	do_ioctl_err(e->fd, DRM_IOCTL_VSVM_VM_BIND, &args, c->err);

	/* Leave nothing of it bound for the next subtests. */
	svm_unbind(e->fd, e->vm, to_u64(ptr), BUF_SIZE);
	if (c->what != POPULATE_HOLE)
		munmap(ptr, BUF_SIZE);
}

/*
 * Exec: from a valid exec of the env batch, [END, 0].
 */

#define EXEC_LEN	16

#define EXEC(name, f, v, add, err, desc) \
	{ "exec-" name, desc, FIELD(struct drm_vsvm_exec, f), v, add, err, 0 }

static const struct field_case exec_cases[] = {
	EXEC("unknown-vm", vm_id, UNKNOWN_ID_OFFSET, true, ENOENT,
	     "Exec on an unknown VM id fails with ENOENT."),
	EXEC("bad-flags", flags, 1, false, EINVAL,
	     "Exec with non-zero flags fails with EINVAL."),
	EXEC("bad-pad", pad, 1, false, EINVAL,
	     "Exec with non-zero pad fails with EINVAL."),
	EXEC("bad-reserved-0", reserved[0], 1, false, EINVAL,
	     "Exec with non-zero reserved[0] fails with EINVAL."),
	EXEC("bad-reserved-1", reserved[1], 1, false, EINVAL,
	     "Exec with non-zero reserved[1] fails with EINVAL."),
	EXEC("zero-len", batch_len, 0, false, EINVAL,
	     "Exec of an empty batch fails with EINVAL."),
	EXEC("unaligned-len", batch_len, 12, false, EINVAL,
	     "Exec of a length not a multiple of 8 fails with EINVAL."),
	EXEC("too-long", batch_len, VSVM_MAX_BATCH_SIZE + 8, false, EINVAL,
	     "Exec of a batch longer than VSVM_MAX_BATCH_SIZE fails with "
	     "EINVAL."),
	EXEC("wrap", batch_addr, ~0ull - 7, false, EINVAL,
	     "Exec of a batch that wraps fails with EINVAL."),
	EXEC("nonzero-syncobj", syncobj, 1, false, EOPNOTSUPP,
	     "Exec with a non-zero syncobj fails with EOPNOTSUPP."),
	{ NULL }
};

static struct drm_vsvm_exec valid_exec(const struct env *e)
{
	struct drm_vsvm_exec args = {
		.vm_id = e->vm,
		.batch_addr = svm_batch_addr(&e->batch),
		.batch_len = EXEC_LEN,
	};

	return args;
}

/*
 * User fences of ioctls that must fail point into pages of SENTINEL words,
 * which must still hold them once later work of the same queue has ended:
 * the failed ioctl queued nothing and stored nothing.
 */
#define SENTINEL	0xa5a5a5a5u

static uint64_t *sentinel_page(int prot)
{
	uint64_t *p = svm_alloc(svm_page_size());

	memset(p, SENTINEL & 0xff, svm_page_size());
	if (prot != (PROT_READ | PROT_WRITE))
		igt_assert_eq(mprotect(p, svm_page_size(), prot), 0);
	return p;
}

static void assert_sentinel_page(uint64_t *p)
{
	igt_assert_eq(mprotect(p, svm_page_size(), PROT_READ), 0);
	svm_assert_value(p, svm_page_size(), SENTINEL);
	igt_assert_eq(munmap(p, svm_page_size()), 0);
}

/* A valid user fence, storing 1 and its error to @words[0] and [1]. */
static struct drm_svm_ext_user_fence sentinel_fence(uint64_t *words)
{
	struct drm_svm_ext_user_fence uf = {
		.base.name = DRM_SVM_EXT_USER_FENCE,
		.addr = to_u64(&words[0]),
		.value = 1,
		.error_addr = to_u64(&words[1]),
	};

	return uf;
}

/* A job in @e's VM, on a fence of its own, must end well. */
static void run_good_job(const struct env *e)
{
	struct svm_fence *f = svm_fence_create();
	struct drm_vsvm_job_query q;
	uint64_t job;

	job = svm_exec(e->fd, e->vm, svm_batch_addr(&e->batch), EXEC_LEN, f);
	svm_wait_job(e->fd, f, SVM_JOB_TIMEOUT_NS);
	igt_assert_eq(svm_fence_status(f), 1);
	svm_job_query(e->fd, job, &q);
	igt_assert_eq_u32(q.status, DRM_VSVM_JOB_DONE);
	svm_fence_destroy(f);
}

/* An asynchronous prefetch in @e's VM must end well. */
static void run_good_prefetch(const struct env *e)
{
	struct svm_fence *f = svm_fence_create();

	igt_assert_eq(svm_prefetch_async(e->fd, e->vm, to_u64(e->buf),
					 BUF_SIZE, DRM_SVM_REGION_SYSTEM, f),
		      1);
	svm_fence_destroy(f);
}

/* With a valid user fence, which the failed exec must not write. */
static void test_exec_field(const struct env *e, const struct field_case *c)
{
	struct drm_vsvm_exec args = valid_exec(e);
	uint64_t *words = sentinel_page(PROT_READ | PROT_WRITE);
	struct drm_svm_ext_user_fence uf = sentinel_fence(words);

	args.extensions = to_u64(&uf);
	set_field(&args, c);
	do_ioctl_err(e->fd, DRM_IOCTL_VSVM_EXEC, &args, c->err);
	igt_assert_eq_u64(args.job_id, 0);

	run_good_job(e);
	assert_sentinel_page(words);
}

static void test_exec_bad_extension_pointer(const struct env *e)
{
	struct drm_vsvm_exec args = valid_exec(e);
	void *ptr = unreadable_page();

	args.extensions = to_u64(ptr);
	do_ioctl_err(e->fd, DRM_IOCTL_VSVM_EXEC, &args, EFAULT);
	munmap(ptr, svm_page_size());
}

static void test_exec_max_len(const struct env *e)
{
	/* Zeroed: END first, the rest never read. */
	uint64_t *batch = calloc(1, VSVM_MAX_BATCH_SIZE);
	struct svm_fence *f = svm_fence_create();
	struct drm_vsvm_job_query q;
	uint64_t job;

	igt_assert(batch);
	igt_assert_eq(__svm_bind_span(e->fd, e->vm, batch,
				      VSVM_MAX_BATCH_SIZE, 0), 0);
	job = svm_exec(e->fd, e->vm, to_u64(batch), VSVM_MAX_BATCH_SIZE, f);
	svm_wait_job(e->fd, f, SVM_JOB_TIMEOUT_NS);
	igt_assert_eq(svm_fence_status(f), 1);
	svm_job_query(e->fd, job, &q);
	igt_assert_eq_u32(q.status, DRM_VSVM_JOB_DONE);
	igt_assert_eq(q.error, 0);

	svm_fence_destroy(f);
	free(batch);
}

/*
 * User fences: from a valid user fence on a valid exec or (asynchronous)
 * prefetch, one thing broken.
 */

enum ufence_what {
	UF_ZERO_ADDR,
	UF_UNALIGNED_ADDR,
	UF_UNALIGNED_ERROR_ADDR,
	UF_RESERVED_0,
	UF_RESERVED_1,
	UF_PAD,
	UF_TWO_FENCES,
	UF_THEN_UNKNOWN,
	UF_UNMAPPED_ADDR,
	UF_UNMAPPED_ERROR_ADDR,
	UF_READONLY_ADDR,
	UF_READONLY_ERROR_ADDR,
	UF_PROT_NONE_ADDR,
};

static const struct ufence_case {
	const char *name;
	enum ufence_what what;
	int err;
	/* Follows "Exec " or "Prefetch " */
	const char *desc;
} ufence_cases[] = {
	{ "zero-addr", UF_ZERO_ADDR, EINVAL,
	  "with a user fence at address 0 fails with EINVAL." },
	{ "unaligned-addr", UF_UNALIGNED_ADDR, EINVAL,
	  "with a user fence whose addr is not 8-byte aligned fails with "
	  "EINVAL." },
	{ "unaligned-error-addr", UF_UNALIGNED_ERROR_ADDR, EINVAL,
	  "with a user fence whose error_addr is not 8-byte aligned fails "
	  "with EINVAL." },
	{ "bad-reserved-0", UF_RESERVED_0, EINVAL,
	  "with a user fence with non-zero reserved[0] fails with EINVAL." },
	{ "bad-reserved-1", UF_RESERVED_1, EINVAL,
	  "with a user fence with non-zero reserved[1] fails with EINVAL." },
	{ "bad-pad", UF_PAD, EINVAL,
	  "with a user fence with non-zero base.pad fails with EINVAL." },
	{ "two-fences", UF_TWO_FENCES, EINVAL,
	  "with two user fences in its extension chain fails with EINVAL." },
	{ "then-unknown-extension", UF_THEN_UNKNOWN, EINVAL,
	  "with a valid user fence followed by an extension of unknown name "
	  "fails with EINVAL." },
	{ "unmapped-addr", UF_UNMAPPED_ADDR, EFAULT,
	  "with a user fence at an address unmapped before the ioctl fails "
	  "with EFAULT." },
	{ "unmapped-error-addr", UF_UNMAPPED_ERROR_ADDR, EFAULT,
	  "with a user fence whose error_addr was unmapped before the ioctl "
	  "fails with EFAULT." },
	{ "readonly-addr", UF_READONLY_ADDR, EFAULT,
	  "with a user fence in PROT_READ memory fails with EFAULT." },
	{ "readonly-error-addr", UF_READONLY_ERROR_ADDR, EFAULT,
	  "with a user fence whose error_addr is in PROT_READ memory fails "
	  "with EFAULT." },
	{ "prot-none-addr", UF_PROT_NONE_ADDR, EFAULT,
	  "with a user fence in PROT_NONE memory fails with EFAULT." },
	{ NULL }
};

enum ufence_ioctl {
	UF_EXEC,
	UF_PREFETCH,
};

static const char *const ufence_ioctl_names[] = {
	[UF_EXEC] = "exec",
	[UF_PREFETCH] = "prefetch",
};

static void test_ufence(const struct env *e, enum ufence_ioctl which,
			const struct ufence_case *c)
{
	const uint64_t ps = svm_page_size();
	uint64_t *words = sentinel_page(PROT_READ | PROT_WRITE);
	struct drm_svm_ext_user_fence uf[2];
	struct drm_svm_user_extension unknown = { .name = 1 };
	uint64_t *other = NULL, *hole = NULL;
	struct drm_svm_prefetch pf = {
		.vm_id = e->vm,
		.region = DRM_SVM_REGION_SYSTEM,
		.gpu_addr = to_u64(e->buf),
		.range = BUF_SIZE,
	};
	struct drm_vsvm_exec exec = valid_exec(e);
	int err;

	/* The second fence, if any, stores to words[2] and [3]. */
	uf[0] = sentinel_fence(words);
	uf[1] = sentinel_fence(words + 2);

	switch (c->what) {
	case UF_ZERO_ADDR:
		uf[0].addr = 0;
		break;
	case UF_UNALIGNED_ADDR:
		uf[0].addr += 4;
		break;
	case UF_UNALIGNED_ERROR_ADDR:
		uf[0].error_addr += 4;
		break;
	case UF_RESERVED_0:
		uf[0].reserved[0] = 1;
		break;
	case UF_RESERVED_1:
		uf[0].reserved[1] = 1;
		break;
	case UF_PAD:
		uf[0].base.pad = 1;
		break;
	case UF_TWO_FENCES:
		uf[0].base.next_extension = to_u64(&uf[1]);
		break;
	case UF_THEN_UNKNOWN:
		uf[0].base.next_extension = to_u64(&unknown);
		break;
	case UF_UNMAPPED_ADDR:
	case UF_UNMAPPED_ERROR_ADDR:
		hole = svm_alloc(ps);
		if (c->what == UF_UNMAPPED_ADDR)
			uf[0].addr = to_u64(hole);
		else
			uf[0].error_addr = to_u64(hole);
		break;
	case UF_READONLY_ADDR:
		other = sentinel_page(PROT_READ);
		uf[0].addr = to_u64(other);
		break;
	case UF_READONLY_ERROR_ADDR:
		other = sentinel_page(PROT_READ);
		uf[0].error_addr = to_u64(other);
		break;
	case UF_PROT_NONE_ADDR:
		other = sentinel_page(PROT_NONE);
		uf[0].addr = to_u64(other);
		break;
	}
	/* Last, so that nothing is mapped there in between. */
	if (hole)
		igt_assert_eq(munmap(hole, ps), 0);

	/*
	 * Then work queued after it, which ends after what the failed ioctl
	 * would have queued: jobs of a device, and prefetches of a VM, end
	 * in order.
	 */
	if (which == UF_EXEC) {
		exec.extensions = to_u64(&uf[0]);
		err = __svm_exec(e->fd, &exec);
		igt_assert_eq(err, -c->err);
		igt_assert_eq_u64(exec.job_id, 0);
		run_good_job(e);
	} else {
		pf.extensions = to_u64(&uf[0]);
		err = __svm_prefetch_ioctl(e->fd, &pf);
		igt_assert_eq(err, -c->err);
		run_good_prefetch(e);
	}

	assert_sentinel_page(words);
	if (other)
		assert_sentinel_page(other);
}

/*
 * Job query: from a valid query of a completed job.
 */

#define JQ(name, f, v, add, err, desc) \
	{ "job-query-" name, desc, FIELD(struct drm_vsvm_job_query, f), v, \
	  add, err, 0 }

static const struct field_case job_query_cases[] = {
	JQ("unknown-id", job_id, 1ull << 40, true, ENOENT,
	   "Querying a job id never returned fails with ENOENT."),
	JQ("bad-flags", flags, 1, false, EINVAL,
	   "Job query with non-zero flags fails with EINVAL."),
	JQ("bad-pad", pad, 1, false, EINVAL,
	   "Job query with non-zero pad fails with EINVAL."),
	JQ("bad-reserved", reserved, 1, false, EINVAL,
	   "Job query with non-zero reserved fails with EINVAL."),
	{ NULL }
};

static void test_job_query_field(const struct env *e,
				 const struct field_case *c)
{
	struct drm_vsvm_job_query args = { .job_id = e->job };

	set_field(&args, c);
	do_ioctl_err(e->fd, DRM_IOCTL_VSVM_JOB_QUERY, &args, c->err);
}

static void test_job_query_bad_extension_pointer(const struct env *e)
{
	void *ptr = unreadable_page();
	struct drm_vsvm_job_query args = {
		.extensions = to_u64(ptr),
		.job_id = e->job,
	};

	do_ioctl_err(e->fd, DRM_IOCTL_VSVM_JOB_QUERY, &args, EFAULT);
	munmap(ptr, svm_page_size());
}

static void test_job_query_expired(void)
{
	struct drm_vsvm_job_query q;
	uint64_t first, second, job = 0;
	struct svm_fence *f = svm_fence_create();
	struct svm_batch b;
	uint32_t vm;
	int fd, i;

	/* A file of its own: the records are counted per file. */
	fd = vsvm_open_render(0);
	igt_assert_fd(fd);
	vm = svm_vm_create(fd);
	svm_batch_init(&b, fd, vm);
	cmd_end(&b);

	first = svm_exec_batch(fd, vm, &b, NULL);
	second = svm_exec_batch(fd, vm, &b, NULL);
	for (i = 2; i < JOB_RECORDS; i++)
		svm_exec_batch(fd, vm, &b, NULL);
	job = svm_exec_batch(fd, vm, &b, f);	/* the 4097th */
	svm_wait_job(fd, f, SVM_JOB_TIMEOUT_NS);
	igt_assert_eq(svm_fence_status(f), 1);

	memset(&q, 0, sizeof(q));
	q.job_id = first;
	igt_assert_eq(__svm_job_query(fd, &q), -ENOENT);

	svm_job_query(fd, second, &q);
	igt_assert_eq_u32(q.status, DRM_VSVM_JOB_DONE);
	svm_job_query(fd, job, &q);
	igt_assert_eq_u32(q.status, DRM_VSVM_JOB_DONE);

	svm_batch_fini(&b);
	svm_fence_destroy(f);
	svm_vm_destroy(fd, vm);
	close(fd);
}

/*
 * Jobs that fail
 */

/* Runs a batch expected to fail with @err, also as its fence's error. */
static struct drm_vsvm_job_query run_failing(const struct env *e,
					     uint64_t addr, uint64_t len,
					     int err)
{
	struct svm_fence *f = svm_fence_create();
	struct drm_vsvm_job_query q;
	uint64_t job;

	job = svm_exec(e->fd, e->vm, addr, len, f);
	svm_wait_job(e->fd, f, SVM_JOB_TIMEOUT_NS);
	svm_job_query(e->fd, job, &q);
	if (q.status != DRM_VSVM_JOB_FAILED || q.error != -err)
		svm_job_print("unexpected outcome", &q);
	igt_assert_eq_u32(q.status, DRM_VSVM_JOB_FAILED);
	igt_assert_eq(q.error, -err);
	igt_assert_eq(svm_fence_status(f), -err);
	igt_assert_eq_u64(f->value, f->last);
	svm_fence_destroy(f);
	return q;
}

/* The VM still runs jobs after one failed. */
static void assert_vm_works(const struct env *e)
{
	struct svm_batch b;
	uint64_t *old;

	svm_batch_init(&b, e->fd, e->vm);
	old = cmd_atomic_add(&b, to_u64(e->buf) + BUF_SIZE - 8, 1);
	cmd_end(&b);
	svm_run_batch_ok(e->fd, e->vm, &b);
	igt_assert_eq_u64(*(uint64_t *)(e->buf + BUF_SIZE - 8), *old + 1);
	svm_batch_fini(&b);
}

static void test_job_fault_unbound(const struct env *e)
{
	struct drm_vsvm_job_query q;
	struct svm_batch b;

	svm_batch_init(&b, e->fd, e->vm);
	cmd_store(&b, UNBOUND_GPU, 1);
	cmd_end(&b);
	q = run_failing(e, svm_batch_addr(&b), svm_batch_len(&b), EFAULT);
	svm_assert_fault(&q, -EFAULT, DRM_SVM_ACCESS_WRITE, UNBOUND_GPU,
			 UNBOUND_GPU + 8);
	svm_batch_fini(&b);
	assert_vm_works(e);
}

static void test_job_fault_batch_unbound(const struct env *e)
{
	struct drm_vsvm_job_query q;
	const uint64_t addr = UNBOUND_GPU + SZ_2M;

	q = run_failing(e, addr, EXEC_LEN, EFAULT);
	svm_assert_fault(&q, -EFAULT, DRM_SVM_ACCESS_READ, addr, addr + 8);
	assert_vm_works(e);
}

static void test_job_bad_opcode(const struct env *e)
{
	struct svm_batch b;
	const uint64_t w[] = { 0x7fff, 0, 0, 0 };

	svm_batch_init(&b, e->fd, e->vm);
	cmd_emit(&b, w, ARRAY_SIZE(w));
	cmd_end(&b);
	run_failing(e, svm_batch_addr(&b), svm_batch_len(&b), EINVAL);
	svm_batch_fini(&b);
	assert_vm_works(e);
}

static void test_job_unaligned(const struct env *e, bool fill)
{
	uint8_t *target = e->buf + SZ_64K;
	struct svm_batch b;

	memset(target, 0x5a, 64);
	svm_batch_init(&b, e->fd, e->vm);
	if (fill)
		cmd_fill(&b, to_u64(target) + 2, 8, FILL_PATTERN);
	else
		cmd_store(&b, to_u64(target) + 4, ~0ull);
	cmd_end(&b);
	run_failing(e, svm_batch_addr(&b), svm_batch_len(&b), EINVAL);
	svm_assert_value(target, 64, 0x5a5a5a5a);
	svm_batch_fini(&b);
	assert_vm_works(e);
}

igt_main
{
	const struct populate_case *pc;
	const struct ufence_case *uc;
	const struct field_case *c;
	struct env e = { .fd = -1 };
	enum ufence_ioctl w;

	igt_fixture {
		struct drm_vsvm_job_query q;
		struct drm_svm_vm_bind bind;
		struct svm_fence *f;

		igt_require_f(vsvm_count_devices() > 0,
			      "No vsvm render node; is vsvm loaded?\n");
		e.fd = vsvm_open_render(0);
		igt_assert_fd(e.fd);
		e.vm = svm_vm_create(e.fd);
		e.buf = svm_alloc(BUF_SIZE);
		memset(e.buf, 0, BUF_SIZE);

		/* The valid bases of the cases must be valid. */
		bind = valid_bind(&e, UNMAP);
		do_ioctl(e.fd, DRM_IOCTL_VSVM_VM_BIND, &bind);
		bind = valid_bind(&e, MAP);
		do_ioctl(e.fd, DRM_IOCTL_VSVM_VM_BIND, &bind);

		svm_batch_init(&e.batch, e.fd, e.vm);
		cmd_end(&e.batch);
		cmd_end(&e.batch);
		f = svm_fence_create();
		e.job = svm_exec(e.fd, e.vm, svm_batch_addr(&e.batch),
				 EXEC_LEN, f);
		svm_wait_job(e.fd, f, SVM_JOB_TIMEOUT_NS);
		igt_assert_eq(svm_fence_status(f), 1);
		svm_fence_destroy(f);
		svm_job_query(e.fd, e.job, &q);
		igt_assert_eq_u32(q.status, DRM_VSVM_JOB_DONE);

		/* So is an asynchronous prefetch, for the ufence cases. */
		run_good_prefetch(&e);
	}

	/* VM create */
	for (c = vm_create_cases; c->name; c++) {
		igt_describe(c->desc);
		igt_subtest_f("%s", c->name)
			test_vm_create_field(e.fd, c);
	}

	igt_describe("VM create with an extension of unknown name fails with "
		     "EINVAL.");
	igt_subtest("vm-create-bad-extension-name")
		test_vm_create_bad_extension_name(e.fd);

	igt_describe("VM create with an unreadable extension pointer fails "
		     "with EFAULT.");
	igt_subtest("vm-create-bad-extension-pointer")
		test_vm_create_bad_extension_pointer(e.fd);

	/* VM destroy */
	for (c = vm_destroy_cases; c->name; c++) {
		igt_describe(c->desc);
		igt_subtest_f("%s", c->name)
			test_vm_destroy_field(e.fd, c);
	}

	igt_describe("VM destroy with an unreadable extension pointer fails "
		     "with EFAULT.");
	igt_subtest("vm-destroy-bad-extension-pointer")
		test_vm_destroy_bad_extension_pointer(e.fd);

	igt_describe("Destroying a VM a second time fails with ENOENT.");
	igt_subtest("vm-destroy-double")
		test_vm_destroy_double(e.fd);

	/* VM bind */
	for (c = bind_cases; c->name; c++) {
		igt_describe(c->desc);
		igt_subtest_f("%s", c->name)
			test_bind_field(&e, c);
	}

	igt_describe("A map with an unreadable extension pointer fails with "
		     "EFAULT.");
	igt_subtest("bind-bad-extension-pointer")
		test_bind_bad_extension_pointer(&e);

	for (pc = populate_cases; pc->name; pc++) {
		igt_describe(pc->desc);
		igt_subtest_f("bind-populate-%s", pc->name)
			test_bind_populate(&e, pc);
	}

	/* Exec */
	for (c = exec_cases; c->name; c++) {
		igt_describe(c->desc);
		igt_subtest_f("%s", c->name)
			test_exec_field(&e, c);
	}

	igt_describe("Exec with an unreadable extension pointer fails with "
		     "EFAULT.");
	igt_subtest("exec-bad-extension-pointer")
		test_exec_bad_extension_pointer(&e);

	igt_describe("Exec of a batch of exactly VSVM_MAX_BATCH_SIZE bytes is "
		     "accepted.");
	igt_subtest("exec-max-len")
		test_exec_max_len(&e);

	/* User fences, of exec and of prefetch */
	for (w = UF_EXEC; w <= UF_PREFETCH; w++) {
		for (uc = ufence_cases; uc->name; uc++) {
			igt_describe_f("%s %s", w == UF_EXEC ? "Exec" :
				       "Prefetch", uc->desc);
			igt_subtest_f("%s-ufence-%s", ufence_ioctl_names[w],
				      uc->name)
				test_ufence(&e, w, uc);
		}
	}

	/* Job query */
	for (c = job_query_cases; c->name; c++) {
		igt_describe(c->desc);
		igt_subtest_f("%s", c->name)
			test_job_query_field(&e, c);
	}

	igt_describe("Job query with an unreadable extension pointer fails "
		     "with EFAULT.");
	igt_subtest("job-query-bad-extension-pointer")
		test_job_query_bad_extension_pointer(&e);

	igt_describe("Only the records of the last 4096 jobs of a file are "
		     "kept.");
	igt_subtest("job-query-expired")
		test_job_query_expired();

	/* Jobs that fail */
	igt_describe("A STORE outside any binding fails the job with EFAULT.");
	igt_subtest("job-fault-unbound")
		test_job_fault_unbound(&e);

	igt_describe("A batch outside any binding fails the job with EFAULT.");
	igt_subtest("job-fault-batch-unbound")
		test_job_fault_batch_unbound(&e);

	igt_describe("An unknown command fails the job with EINVAL.");
	igt_subtest("job-bad-opcode")
		test_job_bad_opcode(&e);

	igt_describe("A misaligned STORE fails the job with EINVAL.");
	igt_subtest("job-unaligned-store")
		test_job_unaligned(&e, false);

	igt_describe("A misaligned FILL fails the job with EINVAL.");
	igt_subtest("job-unaligned-fill")
		test_job_unaligned(&e, true);

	igt_fixture {
		svm_batch_fini(&e.batch);
		svm_vm_destroy(e.fd, e.vm);
		munmap(e.buf, BUF_SIZE);
		close(e.fd);
	}
}

// SPDX-License-Identifier: MIT
/*
 * svm_usm_example: a managed-memory program, as it is written for CUDA,
 * HIP or SYCL USM, ported to drm_svm through svm_usm.h.
 *
 * Copyright © 2026 The drm_svm authors
 *
 * The pattern: allocate shared memory, initialise it on the CPU, advise
 * where it should live and who reads it, prefetch it, run kernels on two
 * devices, read the results back on the CPU. The "kernels" are vsvm
 * command batches: device 0 checksums the input, device 1 copies it into
 * the output and adds to a counter, device 0 adds to the counter too.
 * Every step is checked; the program prints what it did and exits 0, or
 * names the check that failed and exits 1.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svm_usm.h"

#define N_WORDS		1048576u	/* 8 MiB of input, 8 MiB of output */
#define BYTES		(N_WORDS * sizeof(uint64_t))

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "svm_usm_example: " __VA_ARGS__);	\
		exit(1);						\
	}								\
} while (0)

#define CHECK_OK(call) do {						\
	int __err = (call);						\
	CHECK(!__err, "%s: %s\n", #call, strerror(-__err));		\
} while (0)

/* The CHECKSUM command's function, for the CPU's side */
static uint64_t checksum(const uint64_t *w, size_t n)
{
	uint64_t h = VSVM_CHECKSUM_SEED;

	while (n--)
		h = (h ^ *w++) * VSVM_CHECKSUM_PRIME;
	return h;
}

/* How many pages of [@p, @p + BYTES) the device with SVM id @id holds. */
static uint64_t pages_on(struct usm_context *ctx, const void *p, uint32_t id)
{
	uint64_t i, n = BYTES / 4096, on = 0;
	struct drm_svm_page_residency *r = calloc(n, sizeof(*r));

	CHECK(r, "out of memory\n");
	CHECK_OK(svm_residency(ctx->fd[0], ctx->vm[0], (uintptr_t)p, n, r,
			       NULL));
	for (i = 0; i < n; i++)
		on += r[i].location == DRM_SVM_RESIDENT_DEVICE &&
		      r[i].device == id;
	free(r);
	return on;
}

/* The attributes of the first page of @p. */
static struct drm_svm_attr_range attrs(struct usm_context *ctx, const void *p)
{
	struct drm_svm_attr_range r;
	uint32_t n = 1;

	CHECK_OK(svm_attr_query(ctx->fd[0], p, 4096, &r, &n));
	return r;
}

int main(void)
{
	struct usm_context ctx;
	uint64_t *in, *out, *batch, *result, sum, i;
	int err;

	/* cudaSetDevice / sycl::device for two GPUs */
	err = usm_init(&ctx, 2);
	CHECK(!err, "two vsvm devices needed: %s\n", strerror(-err));

	/* cudaMallocManaged / sycl::malloc_shared */
	in = usm_malloc_shared(&ctx, BYTES);
	out = usm_malloc_shared(&ctx, BYTES);
	batch = usm_malloc_shared(&ctx, 4096);
	CHECK(in && out && batch, "usm_malloc_shared: %s\n", strerror(errno));
	result = batch + 256;

	/* Initialise on the CPU */
	for (i = 0; i < N_WORDS; i++)
		in[i] = i * 0x9e3779b97f4a7c15ull;
	result[0] = 0;
	result[1] = 0;

	/*
	 * cudaMemAdvise: the input lives on device 0 and device 1 reads it
	 * where it is; the output lives on device 1.
	 */
	CHECK_OK(usm_mem_advise(&ctx, in, BYTES,
				USM_ADVISE_SET_PREFERRED_LOCATION, 0));
	CHECK_OK(usm_mem_advise(&ctx, in, BYTES,
				USM_ADVISE_SET_ACCESSED_BY, 1));
	CHECK_OK(usm_mem_advise(&ctx, out, BYTES,
				USM_ADVISE_SET_PREFERRED_LOCATION, 1));
	CHECK(attrs(&ctx, in).location == DRM_SVM_LOC_DEVICE &&
	      attrs(&ctx, in).device == ctx.svm_id[0],
	      "input not preferred on device 0\n");
	CHECK(attrs(&ctx, in).accessed_by == 1u << ctx.svm_id[1],
	      "input not accessed by device 1 alone\n");
	CHECK(attrs(&ctx, out).device == ctx.svm_id[1],
	      "output not preferred on device 1\n");
	printf("advised: input on device 0, read by device 1; output on device 1\n");

	/* cudaMemPrefetchAsync(in, ..., 0) */
	CHECK_OK(usm_prefetch(&ctx, in, BYTES, 0));
	CHECK(pages_on(&ctx, in, ctx.svm_id[0]) == BYTES / 4096,
	      "input not all on device 0 after the prefetch\n");
	printf("prefetched: %zu KiB of input on device 0\n", BYTES >> 10);

	/* Kernel 1, device 0: checksum the input */
	batch[0] = VSVM_CMD_CHECKSUM;
	batch[1] = (uintptr_t)in;
	batch[2] = BYTES;
	batch[3] = (uintptr_t)&result[0];
	batch[4] = VSVM_CMD_END;
	CHECK_OK(usm_run(&ctx, 0, batch, 5 * sizeof(*batch)));

	/* Kernel 2, device 1: copy the input out, count */
	batch[0] = VSVM_CMD_COPY;
	batch[1] = (uintptr_t)out;
	batch[2] = (uintptr_t)in;
	batch[3] = BYTES;
	batch[4] = VSVM_CMD_ATOMIC_ADD;
	batch[5] = (uintptr_t)&result[1];
	batch[6] = 1;
	batch[7] = 0;
	batch[8] = VSVM_CMD_END;
	CHECK_OK(usm_run(&ctx, 1, batch, 9 * sizeof(*batch)));

	/* Kernel 3, device 0: count */
	batch[0] = VSVM_CMD_ATOMIC_ADD;
	batch[1] = (uintptr_t)&result[1];
	batch[2] = 2;
	batch[3] = 0;
	batch[4] = VSVM_CMD_END;
	CHECK_OK(usm_run(&ctx, 0, batch, 5 * sizeof(*batch)));
	printf("ran: checksum on device 0, copy on device 1, counts on both\n");

	/* cudaMemPrefetchAsync(out, ..., cudaCpuDeviceId), then read back */
	CHECK_OK(usm_prefetch(&ctx, out, BYTES, USM_CPU));
	CHECK(pages_on(&ctx, out, ctx.svm_id[1]) == 0,
	      "output still on device 1 after the prefetch to the CPU\n");
	sum = checksum(in, N_WORDS);
	CHECK(result[0] == sum, "device checksum %#" PRIx64 ", CPU %#" PRIx64
	      "\n", result[0], sum);
	for (i = 0; i < N_WORDS; i++)
		CHECK(out[i] == in[i], "output word %" PRIu64 " is %#" PRIx64
		      ", input %#" PRIx64 "\n", i, out[i], in[i]);
	CHECK(result[1] == 3, "counter %" PRIu64 ", expected 3\n", result[1]);
	printf("read back: %u words equal, checksum %#" PRIx64 ", counter %" PRIu64
	       "\n", N_WORDS, sum, result[1]);

	CHECK_OK(usm_mem_advise(&ctx, in, BYTES,
				USM_ADVISE_UNSET_ACCESSED_BY, 1));
	CHECK_OK(usm_mem_advise(&ctx, in, BYTES,
				USM_ADVISE_UNSET_PREFERRED_LOCATION, 0));
	CHECK(attrs(&ctx, in).location == DRM_SVM_LOC_NONE &&
	      attrs(&ctx, in).accessed_by == 0, "advice on input not undone\n");

	CHECK_OK(usm_free(&ctx, batch));
	CHECK_OK(usm_free(&ctx, out));
	CHECK_OK(usm_free(&ctx, in));
	usm_fini(&ctx);
	printf("svm_usm_example: ok\n");
	return 0;
}

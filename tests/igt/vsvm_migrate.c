// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The drm_svm authors
 */

/**
 * TEST: vsvm migrate
 * Category: Core
 * Description: Migration of SVM memory between system memory and vsvm
 *		VRAM, in the VRAM mode the device reports (private: the CPU
 *		cannot touch VRAM and faults pages back; coherent: the CPU
 *		accesses VRAM in place). Every subtest checks the data, and
 *		the residency snapshot says where the pages are at each step.
 *
 * SUBTEST: device-query
 * Description: The device query's SVM device id, VRAM mode and size agree
 *		with the core's debugfs file of the device; two devices
 *		have distinct ids. VSVM_EXPECT_VRAM_MODE in the environment,
 *		when set, names the mode the harness configured.
 *
 * SUBTEST: round-trip
 * Description: Ten times: the CPU writes a pattern, a GPU job migrates it
 *		to VRAM and writes into it there, and the pages come back to
 *		system memory (by CPU faults for private VRAM, by a SYSTEM
 *		prefetch for coherent VRAM); data, residency and the
 *		migrated-page counters are checked at every step.
 *
 * SUBTEST: cpu-read-device-page
 * Description: A CPU read of one word of a page in VRAM returns the data;
 *		private VRAM migrates that chunk (only) back with a CPU fault,
 *		coherent VRAM is read in place and stays in VRAM.
 *
 * SUBTEST: cpu-write-device-page
 * Description: As cpu-read-device-page, for a CPU write, which the next
 *		GPU checksum sees.
 *
 * SUBTEST: remigrate-mixed
 * Description: A range partly in VRAM and partly in system memory moves
 *		wholly to VRAM, once by GPU faults and once by a DEVICE
 *		prefetch, which reports exactly the system pages as moved.
 *
 * SUBTEST: mixed-unmovable
 * Description: One GPU job over anonymous memory, a MAP_SHARED memfd, a
 *		NO_MIGRATE binding and untouched anonymous memory, side by
 *		side: the anonymous parts end in VRAM, the others stay in
 *		system memory, everything is mapped and every byte is right.
 *
 * SUBTEST: prefetch-device-sync
 * Description: A synchronous DEVICE prefetch of written and untouched
 *		memory puts every page in VRAM and maps it: a job then takes
 *		no fault and checksums the pattern and the zeros.
 *
 * SUBTEST: prefetch-device-async
 * Description: As prefetch-device-sync, with the work done
 *		asynchronously and its end signalled through a user fence.
 *
 * SUBTEST: prefetch-system-sync
 * Description: A synchronous SYSTEM prefetch of pages in VRAM moves every
 *		one back and maps it: a job then takes no fault and leaves
 *		them in system memory, and CPU reads take no CPU fault.
 *
 * SUBTEST: prefetch-system-async
 * Description: As prefetch-system-sync, asynchronously with a user
 *		fence.
 *
 * SUBTEST: prefetch-no-map-sync
 * Description: A DEVICE prefetch with DRM_SVM_PREFETCH_FLAG_NO_MAP moves
 *		every page into VRAM and maps none; a job then faults them in
 *		where they are, moving nothing, and checksums the data. A
 *		SYSTEM one moves them all back, takes their mappings and
 *		makes none, DMA mappings included; the CPU reads the data
 *		without a CPU fault. One more moves nothing.
 *
 * SUBTEST: prefetch-no-map-async
 * Description: As prefetch-no-map-sync, asynchronously with a user fence.
 *
 * SUBTEST: fork-cow
 * Description: fork() with pages in VRAM: the child reads the parent's
 *		data on the CPU and on its own GPU VM; the child's writes do
 *		not show in the parent, nor the parent's GPU and CPU writes in
 *		the child. A GPU write to the shared pages moves their chunk
 *		once at most, not once per page.
 *
 * SUBTEST: munmap-partial
 * Description: munmap of the middle of a 2 MiB chunk in VRAM: the hole
 *		faults on the GPU and is not resident, the rest of the chunk
 *		moves to system memory so that the chunk's whole block of
 *		VRAM is freed at once, its neighbour stays in VRAM, both keep
 *		their data for the GPU and the CPU, and all their VRAM is
 *		freed once unmapped.
 *
 * SUBTEST: mremap
 * Description: mremap of memory in VRAM to a new address: the old address
 *		faults on the GPU, the new one has the data for the GPU and
 *		the CPU and takes writes, and the VRAM is freed at munmap.
 *
 * SUBTEST: madvise-dontneed
 * Description: MADV_DONTNEED of a chunk in VRAM: its pages are no longer
 *		resident, their VRAM is freed, the CPU and the GPU read zeros
 *		there and the data next to it is intact.
 *
 * SUBTEST: madvise-free
 * Description: MADV_FREE of pages in VRAM: each page then reads either as
 *		the original pattern or as zeros, the GPU reads what the CPU
 *		reads, and new writes stick.
 *
 * SUBTEST: exit-frees-vram
 * Description: A process exits with pages in VRAM on both devices without
 *		unmapping or closing anything: VRAM in use, zero before (the
 *		earlier subtests unmapped everything), returns to zero.
 *
 * SUBTEST: overcommit-single
 * Description: One process binds and GPU-touches and writes twice the
 *		device's VRAM size: every chunk's checksum and every word
 *		are right, VRAM in use never exceeds the VRAM size, and
 *		evictions were counted (debugfs and fdinfo).
 *
 * SUBTEST: overcommit-two-procs
 * Description: Two processes at once each bind and GPU-touch and write
 *		the device's VRAM size (twice the VRAM together): all data
 *		right in both, and evictions were counted.
 *
 * SUBTEST: vram-alloc-fail
 * Description: With VRAM allocations failing (the fail_vram_alloc fault
 *		injection site, at 100%), GPU jobs
 *		still complete on system memory with the right data, a DEVICE
 *		prefetch moves nothing, and once allocations work again the
 *		same prefetch moves everything.
 *
 * SUBTEST: copy-fail
 * Description: With the copy engine failing once (fail_copy), migration
 *		to VRAM and back to system memory either succeeds or fails
 *		cleanly: every page stays resident somewhere and the data is
 *		intact for the GPU and the CPU.
 *
 * SUBTEST: isolation
 * Description: Process B migrates fresh memory to VRAM while process A's
 *		data fills VRAM, and again after A exits: B only ever sees
 *		zeros and its own pattern, never A's data, and A's data
 *		survives being evicted.
 *
 * SUBTEST: stats
 * Description: In a fresh process, the fdinfo keys (drm-total-vram,
 *		drm-resident-vram, svm-*), the device's debugfs counters and
 *		the debugfs processes table follow a migration to VRAM and of
 *		one chunk back, with exact page and byte counts.
 *
 * SUBTEST: fault-counters
 * Description: The device's debugfs counters of the fault path follow a
 *		GPU access and an munmap: every chunk faulted in is one
 *		fault's, maps at most a chunk's pages and all of the
 *		buffer's; huge entries cover at most the chunks; the munmap
 *		invalidates; and the data the GPU read is the buffer's.
 *
 * SUBTEST: phases
 * Description: The core's phase timers (debugfs phases<id>) have every
 *		phase and size class in order, and count the GPU faults of
 *		two fresh 2 MiB chunks, then their prefetch to system
 *		memory and back to VRAM, in the phases and the 2 MiB class
 *		they ran in, with time spent; the data survives.
 *
 * SUBTEST: mempolicy-%s
 * Description: A buffer with a NUMA memory policy (MPOL_BIND to node 0)
 *		comes back from VRAM with its data intact and its pages on
 *		the node the policy names: the way back allocates page by
 *		page, as the policy says, instead of in one batch.
 * arg[1]:
 * @vma:	the policy is the buffer's (mbind()); a CPU read brings it
 *		back (a prefetch with coherent VRAM)
 * @task:	the policy is the thread's (set_mempolicy()); a prefetch to
 *		system memory brings it back
 *
 * SUBTEST: residency-unbound
 * Description: The residency of GPU addresses with no binding is NONE,
 *		with neither the BOUND flag nor a mapping.
 *
 * SUBTEST: overcommit-one-command
 * Description: One TOUCH command and one CHECKSUM command, each over twice
 *		the device's VRAM size, complete in one job with the right
 *		checksum: eviction leaves a single command room to progress.
 *		Run last of the positive subtests, in a child process, so
 *		that a job that cannot progress holds up nothing after it.
 *
 * SUBTEST: prefetch-unknown-vm
 * Description: Prefetch on an unknown VM id fails with ENOENT.
 *
 * SUBTEST: prefetch-bad-region
 * Description: Prefetch to region 3, the lowest unknown, fails with
 *		EINVAL.
 *
 * SUBTEST: prefetch-bad-region-high
 * Description: Prefetch to region 0xffffffff fails with EINVAL.
 *
 * SUBTEST: prefetch-bad-flags-bit-1
 * Description: Prefetch with flag bit 1, the lowest unknown, fails with
 *		EINVAL.
 *
 * SUBTEST: prefetch-bad-flags-bit-31
 * Description: Prefetch with flag bit 31 fails with EINVAL.
 *
 * SUBTEST: prefetch-bad-reserved-0
 * Description: Prefetch with non-zero reserved[0] fails with EINVAL.
 *
 * SUBTEST: prefetch-bad-reserved-1
 * Description: Prefetch with non-zero reserved[1] fails with EINVAL.
 *
 * SUBTEST: prefetch-unaligned-gpu
 * Description: Prefetch at a GPU address not page aligned fails with
 *		EINVAL.
 *
 * SUBTEST: prefetch-unaligned-range
 * Description: Prefetch of a size not page aligned fails with EINVAL.
 *
 * SUBTEST: prefetch-zero-range
 * Description: Prefetch of zero bytes fails with EINVAL.
 *
 * SUBTEST: prefetch-wrap
 * Description: Prefetch of a range that wraps around the end of the
 *		address space fails with EINVAL.
 *
 * SUBTEST: prefetch-nonzero-syncobj
 * Description: Prefetch with a non-zero syncobj fails with EOPNOTSUPP:
 *		asynchronous prefetches end through user fences, vsvm makes
 *		no dma-fence.
 *
 * SUBTEST: prefetch-unbound
 * Description: Prefetch of GPU addresses with no binding fails with
 *		EFAULT.
 *
 * SUBTEST: prefetch-bad-extension-pointer
 * Description: Prefetch with an unreadable extension pointer fails with
 *		EFAULT.
 *
 * SUBTEST: prefetch-async-kill
 * Description: A process killed a tenth into an asynchronous prefetch of
 *		1 GiB (to system memory, which faults every page in) exits
 *		within a quarter of the prefetch's time of how long an idle
 *		process with the same memory takes; and while such a
 *		prefetch runs, another process opens a render node (closing
 *		the others it opens on the way), prefetches 2 MiB
 *		asynchronously and closes it, all in less than that quarter.
 *		They waited for the whole prefetch when its work held the
 *		VM's lock for the whole range and every close flushed one
 *		queue shared by every process.
 *
 * SUBTEST: prefetch-hole
 * Description: Prefetch of a binding whose CPU memory was unmapped fails
 *		with EFAULT.
 *
 * SUBTEST: prefetch-no-map-%s
 * Description: A prefetch with DRM_SVM_PREFETCH_FLAG_NO_MAP refuses what
 *		a mapping prefetch refuses, though it walks nothing: a
 *		binding whose CPU memory @arg[1].
 *
 * arg[1]:
 *
 * @hole:	was unmapped, EFAULT
 * @prot-none:	is PROT_NONE, EFAULT
 * @readonly:	is read-only (a writable binding), EPERM
 *
 * SUBTEST: prefetch-no-map-file-readonly
 * Description: A prefetch with DRM_SVM_PREFETCH_FLAG_NO_MAP of a
 *		read-only private file mapping in a writable binding succeeds,
 *		as a mapping prefetch does (it only reads copy-on-write
 *		memory), and the file's data reads back.
 *
 * SUBTEST: prefetch-fork-child
 * Description: Prefetch on the parent's VM from a fork child fails with
 *		EACCES and moves nothing.
 *
 * SUBTEST: residency-unknown-vm
 * Description: Residency of an unknown VM id fails with ENOENT.
 *
 * SUBTEST: residency-bad-flags
 * Description: Residency with non-zero flags fails with EINVAL.
 *
 * SUBTEST: residency-bad-reserved
 * Description: Residency with non-zero reserved fails with EINVAL.
 *
 * SUBTEST: residency-bad-blocks
 * Description: Residency with a blocks pointer that cannot be written
 *		fails with EFAULT.
 *
 * SUBTEST: residency-unaligned-gpu
 * Description: Residency at a GPU address not page aligned fails with
 *		EINVAL.
 *
 * SUBTEST: residency-zero-npages
 * Description: Residency of zero pages fails with EINVAL.
 *
 * SUBTEST: residency-too-many-npages
 * Description: Residency of DRM_SVM_RESIDENCY_MAX_PAGES + 1 pages fails
 *		with EINVAL.
 *
 * SUBTEST: residency-wrap
 * Description: Residency of a range that wraps around the end of the
 *		address space fails with EINVAL.
 *
 * SUBTEST: residency-bad-extension-pointer
 * Description: Residency with an unreadable extension pointer fails with
 *		EFAULT.
 *
 * SUBTEST: residency-unwritable-pages
 * Description: Residency into a read-only pages array fails with EFAULT
 *		and leaves the array unchanged.
 *
 * SUBTEST: residency-fork-child
 * Description: Residency of the parent's VM from a fork child fails with
 *		EACCES.
 *
 * SUBTEST: trace-faults
 * Description: The core's fault tracepoints, enabled in a tracefs instance
 *		of their own, follow a GPU checksum of 4 MiB of system memory
 *		at a fault granularity of 64 KiB: the drm_svm_fault_batch
 *		events of the process count the job's faults, none failed,
 *		and as many chunks as there are drm_svm_gpu_fault events;
 *		every chunk in the buffer maps at most 64 KiB inside it, and
 *		the pages the chunks moved add up to the device's
 *		pages_to_vram, one per page of the buffer.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/mempolicy.h>
#include <xf86drm.h>

#include "igt.h"
#include "vsvm_igt.h"
#include "vsvm_svm_lib.h"
#include "vsvm_migrate_lib.h"
#include "svm_inject_lib.h"

IGT_TEST_DESCRIPTION("Migration of SVM memory between system memory and "
		     "vsvm VRAM, private or coherent, with the data and the "
		     "residency checked at every step.");

/* Two 2 MiB chunks: big enough for chunk-wise behaviour, quick in TCG. */
#define BUF_SIZE		(2 * SZ_2M)
#define ROUND_TRIPS		10

#define FILL_A			0xa1a2a3a4u
#define FILL_B			0xb1b2b3b4u
#define FILL_C			0xc1c2c3c4u
#define SEED_A			0x10000000u
#define SEED_B			0x20000000u
#define SEED_C			0x30000000u
#define SEED_D			0x40000000u

#define NONE			DRM_SVM_RESIDENT_NONE
#define SYSTEM			DRM_SVM_RESIDENT_SYSTEM
#define DEVICE			DRM_SVM_RESIDENT_DEVICE

/* Device 0, and device 1 when there is one (fd -1 otherwise). */
static struct mig_dev dev0, dev1;

static uint64_t pages(uint64_t size)
{
	return size / svm_page_size();
}

/* Stops any fault injection a failed subtest may have left behind. */
static void knobs_reset(void)
{
	const struct mig_dev *d[] = { &dev0, &dev1 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(d); i++) {
		if (d[i]->fd < 0)
			continue;
		__vsvm_fail_set(d[i]->index, VSVM_FAIL_VRAM_ALLOC, 0);
		__vsvm_fail_set(d[i]->index, VSVM_FAIL_COPY, 0);
	}
}

static void fill_words(void *ptr, uint64_t len, uint32_t value)
{
	uint32_t *p = ptr;
	uint64_t i;

	for (i = 0; i < len / 4; i++)
		p[i] = value;
}

/* A CPU-side copy of what a buffer must hold. */
static uint8_t *shadow_alloc(uint64_t size)
{
	uint8_t *s = malloc(size);

	igt_assert(s);
	memset(s, 0, size);
	return s;
}

/*
 * Moves [@ptr, @ptr + @size), all in VRAM, back to system memory the way
 * the mode allows: CPU faults for private VRAM (reading it, which checks
 * it against @shadow), a SYSTEM prefetch for coherent VRAM.
 */
static void back_to_system(struct ctx *c, uint8_t *ptr, uint64_t size,
			   const uint8_t *shadow)
{
	if (mig_coherent(c->d))
		igt_assert_eq_u64(svm_prefetch(c->fd, c->vm, to_u64(ptr), size,
					       DRM_SVM_REGION_SYSTEM),
				  pages(size));
	svm_assert_mem_eq(ptr, shadow, size);
}

/* device-query */

static void test_device_query(void)
{
	const char *expect = getenv("VSVM_EXPECT_VRAM_MODE");
	struct svm_dev_stats st;
	char name[32];

	igt_info("device %u: svm id %u, %s VRAM, %" PRIu64 " MiB\n",
		 dev0.index, dev0.svm_id, mig_mode_str(dev0.vram_mode),
		 dev0.vram_size >> 20);
	igt_assert_f(dev0.vram_mode == DRM_VSVM_VRAM_PRIVATE ||
		     dev0.vram_mode == DRM_VSVM_VRAM_COHERENT,
		     "unknown VRAM mode %u\n", dev0.vram_mode);
	igt_assert_lt(dev0.svm_id, DRM_SVM_MAX_DEVICES);
	igt_assert(dev0.vram_size >= SZ_2M);
	igt_assert_eq_u64(dev0.vram_size % SZ_2M, 0);
	if (expect)
		igt_assert_f(!strcmp(expect, mig_mode_str(dev0.vram_mode)),
			     "harness set up %s VRAM, device reports %s\n",
			     expect, mig_mode_str(dev0.vram_mode));

	st = svm_dev_stats(&dev0);
	svm_dev_stats_print("debugfs", &st);
	snprintf(name, sizeof(name), "vsvm%u", dev0.index);
	igt_assert_f(!strcmp(st.name, name), "debugfs name %s, expected %s\n",
		     st.name, name);
	igt_assert_f(!strcmp(st.vram_mode, mig_mode_str(dev0.vram_mode)),
		     "debugfs vram_mode %s, query %s\n", st.vram_mode,
		     mig_mode_str(dev0.vram_mode));
	igt_assert_eq_u64(st.vram_size, dev0.vram_size);
	igt_assert(st.vram_in_use <= st.vram_size);

	if (dev1.fd >= 0) {
		igt_assert_neq(dev1.svm_id, dev0.svm_id);
		igt_assert_lt(dev1.svm_id, DRM_SVM_MAX_DEVICES);
		st = svm_dev_stats(&dev1);
		snprintf(name, sizeof(name), "vsvm%u", dev1.index);
		igt_assert_f(!strcmp(st.name, name),
			     "debugfs name %s, expected %s\n", st.name, name);
		igt_assert_eq_u64(st.vram_size, dev1.vram_size);
		if (expect)
			igt_assert_f(!strcmp(expect,
					     mig_mode_str(dev1.vram_mode)),
				     "device 1 reports %s VRAM\n",
				     mig_mode_str(dev1.vram_mode));
	}
}

/* round-trip */

static void test_round_trip(void)
{
	const uint64_t n = pages(BUF_SIZE);
	const uint64_t fill_off = SZ_1M + 3 * SZ_4K, fill_len = SZ_2M;
	struct svm_dev_stats st0, st1;
	uint8_t *buf, *shadow = shadow_alloc(BUF_SIZE);
	uint64_t faults, sum;
	struct ctx c;
	int i;

	ctx_init(&c, &dev0);
	buf = ctx_buf(&c, BUF_SIZE);

	for (i = 0; i < ROUND_TRIPS; i++) {
		uint32_t seed = SEED_A + (i << 24), value = FILL_B + i;

		svm_pattern_fill(buf, BUF_SIZE, seed);
		svm_pattern_fill(shadow, BUF_SIZE, seed);
		/*
		 * A SYSTEM prefetch leaves the pages mapped for the GPU,
		 * which would then not fault: drop any GPU mapping.
		 */
		igt_assert_eq(mprotect(buf, BUF_SIZE, PROT_READ), 0);
		igt_assert_eq(mprotect(buf, BUF_SIZE, PROT_READ | PROT_WRITE),
			      0);
		assert_res(&c, buf, BUF_SIZE, SYSTEM, false);
		st0 = svm_dev_stats(c.d);

		/* To VRAM by GPU faults; the data is the CPU's. */
		sum = gpu_checksum(&c, buf, BUF_SIZE, &faults);
		igt_assert_eq_u64(sum, svm_checksum(shadow, BUF_SIZE));
		igt_assert_f(faults > 0, "round %d: no GPU fault\n", i);
		assert_res(&c, buf, BUF_SIZE, DEVICE, true);

		/* Written in VRAM by the GPU. */
		gpu_fill(&c, buf + fill_off, fill_len, value);
		fill_words(shadow + fill_off, fill_len, value);
		assert_res(&c, buf, BUF_SIZE, DEVICE, true);
		assert_gpu_sum(&c, buf, BUF_SIZE,
			       svm_checksum(shadow, BUF_SIZE));

		/* And back, data intact. */
		back_to_system(&c, buf, BUF_SIZE, shadow);
		assert_res(&c, buf, BUF_SIZE, SYSTEM, false);
		svm_assert_mem_eq(buf, shadow, BUF_SIZE);

		st1 = svm_dev_stats(c.d);
		igt_assert_eq_u64(st1.pages_to_vram - st0.pages_to_vram, n);
		igt_assert_eq_u64(st1.pages_to_ram - st0.pages_to_ram, n);
		/* The CPU only faults on private VRAM. */
		if (mig_coherent(c.d))
			igt_assert_eq_u64(st1.cpu_faults, st0.cpu_faults);
		else
			igt_assert(st1.cpu_faults > st0.cpu_faults);
	}

	munmap(buf, BUF_SIZE);
	free(shadow);
	ctx_fini(&c);
}

/* cpu-read-device-page, cpu-write-device-page */

/* One CPU access, which the compiler may neither drop nor move. */
static uint32_t cpu_read32(const uint32_t *p)
{
	uint32_t v;

	svm_barrier();
	v = *p;
	svm_barrier();
	return v;
}

static void cpu_write32(uint32_t *p, uint32_t v)
{
	svm_barrier();
	*p = v;
	svm_barrier();
}

static void test_cpu_access(bool write)
{
	/* A word in the middle of the first chunk. */
	const uint64_t off = SZ_1M + 5 * SZ_4K + 24;
	const uint32_t word = 0x5eed5eed;
	struct svm_dev_stats st0, st1;
	uint8_t *buf, *shadow = shadow_alloc(BUF_SIZE);
	uint32_t *p;
	uint64_t faults;
	struct ctx c;

	ctx_init(&c, &dev0);
	buf = ctx_buf(&c, BUF_SIZE);
	p = (uint32_t *)(buf + off);
	svm_pattern_fill(buf, BUF_SIZE, SEED_A);
	svm_pattern_fill(shadow, BUF_SIZE, SEED_A);
	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), BUF_SIZE,
				       DRM_SVM_REGION_DEVICE),
			  pages(BUF_SIZE));
	assert_res(&c, buf, BUF_SIZE, DEVICE, true);

	st0 = svm_dev_stats(c.d);
	if (write) {
		cpu_write32(p, word);
		memcpy(shadow + off, &word, 4);
	} else {
		igt_assert_eq_u32(cpu_read32(p),
				  SEED_A + (uint32_t)(off / 4));
	}
	st1 = svm_dev_stats(c.d);
	svm_dev_stats_print("after the CPU access", &st1);

	if (mig_coherent(c.d)) {
		/* In place: nothing moved, nothing faulted. */
		assert_res(&c, buf, BUF_SIZE, DEVICE, false);
		igt_assert_eq_u64(st1.cpu_faults, st0.cpu_faults);
		igt_assert_eq_u64(st1.pages_to_ram, st0.pages_to_ram);
	} else {
		/* The accessed chunk came back, the other did not. */
		assert_res(&c, buf, SZ_2M, SYSTEM, false);
		assert_res(&c, buf + SZ_2M, SZ_2M, DEVICE, true);
		igt_assert(st1.cpu_faults > st0.cpu_faults);
		igt_assert_eq_u64(st1.pages_to_ram - st0.pages_to_ram,
				  pages(SZ_2M));
	}

	/* The GPU sees the data, the write included. */
	igt_assert_eq_u64(gpu_checksum(&c, buf, BUF_SIZE, &faults),
			  svm_checksum(shadow, BUF_SIZE));
	igt_info("GPU checksum after the CPU %s: %" PRIu64 " faults\n",
		 write ? "write" : "read", faults);
	igt_assert_eq_u32(cpu_read32(p),
			  write ? word : SEED_A + (uint32_t)(off / 4));
	if (mig_coherent(c.d))
		assert_res(&c, buf, BUF_SIZE, DEVICE, true);
	svm_assert_mem_eq(buf, shadow, BUF_SIZE);

	munmap(buf, BUF_SIZE);
	free(shadow);
	ctx_fini(&c);
}

/* remigrate-mixed */

#define MIXED_CHUNKS	3

/*
 * Leaves chunk 0 in VRAM, chunks 1 and 2 in system memory and not mapped
 * by the GPU, chunk 1 with new data.
 */
static void make_mixed(struct ctx *c, uint8_t *buf, uint8_t *shadow,
		       uint32_t seed)
{
	uint8_t *c1 = buf + SZ_2M, *c2 = buf + 2 * SZ_2M;

	if (mig_coherent(c->d))
		igt_assert_eq_u64(svm_prefetch(c->fd, c->vm, to_u64(c1), SZ_2M,
					       DRM_SVM_REGION_SYSTEM),
				  pages(SZ_2M));
	/* Private VRAM: this write faults the chunk back. */
	svm_pattern_fill(c1, SZ_2M, seed);
	svm_pattern_fill(shadow + SZ_2M, SZ_2M, seed);
	igt_assert_eq_u64(svm_prefetch(c->fd, c->vm, to_u64(c2), SZ_2M,
				       DRM_SVM_REGION_SYSTEM),
			  pages(SZ_2M));

	assert_res(c, buf, SZ_2M, DEVICE, true);
	assert_res(c, c1, 2 * SZ_2M, SYSTEM, false);

	/*
	 * The prefetch mapped its pages for the GPU, which would then not
	 * fault on them. A protection change drops every GPU mapping of
	 * the system part and moves nothing.
	 */
	igt_assert_eq(mprotect(c1, 2 * SZ_2M, PROT_READ), 0);
	igt_assert_eq(mprotect(c1, 2 * SZ_2M, PROT_READ | PROT_WRITE), 0);
	assert_res(c, c1, 2 * SZ_2M, SYSTEM, false);
}

static void test_remigrate_mixed(void)
{
	const uint64_t size = MIXED_CHUNKS * SZ_2M;
	uint8_t *buf, *shadow = shadow_alloc(size);
	uint64_t faults, moved;
	struct ctx c;

	ctx_init(&c, &dev0);
	buf = ctx_buf(&c, size);
	svm_pattern_fill(buf, size, SEED_A);
	svm_pattern_fill(shadow, size, SEED_A);
	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), size,
				       DRM_SVM_REGION_DEVICE), pages(size));

	/* Mixed, then all to VRAM by GPU faults. */
	make_mixed(&c, buf, shadow, SEED_B);
	igt_assert_eq_u64(gpu_checksum(&c, buf, size, &faults),
			  svm_checksum(shadow, size));
	igt_assert(faults > 0);
	assert_res(&c, buf, size, DEVICE, true);
	gpu_fill(&c, buf + SZ_2M - SZ_64K, 2 * SZ_64K, FILL_A);
	fill_words(shadow + SZ_2M - SZ_64K, 2 * SZ_64K, FILL_A);

	/* Mixed again, then all to VRAM by a prefetch. */
	make_mixed(&c, buf, shadow, SEED_C);
	moved = svm_prefetch(c.fd, c.vm, to_u64(buf), size,
			     DRM_SVM_REGION_DEVICE);
	igt_assert_eq_u64(moved, pages(2 * SZ_2M));
	assert_res(&c, buf, size, DEVICE, true);
	igt_assert_eq_u64(gpu_checksum(&c, buf, size, &faults),
			  svm_checksum(shadow, size));
	igt_assert_eq_u64(faults, 0);

	/* Nothing left to move. */
	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), size,
				       DRM_SVM_REGION_DEVICE), 0);
	back_to_system(&c, buf, size, shadow);

	munmap(buf, size);
	free(shadow);
	ctx_fini(&c);
}

/* mixed-unmovable */

static void test_mixed_unmovable(void)
{
	const uint64_t part = SZ_2M, size = 4 * part;
	uint8_t *buf, *anon, *shared, *nomig, *fresh, *ptr;
	uint8_t *shadow = shadow_alloc(size), *file = shadow_alloc(part);
	uint64_t faults, i;
	struct ctx c;
	int memfd;

	ctx_init(&c, &dev0);
	buf = svm_alloc_aligned(size, SZ_2M);
	anon = buf;
	shared = buf + part;
	nomig = buf + 2 * part;
	fresh = buf + 3 * part;

	memfd = memfd_create("vsvm-migrate", MFD_CLOEXEC);
	igt_assert_fd(memfd);
	svm_pattern_fill(file, part, SEED_B);
	igt_assert_eq(pwrite(memfd, file, part, 0), part);
	ptr = mmap(shared, part, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		   memfd, 0);
	igt_assert(ptr == shared);

	svm_pattern_fill(anon, part, SEED_A);
	svm_pattern_fill(nomig, part, SEED_C);
	svm_pattern_fill(shadow, part, SEED_A);
	svm_pattern_fill(shadow + part, part, SEED_B);
	svm_pattern_fill(shadow + 2 * part, part, SEED_C);

	/* One binding, then NO_MIGRATE over its third part. */
	svm_bind_ptr(c.fd, c.vm, buf, size, 0);
	svm_bind_ptr(c.fd, c.vm, nomig, part, DRM_SVM_BIND_FLAG_NO_MIGRATE);

	/* One job over all four parts, reading and writing each. */
	svm_batch_reset(&c.b);
	for (i = 0; i < 4; i++) {
		cmd_fill(&c.b, to_u64(buf + i * part + SZ_4K), SZ_4K,
			 FILL_A + (uint32_t)i);
		fill_words(shadow + i * part + SZ_4K, SZ_4K,
			   FILL_A + (uint32_t)i);
	}
	cmd_touch(&c.b, to_u64(buf), size);
	cmd_end(&c.b);
	faults = run_ok(&c, "mixed job").faults;
	igt_assert(faults > 0);
	assert_gpu_sum(&c, buf, size, svm_checksum(shadow, size));

	assert_res(&c, anon, part, DEVICE, true);
	assert_res(&c, shared, part, SYSTEM, true);
	assert_res(&c, nomig, part, SYSTEM, true);
	assert_res(&c, fresh, part, DEVICE, true);

	/* A prefetch finds nothing more it may move, and maps it all. */
	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), size,
				       DRM_SVM_REGION_DEVICE), 0);
	igt_assert_eq_u64(gpu_checksum(&c, buf, size, &faults),
			  svm_checksum(shadow, size));
	igt_assert_eq_u64(faults, 0);
	assert_res(&c, shared, 2 * part, SYSTEM, true);

	/* Back to system memory: exactly the anonymous parts move. */
	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), size,
				       DRM_SVM_REGION_SYSTEM),
			  pages(2 * part));
	assert_res(&c, buf, size, SYSTEM, true);

	svm_assert_mem_eq(buf, shadow, size);
	igt_assert_eq(pread(memfd, file, part, 0), part);
	svm_assert_mem_eq(file, shadow + part, part);

	munmap(buf, size);
	close(memfd);
	free(file);
	free(shadow);
	ctx_fini(&c);
}

/* prefetch-{device,system}-{sync,async} */

static const struct prefetch_case {
	const char *name;
	uint32_t region;
	bool async;
	const char *desc;
} prefetch_cases[] = {
	{ "device-sync", DRM_SVM_REGION_DEVICE, false,
	  "A synchronous DEVICE prefetch leaves a job nothing to fault." },
	{ "device-async", DRM_SVM_REGION_DEVICE, true,
	  "An asynchronous DEVICE prefetch leaves a job nothing to fault." },
	{ "system-sync", DRM_SVM_REGION_SYSTEM, false,
	  "A synchronous SYSTEM prefetch moves VRAM back and maps it." },
	{ "system-async", DRM_SVM_REGION_SYSTEM, true,
	  "An asynchronous SYSTEM prefetch moves VRAM back and maps it." },
	{ NULL }
};

/* Prefetches and returns the pages moved (0 when asynchronous). */
static uint64_t do_prefetch(struct ctx *c, const struct prefetch_case *pc,
			    const void *ptr, uint64_t size)
{
	struct svm_fence *f;
	int status;

	if (!pc->async)
		return svm_prefetch(c->fd, c->vm, to_u64(ptr), size,
				    pc->region);

	f = svm_fence_create();
	status = svm_prefetch_async(c->fd, c->vm, to_u64(ptr), size,
				    pc->region, f);
	igt_assert_f(status == 1, "prefetch fence status %d\n", status);
	svm_fence_destroy(f);
	return 0;
}

static void test_prefetch_device(const struct prefetch_case *pc)
{
	const uint64_t half = BUF_SIZE / 2;
	uint8_t *buf, *shadow = shadow_alloc(BUF_SIZE);
	struct drm_vsvm_job_query q;
	uint64_t moved, *sum;
	struct ctx c;

	ctx_init(&c, &dev0);
	buf = ctx_buf(&c, BUF_SIZE);
	/* The first half written, the second never touched. */
	svm_pattern_fill(buf, half, SEED_A);
	svm_pattern_fill(shadow, half, SEED_A);

	moved = do_prefetch(&c, pc, buf, BUF_SIZE);
	igt_info("prefetch moved %" PRIu64 " pages\n", moved);
	if (!pc->async)
		igt_assert_f(moved >= pages(half) && moved <= pages(BUF_SIZE),
			     "moved %" PRIu64 " pages of %" PRIu64
			     " (%" PRIu64 " written)\n", moved,
			     pages(BUF_SIZE), pages(half));
	assert_res(&c, buf, BUF_SIZE, DEVICE, true);

	svm_batch_reset(&c.b);
	cmd_touch(&c.b, to_u64(buf), BUF_SIZE);
	sum = cmd_checksum(&c.b, to_u64(buf), BUF_SIZE);
	cmd_end(&c.b);
	q = run_ok(&c, "job after prefetch");
	igt_assert_f(q.faults == 0, "%" PRIu64 " faults after prefetch\n",
		     (uint64_t)q.faults);
	igt_assert_eq_u64(*sum, svm_checksum(shadow, BUF_SIZE));
	assert_res(&c, buf, BUF_SIZE, DEVICE, true);

	back_to_system(&c, buf, BUF_SIZE, shadow);
	munmap(buf, BUF_SIZE);
	free(shadow);
	ctx_fini(&c);
}

static void test_prefetch_system(const struct prefetch_case *pc)
{
	uint8_t *buf, *shadow = shadow_alloc(BUF_SIZE);
	struct svm_dev_stats st0, st1;
	uint64_t moved, faults;
	struct ctx c;

	ctx_init(&c, &dev0);
	buf = ctx_buf(&c, BUF_SIZE);
	svm_pattern_fill(buf, BUF_SIZE, SEED_A);
	svm_pattern_fill(shadow, BUF_SIZE, SEED_A);
	gpu_touch(&c, buf, BUF_SIZE);
	gpu_fill(&c, buf + SZ_64K, SZ_2M, FILL_A);
	fill_words(shadow + SZ_64K, SZ_2M, FILL_A);
	assert_res(&c, buf, BUF_SIZE, DEVICE, true);

	st0 = svm_dev_stats(c.d);
	moved = do_prefetch(&c, pc, buf, BUF_SIZE);
	if (!pc->async)
		igt_assert_eq_u64(moved, pages(BUF_SIZE));
	assert_res(&c, buf, BUF_SIZE, SYSTEM, true);

	/* Mapped in system memory: no fault, and no migration either. */
	igt_assert_eq_u64(gpu_checksum(&c, buf, BUF_SIZE, &faults),
			  svm_checksum(shadow, BUF_SIZE));
	igt_assert_eq_u64(faults, 0);
	assert_res(&c, buf, BUF_SIZE, SYSTEM, true);

	svm_assert_mem_eq(buf, shadow, BUF_SIZE);
	st1 = svm_dev_stats(c.d);
	igt_assert_eq_u64(st1.pages_to_ram - st0.pages_to_ram,
			  pages(BUF_SIZE));
	igt_assert_eq_u64(st1.cpu_faults, st0.cpu_faults);

	munmap(buf, BUF_SIZE);
	free(shadow);
	ctx_fini(&c);
}

/* prefetch-no-map-{sync,async} */

/* Pages of [@ptr, @ptr + @size) that @c's device maps */
static uint64_t mapped_pages(struct ctx *c, const void *ptr, uint64_t size)
{
	uint64_t i, n = pages(size), count = 0;
	struct drm_svm_page_residency *r;

	r = svm_residency(c->fd, c->vm, to_u64(ptr), n);
	for (i = 0; i < n; i++)
		count += !!(r[i].mapped & (1ull << c->d->svm_id));
	free(r);
	return count;
}

/* A prefetch that only moves; returns the pages moved (0 when async). */
static uint64_t prefetch_no_map(struct ctx *c, bool async, const void *ptr,
				uint64_t size, uint32_t region)
{
	struct svm_fence *f = async ? svm_fence_create() : NULL;
	uint64_t moved = ~0ull;

	igt_assert_eq(__svm_prefetch_flags(c->fd, c->vm, to_u64(ptr), size,
					   region,
					   DRM_SVM_PREFETCH_FLAG_NO_MAP, f,
					   &moved), 0);
	if (f) {
		igt_assert_eq_u64(moved, 0);
		svm_wait_job(c->fd, f, SVM_JOB_TIMEOUT_NS);
		igt_assert_eq(svm_fence_status(f), 1);
		svm_fence_destroy(f);
	}
	return moved;
}

/*
 * A NO_MAP prefetch of all of @buf to @region: @expect pages move, as the
 * ioctl and the device's counters say, every page ends at @location, and
 * none is mapped, nor mapped or DMA-mapped by the prefetch.
 */
static void move_unmapped(struct ctx *c, bool async, uint8_t *buf,
			  uint32_t region, uint16_t location, uint64_t expect)
{
	struct svm_dev_stats st0, st1;
	uint64_t moved;

	st0 = svm_dev_stats(c->d);
	moved = prefetch_no_map(c, async, buf, BUF_SIZE, region);
	if (!async)
		igt_assert_eq_u64(moved, expect);
	assert_res(c, buf, BUF_SIZE, location, false);
	igt_assert_eq_u64(mapped_pages(c, buf, BUF_SIZE), 0);
	st1 = svm_dev_stats(c->d);
	igt_assert_eq_u64(st1.pages_mapped, st0.pages_mapped);
	igt_assert_eq_u64(st1.dma_mapped, st0.dma_mapped);
	igt_assert_eq_u64(region == DRM_SVM_REGION_DEVICE ?
			  st1.pages_to_vram - st0.pages_to_vram :
			  st1.pages_to_ram - st0.pages_to_ram, expect);
}

static void test_prefetch_no_map(bool async)
{
	uint8_t *buf, *shadow = shadow_alloc(BUF_SIZE);
	struct svm_dev_stats st0, st1;
	uint64_t faults;
	struct ctx c;

	ctx_init(&c, &dev0);
	buf = ctx_buf(&c, BUF_SIZE);
	svm_pattern_fill(buf, BUF_SIZE, SEED_A);
	svm_pattern_fill(shadow, BUF_SIZE, SEED_A);

	/* Into VRAM, mapped nowhere: a job faults the pages in there. */
	move_unmapped(&c, async, buf, DRM_SVM_REGION_DEVICE, DEVICE,
		      pages(BUF_SIZE));
	st0 = svm_dev_stats(c.d);
	igt_assert_eq_u64(gpu_checksum(&c, buf, BUF_SIZE, &faults),
			  svm_checksum(shadow, BUF_SIZE));
	igt_assert(faults > 0);
	assert_res(&c, buf, BUF_SIZE, DEVICE, true);
	st1 = svm_dev_stats(c.d);
	igt_assert_eq_u64(st1.pages_to_vram, st0.pages_to_vram);

	/* Back to system memory: the move takes the mappings, none is made. */
	gpu_fill(&c, buf + SZ_64K, SZ_2M, FILL_A);
	fill_words(shadow + SZ_64K, SZ_2M, FILL_A);
	move_unmapped(&c, async, buf, DRM_SVM_REGION_SYSTEM, SYSTEM,
		      pages(BUF_SIZE));
	st0 = svm_dev_stats(c.d);
	svm_assert_mem_eq(buf, shadow, BUF_SIZE);
	st1 = svm_dev_stats(c.d);
	igt_assert_eq_u64(st1.cpu_faults, st0.cpu_faults);

	/* In place already: nothing moves, nothing is mapped. */
	move_unmapped(&c, async, buf, DRM_SVM_REGION_SYSTEM, SYSTEM, 0);

	munmap(buf, BUF_SIZE);
	free(shadow);
	ctx_fini(&c);
}

/* fork-cow */

/*
 * A GPU write of @len bytes at @p, in memory a fork() shares: it writes
 * its own pages and moves no more than the chunk they are in once.
 */
static void gpu_fill_cow(struct ctx *c, uint8_t *p, uint64_t len,
			 uint32_t value)
{
	struct svm_dev_stats st0 = svm_dev_stats(c->d), st1;
	uint64_t moved;

	gpu_fill(c, p, len, value);
	st1 = svm_dev_stats(c->d);
	moved = st1.pages_to_vram - st0.pages_to_vram +
		st1.pages_to_ram - st0.pages_to_ram;
	igt_assert_f(moved <= pages(SZ_2M),
		     "a GPU write of %" PRIu64 " KiB of copy-on-write memory moved %" PRIu64 " pages\n",
		     len >> 10, moved);
}

static void test_fork_cow(void)
{
	const uint64_t half = BUF_SIZE / 2;
	uint8_t *buf, *shadow = shadow_alloc(BUF_SIZE);
	int to_child[2], to_parent[2];
	struct ctx c;
	char token;

	igt_assert_eq(pipe2(to_child, O_CLOEXEC), 0);
	igt_assert_eq(pipe2(to_parent, O_CLOEXEC), 0);
	ctx_init(&c, &dev0);
	buf = ctx_buf(&c, BUF_SIZE);
	svm_pattern_fill(buf, BUF_SIZE, SEED_A);
	svm_pattern_fill(shadow, BUF_SIZE, SEED_A);
	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), BUF_SIZE,
				       DRM_SVM_REGION_DEVICE),
			  pages(BUF_SIZE));

	igt_fork(child, 1) {
		struct ctx cc;
		int fd;

		close(to_child[1]);
		close(to_parent[0]);
		/* The parent's data, on the CPU and on a GPU of our own. */
		svm_assert_mem_eq(buf, shadow, BUF_SIZE);
		fd = vsvm_open_render(dev0.index);
		igt_assert_fd(fd);
		ctx_init_fd(&cc, &dev0, fd);
		svm_bind_ptr(fd, cc.vm, buf, BUF_SIZE, 0);
		assert_gpu_sum(&cc, buf, BUF_SIZE,
			       svm_checksum(shadow, BUF_SIZE));

		/* Our writes, CPU and GPU, on the first half. */
		svm_pattern_fill(buf, half / 2, SEED_D);
		gpu_fill_cow(&cc, buf + half / 2, half / 2, FILL_C);
		igt_assert_eq(write(to_parent[1], "w", 1), 1);

		/* The parent's writes, on the second half, stay its own. */
		igt_assert_eq(read(to_child[0], &token, 1), 1);
		svm_assert_pattern(buf, half / 2, SEED_D);
		svm_assert_value(buf + half / 2, half / 2, FILL_C);
		svm_assert_mem_eq(buf + half, shadow + half, half);
		assert_gpu_sum(&cc, buf + half, half,
			       svm_checksum(shadow + half, half));
		ctx_fini(&cc);
		close(fd);
	}

	/* A child that fails closes its ends: no read waits forever. */
	close(to_child[0]);
	close(to_parent[1]);
	igt_assert_f(read(to_parent[0], &token, 1) == 1,
		     "the child failed before writing\n");
	/* Unchanged by the child, for the GPU and then the CPU. */
	assert_gpu_sum(&c, buf, BUF_SIZE, svm_checksum(shadow, BUF_SIZE));
	gpu_fill_cow(&c, buf + half, half / 2, FILL_A);
	svm_pattern_fill(buf + half + half / 2, half / 2, SEED_B);
	igt_assert_eq(write(to_child[1], "p", 1), 1);
	igt_waitchildren();

	fill_words(shadow + half, half / 2, FILL_A);
	svm_pattern_fill(shadow + half + half / 2, half / 2, SEED_B);
	assert_gpu_sum(&c, buf, BUF_SIZE, svm_checksum(shadow, BUF_SIZE));
	svm_assert_mem_eq(buf, shadow, BUF_SIZE);

	close(to_child[1]);
	close(to_parent[0]);
	munmap(buf, BUF_SIZE);
	free(shadow);
	ctx_fini(&c);
}

/* munmap-partial */

static void test_munmap_partial(void)
{
	const uint64_t hole_off = SZ_1M / 2, hole_len = SZ_1M;
	const uint64_t tail_off = hole_off + hole_len;
	uint8_t *buf, *shadow = shadow_alloc(BUF_SIZE);
	struct drm_vsvm_job_query q;
	uint64_t base;
	struct ctx c;

	ctx_init(&c, &dev0);
	base = svm_vram_in_use(c.d);
	buf = ctx_buf(&c, BUF_SIZE);
	svm_pattern_fill(buf, BUF_SIZE, SEED_A);
	svm_pattern_fill(shadow, BUF_SIZE, SEED_A);
	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), BUF_SIZE,
				       DRM_SVM_REGION_DEVICE),
			  pages(BUF_SIZE));
	igt_assert_eq_u64(svm_vram_in_use(c.d), base + BUF_SIZE);

	/* A hole in the middle of the first chunk. */
	igt_assert_eq(munmap(buf + hole_off, hole_len), 0);
	assert_res(&c, buf + hole_off, hole_len, NONE, false);
	igt_assert_eq_u64(svm_vram_in_use(c.d), base + BUF_SIZE - SZ_2M);
	assert_res(&c, buf, hole_off, SYSTEM, false);
	assert_res(&c, buf + tail_off, SZ_2M - tail_off, SYSTEM, false);
	assert_res(&c, buf + SZ_2M, BUF_SIZE - SZ_2M, DEVICE, false);

	svm_batch_reset(&c.b);
	cmd_checksum(&c.b, to_u64(buf), SZ_2M);
	cmd_end(&c.b);
	q = svm_run_batch(c.fd, c.vm, &c.b);
	svm_assert_fault(&q, -EFAULT, DRM_SVM_ACCESS_READ,
			 to_u64(buf) + hole_off, to_u64(buf) + tail_off);

	/* Around it, everything is intact, for the GPU... */
	assert_gpu_sum(&c, buf, hole_off, svm_checksum(shadow, hole_off));
	assert_gpu_sum(&c, buf + tail_off, BUF_SIZE - tail_off,
		       svm_checksum(shadow + tail_off, BUF_SIZE - tail_off));

	/* ...and the CPU. */
	svm_assert_mem_eq(buf, shadow, hole_off);
	svm_assert_mem_eq(buf + tail_off, shadow + tail_off,
			  BUF_SIZE - tail_off);
	if (!mig_coherent(c.d)) {
		assert_res(&c, buf, hole_off, SYSTEM, false);
		assert_res(&c, buf + tail_off, BUF_SIZE - tail_off, SYSTEM,
			   false);
	}

	/* Writes around the hole stick. */
	gpu_fill(&c, buf, hole_off, FILL_A);
	gpu_fill(&c, buf + tail_off, BUF_SIZE - tail_off, FILL_B);
	svm_assert_value(buf, hole_off, FILL_A);
	svm_assert_value(buf + tail_off, BUF_SIZE - tail_off, FILL_B);

	munmap(buf, hole_off);
	munmap(buf + tail_off, BUF_SIZE - tail_off);
	igt_assert_eq_u64(svm_vram_in_use(c.d), base);
	free(shadow);
	ctx_fini(&c);
}

/* mremap */

static void test_mremap(void)
{
	uint8_t *buf, *target, *moved, *shadow = shadow_alloc(BUF_SIZE);
	struct drm_svm_page_residency *r;
	struct drm_vsvm_job_query q;
	uint64_t base;
	struct ctx c;

	ctx_init(&c, &dev0);
	base = svm_vram_in_use(c.d);
	buf = ctx_buf(&c, BUF_SIZE);
	svm_pattern_fill(buf, BUF_SIZE, SEED_A);
	svm_pattern_fill(shadow, BUF_SIZE, SEED_A);
	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), BUF_SIZE,
				       DRM_SVM_REGION_DEVICE),
			  pages(BUF_SIZE));

	target = svm_alloc_aligned(BUF_SIZE, SZ_2M);
	moved = mremap(buf, BUF_SIZE, BUF_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
		       target);
	igt_assert(moved == target);

	/* Nothing left at the old address... */
	svm_batch_reset(&c.b);
	cmd_checksum(&c.b, to_u64(buf), BUF_SIZE);
	cmd_end(&c.b);
	q = svm_run_batch(c.fd, c.vm, &c.b);
	svm_assert_fault(&q, -EFAULT, DRM_SVM_ACCESS_READ, to_u64(buf),
			 to_u64(buf) + BUF_SIZE);
	assert_res(&c, buf, BUF_SIZE, NONE, false);

	/* ...everything at the new one. */
	svm_bind_ptr(c.fd, c.vm, moved, BUF_SIZE, 0);
	r = svm_residency(c.fd, c.vm, to_u64(moved), pages(BUF_SIZE));
	mig_residency_print("after mremap", r, pages(BUF_SIZE));
	free(r);
	assert_gpu_sum(&c, moved, BUF_SIZE, svm_checksum(shadow, BUF_SIZE));
	gpu_fill(&c, moved + SZ_2M - SZ_64K, 2 * SZ_64K, FILL_A);
	fill_words(shadow + SZ_2M - SZ_64K, 2 * SZ_64K, FILL_A);
	assert_gpu_sum(&c, moved, BUF_SIZE, svm_checksum(shadow, BUF_SIZE));
	svm_assert_mem_eq(moved, shadow, BUF_SIZE);

	munmap(moved, BUF_SIZE);
	igt_assert_eq_u64(svm_vram_in_use(c.d), base);
	free(shadow);
	ctx_fini(&c);
}

/* madvise-dontneed, madvise-free */

static void test_madvise_dontneed(void)
{
	uint8_t *buf, *shadow = shadow_alloc(BUF_SIZE);
	uint64_t base;
	struct ctx c;

	ctx_init(&c, &dev0);
	base = svm_vram_in_use(c.d);
	buf = ctx_buf(&c, BUF_SIZE);
	svm_pattern_fill(buf, BUF_SIZE, SEED_A);
	svm_pattern_fill(shadow, BUF_SIZE, SEED_A);
	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), BUF_SIZE,
				       DRM_SVM_REGION_DEVICE),
			  pages(BUF_SIZE));
	igt_assert_eq_u64(svm_vram_in_use(c.d), base + BUF_SIZE);

	/* The first chunk dropped: gone from VRAM, zeros for everyone. */
	igt_assert_eq(madvise(buf, SZ_2M, MADV_DONTNEED), 0);
	memset(shadow, 0, SZ_2M);
	assert_res(&c, buf, SZ_2M, NONE, false);
	assert_res(&c, buf + SZ_2M, SZ_2M, DEVICE, true);
	igt_assert_eq_u64(svm_vram_in_use(c.d), base + SZ_2M);

	assert_gpu_sum(&c, buf, BUF_SIZE, svm_checksum(shadow, BUF_SIZE));
	svm_assert_value(buf, SZ_2M, 0);
	svm_assert_mem_eq(buf, shadow, BUF_SIZE);

	munmap(buf, BUF_SIZE);
	igt_assert_eq_u64(svm_vram_in_use(c.d), base);
	free(shadow);
	ctx_fini(&c);
}

static void test_madvise_free(void)
{
	const uint64_t ps = svm_page_size(), n = pages(BUF_SIZE);
	uint8_t *buf, *shadow = shadow_alloc(BUF_SIZE);
	uint64_t i, kept = 0, zeroed = 0;
	struct ctx c;

	ctx_init(&c, &dev0);
	buf = ctx_buf(&c, BUF_SIZE);
	svm_pattern_fill(buf, BUF_SIZE, SEED_A);
	svm_pattern_fill(shadow, BUF_SIZE, SEED_A);
	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), BUF_SIZE,
				       DRM_SVM_REGION_DEVICE), n);

	igt_assert_eq(madvise(buf, BUF_SIZE, MADV_FREE), 0);

	/* Each page: the data it had, or zeros, never anything else. */
	for (i = 0; i < n; i++) {
		uint8_t *page = buf + i * ps;

		if (svm_mem_diff(page, shadow + i * ps, ps) < 0) {
			kept++;
			continue;
		}
		igt_assert_f(svm_value_check(page, ps, 0) < 0,
			     "page %" PRIu64 " is neither its data nor zero\n",
			     i);
		memset(shadow + i * ps, 0, ps);
		zeroed++;
	}
	igt_info("after MADV_FREE: %" PRIu64 " pages kept, %" PRIu64
		 " zeroed\n", kept, zeroed);
	assert_gpu_sum(&c, buf, BUF_SIZE, svm_checksum(shadow, BUF_SIZE));

	/* New writes, CPU and GPU, stick. */
	svm_pattern_fill(buf, BUF_SIZE, SEED_B);
	svm_pattern_fill(shadow, BUF_SIZE, SEED_B);
	gpu_fill(&c, buf + SZ_1M, SZ_2M, FILL_A);
	fill_words(shadow + SZ_1M, SZ_2M, FILL_A);
	assert_gpu_sum(&c, buf, BUF_SIZE, svm_checksum(shadow, BUF_SIZE));
	svm_assert_mem_eq(buf, shadow, BUF_SIZE);

	munmap(buf, BUF_SIZE);
	free(shadow);
	ctx_fini(&c);
}

/* exit-frees-vram */

static void test_exit_frees_vram(void)
{
	const struct mig_dev *d[] = { &dev0, &dev1 };
	uint64_t before[2] = {}, after[2] = {};
	unsigned int i, ndev = dev1.fd >= 0 ? 2 : 1;
	int ready[2];
	char token;

	/*
	 * The earlier subtests unmapped all they migrated, and nothing else
	 * runs: no VRAM may be in use.
	 */
	for (i = 0; i < ndev; i++) {
		before[i] = svm_vram_in_use(d[i]);
		igt_assert_f(before[i] == 0,
			     "device %u: %" PRIu64 " bytes of VRAM in use "
			     "before the child ran\n", d[i]->index, before[i]);
	}
	igt_assert_eq(pipe2(ready, O_CLOEXEC), 0);

	igt_fork(child, 1) {
		struct ctx c[2];
		uint8_t *buf;
		int fd;

		for (i = 0; i < ndev; i++) {
			fd = vsvm_open_render(d[i]->index);
			igt_assert_fd(fd);
			ctx_init_fd(&c[i], d[i], fd);
			buf = ctx_buf(&c[i], BUF_SIZE);
			svm_pattern_fill(buf, BUF_SIZE, SEED_A + i);
			gpu_touch(&c[i], buf, BUF_SIZE);
			assert_res(&c[i], buf, BUF_SIZE, DEVICE, true);
			igt_assert_eq_u64(svm_fdinfo(fd, "drm-resident-vram"),
					  BUF_SIZE);
			igt_assert_eq_u64(svm_vram_in_use(d[i]),
					  before[i] + BUF_SIZE);
		}
		igt_assert_eq(write(ready[1], "r", 1), 1);
		/* Exit with everything in place. */
		_exit(IGT_EXIT_SUCCESS);
	}
	igt_waitchildren();
	close(ready[1]);
	igt_assert_f(read(ready[0], &token, 1) == 1,
		     "the child did not get its pages into VRAM\n");
	close(ready[0]);

	for (i = 0; i < ndev; i++) {
		after[i] = svm_vram_in_use(d[i]);
		igt_assert_f(after[i] == before[i],
			     "device %u: %" PRIu64 " bytes of VRAM in use after "
			     "the exit, %" PRIu64 " before\n", d[i]->index,
			     after[i], before[i]);
	}
}

/* overcommit-single, overcommit-two-procs */

static uint64_t marker(uint32_t seed, uint64_t chunk)
{
	return 0xc0ffee0000000000ull | (uint64_t)seed << 8 | chunk;
}

/*
 * In a fresh process: binds @size bytes, CPU-writes a pattern, has the GPU
 * touch all of it and store a marker in every 2 MiB chunk, then checks
 * every chunk's GPU checksum and every word on the CPU.
 */
static void overcommit_worker(const struct mig_dev *d, uint64_t size,
			      uint32_t seed, bool alone)
{
	const uint64_t chunks = size / SZ_2M, mark_off = SZ_1M + 8;
	uint8_t *buf, *expected = shadow_alloc(SZ_2M);
	struct svm_batch *b;
	uint64_t i, m, *sums[SVM_BATCH_RESULTS];
	struct svm_dev_stats st;
	struct ctx c;
	int fd;

	igt_assert(chunks <= SVM_BATCH_RESULTS);
	fd = vsvm_open_render(d->index);
	igt_assert_fd(fd);
	ctx_init_fd(&c, d, fd);
	b = &c.b;
	buf = ctx_buf(&c, size);
	svm_pattern_fill(buf, size, seed);

	/*
	 * Touch every chunk and write into it, chunk by chunk in one job:
	 * the job's working set is twice the VRAM, each command's is not.
	 */
	svm_batch_reset(b);
	for (i = 0; i < chunks; i++) {
		cmd_touch(b, to_u64(buf + i * SZ_2M), SZ_2M);
		cmd_store(b, to_u64(buf + i * SZ_2M + mark_off),
			  marker(seed, i));
	}
	cmd_end(b);
	run_ok(&c, "overcommit touch and store");

	st = svm_dev_stats(d);
	igt_assert_f(st.vram_in_use <= d->vram_size,
		     "%" PRIu64 " bytes of VRAM in use, of %" PRIu64 "\n",
		     st.vram_in_use, d->vram_size);

	/* Checksums of every chunk, in one job: more evictions. */
	svm_batch_reset(b);
	for (i = 0; i < chunks; i++)
		sums[i] = cmd_checksum(b, to_u64(buf + i * SZ_2M), SZ_2M);
	cmd_end(b);
	run_ok(&c, "overcommit checksums");
	for (i = 0; i < chunks; i++) {
		svm_pattern_fill(expected, SZ_2M,
				 seed + (uint32_t)(i * SZ_2M / 4));
		m = marker(seed, i);
		memcpy(expected + mark_off, &m, 8);
		igt_assert_f(*sums[i] == svm_checksum(expected, SZ_2M),
			     "chunk %" PRIu64 ": GPU checksum %#" PRIx64
			     ", expected %#" PRIx64 "\n", i, *sums[i],
			     svm_checksum(expected, SZ_2M));
	}

	/* Every word, on the CPU. */
	for (i = 0; i < chunks; i++) {
		svm_pattern_fill(expected, SZ_2M,
				 seed + (uint32_t)(i * SZ_2M / 4));
		m = marker(seed, i);
		memcpy(expected + mark_off, &m, 8);
		svm_assert_mem_eq(buf + i * SZ_2M, expected, SZ_2M);
	}

	igt_info("pid %d: %" PRIu64 " MiB, fdinfo vsvm-evictions %" PRIu64
		 ", vsvm-to-vram %" PRIu64 " KiB, vsvm-to-ram %" PRIu64
		 " KiB\n", getpid(), size >> 20,
		 svm_fdinfo(fd, "vsvm-evictions"),
		 svm_fdinfo(fd, "vsvm-to-vram") >> 10,
		 svm_fdinfo(fd, "vsvm-to-ram") >> 10);
	igt_assert(svm_fdinfo(fd, "vsvm-to-vram") >= size);
	/* Alone on the device, every eviction was of our own pages. */
	if (alone)
		igt_assert(svm_fdinfo(fd, "vsvm-evictions") > 0);

	munmap(buf, size);
	free(expected);
	ctx_fini(&c);
	close(fd);
}

static void test_overcommit(int procs)
{
	const uint64_t per_proc = 2 * dev0.vram_size / procs;
	struct svm_dev_stats st0, st1;

	st0 = svm_dev_stats(&dev0);
	svm_dev_stats_print("before", &st0);
	igt_fork(child, procs) {
		overcommit_worker(&dev0, per_proc, SEED_A + (child << 28),
				  procs == 1);
	}
	igt_waitchildren();
	st1 = svm_dev_stats(&dev0);
	svm_dev_stats_print("after", &st1);

	igt_assert_f(st1.evictions > st0.evictions,
		     "%" PRIu64 " MiB through %" PRIu64 " MiB of VRAM, yet "
		     "no eviction\n", 2 * dev0.vram_size >> 20,
		     dev0.vram_size >> 20);
	igt_assert(st1.pages_to_vram - st0.pages_to_vram >=
		   pages(2 * dev0.vram_size));
	/* The children's VRAM is freed; anything else may have been evicted. */
	igt_assert_f(st1.vram_in_use <= st0.vram_in_use,
		     "%" PRIu64 " bytes of VRAM in use after the exits, %"
		     PRIu64 " before\n", st1.vram_in_use, st0.vram_in_use);
}

/* overcommit-one-command */

static void test_overcommit_one_command(void)
{
	const uint64_t size = 2 * dev0.vram_size;

	igt_fork(child, 1) {
		struct drm_vsvm_job_query q;
		uint64_t *sum, expected;
		uint8_t *buf;
		struct ctx c;
		int fd;

		fd = vsvm_open_render(dev0.index);
		igt_assert_fd(fd);
		ctx_init_fd(&c, &dev0, fd);
		buf = ctx_buf(&c, size);
		svm_pattern_fill(buf, size, SEED_D);
		expected = svm_checksum(buf, size);

		svm_batch_reset(&c.b);
		cmd_touch(&c.b, to_u64(buf), size);
		sum = cmd_checksum(&c.b, to_u64(buf), size);
		cmd_end(&c.b);
		q = run_ok(&c, "one command over twice the VRAM");
		igt_info("%" PRIu64 " MiB in single commands: %" PRIu64
			 " faults, vsvm-evictions %" PRIu64 "\n", size >> 20,
			 (uint64_t)q.faults, svm_fdinfo(fd, "vsvm-evictions"));
		igt_assert_eq_u64(*sum, expected);
		svm_assert_pattern(buf, size, SEED_D);
	}
	igt_waitchildren();
}

/* vram-alloc-fail */

#define INJECT_MANY	1000

static void test_vram_alloc_fail(void)
{
	uint8_t *buf, *shadow = shadow_alloc(BUF_SIZE);
	uint64_t faults;
	int64_t left;
	struct ctx c;

	ctx_init(&c, &dev0);
	buf = ctx_buf(&c, BUF_SIZE);
	svm_pattern_fill(buf, BUF_SIZE, SEED_A);
	svm_pattern_fill(shadow, BUF_SIZE, SEED_A);

	vsvm_fail_set(c.d->index, VSVM_FAIL_VRAM_ALLOC, INJECT_MANY);

	/* The jobs run on system memory, with every byte right. */
	igt_assert_eq_u64(gpu_checksum(&c, buf, BUF_SIZE, &faults),
			  svm_checksum(shadow, BUF_SIZE));
	igt_assert(faults > 0);
	gpu_fill(&c, buf + SZ_1M, SZ_2M, FILL_A);
	fill_words(shadow + SZ_1M, SZ_2M, FILL_A);
	assert_res(&c, buf, BUF_SIZE, SYSTEM, true);
	left = vsvm_fail_left(c.d->index, VSVM_FAIL_VRAM_ALLOC);
	igt_info("%" PRId64 " VRAM allocations failed\n", INJECT_MANY - left);
	igt_assert_f(left < INJECT_MANY, "no VRAM allocation was tried\n");

	/* A prefetch cannot move anything either, and says so. */
	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), BUF_SIZE,
				       DRM_SVM_REGION_DEVICE), 0);
	assert_res(&c, buf, BUF_SIZE, SYSTEM, true);
	svm_assert_mem_eq(buf, shadow, BUF_SIZE);

	/* Allocations work again: the same prefetch moves it all. */
	vsvm_fail_set(c.d->index, VSVM_FAIL_VRAM_ALLOC, 0);
	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), BUF_SIZE,
				       DRM_SVM_REGION_DEVICE),
			  pages(BUF_SIZE));
	assert_res(&c, buf, BUF_SIZE, DEVICE, true);
	igt_assert_eq_u64(gpu_checksum(&c, buf, BUF_SIZE, &faults),
			  svm_checksum(shadow, BUF_SIZE));
	igt_assert_eq_u64(faults, 0);
	back_to_system(&c, buf, BUF_SIZE, shadow);

	munmap(buf, BUF_SIZE);
	free(shadow);
	ctx_fini(&c);
}

/* copy-fail */

/* Every page is somewhere (SYSTEM or DEVICE on @c's device). */
static void assert_resident(struct ctx *c, const void *ptr, uint64_t size)
{
	uint64_t i, n = pages(size), count[3];
	struct drm_svm_page_residency *r;

	r = svm_residency(c->fd, c->vm, to_u64(ptr), n);
	svm_residency_count(r, n, count);
	mig_residency_print("after the failed copy", r, n);
	for (i = 0; i < n; i++) {
		igt_assert_f(r[i].location == SYSTEM ||
			     (r[i].location == DEVICE &&
			      r[i].device == c->d->svm_id),
			     "page %" PRIu64 ": location %s device %u\n", i,
			     svm_location_str(r[i].location), r[i].device);
		igt_assert(r[i].flags & DRM_SVM_PAGE_BOUND);
	}
	free(r);
}

static void test_copy_fail(void)
{
	uint8_t *buf, *shadow = shadow_alloc(BUF_SIZE);
	struct drm_vsvm_job_query q;
	uint64_t *sum, moved = 0;
	struct ctx c;
	int err;

	ctx_init(&c, &dev0);
	buf = ctx_buf(&c, BUF_SIZE);
	svm_pattern_fill(buf, BUF_SIZE, SEED_A);
	svm_pattern_fill(shadow, BUF_SIZE, SEED_A);

	/* To VRAM by a GPU fault, with the first copy failing. */
	vsvm_fail_set(c.d->index, VSVM_FAIL_COPY, 1);
	svm_batch_reset(&c.b);
	sum = cmd_checksum(&c.b, to_u64(buf), BUF_SIZE);
	cmd_end(&c.b);
	q = svm_run_batch(c.fd, c.vm, &c.b);
	svm_job_print("job with a failing copy", &q);
	igt_assert_eq_u64(vsvm_fail_left(c.d->index, VSVM_FAIL_COPY), 0);
	if (q.status == DRM_VSVM_JOB_DONE)
		igt_assert_eq_u64(*sum, svm_checksum(shadow, BUF_SIZE));
	else
		igt_assert_eq(q.error, -EIO);
	assert_resident(&c, buf, BUF_SIZE);
	assert_gpu_sum(&c, buf, BUF_SIZE, svm_checksum(shadow, BUF_SIZE));
	gpu_fill(&c, buf + SZ_1M, SZ_2M, FILL_A);
	fill_words(shadow + SZ_1M, SZ_2M, FILL_A);

	/* To VRAM by a prefetch, with the first copy failing. */
	vsvm_fail_set(c.d->index, VSVM_FAIL_COPY, 1);
	err = __svm_prefetch(c.fd, c.vm, to_u64(buf), BUF_SIZE,
			     DRM_SVM_REGION_DEVICE, NULL, &moved);
	igt_info("prefetch to VRAM with a failing copy: %d, moved %" PRIu64
		 "\n", err, moved);
	igt_assert_f(err == 0 || err == -EIO, "prefetch: %d\n", err);
	igt_assert_eq_u64(vsvm_fail_left(c.d->index, VSVM_FAIL_COPY), 0);
	assert_resident(&c, buf, BUF_SIZE);
	assert_gpu_sum(&c, buf, BUF_SIZE, svm_checksum(shadow, BUF_SIZE));

	/* Back to system memory, with the first copy failing. */
	svm_prefetch(c.fd, c.vm, to_u64(buf), BUF_SIZE, DRM_SVM_REGION_DEVICE);
	assert_res(&c, buf, BUF_SIZE, DEVICE, true);
	vsvm_fail_set(c.d->index, VSVM_FAIL_COPY, 1);
	err = __svm_prefetch(c.fd, c.vm, to_u64(buf), BUF_SIZE,
			     DRM_SVM_REGION_SYSTEM, NULL, &moved);
	igt_info("prefetch to system with a failing copy: %d, moved %" PRIu64
		 "\n", err, moved);
	igt_assert_f(err == 0 || err == -EIO, "prefetch: %d\n", err);
	igt_assert_eq_u64(vsvm_fail_left(c.d->index, VSVM_FAIL_COPY), 0);
	assert_resident(&c, buf, BUF_SIZE);
	assert_gpu_sum(&c, buf, BUF_SIZE, svm_checksum(shadow, BUF_SIZE));

	/* With copies working, it all comes back. */
	if (mig_coherent(c.d))
		svm_prefetch(c.fd, c.vm, to_u64(buf), BUF_SIZE,
			     DRM_SVM_REGION_SYSTEM);
	svm_assert_mem_eq(buf, shadow, BUF_SIZE);
	assert_res(&c, buf, BUF_SIZE, SYSTEM, false);

	munmap(buf, BUF_SIZE);
	free(shadow);
	ctx_fini(&c);
}

/* isolation */

#define LEAK_VALUE	FILL_A

/*
 * Process B: @size bytes of fresh memory, of which only the first page of
 * each 2 MiB chunk is written, moved to VRAM by GPU faults or by a
 * prefetch. The GPU and the CPU must see exactly that page and zeros.
 */
static void isolation_b(const struct mig_dev *d, uint64_t size, uint32_t seed,
			bool prefetch)
{
	const uint64_t chunks = size / SZ_2M, ps = svm_page_size();
	uint8_t *buf, *expected = shadow_alloc(SZ_2M);
	uint64_t i, j, *sums[SVM_BATCH_RESULTS], leaked;
	const uint32_t *w;
	struct ctx c;
	int fd;

	igt_assert(chunks <= SVM_BATCH_RESULTS);
	fd = vsvm_open_render(d->index);
	igt_assert_fd(fd);
	ctx_init_fd(&c, d, fd);
	buf = ctx_buf(&c, size);
	for (i = 0; i < chunks; i++)
		svm_pattern_fill(buf + i * SZ_2M, ps, seed + (uint32_t)i);

	if (prefetch)
		svm_prefetch(fd, c.vm, to_u64(buf), size,
			     DRM_SVM_REGION_DEVICE);
	else
		gpu_touch(&c, buf, size);

	svm_batch_reset(&c.b);
	for (i = 0; i < chunks; i++)
		sums[i] = cmd_checksum(&c.b, to_u64(buf + i * SZ_2M), SZ_2M);
	cmd_end(&c.b);
	run_ok(&c, "isolation checksums");

	for (i = 0; i < chunks; i++) {
		svm_pattern_fill(expected, ps, seed + (uint32_t)i);
		if (*sums[i] == svm_checksum(expected, SZ_2M) &&
		    svm_mem_diff(buf + i * SZ_2M, expected, SZ_2M) < 0)
			continue;

		/* Say whose data it is before failing. */
		w = (const uint32_t *)(buf + i * SZ_2M);
		leaked = 0;
		for (j = 0; j < SZ_2M / 4; j++)
			leaked += w[j] == LEAK_VALUE;
		igt_assert_f(false, "chunk %" PRIu64 ": GPU checksum %#"
			     PRIx64 " expected %#" PRIx64 "; first wrong "
			     "word %" PRId64 "; %" PRIu64 " words of the "
			     "other process's data\n", i, *sums[i],
			     svm_checksum(expected, SZ_2M),
			     svm_mem_diff(w, expected, SZ_2M), leaked);
	}

	munmap(buf, size);
	free(expected);
	ctx_fini(&c);
	close(fd);
}

static void test_isolation(void)
{
	const uint64_t a_size = dev0.vram_size / 2, b_size = dev0.vram_size;
	int a_ready[2], a_go[2], b_done[2];
	char token;

	igt_assert_eq(pipe2(a_ready, O_CLOEXEC), 0);
	igt_assert_eq(pipe2(a_go, O_CLOEXEC), 0);

	/* A: its data, written by the GPU, in half of the VRAM. */
	igt_fork(child, 1) {
		uint8_t *buf;
		struct ctx c;
		int fd;

		close(a_ready[0]);
		close(a_go[1]);
		fd = vsvm_open_render(dev0.index);
		igt_assert_fd(fd);
		ctx_init_fd(&c, &dev0, fd);
		buf = ctx_buf(&c, a_size);
		gpu_fill(&c, buf, a_size, LEAK_VALUE);
		assert_res(&c, buf, a_size, DEVICE, true);
		igt_assert_eq(write(a_ready[1], "a", 1), 1);

		/* B has run and evicted us: our data is intact. */
		igt_assert_eq(read(a_go[0], &token, 1), 1);
		assert_gpu_sum(&c, buf, a_size,
			       svm_checksum_fill(LEAK_VALUE, a_size));
		svm_assert_value(buf, a_size, LEAK_VALUE);
		/* Back in VRAM as we exit. */
		gpu_touch(&c, buf, a_size);
		_exit(IGT_EXIT_SUCCESS);
	}
	close(a_ready[1]);
	close(a_go[0]);
	igt_assert_f(read(a_ready[0], &token, 1) == 1,
		     "process A failed to fill VRAM\n");

	/* B, while A is alive. */
	igt_assert_eq(pipe2(b_done, O_CLOEXEC), 0);
	igt_fork(child, 1) {
		isolation_b(&dev0, b_size, SEED_B, false);
		igt_assert_eq(write(b_done[1], "b", 1), 1);
	}
	close(b_done[1]);
	igt_assert_eq(read(b_done[0], &token, 1), 1);
	close(b_done[0]);
	igt_assert_eq(write(a_go[1], "g", 1), 1);
	igt_waitchildren();
	close(a_ready[0]);
	close(a_go[1]);

	/* B again, once A has exited, by prefetch this time. */
	igt_fork(child, 1)
		isolation_b(&dev0, b_size, SEED_C, true);
	igt_waitchildren();
}

/* stats */

static const char * const fdinfo_keys[] = {
	"drm-total-vram", "drm-resident-vram", "vsvm-gpu-faults",
	"vsvm-cpu-faults", "vsvm-to-vram", "vsvm-to-ram", "vsvm-evictions",
};

static void print_fdinfo(int fd)
{
	uint64_t v;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fdinfo_keys); i++)
		if (!__svm_fdinfo(fd, fdinfo_keys[i], &v))
			igt_info("  %s: %" PRIu64 "\n", fdinfo_keys[i], v);
}

static void stats_child(void)
{
	const uint64_t n = pages(BUF_SIZE);
	struct svm_dev_stats st0, st1, st2;
	struct svm_proc_stats ps;
	uint8_t *buf;
	uint64_t cpu_faults;
	unsigned int i;
	struct ctx c;
	int fd;

	fd = vsvm_open_render(dev0.index);
	igt_assert_fd(fd);

	/* A fresh process: every key there, all zero. */
	for (i = 0; i < ARRAY_SIZE(fdinfo_keys); i++)
		igt_assert_f(svm_fdinfo(fd, fdinfo_keys[i]) == 0,
			     "%s: %" PRIu64 " in a fresh process\n",
			     fdinfo_keys[i], svm_fdinfo(fd, fdinfo_keys[i]));
	igt_assert_eq(__svm_proc_stats(getpid(), dev0.svm_id, &ps), 0);

	ctx_init_fd(&c, &dev0, fd);
	buf = ctx_buf(&c, BUF_SIZE);
	svm_pattern_fill(buf, BUF_SIZE, SEED_A);

	/* To VRAM by GPU faults. */
	st0 = svm_dev_stats(&dev0);
	gpu_touch(&c, buf, BUF_SIZE);
	st1 = svm_dev_stats(&dev0);
	igt_info("after the GPU faults:\n");
	print_fdinfo(fd);

	igt_assert(svm_fdinfo(fd, "vsvm-gpu-faults") > 0);
	igt_assert_eq_u64(st1.gpu_faults - st0.gpu_faults,
			  svm_fdinfo(fd, "vsvm-gpu-faults"));
	igt_assert_eq_u64(svm_fdinfo(fd, "vsvm-to-vram"), BUF_SIZE);
	igt_assert_eq_u64(svm_fdinfo(fd, "vsvm-to-ram"), 0);
	igt_assert_eq_u64(svm_fdinfo(fd, "drm-resident-vram"), BUF_SIZE);
	igt_assert(svm_fdinfo(fd, "drm-total-vram") >= BUF_SIZE);
	igt_assert_eq_u64(st1.pages_to_vram - st0.pages_to_vram, n);
	igt_assert_eq_u64(st1.vram_in_use - st0.vram_in_use, BUF_SIZE);

	igt_assert_eq(__svm_proc_stats(getpid(), dev0.svm_id, &ps), 1);
	igt_assert_eq_u64(ps.gpu_faults, svm_fdinfo(fd, "vsvm-gpu-faults"));
	igt_assert_eq_u64(ps.pages_to_vram, n);
	igt_assert_eq_u64(ps.pages_to_ram, 0);
	igt_assert_eq_u64(ps.vram_in_use, BUF_SIZE);

	/* One chunk back: read by the CPU, or prefetched when coherent. */
	svm_assert_pattern(buf, SZ_2M, SEED_A);
	cpu_faults = svm_fdinfo(fd, "vsvm-cpu-faults");
	if (mig_coherent(&dev0)) {
		igt_assert_eq_u64(cpu_faults, 0);
		igt_assert_eq_u64(svm_fdinfo(fd, "drm-resident-vram"),
				  BUF_SIZE);
		igt_assert_eq_u64(svm_prefetch(fd, c.vm, to_u64(buf), SZ_2M,
					       DRM_SVM_REGION_SYSTEM),
				  pages(SZ_2M));
	} else {
		igt_assert(cpu_faults > 0);
	}
	st2 = svm_dev_stats(&dev0);
	igt_info("after one chunk came back:\n");
	print_fdinfo(fd);

	igt_assert_eq_u64(svm_fdinfo(fd, "vsvm-to-ram"), SZ_2M);
	igt_assert_eq_u64(svm_fdinfo(fd, "vsvm-to-vram"), BUF_SIZE);
	igt_assert_eq_u64(svm_fdinfo(fd, "drm-resident-vram"), SZ_2M);
	igt_assert_eq_u64(svm_fdinfo(fd, "vsvm-evictions"), 0);
	igt_assert_eq_u64(st2.cpu_faults - st1.cpu_faults, cpu_faults);
	igt_assert_eq_u64(st2.pages_to_ram - st1.pages_to_ram, pages(SZ_2M));
	igt_assert_eq_u64(st2.vram_in_use - st0.vram_in_use, SZ_2M);

	igt_assert_eq(__svm_proc_stats(getpid(), dev0.svm_id, &ps), 1);
	igt_assert_eq_u64(ps.cpu_faults, cpu_faults);
	igt_assert_eq_u64(ps.pages_to_ram, pages(SZ_2M));
	igt_assert_eq_u64(ps.evictions, 0);
	igt_assert_eq_u64(ps.vram_in_use, SZ_2M);

	/* The data, all of it. */
	svm_assert_pattern(buf, BUF_SIZE, SEED_A);
	assert_gpu_sum(&c, buf, BUF_SIZE, svm_checksum(buf, BUF_SIZE));

	munmap(buf, BUF_SIZE);
	ctx_fini(&c);
	close(fd);
}

static void test_stats(void)
{
	igt_fork(child, 1)
		stats_child();
	igt_waitchildren();
}

/* fault-counters */

static void test_fault_counters(void)
{
	const uint64_t size = 2 * SZ_2M, chunk = pages(SZ_2M);
	struct svm_dev_stats st0, st1, st2;
	uint64_t faults, chunks, mapped, huge;
	uint8_t *buf;
	struct ctx c;

	ctx_init(&c, &dev0);
	buf = ctx_buf(&c, size);
	svm_pattern_fill(buf, size, SEED_A);

	st0 = svm_dev_stats(&dev0);
	igt_assert_eq_u64(gpu_checksum(&c, buf, size, &faults),
			  svm_checksum(buf, size));
	st1 = svm_dev_stats(&dev0);
	igt_assert_eq_u64(st1.gpu_faults - st0.gpu_faults, faults);
	chunks = st1.chunks - st0.chunks;
	mapped = st1.pages_mapped - st0.pages_mapped;
	huge = st1.huge_mapped - st0.huge_mapped;
	igt_info("GPU read: %" PRIu64 " faults, %" PRIu64 " chunks, %" PRIu64
		 " pages mapped, %" PRIu64 " huge, %" PRIu64 " retries\n",
		 faults, chunks, mapped, huge, st1.retries - st0.retries);
	igt_assert_f(chunks >= 2 && chunks <= faults,
		     "%" PRIu64 " chunks for %" PRIu64 " faults\n", chunks,
		     faults);
	igt_assert_f(mapped >= pages(size) && mapped <= chunks * chunk,
		     "%" PRIu64 " pages mapped in %" PRIu64 " chunks\n",
		     mapped, chunks);
	igt_assert_f(huge <= chunks, "%" PRIu64 " huge entries in %" PRIu64
		     " chunks\n", huge, chunks);

	igt_assert_eq(munmap(buf + SZ_2M, SZ_2M), 0);
	st2 = svm_dev_stats(&dev0);
	igt_assert_f(st2.invalidations > st1.invalidations,
		     "munmap of a mapped chunk invalidated nothing\n");
	igt_assert_eq(munmap(buf, SZ_2M), 0);
	ctx_fini(&c);
}

/* phases */

static void assert_phases(const struct svm_phases *a,
			  const struct svm_phases *b,
			  const enum svm_phase_id *ph, unsigned int n,
			  uint64_t runs, const char *what)
{
	const unsigned int k = 2;	/* the 2m class */
	uint64_t dc, dn;
	unsigned int i;

	for (i = 0; i < n; i++) {
		dc = b->count[ph[i]][k] - a->count[ph[i]][k];
		dn = b->ns[ph[i]][k] - a->ns[ph[i]][k];
		igt_info("%s: %s 2m: %" PRIu64 " runs, %" PRIu64 " ns\n", what,
			 svm_phase_names[ph[i]], dc, dn);
		igt_assert_f(dc >= runs, "%s: %s ran %" PRIu64
			     " times in the 2m class, expected %" PRIu64 "\n",
			     what, svm_phase_names[ph[i]], dc, runs);
		igt_assert_f(dn > 0, "%s: %s took no time\n", what,
			     svm_phase_names[ph[i]]);
	}
}

static void test_phases(void)
{
	static const enum svm_phase_id move[] = {
		SVM_PH_SETUP, SVM_PH_ALLOC, SVM_PH_COPY, SVM_PH_FINISH,
	};
	static const enum svm_phase_id fault[] = { SVM_PH_HMM, SVM_PH_MAP };
	const uint64_t size = 2 * SZ_2M, chunks = 2;
	struct svm_phases p0, p1, p2, p3;
	uint8_t *buf;
	struct ctx c;

	ctx_init(&c, &dev0);
	buf = ctx_buf(&c, size);
	svm_pattern_fill(buf, size, SEED_A);

	/* The first GPU access faults both chunks in (and moves them). */
	p0 = svm_phases_read(dev0.svm_id);
	gpu_touch(&c, buf, size);
	p1 = svm_phases_read(dev0.svm_id);
	assert_phases(&p0, &p1, fault, ARRAY_SIZE(fault), chunks, "GPU fault");

	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), size,
				       DRM_SVM_REGION_SYSTEM), pages(size));
	p2 = svm_phases_read(dev0.svm_id);
	assert_phases(&p1, &p2, move, ARRAY_SIZE(move), chunks, "to system");
	svm_assert_pattern(buf, size, SEED_A);

	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), size,
				       DRM_SVM_REGION_DEVICE), pages(size));
	p3 = svm_phases_read(dev0.svm_id);
	assert_phases(&p2, &p3, move, ARRAY_SIZE(move), chunks, "to VRAM");
	svm_assert_pattern(buf, size, SEED_A);
	ctx_fini(&c);
}

/* mempolicy-* */

static void assert_node0(const uint8_t *buf, uint64_t size)
{
	const uint64_t n = pages(size);
	void **addrs = calloc(n, sizeof(*addrs));
	int *status = calloc(n, sizeof(*status));
	uint64_t i;

	igt_assert(addrs && status);
	for (i = 0; i < n; i++)
		addrs[i] = (void *)(buf + i * SZ_4K);
	igt_assert_eq(syscall(SYS_move_pages, 0, n, addrs, NULL, status, 0), 0);
	for (i = 0; i < n; i++)
		igt_assert_f(status[i] == 0, "page %" PRIu64 ": node %d\n", i,
			     status[i]);
	free(status);
	free(addrs);
}

static void test_mempolicy(bool task)
{
	const uint64_t size = 2 * SZ_2M;
	unsigned long node0 = 1;
	uint8_t *buf;
	struct ctx c;

	ctx_init(&c, &dev0);
	buf = ctx_buf(&c, size);
	if (task)
		igt_assert_eq(syscall(SYS_set_mempolicy, MPOL_BIND, &node0,
				      8 * sizeof(node0)), 0);
	else
		igt_assert_eq(syscall(SYS_mbind, buf, size, MPOL_BIND, &node0,
				      8 * sizeof(node0), 0), 0);
	svm_pattern_fill(buf, size, SEED_A);
	igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), size,
				       DRM_SVM_REGION_DEVICE), pages(size));
	assert_res(&c, buf, size, DEVICE, true);

	if (task || mig_coherent(&dev0))
		igt_assert_eq_u64(svm_prefetch(c.fd, c.vm, to_u64(buf), size,
					       DRM_SVM_REGION_SYSTEM),
				  pages(size));
	svm_assert_pattern(buf, size, SEED_A);
	assert_node0(buf, size);
	if (task)
		igt_assert_eq(syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL,
				      0), 0);
	ctx_fini(&c);
}

/* residency-unbound */

static void test_residency_unbound(void)
{
	const uint64_t n = 16;
	struct drm_svm_page_residency *r;
	uint64_t i;
	struct ctx c;

	ctx_init(&c, &dev0);
	r = svm_residency(c.fd, c.vm, SZ_1T, n);
	for (i = 0; i < n; i++) {
		igt_assert_f(r[i].location == NONE && r[i].flags == 0 &&
			     r[i].mapped == 0,
			     "page %" PRIu64 ": location %s flags %#x mapped %#"
			     PRIx64 "\n", i, svm_location_str(r[i].location),
			     r[i].flags, (uint64_t)r[i].mapped);
	}
	free(r);
	ctx_fini(&c);
}

/*
 * Negative tests of PREFETCH and RESIDENCY: each breaks one field of a
 * valid call.
 */

#define NEG_SIZE		SZ_1M
#define UNALIGNED		2048ull
#define UNKNOWN_ID_OFFSET	0x10000ull
#define TOP_PAGE		(~0ull - 4095)

struct neg_env {
	int fd;
	uint32_t vm;
	uint8_t *buf;		/* NEG_SIZE, written and bound */
	struct drm_svm_page_residency *pages;
};

struct field_case {
	const char *name;
	const char *desc;
	size_t offset;
	size_t size;
	uint64_t value;
	bool add;
	int err;
};

#define FIELD(type, f) offsetof(type, f), sizeof(((type *)0)->f)

/* Replaces the field by @value, or moves it by @value with @add. */
static void set_field(void *args, const struct field_case *c)
{
	uint8_t *p = (uint8_t *)args + c->offset;
	uint64_t v64;
	uint32_t v32;

	if (c->size == 4) {
		memcpy(&v32, p, 4);
		v32 = c->add ? v32 + (uint32_t)c->value : (uint32_t)c->value;
		memcpy(p, &v32, 4);
	} else {
		igt_assert_eq(c->size, 8);
		memcpy(&v64, p, 8);
		v64 = c->add ? v64 + c->value : c->value;
		memcpy(p, &v64, 8);
	}
}

#define PF(name, f, v, add, err, desc) \
	{ "prefetch-" name, desc, FIELD(struct drm_svm_prefetch, f), v, add, \
	  err }

static const struct field_case prefetch_cases_neg[] = {
	PF("unknown-vm", vm_id, UNKNOWN_ID_OFFSET, true, ENOENT,
	   "Prefetch on an unknown VM id fails with ENOENT."),
	PF("bad-region", region, DRM_SVM_REGION_PREFERRED + 1, false, EINVAL,
	   "Prefetch to region 3 fails with EINVAL."),
	PF("bad-region-high", region, 0xffffffff, false, EINVAL,
	   "Prefetch to region 0xffffffff fails with EINVAL."),
	PF("bad-flags-bit-1", flags, 2, false, EINVAL,
	   "Prefetch with flag bit 1 fails with EINVAL."),
	PF("bad-flags-bit-31", flags, 1u << 31, false, EINVAL,
	   "Prefetch with flag bit 31 fails with EINVAL."),
	PF("bad-reserved-0", reserved[0], 1, false, EINVAL,
	   "Prefetch with non-zero reserved[0] fails with EINVAL."),
	PF("bad-reserved-1", reserved[1], 1, false, EINVAL,
	   "Prefetch with non-zero reserved[1] fails with EINVAL."),
	PF("unaligned-gpu", gpu_addr, UNALIGNED, true, EINVAL,
	   "Prefetch at an unaligned GPU address fails with EINVAL."),
	PF("unaligned-range", range, UNALIGNED, true, EINVAL,
	   "Prefetch of an unaligned size fails with EINVAL."),
	PF("zero-range", range, 0, false, EINVAL,
	   "Prefetch of zero bytes fails with EINVAL."),
	PF("wrap", gpu_addr, TOP_PAGE, false, EINVAL,
	   "Prefetch of a range that wraps fails with EINVAL."),
	PF("nonzero-syncobj", syncobj, 1, false, EOPNOTSUPP,
	   "Prefetch with a non-zero syncobj fails with EOPNOTSUPP."),
	PF("unbound", gpu_addr, SZ_1T, false, EFAULT,
	   "Prefetch of GPU addresses with no binding fails with EFAULT."),
	{ NULL }
};

#define RES(name, f, v, add, err, desc) \
	{ "residency-" name, desc, FIELD(struct drm_svm_residency, f), v, \
	  add, err }

static const struct field_case residency_cases_neg[] = {
	RES("unknown-vm", vm_id, UNKNOWN_ID_OFFSET, true, ENOENT,
	    "Residency of an unknown VM id fails with ENOENT."),
	RES("bad-flags", flags, 1, false, EINVAL,
	    "Residency with non-zero flags fails with EINVAL."),
	RES("bad-reserved", reserved, 1, false, EINVAL,
	    "Residency with non-zero reserved fails with EINVAL."),
	RES("bad-blocks", blocks, 8, false, EFAULT,
	    "Residency with a blocks pointer that cannot be written fails "
	    "with EFAULT."),
	RES("unaligned-gpu", gpu_addr, UNALIGNED, true, EINVAL,
	    "Residency at an unaligned GPU address fails with EINVAL."),
	RES("zero-npages", npages, 0, false, EINVAL,
	    "Residency of zero pages fails with EINVAL."),
	RES("too-many-npages", npages, DRM_SVM_RESIDENCY_MAX_PAGES + 1ull,
	    false, EINVAL,
	    "Residency of DRM_SVM_RESIDENCY_MAX_PAGES + 1 pages fails with "
	    "EINVAL."),
	RES("wrap", gpu_addr, TOP_PAGE, false, EINVAL,
	    "Residency of a range that wraps fails with EINVAL."),
	{ NULL }
};

static struct drm_svm_prefetch valid_prefetch(const struct neg_env *e)
{
	struct drm_svm_prefetch args = {
		.vm_id = e->vm,
		.region = DRM_SVM_REGION_DEVICE,
		.gpu_addr = to_u64(e->buf),
		.range = NEG_SIZE,
	};

	return args;
}

static struct drm_svm_residency valid_residency(const struct neg_env *e)
{
	struct drm_svm_residency args = {
		.vm_id = e->vm,
		.gpu_addr = to_u64(e->buf),
		.npages = pages(NEG_SIZE),
		.pages = to_u64(e->pages),
	};

	return args;
}

static void neg_env_init(struct neg_env *e)
{
	struct drm_svm_prefetch pf;
	struct drm_svm_residency res;

	e->fd = dev0.fd;
	e->vm = svm_vm_create(e->fd);
	e->buf = svm_alloc(NEG_SIZE);
	svm_pattern_fill(e->buf, NEG_SIZE, SEED_A);
	svm_bind_ptr(e->fd, e->vm, e->buf, NEG_SIZE, 0);
	e->pages = calloc(pages(NEG_SIZE), sizeof(*e->pages));
	igt_assert(e->pages);

	/* The valid bases must be valid. */
	pf = valid_prefetch(e);
	do_ioctl(e->fd, DRM_IOCTL_VSVM_PREFETCH, &pf);
	res = valid_residency(e);
	do_ioctl(e->fd, DRM_IOCTL_VSVM_RESIDENCY, &res);
}

static void neg_env_fini(struct neg_env *e)
{
	svm_vm_destroy(e->fd, e->vm);
	munmap(e->buf, NEG_SIZE);
	free(e->pages);
}

static void test_prefetch_field(const struct neg_env *e,
				const struct field_case *c)
{
	struct drm_svm_prefetch args = valid_prefetch(e);

	set_field(&args, c);
	do_ioctl_err(e->fd, DRM_IOCTL_VSVM_PREFETCH, &args, c->err);
}

static void test_residency_field(const struct neg_env *e,
				 const struct field_case *c)
{
	struct drm_svm_residency args = valid_residency(e);

	set_field(&args, c);
	do_ioctl_err(e->fd, DRM_IOCTL_VSVM_RESIDENCY, &args, c->err);
}

static void test_bad_extension_pointer(const struct neg_env *e, bool prefetch)
{
	void *ptr = svm_mmap(svm_page_size(), PROT_NONE, MAP_PRIVATE);
	struct drm_svm_residency res = valid_residency(e);
	struct drm_svm_prefetch pf = valid_prefetch(e);

	if (prefetch) {
		pf.extensions = to_u64(ptr);
		do_ioctl_err(e->fd, DRM_IOCTL_VSVM_PREFETCH, &pf, EFAULT);
	} else {
		res.extensions = to_u64(ptr);
		do_ioctl_err(e->fd, DRM_IOCTL_VSVM_RESIDENCY, &res, EFAULT);
	}
	munmap(ptr, svm_page_size());
}

static void test_prefetch_hole(const struct neg_env *e)
{
	uint8_t *ptr = svm_alloc(NEG_SIZE);
	struct drm_svm_prefetch args = valid_prefetch(e);

	svm_bind_ptr(e->fd, e->vm, ptr, NEG_SIZE, 0);
	igt_assert_eq(munmap(ptr, NEG_SIZE), 0);
	args.gpu_addr = to_u64(ptr);
	do_ioctl_err(e->fd, DRM_IOCTL_VSVM_PREFETCH, &args, EFAULT);
	svm_unbind(e->fd, e->vm, to_u64(ptr), NEG_SIZE);
}

/* prefetch-no-map-* */

static const struct no_map_case {
	const char *name;
	int prot;		/* of the memory; -1: unmapped */
	int err;
} no_map_cases[] = {
	{ "hole", -1, EFAULT },
	{ "prot-none", PROT_NONE, EFAULT },
	{ "readonly", PROT_READ, EPERM },
	{ NULL }
};

static void test_prefetch_no_map_refused(const struct neg_env *e,
					 const struct no_map_case *nc)
{
	uint8_t *ptr = svm_alloc(NEG_SIZE);
	struct drm_svm_prefetch args = valid_prefetch(e);

	svm_pattern_fill(ptr, NEG_SIZE, SEED_A);
	svm_bind_ptr(e->fd, e->vm, ptr, NEG_SIZE, 0);
	if (nc->prot < 0)
		igt_assert_eq(munmap(ptr, NEG_SIZE), 0);
	else
		igt_assert_eq(mprotect(ptr, NEG_SIZE, nc->prot), 0);
	args.gpu_addr = to_u64(ptr);
	args.region = DRM_SVM_REGION_DEVICE;
	args.flags = DRM_SVM_PREFETCH_FLAG_NO_MAP;
	do_ioctl_err(e->fd, DRM_IOCTL_VSVM_PREFETCH, &args, nc->err);
	svm_unbind(e->fd, e->vm, to_u64(ptr), NEG_SIZE);
	if (nc->prot >= 0) {
		igt_assert_eq(mprotect(ptr, NEG_SIZE, PROT_READ), 0);
		svm_assert_pattern(ptr, NEG_SIZE, SEED_A);
		munmap(ptr, NEG_SIZE);
	}
}

static void test_prefetch_no_map_file(const struct neg_env *e)
{
	uint8_t *data = malloc(NEG_SIZE), *ptr;
	struct drm_svm_prefetch args = valid_prefetch(e);
	int memfd = memfd_create("vsvm-no-map", MFD_CLOEXEC);

	igt_assert(data);
	igt_assert_fd(memfd);
	svm_pattern_fill(data, NEG_SIZE, SEED_B);
	igt_assert_eq(pwrite(memfd, data, NEG_SIZE, 0), NEG_SIZE);
	ptr = mmap(NULL, NEG_SIZE, PROT_READ, MAP_PRIVATE, memfd, 0);
	igt_assert(ptr != MAP_FAILED);
	svm_bind_ptr(e->fd, e->vm, ptr, NEG_SIZE, 0);

	args.gpu_addr = to_u64(ptr);
	args.region = DRM_SVM_REGION_SYSTEM;
	args.flags = DRM_SVM_PREFETCH_FLAG_NO_MAP;
	igt_assert_eq(__svm_prefetch_ioctl(e->fd, &args), 0);
	args.flags = 0;
	igt_assert_eq(__svm_prefetch_ioctl(e->fd, &args), 0);
	svm_assert_pattern(ptr, NEG_SIZE, SEED_B);

	svm_unbind(e->fd, e->vm, to_u64(ptr), NEG_SIZE);
	munmap(ptr, NEG_SIZE);
	close(memfd);
	free(data);
}

static void test_residency_unwritable(const struct neg_env *e)
{
	const uint64_t size = svm_page_size();
	struct drm_svm_residency args = valid_residency(e);
	uint8_t *ro = svm_mmap(size, PROT_READ, MAP_PRIVATE);

	args.pages = to_u64(ro);
	args.npages = size / sizeof(struct drm_svm_page_residency);
	do_ioctl_err(e->fd, DRM_IOCTL_VSVM_RESIDENCY, &args, EFAULT);
	svm_assert_value(ro, size, 0);
	munmap(ro, size);
}

static void test_fork_child(const struct neg_env *e, bool prefetch)
{
	/* Known state: all in system memory. */
	svm_prefetch(e->fd, e->vm, to_u64(e->buf), NEG_SIZE,
		     DRM_SVM_REGION_SYSTEM);

	igt_fork(child, 1) {
		struct drm_svm_residency res = valid_residency(e);
		struct drm_svm_prefetch pf = valid_prefetch(e);

		if (prefetch)
			do_ioctl_err(e->fd, DRM_IOCTL_VSVM_PREFETCH, &pf,
				     EACCES);
		else
			do_ioctl_err(e->fd, DRM_IOCTL_VSVM_RESIDENCY, &res,
				     EACCES);
	}
	igt_waitchildren();

	/* fork() write-protected the pages, which may unmap them. */
	mig_assert_residency(e->fd, &dev0, e->vm, e->buf, NEG_SIZE, SYSTEM, false);
	svm_assert_pattern(e->buf, NEG_SIZE, SEED_A);
}

/* prefetch-async-kill */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* A bound buffer of @size in a new VM of @fd, not touched; NULL on failure */
static uint8_t *kill_buf(int fd, uint32_t *vm, uint64_t size)
{
	struct drm_svm_vm_create args = {};
	uint8_t *buf;

	if (__svm_vm_create(fd, &args))
		return NULL;
	*vm = args.vm_id;
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (buf == MAP_FAILED ||
	    __svm_bind(fd, *vm, to_u64(buf), to_u64(buf), size, 0))
		return NULL;
	return buf;
}

/*
 * A child that prefetches its buffer to system memory, which faults every
 * page in: synchronously (@async false) or with a fence. It says on
 * @pipe_fd when the prefetch is done or queued ('r', or 'e' on error),
 * then waits to be killed. No IGT calls: it is a plain fork.
 */
static void __attribute__((noreturn)) kill_child(int pipe_fd, uint64_t size,
						 bool async)
{
	struct svm_fence *f = NULL;
	char c = 'e';
	uint64_t moved;
	uint8_t *buf;
	uint32_t vm;
	int fd;

	fd = vsvm_open_render(0);
	buf = fd < 0 ? NULL : kill_buf(fd, &vm, size);
	if (buf && (!async || (f = __svm_fence_create())) &&
	    !__svm_prefetch(fd, vm, to_u64(buf), size, DRM_SVM_REGION_SYSTEM,
			    f, &moved))
		c = 'r';
	if (write(pipe_fd, &c, 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

/*
 * Another process's small asynchronous prefetch, from opening a render
 * node (which opens and closes the others on the way) to closing it.
 * Returns how long it all took.
 */
static uint64_t other_prefetch(void)
{
	uint64_t t = now_ns();
	struct svm_fence *f;
	uint8_t *small;
	uint32_t vm;
	int fd;

	fd = vsvm_open_render(0);
	igt_assert_lte(0, fd);
	small = kill_buf(fd, &vm, SZ_2M);
	igt_assert(small);
	f = svm_fence_create();
	igt_assert_eq(svm_prefetch_async(fd, vm, to_u64(small), SZ_2M,
					 DRM_SVM_REGION_SYSTEM, f), 1);
	close(fd);
	svm_fence_destroy(f);
	munmap(small, SZ_2M);
	return now_ns() - t;
}

/*
 * Start a child (see kill_child()) and wait @delay_ns after it is ready;
 * with @other, time other_prefetch() into *@other then. Then kill the
 * child. Returns how long it took to exit.
 */
static uint64_t kill_run(uint64_t size, bool async, uint64_t delay_ns,
			 uint64_t *other)
{
	int pipe_fds[2], status;
	uint64_t t;
	pid_t pid;
	char c;

	igt_assert_eq(pipe(pipe_fds), 0);
	pid = fork();
	igt_assert_lte(0, pid);
	if (!pid)
		kill_child(pipe_fds[1], size, async);
	igt_assert_eq(read(pipe_fds[0], &c, 1), 1);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	if (c != 'r')
		kill(pid, SIGKILL);
	igt_assert_f(c == 'r', "the child's prefetch failed\n");
	usleep(delay_ns / 1000);
	if (other)
		*other = other_prefetch();

	t = now_ns();
	igt_assert_eq(kill(pid, SIGKILL), 0);
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	return now_ns() - t;
}

static void test_prefetch_async_kill(void)
{
	const uint64_t size = 1ull << 30;
	uint64_t t, full, base, killed, other, moved;
	uint32_t vm;
	uint8_t *buf;

	/* How long the whole prefetch takes here */
	buf = kill_buf(dev0.fd, &vm, size);
	igt_assert(buf);
	t = now_ns();
	igt_assert_eq(__svm_prefetch(dev0.fd, vm, to_u64(buf), size,
				     DRM_SVM_REGION_SYSTEM, NULL, &moved), 0);
	full = now_ns() - t;
	svm_vm_destroy(dev0.fd, vm);
	munmap(buf, size);

	/* The exit of a process with the same memory, nothing in flight */
	base = kill_run(size, false, 0, NULL);
	/* ... and of one killed a tenth into its asynchronous prefetch */
	killed = kill_run(size, true, full / 10, NULL);
	/* Another process's prefetch while one is in flight */
	kill_run(size, true, full / 10, &other);

	igt_info("prefetch of %" PRIu64 " MiB: %" PRIu64 " ms; exit after SIGKILL: %"
		 PRIu64 " ms idle, %" PRIu64 " ms in the prefetch; another "
		 "process's open, prefetch and close meanwhile: %" PRIu64
		 " ms\n", size >> 20, full / 1000000, base / 1000000,
		 killed / 1000000, other / 1000000);
	igt_assert_f(killed < base + full / 4,
		     "the killed process took %" PRIu64 " ms to exit\n",
		     killed / 1000000);
	igt_assert_f(other < full / 4, "another process's prefetch took %"
		     PRIu64 " ms\n", other / 1000000);
}

/* trace-faults */

#define TRACEFS			"/sys/kernel/tracing"
#define TRACE_INST		TRACEFS "/instances/vsvm_migrate"
#define TRACE_GRANULE		SZ_64K

static void trace_write(const char *file, const char *what)
{
	char path[160];
	int fd;

	snprintf(path, sizeof(path), TRACE_INST "/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	igt_assert_f(fd >= 0, "%s: %m\n", path);
	igt_assert_eq(write(fd, what, strlen(what)), (ssize_t)strlen(what));
	close(fd);
}

static void trace_events(bool on)
{
	trace_write("events/drm_svm/drm_svm_fault_batch/enable", on ? "1" : "0");
	trace_write("events/drm_svm/drm_svm_gpu_fault/enable", on ? "1" : "0");
}

/* The number after @key in @line, which must have it. */
static uint64_t trace_field(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	igt_assert_f(p, "no %s in: %s", key, line);
	return strtoull(p + strlen(key), NULL, 0);
}

/* The fault events of this process, added up. */
struct trace_sums {
	uint64_t faults, chunks, failed, events, errors, moved, in_buf;
};

static struct trace_sums trace_sum(const uint8_t *buf, uint64_t size)
{
	uint64_t lo = to_u64(buf), hi = lo + size, start, end;
	struct trace_sums t = {};
	char line[512], who[32];
	const char *m;
	FILE *f;

	snprintf(who, sizeof(who), "pid=%d ", getpid());
	f = fopen(TRACE_INST "/trace", "re");
	igt_assert(f);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || !strstr(line, who))
			continue;
		if (strstr(line, "drm_svm_fault_batch:")) {
			t.faults += trace_field(line, " faults=");
			t.chunks += trace_field(line, " chunks=");
			t.failed += trace_field(line, " failed=");
			continue;
		}
		if (!strstr(line, "drm_svm_gpu_fault:"))
			continue;
		t.events++;
		t.errors += !strstr(line, " err=0");
		t.moved += trace_field(line, " moved=");
		m = strstr(line, " mapped=");
		igt_assert_f(m && sscanf(m, " mapped=%" SCNx64 "-%" SCNx64,
					 &start, &end) == 2,
			     "no mapped range in: %s", line);
		if (start < lo || start >= hi)
			continue;
		t.in_buf++;
		igt_assert_f(end <= hi && end - start <= TRACE_GRANULE,
			     "chunk %#" PRIx64 "-%#" PRIx64 " of a %" PRIu64
			     " KiB granularity, buffer %#" PRIx64 "-%#" PRIx64
			     "\n", start, end, (uint64_t)TRACE_GRANULE >> 10,
			     lo, hi);
	}
	fclose(f);
	return t;
}

static void test_trace_faults(void)
{
	const uint64_t size = BUF_SIZE;
	struct drm_svm_madvise m = {
		.range = size,
		.type = DRM_SVM_ATTR_GRANULARITY,
		.granularity.size = TRACE_GRANULE,
	};
	uint8_t *buf, *shadow = shadow_alloc(size);
	struct svm_dev_stats st0, st1;
	uint64_t faults, sum;
	struct trace_sums t;
	struct ctx c;

	if (access(TRACEFS "/instances", F_OK))
		igt_require_f(system("mount -t tracefs nodev " TRACEFS) == 0,
			      "no tracefs at %s\n", TRACEFS);
	igt_assert(!mkdir(TRACE_INST, 0755) || errno == EEXIST);
	ctx_init(&c, &dev0);
	buf = ctx_buf(&c, size);
	m.start = to_u64(buf);
	igt_assert_eq(__svm_madvise(c.fd, &m), 0);
	svm_pattern_fill(buf, size, SEED_A);
	svm_pattern_fill(shadow, size, SEED_A);
	assert_res(&c, buf, size, SYSTEM, false);

	st0 = svm_dev_stats(c.d);
	/* What an earlier run may have left in the instance's buffer */
	trace_write("trace", "");
	trace_events(true);
	sum = gpu_checksum(&c, buf, size, &faults);
	trace_events(false);
	st1 = svm_dev_stats(c.d);
	t = trace_sum(buf, size);
	igt_info("%" PRIu64 " faults in the job; traced: %" PRIu64
		 " faults, %" PRIu64 " chunks (%" PRIu64 " in the buffer), %"
		 PRIu64 " pages moved\n", faults, t.faults, t.chunks, t.in_buf,
		 t.moved);

	igt_assert_eq_u64(sum, svm_checksum(shadow, size));
	assert_res(&c, buf, size, DEVICE, true);
	igt_assert_eq_u64(t.faults, faults);
	igt_assert_eq_u64(t.failed, 0);
	igt_assert_eq_u64(t.errors, 0);
	igt_assert_eq_u64(t.chunks, t.events);
	igt_assert_cmpu64(size / TRACE_GRANULE, <=, >, t.in_buf);
	igt_assert_eq_u64(t.moved, st1.pages_to_vram - st0.pages_to_vram);
	igt_assert_eq_u64(t.moved, pages(size));

	munmap(buf, size);
	free(shadow);
	ctx_fini(&c);
	igt_assert_eq(rmdir(TRACE_INST), 0);
}

igt_main
{
	const struct prefetch_case *pc;
	const struct no_map_case *nc;
	const struct field_case *fc;

	dev0.fd = -1;
	dev1.fd = -1;

	igt_fixture {
		struct drm_vsvm_device_query q = {};

		igt_require_f(vsvm_count_devices() > 0,
			      "No vsvm render node; is vsvm loaded?\n");
		igt_assert(mig_dev_open(&dev0, 0));
		vsvm_require_uapi(dev0.fd, &q);
		if (vsvm_count_devices() > 1)
			igt_assert(mig_dev_open(&dev1, 1));
		igt_info("%s VRAM, %" PRIu64 " MiB per device\n",
			 mig_mode_str(dev0.vram_mode), dev0.vram_size >> 20);
	}

	igt_describe("The device query's SVM id and VRAM agree with debugfs.");
	igt_subtest("device-query")
		test_device_query();

	igt_describe("Ten round trips system -> VRAM -> system, data and "
		     "residency checked each time.");
	igt_subtest("round-trip")
		test_round_trip();

	igt_describe("A CPU read of a page in VRAM.");
	igt_subtest("cpu-read-device-page")
		test_cpu_access(false);

	igt_describe("A CPU write to a page in VRAM.");
	igt_subtest("cpu-write-device-page")
		test_cpu_access(true);

	igt_describe("A range partly in VRAM moves wholly to VRAM.");
	igt_subtest("remigrate-mixed")
		test_remigrate_mixed();

	igt_describe("Only the movable parts of a mixed range move to VRAM.");
	igt_subtest("mixed-unmovable")
		test_mixed_unmovable();

	for (pc = prefetch_cases; pc->name; pc++) {
		igt_describe(pc->desc);
		igt_subtest_f("prefetch-%s", pc->name) {
			if (pc->region == DRM_SVM_REGION_DEVICE)
				test_prefetch_device(pc);
			else
				test_prefetch_system(pc);
		}
	}

	igt_describe("A prefetch with NO_MAP moves the range and maps none of it.");
	igt_subtest("prefetch-no-map-sync")
		test_prefetch_no_map(false);

	igt_describe("An asynchronous prefetch with NO_MAP maps none of it.");
	igt_subtest("prefetch-no-map-async")
		test_prefetch_no_map(true);

	igt_describe("Copy-on-write of pages in VRAM after fork.");
	igt_subtest("fork-cow")
		test_fork_cow();

	igt_describe("munmap of part of a chunk in VRAM.");
	igt_subtest("munmap-partial")
		test_munmap_partial();

	igt_describe("mremap of memory in VRAM.");
	igt_subtest("mremap")
		test_mremap();

	igt_describe("MADV_DONTNEED of pages in VRAM.");
	igt_subtest("madvise-dontneed")
		test_madvise_dontneed();

	igt_describe("MADV_FREE of pages in VRAM.");
	igt_subtest("madvise-free")
		test_madvise_free();

	igt_describe("VRAM is freed when a process exits with pages in it.");
	igt_subtest("exit-frees-vram")
		test_exit_frees_vram();

	igt_describe("One process uses twice the VRAM size.");
	igt_subtest("overcommit-single")
		test_overcommit(1);

	igt_describe("Two processes at once use twice the VRAM size.");
	igt_subtest("overcommit-two-procs")
		test_overcommit(2);

	igt_describe("Failing VRAM allocations fall back to system memory.");
	igt_subtest("vram-alloc-fail")
		test_vram_alloc_fail();

	igt_fixture
		knobs_reset();

	igt_describe("A failing copy leaves the range consistent.");
	igt_subtest("copy-fail")
		test_copy_fail();

	igt_fixture
		knobs_reset();

	igt_describe("No process sees another's data through VRAM.");
	igt_subtest("isolation")
		test_isolation();

	igt_describe("fdinfo keys and debugfs counters follow migrations.");
	igt_subtest("stats")
		test_stats();

	igt_describe("The fault path's debugfs counters follow a GPU read.");
	igt_subtest("fault-counters")
		test_fault_counters();

	igt_describe("A buffer with a memory policy comes back from VRAM.");
	igt_subtest("mempolicy-vma")
		test_mempolicy(false);

	igt_describe("A thread with a memory policy brings a buffer back.");
	igt_subtest("mempolicy-task")
		test_mempolicy(true);

	igt_describe("The phase timers count moves and faults.");
	igt_subtest("phases")
		test_phases();

	igt_describe("Unbound GPU addresses are not resident.");
	igt_subtest("residency-unbound")
		test_residency_unbound();

	igt_describe("Single commands over twice the VRAM complete.");
	igt_subtest("overcommit-one-command")
		test_overcommit_one_command();

	igt_subtest_group {
		struct neg_env e = { .fd = -1 };

		igt_fixture
			neg_env_init(&e);

		for (fc = prefetch_cases_neg; fc->name; fc++) {
			igt_describe(fc->desc);
			igt_subtest_f("%s", fc->name)
				test_prefetch_field(&e, fc);
		}

		igt_describe("Prefetch with an unreadable extension pointer "
			     "fails with EFAULT.");
		igt_subtest("prefetch-bad-extension-pointer")
			test_bad_extension_pointer(&e, true);

		igt_describe("A killed process's asynchronous prefetch stops "
			     "promptly, and delays no other process.");
		igt_subtest("prefetch-async-kill")
			test_prefetch_async_kill();

		igt_describe("Prefetch of a binding without CPU memory fails "
			     "with EFAULT.");
		igt_subtest("prefetch-hole")
			test_prefetch_hole(&e);

		for (nc = no_map_cases; nc->name; nc++) {
			igt_describe("A NO_MAP prefetch refuses what a mapping prefetch refuses.");
			igt_subtest_f("prefetch-no-map-%s", nc->name)
				test_prefetch_no_map_refused(&e, nc);
		}

		igt_describe("A NO_MAP prefetch reads copy-on-write memory, as a mapping one does.");
		igt_subtest("prefetch-no-map-file-readonly")
			test_prefetch_no_map_file(&e);

		igt_describe("Prefetch from a fork child fails with EACCES.");
		igt_subtest("prefetch-fork-child")
			test_fork_child(&e, true);

		for (fc = residency_cases_neg; fc->name; fc++) {
			igt_describe(fc->desc);
			igt_subtest_f("%s", fc->name)
				test_residency_field(&e, fc);
		}

		igt_describe("Residency with an unreadable extension pointer "
			     "fails with EFAULT.");
		igt_subtest("residency-bad-extension-pointer")
			test_bad_extension_pointer(&e, false);

		igt_describe("Residency into read-only memory fails with "
			     "EFAULT.");
		igt_subtest("residency-unwritable-pages")
			test_residency_unwritable(&e);

		igt_describe("Residency from a fork child fails with EACCES.");
		igt_subtest("residency-fork-child")
			test_fork_child(&e, false);

		igt_fixture
			neg_env_fini(&e);
	}

	igt_describe("The fault tracepoints follow a GPU job's faults.");
	igt_subtest("trace-faults")
		test_trace_faults();

	igt_fixture {
		knobs_reset();
		if (dev1.fd >= 0)
			close(dev1.fd);
		close(dev0.fd);
	}
}

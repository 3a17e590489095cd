// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/align.h>
#include <linux/export.h>
#include <linux/log2.h>
#include <linux/mm.h>

#include <drm/drm_svm.h>

/**
 * DOC: Range chunks
 *
 * A GPU fault is serviced for a whole chunk around the faulting address,
 * not for a single page: the chunk is the unit the core faults in with
 * hmm_range_fault(), maps into the device page table and, later, migrates.
 * Drivers list the chunk sizes their page table handles well, largest
 * first (for example 2M, 64K, 4K). For each fault the core picks the
 * largest size whose naturally aligned block around the fault
 *
 *  - lies inside the CPU VMA, the binding and the notifier window (the
 *    caller intersects these into one [start, end) interval), and
 *  - is aligned in the GPU address space as well, which only holds when
 *    the binding's GPU-minus-CPU offset is a multiple of the size.
 *
 * The smallest size must be PAGE_SIZE so that any fault inside a valid
 * interval can be served. A run of faults of one batch on adjacent pages
 * may get a larger chunk than its granularity or the listed sizes allow,
 * of any power of two up to 2M (see GPU page faults).
 */

/**
 * drm_svm_chunk_size() - Pick the chunk size for a fault
 * @addr: faulting CPU address
 * @start: lowest CPU address the chunk may cover
 * @end: first CPU address past what the chunk may cover
 * @gpu_delta: GPU VA minus CPU VA of the binding, modulo 2^64
 * @sizes: candidate sizes, largest first; each a power of two and at least
 *	   PAGE_SIZE
 * @num_sizes: number of entries in @sizes
 *
 * Returns: the largest entry of @sizes whose aligned block around @addr
 * fits in [@start, @end) and is aligned in GPU VA too, or 0 if @addr lies
 * outside [@start, @end) or no size fits.
 */
unsigned long drm_svm_chunk_size(unsigned long addr, unsigned long start,
				 unsigned long end, u64 gpu_delta,
				 const unsigned long *sizes,
				 unsigned int num_sizes)
{
	unsigned int i;

	if (addr < start || addr >= end)
		return 0;

	for (i = 0; i < num_sizes; i++) {
		unsigned long size = sizes[i];
		unsigned long base;

		if (WARN_ON_ONCE(!is_power_of_2(size) || size < PAGE_SIZE))
			return 0;

		base = ALIGN_DOWN(addr, size);
		if (base < start || end - base < size)
			continue;
		if (!IS_ALIGNED(gpu_delta, size))
			continue;

		return size;
	}

	return 0;
}
EXPORT_SYMBOL_GPL(drm_svm_chunk_size);

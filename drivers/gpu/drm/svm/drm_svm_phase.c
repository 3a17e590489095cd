// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <kunit/visibility.h>
#include <linux/debugfs.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>

#include "drm_svm_internal.h"

/**
 * DOC: Phase timers
 *
 * The core times the phases of its work on each device, always on: for
 * each phase and each size class, how many times it ran and the
 * nanoseconds it took in total. The counters are per CPU, so that two
 * faults on two CPUs do not share a cache line, and are summed when read.
 * Each run costs two ktime_get_ns() calls and two per-CPU adds.
 *
 * The phases, by the name they have in the file below:
 *
 *  - ``hmm_range_fault``: hmm_range_fault() of a GPU fault, a prefetch
 *    or a populate, on the device that faulted;
 *  - ``migrate_setup``: migrate_vma_setup() or migrate_device_range() of
 *    a move, on the device the pages go to (into device memory) or leave
 *    (to system memory: the device of the first page it collected, when
 *    a chunk holds pages of several; a move out that collected none of
 *    the devices' pages is not counted);
 *  - ``alloc``: the destination of a move: into device memory, the
 *    allocation of a block and then the set-up of its pages, as two runs;
 *    out of it, the system pages;
 *  - ``copy``: the driver's &drm_svm_devmem_ops.copy, one run per call;
 *  - ``migrate_finish``: migrate_vma_pages() and migrate_vma_finalize(),
 *    or their migrate_device_*() forms;
 *  - ``invalidate``: the driver's &drm_svm_ops.invalidate, once per
 *    device and range an invalidation zaps;
 *  - ``invalidate_wait``: the driver's &drm_svm_ops.invalidate_wait, for
 *    the same ranges (see Invalidation), when it has one;
 *  - ``dma_map``, ``dma_unmap``: the DMA API calls of a chunk's system
 *    pages, and of a zapped range's;
 *  - ``driver_map``: the driver's &drm_svm_ops.map;
 *  - ``evict``: one eviction from the device's memory, whole: the moves it
 *    makes count in the phases above too;
 *  - ``wait``: time a fault spent waiting: for the mirror's lock held by
 *    another user of the VM (a fault, a bind, a prefetch), and for another
 *    thread's move of its block (see Migration policy).
 *
 * A run is put in a size class by the pages it covered (for ``alloc`` and
 * ``copy``, those it allocated or copied): ``4k`` (one
 * page), ``64k`` (up to 16), ``2m`` (up to 512) and ``more``. A wait
 * counts in the class of the chunk it waited for, or ``4k`` when it does
 * not know one.
 *
 * ``/sys/kernel/debug/drm_svm/phases<id>``, one per device by SVM device
 * id, shows them: a header line ``phase size count ns``, then one line per
 * phase and size class, zeros included, in the order above. Counters
 * only grow; a reader takes the difference of two reads. Phases nest
 * (``evict`` holds moves, and a GPU fault's move runs inside the fault),
 * so shares of a wall time may add up to more than all of it.
 */

/* The names of the file, by &enum drm_svm_phase */
static const char *const drm_svm_phase_names[DRM_SVM_PHASE_NR] = {
	[DRM_SVM_PHASE_HMM_FAULT] = "hmm_range_fault",
	[DRM_SVM_PHASE_MIGRATE_SETUP] = "migrate_setup",
	[DRM_SVM_PHASE_ALLOC] = "alloc",
	[DRM_SVM_PHASE_COPY] = "copy",
	[DRM_SVM_PHASE_MIGRATE_FINISH] = "migrate_finish",
	[DRM_SVM_PHASE_INVALIDATE] = "invalidate",
	[DRM_SVM_PHASE_INVALIDATE_WAIT] = "invalidate_wait",
	[DRM_SVM_PHASE_DMA_MAP] = "dma_map",
	[DRM_SVM_PHASE_DMA_UNMAP] = "dma_unmap",
	[DRM_SVM_PHASE_DRIVER_MAP] = "driver_map",
	[DRM_SVM_PHASE_EVICT] = "evict",
	[DRM_SVM_PHASE_WAIT] = "wait",
};

static const char *const drm_svm_phase_size_names[DRM_SVM_PHASE_SIZES] = {
	"4k", "64k", "2m", "more",
};

/**
 * drm_svm_phase_size() - The size class of a run over some pages
 * @npages: the pages the run covered; 0 when it does not know
 *
 * Returns: the index of the class in &struct drm_svm_phase_stats.
 */
unsigned int drm_svm_phase_size(unsigned long npages)
{
	if (npages <= 1)
		return 0;
	if (npages <= SZ_64K >> PAGE_SHIFT)
		return 1;
	if (npages <= SZ_2M >> PAGE_SHIFT)
		return 2;
	return 3;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_phase_size);

/**
 * drm_svm_phase_add() - Count a run of a phase
 * @sdev: the device the run was for, or NULL for none
 * @phase: the phase
 * @npages: the pages it covered, for the size class
 * @ns: how long it took
 *
 * May be called in any context; a device that drm_svm_device_init() did
 * not set up counts nothing. drm_svm_phase_end() is the usual form.
 */
void drm_svm_phase_add(struct drm_svm_device *sdev, enum drm_svm_phase phase,
		       unsigned long npages, u64 ns)
{
	unsigned int size = drm_svm_phase_size(npages);

	if (!sdev || !sdev->phases)
		return;
	this_cpu_inc(sdev->phases->count[phase][size]);
	this_cpu_add(sdev->phases->ns[phase][size], ns);
}

/**
 * drm_svm_phases_read() - Sum a device's phase timers over every CPU
 * @sdev: the device
 * @sum: the sums
 */
void drm_svm_phases_read(struct drm_svm_device *sdev,
			 struct drm_svm_phase_stats *sum)
{
	const struct drm_svm_phase_stats *s;
	unsigned int p, k;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	if (!sdev->phases)
		return;
	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(sdev->phases, cpu);
		for (p = 0; p < DRM_SVM_PHASE_NR; p++) {
			for (k = 0; k < DRM_SVM_PHASE_SIZES; k++) {
				sum->count[p][k] += READ_ONCE(s->count[p][k]);
				sum->ns[p][k] += READ_ONCE(s->ns[p][k]);
			}
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_phases_read);

static int drm_svm_phases_show(struct seq_file *m, void *unused)
{
	struct drm_svm_device *sdev = m->private;
	struct drm_svm_phase_stats *sum;
	unsigned int p, k;

	sum = kmalloc(sizeof(*sum), GFP_KERNEL);
	if (!sum)
		return -ENOMEM;
	drm_svm_phases_read(sdev, sum);
	seq_puts(m, "phase size count ns\n");
	for (p = 0; p < DRM_SVM_PHASE_NR; p++)
		for (k = 0; k < DRM_SVM_PHASE_SIZES; k++)
			seq_printf(m, "%s %s %llu %llu\n",
				   drm_svm_phase_names[p],
				   drm_svm_phase_size_names[k],
				   sum->count[p][k], sum->ns[p][k]);
	kfree(sum);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(drm_svm_phases);

/**
 * drm_svm_phases_init() - Set up a device's phase timers and their file
 * @sdev: the device, with its SVM device id
 * @root: the core's debugfs directory
 *
 * Returns: 0, or -ENOMEM.
 */
int drm_svm_phases_init(struct drm_svm_device *sdev, struct dentry *root)
{
	char name[24];

	sdev->phases = alloc_percpu(struct drm_svm_phase_stats);
	if (!sdev->phases)
		return -ENOMEM;
	snprintf(name, sizeof(name), "phases%u", sdev->id);
	sdev->phases_debugfs = debugfs_create_file(name, 0444, root, sdev,
						   &drm_svm_phases_fops);
	return 0;
}

/**
 * drm_svm_phases_fini() - Remove a device's phase timers and their file
 * @sdev: the device
 *
 * Waits for the readers of the file.
 */
void drm_svm_phases_fini(struct drm_svm_device *sdev)
{
	struct drm_svm_phase_stats __percpu *phases = sdev->phases;

	debugfs_remove(sdev->phases_debugfs);
	sdev->phases_debugfs = NULL;
	sdev->phases = NULL;
	free_percpu(phases);
}

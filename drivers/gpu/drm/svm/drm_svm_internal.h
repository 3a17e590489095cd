/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The drm_svm authors
 */
#ifndef __DRM_SVM_INTERNAL_H__
#define __DRM_SVM_INTERNAL_H__

#include <linux/bits.h>
#include <linux/interval_tree.h>
#include <linux/kref.h>
#include <linux/mmu_notifier.h>
#include <linux/rwsem.h>
#include <linux/sizes.h>
#include <linux/xarray.h>

#include <drm/drm_svm.h>

/* Size of the windows the mm is watched in; chunks never cross one. */
#define DRM_SVM_WINDOW_SHIFT	29
#define DRM_SVM_WINDOW_SIZE	BIT(DRM_SVM_WINDOW_SHIFT)

/* Largest chunk the core faults in at once, and so the scratch pfn array. */
#define DRM_SVM_MAX_CHUNK	SZ_2M

/**
 * struct drm_svm_mm - SVM state of one process, shared by all its mirrors
 */
struct drm_svm_mm {
	/** @ref: One reference per attached mirror */
	struct kref ref;
	/** @mm: The address space, held with mmgrab() */
	struct mm_struct *mm;
	/** @node: Entry in the global mm table */
	struct hlist_node node;
	/**
	 * @notifier_lock: Taken for write by the mmu notifier and to change
	 * @cpu_tree; taken for read to commit device mappings
	 */
	struct rw_semaphore notifier_lock;
	/** @cpu_tree: Bindings of every mirror, by CPU address */
	struct rb_root_cached cpu_tree;
	/** @window_lock: Serializes creation of @windows entries */
	struct mutex window_lock;
	/** @windows: &struct drm_svm_window by address >> WINDOW_SHIFT */
	struct xarray windows;
};

/**
 * struct drm_svm_window - An mmu interval notifier over one window
 */
struct drm_svm_window {
	/** @notifier: Subscription over the window */
	struct mmu_interval_notifier notifier;
	/** @svm_mm: Owner */
	struct drm_svm_mm *svm_mm;
};

/**
 * struct drm_svm_binding - CPU range [cpu, cpu + size) mirrored at a GPU
 * range; the &drm_gpuva's gem.offset is the CPU address
 */
struct drm_svm_binding {
	/** @va: GPU side, in the mirror's &drm_gpuvm */
	struct drm_gpuva va;
	/** @cpu_node: CPU side, in &drm_svm_mm.cpu_tree */
	struct interval_tree_node cpu_node;
	/** @mirror: Mirror the binding belongs to */
	struct drm_svm_mirror *mirror;
	/** @flags: DRM_SVM_BIND_FLAG_* */
	u32 flags;
};

static inline struct drm_svm_binding *to_binding(struct drm_gpuva *va)
{
	return container_of(va, struct drm_svm_binding, va);
}

static inline u64 binding_cpu_start(const struct drm_svm_binding *b)
{
	return b->va.gem.offset;
}

/* GPU minus CPU address of a binding, modulo 2^64. */
static inline u64 binding_gpu_delta(const struct drm_svm_binding *b)
{
	return b->va.va.addr - b->va.gem.offset;
}

struct drm_svm_mm *drm_svm_mm_get(struct mm_struct *mm);
void drm_svm_mm_put(struct drm_svm_mm *svm_mm);
struct drm_svm_window *drm_svm_window_get(struct drm_svm_mm *svm_mm,
					  unsigned long addr);
void drm_svm_cpu_tree_insert(struct drm_svm_mm *svm_mm,
			     struct drm_svm_binding *b);
void drm_svm_cpu_tree_remove(struct drm_svm_mm *svm_mm,
			     struct drm_svm_binding *b);
void drm_svm_zap(struct drm_svm_mirror *mirror, u64 start, u64 end);

int drm_svm_mirror_populate(struct drm_svm_mirror *mirror, u64 gpu_addr,
			    u64 range);

#endif /* __DRM_SVM_INTERNAL_H__ */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The drm_svm authors
 */
#ifndef __DRM_SVM_INTERNAL_H__
#define __DRM_SVM_INTERNAL_H__

#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/interval_tree.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/xarray.h>

#include <drm/drm_svm.h>
#include <drm/drm_svm_devmem.h>
#include <uapi/drm/drm_svm.h>

#include "drm_svm_policy.h"

/* Size of the windows the mm is watched in; chunks never cross one. */
#define DRM_SVM_WINDOW_SHIFT	29
#define DRM_SVM_WINDOW_SIZE	BIT(DRM_SVM_WINDOW_SHIFT)

/* Largest chunk the core faults in at once, and so the scratch pfn array. */
#define DRM_SVM_MAX_CHUNK	SZ_2M

/**
 * enum drm_svm_pstat - Migration policy events, as counted
 * @DRM_SVM_PSTAT_THRASH: a block was found thrashing
 * @DRM_SVM_PSTAT_THROTTLES: a move was throttled
 * @DRM_SVM_PSTAT_PINS: a block was pinned
 * @DRM_SVM_PSTAT_PROBES: a pin ended
 * @DRM_SVM_PSTAT_REMOTE_FAULTS: a fault mapped a pinned block remotely
 * @DRM_SVM_PSTAT_CACHE_HITS: a fault found its block settled, and did
 *	not look for a move
 * @DRM_SVM_PSTAT_WAITS: a fault waited for another one's move of its block
 * @DRM_SVM_PSTAT_NR: number of counters
 */
enum drm_svm_pstat {
	DRM_SVM_PSTAT_THRASH,
	DRM_SVM_PSTAT_THROTTLES,
	DRM_SVM_PSTAT_PINS,
	DRM_SVM_PSTAT_PROBES,
	DRM_SVM_PSTAT_REMOTE_FAULTS,
	DRM_SVM_PSTAT_CACHE_HITS,
	DRM_SVM_PSTAT_WAITS,
	DRM_SVM_PSTAT_NR,
};

static_assert(DRM_SVM_PSTAT_NR == DRM_SVM_POLICY_STATS);

/**
 * struct drm_svm_moves - Moves between each pair of processors
 *
 * By source and destination processor (SVM device id, or
 * %DRM_SVM_PROC_CPU for system memory); atomic, updated without lock.
 */
struct drm_svm_moves {
	/** @moves: Moves, of a chunk each */
	atomic_t moves[DRM_SVM_NR_PROCS][DRM_SVM_NR_PROCS];
	/** @pages: Pages they moved */
	atomic64_t pages[DRM_SVM_NR_PROCS][DRM_SVM_NR_PROCS];
};

/**
 * struct drm_svm_mcache - The migration policy state of one process
 *
 * See DOC: Migration cache.
 */
struct drm_svm_mcache {
	/**
	 * @blocks: &struct drm_svm_policy_block by CPU address >> 21; its
	 * lock protects the blocks; XA_MARK_0 marks the pinned ones
	 */
	struct xarray blocks;
	/** @nr: Entries of @blocks */
	atomic_long_t nr;
	/** @expire: Ends the pins whose time is up */
	struct delayed_work expire;
	/** @next_expire: When @expire is due, under the lock of @blocks */
	u64 next_expire;
	/** @link: Entry in the shrinker's list, once @listed */
	struct list_head link;
	/** @listed: @link is on the list */
	bool listed;
	/** @moves: The process's moves by pair, allocated with the first */
	struct drm_svm_moves *moves;
	/**
	 * @zap_seq: Pins ended so far; changed with the notifier lock held
	 * for write, so that a fault that looked at the pages before a pin
	 * ended places them again
	 */
	unsigned long zap_seq;
};

/**
 * struct drm_svm_mcache_ticket - A request to the migration policy
 *
 * On the caller's stack, from drm_svm_mcache_begin() to
 * drm_svm_mcache_end().
 */
struct drm_svm_mcache_ticket {
	/** @req: The request */
	struct drm_svm_policy_req req;
	/** @addr: A CPU address in the block */
	unsigned long addr;
	/** @index: The block's index */
	unsigned long index;
	/** @preferred: The processor of the preferred location, or -1 */
	int preferred;
	/** @sdev: The device the request's events are counted on */
	struct drm_svm_device *sdev;
	/** @busy_key: The block whose move this request holds or awaits */
	void *busy_key;
	/** @forced: The fault cannot do without the move: never STAY */
	bool forced;
	/** @start: When the move started, ns */
	u64 start;
};

/**
 * struct drm_svm_attrs - The memory attributes of a range (see DOC: Attributes)
 *
 * All zero is the default: no hint.
 */
struct drm_svm_attrs {
	/** @accessed_by: Devices that map the range where it is, by SVM id */
	u32 accessed_by;
	/** @location: Preferred location, DRM_SVM_LOC_* */
	u8 location;
	/** @device: SVM device id of the preferred location, for DEVICE */
	u8 device;
	/** @granularity: log2 of the most bytes a fault moves, 0 for any */
	u8 granularity;
	/** @flags: DRM_SVM_ATTR_RANGE_READ_MOSTLY */
	u8 flags;
	/** @atomics: DRM_SVM_ATOMICS_* */
	u8 atomics;
	/** @pad: Zero, so that attributes compare with memcmp() */
	u8 pad[3];
};

/**
 * struct drm_svm_attr_node - A range of the attribute tree
 */
struct drm_svm_attr_node {
	/** @it: The range, in &drm_svm_attr_tree.root */
	struct interval_tree_node it;
	/** @attrs: Its attributes, never all zero */
	struct drm_svm_attrs attrs;
	/** @link: Entry in a list of nodes being cut, rebuilt or freed */
	struct list_head link;
};

/**
 * struct drm_svm_attr_tree - The memory attributes of an address space
 */
struct drm_svm_attr_tree {
	/** @lock: Protects @root and @nodes */
	spinlock_t lock;
	/** @root: Non-overlapping &struct drm_svm_attr_node */
	struct rb_root_cached root;
	/** @nodes: Nodes in @root */
	unsigned int nodes;
};

/* Most ranges of distinct attributes an address space may have */
#define DRM_SVM_ATTR_MAX_NODES	65536

/**
 * struct drm_svm_attr_set - One attribute and its value, to set
 */
struct drm_svm_attr_set {
	/** @type: DRM_SVM_ATTR_* */
	u32 type;
	/** @value: The new value, in the fields that @type names */
	struct drm_svm_attrs value;
};

/**
 * struct drm_svm_attr_span - A CPU range [@start, @last]
 */
struct drm_svm_attr_span {
	/** @start: First address */
	unsigned long start;
	/** @last: Last address */
	unsigned long last;
};

/**
 * struct drm_svm_attr_change - The parts of a range an attribute change changed
 */
struct drm_svm_attr_change {
	/** @spans: Array of @max spans */
	struct drm_svm_attr_span *spans;
	/** @max: Entries of @spans, at least one */
	unsigned int max;
	/** @num: Out: spans used */
	unsigned int num;
};

/**
 * struct drm_svm_attr_piece - A range of equal attributes, as queried
 */
struct drm_svm_attr_piece {
	/** @start: First address */
	unsigned long start;
	/** @last: Last address */
	unsigned long last;
	/** @attrs: The attributes */
	struct drm_svm_attrs attrs;
};

void drm_svm_attrs_apply(struct drm_svm_attrs *attrs,
			 const struct drm_svm_attr_set *set);
void drm_svm_attr_tree_init(struct drm_svm_attr_tree *tree);
void drm_svm_attr_tree_fini(struct drm_svm_attr_tree *tree);
void drm_svm_attr_lookup(struct drm_svm_attr_tree *tree, unsigned long addr,
			 struct drm_svm_attrs *attrs, unsigned long *lo,
			 unsigned long *hi);
int drm_svm_attr_tree_set(struct drm_svm_attr_tree *tree, unsigned long start,
			  unsigned long last, const struct drm_svm_attr_set *set,
			  int (*check)(const struct drm_svm_attrs *attrs,
				       const void *data),
			  const void *check_data,
			  struct drm_svm_attr_change *change);
void drm_svm_attr_tree_drop(struct drm_svm_attr_tree *tree,
			    unsigned long start, unsigned long last);
void drm_svm_attr_tree_forget(struct drm_svm_attr_tree *tree, u32 id);
unsigned int drm_svm_attr_tree_query(struct drm_svm_attr_tree *tree,
				     unsigned long start, unsigned long last,
				     struct drm_svm_attr_piece *ranges,
				     unsigned int max);

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
	/** @pid: Thread group id of the process that created the state */
	pid_t pid;
	/** @attrs: Memory attributes of the address space */
	struct drm_svm_attr_tree attrs;
	/** @attr_mutex: Serializes attribute changes and @attr_notifier setup */
	struct mutex attr_mutex;
	/**
	 * @attr_notifier: Drops the attributes of unmapped ranges; registered
	 * with the first attribute, under @attr_mutex
	 */
	struct mmu_notifier attr_notifier;
	/** @attr_notifier_on: @attr_notifier is registered */
	bool attr_notifier_on;
	/** @counters: Activity per device, by SVM device id */
	struct drm_svm_counters counters[DRM_SVM_MAX_DEVICES];
	/** @migrations_lock: Protects @migrations */
	spinlock_t migrations_lock;
	/** @migrations: &struct drm_svm_migration the core has in progress */
	struct list_head migrations;
	/** @mcache: Migration policy state */
	struct drm_svm_mcache mcache;
	/** @ufence_wq: Waiters for the process's user fences */
	wait_queue_head_t ufence_wq;
};

/* Add @n to the counter at @offset of @sdev's set and @svm_mm's. */
static inline void __drm_svm_count(struct drm_svm_mm *svm_mm,
				   struct drm_svm_device *sdev, size_t offset,
				   s64 n)
{
	atomic64_add(n, (atomic64_t *)((char *)&sdev->counters + offset));
	atomic64_add(n, (atomic64_t *)((char *)&svm_mm->counters[sdev->id] +
				      offset));
}

/**
 * drm_svm_count() - Count an event of a process on a device
 * @svm_mm: the process
 * @sdev: the device
 * @field: the member of &struct drm_svm_counters
 * @n: how many
 *
 * Adds @n to the device's counter and to the process's on the device.
 */
#define drm_svm_count(svm_mm, sdev, field, n) \
	__drm_svm_count(svm_mm, sdev, offsetof(struct drm_svm_counters, field), n)

/**
 * struct drm_svm_migration - A migration into device memory in progress
 *
 * Tells the invalidations it raises which device the pages move into, so
 * that its mirrors hear %DRM_SVM_INVAL_MIGRATE_SELF.
 */
struct drm_svm_migration {
	/** @link: Entry in &drm_svm_mm.migrations */
	struct list_head link;
	/** @task: The task that runs migrate_vma_setup() */
	struct task_struct *task;
	/** @to: The device the pages move into */
	struct drm_svm_device *to;
};

/**
 * struct drm_svm_dma_chunk - The DMA mappings of one mapped chunk
 *
 * See DOC: Device addresses. In &drm_svm_mirror.dma_chunks.
 */
struct drm_svm_dma_chunk {
	/** @it: GPU page numbers of the chunk */
	struct interval_tree_node it;
	/** @shift: log2 of the bytes one entry of @addr maps */
	unsigned int shift;
	/** @count: Entries of @addr */
	unsigned int count;
	/** @mapped: Entries of @addr still mapped */
	unsigned int mapped;
	/** @addr: DMA address per entry, DMA_MAPPING_ERROR where none */
	dma_addr_t *addr;
	/** @one: Storage of @addr when @count is 1 */
	dma_addr_t one;
	/**
	 * @write: Entries mapped DMA_BIDIRECTIONAL, for pages the device may
	 * write; the others are DMA_TO_DEVICE
	 */
	DECLARE_BITMAP(write, DRM_SVM_MAX_CHUNK >> PAGE_SHIFT);
};

static inline bool drm_svm_dma_chunk_huge(const struct drm_svm_dma_chunk *c)
{
	return c->shift != PAGE_SHIFT;
}

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
	/**
	 * @stale_start: In a no-fault mirror, first GPU address of the part
	 * invalidated since it was last mapped (see DOC: No-fault VMs);
	 * nothing is stale when it is not below @stale_end. Changed with the
	 * notifier lock held for write, or with the mirror's lock and the
	 * notifier lock held for read.
	 */
	u64 stale_start;
	/** @stale_end: GPU address past the stale part */
	u64 stale_end;
	/**
	 * @hole_start: In a no-fault mirror, first GPU address of the part
	 * the last revalidation could not map (no CPU mapping, or no access),
	 * tried again before every job, since the CPU may map it without an
	 * invalidation; empty when not below @hole_end. Locked as @stale_start.
	 */
	u64 hole_start;
	/** @hole_end: GPU address past that part */
	u64 hole_end;
};

/**
 * struct drm_svm_devmem_alloc - A block of device memory from
 * &drm_svm_devmem_ops.alloc, holding the pages of one migrated chunk
 *
 * Each device page handed out points at its block with
 * page->zone_device_data. The block goes back to the driver when its last
 * page is freed and no migration or eviction holds it.
 */
struct drm_svm_devmem_alloc {
	/** @dm: Device memory the block is in */
	struct drm_svm_devmem *dm;
	/** @svm_mm: Process whose data the block holds, for accounting */
	struct drm_svm_mm *svm_mm;
	/** @pfn: First page frame */
	unsigned long pfn;
	/** @npages: Size in pages */
	unsigned long npages;
	/** @priv: The driver's cookie from &drm_svm_devmem_ops.alloc */
	void *priv;
	/** @users: Pages in use plus holds of migrations and evictions */
	refcount_t users;
	/**
	 * @pin_link: Entry in the &drm_svm_mirror.pins of the fault batch
	 * that keeps the block from eviction, under &drm_svm_devmem.lru_lock;
	 * empty when no batch holds it
	 */
	struct list_head pin_link;
	/** @born: When the data moved in, ns (see DOC: Migration policy) */
	u64 born;
	/** @lru: Entry in &drm_svm_devmem.lru, under its lru_lock */
	struct list_head lru;
	/** @free_node: Entry in &drm_svm_devmem.free_list */
	struct llist_node free_node;
	/**
	 * @release_node: Entry in &drm_svm_devmem.release_list, once a page
	 * whose data was in the block is freed (see DOC: Device memory)
	 */
	struct llist_node release_node;
	/** @released: Set when the block was queued on the release list */
	unsigned long released;
	/**
	 * @release_at: When, in jiffies, the release of a queued block is
	 * due: &drm_svm_devmem.release_delay after it last lost a page
	 * holding data
	 */
	unsigned long release_at;
	/**
	 * @live: One bit a page: the page holds data. Set when its move in
	 * completes and cleared when its data moves out or it is freed, each
	 * with the page locked (or from page_free); eviction takes only these
	 * pages, never one that a finished migration still holds
	 */
	unsigned long live[];
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

struct drm_svm_mm *drm_svm_mm_find_or_create(struct mm_struct *mm);

static inline void drm_svm_mm_get(struct drm_svm_mm *svm_mm)
{
	kref_get(&svm_mm->ref);
}

void drm_svm_mm_put(struct drm_svm_mm *svm_mm);
struct drm_svm_window *drm_svm_window_get(struct drm_svm_mm *svm_mm,
					  unsigned long addr);
void drm_svm_cpu_tree_insert(struct drm_svm_mm *svm_mm,
			     struct drm_svm_binding *b);
void drm_svm_cpu_tree_remove(struct drm_svm_mm *svm_mm,
			     struct drm_svm_binding *b);
void drm_svm_invalidate(struct drm_svm_mirror *mirror, u64 start, u64 end,
			enum drm_svm_inval_reason reason);
void drm_svm_invalidate_cpu_range(struct drm_svm_mm *svm_mm,
				  unsigned long start, unsigned long last,
				  struct drm_svm_device *to,
				  enum drm_svm_inval_reason reason);
void drm_svm_migration_begin(struct drm_svm_mm *svm_mm,
			     struct drm_svm_migration *mig);
void drm_svm_migration_end(struct drm_svm_mm *svm_mm,
			   struct drm_svm_migration *mig);

struct drm_svm_dma_chunk *drm_svm_dma_chunk_alloc(unsigned long npages,
						  bool huge);
void drm_svm_dma_chunk_free(struct drm_svm_dma_chunk *chunk);
int drm_svm_dma_map(struct drm_svm_mirror *mirror, u64 gpu_addr,
		    const unsigned long *pfns, unsigned long npages,
		    struct drm_svm_dma_chunk *chunk, struct drm_svm_addr *addrs);
void drm_svm_dma_commit(struct drm_svm_mirror *mirror,
			struct drm_svm_dma_chunk **chunk);
void drm_svm_dma_discard(struct drm_svm_mirror *mirror,
			 struct drm_svm_dma_chunk *chunk);
void drm_svm_dma_cover(struct drm_svm_mirror *mirror, u64 *start, u64 *end);
void drm_svm_dma_unmap(struct drm_svm_mirror *mirror, u64 start, u64 end);
void drm_svm_attr_fini(struct drm_svm_mm *svm_mm);
void drm_svm_attr_forget_device(struct drm_svm_device *sdev);

int drm_svm_mirror_populate(struct drm_svm_mirror *mirror, u64 gpu_addr,
			    u64 range);
void drm_svm_binding_stale(struct drm_svm_binding *b, u64 start, u64 end);
void drm_svm_mirror_stale(struct drm_svm_mirror *mirror, u64 start, u64 end);
void drm_svm_binding_split(struct drm_svm_binding *piece,
			   const struct drm_svm_binding *old);

/**
 * enum drm_svm_place - Where a chunk goes before it is mapped
 * @DRM_SVM_PLACE_FAULT: asked only: as a GPU fault wants it (see
 *	Placement)
 * @DRM_SVM_PLACE_DEVICE: asked: into the mapping device's memory (a
 *	prefetch); decided: into the memory of &drm_svm_place_to.dev
 * @DRM_SVM_PLACE_SYSTEM: into system memory
 * @DRM_SVM_PLACE_PREFERRED: asked only: to the chunk's preferred location
 * @DRM_SVM_PLACE_STAY: decided only: nowhere, map the chunk where it is
 */
enum drm_svm_place {
	DRM_SVM_PLACE_FAULT,
	DRM_SVM_PLACE_DEVICE,
	DRM_SVM_PLACE_SYSTEM,
	DRM_SVM_PLACE_PREFERRED,
	DRM_SVM_PLACE_STAY,
};

/**
 * struct drm_svm_served - The chunk drm_svm_fault_one() serviced
 */
struct drm_svm_served {
	/** @start: Its first GPU address */
	u64 start;
	/** @end: The GPU address past it */
	u64 end;
	/** @access: The access the range serves on all its pages */
	u32 access;
};

/* How drm_svm_fault_one() services a fault */
/* A device's fault, rather than a prefetch or a populate */
#define DRM_SVM_FAULT_GPU	BIT(0)
/* Move the chunk only (%DRM_SVM_PREFETCH_FLAG_NO_MAP) */
#define DRM_SVM_FAULT_NO_MAP	BIT(1)

int drm_svm_fault_one(struct drm_svm_mirror *mirror, u64 addr, u64 run_end,
		      u32 access, enum drm_svm_place place, u32 how,
		      u64 *moved, struct drm_svm_served *served);

/**
 * struct drm_svm_place_req - A chunk to place, as drm_svm_place_decide() sees it
 */
struct drm_svm_place_req {
	/** @sdev: The device that faults or prefetches */
	struct drm_svm_device *sdev;
	/** @place: What was asked */
	enum drm_svm_place place;
	/** @attrs: The chunk's memory attributes */
	struct drm_svm_attrs attrs;
	/** @write: The access is a write */
	bool write;
	/** @atomic: The access is an atomic */
	bool atomic;
	/** @vma_start: Where the chunk's VMA starts, for its policy block */
	unsigned long vma_start;
	/** @no_migrate: The binding is %DRM_SVM_BIND_FLAG_NO_MIGRATE */
	bool no_migrate;
	/**
	 * @cow: The chunk's VMA may hold copy-on-write pages: a private file
	 * mapping, or anonymous memory shared with a parent or a child
	 */
	bool cow;
	/**
	 * @uffd: The chunk's VMA is registered with a userfaultfd: the chunk
	 * is one page, faulted in from the CPU side first, and never moves
	 */
	bool uffd;
	/**
	 * @no_map: Move the chunk only, map nothing (a prefetch with
	 * %DRM_SVM_PREFETCH_FLAG_NO_MAP)
	 */
	bool no_map;
	/**
	 * @write_page: With @cow, for a write fault: the CPU address of the
	 * one page faulted for writing; the others are mapped as they are
	 */
	unsigned long write_page;
};

/**
 * struct drm_svm_place_to - Where a chunk goes, as decided
 */
struct drm_svm_place_to {
	/** @where: %DRM_SVM_PLACE_STAY, _DEVICE or _SYSTEM */
	enum drm_svm_place where;
	/** @dev: For %DRM_SVM_PLACE_DEVICE, whose memory; it has memory */
	struct drm_svm_device *dev;
	/** @map: Map the chunk in the VM afterwards */
	bool map;
};

struct drm_svm_place_to drm_svm_place_decide(const struct drm_svm_place_req *req,
					     struct drm_svm_device *preferred);

struct hmm_range;
int drm_svm_snapshot(struct drm_svm_mm *svm_mm, struct hmm_range *range);

void drm_svm_mm_for_each(void (*fn)(struct drm_svm_mm *svm_mm, void *data),
			 void *data);

/* Registry of devices, by SVM device id */
int drm_svm_device_register(struct drm_svm_device *sdev);
void drm_svm_device_unregister(struct drm_svm_device *sdev);
void drm_svm_devices_lock(void);
void drm_svm_devices_unlock(void);
bool drm_svm_devices_trylock(void);
void drm_svm_devices_lock_write(void);
void drm_svm_devices_unlock_write(void);
void drm_svm_devices_assert_write(void);
struct drm_svm_device *drm_svm_device_by_id(u32 id);

struct drm_svm_device *drm_svm_device_next(u32 *id);

void drm_svm_topology_reset(struct drm_svm_device *sdev);
u32 drm_svm_device_group(const struct drm_svm_device *sdev);

void *drm_svm_pgmap_owner(void);
void drm_svm_devmem_pin(struct drm_svm_mirror *mirror,
			struct drm_svm_devmem *dm, struct page *page);
void drm_svm_devmem_unpin_all(struct drm_svm_mirror *mirror);
int drm_svm_devmem_evict(struct drm_svm_devmem *dm, unsigned long npages);
struct drm_svm_devmem_alloc *
drm_svm_devmem_alloc(struct drm_svm_devmem *dm, struct drm_svm_mm *svm_mm,
		     unsigned long npages);
void drm_svm_devmem_alloc_put(struct drm_svm_devmem_alloc *alloc);
struct page *drm_svm_devmem_alloc_page(struct drm_svm_devmem_alloc *alloc,
				       unsigned long i);
void drm_svm_devmem_page_set_live(struct page *page, bool live);
bool drm_svm_devmem_page_live(const struct page *page);
void drm_svm_devmem_page_free(struct page *page);
void drm_svm_devmem_blocks_init(struct drm_svm_devmem *dm);

long drm_svm_migrate_to_devmem(struct drm_svm_devmem *dm,
			       struct drm_svm_mm *svm_mm, unsigned long start,
			       unsigned long end);
/* Every SVM device id, as a mask for drm_svm_migrate_to_ram() */
#define DRM_SVM_ALL_DEVICES	GENMASK(DRM_SVM_MAX_DEVICES - 1, 0)

long drm_svm_migrate_to_ram(struct drm_svm_mm *svm_mm, unsigned long start,
			    unsigned long end, u32 from);
long drm_svm_migrate_vma_to_ram(struct vm_area_struct *vma,
				unsigned long start, unsigned long end,
				struct page *fault_page, u32 from);
long drm_svm_migrate_pfns_to_ram(struct drm_svm_devmem *dm,
				 unsigned long pfn, unsigned long npages);
bool drm_svm_vma_migratable(struct vm_area_struct *vma);
bool drm_svm_range_migratable(struct mm_struct *mm, unsigned long start,
			      unsigned long end);

bool drm_svm_range_valid(u64 addr, u64 range, u64 end);

int drm_svm_prefetch_init(void);
void drm_svm_prefetch_fini(void);
void drm_svm_prefetch_mirror_init(struct drm_svm_mirror *mirror);
void drm_svm_prefetch_mirror_flush(struct drm_svm_mirror *mirror);

bool drm_svm_policy_enabled(void);
int drm_svm_policy_init(struct dentry *root);
void drm_svm_policy_fini(void);
void drm_svm_policy_forget_device(u32 id);
void drm_svm_mcache_init(struct drm_svm_mcache *mc);
void drm_svm_mcache_fini(struct drm_svm_mcache *mc);
enum drm_svm_policy_verdict drm_svm_mcache_begin(struct drm_svm_mm *svm_mm,
						 struct drm_svm_mcache_ticket *t,
						 u64 born, bool wait,
						 bool registry);
void drm_svm_mcache_end(struct drm_svm_mm *svm_mm,
			struct drm_svm_mcache_ticket *t, long moved);
void drm_svm_mcache_count(struct drm_svm_mm *svm_mm,
			  struct drm_svm_device *sdev, enum drm_svm_pstat stat);
bool drm_svm_mcache_settled(struct drm_svm_mm *svm_mm,
			    struct mmu_interval_notifier *notifier,
			    unsigned long addr, u32 proc);
void drm_svm_mcache_placed(struct drm_svm_mm *svm_mm,
			   struct mmu_interval_notifier *notifier,
			   unsigned long seq, unsigned long addr, u32 proc);
void drm_svm_mcache_reset(struct drm_svm_mm *svm_mm, unsigned long start,
			  unsigned long last);
void drm_svm_mcache_unmap(struct drm_svm_mm *svm_mm, unsigned long start,
			  unsigned long last);
void drm_svm_mcache_report(struct drm_svm_mm *svm_mm, unsigned long addr,
			   struct drm_svm_block_policy *out);
u64 drm_svm_mcache_bytes(struct drm_svm_mm *svm_mm, u64 *blocks);
const struct drm_svm_moves *drm_svm_moves_all(void);

int drm_svm_stats_init(void);
void drm_svm_stats_fini(void);

/**
 * enum drm_svm_fail - The core's fault-injection sites
 * @DRM_SVM_FAIL_HMM_RANGE_FAULT: hmm_range_fault() in the GPU fault path
 * @DRM_SVM_FAIL_MIGRATE: a page of a move into device memory
 * @DRM_SVM_FAIL_DMA_MAP: the DMA mapping of a system page
 * @DRM_SVM_FAIL_COUNT: number of sites
 */
enum drm_svm_fail {
	DRM_SVM_FAIL_HMM_RANGE_FAULT,
	DRM_SVM_FAIL_MIGRATE,
	DRM_SVM_FAIL_DMA_MAP,
	DRM_SVM_FAIL_COUNT
};

#if IS_ENABLED(CONFIG_FAULT_INJECTION)
bool drm_svm_should_fail(enum drm_svm_fail site);
void drm_svm_inject_init(struct dentry *root);
#else
static inline bool drm_svm_should_fail(enum drm_svm_fail site)
{
	return false;
}

static inline void drm_svm_inject_init(struct dentry *root)
{
}
#endif

/**
 * enum drm_svm_phase - The timed phases of the core's work (DOC: Phase timers)
 * @DRM_SVM_PHASE_HMM_FAULT: hmm_range_fault() of a GPU fault or a populate
 * @DRM_SVM_PHASE_MIGRATE_SETUP: migrate_vma_setup(), migrate_device_range()
 * @DRM_SVM_PHASE_ALLOC: the destination pages of a move
 * @DRM_SVM_PHASE_COPY: one &drm_svm_devmem_ops.copy call
 * @DRM_SVM_PHASE_MIGRATE_FINISH: migrate_vma_pages() and _finalize()
 * @DRM_SVM_PHASE_INVALIDATE: one &drm_svm_ops.invalidate call
 * @DRM_SVM_PHASE_INVALIDATE_WAIT: one &drm_svm_ops.invalidate_wait call
 * @DRM_SVM_PHASE_DMA_MAP: DMA mapping of a chunk's system pages
 * @DRM_SVM_PHASE_DMA_UNMAP: DMA unmapping of a zapped range
 * @DRM_SVM_PHASE_DRIVER_MAP: one &drm_svm_ops.map call
 * @DRM_SVM_PHASE_EVICT: one eviction, its moves included
 * @DRM_SVM_PHASE_WAIT: a fault waiting for another one
 * @DRM_SVM_PHASE_NR: number of phases
 */
enum drm_svm_phase {
	DRM_SVM_PHASE_HMM_FAULT,
	DRM_SVM_PHASE_MIGRATE_SETUP,
	DRM_SVM_PHASE_ALLOC,
	DRM_SVM_PHASE_COPY,
	DRM_SVM_PHASE_MIGRATE_FINISH,
	DRM_SVM_PHASE_INVALIDATE,
	DRM_SVM_PHASE_INVALIDATE_WAIT,
	DRM_SVM_PHASE_DMA_MAP,
	DRM_SVM_PHASE_DMA_UNMAP,
	DRM_SVM_PHASE_DRIVER_MAP,
	DRM_SVM_PHASE_EVICT,
	DRM_SVM_PHASE_WAIT,
	DRM_SVM_PHASE_NR
};

/* Size classes of a phase's runs: 4 KiB, 64 KiB, 2 MiB, more */
#define DRM_SVM_PHASE_SIZES	4

/**
 * struct drm_svm_phase_stats - Phase timers of a device on one CPU
 */
struct drm_svm_phase_stats {
	/** @count: Runs, by phase and size class */
	u64 count[DRM_SVM_PHASE_NR][DRM_SVM_PHASE_SIZES];
	/** @ns: Their total time in nanoseconds */
	u64 ns[DRM_SVM_PHASE_NR][DRM_SVM_PHASE_SIZES];
};

/* The start time of a timed phase, for drm_svm_phase_end() */
static inline u64 drm_svm_phase_start(void)
{
	return ktime_get_ns();
}

unsigned int drm_svm_phase_size(unsigned long npages);
void drm_svm_phase_add(struct drm_svm_device *sdev, enum drm_svm_phase phase,
		       unsigned long npages, u64 ns);

/* Count a run of @phase that began at @start (drm_svm_phase_start()) */
static inline void drm_svm_phase_end(struct drm_svm_device *sdev,
				     enum drm_svm_phase phase,
				     unsigned long npages, u64 start)
{
	drm_svm_phase_add(sdev, phase, npages, ktime_get_ns() - start);
}

void drm_svm_phases_read(struct drm_svm_device *sdev,
			 struct drm_svm_phase_stats *sum);
int drm_svm_phases_init(struct drm_svm_device *sdev, struct dentry *root);
void drm_svm_phases_fini(struct drm_svm_device *sdev);

int drm_svm_device_stats_init(struct drm_svm_device *sdev);
void drm_svm_device_stats_fini(struct drm_svm_device *sdev);

#endif /* __DRM_SVM_INTERNAL_H__ */

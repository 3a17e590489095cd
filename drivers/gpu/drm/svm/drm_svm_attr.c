// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <kunit/visibility.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "drm_svm_internal.h"

/**
 * DOC: Attributes
 *
 * Memory attributes (see the memory attributes uAPI) are hints about CPU
 * ranges of a process: where a range should live, which devices map it
 * where it is, how much a fault moves, whether it is read-mostly, and who
 * does atomics on it.
 * They live once per mm, in the attribute tree of the per-process state
 * (&struct drm_svm_attr_tree): an interval tree of non-overlapping nodes,
 * each a range with one &struct drm_svm_attrs. A range without a node has
 * the default attributes, all zero. The tree is kept minimal: a change
 * splits the nodes it overlaps at the ends of its range, and adjacent
 * nodes with equal attributes merge, so a range reads back as it was set.
 *
 * A change (drm_svm_attr_tree_set()) works in three steps: the nodes it
 * may need are allocated first, with no lock held; the tree is changed
 * under its spinlock, which records the parts whose attributes really
 * changed; then the caller drops the device mappings of just those parts,
 * so that the next device access faults and follows the new hints.
 * Setting a value that is already there changes nothing and invalidates
 * nothing. A fault already past its placement decision when a hint
 * changes maps what it found: hints are advice, and the mapping is right
 * either way.
 *
 * munmap() drops the attributes of the range it unmaps
 * (drm_svm_attr_tree_drop(), from an mmu notifier on MMU_NOTIFY_UNMAP,
 * which munmap() and the old range of mremap() send). The notifier cannot
 * allocate with GFP_KERNEL; when splitting a node there fails, the part
 * past the unmapped range is dropped too: a hint lost, nothing wrong.
 *
 * Devices are named by SVM device id. When a device goes away, every
 * process forgets the hints that name it (drm_svm_attr_tree_forget()),
 * so that a device that later gets the same id inherits none.
 *
 * Locking: &drm_svm_attr_tree.lock, a spinlock, protects the tree. The
 * fault path takes it to look an address up, the ioctl and the notifier
 * to change it. It nests inside every other lock, and nothing is
 * allocated under it.
 */

/**
 * drm_svm_attr_tree_init() - Initialize an empty attribute tree
 * @tree: the tree
 */
void drm_svm_attr_tree_init(struct drm_svm_attr_tree *tree)
{
	spin_lock_init(&tree->lock);
	tree->root = RB_ROOT_CACHED;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_attr_tree_init);

/**
 * drm_svm_attr_tree_fini() - Free every node of an attribute tree
 * @tree: the tree, which nobody uses any more
 */
void drm_svm_attr_tree_fini(struct drm_svm_attr_tree *tree)
{
	struct drm_svm_attr_node *node;
	struct rb_node *rb;

	while ((rb = rb_first_cached(&tree->root))) {
		node = rb_entry(rb, struct drm_svm_attr_node, it.rb);
		interval_tree_remove(&node->it, &tree->root);
		kfree(node);
	}
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_attr_tree_fini);

static struct drm_svm_attr_node *to_attr_node(struct rb_node *rb)
{
	return rb ? rb_entry(rb, struct drm_svm_attr_node, it.rb) : NULL;
}

/* The first node overlapping [start, last] (the lowest), or NULL. */
static struct drm_svm_attr_node *
drm_svm_attr_first(struct drm_svm_attr_tree *tree, unsigned long start,
		   unsigned long last)
{
	struct interval_tree_node *it;

	it = interval_tree_iter_first(&tree->root, start, last);
	return it ? container_of(it, struct drm_svm_attr_node, it) : NULL;
}

static bool drm_svm_attrs_equal(const struct drm_svm_attrs *a,
				const struct drm_svm_attrs *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static bool drm_svm_attrs_default(const struct drm_svm_attrs *a)
{
	static const struct drm_svm_attrs none;

	return drm_svm_attrs_equal(a, &none);
}

/**
 * drm_svm_attr_lookup() - The attributes at an address, and how far they go
 * @tree: the tree
 * @addr: a CPU address
 * @attrs: out: the attributes at @addr
 * @lo: out: first address of the range around @addr with those attributes
 * @hi: out: last address of that range
 *
 * Takes the tree's spinlock: not for interrupt context.
 */
void drm_svm_attr_lookup(struct drm_svm_attr_tree *tree, unsigned long addr,
			 struct drm_svm_attrs *attrs, unsigned long *lo,
			 unsigned long *hi)
{
	struct drm_svm_attr_node *node, *prev;

	spin_lock(&tree->lock);
	node = drm_svm_attr_first(tree, addr, ULONG_MAX);
	if (node && node->it.start <= addr) {
		*attrs = node->attrs;
		*lo = node->it.start;
		*hi = node->it.last;
	} else {
		/* A gap, up to @node, from the node before it. */
		memset(attrs, 0, sizeof(*attrs));
		*hi = node ? node->it.start - 1 : ULONG_MAX;
		prev = node ? to_attr_node(rb_prev(&node->it.rb)) :
			      to_attr_node(rb_last(&tree->root.rb_root));
		*lo = prev ? prev->it.last + 1 : 0;
	}
	spin_unlock(&tree->lock);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_attr_lookup);

/* Nodes overlapping [start, last]; tree lock held. */
static unsigned int drm_svm_attr_count(struct drm_svm_attr_tree *tree,
				       unsigned long start, unsigned long last)
{
	struct interval_tree_node *it;
	unsigned int n = 0;

	lockdep_assert_held(&tree->lock);
	for (it = interval_tree_iter_first(&tree->root, start, last); it;
	     it = interval_tree_iter_next(it, start, last))
		n++;
	return n;
}

/* Nodes allocated before the tree lock is taken */
struct drm_svm_attr_pool {
	struct list_head free;
	unsigned int count;
};

static int drm_svm_attr_pool_fill(struct drm_svm_attr_pool *pool,
				  unsigned int count)
{
	struct drm_svm_attr_node *node;

	while (pool->count < count) {
		node = kzalloc(sizeof(*node), GFP_KERNEL_ACCOUNT);
		if (!node)
			return -ENOMEM;
		list_add(&node->link, &pool->free);
		pool->count++;
	}
	return 0;
}

static struct drm_svm_attr_node *drm_svm_attr_take(struct drm_svm_attr_pool *pool)
{
	struct drm_svm_attr_node *node;

	node = list_first_entry(&pool->free, struct drm_svm_attr_node, link);
	list_del(&node->link);
	pool->count--;
	return node;
}

static void drm_svm_attr_give(struct drm_svm_attr_pool *pool,
			      struct drm_svm_attr_node *node)
{
	list_add(&node->link, &pool->free);
	pool->count++;
}

static void drm_svm_attr_pool_empty(struct drm_svm_attr_pool *pool)
{
	struct drm_svm_attr_node *node, *next;

	list_for_each_entry_safe(node, next, &pool->free, link)
		kfree(node);
	INIT_LIST_HEAD(&pool->free);
	pool->count = 0;
}

static void drm_svm_attr_insert(struct drm_svm_attr_tree *tree,
				struct drm_svm_attr_node *node,
				unsigned long start, unsigned long last,
				const struct drm_svm_attrs *attrs)
{
	lockdep_assert_held(&tree->lock);
	node->it.start = start;
	node->it.last = last;
	node->attrs = *attrs;
	interval_tree_insert(&node->it, &tree->root);
	tree->nodes++;
}

static void drm_svm_attr_remove(struct drm_svm_attr_tree *tree,
				struct drm_svm_attr_node *node)
{
	lockdep_assert_held(&tree->lock);
	interval_tree_remove(&node->it, &tree->root);
	tree->nodes--;
}

/* Merge @node with the neighbours it touches that have equal attributes. */
static void drm_svm_attr_merge(struct drm_svm_attr_tree *tree,
			       struct drm_svm_attr_node *node,
			       struct drm_svm_attr_pool *pool)
{
	struct drm_svm_attr_node *prev = to_attr_node(rb_prev(&node->it.rb));
	struct drm_svm_attr_node *next = to_attr_node(rb_next(&node->it.rb));
	unsigned long start = node->it.start, last = node->it.last;

	if (prev && prev->it.last + 1 == start &&
	    drm_svm_attrs_equal(&prev->attrs, &node->attrs)) {
		start = prev->it.start;
		drm_svm_attr_remove(tree, prev);
		drm_svm_attr_give(pool, prev);
	}
	if (next && last + 1 == next->it.start &&
	    drm_svm_attrs_equal(&next->attrs, &node->attrs)) {
		last = next->it.last;
		drm_svm_attr_remove(tree, next);
		drm_svm_attr_give(pool, next);
	}
	if (start != node->it.start || last != node->it.last) {
		drm_svm_attr_remove(tree, node);
		drm_svm_attr_insert(tree, node, start, last, &node->attrs);
	}
}

/*
 * Take the nodes overlapping [start, last] out of the tree, trimmed to
 * the range, into @cut in address order; the parts outside stay in the
 * tree, in nodes from @pool where a node is split. Tree lock held; takes
 * at most two nodes from @pool.
 */
static void drm_svm_attr_cut(struct drm_svm_attr_tree *tree,
			     unsigned long start, unsigned long last,
			     struct drm_svm_attr_pool *pool,
			     struct list_head *cut)
{
	struct drm_svm_attr_node *node, *part;

	while ((node = drm_svm_attr_first(tree, start, last))) {
		drm_svm_attr_remove(tree, node);
		if (node->it.last > last) {
			part = drm_svm_attr_take(pool);
			drm_svm_attr_insert(tree, part, last + 1, node->it.last,
					    &node->attrs);
			node->it.last = last;
		}
		if (node->it.start < start) {
			part = drm_svm_attr_take(pool);
			drm_svm_attr_insert(tree, part, node->it.start,
					    start - 1, &node->attrs);
			node->it.start = start;
		}
		list_add_tail(&node->link, cut);
	}
}

/* Note [start, last] as changed, joined to the last span when they touch. */
static void drm_svm_attr_note(struct drm_svm_attr_change *c,
			      unsigned long start, unsigned long last)
{
	struct drm_svm_attr_span *s = c->num ? &c->spans[c->num - 1] : NULL;

	if (s && (s->last + 1 == start || c->num == c->max)) {
		s->last = last;
		return;
	}
	c->spans[c->num].start = start;
	c->spans[c->num].last = last;
	c->num++;
}

/* A run of pieces with equal new attributes, becoming one node */
struct drm_svm_attr_run {
	unsigned long start;
	unsigned long last;
	struct drm_svm_attrs attrs;
	bool open;
};

/* Put the run in the tree, unless it has the default attributes. */
static struct drm_svm_attr_node *
drm_svm_attr_run_close(struct drm_svm_attr_tree *tree,
		       struct drm_svm_attr_run *run,
		       struct drm_svm_attr_pool *pool)
{
	struct drm_svm_attr_node *node = NULL;

	if (run->open && !drm_svm_attrs_default(&run->attrs)) {
		node = drm_svm_attr_take(pool);
		drm_svm_attr_insert(tree, node, run->start, run->last,
				    &run->attrs);
	}
	run->open = false;
	return node;
}

/*
 * Rebuild [start, last] from the @cut nodes and the gaps between them,
 * each with @set applied, into runs of equal attributes; then merge the
 * runs at the ends with their neighbours. Tree lock held.
 */
static void drm_svm_attr_rebuild(struct drm_svm_attr_tree *tree,
				 unsigned long start, unsigned long last,
				 const struct drm_svm_attr_set *set,
				 struct list_head *cut,
				 struct drm_svm_attr_pool *pool,
				 struct drm_svm_attr_change *change)
{
	struct drm_svm_attr_node *node, *first = NULL, *made = NULL;
	struct drm_svm_attr_run run = {};
	struct drm_svm_attrs old, new;
	unsigned long addr = start, end;

	for (;;) {
		node = list_first_entry_or_null(cut, struct drm_svm_attr_node,
						link);
		if (node && node->it.start == addr) {
			end = node->it.last;
			old = node->attrs;
			list_del(&node->link);
			drm_svm_attr_give(pool, node);
		} else {
			end = node ? node->it.start - 1 : last;
			memset(&old, 0, sizeof(old));
		}
		new = old;
		drm_svm_attrs_apply(&new, set);
		if (change && !drm_svm_attrs_equal(&old, &new))
			drm_svm_attr_note(change, addr, end);

		if (run.open && drm_svm_attrs_equal(&run.attrs, &new)) {
			run.last = end;
		} else {
			made = drm_svm_attr_run_close(tree, &run, pool) ?: made;
			first = first ?: made;
			run = (struct drm_svm_attr_run){ addr, end, new, true };
		}
		if (end >= last)
			break;
		addr = end + 1;
	}
	made = drm_svm_attr_run_close(tree, &run, pool) ?: made;
	first = first ?: made;

	/* Runs inside differ from each other; the ends may join neighbours. */
	if (first)
		drm_svm_attr_merge(tree, first, pool);
	if (made && made != first)
		drm_svm_attr_merge(tree, made, pool);
}

/* Run @check on what every part of [start, last] would get; lock held. */
static int drm_svm_attr_check(struct drm_svm_attr_tree *tree,
			      unsigned long start, unsigned long last,
			      const struct drm_svm_attr_set *set,
			      int (*check)(const struct drm_svm_attrs *attrs,
					   const void *data),
			      const void *check_data)
{
	struct drm_svm_attr_node *node;
	struct drm_svm_attrs new;
	unsigned long addr = start;
	bool gap = false;
	int err;

	for (node = drm_svm_attr_first(tree, start, last);
	     node && node->it.start <= last;
	     node = to_attr_node(rb_next(&node->it.rb))) {
		gap |= node->it.start > addr;
		addr = node->it.last + 1;
		new = node->attrs;
		drm_svm_attrs_apply(&new, set);
		err = check(&new, check_data);
		if (err)
			return err;
	}
	if (!gap && addr <= last)
		gap = true;
	if (!gap)
		return 0;
	/* The gaps have the default attributes. */
	memset(&new, 0, sizeof(new));
	drm_svm_attrs_apply(&new, set);
	return check(&new, check_data);
}

/**
 * drm_svm_attr_tree_set() - Change one attribute over a range
 * @tree: the tree
 * @start: first CPU address, page aligned
 * @last: last CPU address of the range
 * @set: the attribute and its value (drm_svm_attrs_apply())
 * @check: called under the tree lock with the attributes each part
 *	   would get; a non-zero return fails the change with it, before
 *	   anything is changed. May be NULL.
 * @check_data: passed to @check
 * @change: out: the parts whose attributes changed, in at most
 *	    @change->max spans (at least one): when there are more, the last
 *	    span reaches over the rest. May be NULL.
 *
 * Returns: 0, -ENOMEM, -ENOSPC when the tree could grow past
 * DRM_SVM_ATTR_MAX_NODES, or the error of @check; the tree is unchanged
 * on failure.
 */
int drm_svm_attr_tree_set(struct drm_svm_attr_tree *tree, unsigned long start,
			  unsigned long last, const struct drm_svm_attr_set *set,
			  int (*check)(const struct drm_svm_attrs *attrs,
				       const void *data),
			  const void *check_data,
			  struct drm_svm_attr_change *change)
{
	struct drm_svm_attr_pool pool = { .free = LIST_HEAD_INIT(pool.free) };
	unsigned int need = 3;
	LIST_HEAD(cut);
	int err;

	if (change)
		change->num = 0;
	for (;;) {
		/* Two per node overlapping (itself and a gap), plus the ends. */
		err = drm_svm_attr_pool_fill(&pool, need);
		if (err)
			goto out_free;
		spin_lock(&tree->lock);
		need = 2 * drm_svm_attr_count(tree, start, last) + 3;
		if (tree->nodes + need > DRM_SVM_ATTR_MAX_NODES) {
			err = -ENOSPC;
			goto out_unlock;
		}
		if (pool.count >= need)
			break;
		/* The notifier split nodes meanwhile: allocate more. */
		spin_unlock(&tree->lock);
	}

	if (check) {
		err = drm_svm_attr_check(tree, start, last, set, check,
					 check_data);
		if (err)
			goto out_unlock;
	}

	drm_svm_attr_cut(tree, start, last, &pool, &cut);
	drm_svm_attr_rebuild(tree, start, last, set, &cut, &pool, change);
out_unlock:
	spin_unlock(&tree->lock);
out_free:
	drm_svm_attr_pool_empty(&pool);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_attr_tree_set);

/**
 * drm_svm_attr_tree_drop() - Forget the attributes of a range
 * @tree: the tree
 * @start: first CPU address
 * @last: last CPU address of the range
 *
 * For the unmap notifier: allocates only with GFP_NOWAIT, and when that
 * fails and a node has to be split, drops the part past @last too.
 */
void drm_svm_attr_tree_drop(struct drm_svm_attr_tree *tree,
			    unsigned long start, unsigned long last)
{
	struct drm_svm_attr_node *node, *next, *spare;
	LIST_HEAD(gone);

	spare = kzalloc(sizeof(*spare), GFP_NOWAIT | __GFP_NOWARN);

	spin_lock(&tree->lock);
	while ((node = drm_svm_attr_first(tree, start, last))) {
		bool head = node->it.start < start, tail = node->it.last > last;

		drm_svm_attr_remove(tree, node);
		if (head && tail && spare) {
			drm_svm_attr_insert(tree, spare, last + 1,
					    node->it.last, &node->attrs);
			spare = NULL;
		}
		if (head)
			drm_svm_attr_insert(tree, node, node->it.start,
					    start - 1, &node->attrs);
		else if (tail)
			drm_svm_attr_insert(tree, node, last + 1,
					    node->it.last, &node->attrs);
		else
			list_add(&node->link, &gone);
	}
	spin_unlock(&tree->lock);

	list_for_each_entry_safe(node, next, &gone, link)
		kfree(node);
	kfree(spare);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_attr_tree_drop);

/**
 * drm_svm_attr_tree_forget() - Drop every hint that names a device
 * @tree: the tree
 * @id: SVM device id of a device that is going away
 *
 * A preferred location on the device becomes none, the device leaves the
 * accessed-by sets, and nodes left without any hint go. Neighbours that
 * become equal stay apart; they read back as two ranges.
 */
void drm_svm_attr_tree_forget(struct drm_svm_attr_tree *tree, u32 id)
{
	struct drm_svm_attr_node *node, *next;
	LIST_HEAD(gone);

	spin_lock(&tree->lock);
	for (node = to_attr_node(rb_first_cached(&tree->root)); node;
	     node = next) {
		next = to_attr_node(rb_next(&node->it.rb));
		if (node->attrs.location == DRM_SVM_LOC_DEVICE &&
		    node->attrs.device == id) {
			node->attrs.location = DRM_SVM_LOC_NONE;
			node->attrs.device = 0;
		}
		node->attrs.accessed_by &= ~BIT(id);
		if (drm_svm_attrs_default(&node->attrs)) {
			drm_svm_attr_remove(tree, node);
			list_add(&node->link, &gone);
		}
	}
	spin_unlock(&tree->lock);

	list_for_each_entry_safe(node, next, &gone, link)
		kfree(node);
}

/**
 * drm_svm_attr_tree_query() - The ranges of equal attributes in a range
 * @tree: the tree
 * @start: first CPU address
 * @last: last CPU address of the range
 * @ranges: out: up to @max ranges, in address order; gaps included, with
 *	    zeroed attributes
 * @max: entries of @ranges; 0 to count them all
 *
 * Returns: how many ranges there are when @max is 0, otherwise how many
 * were written (at most @max; the last one tells where the walk stopped).
 */
unsigned int drm_svm_attr_tree_query(struct drm_svm_attr_tree *tree,
				     unsigned long start, unsigned long last,
				     struct drm_svm_attr_piece *ranges,
				     unsigned int max)
{
	struct drm_svm_attr_node *node;
	struct drm_svm_attr_piece p;
	unsigned long addr = start;
	unsigned int n = 0;

	spin_lock(&tree->lock);
	node = drm_svm_attr_first(tree, start, last);
	for (;;) {
		if (node && node->it.start <= addr) {
			p.attrs = node->attrs;
			p.last = min(node->it.last, last);
			node = to_attr_node(rb_next(&node->it.rb));
		} else {
			memset(&p.attrs, 0, sizeof(p.attrs));
			p.last = node && node->it.start <= last ?
				 node->it.start - 1 : last;
		}
		p.start = addr;
		/* Adjacent nodes are never equal; a gap never follows a gap. */
		if (n < max)
			ranges[n] = p;
		n++;
		if (p.last >= last || (max && n == max))
			break;
		addr = p.last + 1;
	}
	spin_unlock(&tree->lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_attr_tree_query);

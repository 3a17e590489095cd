// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <kunit/visibility.h>
#include <linux/file.h>
#include <linux/log2.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "drm_svm_internal.h"

/**
 * DOC: Memory attribute ioctls
 *
 * The madvise ioctl (&struct drm_svm_madvise) sets one attribute on a CPU
 * range of the calling process, the query (&struct drm_svm_attr_query)
 * reads them back; both work on the per-process state of the caller's mm,
 * through any render node of the core (see Attributes for the tree they
 * change). The first call on a file binds the file to the caller's mm, so
 * that the attributes stay while the file is open; a call from another
 * process on that file then fails with -EACCES, as VM ioctls do.
 *
 * A device is named by an open file descriptor of its render node: the
 * descriptor proves that the process may use the device. A descriptor of
 * anything else than a render node of a device of the core is refused.
 * Hints that would let a device access memory of a device in another
 * isolation group (a preferred device and an accessed-by device in
 * different groups) fail with -ENOLINK, before anything changes.
 */

/* Spans of changes invalidated exactly; more are joined into the last. */
#define DRM_SVM_ATTR_SPANS	16

/**
 * drm_svm_attrs_apply() - Set one attribute in a set of attributes
 * @attrs: the attributes
 * @set: the attribute and its value
 */
void drm_svm_attrs_apply(struct drm_svm_attrs *attrs,
			 const struct drm_svm_attr_set *set)
{
	switch (set->type) {
	case DRM_SVM_ATTR_PREFERRED_LOC:
		attrs->location = set->value.location;
		attrs->device = set->value.device;
		break;
	case DRM_SVM_ATTR_ACCESSED_BY:
		attrs->accessed_by = set->value.accessed_by;
		break;
	case DRM_SVM_ATTR_GRANULARITY:
		attrs->granularity = set->value.granularity;
		break;
	case DRM_SVM_ATTR_READ_MOSTLY:
		attrs->flags = (attrs->flags & ~DRM_SVM_ATTR_RANGE_READ_MOSTLY) |
			       (set->value.flags &
				DRM_SVM_ATTR_RANGE_READ_MOSTLY);
		break;
	case DRM_SVM_ATTR_ATOMICS:
		attrs->atomics = set->value.atomics;
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_attrs_apply);

/*
 * The SVM device id of the device whose render node @fd is. Returns 0,
 * -EBADF for an fd that is not open, -EINVAL for anything else than a
 * render node of a device of the core.
 */
static int drm_svm_fd_device(struct drm_device *drm, s32 fd, u32 *id)
{
	struct drm_svm_device *sdev;
	struct drm_file *file_priv;
	struct drm_device *dev;
	struct file *f;
	int err = -EINVAL;
	u32 i;

	f = fd >= 0 ? fget(fd) : NULL;
	if (!f) {
		drm_dbg(drm, "madvise: fd %d is not open\n", fd);
		return -EBADF;
	}
	if (f->f_op->open != drm_open) {
		drm_dbg(drm, "madvise: fd %d is not a DRM device\n", fd);
		goto out_put;
	}
	file_priv = f->private_data;
	if (!drm_is_render_client(file_priv)) {
		drm_dbg(drm, "madvise: fd %d is not a render node\n", fd);
		goto out_put;
	}
	dev = file_priv->minor->dev;

	drm_svm_devices_lock();
	for (i = 0; (sdev = drm_svm_device_next(&i)); i++) {
		if (sdev->drm == dev) {
			*id = i;
			err = 0;
			break;
		}
	}
	drm_svm_devices_unlock();
	if (err)
		drm_dbg(drm, "madvise: fd %d is not a device of drm_svm\n", fd);
out_put:
	fput(f);
	return err;
}

/* The value of a PREFERRED_LOC madvise. */
static int drm_svm_madvise_location(struct drm_device *drm,
				    const struct drm_svm_madvise *args,
				    struct drm_svm_attrs *v)
{
	u32 id = 0;
	int err;

	if (args->preferred_loc.location > DRM_SVM_LOC_DEVICE ||
	    (args->preferred_loc.location != DRM_SVM_LOC_DEVICE &&
	     args->preferred_loc.fd != -1) || args->value[1]) {
		drm_dbg(drm, "madvise: bad location %u (fd %d)\n",
			args->preferred_loc.location, args->preferred_loc.fd);
		return -EINVAL;
	}
	if (args->preferred_loc.location == DRM_SVM_LOC_DEVICE) {
		err = drm_svm_fd_device(drm, args->preferred_loc.fd, &id);
		if (err)
			return err;
	}
	v->location = args->preferred_loc.location;
	v->device = id;
	return 0;
}

/* The value of an ACCESSED_BY madvise: the devices of the fds. */
static int drm_svm_madvise_accessed_by(struct drm_device *drm,
				       const struct drm_svm_madvise *args,
				       struct drm_svm_attrs *v)
{
	s32 fds[DRM_SVM_MAX_DEVICES];
	u32 i, id;
	int err;

	if (args->accessed_by.num_fds > DRM_SVM_MAX_DEVICES ||
	    args->accessed_by.pad) {
		drm_dbg(drm, "madvise: %u fds, or non-zero pad\n",
			args->accessed_by.num_fds);
		return -EINVAL;
	}
	if (copy_from_user(fds, u64_to_user_ptr(args->accessed_by.fds),
			   args->accessed_by.num_fds * sizeof(fds[0]))) {
		drm_dbg(drm, "madvise: fd array not readable\n");
		return -EFAULT;
	}
	v->accessed_by = 0;
	for (i = 0; i < args->accessed_by.num_fds; i++) {
		err = drm_svm_fd_device(drm, fds[i], &id);
		if (err)
			return err;
		v->accessed_by |= BIT(id);
	}
	return 0;
}

/* Turn the arguments into the attribute to set; logs what is wrong. */
static int drm_svm_madvise_parse(struct drm_device *drm,
				 const struct drm_svm_madvise *args,
				 struct drm_svm_attr_set *set)
{
	u64 size;

	memset(set, 0, sizeof(*set));
	set->type = args->type;
	switch (args->type) {
	case DRM_SVM_ATTR_PREFERRED_LOC:
		return drm_svm_madvise_location(drm, args, &set->value);
	case DRM_SVM_ATTR_ACCESSED_BY:
		return drm_svm_madvise_accessed_by(drm, args, &set->value);
	case DRM_SVM_ATTR_GRANULARITY:
		size = args->granularity.size;
		if (args->value[1] || (size && size != SZ_4K &&
				       size != SZ_64K && size != SZ_2M))
			break;
		set->value.granularity = size ? ilog2(size) : 0;
		return 0;
	case DRM_SVM_ATTR_READ_MOSTLY:
		if (args->read_mostly.enable > 1 || args->read_mostly.pad ||
		    args->value[1])
			break;
		set->value.flags = args->read_mostly.enable ?
				   DRM_SVM_ATTR_RANGE_READ_MOSTLY : 0;
		return 0;
	case DRM_SVM_ATTR_ATOMICS:
		if (args->atomics.mode > DRM_SVM_ATOMICS_CPU ||
		    args->atomics.pad || args->value[1])
			break;
		set->value.atomics = args->atomics.mode;
		return 0;
	default:
		drm_dbg(drm, "madvise: unknown attribute %u\n", args->type);
		return -EINVAL;
	}
	drm_dbg(drm, "madvise: bad value %#llx %#llx for attribute %u\n",
		args->value[0], args->value[1], args->type);
	return -EINVAL;
}

/* Isolation groups of the devices, as drm_svm_madvise_check() wants them */
struct drm_svm_groups {
	u32 present;
	u32 group[DRM_SVM_MAX_DEVICES];
};

static void drm_svm_groups_get(struct drm_svm_groups *g)
{
	struct drm_svm_device *sdev;
	u32 i;

	g->present = 0;
	drm_svm_devices_lock();
	for (i = 0; (sdev = drm_svm_device_next(&i)); i++) {
		g->present |= BIT(i);
		g->group[i] = drm_svm_device_group(sdev);
	}
	drm_svm_devices_unlock();
}

/* -ENOLINK when an accessed-by device is not in the preferred's group. */
static int drm_svm_madvise_check(const struct drm_svm_attrs *attrs,
				 const void *data)
{
	const struct drm_svm_groups *g = data;
	unsigned long mask = attrs->accessed_by & g->present;
	u32 id;

	if (attrs->location != DRM_SVM_LOC_DEVICE ||
	    !(g->present & BIT(attrs->device)))
		return 0;
	for_each_set_bit(id, &mask, DRM_SVM_MAX_DEVICES) {
		if (g->group[id] != g->group[attrs->device])
			return -ENOLINK;
	}
	return 0;
}

static int drm_svm_attr_unmap(struct mmu_notifier *mn,
			      const struct mmu_notifier_range *range)
{
	struct drm_svm_mm *svm_mm =
		container_of(mn, struct drm_svm_mm, attr_notifier);

	if (range->event == MMU_NOTIFY_UNMAP)
		drm_svm_attr_tree_drop(&svm_mm->attrs, range->start,
				       range->end - 1);
	return 0;
}

static const struct mmu_notifier_ops drm_svm_attr_notifier_ops = {
	.invalidate_range_start = drm_svm_attr_unmap,
};

static void drm_svm_attr_forget_mm(struct drm_svm_mm *svm_mm, void *data)
{
	drm_svm_attr_tree_forget(&svm_mm->attrs, *(u32 *)data);
}

/**
 * drm_svm_attr_forget_device() - Drop every process's hints naming a device
 * @sdev: the device, being unregistered
 */
void drm_svm_attr_forget_device(struct drm_svm_device *sdev)
{
	u32 id = sdev->id;

	drm_svm_mm_for_each(drm_svm_attr_forget_mm, &id);
}

/**
 * drm_svm_attr_fini() - Free the attributes of an address space
 * @svm_mm: the per-process state, being freed
 */
void drm_svm_attr_fini(struct drm_svm_mm *svm_mm)
{
	if (svm_mm->attr_notifier_on)
		mmu_notifier_unregister(&svm_mm->attr_notifier, svm_mm->mm);
	drm_svm_attr_tree_fini(&svm_mm->attrs);
	mutex_destroy(&svm_mm->attr_mutex);
}

/*
 * The per-process state the file's attribute calls work on: the caller's,
 * bound to the file on its first call. Returns it, or an ERR_PTR():
 * -EACCES from another process, -EINVAL without an address space.
 */
static struct drm_svm_mm *drm_svm_file_mm(struct drm_device *drm,
					  struct drm_svm_file *sfile)
{
	struct drm_svm_mm *svm_mm = READ_ONCE(sfile->svm_mm), *new;

	if (!svm_mm) {
		if (!current->mm)
			return ERR_PTR(-EINVAL);
		new = drm_svm_mm_find_or_create(current->mm);
		if (IS_ERR(new))
			return new;
		svm_mm = cmpxchg(&sfile->svm_mm, NULL, new);
		if (svm_mm)
			drm_svm_mm_put(new);
		else
			svm_mm = new;
	}
	if (svm_mm->mm != current->mm) {
		drm_dbg(drm, "attributes: not the mm of the file's first call\n");
		return ERR_PTR(-EACCES);
	}
	return svm_mm;
}

/* The range of an attribute call: page aligned, in the user address space. */
static int drm_svm_attr_range(struct drm_device *drm, u64 start, u64 range)
{
	if (!drm_svm_range_valid(start, range, TASK_SIZE_MAX)) {
		drm_dbg(drm, "attributes: bad range %#llx + %#llx\n", start,
			range);
		return -EINVAL;
	}
	return 0;
}

/*
 * Drop the device mappings of the changed parts of the attributes, and the
 * migration policy's history there (see Migration policy).
 */
static void drm_svm_attr_invalidate(struct drm_svm_mm *svm_mm,
				    const struct drm_svm_attr_change *change)
{
	unsigned int i;

	if (!change->num)
		return;
	for (i = 0; i < change->num; i++)
		drm_svm_mcache_reset(svm_mm, change->spans[i].start,
				     change->spans[i].last);
	down_write(&svm_mm->notifier_lock);
	for (i = 0; i < change->num; i++)
		drm_svm_invalidate_cpu_range(svm_mm, change->spans[i].start,
					     change->spans[i].last, NULL,
					     DRM_SVM_INVAL_ATTR);
	up_write(&svm_mm->notifier_lock);
}

/**
 * drm_svm_ioctl_madvise() - Implement the madvise ioctl
 * @sdev: the device the call came through
 * @sfile: the caller's file
 * @args: the ioctl arguments (&struct drm_svm_madvise)
 *
 * Returns: 0, or the errors documented for &struct drm_svm_madvise.
 */
int drm_svm_ioctl_madvise(struct drm_svm_device *sdev,
			  struct drm_svm_file *sfile,
			  struct drm_svm_madvise *args)
{
	struct drm_svm_attr_span spans[DRM_SVM_ATTR_SPANS];
	struct drm_svm_attr_change change = {
		.spans = spans,
		.max = ARRAY_SIZE(spans),
	};
	struct drm_svm_attr_set set;
	struct drm_svm_groups groups;
	struct drm_svm_mm *svm_mm;
	int err;

	err = drm_svm_ioctl_check(sdev->drm, "madvise", args->extensions,
				  args->flags, args->reserved,
				  sizeof(args->reserved));
	if (!err)
		err = drm_svm_attr_range(sdev->drm, args->start, args->range);
	if (!err)
		err = drm_svm_madvise_parse(sdev->drm, args, &set);
	if (err)
		return err;

	svm_mm = drm_svm_file_mm(sdev->drm, sfile);
	if (IS_ERR(svm_mm))
		return PTR_ERR(svm_mm);

	mutex_lock(&svm_mm->attr_mutex);
	if (!svm_mm->attr_notifier_on) {
		svm_mm->attr_notifier.ops = &drm_svm_attr_notifier_ops;
		err = mmu_notifier_register(&svm_mm->attr_notifier,
					    svm_mm->mm);
		if (err)
			goto out_unlock;
		svm_mm->attr_notifier_on = true;
	}
	drm_svm_groups_get(&groups);
	err = drm_svm_attr_tree_set(&svm_mm->attrs, args->start,
				    args->start + args->range - 1, &set,
				    drm_svm_madvise_check, &groups, &change);
out_unlock:
	mutex_unlock(&svm_mm->attr_mutex);
	if (err) {
		drm_dbg(sdev->drm, "madvise: %#llx + %#llx: %d\n", args->start,
			args->range, err);
		return err;
	}
	drm_svm_attr_invalidate(svm_mm, &change);
	return 0;
}
EXPORT_SYMBOL_GPL(drm_svm_ioctl_madvise);

/* Pieces copied to userspace at once */
#define DRM_SVM_ATTR_BATCH	64

static void drm_svm_attr_piece_out(struct drm_svm_attr_range *out,
				   const struct drm_svm_attr_piece *p)
{
	memset(out, 0, sizeof(*out));
	out->start = p->start;
	out->end = p->last + 1;
	out->location = p->attrs.location;
	out->device = p->attrs.location == DRM_SVM_LOC_DEVICE ?
		      p->attrs.device : 0;
	out->accessed_by = p->attrs.accessed_by;
	out->flags = p->attrs.flags;
	out->granularity = p->attrs.granularity ?
			   BIT_ULL(p->attrs.granularity) : 0;
	out->atomics = p->attrs.atomics;
}

/*
 * Copy the pieces of [start, last] to @uptr, up to @max of them; *@done
 * gets how many, *@next where the rest starts (past @last when none is
 * left). Returns 0, -EFAULT or -ENOMEM.
 */
static int drm_svm_attr_copy_out(struct drm_svm_mm *svm_mm,
				 unsigned long start, unsigned long last,
				 struct drm_svm_attr_range __user *uptr,
				 unsigned int max, unsigned int *done,
				 u64 *next)
{
	struct drm_svm_attr_piece *pieces;
	struct drm_svm_attr_range out;
	unsigned int n, i;
	int err = 0;

	*done = 0;
	*next = start;
	pieces = kmalloc_array(DRM_SVM_ATTR_BATCH, sizeof(*pieces), GFP_KERNEL);
	if (!pieces)
		return -ENOMEM;
	while (*done < max && *next <= last && !err) {
		n = drm_svm_attr_tree_query(&svm_mm->attrs, *next, last, pieces,
					    min(max - *done,
						(unsigned int)DRM_SVM_ATTR_BATCH));
		for (i = 0; i < n && !err; i++) {
			drm_svm_attr_piece_out(&out, &pieces[i]);
			if (copy_to_user(uptr + *done + i, &out, sizeof(out)))
				err = -EFAULT;
		}
		*done += n;
		*next = (u64)pieces[n - 1].last + 1;
		cond_resched();
	}
	kfree(pieces);
	return err;
}

/**
 * drm_svm_ioctl_attr_query() - Implement the memory attribute query
 * @sdev: the device the call came through
 * @sfile: the caller's file
 * @args: the ioctl arguments (&struct drm_svm_attr_query)
 *
 * Returns: 0, or the errors documented for &struct drm_svm_attr_query.
 */
int drm_svm_ioctl_attr_query(struct drm_svm_device *sdev,
			     struct drm_svm_file *sfile,
			     struct drm_svm_attr_query *args)
{
	unsigned long start = args->start, last;
	struct drm_svm_mm *svm_mm;
	unsigned int count, done = 0;
	u64 next = start;
	int err;

	err = drm_svm_ioctl_check(sdev->drm, "attr query", args->extensions,
				  args->flags, args->reserved,
				  sizeof(args->reserved));
	if (!err)
		err = drm_svm_attr_range(sdev->drm, args->start, args->range);
	if (err)
		return err;
	svm_mm = drm_svm_file_mm(sdev->drm, sfile);
	if (IS_ERR(svm_mm))
		return PTR_ERR(svm_mm);
	last = start + args->range - 1;

	/*
	 * madvise waits; munmap() may still drop attributes meanwhile, so
	 * the count is what was written plus what is left after it.
	 */
	mutex_lock(&svm_mm->attr_mutex);
	if (args->num_ranges)
		err = drm_svm_attr_copy_out(svm_mm, start, last,
					    u64_to_user_ptr(args->ranges),
					    args->num_ranges, &done, &next);
	count = done;
	if (!err && next <= last)
		count += drm_svm_attr_tree_query(&svm_mm->attrs, next, last,
						 NULL, 0);
	mutex_unlock(&svm_mm->attr_mutex);
	if (err) {
		drm_dbg(sdev->drm, "attr query: %d\n", err);
		return err;
	}
	args->num_ranges = count;
	return 0;
}
EXPORT_SYMBOL_GPL(drm_svm_ioctl_attr_query);

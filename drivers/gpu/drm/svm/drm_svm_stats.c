// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "drm_svm_internal.h"

/**
 * DOC: Statistics
 *
 * The core keeps one set of counters, &struct drm_svm_counters, per
 * device and per process and device; drm_svm_count() counts an event in
 * both at once. They hold GPU faults, CPU faults on device-private
 * pages, pages migrated each way, evictions, device memory in use, the
 * work of the fault path, the migration policy's events, and for moves
 * between devices the pages that came directly from another device (over
 * a link) and the chunks that bounced through system memory. A page that
 * bounced counts once in ``pages_to_ram`` of the device it left and once
 * in ``pages_to_vram`` of the device it reached; a page moved directly
 * counts only in ``pages_to_vram`` and ``pages_from_peer`` of the device
 * it reached. They are shown in these places:
 *
 *  - ``/sys/kernel/debug/drm_svm/device<id>``, one per device by SVM
 *    device id, ``key value`` lines: ``name``, ``vram_mode`` (private,
 *    coherent or none), ``vram_size`` and ``vram_in_use`` in bytes, then
 *    ``gpu_faults``, ``cpu_faults``, ``pages_to_vram``, ``pages_to_ram``,
 *    ``evictions``, ``pages_from_peer``, ``bounces``, ``chunks`` (faults
 *    that needed work), ``pages_mapped`` and ``huge_mapped`` (pages and
 *    PMD-sized entries handed to the driver's map), ``retries`` (fault
 *    passes a concurrent invalidation restarted), ``invalidations``
 *    (calls to the driver's invalidate) and ``dma_mapped``
 *    (system pages DMA-mapped for the device now, see Device
 *    addresses), then the migration policy's events (see Migration
 *    policy) of every process: ``policy_thrash`` (blocks found
 *    thrashing), ``policy_throttles``, ``policy_pins``, ``policy_probes``
 *    (pins that ended), ``policy_remote_faults`` (faults that mapped a
 *    pinned block over a link instead of moving it),
 *    ``policy_cache_hits`` (faults on a settled block that skipped the
 *    look for a move) and ``policy_waits`` (faults that waited for
 *    another one's move of their block); a request counts on the device
 *    that made it, a CPU fault's on the device whose memory it was.
 *    ``vram_in_use`` counts the blocks not given back yet: a block whose
 *    pages are all free waits for a worker, one that lost part of its
 *    pages waits a little for the rest (see Device memory). A write to
 *    the file (root only) completes those frees and releases now,
 *    moving what is left in such blocks to system memory; reading has
 *    no side effect.
 *  - ``/sys/kernel/debug/drm_svm/processes`` (root only, as it names every
 *    process; so is ``moves``): a header, then one line per
 *    process and device with activity: pid, device id, the first five
 *    counters, the bytes of device memory the process's data occupies,
 *    then ``pages_from_peer``, ``bounces``, the seven policy events and
 *    the bytes of the process's policy state.
 *  - ``/sys/kernel/debug/drm_svm/moves``: the moves between each pair of
 *    processors (the devices by SVM device id, ``system`` for system
 *    memory) that a fault, a prefetch or a CPU fault made, and their
 *    bytes: a header, then ``all from to moves bytes`` for every
 *    process, then the same per process with its pid first. A move that
 *    bounced counts once, for its source and destination.
 *  - ``/sys/kernel/debug/drm_svm/phases<id>``: the device's phase timers,
 *    where the core's time goes (see Phase timers).
 *  - DRM fdinfo of the driver's file (drm_svm_show_fdinfo()), for the
 *    process the file's VMs mirror, on that device, in the format of
 *    Documentation/gpu/drm-usage-stats.rst: ``drm-total-vram`` and
 *    ``drm-resident-vram`` (KiB of device memory holding its data, which
 *    is always resident), then keys of the core's own. The spec of 6.12
 *    asks every key to start with ``drm-``; drivers that add keys of
 *    their own name them after themselves (amdgpu's ``amd-*``), and so
 *    do these, ``vsvm-`` for vsvm, written ``<drv>-`` here:
 *    ``<drv>-gpu-faults``, ``<drv>-cpu-faults``,
 *    ``<drv>-to-vram`` and ``<drv>-to-ram`` (KiB migrated),
 *    ``<drv>-evictions``, ``<drv>-from-peer`` (KiB), ``<drv>-bounces``,
 *    the policy events as ``<drv>-policy-thrash`` and so on, and the
 *    process's policy state, ``<drv>-policy-blocks`` and
 *    ``<drv>-policy-bytes``, and for each pair of processors the device
 *    is one of, the moves (``<drv>-moves-<from>-<to>``) and their KiB
 *    (``<drv>-moved-<from>-<to>``). The device memory in use is counted
 *    as the debugfs ``vram_in_use`` counts it, from the same counters, so
 *    that a tool that reads both sees one answer.
 *
 * Counters only grow, except the memory in use. Data migrated by one
 * process and shared with a fork child stays counted to the first.
 */

static struct dentry *drm_svm_debugfs_root;

static const char *const drm_svm_pstat_names[DRM_SVM_PSTAT_NR] = {
	[DRM_SVM_PSTAT_THRASH] = "thrash",
	[DRM_SVM_PSTAT_THROTTLES] = "throttles",
	[DRM_SVM_PSTAT_PINS] = "pins",
	[DRM_SVM_PSTAT_PROBES] = "probes",
	[DRM_SVM_PSTAT_REMOTE_FAULTS] = "remote_faults",
	[DRM_SVM_PSTAT_CACHE_HITS] = "cache_hits",
	[DRM_SVM_PSTAT_WAITS] = "waits",
};

/*
 * The counters of &struct drm_svm_counters, in the order the device file
 * and fdinfo show them: name in debugfs, key in fdinfo after the driver's
 * name (none: debugfs only), and whether it counts pages, which fdinfo
 * shows in KiB. The policy events follow, from drm_svm_pstat_names[].
 */
#define DRM_SVM_CTR(field) offsetof(struct drm_svm_counters, field)
static const struct {
	const char *name;
	const char *fdinfo;
	size_t offset;
	bool pages;
} drm_svm_counter_keys[] = {
	{ "gpu_faults", "gpu-faults", DRM_SVM_CTR(gpu_faults) },
	{ "cpu_faults", "cpu-faults", DRM_SVM_CTR(cpu_faults) },
	{ "pages_to_vram", "to-vram", DRM_SVM_CTR(pages_to_vram), true },
	{ "pages_to_ram", "to-ram", DRM_SVM_CTR(pages_to_ram), true },
	{ "evictions", "evictions", DRM_SVM_CTR(evictions) },
	{ "pages_from_peer", "from-peer", DRM_SVM_CTR(pages_from_peer), true },
	{ "bounces", "bounces", DRM_SVM_CTR(bounces) },
	{ "chunks", NULL, DRM_SVM_CTR(chunks) },
	{ "pages_mapped", NULL, DRM_SVM_CTR(pages_mapped) },
	{ "huge_mapped", NULL, DRM_SVM_CTR(huge_mapped) },
	{ "retries", NULL, DRM_SVM_CTR(retries) },
	{ "invalidations", NULL, DRM_SVM_CTR(invalidations) },
};

static u64 drm_svm_counter_read(const struct drm_svm_counters *c,
				unsigned int i)
{
	return atomic64_read((const atomic64_t *)((const char *)c +
				drm_svm_counter_keys[i].offset));
}

static int drm_svm_device_show(struct seq_file *m, void *unused)
{
	struct drm_svm_device *sdev = m->private;
	const struct drm_svm_counters *c = &sdev->counters;
	struct drm_svm_devmem *dm;
	unsigned int i;

	seq_printf(m, "name %s\n", dev_name(sdev->drm->dev));
	drm_svm_devices_lock();
	dm = sdev->devmem;
	seq_printf(m, "vram_mode %s\n", !dm ? "none" :
		   drm_svm_devmem_is_coherent(dm) ? "coherent" : "private");
	seq_printf(m, "vram_size %llu\n",
		   dm ? (u64)dm->npages << PAGE_SHIFT : 0);
	seq_printf(m, "vram_in_use %llu\n",
		   (u64)atomic64_read(&c->vram_pages) << PAGE_SHIFT);
	for (i = 0; i < ARRAY_SIZE(drm_svm_counter_keys); i++)
		seq_printf(m, "%s %llu\n", drm_svm_counter_keys[i].name,
			   drm_svm_counter_read(c, i));
	seq_printf(m, "dma_mapped %lld\n", atomic64_read(&sdev->dma_pages));
	for (i = 0; i < DRM_SVM_PSTAT_NR; i++)
		seq_printf(m, "policy_%s %lld\n", drm_svm_pstat_names[i],
			   atomic64_read(&c->policy[i]));
	drm_svm_devices_unlock();
	return 0;
}

static int drm_svm_device_open(struct inode *inode, struct file *file)
{
	return single_open(file, drm_svm_device_show, inode->i_private);
}

/*
 * Any write completes the device's queued frees and releases its queued
 * blocks now, moving what is left in them to system memory.
 */
static ssize_t drm_svm_device_write(struct file *file, const char __user *buf,
				    size_t len, loff_t *ppos)
{
	struct drm_svm_device *sdev = file_inode(file)->i_private;

	drm_svm_devices_lock();
	if (sdev->devmem)
		drm_svm_devmem_in_use(sdev->devmem);
	drm_svm_devices_unlock();
	return len;
}

static const struct file_operations drm_svm_device_fops = {
	.owner = THIS_MODULE,
	.open = drm_svm_device_open,
	.read = seq_read,
	.write = drm_svm_device_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/**
 * drm_svm_device_stats_init() - Create a device's statistics files
 * @sdev: the device, with its SVM device id
 *
 * The counters file, and the phase timers with theirs.
 *
 * Returns: 0, or -ENOMEM; debugfs failures are not fatal.
 */
int drm_svm_device_stats_init(struct drm_svm_device *sdev)
{
	char name[24];
	int err;

	err = drm_svm_phases_init(sdev, drm_svm_debugfs_root);
	if (err)
		return err;
	snprintf(name, sizeof(name), "device%u", sdev->id);
	sdev->debugfs = debugfs_create_file(name, 0644, drm_svm_debugfs_root,
					    sdev, &drm_svm_device_fops);
	return 0;
}

/**
 * drm_svm_device_stats_fini() - Remove a device's statistics files
 * @sdev: the device
 */
void drm_svm_device_stats_fini(struct drm_svm_device *sdev)
{
	debugfs_remove(sdev->debugfs);
	drm_svm_phases_fini(sdev);
}

static void drm_svm_process_show(struct drm_svm_mm *svm_mm, void *data)
{
	struct seq_file *m = data;
	struct drm_svm_counters *c;
	u64 blocks, bytes;
	unsigned int i;
	u32 id;

	bytes = drm_svm_mcache_bytes(svm_mm, &blocks);
	for (id = 0; id < DRM_SVM_MAX_DEVICES; id++) {
		c = &svm_mm->counters[id];
		if (!atomic64_read(&c->gpu_faults) &&
		    !atomic64_read(&c->pages_to_vram) &&
		    !atomic64_read(&c->vram_pages))
			continue;
		seq_printf(m, "%d %u %lld %lld %lld %lld %lld %lld %lld %lld",
			   svm_mm->pid, id, atomic64_read(&c->gpu_faults),
			   atomic64_read(&c->cpu_faults),
			   atomic64_read(&c->pages_to_vram),
			   atomic64_read(&c->pages_to_ram),
			   atomic64_read(&c->evictions),
			   atomic64_read(&c->vram_pages) << PAGE_SHIFT,
			   atomic64_read(&c->pages_from_peer),
			   atomic64_read(&c->bounces));
		for (i = 0; i < DRM_SVM_PSTAT_NR; i++)
			seq_printf(m, " %lld", atomic64_read(&c->policy[i]));
		seq_printf(m, " %llu\n", bytes);
	}
}

/* A processor's name in the tables: its SVM device id, or "system". */
static const char *drm_svm_proc_name(u32 proc, char *buf, size_t len)
{
	if (proc == DRM_SVM_PROC_CPU)
		return "system";
	snprintf(buf, len, "%u", proc);
	return buf;
}

/* One "[pid] from to moves bytes" line per pair that moved anything. */
static void drm_svm_moves_show_pairs(struct seq_file *m, const char *pid,
				     const struct drm_svm_moves *moves)
{
	char a[12], b[12];
	u32 from, to;
	int n;

	for (from = 0; from < DRM_SVM_NR_PROCS; from++) {
		for (to = 0; to < DRM_SVM_NR_PROCS; to++) {
			n = atomic_read(&moves->moves[from][to]);
			if (!n)
				continue;
			seq_printf(m, "%s%s %s %d %lld\n", pid,
				   drm_svm_proc_name(from, a, sizeof(a)),
				   drm_svm_proc_name(to, b, sizeof(b)), n,
				   atomic64_read(&moves->pages[from][to]) <<
				   PAGE_SHIFT);
		}
	}
}

static void drm_svm_process_moves(struct drm_svm_mm *svm_mm, void *data)
{
	const struct drm_svm_moves *moves = READ_ONCE(svm_mm->mcache.moves);
	char pid[16];

	if (!moves)
		return;
	snprintf(pid, sizeof(pid), "%d ", svm_mm->pid);
	drm_svm_moves_show_pairs(data, pid, moves);
}

static int drm_svm_moves_show(struct seq_file *m, void *unused)
{
	seq_puts(m, "pid from to moves bytes\n");
	drm_svm_moves_show_pairs(m, "all ", drm_svm_moves_all());
	drm_svm_mm_for_each(drm_svm_process_moves, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(drm_svm_moves);

static int drm_svm_processes_show(struct seq_file *m, void *unused)
{
	unsigned int i;

	seq_puts(m, "pid device gpu_faults cpu_faults pages_to_vram pages_to_ram evictions vram_in_use pages_from_peer bounces");
	for (i = 0; i < DRM_SVM_PSTAT_NR; i++)
		seq_printf(m, " policy_%s", drm_svm_pstat_names[i]);
	seq_puts(m, " policy_bytes\n");
	drm_svm_mm_for_each(drm_svm_process_show, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(drm_svm_processes);

/* The moves into and out of device @id, as fdinfo keys of driver @drv. */
static void drm_svm_fdinfo_moves(struct drm_printer *p, const char *drv,
				 u32 id, const struct drm_svm_moves *moves)
{
	char a[12], b[12];
	u32 from, to;
	int n;

	for (from = 0; moves && from < DRM_SVM_NR_PROCS; from++) {
		for (to = 0; to < DRM_SVM_NR_PROCS; to++) {
			n = atomic_read(&moves->moves[from][to]);
			if (!n || (from != id && to != id))
				continue;
			drm_svm_proc_name(from, a, sizeof(a));
			drm_svm_proc_name(to, b, sizeof(b));
			drm_printf(p, "%s-moves-%s-%s:\t%d\n", drv, a, b, n);
			drm_printf(p, "%s-moved-%s-%s:\t%lld KiB\n", drv, a, b,
				   atomic64_read(&moves->pages[from][to]) <<
				   (PAGE_SHIFT - 10));
		}
	}
}

/**
 * drm_svm_show_fdinfo() - Print a file's SVM statistics as DRM fdinfo
 * @sdev: the device of the file
 * @sfile: the file's SVM state
 * @p: the printer of the driver's &drm_driver.show_fdinfo
 *
 * Prints the keys listed in DOC: Statistics for the process the file's
 * VMs mirror, those of the core's own named after the driver; zeros for a
 * file without VMs. Reads counters only.
 */
void drm_svm_show_fdinfo(struct drm_svm_device *sdev,
			 struct drm_svm_file *sfile, struct drm_printer *p)
{
	const char *drv = sdev->drm->driver->name;
	struct drm_svm_counters *c = NULL;
	struct drm_svm_mirror *mirror;
	u64 vram = 0, blocks = 0, bytes, v;
	unsigned long id = 0;
	const char *key;
	unsigned int i;
	char name[16];

	xa_lock(&sfile->vms);
	mirror = xa_find(&sfile->vms, &id, ULONG_MAX, XA_PRESENT);
	if (mirror)
		drm_svm_mirror_get(mirror);
	xa_unlock(&sfile->vms);

	if (mirror) {
		c = &mirror->svm_mm->counters[sdev->id];
		vram = atomic64_read(&c->vram_pages) << (PAGE_SHIFT - 10);
	}
	drm_printf(p, "drm-total-vram:\t%llu KiB\n", vram);
	drm_printf(p, "drm-resident-vram:\t%llu KiB\n", vram);
	for (i = 0; i < ARRAY_SIZE(drm_svm_counter_keys); i++) {
		key = drm_svm_counter_keys[i].fdinfo;
		if (!key)
			continue;
		v = c ? drm_svm_counter_read(c, i) : 0;
		if (drm_svm_counter_keys[i].pages)
			drm_printf(p, "%s-%s:\t%llu KiB\n", drv, key,
				   v << (PAGE_SHIFT - 10));
		else
			drm_printf(p, "%s-%s:\t%llu\n", drv, key, v);
	}
	for (i = 0; i < DRM_SVM_PSTAT_NR; i++) {
		strscpy(name, drm_svm_pstat_names[i]);
		strreplace(name, '_', '-');
		drm_printf(p, "%s-policy-%s:\t%lld\n", drv, name,
			   c ? atomic64_read(&c->policy[i]) : 0);
	}
	bytes = mirror ? drm_svm_mcache_bytes(mirror->svm_mm, &blocks) : 0;
	drm_printf(p, "%s-policy-blocks:\t%llu\n", drv, blocks);
	drm_printf(p, "%s-policy-bytes:\t%llu\n", drv, bytes);
	if (mirror)
		drm_svm_fdinfo_moves(p, drv, sdev->id,
				     READ_ONCE(mirror->svm_mm->mcache.moves));

	drm_svm_mirror_put(mirror);
}
EXPORT_SYMBOL_GPL(drm_svm_show_fdinfo);

/**
 * drm_svm_stats_init() - Create the core's debugfs directory
 *
 * Also sets up the migration policy's thresholds and the fault-injection
 * sites, which live there.
 *
 * Returns: 0, or -ENOMEM; debugfs failures are not fatal.
 */
int drm_svm_stats_init(void)
{
	int err;

	drm_svm_debugfs_root = debugfs_create_dir("drm_svm", NULL);
	err = drm_svm_policy_init(drm_svm_debugfs_root);
	if (err) {
		debugfs_remove_recursive(drm_svm_debugfs_root);
		return err;
	}
	debugfs_create_file("processes", 0400, drm_svm_debugfs_root, NULL,
			    &drm_svm_processes_fops);
	debugfs_create_file("moves", 0400, drm_svm_debugfs_root, NULL,
			    &drm_svm_moves_fops);
	drm_svm_inject_init(drm_svm_debugfs_root);
	return 0;
}

/**
 * drm_svm_stats_fini() - Remove the core's debugfs directory
 */
void drm_svm_stats_fini(void)
{
	drm_svm_policy_fini();
	debugfs_remove_recursive(drm_svm_debugfs_root);
}

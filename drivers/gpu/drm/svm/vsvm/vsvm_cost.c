// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/list.h>
#include <linux/math64.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "vsvm_drv.h"

/**
 * DOC: Modelled device time
 *
 * An emulated device reaches every memory at the speed of the CPU, so it
 * would have no reason to prefer its own VRAM. vsvm therefore charges
 * each job a modelled device time, which &DRM_IOCTL_VSVM_JOB_QUERY
 * reports beside its fault count, and which benchmarks and placement
 * tests use (wall time still measures the software):
 *
 *  - every page access of a command costs a latency plus its bytes over a
 *    bandwidth, by where the page is: the device's own VRAM, a peer's
 *    VRAM over a fabric link or over PCIe, or system memory (the page
 *    table entry records which);
 *  - every copy the device's copy engine makes while the job's faults are
 *    serviced costs its bytes over the bandwidth of the slower side:
 *    system memory, or the link to the peer it reads.
 *
 * The figures are module parameters, in MB/s (10^6 bytes per second) and
 * nanoseconds, with defaults in the ratios of real hardware: HBM far
 * above a fabric, a fabric above PCIe, and system memory reached over
 * PCIe. The link parameters are also what the topology reports.
 *
 * The charges in progress are on a list under a spinlock of their own,
 * innermost: a copy engine adds its time to the entry of the task it runs
 * in, if any.
 */

static unsigned int vram_mbps = 2000000;
module_param(vram_mbps, uint, 0444);
MODULE_PARM_DESC(vram_mbps, "Modelled bandwidth of a device's own VRAM, MB/s (default 2000000)");

static unsigned int fabric_mbps = 150000;
module_param(fabric_mbps, uint, 0444);
MODULE_PARM_DESC(fabric_mbps, "Modelled bandwidth of a fabric link, MB/s (default 150000)");

static unsigned int pcie_mbps = 25000;
module_param(pcie_mbps, uint, 0444);
MODULE_PARM_DESC(pcie_mbps, "Modelled bandwidth of a PCIe peer link, MB/s (default 25000)");

static unsigned int sysmem_mbps = 25000;
module_param(sysmem_mbps, uint, 0444);
MODULE_PARM_DESC(sysmem_mbps, "Modelled bandwidth of system memory for a device, MB/s (default 25000)");

static unsigned int vram_ns = 200;
module_param(vram_ns, uint, 0444);
MODULE_PARM_DESC(vram_ns, "Modelled latency of a VRAM page access, ns (default 200)");

static unsigned int fabric_ns = 500;
module_param(fabric_ns, uint, 0444);
MODULE_PARM_DESC(fabric_ns, "Modelled latency of a page access over a fabric link, ns (default 500)");

static unsigned int pcie_ns = 1500;
module_param(pcie_ns, uint, 0444);
MODULE_PARM_DESC(pcie_ns, "Modelled latency of a page access over PCIe, ns (default 1500)");

static unsigned int sysmem_ns = 1000;
module_param(sysmem_ns, uint, 0444);
MODULE_PARM_DESC(sysmem_ns, "Modelled latency of a system memory page access, ns (default 1000)");

/* Copies made while an engine services its job's faults, by task */
static DEFINE_SPINLOCK(vsvm_charge_lock);
static LIST_HEAD(vsvm_charges);

/**
 * vsvm_cost_check() - Validate the cost parameters
 *
 * Returns: 0, or -EINVAL (logged) for a bandwidth of zero.
 */
int vsvm_cost_check(void)
{
	if (!vram_mbps || !fabric_mbps || !pcie_mbps || !sysmem_mbps) {
		pr_err("vsvm: the *_mbps bandwidths must not be zero\n");
		return -EINVAL;
	}
	return 0;
}

static void vsvm_cost_of(enum vsvm_loc loc, u32 *mbps, u32 *ns)
{
	switch (loc) {
	case VSVM_LOC_VRAM:
		*mbps = vram_mbps;
		*ns = vram_ns;
		break;
	case VSVM_LOC_FABRIC:
		*mbps = fabric_mbps;
		*ns = fabric_ns;
		break;
	case VSVM_LOC_PCIE:
		*mbps = pcie_mbps;
		*ns = pcie_ns;
		break;
	default:
		*mbps = sysmem_mbps;
		*ns = sysmem_ns;
		break;
	}
}

/**
 * vsvm_cost_link() - The modelled figures of a class of link
 * @class: DRM_SVM_LINK_PCIE or DRM_SVM_LINK_FABRIC
 * @link: out: its bandwidth and latency
 */
void vsvm_cost_link(u32 class, struct drm_svm_link *link)
{
	vsvm_cost_of(class == DRM_SVM_LINK_FABRIC ? VSVM_LOC_FABRIC :
		     VSVM_LOC_PCIE, &link->bandwidth, &link->latency);
}

/* @bytes over @mbps MB/s, in picoseconds */
static u64 vsvm_cost_bytes_ps(u64 bytes, u32 mbps)
{
	return div_u64(bytes * 1000000, mbps);
}

/**
 * vsvm_cost_access_ps() - Modelled time of one page access
 * @loc: where the page is
 * @bytes: bytes accessed
 *
 * Returns: picoseconds.
 */
u64 vsvm_cost_access_ps(enum vsvm_loc loc, size_t bytes)
{
	u32 mbps, ns;

	vsvm_cost_of(loc, &mbps, &ns);
	return (u64)ns * 1000 + vsvm_cost_bytes_ps(bytes, mbps);
}

/**
 * vsvm_cost_copy_ps() - Modelled time of copying pages
 * @loc: where the slower side of the copy is
 * @bytes: bytes copied
 *
 * Returns: picoseconds.
 */
u64 vsvm_cost_copy_ps(enum vsvm_loc loc, u64 bytes)
{
	u32 mbps, ns;

	vsvm_cost_of(loc, &mbps, &ns);
	return vsvm_cost_bytes_ps(bytes, mbps);
}

/**
 * vsvm_cost_charge_begin() - Charge the copies of this task to a job
 * @charge: the job's charge; its time is added to, not reset
 *
 * Until vsvm_cost_charge_end(), copies any vsvm copy engine makes in the
 * calling task are added to @charge: the engine calls this around
 * servicing its job's faults, where the core moves pages with the copy
 * engine of whichever device receives them.
 */
void vsvm_cost_charge_begin(struct vsvm_charge *charge)
{
	charge->task = current;
	spin_lock(&vsvm_charge_lock);
	list_add(&charge->link, &vsvm_charges);
	spin_unlock(&vsvm_charge_lock);
}

/**
 * vsvm_cost_charge_end() - Stop charging copies to a job
 * @charge: the charge of vsvm_cost_charge_begin()
 */
void vsvm_cost_charge_end(struct vsvm_charge *charge)
{
	spin_lock(&vsvm_charge_lock);
	list_del(&charge->link);
	spin_unlock(&vsvm_charge_lock);
}

/**
 * vsvm_cost_charge_copy() - Charge a copy to the job of the calling task
 * @ps: modelled time of the copy
 *
 * A copy made outside any job's fault servicing (a prefetch, a CPU fault,
 * an eviction by another process) is charged to nobody.
 */
void vsvm_cost_charge_copy(u64 ps)
{
	struct vsvm_charge *charge;

	spin_lock(&vsvm_charge_lock);
	list_for_each_entry(charge, &vsvm_charges, link) {
		if (charge->task == current) {
			charge->ps += ps;
			break;
		}
	}
	spin_unlock(&vsvm_charge_lock);
}

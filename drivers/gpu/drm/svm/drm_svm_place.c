// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <kunit/visibility.h>

#include "drm_svm_internal.h"

/**
 * DOC: Placement
 *
 * Before a chunk is mapped, drm_svm_place_decide() says where it should
 * be: it is the one place that makes that choice, from what was asked (a
 * GPU fault, or a prefetch to a region), the chunk's memory attributes
 * (see Attributes) and the topology, and the hook that placement policies
 * extend. Its rules, for device D that faults or prefetches:
 *
 *  - a prefetch to system memory moves the chunk there, from every
 *    device; a prefetch to D moves it into D's memory, from wherever it
 *    is; a prefetch to the preferred location moves it there (into D's
 *    memory when there is none), and maps it only when D reaches it;
 *  - a %DRM_SVM_BIND_FLAG_NO_MIGRATE binding, or a device without memory,
 *    never moves the chunk for a fault or a device prefetch;
 *  - a VM without faults (see No-fault VMs) never moves the chunk for a
 *    populate or a revalidation: those map every bound page whether a job
 *    uses it or not, and moving them all into D's memory before each job
 *    would cost more than any job. A prefetch moves them;
 *  - a write fault on copy-on-write memory (after fork(), or in a private
 *    file mapping) maps the chunk where it is: it writes its own page
 *    only, and the chunk's other pages may still be shared, read-only,
 *    with another process. Moved into D's memory, they would stay
 *    read-only there, and the next write fault in the chunk would move it
 *    all back to system memory first, a migration of the whole chunk for
 *    each page written;
 *  - atomics by devices and the CPU (%DRM_SVM_ATOMICS_GLOBAL) put the
 *    chunk in system memory;
 *  - a preferred location is sticky. System memory: the chunk goes there.
 *    A device P: D = P moves the chunk into its memory; a D that reaches
 *    P (see Topology) has the chunk moved to P, if it is not there yet,
 *    and maps it over the link; a D that does not reach P gets it through
 *    system memory;
 *  - a D in the accessed-by set maps the chunk where it is;
 *  - a read fault on a read-mostly range maps the chunk where it is;
 *  - otherwise the chunk moves into D's memory.
 *
 * "Where it is" is refined by the fault path: pages of a device D cannot
 * reach move to system memory before they are mapped, and a device
 * atomic on pages where D's atomics do not work moves the chunk into D's
 * memory first, or fails with -EACCES where it cannot move. A chunk that is
 * already where the decision wants it costs a page-table snapshot, not a
 * migration.
 *
 * How much a fault moves is the chunk: the largest of the device's chunk
 * sizes that fits the VMA, the binding, the range of equal attributes and
 * the attributes' granularity.
 */

static struct drm_svm_place_to drm_svm_place_stay(void)
{
	return (struct drm_svm_place_to){ .where = DRM_SVM_PLACE_STAY,
					  .map = true };
}

static struct drm_svm_place_to drm_svm_place_system(void)
{
	return (struct drm_svm_place_to){ .where = DRM_SVM_PLACE_SYSTEM,
					  .map = true };
}

/* Into @dev's memory; mapped when the faulting device reaches it. */
static struct drm_svm_place_to drm_svm_place_into(const struct drm_svm_place_req *req,
						  struct drm_svm_device *dev)
{
	if (!dev->devmem)
		return drm_svm_place_stay();
	return (struct drm_svm_place_to){
		.where = DRM_SVM_PLACE_DEVICE,
		.dev = dev,
		.map = drm_svm_can_access(req->sdev, dev),
	};
}

/* A fault, or a prefetch to the preferred location: the sticky rule. */
static struct drm_svm_place_to
drm_svm_place_preferred(const struct drm_svm_place_req *req,
			struct drm_svm_device *preferred)
{
	if (req->attrs.location == DRM_SVM_LOC_SYSTEM)
		return drm_svm_place_system();
	if (preferred == req->sdev || req->place == DRM_SVM_PLACE_PREFERRED)
		return drm_svm_place_into(req, preferred);
	if (drm_svm_can_access(req->sdev, preferred))
		return drm_svm_place_into(req, preferred);
	return drm_svm_place_system();
}

/**
 * drm_svm_place_decide() - Decide where a chunk should be before it is mapped
 * @req: the chunk, the device and what was asked
 * @preferred: the device of the chunk's preferred location
 *	       (@req->attrs.location is DRM_SVM_LOC_DEVICE), or NULL when
 *	       there is none or it is gone; the caller holds the device
 *	       registry
 *
 * See DOC: Placement for the rules. Takes no lock but the topology's.
 *
 * Returns: where the chunk goes, and whether it is mapped afterwards.
 */
struct drm_svm_place_to drm_svm_place_decide(const struct drm_svm_place_req *req,
					     struct drm_svm_device *preferred)
{
	bool has_pref = req->attrs.location == DRM_SVM_LOC_SYSTEM ||
			(req->attrs.location == DRM_SVM_LOC_DEVICE && preferred);

	switch (req->place) {
	case DRM_SVM_PLACE_SYSTEM:
		return drm_svm_place_system();
	case DRM_SVM_PLACE_PREFERRED:
		if (has_pref)
			return drm_svm_place_preferred(req, preferred);
		fallthrough;
	case DRM_SVM_PLACE_DEVICE:
		if (req->no_migrate)
			return drm_svm_place_stay();
		return drm_svm_place_into(req, req->sdev);
	default:
		break;
	}

	if (req->no_migrate || !req->sdev->devmem || req->write_page)
		return drm_svm_place_stay();
	/* The CPU's atomics and the devices' must meet: system memory. */
	if (req->attrs.atomics == DRM_SVM_ATOMICS_GLOBAL)
		return drm_svm_place_system();
	if (has_pref)
		return drm_svm_place_preferred(req, preferred);
	if (req->attrs.accessed_by & BIT(req->sdev->id))
		return drm_svm_place_stay();
	if (!req->write && (req->attrs.flags & DRM_SVM_ATTR_RANGE_READ_MOSTLY))
		return drm_svm_place_stay();
	return drm_svm_place_into(req, req->sdev);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_place_decide);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The drm_svm authors
 */

#include <linux/atomic.h>
#include <linux/highmem.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/string.h>

#include <drm/drm_print.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_engine.h"

/**
 * DOC: Commands
 *
 * Decoding and execution of the commands of a batch, for the engine (see
 * :ref:`drm_svm_vsvm_engine`). Accesses go page by page, in runs of up to
 * VSVM_ACCESS_RUN pages per hold of the VM's pt_lock (for read) and the
 * TLB lock, each access made with a translation taken in that run. A
 * missing translation is recorded as a fault and makes the command return
 * -EAGAIN for the engine to replay it; &struct vsvm_resume says how much
 * of the command's main range is done, in order, so that the replay
 * continues from there.
 *
 * Besides the rules of the uAPI header, a result word (of an atomic or
 * CHECKSUM) must be 8-byte aligned, so that it never straddles two pages;
 * TOUCH takes any address and reads up to 8 bytes of the range from each
 * page it covers.
 */

/* Operands of each opcode */
static const u8 vsvm_cmd_operands[] = {
	[VSVM_CMD_END]			= 0,
	[VSVM_CMD_STORE]		= 2,
	[VSVM_CMD_FILL]			= 3,
	[VSVM_CMD_COPY]			= 3,
	[VSVM_CMD_ATOMIC_ADD]		= 3,
	[VSVM_CMD_ATOMIC_CMPXCHG]	= 4,
	[VSVM_CMD_CHECKSUM]		= 3,
	[VSVM_CMD_TOUCH]		= 2,
};

/* Pages accessed per hold of the page table locks */
#define VSVM_ACCESS_RUN	64

/* Called on each page of a range with the page mapped and pt_lock held */
typedef void (*vsvm_page_fn)(void *va, size_t len, void *arg);

/*
 * Apply @fn to [@addr + *@done, @addr + @len), page by page, with @access;
 * *@done counts the bytes processed.
 */
static int vsvm_run_walk(struct vsvm_run *run, u64 addr, u64 len, u32 access,
			 vsvm_page_fn fn, void *arg, u64 *done)
{
	struct vsvm_pt *pt = &run->vm->pt;
	struct page *page;
	size_t n;
	void *va;
	u64 a;

	unsigned int i;

	while (*done < len) {
		vsvm_pt_access_begin(pt);
		for (i = 0; i < VSVM_ACCESS_RUN && *done < len; i++) {
			a = addr + *done;
			n = min_t(u64, len - *done,
				  PAGE_SIZE - offset_in_page(a));
			if (!vsvm_run_xlate(run, a, access, n, &page)) {
				vsvm_pt_access_end(pt);
				return -EAGAIN;
			}
			va = kmap_local_page(page);
			fn(va + offset_in_page(a), n, arg);
			kunmap_local(va);
			*done += n;
		}
		vsvm_pt_access_end(pt);
		cond_resched();
	}

	return 0;
}

static void vsvm_page_read(void *va, size_t len, void *arg)
{
	u8 **dst = arg;

	memcpy(*dst, va, len);
	*dst += len;
}

static void vsvm_page_store(void *va, size_t len, void *arg)
{
	WRITE_ONCE(*(u64 *)va, *(u64 *)arg);
}

static void vsvm_page_fill(void *va, size_t len, void *arg)
{
	memset32(va, *(u32 *)arg, len / sizeof(u32));
}

static void vsvm_page_checksum(void *va, size_t len, void *arg)
{
	const __le64 *w = va;
	u64 *hash = arg;
	size_t i;

	for (i = 0; i < len / sizeof(u64); i++)
		*hash = (*hash ^ le64_to_cpu(w[i])) * VSVM_CHECKSUM_PRIME;
}

static void vsvm_page_touch(void *va, size_t len, void *arg)
{
	u64 v = 0;

	memcpy(&v, va, min(len, sizeof(v)));
	*(u64 *)arg ^= v;
}

/* Read @len bytes of the batch at @addr into @buf */
static int vsvm_run_read(struct vsvm_run *run, u64 addr, void *buf, u64 len)
{
	u8 *dst = buf;
	u64 done = 0;

	return vsvm_run_walk(run, addr, len, DRM_SVM_ACCESS_READ,
			     vsvm_page_read, &dst, &done);
}

/* Write one aligned 64-bit word */
static int vsvm_run_store(struct vsvm_run *run, u64 addr, u64 value)
{
	u64 done = 0;

	return vsvm_run_walk(run, addr, sizeof(u64), DRM_SVM_ACCESS_WRITE,
			     vsvm_page_store, &value, &done);
}

static int vsvm_cmd_copy(struct vsvm_run *run, u64 dst, u64 src, u64 len,
			 u64 *done)
{
	struct vsvm_pt *pt = &run->vm->pt;
	struct page *spage, *dpage;
	u64 saddr, daddr;
	void *s, *d;
	size_t n;

	unsigned int i;

	while (*done < len) {
		vsvm_pt_access_begin(pt);
		for (i = 0; i < VSVM_ACCESS_RUN && *done < len; i++) {
			saddr = src + *done;
			daddr = dst + *done;
			n = min3(len - *done, PAGE_SIZE - offset_in_page(saddr),
				 PAGE_SIZE - offset_in_page(daddr));
			if (!vsvm_run_xlate(run, saddr, DRM_SVM_ACCESS_READ,
					    n, &spage) ||
			    !vsvm_run_xlate(run, daddr, DRM_SVM_ACCESS_WRITE,
					    n, &dpage)) {
				vsvm_pt_access_end(pt);
				return -EAGAIN;
			}
			s = kmap_local_page(spage);
			d = kmap_local_page(dpage);
			memcpy(d + offset_in_page(daddr),
			       s + offset_in_page(saddr), n);
			kunmap_local(d);
			kunmap_local(s);
			*done += n;
		}
		vsvm_pt_access_end(pt);
		cond_resched();
	}

	return 0;
}

/*
 * ATOMIC_ADD and ATOMIC_CMPXCHG: both words are translated before anything
 * is done, then the operation and the result write happen under one hold
 * of the pt_lock, so a replay never repeats the operation.
 */
static int vsvm_cmd_atomic(struct vsvm_run *run, const struct vsvm_cmd *cmd)
{
	bool add = cmd->w[0] == VSVM_CMD_ATOMIC_ADD;
	u64 result = add ? cmd->w[3] : cmd->w[4];
	struct vsvm_pt *pt = &run->vm->pt;
	struct page *page, *rpage = NULL;
	u64 addr = cmd->w[1];
	atomic64_t *v;
	void *va;
	s64 old;

	vsvm_pt_access_begin(pt);
	if (!vsvm_run_xlate(run, addr, DRM_SVM_ACCESS_ATOMIC, sizeof(u64),
			    &page) ||
	    (result && !vsvm_run_xlate(run, result, DRM_SVM_ACCESS_WRITE,
				       sizeof(u64), &rpage))) {
		vsvm_pt_access_end(pt);
		return -EAGAIN;
	}

	va = kmap_local_page(page);
	v = va + offset_in_page(addr);
	if (add)
		old = atomic64_fetch_add(cmd->w[2], v);
	else
		old = atomic64_cmpxchg(v, cmd->w[2], cmd->w[3]);
	kunmap_local(va);

	if (rpage) {
		va = kmap_local_page(rpage);
		WRITE_ONCE(*(u64 *)(va + offset_in_page(result)), old);
		kunmap_local(va);
	}
	vsvm_pt_access_end(pt);

	return 0;
}

static int vsvm_cmd_checksum(struct vsvm_run *run, const struct vsvm_cmd *cmd,
			     struct vsvm_resume *resume)
{
	int ret;

	ret = vsvm_run_walk(run, cmd->w[1], cmd->w[2], DRM_SVM_ACCESS_READ,
			    vsvm_page_checksum, &resume->hash, &resume->done);
	if (ret)
		return ret;

	return vsvm_run_store(run, cmd->w[3], resume->hash);
}

/**
 * vsvm_cmd_execute() - Execute a decoded command
 * @run: the running job
 * @cmd: the command, from vsvm_cmd_fetch()
 * @resume: progress of the command in earlier rounds, updated; zero
 *	    (with &vsvm_resume.hash = %VSVM_CHECKSUM_SEED) the first time
 *
 * Returns: 0 when done, -EAGAIN when an access found no translation; the
 * fault is recorded and the command must be replayed, which resumes from
 * @resume.
 */
int vsvm_cmd_execute(struct vsvm_run *run, const struct vsvm_cmd *cmd,
		     struct vsvm_resume *resume)
{
	const u64 *w = cmd->w;
	u32 pattern;
	u64 sink = 0;

	switch (w[0]) {
	case VSVM_CMD_STORE:
		return vsvm_run_store(run, w[1], w[2]);
	case VSVM_CMD_FILL:
		pattern = lower_32_bits(w[3]);
		return vsvm_run_walk(run, w[1], w[2], DRM_SVM_ACCESS_WRITE,
				     vsvm_page_fill, &pattern, &resume->done);
	case VSVM_CMD_COPY:
		return vsvm_cmd_copy(run, w[1], w[2], w[3], &resume->done);
	case VSVM_CMD_ATOMIC_ADD:
	case VSVM_CMD_ATOMIC_CMPXCHG:
		return vsvm_cmd_atomic(run, cmd);
	case VSVM_CMD_CHECKSUM:
		return vsvm_cmd_checksum(run, cmd, resume);
	case VSVM_CMD_TOUCH:
		return vsvm_run_walk(run, w[1], w[2], DRM_SVM_ACCESS_READ,
				     vsvm_page_touch, &sink, &resume->done);
	default:
		return 0;
	}
}

/*
 * Add a span to check before execution; the range is already checked.
 * A resumable span is the command's main range, processed in order.
 */
static void vsvm_cmd_span(struct vsvm_cmd *cmd, u64 addr, u64 len, u32 access,
			  bool resumable)
{
	struct vsvm_span *span = &cmd->spans[cmd->nspans++];

	span->addr = addr;
	span->len = len;
	span->access = access;
	span->resumable = resumable;
}

/* Check a range operand: not empty, not wrapping, aligned to @align */
static const char *vsvm_cmd_check_range(u64 addr, u64 len, u64 align)
{
	u64 end;

	if (!len)
		return "zero length";
	if (check_add_overflow(addr, len, &end))
		return "range wraps";
	if (!IS_ALIGNED(addr, align) || !IS_ALIGNED(len, align))
		return "misaligned range";
	return NULL;
}

/* Validate the operands and list the spans; returns why it is invalid */
static const char *vsvm_cmd_decode(struct vsvm_cmd *cmd)
{
	const u64 *w = cmd->w;
	const char *bad = NULL;
	u64 result;

	switch (w[0]) {
	case VSVM_CMD_STORE:
		if (!IS_ALIGNED(w[1], sizeof(u64)))
			return "misaligned address";
		vsvm_cmd_span(cmd, w[1], sizeof(u64), DRM_SVM_ACCESS_WRITE,
			      false);
		break;
	case VSVM_CMD_FILL:
		bad = vsvm_cmd_check_range(w[1], w[2], sizeof(u32));
		if (!bad)
			vsvm_cmd_span(cmd, w[1], w[2], DRM_SVM_ACCESS_WRITE,
				      true);
		break;
	case VSVM_CMD_COPY:
		bad = vsvm_cmd_check_range(w[1], w[3], 1) ?:
		      vsvm_cmd_check_range(w[2], w[3], 1);
		if (!bad && w[1] < w[2] + w[3] && w[2] < w[1] + w[3])
			bad = "overlapping ranges";
		if (bad)
			break;
		vsvm_cmd_span(cmd, w[2], w[3], DRM_SVM_ACCESS_READ, true);
		vsvm_cmd_span(cmd, w[1], w[3], DRM_SVM_ACCESS_WRITE, true);
		break;
	case VSVM_CMD_ATOMIC_ADD:
	case VSVM_CMD_ATOMIC_CMPXCHG:
		result = w[0] == VSVM_CMD_ATOMIC_ADD ? w[3] : w[4];
		if (!IS_ALIGNED(w[1], sizeof(u64)) ||
		    !IS_ALIGNED(result, sizeof(u64)))
			return "misaligned address";
		vsvm_cmd_span(cmd, w[1], sizeof(u64), DRM_SVM_ACCESS_ATOMIC,
			      false);
		if (result)
			vsvm_cmd_span(cmd, result, sizeof(u64),
				      DRM_SVM_ACCESS_WRITE, false);
		break;
	case VSVM_CMD_CHECKSUM:
		bad = vsvm_cmd_check_range(w[1], w[2], sizeof(u64));
		if (!bad && !IS_ALIGNED(w[3], sizeof(u64)))
			bad = "misaligned result";
		if (bad)
			break;
		vsvm_cmd_span(cmd, w[1], w[2], DRM_SVM_ACCESS_READ, true);
		vsvm_cmd_span(cmd, w[3], sizeof(u64), DRM_SVM_ACCESS_WRITE,
			      false);
		break;
	case VSVM_CMD_TOUCH:
		bad = vsvm_cmd_check_range(w[1], w[2], 1);
		if (!bad)
			vsvm_cmd_span(cmd, w[1], w[2], DRM_SVM_ACCESS_READ,
				      true);
		break;
	}

	return bad;
}

/**
 * vsvm_cmd_fetch() - Read and decode the command at @pc
 * @run: the running job
 * @pc: GPU address of the command's opcode word, 8-byte aligned
 * @end: end of the batch
 * @cmd: out: the decoded command
 *
 * Returns: 0 on success, -EAGAIN when the batch has no translation (the
 * fault is recorded), -EINVAL for an unknown opcode, a command truncated
 * by the end of the batch or invalid operands.
 */
int vsvm_cmd_fetch(struct vsvm_run *run, u64 pc, u64 end,
		   struct vsvm_cmd *cmd)
{
	struct drm_device *drm = &run->engine->vdev->drm;
	const char *bad;
	int ret;

	memset(cmd, 0, sizeof(*cmd));
	cmd->pc = pc;

	ret = vsvm_run_read(run, pc, cmd->w, sizeof(u64));
	if (ret)
		return ret;

	if (cmd->w[0] >= ARRAY_SIZE(vsvm_cmd_operands)) {
		drm_dbg(drm, "job %llu: unknown opcode %#llx at %#llx\n",
			run->job->id, cmd->w[0], pc);
		return -EINVAL;
	}

	cmd->nwords = 1 + vsvm_cmd_operands[cmd->w[0]];
	if ((end - pc) / sizeof(u64) < cmd->nwords) {
		drm_dbg(drm, "job %llu: command %llu at %#llx truncated\n",
			run->job->id, cmd->w[0], pc);
		return -EINVAL;
	}

	ret = vsvm_run_read(run, pc + sizeof(u64), &cmd->w[1],
			    (cmd->nwords - 1) * sizeof(u64));
	if (ret)
		return ret;

	bad = vsvm_cmd_decode(cmd);
	if (bad) {
		drm_dbg(drm, "job %llu: command %llu at %#llx: %s\n",
			run->job->id, cmd->w[0], pc, bad);
		return -EINVAL;
	}

	return 0;
}

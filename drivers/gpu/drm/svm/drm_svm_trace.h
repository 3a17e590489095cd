/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The drm_svm authors
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM drm_svm

#if !defined(__DRM_SVM_TRACE_H__) || defined(TRACE_HEADER_MULTI_READ)
#define __DRM_SVM_TRACE_H__

#include <linux/tracepoint.h>
#include <linux/types.h>

/*
 * Processors in the events are SVM device ids, and 16
 * (DRM_SVM_MAX_DEVICES) for the CPU and system memory.
 */

TRACE_EVENT(drm_svm_fault_batch,
	    TP_PROTO(pid_t pid, u32 dev, const void *vm, u32 faults, u32 chunks,
		     u32 failed, u64 ns),
	    TP_ARGS(pid, dev, vm, faults, chunks, failed, ns),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(u32, dev)
			     __field(const void *, vm)
			     __field(u32, faults)
			     __field(u32, chunks)
			     __field(u32, failed)
			     __field(u64, ns)
	    ),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->dev = dev;
			   __entry->vm = vm;
			   __entry->faults = faults;
			   __entry->chunks = chunks;
			   __entry->failed = failed;
			   __entry->ns = ns;
	    ),
	    TP_printk("pid=%d dev=%u vm=%p faults=%u chunks=%u failed=%u ns=%llu",
		      __entry->pid, __entry->dev, __entry->vm, __entry->faults,
		      __entry->chunks, __entry->failed, __entry->ns)
);

TRACE_EVENT(drm_svm_gpu_fault,
	    TP_PROTO(pid_t pid, u32 dev, const void *vm, u64 addr, u32 access,
		     u64 start, u64 end, u64 moved, int err),
	    TP_ARGS(pid, dev, vm, addr, access, start, end, moved, err),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(u32, dev)
			     __field(u32, access)
			     __field(const void *, vm)
			     __field(u64, addr)
			     __field(u64, start)
			     __field(u64, end)
			     __field(u64, moved)
			     __field(int, err)
	    ),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->dev = dev;
			   __entry->access = access;
			   __entry->vm = vm;
			   __entry->addr = addr;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->moved = moved;
			   __entry->err = err;
	    ),
	    TP_printk("pid=%d dev=%u vm=%p addr=%#llx access=%u mapped=%#llx-%#llx moved=%llu err=%d",
		      __entry->pid, __entry->dev, __entry->vm, __entry->addr,
		      __entry->access, __entry->start, __entry->end,
		      __entry->moved, __entry->err)
);

TRACE_EVENT(drm_svm_bind,
	    TP_PROTO(pid_t pid, u32 dev, u64 cpu, u64 gpu, u64 range, u32 flags,
		     int err),
	    TP_ARGS(pid, dev, cpu, gpu, range, flags, err),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(u32, dev)
			     __field(u64, cpu)
			     __field(u64, gpu)
			     __field(u64, range)
			     __field(u32, flags)
			     __field(int, err)
	    ),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->dev = dev;
			   __entry->cpu = cpu;
			   __entry->gpu = gpu;
			   __entry->range = range;
			   __entry->flags = flags;
			   __entry->err = err;
	    ),
	    TP_printk("pid=%d dev=%u cpu=%#llx gpu=%#llx range=%#llx flags=%#x err=%d",
		      __entry->pid, __entry->dev, __entry->cpu, __entry->gpu,
		      __entry->range, __entry->flags, __entry->err)
);

TRACE_EVENT(drm_svm_unbind,
	    TP_PROTO(pid_t pid, u32 dev, u64 gpu, u64 range, int err),
	    TP_ARGS(pid, dev, gpu, range, err),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(u32, dev)
			     __field(u64, gpu)
			     __field(u64, range)
			     __field(int, err)
	    ),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->dev = dev;
			   __entry->gpu = gpu;
			   __entry->range = range;
			   __entry->err = err;
	    ),
	    TP_printk("pid=%d dev=%u gpu=%#llx range=%#llx err=%d",
		      __entry->pid, __entry->dev, __entry->gpu, __entry->range,
		      __entry->err)
);

TRACE_EVENT(drm_svm_invalidate,
	    TP_PROTO(pid_t pid, u32 dev, u64 start, u64 end, u32 reason),
	    TP_ARGS(pid, dev, start, end, reason),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(u32, dev)
			     __field(u64, start)
			     __field(u64, end)
			     __field(u32, reason)
	    ),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->dev = dev;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->reason = reason;
	    ),
	    TP_printk("pid=%d dev=%u gpu=%#llx-%#llx reason=%u",
		      __entry->pid, __entry->dev, __entry->start, __entry->end,
		      __entry->reason)
);

TRACE_EVENT(drm_svm_evict,
	    TP_PROTO(u32 dev, unsigned long pfn, unsigned long npages,
		     long moved),
	    TP_ARGS(dev, pfn, npages, moved),
	    TP_STRUCT__entry(__field(u32, dev)
			     __field(unsigned long, pfn)
			     __field(unsigned long, npages)
			     __field(long, moved)
	    ),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->pfn = pfn;
			   __entry->npages = npages;
			   __entry->moved = moved;
	    ),
	    TP_printk("dev=%u pfn=%#lx npages=%lu moved=%ld",
		      __entry->dev, __entry->pfn, __entry->npages,
		      __entry->moved)
);

TRACE_EVENT(drm_svm_migrate,
	    TP_PROTO(pid_t pid, unsigned long start, u32 from, u32 to,
		     long pages, u64 ns),
	    TP_ARGS(pid, start, from, to, pages, ns),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(u32, from)
			     __field(u32, to)
			     __field(unsigned long, start)
			     __field(long, pages)
			     __field(u64, ns)
	    ),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->from = from;
			   __entry->to = to;
			   __entry->start = start;
			   __entry->pages = pages;
			   __entry->ns = ns;
	    ),
	    TP_printk("pid=%d block=%#lx from=%u to=%u bytes=%ld ns=%llu",
		      __entry->pid, __entry->start, __entry->from, __entry->to,
		      __entry->pages << PAGE_SHIFT, __entry->ns)
);

TRACE_EVENT(drm_svm_bounce,
	    TP_PROTO(u32 to, unsigned long start, unsigned long end, u32 from),
	    TP_ARGS(to, start, end, from),
	    TP_STRUCT__entry(__field(u32, to)
			     __field(u32, from)
			     __field(unsigned long, start)
			     __field(unsigned long, end)
	    ),
	    TP_fast_assign(__entry->to = to;
			   __entry->from = from;
			   __entry->start = start;
			   __entry->end = end;
	    ),
	    TP_printk("range=%#lx-%#lx to=%u through system memory from devices %#x",
		      __entry->start, __entry->end, __entry->to, __entry->from)
);

TRACE_EVENT(drm_svm_remote_map,
	    TP_PROTO(pid_t pid, unsigned long start, u32 proc, u32 home),
	    TP_ARGS(pid, start, proc, home),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(u32, proc)
			     __field(u32, home)
			     __field(unsigned long, start)
	    ),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->proc = proc;
			   __entry->home = home;
			   __entry->start = start;
	    ),
	    TP_printk("pid=%d block=%#lx proc=%u maps home=%u",
		      __entry->pid, __entry->start, __entry->proc, __entry->home)
);

TRACE_EVENT(drm_svm_policy,
	    TP_PROTO(pid_t pid, unsigned long start, const char *what, u32 proc,
		     u32 state, int home, u32 backoff, u32 lapse),
	    TP_ARGS(pid, start, what, proc, state, home, backoff, lapse),
	    TP_STRUCT__entry(__field(pid_t, pid)
			     __field(unsigned long, start)
			     __string(what, what)
			     __field(u32, proc)
			     __field(u32, state)
			     __field(int, home)
			     __field(u32, backoff)
			     __field(u32, lapse)
	    ),
	    TP_fast_assign(__entry->pid = pid;
			   __entry->start = start;
			   __assign_str(what);
			   __entry->proc = proc;
			   __entry->state = state;
			   __entry->home = home;
			   __entry->backoff = backoff;
			   __entry->lapse = lapse;
	    ),
	    TP_printk("pid=%d block=%#lx %s proc=%u state=%u home=%d backoff=%u lapse=%uns",
		      __entry->pid, __entry->start, __get_str(what),
		      __entry->proc, __entry->state, __entry->home,
		      __entry->backoff, __entry->lapse)
);

#endif /* __DRM_SVM_TRACE_H__ */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE drm_svm_trace
#include <trace/define_trace.h>

# SPDX-License-Identifier: GPL-2.0-only
#
# Test plans run inside the drm_svm VM. Sourced by /init.
#
# Protocol on ttyS1 (parsed by tools/testing/vm/report.py):
#   @@RESULT <suite> <name> pass|fail|skip [message]
#   @@BEGIN <suite>:<name>      output of a test program follows
#   @@END <suite>:<name> <exit status>
#   @@DONE                      the plan ran to its end

IGT_DIR=/usr/libexec/svm/igt
PEER_DIR=/usr/libexec/svm/peer
KMEMLEAK=/sys/kernel/debug/kmemleak
DMA_DUMP=/sys/kernel/debug/dma-api/dump

cmdline_arg() {
	sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" /proc/cmdline
}

# Progress for the console log, so that a splat can be tied to a test.
say() {
	echo "svm-guest: $*" > /dev/kmsg
}

result() {
	echo "@@RESULT $*" >&3
}

# logrun ID CMD...: run CMD with its output framed on the result channel.
logrun() {
	local id=$1 rc
	shift
	say "start $id"
	echo "@@BEGIN $id" >&3
	"$@" >&3 2>&1 < /dev/null
	rc=$?
	echo "@@END $id $rc" >&3
	say "end $id rc=$rc"
	return $rc
}

# How long one IGT program may run, in seconds, unless its suite says
# otherwise. The harness has no timeout of its own (nor has upstream IGT's):
# as igt_runner does, the runner bounds each test program.
IGT_TIMEOUT=600
TIMEOUT_FLAG=/tmp/svm-timeout

# igt_run SECS ID CMD...: logrun, with CMD in a session of its own and
# bounded: after SECS seconds it and every process it started get SIGTERM,
# SIGKILL 10 s later, its block ends with the status that killed it and a
# "@@RESULT igt <name> fail timeout after SECS s" line follows; the plan
# goes on. The VM watchdog remains the last resort.
igt_run() {
	local secs=$1 id=$2 pid watcher rc
	shift 2
	say "start $id (timeout ${secs} s)"
	echo "@@BEGIN $id" >&3
	rm -f $TIMEOUT_FLAG
	# Not a process group leader, so setsid(1) execs CMD: its pid is $!.
	setsid "$@" >&3 2>&1 < /dev/null &
	pid=$!
	# shellcheck disable=SC2016 # expanded by the watcher's shell
	setsid sh -c 'sleep "$1" && : > "$2" && kill -TERM -"$3" &&
		sleep 10 && kill -KILL -"$3"' igt-timeout "$secs" \
		$TIMEOUT_FLAG "$pid" > /dev/null 2>&1 < /dev/null &
	watcher=$!
	wait "$pid"
	rc=$?
	kill -KILL -"$watcher" 2>/dev/null
	wait "$watcher" 2> /dev/null
	# What ignored SIGTERM, and what the program left behind in its
	# session, would hold the devices for the next one.
	kill -KILL -"$pid" 2>/dev/null
	echo "@@END $id $rc" >&3
	# A program that ended on its own just as the watcher fired exited
	# with its own status, not with the signal's.
	if [ -e $TIMEOUT_FLAG ] && [ "$rc" -ge 128 ]; then
		result igt "${id#*:}" fail "timeout after $secs s, killed"
		say "timeout $id after $secs s"
	fi
	say "end $id rc=$rc"
	return $rc
}

guest_start() {
	exec 3> /dev/ttyS1
	# Objects allocated during boot are not ours to report.
	[ -w $KMEMLEAK ] && echo clear > $KMEMLEAK
	# Use the full 2M huge page pool the hugetlbfs tests expect.
	echo 32 > /proc/sys/vm/nr_hugepages
	say "plan $(cmdline_arg svm.plan) on $(uname -r)"
}

# check_dma SUFFIX: with vsvm loaded and no test running, the DMA API's
# debug tracking (CONFIG_DMA_API_DEBUG) must list no mapping of a vsvm
# device: every one the core made went with the device mapping it served.
check_dma() {
	local n

	[ -r $DMA_DUMP ] || { result kernel "dma-unmapped$1" fail "no $DMA_DUMP"; return; }
	n=$(awk '$2 ~ /^vsvm[0-9]+$/' $DMA_DUMP | wc -l)
	if [ "$n" -eq 0 ]; then
		result kernel "dma-unmapped$1" pass
	else
		result kernel "dma-unmapped$1" fail "$n DMA mappings of vsvm devices left"
		awk '$2 ~ /^vsvm[0-9]+$/' $DMA_DUMP | head -n 5 >&3
	fi
}

guest_finish() {
	local errors

	# The bench boots with the DMA API's tracking off.
	if ! grep -q dma_debug=off /proc/cmdline; then
		errors=$(cat /sys/kernel/debug/dma-api/error_count 2>/dev/null)
		if [ "$errors" = 0 ]; then
			result kernel dma-api-errors pass
		else
			result kernel dma-api-errors fail \
				"DMA API misuse: ${errors:-no dma-api in debugfs}"
		fi
	fi
	# So does it with kmemleak off.
	if [ -w $KMEMLEAK ] && ! grep -q kmemleak=off /proc/cmdline; then
		# kmemleak only reports objects older than 5 s.
		sleep 6
		echo scan > $KMEMLEAK
		echo scan > $KMEMLEAK
		logrun kmemleak:report cat $KMEMLEAK
	fi
	echo "@@DONE" >&3
	sync
	reboot -f
}

run_shell() {
	modprobe vsvm
	echo "drm_svm VM shell: modules loaded; 'exit' powers off."
	setsid cttyhack sh -l
}

run_demo() {
	# shellcheck disable=SC2086
	modprobe vsvm $IGT_MULTI_ARGS ||
		{ result demo load fail "modprobe"; return; }
	svmstat_start
	logrun demo:svm_demo svm_demo
	svmstat_stop
	rmmod vsvm drm_svm
}

# svmstat records the demo every 0.2 s; the host extracts the record from
# the block "record:svmstat" and plots it (report.py).
SVMSTAT_RECORD=/tmp/svmstat.jsonl

svmstat_start() {
	svmstat --record $SVMSTAT_RECORD -d 0.2 2> /tmp/svmstat.err &
	SVMSTAT_PID=$!
}

svmstat_stop() {
	local rc

	# Two more samples show the state the demo left.
	sleep 0.5
	kill -TERM "$SVMSTAT_PID"
	wait "$SVMSTAT_PID"
	rc=$?
	if [ $rc = 0 ]; then
		result demo svmstat-record pass
	else
		result demo svmstat-record fail \
			"svmstat exit $rc: $(head -c 300 /tmp/svmstat.err)"
	fi
	logrun record:svmstat cat $SVMSTAT_RECORD
}

# The function profiler (svm.profile=1, "make bench PROFILE=1"): every
# function of drm_svm, vsvm and test_hmm, and the mm calls they make, with
# its hits and total time, children and sleep included, summed over the
# CPUs and over the whole bench run (its untimed checks too: profile one
# metric with -m). Functions this kernel lacks or inlined are left out.
TRACEFS=/sys/kernel/tracing
PROFILE_MM="hmm_range_fault migrate_vma_setup migrate_vma_pages
migrate_vma_finalize migrate_device_range migrate_device_pages
migrate_device_finalize folio_copy dma_map_page_attrs dma_unmap_page_attrs
__mmu_notifier_invalidate_range_start __mmu_notifier_invalidate_range_end
unmap_page_range zap_page_range_single tlb_finish_mmu
free_pages_and_swap_cache release_pages folios_put_refs
alloc_pages_mpol_noprof vma_alloc_folio_noprof do_huge_pmd_anonymous_page
handle_mm_fault do_swap_page lru_add_drain"

profile_start() {
	local f m

	mount -t tracefs tracefs $TRACEFS 2>/dev/null
	[ -w $TRACEFS/function_profile_enabled ] ||
		{ say "profile: no function profiler"; return 1; }
	: > $TRACEFS/set_ftrace_filter
	for m in drm_svm vsvm test_hmm; do
		echo "*:mod:$m" >> $TRACEFS/set_ftrace_filter ||
			say "profile: no module $m"
	done
	for f in $PROFILE_MM; do
		echo "$f" >> $TRACEFS/set_ftrace_filter 2>/dev/null ||
			say "profile: no function $f"
	done
	echo 1 > $TRACEFS/function_profile_enabled
}

# "profile: FUNCTION hits=N total_ms=T mean_us=M", the 60 largest totals.
profile_report() {
	echo 0 > $TRACEFS/function_profile_enabled
	awk '$1 != "Function" && $1 !~ /^-/ && $3 ~ /^[0-9.]+$/ {
		hits[$1] += $2; us[$1] += $3
	} END {
		for (f in hits)
			printf "profile: %s hits=%d total_ms=%.3f mean_us=%.3f\n",
			       f, hits[f], us[f] / 1000, us[f] / hits[f]
	}' $TRACEFS/trace_stat/function* | sort -t= -k3 -g -r | head -n 60
}

# Benchmarks against the kernel's own test_hmm, in the same boot. The
# migration metrics move 256 MiB into vsvm0's VRAM: give each device 320 MiB
# (private VRAM is backed by system pages, 1280 MiB in all, which is why the
# bench guest has more memory). The d2d metrics need a device linked to
# vsvm0 (vsvm1) and one that is not (vsvm2); munmap-mirrored-4dev-vs-1dev
# needs four devices.
run_bench() {
	modprobe vsvm num_devices=4 vram_mb=320 links=0-1:fabric ||
		{ result bench load fail "vsvm"; return; }
	load_peer || return
	if [ "$(cmdline_arg svm.profile)" = 1 ]; then
		profile_start || { result bench profile fail "no profiler"; return; }
	fi
	# shellcheck disable=SC2046
	logrun bench:svm_bench svm_bench $(cmdline_arg svm.bench | tr , ' ')
	if [ "$(cmdline_arg svm.profile)" = 1 ]; then
		logrun bench:profile profile_report
	fi
}

# selected SUITE: is SUITE in the svm.only list (empty list = everything)?
selected() {
	[ -z "$ONLY" ] && return 0
	case ",$ONLY," in *,"$1",*) return 0 ;; esac
	return 1
}

# igt_selected TEST: is TEST in the svm.igt list (empty list = every test)?
igt_selected() {
	[ -z "$IGT_ONLY" ] && return 0
	case ",$IGT_ONLY," in *,"$1",*) return 0 ;; esac
	return 1
}

# igt_any_selected TEST...: is any of the tests selected?
igt_any_selected() {
	local t

	for t in "$@"; do
		igt_selected "$t" && return 0
	done
	return 1
}

run_tests() {
	ONLY=$1
	IGT_ONLY=$(cmdline_arg svm.igt)
	selected modload && test_modload
	selected kunit && test_kunit
	selected igt && test_igt
	selected stress && test_stress
	selected peer && test_peer
	selected fuzz && test_fuzz
}

# Render nodes whose parent is a vsvm platform device (vsvm0, vsvm1, ...).
count_vsvm_nodes() {
	local n=0 d
	for d in /sys/class/drm/renderD*; do
		[ -e "$d/device" ] || continue
		case "$(basename "$(readlink "$d/device")")" in
		vsvm[0-9]*) n=$((n + 1)) ;;
		esac
	done
	echo $n
}

# Load and unload the modules repeatedly with different device counts;
# every load must create exactly that many render nodes and every unload
# remove them all.
test_modload() {
	local i n ok=1 got

	for i in 1 2 3 4 5; do
		for n in 1 2 4; do
			if ! modprobe vsvm num_devices=$n; then
				result modload "load-$n" fail "modprobe failed"
				ok=0
				continue
			fi
			got=$(count_vsvm_nodes)
			[ "$got" = "$n" ] || {
				result modload "nodes-$n" fail "$got render nodes"
				ok=0
			}
			rmmod vsvm drm_svm || ok=0
			got=$(count_vsvm_nodes)
			[ "$got" = 0 ] || {
				result modload "unload-$n" fail "$got nodes left"
				ok=0
			}
		done
	done
	[ $ok = 1 ] && result modload reload-15x pass
	[ $ok = 1 ] || result modload reload-15x fail

	# Work that outlives a closed render node holds the module until
	# it ends; then the module goes.
	if modprobe vsvm; then
		igt_run $IGT_TIMEOUT igt:vsvm_unload "$IGT_DIR/vsvm_unload"
		rmmod vsvm drm_svm ||
			result modload unload-after-job fail "rmmod failed"
	else
		result modload load-for-unload fail "modprobe failed"
	fi

	modload_reject num_devices=0 "num_devices=0 out of range"
	modload_reject num_devices=9 "num_devices=9 out of range"
	modload_reject vram_mb=0 "vram_mb=0 must be"
	modload_reject vram_mb=3 "vram_mb=3 must be"
	modload_reject links=0-0:fabric "links: '0-0:fabric': a device cannot link to itself" reject-links-self
	modload_reject links=0-2:pcie "links: '0-2:pcie': no such device" reject-links-no-device
	modload_reject links=0-1:wire "links: bad entry '0-1:wire'" reject-links-class
	modload_reject links=0-1 "links: bad entry '0-1'" reject-links-no-class
	modload_reject links=0-1:pcie,1-0:fabric "links: '1-0:fabric': devices 1 and 0 are linked twice" reject-links-twice
	modload_reject groups=0,0,1 "groups: 3 entries for 2 devices" reject-groups-too-many
	modload_reject atomics_sysmem=1,1,0 "atomics_sysmem: 3 entries for 2 devices" reject-atomics-too-many
	modload_reject vram_mbps=0 "the \*_mbps bandwidths must not be zero" reject-cost-zero
	modload_reject fault_batch=0 "fault_batch must be 1 to 256"
	modload_reject fault_batch=257 "fault_batch must be 1 to 256"
	modload_reject tlb_flush_us=10001 "tlb_flush_us must be 0 to 10000"
	param_reject fault_batch 0 "fault_batch must be 1 to 256"
	param_reject tlb_flush_us 10001 "tlb_flush_us must be 0 to 10000"
}

# param_reject PARAM VALUE MESSAGE: with vsvm loaded, writing VALUE to the
# run-time parameter PARAM must fail, log MESSAGE and leave PARAM as it was.
param_reject() {
	local name="reject-write-$1-$2" p=/sys/module/vsvm/parameters/$1 was

	if ! modprobe vsvm; then
		result modload "$name" fail "modprobe vsvm failed"
		return
	fi
	was=$(cat "$p")
	if echo "$2" > "$p" 2>/dev/null; then
		result modload "$name" fail "the write of $2 succeeded"
	elif ! dmesg | tail -n 20 | grep -q "vsvm: $3"; then
		result modload "$name" fail "no log line 'vsvm: $3'"
	elif [ "$(cat "$p")" != "$was" ]; then
		result modload "$name" fail "$1 is now $(cat "$p"), was $was"
	else
		result modload "$name" pass
	fi
	rmmod vsvm drm_svm
}

# modload_reject PARAM MESSAGE [NAME]: loading with PARAM must fail with
# EINVAL, log MESSAGE and leave no vsvm module behind.
modload_reject() {
	local name="${3:-reject-${1%%=*}-${1#*=}}" out

	if out=$(modprobe vsvm "$1" 2>&1); then
		rmmod vsvm
		result modload "$name" fail "loaded with $1"
	elif ! echo "$out" | grep -q "Invalid argument"; then
		result modload "$name" fail "modprobe said: $out"
	elif ! dmesg | tail -n 20 | grep -q "vsvm: $2"; then
		result modload "$name" fail "no log line 'vsvm: $2'"
	elif [ -e /sys/module/vsvm ]; then
		result modload "$name" fail "module stayed loaded"
	else
		result modload "$name" pass
	fi
	rmmod drm_svm 2>/dev/null
}

# Every *_test module we build is a KUnit suite set; its results are read
# from debugfs while it is loaded.
test_kunit() {
	local m d

	for m in /lib/modules/$(uname -r)/extra/*_test.ko; do
		m=${m##*/}
		m=${m%.ko}
		if ! modprobe "$m"; then
			result kunit "$m" fail "modprobe $m failed"
			continue
		fi
		for d in /sys/kernel/debug/kunit/*; do
			[ -f "$d/results" ] || continue
			grep -q "# module: $m\$" "$d/results" || continue
			logrun "kunit:${d##*/}" cat "$d/results"
		done
		rmmod "$m"
	done
	rmmod drm_svm 2>/dev/null
}

# VRAM per vsvm device for the IGT runs, and the tests that run a second
# time with device-coherent VRAM (results named igt:<test>@coherent).
IGT_VRAM_MB=64
IGT_COHERENT_TESTS="vsvm_svm vsvm_migrate"
# The multi-device tests run on four devices with every kind of pair: a
# fabric link (0-1), a PCIe link (1-2), an unlinked pair (0-2) and a
# link across isolation groups (2-3), and a device without atomics on
# system memory (3); private, then coherent VRAM. vsvm_unplug, last,
# unbinds and binds again device 3, with its link across groups.
IGT_MULTI_TESTS="vsvm_multi vsvm_attr vsvm_dma vsvm_policy vsvm_isolation vsvm_unplug"
IGT_MULTI_ARGS="num_devices=4 links=0-1:fabric,1-2:pcie,2-3:fabric groups=0,0,0,1 atomics_sysmem=1,1,1,0"
# IGT programs that are a suite of their own, not part of "igt".
IGT_OWN_SUITE_TESTS="vsvm_fuzz"

test_igt() {
	local t coherent

	if ! modprobe vsvm num_devices=2 vram_mb=$IGT_VRAM_MB; then
		result igt load fail "modprobe vsvm failed"
		return
	fi
	for t in "$IGT_DIR"/*; do
		[ -x "$t" ] || continue
		case " $IGT_MULTI_TESTS $IGT_STRESS_TEST $IGT_OWN_SUITE_TESTS " in
		*" ${t##*/} "*) continue ;;
		esac
		igt_selected "${t##*/}" || continue
		igt_run $IGT_TIMEOUT "igt:${t##*/}" \
			env VSVM_EXPECT_VRAM_MODE=private "$t"
	done
	# The svm_usm.h example program checks its own results.
	igt_selected svm_usm_example &&
		logrun example:svm_usm_example svm_usm_example
	# svmstat against a workload (svm_usm_example), checked by a script.
	igt_selected svmstat &&
		logrun example:svmstat svmstat_check
	check_dma ""
	rmmod vsvm drm_svm || result igt unload fail "rmmod after tests"
	# shellcheck disable=SC2086
	igt_any_selected $IGT_COHERENT_TESTS || { test_igt_multi; return; }

	# Device-coherent VRAM in the guest RAM the host hid with memmap=.
	coherent=$(cmdline_arg svm.vram_coherent)
	if [ -z "$coherent" ]; then
		result igt coherent fail "no svm.vram_coherent= on the command line"
		return
	fi
	if ! modprobe vsvm num_devices=2 vram_mb=$IGT_VRAM_MB \
			coherent="$coherent"; then
		result igt load-coherent fail "modprobe vsvm coherent=$coherent failed"
		return
	fi
	for t in $IGT_COHERENT_TESTS; do
		igt_selected "$t" || continue
		if [ ! -x "$IGT_DIR/$t" ]; then
			result igt "$t@coherent" fail "$t not installed"
			continue
		fi
		igt_run $IGT_TIMEOUT "igt:$t@coherent" \
			env VSVM_EXPECT_VRAM_MODE=coherent "$IGT_DIR/$t"
	done
	check_dma @coherent
	rmmod vsvm drm_svm ||
		result igt unload-coherent fail "rmmod after coherent tests"
	test_igt_multi
}

# test_igt_multi_run SUFFIX [MODPROBE ARGS...]: the multi-device tests on
# vsvm loaded with the topology of IGT_MULTI_ARGS and the given arguments.
test_igt_multi_run() {
	local suffix=$1 t
	shift

	# shellcheck disable=SC2086
	if ! modprobe vsvm $IGT_MULTI_ARGS vram_mb=$IGT_VRAM_MB "$@"; then
		result igt "load-multi$suffix" fail "modprobe vsvm $IGT_MULTI_ARGS $* failed"
		return
	fi
	for t in $IGT_MULTI_TESTS; do
		igt_selected "$t" || continue
		if [ ! -x "$IGT_DIR/$t" ]; then
			result igt "$t$suffix" fail "$t not installed"
			continue
		fi
		igt_run $IGT_TIMEOUT "igt:$t$suffix" "$IGT_DIR/$t"
	done
	check_dma "-multi$suffix"
	rmmod vsvm drm_svm ||
		result igt "unload-multi$suffix" fail "rmmod after multi-device tests"
}

test_igt_multi() {
	local coherent

	# shellcheck disable=SC2086
	igt_any_selected $IGT_MULTI_TESTS || return 0
	test_igt_multi_run ""
	coherent=$(cmdline_arg svm.vram_coherent_multi)
	if [ -z "$coherent" ]; then
		result igt coherent-multi fail "no svm.vram_coherent_multi= on the command line"
		return
	fi
	test_igt_multi_run @coherent coherent="$coherent"
}

# The race stress, a suite of its own: on the four devices of the
# multi-device tests, with little VRAM each so that eviction takes part,
# for svm.stress_seconds (default 60) of guest time, with svm.stress_seed
# if given (otherwise the test picks and prints one). svm.stress_subtests
# selects subtests (--run-subtest); by default all but the reproducers of
# open findings (vms-share-page, busy-gpu and its control; see the test)
# and the reduced mixes (mix-*), which are there to narrow a failure down.
IGT_STRESS_TEST=vsvm_stress
IGT_STRESS_VRAM_MB=16
IGT_STRESS_SUBTESTS='*,!vms-share-page,!busy-gpu*,!mix-*'

# test_stress_run SUFFIX [MODPROBE ARGS...]: the stress on the topology of
# IGT_MULTI_ARGS, with the given arguments; results named igt:<test>SUFFIX.
test_stress_run() {
	local suffix=$1 secs seed subtests
	shift

	secs=$(cmdline_arg svm.stress_seconds)
	seed=$(cmdline_arg svm.stress_seed)
	subtests=$(cmdline_arg svm.stress_subtests)
	if [ ! -x "$IGT_DIR/$IGT_STRESS_TEST" ]; then
		result igt "$IGT_STRESS_TEST$suffix" fail "$IGT_STRESS_TEST not installed"
		return
	fi
	# shellcheck disable=SC2086
	if ! modprobe vsvm $IGT_MULTI_ARGS vram_mb=$IGT_STRESS_VRAM_MB "$@"; then
		result igt "load-stress$suffix" fail "modprobe vsvm $IGT_MULTI_ARGS $* failed"
		return
	fi
	# Each stress run takes its time, then up to 150 s for the last
	# operations (the test's GRACE_S and OP_LIMIT_S); twice that and more.
	# shellcheck disable=SC2086
	igt_run $((${secs:-60} + 600)) "igt:$IGT_STRESS_TEST$suffix" \
		env VSVM_STRESS_SECONDS="${secs:-60}" \
		${seed:+VSVM_STRESS_SEED=$seed} "$IGT_DIR/$IGT_STRESS_TEST" \
		--run-subtest "${subtests:-$IGT_STRESS_SUBTESTS}"
	check_dma "-stress$suffix"
	rmmod vsvm drm_svm ||
		result igt "unload-stress$suffix" fail "rmmod after the stress test"
}

# Private VRAM; with svm.stress_coherent=1 also device-coherent VRAM.
test_stress() {
	test_stress_run ""
	[ "$(cmdline_arg svm.stress_coherent)" = 1 ] || return 0
	test_stress_run @coherent coherent="$(cmdline_arg svm.vram_coherent_multi)"
}

# The ioctl fuzzer, on the four devices of the multi-device tests (so that
# links and isolation groups are in play) with 16 MiB of VRAM each, so
# that prefetches and faults evict. svm.fuzz_seed=, svm.fuzz_calls= and
# svm.fuzz_seconds= on the kernel command line (make test FUZZ_SEED=...
# FUZZ_CALLS=... FUZZ_SECONDS=...) replace the default seed, call count
# and time cap; svm.fuzz_failslab=1 makes slab
# allocations of some calls fail, and svm.fuzz_repro=0 skips the
# reproducers of kernel bugs the test kernel fixes (FUZZ_FAILSLAB=1,
# FUZZ_REPRO=0). The
# fuzzer's watchdog fails a worker that stops making calls for 30 s; the
# runner's timeout, the time cap and 400 s more (the "ioctls" subtest once
# had 400 s in all with the default cap of 200 s), bounds the rest.
test_fuzz() {
	local seed calls seconds failslab repro

	seed=$(cmdline_arg svm.fuzz_seed)
	calls=$(cmdline_arg svm.fuzz_calls)
	seconds=$(cmdline_arg svm.fuzz_seconds)
	failslab=$(cmdline_arg svm.fuzz_failslab)
	repro=$(cmdline_arg svm.fuzz_repro)
	# shellcheck disable=SC2086
	if ! modprobe vsvm $IGT_MULTI_ARGS vram_mb=16; then
		result fuzz load fail "modprobe vsvm $IGT_MULTI_ARGS vram_mb=16 failed"
		return
	fi
	# shellcheck disable=SC2086
	igt_run $((${seconds:-200} + 400)) igt:vsvm_fuzz env \
		${seed:+VSVM_FUZZ_SEED=$seed} ${calls:+VSVM_FUZZ_CALLS=$calls} \
		${seconds:+VSVM_FUZZ_SECONDS=$seconds} \
		${failslab:+VSVM_FUZZ_FAILSLAB=$failslab} \
		${repro:+VSVM_FUZZ_REPRO=$repro} "$IGT_DIR/vsvm_fuzz"
	check_dma "-fuzz"
	rmmod vsvm drm_svm || result fuzz unload fail "rmmod after the fuzzer"
}

# The kernel's own HMM selftest, as the correctness and performance peer.
# The coherent devices use the memory the host reserved with memmap=.
test_peer() {
	local thp=/sys/kernel/mm/transparent_hugepage/enabled mode

	load_peer || return
	# hmm-tests asks for THP with MADV_HUGEPAGE where it wants it. With THP
	# "always", its other buffers are THP-backed too, and 6.12's
	# make_device_exclusive_range() skips pages of large folios, which
	# fails the exclusive tests. Run it the way it expects.
	mode=$(sed 's/.*\[\(.*\)\].*/\1/' $thp)
	echo madvise > $thp
	logrun peer:hmm-tests "$PEER_DIR/hmm-tests"
	echo "$mode" > $thp
	# test_hmm stays loaded: its 6.12 unload path never drops the
	# reference on its struct devices, which kmemleak then reports. That
	# leak is the peer module's, not ours, and is not what we test.
}

# Load test_hmm, with device-coherent mirrors when the host reserved memory.
load_peer() {
	local spm major i

	[ -e /sys/module/test_hmm ] && return 0
	spm=$(cmdline_arg svm.spm)
	if [ -n "$spm" ]; then
		modprobe test_hmm spm_addr_dev0=${spm%,*} spm_addr_dev1=${spm#*,}
	else
		modprobe test_hmm
	fi || { result peer load fail "modprobe test_hmm failed"; return 1; }
	# devtmpfs normally creates the nodes; minors 2 and 3 are the
	# device-coherent mirrors, present only when test_hmm got spm memory.
	major=$(awk '$2 == "HMM_DMIRROR" { print $1 }' /proc/devices)
	for i in 0 1 ${spm:+2 3}; do
		[ -e /dev/hmm_dmirror$i ] ||
			mknod /dev/hmm_dmirror$i c "$major" $i
	done
}

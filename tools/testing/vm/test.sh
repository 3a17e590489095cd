#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make test": host-side checks, then the test plan in the VM, judged
# together by report.py.
#
#   test.sh --out DIR [--timeout SECONDS] [--only LIST] [--igt TESTS]
#           [--append ARGS]
#
# LIST selects suites: host, modload, kunit, igt, stress, peer, fuzz
# (default: all); TESTS (comma-separated) the IGT tests the igt suite runs
# (default: all). ARGS go on the guest's kernel command line
# (svm.stress_seconds=, svm.fuzz_seed=, ...).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out= timeout=900 only= igt= append=

while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--only) only=$2; shift ;;
	--igt) igt=$2; shift ;;
	--append) append=$2; shift ;;
	*) echo "test.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$out" ] || { echo "usage: test.sh --out DIR" >&2; exit 2; }
mkdir -p "$out"
host=$out/host-results.log
: > "$host"

selected() {
	[ -z "$only" ] && return 0
	case ",$only," in *,"$1",*) return 0 ;; esac
	return 1
}

# check NAME CMD...: run a host check, record its verdict and show the
# output of a failing one.
check() {
	local name=$1 log=$out/host-$1.log
	shift
	if "$@" > "$log" 2>&1; then
		echo "@@RESULT host $name pass" >> "$host"
	else
		echo "@@RESULT host $name fail see $log" >> "$host"
		echo "----- host check $name failed -----"
		tail -n 40 "$log" | sed 's/^/  /'
	fi
}

# sources KIND: the tracked and new C files of the kernel code or the tools.
sources() {
	local pat
	case "$1" in
	kernel) pat=("drivers/*.[ch]" "include/*.h") ;;
	tools) pat=("tools/svm/*.[ch]" "tools/lib/*/*.[ch]") ;;
	esac
	(cd "$repo" && git ls-files -co --exclude-standard "${pat[@]}")
}

kernel_doc() {
	local ksrc warnings
	ksrc=$("$here/kernel.sh" src)
	# shellcheck disable=SC2046
	warnings=$(cd "$repo" && "$ksrc/scripts/kernel-doc" -none -Wall \
		$(sources kernel) 2>&1)
	echo "$warnings"
	[ -z "$warnings" ]
}

# checkpatch --strict on the kernel code and the tools. Long user-visible
# strings stay whole (checkpatch's own advice); the tools call libdrm, whose
# API is CamelCase, and cannot use the kernel's attribute macros.
checkpatch() {
	local cp
	cp="$("$here/kernel.sh" src)/scripts/checkpatch.pl --no-tree --strict"
	cp+=" --terse --show-types --ignore LONG_LINE_STRING -f"
	# shellcheck disable=SC2046
	(cd "$repo" && $cp $(sources kernel) &&
		$cp --ignore CAMELCASE,PREFER_DEFINED_ATTRIBUTE_MACRO \
			$(sources tools))
}

# Install libdrm_svm into a scratch prefix, then build the svm_usm.h
# example against it as a user of the package would: with the flags of
# its pkg-config file and the shared library, which the program must need.
lib_install() {
	local prefix=$out/libdrm_svm-install

	rm -rf "$prefix"
	make -C "$repo/tools/lib/drm_svm" O="$prefix/build" \
		UAPI="$repo/include/uapi/drm" PREFIX="$prefix" install || return
	# shellcheck disable=SC2046
	cc -Wall -Wextra -Werror -o "$prefix/svm_usm_example" \
		"$repo/tools/svm/svm_usm_example.c" \
		$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" \
		  pkg-config --cflags --libs libdrm_svm) || return
	readelf -d "$prefix/svm_usm_example" | grep 'NEEDED.*libdrm_svm\.so\.1'
}

# svmstat on the host: a bad option exits 2, the files of a fake debugfs
# (tools/svm/testdata/debugfs) come out as they are in the JSON, and
# --plot renders a recording of "make run" to a PNG.
svmstat_host() {
	local bin=$repo/build/tools/svmstat td=$repo/tools/svm/testdata
	local png=$out/svmstat-plot.png json=$out/svmstat-fake.json rc

	[ -x "$bin" ] || { echo "no $bin (make userspace)"; return 1; }
	"$bin" --bogus
	rc=$?
	[ $rc = 2 ] || { echo "svmstat --bogus exited $rc, not 2"; return 1; }
	SVMSTAT_DEBUGFS=$td/debugfs "$bin" -J -n 1 -d 0.05 > "$json" || return
	cat "$json"
	for want in '"id":0,"name":"vsvm0","vram_mode":"private","vram_size":67108864,"vram_in_use":8388608,"dma_mapped":16,"gpu_faults":100,"cpu_faults":3,"pages_to_vram":2048,"pages_to_ram":512,"evictions":0,' \
		    '"id":1,"name":"vsvm1","vram_mode":"private","vram_size":67108864,"vram_in_use":12582912,"dma_mapped":16,"gpu_faults":110,"cpu_faults":3,"pages_to_vram":3072,"pages_to_ram":512,"evictions":1,' \
		    '"pid":1,' '"vram":[{"device":0,"bytes":8388608},{"device":1,"bytes":12582912}]'; do
		grep -qF "$want" "$json" || { echo "not in the JSON: $want"; return 1; }
	done
	rm -f "$png"
	"$bin" --plot "$td/svmstat-demo.jsonl" "$png" || return
	[ -s "$png" ] || { echo "$png is empty"; return 1; }
	[ "$(head -c 4 "$png" | od -An -tx1 | tr -d ' ')" = 89504e47 ] ||
		{ echo "$png is not a PNG"; return 1; }
	ls -l "$png"
}

if selected host; then
	echo "test.sh: host checks"
	check deps "$here/deps.sh" --check
	check intree-build "$here/kernel.sh" intree
	check static-analysis "$here/kernel.sh" analyze
	check kernel-doc kernel_doc
	check docs "$here/docs.sh" --out "$repo/build/docs"
	check checkpatch checkpatch
	check igt-harness make -C "$repo/tests/igt" O="$repo/build/igt" check
	check libdrm-svm-install lib_install
	check svmstat svmstat_host
fi

vm_only=$(echo ",$only," | sed 's/,host,/,/g; s/^,//; s/,$//')
if [ -n "$only" ] && [ -z "$vm_only" ]; then
	vm_only=none
fi
[ -n "$igt" ] && append="svm.igt=$igt${append:+ $append}"
exec "$here/run-vm.sh" --out "$out" --plan test --only "$vm_only" \
	--timeout "$timeout" --host-results "$host" ${append:+--append "$append"}

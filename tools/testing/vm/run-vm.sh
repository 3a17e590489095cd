#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot the drm_svm test kernel and initramfs in QEMU and run one plan.
#
#   run-vm.sh --out DIR --plan test|demo|shell [--only LIST]
#             [--timeout SECONDS] [--interactive] [--build DIR]
#             [--append KERNEL-ARGS] [--host-results FILE]
#
# Writes DIR/console.log (kernel console) and DIR/results.log (the guest's
# result channel), then has report.py judge them; svmstat's recording in
# the channel goes to DIR/svmstat.jsonl, plotted to DIR/svmstat.png. A
# guest that has not finished when the watchdog fires is killed and
# reported as a failure.
# KVM is used where it works, TCG otherwise.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
build=$repo/build
out= plan= only= interactive=0 timeout=900 host_results= extra=

while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift ;;
	--plan) plan=$2; shift ;;
	--only) only=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--build) build=$2; shift ;;
	--host-results) host_results=$2; shift ;;
	--append) extra=$2; shift ;;
	--interactive) interactive=1 ;;
	*) echo "run-vm.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$out" ] && [ -n "$plan" ] || { echo "usage: see run-vm.sh" >&2; exit 2; }

kernel=$build/bzImage
initrd=$build/initramfs.cpio.gz
[ -f "$kernel" ] && [ -f "$initrd" ] ||
	{ echo "run-vm.sh: no kernel/initramfs in $build (make initramfs)" >&2; exit 2; }

# Device-coherent memory is guest RAM hidden from the kernel with memmap=
# and handed to memremap_pages(): 256 MiB for each of test_hmm's two
# coherent mirrors, and 128 MiB for each of two vsvm devices' coherent
# VRAM, which the multi-device tests split into 64 MiB for each of four.
spm="0x80000000,0x90000000"
vram_coherent="0xa0000000,0xa8000000"
vram_coherent_multi="0xa0000000,0xa4000000,0xa8000000,0xac000000"
# tsc=reliable: under TCG the TSC is steady but the watchdog, measuring it
# against jiffies, would demote the clock to 4 ms resolution.
append="console=ttyS0 panic=-1 loglevel=7 tsc=reliable"
append+=" svm.plan=$plan svm.only=$only"
append+=" memmap=256M\$0x80000000 memmap=256M\$0x90000000 svm.spm=$spm"
append+=" memmap=128M\$0xA0000000 memmap=128M\$0xA8000000"
append+=" svm.vram_coherent=$vram_coherent"
append+=" svm.vram_coherent_multi=$vram_coherent_multi"
# The bench measures our software, not the debug tracking of the DMA API
# and of kmemleak (which records a stack trace per allocation); the tests
# keep both.
[ "$plan" = bench ] && append+=" dma_debug=off kmemleak=off"
append+="${extra:+ $extra}"

cache=${DRM_SVM_CACHE:-$HOME/.cache/drm-svm}

# The bench's four devices back their VRAM with 1280 MiB of guest memory.
mem=3G
[ "$plan" = bench ] && mem=4G

qemu_base() {
	echo qemu-system-x86_64 -smp 2 -m $mem -no-reboot \
		-kernel "$kernel" -initrd "$initrd"
}

# /dev/kvm may exist and still not run guests; boot once to find out, and
# remember the answer until the host reboots.
pick_accel() {
	local boot stamp probe
	[ -w /dev/kvm ] || { echo tcg; return; }
	boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo none)
	stamp=$cache/accel-$boot
	if [ ! -f "$stamp" ]; then
		probe=$(mktemp -d)
		mkdir -p "$cache"
		timeout -s KILL 60 qemu-system-x86_64 -accel kvm -cpu host \
			-smp 2 -m 1G -no-reboot -kernel "$kernel" \
			-initrd "$initrd" -display none -monitor none \
			-serial null -serial "file:$probe/r" \
			-append "console=ttyS0 panic=-1 svm.plan=probe" \
			>/dev/null 2>&1
		if grep -q '@@DONE' "$probe/r" 2>/dev/null; then
			echo kvm > "$stamp"
		else
			echo tcg > "$stamp"
		fi
		rm -rf "$probe"
	fi
	cat "$stamp"
}

accel=$(pick_accel)
if [ "$accel" = kvm ]; then
	accel_args="-accel kvm -cpu host"
else
	accel_args="-accel tcg,thread=multi -cpu max"
fi

mkdir -p "$out"
rm -f "$out/console.log" "$out/results.log" "$out/watchdog"

if [ "$interactive" = 1 ]; then
	# shellcheck disable=SC2046
	exec $(qemu_base) $accel_args -nographic -serial mon:stdio \
		-serial "file:$out/results.log" -append "$append"
fi

echo "run-vm.sh: booting ($accel, plan $plan${only:+, only $only}," \
	"watchdog ${timeout}s)"
t0=$SECONDS
# shellcheck disable=SC2046
timeout -s KILL "$timeout" $(qemu_base) $accel_args \
	-display none -monitor none \
	-serial "file:$out/console.log" -serial "file:$out/results.log" \
	-append "$append" &
qpid=$!

# Show progress from the result channel while the guest runs.
(
	shown=0
	while kill -0 $qpid 2>/dev/null; do
		sleep 2
		[ -f "$out/results.log" ] || continue
		begun=$(tr -d '\r' < "$out/results.log" | grep -a '^@@BEGIN ')
		[ -n "$begun" ] || continue
		echo "$begun" | tail -n +$((shown + 1)) |
			sed 's/^@@BEGIN /  running /'
		shown=$(echo "$begun" | wc -l)
	done
) &
wpid=$!
wait $qpid
qrc=$?
kill $wpid 2>/dev/null
wait $wpid 2>/dev/null

if [ $qrc = 137 ]; then
	echo "guest killed by the watchdog after ${timeout}s" > "$out/watchdog"
	echo "run-vm.sh: WATCHDOG: guest still running after ${timeout}s, killed"
fi
echo "run-vm.sh: guest ran $((SECONDS - t0)) s (qemu exit $qrc)"

exec python3 "$here/report.py" --plan "$plan" --out "$out" \
	--known "$here/peer-known-failures.txt" --svmstat "$build/tools/svmstat" \
	${host_results:+--host-results "$host_results"}

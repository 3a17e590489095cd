#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the peer suite: the kernel's own hmm-tests selftest, statically
# linked against the test kernel's uapi headers. test_hmm.ko itself comes
# from the kernel build (CONFIG_TEST_HMM=m).
#
#   build-peer.sh OUTDIR
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-peer.sh OUTDIR}
kdir=$("$here/kernel.sh" dir)
ksrc=$("$here/kernel.sh" src)
mm=$ksrc/tools/testing/selftests/mm

mkdir -p "$out"
bin=$out/hmm-tests
if [ -x "$bin" ] && [ "$bin" -nt "$mm/hmm-tests.c" ] &&
   [ "$bin" -nt "$kdir/.done" ]; then
	exit 0
fi
echo "build-peer.sh: building hmm-tests"
gcc -static -O2 -D_GNU_SOURCE -w \
	-I"$kdir/usr/include" -I"$ksrc" -I"$ksrc/tools/testing/selftests" \
	-I"$ksrc/tools/include/uapi" \
	-o "$bin.tmp" "$mm/hmm-tests.c" "$mm/vm_util.c" -lpthread -lrt
mv "$bin.tmp" "$bin"

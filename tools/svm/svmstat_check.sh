#!/bin/sh
# SPDX-License-Identifier: MIT
#
# svmstat_check: svmstat against a live workload, in the test VM with two
# vsvm devices loaded. It samples with -J while svm_usm_example runs, then
# checks that every sample names both devices, that the fault and
# migration counters grew and show rates, that the example's process row
# held VRAM, that -1 exits 0 and names the devices and that a bad option
# exits 2. Prints what it checked; exits 1 at the first failure.
#
# Copyright © 2026 The drm_svm authors

tmp=${TMPDIR:-/tmp}/svmstat_check.$$
mkdir -p "$tmp" || exit 1

fail() {
	echo "svmstat_check: FAIL: $*"
	[ -s "$tmp/json" ] && { echo "first and last samples:"; head -n 1 "$tmp/json"; tail -n 1 "$tmp/json"; }
	exit 1
}

ok() {
	echo "svmstat_check: ok: $*"
}

# sum KEY LINE-NUMBER: the sum over the devices of counter KEY in a sample
sum() {
	sed -n "${2}p" "$tmp/json" | awk -v k="\"$1\":" \
		'{ n = split($0, a, k); s = 0; for (i = 2; i <= n; i++) s += a[i] + 0; print s }'
}

svmstat --bogus > "$tmp/bogus" 2>&1
rc=$?
[ $rc = 2 ] || fail "svmstat --bogus exited $rc, not 2"
grep -q "unknown option" "$tmp/bogus" || fail "svmstat --bogus said: $(cat "$tmp/bogus")"
ok "--bogus exits 2: $(head -n 1 "$tmp/bogus")"
svmstat -d 0 > /dev/null 2>&1
rc=$?
[ $rc = 2 ] || fail "svmstat -d 0 exited $rc, not 2"
ok "-d 0 exits 2"

svmstat -1 -d 0.2 > "$tmp/once" 2>&1 || fail "svmstat -1 exited $?: $(cat "$tmp/once")"
for d in vsvm0 vsvm1; do
	grep -q "$d" "$tmp/once" || fail "svmstat -1 does not name $d: $(cat "$tmp/once")"
done
ok "-1 exits 0 and names vsvm0 and vsvm1"

svmstat -J -d 0.1 > "$tmp/json" 2> "$tmp/err" &
spid=$!
sleep 0.3
svm_usm_example > "$tmp/usm" 2>&1 || fail "svm_usm_example exited $?: $(tail -n 3 "$tmp/usm")"
sleep 0.3
kill -TERM $spid
wait $spid
rc=$?
[ $rc = 0 ] || fail "svmstat -J exited $rc after SIGTERM: $(cat "$tmp/err")"
n=$(wc -l < "$tmp/json")
[ "$n" -ge 3 ] || fail "$n samples, expected at least 3"
ok "-J stopped by SIGTERM with exit 0 after $n samples"

for d in vsvm0 vsvm1; do
	c=$(grep -c "\"name\":\"$d\"" "$tmp/json")
	[ "$c" = "$n" ] || fail "$d in $c of $n samples"
done
ok "both devices in every sample"

for k in gpu_faults pages_to_vram; do
	first=$(sum $k 1)
	last=$(sum $k "$n")
	[ "$last" -gt "$first" ] || fail "$k did not grow: $first, then $last"
	ok "$k grew from $first to $last"
done
grep -q '"pages_to_vram_per_s":[1-9]' "$tmp/json" || fail "no sample with pages_to_vram_per_s > 0"
grep -q '"gpu_faults_per_s":[1-9]' "$tmp/json" || fail "no sample with gpu_faults_per_s > 0"
ok "faults/s and pages to VRAM/s above 0 in some sample"

grep -q '"comm":"svm_usm_example"[^}]*"vram":\[{"device":[0-9]*,"bytes":[1-9]' "$tmp/json" ||
	fail "no sample shows svm_usm_example with VRAM"
ok "svm_usm_example's process row held VRAM"
rm -rf "$tmp"
echo "svmstat_check: all checks passed"

#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Self-test of the IGT-compatible harness: runs igt_selftest in several
# ways and checks its verdict lines, messages and exit codes. Prints one
# "ok N - ..." or "not ok N - ..." line per check, then a summary, and
# exits non-zero if any check failed.
#
# Usage: run.sh BIN_DIR	(the directory holding igt_selftest)
#
# With busybox installed, it also checks that the VM's test runner
# (tools/testing/vm/guest/guest-lib.sh, run by busybox sh in the VM) kills
# a hanging IGT program and what it started at its timeout.

set -u

bin=${1:?usage: run.sh BIN_DIR}/igt_selftest
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
unset SELFTEST_CRASH SELFTEST_ABORT SELFTEST_HANG SELFTEST_FIXTURE_FAIL

n=0
failed=0

# run CMD...: run it, keeping stdout, stderr and the exit code.
run() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# check DESCRIPTION CMD...: one numbered result line for CMD's success,
# followed by what CMD printed to explain a failure.
check() {
	desc=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/diag"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		cat "$tmp/diag"
		failed=$((failed + 1))
	fi
}

exit_is() {
	[ "$rc" = "$1" ] && return 0
	echo "# exit code $rc, wanted $1"
	return 1
}

# verdicts_are RC VERDICT...: the last run exited with RC and printed
# exactly "Subtest VERDICT" for each VERDICT, in order; times left out.
verdicts_are() {
	want_rc=$1
	shift
	want=
	[ $# -gt 0 ] && want=$(printf 'Subtest %s\n' "$@")
	got=$(grep '^Subtest ' "$tmp/out" | sed 's/ ([0-9]*\.[0-9]*s)$//')
	exit_is "$want_rc" && [ "$got" = "$want" ] && return 0
	echo "# got:"
	printf '%s\n' "$got" | sed 's/^/#   /'
	echo "# wanted:"
	printf '%s\n' "$want" | sed 's/^/#   /'
	return 1
}

# has out|err REGEX: the last run's stdout or stderr matches REGEX.
has() {
	grep -q -e "$2" "$tmp/$1" && return 0
	echo "# no match for '$2' in std$1:"
	sed 's/^/#   /' "$tmp/$1"
	return 1
}

lacks() {
	! grep -q -e "$2" "$tmp/$1"
}

# in_order out|err REGEX1 REGEX2: a line matching REGEX1 comes before one
# matching REGEX2.
in_order() {
	first=$(grep -n -e "$2" "$tmp/$1" | head -n 1 | cut -d: -f1)
	second=$(grep -n -e "$3" "$tmp/$1" | tail -n 1 | cut -d: -f1)
	[ -n "$first" ] && [ -n "$second" ] && [ "$first" -lt "$second" ] &&
		return 0
	echo "# no '$2' before '$3' in std$1:"
	sed 's/^/#   /' "$tmp/$1"
	return 1
}

same_lines() {
	[ "$(cat "$tmp/out")" = "$(printf '%s\n' "$@")" ] && return 0
	echo "# got:"
	sed 's/^/#   /' "$tmp/out"
	return 1
}

# child_gone: the child of the hang subtest, whose pid it wrote to
# hang.pid, is gone (or is a zombie nobody reaps), within 2 s.
child_gone() {
	pid=$(cat "$tmp/hang.pid" 2>/dev/null)
	[ -n "$pid" ] || { echo "# no pid file"; return 1; }
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		state=$(sed 's/.*) \(.\).*/\1/' "/proc/$pid/stat" 2>/dev/null)
		if [ -z "$state" ] || [ "$state" = Z ]; then
			return 0
		fi
		sleep 0.2
	done
	echo "# child $pid still there, state $state"
	return 1
}

if [ ! -x "$bin" ]; then
	echo "not ok 1 - $bin is not built"
	echo "selftest: 0 passed, 1 failed"
	exit 1
fi

all="pass pass-formatted ioctl-wrappers fail-ioctl-errno fail-assert
     fail-assert-eq skip-require pass-children fail-child fail-thread
     fail-child-thread crash
     crash-thread abort hang skip-group-a skip-group-b fixture-fail-a
     fixture-fail-b after-groups"

# Whole run: every verdict, in order; one failure makes it exit 98.
run "$bin"
check "whole run: verdicts and exit 98" verdicts_are 98 \
	"pass: SUCCESS" "pass-formatted: SUCCESS" "ioctl-wrappers: SUCCESS" \
	"fail-ioctl-errno: FAIL" "fail-assert: FAIL" "fail-assert-eq: FAIL" \
	"skip-require: SKIP" "pass-children: SUCCESS" "fail-child: FAIL" \
	"fail-thread: FAIL" "fail-child-thread: FAIL" \
	"crash: SKIP" "crash-thread: SKIP" "abort: SKIP" \
	"hang: SKIP" "skip-group-a: SKIP" "skip-group-b: SKIP" \
	"fixture-fail-a: SKIP" "fixture-fail-b: SKIP" "after-groups: SUCCESS"
check "whole run: IGT-Version line" has out \
	'^IGT-Version: 1\.28-drm_svm ([a-z0-9_]*) (Linux: [^ ]* [a-z0-9_]*)$'
check "whole run: Starting subtest line" has out '^Starting subtest: pass$'
check "whole run: verdict times" has out \
	'^Subtest pass: SUCCESS ([0-9][0-9]*\.[0-9][0-9][0-9]s)$'
check "whole run: fixture skips are untimed" has out \
	'^Subtest skip-group-a: SKIP$'
check "whole run: no debug output without --debug" lacks out 'DEBUG'

# One subtest at a time: its verdict and the exit code it alone gives.
for spec in pass:SUCCESS:0 pass-formatted:SUCCESS:0 \
	    ioctl-wrappers:SUCCESS:0 fail-ioctl-errno:FAIL:98 \
	    fail-assert:FAIL:98 fail-assert-eq:FAIL:98 skip-require:SKIP:77 \
	    pass-children:SUCCESS:0 fail-child:FAIL:98 fail-thread:FAIL:98 \
	    fail-child-thread:FAIL:98 \
	    crash:SKIP:77 crash-thread:SKIP:77 abort:SKIP:77 hang:SKIP:77 \
	    skip-group-a:SKIP:77 skip-group-b:SKIP:77 fixture-fail-a:SKIP:77 \
	    after-groups:SUCCESS:0; do
	name=${spec%%:*}
	rest=${spec#*:}
	run "$bin" --run-subtest "$name"
	check "--run-subtest $name: ${rest%%:*}, exit ${rest#*:}" \
		verdicts_are "${rest#*:}" "$name: ${rest%%:*}"
done

# Failure and skip reports.
run "$bin" --run-subtest fail-assert
check "assert: location" has err \
	'^(igt_selftest:[0-9]*) CRITICAL: Test assertion failure function test_fail_assert, file .*igt_selftest\.c:[0-9]*:$'
check "assert: expression" has err \
	'^(igt_selftest:[0-9]*) CRITICAL: Failed assertion: value == 2$'
check "assert: errno" has err \
	'^(igt_selftest:[0-9]*) CRITICAL: Last errno: 22, Invalid argument$'

run "$bin" --run-subtest fail-assert-eq
check "assert_eq: expression" has err \
	'^(igt_selftest:[0-9]*) CRITICAL: Failed assertion: one == two$'
check "assert_eq: values" has err \
	'^(igt_selftest:[0-9]*) CRITICAL: error: 1 != 2$'
check "assert_eq: no errno when it is 0" lacks err 'Last errno'

run "$bin" --run-subtest fail-ioctl-errno
check "do_ioctl_err: errno values" has err 'CRITICAL: error: 22 != 2$'

run "$bin" --run-subtest skip-require
check "require: reason" has out '^Test requirement: have_feature$'
check "require: location" has out \
	'^Test requirement not met in function test_skip_require, file .*:[0-9]*:$'

run "$bin" --run-subtest fail-child
check "igt_fork: failing child reported" has out \
	'^child 1 failed with exit status 98$'
check "igt_fork: child's assertion" has err \
	'CRITICAL: Failed assertion: child != 1$'

# An assertion in a thread: the thread ends there, the main thread goes
# on, and the subtest FAILs when it ends; the next subtest runs.
run "$bin" --run-subtest 'fail-thread,after-groups'
check "thread assert: FAIL, next subtest runs, exit 98" verdicts_are 98 \
	"fail-thread: FAIL" "after-groups: SUCCESS"
check "thread assert: thread's message" has err \
	'^(igt_selftest:[0-9]*) CRITICAL: thread saw 1$'
check "thread assert: the thread ends in the assertion" has out \
	'^main thread: joined, thread returned nothing, value 1$'
check "thread assert: the main thread reports it" has err \
	'^(igt_selftest:[0-9]*) CRITICAL: Failure in a thread!$'
check "thread assert: verdict after the main thread went on" in_order out \
	'^main thread: joined' '^Subtest fail-thread: FAIL'

# Selection: wildcards, lists, exclusion, nothing matched.
run "$bin" --run-subtest 'pass*'
check "--run-subtest 'pass*'" verdicts_are 0 \
	"pass: SUCCESS" "pass-formatted: SUCCESS" "pass-children: SUCCESS"

run "$bin" --run-subtest 'skip-require,pass'
check "--run-subtest 'skip-require,pass': file order" verdicts_are 0 \
	"pass: SUCCESS" "skip-require: SKIP"

run "$bin" --run-subtest 'skip-*'
check "--run-subtest 'skip-*': all skipped, exit 77" verdicts_are 77 \
	"skip-require: SKIP" "skip-group-a: SKIP" "skip-group-b: SKIP"

run "$bin" --run-subtest '*,!fail-*,!pass*,!ioctl-*'
check "--run-subtest with '!' exclusions" verdicts_are 0 \
	"skip-require: SKIP" "crash: SKIP" "crash-thread: SKIP" "abort: SKIP" \
	"hang: SKIP" "skip-group-a: SKIP" "skip-group-b: SKIP" \
	"fixture-fail-a: SKIP" "fixture-fail-b: SKIP" "after-groups: SUCCESS"

run "$bin" --run-subtest no-such-subtest
check "unknown subtest: exit 79" exit_is 79
check "unknown subtest: message" has err \
	'CRITICAL: Unknown subtest: no-such-subtest$'

# Listing and the other options.
run "$bin" --list-subtests
check "--list-subtests: exit 0" exit_is 0
# shellcheck disable=SC2086 # word splitting of $all is wanted
check "--list-subtests: names only" same_lines $all

# As upstream: the first of --list-subtests and --run-subtest wins, and
# a listing is never filtered.
run "$bin" --list-subtests --run-subtest 'skip-group-*'
check "--list-subtests --run-subtest: every subtest, exit 0" exit_is 0
# shellcheck disable=SC2086 # word splitting of $all is wanted
check "--list-subtests --run-subtest: every subtest" same_lines $all

run "$bin" --run-subtest pass --list-subtests
check "--run-subtest --list-subtests: runs the subtest" verdicts_are 0 \
	"pass: SUCCESS"

run "$bin" --describe=pass
check "--describe: exit 0" exit_is 0
check "--describe: location" has out '^SUB pass .*igt_selftest\.c:[0-9]*:$'
check "--describe: text" has out \
	'^  Every passing assertion and requirement\.$'

run "$bin" --run-subtest pass --debug
check "--debug: igt_debug() shown" has out \
	'^(igt_selftest:[0-9]*) DEBUG: selftest debug marker$'

run "$bin" --no-such-option
check "unknown option: exit 79" exit_is 79
check "unknown option: usage" has err '^Usage: igt_selftest \[OPTIONS\]$'

run "$bin" --help
check "--help: exit 0" exit_is 0

run "$bin" --help-description
check "--help-description" same_lines \
	"Self-test of the IGT-compatible harness."

# A crash (SIGSEGV) is the subtest's CRASH and the next subtests run; the
# first failure of the run gives the exit code, 128 + the signal for a
# crash. A crash in a thread fails the subtest as a failed assertion does.
run env SELFTEST_CRASH=1 "$bin"
check "crash: CRASH, the run goes on, exit 98" verdicts_are 98 \
	"pass: SUCCESS" "pass-formatted: SUCCESS" "ioctl-wrappers: SUCCESS" \
	"fail-ioctl-errno: FAIL" "fail-assert: FAIL" "fail-assert-eq: FAIL" \
	"skip-require: SKIP" "pass-children: SUCCESS" "fail-child: FAIL" \
	"fail-thread: FAIL" "fail-child-thread: FAIL" \
	"crash: CRASH" "crash-thread: FAIL" "abort: SKIP" \
	"hang: SKIP" "skip-group-a: SKIP" "skip-group-b: SKIP" \
	"fixture-fail-a: SKIP" "fixture-fail-b: SKIP" "after-groups: SUCCESS"
check "crash: signal named" has err '^Received signal SIGSEGV\.$'

run env SELFTEST_CRASH=1 "$bin" --run-subtest 'crash,after-groups'
check "crash first: CRASH, next subtest runs, exit 139" verdicts_are 139 \
	"crash: CRASH" "after-groups: SUCCESS"

run env SELFTEST_CRASH=1 "$bin" --run-subtest 'crash-thread,after-groups'
check "crash in a thread: FAIL, next subtest runs, exit 139" verdicts_are 139 \
	"crash-thread: FAIL" "after-groups: SUCCESS"
check "crash in a thread: signal named" has err \
	'^Received signal SIGSEGV in a thread\.$'
check "crash in a thread: the main thread goes on" has out \
	'^main thread: joined, thread returned nothing, value 1$'

# SIGABRT: CRASH, then the process dies of it.
run env SELFTEST_ABORT=1 "$bin" --run-subtest 'abort,after-groups'
check "abort: CRASH, then killed by SIGABRT" verdicts_are 134 "abort: CRASH"
check "abort: signal named" has err '^Received signal SIGABRT\.$'

# A failed fixture fails the subtests of its group; the others run.
run env SELFTEST_FIXTURE_FAIL=1 "$bin" --run-subtest 'fixture-fail-*'
check "failed fixture: its group's subtests FAIL" verdicts_are 98 \
	"fixture-fail-a: FAIL" "fixture-fail-b: FAIL"
check "failed fixture: assertion reported" has err \
	'CRITICAL: Failed assertion: 0 == 1$'

run env SELFTEST_FIXTURE_FAIL=1 "$bin" --run-subtest 'after-groups'
check "failed fixture: later subtests run, exit still 98" verdicts_are 98 \
	"after-groups: SUCCESS"

# The VM's runner bounds each IGT program: run igt_run() from guest-lib.sh
# as the VM does, in busybox sh, on a subtest that hangs with a child.
guest_lib=$(dirname "$0")/../../../../tools/testing/vm/guest/guest-lib.sh
if command -v busybox > /dev/null && [ -r "$guest_lib" ]; then
	cat > "$tmp/runner.sh" <<'EOF'
. "$1"
say() { echo "say: $*" >&2; }
exec 3>&1
start=$(date +%s)
igt_run 2 igt:hang env SELFTEST_HANG="$3/hang.pid" "$2" --run-subtest hang
igt_run 30 igt:pass "$2" --run-subtest pass
echo "elapsed $(($(date +%s) - start))"
EOF
	run busybox sh "$tmp/runner.sh" "$guest_lib" "$bin" "$tmp"
	check "runner timeout: killed, block ends" has out '^@@END igt:hang 143$'
	check "runner timeout: a failure with the reason" has out \
		'^@@RESULT igt hang fail timeout after 2 s, killed$'
	check "runner timeout: the next program runs" has out \
		'^@@END igt:pass 0$'
	check "runner timeout: no timeout for a program that ends" \
		lacks out '^@@RESULT igt pass'
	check "runner timeout: the watcher does not hold the runner" has out \
		'^elapsed [2-9]$'
	check "runner timeout: the program's children are killed" child_gone
else
	n=$((n + 1))
	echo "ok $n - # SKIP runner timeout: no busybox or no $guest_lib"
fi

echo "selftest: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Judge one drm_svm VM run.

Reads OUT/results.log (the guest's result channel, see guest-lib.sh),
OUT/console.log (the kernel console) and optionally host-side results, and
prints a verdict. The last line for the "test" plan is our own summary,
"N passed, N failed, N skipped". The peer suite (the kernel's hmm-tests) is
reported on a line of its own and never counted in that summary.

Exit status: 0 when nothing of ours failed, no peer test failed unexpectedly,
the guest finished its plan and the kernel log holds no splat; 1 otherwise.
"""

import argparse
import fnmatch
import os
import re
import subprocess
import sys

SPLAT = re.compile(
    r"WARNING:|BUG:|Oops|general protection fault|Kernel panic|"
    r"INFO: task .* blocked for more than|detected stalls|"
    r"UBSAN:|KASAN:|kmemleak: \d+ new suspected|Call Trace:"
)
RESULT_RE = re.compile(r"^@@RESULT (\S+) (\S+) (pass|fail|skip)\s?(.*)$")
IGT_SUBTEST = re.compile(r"^Subtest (\S+): (SUCCESS|FAIL|SKIP|CRASH)")
IGT_START = re.compile(r"^Starting subtest: (\S+)")
TAP_RESULT = re.compile(r"^(\s*)(not ok|ok) \d+ (.*?)(?:\s+#\s*(SKIP|TODO)\b.*)?$")
IGT_EXIT = {0: "all subtests passed", 77: "all skipped"}


class Run:
    def __init__(self):
        self.results = []  # (suite, name, status, message)
        self.blocks = {}  # id -> (lines, rc or None)
        self.order = []
        self.done = False
        self.peer = None
        self.notes = []  # lines printed before the results

    def add(self, suite, name, status, msg=""):
        self.results.append((suite, name, status, msg))


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        data = f.read().decode("utf-8", "replace")
    return [l.rstrip("\r") for l in data.split("\n")]


def parse_channel(run, lines):
    current = None
    for line in lines:
        if current is not None:
            if line.startswith("@@END " + current + " "):
                rc = line.rsplit(" ", 1)[1]
                run.blocks[current] = (run.blocks[current][0], int(rc))
                current = None
            else:
                run.blocks[current][0].append(line)
            continue
        if line.startswith("@@BEGIN "):
            current = line.split(" ", 1)[1].strip()
            run.blocks[current] = ([], None)
            run.order.append(current)
        elif line.startswith("@@DONE"):
            run.done = True
        else:
            m = RESULT_RE.match(line)
            if m:
                run.add(*m.groups())


def tap_leaves(lines):
    """Leaf results of a (K)TAP stream as (name, status) with parent names.

    A result is a parent when the result line just before it is nested
    deeper: its subtests come first, then its own line.
    """
    items = []
    for line in lines:
        m = TAP_RESULT.match(line)
        if m:
            indent = len(m.group(1).expandtabs(8))
            items.append((indent, m.group(2), m.group(3), m.group(4)))
    leaves = []
    for i, (indent, ok, name, directive) in enumerate(items):
        if i > 0 and items[i - 1][0] > indent:
            continue
        parent = next((it[2] for it in items[i + 1:] if it[0] < indent), None)
        full = f"{parent}.{name}" if parent else name
        full = re.sub(r"\s+", "-", full)
        if directive == "SKIP":
            status = "skip"
        elif ok == "ok":
            status = "pass"
        else:
            status = "fail"
        leaves.append((full, status))
    return leaves


def judge_kunit(run, bid, lines, rc):
    suite = bid.split(":", 1)[1]
    leaves = tap_leaves(lines)
    if not leaves:
        run.add("kunit", suite, "fail", "no results in debugfs")
    for name, status in leaves:
        if name.startswith(suite + "."):
            name = name[len(suite) + 1:]
        run.add("kunit", f"{suite}.{name}", status)
    if rc != 0:
        run.add("kunit", suite, "fail", f"reading results exited {rc}")


def judge_igt(run, bid, lines, rc):
    binary = bid.split(":", 1)[1]
    started, seen = [], {}
    for line in lines:
        m = IGT_START.match(line)
        if m and m.group(1) not in started:
            started.append(m.group(1))
        m = IGT_SUBTEST.match(line)
        if m:
            seen[m.group(1)] = m.group(2)
            # After a fixture failed or skipped, subtests report their
            # result without having started: they count all the same.
            if m.group(1) not in started:
                started.append(m.group(1))
    for name in started:
        res = seen.get(name)
        if res is None:
            run.add("igt", f"{binary}.{name}", "fail", "no result line")
        elif res == "SUCCESS":
            run.add("igt", f"{binary}.{name}", "pass")
        elif res == "SKIP":
            run.add("igt", f"{binary}.{name}", "skip")
        else:
            run.add("igt", f"{binary}.{name}", "fail", res)
    statuses = set(seen.values())
    if not started:
        run.add("igt", binary, "fail", f"no subtest ran (exit {rc})")
        return
    if statuses - {"SUCCESS", "SKIP"} or len(seen) < len(started):
        # The first failure gives the code: 98 for a failure, 128 + the
        # signal for a crash (or a child's death by a signal), and the
        # shell's 128 + signal when SIGABRT or the runner killed it.
        if rc in IGT_EXIT:
            run.add("igt", binary, "fail",
                    f"exit status {rc} ({IGT_EXIT[rc]}), expected a failure")
        return
    expect = 77 if statuses == {"SKIP"} else 0
    if rc != expect:
        run.add("igt", binary, "fail",
                f"exit status {rc}, expected {expect} ({IGT_EXIT[expect]})")


def load_known(path):
    known = []
    for line in read_lines(path):
        line = line.split("#", 1)[0].strip()
        if line:
            pattern, *reason = line.split(None, 1)
            known.append((pattern, reason[0] if reason else ""))
    return known


def judge_peer(run, bid, lines, rc, known):
    counts = {"pass": 0, "known-fail": 0, "fail": 0, "skip": 0, "xpass": 0}
    unexpected, xpass = [], []
    for name, status in tap_leaves(lines):
        is_known = any(fnmatch.fnmatch(name, k) for k, _ in known)
        if status == "fail" and is_known:
            counts["known-fail"] += 1
        elif status == "fail":
            counts["fail"] += 1
            unexpected.append(name)
        elif status == "pass" and is_known:
            counts["xpass"] += 1
            xpass.append(name)
        else:
            counts[status] += 1
    complete = any(l.startswith("# Totals:") for l in lines)
    run.peer = (counts, unexpected, xpass, complete, rc)


# Tests that inject allocation failures (fault_attr), or that run a task
# into its memory cgroup's limit, say so in the kernel log; the kernel's
# own report of a failed allocation (warn_alloc(): a header line, then a
# stack dump) or of a memory cgroup OOM (the same shape, from the OOM
# killer) is then expected, not a splat.
INJECT_ON = re.compile(r"drm_svm-test: (fault injection|memory cgroup limit) armed")
INJECT_OFF = re.compile(r"drm_svm-test: (fault injection|memory cgroup limit) disarmed")
ALLOC_FAILURE = re.compile(
    r"page allocation failure: order:|vmalloc error: |invoked oom-killer: "
)


def expected_alloc_report(lines, i, injecting):
    """Is the splat line @i the stack dump of an injected allocation failure?"""
    if not injecting or not lines[i].rstrip().endswith("Call Trace:"):
        return False
    return any(ALLOC_FAILURE.search(l) for l in lines[max(0, i - 6):i])


def scan_console(lines):
    hits, injecting = [], False
    for i, l in enumerate(lines):
        if INJECT_ON.search(l):
            injecting = True
        elif INJECT_OFF.search(l):
            injecting = False
        elif SPLAT.search(l) and not expected_alloc_report(lines, i,
                                                           injecting):
            hits.append(i)
    excerpts, last = [], -1
    for i in hits:
        if i <= last:
            continue
        lo, hi = max(0, i - 5), min(len(lines), i + 45)
        excerpts.append("\n".join(lines[lo:hi]))
        last = hi
        if len(excerpts) == 3:
            break
    return hits, excerpts


def judge_record(run, bid, lines, rc, args):
    """A recording of the guest's: saved to OUT/<name>.jsonl; svmstat's
    recording is also plotted to OUT/svmstat.png with the svmstat binary
    (static, it runs on the host too). A plot that fails is a failure."""
    name = bid.split(":", 1)[1]
    path = os.path.join(args.out, name + ".jsonl")
    samples = [l for l in lines if l.startswith("{")]
    with open(path, "w") as f:
        f.write("".join(l + "\n" for l in samples))
    if rc != 0 or not samples:
        run.add("record", name, "fail", f"exit {rc}, {len(samples)} samples")
        print_block(bid, lines, 20)
        return
    run.add("record", name, "pass")
    run.notes.append(f"{name}: {len(samples)} samples in {path}")
    if name != "svmstat":
        return
    png = os.path.join(args.out, "svmstat.png")
    if os.path.exists(png):
        os.unlink(png)
    if not args.svmstat or not os.access(args.svmstat, os.X_OK):
        run.add("record", "svmstat-plot", "fail", f"no svmstat at '{args.svmstat}'")
        return
    p = subprocess.run([args.svmstat, "--plot", path, png],
                       capture_output=True, text=True)
    if p.returncode != 0 or not os.path.exists(png) or not os.path.getsize(png):
        msg = (p.stderr.strip() or p.stdout.strip()).replace("\n", "; ")
        run.add("record", "svmstat-plot", "fail", f"exit {p.returncode}: {msg}")
        return
    run.add("record", "svmstat-plot", "pass")
    run.notes.append(f"svmstat plot: {png}")


def print_block(title, lines, limit=200):
    print(f"----- {title} -----")
    for l in lines[-limit:]:
        print(f"  {l}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--plan", required=True)
    ap.add_argument("--known", default="")
    ap.add_argument("--host-results", default="")
    ap.add_argument("--svmstat", default="",
                    help="svmstat binary that plots a record:svmstat block")
    args = ap.parse_args()

    run = Run()
    if args.host_results:
        parse_channel(run, read_lines(args.host_results))
    parse_channel(run, read_lines(os.path.join(args.out, "results.log")))
    console = read_lines(os.path.join(args.out, "console.log"))
    known = load_known(args.known) if args.known else []

    for bid in run.order:
        lines, rc = run.blocks[bid]
        kind = bid.split(":", 1)[0]
        if rc is None:
            run.add(kind, bid.split(":", 1)[-1], "fail", "output cut off")
            print_block(f"{bid} (cut off)", lines)
            continue
        if kind == "kunit":
            judge_kunit(run, bid, lines, rc)
        elif kind == "igt":
            judge_igt(run, bid, lines, rc)
        elif kind == "peer":
            judge_peer(run, bid, lines, rc, known)
        elif kind == "kmemleak":
            if any(l.strip() for l in lines):
                run.add("kernel", "kmemleak", "fail", "suspected leaks")
                print_block("kmemleak report", lines)
            else:
                run.add("kernel", "kmemleak", "pass")
        elif kind == "record":
            judge_record(run, bid, lines, rc, args)
        elif kind in ("demo", "bench", "example"):
            print_block(bid, lines)
            if rc != 0:
                run.add(kind, bid, "fail", f"exit {rc}")
            else:
                run.add(kind, bid.split(":", 1)[1], "pass")

    if os.path.exists(os.path.join(args.out, "watchdog")):
        run.add("vm", "watchdog", "fail", "guest hung and was killed")
    if run.done:
        run.add("vm", "plan-completed", "pass")
    else:
        run.add("vm", "plan-completed", "fail", "guest did not finish its plan")
        print_block("console tail", console, 60)

    hits, excerpts = scan_console(console)
    if hits:
        run.add("kernel", "log-clean", "fail", f"{len(hits)} splat line(s)")
        for e in excerpts:
            print_block("kernel splat", e.split("\n"))
    else:
        run.add("kernel", "log-clean", "pass")

    # Failed blocks print their output so the cause is on screen.
    failed = [r for r in run.results if r[2] == "fail"]
    for bid in run.order:
        kind, _, name = bid.partition(":")
        if kind in ("igt", "kunit") and any(
                r[0] == kind and r[1].split(".")[0] == name for r in failed):
            print_block(bid, run.blocks[bid][0])

    suites = {}
    for suite, _, status, _ in run.results:
        s = suites.setdefault(suite, {"pass": 0, "fail": 0, "skip": 0})
        s[status] += 1
    if run.notes:
        print()
    for note in run.notes:
        print(note)
    print("\n== drm_svm results ==")
    for suite, c in suites.items():
        print(f"  {suite:<10} {c['pass']:4d} passed {c['fail']:4d} failed "
              f"{c['skip']:4d} skipped")
    for suite, name, status, msg in run.results:
        if status == "fail":
            print(f"  FAIL {suite}/{name}{': ' + msg if msg else ''}")

    peer_bad = False
    if args.plan == "test" and run.peer is not None:
        counts, unexpected, xpass, complete, rc = run.peer
        print(f"hmm-tests (peer): {counts['pass']} pass, "
              f"{counts['known-fail']} known-fail, {counts['fail']} "
              f"unexpected-fail, {counts['skip']} skip"
              + (f", {counts['xpass']} known-fail now passing" if xpass else ""))
        for name in unexpected:
            print(f"  PEER UNEXPECTED FAIL {name}")
        for name in xpass:
            print(f"  peer: {name} is listed as a known failure but passed; "
                  "review peer-known-failures.txt")
        if not complete:
            print("  PEER INCOMPLETE: no '# Totals' line (crash or timeout)")
        peer_bad = bool(unexpected) or not complete
        if peer_bad:
            print_block("peer:hmm-tests", run.blocks["peer:hmm-tests"][0], 80)

    n_pass = sum(c["pass"] for c in suites.values())
    n_fail = sum(c["fail"] for c in suites.values())
    n_skip = sum(c["skip"] for c in suites.values())
    print(f"{n_pass} passed, {n_fail} failed, {n_skip} skipped")
    return 1 if n_fail or peer_bad else 0


if __name__ == "__main__":
    sys.exit(main())

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Render Documentation/gpu with the kernel's own Sphinx toolchain, as
# "make SPHINXDIRS=gpu htmldocs" does in a kernel tree that carries our
# files, and fail if Sphinx says anything about them.
#
#   docs.sh [--out DIR]   build into DIR (default build/docs); the HTML is
#                         in DIR/obj/Documentation/output/gpu/drm-svm.html
#                         and Sphinx's output in DIR/sphinx.log
#
# The kernel source in the cache is shared and is not written to. The
# build runs in DIR/linux, a tree of symbolic links to it in which our
# rst, driver directory and headers replace the cached copies and
# Documentation/gpu/index.rst lists drm-svm. Everything the build writes
# goes to DIR/obj (O=) or to the real directories of DIR/linux.
#
# Sphinx runs nitpicky (-n), so a cross reference that resolves to
# nothing is a warning too. Any warning or error that names drm-svm.rst,
# drm_svm* or vsvm* fails the check, but for the kernel's own types in
# function signatures (u64, size_t, ...), which no page of
# Documentation/gpu documents, and for the links to the page's
# translations, which every page of a SPHINXDIRS build lacks. The rest of Documentation/gpu has warnings
# of its own, which are kept in the log but not judged. Last, the text of
# the rendered page must show no markup that Sphinx left as it was: the
# "**" of a bold that did not close, a backquote.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=$repo/build/docs

while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift ;;
	*) echo "docs.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

die() { echo "docs.sh: $*" >&2; exit 1; }

ksrc=$("$here/kernel.sh" src)
[ -f "$ksrc/.unpacked" ] || die "no kernel source at $ksrc (run 'make kernel')"
command -v sphinx-build >/dev/null ||
	die "sphinx-build is missing; it comes with package python3-sphinx"

tree=$out/linux
obj=$out/obj
log=$out/sphinx.log

# link_dir SRC DST SKIP...: make DST a real directory whose entries are
# links to those of SRC, except the names in SKIP.
link_dir() {
	local src=$1 dst=$2 e name
	shift 2
	mkdir -p "$dst"
	for e in "$src"/* "$src"/.[!.]*; do
		[ -e "$e" ] || continue
		name=${e##*/}
		[[ " $* " == *" $name "* ]] && continue
		ln -s "$e" "$dst/$name"
	done
}

rm -rf "$tree"
mkdir -p "$obj"

link_dir "$ksrc" "$tree" Documentation drivers include
link_dir "$ksrc/Documentation" "$tree/Documentation" gpu networking
link_dir "$ksrc/Documentation/gpu" "$tree/Documentation/gpu" index.rst
ln -s "$repo/Documentation/gpu/drm-svm.rst" "$tree/Documentation/gpu/"
# Our page goes after the memory management chapter, as a patch would
# add it.
sed 's/^\(   \)drm-mm$/&\n\1drm-svm/' "$ksrc/Documentation/gpu/index.rst" \
	> "$tree/Documentation/gpu/index.rst"
grep -qx '   drm-svm' "$tree/Documentation/gpu/index.rst" ||
	die "could not add drm-svm to Documentation/gpu/index.rst"
# htmldocs writes the netlink specs' pages into the source tree.
link_dir "$ksrc/Documentation/networking" "$tree/Documentation/networking" \
	netlink_spec
cp -r "$ksrc/Documentation/networking/netlink_spec" \
	"$tree/Documentation/networking/"

link_dir "$ksrc/drivers" "$tree/drivers" gpu
link_dir "$ksrc/drivers/gpu" "$tree/drivers/gpu" drm
link_dir "$ksrc/drivers/gpu/drm" "$tree/drivers/gpu/drm" svm
ln -s "$repo/drivers/gpu/drm/svm" "$tree/drivers/gpu/drm/svm"

link_dir "$ksrc/include" "$tree/include" drm uapi
# shellcheck disable=SC2046
link_dir "$ksrc/include/drm" "$tree/include/drm" \
	$(cd "$ksrc/include/drm" && ls drm_svm* 2>/dev/null)
ln -s "$repo"/include/drm/*.h "$tree/include/drm/"
link_dir "$ksrc/include/uapi" "$tree/include/uapi" drm
# shellcheck disable=SC2046
link_dir "$ksrc/include/uapi/drm" "$tree/include/uapi/drm" \
	$(cd "$repo/include/uapi/drm" && ls)
ln -s "$repo"/include/uapi/drm/*.h "$tree/include/uapi/drm/"

# From scratch: Sphinx would not read an unchanged page again, nor say
# again what it said about it.
rm -rf "$obj/Documentation/output"
t0=$SECONDS
status=0
make -C "$tree" O="$obj" SPHINXDIRS=gpu SPHINXOPTS=-n htmldocs \
	> "$log" 2>&1 || status=$?
echo "docs.sh: Documentation/gpu rendered in $((SECONDS - t0)) s" \
	"(make exit $status), log $log"

ours=$(grep -E 'drm-svm|drm_svm|vsvm' "$log" |
	grep -iE 'warning|error|critical|severe' |
	grep -vP 'c:identifier reference target not found: (?!drm_svm|vsvm|drm_vsvm|DRM_SVM|DRM_VSVM|DRM_IOCTL_VSVM)' |
	grep -v "unknown document: '/translations/" || true)
if [ -n "$ours" ]; then
	echo "$ours"
	die "$(echo "$ours" | wc -l) Sphinx warnings or errors in our files"
fi
[ "$status" = 0 ] || { tail -n 40 "$log"; die "make htmldocs failed"; }
html=$obj/Documentation/output/gpu/drm-svm.html
[ -s "$html" ] || die "no $html"
# The page's text, less code blocks, literals and signatures.
stray=$(python3 - "$html" <<'EOF'
import html, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
page = re.sub(r"<pre.*?</pre>", "", page, flags=re.S)
page = re.sub(r'<dt class="sig.*?</dt>', "", page, flags=re.S)
page = re.sub(r"<code.*?</code>", "", page, flags=re.S)
text = html.unescape(re.sub(r"<[^>]+>", "", page))
for line in text.splitlines():
    if "**" in line or "`" in line:
        print(line.strip())
EOF
)
if [ -n "$stray" ]; then
	echo "$stray"
	die "markup left as text in $html"
fi
echo "docs.sh: no warning in our files; $html"

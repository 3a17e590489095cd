#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build (or find in the cache) the test kernel for drm_svm.
#
#   kernel.sh build      unpack, hook our tree in, configure, build; idempotent
#   kernel.sh dir        print the build directory (KDIR) for this config
#   kernel.sh intree     re-sync our sources into the kernel tree and build
#                        drivers/gpu/drm/svm/ in-tree (upstreamability check)
#   kernel.sh analyze    the same, with sparse (C=2), then coccicheck; any
#                        finding in drivers/gpu/drm/svm/ fails
#
# The unpacked source lives in $DRM_SVM_CACHE/linux-<version>, with the
# patches of patches/ applied (fixes of kernel bugs our tests found, each
# as it would be sent upstream); the build in
# $DRM_SVM_CACHE/build-<version>-<key>, where <key> hashes the config
# fragments, the patches, our Kconfig and the recipe version below. KASAN=1 selects the
# KASAN variant; DRM_SVM_KDIR names an existing build directory to use
# instead.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=${DRM_SVM_CACHE:-$HOME/.cache/drm-svm}
tarball=${DRM_SVM_KSRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
kasan=${KASAN:-0}
jobs=${JOBS:-$(nproc)}

die() { echo "kernel.sh: $*" >&2; exit 1; }

src_version() {
	local v
	v=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
	[ -n "$v" ] || v=$(stat -c %s-%Y "$tarball" 2>/dev/null) ||
		die "no kernel source: $tarball is missing (run 'make deps')"
	echo "$v" | tr -c 'A-Za-z0-9.+\n-' '_'
}

fragments() {
	echo "$here/drm-svm.config"
	[ "$kasan" = 1 ] && echo "$here/kasan.config"
	return 0
}

# Bump when a change to this script changes the kernel it builds.
recipe=1

patches() {
	ls "$here"/patches/*.patch 2>/dev/null || true
}

config_key() {
	# shellcheck disable=SC2046
	{ cat $(fragments) $(patches) "$repo/drivers/gpu/drm/svm/Kconfig"
	  echo "$recipe"; } | sha256sum | cut -c1-12
}

ver=$(src_version)
srcdir=$cache/linux-$ver
flavour=$([ "$kasan" = 1 ] && echo kasan || echo std)
outdir=${DRM_SVM_KDIR:-$cache/build-$ver-$flavour-$(config_key)}

unpack() {
	[ -f "$srcdir/.unpacked" ] && return 0
	[ -f "$tarball" ] || die "$tarball is missing (run 'make deps')"
	echo "kernel.sh: unpacking $tarball into $srcdir"
	local tmp=$cache/.unpack.$$
	rm -rf "$tmp" "$srcdir"
	mkdir -p "$tmp"
	tar -C "$tmp" -xJf "$tarball"
	mv "$tmp"/linux-source-* "$srcdir"
	rmdir "$tmp"
	touch "$srcdir/.unpacked"
}

# Apply each patch of patches/ once; a stamp file records it.
apply_patches() {
	local p stamp

	for p in $(patches); do
		stamp=$srcdir/.patched-$(basename "$p" .patch)
		[ -f "$stamp" ] && continue
		echo "kernel.sh: applying ${p##*/}"
		patch -p1 -N -s -d "$srcdir" < "$p" ||
			die "${p##*/} does not apply to $srcdir"
		touch "$stamp"
	done
}

# Copy our driver tree and headers into the kernel source and hook the
# Kconfig and Makefile in, exactly as an upstream patch would.
hook_in() {
	local d=$srcdir/drivers/gpu/drm
	rm -rf "$d/svm"
	mkdir -p "$d/svm"
	(cd "$repo/drivers/gpu/drm/svm" &&
		find . -name '*.[ch]' -o -name Kconfig -o -name Makefile \
			-o -name Kbuild -o -name .kunitconfig) |
		while read -r f; do
			mkdir -p "$d/svm/$(dirname "$f")"
			cp "$repo/drivers/gpu/drm/svm/$f" "$d/svm/$f"
		done
	cp "$repo"/include/drm/drm_svm*.h "$srcdir/include/drm/"
	cp "$repo"/include/uapi/drm/*.h "$srcdir/include/uapi/drm/"
	grep -q 'drivers/gpu/drm/svm/Kconfig' "$d/Kconfig" ||
		printf '\nsource "drivers/gpu/drm/svm/Kconfig"\n' >> "$d/Kconfig"
	grep -q 'CONFIG_DRM_SVM)' "$d/Makefile" ||
		printf '\nobj-$(CONFIG_DRM_SVM) += svm/\n' >> "$d/Makefile"
}

kmake() {
	local cc=gcc
	command -v ccache >/dev/null && cc="ccache gcc"
	make -C "$srcdir" O="$outdir" CC="$cc" -j"$jobs" "$@"
}

configure() {
	local merged=$outdir/fragment.config
	mkdir -p "$outdir"
	# shellcheck disable=SC2046
	cat $(fragments) > "$merged"
	KCONFIG_ALLCONFIG=$merged kmake -s allnoconfig
	# Every symbol of the fragment must have survived Kconfig's
	# dependency resolution; a silently dropped option is a build error.
	local line sym val missing=0
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		sym=${line%%=*}
		val=${line#*=}
		if [ "$val" = n ]; then
			grep -q "^$sym=" "$outdir/.config" || continue
		else
			grep -qx "$sym=$val" "$outdir/.config" && continue
		fi
		echo "kernel.sh: $sym=$val requested but .config has:" \
			"$(grep "^$sym=\|^# $sym " "$outdir/.config" || echo nothing)" >&2
		missing=1
	done < "$merged"
	[ "$missing" = 0 ] || die "config fragment not fully applied"
}

build() {
	mkdir -p "$cache"
	exec 9>"$cache/.lock"
	flock 9
	unpack
	apply_patches
	hook_in
	if [ -f "$outdir/.done" ]; then
		echo "kernel.sh: cached kernel $outdir"
		return 0
	fi
	echo "kernel.sh: building kernel in $outdir (jobs=$jobs)"
	local t0=$SECONDS
	configure
	kmake bzImage modules
	kmake -s headers_install
	touch "$outdir/.done"
	echo "kernel.sh: kernel built in $((SECONDS - t0)) s"
	prune
}

# Keep the two most recent builds of this flavour; older configurations are
# only rebuilt by checking out older trees.
prune() {
	local old
	# shellcheck disable=SC2012
	ls -1dt "$cache/build-$ver-$flavour-"* 2>/dev/null | tail -n +3 |
		while read -r old; do
			echo "kernel.sh: pruning old build $old"
			rm -rf "$old"
		done
}

intree() {
	[ -f "$outdir/.done" ] || die "no kernel at $outdir (run 'make kernel')"
	exec 9>"$cache/.lock"
	flock 9
	hook_in
	kmake W=1 drivers/gpu/drm/svm/
	echo "kernel.sh: in-tree build of drivers/gpu/drm/svm/ OK"
}

# Static analysis of drivers/gpu/drm/svm/ in the tree: sparse (C=2) and
# coccicheck. Any finding in our files fails; the logs stay in the
# kernel's build directory.
analyze() {
	local sparse_log=$outdir/svm-sparse.log cocci_log=$outdir/svm-cocci.log
	local found

	[ -f "$outdir/.done" ] || die "no kernel at $outdir (run 'make kernel')"
	exec 9>"$cache/.lock"
	flock 9
	hook_in
	kmake C=2 drivers/gpu/drm/svm/ > "$sparse_log" 2>&1 ||
		{ cat "$sparse_log"; die "sparse build failed"; }
	kmake coccicheck MODE=report M=drivers/gpu/drm/svm/ > "$cocci_log" 2>&1 ||
		{ cat "$cocci_log"; die "coccicheck failed"; }
	found=$(grep -hE 'drivers/gpu/drm/svm/[^ ]*:[0-9]+' "$sparse_log" "$cocci_log" || true)
	if [ -n "$found" ]; then
		echo "$found"
		die "sparse or coccicheck findings in drivers/gpu/drm/svm/"
	fi
	echo "kernel.sh: sparse and coccicheck: no finding in drivers/gpu/drm/svm/"
}

case "${1:-build}" in
build) build ;;
dir) echo "$outdir" ;;
src) echo "$srcdir" ;;
intree) intree ;;
analyze) analyze ;;
*) die "usage: kernel.sh build|dir|src|intree|analyze" ;;
esac

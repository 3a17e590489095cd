#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Assemble the VM's initramfs from the kernel build, our out-of-tree
# modules, the userspace test binaries and busybox.
#
#   mkinitramfs.sh OUT      OUT holds igt/, tools/ and peer/ from "make
#                           userspace"; writes OUT/initramfs.cpio.gz and
#                           OUT/bzImage
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=${1:?usage: mkinitramfs.sh OUT}
kdir=$("$here/kernel.sh" dir)
kver=$(cat "$kdir/include/config/kernel.release")
root=$out/initramfs.d

die() { echo "mkinitramfs.sh: $*" >&2; exit 1; }

# The kernel's own modules (test_hmm, drm_gpuvm, ...), installed once per
# kernel build.
if [ ! -f "$kdir/modinst/.done" ]; then
	rm -rf "$kdir/modinst"
	make -s -C "$kdir" INSTALL_MOD_PATH="$kdir/modinst" \
		INSTALL_MOD_STRIP=1 modules_install
	touch "$kdir/modinst/.done"
fi

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,mnt,root,etc}
mkdir -p "$root"/usr/{bin,lib/svm,libexec/svm/igt,libexec/svm/peer}

cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done

moddir=$root/lib/modules/$kver
mkdir -p "$root/lib/modules"
cp -a "$kdir/modinst/lib/modules/$kver" "$moddir"
rm -f "$moddir"/{build,source}
# The in-tree copies of our modules are only an upstreamability check; the
# VM runs the out-of-tree build of this work tree.
rm -rf "$moddir/kernel/drivers/gpu/drm/svm"
mkdir -p "$moddir/extra"
for m in drm_svm.ko vsvm/vsvm.ko; do
	[ -f "$repo/drivers/gpu/drm/svm/$m" ] ||
		die "$m missing (run 'make modules')"
done
find "$repo/drivers/gpu/drm/svm" -name '*.ko' | while read -r f; do
	strip --strip-debug -o "$moddir/extra/${f##*/}" "$f"
done
depmod -b "$root" "$kver"

for f in "$out"/igt/*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	case "${f##*/}" in igt_selftest*) continue ;; esac
	cp "$f" "$root/usr/libexec/svm/igt/"
done
cp "$out"/tools/* "$root/usr/bin/"
cp "$out/peer/hmm-tests" "$root/usr/libexec/svm/peer/"
cp "$here/guest/init" "$root/init"
cp "$here/guest/guest-lib.sh" "$root/usr/lib/svm/"
chmod +x "$root/init"
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) |
	gzip -1 > "$out/initramfs.cpio.gz.tmp"
mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz"
ln -sf "$kdir/arch/x86/boot/bzImage" "$out/bzImage"
echo "mkinitramfs.sh: $out/initramfs.cpio.gz ($(du -h "$out/initramfs.cpio.gz" | cut -f1), kernel $kver)"

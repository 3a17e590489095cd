#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install what building and testing drm_svm needs, on Debian 12.
# As root it installs missing packages with apt-get; otherwise it names them
# and fails.
set -euo pipefail

pkgs=(
	build-essential bc bison flex kmod libelf-dev libssl-dev dwarves
	python3 cpio busybox-static qemu-system-x86 libdrm-dev
	linux-source-6.12 ccache rsync
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages: ${missing[*]}" >&2
	echo "deps.sh: run as root, or: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"

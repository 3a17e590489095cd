#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install what building and testing drm_svm needs, on Debian 12.
# As root it installs missing packages with apt-get; otherwise it names them
# and fails. Then it checks that every command the kernel build and the
# test harness run is there, naming the package a missing one comes with.
#
#   deps.sh           install what is missing, then check the commands
#   deps.sh --check   only check: every command's package is in the list
#                     below, is installed, and provides the command
set -euo pipefail

pkgs=(
	build-essential bc bison flex kmod libelf-dev libssl-dev dwarves
	python3 cpio busybox-static qemu-system-x86 libdrm-dev
	linux-source-6.12 ccache rsync xz-utils sparse coccinelle patch ocaml
	pkgconf python3-sphinx python3-yaml gnuplot-nox
)

# Commands the build and the harness run, and the package of the list
# each comes with (build-essential brings the compiler and make).
cmds=(
	gcc:build-essential make:build-essential bc:bc bison:bison flex:flex
	depmod:kmod pahole:dwarves python3:python3 cpio:cpio
	busybox:busybox-static qemu-system-x86_64:qemu-system-x86
	ccache:ccache rsync:rsync xz:xz-utils sparse:sparse spatch:coccinelle
	patch:patch
	# the host check that links a program against the installed libdrm_svm
	pkg-config:pkgconf
	# svmstat --plot, which renders the recording of "make run"
	gnuplot:gnuplot-nox
	# spatch compiles the OCaml scripts of some semantic patches
	# (coccicheck); the coccinelle package does not depend on a compiler.
	ocamlopt:ocaml
	# docs.sh renders Documentation/gpu as the kernel's "make htmldocs"
	# does (scripts/sphinx-pre-install names what that needs).
	sphinx-build:python3-sphinx
)

# Python modules the harness imports, and their packages: htmldocs
# renders the kernel's netlink specs, which are YAML, in every build.
pymods=(
	yaml:python3-yaml
)

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
}

# Every command resolves; with --check, also to the package it maps to.
check_commands() {
	local strict=$1 entry cmd pkg path bad=0

	for entry in "${cmds[@]}"; do
		cmd=${entry%%:*}
		pkg=${entry#*:}
		if [[ " ${pkgs[*]} " != *" $pkg "* ]]; then
			echo "deps.sh: '$cmd' maps to '$pkg', which is not in the package list" >&2
			bad=1
			continue
		fi
		if ! path=$(command -v "$cmd"); then
			echo "deps.sh: '$cmd' is not installed; it comes with package $pkg" >&2
			bad=1
			continue
		fi
		[ "$strict" = 1 ] || continue
		if ! installed "$pkg"; then
			echo "deps.sh: '$cmd' is $path, but package $pkg is not installed: the list would not bring it" >&2
			bad=1
		fi
	done
	for entry in "${pymods[@]}"; do
		cmd=${entry%%:*}
		pkg=${entry#*:}
		if [[ " ${pkgs[*]} " != *" $pkg "* ]]; then
			echo "deps.sh: Python module '$cmd' maps to '$pkg', which is not in the package list" >&2
			bad=1
		elif ! python3 -c "import $cmd" 2>/dev/null; then
			echo "deps.sh: Python module '$cmd' is not installed; it comes with package $pkg" >&2
			bad=1
		elif [ "$strict" = 1 ] && ! installed "$pkg"; then
			echo "deps.sh: Python module '$cmd' is there, but package $pkg is not installed: the list would not bring it" >&2
			bad=1
		fi
	done
	return $bad
}

if [ "${1:-}" = --check ]; then
	check_commands 1
	exit
fi

missing=()
for p in "${pkgs[@]}"; do
	installed "$p" || missing+=("$p")
done

if [ ${#missing[@]} -ne 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps.sh: missing packages: ${missing[*]}" >&2
		echo "deps.sh: run as root, or: sudo apt-get install ${missing[*]}" >&2
		exit 1
	fi
	echo "deps.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
check_commands 0

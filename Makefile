# SPDX-License-Identifier: GPL-2.0-only
#
# drm_svm top-level Makefile. See README.md for what each target does.
#
#   make run        build everything, boot the VM with 4 virtual GPUs, run the demo
#   make test       KUnit + IGT tests + host checks + the peer suite, in the VM
#
# Variables: KASAN=1 (KASAN kernel variant), DRM_SVM_CACHE (kernel cache,
# default ~/.cache/drm-svm), VM_TIMEOUT (guest watchdog, seconds; 1500, or
# 3600 for "make bench"), ONLY
# (comma-separated test selection for "make test", e.g. ONLY=kunit,igt),
# IGT (comma-separated IGT tests for the igt suite, e.g. IGT=vsvm_inject),
# STRESS_SECONDS and STRESS_SEED (duration and seed of the race stress of
# "make test"; default 60 s and a seed it picks and prints), STRESS_SUBTESTS
# (its subtests, as --run-subtest takes them, e.g. STRESS_SUBTESTS='*'),
# STRESS_COHERENT=1 (run it with device-coherent VRAM too),
# BENCH (svm_bench options for "make bench", e.g. BENCH="-r 9 -m fault-in-4k"),
# PROFILE=1 ("make bench" runs under the kernel's function profiler and
# prints its "profile:" lines after the bench),
# FUZZ_SEED, FUZZ_CALLS and FUZZ_SECONDS (seed, call count and time cap of
# the ioctl fuzzer; the cap is 200 s, 100 s with KASAN=1),
# FUZZ_FAILSLAB=1 (the fuzzer makes slab allocations fail), FUZZ_REPRO=0
# (the fuzzer skips its reproducers of kernel bugs the test kernel fixes).

KASAN		?= 0
BENCH		?=
PROFILE		?=
comma		:= ,
space		:= $(subst ,, )
VM_TIMEOUT	?= 1500
# The bench's migration metrics move and check 256 MiB many times over.
BENCH_TIMEOUT	:= $(if $(filter file,$(origin VM_TIMEOUT)),3600,$(VM_TIMEOUT))
ONLY		?=
IGT		?=
STRESS_SECONDS	?=
STRESS_SEED	?=
STRESS_SUBTESTS	?=
STRESS_COHERENT	?=
FUZZ_SEED	?=
FUZZ_CALLS	?=
FUZZ_FAILSLAB	?=
FUZZ_REPRO	?=
# KASAN's guest is about twice as slow: half the fuzzing time keeps CI short.
FUZZ_SECONDS	?= $(if $(filter 1,$(KASAN)),100)
FUZZ_APPEND	:= $(strip $(if $(FUZZ_SEED),svm.fuzz_seed=$(FUZZ_SEED)) \
		     $(if $(FUZZ_SECONDS),svm.fuzz_seconds=$(FUZZ_SECONDS)) \
		     $(if $(FUZZ_CALLS),svm.fuzz_calls=$(FUZZ_CALLS)) \
		     $(if $(FUZZ_FAILSLAB),svm.fuzz_failslab=$(FUZZ_FAILSLAB)) \
		     $(if $(FUZZ_REPRO),svm.fuzz_repro=$(FUZZ_REPRO)))
STRESS_APPEND	:= $(strip $(if $(STRESS_SECONDS),svm.stress_seconds=$(STRESS_SECONDS)) \
		     $(if $(STRESS_SEED),svm.stress_seed=$(STRESS_SEED)) \
		     $(if $(STRESS_SUBTESTS),svm.stress_subtests=$(STRESS_SUBTESTS)) \
		     $(if $(STRESS_COHERENT),svm.stress_coherent=$(STRESS_COHERENT)))
export KASAN DRM_SVM_CACHE

VM		:= tools/testing/vm
OUT		:= $(CURDIR)/build
SVM_SRC		:= $(CURDIR)/drivers/gpu/drm/svm
# Evaluated when first used, after "kernel" has installed the source. make
# 4.3 does not export variables to $(shell), hence KASAN= spelled out.
KDIR		= $(shell KASAN=$(KASAN) $(VM)/kernel.sh dir)
KSRC		= $(shell KASAN=$(KASAN) $(VM)/kernel.sh src)

# Out-of-tree: our headers must win over the copies hooked into the kernel
# tree, so they go in NOSTDINC_FLAGS, which precedes the kernel's includes.
KMOD_ARGS	= -C $(KDIR) M=$(SVM_SRC) \
		  CONFIG_DRM_SVM=m CONFIG_DRM_VSVM=m CONFIG_DRM_SVM_KUNIT_TEST=m \
		  NOSTDINC_FLAGS="-I$(CURDIR)/include -I$(CURDIR)/include/uapi \
				  -I$(KSRC)/include/uapi/drm"

.PHONY: all deps kernel modules intree userspace initramfs run test bench \
	vm-shell clean clean-cache help

all: initramfs

help: ## list the targets
	@sed -n 's/^\([a-z-]*\):.*## \(.*\)/  \1\t\2/p' $(MAKEFILE_LIST) | expand -t 14

deps: ## install the Debian packages the build needs
	@$(VM)/deps.sh

kernel: deps ## build the cached test kernel (no-op when cached)
	@$(VM)/kernel.sh build

modules: kernel ## build drm_svm.ko, vsvm.ko, drm_svm_test.ko out-of-tree
	$(MAKE) $(KMOD_ARGS) W=1 modules

# Build drivers/gpu/drm/svm/ inside the kernel tree, as upstream would.
intree: kernel ## build drivers/gpu/drm/svm inside the kernel tree
	@$(VM)/kernel.sh intree

userspace: kernel ## build libdrm_svm, IGT tests, tools and hmm-tests
	$(MAKE) -C tools/lib/drm_svm O=$(OUT)/lib UAPI=$(CURDIR)/include/uapi/drm
	$(MAKE) -C tests/igt O=$(OUT)/igt UAPI=$(CURDIR)/include/uapi/drm \
		LIBDRM_SVM=$(OUT)/lib all
	$(MAKE) -C tools/svm O=$(OUT)/tools UAPI=$(CURDIR)/include/uapi/drm \
		LIBDRM_SVM=$(OUT)/lib
	@$(VM)/build-peer.sh $(OUT)/peer

initramfs: modules userspace ## assemble the guest initramfs
	@$(VM)/mkinitramfs.sh $(OUT)

run: initramfs ## boot the VM with 4 virtual GPUs and run the demo
	@$(VM)/run-vm.sh --out $(OUT)/run --plan demo --timeout $(VM_TIMEOUT)

test: initramfs ## all tests in the VM; ends "N passed, N failed, N skipped"
	@$(VM)/test.sh --out $(OUT)/test$(if $(filter 1,$(KASAN)),-kasan) \
		--timeout $(VM_TIMEOUT) --only "$(ONLY)" \
		$(if $(IGT),--igt "$(IGT)") \
		$(if $(STRESS_APPEND)$(FUZZ_APPEND),--append "$(strip \
		$(STRESS_APPEND) $(FUZZ_APPEND))")

bench: initramfs ## benchmarks against test_hmm in the VM (bench: lines)
	@$(VM)/run-vm.sh --out $(OUT)/bench --plan bench --timeout $(BENCH_TIMEOUT) \
		$(if $(BENCH)$(filter 1,$(PROFILE)),--append "$(strip \
		$(if $(BENCH),svm.bench=$(subst $(space),$(comma),$(strip $(BENCH)))) \
		$(if $(filter 1,$(PROFILE)),svm.profile=1))")

vm-shell: initramfs ## interactive shell in the VM, modules loaded
	@$(VM)/run-vm.sh --out $(OUT)/shell --plan shell --interactive

clean: ## remove build outputs of the work tree
	-@[ -d "$(KDIR)" ] && $(MAKE) $(KMOD_ARGS) clean >/dev/null
	-$(MAKE) -C tests/igt O=$(OUT)/igt clean >/dev/null
	-$(MAKE) -C tools/lib/drm_svm O=$(OUT)/lib clean >/dev/null
	rm -rf $(OUT)

clean-cache: ## remove the kernel cache
	rm -rf $(or $(DRM_SVM_CACHE),$(HOME)/.cache/drm-svm)

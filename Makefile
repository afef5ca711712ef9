# SPDX-License-Identifier: GPL-2.0-or-later
#
# igvt: the top-level entry points.  QEMU itself is built by its own
# meson/ninja in $(QEMU_BUILD); this file only lays igvt over QEMU's tree,
# drives ninja and runs the test rings.

SRCDIR := $(CURDIR)
-include config.mak

QEMU_BUILD ?= $(SRCDIR)/build/qemu-build
QEMU_TREE ?= $(SRCDIR)/build/qemu
BUILDDIR ?= $(SRCDIR)/build
QEMU := $(QEMU_BUILD)/qemu-system-x86_64
JOBS ?= $(shell nproc)
GUEST_WORK ?= $(BUILDDIR)/guest
HOST_WORK ?= $(BUILDDIR)/host

export CCACHE_BASEDIR := $(BUILDDIR)
export CCACHE_NOHASHDIR := 1

# The igvt qtests (listed once, in tests/qtest/igvt/meson.build), QEMU's
# generic tests that exercise every device and command (so they see
# igvt-vga and query-igvt), igvt's unit tests and the replay of each fuzz
# target's corpus (tests/fuzz/).
IGVT_QTESTS := $(shell sed -n "s/^ *'\(igvt-[a-z0-9-]*\)',\{0,1\}$$/\1/p" \
                 tests/qtest/igvt/meson.build)
ifeq ($(IGVT_QTESTS),)
$(error no qtest names found in tests/qtest/igvt/meson.build)
endif
GENERIC_QTESTS := qmp-cmd-test test-hmp device-introspect-test qom-test
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz-igvt-%.c,%,$(wildcard tests/fuzz/fuzz-igvt-*.c))
UNIT_TESTS := $(notdir $(basename $(wildcard tests/unit/test-igvt-*.c))) \
              $(addprefix igvt/test-igvt-fuzz-,$(FUZZ_TARGETS))
QTESTS := $(IGVT_QTESTS) $(GENERIC_QTESTS)
TEST_TARGETS := $(addprefix tests/unit/,$(UNIT_TESTS)) \
                $(addprefix tests/qtest/,$(QTESTS))

# The sanitizer build (make check-sanitizers): gcc's ASan and UBSan, every
# UBSan finding fatal.  The fuzzing build (make fuzz): clang, libFuzzer,
# ASan and UBSan.  Both are configured from the same overlaid tree.
ASAN_BUILD := $(BUILDDIR)/qemu-asan
ASAN_QEMU_ARGS := --enable-asan --enable-ubsan \
    --extra-cflags="-fno-sanitize-recover=undefined -fno-omit-frame-pointer"
FUZZ_BUILD := $(BUILDDIR)/qemu-fuzz
FUZZ_QEMU_ARGS := --enable-fuzzing $(ASAN_QEMU_ARGS)
FUZZ_MINUTES ?= 1

.PHONY: all build deps overlay test-binaries check check-unit check-qtest \
        check-guest check-host check-sanitizers sanitizer-binaries \
        fuzz fuzz-deps \
        demo bench bench-display bench-exec bench-aperture clean distclean help

all: build

help:
	@echo "make            build qemu-system-x86_64 with igvt-vga"
	@echo "make demo       boot the demo guest on igvt-vga, shown on VNC :0"
	@echo "make check      build and run every test (unit, qtest, real guest, nested host)"
	@echo "make check SANITIZERS=1  the same, plus check-sanitizers' rings (as CI)"
	@echo "make check-unit | check-qtest | check-guest | check-host"
	@echo "make check-sanitizers  unit and qtest rings on an ASan+UBSan build"
	@echo "make fuzz [FUZZ_MINUTES=N]  run every fuzz target N minutes (docs/igvt/fuzzing.md)"
	@echo "make bench      the three benchmarks below (tests/bench/README.md)"
	@echo "make bench-display  display cost: igvt-vga against VGA and virtio-gpu"
	@echo "make bench-exec     command audit MB/s, guest gem_exec_nop rate, ELSP latency"
	@echo "make bench-aperture guest writes through the aperture, fbcon, GGTT binds"

config.mak:
	./configure

deps:
	scripts/install-deps.sh

overlay: config.mak
	@scripts/qemu-overlay.py $(SRCDIR) $(QEMU_TREE) $(BUILDDIR)/qemu-pristine

# Firmware comes from Debian's seabios, qemu-system-data and ipxe-qemu.  A
# QEMU run from its build tree looks for it under qemu-bundle/, so point
# the firmware path entries there at the installed packages.
FIRMWARE_DIRS := /usr/share/qemu /usr/share/seabios /usr/lib/ipxe/qemu

# $(call firmware,BUILD_DIR)
firmware = for d in $(FIRMWARE_DIRS); do \
	    l=$(1)/qemu-bundle$$d; \
	    [ -e $$l ] || { mkdir -p $$(dirname $$l) && ln -s $$d $$l; }; \
	done

build: overlay
	ninja -C $(QEMU_BUILD) -j$(JOBS) qemu-system-x86_64
	@$(call firmware,$(QEMU_BUILD))

GUEST_CMD := $(SRCDIR)/tests/guest/run.sh --qemu $(QEMU) --work $(GUEST_WORK)
# The igvt-host module, built and attacked inside a guest on igvt-vga
HOST_CMD := $(SRCDIR)/tests/host/run.sh --qemu $(QEMU) --work $(HOST_WORK) \
            --guest-work $(GUEST_WORK) check
RUN_TESTS := $(SRCDIR)/scripts/run-tests.py --build $(QEMU_BUILD)

test-binaries: build
	ninja -C $(QEMU_BUILD) -j$(JOBS) $(TEST_TARGETS)

# Every ring in one run, with one closing tally; with SANITIZERS=1 (as CI
# runs it) the unit and qtest rings also run on the sanitizer build.
check: test-binaries $(if $(SANITIZERS),sanitizer-binaries)
	$(RUN_TESTS) $(if $(SANITIZERS),--asan-build $(ASAN_BUILD)) \
	    --unit $(UNIT_TESTS) --qtest $(QTESTS) --host "$(HOST_CMD)" \
	    --guest $(GUEST_CMD) check

check-unit: test-binaries
	$(RUN_TESTS) --unit $(UNIT_TESTS)

check-qtest: test-binaries
	$(RUN_TESTS) --qtest $(QTESTS)

$(ASAN_BUILD)/build.ninja: config.mak scripts/qemu-configure.sh | overlay
	scripts/qemu-configure.sh $(QEMU_TREE) $(ASAN_BUILD) gcc $(ASAN_QEMU_ARGS)

sanitizer-binaries: overlay $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD) -j$(JOBS) qemu-system-x86_64 $(TEST_TARGETS)
	@$(call firmware,$(ASAN_BUILD))

# The unit and qtest rings again, on the sanitizer build
check-sanitizers: sanitizer-binaries
	$(SRCDIR)/scripts/run-tests.py --asan-build $(ASAN_BUILD) \
	    --unit $(UNIT_TESTS) --qtest $(QTESTS)

check-guest: build
	$(RUN_TESTS) --guest $(GUEST_CMD) check

check-host: build
	$(RUN_TESTS) --host "$(HOST_CMD)"

demo: build
	$(GUEST_CMD) demo

# The benchmarks, one after the other (never two guests at once, even
# under make -j); each reports its own baselines and fails only when
# something did not run.  Each runs even if one before it failed.
bench: build
	@rc=0; \
	$(MAKE) --no-print-directory bench-display || rc=1; \
	$(MAKE) --no-print-directory bench-exec || rc=1; \
	$(MAKE) --no-print-directory bench-aperture || rc=1; \
	exit $$rc

bench-display: build
	$(SRCDIR)/tests/bench/display.sh --qemu $(QEMU) --work $(BUILDDIR)/bench --guest-work $(GUEST_WORK)

bench-exec: build
	ninja -C $(QEMU_BUILD) -j$(JOBS) tests/unit/igvt/bench-igvt-audit \
	    tests/qtest/igvt-sched-test
	$(SRCDIR)/tests/bench/exec.sh --qemu $(QEMU) \
	    --audit-bin $(QEMU_BUILD)/tests/unit/igvt/bench-igvt-audit \
	    --sched-bin $(QEMU_BUILD)/tests/qtest/igvt-sched-test \
	    --work $(BUILDDIR)/bench --guest-work $(GUEST_WORK)

bench-aperture: build
	$(SRCDIR)/tests/bench/aperture.sh --qemu $(QEMU) --work $(BUILDDIR)/bench --guest-work $(GUEST_WORK)

# clang and libFuzzer come with Debian's clang package
fuzz-deps:
	scripts/install-deps.sh --fuzz

$(FUZZ_BUILD)/build.ninja: config.mak scripts/qemu-configure.sh | overlay fuzz-deps
	scripts/qemu-configure.sh $(QEMU_TREE) $(FUZZ_BUILD) clang $(FUZZ_QEMU_ARGS)

fuzz: overlay $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD) -j$(JOBS) qemu-fuzz-x86_64 \
	    $(addprefix tests/unit/igvt/fuzz-igvt-,$(FUZZ_TARGETS))
	@$(call firmware,$(FUZZ_BUILD))
	$(SRCDIR)/scripts/fuzz.sh --build $(FUZZ_BUILD) --work $(BUILDDIR)/fuzz \
	    --corpus $(SRCDIR)/tests/fuzz/corpus --minutes $(FUZZ_MINUTES) \
	    $(FUZZ_TARGETS) generic-igvt-vga

clean:
	-ninja -C $(QEMU_BUILD) clean

distclean:
	rm -rf $(BUILDDIR) config.mak

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

export CCACHE_BASEDIR := $(BUILDDIR)
export CCACHE_NOHASHDIR := 1

# The igvt qtests, QEMU's generic tests that exercise every device and
# command (so they see igvt-vga and query-igvt), and igvt's unit tests.
IGVT_QTESTS := igvt-pci-test igvt-display-test igvt-exec-test igvt-sched-test \
               igvt-hostile-test
GENERIC_QTESTS := qmp-cmd-test test-hmp device-introspect-test qom-test
UNIT_TESTS := $(notdir $(basename $(wildcard tests/unit/test-igvt-*.c)))

.PHONY: all build deps overlay test-binaries check check-unit check-qtest \
        check-guest \
        demo bench bench-display bench-exec clean distclean help

all: build

help:
	@echo "make            build qemu-system-x86_64 with igvt-vga"
	@echo "make demo       boot the demo guest on igvt-vga, shown on VNC :0"
	@echo "make check      build and run every test (unit, qtest, real guest)"
	@echo "make check-unit | check-qtest | check-guest"
	@echo "make bench      both benchmarks below (tests/bench/README.md)"
	@echo "make bench-display  display cost: igvt-vga against VGA and virtio-gpu"
	@echo "make bench-exec     command audit MB/s, guest gem_exec_nop rate, ELSP latency"

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

build: overlay
	ninja -C $(QEMU_BUILD) -j$(JOBS) qemu-system-x86_64
	@for d in $(FIRMWARE_DIRS); do \
	    l=$(QEMU_BUILD)/qemu-bundle$$d; \
	    [ -e $$l ] || { mkdir -p $$(dirname $$l) && ln -s $$d $$l; }; \
	done

GUEST_CMD := $(SRCDIR)/tests/guest/run.sh --qemu $(QEMU) --work $(GUEST_WORK)
RUN_TESTS := $(SRCDIR)/scripts/run-tests.py --build $(QEMU_BUILD)

test-binaries: build
	ninja -C $(QEMU_BUILD) -j$(JOBS) \
	    $(addprefix tests/unit/,$(UNIT_TESTS)) \
	    $(addprefix tests/qtest/,$(IGVT_QTESTS) $(GENERIC_QTESTS))

# Every ring in one run, with one closing tally
check: test-binaries
	$(RUN_TESTS) --unit $(UNIT_TESTS) \
	    --qtest $(IGVT_QTESTS) $(GENERIC_QTESTS) --guest $(GUEST_CMD) check

check-unit: test-binaries
	$(RUN_TESTS) --unit $(UNIT_TESTS)

check-qtest: test-binaries
	$(RUN_TESTS) --qtest $(IGVT_QTESTS) $(GENERIC_QTESTS)

check-guest: build
	$(RUN_TESTS) --guest $(GUEST_CMD) check

demo: build
	$(GUEST_CMD) demo

# Both benchmarks, one after the other (never two guests at once, even
# under make -j); each reports its own baselines and fails only when
# something did not run.  The second runs even if the first failed.
bench: build
	@rc=0; \
	$(MAKE) --no-print-directory bench-display || rc=1; \
	$(MAKE) --no-print-directory bench-exec || rc=1; \
	exit $$rc

bench-display: build
	$(SRCDIR)/tests/bench/display.sh --qemu $(QEMU) --work $(BUILDDIR)/bench --guest-work $(GUEST_WORK)

bench-exec: build
	ninja -C $(QEMU_BUILD) -j$(JOBS) tests/unit/igvt/bench-igvt-audit
	$(SRCDIR)/tests/bench/exec.sh --qemu $(QEMU) \
	    --audit-bin $(QEMU_BUILD)/tests/unit/igvt/bench-igvt-audit \
	    --work $(BUILDDIR)/bench --guest-work $(GUEST_WORK)

clean:
	-ninja -C $(QEMU_BUILD) clean

distclean:
	rm -rf $(BUILDDIR) config.mak

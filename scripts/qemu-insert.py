#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The lines igvt adds to QEMU's own files to register itself.

Each insertion names a QEMU file, an anchor line that must occur exactly
once, and the lines to put after it (or before it, or at the end of the
file).  scripts/qemu-overlay.py applies them to the pristine copy of each
file at every overlay, so the result never depends on an earlier run:
editing an insertion replaces it and dropping one removes it.  Each block
sits between "igvt begin"/"igvt end" comment lines so a reader of the
QEMU tree sees what is igvt's.  A missing or ambiguous anchor is an
error, so a QEMU update that moves an anchor fails loudly instead of
building without igvt.
"""

# (file, anchor or None for end of file, lines, insert before the anchor?)
INSERTIONS = [
    ("hw/display/meson.build", None, ["subdir('igvt')"], False),
    ("hw/display/Kconfig", None, ["source igvt/Kconfig"], False),
    # subdir('trace') runs before subdir('hw'), so the trace directory list
    # is the one place igvt's own meson.build cannot extend.
    ("meson.build", "    'hw/display',", ["    'hw/display/igvt',"], False),
    ("qapi/meson.build", "    'cryptodev',", ["    'igvt',"], False),
    ("qapi/qapi-schema.json", "{ 'include': 'uefi.json' }",
     ["{ 'include': 'igvt.json' }"], False),
    ("tests/qtest/meson.build", "qtests_x86_64 = qtests_i386",
     ["subdir('igvt')"], False),
    # igvt's qtest library joins libqos, which every qtest links (as
    # libqos/ahci.c does for ahci-test), with the engine and port tables
    ("tests/qtest/libqos/meson.build",
     "libqos = static_library('qos', libqos_srcs + genh,",
     ["if config_all_devices.has_key('CONFIG_IGVT')",
      "  libqos_srcs += files('igvt.c',",
      "                       '../../../hw/display/igvt/hwinfo.c')",
      "endif",
      ""], True),
    ("tests/unit/meson.build", "foreach test_name, extra: tests",
     ["if have_system and 'CONFIG_IGVT' in config_all_devices",
      "  subdir('igvt')",
      "endif"], True),
    # "info igvt": the handler is attached at run time by igvt itself
    # (monitor_register_hmp), as host-libusb.c does for "info usbhost".
    ("hmp-commands-info.hx", "    {\n        .name       = \"capture\",",
     ["    {",
      "        .name       = \"igvt\",",
      "        .args_type  = \"\",",
      "        .params     = \"\",",
      "        .help       = \"show igvt virtual GPUs\",",
      "    },",
      "",
      "SRST",
      "  ``info igvt``",
      "    Show the igvt virtual GPUs and their counters.",
      "ERST",
      ""], True),
    # A named generic-fuzz target, generic-fuzz-igvt-vga, for QEMU's
    # fuzzing build (configure --enable-fuzzing; docs/igvt/fuzzing.md).
    ("tests/qtest/fuzz/generic_fuzz_configs.h",
     "const generic_fuzz_config predefined_configs[] = {",
     ["    {",
      "        .name = \"igvt-vga\",",
      "        .args = \"-machine q35 -nodefaults -vga none \"",
      "        \"-device igvt-vga,addr=02.0,aperture-size=64M,\"",
      "        \"low-gm-size=32M,high-gm-size=64M\",",
      "        .objects = \"igvt*\",",
      "    },"], False),
]

# How each kind of QEMU file spells a comment line.
COMMENT = {
    ".build": "# {}", "Kconfig": "# {}", ".json": "# {}",
    ".hx": "HXCOMM {}", ".h": "/* {} */", ".c": "/* {} */",
}


class InsertError(Exception):
    pass


def comment(path, text):
    for suffix, fmt in COMMENT.items():
        if path.endswith(suffix):
            return fmt.format(text)
    raise InsertError(f"no comment syntax known for {path}")


def files():
    """The QEMU files igvt inserts into."""
    return {path for path, _, _, _ in INSERTIONS}


def apply(path, text):
    """Return QEMU's text of path with every insertion for it applied."""
    for p, anchor, lines, before in INSERTIONS:
        if p != path:
            continue
        block = "\n".join([comment(path, "igvt begin"), *lines,
                           comment(path, "igvt end")]) + "\n"
        if anchor is None:
            if text and not text.endswith("\n"):
                text += "\n"
            text += block
            continue
        count = text.count(anchor + "\n")
        if count != 1:
            raise InsertError(f"anchor {anchor!r} occurs {count} times in "
                              f"{path}; cannot register igvt")
        pos = text.index(anchor + "\n")
        if not before:
            pos += len(anchor) + 1
        text = text[:pos] + block + text[pos:]
    return text

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Register igvt's files with QEMU's build by small scripted insertions.

Each insertion names a QEMU file, an anchor line that must occur exactly
once, and the lines to put after it (or at the end of the file).  Running
the script again changes nothing: an insertion whose lines are already in
place is skipped.  A missing or ambiguous anchor is an error, so a QEMU
update that moves an anchor fails loudly instead of building without igvt.
"""

import sys
from pathlib import Path

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
]


def insert(root, path, anchor, lines, before=False):
    f = root / path
    text = f.read_text()
    block = "\n".join(lines) + "\n"
    if block in text:
        return False
    if anchor is None:
        if not text.endswith("\n"):
            text += "\n"
        text += block
    else:
        count = text.count(anchor + "\n")
        if count != 1:
            sys.exit(f"qemu-insert: anchor {anchor!r} occurs {count} times "
                     f"in {path}; cannot register igvt")
        pos = text.index(anchor + "\n")
        if not before:
            pos += len(anchor) + 1
        text = text[:pos] + block + text[pos:]
    f.write_text(text)
    return True


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: qemu-insert.py QEMU_TREE")
    root = Path(sys.argv[1])
    for path, anchor, lines, before in INSERTIONS:
        if insert(root, path, anchor, lines, before):
            print(f"qemu-insert: registered igvt in {path}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Lay igvt's files over a QEMU tree and register them with QEMU's build.

    qemu-overlay.py PROJECT_DIR QEMU_TREE PRISTINE_TREE

The result depends only on the project and the pristine QEMU tree, never on
what an earlier run left behind:

* every project file under the directories that mirror QEMU's layout is
  copied into the tree;
* every QEMU file that igvt registers itself in (scripts/qemu-insert.py) is
  rebuilt from its pristine copy with the current insertions, so editing or
  dropping an insertion replaces or removes it instead of adding a copy;
* a manifest in the tree lists every file the overlay wrote; a file it
  wrote last time and no longer writes (a deleted header, a dropped
  insertion) goes back to its pristine copy, or away if QEMU has none.

A file is written only when its contents change, so re-running make after
editing one file rebuilds only what depends on it.  A written file gets a
fresh timestamp (not the project file's): a file edited while a build ran
must still look newer than the objects that build produced.
"""

import importlib.util
import sys
from pathlib import Path

# The project directories that mirror QEMU's layout.
DIRS = ["hw", "include", "qapi", "tests/qtest", "tests/unit", "tests/fuzz",
        "docs/system"]

MANIFEST = ".igvt-overlay-manifest"


def load_insertions(project):
    path = project / "scripts" / "qemu-insert.py"
    spec = importlib.util.spec_from_file_location("qemu_insert", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def project_files(project):
    """Relative paths of the project files laid over QEMU."""
    files = set()
    for d in DIRS:
        top = project / d
        if not top.is_dir():
            continue
        for f in top.rglob("*"):
            if f.is_file() and not f.name.endswith("~") \
               and not any(p.startswith(".") for p in f.relative_to(top).parts):
                files.add(f.relative_to(project).as_posix())
    return files


def update(path, data):
    """Write data to path unless it already holds it; True if written."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: qemu-overlay.py PROJECT_DIR QEMU_TREE PRISTINE_TREE")
    project, tree, pristine = (Path(a).resolve() for a in sys.argv[1:])
    if not (pristine / "VERSION").is_file():
        sys.exit(f"qemu-overlay: {pristine} is not a pristine QEMU tree; "
                 "run ./configure")
    insert = load_insertions(project)

    wanted = {}
    for rel in project_files(project):
        if rel in insert.files():
            sys.exit(f"qemu-overlay: {rel} is both a project file and a "
                     "QEMU file igvt inserts into")
        wanted[rel] = (project / rel).read_bytes()
    for rel in insert.files():
        try:
            text = (pristine / rel).read_text()
        except FileNotFoundError:
            sys.exit(f"qemu-overlay: QEMU has no {rel} to register igvt in")
        try:
            wanted[rel] = insert.apply(rel, text).encode()
        except insert.InsertError as e:
            sys.exit(f"qemu-overlay: {e}")

    manifest = tree / MANIFEST
    old = set(manifest.read_text().split()) if manifest.exists() else set()
    for rel in sorted(old - wanted.keys()):
        if (pristine / rel).is_file():
            update(tree / rel, (pristine / rel).read_bytes())
            print(f"qemu-overlay: restored QEMU's {rel}")
        elif (tree / rel).exists():
            (tree / rel).unlink()
            print(f"qemu-overlay: removed {rel}")

    for rel, data in sorted(wanted.items()):
        if update(tree / rel, data) and rel in insert.files():
            print(f"qemu-overlay: registered igvt in {rel}")

    update(manifest, "".join(f"{rel}\n" for rel in sorted(wanted)).encode())


if __name__ == "__main__":
    main()

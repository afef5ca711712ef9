#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Lay igvt's files over a QEMU tree and register them with QEMU's build.
#
#   qemu-overlay.sh PROJECT_DIR QEMU_TREE
#
# Files are copied only when their contents differ, so re-running make
# after editing one file rebuilds only what depends on it.  A copy gets a
# fresh timestamp (not the project file's): a file edited while a build
# ran must still look newer than the objects that build produced.
set -euo pipefail

project=${1:?usage: qemu-overlay.sh PROJECT_DIR QEMU_TREE}
tree=${2:?usage: qemu-overlay.sh PROJECT_DIR QEMU_TREE}

# The project directories that mirror QEMU's layout.
DIRS="hw include qapi tests/qtest tests/unit docs/system"

cd "$project"
for d in $DIRS; do
    [ -d "$d" ] || continue
    find "$d" -type f ! -name '*~' ! -name '.*' -print0 |
    while IFS= read -r -d '' f; do
        if ! cmp -s "$f" "$tree/$f"; then
            mkdir -p "$tree/$(dirname "$f")"
            cp "$f" "$tree/$f"
        fi
    done
done

python3 "$project/scripts/qemu-insert.py" "$tree"

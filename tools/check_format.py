#!/usr/bin/env python3
"""check_format.py - the C code is as its .clang-format says.

Runs clang-format (Debian 12's, 14) in dry-run mode over every .c and .h of
server/, tools/ and tests/ (build folders and node_modules excepted) and fails
(exit 1) naming the files it would change, with the first lines of the
difference, so a change that was not formatted is seen at once. Format a file
with: clang-format -i FILE. ctest runs it as unit/c_format
(tests/CMakeLists.txt).

Usage: tools/check_format.py [SOURCE_DIR] [CLANG_FORMAT]
"""

import difflib
import os
import subprocess
import sys

FOLDERS = ("server", "tools", "tests")
SKIP = {"node_modules", "build", "build-asan", "build-fuzz"}


def sources(root):
    for top in FOLDERS:
        for base, dirs, files in os.walk(os.path.join(root, top)):
            dirs[:] = sorted(d for d in dirs if d not in SKIP)
            for name in sorted(files):
                if name.endswith((".c", ".h")):
                    yield os.path.join(base, name)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tool = sys.argv[2] if len(sys.argv) > 2 else "clang-format"
    bad = []
    count = 0
    for path in sources(root):
        count += 1
        with open(path, encoding="utf-8") as f:
            text = f.read()
        out = subprocess.run([tool, "--style=file", "--assume-filename=" + path],
                             input=text, capture_output=True, text=True,
                             check=True).stdout
        if out != text:
            diff = list(difflib.unified_diff(text.splitlines(), out.splitlines(),
                                             lineterm="", n=0))
            bad.append((os.path.relpath(path, root), diff[2:8]))
    for path, diff in bad:
        print(f"{path}: not as .clang-format says (clang-format -i {path})")
        for line in diff:
            print("    " + line)
    print(f"check_format: {count} files, {len(bad)} to format")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

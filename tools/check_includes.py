#!/usr/bin/env python3
"""check_includes.py - no include circle among the server's folders.

Reads every server/**/*.c and *.h, takes each `#include "folder/x.h"` as an
edge from the including file's folder to that folder, and fails (exit 1,
printing the circle and the files that make each edge) when the folders
include each other in a circle. server.h, at the root, stands for what it
includes (base/, db/); the root's .c files (main.c, metrics.c, op_table.c,
routes.c) wire every folder together and are included by none, so they are
not part of the graph.

There is no exception: a folder reaches a folder above it only through a
hook that the root sets (ws_session_hooks and op_reply_sink in main.c,
http_routes and http_session_hooks in routes.c, http_metrics_text in
metrics.c). ctest runs it as unit/include_circles (tests/CMakeLists.txt).

Usage: tools/check_includes.py [SERVER_DIR]   (default: server/ beside tools/)
"""

import os
import re
import sys

FOLDERS = ("base", "net", "rpc", "db", "live", "order", "auth", "features",
           "media")

# The order the folders follow: base < db < rpc < net < auth < order < live,
# and auth < media < features.

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def folder_of(rel):
    """The folder of a path relative to server/, or None at the root."""
    head = rel.split("/", 1)[0]
    return head if "/" in rel and head in FOLDERS else None


def read_includes(server):
    """{file relative to server/: [included paths]} for every .c and .h."""
    includes = {}
    for root, _, files in os.walk(server):
        for name in files:
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, server).replace(os.sep, "/")
            with open(path, encoding="utf-8", errors="replace") as f:
                includes[rel] = INCLUDE.findall(f.read())
    return includes


def folders_reached(inc, includes, seen=None):
    """The folders an include reaches: its own, or through a root header
    (server.h) the folders that header includes."""
    head = inc.split("/", 1)[0]
    if "/" in inc and head in FOLDERS:
        return {head}
    if "/" in inc or inc not in includes:
        return set()  # not the server's (a generated file, another tree)
    seen = seen or set()
    if inc in seen:
        return set()
    seen.add(inc)
    reached = set()
    for sub in includes[inc]:
        reached |= folders_reached(sub, includes, seen)
    return reached


def build_graph(includes):
    """{(from folder, to folder): [(file, via)]}."""
    edges = {}
    for rel, incs in sorted(includes.items()):
        src = folder_of(rel)
        if src is None:
            continue  # the root: main.c, routes.c, server.h...
        for inc in incs:
            for dst in sorted(folders_reached(inc, includes)):
                if dst != src:
                    edges.setdefault((src, dst), []).append((rel, inc))
    return edges


def find_cycle(edges):
    """One circle of folders as a list [a, b, ..., a], or None."""
    succ = {}
    for src, dst in edges:
        succ.setdefault(src, set()).add(dst)
    state = {}  # folder -> 1 on the path, 2 done
    path = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for nxt in sorted(succ.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(succ):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    server = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "server")
    includes = read_includes(server)
    if not includes:
        print(f"check_includes: no C files under {server}")
        return 2
    edges = build_graph(includes)
    cycle = find_cycle(edges)
    if cycle is None:
        print(f"check_includes: no include circle among the folders of "
              f"{len(includes)} files")
        return 0
    print("check_includes: the folders include each other in a circle: "
          + " -> ".join(cycle))
    for src, dst in zip(cycle, cycle[1:]):
        for rel, inc in edges[(src, dst)]:
            print(f"  {src} -> {dst}: {rel} includes \"{inc}\"")
    print("Break it: move a declaration to the lower folder, or pass a "
          "callback (a hook the root sets, as main.c sets ws_session_hooks) "
          "instead of including upward.")
    return 1


if __name__ == "__main__":
    sys.exit(main())

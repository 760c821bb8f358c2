#!/usr/bin/env python3
"""check_includes.py - no include circle among the server's folders.

Reads every server/**/*.c and *.h, takes each `#include "folder/x.h"` as an
edge from the including file's folder to that folder, and fails (exit 1,
printing the circle and the files that make each edge) when the folders
include each other in a circle. server.h, at the root, stands for what it
includes (base/, db/); the root's .c files (main.c, op_table.c, routes.c)
wire every folder together and are included by none, so they are not part
of the graph.

The edges in ALLOWED are left out of the graph: each is one file's include of
a folder that closes a circle which cannot be broken yet, with the reason. A
new include that closes a circle fails the check, even between the same
folders. ctest runs it as unit/include_circles (tests/CMakeLists.txt).

Usage: tools/check_includes.py [SERVER_DIR]   (default: server/ beside tools/)
"""

import os
import re
import sys

FOLDERS = ("base", "net", "rpc", "db", "live", "order", "auth", "features",
           "media")

# (file, folder it includes): why that edge is still allowed. The order the
# rest of the graph follows is base < db < rpc < net < auth < order < live and
# auth < media < features; each edge here points the other way.
ALLOWED = {
    ("net/ws_session.c", "auth"):
        "a session is authenticated by auth (auth_cookie_check, "
        "auth_resolve) and holds its auth_user (its ids and role for the "
        "audience, its hello text), while auth closes the sessions it "
        "revokes (found through net/audience.h)",
}

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
    """{(from folder, to folder): [(file, via)]} without ALLOWED edges, and
    the ALLOWED entries that no longer match any include."""
    edges = {}
    used = set()
    for rel, incs in sorted(includes.items()):
        src = folder_of(rel)
        if src is None:
            continue  # the root: main.c, op_table.c, server.h
        for inc in incs:
            for dst in sorted(folders_reached(inc, includes)):
                if dst == src:
                    continue
                if (rel, dst) in ALLOWED:
                    used.add((rel, dst))
                    continue
                edges.setdefault((src, dst), []).append((rel, inc))
    return edges, sorted(set(ALLOWED) - used)


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
    edges, stale = build_graph(includes)
    for rel, dst in stale:
        # Not an error: the circle it allowed was broken. Say so, so that
        # the entry is removed and cannot hide a new circle later.
        print(f"check_includes: allowed edge no longer used, remove it: "
              f"{rel} -> {dst}/")
    cycle = find_cycle(edges)
    if cycle is None:
        print(f"check_includes: no include circle among the folders of "
              f"{len(includes)} files ({len(ALLOWED) - len(stale)} edges "
              f"allowed)")
        return 0
    print("check_includes: the folders include each other in a circle: "
          + " -> ".join(cycle))
    for src, dst in zip(cycle, cycle[1:]):
        for rel, inc in edges[(src, dst)]:
            print(f"  {src} -> {dst}: {rel} includes \"{inc}\"")
    print("Break it (move a declaration to the lower folder, or pass a "
          "callback instead of including upward), or, when it cannot be "
          "broken yet, add the edge to ALLOWED in tools/check_includes.py "
          "with its reason.")
    return 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Lists the pairs of pmquiz modules (one per source file) that import each other, and any longer
import cycle between files. Exit code 1 when there is one.

A file imports another when it names it in a `use` path or a path expression (`crate::a::b`,
`super::b`, `self::b`); a directory module (`src/x/mod.rs`) stands for itself, and a path that
goes through it to a file counts as an import of that file. Doc links (in comments) are ignored.
Usage: scripts/module-cycles.py [SRC_DIR]
"""
import os
import re
import sys

src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")
src = os.path.normpath(src)

def module_of(path):
    rel = os.path.relpath(path, src)[:-3].split(os.sep)
    if rel[-1] == "mod":
        rel = rel[:-1]
    if rel in (["lib"], ["main"]):
        return ()
    return tuple(rel)

modules = {}
for root, _, files in os.walk(src):
    for f in files:
        if f.endswith(".rs"):
            p = os.path.join(root, f)
            modules[module_of(p)] = p

def strip(text):
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    return text

def resolve(base, parts):
    """The longest known module named by a path from `base`."""
    path = list(base)
    for i, part in enumerate(parts):
        if part == "super":
            path = path[:-1]
        elif part == "self":
            pass
        elif part == "crate":
            path = []
        else:
            path = path + [part]
    best = None
    for n in range(len(path), -1, -1):
        if tuple(path[:n]) in modules:
            best = tuple(path[:n])
            break
    return best

def expand(tree):
    """Paths in a `use` tree: `a::{b, c::d}` gives a::b, a::c::d."""
    tree = tree.replace(" ", "").replace("\n", "")
    out = []
    def walk(prefix, t):
        depth = 0
        start = 0
        parts = []
        for i, ch in enumerate(t):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                parts.append(t[start:i])
                start = i + 1
        parts.append(t[start:])
        for part in parts:
            if not part:
                continue
            m = re.match(r"^(.*?)::\{(.*)\}$", part)
            if m:
                walk(prefix + m.group(1).split("::"), m.group(2))
            elif part.startswith("{") and part.endswith("}"):
                walk(prefix, part[1:-1])
            else:
                out.append(prefix + part.split(" as ")[0].split("::"))
    walk([], tree)
    return out

edges = {}
for mod, path in modules.items():
    text = strip(open(path, encoding="utf-8").read())
    # Only the code outside `#[cfg(test)] mod tests`: tests may reach anywhere.
    cut = re.search(r"#\[cfg\(test\)\]\s*mod\s+tests", text)
    if cut:
        text = text[: cut.start()]
    targets = set()
    base = list(mod)
    for m in re.finditer(r"\buse\s+([^;]+);", text):
        for parts in expand(m.group(1)):
            if parts[0] in ("crate", "super", "self"):
                t = resolve(base, parts)
                if t is not None:
                    targets.add(t)
    for m in re.finditer(r"\b((?:crate|super)(?:::\w+)+)", text):
        t = resolve(base, m.group(1).split("::"))
        if t is not None:
            targets.add(t)
    # A module is not "imported" by its own children or parents through re-exports.
    edges[mod] = {t for t in targets if t != mod and t[: len(mod)] != mod and mod[: len(t)] != t}

def name(m):
    return "/".join(m) or "crate"

status = 0
for a in sorted(edges):
    for b in sorted(edges[a]):
        if a < b and a in edges.get(b, set()):
            print(f"{name(a)} <-> {name(b)}")
            status = 1

# Longer cycles (Tarjan's strongly connected components).
index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]
def connect(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in edges.get(v, ()):
        if w not in index:
            connect(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            comps.append(comp)
sys.setrecursionlimit(10000)
for v in list(edges):
    if v not in index:
        connect(v)
for comp in comps:
    print("cycle: " + ", ".join(sorted(name(m) for m in comp)))
    status = 1
if status == 0:
    print(f"no import cycles among {len(modules)} modules")
sys.exit(status)

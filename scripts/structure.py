#!/usr/bin/env python3
"""How the source is laid out, in numbers: run from the repository root.

    python3 scripts/structure.py

Prints
  (a) the source files over 500 and over 600 lines;
  (b) how many lines declare something `pub`, with `pub(crate)` and `pub(super)` counted apart;
  (c) the import cycles between files: a graph file -> file from the `crate::`, `super::` and
      `self::` paths under src/ (in `use` statements and in code), each path resolved to the file
      of the module it names (an item's path to its module's file, following a module's
      `pub use` re-exports to the file that defines the item), and its strongly connected
      components of more than one file. Edges from `#[cfg(test)] mod ...` blocks and test-only
      module files are left out, and so are edges between a `mod.rs` (or `lib.rs`, or `a.rs`
      with an `a/` folder) and its own direct children: a parent re-exporting a child is not a
      cycle of concerns.

Standard library only.
"""

import os
import re
import sys
from collections import defaultdict

SRC = "src"


# ---------------------------------------------------------------------------------------------
# Reading a file: comments, strings and character literals blanked out, lines kept.


def strip_code(text):
    """The text with comments, string and char literals replaced by spaces (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if c == "/" and nxt == "/":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c == "/" and nxt == "*":
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "r" and re.match(r'r#*"', text[i:i + 260]) and not (i and (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'r(#*)"', text[i:])
            hashes = m.group(1)
            end = text.find('"' + hashes, i + len(m.group(0)))
            j = n if end < 0 else end + 1 + len(hashes)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "b" and nxt == '"' and not (i and (text[i - 1].isalnum() or text[i - 1] == "_")):
            out.append(" ")
            i += 1
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'":
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|\\.|[^\\'\n])'", text[i:i + 12])
            if m:
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
            else:  # a lifetime or label
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Files and the modules they are.


def source_files():
    files = []
    for root, _dirs, names in os.walk(SRC):
        for name in names:
            if name.endswith(".rs"):
                files.append(os.path.join(root, name).replace(os.sep, "/"))
    return sorted(files)


def module_of(path):
    """src/a/b.rs and src/a/b/mod.rs -> ('a', 'b'); src/lib.rs -> ()."""
    rel = path[len(SRC) + 1:-3].split("/")
    if rel == ["lib"] or rel == ["main"]:
        return ()
    if rel[-1] == "mod":
        rel = rel[:-1]
    return tuple(rel)


def file_of_module(mod, files):
    if mod == ():
        return SRC + "/lib.rs"
    base = SRC + "/" + "/".join(mod)
    for cand in (base + ".rs", base + "/mod.rs"):
        if cand in files:
            return cand
    return None


def resolve_module_prefix(path, files):
    """The file of the longest prefix of `path` that is a module file, and the rest."""
    for k in range(len(path), -1, -1):
        f = file_of_module(tuple(path[:k]), files)
        if f:
            return f, list(path[k:])
    return None, []


# ---------------------------------------------------------------------------------------------
# Paths in a file.

USE_RE = re.compile(r"\buse\s+([^;]*);", re.S)
PATH_RE = re.compile(r"(?<![\w$])((?:crate|self|super)(?:\s*::\s*(?:\w+))+)")
ITEM_RE = re.compile(
    r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:(?:const|async|unsafe|extern(?:\s+\"\w+\")?)\s+)*"
    r"(?:fn|struct|enum|trait|type|const|static|mod|union|macro_rules!)\s+(\w+)",
    re.M,
)


def use_paths(body):
    """All paths a `use` body names, fully expanded."""
    body = re.sub(r"\s+as\s+\w+", "", body)  # aliases do not change what is named
    body = re.sub(r"\s+", "", body)
    out = []

    def split_top(s):
        parts, depth, cur = [], 0, ""
        for ch in s:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        if cur:
            parts.append(cur)
        return parts

    def walk(prefix, s):
        if not s:
            return
        brace = s.find("{")
        if brace >= 0:
            head = s[:brace]
            inner = s[brace + 1:s.rfind("}")]
            head_parts = [p for p in head.split("::") if p]
            for part in split_top(inner):
                walk(prefix + head_parts, part)
            return
        parts = [p for p in s.split("::") if p]
        if parts and parts[-1] == "self":
            parts = parts[:-1]
        out.append(prefix + parts)

    walk([], body)
    return out


class FileInfo:
    def __init__(self, path, text):
        self.path = path
        self.text = text
        self.code = strip_code(text)
        self.module = module_of(path)
        self.test_only_children = set()  # names of `#[cfg(test)] mod x;` declared here
        self.items = set()  # names defined at any depth outside test blocks (approximation)
        self.reexports = {}  # name -> absolute path it re-exports
        self.globs = []  # absolute module paths re-exported with `*`
        self.paths = []  # (absolute path list, line number)
        self._scan()

    def _scan(self):
        code = self.code
        # Regions: inline modules (for `super::`/`self::`) and test blocks (ignored).
        regions = []  # (start, end, inline module path, is_test)
        for m in re.finditer(r"((?:#\[[^\]]*\]\s*)*)(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*([{;])", code):
            attrs, name, kind = m.group(1), m.group(2), m.group(3)
            is_test = "cfg(test)" in attrs.replace(" ", "")
            if kind == ";":
                if is_test:
                    self.test_only_children.add(name)
                continue
            start = m.end() - 1
            depth, j = 0, start
            while j < len(code):
                if code[j] == "{":
                    depth += 1
                elif code[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            regions.append((start, j, name, is_test))

        def context(pos):
            """(module path at pos, inside a test block?)"""
            mod = list(self.module)
            test = False
            for start, end, name, is_test in sorted(regions):
                if start <= pos <= end:
                    mod.append(name)
                    test = test or is_test
            return mod, test

        def absolute(parts, mod):
            parts = list(parts)
            if not parts:
                return None
            if parts[0] == "crate":
                return parts[1:]
            if parts[0] in ("self", "super"):
                base = list(mod)
                while parts and parts[0] in ("self", "super"):
                    if parts.pop(0) == "super":
                        if not base:
                            return None
                        base.pop()
                return base + parts
            if len(parts) and parts[0] in self.child_modules(mod):
                return list(mod) + parts  # 2018 paths: `use child::x` inside a module
            return None

        self._absolute = absolute

        # Items defined outside test blocks.
        for m in ITEM_RE.finditer(code):
            _, test = context(m.start())
            if not test:
                self.items.add(m.group(1))

        use_spans = []
        for m in USE_RE.finditer(code):
            use_spans.append((m.start(), m.end()))
            mod, test = context(m.start())
            line = code.count("\n", 0, m.start()) + 1
            is_pub = re.search(r"\bpub(\([^)]*\))?\s+$", code[max(0, m.start() - 20):m.start()]) is not None
            for parts in use_paths(m.group(1)):
                glob = parts and parts[-1] == "*"
                if glob:
                    parts = parts[:-1]
                ab = absolute(parts, mod)
                if ab is None:
                    continue
                if is_pub and not test and len(mod) == len(self.module):
                    if glob:
                        self.globs.append(ab)
                    elif ab:
                        self.reexports[ab[-1]] = ab
                if not test:
                    self.paths.append((ab, line))
        for m in PATH_RE.finditer(code):
            if any(s <= m.start() < e for s, e in use_spans):
                continue
            mod, test = context(m.start())
            if test:
                continue
            parts = [p for p in re.split(r"\s*::\s*", m.group(1)) if p]
            ab = absolute(parts, mod)
            if ab is not None:
                self.paths.append((ab, code.count("\n", 0, m.start()) + 1))

    _children = None

    def child_modules(self, mod):
        # Only `mod x;` declarations at file level name children for 2018-style relative paths.
        if tuple(mod) != self.module:
            return set()
        if self._children is None:
            self._children = set(re.findall(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", self.code, re.M))
        return self._children


def build_graph(infos):
    files = set(infos)

    def resolve(path, seen=None):
        """The file that defines what `path` names."""
        seen = seen or set()
        f, rest = resolve_module_prefix(path, files)
        if f is None or not rest:
            return f
        info = infos.get(f)
        name = rest[0]
        if info is None or name in info.items or (f, name) in seen:
            return f
        seen.add((f, name))
        if name in info.reexports:
            target = info.reexports[name] + rest[1:]
            return resolve(target, seen) or f
        for g in info.globs:
            gf = file_of_module(tuple(g), files)
            if gf and gf in infos and name in infos[gf].items:
                return resolve(list(g) + rest, seen) or f
        return f

    def is_parent_child(a, b):
        ma, mb = infos[a].module, infos[b].module
        return (len(mb) == len(ma) + 1 and mb[:-1] == ma) or (len(ma) == len(mb) + 1 and ma[:-1] == mb)

    test_files = set()
    for f, info in infos.items():
        for child in info.test_only_children:
            cf = file_of_module(info.module + (child,), files)
            if cf:
                test_files.add(cf)
    # A test file's own children are test-only too.
    changed = True
    while changed:
        changed = False
        for f in list(files - test_files):
            parent = file_of_module(infos[f].module[:-1], files) if infos[f].module else None
            if parent in test_files and infos[f].module[:-1] == infos[parent].module:
                test_files.add(f)
                changed = True

    edges = defaultdict(dict)  # a -> b -> first (line, path)
    all_edges = defaultdict(dict)  # the same, parent-child edges included
    for f, info in infos.items():
        if f in test_files or f.endswith("/main.rs") and f == SRC + "/main.rs":
            continue
        for path, line in info.paths:
            g = resolve(path)
            if g is None or g == f or g in test_files:
                continue
            all_edges[f].setdefault(g, (line, "::".join(["crate"] + path)))
            if not is_parent_child(f, g):
                edges[f].setdefault(g, (line, "::".join(["crate"] + path)))
    return edges, all_edges, test_files


def sccs(nodes, edges):
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    sys.setrecursionlimit(10000)

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, {})):
            if w not in index:
                strong(w)
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
            out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            strong(v)
    return [c for c in out if len(c) > 1]


def main():
    if not os.path.isdir(SRC):
        sys.exit("run from the repository root (no src/ here)")
    files = source_files()
    texts = {}
    for f in files:
        with open(f, encoding="utf-8") as fh:
            texts[f] = fh.read()

    lines = {f: texts[f].count("\n") + (0 if texts[f].endswith("\n") or not texts[f] else 1) for f in files}
    print(f"source files: {len(files)}, lines: {sum(lines.values())}")
    for limit in (500, 600):
        big = sorted((n, f) for f, n in lines.items() if n > limit)
        print(f"\n(a) files over {limit} lines: {len(big)}")
        for n, f in reversed(big):
            print(f"  {n:6}  {f}")

    counts = defaultdict(int)
    for f in files:
        for line in texts[f].splitlines():
            m = re.match(r"\s*pub(\([^)]*\))?[ (]?", line)
            if not m or not re.match(r"\s*pub[ (]", line):
                continue
            vis = m.group(1)
            if vis is None:
                counts["pub"] += 1
            else:
                counts["pub" + re.sub(r"\s+", " ", vis)] += 1
    print("\n(b) lines declaring pub items")
    print(f"  pub         {counts['pub']}")
    print(f"  pub(crate)  {counts['pub(crate)']}")
    print(f"  pub(super)  {counts['pub(super)']}")
    others = {k: v for k, v in counts.items() if k not in ("pub", "pub(crate)", "pub(super)")}
    for k, v in sorted(others.items()):
        print(f"  {k:11} {v}")

    infos = {f: FileInfo(f, texts[f]) for f in files if f != SRC + "/main.rs"}
    edges, all_edges, test_files = build_graph(infos)
    nedges = sum(len(v) for v in edges.values())
    comps = sccs(list(infos), edges)
    print(f"\n(c) import graph: {len(infos) - len(test_files)} files, {nedges} edges "
          f"(test-only files left out: {len(test_files)})")
    print(f"    cycles (strongly connected components of more than one file): {len(comps)}")
    for i, comp in enumerate(comps, 1):
        print(f"\n  cycle {i}: {len(comp)} files")
        for f in comp:
            print(f"    {f}")
        print("    edges inside it (first use):")
        members = set(comp)
        for f in comp:
            for g, (line, path) in sorted(edges.get(f, {}).items()):
                if g in members:
                    print(f"      {f}:{line} -> {g}   ({path})")


    # (d) The same graph with files grouped by concern: the top-level module (apply, profile,
    # pack), or in the subsystems made of several concerns (tui, load) the module below it
    # (tui::update, tui::view, load::csv), parent-child edges included, so a cycle that runs
    # through a folder's mod.rs (view/start.rs -> update/mod.rs -> view/mod.rs) shows.
    subsystems = ("tui", "load")

    def concern(f):
        mod = infos[f].module
        depth = 2 if mod and mod[0] in subsystems else 1
        return "::".join(mod[:depth]) or "crate"

    cedges = defaultdict(dict)
    for f, targets in all_edges.items():
        for g, (line, path) in sorted(targets.items()):
            a, b = concern(f), concern(g)
            if a != b and not (b.startswith(a + "::") or a.startswith(b + "::")):
                cedges[a].setdefault(b, (f, line, path))
    ccomps = sccs({concern(f) for f in infos if f not in test_files}, cedges)
    print(f"\n(d) cycles between concerns (top-level modules; in {', '.join(subsystems)} the "
          f"modules below; a module and its own submodules not counted): {len(ccomps)}")
    for i, comp in enumerate(ccomps, 1):
        print(f"\n  concern cycle {i}: {', '.join(comp)}")
        members = set(comp)
        for a in comp:
            for b, (f, line, path) in sorted(cedges.get(a, {}).items()):
                if b in members:
                    print(f"      {a} -> {b}   ({f}:{line} {path})")


if __name__ == "__main__":
    main()

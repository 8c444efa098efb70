#!/usr/bin/env python3
"""Fails when the modules of a Rust crate depend on each other in a cycle.

    python3 scripts/check-module-deps.py src emulator/src bench/src runtime-api/src --domain=src=chat

For each crate (a folder holding lib.rs or main.rs) it builds the graph of which source file uses which
(`use crate::…`, `use super::…`, paths written inline), and reports every cycle between files, and between the
crate's top-level modules. A module's own `mod` declarations and `pub use` re-exports are structure, not
dependencies: a path through a re-export counts as a use of the module that defines the name. Test code
(`tests.rs` files and `#[cfg(test)]` modules) is left out. `--domain ROOT=a,b` names a crate's domain
modules: they may use one another, never the crate's other top-level modules (the adapters, the edge,
the wiring). Standard library only.
"""

import re
import sys
from pathlib import Path

KEYWORDS = ("crate", "super", "self")


def strip_comments_and_strings(text):
    """Blanks out comments, string and char literals (keeping line breaks, so line numbers stay)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
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
        elif re.match(r'r#*"', text[i:i + 8]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            hashes = len(re.match(r"r(#*)", text[i:]).group(1))
            end = text.find('"' + "#" * hashes, i + 2 + hashes)
            j = n if end < 0 else end + 1 + hashes
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"' or (c == "b" and text.startswith('b"', i)):
            j = i + (2 if c == "b" else 1)
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'" and re.match(r"'(\\.|[^\\'])'|'\\u\{[0-9a-fA-F]+\}'|'\\x[0-9a-fA-F]{2}'", text[i:i + 12]):
            m = re.match(r"'(\\.|[^\\'])'|'\\u\{[0-9a-fA-F]+\}'|'\\x[0-9a-fA-F]{2}'", text[i:i + 12])
            out.append(" " * len(m.group(0)))
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    return "".join(out)


def strip_test_modules(text):
    """Blanks out `#[cfg(test)] mod name { … }` blocks."""
    while True:
        m = re.search(r"#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{", text)
        if not m:
            return text
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        text = text[:m.start()] + re.sub(r"[^\n]", " ", text[m.start():j]) + text[j:]


def expand_use_tree(tree):
    """`a::{b, c::{d, e as f}}` -> ['a::b', 'a::c::d', 'a::c::e'] (renames dropped, globs kept)."""
    tree = tree.strip()
    brace = tree.find("{")
    if brace < 0:
        return [re.sub(r"\s+as\s+\w+$", "", tree).replace(" ", "")]
    prefix, inner = tree[:brace].replace(" ", ""), tree[brace + 1:tree.rfind("}")]
    parts, depth, current = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        current += ch
    parts.append(current)
    result = []
    for part in (p.strip() for p in parts):
        if part == "self":
            result.append(prefix.rstrip(":"))
        elif part:
            result.extend(expand_use_tree(prefix + part))
    return result


class Crate:
    def __init__(self, root):
        self.root = Path(root)
        self.modules = {}  # module path tuple -> file
        for file in sorted(self.root.rglob("*.rs")):
            rel = file.relative_to(self.root)
            if rel.name == "tests.rs" or "tests" in rel.parts[:-1] or rel.parts[0] == "bin":
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "mod":
                parts.pop()
            if parts in (["lib"], ["main"]):
                parts = []
            self.modules[tuple(parts)] = file
        self.reexports = {}  # module -> {name: module path tuple it comes from}
        self.texts = {}
        for module, file in self.modules.items():
            text = strip_test_modules(strip_comments_and_strings(file.read_text()))
            self.texts[module] = text
            exports = {}
            for m in re.finditer(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);", text):
                for path in expand_use_tree(m.group(1)):
                    segments = [s for s in path.split("::") if s]
                    if len(segments) >= 2:
                        target = self.resolve(module, segments[:-1], follow=False)
                        if target is not None:
                            exports[segments[-1]] = target
            self.reexports[module] = exports

    def resolve(self, here, segments, follow=True):
        """The module a path names (the deepest existing one), following re-exports."""
        if not segments:
            return None
        head = segments[0]
        if head == "crate":
            base, rest = (), segments[1:]
        elif head in ("super", "self"):
            base = here
            rest = segments
            while rest and rest[0] in ("super", "self"):
                if rest[0] == "super":
                    base = base[:-1]
                rest = rest[1:]
        else:
            # A child module of this one (`use parse::X` in a mod.rs), else an external crate.
            if here + (head,) in self.modules:
                base, rest = here, segments
            else:
                return None
        current = base
        for index, segment in enumerate(rest):
            if current + (segment,) in self.modules:
                current = current + (segment,)
                continue
            if follow and segment in self.reexports.get(current, {}):
                target = self.reexports[current][segment]
                return target if target != current else current
            break
        return current

    def edges(self):
        """(from module, to module, line) for every use outside the module's own subtree structure."""
        found = []
        for module, text in self.texts.items():
            spans = []
            for m in re.finditer(r"\b(?:pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", text):
                is_reexport = m.group(0).lstrip().startswith("pub")
                line = text.count("\n", 0, m.start()) + 1
                for path in expand_use_tree(m.group(1)):
                    segments = [s for s in path.split("::") if s]
                    target = self.resolve(module, segments)
                    if target is None:
                        continue
                    # A module re-exporting its own descendants is structure.
                    if is_reexport and target[: len(module)] == module:
                        continue
                    found.append((module, target, line))
                spans.append((m.start(), m.end()))
            masked = list(text)
            for start, end in spans:
                for i in range(start, end):
                    if masked[i] != "\n":
                        masked[i] = " "
            masked = "".join(masked)
            for m in re.finditer(r"(?<![\w:])((?:crate|super|self)(?:::\w+)+)", masked):
                segments = m.group(1).split("::")
                target = self.resolve(module, segments)
                if target is not None:
                    found.append((module, target, masked.count("\n", 0, m.start()) + 1))
        # A module using its own descendants is how a parent is built from its parts, not a cycle risk.
        return [(a, b, line) for a, b, line in found if a != b and b[: len(a)] != a]

    def name(self, module):
        return "::".join(module) or "crate root"


def cycles(graph):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on_stack, result, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for succ in graph.get(node, ()):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    sys.setrecursionlimit(10000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def check(root, domain=()):
    crate = Crate(root)
    edges = crate.edges()
    problems = []
    for a, b, line in edges:
        if a[:1] and b[:1] and a[0] in domain and b[0] not in domain:
            problems.append(f"{root}: the domain module {crate.name(a)} uses {crate.name(b)}"
                            f" ({crate.modules[a]}:{line}); the domain may use only {', '.join(domain)}")
    for level, key in (("file", lambda m: m), ("top-level module", lambda m: m[:1])):
        graph, where = {}, {}
        for a, b, line in edges:
            ka, kb = key(a), key(b)
            if ka == kb or ka == () or kb == ():
                continue
            graph.setdefault(ka, set()).add(kb)
            where.setdefault((ka, kb), (crate.modules[a], line))
        for component in cycles(graph):
            members = set(component)
            lines = [f"  {crate.name(a)} -> {crate.name(b)} ({where[(a, b)][0]}:{where[(a, b)][1]})"
                     for a in component for b in sorted(graph.get(a, ())) if b in members]
            problems.append(f"{root}: a cycle between {level}s {', '.join(crate.name(m) for m in component)}:\n"
                            + "\n".join(lines))
    return problems, len(crate.modules), len(edges)


def main(args):
    domains, roots = {}, []
    for arg in args:
        if arg.startswith("--domain="):
            root, _, names = arg[len("--domain="):].partition("=")
            domains[root.rstrip("/")] = tuple(n for n in names.split(",") if n)
        else:
            roots.append(arg.rstrip("/"))
    problems = []
    for root in roots:
        found, modules, edges = check(root, domains.get(root, ()))
        problems.extend(found)
        print(f"{root}: {modules} modules, {edges} uses between them, {len(found)} cycle(s)")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print("Make dependencies point one way (domain <- adapters/edge <- main): move the shared piece down"
              " into the module both use, or turn the use around.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["src"]))

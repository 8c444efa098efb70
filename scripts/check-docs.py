#!/usr/bin/env python3
"""Finds broken relative links and overlong table cells in the repository's Markdown files
(`make check-docs`).

Every Markdown file git tracks (untracked files that are not ignored count too, so a new page is
checked before it is added) is scanned for inline links and images, `[text](target)` and
`![alt](target)`, and for reference definitions, `[label]: target`. A relative target must name a file
or folder that git tracks (or would track); a `#anchor` into a Markdown file, or a same-file `#anchor`,
must match one of its headings by GitHub's slug rule (or an HTML `id`/`name`). Links with a scheme
(`https:`, `mailto:`, ...) are not checked. Code blocks and code spans are skipped.

A table cell may hold at most 300 characters (its source text, trimmed): a longer one is prose that
belongs in a paragraph or a list. Cells are split on unescaped `|`, as GitHub splits them (a pipe inside
a code span splits a cell too unless escaped).

Prints `file:line: target` for each broken link and `file:line: table cell N is L characters` for each
overlong cell, and exits 1 if there is either. Standard library only.
"""

import os
import re
import subprocess
import sys
from urllib.parse import unquote

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[(?:[^\]\\]|\\.)+\]:[ \t]*(<[^>]*>|\S+)")
HTML_ANCHOR = re.compile(r"""<[A-Za-z][^>]*?\s(?:id|name)\s*=\s*["']([^"']+)["']""")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
INLINE_LINK = re.compile(r"!?\[((?:[^\[\]\\]|\\.)*)\]\([^)]*\)")
HTML_TAG = re.compile(r"<[^>]+>")
# A line starting with one of these is no paragraph, so a `---` under it is no setext heading.
PARAGRAPH_NOT = ("|", "-", "*", "+", "#", ">")
# A table's delimiter row, `|---|:---:|`, which makes the line above it a header row.
TABLE_DELIMITER = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
TABLE_CELL_MAX = 300


def repository_files(root):
    """Paths (relative, `/`-separated) git tracks or would track, that exist on disk."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    paths = (path for path in listed.split("\0") if path)
    return {path for path in paths if os.path.isfile(os.path.join(root, path))}


def folders_of(files):
    folders = {""}
    for path in files:
        parts = path.split("/")[:-1]
        for end in range(1, len(parts) + 1):
            folders.add("/".join(parts[:end]))
    return folders


def markdown_lines(text, blank_code_spans=True):
    """(line number, line) outside fenced code blocks; code spans blanked out unless asked to keep them
    (a heading's anchor is made from its code spans' text too)."""
    fence = None
    for number, line in enumerate(text.splitlines(), start=1):
        opening = FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        if blank_code_spans:
            line = CODE_SPAN.sub(lambda span: " " * len(span.group(0)), line)
        yield number, line


def slug(heading):
    """GitHub's anchor for a heading: the rendered text, lowercased, punctuation dropped, spaces to '-'."""
    text = INLINE_LINK.sub(r"\1", heading)  # [text](url) and ![alt](src) render as their text
    text = HTML_TAG.sub("", text)
    text = text.replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors_of(text):
    anchors, seen = set(), {}
    previous = None
    for _, line in markdown_lines(text, blank_code_spans=False):
        heading = None
        atx = ATX_HEADING.match(line)
        if atx:
            heading = atx.group(2) or ""
        elif (
            previous
            and SETEXT_UNDERLINE.match(line)
            and not previous.lstrip().startswith(PARAGRAPH_NOT)
        ):
            heading = previous.strip()
        if heading is not None:
            base = slug(heading)
            count = seen.get(base, 0)
            seen[base] = count + 1
            anchors.add(base if count == 0 else f"{base}-{count}")
        anchors.update(HTML_ANCHOR.findall(line))
        previous = line if line.strip() and not atx else None
    return anchors


def table_cells(line):
    """The cells of a table row, trimmed: the text between unescaped pipes, outer pipes dropped."""
    row = line.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [cell.strip() for cell in CELL_SEPARATOR.split(row)]


def overlong_cells(text):
    """(line number, cell number, length) of every table cell over TABLE_CELL_MAX characters. A table is
    a header row, a delimiter row and the rows after them up to a blank line (GitHub's rule)."""
    found = []
    lines = list(markdown_lines(text, blank_code_spans=False))
    in_table = False
    for index, (number, line) in enumerate(lines):
        if not line.strip():
            in_table = False
            continue
        starts_table = (
            "|" in line
            and index + 1 < len(lines)
            and lines[index + 1][0] == number + 1
            and "|" in lines[index + 1][1]
            and TABLE_DELIMITER.match(lines[index + 1][1])
        )
        if starts_table:
            in_table = True
        if not in_table or TABLE_DELIMITER.match(line):
            continue
        for cell_number, cell in enumerate(table_cells(line), start=1):
            if len(cell) > TABLE_CELL_MAX:
                found.append((number, cell_number, len(cell)))
    return found


def destinations(line):
    """Targets of inline links and images on a line: what follows each `](`."""
    found = []
    start = 0
    while True:
        at = line.find("](", start)
        if at < 0:
            return found
        position = at + 2
        while position < len(line) and line[position] in " \t":
            position += 1
        if line.startswith("<", position):
            end = line.find(">", position)
            if end > 0:
                found.append(line[position + 1 : end])
        else:
            depth, end = 0, position
            while end < len(line) and not line[end].isspace():
                if line[end] == "(":
                    depth += 1
                elif line[end] == ")":
                    if depth == 0:
                        break
                    depth -= 1
                end += 1
            if end > position:
                found.append(line[position:end])
        start = at + 2


def main():
    root = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], check=True, capture_output=True, text=True
    ).stdout.strip()
    files = repository_files(root)
    folders = folders_of(files)
    pages = sorted(path for path in files if path.lower().endswith(".md"))
    texts = {}

    def text_of(path):
        if path not in texts:
            with open(os.path.join(root, path), encoding="utf-8") as handle:
                texts[path] = handle.read()
        return texts[path]

    anchor_cache = {}

    def anchors(path):
        if path not in anchor_cache:
            anchor_cache[path] = anchors_of(text_of(path))
        return anchor_cache[path]

    broken = []
    checked = 0
    for page in pages:
        for number, line in markdown_lines(text_of(page)):
            targets = destinations(line)
            definition = REFERENCE_DEFINITION.match(line)
            if definition:
                targets.append(definition.group(1).strip("<>"))
            for target in targets:
                if not target or SCHEME.match(target):
                    continue
                checked += 1
                path_part, _, anchor = target.partition("#")
                path_part = unquote(path_part.split("?", 1)[0])
                if path_part:
                    if path_part.startswith("/"):
                        resolved = os.path.normpath(path_part.lstrip("/"))
                    else:
                        resolved = os.path.normpath(os.path.join(os.path.dirname(page), path_part))
                    resolved = "" if resolved == "." else resolved.replace(os.sep, "/")
                    if resolved.startswith("../") or resolved == "..":
                        broken.append((page, number, target))
                        continue
                    if resolved not in files and resolved not in folders:
                        broken.append((page, number, target))
                        continue
                else:
                    resolved = page
                if anchor and resolved in files and resolved.lower().endswith(".md"):
                    if unquote(anchor) not in anchors(resolved):
                        broken.append((page, number, target))

    overlong = [
        (page, number, cell, length)
        for page in pages
        for number, cell, length in overlong_cells(text_of(page))
    ]

    for page, number, target in broken:
        print(f"{page}:{number}: {target}")
    for page, number, cell, length in overlong:
        print(
            f"{page}:{number}: table cell {cell} is {length} characters "
            f"(at most {TABLE_CELL_MAX}: move the detail into a paragraph or a list)"
        )
    if broken:
        summary = f"check-docs: {len(broken)} broken link(s) in {len(pages)} Markdown files"
        print(summary, file=sys.stderr)
    if overlong:
        summary = (
            f"check-docs: {len(overlong)} table cell(s) over {TABLE_CELL_MAX} characters "
            f"in {len(pages)} Markdown files"
        )
        print(summary, file=sys.stderr)
    if broken or overlong:
        return 1
    print(
        f"check-docs: {checked} relative links in {len(pages)} Markdown files, all resolve; "
        f"no table cell over {TABLE_CELL_MAX} characters"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

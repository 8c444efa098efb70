#!/usr/bin/env python3
"""Notices every new member AWS adds to the operations this project calls or emulates.

Reads the pinned botocore models (requirements-dev.txt) and tests/model/members.toml, and fails when an
input member of an operation the function calls, or the emulator serves, is neither supported nor listed
with a reason as deliberately not accepted; when an entry names a member the model no longer has (stale);
and when "supported" cannot be verified where the entry says:

* `openapi.yaml#<operationId>`: the member's path exists in that operation's JSON request schema
  (through `$ref`, `allOf`/`oneOf`/`anyOf`, `items`, `additionalProperties`; a `{type: "null"}`
  placeholder does not count);
* a Rust file or folder: its code outside tests has the member's wire name as a string literal
  (`"ContactId"`; a header's name in any case; a path label as `{contact_id}`) or calls the SDK's setter
  (`.contact_id(` / `.set_contact_id(`).

Which operations are checked: the list below, plus every operation the code is found to call (an SDK
fluent call `.operation_name()` under src/) or serve (an axum `.route("<the model's path>", <method>(...))`
under emulator/src, or the awsJson target `"<prefix>.<Operation>"`). A side listed as `pending: <reason>`
must not be found in the code: once it is, its members must be listed.

Usage: check_members.py [--repo DIR] [--members FILE]   (exit status 1 on any problem)
"""

import argparse
import functools
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import botocore.session
import yaml
from botocore import xform_name
from botocore.model import ServiceModel

SERVICES = ("connect", "connectparticipant", "secretsmanager")

# What the project calls (function) and emulates (emulator): the list. Code found to call or
# serve further operations adds them.
EXPECTED = {
    ("connect", "StartChatContact"): ("function", "emulator"),
    ("connect", "DescribeQueue"): ("function", "emulator"),
    ("connect", "GetEffectiveHoursOfOperations"): ("function", "emulator"),
    ("connect", "GetCurrentMetricData"): ("function", "emulator"),
    ("connect", "CreatePushNotificationRegistration"): ("function", "emulator"),
    ("connect", "DeletePushNotificationRegistration"): ("function", "emulator"),
    ("connectparticipant", "CreateParticipantConnection"): ("emulator",),
    ("connectparticipant", "SendMessage"): ("emulator",),
    ("connectparticipant", "SendEvent"): ("emulator",),
    ("connectparticipant", "GetTranscript"): ("emulator",),
    ("connectparticipant", "DisconnectParticipant"): ("emulator",),
    ("connectparticipant", "DescribeView"): ("emulator",),
    ("connectparticipant", "StartAttachmentUpload"): ("emulator",),
    ("connectparticipant", "CompleteAttachmentUpload"): ("emulator",),
    ("connectparticipant", "GetAttachment"): ("emulator",),
    ("secretsmanager", "GetSecretValue"): ("function", "emulator"),
}

# Where each side's code lives, and what a "supported" location of that side may be.
SIDE_ROOTS = {"function": "src", "emulator": "emulator/src"}
SIDE_LOCATIONS = {"function": ("src", "openapi.yaml#"), "emulator": ("emulator/src",)}

VERDICT = re.compile(r"^(supported|not accepted|not sent|ignored|pending):\s*(\S.*)$", re.S)
MIN_REASON_WORDS = 4


# ---------------------------------------------------------------------------------------------------
# The model's members


@dataclass(frozen=True)
class Member:
    path: str  # `A.B`, `A[].B` (list elements), `A{}.B` (map values)
    name: str  # the member's name in the model
    wire: str  # its name on the wire (a header, query string parameter or path label may differ)
    location: Optional[str]  # None (body), "header", "querystring", "uri"
    parent: Optional[str]  # the enclosing member's path
    route: Optional[str] = None  # for a path label: the operation's path as a regex, labels as wildcards


def members_of(service: ServiceModel, operation: str) -> dict:
    """Every input member of the operation by path, nested structures included (recursion cut once)."""
    found = {}

    def walk(shape, path, parent, seen):
        if shape.type_name == "structure":
            for name, member in shape.members.items():
                here = f"{path}.{name}" if path else name
                found[here] = Member(here, name, member.serialization.get("name", name),
                                     member.serialization.get("location"), parent)
                if member.name not in seen:
                    walk(member, here, here, seen | {member.name})
        elif shape.type_name == "list" and shape.member.name not in seen:
            walk(shape.member, path + "[]", parent, seen | {shape.member.name})
        elif shape.type_name == "map" and shape.value.name not in seen:
            walk(shape.value, path + "{}", parent, seen | {shape.value.name})

    model = service.operation_model(operation)
    if model.input_shape is not None:
        walk(model.input_shape, "", None, frozenset({model.input_shape.name}))
    route = route_regex(model.http.get("requestUri", ""))
    return {path: Member(**{**m.__dict__, "route": route}) if m.location == "uri" else m
            for path, m in found.items()}


def route_regex(request_uri: str) -> str:
    """The operation's path as a regular expression over route literals: each `{Label}` any label."""
    pattern = re.escape(request_uri.split("?")[0])
    return re.sub(r"\\\{[A-Za-z0-9_]+(\\\+)?\\\}", r"\\{[A-Za-z0-9_*]+\\}", pattern)


def load_models() -> dict:
    session = botocore.session.get_session()
    return {name: session.get_service_model(name) for name in SERVICES}


# ---------------------------------------------------------------------------------------------------
# The code: Rust outside tests, split into code and string literals


@dataclass
class RustText:
    code: str  # comments and literals blanked out
    literals: list  # the string literals' contents


# Comments, raw strings, strings and char literals (a lifetime such as `'a` is not one).
RUST_TOKEN = re.compile(
    r"//[^\n]*|/\*.*?\*/"
    r"|(?<![A-Za-z0-9_])b?r(?P<hashes>#*)\"(?P<raw>.*?)\"(?P=hashes)"
    r"|b?\"(?P<text>(?:[^\"\\]|\\.)*)\""
    r"|'(?:\\.|[^\\'])'|'\\u\{[0-9a-fA-F]+\}'",
    re.S,
)


def lex_rust(text: str) -> RustText:
    code, literals, last = [], [], 0
    for m in RUST_TOKEN.finditer(text):
        code.append(text[last:m.start()])
        last = m.end()
        literal = m.group("raw") if m.group("raw") is not None else m.group("text")
        if literal is not None:
            literals.append(literal)
            code.append(' "" ')
        else:
            code.append(" ")
    code.append(text[last:])
    return RustText("".join(code), literals)


def without_tests(text: str) -> str:
    """The text before the first `#[cfg(test)]` (the crate's test modules close their files)."""
    m = re.search(r"^\s*#\[cfg\(test\)\]", text, re.M)
    return text if m is None else text[:m.start()]


@functools.lru_cache(maxsize=None)
def lexed(file: Path, mtime_ns: int) -> RustText:
    return lex_rust(without_tests(file.read_text()))


def rust_sources(repo: Path, location: str) -> list:
    """The non-test Rust sources at a file or under a folder."""
    target = repo / location
    files = [target] if target.is_file() else sorted(target.rglob("*.rs"))
    texts = []
    for file in files:
        rel = file.relative_to(repo)
        if file.suffix != ".rs" or file.name == "tests.rs" or "tests" in rel.parts[:-1]:
            continue
        texts.append(lexed(file, file.stat().st_mtime_ns))
    return texts


def rust_evidence(texts: list, member: Member) -> bool:
    snake = xform_name(member.name)
    setter = re.compile(rf"\.(set_)?{re.escape(snake)}\s*\(")
    for text in texts:
        if setter.search(text.code):
            return True
        for literal in text.literals:
            if literal == member.wire or (member.location == "header" and literal.lower() == member.wire.lower()):
                return True
            # A route declared with the operation's path hands its labels over by position.
            if member.location == "uri" and (f"{{{snake}}}" in literal
                                             or (member.route and re.fullmatch(member.route, literal))):
                return True
    return False


# ---------------------------------------------------------------------------------------------------
# openapi.yaml


class OpenApi:
    def __init__(self, document: dict):
        self.document = document

    def resolve(self, schema):
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 20:
            node = self.document
            for part in schema["$ref"].lstrip("#/").split("/"):
                node = node.get(part, {}) if isinstance(node, dict) else {}
            schema, seen = node, seen + 1
        return schema if isinstance(schema, dict) else {}

    def branches(self, schema) -> list:
        """The schema and the alternatives it combines."""
        schema = self.resolve(schema)
        out = [schema]
        for key in ("allOf", "oneOf", "anyOf"):
            for sub in schema.get(key, []):
                out += self.branches(sub)
        return out

    def request_schema(self, operation_id: str):
        for path_item in self.document.get("paths", {}).values():
            for operation in path_item.values():
                if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                    content = self.resolve(operation.get("requestBody", {})).get("content", {})
                    schema = content.get("application/json", {}).get("schema")
                    return None if schema is None else self.resolve(schema)
        return None

    @staticmethod
    def only_null(schema) -> bool:
        return schema.get("type") == "null" or schema.get("type") == ["null"]

    def has_path(self, root, path: str) -> bool:
        current = [root]
        for segment in path.split("."):
            name, suffix = re.fullmatch(r"([^\[\]{}]+)((?:\[\]|\{\})*)", segment).groups()
            properties = [branch.get("properties", {}).get(name) for schema in current for branch in self.branches(schema)]
            current = [self.resolve(p) for p in properties if p is not None]
            current = [schema for schema in current if not self.only_null(schema)]
            for step in re.findall(r"\[\]|\{\}", suffix):
                nxt = []
                for schema in current:
                    for branch in self.branches(schema):
                        if step == "[]" and isinstance(branch.get("items"), dict):
                            nxt.append(branch["items"])
                        if step == "{}":
                            if isinstance(branch.get("additionalProperties"), dict):
                                nxt.append(branch["additionalProperties"])
                            nxt += list(branch.get("patternProperties", {}).values())
                            nxt += list(branch.get("properties", {}).values())
                current = nxt
            if not current:
                return False
        return True


# ---------------------------------------------------------------------------------------------------
# What the code calls and serves


def route_calls(texts: list) -> list:
    """(path, {methods}) of every axum `.route("path", get(..).post(..))` call."""
    routes = []
    for text in texts:
        code = text.code
        # Literals were replaced by `""` in order: count them to recover each route's path.
        literal_positions = [m.start() for m in re.finditer(r'""', code)]
        for m in re.finditer(r"\.route\(\s*\"\"", code):
            index = literal_positions.index(m.end() - 2)
            depth, j = 1, m.start() + len(".route(")
            while j < len(code) and depth:
                depth += {"(": 1, ")": -1}.get(code[j], 0)
                j += 1
            methods = set(re.findall(r"\b(get|post|put|delete|patch|head)\s*\(", code[m.end():j]))
            routes.append((text.literals[index], methods))
    return routes


def called_by_function(repo: Path, models: dict) -> set:
    cargo = (repo / "Cargo.toml").read_text()
    code = "\n".join(t.code for t in rust_sources(repo, SIDE_ROOTS["function"]))
    found = set()
    for service, model in models.items():
        if not re.search(rf"^aws-sdk-{service}\s*=", cargo, re.M):
            continue
        for operation in model.operation_names:
            if re.search(rf"\.{xform_name(operation)}\(\)", code):
                found.add((service, operation))
    return found


def served_by_emulator(repo: Path, models: dict) -> set:
    texts = rust_sources(repo, SIDE_ROOTS["emulator"])
    routes = route_calls(texts)
    literals = {literal for t in texts for literal in t.literals}
    found = set()
    for service, model in models.items():
        prefix = model.metadata.get("targetPrefix")
        for operation in model.operation_names:
            op = model.operation_model(operation)
            if model.protocol in ("json", "awsJson1_1") and prefix:
                if f"{prefix}.{operation}" in literals:
                    found.add((service, operation))
                continue
            pattern = route_regex(op.http["requestUri"])
            method = op.http["method"].lower()
            if any(method in methods and re.fullmatch(pattern, route) for route, methods in routes):
                found.add((service, operation))
    return found


# ---------------------------------------------------------------------------------------------------
# The check


class Checker:
    def __init__(self, repo: Path, models: dict, entries: dict, called: set, served: set):
        self.repo = repo
        self.models = models
        self.entries = entries
        self.found = {"function": called, "emulator": served}
        self.problems = []
        self.checked = 0
        self._openapi = None
        self._sources = {}

    def problem(self, text: str):
        self.problems.append(text)

    def openapi(self) -> OpenApi:
        if self._openapi is None:
            self._openapi = OpenApi(yaml.safe_load((self.repo / "openapi.yaml").read_text()))
        return self._openapi

    def sources(self, location: str) -> list:
        if location not in self._sources:
            self._sources[location] = rust_sources(self.repo, location)
        return self._sources[location]

    def run(self) -> list:
        required = {}
        for key, sides in EXPECTED.items():
            required.setdefault(key, set()).update(sides)
        for side, keys in self.found.items():
            for key in keys:
                required.setdefault(key, set()).add(side)
        for service, operations in self.entries.items():
            if service not in self.models:
                self.problem(f"{service}: not a service this check reads ({', '.join(SERVICES)})")
                continue
            for operation, sides in operations.items():
                if operation not in self.models[service].operation_names:
                    self.problem(f"{service}.{operation}: the model has no such operation (stale)")
                    continue
                for side in sides:
                    if side not in SIDE_ROOTS:
                        self.problem(f"{service}.{operation}.{side}: a side is `function` or `emulator`")
                    elif side not in required.get((service, operation), set()):
                        self.problem(f"{service}.{operation}.{side}: neither expected nor found in the code (stale)")
        for (service, operation), sides in sorted(required.items()):
            for side in sorted(sides):
                self.check_side(service, operation, side)
        return self.problems

    def check_side(self, service: str, operation: str, side: str):
        where = f"{service}.{operation}.{side}"
        entry = self.entries.get(service, {}).get(operation, {}).get(side)
        found = (service, operation) in self.found[side]
        how = "calls" if side == "function" else "serves"
        if entry is None:
            self.problem(f"{where}: the {side} {how} it{'' if found else ' (expected)'}: list its members in members.toml")
            return
        if isinstance(entry, str):
            m = VERDICT.match(entry)
            if not m or m.group(1) != "pending" or len(m.group(2).split()) < MIN_REASON_WORDS:
                self.problem(f"{where}: a side is a table of members, or `pending: <reason>`")
            elif found:
                self.problem(f"{where}: pending, but the {side} now {how} it: list its members")
            return
        if not found:
            self.problem(f"{where}: members listed, but the {side} does not {'call' if side == 'function' else 'serve'} it"
                         f" (no {self.how_found(service, operation, side)}): mark it `pending: <reason>` or fix the detection")
            return
        members = members_of(self.models[service], operation)
        verdicts = {}
        for path, text in entry.items():
            if path not in members:
                self.problem(f"{where}: `{path}` is not an input member of the model (stale)")
                continue
            m = VERDICT.match(text) if isinstance(text, str) else None
            if not m or m.group(1) == "pending":
                self.problem(f"{where}: `{path}`: say `supported: <where>` or `not accepted|not sent|ignored: <reason>`")
                continue
            verdicts[path] = (m.group(1), m.group(2).strip())
        for path, member in members.items():
            ancestor = self.declined_ancestor(members, verdicts, member)
            if ancestor is not None:
                if path in verdicts:
                    self.problem(f"{where}: `{path}` is listed, but `{ancestor}` is already declined")
                continue
            if path not in verdicts:
                self.problem(f"{where}: `{path}` is new in the model: neither supported nor listed as not accepted")
                continue
            kind, detail = verdicts[path]
            self.checked += 1
            if kind != "supported":
                if len(detail.split()) < MIN_REASON_WORDS:
                    self.problem(f"{where}: `{path}`: {kind}, but the reason is missing or too short")
                continue
            for location in (part.strip() for part in detail.split(",")):
                self.verify(where, side, member, location)

    @staticmethod
    def declined_ancestor(members: dict, verdicts: dict, member: Member) -> Optional[str]:
        parent = member.parent
        while parent is not None:
            if parent in verdicts and verdicts[parent][0] != "supported":
                return parent
            parent = members[parent].parent
        return None

    def verify(self, where: str, side: str, member: Member, location: str):
        if not any(location == root or location.startswith(root if root.endswith("#") else root + "/")
                   for root in SIDE_LOCATIONS[side]):
            self.problem(f"{where}: `{member.path}`: {location} is not {side} code (under {' or '.join(SIDE_LOCATIONS[side])})")
            return
        if location.startswith("openapi.yaml#"):
            schema = self.openapi().request_schema(location.split("#", 1)[1])
            if schema is None:
                self.problem(f"{where}: {location}: no such operation with a JSON request body")
            elif not self.openapi().has_path(schema, member.path):
                self.problem(f"{where}: `{member.path}` is not in the request schema of {location}")
            return
        if not (self.repo / location).exists():
            self.problem(f"{where}: `{member.path}`: {location} does not exist (moved?)")
            return
        if not rust_evidence(self.sources(location), member):
            self.problem(f"{where}: `{member.path}`: nothing in {location} reads \"{member.wire}\" "
                         f"or sets .{xform_name(member.name)}(...) outside tests")

    def how_found(self, service: str, operation: str, side: str) -> str:
        model = self.models[service]
        if side == "function":
            return f".{xform_name(operation)}() call under {SIDE_ROOTS['function']}/"
        op = model.operation_model(operation)
        if model.protocol in ("json", "awsJson1_1"):
            return f'"{model.metadata.get("targetPrefix")}.{operation}" under {SIDE_ROOTS["emulator"]}/'
        return f'.route("{op.http["requestUri"]}", {op.http["method"].lower()}(..)) under {SIDE_ROOTS["emulator"]}/'


def check(repo: Path, models: dict, entries: dict) -> Checker:
    checker = Checker(repo, models, entries, called_by_function(repo, models), served_by_emulator(repo, models))
    checker.run()
    return checker


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parent
    parser.add_argument("--repo", type=Path, default=here.parent.parent)
    parser.add_argument("--members", type=Path, default=here / "members.toml")
    args = parser.parse_args()
    entries = tomllib.loads(args.members.read_text())
    checker = check(args.repo, load_models(), entries)
    for problem in checker.problems:
        print(f"members.toml: {problem}", file=sys.stderr)
    found = sorted(f"{s}.{o} ({side})" for side, keys in checker.found.items() for s, o in keys)
    print(f"botocore {botocore.__version__}: {checker.checked} member verdicts checked on {len(found)} operation"
          f" sides ({', '.join(found)})")
    if checker.problems:
        print(f"{len(checker.problems)} problem(s): list new members in {args.members} with a verdict", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

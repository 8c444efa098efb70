#!/usr/bin/env python3
"""Holds the Connect emulator to AWS's own service models.

The cases come from botocore's models (the `connect`, `connectparticipant` and `secretsmanager`
service-2.json files that boto3 ships), not from the emulator: for every member of the operations the
project uses, the limits the model declares (lengths and values at min and max, and one past them;
patterns; every enum value and one outside; required members missing; a value of the wrong JSON
type), each placed into an otherwise valid request. boto3 sends them with its parameter validation off, signed
with the emulator's local credentials, and the script checks that

* what the model allows is accepted (a 200, or an answer about the resources named, such as
  ResourceNotFoundException; never a validation error),
* what the model forbids is refused with a 400 whose error code is one the operation models
  (InvalidParameterException, ValidationException, ...) or the generic SerializationException,
* every 200's raw JSON body fits the operation's output shape: no member the shape lacks, none
  missing that it requires, types, lengths and enums as declared.

Rules the models state only in their documentation (prose), which the emulator enforces as the
service does, are listed in EXCEPTIONS below, each with its reason; a case matching one is expected
to have the listed outcome instead. The script starts the emulator binary itself on ephemeral ports
and stops it.

Usage: conformance.py --emulator PATH/TO/connect-emulator [--verbose]
"""

import argparse
import copy
import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Optional

# The developer's AWS configuration must not leak in (profiles, endpoints, credentials).
for variable in list(os.environ):
    if variable.startswith("AWS_"):
        del os.environ[variable]
os.environ["AWS_CONFIG_FILE"] = "/dev/null"
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"

import boto3  # noqa: E402
import botocore  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

MISSING = object()  # a member left out of the request


@dataclass
class Repeat:
    """A list of `count` copies of the valid element in place (the baseline's or a seed)."""

    count: int


# Structures the documentation describes as carrying one value although the model marks every member
# optional: a case that sets one member leaves the others out.
ONE_VALUE_STRUCTURES = {"SegmentAttributeValue"}

# Error codes that mean "the request is invalid", per service: a model-allowed value must never get
# one of these; a model-forbidden one must.
VALIDATION_CODES = {
    "connect": {"InvalidParameterException", "InvalidRequestException", "SerializationException"},
    "connectparticipant": {"ValidationException", "SerializationException"},
    "secretsmanager": {"ValidationException", "InvalidParameterException", "SerializationException"},
}
# Errors any AWS front end answers, outside the operations' models.
GENERIC_CODES = {"SerializationException", "ValidationException", "UnknownOperationException"}


# ---------------------------------------------------------------------------------------------------
# The emulator process


class Emulator:
    """The binary on ephemeral ports, with a config that lets the cases run back to back."""

    def __init__(self, binary: str):
        off = {"enabled": False}
        config = {
            # Hundreds of calls in a few seconds: Connect's rate quotas are tested elsewhere.
            "quota": off,
            "operationQuotas": {name: off for name in (
                "DescribeQueue", "GetEffectiveHoursOfOperations", "GetCurrentMetricData",
                "CreatePushNotificationRegistration", "DeletePushNotificationRegistration")},
            # No agent or greeting: transcripts stay as the cases leave them.
            "agent": {"enabled": False},
            "flowGreeting": "",
        }
        self.config_file = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(config, self.config_file)
        self.config_file.close()
        self.process = subprocess.Popen(
            [binary, "--port", "0", "--participant-port", "0", "--quiet", "--config", self.config_file.name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: "queue.Queue[str]" = queue.Queue()
        threading.Thread(target=lambda: [lines.put(self.process.stdout.readline()) for _ in range(2)], daemon=True).start()
        try:
            first, second = lines.get(timeout=30), lines.get(timeout=30)
        except queue.Empty:
            self.stop()
            raise SystemExit("conformance: the emulator printed no endpoints within 30 s")
        self.control_url = first.strip().removeprefix("Connect emulator listening: ")
        self.participant_url = second.strip().removeprefix("Participant endpoint: ")
        if not self.control_url.startswith("http://127.0.0.1:"):
            self.stop()
            raise SystemExit(f"conformance: unexpected start-up line {first!r}")

    def control(self, method: str, path: str, body: Optional[dict] = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.control_url}{path}", data=data, method=method, headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.unlink(self.config_file.name)
        return self.process.returncode


def local_setup(binary: str) -> dict:
    """The local setup, from the one place that defines it (`connect_emulator::local`)."""
    output = subprocess.run(
        [binary, "--print-function-env", "--endpoint-url", "http://127.0.0.1:1"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {key: value.strip('"') for key, value in (line.split("=", 1) for line in output.splitlines())}


# ---------------------------------------------------------------------------------------------------
# Cases from the model


@dataclass
class Case:
    service: str
    operation: str
    path: tuple  # member names, 0 for "the list's element", "{key}" / "{value}" for a map's
    description: str
    value: Any  # MISSING to leave the member out
    model_allows: bool

    @property
    def where(self) -> str:
        text = ""
        for step in self.path:
            if step == 0:
                text += "[]"
            elif step in ("{key}", "{value}"):
                text += step
            else:
                text += ("." if text else "") + step
        return text


def string_maker(where: str) -> Callable[[int], str]:
    # ARN-valued members get ARN-shaped strings, so a length case tests the length, not the prose.
    if where.endswith("Arn"):
        return lambda n: ("arn:aws:connect:us-east-1:000000000000:" + "a" * n)[:n] if n >= 4 else "a" * n
    return lambda n: "a" * n


def cases_for(service: str, operation: str, shape, path: tuple, visited: frozenset, on_the_wire_a_string: bool = False) -> list:
    """Every limit `shape` declares, as cases at `path`. Map keys, URI labels and query parameters
    are strings on the wire whatever their value, so they get no wrong-type case."""
    cases = []
    kind = shape.type_name
    meta = shape.metadata
    where = Case(service, operation, path, "", None, True).where

    def add(description, value, allowed):
        cases.append(Case(service, operation, path, description, value, allowed))

    if kind == "string":
        if shape.enum:
            for value in shape.enum:
                add(f"enum value {value}", value, True)
            add("a value outside the enum", "NOT_IN_THE_ENUM", False)
        else:
            make = string_maker(where)
            low, high = meta.get("min", 0), meta.get("max")
            pattern = meta.get("pattern")

            def fits(value: str) -> bool:
                return pattern is None or re.search(pattern, value) is not None

            add(f"length {low} (min)", make(low), fits(make(low)))
            if low > 0:
                add(f"length {low - 1} (min - 1)", make(low - 1), False)
            if high is not None:
                add(f"length {high} (max)", make(high), fits(make(high)))
                add(f"length {high + 1} (max + 1)", make(high + 1), False)
            if pattern is not None:
                for value in PATTERN_EXAMPLES.get(where, ()):
                    add(f"a value matching the pattern ({value})", value, fits(value))
                add("a value outside the pattern", "not matching", fits("not matching"))
        if not on_the_wire_a_string:
            add("a number instead of a string", 12345, False)
    elif kind in ("integer", "long"):
        low, high = meta.get("min"), meta.get("max")
        if low is not None:
            add(f"{low} (min)", low, True)
            add(f"{low - 1} (min - 1)", low - 1, False)
        if high is not None:
            add(f"{high} (max)", high, True)
            add(f"{high + 1} (max + 1)", high + 1, False)
        add("a string instead of a number", "60", False)
    elif kind == "boolean":
        add("true", True, True)
        add("a string instead of a boolean", "yes", False)
    elif kind == "list":
        low, high = meta.get("min", 0), meta.get("max")
        add(f"{low} elements (min)", Repeat(low), True)
        if low > 0:
            add(f"{low - 1} elements (min - 1)", Repeat(low - 1), False)
        if high is not None:
            add(f"{high} elements (max)", Repeat(high), True)
            add(f"{high + 1} elements (max + 1)", Repeat(high + 1), False)
        if shape.member.name not in visited:
            cases += cases_for(service, operation, shape.member, path + (0,), visited | {shape.member.name})
    elif kind == "map":
        cases += cases_for(service, operation, shape.key, path + ("{key}",), visited, on_the_wire_a_string=True)
        if shape.value.name not in visited:
            cases += cases_for(service, operation, shape.value, path + ("{value}",), visited | {shape.value.name})
    elif kind == "structure":
        if path and not shape.required_members:
            add("an empty structure", {}, True)
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            if location == "header":
                continue  # the bearer token: see check_bearer_first
            # boto3 fills in a missing idempotency token itself, so "missing" cannot be sent.
            idempotency_token = member.metadata.get("idempotencyToken", False)
            if name in shape.required_members and location is None and not idempotency_token:
                cases.append(Case(service, operation, path + (name,), "required member missing", MISSING, False))
            if member.name not in visited:
                cases += cases_for(service, operation, member, path + (name,), visited | {member.name},
                                   location in ("uri", "querystring"))
    return cases


# Valid values for members whose valid values the model cannot tell (ids that must exist, prose
# enums), by shape name or by member path. Filled in at run time with the fixtures' ids.
SEEDS: dict = {}

# Values that match a member's pattern, by member path: a pattern case for each.
PATTERN_EXAMPLES = {
    "FromDate": ("2026-12-04",),
    "ToDate": ("2026-12-10",),
    "CurrentMetrics[].MetricId": (
        "arn:aws:connect:us-east-1:aws:metric/AGENTS_ONLINE",
        "0f1e2d3c-4b5a-4968-8776-655443322110",
        "arn:aws:connect:us-east-1:000000000000:instance/3f0a7c1e/metric/m-1",
    ),
}


def seed_value(shape, path: tuple) -> Any:
    where = Case("", "", path, "", None, True).where
    for key in (where, shape.name):
        if key in SEEDS:
            return copy.deepcopy(SEEDS[key])
    kind = shape.type_name
    if kind == "string":
        return shape.enum[0] if shape.enum else string_maker(where)(max(shape.metadata.get("min", 1), 1))
    if kind in ("integer", "long"):
        return shape.metadata.get("min", 1)
    if kind == "boolean":
        return True
    if kind == "list":
        return [seed_value(shape.member, path + (0,)) for _ in range(max(shape.metadata.get("min", 1), 1))]
    if kind == "map":
        return {seed_value(shape.key, path + ("{key}",)): seed_value(shape.value, path + ("{value}",))}
    if kind == "structure":
        return {
            name: seed_value(member, path + (name,))
            for name, member in shape.members.items()
            if name in shape.required_members and not member.serialization.get("location")
        }
    return None


def place(request: dict, shape, case: Case) -> dict:
    """The request with the case's value at its path; containers on the way come from the seeds."""
    request = copy.deepcopy(request)
    if not case.path:
        return request
    container, container_shape = request, shape
    for depth, step in enumerate(case.path):
        last = depth == len(case.path) - 1
        prefix = case.path[: depth + 1]
        kind = container_shape.type_name
        if kind == "structure":
            member_shape = container_shape.members[step]
            if container_shape.name in ONE_VALUE_STRUCTURES:
                container.clear()
            if last:
                if case.value is MISSING:
                    container.pop(step, None)
                elif isinstance(case.value, Repeat):
                    existing = container.get(step) or [seed_value(member_shape.member, prefix + (0,))]
                    container[step] = [copy.deepcopy(existing[0]) for _ in range(case.value.count)]
                else:
                    container[step] = case.value
                return request
            if step not in container:
                container[step] = seed_value(member_shape, prefix)
            container, container_shape = container[step], member_shape
        elif kind == "list":
            if not container:
                container.append(seed_value(container_shape.member, prefix))
            del container[1:]
            if last:
                container[0] = case.value
                return request
            container, container_shape = container[0], container_shape.member
        elif kind == "map":
            if step == "{key}":
                value = seed_value(container_shape.value, case.path[:depth] + ("{value}",))
                container.clear()
                container[case.value] = value
                return request
            key = next(iter(container), None) or seed_value(container_shape.key, case.path[:depth] + ("{key}",))
            inner = container.get(key, seed_value(container_shape.value, prefix))
            container.clear()
            if last:
                container[key] = case.value
                return request
            container[key] = inner
            container, container_shape = inner, container_shape.value
    return request


# ---------------------------------------------------------------------------------------------------
# Rules the models state only in prose: a matching case is expected to have this outcome instead.


@dataclass
class Exception_:
    operation: str
    where: str  # a regular expression over Case.where
    description: str  # a regular expression over Case.description
    outcome: str  # "accepted", "refused" or "skipped"
    reason: str

    def matches(self, case: Case) -> bool:
        return (
            self.operation == case.operation
            and re.fullmatch(self.where, case.where) is not None
            and re.fullmatch(self.description, case.description) is not None
        )


ANY_ALLOWED_VALUE = r"length \d+ \((min|max)\)|\d+ elements \((min|max)\)|an empty structure"

EXCEPTIONS = [
    # StartChatContact (connect)
    Exception_("StartChatContact", r"ContactFlowId", r"length 0 \(min\)", "refused",
               "the model sets no minimum, but an empty id names no flow (InvalidParameterException, no length cited)"),
    Exception_("StartChatContact", r"InitialMessage\.ContentType", ANY_ALLOWED_VALUE, "refused",
               "the API reference lists the content types a message may have (text/plain, text/markdown, application/json, ...interactive.response)"),
    Exception_("StartChatContact", r"SupportedMessagingContentTypes(\[\])?", ANY_ALLOWED_VALUE, "refused",
               "the API reference lists the allowed content types, and the list must contain text/plain"),
    Exception_("StartChatContact", r"PersistentChat", r"an empty structure", "refused",
               "a persistent chat needs both its source contact and its rehydration type (InvalidRequestException)"),
    Exception_("StartChatContact", r"SegmentAttributes\{value\}", r"an empty structure", "refused",
               "the documentation describes a SegmentAttributeValue as carrying a value (\"a map where the key is valueString\")"),
    Exception_("StartChatContact", r"SegmentAttributes\{value\}\.ValueArn", r"length 0 \(min\)", "refused",
               "\"has to be a valid ARN\" (the model's documentation of ValueArn)"),
    # Participant service
    Exception_("SendMessage", r"ContentType", ANY_ALLOWED_VALUE, "refused",
               "the API reference lists the message content types, and the chat must support the type (SupportedMessagingContentTypes)"),
    Exception_("SendEvent", r"ContentType", ANY_ALLOWED_VALUE, "refused",
               "the API reference lists the event content types (typing, connection.acknowledged, message.delivered, message.read)"),
    Exception_("StartAttachmentUpload", r"ContentType", ANY_ALLOWED_VALUE, "refused",
               "the attachment types Connect accepts are listed in the administrator guide"),
    Exception_("CompleteAttachmentUpload", r"AttachmentIds\[\]", ANY_ALLOWED_VALUE, "refused",
               "an attachment id must name an attachment this participant started and uploaded"),
    Exception_("GetAttachment", r"AttachmentId", ANY_ALLOWED_VALUE, "refused",
               "an attachment id must name an uploaded attachment of this chat (the model has no ResourceNotFoundException here)"),
    Exception_("GetTranscript", r"NextToken", ANY_ALLOWED_VALUE, "refused",
               "NextToken must be one the service issued (opaque pagination token)"),
    Exception_("GetTranscript", r"StartPosition\.AbsoluteTime", ANY_ALLOWED_VALUE, "refused",
               "the documentation requires ISO 8601 (yyyy-MM-ddThh:mm:ss.SSSZ)"),
    Exception_("GetTranscript", r"StartPosition\.Id", ANY_ALLOWED_VALUE, "refused",
               "the start position's Id must name an item of the transcript"),
    Exception_("DescribeView", r"ViewToken", r"length 0 \(min\)|length 0 \(min - 1\)", "skipped",
               "an empty URI label leaves a path no operation has; the front end answers it, not the operation"),
    # Availability and push (connect)
    Exception_("GetCurrentMetricData", r"InstanceId", r"length 0 \(min - 1\)", "skipped",
               "an empty URI label at the end of the path leaves a path no operation has; the front end answers it"),
    Exception_("DeletePushNotificationRegistration", r"RegistrationId", r"length 0 \(min - 1\)", "skipped",
               "an empty URI label at the end of the path leaves a path no operation has; the front end answers it"),
    Exception_("GetCurrentMetricData", r"Filters", r"an empty structure", "refused",
               "\"requires a queue when you include a Filter\" (Filters.Queues documentation): metrics are for the queues or routing profiles named"),
    Exception_("GetCurrentMetricData", r"Filters\.RoutingProfiles(\[\])?", ANY_ALLOWED_VALUE, "refused",
               "\"You cannot filter by both queue AND routing profile\" (Filters documentation); the valid request names a queue"),
    Exception_("GetCurrentMetricData", r"Filters\.RoutingStepExpressions(\[\])?", r"length \d+ \((min|max)\)|[1-9]\d* elements \((min|max)\)", "refused",
               "the RoutingStepExpression filter needs exactly one queue and grouping by ROUTING_STEP_EXPRESSION (Filters documentation)"),
    Exception_("GetCurrentMetricData", r"Groupings\[\]", r"enum value AGENT_STATUS", "refused",
               "grouping by AGENT_STATUS needs QUEUE as the primary grouping (Groupings documentation)"),
    Exception_("GetCurrentMetricData", r"CurrentMetrics\[\]", r"an empty structure", "refused",
               "\"Specify the name or metricId ... for each metric\" (CurrentMetrics documentation)"),
    Exception_("GetCurrentMetricData", r"CurrentMetrics\[\]\.Name", r"enum value (OLDEST_CONTACT_AGE|ESTIMATED_WAIT_TIME)", "refused",
               "each metric has its unit (CurrentMetrics documentation: these are SECONDS); the valid request says COUNT"),
    Exception_("GetCurrentMetricData", r"CurrentMetrics\[\]\.Unit", r"enum value (SECONDS|PERCENT)", "refused",
               "each metric has its unit (CurrentMetrics documentation: AGENTS_ONLINE is COUNT)"),
    Exception_("GetCurrentMetricData", r"SortCriteria\[\]\.SortByMetric", r"enum value SLOTS_(ACTIVE|AVAILABLE)", "refused",
               "\"Sorting on SLOTS_ACTIVE and SLOTS_AVAILABLE is not supported\" (SortCriteria documentation)"),
    Exception_("CreatePushNotificationRegistration", r"PinpointAppArn", ANY_ALLOWED_VALUE, "refused",
               "the ARN of the Pinpoint application (the model's documentation; the shape sets no length)"),
    Exception_("CreatePushNotificationRegistration", r"ContactConfiguration\.ParticipantRole", r"enum value (AGENT|SYSTEM|CUSTOM_BOT|SUPERVISOR)", "refused",
               "\"Only CUSTOMER is currently supported\" (the model's documentation of ParticipantRole)"),
    Exception_("GetAuthenticationUrl", r".*", r".*", "skipped",
               "not emulated: customer authentication (AUTHENTICATION_SESSION) is outside the project's chats"),
    Exception_("CancelParticipantAuthentication", r".*", r".*", "skipped",
               "not emulated: customer authentication (AUTHENTICATION_SESSION) is outside the project's chats"),
]

# Header members (the X-Amz-Bearer token) are not generated: the bearer token is checked before the
# body, as AWS's front ends do, so a bad one is AccessDeniedException whatever its length or the body.
# check_bearer_first confirms that.


def expectation(case: Case) -> tuple:
    for exception in EXCEPTIONS:
        if exception.matches(case):
            return exception.outcome, exception
    return ("accepted" if case.model_allows else "refused"), None


# ---------------------------------------------------------------------------------------------------
# Output shapes


def shape_problems(value: Any, shape, where: str) -> list:
    kind = shape.type_name
    meta = shape.metadata
    problems = []
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: expected an object ({shape.name})"]
        for name in value:
            if name not in shape.members:
                problems.append(f"{where}.{name}: not a member of {shape.name}")
        for name in shape.required_members:
            if name not in value and not shape.members[name].serialization.get("location"):
                problems.append(f"{where}.{name}: required by {shape.name}, missing")
        for name, member_value in value.items():
            if name in shape.members:
                problems += shape_problems(member_value, shape.members[name], f"{where}.{name}")
    elif kind == "list":
        if not isinstance(value, list):
            return [f"{where}: expected a list"]
        for index, item in enumerate(value):
            problems += shape_problems(item, shape.member, f"{where}[{index}]")
    elif kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: expected a map"]
        for key, item in value.items():
            problems += shape_problems(key, shape.key, f"{where}{{key}}")
            problems += shape_problems(item, shape.value, f"{where}.{key}")
    elif kind == "string":
        if not isinstance(value, str):
            return [f"{where}: expected a string, got {value!r:.60}"]
        if shape.enum and value not in shape.enum:
            problems.append(f"{where}: {value!r} is not in the enum")
        pattern = meta.get("pattern")
        # Java-style classes such as \p{L} are beyond Python's re: those patterns go unchecked.
        if pattern and "\\p{" not in pattern and re.search(pattern, value) is None:
            problems.append(f"{where}: {value!r:.60} does not match {pattern}")
        if not meta.get("min", 0) <= len(value) <= meta.get("max", len(value)):
            problems.append(f"{where}: length {len(value)} outside {meta.get('min', 0)}..{meta.get('max')}")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{where}: expected an integer"]
        if not meta.get("min", value) <= value <= meta.get("max", value):
            problems.append(f"{where}: {value} outside {meta.get('min')}..{meta.get('max')}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{where}: expected a boolean")
    elif kind in ("timestamp", "double", "float"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(f"{where}: expected a number")
    return problems


# ---------------------------------------------------------------------------------------------------
# Running the cases


class Runner:
    def __init__(self, emulator: Emulator, setup: dict, verbose: bool):
        self.emulator = emulator
        self.setup = setup
        self.verbose = verbose
        session = boto3.Session(
            aws_access_key_id=setup["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=setup["AWS_SECRET_ACCESS_KEY"],
            region_name=setup["AWS_REGION"],
        )
        config = Config(
            parameter_validation=False,
            retries={"mode": "standard", "max_attempts": 1},
            connect_timeout=5,
            read_timeout=15,
        )
        self.clients = {
            "connect": session.client("connect", endpoint_url=emulator.control_url, config=config),
            "connectparticipant": session.client("connectparticipant", endpoint_url=emulator.participant_url, config=config),
            "secretsmanager": session.client("secretsmanager", endpoint_url=emulator.control_url, config=config),
        }
        self.raw: dict = {}
        for client in self.clients.values():
            client.meta.events.register("after-call", self.capture)
        self.failures: list = []
        self.counts = {"conform": 0, "prose": 0, "skipped": 0}
        self.exceptions_used: dict = {}

    def capture(self, http_response, **_):
        self.raw["response"] = http_response

    def call(self, service: str, operation: str, params: dict) -> tuple:
        """(status, error code or None, raw JSON body or None)."""
        client = self.clients[service]
        method = getattr(client, botocore.xform_name(operation))
        self.raw.clear()
        try:
            method(**params)
            code = None
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if not error.response.get("Error", {}).get("Message"):
                code = f"{code} (without a message)"
        response = self.raw["response"]
        try:
            body = json.loads(response.content) if response.content else {}
        except ValueError:
            body = None
        return response.status_code, code, body

    # -- fixtures ------------------------------------------------------------------------------

    def start_chat(self) -> dict:
        connect = self.clients["connect"]
        started = connect.start_chat_contact(**self.chat_baseline())
        connection = self.clients["connectparticipant"].create_participant_connection(
            ParticipantToken=started["ParticipantToken"], Type=["CONNECTION_CREDENTIALS"], ConnectParticipant=True
        )
        return {
            "contact_id": started["ContactId"],
            "participant_token": started["ParticipantToken"],
            "connection_token": connection["ConnectionCredentials"]["ConnectionToken"],
        }

    def chat_baseline(self) -> dict:
        return {
            "InstanceId": self.setup["INSTANCE_ID"],
            "ContactFlowId": self.setup["CONTACT_FLOW_ID"],
            "ParticipantDetails": {"DisplayName": "Conformance"},
        }

    def uploaded_attachment(self, chat: dict) -> str:
        participant = self.clients["connectparticipant"]
        started = participant.start_attachment_upload(
            ConnectionToken=chat["connection_token"],
            ContentType="text/plain",
            AttachmentSizeInBytes=5,
            AttachmentName="note.txt",
            ClientToken=str(uuid.uuid4()),
        )
        upload = started["UploadMetadata"]
        request = urllib.request.Request(upload["Url"], data=b"hello", method="PUT", headers=upload["HeadersToInclude"])
        urllib.request.urlopen(request, timeout=10).close()
        return started["AttachmentId"]

    # -- the operations ------------------------------------------------------------------------

    def run(self) -> None:
        models = {name: client.meta.service_model for name, client in self.clients.items()}
        ended = self.start_chat()
        self.emulator.control("POST", "/_emulator/agent/end", {"contactId": ended["contact_id"]})
        related = self.start_chat()
        SEEDS.update(
            {
                "InstanceId": self.setup["INSTANCE_ID"],
                "ContactFlowId": self.setup["CONTACT_FLOW_ID"],
                "ParticipantDetails": {"DisplayName": "Conformance"},
                "InitialMessage.ContentType": "text/plain",
                "SupportedMessagingContentTypes[]": "text/plain",
                "PersistentChat": {"RehydrationType": "ENTIRE_PAST_SESSION", "SourceContactId": ended["contact_id"]},
                "RelatedContactId": related["contact_id"],
                "SegmentAttributeValue": {"ValueString": "conformance"},
                "ChatStreamingConfiguration": {"StreamingEndpointArn": "arn:aws:sns:us-east-1:000000000000:chat"},
                "DisconnectOnCustomerExit[]": "AGENT",
            }
        )
        self.run_operation(models, "connect", "StartChatContact", lambda: self.chat_baseline())
        self.run_availability_and_push(models)

        chat = self.start_chat()
        bearer = {"ConnectionToken": chat["connection_token"]}
        self.run_operation(models, "connectparticipant", "CreateParticipantConnection",
                           lambda: {"ParticipantToken": chat["participant_token"], "Type": ["CONNECTION_CREDENTIALS"]})
        SEEDS.update({"ContentType": "text/plain"})
        self.run_operation(models, "connectparticipant", "SendMessage",
                           lambda: {**bearer, "ContentType": "text/plain", "Content": "hello"})
        SEEDS.update({"ContentType": "application/vnd.amazonaws.connect.event.typing"})
        self.run_operation(models, "connectparticipant", "SendEvent",
                           lambda: {**bearer, "ContentType": "application/vnd.amazonaws.connect.event.typing"})
        self.run_operation(models, "connectparticipant", "GetTranscript", lambda: dict(bearer))
        SEEDS.update({"ContentType": "text/plain", "AttachmentName": "note.txt"})
        self.run_operation(models, "connectparticipant", "StartAttachmentUpload",
                           lambda: {**bearer, "ContentType": "text/plain", "AttachmentSizeInBytes": 5,
                                    "AttachmentName": "note.txt", "ClientToken": str(uuid.uuid4())})
        self.run_operation(models, "connectparticipant", "CompleteAttachmentUpload",
                           lambda: {**bearer, "AttachmentIds": [self.uploaded_attachment(chat)], "ClientToken": str(uuid.uuid4())})
        attachment = self.uploaded_attachment(chat)
        self.clients["connectparticipant"].complete_attachment_upload(
            ConnectionToken=chat["connection_token"], AttachmentIds=[attachment], ClientToken=str(uuid.uuid4()))
        SEEDS.update({"AttachmentId": attachment})
        self.run_operation(models, "connectparticipant", "GetAttachment", lambda: {**bearer, "AttachmentId": attachment})
        self.run_operation(models, "connectparticipant", "DescribeView", lambda: {**bearer, "ViewToken": "conformance-view"})
        # Disconnecting ends the chat: a fresh one for every case.
        self.run_operation(models, "connectparticipant", "DisconnectParticipant",
                           lambda: {"ConnectionToken": self.start_chat()["connection_token"]})
        for operation in ("GetAuthenticationUrl", "CancelParticipantAuthentication"):
            self.run_operation(models, "connectparticipant", operation, lambda: dict(bearer))

        self.run_operation(models, "secretsmanager", "GetSecretValue",
                           lambda: {"SecretId": "arn:aws:secretsmanager:us-east-1:000000000000:secret:start-chat-local"})
        self.check_bearer_first(chat)

    def run_availability_and_push(self, models) -> None:
        """DescribeQueue, GetEffectiveHoursOfOperations, GetCurrentMetricData and the push
        registrations, against the local queues, hours and push application."""
        instance = self.setup["INSTANCE_ID"]
        queue_id = dict(entry.split("=", 1) for entry in self.setup["AVAILABILITY_QUEUES"].split(","))["default"]
        hours_id = self.clients["connect"].describe_queue(InstanceId=instance, QueueId=queue_id)["Queue"]["HoursOfOperationId"]
        SEEDS.update({"QueueId": queue_id, "HoursOfOperationId": hours_id,
                      "Filters.Queues[]": queue_id, "Filters.Channels[]": "CHAT",
                      "CurrentMetrics[]": {"Name": "AGENTS_ONLINE", "Unit": "COUNT"},
                      "FromDate": "2026-12-04", "ToDate": "2026-12-10"})
        self.run_operation(models, "connect", "DescribeQueue", lambda: {"InstanceId": instance, "QueueId": queue_id})
        self.run_operation(models, "connect", "GetEffectiveHoursOfOperations",
                           lambda: {"InstanceId": instance, "HoursOfOperationId": hours_id,
                                    "FromDate": "2026-12-04", "ToDate": "2026-12-10"})
        self.run_operation(models, "connect", "GetCurrentMetricData",
                           lambda: {"InstanceId": instance,
                                    "Filters": {"Queues": [queue_id], "Channels": ["CHAT"]},
                                    "Groupings": ["QUEUE", "CHANNEL"],
                                    "CurrentMetrics": [{"Name": "AGENTS_ONLINE", "Unit": "COUNT"}]})

        chat = self.start_chat()
        app = self.setup["PUSH_APPLICATION_ARN"]
        registration = {"InstanceId": instance, "PinpointAppArn": app, "DeviceToken": "a1b2c3d4", "DeviceType": "APNS",
                        "ContactConfiguration": {"ContactId": chat["contact_id"], "ParticipantRole": "CUSTOMER"}}
        SEEDS.update({"PinpointAppArn": app, "ContactConfiguration": {"ContactId": chat["contact_id"]},
                      "ContactConfiguration.ContactId": chat["contact_id"]})
        self.run_operation(models, "connect", "CreatePushNotificationRegistration", lambda: copy.deepcopy(registration))

        def registered() -> dict:
            created = self.clients["connect"].create_push_notification_registration(**registration)
            return {"InstanceId": instance, "RegistrationId": created["RegistrationId"], "ContactId": chat["contact_id"]}

        self.run_operation(models, "connect", "DeletePushNotificationRegistration", registered)

    def run_operation(self, models, service: str, operation: str, baseline: Callable[[], dict]) -> None:
        model = models[service].operation_model(operation)
        cases = [Case(service, operation, (), "the valid baseline request", None, True)]
        cases += cases_for(service, operation, model.input_shape, (), frozenset({model.input_shape.name}))
        for case in cases:
            outcome, exception = expectation(case)
            if outcome == "skipped":
                self.counts["skipped"] += 1
                self.note_exception(exception)
                continue
            request = place(baseline(), model.input_shape, case)
            status, code, body = self.call(service, operation, request)
            problems = self.judge(service, model, case, outcome, status, code, body)
            label = f"{operation} {case.where}: {case.description}"
            if problems:
                self.failures.append(f"{label} -> {status} {code or ''}: " + "; ".join(problems))
            else:
                self.counts["prose" if exception else "conform"] += 1
                if exception:
                    self.note_exception(exception)
            if self.verbose:
                print(f"{'FAIL' if problems else 'ok  '} {label} -> {status} {code or ''}")

    def note_exception(self, exception: Exception_) -> None:
        key = f"{exception.operation} {exception.where}: {exception.reason}"
        self.exceptions_used[key] = self.exceptions_used.get(key, 0) + 1

    def judge(self, service, model, case, outcome, status, code, body) -> list:
        validation = VALIDATION_CODES[service]
        modelled = {error.name for error in model.error_shapes} | GENERIC_CODES
        if outcome == "accepted":
            if code in validation or (code and "without a message" in code):
                return [f"the model allows this, the emulator refused it ({code})"]
            if status == 200:
                if body is None:
                    return ["a 200 whose body is not JSON"]
                return shape_problems(body, model.output_shape, "output") if model.output_shape else []
            if status >= 500:
                return [f"a server error ({status})"]
            return []
        if status != 400 or code not in validation:
            return [f"expected a 400 validation error, got {status} {code}"]
        if code not in modelled:
            return [f"{code} is neither modelled for {model.name} nor a generic front-end error"]
        return []

    def check_bearer_first(self, chat: dict) -> None:
        """A bad bearer token is refused before the body is read, whatever the body."""
        status, code, _ = self.call("connectparticipant", "SendMessage",
                                    {"ConnectionToken": "x", "ContentType": "NOT_A_TYPE", "Content": ""})
        if (status, code) == (403, "AccessDeniedException"):
            self.counts["conform"] += 1
        else:
            self.failures.append(f"SendMessage with a bad bearer token -> {status} {code}: expected 403 AccessDeniedException")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emulator", required=True, help="path of the connect-emulator binary")
    parser.add_argument("--verbose", action="store_true", help="print every case")
    args = parser.parse_args()
    setup = local_setup(args.emulator)
    emulator = Emulator(args.emulator)
    try:
        runner = Runner(emulator, setup, args.verbose)
        runner.run()
    finally:
        exit_code = emulator.stop()
    counts = runner.counts
    total = counts["conform"] + counts["prose"] + len(runner.failures)
    print(
        f"conformance (botocore {botocore.__version__}): {total} cases sent; {counts['conform']} as the models say, "
        f"{counts['prose']} under the documented prose rules below, {len(runner.failures)} failed; "
        f"{counts['skipped']} skipped (not emulated)"
    )
    for rule, count in sorted(runner.exceptions_used.items()):
        print(f"  {count:3d}  {rule}")
    for exception in EXCEPTIONS:
        if not any(key.startswith(f"{exception.operation} {exception.where}: {exception.reason}") for key in runner.exceptions_used):
            runner.failures.append(f"the exception for {exception.operation} {exception.where} matched no case: remove it")
    for failure in runner.failures:
        print(f"FAIL {failure}")
    if exit_code != 0:
        print(f"FAIL the emulator exited with {exit_code} on SIGTERM")
        return 1
    return 1 if runner.failures else 0


if __name__ == "__main__":
    sys.exit(main())

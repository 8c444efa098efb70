"""Schemathesis hooks for `make schemathesis` (loaded through SCHEMATHESIS_HOOKS).

openapi.yaml states every rule JSON Schema can state. A few rules it cannot (they are in its descriptions):
a display name must show a visible character and hold no control, format, separator, private-use or
unassigned character; attribute keys and values together are at most 32,768 bytes of UTF-8; the
initial message's type must be one of the chat's content types; `connect:Guide` needs both interactive
types; the body is at most 65,536 bytes. Positive test cases that break one of them are not valid
requests, so they are dropped here rather than sent as "valid"; negative cases are left alone.

One rule differs from JSON Schema's own meaning: to JSON Schema, 120.0 is an integer; the function reads
`ChatDurationInMinutes` and `ValueInteger` only when written without a fraction (120), as every JSON
encoder writes an integer.
"""

import json
import unicodedata

import schemathesis

# The widget sends its JSON as text/plain (no CORS preflight): the same bytes as application/json.
schemathesis.serializer.alias("text/plain", "application/json")

REFUSED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"}
VISIBLE_PREFIXES = ("L", "N", "P", "S")
BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}
# The chat's content types when the request names none: SUPPORTED_MESSAGING_CONTENT_TYPES of `make local`.
LOCAL_DEFAULT_CONTENT_TYPES = ["text/plain", "text/markdown"]
INTERACTIVE = "application/vnd.amazonaws.connect.message.interactive"
ATTRIBUTES_MAX_BYTES = 32_768
BODY_MAX_BYTES = 65_536


def display_name_is_valid(name):
    # Python's Unicode tables may be older than the function's: a character they call unassigned is
    # dropped here even if the function accepts it, never the other way round.
    if any(unicodedata.category(c) in REFUSED_CATEGORIES for c in name):
        return False
    return any(unicodedata.category(c).startswith(VISIBLE_PREFIXES) and c not in BLANK_LETTERS for c in name)


def has_float_integer(value, key=None):
    if key in ("ChatDurationInMinutes", "ValueInteger") and isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(has_float_integer(v, k) for k, v in value.items())
    if isinstance(value, list):
        return any(has_float_integer(v) for v in value)
    return False


def body_is_valid(body):
    if not isinstance(body, dict):
        return True
    if has_float_integer(body):
        return False
    if len(json.dumps(body, ensure_ascii=False).encode("utf-8")) > BODY_MAX_BYTES:
        return False
    details = body.get("ParticipantDetails")
    if isinstance(details, dict) and isinstance(details.get("DisplayName"), str):
        if not display_name_is_valid(details["DisplayName"]):
            return False
    attributes = body.get("Attributes")
    if isinstance(attributes, dict):
        size = sum(len(k.encode("utf-8")) + len(v.encode("utf-8")) for k, v in attributes.items() if isinstance(v, str))
        if size > ATTRIBUTES_MAX_BYTES:
            return False
    types = body.get("SupportedMessagingContentTypes") or LOCAL_DEFAULT_CONTENT_TYPES
    message = body.get("InitialMessage")
    if isinstance(message, dict) and message.get("ContentType") not in types:
        return False
    segments = body.get("SegmentAttributes")
    subtype = segments.get("connect:Subtype") if isinstance(segments, dict) else None
    if isinstance(subtype, dict) and subtype.get("ValueString") == "connect:Guide":
        if INTERACTIVE not in types or INTERACTIVE + ".response" not in types:
            return False
    return True


def reaches_the_function(body):
    # cargo lambda answers a text body that is not UTF-8 with its own 500 before invoking the function
    # (AWS's function URLs base64-encode it); the corpus sends the function such bodies
    # (tests/corpus/base64.jsonl).
    if isinstance(body, (bytes, bytearray)):
        try:
            bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True


@schemathesis.hook
def filter_case(ctx, case):
    if not reaches_the_function(case.body):
        return False
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return True
    return body_is_valid(case.body)

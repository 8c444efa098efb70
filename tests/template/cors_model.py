"""Which browser pages can read an answer, for the function and for the answers API Gateway and WAF make.

A page at origin O can read a cross-origin answer when its Access-Control-Allow-Origin is "*" or O
(credentials are never involved). The function answers "*" when AllowedOrigins is "*", O when O is
listed, and nothing otherwise. The template's own answers must never let more pages read than that.
"""

from __future__ import annotations

import re

ONE = "https://www.example.com"
TWO = "https://example.com"
ORIGIN_SHAPES = {
    "none": "",
    "any": "*",
    "one": ONE,
    "two": f"{ONE},{TWO}",
}
# Origins a browser may send: the allowed ones, lookalikes, "null" (sandboxed frames, file://).
PROBES = [
    ONE,
    TWO,
    "https://evil.example",
    "https://www.example.com.evil.io",
    "https://wwwxexample.com",
    "https://wwwexample.com",
    "https://www.example.com:8443",
    "http://www.example.com",
    "null",
]


def function_readers(allowed_origins: str) -> set[str]:
    """Origins whose pages can read the function's own answers."""
    if allowed_origins == "*":
        return set(PROBES)
    return {o for o in PROBES if o in allowed_origins.split(",")}


def readers(allow_origin_header: str | None, reaching: set[str]) -> set[str]:
    """Origins (among those whose requests reach the answer) whose pages can read it.

    allow_origin_header is the answer's Access-Control-Allow-Origin as sent: None (absent), "*", an
    origin, or ECHO (the request's own Origin).
    """
    if allow_origin_header is None:
        return set()
    if allow_origin_header in ("*", ECHO):
        return set(reaching)
    return {o for o in reaching if o == allow_origin_header}


ECHO = "<the request's Origin>"


def gateway_header(value: str | None) -> str | None:
    """A gateway response's header mapping, as the header value a browser sees."""
    if value is None:
        return None
    if value == "method.request.header.Origin":
        return ECHO
    assert value.startswith("'") and value.endswith("'"), value
    return value[1:-1]


def waf_regexes_pass(patterns: list[str], origin: str) -> bool:
    """AWS WAF's regex match statement matches when an expression matches anywhere (a search)."""
    return any(re.search(p, origin) for p in patterns)

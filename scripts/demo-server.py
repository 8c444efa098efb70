#!/usr/bin/env python3
"""The demo page's web server for `make local` (standard library only).

  demo-server.py [--bind ADDRESS] --directory SITE PORT

Serves the files of SITE as `python3 -m http.server` does. When the environment holds the website's signing
keys (DEMO_SIGNING_KEYS=<key>[,<key>], as scripts/local.sh passes them in signed-customer mode), it also plays
the website's server after a login, for one fixed demo customer:

  GET  /customer        the signed-in customer: {"id", "displayName"}
  POST /customer-token  a fresh HS256 JWT for that customer, signed with the FIRST key (the one a site signs
                        with while it rotates; the function accepts both): {"token", "expiresIn"}.
                        A JSON body {"continueContactId": "<contact id>"} adds the persistentChat claim that
                        continues that ended chat (the only way to continue one when customers are signed).

A real site mints on its own server after its own login, for the customer of that session, and names only that
customer's contacts; this one trusts whoever asks, because on 127.0.0.1 the "customer" is the developer. The
keys never reach a log line, the page or this server's command line (which other users can read).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import sys
import time
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

# The demo customer, as a site's account database would hold them.
CUSTOMER_ID = "demo-customer-1"
CUSTOMER_NAME = "Jordan Rivera"
CUSTOMER_ATTRIBUTES = {"plan": "gold", "accountNumber": "1001"}
# The function allows at most 10 minutes between iat and exp; a token is minted just before each start.
TOKEN_LIFETIME_SECONDS = 300
MAX_REQUEST_BYTES = 4096
CONTACT_ID = re.compile(r"[A-Za-z0-9-]{1,256}")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def chat_token(key: str, claims: dict) -> str:
    """An HS256 JWT of `claims` with iat and exp (docs/api.md#signed-customers has the same example)."""
    now = int(time.time())
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps({**claims, "iat": now, "exp": now + TOKEN_LIFETIME_SECONDS}).encode())
    signature = hmac.new(key.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(signature)}"


def customer_claims(continue_contact_id: str | None) -> dict:
    """What the site vouches for: who the customer is, what the flow may route on, and which chat to continue."""
    claims = {
        "sub": CUSTOMER_ID,
        "displayName": CUSTOMER_NAME,
        "attributes": CUSTOMER_ATTRIBUTES,
        "segmentAttributes": {"connect:CustomerAuthenticationStatus": {"ValueString": "AUTHENTICATED"}},
    }
    if continue_contact_id:
        claims["persistentChat"] = {"SourceContactId": continue_contact_id, "RehydrationType": "ENTIRE_PAST_SESSION"}
    return claims


class DemoHandler(SimpleHTTPRequestHandler):
    signing_key: str | None = None  # the first configured key; None: static files only

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.signing_key and self.path == "/customer":
            self.send_json(HTTPStatus.OK, {"id": CUSTOMER_ID, "displayName": CUSTOMER_NAME})
        elif self.signing_key and self.path == "/customer-token":
            self.send_json(HTTPStatus.METHOD_NOT_ALLOWED, {"error": "POST a JSON object"}, {"Allow": "POST"})
        else:
            super().do_GET()

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        if not (self.signing_key and self.path == "/customer-token"):
            self.send_json(HTTPStatus.NOT_FOUND, {"error": "not found"})
            return
        # Only this page may ask: a JSON body needs a CORS preflight, which this server never grants, and a
        # browser names the page's origin, which must be this server's own.
        origin = self.headers.get("Origin")
        if origin is not None and origin != f"http://{self.headers.get('Host', '')}":
            self.send_json(HTTPStatus.FORBIDDEN, {"error": "another site's page may not ask for a token"})
            return
        if (self.headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/json":
            self.send_json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": "send application/json"})
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_REQUEST_BYTES:
            self.send_json(HTTPStatus.BAD_REQUEST, {"error": "a small JSON object, please"})
            return
        try:
            request = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            request = None
        contact_id = request.get("continueContactId") if isinstance(request, dict) else None
        if not isinstance(request, dict) or not (contact_id is None or (isinstance(contact_id, str) and CONTACT_ID.fullmatch(contact_id))):
            self.send_json(HTTPStatus.BAD_REQUEST, {"error": "expected {} or {\"continueContactId\": \"<contact id>\"}"})
            return
        token = chat_token(self.signing_key, customer_claims(contact_id))
        self.send_json(HTTPStatus.OK, {"token": token, "expiresIn": TOKEN_LIFETIME_SECONDS})

    def send_json(self, status: HTTPStatus, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
        # The request line and status only: no header (Authorization, cookies) and no body is ever logged.
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--directory", required=True)
    parser.add_argument("port", type=int)
    args = parser.parse_args()

    keys = [key.strip() for key in os.environ.pop("DEMO_SIGNING_KEYS", "").split(",") if key.strip()]
    DemoHandler.signing_key = keys[0] if keys else None
    handler = partial(DemoHandler, directory=args.directory)
    with ThreadingHTTPServer((args.bind, args.port), handler) as server:
        host, port = server.server_address[:2]
        mode = "on (POST /customer-token)" if keys else "off"
        print(f"Serving the demo page on http://{host}:{port}/ (signed customers: {mode})", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

"""`make schemathesis`'s front door: the function URL of `make local` (cargo lambda), with Lambda's handling
of bodies that are not UTF-8.

Every request is passed on to cargo lambda unchanged, and its answer back unchanged, except one case.
cargo lambda answers a body that is not UTF-8 under a text media type (none, text/*, application/json*)
with its own 500 before the function runs, where Lambda's function URLs give the function such a body
base64-encoded. schemathesis sends such bodies on purpose (random bytes as JSON), so for them this relay
builds the function URL event Lambda would send and invokes the function through cargo lambda's Invoke API.
Nothing is filtered: every request schemathesis makes reaches the function and every answer is checked.

    python3 front_door.py <function URL>   # prints "Listening: <this relay's function URL>", runs until killed

Standard library only (it runs with any python3).
"""

import base64
import http.client
import json
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# Hop-by-hop headers belong to each connection, not to the request or answer relayed.
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


def cargo_lambda_reads_as_text(content_type):
    """cargo lambda's rule (crates/cargo-lambda-watch/src/trigger_router.rs): no Content-Type, or one
    that is readable ASCII starting with text/ or application/json."""
    if content_type is None:
        return True
    readable = all(c == "\t" or " " <= c <= "~" for c in content_type)
    return readable and content_type.startswith(("text/", "application/json"))


def is_utf8(body):
    try:
        body.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


class Relay(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    target = urlsplit("http://127.0.0.1/")  # set in main()

    def __getattr__(self, name):
        # Every method (GET, TRACE, lowercase `post`, ...) is relayed: the function decides what is allowed.
        if name.startswith("do_"):
            return self.relay
        raise AttributeError(name)

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def relay(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if body and cargo_lambda_reads_as_text(self.headers.get("Content-Type")) and not is_utf8(body):
            status, headers, payload = self.invoke_base64(body)
        else:
            status, headers, payload = self.forward(body)
        self.send_response_only(status)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def upstream(self):
        return http.client.HTTPConnection(self.target.hostname, self.target.port, timeout=60)

    def forward(self, body):
        connection = self.upstream()
        try:
            connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    connection.putheader(name, value)
            if body:
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body or None)
            answer = connection.getresponse()
            return answer.status, answer.getheaders(), answer.read()
        finally:
            connection.close()

    def invoke_base64(self, body):
        """The function URL event Lambda sends for this request (payload 2.0, body base64-encoded),
        through cargo lambda's Invoke API; the function's proxy response becomes the answer."""
        prefix = self.target.path.rstrip("/")
        path, _, query = self.path.partition("?")
        headers = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        event = {
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": path.removeprefix(prefix) or "/",
            "rawQueryString": query,
            "headers": headers,
            "requestContext": {
                "http": {
                    "method": self.command,
                    "path": path.removeprefix(prefix) or "/",
                    "protocol": "HTTP/1.1",
                    "sourceIp": "127.0.0.1",
                    "userAgent": self.headers.get("User-Agent", ""),
                },
                "requestId": str(uuid.uuid4()),
                "routeKey": "$default",
                "stage": "$default",
                "timeEpoch": int(time.time() * 1000),
            },
            "body": base64.b64encode(body).decode("ascii"),
            "isBase64Encoded": True,
        }
        function = prefix.rsplit("/", 1)[-1]
        connection = self.upstream()
        try:
            connection.request(
                "POST",
                f"/2015-03-31/functions/{function}/invocations",
                body=json.dumps(event).encode("utf-8"),
                headers={"Content-Type": "application/json"},
            )
            answer = connection.getresponse()
            document = json.loads(answer.read())
        finally:
            connection.close()
        payload = document.get("body") or ""
        payload = base64.b64decode(payload) if document.get("isBase64Encoded") else payload.encode("utf-8")
        headers = list((document.get("headers") or {}).items())
        headers += [("Set-Cookie", cookie) for cookie in document.get("cookies") or []]
        return document["statusCode"], headers, payload


def main():
    target = urlsplit(sys.argv[1])
    Relay.target = target
    server = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    server.daemon_threads = True
    print(f"Listening: http://127.0.0.1:{server.server_port}{target.path}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

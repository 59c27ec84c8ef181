"""A real webhook receiver on 127.0.0.1, and an app whose fetches may reach it.

The receiver is a threaded ``http.server`` on an ephemeral port. It checks every request's
Standard Webhooks signature with the endpoint's secret — recomputed here with ``hmac`` and
``base64``, not with the library the app signs with — and counts what it got. Its answers are
scripted: a list of steps taken one per request (an HTTP status, ``("sleep", s)`` to answer too
late, ``("redirect", url)``), then 200 for everything after.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask

from tests import dbutil
from tests.conftest import make_app


def expected_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    """The spec's scheme, written out: v1, base64(HMAC-SHA256(key, "id.timestamp.body"))."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool

    @property
    def payload(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    host: str
    port: int = 0
    secret: str | None = None
    script: list[Any] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def next_step(self) -> Any:
        with self.lock:
            return self.script.pop(0) if self.script else 200


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            ok = False
            if receiver.secret is not None:
                want = expected_signature(
                    receiver.secret,
                    headers.get("webhook-id", ""),
                    headers.get("webhook-timestamp", ""),
                    body,
                )
                ok = any(
                    hmac.compare_digest(want, sig)
                    for sig in headers.get("webhook-signature", "").split()
                )
            with receiver.lock:
                receiver.received.append(Received(self.path, headers, body, ok))
            step = receiver.next_step()
            if isinstance(step, tuple) and step[0] == "sleep":
                time.sleep(float(step[1]))
                step = 200
            if isinstance(step, tuple) and step[0] == "redirect":
                self._answer(302, b"", {"Location": step[1]})
                return
            self._answer(int(step), b"ok" if int(step) < 300 else b"nope", {})

        def do_GET(self) -> None:
            with receiver.lock:
                receiver.received.append(Received(self.path, {}, b"", False))
            self._answer(200, b"stolen", {})

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            with suppress(OSError):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def serve_receiver(host: str) -> Iterator[Receiver]:
    receiver = Receiver(host)
    server = ThreadingHTTPServer((host, 0), _handler(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from serve_receiver("127.0.0.1")


@pytest.fixture
def intranet() -> Iterator[Receiver]:
    """Another loopback server, on 127.0.0.2: a private address nobody allowed."""
    yield from serve_receiver("127.0.0.2")


@pytest.fixture
def app(backend: str) -> Iterator[Flask]:
    application = make_app(
        backend,
        FETCH_ALLOW_HOSTS="127.0.0.1",  # the receiver, allowed explicitly; 127.0.0.2 is not
        WEBHOOK_DEADLINE=1.0,
        WEBHOOK_RETRY_BASE=30.0,
        WEBHOOK_MAX_ATTEMPTS=6,
    )
    yield application
    dbutil.wipe(application)

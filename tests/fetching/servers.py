"""Small HTTP servers on loopback addresses, for the fetcher's and ingestion's tests.

``serve(host, routes)`` runs a threading server on ``host`` (127.0.0.2 for "the allowed intranet
host", 127.0.0.1 for "a private address the fetcher must refuse"); each route answers with a
status, headers and a body, or with a behaviour: ``("drip", seconds)`` sends one byte every
``seconds``, ``("huge", n)`` streams ``n`` bytes without a Content-Length.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Route = tuple[int, dict[str, str], bytes] | tuple[str, float]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Any]
    seen: list[dict[str, str]]
    url: str


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.seen.append(
            {"path": self.path, **{k.lower(): v for k, v in self.headers.items()}}
        )
        route = self.server.routes.get(self.path.split("?")[0])
        if route is None:
            self._send(404, {"Content-Type": "text/plain"}, b"not here")
            return
        if callable(route):
            route = route(self)
        if route[0] == "drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(100000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(float(route[1]))
            except OSError:
                return
            return
        if route[0] == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"<p>" + b"a" * 65533
            try:
                for _ in range(int(route[1]) // len(chunk) + 1):
                    self.wfile.write(chunk)
            except OSError:
                return
            return
        status, headers, body = route
        self._send(status, headers, body)

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with suppress(OSError):
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(host: str, routes: dict[str, Any]) -> Iterator[_Server]:
    """A server on ``host`` and a free port; ``server.url`` is its base URL."""
    server = _Server((host, 0), _Handler)
    server.routes = routes
    server.seen = []
    server.url = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def page(html: str, content_type: str = "text/html; charset=utf-8") -> Route:
    return (200, {"Content-Type": content_type}, html.encode())


def redirect(location: str, status: int = 302) -> Route:
    return (status, {"Location": location, "Content-Type": "text/plain"}, b"")


@contextmanager
def closed_port(host: str = "127.0.0.2") -> Iterator[int]:
    """A port on ``host`` where nothing listens."""
    sock = socket.socket()
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    sock.close()
    yield port


@contextmanager
def slammer(host: str = "127.0.0.2") -> Iterator[int]:
    """An open port that accepts a connection and closes it at once (not an HTTP server)."""
    sock = socket.socket()
    sock.bind((host, 0))
    sock.listen(8)
    sock.settimeout(0.2)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            conn.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        sock.close()

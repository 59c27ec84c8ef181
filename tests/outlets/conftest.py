"""A real HTTP server on 127.0.0.1 serving feeds, sitemaps and pages, and an app allowed to
reach that one address (``FETCH_ALLOW_HOSTS``) with its snapshots in a temporary folder."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests import dbutil
from tests.conftest import make_app


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait after the headers, before the body


class Site:
    """Routes by path; counts hits; answers 304 to a matching ``If-None-Match``."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[tuple[str, dict[str, str]]] = []
        self.base = ""

    def url(self, path: str) -> str:
        return self.base + path

    def set(self, path: str, body: str | bytes, **kwargs: Any) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(data, **kwargs)
        return self.url(path)

    def drop(self, path: str) -> None:
        self.routes.pop(path, None)

    def count(self, path: str) -> int:
        return sum(1 for p, _ in self.hits if p == path)


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            site.hits.append((self.path, dict(self.headers.items())))
            route = site.routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            if route.etag:
                self.send_header("ETag", route.etag)
            for key, value in route.headers.items():
                self.send_header(key, value)
            if "Content-Length" not in route.headers:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            if route.delay:
                self.wfile.flush()
                time.sleep(route.delay)
            with contextlib.suppress(OSError):  # the client gave up (deadline)
                self.wfile.write(route.body)

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
    served.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def snapshot_dir(tmp_path: Path) -> Path:
    return tmp_path / "snapshots"


@pytest.fixture
def app(backend: str, snapshot_dir: Path) -> Iterator[Flask]:
    application = make_app(
        backend,
        FETCH_ALLOW_HOSTS=("127.0.0.1",),  # the test server; every other private host refused
        SNAPSHOT_DIR=str(snapshot_dir),
        OUTLET_MAX_ARTICLES_PER_POLL=5,
    )
    yield application
    dbutil.wipe(application)


def article_page(title: str, n: int) -> str:
    """A French news page whose main text trafilatura finds, unique by ``n``."""
    return f"""<!doctype html><html lang="fr"><head><title>{title}</title>
<meta name="author" content="Jeanne Reporter"></head><body>
<nav><a href="/">Accueil</a> <a href="/monde">Monde</a></nav>
<article><h1>{title}</h1>
<p>Le Pentagone estime que {n} 000 soldats nord-coréens ont été envoyés dans la région de Koursk,
selon un communiqué publié lundi par le ministère américain de la Défense.</p>
<p>Un rapport publié en juin montre que 23 des 32 membres de l'OTAN consacrent au moins 2 % de
leur PIB à la défense, a déclaré le secrétaire général de l'Alliance lors d'une conférence.</p>
<p>Les ministres se réuniront de nouveau le mois prochain pour discuter du budget numéro {n}.</p>
</article><footer>© Journal</footer></body></html>"""


def rss(site: Site, paths: list[str], *, language: str = "fr") -> str:
    items = "".join(
        f"<item><title>Article {p}</title><link>{site.url(p)}</link><guid>{site.url(p)}</guid>"
        "</item>"
        for p in paths
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Le Journal</title><link>{site.url('/')}</link><language>{language}</language>"
        f"<description>Actualités</description>{items}</channel></rss>"
    )


def atom(site: Site, paths: list[str]) -> str:
    entries = "".join(
        f'<entry><title>Article {p}</title><link href="{site.url(p)}"/>'
        f"<id>{site.url(p)}</id><updated>2026-11-30T10:00:00Z</updated></entry>"
        for p in paths
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        'xml:lang="fr"><title>Le Journal</title><id>urn:journal</id>'
        f"<updated>2026-11-30T10:00:00Z</updated>{entries}</feed>"
    )


def sitemap(site: Site, paths: list[str]) -> str:
    urls = "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )

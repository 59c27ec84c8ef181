"""Fetching a URL someone handed us, without letting them steer the server (SSRF guard).

Every fetch of a user-supplied address goes through :func:`fetch`: URL ingestion, feed polling,
source snapshots, ``validate URL``; webhooks POST through :func:`post`. What it guarantees:

- **Every hop is checked.** Redirects are followed by hand, at most ``max_redirects``; each
  ``Location`` is parsed, resolved and checked exactly like the first address.
- **The connection goes where the check looked.** A host name is resolved once; every address it
  resolves to must be public (or allowed), and the socket connects to that checked address while
  the request carries the name (``Host`` header, TLS SNI and certificate check). A DNS answer that
  changes between the check and the connection (rebinding) cannot send us elsewhere.
- **A total deadline and a byte cap.** The deadline covers resolving, connecting, redirects and
  reading the body; a watchdog closes the socket when it passes, so a server that drips one byte
  every few seconds is cut off. A body larger than the cap is refused without being read past it.
- **One message for anything unreachable.** A name that does not resolve, a closed port, a reset,
  a server that never answers: all read "could not reach …", so the error texts tell nobody which
  ports are open inside our network.

``FETCH_ALLOW_HOSTS`` names the private hosts or addresses a deployment may reach (its intranet
CMS); everything else private stays refused. ``FETCH_ALLOW_PRIVATE`` lifts the guard entirely
(development and tests only).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

import urllib3
from flask import current_app, has_app_context
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from factcheck.domain import ValidationError
from factcheck.validation import clean_url

DEFAULT_DEADLINE = 20.0  # seconds for the whole fetch: resolving, connecting, redirects, body
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_CONNECT_TIMEOUT = 5.0
MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
    "application/json",
)
USER_AGENT = "factcheck/0.1 (+newsroom fact-check desk)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 16 * 1024

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class FetchError(ValidationError):
    """A fetch that did not give us a usable document; ``temporary`` ones are worth retrying."""

    temporary = False

    def __init__(self, message: str, *, field: str | None = "url") -> None:
        super().__init__(message, field=field)


class FetchRefused(FetchError):
    """Refused by policy or by what came back: a private address, too large, wrong type, 4xx."""


class FetchUnreachable(FetchError):
    """Nothing usable answered: one message whatever the cause (no port-scanning oracle)."""

    temporary = True


class FetchTimeout(FetchError):
    """The server answered but did not finish within the deadline."""

    temporary = True


class FetchServerError(FetchError):
    """The server answered 5xx or 429: worth trying again later."""

    temporary = True


@dataclass(frozen=True)
class FetchPolicy:
    """What a fetch may reach and how long and how much it may take."""

    allow_private: bool = False
    allow_hosts: tuple[str, ...] = ()  # lower-case names, addresses or networks (CIDR)
    deadline: float = DEFAULT_DEADLINE
    max_bytes: int = DEFAULT_MAX_BYTES
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    max_redirects: int = MAX_REDIRECTS
    user_agent: str = USER_AGENT

    @classmethod
    def from_config(cls, config: Mapping[str, Any], **overrides: Any) -> FetchPolicy:
        """The policy the app's settings describe (``FETCH_*``), with ``overrides``."""
        values: dict[str, Any] = {
            "allow_private": bool(config.get("FETCH_ALLOW_PRIVATE", False)),
            "allow_hosts": tuple(config.get("FETCH_ALLOW_HOSTS") or ()),
            "deadline": float(config.get("FETCH_DEADLINE", DEFAULT_DEADLINE)),
            "max_bytes": int(config.get("FETCH_MAX_BYTES", DEFAULT_MAX_BYTES)),
        }
        values.update(overrides)
        return cls(**values)

    @classmethod
    def current(cls, **overrides: Any) -> FetchPolicy:
        """The policy of the current Flask app, or the defaults outside one."""

        if has_app_context():
            return cls.from_config(current_app.config, **overrides)
        return cls(**overrides)

    def host_allowed(self, host: str) -> bool:
        return _normal_host(host) in self._names()

    def address_allowed(self, ip: IPAddress) -> bool:
        if self.allow_private or _is_public(ip):
            return True
        return any(ip in net for net in self._networks())

    def _names(self) -> set[str]:
        return {h for h in self.allow_hosts if _as_network(h) is None}

    def _networks(self) -> list[IPNetwork]:
        return [n for n in (_as_network(h) for h in self.allow_hosts) if n is not None]


@dataclass(frozen=True)
class Fetched:
    """A document fetched in full: the final URL (after redirects) and its bytes."""

    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    headers: Mapping[str, str]
    redirects: tuple[str, ...] = field(default=())

    def text(self) -> str:
        """The body decoded with the declared charset (UTF-8 when none), bad bytes replaced."""
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:  # an unknown charset name
            return self.body.decode("utf-8", errors="replace")


def parse_allow_hosts(value: str | Iterable[str] | int | None) -> tuple[str, ...]:
    """``"cms.intranet, 10.0.0.5, 10.1.0.0/16"`` → normalised entries; refuse malformed ones."""
    if value is None:
        return ()
    if isinstance(value, list | tuple | set | frozenset):
        items = [str(v) for v in value]
    else:
        items = str(value).split(",")
    entries: list[str] = []
    for item in items:
        entry = _normal_host(str(item))
        if not entry:
            continue
        if _as_network(entry) is None and not _looks_like_hostname(entry):
            raise ValueError(f"{item.strip()!r} is neither a host name nor an address")
        entries.append(entry)
    return tuple(entries)


def check_url(url: str, policy: FetchPolicy | None = None) -> tuple[str, str, int, str]:
    """Clean ``url`` and resolve its host once: ``(url, host, port, checked_ip)`` or refuse."""
    policy = policy or FetchPolicy.current()
    address = clean_url(url, "url", required=True)
    parts = urlsplit(address)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchRefused(f"{address} has an invalid port") from None
    host = parts.hostname or ""
    if not host:
        raise FetchRefused(f"{address} has no host")
    return address, host, port, _resolve_checked(address, host, port, policy)


def fetch(
    url: str,
    *,
    policy: FetchPolicy | None = None,
    accept: Sequence[str] = HTML_TYPES,
    headers: Mapping[str, str] | None = None,
) -> Fetched:
    """GET ``url`` under ``policy`` (the app's settings by default) and return the whole body.

    ``accept`` lists the content types the caller can use (``()`` accepts any). Raises a
    :class:`FetchError` subclass with a message fit to show the user, and ``field="url"``.
    """
    policy = policy or FetchPolicy.current()
    deadline = _Deadline(policy.deadline)
    try:
        return _follow(url, policy, deadline, accept, headers or {})
    finally:
        deadline.cancel()


def _follow(
    url: str,
    policy: FetchPolicy,
    deadline: _Deadline,
    accept: Sequence[str],
    headers: Mapping[str, str],
) -> Fetched:
    hops: list[str] = []
    current = url
    while True:
        address, host, port, ip = check_url(current, policy)
        deadline.check(address, started=False)
        status, response_headers, body = _get(
            address, host, port, ip, policy, deadline, accept, headers
        )
        if status in _REDIRECTS:
            location = response_headers.get("location")
            if not location:
                raise FetchRefused(f"{address} answered HTTP {status} without a Location")
            if len(hops) >= policy.max_redirects:
                raise FetchRefused(
                    f"{url} redirects more than {policy.max_redirects} times; stopped"
                )
            hops.append(address)
            current = urljoin(address, location.strip())
            continue
        break
    content_type, charset = _content_type(response_headers.get("content-type", ""))
    return Fetched(
        url=address,
        status=status,
        content_type=content_type,
        charset=charset,
        body=body,
        headers=response_headers,
        redirects=tuple(hops),
    )


class _Deadline:
    """Seconds left of the whole fetch, and a watchdog that closes sockets when it passes."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.expired = False
        self.timers: list[threading.Timer] = []

    def left(self) -> float:
        return self.ends - time.monotonic()

    def check(self, address: str, *, started: bool) -> None:
        if self.left() <= 0:
            self.expired = True
            raise self.error(address, started=started)

    def error(self, address: str, *, started: bool) -> FetchError:
        if started:
            return FetchTimeout(
                f"{address} took longer than {self.seconds:g} s to send the page; stopped"
            )
        return _unreachable(address)

    def watch(self, sock: socket.socket) -> threading.Timer:
        def expire() -> None:
            self.expired = True
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(max(self.left(), 0.0), expire)
        timer.daemon = True
        timer.start()
        self.timers.append(timer)
        return timer

    def cancel(self) -> None:
        for timer in self.timers:
            timer.cancel()


class _PinnedConnection(HTTPConnection):
    """Connects to the address that was checked, whatever DNS says now; Host stays the name."""

    def __init__(self, *args: Any, fc_ip: str, fc_deadline: _Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fc_ip = fc_ip
        self.fc_deadline = fc_deadline

    def _new_conn(self) -> socket.socket:
        timeout = self.timeout if isinstance(self.timeout, int | float) else None
        try:
            sock = socket.create_connection((self.fc_ip, self.port), timeout)
        except OSError as exc:
            raise urllib3.exceptions.NewConnectionError(self, "connection failed") from exc
        self.fc_deadline.watch(sock)
        return sock


class _PinnedHTTPSConnection(_PinnedConnection, HTTPSConnection):
    """TLS to the checked address, with SNI and certificate check on the original name."""


class _PinnedPool(HTTPConnectionPool):
    ConnectionCls = _PinnedConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


def _get(
    address: str,
    host: str,
    port: int,
    ip: str,
    policy: FetchPolicy,
    deadline: _Deadline,
    accept: Sequence[str],
    extra_headers: Mapping[str, str],
) -> tuple[int, dict[str, str], bytes]:
    """One request without following redirects: status, lower-cased headers, body."""
    path, pool = _pool(address, host, port, ip, policy, deadline)
    request_headers = {
        "User-Agent": policy.user_agent,
        "Accept": ", ".join(accept) if accept else "*/*",
        "Accept-Encoding": "identity",  # the byte cap counts what we store, not what was sent
        **extra_headers,
    }
    response = None
    try:
        try:
            response = pool.urlopen(
                "GET",
                path,
                headers=request_headers,
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
        except (urllib3.exceptions.HTTPError, OSError):
            raise _unreachable(address) from None
        status = response.status
        response_headers = {k.lower(): v for k, v in response.headers.items()}
        if status in _REDIRECTS:
            return status, response_headers, b""
        if status == 304 and _conditional(extra_headers):
            return status, response_headers, b""  # Not Modified: the caller's copy is current
        if status == 429 or status >= 500:
            raise FetchServerError(f"{address} answered HTTP {status}; try again later")
        if status != 200:
            raise FetchRefused(f"{address} answered HTTP {status}")
        content_type, _ = _content_type(response_headers.get("content-type", ""))
        if accept and content_type not in accept:
            raise FetchRefused(_wrong_type(address, content_type, accept))
        declared = response_headers.get("content-length", "")
        if declared.isdigit() and int(declared) > policy.max_bytes:
            raise FetchRefused(f"{address} is larger than {policy.max_bytes:,} bytes")
        body = _read_capped(response, address, policy, deadline)
        return status, response_headers, body
    finally:
        if response is not None:
            response.release_conn()
        pool.close()


def _pool(
    address: str, host: str, port: int, ip: str, policy: FetchPolicy, deadline: _Deadline
) -> tuple[str, HTTPConnectionPool]:
    """The request path of ``address`` and a one-connection pool pinned to the checked ``ip``."""
    parts = urlsplit(address)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    left = max(deadline.left(), 0.01)
    timeout = urllib3.Timeout(connect=min(policy.connect_timeout, left), read=left)
    pool_cls = _PinnedHTTPSPool if parts.scheme == "https" else _PinnedPool
    pool = pool_cls(
        host,
        port,
        timeout=timeout,
        retries=False,
        maxsize=1,
        fc_ip=ip,
        fc_deadline=deadline,
    )
    return path, pool


@dataclass(frozen=True)
class Posted:
    """What an endpoint answered to a POST: any status, its headers, the start of its body."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


def post(
    url: str,
    body: bytes,
    *,
    policy: FetchPolicy | None = None,
    headers: Mapping[str, str] | None = None,
    content_type: str = "application/json",
    max_response_bytes: int = 64 * 1024,
) -> Posted:
    """POST ``body`` to ``url`` once, under the same address checks, pinning and deadline as
    :func:`fetch` (webhooks). Redirects are never followed: a 3xx comes back as an answer like
    any other status, for the caller to judge. The answer's body is read up to
    ``max_response_bytes`` and the rest ignored. Raises :class:`FetchRefused` (address not
    allowed), :class:`FetchUnreachable` or :class:`FetchTimeout`.
    """
    policy = policy or FetchPolicy.current()
    deadline = _Deadline(policy.deadline)
    try:
        address, host, port, ip = check_url(url, policy)
        deadline.check(address, started=False)
        path, pool = _pool(address, host, port, ip, policy, deadline)
        request_headers = {
            "User-Agent": policy.user_agent,
            "Content-Type": content_type,
            "Accept-Encoding": "identity",
            **(headers or {}),
        }
        response = None
        try:
            try:
                response = pool.urlopen(
                    "POST",
                    path,
                    body=body,
                    headers=request_headers,
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    assert_same_host=False,
                )
            except urllib3.exceptions.ReadTimeoutError:
                raise FetchTimeout(
                    f"{address} did not answer within {policy.deadline:g} s; stopped"
                ) from None
            except (urllib3.exceptions.HTTPError, OSError):
                if deadline.expired or deadline.left() <= 0:
                    raise FetchTimeout(
                        f"{address} did not answer within {policy.deadline:g} s; stopped"
                    ) from None
                raise _unreachable(address) from None
            answer_headers = {k.lower(): v for k, v in response.headers.items()}
            capped = replace(policy, max_bytes=max_response_bytes)
            try:
                answer = _read_capped(response, address, capped, deadline)
            except FetchRefused:
                answer = b""  # larger than we keep: the status is what counts
            return Posted(address, response.status, answer_headers, answer)
        finally:
            if response is not None:
                response.release_conn()
            pool.close()
    finally:
        deadline.cancel()


def _conditional(headers: Mapping[str, str]) -> bool:
    """The request carried validators, so 304 Not Modified is an answer, not a refusal."""
    names = {k.lower() for k in headers}
    return bool(names & {"if-none-match", "if-modified-since"})


def _read_capped(response: Any, address: str, policy: FetchPolicy, deadline: _Deadline) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            deadline.check(address, started=True)
            chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > policy.max_bytes:
                raise FetchRefused(f"{address} is larger than {policy.max_bytes:,} bytes")
            chunks.append(chunk)
    except (urllib3.exceptions.HTTPError, OSError):
        if deadline.expired or deadline.left() <= 0:
            raise deadline.error(address, started=True) from None
        raise _unreachable(address) from None
    if deadline.expired:
        raise deadline.error(address, started=True)
    return b"".join(chunks)


def _resolve_checked(address: str, host: str, port: int, policy: FetchPolicy) -> str:
    """Resolve ``host`` once; refuse when any of its addresses is private and not allowed."""
    try:
        literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [_unmapped(literal)]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise _unreachable(address) from None
        addresses = [
            _unmapped(ipaddress.ip_address(str(info[4][0]).split("%")[0])) for info in infos
        ]
        if not addresses:
            raise _unreachable(address)
    if not policy.host_allowed(host):
        for ip in addresses:
            if not policy.address_allowed(ip):
                raise FetchRefused(
                    f"{address}: {host} is a private or local address; fetching it is not "
                    "allowed (a deployment can allow its own hosts with FETCH_ALLOW_HOSTS)"
                )
    return str(addresses[0])


def _unreachable(address: str) -> FetchUnreachable:
    return FetchUnreachable(f"could not reach {address}; check the address or try again later")


def _wrong_type(address: str, content_type: str, accept: Sequence[str]) -> str:
    shown = content_type or "none"
    if tuple(accept) == HTML_TYPES:
        return f"{address} is not a web page (Content-Type: {shown})"
    return f"{address} has Content-Type {shown}; expected one of {', '.join(accept)}"


def _content_type(header: str) -> tuple[str, str | None]:
    main, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return main.strip().lower(), charset


def _is_public(ip: IPAddress) -> bool:
    return ip.is_global and not ip.is_multicast


def _unmapped(ip: IPAddress) -> IPAddress:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _normal_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def _as_network(entry: str) -> IPNetwork | None:
    try:
        return ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return None


def _looks_like_hostname(entry: str) -> bool:
    labels = entry.split(".")
    return (
        all(
            0 < len(label) <= 63
            and label[0] != "-"
            and label[-1] != "-"
            and all(c.isalnum() or c == "-" for c in label)
            for label in labels
        )
        and len(entry) <= 253
    )

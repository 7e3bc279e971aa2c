"""Fetching a calendar's secret address: one conditional GET (ETag / Last-Modified) with
time-outs, a size limit and an overall deadline, through httpx.

The address is a credential. It is never put into a message, an exception or a log line: httpx
and httpcore log request URLs (INFO and DEBUG), so their loggers are held at WARNING whenever a
client is built here, and every failure is described in words of our own ("HTTP 404", "timed
out"), not with httpx's messages, which quote the URL.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from bot.domain.calendars import normalize_address
from bot.domain.errors import UserInputError

MAX_BYTES = 10 * 1024 * 1024
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
DEADLINE_SECONDS = 30.0
MAX_REDIRECTS = 5
USER_AGENT = "Rapport calendar sync (+https://github.com/)"
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    """What one fetch gave: a body, "not modified", or an error said without the address."""

    status: str  # "ok" | "not_modified" | "error"
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    error: str = ""
    http_status: int | None = None

    @property
    def gone(self) -> bool:
        """The address no longer works (revoked, deleted, or no longer shared): tell the owner."""
        return self.http_status in (401, 403, 404, 410)


def mask(url: str) -> str:
    """Enough of an address to recognise it, none of its secret: scheme and host, then the file
    name when there is one (`https://calendar.google.com/…/basic.ics`)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "…"
    host = parts.hostname or "…"
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    looks_like_a_file = "." in last and len(last) <= 24 and not any(c.isdigit() for c in last)
    tail = f"/…/{last}" if looks_like_a_file else "/…"
    return f"{parts.scheme}://{host}{tail}"


class BlockedAddressError(Exception):
    """The address (or a redirect) leads to a loopback, private or link-local host."""


def check_public_host(request: httpx.Request) -> None:
    """Refuse a request whose host resolves to anything but public addresses: a calendar
    address is typed by a user, and must not make the bot probe its own network (cloud
    metadata, internal services). Run on every request, redirects included. (The check
    resolves the name once more than the connection does; a DNS answer that changes in between
    is not caught.)"""
    host = request.url.host
    try:
        infos = socket.getaddrinfo(host, request.url.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise httpx.ConnectError("name not resolved", request=request) from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            raise BlockedAddressError(host)


def quiet_http_logs() -> None:
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.WARNING:
            logger.setLevel(logging.WARNING)


def make_client(*, timeout: httpx.Timeout = TIMEOUT, allow_private: bool = False) -> httpx.Client:
    """The client calendars are fetched with; `allow_private` lets it reach this machine and
    private networks (a calendar server on the LAN, the tests' local server)."""
    quiet_http_logs()
    hooks = {} if allow_private else {"request": [check_public_host]}
    return httpx.Client(
        event_hooks=hooks,
        timeout=timeout,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"},
        trust_env=False,  # a proxy from the environment would see the secret address
    )


def fetch_calendar(
    client: httpx.Client,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = MAX_BYTES,
    deadline: float = DEADLINE_SECONDS,
) -> Fetched:
    """GET `url`, conditionally; never raises for anything the server or the network does."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    started = time.monotonic()
    try:
        with client.stream("GET", normalize_address(url), headers=headers) as response:
            if response.status_code == 304:
                return Fetched(
                    status="not_modified",
                    etag=response.headers.get("ETag") or etag,
                    last_modified=response.headers.get("Last-Modified") or last_modified,
                    http_status=304,
                )
            if response.status_code != 200:
                return Fetched(
                    status="error",
                    error=f"HTTP {response.status_code}",
                    http_status=response.status_code,
                )
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                return _too_big(max_bytes)
            body = bytearray()
            for chunk in response.iter_bytes(_CHUNK):
                body.extend(chunk)
                if len(body) > max_bytes:
                    return _too_big(max_bytes)
                if time.monotonic() - started > deadline:
                    return Fetched(status="error", error=f"took longer than {deadline:.0f} s")
            return Fetched(
                status="ok",
                body=bytes(body),
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
                http_status=200,
            )
    except Exception as exc:
        return describe_failure(exc)


def describe_failure(exc: Exception) -> Fetched:
    """A request's failure in our own words: never str(exc), which may quote the address."""
    if isinstance(exc, UserInputError):
        return Fetched(status="error", error=str(exc))
    if isinstance(exc, httpx.TimeoutException):
        return Fetched(status="error", error="timed out")
    if isinstance(exc, httpx.TooManyRedirects):
        return Fetched(status="error", error="too many redirects")
    if isinstance(exc, BlockedAddressError):
        return Fetched(
            status="error",
            error="the address leads to a private network, which calendars may not "
            "(RAPPORT_CALENDAR_ALLOW_PRIVATE=1 allows it)",
        )
    # ConnectError, ReadError, RemoteProtocolError, a redirect to a bad URL…: the class name only.
    return Fetched(status="error", error=f"could not fetch it ({type(exc).__name__})")


def _too_big(max_bytes: int) -> Fetched:
    return Fetched(status="error", error=f"larger than {max_bytes // (1024 * 1024)} MB")

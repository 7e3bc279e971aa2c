"""A real HTTP server on 127.0.0.1 that serves calendars the way calendar hosts do: ETag and
Last-Modified, 304 to a matching conditional request, and on demand the failures a feed has in
the wild (404, 401, a stall, a huge body, a page that is not a calendar). It records each
request's path and headers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Feed:
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    status: int = 200
    stall: float = 0.0  # seconds to wait before answering
    drip: bool = False  # send without Content-Length, in small pieces
    repeat: int = 1  # send the body this many times (a huge feed without a huge fixture)


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


@dataclass
class Server:
    base: str
    feeds: dict[str, Feed] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    def requests(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path.split("?")[0] == path]


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: object) -> None:  # keep the test output quiet
            return

        def do_GET(self) -> None:
            server.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
            feed = server.feeds.get(self.path.split("?")[0])
            if feed is None:
                self._send(404, b"not found")
                return
            if feed.stall:
                time.sleep(feed.stall)
            if feed.status != 200:
                self._send(feed.status, b"no")
                return
            matches_etag = feed.etag and self.headers.get("If-None-Match") == feed.etag
            matches_date = (
                not feed.etag
                and feed.last_modified
                and self.headers.get("If-Modified-Since") == feed.last_modified
            )
            if matches_etag or matches_date:
                self.send_response(304)
                if feed.etag:
                    self.send_header("ETag", feed.etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            if feed.etag:
                self.send_header("ETag", feed.etag)
            if feed.last_modified:
                self.send_header("Last-Modified", feed.last_modified)
            if feed.drip:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for _ in range(feed.repeat):
                        chunk = feed.body
                        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass
                return
            body = feed.body * feed.repeat
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serving() -> Iterator[Server]:
    state = Server(base="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)

"""A local Socket Mode server (the `websockets` package) on 127.0.0.1.

It greets each connection with {"type": "hello"}, pushes envelopes (events_api, slash_commands,
interactive) to the current connection, records every ack by envelope_id, and can send
{"type": "disconnect"} to make the client fetch a new URL (apps.connections.open) and reconnect.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve


class SocketModeServer:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._acks: dict[str, dict[str, Any]] = {}
        self._connections: list[ServerConnection] = []
        self._ids = itertools.count(1)
        self.paths: list[str] = []
        self._server: Server = serve(self._handle, "127.0.0.1", 0, compression=None)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="socket-mode", daemon=True
        )

    def start(self) -> SocketModeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            connections = list(self._connections)
        for connection in connections:
            connection.close()
        self._server.shutdown()
        self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        port = self._server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket=test"

    # --- per connection -----------------------------------------------------------------------

    def _handle(self, connection: ServerConnection) -> None:
        with self._cond:
            self._connections.append(connection)
            self.paths.append(connection.request.path if connection.request else "")
            number = len(self._connections)
            self._cond.notify_all()
        connection.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": number,
                    "debug_info": {"host": "local-test", "approximate_connection_time": 3600},
                    "connection_info": {"app_id": "A0TEST"},
                }
            )
        )
        try:
            for raw in connection:
                message = json.loads(raw)
                envelope_id = message.get("envelope_id")
                if envelope_id:
                    with self._cond:
                        self._acks[str(envelope_id)] = message
                        self._cond.notify_all()
        except ConnectionClosed:
            pass

    @property
    def connection_count(self) -> int:
        with self._cond:
            return len(self._connections)

    def wait_for_connections(self, count: int, *, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._connections) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} connection(s), got {len(self._connections)}"
                    )
                self._cond.wait(left)

    def _current(self) -> ServerConnection:
        with self._cond:
            if not self._connections:
                raise AssertionError("no client connected")
            return self._connections[-1]

    # --- pushing ------------------------------------------------------------------------------

    def push(self, kind: str, payload: dict[str, Any], *, retry_attempt: int | None = None) -> str:
        """Send one envelope to the newest connection; returns its envelope_id."""
        envelope_id = f"env-{next(self._ids)}"
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            envelope["retry_attempt"] = retry_attempt or 0
            envelope["retry_reason"] = "timeout" if retry_attempt else ""
        self._current().send(json.dumps(envelope))
        return envelope_id

    def push_event(self, body: dict[str, Any], *, retry_attempt: int = 0) -> str:
        return self.push("events_api", body, retry_attempt=retry_attempt)

    def wait_for_ack(self, envelope_id: str, *, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while envelope_id not in self._acks:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"envelope {envelope_id} was not acked; acks: {sorted(self._acks)}"
                    )
                self._cond.wait(left)
            return self._acks[envelope_id]

    def drop(self, *, clean: bool) -> None:
        """End the newest connection: with a close frame (`clean`), or as a network that went
        away does, the TCP connection shut with no goodbye."""
        connection = self._current()
        if clean:
            connection.close()
            return
        connection.socket.shutdown(socket.SHUT_RDWR)
        connection.socket.close()

    def send_disconnect(self, reason: str = "refresh_requested") -> None:
        self._current().send(
            json.dumps(
                {"type": "disconnect", "reason": reason, "debug_info": {"host": "local-test"}}
            )
        )


@contextmanager
def running_socket_server() -> Iterator[SocketModeServer]:
    server = SocketModeServer().start()
    try:
        yield server
    finally:
        server.stop()

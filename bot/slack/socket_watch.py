"""Notice a dropped Socket Mode connection within a second, and reconnect.

slack_sdk's built-in client reads a closed socket as "no data yet" (its recv loop never sees
the end of the stream), so a connection the other side dropped is only found by its ping check:
five failed pings, `ping_interval` (10 s under bolt) apart, each logged as an ERROR — 53 s
without Slack here. This watchdog looks at the socket itself once a second, without reading
from it (a peek, which takes nothing from the client's own reader): the peer closed it (an empty
peek) or the socket has an error, and it asks the client for a fresh URL and a new connection at
once. When Slack cannot be reached it tries again, waiting a little longer each time (up to
`MAX_BACKOFF` seconds) and saying so once, as a warning, not on every try.
"""

from __future__ import annotations

import logging
import socket
import threading
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from slack_sdk.socket_mode.builtin.client import SocketModeClient

log = logging.getLogger("rapport.serve")

CHECK_SECONDS: Final = 1.0
MAX_BACKOFF: Final = 30.0


def peer_gone(sock: socket.socket | None) -> bool:
    """True when the other end has closed `sock` or it is in error (data waiting is fine); a
    session whose socket is gone (the client read Slack's close frame) is gone too."""
    if sock is None:
        return True
    try:
        if sock.fileno() < 0:
            return True
        if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
            return True
        # On the raw socket (an SSLSocket refuses flags): bytes waiting, TLS or not, mean alive.
        peeked = socket.socket.recv(sock, 1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except (BlockingIOError, InterruptedError):
        return False  # nothing to read: an idle, healthy connection
    except OSError:
        return True  # reset, broken pipe, closed descriptor
    return peeked == b""


class SocketWatch:
    """A daemon thread that reconnects `client` as soon as its connection is gone."""

    def __init__(self, client: SocketModeClient, *, every: float = CHECK_SECONDS) -> None:
        self._client = client
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="socket-watch", daemon=True)

    def start(self) -> SocketWatch:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        backoff = self._every
        warned = False
        while not self._stop.wait(backoff if warned else self._every):
            if self._client.closed:
                return
            session = self._client.current_session
            if session is None or not peer_gone(session.sock):
                continue
            log.info("the Socket Mode connection was dropped; reconnecting")
            try:
                self._client.connect_to_new_endpoint(force=True)
            except Exception as exc:  # Slack unreachable, a refused URL: try again later
                if not warned:
                    log.warning("could not reconnect to Slack yet (%s); retrying", exc)
                warned = True
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            if warned:
                log.info("reconnected to Slack")
            warned, backoff = False, self._every

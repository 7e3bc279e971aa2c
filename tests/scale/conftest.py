"""Helpers for load, fault, fuzz and replica tests: Rapport served for real on loopback.

- `serve_app(url, fake)`: the real app, in this process, behind bot/slack/server.py's server.
- `Replica`: a real `rapport serve --http` subprocess (its own interpreter, its own GIL).
- `TcpProxy`: a loopback TCP relay between the app and PostgreSQL that a test can cut (close every
  relayed connection and refuse new ones) and restore, without touching the shared server.
- `count(url, sql)`: one scalar from the database, through a short-lived engine.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from bot.app import Rapport, utc_now
from bot.config import Settings
from bot.slack.app import build_app
from bot.store.db import make_engine, normalize_url, session_factory
from bot.store.migrate import upgrade
from tests.slack.conftest import make_settings, serve_in_thread
from tests.slack.fakeslack import FakeSlack
from tests.slack.payloads import SECRET, SlackSender

ROOT = Path(__file__).resolve().parents[2]
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def count(url: str, sql: str, **params: Any) -> int:
    url = normalize_url(url).split("?", 1)[0]
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(sql), params).scalar_one())
    finally:
        engine.dispose()


@contextlib.contextmanager
def serve_app(url: str, fake: FakeSlack, **overrides: str | None) -> Iterator[SlackSender]:
    """Rapport's real app on `url` (migrated), in this process, on an ephemeral loopback port."""
    settings: Settings = make_settings(fake.api_url, RAPPORT_DATABASE_URL=url, **overrides)
    engine = make_engine(url)
    upgrade(engine)
    rapport = Rapport(sessions=session_factory(engine), clock=utc_now, default_tz="UTC")
    server, thread = serve_in_thread(build_app(rapport=rapport, settings=settings))
    try:
        yield SlackSender(f"http://127.0.0.1:{server.server_port}", response_url_base=fake.url)
    finally:
        fake.settle(0.3, timeout=10)
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.pop("SLACK_APP_TOKEN", None)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


class Replica:
    """`rapport serve --http` in a subprocess, signed by SECRET, talking to `fake` as Slack."""

    def __init__(self, url: str, fake: FakeSlack, *, log: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._log: IO[str] = log.open("w")
        rapport = Path(sys.executable).parent / "rapport"
        cmd = [str(rapport)] if rapport.exists() else [sys.executable, "-m", "bot"]
        self.proc = subprocess.Popen(
            [*cmd, "serve", "--http", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT,
            env=child_env(
                SLACK_BOT_TOKEN="xoxb-test-token",
                SLACK_SIGNING_SECRET=SECRET,
                SLACK_API_URL=fake.api_url,
                RAPPORT_DATABASE_URL=url,
                RAPPORT_TZ="UTC",
            ),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.log_path = log

    def wait_ready(self, timeout: float = 60) -> Replica:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with _opener.open(self.base_url + "/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"replica did not start:\n{self.log_path.read_text()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


@dataclass
class _Pipe:
    a: socket.socket
    b: socket.socket


class TcpProxy:
    """A loopback relay to `target`; `cut()` drops every connection and refuses new ones."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._pipes: list[_Pipe] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        self._open()

    def url_for(self, database_url: str) -> str:
        url = make_url(normalize_url(database_url)).set(host="127.0.0.1", port=self.port)
        return url.render_as_string(hide_password=False)

    def _open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by cut() or close()
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            pipe = _Pipe(client, upstream)
            with self._lock:
                self._pipes.append(pipe)
            threading.Thread(target=self._relay, args=(pipe,), daemon=True).start()

    def _relay(self, pipe: _Pipe) -> None:
        selector = selectors.DefaultSelector()
        selector.register(pipe.a, selectors.EVENT_READ, pipe.b)
        selector.register(pipe.b, selectors.EVENT_READ, pipe.a)
        try:
            while True:
                for key, _ in selector.select(timeout=0.5):
                    source = key.fileobj
                    assert isinstance(source, socket.socket)
                    data = source.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
                if self._stop.is_set():
                    return
        except OSError:
            return
        finally:
            selector.close()
            self._close_pipe(pipe)

    def _close_pipe(self, pipe: _Pipe) -> None:
        for sock in (pipe.a, pipe.b):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        with self._lock:
            if pipe in self._pipes:
                self._pipes.remove(pipe)

    def cut(self) -> None:
        """The database goes away: new connections are refused, open ones are dropped."""
        if self._listener is not None:
            with contextlib.suppress(OSError):  # wakes the thread blocked in accept()
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            pipes = list(self._pipes)
        for pipe in pipes:
            self._close_pipe(pipe)

    def restore(self) -> None:
        if self._listener is None:
            self._open()

    def close(self) -> None:
        self._stop.set()
        self.cut()


def pg_admin_url(database_url: str) -> str:
    return make_url(normalize_url(database_url)).render_as_string(hide_password=False)


@contextlib.contextmanager
def sqlite_write_lock(url: str) -> Iterator[None]:
    """Another connection holds SQLite's write lock (BEGIN EXCLUSIVE) until the block ends."""
    import sqlite3

    path = normalize_url(url).split(":///", 1)[1].split("?", 1)[0]
    holder = sqlite3.connect(path, isolation_level=None, timeout=10)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def wait_until(predicate: Any, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


__all__ = [
    "ROOT",
    "Replica",
    "TcpProxy",
    "child_env",
    "count",
    "free_port",
    "serve_app",
    "sqlite_write_lock",
    "wait_until",
]

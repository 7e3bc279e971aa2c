"""A real CalDAV server for the tests: Radicale (the PyPI package, a test dependency) started as
its own process on a free 127.0.0.1 port, with htpasswd logins and its collections in a temporary
folder. Its request log (one "METHOD request for 'PATH'" line per request, written before it
answers) tells the tests which requests a sync made."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

_REQUEST = re.compile(r"\] (\w+) request for '([^']*)'")
READY = "Radicale server ready"


@dataclass
class Radicale:
    base: str
    users: Path
    log: Path

    def add_user(self, name: str, password: str) -> None:
        # (read again on each login: the htpasswd cache is off)
        with self.users.open("a", encoding="utf-8") as out:
            out.write(f"{name}:{password}\n")

    def requests(self) -> list[tuple[str, str]]:
        """Every request so far, as (method, path)."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return [(m.group(1), m.group(2)) for m in _REQUEST.finditer(text)]

    def client(self, user: str, password: str) -> httpx.Client:
        return httpx.Client(base_url=self.base, auth=(user, password), timeout=10, trust_env=False)

    def make_calendar(self, user: str, password: str, name: str, display: str) -> str:
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
            f"<D:set><D:prop><D:displayname>{display}</D:displayname>"
            '<C:supported-calendar-component-set><C:comp name="VEVENT"/>'
            "</C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>"
        )
        path = f"/{user}/{name}/"
        with self.client(user, password) as client:
            made = client.request("MKCALENDAR", path, content=body)
        assert made.status_code == 201, made.text
        return path

    def put(self, user: str, password: str, path: str, ics: bytes | str) -> None:
        data = ics.encode() if isinstance(ics, str) else ics
        with self.client(user, password) as client:
            stored = client.put(path, content=data, headers={"Content-Type": "text/calendar"})
        assert stored.status_code in (201, 204), stored.text

    def delete(self, user: str, password: str, path: str) -> None:
        with self.client(user, password) as client:
            assert client.delete(path).status_code in (200, 204)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_radicale(folder: Path, *, timeout: float = 30.0) -> Iterator[Radicale]:
    folder.mkdir(parents=True, exist_ok=True)
    users = folder / "users"
    users.write_text("", encoding="utf-8")
    log = folder / "radicale.log"
    port = _free_port()
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "radicale",
                "--config",
                "",
                "--server-hosts",
                f"127.0.0.1:{port}",
                "--auth-type",
                "htpasswd",
                "--auth-htpasswd-filename",
                str(users),
                "--auth-htpasswd-encryption",
                "plain",
                "--no-auth-htpasswd-cache",
                "--auth-delay",
                "0",
                "--rights-type",
                "owner_only",
                "--storage-filesystem-folder",
                str(folder / "collections"),
                "--logging-level",
                "info",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + timeout
        while READY not in log.read_text(encoding="utf-8", errors="replace"):
            if process.poll() is not None:
                raise RuntimeError("Radicale did not start:\n" + log.read_text()[-2000:])
            if time.monotonic() > deadline:
                raise RuntimeError("Radicale did not get ready in time")
            time.sleep(0.05)  # polling the ready line, not timing anything
        yield Radicale(base=f"http://127.0.0.1:{port}", users=users, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

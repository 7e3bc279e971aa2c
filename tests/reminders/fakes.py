"""The Slack engineer's fake Web API (tests/slack/fakeslack.py), taught two more things reminder
delivery needs: `conversations.history` with message metadata (so a retry can see that Slack
already has a message), and stalls (an answer slower than the client's timeout)."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from tests.slack.fakeslack import FakeSlack, _parse_params


class ReminderSlack(FakeSlack):
    def __init__(self) -> None:
        super().__init__()
        self._stalls: dict[str, list[float]] = {}
        self._stall_lock = threading.Lock()
        self.gone: set[str] = set()  # user ids for which conversations.open says user_not_found
        self.posted: list[dict[str, Any]] = []  # chat.postMessage calls Slack accepted

    def stall_next(self, method: str, *, seconds: float, times: int = 1) -> None:
        """The next `times` calls are recorded (and take effect), but answer only after
        `seconds`: a client with a shorter timeout sees a timeout, not an answer."""
        with self._stall_lock:
            self._stalls.setdefault(method, []).extend([seconds] * times)

    def handle(
        self, http_method: str, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        method = path.split("?", 1)[0].removeprefix("/api/")
        with self._stall_lock:
            queue = self._stalls.get(method) or []
            delay = queue.pop(0) if queue else 0.0
        result = super().handle(http_method, path, headers, raw)
        if method == "chat.postMessage" and result[0] == 200 and json.loads(result[2]).get("ok"):
            params = _parse_params(urlsplit(path).query, headers.get("content-type", ""), raw)
            with self._stall_lock:
                self.posted.append(params)
        if delay:
            time.sleep(delay)
        return result

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "conversations.open" and str(params.get("users")) in self.gone:
            return {"ok": False, "error": "user_not_found"}
        if method == "conversations.history":
            channel = params.get("channel")
            messages = []
            with self._stall_lock:
                accepted = list(self.posted)
            for index, params in reversed(list(enumerate(accepted))):
                if params.get("channel") != channel:
                    continue
                message: dict[str, Any] = {"type": "message", "text": params.get("text")}
                message["ts"] = f"1700000000.{index:06d}"
                if isinstance(params.get("metadata"), dict):
                    message["metadata"] = params["metadata"]
                messages.append(message)
            limit = int(params.get("limit") or 100)
            return {"ok": True, "messages": messages[:limit], "has_more": len(messages) > limit}
        return super().answer(method, params)

    # --- counting what arrived ------------------------------------------------------------------

    def reminder_keys(self) -> Counter[str]:
        """How many accepted chat.postMessage calls carried each reminder key."""
        keys: Counter[str] = Counter()
        with self._stall_lock:
            accepted = list(self.posted)
        for params in accepted:
            metadata = params.get("metadata")
            if isinstance(metadata, dict):
                keys[str(metadata.get("event_payload", {}).get("key"))] += 1
        return keys

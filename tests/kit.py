"""Small helpers every suite shares: aware UTC datetimes, the buttons in a message, and which
heavy libraries importing a module pulls in."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

# What `rapport --help` must not import (docs/architecture.md): the store, bolt, the Web API
# client, the scheduler, settings validation, and dateparser.
HEAVY = (
    "sqlmodel",
    "sqlalchemy",
    "dateparser",
    "slack_bolt",
    "slack_sdk",
    "apscheduler",
    "pydantic",
)

Block = dict[str, Any]


class HasBlocks(Protocol):
    @property
    def blocks(self) -> Sequence[Block]: ...


def utc(*args: int) -> datetime:
    """`utc(2026, 3, 4, 9)`: an aware UTC datetime."""
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def button_list(blocks: Iterable[Block]) -> list[Block]:
    """Every button in the blocks, in order: in actions blocks and as section accessories."""
    found: list[Block] = []
    for block in blocks:
        elements = list(block.get("elements", [])) if block["type"] == "actions" else []
        if "accessory" in block:
            elements.append(block["accessory"])
        found.extend(e for e in elements if e.get("type") == "button")
    return found


def buttons(message: HasBlocks | Iterable[Block]) -> dict[str, Block]:
    """The buttons in a message (a recorded Slack call, or blocks), by label; the first wins."""
    blocks = message.blocks if hasattr(message, "blocks") else message
    found: dict[str, Block] = {}
    for element in button_list(blocks):
        found.setdefault(element["text"]["text"], element)
    return found


def heavy_imports(module: str, heavy: Sequence[str] = HEAVY) -> list[str]:
    """The heavy libraries a fresh interpreter has loaded after `import module`."""
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys, {module}; print(sorted(m for m in {tuple(heavy)!r} if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return list(ast.literal_eval(probe.stdout.strip()))

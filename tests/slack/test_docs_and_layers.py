"""Docs stay honest (every /rapport subcommand is documented) and handlers stay thin."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.handlers.commands import all_subcommands

ROOT = Path(__file__).resolve().parents[2]
# Every word /rapport understands; the command handler and help text are built from these.
ALL_SUBCOMMANDS = sorted({word for sub in all_subcommands() for word in sub.words} | {"help"})
FORBIDDEN = ("sqlmodel", "sqlalchemy", "dateparser", "bot.store")


def test_the_core_subcommands_are_registered() -> None:
    assert {"find", "help", "log", "loops", "recall", "search", "who"} <= set(ALL_SUBCOMMANDS)


def _manifest_command_text() -> str:
    """The /rapport description and usage_hint lines of manifest.yml (no YAML parser needed)."""
    lines = (ROOT / "manifest.yml").read_text().splitlines()
    wanted = [line for line in lines if re.match(r"\s+(description|usage_hint):", line)]
    return "\n".join(wanted)


@pytest.mark.parametrize("sub", ALL_SUBCOMMANDS)
def test_every_subcommand_is_in_the_manifest(sub: str) -> None:
    assert re.search(rf"\b{sub}\b", _manifest_command_text()), f"{sub} missing from manifest.yml"


@pytest.mark.parametrize("sub", ALL_SUBCOMMANDS)
def test_every_subcommand_is_in_the_readme(sub: str) -> None:
    readme = (ROOT / "README.md").read_text()
    assert f"/rapport {sub}" in readme, f"`/rapport {sub}` missing from README.md"


def test_manifest_declares_the_surfaces_the_app_registers() -> None:
    text = (ROOT / "manifest.yml").read_text()
    for needle in (
        "command: /rapport",
        "callback_id: save_as_note",
        "- app_mention",
        "- message.im",
        "- app_home_opened",
        "home_tab_enabled: true",
        "messages_tab_enabled: true",
        "socket_mode_enabled: true",
    ):
        assert needle in text, needle
    assert "channels:history" not in text  # never read channels: the shortcut payload has the text


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize(
    "path", sorted((ROOT / "bot" / "handlers").glob("*.py")), ids=lambda p: p.name
)
def test_handlers_import_no_storage_or_parsing_library(path: Path) -> None:
    bad = {
        name for name in _imports(path) for f in FORBIDDEN if name == f or name.startswith(f + ".")
    }
    assert not bad, f"{path.name} imports {sorted(bad)}"

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
    # Channels are read only for Slack Connect tracking: the history scopes and message events,
    # never the wider read scopes (the shortcut payload has the text it needs).
    for needle in (
        "- channels:history",
        "- groups:history",
        "- message.channels",
        "- message.groups",
    ):
        assert needle in text, needle
    for wider in ("channels:read", "groups:read", "mpim:history", "users:read.email"):
        assert wider not in text, wider


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


# --- Slack's own rules for manifest.yml (its app-manifest schema, as SchemaStore publishes it:
# https://json.schemastore.org/slack-app-manifest.json, and the reference page it cites) -------


def _manifest_value(key: str) -> str:
    """A scalar (or `>-` folded) value of manifest.yml, without a YAML parser."""
    lines = (ROOT / "manifest.yml").read_text().splitlines()
    for index, line in enumerate(lines):
        match = re.match(rf"\s*-?\s*{key}:\s*(.*)$", line)
        if match is None:
            continue
        value = re.sub(r"\s+#.*$", "", match.group(1)).strip()
        if value == ">-":
            indent = len(lines[index + 1]) - len(lines[index + 1].lstrip())
            folded = []
            for nxt in lines[index + 1 :]:
                if nxt.strip() and len(nxt) - len(nxt.lstrip()) < indent:
                    break
                folded.append(nxt.strip())
            return " ".join(folded).strip()
        return value.strip('"')
    raise KeyError(key)


def test_the_manifest_keeps_slacks_rules() -> None:
    display_name = _manifest_value("display_name")
    assert re.fullmatch(r"[a-z0-9._-]{1,80}", display_name), display_name
    assert len(_manifest_value("name")) <= 35
    assert len(_manifest_value("description")) <= 140
    assert 174 <= len(_manifest_value("long_description")) <= 4000
    usage = _manifest_value("usage_hint")
    assert len(usage) <= 1000
    assert "find" in usage and "search" in usage  # the recall aliases, where people look
    assert len(_manifest_value("command")) <= 32
    assert re.fullmatch(r"#(?:[0-9a-fA-F]{3}){1,2}", _manifest_value("background_color"))


SLACK_DOC = (ROOT / "docs" / "slack.md").read_text()


@pytest.mark.parametrize("sub", ALL_SUBCOMMANDS)
def test_every_subcommand_is_in_the_slack_setup_guide(sub: str) -> None:
    assert re.search(rf"/rapport {re.escape(sub)}\b|`{re.escape(sub)}`", SLACK_DOC), sub


def test_the_slack_guide_says_to_invite_the_bot_to_a_channel() -> None:
    assert f"/invite @{_manifest_value('display_name')}" in SLACK_DOC

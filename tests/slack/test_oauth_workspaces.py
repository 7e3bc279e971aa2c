"""`rapport workspaces list|export|purge`, run as an operator types it, over a SQLite file that
an OAuth install (slack_sdk's own store) and notes from two workspaces were written to."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from bot.app import Rapport
from bot.config import Settings
from bot.domain.refs import Actor
from tests.cli_kit import run


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'rapport.db'}"
    rapport = Rapport.from_settings(Settings(RAPPORT_DATABASE_URL=url))  # type: ignore[call-arg]
    store = SQLAlchemyInstallationStore(client_id="1.2", engine=rapport.lifecycle.engine())
    for team, name in (("TALPHA", "Alpha"), ("TBETA", "Beta")):
        store.save(
            Installation(
                app_id="A1",
                team_id=team,
                team_name=name,
                bot_token=f"xoxb-secret-{team}",
                bot_refresh_token=f"xoxe-secret-{team}",
                bot_id="B1",
                bot_user_id="UBOT",
                user_id="UINSTALLER",
            )
        )
        rapport.lifecycle.installed(workspace_id=team)
        rapport.notes.log(
            actor=Actor(workspace_id=team, user_id="UA"),
            text="met Jane Doe for coffee, she wants a shelter dog",
        )
    rapport.lifecycle.uninstalled(
        workspace_id="TBETA", reason="app_uninstalled", retention=timedelta(days=30)
    )
    store.delete_all(enterprise_id=None, team_id="TBETA")
    rapport.close()
    return url


def test_list_shows_each_workspace_its_notes_and_schedule(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "workspaces", "list", "--db", db)
    assert code == 0
    alpha, beta = out.strip().splitlines()
    assert alpha.startswith("TALPHA  Alpha") and "1 note(s), installed" in alpha
    assert beta.startswith("TBETA") and "not installed, data deleted after" in beta
    code, out, _ = run(capsys, "workspaces", "list", "--db", db, "--json")
    listed = {w["workspace_id"]: w for w in json.loads(out)}
    assert listed["TALPHA"]["installed"] and listed["TBETA"]["delete_after"]
    assert "xoxb" not in out


def test_export_holds_the_workspaces_data_and_never_a_token(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "workspaces", "export", "TALPHA", "--db", db)
    assert code == 0
    data = json.loads(out)
    assert [n["text"] for n in data["note"]] == ["met Jane Doe for coffee, she wants a shelter dog"]
    assert {c["display_name"] for c in data["contact"]} == {"Jane Doe"}
    assert data["slack_installations"][0]["team_name"] == "Alpha"
    assert "secret" not in out and "TBETA" not in out


def test_purge_asks_for_yes_then_deletes_one_workspace_only(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "workspaces", "purge", "TALPHA", "--db", db)
    assert code == 1 and "--yes" in err and len(err.strip().splitlines()) == 1
    code, out, _ = run(capsys, "workspaces", "export", "TALPHA", "--db", db)
    assert json.loads(out)["note"]  # nothing was deleted without --yes
    code, out, _ = run(capsys, "workspaces", "purge", "TALPHA", "--yes", "--db", db)
    assert code == 0 and out.startswith("Purged TALPHA:")
    code, out, err = run(capsys, "workspaces", "export", "TALPHA", "--db", db)
    assert code == 1 and "holds nothing for TALPHA" in err
    code, out, _ = run(capsys, "workspaces", "export", "TBETA", "--db", db)
    assert json.loads(out)["note"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["export"], "give the workspace's team id", id="no-team"),
        pytest.param(["purge", "TNOBODY", "--yes"], "holds nothing for TNOBODY", id="unknown"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(
    db: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "workspaces", *argv, "--db", db)
    assert code == 1 and out == "" and message in err and len(err.strip().splitlines()) == 1


def test_the_purge_leaves_one_audit_row_with_counts(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "workspaces", "purge", "TALPHA", "--yes", "--db", db)
    with Rapport.from_settings(Settings(RAPPORT_DATABASE_URL=db)) as rapport:  # type: ignore[call-arg]
        *_, last = rapport.lifecycle.history("TALPHA")
    assert last.action == "purged" and last.detail["rows"]["note"] == 1
    assert last.detail["rows"]["slack_bots"] == 1
    assert last.at <= datetime.now(UTC)

"""`rapport workspaces list|export|purge`: the operator's view of the workspaces one Rapport
serves (OAuth distribution), a workspace's data as JSON, and deleting it for good."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from bot.console.output import Output, to_jsonable
from bot.domain.humanize import local_date
from bot.domain.lifecycle import WorkspaceStatus

if TYPE_CHECKING:
    from bot.app import Rapport
    from bot.config import Settings

EXIT_USER_ERROR = 1


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "workspaces", help="operators: list workspaces, export or purge one (OAuth distribution)"
    )
    parser.add_argument("action", choices=["list", "export", "purge"])
    parser.add_argument("workspace_id", nargs="?", metavar="TEAM_ID", help="export/purge: which")
    parser.add_argument("--yes", action="store_true", help="purge: confirm deleting everything")
    parser.add_argument("--json", action="store_true", help="list: print JSON for scripts")
    parser.add_argument("--db", metavar="URL", help="database URL (default: RAPPORT_DATABASE_URL)")


def run(args: argparse.Namespace, settings: Settings, rapport: Rapport) -> int:
    lifecycle = rapport.lifecycle
    out = Output(json=bool(args.json), tz=settings.tz, now=rapport.clock())
    if args.action == "list":
        statuses = lifecycle.workspaces()
        out.show(
            statuses,
            (_line(s, settings.tz) for s in statuses) if statuses else ["No workspaces yet."],
        )
        return 0
    team = (args.workspace_id or "").strip()
    if not team:
        print(
            f"rapport workspaces {args.action}: give the workspace's team id (T…); see "
            "`rapport workspaces list`.",
            file=sys.stderr,
        )
        return EXIT_USER_ERROR
    known = {s.workspace_id for s in lifecycle.workspaces()}
    if team not in known:
        print(
            f"rapport workspaces {args.action}: Rapport holds nothing for {team}.", file=sys.stderr
        )
        return EXIT_USER_ERROR
    if args.action == "export":
        json.dump(to_jsonable(lifecycle.export(team)), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not args.yes:
        print(
            f"rapport workspaces purge: this deletes every note, contact and token of {team} for "
            "good; run it again with --yes (export it first with `rapport workspaces export`).",
            file=sys.stderr,
        )
        return EXIT_USER_ERROR
    purged = lifecycle.purge(team)
    out.show(purged, [f"Purged {team}: {purged.total} row(s) deleted."])
    return 0


def _line(status: WorkspaceStatus, tz: str) -> str:
    state = "installed" if status.installed else "not installed"
    if status.delete_after is not None:
        state += f", data deleted after {local_date(status.delete_after, tz)}"
    name = status.name or "(no name)"
    return f"{status.workspace_id}  {name} — {status.notes} note(s), {state}"

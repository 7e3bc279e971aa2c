"""docs/operations.md's backup and restore commands work as written: the `.backup` line and the
restore block run in a shell (paths moved to a temporary directory), and the restored copy
answers with the notes it had."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "operations.md").read_text()


def _blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", DOC, flags=re.DOTALL)


def _run(script: str, tmp: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    moved = script.replace("/var/lib/rapport", str(tmp / "live")).replace(
        "/backups", str(tmp / "backups")
    )
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", moved], env=env, capture_output=True, text=True
    )


@pytest.mark.slow  # four `rapport` processes and two sqlite3 runs: several seconds
@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 command is not installed")
def test_the_documented_backup_and_restore_work(tmp_path: Path) -> None:
    (tmp_path / "live").mkdir()
    (tmp_path / "backups").mkdir()
    bin_dir = str(Path(sys.executable).parent)  # where `rapport` is installed
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}", "RAPPORT_TZ": "UTC"}
    env = {k: v for k, v in env.items() if k != "RAPPORT_DATABASE_URL"}
    live = f"sqlite:///{tmp_path / 'live' / 'rapport.db'}"
    logged = subprocess.run(
        ["rapport", "--db", live, "log", "met Jane Doe for a test of the backups"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert logged.returncode == 0, logged.stderr

    backup = next(b for b in _blocks() if ".backup" in b)
    assert _run(backup, tmp_path, env).returncode == 0
    (copy,) = (tmp_path / "backups").glob("rapport-*.db")
    copy.rename(tmp_path / "backups" / "rapport-2026-11-25.db")  # the date the restore names

    # The live database is lost (here: a note logged after the backup, then the file broken).
    subprocess.run(["rapport", "--db", live, "log", "after the backup"], env=env, check=True)
    (tmp_path / "live" / "rapport.db").write_bytes(b"not a database")

    restore = next(b for b in _blocks() if "cp /backups" in b)
    restored = _run(restore, tmp_path, env)
    assert restored.returncode == 0, restored.stderr
    assert re.search(r"^\d{4}", restored.stdout, flags=re.MULTILINE)  # `db current`: a revision
    assert "Jane Doe" in restored.stdout and "backups" in restored.stdout  # `recall test`

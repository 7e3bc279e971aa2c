"""Every database failure is one line and an exit code, through the real `rapport` command.

Each case runs `python -m bot …` in a subprocess, as a person would type it, and checks what they
see: exactly one line on stderr starting `rapport`, no traceback, the exit code the README
promises (2 for a URL that cannot work, 3 when the database cannot be used right now), and that
nothing was created or saved. Read-only and full disks are real: a tmpfs mounted (read-only, or
nearly full) in a private mount namespace (`unshare`), so nothing outside the test sees it.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import reset_postgres
from tests.scale.conftest import ROOT, child_env, count

EXIT_CONFIG = 2
EXIT_STORAGE = 3
NOTE = "met Jane Doe for coffee, she wants a shelter dog"


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str
    seconds: float

    def one_line(self) -> str:
        """The single line the person saw on stderr (and that it is one, without a traceback)."""
        lines = [line for line in self.err.splitlines() if line.strip()]
        assert len(lines) == 1, self.err
        assert lines[0].startswith("rapport") and "Traceback" not in self.err, self.err
        return lines[0]


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = child_env(RAPPORT_USER="ana", RAPPORT_TZ="UTC")
    for name in ("RAPPORT_DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        env.pop(name, None)
    env.update(extra)
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")  # the default database's folder, if made
    return env


def rapport(tmp_path: Path, *argv: str, stdin: str = "", env: dict[str, str] | None = None) -> Ran:
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env or env_for(tmp_path),
        timeout=60,
    )
    return Ran(done.returncode, done.stdout, done.stderr, time.monotonic() - start)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Each command a person may start with a database URL, as they would type it.
def commands(url: str) -> list[tuple[str, ...]]:
    return [
        ("who", "Jane Doe", "--db", url),
        ("log", NOTE, "--db", url),
        ("db", "upgrade", "--db", url),
        ("console", "--db", url),
        ("serve", "--http", "--port", "0", "--db", url),
    ]


SERVE_ENV = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "0123456789abcdef" * 2}


@pytest.mark.parametrize(
    ("url", "says"),
    [
        pytest.param("{tmp}/r.db", "sqlite:///{tmp}/r.db", id="absolute-path-no-scheme"),
        pytest.param("r.db", "sqlite:///r.db", id="relative-path-no-scheme"),
        pytest.param("localhost:5432/rapport", "not a database URL", id="host-no-scheme"),
        pytest.param("mysql://u@localhost/rapport", "doesn't support 'mysql'", id="mysql"),
        pytest.param("oracle://u@localhost/x", "doesn't support 'oracle'", id="oracle"),
        pytest.param("mssql+pyodbc://u@h/x", "doesn't support 'mssql'", id="mssql"),
        pytest.param("http://example.com/db", "doesn't support 'http'", id="http-url"),
        pytest.param(
            "postgresql+psycopg2://u@localhost/x",
            "pip install 'rapport-bot[postgres]'",
            id="driver-not-installed",
        ),
        pytest.param("postgresql+nosuch://u@localhost/x", "not a database driver", id="no-driver"),
        pytest.param(
            "sqlite:///{tmp}/missing/dir/r.db", "'{tmp}/missing/dir'", id="missing-folder"
        ),
        pytest.param("sqlite:///missing/r.db", "'missing'", id="missing-relative-folder"),
    ],
)
def test_a_url_that_cannot_work_is_a_configuration_error(
    tmp_path: Path, url: str, says: str
) -> None:
    url, says = url.format(tmp=tmp_path), says.format(tmp=tmp_path)
    ran = rapport(tmp_path, "who", "Jane Doe", "--db", url)
    assert ran.code == EXIT_CONFIG, ran
    assert says in ran.one_line()
    assert not (tmp_path / "missing").exists() and not (tmp_path / "r.db").exists()


@pytest.mark.slow  # 20 interpreters
@pytest.mark.parametrize("index", range(5), ids=["who", "log", "db-upgrade", "console", "serve"])
def test_every_command_says_so_in_one_line(tmp_path: Path, index: int) -> None:
    for url, code, says in (
        (str(tmp_path / "r.db"), EXIT_CONFIG, f"sqlite:///{tmp_path}/r.db"),
        ("sqlite:////nonexistent-rapport/dir/r.db", EXIT_CONFIG, "doesn't exist"),
        ("mysql://u@localhost/x", EXIT_CONFIG, "doesn't support"),
        (
            f"postgresql://rapport:s3cret-pw@127.0.0.1:{free_port()}/rapport",
            EXIT_STORAGE,
            "Couldn't reach the database",
        ),
    ):
        argv = commands(url)[index]
        ran = rapport(tmp_path, *argv, stdin="quit\n", env=env_for(tmp_path, **SERVE_ENV))
        assert ran.code == code, (argv, ran)
        line = ran.one_line()
        assert says in line, (argv, line)
        assert "s3cret-pw" not in ran.err + ran.out
    assert not Path("/nonexistent-rapport").exists()  # a mistyped path never makes folders


def test_a_missing_postgres_driver_names_the_extra_to_install(tmp_path: Path) -> None:
    # psycopg is installed for the tests: shadow it with a package that fails to import, as a
    # missing one does, ahead of site-packages on the path.
    shadow = tmp_path / "shadow" / "psycopg"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'psycopg'\", name='psycopg')\n"
    )
    env = env_for(tmp_path)
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path / "shadow"), str(ROOT)])
    for argv in (
        ("who", "x", "--db", "postgresql://u@localhost/x"),
        ("db", "current", "--db", "postgres://u@h/x"),
    ):
        ran = rapport(tmp_path, *argv, env=env)
        assert ran.code == EXIT_CONFIG, ran
        line = ran.one_line()
        assert "psycopg" in line and "pip install 'rapport-bot[postgres]'" in line


def test_the_default_database_folder_is_the_one_rapport_creates(tmp_path: Path) -> None:
    ran = rapport(tmp_path, "log", NOTE)
    assert ran.code == 0, ran
    assert (tmp_path / "xdg" / "rapport" / "rapport.db").is_file()


# --- a locked SQLite file ---------------------------------------------------------------------


@pytest.fixture
def noted_db(tmp_path: Path) -> str:
    """A SQLite database holding one note by ana about Jane Doe (made through the CLI)."""
    url = f"sqlite:///{tmp_path / 'rapport.db'}"
    ran = rapport(tmp_path, "log", NOTE, "--db", url)
    assert ran.code == 0, ran
    return url


@pytest.fixture
def writer_holding_the_lock(noted_db: str) -> Iterator[None]:
    """Another program is in the middle of a write (it holds SQLite's write lock)."""
    holder = sqlite3.connect(noted_db.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute(
        "INSERT INTO workspace (id, name, default_visibility, created_at) "
        "VALUES ('elsewhere', '', 'team', '2026-01-01')"
    )
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.usefixtures("writer_holding_the_lock")
def test_while_another_program_writes_reads_answer_and_writes_say_busy(
    tmp_path: Path, noted_db: str
) -> None:
    ran = rapport(tmp_path, "who", "Jane Doe", "--db", noted_db)
    # The writer never lets go: a read that waited for its lock would end "busy", not answer.
    # (No wall-clock bound here: on a loaded machine a subprocess alone can take seconds.)
    assert ran.code == 0 and "shelter dog" in ran.out, ran
    ran = rapport(tmp_path, "recall", "shelter dog", "--db", noted_db)
    assert ran.code == 0 and "Jane Doe" in ran.out, ran
    ran = rapport(tmp_path, "log", "lunch with Jane Doe", "--db", noted_db)
    assert ran.code == EXIT_STORAGE, ran
    assert "busy" in ran.one_line() and "try again" in ran.one_line()
    assert count(noted_db, "SELECT count(*) FROM note") == 1


def test_an_exclusive_lock_is_one_line_after_the_busy_timeout(
    tmp_path: Path, noted_db: str
) -> None:
    holder = sqlite3.connect(noted_db.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("SELECT count(*) FROM note").fetchone()  # takes the lock readers need too
    # The bound is beside a floor taken now (the same command on a free database): this machine
    # is shared, and a loaded one takes seconds to start any subprocess.
    floor = rapport(tmp_path, "who", "Jane Doe", "--db", f"sqlite:///{tmp_path / 'free.db'}")
    try:
        for argv in (("who", "Jane Doe"), ("log", "lunch with Jane Doe"), ("db", "upgrade")):
            ran = rapport(tmp_path, *argv, "--db", noted_db + "?timeout=0.5", stdin="quit\n")
            assert ran.code == EXIT_STORAGE, (argv, ran)
            assert "busy" in ran.one_line(), argv
            assert ran.seconds < 2 * floor.seconds + 0.5 * 2 + 2, (ran.seconds, floor.seconds)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# --- read-only and full disks: a private tmpfs ----------------------------------------------------


def _unshare() -> list[str] | None:
    """A command prefix that runs a shell in a private mount namespace where it may mount."""
    tool = shutil.which("unshare")
    if tool is None or sys.platform != "linux":
        return None
    for prefix in ([tool, "--user", "--map-root-user", "--mount"], [tool, "--mount"]):
        probe = subprocess.run(
            [*prefix, "sh", "-c", "mount -t tmpfs tmpfs /mnt 2>/dev/null || exit 9"],
            capture_output=True,
        )
        if probe.returncode == 0:
            return prefix
    return None


UNSHARE = _unshare()
needs_mount = pytest.mark.skipif(
    UNSHARE is None, reason="needs unshare(1) and permission to mount a tmpfs in a namespace"
)


def on_tmpfs(
    tmp_path: Path, database: str, setup: str, runs: Sequence[tuple[str, ...]]
) -> list[Ran]:
    """Copy the database onto a fresh tmpfs, run `setup` (shell), then each `rapport` argv."""
    assert UNSHARE is not None
    mount = tmp_path / "mnt"
    results = tmp_path / "results"
    mount.mkdir()
    results.mkdir()
    url = f"sqlite:///{mount / 'rapport.db'}"
    lines = [
        "set -e",
        f"mount -t tmpfs -o size=1m tmpfs {mount}",
        f"cp {database} {mount}/rapport.db",
        f"M={mount}",
        textwrap.dedent(setup),
        "set +e",
    ]
    python = f"{sys.executable} -m bot"
    for i, argv in enumerate(runs):
        quoted = " ".join(f"'{a}'" for a in argv)
        lines.append(
            f"s=$(date +%s.%N); {python} {quoted} --db {url} </dev/null "
            f">{results}/{i}.out 2>{results}/{i}.err; echo $? >{results}/{i}.rc; "
            f"echo $(date +%s.%N) $s >{results}/{i}.t"
        )
    script = tmp_path / "run.sh"
    script.write_text("\n".join(lines) + "\n")
    done = subprocess.run(
        [*UNSHARE, "bash", str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env_for(tmp_path),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    ran = []
    for i in range(len(runs)):
        end, start = (float(x) for x in (results / f"{i}.t").read_text().split())
        ran.append(
            Ran(
                int((results / f"{i}.rc").read_text()),
                (results / f"{i}.out").read_text(),
                (results / f"{i}.err").read_text(),
                end - start,
            )
        )
    return ran


@needs_mount
def test_a_read_only_database_answers_reads_and_says_writes_cannot_be_saved(
    tmp_path: Path, noted_db: str
) -> None:
    who, recall, loops, log, upgrade, console = on_tmpfs(
        tmp_path,
        noted_db.removeprefix("sqlite:///"),
        "mount -o remount,ro $M",
        [
            ("who", "Jane Doe"),
            ("recall", "who wants a shelter dog?"),
            ("loops",),
            ("log", "lunch with Jane Doe"),
            ("db", "upgrade"),
            ("console",),
        ],
    )
    assert who.code == 0 and "shelter dog" in who.out, who
    assert recall.code == 0 and "Jane Doe" in recall.out, recall
    assert loops.code == 0, loops
    assert log.code == EXIT_STORAGE, log
    line = log.one_line()
    assert "read-only" in line and "try again" not in line
    assert upgrade.code == 0 and "revision" in upgrade.out, upgrade
    assert console.code == 0, console


@needs_mount
def test_a_full_disk_says_so_and_saves_nothing_while_reads_answer(
    tmp_path: Path, noted_db: str
) -> None:
    # Fill the tmpfs, then free 40 KB: room to open the database, not to write a note.
    fill = """
        mkdir $M/fill; i=0
        while head -c 4096 /dev/zero > $M/fill/$i 2>/dev/null; do i=$((i+1)); done
        rm -f $M/fill/$i $M/fill/0 $M/fill/1 $M/fill/2 $M/fill/3 $M/fill/4 \\
              $M/fill/5 $M/fill/6 $M/fill/7 $M/fill/8 $M/fill/9
    """
    log, who, recall = on_tmpfs(
        tmp_path,
        noted_db.removeprefix("sqlite:///"),
        fill,
        [
            ("log", "lunch with Jane Doe, she is moving to Lisbon"),
            ("who", "Jane Doe"),
            ("recall", "Lisbon"),
        ],
    )
    assert log.code == EXIT_STORAGE, log
    assert "disk" in log.one_line() and "full" in log.one_line()
    assert who.code == 0 and "shelter dog" in who.out and "Lisbon" not in who.out, who
    assert recall.code == 0 and "Lisbon" not in recall.out, recall


# --- text no database can store -----------------------------------------------------------------


def test_a_lone_surrogate_in_a_note_is_bad_input_not_an_outage(
    tmp_path: Path, noted_db: str
) -> None:
    # A byte that is not UTF-8 in argv reaches Python as a lone surrogate (U+DCFF).
    env = env_for(tmp_path)
    done = subprocess.run(
        [
            sys.executable.encode(),
            b"-m",
            b"bot",
            b"log",
            b"lunch with Jane Doe \xff",
            b"--db",
            noted_db.encode(),
        ],
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    ran = Ran(done.returncode, done.stdout.decode(), done.stderr.decode(errors="replace"), 0)
    assert ran.code == 1, ran
    assert "can't be stored" in ran.one_line() and "try again" not in ran.one_line()
    assert count(noted_db, "SELECT count(*) FROM note") == 1


@pytest.mark.parametrize(
    "text",
    [
        "lunch with Jane Doe\x00",
        "\x00lunch with Jane Doe",
        "lunch with Jane\x00 Doe, I owe her the deck by Friday",
    ],
    ids=["trailing-nul", "leading-nul", "nul-mid-note-with-loop"],
)
def test_a_nul_in_a_console_note_is_bad_input_and_nothing_is_saved(
    tmp_path: Path, noted_db: str, text: str
) -> None:
    ran = rapport(tmp_path, "console", "--db", noted_db, stdin=text + "\nwho Jane Doe\n")
    assert "can't be stored" in ran.out + ran.err, ran
    assert "try again" not in (ran.out + ran.err).replace("send it again", ""), ran
    assert "Traceback" not in ran.err
    assert "shelter dog" in ran.out  # the console carried on: the next line answered
    assert count(noted_db, "SELECT count(*) FROM note") == 1
    assert count(noted_db, "SELECT count(*) FROM loop") == 0


@pytest.mark.postgres
def test_a_read_only_postgresql_answers_reads_and_says_writes_cannot_be_saved(
    tmp_path: Path, pg_database: str
) -> None:
    reset_postgres(pg_database)
    ran = rapport(tmp_path, "log", NOTE, "--db", pg_database)
    assert ran.code == 0, ran
    # A hot standby, or a role set read-only: every transaction is READ ONLY (libpq `options`).
    read_only = pg_database + "?options=-c%20default_transaction_read_only%3Don"
    who = rapport(tmp_path, "who", "Jane Doe", "--db", read_only)
    assert who.code == 0 and "shelter dog" in who.out, who
    recall = rapport(tmp_path, "recall", "shelter dog", "--db", read_only)
    assert recall.code == 0 and "Jane Doe" in recall.out, recall
    log = rapport(tmp_path, "log", "lunch with Jane Doe", "--db", read_only)
    assert log.code == EXIT_STORAGE, log
    assert "read-only" in log.one_line() and "try again" not in log.one_line()
    assert count(pg_database, "SELECT count(*) FROM note") == 1

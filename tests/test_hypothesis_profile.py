"""The hypothesis profile CI runs with (tests/conftest.py): chosen by CI=true, derandomized, and a
failure prints the `@reproduce_failure` blob that replays it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parents[1]

PROBE = textwrap.dedent(  # raw: the probe prints "\n".join(...) itself
    r"""
    import tests.conftest  # noqa: F401  (registers and loads the profiles)
    from hypothesis import given, settings, strategies as st

    print("profile", settings.default.derandomize, settings.default.database)

    @given(st.integers())
    def big_numbers_fail(x):
        assert x < 1000

    try:
        big_numbers_fail()
    except AssertionError as exc:  # what pytest shows: the notes on the error
        print("failed as it should")
        print("\n".join(getattr(exc, "__notes__", [])))
    """
)


def run_probe(**env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "HYPOTHESIS_PROFILE")}
    environ.update(env)
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_ci_is_derandomized_and_prints_the_reproducing_blob() -> None:
    out = run_probe(CI="true")
    assert "profile True None" in out
    assert "failed as it should" in out
    assert "@reproduce_failure(" in out  # the blob that replays the failing example
    assert "x=1000" in out  # the failing example, shrunk to the boundary


def test_ci_runs_try_the_same_examples_every_time() -> None:
    first, second = run_probe(CI="true"), run_probe(CI="true")
    blob = [line for line in first.splitlines() if "@reproduce_failure(" in line]
    assert blob and blob == [line for line in second.splitlines() if "@reproduce_failure(" in line]


def test_outside_ci_the_search_is_random_but_still_prints_the_blob() -> None:
    out = run_probe()
    assert "profile False" in out and "@reproduce_failure(" in out

"""Rapport tests. A package, so pytest puts the repository root on sys.path (bot is importable)
and other suites can `from tests.conftest import pg_url`."""

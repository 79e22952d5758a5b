"""Constants, errors, logging, settings, the entry point and the serving role of every
benchmark."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

BENCH_DIR = Path(__file__).resolve().parent.parent
ROOT = BENCH_DIR.parent
CACHE_DIR = ROOT / ".bench"  # git-ignored: tools the benchmarks install (PostGraphile)
HOST = "127.0.0.1"
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
APP_ROLE = "rapport_app"  # as in deploy/postgres-app-role.sh and tests/support/postgres.py
OWNER = "owner"


class BenchError(RuntimeError):
    """A step of a benchmark failed; the message says which."""


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def exit_on_signal(signum: int, _frame: object) -> NoReturn:
    """On SIGTERM: unwind, so that servers stop and the scratch database is dropped."""
    raise SystemExit(128 + signum)


def serving_role() -> str:
    """The role servers connect as: `rapport_app` unless RAPPORT_BENCH_ROLE=owner."""
    role = os.environ.get("RAPPORT_BENCH_ROLE", APP_ROLE)
    if role not in (APP_ROLE, OWNER):
        raise BenchError(f"RAPPORT_BENCH_ROLE is {APP_ROLE} or {OWNER}, not {role!r}")
    return role


def setting(name: str, default: str) -> str:
    """A benchmark's setting: the environment variable RAPPORT_BENCH_<name>, else `default`."""
    return os.environ.get(f"RAPPORT_BENCH_{name}", default)


def server_url() -> str:
    """The PostgreSQL server beside whose database the scratch database is created."""
    return setting("DATABASE_URL", DEFAULT_SERVER_URL)


def run_main(body: Callable[[], int]) -> int:
    """A benchmark's entry point: SIGTERM unwinds (servers stop, the scratch database is
    dropped); a failed step is logged and exits with status 2."""
    signal.signal(signal.SIGTERM, exit_on_signal)
    try:
        return body()
    except BenchError as error:
        log(f"failed: {error}")
        return 2

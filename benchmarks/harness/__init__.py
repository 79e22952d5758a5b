"""The benchmarks' one harness: the scratch database, the servers, the load and the timing
that the REST, GraphQL, metrics and directory benchmarks share (`import harness as h`).

Every server under test, and every in-process measurement of the app, connects as the
restricted role `rapport_app` with row-level security on, as production does (the role
that runs `rapport migrate` owns the tables and is not bound by row-level security). The
scratch database is migrated, seeded by COPY and set up through the CLI as the owner.
`RAPPORT_BENCH_ROLE=owner` serves everything as the owner instead, for comparison.
"""

from __future__ import annotations

from harness.common import (
    APP_ROLE,
    BENCH_DIR,
    CACHE_DIR,
    DEFAULT_SERVER_URL,
    HOST,
    OWNER,
    ROOT,
    BenchError,
    exit_on_signal,
    log,
    serving_role,
)
from harness.databases import (
    CopyTable,
    Scratch,
    as_role,
    cli,
    database_url,
    ensure_app_role,
    execute,
    prepare,
    rapport_cli,
    scratch_database,
)
from harness.load import (
    Load,
    Timing,
    Wrk,
    ensure_wrk,
    load,
    machine_load,
    median_load,
    parse_wrk,
    table,
    timed,
    us,
)
from harness.servers import (
    CpuMeter,
    Server,
    backend_cpu,
    cpu_seconds,
    database_backends,
    free_port,
    process_tree,
    rss_kib,
    serve,
    serve_baseline,
    serve_rapport,
    status_kib,
    stop,
    wait_ready,
)

__all__ = [
    "APP_ROLE",
    "BENCH_DIR",
    "CACHE_DIR",
    "DEFAULT_SERVER_URL",
    "HOST",
    "OWNER",
    "ROOT",
    "BenchError",
    "CopyTable",
    "CpuMeter",
    "Load",
    "Scratch",
    "Server",
    "Timing",
    "Wrk",
    "as_role",
    "backend_cpu",
    "cli",
    "cpu_seconds",
    "database_backends",
    "database_url",
    "ensure_app_role",
    "ensure_wrk",
    "execute",
    "exit_on_signal",
    "free_port",
    "load",
    "log",
    "machine_load",
    "median_load",
    "parse_wrk",
    "prepare",
    "process_tree",
    "rapport_cli",
    "rss_kib",
    "scratch_database",
    "serve",
    "serve_baseline",
    "serve_rapport",
    "serving_role",
    "status_kib",
    "stop",
    "table",
    "timed",
    "us",
    "wait_ready",
]

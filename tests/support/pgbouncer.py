"""pgbouncer (Debian's package) in transaction mode in front of one database, as replicas
reach PostgreSQL when their connections outgrow it (docs/deployment.md)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from tests.support.live import free_port
from tests.support.postgres import APP_ROLE

PGBOUNCER = "/usr/sbin/pgbouncer"
DATABASE = "rapport"


@contextmanager
def pgbouncer(database_url: str, *, server_connections: int) -> Iterator[str]:
    """pgbouncer lending at most `server_connections` server connections, one transaction
    at a time, to every client of `database_url`'s database as the app's role; yields the
    URL clients connect to (as the app's role)."""
    server = urlsplit(database_url)
    target = f"host={server.hostname} port={server.port or 5432} dbname={server.path[1:]}"
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="rapport-pgbouncer-"))
    (workdir / "userlist.txt").write_text(f'"{APP_ROLE}" ""\n')
    (workdir / "pgbouncer.ini").write_text(
        f"""[databases]
{DATABASE} = {target} user={APP_ROLE}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {workdir / "userlist.txt"}
pool_mode = transaction
default_pool_size = {server_connections}
max_client_conn = 500
ignore_startup_parameters = jit
logfile = {workdir / "pgbouncer.log"}
pidfile = {workdir / "pgbouncer.pid"}
"""
    )
    command = [PGBOUNCER, str(workdir / "pgbouncer.ini")]
    if os.geteuid() == 0:  # pgbouncer refuses to run as root
        shutil.chown(workdir, "postgres")
        for path in workdir.iterdir():
            shutil.chown(path, "postgres")
        command[1:1] = ["-u", "postgres"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process)
        yield f"postgresql://{APP_ROLE}@127.0.0.1:{port}/{DATABASE}"
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"pgbouncer exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError("pgbouncer did not listen within 20 s") from None
            time.sleep(0.05)

"""PostGraphile v4, the GraphQL peer of `make bench-graphql`, on the benchmark's scratch
database: installed from npm into a git-ignored cache folder, given the follow-up rule and
the visibility of notes as computed columns, served by `postgraphile_server.js`.

The comparison is fair on the role: PostGraphile connects as `rapport_app` (the harness's
serving role), so row-level security binds it exactly as it binds Rapport, and it enters
the organization per request (`pgSettings`: BEGIN, set_config, the query, COMMIT), as
Rapport does. It checks no credential (one organization), like the REST floor.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import harness as h

from app.domain.commitments import CommitmentStatus
from app.domain.notes import NoteVisibility
from app.services.meeting_views import FOLLOW_UP_LIMIT

VERSION = "4.14.1"
INSTALLED = h.CACHE_DIR / "postgraphile"
SERVER_SCRIPT = h.BENCH_DIR / "postgraphile_server.js"
MINIMUM_NODE = 18

# PostGraphile exposes a function `<table>_<name>(<table>)` as the field `name` of the
# table's type. Row-level security applies inside them (SECURITY INVOKER, the default).
COMPUTED_COLUMNS = (
    f"""
    CREATE FUNCTION meetings_follow_up(m meetings) RETURNS SETOF commitments
    LANGUAGE sql STABLE AS $$
        SELECT c.* FROM commitments c
        WHERE c.org_id = m.org_id AND c.pair_id = m.pair_id
          AND c.status = '{CommitmentStatus.OPEN.value}'
          AND c.meeting_id IS DISTINCT FROM m.id AND c.created_at < m.starts_at
        ORDER BY c.created_at, c.id
        LIMIT {FOLLOW_UP_LIMIT}
    $$
    """,
    f"""
    CREATE FUNCTION meetings_shared_notes(m meetings) RETURNS SETOF notes
    LANGUAGE sql STABLE AS $$
        SELECT n.* FROM notes n
        WHERE n.org_id = m.org_id AND n.meeting_id = m.id
          AND n.visibility = '{NoteVisibility.SHARED.value}'
        ORDER BY n.created_at, n.id
    $$
    """,
)

SCREEN = """
query Screen {
  allPairs(first: 50) {
    nodes {
      id
      meetingsByPairId(first: 5, orderBy: STARTS_AT_DESC) {
        nodes {
          id
          startsAt
          followUp { nodes { id title } }
          agendaItemsByMeetingId { nodes { id title } }
          sharedNotes { nodes { id body } }
        }
      }
      commitmentsByPairId(condition: { status: "open" }) { nodes { id title } }
    }
  }
}
"""

MEETING = """
query Meeting($id: UUID!) {
  meetingById(id: $id) { id startsAt status followUp { nodes { id title } } }
}
"""


def node() -> str:
    """The `node` binary, recent enough; a clear error otherwise."""
    found = shutil.which("node")
    if found is None:
        raise h.BenchError(
            "node is not on PATH: the GraphQL benchmark serves PostGraphile, its peer, with"
            f" Node.js {MINIMUM_NODE} or later (and npm to install it)"
        )
    version = subprocess.run(
        [found, "--version"], capture_output=True, text=True, check=False
    ).stdout
    if int(version.strip().lstrip("v").split(".")[0] or 0) < MINIMUM_NODE:
        raise h.BenchError(f"node {version.strip()} is too old: PostGraphile needs {MINIMUM_NODE}+")
    return found


def install() -> Path:
    """PostGraphile from npm into the cache folder, once; its node_modules folder."""
    modules = INSTALLED / "node_modules"
    manifest = modules / "postgraphile" / "package.json"
    if manifest.exists() and json.loads(manifest.read_text())["version"] == VERSION:
        return modules
    npm = shutil.which("npm")
    if npm is None:
        raise h.BenchError("npm is not on PATH: it installs PostGraphile, the GraphQL peer")
    h.log(f"installing PostGraphile {VERSION} from npm into {INSTALLED}")
    INSTALLED.mkdir(parents=True, exist_ok=True)
    command = [npm, "install", "--prefix", str(INSTALLED), "--no-audit", "--no-fund",
               "--no-save", f"postgraphile@{VERSION}"]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not manifest.exists():
        raise h.BenchError(f"npm install postgraphile@{VERSION} failed:\n{result.stderr}")
    return modules


@contextmanager
def serve_postgraphile(scratch: h.Scratch, workers: int) -> Iterator[h.Server]:
    """PostGraphile on the scratch database, with the computed columns (created as the owner
    in the scratch database, dropped with it)."""
    binary, modules = node(), install()
    h.execute(scratch.db_url, *COMPUTED_COLUMNS)
    port = h.free_port()
    env = {
        **scratch.app_env,
        "NODE_PATH": str(modules),
        "NODE_ENV": "production",
        "DATABASE_URL": scratch.app_url,
        "ORG_ID": scratch.org_id,
        "PORT": str(port),
        "WORKERS": str(workers),
    }
    command = [binary, str(SERVER_SCRIPT)]
    with h.serve("postgraphile", command, env, scratch.logs, port=port) as server:
        yield server

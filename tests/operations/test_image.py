"""The image: its Dockerfile lints clean, its build context holds only what the build
reads, the compose stack is wired as documented, and the Dockerfile's own commands install,
migrate and serve as an unprivileged user (no Docker engine runs where the suite runs)."""

from __future__ import annotations

import fnmatch
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from app.settings import Settings
from tests.support import dockerfile
from tests.support.commands import serving
from tests.support.dockerfile import ROOT, unprivileged
from tests.support.postgres import as_app_role, ensure_app_role, scratch_database

HADOLINT = Path(sys.executable).parent / "hadolint"
# The python:3.11 image's interpreter; here Debian's, which an unprivileged user can run.
SYSTEM_PYTHON = "/usr/bin/python3.11"


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    linted = subprocess.run(
        [str(HADOLINT), str(dockerfile.DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr


def _ignored(path: str, patterns: list[str]) -> bool:
    """.dockerignore's rule: the last pattern matching the path or a parent decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    ignored = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        bare = pattern.lstrip("!").rstrip("/")
        if any(fnmatch.fnmatchcase(c, bare) for c in candidates):
            ignored = not negated
    return ignored


def test_the_build_context_holds_only_what_the_build_reads() -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for needed in (
        "pyproject.toml",
        "constraints.txt",
        "README.md",
        "app/api/app.py",
        "app/api/graphiql_assets.py",
        "app/persistence/alembic.ini",
    ):
        assert not _ignored(needed, patterns), needed
    for secret in (
        "rapport.db",
        "rapport.dev-key",
        ".venv/bin/python",
        ".git/config",
        "app/__pycache__/settings.cpython-311.pyc",
        "app/api/graphiql/PINNED",
        "tests/conftest.py",
    ):
        assert _ignored(secret, patterns), secret


def _compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return document


def test_the_compose_stack_migrates_once_then_serves_as_the_app_role() -> None:
    services = _compose()["services"]
    assert set(services) == {"postgres", "redis", "migrate", "app"}
    migrate, app = services["migrate"], services["app"]
    assert migrate["image"] == app["image"] and migrate["build"] == app["build"] == "."
    assert migrate["command"] == ["migrate"] and "command" not in app
    assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "postgresql://rapport_owner:" in migrate["environment"]["RAPPORT_DATABASE_URL"]
    assert "postgresql://rapport_app:" in app["environment"]["RAPPORT_DATABASE_URL"]
    settings = {f"RAPPORT_{name.upper()}" for name in Settings.model_fields}
    for service in (migrate, app):
        assert set(service["environment"]) <= settings, "every variable is a setting"
    init = services["postgres"]["volumes"][1].split(":")[0]
    assert (ROOT / init).is_file() and os.access(ROOT / init, os.X_OK)


@pytest.fixture
def workdir() -> Iterator[Path]:
    """A folder the unprivileged user owns."""
    folder = Path(tempfile.mkdtemp(prefix="rapport-image-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _own(folder: Path) -> None:
    if os.geteuid() != 0:
        return
    for path in [folder, *folder.rglob("*")]:
        shutil.chown(path, "nobody", "nogroup")


def _step(command: str, cwd: Path, env: dict[str, str], paths: dict[str, Path]) -> None:
    """One RUN line of the Dockerfile, with the image's paths mapped into `workdir`."""
    argv = shlex.split(command)
    argv = [str(paths.get(arg, arg)) for arg in argv]
    for image_path, here in paths.items():
        argv = [arg.replace(image_path + "/", f"{here}/") for arg in argv]
    if argv[0] in ("python", "python3"):
        argv[0] = SYSTEM_PYTHON
    done = subprocess.run(
        unprivileged(argv), cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"


@pytest.mark.slow
def test_the_dockerfile_steps_install_migrate_and_serve_unprivileged(
    postgres_admin_url: str, workdir: Path
) -> None:
    parsed = dockerfile.instructions()
    fetch_assets, make_venv, install = dockerfile.build_runs(parsed)

    # The build context, as .dockerignore and the COPY instructions shape it.
    stage = workdir / "graphiql-stage"
    stage.mkdir()
    shutil.copy(ROOT / "app" / "api" / "graphiql_assets.py", stage)
    source = workdir / "src"
    source.mkdir()
    for name in ("pyproject.toml", "constraints.txt", "README.md"):
        shutil.copy(ROOT / name, source)
    shutil.copytree(
        ROOT / "app", source / "app", ignore=shutil.ignore_patterns("__pycache__", "graphiql")
    )
    # Wheels from this machine's pip cache, so the install needs no index (the image's build
    # downloads the same pinned releases).
    wheels = workdir / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--wheel-dir",
            str(wheels),
            "--constraint",
            str(ROOT / "constraints.txt"),
            str(source),
            "setuptools",
            # Needed by redis below Python 3.11.3 (Debian's), not by the suite's interpreter.
            "async-timeout",
        ],
        check=True,
        capture_output=True,
    )
    (workdir / "home").mkdir()
    _own(workdir)

    paths = {"/opt/rapport": workdir / "opt-rapport", "/assets": workdir / "assets"}
    build_env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(workdir / "home"),
        "npm_config_cache": str(workdir / "npm-cache"),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheels),
    }
    _step(fetch_assets, stage, build_env, paths)
    _step(make_venv, source, build_env, paths)
    shutil.copytree(paths["/assets"], source / "app" / "api" / "graphiql")  # COPY --from
    _own(source)
    _step(install, source, build_env, paths)

    venv_bin = paths["/opt/rapport"] / "bin"
    with scratch_database(postgres_admin_url) as owner_url:
        ensure_app_role(postgres_admin_url)
        run_env = {
            "PATH": f"{venv_bin}:/usr/bin:/bin",
            "HOME": "/nonexistent",
            **dockerfile.environment(parsed),
            "RAPPORT_TOKEN_SECRET": "t" * 48,
        }
        assert run_env["RAPPORT_ENVIRONMENT"] == "production"
        entrypoint = dockerfile.exec_form(parsed, "ENTRYPOINT")
        migrate = subprocess.run(
            unprivileged([*entrypoint, "migrate"]),
            env={**run_env, "RAPPORT_DATABASE_URL": owner_url},
            capture_output=True,
            text=True,
            check=False,
        )
        assert migrate.returncode == 0, migrate.stderr
        # serving() binds 127.0.0.1 (the image binds 0.0.0.0): the test stays on loopback.
        with serving(
            {**run_env, "RAPPORT_DATABASE_URL": as_app_role(owner_url)},
            unprivileged([*entrypoint, *dockerfile.exec_form(parsed, "CMD")]),
            ready="/readyz",
        ) as server:
            health = subprocess.run(
                unprivileged(dockerfile.healthcheck(parsed)),
                env={**run_env, "RAPPORT_PORT": str(server.port)},
                check=False,
            )
            assert health.returncode == 0
            page = httpx.get(f"{server.base_url}/graphql", headers={"Accept": "text/html"})
            script = httpx.get(f"{server.base_url}/assets/graphiql/graphiql.min.js")
            assert page.status_code == 200 and script.status_code == 200, "assets shipped"
            front_end = httpx.get(f"{server.base_url}/app/")
            module = httpx.get(f"{server.base_url}/app/main.js")
            assert front_end.status_code == 200 and module.status_code == 200, "/app shipped"
            assert httpx.get(f"{server.base_url}/app/dev/people").status_code == 404

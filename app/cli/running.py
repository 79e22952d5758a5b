"""Running the service: migrate, serve, demo data and the local quick start."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from app.cli.root import in_transaction
from app.domain.clock import system_clock
from app.persistence.migrate import upgrade_to_head
from app.persistence.unit_of_work import UnitOfWork
from app.services.quick_start import dev_key_file, quick_start_key
from app.settings import Settings, get_settings, is_sqlite


def migrate() -> None:
    """Apply every Alembic revision to RAPPORT_DATABASE_URL."""
    upgrade_to_head(get_settings().database_url)


def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind [RAPPORT_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind [RAPPORT_PORT].")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes [RAPPORT_WORKERS].")] = None,
) -> None:
    """Serve the API with uvicorn, with the HTTP limits of RAPPORT_HTTP_* (timeouts, header
    size), and on PostgreSQL a webhook delivery process beside the workers
    (RAPPORT_WEBHOOK_DELIVERY); SIGTERM lets requests and deliveries in flight finish, then
    exits."""
    from app import logs
    from app.api.prometheus import MULTIPROCESS_DIRECTORY
    from app.cli.delivery_supervisor import serving_beside_deliveries

    settings = get_settings()
    settings.check_production_ready()
    logs.configure(settings)
    workers = workers or settings.workers
    delivery_process = settings.webhook_delivery == "own_process" and not is_sqlite(
        settings.database_url
    )
    if (workers > 1 or delivery_process) and not os.environ.get(MULTIPROCESS_DIRECTORY):
        # Each process writes its metrics here and any worker answers /metrics for all.
        os.environ[MULTIPROCESS_DIRECTORY] = tempfile.mkdtemp(prefix="rapport-metrics-")
    if not delivery_process:
        _serve_http(settings, host, port, workers)
        return
    os.environ["RAPPORT_WEBHOOK_DELIVERY"] = "elsewhere"  # the workers' settings
    get_settings.cache_clear()
    serving_beside_deliveries(lambda: _serve_http(settings, host, port, workers))


def _serve_http(settings: Settings, host: str | None, port: int | None, workers: int) -> None:
    import uvicorn

    from app.api.http_server import server_options

    uvicorn.run(
        "app.api.main:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_config=None,  # app.logs: one format for uvicorn's lines and Rapport's
        access_log=False,  # app.api.request_log writes each request's line
        log_level=settings.log_level.lower(),
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        timeout_worker_healthcheck=settings.worker_healthcheck_seconds,
        **server_options(settings),
    )


def deliver(
    stop_with_parent: Annotated[
        bool, typer.Option("--stop-with-parent", hidden=True, help="Used by `rapport serve`.")
    ] = False,
) -> None:
    """Deliver webhooks until SIGTERM, in this process (`rapport serve` runs one itself on
    PostgreSQL; run this where RAPPORT_WEBHOOK_DELIVERY=elsewhere)."""
    from app import logs
    from app.api.delivery_process import run

    settings = get_settings()
    settings.check_production_ready()
    logs.configure(settings)
    run(settings, stop_with_parent=stop_with_parent)


def demo(
    org_name: Annotated[str, typer.Option("--org-name", help="Name of the demo organization.")] = (
        "Rapport Demo"
    ),
) -> None:
    """Load a demo organization (about 60 people, six months of 1:1s); prints its id."""
    from app.demo.organization import load_demo

    org_id = in_transaction(lambda uow: load_demo(uow, org_name, system_clock()))
    typer.echo(str(org_id))


def dev(
    host: Annotated[str | None, typer.Option(help="Interface to bind [RAPPORT_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind [RAPPORT_PORT].")] = None,
    org_name: Annotated[str, typer.Option("--org-name", help="Demo organization.")] = (
        "Rapport Demo"
    ),
    new_key: Annotated[
        bool, typer.Option("--new-key", help="Revoke the kept admin key and mint another.")
    ] = False,
) -> None:
    """Local quick start: migrate, load the demo organization once, print the admin key (the
    same one across restarts unless --new-key) and serve, with logs for people and metrics
    open (unless RAPPORT_LOG_FORMAT or RAPPORT_METRICS_ACCESS say otherwise), and the
    reference front end at /app signing in as any demo person (RAPPORT_DEV_SIGN_IN)."""
    from app.demo.organization import load_demo

    os.environ.setdefault("RAPPORT_LOG_FORMAT", "console")
    os.environ.setdefault("RAPPORT_METRICS_ACCESS", "open")
    os.environ["RAPPORT_DEV_SIGN_IN"] = "true"  # /app signs in as a demo person
    get_settings.cache_clear()
    settings = get_settings()
    database_url = settings.database_url
    upgrade_to_head(database_url)
    key_file = dev_key_file(database_url)
    kept = None if new_key or not key_file.exists() else key_file.read_text().strip()

    async def prepare(uow: UnitOfWork) -> tuple[UUID, str, bool, bool]:
        now = system_clock()
        org_id = await uow.organizations.find_id_by_name(org_name)
        created = org_id is None
        if org_id is None:
            org_id = await load_demo(uow, org_name, now)
        secret, reused = await quick_start_key(uow, org_id, kept, now)
        return org_id, secret, created, reused

    org_id, secret, created, reused = in_transaction(prepare)
    if not reused:
        _keep(key_file, secret)
    host, port = host or settings.host, port or settings.port
    base = f"http://{host}:{port}"
    loaded = "loaded just now" if created else "already loaded"
    kind = "kept across restarts; --new-key for another" if reused else "new"
    typer.echo(
        f"\nRapport is starting on the embedded database ({database_url}).\n"
        f"  App:      {base}/app\n"
        f"  API:      {base}/v1\n"
        f"  Docs:     {base}/docs\n"
        f"  Metrics:  {base}/metrics\n"
        f"  Demo org: {org_id} ({loaded})\n"
        f"  Admin key ({kind}): {secret}\n"
        f"  Try:      curl -H 'Authorization: Bearer {secret}' {base}/v1/pairs\n"
    )
    serve(host=host, port=port, workers=1)


def _keep(path: Path, secret: str) -> None:
    """Write the key readable by its owner only, replacing the previous file whole."""
    staging = path.with_name(path.name + ".tmp")
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secret + "\n")
    os.chmod(staging, 0o600)
    os.replace(staging, path)


def register(cli: typer.Typer) -> None:
    """The top-level commands."""
    for command in (migrate, serve, deliver, demo, dev):
        cli.command()(command)

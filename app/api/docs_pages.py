"""The browsable docs, served with no CDN: Swagger UI (/docs) and ReDoc (/redoc) from the
files the fastapi-standalone-docs package ships (its ReDoc build loads its logo from beside
the page, not from Redocly's CDN), GraphiQL (GET /graphql as HTML) from the pinned browser
build that `graphiql_assets` fetches at install time."""

from __future__ import annotations

from html import escape
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from app.api.graphiql_assets import ASSETS_DIR, is_complete

SWAGGER_UI = "/docs"
REDOC = "/redoc"
FAVICON = "/docs/fastapi/favicon.png"
GRAPHIQL_ASSETS = "/assets/graphiql"
_SHIPPED = Path(str(files("fastapi_standalone_docs") / "static"))


def install_docs_pages(app: FastAPI) -> None:
    """Mount the assets and add /docs and /redoc (left out of the OpenAPI document)."""
    # Mounts match in order: the favicon's folder before the Swagger UI folder around it.
    app.mount("/docs/fastapi", StaticFiles(directory=_SHIPPED / "fastapi"), name="favicon")
    app.mount(SWAGGER_UI, StaticFiles(directory=_SHIPPED / "swagger"), name="swagger-ui")
    app.mount(REDOC, StaticFiles(directory=_SHIPPED / "redoc"), name="redoc")
    app.mount(
        GRAPHIQL_ASSETS,
        StaticFiles(directory=ASSETS_DIR, check_dir=False),
        name="graphiql-assets",
    )

    @app.get(SWAGGER_UI, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} – API reference",
            swagger_js_url=f"{root}{SWAGGER_UI}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{SWAGGER_UI}/swagger-ui.css",
            swagger_favicon_url=f"{root}{FAVICON}",
            # No badge that asks a public validator about the document.
            swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": True},
        )

    @app.get(REDOC, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} – ReDoc",
            redoc_js_url=f"{root}{REDOC}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{FAVICON}",
            with_google_fonts=False,
        )


def graphiql_page(request: Request) -> HTMLResponse:
    """GraphiQL against this endpoint; paste a key into the Headers tab to run queries."""
    if not is_complete(ASSETS_DIR):
        return HTMLResponse(
            "<!doctype html><title>GraphiQL is not installed</title><p>GraphiQL's browser"
            " build is not installed: run <code>python3 app/api/graphiql_assets.py</code>"
            " (or <code>make install</code>). POST queries to this URL work regardless.</p>",
            status_code=503,
        )
    root = escape(request.scope.get("root_path", ""), quote=True)
    endpoint = escape(request.url.path, quote=True)
    return HTMLResponse(_GRAPHIQL.format(assets=f"{root}{GRAPHIQL_ASSETS}", endpoint=endpoint))


_GRAPHIQL = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Rapport – GraphiQL</title>
  <link rel="stylesheet" href="{assets}/graphiql.min.css">
  <style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
  <div id="graphiql" data-endpoint="{endpoint}">Loading GraphiQL…</div>
  <script src="{assets}/react.production.min.js"></script>
  <script src="{assets}/react-dom.production.min.js"></script>
  <script src="{assets}/graphiql.min.js"></script>
  <script>
    const mount = document.getElementById("graphiql");
    const fetcher = GraphiQL.createFetcher({{ url: mount.dataset.endpoint }});
    ReactDOM.createRoot(mount).render(React.createElement(GraphiQL, {{
      fetcher,
      defaultEditorToolsVisibility: "headers",
      defaultHeaders: '{{"Authorization": "Bearer rpt_paste_a_key_here"}}',
      defaultQuery: "{{ pairs(first: 5) {{ nodes {{ id cadence {{ state }} }} }} }}\\n",
    }}));
  </script>
</body>
</html>
"""

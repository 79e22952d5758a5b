# syntax=docker/dockerfile:1
# Rapport's production image. Configuration comes only from RAPPORT_* variables;
# migrations are a separate one-shot command: `docker run … IMAGE migrate`.
# Build: docker build -t rapport .

# GraphiQL's browser build, pinned and checked by digest (no Python package ships it).
FROM node:20-bookworm AS graphiql
WORKDIR /src
COPY app/api/graphiql_assets.py ./
RUN python3 graphiql_assets.py --into /assets

# The application and its dependencies, from constraints.txt, in a virtual environment.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
RUN python -m venv /opt/rapport
COPY pyproject.toml constraints.txt README.md ./
COPY app ./app
COPY --from=graphiql /assets ./app/api/graphiql
RUN /opt/rapport/bin/pip install --no-cache-dir -c constraints.txt .

FROM python:3.11-slim-bookworm
RUN groupadd --system --gid 10001 rapport \
    && useradd --system --uid 10001 --gid rapport --no-create-home --home-dir /nonexistent rapport
COPY --from=build /opt/rapport /opt/rapport
ENV PATH=/opt/rapport/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    RAPPORT_ENVIRONMENT=production \
    RAPPORT_HOST=0.0.0.0 \
    RAPPORT_PORT=8000
USER 10001:10001
EXPOSE 8000
# The slim image has no curl: the interpreter asks /healthz itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['RAPPORT_PORT'] + '/healthz', timeout=4)"]
# SIGTERM: stop accepting, let requests in flight finish (RAPPORT_SHUTDOWN_GRACE_SECONDS), exit.
STOPSIGNAL SIGTERM
ENTRYPOINT ["rapport"]
CMD ["serve"]

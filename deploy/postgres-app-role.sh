#!/bin/sh
# Runs once, when the PostgreSQL container starts on an empty data directory: creates the
# role the app connects as. Row-level security binds roles that do not own the tables, so
# the app must not connect as the owner that `rapport migrate` uses.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE rapport_app LOGIN PASSWORD :'app_password';
SQL

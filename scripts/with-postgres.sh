#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 cluster on a loopback port.
# The cluster lives in a temporary directory and is stopped and removed on exit;
# with PG_KEEP_DIR it lives there instead and is kept (stopped) for the next run
# (the search benchmark keeps its million-service import this way).
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres`
# system user. PG_SHARED_BUFFERS sizes the server's buffer cache (default: PostgreSQL's
# own 128MB, enough for the tests; the benchmarks ask for what a production server
# with a million services would have).
#
# Roles, as production has them (docs/operations.md, "PostgreSQL roles"):
#   wayfinder_owner  owns the database and its schema; migrations run as it
#                    (exported as DATABASE_OWNER_URL)
#   wayfinder_app    owns nothing; the application and the test suite connect as it
#                    (exported as DATABASE_URL). The suite migrates as the owner,
#                    then runs `manage.py grant_app_role wayfinder_app`.
# The superuser is only used here, to create those roles and the extensions.
# WITH_POSTGRES_ROLE=owner or =superuser puts that role in DATABASE_URL instead
# (the benchmarks create and drop databases of their own).
# Passwords are random per run; the cluster asks for them (scram-sha-256).
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
if [ ! -x "$PG_BIN/initdb" ]; then
  echo "PostgreSQL 15 server binaries not found in $PG_BIN" >&2
  exit 1
fi

run_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ -n "${PG_KEEP_DIR:-}" ]; then
  mkdir -p "$PG_KEEP_DIR"
  PGDIR="$(cd "$PG_KEEP_DIR" && pwd)"
else
  PGDIR="$(mktemp -d /tmp/wayfinder-pg.XXXXXX)"
fi
if [ "$(id -u)" = "0" ]; then chown postgres: "$PGDIR"; fi
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

cleanup() {
  if [ -n "${PG_KEEP_DIR:-}" ]; then
    run_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true
  else
    run_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PGDIR"
  fi
}
trap cleanup EXIT INT TERM

new_password() { python3 -c 'import secrets; print(secrets.token_hex(24))'; }
if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
  new_password >"$PGDIR/superuser.password"
  chmod 600 "$PGDIR/superuser.password"
  if [ "$(id -u)" = "0" ]; then chown postgres: "$PGDIR/superuser.password"; fi
  run_pg "$PG_BIN/initdb" -D "$PGDIR/data" -U postgres -A scram-sha-256 --pwfile="$PGDIR/superuser.password" \
    -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
fi
# A cluster kept from before roles existed trusts local connections; any password works there.
export PGPASSWORD="$(cat "$PGDIR/superuser.password" 2>/dev/null || echo unused)"
run_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
  -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=${PG_SHARED_BUFFERS:-128MB}" \
  start >/dev/null

psql_super() { run_pg env PGPASSWORD="$PGPASSWORD" "$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
OWNER_PASSWORD="$(new_password)"
APP_PASSWORD="$(new_password)"
psql_super -d postgres >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wayfinder_owner') THEN
    CREATE ROLE wayfinder_owner LOGIN CREATEDB;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wayfinder_app') THEN
    CREATE ROLE wayfinder_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END \$\$;
ALTER ROLE wayfinder_owner PASSWORD '$OWNER_PASSWORD';
ALTER ROLE wayfinder_app PASSWORD '$APP_PASSWORD';
SQL
# The application database, owned by the owner role.
psql_super -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'wayfinder'" | grep -q 1 \
  || psql_super -d postgres -c "CREATE DATABASE wayfinder OWNER wayfinder_owner" >/dev/null

# Extensions the migrations ask for: earthdistance is not a trusted extension, so
# the superuser creates them in template1, and every database made from it (the
# test runner's test_wayfinder*, the smoke test's) has them already.
for db in template1 wayfinder; do
  psql_super -d "$db" -c "CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS unaccent;
    CREATE EXTENSION IF NOT EXISTS cube; CREATE EXTENSION IF NOT EXISTS earthdistance;" >/dev/null
done

export DATABASE_OWNER_URL="postgres://wayfinder_owner:$OWNER_PASSWORD@127.0.0.1:$PORT/wayfinder"
case "${WITH_POSTGRES_ROLE:-app}" in
  app) export DATABASE_URL="postgres://wayfinder_app:$APP_PASSWORD@127.0.0.1:$PORT/wayfinder" ;;
  owner) export DATABASE_URL="$DATABASE_OWNER_URL" ;;
  superuser) export DATABASE_URL="postgres://postgres:$PGPASSWORD@127.0.0.1:$PORT/wayfinder" ;;
  *) echo "WITH_POSTGRES_ROLE must be app, owner or superuser" >&2; exit 2 ;;
esac
unset PGPASSWORD
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (${PG_KEEP_DIR:+kept, }$PGDIR), as ${WITH_POSTGRES_ROLE:-app}"
"$@"

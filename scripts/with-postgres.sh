#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 cluster on a loopback port.
# The cluster lives in a temporary directory and is stopped and removed on exit;
# with PG_KEEP_DIR it lives there instead and is kept (stopped) for the next run
# (the search benchmark keeps its million-service import this way).
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres`
# system user. PG_SHARED_BUFFERS sizes the server's buffer cache (default: PostgreSQL's
# own 128MB, enough for the tests; the benchmarks ask for what a production server
# with a million services would have).
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

if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
  run_pg "$PG_BIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
fi
run_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
  -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=${PG_SHARED_BUFFERS:-128MB}" \
  start >/dev/null

# The application database (the test runner makes its own test_wayfinder next to it).
run_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qtAc "SELECT 1 FROM pg_database WHERE datname = 'wayfinder'" \
  | grep -q 1 || run_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres wayfinder
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/wayfinder"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (${PG_KEEP_DIR:+kept, }$PGDIR)"
"$@"

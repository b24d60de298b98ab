#!/usr/bin/env bash
# Vendure as Encore's benchmark peer, on the local PostgreSQL.
#   bench/peer/vendure/run-peer.sh start   # npm ci, a fresh database, populate, start the server, wait for it
#   bench/peer/vendure/run-peer.sh stop    # stop the server, drop the database
# Environment: VENDURE_INSTANCES (server processes, default 1), VENDURE_PORT (default 3099),
# VENDURE_DB_HOST/PORT/USER/PASSWORD (default localhost:5432, encore/encore: a role that may create databases), VENDURE_STATE (where the pid, database name and log go,
# default /tmp/encore-vendure-peer).
set -euo pipefail
cd "$(dirname "$0")"
export VENDURE_PORT="${VENDURE_PORT:-3099}" VENDURE_DB_HOST="${VENDURE_DB_HOST:-localhost}" VENDURE_DB_PORT="${VENDURE_DB_PORT:-5432}"
export VENDURE_DB_USER="${VENDURE_DB_USER:-encore}" VENDURE_DB_PASSWORD="${VENDURE_DB_PASSWORD:-encore}"
export NODE_ENV=production VENDURE_DISABLE_TELEMETRY=true
state="${VENDURE_STATE:-/tmp/encore-vendure-peer}"
mkdir -p "$state"
psql_admin() { PGPASSWORD="$VENDURE_DB_PASSWORD" psql -q -h "$VENDURE_DB_HOST" -p "$VENDURE_DB_PORT" -U "$VENDURE_DB_USER" -d postgres -c "$1" >/dev/null; }

case "${1:-}" in
  start)
    if [[ -f "$state/pid" ]] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then
      echo "A peer started from $state is still running; run $0 stop first" >&2; exit 1
    fi
    if curl -fs "http://127.0.0.1:$VENDURE_PORT/health" >/dev/null 2>&1; then
      echo "Port $VENDURE_PORT already answers; set VENDURE_PORT or stop what runs there" >&2; exit 1
    fi
    # npm ci unless the last npm ci here installed this very package-lock.json.
    lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
    if [[ "$(cat node_modules/.encore-lock-sha256 2>/dev/null)" != "$lock_sum" ]]; then
      npm ci --no-audit --no-fund --loglevel=error >"$state/npm.log" 2>&1 || { cat "$state/npm.log" >&2; exit 1; }
      echo "$lock_sum" >node_modules/.encore-lock-sha256
    fi
    export VENDURE_DB_NAME="vendure_bench_$(date +%s)"
    psql_admin "CREATE DATABASE $VENDURE_DB_NAME"
    echo "$VENDURE_DB_NAME" >"$state/db"
    node populate.js >"$state/populate.log" 2>&1 || { cat "$state/populate.log" >&2; exit 1; }
    node server.js >"$state/server.log" 2>&1 &
    echo $! >"$state/pid"
    for _ in $(seq 1 120); do
      if curl -fs -H 'content-type: application/json' "http://127.0.0.1:$VENDURE_PORT/shop-api" \
           -d '{"query":"{ activeChannel { code } }"}' 2>/dev/null | grep -q '"code"' \
         && { [[ "${VENDURE_INSTANCES:-1}" -le 1 ]] || grep -q 'processes listening' "$state/server.log"; }; then
        echo "Vendure $(node -p "require('@vendure/core/package.json').version") (${VENDURE_INSTANCES:-1} process(es)) on http://127.0.0.1:$VENDURE_PORT/shop-api (database $VENDURE_DB_NAME)"
        exit 0
      fi
      kill -0 "$(cat "$state/pid")" 2>/dev/null || break
      sleep 0.5
    done
    echo "Vendure did not answer; see $state/server.log" >&2
    cat "$state/server.log" >&2
    exit 1
    ;;
  stop)
    if [[ -f "$state/pid" ]]; then
      pid="$(cat "$state/pid")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      rm -f "$state/pid"
    fi
    if [[ -f "$state/db" ]]; then
      psql_admin "DROP DATABASE IF EXISTS $(cat "$state/db")"
      rm -f "$state/db"
    fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

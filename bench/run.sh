#!/usr/bin/env bash
# Runs Encore's benchmark: builds in Release, starts Encore on each database, drives buyer journeys at several
# concurrency levels, and measures the two ceilings in the same run. Results go to bench/results/.
#   bench/run.sh                 # SQLite and PostgreSQL
#   bench/run.sh sqlite          # one of them
#   bench/run.sh billing [sqlite|postgres]   # the billing run instead (bench/README.md, "Billing run"): Encore hosted
#                                # in the bench process on a fresh database, N subscriptions due at once
# Environment: ENCORE_BENCH_POSTGRES (an Npgsql connection string to a server where the role may create
# databases; default the local role of .ci/run), ENCORE_BENCH_SECONDS (per level, default 15),
# ENCORE_BENCH_CONCURRENCY (default 1,4,16), ENCORE_BENCH_RATE_SHARE (open-loop share of the peak, default 0.7),
# ENCORE_BENCH_PORT (default 5099; use another when someone else's bench runs on this machine),
# ENCORE_BENCH_PEER (off: no Vendure peer on the postgres label), ENCORE_BENCH_PEER_INSTANCES (Vendure server
# processes, default 1).
# Billing: ENCORE_BENCH_SUBSCRIPTIONS (due at once in the measured run, default 10000), ENCORE_BENCH_BILLING_WARMUP
# (billed first, not measured; default 5000); ENCORE_BENCH_ANALYZE (off: no ANALYZE after seeding, so PostgreSQL plans
# as on a fresh database; decision 0024); ENCORE_BENCH_SECONDS is the ceiling's time. Encore's own settings
# (Encore__Billing__Parallelism, __ChunkSize, __ChunksInFlight) pass through the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=journeys
if [[ "${1:-}" == "billing" ]]; then mode=billing; shift; fi
labels=("${@:-sqlite postgres}"); labels=(${labels[@]})
seconds="${ENCORE_BENCH_SECONDS:-15}"
concurrency="${ENCORE_BENCH_CONCURRENCY:-1,4,16}"
pg_base="${ENCORE_BENCH_POSTGRES:-Host=localhost;Username=encore;Password=encore}"
port="${ENCORE_BENCH_PORT:-5099}"
work="$(mktemp -d)"
peer="${ENCORE_BENCH_PEER:-vendure}"
peer_port=3099
peer_instances="${ENCORE_BENCH_PEER_INSTANCES:-1}"
peer_name="Vendure"; [[ "$peer_instances" -gt 1 ]] && peer_name="Vendure x$peer_instances"
# (No Encore process to stop in billing mode: `kill 0` would signal this script's whole process group.)
trap '[[ -n "${encore_pid:-}" ]] && kill "$encore_pid" 2>/dev/null || true; [[ -n "${peer_started:-}" ]] && VENDURE_STATE="$work/peer" bench/peer/vendure/run-peer.sh stop; rm -rf "$work"' EXIT

dotnet build -c Release src/Encore.Web/Encore.Web.csproj -v q -nologo >/dev/null
dotnet build -c Release bench/Encore.Bench/Encore.Bench.csproj -v q -nologo >/dev/null

for label in "${labels[@]}"; do
  if [[ "$label" == "postgres" ]]; then
    db_name="encore_bench_$(date +%s)"
    PGPASSWORD=encore psql -q -h localhost -U encore -d postgres -c "CREATE DATABASE $db_name" >/dev/null
    database="$pg_base;Database=$db_name"
  else
    database="Data Source=$work/bench.db"
  fi
  if [[ "$mode" == "billing" ]]; then
    # No Encore process: the bench hosts Encore's Program itself (its Release build), which migrates the database.
    dotnet bench/Encore.Bench/bin/Release/net10.0/Encore.Bench.dll --mode billing --label "$label" --database "$database" \
      --subscriptions "${ENCORE_BENCH_SUBSCRIPTIONS:-10000}" \
      --billing-warm-up "${ENCORE_BENCH_BILLING_WARMUP:-5000}" --seconds "$seconds" --out bench/results
    if [[ "$label" == "postgres" ]]; then
      PGPASSWORD=encore psql -q -h localhost -U encore -d postgres -c "DROP DATABASE $db_name" >/dev/null
    fi
    continue
  fi
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "Port $port is taken: set ENCORE_BENCH_PORT" >&2; exit 1; fi
  ENCORE_DATABASE="$database" Encore__RateLimits__Enabled=false Encore__DemoPassword="bench-7Qx-vR2-coach" ENCORE_ALLOW_SANDBOX_IN_PRODUCTION=true \
    ASPNETCORE_URLS="http://127.0.0.1:$port" Logging__LogLevel__Default=Warning \
    dotnet src/Encore.Web/bin/Release/net10.0/Encore.Web.dll >"$work/encore-$label.log" 2>&1 &
  encore_pid=$!
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$port/api/v1/funnels/calm-your-anxiety" >/dev/null 2>&1 && break
    sleep 0.5
  done
  # Another Encore already on the port would answer in its place: stop if ours did not start.
  kill -0 "$encore_pid" 2>/dev/null || { echo "Encore did not start (port $port taken?): $work/encore-$label.log" >&2; cat "$work/encore-$label.log" >&2; exit 1; }
  peer_args=()
  if [[ "$label" == "postgres" && "$peer" != "off" ]]; then
    # Vendure on the same PostgreSQL, its own database; load goes to one system at a time (see bench/README.md).
    VENDURE_STATE="$work/peer" VENDURE_PORT=$peer_port VENDURE_INSTANCES=$peer_instances bench/peer/vendure/run-peer.sh start
    peer_started=1
    peer_args=(--peer-url "http://127.0.0.1:$peer_port/shop-api" --peer-database "$pg_base;Database=$(cat "$work/peer/db")" --peer-name "$peer_name")
  fi
  dotnet bench/Encore.Bench/bin/Release/net10.0/Encore.Bench.dll --url "http://127.0.0.1:$port" --label "$label" \
    --database "$database" --concurrency "$concurrency" --seconds "$seconds" --rate-share "${ENCORE_BENCH_RATE_SHARE:-0.7}" \
    --out bench/results "${peer_args[@]}"
  if [[ -n "${peer_started:-}" ]]; then VENDURE_STATE="$work/peer" bench/peer/vendure/run-peer.sh stop; peer_started=; fi
  kill "$encore_pid"; wait "$encore_pid" 2>/dev/null || true
  if [[ "$label" == "postgres" ]]; then
    PGPASSWORD=encore psql -q -h localhost -U encore -d postgres -c "DROP DATABASE $db_name" >/dev/null
  fi
done

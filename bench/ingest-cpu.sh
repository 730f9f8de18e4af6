#!/usr/bin/env bash
# Where an ingest's CPU goes (issues 14 and 16): submission ingest alone, on a database seeded once and restored
# before every run, with the CPU time per submission of the server and of PostgreSQL (from /proc) and of wrk, and
# PostgreSQL's statements by total time when pg_stat_statements is loaded. Cheaper to repeat than bench/service.sh,
# which seeds the full size each time: seed once with SEED=1, then compare binaries or commits with SEED=0.
#
#   SEED=1 bench/ingest-cpu.sh                        # seed 2,000 organisations on PostgreSQL and SQLite, keep templates
#   bench/ingest-cpu.sh                               # restore, serve, 10 s of ingest on 8 connections, both backends
#   BACKENDS=postgres PERF=1 bench/ingest-cpu.sh      # and a perf profile of the server (perf.data in $OUT)
#   VIGIL=old/vigil bench/ingest-cpu.sh               # another binary on the same seeded databases
#   PREPARE_SQL="ALTER TABLE …" bench/ingest-cpu.sh   # SQL run on the restored PostgreSQL database before serving
#
#   ORGS=7000 PG_DB=vigil_scale REQUESTS_FILE=bench/out/service/ingest-postgres.tsv BACKENDS=postgres \
#       bench/ingest-cpu.sh                           # the full size bench/service.sh seeded, from its template
#
# PostgreSQL: PG_ADMIN_URL names a server on which the script may drop and create $PG_DB (vigil_ingest) and its template
# ${PG_DB}_tpl;
# start it with `-c shared_preload_libraries=pg_stat_statements` for the statement table. Each run reads CPU time of
# every process of the `postgres` user, so nothing else should use that server meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."
ORGS=${ORGS:-2000}
BACKENDS=${BACKENDS:-"postgres sqlite"}
SEED=${SEED:-0}
CONNECTIONS=${CONNECTIONS:-8}
DURATION=${DURATION:-10s}
PORT=${PORT:-8094}
OUT=${OUT:-bench/out/ingest-cpu}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://vigil@127.0.0.1:55433/postgres}
PG_DB=${PG_DB:-vigil_ingest}
PG_URL=${PG_ADMIN_URL%/*}/$PG_DB
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
if [ -z "${VIGIL:-}" ]; then
    swift build -c release --product vigil >&2
    VIGIL=.build/release/vigil
fi

ticks() { awk '{ s += $14 + $15 } END { print s + 0 }' "$@" 2>/dev/null || echo 0; }
postgres_ticks() {
    local files=()
    for pid in $(pgrep -u postgres || true); do files+=("/proc/$pid/stat"); done
    if [ ${#files[@]} -eq 0 ]; then echo 0; else ticks "${files[@]}"; fi
}
# The machine's CPU time from /proc/stat: "idle steal total" (idle counts I/O wait; steal is time the hypervisor gave
# another guest). Idle time with requests waiting says the round trips, not the CPU, set the rate.
machine() { awk '/^cpu / { print $5 + $6, $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
share() { echo "scale=1; 100 * $1 / $2" | bc; }
per_submission() { echo "scale=2; $1 * 1000 / $(getconf CLK_TCK) / $2" | bc; }

for BACKEND in $BACKENDS; do
    case $BACKEND in
        sqlite) DB="$OUT/ingest-$ORGS.sqlite" ;;
        postgres) DB=$PG_URL ;;
        *) echo "unknown backend $BACKEND" >&2; exit 2 ;;
    esac
    REQUESTS=${REQUESTS_FILE:-$OUT/ingest-$BACKEND.tsv}
    if [ "$SEED" = 1 ]; then
        echo "== $BACKEND: seeding $ORGS organisations" >&2
        if [ "$BACKEND" = sqlite ]; then rm -f "$DB"*; else
            psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $PG_DB" -c "DROP DATABASE IF EXISTS ${PG_DB}_tpl" \
                -c "CREATE DATABASE $PG_DB" >&2
        fi
        "$VIGIL" admin seed-scale --database "$DB" --organisations "$ORGS" --ingest-requests "$REQUESTS" \
            --ingest-count "$ORGS" > "$OUT/$BACKEND-seed.txt"
        if [ "$BACKEND" = sqlite ]; then cp "$DB" "$DB.tpl"; else
            psql -q "$PG_ADMIN_URL" -c "CREATE DATABASE ${PG_DB}_tpl TEMPLATE $PG_DB STRATEGY FILE_COPY" >&2
        fi
    fi
    # The seeded state again: each run consumes the organisations' next submissions.
    if [ "$BACKEND" = sqlite ]; then
        rm -f "$DB" "$DB-wal" "$DB-shm"
        cp "$DB.tpl" "$DB"
    else
        # FILE_COPY: the full size's 9 GB copied as files, not written through the WAL.
        psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $PG_DB" \
            -c "CREATE DATABASE $PG_DB TEMPLATE ${PG_DB}_tpl STRATEGY FILE_COPY" >&2
        psql -q "$PG_URL" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null 2>&1 || true
        # An experiment on the restored database before it is served (a dropped index, a changed setting).
        [ -z "${PREPARE_SQL:-}" ] || psql -q "$PG_URL" -c "$PREPARE_SQL" >&2
    fi
    "$VIGIL" serve --database "$DB" --listen "127.0.0.1:$PORT" 2> "$OUT/$BACKEND-serve.log" &
    SERVER=$!
    trap 'kill $SERVER 2>/dev/null || true' EXIT
    for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.5; done
    # Migrations and the summaries' warm-up are done before the clock starts.
    for _ in $(seq 1 600); do grep -q "read the summaries" "$OUT/$BACKEND-serve.log" && break; sleep 0.5; done
    [ "$BACKEND" = postgres ] && psql -q "$PG_URL" -c "SELECT pg_stat_statements_reset()" >/dev/null 2>&1 || true
    server0=$(ticks "/proc/$SERVER/stat"); postgres0=$(postgres_ticks); read -r idle0 steal0 total0 < <(machine)
    PERF_PID=
    if [ "${PERF:-0}" = 1 ]; then
        perf record -F 499 -g -p "$SERVER" -o "$OUT/$BACKEND-perf.data" -- sleep "${DURATION%s}" >/dev/null 2>&1 &
        PERF_PID=$!
    fi
    # The load generator shares the cores: its CPU time is counted too (user and system seconds).
    /usr/bin/time -f "%U %S" -o "$OUT/$BACKEND-wrk-cpu.txt" \
        wrk --latency --timeout 60s -t 2 -c "$CONNECTIONS" -d "$DURATION" -s bench/service/ingest.lua \
        "http://127.0.0.1:$PORT" -- "$REQUESTS" 2 > "$OUT/$BACKEND-ingest.txt"
    server1=$(ticks "/proc/$SERVER/stat"); postgres1=$(postgres_ticks); read -r idle1 steal1 total1 < <(machine)
    if [ -n "$PERF_PID" ]; then wait "$PERF_PID" || true; fi
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
    trap - EXIT

    read -r created _ ran_out seconds < <(awk '/^ingest created/ { print $3, $5, $7, $9 }' "$OUT/$BACKEND-ingest.txt")
    echo "### $BACKEND: ingest alone, $ORGS organisations, $CONNECTIONS connections, $DURATION ($(basename "$VIGIL"))"
    echo
    echo "| submissions/s | p50 | p99 | server CPU ms per submission | PostgreSQL CPU ms per submission | wrk CPU ms per submission | machine idle % | steal % |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
    pg="—"; [ "$BACKEND" = postgres ] && pg=$(per_submission $((postgres1 - postgres0)) "$created")
    echo "| $(echo "scale=1; $created / $seconds" | bc) | $(awk '$1 == "50%" { print $2 }' "$OUT/$BACKEND-ingest.txt") |" \
        "$(awk '$1 == "99%" { print $2 }' "$OUT/$BACKEND-ingest.txt") | $(per_submission $((server1 - server0)) "$created") | $pg |" \
        "$(awk -v n="$created" 'NR == 1 { printf "%.2f", ($1 + $2) * 1000 / n }' "$OUT/$BACKEND-wrk-cpu.txt") |" \
        "$(share $((idle1 - idle0)) $((total1 - total0))) | $(share $((steal1 - steal0)) $((total1 - total0))) |"
    [ "$ran_out" = 0 ] || echo "(ran out of requests before the end: a lower bound; seed more organisations)"
    echo
    if [ "$BACKEND" = postgres ]; then
        psql "$PG_URL" -c "SELECT calls, round((total_exec_time + total_plan_time)::numeric / $created, 3) AS ms_per_submission,
            rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 100) AS statement FROM pg_stat_statements
            ORDER BY total_exec_time + total_plan_time DESC LIMIT 15" > "$OUT/postgres-statements.txt" 2>/dev/null \
            && echo "PostgreSQL's statements by time: $OUT/postgres-statements.txt" || true
    fi
done

#!/usr/bin/env bash
# The national service at scale (issues 14 and 16): seeds a national history (7,000 organisations × 52 weekly
# submissions × 200 open findings, 24 fixed and 24 new each week: 9,968,000 tickets) on SQLite and on PostgreSQL, starts
# `vigil serve` on loopback and measures with wrk (Debian's `apt-get install wrk`): a hello-world route
# (GET /api/v1/health, no authentication, no database), the national overview, a random organisation's page and a
# region's page (signed in as a national analyst), then submission ingest (each request a different organisation's
# next weekly submission, ticket updates and alert evaluation included), alone and then with organisation pages read
# at the same time.
# Prints a Markdown table per backend: route, requests/s, p50, p99, ratio to hello-world; the seeding time and the
# database size.
#
#   bench/service.sh                                   # the full size, both backends
#   ORGS=700 bench/service.sh                          # a tenth (996,800 tickets)
#   BACKENDS=postgres ORGS=7000 bench/service.sh       # one backend
#   VIGIL=.build/release/vigil SEED=0 bench/service.sh # reuse the last seeded databases (the ingest run changes them)
#   SEED=0 INGEST=0 VIGIL=old/vigil bench/service.sh   # pages only, nothing written: two binaries on one database
#
# PostgreSQL: PG_URL names a database the script may drop and create (default the local dev cluster's vigil_scale,
# through PG_ADMIN_URL). The machine is shared: wrk runs with THREADS threads and CONNECTIONS connections for DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."
ORGS=${ORGS:-7000}
WEEKS=${WEEKS:-52}
FINDINGS=${FINDINGS:-200}
CHURN=${CHURN:-24}
BACKENDS=${BACKENDS:-"sqlite postgres"}
SEED=${SEED:-1}
INGEST=${INGEST:-1}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-8}
# The overview and the region page can take seconds at full size: fewer connections keep wrk from queueing requests
# behind each other (the latency is then the page's own), and SLOW_DURATION gives them time for enough samples.
SLOW_CONNECTIONS=${SLOW_CONNECTIONS:-$CONNECTIONS}
SLOW_DURATION=${SLOW_DURATION:-$DURATION}
DURATION=${DURATION:-20s}
INGEST_DURATION=${INGEST_DURATION:-10s}
INGEST_COUNT=${INGEST_COUNT:-$((ORGS < 6000 ? ORGS : 6000))}
PORT=${PORT:-8093}
OUT=${OUT:-bench/out/service}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://vigil@127.0.0.1:55433/postgres}
PG_URL=${PG_URL:-postgres://vigil@127.0.0.1:55433/vigil_scale}
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
if [ -z "${VIGIL:-}" ]; then
    swift build -c release --product vigil >&2
    VIGIL=.build/release/vigil
fi

SERVER=
stop_server() { if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=; fi; }
trap stop_server EXIT

ms() {  # a wrk latency (12.5us, 3.2ms, 1.1s, 2m) in milliseconds
    awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000; printf "%.1f", n }'
}

measure() {  # name wrk-arguments… → "name rps p50 p99" (ms), wrk's output kept in $OUT
    local name=$1 log
    shift
    log="$OUT/$BACKEND-$name.txt"
    wrk --latency --timeout 60s "$@" > "$log"
    local rps p50 p99 errors
    rps=$(awk '/^Requests\/sec/ { print $2 }' "$log")
    p50=$(ms "$(awk '$1 == "50%" { print $2 }' "$log")")
    p99=$(ms "$(awk '$1 == "99%" { print $2 }' "$log")")
    errors=$(awk '/Non-2xx or 3xx/ { print $5 } /Socket errors/ { print "socket" }' "$log" | tr '\n' ' ')
    echo "$name $rps $p50 $p99 ${errors:-}"
}

for BACKEND in $BACKENDS; do
    case $BACKEND in
        sqlite) DB="$OUT/national-$ORGS.sqlite" ;;
        postgres) DB=$PG_URL ;;
        *) echo "unknown backend $BACKEND" >&2; exit 2 ;;
    esac
    REQUESTS="$OUT/ingest-$BACKEND.tsv"
    if [ "$SEED" = 1 ]; then
        if [ "$BACKEND" = sqlite ]; then rm -f "$DB" "$DB-wal" "$DB-shm"; else
            name=${PG_URL##*/}
            psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >&2
        fi
        echo "== $BACKEND: seeding $ORGS organisations" >&2
        start=$(date +%s.%N)
        "$VIGIL" admin seed-scale --database "$DB" --organisations "$ORGS" --weeks "$WEEKS" --findings "$FINDINGS" \
            --churn "$CHURN" --ingest-requests "$REQUESTS" --ingest-count "$INGEST_COUNT" > "$OUT/$BACKEND-seed.txt"
        echo "seed_wall_seconds $(echo "$(date +%s.%N) - $start" | bc)" >> "$OUT/$BACKEND-seed.txt"
    fi
    if [ "$SEED" = 1 ] || [ ! -f "$OUT/$BACKEND-analyst" ]; then
        # A national analyst to sign in as; a database seeded elsewhere gets one of its own.
        printf 'bench-analyst-%s\n' "$(date +%s)" > "$OUT/$BACKEND-analyst"
        printf 'bench-password-%s\n' "$RANDOM$RANDOM" > "$OUT/$BACKEND-password"
        "$VIGIL" admin create-user --database "$DB" --name "$(cat "$OUT/$BACKEND-analyst")" --role national-analyst \
            --password-file "$OUT/$BACKEND-password" >&2
    fi
    if [ "$BACKEND" = sqlite ]; then
        size=$(du -cb "$DB"* | tail -1 | cut -f1)
    else
        size=$(psql -tA "$PG_URL" -c "SELECT pg_database_size(current_database())")
    fi

    "$VIGIL" serve --database "$DB" --listen "127.0.0.1:$PORT" 2> "$OUT/$BACKEND-serve.log" &
    SERVER=$!
    for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.5; done
    # The server reads every organisation's summary as it starts (1.3 s on PostgreSQL at the full size); the pages are
    # measured once it has, as a server that has been running serves them.
    for _ in $(seq 1 600); do grep -q "read the summaries" "$OUT/$BACKEND-serve.log" && break; sleep 0.5; done
    BASE="http://127.0.0.1:$PORT"
    JAR=$(mktemp)
    csrf=$(curl -s -c "$JAR" "$BASE/sign-in" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
    curl -s -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "csrf=$csrf" \
        --data-urlencode "login=$(cat "$OUT/$BACKEND-analyst")" --data-urlencode "password=$(cat "$OUT/$BACKEND-password")" \
        "$BASE/sign-in"
    COOKIE="vigil_session=$(awk '$6 == "vigil_session" { print $7 }' "$JAR")"
    rm -f "$JAR"
    [ "$COOKIE" != "vigil_session=" ] || { echo "sign-in failed" >&2; exit 1; }
    # One request of each slow page alone, timed by curl: at full size wrk may finish none within its duration.
    single_overview=$(curl -sf -o /dev/null -w '%{time_total}' -H "Cookie: $COOKIE" "$BASE/") \
        || { echo "the overview failed" >&2; exit 1; }
    single_region=$(curl -sf -o /dev/null -w '%{time_total}' -H "Cookie: $COOKIE" "$BASE/regions/Y56")

    W=(-t "$THREADS" -c "$CONNECTIONS" -d "$DURATION")
    echo "== $BACKEND: measuring" >&2
    rows=()
    rows+=("$(measure hello-world "${W[@]}" "$BASE/api/v1/health")")
    SLOW=(-t "$((SLOW_CONNECTIONS < THREADS ? SLOW_CONNECTIONS : THREADS))" -c "$SLOW_CONNECTIONS" -d "$SLOW_DURATION")
    rows+=("$(measure overview "${SLOW[@]}" -H "Cookie: $COOKIE" "$BASE/")")
    rows+=("$(measure organisation "${W[@]}" -H "Cookie: $COOKIE" -s bench/service/pages.lua "$BASE" -- \
        /organisations/ V "$ORGS")")
    rows+=("$(measure region "${SLOW[@]}" -H "Cookie: $COOKIE" -s bench/service/pages.lua "$BASE" -- \
        /regions/ list Y56,Y58,Y59,Y60,Y61,Y62,Y63)")
    if [ "$INGEST" = 0 ]; then
        stop_server
        read -r _ hello_rps _ hello_p99 _ <<< "${rows[0]}"
        echo
        echo "### $BACKEND: pages only, $(basename "$VIGIL") ($VIGIL)"
        echo
        echo "| route | requests/s | p50 ms | p99 ms |"
        echo "|---|---:|---:|---:|"
        for row in "${rows[@]}"; do
            read -r name rps p50 p99 errors <<< "$row"
            echo "| $name${errors:+ ($errors errors)} | $rps | $p50 | $p99 |"
        done
        echo "| overview, one request alone (curl) | | $(echo "$single_overview * 1000" | bc) | |"
        echo "| region Y56, one request alone (curl) | | $(echo "$single_region * 1000" | bc) | |"
        continue
    fi
    # Ingest twice, each on its own half of the requests (a request sent twice would be a duplicate): alone, the
    # service's ingest rate; then with organisation pages read as fast as two more connections can, so ingest must
    # not block them and shares the cores with them.
    half=$(( $(wc -l < "$REQUESTS") / 2 ))
    head -n "$half" "$REQUESTS" > "$OUT/$BACKEND-ingest-alone.tsv"
    tail -n +"$((half + 1))" "$REQUESTS" > "$OUT/$BACKEND-ingest-during.tsv"
    wrk --latency --timeout 60s -t "$THREADS" -c "$CONNECTIONS" -d "$INGEST_DURATION" -s bench/service/ingest.lua \
        "$BASE" -- "$OUT/$BACKEND-ingest-alone.tsv" "$THREADS" > "$OUT/$BACKEND-ingest-alone.txt"
    wrk --latency --timeout 60s -t 1 -c 2 -d "$INGEST_DURATION" -H "Cookie: $COOKIE" -s bench/service/pages.lua \
        "$BASE" -- /organisations/ V "$ORGS" > "$OUT/$BACKEND-organisation-during-ingest.txt" &
    READER=$!
    wrk --latency --timeout 60s -t "$THREADS" -c "$CONNECTIONS" -d "$INGEST_DURATION" -s bench/service/ingest.lua \
        "$BASE" -- "$OUT/$BACKEND-ingest-during.tsv" "$THREADS" > "$OUT/$BACKEND-ingest.txt"
    wait "$READER"
    rm -f "$OUT/$BACKEND-ingest-alone.tsv" "$OUT/$BACKEND-ingest-during.tsv"
    stop_server

    # An ingest run's wrk output as: created, other answers, whether a thread ran out, rate, p50, p99.
    ingest_row() {
        local created refused ran_out seconds
        read -r created refused ran_out seconds < <(awk '/^ingest created/ { print $3, $5, $7, $9 }' "$1")
        echo "$created $refused $ran_out $(echo "scale=1; $created / $seconds" | bc)" \
            "$(ms "$(awk '$1 == "50%" { print $2 }' "$1")") $(ms "$(awk '$1 == "99%" { print $2 }' "$1")")"
    }
    read -r alone_created alone_refused alone_ran_out alone_rate alone_p50 alone_p99 \
        < <(ingest_row "$OUT/$BACKEND-ingest-alone.txt")
    read -r created refused ran_out ingest_rate ingest_p50 ingest_p99 < <(ingest_row "$OUT/$BACKEND-ingest.txt")
    during_p50=$(ms "$(awk '$1 == "50%" { print $2 }' "$OUT/$BACKEND-organisation-during-ingest.txt")")
    during_p99=$(ms "$(awk '$1 == "99%" { print $2 }' "$OUT/$BACKEND-organisation-during-ingest.txt")")
    during_rps=$(awk '/^Requests\/sec/ { print $2 }' "$OUT/$BACKEND-organisation-during-ingest.txt")

    read -r _ hello_rps _ hello_p99 _ <<< "${rows[0]}"
    echo
    echo "### $BACKEND: $ORGS organisations × $WEEKS weeks × $FINDINGS findings (churn $CHURN)"
    echo
    echo "Seeding: $(awk '/^seed_wall_seconds/ { printf "%.0f s", $2 }' "$OUT/$BACKEND-seed.txt") wall" \
        "($(awk '/^tickets/ { print $2 }' "$OUT/$BACKEND-seed.txt") tickets," \
        "$(awk '/^ticket_events/ { print $2 }' "$OUT/$BACKEND-seed.txt") ticket events," \
        "$(awk '/^submissions/ { print $2 }' "$OUT/$BACKEND-seed.txt") submissions); database $(numfmt --to=iec "$size")."
    echo
    echo "wrk $THREADS threads, $CONNECTIONS connections, $DURATION per route (overview and region: $SLOW_CONNECTIONS" \
        "connections, $SLOW_DURATION); ingest $INGEST_DURATION alone, then $INGEST_DURATION with pages, each on $CONNECTIONS connections and half of $INGEST_COUNT requests ready."
    echo
    echo "| route | requests/s | p50 ms | p99 ms | hello-world rps ÷ route rps | route p99 ÷ hello-world p99 |"
    echo "|---|---:|---:|---:|---:|---:|"
    ratio() { if [ "$(echo "$2 > 0" | bc)" = 1 ]; then echo "scale=1; $1 / $2" | bc; else echo "—"; fi; }
    for row in "${rows[@]}"; do
        read -r name rps p50 p99 errors <<< "$row"
        echo "| $name${errors:+ ($errors errors)} | $rps | $p50 | $p99 | $(ratio "$hello_rps" "$rps") | $(ratio "$p99" "$hello_p99") |"
    done
    echo "| overview, one request alone (curl) | | $(echo "$single_overview * 1000" | bc) | | | |"
    echo "| region Y56, one request alone (curl) | | $(echo "$single_region * 1000" | bc) | | | |"
    note=""; [ "$alone_ran_out" = 0 ] || note=", ran out of requests: a lower bound"
    echo "| ingest alone ($alone_created submissions created, $alone_refused other answers$note) | $alone_rate | $alone_p50 | $alone_p99 | $(ratio "$hello_rps" "$alone_rate") | $(ratio "$alone_p99" "$hello_p99") |"
    note=""; [ "$ran_out" = 0 ] || note=", ran out of requests: a lower bound"
    echo "| ingest with organisation pages read ($created submissions created, $refused other answers$note) | $ingest_rate | $ingest_p50 | $ingest_p99 | $(ratio "$hello_rps" "$ingest_rate") | $(ratio "$ingest_p99" "$hello_p99") |"
    echo "| organisation, during ingest (2 connections) | $during_rps | $during_p50 | $during_p99 | $(ratio "$hello_rps" "$during_rps") | $(ratio "$during_p99" "$hello_p99") |"
done

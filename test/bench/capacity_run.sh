#!/usr/bin/env bash
# capacity_run.sh: the body of capacity.sh, inside its two clusters (PG*:
# the unloaded one; PRELOADED_PG*: the one with the endpoint and buckets).
set -euo pipefail
cd "$(dirname "$0")"
DYNAMO="http://127.0.0.1:$HTTP_PORT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

unloaded() { psql -X -q -At -v ON_ERROR_STOP=1 -d postgres "$@"; }
preloaded() {
    PGHOST=$PRELOADED_PGHOST PGPORT=$PRELOADED_PGPORT PGUSER=$PRELOADED_PGUSER PGPASSWORD=$PRELOADED_PGPASSWORD \
        psql -X -q -At -v ON_ERROR_STOP=1 -d postgres "$@"
}
fail() { echo "capacity.sh: $*" >&2; kill -TERM $$; exit 1; }
post() {   # post ACTION BODY: the HTTP status of one request to the endpoint
    curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-amz-json-1.0' \
        -H "X-Amz-Target: DynamoDB_20120810.$1" -d "$2" "$DYNAMO/"
}

wrk_slice() {   # wrk_slice SCRIPT: requests a second
    ITEMS=$ITEMS wrk -t 2 -c "$CONNS" -d "${SLICE}s" -s "endpoint/$1.lua" "$DYNAMO" > "$tmp/wrk.out" 2>&1 ||
        { cat "$tmp/wrk.out" >&2; fail "wrk $1 failed"; }
    ! grep -q "Non-2xx" "$tmp/wrk.out" || { cat "$tmp/wrk.out" >&2; fail "the endpoint answered $1 with errors"; }
    awk '/Requests\/sec/ {print $2}' "$tmp/wrk.out"
}
pgbench_slice() {   # pgbench_slice SCRIPT preloaded|unloaded: transactions a second
    local -a env=()
    [ "$2" = unloaded ] || env=(PGHOST="$PRELOADED_PGHOST" PGPORT="$PRELOADED_PGPORT" PGUSER="$PRELOADED_PGUSER"
                                PGPASSWORD="$PRELOADED_PGPASSWORD")
    env "${env[@]}" pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$SLICE" -D items="$ITEMS" -d postgres \
        -f "endpoint/$1.sql" > "$tmp/pgbench.out" 2>&1 || { cat "$tmp/pgbench.out" >&2; fail "pgbench $1 failed"; }
    ! grep -q "aborted" "$tmp/pgbench.out" || { cat "$tmp/pgbench.out" >&2; fail "pgbench $1: clients aborted"; }
    awk '/^tps/ {print $3}' "$tmp/pgbench.out"
}

set_enforcement() {   # set_enforcement on|off, and wait until both doors obey
    local want_http want_sql i
    preloaded -c "ALTER SYSTEM SET dynamo.capacity_enforcement = $1" -c "SELECT pg_reload_conf()" > /dev/null
    if [ "$1" = on ]; then want_http=400 want_sql=t; else want_http=200 want_sql=f; fi
    for i in $(seq 1 50); do
        [ "$(post PutItem '{"TableName": "Probe", "Item": {"pk": {"S": "probe"}}}')" = "$want_http" ] &&
            [ "$(preloaded -c "SELECT dynamo.capacity_enforced()")" = "$want_sql" ] && return 0
        sleep 0.1
    done
    fail "enforcement did not turn $1"
}

preloaded -c "CREATE EXTENSION dynamo" > /dev/null
preloaded -v items="$ITEMS" -f capacity/load.sql > "$tmp/load.out" 2>&1 || { cat "$tmp/load.out" >&2; fail "load failed"; }
# without shared_preload_libraries dynamo must load and meter (issue 12); when it cannot, the mode is left out
UNLOADED=yes
if ! unloaded -c "CREATE EXTENSION dynamo" > "$tmp/load.out" 2>&1; then
    UNLOADED=no
    echo "capacity.sh: NOTE: dynamo does not load without shared_preload_libraries ($(grep -m1 -E 'FATAL|ERROR' "$tmp/load.out")):" \
         "the mode 'unloaded' is left out"
else
    unloaded -v items="$ITEMS" -f capacity/load.sql > "$tmp/load.out" 2>&1 || { cat "$tmp/load.out" >&2; fail "load failed"; }
    [ "$(unloaded -c "SELECT count(*) FROM dynamo.capacity")" = 0 ] || fail "the unloaded cluster has buckets"
fi
grep -q "^t$" <(preloaded -c "SELECT balance < -7000 FROM dynamo.capacity WHERE table_name = 'Probe' AND kind = 'WRITE' AND partition IS NULL") ||
    fail "the probe table is not in debt"
for i in $(seq 1 50); do curl -s -o /dev/null "$DYNAMO/" && break; sleep 0.2; done
[ "$(post GetItem '{"TableName": "Bench", "Key": {"pk": {"S": "k1"}}}')" = 200 ] || fail "the endpoint does not serve Bench"
# crash recovery resets the statistics: their reset time tells whether a process died during the runs
stats_reset=$(preloaded -c "SELECT stats_reset FROM pg_stat_bgwriter")
echo "capacity.sh: ITEMS=$ITEMS, $ROUNDS rounds of $SLICE s per part and mode; endpoint: wrk, $CONNS connections," \
     "$(preloaded -c "SHOW dynamo.http_workers") workers; SQL door: pgbench -M prepared, $CLIENTS clients; fsync $(preloaded -c "SHOW fsync")"

parts="endpoint_get endpoint_put sql_get sql_put"
# warm-up, unmeasured: first overwrites of fresh pages, first reads after writes
set_enforcement on
for part in $parts; do
    case $part in
        endpoint_*) wrk_slice "${part#endpoint_}" > /dev/null ;;
        sql_*) pgbench_slice "${part#sql_}_sql" preloaded > /dev/null
               [ $UNLOADED = no ] || pgbench_slice "${part#sql_}_sql" unloaded > /dev/null ;;
    esac
done

: > "$tmp/slices"   # round part mode rps
for ((r = 0; r < ROUNDS; r++)); do
    modes="on off"
    [ $UNLOADED = no ] || modes="$modes unloaded"
    [ $((r % 2)) = 0 ] || modes=$(echo "$modes" | awk '{for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "")}')
    for mode in $modes; do
        case $mode in
            on|off) set_enforcement "$mode"; preloaded -c CHECKPOINT ;;
            unloaded) unloaded -c CHECKPOINT ;;
        esac
        for part in $parts; do
            case $part:$mode in
                endpoint_*:unloaded) continue ;;
                endpoint_*) rps=$(wrk_slice "${part#endpoint_}") ;;
                sql_*:unloaded) rps=$(pgbench_slice "${part#sql_}_sql" unloaded) ;;
                sql_*) rps=$(pgbench_slice "${part#sql_}_sql" preloaded) ;;
            esac
            echo "$r $part $mode $rps" >> "$tmp/slices"
        done
    done
    echo "capacity.sh: round $((r + 1)) of $ROUNDS done"
done

mean_rps() {   # mean_rps PART MODE
    awk -v p="$1" -v m="$2" '$2 == p && $3 == m {s += $4; n++} END {if (n) printf "%.0f", s / n; else printf "-"}' "$tmp/slices"
}
overhead() {   # overhead PART MODE BASE: "median min max" of the per-round (time in MODE / time in BASE - 1) in %
    awk -v p="$1" -v m="$2" -v b="$3" '$2 == p && $3 == m {x[$1] = $4} $2 == p && $3 == b {y[$1] = $4}
        END {for (r in x) if (r in y) v[++n] = (y[r] / x[r] - 1) * 100
             if (!n) {print "- - -"; exit}
             for (a = 2; a <= n; a++) for (c = a; c > 1 && v[c - 1] > v[c]; c--) {t = v[c]; v[c] = v[c - 1]; v[c - 1] = t}
             median = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
             printf "%.1f %.1f %.1f\n", median, v[1], v[n]}' "$tmp/slices"
}
verdict() { if [ "$1" = - ] || [ "$(echo "$1 <= 3" | bc -l)" = 1 ]; then echo ok; else echo MISSED; fi; }

echo
printf "%-13s %9s %9s %9s   %-28s %-28s\n" part "on rps" "off rps" "unl rps" "on vs off: % (rounds)" "on vs unloaded: % (rounds)"
for part in $parts; do
    read -r m1 lo1 hi1 <<< "$(overhead "$part" on off)"
    read -r m2 lo2 hi2 <<< "$(overhead "$part" on unloaded)"
    printf "%-13s %9s %9s %9s   %+6s%% (%s..%s) %-6s   %s\n" "$part" "$(mean_rps "$part" on)" "$(mean_rps "$part" off)" \
        "$(mean_rps "$part" unloaded)" "$m1" "$lo1" "$hi1" "$(verdict "$m1")" \
        "$([ "$m2" = - ] && echo - || printf "%+6s%% (%s..%s) %s" "$m2" "$lo2" "$hi2" "$(verdict "$m2")")"
done
echo "(on vs off: the admission's cost, metering alike on both sides; on vs unloaded: the buckets' and metrics' whole"
echo " cost in shared memory; % = time per request in 'on' over the other's, minus 1, median over the rounds; target <= 3%)"
[ "$(preloaded -c "SELECT stats_reset FROM pg_stat_bgwriter")" = "$stats_reset" ] ||
    fail "FAILED: a server process died during the runs (crash recovery reset the statistics)"

#!/usr/bin/env bash
# citus_run.sh: the body of citus.sh, with the single-node server and the
# Citus cluster up (their ports and directories in the environment).
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "citus.sh: $*" >&2; kill -TERM $$; exit 1; }   # from a $(...) too
BIN=/usr/lib/postgresql/15/bin
TICKS_PER_SECOND=$(getconf CLK_TCK)
NODES="single coordinator worker1 worker2"
SINGLE="http://127.0.0.1:$SINGLE_HTTP_PORT/"
COORDINATOR="http://127.0.0.1:$CITUS_HTTP_PORT/"

port_of() {
    case $1 in single) echo "$SINGLE_PORT" ;; coordinator) echo "$CITUS_PORT" ;;
        worker1) echo $((CITUS_PORT + 1)) ;; worker2) echo $((CITUS_PORT + 2)) ;; esac
}
socket_of() { if [ "$1" = single ]; then echo "$SINGLE_DIR"; else echo "$CITUS_DIR"; fi; }
data_of() { if [ "$1" = single ]; then echo "$SINGLE_DIR/data"; else echo "$CITUS_DIR/$1"; fi; }
log_of() { if [ "$1" = single ]; then echo "$SINGLE_DIR/single.log"; else echo "$CITUS_DIR/$1.log"; fi; }
sql() {   # sql NODE PSQL-ARGS...
    local node=$1; shift
    psql -X -q -At -v ON_ERROR_STOP=1 -h "$(socket_of "$node")" -p "$(port_of "$node")" -U postgres -d postgres "$@"
}
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
post() {   # post URL ACTION BODY: the response body
    curl -s -H 'Content-Type: application/x-amz-json-1.0' -H "X-Amz-Target: DynamoDB_20120810.$2" -d "$3" "$1"
}
wait_endpoint() { for _ in $(seq 1 50); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; fail "no endpoint at $1"; }

# CPU ticks a server has used so far: its postmaster (with its reaped children) and every live child
cpu_ticks() {
    local postmaster
    postmaster=$(head -1 "$(data_of "$1")/postmaster.pid")
    { cat "/proc/$postmaster/stat"; for child in $(ps -o pid= --ppid "$postmaster"); do
          cat "/proc/$child/stat" 2>/dev/null || true; done; } |
        awk 'NR == 1 {sub(/^.*\) /, ""); t += $12 + $13 + $14 + $15; next} {sub(/^.*\) /, ""); t += $12 + $13} END {print t}'
}
# the pids of a server's endpoint workers, and the CPU ticks they have used so far
http_worker_pids() { ps -o pid=,args= --ppid "$(head -1 "$(data_of "$1")/postmaster.pid")" | awk '/http/ {print $1}'; }
http_ticks() { for pid in $(http_worker_pids "$1"); do cat "/proc/$pid/stat"; done | awk '{sub(/^.*\) /, ""); t += $12 + $13} END {print t}'; }

# ---------------------------------------------------------------- setup
# the coordinator gets the single node's endpoint workers; both keep no checkpoint inside a run
if [ "$(sql coordinator -c "SHOW dynamo.http_workers")" != "$HTTP_WORKERS" ]; then
    sql coordinator -c "ALTER SYSTEM SET dynamo.http_workers = $HTTP_WORKERS"
    as_owner "$BIN/pg_ctl" -D "$(data_of coordinator)" -l "$(log_of coordinator)" -w restart >/dev/null
fi
# capacity is not what is measured: charged, never enforced (a 10 s PutItem run passes the partitions' ceilings)
for node in $NODES; do
    sql "$node" -c "ALTER SYSTEM SET max_wal_size = '8GB'" -c "ALTER SYSTEM SET checkpoint_timeout = '30min'" \
        -c "ALTER SYSTEM SET dynamo.capacity_enforcement = off" -c "SELECT pg_reload_conf()" >/dev/null
done
sql single -c "CREATE EXTENSION dynamo"
wait_endpoint "$SINGLE"
wait_endpoint "$COORDINATOR"

# the same data three times: Bench on the single node, Bench distributed, Local on the coordinator
/usr/bin/python3 endpoint/load.py "$SINGLE" "$ITEMS"
/usr/bin/python3 endpoint/load.py "$COORDINATOR" "$ITEMS"
/usr/bin/python3 endpoint/load.py "$COORDINATOR" "$ITEMS" Local
sql coordinator -c "SELECT dynamo.distribute_table('Bench')" >/dev/null 2>"$tmp/notices" ||
    { cat "$tmp/notices" >&2; fail "dynamo.distribute_table failed"; }
distributed=$(sql coordinator -c "SELECT count(*) FROM pg_dist_partition WHERE logicalrelid::text LIKE '%Bench%'")
placements=$(sql coordinator -c "SELECT string_agg(n::text, ' ') FROM (SELECT count(*) n FROM pg_dist_shard
    JOIN pg_dist_placement USING (shardid) JOIN pg_dist_node USING (groupid)
    WHERE logicalrelid::text LIKE '%Bench%' GROUP BY nodeport ORDER BY nodeport) s")
[ "$distributed" -ge 2 ] || fail "Bench is not distributed ($distributed relations in pg_dist_partition)"
[ "$(wc -w <<< "$placements")" = 2 ] || fail "Bench's shards are not on both workers ($placements)"
for target in "$SINGLE Bench" "$COORDINATOR Bench" "$COORDINATOR Local"; do
    read -r url table <<< "$target"
    post "$url" GetItem "{\"TableName\": \"$table\", \"Key\": {\"pk\": {\"S\": \"k$ITEMS\"}}}" | grep -q '"payload"' ||
        fail "$url does not return the loaded item k$ITEMS of $table"
done
[ "$(sql coordinator -c "SELECT count(*) FROM dynamo_data.\"Bench\"")" = "$ITEMS" ] || fail "the distributed Bench lacks items"
echo "citus.sh: ITEMS=$ITEMS of ~1 KB, $ROUNDS rounds of $SLICE s; wrk, $CONNS connections; dynamo.http_workers" \
     "$HTTP_WORKERS on both servers; Bench distributed as $distributed relations, shards per worker: $placements;" \
     "fsync $(sql coordinator -c "SHOW fsync"); $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- the rounds
wrk_slice() {   # wrk_slice URL TABLE SCRIPT SECONDS: "requests rps p50_ms p99_ms"
    TABLE=$2 ITEMS=$ITEMS wrk -t 2 -c "$CONNS" -d "${4}s" --latency -s "endpoint/$3.lua" "$1" > "$tmp/wrk.out" 2>&1 ||
        { cat "$tmp/wrk.out" >&2; fail "wrk $3 on $2 failed"; }
    ! grep -qE "Non-2xx|Socket errors" "$tmp/wrk.out" || { cat "$tmp/wrk.out" >&2; fail "errors in $3 on $1 $2"; }
    awk 'function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
         / requests in / {n = $1} /Requests\/sec/ {rps = $2} /^ +50%/ {p50 = ms($2)} /^ +99%/ {p99 = ms($2)}
         END {printf "%d %s %.3f %.3f\n", n, rps, p50, p99}' "$tmp/wrk.out"
}
target_of() {   # target_of VARIANT: "URL TABLE"
    case $1 in single) echo "$SINGLE Bench" ;; distributed) echo "$COORDINATOR Bench" ;; local) echo "$COORDINATOR Local" ;; esac
}
measure() {   # measure ROUND VARIANT OP: a line of $tmp/slices
    local url table node requests rps p50 p99 before=() after=() i=0 cpu="" server http_before busy
    read -r url table <<< "$(target_of "$2")"
    if [ "$2" = single ]; then server=single; else server=coordinator; fi
    for node in $NODES; do sql "$node" -c CHECKPOINT; done
    http_before=$(http_ticks "$server")
    for node in $NODES; do before+=("$(cpu_ticks "$node")"); done
    read -r requests rps p50 p99 <<< "$(wrk_slice "$url" "$table" "$3" "$SLICE")"
    for node in $NODES; do after+=("$(cpu_ticks "$node")"); done
    # the endpoint workers' CPU over their wall time: 1 = always on a core, less = waiting (for a worker, a flush)
    busy=$(echo "scale=3; ($(http_ticks "$server") - $http_before) / $TICKS_PER_SECOND / $SLICE / $HTTP_WORKERS" | bc)
    for node in $NODES; do   # CPU milliseconds per request on each server
        cpu="$cpu $(echo "scale=4; (${after[$i]} - ${before[$i]}) * 1000 / $TICKS_PER_SECOND / $requests" | bc)"
        i=$((i + 1))
    done
    echo "$1 $2 $3 $rps $p50 $p99$cpu $busy" >> "$tmp/slices"
}

# warm-up, unmeasured
for variant in single distributed local; do
    for op in get put; do read -r url table <<< "$(target_of $variant)"; wrk_slice "$url" "$table" "$op" 3 >/dev/null; done
done
: > "$tmp/slices"   # round variant op rps p50 p99 cpu_ms(single coordinator worker1 worker2)
for ((r = 0; r < ROUNDS; r++)); do
    if [ $((r % 2)) = 0 ]; then order="single distributed local"; else order="local distributed single"; fi
    for op in get put; do
        for variant in $order; do measure "$r" "$variant" "$op"; done
    done
    echo "citus.sh: round $((r + 1)) of $ROUNDS done"
done
cp "$tmp/slices" "${CITUS_BENCH_SLICES:-/tmp/citus-bench-slices.txt}"

median() {   # median VARIANT OP COLUMN (4 rps, 5 p50, 6 p99, 7-10 CPU ms of single, coordinator, worker1, worker2, 11 busy)
    awk -v v="$1" -v o="$2" -v c="$3" '$2 == v && $3 == o {x[++n] = $c}
        END {for (a = 2; a <= n; a++) for (b = a; b > 1 && x[b - 1] > x[b]; b--) {t = x[b]; x[b] = x[b - 1]; x[b - 1] = t}
             if (!n) print "-"; else print (n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2)}' "$tmp/slices"
}
ratio() {   # ratio VARIANT BASE OP: "median min max" of the per-round rps(VARIANT) / rps(BASE)
    awk -v v="$1" -v b="$2" -v o="$3" '$3 == o && $2 == v {x[$1] = $4} $3 == o && $2 == b {y[$1] = $4}
        END {for (r in x) if (r in y) q[++n] = x[r] / y[r]
             for (a = 2; a <= n; a++) for (c = a; c > 1 && q[c - 1] > q[c]; c--) {t = q[c]; q[c] = q[c - 1]; q[c - 1] = t}
             printf "%.2f %.2f %.2f\n", (n % 2 ? q[(n + 1) / 2] : (q[n / 2] + q[n / 2 + 1]) / 2), q[1], q[n]}' "$tmp/slices"
}

echo
echo "medians over $ROUNDS rounds; cpu = milliseconds of CPU per request on each server (all its processes);"
echo "busy = the serving endpoint workers' CPU over wall time (1 = always running)"
printf "%-4s %-12s %8s %8s %8s   %8s %8s %8s %8s %6s   %s\n" op variant rps "p50 ms" "p99 ms" \
    "cpu sgl" "cpu coord" "cpu w1" "cpu w2" busy "rps vs single (rounds)"
for op in get put; do
    for variant in single distributed local; do
        read -r q lo hi <<< "$(ratio "$variant" single "$op")"
        printf "%-4s %-12s %8.0f %8.2f %8.2f   %8.3f %8.3f %8.3f %8.3f %6.2f   %s\n" "$op" "$variant" \
            "$(median "$variant" "$op" 4)" "$(median "$variant" "$op" 5)" "$(median "$variant" "$op" 6)" \
            "$(median "$variant" "$op" 7)" "$(median "$variant" "$op" 8)" "$(median "$variant" "$op" 9)" \
            "$(median "$variant" "$op" 10)" "$(median "$variant" "$op" 11)" "$([ "$variant" = single ] && echo - || echo "$q ($lo..$hi)")"
    done
done
echo "(single: Bench on a server without Citus; distributed: Bench distributed, requests to the coordinator's"
echo " endpoint; local: a table that is not distributed, on the same coordinator)"

# ---------------------------------------------------------------- where the time goes
echo
echo "== what a worker receives for one GetItem and one PutItem of the distributed table (log_statement = all)"
for node in worker1 worker2; do sql "$node" -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null; done
sleep 0.5
for op in GetItem PutItem; do
    declare -A lines=()
    for node in worker1 worker2; do lines[$node]=$(wc -l < "$(log_of "$node")"); done
    case $op in
        GetItem) post "$COORDINATOR" GetItem '{"TableName": "Bench", "Key": {"pk": {"S": "k7"}}}' >/dev/null ;;
        PutItem) post "$COORDINATOR" PutItem '{"TableName": "Bench", "Item": {"pk": {"S": "k7"}, "payload": {"S": "y"}}}' >/dev/null ;;
    esac
    sleep 0.5
    echo "-- $op"
    for node in worker1 worker2; do
        tail -n +"$((lines[$node] + 1))" "$(log_of "$node")" | { grep -E 'LOG: +(statement|execute [^:]*):' || true; } |
            sed -E 's/^.* LOG: +(statement|execute [^:]*): //' | cut -c1-150 | sed "s/^/   $node: /"
    done
done
for node in worker1 worker2; do sql "$node" -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null; done

echo "-- connections opened on the workers during 3 s of GetItem (Citus keeps one per endpoint worker and node):"
sessions() { for node in worker1 worker2; do sql "$node" -c "SELECT sessions FROM pg_stat_database WHERE datname = 'postgres'"; done | paste -sd+ | bc; }
opened=$(sessions)
read -r requests _ <<< "$(wrk_slice "$COORDINATOR" Bench get 3)"
echo "   $(($(sessions) - opened)) for $requests requests"

echo
echo "== the routed statement (dynamo's GetItem plan on the key's partition), EXPLAIN ANALYZE on the coordinator"
partition=$(sql coordinator -c "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'dynamo_data.\"Bench\"'::regclass ORDER BY c.relname LIMIT 1")
key=$(sql coordinator -c "SELECT pk FROM dynamo_data.\"$partition\" LIMIT 1")
sql coordinator -c "EXPLAIN (ANALYZE, COSTS OFF) SELECT item FROM dynamo_data.\"$partition\" WHERE pk OPERATOR(dynamo.=) '$key'" |
    sed 's/^/   /'
echo "-- the same statement, one client, prepared (pgbench -c 1, 5 s): distributed vs the local table on the coordinator"
local_partition=$(sql coordinator -c "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'dynamo_data.\"Local\"'::regclass ORDER BY c.relname LIMIT 1")
for rel in "$partition" "$local_partition"; do
    echo "SELECT item FROM dynamo_data.\"$rel\" WHERE pk OPERATOR(dynamo.=) '$key';" > "$tmp/select.sql"
    latency=$(pgbench -n -M prepared -c 1 -T 5 -h "$CITUS_DIR" -p "$CITUS_PORT" -U postgres -f "$tmp/select.sql" postgres 2>&1 |
              awk '/latency average/ {print $4}')
    echo "   $rel: $latency ms per SELECT"
done

if [ "$PERF" = on ] && command -v perf >/dev/null; then
    echo
    echo "== perf of the coordinator's endpoint workers during GetItem, then PutItem, on the distributed table (10 s each)"
    pids=$(http_worker_pids coordinator | paste -sd,)
    for op in get put; do
        TABLE=Bench ITEMS=$ITEMS wrk -t 2 -c "$CONNS" -d 12s -s "endpoint/$op.lua" "$COORDINATOR" > "$tmp/wrk.out" 2>&1 &
        wrk=$!
        sleep 1
        perf record -q -F 499 -g -p "$pids" -o "$tmp/perf.data" -- sleep 10 >/dev/null 2>&1 || true
        wait "$wrk"
        echo "-- $op: share of the endpoint workers' on-CPU samples per shared object"
        perf report -q -g none -i "$tmp/perf.data" --no-children --sort dso 2>/dev/null | awk 'NF {printf "   %s\n", $0}' | head -8
        echo "-- $op: top symbols"
        perf report -q -g none -i "$tmp/perf.data" --no-children --sort dso,symbol 2>/dev/null | awk 'NF {printf "   %s\n", $0}' | head -25
    done
fi

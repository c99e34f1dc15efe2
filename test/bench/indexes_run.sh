#!/usr/bin/env bash
# indexes_run.sh: the body of indexes.sh, run inside its throwaway cluster.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
summary=$tmp/summary
slice=$(( (DURATION + ROUNDS - 1) / ROUNDS ))
[ "$slice" -ge 1 ] || slice=1

q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
note() { echo "$*" >> "$summary"; }
ratio() { echo "$1 / $2" | bc -l; }
verdict() { if [ "$(echo "$1" | bc -l)" = 1 ]; then echo ok; else echo MISSED; fi; }
create() {   # create NAME GSIS PROJECTION ITEMS
    q -v name="$1" -v gsis="$2" -v projection="$3" -v items="$4" -v partitions="${PARTITIONS:-8}" \
        -f indexes/create.sql >/dev/null
}
tps() {      # tps SCRIPT TABLE SECONDS [pgbench -D ...]: prints the tps of one slice
    local script=$1 table=$2 seconds=$3
    shift 3
    pgbench -n -M prepared -c "$CLIENTS" -j "$CLIENTS" -T "$seconds" -D table="$table" "$@" \
        -f "indexes/$script.sql" > "$tmp/pgbench.out" 2>&1 || true
    grep -q '^tps' "$tmp/pgbench.out" && ! grep -q 'abort' "$tmp/pgbench.out" ||
        { echo "pgbench $script on $table failed:" >&2; cat "$tmp/pgbench.out" >&2; kill -TERM $$; exit 1; }
    awk '/^tps/ {print $3}' "$tmp/pgbench.out"
}
interleaved() {   # interleaved "SCRIPT TABLE" ... -- [pgbench -D ...]: mean tps of each, slices interleaved
    local -a runs=() extra=() sums=()
    while [ "$1" != -- ]; do runs+=("$1"); shift; done
    shift
    extra=("$@")
    local r i
    for i in "${!runs[@]}"; do sums[i]=0; done
    for ((r = 0; r < ROUNDS; r++)); do
        for i in "${!runs[@]}"; do
            [ $((r % 2)) = 0 ] || i=$(( ${#runs[@]} - 1 - i ))    # ABBA: drift falls on both sides alike
            read -r script table <<< "${runs[i]}"
            sums[i]=$(echo "${sums[i]} + $(tps "$script" "$table" "$slice" "${extra[@]}")" | bc -l)
        done
    done
    for i in "${!runs[@]}"; do printf "%.0f " "$(echo "${sums[i]} / $ROUNDS" | bc -l)"; done
    echo
}
latencies() {   # latencies LOGPREFIX: "count p50_ms p99_ms max_ms" of pgbench --log files
    cat "$1".* | awk '{print $3}' | sort -n | awk '{v[NR] = $1}
        END {i50 = int(NR * 0.50); i99 = int(NR * 0.99); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1;
             printf "%d %.3f %.3f %.3f\n", NR, v[i50] / 1000, v[i99] / 1000, v[NR] / 1000}'
}
now() { date +%s.%N; }

q -c "CREATE EXTENSION IF NOT EXISTS dynamo"
echo "indexes.sh: ITEMS=$ITEMS QUERY_ITEMS=$QUERY_ITEMS PUT_ITEMS=$PUT_ITEMS CLIENTS=$CLIENTS WRITERS=$WRITERS" \
     "DURATION=$DURATION s per side in $ROUNDS slices, backfilled projection $BACKFILL_PROJECTION"

if [[ " $PARTS " == *" query "* ]]; then
    echo "== 1. Query of 100 items: GSI (projection ALL) against the table, $QUERY_ITEMS items"
    create BenchQuery 1 ALL "$QUERY_ITEMS"
    q -c "VACUUM ANALYZE" -c "CHECKPOINT"
    same=$(q -c "SELECT (SELECT array_agg(i::text) FROM dynamo.query('BenchQuery', 'pk = :p', NULL, '{\":p\": {\"S\": \"c1\"}}') i)
                      = (SELECT array_agg(i::text) FROM dynamo.query('BenchQuery', 'g1 = :p', NULL, '{\":p\": {\"S\": \"g1\"}}', index => 'gsi1') i)")
    [ "$same" = t ] || { echo "the Query on the GSI does not return the table's items" >&2; exit 1; }
    collections=$((QUERY_ITEMS / 100))
    read -r table_tps gsi_tps <<< "$(interleaved "query_table BenchQuery" "query_gsi BenchQuery" -- -D collections=$collections)"
    read -r tablej_tps gsij_tps <<< "$(interleaved "query_table_json BenchQuery" "query_gsi_json BenchQuery" -- -D collections=$collections)"
    printf "%-34s %10s %10s %7s\n" "Query, 100 items" table_tps gsi_tps ratio
    printf "%-34s %10s %10s %7.2f\n" "dynamo.query" "$table_tps" "$gsi_tps" "$(ratio "$gsi_tps" "$table_tps")"
    printf "%-34s %10s %10s %7.2f\n" "dynamo.execute('Query')" "$tablej_tps" "$gsij_tps" "$(ratio "$gsij_tps" "$tablej_tps")"
    r=$(ratio "$gsi_tps" "$table_tps"); rj=$(ratio "$gsij_tps" "$tablej_tps")
    note "$(printf "Query 100 items, GSI/table tps, dynamo.query            %5.2f  (target >= 0.8: %s)" "$r" "$(verdict "$r >= 0.8")")"
    note "$(printf "Query 100 items, GSI/table tps, dynamo.execute('Query') %5.2f  (target >= 0.8: %s)" "$rj" "$(verdict "$rj >= 0.8")")"
    q -c "SELECT dynamo.delete_table('BenchQuery') IS NOT NULL" >/dev/null
fi

if [[ " $PARTS " == *" put "* ]]; then
    echo "== 2. PutItem by the GSIs of the table, $PUT_ITEMS items loaded in each"
    configs=("0 KEYS_ONLY 0 GSIs" "1 KEYS_ONLY 1 KEYS_ONLY" "5 KEYS_ONLY 5 KEYS_ONLY" "1 ALL 1 ALL" "5 ALL 5 ALL")
    tables=()
    for c in "${configs[@]}"; do
        read -r n projection _ <<< "$c"
        t=BenchPut$n${projection:0:1}
        create "$t" "$n" "$projection" "$PUT_ITEMS"
        tables+=("$t")
    done
    q -c "VACUUM ANALYZE" -c "CHECKPOINT"
    collections=$((PUT_ITEMS / 100))
    declare -A put
    for mode in "sql new 1000 1000000000000" "json new 1000 1000000000000" "sql replace 1 100"; do
        read -r door kind smin smax <<< "$mode"
        runs=()
        for t in "${tables[@]}"; do runs+=("put_$door $t"); done
        put[$door.$kind]=$(interleaved "${runs[@]}" -- -D collections=$collections -D smin="$smin" -D smax="$smax")
    done
    printf "%-24s" "PutItem tps"
    for c in "${configs[@]}"; do read -r _ _ label <<< "$c"; printf " %11s" "$label"; done
    printf " %9s %9s\n" "1K extra" "5K /GSI"
    for key in sql.new json.new sql.replace; do
        read -r -a v <<< "${put[$key]}"
        case $key in
            sql.new) label="put_item, new items";; json.new) label="execute, new items";;
            sql.replace) label="put_item, replacing";;
        esac
        one=$(echo "${v[0]} / ${v[1]} - 1" | bc -l); five=$(echo "(${v[0]} / ${v[2]} - 1) / 5" | bc -l)
        printf "%-24s" "$label"
        printf " %11s" "${v[@]}"
        printf " %8.0f%% %8.0f%%\n" "$(echo "$one * 100" | bc -l)" "$(echo "$five * 100" | bc -l)"
        note "$(printf "PutItem %-21s extra cost of 1 KEYS_ONLY GSI %4.0f%%, per GSI of 5 %4.0f%%, of 1 ALL %4.0f%%, per ALL of 5 %4.0f%%  (target <= 30%%: %s)" \
            "($label):" "$(echo "$one * 100" | bc -l)" "$(echo "$five * 100" | bc -l)" \
            "$(echo "(${v[0]} / ${v[3]} - 1) * 100" | bc -l)" "$(echo "(${v[0]} / ${v[4]} - 1) / 5 * 100" | bc -l)" \
            "$(verdict "$one <= 0.3 && $five <= 0.3")")"
    done
    for t in "${tables[@]}"; do q -c "SELECT dynamo.delete_table('$t') IS NOT NULL" >/dev/null; done
fi

if [[ " $PARTS " == *" backfill "* ]]; then
    echo "== 3. Backfill of a $BACKFILL_PROJECTION GSI added to a table of $ITEMS items"
    start=$(now)
    create BenchBackfill 0 KEYS_ONLY "$ITEMS"
    echo "loaded in $(printf "%.0f" "$(echo "$(now) - $start" | bc -l)") s"
    # the load and VACUUM go through small rings of buffers: read the table and
    # its key index into shared_buffers so that both writers find them there
    q -c "VACUUM ANALYZE dynamo_data.\"BenchBackfill\"" -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" \
      -c "SELECT sum(pg_prewarm(c.oid)) > 0 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'dynamo_data' AND c.relname LIKE 'BenchBackfill%' AND c.relkind IN ('r', 'i')" \
      -c "CHECKPOINT" >/dev/null
    writer=(pgbench -n -M prepared -c "$WRITERS" -j "$WRITERS" -T "$DURATION" -D table=BenchBackfill
            -D collections=$((ITEMS / 100)) -D smin=1 -D smax=100 -f indexes/put_sql.sql --log)
    # a first run unmeasured: the first updates of a freshly loaded table's
    # full pages cost more (no room for HOT updates) than the later ones
    "${writer[@]}" --log-prefix="$tmp/warmup" > "$tmp/warmup.out" 2>&1
    q -c "CHECKPOINT"
    "${writer[@]}" --log-prefix="$tmp/alone" > "$tmp/alone.out" 2>&1
    q -c "CHECKPOINT"
    started=$(now)
    status=$(q -v name=BenchBackfill -v projection="$BACKFILL_PROJECTION" -f indexes/add_index.sql)
    [ "$status" = CREATING ] || { echo "UpdateTable answered IndexStatus $status, not CREATING" >&2; exit 1; }
    "${writer[@]}" --log-prefix="$tmp/during" > "$tmp/during.out" 2>&1 &
    writer_pid=$!
    writer_end= rate_seen=0 done_seen=0
    while :; do
        IFS='|' read -r status items_done rate <<< "$(q -v name=BenchBackfill -f indexes/backfill_status.sql)"
        [ -z "$rate" ] || { rate_seen=$rate; done_seen=$items_done; }
        [ -n "$writer_end" ] || kill -0 "$writer_pid" 2>/dev/null || writer_end=$(now)
        [ "$status" != ACTIVE ] || break
        sleep 0.5
    done
    active=$(now)
    wait "$writer_pid"
    [ -n "$writer_end" ] || writer_end=$(now)
    seconds=$(echo "$active - $started" | bc -l)
    index_rows=$(q -c "SELECT count(*) FROM dynamo_data.\"BenchBackfill:gsi1\"")
    read -r n0 p50a p99a maxa <<< "$(latencies "$tmp/alone")"
    read -r n1 p50b p99b maxb <<< "$(latencies "$tmp/during")"
    printf "backfill: %d items in %.1f s (UpdateTable to ACTIVE): %.0f items/s; the progress view last showed %s items/s at %s items done; index rows %s\n" \
        "$ITEMS" "$seconds" "$(echo "$ITEMS / $seconds" | bc -l)" "$rate_seen" "$done_seen" "$index_rows"
    printf "%-36s %8s %9s %9s %9s %8s\n" "PutItem writer ($WRITERS client)" tps p50_ms p99_ms max_ms puts
    printf "%-36s %8.0f %9s %9s %9s %8s\n" "alone" "$(echo "$n0 / $DURATION" | bc -l)" "$p50a" "$p99a" "$maxa" "$n0"
    printf "%-36s %8.0f %9s %9s %9s %8s\n" "during the backfill" "$(echo "$n1 / $DURATION" | bc -l)" "$p50b" "$p99b" "$maxb" "$n1"
    if [ "$(echo "$active < $writer_end" | bc -l)" = 1 ]; then
        echo "note: the backfill ended $(printf "%.1f" "$(echo "$writer_end - $active" | bc -l)") s before the writer: raise ITEMS for a writer wholly inside the backfill"
    fi
    ! grep -q abort "$tmp/during.out" || { echo "the writer failed during the backfill:" >&2; cat "$tmp/during.out" >&2; exit 1; }
    [ "$index_rows" = "$ITEMS" ] || echo "WARNING: the index has $index_rows rows, the table $ITEMS items"
    note "$(printf "Backfill of %d items (%s): %.0f items/s (%.1f s); PutItem p99 %s ms during it vs %s ms alone: x%.2f (p50 %s vs %s ms)" \
        "$ITEMS" "$BACKFILL_PROJECTION" "$(echo "$ITEMS / $seconds" | bc -l)" "$seconds" "$p99b" "$p99a" \
        "$(ratio "$p99b" "$p99a")" "$p50b" "$p50a")"
fi

echo "== Summary"
cat "$summary"

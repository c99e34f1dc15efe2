#!/usr/bin/env bash
# items_run.sh: the body of items.sh, run inside its throwaway cluster.
set -euo pipefail
cd "$(dirname "$0")"

run() {   # run SCRIPT CLIENTS COLLECTIONS: prints "tps latency_ms"
    pgbench -n -M prepared -c "$2" -j "$2" -T "$DURATION" -D collections="$3" \
        -f "items/$1.sql" 2>&1 | awk '/^tps/ {tps=$3} /^latency average/ {lat=$4} END {print tps, lat}'
}
reload() {
    psql -X -q -c "SELECT dynamo.delete_table('Bench') IS NOT NULL" -c "DROP TABLE IF EXISTS plain" >/dev/null 2>&1 || true
    psql -X -q -v items="$1" -v partitions="${PARTITIONS:-8}" -f items/load.sql
}

reload "$ITEMS"
printf "%-8s %12s %12s %7s   %s\n" operation dynamo_tps plain_tps ratio "avg latency ms (dynamo vs plain)"
for op in get put query; do
    read -r dt dl <<< "$(run "${op}_dynamo" "$CLIENTS" $((ITEMS / 100)))"
    read -r pt pl <<< "$(run "${op}_plain" "$CLIENTS" $((ITEMS / 100)))"
    printf "%-8s %12.0f %12.0f %7.2f   %s vs %s\n" "$op" "$dt" "$pt" "$(echo "$dt / $pt" | bc -l)" "$dl" "$pl"
done
echo "GetItem latency, 1 client, by table size (avg ms, dynamo vs plain):"
for n in $SCALES; do
    reload "$n" >/dev/null
    read -r dt dl <<< "$(run get_dynamo 1 $((n / 100)))"
    read -r pt pl <<< "$(run get_plain 1 $((n / 100)))"
    printf "  %10s items: %s vs %s\n" "$n" "$dl" "$pl"
done

#!/usr/bin/env bash
# gsi_backfill.sh: global secondary indexes added by UpdateTable to a table
# of ITEMS (100,000) items while writers run, against the server
# PGHOST/PGPORT name (scripts/run-suites.sh runs it).
#
# The table is loaded with plain SQL (INSERT ... SELECT into its relation):
# most items in the index to come, some without its key attribute, some
# with it of the wrong type or empty (the backfill leaves them out).  Then
# WRITERS clients write items (test/concurrency/gsi_write.sql: PutItem,
# UpdateItem moving items between index keys or removing the key
# attribute, DeleteItem, plain SQL UPDATE / DELETE / INSERT ... ON
# CONFLICT, dynamo.put_item), one transaction each, while UpdateTable adds
# a KEYS_ONLY GSI (HASH g, RANGE r), waits for it to be ACTIVE, then adds
# an INCLUDE GSI with a multi-attribute key (HASH g + c, RANGE r + t).
# While each is CREATING, dynamo.index_backfill_progress must show it
# progressing and a Query on it must be refused; after the writers stop,
# each index must equal its recomputation from the table (EXCEPT ALL both
# ways empty, one entry per item) and Query on it must return what a
# filtered Scan of the table does (test/concurrency/gsi_check.sql).
set -euo pipefail
cd "$(dirname "$0")/../.."

DB=dynamo_gsi_backfill
ITEMS=${ITEMS:-100000}
WRITERS=${WRITERS:-4}
WORK=$(mktemp -d)
trap 'touch "$WORK/stop"; kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
fail() { echo "gsi backfill: FAILED: $*"; exit 1; }
sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DB" -c "SET search_path = public, dynamo" -c "$1"; }

dropdb --if-exists "$DB" >/dev/null 2>&1
createdb "$DB"
# small backfill transactions: many of them interleave with the writers
psql -X -q -d "$DB" -c "ALTER DATABASE $DB SET dynamo.backfill_batch_size = 200" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "CREATE EXTENSION dynamo" \
    -f test/concurrency/gsi_check.sql -f test/concurrency/gsi_write.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" >/dev/null <<SQL
SELECT dynamo.create_table('Fill', 'pk', 'S', 'sk', 'N', partitions => 4);
INSERT INTO dynamo_data."Fill" (pk, sk, item)
SELECT dynamo.value_from_plain(to_jsonb('p' || k % 1000)), dynamo.value_from_plain(to_jsonb(k)),
       dynamo.from_plain(CASE WHEN k % 10 = 0 THEN gsi_plain_item(k, k * 7) - 'g'
                              WHEN k % 97 = 0 THEN gsi_plain_item(k, k * 7) || jsonb_build_object('g', k)
                              WHEN k % 89 = 0 THEN gsi_plain_item(k, k * 7) || '{"g": ""}'
                              WHEN k % 83 = 0 THEN gsi_plain_item(k, k * 7) || '{"t": 3}'
                              ELSE gsi_plain_item(k, k * 7) END)
  FROM generate_series(1, $ITEMS) k;
ANALYZE dynamo_data."Fill";
SQL

for w in $(seq 1 "$WRITERS"); do
    psql -X -q -v ON_ERROR_STOP=1 -d "$DB" \
        -c "CALL gsi_writer('Fill', $((ITEMS + ITEMS / 10)), 100)" > "$WORK/writer$w.log" 2>&1 &
    echo $! >> "$WORK/writers"
done
sleep 1

# add an index and watch it until it is ACTIVE: prints
# "<seconds> <most items done seen> <estimated> <seen Backfilling> <Query error>"
add_index() {
    local name=$1 create=$2 definitions=$3 start polls=0 done_max=0 estimated=0 backfilling=false refused=""
    start=$(date +%s%N)
    sql "SELECT dynamo.execute('UpdateTable', '{\"TableName\": \"Fill\", \"AttributeDefinitions\": $definitions,
            \"GlobalSecondaryIndexUpdates\": [{\"Create\": $create}]}') IS NOT NULL" >/dev/null
    while :; do
        read -r status seen total shown <<< "$(sql "
            SELECT i.status, coalesce(p.items_done, -1), coalesce(p.items_estimated, -1),
                   coalesce((SELECT g ->> 'Backfilling' FROM jsonb_array_elements(
                       dynamo.describe_table('Fill') -> 'GlobalSecondaryIndexes') g
                       WHERE g ->> 'IndexName' = '$name'), 'none')
              FROM dynamo.indexes i LEFT JOIN dynamo.index_backfill_progress p USING (table_name, index_name)
             WHERE i.table_name = 'Fill' AND i.index_name = '$name'" | tr '|' ' ')"
        [ "$status" = ACTIVE ] && break
        [ "$status" = CREATING ] || fail "index $name is $status"
        [ "$seen" -gt "$done_max" ] && done_max=$seen
        [ "$total" -gt 0 ] && estimated=$total
        [ "$shown" = true ] && backfilling=true
        if [ -z "$refused" ]; then
            refused=$(psql -X -q -A -t -d "$DB" -c "
                DO \$\$ BEGIN
                    PERFORM count(*) FROM dynamo.query('Fill', 'g = :g', NULL, '{\":g\": {\"S\": \"g1\"}}', index => '$name');
                    RAISE NOTICE 'outcome: read';
                EXCEPTION WHEN OTHERS THEN
                    RAISE NOTICE 'outcome: % %', SQLSTATE, SQLERRM;
                END \$\$" 2>&1 | sed -n 's/.*outcome: //p')
        fi
        polls=$((polls + 1))
        [ "$polls" -lt 1500 ] || fail "index $name still CREATING after $polls polls"
        sleep 0.05
    done
    echo "$(( ($(date +%s%N) - start) / 1000000 ))ms $done_max $estimated $backfilling $refused"
}

check_backfill() {
    local name=$1 seconds done_max estimated backfilling refused
    read -r seconds done_max estimated backfilling refused <<< "$2"
    echo "gsi backfill: $name ACTIVE after ${seconds}; progress seen: $done_max of $estimated items;" \
         "Backfilling shown: $backfilling; Query while CREATING: $refused"
    [ "$done_max" -gt 0 ] || fail "$name: no backfill progress seen in dynamo.index_backfill_progress"
    [ "$estimated" -ge $((ITEMS * 9 / 10)) ] || fail "$name: backfill estimated $estimated items"
    [ "$backfilling" = true ] || fail "$name: DescribeTable never showed Backfilling: true"
    case "$refused" in
        "YD001 Cannot read from backfilling global secondary index: $name") ;;
        *) fail "$name: a Query while CREATING answered: $refused" ;;
    esac
}

first=$(add_index ByG '{"IndexName": "ByG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
        {"AttributeName": "r", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}' \
    '[{"AttributeName": "g", "AttributeType": "S"}, {"AttributeName": "r", "AttributeType": "N"}]')
check_backfill ByG "$first"
second=$(add_index ByGC '{"IndexName": "ByGC", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
        {"AttributeName": "c", "KeyType": "HASH"}, {"AttributeName": "r", "KeyType": "RANGE"},
        {"AttributeName": "t", "KeyType": "RANGE"}],
        "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["pay", "ver"]}}' \
    '[{"AttributeName": "g", "AttributeType": "S"}, {"AttributeName": "r", "AttributeType": "N"},
      {"AttributeName": "c", "AttributeType": "N"}, {"AttributeName": "t", "AttributeType": "S"}]')
check_backfill ByGC "$second"
sleep 1                             # writes to ACTIVE indexes too

sql "INSERT INTO gsi_stop DEFAULT VALUES" >/dev/null
status=0
for pid in $(cat "$WORK/writers"); do wait "$pid" || status=1; done
if [ $status -ne 0 ]; then
    cat "$WORK"/writer*.log | head -20
    fail "a writer failed"
fi
echo "gsi backfill: writes:" "$(sql "SELECT string_agg(format('%s %s', outcome, n), ', ' ORDER BY outcome)
                                     FROM (SELECT outcome, sum(n) n FROM gsi_writes GROUP BY outcome) o")"
read -r moves removes deletes plain <<< "$(sql "SELECT coalesce(sum(n) FILTER (WHERE op IN (3, 8, 11, 13) AND outcome = 'ok'), 0),
        coalesce(sum(n) FILTER (WHERE op = 4), 0), coalesce(sum(n) FILTER (WHERE op IN (7, 9)), 0),
        coalesce(sum(n) FILTER (WHERE op IN (8, 9, 10)), 0) FROM gsi_writes" | tr '|' ' ')"
[ "$moves" -gt 0 ] && [ "$removes" -gt 0 ] && [ "$deletes" -gt 0 ] && [ "$plain" -gt 0 ] ||
    fail "too few writes: $moves moves, $removes removals, $deletes deletes, $plain by plain SQL"

for index in ByG ByGC; do
    report=$(sql "SELECT gsi_report('Fill', '$index')")
    queried=$(sql "SELECT gsi_query_mismatches('Fill', '$index')")
    violations=$(sql "SELECT key_violations FROM dynamo.indexes WHERE table_name = 'Fill' AND index_name = '$index'")
    echo "gsi backfill: $index against its recomputation: $report; Query against Scan: $queried mismatches;" \
         "$violations key violations left out"
    case "$report" in
        "missing 0 extra 0 duplicates 0 entries "*) ;;
        *) fail "$index differs from its recomputation" ;;
    esac
    [ "$queried" = 0 ] || fail "Query on $index differs from a Scan of the table"
    [ "$violations" -gt 0 ] || fail "$index: the backfill counted no key violations"
done
dropdb "$DB"
echo "gsi backfill: ok"

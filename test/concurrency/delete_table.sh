#!/usr/bin/env bash
# delete_table.sh: two DeleteTable requests of one table at once, against the
# server PGHOST/PGPORT name (scripts/run-suites.sh runs it). The first drops
# the table; the second waits for it and must answer DynamoDB's
# ResourceNotFoundException (SQLSTATE YD004), never a Postgres error.
set -euo pipefail
cd "$(dirname "$0")/../.."

DB=dynamo_delete_race
dropdb --if-exists "$DB" >/dev/null 2>&1
createdb "$DB"
psql -X -q -d "$DB" -v ON_ERROR_STOP=1 -c "CREATE EXTENSION dynamo" \
    -c "SELECT dynamo.create_table('Raced', 'pk', 'S', partitions => 2)" >/dev/null

# the first holds its transaction open for a second after deleting
psql -X -q -d "$DB" -v ON_ERROR_STOP=1 -c "BEGIN" \
    -c "SELECT dynamo.execute('DeleteTable', '{\"TableName\": \"Raced\"}')" \
    -c "SELECT pg_sleep(1)" -c "COMMIT" >/dev/null &
first=$!
sleep 0.3
second=$(psql -X -q -A -t -d "$DB" -c "
    DO \$\$ BEGIN
        PERFORM dynamo.execute('DeleteTable', '{\"TableName\": \"Raced\"}');
        RAISE NOTICE 'outcome: deleted twice';
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'outcome: % %', SQLSTATE, SQLERRM;
    END \$\$" 2>&1)
wait "$first"
dropdb "$DB"
echo "delete race: second DeleteTable: ${second#*outcome: }"
case "$second" in
    *"YD004 Requested resource not found: Table: Raced not found"*) echo "delete race: ok" ;;
    *) echo "delete race: FAILED"; exit 1 ;;
esac

#!/usr/bin/env bash
# check_suites.sh: the single-node suites against tables distributed by Citus. Needs the cluster of cluster.sh
# (run.sh calls it after check_basic.sh); leaves the cluster as it found it (settings reset, its tables deleted).
#
#   test/citus/check_suites.sh
#
# With dynamo.distribute_new_tables on (on the coordinator), every table the tests create is distributed
# (CreateTable -> dynamo.distribute_table) when it can be; tables created with a stream stay local for now (and
# sql/backups.sql makes its table for point-in-time recovery local), and each run says how many of its tables
# were distributed and which were not (a trigger on dynamo.tables records each new table at commit). The
# endpoints run with authentication on, as in test/wire/run.sh.
#
# 1. The wire tests of test/wire (boto3) through the coordinator's endpoint, with DYNAMO_DISTRIBUTED=coordinator:
#    the cases a distributed table cannot run are marked in the test files (test/wire/distributed.py: skipped
#    with their reason, or expected to fail for a known bug), and each file's counts are printed.
# 2. The data tests among them (items, tables, transactions, indexes, TTL, tags) through worker1's endpoint, with
#    DYNAMO_DISTRIBUTED=worker: test/citus/route_endpoint.py relays the requests that create, change or drop
#    tables to the coordinator's endpoint (only the coordinator distributes tables) and every other request to
#    the worker's.
# 3. The SQL regression tests of sql/ that store data (SQL_TESTS) with pg_regress against the coordinator, in a
#    database contrib_regression of their own (Citus in it on every node, distribute_new_tables on for it),
#    compared with expected/. Citus' WARNING that a function of pg_temp is created only locally is the one
#    difference filtered out (CITUS_NOTICE); a test that differs for a known reason (a bug, a limitation, or
#    what it checks of a single node's internals: test/citus/suites/README.md) must differ exactly as recorded
#    in test/citus/suites/TEST.diff (recorded_form: the diff without its file header, nodes' ports and PL/pgSQL
#    line numbers); SQL_LEFT_OUT says which tests do not run, and why.
#
# Exits non-zero when a case fails that is not marked, a marked bug does not fail any more, or a difference is
# not the recorded one. Logs and pg_regress' results stay in $CITUS_DIR/suites until the cluster stops (run.sh
# keeps them when a check fails). Runs once on a cluster: a second run meets the first one's imports
# (test_imports.py) and TransactWriteItems tokens (test_transactions.py); start the cluster afresh.
# WIRE_COORDINATOR, WIRE_WORKER and SQL_TESTS, when set, replace the lists below (to run a part).
set -euo pipefail
cd "$(dirname "$0")/../.."
eval "$(test/citus/cluster.sh env)"
HTTP_PORT=${CITUS_HTTP_PORT:-5484}
WORKER1_PORT=$((PGPORT + 1)) WORKER2_PORT=$((PGPORT + 2))
ROUTE_PORT=$((HTTP_PORT + 5))
WORK="$PGHOST/suites"
KEY_ID=AKIDCITUSSUITES00001 SECRET=citus-suites-secret
export PYTHONDONTWRITEBYTECODE=1 DYNAMO_KEY_ID=$KEY_ID DYNAMO_SECRET=$SECRET

WIRE_COORDINATOR=${WIRE_COORDINATOR-test_wire.py test_indexes.py test_transactions.py test_ttl.py test_streams.py
                  test_tags.py test_capacity.py test_capacity_control.py test_metrics.py test_backups.py
                  test_exports.py test_imports.py}
WIRE_WORKER=${WIRE_WORKER-test_wire.py:Items,Tables test_transactions.py test_indexes.py test_ttl.py test_tags.py}
SQL_TESTS=${SQL_TESTS-backups capacity capacity_control expr_condition imports index_requests indexes items metrics
           query_scan request_layer scaling streams tables tags transactions ttl validation value_text_input
           versioning}
SQL_LEFT_OUT="exports: point-in-time recovery, which it needs, is refused for a distributed table;
storage_am: the access method on relations and catalog rows it makes by hand (single-node internals);
the other tests store no item (values, expressions, errors, the streams API on rows written by hand)"
CITUS_NOTICE='^(WARNING:  "function pg_temp_[0-9]+\..*" has dependency on unsupported object "schema pg_temp_[0-9]+"|DETAIL:  "function pg_temp_[0-9]+\..*" will be created only locally)$'

failed=0
psql_on() {   # psql_on PORT [DATABASE] -c ...: one node, stop at the first error
    local port=$1 database=postgres; shift
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then database=$1; shift; fi
    psql -X -q -A -t -v ON_ERROR_STOP=1 -p "$port" -d "$database" "$@"
}

# --- the record of the tables the tests create --------------------------------------------------------------

RECORDER="
CREATE SCHEMA citus_suites;
CREATE TABLE citus_suites.created (id bigserial, table_name text, distributed boolean, stream boolean,
                                   application text);
CREATE FUNCTION citus_suites.record_created() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
    INSERT INTO citus_suites.created (table_name, distributed, stream, application)
    VALUES (NEW.table_name,
            EXISTS (SELECT FROM pg_dist_partition
                     WHERE logicalrelid = to_regclass(format('dynamo_data.%I', NEW.relation_name))),
            EXISTS (SELECT FROM dynamo.streams s WHERE s.table_id = NEW.table_id AND s.status IN ('ENABLING', 'ENABLED')),
            current_setting('application_name'));
    RETURN NULL;
END
\$\$;
-- at commit: CreateTable distributes the table after inserting its row, in the same transaction
CREATE CONSTRAINT TRIGGER record_created AFTER INSERT ON dynamo.tables DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION citus_suites.record_created();"

tables_since() {   # tables_since DATABASE ID [APPLICATION]: what became of the tables recorded after ID
    psql_on "$PGPORT" "$1" -c "
        SELECT count(*) || ' created, ' || count(*) FILTER (WHERE distributed) || ' distributed'
               || coalesce(', local: ' || nullif(concat_ws(', ',
                      nullif(count(*) FILTER (WHERE NOT distributed AND stream), 0) || ' with a stream',
                      nullif(count(*) FILTER (WHERE NOT distributed AND NOT stream), 0)
                          || ' other (' || string_agg(table_name, ' ') FILTER (
                              WHERE NOT distributed AND NOT stream) || ')'), ''), '')
          FROM citus_suites.created WHERE id > $2 ${3:+AND application = '$3'}"
}
last_recorded() { psql_on "$PGPORT" "$1" -c "SELECT coalesce(max(id), 0) FROM citus_suites.created"; }

# --- set up, and undo on the way out ------------------------------------------------------------------------

route_pid=""
restore() {
    [ -n "$route_pid" ] && kill "$route_pid" 2>/dev/null
    # the tables the wire tests left (check_rebalance.sh moves every shard of the database)
    psql_on "$PGPORT" -c "SELECT count(dynamo.delete_table(c.table_name)) FROM (SELECT DISTINCT table_name
                              FROM citus_suites.created) c JOIN dynamo.tables t USING (table_name)" >/dev/null || true
    psql_on "$PGPORT" -c "DROP SCHEMA citus_suites CASCADE" -c "ALTER SYSTEM RESET dynamo.distribute_new_tables" \
        >/dev/null 2>&1 || true
    for port in "$PGPORT" "$WORKER1_PORT" "$WORKER2_PORT"; do
        psql_on "$port" -c "ALTER SYSTEM RESET dynamo.http_auth" -c "SELECT dynamo.drop_access_key('$KEY_ID')" \
            -c "SELECT pg_reload_conf()" >/dev/null || true
    done
}
trap restore EXIT
rm -rf "$WORK"
mkdir -p "$WORK"
psql_on "$PGPORT" -c "$RECORDER" -c "ALTER SYSTEM SET dynamo.distribute_new_tables = on"
for port in "$PGPORT" "$WORKER1_PORT" "$WORKER2_PORT"; do
    psql_on "$port" -c "SELECT dynamo.create_access_key('postgres', '$KEY_ID', '$SECRET')" \
        -c "ALTER SYSTEM SET dynamo.http_auth = on" -c "SELECT pg_reload_conf()" >/dev/null
done
for http_port in "$HTTP_PORT" $((HTTP_PORT + 1)); do    # until the endpoint workers have read the new settings
    for i in $(seq 1 50); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$http_port/" \
             -H 'X-Amz-Target: DynamoDB_20120810.ListTables' -d '{}')" != 200 ] && break
        sleep 0.1
    done
done

# --- wire tests ---------------------------------------------------------------------------------------------

# run_wire NODE FILE[:Class,Class]: one test file (or some of its classes) with DYNAMO_DISTRIBUTED=NODE; prints
# its counts and the tables it made; a failing file's failures
run_wire() {
    local node=$1 file=${2%%:*} classes=() log since status=ok started=$(date +%s)
    [ "$2" != "$file" ] && IFS=, read -r -a classes <<< "${2#*:}"
    log="$WORK/$node-${file%.py}.log"
    since=$(last_recorded postgres)
    DYNAMO_DISTRIBUTED=$node /usr/bin/python3 "test/wire/$file" "${classes[@]}" > "$log" 2>&1 || status=FAILED
    # the totals from unittest's closing lines (a subprocess' stderr may split a test's own line), the kinds
    # of skip from their reasons
    local ran summary passed skipped limitation single placement other expected unexpected failures
    ran=$(sed -n 's/^Ran \([0-9]*\) tests* in .*/\1/p' "$log" | tail -1)
    summary=$(grep -E '^(OK|FAILED)( \(.*\))?$' "$log" | tail -1)
    total() { grep -oE "[(,] ?$1=[0-9]+" <<< "$summary" | cut -d= -f2 | grep . || echo 0; }
    count() { grep -Ec "$1" "$log" || true; }
    skipped=$(total skipped) expected=$(total 'expected failures') unexpected=$(total 'unexpected successes')
    failures=$(($(total failures) + $(total errors)))
    passed=$((${ran:-0} - skipped - expected - unexpected - failures))
    limitation=$(count "skipped ['\"]distributed limitation: ")
    single=$(count "skipped ['\"]distributed single-node: ")
    placement=$(count "skipped ['\"]distributed bug \(may pass\): ")
    other=$((skipped - limitation - single - placement))
    [ -n "$ran" ] && [ -n "$summary" ] || { status=FAILED; echo "    $log: no unittest summary (the file did not run)"; }
    printf '  %-11s %-29s %3s passed, %2s skipped (%s limitation, %s single-node, %s other), %s known bug (%s failed where it may pass), %s failed%s; %3s s; tables: %s\n' \
        "$node" "${2/:/ }" "$passed" "$((limitation + single + other))" "$limitation" "$single" "$other" \
        "$((expected + placement))" "$placement" "$failures" \
        "$([ "$unexpected" -gt 0 ] && echo ", $unexpected known bug PASSED (remove its mark)")" \
        "$(($(date +%s) - started))" "$(tables_since postgres "$since")"
    if [ "$status" != ok ]; then
        failed=1
        echo "    FAILED: $log"
        grep -E ' \.\.\. (FAIL|ERROR|unexpected success)$|^(FAIL|ERROR):|Error: |Exception: ' "$log" | sed 's/^/      /' | head -40
    fi
}

echo "citus suites: the wire tests (test/wire), through the coordinator's endpoint and worker1's"
started=$(date +%s)
export DYNAMO_ENDPOINT="http://127.0.0.1:$HTTP_PORT"
for file in $WIRE_COORDINATOR; do run_wire coordinator "$file"; done
/usr/bin/python3 test/citus/route_endpoint.py "$ROUTE_PORT" "$HTTP_PORT" $((HTTP_PORT + 1)) > "$WORK/route.log" 2>&1 &
route_pid=$!
for i in $(seq 1 50); do grep -q routing "$WORK/route.log" && break; sleep 0.1; done
export DYNAMO_ENDPOINT="http://127.0.0.1:$ROUTE_PORT"
for file in $WIRE_WORKER; do run_wire worker "$file"; done
kill "$route_pid"; route_pid=""
echo "  wire tests: $(($(date +%s) - started)) s"

# --- SQL regression tests -----------------------------------------------------------------------------------

echo "citus suites: the SQL regression tests (sql/, expected/) through the coordinator"
started=$(date +%s)
for port in "$PGPORT" "$WORKER1_PORT" "$WORKER2_PORT"; do
    if [ "$(psql_on "$port" -c "SELECT count(*) FROM pg_database WHERE datname = 'contrib_regression'")" = 1 ]; then
        # a run before on this cluster: its tables go first (a stream's capture worker outlives its database)
        [ "$port" = "$PGPORT" ] && psql_on "$port" contrib_regression \
            -c "SELECT count(dynamo.delete_table(table_name)) FROM dynamo.tables" >/dev/null
        psql_on "$port" -c "DROP DATABASE contrib_regression WITH (FORCE)"
    fi
    psql_on "$port" -c "CREATE DATABASE contrib_regression" 2>&1 | grep -v 'Citus\|HINT:\|DETAIL:' || true
    psql_on "$port" contrib_regression -c "CREATE EXTENSION citus"
done
psql_on "$PGPORT" contrib_regression -c "SELECT citus_set_coordinator_host('localhost', $PGPORT)" \
    -c "SELECT citus_add_node('localhost', $WORKER1_PORT)" -c "SELECT citus_add_node('localhost', $WORKER2_PORT)" \
    -c "CREATE EXTENSION dynamo" -c "$RECORDER" \
    -c "ALTER DATABASE contrib_regression SET dynamo.distribute_new_tables = on" \
    -c "ALTER DATABASE contrib_regression SET dynamo.ttl_transition_time = '2s'" >/dev/null
# (the cluster's ttl_transition_time is 0: here the default, as on a single node, so that the expiry worker does
# not delete ttl.sql's expired items before the test's own dynamo.ttl_expire; the test sets 0 in its session)
"$(pg_config --pkglibdir)/pgxs/src/test/regress/pg_regress" --inputdir=. --outputdir="$WORK/regress" \
    --use-existing --dbname=contrib_regression --host="$PGHOST" --port="$PGPORT" --user=postgres \
    00_setup $SQL_TESTS > "$WORK/regress.log" 2>&1 || true
grep -q 'tests passed\|tests failed' "$WORK/regress.log" || { cat "$WORK/regress.log"; echo "citus suites: pg_regress did not run"; exit 1; }
# the form of a difference recorded in test/citus/suites/: without the file header, PL/pgSQL line numbers and
# the ports of the nodes (which differ from cluster to cluster)
recorded_form() {
    diff -U3 "$1" "$2" | tail -n +3 |
        sed -E -e 's/^(.PL\/pgSQL function .* line )[0-9]+ /\1N /' -e 's/ on localhost:[0-9]+$/ on localhost:PORT/'
}
for test in 00_setup $SQL_TESTS; do
    result="$WORK/regress/results/$test.out" known="test/citus/suites/$test.diff"
    grep -Ev "$CITUS_NOTICE" "$result" > "$result.filtered" || true
    warnings=$(($(wc -l < "$result") - $(wc -l < "$result.filtered")))
    if diff -q "expected/$test.out" "$result.filtered" >/dev/null; then
        verdict="same as expected/"
        [ "$warnings" -gt 0 ] && verdict="$verdict but for $((warnings / 2)) Citus warnings (a pg_temp function created only locally)"
        [ -f "$known" ] && { verdict="RECORDED DIFFERENCE GONE: remove $known"; failed=1; }
    elif [ -f "$known" ] && diff -q <(recorded_form "expected/$test.out" "$result.filtered") "$known" >/dev/null; then
        verdict="differs as recorded in $known ($(sed -n "s/^- \`$test.diff\`: (\([^)]*\)).*/\1/p" test/citus/suites/README.md))"
    else
        verdict="DIFFERS: diff -U3 expected/$test.out $result.filtered"
        failed=1
    fi
    [ "$test" = 00_setup ] && { [ "$verdict" = "same as expected/" ] || { echo "  00_setup: $verdict"; exit 1; }; continue; }
    printf '  %-18s %s; tables: %s\n' "$test" "$verdict" "$(tables_since contrib_regression 0 "pg_regress/$test")"
done
echo "  every table of the SQL tests: $(tables_since contrib_regression 0)"
echo "  not run: $SQL_LEFT_OUT" | sed '2,$s/^/           /'
echo "  SQL tests: $(($(date +%s) - started)) s"

if [ "$failed" -ne 0 ]; then
    echo "citus check_suites: FAILED (logs in $WORK)"
    exit 1
fi
echo "citus check_suites: the single-node suites pass on distributed tables, but for the marked cases"

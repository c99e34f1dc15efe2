#!/usr/bin/env bash
# capacity_loop.sh: the CPU cost per request of the whole capacity machinery
# (buckets admitted and charged, metrics recorded, all in shared memory),
# measured without concurrency, where a shared 2-core machine's noise is
# smallest: N GetItem, then N PutItem requests through dynamo.execute in one
# plpgsql loop of one session, in a cluster with dynamo preloaded (capacity
# enforced, metrics on: the default) against the same in a cluster without
# shared_preload_libraries (units computed and reported only), both
# running, alternating ROUNDS times which goes first.  Reports the median
# time of each and the overhead (goal: at most 3%).  test/bench/capacity.sh
# measures the same under concurrent load through both doors.
#
#   test/bench/capacity_loop.sh               50000 requests, 15 rounds
#   N=20000 ROUNDS=3 test/bench/capacity_loop.sh
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")"
export N=${N:-50000} ROUNDS=${ROUNDS:-15} PORT=${DYNAMO_BENCH_PORT:-5499}
if [ -z "${CAPACITY_LOOP_INNER:-}" ]; then
    exec pg_virtualenv -t -o "port=$PORT" -o shared_preload_libraries=dynamo \
        -o dynamo.partition_read_ceiling=1000000 -o dynamo.partition_write_ceiling=1000000 -- \
        bash -c 'export PRELOADED_PGPORT=$PGPORT PRELOADED_PGHOST=$PGHOST PRELOADED_PGPASSWORD=${PGPASSWORD:-} CAPACITY_LOOP_INNER=1
                 exec pg_virtualenv -t -o "port=$((PORT + 1))" -- "$0"' "$self"
fi
setup="CREATE EXTENSION dynamo;
SELECT dynamo.execute('CreateTable', '{\"TableName\": \"Loop\", \"KeySchema\": [{\"AttributeName\": \"id\", \"KeyType\": \"HASH\"}],
    \"AttributeDefinitions\": [{\"AttributeName\": \"id\", \"AttributeType\": \"S\"}],
    \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 40000, \"WriteCapacityUnits\": 40000}}') IS NOT NULL;
SELECT count(dynamo.execute('PutItem', format('{\"TableName\": \"Loop\", \"Item\": {\"id\": {\"S\": \"k%s\"}, \"v\": {\"S\": \"%s\"}}}',
                                             i, repeat('x', 200))::jsonb)) FROM generate_series(0, 99) i;
CREATE FUNCTION loop_run(action text, n int, run text) RETURNS double precision LANGUAGE plpgsql AS \$\$
DECLARE
    started timestamptz := clock_timestamp();
    gets jsonb[] := ARRAY(SELECT format('{\"TableName\": \"Loop\", \"Key\": {\"id\": {\"S\": \"k%s\"}}}', i)::jsonb
                            FROM generate_series(0, 99) i);
BEGIN
    IF action = 'GetItem' THEN
        FOR i IN 0 .. n - 1 LOOP
            PERFORM dynamo.execute('GetItem', gets[1 + i % 100]);
        END LOOP;
    ELSE
        FOR i IN 0 .. n - 1 LOOP
            PERFORM dynamo.execute('PutItem', jsonb_build_object('TableName', 'Loop',
                'Item', jsonb_build_object('id', jsonb_build_object('S', run || '-' || i), 'v', '{\"S\": \"y\"}'::jsonb)));
        END LOOP;
    END IF;
    RETURN extract(epoch FROM clock_timestamp() - started) * 1000;
END
\$\$;"
loaded() { PGHOST=$PRELOADED_PGHOST PGPORT=$PRELOADED_PGPORT PGPASSWORD=$PRELOADED_PGPASSWORD psql -X -q -A -t -v ON_ERROR_STOP=1 -d postgres "$@"; }
unloaded() { psql -X -q -A -t -v ON_ERROR_STOP=1 -d postgres "$@"; }
loaded -c "$setup" >/dev/null
unloaded -c "$setup" 2>/dev/null >/dev/null
[ "$(loaded -c "SELECT dynamo.capacity_enforced()")" = t ] || { echo "capacity_loop: the preloaded cluster does not enforce"; exit 1; }
[ "$(unloaded -c "SELECT dynamo.capacity_enforced()" 2>/dev/null)" = f ] || { echo "capacity_loop: the other cluster enforces"; exit 1; }
for action in GetItem PutItem; do
    loaded -c "SELECT loop_run('$action', 2000, 'warm')" >/dev/null; unloaded -c "SELECT loop_run('$action', 2000, 'warm')" >/dev/null 2>&1
    on=(); off=()
    for r in $(seq 1 "$ROUNDS"); do
        if [ $((r % 2)) = 1 ]; then
            on+=("$(loaded -c "SELECT loop_run('$action', $N, 'r$r')")")
            off+=("$(unloaded -c "SELECT loop_run('$action', $N, 'r$r')" 2>/dev/null)")
        else
            off+=("$(unloaded -c "SELECT loop_run('$action', $N, 'r$r')" 2>/dev/null)")
            on+=("$(loaded -c "SELECT loop_run('$action', $N, 'r$r')")")
        fi
    done
    python3 - "$action" "$N" "${on[*]}" "${off[*]}" <<'PY'
import statistics, sys
action, n, on, off = sys.argv[1], int(sys.argv[2]), [float(x) for x in sys.argv[3].split()], [float(x) for x in sys.argv[4].split()]
ratios = sorted(a / b for a, b in zip(on, off))
m_on, m_off = statistics.median(on), statistics.median(off)
print(f"capacity_loop: {action}: {n} requests, median {m_on:.0f} ms with the capacity machinery, {m_off:.0f} ms without "
      f"({1000 * m_on / n:.2f} vs {1000 * m_off / n:.2f} us a request); overhead: of the medians "
      f"{100 * (m_on / m_off - 1):.1f}%, median of the rounds' {100 * (statistics.median(ratios) - 1):.1f}% "
      f"(rounds {100 * (ratios[0] - 1):.1f}..{100 * (ratios[-1] - 1):.1f}%)")
PY
done

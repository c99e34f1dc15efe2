#!/usr/bin/env bash
# run.sh: the capacity rate tests (issue 12), each in a throwaway cluster of
# its own (pg_virtualenv -t, dynamo preloaded) with shortened settings:
#
#   write          a table at 100 WCU driven at 500 puts/s: admitted == 100/s x window + the burst
#   read           the same for 100 RCU and strongly consistent GetItems
#   hot_partition  a table at 5000 WCU, partition_write_ceiling 100, one partition key: ~100/s
#   on_demand      on_demand_initial_write_units 200, on_demand_peak_seconds 5: ~200/s, then twice the peak
#   batch          BatchWriteItem partly served: UnprocessedItems exactly the unwritten requests
#   metering       8 clients with ReturnConsumedCapacity: reported units == the buckets' consumed growth
#   unloaded       without shared_preload_libraries: the SQL doors work, meter, never throttle
#
# Every test prints its measured figures (measured, expected, ratio) and
# run.sh exits non-zero when one is out of bounds.  About 2 minutes.
#
#   test/capacity/run.sh                 every test
#   test/capacity/run.sh write batch     some
#   PG_VIRTUALENV=... test/capacity/run.sh   another cluster runner taking pg_virtualenv's -o/-- arguments
set -euo pipefail
cd "$(dirname "$0")"
PG_VIRTUALENV=${PG_VIRTUALENV:-pg_virtualenv}
tests=${*:-"write read hot_partition on_demand batch metering unloaded"}
export SUMMARY FAILED_FILE
SUMMARY=$(mktemp /tmp/dynamo-capacity-summary.XXXXXX)
FAILED_FILE=$(mktemp /tmp/dynamo-capacity-failed.XXXXXX)
trap 'rm -f "$SUMMARY" "$FAILED_FILE"' EXIT

declare -A settings=(
    [write]="-o dynamo.burst_seconds=3"
    [read]="-o dynamo.burst_seconds=3"
    [hot_partition]="-o dynamo.burst_seconds=3 -o dynamo.partition_write_ceiling=100"
    [on_demand]="-o dynamo.on_demand_initial_write_units=200 -o dynamo.on_demand_peak_seconds=5 -o dynamo.ceiling_burst_seconds=1"
    [batch]="-o dynamo.burst_seconds=1"
    [metering]="-o dynamo.partition_write_ceiling=1000000 -o dynamo.partition_read_ceiling=1000000"
    [unloaded]=""
)
for t in $tests; do
    [ -n "${settings[$t]+set}" ] || { echo "capacity: unknown test $t" >&2; exit 2; }
    echo "--- capacity: $t"
    # shellcheck disable=SC2086
    preload="-o shared_preload_libraries=dynamo"
    [ "$t" != unloaded ] || preload=""
    $PG_VIRTUALENV -t $preload ${settings[$t]} -- "./$t.sh" > /dev/null ||
        echo x >> "$FAILED_FILE"
done
echo "=== capacity: summary"
cat "$SUMMARY"
if [ -s "$FAILED_FILE" ]; then
    echo "capacity: FAILED ($(wc -l < "$FAILED_FILE") failures)"
    exit 1
fi
echo "capacity: ok"

# lib.sh: shared by the rate tests of test/capacity/ (sourced, inside a
# cluster that run.sh started: PGHOST/PGPORT name it).
#
# Each test creates database dynamo_capacity with dynamo and helpers.sql,
# drives load with pgbench, and reports its figures with `figure`, which
# appends a line to $SUMMARY and counts a failure in $FAILED_FILE.

DB=dynamo_capacity
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUMMARY=${SUMMARY:-/dev/stdout}
FAILED_FILE=${FAILED_FILE:-/dev/null}
LOG=$(mktemp /tmp/dynamo-capacity.XXXXXX)
trap 'rm -f "$LOG"' EXIT

q() { psql -X -q -At -F ' ' -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

setup_database() {   # a fresh database with dynamo and the helpers
    dropdb --if-exists "$DB" >/dev/null 2>&1
    createdb "$DB"
    q -c "CREATE EXTENSION dynamo" -f "$HERE/helpers.sql" >/dev/null
    [ "$(q -c "SELECT dynamo.capacity_enforced()")" = t ] || fail "dynamo does not enforce capacity in this server"
}

fail() { echo "capacity: $TEST: FAILED: $*" | tee -a "$SUMMARY" >&2; echo x >> "$FAILED_FILE"; exit 1; }

drive() {   # drive SCRIPT RATE SECONDS CLIENTS TABLE: pgbench at RATE requests a second
    pgbench -n -c "$4" -j 2 -R "$2" -T "$3" -D table="$5" -f "$HERE/pgbench/$1.sql" "$DB" > "$LOG" 2>&1 ||
        { cat "$LOG" >&2; fail "pgbench $1 failed"; }
    grep -q "aborted" "$LOG" && grep -E "aborted|ERROR" "$LOG" | head -5 >&2 && fail "pgbench clients aborted"
    return 0
}

# figure NAME MEASURED EXPECTED TOLERANCE UNIT: one measured figure against
# its expectation (|measured / expected - 1| <= TOLERANCE)
figure() {
    local verdict ratio
    ratio=$(echo "$2 / $3" | bc -l)
    if [ "$(echo "($ratio - 1) <= $4 && (1 - $ratio) <= $4" | bc -l)" = 1 ]; then verdict=ok; else verdict=FAILED; fi
    printf "capacity: %-14s %-40s measured %9.1f  expected %9.1f  ratio %.3f  (within %s%%)  %s\n" \
        "$TEST" "$1" "$2" "$3" "$ratio" "$(echo "$4 * 100" | bc -l | sed 's/\.0*$//')" "$verdict" | tee -a "$SUMMARY"
    [ "$verdict" = ok ] || echo x >> "$FAILED_FILE"
}

check() {   # check DESCRIPTION CONDITION(bc): a yes/no fact
    if [ "$(echo "$2" | bc -l)" = 1 ]; then
        printf "capacity: %-14s %-40s ok\n" "$TEST" "$1" | tee -a "$SUMMARY"
    else
        printf "capacity: %-14s %-40s FAILED (%s)\n" "$TEST" "$1" "$2" | tee -a "$SUMMARY"
        echo x >> "$FAILED_FILE"
    fi
}

# lib.sh: the helpers the data-protection checks share (sourced, after setting CHECK, the check's name in
# its messages; WORK, a scratch directory; and DB, the database, postgres by default).
#
#   q ARGS...               psql on DB: quiet, unaligned, stop at the first error
#   fail WHAT               print "CHECK: FAILED: WHAT" and exit 1
#   same SQL1 SQL2 WHAT     the two queries' outputs must be equal (else a diff, and failed=1)
#   wait_until SQL WHAT     SQL returns t within 60 s (else fail)

q() { psql -X -q -v ON_ERROR_STOP=1 -d "${DB:-postgres}" -At "$@"; }
fail() { echo "$CHECK: FAILED: $*"; exit 1; }

same() {
    q -c "$1" >"$WORK/expected" || fail "$3: the expected query failed"
    q -c "$2" >"$WORK/got" || fail "$3: the query of the restored table failed"
    if ! cmp -s "$WORK/expected" "$WORK/got"; then
        echo "$CHECK: DIFFERENT: $3 ($(wc -l <"$WORK/expected") lines expected, $(wc -l <"$WORK/got") got)"
        diff -u "$WORK/expected" "$WORK/got" | cut -c1-300 | head -40 || true
        failed=1
    fi
}

wait_until() {
    for _ in $(seq 1 600); do
        [ "$(q -c "$1")" = "t" ] && return 0
        sleep 0.1
    done
    fail "$2 (after 60 s)"
}

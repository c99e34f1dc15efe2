#!/usr/bin/env bash
# transactions_run.sh: the body of transactions.sh, inside its cluster.
set -euo pipefail
cd "$(dirname "$0")"
DYNAMO="http://127.0.0.1:$HTTP_PORT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
summary=$tmp/summary
slice=$(( (DURATION + ROUNDS - 1) / ROUNDS ))
[ "$slice" -ge 1 ] || slice=1

q() { psql -X -q -At -v ON_ERROR_STOP=1 -d postgres "$@"; }
note() { echo "$*" >> "$summary"; }
fail() { echo "transactions.sh: $*" >&2; kill -TERM $$; exit 1; }
verdict() { if [ "$(echo "$1" | bc -l)" = 1 ]; then echo ok; else echo MISSED; fi; }
requests_per_unit() { case $1 in put4|get4) echo 4;; *) echo 1;; esac; }
letter_count() {   # letter_count L: items of Bench whose payload starts with L
    q -c "SELECT count(*) FROM dynamo.scan('Bench') i WHERE left((i::jsonb) #>> '{payload,S}', 1) = '$1'"
}

wrk_slice() {   # wrk_slice MODE CONNECTIONS SECONDS [CHECK]: "rps errors" of one run
    local threads=$(( $2 < 2 ? $2 : 2 ))
    MODE=$1 ITEMS=$ITEMS THREADS=$threads CHECK=${4:-0} \
        wrk -t "$threads" -c "$2" -d "${3}s" -s transactions/requests.lua "$DYNAMO" > "$tmp/wrk.out" 2>&1 ||
        { cat "$tmp/wrk.out" >&2; fail "wrk $1 failed"; }
    awk '/Requests\/sec/ {rps = $2} /Non-2xx/ {errors += $NF} /Socket errors/ {errors += 1}
         END {printf "%s %d\n", rps, errors}' "$tmp/wrk.out"
}
check() {   # check MODE: every answer of a short run is right and its writes land
    local letter=
    wrk_slice "$1" 2 1 1 > /dev/null
    grep -q "^check $1: [1-9][0-9]* requests, 0 bad answers" "$tmp/wrk.out" ||
        { cat "$tmp/wrk.out" >&2; fail "the endpoint does not answer $1 as expected"; }
    case $1 in put4) letter=p;; tx4|tx25) letter=t;; batch4|batch25) letter=b;; esac
    [ -z "$letter" ] || [ "$(letter_count "$letter")" -gt 0 ] || fail "$1 wrote no item"
}
interleaved() {   # interleaved CONNECTIONS MODE ...: the rps of each slice into $tmp/slices ("round mode rps errors")
    local conns=$1 r i rps errors
    shift
    local -a modes=("$@")
    : > "$tmp/slices"
    for ((r = 0; r < ROUNDS; r++)); do
        for i in "${!modes[@]}"; do
            [ $((r % 2)) = 0 ] || i=$(( ${#modes[@]} - 1 - i ))    # A B B A: drift falls on all sides alike
            q -c CHECKPOINT
            read -r rps errors <<< "$(wrk_slice "${modes[i]}" "$conns" "$slice")"
            echo "$r $i $rps $errors" >> "$tmp/slices"
        done
    done
}
mean_rps() {   # mean_rps MODE_INDEX: the mean rps of a mode over its slices
    awk -v i="$1" '$2 == i {sum += $3; n++} END {printf "%.1f\n", sum / n}' "$tmp/slices"
}
time_ratios() {   # time_ratios MODE_INDEX UNITS_RATIO: "median min max" over the rounds of the time per
                  # unit of the mode against mode 0's in the same round (UNITS_RATIO: its requests per unit
                  # over mode 0's)
    awk -v i="$1" -v k="$2" '$2 == 0 {base[$1] = $3} $2 == i {rps[$1] = $3}
        END {for (r in rps) v[++n] = base[r] / rps[r] * k
             for (a = 2; a <= n; a++) for (b = a; b > 1 && v[b - 1] > v[b]; b--) {t = v[b]; v[b] = v[b - 1]; v[b - 1] = t}
             median = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
             printf "%.3f %.3f %.3f\n", median, v[1], v[n]}' "$tmp/slices"
}

q -c "CREATE EXTENSION dynamo"
# crash recovery resets the statistics: their reset time tells whether a process died during the runs
stats_reset=$(q -c "SELECT stats_reset FROM pg_stat_bgwriter")
for i in $(seq 1 50); do curl -s -o /dev/null "$DYNAMO/" && break; sleep 0.2; done
/usr/bin/python3 endpoint/load.py "$DYNAMO/" "$ITEMS"
[ "$(q -c "SHOW fsync")" = "$FSYNC" ] || fail "fsync is not $FSYNC"
echo "transactions.sh: ITEMS=$ITEMS DURATION=$DURATION s per side in $ROUNDS slices, connections: $CONNS," \
     "fsync $FSYNC, $(q -c "SHOW dynamo.http_workers") endpoint workers"

declare -A sides=([write4]="put4 tx4 batch4" [write25]="batch25 tx25" [get4]="get4 txget4")
declare -A titles=([write4]="4 items: TransactWriteItems vs 4 PutItem" [write25]="25 items: TransactWriteItems vs BatchWriteItem"
                   [get4]="4 items: TransactGetItems vs 4 GetItem")
for part in $PARTS; do
    [ -n "${sides[$part]:-}" ] || fail "unknown part $part (write4 write25 get4)"
    for mode in ${sides[$part]}; do check "$mode"; done
done

printf "%-8s %5s %9s %9s %9s %9s %7s %13s %6s\n" mode conns req/s units/s ms/unit "ms p/cl" "x base" "rounds" errors
for part in $PARTS; do
    read -r -a modes <<< "${sides[$part]}"
    echo "== ${titles[$part]}"
    # unmeasured: the first overwrites of freshly loaded pages cost more, and
    # the first reads after writes prune the pages
    for mode in "${modes[@]}"; do wrk_slice "$mode" "${CONNS##* }" "$WARMUP" > /dev/null; done
    for conns in $CONNS; do
        interleaved "$conns" "${modes[@]}"
        errors=$(awk '{sum += $4} END {print sum}' "$tmp/slices")
        base_per_unit=$(requests_per_unit "${modes[0]}")
        for i in "${!modes[@]}"; do
            rps=$(mean_rps "$i")
            units=$(echo "$rps / $(requests_per_unit "${modes[i]}")" | bc -l)
            read -r ratio low high <<< "$(time_ratios "$i" "$(echo "$(requests_per_unit "${modes[i]}") / $base_per_unit" | bc -l)")"
            printf "%-8s %5s %9.0f %9.0f %9.3f %9.3f %7.2f %13s %6s\n" "${modes[i]}" "$conns" "$rps" "$units" \
                "$(echo "1000 / $units" | bc -l)" "$(echo "1000 * $conns / $units" | bc -l)" "$ratio" \
                "$(printf "%.2f-%.2f" "$low" "$high")" "$([ "$i" = 0 ] && echo "$errors" || echo)"
            eval "ratio_$i=\$ratio range_$i=\$(printf '%.2f-%.2f' \$low \$high)"
        done
        line=$(printf "%-48s %2s conns: time x%.2f (rounds %s)" "${titles[$part]}" "$conns" "$ratio_1" "$range_1")
        if [ "$part" = write4 ]; then
            line="$line$(printf "  target <= 1.5: %-6s  BatchWriteItem of 4 x%.2f" "$(verdict "$ratio_1 <= 1.5")" "$ratio_2")"
        fi
        [ "$errors" = 0 ] || line="$line  WARNING: $errors errors (non-2xx answers)"
        note "$line"
    done
done
echo "(units/s: transactions, or groups of 4 single-item requests, or batches a second; ms/unit: 1000 / units/s;"
echo " ms p/cl: the time each client waits per unit; x base: time per unit against the part's first line,"
echo " the median over the rounds of the ratio in each round; rounds: its lowest and highest)"

echo "autovacuum runs on the table: $(q -c "SELECT coalesce(sum(autovacuum_count), 0) FROM pg_stat_user_tables WHERE schemaname = 'dynamo_data'")"
[ "$(q -c "SELECT stats_reset FROM pg_stat_bgwriter")" = "$stats_reset" ] ||
    fail "FAILED: a server process died during the runs (crash recovery reset the statistics)"
echo "== Summary (time per unit of work, transaction against its baseline)"
cat "$summary"

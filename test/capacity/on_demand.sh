#!/usr/bin/env bash
# on_demand.sh: a new PAY_PER_REQUEST table with
# dynamo.on_demand_initial_write_units = INITIAL and
# dynamo.on_demand_peak_seconds = PEAK_SECONDS and a bucket that keeps one
# second (dynamo.ceiling_burst_seconds = 1; run.sh), driven at OFFERED
# small PutItems a second for SECONDS.
#
# The model (src/capacity/capacity_buckets.c): a new table's previous peak
# is INITIAL / 2 and it serves twice that, INITIAL a second; a second of
# consumption above the previous peak becomes the previous peak once it is
# PEAK_SECONDS old.  So the table first admits ~INITIAL a second; after
# sustained load, from PEAK_SECONDS on, twice its busiest clock second so
# far, and after another PEAK_SECONDS more than is offered.  The busiest
# second is the first: the bucket starts full (one second of INITIAL) and
# refills during that second, so it holds up to 2 x INITIAL, and the rate
# after PEAK_SECONDS is up to 4 x INITIAL: OFFERED must be above that.
set -euo pipefail
TEST=on_demand
source "$(dirname "$0")/lib.sh"
OFFERED=${OFFERED:-1000} SECONDS_=${SECONDS_:-16}
setting() { q -d postgres -c "SELECT setting FROM pg_settings WHERE name = 'dynamo.$1'"; }
INITIAL=$(setting on_demand_initial_write_units) PEAK_SECONDS=$(setting on_demand_peak_seconds)

setup_database
q -c "SELECT dynamo.execute('CreateTable', '{\"TableName\": \"OnDemand\", \"BillingMode\": \"PAY_PER_REQUEST\",
      \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}],
      \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}]}')" >/dev/null
# admitted puts a clock second, by seconds since the start (t0: the first attempt)
q -c "CREATE VIEW cap_seconds AS
      SELECT date_trunc('second', at) AS second, count(*) FILTER (WHERE admitted) AS admitted, count(*) AS attempts
        FROM cap_attempts GROUP BY 1;
      CREATE FUNCTION cap_rate(from_s float8, to_s float8) RETURNS float8 LANGUAGE sql AS \$\$
          SELECT count(*) FILTER (WHERE admitted) / (to_s - from_s)
            FROM cap_attempts, (SELECT min(at) AS t0 FROM cap_attempts) s
           WHERE at >= t0 + from_s * interval '1 second' AND at < t0 + to_s * interval '1 second'
      \$\$;
      CREATE FUNCTION cap_offered(from_s float8, to_s float8) RETURNS float8 LANGUAGE sql AS \$\$
          SELECT count(*) / (to_s - from_s)
            FROM cap_attempts, (SELECT min(at) AS t0 FROM cap_attempts) s
           WHERE at >= t0 + from_s * interval '1 second' AND at < t0 + to_s * interval '1 second'
      \$\$;"
drive put "$OFFERED" "$SECONDS_" 4 OnDemand
# phase 1: [1, PEAK_SECONDS - 0.2) s; the first peak: the busiest clock second before the first doubling
phase1=$(q -c "SELECT cap_rate(1, $PEAK_SECONDS - 0.2)")
first_peak=$(q -c "SELECT max(admitted) FROM cap_seconds, (SELECT min(at) AS t0 FROM cap_attempts) s
                    WHERE second < t0 + ($PEAK_SECONDS - 1) * interval '1 second'")
# phase 2: after the first doubling (PEAK_SECONDS + 1 s of slack), before the second ((2 x PEAK_SECONDS) + 1 s)
phase2=$(q -c "SELECT cap_rate($PEAK_SECONDS + 1, 2 * $PEAK_SECONDS + 1)")
offered2=$(q -c "SELECT cap_offered($PEAK_SECONDS + 1, 2 * $PEAK_SECONDS + 1)")
# phase 3: after the second doubling: twice phase 2's busiest second > OFFERED, so all is admitted
phase3=$(q -c "SELECT cap_rate(2 * $PEAK_SECONDS + 3, $SECONDS_ - 0.5)")
offered3=$(q -c "SELECT cap_offered(2 * $PEAK_SECONDS + 3, $SECONDS_ - 0.5)")
read -r items admitted <<< "$(q -c "SELECT (SELECT count(*) FROM dynamo_data.\"OnDemand\"), count(*) FILTER (WHERE admitted) FROM cap_attempts")"
q -c "SELECT extract(epoch FROM second - (SELECT date_trunc('second', min(at)) FROM cap_attempts))::int, admitted, attempts
        FROM cap_seconds ORDER BY 1" | awk '{printf "%s:%s/%s ", $1, $2, $3} END {print ""}' |
    sed 's/^/capacity: on_demand      admitted\/offered by clock second: /' | tee -a "$SUMMARY"
figure "rate at first, /s (initial $INITIAL)" "$phase1" "$INITIAL" 0.05
check "offered then ($(printf %.0f "$offered2")/s) > 2 x peak $first_peak" "$offered2 > 1.05 * 2 * $first_peak"
figure "rate after ${PEAK_SECONDS} s, /s (2 x peak $first_peak)" "$phase2" "$(echo "2 * $first_peak" | bc -l)" 0.05
figure "that rate / the previous peak" "$(echo "$phase2 / $first_peak" | bc -l)" 2 0.05
figure "rate after $((2 * PEAK_SECONDS)) s == offered, /s" "$phase3" "$offered3" 0.03
check "items ($items) == admitted ($admitted)" "$items == $admitted"

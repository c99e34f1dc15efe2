#!/usr/bin/env bash
# read.sh: a table provisioned at RATE read units driven at OFFERED strongly
# consistent GetItems of small items (1 unit each) a second for SECONDS
# (run.sh sets dynamo.burst_seconds = BURST): the admitted reads over the
# window are RATE x window + RATE x BURST, and the bucket consumed one unit
# for each admitted read and nothing for a refused one.
set -euo pipefail
TEST=read
source "$(dirname "$0")/lib.sh"
RATE=${RATE:-100} OFFERED=${OFFERED:-500} SECONDS_=${SECONDS_:-12} BURST=$(q -d postgres -c "SELECT setting FROM pg_settings WHERE name = 'dynamo.burst_seconds'")

setup_database
q -c "SELECT dynamo.execute('CreateTable', '{\"TableName\": \"Reads\", \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}],
      \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}],
      \"ProvisionedThroughput\": {\"ReadCapacityUnits\": $RATE, \"WriteCapacityUnits\": 1000}}')" >/dev/null
q -c "SELECT count(*) FROM generate_series(1, 100) g,
        LATERAL dynamo.put_item('Reads', jsonb_build_object('pk', jsonb_build_object('S', 'r' || g), 'v', '{\"N\": \"1\"}'::jsonb)::dynamo.item)" >/dev/null
drive get "$OFFERED" "$SECONDS_" 4 Reads
read -r window attempts admitted <<< "$(q -c "SELECT * FROM cap_window()")"
consumed=$(q -c "SELECT cap_consumed('Reads', 'READ')")
figure "offered gets/s" "$(echo "$attempts / $window" | bc -l)" "$OFFERED" 0.25
figure "admitted gets ($(printf %.1f "$window") s window)" "$admitted" "$(echo "$RATE * $window + $RATE * $BURST" | bc -l)" 0.05
figure "admitted rate after the burst, /s" "$(echo "($admitted - $RATE * $BURST) / $window" | bc -l)" "$RATE" 0.05
check "consumed ($consumed) == admitted ($admitted)" "$consumed == $admitted"
check "some gets refused" "$attempts > $admitted"

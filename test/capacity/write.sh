#!/usr/bin/env bash
# write.sh: a table provisioned at RATE write units driven at OFFERED small
# PutItems a second for SECONDS (run.sh sets dynamo.burst_seconds = BURST).
# The bucket starts full with BURST seconds of units and refills at RATE, so
# the admitted writes over the window are RATE x window + RATE x BURST; the
# table holds exactly the admitted items (a refused put wrote nothing) and
# its bucket consumed one unit for each.
set -euo pipefail
TEST=write
source "$(dirname "$0")/lib.sh"
RATE=${RATE:-100} OFFERED=${OFFERED:-500} SECONDS_=${SECONDS_:-12} BURST=$(q -d postgres -c "SELECT setting FROM pg_settings WHERE name = 'dynamo.burst_seconds'")

setup_database
q -c "SELECT dynamo.execute('CreateTable', '{\"TableName\": \"Writes\", \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}],
      \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}],
      \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 1, \"WriteCapacityUnits\": $RATE}}')" >/dev/null
drive put "$OFFERED" "$SECONDS_" 4 Writes
read -r window attempts admitted <<< "$(q -c "SELECT * FROM cap_window()")"
read -r items consumed <<< "$(q -c "SELECT count(*), cap_consumed('Writes', 'WRITE') FROM dynamo_data.\"Writes\"")"
figure "offered puts/s" "$(echo "$attempts / $window" | bc -l)" "$OFFERED" 0.25
figure "admitted puts ($(printf %.1f "$window") s window)" "$admitted" "$(echo "$RATE * $window + $RATE * $BURST" | bc -l)" 0.05
figure "admitted rate after the burst, /s" "$(echo "($admitted - $RATE * $BURST) / $window" | bc -l)" "$RATE" 0.05
check "items ($items) == admitted ($admitted)" "$items == $admitted"
check "consumed ($consumed) == admitted" "$consumed == $admitted"
check "some puts refused" "$attempts > $admitted"

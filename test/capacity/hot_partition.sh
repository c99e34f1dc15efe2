#!/usr/bin/env bash
# hot_partition.sh: a table provisioned at 5000 write units, far more than
# it is sent, with dynamo.partition_write_ceiling = CEILING (run.sh): every
# put goes to the one partition key 'hot' (fresh sort keys), OFFERED a
# second for SECONDS.  The table's bucket never runs dry; the partition's
# ceiling admits CEILING units a second and keeps dynamo.ceiling_burst_seconds
# (BURST) of them, so the admitted puts are CEILING x window + CEILING x
# BURST; the reason given is
# the partition's (KeyRangeThroughputExceeded), and a put under another
# partition key is served meanwhile.
set -euo pipefail
TEST=hot_partition
source "$(dirname "$0")/lib.sh"
OFFERED=${OFFERED:-500} SECONDS_=${SECONDS_:-10}
CEILING=$(q -d postgres -c "SELECT setting FROM pg_settings WHERE name = 'dynamo.partition_write_ceiling'")
BURST=$(q -d postgres -c "SELECT setting FROM pg_settings WHERE name = 'dynamo.ceiling_burst_seconds'")

setup_database
q -c "SELECT dynamo.execute('CreateTable', '{\"TableName\": \"HotKey\",
      \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}, {\"AttributeName\": \"sk\", \"KeyType\": \"RANGE\"}],
      \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}, {\"AttributeName\": \"sk\", \"AttributeType\": \"N\"}],
      \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 1, \"WriteCapacityUnits\": 5000}}')" >/dev/null
drive put_hot "$OFFERED" "$SECONDS_" 4 HotKey
read -r window attempts admitted <<< "$(q -c "SELECT * FROM cap_window()")"
read -r items consumed <<< "$(q -c "SELECT count(*), cap_consumed('HotKey', 'WRITE') FROM dynamo_data.\"HotKey\"")"
figure "offered puts/s" "$(echo "$attempts / $window" | bc -l)" "$OFFERED" 0.25
figure "admitted puts ($(printf %.1f "$window") s window)" "$admitted" "$(echo "$CEILING * $window + $CEILING * $BURST" | bc -l)" 0.05
figure "admitted rate on the hot key, /s" "$(echo "($admitted - $CEILING * $BURST) / $window" | bc -l)" "$CEILING" 0.05
check "items ($items) == admitted ($admitted)" "$items == $admitted"
check "consumed ($consumed) == admitted" "$consumed == $admitted"

# the partition's ceiling, not the table's units: drain what the hot key's
# bucket holds, then its next put is refused with the partition's
# reason while puts under other keys (another partition) are served
reason=$(q -c "DO \$\$
    BEGIN
        FOR i IN 1..$((CEILING * (BURST + 4))) LOOP
            PERFORM dynamo.put_item('HotKey', jsonb_build_object('pk', '{\"S\": \"hot\"}'::jsonb,
                                                                 'sk', jsonb_build_object('N', (-i)::text))::dynamo.item);
        END LOOP;
    END \$\$" 2>&1 | sed -n 's/^DETAIL: *//p' || true)
check "reason is the key range's" "$(echo "$reason" | grep -c '"TableWriteKeyRangeThroughputExceeded"') == 1"
others=$(q -c "SELECT count(*) FILTER (WHERE cap_put('HotKey', jsonb_build_object('pk', jsonb_build_object('S', 'cold' || g), 'sk', '{\"N\": \"1\"}'::jsonb)))
                 FROM generate_series(1, 16) g")
check "puts under other keys served ($others of 16)" "$others >= 8"

#!/usr/bin/env bash
# batch.sh: BatchWriteItem partly served.  A table provisioned at RATE write
# units with dynamo.burst_seconds = 1 (run.sh) holds RATE units; a batch of
# 25 puts of 10 KB (10 units each) is admitted put by put while the bucket
# holds a unit, so RATE / 10 are written and the rest come back in
# UnprocessedItems exactly as sent.  Then the client's retry loop (resend
# UnprocessedItems until none is left) finishes the 25 at the table's
# rate: (250 - RATE) / RATE seconds.
set -euo pipefail
TEST=batch
source "$(dirname "$0")/lib.sh"
RATE=${RATE:-100}

setup_database
q -c "SELECT dynamo.execute('CreateTable', '{\"TableName\": \"Batched\", \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}],
      \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}],
      \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 1, \"WriteCapacityUnits\": $RATE}}')" >/dev/null
q -c "CREATE TABLE cap_request AS
      SELECT jsonb_build_object('RequestItems', jsonb_build_object('Batched', jsonb_agg(
                 jsonb_build_object('PutRequest', jsonb_build_object('Item',
                     jsonb_build_object('pk', jsonb_build_object('S', 'b' || g), 'p', jsonb_build_object('S', repeat('x', 10200)))))
                 ORDER BY g))) AS request
        FROM generate_series(1, 25) g" >/dev/null
q -c "CREATE TABLE cap_answer AS SELECT dynamo.execute('BatchWriteItem', request) AS answer, clock_timestamp() AS at FROM cap_request" >/dev/null
read -r unprocessed written consumed exact <<< "$(q -c "
    SELECT jsonb_array_length(answer #> '{UnprocessedItems,Batched}'),
           (SELECT count(*) FROM dynamo_data.\"Batched\"),
           cap_consumed('Batched', 'WRITE'),
           -- the unprocessed requests are exactly those sent whose items were not written
           (SELECT array_agg(r ORDER BY r::text) FROM jsonb_array_elements(answer #> '{UnprocessedItems,Batched}') r)
             IS NOT DISTINCT FROM
           (SELECT array_agg(r ORDER BY r::text) FROM jsonb_array_elements(request #> '{RequestItems,Batched}') r
             WHERE NOT EXISTS (SELECT 1 FROM dynamo_data.\"Batched\" i
                                WHERE dynamo.get_text(i.item, 'pk') = r #>> '{PutRequest,Item,pk,S}'))
      FROM cap_answer, cap_request")"
[ -n "$exact" ] || fail "the first batch's answer could not be read"
figure "puts served of 25" "$written" "$(echo "$RATE / 10" | bc -l)" 0.10
check "served ($written) + unprocessed ($unprocessed) == 25" "$written + $unprocessed == 25"
check "UnprocessedItems == the unwritten requests" "$([ "$exact" = t ] && echo 1 || echo 0) == 1"
check "consumed ($consumed) == 10 x served" "$consumed == 10 * $written"

# the client's retry loop, as the SDKs do (their backoff left out); the
# 25th put is admitted once the bucket is positive after 24 x 10 units:
# (240 - RATE) / RATE seconds after the first batch
read -r rounds seconds <<< "$(q -c "
    CREATE FUNCTION cap_retry() RETURNS TABLE (rounds int, seconds float8) LANGUAGE plpgsql AS \$\$
    DECLARE
        answer jsonb := (SELECT a.answer FROM cap_answer a);
        started timestamptz := (SELECT a.at FROM cap_answer a);
    BEGIN
        rounds := 0;
        WHILE answer -> 'UnprocessedItems' <> '{}' LOOP
            BEGIN
                answer := dynamo.execute('BatchWriteItem', jsonb_build_object('RequestItems', answer -> 'UnprocessedItems'));
            EXCEPTION WHEN OTHERS THEN
                IF NOT cap_throttled(SQLSTATE) THEN
                    RAISE;
                END IF;
                PERFORM pg_sleep(0.01);    -- nothing served: the exception; the items stay unprocessed
            END;
            rounds := rounds + 1;
        END LOOP;
        seconds := extract(epoch FROM clock_timestamp() - started);
        RETURN NEXT;
    END \$\$;
    SELECT r.rounds, r.seconds FROM cap_retry() r")"
written=$(q -c "SELECT count(*) FROM dynamo_data.\"Batched\"")
check "all 25 written after $rounds retries" "$written == 25"
figure "seconds to finish by retrying" "$seconds" "$(echo "(241 - $RATE) / $RATE" | bc -l)" 0.10

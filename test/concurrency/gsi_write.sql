-- gsi_write.sql: the writes of the GSI tests (gsi_backfill.sh,
-- gsi_writers.sh, test/crash/): gsi_write(table, k, op, v) makes one write
-- of item k of a table keyed (pk S, sk N), by one of several doors, that
-- puts the item into an index, moves it between index keys, takes it out of
-- one, or deletes it.  Item k is {pk: "p<k mod 1000>", sk: k, g: "g<v mod
-- 97>" (S), r: v mod 13 (N), c: v mod 5 (N), t: "t<v mod 3>" (S), pay, ver}.
-- Returns the outcome: 'ok', 'condition' (ConditionalCheckFailedException)
-- or 'invalid' (ValidationException: an index key attribute of the wrong
-- type or empty, once the index is ACTIVE: one the write gives the item,
-- or one the item kept from before, that its backfill left out).  Any other error is the test's failure.

CREATE FUNCTION gsi_key(k bigint) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('pk', jsonb_build_object('S', 'p' || k % 1000), 'sk', jsonb_build_object('N', k::text))
$$;

CREATE FUNCTION gsi_plain_item(k bigint, v bigint) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('pk', 'p' || k % 1000, 'sk', k, 'g', 'g' || v % 97, 'r', v % 13, 'c', v % 5,
                              't', 't' || v % 3, 'pay', md5(v::text), 'ver', 0)
$$;

CREATE FUNCTION gsi_write(tab text, k bigint, op integer, v bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    key jsonb := gsi_key(k);
    item jsonb := dynamo.from_plain(gsi_plain_item(k, v))::jsonb;
    pk dynamo.value := dynamo.value_from_plain(to_jsonb('p' || k % 1000));
    sk dynamo.value := dynamo.value_from_plain(to_jsonb(k));
    old_ver jsonb;
BEGIN
    CASE op
    WHEN 0 THEN                 -- PutItem: into the indexes
        PERFORM dynamo.execute('PutItem', jsonb_build_object('TableName', tab, 'Item', item));
    WHEN 1 THEN                 -- PutItem without g: out of the indexes on g
        PERFORM dynamo.execute('PutItem', jsonb_build_object('TableName', tab, 'Item', item - 'g'));
    WHEN 2 THEN                 -- PutItem with g a number: the wrong type
        PERFORM dynamo.execute('PutItem', jsonb_build_object('TableName', tab,
            'Item', item || jsonb_build_object('g', jsonb_build_object('N', v::text))));
    WHEN 3 THEN                 -- UpdateItem moving an existing item between index keys
        PERFORM dynamo.execute('UpdateItem', jsonb_build_object('TableName', tab, 'Key', key,
            'UpdateExpression', 'SET g = :g, r = :r, c = :c', 'ConditionExpression', 'attribute_exists(pk)',
            'ExpressionAttributeValues', jsonb_build_object(':g', item -> 'g', ':r', item -> 'r', ':c', item -> 'c')));
    WHEN 4 THEN                 -- UpdateItem removing the index key attribute
        PERFORM dynamo.execute('UpdateItem', jsonb_build_object('TableName', tab, 'Key', key,
            'UpdateExpression', 'REMOVE g'));
    WHEN 5 THEN                 -- UpdateItem of projected non-key attributes
        PERFORM dynamo.execute('UpdateItem', jsonb_build_object('TableName', tab, 'Key', key,
            'UpdateExpression', 'SET pay = :p, t = :t ADD ver :one',
            'ExpressionAttributeValues', jsonb_build_object(':p', item -> 'pay', ':t', item -> 't',
                                                            ':one', '{"N": "1"}'::jsonb)));
    WHEN 6 THEN                 -- UpdateItem giving the sort key r the wrong type
        PERFORM dynamo.execute('UpdateItem', jsonb_build_object('TableName', tab, 'Key', key,
            'UpdateExpression', 'SET r = :s', 'ExpressionAttributeValues',
            jsonb_build_object(':s', jsonb_build_object('S', 'r' || v))));
    WHEN 7 THEN                 -- DeleteItem
        PERFORM dynamo.execute('DeleteItem', jsonb_build_object('TableName', tab, 'Key', key));
    WHEN 8 THEN                 -- plain SQL UPDATE moving the item
        EXECUTE format('UPDATE dynamo_data.%I SET item = $3 WHERE pk OPERATOR(dynamo.=) $1 AND sk OPERATOR(dynamo.=) $2',
                       (SELECT relation_name FROM dynamo.tables WHERE table_name = tab))
            USING pk, sk, dynamo.from_plain(gsi_plain_item(k, v + 1));
    WHEN 9 THEN                 -- plain SQL DELETE
        EXECUTE format('DELETE FROM dynamo_data.%I WHERE pk OPERATOR(dynamo.=) $1 AND sk OPERATOR(dynamo.=) $2',
                       (SELECT relation_name FROM dynamo.tables WHERE table_name = tab))
            USING pk, sk;
    WHEN 10 THEN                -- plain SQL INSERT ... ON CONFLICT DO UPDATE (an upsert)
        EXECUTE format('INSERT INTO dynamo_data.%I AS t (pk, sk, item) VALUES ($1, $2, $3)'
                       ' ON CONFLICT (pk, sk) DO UPDATE SET item = excluded.item',
                       (SELECT relation_name FROM dynamo.tables WHERE table_name = tab))
            USING pk, sk, dynamo.from_plain(gsi_plain_item(k, v) - 't');
    WHEN 11 THEN                -- UpdateItem ADD on the index sort key, if the item is in the index
        PERFORM dynamo.execute('UpdateItem', jsonb_build_object('TableName', tab, 'Key', key,
            'UpdateExpression', 'ADD r :one', 'ConditionExpression', 'attribute_type(r, :n)',
            'ExpressionAttributeValues', '{":one": {"N": "1"}, ":n": {"S": "N"}}'::jsonb));
    WHEN 12 THEN                -- the SQL function put_item
        PERFORM dynamo.put_item(tab, dynamo.from_plain(gsi_plain_item(k, v) - 'c'));
    WHEN 13 THEN                -- UpdateItem creating or moving, with a condition on the old key
        PERFORM dynamo.execute('UpdateItem', jsonb_build_object('TableName', tab, 'Key', key,
            'UpdateExpression', 'SET g = :g, t = :t', 'ConditionExpression', 'attribute_not_exists(g) OR g <> :g',
            'ExpressionAttributeValues', jsonb_build_object(':g', item -> 'g', ':t', item -> 't')));
    WHEN 14 THEN                -- optimistic locking: read the version, move the item if it is unchanged
        old_ver := dynamo.get(dynamo.get_item(tab, key::dynamo.item), 'ver')::jsonb;
        IF old_ver IS NULL THEN
            RETURN 'condition';
        END IF;
        PERFORM dynamo.execute('UpdateItem', jsonb_build_object('TableName', tab, 'Key', key,
            'UpdateExpression', 'SET g = :g, r = :r, c = :c, pay = :p, ver = ver + :one',
            'ConditionExpression', 'ver = :old',
            'ExpressionAttributeValues', jsonb_build_object(':g', item -> 'g', ':r', item -> 'r', ':c', item -> 'c',
                                                            ':p', item -> 'pay', ':one', '{"N": "1"}'::jsonb,
                                                            ':old', old_ver)));
    ELSE                        -- BatchWriteItem: put this item, delete the next one
        PERFORM dynamo.execute('BatchWriteItem', jsonb_build_object('RequestItems', jsonb_build_object(tab,
            jsonb_build_array(jsonb_build_object('PutRequest', jsonb_build_object('Item', item)),
                              jsonb_build_object('DeleteRequest', jsonb_build_object('Key', gsi_key(k + 1)))))));
    END CASE;
    RETURN 'ok';
EXCEPTION
    WHEN SQLSTATE 'YD003' THEN
        RETURN 'condition';
    WHEN SQLSTATE 'YD001' THEN
        -- only an index key attribute of the wrong type or empty may be refused
        -- (one this write gives, or one the item kept from a backfill)
        IF SQLERRM NOT LIKE '%Type mismatch for Index Key%' AND SQLERRM NOT LIKE '%secondary index key%' THEN
            RAISE;
        END IF;
        RETURN 'invalid';
END
$$;

-- gsi_writer(table, keys, seconds, ops): one writer: random writes of items
-- 1 .. keys, op among ops (default every one), one transaction each,
-- until a row appears in gsi_stop or the seconds run out; then its counts
-- of outcomes go into gsi_writes.
CREATE TABLE gsi_stop ();
CREATE TABLE gsi_writes (op integer, outcome text, n bigint);

CREATE PROCEDURE gsi_writer(tab text, keys bigint, seconds integer, ops integer[] DEFAULT NULL)
LANGUAGE plpgsql AS $$
DECLARE
    deadline timestamptz := clock_timestamp() + make_interval(secs => seconds);
    counts jsonb := '{}';
    op integer;
    outcome text;
    name text;
BEGIN
    LOOP
        EXIT WHEN clock_timestamp() > deadline OR EXISTS (SELECT FROM gsi_stop);
        op := CASE WHEN ops IS NULL THEN floor(random() * 16)::integer
                   ELSE ops[1 + floor(random() * cardinality(ops))::integer] END;
        outcome := gsi_write(tab, 1 + floor(random() * keys)::bigint, op, floor(random() * 1000000)::bigint);
        name := op || ' ' || outcome;
        counts := counts || jsonb_build_object(name, coalesce((counts ->> name)::bigint, 0) + 1);
        COMMIT;
    END LOOP;
    INSERT INTO gsi_writes
        SELECT split_part(key, ' ', 1)::integer, split_part(key, ' ', 2), value::bigint FROM jsonb_each_text(counts);
    COMMIT;
END
$$;

-- setup.sql: the table and the client step of the concurrency test.
--
-- increment_once(): one client's optimistic increment of the counter item:
-- read it, write it back with n + 1 and the version it read; when another
-- writer got there first (ConditionalCheckFailedException, SQLSTATE YD003),
-- read again and retry. Every call ends with exactly one successful write,
-- and logs how many attempts it took.
SELECT dynamo.create_table('Counters', 'id', version_attribute => 'ver') IS NOT NULL;
SELECT dynamo.put_item('Counters', '{"id": {"S": "versioned"}, "n": {"N": "0"}}');
SELECT dynamo.put_item('Counters', '{"id": {"S": "added"}, "n": {"N": "0"}}');
CREATE TABLE attempts (attempts integer NOT NULL);

CREATE FUNCTION increment_once() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    item dynamo.item;
    tries integer := 0;
BEGIN
    LOOP
        tries := tries + 1;
        item := dynamo.get_item('Counters', '{"id": {"S": "versioned"}}');
        BEGIN
            PERFORM dynamo.execute('PutItem', jsonb_build_object(
                'TableName', 'Counters',
                'Item', item::jsonb || jsonb_build_object('n', jsonb_build_object(
                            'N', (dynamo.get(item, 'n')::numeric + 1)::text))));
            INSERT INTO attempts VALUES (tries);
            RETURN tries;
        EXCEPTION WHEN SQLSTATE 'YD003' THEN
            NULL;               -- another writer won: read again
        END;
    END LOOP;
END
$$;

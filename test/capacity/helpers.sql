-- helpers.sql: what the rate tests' pgbench clients call (test/capacity/).
--
-- Every attempt is logged in cap_attempts with its time and verdict: a
-- request throttled by dynamo (ProvisionedThroughputExceededException,
-- ThrottlingException) is caught and logged as refused; any other error
-- fails the client.  A refused request's subtransaction is rolled back, so
-- whatever it did (nothing, if dynamo is right) is undone either way: the
-- tests count the items that remain to prove it did nothing.

CREATE TABLE cap_attempts (
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    admitted boolean NOT NULL
);

-- the SQLSTATEs of the throttling exceptions
CREATE FUNCTION cap_throttled(code text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM dynamo.exceptions() e
                    WHERE e.sqlstate = code
                      AND e.name IN ('ProvisionedThroughputExceededException', 'ThrottlingException',
                                     'RequestLimitExceeded'))
$$;

-- cap_put(table, item): PutItem, logged; true when admitted
CREATE FUNCTION cap_put(table_name text, item jsonb) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        PERFORM dynamo.put_item(table_name, item::dynamo.item);
    EXCEPTION WHEN OTHERS THEN
        IF NOT cap_throttled(SQLSTATE) THEN
            RAISE;
        END IF;
        INSERT INTO cap_attempts (admitted) VALUES (false);
        RETURN false;
    END;
    INSERT INTO cap_attempts (admitted) VALUES (true);
    RETURN true;
END
$$;

-- cap_get(table, key): strongly consistent GetItem, logged; true when admitted
CREATE FUNCTION cap_get(table_name text, key jsonb) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        PERFORM dynamo.get_item(table_name, key::dynamo.item);
    EXCEPTION WHEN OTHERS THEN
        IF NOT cap_throttled(SQLSTATE) THEN
            RAISE;
        END IF;
        INSERT INTO cap_attempts (admitted) VALUES (false);
        RETURN false;
    END;
    INSERT INTO cap_attempts (admitted) VALUES (true);
    RETURN true;
END
$$;

-- a fresh key for every put: the items left are the puts admitted
CREATE SEQUENCE cap_keys;

-- cap_window(): the attempts' span in seconds, and how many were made and admitted
CREATE FUNCTION cap_window(OUT seconds float8, OUT attempts bigint, OUT admitted bigint)
LANGUAGE sql AS $$
    SELECT extract(epoch FROM max(at) - min(at))::float8, count(*), count(*) FILTER (WHERE admitted)
      FROM cap_attempts
$$;

-- the units a table (or GSI) consumed since the server started
CREATE FUNCTION cap_consumed(table_name text, kind text) RETURNS float8
LANGUAGE sql AS $$
    SELECT coalesce(sum(c.consumed), 0) FROM dynamo.capacity c
     WHERE c.table_name = $1 AND c.kind = $2 AND c.partition IS NULL AND c.index_name IS NULL
$$;

-- 00_schema.sql: checks that come before anything is created.
--
-- The schema "dynamo" itself is created by CREATE EXTENSION (dynamo.control
-- names it; the extension is not relocatable).

-- DynamoDB strings are UTF-8 and keys order by their UTF-8 bytes.
DO $$
BEGIN
    IF pg_catalog.getdatabaseencoding() <> 'UTF8' THEN
        RAISE EXCEPTION 'dynamo requires a database with UTF8 encoding, not %',
            pg_catalog.getdatabaseencoding();
    END IF;
END
$$;

-- 00_setup.sql: helpers shared by the regression files that follow.
-- pg_regress created the extension (--load-extension=dynamo).

SELECT extname, extversion, nspname
  FROM pg_extension JOIN pg_namespace ON pg_namespace.oid = extnamespace
 WHERE extname = 'dynamo';

-- the operators live in schema dynamo
ALTER DATABASE contrib_regression SET search_path = public, dynamo;

-- error_of(sql): the DynamoDB exception and message that running sql raises,
-- or 'no error'
CREATE FUNCTION public.error_of(sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    code text;
BEGIN
    EXECUTE sql;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    code := SQLSTATE;
    RETURN coalesce((SELECT e.name FROM dynamo.exceptions() e WHERE e.sqlstate = code),
                    'SQLSTATE ' || code) || ': ' || SQLERRM;
END
$$;

-- item_error(json): the error that reading json as a dynamo.item raises
CREATE FUNCTION public.item_error(json text) RETURNS text
LANGUAGE sql AS $$ SELECT public.error_of(format('SELECT %L::dynamo.item', json)) $$;

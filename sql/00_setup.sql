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

-- used_only(placeholders, expression): the placeholders the expression
-- mentions, so that tables of cases can share one set of values
CREATE FUNCTION public.used_only(placeholders jsonb, expression text) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT jsonb_object_agg(key, value) FROM jsonb_each(placeholders)
     WHERE expression ~ (regexp_replace(key, '([#:])', '\1') || '(?![A-Za-z0-9_])')
$$;

-- check_condition(item, condition, values, names): a ConditionExpression's
-- verdict on an item, or the error it raises; values and names the
-- condition does not mention are left out
CREATE FUNCTION public.check_condition(item text, condition text, vals jsonb DEFAULT NULL, names jsonb DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    result boolean;
    code text;
BEGIN
    result := dynamo.condition_matches(item::dynamo.item, condition,
                                       public.used_only(names, condition), public.used_only(vals, condition));
    RETURN result::text;
EXCEPTION WHEN OTHERS THEN
    code := SQLSTATE;
    RETURN coalesce((SELECT e.name FROM dynamo.exceptions() e WHERE e.sqlstate = code),
                    'SQLSTATE ' || code) || ': ' || SQLERRM;
END
$$;

-- updated(item, update, values, names): the item after an UpdateExpression,
-- or the error it raises; values and names it does not mention are left out
CREATE FUNCTION public.updated(item text, expression text, vals jsonb DEFAULT NULL, names jsonb DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    code text;
BEGIN
    RETURN dynamo.apply_update(item::dynamo.item, expression,
                               public.used_only(names, expression), public.used_only(vals, expression))::text;
EXCEPTION WHEN OTHERS THEN
    code := SQLSTATE;
    RETURN coalesce((SELECT e.name FROM dynamo.exceptions() e WHERE e.sqlstate = code),
                    'SQLSTATE ' || code) || ': ' || SQLERRM;
END
$$;

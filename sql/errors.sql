-- errors.sql: the DynamoDB error model: one SQLSTATE per exception, in class YD.

SELECT * FROM dynamo.exceptions() ORDER BY sqlstate;

-- SQLSTATEs and names are unique
SELECT count(*) = count(DISTINCT sqlstate) AS unique_sqlstates,
       count(*) = count(DISTINCT name) AS unique_names,
       bool_and(sqlstate LIKE 'YD%') AS one_class
  FROM dynamo.exceptions();

-- an error carries its exception's SQLSTATE and DynamoDB's message
DO $$
BEGIN
    PERFORM '{"a": {"SS": []}}'::dynamo.item;
EXCEPTION WHEN SQLSTATE 'YD001' THEN
    RAISE NOTICE 'caught ValidationException (%): %', SQLSTATE, SQLERRM;
END
$$;

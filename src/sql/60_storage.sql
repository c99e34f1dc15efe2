-- 60_storage.sql: the table access method "dynamo" (src/storage/).
--
-- Heap, with DynamoDB's invariants checked on every row written into a
-- partition of a DynamoDB table (key attributes present with their declared
-- types, not empty, within the key size limits; items of at most 400 KB; the
-- pk and sk columns equal to the item's key attributes). Other relations
-- using it behave exactly as heap. In PostgreSQL 15 a partitioned table
-- cannot name an access method: each partition says USING dynamo.

CREATE FUNCTION dynamo.tableam_handler(internal) RETURNS table_am_handler
    AS 'MODULE_PATHNAME', 'dynamo_tableam_handler' LANGUAGE C;

CREATE ACCESS METHOD dynamo TYPE TABLE HANDLER dynamo.tableam_handler;
COMMENT ON ACCESS METHOD dynamo IS 'heap with the invariants of DynamoDB items: the storage of DynamoDB tables';

-- 56_tags.sql: the tags of DynamoDB tables.
--
-- TagResource, UntagResource, ListTagsOfResource and CreateTable's Tags
-- (src/api/api_tags.c) keep one row per tag of a table: at most 50 a
-- table, keys of 1 to 128 characters and values of 0 to 256, checked
-- there with DynamoDB's messages.  Keys are case-sensitive.  The tags go
-- with their table (ON DELETE CASCADE), and the table is an extension
-- configuration table, so pg_dump keeps them.
CREATE TABLE dynamo.tags (
    table_name text NOT NULL REFERENCES dynamo.tables (table_name) ON DELETE CASCADE,
    key text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 128),
    value text NOT NULL CHECK (char_length(value) <= 256),
    PRIMARY KEY (table_name, key)
);
COMMENT ON TABLE dynamo.tags IS 'the tags of DynamoDB tables (TagResource, UntagResource, ListTagsOfResource)';
SELECT pg_catalog.pg_extension_config_dump('dynamo.tags', '');

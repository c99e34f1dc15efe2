-- 76_streams.sql: DynamoDB Streams: the streams of tables, their shards and
-- their records.
--
-- Change records come from the WAL: the capture worker
-- (src/streams/streams_capture.c) reads a logical replication slot through
-- the extension's own output plugin (src/streams/streams_decode.c), in
-- commit order, and stores one row of dynamo.stream_records per item-level
-- change of a table whose stream was enabled when the change committed.  A
-- record's sequence number is made of its transaction's commit LSN and its
-- place in the transaction, so records are numbered in commit order by
-- construction and the same change decoded twice (after a crash) is the
-- same row.
--
-- A table's stream is one row of dynamo.streams: StreamSpecification
-- creates it ENABLING, the worker makes it ENABLED once its slot reads the
-- WAL from a point after the change that enabled it (start_lsn), disabling
-- it makes it DISABLED (end_lsn: nothing committed later belongs to it);
-- enabling again makes a new stream, with a new label.  A stream has one
-- shard per hash partition of its table at a time; a shard is closed and a
-- child opened when it is dynamo.stream_shard_seconds old, and every shard
-- of a stream closes with it.  Records older than
-- dynamo.stream_retention are trimmed.

-- dynamo.streams, the streams of tables, is in 50_catalog.sql: the table
-- descriptions read it.


CREATE TABLE dynamo.stream_shards (
    shard_id text PRIMARY KEY,                   -- shardId-<20 digits>-<8 hex>, as DynamoDB names shards
    table_name text NOT NULL,
    stream_label text NOT NULL,
    partition integer NOT NULL,                  -- the table's hash partition it carries
    parent_shard_id text,
    starting_sequence_number numeric NOT NULL,
    ending_sequence_number numeric,              -- set when closed
    trimmed_before numeric NOT NULL DEFAULT 0,   -- records below it were trimmed
    creation_time timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (table_name, stream_label) REFERENCES dynamo.streams ON DELETE CASCADE
);
COMMENT ON TABLE dynamo.stream_shards IS 'the shards of DynamoDB streams: one open shard per partition of a stream''s table';
CREATE UNIQUE INDEX stream_shards_one_open ON dynamo.stream_shards (table_name, stream_label, partition)
    WHERE ending_sequence_number IS NULL;
SELECT pg_catalog.pg_extension_config_dump('dynamo.stream_shards', '');

-- One row per item-level change.  Images are stored as dynamo.item (any
-- string, U+0000 included); the record's DynamoDB JSON is built when read.
CREATE TABLE dynamo.stream_records (
    shard_id text NOT NULL REFERENCES dynamo.stream_shards ON DELETE CASCADE,
    sequence_number numeric NOT NULL,            -- commit LSN * 2^32 + place in the transaction
    event_name text NOT NULL CHECK (event_name IN ('INSERT', 'MODIFY', 'REMOVE')),
    approximate_creation_time timestamptz NOT NULL,  -- the commit time
    keys dynamo.item NOT NULL,
    new_image dynamo.item,                       -- per the stream's view type
    old_image dynamo.item,
    size_bytes integer NOT NULL,
    by_service boolean NOT NULL DEFAULT false,   -- a TTL deletion: userIdentity Service
    PRIMARY KEY (shard_id, sequence_number)
);
COMMENT ON TABLE dynamo.stream_records IS 'the change records of DynamoDB streams, in commit order per shard';
SELECT pg_catalog.pg_extension_config_dump('dynamo.stream_records', '');

-- the ARN of a stream
CREATE FUNCTION dynamo.stream_arn(table_name text, stream_label text)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT format('arn:aws:dynamodb:%s:%s:table/%s/stream/%s',
                  current_setting('dynamo.region'), current_setting('dynamo.account_id'), table_name, stream_label)
$$;

-- a shard's ID: shardId-, 20 digits of its creation time (ms), -, 8 hex digits
CREATE FUNCTION dynamo.stream_shard_id(table_name text, stream_label text, partition integer, created timestamptz)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT format('shardId-%s-%s',
                  lpad((extract(epoch FROM created) * 1000)::bigint::text, 20, '0'),
                  left(md5(table_name || '/' || stream_label || '/' || partition || '/' || extract(epoch FROM created)::text), 8))
$$;

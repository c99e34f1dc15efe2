-- 77_streams_api.sql: the DynamoDB Streams API's SQL side: the key that
-- signs shard iterators, sequence numbers as the wire shows them, and the
-- SQL door to a table's stream.
--
-- The four actions (ListStreams, DescribeStream, GetShardIterator,
-- GetRecords) are C (src/streams/streams_api_*.c), reached through
-- dynamo.execute and the endpoint (X-Amz-Target:
-- DynamoDBStreams_20120810.<Action>).
--
-- Waiting for records: the capture worker sends NOTIFY on the channel
-- dynamo_streams, with the table's name as the payload, after each batch
-- of records it stores.  A SQL consumer runs LISTEN dynamo_streams, reads
-- with dynamo.read_stream(table, after_sequence_number) until it gets no
-- rows, and waits for the next notification instead of polling.

-- The key of the HMAC that makes shard iterators tamper-proof: 32 random
-- bytes (gen_random_uuid() draws from pg_strong_random), made when the
-- extension is created and readable by superusers only.  It is not dumped:
-- a restored database makes its own, and iterators live minutes.
CREATE TABLE dynamo.stream_iterator_key (
    secret bytea NOT NULL CHECK (length(secret) >= 32)
);
REVOKE ALL ON dynamo.stream_iterator_key FROM PUBLIC;
INSERT INTO dynamo.stream_iterator_key
    SELECT decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex');
COMMENT ON TABLE dynamo.stream_iterator_key IS 'the secret that signs DynamoDB Streams shard iterators';

-- a sequence number as the Streams API shows it: at least 21 decimal
-- digits, zero-padded (the service model's SequenceNumber has 21 to 40
-- characters, and clients send them back)
CREATE FUNCTION dynamo.stream_sequence_text(sequence_number numeric)
RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT lpad($1::text, greatest(21, length($1::text)), '0')
$$;

-- read_stream(table, after, max): the change records of a table's stream
-- in commit order (sequence numbers grow with the commit order across
-- shards), after a sequence number (NULL: from the oldest kept), at most
-- max_records of them.  The stream is the table's current one, else its
-- latest; a table without any stream is ResourceNotFoundException.
CREATE FUNCTION dynamo.read_stream(
    table_name text, after_sequence_number numeric DEFAULT NULL, max_records integer DEFAULT 1000)
RETURNS TABLE (shard_id text, sequence_number numeric, event_name text, keys dynamo.item,
               new_image dynamo.item, old_image dynamo.item, created timestamptz)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    label text;
BEGIN
    SELECT s.stream_label INTO label FROM dynamo.streams s
     WHERE s.table_name = read_stream.table_name
     ORDER BY s.status IN ('ENABLING', 'ENABLED') DESC, s.creation_time DESC, s.stream_label DESC
     LIMIT 1;
    IF label IS NULL THEN
        RAISE EXCEPTION 'Requested resource not found: Table: % has no stream', read_stream.table_name
            USING ERRCODE = 'YD004';
    END IF;
    RETURN QUERY
        SELECT r.shard_id, r.sequence_number, r.event_name, r.keys, r.new_image, r.old_image,
               r.approximate_creation_time
          FROM dynamo.stream_shards h
          JOIN dynamo.stream_records r ON r.shard_id = h.shard_id
         WHERE h.table_name = read_stream.table_name AND h.stream_label = label
           AND (read_stream.after_sequence_number IS NULL
                OR r.sequence_number > read_stream.after_sequence_number)
         ORDER BY r.sequence_number
         LIMIT read_stream.max_records;
END
$$;
COMMENT ON FUNCTION dynamo.read_stream(text, numeric, integer) IS
    'the change records of a table''s stream in commit order, after a sequence number';

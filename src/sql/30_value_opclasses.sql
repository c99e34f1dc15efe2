-- 30_value_opclasses.sql: equality, DynamoDB's key order and the xxHash
-- hash of values; operator classes for btree indexes and hash partitioning.
--
-- On values of one key type (S, N, B) the order is DynamoDB's: S by UTF-8
-- bytes, N numerically, B by unsigned bytes. Values of different types order
-- by type; documents and sets by their canonical bytes.

CREATE FUNCTION dynamo.value_cmp(dynamo.value, dynamo.value) RETURNS integer
    AS 'MODULE_PATHNAME', 'dynamo_value_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.value_eq(dynamo.value, dynamo.value) RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_value_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.value_ne(dynamo.value, dynamo.value) RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_value_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.value_lt(dynamo.value, dynamo.value) RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_value_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.value_le(dynamo.value, dynamo.value) RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_value_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.value_gt(dynamo.value, dynamo.value) RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_value_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.value_ge(dynamo.value, dynamo.value) RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_value_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.value_hash(dynamo.value) RETURNS integer
    AS 'MODULE_PATHNAME', 'dynamo_value_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.value_hash_extended(dynamo.value, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'dynamo_value_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR dynamo.= (
    LEFTARG = dynamo.value, RIGHTARG = dynamo.value, FUNCTION = dynamo.value_eq,
    COMMUTATOR = OPERATOR(dynamo.=), NEGATOR = OPERATOR(dynamo.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR dynamo.<> (
    LEFTARG = dynamo.value, RIGHTARG = dynamo.value, FUNCTION = dynamo.value_ne,
    COMMUTATOR = OPERATOR(dynamo.<>), NEGATOR = OPERATOR(dynamo.=),
    RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR dynamo.< (
    LEFTARG = dynamo.value, RIGHTARG = dynamo.value, FUNCTION = dynamo.value_lt,
    COMMUTATOR = OPERATOR(dynamo.>), NEGATOR = OPERATOR(dynamo.>=),
    RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR dynamo.<= (
    LEFTARG = dynamo.value, RIGHTARG = dynamo.value, FUNCTION = dynamo.value_le,
    COMMUTATOR = OPERATOR(dynamo.>=), NEGATOR = OPERATOR(dynamo.>),
    RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR dynamo.> (
    LEFTARG = dynamo.value, RIGHTARG = dynamo.value, FUNCTION = dynamo.value_gt,
    COMMUTATOR = OPERATOR(dynamo.<), NEGATOR = OPERATOR(dynamo.<=),
    RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR dynamo.>= (
    LEFTARG = dynamo.value, RIGHTARG = dynamo.value, FUNCTION = dynamo.value_ge,
    COMMUTATOR = OPERATOR(dynamo.<=), NEGATOR = OPERATOR(dynamo.<),
    RESTRICT = scalargesel, JOIN = scalargejoinsel);

-- DynamoDB's key order: the primary key and sort-key indexes of tables
CREATE OPERATOR CLASS dynamo.dynamo_btree_ops
    DEFAULT FOR TYPE dynamo.value USING btree AS
        OPERATOR 1 dynamo.<,
        OPERATOR 2 dynamo.<=,
        OPERATOR 3 dynamo.=,
        OPERATOR 4 dynamo.>=,
        OPERATOR 5 dynamo.>,
        FUNCTION 1 dynamo.value_cmp(dynamo.value, dynamo.value);

-- XXH3 64-bit with a fixed seed: what tables are hash-partitioned by
CREATE OPERATOR CLASS dynamo.dynamo_hash_ops
    DEFAULT FOR TYPE dynamo.value USING hash AS
        OPERATOR 1 dynamo.=,
        FUNCTION 1 dynamo.value_hash(dynamo.value),
        FUNCTION 2 dynamo.value_hash_extended(dynamo.value, bigint);

-- items: equality (canonical bytes), with btree and hash support so that
-- items can be grouped, de-duplicated and joined on
CREATE FUNCTION dynamo.item_cmp(dynamo.item, dynamo.item) RETURNS integer
    AS 'MODULE_PATHNAME', 'dynamo_value_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.item_eq(dynamo.item, dynamo.item) RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_value_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.item_ne(dynamo.item, dynamo.item) RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_value_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.item_lt(dynamo.item, dynamo.item) RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_value_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.item_le(dynamo.item, dynamo.item) RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_value_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.item_gt(dynamo.item, dynamo.item) RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_value_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.item_ge(dynamo.item, dynamo.item) RETURNS boolean
    AS 'MODULE_PATHNAME', 'dynamo_value_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.item_hash(dynamo.item) RETURNS integer
    AS 'MODULE_PATHNAME', 'dynamo_value_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION dynamo.item_hash_extended(dynamo.item, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'dynamo_value_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR dynamo.= (
    LEFTARG = dynamo.item, RIGHTARG = dynamo.item, FUNCTION = dynamo.item_eq,
    COMMUTATOR = OPERATOR(dynamo.=), NEGATOR = OPERATOR(dynamo.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR dynamo.<> (
    LEFTARG = dynamo.item, RIGHTARG = dynamo.item, FUNCTION = dynamo.item_ne,
    COMMUTATOR = OPERATOR(dynamo.<>), NEGATOR = OPERATOR(dynamo.=),
    RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR dynamo.< (
    LEFTARG = dynamo.item, RIGHTARG = dynamo.item, FUNCTION = dynamo.item_lt,
    COMMUTATOR = OPERATOR(dynamo.>), NEGATOR = OPERATOR(dynamo.>=),
    RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR dynamo.<= (
    LEFTARG = dynamo.item, RIGHTARG = dynamo.item, FUNCTION = dynamo.item_le,
    COMMUTATOR = OPERATOR(dynamo.>=), NEGATOR = OPERATOR(dynamo.>),
    RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR dynamo.> (
    LEFTARG = dynamo.item, RIGHTARG = dynamo.item, FUNCTION = dynamo.item_gt,
    COMMUTATOR = OPERATOR(dynamo.<), NEGATOR = OPERATOR(dynamo.<=),
    RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR dynamo.>= (
    LEFTARG = dynamo.item, RIGHTARG = dynamo.item, FUNCTION = dynamo.item_ge,
    COMMUTATOR = OPERATOR(dynamo.<=), NEGATOR = OPERATOR(dynamo.<),
    RESTRICT = scalargesel, JOIN = scalargejoinsel);

CREATE OPERATOR CLASS dynamo.item_btree_ops
    DEFAULT FOR TYPE dynamo.item USING btree AS
        OPERATOR 1 dynamo.<,
        OPERATOR 2 dynamo.<=,
        OPERATOR 3 dynamo.=,
        OPERATOR 4 dynamo.>=,
        OPERATOR 5 dynamo.>,
        FUNCTION 1 dynamo.item_cmp(dynamo.item, dynamo.item);

CREATE OPERATOR CLASS dynamo.item_hash_ops
    DEFAULT FOR TYPE dynamo.item USING hash AS
        OPERATOR 1 dynamo.=,
        FUNCTION 1 dynamo.item_hash(dynamo.item),
        FUNCTION 2 dynamo.item_hash_extended(dynamo.item, bigint);

-- key values: the canonical order-preserving bytes and the placing hash
CREATE FUNCTION dynamo.key_bytes(dynamo.value) RETURNS bytea
    AS 'MODULE_PATHNAME', 'dynamo_key_bytes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.key_bytes(dynamo.value) IS 'the order-preserving bytes of a key value (S, N or B): bytea order is DynamoDB''s key order';
CREATE FUNCTION dynamo.key_hash(dynamo.value) RETURNS bigint
    AS 'MODULE_PATHNAME', 'dynamo_key_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION dynamo.key_hash(dynamo.value) IS 'XXH3 64-bit with the fixed seed over the key''s canonical bytes: never changes between versions';

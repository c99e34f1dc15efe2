-- 80_access_keys.sql: access keys of the wire endpoint, each mapped to a
-- Postgres role; a signed request runs as its key's role, so Postgres'
-- privileges apply to it.
--
-- Secrets are readable by superusers only: the table is closed to
-- everyone else, and keys are made and dropped through SECURITY DEFINER
-- functions that a role may use for itself (or for a role it is a member
-- of).

CREATE TABLE dynamo.access_keys (
    access_key_id text PRIMARY KEY CHECK (access_key_id ~ '^[A-Z0-9]{16,128}$'),
    secret_access_key text NOT NULL,
    role_name name NOT NULL,
    created timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON dynamo.access_keys FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('dynamo.access_keys', '');

-- create_access_key(role): a new key for a role (the caller's own by
-- default); access_key_id and secret may be given, as DynamoDB Local's
-- clients expect fixed ones. The secret is shown once, here.
CREATE FUNCTION dynamo.create_access_key(
    role_name name DEFAULT current_user, key_id text DEFAULT NULL, secret text DEFAULT NULL,
    OUT access_key_id text, OUT secret_access_key text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    new_id text := create_access_key.key_id;
    new_secret text := create_access_key.secret;
BEGIN
    IF NOT pg_has_role(session_user, create_access_key.role_name, 'MEMBER') THEN
        RAISE EXCEPTION 'permission denied to create an access key for role %', create_access_key.role_name
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF new_id IS NULL THEN
        new_id := 'AKID' || upper(substr(replace(gen_random_uuid()::text, '-', ''), 1, 16));
    END IF;
    IF new_secret IS NULL THEN
        new_secret := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
    END IF;
    INSERT INTO dynamo.access_keys (access_key_id, secret_access_key, role_name)
         VALUES (new_id, new_secret, create_access_key.role_name);
    access_key_id := new_id;
    secret_access_key := new_secret;
END
$$;

-- drop_access_key(id): true when a key of a role the caller belongs to was dropped
CREATE FUNCTION dynamo.drop_access_key(access_key_id text) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH dropped AS (
        DELETE FROM dynamo.access_keys k
         WHERE k.access_key_id = drop_access_key.access_key_id
           AND pg_has_role(session_user, k.role_name, 'MEMBER')
        RETURNING 1)
    SELECT count(*) > 0 FROM dropped
$$;

-- the keys a role may see, without their secrets
CREATE VIEW dynamo.access_key_list AS
    SELECT access_key_id, role_name, created FROM dynamo.access_keys
     WHERE pg_has_role(session_user, role_name, 'MEMBER');
GRANT SELECT ON dynamo.access_key_list TO PUBLIC;

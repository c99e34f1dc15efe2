-- put.sql: a PutItem of a small item (1 write unit) with a fresh key into :table
SELECT cap_put(':table', jsonb_build_object('pk', jsonb_build_object('S', 'k' || nextval('cap_keys')), 'v', '{"N": "1"}'::jsonb));

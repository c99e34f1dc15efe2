-- put_hot.sql: a PutItem of a small item under the one partition key 'hot' (fresh sort key) into :table
SELECT cap_put(':table', jsonb_build_object('pk', '{"S": "hot"}'::jsonb, 'sk', jsonb_build_object('N', nextval('cap_keys')::text)));

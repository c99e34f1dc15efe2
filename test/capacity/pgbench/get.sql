-- get.sql: a strongly consistent GetItem of a small item (1 read unit) from :table
\set k random(1, 100)
SELECT cap_get(':table', jsonb_build_object('pk', jsonb_build_object('S', 'r' || :k)));

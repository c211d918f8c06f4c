--! After: 20261007101500
-- Rows in the tables of the reference schema's first migrations, for pgwarden verify --seed: the
-- later migrations (and every down) must apply to tables that hold data, as in production.
INSERT INTO users (username, email, password_hash, is_admin)
VALUES ('ada', 'ada@example.com', 'x', true), ('grace', 'grace@example.com', 'x', false);
INSERT INTO user_sessions (user_id, token_hash, expires_at)
SELECT id, 'token-' || username, now() + interval '1 day' FROM users;
INSERT INTO credentials (name, username, encrypted_password) VALUES ('deploy key', 'deploy', '\x00'::bytea);
INSERT INTO target_groups (name, description) VALUES ('web', 'Web servers'), ('db', NULL);
INSERT INTO targets (name, host, port, platform, credential_id, group_id)
SELECT 'web-' || n, '10.0.0.' || n, 22, 'linux', (SELECT id FROM credentials), (SELECT id FROM target_groups WHERE name = 'web')
FROM generate_series(1, 3) AS n;
INSERT INTO target_group_memberships (target_id, group_id)
SELECT t.id, g.id FROM targets t CROSS JOIN target_groups g;
INSERT INTO jobs (name, description, target_id, steps, created_by)
SELECT 'uptime on ' || t.name, NULL, t.id, '[{"run": "uptime"}]', (SELECT id FROM users WHERE username = 'ada') FROM targets t;

--! Revision: 20261001143000
--! Revises: 20261001090000
--! Description: Create credentials for connecting to targets
--
-- The secrets the platform uses to log in to managed machines. encrypted_password holds the
-- ciphertext the application produces with a key kept outside the database (the clear text never
-- reaches SQL, logs or backups); bytea because it is binary, not text. It is NOT NULL: a
-- credential without a secret is a user name, which belongs on the target, not here.
--
-- name is not unique, as in the reference schema: two teams may each keep a "deploy" credential.

-- Up Migration
CREATE TABLE credentials (
  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_credentials PRIMARY KEY,
  name text NOT NULL,
  username text NOT NULL,
  encrypted_password bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE credentials IS 'Login credentials for managed targets; the secret is stored encrypted by the application, never in clear.';
COMMENT ON COLUMN credentials.id IS 'Surrogate key.';
COMMENT ON COLUMN credentials.name IS 'Display name chosen by the operator.';
COMMENT ON COLUMN credentials.username IS 'Account name used to log in to the target.';
COMMENT ON COLUMN credentials.encrypted_password IS 'Password or key, encrypted by the application with a key held outside the database.';
COMMENT ON COLUMN credentials.created_at IS 'When the credential was created.';
COMMENT ON COLUMN credentials.updated_at IS 'When the credential was last changed (rotation included); set by the application.';

-- Down Migration
DROP TABLE credentials;

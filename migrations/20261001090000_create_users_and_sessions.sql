--! Revision: 20261001090000
--! Description: Create users and user sessions
--
-- The accounts that sign in to the platform, and their login sessions.
--
-- Conventions that every later migration of this schema follows, stated once here:
-- - keys are bigint GENERATED ALWAYS AS IDENTITY (never serial, never a 32-bit key);
-- - times are timestamptz; created_at and updated_at are NOT NULL DEFAULT now(), and updated_at
--   is set by the application's data layer on every update (no trigger);
-- - free text is text; closed sets of values are CHECK constraints rather than enum types, so
--   that adding a value later is a constraint swap, not ALTER TYPE;
-- - every constraint and index is named (pk_, uq_, fk_, ck_, idx_<table>_<columns>), and every
--   foreign key has an index whose leading columns are its referencing columns;
-- - where the reference schema names no ON DELETE action, a foreign key stays NO ACTION: deleting
--   a row that is still referenced fails, and the application decides what to do first;
-- - every table and column gets its COMMENT ON in the migration that creates it.
--
-- username and email are unique as stored (case-sensitive); normalising case is the application's
-- job. password_hash holds a self-describing hash string (algorithm, parameters, salt), never a
-- password. user_sessions keeps only a hash of each session token, so a copy of the table cannot
-- be replayed; expires_at is indexed for the sweep that deletes expired sessions.

-- Up Migration
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_users PRIMARY KEY,
  username text NOT NULL CONSTRAINT uq_users_username UNIQUE,
  email text NOT NULL CONSTRAINT uq_users_email UNIQUE,
  password_hash text NOT NULL,
  is_admin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE users IS 'People who sign in to the platform.';
COMMENT ON COLUMN users.id IS 'Surrogate key.';
COMMENT ON COLUMN users.username IS 'Login name, unique.';
COMMENT ON COLUMN users.email IS 'Email address, unique; also the default destination of email notifications.';
COMMENT ON COLUMN users.password_hash IS 'Password hash in the hashing library''s self-describing format; never the password itself.';
COMMENT ON COLUMN users.is_admin IS 'True for platform administrators, who may manage users and every target.';
COMMENT ON COLUMN users.created_at IS 'When the account was created.';
COMMENT ON COLUMN users.updated_at IS 'When the account was last changed; set by the application.';

CREATE TABLE user_sessions (
  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_user_sessions PRIMARY KEY,
  user_id bigint NOT NULL CONSTRAINT fk_user_sessions_user_id REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL CONSTRAINT uq_user_sessions_token_hash UNIQUE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_user_sessions_user_id ON user_sessions (user_id);
CREATE INDEX idx_user_sessions_expires_at ON user_sessions (expires_at);

COMMENT ON TABLE user_sessions IS 'Login sessions; deleted with their user.';
COMMENT ON COLUMN user_sessions.id IS 'Surrogate key.';
COMMENT ON COLUMN user_sessions.user_id IS 'The user signed in by this session.';
COMMENT ON COLUMN user_sessions.token_hash IS 'Hash of the session token the client holds; the token itself is never stored.';
COMMENT ON COLUMN user_sessions.expires_at IS 'When the session stops being accepted; expired rows are swept by the application.';
COMMENT ON COLUMN user_sessions.created_at IS 'When the user signed in.';

-- Down Migration
DROP TABLE user_sessions;
DROP TABLE users;

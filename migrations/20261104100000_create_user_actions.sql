--! Revision: 20261104100000
--! Revises: 20261028094500
--! Description: Create user_actions, the insert-only audit trail
--
-- One row per user action the platform handled, whatever its outcome. Columns and types are kept
-- exactly as the audit specification gives them, because the trail is shared with the security
-- team's tooling that reads the same layout from other services:
-- - the bounded varchar columns stay varchar(n): the bounds are part of that specification, and
--   changing one is a change of the specification, made deliberately (widening a varchar does not
--   rewrite the table); the ignore comment below carries this reason for the linter;
-- - user_roles and request_data stay json, not jsonb: an audit record keeps the document exactly
--   as the application received it (key order, duplicate keys, spacing) and is never queried
--   inside by the platform;
-- - ip_address stays varchar(45) (the longest textual IPv6 address), not inet: it records what the
--   proxy reported, and a malformed forwarded address must not cost us the audit row;
-- - user_id is the identity provider's subject as text, not a foreign key to users: audit rows
--   must outlive the accounts they mention, and actions by external identities have no users row;
-- - response_status and duration_ms stay integer, bounded by CHECKs (an HTTP status 100-599, a
--   non-negative duration, and 2^31 ms is over 24 days), so a 64-bit column would buy nothing;
-- - "timestamp" is quoted everywhere: it is a type name, and quoting keeps every tool happy.
-- outcome is a closed set checked here: success, error, permission_denied.
--
-- Insert-only. Grants (schema/roles.yaml) give UPDATE and DELETE to no one but the migrator, who
-- owns the table. As defence in depth, triggers refuse UPDATE, DELETE and TRUNCATE unless the
-- session set pgwarden.audit_maintenance = on (retention jobs do, with SET LOCAL, in their own
-- transaction); this catches a mistaken statement by a privileged role, it is not an access
-- control. The six single-column indexes the reference schema asks for are created here; the two
-- composite ones came later (20261118093000), built concurrently on the live table.

-- Up Migration
-- pgwarden-ignore prefer-text-field, prefer-bigint-over-int bounds and integer types come from the audit specification shared with other services (see the notes above)
CREATE TABLE user_actions (
  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_user_actions PRIMARY KEY,
  "timestamp" timestamptz NOT NULL DEFAULT now(),
  user_id varchar(255) NOT NULL,
  username varchar(255) NOT NULL,
  user_roles json NOT NULL,
  action_type varchar(100) NOT NULL,
  resource varchar(500) NOT NULL,
  outcome varchar(50) NOT NULL CONSTRAINT ck_user_actions_outcome CHECK (outcome IN ('success', 'error', 'permission_denied')),
  ip_address varchar(45),
  user_agent text,
  request_id varchar(100),
  request_data json,
  response_status integer CONSTRAINT ck_user_actions_response_status CHECK (response_status BETWEEN 100 AND 599),
  error_message text,
  duration_ms integer CONSTRAINT ck_user_actions_duration_ms CHECK (duration_ms >= 0)
);

CREATE INDEX idx_user_actions_timestamp ON user_actions ("timestamp");
CREATE INDEX idx_user_actions_user_id ON user_actions (user_id);
CREATE INDEX idx_user_actions_username ON user_actions (username);
CREATE INDEX idx_user_actions_action_type ON user_actions (action_type);
CREATE INDEX idx_user_actions_outcome ON user_actions (outcome);
CREATE INDEX idx_user_actions_request_id ON user_actions (request_id);

COMMENT ON TABLE user_actions IS 'Audit trail of every user action, insert-only: rows are never updated, and deleted only by retention.';
COMMENT ON COLUMN user_actions.id IS 'Surrogate key, in insertion order.';
COMMENT ON COLUMN user_actions."timestamp" IS 'When the action was handled.';
COMMENT ON COLUMN user_actions.user_id IS 'Identity provider subject of the actor; not a foreign key, so the record outlives the account.';
COMMENT ON COLUMN user_actions.username IS 'Login name of the actor at the time of the action.';
COMMENT ON COLUMN user_actions.user_roles IS 'Roles the actor held at the time, as JSON, exactly as received.';
COMMENT ON COLUMN user_actions.action_type IS 'What was done (for example job.run, target.update, user.login).';
COMMENT ON COLUMN user_actions.resource IS 'What it was done to, as a resource path.';
COMMENT ON COLUMN user_actions.outcome IS 'success, error or permission_denied.';
COMMENT ON COLUMN user_actions.ip_address IS 'Client address as the proxy reported it (IPv4 or IPv6 text); NULL when unknown.';
COMMENT ON COLUMN user_actions.user_agent IS 'Client User-Agent header; NULL when absent.';
COMMENT ON COLUMN user_actions.request_id IS 'Request correlation id, to join with application logs.';
COMMENT ON COLUMN user_actions.request_data IS 'Request parameters as received, secrets removed by the application; NULL when none.';
COMMENT ON COLUMN user_actions.response_status IS 'HTTP status returned (100-599); NULL for actions outside HTTP.';
COMMENT ON COLUMN user_actions.error_message IS 'Why the action failed; NULL on success.';
COMMENT ON COLUMN user_actions.duration_ms IS 'How long handling took, in milliseconds.';

CREATE FUNCTION user_actions_reject_change() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF current_setting('pgwarden.audit_maintenance', true) IS DISTINCT FROM 'on' THEN
    RAISE EXCEPTION 'user_actions is insert-only: % is not allowed', TG_OP
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Retention runs as the migrator and sets pgwarden.audit_maintenance = on with SET LOCAL in its own transaction.';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;

COMMENT ON FUNCTION user_actions_reject_change() IS 'Trigger function: refuses changes to user_actions unless pgwarden.audit_maintenance is on in the session.';

CREATE TRIGGER trg_user_actions_insert_only
  BEFORE UPDATE OR DELETE ON user_actions
  FOR EACH ROW EXECUTE FUNCTION user_actions_reject_change();

CREATE TRIGGER trg_user_actions_no_truncate
  BEFORE TRUNCATE ON user_actions
  FOR EACH STATEMENT EXECUTE FUNCTION user_actions_reject_change();

COMMENT ON TRIGGER trg_user_actions_insert_only ON user_actions IS 'Keeps the audit trail insert-only: UPDATE and DELETE fail outside audit maintenance.';
COMMENT ON TRIGGER trg_user_actions_no_truncate ON user_actions IS 'TRUNCATE fails outside audit maintenance, like DELETE.';

-- Down Migration
DROP TABLE user_actions;
DROP FUNCTION user_actions_reject_change();

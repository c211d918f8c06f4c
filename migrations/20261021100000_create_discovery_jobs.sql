--! Revision: 20261021100000
--! Revises: 20261015090000
--! Description: Create discovery jobs, network scans that find new targets
--
-- A discovery job scans a network range for machines that could become targets. network_range is
-- cidr, so Postgres rejects a malformed range and the scanner can use the network operators.
-- status is a closed set checked here: pending, running, completed, failed, cancelled. created_by
-- is nullable (scans started by the system have no author), keeps NO ACTION and is indexed.

-- Up Migration
CREATE TABLE discovery_jobs (
  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_discovery_jobs PRIMARY KEY,
  name text NOT NULL,
  network_range cidr NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CONSTRAINT ck_discovery_jobs_status CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
  created_by bigint CONSTRAINT fk_discovery_jobs_created_by REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);

CREATE INDEX idx_discovery_jobs_created_by ON discovery_jobs (created_by);

COMMENT ON TABLE discovery_jobs IS 'Network scans that look for machines to manage.';
COMMENT ON COLUMN discovery_jobs.id IS 'Surrogate key.';
COMMENT ON COLUMN discovery_jobs.name IS 'Display name of the scan.';
COMMENT ON COLUMN discovery_jobs.network_range IS 'Network to scan, in CIDR notation.';
COMMENT ON COLUMN discovery_jobs.status IS 'pending, running, completed, failed or cancelled.';
COMMENT ON COLUMN discovery_jobs.created_by IS 'User who started the scan; NULL for scans started by the system.';
COMMENT ON COLUMN discovery_jobs.created_at IS 'When the scan was requested.';
COMMENT ON COLUMN discovery_jobs.completed_at IS 'When the scan ended; NULL until then.';

-- Down Migration
DROP TABLE discovery_jobs;

--! Revision: 20261021103000
--! Revises: 20261021100000
--! Description: Create discovered targets, the findings of discovery jobs
--
-- Machines a discovery job found, waiting for an operator to adopt them as targets. They are
-- deleted with their discovery job (ON DELETE CASCADE, as the reference schema says), and the
-- foreign key is indexed so that the cascade does not scan the table. host is text, not inet: a
-- scan may report a host name. platform is NULL when the scan could not tell. services is a JSON
-- array of the open services found, checked here.

-- Up Migration
CREATE TABLE discovered_targets (
  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_discovered_targets PRIMARY KEY,
  discovery_job_id bigint NOT NULL CONSTRAINT fk_discovered_targets_discovery_job_id REFERENCES discovery_jobs (id) ON DELETE CASCADE,
  host text NOT NULL,
  platform text,
  services jsonb NOT NULL DEFAULT '[]'::jsonb CONSTRAINT ck_discovered_targets_services_is_array CHECK (jsonb_typeof(services) = 'array'),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_discovered_targets_discovery_job_id ON discovered_targets (discovery_job_id);

COMMENT ON TABLE discovered_targets IS 'Machines found by discovery jobs, not yet adopted as targets.';
COMMENT ON COLUMN discovered_targets.id IS 'Surrogate key.';
COMMENT ON COLUMN discovered_targets.discovery_job_id IS 'The scan that found the machine; the row is deleted with it.';
COMMENT ON COLUMN discovered_targets.host IS 'Address or host name the scan reported.';
COMMENT ON COLUMN discovered_targets.platform IS 'Platform the scan guessed; NULL when unknown.';
COMMENT ON COLUMN discovered_targets.services IS 'Open services found (port, protocol, banner), as a JSON array.';
COMMENT ON COLUMN discovered_targets.created_at IS 'When the machine was found.';

-- Down Migration
DROP TABLE discovered_targets;

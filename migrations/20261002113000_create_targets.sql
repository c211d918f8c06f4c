--! Revision: 20261002113000
--! Revises: 20261002100000
--! Description: Create targets, the machines the platform manages
--
-- One row per managed machine. port is an integer with a CHECK for the TCP range 1-65535 (a
-- 64-bit column would only hide bad values); NULL means the platform's default port (22 for SSH,
-- 5985 for WinRM). credential_id and group_id are nullable: agent-based targets need no
-- credential, and a target may belong to no group yet. Both keep NO ACTION, so a credential or
-- group still in use cannot be deleted by accident. group_id is the target's primary group; the
-- many-to-many membership comes in the next migration.
--
-- Indexes: platform and group_id as the reference schema asks, plus credential_id because every
-- foreign key gets an index on its referencing side (deleting a credential must not scan targets).

-- Up Migration
-- pgwarden-ignore prefer-bigint-over-int port is a TCP port, 1-65535 by CHECK: a 32-bit integer cannot overflow
CREATE TABLE targets (
  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_targets PRIMARY KEY,
  name text NOT NULL,
  host text NOT NULL,
  port integer CONSTRAINT ck_targets_port CHECK (port BETWEEN 1 AND 65535),
  platform text NOT NULL,
  credential_id bigint CONSTRAINT fk_targets_credential_id REFERENCES credentials (id),
  group_id bigint CONSTRAINT fk_targets_group_id REFERENCES target_groups (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_targets_platform ON targets (platform);
CREATE INDEX idx_targets_group_id ON targets (group_id);
CREATE INDEX idx_targets_credential_id ON targets (credential_id);

COMMENT ON TABLE targets IS 'Machines the platform manages.';
COMMENT ON COLUMN targets.id IS 'Surrogate key.';
COMMENT ON COLUMN targets.name IS 'Display name of the machine.';
COMMENT ON COLUMN targets.host IS 'Host name or IP address the platform connects to.';
COMMENT ON COLUMN targets.port IS 'TCP port to connect to (1-65535); NULL for the platform''s default port.';
COMMENT ON COLUMN targets.platform IS 'Operating system or device family (linux, windows, network, ...), which selects the connection method.';
COMMENT ON COLUMN targets.credential_id IS 'Credential used to log in; NULL for agent-based targets.';
COMMENT ON COLUMN targets.group_id IS 'Primary group of the target; NULL when it has none.';
COMMENT ON COLUMN targets.created_at IS 'When the target was registered.';
COMMENT ON COLUMN targets.updated_at IS 'When the target was last changed; set by the application.';

-- Down Migration
DROP TABLE targets;

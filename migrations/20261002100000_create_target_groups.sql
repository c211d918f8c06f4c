--! Revision: 20261002100000
--! Revises: 20261001143000
--! Description: Create target groups
--
-- Named groups of targets (an environment, a site, a role) that jobs and permissions address as
-- a whole. Created before targets, whose primary group references it.

-- Up Migration
CREATE TABLE target_groups (
  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_target_groups PRIMARY KEY,
  name text NOT NULL CONSTRAINT uq_target_groups_name UNIQUE,
  description text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE target_groups IS 'Named groups of targets that jobs and permissions address as a whole.';
COMMENT ON COLUMN target_groups.id IS 'Surrogate key.';
COMMENT ON COLUMN target_groups.name IS 'Group name, unique.';
COMMENT ON COLUMN target_groups.description IS 'What the group is for; optional.';
COMMENT ON COLUMN target_groups.created_at IS 'When the group was created.';
COMMENT ON COLUMN target_groups.updated_at IS 'When the group was last changed; set by the application.';

-- Down Migration
DROP TABLE target_groups;

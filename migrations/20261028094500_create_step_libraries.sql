--! Revision: 20261028094500
--! Revises: 20261021103000
--! Description: Create step libraries, versioned reusable job steps
--
-- Shared, versioned collections of steps that jobs copy from. (name, version) is unique: a
-- published version is never overwritten, a change is a new version. version is text because
-- library versions follow semantic versioning ("1.4.0"), which no numeric type orders correctly.
-- steps_data is a JSON array of step objects, the same shape as jobs.steps, checked here.

-- Up Migration
CREATE TABLE step_libraries (
  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_step_libraries PRIMARY KEY,
  name text NOT NULL,
  version text NOT NULL,
  category text,
  steps_data jsonb NOT NULL CONSTRAINT ck_step_libraries_steps_data_is_array CHECK (jsonb_typeof(steps_data) = 'array'),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT uq_step_libraries_name_version UNIQUE (name, version)
);

COMMENT ON TABLE step_libraries IS 'Versioned libraries of reusable job steps.';
COMMENT ON COLUMN step_libraries.id IS 'Surrogate key.';
COMMENT ON COLUMN step_libraries.name IS 'Library name; unique together with version.';
COMMENT ON COLUMN step_libraries.version IS 'Version of the library, in semantic versioning.';
COMMENT ON COLUMN step_libraries.category IS 'Category for browsing (patching, inventory, ...); optional.';
COMMENT ON COLUMN step_libraries.steps_data IS 'The steps of this version, as a JSON array of step objects like jobs.steps.';
COMMENT ON COLUMN step_libraries.created_at IS 'When this version was published.';
COMMENT ON COLUMN step_libraries.updated_at IS 'When the row was last changed (metadata only); set by the application.';

-- Down Migration
DROP TABLE step_libraries;

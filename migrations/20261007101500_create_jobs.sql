--! Revision: 20261007101500
--! Revises: 20261005093000
--! Description: Create jobs, the automation definitions
--
-- A job is a named list of steps that runs on a target. steps is jsonb (the application reads
-- and filters it) and must be a JSON array, checked here so that a malformed definition cannot be
-- stored. target_id is nullable: a job without a default target is given one when it is run (see
-- job_executions.target_id). created_by is nullable so that jobs created by the system itself
-- have no author; both foreign keys keep NO ACTION (a target or user that jobs still reference
-- cannot be deleted), and both are indexed.

-- Up Migration
CREATE TABLE jobs (
  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_jobs PRIMARY KEY,
  name text NOT NULL,
  description text,
  target_id bigint CONSTRAINT fk_jobs_target_id REFERENCES targets (id),
  steps jsonb NOT NULL DEFAULT '[]'::jsonb CONSTRAINT ck_jobs_steps_is_array CHECK (jsonb_typeof(steps) = 'array'),
  created_by bigint CONSTRAINT fk_jobs_created_by REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_jobs_target_id ON jobs (target_id);
CREATE INDEX idx_jobs_created_by ON jobs (created_by);

COMMENT ON TABLE jobs IS 'Automation definitions: a named list of steps to run on a target.';
COMMENT ON COLUMN jobs.id IS 'Surrogate key.';
COMMENT ON COLUMN jobs.name IS 'Display name of the job.';
COMMENT ON COLUMN jobs.description IS 'What the job does; optional.';
COMMENT ON COLUMN jobs.target_id IS 'Default target the job runs on; NULL when the target is chosen at run time.';
COMMENT ON COLUMN jobs.steps IS 'The steps to run, in order, as a JSON array of step objects.';
COMMENT ON COLUMN jobs.created_by IS 'User who created the job; NULL for jobs created by the system.';
COMMENT ON COLUMN jobs.created_at IS 'When the job was created.';
COMMENT ON COLUMN jobs.updated_at IS 'When the job was last changed; set by the application.';

-- Down Migration
DROP TABLE jobs;

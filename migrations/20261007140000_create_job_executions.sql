--! Revision: 20261007140000
--! Revises: 20261007101500
--! Description: Create job executions, one row per run of a job
--
-- status is a closed set, enforced by a CHECK: pending, running, succeeded, failed, cancelled,
-- timed_out. started_at stays NULL while a run waits in the queue; completed_at is set when it
-- ends, and a CHECK keeps it from preceding started_at. output and error_message are unbounded
-- text: step output can be long, and truncating it is the application's choice, not the schema's.
--
-- job_id and target_id are NOT NULL and keep NO ACTION: run history must not vanish with a job
-- or target, so those are retired rather than deleted while executions refer to them.
--
-- Indexes: status (the dashboard's filter) and started_at descending (the "latest runs" list,
-- which reads it in that order) as the reference schema asks, and both foreign keys.

-- Up Migration
CREATE TABLE job_executions (
  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_job_executions PRIMARY KEY,
  job_id bigint NOT NULL CONSTRAINT fk_job_executions_job_id REFERENCES jobs (id),
  target_id bigint NOT NULL CONSTRAINT fk_job_executions_target_id REFERENCES targets (id),
  status text NOT NULL DEFAULT 'pending'
    CONSTRAINT ck_job_executions_status CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out')),
  started_at timestamptz,
  completed_at timestamptz,
  output text,
  error_message text,
  CONSTRAINT ck_job_executions_completed_after_started CHECK (completed_at >= started_at)
);

CREATE INDEX idx_job_executions_job_id ON job_executions (job_id);
CREATE INDEX idx_job_executions_target_id ON job_executions (target_id);
CREATE INDEX idx_job_executions_status ON job_executions (status);
CREATE INDEX idx_job_executions_started_at ON job_executions (started_at DESC);

COMMENT ON TABLE job_executions IS 'One row per run of a job on a target, with its outcome and output.';
COMMENT ON COLUMN job_executions.id IS 'Surrogate key.';
COMMENT ON COLUMN job_executions.job_id IS 'The job that ran.';
COMMENT ON COLUMN job_executions.target_id IS 'The target it ran on.';
COMMENT ON COLUMN job_executions.status IS 'pending, running, succeeded, failed, cancelled or timed_out.';
COMMENT ON COLUMN job_executions.started_at IS 'When the run started; NULL while it is pending.';
COMMENT ON COLUMN job_executions.completed_at IS 'When the run ended, whatever its outcome; NULL while it is pending or running.';
COMMENT ON COLUMN job_executions.output IS 'Combined output of the steps.';
COMMENT ON COLUMN job_executions.error_message IS 'Why the run failed; NULL unless it failed or timed out.';

-- Down Migration
DROP TABLE job_executions;

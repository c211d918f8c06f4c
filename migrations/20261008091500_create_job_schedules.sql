--! Revision: 20261008091500
--! Revises: 20261007140000
--! Description: Create job schedules
--
-- When jobs run by themselves. cron_expression is validated by the scheduler, which owns the cron
-- dialect; the database only requires it. timezone is an IANA zone name (default UTC) in which the
-- expression is read, so that "every day at 02:00" follows daylight saving time; it cannot be
-- checked by a CHECK constraint (the zone list is not immutable). is_active lets a schedule be
-- paused without losing it. job_id keeps NO ACTION, like the job's executions.

-- Up Migration
CREATE TABLE job_schedules (
  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_job_schedules PRIMARY KEY,
  job_id bigint NOT NULL CONSTRAINT fk_job_schedules_job_id REFERENCES jobs (id),
  cron_expression text NOT NULL,
  timezone text NOT NULL DEFAULT 'UTC',
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_job_schedules_job_id ON job_schedules (job_id);

COMMENT ON TABLE job_schedules IS 'Recurring schedules that start jobs automatically.';
COMMENT ON COLUMN job_schedules.id IS 'Surrogate key.';
COMMENT ON COLUMN job_schedules.job_id IS 'The job to start.';
COMMENT ON COLUMN job_schedules.cron_expression IS 'When to start it, in cron syntax; validated by the scheduler.';
COMMENT ON COLUMN job_schedules.timezone IS 'IANA time zone in which the cron expression is read.';
COMMENT ON COLUMN job_schedules.is_active IS 'False while the schedule is paused.';
COMMENT ON COLUMN job_schedules.created_at IS 'When the schedule was created.';
COMMENT ON COLUMN job_schedules.updated_at IS 'When the schedule was last changed; set by the application.';

-- Down Migration
DROP TABLE job_schedules;

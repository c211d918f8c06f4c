import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import type { VerifyFinding, VerifyReport } from '../../../src/verify/types.js';
import { verifyHistory } from '../../../src/verify/verify.js';
import { projectWith, type Step } from './history.js';

const base: Step = {
  name: 'base',
  up: `CREATE TABLE targets (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, platform text NOT NULL, name text);
CREATE INDEX idx_targets_platform ON targets (platform);
CREATE TYPE job_status AS ENUM ('pending', 'running', 'done');
CREATE TABLE jobs (id bigint PRIMARY KEY, status job_status NOT NULL DEFAULT 'pending', target_id bigint REFERENCES targets);`,
  down: `DROP TABLE jobs;
DROP TYPE job_status;
DROP TABLE targets;`,
};

// Each migration's down forgets (or breaks) one kind of object; verify must name exactly it.
const broken: Array<Step & { expect: string[] }> = [
  { name: 'forgets_table', up: 'CREATE TABLE audit (id int);', down: 'SELECT 1;', expect: ['table public.audit still exists'] },
  { name: 'forgets_column', up: 'ALTER TABLE targets ADD COLUMN note text;', down: 'SELECT 1;', expect: ['column public.targets.note still exists'] },
  { name: 'forgets_index', up: 'CREATE INDEX idx_targets_name ON targets (name);', down: 'SELECT 1;', expect: ['index idx_targets_name on table public.targets still exists'] },
  { name: 'drops_foreign_index', up: 'CREATE INDEX idx_jobs_target ON jobs (target_id);', down: 'DROP INDEX idx_jobs_target;\nDROP INDEX idx_targets_platform;', expect: ['index idx_targets_platform on table public.targets is missing'] },
  { name: 'forgets_constraint', up: 'ALTER TABLE targets ADD CONSTRAINT targets_name_length CHECK (length(name) < 100) NOT VALID;', down: 'SELECT 1;', expect: ['constraint targets_name_length on table public.targets still exists'] },
  { name: 'forgets_enum_type', up: "CREATE TYPE mood AS ENUM ('sad', 'happy');", down: 'SELECT 1;', expect: ['type public.mood still exists'] },
  { name: 'forgets_enum_label', up: "ALTER TYPE job_status ADD VALUE 'cancelled';", down: 'SELECT 1;', expect: ['labels of type public.job_status changed from [pending, running, done] to [pending, running, done, cancelled]'] },
  { name: 'forgets_view', up: 'CREATE VIEW running_jobs AS SELECT id FROM jobs;', down: 'SELECT 1;', expect: ['view public.running_jobs still exists'] },
  { name: 'forgets_function', up: 'CREATE FUNCTION job_count() RETURNS bigint LANGUAGE sql AS $$SELECT count(*) FROM jobs$$;', down: 'SELECT 1;', expect: ['function public.job_count() still exists'] },
  {
    name: 'forgets_trigger',
    up: `CREATE FUNCTION jobs_touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER jobs_touch BEFORE UPDATE ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_touch();`,
    down: 'SELECT 1;',
    expect: ['function public.jobs_touch() still exists', 'trigger jobs_touch on table public.jobs still exists'],
  },
  { name: 'forgets_sequence', up: 'CREATE SEQUENCE invoice_numbers START 1000;', down: 'SELECT 1;', expect: ['sequence public.invoice_numbers still exists'] },
  { name: 'forgets_extension', up: 'CREATE EXTENSION IF NOT EXISTS pg_trgm;', down: 'SELECT 1;', expect: ['extension pg_trgm still exists'] },
  { name: 'forgets_grant', up: 'GRANT SELECT ON targets TO PUBLIC;', down: 'SELECT 1;', expect: ['grant of SELECT on table public.targets to PUBLIC still exists'] },
  { name: 'wrong_comment', up: "COMMENT ON TABLE jobs IS 'Work to run on targets';", down: "COMMENT ON TABLE jobs IS 'Jobs';", expect: ["comment of table public.jobs changed from NULL to 'Jobs'"] },
  { name: 'forgets_default', up: 'ALTER TABLE jobs ALTER COLUMN status DROP DEFAULT;', down: 'SELECT 1;', expect: ["default of column public.jobs.status changed from 'pending'::public.job_status to NULL"] },
];

/**
 * The tests of a verify run over hand-broken downs, on a database `createDatabase` makes (in
 * checked mode: every incremental snapshot is compared with a full read). For a `describe` of the
 * server they run on.
 */
export function brokenDownsSuite(createDatabase: () => Promise<DatabaseHandle>): void {
  let db: DatabaseHandle;
  let report: VerifyReport;
  let project: ReturnType<typeof projectWith>;
  beforeAll(async () => {
    project = projectWith([base, ...broken, { name: 'down_errors', up: 'CREATE TABLE b (id int);', down: 'DROP TABLE no_such_table;' }, { name: 'last_good', up: 'CREATE TABLE z (id int);', down: 'DROP TABLE z;' }]);
    db = await createDatabase();
    report = await verifyHistory(project.config, db, { snapshots: 'checked' });
  });
  afterAll(async () => {
    await db?.close();
    project?.cleanup();
  });

  const findingsOf = (name: string): VerifyFinding[] => report.findings.filter((f) => f.revision === project.revisions[name]);

  it('passes the correct base migration', () => {
    expect(report.migrations[0]).toMatchObject({ name: expect.stringContaining('base'), outcome: 'verified' });
    expect(findingsOf('base')).toEqual([]);
  });

  for (const step of broken) {
    it(`names what ${step.name.replace(/_/g, ' ')} leaves behind`, () => {
      const restore = findingsOf(step.name).filter((f) => f.ruleId === 'down-restores-schema');
      expect(restore).toHaveLength(1);
      expect(restore[0]!.details).toEqual(step.expect);
      expect(restore[0]!.file).toMatch(new RegExp(`migrations/${project.revisions[step.name]}_${step.name}\\.sql$`));
      expect(report.migrations.find((m) => m.revision === project.revisions[step.name])!.outcome).toBe('failed');
    });
  }

  it('reports a down that fails with the error and the line, and keeps going', () => {
    const [failure] = findingsOf('down_errors');
    expect(failure).toMatchObject({ ruleId: 'down-fails', level: 'error', line: 9 });
    expect(failure!.message).toContain('table "no_such_table" does not exist');
    expect(report.migrations.at(-1)).toMatchObject({ name: expect.stringContaining('last_good'), outcome: 'verified' });
  });

  it('reports an up that cannot be applied again after its incomplete down', () => {
    const again = findingsOf('forgets_table').find((f) => f.ruleId === 'up-reapplies');
    expect(again?.message).toContain('relation "audit" already exists');
  });

  it('is not clean', () => {
    expect(report.clean).toBe(false);
    expect(report.migrations.filter((m) => m.outcome === 'failed').map((m) => m.name.replace(/^\d+_/, ''))).toEqual([...broken.map((b) => b.name), 'down_errors']);
  });
}

/**
 * A history that creates roles: the roles belong to the server, not to the throwaway database, and
 * verify drops the ones it created. check must drop them only after docs and roles have read the
 * applied database, whose grants to those roles (and the objects they own) are part of the
 * documented schema.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCheck } from '../../../src/check/check.js';
import { generateDocs } from '../../../src/docs/generate.js';
import { writeDocs } from '../../../src/docs/write.js';
import { adminUrl, query } from '../../support/db.js';
import { sqlMigration, tempProject, type TempProject } from '../../support/project.js';

describe('pgwarden check on a history that creates roles', () => {
  let project: TempProject;
  let role: string;
  const roleExists = async () => (await query(adminUrl(), 'SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).length > 0;
  beforeEach(async () => {
    role = `pgw_check_reader_${randomBytes(3).toString('hex')}`;
    project = tempProject();
    project.write(
      '20270101000000_jobs.sql',
      sqlMigration(
        '20270101000000',
        undefined,
        `CREATE TABLE jobs (id bigint PRIMARY KEY);\nCOMMENT ON TABLE jobs IS 'Work.';\nCOMMENT ON COLUMN jobs.id IS 'Id.';\nCREATE ROLE ${role};\nGRANT SELECT ON jobs TO ${role};\nCREATE TABLE job_notes (id bigint PRIMARY KEY);\nCOMMENT ON TABLE job_notes IS 'Notes.';\nCOMMENT ON COLUMN job_notes.id IS 'Id.';\nALTER TABLE job_notes OWNER TO ${role};`,
        `DROP TABLE job_notes;\nREVOKE SELECT ON jobs FROM ${role};\nDROP ROLE ${role};\nDROP TABLE jobs;`,
      ),
    );
    writeDocs(await generateDocs(project.config, { url: adminUrl() }));
    // generateDocs built the schema on a throwaway database of the shared server and left the role: a clean start.
    if (await roleExists()) await query(adminUrl(), `DROP ROLE ${role}`);
  });
  afterEach(async () => {
    if (await roleExists()) await query(adminUrl(), `DROP OWNED BY ${role}; DROP ROLE ${role}`).catch(() => {});
    project.cleanup();
  });

  it('finds the docs current (the grant and the owner are still there when docs reads), then drops the role', async () => {
    const report = await runCheck(project.config, { target: { url: adminUrl() }, skip: ['lint'] });
    expect(report.steps.map((s) => [s.name, s.status]), JSON.stringify(report.steps)).toEqual([
      ['lint', 'skipped'],
      ['verify', 'passed'],
      ['docs', 'passed'],
      ['roles', 'skipped'],
    ]);
    expect(report.docs!.stale).toEqual([]);
    expect(await roleExists()).toBe(false);
  });

  it('after a verify failure, applies the history on a fresh database for docs (the role created again there), and drops the role at the end', async () => {
    project.write('20270102000000_broken.sql', sqlMigration('20270102000000', '20270101000000', `CREATE TABLE extra (id int);\nCOMMENT ON TABLE extra IS 'E.';\nCOMMENT ON COLUMN extra.id IS 'Id.';`, 'SELECT 1;'));
    const report = await runCheck(project.config, { target: { url: adminUrl() }, skip: ['lint'] });
    expect(report.steps.map((s) => [s.name, s.status]), JSON.stringify(report.steps)).toEqual([
      ['lint', 'skipped'],
      ['verify', 'failed'],
      ['docs', 'failed'],
      ['roles', 'skipped'],
    ]);
    // docs ran on the fresh database (stale only for the new table, not for the role's grant or owner).
    expect(report.docs!.stale.length).toBeGreaterThan(0);
    expect(JSON.stringify(report.docs)).not.toContain(role);
    expect(await roleExists()).toBe(false);
  });
});

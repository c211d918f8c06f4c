import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCheck } from '../../../src/check/check.js';
import { checkJson, formatCheckAnnotations, formatCheckMarkdown, formatCheckSarif, formatCheckTable } from '../../../src/check/report.js';
import { generateDocs } from '../../../src/docs/generate.js';
import { writeDocs } from '../../../src/docs/write.js';
import { rules } from '../../../src/lint/registry.js';
import { adminUrl } from '../../support/db.js';
import { REPO_ROOT, sqlMigration, tempProject, type TempProject } from '../../support/project.js';

/** The reference schema's repository as CI sees it: migrations, roles.yaml, and schema/ generated from them. */
async function referenceProject(): Promise<TempProject> {
  const project = tempProject({ copyReference: true });
  mkdirSync(join(project.root, 'schema'), { recursive: true });
  cpSync(join(REPO_ROOT, 'schema', 'roles.yaml'), join(project.root, 'schema', 'roles.yaml'));
  writeDocs(await generateDocs(project.config, { url: adminUrl() }));
  return project;
}

const BROKEN = '20261201090000';

describe('runCheck', () => {
  let project: TempProject;
  beforeEach(async () => {
    project = await referenceProject();
  });
  afterEach(() => project.cleanup());

  it('passes on the reference repository: lint, verify, docs and roles on one embedded throwaway cluster, roles.yaml converging', async () => {
    const steps: string[] = [];
    const report = await runCheck(project.config, { onStep: (e) => steps.push(`${e.step}:${e.phase}`) });
    expect(report.steps.map((s) => [s.name, s.status])).toEqual([
      ['lint', 'passed'],
      ['verify', 'passed'],
      ['docs', 'passed'],
      ['roles', 'passed'],
    ]);
    expect(steps).toEqual(['lint:start', 'lint:done', 'verify:start', 'verify:done', 'docs:start', 'docs:done', 'roles:start', 'roles:done']);
    expect(report.exitCode).toBe(0);
    expect(report.clean).toBe(true);
    expect(report.verify!.migrations).toHaveLength(16);
    expect(report.docs!.stale).toEqual([]);
    expect(report.roles!.plan.changes.length).toBeGreaterThan(0);
    expect(report.roles!.applied).toBe(report.roles!.plan.changes.length);
    expect(report.roles!.replan!.changes).toEqual([]);
    const table = formatCheckTable(report);
    expect(table).toMatch(/^step +result +errors +warnings +time +summary$/m);
    expect(table).toMatch(/^roles +passed +0 +\d+ +[\d.]+ m?s +\d+ statements applied, plan empty after$/m);
    expect(table).toMatch(/pgwarden check passed in /);
  });

  it('fails (exit 1) on a down migration that does not restore the schema, and still runs docs and roles on a fresh database', async () => {
    project.write(
      `${BROKEN}_default_job_priority.sql`,
      sqlMigration(BROKEN, '20261118093000', "ALTER TABLE jobs ADD COLUMN priority integer NOT NULL DEFAULT 0;\nCOMMENT ON COLUMN jobs.priority IS 'Higher runs first.';\nCREATE INDEX idx_jobs_priority ON jobs (priority);", 'ALTER TABLE jobs DROP COLUMN priority;\nCREATE INDEX idx_jobs_priority ON jobs (id);'),
    );
    const report = await runCheck(project.config, { target: { url: adminUrl() }, skip: ['lint'] });
    expect(report.steps.map((s) => [s.name, s.status])).toEqual([
      ['lint', 'skipped'],
      ['verify', 'failed'],
      ['docs', 'failed'],
      ['roles', 'passed'],
    ]);
    expect(report.exitCode).toBe(1);
    const finding = report.verify!.findings.find((f) => f.ruleId === 'down-restores-schema')!;
    expect(finding).toMatchObject({ ruleId: 'down-restores-schema', file: `migrations/${BROKEN}_default_job_priority.sql` });
    expect(finding.details.join('\n')).toContain('idx_jobs_priority');
    // On a server of the user's, roles are planned, not applied.
    expect(report.roles!.replan).toBeUndefined();
    expect(report.steps[3]!.summary).toMatch(/not applied/);

    const sarif = JSON.parse(formatCheckSarif(report, rules));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].automationDetails.id).toBe('pgwarden/verify/');
    expect(sarif.runs[0].results).toContainEqual(expect.objectContaining({ ruleId: 'down-restores-schema', level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: `migrations/${BROKEN}_default_job_priority.sql`, uriBaseId: '%SRCROOT%' }, region: { startLine: expect.any(Number) } } }] }));
    expect(formatCheckAnnotations(report)).toMatch(new RegExp(`^::error file=migrations/${BROKEN}_default_job_priority\\.sql,line=\\d+,title=pgwarden verify down-restores-schema::`, 'm'));
    expect(formatCheckAnnotations(report)).toMatch(/^::error file=schema\/snapshot\.json,title=pgwarden docs::/m);
    const markdown = formatCheckMarkdown(report);
    expect(markdown).toContain('## pgwarden check: failed');
    expect(markdown).toMatch(new RegExp(`\\| verify \\| ❌ failed \\| ${report.steps[1]!.errors} \\|`));
    expect(markdown).toContain(`\`down-restores-schema\` migrations/${BROKEN}_default_job_priority.sql`);
    expect(markdown).toContain('Stale: `schema/snapshot.json`, `schema/README.md`, `schema/schema.sql`.');
    expect(markdown).toContain('\n--- schema/snapshot.json (committed)\n+++ schema/snapshot.json (from the migrations)\n');
    // In a monorepo package, from the top of the repository, as SARIF and annotations name them.
    const fromTop = formatCheckMarkdown(report, 'schema', { projectPath: 'packages/db' });
    expect(fromTop).toContain(`\`down-restores-schema\` packages/db/migrations/${BROKEN}_default_job_priority.sql`);
    expect(fromTop).toContain('Stale: `packages/db/schema/snapshot.json`, `packages/db/schema/README.md`, `packages/db/schema/schema.sql`.');
    expect(fromTop).toContain('\n--- packages/db/schema/snapshot.json (committed)\n+++ packages/db/schema/snapshot.json (from the migrations)\n');
    expect(fromTop).toContain('`packages/db/schema/roles.yaml`');
    expect(fromTop.split('\n').filter((line) => line.startsWith('- **'))).not.toContainEqual(expect.stringMatching(/ migrations\//));
    expect(checkJson(report).steps.map((s) => s.status)).toEqual(['skipped', 'failed', 'failed', 'passed']);
  });

  it('a database that cannot be reached is an error of each database step (exit 3); lint still runs', async () => {
    const report = await runCheck(project.config, { target: { url: 'postgresql://nobody@127.0.0.1:1/none' } });
    expect(report.steps.map((s) => [s.name, s.status, s.error?.exitCode])).toEqual([
      ['lint', 'passed', undefined],
      ['verify', 'error', 3],
      ['docs', 'error', 3],
      ['roles', 'error', 3],
    ]);
    expect(report.exitCode).toBe(3);
    expect(report.steps[1]!.error!.code).toBe('CONNECTION_FAILED');
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import type { VerifyReport } from '../../../src/verify/types.js';
import { verifyHistory } from '../../../src/verify/verify.js';
import { createTestDatabase } from '../../support/db.js';
import { projectWith, type Step } from './history.js';

/** 60 migrations: a table every 4, a column, an index, a constraint; two broken downs, one in each half. */
function history(options: { upFailsAt?: number } = {}): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < 60; i++) {
    const t = `t${Math.floor(i / 4)}`;
    const kind = i % 4;
    if (i === options.upFailsAt) steps.push({ name: `m${i}_fails`, up: 'ALTER TABLE no_such_table ADD COLUMN x int;', down: 'SELECT 1;' });
    else if (kind === 0) steps.push({ name: `m${i}_${t}`, up: `CREATE TABLE ${t} (id int PRIMARY KEY, name text);`, down: `DROP TABLE ${t};` });
    else if (kind === 1) steps.push({ name: `m${i}_${t}_note`, up: `ALTER TABLE ${t} ADD COLUMN note text;`, down: i === 9 || i === 49 ? 'SELECT 1;' : `ALTER TABLE ${t} DROP COLUMN note;` });
    else if (kind === 2) steps.push({ name: `m${i}_${t}_idx`, up: `CREATE INDEX ${t}_name ON ${t} (name);`, down: `DROP INDEX ${t}_name;` });
    else steps.push({ name: `m${i}_${t}_check`, up: `ALTER TABLE ${t} ADD CONSTRAINT ${t}_len CHECK (length(name) < 10) NOT VALID;`, down: `ALTER TABLE ${t} DROP CONSTRAINT ${t}_len;` });
  }
  return steps;
}

/** What a report says, without timings. */
function essence(report: VerifyReport) {
  return {
    migrations: report.migrations.map((m) => `${m.revision} ${m.outcome}`),
    findings: report.findings.map((f) => `${f.revision} ${f.ruleId} ${f.level} ${f.line} ${f.message} ${f.details.join('; ')}`),
    clean: report.clean,
  };
}

describe('verify in several databases at once (--jobs)', () => {
  const projects: Array<ReturnType<typeof projectWith>> = [];
  afterAll(() => {
    for (const p of projects) p.cleanup();
  });
  /** verify changes the database it is given: each run gets a new one. */
  const verifyOn = async (project: ReturnType<typeof projectWith>, options: Parameters<typeof verifyHistory>[2]) => {
    const db: DatabaseHandle = await createTestDatabase();
    try {
      return await verifyHistory(project.config, db, options);
    } finally {
      await db.close();
    }
  };

  it('verifies a project with no migrations yet (fresh from init): clean, nothing verified', async () => {
    const project = projectWith([]);
    projects.push(project);
    const report = await verifyOn(project, { jobs: 2 });
    expect(report.migrations).toEqual([]);
    expect(report.findings).toEqual([]);
    expect(report.clean).toBe(true);
  });

  it('reports exactly what one database reports, broken downs in both ranges included', async () => {
    const project = projectWith(history());
    projects.push(project);
    const one = await verifyOn(project, { jobs: 1, snapshots: 'checked' });
    const two = await verifyOn(project, { jobs: 2, snapshots: 'checked' });
    expect(one.migrations).toHaveLength(60);
    expect(one.findings.filter((f) => f.ruleId === 'down-restores-schema').map((f) => f.revision)).toEqual([project.revisions.m9_t2_note, project.revisions.m49_t12_note]);
    expect(essence(two)).toEqual(essence(one));
  });

  it('an up that fails in the first range leaves every later migration not verified, in every range', async () => {
    const project = projectWith(history({ upFailsAt: 20 }));
    projects.push(project);
    const one = await verifyOn(project, { jobs: 1 });
    const two = await verifyOn(project, { jobs: 2 });
    expect(one.migrations.slice(21).every((m) => m.outcome === 'not verified')).toBe(true);
    expect(one.findings.some((f) => f.ruleId === 'up-fails' && f.revision === project.revisions.m20_fails)).toBe(true);
    expect(essence(two)).toEqual(essence(one));
  });
});

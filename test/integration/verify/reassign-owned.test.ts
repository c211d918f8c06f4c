import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../../src/verify/types.js';
import { verifyHistory } from '../../../src/verify/verify.js';
import { createTestDatabase } from '../../support/db.js';
import { projectWith } from './history.js';

/** What a report says, without timings. */
const essence = (report: VerifyReport) => ({
  migrations: report.migrations.map((m) => `${m.revision} ${m.outcome}`),
  findings: report.findings.map((f) => `${f.revision} ${f.ruleId} ${f.level} ${f.line} ${f.message} ${f.details.join('; ')}`),
});

// REASSIGN OWNED fires no event trigger: the change log of incremental snapshots cannot see it.
// Here m3 undoes what m2's down did, so the last snapshot matches a full read and the safety net
// at the end cannot catch it: the steps themselves must read everything.
describe('verify of REASSIGN OWNED', () => {
  const suffix = randomBytes(3).toString('hex');
  const r3 = `pgw_verify_r3_${suffix}`;
  const r4 = `pgw_verify_r4_${suffix}`;
  let project: ReturnType<typeof projectWith>;
  const reports: Partial<Record<'incremental' | 'full' | 'checked', VerifyReport>> = {};
  beforeAll(async () => {
    project = projectWith([
      { name: 'base', up: `CREATE ROLE ${r3};\nCREATE ROLE ${r4};\nCREATE TABLE t (id int);\nALTER TABLE t OWNER TO ${r3};`, down: `DROP TABLE t;\nDROP ROLE ${r4};\nDROP ROLE ${r3};` },
      { name: 'reassign_down', up: 'CREATE TABLE x (id integer);', down: `DROP TABLE x;\nREASSIGN OWNED BY ${r3} TO ${r4};` },
      { name: 'reassign_up', up: `REASSIGN OWNED BY ${r4} TO ${r3};`, down: 'SELECT 1;' },
    ]);
    for (const mode of ['incremental', 'full', 'checked'] as const) {
      const db = await createTestDatabase();
      try {
        reports[mode] = await verifyHistory(project.config, db, { snapshots: mode, jobs: 1 });
      } finally {
        await db.close();
      }
    }
  });
  afterAll(() => project?.cleanup());

  it('fails both migrations with full snapshots', () => {
    expect(reports.full!.migrations.map((m) => m.outcome)).toEqual(['verified', 'failed', 'failed']);
    expect(reports.full!.findings.find((f) => f.revision === project.revisions.reassign_down && f.ruleId === 'down-restores-schema')!.details).toContain(`owner of table public.t changed from ${r3} to ${r4}`);
  });

  it('gives the same result with incremental snapshots, and the incremental reads match full ones', () => {
    expect(essence(reports.incremental!)).toEqual(essence(reports.full!));
    expect(essence(reports.checked!)).toEqual(essence(reports.full!));
  });
});

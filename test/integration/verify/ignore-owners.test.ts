import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../../src/verify/types.js';
import { verifyHistory } from '../../../src/verify/verify.js';
import { createTestDatabase } from '../../support/db.js';
import { projectWith } from './history.js';

// An owner holds every privilege on its object implicitly, and grants it makes carry it as grantor:
// with owners left out, those must follow the owner, or an owner change still shows as differences.
describe('verify --ignore-owners', () => {
  const r5 = `pgw_verify_r5_${randomBytes(3).toString('hex')}`;
  const r6 = `pgw_verify_r6_${randomBytes(3).toString('hex')}`;
  let project: ReturnType<typeof projectWith>;
  const downDiffs = (report: VerifyReport) => report.findings.filter((f) => f.ruleId === 'down-restores-schema' && f.revision === project.revisions.owner);
  let ignoring: VerifyReport;
  let comparing: VerifyReport;
  beforeAll(async () => {
    project = projectWith([
      { name: 'base', up: `CREATE ROLE ${r5};\nCREATE ROLE ${r6};\nCREATE TABLE t (id int, note text);\nGRANT SELECT ON t TO ${r6};\nGRANT UPDATE (note) ON t TO ${r6};`, down: `DROP TABLE t;\nDROP ROLE ${r6};\nDROP ROLE ${r5};` },
      // Down forgets the owner: only the owner differs afterwards.
      { name: 'owner', up: `ALTER TABLE t OWNER TO ${r5};`, down: 'SELECT 1;' },
    ]);
    for (const ignoreOwners of [true, false]) {
      const db = await createTestDatabase();
      try {
        const report = await verifyHistory(project.config, db, { diff: { ignoreOwners }, jobs: 1, snapshots: 'checked' });
        if (ignoreOwners) ignoring = report;
        else comparing = report;
      } finally {
        await db.close();
      }
    }
  });
  afterAll(() => project?.cleanup());

  it('finds no difference after a pure owner change', () => {
    expect(downDiffs(ignoring)).toEqual([]);
  });

  it('still shows the owner change, and only it with its privileges, when owners are compared', () => {
    const details = downDiffs(comparing)[0]!.details;
    expect(details).toContain(`owner of table public.t changed from postgres to ${r5}`);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import { formatVerifyText } from '../../../src/verify/format/text.js';
import type { VerifyReport } from '../../../src/verify/types.js';
import { verifyHistory } from '../../../src/verify/verify.js';
import { createTestDatabase } from '../../support/db.js';
import { tempProject, type TempProject } from '../../support/project.js';

describe('the reference schema', () => {
  let project: TempProject;
  let db: DatabaseHandle;
  let report: VerifyReport;
  beforeAll(async () => {
    project = tempProject({ copyReference: true });
    db = await createTestDatabase();
    report = await verifyHistory(project.config, db, { snapshots: 'checked' });
  });
  afterAll(async () => {
    await db?.close();
    project?.cleanup();
  });

  it('verifies clean: every down restores exactly what its up changed', () => {
    expect(report.findings.filter((f) => f.level === 'error'), formatVerifyText(report)).toEqual([]);
    expect(report.clean).toBe(true);
  });

  it('verifies each of its migrations', () => {
    expect(report.migrations.length).toBeGreaterThanOrEqual(12);
    expect(report.migrations.filter((m) => m.outcome !== 'verified' && m.outcome !== 'irreversible')).toEqual([]);
  });
});

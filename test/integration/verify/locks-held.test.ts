import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import type { VerifyReport } from '../../../src/verify/types.js';
import { verifyHistory } from '../../../src/verify/verify.js';
import { createTestDatabase } from '../../support/db.js';
import { projectWith } from './history.js';

// A lock outlives the statement that took it: a later statement of the same transaction that
// scans the table keeps every other session waiting just as if it had taken the lock itself.
describe('lock trace: scans under a lock taken earlier in the migration', () => {
  let db: DatabaseHandle;
  let report: VerifyReport;
  let project: ReturnType<typeof projectWith>;
  beforeAll(async () => {
    project = projectWith([
      { name: 'base', up: 'CREATE TABLE t (id int PRIMARY KEY, a int);\nINSERT INTO t SELECT g, g FROM generate_series(1, 1000) g;', down: 'DROP TABLE t;' },
      { name: 'backfill', up: 'ALTER TABLE t ADD COLUMN b integer;\nUPDATE t SET b = a * 2;', down: 'ALTER TABLE t DROP COLUMN b;' },
      { name: 'check', up: 'ALTER TABLE t ADD COLUMN c integer;\nALTER TABLE t ADD CONSTRAINT a_positive CHECK (a >= 0);', down: 'ALTER TABLE t DROP CONSTRAINT a_positive;\nALTER TABLE t DROP COLUMN c;' },
      { name: 'not_null', up: 'ALTER TABLE t ADD COLUMN d integer;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;', down: 'ALTER TABLE t ALTER COLUMN a DROP NOT NULL;\nALTER TABLE t DROP COLUMN d;' },
      { name: 'lock_index', up: 'LOCK TABLE t IN SHARE MODE;\nCREATE INDEX t_a ON t (a);', down: 'DROP INDEX t_a;' },
      // Each statement commits on its own: the ADD COLUMN's lock is gone when the UPDATE runs.
      { name: 'separate', up: 'ALTER TABLE t ADD COLUMN e integer;\nUPDATE t SET e = a;', down: 'ALTER TABLE t DROP COLUMN e;', extra: ['--! Transaction: none'] },
    ]);
    db = await createTestDatabase();
    report = await verifyHistory(project.config, db, { snapshots: 'checked' });
  });
  afterAll(async () => {
    await db?.close();
    project?.cleanup();
  });

  const errors = (name: string) => report.findings.filter((f) => f.revision === project.revisions[name] && f.level === 'error');
  const statement = (name: string, direction: 'up' | 'down', index: number) => report.migrations.find((m) => m.revision === project.revisions[name])!.statements.find((s) => s.direction === direction && s.index === index)!;

  it('flags a backfill under the ACCESS EXCLUSIVE lock of an earlier ADD COLUMN, naming that statement', () => {
    expect(statement('backfill', 'up', 2).scans).toEqual(['public.t']);
    expect(errors('backfill')).toEqual([
      expect.objectContaining({ ruleId: 'blocking-lock', line: 7, lintRule: 'backfill-in-ddl-transaction', message: expect.stringContaining('up statement 2 scans public.t') }),
    ]);
    const message = errors('backfill')[0]!.message;
    expect(message).toContain('ACCESS EXCLUSIVE lock taken by up statement 1 (line 6), ALTER TABLE t ADD COLUMN b integer');
    expect(message).toContain('reads and writes wait for the whole scan');
    expect(report.clean).toBe(false);
  });

  it('flags a CHECK and a SET NOT NULL validated after an ADD COLUMN in the same migration', () => {
    expect(errors('check')).toEqual([expect.objectContaining({ ruleId: 'blocking-lock', line: 7, lintRule: 'constraint-missing-not-valid', message: expect.stringContaining('taken by up statement 1') })]);
    expect(errors('not_null')).toEqual([expect.objectContaining({ ruleId: 'blocking-lock', line: 7, lintRule: 'adding-not-nullable-field', message: expect.stringContaining('taken by up statement 1') })]);
  });

  it('flags an index build under an explicit LOCK TABLE taken first', () => {
    expect(statement('lock_index', 'up', 2).locks).toEqual([]);
    expect(errors('lock_index')).toEqual([
      expect.objectContaining({ ruleId: 'blocking-lock', line: 7, lintRule: 'require-concurrent-index-creation', message: expect.stringMatching(/holding a SHARE lock taken by up statement 1 .*: writes wait for the whole scan/) }),
    ]);
  });

  it('does not carry a lock over to the next statement outside a transaction', () => {
    expect(statement('separate', 'up', 2).scans).toEqual(['public.t']);
    expect(errors('separate')).toEqual([]);
  });
});

/**
 * verify names, for a statement of a JS/TS migration, the line of the pgm call that produced it: in
 * a failing down's finding and in the statement traces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import type { VerifyReport } from '../../../src/verify/types.js';
import { verifyHistory } from '../../../src/verify/verify.js';
import { createTestDatabase } from '../../support/db.js';
import { projectWith } from './history.js';

describe('verify on a JS migration', () => {
  let db: DatabaseHandle;
  let report: VerifyReport;
  let project: ReturnType<typeof projectWith>;
  const js = (revises: string) =>
    [
      `//! Revises: ${revises}`,
      '//! Description: Add a note and a tag to t',
      'exports.up = (pgm) => {',
      "  pgm.addColumn('t', { note: { type: 'text' } });",
      "  pgm.addColumn('t', { tag: { type: 'text' } });",
      '};',
      'exports.down = (pgm) => {',
      "  pgm.dropColumn('t', 'tag');",
      "  pgm.dropColumn('t', 'no_such_column');",
      '};',
      '',
    ].join('\n');
  beforeAll(async () => {
    project = projectWith([{ name: 'base', up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' }]);
    project.write('20270101000000_note.js', js(project.revisions.base!));
    db = await createTestDatabase();
    report = await verifyHistory(project.config, db, {});
  });
  afterAll(async () => {
    await db?.close();
    project?.cleanup();
  });

  it('reports the failing down at the line of the pgm call whose statement failed', () => {
    const failure = report.findings.find((f) => f.ruleId === 'down-fails');
    expect(failure, JSON.stringify(report.findings)).toMatchObject({ level: 'error', line: 9 });
    expect(failure!.message).toContain('no_such_column');
  });

  it('traces each statement at the line of its call', () => {
    const migration = report.migrations.find((m) => m.file.endsWith('20270101000000_note.js'))!;
    const up = migration.statements.filter((s) => s.direction === 'up');
    expect(up.map((s) => [s.line, s.sql])).toEqual([
      [4, expect.stringContaining('"note" text')],
      [5, expect.stringContaining('"tag" text')],
    ]);
  });
});

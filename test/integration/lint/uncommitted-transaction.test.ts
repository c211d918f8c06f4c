/**
 * What ban-uncommitted-transaction's help says happens to a `Transaction: none` migration whose
 * BEGIN is never committed: the runner reports success, and closing its connection rolls the work
 * back; a transactional migration after it commits it by accident.
 */
import { describe, expect, it } from 'vitest';
import { lintSources } from '../../../src/lint/engine.js';
import { ruleById } from '../../../src/lint/registry.js';
import { getStatus, runMigrations } from '../../../src/runner/run.js';
import { createTestDatabase, query } from '../../support/db.js';
import { sqlMigration, tempProject } from '../../support/project.js';

const OPEN = sqlMigration('20260101000000', undefined, 'BEGIN;\nCREATE TABLE x (id int);', undefined, ['--! Transaction: none']);
const NEXT = sqlMigration('20260102000000', '20260101000000', 'CREATE TABLE y (id int);');

async function run(files: Record<string, string>) {
  const project = tempProject();
  for (const [name, text] of Object.entries(files)) project.write(name, text);
  const db = await createTestDatabase();
  try {
    const result = await runMigrations(project.config, db, 'up');
    const tables = (await query<{ relname: string }>(db.url, "SELECT relname FROM pg_class WHERE relname IN ('x', 'y') ORDER BY 1")).map((r) => r.relname);
    const status = await getStatus(project.config, db);
    return { ran: result.migrations.map((m) => m.revision), tables, states: status.migrations.map((m) => [m.revision, m.state]) };
  } finally {
    await db.close();
    project.cleanup();
  }
}

describe('a BEGIN never committed in a Transaction: none migration', () => {
  it('is reported by lint', async () => {
    const report = await lintSources([{ path: 'migrations/20260101000000_open.sql', text: OPEN }], { root: '/project', rules: [ruleById('ban-uncommitted-transaction')!] });
    expect(report.findings.map((f) => [f.rule, f.line])).toEqual([['ban-uncommitted-transaction', 6]]);
  });

  it('alone: the run succeeds, and the work is rolled back when the connection closes', async () => {
    expect(await run({ '20260101000000_open.sql': OPEN })).toEqual({ ran: ['20260101000000'], tables: [], states: [['20260101000000', 'partial']] });
  });

  it('followed by a transactional migration: its COMMIT commits the open transaction', async () => {
    expect(await run({ '20260101000000_open.sql': OPEN, '20260102000000_next.sql': NEXT })).toEqual({
      ran: ['20260101000000', '20260102000000'],
      tables: ['x', 'y'],
      states: [
        ['20260101000000', 'applied'],
        ['20260102000000', 'applied'],
      ],
    });
  });
});

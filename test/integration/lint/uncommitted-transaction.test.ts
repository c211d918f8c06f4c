/**
 * A `Transaction: none` migration whose BEGIN is never committed: ban-uncommitted-transaction
 * reports it, and the runner stops on it (rolls the open transaction back, keeps the migration
 * partial, says how to go on) instead of reporting success while closing its connection rolls the
 * work back, or letting the next migration's COMMIT commit it by accident.
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
    const error = await runMigrations(project.config, db, 'up').then(
      () => undefined,
      (e: Error & { code?: string; details?: Record<string, unknown> }) => e,
    );
    const tables = (await query<{ relname: string }>(db.url, "SELECT relname FROM pg_class WHERE relname IN ('w', 'x', 'y') ORDER BY 1")).map((r) => r.relname);
    const status = await getStatus(project.config, db);
    return { error, tables, states: status.migrations.map((m) => [m.revision, m.state]) };
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

  it('alone: the run stops with what was rolled back and how to go on, and the migration stays partial', async () => {
    const { error, tables, states } = await run({ '20260101000000_open.sql': OPEN });
    expect(error?.code).toBe('MIGRATION_FAILED');
    expect(error?.message).toContain('migrations/20260101000000_open.sql (Transaction: none) left a transaction open');
    expect(error?.message).toContain('up statements from statement 1 on were rolled back (none took effect)');
    expect(error?.message).toContain('ban-uncommitted-transaction');
    expect(error?.message).toMatch(/up --resume/);
    expect(tables).toEqual([]);
    expect(states).toEqual([['20260101000000', 'partial']]);
  });

  it('after statements that took effect: counts them, and the next migration does not run (its COMMIT would have committed the open transaction)', async () => {
    const open = sqlMigration('20260101000000', undefined, 'CREATE TABLE w (id int);\nBEGIN;\nCREATE TABLE x (id int);', undefined, ['--! Transaction: none']);
    const { error, tables, states } = await run({ '20260101000000_open.sql': open, '20260102000000_next.sql': NEXT });
    expect(error?.message).toContain('from statement 2 on were rolled back (statements 1-1 took effect)');
    expect(error?.details?.statementsDone).toBe(1);
    expect(tables).toEqual(['w']);
    expect(states).toEqual([
      ['20260101000000', 'partial'],
      ['20260102000000', 'pending'],
    ]);
  });

  it('a BEGIN that the migration commits is fine', async () => {
    const closed = sqlMigration('20260101000000', undefined, 'BEGIN;\nCREATE TABLE x (id int);\nCOMMIT;', undefined, ['--! Transaction: none']);
    const { error, tables, states } = await run({ '20260101000000_closed.sql': closed });
    expect(error).toBeUndefined();
    expect(tables).toEqual(['x']);
    expect(states).toEqual([['20260101000000', 'applied']]);
  });
});

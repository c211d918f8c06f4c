import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../../src/providers/types.js';
import type { VerifyReport } from '../../../src/verify/types.js';
import { verifyHistory } from '../../../src/verify/verify.js';
import { createTestDatabase } from '../../support/db.js';
import { projectWith } from './history.js';

describe('lock trace', () => {
  let db: DatabaseHandle;
  let report: VerifyReport;
  let project: ReturnType<typeof projectWith>;
  beforeAll(async () => {
    project = projectWith([
      { name: 'base', up: 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text, balance int);\nCREATE TABLE ledger (id bigint PRIMARY KEY);', down: 'DROP TABLE ledger;\nDROP TABLE accounts;' },
      { name: 'new_table_indexed', up: 'CREATE TABLE notes (id int, body text);\nCREATE INDEX notes_body ON notes (body);', down: 'DROP TABLE notes;' },
      { name: 'index', up: 'CREATE INDEX accounts_email ON accounts (email);', down: 'DROP INDEX accounts_email;' },
      { name: 'column_type', up: 'ALTER TABLE accounts ALTER COLUMN balance TYPE bigint;', down: 'ALTER TABLE accounts ALTER COLUMN balance TYPE int;' },
      { name: 'add_column', up: 'ALTER TABLE accounts ADD COLUMN note text;', down: 'ALTER TABLE accounts DROP COLUMN note;' },
      { name: 'check', up: 'ALTER TABLE accounts ADD CONSTRAINT balance_positive CHECK (balance >= 0);', down: 'ALTER TABLE accounts DROP CONSTRAINT balance_positive;' },
      { name: 'check_not_valid', up: 'ALTER TABLE accounts ADD CONSTRAINT email_at CHECK (email LIKE \'%@%\') NOT VALID;', down: 'ALTER TABLE accounts DROP CONSTRAINT email_at;' },
      { name: 'foreign_key', up: 'ALTER TABLE ledger ADD COLUMN account_id bigint;\nALTER TABLE ledger ADD CONSTRAINT ledger_account FOREIGN KEY (account_id) REFERENCES accounts;', down: 'ALTER TABLE ledger DROP COLUMN account_id;' },
    ]);
    db = await createTestDatabase();
    report = await verifyHistory(project.config, db, { snapshots: 'checked' });
  });
  afterAll(async () => {
    await db?.close();
    project?.cleanup();
  });

  const migration = (name: string) => report.migrations.find((m) => m.name.endsWith(`_${name}`))!;
  const findings = (name: string) => report.findings.filter((f) => f.revision === project.revisions[name]);

  it('does not trace tables the migration creates', () => {
    expect(migration('base').statements.flatMap((s) => s.locks)).toEqual([]);
    expect(migration('new_table_indexed').statements.flatMap((s) => s.locks)).toEqual([]);
    expect(findings('new_table_indexed')).toEqual([]);
  });

  it('flags CREATE INDEX on an existing table: SHARE lock during a scan', () => {
    const [up] = migration('index').statements;
    expect(up).toMatchObject({ direction: 'up', index: 1, line: 6, rewrites: [] });
    expect(up!.locks).toContainEqual({ relation: 'public.accounts', kind: 'table', mode: 'ShareLock', blocks: 'writes', scanned: true });
    expect(findings('index')).toContainEqual(expect.objectContaining({ ruleId: 'blocking-lock', level: 'error', line: 6, lintRule: 'require-concurrent-index-creation' }));
  });

  it('flags ALTER COLUMN TYPE on an existing table: ACCESS EXCLUSIVE and a rewrite', () => {
    const [up] = migration('column_type').statements;
    expect(up!.locks).toContainEqual({ relation: 'public.accounts', kind: 'table', mode: 'AccessExclusiveLock', blocks: 'reads and writes', scanned: true });
    expect(up!.rewrites).toEqual(['public.accounts']);
    expect(findings('column_type')).toContainEqual(expect.objectContaining({ ruleId: 'table-rewrite', level: 'error', lintRule: 'changing-column-type' }));
  });

  it('warns about a brief ACCESS EXCLUSIVE lock without failing', () => {
    const [up] = migration('add_column').statements;
    expect(up!.locks).toEqual([{ relation: 'public.accounts', kind: 'table', mode: 'AccessExclusiveLock', blocks: 'reads and writes', scanned: false }]);
    expect(up!.rewrites).toEqual([]);
    expect(findings('add_column').map((f) => [f.ruleId, f.level])).toEqual([
      ['brief-exclusive-lock', 'warning'],
      ['brief-exclusive-lock', 'warning'],
    ]);
  });

  it('tells a validated CHECK (scan under lock) from a NOT VALID one', () => {
    expect(findings('check').filter((f) => f.level === 'error')).toEqual([expect.objectContaining({ ruleId: 'blocking-lock', lintRule: 'constraint-missing-not-valid' })]);
    expect(findings('check_not_valid').filter((f) => f.level === 'error')).toEqual([]);
  });

  it('flags a foreign key validated on an existing table, naming the rule', () => {
    const errors = findings('foreign_key').filter((f) => f.level === 'error');
    expect(errors).toEqual([expect.objectContaining({ ruleId: 'blocking-lock', lintRule: 'adding-foreign-key-constraint' })]);
    // The FK's own lock is SHARE ROW EXCLUSIVE, but the ADD COLUMN before it already holds ACCESS EXCLUSIVE on ledger for the validation's scan.
    expect(errors[0]!.message).toContain('scans public.ledger, which existed before this migration, while holding an ACCESS EXCLUSIVE lock taken by up statement 1');
  });

  it('traces the same without the change log (plain queries instead of its sampling function)', async () => {
    const plainDb = await createTestDatabase();
    try {
      const plain = await verifyHistory(project.config, plainDb, { snapshots: 'full' });
      const traces = (r: VerifyReport) => r.migrations.map((m) => m.statements.map((s) => ({ locks: s.locks, rewrites: s.rewrites, sql: s.sql })));
      expect(traces(plain)).toEqual(traces(report));
      expect(plain.findings).toEqual(report.findings);
    } finally {
      await plainDb.close();
    }
  });
});

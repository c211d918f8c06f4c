import { describe, expect, it } from 'vitest';
import { lintHistory, lintRule, messages } from './support.js';

const ID = 'adding-not-nullable-field';
const MESSAGE = 'Setting column "bar" of "foo" NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes.';

describe(ID, () => {
  it('flags SET NOT NULL on an existing table', async () => {
    const findings = await lintRule(ID, 'ALTER TABLE foo ALTER COLUMN bar SET NOT NULL;');
    expect(findings.map((f) => f.message)).toEqual([MESSAGE]);
    expect(findings[0]!.help).toBe(
      'First ADD CONSTRAINT ... CHECK (bar IS NOT NULL) NOT VALID, VALIDATE it in a later migration, then SET NOT NULL: PostgreSQL 12+ skips the scan when a validated CHECK proves the column has no NULLs.',
    );
  });

  it('accepts SET NOT NULL after a validated CHECK (bar IS NOT NULL) on PostgreSQL 12+', async () => {
    const sql = [
      'ALTER TABLE foo ADD CONSTRAINT bar_not_null CHECK (bar IS NOT NULL) NOT VALID;',
      'COMMIT;',
      'BEGIN;',
      'ALTER TABLE foo VALIDATE CONSTRAINT bar_not_null;',
      'ALTER TABLE foo ALTER COLUMN bar SET NOT NULL;',
    ].join('\n');
    expect(await messages(ID, sql, { postgresVersion: 12, assumeInTransaction: false })).toEqual([]);
  });

  it('still flags it on PostgreSQL 11, with a check that is not validated, or a check of another column', async () => {
    const validated = 'ALTER TABLE foo ADD CONSTRAINT bar_not_null CHECK (bar IS NOT NULL) NOT VALID;\nALTER TABLE foo VALIDATE CONSTRAINT bar_not_null;\nALTER TABLE foo ALTER COLUMN bar SET NOT NULL;';
    const findings = await lintRule(ID, validated, { postgresVersion: 11 });
    expect(findings.map((f) => f.message)).toEqual([MESSAGE]);
    expect(findings[0]!.help).toBe(
      'PostgreSQL 11 (before 12) always scans for SET NOT NULL: keep the column nullable and enforce it with a CHECK (bar IS NOT NULL) constraint added NOT VALID and validated later.',
    );
    expect(await messages(ID, 'ALTER TABLE foo ADD CONSTRAINT bar_not_null CHECK (bar IS NOT NULL) NOT VALID;\nALTER TABLE foo ALTER COLUMN bar SET NOT NULL;')).toEqual([MESSAGE]);
    expect(await messages(ID, 'ALTER TABLE foo ADD CONSTRAINT baz_not_null CHECK (baz IS NOT NULL) NOT VALID;\nALTER TABLE foo VALIDATE CONSTRAINT baz_not_null;\nALTER TABLE foo ALTER COLUMN bar SET NOT NULL;')).toEqual([MESSAGE]);
  });

  it('accepts a validated CHECK that qualifies the column with its table (foo.bar, public.foo.bar), and not one naming another table', async () => {
    const sql = (check: string) => `ALTER TABLE foo ADD CONSTRAINT bar_present CHECK (${check} IS NOT NULL) NOT VALID;\nALTER TABLE foo VALIDATE CONSTRAINT bar_present;\nALTER TABLE foo ALTER COLUMN bar SET NOT NULL;`;
    expect(await messages(ID, sql('foo.bar'))).toEqual([]);
    expect(await messages(ID, sql('public.foo.bar'))).toEqual([]);
    expect(await messages(ID, sql('other.bar'))).toEqual([MESSAGE]);
    // In the model, across migrations.
    const history = [
      { revision: '20260101000000', up: 'CREATE TABLE foo (id bigint PRIMARY KEY, bar text);' },
      { revision: '20260102000000', up: 'ALTER TABLE foo ADD CONSTRAINT foo_bar_present CHECK (foo.bar IS NOT NULL) NOT VALID;' },
      { revision: '20260103000000', up: 'ALTER TABLE foo VALIDATE CONSTRAINT foo_bar_present;' },
      { revision: '20260104000000', up: 'ALTER TABLE foo ALTER COLUMN bar SET NOT NULL;' },
    ];
    expect(await lintHistory(ID, history)).toEqual([]);
  });

  it('knows a check validated by an earlier migration', async () => {
    const history = [
      { revision: '20260101000000', up: 'CREATE TABLE foo (id bigint PRIMARY KEY, bar text);' },
      { revision: '20260102000000', up: 'ALTER TABLE foo ADD CONSTRAINT foo_bar_present CHECK (bar IS NOT NULL) NOT VALID;' },
      { revision: '20260103000000', up: 'ALTER TABLE foo VALIDATE CONSTRAINT foo_bar_present;' },
      { revision: '20260104000000', up: 'ALTER TABLE foo ALTER COLUMN bar SET NOT NULL;\nALTER TABLE foo DROP CONSTRAINT foo_bar_present;' },
    ];
    expect(await lintHistory(ID, history)).toEqual([]);
    const withoutValidation = [history[0]!, history[1]!, history[3]!];
    const findings = await lintHistory(ID, withoutValidation);
    expect(findings.map((f) => [f.file, f.line, f.message])).toEqual([['migrations/20260104000000_test.sql', 6, MESSAGE]]);
  });

  it('trusts a conventionally named check validated here when the table predates the history', async () => {
    expect(await messages(ID, 'ALTER TABLE foo VALIDATE CONSTRAINT foo_bar_not_null;\nALTER TABLE foo ALTER COLUMN bar SET NOT NULL;')).toEqual([]);
    expect(await messages(ID, 'ALTER TABLE foo VALIDATE CONSTRAINT foo_baz_not_null;\nALTER TABLE foo ALTER COLUMN bar SET NOT NULL;')).toEqual([MESSAGE]);
  });

  it('accepts a validated PostgreSQL 18 NOT NULL constraint, and new tables', async () => {
    expect(await messages(ID, 'ALTER TABLE foo ADD CONSTRAINT foo_bar_nn NOT NULL bar NOT VALID;\nCOMMIT;\nALTER TABLE foo VALIDATE CONSTRAINT foo_bar_nn;\nALTER TABLE foo ALTER COLUMN bar SET NOT NULL;', { assumeInTransaction: false })).toEqual([]);
    expect(await messages(ID, 'CREATE TABLE foo (bar text);\nALTER TABLE foo ALTER COLUMN bar SET NOT NULL;')).toEqual([]);
  });

  it('accepts SET NOT NULL on a column the history already made NOT NULL (Postgres skips the scan), on any version', async () => {
    // riverqueue's 004_pending_and_more sets NOT NULL again on river_job.metadata, declared NOT NULL by 002.
    const history = [
      { revision: '20260101000000', up: "CREATE TABLE river_job (id bigserial PRIMARY KEY, metadata jsonb NOT NULL DEFAULT '{}', args jsonb);" },
      { revision: '20260102000000', up: 'ALTER TABLE river_job ALTER COLUMN metadata SET NOT NULL;\nALTER TABLE river_job ALTER COLUMN id SET NOT NULL;' },
    ];
    expect(await lintHistory(ID, history)).toEqual([]);
    expect(await lintHistory(ID, history, { postgresVersion: 11 })).toEqual([]);
    const nullable = [history[0]!, { revision: '20260102000000', up: 'ALTER TABLE river_job ALTER COLUMN args SET NOT NULL;' }];
    expect((await lintHistory(ID, nullable)).map((f) => f.message)).toEqual([
      'Setting column "args" of "river_job" NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes.',
    ]);
  });

  it('still flags a column whose NOT NULL was dropped first, or whose PostgreSQL 18 NOT NULL constraint is NOT VALID', async () => {
    const created = { revision: '20260101000000', up: 'CREATE TABLE foo (id bigint PRIMARY KEY, bar text NOT NULL);' };
    const dropped = [created, { revision: '20260102000000', up: 'ALTER TABLE foo ALTER COLUMN bar DROP NOT NULL;' }, { revision: '20260103000000', up: 'ALTER TABLE foo ALTER COLUMN bar SET NOT NULL;' }];
    expect((await lintHistory(ID, dropped)).map((f) => f.message)).toEqual([MESSAGE]);
    const sameStatement = [created, { revision: '20260102000000', up: 'ALTER TABLE foo ALTER COLUMN bar DROP NOT NULL, ALTER COLUMN bar SET NOT NULL;' }];
    expect((await lintHistory(ID, sameStatement)).map((f) => f.message)).toEqual([MESSAGE]);
    const notValid = [
      { revision: '20260101000000', up: 'CREATE TABLE foo (id bigint PRIMARY KEY, bar text);' },
      { revision: '20260102000000', up: 'ALTER TABLE foo ADD CONSTRAINT foo_bar_nn NOT NULL bar NOT VALID;' },
      { revision: '20260103000000', up: 'ALTER TABLE foo ALTER COLUMN bar SET NOT NULL;' },
    ];
    expect((await lintHistory(ID, notValid)).map((f) => f.message)).toEqual([MESSAGE]);
  });
});

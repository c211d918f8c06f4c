import { describe, expect, it } from 'vitest';
import { lintSnippet } from '../../../../src/lint/engine.js';
import { ruleById } from '../../../../src/lint/registry.js';
import { chain, lint, summary } from '../history-support.js';

const rules = [ruleById('transaction-nesting')!];

describe('transaction-nesting', () => {
  it('flags BEGIN, COMMIT and ROLLBACK in a migration the runner wraps', async () => {
    const files = chain([{ up: 'BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;', down: 'START TRANSACTION;\nDROP TABLE a;\nROLLBACK;' }]);
    const findings = await lint(files, { rules: ['transaction-nesting'] });
    expect(summary(findings)).toEqual([
      '20260101000000_change.sql:5 transaction-nesting: BEGIN in a migration that pgwarden already runs in a transaction',
      '20260101000000_change.sql:7 transaction-nesting: COMMIT in a migration that pgwarden already runs in a transaction',
      '20260101000000_change.sql:10 transaction-nesting: START TRANSACTION in a migration that pgwarden already runs in a transaction',
      '20260101000000_change.sql:12 transaction-nesting: ROLLBACK in a migration that pgwarden already runs in a transaction',
    ]);
    expect(findings[0]!.fix?.description).toContain('Transaction: none');
  });

  it('allows an explicit transaction in a Transaction: none migration, but not a nested one (an unclosed one is ban-uncommitted-transaction\'s)', async () => {
    const ok = chain([{ header: ['--! Transaction: none'], up: 'CREATE INDEX CONCURRENTLY i ON t (a);\nBEGIN;\nUPDATE t SET a = 1;\nCOMMIT;', down: 'DROP INDEX CONCURRENTLY i;' }]);
    expect(await lint(ok, { rules: ['transaction-nesting'] })).toEqual([]);
    const bad = chain([{ header: ['--! Transaction: none'], up: 'BEGIN;\nBEGIN;\nUPDATE t SET a = 1;', down: 'SELECT 1;' }]);
    expect(summary(await lint(bad, { rules: ['transaction-nesting', 'ban-uncommitted-transaction'] }))).toEqual([
      '20260101000000_change.sql:6 ban-uncommitted-transaction: BEGIN without a COMMIT or ROLLBACK before the end of the up section',
      '20260101000000_change.sql:7 transaction-nesting: BEGIN inside a transaction this migration already opened',
    ]);
  });

  it('flags a COMMIT without a BEGIN in a Transaction: none migration', async () => {
    const findings = await lintSnippet('BEGIN;\nSELECT 1;\nCOMMIT;\nCOMMIT;\nBEGIN;\nSELECT 2;\nCOMMIT;', { assumeInTransaction: false, rules });
    expect(findings.map((f) => [f.line, f.message])).toEqual([[4, 'COMMIT without an open transaction']]);
  });

  it('ignores savepoints', async () => {
    expect(await lintSnippet('SAVEPOINT a;\nRELEASE SAVEPOINT a;\nROLLBACK TO SAVEPOINT a;', { assumeInTransaction: true, rules })).toEqual([]);
  });
});

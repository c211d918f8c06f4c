import { describe, expect, it } from 'vitest';
import { chain, lint, summary } from '../history-support.js';
import { lintRule, messages } from './support.js';

const ID = 'ban-uncommitted-transaction';

describe(ID, () => {
  it('flags a BEGIN left open at the end of a section of a Transaction: none migration', async () => {
    const findings = await lintRule(ID, 'CREATE INDEX CONCURRENTLY i ON t (a);\nBEGIN;\nUPDATE t SET a = 1;', { assumeInTransaction: false });
    expect(findings.map((f) => [f.line, f.message])).toEqual([[2, 'BEGIN without a COMMIT or ROLLBACK before the end of the up section']]);
    expect(findings[0]!.fix?.description).toBe('Add COMMIT where the transaction should end (at the latest, at the end of the up section)');
    expect(await messages(ID, 'START TRANSACTION;\nCREATE TABLE posts (id bigint);', { assumeInTransaction: false })).toEqual(['START TRANSACTION without a COMMIT or ROLLBACK before the end of the up section']);
    expect(await messages(ID, 'BEGIN;\nSELECT 1;\nCOMMIT AND CHAIN;\nSELECT 2;', { assumeInTransaction: false })).toHaveLength(1);
  });

  it('checks each section, and names the BEGIN that opened the transaction left open', async () => {
    const files = chain([{ header: ['--! Transaction: none'], up: 'BEGIN;\nSELECT 1;\nCOMMIT;\nBEGIN;\nBEGIN;\nSELECT 2;', down: 'BEGIN WORK;\nSELECT 3;' }]);
    expect(summary(await lint(files, { rules: [ID] }))).toEqual([
      '20260101000000_change.sql:9 ban-uncommitted-transaction: BEGIN without a COMMIT or ROLLBACK before the end of the up section',
      '20260101000000_change.sql:14 ban-uncommitted-transaction: BEGIN without a COMMIT or ROLLBACK before the end of the down section',
    ]);
  });

  it('accepts transactions ended by COMMIT, ROLLBACK or PREPARE TRANSACTION, and sections without one', async () => {
    const sql = 'BEGIN;\nSELECT 1;\nCOMMIT;\nSTART TRANSACTION;\nSELECT 2;\nROLLBACK;\nBEGIN;\nSELECT 3;\nEND;\nBEGIN;\nSELECT 4;\nPREPARE TRANSACTION \'x\';\nSELECT 5;';
    expect(await messages(ID, sql, { assumeInTransaction: false })).toEqual([]);
  });

  it('leaves a migration the runner wraps to transaction-nesting', async () => {
    expect(await messages(ID, 'BEGIN;\nUPDATE t SET a = 1;', { assumeInTransaction: true })).toEqual([]);
  });
});

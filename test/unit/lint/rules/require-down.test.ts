import { describe, expect, it } from 'vitest';
import { chain, lint, summary } from '../history-support.js';

describe('require-down', () => {
  it('flags a migration without a down section or with an empty one', async () => {
    const files = chain([{ up: 'CREATE TABLE a (id int);' }, { up: 'CREATE TABLE b (id int);', down: '-- nothing to do\n' }]);
    const findings = await lint(files, { rules: ['require-down'] });
    expect(summary(findings)).toEqual([
      '20260101000000_change.sql:4 require-down: 20260101000000_change.sql has no down section and does not say why it cannot be undone',
      '20260101000100_change.sql:8 require-down: 20260101000100_change.sql has no down section and does not say why it cannot be undone',
    ]);
    expect(findings[0]!.fix?.replacement).toBe('--! Irreversible: <why this cannot be undone>');
  });

  it('accepts a down section, or an Irreversible reason', async () => {
    const files = chain([{ up: 'CREATE TABLE a (id int);', down: 'DROP TABLE a;' }, { up: 'DELETE FROM a;', header: ['--! Irreversible: the rows are gone'] }]);
    expect(await lint(files, { rules: ['require-down'] })).toEqual([]);
  });
});

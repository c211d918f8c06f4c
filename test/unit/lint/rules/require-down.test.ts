import { describe, expect, it } from 'vitest';
import { chain, lint, source, summary } from '../history-support.js';

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
  it('reports a down marker with nothing after it (as pgwarden new writes the file) as no down section, not as a syntax error', async () => {
    const [spec] = chain([{ up: 'CREATE TABLE a (id bigint);' }]);
    const file = source(spec!);
    // The file ends right after the marker's line: the down section is the empty string, which
    // libpg-query alone refuses ("Query cannot be empty").
    const text = file.text.trimEnd() + '\n\n-- Down Migration\n';
    const findings = await lint([{ ...file, text }]);
    expect(summary(findings)).toEqual(['20260101000000_change.sql:7 require-down: 20260101000000_change.sql has no down section and does not say why it cannot be undone']);
  });
});

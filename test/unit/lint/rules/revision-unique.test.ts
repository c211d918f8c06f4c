import { describe, expect, it } from 'vitest';
import { lint, source, summary } from '../history-support.js';

describe('revision-unique', () => {
  it('reports two files with one revision, naming both', async () => {
    const findings = await lint(
      [
        source({ revision: '20260101000000', up: 'SELECT 1;', down: 'SELECT 1;', name: '20260101000000_a.sql' }),
        { path: 'migrations/20260101000000_b.sql', text: source({ revision: '20260101000000', up: 'SELECT 2;', down: 'SELECT 2;' }).text },
      ],
      { rules: ['revision-unique'] },
    );
    expect(summary(findings)).toEqual([
      '20260101000000_b.sql:1 revision-unique: revision 20260101000000 is used by both 20260101000000_b.sql and 20260101000000_a.sql: give one of them a new revision (pgwarden new writes a fresh one)',
    ]);
    expect(findings[0]!.fix?.description).toContain('Give 20260101000000_b.sql a new revision');
  });

  it('is quiet when revisions differ', async () => {
    const files = [source({ revision: '20260101000000', up: 'SELECT 1;', down: '' }), source({ revision: '20260102000000', revises: '20260101000000', up: 'SELECT 1;', down: '' })];
    expect(await lint(files, { rules: ['revision-unique'] })).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { chain, lint, summary } from '../history-support.js';

describe('syntax-error', () => {
  it('reports the position Postgres gives, in up and in down, without crashing', async () => {
    const files = chain([{ up: 'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN x int;\nSELEC 1;', down: 'DROP TABL t;' }]);
    const findings = await lint(files, { rules: ['syntax-error'] });
    expect(summary(findings)).toEqual([
      '20260101000000_change.sql:7 syntax-error: up section: syntax error at or near "SELEC"',
      '20260101000000_change.sql:10 syntax-error: down section: syntax error at or near "TABL"',
    ]);
    expect(findings.map((f) => f.column)).toEqual([1, 6]);
    expect(findings[0]!.severity).toBe('error');
  });

  it('maps positions after multi-byte characters', async () => {
    const files = chain([{ up: "COMMENT ON TABLE t IS 'héllo wörld';\nCREATE TABEL x ();", down: '' }]);
    const [finding] = await lint(files, { rules: ['syntax-error'] });
    expect([finding!.line, finding!.column]).toEqual([6, 8]);
  });

  it('finds nothing in SQL that parses', async () => {
    expect(await lint(chain([{ up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' }]), { rules: ['syntax-error'] })).toEqual([]);
  });
});

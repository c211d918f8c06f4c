import { describe, expect, it } from 'vitest';
import { lintSnippet } from '../../../../src/lint/engine.js';
import { ruleById } from '../../../../src/lint/registry.js';
import { chain, lint, summary } from '../history-support.js';

const ID = 'ban-concurrent-index-creation-in-transaction';
const rules = [ruleById(ID)!];

describe(ID, () => {
  it('flags CONCURRENTLY in a migration without Transaction: none, with the header as fix', async () => {
    const files = chain([{ up: 'CREATE INDEX CONCURRENTLY i ON t (a);', down: 'DROP INDEX CONCURRENTLY i;' }]);
    const findings = await lint(files, { rules: [ID] });
    expect(summary(findings)).toEqual([
      '20260101000000_change.sql:5 ban-concurrent-index-creation-in-transaction: CREATE INDEX CONCURRENTLY in a migration that runs in a transaction: Postgres refuses it ("cannot run inside a transaction block")',
      '20260101000000_change.sql:8 ban-concurrent-index-creation-in-transaction: DROP INDEX CONCURRENTLY in a migration that runs in a transaction: Postgres refuses it ("cannot run inside a transaction block")',
    ]);
    expect(findings[0]!.fix).toMatchObject({ description: 'Add "--! Transaction: none" to the header (and keep other statements out of this migration)', replacement: '--! Transaction: none' });
    // The help speaks of what each operation does and leaves behind: a drop is not a build.
    expect(findings[0]!.help).toMatch(/^A concurrent build .* INVALID index, which `pgwarden status` reports\.$/);
    expect(findings[1]!.help).toMatch(/^A concurrent drop .* leaves the index INVALID, and running the drop again finishes it\.$/);
  });

  it('accepts CONCURRENTLY with Transaction: none, and flags it after an explicit BEGIN there', async () => {
    const ok = chain([{ header: ['--! Transaction: none'], up: 'CREATE UNIQUE INDEX CONCURRENTLY i ON t (a);\nREINDEX INDEX CONCURRENTLY i;', down: 'DROP INDEX CONCURRENTLY i;' }]);
    expect(await lint(ok, { rules: [ID] })).toEqual([]);
    const findings = await lintSnippet('BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;\nCREATE INDEX CONCURRENTLY j ON t (b);', { assumeInTransaction: false, rules });
    expect(findings.map((f) => [f.line, f.message])).toEqual([[2, 'CREATE INDEX CONCURRENTLY after an explicit BEGIN: Postgres refuses it ("cannot run inside a transaction block")']]);
  });

  it('flags REINDEX CONCURRENTLY and leaves plain CREATE INDEX alone', async () => {
    expect((await lintSnippet('REINDEX TABLE CONCURRENTLY t;\nCREATE INDEX i ON t (a);', { assumeInTransaction: true, rules })).map((f) => f.line)).toEqual([1]);
  });

  it('reads REINDEX options as Postgres does: (CONCURRENTLY) and (CONCURRENTLY on) are concurrent, (CONCURRENTLY false) is not', async () => {
    const sql = 'REINDEX (CONCURRENTLY) INDEX i;\nREINDEX (CONCURRENTLY on) TABLE t;\nREINDEX (CONCURRENTLY false) TABLE t;\nREINDEX (CONCURRENTLY 0) INDEX i;';
    const findings = await lintSnippet(sql, { assumeInTransaction: true, rules });
    expect(findings.map((f) => [f.line, f.message.split(' in a migration')[0]])).toEqual([
      [1, 'REINDEX CONCURRENTLY'],
      [2, 'REINDEX CONCURRENTLY'],
    ]);
  });
});

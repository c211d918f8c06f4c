import { describe, expect, it } from 'vitest';
import { lint, summary } from '../history-support.js';

describe('revision-header', () => {
  it('reports a missing revision, a mismatch with the file name, bad values and unknown keys', async () => {
    const findings = await lint(
      [
        { path: 'migrations/20260101000000_first.sql', text: '--! Description: First\n-- Up Migration\nSELECT 1;\n-- Down Migration\nSELECT 1;\n' },
        { path: 'migrations/20260102000000_second.sql', text: '--! Revision: 20260102000001\n--! Revises: 20260101000000\n--! Description: Second\n--! Colour: blue\n--! Transaction: sometimes\n-- Up Migration\nSELECT 1;\n' },
        { path: 'migrations/third.sql', text: '--! Revision: 20260103000000\n--! Revises: 20260102000001\n--! Description: Third\nSELECT 1;\n' },
      ],
      { rules: ['revision-header'] },
    );
    expect(summary(findings)).toEqual([
      '20260101000000_first.sql:1 revision-header: no "--! Revision:" header: add "--! Revision: 20260101000000" at the top',
      '20260102000000_second.sql:1 revision-header: revision 20260102000001 does not match the file name\'s 20260102000000: rename the file or fix the header',
      '20260102000000_second.sql:4 revision-header: unknown header key "Colour": use one of Revision, Revises, Description, Transaction, Irreversible, Lock-Timeout, Statement-Timeout',
      '20260102000000_second.sql:5 revision-header: "Transaction: sometimes" is not valid: the only value is "none"',
      'third.sql:1 revision-header: no "-- Up Migration" marker: put the header first, then "-- Up Migration" and the SQL',
      'third.sql:1 revision-header: file name "third.sql" is not "<revision>_<slug>.sql": rename it to 20260103000000_third.sql',
    ]);
    expect(findings.every((f) => f.help !== undefined)).toBe(true);
  });

  it('accepts a well-formed header', async () => {
    const text = '--! Revision: 20260101000000\n--! Description: Create things\n--! Lock-Timeout: 2s\n--\n-- notes\n\n-- Up Migration\nSELECT 1;\n\n-- Down Migration\nSELECT 1;\n';
    expect(await lint([{ path: 'migrations/20260101000000_things.sql', text }], { rules: ['revision-header'] })).toEqual([]);
  });
});

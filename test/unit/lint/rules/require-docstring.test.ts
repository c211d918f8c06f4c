import { describe, expect, it } from 'vitest';
import { emptyDescriptionReason } from '../../../../src/lint/rules/require-docstring.js';
import { lint, summary } from '../history-support.js';

describe('require-docstring', () => {
  it('flags a missing description and descriptions that say nothing', async () => {
    const files = [
      { path: 'migrations/20260101000000_a.sql', text: '--! Revision: 20260101000000\n-- Up Migration\nSELECT 1;\n' },
      { path: 'migrations/20260102000000_b.sql', text: '--! Revision: 20260102000000\n--! Revises: 20260101000000\n--! Description: WIP\n-- Up Migration\nSELECT 1;\n' },
      { path: 'migrations/20260103000000_c.sql', text: '--! Revision: 20260103000000\n--! Revises: 20260102000000\n--! Description: ...\n-- Up Migration\nSELECT 1;\n' },
    ];
    expect(summary(await lint(files, { rules: ['require-docstring'] }))).toEqual([
      '20260101000000_a.sql:1 require-docstring: 20260101000000_a.sql has no description',
      '20260102000000_b.sql:3 require-docstring: 20260102000000_b.sql has the description "WIP", which says nothing about the change',
      '20260103000000_c.sql:3 require-docstring: 20260103000000_c.sql has the description "...", which says nothing',
    ]);
  });

  it('tells empty words from real descriptions', () => {
    for (const text of ['', 'update', 'Fix.', 'changes', 'migration', 'TODO', 'x', 'wip!', 'Schema changes']) expect(emptyDescriptionReason(text), text).toBeDefined();
    for (const text of ['Add an index on jobs.status', 'Create users', 'Drop legacy tokens', 'Fix the jobs.status default']) expect(emptyDescriptionReason(text), text).toBeUndefined();
  });
});

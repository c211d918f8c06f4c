import { describe, expect, it } from 'vitest';
import { lintRule, messages } from './support.js';

const ID = 'ban-drop-not-null';

describe(ID, () => {
  it('flags DROP NOT NULL on an existing table', async () => {
    const findings = await lintRule(ID, 'ALTER TABLE "bar_tbl" ALTER COLUMN "foo_col" DROP NOT NULL;');
    expect(findings.map((f) => f.message)).toEqual(['Dropping NOT NULL from column "foo_col" of "bar_tbl" lets NULLs in that clients reading the column may not handle.']);
    expect(findings[0]!.severity).toBe('warning');
  });

  it('accepts SET NOT NULL and new tables', async () => {
    expect(await messages(ID, 'CREATE TABLE bar_tbl (foo_col text NOT NULL);\nALTER TABLE bar_tbl ALTER COLUMN foo_col DROP NOT NULL;')).toEqual([]);
    expect(await messages(ID, 'ALTER TABLE bar_tbl ALTER COLUMN foo_col DROP DEFAULT;')).toEqual([]);
  });
});

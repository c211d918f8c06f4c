import { describe, expect, it } from 'vitest';
import { lintRule, messages } from './support.js';

const ID = 'ban-drop-column';

describe(ID, () => {
  it('flags DROP COLUMN on an existing table', async () => {
    const findings = await lintRule(ID, 'ALTER TABLE "bar_tbl" DROP COLUMN "foo_col" CASCADE;');
    expect(findings.map((f) => f.message)).toEqual(['Dropping column "foo_col" of "bar_tbl" breaks every client that still reads or writes it, and its data is gone.']);
    expect(findings[0]!.severity).toBe('error');
  });

  it('accepts it on a table created in the same migration', async () => {
    expect(await messages(ID, 'CREATE TABLE bar_tbl (id bigint, foo_col text);\nALTER TABLE bar_tbl DROP COLUMN foo_col;')).toEqual([]);
  });

  it('only looks at the up section', async () => {
    expect(await messages(ID, 'ALTER TABLE bar_tbl ADD COLUMN foo_col text;')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { messages } from './support.js';

const ID = 'renaming-column';

describe(ID, () => {
  it('flags RENAME COLUMN on an existing table', async () => {
    expect(await messages(ID, 'ALTER TABLE "table_name" RENAME COLUMN "column_name" TO "new_column_name";')).toEqual([
      'Renaming column "column_name" of "table_name" to "new_column_name" breaks every client that still uses the old name.',
    ]);
  });

  it('accepts it on a new table, and other renames', async () => {
    expect(await messages(ID, 'CREATE TABLE t (a text);\nALTER TABLE t RENAME COLUMN a TO b;\nALTER TABLE u RENAME TO v;')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { messages } from './support.js';

const ID = 'renaming-table';

describe(ID, () => {
  it('flags RENAME TO on an existing table', async () => {
    expect(await messages(ID, 'ALTER TABLE "table_name" RENAME TO "new_table_name";')).toEqual([
      'Renaming table "table_name" to "new_table_name" breaks every client that still uses the old name.',
    ]);
  });

  it('accepts renaming a table created in the same migration', async () => {
    expect(await messages(ID, 'CREATE TABLE staging (id bigint);\nALTER TABLE staging RENAME TO final;')).toEqual([]);
  });
});

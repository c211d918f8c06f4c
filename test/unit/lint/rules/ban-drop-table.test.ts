import { describe, expect, it } from 'vitest';
import { messages } from './support.js';

const ID = 'ban-drop-table';

describe(ID, () => {
  it('flags DROP TABLE of existing tables, one finding per table', async () => {
    expect(await messages(ID, 'DROP TABLE "table_name";\nDROP TABLE IF EXISTS a, s.b;')).toEqual([
      'Dropping table "table_name" breaks every client that still uses it, and its data is gone.',
      'Dropping table "a" breaks every client that still uses it, and its data is gone.',
      'Dropping table "s.b" breaks every client that still uses it, and its data is gone.',
    ]);
  });

  it('accepts dropping a table the migration created (a scratch table), and other objects', async () => {
    expect(await messages(ID, 'CREATE TABLE scratch (id bigint);\nDROP TABLE scratch;\nDROP VIEW v;')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { messages } from './support.js';

const ID = 'ban-drop-database';

describe(ID, () => {
  it('flags every DROP DATABASE', async () => {
    expect(await messages(ID, 'DROP DATABASE "table_name";\nDROP DATABASE IF EXISTS other;')).toEqual([
      'Dropping database "table_name" from a migration destroys everything in it.',
      'Dropping database "other" from a migration destroys everything in it.',
    ]);
  });

  it('accepts other drops', async () => {
    expect(await messages(ID, 'DROP SCHEMA IF EXISTS scratch;')).toEqual([]);
  });
});

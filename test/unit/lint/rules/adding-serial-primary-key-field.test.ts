import { describe, expect, it } from 'vitest';
import { messages } from './support.js';

const ID = 'adding-serial-primary-key-field';

describe(ID, () => {
  it('flags ADD PRIMARY KEY and a primary key column on an existing table', async () => {
    expect(await messages(ID, 'ALTER TABLE items ADD PRIMARY KEY (id);')).toEqual([
      'Adding a primary key to "items" builds its unique index under an ACCESS EXCLUSIVE lock, blocking reads and writes until the index is built.',
    ]);
    expect(await messages(ID, 'ALTER TABLE a ADD COLUMN b serial PRIMARY KEY;')).toEqual([
      'Adding column "b" as the primary key of "a" fills it and builds its unique index under an ACCESS EXCLUSIVE lock, blocking reads and writes.',
    ]);
  });

  it('accepts PRIMARY KEY USING INDEX and new tables', async () => {
    expect(await messages(ID, 'ALTER TABLE items ADD CONSTRAINT items_pk PRIMARY KEY USING INDEX items_pk;')).toEqual([]);
    expect(await messages(ID, 'CREATE TABLE items (id bigint);\nALTER TABLE items ADD PRIMARY KEY (id);')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { lintHistory, messages } from './support.js';

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

  it('flags PRIMARY KEY USING INDEX on columns the history shows nullable: Postgres sets them NOT NULL with a scan', async () => {
    const history = (table: string, extra = '') => [
      { revision: '20260101000000', up: `${table}\n${extra}` },
      { revision: '20260102000000', up: 'CREATE UNIQUE INDEX CONCURRENTLY items_pkey_idx ON items (id);', header: ['--! Transaction: none'] },
      { revision: '20260103000000', up: 'ALTER TABLE items ADD CONSTRAINT items_pkey PRIMARY KEY USING INDEX items_pkey_idx;' },
    ];
    expect((await lintHistory(ID, history('CREATE TABLE items (id bigint, name text);'))).map((f) => [f.line, f.message])).toEqual([
      [6, 'Adding the primary key of "items" USING INDEX "items_pkey_idx" sets column "id" NOT NULL, which scans the whole table under an ACCESS EXCLUSIVE lock, blocking reads and writes.'],
    ]);
    expect(await lintHistory(ID, history('CREATE TABLE items (id bigint NOT NULL, name text);'))).toEqual([]);
    expect(await lintHistory(ID, history('CREATE TABLE items (id bigint, name text);', 'ALTER TABLE items ADD CONSTRAINT items_id_nn CHECK (id IS NOT NULL);'))).toEqual([]);
  });
});

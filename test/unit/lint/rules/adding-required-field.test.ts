import { describe, expect, it } from 'vitest';
import { messages } from './support.js';

const ID = 'adding-required-field';

describe(ID, () => {
  it('flags a NOT NULL column without a default on an existing table', async () => {
    expect(await messages(ID, 'ALTER TABLE recipe ADD COLUMN public boolean NOT NULL;')).toEqual([
      'Adding column "public" to "recipe" as NOT NULL without a default fails as soon as the table has a row.',
    ]);
    expect(await messages(ID, 'ALTER TABLE recipe ADD COLUMN code text PRIMARY KEY;')).toEqual([
      'Adding column "code" to "recipe" as NOT NULL without a default fails as soon as the table has a row.',
    ]);
  });

  it('accepts nullable columns, defaults, generated, identity and serial columns', async () => {
    const sql = [
      'ALTER TABLE recipe ADD COLUMN a boolean;',
      'ALTER TABLE recipe ADD COLUMN b boolean NOT NULL DEFAULT true;',
      'ALTER TABLE recipe ADD COLUMN c numeric GENERATED ALWAYS AS (x + 1) STORED NOT NULL;',
      'ALTER TABLE recipe ADD COLUMN d bigint NOT NULL GENERATED ALWAYS AS IDENTITY;',
      'ALTER TABLE recipe ADD COLUMN e bigserial NOT NULL;',
    ].join('\n');
    expect(await messages(ID, sql)).toEqual([]);
  });

  it('accepts it on a table created in the same migration', async () => {
    expect(await messages(ID, 'CREATE TABLE recipe (id bigint);\nALTER TABLE recipe ADD COLUMN public boolean NOT NULL;')).toEqual([]);
  });
});

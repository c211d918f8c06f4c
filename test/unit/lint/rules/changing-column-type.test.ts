import { describe, expect, it } from 'vitest';
import { lintHistory, messages } from './support.js';

const ID = 'changing-column-type';

describe(ID, () => {
  it('flags ALTER COLUMN TYPE on an existing table', async () => {
    expect(await messages(ID, 'ALTER TABLE "core_recipe" ALTER COLUMN "edits" TYPE text USING "edits"::text;')).toEqual([
      'Changing the type of column "edits" of "core_recipe" to text rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes, and can break clients that read the column.',
    ]);
  });

  it('accepts changes that need no rewrite when the history knows the column', async () => {
    const history = (change: string) => [
      { revision: '20260101000000', up: 'CREATE TABLE t (id bigint, a varchar(20), b numeric(10,2), c text);' },
      { revision: '20260102000000', up: change },
    ];
    expect(await lintHistory(ID, history('ALTER TABLE t ALTER COLUMN a TYPE text;'))).toEqual([]);
    expect(await lintHistory(ID, history('ALTER TABLE t ALTER COLUMN a TYPE varchar(50);'))).toEqual([]);
    expect(await lintHistory(ID, history('ALTER TABLE t ALTER COLUMN b TYPE numeric(12,2);'))).toEqual([]);
    const narrowing = await lintHistory(ID, history('ALTER TABLE t ALTER COLUMN a TYPE varchar(10);'));
    expect(narrowing.map((f) => f.message)).toEqual([
      'Changing the type of column "a" of "t" to varchar(10) rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, blocking reads and writes, and can break clients that read the column.',
    ]);
    const withUsing = await lintHistory(ID, history('ALTER TABLE t ALTER COLUMN a TYPE text USING upper(a);'));
    expect(withUsing).toHaveLength(1);
    const toBigint = await lintHistory(ID, history('ALTER TABLE t ALTER COLUMN id TYPE numeric;'));
    expect(toBigint).toHaveLength(1);
  });

  it('accepts any change on a table created in the same migration', async () => {
    expect(await messages(ID, 'CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a TYPE bigint;')).toEqual([]);
  });

  it('treats USING col::<new type>, what Django, TypeORM and Tortoise ORM write, like no USING', async () => {
    // A TypeORM migration: ALTER TABLE "focus_modes" ALTER COLUMN "name" TYPE varchar(512) USING "name"::varchar(512).
    const history = (change: string) => [
      { revision: '20260101000000', up: 'CREATE TABLE focus_modes (id bigint, name varchar(255), b numeric(10,2));' },
      { revision: '20260102000000', up: change },
    ];
    expect(await lintHistory(ID, history('ALTER TABLE "focus_modes" ALTER COLUMN "name" TYPE varchar(512) USING "name"::varchar(512);'))).toEqual([]);
    expect(await lintHistory(ID, history('ALTER TABLE focus_modes ALTER COLUMN name TYPE text USING name::text;'))).toEqual([]);
    expect(await lintHistory(ID, history('ALTER TABLE focus_modes ALTER COLUMN name TYPE text USING name;'))).toEqual([]);
    expect(await lintHistory(ID, history('ALTER TABLE focus_modes ALTER COLUMN b TYPE numeric(12,2) USING b::numeric(12,2);'))).toEqual([]);
    for (const rewrite of [
      'ALTER TABLE focus_modes ALTER COLUMN name TYPE varchar(100) USING name::varchar(100);',
      'ALTER TABLE focus_modes ALTER COLUMN name TYPE varchar(512) USING name::varchar(600);',
      'ALTER TABLE focus_modes ALTER COLUMN name TYPE text USING lower(name)::text;',
      'ALTER TABLE focus_modes ALTER COLUMN name TYPE text USING id::text;',
    ]) {
      expect(await lintHistory(ID, history(rewrite)), rewrite).toHaveLength(1);
    }
  });
});

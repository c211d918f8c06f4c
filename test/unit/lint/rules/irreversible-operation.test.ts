import { describe, expect, it } from 'vitest';
import { narrowingReason } from '../../../../src/lint/rules/irreversible-operation.js';
import { chain, lint } from '../history-support.js';

const ID = 'irreversible-operation';
const base = { up: 'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(200), note text, score numeric(10,2), seen timestamptz);', down: 'DROP TABLE users;' };

async function messages(up: string, header: string[] = []): Promise<string[]> {
  return (await lint(chain([base, { up, down: 'SELECT 1;', header }]), { rules: [ID] })).map((f) => f.message);
}

describe(ID, () => {
  it('flags data-destroying statements in an undeclared migration', async () => {
    expect(await messages('ALTER TABLE users DROP COLUMN note;')).toEqual(["DROP COLUMN users.note deletes the column's values, and the migration does not declare that it cannot be undone"]);
    expect(await messages('DELETE FROM users WHERE id < 10;')).toEqual(['DELETE FROM users removes rows, and the migration does not declare that it cannot be undone']);
    expect(await messages('TRUNCATE users;')).toEqual(['TRUNCATE users removes every row, and the migration does not declare that it cannot be undone']);
    expect(await messages('DROP TABLE users;')).toEqual(['DROP TABLE users deletes the table and its rows, and the migration does not declare that it cannot be undone']);
    expect(await messages('ALTER TABLE users ALTER COLUMN email TYPE varchar(50);')).toEqual([
      'ALTER COLUMN users.email TYPE shortens varchar(200) to varchar(50): longer values are cut or refused, and the migration does not declare that it cannot be undone',
    ]);
  });

  it('accepts widening changes, declared migrations, and tables created in the same migration', async () => {
    expect(await messages('ALTER TABLE users ALTER COLUMN email TYPE text; ALTER TABLE users ALTER COLUMN id TYPE numeric;')).toEqual([]);
    expect(await lint(chain([base, { up: 'ALTER TABLE users DROP COLUMN note;', header: ['--! Irreversible: the notes were never used'] }]), { rules: [ID] })).toEqual([]);
    expect(await messages('CREATE TABLE scratch (id int); DELETE FROM scratch; DROP TABLE scratch;')).toEqual([]);
    // Created, then renamed, in the same migration: still new under its new name.
    expect(await messages('CREATE TABLE b (id bigint, w text);\nALTER TABLE b RENAME TO bb;\nALTER TABLE bb DROP COLUMN w;\nDELETE FROM bb;\nDROP TABLE bb;')).toEqual([]);
    // An existing table renamed is not new.
    expect(await messages('ALTER TABLE users RENAME TO people;\nALTER TABLE people DROP COLUMN note;')).toEqual(["DROP COLUMN people.note deletes the column's values, and the migration does not declare that it cannot be undone"]);
  });

  it('does not look at down sections', async () => {
    expect(await lint(chain([{ up: 'CREATE TABLE t (id int);', down: 'DROP TABLE t;' }]), { rules: [ID] })).toEqual([]);
  });

  it('knows which type changes narrow', () => {
    const col = (type: string, typmods: number[] = []) => ({ type, typmods, isArray: false });
    expect(narrowingReason(col('int8'), col('int4'))).toBeDefined();
    expect(narrowingReason(col('int4'), col('int8'))).toBeUndefined();
    expect(narrowingReason(col('text'), col('varchar', [10]))).toBeDefined();
    expect(narrowingReason(col('varchar', [10]), col('varchar', [20]))).toBeUndefined();
    expect(narrowingReason(col('numeric', [10, 2]), col('numeric', [10, 0]))).toBeDefined();
    expect(narrowingReason(col('numeric', [10, 2]), col('numeric', [12, 2]))).toBeUndefined();
    expect(narrowingReason(col('numeric'), col('int8'))).toBeDefined();
    expect(narrowingReason(col('float8'), col('float4'))).toBeDefined();
    expect(narrowingReason(col('timestamptz'), col('date'))).toBeDefined();
    expect(narrowingReason(col('timestamp'), col('timestamptz'))).toBeUndefined();
    expect(narrowingReason(col('int4'), col('text'))).toBeUndefined();
  });
});

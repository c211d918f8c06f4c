import { describe, expect, it } from 'vitest';
import { lintRule, messages } from './support.js';

const ID = 'disallowed-unique-constraint';

describe(ID, () => {
  it('flags UNIQUE constraints and UNIQUE columns added to an existing table', async () => {
    expect(await messages(ID, 'ALTER TABLE table_name ADD CONSTRAINT field_name_constraint UNIQUE (field_name);')).toEqual([
      'Adding UNIQUE constraint "field_name_constraint" to "table_name" builds its index under an ACCESS EXCLUSIVE lock, blocking reads and writes until the index is built.',
    ]);
    expect(await messages(ID, 'ALTER TABLE foo ADD COLUMN bar text UNIQUE;')).toEqual([
      'Adding column "bar" with UNIQUE builds its index on "foo" under an ACCESS EXCLUSIVE lock, blocking reads and writes until the index is built.',
    ]);
  });

  it('accepts UNIQUE USING INDEX, dropping constraints, and new tables', async () => {
    const sql = [
      'CREATE UNIQUE INDEX CONCURRENTLY dist_id_temp_idx ON distributors (dist_id);',
      'ALTER TABLE distributors ADD CONSTRAINT dist_id_key UNIQUE USING INDEX dist_id_temp_idx;',
      'ALTER TABLE distributors DROP CONSTRAINT old_key;',
      'CREATE TABLE products (id bigint PRIMARY KEY, sku text NOT NULL);',
      'ALTER TABLE products ADD CONSTRAINT sku_key UNIQUE (sku);',
    ].join('\n');
    expect(await messages(ID, sql, { assumeInTransaction: false })).toEqual([]);
  });

  it('flags an EXCLUDE constraint added to an existing table: it cannot be NOT VALID nor USING INDEX', async () => {
    // KermitClein/bookingpunktduh's prisma migration add_no_overlap_constraint.
    const sql = [
      'CREATE EXTENSION IF NOT EXISTS btree_gist;',
      'ALTER TABLE "Booking"',
      '  ADD CONSTRAINT "no_overlap"',
      '  EXCLUDE USING gist (',
      '    "resourceId" WITH =,',
      '    tsrange("startTs","endTs",\'[]\') WITH &&',
      '  )',
      '  WHERE ("status" = \'confirmed\');',
    ].join('\n');
    const findings = await lintRule(ID, sql);
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [3, 'Adding EXCLUDE constraint "no_overlap" to "Booking" builds its index under an ACCESS EXCLUSIVE lock, blocking reads and writes until the index is built.'],
    ]);
    expect(findings[0]!.help).toContain('An exclusion constraint can be added neither NOT VALID nor USING INDEX');
    expect(await messages(ID, 'CREATE TABLE slots (room int, during tstzrange);\nALTER TABLE slots ADD EXCLUDE USING gist (room WITH =, during WITH &&);')).toEqual([]);
    expect(await messages(ID, 'CREATE TABLE slots (room int, during tstzrange, EXCLUDE USING gist (room WITH =, during WITH &&));')).toEqual([]);
  });
});

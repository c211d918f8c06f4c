import { describe, expect, it } from 'vitest';
import { lintRule, messages } from './support.js';

const ID = 'identifier-too-long';
const LONG = 'table_very_long_very_long_very_long_very_long_very_long_very_long';

describe(ID, () => {
  it('flags identifiers over 63 bytes, with the truncated name as fix', async () => {
    const findings = await lintRule(ID, `create table ${LONG} (id bigint);`);
    expect(findings.map((f) => f.message)).toEqual([
      `Identifier "${LONG}" is 65 bytes long: PostgreSQL silently truncates it to 63 bytes ("table_very_long_very_long_very_long_very_long_very_long_very_lo").`,
    ]);
    expect(findings[0]!.fix).toMatchObject({
      description: 'Rename to table_very_long_very_long_very_long_very_long_very_long_very_lo',
      replacement: 'create table table_very_long_very_long_very_long_very_long_very_long_very_lo (id bigint)',
    });
  });

  it('counts bytes, unescapes quoted identifiers and lower-cases unquoted ones', async () => {
    expect(await messages(ID, 'create table "👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦" (id bigint);')).toEqual([
      'Identifier "👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦" is 75 bytes long: PostgreSQL silently truncates it to 63 bytes ("👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩").',
    ]);
    const quoted = `create table "${'a'.repeat(63)}""b" (id bigint);`;
    expect(await messages(ID, quoted)).toEqual([`Identifier "${'a'.repeat(63)}"b" is 65 bytes long: PostgreSQL silently truncates it to 63 bytes ("${'a'.repeat(63)}").`]);
    expect(await messages(ID, `CREATE INDEX ${'X'.repeat(64)} ON t (c);`)).toEqual([
      `Identifier "${'x'.repeat(64)}" is 64 bytes long: PostgreSQL silently truncates it to 63 bytes ("${'x'.repeat(63)}").`,
    ]);
  });

  it('accepts 63 bytes, and ignores long strings, comments and function bodies', async () => {
    const sql = [
      'create table table_very_long_very_long_very_long_very_long_very_long_very_lo (id bigint);',
      `comment on table t is '${'long words '.repeat(20)}';`,
      `-- ${'x'.repeat(80)}`,
      `create function f() returns int language sql as $$ select ${'y'.repeat(70)} $$;`,
    ].join('\n');
    expect(await messages(ID, sql)).toEqual([]);
  });
});

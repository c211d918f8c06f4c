import { describe, expect, it } from 'vitest';
import { lintRule, messages } from './support.js';

const ID = 'prefer-bigint-over-int';

describe(ID, () => {
  it('flags int, integer, int4, serial and serial4 columns, with a fix', async () => {
    const findings = await lintRule(ID, 'create table users (id serial primary key, score int not null, ids int4[], n INTEGER);');
    expect(findings.map((f) => f.message)).toEqual([
      'Column "id" is serial, a 32-bit integer: its values run out at 2,147,483,647, and widening it later rewrites the table.',
      'Column "score" is int, a 32-bit integer: its values run out at 2,147,483,647, and widening it later rewrites the table.',
      'Column "ids" is int4, a 32-bit integer: its values run out at 2,147,483,647, and widening it later rewrites the table.',
      'Column "n" is INTEGER, a 32-bit integer: its values run out at 2,147,483,647, and widening it later rewrites the table.',
    ]);
    expect(findings[0]!.help).toBe('Use bigserial.');
    expect(findings[1]!.help).toBe('Use bigint.');
    expect(findings[0]!.fix?.replacement).toBe('create table users (id bigserial primary key, score bigint not null, ids bigint[], n bigint)');
  });

  it('flags ALTER TABLE ADD COLUMN and ALTER COLUMN TYPE', async () => {
    expect(await messages(ID, 'alter table t add column n integer;\nalter table t alter column m type int;')).toEqual([
      'Column "n" is integer, a 32-bit integer: its values run out at 2,147,483,647, and widening it later rewrites the table.',
      'Column "m" is int, a 32-bit integer: its values run out at 2,147,483,647, and widening it later rewrites the table.',
    ]);
  });

  it('accepts 64-bit and 16-bit integers and user types named like int4', async () => {
    expect(await messages(ID, 'create table users (a bigint, b int8, c bigserial, d serial8, e smallint, f int2, g smallserial, h myschema.int4);')).toEqual([]);
  });
});

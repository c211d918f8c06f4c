import { describe, expect, it } from 'vitest';
import { lintRule, messages } from './support.js';

const ID = 'prefer-bigint-over-smallint';

describe(ID, () => {
  it('flags smallint, int2, smallserial and serial2 columns, with a fix', async () => {
    const findings = await lintRule(ID, 'create table users (id smallserial primary key, score smallint not null, v int2[], w serial2);');
    expect(findings.map((f) => f.message)).toEqual([
      'Column "id" is smallserial, a 16-bit integer: its values run out at 32,767, and widening it later rewrites the table.',
      'Column "score" is smallint, a 16-bit integer: its values run out at 32,767, and widening it later rewrites the table.',
      'Column "v" is int2, a 16-bit integer: its values run out at 32,767, and widening it later rewrites the table.',
      'Column "w" is serial2, a 16-bit integer: its values run out at 32,767, and widening it later rewrites the table.',
    ]);
    expect(findings[0]!.fix?.replacement).toBe('create table users (id bigserial primary key, score bigint not null, v bigint[], w bigserial)');
  });

  it('accepts bigint and int', async () => {
    expect(await messages(ID, 'create table users (a bigint, b integer, c serial, d int8);\nalter table users add column e bigint;')).toEqual([]);
  });
});

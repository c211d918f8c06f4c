import { describe, expect, it } from 'vitest';
import { lintRule, messages } from './support.js';

const ID = 'prefer-timestamptz';

describe(ID, () => {
  it('flags timestamp and timestamp without time zone, with a fix', async () => {
    const findings = await lintRule(ID, 'create table app.users (a timestamp, b timestamp(3) without time zone, c timestamp[]);');
    expect(findings.map((f) => f.message)).toEqual([
      'Column "a" is timestamp: its values carry no time zone, so clients in different zones read different instants.',
      'Column "b" is timestamp(3) without time zone: its values carry no time zone, so clients in different zones read different instants.',
      'Column "c" is timestamp: its values carry no time zone, so clients in different zones read different instants.',
    ]);
    expect(findings[0]!.fix?.replacement).toBe('create table app.users (a timestamptz, b timestamptz(3), c timestamptz[])');
    expect(await messages(ID, 'alter table app.users alter column created_ts type timestamp;')).toEqual([
      'Column "created_ts" is timestamp: its values carry no time zone, so clients in different zones read different instants.',
    ]);
  });

  it('accepts timestamptz and timestamp with time zone', async () => {
    expect(await messages(ID, 'create table app.users (a timestamptz, b timestamp with time zone, c date);')).toEqual([]);
  });
});

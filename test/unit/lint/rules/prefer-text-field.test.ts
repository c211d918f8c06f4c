import { describe, expect, it } from 'vitest';
import { lintRule, messages } from './support.js';

const MULTILINE = 'CREATE TABLE users (\n  id bigint,\n  name varchar(100)\n);';

const ID = 'prefer-text-field';

describe(ID, () => {
  it('flags varchar(n) in CREATE TABLE, ADD COLUMN and ALTER COLUMN TYPE', async () => {
    const findings = await lintRule(ID, 'CREATE TABLE t (a varchar(100), b character varying(20)[], c pg_catalog.varchar(5));');
    expect(findings.map((f) => f.message)).toEqual([
      'Column "a" is varchar(100): changing the limit later takes an ACCESS EXCLUSIVE lock (and lowering it rewrites the table).',
      'Column "b" is character varying(20): changing the limit later takes an ACCESS EXCLUSIVE lock (and lowering it rewrites the table).',
      'Column "c" is pg_catalog.varchar(5): changing the limit later takes an ACCESS EXCLUSIVE lock (and lowering it rewrites the table).',
    ]);
    expect(findings[0]!.fix).toMatchObject({ description: 'Use text instead of varchar(n)', replacement: 'CREATE TABLE t (a text, b text[], c text)' });
    expect(await messages(ID, 'ALTER TABLE t ADD COLUMN c varchar(256) NULL;\nALTER TABLE t ALTER COLUMN d TYPE varchar(1000) USING d::varchar(1000);')).toEqual([
      'Column "c" is varchar(256): changing the limit later takes an ACCESS EXCLUSIVE lock (and lowering it rewrites the table).',
      'Column "d" is varchar(1000): changing the limit later takes an ACCESS EXCLUSIVE lock (and lowering it rewrites the table).',
    ]);
  });

  it('accepts text and varchar without a limit', async () => {
    expect(await messages(ID, 'CREATE TABLE t (a text, b varchar);\nALTER TABLE t ADD CONSTRAINT a_len CHECK (length(a) <= 100) NOT VALID;')).toEqual([]);
  });

  it('points at the type inside a multi-line statement, and the statement\'s inline ignore still applies', async () => {
    expect((await lintRule(ID, MULTILINE)).map((f) => [f.line, f.column])).toEqual([[3, 8]]);
    expect(await messages(ID, `-- pgwarden-ignore prefer-text-field usernames are capped by the identity provider\n${MULTILINE}`)).toEqual([]);
  });
});

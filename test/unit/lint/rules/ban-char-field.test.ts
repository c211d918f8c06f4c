import { describe, expect, it } from 'vitest';
import { lintRule, messages } from './support.js';

const ID = 'ban-char-field';

describe(ID, () => {
  it('flags char(n), character and bpchar columns, with a fix to text', async () => {
    const findings = await lintRule(ID, 'CREATE TABLE t (a char(100), b character, c bpchar(5)[], d varchar(10), e text);');
    expect(findings.map((f) => f.message)).toEqual([
      'Column "a" is char(100): char(n) pads values with blanks, is no faster than text, and changing its length rewrites the table.',
      'Column "b" is character: char(n) pads values with blanks, is no faster than text, and changing its length rewrites the table.',
      'Column "c" is bpchar(5): char(n) pads values with blanks, is no faster than text, and changing its length rewrites the table.',
    ]);
    expect(findings[0]!.severity).toBe('warning');
    expect(findings[0]!.fix).toMatchObject({ description: 'Use text instead of char', replacement: 'CREATE TABLE t (a text, b text, c text[], d varchar(10), e text)' });
  });

  it('flags ADD COLUMN and ALTER COLUMN TYPE', async () => {
    expect(await messages(ID, 'ALTER TABLE t ADD COLUMN c CHAR;\nALTER TABLE t ALTER COLUMN d TYPE character(3);')).toEqual([
      'Column "c" is CHAR: char(n) pads values with blanks, is no faster than text, and changing its length rewrites the table.',
      'Column "d" is character(3): char(n) pads values with blanks, is no faster than text, and changing its length rewrites the table.',
    ]);
  });

  it('accepts the one-byte "char" type, text and varchar', async () => {
    expect(await messages(ID, 'CREATE TABLE t (a "char", b text, c varchar(100), d varchar);')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { chain, lint, source, summary } from '../history-support.js';

describe('empty-migration', () => {
  it('flags an up section with only comments, as pgwarden new writes it, and no other governance rule for it', async () => {
    const files = chain([{ up: 'CREATE TABLE a (id bigint);', down: 'DROP TABLE a;' }, { up: '-- TODO\n', down: '' }]);
    const findings = await lint(files);
    expect(summary(findings)).toEqual(['20260101000100_change.sql:5 empty-migration: 20260101000100_change.sql has no statement in its up section: applying it changes nothing']);
  });

  it('accepts any statement, and leaves a syntax error to syntax-error', async () => {
    const files = chain([{ up: 'SELECT 1;', down: 'SELECT 1;' }, { up: 'CREATE TABLE (;', down: '' }]);
    const findings = await lint(files, { rules: ['empty-migration'] });
    expect(findings).toEqual([]);
  });

  it('is silenced by an ignore for the file, with its reason', async () => {
    const [spec] = chain([{ up: '', down: '' }]);
    const file = source(spec!);
    const text = file.text.replace('-- Up Migration', '-- pgwarden-ignore-file empty-migration keeps revision 20260101000000 that prod applied by hand\n-- Up Migration');
    expect(await lint([{ ...file, text }])).toEqual([]);
  });
});
